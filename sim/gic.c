// SPDX-License-Identifier: MIT
/*
 * GICv3 core: creation, the interrupt state machine (pending, active, acknowledge,
 * priority drop, deactivation), routing and the IRQ/FIQ outputs of each CPU interface.
 * The register views are in gic_dist.c, gic_redist.c and gic_cpuif.c; the model and its
 * simplifications are described in gic_priv.h.
 *
 * Outputs are recomputed eagerly: every change of interrupt state, of a CPU interface
 * register or of a routing decision recomputes the irq_line/fiq_line of every CPU it can
 * concern. A CPU's output depends only on the GIC state and its own CPU interface, so
 * the same state always gives the same lines (snapshots and replay rely on it).
 */
#include <stdlib.h>

#include "sim/gic_priv.h"

struct sim_cpu *gic_cpu(struct sim_gic *g, unsigned index)
{
	return sim_part_cpu(g->part, index);
}

struct gic_bank *gic_bank_of(struct sim_gic *g, unsigned intid, unsigned cpu)
{
	if (intid < GIC_FIRST_SPI)
		return &g->s.rd[cpu].b;
	return &g->s.spi[intid / 32];
}

/* ---- CPU interface arithmetic --------------------------------------------------------- */

unsigned gic_bpr0(const struct sim_cpu *c)
{
	return c->gic.bpr0 < GIC_MIN_BPR0 ? GIC_MIN_BPR0 : c->gic.bpr0;
}

unsigned gic_bpr1(const struct sim_cpu *c)
{
	unsigned v;

	/* With CBPR, BPR1 reads as BPR0 + 1, saturated (single Security state, EL1). */
	if (c->gic.ctlr & ICC_CTLR_CBPR) {
		v = gic_bpr0(c) + 1;
		return v > 7 ? 7 : v;
	}
	return c->gic.bpr1 < GIC_MIN_BPR1 ? GIC_MIN_BPR1 : c->gic.bpr1;
}

/*
 * Group priority: the bits of the priority above the binary point. Group 0 (and Group 1
 * when CBPR shares BPR0) uses bits [7:BPR0+1]; Group 1 uses bits [7:BPR1], which is why
 * BPR1's minimum is one more than BPR0's.
 */
uint8_t gic_group_priority(const struct sim_cpu *c, uint8_t prio, unsigned group)
{
	unsigned shift;

	if (group == 0 || (c->gic.ctlr & ICC_CTLR_CBPR))
		shift = gic_bpr0(c) + 1;
	else
		shift = gic_bpr1(c);
	return (uint8_t)(prio & (0xffu << shift));
}

uint8_t gic_running_priority(const struct sim_cpu *c)
{
	uint32_t ap = c->gic.ap0r[0] | c->gic.ap1r[0];

	if (!ap)
		return GIC_IDLE_PRIORITY;
	return (uint8_t)(__builtin_ctz(ap) << GIC_PRI_SHIFT);
}

/* ---- routing ---------------------------------------------------------------------------- */

static bool gic_group_enabled(const struct sim_gic *g, const struct sim_cpu *c,
			      unsigned group)
{
	if (group)
		return (g->s.ctlr & GICD_CTLR_ENABLE_G1) && c->gic.igrpen1;
	return (g->s.ctlr & GICD_CTLR_ENABLE_G0) && c->gic.igrpen0;
}

/*
 * A CPU takes part in 1-of-N distribution of a group when it is powered, its
 * redistributor is awake and its CPU interface has the group enabled.
 */
static bool gic_1ofn_eligible(const struct sim_gic *g, const struct sim_cpu *c,
			      unsigned group)
{
	return c->powered && gic_rd_awake(g, c->index) && gic_group_enabled(g, c, group);
}

/*
 * The CPU index an SPI is routed to, or -1. Targeted routing matches the affinity in
 * GICD_IROUTER<n> against each CPU's MPIDR. 1-of-N picks the lowest-numbered eligible
 * CPU, so the choice is a pure function of the state (deterministic).
 */
