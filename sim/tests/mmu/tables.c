// SPDX-License-Identifier: MIT
/*
 * mmu: stage-1 tables built by the test: 39-bit (start level 1) and 48-bit (start
 * level 0) VA spaces, identity plus non-identity mappings with 4 KiB pages, 2 MiB and
 * 1 GiB blocks, TTBR1 for the upper range, translation faults at each level (also
 * through AT S1E1R), top-byte-ignore.
 */
#include "sim/tests/lib/expect_exc.h"
#include "sim/tests/lib/test.h"
#include "sim/tests/mmu/mmu_util.h"

TEST_IMAGE("mmu");

/* RAM far above the image (which ends below 0x40200000), 2 MiB aligned. */
#define FREE_RAM_2M	0x40400000ull

TEST(pages_and_blocks_39bit)
{
	struct pt pt;
	uint64_t page = tagged_page(0x1111);
	uint64_t va_page = 0x4000000000ull, va_2m = 0x4040000000ull, va_1g = 0x4100000000ull;
	static uint64_t image_word = 0x600d;

	identity_table(&pt, 39);
	pt_map(&pt, va_page, page, PAGE_SIZE, PROT_NORMAL_RW, 0);
	pt_map(&pt, va_2m, FREE_RAM_2M, 2ull << 20, PROT_NORMAL_RW, 0);
	pt_map(&pt, va_1g, VIRT_RAM_BASE, 1ull << 30, PROT_NORMAL_RW, 0);
	poke(FREE_RAM_2M + 0x1ff008, 0x2222);
	use_ttbr0(&pt);
	EXPECT_SHOW("page alias", peek(va_page), 0x1111);
	EXPECT_SHOW("2M block alias", peek(va_2m + 0x1ff008), 0x2222);
	EXPECT_SHOW("1G block alias", peek(va_1g + ((uint64_t)&image_word - VIRT_RAM_BASE)),
		    0x600d);
	poke(va_page + 8, 0x3333);
	EXPECT_SHOW("write through alias", ((uint64_t *)page)[1], 0x3333);
	mmu_restore_default();
}

TEST(four_levels_48bit)
{
	struct pt pt;
	uint64_t page = tagged_page(0x4848);
	uint64_t va = 0x0000a00000000000ull + 0x12345000;

	identity_table(&pt, 48);
	EXPECT_SHOW("start level", pt.start_level, 0);
	pt_map(&pt, va, page, PAGE_SIZE, PROT_NORMAL_RW, PT_PAGES);
	use_ttbr0(&pt);
	EXPECT_SHOW("48-bit alias", peek(va), 0x4848);
	EXPECT_SHOW("at s1e1r pa", at_read(va + 0x10), page);
	mmu_restore_default();
}

TEST(ttbr1_upper_range)
{
	struct pt pt1_39, pt1_48;
	uint64_t page = tagged_page(0xf00d), page2 = tagged_page(0xcafe);
	uint64_t va39 = 0xffffff8000001000ull, va48 = 0xffff000000002000ull;
	uint64_t tcr;

	pt_init(&pt1_39, 39);
	pt_map(&pt1_39, va39, page, PAGE_SIZE, PROT_NORMAL_RW, 0);
	tcr = mmu_default_tcr() & ~TCR_EPD1;
	mmu_switch((uint64_t)mmu_default_pt()->root, (uint64_t)pt1_39.root,
		   tcr | TCR_T1SZ(39) | TCR_TTBR1_WALK, mmu_default_sctlr());
	EXPECT_SHOW("ttbr1 39-bit", peek(va39), 0xf00d);
	pt_init(&pt1_48, 48);
	pt_map(&pt1_48, va48, page2, PAGE_SIZE, PROT_NORMAL_RW, 0);
	mmu_switch((uint64_t)mmu_default_pt()->root, (uint64_t)pt1_48.root,
		   tcr | TCR_T1SZ(48) | TCR_TTBR1_WALK, mmu_default_sctlr());
	EXPECT_SHOW("ttbr1 48-bit", peek(va48), 0xcafe);
	mmu_restore_default();
}

TEST(translation_fault_levels)
{
	static const struct {
		uint64_t va;
		unsigned level;
	} cases[] = {
		{ 0x0000700000000000ull, 0 },	/* empty level-0 entry */
		{ 0x0000a00140000000ull, 1 },	/* level-1 table exists, entry empty */
		{ 0x0000a00002000000ull, 2 },
		{ 0x0000a00012346000ull, 3 },	/* neighbour of the mapped page */
	};
	struct pt pt;
	struct caught c;

	identity_table(&pt, 48);
	pt_map(&pt, 0x0000a00012345000ull, tagged_page(1), PAGE_SIZE, PROT_NORMAL_RW, PT_PAGES);
	use_ttbr0(&pt);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_SHOW("at s1e1r fault", at_read(cases[i].va),
			    AT_FAULT | FSC_TRANSLATION(cases[i].level));
		except_catch(&c, CATCH_SKIP);
		peek(cases[i].va);
		except_catch_end();
		EXPECT_CAUGHT("load", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_DABT_CUR,
			      .fsc = FSC_TRANSLATION(cases[i].level), .wnr = 0, .far = cases[i].va);
	}
	mmu_restore_default();
}

TEST(top_byte_ignore)
{
	static uint64_t word = 0x7b1;
	uint64_t tagged = (uint64_t)&word | (0x5aull << 56);
	struct caught c;

	/* TBI0 clear: the tag makes the address fall outside both VA ranges. */
	except_catch(&c, CATCH_SKIP);
	peek(tagged);
	except_catch_end();
	EXPECT_CAUGHT("tagged, TBI0=0", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_DABT_CUR,
		      .fsc = FSC_TRANSLATION(0), .wnr = 0, .far = tagged);
	mmu_switch((uint64_t)mmu_default_pt()->root, 0, mmu_default_tcr() | TCR_TBI0,
		   mmu_default_sctlr());
	EXPECT_SHOW("tagged, TBI0=1", peek(tagged), 0x7b1);
	mmu_restore_default();
}
