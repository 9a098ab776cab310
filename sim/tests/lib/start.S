// SPDX-License-Identifier: MIT
/*
 * Entry points of a guest test image.
 *
 * _start: the boot CPU, at EL1 with the MMU off (QEMU -kernel ELF and avf-sim run both
 * jump to the ELF entry). Masks exceptions, installs the vectors, enables FP/SIMD (so
 * -O2 code may use it), clears .bss, builds the default identity map, turns the MMU on
 * and calls test_main().
 *
 * secondary_entry: PSCI CPU_ON target, x0 = the CPU index (context id). Same set-up
 * with the boot CPU's tables, then smp_secondary_main().
 */

#define STACK_SIZE	16384
#define MAX_CPUS	8

	.macro	cpu_common_setup
	msr	daifset, #0xf
	adrp	x1, vectors
	add	x1, x1, :lo12:vectors
	msr	vbar_el1, x1
	mov	x1, #(3 << 20)
	msr	cpacr_el1, x1
	isb
	msr	fpcr, xzr
	msr	fpsr, xzr
	.endm

	/* sp = cpu_stacks + (x0 + 1) * STACK_SIZE; x0 = CPU index */
	.macro	cpu_stack
	adrp	x1, cpu_stacks
	add	x1, x1, :lo12:cpu_stacks
	add	x2, x0, #1
	mov	x3, #STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	.endm

	.section .text.boot, "ax"
	.global	_start
_start:
	cpu_common_setup
	mov	x0, #0
	msr	tpidr_el1, x0
	/* Clear .bss before the stack (which lives there) is used. */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	cpu_stack
	bl	mmu_setup_default
	bl	mmu_enable_default
	bl	test_main
3:	wfi
	b	3b

	.text
	.global	secondary_entry
secondary_entry:
	cpu_common_setup
	cmp	x0, #MAX_CPUS
	b.hs	3b
	msr	tpidr_el1, x0
	cpu_stack
	bl	mmu_enable_default
	bl	smp_secondary_main
4:	wfi
	b	4b

	.bss
	.balign	16
	.global	cpu_stacks
cpu_stacks:
	.space	STACK_SIZE * MAX_CPUS
