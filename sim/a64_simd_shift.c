// SPDX-License-Identifier: MIT
/*
 * Advanced SIMD shift by immediate, vector and scalar: SSHR, USHR, SSRA, USRA, SRSHR,
 * URSHR, SRSRA, URSRA, SHL, SLI, SRI, SQSHL, UQSHL, SQSHLU, SHRN, RSHRN, SQSHRN,
 * UQSHRN, SQRSHRN, UQRSHRN, SQSHRUN, SQRSHRUN, SSHLL, USHLL (SXTL, UXTL). The
 * fixed-point conversions of this group are in a64_simd_fp.c.
 *
 * sim_insn use: p0 = Q, p2 = shift amount, imm = low-half lane mask (lane-parallel);
 * p1 = lanes (lane loops); narrowing/widening: p0 = Q selects the upper half.
 */
#include "sim/a64_fp_soft.h"
#include "sim/a64_simd.h"

/* ---- lane-parallel right and left shifts ----------------------------------------------- */

/*
 * Right shifts are by 1..esize: (x >> (sh - 1)) >> 1 handles sh == esize without an
 * out-of-range shift. RSHR(x) adds bit sh-1 of x (the rounding constant 1 << (sh-1)).
 */
#define DEFS_N(name, bits, EXPR) \
static void h_##name##_##bits(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	typedef VU_##bits U; \
	typedef VS_##bits S __attribute__((unused)); \
	const unsigned sh = in->p2; \
	const U ones __attribute__((unused)) = ~(U){ 0 }; \
	U a, d __attribute__((unused)), r; \
	if (!simd_access_ok(c)) \
		return; \
	a = SIMD_VLOAD(U, c, in->rn); \
	d = SIMD_VLOAD(U, c, in->rd); \
	r = (EXPR); \
	SIMD_VSTORE(c, in->rd, r, in->p0, in->imm); \
	c->pc += 4; \
}
#define DEFS(name, EXPR) \
	DEFS_N(name, 8, EXPR) DEFS_N(name, 16, EXPR) DEFS_N(name, 32, EXPR) DEFS_N(name, 64, EXPR)
#define HS4(name) { h_##name##_8, h_##name##_16, h_##name##_32, h_##name##_64 }

#define USHR(x) (((x) >> (sh - 1)) >> 1)
#define SSHR(x) ((U)(((S)(x) >> (sh - 1)) >> 1))
#define RBIT(x) (((x) >> (sh - 1)) & 1)

DEFS(sshr, SSHR(a))
DEFS(ushr, USHR(a))
DEFS(ssra, d + SSHR(a))
DEFS(usra, d + USHR(a))
DEFS(srshr, SSHR(a) + RBIT(a))
DEFS(urshr, USHR(a) + RBIT(a))
DEFS(srsra, d + SSHR(a) + RBIT(a))
DEFS(ursra, d + USHR(a) + RBIT(a))
DEFS(shl, a << sh)
DEFS(sli, (a << sh) | (d & ~(ones << sh)))
DEFS(sri, USHR(a) | (d & ~USHR(ones)))

/* ---- saturating left shifts (lane loops) ---------------------------------------------- */

enum { QSHL_S, QSHL_U, QSHL_SU };	/* SQSHL, UQSHL, SQSHLU */

SIMD_INLINE uint64_t qshl_lane(uint64_t x, unsigned bits, unsigned sh, unsigned kind, bool *qc)
{
	__int128 v = kind == QSHL_U ? (__int128)x : (__int128)simd_sext(x, bits);
	__int128 lo, hi;

	v *= (__int128)1 << sh;		/* |x| < 2^64, sh < 64: exact */
	lo = kind == QSHL_S ? -((__int128)1 << (bits - 1)) : 0;
	hi = kind == QSHL_S ? ((__int128)1 << (bits - 1)) - 1 : ((__int128)1 << bits) - 1;
	if (v < lo || v > hi) {
		*qc = true;
		v = v < lo ? lo : hi;
	}
	return (uint64_t)v;
}

