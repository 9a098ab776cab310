/* SPDX-License-Identifier: MIT */
/*
 * Guest test runtime: the C memory and string functions. The compiler emits calls to
 * memcpy/memset/memmove/memcmp itself (struct copies, loop idioms), so a freestanding
 * image must provide them.
 */
#ifndef SIMTEST_MEM_H
#define SIMTEST_MEM_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif /* SIMTEST_MEM_H */
