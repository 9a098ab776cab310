// SPDX-License-Identifier: MIT
/*
 * The MMU walker against real descriptors in machine RAM: stage 1 (39- and 48-bit VA,
 * TTBR0/TTBR1, TBI, blocks, permissions, attributes), stage 2 (concatenated start
 * tables, S2AP/XN, MemAttr), both combined (S1PTW faults, permission intersection), every
 * fault type at every level it can occur, and AT's PAR_EL1 values.
 */
#include "sim/sys_test_util.h"

/* MAIR: 0 Device-nGnRnE, 1 Normal WB, 2 Normal NC. */
#define MAIR_VALUE	0x44ff00ull
/* 39-bit VA both halves, 4 KiB granules, IPS 40 bits. */
#define TCR_39		(25ull | 25ull << 16 | 2ull << 30 | 2ull << 32)

#define TABLES		0x40800000ull	/* page-table pool inside the fixture's RAM */

#define ALL_R	(SIM_TLB_R_EL0 | SIM_TLB_R_EL1)
#define ALL_W	(SIM_TLB_W_EL0 | SIM_TLB_W_EL1)
#define ALL_X	(SIM_TLB_X_EL0 | SIM_TLB_X_EL1)
#define PERMS(e)	((e).perm & (ALL_R | ALL_W | ALL_X))

struct fx {
	struct t_sys t;
	struct t_pt pt;
	uint64_t root0, root1;
};

/* Stage 1 on: 39-bit VA, empty TTBR0 and TTBR1 tables, ASID 5 in TTBR0. */
static void fx_init(struct fx *x, bool stage2)
{
	t_sys_init(&x->t, stage2);
	x->pt = (struct t_pt){ .m = x->t.m, .next = TABLES };
	x->root0 = t_pt_alloc(&x->pt, 1);
	x->root1 = t_pt_alloc(&x->pt, 1);
	x->t.c->sysreg[SR_TCR_EL1] = TCR_39;
	x->t.c->sysreg[SR_MAIR_EL1] = MAIR_VALUE;
	x->t.c->sysreg[SR_TTBR0_EL1] = x->root0 | 5ull << 48;
	x->t.c->sysreg[SR_TTBR1_EL1] = x->root1;
	x->t.c->sysreg[SR_SCTLR_EL1] |= 1;	/* M */
	sim_update_ctx(x->t.c);
}

/* Map va (39-bit, TTBR0) at `level` with a leaf descriptor. */
static void map0(struct fx *x, uint64_t va, int level, uint64_t desc)
{
	t_w64(x->t.m, t_pt_slot(&x->pt, x->root0, 1, 39, va, level), desc);
}

static bool xlate(struct fx *x, uint64_t va, unsigned acc, struct sim_tlb_entry *e,
		  struct sim_fault *f)
{
	memset(e, 0, sizeof(*e));
	memset(f, 0, sizeof(*f));
	return sim_mmu_translate(x->t.c, va, acc, e, f);
}

static void expect_fault(struct fx *x, uint64_t va, unsigned acc, enum sim_fault_type type,
			 unsigned stage, unsigned level)
{
	struct sim_tlb_entry e;
	struct sim_fault f;

	assert_false(xlate(x, va, acc, &e, &f));
	assert_int_equal(f.type, type);
	assert_int_equal(f.stage, stage);
	assert_int_equal(f.level, level);
}

/* ---- stage 1 off ---------------------------------------------------------------------- */

static void mmu_off_is_flat(void **state)
{
	struct t_sys t;
	struct sim_tlb_entry e;
	struct sim_fault f;

	t_sys_init(&t, false);
	memset(&e, 0, sizeof(e));
	assert_true(sim_mmu_translate(t.c, 0x40001234, SIM_ACC_WRITE, &e, &f));
	assert_int_equal(e.vpage, 0x40001);
	assert_int_equal(e.pa, 0x40001000);
	assert_int_equal(e.ipa, 0x40001000);
	assert_int_equal(e.perm, ALL_R | ALL_W | ALL_X | SIM_TLB_DEVICE | SIM_TLB_GLOBAL);
	assert_int_equal(e.s2perm, 7);
	assert_int_equal(e.block_shift, 12);
	assert_int_equal(e.ctx, t.c->ctx);
	/* Above the 40-bit PA: address size fault, level 0. */
	memset(&f, 0, sizeof(f));
	assert_false(sim_mmu_translate(t.c, 1ull << 40, SIM_ACC_READ, &e, &f));
	assert_int_equal(f.type, SIM_FAULT_ADDRESS_SIZE);
	assert_int_equal(f.stage, 1);
	assert_int_equal(f.level, 0);
	/* TBI0 ignores the top byte. */
	t.c->sysreg[SR_TCR_EL1] = 1ull << 37;
	assert_true(sim_mmu_translate(t.c, 0x2a00000040001234ull, SIM_ACC_READ, &e, &f));
	assert_int_equal(e.pa, 0x40001000);
	t_sys_fini(&t);
}

/* ---- stage 1 walks ---------------------------------------------------------------------- */