/* p1 = lanes, p2 = shift, p3 = kind. */
#define DEF_QSHL(bits) \
static void h_qshl_##bits(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	enum { N = 128 / bits }; \
	uint##bits##_t a[N], r[N] = { 0 }; \
	bool qc = false; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(a, &c->v[in->rn], 16); \
	for (unsigned i = 0; i < in->p1; i++) \
		r[i] = (uint##bits##_t)qshl_lane(a[i], bits, in->p2, in->p3, &qc); \
	if (qc) \
		c->fpsr |= FPSR_QC; \
	memcpy(&c->v[in->rd], r, 16); \
	c->pc += 4; \
}
DEF_QSHL(8)
DEF_QSHL(16)
DEF_QSHL(32)
DEF_QSHL(64)

/* ---- narrowing right shifts ---------------------------------------------------------------- */

/* Kinds: bit 0 rounding; bits 2:1 saturation (0 none, 1 signed, 2 unsigned, 3 s->u). */
#define NARROW_ROUND	1u
#define NARROW_SAT_S	(1u << 1)
#define NARROW_SAT_U	(2u << 1)
#define NARROW_SAT_SU	(3u << 1)

SIMD_INLINE uint64_t narrow_lane(uint64_t x, unsigned nbits, unsigned sh, unsigned kind,
				 bool *qc)
{
	unsigned sat = kind & (3u << 1);
	bool src_signed = sat == NARROW_SAT_S || sat == NARROW_SAT_SU;
	__int128 v = src_signed ? (__int128)simd_sext(x, 2 * nbits) : (__int128)x;
	__int128 lo, hi;

	if (kind & NARROW_ROUND)
		v += (__int128)1 << (sh - 1);
	v >>= sh;
	if (!sat)
		return (uint64_t)v;
	lo = sat == NARROW_SAT_S ? -((__int128)1 << (nbits - 1)) : 0;
	hi = sat == NARROW_SAT_S ? ((__int128)1 << (nbits - 1)) - 1 : ((__int128)1 << nbits) - 1;
	if (v < lo || v > hi) {
		*qc = true;
		v = v < lo ? lo : hi;
	}
	return (uint64_t)v;
}

/* p0 = Q (upper half), p1 = lanes, p2 = shift, p3 = kind. */
#define DEF_NARROW(name, NT, WT) \
static void h_##name(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	enum { N = 8 / sizeof(NT) }; \
	WT a[N]; \
	NT r[N] = { 0 }; \
	bool qc = false; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(a, &c->v[in->rn], 16); \
	for (unsigned i = 0; i < in->p1; i++) \
		r[i] = (NT)narrow_lane(a[i], 8 * sizeof(NT), in->p2, in->p3, &qc); \
	if (qc) \
		c->fpsr |= FPSR_QC; \
	if (in->p0) { \
		memcpy(c->v[in->rd].b + 8, r, 8); \
	} else { \
		memcpy(&c->v[in->rd], r, 8); \
		c->v[in->rd].d[1] = 0; \
	} \
	c->pc += 4; \
}
DEF_NARROW(shrn_8, uint8_t, uint16_t)
DEF_NARROW(shrn_16, uint16_t, uint32_t)
DEF_NARROW(shrn_32, uint32_t, uint64_t)

/* ---- widening left shifts: SSHLL, USHLL ---------------------------------------------------- */

/* p0 = Q (upper half of Vn), p2 = shift. */
#define DEF_SHLL(name, NT, WT) \
static void h_##name(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	enum { N = 8 / sizeof(NT) }; \
	NT a[N]; \
	WT r[N]; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(a, c->v[in->rn].b + (in->p0 ? 8 : 0), 8); \
	for (unsigned i = 0; i < N; i++) \
		r[i] = (WT)((WT)a[i] << in->p2); \
	memcpy(&c->v[in->rd], r, 16); \
	c->pc += 4; \
}
DEF_SHLL(sshll_8, int8_t, uint16_t)
DEF_SHLL(ushll_8, uint8_t, uint16_t)
DEF_SHLL(sshll_16, int16_t, uint32_t)
DEF_SHLL(ushll_16, uint16_t, uint32_t)
DEF_SHLL(sshll_32, int32_t, uint64_t)
DEF_SHLL(ushll_32, uint32_t, uint64_t)

/* ---- decoding ------------------------------------------------------------------------------ */

