// SPDX-License-Identifier: Apache-2.0
/*
 * The firmware's exception vectors. The firmware expects no exception at all: any one
 * (a fault reading a DT the host placed outside memory, an abort the hyp injected, a
 * firmware bug) ends the boot with INTERNAL_ERROR through pvmfw_exception(). The handler
 * runs on its own stack, so a corrupt or exhausted main stack cannot stop the report;
 * an exception inside the handler itself goes straight to PSCI SYSTEM_RESET.
 */

	.macro	ventry kind
	.balign	128
	mov	x0, #\kind
	b	pvmfw_vector_common
	.endm

	.section .text.vectors, "ax"
	.balign	2048
	.global	pvmfw_vectors
pvmfw_vectors:
	.irp	kind, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	ventry	\kind
	.endr

pvmfw_vector_common:
	adrp	x1, pvmfw_in_exception
	add	x1, x1, :lo12:pvmfw_in_exception
	ldr	w2, [x1]
	cbnz	w2, 1f
	mov	w2, #1
	str	w2, [x1]
	adrp	x1, __exc_stack_top
	add	x1, x1, :lo12:__exc_stack_top
	mov	sp, x1
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	bl	pvmfw_exception			// does not return
1:	movz	x0, #0x0009			// PSCI SYSTEM_RESET (0x84000009)
	movk	x0, #0x8400, lsl #16
	hvc	#0
2:	wfi
	b	2b

	.bss
	.balign	4
	.global	pvmfw_in_exception
pvmfw_in_exception:
	.word	0
