// SPDX-License-Identifier: MIT
/*
 * Advanced SIMD floating point, vector and scalar forms, single and double precision:
 * three same (FADD, FSUB, FMUL, FDIV, FMULX, FMLA, FMLS, FABD, FMAX, FMIN, FMAXNM,
 * FMINNM, the pairwise forms, FCMEQ, FCMGE, FCMGT, FACGE, FACGT, FRECPS, FRSQRTS),
 * two-register misc (FABS, FNEG, FSQRT, FRINT*, FCVT[NPMZA][SU], SCVTF, UCVTF, compares
 * with zero, FCVTN, FCVTL, FCVTXN, the estimates), across lanes (FMAXV, FMINV, FMAXNMV, FMINNMV),
 * fixed-point conversions by immediate, by element (FMUL, FMULX, FMLA, FMLS), scalar
 * pairwise, and the estimates FRECPE, FRSQRTE, FRECPX, URECPE, URSQRTE. Not implemented
 * (UNDEF): FP16 arithmetic, FRINT32/64, BFloat16 and complex-number instructions.
 *
 * sim_insn use: p0 = Q (upper half kept), p1 = lanes (1 for scalar forms), p2 = element
 * size (2 = S, 3 = D; the format is p2 - 1), ra and p3 per handler, imm = the soft-float
 * operation (function pointer) for the generic handlers, pad = fixed-point bits and
 * signedness of the conversions.
 */
#include "sim/a64_fp_soft.h"
#include "sim/a64_simd.h"

typedef uint64_t (*fp_bin_fn)(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr,
			      uint32_t *fpsr);
typedef bool (*fp_pred_fn)(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr,
			   uint32_t *fpsr);

/* Store lanes r[0..1] (64-bit words) with Q: a 64-bit result zeroes the upper half. */
SIMD_INLINE void fpv_store(struct sim_cpu *c, unsigned rd, const uint64_t r[2], bool q)
{
	vreg_set128(c, rd, r[0], q ? r[1] : 0);
}

SIMD_INLINE void fpv_set_lane(uint64_t r[2], unsigned esz, unsigned i, uint64_t v)
{
	if (esz == 3)
		r[i] = v;
	else
		r[i >> 1] |= (v & 0xffffffffull) << (32 * (i & 1));
}

/* ---- three same ---------------------------------------------------------------------- */

/* Lane-wise binary operation: imm = fp_bin_fn; ra bit 0: take absolute value (FABD). */
static void h_fpv_bin(struct sim_cpu *c, const struct sim_insn *in)
{
	fp_bin_fn fn = (fp_bin_fn)(uintptr_t)in->imm;
	unsigned esz = in->p2, fmt = esz - 1;
	uint64_t r[2] = { 0, 0 };

	if (!simd_access_ok(c))
		return;
	for (unsigned i = 0; i < in->p1; i++) {
		uint64_t v = fn(fmt, vreg_elem(c, in->rn, esz, i), vreg_elem(c, in->rm, esz, i),
				c->fpcr, &c->fpsr);

		fpv_set_lane(r, esz, i, in->ra ? fp_abs(fmt, v) : v);
	}
	fpv_store(c, in->rd, r, in->p0);
	c->pc += 4;
}

/* FMLA / FMLS (vector and by element): ra = negate the multiplicand from Vn;
 * p3 = element index + 1 for the by-element forms (0: lane-wise). */
static void h_fpv_fma(struct sim_cpu *c, const struct sim_insn *in)
{
	unsigned esz = in->p2, fmt = esz - 1;
	uint64_t r[2] = { 0, 0 };

	if (!simd_access_ok(c))
		return;
	for (unsigned i = 0; i < in->p1; i++) {
		uint64_t a = vreg_elem(c, in->rn, esz, i);
		uint64_t b = vreg_elem(c, in->rm, esz, in->p3 ? in->p3 - 1u : i);

		if (in->ra)
			a = fp_neg(fmt, a);
		fpv_set_lane(r, esz, i, fp_muladd(fmt, vreg_elem(c, in->rd, esz, i), a, b,
						  c->fpcr, &c->fpsr));
	}
	fpv_store(c, in->rd, r, in->p0);
	c->pc += 4;
}

