// SPDX-License-Identifier: MIT
/*
 * Unit tests of sim/a64_ldst_simd.c on a real machine (RAM, MMU on with an identity map
 * of Normal memory so unaligned accesses are allowed): LDR/STR B/H/S/D/Q in every
 * addressing mode, register-offset extends, literals, LDP/STP/LDNP/STNP, LD1-LD4 and
 * ST1-ST4 (multiple structures, single lanes, replicate) with post-index forms and
 * register wrap-around, SP as the base; a fault leaves registers and the base as they
 * were; the FP access trap; reserved encodings.
 */
#include <stdlib.h>

#include "sim/a64_simd_test.h"

#define RAM_BASE	0x10000000ull
#define RAM_SIZE	0x10000ull
#define WIN		0x10008000ull	/* the 4 KiB the cases use */
#define WIN_SIZE	4096u
#define TABLE_PA	(RAM_BASE + 0xf000)
#define LS_PC		0x10001000ull

/*
 * One case: x1 = WIN + base_off (the base), x2 = offset register. Afterwards x1 must be
 * WIN + want_base_off, registers Rt..Rt+3 (mod 32) must hold want_v, every other
 * register be unchanged, and the window must hold its initial pattern except for
 * want_mem (hex bytes) at x1 + want_off (x1 as it was before).
 */
struct ls_case {
	uint32_t insn;
	const char *text;
	uint32_t base_off;
	uint64_t x2;
	uint32_t want_base_off;
	uint64_t want_v[4][2];
	int want_off;
	const char *want_mem;
};

