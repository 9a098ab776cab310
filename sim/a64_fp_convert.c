// SPDX-License-Identifier: MIT
/*
 * Soft-float conversions (see a64_fp_soft.h): FPConvert between half, single and double
 * (with AHP and FPConvertNaN), FPToFixed and FixedToFP (saturating, fixed point) and
 * FPRoundInt.
 */
#include "sim/a64_fp_soft_impl.h"

/* FPConvertNaN: keep the sign and the top payload bits, set the quiet bit. */
FP_INLINE uint64_t fp_convert_nan(unsigned from, unsigned to, uint64_t a)
{
	const unsigned ff = fmt_f(from), ft = fmt_f(to);
	uint64_t frac = a & ((1ull << ff) - 1);
	bool sign = (a >> (fmt_n(from) - 1)) & 1;

	frac = ft >= ff ? frac << (ft - ff) : frac >> (ff - ft);
	return fp_inf(to, sign) | frac | (1ull << (ft - 1));
}

FP_INLINE uint64_t fp_convert_impl(unsigned from, unsigned to, uint64_t a, unsigned rounding,
				   uint32_t fpcr, uint32_t *fpsr)
{
	struct fpu x = fp_unpack(from, a, fpcr, fpsr);
	bool alt_hp = to == FP_H && (fpcr & FPCR_AHP);

	if (is_nan(x.cls)) {
		if (x.cls == FPC_SNAN || alt_hp)
			*fpsr |= FPSR_IOC;
		if (alt_hp)
			return fp_zero(to, x.sign);
		if (fpcr & FPCR_DN)
			return fp_default_nan(to);
		return fp_convert_nan(from, to, a);
	}
	if (x.cls == FPC_INF) {
		if (alt_hp) {
			*fpsr |= FPSR_IOC;
			return fmt_sign(to, x.sign) | 0x7fff;
		}
		return fp_inf(to, x.sign);
	}
	if (x.cls == FPC_ZERO)
		return fp_zero(to, x.sign);
	return fp_round_pack(to, x.sign, x.exp, x.sig, rounding, fpcr, fpsr);
}

/* Does rounding the magnitude mag + frac away from zero apply? frac is described by
 * its relation to one half: 0 exact, 1 below, 2 exactly half, 3 above. */
FP_INLINE bool fp_round_away(unsigned rounding, bool sign, uint64_t mag, unsigned frac)
{
	switch (rounding) {
	case FPR_TIEEVEN: return frac == 3 || (frac == 2 && (mag & 1));
	case FPR_TIEAWAY: return frac >= 2;
	case FPR_POSINF: return frac && !sign;
	case FPR_NEGINF: return frac && sign;
	default: return false;
	}
}

/*
 * Split |value| * 2^scale into integer magnitude and fraction class (see above);
 * *big is set when the integer part is 2^64 or more.
 */
FP_INLINE uint64_t fp_int_part(const struct fpu *x, int scale, unsigned *frac, bool *big)
{
	int k = x->exp + scale - 62;	/* value = sig * 2^k */
	uint64_t rem, half;
	unsigned sh;

	*big = false;
	*frac = 0;
	if (k >= 0) {
		if (x->exp + scale >= 64) {
			*big = true;
			return 0;
		}
		return x->sig << k;
	}
	if (k <= -64) {
		*frac = 1;		/* value < 1/2 */
		return 0;
	}
	sh = (unsigned)-k;
	rem = x->sig & ((1ull << sh) - 1);
	half = 1ull << (sh - 1);
	*frac = rem == 0 ? 0 : rem < half ? 1 : rem == half ? 2 : 3;
	return x->sig >> sh;
}

FP_INLINE uint64_t fp_to_fixed_impl(unsigned fmt, uint64_t a, unsigned fbits, bool uns,
				    unsigned ibits, unsigned rounding, uint32_t fpcr,
				    uint32_t *fpsr)
{
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr);
	uint64_t mag = 0, max_pos, max_neg, imask = ibits == 64 ? ~0ull : (1ull << ibits) - 1;
	unsigned frac = 0;
	bool big = false;

	if (is_nan(x.cls)) {
		*fpsr |= FPSR_IOC;
		return 0;
	}
	if (x.cls == FPC_INF)
		big = true;
	else if (x.cls == FPC_FINITE)
		mag = fp_int_part(&x, (int)fbits, &frac, &big);
	if (!big && fp_round_away(rounding, x.sign, mag, frac)) {
		mag++;
		big = mag == 0;
	}
	/* Saturate: the largest magnitudes of each sign that fit. */
	max_pos = uns ? imask : imask >> 1;
	max_neg = uns ? 0 : (imask >> 1) + 1;
	if (big || mag > (x.sign ? max_neg : max_pos)) {
		*fpsr |= FPSR_IOC;
		return x.sign ? (0 - max_neg) & imask : max_pos;
	}
	if (frac)
		*fpsr |= FPSR_IXC;
	return (x.sign ? 0 - mag : mag) & imask;
}

