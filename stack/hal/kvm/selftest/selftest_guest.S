// SPDX-License-Identifier: MIT
/*
 * Guest code of hal-kvm-selftest (kvm_selftest.c), assembled into the program's .rodata
 * and copied into guest memory. Position independent: it runs with the MMU off at IPA
 * 0x80000000 or, for the MMU test, at VA 0x40000000 through the host-built stage 1.
 * x0 selects the test at entry; x9..x11 are the host's parameters. Results go to the
 * host through HVC 0xc6001000 (x1..x6).
 */
	.equ REPORT,		0xc6001000
	.equ SMCCC_VERSION,	0x80000000
	.equ PSCI_VERSION,	0x84000000
	.equ TRNG_VERSION,	0x84000050
	.equ KVM_VENDOR_HYP,	0x86000000

	.macro movq reg, val
	movz \reg, #((\val) & 0xffff)
	movk \reg, #(((\val) >> 16) & 0xffff), lsl #16
	movk \reg, #(((\val) >> 32) & 0xffff), lsl #32
	movk \reg, #(((\val) >> 48) & 0xffff), lsl #48
	.endm

	.macro report
	movq x0, REPORT
	hvc #0
	.endm

	.section .rodata
	.balign 16
	.global selftest_guest_start, selftest_guest_end
selftest_guest_start:
	adr x13, tests
	add x13, x13, x0, lsl #2
	br x13
tests:
	b t_spin
	b t_sext
	b t_s2_kinds
	b t_smccc

/* 0: read [x9] until [x10] is non-zero; every read must give x11. */
t_spin:
	mov x3, #0
1:	ldr x1, [x9]
	cmp x1, x11
	b.ne 2f
	add x3, x3, #1
	ldr x2, [x10]
	cbz x2, 1b
	mov x1, #1
	report
	b .
2:	mov x2, x1
	mov x1, #0xbad
	report
	b .

/* 1: sign-extending MMIO loads (run with the MMU on). */
t_sext:
	ldrsb x5, [x9]
	ldrsh w6, [x9, #2]
	ldrsw x7, [x9, #4]
	mov x1, x5
	mov x2, x6
	mov x3, x7
	report
	b .

/* 2: a mapping without read permission, then one with AF = 0. */
t_s2_kinds:
	ldr x1, [x9]
	report
	ldr x1, [x10]
	report
	b .

/* 3: which SMCCC calls KVM answers and which reach the host. */
t_smccc:
	movq x0, SMCCC_VERSION
	hvc #0
	mov x20, x0
	movq x0, PSCI_VERSION
	hvc #0
	mov x21, x0
	movq x0, TRNG_VERSION
	hvc #0
	mov x22, x0
	movq x0, KVM_VENDOR_HYP
	hvc #0
	mov x23, x0
	mov x1, x20
	mov x2, x21
	mov x3, x22
	mov x4, x23
	report
	b .
selftest_guest_end:

	.section .note.GNU-stack, "", %progbits
