// SPDX-License-Identifier: Apache-2.0
/*
 * Arithmetic in GF(p), p = 2^255 - 19, with five 51-bit limbs in 64-bit words.
 *
 * Products of two limbs need 128 bits; both gcc and clang provide unsigned __int128 on
 * x86-64 and aarch64, where 64x64->128 multiplication is inline (mul + umulh), so the
 * freestanding guest needs no runtime helper for it.
 *
 * Reduction uses 2^255 = 19 (mod p): a carry out of the top limb re-enters limb 0 times
 * 19. Bounds are in ed25519_internal.h: inputs below 2^52 per limb, outputs below
 * 2^51 + 2^15, so there is room for one unreduced addition before any multiplication.
 */
#include "ed25519_internal.h"
#include "crypto_internal.h"

typedef unsigned __int128 u128;

#define LIMB_BITS 51
#define LIMB_MASK ((UINT64_C(1) << LIMB_BITS) - 1)

/*
 * Propagate carries so every limb is below 2^51 except limb 1, which may get one small
 * carry back (below 2^51 + 2^13). Accepts limbs up to 2^63.
 */
static void fe25519_carry(struct fe25519 *h)
{
	uint64_t *l = h->limb;
	uint64_t c;

	for (int i = 0; i < 4; i++) {
		c = l[i] >> LIMB_BITS;
		l[i] &= LIMB_MASK;
		l[i + 1] += c;
	}
	c = l[4] >> LIMB_BITS;
	l[4] &= LIMB_MASK;
	l[0] += 19 * c;
	c = l[0] >> LIMB_BITS;
	l[0] &= LIMB_MASK;
	l[1] += c;
}

void fe25519_from_bytes(struct fe25519 *h, const uint8_t s[32])
{
	uint64_t w0 = crypto_load_le64(s), w1 = crypto_load_le64(s + 8);
	uint64_t w2 = crypto_load_le64(s + 16), w3 = crypto_load_le64(s + 24);

	h->limb[0] = w0 & LIMB_MASK;
	h->limb[1] = (w0 >> 51 | w1 << 13) & LIMB_MASK;
	h->limb[2] = (w1 >> 38 | w2 << 26) & LIMB_MASK;
	h->limb[3] = (w2 >> 25 | w3 << 39) & LIMB_MASK;
	h->limb[4] = (w3 >> 12) & LIMB_MASK;	/* drops bit 255 */
}

void fe25519_to_bytes(uint8_t s[32], const struct fe25519 *f)
{
	struct fe25519 t;
	uint64_t *l = t.limb;
	uint64_t q;

	fe25519_copy(&t, f);
	fe25519_carry(&t);	/* now value < 2^255 + 2^65 < 2p */

	/*
	 * q = floor((v + 19) / 2^255), computed by carrying 19 through the limbs; with
	 * v < 2p it is 1 exactly when v >= p. Then v - q*p = v + 19q - q*2^255: add 19q,
	 * carry, and drop bit 255.
	 */
	q = (l[0] + 19) >> LIMB_BITS;
	for (int i = 1; i < 5; i++)
		q = (l[i] + q) >> LIMB_BITS;
	l[0] += 19 * q;
	for (int i = 0; i < 4; i++) {
		l[i + 1] += l[i] >> LIMB_BITS;
		l[i] &= LIMB_MASK;
	}
	l[4] &= LIMB_MASK;

	crypto_store_le64(s, l[0] | l[1] << 51);
	crypto_store_le64(s + 8, l[1] >> 13 | l[2] << 38);
	crypto_store_le64(s + 16, l[2] >> 26 | l[3] << 25);
	crypto_store_le64(s + 24, l[3] >> 39 | l[4] << 12);
}

void fe25519_set_small(struct fe25519 *h, uint32_t v)
{
	h->limb[0] = v;
	for (int i = 1; i < 5; i++)
		h->limb[i] = 0;
}

void fe25519_copy(struct fe25519 *h, const struct fe25519 *f)
{
	for (int i = 0; i < 5; i++)
		h->limb[i] = f->limb[i];
}

void fe25519_add(struct fe25519 *h, const struct fe25519 *f, const struct fe25519 *g)
{
	for (int i = 0; i < 5; i++)
		h->limb[i] = f->limb[i] + g->limb[i];
	fe25519_carry(h);
}