static void s1_page_walk(void **state)
{
	struct fx x;
	struct sim_tlb_entry e;
	struct sim_fault f;

	fx_init(&x, false);
	map0(&x, 0x12345000, 3, 0x40234000 | D_PAGE | D_AF | D_ATTR(1) | D_SH_IS | D_AP_EL0 |
	     D_NG);
	assert_true(xlate(&x, 0x12345678, SIM_ACC_READ, &e, &f));
	assert_int_equal(e.vpage, 0x12345);
	assert_int_equal(e.pa, 0x40234000);
	assert_int_equal(e.ipa, 0x40234000);
	assert_int_equal(e.ctx, (3u << 16) | 5);
	/* EL0 read/write; EL0-writable memory is never EL1-executable. */
	assert_int_equal(e.perm, ALL_R | ALL_W | SIM_TLB_X_EL0);
	assert_int_equal(e.s2perm, 7);
	assert_int_equal(e.block_shift, 12);
	t_sys_fini(&x.t);
}

static void s1_blocks(void **state)
{
	struct fx x;
	struct sim_tlb_entry e;
	struct sim_fault f;

	fx_init(&x, false);
	map0(&x, 0x40000000, 1, 0x40000000 | D_BLOCK | D_AF | D_ATTR(1));
	map0(&x, 0x80200000, 2, 0x40400000 | D_BLOCK | D_AF | D_ATTR(0) | D_UXN | D_PXN);
	assert_true(xlate(&x, 0x40123456, SIM_ACC_EXEC, &e, &f));
	assert_int_equal(e.pa, 0x40123000);
	assert_int_equal(e.block_shift, 30);
	assert_int_equal(e.perm, SIM_TLB_R_EL1 | SIM_TLB_W_EL1 | ALL_X | SIM_TLB_GLOBAL);
	assert_true(xlate(&x, 0x80212345, SIM_ACC_WRITE, &e, &f));
	assert_int_equal(e.pa, 0x40412000);
	assert_int_equal(e.block_shift, 21);
	assert_int_equal(e.perm, SIM_TLB_R_EL1 | SIM_TLB_W_EL1 | SIM_TLB_DEVICE | SIM_TLB_GLOBAL);
	t_sys_fini(&x.t);
}

static void s1_48bit_and_ttbr1(void **state)
{
	struct fx x;
	struct sim_tlb_entry e;
	struct sim_fault f;
	uint64_t l0;

	fx_init(&x, false);
	/* TTBR0 with T0SZ 16: a level-0 start. */
	l0 = t_pt_alloc(&x.pt, 1);
	x.t.c->sysreg[SR_TCR_EL1] = (TCR_39 & ~0x3full) | 16;
	x.t.c->sysreg[SR_TTBR0_EL1] = l0;
	t_w64(x.t.m, t_pt_slot(&x.pt, l0, 0, 48, 0x800000001000ull, 3),
	      0x40777000 | D_PAGE | D_AF | D_ATTR(1));
	assert_int_equal(t_r64(x.t.m, l0 + 256 * 8) & 3, 3);	/* L0 index 256 */
	assert_true(xlate(&x, 0x800000001abcull, SIM_ACC_READ, &e, &f));
	assert_int_equal(e.pa, 0x40777000);
	/* TTBR1 with T1SZ 25: top 25 bits ones. */
	t_w64(x.t.m, t_pt_slot(&x.pt, x.root1, 1, 39, 0xffffffc000002000ull, 3),
	      0x40888000 | D_PAGE | D_AF | D_ATTR(1));
	assert_true(xlate(&x, 0xffffffc000002010ull, SIM_ACC_READ, &e, &f));
	assert_int_equal(e.pa, 0x40888000);
	assert_int_equal(e.vpage, 0xffffffc000002ull);
	t_sys_fini(&x.t);
}

static void s1_va_range_epd_tbi(void **state)
{
	struct fx x;
	struct sim_tlb_entry e;
	struct sim_fault f;

	fx_init(&x, false);
	map0(&x, 0x12345000, 3, 0x40234000 | D_PAGE | D_AF | D_ATTR(1));
	/* Between the two ranges: level-0 translation faults. */
	expect_fault(&x, 0x0000008000000000ull, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 0);
	expect_fault(&x, 0xffff000000000000ull, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 0);
	expect_fault(&x, 0x5a00000012345000ull, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 0);
	/* TBI0: the tag is ignored. */
	x.t.c->sysreg[SR_TCR_EL1] |= 1ull << 37;
	assert_true(xlate(&x, 0x5a00000012345000ull, SIM_ACC_READ, &e, &f));
	assert_int_equal(e.pa, 0x40234000);
	/* EPD0 / EPD1: no walk, level-0 translation fault. */
	x.t.c->sysreg[SR_TCR_EL1] |= 1ull << 7;
	expect_fault(&x, 0x12345000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 0);
	x.t.c->sysreg[SR_TCR_EL1] |= 1ull << 23;
	expect_fault(&x, 0xffffffc000002000ull, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 0);
	t_sys_fini(&x.t);
}

