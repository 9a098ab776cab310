// SPDX-License-Identifier: MIT
/* GICv3 helpers (see gic.h). Register offsets from the GICv3 architecture spec (IHI0069). */
#include "sim/tests/lib/gic.h"

#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/console.h"
#include "sim/tests/lib/psci.h"

#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		BIT(31)
#define GICD_CTLR_ARE		BIT(4)
#define GICD_CTLR_ENABLE_G1	BIT(1)

#define GICR_FRAME_SIZE		0x20000
#define GICR_TYPER		0x0008
#define GICR_TYPER_LAST		BIT(4)
#define GICR_WAKER		0x0014
#define GICR_WAKER_PROCESSOR_SLEEP	BIT(1)
#define GICR_WAKER_CHILDREN_ASLEEP	BIT(2)
#define GICR_SGI_BASE		0x10000
#define GICR_IGROUPR0		(GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI_BASE + 0x0180)
#define GICR_ISPENDR0		(GICR_SGI_BASE + 0x0200)
#define GICR_ICPENDR0		(GICR_SGI_BASE + 0x0280)
#define GICR_ISACTIVER0		(GICR_SGI_BASE + 0x0300)
#define GICR_ICACTIVER0		(GICR_SGI_BASE + 0x0380)
#define GICR_IPRIORITYR		(GICR_SGI_BASE + 0x0400)
#define GICR_ICFGR1		(GICR_SGI_BASE + 0x0c04)

#define MAX_REDISTS		64

static uint64_t rdist[MAX_CPUS];
static gic_handler_fn handlers[32];

static void gicd_wait_rwp(void)
{
	while (mmio_read32(VIRT_GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

void gic_init_dist(void)
{
	mmio_write32(VIRT_GICD_BASE + GICD_CTLR, 0);
	gicd_wait_rwp();
	mmio_write32(VIRT_GICD_BASE + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
	gicd_wait_rwp();
}

/* GICR_TYPER[63:32] is Aff3.Aff2.Aff1.Aff0 of the redistributor's CPU. */
static uint64_t find_rdist(void)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);
	uint32_t aff = (uint32_t)((mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000));
	uint64_t base = VIRT_GICR_BASE;
	unsigned i;

	for (i = 0; i < MAX_REDISTS; i++, base += GICR_FRAME_SIZE) {
		uint64_t typer = mmio_read64(base + GICR_TYPER);

		if ((uint32_t)(typer >> 32) == aff)
			return base;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	printf("gic: no redistributor for CPU%u; stopping\n", this_cpu());
	psci_system_off();
}

uint64_t gic_rdist(void)
{
	return rdist[this_cpu()];
}

void gic_init_cpu(void)
{
	uint64_t rd = find_rdist();
	unsigned i;

	rdist[this_cpu()] = rd;
	mmio_write32(rd + GICR_WAKER,
		     mmio_read32(rd + GICR_WAKER) & ~(uint32_t)GICR_WAKER_PROCESSOR_SLEEP);
	while (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP)
		;
	mmio_write32(rd + GICR_ICENABLER0, 0xffffffff);
	mmio_write32(rd + GICR_ICPENDR0, 0xffffffff);
	mmio_write32(rd + GICR_ICACTIVER0, 0xffffffff);
	mmio_write32(rd + GICR_IGROUPR0, 0xffffffff);
	for (i = 0; i < 32; i += 4)
		mmio_write32(rd + GICR_IPRIORITYR + i, 0x01010101u * GIC_PRIO_DEFAULT);
	/* PPIs level-sensitive (the timers are level outputs). */
	mmio_write32(rd + GICR_ICFGR1, 0);

	write_sysreg(S3_0_C12_C12_5, read_sysreg(S3_0_C12_C12_5) | 1);	/* ICC_SRE_EL1.SRE */
	isb();
	write_sysreg(S3_0_C4_C6_0, 0xff);	/* ICC_PMR_EL1 */
	write_sysreg(S3_0_C12_C12_3, 0);	/* ICC_BPR1_EL1: clamps to the minimum */
	write_sysreg(S3_0_C12_C12_4, 0);	/* ICC_CTLR_EL1: EOImode 0 */
	write_sysreg(S3_0_C12_C12_7, 1);	/* ICC_IGRPEN1_EL1 */
	isb();
}

void gic_enable_irq(unsigned intid)
{
	mmio_write32(gic_rdist() + GICR_ISENABLER0, 1u << intid);
}

void gic_disable_irq(unsigned intid)
{
	mmio_write32(gic_rdist() + GICR_ICENABLER0, 1u << intid);
}

void gic_set_priority(unsigned intid, uint8_t prio)
{
	volatile uint8_t *p = (volatile uint8_t *)(gic_rdist() + GICR_IPRIORITYR);

	p[intid] = prio;	/* GICR_IPRIORITYR is byte-accessible */
}

bool gic_irq_pending(unsigned intid)
{
	return mmio_read32(gic_rdist() + GICR_ISPENDR0) & (1u << intid);
}

bool gic_irq_active(unsigned intid)
{
	return mmio_read32(gic_rdist() + GICR_ISACTIVER0) & (1u << intid);
}

void gic_clear_pending(unsigned intid)
{
	mmio_write32(gic_rdist() + GICR_ICPENDR0, 1u << intid);
}

static uint64_t sgi1r_target(unsigned cpu)
{
	/* TargetList[15:0] holds Aff0 within the Aff1 cluster at [23:16]. */
	return (1ull << (cpu & 15)) | ((uint64_t)(cpu >> 4) << 16);
}

void gic_send_sgi(unsigned intid, unsigned cpu)
{
	dsb(ishst);
	write_sysreg(S3_0_C12_C11_5, ((uint64_t)intid << 24) | sgi1r_target(cpu));
	isb();
}

void gic_send_sgi_others(unsigned intid)
{
	dsb(ishst);
	write_sysreg(S3_0_C12_C11_5, ((uint64_t)intid << 24) | BIT(40));	/* IRM */
	isb();
}

uint32_t gic_ack(void)
{
	uint32_t intid = (uint32_t)read_sysreg(S3_0_C12_C12_0) & 0xffffff;

	dsb(sy);
	return intid;
}

void gic_eoi(uint32_t intid)
{
	write_sysreg(S3_0_C12_C12_1, intid);
	isb();
}

uint32_t gic_highest_pending(void)
{
	return (uint32_t)read_sysreg(S3_0_C12_C12_2) & 0xffffff;
}

void gic_set_pmr(uint8_t prio)
{
	write_sysreg(S3_0_C4_C6_0, prio);
	isb();
}

uint8_t gic_running_priority(void)
{
	return (uint8_t)read_sysreg(S3_0_C12_C11_3);
}

void gic_set_handler(unsigned intid, gic_handler_fn fn)
{
	if (intid < ARRAY_SIZE(handlers))
		handlers[intid] = fn;
}

bool gic_irq_dispatch(struct except_frame *f)
{
	uint32_t intid = gic_ack();

	if (intid == GIC_SPURIOUS)
		return true;
	if (intid >= ARRAY_SIZE(handlers) || !handlers[intid]) {
		printf("  unexpected interrupt %u on CPU%u\n", intid, this_cpu());
		gic_eoi(intid);
		return false;
	}
	handlers[intid](intid);
	gic_eoi(intid);
	return true;
}

void gic_wait_flag(const volatile uint32_t *flag)
{
	irq_disable();
	while (!*flag) {
		wfi();
		irq_enable();
		isb();
		irq_disable();
	}
}
