// SPDX-License-Identifier: Apache-2.0
/*
 * The DMA pool's allocator (dma_pool.h): alignment, zeroing, exhaustion, refused frees,
 * bounds, that host writes into the pool cannot disturb it (its state is private), and
 * a randomised run against a shadow model of granule ownership.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stack/guest/rtlib/dma_pool.h"

#define POOL (64 * 1024)
static _Alignas(4096) uint8_t mem[POOL + 128];
static struct rt_dma_pool p;

static void test_init(void **state)
{
	assert_false(rt_dma_pool_init(&p, mem + 1, 4096));
	assert_false(rt_dma_pool_init(&p, mem, 100));
	assert_false(rt_dma_pool_init(&p, mem, 0));
	assert_false(rt_dma_pool_init(&p, NULL, 4096));
	assert_false(rt_dma_pool_init(&p, mem, (RT_DMA_MAX_GRANULES + 1) * RT_DMA_GRANULE));
	assert_true(rt_dma_pool_init(&p, mem, POOL));
	assert_int_equal(p.granules, POOL / 64);
}

static void test_alloc_free(void **state)
{
	uint8_t *a, *b, *c;

	memset(mem, 0xab, sizeof(mem));
	assert_true(rt_dma_pool_init(&p, mem, POOL));
	assert_null(rt_dma_pool_alloc(&p, 0));
	assert_null(rt_dma_pool_alloc(&p, POOL + 1));
	a = rt_dma_pool_alloc(&p, 1);
	b = rt_dma_pool_alloc(&p, 65);
	c = rt_dma_pool_alloc(&p, 4096);
	assert_ptr_equal(a, mem);
	assert_ptr_equal(b, mem + 64);
	assert_ptr_equal(c, mem + 192);
	for (int i = 0; i < 4096; i++)
		assert_int_equal(c[i], 0);
	assert_int_equal(p.used, 1 + 2 + 64);
	/* Refused frees change nothing. */
	assert_false(rt_dma_pool_free(&p, b + 64, 64));		/* not its start */
	assert_false(rt_dma_pool_free(&p, b, 64));		/* shorter than it */
	assert_false(rt_dma_pool_free(&p, b, 200));		/* longer: into c */
	assert_false(rt_dma_pool_free(&p, a, 65));		/* a and half of b */
	assert_true(rt_dma_pool_free(&p, b, 65));
	assert_false(rt_dma_pool_free(&p, b, 65));		/* double */
	assert_false(rt_dma_pool_free(&p, a + 1, 1));		/* misaligned */
	assert_false(rt_dma_pool_free(&p, mem + POOL, 64));	/* outside */
	assert_false(rt_dma_pool_free(&p, a, 128));		/* runs into free granules */
	assert_int_equal(p.used, 1 + 64);
	/* The hole is reused first fit. */
	assert_ptr_equal(rt_dma_pool_alloc(&p, 100), mem + 64);
	/* The host scribbling over the pool cannot corrupt the allocator. */
	memset(mem, 0xff, POOL);
	assert_true(rt_dma_pool_free(&p, c, 4096));
	assert_true(rt_dma_pool_free(&p, a, 1));
	assert_int_equal(p.used, 2);
}

static void test_exhaustion_and_contains(void **state)
{
	void *all;

	assert_true(rt_dma_pool_init(&p, mem, POOL));
	all = rt_dma_pool_alloc(&p, POOL);
	assert_ptr_equal(all, mem);
	assert_null(rt_dma_pool_alloc(&p, 1));
	assert_true(rt_dma_pool_contains(&p, mem, POOL));
	assert_true(rt_dma_pool_contains(&p, mem + POOL - 1, 1));
	assert_false(rt_dma_pool_contains(&p, mem + POOL - 1, 2));
	assert_false(rt_dma_pool_contains(&p, mem + POOL, 1));
	assert_false(rt_dma_pool_contains(&p, mem, 0));
	assert_false(rt_dma_pool_contains(&p, mem - 1, 1));
	assert_false(rt_dma_pool_contains(&p, mem + 8, SIZE_MAX));
	assert_true(rt_dma_pool_free(&p, all, POOL));
	assert_int_equal(p.used, 0);
}

static void test_random_against_shadow(void **state)
{
	static int owner[POOL / 64];
	struct { uint8_t *ptr; size_t n; } live[64] = { 0 };
	unsigned seed = 12345;

	assert_true(rt_dma_pool_init(&p, mem, POOL));
	memset(owner, -1, sizeof(owner));
	for (int step = 0; step < 20000; step++) {
		int i = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 64;

		if (live[i].ptr) {
			size_t g = (size_t)(live[i].ptr - mem) / 64;

			assert_true(rt_dma_pool_free(&p, live[i].ptr, live[i].n));
			for (size_t k = g; k < g + (live[i].n + 63) / 64; k++)
				owner[k] = -1;
			live[i].ptr = NULL;
		} else {
			size_t n = 1 + ((seed >> 4) % 3000);
			uint8_t *ptr = rt_dma_pool_alloc(&p, n);

			if (!ptr)
				continue;
			for (size_t k = (size_t)(ptr - mem) / 64; k < (size_t)(ptr - mem) / 64 + (n + 63) / 64; k++) {
				assert_int_equal(owner[k], -1);	/* never handed out twice */
				owner[k] = i;
			}
			memset(ptr, i, n);
			live[i].ptr = ptr;
			live[i].n = n;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_alloc_free),
		cmocka_unit_test(test_exhaustion_and_contains),
		cmocka_unit_test(test_random_against_shadow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
