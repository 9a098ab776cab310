/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the use-case cores (drm.h, compile.h, bytecode.h, ml.h): the errno values
 * they return (negated, Linux numbering, since the guest has no <errno.h>; the unit
 * tests compare them with the host's) and byte helpers. The cores are freestanding C
 * built twice, for the host (cmocka tests, fuzzing) and for the guest payloads
 * (stack/guest/payloads/{drm,compile,ml}); they never allocate and keep no global
 * mutable state.
 */
#ifndef AVF_GUEST_USECASE_UC_H
#define AVF_GUEST_USECASE_UC_H

#include <stddef.h>
#include <stdint.h>

#define UC_EIO		5
#define UC_E2BIG	7
#define UC_ENOMEM	12
#define UC_EINVAL	22
#define UC_ENOSPC	28
#define UC_EDOM		33
#define UC_ERANGE	34
#define UC_ENOSYS	38
#define UC_ENODATA	61
#define UC_EBADMSG	74
#define UC_ENOKEY	126

static inline void uc_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void uc_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void uc_put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t uc_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t uc_get_le64(const uint8_t *p)
{
	return (uint64_t)uc_get_le32(p) | (uint64_t)uc_get_le32(p + 4) << 32;
}

static inline void uc_copy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
}

#endif /* AVF_GUEST_USECASE_UC_H */
