// SPDX-License-Identifier: Apache-2.0
/*
 * Ed25519 verification: the RFC 8032 section 7.1 vectors, the rejections the RFC's
 * decoding rules and our small-order policy call for (each with the exact error), and a
 * cross-check against OpenSSL signing many messages with deterministic keys, including
 * every single-bit corruption of a few signed messages.
 */
#include "crypto_test_util.h"

#include <errno.h>
#include <stdlib.h>
#include <openssl/bn.h>

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/crypto/ed25519_internal.h"

#include "stack/guest/crypto/crypto_ed25519_vectors.h"

#define N_RFC8032 (sizeof(rfc8032_vectors) / sizeof(rfc8032_vectors[0]))

struct decoded_vector {
	uint8_t secret[32], public[32], sig[64], msg[1024];
	size_t msg_len;
};

static void decode_vector(const struct rfc8032_vector *v, struct decoded_vector *d)
{
	assert_int_equal(test_hex_decode(v->secret, d->secret, 32), 32);
	assert_int_equal(test_hex_decode(v->public, d->public, 32), 32);
	assert_int_equal(test_hex_decode(v->signature, d->sig, 64), 64);
	d->msg_len = test_hex_decode(v->message, d->msg, sizeof(d->msg));
}

static int verify(const struct decoded_vector *d)
{
	return crypto_ed25519_verify(d->sig, d->msg, d->msg_len, d->public);
}

static void test_rfc8032_vectors(void **state)
{
	for (size_t i = 0; i < N_RFC8032; i++) {
		struct decoded_vector d;
		uint8_t pub[32], sig[64];

		decode_vector(&rfc8032_vectors[i], &d);
		/* The transcription is right: OpenSSL derives the same key and signature. */
		test_openssl_ed25519_public(d.secret, pub);
		assert_memory_equal(pub, d.public, 32);
		test_openssl_ed25519_sign(d.secret, d.msg, d.msg_len, sig);
		assert_memory_equal(sig, d.sig, 64);

		if (verify(&d) != 0)
			fail_msg("%s does not verify", rfc8032_vectors[i].name);
	}
}

static void test_sha_abc_message_is_sha512_of_abc(void **state)
{
	struct decoded_vector d;
	uint8_t digest[64];

	decode_vector(&rfc8032_vectors[4], &d);
	crypto_sha512("abc", 3, digest);
	assert_int_equal(d.msg_len, 64);
	assert_memory_equal(d.msg, digest, 64);
}

/* ---- single-bit corruptions -------------------------------------------------------------- */

