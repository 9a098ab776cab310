// SPDX-License-Identifier: Apache-2.0
/*
 * The runtime's entry, where pvmfw jumps (the payload's signed entry_offset 0): x0 = the
 * DT, x1 = the handover page, MMU off (docs/PAYLOAD.md, "Handing over"). FP/SIMD on
 * before any C code, vectors installed, bss cleared (pvmfw zeroes mem_size already;
 * this keeps the runtime correct under any loader), the stack set, the identity map on,
 * then rt_start(dt, handover), which never returns.
 */
	.section .text.boot, "ax"
	.global	_start
_start:
	mov	x19, x0
	mov	x20, x1
	msr	daifset, #0xf
	mov	x2, #(3 << 20)			// CPACR_EL1.FPEN
	msr	cpacr_el1, x2
	isb
	msr	fpcr, xzr
	msr	fpsr, xzr
	adrp	x2, rt_vectors
	add	x2, x2, :lo12:rt_vectors
	msr	vbar_el1, x2
	adrp	x2, __bss_start
	add	x2, x2, :lo12:__bss_start
	adrp	x3, __bss_end
	add	x3, x3, :lo12:__bss_end
1:	cmp	x2, x3
	b.hs	2f
	stp	xzr, xzr, [x2], #16
	b	1b
2:	adrp	x2, __stack_top
	add	x2, x2, :lo12:__stack_top
	mov	sp, x2
	bl	arch_mmu_enable_identity
	mov	x0, x19
	mov	x1, x20
	bl	rt_start
3:	wfi
	b	3b
