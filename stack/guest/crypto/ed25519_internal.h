/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of Ed25519 verification, shared by fe25519.c (arithmetic mod p = 2^255 - 19),
 * sc25519.c (scalars mod the group order L), ge25519.c (points of the twisted Edwards
 * curve -x^2 + y^2 = 1 + d x^2 y^2) and ed25519_verify.c. Exposed in a header only so the
 * unit tests can check the arithmetic against OpenSSL's bignums; not a public API.
 *
 * None of this is constant-time beyond what falls out naturally: it only ever handles
 * public data (see crypto.h).
 */
#ifndef GUEST_CRYPTO_ED25519_INTERNAL_H
#define GUEST_CRYPTO_ED25519_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

/* ---- field elements mod p = 2^255 - 19 ------------------------------------------------ */

/*
 * Radix 2^51: value = sum(limb[i] * 2^(51 i)). Every function below accepts limbs up to
 * 2^52 and returns limbs below 2^52 (in fact below 2^51 + 2^15), so results chain into
 * any other function without extra reduction. Values are not canonical (may be >= p)
 * until fe25519_to_bytes().
 */
struct fe25519 {
	uint64_t limb[5];
};

void fe25519_from_bytes(struct fe25519 *h, const uint8_t s[32]);	/* ignores bit 255 */
void fe25519_to_bytes(uint8_t s[32], const struct fe25519 *f);		/* canonical, < p */
void fe25519_set_small(struct fe25519 *h, uint32_t v);
void fe25519_copy(struct fe25519 *h, const struct fe25519 *f);
void fe25519_add(struct fe25519 *h, const struct fe25519 *f, const struct fe25519 *g);
void fe25519_sub(struct fe25519 *h, const struct fe25519 *f, const struct fe25519 *g);
void fe25519_neg(struct fe25519 *h, const struct fe25519 *f);
void fe25519_mul(struct fe25519 *h, const struct fe25519 *f, const struct fe25519 *g);
void fe25519_sq(struct fe25519 *h, const struct fe25519 *f);
void fe25519_invert(struct fe25519 *h, const struct fe25519 *f);	/* f^(p-2); 0 -> 0 */
void fe25519_pow2523(struct fe25519 *h, const struct fe25519 *f);	/* f^((p-5)/8) */
bool fe25519_is_zero(const struct fe25519 *f);
bool fe25519_is_negative(const struct fe25519 *f);	/* lowest bit of the canonical value */
bool fe25519_equal(const struct fe25519 *f, const struct fe25519 *g);

/* ---- scalars mod L = 2^252 + 27742317777372353535851937790883648493 --------------------- */

/* True when the 32-byte little-endian @s is < L (RFC 8032's range check on S). */
bool sc25519_is_canonical(const uint8_t s[32]);
/* @out = the 64-byte little-endian @in mod L, as 32 little-endian bytes. */
void sc25519_reduce64(uint8_t out[32], const uint8_t in[64]);

/* ---- points ---------------------------------------------------------------------------- */

/* Extended coordinates (Hisil et al. 2008): x = X/Z, y = Y/Z, x*y = T/Z. */
struct ge25519 {
	struct fe25519 x, y, z, t;
};

/* A point prepared as the second operand of an addition: (Y+X, Y-X, 2Z, 2dT). */
struct ge25519_cached {
	struct fe25519 y_plus_x, y_minus_x, z2, t2d;
};

/*
 * Decode per RFC 8032 section 5.1.3. Returns false, leaving @p unspecified, for every
 * encoding the RFC says fails: y >= p, x^2 = (y^2 - 1)/(d y^2 + 1) not a square, or x = 0
 * with the sign bit set. So each point has exactly one accepted encoding.
 */
bool ge25519_from_bytes(struct ge25519 *p, const uint8_t s[32]);
void ge25519_to_bytes(uint8_t s[32], const struct ge25519 *p);
void ge25519_identity(struct ge25519 *p);
void ge25519_base(struct ge25519 *p);	/* the base point B of RFC 8032 section 5.1 */
void ge25519_neg(struct ge25519 *r, const struct ge25519 *p);
void ge25519_to_cached(struct ge25519_cached *c, const struct ge25519 *p);
void ge25519_add(struct ge25519 *r, const struct ge25519 *p, const struct ge25519_cached *q);
void ge25519_sub(struct ge25519 *r, const struct ge25519 *p, const struct ge25519_cached *q);
void ge25519_double(struct ge25519 *r, const struct ge25519 *p);
bool ge25519_is_identity(const struct ge25519 *p);
/* True when [8]P is the identity, i.e. P lies in the 8-torsion subgroup. */
bool ge25519_has_small_order(const struct ge25519 *p);
/*
 * @r = [a]A + [b]B for 32-byte little-endian scalars @a, @b below 2^253 (callers pass
 * values already reduced mod L). Variable-time: sliding windows over both scalars.
 */
void ge25519_double_scalarmult_vartime(struct ge25519 *r, const uint8_t a[32],
				       const struct ge25519 *A, const uint8_t b[32]);

#endif /* GUEST_CRYPTO_ED25519_INTERNAL_H */
