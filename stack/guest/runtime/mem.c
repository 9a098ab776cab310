// SPDX-License-Identifier: Apache-2.0
/* The runtime's heap: rtlib's allocator over [__heap_start, __heap_end) (runtime.lds). */
#include "stack/guest/runtime/rt_internal.h"

#include "stack/guest/rtlib/rtlib.h"

static struct rt_heap heap;

void rt_heap_setup(void)
{
	if (!rt_heap_init(&heap, __heap_start, (size_t)(__heap_end - __heap_start)))
		rt_panic("no room for a heap");
}

void *rt_malloc(size_t n)
{
	return rt_heap_alloc(&heap, n);
}

void *rt_calloc(size_t nmemb, size_t size)
{
	uint8_t *p;

	if (size && nmemb > (size_t)-1 / size)
		return (void *)0;
	p = rt_heap_alloc(&heap, nmemb * size);
	for (size_t i = 0; p && i < nmemb * size; i++)
		p[i] = 0;
	return p;
}

void rt_free(void *p)
{
	if (!rt_heap_free(&heap, p))
		rt_panic("rt_free(%p): not a live heap block", p);
}