static int gic_spi_target(const struct sim_gic *g, unsigned intid, unsigned group)
{
	const struct sim_part *p = g->part;
	uint64_t route = g->s.irouter[intid];
	int best = -1;

	for (unsigned i = 0; i < p->nr_cpus; i++) {
		const struct sim_cpu *c = p->cpus[i];

		if (route & GICD_IROUTER_IRM) {
			if (gic_1ofn_eligible(g, c, group) && (best < 0 || c->index < (unsigned)best))
				best = (int)c->index;
		} else if ((c->mpidr & GICD_IROUTER_AFF_MASK) == (route & GICD_IROUTER_AFF_MASK)) {
			return (int)c->index;
		}
	}
	return best;
}

/* Interrupts of bank b that c may be signalled: pending, enabled, inactive, group on. */
static uint32_t gic_bank_candidates(const struct sim_gic *g, const struct sim_cpu *c,
				    const struct gic_bank *b)
{
	uint32_t groups = 0;

	if (gic_group_enabled(g, c, 1))
		groups |= b->group;
	if (gic_group_enabled(g, c, 0))
		groups |= ~b->group;
	return gic_bank_pending(b) & b->enable & ~b->active & groups;
}

/*
 * Scan bank b (INTIDs base..base+31) for a better candidate than *out. INTIDs are
 * visited in increasing order and only a strictly higher priority wins, so ties go to
 * the lowest INTID.
 */
static void gic_scan_bank(struct sim_gic *g, struct sim_cpu *c, const struct gic_bank *b,
			  unsigned base, struct gic_hppi *out, unsigned *best)
{
	uint32_t cand = gic_bank_candidates(g, c, b);

	while (cand) {
		unsigned bit = (unsigned)__builtin_ctz(cand);
		unsigned group = (b->group >> bit) & 1;

		cand &= cand - 1;
		if (b->prio[bit] >= *best)
			continue;
		if (base >= GIC_FIRST_SPI && gic_spi_target(g, base + bit, group) != (int)c->index)
			continue;
		*best = b->prio[bit];
		out->intid = base + bit;
		out->prio = b->prio[bit];
		out->group = (uint8_t)group;
	}
}

/*
 * The highest-priority pending interrupt for c's CPU interface: pending, enabled, not
 * active, routed to c, its group enabled in GICD_CTLR and in c's ICC_IGRPEN<n>. PMR and
 * the running priority are not applied here (HPPIR ignores them; IAR and the outputs
 * apply them). A sleeping redistributor forwards nothing.
 */
void gic_hppi(struct sim_gic *g, struct sim_cpu *c, struct gic_hppi *out)
{
	unsigned best = 0x100;
	unsigned nr_banks = (gic_nr_intids(g) + 31) / 32;

	out->intid = GIC_INTID_SPURIOUS;
	out->prio = GIC_IDLE_PRIORITY;
	out->group = 0;
	if (!gic_rd_awake(g, c->index))
		return;
	gic_scan_bank(g, c, &g->s.rd[c->index].b, 0, out, &best);
	for (unsigned n = 1; n < nr_banks; n++)
		gic_scan_bank(g, c, &g->s.spi[n], n * 32, out, &best);
}

/* ---- outputs ------------------------------------------------------------------------------- */

static void gic_set_lines(struct sim_cpu *c, bool irq, bool fiq)
{
	if (c->irq_line == irq && c->fiq_line == fiq)
		return;
	c->irq_line = irq;
	c->fiq_line = fiq;
	c->events |= SIM_EV_IRQ_CHECK;
	sim_cpu_stop_slice(c);
}

/* True if an interrupt of this priority and group would be signalled to c now. */
static bool gic_can_signal(const struct sim_cpu *c, uint8_t prio, unsigned group)
{
	return prio < c->gic.pmr &&
	       gic_group_priority(c, prio, group) < gic_running_priority(c);
}

void gic_update_one(struct sim_gic *g, struct sim_cpu *c)
{
	struct gic_hppi h;
	bool irq = false, fiq = false;

	gic_hppi(g, c, &h);
	if (h.intid != GIC_INTID_SPURIOUS && gic_can_signal(c, h.prio, h.group)) {
		/* One Security state at EL1: Group 1 is IRQ, Group 0 is FIQ. */
		if (h.group)
			irq = true;
		else
			fiq = true;
	}
	gic_set_lines(c, irq, fiq);
}

void gic_update_all(struct sim_gic *g)
{
	struct sim_part *p = g->part;

	for (unsigned i = 0; i < p->nr_cpus; i++)
		gic_update_one(g, p->cpus[i]);
}

