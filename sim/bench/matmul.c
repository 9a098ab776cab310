// SPDX-License-Identifier: MIT
/* Benchmark image bench-matmul: integer matrix product (sim/bench/kernels.c), MMU on. */
#include "sim/bench/kernels.h"
#include "sim/tests/lib/test.h"

TEST_IMAGE("bench-matmul");

TEST(matmul)
{
	EXPECT_SHOW("checksum", bench_matmul(BENCH_MATMUL_PASSES), BENCH_MATMUL_EXPECTED);
}
