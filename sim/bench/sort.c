// SPDX-License-Identifier: MIT
/* Benchmark image bench-sort: heap sort (sim/bench/kernels.c), MMU on. */
#include "sim/bench/kernels.h"
#include "sim/tests/lib/test.h"

TEST_IMAGE("bench-sort");

TEST(sort)
{
	EXPECT_SHOW("checksum", bench_sort(BENCH_SORT_PASSES), BENCH_SORT_EXPECTED);
}
