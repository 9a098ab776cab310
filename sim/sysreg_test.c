// SPDX-License-Identifier: MIT
/*
 * System registers: the table against encodings written from the Arm ARM, the CPU
 * model's ID values, RES0/RES1 masks, side effects on the TLB and the context, EL0
 * access rules (UNDEFINED vs trapped), and delegation to the GIC and the timer.
 */
#include "sim/sys_test_util.h"

#define E	T_ENC

static uint64_t rd(struct sim_cpu *c, uint32_t enc)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(sim_sysreg_read(c, enc, &v), 0);
	return v;
}

static void wr(struct sim_cpu *c, uint32_t enc, uint64_t v)
{
	assert_int_equal(sim_sysreg_write(c, enc, v), 0);
}

static int rd_err(struct sim_cpu *c, uint32_t enc)
{
	uint64_t v;

	return sim_sysreg_read(c, enc, &v);
}

static const struct { uint32_t enc; const char *name; } expected_regs[] = {
	{ E(2, 0, 0, 0, 4), "DBGBVR0_EL1" }, { E(2, 0, 0, 0, 5), "DBGBCR0_EL1" },
	{ E(2, 0, 0, 0, 6), "DBGWVR0_EL1" }, { E(2, 0, 0, 0, 7), "DBGWCR0_EL1" },
	{ E(2, 0, 0, 1, 4), "DBGBVR1_EL1" }, { E(2, 0, 0, 1, 5), "DBGBCR1_EL1" },
	{ E(2, 0, 0, 1, 6), "DBGWVR1_EL1" }, { E(2, 0, 0, 1, 7), "DBGWCR1_EL1" },
	{ E(2, 0, 0, 2, 0), "MDCCINT_EL1" }, { E(2, 0, 0, 2, 2), "MDSCR_EL1" },
	{ E(2, 0, 1, 0, 0), "MDRAR_EL1" }, { E(2, 0, 1, 0, 4), "OSLAR_EL1" },
	{ E(2, 0, 1, 1, 4), "OSLSR_EL1" }, { E(2, 0, 1, 3, 4), "OSDLR_EL1" },
	{ E(2, 0, 1, 4, 4), "DBGPRCR_EL1" }, { E(2, 0, 7, 8, 6), "DBGCLAIMSET_EL1" },
	{ E(2, 0, 7, 9, 6), "DBGCLAIMCLR_EL1" }, { E(2, 0, 7, 14, 6), "DBGAUTHSTATUS_EL1" },
	{ E(3, 0, 0, 0, 0), "MIDR_EL1" }, { E(3, 0, 0, 0, 5), "MPIDR_EL1" },
	{ E(3, 0, 0, 0, 6), "REVIDR_EL1" }, { E(3, 0, 1, 0, 0), "SCTLR_EL1" },
	{ E(3, 0, 1, 0, 1), "ACTLR_EL1" }, { E(3, 0, 1, 0, 2), "CPACR_EL1" },
	{ E(3, 0, 2, 0, 0), "TTBR0_EL1" }, { E(3, 0, 2, 0, 1), "TTBR1_EL1" },
	{ E(3, 0, 2, 0, 2), "TCR_EL1" }, { E(3, 0, 4, 0, 0), "SPSR_EL1" },
	{ E(3, 0, 4, 0, 1), "ELR_EL1" }, { E(3, 0, 4, 1, 0), "SP_EL0" },
	{ E(3, 0, 4, 2, 0), "SPSel" }, { E(3, 0, 4, 2, 2), "CurrentEL" },
	{ E(3, 0, 5, 1, 0), "AFSR0_EL1" }, { E(3, 0, 5, 1, 1), "AFSR1_EL1" },
	{ E(3, 0, 5, 2, 0), "ESR_EL1" }, { E(3, 0, 6, 0, 0), "FAR_EL1" },
	{ E(3, 0, 7, 4, 0), "PAR_EL1" }, { E(3, 0, 10, 2, 0), "MAIR_EL1" },
	{ E(3, 0, 10, 3, 0), "AMAIR_EL1" }, { E(3, 0, 12, 0, 0), "VBAR_EL1" },
	{ E(3, 0, 12, 1, 0), "ISR_EL1" }, { E(3, 0, 12, 1, 1), "DISR_EL1" },
	{ E(3, 0, 13, 0, 1), "CONTEXTIDR_EL1" }, { E(3, 0, 13, 0, 4), "TPIDR_EL1" },
	{ E(3, 0, 14, 1, 0), "CNTKCTL_EL1" }, { E(3, 1, 0, 0, 0), "CCSIDR_EL1" },
	{ E(3, 1, 0, 0, 1), "CLIDR_EL1" }, { E(3, 1, 0, 0, 7), "AIDR_EL1" },
	{ E(3, 2, 0, 0, 0), "CSSELR_EL1" }, { E(3, 3, 0, 0, 1), "CTR_EL0" },
	{ E(3, 3, 0, 0, 7), "DCZID_EL0" }, { E(3, 3, 4, 2, 0), "NZCV" },
	{ E(3, 3, 4, 2, 1), "DAIF" }, { E(3, 3, 4, 4, 0), "FPCR" },
	{ E(3, 3, 4, 4, 1), "FPSR" }, { E(3, 3, 13, 0, 2), "TPIDR_EL0" },
	{ E(3, 3, 13, 0, 3), "TPIDRRO_EL0" },
};