/* FMUL / FMULX by element: imm = fp_bin_fn, p3 = index + 1. */
static void h_fpv_elem(struct sim_cpu *c, const struct sim_insn *in)
{
	fp_bin_fn fn = (fp_bin_fn)(uintptr_t)in->imm;
	unsigned esz = in->p2, fmt = esz - 1;
	uint64_t r[2] = { 0, 0 }, b = vreg_elem(c, in->rm, esz, in->p3 - 1u);

	if (!simd_access_ok(c))
		return;
	for (unsigned i = 0; i < in->p1; i++)
		fpv_set_lane(r, esz, i, fn(fmt, vreg_elem(c, in->rn, esz, i), b, c->fpcr,
					   &c->fpsr));
	fpv_store(c, in->rd, r, in->p0);
	c->pc += 4;
}

/* Compare to a lane mask: imm = fp_pred_fn; ra bits: 1 compare with +0.0 (replacing
 * the second operand), 2 swap the operands, 4 compare absolute values. */
#define CMP_ZERO 1u
#define CMP_SWAP 2u
#define CMP_ABS 4u

static void h_fpv_cmp(struct sim_cpu *c, const struct sim_insn *in)
{
	fp_pred_fn fn = (fp_pred_fn)(uintptr_t)in->imm;
	unsigned esz = in->p2, fmt = esz - 1;
	uint64_t r[2] = { 0, 0 }, ones = esz == 3 ? ~0ull : 0xffffffffull;

	if (!simd_access_ok(c))
		return;
	for (unsigned i = 0; i < in->p1; i++) {
		uint64_t a = vreg_elem(c, in->rn, esz, i);
		uint64_t b = in->ra & CMP_ZERO ? 0 : vreg_elem(c, in->rm, esz, i), t;

		if (in->ra & CMP_ABS) {
			a = fp_abs(fmt, a);
			b = fp_abs(fmt, b);
		}
		if (in->ra & CMP_SWAP) {
			t = a;
			a = b;
			b = t;
		}
		fpv_set_lane(r, esz, i, fn(fmt, a, b, c->fpcr, &c->fpsr) ? ones : 0);
	}
	fpv_store(c, in->rd, r, in->p0);
	c->pc += 4;
}

/* Pairwise (vector: over Vm:Vn; scalar: the two elements of Vn): imm = fp_bin_fn. */
static void h_fpv_pair(struct sim_cpu *c, const struct sim_insn *in)
{
	fp_bin_fn fn = (fp_bin_fn)(uintptr_t)in->imm;
	unsigned esz = in->p2, fmt = esz - 1, n = in->p1;
	uint64_t cat[8], r[2] = { 0, 0 };

	if (!simd_access_ok(c))
		return;
	for (unsigned i = 0; i < n; i++) {
		cat[i] = vreg_elem(c, in->rn, esz, i);
		cat[n + i] = vreg_elem(c, in->rm, esz, i);
	}
	if (n == 1)	/* scalar: both elements from Vn */
		cat[1] = vreg_elem(c, in->rn, esz, 1);
	for (unsigned i = 0; i < n; i++)
		fpv_set_lane(r, esz, i, fn(fmt, cat[2 * i], cat[2 * i + 1], c->fpcr, &c->fpsr));
	fpv_store(c, in->rd, r, in->p0);
	c->pc += 4;
}

struct fp3_op {
	fp_bin_fn fn;
	enum { FP3_BIN, FP3_ABD, FP3_FMA, FP3_FMS, FP3_PAIR, FP3_CMP } kind;
	fp_pred_fn pred;
	uint8_t cmp_flags;
	bool scalar_ok;
};

