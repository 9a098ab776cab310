// SPDX-License-Identifier: Apache-2.0
/*
 * The pvmfw-selftest payload's entry. pvmfw promises (docs/PAYLOAD.md, "Handing over"):
 * x0 = DT, x1 = handover, x16 = the entry address, every other general-purpose and SIMD
 * register zero, SP zero, MMU off. Check that before anything disturbs the registers:
 * x16 becomes the OR of everything that should be zero (plus SCTLR_EL1.M), then C runs
 * with payload_main(dt, handover, dirty).
 */
	.section .text.boot, "ax"
	.global	_start
_start:
	orr	x16, x2, x3
	.irp	n, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	orr	x16, x16, x\n
	.endr
	mov	x17, #(3 << 20)			// FP/SIMD on to read the vector registers
	msr	cpacr_el1, x17
	isb
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	fmov	x17, d\n
	orr	x16, x16, x17
	mov	x17, v\n\().d[1]
	orr	x16, x16, x17
	.endr
	mov	x17, sp
	orr	x16, x16, x17
	mrs	x17, sctlr_el1
	and	x17, x17, #1
	orr	x16, x16, x17
	adrp	x17, payload_stack_top
	add	x17, x17, :lo12:payload_stack_top
	mov	sp, x17
	mov	x2, x16
	bl	payload_main
1:	wfi
	b	1b

	.bss
	.balign	16
	.space	8192
payload_stack_top:
