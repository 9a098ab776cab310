/* SPDX-License-Identifier: MIT */
/*
 * Soft floating point with the semantics of the Arm ARM pseudo-code (FPAdd, FPMulAdd,
 * FPRound, FPToFixed, FPRoundInt, FPConvert, ...), for the FP and SIMD handlers.
 * Implemented in a64_fp_soft.c (arithmetic), a64_fp_convert.c (conversions) and
 * a64_fp_estimate.c (estimates) on the internals of a64_fp_soft_impl.h.
 *
 * Integer-only: results never depend on the host FPU, its rounding mode or its flags.
 * Values are raw IEEE bit patterns in a uint64_t (half and single in the low bits, the
 * upper bits zero). Every operation reads what it needs from FPCR (RMode where the
 * instruction uses the current mode, FZ, DN, AHP) and ORs the cumulative exception bits
 * it raises into *fpsr, as an implementation without FP exception trapping does (the
 * FPCR trap-enable bits are not modelled: writes to them are ignored, as the architecture allows).
 *
 * Modelled as the architecture states: tininess is detected before rounding; Underflow
 * is signalled only with Inexact; FZ flushes single/double denormal inputs (IDC) and
 * outputs (UFC, no IXC); half precision is never flushed (FZ16 only governs FP16
 * arithmetic, which is outside the CPU model); a signalling NaN is quietened with IOC; the
 * first signalling, else the first quiet NaN operand wins; DN substitutes the default
 * NaN. Not modelled: FEAT_AFP (FPCR.AH/FIZ/NEP), BFloat16.
 */
#ifndef AVF_SIM_A64_FP_SOFT_H
#define AVF_SIM_A64_FP_SOFT_H

#include <stdbool.h>
#include <stdint.h>

/* Formats; the number is log2(size in bytes) - 1, as the A64 "ftype"-style size. */
enum fp_fmt { FP_H = 0, FP_S = 1, FP_D = 2 };

/* Rounding modes; 0..3 are FPCR.RMode. */
enum fp_rounding {
	FPR_TIEEVEN = 0,
	FPR_POSINF = 1,
	FPR_NEGINF = 2,
	FPR_ZERO = 3,
	FPR_TIEAWAY = 4,
	FPR_ODD = 5,
};

#define FPCR_AHP	(1u << 26)
#define FPCR_DN		(1u << 25)
#define FPCR_FZ		(1u << 24)
#define FPCR_RMODE_SHIFT 22
#define FPCR_FZ16	(1u << 19)

#define FPSR_IOC	(1u << 0)
#define FPSR_DZC	(1u << 1)
#define FPSR_OFC	(1u << 2)
#define FPSR_UFC	(1u << 3)
#define FPSR_IXC	(1u << 4)
#define FPSR_IDC	(1u << 7)
#define FPSR_QC		(1u << 27)

static inline unsigned fp_rmode(uint32_t fpcr)
{
	return (fpcr >> FPCR_RMODE_SHIFT) & 3;
}

