// SPDX-License-Identifier: Apache-2.0
/*
 * Ed25519 key generation and signing: the RFC 8032 section 7.1 vectors reproduced byte
 * for byte, and a cross-check against OpenSSL (same public keys, same signatures, each
 * verifying under both implementations) over many deterministic keys and message
 * lengths, including keys whose secret scalars exercise the ladder's edge bits.
 */
#include "crypto_test_util.h"

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/crypto/crypto_ed25519_vectors.h"

#define N_RFC8032 (sizeof(rfc8032_vectors) / sizeof(rfc8032_vectors[0]))

static void test_rfc8032_public_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_RFC8032; i++) {
		uint8_t seed[32], expected[32], pub[32];

		assert_int_equal(test_hex_decode(rfc8032_vectors[i].secret, seed, 32), 32);
		assert_int_equal(test_hex_decode(rfc8032_vectors[i].public, expected, 32), 32);
		crypto_ed25519_public_key(seed, pub);
		if (memcmp(pub, expected, 32))
			fail_msg("%s: wrong public key", rfc8032_vectors[i].name);
	}
}

static void test_rfc8032_signatures(void **state)
{
	static uint8_t msg[1024];

	(void)state;
	for (size_t i = 0; i < N_RFC8032; i++) {
		uint8_t seed[32], pub[32], expected[64], sig[64];
		size_t len = test_hex_decode(rfc8032_vectors[i].message, msg, sizeof(msg));

		assert_int_equal(test_hex_decode(rfc8032_vectors[i].secret, seed, 32), 32);
		assert_int_equal(test_hex_decode(rfc8032_vectors[i].public, pub, 32), 32);
		assert_int_equal(test_hex_decode(rfc8032_vectors[i].signature, expected, 64), 64);
		crypto_ed25519_sign(sig, msg, len, seed, pub);
		if (memcmp(sig, expected, 64))
			fail_msg("%s: wrong signature", rfc8032_vectors[i].name);
		assert_int_equal(crypto_ed25519_verify(sig, msg, len, pub), 0);
	}
}

/* Same public key, same signature as OpenSSL; both verifiers accept it. */
static void cross_check(const uint8_t seed[32], const uint8_t *msg, size_t len)
{
	uint8_t pub[32], ossl_pub[32], sig[64], ossl_sig[64];

	crypto_ed25519_public_key(seed, pub);
	test_openssl_ed25519_public(seed, ossl_pub);
	assert_memory_equal(pub, ossl_pub, 32);
	crypto_ed25519_sign(sig, msg, len, seed, pub);
	test_openssl_ed25519_sign(seed, msg, len, ossl_sig);
	assert_memory_equal(sig, ossl_sig, 64);
	assert_true(test_openssl_ed25519_verify(pub, sig, msg, len));
	assert_int_equal(crypto_ed25519_verify(sig, msg, len, pub), 0);
}

static void test_openssl_cross_check(void **state)
{
	struct test_rng rng = { .state = 0x5eed5167 };
	static uint8_t msg[600];

	(void)state;
	for (uint32_t k = 0; k < 64; k++) {
		uint8_t seed[32];
		size_t len = k < 8 ? k : test_rng_below(&rng, sizeof(msg) + 1);

		test_ed25519_seed(k, seed);
		test_rng_fill(&rng, msg, len);
		cross_check(seed, msg, len);
	}
}

/* Seeds of all-zero and all-ones bytes: extreme SHA-512 inputs, NULL empty message. */
static void test_extreme_seeds(void **state)
{
	uint8_t seed[32];

	(void)state;
	memset(seed, 0, sizeof(seed));
	cross_check(seed, (const uint8_t *)"", 0);
	memset(seed, 0xff, sizeof(seed));
	cross_check(seed, (const uint8_t *)"x", 1);
}

static void test_signing_is_deterministic_and_message_bound(void **state)
{
	uint8_t seed[32], pub[32], sig1[64], sig2[64];

	(void)state;
	test_ed25519_seed(1000, seed);
	crypto_ed25519_public_key(seed, pub);
	crypto_ed25519_sign(sig1, "message", 7, seed, pub);
	crypto_ed25519_sign(sig2, "message", 7, seed, pub);
	assert_memory_equal(sig1, sig2, 64);
	crypto_ed25519_sign(sig2, "messagf", 7, seed, pub);
	assert_memory_not_equal(sig1, sig2, 64);
	assert_int_equal(crypto_ed25519_verify(sig1, "messagf", 7, pub), CRYPTO_EBADMSG);
}

/* A public key that is not the seed's: the signature does not verify under either. */
static void test_mismatched_public_key_gives_invalid_signature(void **state)
{
	uint8_t seed[32], other[32], pub[32], other_pub[32], sig[64];

	(void)state;
	test_ed25519_seed(2000, seed);
	test_ed25519_seed(2001, other);
	crypto_ed25519_public_key(seed, pub);
	crypto_ed25519_public_key(other, other_pub);
	crypto_ed25519_sign(sig, "m", 1, seed, other_pub);
	assert_int_equal(crypto_ed25519_verify(sig, "m", 1, other_pub), CRYPTO_EBADMSG);
	assert_int_equal(crypto_ed25519_verify(sig, "m", 1, pub), CRYPTO_EBADMSG);
	assert_false(test_openssl_ed25519_verify(other_pub, sig, "m", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032_public_keys),
		cmocka_unit_test(test_rfc8032_signatures),
		cmocka_unit_test(test_openssl_cross_check),
		cmocka_unit_test(test_extreme_seeds),
		cmocka_unit_test(test_signing_is_deterministic_and_message_bound),
		cmocka_unit_test(test_mismatched_public_key_gives_invalid_signature),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
