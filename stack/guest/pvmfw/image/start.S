// SPDX-License-Identifier: Apache-2.0
/*
 * The pvmfw image's entry, header and exits.
 *
 * The hyp loads the image at the start of the firmware region (0x7fc0_0000) and enters
 * it at its first byte at EL1, MMU off, with x0 = the DT's address. The first 32 bytes
 * are struct avf_pvmfw_image_header (avf_pvmfw_abi.h, which is C only, hence the
 * literal values here): a branch over it, the magic, and config_offset, where the
 * platform appends its config (docs/PAYLOAD.md).
 *
 * pvmfw_entry: masks interrupts, installs the vectors, enables FP/SIMD *before any C
 * code runs* (the compiler and the crypto code may use the SIMD registers), clears bss,
 * the handover page and the stacks, turns the MMU on (mmu.c) and calls pvmfw_main(DT).
 *
 * pvmfw_handoff: the way out to a verified payload (see below).
 */
	.section .text.head, "ax"
	.global	_head
_head:
	b	pvmfw_entry			// code0
	nop					// code1
	.ascii	"AVFPVMFW"			// magic: AVF_PVMFW_IMAGE_MAGIC
	.quad	__pvmfw_config_offset		// config_offset
	.quad	0				// reserved

pvmfw_entry:
	mov	x19, x0				// the DT address, callee-saved
	msr	daifset, #0xf
	adrp	x1, pvmfw_vectors
	add	x1, x1, :lo12:pvmfw_vectors
	msr	vbar_el1, x1
	mov	x1, #(3 << 20)			// CPACR_EL1.FPEN: no FP/SIMD traps
	msr	cpacr_el1, x1
	isb
	msr	fpcr, xzr
	msr	fpsr, xzr
	/* Zero bss, the handover page and both stacks: host-donated pages may hold junk. */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __pvmfw_end
	add	x2, x2, :lo12:__pvmfw_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	adrp	x1, __stack_top
	add	x1, x1, :lo12:__stack_top
	mov	sp, x1
	bl	arch_mmu_enable_identity
	mov	x0, x19
	bl	pvmfw_main			// does not return
3:	wfi
	b	3b

/*
 * void pvmfw_handoff(uint64_t entry, uint64_t fdt, uint64_t handover)  -- never returns
 *
 * Runs on the stack it is about to erase, so from here on nothing but registers is used:
 *   1. zero the firmware stack (the secrets the C code held there);
 *   2. clean+invalidate the firmware's whole RW area to the point of coherency, so the
 *      zeros (and the handover) are in memory for a payload that starts with caches off;
 *   3. MMU and caches off, vectors unset, I-cache and TLB invalidated (the Linux-style
 *      boot state the payload expects);
 *   4. every general-purpose and SIMD register zeroed except x0 = DT, x1 = handover and
 *      the branch register x16 = entry.
 */
	.text
	.global	pvmfw_handoff
pvmfw_handoff:
	mov	x16, x0
	mov	x17, x1
	mov	x18, x2
	adrp	x3, __stack_bottom
	add	x3, x3, :lo12:__stack_bottom
	adrp	x4, __stack_top
	add	x4, x4, :lo12:__stack_top
1:	stp	xzr, xzr, [x3], #16
	cmp	x3, x4
	b.lo	1b
	/* Clean+invalidate [__rw_start, __pvmfw_end) by the minimum D-cache line size. */
	mrs	x5, ctr_el0
	ubfx	x5, x5, #16, #4			// DminLine: log2(words per line)
	mov	x6, #4
	lsl	x6, x6, x5			// bytes per line
	adrp	x3, __rw_start
	add	x3, x3, :lo12:__rw_start
	adrp	x4, __pvmfw_end
	add	x4, x4, :lo12:__pvmfw_end
2:	dc	civac, x3
	add	x3, x3, x6
	cmp	x3, x4
	b.lo	2b
	dsb	sy
	mrs	x3, sctlr_el1
	mov	x4, #((1 << 0) | (1 << 2) | (1 << 12))	// M, C, I
	bic	x3, x3, x4
	msr	sctlr_el1, x3
	isb
	msr	vbar_el1, xzr
	ic	iallu
	tlbi	vmalle1
	dsb	sy
	isb
	mov	x0, x17
	mov	x1, x18
	.irp	n, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x\n, xzr
	.endr
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	movi	v\n\().2d, #0
	.endr
	mov	sp, x2				// x2 is zero by now
	br	x16
