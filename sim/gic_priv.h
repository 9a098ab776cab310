/* SPDX-License-Identifier: MIT */
/*
 * GICv3 model: what the files gic.c (core: state, pending/priority logic, line
 * updates), gic_dist.c (distributor MMIO), gic_redist.c (redistributor MMIO) and
 * gic_cpuif.c (ICC_* system registers) share. Nothing outside those files and their
 * tests includes this header.
 *
 * The model, in the terms of the GICv3 architecture (IHI 0069):
 *   - One Security state: GICD_CTLR.DS reads 1, as with KVM's vGIC and QEMU's virt
 *     without EL3. Group 0 is signalled as FIQ, Group 1 as IRQ. GICD_IGRPMODR and
 *     GICD_NSACR are RAZ/WI.
 *   - Affinity routing always on (GICD_CTLR.ARE RAO/WI): SGIs and PPIs live in the
 *     redistributors, SPIs are routed by GICD_IROUTER<n>, including 1-of-N (IRM = 1).
 *   - No LPIs, no ITS, no extended SPI/PPI ranges, no MBIS, no Aff3 (A3V = 0), no
 *     range selector (RSS = 0), no NMIs.
 *   - 5 bits of priority (ICC_CTLR_EL1.PRIbits = 4: 32 levels, 0x00, 0x08, .. 0xf8), as
 *     KVM's vGIC. Priority fields keep bits [7:3]; bits [2:0] read as zero. Only
 *     ICC_AP0R0_EL1 and ICC_AP1R0_EL1 exist; the other AP registers are UNDEFINED.
 *   - All interrupts reset to Group 1 (as KVM's vGIC does for a GICv3 guest), disabled,
 *     priority 0, level-sensitive (SGIs are always edge), IROUTER 0.
 *   - Redistributors reset asleep (GICR_WAKER.ProcessorSleep = 1) and forward nothing
 *     until software wakes them, as on hardware (QEMU and KVM deliver regardless: the
 *     sim is stricter here on purpose).
 *
 * State: every mutable bit of the distributor and the redistributors is in struct
 * gic_state, a flat pointer-free blob (snapshots copy it, the state hash reads it). The
 * CPU interface state is struct sim_gic_cpuif inside struct sim_cpu; it resets to all
 * zero, which is its architectural reset value here (BPR registers below their minimum
 * read as the minimum).
 */
#ifndef AVF_SIM_GIC_PRIV_H
#define AVF_SIM_GIC_PRIV_H

#include "sim/internal.h"

#define GIC_NR_INTIDS		1024		/* INTID space covered by the tables */
#define GIC_NR_BANKS		(GIC_NR_INTIDS / 32)
#define GIC_FIRST_SPI		32
#define GIC_INTID_SPURIOUS	1023
#define GIC_NR_SGIS		16

/* Priority: 5 implemented bits. */
#define GIC_PRI_BITS		5
#define GIC_PRI_MASK		0xf8u
#define GIC_PRI_SHIFT		(8 - GIC_PRI_BITS)	/* priority >> this = APR bit */
#define GIC_IDLE_PRIORITY	0xffu			/* ICC_RPR_EL1 with nothing active */
/* Minimum binary points for 5 bits of priority (ICC_BPR1 minimum is BPR0's plus 1). */
#define GIC_MIN_BPR0		(7 - GIC_PRI_BITS)
#define GIC_MIN_BPR1		(GIC_MIN_BPR0 + 1)

/* Frame sizes. */
#define GIC_DIST_SIZE		0x10000ull
#define GIC_REDIST_STRIDE	0x20000ull	/* RD_base + SGI_base, 64 KiB each */
#define GIC_SGI_BASE		0x10000ull	/* SGI_base frame inside a redistributor */

/* GICD_CTLR bits (single Security state view). */
#define GICD_CTLR_ENABLE_G0	(1u << 0)
#define GICD_CTLR_ENABLE_G1	(1u << 1)
#define GICD_CTLR_ARE		(1u << 4)
#define GICD_CTLR_DS		(1u << 6)

/* GICR_WAKER bits. */
#define GICR_WAKER_PSLEEP	(1u << 1)
#define GICR_WAKER_CASLEEP	(1u << 2)

