/* SPDX-License-Identifier: Apache-2.0 */
/*
 * X25519 (RFC 7748 section 5): Diffie-Hellman on Curve25519's u-coordinate, on top of
 * the field arithmetic of the Ed25519 code (fe25519.c). The use-case payloads use it to
 * receive a secret from a remote party (a license server) through the untrusted host:
 * the VM publishes its public key, the remote party wraps the secret to it.
 *
 * Side channels: the ladder swaps in constant time and the field operations it uses
 * (add, sub, mul, square, invert by a fixed exponent, encode) have no data-dependent
 * branches or indices, so the time taken does not depend on the scalar.
 */
#ifndef GUEST_CRYPTO_X25519_H
#define GUEST_CRYPTO_X25519_H

#include <stdint.h>

#include "stack/guest/crypto/crypto.h"

#define CRYPTO_X25519_SIZE 32

/*
 * @out = X25519(@scalar, @u): the scalar is clamped as the RFC says, bit 255 of @u is
 * ignored. Returns 0, or CRYPTO_EINVAL when the result is all zeros (@u was a point of
 * small order: a contributory-behaviour check, RFC 7748 section 6.1); @out then holds
 * the zeros.
 */
int crypto_x25519(uint8_t out[CRYPTO_X25519_SIZE], const uint8_t scalar[CRYPTO_X25519_SIZE],
		  const uint8_t u[CRYPTO_X25519_SIZE]);

/* @pub = X25519(@secret, 9): the public key of @secret. */
void crypto_x25519_public(uint8_t pub[CRYPTO_X25519_SIZE],
			  const uint8_t secret[CRYPTO_X25519_SIZE]);

#endif /* GUEST_CRYPTO_X25519_H */