static void s1_unsupported_config(void **state)
{
	struct fx x;

	fx_init(&x, false);
	map0(&x, 0x12345000, 3, 0x40234000 | D_PAGE | D_AF | D_ATTR(1));
	x.t.c->sysreg[SR_TCR_EL1] = TCR_39 | 1ull << 14;		/* TG0 = 64 KiB */
	expect_fault(&x, 0x12345000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 0);
	x.t.c->sysreg[SR_TCR_EL1] = TCR_39 | 2ull << 14;		/* TG0 = 16 KiB */
	expect_fault(&x, 0x12345000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 0);
	x.t.c->sysreg[SR_TCR_EL1] = TCR_39 & ~(3ull << 30);		/* TG1 reserved */
	expect_fault(&x, 0xffffffc000002000ull, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 0);
	x.t.c->sysreg[SR_TCR_EL1] = (TCR_39 & ~0x3full) | 15;	/* T0SZ below 16 */
	expect_fault(&x, 0x12345000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 0);
	x.t.c->sysreg[SR_TCR_EL1] = (TCR_39 & ~0x3full) | 40;	/* T0SZ above 39 */
	expect_fault(&x, 0x12345000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 0);
	t_sys_fini(&x.t);
}

static void s1_faults_at_each_level(void **state)
{
	struct fx x;
	uint64_t l0;

	fx_init(&x, false);
	expect_fault(&x, 0x12345000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 1);
	t_pt_slot(&x.pt, x.root0, 1, 39, 0x12345000, 2);		/* L1 table, empty L2 */
	expect_fault(&x, 0x12345000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 2);
	t_pt_slot(&x.pt, x.root0, 1, 39, 0x12345000, 3);		/* empty L3 */
	expect_fault(&x, 0x12345000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 3);
	map0(&x, 0x12345000, 3, 0x40234000 | D_BLOCK | D_AF);	/* reserved at level 3 */
	expect_fault(&x, 0x12345000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 3);
	map0(&x, 0x12345000, 3, 0x40234000 | D_PAGE | D_ATTR(1));	/* AF clear */
	expect_fault(&x, 0x12345000, SIM_ACC_READ, SIM_FAULT_ACCESS_FLAG, 1, 3);
	map0(&x, 0x12600000, 2, 0x40600000 | D_BLOCK | D_ATTR(1));
	expect_fault(&x, 0x12600000, SIM_ACC_READ, SIM_FAULT_ACCESS_FLAG, 1, 2);
	map0(&x, 0x80000000, 1, 0x80000000 | D_BLOCK | D_ATTR(1));
	expect_fault(&x, 0x80000000, SIM_ACC_EXEC, SIM_FAULT_ACCESS_FLAG, 1, 1);
	/* A level-0 block does not exist with 4 KiB granules. */
	l0 = t_pt_alloc(&x.pt, 1);
	t_w64(x.t.m, l0, D_BLOCK | D_AF);
	x.t.c->sysreg[SR_TCR_EL1] = (TCR_39 & ~0x3full) | 16;
	x.t.c->sysreg[SR_TTBR0_EL1] = l0;
	expect_fault(&x, 0x1000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 0);
	t_w64(x.t.m, l0, 0);
	expect_fault(&x, 0x1000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1, 0);
	t_sys_fini(&x.t);
}

static void s1_address_size_faults(void **state)
{
	struct fx x;
	struct sim_tlb_entry e;
	struct sim_fault f;

	fx_init(&x, false);
	map0(&x, 0x12345000, 3, (1ull << 40) | D_PAGE | D_AF);
	expect_fault(&x, 0x12345000, SIM_ACC_READ, SIM_FAULT_ADDRESS_SIZE, 1, 3);
	map0(&x, 0x12600000, 2, (1ull << 41) | D_BLOCK | D_AF);
	expect_fault(&x, 0x12600000, SIM_ACC_READ, SIM_FAULT_ADDRESS_SIZE, 1, 2);
	/* A table descriptor pointing beyond the PA size: fault at its own level. */
	t_w64(x.t.m, x.root0 + 3 * 8, (1ull << 40) | D_TABLE);
	expect_fault(&x, 0xc0000000, SIM_ACC_READ, SIM_FAULT_ADDRESS_SIZE, 1, 1);
	/* IPS = 32 bits: the RAM at 0x4000_0000 is still reachable, 4 GiB is not. */
	map0(&x, 0x12346000, 3, 0x100000000ull | D_PAGE | D_AF);
	x.t.c->sysreg[SR_TCR_EL1] = TCR_39 & ~(7ull << 32);
	map0(&x, 0x12347000, 3, 0x40234000 | D_PAGE | D_AF);
	assert_true(xlate(&x, 0x12347000, SIM_ACC_READ, &e, &f));
	expect_fault(&x, 0x12346000, SIM_ACC_READ, SIM_FAULT_ADDRESS_SIZE, 1, 3);
	/* TTBR0 base beyond the output size: level 0. */
	x.t.c->sysreg[SR_TTBR0_EL1] = 1ull << 36;
	expect_fault(&x, 0x12347000, SIM_ACC_READ, SIM_FAULT_ADDRESS_SIZE, 1, 0);
	x.t.c->sysreg[SR_TCR_EL1] = TCR_39;
	x.t.c->sysreg[SR_TTBR0_EL1] = 1ull << 40;
	expect_fault(&x, 0x12347000, SIM_ACC_READ, SIM_FAULT_ADDRESS_SIZE, 1, 0);
	t_sys_fini(&x.t);
}

