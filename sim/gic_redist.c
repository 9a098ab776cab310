// SPDX-License-Identifier: MIT
/*
 * GICv3 redistributors: one 128 KiB frame per CPU (RD_base, then SGI_base at +64 KiB),
 * frame i belonging to the CPU of index i (IHI 0069, chapter 12.10/12.11).
 *
 * One MMIO region covers every frame (see sim_gic_create()). A frame whose CPU does not
 * exist reads as zero and ignores writes; GICR_TYPER.Last marks the frame of the
 * highest-numbered existing CPU, where a driver's scan stops.
 *
 * Access sizes: 32-bit everywhere; GICR_TYPER (and the LPI base registers, RAZ/WI here)
 * also 64-bit; GICR_IPRIORITYR<n> also bytes. Other sizes, misaligned and reserved
 * offsets are RAZ/WI. No LPIs: GICR_CTLR.EnableLPIs, PROPBASER and PENDBASER are RAZ/WI;
 * DPG bits are not implemented (RAZ/WI; GICR_TYPER.DPGS = 0).
 */
#include "sim/gic_priv.h"

#define GICR_CTLR	0x0000
#define GICR_IIDR	0x0004
#define GICR_TYPER	0x0008
#define GICR_STATUSR	0x0010
#define GICR_WAKER	0x0014
#define GICR_ICFGR0	0x0c00
#define GICR_ICFGR1	0x0c04

#define GICR_TYPER_LAST	(1u << 4)

/* True if no existing CPU has an index between index and the end of the region. */
static bool rd_is_last(const struct sim_gic *g, unsigned index)
{
	const struct sim_part *p = g->part;

	for (unsigned i = 0; i < p->nr_cpus; i++) {
		unsigned other = p->cpus[i]->index;

		if (other > index && other < g->nr_rd_frames)
			return false;
	}
	return true;
}

static uint64_t rd_typer(const struct sim_gic *g, const struct sim_cpu *c)
{
	/* Affinity_Value is Aff3.Aff2.Aff1.Aff0 as one 32-bit field. */
	uint64_t aff = (c->mpidr & 0xffffff) | ((c->mpidr >> 32) & 0xff) << 24;
	uint64_t v = aff << 32 | (uint64_t)c->index << 8;

	if (rd_is_last(g, c->index))
		v |= GICR_TYPER_LAST;
	return v;
}

static uint64_t rd_base_read(struct sim_gic *g, struct sim_cpu *c, uint64_t off,
			     unsigned size)
{
	uint32_t waker;

	if (off == GICR_TYPER || off == GICR_TYPER + 4) {
		uint64_t v = rd_typer(g, c);

		if (size == 8)
			return v;
		return off & 4 ? v >> 32 : (uint32_t)v;
	}
	if (size != 4)
		return 0;	/* the LPI base registers and everything else: RAZ */
	switch (off) {
	case GICR_IIDR:
		return GIC_IIDR;
	case GICR_WAKER:
		/* The children go to sleep and wake with ProcessorSleep, at once. */
		waker = g->s.rd[c->index].waker;
		return waker & GICR_WAKER_PSLEEP ? waker | GICR_WAKER_CASLEEP : waker;
	}
	if (off >= 0xffd0)
		return gic_id_reg(off);
	/* GICR_CTLR (no LPIs, RWP/UWP 0), GICR_STATUSR (not implemented): 0. */
	return 0;
}

static void rd_base_write(struct sim_gic *g, struct sim_cpu *c, uint64_t off, unsigned size,
			  uint64_t val)
{
	if (off != GICR_WAKER || size != 4)
		return;
	g->s.rd[c->index].waker = (uint32_t)val & GICR_WAKER_PSLEEP;
	/* Waking or sleeping changes what this CPU is forwarded and 1-of-N eligibility. */
	gic_update_all(g);
}