/* Every register is at the encoding the Arm ARM gives it, and there are no others. */
static void table_matches_the_architecture(void **state)
{
	size_t n = sizeof(expected_regs) / sizeof(expected_regs[0]), found = 0;

	for (size_t i = 0; i < n; i++) {
		const char *name = sim_sysreg_name(expected_regs[i].enc);

		assert_non_null(name);
		assert_string_equal(name, expected_regs[i].name);
	}
	for (uint32_t enc = 0; enc < 0x10000; enc++)
		found += sim_sysreg_name(enc) != NULL;
	assert_int_equal(found, n);
}

static void cpu_model_id_values(void **state)
{
	struct t_sys t;
	uint64_t v;

	t_sys_init(&t, false);
	assert_int_equal(rd(t.c, E(3, 0, 0, 0, 0)), 0x411fd050);	/* Cortex-A55 r1p0 */
	assert_int_equal(rd(t.c, E(3, 0, 0, 0, 5)), 0x80000000);	/* CPU 0 */
	assert_int_equal(rd(t.c, E(3, 0, 0, 0, 6)), 0);
	assert_int_equal(rd(t.c, E(3, 0, 0, 4, 0)), 0x00000011);	/* PFR0: no GIC here */
	assert_int_equal(rd(t.c, E(3, 0, 0, 4, 1)), 0);			/* PFR1: no BTI/MTE */
	assert_int_equal(rd(t.c, E(3, 0, 0, 4, 4)), 0);			/* ZFR0: no SVE */
	assert_int_equal(rd(t.c, E(3, 0, 0, 5, 0)), 0x00101006);	/* DFR0 */
	assert_int_equal(rd(t.c, E(3, 0, 0, 6, 0)), 0x00210000);	/* ISAR0 */
	assert_int_equal(rd(t.c, E(3, 0, 0, 6, 1)), 0x1000200000ull);	/* ISAR1: SB, LRCPC 2 */
	assert_int_equal(rd(t.c, E(3, 0, 0, 6, 2)), 0);
	assert_int_equal(rd(t.c, E(3, 0, 0, 7, 0)), 0x0f000022);	/* MMFR0 */
	assert_int_equal(rd(t.c, E(3, 0, 0, 7, 1)), 0);
	assert_int_equal(rd(t.c, E(3, 0, 0, 7, 2)), 0);
	assert_int_equal(rd(t.c, E(3, 0, 0, 7, 4)), 0);	/* MMFR4: reserved space, RAZ */
	assert_int_equal(rd(t.c, E(3, 0, 0, 1, 0)), 0);	/* ID_PFR0 (AArch32) */
	assert_int_equal(rd(t.c, E(3, 0, 0, 3, 0)), 0);	/* MVFR0 */
	assert_int_equal(rd(t.c, E(3, 1, 0, 0, 1)), 0x0a200023);	/* CLIDR */
	assert_int_equal(rd(t.c, E(3, 3, 0, 0, 1)), 0x84448004);	/* CTR */
	assert_int_equal(rd(t.c, E(3, 3, 0, 0, 7)), 4);			/* DCZID: 64 B */
	assert_int_equal(rd(t.c, E(3, 1, 0, 0, 7)), 0);
	/* ID registers are read-only, and EL1-only. */
	assert_int_equal(sim_sysreg_write(t.c, E(3, 0, 0, 4, 0), 0), -ENOENT);
	assert_int_equal(sim_sysreg_write(t.c, E(3, 0, 0, 0, 0), 0), -ENOENT);
	t_to_el0(t.c);
	assert_int_equal(sim_sysreg_read(t.c, E(3, 0, 0, 4, 0), &v), -ENOENT);
	assert_int_equal(sim_sysreg_read(t.c, E(3, 0, 0, 0, 0), &v), -ENOENT);
	t_sys_fini(&t);
}

