// SPDX-License-Identifier: Apache-2.0
/*
 * X25519: RFC 7748 section 6.1 (both public keys and the shared secret), random keys
 * against OpenSSL's X25519 (both directions of a key agreement), u-coordinates with bit
 * 255 set or >= p (non-canonical, which the RFC says to accept), and small-order points
 * refused with -EINVAL.
 */
#include "crypto_test_util.h"

#include <errno.h>

#include "stack/guest/crypto/x25519.h"

static const char alice_priv[] =
	"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
static const char alice_pub[] =
	"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
static const char bob_priv[] =
	"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
static const char bob_pub[] =
	"de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
static const char shared[] =
	"4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

static void test_rfc7748_diffie_hellman(void **state)
{
	uint8_t a[32], b[32], apub[32], bpub[32], k1[32], k2[32];

	test_hex_decode(alice_priv, a, 32);
	test_hex_decode(bob_priv, b, 32);
	crypto_x25519_public(apub, a);
	test_assert_hex(apub, 32, alice_pub);
	crypto_x25519_public(bpub, b);
	test_assert_hex(bpub, 32, bob_pub);
	assert_int_equal(crypto_x25519(k1, a, bpub), 0);
	assert_int_equal(crypto_x25519(k2, b, apub), 0);
	test_assert_hex(k1, 32, shared);
	test_assert_hex(k2, 32, shared);
}

static void openssl_x25519(const uint8_t priv[32], const uint8_t peer[32], uint8_t out[32],
			   uint8_t pub[32])
{
	EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
	EVP_PKEY *other = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, 32);
	EVP_PKEY_CTX *ctx;
	size_t len = 32;

	assert_non_null(key);
	assert_non_null(other);
	assert_int_equal(EVP_PKEY_get_raw_public_key(key, pub, &len), 1);
	ctx = EVP_PKEY_CTX_new(key, NULL);
	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_derive_init(ctx), 1);
	assert_int_equal(EVP_PKEY_derive_set_peer(ctx, other), 1);
	len = 32;
	assert_int_equal(EVP_PKEY_derive(ctx, out, &len), 1);
	assert_int_equal(len, 32);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(other);
	EVP_PKEY_free(key);
}

static void test_against_openssl(void **state)
{
	struct test_rng rng = { 0x25519 };

	for (int iter = 0; iter < 100; iter++) {
		uint8_t a[32], b[32], apub[32], bpub[32], ours[32], theirs[32], their_pub[32];

		test_rng_fill(&rng, a, 32);
		test_rng_fill(&rng, b, 32);
		crypto_x25519_public(apub, a);
		crypto_x25519_public(bpub, b);
		assert_int_equal(crypto_x25519(ours, a, bpub), 0);
		openssl_x25519(b, apub, theirs, their_pub);
		assert_memory_equal(their_pub, bpub, 32);
		assert_memory_equal(ours, theirs, 32);
	}
}

/* Bit 255 of u is ignored; u = p + 9 is the same point as 9 (RFC 7748 section 5). */
static void test_noncanonical_u(void **state)
{
	uint8_t k[32], u[32] = { 9 }, want[32], got[32];

	memset(k, 0x42, sizeof(k));
	assert_int_equal(crypto_x25519(want, k, u), 0);
	u[31] |= 0x80;
	assert_int_equal(crypto_x25519(got, k, u), 0);
	assert_memory_equal(got, want, 32);
	/* p + 9 = 2^255 - 10: 0xf6, 0xff..., 0x7f */
	memset(u, 0xff, sizeof(u));
	u[0] = 0xf6;
	u[31] = 0x7f;
	assert_int_equal(crypto_x25519(got, k, u), 0);
	assert_memory_equal(got, want, 32);
}

/* u = 0 and u = 1 have small order: every scalar gives zero, which is refused. */
static void test_small_order_refused(void **state)
{
	uint8_t k[32], u[32] = { 0 }, out[32];

	memset(k, 0x77, sizeof(k));
	assert_int_equal(crypto_x25519(out, k, u), -EINVAL);
	u[0] = 1;
	assert_int_equal(crypto_x25519(out, k, u), -EINVAL);
	for (int i = 0; i < 32; i++)
		assert_int_equal(out[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc7748_diffie_hellman),
		cmocka_unit_test(test_against_openssl),
		cmocka_unit_test(test_noncanonical_u),
		cmocka_unit_test(test_small_order_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
