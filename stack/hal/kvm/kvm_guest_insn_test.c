// SPDX-License-Identifier: MIT
/*
 * Unit tests of kvm_guest_insn.c on any host: the stage-1 walk over real descriptors in
 * a fake guest memory (every granule, both halves, blocks, faults, top-byte ignore), and
 * the decoder against encodings produced by the cross assembler.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stack/hal/kvm/kvm_guest_insn.h"

#define MEM_IPA		0x80000000ull		/* fake guest RAM: [MEM_IPA, +MEM_SIZE) */
#define MEM_SIZE	(4ull << 20)
#define D_VALID		(1ull << 0)
#define D_TABLE		(1ull << 1)
#define D_AF		(1ull << 10)

static uint64_t mem[MEM_SIZE / 8];
static unsigned next_table;
static unsigned reads;

static bool read_ipa(void *ctx, uint64_t ipa, uint64_t *val)
{
	reads++;
	assert_int_equal(ipa % 8, 0);
	if (ipa < MEM_IPA || ipa >= MEM_IPA + MEM_SIZE)
		return false;
	*val = mem[(ipa - MEM_IPA) / 8];
	return true;
}

/* A stage-1 regime half: granule (log2), input size, the level the walk starts at. */
struct half {
	unsigned g, inputsize, start;
	uint64_t root;
};

static uint64_t new_table(void)
{
	uint64_t ipa = MEM_IPA + next_table++ * 0x10000ull;	/* 64 KiB: fits every granule */

	assert_true(next_table <= MEM_SIZE / 0x10000);
	memset(&mem[(ipa - MEM_IPA) / 8], 0, 0x10000);
	return ipa;
}

static struct half new_half(unsigned g, unsigned inputsize)
{
	unsigned stride = g - 3;
	struct half h = { g, inputsize, 4 - (inputsize - g + stride - 1) / stride, new_table() };

	return h;
}

/* The descriptor for va at `level`, creating the tables above it. */
static uint64_t *slot(const struct half *h, uint64_t va, unsigned level)
{
	uint64_t t = h->root;

	for (unsigned l = h->start;; l++) {
		unsigned shift = h->g + (h->g - 3) * (3 - l);
		unsigned bits = l == h->start ? h->inputsize - shift : h->g - 3;
		uint64_t *d = &mem[(t - MEM_IPA) / 8 + ((va >> shift) & ((1ull << bits) - 1))];

		if (l == level)
			return d;
		if (!(*d & D_VALID))
			*d = new_table() | D_VALID | D_TABLE;
		t = *d & 0x0000ffffffffffffull & ~((1ull << h->g) - 1);
	}
}

/* Map va at `level` (a block above level 3) to oa with attrs (0: make it invalid). */
static void map(const struct half *h, uint64_t va, uint64_t oa, unsigned level, uint64_t attrs)
{
	*slot(h, va, level) = attrs ? oa | attrs | D_VALID | (level == 3 ? D_TABLE : 0) : 0;
}

static int reset(void **state)
{
	next_table = 0;
	reads = 0;
	return 0;
}

/* TCR_EL1 for the lower half: T0SZ and TG0 (4K 0, 64K 1, 16K 2). */
static uint64_t tcr0(unsigned inputsize, unsigned g)
{
	return (64 - inputsize) | (uint64_t)(g == 12 ? 0 : g == 16 ? 1 : 2) << 14;
}

static uint64_t translate(const struct gi_regs *r, uint64_t va, bool *ok)
{
	uint64_t ipa = 0;

	*ok = gi_va_to_ipa(r, va, read_ipa, NULL, &ipa);
	return ipa;
}

static void expect_ipa(const struct gi_regs *r, uint64_t va, uint64_t want)
{
	bool ok;
	uint64_t got = translate(r, va, &ok);

	assert_true(ok);
	assert_int_equal(got, want);
}

static void expect_fault(const struct gi_regs *r, uint64_t va)
{
	bool ok;

	translate(r, va, &ok);
	assert_false(ok);
}

/* ---- stage 1 ------------------------------------------------------------------------- */

static void test_mmu_off_is_flat(void **state)
{
	struct gi_regs r = { .sctlr = 0 };

	expect_ipa(&r, 0x80001234, 0x80001234);
	expect_fault(&r, 1ull << 48);
	assert_int_equal(reads, 0);
}