static void ccsidr_follows_csselr(void **state)
{
	static const struct { uint64_t sel, ccsidr; } cases[] = {
		{ 0, 0x000fe01a }, { 1, 0x000fe01a }, { 2, 0x003fe01a }, { 3, 0 }, { 4, 0 },
	};
	struct t_sys t;

	t_sys_init(&t, false);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		wr(t.c, E(3, 2, 0, 0, 0), cases[i].sel);
		assert_int_equal(rd(t.c, E(3, 1, 0, 0, 0)), cases[i].ccsidr);
	}
	wr(t.c, E(3, 2, 0, 0, 0), ~0ull);
	assert_int_equal(rd(t.c, E(3, 2, 0, 0, 0)), 0xf);
	t_sys_fini(&t);
}

static void sctlr_masks_and_flushes(void **state)
{
	struct t_sys t;

	t_sys_init(&t, false);
	assert_int_equal(rd(t.c, E(3, 0, 1, 0, 0)), 0x30d00800);	/* reset */
	wr(t.c, E(3, 0, 1, 0, 0), ~0ull);
	assert_int_equal(rd(t.c, E(3, 0, 1, 0, 0)), 0x34ddda1f);
	wr(t.c, E(3, 0, 1, 0, 0), 0);
	assert_int_equal(rd(t.c, E(3, 0, 1, 0, 0)), 0x30d00800);
	/* Turning the MMU on drops every TLB entry; other bits do not. */
	t.c->tlb[7].vpage = 7;
	t.c->slice = 5;
	wr(t.c, E(3, 0, 1, 0, 0), 1u << 15);				/* UCT */
	assert_int_equal(t.c->tlb[7].vpage, 7);
	assert_int_equal(t.c->slice, 0);
	wr(t.c, E(3, 0, 1, 0, 0), 1u << 15 | 1);			/* M */
	assert_int_equal(t.c->tlb[7].vpage, UINT64_MAX);
	t.c->tlb[7].vpage = 7;
	wr(t.c, E(3, 0, 1, 0, 0), 1u << 15 | 1 | 1u << 19);		/* WXN */
	assert_int_equal(t.c->tlb[7].vpage, UINT64_MAX);
	t_sys_fini(&t);
}

static void translation_registers(void **state)
{
	struct t_sys t;

	t_sys_init(&t, false);
	/* 8-bit ASIDs from TTBR0 by default. */
	wr(t.c, E(3, 0, 2, 0, 0), 0x1234000040001001ull);
	assert_int_equal(rd(t.c, E(3, 0, 2, 0, 0)), 0x1234000040001000ull);	/* no CnP */
	assert_int_equal(t.c->ctx, 3u << 16 | 0x34);
	wr(t.c, E(3, 0, 2, 0, 1), 0x5678000000000000ull);
	assert_int_equal(t.c->ctx, 3u << 16 | 0x34);
	/* TCR: AS = 16-bit ASIDs, A1 = TTBR1's; writes drop the TLB. */
	t.c->tlb[1].vpage = 1;
	wr(t.c, E(3, 0, 2, 0, 2), 1ull << 36);
	assert_int_equal(t.c->ctx, 3u << 16 | 0x1234);
	assert_int_equal(t.c->tlb[1].vpage, UINT64_MAX);
	wr(t.c, E(3, 0, 2, 0, 2), 1ull << 36 | 1ull << 22);
	assert_int_equal(t.c->ctx, 3u << 16 | 0x5678);
	wr(t.c, E(3, 0, 2, 0, 2), ~0ull);
	assert_int_equal(rd(t.c, E(3, 0, 2, 0, 2)), 0x77ffffffbfull);
	/* MAIR changes memory types: the TLB goes too. */
	t.c->tlb[1].vpage = 1;
	wr(t.c, E(3, 0, 10, 2, 0), 0x44ff00);
	assert_int_equal(t.c->tlb[1].vpage, UINT64_MAX);
	assert_int_equal(rd(t.c, E(3, 0, 10, 2, 0)), 0x44ff00);
	t_sys_fini(&t);
}

