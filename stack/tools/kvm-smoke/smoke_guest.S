/*
 * The guest program kvm-smoke runs in its VM. It is data for the host (it sits in
 * .rodata, never executed there): kvm_smoke.c copies the bytes between smoke_guest_start
 * and smoke_guest_end to the start of guest RAM. Position independent, EL1, MMU off.
 * The MMIO base lives in x19 and the GICD base in x20: an SMCCC call returns in x0-x3
 * (KVM writes all four on every call it handles) and may clobber up to x17 under SMCCC
 * 1.0; x19-x28 are preserved by every version.
 * Each step makes one exit the VMM checks, in this order (see smoke_guest.h):
 *   MMIO write, MMIO read, MMIO write (echo), HVC forwarded by the SMCCC filter,
 *   MMIO write (HVC result), MMIO write (in-kernel PSCI_VERSION result),
 *   MMIO write (GICD_PIDR2 read from the in-kernel vGIC), PSCI SYSTEM_OFF.
 */
#include "stack/tools/kvm-smoke/smoke_guest.h"

	.section .rodata.smoke_guest, "a"
	.balign	4
	.global	smoke_guest_start, smoke_guest_end, smoke_guest_hvc_return

smoke_guest_start:
	movz	x19, #(SMOKE_MMIO_BASE >> 16), lsl #16

	movz	x1, #(SMOKE_PATTERN & 0xffff)
	movk	x1, #((SMOKE_PATTERN >> 16) & 0xffff), lsl #16
	movk	x1, #((SMOKE_PATTERN >> 32) & 0xffff), lsl #32
	movk	x1, #((SMOKE_PATTERN >> 48) & 0xffff), lsl #48
	str	x1, [x19, #SMOKE_MMIO_PATTERN]

	ldr	w3, [x19, #SMOKE_MMIO_READ]
	str	w3, [x19, #SMOKE_MMIO_READ_ECHO]

	movz	x0, #(SMOKE_HVC_FUNC >> 16), lsl #16
	movk	x0, #(SMOKE_HVC_FUNC & 0xffff)
	movz	x1, #SMOKE_HVC_ARG1
	hvc	#0
smoke_guest_hvc_return:
	str	x0, [x19, #SMOKE_MMIO_HVC_RESULT]

	movz	x0, #(SMOKE_PSCI_VERSION >> 16), lsl #16
	hvc	#0
	str	x0, [x19, #SMOKE_MMIO_PSCI_VERSION]

	movz	x20, #(SMOKE_GICD_BASE >> 16), lsl #16
	add	x20, x20, #(SMOKE_GICD_PIDR2 & ~0xfff)
	ldr	w5, [x20, #(SMOKE_GICD_PIDR2 & 0xfff)]
	str	w5, [x19, #SMOKE_MMIO_GICD_PIDR2]

	movz	x0, #(SMOKE_PSCI_SYSTEM_OFF >> 16), lsl #16
	movk	x0, #(SMOKE_PSCI_SYSTEM_OFF & 0xffff)
	hvc	#0
1:	b	1b
smoke_guest_end:

	.section .note.GNU-stack, "", %progbits