/* Expected values from qemu-aarch64 (see a64_simd_test.h). */
static const struct ls_case ls_cases[] = {
	{ 0x3d400c20, "ldr b0, [x1, #3]", 0x800, 0x0, 0x800,
	  { { 0x26, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x3d000823, "str b3, [x1, #2]", 0x800, 0x0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  2, "03" },
	{ 0x3c5fb020, "ldur b0, [x1, #-5]", 0x800, 0x0, 0x800,
	  { { 0x3e, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x3c007023, "stur b3, [x1, #7]", 0x800, 0x0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  7, "03" },
	{ 0x3c5ffc20, "ldr b0, [x1, #-1]!", 0x800, 0x0, 0x7ff,
	  { { 0xb2, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x3c0ff423, "str b3, [x1], #255", 0x800, 0x0, 0x8ff,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  0, "03" },
	{ 0x3c627820, "ldr b0, [x1, x2, lsl #0]", 0x800, 0x3, 0x800,
	  { { 0x26, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x3c22c823, "str b3, [x1, w2, sxtw]", 0x800, 0xfffffff0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  -16, "03" },
	{ 0x7d400c20, "ldr h0, [x1, #6]", 0x800, 0x0, 0x800,
	  { { 0x9afd, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x7d000823, "str h3, [x1, #4]", 0x800, 0x0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  4, "0303" },
	{ 0x7c5fb020, "ldur h0, [x1, #-5]", 0x800, 0x0, 0x800,
	  { { 0xdb3e, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x7c007023, "stur h3, [x1, #7]", 0x800, 0x0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  7, "0303" },
	{ 0x7c5fec20, "ldr h0, [x1, #-2]!", 0x800, 0x0, 0x7fe,
	  { { 0xb215, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x7c0ff423, "str h3, [x1], #255", 0x800, 0x0, 0x8ff,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  0, "0303" },
	{ 0x7c627820, "ldr h0, [x1, x2, lsl #1]", 0x800, 0x3, 0x800,
	  { { 0x9afd, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x7c22c823, "str h3, [x1, w2, sxtw]", 0x800, 0xfffffff0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  -16, "0303" },
	{ 0xbd400c20, "ldr s0, [x1, #12]", 0x800, 0x0, 0x800,
	  { { 0x82e548ab, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xbd000823, "str s3, [x1, #8]", 0x800, 0x0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  8, "03030383" },
	{ 0xbc5fb020, "ldur s0, [x1, #-5]", 0x800, 0x0, 0x800,
	  { { 0x1578db3e, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xbc007023, "stur s3, [x1, #7]", 0x800, 0x0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  7, "03030383" },
	{ 0xbc5fcc20, "ldr s0, [x1, #-4]!", 0x800, 0x0, 0x7fc,
	  { { 0xb21578db, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xbc0ff423, "str s3, [x1], #255", 0x800, 0x0, 0x8ff,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  0, "03030383" },
	{ 0xbc627820, "ldr s0, [x1, x2, lsl #2]", 0x800, 0x3, 0x800,
	  { { 0x82e548ab, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xbc22c823, "str s3, [x1, w2, sxtw]", 0x800, 0xfffffff0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  -16, "03030383" },
	{ 0xfd400c20, "ldr d0, [x1, #24]", 0x800, 0x0, 0x800,
	  { { 0x52b5187bde41a407, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xfd000823, "str d3, [x1, #16]", 0x800, 0x0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  16, "0303038303030383" },
	{ 0xfc5fb020, "ldur d0, [x1, #-5]", 0x800, 0x0, 0x800,
	  { { 0x89ec4fb21578db3e, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xfc007023, "stur d3, [x1, #7]", 0x800, 0x0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  7, "0303038303030383" },
	{ 0xfc5f8c20, "ldr d0, [x1, #-8]!", 0x800, 0x0, 0x7f8,
	  { { 0xb21578db3ea10467, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xfc0ff423, "str d3, [x1], #255", 0x800, 0x0, 0x8ff,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  0, "0303038303030383" },
	{ 0xfc627820, "ldr d0, [x1, x2, lsl #3]", 0x800, 0x3, 0x800,
	  { { 0x52b5187bde41a407, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xfc22c823, "str d3, [x1, w2, sxtw]", 0x800, 0xfffffff0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  -16, "0303038303030383" },
	{ 0x3dc00c20, "ldr q0, [x1, #48]", 0x800, 0x0, 0x800,
	  { { 0xa6dd03396f95cbf, 0xf255b81b7ee144a7 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x3d800823, "str q3, [x1, #32]", 0x800, 0x0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  32, "03030383030303831032333333333333" },
	{ 0x3cdfb020, "ldur q0, [x1, #-5]", 0x800, 0x0, 0x800,
	  { { 0x89ec4fb21578db3e, 0x71d4379afd60c326 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x3c807023, "stur q3, [x1, #7]", 0x800, 0x0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  7, "03030383030303831032333333333333" },
	{ 0x3cdf0c20, "ldr q0, [x1, #-16]!", 0x800, 0x0, 0x7f0,
	  { { 0xca2d90f356b91c7f, 0xb21578db3ea10467 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x3c8ff423, "str q3, [x1], #255", 0x800, 0x0, 0x8ff,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  0, "03030383030303831032333333333333" },
	{ 0x3ce27820, "ldr q0, [x1, x2, lsl #4]", 0x800, 0x3, 0x800,
	  { { 0xa6dd03396f95cbf, 0xf255b81b7ee144a7 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x3ca2c823, "str q3, [x1, w2, sxtw]", 0x800, 0xfffffff0, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  -16, "03030383030303831032333333333333" },
	{ 0x3ce25820, "ldr q0, [x1, w2, uxtw #4]", 0x800, 0xffffffff00000002, 0x800,
	  { { 0x3a9d0063c6298cef, 0x2285e84bae1174d7 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xfc62e820, "ldr d0, [x1, x2, sxtx]", 0x800, 0xfffffffffffffff7, 0x800,
	  { { 0x1578db3ea10467ca, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xbc624820, "ldr s0, [x1, w2, uxtw]", 0x800, 0x100000011, 0x800,
	  { { 0x93f659bc, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x2d7f0420, "ldp s0, s1, [x1, #-8]", 0x800, 0x0, 0x800,
	  { { 0x3ea10467, 0x0 }, { 0xb21578db, 0x0 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x2d018c22, "stp s2, s3, [x1, #12]", 0x800, 0x0, 0x800,
	  { VPAT(2), VPAT(3), VPAT(4), VPAT(5) },
	  12, "0202028203030383" },
	{ 0x2dc28420, "ldp s0, s1, [x1, #20]!", 0x800, 0x0, 0x814,
	  { { 0x6acd3093, 0x0 }, { 0xde41a407, 0x0 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x2cbc8c22, "stp s2, s3, [x1], #-28", 0x800, 0x0, 0x7e4,
	  { VPAT(2), VPAT(3), VPAT(4), VPAT(5) },
	  0, "0202028203030383" },
	{ 0x2c408420, "ldnp s0, s1, [x1, #4]", 0x800, 0x0, 0x800,
	  { { 0x9afd60c3, 0x0 }, { 0xe71d437, 0x0 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x2c000c22, "stnp s2, s3, [x1]", 0x800, 0x0, 0x800,
	  { VPAT(2), VPAT(3), VPAT(4), VPAT(5) },
	  0, "0202028203030383" },
	{ 0x2cc08420, "ldp s0, s1, [x1], #4", 0x801, 0x0, 0x805,
	  { { 0xc32689ec, 0x0 }, { 0x379afd60, 0x0 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x6d7f0420, "ldp d0, d1, [x1, #-16]", 0x800, 0x0, 0x800,
	  { { 0xca2d90f356b91c7f, 0x0 }, { 0xb21578db3ea10467, 0x0 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x6d018c22, "stp d2, d3, [x1, #24]", 0x800, 0x0, 0x800,
	  { VPAT(2), VPAT(3), VPAT(4), VPAT(5) },
	  24, "02020282020202820303038303030383" },
	{ 0x6dc28420, "ldp d0, d1, [x1, #40]!", 0x800, 0x0, 0x828,
	  { { 0x2285e84bae1174d7, 0x0 }, { 0xa6dd03396f95cbf, 0x0 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x6cbc8c22, "stp d2, d3, [x1], #-56", 0x800, 0x0, 0x7c8,
	  { VPAT(2), VPAT(3), VPAT(4), VPAT(5) },
	  0, "02020282020202820303038303030383" },
	{ 0x6c408420, "ldnp d0, d1, [x1, #8]", 0x800, 0x0, 0x800,
	  { { 0x82e548ab0e71d437, 0x0 }, { 0x6acd3093f659bc1f, 0x0 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x6c000c22, "stnp d2, d3, [x1]", 0x800, 0x0, 0x800,
	  { VPAT(2), VPAT(3), VPAT(4), VPAT(5) },
	  0, "02020282020202820303038303030383" },
	{ 0x6cc08420, "ldp d0, d1, [x1], #8", 0x801, 0x0, 0x809,
	  { { 0x379afd60c32689ec, 0x0 }, { 0x1f82e548ab0e71d4, 0x0 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xad7f0420, "ldp q0, q1, [x1, #-32]", 0x800, 0x0, 0x800,
	  { { 0xfa5dc02386e94caf, 0xe245a80b6ed13497 }, { 0xca2d90f356b91c7f, 0xb21578db3ea10467 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xad018c22, "stp q2, q3, [x1, #48]", 0x800, 0x0, 0x800,
	  { VPAT(2), VPAT(3), VPAT(4), VPAT(5) },
	  48, "0202028202020282012322222222222203030383030303831032333333333333" },
	{ 0xadc28420, "ldp q0, q1, [x1, #80]!", 0x800, 0x0, 0x850,
	  { { 0xaa0d70d33699fc5f, 0x92f558bb1e81e447 }, { 0x7add40a30669cc2f, 0x62c5288bee51b417 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xacbc8c22, "stp q2, q3, [x1], #-112", 0x800, 0x0, 0x790,
	  { VPAT(2), VPAT(3), VPAT(4), VPAT(5) },
	  0, "0202028202020282012322222222222203030383030303831032333333333333" },
	{ 0xac408420, "ldnp q0, q1, [x1, #16]", 0x800, 0x0, 0x800,
	  { { 0x6acd3093f659bc1f, 0x52b5187bde41a407 }, { 0x3a9d0063c6298cef, 0x2285e84bae1174d7 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0xac000c22, "stnp q2, q3, [x1]", 0x800, 0x0, 0x800,
	  { VPAT(2), VPAT(3), VPAT(4), VPAT(5) },
	  0, "0202028202020282012322222222222203030383030303831032333333333333" },
	{ 0xacc08420, "ldp q0, q1, [x1], #16", 0x801, 0x0, 0x811,
	  { { 0x379afd60c32689ec, 0x1f82e548ab0e71d4 }, { 0x76acd3093f659bc, 0xef52b5187bde41a4 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x4c407020, "ld1 {v0.16b}, [x1]", 0x800, 0x28, 0x800,
	  { { 0x9afd60c32689ec4f, 0x82e548ab0e71d437 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x0c40a020, "ld1 {v0.8b, v1.8b}, [x1]", 0x800, 0x28, 0x800,
	  { { 0x9afd60c32689ec4f, 0x0 }, { 0x82e548ab0e71d437, 0x0 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x4c406820, "ld1 {v0.4s, v1.4s, v2.4s}, [x1]", 0x800, 0x28, 0x800,
	  { { 0x9afd60c32689ec4f, 0x82e548ab0e71d437 }, { 0x6acd3093f659bc1f, 0x52b5187bde41a407 }, { 0x3a9d0063c6298cef, 0x2285e84bae1174d7 }, VPAT(3) },
	  0, "" },
	{ 0x4c402c20, "ld1 {v0.2d, v1.2d, v2.2d, v3.2d}, [x1]", 0x800, 0x28, 0x800,
	  { { 0x9afd60c32689ec4f, 0x82e548ab0e71d437 }, { 0x6acd3093f659bc1f, 0x52b5187bde41a407 }, { 0x3a9d0063c6298cef, 0x2285e84bae1174d7 }, { 0xa6dd03396f95cbf, 0xf255b81b7ee144a7 } },
	  0, "" },
	{ 0x4cdf7020, "ld1 {v0.16b}, [x1], #16", 0x800, 0x28, 0x810,
	  { { 0x9afd60c32689ec4f, 0x82e548ab0e71d437 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x0cc2a420, "ld1 {v0.4h, v1.4h}, [x1], x2", 0x800, 0x28, 0x828,
	  { { 0x9afd60c32689ec4f, 0x0 }, { 0x82e548ab0e71d437, 0x0 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x4c408820, "ld2 {v0.4s, v1.4s}, [x1]", 0x800, 0x28, 0x800,
	  { { 0xe71d4372689ec4f, 0xde41a407f659bc1f }, { 0x82e548ab9afd60c3, 0x52b5187b6acd3093 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x0cdf8020, "ld2 {v0.8b, v1.8b}, [x1], #16", 0x800, 0x28, 0x810,
	  { { 0xe5ab7137fdc3894f, 0x0 }, { 0x82480ed49a6026ec, 0x0 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x4c404420, "ld3 {v0.8h, v1.8h, v2.8h}, [x1]", 0x800, 0x28, 0x800,
	  { { 0xf65948ab9afdec4f, 0xae11006352b5a407 }, { 0x309382e5d4372689, 0xe84b3a9d8cefde41 }, { 0x6acdbc1f0e7160c3, 0x228574d7c629187b }, VPAT(3) },
	  0, "" },
	{ 0x0cc24820, "ld3 {v0.2s, v1.2s, v2.2s}, [x1], x2", 0x800, 0x28, 0x828,
	  { { 0x82e548ab2689ec4f, 0x0 }, { 0xf659bc1f9afd60c3, 0x0 }, { 0x6acd30930e71d437, 0x0 }, VPAT(3) },
	  0, "" },
	{ 0x4c400020, "ld4 {v0.16b, v1.16b, v2.16b, v3.16b}, [x1]", 0x800, 0x28, 0x800,
	  { { 0x7b07931fab37c34f, 0x1ba733bf4bd763ef }, { 0x18a430bc48d460ec, 0xb844d05ce874008c }, { 0xb541cd59e571fd89, 0x55e16df985119d29 }, { 0x52de6af6820e9a26, 0xf27e0a9622ae3ac6 } },
	  0, "" },
	{ 0x0cdf0420, "ld4 {v0.4h, v1.4h, v2.4h, v3.4h}, [x1], #32", 0x800, 0x28, 0x820,
	  { { 0xa407bc1fd437ec4f, 0x0 }, { 0xde41f6590e712689, 0x0 }, { 0x187b309348ab60c3, 0x0 }, { 0x52b56acd82e59afd, 0x0 } },
	  0, "" },
	{ 0x0c407c20, "ld1 {v0.1d}, [x1]", 0x800, 0x28, 0x800,
	  { { 0x9afd60c32689ec4f, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x0cdf6c20, "ld1 {v0.1d, v1.1d, v2.1d}, [x1], #24", 0x800, 0x28, 0x818,
	  { { 0x9afd60c32689ec4f, 0x0 }, { 0x82e548ab0e71d437, 0x0 }, { 0x6acd3093f659bc1f, 0x0 }, VPAT(3) },
	  0, "" },
	{ 0x4c007023, "st1 {v3.16b}, [x1]", 0x800, 0x28, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  0, "03030383030303831032333333333333" },
	{ 0x0c9fa022, "st1 {v2.8b, v3.8b}, [x1], #16", 0x800, 0x28, 0x810,
	  { VPAT(2), VPAT(3), VPAT(4), VPAT(5) },
	  0, "02020282020202820303038303030383" },
	{ 0x4c006821, "st1 {v1.4s, v2.4s, v3.4s}, [x1]", 0x800, 0x28, 0x800,
	  { VPAT(1), VPAT(2), VPAT(3), VPAT(4) },
	  0, "0101018101010181321011111111111102020282020202820123222222222222"
	  "03030383030303831032333333333333" },
	{ 0x4c822c20, "st1 {v0.2d, v1.2d, v2.2d, v3.2d}, [x1], x2", 0x800, 0x28, 0x828,
	  { VPAT(0), VPAT(1), VPAT(2), VPAT(3) },
	  0, "0000008000000080230100000000000001010181010101813210111111111111"
	  "0202028202020282012322222222222203030383030303831032333333333333" },
	{ 0x4c008422, "st2 {v2.8h, v3.8h}, [x1]", 0x800, 0x28, 0x800,
	  { VPAT(2), VPAT(3), VPAT(4), VPAT(5) },
	  0, "0202030302820383020203030282038301231032222233332222333322223333" },
	{ 0x0c9f8820, "st2 {v0.2s, v1.2s}, [x1], #16", 0x800, 0x28, 0x810,
	  { VPAT(0), VPAT(1), VPAT(2), VPAT(3) },
	  0, "00000080010101810000008001010181" },
	{ 0x4c004021, "st3 {v1.16b, v2.16b, v3.16b}, [x1]", 0x800, 0x28, 0x800,
	  { VPAT(1), VPAT(2), VPAT(3), VPAT(4) },
	  0, "0102030102030102038182830102030102030102038182833201101023321122"
	  "33112233112233112233112233112233" },
	{ 0x0c824420, "st3 {v0.4h, v1.4h, v2.4h}, [x1], x2", 0x800, 0x28, 0x828,
	  { VPAT(0), VPAT(1), VPAT(2), VPAT(3) },
	  0, "000001010202008001810282000001010202008001810282" },
	{ 0x4c000820, "st4 {v0.4s, v1.4s, v2.4s, v3.4s}, [x1]", 0x800, 0x28, 0x800,
	  { VPAT(0), VPAT(1), VPAT(2), VPAT(3) },
	  0, "0000008001010181020202820303038300000080010101810202028203030383"
	  "2301000032101111012322221032333300000000111111112222222233333333" },
	{ 0x0c9f0020, "st4 {v0.8b, v1.8b, v2.8b, v3.8b}, [x1], #32", 0x800, 0x28, 0x820,
	  { VPAT(0), VPAT(1), VPAT(2), VPAT(3) },
	  0, "0001020300010203000102038081828300010203000102030001020380818283" },
	{ 0x4d400420, "ld1 {v0.b}[9], [x1]", 0x800, 0x28, 0x800,
	  { { 0x8000000080000000, 0x4f23 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x0ddf5820, "ld1 {v0.h}[3], [x1], #2", 0x800, 0x28, 0x802,
	  { { 0xec4f000080000000, 0x123 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x4dc28020, "ld1 {v0.s}[2], [x1], x2", 0x800, 0x28, 0x828,
	  { { 0x8000000080000000, 0x2689ec4f }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x4d408420, "ld1 {v0.d}[1], [x1]", 0x800, 0x28, 0x800,
	  { { 0x8000000080000000, 0x9afd60c32689ec4f }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x4d601c20, "ld2 {v0.b, v1.b}[15], [x1]", 0x800, 0x28, 0x800,
	  { { 0x8000000080000000, 0x4f00000000000123 }, { 0x8101010181010101, 0xec11111111111032 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x0ddfb020, "ld3 {v0.s, v1.s, v2.s}[1], [x1], #12", 0x800, 0x28, 0x80c,
	  { { 0x2689ec4f80000000, 0x123 }, { 0x9afd60c381010101, 0x1111111111111032 }, { 0xe71d43782020202, 0x2222222222222301 }, VPAT(3) },
	  0, "" },
	{ 0x4d607020, "ld4 {v0.h, v1.h, v2.h, v3.h}[6], [x1]", 0x800, 0x28, 0x800,
	  { { 0x8000000080000000, 0xec4f00000123 }, { 0x8101010181010101, 0x1111268911111032 }, { 0x8202020282020202, 0x222260c322222301 }, { 0x8303030383030303, 0x33339afd33333210 } },
	  0, "" },
	{ 0x0de2a420, "ld4 {v0.d, v1.d, v2.d, v3.d}[0], [x1], x2", 0x800, 0x28, 0x828,
	  { { 0x9afd60c32689ec4f, 0x123 }, { 0x82e548ab0e71d437, 0x1111111111111032 }, { 0x6acd3093f659bc1f, 0x2222222222222301 }, { 0x52b5187bde41a407, 0x3333333333333210 } },
	  0, "" },
	{ 0x4d40c020, "ld1r {v0.16b}, [x1]", 0x800, 0x28, 0x800,
	  { { 0x4f4f4f4f4f4f4f4f, 0x4f4f4f4f4f4f4f4f }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x0ddfc420, "ld1r {v0.4h}, [x1], #2", 0x800, 0x28, 0x802,
	  { { 0xec4fec4fec4fec4f, 0x0 }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x4dc2cc20, "ld1r {v0.2d}, [x1], x2", 0x800, 0x28, 0x828,
	  { { 0x9afd60c32689ec4f, 0x9afd60c32689ec4f }, VPAT(1), VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x4d60c820, "ld2r {v0.4s, v1.4s}, [x1]", 0x800, 0x28, 0x800,
	  { { 0x2689ec4f2689ec4f, 0x2689ec4f2689ec4f }, { 0x9afd60c39afd60c3, 0x9afd60c39afd60c3 }, VPAT(2), VPAT(3) },
	  0, "" },
	{ 0x0ddfe020, "ld3r {v0.8b, v1.8b, v2.8b}, [x1], #3", 0x800, 0x28, 0x803,
	  { { 0x4f4f4f4f4f4f4f4f, 0x0 }, { 0xecececececececec, 0x0 }, { 0x8989898989898989, 0x0 }, VPAT(3) },
	  0, "" },
	{ 0x0d60ec20, "ld4r {v0.1d, v1.1d, v2.1d, v3.1d}, [x1]", 0x800, 0x28, 0x800,
	  { { 0x9afd60c32689ec4f, 0x0 }, { 0x82e548ab0e71d437, 0x0 }, { 0x6acd3093f659bc1f, 0x0 }, { 0x52b5187bde41a407, 0x0 } },
	  0, "" },
	{ 0x0d001423, "st1 {v3.b}[5], [x1]", 0x800, 0x28, 0x800,
	  { VPAT(3), VPAT(4), VPAT(5), VPAT(6) },
	  0, "03" },
	{ 0x4d9f5822, "st1 {v2.h}[7], [x1], #2", 0x800, 0x28, 0x802,
	  { VPAT(2), VPAT(3), VPAT(4), VPAT(5) },
	  0, "2222" },
	{ 0x4d829021, "st1 {v1.s}[3], [x1], x2", 0x800, 0x28, 0x828,
	  { VPAT(1), VPAT(2), VPAT(3), VPAT(4) },
	  0, "11111111" },
	{ 0x4d008420, "st1 {v0.d}[1], [x1]", 0x800, 0x28, 0x800,
	  { VPAT(0), VPAT(1), VPAT(2), VPAT(3) },
	  0, "2301000000000000" },
	{ 0x0dbf8022, "st2 {v2.s, v3.s}[0], [x1], #8", 0x800, 0x28, 0x808,
	  { VPAT(2), VPAT(3), VPAT(4), VPAT(5) },
	  0, "0202028203030383" },
	{ 0x4d006021, "st3 {v1.h, v2.h, v3.h}[4], [x1]", 0x800, 0x28, 0x800,
	  { VPAT(1), VPAT(2), VPAT(3), VPAT(4) },
	  0, "321001231032" },
	{ 0x4da22c20, "st4 {v0.b, v1.b, v2.b, v3.b}[11], [x1], x2", 0x800, 0x28, 0x828,
	  { VPAT(0), VPAT(1), VPAT(2), VPAT(3) },
	  0, "00112233" },
	{ 0x4d20a420, "st4 {v0.d, v1.d, v2.d, v3.d}[1], [x1]", 0x800, 0x28, 0x800,
	  { VPAT(0), VPAT(1), VPAT(2), VPAT(3) },
	  0, "2301000000000000321011111111111101232222222222221032333333333333" },
	{ 0x4c40003e, "ld4 {v30.16b, v31.16b, v0.16b, v1.16b}, [x1]", 0x800, 0x0, 0x800,
	  { { 0x7b07931fab37c34f, 0x1ba733bf4bd763ef }, { 0x18a430bc48d460ec, 0xb844d05ce874008c }, { 0xb541cd59e571fd89, 0x55e16df985119d29 }, { 0x52de6af6820e9a26, 0xf27e0a9622ae3ac6 } },
	  0, "" },
	{ 0x4c9f483f, "st3 {v31.4s, v0.4s, v1.4s}, [x1], #48", 0x800, 0x0, 0x830,
	  { VPAT(31), VPAT(0), VPAT(1), VPAT(2) },
	  0, "1f1f1f9f00000080010101811f1f1f9f00000080010101813210111123010000"
	  "32101111111111110000000011111111" },
	{ 0x4c40ac3f, "ld1 {v31.2d, v0.2d}, [x1]", 0x800, 0x0, 0x800,
	  { { 0x9afd60c32689ec4f, 0x82e548ab0e71d437 }, { 0x6acd3093f659bc1f, 0x52b5187bde41a407 }, VPAT(1), VPAT(2) },
	  0, "" },
};

struct ls_env {
	struct sim_machine *m;
	struct sim_cpu *c;
	uint8_t pattern[WIN_SIZE];
};

static int ls_setup(void **state)
{
	struct sim_machine_config cfg = { .seed = 1, .max_cpus = 1 };
	struct sim_part_config pcfg = { .vmid = 0, .stage2 = false };
	struct ls_env *e = calloc(1, sizeof(*e));
	struct sim_part *p;

	assert_non_null(e);
	assert_int_equal(sim_machine_create(&cfg, &e->m), 0);
	assert_int_equal(sim_machine_add_ram(e->m, RAM_BASE, RAM_SIZE), 0);
	assert_int_equal(sim_part_create(e->m, &pcfg, &p), 0);
	assert_int_equal(sim_cpu_create(p, 0, &e->c), 0);
	for (unsigned i = 0; i < WIN_SIZE; i++)
		e->pattern[i] = (uint8_t)(i * 0x9d + 0x4f);
	*state = e;
	return 0;
}

static int ls_teardown(void **state)
{
	struct ls_env *e = *state;

	sim_machine_destroy(e->m);
	free(e);
	return 0;
}

/*
 * Fresh CPU and memory: EL1, FP enabled, MMU on (4 KiB granule, 39-bit VA) mapping
 * VA [0, 1 GiB) to the same PA with one block, and VA FAULT_VA - 4 KiB to the RAM page
 * after the window with FAULT_VA itself unmapped; all Normal memory (attribute 0 =
 * 0xff). Registers and the window in their patterns.
 */
#define FAULT_VA	0x40001000ull

static struct sim_cpu *ls_reset(struct ls_env *e)
{
	static const uint8_t zeros[RAM_SIZE];
	struct sim_cpu *c = e->c;
	/* level 1 at TABLE_PA: a block at 0 and a table; level 2 at -0x1000; level 3 at
	 * -0x2000 with one page (AttrIndx 0, inner shareable, AF) */
	uint64_t l1[2] = { 0x701, (TABLE_PA - 0x1000) | 3 };
	uint64_t l2 = (TABLE_PA - 0x2000) | 3, l3 = (WIN + WIN_SIZE) | 0x703;

	sim_cpu_power_on(c, LS_PC, 0);
	assert_int_equal(sim_phys_write(e->m, RAM_BASE, zeros, RAM_SIZE), 0);
	assert_int_equal(sim_phys_write(e->m, TABLE_PA, l1, sizeof(l1)), 0);
	assert_int_equal(sim_phys_write(e->m, TABLE_PA - 0x1000, &l2, 8), 0);
	assert_int_equal(sim_phys_write(e->m, TABLE_PA - 0x2000, &l3, 8), 0);
	assert_int_equal(sim_phys_write(e->m, WIN, e->pattern, WIN_SIZE), 0);
	assert_int_equal(sim_cpu_set_reg(c, SIM_REG_SYS(3, 0, 10, 2, 0), 0xff), 0);
	assert_int_equal(sim_cpu_set_reg(c, SIM_REG_SYS(3, 0, 2, 0, 2),
					 25 | 1u << 8 | 1u << 10 | 3u << 12 | 1u << 23), 0);
	assert_int_equal(sim_cpu_set_reg(c, SIM_REG_SYS(3, 0, 2, 0, 0), TABLE_PA), 0);
	assert_int_equal(sim_cpu_set_reg(c, SIM_REG_SYS(3, 0, 1, 0, 0), 1 | 4 | 1u << 12), 0);
	assert_int_equal(sim_cpu_set_reg(c, SIM_REG_SYS(3, 0, 1, 0, 2), 3u << 20), 0);
	sim_tlb_flush_all(c);
	for (unsigned r = 0; r < 31; r++)
		c->x[r] = simd_test_xpat(r);
	c->x[0] = SIMD_X0_INIT;
	for (unsigned r = 0; r < 32; r++) {
		c->v[r].d[0] = simd_test_vpat(r, 0);
		c->v[r].d[1] = simd_test_vpat(r, 1);
	}
	return c;
}

/* Run one word at c->pc: true if it completed (PC advanced by 4). */
static bool ls_exec(struct sim_cpu *c, uint32_t insn)
{
	struct sim_insn in;
	uint64_t pc = c->pc;

	if (!sim_decode_ldst_simd(insn, &in))
		fail_msg("%08x not decoded", insn);
	in.raw = insn;
	in.fn(c, &in);
	return c->pc == pc + 4;
}

static unsigned hexval(char ch)
{
	return ch <= '9' ? (unsigned)(ch - '0') : (unsigned)(ch - 'a' + 10);
}

static void test_ls_cases(void **state)
{
	struct ls_env *e = *state;

	for (size_t i = 0; i < sizeof(ls_cases) / sizeof(ls_cases[0]); i++) {
		const struct ls_case *k = &ls_cases[i];
		struct sim_cpu *c = ls_reset(e);
		unsigned rt = k->insn & 31;
		uint8_t want[WIN_SIZE], got[WIN_SIZE];

		c->x[1] = WIN + k->base_off;
		c->x[2] = k->x2;
		SIMD_CHECK(ls_exec(c, k->insn), k, "%s", "did not complete");
		SIMD_CHECK(c->x[1] == WIN + k->want_base_off, k, "x1 = %#llx",
			   (unsigned long long)c->x[1]);
		for (unsigned r = 0; r < 31; r++)
			SIMD_CHECK(r == 1 || c->x[r] == (r == 0 ? SIMD_X0_INIT : r == 2 ? k->x2 :
							simd_test_xpat(r)), k, "x%u changed", r);
		for (unsigned r = 0; r < 32; r++) {
			unsigned j = (r - rt) & 31;
			uint64_t lo = j < 4 ? k->want_v[j][0] : simd_test_vpat(r, 0);
			uint64_t hi = j < 4 ? k->want_v[j][1] : simd_test_vpat(r, 1);

			SIMD_CHECK(c->v[r].d[0] == lo && c->v[r].d[1] == hi, k,
				   "v%u = %016llx:%016llx, want %016llx:%016llx", r,
				   (unsigned long long)c->v[r].d[1], (unsigned long long)c->v[r].d[0],
				   (unsigned long long)hi, (unsigned long long)lo);
		}
		memcpy(want, e->pattern, WIN_SIZE);
		for (size_t b = 0; k->want_mem[2 * b]; b++)
			want[k->base_off + k->want_off + b] = (uint8_t)(hexval(k->want_mem[2 * b]) << 4 |
							      hexval(k->want_mem[2 * b + 1]));
		assert_int_equal(sim_phys_read(e->m, WIN, got, WIN_SIZE), 0);
		for (unsigned b = 0; b < WIN_SIZE; b++)
			SIMD_CHECK(got[b] == want[b], k, "memory at +%#x = %#x, want %#x",
				   b, got[b], want[b]);
	}
}

/* LDR (literal) S, D, Q: PC-relative, forwards and backwards. */
static void test_ls_literal(void **state)
{
	struct ls_env *e = *state;
	struct sim_cpu *c = ls_reset(e);
	const uint8_t *p = e->pattern;
	uint64_t v[2];

	c->pc = WIN + 0x100;
	assert_true(ls_exec(c, 0x1c000200));	/* ldr s0, . + 0x40 */
	memset(v, 0, sizeof(v));
	memcpy(v, p + 0x140, 4);
	assert_int_equal(c->v[0].d[0], v[0]);
	assert_int_equal(c->v[0].d[1], 0);
	assert_true(ls_exec(c, 0x5cfffe01));	/* ldr d1, . - 0x40 (at 0x104) */
	memcpy(v, p + 0xc4, 8);
	assert_int_equal(c->v[1].d[0], v[0]);
	assert_int_equal(c->v[1].d[1], 0);
	assert_true(ls_exec(c, 0x9c000082));	/* ldr q2, . + 0x10 (at 0x108) */
	memcpy(v, p + 0x118, 16);
	assert_int_equal(c->v[2].d[0], v[0]);
	assert_int_equal(c->v[2].d[1], v[1]);
	assert_int_equal(c->pc, WIN + 0x10c);
}

/* SP as the base register, with writeback. */
static void test_ls_sp_base(void **state)
{
	struct ls_env *e = *state;
	struct sim_cpu *c = ls_reset(e);
	uint64_t got[2];

	c->sp = WIN + 0x800;
	c->v[0].d[0] = 0x1111222233334444ull;
	c->v[0].d[1] = 0x5555666677778888ull;
	assert_true(ls_exec(c, 0x3c9f0fe0));	/* str q0, [sp, #-16]! */
	assert_int_equal(c->sp, WIN + 0x7f0);
	assert_int_equal(sim_phys_read(e->m, WIN + 0x7f0, got, 16), 0);
	assert_int_equal(got[0], 0x1111222233334444ull);
	assert_int_equal(got[1], 0x5555666677778888ull);
	assert_true(ls_exec(c, 0x6cc10be1));	/* ldp d1, d2, [sp], #16 */
	assert_int_equal(c->sp, WIN + 0x800);
	assert_int_equal(c->v[1].d[0], 0x1111222233334444ull);
	assert_int_equal(c->v[2].d[0], 0x5555666677778888ull);
	assert_int_equal(c->v[1].d[1], 0);
	assert_true(ls_exec(c, 0x4cdf7be3));	/* ld1 {v3.4s}, [sp], #16 */
	assert_int_equal(c->sp, WIN + 0x810);
}

/*
 * A load that faults (a translation fault on any of its accesses) changes no register
 * and no base; the data abort is taken from the instruction.
 */
static void test_ls_fault_leaves_state(void **state)
{
	static const uint32_t loads[] = {
		0x4c402020,	/* ld1 {v0.16b-v3.16b}, [x1]: the last 32 bytes fault */
		0xacc10420,	/* ldp q0, q1, [x1], #32: second access faults */
		0x3cc10420,	/* ldr q0, [x1], #16 across the page boundary */
		0x4ddf2020,	/* ld3 {v0.b-v2.b}[8], [x1], #3: third element faults */
	};
	static const uint64_t bases[] = {
		FAULT_VA - 32, FAULT_VA - 16, FAULT_VA - 1, FAULT_VA - 2,
	};
	struct ls_env *e = *state;

	for (unsigned i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
		struct sim_cpu *c = ls_reset(e);

		c->sysreg[SR_VBAR_EL1] = 0x8000;
		c->x[1] = bases[i];
		assert_false(ls_exec(c, loads[i]));
		assert_int_equal(c->x[1], bases[i]);
		for (unsigned r = 0; r < 32; r++) {
			assert_int_equal(c->v[r].d[0], simd_test_vpat(r, 0));
			assert_int_equal(c->v[r].d[1], simd_test_vpat(r, 1));
		}
		assert_int_equal(c->sysreg[SR_ESR_EL1] >> 26, SIM_EC_DABT_CUR);
		assert_int_equal(c->sysreg[SR_ELR_EL1], LS_PC);
		assert_int_equal(c->pc, 0x8000 + 0x200);
	}
}

/*
 * With SCTLR_EL1.A set, alignment is checked per register or element: an 8-byte
 * aligned LDP D or LD1 .2D is fine, a 4-byte aligned one faults, and LDR Q needs 16.
 */
static void test_ls_alignment_check(void **state)
{
	static const struct { uint32_t insn; uint64_t off; bool ok; } k[] = {
		{ 0x6d400420, 8, true },	/* ldp d0, d1, [x1] */
		{ 0x6d400420, 4, false },
		{ 0x4c407c20, 8, true },	/* ld1 {v0.2d}, [x1] */
		{ 0x4c407c20, 4, false },
		{ 0x4c402c20, 24, true },	/* ld1 {v0.2d-v3.2d}, [x1] */
		{ 0x3dc00020, 8, false },	/* ldr q0, [x1] */
		{ 0x3dc00020, 16, true },
		{ 0x2d400420, 4, true },	/* ldp s0, s1, [x1] */
		{ 0x2d400420, 2, false },
	};
	struct ls_env *e = *state;

	for (unsigned i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		struct sim_cpu *c = ls_reset(e);

		assert_int_equal(sim_cpu_set_reg(c, SIM_REG_SYS(3, 0, 1, 0, 0), 1 | 2 | 4 | 1u << 12),
				 0);
		sim_tlb_flush_all(c);
		c->sysreg[SR_VBAR_EL1] = 0x8000;
		c->x[1] = WIN + 0x800 + k[i].off;
		if (ls_exec(c, k[i].insn) != k[i].ok)
			fail_msg("%08x at +%llu: %s", k[i].insn, (unsigned long long)k[i].off,
				 k[i].ok ? "faulted" : "did not fault");
		if (!k[i].ok) {
			assert_int_equal(c->sysreg[SR_ESR_EL1] >> 26, SIM_EC_DABT_CUR);
			assert_int_equal(c->sysreg[SR_ESR_EL1] & 0x3f, 0x21);	/* alignment */
			assert_int_equal(c->v[0].d[0], simd_test_vpat(0, 0));
		}
	}
}

/* With CPACR_EL1.FPEN = 0 a SIMD store traps before touching memory. */
static void test_ls_fp_trap(void **state)
{
	struct ls_env *e = *state;
	struct sim_cpu *c = ls_reset(e);
	uint8_t got[16];

	c->sysreg[SR_CPACR_EL1] = 0;
	c->sysreg[SR_VBAR_EL1] = 0x8000;
	c->x[1] = WIN;
	assert_false(ls_exec(c, 0x3c810420));	/* str q0, [x1], #16 */
	assert_int_equal(c->x[1], WIN);
	assert_int_equal(c->sysreg[SR_ESR_EL1] >> 26, SIM_EC_FP_ACCESS);
	assert_int_equal(sim_phys_read(e->m, WIN, got, 16), 0);
	assert_memory_equal(got, e->pattern, 16);
}

static const uint32_t ls_undef[] = {
	0x7cc00020,	/* LDR with opc<1> = 1 and size != 0 */
	0xec400020,	/* LDP with opc = 11 */
	0x3c400820,	/* unprivileged form (LDTR) */
	0x3c200020,	/* atomic memory operation form */
	0xdc000000,	/* LDR (literal) with opc = 11 */
	0x4c401020,	/* multiple structures opcode 0001 */
	0x0c408c20,	/* LD2 .1D */
	0x4d40f020,	/* LD4R with S = 1 */
	0x0d404420,	/* LD1 (single) H lane with size<0> = 1 */
	0x3c600820,	/* register offset with option 000 */
	0x4ca01020,	/* post-index multiple, opcode 0001 */
};

static void test_ls_undef(void **state)
{
	(void)state;
	simd_expect_undef(ls_undef, sizeof(ls_undef) / sizeof(ls_undef[0]), sim_decode_ldst_simd);
}

static void test_ls_decode_pure(void **state)
{
	(void)state;
	simd_expect_pure(sim_decode_ldst_simd, 0x0c000000, 0x0e000000 & ~0x02000000, 30000, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ls_cases),
		cmocka_unit_test(test_ls_literal),
		cmocka_unit_test(test_ls_sp_base),
		cmocka_unit_test(test_ls_fault_leaves_state),
		cmocka_unit_test(test_ls_alignment_check),
		cmocka_unit_test(test_ls_fp_trap),
		cmocka_unit_test(test_ls_undef),
		cmocka_unit_test(test_ls_decode_pure),
	};

	return cmocka_run_group_tests(tests, ls_setup, ls_teardown);
}