static void masks_of_stored_registers(void **state)
{
	static const struct { uint32_t enc; uint64_t after_ones; } cases[] = {
		{ E(3, 0, 4, 0, 0), 0xf03003df },		/* SPSR_EL1 */
		{ E(3, 0, 4, 0, 1), ~0ull },			/* ELR_EL1 */
		{ E(3, 0, 5, 2, 0), 0xffffffff },		/* ESR_EL1 */
		{ E(3, 0, 6, 0, 0), ~0ull },			/* FAR_EL1 */
		{ E(3, 0, 7, 4, 0), ~0ull },			/* PAR_EL1 */
		{ E(3, 0, 12, 0, 0), ~0x7ffull },		/* VBAR_EL1 */
		{ E(3, 0, 1, 0, 2), 0x300000 },			/* CPACR_EL1: FPEN */
		{ E(3, 0, 13, 0, 1), 0xffffffff },		/* CONTEXTIDR_EL1 */
		{ E(3, 0, 13, 0, 4), ~0ull },			/* TPIDR_EL1 */
		{ E(3, 3, 13, 0, 2), ~0ull },			/* TPIDR_EL0 */
		{ E(3, 3, 13, 0, 3), ~0ull },			/* TPIDRRO_EL0 */
		{ E(3, 0, 14, 1, 0), 0x3ff },			/* CNTKCTL_EL1 */
		{ E(3, 3, 4, 2, 0), 0xf0000000 },		/* NZCV */
		{ E(3, 3, 4, 4, 0), 0x07c00000 },		/* FPCR */
		{ E(3, 3, 4, 4, 1), 0x0800009f },		/* FPSR */
		{ E(2, 0, 0, 2, 2), 0x00e0b001 },		/* MDSCR_EL1 */
		{ E(2, 0, 0, 2, 0), 0x60000000 },		/* MDCCINT_EL1 */
		{ E(2, 0, 1, 3, 4), 1 },			/* OSDLR_EL1 */
		{ E(2, 0, 0, 0, 4), 0 },			/* DBGBVR0_EL1: RAZ/WI */
		{ E(2, 0, 0, 1, 7), 0 },			/* DBGWCR1_EL1 */
		{ E(2, 0, 7, 8, 6), 0 },			/* DBGCLAIMSET_EL1 */
	};
	struct t_sys t;

	t_sys_init(&t, false);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		wr(t.c, cases[i].enc, ~0ull);
		assert_int_equal(rd(t.c, cases[i].enc), cases[i].after_ones);
	}
	t_sys_fini(&t);
}

