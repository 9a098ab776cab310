// SPDX-License-Identifier: MIT
/*
 * Just enough GICv3 for the test guest to take one SPI as an IRQ on CPU 0 (Arm GICv3
 * architecture specification, IHI 0069): the distributor with affinity routing, CPU 0's
 * redistributor woken up, and the system-register CPU interface for group 1. Where the
 * GIC is comes from the DT's "intc" node, as a real guest finds it.
 */
#include "stack/vmm/testguest/guest.h"

/* Distributor registers (offsets from GICD base). */
#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		(1u << 31)
#define GICD_CTLR_ARE		(1u << 4)
#define GICD_CTLR_GRP1		(1u << 1)
#define GICD_IGROUPR(n)		(0x0080 + 4 * ((n) / 32))
#define GICD_ISENABLER(n)	(0x0100 + 4 * ((n) / 32))
#define GICD_ICENABLER(n)	(0x0180 + 4 * ((n) / 32))
#define GICD_IPRIORITYR(n)	(0x0400 + (n))
#define GICD_ICFGR(n)		(0x0c00 + 4 * ((n) / 16))
#define GICD_IROUTER(n)		(0x6000 + 8 * (n))
/* Redistributor (RD_base frame of CPU 0). */
#define GICR_WAKER		0x0014
#define GICR_WAKER_SLEEP	(1u << 1)
#define GICR_WAKER_ASLEEP	(1u << 2)

#define SPI_PRIORITY		0xa0u

static uint64_t gicd, gicr;

static volatile uint32_t *reg32(uint64_t base, uint64_t off)
{
	return (volatile uint32_t *)(base + off);
}

static void wait_rwp(void)
{
	while (*reg32(gicd, GICD_CTLR) & GICD_CTLR_RWP)
		;
}

bool gic_find(const void *fdt, uint64_t *dist, uint64_t *redist)
{
	uint32_t len;
	const uint8_t *reg = fdt_root_prop(fdt, "intc", "reg", &len);

	if (!reg || len < 32)
		return false;
	*dist = fdt_be64(reg);
	*redist = fdt_be64(reg + 16);
	return true;
}

bool gic_init(const void *fdt)
{
	if (!gic_find(fdt, &gicd, &gicr))
		return false;
	/* Distributor: affinity routing, group 1 on. */
	*reg32(gicd, GICD_CTLR) = 0;
	wait_rwp();
	*reg32(gicd, GICD_CTLR) = GICD_CTLR_ARE | GICD_CTLR_GRP1;
	wait_rwp();
	/* CPU 0's redistributor: out of sleep before its CPU interface is used. */
	*reg32(gicr, GICR_WAKER) &= ~GICR_WAKER_SLEEP;
	while (*reg32(gicr, GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	/* CPU interface: system registers, every priority passes, group 1 enabled. */
	__asm__ volatile("mrs x0, S3_0_C12_C12_5\n\t"		/* ICC_SRE_EL1 */
			 "orr x0, x0, #1\n\t"
			 "msr S3_0_C12_C12_5, x0\n\t"
			 "isb\n\t"
			 "msr S3_0_C4_C6_0, %0\n\t"			/* ICC_PMR_EL1 */
			 "msr S3_0_C12_C12_3, xzr\n\t"		/* ICC_BPR1_EL1 */
			 "msr S3_0_C12_C12_7, %1\n\t"			/* ICC_IGRPEN1_EL1 */
			 "isb"
			 :: "r"((uint64_t)0xff), "r"((uint64_t)1) : "x0", "memory");
	return true;
}

void gic_enable_spi(uint32_t intid)
{
	uint32_t bit = 1u << (intid % 32);
	volatile uint8_t *prio = (volatile uint8_t *)(gicd + GICD_IPRIORITYR(intid));

	*reg32(gicd, GICD_IGROUPR(intid)) |= bit;		/* group 1: an IRQ */
	*prio = SPI_PRIORITY;
	/* Level-sensitive: ICFGR's two bits for intid are 0b00. */
	*reg32(gicd, GICD_ICFGR(intid)) &= ~(3u << (2 * (intid % 16)));
	*(volatile uint64_t *)(gicd + GICD_IROUTER(intid)) = 0;	/* to CPU 0 (affinity 0) */
	*reg32(gicd, GICD_ISENABLER(intid)) = bit;
	wait_rwp();
}

void gic_disable_spi(uint32_t intid)
{
	*reg32(gicd, GICD_ICENABLER(intid)) = 1u << (intid % 32);
	wait_rwp();
}

uint32_t gic_ack(void)
{
	uint64_t iar;

	__asm__ volatile("mrs %0, S3_0_C12_C12_0" : "=r"(iar) :: "memory");	/* ICC_IAR1 */
	return (uint32_t)iar & 0xffffff;
}

void gic_eoi(uint32_t intid)
{
	__asm__ volatile("msr S3_0_C12_C12_1, %0\n\tisb" :: "r"((uint64_t)intid)	/* EOIR1 */
			 : "memory");
}