/* Indexed by U:a:opcode<2:0> (opcode 11xxx). */
static const struct fp3_op fp3_ops[32] = {
	[0x00] = { .fn = fp_maxnm, .kind = FP3_BIN },
	[0x01] = { .kind = FP3_FMA },
	[0x02] = { .fn = fp_add, .kind = FP3_BIN },
	[0x03] = { .fn = fp_mulx, .kind = FP3_BIN, .scalar_ok = true },
	[0x04] = { .kind = FP3_CMP, .pred = fp_compare_eq, .scalar_ok = true },
	[0x06] = { .fn = fp_max, .kind = FP3_BIN },
	[0x07] = { .fn = fp_recip_step, .kind = FP3_BIN, .scalar_ok = true },
	[0x08] = { .fn = fp_minnm, .kind = FP3_BIN },
	[0x09] = { .kind = FP3_FMS },
	[0x0a] = { .fn = fp_sub, .kind = FP3_BIN },
	[0x0e] = { .fn = fp_min, .kind = FP3_BIN },
	[0x0f] = { .fn = fp_rsqrt_step, .kind = FP3_BIN, .scalar_ok = true },
	[0x10] = { .fn = fp_maxnm, .kind = FP3_PAIR },
	[0x12] = { .fn = fp_add, .kind = FP3_PAIR },
	[0x13] = { .fn = fp_mul, .kind = FP3_BIN },
	[0x14] = { .kind = FP3_CMP, .pred = fp_compare_ge, .scalar_ok = true },
	[0x15] = { .kind = FP3_CMP, .pred = fp_compare_ge, .cmp_flags = CMP_ABS, .scalar_ok = true },
	[0x16] = { .fn = fp_max, .kind = FP3_PAIR },
	[0x17] = { .fn = fp_div, .kind = FP3_BIN },
	[0x18] = { .fn = fp_minnm, .kind = FP3_PAIR },
	[0x1a] = { .fn = fp_sub, .kind = FP3_ABD, .scalar_ok = true },
	[0x1c] = { .kind = FP3_CMP, .pred = fp_compare_gt, .scalar_ok = true },
	[0x1d] = { .kind = FP3_CMP, .pred = fp_compare_gt, .cmp_flags = CMP_ABS, .scalar_ok = true },
	[0x1e] = { .fn = fp_min, .kind = FP3_PAIR },
};

/* Shared by vector (scalar false) and scalar three same, opcode >= 24. */
bool simd_decode_fp_three_same(uint32_t insn, struct sim_insn *out)
{
	bool scalar = simd_bit(insn, 28);
	unsigned q = simd_bit(insn, 30), sz = simd_bit(insn, 22);
	unsigned idx = (simd_bit(insn, 29) << 4) | (simd_bit(insn, 23) << 3) | simd_bits(insn, 13, 11);
	const struct fp3_op *op = &fp3_ops[idx];

	if (!op->fn && !op->pred && op->kind != FP3_FMA && op->kind != FP3_FMS)
		return false;
	if (scalar ? !op->scalar_ok : (sz && !q))
		return false;
	simd_insn_init(out, insn, h_fpv_bin);
	out->p0 = (uint8_t)(scalar ? 0 : q);
	out->p1 = (uint8_t)(scalar ? 1 : (q ? 4u : 2u) >> sz);
	out->p2 = (uint8_t)(2 + sz);
	out->imm = (uint64_t)(uintptr_t)op->fn;
	switch (op->kind) {
	case FP3_ABD:
		out->ra = 1;
		break;
	case FP3_FMA: case FP3_FMS:
		out->fn = h_fpv_fma;
		out->ra = op->kind == FP3_FMS;
		break;
	case FP3_PAIR:
		out->fn = h_fpv_pair;
		break;
	case FP3_CMP:
		out->fn = h_fpv_cmp;
		out->ra = op->cmp_flags;
		out->imm = (uint64_t)(uintptr_t)op->pred;
		break;
	default:
		out->ra = 0;
		break;
	}
	return true;
}

