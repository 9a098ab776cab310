// SPDX-License-Identifier: Apache-2.0
/*
 * ChaCha20 (RFC 8439 sections 2.1-2.4): a 4x4 state of 32-bit words (constants, key,
 * block counter, nonce), 20 rounds of quarter rounds, the input added back in.
 */
#include "stack/guest/crypto/aead.h"
#include "stack/guest/crypto/crypto_internal.h"

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

static inline uint32_t rol32(uint32_t x, unsigned int n)
{
	return x << n | x >> (32 - n);
}

static inline void quarter_round(uint32_t *x, int a, int b, int c, int d)
{
	x[a] += x[b]; x[d] = rol32(x[d] ^ x[a], 16);
	x[c] += x[d]; x[b] = rol32(x[b] ^ x[c], 12);
	x[a] += x[b]; x[d] = rol32(x[d] ^ x[a], 8);
	x[c] += x[d]; x[b] = rol32(x[b] ^ x[c], 7);
}

void crypto_chacha20_block(const uint8_t key[CRYPTO_CHACHA20_KEY_SIZE], uint32_t counter,
			   const uint8_t nonce[CRYPTO_CHACHA20_NONCE_SIZE],
			   uint8_t out[CRYPTO_CHACHA20_BLOCK_SIZE])
{
	/* "expand 32-byte k", little-endian words */
	uint32_t in[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
	uint32_t x[16];

	for (int i = 0; i < 8; i++)
		in[4 + i] = load_le32(key + 4 * i);
	in[12] = counter;
	for (int i = 0; i < 3; i++)
		in[13 + i] = load_le32(nonce + 4 * i);
	for (int i = 0; i < 16; i++)
		x[i] = in[i];
	for (int round = 0; round < 10; round++) {
		/* a column round then a diagonal round */
		quarter_round(x, 0, 4, 8, 12);
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		quarter_round(x, 0, 5, 10, 15);
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++)
		store_le32(out + 4 * i, x[i] + in[i]);
	crypto_wipe(x, sizeof(x));
	crypto_wipe(in, sizeof(in));
}

int crypto_chacha20_xor(const uint8_t key[CRYPTO_CHACHA20_KEY_SIZE], uint32_t counter,
			const uint8_t nonce[CRYPTO_CHACHA20_NONCE_SIZE], const uint8_t *in,
			uint8_t *out, size_t len)
{
	uint8_t stream[CRYPTO_CHACHA20_BLOCK_SIZE];
	uint64_t blocks = ((uint64_t)len + CRYPTO_CHACHA20_BLOCK_SIZE - 1) /
			  CRYPTO_CHACHA20_BLOCK_SIZE;

	/* the counter of the last block used must still fit in 32 bits */
	if (blocks && (uint64_t)counter + blocks - 1 > UINT32_MAX)
		return CRYPTO_EINVAL;
	while (len) {
		size_t n = len < sizeof(stream) ? len : sizeof(stream);

		crypto_chacha20_block(key, counter++, nonce, stream);
		for (size_t i = 0; i < n; i++)
			out[i] = in[i] ^ stream[i];
		in += n;
		out += n;
		len -= n;
	}
	crypto_wipe(stream, sizeof(stream));
	return 0;
}
