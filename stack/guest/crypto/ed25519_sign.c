// SPDX-License-Identifier: Apache-2.0
/*
 * Ed25519 key generation and signing, RFC 8032 sections 5.1.5 and 5.1.6 (PureEdDSA).
 *
 * Unlike verification, this handles secrets (the seed, the secret scalar a and the
 * per-message nonce r), so every step that touches them runs in time that does not
 * depend on their value:
 *   - [s]B is a double-and-add-always ladder over all 256 bits of s with a masked
 *     conditional swap (no secret-dependent branch or memory index);
 *   - S = (r + k a) mod L is a schoolbook product followed by a bit-serial reduction
 *     whose conditional subtraction is a mask, not a branch.
 * This is slow next to table-based signers (about 256 doublings and 256 additions per
 * point), which is fine for the firmware: it signs a handful of certificates per boot.
 * Every secret intermediate is wiped before returning.
 */
#include "crypto.h"
#include "crypto_internal.h"
#include "ed25519_internal.h"

/* Swap @p and @q when @swap is 1, leave them when it is 0, in the same time either way. */
static void ge25519_cswap(struct ge25519 *p, struct ge25519 *q, uint64_t swap)
{
	uint64_t mask = 0 - swap;
	struct fe25519 *pf[4] = { &p->x, &p->y, &p->z, &p->t };
	struct fe25519 *qf[4] = { &q->x, &q->y, &q->z, &q->t };

	for (int c = 0; c < 4; c++) {
		for (int i = 0; i < 5; i++) {
			uint64_t t = mask & (pf[c]->limb[i] ^ qf[c]->limb[i]);

			pf[c]->limb[i] ^= t;
			qf[c]->limb[i] ^= t;
		}
	}
}

/*
 * @r = [s]B for a 32-byte little-endian @s (any value below 2^256), constant-time.
 * Invariant of the ladder: after processing bits 255..i, r0 = [n]B and r1 = [n+1]B with
 * n the scalar's top bits; each step computes both r0 + r1 and the double of the one
 * the bit selects, exactly as a Montgomery ladder does.
 */
static void ge25519_scalarmult_base_ct(struct ge25519 *r, const uint8_t s[32])
{
	struct ge25519 r0, r1, sum;
	struct ge25519_cached c;
	uint64_t swap = 0;

	ge25519_identity(&r0);
	ge25519_base(&r1);
	for (int i = 255; i >= 0; i--) {
		uint64_t bit = (s[i / 8] >> (i % 8)) & 1;

		ge25519_cswap(&r0, &r1, swap ^ bit);
		swap = bit;
		/* Now r0 is the one to double and r1 the other: r1 = r0 + r1, r0 = 2 r0. */
		ge25519_to_cached(&c, &r1);
		ge25519_add(&sum, &r0, &c);
		r1 = sum;
		ge25519_double(&r0, &r0);
	}
	ge25519_cswap(&r0, &r1, swap);
	*r = r0;
	crypto_wipe(&r0, sizeof(r0));
	crypto_wipe(&r1, sizeof(r1));
	crypto_wipe(&sum, sizeof(sum));
	crypto_wipe(&c, sizeof(c));
}

/* L as four little-endian 64-bit words (as in sc25519.c). */
static const uint64_t ed25519_order[4] = {
	UINT64_C(0x5812631a5cf5d3ed), UINT64_C(0x14def9dea2f79cd6),
	UINT64_C(0x0000000000000000), UINT64_C(0x1000000000000000),
};

/* @r = @r - L if @r >= L, constant-time; @r < 2L on entry. */
static void sc_cond_sub_order(uint64_t r[4])
{
	uint64_t diff[4], borrow = 0, mask;

	for (int i = 0; i < 4; i++) {
		unsigned __int128 d = (unsigned __int128)r[i] - ed25519_order[i] - borrow;

		diff[i] = (uint64_t)d;
		borrow = (uint64_t)(d >> 64) & 1;
	}
	mask = borrow - 1;	/* all-ones when no borrow, i.e. r >= L */
	for (int i = 0; i < 4; i++)
		r[i] = (diff[i] & mask) | (r[i] & ~mask);
}

/* @out = the 8-word little-endian @in mod L, constant-time bit-serial reduction. */
static void sc_reduce512_ct(uint64_t out[4], const uint64_t in[8])
{
	uint64_t r[4] = { 0, 0, 0, 0 };

	/* As sc25519_reduce64(): r < L < 2^253, so 2r + 1 < 2L and one subtraction does. */
	for (int bit = 511; bit >= 0; bit--) {
		r[3] = r[3] << 1 | r[2] >> 63;
		r[2] = r[2] << 1 | r[1] >> 63;
		r[1] = r[1] << 1 | r[0] >> 63;
		r[0] = r[0] << 1 | ((in[bit / 64] >> (bit % 64)) & 1);
		sc_cond_sub_order(r);
	}
	for (int i = 0; i < 4; i++)
		out[i] = r[i];
	crypto_wipe(r, sizeof(r));
}

