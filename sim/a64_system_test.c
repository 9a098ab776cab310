// SPDX-License-Identifier: MIT
/*
 * System instructions: which encodings decode, MRS/MSR with their UNDEF and trap
 * syndromes, MSR (immediate), hints and WFI/WFE, barriers, SVC/HVC/SMC/BRK, ERET
 * (legal and illegal), DC ZVA and cache maintenance by VA, AT, IC, and TLBI: that the
 * TLB really holds stale translations until the right TLBI drops them.
 */
#include "sim/sys_test_util.h"

#define PC0	0x40001000ull
#define VBAR	0x40010000ull

static uint32_t mrs(uint32_t enc, unsigned rt)
{
	return 0xd5200000u | enc << 5 | rt;
}

static uint32_t msr(uint32_t enc, unsigned rt)
{
	return 0xd5000000u | enc << 5 | rt;
}

/* SYS #op1, Cn, Cm, #op2, Xt */
static uint32_t sys(unsigned op1, unsigned crn, unsigned crm, unsigned op2, unsigned rt)
{
	return 0xd5080000u | op1 << 16 | crn << 12 | crm << 8 | op2 << 5 | rt;
}

#define DC_ZVA(rt)	sys(3, 7, 4, 1, rt)
#define DC_CVAC(rt)	sys(3, 7, 10, 1, rt)
#define DC_CVAU(rt)	sys(3, 7, 11, 1, rt)
#define DC_IVAC(rt)	sys(0, 7, 6, 1, rt)
#define DC_CISW(rt)	sys(0, 7, 14, 2, rt)
#define IC_IALLU	sys(0, 7, 5, 0, 31)
#define IC_IALLUIS	sys(0, 7, 1, 0, 31)
#define IC_IVAU(rt)	sys(3, 7, 5, 1, rt)
#define AT_S1E1R(rt)	sys(0, 7, 8, 0, rt)
#define AT_S1E0W(rt)	sys(0, 7, 8, 3, rt)
#define TLBI_VMALLE1	sys(0, 8, 7, 0, 31)
#define TLBI_VMALLE1IS	sys(0, 8, 3, 0, 31)
#define TLBI_VAE1(rt)	sys(0, 8, 7, 1, rt)
#define TLBI_ASIDE1(rt)	sys(0, 8, 7, 2, rt)
#define TLBI_VAAE1(rt)	sys(0, 8, 7, 3, rt)
#define TLBI_VALE1IS(rt) sys(0, 8, 3, 5, rt)

#define E_MIDR		T_ENC(3, 0, 0, 0, 0)
#define E_SCTLR		T_ENC(3, 0, 1, 0, 0)
#define E_TPIDR_EL1	T_ENC(3, 0, 13, 0, 4)
#define E_CTR		T_ENC(3, 3, 0, 0, 1)
#define E_DAIF		T_ENC(3, 3, 4, 2, 1)
#define E_FPCR		T_ENC(3, 3, 4, 4, 0)

static void setup(struct t_sys *t, bool stage2)
{
	t_sys_init(t, stage2);
	t->c->sysreg[SR_VBAR_EL1] = VBAR;
	t->c->pc = PC0;
}

/* The exception just taken: ESR, and ELR is the given PC. */
static void expect_exception(struct sim_cpu *c, uint32_t esr, uint64_t elr)
{
	assert_int_equal(c->sysreg[SR_ESR_EL1], esr);
	assert_int_equal(c->sysreg[SR_ELR_EL1], elr);
	assert_int_equal(c->el, 1);
}

static void el0_at_pc0(struct sim_cpu *c)
{
	t_to_el0(c);
	c->pc = PC0;
}

/* ---- decoding --------------------------------------------------------------------------- */

