// SPDX-License-Identifier: MIT
/*
 * Advanced SIMD widening and narrowing "three different" instructions (SADDL/UADDL,
 * SADDW, SSUBL, SSUBW, SABAL, SABDL, SMLAL, SMLSL, SMULL and their unsigned forms,
 * SQDMLAL, SQDMLSL, SQDMULL, PMULL (8-bit), ADDHN, SUBHN, RADDHN, RSUBHN) and the
 * integer "by element" instructions (MUL, MLA, MLS, SMULL/UMULL, SMLAL/UMLAL,
 * SMLSL/UMLSL, SQDMULL, SQDMLAL, SQDMLSL, SQDMULH, SQRDMULH).
 *
 * sim_insn use: p0 = byte offset of the source half (0, or 8 for the "2" forms);
 * by element: p2 = element index in Vm, p1 = Q for same-width forms.
 */
#include "sim/a64_fp_soft.h"
#include "sim/a64_simd.h"

/* Saturate v to a signed value of `bits` bits. */
SIMD_INLINE int64_t sat_signed(__int128 v, unsigned bits, bool *qc)
{
	__int128 hi = ((__int128)1 << (bits - 1)) - 1, lo = -hi - 1;

	if (v > hi || v < lo) {
		*qc = true;
		return (int64_t)(v > hi ? hi : lo);
	}
	return (int64_t)v;
}

/* SQDMULL of one lane pair, then an optional saturating accumulate (+1 or -1). */
SIMD_INLINE uint64_t sqdml(int64_t acc, int64_t x, int64_t y, int accumulate, unsigned wbits,
			   bool *qc)
{
	int64_t p = sat_signed((__int128)x * y * 2, wbits, qc);

	if (!accumulate)
		return (uint64_t)p;
	return (uint64_t)sat_signed((__int128)acc + accumulate * (__int128)p, wbits, qc);
}

/*
 * Widening: lanes of the selected half of Vn (or all of Vn for the "W" forms, WIDE) and
 * of Vm (or one element of Vm, BYELEM) combine into double-width lanes. In EXPR, x and y
 * are the operands widened to 64 bits per the source signedness (sx, sy the same as
 * int64_t), acc the destination lane, wb the destination lane width.
 */
#define DEFW(name, sfx, ST, DT, WIDE, BYELEM, EXPR) \
static void h_##name##_##sfx(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	enum { N = 8 / sizeof(ST) }; \
	const unsigned wb __attribute__((unused)) = 16 * sizeof(ST); \
	ST nb[N], mb[N]; \
	DT wa[N], dd[N], r[N]; \
	bool qc = false; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(nb, c->v[in->rn].b + in->p0, 8); \
	memcpy(wa, &c->v[in->rn], 16); \
	if (BYELEM) \
		memcpy(&mb[0], c->v[in->rm].b + in->p2 * sizeof(ST), sizeof(ST)); \
	else \
		memcpy(mb, c->v[in->rm].b + in->p0, 8); \
	memcpy(dd, &c->v[in->rd], 16); \
	for (unsigned i = 0; i < N; i++) { \
		ST yv = BYELEM ? mb[0] : mb[i]; \
		int64_t sx = WIDE ? (int64_t)wa[i] : (int64_t)nb[i], sy = yv; \
		uint64_t x = WIDE ? (uint64_t)wa[i] : (uint64_t)(int64_t)nb[i]; \
		uint64_t y = (uint64_t)sy, acc __attribute__((unused)) = (uint64_t)dd[i]; \
		(void)sx; (void)x; (void)y; \
		r[i] = (DT)(EXPR); \
	} \
	if (qc) \
		c->fpsr |= FPSR_QC; \
	memcpy(&c->v[in->rd], r, 16); \
	c->pc += 4; \
}

#define ABD (uint64_t)(sx > sy ? sx - sy : sy - sx)

/* One name, the six signed/unsigned source types. */
#define DEFW_SU(name, WIDE, BYELEM, EXPR) \
	DEFW(name, s8, int8_t, int16_t, WIDE, BYELEM, EXPR) \
	DEFW(name, u8, uint8_t, uint16_t, WIDE, BYELEM, EXPR) \
	DEFW(name, s16, int16_t, int32_t, WIDE, BYELEM, EXPR) \
	DEFW(name, u16, uint16_t, uint32_t, WIDE, BYELEM, EXPR) \
	DEFW(name, s32, int32_t, int64_t, WIDE, BYELEM, EXPR) \
	DEFW(name, u32, uint32_t, uint64_t, WIDE, BYELEM, EXPR)
/* The by-element forms exist for H and S sources only. */
#define DEFW_SU_HS(name, WIDE, BYELEM, EXPR) \
	DEFW(name, s16, int16_t, int32_t, WIDE, BYELEM, EXPR) \
	DEFW(name, u16, uint16_t, uint32_t, WIDE, BYELEM, EXPR) \
	DEFW(name, s32, int32_t, int64_t, WIDE, BYELEM, EXPR) \
	DEFW(name, u32, uint32_t, uint64_t, WIDE, BYELEM, EXPR)
