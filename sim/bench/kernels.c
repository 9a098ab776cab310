// SPDX-License-Identifier: MIT
/*
 * The benchmark kernels (see kernels.h). Each is a loop a compiler cannot fold away: the
 * data comes from a xorshift generator and every pass feeds the checksum. No library
 * calls, no floating point: the guest and the host compute the same numbers.
 */
#include <stddef.h>

#include "sim/bench/kernels.h"

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

uint64_t bench_mix(uint64_t h, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++, v >>= 8)
		h = (h ^ (v & 0xff)) * 0x100000001b3ull;
	return h;
}

/* ---- CRC-32 (reflected 0xEDB88320), one table lookup per byte ------------------------ */

#define CRC_BYTES 65536
static uint8_t crc_buf[CRC_BYTES];
static uint32_t crc_table[256];

uint64_t bench_crc(unsigned passes)
{
	uint64_t seed = 0x1234567887654321ull, h = 0xcbf29ce484222325ull;

	for (unsigned i = 0; i < 256; i++) {
		uint32_t c = i;

		for (unsigned k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
		crc_table[i] = c;
	}
	for (size_t i = 0; i < CRC_BYTES; i++)
		crc_buf[i] = (uint8_t)xorshift64(&seed);
	for (unsigned p = 0; p < passes; p++) {
		uint32_t crc = ~0u;

		crc_buf[p % CRC_BYTES] ^= (uint8_t)p;	/* each pass sees different data */
		for (size_t i = 0; i < CRC_BYTES; i++)
			crc = (crc >> 8) ^ crc_table[(crc ^ crc_buf[i]) & 0xff];
		h = bench_mix(h, ~crc);
	}
	return h;
}

/* ---- heap sort --------------------------------------------------------------------- */

#define SORT_N 16384
static uint32_t sort_a[SORT_N];

static void sift_down(uint32_t *a, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		uint32_t t;

		if (child >= n)
			return;
		if (child + 1 < n && a[child + 1] > a[child])
			child++;
		if (a[root] >= a[child])
			return;
		t = a[root];
		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

static void heap_sort(uint32_t *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (size_t end = n; end-- > 1;) {
		uint32_t t = a[0];

		a[0] = a[end];
		a[end] = t;
		sift_down(a, 0, end);
	}
}

uint64_t bench_sort(unsigned passes)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull, h = 0xcbf29ce484222325ull;

	for (unsigned p = 0; p < passes; p++) {
		uint64_t sum = 0;

		for (size_t i = 0; i < SORT_N; i++)
			sort_a[i] = (uint32_t)xorshift64(&seed);
		heap_sort(sort_a, SORT_N);
		for (size_t i = 0; i < SORT_N; i++)
			sum += (uint64_t)sort_a[i] * (i + 1);
		h = bench_mix(h, sum);
	}
	return h;
}

/* ---- integer matrix multiply -------------------------------------------------------- */

#define MAT_N 96
static int32_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];

uint64_t bench_matmul(unsigned passes)
{
	uint64_t seed = 0x0123456789abcdefull, h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < MAT_N; i++) {
		for (size_t j = 0; j < MAT_N; j++) {
			mat_a[i][j] = (int32_t)(xorshift64(&seed) % 2001) - 1000;
			mat_b[i][j] = (int32_t)(xorshift64(&seed) % 2001) - 1000;
		}
	}
	for (unsigned p = 0; p < passes; p++) {
		uint64_t sum = 0;

		for (size_t i = 0; i < MAT_N; i++) {
			for (size_t j = 0; j < MAT_N; j++) {
				int32_t acc = 0;

				for (size_t k = 0; k < MAT_N; k++)
					acc += mat_a[i][k] * mat_b[k][j];
				mat_c[i][j] = acc;
			}
		}
		/* Feed the result back so each pass differs. */
		for (size_t i = 0; i < MAT_N; i++) {
			mat_a[i][(i + p) % MAT_N] ^= mat_c[i][i] & 0xff;
			for (size_t j = 0; j < MAT_N; j++)
				sum += (uint64_t)(uint32_t)mat_c[i][j] * (j + 1);
		}
		h = bench_mix(h, sum);
	}
	return h;
}

/* ---- memcpy-heavy: copies of random sizes and alignments ----------------------------- */

#define COPY_BYTES (1u << 20)
static uint8_t copy_src[COPY_BYTES + 64] __attribute__((aligned(64)));
static uint8_t copy_dst[COPY_BYTES + 64] __attribute__((aligned(64)));

/* A plain memcpy: 8 bytes at a time once the destination is aligned, bytes around. */
static void copy_bytes(uint8_t *d, const uint8_t *s, size_t n)
{
	while (n && ((uintptr_t)d & 7)) {
		*d++ = *s++;
		n--;
	}
	for (; n >= 8; n -= 8, d += 8, s += 8) {
		uint64_t v;

		__builtin_memcpy(&v, s, 8);
		__builtin_memcpy(__builtin_assume_aligned(d, 8), &v, 8);
	}
	while (n--)
		*d++ = *s++;
}

uint64_t bench_memcpy(unsigned passes)
{
	uint64_t seed = 0xfeedfacecafebeefull, h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < sizeof(copy_src); i++)
		copy_src[i] = (uint8_t)xorshift64(&seed);
	for (unsigned p = 0; p < passes; p++) {
		size_t done = 0;

		while (done < COPY_BYTES) {
			uint64_t r = xorshift64(&seed);
			size_t len = (r & 0xfff) + 1, so = (r >> 12) & 63, doff = (r >> 18) & 63;
			size_t at = (size_t)(r >> 24) % (COPY_BYTES - len);

			copy_bytes(copy_dst + doff + (at & ~63ul), copy_src + so + at, len);
			done += len;
		}
		for (size_t i = 0; i < COPY_BYTES; i += 4096) {
			uint64_t v;

			__builtin_memcpy(&v, __builtin_assume_aligned(copy_dst + i, 8), 8);
			h = bench_mix(h, v);
		}
		copy_src[p] ^= copy_dst[p];
	}
	return h;
}

/* ---- TLBI model ------------------------------------------------------------------------ */

unsigned bench_tlbi_backing(unsigned pass, unsigned page)
{
	return (page * 7 + pass) % BENCH_TLBI_PAGES;
}

uint64_t bench_tlbi_value(unsigned page, unsigned word)
{
	return (uint64_t)page << 32 | (uint64_t)word * 0x9e3779b1u;
}

/*
 * The guest reads the word through the window before and after remapping page i from
 * its backing of this pass to that of the next pass (see tlbi.c).
 */
uint64_t bench_tlbi_model(unsigned passes)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned p = 0; p < passes; p++) {
		uint64_t sum = 0;

		for (unsigned i = 0; i < BENCH_TLBI_PAGES; i++) {
			sum += bench_tlbi_value(bench_tlbi_backing(p, i), BENCH_TLBI_WORD);
			sum += 3 * bench_tlbi_value(bench_tlbi_backing(p + 1, i), BENCH_TLBI_WORD);
		}
		h = bench_mix(h, sum);
	}
	return h;
}
