// SPDX-License-Identifier: Apache-2.0
/*
 * HKDF-SHA-256: RFC 5869 appendix A test cases 1-3 (PRK and OKM), the output length
 * limit of 255 * HashLen, and random inputs of many lengths against OpenSSL's HKDF.
 */
#include "crypto_test_util.h"

#include <errno.h>
#include <stdlib.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "stack/guest/crypto/crypto.h"

struct rfc5869_case {
	const char *ikm, *salt, *info;	/* hex */
	size_t okm_len;
	const char *prk, *okm;
};

static const struct rfc5869_case rfc5869_cases[] = {
	/* A.1: basic test case with SHA-256 */
	{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c",
	  "f0f1f2f3f4f5f6f7f8f9", 42,
	  "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
	  "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865" },
	/* A.2: longer inputs and outputs */
	{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	  "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	  "404142434445464748494a4b4c4d4e4f",
	  "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
	  "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
	  "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
	  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", 82,
	  "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
	  "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
	  "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
	  "cc30c58179ec3e87c14c01d5c1f3434f1d87" },
	/* A.3: zero-length salt and info */
	{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42,
	  "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
	  "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8" },
};

static void test_rfc5869_cases(void **state)
{
	for (size_t i = 0; i < sizeof(rfc5869_cases) / sizeof(rfc5869_cases[0]); i++) {
		const struct rfc5869_case *c = &rfc5869_cases[i];
		uint8_t ikm[100], salt[100], info[100], prk[32], okm[100];
		size_t ikm_len = test_hex_decode(c->ikm, ikm, sizeof(ikm));
		size_t salt_len = test_hex_decode(c->salt, salt, sizeof(salt));
		size_t info_len = test_hex_decode(c->info, info, sizeof(info));

		crypto_hkdf_sha256_extract(salt, salt_len, ikm, ikm_len, prk);
		test_assert_hex(prk, 32, c->prk);
		assert_int_equal(crypto_hkdf_sha256_expand(prk, 32, info, info_len, okm,
							   c->okm_len), 0);
		test_assert_hex(okm, c->okm_len, c->okm);

		memset(okm, 0, sizeof(okm));
		assert_int_equal(crypto_hkdf_sha256(salt, salt_len, ikm, ikm_len, info, info_len,
						    okm, c->okm_len), 0);
		test_assert_hex(okm, c->okm_len, c->okm);
	}
}

/* RFC 5869: "if not provided, [salt] is set to a string of HashLen zeros". */
static void test_absent_salt_is_hashlen_zeros(void **state)
{
	static const uint8_t zeros[32];
	uint8_t ikm[22], with_null[32], with_zeros[32];

	/* Case A.3's input keying material, whose PRK the RFC gives for an empty salt. */
	memset(ikm, 0x0b, sizeof(ikm));
	crypto_hkdf_sha256_extract(NULL, 0, ikm, sizeof(ikm), with_null);
	crypto_hkdf_sha256_extract(zeros, sizeof(zeros), ikm, sizeof(ikm), with_zeros);
	test_assert_hex(with_null, 32, rfc5869_cases[2].prk);
	test_assert_hex(with_zeros, 32, rfc5869_cases[2].prk);
}

