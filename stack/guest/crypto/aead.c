// SPDX-License-Identifier: Apache-2.0
/*
 * AEAD_CHACHA20_POLY1305 (RFC 8439 section 2.8): the Poly1305 one-time key is the first
 * 32 bytes of ChaCha20 block 0; the message is encrypted from block 1; the tag covers
 * aad, zero padding to 16, ciphertext, zero padding, and both lengths as 64-bit
 * little-endian numbers.
 */
#include "stack/guest/crypto/aead.h"
#include "stack/guest/crypto/crypto_internal.h"

/* 2^32 - 1 keystream blocks after block 0 (the RFC's 274,877,906,880 bytes). */
#define AEAD_MAX_LEN ((uint64_t)UINT32_MAX * CRYPTO_CHACHA20_BLOCK_SIZE)

static const uint8_t zero_pad[16];

static void aead_tag(const uint8_t key[CRYPTO_AEAD_KEY_SIZE],
		     const uint8_t nonce[CRYPTO_AEAD_NONCE_SIZE], const void *aad,
		     size_t aad_len, const uint8_t *cipher, size_t len,
		     uint8_t tag[CRYPTO_AEAD_TAG_SIZE])
{
	struct crypto_poly1305_ctx mac;
	uint8_t block0[CRYPTO_CHACHA20_BLOCK_SIZE], lengths[16];

	crypto_chacha20_block(key, 0, nonce, block0);
	crypto_poly1305_init(&mac, block0);
	crypto_wipe(block0, sizeof(block0));
	crypto_poly1305_update(&mac, aad, aad_len);
	crypto_poly1305_update(&mac, zero_pad, (16 - aad_len % 16) % 16);
	crypto_poly1305_update(&mac, cipher, len);
	crypto_poly1305_update(&mac, zero_pad, (16 - len % 16) % 16);
	crypto_store_le64(lengths, aad_len);
	crypto_store_le64(lengths + 8, len);
	crypto_poly1305_update(&mac, lengths, sizeof(lengths));
	crypto_poly1305_final(&mac, tag);
}

int crypto_aead_encrypt(const uint8_t key[CRYPTO_AEAD_KEY_SIZE],
			const uint8_t nonce[CRYPTO_AEAD_NONCE_SIZE], const void *aad,
			size_t aad_len, const uint8_t *plain, size_t len, uint8_t *cipher,
			uint8_t tag[CRYPTO_AEAD_TAG_SIZE])
{
	if ((uint64_t)len > AEAD_MAX_LEN)
		return CRYPTO_EINVAL;
	if (crypto_chacha20_xor(key, 1, nonce, plain, cipher, len))
		return CRYPTO_EINVAL;
	aead_tag(key, nonce, aad, aad_len, cipher, len, tag);
	return 0;
}

int crypto_aead_decrypt(const uint8_t key[CRYPTO_AEAD_KEY_SIZE],
			const uint8_t nonce[CRYPTO_AEAD_NONCE_SIZE], const void *aad,
			size_t aad_len, const uint8_t *cipher, size_t len,
			const uint8_t tag[CRYPTO_AEAD_TAG_SIZE], uint8_t *plain)
{
	uint8_t want[CRYPTO_AEAD_TAG_SIZE];
	bool ok;

	if ((uint64_t)len > AEAD_MAX_LEN)
		return CRYPTO_EINVAL;
	aead_tag(key, nonce, aad, aad_len, cipher, len, want);
	ok = crypto_memeq(want, tag, sizeof(want));
	crypto_wipe(want, sizeof(want));
	if (!ok)
		return CRYPTO_EBADMSG;
	return crypto_chacha20_xor(key, 1, nonce, cipher, plain, len);
}
