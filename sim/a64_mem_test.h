/* SPDX-License-Identifier: MIT */
/*
 * Fixture of the A64 load/store unit tests (a64_ldst_test.c, a64_atomic_test.c): the
 * system-test machine (sys_test_util.h: 16 MiB of RAM at 0x4000_0000, stage 2 off, one
 * CPU at EL1h) with stage 1 on and four 1 GiB identity-style blocks:
 *
 *   VA 0x0000_0000  -> PA 0x0000_0000  Device-nGnRnE, EL1 RW (MMIO tests)
 *   VA 0x4000_0000  -> PA 0x4000_0000  Normal, EL0 and EL1 RW (RAM)
 *   VA 0x8000_0000  -> PA 0x4000_0000  Normal, read-only at EL0 and EL1
 *   VA 0xc000_0000  -> PA 0x4000_0000  Normal, EL1 RW, no EL0 access
 *
 * Instructions run one at a time: sim_decode_ldst() then the handler, no run loop.
 * Expected values come from the Arm ARM pseudocode, worked out by hand in the tests.
 */
#ifndef AVF_SIM_A64_MEM_TEST_H
#define AVF_SIM_A64_MEM_TEST_H

#include "sim/sys_test_util.h"

#define MT_DATA		0x40200000ull	/* data area used by the tests */
#define MT_CODE		0x40100000ull	/* PC while a test instruction runs */
#define MT_TABLES	0x40800000ull
#define MT_RAM_END	(T_RAM_BASE + T_RAM_SIZE)
#define MT_RO(va)	((va) + 0x40000000ull)	/* read-only alias of RAM address va */
#define MT_EL1(va)	((va) + 0x80000000ull)	/* EL1-only alias */
#define MT_MMIO		0x0a000000ull	/* a device handler's region (mt_add_mmio) */
#define MT_NOTHING	0x09000000ull	/* device space nothing claims: MMIO exits */

#define MT_SCTLR_A	(1ull << 1)
#define MT_SCTLR_SA	(1ull << 3)
#define MT_SCTLR_SA0	(1ull << 4)

/* ESR fields. */
#define MT_EC(esr)	((uint32_t)(esr) >> 26)
#define MT_DFSC(esr)	((esr) & 0x3f)
#define MT_WNR		(1u << 6)
#define MT_DFSC_ALIGN	0x21
#define MT_DFSC_EXT	0x10

struct mt {
	struct t_sys t;
	struct sim_cpu *c;
	struct t_pt pt;
	uint64_t root;
};

static inline void mt_map(struct mt *x, uint64_t va, uint64_t pa, uint64_t attrs)
{
	t_w64(x->t.m, t_pt_slot(&x->pt, x->root, 1, 39, va, 1), pa | attrs | D_BLOCK | D_AF);
}

/* Stage 1 for cpu c: 39-bit VA, MAIR 0 = Device-nGnRnE, 1 = Normal WB. */
static inline void mt_mmu_on(struct mt *x, struct sim_cpu *c)
{
	c->sysreg[SR_TCR_EL1] = 25ull | 25ull << 16 | 2ull << 30 | 2ull << 32;
	c->sysreg[SR_MAIR_EL1] = 0xff00ull;
	c->sysreg[SR_TTBR0_EL1] = x->root;
	c->sysreg[SR_SCTLR_EL1] = (c->sysreg[SR_SCTLR_EL1] & ~(MT_SCTLR_A | MT_SCTLR_SA |
							     MT_SCTLR_SA0)) | 1;
	sim_update_ctx(c);
	sim_tlb_flush_all(c);
}

static inline void mt_init(struct mt *x)
{
	memset(x, 0, sizeof(*x));
	t_sys_init(&x->t, false);
	x->c = x->t.c;
	x->pt = (struct t_pt){ .m = x->t.m, .next = MT_TABLES };
	x->root = t_pt_alloc(&x->pt, 1);
	mt_map(x, 0, 0, D_ATTR(0));
	mt_map(x, T_RAM_BASE, T_RAM_BASE, D_ATTR(1) | D_AP_EL0 | D_SH_IS);
	mt_map(x, MT_RO(T_RAM_BASE), T_RAM_BASE, D_ATTR(1) | D_AP_EL0 | D_AP_RO | D_SH_IS);
	mt_map(x, MT_EL1(T_RAM_BASE), T_RAM_BASE, D_ATTR(1) | D_SH_IS);
	mt_mmu_on(x, x->c);
	x->c->sysreg[SR_VBAR_EL1] = 0x40010000;
}

