/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest's freestanding cryptography: SHA-256, SHA-512 (FIPS 180-4 / RFC 6234),
 * HMAC-SHA-256/512 (RFC 2104 / RFC 4231), HKDF-SHA-256 (RFC 5869) and Ed25519
 * signature verification, key generation and signing (RFC 8032, PureEdDSA).
 *
 * This module is what pvmfw-like guest firmware uses to check a signed payload and to
 * derive DICE secrets, so it is built twice from the same sources: as a host library for
 * the unit tests (which cross-check it against OpenSSL) and as a bare-metal aarch64
 * library. It depends on nothing but the compiler's freestanding headers: no libc, no
 * allocation, no global mutable state. Every function is reentrant.
 *
 * Side channels: the hash and MAC functions run in time that depends only on the input
 * lengths, never on the data (key, message or secret). crypto_memeq() is constant-time in
 * the data compared, so use it (or crypto_hmac_*_verify()) to check MACs. Ed25519
 * verification only ever handles public values (public key, signature, message), so it
 * is deliberately NOT constant-time: it uses variable-time scalar recoding and
 * multiplication. Ed25519 key generation and signing (ed25519_sign.c) handle secrets and
 * are constant-time in them.
 *
 * Errors are negative errno values (Linux numbering) so callers can pass them on as-is.
 */
#ifndef GUEST_CRYPTO_H
#define GUEST_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linux errno values, spelt out because the guest has no <errno.h>. */
#define CRYPTO_EINVAL (-22)	/* malformed argument: length out of range, bad key */
#define CRYPTO_EBADMSG (-74)	/* the signature or MAC does not authenticate the data */

/* ---- helpers ------------------------------------------------------------------------- */

/*
 * Compare @len bytes of @a and @b; true when they are equal. The time taken depends on
 * @len only, never on where (or whether) the buffers differ. @len == 0 is "equal".
 */
bool crypto_memeq(const void *a, const void *b, size_t len);

/*
 * Overwrite @len bytes at @p with zeros in a way the compiler may not remove even when
 * @p is dead afterwards (volatile stores plus a compiler barrier). Use it on keys,
 * intermediate secrets and hash states that held secrets.
 */
void crypto_wipe(void *p, size_t len);

/* ---- SHA-256 ------------------------------------------------------------------------- */

#define CRYPTO_SHA256_DIGEST_SIZE 32
#define CRYPTO_SHA256_BLOCK_SIZE 64

/* Opaque to callers; lives on their stack. All-zero is NOT a valid state: call init. */
struct crypto_sha256_ctx {
	uint32_t state[8];
	uint64_t total_bytes;	/* message bytes absorbed so far */
	uint8_t block[CRYPTO_SHA256_BLOCK_SIZE];
	size_t block_used;	/* bytes of @block holding pending input, < block size */
};

void crypto_sha256_init(struct crypto_sha256_ctx *ctx);
/*
 * Absorb @len bytes. May be called any number of times with any split of the message;
 * the digest equals that of the concatenation. @data may be NULL when @len is 0.
 * Messages are limited to 2^61 - 1 bytes (the 64-bit bit-length field).
 */
void crypto_sha256_update(struct crypto_sha256_ctx *ctx, const void *data, size_t len);
/* Pad, write the 32-byte digest to @out and wipe @ctx (init it again to reuse it). */
void crypto_sha256_final(struct crypto_sha256_ctx *ctx, uint8_t out[CRYPTO_SHA256_DIGEST_SIZE]);
/* One-shot: @out = SHA-256(@data[0..len)). */
void crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_DIGEST_SIZE]);

/* ---- SHA-512 ------------------------------------------------------------------------- */

#define CRYPTO_SHA512_DIGEST_SIZE 64
#define CRYPTO_SHA512_BLOCK_SIZE 128

struct crypto_sha512_ctx {
	uint64_t state[8];
	uint64_t total_bytes;	/* the 128-bit length field's top bits are always 0 here */
	uint8_t block[CRYPTO_SHA512_BLOCK_SIZE];
	size_t block_used;
};

