// SPDX-License-Identifier: MIT
/* Stage-1 tables and the default identity map (see mmu.h). */
#include "sim/tests/lib/mmu.h"

#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/console.h"
#include "sim/tests/lib/mem.h"
#include "sim/tests/lib/psci.h"

#define PT_POOL_PAGES	160
#define PT_ENTRIES	512

/* Image layout, from image.lds. */
extern char __image_start[], __text_end[], __rodata_end[], __el0_text_end[];
extern char __el0_data_end[], __image_end[];

static uint8_t pt_pool[PT_POOL_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static unsigned pt_pool_used;
static struct pt default_pt;

static void pt_die(const char *why)
{
	printf("mmu: %s; stopping\n", why);
	psci_system_off();
}

void *pt_alloc_page(void)
{
	void *page;

	if (pt_pool_used == PT_POOL_PAGES)
		pt_die("table pool exhausted");
	page = pt_pool[pt_pool_used++];
	memset(page, 0, PAGE_SIZE);
	return page;
}

static unsigned level_shift(unsigned level)
{
	return 12 + 9 * (3 - level);
}

static unsigned pt_index(const struct pt *pt, uint64_t va, unsigned level)
{
	uint64_t low = va & ((1ull << pt->va_bits) - 1);

	return (unsigned)(low >> level_shift(level)) & (PT_ENTRIES - 1);
}

void pt_init(struct pt *pt, unsigned va_bits)
{
	unsigned levels = (va_bits - 12 + 8) / 9;

	if (va_bits < 36 || va_bits > 48)
		pt_die("unsupported VA size");
	pt->va_bits = va_bits;
	pt->start_level = 4 - levels;
	pt->root = pt_alloc_page();
}

static uint64_t *next_table(uint64_t *entry)
{
	uint64_t *table;

	if (!(*entry & PTE_VALID)) {
		table = pt_alloc_page();
		*entry = (uint64_t)table | PTE_VALID | PTE_TYPE_TABLE;
		return table;
	}
	if (!(*entry & PTE_TYPE_TABLE))
		pt_die("pt_map: a block is in the way");
	return (uint64_t *)(*entry & PTE_ADDR_MASK);
}

/* A block of this level can map the start of the remaining range. */
static bool block_fits(unsigned level, uint64_t va, uint64_t pa, uint64_t size,
		       unsigned flags)
{
	uint64_t bsz = 1ull << level_shift(level);

	if (level == 0 || (flags & PT_PAGES))
		return false;
	return !(va & (bsz - 1)) && !(pa & (bsz - 1)) && size >= bsz;
}

void pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
	    unsigned flags)
{
	if ((va | pa | size) & (PAGE_SIZE - 1))
		pt_die("pt_map: unaligned range");
	while (size) {
		uint64_t *table = pt->root, leaf_size;
		unsigned level = pt->start_level;

		for (; level < 3 && !block_fits(level, va, pa, size, flags); level++)
			table = next_table(&table[pt_index(pt, va, level)]);
		leaf_size = 1ull << level_shift(level);
		table[pt_index(pt, va, level)] = pa | attrs | PTE_VALID |
						 (level == 3 ? PTE_TYPE_TABLE : 0);
		va += leaf_size;
		pa += leaf_size;
		size -= leaf_size;
	}
}

uint64_t *pt_entry(const struct pt *pt, uint64_t va, unsigned *level)
{
	uint64_t *table = pt->root, *e;
	unsigned lvl;

	for (lvl = pt->start_level;; lvl++) {
		e = &table[pt_index(pt, va, lvl)];
		if (lvl == 3 || (*e & (PTE_VALID | PTE_TYPE_TABLE)) !=
				(PTE_VALID | PTE_TYPE_TABLE))
			break;
		table = (uint64_t *)(*e & PTE_ADDR_MASK);
	}
	if (level)
		*level = lvl;
	return e;
}

