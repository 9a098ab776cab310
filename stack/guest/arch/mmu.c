// SPDX-License-Identifier: Apache-2.0
/*
 * The guests' identity map: one level-1 table of 1 GiB blocks over the 36-bit IPA space
 * (stack/vmm/layout.h). The first GiB holds every device (UART, virtio, GIC) and is
 * Device-nGnRnE, never executable; the rest (firmware region, RAM) is Normal write-back
 * memory. Caches on make hashing and signature checks fast, and Normal memory lets C
 * code make any access the compiler chooses (Device memory faults on unaligned ones).
 */
#include <stdint.h>

#include "stack/guest/arch/arch.h"
#include "stack/vmm/layout.h"

#define L1_ENTRIES	(1u << (VMM_IPA_BITS - 30))	/* 64 blocks of 1 GiB */
#define MAIR_DEVICE	0u				/* attribute index 0: Device-nGnRnE */
#define MAIR_NORMAL	1u				/* index 1: Normal, WB RW-allocate */
#define MAIR_VALUE	(0x00ull << (8 * MAIR_DEVICE) | 0xffull << (8 * MAIR_NORMAL))

#define DESC_BLOCK	1ull
#define DESC_ATTR(i)	((uint64_t)(i) << 2)
#define DESC_SH_INNER	(3ull << 8)
#define DESC_AF		(1ull << 10)
#define DESC_PXN	(1ull << 53)
#define DESC_UXN	(1ull << 54)

#define TCR_T0SZ	(64u - VMM_IPA_BITS)
#define TCR_IRGN0_WBWA	(1ull << 8)
#define TCR_ORGN0_WBWA	(1ull << 10)
#define TCR_SH0_INNER	(3ull << 12)
#define TCR_TG0_4K	(0ull << 14)
#define TCR_EPD1	(1ull << 23)
#define TCR_IPS_36BIT	(1ull << 32)

#define SCTLR_M		(1ull << 0)
#define SCTLR_C		(1ull << 2)
#define SCTLR_I		(1ull << 12)

_Static_assert(VMM_GICD_BASE < (1ull << 30) && VMM_VIRTIO_BASE < (1ull << 30) &&
	       VMM_UART_BASE < (1ull << 30) && VMM_FW_BASE >= (1ull << 30),
	       "devices in the first GiB, firmware and RAM above it");

static uint64_t l1_table[L1_ENTRIES] __attribute__((aligned(4096)));

void arch_mmu_enable_identity(void)
{
	uint64_t sctlr;

	for (uint64_t i = 0; i < L1_ENTRIES; i++) {
		uint64_t desc = (i << 30) | DESC_BLOCK | DESC_AF;

		if (i == 0)
			desc |= DESC_ATTR(MAIR_DEVICE) | DESC_PXN | DESC_UXN;
		else
			desc |= DESC_ATTR(MAIR_NORMAL) | DESC_SH_INNER;
		l1_table[i] = desc;
	}
	/* The table was written with the MMU off: make sure no stale line hides it. */
	for (uintptr_t p = (uintptr_t)l1_table; p < (uintptr_t)(l1_table + L1_ENTRIES); p += 64)
		__asm__ volatile("dc civac, %0" : : "r"(p) : "memory");
	__asm__ volatile("dsb sy" : : : "memory");
	__asm__ volatile("msr mair_el1, %0" : : "r"(MAIR_VALUE));
	__asm__ volatile("msr tcr_el1, %0" : : "r"(TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
						   TCR_SH0_INNER | TCR_TG0_4K | TCR_EPD1 |
						   TCR_IPS_36BIT));
	__asm__ volatile("msr ttbr0_el1, %0" : : "r"((uint64_t)(uintptr_t)l1_table));
	__asm__ volatile("isb; tlbi vmalle1; dsb nsh; isb" : : : "memory");
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
	__asm__ volatile("msr sctlr_el1, %0; isb" : : "r"(sctlr) : "memory");
}

void arch_dcache_clean(uint64_t start, uint64_t size)
{
	uint64_t ctr, line, end = start + size;

	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	line = 4ull << ((ctr >> 16) & 0xf);
	for (uint64_t p = start & ~(line - 1); p < end; p += line)
		__asm__ volatile("dc civac, %0" : : "r"(p) : "memory");
	__asm__ volatile("dsb sy" : : : "memory");
}