/* Same contracts as the SHA-256 functions; messages up to 2^64 - 1 bytes. */
void crypto_sha512_init(struct crypto_sha512_ctx *ctx);
void crypto_sha512_update(struct crypto_sha512_ctx *ctx, const void *data, size_t len);
void crypto_sha512_final(struct crypto_sha512_ctx *ctx, uint8_t out[CRYPTO_SHA512_DIGEST_SIZE]);
void crypto_sha512(const void *data, size_t len, uint8_t out[CRYPTO_SHA512_DIGEST_SIZE]);

/* ---- HMAC (RFC 2104) ----------------------------------------------------------------- */

struct crypto_hmac_sha256_ctx {
	struct crypto_sha256_ctx inner;	/* H(K ^ ipad || ...) in progress */
	struct crypto_sha256_ctx outer;	/* H(K ^ opad) absorbed, finished in final */
};

struct crypto_hmac_sha512_ctx {
	struct crypto_sha512_ctx inner;
	struct crypto_sha512_ctx outer;
};

/*
 * Keys of any length are accepted: a key longer than the hash's block size is first
 * hashed, as RFC 2104 says. @key may be NULL when @key_len is 0. final() writes the full
 * digest and wipes the context. Messages: as for the underlying hash.
 */
void crypto_hmac_sha256_init(struct crypto_hmac_sha256_ctx *ctx, const void *key, size_t key_len);
void crypto_hmac_sha256_update(struct crypto_hmac_sha256_ctx *ctx, const void *data, size_t len);
void crypto_hmac_sha256_final(struct crypto_hmac_sha256_ctx *ctx,
			      uint8_t out[CRYPTO_SHA256_DIGEST_SIZE]);
void crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
			uint8_t out[CRYPTO_SHA256_DIGEST_SIZE]);

void crypto_hmac_sha512_init(struct crypto_hmac_sha512_ctx *ctx, const void *key, size_t key_len);
void crypto_hmac_sha512_update(struct crypto_hmac_sha512_ctx *ctx, const void *data, size_t len);
void crypto_hmac_sha512_final(struct crypto_hmac_sha512_ctx *ctx,
			      uint8_t out[CRYPTO_SHA512_DIGEST_SIZE]);
void crypto_hmac_sha512(const void *key, size_t key_len, const void *data, size_t len,
			uint8_t out[CRYPTO_SHA512_DIGEST_SIZE]);

/*
 * Check a received tag of @tag_len bytes against the leftmost @tag_len bytes of the HMAC
 * of @data, in constant time. Truncated tags are allowed down to the RFC 2104 section 5
 * floor: at least half the digest length and at least 80 bits (so 16..32 bytes for
 * SHA-256, 32..64 for SHA-512). Returns 0 when the tag matches, CRYPTO_EBADMSG when it
 * does not, CRYPTO_EINVAL when @tag_len is outside that range.
 */
int crypto_hmac_sha256_verify(const void *key, size_t key_len, const void *data, size_t len,
			      const uint8_t *tag, size_t tag_len);
int crypto_hmac_sha512_verify(const void *key, size_t key_len, const void *data, size_t len,
			      const uint8_t *tag, size_t tag_len);

/* ---- HKDF-SHA-256 (RFC 5869) --------------------------------------------------------- */

/* The largest output expand() may produce: 255 * HashLen (RFC 5869 section 2.3). */
#define CRYPTO_HKDF_SHA256_MAX_OUTPUT (255 * CRYPTO_SHA256_DIGEST_SIZE)

/*
 * Extract: @prk = HMAC-SHA-256(@salt, @ikm). A NULL or empty salt means HashLen zero
 * bytes, as the RFC says (which HMAC's key padding makes identical anyway).
 */
void crypto_hkdf_sha256_extract(const void *salt, size_t salt_len, const void *ikm,
				size_t ikm_len, uint8_t prk[CRYPTO_SHA256_DIGEST_SIZE]);
/*
 * Expand @prk (at least HashLen = 32 bytes, per the RFC) with @info into @okm_len bytes
 * of @okm. Returns 0, or CRYPTO_EINVAL if @okm_len > CRYPTO_HKDF_SHA256_MAX_OUTPUT or
 * @prk_len < 32; on error @okm is left untouched. @okm_len == 0 succeeds writing nothing.
 */
