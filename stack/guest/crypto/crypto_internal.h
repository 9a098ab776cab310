/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private helpers shared by the files of stack/guest/crypto. Not part of the public
 * contract (that is crypto.h). Byte-wise loads and stores keep every access aligned,
 * since the guest is built with -mstrict-align and buffers come at any address; the
 * copy and fill loops stand in for memcpy/memset, which a freestanding guest lacks.
 */
#ifndef GUEST_CRYPTO_INTERNAL_H
#define GUEST_CRYPTO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t crypto_load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void crypto_store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint64_t crypto_load_be64(const uint8_t *p)
{
	return (uint64_t)crypto_load_be32(p) << 32 | crypto_load_be32(p + 4);
}

static inline void crypto_store_be64(uint8_t *p, uint64_t v)
{
	crypto_store_be32(p, (uint32_t)(v >> 32));
	crypto_store_be32(p + 4, (uint32_t)v);
}

static inline uint64_t crypto_load_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline void crypto_store_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static inline void crypto_copy(void *dst, const void *src, size_t len)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (len--)
		*d++ = *s++;
}

static inline uint32_t crypto_ror32(uint32_t x, unsigned int n)
{
	return x >> n | x << (32 - n);
}

static inline uint64_t crypto_ror64(uint64_t x, unsigned int n)
{
	return x >> n | x << (64 - n);
}

#endif /* GUEST_CRYPTO_INTERNAL_H */
