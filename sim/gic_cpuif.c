// SPDX-License-Identifier: MIT
/*
 * GICv3 CPU interface: the ICC_*_EL1 system registers of the CPU that executes the
 * MRS/MSR (IHI 0069, chapter 12.2). State lives in struct sim_cpu.gic.
 *
 * Return values follow sim_sysreg_read/write: -ENOENT for an encoding that is not a GIC
 * register here, which the caller turns into UNDEFINED. That covers: any ICC register
 * when the partition has no GIC; any access from EL0 (all ICC_*_EL1 are EL1 registers);
 * MRS of a write-only register (EOIR, DIR, SGI*R) and MSR of a read-only one (IAR,
 * HPPIR, RPR); ICC_AP0R1-3 and ICC_AP1R1-3, which do not exist with 5 priority bits.
 */
#include "sim/gic_priv.h"

#define ICC(crm, op2)	(SIM_REG_SYS(3, 0, 12, crm, op2) & 0xffffu)
#define ICC_PMR_EL1	(SIM_REG_SYS(3, 0, 4, 6, 0) & 0xffffu)
#define ICC_IAR0_EL1	ICC(8, 0)
#define ICC_EOIR0_EL1	ICC(8, 1)
#define ICC_HPPIR0_EL1	ICC(8, 2)
#define ICC_BPR0_EL1	ICC(8, 3)
#define ICC_AP0R0_EL1	ICC(8, 4)
#define ICC_AP1R0_EL1	ICC(9, 0)
#define ICC_DIR_EL1	ICC(11, 1)
#define ICC_RPR_EL1	ICC(11, 3)
#define ICC_SGI1R_EL1	ICC(11, 5)
#define ICC_ASGI1R_EL1	ICC(11, 6)
#define ICC_SGI0R_EL1	ICC(11, 7)
#define ICC_IAR1_EL1	ICC(12, 0)
#define ICC_EOIR1_EL1	ICC(12, 1)
#define ICC_HPPIR1_EL1	ICC(12, 2)
#define ICC_BPR1_EL1	ICC(12, 3)
#define ICC_CTLR_EL1	ICC(12, 4)
#define ICC_SRE_EL1	ICC(12, 5)
#define ICC_IGRPEN0_EL1	ICC(12, 6)
#define ICC_IGRPEN1_EL1	ICC(12, 7)

/* ICC_SRE_EL1: SRE, DFB and DIB are all RAO/WI (no memory-mapped CPU interface). */
#define ICC_SRE_VALUE	0x7u
/* INTID fields of EOIR/DIR: 24 bits, of which 16 are meaningful (IDbits = 0). */
#define ICC_INTID_MASK	0xffffffu

typedef uint64_t (*icc_read_fn)(struct sim_gic *g, struct sim_cpu *c);
typedef void (*icc_write_fn)(struct sim_gic *g, struct sim_cpu *c, uint64_t val);

/* ---- reads -------------------------------------------------------------------------------- */

static uint64_t icc_read_pmr(struct sim_gic *g, struct sim_cpu *c)
{
	return c->gic.pmr;
}

static uint64_t icc_read_iar0(struct sim_gic *g, struct sim_cpu *c)
{
	return gic_acknowledge(g, c, 0);
}

static uint64_t icc_read_iar1(struct sim_gic *g, struct sim_cpu *c)
{
	return gic_acknowledge(g, c, 1);
}

static uint64_t icc_hppir(struct sim_gic *g, struct sim_cpu *c, unsigned group)
{
	struct gic_hppi h;

	gic_hppi(g, c, &h);
	return h.intid != GIC_INTID_SPURIOUS && h.group == group ? h.intid : GIC_INTID_SPURIOUS;
}

static uint64_t icc_read_hppir0(struct sim_gic *g, struct sim_cpu *c)
{
	return icc_hppir(g, c, 0);
}

static uint64_t icc_read_hppir1(struct sim_gic *g, struct sim_cpu *c)
{
	return icc_hppir(g, c, 1);
}

static uint64_t icc_read_bpr0(struct sim_gic *g, struct sim_cpu *c)
{
	return gic_bpr0(c);
}

static uint64_t icc_read_bpr1(struct sim_gic *g, struct sim_cpu *c)
{
	return gic_bpr1(c);
}

static uint64_t icc_read_ap0r0(struct sim_gic *g, struct sim_cpu *c)
{
	return c->gic.ap0r[0];
}

static uint64_t icc_read_ap1r0(struct sim_gic *g, struct sim_cpu *c)
{
	return c->gic.ap1r[0];
}

static uint64_t icc_read_rpr(struct sim_gic *g, struct sim_cpu *c)
{
	return gic_running_priority(c);
}

static uint64_t icc_read_ctlr(struct sim_gic *g, struct sim_cpu *c)
{
	/*
	 * PRIbits = 4 (5 bits), IDbits = 0 (16-bit INTIDs), SEIS, A3V, RSS, ExtRange and
	 * PMHE all 0.
	 */
	return (c->gic.ctlr & (ICC_CTLR_CBPR | ICC_CTLR_EOIMODE)) |
	       (uint64_t)(GIC_PRI_BITS - 1) << ICC_CTLR_PRIBITS_SHIFT;
}

static uint64_t icc_read_sre(struct sim_gic *g, struct sim_cpu *c)
{
	return ICC_SRE_VALUE;
}

static uint64_t icc_read_igrpen0(struct sim_gic *g, struct sim_cpu *c)
{
	return c->gic.igrpen0;
}

static uint64_t icc_read_igrpen1(struct sim_gic *g, struct sim_cpu *c)
{
	return c->gic.igrpen1;
}

/* ---- writes ------------------------------------------------------------------------------- */

