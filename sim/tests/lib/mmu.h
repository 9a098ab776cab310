/* SPDX-License-Identifier: MIT */
/*
 * Guest test runtime: stage-1 translation tables (4 KiB granule) and the default map.
 *
 * The default map (built by start.S calling mmu_setup_default() with the MMU off, then
 * switched on) is a 39-bit identity map through TTBR0_EL1, TTBR1 walks disabled:
 *   [0, 1 GiB)             Device-nGnRnE, never executable (GIC, UART, ...)
 *   [RAM, image)           Normal, RW at EL1, not executable
 *   image .text            Normal, RO at EL1, executable at EL1
 *   image .rodata          Normal, RO at EL1, not executable
 *   image .el0.text        Normal, RO at EL0 and EL1, executable at EL0 only
 *   image .el0.data        Normal, RW at EL0 and EL1, not executable
 *   image .data/.bss, rest of RAM up to VIRT_RAM_END: Normal, RW at EL1, not executable
 * The image is mapped with 4 KiB pages, the rest of RAM with 2 MiB blocks where aligned.
 * All entries are global with AF set. MAIR_EL1 holds the MT_* attributes below.
 *
 * struct pt builds any other table (tests of the MMU itself): 36..48-bit VA spaces for
 * TTBR0 or TTBR1 (for TTBR1 only the low va_bits of an address index the table). Table
 * pages come from a fixed pool and are never freed; pool exhaustion stops the run.
 */
#ifndef SIMTEST_MMU_H
#define SIMTEST_MMU_H

#include <stdbool.h>
#include <stdint.h>

/* MAIR_EL1 attribute indexes of the runtime. */
#define MT_DEVICE_nGnRnE	0
#define MT_NORMAL		1
#define MT_NORMAL_NC		2
#define MT_DEVICE_nGnRE		3
#define MAIR_DEFAULT		(0x00ull | (0xffull << 8) | (0x44ull << 16) | (0x04ull << 24))

/* Descriptor bits (Arm ARM D8.3). */
#define PTE_VALID		(1ull << 0)
#define PTE_TYPE_TABLE		(1ull << 1)	/* table at levels 0-2, page at level 3 */
#define PTE_ATTRIDX(i)		((uint64_t)(i) << 2)
#define PTE_AP_RW_EL1		(0ull << 6)
#define PTE_AP_RW_ALL		(1ull << 6)
#define PTE_AP_RO_EL1		(2ull << 6)
#define PTE_AP_RO_ALL		(3ull << 6)
#define PTE_AP_MASK		(3ull << 6)
#define PTE_SH_INNER		(3ull << 8)
#define PTE_AF			(1ull << 10)
#define PTE_NG			(1ull << 11)
#define PTE_PXN			(1ull << 53)
#define PTE_UXN			(1ull << 54)
#define PTE_ADDR_MASK		0x0000fffffffff000ull

/* Leaf attribute sets (everything but valid/type/address). */
#define PROT_NORMAL_RW		(PTE_ATTRIDX(MT_NORMAL) | PTE_SH_INNER | PTE_AF | \
				 PTE_AP_RW_EL1 | PTE_PXN | PTE_UXN)
#define PROT_NORMAL_RX		(PTE_ATTRIDX(MT_NORMAL) | PTE_SH_INNER | PTE_AF | \
				 PTE_AP_RO_EL1 | PTE_UXN)
#define PROT_NORMAL_RO		(PTE_ATTRIDX(MT_NORMAL) | PTE_SH_INNER | PTE_AF | \
				 PTE_AP_RO_EL1 | PTE_PXN | PTE_UXN)
#define PROT_DEVICE		(PTE_ATTRIDX(MT_DEVICE_nGnRnE) | PTE_AF | PTE_AP_RW_EL1 | \
				 PTE_PXN | PTE_UXN)

/* TCR_EL1 fields. */
#define TCR_T0SZ(bits)		((uint64_t)(64 - (bits)) << 0)
#define TCR_EPD0		(1ull << 7)
#define TCR_IRGN0_WBWA		(1ull << 8)
#define TCR_ORGN0_WBWA		(1ull << 10)
#define TCR_SH0_INNER		(3ull << 12)
#define TCR_T1SZ(bits)		((uint64_t)(64 - (bits)) << 16)
#define TCR_A1			(1ull << 22)
#define TCR_EPD1		(1ull << 23)
#define TCR_IRGN1_WBWA		(1ull << 24)
#define TCR_ORGN1_WBWA		(1ull << 26)
#define TCR_SH1_INNER		(3ull << 28)
#define TCR_TG1_4K		(2ull << 30)
#define TCR_IPS_40BIT		(2ull << 32)
#define TCR_TBI0		(1ull << 37)
#define TCR_TBI1		(1ull << 38)
#define TCR_TTBR0_WALK		(TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER)
#define TCR_TTBR1_WALK		(TCR_IRGN1_WBWA | TCR_ORGN1_WBWA | TCR_SH1_INNER | TCR_TG1_4K)

#define TTBR_ASID(asid)		((uint64_t)(asid) << 48)

struct pt {
	uint64_t *root;
	unsigned va_bits;
	unsigned start_level;
};

/* Map sizes: a block is used where va, pa and size allow it unless PT_PAGES is given. */
#define PT_PAGES		(1u << 0)

/* Zeroed 4 KiB page from the table pool (also usable as a test's scratch page). */
void *pt_alloc_page(void);
/* An empty table for a VA space of va_bits (36..48). */
void pt_init(struct pt *pt, unsigned va_bits);
/*
 * Map [va, va + size) to [pa, ...) with leaf attributes attrs (PROT_* or PTE_* bits).
 * va, pa, size 4 KiB aligned. Existing entries in the range are overwritten without any
 * TLB maintenance (the caller does it); an existing block in the way stops the run.
 */
void pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
	    unsigned flags);
/*
 * The descriptor that maps va (table walk down to the first block/page/invalid entry),
 * and its level through *level. NULL only if va is outside the table's VA space.
 */
uint64_t *pt_entry(const struct pt *pt, uint64_t va, unsigned *level);

/* The default identity map (see above): built once, before the MMU is on. */
void mmu_setup_default(void);
const struct pt *mmu_default_pt(void);
/* Values of the default configuration, for a test that builds its own from them. */
uint64_t mmu_default_tcr(void);
uint64_t mmu_default_sctlr(void);
/* Load MAIR/TCR/TTBR0 of the default map, invalidate the TLB and turn the MMU on. */
void mmu_enable_default(void);
/* Back to the default map and SCTLR value (runner, between tests). */
void mmu_restore_default(void);

/*
 * Switch translation with the MMU briefly off: write TTBR0, TTBR1, TCR, invalidate all
 * EL1 TLB entries, set SCTLR. The code calling it must be identity-mapped in the new
 * tables (the default map's image mapping can be copied with mmu_map_image()).
 */
void mmu_switch(uint64_t ttbr0, uint64_t ttbr1, uint64_t tcr, uint64_t sctlr);
/* Add the default map's mappings of device space, the image and the rest of RAM. */
void mmu_map_identity(struct pt *pt);

/* TLB maintenance by VA (all ASIDs) and for the whole of EL1&0, Inner Shareable. */
void tlbi_va_all_asid(uint64_t va);
void tlbi_all(void);

#endif /* SIMTEST_MMU_H */
