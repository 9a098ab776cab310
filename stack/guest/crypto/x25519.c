// SPDX-License-Identifier: Apache-2.0
/*
 * X25519: the Montgomery ladder of RFC 7748 section 5 over projective (X : Z)
 * coordinates, with a constant-time conditional swap driven by the scalar's bits.
 */
#include "stack/guest/crypto/ed25519_internal.h"
#include "stack/guest/crypto/x25519.h"

/* Swap @a and @b when @bit is 1, without a branch or an index that depends on it. */
static void fe_cswap(struct fe25519 *a, struct fe25519 *b, uint64_t bit)
{
	uint64_t mask = 0 - bit;

	for (int i = 0; i < 5; i++) {
		uint64_t t = mask & (a->limb[i] ^ b->limb[i]);

		a->limb[i] ^= t;
		b->limb[i] ^= t;
	}
}

/* One ladder step: (x2:z2) doubled, (x3:z3) = (x2:z2) + (x3:z3) with difference x1. */
static void ladder_step(struct fe25519 *x2, struct fe25519 *z2, struct fe25519 *x3,
			struct fe25519 *z3, const struct fe25519 *x1, const struct fe25519 *a24)
{
	struct fe25519 a, aa, b, bb, e, c, d, da, cb, t;

	fe25519_add(&a, x2, z2);
	fe25519_sq(&aa, &a);
	fe25519_sub(&b, x2, z2);
	fe25519_sq(&bb, &b);
	fe25519_sub(&e, &aa, &bb);
	fe25519_add(&c, x3, z3);
	fe25519_sub(&d, x3, z3);
	fe25519_mul(&da, &d, &a);
	fe25519_mul(&cb, &c, &b);
	fe25519_add(&t, &da, &cb);
	fe25519_sq(x3, &t);
	fe25519_sub(&t, &da, &cb);
	fe25519_sq(&t, &t);
	fe25519_mul(z3, x1, &t);
	fe25519_mul(x2, &aa, &bb);
	fe25519_mul(&t, a24, &e);
	fe25519_add(&t, &aa, &t);
	fe25519_mul(z2, &e, &t);
}

int crypto_x25519(uint8_t out[CRYPTO_X25519_SIZE], const uint8_t scalar[CRYPTO_X25519_SIZE],
		  const uint8_t u[CRYPTO_X25519_SIZE])
{
	struct fe25519 x1, x2, z2, x3, z3, a24;
	uint8_t k[32], acc = 0;
	uint64_t swap = 0;

	for (int i = 0; i < 32; i++)
		k[i] = scalar[i];
	k[0] &= 248;
	k[31] = (uint8_t)((k[31] & 127) | 64);
	fe25519_from_bytes(&x1, u);	/* ignores bit 255, as the RFC says */
	fe25519_set_small(&x2, 1);
	fe25519_set_small(&z2, 0);
	fe25519_copy(&x3, &x1);
	fe25519_set_small(&z3, 1);
	fe25519_set_small(&a24, 121665);	/* (486662 - 2) / 4 */
	for (int t = 254; t >= 0; t--) {
		uint64_t bit = (k[t / 8] >> (t % 8)) & 1;

		swap ^= bit;
		fe_cswap(&x2, &x3, swap);
		fe_cswap(&z2, &z3, swap);
		swap = bit;
		ladder_step(&x2, &z2, &x3, &z3, &x1, &a24);
	}
	fe_cswap(&x2, &x3, swap);
	fe_cswap(&z2, &z3, swap);
	fe25519_invert(&z2, &z2);
	fe25519_mul(&x2, &x2, &z2);
	fe25519_to_bytes(out, &x2);
	crypto_wipe(k, sizeof(k));
	crypto_wipe(&x2, sizeof(x2));
	crypto_wipe(&x3, sizeof(x3));
	crypto_wipe(&z2, sizeof(z2));
	crypto_wipe(&z3, sizeof(z3));
	for (int i = 0; i < 32; i++)
		acc |= out[i];
	return acc ? 0 : CRYPTO_EINVAL;
}

void crypto_x25519_public(uint8_t pub[CRYPTO_X25519_SIZE],
			  const uint8_t secret[CRYPTO_X25519_SIZE])
{
	static const uint8_t base[32] = { 9 };

	/* the base point has prime order: the result is never zero */
	(void)crypto_x25519(pub, secret, base);
}
