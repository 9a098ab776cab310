// SPDX-License-Identifier: MIT
/*
 * Soft-float estimates (see a64_fp_soft.h): FPRecipEstimate (FRECPE), FPRSqrtEstimate
 * (FRSQRTE), FPRecpX (FRECPX) and the integer RecipEstimate/RecipSqrtEstimate also used
 * by URECPE and URSQRTE, bit-exact to the pseudo-code.
 */
#include "sim/a64_fp_soft_impl.h"

/* ---- estimates: FRECPE, FRSQRTE, FRECPX, URECPE, URSQRTE -------------------------- */

/* RecipEstimate: a in [256, 512) is [0.5, 1.0) in steps of 1/512; the result in
 * [256, 512) is [1.0, 2.0), an 8-bit accurate reciprocal. */
unsigned fp_recip_estimate_int(unsigned a)
{
	unsigned b;

	a = a * 2 + 1;
	b = (1u << 19) / a;
	return (b + 1) / 2;
}

/* RecipSqrtEstimate: a in [128, 512) is [0.25, 1.0); the result in [256, 512). */
unsigned fp_rsqrt_estimate_int(unsigned a)
{
	uint64_t b = 512;

	if (a < 256)
		a = a * 2 + 1;
	else
		a = ((a >> 1) << 1) * 2 + 2;
	while ((uint64_t)a * (b + 1) * (b + 1) < (1ull << 28))
		b++;
	return (unsigned)((b + 1) / 2);
}

/* The fraction field as 52 bits (as double precision) and the biased exponent. */
FP_INLINE uint64_t fp_frac52(unsigned fmt, uint64_t a, int *exp)
{
	const unsigned f = fmt_f(fmt);

	*exp = (int)((a >> f) & ((1u << fmt_e(fmt)) - 1));
	return (a & ((1ull << f) - 1)) << (52 - f);
}

FP_INLINE uint64_t fp_recpe_impl(unsigned fmt, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
	const unsigned f = fmt_f(fmt);
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr);
	uint64_t frac, mag = fp_abs(fmt, a);
	int exp, rexp;
	bool to_inf;

	if (is_nan(x.cls))
		return fp_process_nan(fmt, a, x.cls, fpcr, fpsr);
	if (x.cls == FPC_INF)
		return fp_zero(fmt, x.sign);
	if (x.cls == FPC_ZERO) {
		*fpsr |= FPSR_DZC;
		return fp_inf(fmt, x.sign);
	}
	if (mag < (1ull << (f - 2))) {	/* below 2^-(bias + 1): the result overflows */
		switch (fp_rmode(fpcr)) {
		case FPR_TIEEVEN: to_inf = true; break;
		case FPR_POSINF: to_inf = !x.sign; break;
		case FPR_NEGINF: to_inf = x.sign; break;
		default: to_inf = false; break;
		}
		*fpsr |= FPSR_OFC | FPSR_IXC;
		if (to_inf)
			return fp_inf(fmt, x.sign);
		return fp_inf(fmt, x.sign) - 1;		/* max normal */
	}
	if (fmt_flushes(fmt, fpcr) && x.exp >= fmt_bias(fmt) - 1) {
		*fpsr |= FPSR_UFC;			/* the result would be denormal */
		return fp_zero(fmt, x.sign);
	}
	frac = fp_frac52(fmt, a, &exp);
	if (exp == 0) {
		if (!(frac >> 51)) {
			exp = -1;
			frac = (frac << 2) & ((1ull << 52) - 1);
		} else {
			frac = (frac << 1) & ((1ull << 52) - 1);
		}
	}
	rexp = 2 * fmt_bias(fmt) - 1 - exp;
	frac = (uint64_t)(fp_recip_estimate_int((unsigned)(256 | (frac >> 44))) & 0xff) << 44;
	if (rexp == 0) {
		frac = (1ull << 51) | (frac >> 1);
	} else if (rexp == -1) {
		frac = (1ull << 50) | (frac >> 2);
		rexp = 0;
	}
	return fmt_sign(fmt, x.sign) | ((uint64_t)rexp << f) | (frac >> (52 - f));
}

FP_INLINE uint64_t fp_rsqrte_impl(unsigned fmt, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
	const unsigned f = fmt_f(fmt);
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr);
	uint64_t frac;
	unsigned scaled;
	int exp, rexp;

	if (is_nan(x.cls))
		return fp_process_nan(fmt, a, x.cls, fpcr, fpsr);
	if (x.cls == FPC_ZERO) {
		*fpsr |= FPSR_DZC;
		return fp_inf(fmt, x.sign);
	}
	if (x.sign) {
		*fpsr |= FPSR_IOC;
		return fp_default_nan(fmt);
	}
	if (x.cls == FPC_INF)
		return fp_zero(fmt, false);
	frac = fp_frac52(fmt, a, &exp);
	if (exp == 0) {
		while (!(frac >> 51)) {
			frac = (frac << 1) & ((1ull << 52) - 1);
			exp--;
		}
		frac = (frac << 1) & ((1ull << 52) - 1);
	}
	if (!(exp & 1))
		scaled = (unsigned)(256 | (frac >> 44));
	else
		scaled = (unsigned)(128 | (frac >> 45));
	/* (3 * bias - 1 - exp) DIV 2, a floor division of a positive number */
	rexp = (3 * fmt_bias(fmt) - 1 - exp) / 2;
	return ((uint64_t)rexp << f) |
	       ((uint64_t)(fp_rsqrt_estimate_int(scaled) & 0xff) << (f - 8));
}

/* FPRecpX: the exponent inverted, fraction cleared; zero and denormals give max_exp. */
FP_INLINE uint64_t fp_recpx_impl(unsigned fmt, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
	const unsigned f = fmt_f(fmt), e = fmt_e(fmt);
	struct fpu x = fp_unpack(fmt, a, fpcr, fpsr);
	uint64_t exp = (a >> f) & ((1ull << e) - 1);

	if (is_nan(x.cls))
		return fp_process_nan(fmt, a, x.cls, fpcr, fpsr);
	if (exp == 0)
		return fmt_sign(fmt, x.sign) | (((1ull << e) - 2) << f);
	return fmt_sign(fmt, x.sign) | ((~exp & ((1ull << e) - 1)) << f);
}

/* ---- exported per-format instances ---------------------------------------------------- */

uint64_t fp_recip_estimate(unsigned fmt, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_recpe_impl(FP_H, a, fpcr, fpsr), fp_recpe_impl(FP_S, a, fpcr, fpsr),
		    fp_recpe_impl(FP_D, a, fpcr, fpsr))
}

uint64_t fp_rsqrt_estimate(unsigned fmt, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_rsqrte_impl(FP_H, a, fpcr, fpsr), fp_rsqrte_impl(FP_S, a, fpcr, fpsr),
		    fp_rsqrte_impl(FP_D, a, fpcr, fpsr))
}

uint64_t fp_recpx(unsigned fmt, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
	FP_DISPATCH(fp_recpx_impl(FP_H, a, fpcr, fpsr), fp_recpx_impl(FP_S, a, fpcr, fpsr),
		    fp_recpx_impl(FP_D, a, fpcr, fpsr))
}
