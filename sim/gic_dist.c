// SPDX-License-Identifier: MIT
/*
 * GICv3 distributor: the 64 KiB GICD frame (IHI 0069, chapter 12.9).
 *
 * Access sizes: every register takes 32-bit accesses; GICD_IPRIORITYR<n> also takes
 * bytes; GICD_IROUTER<n> takes 64-bit accesses and 32-bit accesses to either half.
 * Any other size, a misaligned access, a reserved offset and the registers this GIC
 * does not implement (SGIR, ITARGETSR, CPENDSGIR/SPENDSGIR with affinity routing,
 * SETSPI/CLRSPI without MBIS, extended SPI ranges) read as zero and ignore writes. With
 * ARE set, the SGI/PPI words of the banked registers (IGROUPR0, ISENABLER0, ...,
 * IPRIORITYR0-7, ICFGR0-1, IROUTER0-31) are RAZ/WI too: they live in the redistributors.
 * GICD_STATUSR is the optional error-record register; this distributor records no
 * errors, and the architecture makes the register RAZ/WI then.
 * Accesses never fail (the handler returns 0): a bad access is the guest's problem.
 */
#include "sim/gic_priv.h"

#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IIDR	0x0008
#define GICD_IROUTER	0x6000
#define GICD_IROUTER_END 0x8000

/* IDbits: INTIDs are 10 bits wide (0..1023); the field holds bits - 1. */
#define GICD_TYPER_IDBITS	(9u << 19)

/* Bits of SPI bank n that name implemented interrupts; 0 for the SGI/PPI bank. */
static uint32_t dist_bank_valid(const struct sim_gic *g, unsigned n)
{
	unsigned first = n * 32, end = gic_nr_intids(g);

	if (n == 0 || n >= GIC_NR_BANKS || first >= end)
		return 0;
	if (end - first >= 32)
		return ~0u;
	return (1u << (end - first)) - 1;
}

static uint32_t dist_typer(const struct sim_gic *g)
{
	uint32_t lines = (gic_nr_intids(g) + 31) / 32 - 1;

	/*
	 * ITLinesNumber from the SPI count; IDbits; CPUNumber 0 (no PE uses legacy
	 * non-affinity routing); SecurityExtn, MBIS, LPIS, DVIS, A3V, RSS and ESPI all 0;
	 * No1N 0 (1-of-N routing is supported).
	 */
	return lines | GICD_TYPER_IDBITS;
}

uint32_t gic_id_reg(uint64_t offset)
{
	switch (offset) {
	case 0xffd0: return 0x04;	/* PIDR4: JEP106 continuation code of Arm */
	case 0xffe0: return 0x00;	/* PIDR0: part number [7:0] */
	case 0xffe4: return 0xb0;	/* PIDR1: JEP106 identity [3:0], part [11:8] */
	case 0xffe8: return GIC_PIDR2;	/* PIDR2: ArchRev = 3, JEP106 used */
	case 0xfff0: return 0x0d;	/* CIDR0..3: the component identification preamble */
	case 0xfff4: return 0xf0;
	case 0xfff8: return 0x05;
	case 0xfffc: return 0xb1;
	}
	return 0;
}

static uint64_t dist_read_irouter(const struct sim_gic *g, uint64_t offset, unsigned size)
{
	unsigned intid = (unsigned)((offset - GICD_IROUTER) / 8);
	uint64_t v;

	if (intid < GIC_FIRST_SPI || intid >= gic_nr_intids(g))
		return 0;
	v = g->s.irouter[intid];
	if (size == 8)
		return v;
	return (offset & 4) ? v >> 32 : (uint32_t)v;
}

static void dist_write_irouter(struct sim_gic *g, uint64_t offset, unsigned size, uint64_t val)
{
	unsigned intid = (unsigned)((offset - GICD_IROUTER) / 8);
	uint64_t *r = &g->s.irouter[intid];

	if (intid < GIC_FIRST_SPI || intid >= gic_nr_intids(g))
		return;
	if (size == 4)
		val = (offset & 4) ? (val << 32) | (uint32_t)*r : (*r & ~0xffffffffull) | (uint32_t)val;
	*r = val & (GICD_IROUTER_AFF_MASK | GICD_IROUTER_IRM);
	gic_update_all(g);
}

