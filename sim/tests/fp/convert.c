// SPDX-License-Identifier: MIT
/*
 * fp: conversions (to and from integers, fixed point, between precisions), rounding
 * modes (FPCR.RMode and the FCVT?S / FRINT? variants), comparisons and their flags.
 */
#include "sim/tests/fp/fp.h"

#define D_1_0	0x3ff0000000000000ull
#define D_1_5	0x3ff8000000000000ull
#define D_2_0	0x4000000000000000ull
#define D_2_1	0x4000cccccccccccdull
#define D_2_5	0x4004000000000000ull
#define D_2_9	0x4007333333333333ull
#define D_3_0	0x4008000000000000ull
#define D_3_5	0x400c000000000000ull
#define D_N2_1	0xc000cccccccccccdull
#define D_N2_5	0xc004000000000000ull
#define D_N2_7	0xc00599999999999aull
#define D_N2_9	0xc007333333333333ull
#define D_1E30	0x46293e5939a08ceaull
#define D_N1E30	0xc6293e5939a08ceaull
#define D_QNAN	0x7ff8000000000000ull

TEST(float_to_int_saturates)
{
	EXPECT_FP("fcvtzs 2.9", FP_TO_X("fcvtzs x9, d0", D_2_9), 2, IXC);
	EXPECT_FP("fcvtzs -2.9", FP_TO_X("fcvtzs x9, d0", D_N2_9), (uint64_t)-2, IXC);
	EXPECT_FP("fcvtzs 1e30", FP_TO_X("fcvtzs x9, d0", D_1E30), 0x7fffffffffffffffull, IOC);
	EXPECT_FP("fcvtzs -1e30", FP_TO_X("fcvtzs x9, d0", D_N1E30), 1ull << 63, IOC);
	EXPECT_FP("fcvtzs nan", FP_TO_X("fcvtzs x9, d0", D_QNAN), 0, IOC);
	EXPECT_FP("fcvtzs w 3e9", FP_TO_X("fcvtzs w9, d0", 0x41e65a0bc0000000ull),
		  0x7fffffff, IOC);
	EXPECT_FP("fcvtzu -1.5", FP_TO_X("fcvtzu x9, d0", 0xbff8000000000000ull), 0, IOC);
	EXPECT_FP("fcvtzu -0.5", FP_TO_X("fcvtzu x9, d0", 0xbfe0000000000000ull), 0, IXC);
}

TEST(float_to_int_rounding_variants)
{
	EXPECT_FP("fcvtns 2.5", FP_TO_X("fcvtns x9, d0", D_2_5), 2, IXC);
	EXPECT_FP("fcvtns 3.5", FP_TO_X("fcvtns x9, d0", D_3_5), 4, IXC);
	EXPECT_FP("fcvtns -2.5", FP_TO_X("fcvtns x9, d0", D_N2_5), (uint64_t)-2, IXC);
	EXPECT_FP("fcvtas 2.5", FP_TO_X("fcvtas x9, d0", D_2_5), 3, IXC);
	EXPECT_FP("fcvtas -2.5", FP_TO_X("fcvtas x9, d0", D_N2_5), (uint64_t)-3, IXC);
	EXPECT_FP("fcvtps 2.1", FP_TO_X("fcvtps x9, d0", D_2_1), 3, IXC);
	EXPECT_FP("fcvtms -2.1", FP_TO_X("fcvtms x9, d0", D_N2_1), (uint64_t)-3, IXC);
	EXPECT_FP("fcvtzs 3.0", FP_TO_X("fcvtzs x9, d0", D_3_0), 3, 0);
}

TEST(int_to_float_and_fixed_point)
{
	EXPECT_FP("scvtf int64 max", FP_D2("scvtf d0, %x3", 0, 0x7fffffffffffffffull),
		  0x43e0000000000000ull, IXC);
	EXPECT_FP("ucvtf u64 max", FP_D2("ucvtf d0, %x3", 0, ~0ull), 0x43f0000000000000ull, IXC);
	EXPECT_FP("scvtf -3", FP_D2("scvtf d0, %w3", 0, 0xfffffffdull), 0xc008000000000000ull, 0);
	EXPECT_FP("fcvtzs #8 1.5", FP_TO_X("fcvtzs x9, d0, #8", D_1_5), 384, 0);
	EXPECT_FP("scvtf #4 24", FP_D2("scvtf d0, %x3, #4", 0, 24), D_1_5, 0);
}

TEST(precision_conversions)
{
	EXPECT_FP("d->s 0.1", FP_D2("fcvt s0, d1", 0, 0x3fb999999999999aull), 0x3dcccccdu, IXC);
	EXPECT_FP("s->d 1/3", FP_D2("fcvt d0, s1", 0, 0x3eaaaaabu), 0x3fd5555560000000ull, 0);
	EXPECT_FP("d->h 1/3", FP_D2("fcvt h0, d1", 0, 0x3fd5555555555555ull), 0x3555, IXC);
	EXPECT_FP("d->h 65520", FP_D2("fcvt h0, d1", 0, 0x40effe0000000000ull), 0x7c00,
		  OFC | IXC);
	EXPECT_FP("h->d 1.0", FP_D2("fcvt d0, h1", 0, 0x3c00), D_1_0, 0);
	EXPECT_FP("d->s snan", FP_D2("fcvt s0, d1", 0, 0x7ff4000000000000ull), 0x7fe00000u, IOC);
}