static void pstate_registers(void **state)
{
	struct t_sys t;

	t_sys_init(&t, false);
	assert_int_equal(rd(t.c, E(3, 0, 4, 2, 2)), 4);		/* CurrentEL: EL1 */
	assert_int_equal(rd(t.c, E(3, 0, 4, 2, 0)), 1);		/* SPSel */
	t.c->sp = 0x1000;
	t.c->sp_el0 = 0x2000;
	assert_int_equal(rd(t.c, E(3, 0, 4, 1, 0)), 0x2000);	/* SP_EL0 */
	wr(t.c, E(3, 0, 4, 1, 0), 0x3000);
	wr(t.c, E(3, 0, 4, 2, 0), 0);				/* to SP_EL0 */
	assert_int_equal(t.c->sp, 0x3000);
	assert_int_equal(t.c->sp_el1, 0x1000);
	assert_int_equal(rd_err(t.c, E(3, 0, 4, 1, 0)), -ENOENT);	/* SP_EL0 while in use */
	assert_int_equal(sim_sysreg_write(t.c, E(3, 0, 4, 1, 0), 0), -ENOENT);
	wr(t.c, E(3, 0, 4, 2, 0), 1);
	assert_int_equal(t.c->sp, 0x1000);
	/* DAIF: masks change, the run loop looks for interrupts. */
	t.c->events = 0;
	t.c->slice = 9;
	wr(t.c, E(3, 3, 4, 2, 1), 0x140);
	assert_int_equal(t.c->daif, 0x140);
	assert_int_equal(rd(t.c, E(3, 3, 4, 2, 1)), 0x140);
	assert_true(t.c->events & SIM_EV_IRQ_CHECK);
	assert_int_equal(t.c->slice, 0);
	/* ISR_EL1 shows the CPU interface's lines. */
	assert_int_equal(rd(t.c, E(3, 0, 12, 1, 0)), 0);
	t.c->irq_line = true;
	assert_int_equal(rd(t.c, E(3, 0, 12, 1, 0)), 0x80);
	t.c->fiq_line = true;
	assert_int_equal(rd(t.c, E(3, 0, 12, 1, 0)), 0xc0);
	t_sys_fini(&t);
}

static void os_lock_and_debug(void **state)
{
	struct t_sys t;

	t_sys_init(&t, false);
	assert_int_equal(rd(t.c, E(2, 0, 1, 1, 4)), 0x8);		/* OSLM 0b10, unlocked */
	wr(t.c, E(2, 0, 1, 0, 4), 1);
	assert_int_equal(rd(t.c, E(2, 0, 1, 1, 4)), 0xa);
	wr(t.c, E(2, 0, 1, 0, 4), 0);
	assert_int_equal(rd(t.c, E(2, 0, 1, 1, 4)), 0x8);
	assert_int_equal(rd_err(t.c, E(2, 0, 1, 0, 4)), -ENOENT);	/* OSLAR is write-only */
	assert_int_equal(sim_sysreg_write(t.c, E(2, 0, 1, 1, 4), 0), -ENOENT);
	assert_int_equal(rd(t.c, E(2, 0, 1, 0, 0)), 0);		/* MDRAR: no ROM table */
	assert_int_equal(rd(t.c, E(2, 0, 7, 14, 6)), 0);
	/* Only breakpoints and watchpoints 0 and 1 exist (ID_AA64DFR0 says two of each). */
	assert_int_equal(rd_err(t.c, E(2, 0, 0, 2, 4)), -ENOENT);
	assert_int_equal(rd_err(t.c, E(2, 0, 0, 3, 7)), -ENOENT);
	t_sys_fini(&t);
}

