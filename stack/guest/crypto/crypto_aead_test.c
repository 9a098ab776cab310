// SPDX-License-Identifier: Apache-2.0
/*
 * ChaCha20, Poly1305 and AEAD_CHACHA20_POLY1305: RFC 8439 vectors (2.3.2 block, 2.4.2
 * encryption, 2.5.2 MAC, 2.8.2 AEAD), random inputs of many lengths and splits against
 * OpenSSL's EVP_chacha20, EVP_MAC "POLY1305" and EVP_chacha20_poly1305, forged inputs
 * (every bit of ciphertext, tag and aad) refused with -EBADMSG and nothing released,
 * and the counter limits.
 */
#include "crypto_test_util.h"

#include <errno.h>
#include <stdlib.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "stack/guest/crypto/aead.h"

static const char sunscreen[] =
	"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
	"the future, sunscreen would be it.";

static void seq_bytes(uint8_t *p, size_t n, uint8_t first)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(first + i);
}

static void test_rfc8439_block(void **state)
{
	uint8_t key[32], nonce[12], out[64];

	seq_bytes(key, 32, 0);
	test_hex_decode("000000090000004a00000000", nonce, sizeof(nonce));
	crypto_chacha20_block(key, 1, nonce, out);
	test_assert_hex(out, 64,
			"10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
			"d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
}

static void test_rfc8439_encryption(void **state)
{
	uint8_t key[32], nonce[12], out[sizeof(sunscreen) - 1];

	seq_bytes(key, 32, 0);
	test_hex_decode("000000000000004a00000000", nonce, sizeof(nonce));
	assert_int_equal(crypto_chacha20_xor(key, 1, nonce, (const uint8_t *)sunscreen, out,
					     sizeof(out)), 0);
	test_assert_hex(out, sizeof(out),
			"6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
			"f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
			"07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
			"5af90bbf74a35be6b40b8eedf2785e42874d");
}

static void test_rfc8439_poly1305(void **state)
{
	static const char msg[] = "Cryptographic Forum Research Group";
	uint8_t key[32], tag[16];

	test_hex_decode("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", key,
			sizeof(key));
	crypto_poly1305(key, msg, sizeof(msg) - 1, tag);
	test_assert_hex(tag, 16, "a8061dc1305136c6c22b8baf0c0127a9");
}

static void test_rfc8439_aead(void **state)
{
	const size_t len = sizeof(sunscreen) - 1;
	uint8_t key[32], nonce[12], aad[12], cipher[sizeof(sunscreen)], tag[16],
		plain[sizeof(sunscreen)];

	seq_bytes(key, 32, 0x80);
	test_hex_decode("070000004041424344454647", nonce, sizeof(nonce));
	test_hex_decode("50515253c0c1c2c3c4c5c6c7", aad, sizeof(aad));
	assert_int_equal(crypto_aead_encrypt(key, nonce, aad, sizeof(aad),
					     (const uint8_t *)sunscreen, len, cipher, tag), 0);
	test_assert_hex(cipher, len,
			"d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
			"3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
			"92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
			"3ff4def08e4b7a9de576d26586cec64b6116");
	test_assert_hex(tag, 16, "1ae10b594f09e26a7e902ecbd0600691");
	assert_int_equal(crypto_aead_decrypt(key, nonce, aad, sizeof(aad), cipher, len, tag,
					     plain), 0);
	assert_memory_equal(plain, sunscreen, len);
}

/* OpenSSL's ChaCha20: its 16-byte IV is the 32-bit counter (little-endian) + nonce. */
static void openssl_chacha20(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
			     const uint8_t *in, uint8_t *out, size_t len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t iv[16];
	int n = 0;

	for (int i = 0; i < 4; i++)
		iv[i] = (uint8_t)(counter >> (8 * i));
	memcpy(iv + 4, nonce, 12);
	assert_non_null(ctx);
	assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_chacha20(), NULL, key, iv), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, out, &n, in, (int)len), 1);
	assert_int_equal((size_t)n, len);
	EVP_CIPHER_CTX_free(ctx);
}

