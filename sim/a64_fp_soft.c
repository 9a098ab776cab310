// SPDX-License-Identifier: MIT
/*
 * Soft floating point following the Arm ARM pseudo-code (see a64_fp_soft.h): FPAdd,
 * FPSub, FPMul, FPDiv, FPSqrt, FPMulAdd, FPMulX, the FRECPS/FRSQRTS steps, FPMax/Min
 * and their "number" forms, FPCompare, VFPExpandImm. The unpacked form and rounding
 * are in a64_fp_soft_impl.h; conversions in a64_fp_convert.c; estimates in
 * a64_fp_estimate.c.
 */
#include "sim/a64_fp_soft_impl.h"

/* FPAdd of two values, b's sign already adjusted for subtraction. */
FP_INLINE uint64_t fp_add_unpacked(unsigned fmt, struct fpu x, struct fpu y, uint32_t fpcr,
				   uint32_t *fpsr)
{
	const unsigned rmode = fp_rmode(fpcr);
	uint64_t s;
	int exp;

	if (x.cls == FPC_INF || y.cls == FPC_INF) {
		if (x.cls == FPC_INF && y.cls == FPC_INF && x.sign != y.sign) {
			*fpsr |= FPSR_IOC;
			return fp_default_nan(fmt);
		}
		return fp_inf(fmt, x.cls == FPC_INF ? x.sign : y.sign);
	}
	if (x.cls == FPC_ZERO && y.cls == FPC_ZERO)
		return fp_zero(fmt, x.sign == y.sign ? x.sign : rmode == FPR_NEGINF);
	if (x.cls == FPC_ZERO)
		x = y;
	else if (y.cls != FPC_ZERO) {
		if (x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig)) {
			struct fpu t = x;
			x = y;
			y = t;
		}
		s = shr_jam64(y.sig, (unsigned)(x.exp - y.exp));
		if (x.sign == y.sign) {
			s += x.sig;
			exp = x.exp;
			if (s >> 63) {
				s = shr_jam64(s, 1);
				exp++;
			}
		} else {
			unsigned sh;

			s = x.sig - s;
			if (s == 0)
				return fp_zero(fmt, rmode == FPR_NEGINF);
			sh = (unsigned)__builtin_clzll(s) - 1;
			s <<= sh;
			exp = x.exp - (int)sh;
		}
		x.exp = exp;
		x.sig = s;
	}
	return fp_round_pack(fmt, x.sign, x.exp, x.sig, rmode, fpcr, fpsr);
}

FP_INLINE uint64_t fp_addsub_impl(unsigned fmt, uint64_t a, uint64_t b, bool sub,
				  uint32_t fpcr, uint32_t *fpsr)
{
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr), y = fp_unpack(fmt, b, fpcr, fpsr);

	if (is_nan(x.cls) || is_nan(y.cls))
		return fp_process_nans(fmt, a, x.cls, b, y.cls, fpcr, fpsr);
	y.sign ^= sub;
	return fp_add_unpacked(fmt, x, y, fpcr, fpsr);
}

FP_INLINE uint64_t fp_mul_impl(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr,
			       uint32_t *fpsr)
{
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr), y = fp_unpack(fmt, b, fpcr, fpsr);
	bool sign = x.sign ^ y.sign;
	u128 p;

	if (is_nan(x.cls) || is_nan(y.cls))
		return fp_process_nans(fmt, a, x.cls, b, y.cls, fpcr, fpsr);
	if ((x.cls == FPC_INF && y.cls == FPC_ZERO) || (x.cls == FPC_ZERO && y.cls == FPC_INF)) {
		*fpsr |= FPSR_IOC;
		return fp_default_nan(fmt);
	}
	if (x.cls == FPC_INF || y.cls == FPC_INF)
		return fp_inf(fmt, sign);
	if (x.cls == FPC_ZERO || y.cls == FPC_ZERO)
		return fp_zero(fmt, sign);
	p = (u128)x.sig * y.sig;	/* in [2^124, 2^126) */
	return fp_round_pack128(fmt, sign, x.exp + y.exp, p, 124, fp_rmode(fpcr), fpcr, fpsr);
}

