// SPDX-License-Identifier: Apache-2.0
/*
 * Poly1305 (RFC 8439 section 2.5): the message, in 16-byte blocks each with a 1 bit
 * appended, evaluated as a polynomial at the clamped point r modulo p = 2^130 - 5, plus
 * s modulo 2^128. The accumulator and r are kept in five 26-bit limbs so every product
 * fits a 64-bit integer; 2^130 = 5 (mod p) folds the high limbs back in, and the final
 * reduction picks h or h - p without a branch on the data.
 */
#include "stack/guest/crypto/aead.h"
#include "stack/guest/crypto/crypto_internal.h"

#define LIMB_MASK 0x3ffffffu

static inline uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void crypto_poly1305_init(struct crypto_poly1305_ctx *ctx,
			  const uint8_t key[CRYPTO_POLY1305_KEY_SIZE])
{
	/* r with the RFC's clamp (top 4 bits of bytes 3,7,11,15 and low 2 bits of bytes
	 * 4,8,12 cleared) folded into each limb's mask */
	ctx->r[0] = load_le32(key + 0) & 0x3ffffff;
	ctx->r[1] = (load_le32(key + 3) >> 2) & 0x3ffff03;
	ctx->r[2] = (load_le32(key + 6) >> 4) & 0x3ffc0ff;
	ctx->r[3] = (load_le32(key + 9) >> 6) & 0x3f03fff;
	ctx->r[4] = (load_le32(key + 12) >> 8) & 0x00fffff;
	for (int i = 0; i < 5; i++)
		ctx->h[i] = 0;
	for (int i = 0; i < 4; i++)
		ctx->pad[i] = load_le32(key + 16 + 4 * i);
	ctx->block_used = 0;
}

/* h = (h + block + hibit * 2^128) * r mod p, hibit 1 for full blocks. */
static void poly1305_block(struct crypto_poly1305_ctx *ctx, const uint8_t m[16], uint32_t hibit)
{
	const uint32_t *r = ctx->r;
	uint32_t *h = ctx->h;
	uint64_t s1 = r[1] * 5ull, s2 = r[2] * 5ull, s3 = r[3] * 5ull, s4 = r[4] * 5ull;
	uint64_t h0, h1, h2, h3, h4, d0, d1, d2, d3, d4, c;

	h0 = h[0] + (load_le32(m + 0) & LIMB_MASK);
	h1 = h[1] + ((load_le32(m + 3) >> 2) & LIMB_MASK);
	h2 = h[2] + ((load_le32(m + 6) >> 4) & LIMB_MASK);
	h3 = h[3] + ((load_le32(m + 9) >> 6) & LIMB_MASK);
	h4 = h[4] + ((load_le32(m + 12) >> 8) | (uint64_t)hibit << 24);

	/* schoolbook product; limb i * limb j with i + j >= 5 wraps as 5 * 2^(26(i+j-5)) */
	d0 = h0 * r[0] + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
	d1 = h0 * r[1] + h1 * r[0] + h2 * s4 + h3 * s3 + h4 * s2;
	d2 = h0 * r[2] + h1 * r[1] + h2 * r[0] + h3 * s4 + h4 * s3;
	d3 = h0 * r[3] + h1 * r[2] + h2 * r[1] + h3 * r[0] + h4 * s4;
	d4 = h0 * r[4] + h1 * r[3] + h2 * r[2] + h3 * r[1] + h4 * r[0];

	/* partial carry: limbs back to ~26 bits (h is kept below 2^131, not fully reduced) */
	c = d0 >> 26; h0 = d0 & LIMB_MASK; d1 += c;
	c = d1 >> 26; h1 = d1 & LIMB_MASK; d2 += c;
	c = d2 >> 26; h2 = d2 & LIMB_MASK; d3 += c;
	c = d3 >> 26; h3 = d3 & LIMB_MASK; d4 += c;
	c = d4 >> 26; h4 = d4 & LIMB_MASK; h0 += c * 5;
	c = h0 >> 26; h0 &= LIMB_MASK; h1 += c;
	h[0] = (uint32_t)h0; h[1] = (uint32_t)h1; h[2] = (uint32_t)h2;
	h[3] = (uint32_t)h3; h[4] = (uint32_t)h4;
}