static void s1_walk_outside_ram(void **state)
{
	struct fx x;
	struct sim_tlb_entry e;
	struct sim_fault f;

	fx_init(&x, false);
	t_w64(x.t.m, x.root0, 0x20000000 | D_TABLE);		/* L2 table in no RAM */
	assert_false(xlate(&x, 0x1000, SIM_ACC_READ, &e, &f));
	assert_int_equal(f.type, SIM_FAULT_EXTERNAL);
	assert_true(f.walk);
	assert_int_equal(f.stage, 1);
	assert_int_equal(f.level, 2);
	assert_int_equal(sim_fault_status(&f), 0x16);
	t_sys_fini(&x.t);
}

/* One leaf descriptor's AP/XN bits and the permissions they give, per Arm ARM D8.4. */
static void s1_permission_matrix(void **state)
{
	static const struct { uint64_t bits; bool wxn; uint16_t perm; } cases[] = {
		{ 0, false, SIM_TLB_R_EL1 | SIM_TLB_W_EL1 | ALL_X },
		{ D_AP_EL0, false, ALL_R | ALL_W | SIM_TLB_X_EL0 },
		{ D_AP_RO, false, SIM_TLB_R_EL1 | ALL_X },
		{ D_AP_RO | D_AP_EL0, false, ALL_R | ALL_X },
		{ D_UXN, false, SIM_TLB_R_EL1 | SIM_TLB_W_EL1 | SIM_TLB_X_EL1 },
		{ D_PXN, false, SIM_TLB_R_EL1 | SIM_TLB_W_EL1 | SIM_TLB_X_EL0 },
		{ D_AP_RO | D_AP_EL0 | D_PXN | D_UXN, false, ALL_R },
		{ 0, true, SIM_TLB_R_EL1 | SIM_TLB_W_EL1 | SIM_TLB_X_EL0 },
		{ D_AP_EL0, true, ALL_R | ALL_W },
		{ D_AP_RO | D_AP_EL0, true, ALL_R | ALL_X },
	};
	struct fx x;
	struct sim_tlb_entry e;
	struct sim_fault f;

	fx_init(&x, false);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		map0(&x, 0x12345000, 3, 0x40234000 | D_PAGE | D_AF | D_ATTR(1) | cases[i].bits);
		x.t.c->sysreg[SR_SCTLR_EL1] &= ~(1ull << 19);
		x.t.c->sysreg[SR_SCTLR_EL1] |= cases[i].wxn ? 1ull << 19 : 0;
		assert_true(xlate(&x, 0x12345000, 0, &e, &f));
		assert_int_equal(PERMS(e), cases[i].perm);
	}
	t_sys_fini(&x.t);
}

static void s1_table_attributes(void **state)
{
	static const struct { uint64_t tbits; uint16_t perm; } cases[] = {
		{ T_NO_EL0, SIM_TLB_R_EL1 | SIM_TLB_W_EL1 | SIM_TLB_X_EL0 | SIM_TLB_X_EL1 },
		{ T_RO, ALL_R | SIM_TLB_X_EL0 | SIM_TLB_X_EL1 },
		{ T_UXN, ALL_R | ALL_W },
		{ T_PXN, ALL_R | ALL_W | SIM_TLB_X_EL0 },
		{ T_RO | T_NO_EL0 | T_UXN | T_PXN, SIM_TLB_R_EL1 },
	};
	struct fx x;
	struct sim_tlb_entry e;
	struct sim_fault f;
	uint64_t l1slot;

	fx_init(&x, false);
	/* Leaf: EL0 read/write (so not EL1-executable unless the table makes it RO). */
	map0(&x, 0x12345000, 3, 0x40234000 | D_PAGE | D_AF | D_ATTR(1) | D_AP_EL0);
	l1slot = t_pt_slot(&x.pt, x.root0, 1, 39, 0x12345000, 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t d = t_r64(x.t.m, l1slot) & 0x0000fffffffff003ull;

		/* ...set on the level-1 descriptor pointing to the level-2 table. */
		t_w64(x.t.m, l1slot, d | cases[i].tbits);
		assert_true(xlate(&x, 0x12345000, 0, &e, &f));
		assert_int_equal(PERMS(e), cases[i].perm);
		t_w64(x.t.m, l1slot, d);
	}
	t_sys_fini(&x.t);
}