/* Arithmetic on single (FP_S) or double (FP_D); rounding per FPCR.RMode. */
uint64_t fp_add(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fp_sub(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fp_mul(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fp_div(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fp_sqrt(unsigned fmt, uint64_t a, uint32_t fpcr, uint32_t *fpsr);
/* FPMulAdd: addend + a * b with one rounding. NaN priority is addend, a, b. */
uint64_t fp_muladd(unsigned fmt, uint64_t addend, uint64_t a, uint64_t b, uint32_t fpcr,
		   uint32_t *fpsr);
/* FPMulX: as fp_mul, but infinity * zero is +-2.0 without Invalid Operation. */
uint64_t fp_mulx(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
/* FPRecipStepFused (2 - a*b) and FPRSqrtStepFused ((3 - a*b) / 2): FRECPS, FRSQRTS. */
uint64_t fp_recip_step(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fp_rsqrt_step(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
/* FPMax/FPMin, and FPMaxNum/FPMinNum (a single quiet NaN loses to a number). */
uint64_t fp_max(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fp_min(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fp_maxnm(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fp_minnm(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);

/* FPNeg / FPAbs: sign-bit operations, no exceptions, NaNs untouched but for the sign. */
static inline uint64_t fp_neg(unsigned fmt, uint64_t a)
{
	return a ^ (1ull << ((16u << fmt) - 1));
}

static inline uint64_t fp_abs(unsigned fmt, uint64_t a)
{
	return a & ~(1ull << ((16u << fmt) - 1));
}

/*
 * FPCompare: NZCV (in SIM_N..SIM_V positions, bits 31:28) for a compared with b.
 * Unordered gives C and V; IOC for a signalling NaN, or any NaN if signal_nans (FCMPE).
 */
uint32_t fp_compare(unsigned fmt, uint64_t a, uint64_t b, bool signal_nans, uint32_t fpcr,
		    uint32_t *fpsr);
/*
 * The SIMD compare predicates (FPCompareEQ/GE/GT): true or false; NaN operands give
 * false, with IOC for a signalling NaN (EQ) or any NaN (GE, GT).
 */
bool fp_compare_eq(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
bool fp_compare_ge(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
bool fp_compare_gt(unsigned fmt, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);

/* FPConvert between any two of H, S, D (from != to); rounding per FPCR.RMode. */
uint64_t fp_convert(unsigned from, unsigned to, uint64_t a, uint32_t fpcr, uint32_t *fpsr);
/* The same with an explicit rounding (FPR_ODD for FCVTXN). */
uint64_t fp_convert_round(unsigned from, unsigned to, uint64_t a, unsigned rounding,
			  uint32_t fpcr, uint32_t *fpsr);

/*
 * FPToFixed: a * 2^fbits rounded with `rounding` (enum fp_rounding) to a signed or
 * unsigned integer of `ibits` (32 or 64) bits, saturating with IOC; NaN gives 0 and
 * IOC. The result is returned zero-extended from ibits.
 */
uint64_t fp_to_fixed(unsigned fmt, uint64_t a, unsigned fbits, bool is_unsigned,
		     unsigned ibits, unsigned rounding, uint32_t fpcr, uint32_t *fpsr);
/*
 * FixedToFP: the ibits-bit (32 or 64) integer v, signed or unsigned, divided by
 * 2^fbits, rounded with `rounding`.
 */
uint64_t fp_from_fixed(unsigned fmt, uint64_t v, unsigned fbits, bool is_unsigned,
		       unsigned ibits, unsigned rounding, uint32_t fpcr, uint32_t *fpsr);
/* FPRoundInt: round to an integral value with `rounding`; exact: raise Inexact (FRINTX). */
uint64_t fp_round_int(unsigned fmt, uint64_t a, unsigned rounding, bool exact, uint32_t fpcr,
		      uint32_t *fpsr);

/*
 * FPRecipEstimate (FRECPE), FPRSqrtEstimate (FRSQRTE) and FPRecpX (FRECPX), bit-exact
 * to the pseudo-code tables (8-bit estimates, no FEAT_RPRES).
 */
uint64_t fp_recip_estimate(unsigned fmt, uint64_t a, uint32_t fpcr, uint32_t *fpsr);
uint64_t fp_rsqrt_estimate(unsigned fmt, uint64_t a, uint32_t fpcr, uint32_t *fpsr);
uint64_t fp_recpx(unsigned fmt, uint64_t a, uint32_t fpcr, uint32_t *fpsr);
/* RecipEstimate / RecipSqrtEstimate on 9-bit fixed point (also URECPE, URSQRTE). */
unsigned fp_recip_estimate_int(unsigned a);
unsigned fp_rsqrt_estimate_int(unsigned a);

/* VFPExpandImm: the 8-bit FMOV immediate as a value of format fmt. */
uint64_t fp_expand_imm(unsigned fmt, uint8_t imm8);

#endif /* AVF_SIM_A64_FP_SOFT_H */
