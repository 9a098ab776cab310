// SPDX-License-Identifier: Apache-2.0
/* The DMA pool's allocator: first fit over a private bitmap of granules (dma_pool.h). */
#include "stack/guest/rtlib/dma_pool.h"

static bool bit(const struct rt_dma_pool *p, size_t g)
{
	return (p->bitmap[g / 64] >> (g % 64)) & 1;
}

static bool is_start(const struct rt_dma_pool *p, size_t g)
{
	return (p->starts[g / 64] >> (g % 64)) & 1;
}

static void set_start(struct rt_dma_pool *p, size_t g, bool on)
{
	if (on)
		p->starts[g / 64] |= 1ull << (g % 64);
	else
		p->starts[g / 64] &= ~(1ull << (g % 64));
}

static void set_bits(struct rt_dma_pool *p, size_t g, size_t n, bool on)
{
	for (size_t i = g; i < g + n; i++) {
		if (on)
			p->bitmap[i / 64] |= 1ull << (i % 64);
		else
			p->bitmap[i / 64] &= ~(1ull << (i % 64));
	}
}

bool rt_dma_pool_init(struct rt_dma_pool *p, void *base, size_t size)
{
	if (!base || (uintptr_t)base % RT_DMA_GRANULE || size % RT_DMA_GRANULE || size == 0 ||
	    size / RT_DMA_GRANULE > RT_DMA_MAX_GRANULES)
		return false;
	*p = (struct rt_dma_pool){ .base = base, .granules = size / RT_DMA_GRANULE };
	return true;
}

static size_t granules_for(size_t n)
{
	return n / RT_DMA_GRANULE + (n % RT_DMA_GRANULE != 0);
}

void *rt_dma_pool_alloc(struct rt_dma_pool *p, size_t n)
{
	size_t want, run = 0;

	if (n == 0 || n > p->granules * RT_DMA_GRANULE)
		return (void *)0;
	want = granules_for(n);
	for (size_t g = 0; g < p->granules; g++) {
		run = bit(p, g) ? 0 : run + 1;
		if (run == want) {
			size_t first = g + 1 - want;
			uint8_t *ptr = p->base + first * RT_DMA_GRANULE;

			set_bits(p, first, want, true);
			set_start(p, first, true);
			p->used += want;
			for (size_t i = 0; i < want * RT_DMA_GRANULE; i++)
				ptr[i] = 0;
			return ptr;
		}
	}
	return (void *)0;
}

bool rt_dma_pool_contains(const struct rt_dma_pool *p, const void *ptr, size_t n)
{
	uintptr_t a = (uintptr_t)ptr, b = (uintptr_t)p->base;
	size_t size = p->granules * RT_DMA_GRANULE;

	return n > 0 && a >= b && a - b <= size && n <= size - (a - b);
}

bool rt_dma_pool_free(struct rt_dma_pool *p, void *ptr, size_t n)
{
	size_t first, cnt;

	if (!rt_dma_pool_contains(p, ptr, n) ||
	    ((uintptr_t)ptr - (uintptr_t)p->base) % RT_DMA_GRANULE)
		return false;
	first = ((uintptr_t)ptr - (uintptr_t)p->base) / RT_DMA_GRANULE;
	cnt = granules_for(n);
	if (first + cnt > p->granules || !is_start(p, first))
		return false;
	for (size_t g = first; g < first + cnt; g++)
		if (!bit(p, g) || (g > first && is_start(p, g)))
			return false;
	/* The allocation ends exactly here: what follows is free or another one. */
	if (first + cnt < p->granules && bit(p, first + cnt) && !is_start(p, first + cnt))
		return false;
	set_bits(p, first, cnt, false);
	set_start(p, first, false);
	p->used -= cnt;
	return true;
}