static void decode_coverage(void **state)
{
	static const struct { uint32_t insn; bool ok; } cases[] = {
		{ 0xd503201f, true },	/* NOP */
		{ 0xd503203f, true },	/* YIELD */
		{ 0xd503207f, true },	/* WFI */
		{ 0xd50320bf, true },	/* SEVL */
		{ 0xd503245f, true },	/* BTI c: a NOP without BTI */
		{ 0xd503233f, true },	/* PACIASP: a NOP without PAuth */
		{ 0xd503221f, true },	/* ESB */
		{ 0xd503229f, true },	/* CSDB */
		{ 0xd503201e, false },	/* hint space with Rt != 31 */
		{ 0xd5033f9f, true },	/* DSB SY */
		{ 0xd5033bbf, true },	/* DMB ISH */
		{ 0xd5033fdf, true },	/* ISB */
		{ 0xd5033f5f, true },	/* CLREX */
		{ 0xd50330ff, true },	/* SB */
		{ 0xd50331ff, false },	/* SB with CRm != 0 */
		{ 0xd503323f, false },	/* DSB nXS */
		{ 0xd50342df, true },	/* MSR DAIFSet, #2 */
		{ 0xd50342ff, true },	/* MSR DAIFClr, #2 */
		{ 0xd50040bf, true },	/* MSR SPSel, #0 */
		{ 0xd500419f, false },	/* MSR PAN, #1: PAN is not in the CPU model */
		{ 0xd500407f, false },	/* MSR UAO, #0 */
		{ 0xd500401f, false },	/* CFINV */
		{ 0xd5380000, true },	/* MRS x0, MIDR_EL1 */
		{ 0xd51bd040, true },	/* MSR TPIDR_EL0, x0 */
		{ 0xd50b7420, true },	/* DC ZVA, x0 */
		{ 0xd50b7c20, false },	/* DC CVAP: no DPB */
		{ 0xd5087900, false },	/* AT S1E1RP: no PAN */
		{ 0xd50c7800, false },	/* AT S1E2R: EL2 */
		{ 0xd508871f, true },	/* TLBI VMALLE1 */
		{ 0xd508811f, false },	/* TLBI VMALLE1OS */
		{ 0xd50c8420, false },	/* TLBI IPAS2E1IS: EL2 */
		{ 0xd508864f, false },	/* TLBI op2 = 2 at CRm 6 */
		{ 0xd5287500, false },	/* SYSL */
		{ 0xd4000001, true },	/* SVC #0 */
		{ 0xd4000002, true },	/* HVC #0 */
		{ 0xd4000003, true },	/* SMC #0 */
		{ 0xd4200000, true },	/* BRK #0 */
		{ 0xd4400000, false },	/* HLT #0 */
		{ 0xd4a00001, false },	/* DCPS1 */
		{ 0xd4000005, false },	/* op2 != 0 */
		{ 0xd69f03e0, true },	/* ERET */
		{ 0xd69f0000, false },	/* ERET encoding with Rn = 0 */
		{ 0xd69f0bff, false },	/* ERETAA: no PAuth */
	};
	struct sim_insn in;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&in, 0, sizeof(in));
		if (sim_decode_system(cases[i].insn, &in) != cases[i].ok)
			fail_msg("%08x should %sdecode", cases[i].insn, cases[i].ok ? "" : "not ");
		if (cases[i].ok) {
			assert_non_null(in.fn);
			assert_int_equal(in.raw, cases[i].insn);
		}
	}
}

/* ---- MRS / MSR ------------------------------------------------------------------------- */

static void mrs_msr(void **state)
{
	struct t_sys t;

	setup(&t, false);
	t_exec(t.c, mrs(E_MIDR, 1));
	assert_int_equal(t.c->x[1], 0x411fd050);
	assert_int_equal(t.c->pc, PC0 + 4);
	t.c->x[2] = 0xfeed;
	t_exec(t.c, msr(E_TPIDR_EL1, 2));
	assert_int_equal(t.c->sysreg[SR_TPIDR_EL1], 0xfeed);
	t_exec(t.c, mrs(E_MIDR, 31));		/* to XZR: discarded */
	assert_int_equal(t.c->x[31], 0);
	t_exec(t.c, msr(E_TPIDR_EL1, 31));	/* from XZR */
	assert_int_equal(t.c->sysreg[SR_TPIDR_EL1], 0);
	assert_int_equal(t.c->pc, PC0 + 16);
	/* Unknown register: UNDEFINED, nothing written. */
	t.c->x[4] = 0x99;
	t_exec(t.c, mrs(T_ENC(3, 4, 1, 1, 0), 4));
	expect_exception(t.c, 0x02000000, PC0 + 16);
	assert_int_equal(t.c->x[4], 0x99);
	t_sys_fini(&t);
}

static void mrs_msr_at_el0(void **state)
{
	struct t_sys t;

	setup(&t, false);
	t_to_el0(t.c);
	t.c->x[3] = 0x77;
	t_exec(t.c, mrs(E_SCTLR, 3));			/* EL1 register: UNDEFINED */
	expect_exception(t.c, 0x02000000, PC0);
	assert_int_equal(t.c->x[3], 0x77);
	assert_int_equal(t_vec_offset(t.c), 0x400);

	t_to_el0(t.c);
	t.c->pc = PC0;
	t_exec(t.c, mrs(E_CTR, 3));			/* trapped: SCTLR_EL1.UCT = 0 */
	expect_exception(t.c, 0x6232c061, PC0);

	t_to_el0(t.c);
	t.c->pc = PC0;
	t_exec(t.c, msr(E_DAIF, 5));			/* trapped: SCTLR_EL1.UMA = 0 */
	expect_exception(t.c, 0x6232d0a4, PC0);
	t_sys_fini(&t);
}