static void test_4k_pages_and_blocks(void **state)
{
	struct half h = new_half(12, 39);
	struct gi_regs r = { .sctlr = 1, .tcr = tcr0(39, 12), .ttbr0 = h.root };

	assert_int_equal(h.start, 1);
	map(&h, 0x400000, 0x80105000, 3, D_AF);
	map(&h, 0x40200000, 0x40000000, 2, D_AF);	/* 2 MiB block */
	map(&h, 0x4000000000ull - (1ull << 30), 0xc0000000, 1, D_AF);	/* 1 GiB block */
	expect_ipa(&r, 0x400123, 0x80105123);
	assert_int_equal(reads, 3);			/* levels 1, 2, 3 */
	expect_ipa(&r, 0x402ffff0, 0x400ffff0);
	expect_ipa(&r, 0x3fc0000abcull, 0xc0000abc);
	expect_fault(&r, 0x401000);			/* no page there */
	r.ttbr0 |= 1;					/* CnP does not move the table */
	expect_ipa(&r, 0x400ffc, 0x80105ffc);
}

static void test_upper_half(void **state)
{
	struct half h = new_half(12, 39);
	/* T1SZ 25, TG1 = 2 (4 KiB); the lower half disabled (EPD0). */
	struct gi_regs r = { .sctlr = 1, .tcr = 25ull << 16 | 2ull << 30 | 1ull << 7,
			     .ttbr1 = h.root };

	map(&h, 0xffffff8000201000ull, 0x80300000, 3, D_AF);
	expect_ipa(&r, 0xffffff8000201008ull, 0x80300008);
	expect_fault(&r, 0xfffffe8000201008ull);	/* a bit above the 39 not set */
	expect_fault(&r, 0x201008);			/* EPD0 */
}

static void test_faults(void **state)
{
	struct half h = new_half(12, 39);
	struct gi_regs r = { .sctlr = 1, .tcr = tcr0(39, 12), .ttbr0 = h.root };

	map(&h, 0x1000, 0x80010000, 3, 0);		/* invalid */
	map(&h, 0x2000, 0x80020000, 3, D_TABLE);	/* AF = 0 */
	expect_fault(&r, 0x1000);
	expect_fault(&r, 0x2000);
	expect_fault(&r, 0x8000000000ull);		/* above the 39-bit input range */
	/* A level-3 entry without the page bit is reserved: it faults. */
	*slot(&h, 0x3000, 3) = 0x80030000 | D_AF | D_VALID;
	expect_fault(&r, 0x3000);
	/* Tables outside guest memory fault. */
	r.ttbr0 = 0x1000;
	expect_fault(&r, 0x1000);
}

static void test_level0_block_faults(void **state)
{
	struct half h = new_half(12, 48);
	struct gi_regs r = { .sctlr = 1, .tcr = tcr0(48, 12), .ttbr0 = h.root };

	assert_int_equal(h.start, 0);
	mem[(h.root - MEM_IPA) / 8] = 0 | D_AF | D_VALID;	/* a 512 GiB "block" */
	expect_fault(&r, 0x1000);
	map(&h, 1ull << 40, 0x80004000, 3, D_AF);
	expect_ipa(&r, (1ull << 40) + 4, 0x80004004);
}

static void test_top_byte_ignore(void **state)
{
	struct half h = new_half(12, 39);
	struct gi_regs r = { .sctlr = 1, .tcr = tcr0(39, 12) | 1ull << 37, .ttbr0 = h.root };

	map(&h, 0x400000, 0x80105000, 3, D_AF);
	expect_ipa(&r, 0x5a00000000400010ull, 0x80105010);	/* TBI0 */
	r.tcr |= 1ull << 51;					/* TBID0: not for fetches */
	expect_fault(&r, 0x5a00000000400010ull);
	r.tcr &= ~(1ull << 37 | 1ull << 51);
	expect_fault(&r, 0x5a00000000400010ull);
}

static void test_64k_granule(void **state)
{
	struct half h = new_half(16, 42);
	struct gi_regs r = { .sctlr = 1, .tcr = tcr0(42, 16), .ttbr0 = h.root };

	assert_int_equal(h.start, 2);
	map(&h, 0x12340000, 0x80200000, 3, D_AF);
	expect_ipa(&r, 0x1234fedc, 0x8020fedc);
	map(&h, 0x20000000, 0x40000000, 2, D_AF);	/* 512 MiB block */
	expect_ipa(&r, 0x2abcdef0, 0x4abcdef0);
}

