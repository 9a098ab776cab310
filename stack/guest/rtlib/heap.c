// SPDX-License-Identifier: Apache-2.0
/*
 * First-fit heap (rtlib.h). The region is a chain of blocks, each a 16-byte header
 * (total size, state magic) then its payload; a block's successor starts at
 * header + size. Adjacent free blocks are merged lazily, as allocation walks over them,
 * so free() stays simple; free() itself walks the chain to make sure it is given the
 * start of a live block, so a stray or repeated free cannot corrupt the heap.
 */
#include "stack/guest/rtlib/rtlib.h"

#define MAGIC_USED 0x55534544414c4c4full	/* "OLLADESU" */
#define MAGIC_FREE 0x45455246454c4c4full	/* "OLLEFREE" */
#define HDR 16u
#define MIN_SPLIT (HDR + RT_HEAP_ALIGN)

struct block {
	uint64_t size;		/* header included, multiple of 16 */
	uint64_t magic;
};

static struct block *first(const struct rt_heap *h)
{
	return (struct block *)h->base;
}

static struct block *next(const struct rt_heap *h, struct block *b)
{
	uint8_t *n = (uint8_t *)b + b->size;

	return n < h->base + h->size ? (struct block *)n : (struct block *)0;
}

bool rt_heap_init(struct rt_heap *h, void *base, size_t size)
{
	uintptr_t start = ((uintptr_t)base + RT_HEAP_ALIGN - 1) & ~(uintptr_t)(RT_HEAP_ALIGN - 1);
	size_t lost = start - (uintptr_t)base;

	if (size < lost + 64)
		return false;
	h->base = (uint8_t *)start;
	h->size = (size - lost) & ~(size_t)(RT_HEAP_ALIGN - 1);
	h->used = 0;
	first(h)->size = h->size;
	first(h)->magic = MAGIC_FREE;
	return true;
}

/* Merge the free blocks that follow @b (free) into it. */
static void merge_following(const struct rt_heap *h, struct block *b)
{
	struct block *n;

	while ((n = next(h, b)) && n->magic == MAGIC_FREE)
		b->size += n->size;
}

void *rt_heap_alloc(struct rt_heap *h, size_t n)
{
	size_t need;

	if (n == 0 || n > h->size)
		return (void *)0;
	need = HDR + ((n + RT_HEAP_ALIGN - 1) & ~(size_t)(RT_HEAP_ALIGN - 1));
	for (struct block *b = first(h); b; b = next(h, b)) {
		if (b->magic != MAGIC_FREE)
			continue;
		merge_following(h, b);
		if (b->size < need)
			continue;
		if (b->size - need >= MIN_SPLIT) {
			struct block *rest = (struct block *)((uint8_t *)b + need);

			rest->size = b->size - need;
			rest->magic = MAGIC_FREE;
			b->size = need;
		}
		b->magic = MAGIC_USED;
		h->used += b->size;
		return (uint8_t *)b + HDR;
	}
	return (void *)0;
}

bool rt_heap_free(struct rt_heap *h, void *p)
{
	struct block *target;

	if (!p)
		return true;
	if ((uint8_t *)p < h->base + HDR || (uint8_t *)p >= h->base + h->size)
		return false;
	target = (struct block *)((uint8_t *)p - HDR);
	for (struct block *b = first(h); b && b <= target; b = next(h, b)) {
		if (b != target)
			continue;
		if (b->magic != MAGIC_USED)
			return false;
		b->magic = MAGIC_FREE;
		h->used -= b->size;
		return true;
	}
	return false;
}

size_t rt_heap_largest_free(const struct rt_heap *h)
{
	size_t best = 0, run = 0;

	/* A run of adjacent free blocks is one block once merged. */
	for (struct block *b = first(h); b; b = next(h, b)) {
		run = b->magic == MAGIC_FREE ? run + b->size : 0;
		if (run > HDR && run - HDR > best)
			best = run - HDR;
	}
	return best;
}
