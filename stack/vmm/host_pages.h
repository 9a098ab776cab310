/* SPDX-License-Identifier: MIT */
/*
 * The host's allocator of the physical pages it still owns (private to stack/vmm/).
 *
 * The hyp decides who owns each page; this only remembers which of the host's own pages
 * no VM uses yet. Free space is a sorted list of extents (first pfn, count), merged on
 * free, so that guest RAM can be handed out as few long runs (one memslot each on the
 * kvm backend) and a double free is caught instead of corrupting the list.
 *
 * Invariant the VMM keeps: every free page is zero. Physical memory starts zeroed;
 * pages come back either scrubbed by the hyp (reclaimed from a protected VM) or zeroed
 * by the VMM before it frees them, so a VM never sees another VM's data.
 *
 * Thread-safe (one mutex); allocation is deterministic (first fit, lowest address).
 */
#ifndef AVF_VMM_HOST_PAGES_H
#define AVF_VMM_HOST_PAGES_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct host_extent {
	uint64_t pfn;
	uint64_t count;
};

struct host_pages {
	pthread_mutex_t lock;
	struct host_extent *ext;	/* sorted by pfn, disjoint, never adjacent */
	size_t nr, cap;
	uint64_t nr_free;
	uint64_t first_pfn, nr_pfns;	/* the range the allocator manages */
};

/* Manage [first_pfn, first_pfn + nr_pfns), all free. 0, -EINVAL (empty), -ENOMEM. */
int host_pages_init(struct host_pages *hp, uint64_t first_pfn, uint64_t nr_pfns);
void host_pages_fini(struct host_pages *hp);

/*
 * Take a run of pages: the first extent holding want pages gives its first want pages;
 * if no extent is that long, the longest one is taken whole (*got < want; call again
 * for the rest). Returns 0 with *pfn, *got (>= 1), or -ENOMEM when nothing is free, or
 * -EINVAL for want == 0.
 */
int host_pages_alloc(struct host_pages *hp, uint64_t want, uint64_t *pfn, uint64_t *got);

/*
 * Give back [pfn, pfn + count). -EINVAL if the range is empty, leaves the managed range,
 * or overlaps pages already free (a double free: nothing changes); -ENOMEM if the list
 * cannot grow (nothing changes).
 */
int host_pages_free(struct host_pages *hp, uint64_t pfn, uint64_t count);

uint64_t host_pages_nr_free(struct host_pages *hp);

#endif /* AVF_VMM_HOST_PAGES_H */