static void test_chacha20_against_openssl(void **state)
{
	struct test_rng rng = { 0xc4ac4a20 };
	static uint8_t in[1100], ours[1100], theirs[1100];

	for (int iter = 0; iter < 200; iter++) {
		uint8_t key[32], nonce[12];
		size_t len = test_rng_below(&rng, sizeof(in));
		uint32_t counter = (uint32_t)test_rng_below(&rng, 1000);

		test_rng_fill(&rng, key, sizeof(key));
		test_rng_fill(&rng, nonce, sizeof(nonce));
		test_rng_fill(&rng, in, len);
		assert_int_equal(crypto_chacha20_xor(key, counter, nonce, in, ours, len), 0);
		openssl_chacha20(key, counter, nonce, in, theirs, len);
		assert_memory_equal(ours, theirs, len);
		/* in place gives the same bytes */
		assert_int_equal(crypto_chacha20_xor(key, counter, nonce, in, in, len), 0);
		assert_memory_equal(in, theirs, len);
	}
}

static void openssl_poly1305(const uint8_t key[32], const uint8_t *msg, size_t len,
			     uint8_t tag[16])
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "POLY1305", NULL);
	EVP_MAC_CTX *ctx;
	size_t out = 0;

	assert_non_null(mac);
	ctx = EVP_MAC_CTX_new(mac);
	assert_non_null(ctx);
	assert_int_equal(EVP_MAC_init(ctx, key, 32, NULL), 1);
	assert_int_equal(EVP_MAC_update(ctx, msg, len), 1);
	assert_int_equal(EVP_MAC_final(ctx, tag, &out, 16), 1);
	assert_int_equal(out, 16);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
}

/* Random keys (including the all-ones r and s that stress the carries), random lengths,
 * and the message fed in random pieces. */
static void test_poly1305_against_openssl(void **state)
{
	struct test_rng rng = { 0x9017 };
	static uint8_t msg[700];

	for (int iter = 0; iter < 300; iter++) {
		struct crypto_poly1305_ctx ctx;
		uint8_t key[32], ours[16], theirs[16];
		size_t len = test_rng_below(&rng, sizeof(msg)), done = 0;

		if (iter % 10 == 0) {
			memset(key, 0xff, sizeof(key));
			memset(msg, 0xff, len);
		} else {
			test_rng_fill(&rng, key, sizeof(key));
			test_rng_fill(&rng, msg, len);
		}
		crypto_poly1305_init(&ctx, key);
		while (done < len) {
			size_t n = test_rng_below(&rng, len - done + 1);

			crypto_poly1305_update(&ctx, msg + done, n);
			done += n;
		}
		crypto_poly1305_final(&ctx, ours);
		openssl_poly1305(key, msg, len, theirs);
		assert_memory_equal(ours, theirs, 16);
	}
}

static void openssl_aead_encrypt(const uint8_t key[32], const uint8_t nonce[12],
				 const uint8_t *aad, size_t aad_len, const uint8_t *in,
				 size_t len, uint8_t *out, uint8_t tag[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0;

	assert_non_null(ctx);
	assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_chacha20_poly1305(), NULL, key, nonce), 1);
	if (aad_len)
		assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aad_len), 1);
	if (len) {
		assert_int_equal(EVP_EncryptUpdate(ctx, out, &n, in, (int)len), 1);
		assert_int_equal((size_t)n, len);
	}
	assert_int_equal(EVP_EncryptFinal_ex(ctx, out + len, &n), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag), 1);
	EVP_CIPHER_CTX_free(ctx);
}

