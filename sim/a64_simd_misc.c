// SPDX-License-Identifier: MIT
/*
 * Advanced SIMD integer "two-register miscellaneous" (REV16/32/64, CNT, NOT, RBIT,
 * CLS, CLZ, compares with zero, ABS, NEG, SQABS, SQNEG, SUQADD, USQADD, SADDLP,
 * UADDLP, SADALP, UADALP, XTN, SQXTN, UQXTN, SQXTUN, SHLL), vector and scalar; "across
 * lanes" (ADDV, SADDLV, UADDLV, SMAXV, UMAXV, SMINV, UMINV); scalar pairwise ADDP.
 *
 * sim_insn use as in a64_simd_arith.c: lane-parallel handlers take p0 = Q and
 * imm = low-half lane mask; lane loops take p1 = number of lanes.
 */
#include "sim/a64_fp_soft.h"
#include "sim/a64_simd.h"

/* ---- lane-parallel ---------------------------------------------------------------------- */

#define DEF2_N(name, bits, EXPR) \
static void h_##name##_##bits(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	typedef VU_##bits U; \
	typedef VS_##bits S __attribute__((unused)); \
	U a, r; \
	if (!simd_access_ok(c)) \
		return; \
	a = SIMD_VLOAD(U, c, in->rn); \
	r = (EXPR); \
	SIMD_VSTORE(c, in->rd, r, in->p0, in->imm); \
	c->pc += 4; \
}
#define DEF2(name, EXPR) \
	DEF2_N(name, 8, EXPR) DEF2_N(name, 16, EXPR) DEF2_N(name, 32, EXPR) DEF2_N(name, 64, EXPR)
#define H4(name) { h_##name##_8, h_##name##_16, h_##name##_32, h_##name##_64 }

DEF2(cmgt0, (U)((S)a > 0))
DEF2(cmge0, (U)((S)a >= 0))
DEF2(cmeq0, (U)(a == 0))
DEF2(cmle0, (U)((S)a <= 0))
DEF2(cmlt0, (U)((S)a < 0))
DEF2(abs, ((U)((S)a < 0) & -a) | ((U)((S)a >= 0) & a))
DEF2(neg, -a)
DEF2_N(not, 8, ~a)

