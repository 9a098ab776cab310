// SPDX-License-Identifier: Apache-2.0
/*
 * The Ed25519 group: points of the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 over
 * GF(2^255 - 19), in extended coordinates (X : Y : Z : T) with x = X/Z, y = Y/Z and
 * xy = T/Z (Hisil, Wong, Carter, Dawson, "Twisted Edwards Curves Revisited", 2008).
 *
 * The addition formula used (the paper's a = -1 unified addition) is complete on this
 * curve, because a = -1 is a square mod p and d is not: it is correct for every pair of
 * inputs, doubling and the identity included, so no input needs a special case.
 */
#include "ed25519_internal.h"
#include "crypto_internal.h"

/* Curve constants, little-endian field element encodings (RFC 8032 section 5.1). */

/* d = -121665 / 121666 */
static const uint8_t curve_d[32] = {
	0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75,
	0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
	0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c,
	0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52,
};

/* 2d, the factor the addition formula applies to T1 * T2 */
static const uint8_t curve_2d[32] = {
	0x59, 0xf1, 0xb2, 0x26, 0x94, 0x9b, 0xd6, 0xeb,
	0x56, 0xb1, 0x83, 0x82, 0x9a, 0x14, 0xe0, 0x00,
	0x30, 0xd1, 0xf3, 0xee, 0xf2, 0x80, 0x8e, 0x19,
	0xe7, 0xfc, 0xdf, 0x56, 0xdc, 0xd9, 0x06, 0x24,
};

/* sqrt(-1) = 2^((p - 1) / 4), used when the first square-root candidate is off by it */
static const uint8_t curve_sqrt_m1[32] = {
	0xb0, 0xa0, 0x0e, 0x4a, 0x27, 0x1b, 0xee, 0xc4,
	0x78, 0xe4, 0x2f, 0xad, 0x06, 0x18, 0x43, 0x2f,
	0xa7, 0xd7, 0xfb, 0x3d, 0x99, 0x00, 0x4d, 0x2b,
	0x0b, 0xdf, 0xc1, 0x4f, 0x80, 0x24, 0x83, 0x2b,
};

/* The base point B: y = 4/5, x the even ("positive") root. */
static const uint8_t base_x[32] = {
	0x1a, 0xd5, 0x25, 0x8f, 0x60, 0x2d, 0x56, 0xc9,
	0xb2, 0xa7, 0x25, 0x95, 0x60, 0xc7, 0x2c, 0x69,
	0x5c, 0xdc, 0xd6, 0xfd, 0x31, 0xe2, 0xa4, 0xc0,
	0xfe, 0x53, 0x6e, 0xcd, 0xd3, 0x36, 0x69, 0x21,
};
static const uint8_t base_y[32] = {
	0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
};

static bool bytes_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (a[i] != b[i])
			return false;
	}
	return true;
}

static void ge25519_copy(struct ge25519 *r, const struct ge25519 *p)
{
	fe25519_copy(&r->x, &p->x);
	fe25519_copy(&r->y, &p->y);
	fe25519_copy(&r->z, &p->z);
	fe25519_copy(&r->t, &p->t);
}

/*
 * Solve x^2 = u / v for x, RFC 8032 section 5.1.3 step 3: the candidate
 * x = u v^3 (u v^7)^((p-5)/8) satisfies v x^2 = +-u when a root exists; if it is -u,
 * x * sqrt(-1) is the root. Returns false when u / v is not a square.
 */