/* ---- two-register miscellaneous ------------------------------------------------------- */

enum { UN_ABS, UN_NEG, UN_SQRT, UN_RINT, UN_TOINT, UN_FROMINT, UN_RECPE, UN_RSQRTE,
       UN_RECPX, UN_URECPE, UN_URSQRTE };

/* URECPE / URSQRTE on a 32-bit lane: 9-bit estimates of 1/x and 1/sqrt(x), x in [0.5, 1)
 * or [0.25, 1) as fixed point; all ones outside that range. */
static uint64_t unsigned_estimate(uint64_t a, bool rsqrt)
{
	if (rsqrt ? !(a >> 30) : !(a >> 31))
		return 0xffffffffull;
	if (rsqrt)
		return (uint64_t)fp_rsqrt_estimate_int((unsigned)(a >> 23)) << 23;
	return (uint64_t)fp_recip_estimate_int((unsigned)(a >> 23)) << 23;
}

/* Unary lane-wise: ra = kind; p3: rounding (0xff: FPCR) for RINT/TOINT, and bit 7 of
 * pad: unsigned; bits 6:0 of pad: fbits; imm bit 0: exact (FRINTX). */
static void h_fpv_unary(struct sim_cpu *c, const struct sim_insn *in)
{
	unsigned esz = in->p2, fmt = esz - 1, bits = 8u << esz;
	unsigned rnd = in->p3 == 0xff ? fp_rmode(c->fpcr) : in->p3;
	bool uns = in->pad & 0x80;
	unsigned fbits = in->pad & 0x7f;
	uint64_t r[2] = { 0, 0 };

	if (!simd_access_ok(c))
		return;
	for (unsigned i = 0; i < in->p1; i++) {
		uint64_t a = vreg_elem(c, in->rn, esz, i), v;

		switch (in->ra) {
		case UN_ABS: v = fp_abs(fmt, a); break;
		case UN_NEG: v = fp_neg(fmt, a); break;
		case UN_SQRT: v = fp_sqrt(fmt, a, c->fpcr, &c->fpsr); break;
		case UN_RINT: v = fp_round_int(fmt, a, rnd, in->imm & 1, c->fpcr, &c->fpsr); break;
		case UN_TOINT:
			v = fp_to_fixed(fmt, a, fbits, uns, bits, rnd, c->fpcr, &c->fpsr);
			break;
		case UN_RECPE: v = fp_recip_estimate(fmt, a, c->fpcr, &c->fpsr); break;
		case UN_RSQRTE: v = fp_rsqrt_estimate(fmt, a, c->fpcr, &c->fpsr); break;
		case UN_RECPX: v = fp_recpx(fmt, a, c->fpcr, &c->fpsr); break;
		case UN_URECPE: v = unsigned_estimate(a, false); break;
		case UN_URSQRTE: v = unsigned_estimate(a, true); break;
		default:
			v = fp_from_fixed(fmt, a, fbits, uns, bits, fp_rmode(c->fpcr), c->fpcr,
					  &c->fpsr);
			break;
		}
		fpv_set_lane(r, esz, i, v);
	}
	fpv_store(c, in->rd, r, in->p0);
	c->pc += 4;
}

/* FCVTN/FCVTXN (narrow, p3 = rounding or 0xff) and FCVTL (widen): p2 = the wide
 * element size, ra = 1 for widening, p0 = Q (the upper half). p1 lanes. */