static void fp_control_registers_obey_cpacr(void **state)
{
	struct t_sys t;

	setup(&t, false);
	t.c->fpcr = 0x00400000;
	t_exec(t.c, mrs(E_FPCR, 0));			/* CPACR_EL1.FPEN = 0: trap */
	expect_exception(t.c, 0x1fe00000, PC0);
	t.c->sysreg[SR_CPACR_EL1] = 3u << 20;
	t.c->pc = PC0;
	t_exec(t.c, mrs(E_FPCR, 0));
	assert_int_equal(t.c->x[0], 0x00400000);
	t_sys_fini(&t);
}

/* ---- MSR (immediate) ------------------------------------------------------------------- */

static void msr_immediate(void **state)
{
	struct t_sys t;

	setup(&t, false);
	t.c->daif = 0;
	t_exec(t.c, 0xd50342df);			/* DAIFSet #2: I */
	assert_int_equal(t.c->daif, 0x80);
	assert_true(t.c->events & SIM_EV_IRQ_CHECK);
	t_exec(t.c, 0xd5034fdf);			/* DAIFSet #15 */
	assert_int_equal(t.c->daif, 0x3c0);
	t_exec(t.c, 0xd50346ff);			/* DAIFClr #6: A, I */
	assert_int_equal(t.c->daif, 0x240);
	t.c->sp = 0x1000;
	t.c->sp_el0 = 0x2000;
	t_exec(t.c, 0xd50040bf);			/* SPSel #0 */
	assert_int_equal(t.c->spsel, 0);
	assert_int_equal(t.c->sp, 0x2000);
	assert_int_equal(t.c->pc, PC0 + 16);

	t_to_el0(t.c);
	t_exec(t.c, 0xd50041bf);			/* SPSel #1 at EL0 */
	expect_exception(t.c, 0x02000000, PC0 + 16);
	t_to_el0(t.c);
	t.c->pc = PC0;
	t_exec(t.c, 0xd50342df);			/* DAIFSet at EL0 without UMA */
	expect_exception(t.c, 0x620cd3e4, PC0);
	t_to_el0(t.c);
	t.c->pc = PC0;
	t.c->daif = 0;
	t.c->sysreg[SR_SCTLR_EL1] |= 1u << 9;		/* UMA */
	t_exec(t.c, 0xd50342df);
	assert_int_equal(t.c->daif, 0x80);
	assert_int_equal(t.c->el, 0);
	t_sys_fini(&t);
}

/* ---- hints, WFI/WFE, barriers ------------------------------------------------------------ */

static void hints_do_nothing(void **state)
{
	static const uint32_t hints[] = {
		0xd503201f, 0xd503209f, 0xd50320bf, 0xd503245f, 0xd503233f, 0xd50323bf,
		0xd503221f, 0xd503229f, 0xd5033f9f, 0xd5033bbf, 0xd50330ff, 0xd50320df,
	};
	struct t_sys t;

	setup(&t, false);
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		uint64_t x[32];

		memcpy(x, t.c->x, sizeof(x));
		t.c->pc = PC0;
		t_exec(t.c, hints[i]);
		assert_int_equal(t.c->pc, PC0 + 4);
		assert_memory_equal(x, t.c->x, sizeof(x));
		assert_false(t.c->exit_pending);
		assert_int_equal(t.c->el, 1);
	}
	t_sys_fini(&t);
}

static void barriers_and_clrex(void **state)
{
	struct t_sys t;

	setup(&t, false);
	t.c->excl_valid = true;
	t_exec(t.c, 0xd5033f5f);			/* CLREX */
	assert_false(t.c->excl_valid);
	t.c->slice = 5;
	t_exec(t.c, 0xd5033fdf);			/* ISB */
	assert_int_equal(t.c->slice, 0);
	assert_int_equal(t.c->pc, PC0 + 8);
	t_sys_fini(&t);
}

