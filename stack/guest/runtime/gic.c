// SPDX-License-Identifier: Apache-2.0
/*
 * GICv3 for one CPU (IHI0069): the distributor and redistributor the DT's arm,gic-v3
 * node names (crosvm's layout: both below 1 GiB), group 1 interrupts, the CPU interface
 * through the ICC system registers. rt_irq() acknowledges, dispatches and ends one
 * interrupt at a time.
 */
#include "stack/guest/runtime/rt_internal.h"

#include "stack/guest/fdt/gfdt.h"

#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		(1u << 31)
#define GICD_CTLR_ARE		(1u << 4)
#define GICD_CTLR_ENABLE_G1	(1u << 1)
#define GICD_IGROUPR(n)		(0x0080 + 4 * (n))
#define GICD_ISENABLER(n)	(0x0100 + 4 * (n))
#define GICD_ICENABLER(n)	(0x0180 + 4 * (n))
#define GICD_IPRIORITYR		0x0400
#define GICD_IROUTER(n)		(0x6000 + 8 * (n))

#define GICR_FRAME_SIZE		0x20000
#define GICR_TYPER		0x0008
#define GICR_TYPER_LAST		(1ull << 4)
#define GICR_WAKER		0x0014
#define GICR_WAKER_SLEEP	(1u << 1)
#define GICR_WAKER_ASLEEP	(1u << 2)
#define GICR_SGI		0x10000
#define GICR_IGROUPR0		(GICR_SGI + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI + 0x0180)
#define GICR_IPRIORITYR		(GICR_SGI + 0x0400)

#define PRIO_DEFAULT		0xa0
#define MAX_INTID		1020
#define SPURIOUS		1023

static uint64_t gicd, gicr;
static struct {
	rt_irq_handler fn;
	void *ctx;
} handlers[MAX_INTID];

#define rd32 mmio_read32
#define rd64 mmio_read64
#define wr32 mmio_write32
#define wr64 mmio_write64

/* The DT's GICv3: reg = <distributor, size> <redistributors, size>, both in the first
 * GiB (the identity map's device block). */
static void find_gic(uint64_t fdt_addr, uint64_t *dist, uint64_t *redist, uint64_t *rsize)
{
	const uint8_t *val;
	uint32_t len, ac, sc;
	struct gfdt t;
	int root, node;

	if (gfdt_open(&t, (const void *)(uintptr_t)fdt_addr, rt.info.fdt_size, (const char **)0))
		rt_panic("the DT does not parse any more");
	root = gfdt_root(&t);
	if (gfdt_prop(&t, root, "#address-cells", &val, &len) < 0 || len != 4 ||
	    (ac = gfdt_be32(val)) < 1 || ac > 2 ||
	    gfdt_prop(&t, root, "#size-cells", &val, &len) < 0 || len != 4 ||
	    (sc = gfdt_be32(val)) < 1 || sc > 2)
		rt_panic("the DT's root cells are not 1 or 2");
	for (node = gfdt_first_child(&t, root); node >= 0; node = gfdt_next_sibling(&t, node))
		if (gfdt_prop(&t, node, "compatible", &val, &len) >= 0 &&
		    gfdt_stringlist_contains(val, len, "arm,gic-v3"))
			break;
	if (node < 0 || gfdt_prop(&t, node, "reg", &val, &len) < 0 || len < 8 * (ac + sc))
		rt_panic("no arm,gic-v3 node with two reg ranges in the DT");
	*dist = gfdt_read_cells(val, ac);
	*redist = gfdt_read_cells(val + 4 * (ac + sc), ac);
	*rsize = gfdt_read_cells(val + 4 * (2 * ac + sc), sc);
	if (*dist > (1ull << 30) - 0x10000 || *redist >= (1ull << 30) ||
	    *rsize > (1ull << 30) - *redist || *rsize < GICR_FRAME_SIZE)
		rt_panic("the GIC is not inside the device region");
}