/* GICD_IROUTER<n> fields. */
#define GICD_IROUTER_IRM	(1ull << 31)
#define GICD_IROUTER_AFF_MASK	0xff00ffffffull		/* Aff3, Aff2, Aff1, Aff0 */

/* ICC_CTLR_EL1 writable bits; the rest are read-only identification. */
#define ICC_CTLR_CBPR		(1u << 0)
#define ICC_CTLR_EOIMODE	(1u << 1)
#define ICC_CTLR_PRIBITS_SHIFT	8

/* Identification: Arm as implementer (JEP106 0x43b), product 'S' for sim. */
#define GIC_IIDR		((0x53u << 24) | 0x43bu)
#define GIC_PIDR2		0x3bu		/* ArchRev 3 (GICv3), JEP106 Arm */

/*
 * 32 interrupts of one kind of storage: a distributor SPI bank or a redistributor's
 * SGI/PPI bank. Pending is derived: a latched pending bit (edges, GICD_ISPENDR writes,
 * SGIs) or, for level-sensitive interrupts, the input line being high.
 */
struct gic_bank {
	uint32_t group;		/* 1: Group 1 (IRQ), 0: Group 0 (FIQ) */
	uint32_t enable;
	uint32_t latch;		/* latched pending state */
	uint32_t active;
	uint32_t edge;		/* 1: edge-triggered (GICD_ICFGR odd bit) */
	uint32_t line;		/* input line level as last driven */
	uint8_t prio[32];	/* bits [7:3] only */
};

struct gic_redist_state {
	struct gic_bank b;	/* SGIs 0-15 and PPIs 16-31 */
	uint32_t waker;		/* GICR_WAKER.ProcessorSleep (ChildrenAsleep follows it) */
	uint32_t pad;		/* keeps the blob free of compiler padding */
};

struct gic_state {
	uint64_t irouter[GIC_NR_INTIDS];	/* by INTID; 0..31 unused */
	struct gic_bank spi[GIC_NR_BANKS];	/* bank n holds INTIDs 32n..32n+31; 0 unused */
	struct gic_redist_state rd[SIM_MAX_CPUS];	/* by CPU index */
	uint32_t ctlr;				/* GICD_CTLR.EnableGrp0/1 */
	uint32_t pad;
};

_Static_assert(sizeof(struct gic_bank) == 56, "gic_bank must have no padding");
_Static_assert(sizeof(struct gic_state) ==
	       8 * GIC_NR_INTIDS + 56 * GIC_NR_BANKS + 64 * SIM_MAX_CPUS + 8,
	       "gic_state must have no padding (it is hashed byte by byte)");

struct sim_gic {
	struct sim_part *part;
	uint64_t gicd_base, gicr_base;
	unsigned nr_spis;
	unsigned nr_rd_frames;		/* redistributor frames mapped at gicr_base */
	struct gic_state s;
};

static inline uint32_t gic_bank_pending(const struct gic_bank *b)
{
	return b->latch | (b->line & ~b->edge);
}

/* ---- gic.c: core ------------------------------------------------------------------ */

/* One past the highest INTID this GIC implements (32 + nr_spis). */
static inline unsigned gic_nr_intids(const struct sim_gic *g)
{
	return GIC_FIRST_SPI + g->nr_spis;
}

/* The bank holding intid: cpu's redistributor for intid < 32, else the SPI bank. */
struct gic_bank *gic_bank_of(struct sim_gic *g, unsigned intid, unsigned cpu);

/* Highest-priority pending interrupt a CPU interface sees (see gic_hppi()). */
struct gic_hppi {
	unsigned intid;		/* GIC_INTID_SPURIOUS when none */
	uint8_t prio;
	uint8_t group;
};
void gic_hppi(struct sim_gic *g, struct sim_cpu *c, struct gic_hppi *out);

/* Group priority of prio for the group, per the CPU interface's binary points. */
uint8_t gic_group_priority(const struct sim_cpu *c, uint8_t prio, unsigned group);
/* ICC_RPR_EL1: group priority of the highest active priority, or 0xff. */
uint8_t gic_running_priority(const struct sim_cpu *c);
/* Effective binary points (never below their architectural minimum). */
unsigned gic_bpr0(const struct sim_cpu *c);
unsigned gic_bpr1(const struct sim_cpu *c);