int crypto_hkdf_sha256_expand(const uint8_t *prk, size_t prk_len, const void *info,
			      size_t info_len, uint8_t *okm, size_t okm_len);
/* Extract then expand; same errors as expand(). The PRK is wiped before returning. */
int crypto_hkdf_sha256(const void *salt, size_t salt_len, const void *ikm, size_t ikm_len,
		       const void *info, size_t info_len, uint8_t *okm, size_t okm_len);

/* ---- Ed25519 verification (RFC 8032 section 5.1.7) ------------------------------------ */

#define CRYPTO_ED25519_PUBLIC_KEY_SIZE 32
#define CRYPTO_ED25519_SIGNATURE_SIZE 64

/*
 * Verify the PureEdDSA Ed25519 signature @sig (R || S) of @msg under @public_key.
 *
 * Returns 0 when the signature is valid;
 *   CRYPTO_EINVAL  when @public_key is not a usable key: it is not a canonical point
 *                  encoding (y >= p, x = 0 with the sign bit set, or no such point) or
 *                  it is a point of small order (in the 8-torsion subgroup);
 *   CRYPTO_EBADMSG when the signature is invalid: R is not a canonical point encoding
 *                  or is of small order, S >= L (the group order), or the equation
 *                  fails.
 *
 * The check is the cofactorless equation [S]B == R + [k]A with
 * k = SHA-512(R || A || M) mod L, which RFC 8032 section 5.1.7 allows in place of the
 * cofactored one. It is the stricter of the two (every signature it accepts the
 * cofactored check accepts too) and is what OpenSSL implements: both reject an R shifted
 * by a torsion point (crypto_ed25519_test checks this), and what OpenSSL signs we accept.
 * Rejecting small-order A and R goes beyond the RFC: such values never come from honest
 * key generation or signing, and a small-order A would let anyone forge (R = [S]B
 * verifies for every message).
 *
 * Everything here is public, so the implementation is variable-time (see above). It uses
 * about 5 KiB of stack (two tables of precomputed points) and no other memory.
 * @msg may be NULL when @msg_len is 0.
 */
int crypto_ed25519_verify(const uint8_t sig[CRYPTO_ED25519_SIGNATURE_SIZE], const void *msg,
			  size_t msg_len, const uint8_t public_key[CRYPTO_ED25519_PUBLIC_KEY_SIZE]);

/* ---- Ed25519 key generation and signing (RFC 8032 sections 5.1.5, 5.1.6) -------------- */

#define CRYPTO_ED25519_SEED_SIZE 32

/*
 * The public key of the key pair whose private key is the 32-byte @seed (RFC 8032's
 * "private key"; any 32 bytes are a valid seed, e.g. a KDF output). Constant-time in
 * @seed; intermediate secrets are wiped.
 */
void crypto_ed25519_public_key(const uint8_t seed[CRYPTO_ED25519_SEED_SIZE],
			       uint8_t public_key[CRYPTO_ED25519_PUBLIC_KEY_SIZE]);

/*
 * Sign @msg with the key pair (@seed, @public_key), writing R || S to @sig. Signing is
 * deterministic: the same inputs give the same signature (and the RFC's vectors).
 * @public_key must be crypto_ed25519_public_key(@seed): a mismatched one yields a
 * signature that does not verify (and, as with every Ed25519 signer, could leak the
 * key if an attacker can choose it, so never take it from untrusted input).
 * Constant-time in @seed; about 2 x 256 point doublings and additions. @msg may be NULL
 * when @msg_len is 0.
 */
void crypto_ed25519_sign(uint8_t sig[CRYPTO_ED25519_SIGNATURE_SIZE], const void *msg,
			 size_t msg_len, const uint8_t seed[CRYPTO_ED25519_SEED_SIZE],
			 const uint8_t public_key[CRYPTO_ED25519_PUBLIC_KEY_SIZE]);

#endif /* GUEST_CRYPTO_H */