static bool fe25519_sqrt_ratio(struct fe25519 *x, const struct fe25519 *u,
			       const struct fe25519 *v)
{
	struct fe25519 v3, t, vxx, minus_u, sqrt_m1;

	fe25519_sq(&v3, v);
	fe25519_mul(&v3, &v3, v);		/* v^3 */
	fe25519_sq(&t, &v3);
	fe25519_mul(&t, &t, v);
	fe25519_mul(&t, &t, u);			/* u v^7 */
	fe25519_pow2523(&t, &t);		/* (u v^7)^((p-5)/8) */
	fe25519_mul(&t, &t, &v3);
	fe25519_mul(x, &t, u);			/* u v^3 (u v^7)^((p-5)/8) */

	fe25519_sq(&vxx, x);
	fe25519_mul(&vxx, &vxx, v);
	if (fe25519_equal(&vxx, u))
		return true;
	fe25519_neg(&minus_u, u);
	if (!fe25519_equal(&vxx, &minus_u))
		return false;
	fe25519_from_bytes(&sqrt_m1, curve_sqrt_m1);
	fe25519_mul(x, x, &sqrt_m1);
	return true;
}

bool ge25519_from_bytes(struct ge25519 *p, const uint8_t s[32])
{
	struct fe25519 u, v, d;
	uint8_t reencoded[32];
	bool x_sign = s[31] >> 7;

	/* y must be < p: canonical exactly when re-encoding gives the input back. */
	fe25519_from_bytes(&p->y, s);
	fe25519_to_bytes(reencoded, &p->y);
	reencoded[31] |= (uint8_t)(x_sign << 7);
	if (!bytes_equal(reencoded, s, 32))
		return false;

	/* x^2 = (y^2 - 1) / (d y^2 + 1); the denominator is never 0 as -1/d is no square. */
	fe25519_set_small(&p->z, 1);
	fe25519_from_bytes(&d, curve_d);
	fe25519_sq(&u, &p->y);
	fe25519_mul(&v, &u, &d);
	fe25519_sub(&u, &u, &p->z);
	fe25519_add(&v, &v, &p->z);
	if (!fe25519_sqrt_ratio(&p->x, &u, &v))
		return false;

	/* x = 0 has only one sign: "-0" (sign bit set) is a second encoding, rejected. */
	if (fe25519_is_zero(&p->x) && x_sign)
		return false;
	if (fe25519_is_negative(&p->x) != x_sign)
		fe25519_neg(&p->x, &p->x);
	fe25519_mul(&p->t, &p->x, &p->y);
	return true;
}

void ge25519_to_bytes(uint8_t s[32], const struct ge25519 *p)
{
	struct fe25519 z_inv, x, y;

	fe25519_invert(&z_inv, &p->z);
	fe25519_mul(&x, &p->x, &z_inv);
	fe25519_mul(&y, &p->y, &z_inv);
	fe25519_to_bytes(s, &y);
	s[31] |= (uint8_t)(fe25519_is_negative(&x) << 7);
}

void ge25519_identity(struct ge25519 *p)
{
	fe25519_set_small(&p->x, 0);
	fe25519_set_small(&p->y, 1);
	fe25519_set_small(&p->z, 1);
	fe25519_set_small(&p->t, 0);
}

void ge25519_base(struct ge25519 *p)
{
	fe25519_from_bytes(&p->x, base_x);
	fe25519_from_bytes(&p->y, base_y);
	fe25519_set_small(&p->z, 1);
	fe25519_mul(&p->t, &p->x, &p->y);
}

void ge25519_neg(struct ge25519 *r, const struct ge25519 *p)
{
	fe25519_neg(&r->x, &p->x);
	fe25519_copy(&r->y, &p->y);
	fe25519_copy(&r->z, &p->z);
	fe25519_neg(&r->t, &p->t);
}

void ge25519_to_cached(struct ge25519_cached *c, const struct ge25519 *p)
{
	struct fe25519 two_d;

	fe25519_from_bytes(&two_d, curve_2d);
	fe25519_add(&c->y_plus_x, &p->y, &p->x);
	fe25519_sub(&c->y_minus_x, &p->y, &p->x);
	fe25519_add(&c->z2, &p->z, &p->z);
	fe25519_mul(&c->t2d, &p->t, &two_d);
}

/*
 * The tail shared by addition and subtraction: from A = (Y1-X1)(Y2-X2),
 * B = (Y1+X1)(Y2+X2), C = 2d T1 T2 and D = 2 Z1 Z2 form E = B-A, F = D-C, G = D+C,
 * H = B+A and the result (EF : GH : FG : EH).
 */