static void s1_permission_faults(void **state)
{
	struct fx x;
	struct sim_tlb_entry e;
	struct sim_fault f;

	fx_init(&x, false);
	map0(&x, 0x12345000, 3, 0x40234000 | D_PAGE | D_AF | D_ATTR(1) | D_AP_RO | D_PXN);
	map0(&x, 0x12346000, 3, 0x40235000 | D_PAGE | D_AF | D_ATTR(1));	/* EL1 only */
	map0(&x, 0x12400000, 2, 0x40400000 | D_BLOCK | D_AF | D_ATTR(1) | D_AP_EL0);
	assert_true(xlate(&x, 0x12345000, SIM_ACC_READ, &e, &f));
	expect_fault(&x, 0x12345000, SIM_ACC_WRITE, SIM_FAULT_PERMISSION, 1, 3);
	expect_fault(&x, 0x12345000, SIM_ACC_EXEC, SIM_FAULT_PERMISSION, 1, 3);
	expect_fault(&x, 0x12400000, SIM_ACC_EXEC, SIM_FAULT_PERMISSION, 1, 2);
	/* LDTR/STTR at EL1 check EL0 permissions. */
	assert_true(xlate(&x, 0x12346000, SIM_ACC_READ, &e, &f));
	expect_fault(&x, 0x12346000, SIM_ACC_READ | SIM_ACC_UNPRIV, SIM_FAULT_PERMISSION, 1, 3);
	assert_true(xlate(&x, 0x12400000, SIM_ACC_WRITE | SIM_ACC_UNPRIV, &e, &f));
	/* At EL0. */
	t_to_el0(x.t.c);
	expect_fault(&x, 0x12346000, SIM_ACC_READ, SIM_FAULT_PERMISSION, 1, 3);
	assert_true(xlate(&x, 0x12346000, SIM_ACC_EXEC, &e, &f));	/* execute-only */
	assert_true(xlate(&x, 0x12400000, SIM_ACC_WRITE, &e, &f));
	t_sys_fini(&x.t);
}

/* ---- stage 2 ------------------------------------------------------------------------------ */

/* VTCR_EL2 for 4 KiB granules. */
static uint64_t vtcr(unsigned t0sz, unsigned sl0, unsigned ps)
{
	return t0sz | (uint64_t)sl0 << 6 | (uint64_t)ps << 16;
}

static void expect_s2_fault(struct sim_part *p, uint64_t ipa, unsigned acc,
			    enum sim_fault_type type, unsigned level)
{
	struct sim_fault f;
	uint64_t pa = 0;
	uint8_t perm = 0;

	memset(&f, 0, sizeof(f));
	assert_false(sim_mmu_stage2(p, ipa, acc, &pa, &perm, &f));
	assert_int_equal(f.type, type);
	assert_int_equal(f.stage, 2);
	assert_int_equal(f.level, level);
	assert_int_equal(f.ipa, ipa);
	assert_false(f.s1ptw);
}

static void s2_concatenated_40bit(void **state)
{
	struct t_sys t;
	struct t_pt pt;
	struct sim_fault f;
	uint64_t root, pa;
	uint8_t perm;

	t_sys_init(&t, true);
	pt = (struct t_pt){ .m = t.m, .next = TABLES };
	root = t_pt_alloc(&pt, 2);	/* 1024 level-1 entries: two concatenated tables */
	assert_int_equal(sim_part_set_stage2(t.p, root, vtcr(24, 1, 2)), 0);
	/* IPA bit 39 set: level-1 index 513, in the second table. */
	t_w64(t.m, t_pt_slot(&pt, root, 1, 40, 0x8040001000ull, 3),
	      0x40300000 | D_PAGE | D_AF | S2_NORMAL | S2_RD | S2_WR);
	assert_int_equal(t_r64(t.m, root + 513 * 8) & 3, 3);
	t_w64(t.m, t_pt_slot(&pt, root, 1, 40, 0x40000000, 1),
	      0x40000000 | D_BLOCK | D_AF | S2_NORMAL | S2_RD | S2_XN);
	assert_true(sim_mmu_stage2(t.p, 0x8040001abcull, SIM_ACC_WRITE, &pa, &perm, &f));
	assert_int_equal(pa, 0x40300abc);
	assert_int_equal(perm, 7);
	assert_true(sim_mmu_stage2(t.p, 0x40abcdef, SIM_ACC_READ, &pa, &perm, &f));
	assert_int_equal(pa, 0x40abcdef);
	assert_int_equal(perm, 1);
	expect_s2_fault(t.p, 0x40abcdef, SIM_ACC_WRITE, SIM_FAULT_PERMISSION, 1);
	expect_s2_fault(t.p, 0x40abcdef, SIM_ACC_EXEC, SIM_FAULT_PERMISSION, 1);
	expect_s2_fault(t.p, 0x8040002000ull, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 3);
	expect_s2_fault(t.p, 0x8000000000ull, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 1);
	expect_s2_fault(t.p, 1ull << 40, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 0);
	t_sys_fini(&t);
}

