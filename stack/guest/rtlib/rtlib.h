/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rtlib: the runtime's freestanding, host-testable parts (stack/guest/runtime is the
 * bare-metal rest): a first-fit heap over one memory region, a small printf-style
 * formatter, and the instance secret derivation. No libc, no global state: every
 * function works on what it is given.
 */
#ifndef AVF_GUEST_RTLIB_H
#define AVF_GUEST_RTLIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- heap ------------------------------------------------------------------------------- */

/*
 * A first-fit allocator with boundary-tag coalescing over [base, base + size). Blocks are
 * 16-byte aligned. Freeing a pointer it did not hand out, or twice, is detected by a
 * per-block magic and reported by rt_heap_free() returning false (the heap is left as
 * it was). Not thread-safe: the runtime runs on one CPU.
 */
struct rt_heap {
	uint8_t *base;
	size_t size;
	size_t used;			/* bytes in allocated blocks, headers included */
};

#define RT_HEAP_ALIGN 16

/* Set up @h over @size bytes at @base (aligned up to 16). false if too small (< 64 B). */
bool rt_heap_init(struct rt_heap *h, void *base, size_t size);
/* @n bytes (n > 0), 16-byte aligned, or NULL when no free block is large enough. */
void *rt_heap_alloc(struct rt_heap *h, size_t n);
/* Give @p back (NULL is accepted and ignored). false: @p is not a live block of @h. */
bool rt_heap_free(struct rt_heap *h, void *p);
/* The largest request that would succeed now. */
size_t rt_heap_largest_free(const struct rt_heap *h);

/* ---- formatting ------------------------------------------------------------------------- */

/*
 * Format into @buf (@size bytes, NUL-terminated when size > 0), returning the length the
 * full output has (like vsnprintf). Conversions: %s %c %d %i %u %x %X %p %%, with the
 * length modifiers l, ll, z, the flags '0', '-' and '#', and a decimal field width. %p prints
 * 0x and 16 hex digits. Anything else is copied as is, so a bad format cannot read
 * arguments it was not given.
 */
int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int rt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- instance secret --------------------------------------------------------------------- */

#define RT_INSTANCE_SECRET_MAX 32
#define RT_INSTANCE_SECRET_SALT "AVF VM instance secret"

/*
 * The secret AVmPayload_getVmInstanceSecret() gives: HKDF-SHA-256(IKM = CDI_Seal,
 * salt = RT_INSTANCE_SECRET_SALT (22 ASCII bytes), info = @identifier, L = @size).
 * @size 1..32; false otherwise (and @out untouched). Deterministic: the same instance,
 * authority, mode and device give the same secret on every boot (docs/RUNTIME.md).
 */
bool rt_instance_secret(const uint8_t cdi_seal[32], const void *identifier,
			size_t identifier_size, void *out, size_t size);

#endif /* AVF_GUEST_RTLIB_H */