#define W_SU(name) { { h_##name##_s8, h_##name##_s16, h_##name##_s32 }, \
		     { h_##name##_u8, h_##name##_u16, h_##name##_u32 } }

DEFW_SU(addl, 0, 0, x + y)
DEFW_SU(addw, 1, 0, x + y)
DEFW_SU(subl, 0, 0, x - y)
DEFW_SU(subw, 1, 0, x - y)
DEFW_SU(abal, 0, 0, acc + ABD)
DEFW_SU(abdl, 0, 0, ABD)
DEFW_SU(mlal, 0, 0, acc + x * y)
DEFW_SU(mlsl, 0, 0, acc - x * y)
DEFW_SU(mull, 0, 0, x * y)
DEFW_SU_HS(mlal_e, 0, 1, acc + x * y)
DEFW_SU_HS(mlsl_e, 0, 1, acc - x * y)
DEFW_SU_HS(mull_e, 0, 1, x * y)

#define DEFW_SQ(name, BYELEM, ACC) \
	DEFW(name, s16, int16_t, int32_t, 0, BYELEM, sqdml((int32_t)acc, sx, sy, ACC, wb, &qc)) \
	DEFW(name, s32, int32_t, int64_t, 0, BYELEM, sqdml((int64_t)acc, sx, sy, ACC, wb, &qc))
DEFW_SQ(sqdmull, 0, 0)
DEFW_SQ(sqdmlal, 0, 1)
DEFW_SQ(sqdmlsl, 0, -1)
DEFW_SQ(sqdmull_e, 1, 0)
DEFW_SQ(sqdmlal_e, 1, 1)
DEFW_SQ(sqdmlsl_e, 1, -1)

/* Polynomial multiply 8 x 8 -> 16 bits. */
static uint64_t pmull8(uint64_t x, uint64_t y)
{
	uint64_t r = 0;

	for (unsigned i = 0; i < 8; i++)
		if (y & (1u << i))
			r ^= (x & 0xff) << i;
	return r;
}
DEFW(pmull, p8, uint8_t, uint16_t, 0, 0, pmull8(x, y))

/*
 * Narrowing high half: (a +- b + round) >> half-width of the wide lanes of Vn and Vm,
 * written to the low half of Vd (upper zeroed) or, for the "2" forms, to its upper half.
 */
#define DEFHN(name, NT, WT, SUB, ROUND) \
static void h_##name(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	enum { N = 8 / sizeof(NT), NB = 8 * sizeof(NT) }; \
	WT a[N], b[N]; \
	NT r[N]; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(a, &c->v[in->rn], 16); \
	memcpy(b, &c->v[in->rm], 16); \
	for (unsigned i = 0; i < N; i++) { \
		uint64_t s = SUB ? (uint64_t)a[i] - b[i] : (uint64_t)a[i] + b[i]; \
		r[i] = (NT)((s + (ROUND ? 1ull << (NB - 1) : 0)) >> NB); \
	} \
	if (in->p0) { \
		memcpy(c->v[in->rd].b + 8, r, 8); \
	} else { \
		memcpy(&c->v[in->rd], r, 8); \
		c->v[in->rd].d[1] = 0; \
	} \
	c->pc += 4; \
}
#define DEFHN_ALL(name, SUB, ROUND) \
	DEFHN(name##_8, uint8_t, uint16_t, SUB, ROUND) \
	DEFHN(name##_16, uint16_t, uint32_t, SUB, ROUND) \
	DEFHN(name##_32, uint32_t, uint64_t, SUB, ROUND)
DEFHN_ALL(addhn, 0, 0)
DEFHN_ALL(raddhn, 0, 1)
DEFHN_ALL(subhn, 1, 0)
DEFHN_ALL(rsubhn, 1, 1)
#define HN(name) { h_##name##_8, h_##name##_16, h_##name##_32 }

/* [opcode][U][size 0..2] */
static const sim_exec_fn three_diff[15][2][3] = {
	[0] = W_SU(addl),
	[1] = W_SU(addw),
	[2] = W_SU(subl),
	[3] = W_SU(subw),
	[4] = { HN(addhn), HN(raddhn) },
	[5] = W_SU(abal),
	[6] = { HN(subhn), HN(rsubhn) },
	[7] = W_SU(abdl),
	[8] = W_SU(mlal),
	[9] = { { NULL, h_sqdmlal_s16, h_sqdmlal_s32 } },
	[10] = W_SU(mlsl),
	[11] = { { NULL, h_sqdmlsl_s16, h_sqdmlsl_s32 } },
	[12] = W_SU(mull),
	[13] = { { NULL, h_sqdmull_s16, h_sqdmull_s32 } },
	[14] = { { h_pmull_p8 } },
};

bool simd_decode_three_diff(uint32_t insn, struct sim_insn *out)
{
	unsigned q = simd_bit(insn, 30), u = simd_bit(insn, 29), size = simd_bits(insn, 23, 22);
	unsigned opcode = simd_bits(insn, 15, 12);

	if (opcode >= 15 || size == 3 || !three_diff[opcode][u][size])
		return false;
	simd_insn_init(out, insn, three_diff[opcode][u][size]);
	out->p0 = (uint8_t)(q ? 8 : 0);
	return true;
}

/* ---- by element, same width: MUL, MLA, MLS, SQDMULH, SQRDMULH ------------------------ */

/* p1 = Q, p2 = index; lanes multiply by element p2 of Vm. */
#define DEFE_N(name, bits, EXPR) \
static void h_##name##_##bits(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	typedef VU_##bits U; \
	U a, d __attribute__((unused)), r; \
	uint##bits##_t e; \
	if (!simd_access_ok(c)) \
		return; \
	a = SIMD_VLOAD(U, c, in->rn); \
	d = SIMD_VLOAD(U, c, in->rd); \
	memcpy(&e, c->v[in->rm].b + in->p2 * (bits / 8), bits / 8); \
	r = (EXPR); \
	SIMD_VSTORE(c, in->rd, r, in->p1, ~0ull); \
	c->pc += 4; \
}
DEFE_N(mul_e, 16, a * e)
DEFE_N(mul_e, 32, a * e)
DEFE_N(mla_e, 16, d + a * e)
DEFE_N(mla_e, 32, d + a * e)
DEFE_N(mls_e, 16, d - a * e)
DEFE_N(mls_e, 32, d - a * e)

SIMD_INLINE uint64_t sqdmulh_lane(int64_t x, int64_t y, bool round, unsigned bits, bool *qc)
{
	__int128 p = (__int128)x * y * 2 + (round ? (__int128)1 << (bits - 1) : 0);

	return (uint64_t)sat_signed(p >> bits, bits, qc);
}

#define DEFE_SQ(name, bits, ROUND) \
static void h_##name##_##bits(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	enum { N = 128 / bits }; \
	int##bits##_t a[N], e; \
	uint##bits##_t r[N] = { 0 }; \
	unsigned n = in->p1 ? N : N / 2; \
	bool qc = false; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(a, &c->v[in->rn], 16); \
	memcpy(&e, c->v[in->rm].b + in->p2 * (bits / 8), bits / 8); \
	for (unsigned i = 0; i < n; i++) \
		r[i] = (uint##bits##_t)sqdmulh_lane(a[i], e, ROUND, bits, &qc); \
	if (qc) \
		c->fpsr |= FPSR_QC; \
	memcpy(&c->v[in->rd], r, 16); \
	c->pc += 4; \
}
DEFE_SQ(sqdmulh_e, 16, false)
DEFE_SQ(sqdmulh_e, 32, false)
DEFE_SQ(sqrdmulh_e, 16, true)
DEFE_SQ(sqrdmulh_e, 32, true)

/* [opcode][U]: [size - 1] handlers for H and S. */
struct elem_op {
	sim_exec_fn fn[2][2];
};

#define E2(name) { h_##name##_16, h_##name##_32 }
#define EW(name) { h_##name##_s16, h_##name##_s32 }, { h_##name##_u16, h_##name##_u32 }

static const struct elem_op elem_ops[14] = {
	[0x0] = { { { NULL }, E2(mla_e) } },
	[0x2] = { { EW(mlal_e) } },
	[0x3] = { { { h_sqdmlal_e_s16, h_sqdmlal_e_s32 } } },
	[0x4] = { { { NULL }, E2(mls_e) } },
	[0x6] = { { EW(mlsl_e) } },
	[0x7] = { { { h_sqdmlsl_e_s16, h_sqdmlsl_e_s32 } } },
	[0x8] = { { E2(mul_e) } },
	[0xa] = { { EW(mull_e) } },
	[0xb] = { { { h_sqdmull_e_s16, h_sqdmull_e_s32 } } },
	[0xc] = { { E2(sqdmulh_e) } },
	[0xd] = { { E2(sqrdmulh_e) } },
};

bool simd_decode_indexed(uint32_t insn, struct sim_insn *out)
{
	unsigned q = simd_bit(insn, 30), u = simd_bit(insn, 29), size = simd_bits(insn, 23, 22);
	unsigned opcode = simd_bits(insn, 15, 12);
	unsigned h = simd_bit(insn, 11), l = simd_bit(insn, 21), m = simd_bit(insn, 20);
	sim_exec_fn fn;

	if (opcode == 1 || opcode == 5 || opcode == 9)
		return simd_decode_fp_indexed(insn, out);
	if (opcode >= 14 || size == 0 || size == 3 || !(fn = elem_ops[opcode].fn[u][size - 1]))
		return false;
	simd_insn_init(out, insn, fn);
	if (size == 1) {	/* H: index H:L:M, Vm in V0-V15 */
		out->p2 = (uint8_t)((h << 2) | (l << 1) | m);
		out->rm = (uint8_t)simd_bits(insn, 19, 16);
	} else {		/* S: index H:L */
		out->p2 = (uint8_t)((h << 1) | l);
	}
	out->p0 = (uint8_t)(q ? 8 : 0);	/* widening forms: source half */
	out->p1 = (uint8_t)q;		/* same-width forms: Q */
	return true;
}