FP_INLINE uint64_t fp_div_impl(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr,
			       uint32_t *fpsr)
{
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr), y = fp_unpack(fmt, b, fpcr, fpsr);
	bool sign = x.sign ^ y.sign;
	u128 num;
	uint64_t q, r;
	int exp;

	if (is_nan(x.cls) || is_nan(y.cls))
		return fp_process_nans(fmt, a, x.cls, b, y.cls, fpcr, fpsr);
	if ((x.cls == FPC_INF && y.cls == FPC_INF) || (x.cls == FPC_ZERO && y.cls == FPC_ZERO)) {
		*fpsr |= FPSR_IOC;
		return fp_default_nan(fmt);
	}
	if (x.cls == FPC_INF || y.cls == FPC_ZERO) {
		if (x.cls != FPC_INF)
			*fpsr |= FPSR_DZC;
		return fp_inf(fmt, sign);
	}
	if (x.cls == FPC_ZERO || y.cls == FPC_INF)
		return fp_zero(fmt, sign);
	/* x.sig / y.sig is in (1/2, 2): the quotient of x.sig * 2^63 fits 64 bits. */
	num = (u128)x.sig << 63;
	q = (uint64_t)(num / y.sig);
	r = (uint64_t)(num % y.sig);
	exp = x.exp - y.exp;
	if (q >> 63)
		q = shr_jam64(q, 1);
	else
		exp--;
	return fp_round_pack(fmt, sign, exp, q | (r != 0), fp_rmode(fpcr), fpcr, fpsr);
}

/* Integer square root of n < 2^126; *inexact says whether the root is not exact. */
static uint64_t isqrt128(u128 n, bool *inexact)
{
	uint64_t r = 0;

	for (int bit = 62; bit >= 0; bit--) {
		uint64_t t = r | (1ull << bit);

		if ((u128)t * t <= n)
			r = t;
	}
	*inexact = (u128)r * r != n;
	return r;
}

FP_INLINE uint64_t fp_sqrt_impl(unsigned fmt, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr);
	bool inexact;
	uint64_t r;
	int exp;

	if (is_nan(x.cls))
		return fp_process_nan(fmt, a, x.cls, fpcr, fpsr);
	if (x.cls == FPC_ZERO)
		return fp_zero(fmt, x.sign);
	if (x.sign) {
		*fpsr |= FPSR_IOC;
		return fp_default_nan(fmt);
	}
	if (x.cls == FPC_INF)
		return fp_inf(fmt, false);
	/* value = N * 2^(2k) with N in [2^124, 2^126): the root is in [2^62, 2^63). */
	if (x.exp & 1) {
		r = isqrt128((u128)x.sig << 63, &inexact);
		exp = (x.exp - 1) / 2;
	} else {
		r = isqrt128((u128)x.sig << 62, &inexact);
		exp = x.exp / 2;
	}
	return fp_round_pack(fmt, false, exp, r | inexact, fp_rmode(fpcr), fpcr, fpsr);
}

/* The exact sum of a 128-bit product term and an addend, both non-zero. */
FP_INLINE uint64_t fp_fma_sum(unsigned fmt, struct fpu ad, bool sign_p, int exp_p, u128 p,
			      int scale, uint32_t fpcr, uint32_t *fpsr)
{
	/* Both terms as X * 2^(e - 125) with X in [2^125, 2^126). */
	u128 xa = (u128)ad.sig << 63, xp = p, big, small, r;
	int ea = ad.exp, ep = exp_p, e;
	bool sign;

	if (p >> 125)
		ep++;
	else
		xp <<= 1;
	if (ea > ep || (ea == ep && xa >= xp)) {
		big = xa; small = shr_jam128(xp, (unsigned)(ea - ep)); e = ea; sign = ad.sign;
	} else {
		big = xp; small = shr_jam128(xa, (unsigned)(ep - ea)); e = ep; sign = sign_p;
	}
	if (ad.sign == sign_p) {
		r = big + small;
	} else {
		r = big - small;
		if (r == 0)
			return fp_zero(fmt, fp_rmode(fpcr) == FPR_NEGINF);
	}
	return fp_round_pack128(fmt, sign, e + scale, r, 125, fp_rmode(fpcr), fpcr, fpsr);
}

/*
 * FPMulAdd, the result scaled by 2^scale before rounding (scale -1: FPRSqrtStepFused's
 * division by two, exact before the single rounding).
 */