/* [opcode >> 1 for 0..10][U] */
static const sim_exec_fn shift_ops[6][2][4] = {
	[0] = { HS4(sshr), HS4(ushr) },
	[1] = { HS4(ssra), HS4(usra) },
	[2] = { HS4(srshr), HS4(urshr) },
	[3] = { HS4(srsra), HS4(ursra) },
	[4] = { { NULL }, HS4(sri) },
	[5] = { HS4(shl), HS4(sli) },
};
static const sim_exec_fn qshl_ops[4] = { h_qshl_8, h_qshl_16, h_qshl_32, h_qshl_64 };
static const sim_exec_fn narrow_ops[3] = { h_shrn_8, h_shrn_16, h_shrn_32 };

static void shift_lanes(struct sim_insn *out, unsigned q, unsigned esz, bool scalar)
{
	out->p0 = (uint8_t)(scalar ? 0 : q);
	out->p1 = (uint8_t)(scalar ? 1 : (q ? 16u : 8u) >> esz);
	out->imm = scalar && esz < 3 ? (1ull << (8u << esz)) - 1 : ~0ull;
}

/* Narrowing kinds by opcode 16..19 and U. */
static const uint8_t narrow_kinds[4][2] = {
	{ 0, NARROW_SAT_SU },					/* SHRN, SQSHRUN */
	{ NARROW_ROUND, NARROW_ROUND | NARROW_SAT_SU },		/* RSHRN, SQRSHRUN */
	{ NARROW_SAT_S, NARROW_SAT_U },				/* SQSHRN, UQSHRN */
	{ NARROW_ROUND | NARROW_SAT_S, NARROW_ROUND | NARROW_SAT_U },
};

/* Common decoder; `scalar` for the scalar group (one lane, fewer forms). */
static bool decode_shift(uint32_t insn, struct sim_insn *out, bool scalar)
{
	unsigned q = simd_bit(insn, 30), u = simd_bit(insn, 29), immh = simd_bits(insn, 22, 19);
	unsigned immhb = simd_bits(insn, 22, 16), opcode = simd_bits(insn, 15, 11);
	unsigned esz = 31 - (unsigned)__builtin_clz(immh | 1), esize = 8u << esz;

	if (immh == 0)
		return false;
	if (opcode >= 28)
		return simd_decode_fp_shift_imm(insn, out);
	simd_insn_init(out, insn, NULL);
	if (opcode <= 10 && !(opcode & 1)) {		/* plain shifts */
		if ((esz == 3 && !q && !scalar) || (scalar && esz != 3))
			return false;
		out->fn = shift_ops[opcode >> 1][u][esz];
		out->p2 = (uint8_t)(opcode >= 10 ? immhb - esize : 2 * esize - immhb);
		shift_lanes(out, q, esz, scalar);
		return out->fn != NULL;
	}
	if (opcode == 12 || opcode == 14) {		/* SQSHLU, SQSHL, UQSHL */
		if ((opcode == 12 && !u) || (esz == 3 && !q && !scalar))
			return false;
		out->fn = qshl_ops[esz];
		out->p2 = (uint8_t)(immhb - esize);
		out->p3 = (uint8_t)(opcode == 12 ? QSHL_SU : u ? QSHL_U : QSHL_S);
		shift_lanes(out, q, esz, scalar);
		return true;
	}
	if (opcode >= 16 && opcode <= 19) {		/* narrowing */
		if (esz == 3 || (scalar && !u && opcode < 18))
			return false;
		out->fn = narrow_ops[esz];
		out->p0 = (uint8_t)(scalar ? 0 : q);
		out->p1 = (uint8_t)(scalar ? 1 : 8u >> esz);
		out->p2 = (uint8_t)(2 * esize - immhb);
		out->p3 = narrow_kinds[opcode - 16][u];
		return true;
	}
	if (opcode == 20 && !scalar && esz < 3) {	/* SSHLL, USHLL */
		static const sim_exec_fn shll[2][3] = {
			{ h_sshll_8, h_sshll_16, h_sshll_32 },
			{ h_ushll_8, h_ushll_16, h_ushll_32 },
		};

		out->fn = shll[u][esz];
		out->p0 = (uint8_t)q;
		out->p2 = (uint8_t)(immhb - esize);
		return true;
	}
	return false;
}

bool simd_decode_shift_imm(uint32_t insn, struct sim_insn *out)
{
	return decode_shift(insn, out, false);
}

bool simd_decode_scalar_shift_imm(uint32_t insn, struct sim_insn *out)
{
	return decode_shift(insn, out, true);
}
