// SPDX-License-Identifier: Apache-2.0
/*
 * Scalars modulo the prime order of the Ed25519 base point,
 *   L = 2^252 + 27742317777372353535851937790883648493.
 * Verification needs two things: the range check S < L, and the reduction of a 512-bit
 * SHA-512 output mod L. Both act on public values, so the reduction is plain binary long
 * division (one conditional subtraction per input bit): short, obviously correct, and
 * a few thousand word operations per signature, small next to the point arithmetic.
 */
#include "ed25519_internal.h"
#include "crypto_internal.h"

/* L as four little-endian 64-bit words. */
static const uint64_t sc25519_order[4] = {
	UINT64_C(0x5812631a5cf5d3ed), UINT64_C(0x14def9dea2f79cd6),
	UINT64_C(0x0000000000000000), UINT64_C(0x1000000000000000),
};

/* Compare little-endian 4-word numbers: true when @a >= @b. */
static bool sc25519_geq(const uint64_t a[4], const uint64_t b[4])
{
	for (int i = 3; i >= 0; i--) {
		if (a[i] != b[i])
			return a[i] > b[i];
	}
	return true;
}

bool sc25519_is_canonical(const uint8_t s[32])
{
	uint64_t w[4];

	for (int i = 0; i < 4; i++)
		w[i] = crypto_load_le64(s + 8 * i);
	return !sc25519_geq(w, sc25519_order);
}

/* @r -= L; the caller has checked @r >= L. */
static void sc25519_sub_order(uint64_t r[4])
{
	uint64_t borrow = 0;

	/* No word of L is all-ones, so adding the borrow to it cannot wrap. */
	for (int i = 0; i < 4; i++) {
		uint64_t b = sc25519_order[i] + borrow;
		uint64_t next_borrow = r[i] < b;

		r[i] -= b;
		borrow = next_borrow;
	}
}

void sc25519_reduce64(uint8_t out[32], const uint8_t in[64])
{
	uint64_t r[4] = { 0, 0, 0, 0 };

	/*
	 * Horner's rule on bits, most significant first: r = 2r + bit, then bring r back
	 * below L. r < L < 2^253 before the step, so 2r + 1 < 2^254 fits in four words and
	 * one subtraction suffices.
	 */
	for (int bit = 511; bit >= 0; bit--) {
		uint64_t in_bit = (in[bit / 8] >> (bit % 8)) & 1;

		r[3] = r[3] << 1 | r[2] >> 63;
		r[2] = r[2] << 1 | r[1] >> 63;
		r[1] = r[1] << 1 | r[0] >> 63;
		r[0] = r[0] << 1 | in_bit;
		if (sc25519_geq(r, sc25519_order))
			sc25519_sub_order(r);
	}

	for (int i = 0; i < 4; i++)
		crypto_store_le64(out + 8 * i, r[i]);
}