/* IPRIORITYR: bytes or words; SPIs only. */
static uint64_t dist_read_prio(struct sim_gic *g, uint64_t offset, unsigned size)
{
	unsigned first = (unsigned)(offset - GIC_REG_IPRIORITYR);
	unsigned n = first / 32;

	if (!dist_bank_valid(g, n))
		return 0;
	return gic_bank_read_prio(&g->s.spi[n], first % 32, size);
}

static void dist_write_prio(struct sim_gic *g, uint64_t offset, unsigned size, uint64_t val)
{
	unsigned first = (unsigned)(offset - GIC_REG_IPRIORITYR);
	unsigned n = first / 32;
	uint32_t valid = dist_bank_valid(g, n);

	if (!valid)
		return;
	gic_bank_write_prio(&g->s.spi[n], first % 32, size, val, valid);
	gic_update_all(g);
}

static uint32_t dist_read32(struct sim_gic *g, uint64_t offset)
{
	if (offset >= GIC_REG_IGROUPR && offset < GIC_REG_IPRIORITYR) {
		unsigned n = (offset & 0x7f) / 4;

		return gic_bank_read_bits(&g->s.spi[n], offset & ~0x7full) &
		       dist_bank_valid(g, n);
	}
	if (offset >= GIC_REG_ICFGR && offset < GIC_REG_IGRPMODR) {
		unsigned k = (unsigned)(offset - GIC_REG_ICFGR) / 4;

		if (!dist_bank_valid(g, k / 2))
			return 0;
		/* Writes honour the valid mask, so absent interrupts read as 0. */
		return gic_bank_read_cfg(&g->s.spi[k / 2], k % 2);
	}
	switch (offset) {
	case GICD_CTLR:
		/* ARE and DS are RAO/WI; RWP is 0: writes take effect at once. */
		return g->s.ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
	case GICD_TYPER:
		return dist_typer(g);
	case GICD_IIDR:
		return GIC_IIDR;
	}
	if (offset >= 0xffd0)
		return gic_id_reg(offset);
	return 0;
}

static void dist_write32(struct sim_gic *g, uint64_t offset, uint32_t val)
{
	if (offset >= GIC_REG_IGROUPR && offset < GIC_REG_IPRIORITYR) {
		unsigned n = (offset & 0x7f) / 4;
		uint32_t valid = dist_bank_valid(g, n);

		if (!valid)
			return;
		gic_bank_write_bits(&g->s.spi[n], offset & ~0x7full, val, valid);
		gic_update_all(g);
		return;
	}
	if (offset >= GIC_REG_ICFGR && offset < GIC_REG_IGRPMODR) {
		unsigned k = (unsigned)(offset - GIC_REG_ICFGR) / 4;
		uint32_t valid = dist_bank_valid(g, k / 2);

		if (!valid)
			return;
		gic_bank_write_cfg(&g->s.spi[k / 2], k % 2, val, valid);
		gic_update_all(g);
		return;
	}
	if (offset == GICD_CTLR) {
		g->s.ctlr = val & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
		gic_update_all(g);
	}
	/* Everything else is read-only, reserved or not implemented: ignored. */
}

static int dist_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	struct sim_gic *g = opaque;

	*val = 0;
	if (offset >= GICD_IROUTER && offset < GICD_IROUTER_END) {
		if (gic_access_ok(offset, size, GIC_SZ32 | GIC_SZ64))
			*val = dist_read_irouter(g, offset, size);
	} else if (offset >= GIC_REG_IPRIORITYR && offset < 0x800) {
		if (gic_access_ok(offset, size, GIC_SZ8 | GIC_SZ32))
			*val = dist_read_prio(g, offset, size);
	} else if (gic_access_ok(offset, size, GIC_SZ32)) {
		*val = dist_read32(g, offset);
	}
	return 0;
}

static int dist_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct sim_gic *g = opaque;

	if (offset >= GICD_IROUTER && offset < GICD_IROUTER_END) {
		if (gic_access_ok(offset, size, GIC_SZ32 | GIC_SZ64))
			dist_write_irouter(g, offset, size, val);
	} else if (offset >= GIC_REG_IPRIORITYR && offset < 0x800) {
		if (gic_access_ok(offset, size, GIC_SZ8 | GIC_SZ32))
			dist_write_prio(g, offset, size, val);
	} else if (gic_access_ok(offset, size, GIC_SZ32)) {
		dist_write32(g, offset, (uint32_t)val);
	}
	return 0;
}

const struct sim_mmio_ops gic_dist_ops = {
	.read = dist_read,
	.write = dist_write,
};