static void el0_access_rules(void **state)
{
	struct t_sys t;
	uint64_t v;

	t_sys_init(&t, false);
	wr(t.c, E(3, 3, 13, 0, 3), 0x77);			/* TPIDRRO_EL0 from EL1 */
	t_to_el0(t.c);
	/* EL1 registers are UNDEFINED at EL0. */
	assert_int_equal(rd_err(t.c, E(3, 0, 1, 0, 0)), -ENOENT);
	assert_int_equal(rd_err(t.c, E(3, 0, 4, 2, 2)), -ENOENT);	/* CurrentEL */
	assert_int_equal(rd_err(t.c, E(3, 0, 4, 2, 0)), -ENOENT);	/* SPSel */
	assert_int_equal(rd_err(t.c, E(3, 0, 4, 1, 0)), -ENOENT);	/* SP_EL0 */
	assert_int_equal(rd_err(t.c, E(3, 0, 13, 0, 4)), -ENOENT);	/* TPIDR_EL1 */
	assert_int_equal(rd_err(t.c, E(2, 0, 0, 2, 2)), -ENOENT);	/* MDSCR_EL1 */
	assert_int_equal(sim_sysreg_write(t.c, E(3, 0, 12, 0, 0), 0), -ENOENT);
	/* EL0 registers. */
	wr(t.c, E(3, 3, 4, 2, 0), SIM_N);
	assert_int_equal(t.c->nzcv, SIM_N);
	wr(t.c, E(3, 3, 13, 0, 2), 0x55);
	assert_int_equal(rd(t.c, E(3, 3, 13, 0, 2)), 0x55);
	assert_int_equal(rd(t.c, E(3, 3, 13, 0, 3)), 0x77);
	assert_int_equal(sim_sysreg_write(t.c, E(3, 3, 13, 0, 3), 0), -ENOENT);
	wr(t.c, E(3, 3, 4, 4, 0), 0x00c00000);
	assert_int_equal(rd(t.c, E(3, 3, 4, 4, 0)), 0x00c00000);
	/* DCZID: DZP tells EL0 whether DC ZVA is allowed. */
	assert_int_equal(rd(t.c, E(3, 3, 0, 0, 7)), 0x14);
	t.c->sysreg[SR_SCTLR_EL1] |= 1u << 14;			/* DZE */
	assert_int_equal(rd(t.c, E(3, 3, 0, 0, 7)), 0x4);
	/* CTR_EL0 traps unless UCT; DAIF traps unless UMA. */
	assert_int_equal(rd_err(t.c, E(3, 3, 0, 0, 1)), -EPERM);
	t.c->sysreg[SR_SCTLR_EL1] |= 1u << 15;
	assert_int_equal(rd(t.c, E(3, 3, 0, 0, 1)), 0x84448004);
	assert_int_equal(sim_sysreg_write(t.c, E(3, 3, 0, 0, 1), 0), -ENOENT);
	assert_int_equal(rd_err(t.c, E(3, 3, 4, 2, 1)), -EPERM);
	assert_int_equal(sim_sysreg_write(t.c, E(3, 3, 4, 2, 1), 0), -EPERM);
	t.c->sysreg[SR_SCTLR_EL1] |= 1u << 9;
	wr(t.c, E(3, 3, 4, 2, 1), 0x80);
	assert_int_equal(t.c->daif, 0x80);
	/* Unknown registers, at EL0 too. */
	assert_int_equal(sim_sysreg_read(t.c, E(3, 4, 1, 1, 0), &v), -ENOENT);
	t_sys_fini(&t);
}

static void timer_access_from_el0(void **state)
{
	struct t_sys t;
	uint64_t v;

	t_sys_init(&t, false);
	assert_int_equal(rd(t.c, E(3, 3, 14, 0, 0)), SIM_CNTFRQ_HZ);
	assert_int_equal(rd(t.c, E(3, 3, 14, 3, 1)), 0);		/* CNTV_CTL at EL1 */
	t_to_el0(t.c);
	assert_int_equal(rd_err(t.c, E(3, 3, 14, 0, 0)), -EPERM);	/* CNTFRQ */
	assert_int_equal(rd_err(t.c, E(3, 3, 14, 0, 2)), -EPERM);	/* CNTVCT */
	assert_int_equal(rd_err(t.c, E(3, 3, 14, 3, 1)), -EPERM);	/* CNTV_CTL */
	assert_int_equal(sim_sysreg_write(t.c, E(3, 3, 14, 2, 2), 1), -EPERM);	/* CNTP_CVAL */
	t.c->sysreg[SR_CNTKCTL_EL1] = 2;				/* EL0VCTEN */
	assert_int_equal(rd(t.c, E(3, 3, 14, 0, 0)), SIM_CNTFRQ_HZ);
	assert_int_equal(sim_sysreg_read(t.c, E(3, 3, 14, 0, 2), &v), 0);
	assert_int_equal(rd_err(t.c, E(3, 3, 14, 0, 1)), -EPERM);	/* CNTPCT */
	assert_int_equal(sim_sysreg_write(t.c, E(3, 3, 14, 0, 2), 0), -ENOENT);	/* RO */
	t.c->sysreg[SR_CNTKCTL_EL1] = 2 | 1u << 8 | 1u << 9;	/* + EL0VTEN, EL0PTEN */
	wr(t.c, E(3, 3, 14, 3, 2), 0x1234);
	assert_int_equal(rd(t.c, E(3, 3, 14, 3, 2)), 0x1234);
	wr(t.c, E(3, 3, 14, 2, 2), 0x5678);
	assert_int_equal(rd(t.c, E(3, 3, 14, 2, 2)), 0x5678);
	assert_int_equal(rd_err(t.c, E(3, 3, 14, 0, 5)), -ENOENT);	/* CNTPCTSS: absent */
	t_sys_fini(&t);
}

