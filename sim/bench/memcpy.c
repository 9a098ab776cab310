// SPDX-License-Identifier: MIT
/* Benchmark image bench-memcpy: copies of assorted sizes and alignments (sim/bench/kernels.c), MMU on. */
#include "sim/bench/kernels.h"
#include "sim/tests/lib/test.h"

TEST_IMAGE("bench-memcpy");

TEST(memcpy)
{
	EXPECT_SHOW("checksum", bench_memcpy(BENCH_MEMCPY_PASSES), BENCH_MEMCPY_EXPECTED);
}