static void wfi_and_wfe(void **state)
{
	struct t_sys t;

	setup(&t, false);
	t_exec(t.c, 0xd503207f);			/* WFI, nothing pending */
	assert_true(t.c->exit_pending);
	assert_int_equal(t.c->exit.kind, SIM_EXIT_WFI);
	assert_int_equal(t.c->pc, PC0 + 4);
	assert_int_equal(t.c->slice, 0);
	t.c->exit_pending = false;
	t.c->irq_line = true;				/* pending, even if masked */
	t_exec(t.c, 0xd503207f);
	assert_false(t.c->exit_pending);
	assert_int_equal(t.c->pc, PC0 + 8);
	t.c->slice = 3;
	t_exec(t.c, 0xd503205f);			/* WFE */
	assert_int_equal(t.c->pc, PC0 + 12);
	assert_int_equal(t.c->slice, 0);
	assert_false(t.c->exit_pending);

	/* EL0 traps unless SCTLR_EL1.nTWI / nTWE. */
	t_to_el0(t.c);
	t.c->pc = PC0;
	t_exec(t.c, 0xd503207f);
	expect_exception(t.c, 0x07e00000, PC0);
	t_to_el0(t.c);
	t.c->pc = PC0;
	t_exec(t.c, 0xd503205f);
	expect_exception(t.c, 0x07e00001, PC0);
	t_to_el0(t.c);
	t.c->pc = PC0;
	t.c->irq_line = false;
	t.c->sysreg[SR_SCTLR_EL1] |= 1u << 16 | 1u << 18;
	t_exec(t.c, 0xd503207f);
	assert_true(t.c->exit_pending);
	assert_int_equal(t.c->exit.kind, SIM_EXIT_WFI);
	assert_int_equal(t.c->el, 0);
	t_sys_fini(&t);
}

/* ---- exception generation and return ------------------------------------------------- */

static void svc_hvc_smc_brk(void **state)
{
	struct t_sys t;

	setup(&t, false);
	t_exec(t.c, 0xd4000841);			/* SVC #0x42 */
	expect_exception(t.c, 0x56000042, PC0 + 4);
	assert_int_equal(t_vec_offset(t.c), 0x200);

	t.c->pc = PC0;
	t_exec(t.c, 0xd40000e2);			/* HVC #7 */
	assert_true(t.c->exit_pending);
	assert_int_equal(t.c->exit.kind, SIM_EXIT_HVC);
	assert_int_equal(t.c->exit.call.imm, 7);
	assert_int_equal(t.c->pc, PC0 + 4);
	t.c->exit_pending = false;
	t_exec(t.c, 0xd41fffe3);			/* SMC #0xffff */
	assert_int_equal(t.c->exit.kind, SIM_EXIT_SMC);
	assert_int_equal(t.c->exit.call.imm, 0xffff);
	assert_int_equal(t.c->pc, PC0 + 8);
	t.c->exit_pending = false;

	t.c->pc = PC0;
	t_exec(t.c, 0xd4207d00);			/* BRK #0x3e8: ELR is the BRK */
	expect_exception(t.c, 0xf20003e8, PC0);

	/* HVC and SMC are UNDEFINED at EL0. */
	t_to_el0(t.c);
	t.c->pc = PC0;
	t_exec(t.c, 0xd40000e2);
	expect_exception(t.c, 0x02000000, PC0);
	assert_false(t.c->exit_pending);
	t_to_el0(t.c);
	t.c->pc = PC0;
	t_exec(t.c, 0xd4000003);
	expect_exception(t.c, 0x02000000, PC0);
	t_to_el0(t.c);
	t.c->pc = PC0;
	t_exec(t.c, 0xd4000001);			/* SVC from EL0: lower-EL vector */
	expect_exception(t.c, 0x56000000, PC0 + 4);
	assert_int_equal(t_vec_offset(t.c), 0x400);
	t_sys_fini(&t);
}

