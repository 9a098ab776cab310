// SPDX-License-Identifier: MIT
/*
 * memory: unaligned accesses to Normal memory with the MMU on and SCTLR_EL1.A clear,
 * which the architecture performs without a fault: every width at every offset, pairs,
 * SIMD registers, and an access that straddles two pages. Each result is checked
 * against the value assembled from single bytes; a hash of all results is printed.
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/mem.h"
#include "sim/tests/lib/test.h"

/* Two pages: index PAGE_SIZE is the first byte of the second page. */
static uint8_t pages[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static uint8_t pattern_at(uint64_t i)
{
	return (uint8_t)(i * 0x3b + 0x17);
}

static void fill(uint8_t *p, uint64_t n, uint64_t base_index)
{
	for (uint64_t i = 0; i < n; i++)
		p[i] = pattern_at(base_index + i);
}

static uint64_t bytes_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

static uint64_t load(const uint8_t *p, unsigned size)
{
	uint64_t v;

	switch (size) {
	case 2:
		asm volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(p) : "memory");
		break;
	case 4:
		asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(p) : "memory");
		break;
	default:
		asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(p) : "memory");
		break;
	}
	return v;
}

static void store(uint8_t *p, unsigned size, uint64_t v)
{
	switch (size) {
	case 2:
		asm volatile("strh %w0, [%1]" :: "r"(v), "r"(p) : "memory");
		break;
	case 4:
		asm volatile("str %w0, [%1]" :: "r"(v), "r"(p) : "memory");
		break;
	default:
		asm volatile("str %0, [%1]" :: "r"(v), "r"(p) : "memory");
		break;
	}
}

TEST(unaligned_loads)
{
	static const unsigned sizes[] = { 2, 4, 8 };
	uint64_t hash = 0;

	fill(pages, 64, 0);
	for (unsigned s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (unsigned off = 0; off < 16; off++) {
			uint64_t got = load(pages + off, sizes[s]);

			if (got != bytes_le(pages + off, sizes[s]))
				FAIL("load size %u offset %u: 0x%lx", sizes[s], off, got);
			hash = hash * 1000003 + got;
		}
	}
	EXPECT_SHOW("hash", hash, 0x66ddb98f83971f68ull);
}

TEST(unaligned_stores)
{
	static const unsigned sizes[] = { 2, 4, 8 };

	for (unsigned s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (unsigned off = 1; off < 8; off++) {
			uint64_t v = 0x8877665544332211ull;

			memset(pages, 0xee, 32);
			store(pages + off, sizes[s], v);
			if (bytes_le(pages + off, sizes[s]) != (v & (~0ull >> (64 - 8 * sizes[s]))) ||
			    pages[off - 1] != 0xee || pages[off + sizes[s]] != 0xee)
				FAIL("store size %u offset %u", sizes[s], off);
		}
	}
}

TEST(unaligned_pairs_and_simd)
{
	uint64_t a, b, lo, hi;

	fill(pages, 64, 0);
	asm volatile("ldp %0, %1, [%2]" : "=&r"(a), "=r"(b) : "r"(pages + 3) : "memory");
	EXPECT_SHOW("ldp +3 first", a, bytes_le(pages + 3, 8));
	EXPECT_SHOW("ldp +3 second", b, bytes_le(pages + 11, 8));
	asm volatile("ldr q0, [%2]\n\tfmov %0, d0\n\tumov %1, v0.d[1]"
		     : "=r"(lo), "=r"(hi) : "r"(pages + 5) : "v0", "memory");
	EXPECT_SHOW("ldr q +5 lo", lo, bytes_le(pages + 5, 8));
	EXPECT_SHOW("ldr q +5 hi", hi, bytes_le(pages + 13, 8));
	asm volatile("ld1 {v0.4s}, [%2]\n\tfmov %0, d0\n\tumov %1, v0.d[1]"
		     : "=r"(lo), "=r"(hi) : "r"(pages + 7) : "v0", "memory");
	EXPECT_SHOW("ld1 4s +7 lo", lo, bytes_le(pages + 7, 8));
	EXPECT_SHOW("ld1 4s +7 hi", hi, bytes_le(pages + 15, 8));
}

TEST(access_straddling_a_page_boundary)
{
	uint8_t *edge = pages + PAGE_SIZE;
	uint64_t v;

	fill(edge - 8, 16, 1000);
	v = load(edge - 3, 8);
	EXPECT_SHOW("ldr x across pages", v, bytes_le(edge - 3, 8));
	store(edge - 5, 8, 0x0102030405060708ull);
	EXPECT_SHOW("str x across pages", bytes_le(edge - 5, 8), 0x0102030405060708ull);
	EXPECT_SHOW("byte after", edge[3], pattern_at(1000 + 11));
}