static void ge25519_add_finish(struct ge25519 *r, const struct fe25519 *a,
			       const struct fe25519 *b, const struct fe25519 *c,
			       const struct fe25519 *d)
{
	struct fe25519 e, f, g, h;

	fe25519_sub(&e, b, a);
	fe25519_sub(&f, d, c);
	fe25519_add(&g, d, c);
	fe25519_add(&h, b, a);
	fe25519_mul(&r->x, &e, &f);
	fe25519_mul(&r->y, &g, &h);
	fe25519_mul(&r->z, &f, &g);
	fe25519_mul(&r->t, &e, &h);
}

void ge25519_add(struct ge25519 *r, const struct ge25519 *p, const struct ge25519_cached *q)
{
	struct fe25519 a, b, c, d;

	fe25519_sub(&a, &p->y, &p->x);
	fe25519_mul(&a, &a, &q->y_minus_x);
	fe25519_add(&b, &p->y, &p->x);
	fe25519_mul(&b, &b, &q->y_plus_x);
	fe25519_mul(&c, &p->t, &q->t2d);
	fe25519_mul(&d, &p->z, &q->z2);
	ge25519_add_finish(r, &a, &b, &c, &d);
}

void ge25519_sub(struct ge25519 *r, const struct ge25519 *p, const struct ge25519_cached *q)
{
	struct fe25519 a, b, c, d;

	/* Adding -Q = (-X2, Y2, Z2, -T2): Y2-X2 and Y2+X2 trade places, C changes sign. */
	fe25519_sub(&a, &p->y, &p->x);
	fe25519_mul(&a, &a, &q->y_plus_x);
	fe25519_add(&b, &p->y, &p->x);
	fe25519_mul(&b, &b, &q->y_minus_x);
	fe25519_mul(&c, &p->t, &q->t2d);
	fe25519_neg(&c, &c);
	fe25519_mul(&d, &p->z, &q->z2);
	ge25519_add_finish(r, &a, &b, &c, &d);
}

void ge25519_double(struct ge25519 *r, const struct ge25519 *p)
{
	struct fe25519 a, b, c, e, f, g, h;

	/*
	 * The paper's doubling with a = -1: A = X^2, B = Y^2, C = 2Z^2, E = (X+Y)^2 - A - B,
	 * G = B - A, F = G - C, H = -A - B. We compute F' = -F and H' = -H instead, which
	 * negates all four output coordinates: the same point, two negations saved.
	 */
	fe25519_sq(&a, &p->x);
	fe25519_sq(&b, &p->y);
	fe25519_sq(&c, &p->z);
	fe25519_add(&c, &c, &c);
	fe25519_add(&e, &p->x, &p->y);
	fe25519_sq(&e, &e);
	fe25519_sub(&e, &e, &a);
	fe25519_sub(&e, &e, &b);
	fe25519_sub(&g, &b, &a);
	fe25519_sub(&f, &c, &g);
	fe25519_add(&h, &a, &b);
	fe25519_mul(&r->x, &e, &f);
	fe25519_mul(&r->y, &g, &h);
	fe25519_mul(&r->z, &f, &g);
	fe25519_mul(&r->t, &e, &h);
}

bool ge25519_is_identity(const struct ge25519 *p)
{
	return fe25519_is_zero(&p->x) && fe25519_equal(&p->y, &p->z);
}

bool ge25519_has_small_order(const struct ge25519 *p)
{
	struct ge25519 q;

	ge25519_double(&q, p);
	ge25519_double(&q, &q);
	ge25519_double(&q, &q);
	return ge25519_is_identity(&q);
}

/* ---- double-scalar multiplication --------------------------------------------------- */

/*
 * Width-5 NAF: digits are 0 or odd in [-15, 15], and any two non-zero digits are at
 * least 5 positions apart, so a 253-bit scalar needs about 253/6 additions, each from a
 * table of the 8 odd multiples P, 3P, ..., 15P.
 */