static void eret_legal_and_illegal(void **state)
{
	struct t_sys t;

	setup(&t, false);
	t.c->sp = 0x1000;
	t.c->sp_el0 = 0x2000;
	t.c->excl_valid = true;
	t.c->sysreg[SR_SPSR_EL1] = 0x20000000;		/* C, EL0t, unmasked */
	t.c->sysreg[SR_ELR_EL1] = 0x40400000;
	t_exec(t.c, 0xd69f03e0);
	assert_int_equal(t.c->pc, 0x40400000);
	assert_int_equal(t.c->el, 0);
	assert_int_equal(t.c->sp, 0x2000);
	assert_int_equal(t.c->sp_el1, 0x1000);
	assert_int_equal(t.c->nzcv, SIM_C);
	assert_int_equal(t.c->daif, 0);
	assert_false(t.c->excl_valid);
	assert_int_equal(t.c->perm_r, SIM_TLB_R_EL0);
	assert_int_equal(t.c->slice, 0);

	/* ERET at EL0 is UNDEFINED. */
	t_exec(t.c, 0xd69f03e0);
	expect_exception(t.c, 0x02000000, 0x40400000);

	/* To EL2h: illegal. PC = ELR, PSTATE.IL, then the Illegal State exception. */
	t.c->sysreg[SR_SPSR_EL1] = 0x80000009;
	t.c->sysreg[SR_ELR_EL1] = 0x40002000;
	t.c->pc = PC0;
	t_exec(t.c, 0xd69f03e0);
	expect_exception(t.c, 0x3a000000, 0x40002000);
	assert_int_equal(t.c->sysreg[SR_SPSR_EL1], 0x80100005);	/* N, IL, EL1h */
	assert_int_equal(t_vec_offset(t.c), 0x200);
	assert_false(t.c->pstate_il);

	/* Returning with SPSR.IL set restores IL: the next instruction is illegal too. */
	t.c->sysreg[SR_SPSR_EL1] = 0x00100004;		/* IL, EL1t */
	t.c->sysreg[SR_ELR_EL1] = 0x40003000;
	t_exec(t.c, 0xd69f03e0);
	expect_exception(t.c, 0x3a000000, 0x40003000);
	assert_int_equal(t.c->sysreg[SR_SPSR_EL1], 0x00100004);
	assert_int_equal(t_vec_offset(t.c), 0x000);
	t_sys_fini(&t);
}

/* ---- MMU-backed instructions ---------------------------------------------------------- */

#define TCR_39	(25ull | 25ull << 16 | 2ull << 30 | 2ull << 32)

/*
 * Stage 1 on, 39-bit VA, ASID 5: VA 0x4000_0000 + 1 GiB is a Normal block onto the RAM
 * (EL0 read/write), nothing else is mapped yet. Returns the level-1 table.
 */
static uint64_t mmu_on(struct t_sys *t, struct t_pt *pt)
{
	uint64_t root;

	*pt = (struct t_pt){ .m = t->m, .next = 0x40800000 };
	root = t_pt_alloc(pt, 1);
	t_w64(t->m, root + 1 * 8, 0x40000000 | D_BLOCK | D_AF | D_ATTR(1) | D_AP_EL0 | D_NG);
	t->c->sysreg[SR_TCR_EL1] = TCR_39;
	t->c->sysreg[SR_MAIR_EL1] = 0x44ff00;
	t->c->sysreg[SR_TTBR0_EL1] = root | 5ull << 48;
	t->c->sysreg[SR_SCTLR_EL1] |= 1;
	sim_update_ctx(t->c);
	sim_tlb_flush_all(t->c);
	return root;
}

static void dc_zva(void **state)
{
	uint8_t buf[0x80];
	struct t_sys t;
	struct t_pt pt;

	setup(&t, false);
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(sim_phys_write(t.m, 0x40300000 - 0x20, buf, sizeof(buf)), 0);
	/* MMU off: data is Device memory, DC ZVA is an alignment fault. */
	t.c->x[0] = 0x40300025;
	t_exec(t.c, DC_ZVA(0));
	expect_exception(t.c, 0x96000061, PC0);
	assert_int_equal(t.c->sysreg[SR_FAR_EL1], 0x40300000);

	mmu_on(&t, &pt);
	t.c->pc = PC0;
	t_exec(t.c, DC_ZVA(0));
	assert_int_equal(t.c->pc, PC0 + 4);
	assert_int_equal(sim_phys_read(t.m, 0x40300000 - 0x20, buf, sizeof(buf)), 0);
	for (unsigned i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], i >= 0x20 && i < 0x60 ? 0 : 0xaa);

	/* EL0 needs SCTLR_EL1.DZE. */
	t_to_el0(t.c);
	t.c->pc = PC0;
	t_exec(t.c, DC_ZVA(0));
	expect_exception(t.c, 0x6212dc08, PC0);
	t_to_el0(t.c);
	t.c->pc = PC0;
	t.c->sysreg[SR_SCTLR_EL1] |= 1u << 14;
	t.c->x[1] = 0x40310000;
	t_exec(t.c, DC_ZVA(1));
	assert_int_equal(t.c->el, 0);
	assert_int_equal(t.c->pc, PC0 + 4);
	t_sys_fini(&t);
}