FP_INLINE uint64_t fp_muladd_impl(unsigned fmt, uint64_t ad, uint64_t a, uint64_t b,
				  int scale, uint32_t fpcr, uint32_t *fpsr)
{
	struct fpu z = fp_unpack(fmt, ad, fpcr, fpsr);
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr), y = fp_unpack(fmt, b, fpcr, fpsr);
	bool inf_zero = (x.cls == FPC_INF && y.cls == FPC_ZERO) ||
			(x.cls == FPC_ZERO && y.cls == FPC_INF);
	bool sign_p = x.sign ^ y.sign, inf_p = x.cls == FPC_INF || y.cls == FPC_INF;
	bool zero_p = x.cls == FPC_ZERO || y.cls == FPC_ZERO;

	if (z.cls == FPC_QNAN && inf_zero) {
		*fpsr |= FPSR_IOC;
		return fp_default_nan(fmt);
	}
	if (is_nan(z.cls) || is_nan(x.cls) || is_nan(y.cls)) {	/* FPProcessNaNs3 */
		if (z.cls == FPC_SNAN)
			return fp_process_nan(fmt, ad, z.cls, fpcr, fpsr);
		if (x.cls == FPC_SNAN || y.cls == FPC_SNAN || z.cls != FPC_QNAN)
			return fp_process_nans(fmt, a, x.cls, b, y.cls, fpcr, fpsr);
		return fp_process_nan(fmt, ad, z.cls, fpcr, fpsr);
	}
	if (inf_zero || (z.cls == FPC_INF && inf_p && z.sign != sign_p)) {
		*fpsr |= FPSR_IOC;
		return fp_default_nan(fmt);
	}
	if (z.cls == FPC_INF || inf_p)
		return fp_inf(fmt, z.cls == FPC_INF ? z.sign : sign_p);
	if (zero_p) {
		if (z.cls == FPC_ZERO)
			return fp_zero(fmt, z.sign == sign_p ? z.sign
						    : fp_rmode(fpcr) == FPR_NEGINF);
		return fp_round_pack(fmt, z.sign, z.exp + scale, z.sig, fp_rmode(fpcr), fpcr,
				     fpsr);
	}
	if (z.cls == FPC_ZERO)
		return fp_round_pack128(fmt, sign_p, x.exp + y.exp + scale, (u128)x.sig * y.sig,
					124, fp_rmode(fpcr), fpcr, fpsr);
	return fp_fma_sum(fmt, z, sign_p, x.exp + y.exp, (u128)x.sig * y.sig, scale, fpcr,
			  fpsr);
}

/* FPMulX: FPMul, but infinity times zero is 2.0 (signed), without Invalid Operation. */
FP_INLINE uint64_t fp_mulx_impl(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr,
				uint32_t *fpsr)
{
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr), y = fp_unpack(fmt, b, fpcr, fpsr);

	if (!is_nan(x.cls) && !is_nan(y.cls) &&
	    ((x.cls == FPC_INF && y.cls == FPC_ZERO) || (x.cls == FPC_ZERO && y.cls == FPC_INF)))
		return fp_expand_imm(fmt, 0) | fmt_sign(fmt, x.sign ^ y.sign);
	return fp_mul_impl(fmt, a, b, fpcr, fpsr);
}

/*
 * FPRecipStepFused (2 - a * b) and FPRSqrtStepFused ((3 - a * b) / 2), each with one
 * rounding; infinity times zero gives exactly 2.0 or 1.5.
 */
FP_INLINE uint64_t fp_step_impl(unsigned fmt, uint64_t a, uint64_t b, bool rsqrt,
				uint32_t fpcr, uint32_t *fpsr)
{
	uint64_t na = fp_neg(fmt, a);
	struct fpu x = fp_unpack(fmt, na, fpcr, fpsr), y = fp_unpack(fmt, b, fpcr, fpsr);

	if (!is_nan(x.cls) && !is_nan(y.cls) &&
	    ((x.cls == FPC_INF && y.cls == FPC_ZERO) || (x.cls == FPC_ZERO && y.cls == FPC_INF)))
		return fp_expand_imm(fmt, rsqrt ? 0x78 : 0x00);	/* 1.5 or 2.0 */
	return fp_muladd_impl(fmt, fp_expand_imm(fmt, rsqrt ? 0x08 : 0x00), na, b,
			      rsqrt ? -1 : 0, fpcr, fpsr);
}

