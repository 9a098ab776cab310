// SPDX-License-Identifier: MIT
/*
 * Scalar floating point (Arm ARM C4.1.96 "floating-point data processing" groups):
 * FMOV (register, general, immediate, top half), arithmetic, FMADD family, compares,
 * FCCMP, FCSEL, FCVT between precisions, FRINT*, conversions to and from W/X registers
 * (also fixed-point). Single and double precision; half precision only for FMOV and
 * FCVT. The arithmetic is a64_fp_soft.c; handlers here move operands and flags.
 *
 * sim_insn use: rd/rn/rm/ra registers; p0 = format (enum fp_fmt); the rest per handler.
 */
#include "sim/a64_fp_soft.h"
#include "sim/a64_simd.h"

/* Read the low element of a register for format fmt. */
SIMD_INLINE uint64_t fp_reg(const struct sim_cpu *c, unsigned r, unsigned fmt)
{
	switch (fmt) {
	case FP_H: return c->v[r].h[0];
	case FP_S: return c->v[r].s[0];
	default: return c->v[r].d[0];
	}
}

/* ---- two-source arithmetic --------------------------------------------------------- */

static uint64_t fp_nmul(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	return fp_neg(fmt, fp_mul(fmt, a, b, fpcr, fpsr));
}

#define DEF_FP2_FMT(name, fn, fmt, sfx) \
static void h_##name##_##sfx(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	if (!simd_access_ok(c)) \
		return; \
	vreg_set64(c, in->rd, fn(fmt, fp_reg(c, in->rn, fmt), fp_reg(c, in->rm, fmt), \
				 c->fpcr, &c->fpsr)); \
	c->pc += 4; \
}
#define DEF_FP2(name, fn) DEF_FP2_FMT(name, fn, FP_S, s) DEF_FP2_FMT(name, fn, FP_D, d)

DEF_FP2(fmul, fp_mul)
DEF_FP2(fdiv, fp_div)
DEF_FP2(fadd, fp_add)
DEF_FP2(fsub, fp_sub)
DEF_FP2(fmax, fp_max)
DEF_FP2(fmin, fp_min)
DEF_FP2(fmaxnm, fp_maxnm)
DEF_FP2(fminnm, fp_minnm)
DEF_FP2(fnmul, fp_nmul)

/* Indexed by opcode (bits 15:12), then single/double. */
static const sim_exec_fn fp2_handlers[9][2] = {
	{ h_fmul_s, h_fmul_d }, { h_fdiv_s, h_fdiv_d }, { h_fadd_s, h_fadd_d },
	{ h_fsub_s, h_fsub_d }, { h_fmax_s, h_fmax_d }, { h_fmin_s, h_fmin_d },
	{ h_fmaxnm_s, h_fmaxnm_d }, { h_fminnm_s, h_fminnm_d }, { h_fnmul_s, h_fnmul_d },
};

/* ---- three-source: FMADD, FMSUB, FNMADD, FNMSUB ------------------------------------ */

/* p1: negate the addend (o1); p2: negate the first multiplicand (o1 != o0). */
#define DEF_FMA_FMT(fmt, sfx) \
static void h_fma_##sfx(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	uint64_t a = fp_reg(c, in->ra, fmt), n = fp_reg(c, in->rn, fmt); \
	if (!simd_access_ok(c)) \
		return; \
	if (in->p1) \
		a = fp_neg(fmt, a); \
	if (in->p2) \
		n = fp_neg(fmt, n); \
	vreg_set64(c, in->rd, fp_muladd(fmt, a, n, fp_reg(c, in->rm, fmt), c->fpcr, &c->fpsr)); \
	c->pc += 4; \
}
DEF_FMA_FMT(FP_S, s)
DEF_FMA_FMT(FP_D, d)

/* ---- one-source ------------------------------------------------------------------------ */

static void h_fmov_reg(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set64(c, in->rd, fp_reg(c, in->rn, in->p0));
	c->pc += 4;
}

static void h_fabs(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set64(c, in->rd, fp_abs(in->p0, fp_reg(c, in->rn, in->p0)));
	c->pc += 4;
}

static void h_fneg(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set64(c, in->rd, fp_neg(in->p0, fp_reg(c, in->rn, in->p0)));
	c->pc += 4;
}

static void h_fsqrt(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set64(c, in->rd, fp_sqrt(in->p0, fp_reg(c, in->rn, in->p0), c->fpcr, &c->fpsr));
	c->pc += 4;
}