static void cache_maintenance_by_va(void **state)
{
	struct t_sys t;
	struct t_pt pt;
	uint64_t root;

	setup(&t, false);
	root = mmu_on(&t, &pt);
	t_w64(t.m, root + 2 * 8, 0x40000000 | D_BLOCK | D_AF | D_ATTR(1) | D_AP_RO);
	t.c->x[0] = 0x10000;				/* not mapped */
	t_exec(t.c, DC_CVAC(0));
	expect_exception(t.c, 0x96000145, PC0);		/* CM, WnR, translation L1 */
	assert_int_equal(t.c->sysreg[SR_FAR_EL1], 0x10000);
	t.c->pc = PC0;
	t.c->x[0] = 0x40000040;
	t_exec(t.c, DC_CVAC(0));
	t_exec(t.c, IC_IVAU(0));
	assert_true(t.c->events & SIM_EV_REFETCH);
	t_exec(t.c, DC_CISW(0));
	assert_int_equal(t.c->pc, PC0 + 12);
	/* DC IVAC needs write permission. */
	t.c->x[0] = 0x80000000;
	t_exec(t.c, DC_CVAC(0));			/* read-only is fine for a clean */
	t_exec(t.c, DC_IVAC(0));
	expect_exception(t.c, 0x9600014d, PC0 + 16);	/* permission, level 1 */

	/* EL0: UCI gates DC CVAU/IC IVAU; read permission is then checked. */
	el0_at_pc0(t.c);
	t_exec(t.c, DC_CVAU(0));
	expect_exception(t.c, 0x6212dc16, PC0);
	el0_at_pc0(t.c);
	t.c->sysreg[SR_SCTLR_EL1] |= 1u << 26;
	t_exec(t.c, DC_CVAU(0));			/* 0x8000_0000: EL1-only block */
	expect_exception(t.c, 0x9200014d, PC0);
	el0_at_pc0(t.c);
	t.c->x[0] = 0x40000000;
	t_exec(t.c, DC_CVAU(0));
	t_exec(t.c, IC_IVAU(0));
	assert_int_equal(t.c->pc, PC0 + 8);
	assert_int_equal(t.c->el, 0);
	el0_at_pc0(t.c);
	t_exec(t.c, DC_IVAC(0));			/* EL1 only */
	expect_exception(t.c, 0x02000000, PC0);
	el0_at_pc0(t.c);
	t_exec(t.c, DC_CISW(0));
	expect_exception(t.c, 0x02000000, PC0);
	el0_at_pc0(t.c);
	t_exec(t.c, IC_IALLU);
	expect_exception(t.c, 0x02000000, PC0);
	t_sys_fini(&t);
}

static void cache_maintenance_skips_unmapped_ipa(void **state)
{
	struct t_sys t;

	setup(&t, true);		/* stage 2 on, nothing mapped (VTCR 0 is invalid) */
	t.c->x[0] = 0x09000000;
	t_exec(t.c, DC_CVAC(0));
	assert_int_equal(t.c->pc, PC0 + 4);
	assert_false(t.c->exit_pending);
	t_sys_fini(&t);
}

static void at_instructions(void **state)
{
	struct t_sys t;
	struct t_pt pt;

	setup(&t, false);
	mmu_on(&t, &pt);
	t.c->x[0] = 0x40123456;
	t_exec(t.c, AT_S1E1R(0));
	assert_int_equal(t.c->sysreg[SR_PAR_EL1], 0xff00000040123a00ull);	/* SH 0 */
	t.c->x[0] = 0x1000;
	t_exec(t.c, AT_S1E0W(0));
	assert_int_equal(t.c->sysreg[SR_PAR_EL1], 0x80bull);	/* translation L1 */
	assert_int_equal(t.c->pc, PC0 + 8);
	t_to_el0(t.c);
	t_exec(t.c, AT_S1E1R(0));
	expect_exception(t.c, 0x02000000, PC0 + 8);
	t_sys_fini(&t);
}

static void at_stage2_fault_on_walk_exits(void **state)
{
	struct t_sys t;
	struct t_pt pt;

	setup(&t, true);
	mmu_on(&t, &pt);	/* the stage-1 tables' IPA has no stage-2 mapping */
	t.c->x[0] = 0x40000000;
	t_exec(t.c, AT_S1E1R(0));
	assert_true(t.c->exit_pending);
	assert_int_equal(t.c->exit.kind, SIM_EXIT_S2_ABORT);
	/* ESR_EL2: data abort from a lower EL, CM, S1PTW, WnR, translation level 0. */
	assert_int_equal(t.c->exit.s2.esr, 0x920001c4);
	assert_int_equal(t.c->exit.s2.ipa, 0x40800008);
	assert_int_equal(t.c->exit.s2.va, 0x40000000);
	assert_int_equal(t.c->pc, PC0);
	t_sys_fini(&t);
}

/* ---- TLB maintenance ------------------------------------------------------------------- */

