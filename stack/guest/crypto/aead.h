/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ChaCha20 (RFC 8439 section 2.4), Poly1305 (section 2.5) and their AEAD construction
 * AEAD_CHACHA20_POLY1305 (section 2.8), freestanding like the rest of
 * stack/guest/crypto (crypto.h): no libc, no allocation, no global state, reentrant.
 *
 * Why ChaCha20-Poly1305 rather than AES-GCM: without the AES/PMULL instructions, a
 * table-free constant-time software AES is slow and intricate, while ChaCha20 and
 * Poly1305 are constant-time by construction (additions, rotations, XORs and fixed
 * multiplications only). Everything here runs in time that depends on the lengths
 * only, never on the key, nonce or data; the tag check is crypto_memeq().
 *
 * Nonces: a (key, nonce) pair must never encrypt two different messages; callers own
 * that rule (the use-case payloads derive one key per purpose and count nonces).
 */
#ifndef GUEST_CRYPTO_AEAD_H
#define GUEST_CRYPTO_AEAD_H

#include <stddef.h>
#include <stdint.h>

#include "stack/guest/crypto/crypto.h"

#define CRYPTO_CHACHA20_KEY_SIZE 32
#define CRYPTO_CHACHA20_NONCE_SIZE 12
#define CRYPTO_CHACHA20_BLOCK_SIZE 64
#define CRYPTO_POLY1305_KEY_SIZE 32
#define CRYPTO_POLY1305_TAG_SIZE 16
#define CRYPTO_AEAD_KEY_SIZE CRYPTO_CHACHA20_KEY_SIZE
#define CRYPTO_AEAD_NONCE_SIZE CRYPTO_CHACHA20_NONCE_SIZE
#define CRYPTO_AEAD_TAG_SIZE CRYPTO_POLY1305_TAG_SIZE

/* ---- ChaCha20 -------------------------------------------------------------------------- */

/* The 64-byte keystream block number @counter for @key and @nonce (RFC 8439 2.3). */
void crypto_chacha20_block(const uint8_t key[CRYPTO_CHACHA20_KEY_SIZE], uint32_t counter,
			   const uint8_t nonce[CRYPTO_CHACHA20_NONCE_SIZE],
			   uint8_t out[CRYPTO_CHACHA20_BLOCK_SIZE]);

/*
 * @out = @in XOR the keystream starting at block @counter (RFC 8439 2.4). @out may equal
 * @in (in place); other overlaps are not allowed. Returns CRYPTO_EINVAL, writing
 * nothing, when the message would need the 32-bit block counter to wrap.
 */
int crypto_chacha20_xor(const uint8_t key[CRYPTO_CHACHA20_KEY_SIZE], uint32_t counter,
			const uint8_t nonce[CRYPTO_CHACHA20_NONCE_SIZE], const uint8_t *in,
			uint8_t *out, size_t len);

/* ---- Poly1305 -------------------------------------------------------------------------- */

/* Opaque to callers; lives on their stack. Call init first. */
struct crypto_poly1305_ctx {
	uint32_t r[5], h[5];	/* the clamped key half and the accumulator, 26-bit limbs */
	uint32_t pad[4];	/* s, the key's second half, added at the end */
	uint8_t block[16];
	size_t block_used;	/* pending input bytes in @block, < 16 */
};

/* A one-time key: never authenticate two messages with the same @key. */
void crypto_poly1305_init(struct crypto_poly1305_ctx *ctx,
			  const uint8_t key[CRYPTO_POLY1305_KEY_SIZE]);
/* Absorb @len bytes; any split gives the tag of the concatenation. */
void crypto_poly1305_update(struct crypto_poly1305_ctx *ctx, const void *data, size_t len);
/* Write the tag and wipe @ctx. */
void crypto_poly1305_final(struct crypto_poly1305_ctx *ctx,
			   uint8_t tag[CRYPTO_POLY1305_TAG_SIZE]);
void crypto_poly1305(const uint8_t key[CRYPTO_POLY1305_KEY_SIZE], const void *data, size_t len,
		     uint8_t tag[CRYPTO_POLY1305_TAG_SIZE]);

/* ---- AEAD_CHACHA20_POLY1305 -------------------------------------------------------------- */

/*
 * Encrypt @len bytes of @plain into @cipher (same length; @cipher may equal @plain) and
 * write the 16-byte tag over @aad and the ciphertext. @aad may be NULL when @aad_len is
 * 0. Returns 0, or CRYPTO_EINVAL (nothing written) when @len exceeds the RFC's
 * 2^38 - 64 bytes.
 */
int crypto_aead_encrypt(const uint8_t key[CRYPTO_AEAD_KEY_SIZE],
			const uint8_t nonce[CRYPTO_AEAD_NONCE_SIZE], const void *aad,
			size_t aad_len, const uint8_t *plain, size_t len, uint8_t *cipher,
			uint8_t tag[CRYPTO_AEAD_TAG_SIZE]);

/*
 * Check @tag over @aad and @cipher, then decrypt into @plain (may equal @cipher).
 * Returns 0; CRYPTO_EBADMSG when the tag does not authenticate (then @plain is left
 * untouched: nothing unauthenticated is ever released); CRYPTO_EINVAL as for encrypt.
 */
int crypto_aead_decrypt(const uint8_t key[CRYPTO_AEAD_KEY_SIZE],
			const uint8_t nonce[CRYPTO_AEAD_NONCE_SIZE], const void *aad,
			size_t aad_len, const uint8_t *cipher, size_t len,
			const uint8_t tag[CRYPTO_AEAD_TAG_SIZE], uint8_t *plain);

#endif /* GUEST_CRYPTO_AEAD_H */