void gic_update_for(struct sim_gic *g, unsigned intid, unsigned cpu)
{
	struct sim_cpu *c;

	if (intid >= GIC_FIRST_SPI) {
		gic_update_all(g);
		return;
	}
	c = gic_cpu(g, cpu);
	if (c)
		gic_update_one(g, c);
}

void sim_gic_update_cpu(struct sim_cpu *c)
{
	struct sim_gic *g = c->part ? c->part->gic : NULL;

	if (!g) {
		gic_set_lines(c, false, false);
		return;
	}
	/*
	 * Whatever changed about c (power, reset of its CPU interface) may move a 1-of-N
	 * SPI to or from another CPU: refresh the whole partition.
	 */
	gic_update_all(g);
}

/* ---- acknowledge, EOI, deactivate --------------------------------------------------------- */

unsigned gic_acknowledge(struct sim_gic *g, struct sim_cpu *c, unsigned group)
{
	struct gic_hppi h;
	struct gic_bank *b;
	uint32_t bit;
	uint8_t gprio;

	gic_hppi(g, c, &h);
	if (h.intid == GIC_INTID_SPURIOUS || h.group != group ||
	    !gic_can_signal(c, h.prio, group))
		return GIC_INTID_SPURIOUS;
	b = gic_bank_of(g, h.intid, c->index);
	bit = 1u << (h.intid % 32);
	/* Pending -> active (a level interrupt whose line is still high stays pending). */
	b->latch &= ~bit;
	b->active |= bit;
	gprio = gic_group_priority(c, h.prio, group);
	if (group)
		c->gic.ap1r[0] |= 1u << (gprio >> GIC_PRI_SHIFT);
	else
		c->gic.ap0r[0] |= 1u << (gprio >> GIC_PRI_SHIFT);
	gic_update_for(g, h.intid, c->index);
	return h.intid;
}

void gic_deactivate(struct sim_gic *g, struct sim_cpu *c, unsigned intid, int group)
{
	struct gic_bank *b;
	uint32_t bit;

	if (intid >= gic_nr_intids(g))
		return;
	b = gic_bank_of(g, intid, c->index);
	bit = 1u << (intid % 32);
	/* EOIR<n> only deactivates interrupts of its own group; DIR (group < 0) any. */
	if (group >= 0 && (unsigned)((b->group & bit) != 0) != (unsigned)group)
		return;
	b->active &= ~bit;
	gic_update_for(g, intid, c->index);
}

/*
 * ICC_EOIR<group>: drop the highest active priority if it belongs to this group, then
 * (EOImode 0) deactivate intid. An EOI with nothing active, with the highest active
 * priority in the other group, or of a special INTID is ignored: those cases are
 * UNPREDICTABLE in the architecture and ignoring them is one permitted outcome.
 */
void gic_eoi(struct sim_gic *g, struct sim_cpu *c, unsigned group, unsigned intid)
{
	uint32_t ap0 = c->gic.ap0r[0], ap1 = c->gic.ap1r[0];
	uint32_t lowest;

	if (intid >= 1020 || !(ap0 | ap1))
		return;
	lowest = (ap0 | ap1) & -(ap0 | ap1);
	if (!!(ap1 & lowest) != !!group)
		return;
	if (group)
		c->gic.ap1r[0] &= ~lowest;
	else
		c->gic.ap0r[0] &= ~lowest;
	if (!(c->gic.ctlr & ICC_CTLR_EOIMODE))
		gic_deactivate(g, c, intid, (int)group);
	gic_update_one(g, c);
}

/*
 * ICC_SGI1R_EL1 / ICC_SGI0R_EL1 / ICC_ASGI1R_EL1. With GICD_CTLR.DS == 1, SGI1R sets the
 * SGI whatever its group at the target; SGI0R and ASGI1R set it only where it is
 * Group 0. IRM = 1 targets every CPU of the partition but the sender; otherwise Aff3..1
 * select a cluster and TargetList the Aff0 values RS * 16 + bit.
 */