static void h_fpv_cvt_width(struct sim_cpu *c, const struct sim_insn *in)
{
	unsigned wesz = in->p2, wfmt = wesz - 1, nfmt = wfmt - 1;
	unsigned rnd = in->p3 == 0xff ? fp_rmode(c->fpcr) : in->p3;
	uint64_t r[2] = { 0, 0 };

	if (!simd_access_ok(c))
		return;
	if (in->ra) {		/* FCVTL{2}: narrow lanes from the selected half */
		for (unsigned i = 0; i < in->p1; i++) {
			uint64_t a = vreg_elem(c, in->rn, wesz - 1, i + (in->p0 ? in->p1 : 0));

			fpv_set_lane(r, wesz, i, fp_convert(nfmt, wfmt, a, c->fpcr, &c->fpsr));
		}
		vreg_set128(c, in->rd, r[0], r[1]);
	} else {		/* FCVTN{2}, FCVTXN{2}: to the lower or upper half */
		uint64_t lo = 0;

		for (unsigned i = 0; i < in->p1; i++) {
			uint64_t v = fp_convert_round(wfmt, nfmt, vreg_elem(c, in->rn, wesz, i), rnd,
						      c->fpcr, &c->fpsr);

			lo |= v << (i * (4u << wesz));
		}
		if (in->p0)
			c->v[in->rd].d[1] = lo;
		else
			vreg_set64(c, in->rd, lo);
	}
	c->pc += 4;
}

static void fp_lanes(struct sim_insn *out, bool scalar, unsigned q, unsigned sz)
{
	out->p0 = (uint8_t)(scalar ? 0 : q);
	out->p1 = (uint8_t)(scalar ? 1 : (q ? 4u : 2u) >> sz);
	out->p2 = (uint8_t)(2 + sz);
}

static bool decode_fp_cvt_width(uint32_t insn, struct sim_insn *out, bool scalar,
				unsigned opcode)
{
	unsigned q = simd_bit(insn, 30), u = simd_bit(insn, 29), sz = simd_bit(insn, 22);

	if (simd_bit(insn, 23))		/* BFCVTN (BFloat16), unallocated */
		return false;
	simd_insn_init(out, insn, h_fpv_cvt_width);
	out->p0 = (uint8_t)(scalar ? 0 : q);
	out->p2 = (uint8_t)(2 + sz);		/* the wide element: S (from H) or D */
	out->p3 = 0xff;
	if (opcode == 23) {			/* FCVTL */
		if (u || scalar)
			return false;
		out->ra = 1;
		out->p1 = (uint8_t)(4u >> sz);
		return true;
	}
	if (u) {				/* FCVTXN: D to S, round to odd */
		if (!sz)
			return false;
		out->p3 = FPR_ODD;
	}
	out->p1 = (uint8_t)(scalar ? 1 : 4u >> sz);
	return !scalar || u;
}

static bool decode_fp_cmp0(uint32_t insn, struct sim_insn *out, unsigned opcode, unsigned u)
{
	/* FCMGT, FCMEQ, FCMLT (U=0); FCMGE, FCMLE (U=1) against +0.0. */
	static const struct { fp_pred_fn fn; uint8_t flags; } ops[2][3] = {
		{ { fp_compare_gt, CMP_ZERO }, { fp_compare_eq, CMP_ZERO },
		  { fp_compare_gt, CMP_ZERO | CMP_SWAP } },
		{ { fp_compare_ge, CMP_ZERO }, { fp_compare_ge, CMP_ZERO | CMP_SWAP }, { NULL, 0 } },
	};
	unsigned k = opcode - 12;

	if (!ops[u][k].fn)
		return false;
	out->fn = h_fpv_cmp;
	out->imm = (uint64_t)(uintptr_t)ops[u][k].fn;
	out->ra = ops[u][k].flags;
	return true;
}