/* FCVT: p0 source format, p1 destination format. */
static void h_fcvt(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set64(c, in->rd, fp_convert(in->p0, in->p1, fp_reg(c, in->rn, in->p0), c->fpcr,
					 &c->fpsr));
	c->pc += 4;
}

/* FRINT*: p1 rounding (0xff: FPCR.RMode), p2 exact (FRINTX). */
static void h_frint(struct sim_cpu *c, const struct sim_insn *in)
{
	unsigned rounding = in->p1 == 0xff ? fp_rmode(c->fpcr) : in->p1;

	if (!simd_access_ok(c))
		return;
	vreg_set64(c, in->rd, fp_round_int(in->p0, fp_reg(c, in->rn, in->p0), rounding, in->p2,
					   c->fpcr, &c->fpsr));
	c->pc += 4;
}

#define RMODE_FPCR 0xff

static bool decode_fp_1src(uint32_t insn, struct sim_insn *out, unsigned fmt)
{
	unsigned opcode = simd_bits(insn, 20, 15);

	/* FEAT_FP16 is outside the CPU model (UNDEFINED): for half precision, FCVT only. */
	if (fmt == FP_H && opcode != 4 && opcode != 5)
		return false;
	simd_insn_init(out, insn, NULL);
	out->p0 = (uint8_t)fmt;
	switch (opcode) {
	case 0: out->fn = h_fmov_reg; return true;
	case 1: out->fn = h_fabs; return true;
	case 2: out->fn = h_fneg; return true;
	case 3: out->fn = h_fsqrt; return true;
	case 4: case 5: case 7: {	/* FCVT to S, D, H */
		static const uint8_t to[4] = { FP_S, FP_D, 0, FP_H };

		out->p1 = to[opcode & 3];
		if (out->p1 == fmt)
			return false;
		out->fn = h_fcvt;
		return true;
	}
	case 8: case 9: case 10: case 11: case 12: case 14: case 15: {
		/* FRINTN, P, M, Z, A, (13 unallocated), X, I */
		static const uint8_t rnd[8] = { FPR_TIEEVEN, FPR_POSINF, FPR_NEGINF, FPR_ZERO,
						FPR_TIEAWAY, 0, RMODE_FPCR, RMODE_FPCR };

		out->p1 = rnd[opcode & 7];
		out->p2 = opcode == 14;
		out->fn = h_frint;
		return true;
	}
	default:
		return false;
	}
}

/* ---- compares and conditional instructions --------------------------------------- */

/* FCMP/FCMPE: p1 signal on quiet NaNs (E), p2 compare with +0.0. */
static void h_fcmp(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t b = in->p2 ? 0 : fp_reg(c, in->rm, in->p0);

	if (!simd_access_ok(c))
		return;
	c->nzcv = fp_compare(in->p0, fp_reg(c, in->rn, in->p0), b, in->p1, c->fpcr, &c->fpsr);
	c->pc += 4;
}

/* FCCMP/FCCMPE: p1 E, p2 condition, p3 NZCV used when the condition fails. */
static void h_fccmp(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	if (sim_cond_holds(c->nzcv, in->p2))
		c->nzcv = fp_compare(in->p0, fp_reg(c, in->rn, in->p0), fp_reg(c, in->rm, in->p0),
				     in->p1, c->fpcr, &c->fpsr);
	else
		c->nzcv = (uint32_t)in->p3 << 28;
	c->pc += 4;
}

/* FCSEL: p2 condition. */
static void h_fcsel(struct sim_cpu *c, const struct sim_insn *in)
{
	unsigned src = sim_cond_holds(c->nzcv, in->p2) ? in->rn : in->rm;

	if (!simd_access_ok(c))
		return;
	vreg_set64(c, in->rd, fp_reg(c, src, in->p0));
	c->pc += 4;
}

/* FMOV (scalar, immediate): imm holds the expanded value. */
static void h_fmov_imm(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set64(c, in->rd, in->imm);
	c->pc += 4;
}

/* ---- conversions to and from general registers ------------------------------------- */

/* FCVT[NPMZA][SU] to W/X: p0 format, p1 rounding, p2 fbits, p3 bit0 unsigned, bit1 X. */
static void h_fcvt_to_int(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t r;

	if (!simd_access_ok(c))
		return;
	r = fp_to_fixed(in->p0, fp_reg(c, in->rn, in->p0), in->p2, in->p3 & 1,
			in->p3 & 2 ? 64 : 32, in->p1, c->fpcr, &c->fpsr);
	sim_set_x(c, in->rd, r);
	c->pc += 4;
}

