// SPDX-License-Identifier: Apache-2.0
/*
 * The DMA pool (swiotlb-style bounce buffers, docs/RUNTIME.md): 512 KiB of the image
 * (runtime.lds, .dma) where every virtqueue and every buffer a device touches lives.
 * In a protected VM the runtime shares these pages with the host once, at init
 * (MEM_SHARE, page by page), and never shares anything else: drivers copy data between
 * the payload's private memory and the pool. In a normal VM the host sees all memory
 * anyway; the same pool and the same copies are used, so there is one path.
 *
 * A VM is protected when the hyp itself answers HYP_MEMINFO (it refuses pKVM's calls to
 * normal VMs with NOT_SUPPORTED).
 */
#include "stack/guest/runtime/virtio_internal.h"

#include "stack/guest/rtlib/dma_pool.h"

#define PAGE 4096u

extern uint8_t __dma_start[], __dma_end[];

static struct rt_dma_pool pool;
static bool pool_ready;
static int protected_vm = -1;	/* not asked yet */

bool rt_vm_is_protected(void)
{
	if (protected_vm < 0)
		protected_vm = arch_hvc(AVF_HVC_PKVM_HYP_MEMINFO, 0, 0, 0, 0, 0, 0,
					(struct arch_smccc_res *)0) == PAGE;
	return protected_vm;
}

void rt_dma_init(void)
{
	uint64_t start = (uint64_t)(uintptr_t)__dma_start, end = (uint64_t)(uintptr_t)__dma_end;

	if (pool_ready)
		return;
	if (!rt_dma_pool_init(&pool, __dma_start, (size_t)(end - start)) || start % PAGE)
		rt_panic("the DMA pool is not page-aligned");
	for (uint64_t a = start; rt_vm_is_protected() && a < end; a += PAGE) {
		uint64_t ret = arch_hvc(AVF_HVC_PKVM_MEM_SHARE, a, 0, 0, 0, 0, 0,
					(struct arch_smccc_res *)0);

		if (ret != AVF_SMCCC_SUCCESS)
			rt_panic("MEM_SHARE of DMA page %#lx refused (%ld)", (unsigned long)a,
				 (long)ret);
	}
	pool_ready = true;
}

void *rt_dma_alloc(size_t n)
{
	void *p = pool_ready ? rt_dma_pool_alloc(&pool, n) : (void *)0;

	if (!p)
		rt_panic("the DMA pool cannot give %lu bytes", (unsigned long)n);
	return p;
}

void rt_dma_free(void *p, size_t n)
{
	if (!rt_dma_pool_free(&pool, p, n))
		rt_panic("rt_dma_free(%p, %lu): not an allocation of the pool", p, (unsigned long)n);
}

bool rt_dma_contains(const void *p, size_t n)
{
	return pool_ready && rt_dma_pool_contains(&pool, p, n);
}

uint64_t rt_dma_addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}
