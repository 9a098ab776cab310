// SPDX-License-Identifier: Apache-2.0
/*
 * rtlib: the heap (alignment, exhaustion, reuse, coalescing, refusal of bad and double
 * frees, a randomised run checked against a shadow model), the formatter against the
 * host's snprintf, and the instance secret against OpenSSL's HKDF.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "stack/guest/rtlib/rtlib.h"

static uint8_t arena[65536 + 8];

static void test_heap_basics(void **state)
{
	struct rt_heap h;
	void *a, *b, *c;

	assert_false(rt_heap_init(&h, arena, 63));
	assert_true(rt_heap_init(&h, arena + 3, 4096));	/* aligned up */
	assert_int_equal((uintptr_t)h.base % 16, 0);
	assert_int_equal(rt_heap_largest_free(&h), h.size - 16);
	assert_null(rt_heap_alloc(&h, 0));
	assert_null(rt_heap_alloc(&h, h.size));
	a = rt_heap_alloc(&h, 1);
	b = rt_heap_alloc(&h, 100);
	c = rt_heap_alloc(&h, 16);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_int_equal((uintptr_t)a % 16, 0);
	assert_int_equal((uintptr_t)b % 16, 0);
	assert_ptr_equal((uint8_t *)b, (uint8_t *)a + 32);	/* 16 header + 16 payload */
	assert_ptr_equal((uint8_t *)c, (uint8_t *)b + 128);	/* 16 + 112 */
	assert_int_equal(h.used, 32 + 128 + 32);
	memset(b, 0xee, 100);
	/* Stray and double frees are refused and change nothing. */
	assert_false(rt_heap_free(&h, (uint8_t *)b + 16));
	assert_false(rt_heap_free(&h, arena));
	assert_false(rt_heap_free(&h, (uint8_t *)h.base + h.size + 16));
	assert_true(rt_heap_free(&h, b));
	assert_false(rt_heap_free(&h, b));
	assert_true(rt_heap_free(&h, NULL));
	assert_int_equal(h.used, 64);
	/* The freed block is reused first-fit. */
	assert_ptr_equal(rt_heap_alloc(&h, 50), b);
	assert_true(rt_heap_free(&h, a));
	assert_true(rt_heap_free(&h, b));
	assert_true(rt_heap_free(&h, c));
	assert_int_equal(h.used, 0);
	/* Everything merges back into one block. */
	assert_int_equal(rt_heap_largest_free(&h), h.size - 16);
	a = rt_heap_alloc(&h, h.size - 16);
	assert_ptr_equal(a, h.base + 16);
	assert_null(rt_heap_alloc(&h, 1));
}

/* Random allocations and frees against a shadow list: no overlap, contents intact. */
static void test_heap_random(void **state)
{
	struct rt_heap h;
	struct { uint8_t *p; size_t n; uint8_t fill; } live[64] = { { 0 } };
	uint64_t s = 99;

	assert_true(rt_heap_init(&h, arena, 65536));
	for (int iter = 0; iter < 20000; iter++) {
		unsigned i;

		s = s * 6364136223846793005ull + 1442695040888963407ull;
		i = (unsigned)(s >> 33) % 64;
		if (live[i].p) {
			for (size_t k = 0; k < live[i].n; k++)
				assert_int_equal(live[i].p[k], live[i].fill);
			assert_true(rt_heap_free(&h, live[i].p));
			live[i].p = NULL;
		} else {
			size_t n = 1 + (size_t)(s >> 20) % 3000;
			uint8_t *p = rt_heap_alloc(&h, n);

			if (!p)
				continue;
			assert_true(p >= h.base && p + n <= h.base + h.size);
			for (unsigned j = 0; j < 64; j++)
				if (live[j].p)
					assert_true(p + n <= live[j].p || live[j].p + live[j].n <= p);
			live[i].p = p;
			live[i].n = n;
			live[i].fill = (uint8_t)(iter + 1);
			memset(p, live[i].fill, n);
		}
	}
	for (unsigned j = 0; j < 64; j++)
		assert_true(rt_heap_free(&h, live[j].p));
	assert_int_equal(h.used, 0);
	assert_int_equal(rt_heap_largest_free(&h), h.size - 16);
}