static inline void mt_fini(struct mt *x)
{
	t_sys_fini(&x->t);
}

/* Decode (the ldst decoder must accept insn) and run once at MT_CODE. */
static inline void mt_exec_on(struct sim_cpu *c, uint32_t insn)
{
	struct sim_insn in;

	if (!sim_decode_ldst(insn, &in))
		fail_msg("%08x: not decoded", insn);
	c->pc = MT_CODE;
	c->exit_pending = false;
	c->mmio_pending = false;
	in.fn(c, &in);
}

static inline void mt_exec(struct mt *x, uint32_t insn)
{
	mt_exec_on(x->c, insn);
}

/* The instruction completed: PC advanced, no exception, no exit. */
static inline void mt_expect_done(struct mt *x)
{
	assert_false(x->c->exit_pending);
	assert_int_equal(x->c->pc, MT_CODE + 4);
}

/* The instruction raised a synchronous exception with class ec (ELR = its address). */
static inline uint32_t mt_expect_exception(struct mt *x, unsigned ec)
{
	uint32_t esr = (uint32_t)x->c->sysreg[SR_ESR_EL1];

	assert_false(x->c->exit_pending);
	assert_int_not_equal(x->c->pc, MT_CODE + 4);
	assert_int_equal(x->c->sysreg[SR_ELR_EL1], MT_CODE);
	assert_int_equal(MT_EC(esr), ec);
	x->c->sysreg[SR_ESR_EL1] = 0;
	x->c->pc = MT_CODE;
	return esr;
}

/* A data abort at the current EL; returns ESR_EL1. */
static inline uint32_t mt_expect_dabt(struct mt *x, uint64_t far, unsigned dfsc, bool wnr)
{
	uint32_t esr = mt_expect_exception(x, SIM_EC_DABT_CUR);

	assert_int_equal(x->c->sysreg[SR_FAR_EL1], far);
	assert_int_equal(MT_DFSC(esr), dfsc);
	assert_int_equal(!!(esr & MT_WNR), wnr);
	return esr;
}

static inline void mt_w8(struct mt *x, uint64_t pa, uint8_t v)
{
	assert_int_equal(sim_phys_write(x->t.m, pa, &v, 1), 0);
}

static inline uint32_t mt_r32(struct mt *x, uint64_t pa)
{
	uint32_t v = 0;

	assert_int_equal(sim_phys_read(x->t.m, pa, &v, 4), 0);
	return v;
}

/* A device handler that records its last access and reads a fixed pattern. */
struct mt_dev {
	unsigned reads, writes;
	uint64_t offset, value;
	unsigned size;
};

static int mt_dev_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	struct mt_dev *d = opaque;

	d->reads++;
	d->offset = offset;
	d->size = size;
	*val = 0x8899aabbccddeeffull & (size == 8 ? ~0ull : (1ull << (size * 8)) - 1);
	return 0;
}

static int mt_dev_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct mt_dev *d = opaque;

	d->writes++;
	d->offset = offset;
	d->size = size;
	d->value = val;
	return 0;
}

static inline void mt_add_mmio(struct mt *x, struct mt_dev *d)
{
	static const struct sim_mmio_ops ops = { .read = mt_dev_read, .write = mt_dev_write };

	memset(d, 0, sizeof(*d));
	assert_int_equal(sim_part_add_mmio(x->t.p, MT_MMIO, 0x1000, &ops, d), 0);
}

/* Every word must be refused by sim_decode_ldst(). */
static inline void a64_expect_undef_ldst(const uint32_t *words, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct sim_insn in;

		if (sim_decode_ldst(words[i], &in))
			fail_msg("%08x decoded, but it is UNDEFINED here", words[i]);
	}
}

#endif /* AVF_SIM_A64_MEM_TEST_H */
