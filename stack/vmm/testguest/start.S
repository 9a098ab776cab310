// SPDX-License-Identifier: MIT
/*
 * Entry of both test images. The boot CPU comes here with x0 = the DT (from the VMM,
 * or from the firmware that ran first); secondary CPUs enter secondary_entry through
 * PSCI CPU_ON with x0 = their index (the context id). MMU off, EL1h.
 */
	.equ STACK_SIZE, 16384

	.section .text.start, "ax"
	.global _start
_start:
	mov	x19, x0
	ldr	x1, =stacks + STACK_SIZE
	mov	sp, x1
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	mov	x0, x19
	bl	guest_main
	bl	power_off

	.text
	.global secondary_entry
secondary_entry:
	ldr	x1, =stacks
	add	x2, x0, #1
	lsl	x2, x2, #14		// (index + 1) * STACK_SIZE
	add	x1, x1, x2
	mov	sp, x1
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	bl	secondary_main
3:	wfi
	b	3b

/* Any exception: report it (guest_exception prints and stops). */
	.balign 2048
vectors:
	.rept 16
	.balign 128
	mrs	x0, esr_el1
	mrs	x1, far_el1
	mrs	x2, elr_el1
	bl	guest_exception
	.endr

	.bss
	.balign 16
	.global stacks
stacks:
	.skip	STACK_SIZE * 8

	.section .note.GNU-stack, "", %progbits
