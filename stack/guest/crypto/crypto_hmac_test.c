// SPDX-License-Identifier: Apache-2.0
/*
 * HMAC-SHA-256 and HMAC-SHA-512: every RFC 4231 test case (including case 5, whose
 * output is truncated to 128 bits), the tag-checking helper, and random keys and
 * messages against OpenSSL.
 */
#include "crypto_test_util.h"

#include <errno.h>
#include <openssl/hmac.h>

#include "stack/guest/crypto/crypto.h"

struct rfc4231_case {
	int number;
	const char *key_hex;	/* NULL: use key_byte repeated key_len times */
	uint8_t key_byte;
	size_t key_len;
	const char *data;	/* NULL: use data_byte repeated data_len times */
	uint8_t data_byte;
	size_t data_len;
	size_t compare_len;	/* bytes of output the RFC gives */
	const char *sha256, *sha512;
};

static const struct rfc4231_case rfc4231_cases[] = {
	{ 1, NULL, 0x0b, 20, "Hi There", 0, 0, 64,
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
	{ 2, "4a656665", 0, 0, "what do ya want for nothing?", 0, 0, 64,
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
	{ 3, NULL, 0xaa, 20, NULL, 0xdd, 50, 64,
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
	  "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
	  "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb" },
	{ 4, "0102030405060708090a0b0c0d0e0f10111213141516171819", 0, 0, NULL, 0xcd, 50, 64,
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
	  "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
	  "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd" },
	/* Case 5: the RFC gives only the leftmost 128 bits ("truncation of output"). */
	{ 5, NULL, 0x0c, 20, "Test With Truncation", 0, 0, 16,
	  "a3b6167473100ee06e0c796c2955552b",
	  "415fad6271580a531d4179bc891d87a6" },
	{ 6, NULL, 0xaa, 131, "Test Using Larger Than Block-Size Key - Hash Key First", 0, 0, 64,
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	  "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
	{ 7, NULL, 0xaa, 131,
	  "This is a test using a larger than block-size key and a larger than block-size data. "
	  "The key needs to be hashed before being used by the HMAC algorithm.", 0, 0, 64,
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
	  "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
	  "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" },
};

#define N_RFC4231 (sizeof(rfc4231_cases) / sizeof(rfc4231_cases[0]))

struct case_input {
	uint8_t key[200], data[200];
	size_t key_len, data_len;
};

static void case_input(const struct rfc4231_case *c, struct case_input *in)
{
	if (c->key_hex) {
		in->key_len = test_hex_decode(c->key_hex, in->key, sizeof(in->key));
	} else {
		in->key_len = c->key_len;
		memset(in->key, c->key_byte, c->key_len);
	}
	if (c->data) {
		in->data_len = strlen(c->data);
		memcpy(in->data, c->data, in->data_len);
	} else {
		in->data_len = c->data_len;
		memset(in->data, c->data_byte, c->data_len);
	}
}

static void test_rfc4231_sha256(void **state)
{
	for (size_t i = 0; i < N_RFC4231; i++) {
		const struct rfc4231_case *c = &rfc4231_cases[i];
		size_t n = c->compare_len < 32 ? c->compare_len : 32;
		struct case_input in;
		uint8_t out[32];

		case_input(c, &in);
		crypto_hmac_sha256(in.key, in.key_len, in.data, in.data_len, out);
		test_assert_hex(out, n, c->sha256);
	}
}

static void test_rfc4231_sha512(void **state)
{
	for (size_t i = 0; i < N_RFC4231; i++) {
		const struct rfc4231_case *c = &rfc4231_cases[i];
		struct case_input in;
		uint8_t out[64];

		case_input(c, &in);
		crypto_hmac_sha512(in.key, in.key_len, in.data, in.data_len, out);
		test_assert_hex(out, c->compare_len, c->sha512);
	}
}

/* The streaming interface, fed one byte at a time, gives the same tags. */
static void test_rfc4231_incremental(void **state)
{
	for (size_t i = 0; i < N_RFC4231; i++) {
		const struct rfc4231_case *c = &rfc4231_cases[i];
		struct crypto_hmac_sha256_ctx c256;
		struct crypto_hmac_sha512_ctx c512;
		struct case_input in;
		uint8_t out256[32], out512[64];

		case_input(c, &in);
		crypto_hmac_sha256_init(&c256, in.key, in.key_len);
		crypto_hmac_sha512_init(&c512, in.key, in.key_len);
		for (size_t j = 0; j < in.data_len; j++) {
			crypto_hmac_sha256_update(&c256, in.data + j, 1);
			crypto_hmac_sha512_update(&c512, in.data + j, 1);
		}
		crypto_hmac_sha256_final(&c256, out256);
		crypto_hmac_sha512_final(&c512, out512);
		test_assert_hex(out256, c->compare_len < 32 ? c->compare_len : 32, c->sha256);
		test_assert_hex(out512, c->compare_len, c->sha512);
	}
}

/*
 * Case 5 through the verifier: the 128-bit tag is accepted for SHA-256 (half its
 * 256-bit output, RFC 2104's floor); for SHA-512 a 128-bit tag is below half the
 * output, so it is refused as a length, not as a mismatch.
 */
static void test_rfc4231_truncated_tag_verify(void **state)
{
	const struct rfc4231_case *c = &rfc4231_cases[4];
	struct case_input in;
	uint8_t tag[16];

	assert_int_equal(c->number, 5);
	case_input(c, &in);
	test_hex_decode(c->sha256, tag, sizeof(tag));
	assert_int_equal(crypto_hmac_sha256_verify(in.key, in.key_len, in.data, in.data_len,
						   tag, 16), 0);
	tag[15] ^= 1;
	assert_int_equal(crypto_hmac_sha256_verify(in.key, in.key_len, in.data, in.data_len,
						   tag, 16), -EBADMSG);
	test_hex_decode(c->sha512, tag, sizeof(tag));
	assert_int_equal(crypto_hmac_sha512_verify(in.key, in.key_len, in.data, in.data_len,
						   tag, 16), -EINVAL);
}

static void test_verify_tag_lengths_and_every_bit(void **state)
{
	static const uint8_t key[] = "verification key";
	static const uint8_t msg[] = "a message to authenticate";
	uint8_t t256[32], t512[64];

	crypto_hmac_sha256(key, sizeof(key), msg, sizeof(msg), t256);
	crypto_hmac_sha512(key, sizeof(key), msg, sizeof(msg), t512);

	/* Every allowed length accepts the leftmost bytes; the bounds around it refuse. */
	for (size_t len = 16; len <= 32; len++)
		assert_int_equal(crypto_hmac_sha256_verify(key, sizeof(key), msg, sizeof(msg),
							   t256, len), 0);
	for (size_t len = 32; len <= 64; len++)
		assert_int_equal(crypto_hmac_sha512_verify(key, sizeof(key), msg, sizeof(msg),
							   t512, len), 0);
	assert_int_equal(crypto_hmac_sha256_verify(key, sizeof(key), msg, sizeof(msg), t256, 0),
			 -EINVAL);
	assert_int_equal(crypto_hmac_sha256_verify(key, sizeof(key), msg, sizeof(msg), t256, 15),
			 -EINVAL);
	assert_int_equal(crypto_hmac_sha256_verify(key, sizeof(key), msg, sizeof(msg), t256, 33),
			 -EINVAL);
	assert_int_equal(crypto_hmac_sha512_verify(key, sizeof(key), msg, sizeof(msg), t512, 31),
			 -EINVAL);
	assert_int_equal(crypto_hmac_sha512_verify(key, sizeof(key), msg, sizeof(msg), t512, 65),
			 -EINVAL);

	/* Any single flipped bit of a full tag is a mismatch. */
	for (int bit = 0; bit < 32 * 8; bit++) {
		t256[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		assert_int_equal(crypto_hmac_sha256_verify(key, sizeof(key), msg, sizeof(msg),
							   t256, 32), -EBADMSG);
		t256[bit / 8] ^= (uint8_t)(1 << (bit % 8));
	}
	for (int bit = 0; bit < 64 * 8; bit++) {
		t512[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		assert_int_equal(crypto_hmac_sha512_verify(key, sizeof(key), msg, sizeof(msg),
							   t512, 64), -EBADMSG);
		t512[bit / 8] ^= (uint8_t)(1 << (bit % 8));
	}
	/*
	 * A different key or message is a mismatch too. (Not a key that only drops trailing
	 * zero bytes: HMAC pads keys with zeros, so "k" and "k\0" are the same key.)
	 */
	assert_int_equal(crypto_hmac_sha256_verify("verification kez", sizeof(key), msg,
						   sizeof(msg), t256, 32), -EBADMSG);
	assert_int_equal(crypto_hmac_sha256_verify(key, sizeof(key) - 1, msg, sizeof(msg),
						   t256, 32), 0);
	assert_int_equal(crypto_hmac_sha512_verify(key, sizeof(key), msg, sizeof(msg) - 1,
						   t512, 64), -EBADMSG);
}

/* Keys of every length around both block sizes, random messages, against OpenSSL. */
static void test_random_against_openssl(void **state)
{
	struct test_rng rng = { 0x4d4ac };
	uint8_t key[300], msg[3000], ours[64], theirs[64];
	unsigned int theirs_len;

	for (size_t key_len = 0; key_len <= sizeof(key); key_len++) {
		size_t msg_len = test_rng_below(&rng, sizeof(msg) + 1);

		test_rng_fill(&rng, key, key_len);
		test_rng_fill(&rng, msg, msg_len);

		crypto_hmac_sha256(key, key_len, msg, msg_len, ours);
		assert_non_null(HMAC(EVP_sha256(), key, (int)key_len, msg, msg_len, theirs,
				     &theirs_len));
		assert_int_equal(theirs_len, 32);
		if (memcmp(ours, theirs, 32) != 0)
			fail_msg("HMAC-SHA-256 differs: key %zu bytes, message %zu", key_len, msg_len);

		crypto_hmac_sha512(key, key_len, msg, msg_len, ours);
		assert_non_null(HMAC(EVP_sha512(), key, (int)key_len, msg, msg_len, theirs,
				     &theirs_len));
		assert_int_equal(theirs_len, 64);
		if (memcmp(ours, theirs, 64) != 0)
			fail_msg("HMAC-SHA-512 differs: key %zu bytes, message %zu", key_len, msg_len);
	}
}

/* ---- the helpers the MAC check relies on ------------------------------------------------ */

static void test_memeq(void **state)
{
	uint8_t a[40], b[40];

	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (uint8_t)(i * 5 + 1);
	assert_true(crypto_memeq(a, b, sizeof(a)));
	assert_true(crypto_memeq(a, b, 0));
	assert_true(crypto_memeq(NULL, NULL, 0));
	/* A difference anywhere, in any bit, is seen; bytes past len are not compared. */
	for (size_t i = 0; i < sizeof(a); i++) {
		for (int bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1 << bit);
			assert_false(crypto_memeq(a, b, sizeof(a)));
			assert_true(crypto_memeq(a, b, i));
			b[i] ^= (uint8_t)(1 << bit);
		}
	}
}

static void test_wipe(void **state)
{
	uint8_t buf[67];
	static const uint8_t zeros[sizeof(buf)];

	memset(buf, 0xa5, sizeof(buf));
	crypto_wipe(buf + 1, sizeof(buf) - 2);
	assert_int_equal(buf[0], 0xa5);
	assert_memory_equal(buf + 1, zeros, sizeof(buf) - 2);
	assert_int_equal(buf[sizeof(buf) - 1], 0xa5);
	crypto_wipe(NULL, 0);
}

/* final() leaves no key-derived state behind in the context. */
static void test_hmac_final_wipes_context(void **state)
{
	struct crypto_hmac_sha256_ctx c256;
	struct crypto_hmac_sha512_ctx c512;
	static const uint8_t zeros[sizeof(c512)];
	uint8_t out[64];

	crypto_hmac_sha256_init(&c256, "key", 3);
	crypto_hmac_sha256_final(&c256, out);
	assert_memory_equal(&c256, zeros, sizeof(c256));
	crypto_hmac_sha512_init(&c512, "key", 3);
	crypto_hmac_sha512_final(&c512, out);
	assert_memory_equal(&c512, zeros, sizeof(c512));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4231_sha256),
		cmocka_unit_test(test_rfc4231_sha512),
		cmocka_unit_test(test_rfc4231_incremental),
		cmocka_unit_test(test_rfc4231_truncated_tag_verify),
		cmocka_unit_test(test_verify_tag_lengths_and_every_bit),
		cmocka_unit_test(test_random_against_openssl),
		cmocka_unit_test(test_memeq),
		cmocka_unit_test(test_wipe),
		cmocka_unit_test(test_hmac_final_wipes_context),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
