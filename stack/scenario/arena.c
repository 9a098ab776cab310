// SPDX-License-Identifier: MIT
/*
 * The allocation arena of a scenario: every string and table a parsed scenario holds
 * comes from here, so that freeing a scenario (or abandoning a half-parsed one after an
 * error) is one call with nothing to forget.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/scenario/scenario.h"

struct sc_chunk {
	struct sc_chunk *next;
	max_align_t data[];
};

struct sc_arena {
	struct sc_chunk *chunks;
};

struct sc_arena *sc_arena_new(void)
{
	struct sc_arena *a = calloc(1, sizeof(*a));

	if (!a) {
		fprintf(stderr, "scenario: out of memory\n");
		abort();
	}
	return a;
}

void sc_arena_free(struct sc_arena *a)
{
	if (!a)
		return;
	while (a->chunks) {
		struct sc_chunk *c = a->chunks;

		a->chunks = c->next;
		free(c);
	}
	free(a);
}

/* One chunk per allocation: scenarios are small, and ASan then sees every overrun. */
void *sc_arena_alloc(struct sc_arena *a, size_t size)
{
	struct sc_chunk *c = calloc(1, sizeof(*c) + size);

	if (!c) {
		fprintf(stderr, "scenario: out of memory\n");
		abort();
	}
	c->next = a->chunks;
	a->chunks = c;
	return c->data;
}

char *sc_arena_strndup(struct sc_arena *a, const char *s, size_t len)
{
	char *p = sc_arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = 0;
	return p;
}
