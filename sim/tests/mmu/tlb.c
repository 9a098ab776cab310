// SPDX-License-Identifier: MIT
/*
 * mmu: TLB maintenance and ASIDs. A remap (break-before-make with TLBI) must be seen by
 * the next access; an unmap must fault. Two tables with different non-global mappings
 * of one VA, tagged with different ASIDs, must each see their own page when TTBR0 is
 * switched without any invalidation. Only what the architecture guarantees is checked:
 * never that a stale entry survives a missing TLBI.
 */
#include "sim/tests/lib/expect_exc.h"
#include "sim/tests/lib/test.h"
#include "sim/tests/mmu/mmu_util.h"

#define VA_X 0x5000000000ull

/* Break-before-make: invalidate the entry, TLBI, then write the new one. */
static void remap(uint64_t *pte, uint64_t new_pte, uint64_t va)
{
	*pte = 0;
	tlbi_va_all_asid(va);
	*pte = new_pte;
	dsb(ishst);
	isb();
}

TEST(tlbi_after_remap)
{
	struct pt pt;
	struct caught c;
	uint64_t a = tagged_page(0xaaaa), b = tagged_page(0xbbbb), *pte;

	identity_table(&pt, 39);
	pt_map(&pt, VA_X, a, PAGE_SIZE, PROT_NORMAL_RW, PT_PAGES);
	use_ttbr0(&pt);
	EXPECT_SHOW("before remap", peek(VA_X), 0xaaaa);
	pte = pt_entry(&pt, VA_X, NULL);
	remap(pte, b | PROT_NORMAL_RW | PTE_VALID | PTE_TYPE_TABLE, VA_X);
	EXPECT_SHOW("after remap", peek(VA_X), 0xbbbb);
	*pte = 0;
	tlbi_va_all_asid(VA_X);
	except_catch(&c, CATCH_SKIP);
	peek(VA_X);
	except_catch_end();
	EXPECT_CAUGHT("after unmap", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_DABT_CUR,
		      .fsc = FSC_TRANSLATION(3), .wnr = 0, .far = VA_X);
	*pte = a | PROT_NORMAL_RW | PTE_VALID | PTE_TYPE_TABLE;
	dsb(ishst);
	isb();
	EXPECT_SHOW("mapped again", peek(VA_X), 0xaaaa);
	mmu_restore_default();
}

TEST(tlbi_all_after_table_edit)
{
	struct pt pt;
	uint64_t a = tagged_page(0x1), b = tagged_page(0x2), *pte;

	identity_table(&pt, 39);
	pt_map(&pt, VA_X, a, PAGE_SIZE, PROT_NORMAL_RW, PT_PAGES);
	use_ttbr0(&pt);
	EXPECT_SHOW("first", peek(VA_X), 1);
	pte = pt_entry(&pt, VA_X, NULL);
	*pte = 0;
	tlbi_all();
	*pte = b | PROT_NORMAL_RW | PTE_VALID | PTE_TYPE_TABLE;
	tlbi_all();
	EXPECT_SHOW("after vmalle1is", peek(VA_X), 2);
	mmu_restore_default();
}

static void set_ttbr0(const struct pt *pt, unsigned asid)
{
	write_sysreg(ttbr0_el1, (uint64_t)pt->root | TTBR_ASID(asid));
	isb();
}

TEST(asids_tag_translations)
{
	struct pt one, two;
	uint64_t a = tagged_page(0xa1), b = tagged_page(0xb2), c = tagged_page(0xc3), *pte;

	identity_table(&one, 39);
	identity_table(&two, 39);
	pt_map(&one, VA_X, a, PAGE_SIZE, PROT_NORMAL_RW | PTE_NG, PT_PAGES);
	pt_map(&two, VA_X, b, PAGE_SIZE, PROT_NORMAL_RW | PTE_NG, PT_PAGES);
	use_ttbr0(&one);
	set_ttbr0(&one, 1);
	EXPECT_SHOW("asid 1", peek(VA_X), 0xa1);
	/* Switching table and ASID together needs no TLB invalidation. */
	set_ttbr0(&two, 2);
	EXPECT_SHOW("asid 2", peek(VA_X), 0xb2);
	set_ttbr0(&one, 1);
	EXPECT_SHOW("asid 1 again", peek(VA_X), 0xa1);
	/* Remap in ASID 1 with TLBI by VA and ASID; ASID 2 keeps its page. */
	pte = pt_entry(&one, VA_X, NULL);
	*pte = 0;
	dsb(ishst);
	asm volatile("tlbi vae1is, %0" :: "r"((VA_X >> 12) | (1ull << 48)) : "memory");
	dsb(ish);
	*pte = c | PROT_NORMAL_RW | PTE_NG | PTE_VALID | PTE_TYPE_TABLE;
	dsb(ishst);
	isb();
	EXPECT_SHOW("asid 1 remapped", peek(VA_X), 0xc3);
	set_ttbr0(&two, 2);
	EXPECT_SHOW("asid 2 unchanged", peek(VA_X), 0xb2);
	/* Invalidate all of ASID 2, then the table itself is read again. */
	asm volatile("dsb ishst\n\ttlbi aside1is, %0\n\tdsb ish\n\tisb"
		     :: "r"(2ull << 48) : "memory");
	EXPECT_SHOW("asid 2 after aside1is", peek(VA_X), 0xb2);
	mmu_restore_default();
}
