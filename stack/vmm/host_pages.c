// SPDX-License-Identifier: MIT
/* The host's page allocator: sorted free extents, first fit, merge on free. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stack/vmm/host_pages.h"

int host_pages_init(struct host_pages *hp, uint64_t first_pfn, uint64_t nr_pfns)
{
	memset(hp, 0, sizeof(*hp));
	if (!nr_pfns || first_pfn + nr_pfns < first_pfn)
		return -EINVAL;
	hp->cap = 16;
	hp->ext = calloc(hp->cap, sizeof(*hp->ext));
	if (!hp->ext)
		return -ENOMEM;
	pthread_mutex_init(&hp->lock, NULL);
	hp->ext[0] = (struct host_extent){ first_pfn, nr_pfns };
	hp->nr = 1;
	hp->nr_free = nr_pfns;
	hp->first_pfn = first_pfn;
	hp->nr_pfns = nr_pfns;
	return 0;
}

void host_pages_fini(struct host_pages *hp)
{
	if (!hp->ext)
		return;
	pthread_mutex_destroy(&hp->lock);
	free(hp->ext);
	memset(hp, 0, sizeof(*hp));
}

static void remove_extent(struct host_pages *hp, size_t i)
{
	memmove(&hp->ext[i], &hp->ext[i + 1], (hp->nr - i - 1) * sizeof(*hp->ext));
	hp->nr--;
}

int host_pages_alloc(struct host_pages *hp, uint64_t want, uint64_t *pfn, uint64_t *got)
{
	size_t i, best = 0;

	if (!want)
		return -EINVAL;
	pthread_mutex_lock(&hp->lock);
	if (!hp->nr) {
		pthread_mutex_unlock(&hp->lock);
		return -ENOMEM;
	}
	for (i = 0; i < hp->nr && hp->ext[i].count < want; i++)
		if (hp->ext[i].count > hp->ext[best].count)
			best = i;
	if (i < hp->nr)
		best = i;
	*pfn = hp->ext[best].pfn;
	*got = hp->ext[best].count < want ? hp->ext[best].count : want;
	hp->ext[best].pfn += *got;
	hp->ext[best].count -= *got;
	if (!hp->ext[best].count)
		remove_extent(hp, best);
	hp->nr_free -= *got;
	pthread_mutex_unlock(&hp->lock);
	return 0;
}

/* Insert [pfn, pfn + count) at index i (the first extent above it), merging. */
static int insert_extent(struct host_pages *hp, size_t i, uint64_t pfn, uint64_t count)
{
	bool merge_prev = i > 0 && hp->ext[i - 1].pfn + hp->ext[i - 1].count == pfn;
	bool merge_next = i < hp->nr && pfn + count == hp->ext[i].pfn;

	if (merge_prev && merge_next) {
		hp->ext[i - 1].count += count + hp->ext[i].count;
		remove_extent(hp, i);
	} else if (merge_prev) {
		hp->ext[i - 1].count += count;
	} else if (merge_next) {
		hp->ext[i].pfn = pfn;
		hp->ext[i].count += count;
	} else {
		if (hp->nr == hp->cap) {
			struct host_extent *n = realloc(hp->ext, 2 * hp->cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			hp->ext = n;
			hp->cap *= 2;
		}
		memmove(&hp->ext[i + 1], &hp->ext[i], (hp->nr - i) * sizeof(*hp->ext));
		hp->ext[i] = (struct host_extent){ pfn, count };
		hp->nr++;
	}
	return 0;
}

int host_pages_free(struct host_pages *hp, uint64_t pfn, uint64_t count)
{
	size_t i;
	int err;

	if (!count || pfn < hp->first_pfn || pfn - hp->first_pfn >= hp->nr_pfns ||
	    count > hp->nr_pfns - (pfn - hp->first_pfn))
		return -EINVAL;
	pthread_mutex_lock(&hp->lock);
	for (i = 0; i < hp->nr && hp->ext[i].pfn < pfn; i++)
		;
	err = -EINVAL;
	if ((i > 0 && hp->ext[i - 1].pfn + hp->ext[i - 1].count > pfn) ||
	    (i < hp->nr && pfn + count > hp->ext[i].pfn))
		goto unlock;
	err = insert_extent(hp, i, pfn, count);
	if (!err)
		hp->nr_free += count;
unlock:
	pthread_mutex_unlock(&hp->lock);
	return err;
}

uint64_t host_pages_nr_free(struct host_pages *hp)
{
	uint64_t n;

	pthread_mutex_lock(&hp->lock);
	n = hp->nr_free;
	pthread_mutex_unlock(&hp->lock);
	return n;
}
