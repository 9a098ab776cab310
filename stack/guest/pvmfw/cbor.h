/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal CBOR (RFC 8949) writer for the DICE chain (dice_chain.c): unsigned and
 * negative integers, byte and text strings, array and map headers, always in the
 * shortest ("preferred") encoding, which is what deterministic CBOR and COSE signers
 * expect. Freestanding: it writes into a caller's buffer and never allocates.
 *
 * Overflow is sticky: once a write would pass the buffer's end nothing more is written
 * and cbor_out_ok() is false, so a caller checks once at the end.
 */
#ifndef AVF_GUEST_PVMFW_CBOR_H
#define AVF_GUEST_PVMFW_CBOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cbor_out {
	uint8_t *buf;
	size_t cap, len;
	bool overflow;
};

void cbor_out_init(struct cbor_out *o, uint8_t *buf, size_t cap);
static inline bool cbor_out_ok(const struct cbor_out *o)
{
	return !o->overflow;
}

void cbor_put_uint(struct cbor_out *o, uint64_t v);		/* major type 0 */
void cbor_put_int(struct cbor_out *o, int64_t v);		/* 0 or 1 by sign */
void cbor_put_bstr(struct cbor_out *o, const void *p, size_t n);	/* major type 2 */
void cbor_put_tstr(struct cbor_out *o, const char *s, size_t n);	/* major type 3 */
void cbor_put_array(struct cbor_out *o, uint64_t nr_items);	/* major type 4 header */
void cbor_put_map(struct cbor_out *o, uint64_t nr_pairs);	/* major type 5 header */

#endif /* AVF_GUEST_PVMFW_CBOR_H */
