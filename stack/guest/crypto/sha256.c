// SPDX-License-Identifier: Apache-2.0
/*
 * SHA-256 as specified by FIPS 180-4 section 6.2 (RFC 6234 section 6.2): a Merkle-Damgard
 * hash over 64-byte blocks with a 32-bit word compression function. Every step here is
 * data-independent in time.
 */
#include "crypto.h"
#include "crypto_internal.h"

/* First 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t sha256_round_constants[64] = {
	0x428a2f98U, 0x71374491U, 0xb5c0fbcfU, 0xe9b5dba5U,
	0x3956c25bU, 0x59f111f1U, 0x923f82a4U, 0xab1c5ed5U,
	0xd807aa98U, 0x12835b01U, 0x243185beU, 0x550c7dc3U,
	0x72be5d74U, 0x80deb1feU, 0x9bdc06a7U, 0xc19bf174U,
	0xe49b69c1U, 0xefbe4786U, 0x0fc19dc6U, 0x240ca1ccU,
	0x2de92c6fU, 0x4a7484aaU, 0x5cb0a9dcU, 0x76f988daU,
	0x983e5152U, 0xa831c66dU, 0xb00327c8U, 0xbf597fc7U,
	0xc6e00bf3U, 0xd5a79147U, 0x06ca6351U, 0x14292967U,
	0x27b70a85U, 0x2e1b2138U, 0x4d2c6dfcU, 0x53380d13U,
	0x650a7354U, 0x766a0abbU, 0x81c2c92eU, 0x92722c85U,
	0xa2bfe8a1U, 0xa81a664bU, 0xc24b8b70U, 0xc76c51a3U,
	0xd192e819U, 0xd6990624U, 0xf40e3585U, 0x106aa070U,
	0x19a4c116U, 0x1e376c08U, 0x2748774cU, 0x34b0bcb5U,
	0x391c0cb3U, 0x4ed8aa4aU, 0x5b9cca4fU, 0x682e6ff3U,
	0x748f82eeU, 0x78a5636fU, 0x84c87814U, 0x8cc70208U,
	0x90befffaU, 0xa4506cebU, 0xbef9a3f7U, 0xc67178f2U,
};

/* First 32 bits of the fractional parts of the square roots of the first 8 primes. */
static const uint32_t sha256_initial_state[8] = {
	0x6a09e667U, 0xbb67ae85U, 0x3c6ef372U, 0xa54ff53aU,
	0x510e527fU, 0x9b05688cU, 0x1f83d9abU, 0x5be0cd19U,
};

static inline uint32_t ch(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & y) ^ (~x & z);
}

static inline uint32_t maj(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & y) ^ (x & z) ^ (y & z);
}

static inline uint32_t big_sigma0(uint32_t x)
{
	return crypto_ror32(x, 2) ^ crypto_ror32(x, 13) ^ crypto_ror32(x, 22);
}

static inline uint32_t big_sigma1(uint32_t x)
{
	return crypto_ror32(x, 6) ^ crypto_ror32(x, 11) ^ crypto_ror32(x, 25);
}

static inline uint32_t small_sigma0(uint32_t x)
{
	return crypto_ror32(x, 7) ^ crypto_ror32(x, 18) ^ (x >> 3);
}

static inline uint32_t small_sigma1(uint32_t x)
{
	return crypto_ror32(x, 17) ^ crypto_ror32(x, 19) ^ (x >> 10);
}

/* Fold one 64-byte block into @state (FIPS 180-4 section 6.2.2). */
static void sha256_compress(uint32_t state[8], const uint8_t *block)
{
	uint32_t w[64];
	uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
	uint32_t e = state[4], f = state[5], g = state[6], h = state[7];

	for (int t = 0; t < 16; t++)
		w[t] = crypto_load_be32(block + 4 * t);
	for (int t = 16; t < 64; t++)
		w[t] = small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16];

	for (int t = 0; t < 64; t++) {
		uint32_t t1 = h + big_sigma1(e) + ch(e, f, g) + sha256_round_constants[t] + w[t];
		uint32_t t2 = big_sigma0(a) + maj(a, b, c);

		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}

	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	state[4] += e;
	state[5] += f;
	state[6] += g;
	state[7] += h;
}

void crypto_sha256_init(struct crypto_sha256_ctx *ctx)
{
	for (int i = 0; i < 8; i++)
		ctx->state[i] = sha256_initial_state[i];
	ctx->total_bytes = 0;
	ctx->block_used = 0;
}

void crypto_sha256_update(struct crypto_sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *in = data;

	if (len == 0)
		return;	/* @data may be NULL; do no arithmetic on it */
	ctx->total_bytes += len;

	/* Top up a partly filled block first. */
	if (ctx->block_used > 0) {
		size_t take = CRYPTO_SHA256_BLOCK_SIZE - ctx->block_used;

		if (take > len)
			take = len;
		crypto_copy(ctx->block + ctx->block_used, in, take);
		ctx->block_used += take;
		in += take;
		len -= take;
		if (ctx->block_used < CRYPTO_SHA256_BLOCK_SIZE)
			return;
		sha256_compress(ctx->state, ctx->block);
		ctx->block_used = 0;
	}

	/* Whole blocks straight from the caller's buffer, without copying. */
	for (; len >= CRYPTO_SHA256_BLOCK_SIZE; len -= CRYPTO_SHA256_BLOCK_SIZE) {
		sha256_compress(ctx->state, in);
		in += CRYPTO_SHA256_BLOCK_SIZE;
	}

	crypto_copy(ctx->block, in, len);
	ctx->block_used = len;
}

void crypto_sha256_final(struct crypto_sha256_ctx *ctx, uint8_t out[CRYPTO_SHA256_DIGEST_SIZE])
{
	/* Length field: the message length in bits, big-endian, in the last 8 bytes. */
	const size_t length_offset = CRYPTO_SHA256_BLOCK_SIZE - 8;
	uint64_t bit_len = ctx->total_bytes << 3;
	size_t used = ctx->block_used;

	ctx->block[used++] = 0x80;
	/* No room for the length after the 0x80: pad this block out, start another. */
	if (used > length_offset) {
		while (used < CRYPTO_SHA256_BLOCK_SIZE)
			ctx->block[used++] = 0;
		sha256_compress(ctx->state, ctx->block);
		used = 0;
	}
	while (used < length_offset)
		ctx->block[used++] = 0;
	crypto_store_be64(ctx->block + length_offset, bit_len);
	sha256_compress(ctx->state, ctx->block);

	for (int i = 0; i < 8; i++)
		crypto_store_be32(out + 4 * i, ctx->state[i]);
	crypto_wipe(ctx, sizeof(*ctx));
}

void crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_DIGEST_SIZE])
{
	struct crypto_sha256_ctx ctx;

	crypto_sha256_init(&ctx);
	crypto_sha256_update(&ctx, data, len);
	crypto_sha256_final(&ctx, out);
}