static void s2_leaf_bits_and_faults(void **state)
{
	struct t_sys t;
	struct t_pt pt;
	struct sim_fault f;
	uint64_t root, pa;
	uint8_t perm;

	t_sys_init(&t, true);
	pt = (struct t_pt){ .m = t.m, .next = TABLES };
	root = t_pt_alloc(&pt, 1);
	assert_int_equal(sim_part_set_stage2(t.p, root, vtcr(25, 1, 2)), 0);	/* 39 bits */
	t_w64(t.m, t_pt_slot(&pt, root, 1, 39, 0x1000, 3), 0x40001000 | D_PAGE | D_AF | S2_WR);
	t_w64(t.m, t_pt_slot(&pt, root, 1, 39, 0x2000, 3), 0x40002000 | D_PAGE | D_AF);
	t_w64(t.m, t_pt_slot(&pt, root, 1, 39, 0x3000, 3), 0x40003000 | D_PAGE | S2_RD);
	t_w64(t.m, t_pt_slot(&pt, root, 1, 39, 0x4000, 3), 0x40004000 | D_BLOCK | D_AF | S2_RD);
	t_w64(t.m, t_pt_slot(&pt, root, 1, 39, 0x200000, 2), 0x40200000 | D_BLOCK | S2_RD);
	t_w64(t.m, t_pt_slot(&pt, root, 1, 39, 0x400000, 2),
	      (1ull << 40) | D_BLOCK | D_AF | S2_RD);
	/* Write-only: S2AP 0b10. */
	assert_true(sim_mmu_stage2(t.p, 0x1000, SIM_ACC_WRITE, &pa, &perm, &f));
	assert_int_equal(perm, 2 | 4);
	expect_s2_fault(t.p, 0x1000, SIM_ACC_READ, SIM_FAULT_PERMISSION, 3);
	expect_s2_fault(t.p, 0x2000, SIM_ACC_READ, SIM_FAULT_PERMISSION, 3);
	assert_true(sim_mmu_stage2(t.p, 0x2000, SIM_ACC_EXEC, &pa, &perm, &f));
	expect_s2_fault(t.p, 0x3000, SIM_ACC_READ, SIM_FAULT_ACCESS_FLAG, 3);
	expect_s2_fault(t.p, 0x4000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 3);
	expect_s2_fault(t.p, 0x200000, SIM_ACC_READ, SIM_FAULT_ACCESS_FLAG, 2);
	expect_s2_fault(t.p, 0x400000, SIM_ACC_READ, SIM_FAULT_ADDRESS_SIZE, 2);
	expect_s2_fault(t.p, 0x8000000000ull, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 0);
	/* PS = 32 bits: the RAM is below 4 GiB and stays reachable. */
	t.p->vtcr = vtcr(25, 1, 0);
	assert_true(sim_mmu_stage2(t.p, 0x1000, SIM_ACC_WRITE, &pa, &perm, &f));
	t_sys_fini(&t);
}

static void s2_start_levels(void **state)
{
	struct t_sys t;
	struct t_pt pt;
	struct sim_fault f;
	uint64_t root, pa;
	uint8_t perm;

	t_sys_init(&t, true);
	pt = (struct t_pt){ .m = t.m, .next = TABLES };
	/* 32-bit IPA starting at level 2: 2048 entries, four concatenated tables. */
	root = t_pt_alloc(&pt, 4);
	assert_int_equal(sim_part_set_stage2(t.p, root, vtcr(32, 0, 2)), 0);
	t_w64(t.m, t_pt_slot(&pt, root, 2, 32, 0xffe00000, 2),
	      0x40e00000 | D_BLOCK | D_AF | S2_NORMAL | S2_RD | S2_WR);
	assert_int_equal(t_r64(t.m, root + 2047 * 8) & 3, 1);
	assert_true(sim_mmu_stage2(t.p, 0xffe12345, SIM_ACC_READ, &pa, &perm, &f));
	assert_int_equal(pa, 0x40e12345);
	/* Inconsistent start levels: level-0 translation faults. */
	t.p->vtcr = vtcr(32, 2, 2);			/* level 0 needs a 44-bit PA */
	expect_s2_fault(t.p, 0xffe12345, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 0);
	t.p->vtcr = vtcr(32, 3, 2);			/* level 3 needs FEAT_TTST */
	expect_s2_fault(t.p, 0xffe12345, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 0);
	t.p->vtcr = vtcr(39, 1, 2);			/* 25 bits cannot start at L1 */
	expect_s2_fault(t.p, 0x1000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 0);
	t.p->vtcr = vtcr(20, 1, 2);			/* IPA wider than the PA */
	expect_s2_fault(t.p, 0x1000, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 0);
	t.p->vtcr = vtcr(32, 0, 2) | 1ull << 14;	/* 64 KiB granule */
	expect_s2_fault(t.p, 0xffe12345, SIM_ACC_READ, SIM_FAULT_TRANSLATION, 0);
	/* Root outside RAM: external abort on the walk. */
	t.p->vtcr = vtcr(32, 0, 2);
	t.p->s2_root = 0x20000000;
	memset(&f, 0, sizeof(f));
	assert_false(sim_mmu_stage2(t.p, 0xffe12345, SIM_ACC_READ, &pa, &perm, &f));
	assert_int_equal(f.type, SIM_FAULT_EXTERNAL);
	assert_true(f.walk);
	assert_int_equal(f.level, 2);
	t.p->s2_root = 1ull << 40;
	expect_s2_fault(t.p, 0xffe12345, SIM_ACC_READ, SIM_FAULT_ADDRESS_SIZE, 0);
	t_sys_fini(&t);
}