#define WNAF_WIDTH 5
#define WNAF_TABLE_SIZE (1 << (WNAF_WIDTH - 2))
#define WNAF_MAX_DIGITS 257	/* a 256-bit scalar's NAF is at most one digit longer */

/*
 * Recode the 32-byte little-endian @scalar into @naf (scalar = sum naf[i] 2^i). Returns
 * the index of the highest non-zero digit, or -1 for a zero scalar.
 */
static int wnaf_recode(int8_t naf[WNAF_MAX_DIGITS], const uint8_t scalar[32])
{
	uint64_t w[5];	/* the scalar plus a spare word for the carry of negative digits */
	int top = -1;

	for (int i = 0; i < 4; i++)
		w[i] = crypto_load_le64(scalar + 8 * i);
	w[4] = 0;

	for (int i = 0; i < WNAF_MAX_DIGITS; i++) {
		naf[i] = 0;
		if (w[0] & 1) {
			int digit = (int)(w[0] & ((1u << WNAF_WIDTH) - 1));

			if (digit >= 1 << (WNAF_WIDTH - 1))
				digit -= 1 << WNAF_WIDTH;
			naf[i] = (int8_t)digit;
			top = i;
			/* Subtracting the digit clears the low WNAF_WIDTH bits of w. */
			if (digit > 0) {
				w[0] -= (uint64_t)digit;
			} else {
				uint64_t carry = (uint64_t)-digit;

				for (int j = 0; j < 5 && carry; j++) {
					w[j] += carry;
					carry = w[j] < carry;
				}
			}
		}
		for (int j = 0; j < 4; j++)
			w[j] = w[j] >> 1 | w[j + 1] << 63;
		w[4] >>= 1;
	}
	return top;	/* w is 0 by now: WNAF_MAX_DIGITS covers any 256-bit scalar */
}

/* @table[i] = (2i + 1) P for i < WNAF_TABLE_SIZE. */
static void odd_multiples(struct ge25519_cached table[WNAF_TABLE_SIZE], const struct ge25519 *p)
{
	struct ge25519 p2, cur;
	struct ge25519_cached p2_cached;

	ge25519_double(&p2, p);
	ge25519_to_cached(&p2_cached, &p2);
	ge25519_copy(&cur, p);
	for (int i = 0; i < WNAF_TABLE_SIZE; i++) {
		ge25519_to_cached(&table[i], &cur);
		if (i + 1 < WNAF_TABLE_SIZE)
			ge25519_add(&cur, &cur, &p2_cached);
	}
}

static void add_wnaf_digit(struct ge25519 *r, const struct ge25519_cached *table, int digit)
{
	if (digit > 0)
		ge25519_add(r, r, &table[digit / 2]);
	else if (digit < 0)
		ge25519_sub(r, r, &table[-digit / 2]);
}

void ge25519_double_scalarmult_vartime(struct ge25519 *r, const uint8_t a[32],
				       const struct ge25519 *A, const uint8_t b[32])
{
	int8_t naf_a[WNAF_MAX_DIGITS], naf_b[WNAF_MAX_DIGITS];
	struct ge25519_cached table_a[WNAF_TABLE_SIZE], table_b[WNAF_TABLE_SIZE];
	struct ge25519 base;
	int top_a = wnaf_recode(naf_a, a);
	int top_b = wnaf_recode(naf_b, b);
	int top = top_a > top_b ? top_a : top_b;

	ge25519_identity(r);
	if (top < 0)
		return;

	odd_multiples(table_a, A);
	ge25519_base(&base);
	odd_multiples(table_b, &base);

	/* Left to right: one doubling per digit position, an addition per non-zero digit. */
	for (int i = top; i >= 0; i--) {
		ge25519_double(r, r);
		add_wnaf_digit(r, table_a, naf_a[i]);
		add_wnaf_digit(r, table_b, naf_b[i]);
	}
}