static void flip(uint8_t *buf, size_t bit)
{
	buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

/*
 * Every bit of R, S and the message (for messages up to 64 bytes; a sample of bits for
 * the long one) is flipped in turn; each flip must be rejected with -EBADMSG. Flipped
 * public-key bits must be rejected too: -EINVAL if the key no longer decodes (or is of
 * small order), -EBADMSG otherwise.
 */
static void check_every_corruption(struct decoded_vector *d)
{
	size_t msg_step = d->msg_len <= 64 ? 1 : 97;

	for (size_t bit = 0; bit < 512; bit++) {
		flip(d->sig, bit);
		if (verify(d) != -EBADMSG)
			fail_msg("signature bit %zu flipped: %d", bit, verify(d));
		flip(d->sig, bit);
	}
	for (size_t bit = 0; bit < 8 * d->msg_len; bit += msg_step) {
		flip(d->msg, bit);
		assert_int_equal(verify(d), -EBADMSG);
		flip(d->msg, bit);
	}
	for (size_t bit = 0; bit < 256; bit++) {
		struct ge25519 ignored;
		int expect;

		flip(d->public, bit);
		expect = ge25519_from_bytes(&ignored, d->public) &&
			 !ge25519_has_small_order(&ignored) ? -EBADMSG : -EINVAL;
		assert_int_equal(verify(d), expect);
		flip(d->public, bit);
	}
	assert_int_equal(verify(d), 0);	/* every flip was undone */
}

static void test_rfc8032_every_corruption(void **state)
{
	for (size_t i = 0; i < N_RFC8032; i++) {
		struct decoded_vector d;

		decode_vector(&rfc8032_vectors[i], &d);
		check_every_corruption(&d);
	}
}

/* Appending or dropping a byte of the message is a different message. */
static void test_message_length_changes(void **state)
{
	struct decoded_vector d;

	decode_vector(&rfc8032_vectors[2], &d);	/* TEST 3, two bytes */
	d.msg_len = 1;
	assert_int_equal(verify(&d), -EBADMSG);
	d.msg[2] = 0;
	d.msg_len = 3;
	assert_int_equal(verify(&d), -EBADMSG);
	assert_int_equal(crypto_ed25519_verify(d.sig, NULL, 0, d.public), -EBADMSG);
}

/* ---- S out of range ---------------------------------------------------------------------- */

static BIGNUM *order_l(void)
{
	BIGNUM *l = NULL;

	assert_int_equal(BN_hex2bn(&l, "1000000000000000000000000000000014def9dea2f79cd6"
				       "5812631a5cf5d3ed"), 64);
	return l;
}

/*
 * S + L satisfies the group equation exactly as S does ([L]B is the identity), so only
 * the range check S < L stops this malleability. Likewise S = L and S = 2^256 - 1.
 */
static void test_s_not_below_l_rejected(void **state)
{
	BIGNUM *l = order_l(), *s;
	struct decoded_vector d;

	for (size_t i = 0; i < N_RFC8032; i++) {
		decode_vector(&rfc8032_vectors[i], &d);
		s = BN_lebin2bn(d.sig + 32, 32, NULL);
		assert_non_null(s);
		assert_int_equal(BN_add(s, s, l), 1);
		assert_int_equal(BN_bn2lebinpad(s, d.sig + 32, 32), 32);
		assert_int_equal(verify(&d), -EBADMSG);
		BN_free(s);
	}

	assert_int_equal(BN_bn2lebinpad(l, d.sig + 32, 32), 32);
	assert_int_equal(verify(&d), -EBADMSG);
	memset(d.sig + 32, 0xff, 32);
	assert_int_equal(verify(&d), -EBADMSG);
	BN_free(l);
}

/* ---- encodings the RFC's decoding rules reject ------------------------------------------ */

/*
 * Non-canonical y (p <= y < 2^255: the encodings of y - p = 0..18, both sign bits), an
 * x = 0 point with the sign bit set, and a y with no x: as the public key -EINVAL, as R
 * -EBADMSG.
 */
static void test_non_canonical_encodings_rejected(void **state)
{
	struct decoded_vector d;
	uint8_t bad[32];

	decode_vector(&rfc8032_vectors[1], &d);
	for (int offset = 0; offset < 19; offset++) {
		for (int sign = 0; sign < 2; sign++) {
			uint8_t pub[32], sig[64];

			memset(bad, 0xff, sizeof(bad));
			bad[0] = (uint8_t)(0xed + offset);
			bad[31] = (uint8_t)(0x7f | sign << 7);
			assert_int_equal(crypto_ed25519_verify(d.sig, d.msg, d.msg_len, bad), -EINVAL);
			memcpy(sig, d.sig, 64);
			memcpy(sig, bad, 32);
			memcpy(pub, d.public, 32);
			assert_int_equal(crypto_ed25519_verify(sig, d.msg, d.msg_len, pub), -EBADMSG);
		}
	}

	/* x = 0 with the sign bit: "-0" for the identity (y = 1) and for (0, -1). */
	test_hex_decode("0100000000000000000000000000000000000000000000000000000000000080", bad, 32);
	assert_int_equal(crypto_ed25519_verify(d.sig, d.msg, d.msg_len, bad), -EINVAL);
	test_hex_decode("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", bad, 32);
	assert_int_equal(crypto_ed25519_verify(d.sig, d.msg, d.msg_len, bad), -EINVAL);

	/* y = 2: (y^2 - 1) / (d y^2 + 1) is not a square, so there is no such point. */
	test_hex_decode("0200000000000000000000000000000000000000000000000000000000000000", bad, 32);
	assert_int_equal(crypto_ed25519_verify(d.sig, d.msg, d.msg_len, bad), -EINVAL);
	memcpy(d.sig, bad, 32);
	assert_int_equal(verify(&d), -EBADMSG);
}

/* ---- small-order points ------------------------------------------------------------------ */

/* The canonical encodings of the eight points of order 1, 2, 4 and 8. */
static const char *const small_order_points[] = {
	"0100000000000000000000000000000000000000000000000000000000000000",	/* identity */
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",	/* (0, -1) */
	"0000000000000000000000000000000000000000000000000000000000000000",	/* order 4 */
	"0000000000000000000000000000000000000000000000000000000000000080",	/* order 4 */
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",	/* order 8 */
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
};

#define N_SMALL_ORDER (sizeof(small_order_points) / sizeof(small_order_points[0]))

static void test_small_order_points_are_points(void **state)
{
	for (size_t i = 0; i < N_SMALL_ORDER; i++) {
		struct ge25519 pt;
		uint8_t enc[32];

		test_hex_decode(small_order_points[i], enc, 32);
		assert_true(ge25519_from_bytes(&pt, enc));
		assert_true(ge25519_has_small_order(&pt));
	}
}

/*
 * A small-order public key lets anyone forge: with A the identity, R = [S]B satisfies
 * [S]B = R + [k]A for every message. The RFC's equation alone accepts that; we refuse
 * the key (-EINVAL), whatever the signature.
 */
static void test_small_order_public_key_rejected(void **state)
{
	static const char base_point[] =
		"5866666666666666666666666666666666666666666666666666666666666666";
	uint8_t pub[32], sig[64];
	struct decoded_vector d;

	/* The forgery: A = identity, R = B, S = 1. */
	test_hex_decode(small_order_points[0], pub, 32);
	test_hex_decode(base_point, sig, 32);
	memset(sig + 32, 0, 32);
	sig[32] = 1;
	assert_int_equal(crypto_ed25519_verify(sig, "any message", 11, pub), -EINVAL);

	decode_vector(&rfc8032_vectors[0], &d);
	for (size_t i = 0; i < N_SMALL_ORDER; i++) {
		test_hex_decode(small_order_points[i], pub, 32);
		assert_int_equal(crypto_ed25519_verify(d.sig, d.msg, d.msg_len, pub), -EINVAL);
	}
}

/* ---- signatures with a chosen R, made with the real secret ------------------------------- */

/* The secret scalar a of an RFC 8032 key: clamp(SHA-512(secret)[0..32)) mod L. */
static void secret_scalar(const uint8_t secret[32], uint8_t a[32])
{
	uint8_t h[64], wide[64];

	crypto_sha512(secret, 32, h);
	h[0] &= 248;
	h[31] &= 127;
	h[31] |= 64;
	memset(wide, 0, sizeof(wide));
	memcpy(wide, h, 32);
	sc25519_reduce64(a, wide);
}

/*
 * Sign @d's message with R = @r_bytes as the signer would for nonce @r:
 * S = r + k a mod L, k = SHA-512(R || A || M) mod L. @k_out gets k.
 */
static void sign_with_r(uint8_t sig[64], uint8_t k_out[32], const uint8_t r_bytes[32],
			const uint8_t r[32], const struct decoded_vector *d)
{
	struct crypto_sha512_ctx sha;
	uint8_t a[32], k_hash[64];
	BIGNUM *l = order_l(), *bn_s, *bn_a, *bn_k;
	BN_CTX *ctx = BN_CTX_new();

	assert_non_null(ctx);
	secret_scalar(d->secret, a);
	memcpy(sig, r_bytes, 32);
	crypto_sha512_init(&sha);
	crypto_sha512_update(&sha, r_bytes, 32);
	crypto_sha512_update(&sha, d->public, 32);
	crypto_sha512_update(&sha, d->msg, d->msg_len);
	crypto_sha512_final(&sha, k_hash);
	sc25519_reduce64(k_out, k_hash);

	bn_s = BN_lebin2bn(r, 32, NULL);
	bn_a = BN_lebin2bn(a, 32, NULL);
	bn_k = BN_lebin2bn(k_out, 32, NULL);
	assert_true(bn_s && bn_a && bn_k);
	assert_int_equal(BN_mod_mul(bn_k, bn_k, bn_a, l, ctx), 1);
	assert_int_equal(BN_mod_add(bn_s, bn_s, bn_k, l, ctx), 1);
	assert_int_equal(BN_bn2lebinpad(bn_s, sig + 32, 32), 32);
	BN_free(bn_s);
	BN_free(bn_a);
	BN_free(bn_k);
	BN_free(l);
	BN_CTX_free(ctx);
}

/*
 * R of small order with S = k a (nonce r = 0). For R = identity this satisfies the group
 * equation ([S]B = [k]A = R + [k]A), but R has small order, so we refuse it (-EBADMSG).
 * The other seven small-order R fail the equation as well as the policy.
 */
static void test_small_order_r_rejected(void **state)
{
	static const uint8_t zero[32];
	struct decoded_vector d;
	uint8_t r_bytes[32], k[32], sig[64], check_bytes[32];
	struct ge25519 A, minus_a, check;

	decode_vector(&rfc8032_vectors[1], &d);
	for (size_t i = 0; i < N_SMALL_ORDER; i++) {
		test_hex_decode(small_order_points[i], r_bytes, 32);
		sign_with_r(sig, k, r_bytes, zero, &d);
		if (i == 0) {
			/* The equation does hold for R = identity: [S]B - [k]A encodes as R. */
			assert_true(ge25519_from_bytes(&A, d.public));
			ge25519_neg(&minus_a, &A);
			ge25519_double_scalarmult_vartime(&check, k, &minus_a, sig + 32);
			ge25519_to_bytes(check_bytes, &check);
			assert_memory_equal(check_bytes, r_bytes, 32);
		}
		assert_int_equal(crypto_ed25519_verify(sig, d.msg, d.msg_len, d.public), -EBADMSG);
	}
}

/*
 * The cofactorless equation, shown: R = [r]B + T with T of order 8, S = r + k a. Then
 * [8][S]B = [8]R + [8][k]A holds (the cofactored check would accept) but
 * [S]B = R + [k]A does not (it is off by T). We reject with -EBADMSG, and so does
 * OpenSSL, so the two verifiers agree on exactly this edge. Without T, the same
 * construction is an ordinary valid signature (the control).
 */
static void test_torsion_in_r_fails_cofactorless_check(void **state)
{
	static const uint8_t zero[32];
	struct decoded_vector d;
	uint8_t r[32], k[32], wide[64], t_bytes[32], r_bytes[32], sig[64];
	struct ge25519 rb, t, r_point, ignored;
	struct ge25519_cached t_cached;

	decode_vector(&rfc8032_vectors[2], &d);
	memset(wide, 0x5a, sizeof(wide));	/* any nonce will do */
	sc25519_reduce64(r, wide);
	ge25519_identity(&ignored);
	ge25519_double_scalarmult_vartime(&rb, zero, &ignored, r);	/* [r]B */

	test_hex_decode(small_order_points[4], t_bytes, 32);
	assert_true(ge25519_from_bytes(&t, t_bytes));
	ge25519_to_cached(&t_cached, &t);
	ge25519_add(&r_point, &rb, &t_cached);				/* [r]B + T */
	ge25519_to_bytes(r_bytes, &r_point);
	sign_with_r(sig, k, r_bytes, r, &d);
	assert_int_equal(crypto_ed25519_verify(sig, d.msg, d.msg_len, d.public), -EBADMSG);
	assert_false(test_openssl_ed25519_verify(d.public, sig, d.msg, d.msg_len));

	ge25519_to_bytes(r_bytes, &rb);
	sign_with_r(sig, k, r_bytes, r, &d);
	assert_int_equal(crypto_ed25519_verify(sig, d.msg, d.msg_len, d.public), 0);
	assert_true(test_openssl_ed25519_verify(d.public, sig, d.msg, d.msg_len));
}

/* ---- cross-check against OpenSSL ---------------------------------------------------------- */

/*
 * 300 deterministic keys, each signing a random message of random length (0..2000 bytes)
 * with OpenSSL: every signature verifies. Then the first 3 go through every single-bit
 * corruption of signature, message and key, and for each our verdict must agree with
 * OpenSSL's (both reject).
 */
static void test_openssl_signatures_cross_check(void **state)
{
	struct test_rng rng = { 0xed25519 };
	uint8_t *msg = malloc(2000);

	assert_non_null(msg);
	for (uint32_t i = 0; i < 300; i++) {
		struct decoded_vector d;
		size_t len = test_rng_below(&rng, i < 3 ? 65 : 2001);

		test_ed25519_seed(i, d.secret);
		test_openssl_ed25519_public(d.secret, d.public);
		test_rng_fill(&rng, msg, len);
		test_openssl_ed25519_sign(d.secret, msg, len, d.sig);
		if (crypto_ed25519_verify(d.sig, msg, len, d.public) != 0)
			fail_msg("key %u: OpenSSL's signature of %zu bytes rejected", i, len);

		if (i < 3) {
			assert_true(len <= sizeof(d.msg));
			memcpy(d.msg, msg, len);
			d.msg_len = len;
			check_every_corruption(&d);
			/* OpenSSL agrees on a sample of the same corruptions. */
			for (size_t bit = 0; bit < 512; bit += 7) {
				flip(d.sig, bit);
				assert_false(test_openssl_ed25519_verify(d.public, d.sig, d.msg,
									 d.msg_len));
				flip(d.sig, bit);
			}
			assert_true(test_openssl_ed25519_verify(d.public, d.sig, d.msg, d.msg_len));
		}
	}
	free(msg);
}

/* A few MiB, as the firmware verifies (a digest of it, but exercise the long path too). */
static void test_large_message(void **state)
{
	const size_t len = 3 * 1024 * 1024 + 5;
	uint8_t *msg = malloc(len), seed[32], pub[32], sig[64];
	struct test_rng rng = { 0xb16 };

	assert_non_null(msg);
	test_rng_fill(&rng, msg, len);
	test_ed25519_seed(1000, seed);
	test_openssl_ed25519_public(seed, pub);
	test_openssl_ed25519_sign(seed, msg, len, sig);
	assert_int_equal(crypto_ed25519_verify(sig, msg, len, pub), 0);
	msg[len - 1] ^= 0x80;
	assert_int_equal(crypto_ed25519_verify(sig, msg, len, pub), -EBADMSG);
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032_vectors),
		cmocka_unit_test(test_sha_abc_message_is_sha512_of_abc),
		cmocka_unit_test(test_rfc8032_every_corruption),
		cmocka_unit_test(test_message_length_changes),
		cmocka_unit_test(test_s_not_below_l_rejected),
		cmocka_unit_test(test_non_canonical_encodings_rejected),
		cmocka_unit_test(test_small_order_points_are_points),
		cmocka_unit_test(test_small_order_public_key_rejected),
		cmocka_unit_test(test_small_order_r_rejected),
		cmocka_unit_test(test_torsion_in_r_fails_cofactorless_check),
		cmocka_unit_test(test_openssl_signatures_cross_check),
		cmocka_unit_test(test_large_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