/* Per-byte population count, on 64-bit words. */
static uint64_t popcount_bytes(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	return (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
}

static void h_cnt(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set128(c, in->rd, popcount_bytes(c->v[in->rn].d[0]),
		    in->p0 ? popcount_bytes(c->v[in->rn].d[1]) : 0);
	c->pc += 4;
}

/* ---- lane loops ------------------------------------------------------------------------- */

/* x: lane zero-extended, sx: sign-extended; p1 lanes. */
#define DEF2L_N(name, bits, EXPR) \
static void h_##name##_##bits(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	enum { N = 128 / bits }; \
	const unsigned eb __attribute__((unused)) = bits; \
	uint##bits##_t a[N], d[N], r[N] = { 0 }; \
	bool qc = false; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(a, &c->v[in->rn], 16); \
	memcpy(d, &c->v[in->rd], 16); \
	for (unsigned i = 0; i < in->p1; i++) { \
		uint64_t x __attribute__((unused)) = a[i], acc __attribute__((unused)) = d[i]; \
		int64_t sx __attribute__((unused)) = (int##bits##_t)a[i]; \
		r[i] = (uint##bits##_t)(EXPR); \
	} \
	if (qc) \
		c->fpsr |= FPSR_QC; \
	memcpy(&c->v[in->rd], r, 16); \
	c->pc += 4; \
}
#define DEF2L(name, EXPR) \
	DEF2L_N(name, 8, EXPR) DEF2L_N(name, 16, EXPR) DEF2L_N(name, 32, EXPR) \
	DEF2L_N(name, 64, EXPR)

SIMD_INLINE uint64_t clz_lane(uint64_t x, unsigned bits)
{
	return x ? (uint64_t)(__builtin_clzll(x) - (64 - (int)bits)) : bits;
}

SIMD_INLINE uint64_t rbit8(uint64_t x)
{
	uint64_t r = 0;

	for (unsigned i = 0; i < 8; i++)
		r |= ((x >> i) & 1) << (7 - i);
	return r;
}

/* Saturate a 128-bit value to a signed or unsigned lane. */
SIMD_INLINE uint64_t sat_lane(__int128 v, bool uns, unsigned bits, bool *qc)
{
	__int128 lo = uns ? 0 : -((__int128)1 << (bits - 1));
	__int128 hi = uns ? ((__int128)1 << bits) - 1 : ((__int128)1 << (bits - 1)) - 1;

	if (v < lo || v > hi) {
		*qc = true;
		v = v < lo ? lo : hi;
	}
	return (uint64_t)v;
}

DEF2L_N(clz, 8, clz_lane(x, eb)) DEF2L_N(clz, 16, clz_lane(x, eb))
DEF2L_N(clz, 32, clz_lane(x, eb))
/* CLS: leading bits equal to the sign bit, not counting it. */
#define CLS_EXPR (clz_lane((uint64_t)(sx ^ (sx >> 1)) & ((1ull << eb) - 1), eb) - 1)
DEF2L_N(cls, 8, CLS_EXPR) DEF2L_N(cls, 16, CLS_EXPR) DEF2L_N(cls, 32, CLS_EXPR)
DEF2L_N(rbit, 8, rbit8(x))
DEF2L(sqabs, sat_lane(sx < 0 ? -(__int128)sx : sx, false, eb, &qc))
DEF2L(sqneg, sat_lane(-(__int128)sx, false, eb, &qc))
/* SUQADD: signed acc + unsigned operand, signed saturation; USQADD the reverse. */
DEF2L(suqadd, sat_lane((__int128)(int64_t)simd_sext(acc, eb) + x, false, eb, &qc))
DEF2L(usqadd, sat_lane((__int128)acc + sx, true, eb, &qc))

/*
 * Pairwise long add (SADDLP, UADDLP), optionally accumulating (SADALP, UADALP): source
 * lanes of ST, result lanes of DT; p1 = result lanes.
 */
#define DEF_ADDLP(name, ST, DT, ACC) \
static void h_##name(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	ST a[16 / sizeof(ST)]; \
	DT d[8 / sizeof(ST)], r[8 / sizeof(ST)] = { 0 }; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(a, &c->v[in->rn], 16); \
	memcpy(d, &c->v[in->rd], 16); \
	for (unsigned i = 0; i < in->p1; i++) \
		r[i] = (DT)((ACC ? (uint64_t)d[i] : 0) + (uint64_t)((int64_t)a[2 * i] + a[2 * i + 1])); \
	memcpy(&c->v[in->rd], r, 16); \
	c->pc += 4; \
}
#define DEF_ADDLP_ALL(name, ACC) \
	DEF_ADDLP(s##name##_8, int8_t, int16_t, ACC) DEF_ADDLP(u##name##_8, uint8_t, uint16_t, ACC) \
	DEF_ADDLP(s##name##_16, int16_t, int32_t, ACC) \
	DEF_ADDLP(u##name##_16, uint16_t, uint32_t, ACC) \
	DEF_ADDLP(s##name##_32, int32_t, int64_t, ACC) \
	DEF_ADDLP(u##name##_32, uint32_t, uint64_t, ACC)
DEF_ADDLP_ALL(addlp, 0)
DEF_ADDLP_ALL(adalp, 1)

/*
 * Narrowing (XTN, SQXTN, UQXTN, SQXTUN): wide lanes of Vn to the low half of Vd (upper
 * zeroed) or, p0 set, its upper half. p1 = lanes (1 for the scalar forms), p2 = kind.
 */
enum { XTN_PLAIN, XTN_SQ, XTN_UQ, XTN_SQU };

#define DEF_XTN(name, NT, WT, SWT) \
static void h_##name(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	enum { N = 8 / sizeof(NT), NB = 8 * sizeof(NT) }; \
	WT a[N]; \
	NT r[N] = { 0 }; \
	bool qc = false; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(a, &c->v[in->rn], 16); \
	for (unsigned i = 0; i < in->p1; i++) { \
		switch (in->p2) { \
		case XTN_PLAIN: r[i] = (NT)a[i]; break; \
		case XTN_SQ: r[i] = (NT)sat_lane((SWT)a[i], false, NB, &qc); break; \
		case XTN_UQ: r[i] = (NT)sat_lane(a[i], true, NB, &qc); break; \
		default: r[i] = (NT)sat_lane((SWT)a[i], true, NB, &qc); break; \
		} \
	} \
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
DEF_XTN(xtn_8, uint8_t, uint16_t, int16_t)
DEF_XTN(xtn_16, uint16_t, uint32_t, int32_t)
DEF_XTN(xtn_32, uint32_t, uint64_t, int64_t)

/* SHLL: widen the selected half of Vn, shifted left by the element width. p0 = part. */
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
		r[i] = (WT)((WT)a[i] << (8 * sizeof(NT))); \
	memcpy(&c->v[in->rd], r, 16); \
	c->pc += 4; \
}
DEF_SHLL(shll_8, uint8_t, uint16_t)
DEF_SHLL(shll_16, uint16_t, uint32_t)
DEF_SHLL(shll_32, uint32_t, uint64_t)

/* ---- decoding: two-register miscellaneous ------------------------------------------------ */

static void set_lanes(struct sim_insn *out, unsigned q, unsigned esz, unsigned lanes)
{
	out->p0 = (uint8_t)q;
	out->p1 = (uint8_t)lanes;
	out->imm = lanes == 1 && esz < 3 ? (1ull << (8u << esz)) - 1 : ~0ull;
}

/* [opcode][U] handlers per size for the element-wise operations. */
static const sim_exec_fn misc_ops[12][2][4] = {
	[3] = { H4(suqadd), H4(usqadd) },
	[4] = { { h_cls_8, h_cls_16, h_cls_32 }, { h_clz_8, h_clz_16, h_clz_32 } },
	[7] = { H4(sqabs), H4(sqneg) },
	[8] = { H4(cmgt0), H4(cmge0) },
	[9] = { H4(cmeq0), H4(cmle0) },
	[10] = { H4(cmlt0) },
	[11] = { H4(abs), H4(neg) },
};

static const sim_exec_fn addlp_ops[2][2][3] = {
	{ { h_saddlp_8, h_saddlp_16, h_saddlp_32 }, { h_uaddlp_8, h_uaddlp_16, h_uaddlp_32 } },
	{ { h_sadalp_8, h_sadalp_16, h_sadalp_32 }, { h_uadalp_8, h_uadalp_16, h_uadalp_32 } },
};

static const sim_exec_fn xtn_ops[3] = { h_xtn_8, h_xtn_16, h_xtn_32 };

static bool decode_misc_special(uint32_t insn, struct sim_insn *out, unsigned opcode)
{
	unsigned q = simd_bit(insn, 30), u = simd_bit(insn, 29), size = simd_bits(insn, 23, 22);

	simd_insn_init(out, insn, NULL);
	out->p0 = (uint8_t)q;
	switch (opcode) {
	case 0: case 1: {	/* REV64, REV32, REV16: container 8, 4 or 2 bytes */
		unsigned cl = opcode ? 1 : 3 - u;

		if ((opcode == 1 && u) || size >= cl)
			return false;
		out->fn = simd_h_shuffle;
		out->imm = simd_rev_indices(cl, size, q);
		return true;
	}
	case 2: case 6:		/* [SU]ADDLP, [SU]ADALP */
		if (size == 3)
			return false;
		out->fn = addlp_ops[opcode == 6][u][size];
		out->p1 = (uint8_t)((q ? 8u : 4u) >> size);
		return true;
	case 5:			/* CNT, NOT, RBIT */
		if (!u && size == 0)
			out->fn = h_cnt;
		else if (u && size == 0)
			out->fn = h_not_8;
		else if (u && size == 1)
			out->fn = h_rbit_8;
		else
			return false;
		set_lanes(out, q, 0, q ? 16 : 8);
		return true;
	case 18: case 20:	/* XTN, SQXTUN; SQXTN, UQXTN */
		if (size == 3)
			return false;
		out->fn = xtn_ops[size];
		out->p0 = (uint8_t)q;
		out->p1 = (uint8_t)(8u >> size);
		out->p2 = (uint8_t)(opcode == 18 ? (u ? XTN_SQU : XTN_PLAIN) : (u ? XTN_UQ : XTN_SQ));
		return true;
	case 19:		/* SHLL */
		if (!u || size == 3)
			return false;
		out->fn = size == 0 ? h_shll_8 : size == 1 ? h_shll_16 : h_shll_32;
		out->p0 = (uint8_t)q;
		return true;
	default:
		return false;
	}
}

bool simd_decode_two_misc(uint32_t insn, struct sim_insn *out)
{
	unsigned q = simd_bit(insn, 30), u = simd_bit(insn, 29), size = simd_bits(insn, 23, 22);
	unsigned opcode = simd_bits(insn, 16, 12);
	sim_exec_fn fn;

	if ((opcode >= 12 && opcode <= 15) || opcode >= 22)
		return simd_decode_fp_two_misc(insn, out);
	if (opcode >= 12 || !misc_ops[opcode][u][size])
		return decode_misc_special(insn, out, opcode);
	if (size == 3 && !q)
		return false;
	fn = misc_ops[opcode][u][size];
	simd_insn_init(out, insn, fn);
	set_lanes(out, q, size, (q ? 16u : 8u) >> size);
	return true;
}

bool simd_decode_scalar_two_misc(uint32_t insn, struct sim_insn *out)
{
	unsigned u = simd_bit(insn, 29), size = simd_bits(insn, 23, 22);
	unsigned opcode = simd_bits(insn, 16, 12);

	if ((opcode >= 12 && opcode <= 15) || opcode >= 22)
		return simd_decode_fp_two_misc(insn, out);
	switch (opcode) {
	case 3: case 7:			/* SUQADD/USQADD, SQABS/SQNEG: all sizes */
		break;
	case 8: case 9: case 10: case 11:	/* compares with zero, ABS, NEG: D only */
		if (size != 3)
			return false;
		break;
	case 18: case 20:		/* SQXTUN; SQXTN, UQXTN */
		if (size == 3 || (opcode == 18 && !u))
			return false;
		simd_insn_init(out, insn, xtn_ops[size]);
		out->p1 = 1;
		out->p2 = (uint8_t)(opcode == 18 ? XTN_SQU : (u ? XTN_UQ : XTN_SQ));
		return true;
	default:
		return false;
	}
	if (!misc_ops[opcode][u][size])
		return false;
	simd_insn_init(out, insn, misc_ops[opcode][u][size]);
	set_lanes(out, 0, size, 1);
	return true;
}

/* ---- across lanes -------------------------------------------------------------------- */

/*
 * Reductions over p1 lanes of Vn, one handler per operation and element type. The
 * long adds (SADDLV, UADDLV) produce twice the element width.
 */
#define DEF_ACROSS(name, T, RT, INIT, STEP) \
static void h_##name(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	T a[16 / sizeof(T)]; \
	RT r; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(a, &c->v[in->rn], 16); \
	r = (RT)(INIT); \
	for (unsigned i = 1; i < in->p1; i++) \
		r = (RT)(STEP); \
	vreg_set64(c, in->rd, (uint64_t)r & \
			      (sizeof(RT) == 8 ? ~0ull : (1ull << (8 * sizeof(RT))) - 1)); \
	c->pc += 4; \
}
#define DEF_ACROSS_T(sfx, UT, ST, WUT, WST) \
	DEF_ACROSS(addv_##sfx, UT, UT, a[0], r + a[i]) \
	DEF_ACROSS(umaxv_##sfx, UT, UT, a[0], a[i] > r ? a[i] : r) \
	DEF_ACROSS(uminv_##sfx, UT, UT, a[0], a[i] < r ? a[i] : r) \
	DEF_ACROSS(smaxv_##sfx, ST, ST, a[0], a[i] > r ? a[i] : r) \
	DEF_ACROSS(sminv_##sfx, ST, ST, a[0], a[i] < r ? a[i] : r) \
	DEF_ACROSS(uaddlv_##sfx, UT, WUT, a[0], (uint64_t)r + a[i]) \
	DEF_ACROSS(saddlv_##sfx, ST, WST, a[0], (uint64_t)r + (uint64_t)(int64_t)a[i])
DEF_ACROSS_T(8, uint8_t, int8_t, uint16_t, int16_t)
DEF_ACROSS_T(16, uint16_t, int16_t, uint32_t, int32_t)
DEF_ACROSS_T(32, uint32_t, int32_t, uint64_t, int64_t)

#define ACROSS3(name) { h_##name##_8, h_##name##_16, h_##name##_32 }

bool simd_decode_across(uint32_t insn, struct sim_insn *out)
{
	static const sim_exec_fn ops[7][3] = {
		ACROSS3(addv), ACROSS3(umaxv), ACROSS3(smaxv), ACROSS3(uminv), ACROSS3(sminv),
		ACROSS3(uaddlv), ACROSS3(saddlv),
	};
	unsigned q = simd_bit(insn, 30), u = simd_bit(insn, 29), size = simd_bits(insn, 23, 22);
	unsigned opcode = simd_bits(insn, 16, 12);
	int kind;

	switch (opcode) {
	case 3: kind = u ? 5 : 6; break;	/* UADDLV, SADDLV */
	case 10: kind = u ? 1 : 2; break;	/* UMAXV, SMAXV */
	case 26: kind = u ? 3 : 4; break;	/* UMINV, SMINV */
	case 27: kind = u ? -1 : 0; break;	/* ADDV */
	case 12: case 15: return simd_decode_fp_across(insn, out);
	default: kind = -1; break;
	}
	if (kind < 0 || size == 3 || (size == 2 && !q))
		return false;
	simd_insn_init(out, insn, ops[kind][size]);
	out->p1 = (uint8_t)((q ? 16u : 8u) >> size);
	return true;
}

/* ---- scalar pairwise ------------------------------------------------------------------- */

static void h_addp_scalar(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set64(c, in->rd, c->v[in->rn].d[0] + c->v[in->rn].d[1]);
	c->pc += 4;
}

bool simd_decode_scalar_pairwise(uint32_t insn, struct sim_insn *out)
{
	unsigned u = simd_bit(insn, 29), size = simd_bits(insn, 23, 22);
	unsigned opcode = simd_bits(insn, 16, 12);

	if (u)
		return simd_decode_fp_scalar_pairwise(insn, out);
	if (opcode != 27 || size != 3)
		return false;
	simd_insn_init(out, insn, h_addp_scalar);
	return true;
}
