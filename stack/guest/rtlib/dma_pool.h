/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The allocator of the runtime's DMA pool: the swiotlb-style region a protected VM
 * shares with the host once (docs/RUNTIME.md, "Bounce buffers"), where every virtqueue
 * and every buffer a device touches lives. Freestanding, host-testable.
 *
 * The pool's memory is readable and writable by the host, so nothing of the allocator
 * lives in it: its state is a bitmap of 64-byte granules in struct rt_dma_pool (private
 * memory). The host scribbling over the pool can corrupt data in flight, never the
 * allocator. Callers pass the size back on free (like dma_free_coherent), and it must
 * match the allocation.
 */
#ifndef AVF_GUEST_DMA_POOL_H
#define AVF_GUEST_DMA_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RT_DMA_GRANULE		64u
#define RT_DMA_MAX_GRANULES	8192u	/* 512 KiB at most */

struct rt_dma_pool {
	uint8_t *base;
	size_t granules;
	size_t used;			/* granules allocated */
	uint64_t bitmap[RT_DMA_MAX_GRANULES / 64];	/* allocated granules */
	uint64_t starts[RT_DMA_MAX_GRANULES / 64];	/* first granule of each allocation */
};

/* Manage [@base, @base + @size): @base 64-byte aligned, @size a multiple of 64, at most
 * RT_DMA_MAX_GRANULES granules. false otherwise. */
bool rt_dma_pool_init(struct rt_dma_pool *p, void *base, size_t size);
/* @n bytes (n > 0), 64-byte aligned, zeroed; NULL when no free run is long enough. */
void *rt_dma_pool_alloc(struct rt_dma_pool *p, size_t n);
/* Free what rt_dma_pool_alloc(@n) returned. false (nothing changed) unless @ptr and @n
 * are exactly one live allocation (its start, its size rounded to granules). */
bool rt_dma_pool_free(struct rt_dma_pool *p, void *ptr, size_t n);
/* True when [@ptr, @ptr + @n) lies inside the pool (n > 0). */
bool rt_dma_pool_contains(const struct rt_dma_pool *p, const void *ptr, size_t n);

#endif /* AVF_GUEST_DMA_POOL_H */