void fe25519_sub(struct fe25519 *h, const struct fe25519 *f, const struct fe25519 *g)
{
	/*
	 * Add 4p first so no limb goes negative: 4p's limbs are 2^53 - 76 and 2^53 - 4,
	 * above any input limb (< 2^52).
	 */
	h->limb[0] = f->limb[0] + (4 * LIMB_MASK - 72) - g->limb[0];
	for (int i = 1; i < 5; i++)
		h->limb[i] = f->limb[i] + 4 * LIMB_MASK - g->limb[i];
	fe25519_carry(h);
}

void fe25519_neg(struct fe25519 *h, const struct fe25519 *f)
{
	struct fe25519 zero;

	fe25519_set_small(&zero, 0);
	fe25519_sub(h, &zero, f);
}

/*
 * Carry five 128-bit column sums into @h. The final carry out of limb 4 (below 2^60
 * for inputs below 2^52) times 19 may exceed 64 bits, so it is added in 128 bits.
 */
static void fe25519_carry_wide(struct fe25519 *h, u128 r0, u128 r1, u128 r2, u128 r3, u128 r4)
{
	u128 t;

	r1 += r0 >> LIMB_BITS;
	r2 += r1 >> LIMB_BITS;
	r3 += r2 >> LIMB_BITS;
	r4 += r3 >> LIMB_BITS;
	t = ((uint64_t)r0 & LIMB_MASK) + (r4 >> LIMB_BITS) * 19;
	h->limb[0] = (uint64_t)t & LIMB_MASK;
	h->limb[1] = ((uint64_t)r1 & LIMB_MASK) + (uint64_t)(t >> LIMB_BITS);
	h->limb[2] = (uint64_t)r2 & LIMB_MASK;
	h->limb[3] = (uint64_t)r3 & LIMB_MASK;
	h->limb[4] = (uint64_t)r4 & LIMB_MASK;
}

void fe25519_mul(struct fe25519 *h, const struct fe25519 *f, const struct fe25519 *g)
{
	const uint64_t f0 = f->limb[0], f1 = f->limb[1], f2 = f->limb[2];
	const uint64_t f3 = f->limb[3], f4 = f->limb[4];
	const uint64_t g0 = g->limb[0], g1 = g->limb[1], g2 = g->limb[2];
	const uint64_t g3 = g->limb[3], g4 = g->limb[4];
	/* Terms whose limb indices add up to 5 or more wrap around to 2^255 = 19. */
	const uint64_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
	u128 r0, r1, r2, r3, r4;

	r0 = (u128)f0 * g0 + (u128)f1 * g4_19 + (u128)f2 * g3_19 + (u128)f3 * g2_19 +
	     (u128)f4 * g1_19;
	r1 = (u128)f0 * g1 + (u128)f1 * g0 + (u128)f2 * g4_19 + (u128)f3 * g3_19 +
	     (u128)f4 * g2_19;
	r2 = (u128)f0 * g2 + (u128)f1 * g1 + (u128)f2 * g0 + (u128)f3 * g4_19 +
	     (u128)f4 * g3_19;
	r3 = (u128)f0 * g3 + (u128)f1 * g2 + (u128)f2 * g1 + (u128)f3 * g0 + (u128)f4 * g4_19;
	r4 = (u128)f0 * g4 + (u128)f1 * g3 + (u128)f2 * g2 + (u128)f3 * g1 + (u128)f4 * g0;
	fe25519_carry_wide(h, r0, r1, r2, r3, r4);
}

void fe25519_sq(struct fe25519 *h, const struct fe25519 *f)
{
	const uint64_t f0 = f->limb[0], f1 = f->limb[1], f2 = f->limb[2];
	const uint64_t f3 = f->limb[3], f4 = f->limb[4];
	/* Cross terms appear twice; wrapped ones also carry the factor 19. */
	const uint64_t f0_2 = 2 * f0, f1_2 = 2 * f1, f2_2 = 2 * f2, f3_2 = 2 * f3;
	const uint64_t f3_19 = 19 * f3, f4_19 = 19 * f4;
	u128 r0, r1, r2, r3, r4;

	r0 = (u128)f0 * f0 + (u128)f1_2 * f4_19 + (u128)f2_2 * f3_19;
	r1 = (u128)f0_2 * f1 + (u128)f2_2 * f4_19 + (u128)f3 * f3_19;
	r2 = (u128)f0_2 * f2 + (u128)f1 * f1 + (u128)f3_2 * f4_19;
	r3 = (u128)f0_2 * f3 + (u128)f1_2 * f2 + (u128)f4 * f4_19;
	r4 = (u128)f0_2 * f4 + (u128)f1_2 * f3 + (u128)f2 * f2;
	fe25519_carry_wide(h, r0, r1, r2, r3, r4);
}

