// SPDX-License-Identifier: Apache-2.0
/* The CBOR writer (cbor.h): one head encoder, everything else is a major type over it. */
#include "stack/guest/pvmfw/cbor.h"

void cbor_out_init(struct cbor_out *o, uint8_t *buf, size_t cap)
{
	*o = (struct cbor_out){ .buf = buf, .cap = cap };
}

static void put_raw(struct cbor_out *o, const uint8_t *p, size_t n)
{
	if (o->overflow || n > o->cap - o->len) {
		o->overflow = true;
		return;
	}
	for (size_t i = 0; i < n; i++)
		o->buf[o->len + i] = p[i];
	o->len += n;
}

/* The initial byte and argument of RFC 8949 section 3, in the shortest form. */
static void put_head(struct cbor_out *o, uint8_t major, uint64_t arg)
{
	uint8_t head[9];
	size_t n, extra;

	if (arg < 24) {
		head[0] = (uint8_t)(major << 5 | arg);
		put_raw(o, head, 1);
		return;
	}
	if (arg <= 0xff) {
		head[0] = (uint8_t)(major << 5 | 24);
		extra = 1;
	} else if (arg <= 0xffff) {
		head[0] = (uint8_t)(major << 5 | 25);
		extra = 2;
	} else if (arg <= 0xffffffffu) {
		head[0] = (uint8_t)(major << 5 | 26);
		extra = 4;
	} else {
		head[0] = (uint8_t)(major << 5 | 27);
		extra = 8;
	}
	for (n = 0; n < extra; n++)	/* big-endian */
		head[1 + n] = (uint8_t)(arg >> (8 * (extra - 1 - n)));
	put_raw(o, head, 1 + extra);
}

void cbor_put_uint(struct cbor_out *o, uint64_t v)
{
	put_head(o, 0, v);
}

void cbor_put_int(struct cbor_out *o, int64_t v)
{
	if (v >= 0)
		put_head(o, 0, (uint64_t)v);
	else
		put_head(o, 1, (uint64_t)(-(v + 1)));	/* -1 - n, without overflow at INT64_MIN */
}

void cbor_put_bstr(struct cbor_out *o, const void *p, size_t n)
{
	put_head(o, 2, n);
	put_raw(o, p, n);
}

void cbor_put_tstr(struct cbor_out *o, const char *s, size_t n)
{
	put_head(o, 3, n);
	put_raw(o, (const uint8_t *)s, n);
}

void cbor_put_array(struct cbor_out *o, uint64_t nr_items)
{
	put_head(o, 4, nr_items);
}

void cbor_put_map(struct cbor_out *o, uint64_t nr_pairs)
{
	put_head(o, 5, nr_pairs);
}
