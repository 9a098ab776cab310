// SPDX-License-Identifier: Apache-2.0
/*
 * The runtime's exception vectors. IRQs from EL1 with SP_EL1 go to rt_irq() with the
 * interrupted context saved (general-purpose registers only: the runtime's interrupt
 * path is built general-registers-only, so the payload's SIMD state survives untouched).
 * Everything else is unexpected: rt_fatal_exception(kind, esr, elr, far) stops the VM.
 */
#define FRAME	(24 * 8)	/* x0-x18, x29, x30, ELR, SPSR, pad */

	.macro	ventry label
	.balign	128
	b	\label
	.endm

	.macro	vfatal kind
	.balign	128
	mov	x0, #\kind
	b	fatal
	.endm

	.section .text.vectors, "ax"
	.balign	2048
	.global	rt_vectors
rt_vectors:
	vfatal	0
	vfatal	1
	vfatal	2
	vfatal	3
	vfatal	4		// current EL, SP_ELx: synchronous
	ventry	irq		// IRQ
	vfatal	6
	vfatal	7
	.irp	kind, 8, 9, 10, 11, 12, 13, 14, 15
	vfatal	\kind
	.endr

irq:
	sub	sp, sp, #FRAME
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
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x30, x0, [sp, #160]
	str	x1, [sp, #176]
	bl	rt_irq
	ldr	x1, [sp, #176]
	ldp	x30, x0, [sp, #160]
	msr	elr_el1, x0
	msr	spsr_el1, x1
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
	add	sp, sp, #FRAME
	eret

fatal:
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	bl	rt_fatal_exception
1:	wfi
	b	1b