void gic_generate_sgi(struct sim_gic *g, struct sim_cpu *c, uint64_t val, bool any_group)
{
	struct sim_part *p = g->part;
	unsigned sgi = (val >> 24) & 0xf, rs = (val >> 44) & 0xf;
	uint64_t cluster = ((val >> 16) & 0xff) << 8 | ((val >> 32) & 0xff) << 16 |
			   ((val >> 48) & 0xff) << 32;
	bool all_but_self = (val >> 40) & 1;
	uint32_t bit = 1u << sgi;

	for (unsigned i = 0; i < p->nr_cpus; i++) {
		struct sim_cpu *t = p->cpus[i];
		struct gic_bank *b = &g->s.rd[t->index].b;
		unsigned aff0 = t->mpidr & 0xff;

		if (all_but_self) {
			if (t == c)
				continue;
		} else if ((t->mpidr & 0xff00ffff00ull) != cluster || aff0 / 16 != rs ||
			   !((val >> (aff0 % 16)) & 1)) {
			continue;
		}
		if (!any_group && (b->group & bit))
			continue;
		b->latch |= bit;
		gic_update_one(g, t);
	}
}

/* ---- lines from devices ------------------------------------------------------------------- */

int sim_gic_set_level(struct sim_gic *g, unsigned intid, bool level, unsigned cpu)
{
	struct gic_bank *b;
	uint32_t bit;

	if (intid < GIC_NR_SGIS || intid >= gic_nr_intids(g))
		return -EINVAL;
	if (intid < GIC_FIRST_SPI && (cpu >= SIM_MAX_CPUS || !gic_cpu(g, cpu)))
		return -ENOENT;
	b = gic_bank_of(g, intid, cpu);
	bit = 1u << (intid % 32);
	if (!!(b->line & bit) == level)
		return 0;
	if (level) {
		b->line |= bit;
		/* An edge-triggered interrupt latches the rising edge. */
		if (b->edge & bit)
			b->latch |= bit;
	} else {
		b->line &= ~bit;
	}
	gic_update_for(g, intid, cpu);
	return 0;
}

/* ---- register banks shared by GICD and GICR ------------------------------------------------ */

uint32_t gic_bank_read_bits(const struct gic_bank *b, unsigned reg)
{
	switch (reg) {
	case GIC_REG_IGROUPR:
		return b->group;
	case GIC_REG_ISENABLER:
	case GIC_REG_ICENABLER:
		return b->enable;
	case GIC_REG_ISPENDR:
	case GIC_REG_ICPENDR:
		return gic_bank_pending(b);
	case GIC_REG_ISACTIVER:
	case GIC_REG_ICACTIVER:
		return b->active;
	}
	return 0;
}

void gic_bank_write_bits(struct gic_bank *b, unsigned reg, uint32_t val, uint32_t valid)
{
	val &= valid;
	switch (reg) {
	case GIC_REG_IGROUPR:
		b->group = (b->group & ~valid) | val;
		break;
	case GIC_REG_ISENABLER:
		b->enable |= val;
		break;
	case GIC_REG_ICENABLER:
		b->enable &= ~val;
		break;
	case GIC_REG_ISPENDR:
		b->latch |= val;
		break;
	case GIC_REG_ICPENDR:
		/* A level interrupt whose line is high stays pending: only the latch goes. */
		b->latch &= ~val;
		break;
	case GIC_REG_ISACTIVER:
		b->active |= val;
		break;
	case GIC_REG_ICACTIVER:
		b->active &= ~val;
		break;
	}
}

uint32_t gic_bank_read_cfg(const struct gic_bank *b, unsigned half)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < 16; i++)
		if ((b->edge >> (half * 16 + i)) & 1)
			v |= 2u << (2 * i);
	return v;
}

void gic_bank_write_cfg(struct gic_bank *b, unsigned half, uint32_t val, uint32_t valid)
{
	for (unsigned i = 0; i < 16; i++) {
		uint32_t bit = 1u << (half * 16 + i);

		if (!(valid & bit))
			continue;
		if ((val >> (2 * i + 1)) & 1)
			b->edge |= bit;
		else
			b->edge &= ~bit;
	}
}

uint64_t gic_bank_read_prio(const struct gic_bank *b, unsigned first, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)b->prio[first + i] << (8 * i);
	return v;
}

