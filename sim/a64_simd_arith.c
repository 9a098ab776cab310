// SPDX-License-Identifier: MIT
/*
 * Advanced SIMD "three same" integer instructions, vector and scalar: logic (AND, ORR,
 * ORN, BIC, EOR, BSL, BIT, BIF), ADD/SUB, MUL/MLA/MLS/PMUL, compares (CMEQ, CMGT, CMGE,
 * CMHI, CMHS, CMTST), min/max, halving and absolute-difference forms, saturating
 * ADD/SUB, shifts by register (SSHL, USHL and their rounding/saturating forms),
 * pairwise (ADDP, SMAXP, ...) and SQDMULH/SQRDMULH.
 *
 * Handlers are generated per element size. Lane-parallel ones use vector types and
 * store through SIMD_VSTORE: sim_insn.p0 = Q, imm = mask of the low 64 bits kept
 * (the first element for scalar forms). Lane-loop ones use p1 = number of lanes.
 * Scalar forms reuse the vector handlers with one lane.
 */
#include "sim/a64_fp_soft.h"
#include "sim/a64_simd.h"

/* ---- lane-parallel handlers ------------------------------------------------------------ */

#define DEF3_N(name, bits, PRE, EXPR, SAT) \
static void h_##name##_##bits(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	typedef VU_##bits U; \
	typedef VS_##bits S __attribute__((unused)); \
	const unsigned eb __attribute__((unused)) = bits; \
	U a, b, d __attribute__((unused)), r, sat __attribute__((unused)) = { 0 }; \
	if (!simd_access_ok(c)) \
		return; \
	a = SIMD_VLOAD(U, c, in->rn); \
	b = SIMD_VLOAD(U, c, in->rm); \
	d = SIMD_VLOAD(U, c, in->rd); \
	PRE; \
	r = (EXPR); \
	if (SAT && SIMD_ANY(sat, in->p0, in->imm)) \
		c->fpsr |= FPSR_QC; \
	SIMD_VSTORE(c, in->rd, r, in->p0, in->imm); \
	c->pc += 4; \
}

#define DEF3(name, EXPR) \
	DEF3_N(name, 8, , EXPR, 0) DEF3_N(name, 16, , EXPR, 0) \
	DEF3_N(name, 32, , EXPR, 0) DEF3_N(name, 64, , EXPR, 0)
#define DEF3_NO64(name, EXPR) \
	DEF3_N(name, 8, , EXPR, 0) DEF3_N(name, 16, , EXPR, 0) DEF3_N(name, 32, , EXPR, 0)
#define DEF3_BYTES(name, EXPR) DEF3_N(name, 8, , EXPR, 0)
#define DEF3_SAT(name, PRE, EXPR) \
	DEF3_N(name, 8, PRE, EXPR, 1) DEF3_N(name, 16, PRE, EXPR, 1) \
	DEF3_N(name, 32, PRE, EXPR, 1) DEF3_N(name, 64, PRE, EXPR, 1)
#define HANDLERS4(name) { h_##name##_8, h_##name##_16, h_##name##_32, h_##name##_64 }

/* Select per lane: m ? x : y, with m all-ones or zero per lane. */
#define VSEL(m, x, y) (((x) & (U)(m)) | ((y) & ~(U)(m)))
/* Signed maximum and the sign-fill of each lane. */
#define SMAX_LANE ((~(U){ 0 }) >> 1)
#define SIGNS(x) ((U)((S)(x) >> (eb - 1)))