void crypto_poly1305_update(struct crypto_poly1305_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (ctx->block_used) {
		size_t n = 16 - ctx->block_used;

		if (n > len)
			n = len;
		crypto_copy(ctx->block + ctx->block_used, p, n);
		ctx->block_used += n;
		p += n;
		len -= n;
		if (ctx->block_used < 16)
			return;
		poly1305_block(ctx, ctx->block, 1);
		ctx->block_used = 0;
	}
	for (; len >= 16; p += 16, len -= 16)
		poly1305_block(ctx, p, 1);
	crypto_copy(ctx->block, p, len);
	ctx->block_used = len;
}

/* Fully reduce h modulo p (h < 2^131 on entry), in constant time. */
static void poly1305_reduce(uint32_t h[5])
{
	uint32_t g[5], c, select;

	c = h[1] >> 26; h[1] &= LIMB_MASK; h[2] += c;
	c = h[2] >> 26; h[2] &= LIMB_MASK; h[3] += c;
	c = h[3] >> 26; h[3] &= LIMB_MASK; h[4] += c;
	c = h[4] >> 26; h[4] &= LIMB_MASK; h[0] += c * 5;
	c = h[0] >> 26; h[0] &= LIMB_MASK; h[1] += c;

	/* g = h + 5 - 2^130 = h - p; keep g when it did not go negative */
	g[0] = h[0] + 5; c = g[0] >> 26; g[0] &= LIMB_MASK;
	g[1] = h[1] + c; c = g[1] >> 26; g[1] &= LIMB_MASK;
	g[2] = h[2] + c; c = g[2] >> 26; g[2] &= LIMB_MASK;
	g[3] = h[3] + c; c = g[3] >> 26; g[3] &= LIMB_MASK;
	g[4] = h[4] + c - (1u << 26);
	select = (g[4] >> 31) - 1;	/* all ones when g >= 0 */
	for (int i = 0; i < 5; i++)
		h[i] = (h[i] & ~select) | (g[i] & select);
}

void crypto_poly1305_final(struct crypto_poly1305_ctx *ctx,
			   uint8_t tag[CRYPTO_POLY1305_TAG_SIZE])
{
	uint32_t *h = ctx->h;
	uint32_t w[4];
	uint64_t f = 0;

	if (ctx->block_used) {
		/* the last partial block: its 1 byte after the data, zeros, no 2^128 bit */
		ctx->block[ctx->block_used] = 1;
		for (size_t i = ctx->block_used + 1; i < 16; i++)
			ctx->block[i] = 0;
		poly1305_block(ctx, ctx->block, 0);
	}
	poly1305_reduce(h);
	/* h mod 2^128 as four 32-bit words, then + s mod 2^128 */
	w[0] = h[0] | h[1] << 26;
	w[1] = h[1] >> 6 | h[2] << 20;
	w[2] = h[2] >> 12 | h[3] << 14;
	w[3] = h[3] >> 18 | h[4] << 8;
	for (int i = 0; i < 4; i++) {
		f = (uint64_t)w[i] + ctx->pad[i] + (f >> 32);
		store_le32(tag + 4 * i, (uint32_t)f);
	}
	crypto_wipe(w, sizeof(w));
	crypto_wipe(ctx, sizeof(*ctx));
}

void crypto_poly1305(const uint8_t key[CRYPTO_POLY1305_KEY_SIZE], const void *data, size_t len,
		     uint8_t tag[CRYPTO_POLY1305_TAG_SIZE])
{
	struct crypto_poly1305_ctx ctx;

	crypto_poly1305_init(&ctx, key);
	crypto_poly1305_update(&ctx, data, len);
	crypto_poly1305_final(&ctx, tag);
}