/* ---- both stages --------------------------------------------------------------------------- */

/*
 * Stage 2: IPA 0x4000_0000 + 16 MiB -> PA likewise with 4 KiB pages (so the stage-1
 * tables, which live at IPAs in that range, are reachable), except where a test
 * overrides a page.
 */
static uint64_t s2_identity(struct fx *x, uint64_t *s2root)
{
	uint64_t root = t_pt_alloc(&x->pt, 1);

	for (uint64_t a = T_RAM_BASE; a < T_RAM_BASE + T_RAM_SIZE; a += 0x1000)
		t_w64(x->t.m, t_pt_slot(&x->pt, root, 1, 39, a, 3),
		      a | D_PAGE | D_AF | S2_NORMAL | S2_RD | S2_WR);
	assert_int_equal(sim_part_set_stage2(x->t.p, root, vtcr(25, 1, 2)), 0);
	*s2root = root;
	return root;
}

static void s1_and_s2_combined(void **state)
{
	struct fx x;
	struct sim_tlb_entry e;
	struct sim_fault f;
	uint64_t s2root, slot;

	fx_init(&x, true);
	s2_identity(&x, &s2root);
	/* Stage-1 2 MiB block over stage-2 4 KiB pages. */
	map0(&x, 0x00200000, 2, 0x40600000 | D_BLOCK | D_AF | D_ATTR(1) | D_AP_EL0);
	assert_true(xlate(&x, 0x00212345, SIM_ACC_WRITE, &e, &f));
	assert_int_equal(e.ipa, 0x40612000);
	assert_int_equal(e.pa, 0x40612000);
	assert_int_equal(e.block_shift, 21);	/* the stage-1 size, for TLBI by VA */
	assert_int_equal(e.s2perm, 7);
	assert_int_equal(PERMS(e), ALL_R | ALL_W | SIM_TLB_X_EL0);
	assert_int_equal(e.ctx, (3u << 16) | 5);
	/* Stage 2 read-only and Device on one page of the block. */
	slot = t_pt_slot(&x.pt, s2root, 1, 39, 0x40613000, 3);
	t_w64(x.t.m, slot, 0x40613000 | D_PAGE | D_AF | S2_DEVICE | S2_RD);
	assert_true(xlate(&x, 0x00213000, SIM_ACC_READ, &e, &f));
	assert_int_equal(PERMS(e), ALL_R | SIM_TLB_X_EL0);	/* the intersection */
	assert_true(e.perm & SIM_TLB_DEVICE);
	assert_int_equal(e.s2perm, 5);
	assert_false(xlate(&x, 0x00213008, SIM_ACC_WRITE, &e, &f));
	assert_int_equal(f.type, SIM_FAULT_PERMISSION);
	assert_int_equal(f.stage, 2);
	assert_int_equal(f.level, 3);
	assert_int_equal(f.ipa, 0x40613008);
	assert_false(f.s1ptw);
	/* Output IPA with nothing at stage 2: the full IPA is reported. */
	map0(&x, 0x00400000, 3, 0x7f000000 | D_PAGE | D_AF | D_ATTR(1));
	assert_false(xlate(&x, 0x00400abc, SIM_ACC_READ, &e, &f));
	assert_int_equal(f.type, SIM_FAULT_TRANSLATION);
	assert_int_equal(f.stage, 2);
	assert_int_equal(f.level, 2);
	assert_int_equal(f.ipa, 0x7f000abc);
	/* A stage-1 permission fault comes before stage 2 looks at the output. */
	map0(&x, 0x00401000, 3, 0x7f001000 | D_PAGE | D_AF | D_ATTR(1) | D_AP_RO);
	expect_fault(&x, 0x00401000, SIM_ACC_WRITE, SIM_FAULT_PERMISSION, 1, 3);
	t_sys_fini(&x.t);
}