/* Two-register misc FP, vector and scalar (opcodes 12..15 and 22..31). */
bool simd_decode_fp_two_misc(uint32_t insn, struct sim_insn *out)
{
	static const uint8_t rint_modes[2][4] = {
		{ FPR_TIEEVEN, FPR_NEGINF, FPR_POSINF, FPR_ZERO },	/* FRINTN, M, P, Z */
		{ FPR_TIEAWAY, 0xff, 0, 0xff },				/* FRINTA, X, -, I */
	};
	bool scalar = simd_bit(insn, 28);
	unsigned q = simd_bit(insn, 30), u = simd_bit(insn, 29), a = simd_bit(insn, 23);
	unsigned sz = simd_bit(insn, 22), opcode = simd_bits(insn, 16, 12);

	if (opcode == 22 || opcode == 23)
		return decode_fp_cvt_width(insn, out, scalar, opcode);
	if (!scalar && sz && !q)
		return false;
	simd_insn_init(out, insn, h_fpv_unary);
	fp_lanes(out, scalar, q, sz);
	if (opcode >= 12 && opcode <= 14)
		return a && decode_fp_cmp0(insn, out, opcode, u);
	switch (opcode) {
	case 15:		/* FABS, FNEG */
		out->ra = u ? UN_NEG : UN_ABS;
		return a && !scalar;
	case 24: case 25:	/* FRINT* */
		out->ra = UN_RINT;
		out->p3 = rint_modes[u][(opcode - 24) | (a << 1)];
		out->imm = u && !a && opcode == 25;	/* FRINTX */
		return !scalar && !(u && a && opcode == 24);
	case 26: case 27: case 28: {	/* FCVT{N,M,A}{S,U}, FCVT{P,Z}{S,U} */
		static const uint8_t modes[2][3] = {
			{ FPR_TIEEVEN, FPR_NEGINF, FPR_TIEAWAY }, { FPR_POSINF, FPR_ZERO, 0 } };

		if (a && opcode == 28) {	/* URECPE, URSQRTE: 32-bit lanes, vector only */
			out->ra = u ? UN_URSQRTE : UN_URECPE;
			return !scalar && !sz;
		}
		out->ra = UN_TOINT;
		out->p3 = modes[a][opcode - 26];
		out->pad = u ? 0x80 : 0;
		return true;
	}
	case 29:		/* SCVTF, UCVTF; FRECPE, FRSQRTE */
		out->ra = a ? (u ? UN_RSQRTE : UN_RECPE) : UN_FROMINT;
		out->pad = u ? 0x80 : 0;
		return true;
	case 31:		/* FSQRT (vector), FRECPX (scalar) */
		out->ra = u ? UN_SQRT : UN_RECPX;
		return a && (u ? !scalar : scalar);
	default:
		return false;
	}
}

/* ---- fixed-point conversions by immediate ------------------------------------------- */

bool simd_decode_fp_shift_imm(uint32_t insn, struct sim_insn *out)
{
	bool scalar = simd_bit(insn, 28);
	unsigned q = simd_bit(insn, 30), u = simd_bit(insn, 29), immh = simd_bits(insn, 22, 19);
	unsigned immhb = simd_bits(insn, 22, 16), opcode = simd_bits(insn, 15, 11);
	unsigned sz;

	if (immh < 4)		/* FP16 (001x) and reserved */
		return false;
	sz = immh >= 8;
	if (!scalar && sz && !q)
		return false;
	if (opcode != 28 && opcode != 31)
		return false;
	simd_insn_init(out, insn, h_fpv_unary);
	fp_lanes(out, scalar, q, sz);
	out->ra = opcode == 28 ? UN_FROMINT : UN_TOINT;
	out->p3 = FPR_ZERO;
	out->pad = (u ? 0x80 : 0) | ((64u << sz) - immhb);
	return true;
}

/* ---- across lanes -------------------------------------------------------------------- */

