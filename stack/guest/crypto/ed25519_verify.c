// SPDX-License-Identifier: Apache-2.0
/*
 * Ed25519 signature verification, RFC 8032 section 5.1.7 (PureEdDSA, no context, no
 * prehash): decode A and R strictly, range-check S, k = SHA-512(R || A || M) mod L, and
 * accept when [S]B = R + [k]A. See crypto.h for the choices beyond the RFC (cofactorless
 * equation, small-order A and R rejected) and why they are safe.
 */
#include "crypto.h"
#include "crypto_internal.h"
#include "ed25519_internal.h"

/* k = SHA-512(R || A || M) mod L, the challenge scalar. */
static void ed25519_challenge(uint8_t k[32], const uint8_t r_bytes[32],
			      const uint8_t public_key[32], const void *msg, size_t msg_len)
{
	struct crypto_sha512_ctx ctx;
	uint8_t digest[CRYPTO_SHA512_DIGEST_SIZE];

	crypto_sha512_init(&ctx);
	crypto_sha512_update(&ctx, r_bytes, 32);
	crypto_sha512_update(&ctx, public_key, 32);
	crypto_sha512_update(&ctx, msg, msg_len);
	crypto_sha512_final(&ctx, digest);
	sc25519_reduce64(k, digest);
}

int crypto_ed25519_verify(const uint8_t sig[CRYPTO_ED25519_SIGNATURE_SIZE], const void *msg,
			  size_t msg_len, const uint8_t public_key[CRYPTO_ED25519_PUBLIC_KEY_SIZE])
{
	const uint8_t *r_bytes = sig;
	const uint8_t *s_bytes = sig + 32;
	struct ge25519 a, minus_a, r, check;
	uint8_t k[32], check_bytes[32];

	if (!ge25519_from_bytes(&a, public_key) || ge25519_has_small_order(&a))
		return CRYPTO_EINVAL;
	if (!sc25519_is_canonical(s_bytes))
		return CRYPTO_EBADMSG;
	/*
	 * R is decoded only to hold it to the same strict rules as A: canonical and not of
	 * small order. The equation itself compares encodings below.
	 */
	if (!ge25519_from_bytes(&r, r_bytes) || ge25519_has_small_order(&r))
		return CRYPTO_EBADMSG;

	ed25519_challenge(k, r_bytes, public_key, msg, msg_len);

	/*
	 * [S]B = R + [k]A  <=>  [S]B - [k]A = R. Every point has exactly one encoding that
	 * ge25519_from_bytes() accepts, and R passed it, so comparing the encoding of
	 * [S]B - [k]A with R's bytes is comparing the points.
	 */
	ge25519_neg(&minus_a, &a);
	ge25519_double_scalarmult_vartime(&check, k, &minus_a, s_bytes);
	ge25519_to_bytes(check_bytes, &check);

	for (int i = 0; i < 32; i++) {
		if (check_bytes[i] != r_bytes[i])
			return CRYPTO_EBADMSG;
	}
	return 0;
}
