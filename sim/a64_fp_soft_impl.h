/* SPDX-License-Identifier: MIT */
/*
 * Internals of the soft-float core shared by a64_fp_soft.c, a64_fp_convert.c and
 * a64_fp_estimate.c: the unpacked form, FPUnpack, FPRoundBase and NaN processing.
 * Private to those files; everyone else uses a64_fp_soft.h.
 *
 * Unpacked form of a finite non-zero value: sign, exp and sig with
 * value = sig * 2^(exp - 62), sig normalised so that bit 62 is its leading one. Every
 * input format has at most 53 significant bits, so an unpacked input has at least ten
 * zero bits below its fraction; results keep a "sticky" bit 0 (OR of everything shifted
 * out) so that one final rounding step, fp_round_pack() (FPRoundBase), sees exactly
 * whether the discarded part is zero, below, at or above one half.
 *
 * Each operation is written once for all formats with the format as a parameter and
 * instantiated per format by the exported wrappers (FP_DISPATCH; the per-format
 * constants fold).
 */
#ifndef AVF_SIM_A64_FP_SOFT_IMPL_H
#define AVF_SIM_A64_FP_SOFT_IMPL_H

#include "sim/a64_fp_soft.h"

#define FP_INLINE static inline __attribute__((always_inline))

typedef unsigned __int128 u128;

enum fp_class { FPC_ZERO, FPC_FINITE, FPC_INF, FPC_QNAN, FPC_SNAN };

struct fpu {
	unsigned cls;
	bool sign;
	int exp;
	uint64_t sig;
};

FP_INLINE unsigned fmt_n(unsigned fmt) { return 16u << fmt; }
FP_INLINE unsigned fmt_e(unsigned fmt) { return fmt == FP_H ? 5 : fmt == FP_S ? 8 : 11; }
FP_INLINE unsigned fmt_f(unsigned fmt) { return fmt_n(fmt) - fmt_e(fmt) - 1; }
FP_INLINE int fmt_bias(unsigned fmt) { return (1 << (fmt_e(fmt) - 1)) - 1; }
FP_INLINE uint64_t fmt_sign(unsigned fmt, bool s) { return (uint64_t)s << (fmt_n(fmt) - 1); }
FP_INLINE bool is_nan(unsigned cls) { return cls >= FPC_QNAN; }

FP_INLINE uint64_t fp_inf(unsigned fmt, bool s)
{
	return fmt_sign(fmt, s) | (((1ull << fmt_e(fmt)) - 1) << fmt_f(fmt));
}

FP_INLINE uint64_t fp_zero(unsigned fmt, bool s)
{
	return fmt_sign(fmt, s);
}

FP_INLINE uint64_t fp_default_nan(unsigned fmt)
{
	return fp_inf(fmt, false) | (1ull << (fmt_f(fmt) - 1));
}

/* Flushing denormals applies to single and double only (see the header). */
FP_INLINE bool fmt_flushes(unsigned fmt, uint32_t fpcr)
{
	return fmt != FP_H && (fpcr & FPCR_FZ);
}

/* Shift right by n, ORing everything shifted out into bit 0. */
FP_INLINE uint64_t shr_jam64(uint64_t x, unsigned n)
{
	if (n == 0)
		return x;
	if (n >= 64)
		return x != 0;
	return (x >> n) | ((x & ((1ull << n) - 1)) != 0);
}

FP_INLINE u128 shr_jam128(u128 x, unsigned n)
{
	if (n == 0)
		return x;
	if (n >= 128)
		return x != 0;
	return (x >> n) | ((x & (((u128)1 << n) - 1)) != 0);
}

/* FPUnpack (FPUnpackCV for half: AHP applies, FZ16 never does). */
FP_INLINE struct fpu fp_unpack(unsigned fmt, uint64_t x, uint32_t fpcr, uint32_t *fpsr)
{
	const unsigned f = fmt_f(fmt), e = fmt_e(fmt);
	uint64_t frac = x & ((1ull << f) - 1);
	unsigned ex = (unsigned)(x >> f) & ((1u << e) - 1);
	struct fpu u = { .sign = (x >> (fmt_n(fmt) - 1)) & 1 };

	if (ex == 0) {
		if (frac == 0) {
			u.cls = FPC_ZERO;
		} else if (fmt_flushes(fmt, fpcr)) {
			u.cls = FPC_ZERO;
			*fpsr |= FPSR_IDC;
		} else {
			unsigned sh = (unsigned)__builtin_clzll(frac) - 1;

			u.cls = FPC_FINITE;
			u.sig = frac << sh;
			u.exp = 63 - (int)sh - (int)f - fmt_bias(fmt);
		}
	} else if (ex == (1u << e) - 1 && !(fmt == FP_H && (fpcr & FPCR_AHP))) {
		if (frac == 0)
			u.cls = FPC_INF;
		else
			u.cls = (frac >> (f - 1)) & 1 ? FPC_QNAN : FPC_SNAN;
	} else {
		u.cls = FPC_FINITE;
		u.sig = (frac | (1ull << f)) << (62 - f);
		u.exp = (int)ex - fmt_bias(fmt);
	}
	return u;
}

