// SPDX-License-Identifier: MIT
/*
 * Entry decoder of the "data processing - scalar floating-point and Advanced SIMD" class
 * (op0 bits 28:25 == x111, Arm ARM C4.1.96): routes a word to its encoding group. Each
 * group decoder re-checks the fixed bits of its group and returns false for what it
 * does not implement, so anything unlisted here is UNDEFINED.
 *
 * The groups live in: a64_fp.c (scalar FP), a64_simd_perm.c (copy, modified immediate,
 * permute, EXT, TBL/TBX), a64_simd_arith.c (three same), a64_simd_long.c (three
 * different, integer by element), a64_simd_misc.c (two-register miscellaneous, across
 * lanes, pairwise), a64_simd_shift.c (shift by immediate) and a64_simd_fp.c (vector and
 * scalar-SIMD floating point); the FP arithmetic itself is a64_fp_soft.c. Not
 * implemented (UNDEF): the crypto extensions (AES, SHA, PMULL 64-bit), FP16
 * arithmetic, BFloat16, RDM (SQRDMLAH), dot products, FRINT32/64, FJCVTZS, the
 * complex-number instructions and the scalar saturating doubling forms (SQDMULL &c.
 * scalar, scalar by-element integer).
 */
#include "sim/a64_simd.h"

struct simd_group {
	uint32_t mask, value;
	bool (*decode)(uint32_t insn, struct sim_insn *out);
};

/* Vector groups: op0 == 0xx0 (bit 31 == 0, bit 28 == 0). Masks are mutually exclusive. */
static const struct simd_group vector_groups[] = {
	{ 0x9f200400u, 0x0e200400u, simd_decode_three_same },
	{ 0x9f200c00u, 0x0e200000u, simd_decode_three_diff },
	{ 0x9f3e0c00u, 0x0e200800u, simd_decode_two_misc },
	{ 0x9f3e0c00u, 0x0e300800u, simd_decode_across },
	{ 0x9fe08400u, 0x0e000400u, simd_decode_copy },
	{ 0x9ff80400u, 0x0f000400u, simd_decode_modimm },
	{ 0x9f800400u, 0x0f000400u, simd_decode_shift_imm },	/* immh != 0: after modimm */
	{ 0x9f000400u, 0x0f000000u, simd_decode_indexed },
	{ 0xbf208c00u, 0x0e000000u, simd_decode_tbl },
	{ 0xbf208c00u, 0x0e000800u, simd_decode_permute },
	{ 0xbf208400u, 0x2e000000u, simd_decode_ext },
};

/* Scalar groups: op0 == 01x1. */
static const struct simd_group scalar_groups[] = {
	{ 0xdf200400u, 0x5e200400u, simd_decode_scalar_three_same },
	{ 0xdf3e0c00u, 0x5e200800u, simd_decode_scalar_two_misc },
	{ 0xdf3e0c00u, 0x5e300800u, simd_decode_scalar_pairwise },
	{ 0xdfe08400u, 0x5e000400u, simd_decode_scalar_copy },
	{ 0xdf800400u, 0x5f000400u, simd_decode_scalar_shift_imm },
	{ 0xdf000400u, 0x5f000000u, simd_decode_scalar_indexed },
};

static bool decode_groups(const struct simd_group *g, size_t n, uint32_t insn,
			  struct sim_insn *out)
{
	for (size_t i = 0; i < n; i++)
		if ((insn & g[i].mask) == g[i].value)
			return g[i].decode(insn, out);
	return false;
}

bool sim_decode_simd_fp(uint32_t insn, struct sim_insn *out)
{
	if ((insn & 0x0e000000u) != 0x0e000000u)
		return false;
	if (!simd_bit(insn, 30) && simd_bit(insn, 28))		/* op0 == x0x1 */
		return sim_decode_fp_scalar(insn, out);
	if (simd_bit(insn, 31))					/* crypto, unallocated */
		return false;
	if (!simd_bit(insn, 28))				/* op0 == 0xx0 */
		return decode_groups(vector_groups,
				     sizeof(vector_groups) / sizeof(vector_groups[0]), insn, out);
	return decode_groups(scalar_groups, sizeof(scalar_groups) / sizeof(scalar_groups[0]),
			     insn, out);
}