/* @s = (@r + @k * @a) mod L, all 32-byte little-endian; @r, @k, @a below 2^256. */
static void sc_muladd(uint8_t s[32], const uint8_t r[32], const uint8_t k[32],
		      const uint8_t a[32])
{
	uint64_t kw[4], aw[4], wide[8] = { 0 }, res[4];
	unsigned __int128 carry;

	for (int i = 0; i < 4; i++) {
		kw[i] = crypto_load_le64(k + 8 * i);
		aw[i] = crypto_load_le64(a + 8 * i);
		wide[i] = crypto_load_le64(r + 8 * i);
	}
	/* wide += k * a, schoolbook; k a + r < 2^512 so nothing is lost. */
	for (int i = 0; i < 4; i++) {
		carry = 0;
		for (int j = 0; j < 4; j++) {
			carry += (unsigned __int128)kw[i] * aw[j] + wide[i + j];
			wide[i + j] = (uint64_t)carry;
			carry >>= 64;
		}
		for (int j = i + 4; j < 8; j++) {
			/* Branching on the carry would leak: propagate through all words. */
			carry += wide[j];
			wide[j] = (uint64_t)carry;
			carry >>= 64;
		}
	}
	sc_reduce512_ct(res, wide);
	for (int i = 0; i < 4; i++)
		crypto_store_le64(s + 8 * i, res[i]);
	crypto_wipe(aw, sizeof(aw));
	crypto_wipe(wide, sizeof(wide));
	crypto_wipe(res, sizeof(res));
}

/* SHA-512(seed) split into the clamped secret scalar a and the nonce prefix. */
static void ed25519_expand(const uint8_t seed[32], uint8_t a[32], uint8_t prefix[32])
{
	uint8_t h[CRYPTO_SHA512_DIGEST_SIZE];

	crypto_sha512(seed, 32, h);
	crypto_copy(a, h, 32);
	crypto_copy(prefix, h + 32, 32);
	a[0] &= 248;
	a[31] &= 127;
	a[31] |= 64;
	crypto_wipe(h, sizeof(h));
}

void crypto_ed25519_public_key(const uint8_t seed[CRYPTO_ED25519_SEED_SIZE],
			       uint8_t public_key[CRYPTO_ED25519_PUBLIC_KEY_SIZE])
{
	uint8_t a[32], prefix[32];
	struct ge25519 p;

	ed25519_expand(seed, a, prefix);
	ge25519_scalarmult_base_ct(&p, a);
	ge25519_to_bytes(public_key, &p);
	crypto_wipe(a, sizeof(a));
	crypto_wipe(prefix, sizeof(prefix));
	crypto_wipe(&p, sizeof(p));
}

/* @out = SHA-512(@a || @b || @msg) mod L. */
static void hash_to_scalar(uint8_t out[32], const uint8_t *a, size_t a_len, const uint8_t *b,
			   size_t b_len, const void *msg, size_t msg_len)
{
	struct crypto_sha512_ctx ctx;
	uint8_t digest[CRYPTO_SHA512_DIGEST_SIZE];
	uint64_t wide[8], res[4];

	crypto_sha512_init(&ctx);
	crypto_sha512_update(&ctx, a, a_len);
	crypto_sha512_update(&ctx, b, b_len);
	crypto_sha512_update(&ctx, msg, msg_len);
	crypto_sha512_final(&ctx, digest);
	for (int i = 0; i < 8; i++)
		wide[i] = crypto_load_le64(digest + 8 * i);
	sc_reduce512_ct(res, wide);
	for (int i = 0; i < 4; i++)
		crypto_store_le64(out + 8 * i, res[i]);
	crypto_wipe(digest, sizeof(digest));
	crypto_wipe(wide, sizeof(wide));
	crypto_wipe(res, sizeof(res));
}

void crypto_ed25519_sign(uint8_t sig[CRYPTO_ED25519_SIGNATURE_SIZE], const void *msg,
			 size_t msg_len, const uint8_t seed[CRYPTO_ED25519_SEED_SIZE],
			 const uint8_t public_key[CRYPTO_ED25519_PUBLIC_KEY_SIZE])
{
	uint8_t a[32], prefix[32], r[32], k[32], r_bytes[32];
	struct ge25519 rp;

	ed25519_expand(seed, a, prefix);
	/* r = SHA-512(prefix || M) mod L; R = [r]B. */
	hash_to_scalar(r, prefix, 32, (const uint8_t *)0, 0, msg, msg_len);
	ge25519_scalarmult_base_ct(&rp, r);
	ge25519_to_bytes(r_bytes, &rp);
	/* k = SHA-512(R || A || M) mod L; S = (r + k a) mod L. */
	hash_to_scalar(k, r_bytes, 32, public_key, 32, msg, msg_len);
	sc_muladd(sig + 32, r, k, a);
	crypto_copy(sig, r_bytes, 32);
	crypto_wipe(a, sizeof(a));
	crypto_wipe(prefix, sizeof(prefix));
	crypto_wipe(r, sizeof(r));
	crypto_wipe(&rp, sizeof(rp));
}