FP_INLINE uint64_t fp_from_fixed_impl(unsigned fmt, uint64_t v, unsigned fbits, bool uns,
				      unsigned ibits, unsigned rounding, uint32_t fpcr,
				      uint32_t *fpsr)
{
	bool sign = false;
	unsigned sh;

	if (ibits == 32)
		v = uns ? (uint32_t)v : (uint64_t)(int64_t)(int32_t)v;
	if (!uns && (int64_t)v < 0) {
		sign = true;
		v = 0 - v;
	}
	if (v == 0)
		return fp_zero(fmt, false);
	sh = (unsigned)__builtin_clzll(v);
	v <<= sh;	/* leading one at bit 63 */
	return fp_round_pack(fmt, sign, 63 - (int)sh - (int)fbits, shr_jam64(v, 1), rounding,
			     fpcr, fpsr);
}

FP_INLINE uint64_t fp_round_int_impl(unsigned fmt, uint64_t a, unsigned rounding, bool exact,
				     uint32_t fpcr, uint32_t *fpsr)
{
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr);
	unsigned frac, sh;
	uint64_t mag;
	bool big;

	if (is_nan(x.cls))
		return fp_process_nan(fmt, a, x.cls, fpcr, fpsr);
	if (x.cls == FPC_INF)
		return fp_inf(fmt, x.sign);
	if (x.cls == FPC_ZERO)
		return fp_zero(fmt, x.sign);
	if (x.exp >= (int)fmt_f(fmt))
		return a;	/* already integral */
	mag = fp_int_part(&x, 0, &frac, &big);
	if (fp_round_away(rounding, x.sign, mag, frac))
		mag++;
	if (frac && exact)
		*fpsr |= FPSR_IXC;
	if (mag == 0)
		return fp_zero(fmt, x.sign);
	sh = (unsigned)__builtin_clzll(mag);
	return fp_round_pack(fmt, x.sign, 63 - (int)sh, (mag << sh) >> 1, FPR_ZERO, fpcr, fpsr);
}

/* ---- exported per-format instances ---------------------------------------------------- */

uint64_t fp_convert_round(unsigned from, unsigned to, uint64_t a, unsigned rounding,
			  uint32_t fpcr, uint32_t *fpsr)
{
	switch (from * 3 + to) {
	case FP_H * 3 + FP_S: return fp_convert_impl(FP_H, FP_S, a, rounding, fpcr, fpsr);
	case FP_H * 3 + FP_D: return fp_convert_impl(FP_H, FP_D, a, rounding, fpcr, fpsr);
	case FP_S * 3 + FP_H: return fp_convert_impl(FP_S, FP_H, a, rounding, fpcr, fpsr);
	case FP_S * 3 + FP_D: return fp_convert_impl(FP_S, FP_D, a, rounding, fpcr, fpsr);
	case FP_D * 3 + FP_H: return fp_convert_impl(FP_D, FP_H, a, rounding, fpcr, fpsr);
	case FP_D * 3 + FP_S: return fp_convert_impl(FP_D, FP_S, a, rounding, fpcr, fpsr);
	default: return a;	/* same format: nothing to convert */
	}
}

uint64_t fp_convert(unsigned from, unsigned to, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
	return fp_convert_round(from, to, a, fp_rmode(fpcr), fpcr, fpsr);
}

uint64_t fp_to_fixed(unsigned fmt, uint64_t a, unsigned fbits, bool is_unsigned,
		     unsigned ibits, unsigned rounding, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_to_fixed_impl(FP_H, a, fbits, is_unsigned, ibits, rounding, fpcr, fpsr),
		    fp_to_fixed_impl(FP_S, a, fbits, is_unsigned, ibits, rounding, fpcr, fpsr),
		    fp_to_fixed_impl(FP_D, a, fbits, is_unsigned, ibits, rounding, fpcr, fpsr))
}

uint64_t fp_from_fixed(unsigned fmt, uint64_t v, unsigned fbits, bool is_unsigned,
		       unsigned ibits, unsigned rounding, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_from_fixed_impl(FP_H, v, fbits, is_unsigned, ibits, rounding, fpcr, fpsr),
		    fp_from_fixed_impl(FP_S, v, fbits, is_unsigned, ibits, rounding, fpcr, fpsr),
		    fp_from_fixed_impl(FP_D, v, fbits, is_unsigned, ibits, rounding, fpcr, fpsr))
}

uint64_t fp_round_int(unsigned fmt, uint64_t a, unsigned rounding, bool exact, uint32_t fpcr,
		      uint32_t *fpsr)
{
	FP_DISPATCH(fp_round_int_impl(FP_H, a, rounding, exact, fpcr, fpsr),
		    fp_round_int_impl(FP_S, a, rounding, exact, fpcr, fpsr),
		    fp_round_int_impl(FP_D, a, rounding, exact, fpcr, fpsr))
}