static uint64_t load(struct sim_cpu *c, uint64_t va)
{
	uint64_t v = 0;

	assert_true(sim_mem_read(c, va, 8, &v, 0));
	return v;
}

/*
 * VA 0x1000 (non-global, ASID 5) and VA 0x2000 (global) map pages holding 0x1111 and
 * 0x3333; pages holding 0x2222 / 0x4444 are their alternatives.
 */
struct tlb_fx {
	struct t_sys t;
	struct t_pt pt;
	uint64_t root, l3;
};

static void tlb_setup(struct tlb_fx *x)
{
	setup(&x->t, false);
	x->root = mmu_on(&x->t, &x->pt);
	x->l3 = t_pt_slot(&x->pt, x->root, 1, 39, 0x1000, 3) & ~0xfffull;
	t_w64(x->t.m, 0x40500000, 0x1111);
	t_w64(x->t.m, 0x40501000, 0x2222);
	t_w64(x->t.m, 0x40502000, 0x3333);
	t_w64(x->t.m, 0x40503000, 0x4444);
	t_w64(x->t.m, x->l3 + 1 * 8, 0x40500000 | D_PAGE | D_AF | D_ATTR(1) | D_NG);
	t_w64(x->t.m, x->l3 + 2 * 8, 0x40502000 | D_PAGE | D_AF | D_ATTR(1));
	assert_int_equal(load(x->t.c, 0x1000), 0x1111);
	assert_int_equal(load(x->t.c, 0x2000), 0x3333);
	/* Retarget both pages without invalidating: the TLB keeps the old ones. */
	t_w64(x->t.m, x->l3 + 1 * 8, 0x40501000 | D_PAGE | D_AF | D_ATTR(1) | D_NG);
	t_w64(x->t.m, x->l3 + 2 * 8, 0x40503000 | D_PAGE | D_AF | D_ATTR(1));
	assert_int_equal(load(x->t.c, 0x1000), 0x1111);
	assert_int_equal(load(x->t.c, 0x2000), 0x3333);
}

static void tlbi_by_va_and_asid(void **state)
{
	struct tlb_fx x;

	tlb_setup(&x);
	x.t.c->x[0] = 6ull << 48 | 0x1;			/* VA 0x1000, ASID 6 */
	t_exec(x.t.c, TLBI_VAE1(0));
	assert_int_equal(load(x.t.c, 0x1000), 0x1111);	/* other ASID: kept */
	x.t.c->x[0] = 5ull << 48 | 0x1;
	t_exec(x.t.c, TLBI_VAE1(0));
	assert_int_equal(load(x.t.c, 0x1000), 0x2222);
	assert_int_equal(load(x.t.c, 0x2000), 0x3333);	/* other VA: kept */
	x.t.c->x[0] = 5ull << 48;
	t_exec(x.t.c, TLBI_ASIDE1(0));
	assert_int_equal(load(x.t.c, 0x2000), 0x3333);	/* global: ASIDE1 keeps it */
	x.t.c->x[0] = 0x2;
	t_exec(x.t.c, TLBI_VAAE1(0));
	assert_int_equal(load(x.t.c, 0x2000), 0x4444);
	assert_int_equal(x.t.c->pc, PC0 + 16);
	t_sys_fini(&x.t);
}

static void tlbi_asid_and_all(void **state)
{
	struct tlb_fx x;

	tlb_setup(&x);
	x.t.c->x[0] = 5ull << 48;
	t_exec(x.t.c, TLBI_ASIDE1(0));
	assert_int_equal(load(x.t.c, 0x1000), 0x2222);
	t_w64(x.t.m, x.l3 + 1 * 8, 0x40500000 | D_PAGE | D_AF | D_ATTR(1) | D_NG);
	assert_int_equal(load(x.t.c, 0x1000), 0x2222);
	t_exec(x.t.c, TLBI_VMALLE1);
	assert_int_equal(load(x.t.c, 0x1000), 0x1111);
	assert_int_equal(load(x.t.c, 0x2000), 0x4444);
	t_sys_fini(&x.t);
}