TEST(rounding_modes)
{
	static const struct {
		const char *name;
		uint64_t fpcr, third, neg_third;
	} modes[] = {
		{ "RN", FPCR_RN, 0x3fd5555555555555ull, 0xbfd5555555555555ull },
		{ "RP", FPCR_RP, 0x3fd5555555555556ull, 0xbfd5555555555555ull },
		{ "RM", FPCR_RM, 0x3fd5555555555555ull, 0xbfd5555555555556ull },
		{ "RZ", FPCR_RZ, 0x3fd5555555555555ull, 0xbfd5555555555555ull },
	};
	char label[32];

	for (unsigned i = 0; i < ARRAY_SIZE(modes); i++) {
		fpcr_set(modes[i].fpcr);
		snprintf(label, sizeof(label), "%s 1/3", modes[i].name);
		EXPECT_FP(label, FP_D2("fdiv d0, d0, d1", D_1_0, D_3_0), modes[i].third, IXC);
		snprintf(label, sizeof(label), "%s -1/3", modes[i].name);
		EXPECT_FP(label, FP_D2("fdiv d0, d0, d1", 0xbff0000000000000ull, D_3_0),
			  modes[i].neg_third, IXC);
		snprintf(label, sizeof(label), "%s frinti 2.5", modes[i].name);
		EXPECT_FP(label, FP_D2("frinti d0, d1", 0, D_2_5),
			  i == 1 ? D_3_0 : D_2_0, 0);
	}
	fpcr_set(0);
}

TEST(round_to_integral)
{
	EXPECT_FP("frintn 2.5", FP_D2("frintn d0, d1", 0, D_2_5), D_2_0, 0);
	EXPECT_FP("frinta 2.5", FP_D2("frinta d0, d1", 0, D_2_5), D_3_0, 0);
	EXPECT_FP("frintp -2.5", FP_D2("frintp d0, d1", 0, D_N2_5), 0xc000000000000000ull, 0);
	EXPECT_FP("frintm -2.5", FP_D2("frintm d0, d1", 0, D_N2_5), 0xc008000000000000ull, 0);
	EXPECT_FP("frintz -2.7", FP_D2("frintz d0, d1", 0, D_N2_7), 0xc000000000000000ull, 0);
	EXPECT_FP("frintx 2.5", FP_D2("frintx d0, d1", 0, D_2_5), D_2_0, IXC);
	EXPECT_FP("frintm -0.5", FP_D2("frintm d0, d1", 0, 0xbfe0000000000000ull),
		  0xbff0000000000000ull, 0);
	EXPECT_FP("frintp -0.5", FP_D2("frintp d0, d1", 0, 0xbfe0000000000000ull),
		  0x8000000000000000ull, 0);
}

/* FCMP/FCMPE: NZCV as a result (shifted down), FPSR flags. */
#define FCMP(insn, a, b) ({							\
	struct fp_result r_;							\
	uint64_t fpsr_;								\
	asm volatile("msr fpsr, xzr\n\t"					\
		     "fmov d0, %2\n\t"						\
		     "fmov d1, %3\n\t"						\
		     insn " d0, d1\n\t"						\
		     "mrs %0, nzcv\n\t"						\
		     "mrs %1, fpsr"						\
		     : "=r"(r_.bits), "=r"(fpsr_)				\
		     : "r"((uint64_t)(a)), "r"((uint64_t)(b))			\
		     : "v0", "v1", "cc", "memory");				\
	r_.bits >>= 28;								\
	r_.flags = (uint32_t)fpsr_;						\
	r_;									\
})

TEST(compare)
{
	EXPECT_FP("fcmp 1,2", FCMP("fcmp", D_1_0, D_2_0), 0x8, 0);
	EXPECT_FP("fcmp 2,2", FCMP("fcmp", D_2_0, D_2_0), 0x6, 0);
	EXPECT_FP("fcmp 3,2", FCMP("fcmp", D_3_0, D_2_0), 0x2, 0);
	EXPECT_FP("fcmp 1,qnan", FCMP("fcmp", D_1_0, D_QNAN), 0x3, 0);
	EXPECT_FP("fcmpe 1,qnan", FCMP("fcmpe", D_1_0, D_QNAN), 0x3, IOC);
	EXPECT_FP("fcmp 1,snan", FCMP("fcmp", D_1_0, 0x7ff0000000000001ull), 0x3, IOC);
	EXPECT_FP("fcmp -0,+0", FCMP("fcmp", 0x8000000000000000ull, 0), 0x6, 0);
}
