// SPDX-License-Identifier: Apache-2.0
/*
 * memcpy and friends for bare-metal guests (string.h). Byte loops with an 8-byte path
 * when both pointers share alignment (the images are built with -mstrict-align, and run
 * with the MMU off at times, where unaligned accesses fault). The optimize attribute
 * stops GCC from turning the loops back into calls to these very functions.
 */
#include "stack/guest/libc/string.h"

#include <stdint.h>

#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

typedef uint64_t __attribute__((may_alias)) word_t;

NO_LIBCALLS void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
		for (; n && ((uintptr_t)d & 7); n--)
			*d++ = *s++;
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

NO_LIBCALLS void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

NO_LIBCALLS void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	uint64_t pattern = 0x0101010101010101ull * (uint8_t)c;

	for (; n && ((uintptr_t)d & 7); n--)
		*d++ = (uint8_t)c;
	for (; n >= 8; n -= 8, d += 8)
		*(word_t *)d = pattern;
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

NO_LIBCALLS int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

NO_LIBCALLS size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}