/* One TLBI of any address in a stage-1 block drops the whole block's entries. */
static void tlbi_covers_blocks(void **state)
{
	struct tlb_fx x;

	tlb_setup(&x);
	t_w64(x.t.m, x.root + 1 * 8, 0x40000000 | D_BLOCK | D_AF | D_ATTR(1) | D_NG);
	x.t.c->x[0] = 5ull << 48;
	t_exec(x.t.c, TLBI_ASIDE1(0));
	assert_int_equal(load(x.t.c, 0x40500000), 0x1111);
	assert_int_equal(load(x.t.c, 0x40502000), 0x3333);
	/* Move the 1 GiB block by... nowhere else in RAM: swap in a table instead. */
	t_w64(x.t.m, x.root + 1 * 8, 0);
	x.t.c->x[0] = 5ull << 48 | (0x40400000 >> 12);	/* another page of the block */
	t_exec(x.t.c, TLBI_VAE1(0));
	assert_false(sim_mem_read(x.t.c, 0x40500000, 8, &(uint64_t){ 0 }, 0));
	assert_int_equal(x.t.c->sysreg[SR_ESR_EL1], 0x96000005);	/* translation L1 */
	t_sys_fini(&x.t);
}

static void tlbi_broadcast_reaches_other_cpus(void **state)
{
	struct tlb_fx x;
	struct sim_cpu *c1;

	tlb_setup(&x);
	assert_int_equal(sim_cpu_create(x.t.p, 1, &c1), 0);
	sim_cpu_power_on(c1, PC0, 0);
	memcpy(c1->sysreg, x.t.c->sysreg, sizeof(c1->sysreg));
	sim_update_ctx(c1);
	t_w64(x.t.m, x.l3 + 1 * 8, 0x40500000 | D_PAGE | D_AF | D_ATTR(1) | D_NG);
	assert_int_equal(load(c1, 0x1000), 0x1111);
	t_w64(x.t.m, x.l3 + 1 * 8, 0x40501000 | D_PAGE | D_AF | D_ATTR(1) | D_NG);
	t_exec(x.t.c, TLBI_VMALLE1);			/* local: CPU 1 keeps its entry */
	assert_int_equal(load(c1, 0x1000), 0x1111);
	x.t.c->x[0] = 5ull << 48 | 0x1;
	t_exec(x.t.c, TLBI_VALE1IS(0));
	assert_int_equal(load(c1, 0x1000), 0x2222);
	t_w64(x.t.m, x.l3 + 1 * 8, 0x40500000 | D_PAGE | D_AF | D_ATTR(1) | D_NG);
	t_exec(x.t.c, TLBI_VMALLE1IS);
	assert_int_equal(load(c1, 0x1000), 0x1111);
	/* IC IALLUIS reaches CPU 1 as well. */
	c1->events = 0;
	t_exec(x.t.c, IC_IALLUIS);
	assert_true(c1->events & SIM_EV_REFETCH);
	t_sys_fini(&x.t);
}

static void tlbi_with_tbi_flushes_all(void **state)
{
	struct tlb_fx x;

	tlb_setup(&x);
	x.t.c->sysreg[SR_TCR_EL1] |= 1ull << 37;	/* TBI0: entries may be tagged */
	x.t.c->x[0] = 0x7;				/* some unrelated page */
	t_exec(x.t.c, TLBI_VAE1(0));
	assert_int_equal(load(x.t.c, 0x1000), 0x2222);
	assert_int_equal(load(x.t.c, 0x2000), 0x4444);
	t_sys_fini(&x.t);
}

static void tlbi_at_el0_is_undefined(void **state)
{
	struct t_sys t;

	setup(&t, false);
	t_to_el0(t.c);
	t.c->tlb[3].vpage = 3;
	t_exec(t.c, TLBI_VMALLE1);
	expect_exception(t.c, 0x02000000, PC0);
	assert_int_equal(t.c->tlb[3].vpage, 3);
	t_sys_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_coverage),
		cmocka_unit_test(mrs_msr),
		cmocka_unit_test(mrs_msr_at_el0),
		cmocka_unit_test(fp_control_registers_obey_cpacr),
		cmocka_unit_test(msr_immediate),
		cmocka_unit_test(hints_do_nothing),
		cmocka_unit_test(barriers_and_clrex),
		cmocka_unit_test(wfi_and_wfe),
		cmocka_unit_test(svc_hvc_smc_brk),
		cmocka_unit_test(eret_legal_and_illegal),
		cmocka_unit_test(dc_zva),
		cmocka_unit_test(cache_maintenance_by_va),
		cmocka_unit_test(cache_maintenance_skips_unmapped_ipa),
		cmocka_unit_test(at_instructions),
		cmocka_unit_test(at_stage2_fault_on_walk_exits),
		cmocka_unit_test(tlbi_by_va_and_asid),
		cmocka_unit_test(tlbi_asid_and_all),
		cmocka_unit_test(tlbi_covers_blocks),
		cmocka_unit_test(tlbi_broadcast_reaches_other_cpus),
		cmocka_unit_test(tlbi_with_tbi_flushes_all),
		cmocka_unit_test(tlbi_at_el0_is_undefined),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
