// SPDX-License-Identifier: Apache-2.0
/*
 * HMAC (RFC 2104) over SHA-256 and SHA-512:
 *   HMAC(K, m) = H((K0 ^ opad) || H((K0 ^ ipad) || m))
 * where K0 is K padded with zeros to the block size, or H(K) padded if K is longer than
 * a block. init() absorbs both padded keys, so update() is a plain hash update and the
 * key itself is not kept in the context.
 */
#include "crypto.h"
#include "crypto_internal.h"

#define HMAC_IPAD 0x36
#define HMAC_OPAD 0x5c

/* RFC 2104 section 5: a truncated tag keeps at least half the digest and 80 bits. */
#define HMAC_MIN_TAG_BITS 80

/*
 * Build K0 ^ @pad_byte in @out (@block_size bytes) from a key already no longer than a
 * block (callers hash longer keys first).
 */
static void hmac_padded_key(uint8_t *out, size_t block_size, const uint8_t *key, size_t key_len,
			    uint8_t pad_byte)
{
	for (size_t i = 0; i < block_size; i++)
		out[i] = (uint8_t)((i < key_len ? key[i] : 0) ^ pad_byte);
}

static bool hmac_tag_len_ok(size_t tag_len, size_t digest_size)
{
	size_t min = digest_size / 2;

	if (min * 8 < HMAC_MIN_TAG_BITS)
		min = HMAC_MIN_TAG_BITS / 8;
	return tag_len >= min && tag_len <= digest_size;
}

/* ---- HMAC-SHA-256 ---------------------------------------------------------------------- */

void crypto_hmac_sha256_init(struct crypto_hmac_sha256_ctx *ctx, const void *key, size_t key_len)
{
	uint8_t hashed_key[CRYPTO_SHA256_DIGEST_SIZE];
	uint8_t pad[CRYPTO_SHA256_BLOCK_SIZE];
	const uint8_t *k = key;

	if (key_len > CRYPTO_SHA256_BLOCK_SIZE) {
		crypto_sha256(key, key_len, hashed_key);
		k = hashed_key;
		key_len = sizeof(hashed_key);
	}

	hmac_padded_key(pad, sizeof(pad), k, key_len, HMAC_IPAD);
	crypto_sha256_init(&ctx->inner);
	crypto_sha256_update(&ctx->inner, pad, sizeof(pad));

	hmac_padded_key(pad, sizeof(pad), k, key_len, HMAC_OPAD);
	crypto_sha256_init(&ctx->outer);
	crypto_sha256_update(&ctx->outer, pad, sizeof(pad));

	crypto_wipe(pad, sizeof(pad));
	crypto_wipe(hashed_key, sizeof(hashed_key));
}

void crypto_hmac_sha256_update(struct crypto_hmac_sha256_ctx *ctx, const void *data, size_t len)
{
	crypto_sha256_update(&ctx->inner, data, len);
}

void crypto_hmac_sha256_final(struct crypto_hmac_sha256_ctx *ctx,
			      uint8_t out[CRYPTO_SHA256_DIGEST_SIZE])
{
	uint8_t inner_digest[CRYPTO_SHA256_DIGEST_SIZE];

	crypto_sha256_final(&ctx->inner, inner_digest);
	crypto_sha256_update(&ctx->outer, inner_digest, sizeof(inner_digest));
	crypto_sha256_final(&ctx->outer, out);
	crypto_wipe(inner_digest, sizeof(inner_digest));
}

void crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
			uint8_t out[CRYPTO_SHA256_DIGEST_SIZE])
{
	struct crypto_hmac_sha256_ctx ctx;

	crypto_hmac_sha256_init(&ctx, key, key_len);
	crypto_hmac_sha256_update(&ctx, data, len);
	crypto_hmac_sha256_final(&ctx, out);
}

int crypto_hmac_sha256_verify(const void *key, size_t key_len, const void *data, size_t len,
			      const uint8_t *tag, size_t tag_len)
{
	uint8_t mac[CRYPTO_SHA256_DIGEST_SIZE];
	bool match;

	if (!hmac_tag_len_ok(tag_len, sizeof(mac)))
		return CRYPTO_EINVAL;
	crypto_hmac_sha256(key, key_len, data, len, mac);
	match = crypto_memeq(mac, tag, tag_len);
	crypto_wipe(mac, sizeof(mac));
	return match ? 0 : CRYPTO_EBADMSG;
}

/* ---- HMAC-SHA-512 ---------------------------------------------------------------------- */

void crypto_hmac_sha512_init(struct crypto_hmac_sha512_ctx *ctx, const void *key, size_t key_len)
{
	uint8_t hashed_key[CRYPTO_SHA512_DIGEST_SIZE];
	uint8_t pad[CRYPTO_SHA512_BLOCK_SIZE];
	const uint8_t *k = key;

	if (key_len > CRYPTO_SHA512_BLOCK_SIZE) {
		crypto_sha512(key, key_len, hashed_key);
		k = hashed_key;
		key_len = sizeof(hashed_key);
	}

	hmac_padded_key(pad, sizeof(pad), k, key_len, HMAC_IPAD);
	crypto_sha512_init(&ctx->inner);
	crypto_sha512_update(&ctx->inner, pad, sizeof(pad));

	hmac_padded_key(pad, sizeof(pad), k, key_len, HMAC_OPAD);
	crypto_sha512_init(&ctx->outer);
	crypto_sha512_update(&ctx->outer, pad, sizeof(pad));

	crypto_wipe(pad, sizeof(pad));
	crypto_wipe(hashed_key, sizeof(hashed_key));
}

void crypto_hmac_sha512_update(struct crypto_hmac_sha512_ctx *ctx, const void *data, size_t len)
{
	crypto_sha512_update(&ctx->inner, data, len);
}

void crypto_hmac_sha512_final(struct crypto_hmac_sha512_ctx *ctx,
			      uint8_t out[CRYPTO_SHA512_DIGEST_SIZE])
{
	uint8_t inner_digest[CRYPTO_SHA512_DIGEST_SIZE];

	crypto_sha512_final(&ctx->inner, inner_digest);
	crypto_sha512_update(&ctx->outer, inner_digest, sizeof(inner_digest));
	crypto_sha512_final(&ctx->outer, out);
	crypto_wipe(inner_digest, sizeof(inner_digest));
}

void crypto_hmac_sha512(const void *key, size_t key_len, const void *data, size_t len,
			uint8_t out[CRYPTO_SHA512_DIGEST_SIZE])
{
	struct crypto_hmac_sha512_ctx ctx;

	crypto_hmac_sha512_init(&ctx, key, key_len);
	crypto_hmac_sha512_update(&ctx, data, len);
	crypto_hmac_sha512_final(&ctx, out);
}

int crypto_hmac_sha512_verify(const void *key, size_t key_len, const void *data, size_t len,
			      const uint8_t *tag, size_t tag_len)
{
	uint8_t mac[CRYPTO_SHA512_DIGEST_SIZE];
	bool match;

	if (!hmac_tag_len_ok(tag_len, sizeof(mac)))
		return CRYPTO_EINVAL;
	crypto_hmac_sha512(key, key_len, data, len, mac);
	match = crypto_memeq(mac, tag, tag_len);
	crypto_wipe(mac, sizeof(mac));
	return match ? 0 : CRYPTO_EBADMSG;
}