DEF3_BYTES(and, a & b)
DEF3_BYTES(bic, a & ~b)
DEF3_BYTES(orr, a | b)
DEF3_BYTES(orn, a | ~b)
DEF3_BYTES(eor, a ^ b)
DEF3_BYTES(bsl, (d & a) | (~d & b))
DEF3_BYTES(bit, (a & b) | (d & ~b))
DEF3_BYTES(bif, (a & ~b) | (d & b))
DEF3(add, a + b)
DEF3(sub, a - b)
DEF3_NO64(mul, a * b)
DEF3_NO64(mla, d + a * b)
DEF3_NO64(mls, d - a * b)
DEF3(cmgt, (U)((S)a > (S)b))
DEF3(cmge, (U)((S)a >= (S)b))
DEF3(cmhi, (U)(a > b))
DEF3(cmhs, (U)(a >= b))
DEF3(cmeq, (U)(a == b))
DEF3(cmtst, (U)((a & b) != 0))
DEF3_NO64(smax, VSEL((S)a > (S)b, a, b))
DEF3_NO64(smin, VSEL((S)a < (S)b, a, b))
DEF3_NO64(umax, VSEL(a > b, a, b))
DEF3_NO64(umin, VSEL(a < b, a, b))
DEF3_NO64(shadd, (U)((S)a >> 1) + (U)((S)b >> 1) + (a & b & 1))
DEF3_NO64(uhadd, (a >> 1) + (b >> 1) + (a & b & 1))
DEF3_NO64(srhadd, (U)((S)a >> 1) + (U)((S)b >> 1) + ((a | b) & 1))
DEF3_NO64(urhadd, (a >> 1) + (b >> 1) + ((a | b) & 1))
DEF3_NO64(shsub, (U)((S)a >> 1) - (U)((S)b >> 1) - (~a & b & 1))
DEF3_NO64(uhsub, (a >> 1) - (b >> 1) - (~a & b & 1))
DEF3_NO64(sabd, VSEL((S)a > (S)b, a - b, b - a))
DEF3_NO64(uabd, VSEL(a > b, a - b, b - a))
DEF3_NO64(saba, d + VSEL((S)a > (S)b, a - b, b - a))
DEF3_NO64(uaba, d + VSEL(a > b, a - b, b - a))
DEF3_SAT(uqadd, sat = (U)(a + b < a), (a + b) | sat)
DEF3_SAT(uqsub, sat = (U)(a < b), (a - b) & ~sat)
DEF3_SAT(sqadd, sat = SIGNS(((a ^ (a + b)) & (b ^ (a + b)))),
	 VSEL(sat, SIGNS(a) ^ SMAX_LANE, a + b))
DEF3_SAT(sqsub, sat = SIGNS(((a ^ b) & (a ^ (a - b)))),
	 VSEL(sat, SIGNS(a) ^ SMAX_LANE, a - b))

/* ---- lane-loop handlers ------------------------------------------------------------------ */

/*
 * Shift by a signed register amount (the low byte of the second operand), as the
 * pseudo-code computes it: (x + round) << shift in unbounded precision, then truncated
 * or saturated to esize bits.
 */
SIMD_INLINE uint64_t shift_reg(int64_t xs, uint64_t xu, int shift, bool uns, bool round,
			       bool saturate, unsigned esize, bool *qc)
{
	__int128 x = uns ? (__int128)xu : (__int128)xs, v;
	uint64_t emask = esize == 64 ? ~0ull : (1ull << esize) - 1;
	__int128 lo, hi;

	if (shift >= 0) {
		if (shift >= 64)	/* any non-zero x overflows every lane */
			v = x == 0 ? 0 : x < 0 ? -((__int128)1 << 126) : ((__int128)1 << 126);
		else
			v = x * ((__int128)1 << shift);
	} else {
		unsigned s = (unsigned)-shift > 100 ? 100 : (unsigned)-shift;

		v = (x + (round ? (__int128)1 << (s - 1) : 0)) >> s;
	}
	if (!saturate)
		return (uint64_t)v & emask;
	lo = uns ? 0 : -((__int128)1 << (esize - 1));
	hi = uns ? ((__int128)1 << esize) - 1 : ((__int128)1 << (esize - 1)) - 1;
	if (v < lo || v > hi) {
		*qc = true;
		v = v < lo ? lo : hi;
	}
	return (uint64_t)v & emask;
}

