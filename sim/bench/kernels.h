/* SPDX-License-Identifier: MIT */
/*
 * Compute-bound benchmark kernels (kernels.c): plain C with no library calls, so the
 * same source runs in the bare-metal guest images (sim/bench/<name>.c, on avf-sim and on
 * qemu-system-aarch64) and on the host, where kernels_test.c checks each checksum against
 * the constant below. A changed kernel or pass count needs a new constant.
 */
#ifndef AVF_SIM_BENCH_KERNELS_H
#define AVF_SIM_BENCH_KERNELS_H

#include <stdint.h>

/* Passes per image: about 150 million guest instructions each (tlbi: 1.3 million TLBIs). */
#define BENCH_CRC_PASSES	320	/* table-driven CRC-32 over 64 KiB */
#define BENCH_SORT_PASSES	30	/* heap sort of 16384 words */
#define BENCH_MATMUL_PASSES	100	/* 96 x 96 integer matrix product */
#define BENCH_MEMCPY_PASSES	20	/* 1 MiB of copies of assorted sizes and alignments */
#define BENCH_TLBI_PASSES	20000	/* 64 remaps, each with a TLBI, per pass (model: kernels.c) */

#define BENCH_CRC_EXPECTED	0x9880454dae40b11eull
#define BENCH_SORT_EXPECTED	0x116e5dea3e9cf236ull
#define BENCH_MATMUL_EXPECTED	0x2f5dbee8bd37291cull
#define BENCH_MEMCPY_EXPECTED	0x39d15bccec3339eaull
#define BENCH_TLBI_EXPECTED	0x0ea7fcb28a645a25ull

/* FNV-1a over the 8 bytes of v, continuing from h: folds results into a checksum. */
uint64_t bench_mix(uint64_t h, uint64_t v);
#define BENCH_MIX_INIT 0xcbf29ce484222325ull

uint64_t bench_crc(unsigned passes);
uint64_t bench_sort(unsigned passes);
uint64_t bench_matmul(unsigned passes);
uint64_t bench_memcpy(unsigned passes);

/*
 * The TLBI benchmark (tlbi.c, guest only) maps window page i to backing page
 * bench_tlbi_backing(pass, i) and reads word BENCH_TLBI_WORD of it; the backing pages
 * hold bench_tlbi_value(page, word). bench_tlbi_model() computes its checksum without
 * an MMU.
 */
#define BENCH_TLBI_PAGES	64
#define BENCH_TLBI_WORD		37
unsigned bench_tlbi_backing(unsigned pass, unsigned page);
uint64_t bench_tlbi_value(unsigned page, unsigned word);
uint64_t bench_tlbi_model(unsigned passes);

#endif /* AVF_SIM_BENCH_KERNELS_H */