/* @h = @f^(2^n), n >= 1. */
static void fe25519_sq_times(struct fe25519 *h, const struct fe25519 *f, int n)
{
	fe25519_sq(h, f);
	while (--n > 0)
		fe25519_sq(h, h);
}

/*
 * @out = f^(2^250 - 1), and @f11 = f^11 on the way: the shared prefix of the addition
 * chains for p - 2 = 2^255 - 21 and (p - 5) / 8 = 2^252 - 3. Each step doubles the run
 * of one-bits in the exponent: 2^5-1 -> 2^10-1 -> 2^20-1 -> 2^40-1 -> 2^50-1 -> ...
 */
static void fe25519_pow_2_250_minus_1(struct fe25519 *out, struct fe25519 *f11,
				      const struct fe25519 *f)
{
	struct fe25519 f2, f9, e5, e10, e20, e50, e100, t;

	fe25519_sq(&f2, f);			/* f^2 */
	fe25519_sq_times(&t, &f2, 2);		/* f^8 */
	fe25519_mul(&f9, &t, f);		/* f^9 */
	fe25519_mul(f11, &f9, &f2);		/* f^11 */
	fe25519_sq(&t, f11);			/* f^22 */
	fe25519_mul(&e5, &t, &f9);		/* f^(2^5 - 1) = f^31 */
	fe25519_sq_times(&t, &e5, 5);
	fe25519_mul(&e10, &t, &e5);		/* f^(2^10 - 1) */
	fe25519_sq_times(&t, &e10, 10);
	fe25519_mul(&e20, &t, &e10);		/* f^(2^20 - 1) */
	fe25519_sq_times(&t, &e20, 20);
	fe25519_mul(&t, &t, &e20);		/* f^(2^40 - 1) */
	fe25519_sq_times(&t, &t, 10);
	fe25519_mul(&e50, &t, &e10);		/* f^(2^50 - 1) */
	fe25519_sq_times(&t, &e50, 50);
	fe25519_mul(&e100, &t, &e50);		/* f^(2^100 - 1) */
	fe25519_sq_times(&t, &e100, 100);
	fe25519_mul(&t, &t, &e100);		/* f^(2^200 - 1) */
	fe25519_sq_times(&t, &t, 50);
	fe25519_mul(out, &t, &e50);		/* f^(2^250 - 1) */
}

void fe25519_invert(struct fe25519 *h, const struct fe25519 *f)
{
	struct fe25519 e250, f11;

	/* Fermat: f^(p-2) = f^(2^255 - 21) = (f^(2^250 - 1))^(2^5) * f^11. */
	fe25519_pow_2_250_minus_1(&e250, &f11, f);
	fe25519_sq_times(&e250, &e250, 5);
	fe25519_mul(h, &e250, &f11);
}

void fe25519_pow2523(struct fe25519 *h, const struct fe25519 *f)
{
	struct fe25519 e250, f11;

	/* (p - 5) / 8 = 2^252 - 3 = (2^250 - 1) * 4 + 1. */
	fe25519_pow_2_250_minus_1(&e250, &f11, f);
	fe25519_sq_times(&e250, &e250, 2);
	fe25519_mul(h, &e250, f);
}

bool fe25519_is_zero(const struct fe25519 *f)
{
	uint8_t s[32];
	uint8_t acc = 0;

	fe25519_to_bytes(s, f);
	for (int i = 0; i < 32; i++)
		acc |= s[i];
	return acc == 0;
}

bool fe25519_is_negative(const struct fe25519 *f)
{
	uint8_t s[32];

	fe25519_to_bytes(s, f);
	return s[0] & 1;
}

bool fe25519_equal(const struct fe25519 *f, const struct fe25519 *g)
{
	struct fe25519 diff;

	fe25519_sub(&diff, f, g);
	return fe25519_is_zero(&diff);
}
