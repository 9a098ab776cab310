/* SPDX-License-Identifier: MIT */
/*
 * Guest test runtime: console output on the board's PL011 and a small printf.
 *
 * Formats: %d %i %u %x %X %c %s %p %%, with optional flags '0' and '-', a decimal
 * width, and the length modifiers l, ll and z (%lx, %llu, %zu ...). %p prints 0x and 16
 * hex digits. Anything else is printed literally between '<' and '>' so that a bad
 * format shows in the output instead of being silently dropped.
 *
 * Output from several CPUs is serialised by a lock (taken only once the MMU is on, since
 * exclusives need Normal memory); a CPU that re-enters printf from an exception handler
 * while holding the lock goes on without waiting for itself.
 */
#ifndef SIMTEST_CONSOLE_H
#define SIMTEST_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

void console_putc(char c);
void console_puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
/* Like C's snprintf: always NUL-terminates when size > 0; returns the full length. */
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif /* SIMTEST_CONSOLE_H */
