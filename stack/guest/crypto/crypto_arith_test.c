// SPDX-License-Identifier: Apache-2.0
/*
 * The arithmetic under Ed25519 verification, checked against OpenSSL's bignums: field
 * operations mod p on inputs at the limb bounds the code promises to accept, canonical
 * encoding, inversion and the square-root exponent; scalar reduction mod L; point
 * decoding against an independent square-root oracle; and scalar multiplication against
 * the public keys OpenSSL derives.
 */
#include "crypto_test_util.h"

#include <openssl/bn.h>
#include <openssl/err.h>

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/crypto/ed25519_internal.h"

static BN_CTX *bn_ctx;
static BIGNUM *bn_p, *bn_l;

static int setup(void **state)
{
	bn_ctx = BN_CTX_new();
	bn_p = BN_new();
	bn_l = BN_new();
	if (!bn_ctx || !bn_p || !bn_l)
		return -1;
	/* p = 2^255 - 19, L = 2^252 + 27742317777372353535851937790883648493 */
	if (!BN_hex2bn(&bn_p, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed") ||
	    !BN_hex2bn(&bn_l, "1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed"))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	BN_free(bn_p);
	BN_free(bn_l);
	BN_CTX_free(bn_ctx);
	return 0;
}

/* ---- field elements ------------------------------------------------------------------- */

/* The integer a (possibly unreduced) field element stands for: sum limb[i] 2^(51 i). */
static BIGNUM *fe_value(const struct fe25519 *f)
{
	BIGNUM *v = BN_new(), *limb = BN_new();

	assert_non_null(v);
	assert_non_null(limb);
	BN_zero(v);
	for (int i = 4; i >= 0; i--) {
		assert_int_equal(BN_lshift(v, v, 51), 1);
		assert_int_equal(BN_set_word(limb, f->limb[i]), 1);
		assert_int_equal(BN_add(v, v, limb), 1);
	}
	BN_free(limb);
	return v;
}

/* Assert @f is @expected mod p, that its limbs keep the output bound, and its encoding. */
static void assert_fe_is(const struct fe25519 *f, const BIGNUM *expected, const char *what)
{
	BIGNUM *v = fe_value(f), *want = BN_new();
	uint8_t ours[32], theirs[32];

	assert_non_null(want);
	for (int i = 0; i < 5; i++) {
		if (f->limb[i] >= UINT64_C(1) << 52)
			fail_msg("%s: limb %d = %#llx breaks the 2^52 bound", what, i,
				 (unsigned long long)f->limb[i]);
	}
	assert_int_equal(BN_nnmod(v, v, bn_p, bn_ctx), 1);
	assert_int_equal(BN_nnmod(want, expected, bn_p, bn_ctx), 1);
	if (BN_cmp(v, want) != 0)
		fail_msg("%s: wrong value", what);
	fe25519_to_bytes(ours, f);
	assert_int_equal(BN_bn2lebinpad(want, theirs, 32), 32);
	assert_memory_equal(ours, theirs, 32);
	BN_free(v);
	BN_free(want);
}

/* Random limbs below 2^52, the largest inputs the functions accept, or edge patterns. */
static void random_fe(struct test_rng *rng, struct fe25519 *f, int iter)
{
	const uint64_t max = (UINT64_C(1) << 52) - 1;

	for (int i = 0; i < 5; i++) {
		switch (iter % 4) {
		case 0:
			f->limb[i] = max;
			break;
		case 1:
			f->limb[i] = test_rng_next(rng) & max;
			break;
		case 2:	/* mostly tight limbs, as after a multiplication */
			f->limb[i] = test_rng_next(rng) & (max >> 1);
			break;
		default:	/* sparse values: small, zero limbs */
			f->limb[i] = (test_rng_next(rng) & 7) ? 0 : test_rng_next(rng) & max;
			break;
		}
	}
	if (iter % 4 == 0 && iter % 8 == 4) {
		for (int i = 0; i < 5; i++)
			f->limb[i] = 0;
	}
}

static void test_field_ops_against_bignum(void **state)
{
	struct test_rng rng = { 0xfe25519 };
	BIGNUM *r = BN_new();

	assert_non_null(r);
	for (int iter = 0; iter < 3000; iter++) {
		struct fe25519 f, g, h;
		BIGNUM *fv, *gv;

		random_fe(&rng, &f, iter);
		random_fe(&rng, &g, iter / 4);
		fv = fe_value(&f);
		gv = fe_value(&g);

		fe25519_mul(&h, &f, &g);
		assert_int_equal(BN_mod_mul(r, fv, gv, bn_p, bn_ctx), 1);
		assert_fe_is(&h, r, "mul");

		fe25519_sq(&h, &f);
		assert_int_equal(BN_mod_sqr(r, fv, bn_p, bn_ctx), 1);
		assert_fe_is(&h, r, "sq");

		fe25519_add(&h, &f, &g);
		assert_int_equal(BN_add(r, fv, gv), 1);
		assert_fe_is(&h, r, "add");

		fe25519_sub(&h, &f, &g);
		assert_int_equal(BN_sub(r, fv, gv), 1);
		assert_fe_is(&h, r, "sub");

		fe25519_neg(&h, &f);
		assert_int_equal(BN_sub(r, bn_p, fv), 1);
		assert_fe_is(&h, r, "neg");

		/* Aliased output: h = h * h, as the exponentiation chains do. */
		fe25519_copy(&h, &f);
		fe25519_mul(&h, &h, &h);
		assert_int_equal(BN_mod_sqr(r, fv, bn_p, bn_ctx), 1);
		assert_fe_is(&h, r, "mul aliased");

		BN_free(fv);
		BN_free(gv);
	}
	BN_free(r);
}

static void test_invert_and_pow2523(void **state)
{
	struct test_rng rng = { 0x1271 };
	BIGNUM *r = BN_new(), *e = BN_new();

	assert_non_null(r);
	assert_non_null(e);
	/* (p - 5) / 8 */
	assert_int_equal(BN_sub(e, bn_p, BN_value_one()), 1);
	assert_int_equal(BN_sub_word(e, 4), 1);
	assert_int_equal(BN_rshift(e, e, 3), 1);

	for (int iter = 0; iter < 200; iter++) {
		struct fe25519 f, h;
		BIGNUM *fv;

		random_fe(&rng, &f, iter);
		fv = fe_value(&f);

		fe25519_invert(&h, &f);
		assert_int_equal(BN_sub(r, bn_p, BN_value_one()), 1);
		assert_int_equal(BN_sub_word(r, 1), 1);			/* p - 2 */
		assert_int_equal(BN_mod_exp(r, fv, r, bn_p, bn_ctx), 1);
		assert_fe_is(&h, r, "invert");

		fe25519_pow2523(&h, &f);
		assert_int_equal(BN_mod_exp(r, fv, e, bn_p, bn_ctx), 1);
		assert_fe_is(&h, r, "pow2523");
		BN_free(fv);
	}
	BN_free(r);
	BN_free(e);
}

/* Encodings: values in [p, 2^255) come out reduced, bit 255 is ignored on input. */
static void test_field_encoding(void **state)
{
	static const char *const cases[][2] = {
		/* input (little-endian hex)                                           canonical */
		{ "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",	/* p */
		  "0000000000000000000000000000000000000000000000000000000000000000" },
		{ "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",	/* p + 1 */
		  "0100000000000000000000000000000000000000000000000000000000000000" },
		{ "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",	/* 2^255-1 */
		  "1200000000000000000000000000000000000000000000000000000000000000" },
		{ "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",	/* p - 1 */
		  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f" },
		{ "0500000000000000000000000000000000000000000000000000000000000080",	/* 5 | 2^255 */
		  "0500000000000000000000000000000000000000000000000000000000000000" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t in[32], out[32];
		struct fe25519 f;

		test_hex_decode(cases[i][0], in, sizeof(in));
		fe25519_from_bytes(&f, in);
		fe25519_to_bytes(out, &f);
		test_assert_hex(out, 32, cases[i][1]);
	}
}

static void test_field_predicates(void **state)
{
	struct fe25519 zero, p_limbs, one, minus_one;
	uint8_t p_bytes[32];

	fe25519_set_small(&zero, 0);
	fe25519_set_small(&one, 1);
	fe25519_neg(&minus_one, &one);
	test_hex_decode("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", p_bytes,
			32);
	fe25519_from_bytes(&p_limbs, p_bytes);	/* p itself, unreduced: equals 0 */

	assert_true(fe25519_is_zero(&zero));
	assert_true(fe25519_is_zero(&p_limbs));
	assert_false(fe25519_is_zero(&one));
	assert_true(fe25519_equal(&zero, &p_limbs));
	assert_true(fe25519_is_negative(&one));
	assert_false(fe25519_is_negative(&minus_one));	/* p - 1 is even */
	assert_false(fe25519_is_negative(&p_limbs));
}

/* ---- scalars -------------------------------------------------------------------------- */

static void test_scalar_reduce_against_bignum(void **state)
{
	struct test_rng rng = { 0x5c };
	BIGNUM *v = BN_new(), *r = BN_new();

	assert_non_null(v);
	assert_non_null(r);
	for (int iter = 0; iter < 2000; iter++) {
		uint8_t in[64], out[32], want[32];

		if (iter == 0) {
			memset(in, 0xff, sizeof(in));
		} else if (iter < 8) {
			/* small multiples of L, and one either side */
			memset(in, 0, sizeof(in));
			assert_int_equal(BN_copy(v, bn_l) != NULL, 1);
			assert_int_equal(BN_mul_word(v, (BN_ULONG)(iter / 3 + 1)), 1);
			if (iter % 3 == 1)
				assert_int_equal(BN_sub_word(v, 1), 1);
			else if (iter % 3 == 2)
				assert_int_equal(BN_add_word(v, 1), 1);
			assert_int_equal(BN_bn2lebinpad(v, in, 64), 64);
		} else {
			test_rng_fill(&rng, in, sizeof(in));
		}
		sc25519_reduce64(out, in);
		assert_non_null(BN_lebin2bn(in, 64, v));
		assert_int_equal(BN_nnmod(r, v, bn_l, bn_ctx), 1);
		assert_int_equal(BN_bn2lebinpad(r, want, 32), 32);
		if (memcmp(out, want, 32) != 0)
			fail_msg("reduce mod L wrong at iteration %d", iter);
		assert_true(sc25519_is_canonical(out));
	}
	BN_free(v);
	BN_free(r);
}

static void test_scalar_range_check(void **state)
{
	uint8_t s[32];

	memset(s, 0, sizeof(s));
	assert_true(sc25519_is_canonical(s));			/* 0 */
	assert_int_equal(BN_bn2lebinpad(bn_l, s, 32), 32);
	assert_false(sc25519_is_canonical(s));			/* L */
	s[0]--;
	assert_true(sc25519_is_canonical(s));			/* L - 1 */
	s[0] += 2;
	assert_false(sc25519_is_canonical(s));			/* L + 1 */
	memset(s, 0xff, sizeof(s));
	assert_false(sc25519_is_canonical(s));			/* 2^256 - 1 */
	memset(s, 0, sizeof(s));
	s[31] = 0x10;
	assert_true(sc25519_is_canonical(s));			/* 2^252 < L */
	s[16] = 0x15;
	assert_false(sc25519_is_canonical(s));			/* 2^252 + 0x15 * 2^128 > L */
}

/* ---- points --------------------------------------------------------------------------- */

/*
 * An independent decoder for the oracle: RFC 8032 5.1.3 with bignums. Returns 1 and the
 * affine x when @s decodes, 0 when it must be rejected.
 */
static int bignum_decode(const uint8_t s[32], BIGNUM *x_out)
{
	uint8_t y_bytes[32];
	int sign = s[31] >> 7, ok = 0;
	BIGNUM *y = BN_new(), *d = BN_new(), *u = BN_new(), *v = BN_new(), *x2 = BN_new();
	BIGNUM *t = BN_new();

	assert_true(y && d && u && v && x2 && t);
	memcpy(y_bytes, s, 32);
	y_bytes[31] &= 0x7f;
	assert_non_null(BN_lebin2bn(y_bytes, 32, y));
	if (BN_cmp(y, bn_p) >= 0)
		goto out;
	/* d = -121665 / 121666 */
	assert_int_equal(BN_set_word(t, 121666), 1);
	assert_non_null(BN_mod_inverse(d, t, bn_p, bn_ctx));
	assert_int_equal(BN_mul_word(d, 121665), 1);
	assert_int_equal(BN_sub(d, bn_p, d), 1);
	assert_int_equal(BN_nnmod(d, d, bn_p, bn_ctx), 1);
	/* x^2 = (y^2 - 1) / (d y^2 + 1) */
	assert_int_equal(BN_mod_sqr(u, y, bn_p, bn_ctx), 1);
	assert_int_equal(BN_mod_mul(v, u, d, bn_p, bn_ctx), 1);
	assert_int_equal(BN_add_word(v, 1), 1);
	assert_int_equal(BN_add(u, u, bn_p), 1);
	assert_int_equal(BN_sub_word(u, 1), 1);
	assert_int_equal(BN_nnmod(u, u, bn_p, bn_ctx), 1);
	assert_non_null(BN_mod_inverse(t, v, bn_p, bn_ctx));
	assert_int_equal(BN_mod_mul(x2, u, t, bn_p, bn_ctx), 1);
	if (BN_is_zero(x2)) {
		if (sign)
			goto out;
		BN_zero(x_out);
		ok = 1;
		goto out;
	}
	if (!BN_mod_sqrt(x_out, x2, bn_p, bn_ctx)) {
		ERR_clear_error();
		goto out;
	}
	if (BN_is_odd(x_out) != sign)
		assert_int_equal(BN_sub(x_out, bn_p, x_out), 1);
	ok = 1;
out:
	BN_free(y);
	BN_free(d);
	BN_free(u);
	BN_free(v);
	BN_free(x2);
	BN_free(t);
	return ok;
}

static void check_decode_matches_oracle(const uint8_t s[32])
{
	BIGNUM *x = BN_new();
	struct ge25519 pt;
	bool ours = ge25519_from_bytes(&pt, s);
	int theirs = bignum_decode(s, x);

	assert_non_null(x);
	if (ours != (theirs == 1)) {
		char hex[65];

		for (int i = 0; i < 32; i++)
			sprintf(hex + 2 * i, "%02x", s[i]);
		fail_msg("decode of %s: ours %d, oracle %d", hex, ours, theirs);
	}
	if (ours) {
		uint8_t again[32];
		struct fe25519 z_inv, x_affine;

		fe25519_invert(&z_inv, &pt.z);
		fe25519_mul(&x_affine, &pt.x, &z_inv);
		assert_fe_is(&x_affine, x, "decoded x");
		/* A decoded point re-encodes to the same bytes (one encoding per point). */
		ge25519_to_bytes(again, &pt);
		assert_memory_equal(again, s, 32);
	}
	BN_free(x);
}

static void test_point_decoding_against_oracle(void **state)
{
	struct test_rng rng = { 0xdec0de };
	uint8_t s[32];

	/* y = 0..18 and y = p..p+18 (the non-canonical twins), both signs. */
	for (int y = 0; y < 19; y++) {
		for (int sign = 0; sign < 2; sign++) {
			memset(s, 0, sizeof(s));
			s[0] = (uint8_t)y;
			s[31] = (uint8_t)(sign << 7);
			check_decode_matches_oracle(s);
			memset(s, 0xff, sizeof(s));
			s[0] = (uint8_t)(0xed + y);
			s[31] = (uint8_t)(0x7f | sign << 7);
			check_decode_matches_oracle(s);
		}
	}
	/* Random encodings: about half are points. */
	for (int i = 0; i < 400; i++) {
		test_rng_fill(&rng, s, sizeof(s));
		check_decode_matches_oracle(s);
	}
}

static void test_base_point_encoding(void **state)
{
	struct ge25519 b, decoded;
	uint8_t s[32];

	ge25519_base(&b);
	ge25519_to_bytes(s, &b);
	test_assert_hex(s, 32, "5866666666666666666666666666666666666666666666666666666666666666");
	assert_true(ge25519_from_bytes(&decoded, s));
	assert_false(ge25519_has_small_order(&b));
}

/* The secret scalar of an RFC 8032 key: SHA-512(seed)[0..32), clamped, reduced mod L. */
static void secret_scalar(const uint8_t seed[32], uint8_t scalar[32])
{
	uint8_t h[64], wide[64];

	crypto_sha512(seed, 32, h);
	h[0] &= 248;
	h[31] &= 127;
	h[31] |= 64;
	memset(wide, 0, sizeof(wide));
	memcpy(wide, h, 32);
	sc25519_reduce64(scalar, wide);
}

/* (a * b + c) mod L on little-endian 32-byte scalars, with bignums. */
static void scalar_muladd(uint8_t out[32], const uint8_t a[32], const uint8_t b[32],
			  const uint8_t c[32])
{
	BIGNUM *x = BN_lebin2bn(a, 32, NULL), *y = BN_lebin2bn(b, 32, NULL);
	BIGNUM *z = BN_lebin2bn(c, 32, NULL);

	assert_true(x && y && z);
	assert_int_equal(BN_mod_mul(x, x, y, bn_l, bn_ctx), 1);
	assert_int_equal(BN_mod_add(x, x, z, bn_l, bn_ctx), 1);
	assert_int_equal(BN_bn2lebinpad(x, out, 32), 32);
	BN_free(x);
	BN_free(y);
	BN_free(z);
}

/*
 * [s]B for the secret scalar s of a key must be OpenSSL's public key for it; and for
 * A = [s1]B, [a]A + [b]B must equal [a s1 + b]B, which exercises both windows, the
 * negative digits and the tables.
 */
static void test_scalar_multiplication(void **state)
{
	struct test_rng rng = { 0x5ca1a };
	static const uint8_t zero[32];

	for (uint32_t i = 0; i < 64; i++) {
		uint8_t seed[32], s[32], pub[32], ours[32], a[32], b[32], ab[32], wide[64];
		struct ge25519 A, r, ignored;

		test_ed25519_seed(i, seed);
		test_openssl_ed25519_public(seed, pub);
		secret_scalar(seed, s);
		ge25519_identity(&ignored);
		ge25519_double_scalarmult_vartime(&r, zero, &ignored, s);
		ge25519_to_bytes(ours, &r);
		assert_memory_equal(ours, pub, 32);

		assert_true(ge25519_from_bytes(&A, pub));
		test_rng_fill(&rng, wide, sizeof(wide));
		sc25519_reduce64(a, wide);
		test_rng_fill(&rng, wide, sizeof(wide));
		sc25519_reduce64(b, wide);
		if (i == 0)
			memset(b, 0, sizeof(b));	/* the A side alone */
		ge25519_double_scalarmult_vartime(&r, a, &A, b);
		ge25519_to_bytes(ours, &r);

		scalar_muladd(ab, a, s, b);
		ge25519_double_scalarmult_vartime(&r, zero, &ignored, ab);
		ge25519_to_bytes(pub, &r);
		assert_memory_equal(ours, pub, 32);
	}
}

/* [0]A + [0]B is the identity; [L-1]B is -B. */
static void test_scalar_multiplication_edges(void **state)
{
	static const uint8_t zero[32];
	uint8_t l_minus_1[32], s[32], minus_b[32];
	struct ge25519 b, r, nb;

	ge25519_base(&b);
	ge25519_double_scalarmult_vartime(&r, zero, &b, zero);
	assert_true(ge25519_is_identity(&r));

	assert_int_equal(BN_bn2lebinpad(bn_l, l_minus_1, 32), 32);
	l_minus_1[0]--;
	ge25519_double_scalarmult_vartime(&r, zero, &b, l_minus_1);
	ge25519_to_bytes(s, &r);
	ge25519_neg(&nb, &b);
	ge25519_to_bytes(minus_b, &nb);
	assert_memory_equal(s, minus_b, 32);

	/* [L-1]B + [1]B via the A side: the identity. */
	memset(s, 0, sizeof(s));
	s[0] = 1;
	ge25519_double_scalarmult_vartime(&r, l_minus_1, &b, s);
	assert_true(ge25519_is_identity(&r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_ops_against_bignum),
		cmocka_unit_test(test_invert_and_pow2523),
		cmocka_unit_test(test_field_encoding),
		cmocka_unit_test(test_field_predicates),
		cmocka_unit_test(test_scalar_reduce_against_bignum),
		cmocka_unit_test(test_scalar_range_check),
		cmocka_unit_test(test_point_decoding_against_oracle),
		cmocka_unit_test(test_base_point_encoding),
		cmocka_unit_test(test_scalar_multiplication),
		cmocka_unit_test(test_scalar_multiplication_edges),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
