// SPDX-License-Identifier: MIT
/*
 * Benchmark image bench-tlbi: the cost of TLB invalidation. A window of 64 pages is
 * mapped with 4 KiB pages; every pass reads a word through each window page, points the
 * page at another backing page (a PTE write, TLBI VAAE1IS, DSB, ISB) and reads the word
 * again, which must come from the new page. The checksum is checked against
 * bench_tlbi_model(), which computes it without an MMU.
 */
#include "sim/bench/kernels.h"
#include "sim/tests/lib/mmu.h"
#include "sim/tests/lib/test.h"

TEST_IMAGE("bench-tlbi");

/* Inside the default map's 39-bit VA space, above everything it maps. */
#define WINDOW_VA	0x4000000000ull
#define PAGE		4096u

static uint64_t backing[BENCH_TLBI_PAGES][PAGE / 8] __attribute__((aligned(PAGE)));

static uint64_t page_pa(unsigned page)
{
	return (uint64_t)(uintptr_t)backing[page];	/* identity map: PA == VA */
}

static uint64_t read_window(unsigned i)
{
	return *(volatile const uint64_t *)(WINDOW_VA + (uint64_t)i * PAGE +
					    BENCH_TLBI_WORD * 8);
}

TEST(tlbi)
{
	struct pt *pt = (struct pt *)mmu_default_pt();
	uint64_t *pte[BENCH_TLBI_PAGES], attrs, h = BENCH_MIX_INIT;

	for (unsigned p = 0; p < BENCH_TLBI_PAGES; p++)
		for (unsigned w = 0; w < PAGE / 8; w++)
			backing[p][w] = bench_tlbi_value(p, w);
	for (unsigned i = 0; i < BENCH_TLBI_PAGES; i++) {
		unsigned level;

		pt_map(pt, WINDOW_VA + (uint64_t)i * PAGE, page_pa(bench_tlbi_backing(0, i)), PAGE,
		       PROT_NORMAL_RW, PT_PAGES);
		pte[i] = pt_entry(pt, WINDOW_VA + (uint64_t)i * PAGE, &level);
		if (!EXPECT_EQ(level, 3))
			return;
	}
	tlbi_all();
	attrs = *pte[0] & ~PTE_ADDR_MASK;
	for (unsigned pass = 0; pass < BENCH_TLBI_PASSES; pass++) {
		uint64_t sum = 0;

		for (unsigned i = 0; i < BENCH_TLBI_PAGES; i++) {
			sum += read_window(i);
			*(volatile uint64_t *)pte[i] = page_pa(bench_tlbi_backing(pass + 1, i)) | attrs;
			tlbi_va_all_asid(WINDOW_VA + (uint64_t)i * PAGE);
			sum += 3 * read_window(i);
		}
		h = bench_mix(h, sum);
	}
	EXPECT_EQ(h, bench_tlbi_model(BENCH_TLBI_PASSES));
	EXPECT_SHOW("checksum", h, BENCH_TLBI_EXPECTED);
}