static void icc_write_pmr(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
	c->gic.pmr = (uint8_t)(val & GIC_PRI_MASK);
	gic_update_one(g, c);
}

static void icc_write_eoir0(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
	gic_eoi(g, c, 0, (unsigned)(val & ICC_INTID_MASK));
}

static void icc_write_eoir1(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
	gic_eoi(g, c, 1, (unsigned)(val & ICC_INTID_MASK));
}

static void icc_write_dir(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
	unsigned intid = (unsigned)(val & ICC_INTID_MASK);

	/* With EOImode 0 a DIR write is UNPREDICTABLE; ignoring it is permitted. */
	if ((c->gic.ctlr & ICC_CTLR_EOIMODE) && intid < 1020)
		gic_deactivate(g, c, intid, -1);
}

static void icc_write_bpr0(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
	/* A value below the minimum becomes the minimum. */
	c->gic.bpr0 = (uint8_t)((val & 7) < GIC_MIN_BPR0 ? GIC_MIN_BPR0 : (val & 7));
	gic_update_one(g, c);
}

static void icc_write_bpr1(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
	if (c->gic.ctlr & ICC_CTLR_CBPR)
		return;		/* BPR1 is an alias of BPR0 + 1: writes are ignored */
	c->gic.bpr1 = (uint8_t)((val & 7) < GIC_MIN_BPR1 ? GIC_MIN_BPR1 : (val & 7));
	gic_update_one(g, c);
}

static void icc_write_ap0r0(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
	c->gic.ap0r[0] = (uint32_t)val;
	gic_update_one(g, c);
}

static void icc_write_ap1r0(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
	c->gic.ap1r[0] = (uint32_t)val;
	gic_update_one(g, c);
}

static void icc_write_sgi1r(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
	gic_generate_sgi(g, c, val, true);
}

static void icc_write_sgi0r(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
	/* ASGI1R shares this: with DS == 1 there is no other Security state's Group 1. */
	gic_generate_sgi(g, c, val, false);
}

static void icc_write_ctlr(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
	c->gic.ctlr = (uint32_t)val & (ICC_CTLR_CBPR | ICC_CTLR_EOIMODE);
	gic_update_one(g, c);
}

static void icc_write_sre(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
}

static void icc_write_igrpen0(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
	c->gic.igrpen0 = val & 1;
	gic_update_all(g);	/* 1-of-N eligibility may move */
}

static void icc_write_igrpen1(struct sim_gic *g, struct sim_cpu *c, uint64_t val)
{
	c->gic.igrpen1 = val & 1;
	gic_update_all(g);
}

/* ---- dispatch ----------------------------------------------------------------------------- */

struct icc_reg {
	uint32_t enc;
	icc_read_fn read;	/* NULL: write-only */
	icc_write_fn write;	/* NULL: read-only */
};

static const struct icc_reg icc_regs[] = {
	{ ICC_PMR_EL1,		icc_read_pmr,		icc_write_pmr },
	{ ICC_IAR0_EL1,		icc_read_iar0,		NULL },
	{ ICC_EOIR0_EL1,	NULL,			icc_write_eoir0 },
	{ ICC_HPPIR0_EL1,	icc_read_hppir0,	NULL },
	{ ICC_BPR0_EL1,		icc_read_bpr0,		icc_write_bpr0 },
	{ ICC_AP0R0_EL1,	icc_read_ap0r0,		icc_write_ap0r0 },
	{ ICC_AP1R0_EL1,	icc_read_ap1r0,		icc_write_ap1r0 },
	{ ICC_DIR_EL1,		NULL,			icc_write_dir },
	{ ICC_RPR_EL1,		icc_read_rpr,		NULL },
	{ ICC_SGI1R_EL1,	NULL,			icc_write_sgi1r },
	{ ICC_ASGI1R_EL1,	NULL,			icc_write_sgi0r },
	{ ICC_SGI0R_EL1,	NULL,			icc_write_sgi0r },
	{ ICC_IAR1_EL1,		icc_read_iar1,		NULL },
	{ ICC_EOIR1_EL1,	NULL,			icc_write_eoir1 },
	{ ICC_HPPIR1_EL1,	icc_read_hppir1,	NULL },
	{ ICC_BPR1_EL1,		icc_read_bpr1,		icc_write_bpr1 },
	{ ICC_CTLR_EL1,		icc_read_ctlr,		icc_write_ctlr },
	{ ICC_SRE_EL1,		icc_read_sre,		icc_write_sre },
	{ ICC_IGRPEN0_EL1,	icc_read_igrpen0,	icc_write_igrpen0 },
	{ ICC_IGRPEN1_EL1,	icc_read_igrpen1,	icc_write_igrpen1 },
};

/* The register for enc if c may access it at all (GIC present, EL1), else NULL. */
static const struct icc_reg *icc_find(struct sim_cpu *c, uint32_t enc)
{
	if (!c->part || !c->part->gic || c->el == 0)
		return NULL;
	for (size_t i = 0; i < sizeof(icc_regs) / sizeof(icc_regs[0]); i++)
		if (icc_regs[i].enc == enc)
			return &icc_regs[i];
	return NULL;
}

int sim_gic_sysreg_read(struct sim_cpu *c, uint32_t enc, uint64_t *val)
{
	const struct icc_reg *r = icc_find(c, enc);

	if (!r || !r->read)
		return -ENOENT;
	*val = r->read(c->part->gic, c);
	return 0;
}

int sim_gic_sysreg_write(struct sim_cpu *c, uint32_t enc, uint64_t val)
{
	const struct icc_reg *r = icc_find(c, enc);

	if (!r || !r->write)
		return -ENOENT;
	r->write(c->part->gic, c, val);
	return 0;
}
