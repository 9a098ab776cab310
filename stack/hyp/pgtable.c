// SPDX-License-Identifier: MIT
/*
 * Guest stage-2 page tables, in the architectural VMSAv8-64 format, in physical memory
 * the hyp took from its pool. 4 KiB granule, lookup starting at level 1 (IPA of 32 to 39
 * bits: VTCR_EL2.SL0 = 1, no concatenated roots), page mappings only: the hyp tracks
 * ownership page by page, so blocks would only have to be split again.
 *
 * Updating a mapping follows Hafnium's prepare/commit: hyp_s2_prepare() allocates every
 * table the leaf needs and may fail; hyp_s2_set() then cannot fail, so a transition that
 * checked all parties and prepared can apply without a way out.
 */
#include <string.h>

#include "stack/hyp/hyp_internal.h"

#define PTES_PER_TABLE	512
#define DESC_TABLE	(S2_VALID | S2_TABLE_OR_PAGE)

static uint64_t *table(struct hyp *h, uint64_t pfn, bool for_write)
{
	uint64_t *t = hyp_page_ptr(h, pfn, for_write);

	HYP_BUG_ON(!t);
	return t;
}

static unsigned idx(uint64_t gfn, unsigned level)
{
	return (gfn >> (9 * (3 - level))) & (PTES_PER_TABLE - 1);
}

int hyp_s2_init(struct hyp *h, struct hyp_s2 *s2, unsigned ipa_bits)
{
	int err;

	if (ipa_bits < 32 || ipa_bits > 39)
		return -EINVAL;
	err = hyp_pool_alloc(h, &s2->root_pfn);
	if (err)
		return err;
	s2->root_pages = 1;
	s2->ipa_bits = ipa_bits;
	/* T0SZ, SL0 = 1 (level 1), inner/outer WB, inner shareable, TG0 = 4K, PS = 40 bits. */
	s2->vtcr = (64 - ipa_bits) | 1ull << 6 | 1ull << 8 | 1ull << 10 | 3ull << 12 | 2ull << 16;
	return 0;
}

/* The next-level table under entry e of table t, allocating it if alloc. */
static int next_table(struct hyp *h, uint64_t tpfn, unsigned i, bool alloc, uint64_t *out)
{
	uint64_t *t = table(h, tpfn, false);
	uint64_t pfn;
	int err;

	if (t[i] & S2_VALID) {
		HYP_BUG_ON((t[i] & DESC_TABLE) != DESC_TABLE);
		*out = (t[i] & S2_OA_MASK) >> PAGE_SHIFT;
		return 0;
	}
	if (!alloc)
		return -ENOENT;
	err = hyp_pool_alloc(h, &pfn);
	if (err)
		return err;
	t = table(h, tpfn, true);
	t[i] = pfn << PAGE_SHIFT | DESC_TABLE;
	*out = pfn;
	return 0;
}

/* The level-3 table holding gfn's leaf. */
static int leaf_table(struct hyp *h, const struct hyp_s2 *s2, uint64_t gfn, bool alloc,
		      uint64_t *l3)
{
	uint64_t l2;
	int err = next_table(h, s2->root_pfn, idx(gfn, 1), alloc, &l2);

	if (err)
		return err;
	return next_table(h, l2, idx(gfn, 2), alloc, l3);
}

int hyp_s2_prepare(struct hyp *h, struct hyp_s2 *s2, uint64_t gfn)
{
	uint64_t l3;

	HYP_BUG_ON(!hyp_s2_gfn_valid(s2, gfn));
	return leaf_table(h, s2, gfn, true, &l3);
}

void hyp_s2_set(struct hyp *h, struct hyp_s2 *s2, uint64_t gfn, uint64_t desc)
{
	uint64_t l3;

	HYP_BUG_ON(leaf_table(h, s2, gfn, false, &l3));
	table(h, l3, true)[idx(gfn, 3)] = desc;
}

uint64_t hyp_s2_get(struct hyp *h, const struct hyp_s2 *s2, uint64_t gfn)
{
	uint64_t l3;

	if (!hyp_s2_gfn_valid(s2, gfn) || leaf_table(h, s2, gfn, false, &l3))
		return 0;
	return table(h, l3, false)[idx(gfn, 3)];
}

uint64_t hyp_s2_leaf(uint64_t pfn, enum hyp_page_state state)
{
	return pfn << PAGE_SHIFT | S2_VALID | S2_TABLE_OR_PAGE | S2_MEMATTR_NORMAL | S2_AP_R |
	       S2_AP_W | S2_SH_INNER | S2_AF | (uint64_t)state << S2_SW_STATE_SHIFT;
}

void hyp_s2_free(struct hyp *h, struct hyp_s2 *s2)
{
	uint64_t *l1 = table(h, s2->root_pfn, false);

	for (unsigned i = 0; i < PTES_PER_TABLE; i++) {
		uint64_t l2pfn, *l2;

		if (!(l1[i] & S2_VALID))
			continue;
		l2pfn = (l1[i] & S2_OA_MASK) >> PAGE_SHIFT;
		l2 = table(h, l2pfn, false);
		for (unsigned j = 0; j < PTES_PER_TABLE; j++)
			if (l2[j] & S2_VALID)
				hyp_pool_free(h, (l2[j] & S2_OA_MASK) >> PAGE_SHIFT);
		hyp_pool_free(h, l2pfn);
	}
	hyp_pool_free(h, s2->root_pfn);
	memset(s2, 0, sizeof(*s2));
}