static void test_16k_granule(void **state)
{
	struct half h = new_half(14, 36);
	struct gi_regs r = { .sctlr = 1, .tcr = tcr0(36, 14), .ttbr0 = h.root };

	assert_int_equal(h.start, 2);
	map(&h, 0x8004000, 0x80208000, 3, D_AF);
	expect_ipa(&r, 0x8007ffc, 0x8020bffc);
	map(&h, 0x2000000, 0x42000000, 2, D_AF);	/* 32 MiB block */
	expect_ipa(&r, 0x3fffff8, 0x43fffff8);
}

/* ---- decoding ----------------------------------------------------------------------------- */

static void test_decode_sign_extending_loads(void **state)
{
	/* Encodings from aarch64-linux-gnu-as -march=armv8.4-a. */
	static const struct { uint32_t insn; unsigned rt, bytes; bool to64; } yes[] = {
		{ 0x39804125, 5, 1, true },	/* ldrsb x5, [x9, #16] */
		{ 0x79c02526, 6, 2, false },	/* ldrsh w6, [x9, #18] */
		{ 0xb9800027, 7, 4, true },	/* ldrsw x7, [x1] */
		{ 0x38dff062, 2, 1, false },	/* ldursb w2, [x3, #-1] */
		{ 0x788028a4, 4, 2, true },	/* ldtrsh x4, [x5, #2] */
		{ 0x38e36841, 1, 1, false },	/* ldrsb w1, [x2, x3] */
		{ 0x99800041, 1, 4, true },	/* ldapursw x1, [x2] */
		{ 0x19c01083, 3, 1, false },	/* ldapursb w3, [x4, #1] */
		{ 0x98000109, 9, 4, true },	/* ldrsw x9, <literal> */
		{ 0x3980003f, 31, 1, true },	/* ldrsb xzr, [x1] */
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		struct gi_sext_load l = { 0 };

		assert_true(gi_decode_sext_load(yes[i].insn, &l));
		assert_int_equal(l.rt, yes[i].rt);
		assert_int_equal(l.bytes, yes[i].bytes);
		assert_int_equal(l.to64, yes[i].to64);
	}
}

static void test_decode_rejects_the_rest(void **state)
{
	static const uint32_t no[] = {
		0x39404121,	/* ldrb w1, [x9, #16]: zero-extends */
		0xf9400d24,	/* ldr x4, [x9, #24] */
		0xb9401523,	/* ldr w3, [x9, #20] */
		0x38801525,	/* ldrsb x5, [x9], #1: writeback, no syndrome */
		0x78802d25,	/* ldrsh x5, [x9, #2]! */
		0xf9800020,	/* prfm pldl1keep, [x1] */
		0xd4000002,	/* hvc #0 */
		0x3d800020,	/* str q0, [x1]: SIMD */
	};
	struct gi_sext_load l;

	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(gi_decode_sext_load(no[i], &l));
}

static void test_sign_extend(void **state)
{
	assert_int_equal(gi_sign_extend(0xff00000000000081ull, 1, true), 0xffffffffffffff81ull);
	assert_int_equal(gi_sign_extend(0x81, 1, false), 0xffffff81ull);
	assert_int_equal(gi_sign_extend(0x8002, 2, false), 0xffff8002ull);
	assert_int_equal(gi_sign_extend(0x7002, 2, true), 0x7002);
	assert_int_equal(gi_sign_extend(0x80000000, 4, true), 0xffffffff80000000ull);
	assert_int_equal(gi_sign_extend(0x123456789abcdefull, 8, true), 0x123456789abcdefull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_mmu_off_is_flat, reset),
		cmocka_unit_test_setup(test_4k_pages_and_blocks, reset),
		cmocka_unit_test_setup(test_upper_half, reset),
		cmocka_unit_test_setup(test_faults, reset),
		cmocka_unit_test_setup(test_level0_block_faults, reset),
		cmocka_unit_test_setup(test_top_byte_ignore, reset),
		cmocka_unit_test_setup(test_64k_granule, reset),
		cmocka_unit_test_setup(test_16k_granule, reset),
		cmocka_unit_test(test_decode_sign_extending_loads),
		cmocka_unit_test(test_decode_rejects_the_rest),
		cmocka_unit_test(test_sign_extend),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