/* rt_vsnprintf without the format attribute, for formats the compiler rightly rejects. */
static int fmt_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#define CHECK_FMT(...) do { \
	char got[128], want[128]; \
	int n1 = rt_snprintf(got, sizeof(got), __VA_ARGS__); \
	int n2 = snprintf(want, sizeof(want), __VA_ARGS__); \
	assert_string_equal(got, want); \
	assert_int_equal(n1, n2); \
} while (0)

static void test_format_matches_libc(void **state)
{
	char small[8], buf[32];

	CHECK_FMT("plain");
	CHECK_FMT("%s|%-6s|%6s|%c|%%", "ab", "cd", "ef", 'z');
	CHECK_FMT("%d %i %d %d", 0, -1, 2147483647, (int)-2147483647 - 1);
	CHECK_FMT("%u %x %X %08x %-5x|", 4000000000u, 0xbeefu, 0xbeefu, 0x1234u, 0xau);
	CHECK_FMT("%ld %lu %lx %lld %llu %llx", -5l, 5ul, 0xffffffffffful, -9ll,
		  18446744073709551615ull, 0x123456789abcdefull);
	CHECK_FMT("%zu %zx %05d %-4d|%3d", (size_t)77, (size_t)0xabc, -42, 7, 1234);
	CHECK_FMT("%#x %#lx %#X %#x %#010x %#6x|", 0x1fu, 0xabcul, 0xabu, 0u, 0x2au, 0x5u);
	/* %p: always 16 digits (glibc drops leading zeros). */
	assert_int_equal(rt_snprintf(buf, sizeof(buf), "%p", (void *)0x1000), 18);
	assert_string_equal(buf, "0x0000000000001000");
	/* Truncation returns the full length and always terminates. */
	assert_int_equal(rt_snprintf(small, sizeof(small), "%s", "0123456789"), 10);
	assert_string_equal(small, "0123456");
	assert_int_equal(rt_snprintf(NULL, 0, "abc%d", 12), 5);
	/* An unknown conversion is copied, consuming no argument. */
	assert_int_equal(fmt_unchecked(small, sizeof(small), "%q%d", 3), 3);
	assert_string_equal(small, "%q3");
	assert_int_equal(fmt_unchecked(small, sizeof(small), "x%"), 2);
	assert_string_equal(small, "x%");
}

static void test_instance_secret_matches_openssl(void **state)
{
	uint8_t cdi[32], got[32], want[32], other[32];
	EVP_PKEY_CTX *ctx;
	size_t len = 32;

	for (int i = 0; i < 32; i++)
		cdi[i] = (uint8_t)(3 * i + 1);
	assert_true(rt_instance_secret(cdi, "hello", 5, got, 32));
	ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_derive_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()), 1);
	assert_int_equal(EVP_PKEY_CTX_set1_hkdf_salt(ctx, (const uint8_t *)"AVF VM instance secret",
						     22), 1);
	assert_int_equal(EVP_PKEY_CTX_set1_hkdf_key(ctx, cdi, 32), 1);
	assert_int_equal(EVP_PKEY_CTX_add1_hkdf_info(ctx, (const uint8_t *)"hello", 5), 1);
	assert_int_equal(EVP_PKEY_derive(ctx, want, &len), 1);
	EVP_PKEY_CTX_free(ctx);
	assert_memory_equal(got, want, 32);
	/* A shorter secret is a prefix (HKDF), another identifier another secret. */
	memset(other, 0, sizeof(other));
	assert_true(rt_instance_secret(cdi, "hello", 5, other, 16));
	assert_memory_equal(other, want, 16);
	assert_true(rt_instance_secret(cdi, "hellp", 5, other, 32));
	assert_memory_not_equal(other, want, 32);
	/* Sizes outside 1..32 are refused and leave the output alone. */
	memset(other, 0x77, sizeof(other));
	assert_false(rt_instance_secret(cdi, "hello", 5, other, 0));
	assert_false(rt_instance_secret(cdi, "hello", 5, other, 33));
	for (int i = 0; i < 32; i++)
		assert_int_equal(other[i], 0x77);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heap_basics),
		cmocka_unit_test(test_heap_random),
		cmocka_unit_test(test_format_matches_libc),
		cmocka_unit_test(test_instance_secret_matches_openssl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