/* SCVTF/UCVTF from W/X: as above; rounding is FPCR.RMode. */
static void h_cvtf_from_int(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t r;

	if (!simd_access_ok(c))
		return;
	r = fp_from_fixed(in->p0, sim_get_x(c, in->rn), in->p2, in->p3 & 1, in->p3 & 2 ? 64 : 32,
			  fp_rmode(c->fpcr), c->fpcr, &c->fpsr);
	vreg_set64(c, in->rd, r);
	c->pc += 4;
}

/* FMOV general <- FP: p0 format (the element moved), zero-extended into Xd. */
static void h_fmov_to_gen(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	sim_set_x(c, in->rd, fp_reg(c, in->rn, in->p0));
	c->pc += 4;
}

/* FMOV FP <- general: p1 = mask of the bits moved. */
static void h_fmov_from_gen(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set64(c, in->rd, sim_get_x(c, in->rn) & in->imm);
	c->pc += 4;
}

/* FMOV Xd, Vn.D[1] and FMOV Vd.D[1], Xn (the lower half is kept). */
static void h_fmov_top_to_gen(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	sim_set_x(c, in->rd, c->v[in->rn].d[1]);
	c->pc += 4;
}

static void h_fmov_top_from_gen(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	c->v[in->rd].d[1] = sim_get_x(c, in->rn);
	c->pc += 4;
}

static bool decode_fmov_gen(uint32_t insn, struct sim_insn *out, unsigned sf, unsigned ftype,
			    unsigned rmode, bool to_fp)
{
	static const uint64_t masks[3] = { 0xffff, 0xffffffffull, ~0ull };
	unsigned fmt;

	if (ftype == 2) {	/* top half of a 128-bit register */
		if (!sf || rmode != 1)
			return false;
		simd_insn_init(out, insn, to_fp ? h_fmov_top_from_gen : h_fmov_top_to_gen);
		return true;
	}
	if (rmode != 0)
		return false;
	if (ftype == 3)		/* FMOV to or from H needs FEAT_FP16: UNDEFINED */
		return false;
	if (ftype == sf)	/* W <-> S, X <-> D */
		fmt = ftype == 0 ? FP_S : FP_D;
	else
		return false;
	simd_insn_init(out, insn, to_fp ? h_fmov_from_gen : h_fmov_to_gen);
	out->p0 = (uint8_t)fmt;
	out->imm = masks[fmt];
	return true;
}

static bool decode_fp_int(uint32_t insn, struct sim_insn *out)
{
	static const uint8_t rmode_rounding[4] = { FPR_TIEEVEN, FPR_POSINF, FPR_NEGINF, FPR_ZERO };
	unsigned sf = simd_bit(insn, 31), ftype = simd_bits(insn, 23, 22);
	unsigned rmode = simd_bits(insn, 20, 19), opcode = simd_bits(insn, 18, 16);

	if (simd_bit(insn, 29))
		return false;
	if (opcode >= 6)
		return decode_fmov_gen(insn, out, sf, ftype, rmode, opcode == 7);
	if (ftype >= 2)	/* FP16 conversions are outside the CPU model: UNDEFINED */
		return false;
	simd_insn_init(out, insn, NULL);
	out->p0 = ftype == 0 ? FP_S : FP_D;
	out->p3 = (uint8_t)((opcode & 1) | (sf << 1));
	switch (opcode) {
	case 0: case 1:		/* FCVT{N,P,M,Z}{S,U} */
		out->p1 = rmode_rounding[rmode];
		out->fn = h_fcvt_to_int;
		return true;
	case 2: case 3:		/* SCVTF, UCVTF */
		out->fn = h_cvtf_from_int;
		return rmode == 0;
	default:		/* FCVTA{S,U} */
		out->p1 = FPR_TIEAWAY;
		out->fn = h_fcvt_to_int;
		return rmode == 0;
	}
}

static bool decode_fp_fixed(uint32_t insn, struct sim_insn *out)
{
	unsigned sf = simd_bit(insn, 31), ftype = simd_bits(insn, 23, 22);
	unsigned rmode = simd_bits(insn, 20, 19), opcode = simd_bits(insn, 18, 16);
	unsigned scale = simd_bits(insn, 15, 10);

	if (simd_bit(insn, 29) || ftype >= 2 || (!sf && scale < 32))
		return false;
	simd_insn_init(out, insn, NULL);
	out->p0 = ftype == 0 ? FP_S : FP_D;
	out->p2 = (uint8_t)(64 - scale);
	out->p3 = (uint8_t)((opcode & 1) | (sf << 1));
	if (rmode == 3 && (opcode == 0 || opcode == 1)) {	/* FCVTZS, FCVTZU */
		out->p1 = FPR_ZERO;
		out->fn = h_fcvt_to_int;
		return true;
	}
	if (rmode == 0 && (opcode == 2 || opcode == 3)) {	/* SCVTF, UCVTF */
		out->fn = h_cvtf_from_int;
		return true;
	}
	return false;
}

