/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers for the cmocka tests of stack/guest/crypto (host only: uses libc and OpenSSL's
 * libcrypto as the reference implementation). Everything random here comes from a
 * fixed-seed generator, so every run tests the same inputs.
 */
#ifndef GUEST_CRYPTO_TEST_UTIL_H
#define GUEST_CRYPTO_TEST_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

/* Decode the hex string @hex into @out (at most @max bytes); returns the byte count. */
static inline size_t test_hex_decode(const char *hex, uint8_t *out, size_t max)
{
	size_t n = strlen(hex);

	assert_int_equal(n % 2, 0);
	assert_true(n / 2 <= max);
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int byte;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &byte), 1);
		out[i] = (uint8_t)byte;
	}
	return n / 2;
}

/* Assert @len bytes at @actual equal the hex string @expected_hex. */
static inline void test_assert_hex(const uint8_t *actual, size_t len, const char *expected_hex)
{
	uint8_t expected[1024];

	assert_int_equal(test_hex_decode(expected_hex, expected, sizeof(expected)), len);
	assert_memory_equal(actual, expected, len);
}

/* splitmix64: a tiny deterministic generator, seeded by the caller. */
struct test_rng {
	uint64_t state;
};

static inline uint64_t test_rng_next(struct test_rng *rng)
{
	uint64_t z = (rng->state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A value in [0, bound), bound > 0 (the tiny modulo bias does not matter here). */
static inline size_t test_rng_below(struct test_rng *rng, size_t bound)
{
	return (size_t)(test_rng_next(rng) % bound);
}

static inline void test_rng_fill(struct test_rng *rng, uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)test_rng_next(rng);
}

/* OpenSSL's digest of @data, for comparison; @md is EVP_sha256() or EVP_sha512(). */
static inline void test_openssl_digest(const EVP_MD *md, const void *data, size_t len,
				       uint8_t *out)
{
	unsigned int out_len = 0;

	assert_int_equal(EVP_Digest(data, len, out, &out_len, md, NULL), 1);
	assert_int_equal(out_len, EVP_MD_get_size(md));
}

/* ---- Ed25519 through OpenSSL: the reference signer ------------------------------------- */

/* The RFC 8032 public key of the 32-byte secret @seed. */
static inline void test_openssl_ed25519_public(const uint8_t seed[32], uint8_t pub[32])
{
	EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	size_t len = 32;

	assert_non_null(key);
	assert_int_equal(EVP_PKEY_get_raw_public_key(key, pub, &len), 1);
	assert_int_equal(len, 32);
	EVP_PKEY_free(key);
}

/* Sign @msg with the key of @seed (PureEdDSA: deterministic, no randomness used). */
static inline void test_openssl_ed25519_sign(const uint8_t seed[32], const void *msg, size_t len,
					     uint8_t sig[64])
{
	EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t sig_len = 64;

	assert_non_null(key);
	assert_non_null(ctx);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL, key), 1);
	assert_int_equal(EVP_DigestSign(ctx, sig, &sig_len, msg, len), 1);
	assert_int_equal(sig_len, 64);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
}

/* OpenSSL's verdict on a signature: true when it verifies. */
static inline bool test_openssl_ed25519_verify(const uint8_t pub[32], const uint8_t sig[64],
					       const void *msg, size_t len)
{
	EVP_PKEY *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
	EVP_MD_CTX *ctx;
	int ret;

	if (!key)
		return false;	/* OpenSSL refused the key bytes outright */
	ctx = EVP_MD_CTX_new();
	assert_non_null(ctx);
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key), 1);
	ret = EVP_DigestVerify(ctx, sig, 64, msg, len);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ret == 1;
}

/*
 * The secret of test key number @index: SHA-256 of a fixed label and the index. Never
 * from an unseeded source, so the keys are the same on every run.
 */
static inline void test_ed25519_seed(uint32_t index, uint8_t seed[32])
{
	char label[64];
	int n = snprintf(label, sizeof(label), "guestcrypto ed25519 test key %u", index);

	test_openssl_digest(EVP_sha256(), label, (size_t)n, seed);
}

#endif /* GUEST_CRYPTO_TEST_UTIL_H */
