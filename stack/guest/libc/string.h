/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest images' memcpy, memmove, memset, memcmp and strlen (guestlibc): the ISO C
 * contracts, for freestanding code. Host builds use the host's <string.h> instead; code
 * shared by both includes neither and uses its own loops.
 */
#ifndef AVF_GUEST_LIBC_STRING_H
#define AVF_GUEST_LIBC_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif /* AVF_GUEST_LIBC_STRING_H */
