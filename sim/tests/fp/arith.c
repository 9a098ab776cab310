// SPDX-License-Identifier: MIT
/*
 * fp: scalar IEEE arithmetic: exact and rounded results, fused multiply-add, the
 * exception flags, NaN propagation and default NaN, signed zeros in min/max, flush to
 * zero. Expected bit patterns computed independently (Python floats and fractions).
 */
#include "sim/tests/fp/fp.h"

TEST_IMAGE("fp");

#define D_1_0	0x3ff0000000000000ull
#define D_2_0	0x4000000000000000ull
#define D_3_0	0x4008000000000000ull
#define D_0_5	0x3fe0000000000000ull
#define D_NEG_1	0xbff0000000000000ull
#define D_ZERO	0x0000000000000000ull
#define D_NZERO	0x8000000000000000ull
#define D_INF	0x7ff0000000000000ull
#define D_MAX	0x7fefffffffffffffull
#define D_MIN	0x0010000000000000ull	/* smallest normal */
#define D_DNAN	0x7ff8000000000000ull	/* default NaN */

void fp_expect(const char *file, int line, const char *label, struct fp_result got,
	       uint64_t bits, uint32_t flags)
{
	printf("  %s = 0x%016lx fpsr 0x%02x\n", label, got.bits, got.flags);
	if (got.bits != bits || got.flags != flags)
		test_fail_at(file, line, "%s: expected 0x%016lx fpsr 0x%02x", label, bits, flags);
}

TEST(basic_arithmetic)
{
	EXPECT_FP("1+2", FP_D2("fadd d0, d0, d1", D_1_0, D_2_0), D_3_0, 0);
	EXPECT_FP("1-2", FP_D2("fsub d0, d0, d1", D_1_0, D_2_0), D_NEG_1, 0);
	EXPECT_FP("1.5*2", FP_D2("fmul d0, d0, d1", 0x3ff8000000000000ull, D_2_0), D_3_0, 0);
	EXPECT_FP("1/3", FP_D2("fdiv d0, d0, d1", D_1_0, D_3_0), 0x3fd5555555555555ull, IXC);
	EXPECT_FP("sqrt 2", FP_D2("fsqrt d0, d1", 0, D_2_0), 0x3ff6a09e667f3bcdull, IXC);
	EXPECT_FP("-(1/3)", FP_D2("fnmul d0, d0, d1", D_1_0, 0x3fd5555555555555ull),
		  0xbfd5555555555555ull, 0);
	EXPECT_FP("|-2|", FP_D2("fabs d0, d1", 0, 0xc000000000000000ull), D_2_0, 0);
}

TEST(single_precision)
{
	EXPECT_FP("1/3 s", FP_D2("fdiv s0, s0, s1", 0x3f800000u, 0x40400000u),
		  0x3eaaaaabu, IXC);
	EXPECT_FP("s max*2", FP_D2("fmul s0, s0, s1", 0x7f7fffffu, 0x40000000u),
		  0x7f800000u, OFC | IXC);
}

TEST(fused_multiply_add)
{
	/* (1 + 2^-30)(1 - 2^-30) - 1 = -2^-60 exactly; unfused, the product rounds to 1. */
	EXPECT_FP("fmadd", FP_D3("fmadd d0, d0, d1, d2", 0x3ff0000000400000ull,
				 0x3fefffffff800000ull, D_NEG_1),
		  0xbc30000000000000ull, 0);
	EXPECT_FP("fmul then fadd", FP_D3("fmul d0, d0, d1\n\tfadd d0, d0, d2",
					  0x3ff0000000400000ull, 0x3fefffffff800000ull,
					  D_NEG_1),
		  D_ZERO, IXC);
	EXPECT_FP("fnmsub", FP_D3("fnmsub d0, d0, d1, d2", D_2_0, D_3_0, D_1_0),
		  0x4014000000000000ull, 0);	/* 2*3 - 1 = 5 */
}

TEST(exception_flags)
{
	EXPECT_FP("1/0", FP_D2("fdiv d0, d0, d1", D_1_0, D_ZERO), D_INF, DZC);
	EXPECT_FP("0/0", FP_D2("fdiv d0, d0, d1", D_ZERO, D_ZERO), D_DNAN, IOC);
	EXPECT_FP("sqrt -1", FP_D2("fsqrt d0, d1", 0, D_NEG_1), D_DNAN, IOC);
	EXPECT_FP("max*2", FP_D2("fmul d0, d0, d1", D_MAX, D_2_0), D_INF, OFC | IXC);
	/* Tiny and exact: no underflow flag. Tiny and inexact: UFC and IXC. */
	EXPECT_FP("min/2", FP_D2("fmul d0, d0, d1", D_MIN, D_0_5), 0x0008000000000000ull, 0);
	EXPECT_FP("min/3", FP_D2("fdiv d0, d0, d1", D_MIN, D_3_0), 0x0005555555555555ull,
		  UFC | IXC);
	EXPECT_FP("inf-inf", FP_D2("fsub d0, d0, d1", D_INF, D_INF), D_DNAN, IOC);
}

