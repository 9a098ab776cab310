// SPDX-License-Identifier: MIT
/*
 * The hyp's page pool: pages the host donated at init, handed out zeroed for stage-2
 * tables. A stack of free pfns is enough: every allocation is one page. Running out is an
 * error the caller sees (-ENOMEM), never a crash. Guarded by h->lock.
 */
#include <stdlib.h>
#include <string.h>

#include "stack/hyp/hyp_internal.h"

int hyp_pool_init(struct hyp *h, uint64_t base_pfn, uint64_t nr_pages)
{
	struct hyp_pool *p = &h->pool;

	p->free = malloc((nr_pages ? nr_pages : 1) * sizeof(*p->free));
	if (!p->free)
		return -ENOMEM;
	p->base_pfn = base_pfn;
	p->nr_pages = nr_pages;
	/* Hand out the lowest pages first: deterministic and easy to read in dumps. */
	for (uint64_t i = 0; i < nr_pages; i++)
		p->free[i] = base_pfn + nr_pages - 1 - i;
	p->nr_free = nr_pages;
	return 0;
}

void hyp_pool_fini(struct hyp *h)
{
	free(h->pool.free);
	h->pool.free = NULL;
}

int hyp_pool_alloc(struct hyp *h, uint64_t *pfn)
{
	struct hyp_pool *p = &h->pool;
	void *page;

	hyp_assert_lock_held(&h->lock);
	/* hyp.pool_oom: for this whole call the pool behaves as if it were empty. */
	if (!p->nr_free || hyp_fault_pool_empty())
		return -ENOMEM;
	*pfn = p->free[--p->nr_free];
	page = hyp_page_ptr(h, *pfn, true);
	HYP_BUG_ON(!page);
	memset(page, 0, PAGE_SIZE);
	return 0;
}

void hyp_pool_free(struct hyp *h, uint64_t pfn)
{
	struct hyp_pool *p = &h->pool;

	hyp_assert_lock_held(&h->lock);
	HYP_BUG_ON(pfn < p->base_pfn || pfn - p->base_pfn >= p->nr_pages);
	HYP_BUG_ON(p->nr_free == p->nr_pages);
	p->free[p->nr_free++] = pfn;
}
