// SPDX-License-Identifier: Apache-2.0
/*
 * uint64_t arch_hvc(uint32_t fn, a1, a2, a3, a4, a5, a6, struct arch_smccc_res *ret)
 * SMCCC 1.1: x0 = function id, x1..x6 arguments; results in x0..x3. x7 is the result
 * pointer on entry (the eighth argument), kept across the call in x9.
 */
	.text
	.global	arch_hvc
arch_hvc:
	mov	w0, w0
	mov	x9, x7
	mov	x7, xzr
	hvc	#0
	cbz	x9, 1f
	stp	x0, x1, [x9]
	stp	x2, x3, [x9, #16]
1:	ret
