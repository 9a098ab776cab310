// SPDX-License-Identifier: MIT
/*
 * Guest code of the HAL conformance kit: the same bytes run on every backend. It is
 * loaded at IPA 0x80000000 with stage 1 off; x0 selects the test at entry. Results go
 * to the kit through HVC KIT_REPORT (x1..x6); each test ends with PSCI SYSTEM_OFF
 * unless the kit ends it first. Register conventions: x9 = the unmapped MMIO window,
 * x10 = the kit's data page.
 */
	.equ KIT_REPORT,	0xc6001000
	.equ KIT_ECHO,		0xc6001001
	.equ PSCI_SYSTEM_OFF,	0x84000008
	.equ PSCI_SYSTEM_RESET,	0x84000009
	.equ PSCI_CPU_ON,	0xc4000003
	.equ MMIO,		0x10000000
	.equ DATA,		0x80100000
	.equ GICD,		0x3fff0000
	.equ GICR,		0x3ff70000	// 4 x 128 KiB redistributors below GICD

	.macro movq reg, val
	movz \reg, #((\val) & 0xffff)
	movk \reg, #(((\val) >> 16) & 0xffff), lsl #16
	movk \reg, #(((\val) >> 32) & 0xffff), lsl #32
	movk \reg, #(((\val) >> 48) & 0xffff), lsl #48
	.endm

	.macro report
	movq x0, KIT_REPORT
	hvc #0
	.endm

	.macro off
	movq x0, PSCI_SYSTEM_OFF
	hvc #0
	b .
	.endm

	.text
	.global _start
_start:
	adr x12, stack_top
	mov sp, x12
	adr x12, vectors
	msr vbar_el1, x12
	mov x12, #(3 << 20)		// CPACR_EL1.FPEN: FP/SIMD at EL0 and EL1
	msr cpacr_el1, x12
	isb
	movq x9, MMIO
	movq x10, DATA
	adr x12, tests
	cmp x0, #(tests_end - tests) / 4
	b.hs bad_test
	add x12, x12, x0, lsl #2
	br x12
bad_test:
	mov x1, #0xbad
	report
	off

tests:
	b t_hvc
	b t_mmio
	b t_off
	b t_reset
	b t_s2_unmapped
	b t_s2_perm
	b t_s2_remap
	b t_spi
	b t_timer
	b t_cpu_on
	b t_spin
	b t_inject
	b t_regs
tests_end:

/* 0: hypercall arguments out, return values back. */
t_hvc:
	mov x1, #1
	mov x2, #2
	mov x3, #3
	mov x4, #4
	mov x5, #5
	mov x6, #6
	movq x0, KIT_ECHO
	hvc #0x55
	mov x4, x3
	mov x3, x2
	mov x2, x1
	mov x1, x0
	report
	off

