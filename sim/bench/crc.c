// SPDX-License-Identifier: MIT
/* Benchmark image bench-crc: table-driven CRC-32 (sim/bench/kernels.c), MMU on. */
#include "sim/bench/kernels.h"
#include "sim/tests/lib/test.h"

TEST_IMAGE("bench-crc");

TEST(crc)
{
	EXPECT_SHOW("checksum", bench_crc(BENCH_CRC_PASSES), BENCH_CRC_EXPECTED);
}