/*
 * FPRoundBase: round the finite non-zero value sig * 2^(exp - 62) (bit 62 of sig set,
 * bit 0 sticky) to format fmt.
 */
FP_INLINE uint64_t fp_round_pack(unsigned fmt, bool sign, int exp, uint64_t sig,
				 unsigned rounding, uint32_t fpcr, uint32_t *fpsr)
{
	const unsigned f = fmt_f(fmt), e = fmt_e(fmt), rs = 62 - f;
	const uint64_t sbit = fmt_sign(fmt, sign);
	const uint64_t half = 1ull << (rs - 1);
	int biased = exp + fmt_bias(fmt);
	uint64_t mant, rem;
	bool up, to_inf;

	if (fmt_flushes(fmt, fpcr) && biased < 1) {
		*fpsr |= FPSR_UFC;	/* flushed output: Underflow, not Inexact */
		return sbit;
	}
	if (biased <= 0) {
		sig = shr_jam64(sig, (unsigned)(1 - biased));
		biased = 0;
	}
	mant = sig >> rs;
	rem = sig & ((1ull << rs) - 1);
	if (biased == 0 && rem)
		*fpsr |= FPSR_UFC;	/* tiny before rounding, and inexact */
	switch (rounding) {
	case FPR_TIEEVEN: up = rem > half || (rem == half && (mant & 1)); to_inf = true; break;
	case FPR_TIEAWAY: up = rem >= half; to_inf = true; break;
	case FPR_POSINF: up = rem && !sign; to_inf = !sign; break;
	case FPR_NEGINF: up = rem && sign; to_inf = sign; break;
	default: up = false; to_inf = false; break;
	}
	if (up) {
		mant++;
		if (mant == (1ull << (f + 1))) {
			mant >>= 1;
			biased++;
		} else if (biased == 0 && mant == (1ull << f)) {
			biased = 1;	/* rounded up from denormal to the smallest normal */
		}
	}
	if (rounding == FPR_ODD && rem)
		mant |= 1;
	if (fmt == FP_H && (fpcr & FPCR_AHP)) {
		/* Alternative half precision: no infinities, overflow is Invalid. */
		if (biased >= (1 << e)) {
			*fpsr |= FPSR_IOC;
			return sbit | 0x7fff;
		}
	} else if (biased >= (1 << e) - 1) {
		*fpsr |= FPSR_OFC | FPSR_IXC;
		if (to_inf)
			return fp_inf(fmt, sign);
		return sbit | (((1ull << e) - 2) << f) | ((1ull << f) - 1);	/* max normal */
	}
	if (rem)
		*fpsr |= FPSR_IXC;
	return sbit | ((uint64_t)biased << f) | (mant & ((1ull << f) - 1));
}

/* Round a value held in a 128-bit integer: value = r * 2^(e - bias128), r != 0. */
FP_INLINE uint64_t fp_round_pack128(unsigned fmt, bool sign, int e, u128 r, int bias128,
				    unsigned rounding, uint32_t fpcr, uint32_t *fpsr)
{
	uint64_t hi = (uint64_t)(r >> 64);
	int lead = hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll((uint64_t)r);
	uint64_t sig;

	if (lead >= 62)
		sig = (uint64_t)shr_jam128(r, (unsigned)(lead - 62));
	else
		sig = (uint64_t)r << (62 - lead);
	return fp_round_pack(fmt, sign, e - bias128 + lead, sig, rounding, fpcr, fpsr);
}

/* FPProcessNaN: quieten a signalling NaN (IOC); DN gives the default NaN. */
FP_INLINE uint64_t fp_process_nan(unsigned fmt, uint64_t x, unsigned cls, uint32_t fpcr,
				  uint32_t *fpsr)
{
	if (cls == FPC_SNAN) {
		x |= 1ull << (fmt_f(fmt) - 1);
		*fpsr |= FPSR_IOC;
	}
	if (fpcr & FPCR_DN)
		return fp_default_nan(fmt);
	return x;
}

/* FPProcessNaNs: call only if at least one operand is a NaN. */
FP_INLINE uint64_t fp_process_nans(unsigned fmt, uint64_t a, unsigned ca, uint64_t b,
				   unsigned cb, uint32_t fpcr, uint32_t *fpsr)
{
	if (ca == FPC_SNAN)
		return fp_process_nan(fmt, a, ca, fpcr, fpsr);
	if (cb == FPC_SNAN)
		return fp_process_nan(fmt, b, cb, fpcr, fpsr);
	if (ca == FPC_QNAN)
		return fp_process_nan(fmt, a, ca, fpcr, fpsr);
	return fp_process_nan(fmt, b, cb, fpcr, fpsr);
}

/* Instantiate an operation for each format. */
#define FP_DISPATCH(call_h, call_s, call_d) \
	switch (fmt) { \
	case FP_H: return call_h; \
	case FP_S: return call_s; \
	default: return call_d; \
	}

#endif /* AVF_SIM_A64_FP_SOFT_IMPL_H */