static void s1_table_unmapped_at_s2(void **state)
{
	struct fx x;
	struct sim_tlb_entry e;
	struct sim_fault f;
	uint64_t s2root, l2, l2_ipa_slot;

	fx_init(&x, true);
	s2_identity(&x, &s2root);
	map0(&x, 0x12345000, 3, 0x40234000 | D_PAGE | D_AF | D_ATTR(1));
	assert_true(xlate(&x, 0x12345000, SIM_ACC_READ, &e, &f));
	/* Take the level-2 table's page away at stage 2. */
	l2 = t_r64(x.t.m, t_pt_slot(&x.pt, x.root0, 1, 39, 0x12345000, 1)) & 0xfffffffff000ull;
	l2_ipa_slot = t_pt_slot(&x.pt, s2root, 1, 39, l2, 3);
	t_w64(x.t.m, l2_ipa_slot, 0);
	assert_false(xlate(&x, 0x12345000, SIM_ACC_READ, &e, &f));
	assert_int_equal(f.type, SIM_FAULT_TRANSLATION);
	assert_int_equal(f.stage, 2);
	assert_true(f.s1ptw);
	assert_int_equal(f.level, 3);
	assert_int_equal(f.ipa, l2 + ((0x12345000 >> 21) & 511) * 8);
	/* Mapped but not readable at stage 2: a permission fault on the walk. */
	t_w64(x.t.m, l2_ipa_slot, l2 | D_PAGE | D_AF | S2_NORMAL | S2_WR);
	assert_false(xlate(&x, 0x12345000, SIM_ACC_READ, &e, &f));
	assert_int_equal(f.type, SIM_FAULT_PERMISSION);
	assert_true(f.s1ptw);
	t_sys_fini(&x.t);
}

/* ---- AT ------------------------------------------------------------------------------------- */

static uint64_t at(struct fx *x, uint64_t va, unsigned acc, unsigned el)
{
	struct sim_fault f;
	uint64_t par = 0;

	assert_true(sim_mmu_at(x->t.c, va, acc, el, &par, &f));
	return par;
}

static void at_par_values(void **state)
{
	struct fx x;
	struct sim_fault f;
	uint64_t par, s2root;

	fx_init(&x, false);
	map0(&x, 0x12345000, 3, 0x40234000 | D_PAGE | D_AF | D_ATTR(1) | D_SH_IS | D_NG);
	map0(&x, 0x12346000, 3, 0x40235000 | D_PAGE | D_AF | D_ATTR(0) | D_SH_IS);
	map0(&x, 0x12347000, 3, 0x40236000 | D_PAGE | D_AF | D_ATTR(2) | D_AP_RO | D_AP_EL0);
	/* ATTR 0xff, PA, bit 11 RES1, NS, SH inner. */
	assert_int_equal(at(&x, 0x12345678, SIM_ACC_READ, 1), 0xff00000040234b80ull);
	/* Device and Normal-NC report Outer Shareable. */
	assert_int_equal(at(&x, 0x12346000, SIM_ACC_READ, 1), 0x0000000040235b00ull);
	assert_int_equal(at(&x, 0x12347000, SIM_ACC_READ, 0), 0x4400000040236b00ull);
	/* Faults: F, FST, RES1 bit 11. */
	assert_int_equal(at(&x, 0x12345000, SIM_ACC_READ, 0), 0x81full);	/* perm L3 */
	assert_int_equal(at(&x, 0x12347000, SIM_ACC_WRITE, 1), 0x81full);
	assert_int_equal(at(&x, 0x20000000, SIM_ACC_READ, 1), 0x80dull);	/* trans L2 */
	assert_int_equal(at(&x, 0x8000000000ull, SIM_ACC_READ, 1), 0x809ull);	/* L0 */
	/* MMU off: flat, Device-nGnRnE, Outer Shareable. */
	x.t.c->sysreg[SR_SCTLR_EL1] &= ~1ull;
	assert_int_equal(at(&x, 0x12345678, SIM_ACC_WRITE, 1), 0x12345b00ull);
	assert_int_equal(at(&x, 1ull << 40, SIM_ACC_WRITE, 1), 0x801ull);	/* AS L0 */
	t_sys_fini(&x.t);

	/* A stage-2 fault on the walk is not reported in PAR. */
	fx_init(&x, true);
	s2_identity(&x, &s2root);
	x.t.c->sysreg[SR_TTBR0_EL1] = 0x7f000000;
	assert_false(sim_mmu_at(x.t.c, 0x1000, SIM_ACC_READ, 1, &par, &f));
	assert_int_equal(f.stage, 2);
	assert_true(f.s1ptw);
	assert_int_equal(f.ipa, 0x7f000000);
	t_sys_fini(&x.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mmu_off_is_flat),
		cmocka_unit_test(s1_page_walk),
		cmocka_unit_test(s1_blocks),
		cmocka_unit_test(s1_48bit_and_ttbr1),
		cmocka_unit_test(s1_va_range_epd_tbi),
		cmocka_unit_test(s1_unsupported_config),
		cmocka_unit_test(s1_faults_at_each_level),
		cmocka_unit_test(s1_address_size_faults),
		cmocka_unit_test(s1_walk_outside_ram),
		cmocka_unit_test(s1_permission_matrix),
		cmocka_unit_test(s1_table_attributes),
		cmocka_unit_test(s1_permission_faults),
		cmocka_unit_test(s2_concatenated_40bit),
		cmocka_unit_test(s2_leaf_bits_and_faults),
		cmocka_unit_test(s2_start_levels),
		cmocka_unit_test(s1_and_s2_combined),
		cmocka_unit_test(s1_table_unmapped_at_s2),
		cmocka_unit_test(at_par_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