/*
 * Order key of a non-NaN value whose denormals have been flushed as FPUnpack did: the
 * magnitude bits, negated for negative values (so both zeros are 0).
 */
FP_INLINE int64_t fp_order_key(unsigned fmt, uint64_t a, const struct fpu *u)
{
	int64_t mag = u->cls == FPC_ZERO ? 0 : (int64_t)fp_abs(fmt, a);

	return u->sign ? -mag : mag;
}

FP_INLINE uint64_t fp_minmax_impl(unsigned fmt, uint64_t a, uint64_t b, bool is_min,
				  uint32_t fpcr, uint32_t *fpsr)
{
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr), y = fp_unpack(fmt, b, fpcr, fpsr);
	int64_t kx, ky;
	bool pick_a;

	if (is_nan(x.cls) || is_nan(y.cls))
		return fp_process_nans(fmt, a, x.cls, b, y.cls, fpcr, fpsr);
	kx = fp_order_key(fmt, a, &x);
	ky = fp_order_key(fmt, b, &y);
	pick_a = is_min ? kx < ky : kx > ky;
	if ((pick_a ? x.cls : y.cls) == FPC_ZERO)
		return fp_zero(fmt, is_min ? x.sign | y.sign : x.sign & y.sign);
	return pick_a ? a : b;
}

FP_INLINE uint64_t fp_minmaxnm_impl(unsigned fmt, uint64_t a, uint64_t b, bool is_min,
				    uint32_t fpcr, uint32_t *fpsr)
{
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr), y = fp_unpack(fmt, b, fpcr, fpsr);

	/* A single quiet NaN is replaced by the infinity that loses. */
	if (x.cls == FPC_QNAN && y.cls != FPC_QNAN)
		a = fp_inf(fmt, !is_min);
	else if (x.cls != FPC_QNAN && y.cls == FPC_QNAN)
		b = fp_inf(fmt, !is_min);
	return fp_minmax_impl(fmt, a, b, is_min, fpcr, fpsr);
}

FP_INLINE uint32_t fp_compare_impl(unsigned fmt, uint64_t a, uint64_t b, bool signal_nans,
				   uint32_t fpcr, uint32_t *fpsr)
{
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr), y = fp_unpack(fmt, b, fpcr, fpsr);
	int64_t kx, ky;

	if (is_nan(x.cls) || is_nan(y.cls)) {
		if (x.cls == FPC_SNAN || y.cls == FPC_SNAN || signal_nans)
			*fpsr |= FPSR_IOC;
		return 0x3u << 28;			/* C, V: unordered */
	}
	kx = fp_order_key(fmt, a, &x);
	ky = fp_order_key(fmt, b, &y);
	if (kx == ky)
		return 0x6u << 28;			/* Z, C */
	return kx < ky ? 0x8u << 28 : 0x2u << 28;	/* N, or C */
}

/* ---- exported per-format instances ---------------------------------------------------- */

uint64_t fp_add(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_addsub_impl(FP_H, a, b, false, fpcr, fpsr),
		    fp_addsub_impl(FP_S, a, b, false, fpcr, fpsr),
		    fp_addsub_impl(FP_D, a, b, false, fpcr, fpsr))
}

uint64_t fp_sub(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_addsub_impl(FP_H, a, b, true, fpcr, fpsr),
		    fp_addsub_impl(FP_S, a, b, true, fpcr, fpsr),
		    fp_addsub_impl(FP_D, a, b, true, fpcr, fpsr))
}

uint64_t fp_mul(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_mul_impl(FP_H, a, b, fpcr, fpsr), fp_mul_impl(FP_S, a, b, fpcr, fpsr),
		    fp_mul_impl(FP_D, a, b, fpcr, fpsr))
}

uint64_t fp_div(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_div_impl(FP_H, a, b, fpcr, fpsr), fp_div_impl(FP_S, a, b, fpcr, fpsr),
		    fp_div_impl(FP_D, a, b, fpcr, fpsr))
}

