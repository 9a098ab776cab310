// SPDX-License-Identifier: MIT
/*
 * The benchmark kernels on the host: each checksum the guest images print must be the
 * constant in kernels.h. The images compare against the same constants, so QEMU, the
 * sim and the host all have to agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/bench/kernels.h"

static void test_crc(void **state)
{
	(void)state;
	assert_int_equal(bench_crc(BENCH_CRC_PASSES), BENCH_CRC_EXPECTED);
}

static void test_sort(void **state)
{
	(void)state;
	assert_int_equal(bench_sort(BENCH_SORT_PASSES), BENCH_SORT_EXPECTED);
}

static void test_matmul(void **state)
{
	(void)state;
	assert_int_equal(bench_matmul(BENCH_MATMUL_PASSES), BENCH_MATMUL_EXPECTED);
}

static void test_memcpy(void **state)
{
	(void)state;
	assert_int_equal(bench_memcpy(BENCH_MEMCPY_PASSES), BENCH_MEMCPY_EXPECTED);
}

static void test_tlbi_model(void **state)
{
	(void)state;
	assert_int_equal(bench_tlbi_model(BENCH_TLBI_PASSES), BENCH_TLBI_EXPECTED);
	/* Every pass moves every window page to another backing page. */
	for (unsigned p = 0; p < 10; p++)
		for (unsigned i = 0; i < BENCH_TLBI_PAGES; i++)
			assert_int_not_equal(bench_tlbi_backing(p, i), bench_tlbi_backing(p + 1, i));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_matmul),
		cmocka_unit_test(test_memcpy),
		cmocka_unit_test(test_tlbi_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