static void test_output_length_limit(void **state)
{
	uint8_t prk[32], *okm = malloc(CRYPTO_HKDF_SHA256_MAX_OUTPUT + 1);

	assert_non_null(okm);
	assert_int_equal(CRYPTO_HKDF_SHA256_MAX_OUTPUT, 255 * 32);
	memset(prk, 0x42, sizeof(prk));

	/* L = 255 * HashLen is the largest allowed; one more byte is refused. */
	assert_int_equal(crypto_hkdf_sha256_expand(prk, 32, "x", 1, okm, 8160), 0);
	memset(okm, 0x77, CRYPTO_HKDF_SHA256_MAX_OUTPUT + 1);
	assert_int_equal(crypto_hkdf_sha256_expand(prk, 32, "x", 1, okm, 8161), -EINVAL);
	assert_int_equal(crypto_hkdf_sha256(NULL, 0, "ikm", 3, NULL, 0, okm, 8161), -EINVAL);
	assert_int_equal(crypto_hkdf_sha256(NULL, 0, "ikm", 3, NULL, 0, okm, SIZE_MAX), -EINVAL);
	/* On error the output is not touched. */
	for (size_t i = 0; i <= CRYPTO_HKDF_SHA256_MAX_OUTPUT; i++)
		assert_int_equal(okm[i], 0x77);

	/* A PRK shorter than HashLen is refused; zero output is fine. */
	assert_int_equal(crypto_hkdf_sha256_expand(prk, 31, NULL, 0, okm, 16), -EINVAL);
	assert_int_equal(crypto_hkdf_sha256_expand(prk, 32, NULL, 0, okm, 0), 0);
	assert_int_equal(okm[0], 0x77);
	free(okm);
}

/* A shorter output is a prefix of a longer one (same PRK and info). */
static void test_outputs_are_prefixes(void **state)
{
	uint8_t prk[32], full[200], part[200];

	memset(prk, 0x13, sizeof(prk));
	assert_int_equal(crypto_hkdf_sha256_expand(prk, 32, "info", 4, full, sizeof(full)), 0);
	for (size_t len = 1; len <= sizeof(full); len++) {
		assert_int_equal(crypto_hkdf_sha256_expand(prk, 32, "info", 4, part, len), 0);
		assert_memory_equal(part, full, len);
	}
}

static void openssl_hkdf(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
			 size_t ikm_len, const uint8_t *info, size_t info_len, uint8_t *okm,
			 size_t okm_len)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx;
	OSSL_PARAM params[5], *p = params;

	assert_non_null(kdf);
	ctx = EVP_KDF_CTX_new(kdf);
	assert_non_null(ctx);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
	*p = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_KDF_derive(ctx, okm, okm_len, params), 1);
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
}

static void test_random_against_openssl(void **state)
{
	struct test_rng rng = { 0x4bdf };
	uint8_t salt[150], ikm[150], info[150];
	uint8_t *ours = malloc(CRYPTO_HKDF_SHA256_MAX_OUTPUT);
	uint8_t *theirs = malloc(CRYPTO_HKDF_SHA256_MAX_OUTPUT);

	assert_non_null(ours);
	assert_non_null(theirs);
	for (int iter = 0; iter < 300; iter++) {
		size_t salt_len = test_rng_below(&rng, sizeof(salt) + 1);
		size_t ikm_len = 1 + test_rng_below(&rng, sizeof(ikm));
		size_t info_len = test_rng_below(&rng, sizeof(info) + 1);
		/* Mostly short outputs around block multiples, sometimes up to the limit. */
		size_t okm_len = iter % 10 == 0 ?
			1 + test_rng_below(&rng, CRYPTO_HKDF_SHA256_MAX_OUTPUT) :
			1 + test_rng_below(&rng, 200);

		test_rng_fill(&rng, salt, salt_len);
		test_rng_fill(&rng, ikm, ikm_len);
		test_rng_fill(&rng, info, info_len);
		assert_int_equal(crypto_hkdf_sha256(salt, salt_len, ikm, ikm_len, info, info_len,
						    ours, okm_len), 0);
		openssl_hkdf(salt, salt_len, ikm, ikm_len, info, info_len, theirs, okm_len);
		if (memcmp(ours, theirs, okm_len) != 0)
			fail_msg("HKDF differs: iteration %d (salt %zu, ikm %zu, info %zu, L %zu)",
				 iter, salt_len, ikm_len, info_len, okm_len);
	}
	free(ours);
	free(theirs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc5869_cases),
		cmocka_unit_test(test_absent_salt_is_hashlen_zeros),
		cmocka_unit_test(test_output_length_limit),
		cmocka_unit_test(test_outputs_are_prefixes),
		cmocka_unit_test(test_random_against_openssl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
