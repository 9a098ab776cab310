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
	.macro	report
	.balign 128
	mrs	x0, esr_el1
	mrs	x1, far_el1
	mrs	x2, elr_el1
	bl	guest_exception
	.endm

/* Except an IRQ taken from EL1 with SP_EL1 (entry 5, offset 0x280): guest_irq (irq.c). */
	.balign 2048
vectors:
	.rept 5
	report
	.endr
	.balign 128
	b	irq_entry
	.rept 10
	report
	.endr

/* Save what a C call may clobber (x0-x18, x29, x30), call guest_irq, return. ELR and
 * SPSR need no saving: the handler takes no exception itself. */
irq_entry:
	sub	sp, sp, #176
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	str	x30, [sp, #160]
	bl	guest_irq
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	ldr	x30, [sp, #160]
	add	sp, sp, #176
	eret

/* Images without irq.c (the firmware) take no IRQ: if one comes, report it. */
	.weak	guest_irq
guest_irq:
	mrs	x0, esr_el1
	mrs	x1, far_el1
	mrs	x2, elr_el1
	b	guest_exception

	.bss
	.balign 16
	.global stacks
stacks:
	.skip	STACK_SIZE * 8

	.section .note.GNU-stack, "", %progbits
