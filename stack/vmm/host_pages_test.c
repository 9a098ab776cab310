// SPDX-License-Identifier: MIT
/* The host page allocator (host_pages.c): first fit, longest run, merging, double free. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stack/vmm/host_pages.h"

static void alloc_and_merge(void **state)
{
	struct host_pages hp;
	uint64_t pfn, got;

	assert_int_equal(host_pages_init(&hp, 0x1000, 100), 0);
	assert_int_equal(host_pages_alloc(&hp, 10, &pfn, &got), 0);
	assert_int_equal(pfn, 0x1000);
	assert_int_equal(got, 10);
	assert_int_equal(host_pages_alloc(&hp, 20, &pfn, &got), 0);
	assert_int_equal(pfn, 0x100a);
	assert_int_equal(host_pages_nr_free(&hp), 70);
	/* A hole of 10 at the start: first fit takes it for a small request... */
	assert_int_equal(host_pages_free(&hp, 0x1000, 10), 0);
	assert_int_equal(host_pages_alloc(&hp, 4, &pfn, &got), 0);
	assert_int_equal(pfn, 0x1000);
	/* ...but a request it cannot hold goes to the first extent that can. */
	assert_int_equal(host_pages_alloc(&hp, 50, &pfn, &got), 0);
	assert_int_equal(pfn, 0x101e);
	assert_int_equal(got, 50);
	/* Free everything in pieces, out of order: the list merges back to one extent. */
	assert_int_equal(host_pages_free(&hp, 0x101e, 50), 0);
	assert_int_equal(host_pages_free(&hp, 0x1000, 4), 0);
	assert_int_equal(host_pages_free(&hp, 0x100a, 20), 0);
	assert_int_equal(hp.nr, 1);
	assert_int_equal(host_pages_nr_free(&hp), 100);
	assert_int_equal(host_pages_alloc(&hp, 100, &pfn, &got), 0);
	assert_int_equal(got, 100);
	assert_int_equal(host_pages_alloc(&hp, 1, &pfn, &got), -ENOMEM);
	host_pages_fini(&hp);
}

/* No extent long enough: the longest one is handed out whole, the caller asks again. */
static void longest_run(void **state)
{
	struct host_pages hp;
	uint64_t pfn, got, p[5];

	assert_int_equal(host_pages_init(&hp, 0, 50), 0);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(host_pages_alloc(&hp, 10, &p[i], &got), 0);
	assert_int_equal(host_pages_free(&hp, p[1], 10), 0);	/* holes of 10 and 20 */
	assert_int_equal(host_pages_free(&hp, p[3], 10), 0);
	assert_int_equal(host_pages_free(&hp, p[4], 10), 0);
	assert_int_equal(host_pages_alloc(&hp, 25, &pfn, &got), 0);
	assert_int_equal(pfn, 30);
	assert_int_equal(got, 20);
	assert_int_equal(host_pages_alloc(&hp, 25, &pfn, &got), 0);
	assert_int_equal(pfn, 10);
	assert_int_equal(got, 10);
	host_pages_fini(&hp);
}

static void bad_frees(void **state)
{
	struct host_pages hp;
	uint64_t pfn, got;

	assert_int_equal(host_pages_init(&hp, 100, 10), 0);
	assert_int_equal(host_pages_alloc(&hp, 4, &pfn, &got), 0);
	assert_int_equal(host_pages_free(&hp, 100, 5), -EINVAL);	/* overlaps free */
	assert_int_equal(host_pages_free(&hp, 103, 2), -EINVAL);
	assert_int_equal(host_pages_free(&hp, 99, 1), -EINVAL);	/* outside */
	assert_int_equal(host_pages_free(&hp, 109, 2), -EINVAL);
	assert_int_equal(host_pages_free(&hp, 100, 0), -EINVAL);
	assert_int_equal(host_pages_free(&hp, UINT64_MAX, 2), -EINVAL);
	assert_int_equal(host_pages_nr_free(&hp), 6);
	assert_int_equal(host_pages_free(&hp, 100, 4), 0);
	assert_int_equal(host_pages_free(&hp, 100, 4), -EINVAL);	/* double free */
	assert_int_equal(host_pages_alloc(&hp, 0, &pfn, &got), -EINVAL);
	host_pages_fini(&hp);
	assert_int_equal(host_pages_init(&hp, 0, 0), -EINVAL);
}

/* Many separate holes: the extent list grows past its first allocation. */
static void many_extents(void **state)
{
	struct host_pages hp;
	uint64_t pfn, got;

	assert_int_equal(host_pages_init(&hp, 0, 200), 0);
	for (unsigned i = 0; i < 200; i++)
		assert_int_equal(host_pages_alloc(&hp, 1, &pfn, &got), 0);
	for (unsigned i = 0; i < 200; i += 2)
		assert_int_equal(host_pages_free(&hp, i, 1), 0);
	assert_int_equal(hp.nr, 100);
	for (unsigned i = 1; i < 200; i += 2)
		assert_int_equal(host_pages_free(&hp, i, 1), 0);
	assert_int_equal(hp.nr, 1);
	assert_int_equal(host_pages_nr_free(&hp), 200);
	host_pages_fini(&hp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alloc_and_merge),
		cmocka_unit_test(longest_run),
		cmocka_unit_test(bad_frees),
		cmocka_unit_test(many_extents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