TEST(nan_propagation)
{
	const uint64_t qnan = 0x7ff8000000000123ull, snan = 0x7ff0000000000456ull;
	const uint64_t qnan2 = 0xfff8000000000789ull;

	EXPECT_FP("qnan+1", FP_D2("fadd d0, d0, d1", qnan, D_1_0), qnan, 0);
	EXPECT_FP("1+qnan2", FP_D2("fadd d0, d0, d1", D_1_0, qnan2), qnan2, 0);
	/* First operand's NaN wins among quiet NaNs; a signalling NaN beats both. */
	EXPECT_FP("qnan+qnan2", FP_D2("fadd d0, d0, d1", qnan, qnan2), qnan, 0);
	EXPECT_FP("qnan2+snan", FP_D2("fadd d0, d0, d1", qnan2, snan),
		  0x7ff8000000000456ull, IOC);
	fpcr_set(FPCR_DN);
	EXPECT_FP("DN: qnan+1", FP_D2("fadd d0, d0, d1", qnan, D_1_0), D_DNAN, 0);
	EXPECT_FP("DN: snan*1", FP_D2("fmul d0, d0, d1", snan, D_1_0), D_DNAN, IOC);
	fpcr_set(0);
}

TEST(min_max_and_zeros)
{
	const uint64_t qnan = 0x7ff8000000000001ull;

	EXPECT_FP("fmax(-0,+0)", FP_D2("fmax d0, d0, d1", D_NZERO, D_ZERO), D_ZERO, 0);
	EXPECT_FP("fmin(+0,-0)", FP_D2("fmin d0, d0, d1", D_ZERO, D_NZERO), D_NZERO, 0);
	EXPECT_FP("fmax(qnan,1)", FP_D2("fmax d0, d0, d1", qnan, D_1_0), qnan, 0);
	EXPECT_FP("fmaxnm(qnan,1)", FP_D2("fmaxnm d0, d0, d1", qnan, D_1_0), D_1_0, 0);
	EXPECT_FP("fminnm(1,qnan)", FP_D2("fminnm d0, d0, d1", D_1_0, qnan), D_1_0, 0);
	EXPECT_FP("0*-1", FP_D2("fmul d0, d0, d1", D_ZERO, D_NEG_1), D_NZERO, 0);
	EXPECT_FP("-0+-0", FP_D2("fadd d0, d0, d1", D_NZERO, D_NZERO), D_NZERO, 0);
	EXPECT_FP("1-1 RN", FP_D2("fsub d0, d0, d1", D_1_0, D_1_0), D_ZERO, 0);
	fpcr_set(FPCR_RM);
	EXPECT_FP("1-1 RM", FP_D2("fsub d0, d0, d1", D_1_0, D_1_0), D_NZERO, 0);
	fpcr_set(0);
}

TEST(flush_to_zero)
{
	fpcr_set(FPCR_FZ);
	/* Denormal input is treated as zero (IDC); a tiny result is flushed (UFC only). */
	EXPECT_FP("FZ: denorm+0", FP_D2("fadd d0, d0, d1", 0x1ull, D_ZERO), D_ZERO, IDC);
	EXPECT_FP("FZ: min/3", FP_D2("fdiv d0, d0, d1", D_MIN, D_3_0), D_ZERO, UFC);
	fpcr_set(0);
	EXPECT_FP("denorm+0", FP_D2("fadd d0, d0, d1", 0x1ull, D_ZERO), 0x1ull, 0);
}

TEST(reciprocal_steps)
{
	/* FRECPE's 8-bit estimate of 1/2 (Arm ARM RecipEstimate), FRECPS's 2 - a*b. */
	EXPECT_FP("frecpe 2", FP_D2("frecpe d0, d1", 0, D_2_0), 0x3fdff00000000000ull, 0);
	EXPECT_FP("frecps 2,0.5", FP_D2("frecps d0, d0, d1", D_2_0, D_0_5), D_1_0, 0);
}