/* ---- the group decoder -------------------------------------------------------------- */

static bool decode_fp_cmp_like(uint32_t insn, struct sim_insn *out, unsigned fmt)
{
	switch (simd_bits(insn, 11, 10)) {
	case 1:		/* FCCMP, FCCMPE */
		simd_insn_init(out, insn, h_fccmp);
		out->p1 = (uint8_t)simd_bit(insn, 4);
		out->p2 = (uint8_t)simd_bits(insn, 15, 12);
		out->p3 = (uint8_t)simd_bits(insn, 3, 0);
		break;
	case 3:		/* FCSEL */
		simd_insn_init(out, insn, h_fcsel);
		out->p2 = (uint8_t)simd_bits(insn, 15, 12);
		break;
	default:	/* FCMP, FCMPE */
		if (simd_bits(insn, 15, 14) != 0 || simd_bits(insn, 2, 0) != 0)
			return false;
		simd_insn_init(out, insn, h_fcmp);
		out->p1 = (uint8_t)simd_bit(insn, 4);
		out->p2 = (uint8_t)simd_bit(insn, 3);
		break;
	}
	out->p0 = (uint8_t)fmt;
	return true;
}

static bool decode_fp_dp(uint32_t insn, struct sim_insn *out, unsigned ftype)
{
	unsigned fmt = ftype == 0 ? FP_S : ftype == 1 ? FP_D : FP_H;
	unsigned opcode;

	switch (simd_bits(insn, 11, 10)) {
	case 2:		/* two-source */
		opcode = simd_bits(insn, 15, 12);
		if (opcode > 8 || fmt == FP_H)
			return false;
		simd_insn_init(out, insn, fp2_handlers[opcode][fmt == FP_D]);
		out->p0 = (uint8_t)fmt;
		return true;
	case 1: case 3:
		return fmt != FP_H && decode_fp_cmp_like(insn, out, fmt);
	}
	if (simd_bit(insn, 12)) {	/* FMOV (scalar, immediate); H needs FEAT_FP16 */
		if (simd_bits(insn, 9, 5) != 0 || fmt == FP_H)
			return false;
		simd_insn_init(out, insn, h_fmov_imm);
		out->imm = fp_expand_imm(fmt, (uint8_t)simd_bits(insn, 20, 13));
		return true;
	}
	if (simd_bit(insn, 13))
		return fmt != FP_H && decode_fp_cmp_like(insn, out, fmt);
	if (simd_bit(insn, 14))
		return decode_fp_1src(insn, out, fmt);
	return false;	/* bits 15:10 == 000000 (conversions) were routed earlier */
}

/*
 * Floating-point scalar instructions: op0 = x0x1 (bit 30 == 0, bit 28 == 1) of the
 * "scalar FP and Advanced SIMD" class.
 */
bool sim_decode_fp_scalar(uint32_t insn, struct sim_insn *out)
{
	unsigned ftype = simd_bits(insn, 23, 22);

	if ((insn & 0x5e000000u) != 0x1e000000u)
		return false;
	if (simd_bit(insn, 21) == 0 && simd_bit(insn, 24) == 0)
		return decode_fp_fixed(insn, out);
	/* Everything else: M (bit 31) and S (bit 29) are zero, ftype 10 is unallocated
	 * but for the FMOV top-half forms. */
	if (simd_bit(insn, 24)) {	/* three-source */
		if ((insn & 0xa0000000u) || ftype >= 2)
			return false;
		simd_insn_init(out, insn, ftype == 0 ? h_fma_s : h_fma_d);
		out->ra = (uint8_t)simd_bits(insn, 14, 10);
		out->p0 = ftype == 0 ? FP_S : FP_D;
		out->p1 = (uint8_t)simd_bit(insn, 21);
		out->p2 = (uint8_t)(simd_bit(insn, 21) ^ simd_bit(insn, 15));
		return true;
	}
	if (simd_bits(insn, 15, 10) == 0)	/* conversions: bit 31 is sf */
		return decode_fp_int(insn, out);
	if ((insn & 0xa0000000u) || ftype == 2)
		return false;
	return decode_fp_dp(insn, out, ftype);
}