/* This CPU's redistributor: the frame whose GICR_TYPER affinity is our MPIDR's. */
static uint64_t find_redist(uint64_t base, uint64_t size)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);
	uint32_t aff = (uint32_t)((mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000));

	for (uint64_t off = 0; off + GICR_FRAME_SIZE <= size; off += GICR_FRAME_SIZE) {
		uint64_t typer = rd64(base + off + GICR_TYPER);

		if ((uint32_t)(typer >> 32) == aff)
			return base + off;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	rt_panic("no GIC redistributor for MPIDR %#lx", (unsigned long)mpidr);
}

void rt_gic_init(uint64_t fdt_addr)
{
	uint64_t rbase, rsize;

	find_gic(fdt_addr, &gicd, &rbase, &rsize);
	wr32(gicd + GICD_CTLR, 0);
	while (rd32(gicd + GICD_CTLR) & GICD_CTLR_RWP)
		;
	wr32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
	while (rd32(gicd + GICD_CTLR) & GICD_CTLR_RWP)
		;
	gicr = find_redist(rbase, rsize);
	wr32(gicr + GICR_WAKER, rd32(gicr + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	while (rd32(gicr + GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	wr32(gicr + GICR_ICENABLER0, 0xffffffffu);
	wr32(gicr + GICR_IGROUPR0, 0xffffffffu);
	for (unsigned i = 0; i < 32; i += 4)
		wr32(gicr + GICR_IPRIORITYR + i, 0x01010101u * PRIO_DEFAULT);
	write_sysreg(S3_0_C12_C12_5, read_sysreg(S3_0_C12_C12_5) | 1);	/* ICC_SRE_EL1.SRE */
	isb();
	write_sysreg(S3_0_C4_C6_0, 0xff);	/* ICC_PMR_EL1: let every priority through */
	write_sysreg(S3_0_C12_C12_3, 0);	/* ICC_BPR1_EL1 */
	write_sysreg(S3_0_C12_C12_4, 0);	/* ICC_CTLR_EL1: EOImode 0 */
	write_sysreg(S3_0_C12_C12_7, 1);	/* ICC_IGRPEN1_EL1 */
	isb();
}

int rt_irq_register(unsigned intid, rt_irq_handler fn, void *ctx)
{
	if (intid < 16 || intid >= MAX_INTID || !fn)
		return -1;
	handlers[intid].fn = fn;
	handlers[intid].ctx = ctx;
	if (intid < 32) {
		wr32(gicr + GICR_ISENABLER0, 1u << intid);
	} else {
		wr32(gicd + GICD_IGROUPR(intid / 32), rd32(gicd + GICD_IGROUPR(intid / 32)) |
			 1u << (intid % 32));
		mmio_write8(gicd + GICD_IPRIORITYR + intid, PRIO_DEFAULT);	/* byte-accessible */
		wr64(gicd + GICD_IROUTER(intid), read_sysreg(mpidr_el1) & 0xff00ffffffull);
		wr32(gicd + GICD_ISENABLER(intid / 32), 1u << (intid % 32));
	}
	return 0;
}

void rt_irq_disable(unsigned intid)
{
	if (intid < 32)
		wr32(gicr + GICR_ICENABLER0, 1u << intid);
	else if (intid < MAX_INTID)
		wr32(gicd + GICD_ICENABLER(intid / 32), 1u << (intid % 32));
}

void rt_irq(void)
{
	uint64_t iar = read_sysreg(S3_0_C12_C12_0);	/* ICC_IAR1_EL1 */
	unsigned intid = (unsigned)(iar & 0xffffff);

	if (intid >= SPURIOUS)
		return;
	if (intid < MAX_INTID && handlers[intid].fn)
		handlers[intid].fn(intid, handlers[intid].ctx);
	write_sysreg(S3_0_C12_C12_1, iar);		/* ICC_EOIR1_EL1 */
	isb();
	if (intid >= MAX_INTID || !handlers[intid].fn)
		rt_panic("interrupt %u has no handler", intid);
}