static void gic_registers_go_to_the_gic(void **state)
{
	struct t_sys t;

	t_sys_init_gic(&t, false, true);
	assert_int_equal(rd(t.c, E(3, 0, 0, 4, 0)), 0x01000011);	/* PFR0.GIC = 1 */
	wr(t.c, E(3, 0, 4, 6, 0), 0xf0);				/* ICC_PMR_EL1 */
	assert_int_equal(rd(t.c, E(3, 0, 4, 6, 0)), 0xf0);
	assert_int_equal(t.c->gic.pmr, 0xf0);
	assert_int_equal(rd_err(t.c, E(3, 0, 12, 13, 0)), -ENOENT);	/* outside ICC_* */
	t_to_el0(t.c);
	assert_int_equal(rd_err(t.c, E(3, 0, 4, 6, 0)), -ENOENT);
	assert_int_equal(rd_err(t.c, E(3, 0, 12, 12, 5)), -ENOENT);	/* ICC_SRE_EL1 */
	t_sys_fini(&t);
}

static void absent_registers_are_undefined(void **state)
{
	static const uint32_t absent[] = {
		E(3, 4, 4, 1, 0),	/* SP_EL1: EL2 only */
		E(3, 4, 1, 1, 0),	/* HCR_EL2 */
		E(3, 4, 4, 3, 0),	/* SPSR_irq */
		E(3, 0, 4, 2, 3),	/* PAN: not implemented */
		E(3, 0, 4, 2, 4),	/* UAO */
		E(3, 3, 4, 2, 5),	/* DIT */
		E(3, 0, 0, 0, 4),	/* reserved MIDR alias */
		E(3, 3, 9, 12, 0),	/* PMCR_EL0: no PMU */
		E(3, 0, 10, 4, 0),	/* LORSA_EL1: no LOR */
		E(3, 0, 2, 1, 0),	/* APIAKeyLo_EL1: no PAuth */
		E(3, 0, 5, 3, 0),	/* ERRIDR_EL1: no RAS */
		E(3, 1, 0, 0, 2),	/* CCSIDR2_EL1: no CCIDX */
	};
	struct t_sys t;

	t_sys_init(&t, false);
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		assert_int_equal(rd_err(t.c, absent[i]), -ENOENT);
		assert_int_equal(sim_sysreg_write(t.c, absent[i], 0), -ENOENT);
	}
	t_sys_fini(&t);
}

/* The host (regs.c) reads EL1 registers even while the CPU runs at EL0. */
static void host_access_at_el0(void **state)
{
	struct t_sys t;
	uint64_t v;

	t_sys_init(&t, false);
	t_to_el0(t.c);
	assert_int_equal(sim_cpu_set_reg(t.c, SIM_REG_SYS(3, 0, 12, 0, 0), 0x40010000), 0);
	assert_int_equal(sim_cpu_get_reg(t.c, SIM_REG_SYS(3, 0, 12, 0, 0), &v), 0);
	assert_int_equal(v, 0x40010000);
	assert_int_equal(t.c->el, 0);
	t_sys_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_matches_the_architecture),
		cmocka_unit_test(cpu_model_id_values),
		cmocka_unit_test(ccsidr_follows_csselr),
		cmocka_unit_test(sctlr_masks_and_flushes),
		cmocka_unit_test(translation_registers),
		cmocka_unit_test(masks_of_stored_registers),
		cmocka_unit_test(pstate_registers),
		cmocka_unit_test(os_lock_and_debug),
		cmocka_unit_test(el0_access_rules),
		cmocka_unit_test(timer_access_from_el0),
		cmocka_unit_test(gic_registers_go_to_the_gic),
		cmocka_unit_test(absent_registers_are_undefined),
		cmocka_unit_test(host_access_at_el0),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