uint64_t fp_sqrt(unsigned fmt, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_sqrt_impl(FP_H, a, fpcr, fpsr), fp_sqrt_impl(FP_S, a, fpcr, fpsr),
		    fp_sqrt_impl(FP_D, a, fpcr, fpsr))
}

uint64_t fp_muladd(unsigned fmt, uint64_t addend, uint64_t a, uint64_t b, uint32_t fpcr,
		   uint32_t *fpsr)
{
	FP_DISPATCH(fp_muladd_impl(FP_H, addend, a, b, 0, fpcr, fpsr),
		    fp_muladd_impl(FP_S, addend, a, b, 0, fpcr, fpsr),
		    fp_muladd_impl(FP_D, addend, a, b, 0, fpcr, fpsr))
}

uint64_t fp_mulx(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_mulx_impl(FP_H, a, b, fpcr, fpsr), fp_mulx_impl(FP_S, a, b, fpcr, fpsr),
		    fp_mulx_impl(FP_D, a, b, fpcr, fpsr))
}

uint64_t fp_recip_step(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_step_impl(FP_H, a, b, false, fpcr, fpsr),
		    fp_step_impl(FP_S, a, b, false, fpcr, fpsr),
		    fp_step_impl(FP_D, a, b, false, fpcr, fpsr))
}

uint64_t fp_rsqrt_step(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_step_impl(FP_H, a, b, true, fpcr, fpsr),
		    fp_step_impl(FP_S, a, b, true, fpcr, fpsr),
		    fp_step_impl(FP_D, a, b, true, fpcr, fpsr))
}

uint64_t fp_max(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_minmax_impl(FP_H, a, b, false, fpcr, fpsr),
		    fp_minmax_impl(FP_S, a, b, false, fpcr, fpsr),
		    fp_minmax_impl(FP_D, a, b, false, fpcr, fpsr))
}

uint64_t fp_min(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_minmax_impl(FP_H, a, b, true, fpcr, fpsr),
		    fp_minmax_impl(FP_S, a, b, true, fpcr, fpsr),
		    fp_minmax_impl(FP_D, a, b, true, fpcr, fpsr))
}

uint64_t fp_maxnm(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_minmaxnm_impl(FP_H, a, b, false, fpcr, fpsr),
		    fp_minmaxnm_impl(FP_S, a, b, false, fpcr, fpsr),
		    fp_minmaxnm_impl(FP_D, a, b, false, fpcr, fpsr))
}

uint64_t fp_minnm(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_minmaxnm_impl(FP_H, a, b, true, fpcr, fpsr),
		    fp_minmaxnm_impl(FP_S, a, b, true, fpcr, fpsr),
		    fp_minmaxnm_impl(FP_D, a, b, true, fpcr, fpsr))
}

uint32_t fp_compare(unsigned fmt, uint64_t a, uint64_t b, bool signal_nans, uint32_t fpcr,
		    uint32_t *fpsr)
{
	FP_DISPATCH(fp_compare_impl(FP_H, a, b, signal_nans, fpcr, fpsr),
		    fp_compare_impl(FP_S, a, b, signal_nans, fpcr, fpsr),
		    fp_compare_impl(FP_D, a, b, signal_nans, fpcr, fpsr))
}

bool fp_compare_eq(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	return fp_compare(fmt, a, b, false, fpcr, fpsr) == (0x6u << 28);
}

bool fp_compare_ge(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	uint32_t f = fp_compare(fmt, a, b, true, fpcr, fpsr);

	return f == (0x6u << 28) || f == (0x2u << 28);
}

bool fp_compare_gt(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
	return fp_compare(fmt, a, b, true, fpcr, fpsr) == (0x2u << 28);
}









/* VFPExpandImm: sign a, exponent NOT(b):Replicate(b):cd, fraction efgh then zeros. */
uint64_t fp_expand_imm(unsigned fmt, uint8_t imm8)
{
	const unsigned e = fmt_e(fmt), f = fmt_f(fmt);
	uint64_t sign = imm8 >> 7, b = (imm8 >> 6) & 1, cd = (imm8 >> 4) & 3;
	uint64_t exp = ((b ^ 1) << (e - 1)) | ((b ? (1ull << (e - 3)) - 1 : 0) << 2) | cd;

	return (sign << (e + f)) | (exp << f) | ((uint64_t)(imm8 & 15) << (f - 4));
}