/* x, y: the lanes zero-extended; sx, sy: sign-extended; acc: the destination lane. */
#define DEFL_N(name, bits, EXPR) \
static void h_##name##_##bits(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	enum { N = 128 / bits }; \
	const unsigned eb __attribute__((unused)) = bits; \
	uint##bits##_t a[N], b[N], d[N], r[N] = { 0 }; \
	bool qc = false; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(a, &c->v[in->rn], 16); \
	memcpy(b, &c->v[in->rm], 16); \
	memcpy(d, &c->v[in->rd], 16); \
	for (unsigned i = 0; i < in->p1; i++) { \
		uint64_t x __attribute__((unused)) = a[i], y __attribute__((unused)) = b[i]; \
		uint64_t acc __attribute__((unused)) = d[i]; \
		int64_t sx __attribute__((unused)) = (int##bits##_t)a[i]; \
		int64_t sy __attribute__((unused)) = (int##bits##_t)b[i]; \
		r[i] = (uint##bits##_t)(EXPR); \
	} \
	if (qc) \
		c->fpsr |= FPSR_QC; \
	memcpy(&c->v[in->rd], r, 16); \
	c->pc += 4; \
}
#define DEFL(name, EXPR) \
	DEFL_N(name, 8, EXPR) DEFL_N(name, 16, EXPR) DEFL_N(name, 32, EXPR) DEFL_N(name, 64, EXPR)

#define SHIFT_REG(uns, round, sat) shift_reg(sx, x, (int8_t)y, uns, round, sat, eb, &qc)
DEFL(sshl, SHIFT_REG(false, false, false))
DEFL(ushl, SHIFT_REG(true, false, false))
DEFL(srshl, SHIFT_REG(false, true, false))
DEFL(urshl, SHIFT_REG(true, true, false))
DEFL(sqshl, SHIFT_REG(false, false, true))
DEFL(uqshl, SHIFT_REG(true, false, true))
DEFL(sqrshl, SHIFT_REG(false, true, true))
DEFL(uqrshl, SHIFT_REG(true, true, true))

/* Polynomial multiply of bytes, truncated to 8 bits. */
static uint64_t pmul8(uint64_t x, uint64_t y)
{
	uint64_t r = 0;

	for (unsigned i = 0; i < 8; i++)
		if (y & (1u << i))
			r ^= x << i;
	return r;
}
DEFL_N(pmul, 8, pmul8(x, y))

/* SQDMULH / SQRDMULH: high half of 2 * x * y (+ rounding), saturated. */
SIMD_INLINE uint64_t sqdmulh(int64_t x, int64_t y, bool round, unsigned esize, bool *qc)
{
	__int128 p = (__int128)x * y * 2 + (round ? (__int128)1 << (esize - 1) : 0);
	__int128 v = p >> esize, hi = ((__int128)1 << (esize - 1)) - 1;

	if (v > hi) {
		*qc = true;
		v = hi;
	}
	return (uint64_t)v;
}
DEFL_N(sqdmulh, 16, sqdmulh(sx, sy, false, 16, &qc))
DEFL_N(sqdmulh, 32, sqdmulh(sx, sy, false, 32, &qc))
DEFL_N(sqrdmulh, 16, sqdmulh(sx, sy, true, 16, &qc))
DEFL_N(sqrdmulh, 32, sqdmulh(sx, sy, true, 32, &qc))

/* Pairwise: lane i combines elements 2i and 2i+1 of the concatenation Vm:Vn. */
#define DEFP_N(name, bits, EXPR) \
static void h_##name##_##bits(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	enum { N = 128 / bits }; \
	uint##bits##_t cat[2 * N], r[N] = { 0 }; \
	unsigned n = in->p1; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(cat, &c->v[in->rn], n * (bits / 8)); \
	memcpy(cat + n, &c->v[in->rm], n * (bits / 8)); \
	for (unsigned i = 0; i < n; i++) { \
		uint64_t x = cat[2 * i], y = cat[2 * i + 1]; \
		int64_t sx __attribute__((unused)) = (int##bits##_t)x; \
		int64_t sy __attribute__((unused)) = (int##bits##_t)y; \
		r[i] = (uint##bits##_t)(EXPR); \
	} \
	memcpy(&c->v[in->rd], r, 16); \
	c->pc += 4; \
}
#define DEFP(name, EXPR) \
	DEFP_N(name, 8, EXPR) DEFP_N(name, 16, EXPR) DEFP_N(name, 32, EXPR) DEFP_N(name, 64, EXPR)

DEFP(addp, x + y)
#define DEFP3(name, EXPR) DEFP_N(name, 8, EXPR) DEFP_N(name, 16, EXPR) DEFP_N(name, 32, EXPR)
DEFP3(smaxp, sx > sy ? x : y)
DEFP3(sminp, sx < sy ? x : y)
DEFP3(umaxp, x > y ? x : y)
DEFP3(uminp, x < y ? x : y)

/* ---- decoding ---------------------------------------------------------------------------- */

struct op3 {
	sim_exec_fn fn[4];	/* per size; NULL: reserved */
	bool lanes;		/* lane-loop handler (p1 = lanes) */
};

#define OP3(name, lanes) { HANDLERS4(name), lanes }
#define OP3_SZ(f8, f16, f32, f64, lanes) { { f8, f16, f32, f64 }, lanes }
#define OP3_NO64(name, lanes) OP3_SZ(h_##name##_8, h_##name##_16, h_##name##_32, NULL, lanes)

/* [opcode 0..23][U]; logic (opcode 3) is decoded separately. */
static const struct op3 three_same[24][2] = {
	[0] = { OP3_NO64(shadd, false), OP3_NO64(uhadd, false) },
	[1] = { OP3(sqadd, false), OP3(uqadd, false) },
	[2] = { OP3_NO64(srhadd, false), OP3_NO64(urhadd, false) },
	[4] = { OP3_NO64(shsub, false), OP3_NO64(uhsub, false) },
	[5] = { OP3(sqsub, false), OP3(uqsub, false) },
	[6] = { OP3(cmgt, false), OP3(cmhi, false) },
	[7] = { OP3(cmge, false), OP3(cmhs, false) },
	[8] = { OP3(sshl, true), OP3(ushl, true) },
	[9] = { OP3(sqshl, true), OP3(uqshl, true) },
	[10] = { OP3(srshl, true), OP3(urshl, true) },
	[11] = { OP3(sqrshl, true), OP3(uqrshl, true) },
	[12] = { OP3_NO64(smax, false), OP3_NO64(umax, false) },
	[13] = { OP3_NO64(smin, false), OP3_NO64(umin, false) },
	[14] = { OP3_NO64(sabd, false), OP3_NO64(uabd, false) },
	[15] = { OP3_NO64(saba, false), OP3_NO64(uaba, false) },
	[16] = { OP3(add, false), OP3(sub, false) },
	[17] = { OP3(cmtst, false), OP3(cmeq, false) },
	[18] = { OP3_NO64(mla, false), OP3_NO64(mls, false) },
	[19] = { OP3_NO64(mul, false), OP3_SZ(h_pmul_8, NULL, NULL, NULL, true) },
	[20] = { OP3_NO64(smaxp, true), OP3_NO64(umaxp, true) },
	[21] = { OP3_NO64(sminp, true), OP3_NO64(uminp, true) },
	[22] = { OP3_SZ(NULL, h_sqdmulh_16, h_sqdmulh_32, NULL, true),
		 OP3_SZ(NULL, h_sqrdmulh_16, h_sqrdmulh_32, NULL, true) },
	[23] = { OP3(addp, true), { { NULL }, false } },
};

static const sim_exec_fn logic_ops[2][4] = {
	{ h_and_8, h_bic_8, h_orr_8, h_orn_8 },
	{ h_eor_8, h_bsl_8, h_bit_8, h_bif_8 },
};

static void init_lanes(struct sim_insn *out, unsigned q, unsigned esz, unsigned lanes)
{
	out->p0 = (uint8_t)q;
	out->p1 = (uint8_t)lanes;
	out->imm = lanes == 1 && esz < 3 ? (1ull << (8u << esz)) - 1 : ~0ull;
}

bool simd_decode_three_same(uint32_t insn, struct sim_insn *out)
{
	unsigned q = simd_bit(insn, 30), u = simd_bit(insn, 29), size = simd_bits(insn, 23, 22);
	unsigned opcode = simd_bits(insn, 15, 11);
	const struct op3 *op;

	if (opcode >= 24)
		return simd_decode_fp_three_same(insn, out);
	if (opcode == 3) {
		simd_insn_init(out, insn, logic_ops[u][size]);
		init_lanes(out, q, 0, 16);
		return true;
	}
	op = &three_same[opcode][u];
	if (!op->fn[size] || (size == 3 && !q))
		return false;
	simd_insn_init(out, insn, op->fn[size]);
	init_lanes(out, q, size, (q ? 16u : 8u) >> size);
	return true;
}

/*
 * Scalar three same: the vector handlers with one lane. Which sizes exist differs from
 * the vector forms (most are 64-bit only).
 */
bool simd_decode_scalar_three_same(uint32_t insn, struct sim_insn *out)
{
	unsigned u = simd_bit(insn, 29), size = simd_bits(insn, 23, 22);
	unsigned opcode = simd_bits(insn, 15, 11);
	const struct op3 *op;

	if (opcode >= 24)
		return simd_decode_fp_three_same(insn, out);
	switch (opcode) {
	case 1: case 5: case 9: case 11:	/* saturating: all sizes */
		break;
	case 6: case 7: case 8: case 10: case 16: case 17:
		if (size != 3)
			return false;
		break;
	case 22:				/* SQDMULH, SQRDMULH: H and S */
		break;
	default:
		return false;
	}
	op = &three_same[opcode][u];
	if (!op->fn[size])
		return false;
	simd_insn_init(out, insn, op->fn[size]);
	init_lanes(out, 0, size, 1);
	return true;
}
