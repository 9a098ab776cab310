// SPDX-License-Identifier: Apache-2.0
/*
 * HKDF with HMAC-SHA-256 (RFC 5869): extract a pseudorandom key from input keying
 * material, then expand it into as many bytes as asked, up to 255 blocks:
 *   T(0) = empty, T(i) = HMAC(PRK, T(i-1) || info || i), OKM = first L bytes of T(1)...
 * The DICE derivation (CDI_Attest, CDI_Seal) is built on this.
 */
#include "crypto.h"
#include "crypto_internal.h"

void crypto_hkdf_sha256_extract(const void *salt, size_t salt_len, const void *ikm,
				size_t ikm_len, uint8_t prk[CRYPTO_SHA256_DIGEST_SIZE])
{
	/*
	 * An absent salt is HashLen zero bytes (RFC 5869 section 2.2). HMAC pads a short
	 * key with zeros up to the block size, so an empty key gives that same K0: passing
	 * the empty salt straight through is exact, not an approximation.
	 */
	crypto_hmac_sha256(salt, salt_len, ikm, ikm_len, prk);
}

int crypto_hkdf_sha256_expand(const uint8_t *prk, size_t prk_len, const void *info,
			      size_t info_len, uint8_t *okm, size_t okm_len)
{
	struct crypto_hmac_sha256_ctx keyed, ctx;
	uint8_t t[CRYPTO_SHA256_DIGEST_SIZE];
	size_t t_len = 0;	/* T(0) is the empty string */
	uint8_t counter = 0;

	if (okm_len > CRYPTO_HKDF_SHA256_MAX_OUTPUT || prk_len < CRYPTO_SHA256_DIGEST_SIZE)
		return CRYPTO_EINVAL;

	/* Key the HMAC once; each block starts from a copy of that state. */
	crypto_hmac_sha256_init(&keyed, prk, prk_len);
	while (okm_len > 0) {
		size_t take = okm_len < sizeof(t) ? okm_len : sizeof(t);

		counter++;	/* at most 255 by the length check above */
		crypto_copy(&ctx, &keyed, sizeof(ctx));
		crypto_hmac_sha256_update(&ctx, t, t_len);
		crypto_hmac_sha256_update(&ctx, info, info_len);
		crypto_hmac_sha256_update(&ctx, &counter, 1);
		crypto_hmac_sha256_final(&ctx, t);
		t_len = sizeof(t);

		crypto_copy(okm, t, take);
		okm += take;
		okm_len -= take;
	}

	crypto_wipe(&keyed, sizeof(keyed));
	crypto_wipe(t, sizeof(t));
	return 0;
}

int crypto_hkdf_sha256(const void *salt, size_t salt_len, const void *ikm, size_t ikm_len,
		       const void *info, size_t info_len, uint8_t *okm, size_t okm_len)
{
	uint8_t prk[CRYPTO_SHA256_DIGEST_SIZE];
	int ret;

	if (okm_len > CRYPTO_HKDF_SHA256_MAX_OUTPUT)
		return CRYPTO_EINVAL;
	crypto_hkdf_sha256_extract(salt, salt_len, ikm, ikm_len, prk);
	ret = crypto_hkdf_sha256_expand(prk, sizeof(prk), info, info_len, okm, okm_len);
	crypto_wipe(prk, sizeof(prk));
	return ret;
}