static void test_aead_against_openssl(void **state)
{
	struct test_rng rng = { 0xaead };
	static uint8_t plain[600], ours[600], theirs[600], back[600];

	for (int iter = 0; iter < 200; iter++) {
		uint8_t key[32], nonce[12], aad[40], tag[16], their_tag[16];
		size_t len = test_rng_below(&rng, sizeof(plain));
		size_t aad_len = test_rng_below(&rng, sizeof(aad));

		test_rng_fill(&rng, key, sizeof(key));
		test_rng_fill(&rng, nonce, sizeof(nonce));
		test_rng_fill(&rng, aad, aad_len);
		test_rng_fill(&rng, plain, len);
		assert_int_equal(crypto_aead_encrypt(key, nonce, aad, aad_len, plain, len, ours,
						     tag), 0);
		openssl_aead_encrypt(key, nonce, aad, aad_len, plain, len, theirs, their_tag);
		assert_memory_equal(ours, theirs, len);
		assert_memory_equal(tag, their_tag, 16);
		assert_int_equal(crypto_aead_decrypt(key, nonce, aad, aad_len, ours, len, tag,
						     back), 0);
		assert_memory_equal(back, plain, len);
	}
}

/* Flip every bit of ciphertext, tag and aad in turn: each forgery is refused and the
 * output buffer keeps its sentinel (nothing unauthenticated is released). */
static void test_forgeries_refused(void **state)
{
	uint8_t key[32], nonce[12], aad[8] = "drm v1", plain[48], cipher[48], tag[16], out[48];

	seq_bytes(key, 32, 1);
	seq_bytes(nonce, 12, 2);
	seq_bytes(plain, sizeof(plain), 3);
	assert_int_equal(crypto_aead_encrypt(key, nonce, aad, sizeof(aad), plain, sizeof(plain),
					     cipher, tag), 0);
	for (size_t bit = 0; bit < 8 * (sizeof(cipher) + sizeof(tag) + sizeof(aad)); bit++) {
		uint8_t *target = bit < 8 * sizeof(cipher) ? cipher + bit / 8
				  : bit < 8 * (sizeof(cipher) + sizeof(tag))
				  ? tag + (bit / 8 - sizeof(cipher))
				  : aad + (bit / 8 - sizeof(cipher) - sizeof(tag));
		uint8_t mask = (uint8_t)(1u << (bit % 8));

		memset(out, 0xa5, sizeof(out));
		*target ^= mask;
		assert_int_equal(crypto_aead_decrypt(key, nonce, aad, sizeof(aad), cipher,
						     sizeof(cipher), tag, out), -EBADMSG);
		*target ^= mask;
		for (size_t i = 0; i < sizeof(out); i++)
			assert_int_equal(out[i], 0xa5);
	}
	/* another nonce, a shorter message: refused too */
	nonce[0] ^= 1;
	assert_int_equal(crypto_aead_decrypt(key, nonce, aad, sizeof(aad), cipher,
					     sizeof(cipher), tag, out), -EBADMSG);
	nonce[0] ^= 1;
	assert_int_equal(crypto_aead_decrypt(key, nonce, aad, sizeof(aad), cipher,
					     sizeof(cipher) - 1, tag, out), -EBADMSG);
	assert_int_equal(crypto_aead_decrypt(key, nonce, aad, sizeof(aad), cipher,
					     sizeof(cipher), tag, out), 0);
	assert_memory_equal(out, plain, sizeof(plain));
}

/* The 32-bit block counter may reach UINT32_MAX but never wrap. */
static void test_counter_limit(void **state)
{
	uint8_t key[32] = { 0 }, nonce[12] = { 0 }, in[65] = { 0 }, out[65];

	assert_int_equal(crypto_chacha20_xor(key, UINT32_MAX, nonce, in, out, 64), 0);
	memset(out, 0x5a, sizeof(out));
	assert_int_equal(crypto_chacha20_xor(key, UINT32_MAX, nonce, in, out, 65), -EINVAL);
	assert_int_equal(out[0], 0x5a);	/* nothing written */
	assert_int_equal(crypto_chacha20_xor(key, UINT32_MAX, nonce, in, out, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8439_block),
		cmocka_unit_test(test_rfc8439_encryption),
		cmocka_unit_test(test_rfc8439_poly1305),
		cmocka_unit_test(test_rfc8439_aead),
		cmocka_unit_test(test_chacha20_against_openssl),
		cmocka_unit_test(test_poly1305_against_openssl),
		cmocka_unit_test(test_aead_against_openssl),
		cmocka_unit_test(test_forgeries_refused),
		cmocka_unit_test(test_counter_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