/* FMAXV, FMINV, FMAXNMV, FMINNMV over four singles: op(op(e0, e1), op(e2, e3)). */
static void h_fp_across(struct sim_cpu *c, const struct sim_insn *in)
{
	fp_bin_fn fn = (fp_bin_fn)(uintptr_t)in->imm;
	uint64_t lo, hi;

	if (!simd_access_ok(c))
		return;
	lo = fn(FP_S, c->v[in->rn].s[0], c->v[in->rn].s[1], c->fpcr, &c->fpsr);
	hi = fn(FP_S, c->v[in->rn].s[2], c->v[in->rn].s[3], c->fpcr, &c->fpsr);
	vreg_set64(c, in->rd, fn(FP_S, lo, hi, c->fpcr, &c->fpsr));
	c->pc += 4;
}

bool simd_decode_fp_across(uint32_t insn, struct sim_insn *out)
{
	unsigned q = simd_bit(insn, 30), u = simd_bit(insn, 29), a = simd_bit(insn, 23);
	unsigned sz = simd_bit(insn, 22), opcode = simd_bits(insn, 16, 12);
	fp_bin_fn fn;

	if (!u || sz || !q)	/* U=0: FP16; only the 4S arrangement exists */
		return false;
	if (opcode == 12)
		fn = a ? fp_minnm : fp_maxnm;
	else
		fn = a ? fp_min : fp_max;
	simd_insn_init(out, insn, h_fp_across);
	out->imm = (uint64_t)(uintptr_t)fn;
	return true;
}

/* ---- scalar pairwise ----------------------------------------------------------------- */

bool simd_decode_fp_scalar_pairwise(uint32_t insn, struct sim_insn *out)
{
	unsigned a = simd_bit(insn, 23), sz = simd_bit(insn, 22), opcode = simd_bits(insn, 16, 12);
	fp_bin_fn fn;

	switch (opcode) {
	case 12: fn = a ? fp_minnm : fp_maxnm; break;
	case 13: fn = a ? NULL : fp_add; break;
	case 15: fn = a ? fp_min : fp_max; break;
	default: fn = NULL; break;
	}
	if (!fn)
		return false;
	simd_insn_init(out, insn, h_fpv_pair);
	fp_lanes(out, true, 0, sz);
	out->imm = (uint64_t)(uintptr_t)fn;
	return true;
}

/* ---- by element --------------------------------------------------------------------- */

/* FMLA, FMLS, FMUL, FMULX by element; vector (scalar false) and scalar. */
static bool decode_fp_elem(uint32_t insn, struct sim_insn *out, bool scalar)
{
	unsigned q = simd_bit(insn, 30), u = simd_bit(insn, 29), size = simd_bits(insn, 23, 22);
	unsigned opcode = simd_bits(insn, 15, 12), sz = size & 1;
	unsigned h = simd_bit(insn, 11), l = simd_bit(insn, 21), index;

	if (size < 2 || (!scalar && sz && !q) || (sz && l))	/* FP16; D needs L == 0 */
		return false;
	index = sz ? h : (h << 1) | l;
	simd_insn_init(out, insn, h_fpv_elem);
	fp_lanes(out, scalar, q, sz);
	out->p3 = (uint8_t)(index + 1);
	switch (opcode) {
	case 1: case 5:		/* FMLA, FMLS */
		if (u)
			return false;
		out->fn = h_fpv_fma;
		out->ra = opcode == 5;
		return true;
	default:		/* 9: FMUL, FMULX */
		out->imm = (uint64_t)(uintptr_t)(u ? fp_mulx : fp_mul);
		return true;
	}
}

bool simd_decode_fp_indexed(uint32_t insn, struct sim_insn *out)
{
	return decode_fp_elem(insn, out, false);
}

bool simd_decode_scalar_indexed(uint32_t insn, struct sim_insn *out)
{
	unsigned opcode = simd_bits(insn, 15, 12);

	if (opcode != 1 && opcode != 5 && opcode != 9)
		return false;	/* integer scalar by element (SQDMULH, ...) not modelled: UNDEFINED (docs/SIM.md) */
	return decode_fp_elem(insn, out, true);
}