static void map_section(struct pt *pt, const char *start, const char *end, uint64_t attrs)
{
	uint64_t s = (uint64_t)start, e = ALIGN_UP((uint64_t)end, PAGE_SIZE);

	if (e > s)
		pt_map(pt, s, s, e - s, attrs, PT_PAGES);
}

void mmu_map_identity(struct pt *pt)
{
	uint64_t image_end = ALIGN_UP((uint64_t)__image_end, PAGE_SIZE);
	uint64_t ram_2m = ALIGN_UP(image_end, 2ull << 20);

	pt_map(pt, 0, 0, VIRT_RAM_BASE, PROT_DEVICE, 0);
	map_section(pt, (char *)VIRT_RAM_BASE, __image_start, PROT_NORMAL_RW);
	map_section(pt, __image_start, __text_end, PROT_NORMAL_RX);
	map_section(pt, __text_end, __rodata_end, PROT_NORMAL_RO);
	map_section(pt, __rodata_end, __el0_text_end,
		    PTE_ATTRIDX(MT_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_AP_RO_ALL | PTE_PXN);
	map_section(pt, __el0_text_end, __el0_data_end,
		    PTE_ATTRIDX(MT_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_AP_RW_ALL |
		    PTE_PXN | PTE_UXN);
	map_section(pt, __el0_data_end, (char *)ram_2m, PROT_NORMAL_RW);
	if (ram_2m < VIRT_RAM_END)
		pt_map(pt, ram_2m, ram_2m, VIRT_RAM_END - ram_2m, PROT_NORMAL_RW, 0);
}

void mmu_setup_default(void)
{
	pt_init(&default_pt, 39);
	mmu_map_identity(&default_pt);
}

const struct pt *mmu_default_pt(void)
{
	return &default_pt;
}

uint64_t mmu_default_tcr(void)
{
	return TCR_T0SZ(39) | TCR_TTBR0_WALK | TCR_EPD1 | TCR_IPS_40BIT;
}

uint64_t mmu_default_sctlr(void)
{
	return SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_nTWI | SCTLR_nTWE;
}

void mmu_switch(uint64_t ttbr0, uint64_t ttbr1, uint64_t tcr, uint64_t sctlr)
{
	/* One asm block: no compiler-generated access may fall in the MMU-off window. */
	asm volatile(
		"	dsb	ish\n"
		"	mrs	x9, sctlr_el1\n"
		"	bic	x9, x9, #1\n"
		"	msr	sctlr_el1, x9\n"
		"	isb\n"
		"	msr	ttbr0_el1, %0\n"
		"	msr	ttbr1_el1, %1\n"
		"	msr	tcr_el1, %2\n"
		"	isb\n"
		"	tlbi	vmalle1\n"
		"	dsb	nsh\n"
		"	isb\n"
		"	msr	sctlr_el1, %3\n"
		"	isb\n"
		:: "r"(ttbr0), "r"(ttbr1), "r"(tcr), "r"(sctlr) : "x9", "memory");
}

void mmu_enable_default(void)
{
	write_sysreg(mair_el1, MAIR_DEFAULT);
	mmu_switch((uint64_t)default_pt.root, 0, mmu_default_tcr(), mmu_default_sctlr());
}

void mmu_restore_default(void)
{
	write_sysreg(mair_el1, MAIR_DEFAULT);
	mmu_switch((uint64_t)default_pt.root, 0, mmu_default_tcr(), mmu_default_sctlr());
}

void tlbi_va_all_asid(uint64_t va)
{
	dsb(ishst);
	asm volatile("tlbi vaae1is, %0" :: "r"((va >> 12) & ((1ull << 44) - 1)) : "memory");
	dsb(ish);
	isb();
}

void tlbi_all(void)
{
	dsb(ishst);
	asm volatile("tlbi vmalle1is" ::: "memory");
	dsb(ish);
	isb();
}