static uint64_t sgi_base_read(struct sim_gic *g, struct sim_cpu *c, uint64_t off,
			      unsigned size)
{
	struct gic_bank *b = &g->s.rd[c->index].b;

	if (off >= GIC_REG_IPRIORITYR && off < GIC_REG_IPRIORITYR + 32)
		return gic_bank_read_prio(b, (unsigned)(off - GIC_REG_IPRIORITYR), size);
	if (size != 4)
		return 0;
	if (off >= GIC_REG_IGROUPR && off <= GIC_REG_ICACTIVER && !(off & 0x7f))
		return gic_bank_read_bits(b, (unsigned)off);
	if (off == GICR_ICFGR0 || off == GICR_ICFGR1)
		return gic_bank_read_cfg(b, off == GICR_ICFGR1);
	/* IGRPMODR0 and NSACR (one Security state), reserved space: RAZ. */
	return 0;
}

static void sgi_base_write(struct sim_gic *g, struct sim_cpu *c, uint64_t off, unsigned size,
			   uint64_t val)
{
	struct gic_bank *b = &g->s.rd[c->index].b;

	if (off >= GIC_REG_IPRIORITYR && off < GIC_REG_IPRIORITYR + 32) {
		gic_bank_write_prio(b, (unsigned)(off - GIC_REG_IPRIORITYR), size, val, ~0u);
	} else if (size != 4) {
		return;
	} else if (off >= GIC_REG_IGROUPR && off <= GIC_REG_ICACTIVER && !(off & 0x7f)) {
		gic_bank_write_bits(b, (unsigned)off, (uint32_t)val, ~0u);
	} else if (off == GICR_ICFGR1) {
		/* PPIs are configurable; ICFGR0 (SGIs, always edge) is read-only. */
		gic_bank_write_cfg(b, 1, (uint32_t)val, 0xffff0000u);
	} else {
		return;
	}
	gic_update_one(g, c);
}

/* Split an offset into its frame's CPU and the offset inside the frame; NULL if none. */
static struct sim_cpu *rd_locate(struct sim_gic *g, uint64_t offset, uint64_t *in_frame)
{
	uint64_t frame = offset / GIC_REDIST_STRIDE;

	*in_frame = offset % GIC_REDIST_STRIDE;
	if (frame >= g->nr_rd_frames)
		return NULL;
	return gic_cpu(g, (unsigned)frame);
}

/* Allowed sizes at an offset inside a frame. */
static unsigned rd_sizes(uint64_t off)
{
	if (off >= GIC_SGI_BASE + GIC_REG_IPRIORITYR && off < GIC_SGI_BASE + GIC_REG_IPRIORITYR + 32)
		return GIC_SZ8 | GIC_SZ32;
	if (off < GIC_SGI_BASE && off >= GICR_TYPER && off < GICR_STATUSR)
		return GIC_SZ32 | GIC_SZ64;
	if (off == 0x70 || off == 0x78)	/* GICR_PROPBASER, GICR_PENDBASER */
		return GIC_SZ32 | GIC_SZ64;
	return GIC_SZ32;
}

static int redist_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	struct sim_gic *g = opaque;
	struct sim_cpu *c;
	uint64_t off;

	*val = 0;
	c = rd_locate(g, offset, &off);
	if (!c || !gic_access_ok(off, size, rd_sizes(off)))
		return 0;
	if (off < GIC_SGI_BASE)
		*val = rd_base_read(g, c, off, size);
	else
		*val = sgi_base_read(g, c, off - GIC_SGI_BASE, size);
	return 0;
}

static int redist_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct sim_gic *g = opaque;
	struct sim_cpu *c;
	uint64_t off;

	c = rd_locate(g, offset, &off);
	if (!c || !gic_access_ok(off, size, rd_sizes(off)))
		return 0;
	if (off < GIC_SGI_BASE)
		rd_base_write(g, c, off, size, val);
	else
		sgi_base_write(g, c, off - GIC_SGI_BASE, size, val);
	return 0;
}

const struct sim_mmio_ops gic_redist_ops = {
	.read = redist_read,
	.write = redist_write,
};