void gic_bank_write_prio(struct gic_bank *b, unsigned first, unsigned n, uint64_t val,
			 uint32_t valid)
{
	for (unsigned i = 0; i < n; i++)
		if ((valid >> (first + i)) & 1)
			b->prio[first + i] = (uint8_t)((val >> (8 * i)) & GIC_PRI_MASK);
}

/* ---- creation, snapshots ------------------------------------------------------------------- */

static void gic_reset_state(struct gic_state *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned n = 0; n < GIC_NR_BANKS; n++)
		s->spi[n].group = ~0u;
	for (unsigned i = 0; i < SIM_MAX_CPUS; i++) {
		s->rd[i].b.group = ~0u;
		s->rd[i].b.edge = (1u << GIC_NR_SGIS) - 1;	/* SGIs are always edge */
		s->rd[i].waker = GICR_WAKER_PSLEEP;
	}
}

/* True if [base, base + size) overlaps no MMIO region of p. */
static bool gic_range_free(const struct sim_part *p, uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < p->nr_mmio; i++) {
		const struct sim_mmio_region *r = &p->mmio[i];

		if (base < r->base + r->size && r->base < base + size)
			return false;
	}
	return true;
}

/*
 * How many redistributor frames to map: one per CPU the machine may have. When the
 * redistributors sit right below the distributor (crosvm's layout) the region stops at
 * the distributor.
 */
static unsigned gic_rd_frames(const struct sim_part *p, uint64_t gicd_base, uint64_t gicr_base)
{
	unsigned n = p->m->cfg.max_cpus ? p->m->cfg.max_cpus : SIM_MAX_CPUS;

	if (n > SIM_MAX_CPUS)
		n = SIM_MAX_CPUS;
	if (gicr_base < gicd_base && (gicd_base - gicr_base) / GIC_REDIST_STRIDE < n)
		n = (unsigned)((gicd_base - gicr_base) / GIC_REDIST_STRIDE);
	return n;
}

int sim_gic_create(struct sim_part *p, uint64_t gicd_base, uint64_t gicr_base,
		   unsigned nr_spis, struct sim_gic **out)
{
	uint64_t align = GIC_DIST_SIZE - 1;
	unsigned frames;
	struct sim_gic *g;

	if (nr_spis > 988 || (nr_spis % 32 && nr_spis != 988))
		return -EINVAL;
	if (!gicr_base || (gicd_base & align) || (gicr_base & align) ||
	    gicd_base + GIC_DIST_SIZE < gicd_base)
		return -EINVAL;
	frames = gic_rd_frames(p, gicd_base, gicr_base);
	if (!frames || gicr_base + frames * GIC_REDIST_STRIDE < gicr_base)
		return -EINVAL;
	/* Check both ranges before registering either: regions cannot be removed. */
	if (!gic_range_free(p, gicd_base, GIC_DIST_SIZE) ||
	    !gic_range_free(p, gicr_base, frames * GIC_REDIST_STRIDE) ||
	    (gicd_base < gicr_base + frames * GIC_REDIST_STRIDE &&
	     gicr_base < gicd_base + GIC_DIST_SIZE))
		return -EEXIST;
	if (p->nr_mmio + 2 > SIM_MAX_MMIO)
		return -ENOSPC;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->part = p;
	g->gicd_base = gicd_base;
	g->gicr_base = gicr_base;
	g->nr_spis = nr_spis;
	g->nr_rd_frames = frames;
	gic_reset_state(&g->s);
	if (sim_part_add_mmio(p, gicd_base, GIC_DIST_SIZE, &gic_dist_ops, g) ||
	    sim_part_add_mmio(p, gicr_base, frames * GIC_REDIST_STRIDE, &gic_redist_ops, g)) {
		/* Cannot happen after the checks above; refuse loudly rather than dangle. */
		abort();
	}
	*out = g;
	return 0;
}

void sim_gic_destroy(struct sim_gic *g)
{
	free(g);
}

size_t sim_gic_state_size(const struct sim_gic *g)
{
	return sizeof(g->s);
}

void sim_gic_state_save(const struct sim_gic *g, void *buf)
{
	memcpy(buf, &g->s, sizeof(g->s));
}

void sim_gic_state_load(struct sim_gic *g, const void *buf)
{
	memcpy(&g->s, buf, sizeof(g->s));
	gic_update_all(g);
}
