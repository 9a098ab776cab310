// SPDX-License-Identifier: MIT
/*
 * memory: the runtime's memcpy/memmove/memset over odd sizes and alignments (the code
 * paths mix byte and 8-byte accesses), and DC ZVA, whose block size is read from
 * DCZID_EL0 and never printed (it is the model's choice).
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/mem.h"
#include "sim/tests/lib/test.h"

#define AREA 160

static uint8_t src[AREA], dst[AREA], ref[AREA];

static uint8_t byte_for(unsigned i, unsigned salt)
{
	return (uint8_t)(i * 0x6d + salt * 0x35 + 1);
}

static uint64_t fnv(const uint8_t *p, unsigned n, uint64_t h)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

/* Reference copy: one byte at a time, through volatile so it stays bytewise. */
static void ref_copy(uint8_t *d, const uint8_t *s, unsigned n)
{
	volatile uint8_t *vd = d;

	for (unsigned i = 0; i < n; i++)
		vd[i] = s[i];
}

TEST(memcpy_odd_sizes_and_offsets)
{
	uint64_t h = 0xcbf29ce484222325ull;
	unsigned bad = 0;

	for (unsigned i = 0; i < AREA; i++)
		src[i] = byte_for(i, 1);
	for (unsigned n = 0; n <= 67; n++) {
		for (unsigned so = 0; so < 8; so++) {
			for (unsigned d_o = 0; d_o < 8; d_o++) {
				for (unsigned i = 0; i < AREA; i++)
					dst[i] = ref[i] = 0xcc;
				memcpy(dst + 8 + d_o, src + so, n);
				ref_copy(ref + 8 + d_o, src + so, n);
				if (memcmp(dst, ref, AREA) && bad++ < 4)
					FAIL("memcpy n=%u src+%u dst+%u", n, so, d_o);
			}
		}
		h = fnv(dst, AREA, h);
	}
	EXPECT_SHOW("hash", h, 0xb6ee852a5d188eb3ull);
}

TEST(memset_and_memmove)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned n = 0; n <= 40; n++) {
		for (unsigned off = 0; off < 8; off++) {
			for (unsigned i = 0; i < AREA; i++)
				dst[i] = byte_for(i, 2);
			memset(dst + off, (int)(n + 0x40), n);
			for (unsigned i = 0; i < AREA; i++) {
				uint8_t want = (i >= off && i < off + n) ? (uint8_t)(n + 0x40)
									 : byte_for(i, 2);
				if (dst[i] != want) {
					FAIL("memset n=%u off=%u byte %u", n, off, i);
					return;
				}
			}
		}
	}
	for (unsigned i = 0; i < AREA; i++)
		dst[i] = byte_for(i, 3);
	memmove(dst + 3, dst, 100);	/* overlapping, forward */
	h = fnv(dst, AREA, h);
	memmove(dst + 1, dst + 10, 77);	/* overlapping, backward */
	h = fnv(dst, AREA, h);
	EXPECT_SHOW("memmove hash", h, 0xeb746ab165fe3686ull);
}

TEST(dc_zva)
{
	static uint8_t area[4096] __attribute__((aligned(2048)));
	uint64_t dczid = read_sysreg(dczid_el0);
	uint64_t block = 4ull << (dczid & 0xf), target = (uint64_t)area + 1024 + 40;
	uint64_t start = target & ~(block - 1);

	if (!EXPECT_EQ(dczid & BIT(4), 0))	/* DZP: prohibited at EL1? */
		return;
	memset(area, 0xaa, sizeof(area));
	asm volatile("dc zva, %0" :: "r"(target) : "memory");
	for (uint64_t a = (uint64_t)area; a < (uint64_t)area + sizeof(area); a++) {
		uint8_t want = (a >= start && a < start + block) ? 0 : 0xaa;

		if (*(uint8_t *)a != want) {
			FAIL("dc zva: byte at block offset %ld is 0x%x", (long)(a - start),
			     *(uint8_t *)a);
			return;
		}
	}
}