/* Recompute the IRQ/FIQ outputs of one CPU, or of every CPU of the partition. */
void gic_update_one(struct sim_gic *g, struct sim_cpu *c);
void gic_update_all(struct sim_gic *g);
/* After a change to intid's state: update whoever it may concern. */
void gic_update_for(struct sim_gic *g, unsigned intid, unsigned cpu);

/*
 * Register banks shared by the distributor and the redistributor, offsets relative to
 * the frame: reg is one of GIC_REG_IGROUPR .. GIC_REG_ICACTIVER, one 32-bit word for the
 * bank. valid masks the interrupts that exist; the others stay as they are.
 */
uint32_t gic_bank_read_bits(const struct gic_bank *b, unsigned reg);
void gic_bank_write_bits(struct gic_bank *b, unsigned reg, uint32_t val, uint32_t valid);
/* GICD_ICFGR-style 2-bit fields for 16 interrupts (half = 0: first 16 of the bank). */
uint32_t gic_bank_read_cfg(const struct gic_bank *b, unsigned half);
void gic_bank_write_cfg(struct gic_bank *b, unsigned half, uint32_t val, uint32_t valid);
/* Byte-wise priority access: n bytes from byte index first. */
uint64_t gic_bank_read_prio(const struct gic_bank *b, unsigned first, unsigned n);
void gic_bank_write_prio(struct gic_bank *b, unsigned first, unsigned n, uint64_t val,
			 uint32_t valid);

/* Register offsets of the bit banks (relative to the frame). */
#define GIC_REG_IGROUPR		0x080
#define GIC_REG_ISENABLER	0x100
#define GIC_REG_ICENABLER	0x180
#define GIC_REG_ISPENDR		0x200
#define GIC_REG_ICPENDR		0x280
#define GIC_REG_ISACTIVER	0x300
#define GIC_REG_ICACTIVER	0x380
#define GIC_REG_IPRIORITYR	0x400
#define GIC_REG_ICFGR		0xc00
#define GIC_REG_IGRPMODR	0xd00
#define GIC_REG_NSACR		0xe00

/* The CPU with this index in g's partition, or NULL. */
struct sim_cpu *gic_cpu(struct sim_gic *g, unsigned index);
/* True if the redistributor of CPU index forwards interrupts (awake). */
static inline bool gic_rd_awake(const struct sim_gic *g, unsigned index)
{
	return !(g->s.rd[index].waker & GICR_WAKER_PSLEEP);
}

/* Acknowledge (IAR), priority drop and deactivation, for gic_cpuif.c. */
unsigned gic_acknowledge(struct sim_gic *g, struct sim_cpu *c, unsigned group);
void gic_eoi(struct sim_gic *g, struct sim_cpu *c, unsigned group, unsigned intid);
void gic_deactivate(struct sim_gic *g, struct sim_cpu *c, unsigned intid, int group);
/* ICC_SGI0R/SGI1R/ASGI1R: generate SGIs; any_group false: only Group 0 SGIs are set. */
void gic_generate_sgi(struct sim_gic *g, struct sim_cpu *c, uint64_t val, bool any_group);

/* ---- MMIO (gic_dist.c, gic_redist.c) ---------------------------------------------- */

/* The CoreSight-style identification block at 0xffd0..0xfffc of GICD and RD_base. */
uint32_t gic_id_reg(uint64_t offset);

extern const struct sim_mmio_ops gic_dist_ops;		/* opaque: struct sim_gic */
extern const struct sim_mmio_ops gic_redist_ops;	/* opaque: struct sim_gic */

/* True if an access of size at offset is naturally aligned and one of the sizes. */
static inline bool gic_access_ok(uint64_t offset, unsigned size, unsigned sizes)
{
	return (size & sizes) && !(offset & (size - 1));
}
#define GIC_SZ8		1u
#define GIC_SZ32	4u
#define GIC_SZ64	8u

#endif /* AVF_SIM_GIC_PRIV_H */
