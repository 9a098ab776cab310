// SPDX-License-Identifier: MIT
/*
 * The deterministic trace: an FNV-1a 64-bit hash over every record of a run (steps,
 * events, state changes, marks, ends with their virtual times, console bytes). Nothing
 * from the host clock is ever added, so one build, scenario and seed give one hash.
 */
#include <stdarg.h>
#include <stdio.h>

#include "stack/scenario/runner.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

uint64_t sc_fnv1a(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

void sc_trace_init(struct sc_trace *t, FILE *echo)
{
	t->hash = FNV_OFFSET;
	t->echo = echo;
}

void sc_trace_add(struct sc_trace *t, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	t->hash = sc_fnv1a(t->hash, line, (size_t)n);
	t->hash = sc_fnv1a(t->hash, "\n", 1);
	if (t->echo)
		fprintf(t->echo, "  trace: %s\n", line);
}

void sc_trace_bytes(struct sc_trace *t, const void *buf, size_t len)
{
	t->hash = sc_fnv1a(t->hash, buf, len);
	if (t->echo && len)
		fprintf(t->echo, "  trace: console %zu bytes\n", len);
}
