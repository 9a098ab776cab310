// SPDX-License-Identifier: Apache-2.0
/*
 * SHA-512 as specified by FIPS 180-4 section 6.4 (RFC 6234 section 6.3): 128-byte blocks,
 * 64-bit words, 80 rounds, a 128-bit length field. Ed25519 hashes with it, and the
 * firmware hashes whole payloads of several MiB with it, so the compression function
 * keeps a 16-word rolling message schedule instead of expanding all 80 words up front.
 */
#include "crypto.h"
#include "crypto_internal.h"

/* First 64 bits of the fractional parts of the cube roots of the first 80 primes. */
static const uint64_t sha512_round_constants[80] = {
	0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
	0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
	0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
	0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
	0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
	0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
	0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
	0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
	0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
	0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
	0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
	0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
	0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
	0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
	0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
	0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
	0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
	0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
	0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
	0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};

/* First 64 bits of the fractional parts of the square roots of the first 8 primes. */
static const uint64_t sha512_initial_state[8] = {
	0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
	0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

static inline uint64_t ch(uint64_t x, uint64_t y, uint64_t z)
{
	return (x & y) ^ (~x & z);
}

static inline uint64_t maj(uint64_t x, uint64_t y, uint64_t z)
{
	return (x & y) ^ (x & z) ^ (y & z);
}

static inline uint64_t big_sigma0(uint64_t x)
{
	return crypto_ror64(x, 28) ^ crypto_ror64(x, 34) ^ crypto_ror64(x, 39);
}

static inline uint64_t big_sigma1(uint64_t x)
{
	return crypto_ror64(x, 14) ^ crypto_ror64(x, 18) ^ crypto_ror64(x, 41);
}

static inline uint64_t small_sigma0(uint64_t x)
{
	return crypto_ror64(x, 1) ^ crypto_ror64(x, 8) ^ (x >> 7);
}

static inline uint64_t small_sigma1(uint64_t x)
{
	return crypto_ror64(x, 19) ^ crypto_ror64(x, 61) ^ (x >> 6);
}

/* Fold one 128-byte block into @state (FIPS 180-4 section 6.4.2). */
static void sha512_compress(uint64_t state[8], const uint8_t *block)
{
	/* w[t % 16] holds schedule word t; words older than t - 16 are never read again. */
	uint64_t w[16];
	uint64_t a = state[0], b = state[1], c = state[2], d = state[3];
	uint64_t e = state[4], f = state[5], g = state[6], h = state[7];

	for (int t = 0; t < 80; t++) {
		uint64_t wt, t1, t2;

		if (t < 16) {
			wt = crypto_load_be64(block + 8 * t);
		} else {
			wt = small_sigma1(w[(t - 2) & 15]) + w[(t - 7) & 15] +
			     small_sigma0(w[(t - 15) & 15]) + w[t & 15];
		}
		w[t & 15] = wt;

		t1 = h + big_sigma1(e) + ch(e, f, g) + sha512_round_constants[t] + wt;
		t2 = big_sigma0(a) + maj(a, b, c);
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

void crypto_sha512_init(struct crypto_sha512_ctx *ctx)
{
	for (int i = 0; i < 8; i++)
		ctx->state[i] = sha512_initial_state[i];
	ctx->total_bytes = 0;
	ctx->block_used = 0;
}

void crypto_sha512_update(struct crypto_sha512_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *in = data;

	if (len == 0)
		return;	/* @data may be NULL; do no arithmetic on it */
	ctx->total_bytes += len;

	/* Top up a partly filled block first. */
	if (ctx->block_used > 0) {
		size_t take = CRYPTO_SHA512_BLOCK_SIZE - ctx->block_used;

		if (take > len)
			take = len;
		crypto_copy(ctx->block + ctx->block_used, in, take);
		ctx->block_used += take;
		in += take;
		len -= take;
		if (ctx->block_used < CRYPTO_SHA512_BLOCK_SIZE)
			return;
		sha512_compress(ctx->state, ctx->block);
		ctx->block_used = 0;
	}

	/* Whole blocks straight from the caller's buffer, without copying. */
	for (; len >= CRYPTO_SHA512_BLOCK_SIZE; len -= CRYPTO_SHA512_BLOCK_SIZE) {
		sha512_compress(ctx->state, in);
		in += CRYPTO_SHA512_BLOCK_SIZE;
	}

	crypto_copy(ctx->block, in, len);
	ctx->block_used = len;
}

void crypto_sha512_final(struct crypto_sha512_ctx *ctx, uint8_t out[CRYPTO_SHA512_DIGEST_SIZE])
{
	/* Length field: the message length in bits as a 128-bit big-endian number. */
	const size_t length_offset = CRYPTO_SHA512_BLOCK_SIZE - 16;
	uint64_t bit_len_high = ctx->total_bytes >> 61;
	uint64_t bit_len_low = ctx->total_bytes << 3;
	size_t used = ctx->block_used;

	ctx->block[used++] = 0x80;
	/* No room for the length after the 0x80: pad this block out, start another. */
	if (used > length_offset) {
		while (used < CRYPTO_SHA512_BLOCK_SIZE)
			ctx->block[used++] = 0;
		sha512_compress(ctx->state, ctx->block);
		used = 0;
	}
	while (used < length_offset)
		ctx->block[used++] = 0;
	crypto_store_be64(ctx->block + length_offset, bit_len_high);
	crypto_store_be64(ctx->block + length_offset + 8, bit_len_low);
	sha512_compress(ctx->state, ctx->block);

	for (int i = 0; i < 8; i++)
		crypto_store_be64(out + 8 * i, ctx->state[i]);
	crypto_wipe(ctx, sizeof(*ctx));
}

void crypto_sha512(const void *data, size_t len, uint8_t out[CRYPTO_SHA512_DIGEST_SIZE])
{
	struct crypto_sha512_ctx ctx;

	crypto_sha512_init(&ctx);
	crypto_sha512_update(&ctx, data, len);
	crypto_sha512_final(&ctx, out);
}