/* 1: MMIO writes and reads of every width, with sign extension. */
t_mmio:
	mov w1, #0x11
	strb w1, [x9]
	mov w1, #0x2222
	strh w1, [x9, #2]
	movq x1, 0x33333333
	str w1, [x9, #4]
	movq x1, 0x4444444444444444
	str x1, [x9, #8]
	ldrb w1, [x9, #16]
	ldrh w2, [x9, #18]
	ldr w3, [x9, #20]
	ldr x4, [x9, #24]
	ldrsb x5, [x9, #16]
	ldrsh w6, [x9, #18]
	report
	off

/* 2, 3: PSCI system events. */
t_off:
	off
t_reset:
	movq x0, PSCI_SYSTEM_RESET
	hvc #0
	b .

/* 4: an unmapped IPA: a plain load exits as MMIO; a pair load has no syndrome. */
t_s2_unmapped:
	ldr x1, [x9, #0x40]
	report
	ldp x1, x2, [x9, #0x80]
	report
	off

/* 5: a read-only page: reads work, a write faults; after the kit makes it writable the
 * retried store lands. */
t_s2_perm:
	ldr x1, [x10]
	report
	movq x2, 0x5151515151515151
	str x2, [x10, #8]
	ldr x1, [x10, #8]
	report
	off

/* 6: the kit remaps the data page between reads, then unmaps it. */
t_s2_remap:
	ldr x1, [x10]
	report
	ldr x1, [x10]
	report
	ldr x1, [x10]
	report
	off

/* Bring the GIC up: distributor with affinity routing and group 1, this CPU's
 * redistributor awake, system-register interface on, priority mask open. */
gic_init:
	movq x11, GICD
	mov w12, #0x12			// ARE_NS | EnableGrp1NS
	str w12, [x11]
1:	ldr w12, [x11]
	tbnz w12, #31, 1b		// RWP
	mrs x11, mpidr_el1
	and x11, x11, #0xff
	lsl x11, x11, #17		// 128 KiB per redistributor
	movq x12, GICR
	add x11, x11, x12
	ldr w12, [x11, #0x14]		// GICR_WAKER
	bic w12, w12, #2		// ProcessorSleep = 0
	str w12, [x11, #0x14]
2:	ldr w12, [x11, #0x14]
	tbnz w12, #2, 2b		// ChildrenAsleep
	mrs x12, icc_sre_el1
	orr x12, x12, #1
	msr icc_sre_el1, x12
	isb
	mov x12, #0xff
	msr icc_pmr_el1, x12
	mov x12, #1
	msr icc_igrpen1_el1, x12
	isb
	ret

/* 7: SPI 40 routed to this CPU. */
t_spi:
	bl gic_init
	movq x11, GICD
	mov w12, #(1 << 8)		// INTID 40 = bit 8 of the second word
	str w12, [x11, #0x84]		// GICD_IGROUPR1
	mov w12, #0x80
	strb w12, [x11, #(0x400 + 40)]	// GICD_IPRIORITYR
	str xzr, [x11, #(0x6000 + 40 * 8)]	// GICD_IROUTER40 = CPU 0
	mov w12, #(1 << 8)
	str w12, [x11, #0x104]		// GICD_ISENABLER1
	mov x1, #0x7ead			// ready
	report
	msr daifclr, #2
3:	wfi
	b 3b

/* 8: the virtual timer's PPI 27. */
t_timer:
	bl gic_init
	mrs x11, mpidr_el1
	and x11, x11, #0xff
	lsl x11, x11, #17
	movq x12, GICR
	add x11, x11, x12
	add x11, x11, #0x10000		// SGI_base frame
	mov w12, #(1 << 27)
	str w12, [x11, #0x80]		// GICR_IGROUPR0
	mov w12, #0x80
	strb w12, [x11, #(0x400 + 27)]	// GICR_IPRIORITYR
	mov w12, #(1 << 27)
	str w12, [x11, #0x100]		// GICR_ISENABLER0
	mov x12, #1000
	msr cntv_tval_el0, x12
	mov x12, #1
	msr cntv_ctl_el0, x12		// enable, unmasked
	isb
	msr daifclr, #2
4:	wfi
	b 4b

/* 9: start CPU 1 with PSCI CPU_ON; it reports its context id and affinity. */
t_cpu_on:
	movq x0, PSCI_CPU_ON
	mov x1, #1			// target MPIDR
	adr x2, secondary
	movq x3, 0xabcd
	hvc #0
	mov x1, x0
	report
5:	wfi
	b 5b
secondary:
	adr x12, stack2_top
	mov sp, x12
	mov x1, x0
	mrs x2, mpidr_el1
	and x2, x2, #0xffffff
	report
	off

/* 10: spin until the kit kicks. */
t_spin:
	b .

/* 11: an MMIO read the kit answers with an abort instead. */
t_inject:
	ldr x1, [x9, #0x100]
	mov x1, #0xdead			// never reached: the abort goes to the handler
	report
	off

/* 12: registers set by the kit are what the guest sees. */
t_regs:
	add x1, x1, x2
	mrs x2, tpidr_el1
	mov x3, x20
	fmov x4, d7
	report
	off

/* IRQ: report the acknowledged INTID and the timer status, mask the timer, EOI, off. */
irq_handler:
	mrs x1, icc_iar1_el1
	mrs x2, cntv_ctl_el0
	mov x12, #2
	msr cntv_ctl_el0, x12		// IMASK: the level goes down
	msr icc_eoir1_el1, x1
	report
	off

/* Synchronous exception: report EC and FAR. */
sync_handler:
	mrs x1, esr_el1
	lsr x1, x1, #26
	mrs x2, far_el1
	mrs x3, elr_el1
	report
	off

	.balign 2048
vectors:
	.rept 4				// current EL with SP0
	b .
	.balign 128
	.endr
	b sync_handler			// current EL with SPx: sync
	.balign 128
	b irq_handler			// IRQ
	.balign 128
	b .				// FIQ
	.balign 128
	b .				// SError
	.balign 128
	.rept 8
	b .
	.balign 128
	.endr

	.balign 16
	.space 1024
stack_top:
	.space 1024
stack2_top:
