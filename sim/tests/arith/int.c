// SPDX-License-Identifier: MIT
/*
 * arith: multiply, divide (with the architecture's corner cases), variable shifts,
 * extends and 128-bit arithmetic. Expected values computed independently (Python
 * big integers following the Arm ARM definitions).
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/test.h"

TEST_IMAGE("arith");

/* One data-processing instruction on registers; X or W form chosen by reg. */
#define OP2(insn, reg, a, b) ({							\
	uint64_t r_;								\
	asm volatile(insn " %" reg "0, %" reg "1, %" reg "2"			\
		     : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b)));	\
	r_;									\
})
/* Long multiply: X destination, W sources. */
#define OP2L(insn, a, b) ({							\
	uint64_t r_;								\
	asm volatile(insn " %x0, %w1, %w2"					\
		     : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b)));	\
	r_;									\
})
#define OP3(insn, reg, a, b, c) ({						\
	uint64_t r_;								\
	asm volatile(insn " %x0, %" reg "1, %" reg "2, %x3"			\
		     : "=r"(r_)							\
		     : "r"((uint64_t)(a)), "r"((uint64_t)(b)), "r"((uint64_t)(c))); \
	r_;									\
})

#define A64 0x123456789abcdef1ull
#define B64 0xfedcba9876543210ull
#define A32 0x89abcdefull
#define B32 0xfedcba98ull

TEST(multiply)
{
	EXPECT_SHOW("mul", OP2("mul", "x", A64, B64), 0x224a4396cc6d0110ull);
	EXPECT_SHOW("umulh", OP2("umulh", "x", A64, B64), 0x121fa00ad77d7423ull);
	EXPECT_SHOW("smulh", OP2("smulh", "x", A64, B64), 0xffeb49923cc09532ull);
	EXPECT_SHOW("mneg", OP2("mneg", "x", A64, B64), 0xddb5bc693392fef0ull);
	EXPECT_SHOW("madd", OP3("madd", "x", A64, B64, 0x1111), 0x224a4396cc6d1221ull);
	EXPECT_SHOW("msub", OP3("msub", "x", A64, B64, 0x1111), 0xddb5bc6933931001ull);
	EXPECT_SHOW("smull", OP2L("smull", A32, B32), 0x86a1c9ad05ebe8ull);
	EXPECT_SHOW("umull", OP2L("umull", A32, B32), 0x890f2a50ad05ebe8ull);
	EXPECT_SHOW("smaddl", OP3("smaddl", "w", A32, B32, 5), 0x86a1c9ad05ebedull);
	EXPECT_SHOW("umsubl", OP3("umsubl", "w", A32, B32, 5), 0x76f0d5af52fa141dull);
	/* 32-bit MUL writes zeros to the upper half. */
	EXPECT_SHOW("mul w", OP2("mul", "w", A32, B32), 0xad05ebe8ull);
}

TEST(divide_corner_cases)
{
	/* Division by zero gives 0 and does not trap; INT_MIN / -1 wraps to INT_MIN. */
	EXPECT_SHOW("udiv x/0", OP2("udiv", "x", 1234, 0), 0);
	EXPECT_SHOW("sdiv x/0", OP2("sdiv", "x", -1234, 0), 0);
	EXPECT_SHOW("udiv w/0", OP2("udiv", "w", 1234, 0), 0);
	EXPECT_SHOW("sdiv min/-1", OP2("sdiv", "x", 1ull << 63, -1), 1ull << 63);
	EXPECT_SHOW("sdiv wmin/-1", OP2("sdiv", "w", 0x80000000u, 0xffffffffu), 0x80000000u);
	/* Rounding toward zero. */
	EXPECT_SHOW("sdiv -7/2", OP2("sdiv", "x", -7, 2), -3ull);
	EXPECT_SHOW("sdiv 7/-2", OP2("sdiv", "x", 7, -2), -3ull);
	EXPECT_SHOW("sdiv -7/-2", OP2("sdiv", "x", -7, -2), 3);
	EXPECT_SHOW("udiv max/3", OP2("udiv", "x", ~0ull, 3), 0x5555555555555555ull);
	EXPECT_SHOW("udiv w max/7", OP2("udiv", "w", ~0ull, 7), 0x24924924ull);
	EXPECT_SHOW("sdiv w -100/7", OP2("sdiv", "w", -100, 7), 0xfffffff2ull);
}

struct shift_case {
	uint64_t amount, lsl, lsr, asr, ror;
};

/* Variable shifts use the amount modulo the register width. */
static const struct shift_case shift64[] = {
	{ 0, 0x8000000000000001, 0x8000000000000001, 0x8000000000000001, 0x8000000000000001 },
	{ 1, 0x2, 0x4000000000000000, 0xc000000000000000, 0xc000000000000000 },
	{ 63, 0x8000000000000000, 0x1, 0xffffffffffffffff, 0x3 },
	{ 64, 0x8000000000000001, 0x8000000000000001, 0x8000000000000001, 0x8000000000000001 },
	{ 65, 0x2, 0x4000000000000000, 0xc000000000000000, 0xc000000000000000 },
	{ 127, 0x8000000000000000, 0x1, 0xffffffffffffffff, 0x3 },
};
static const struct shift_case shift32[] = {
	{ 0, 0x80000001, 0x80000001, 0x80000001, 0x80000001 },
	{ 1, 0x2, 0x40000000, 0xc0000000, 0xc0000000 },
	{ 31, 0x80000000, 0x1, 0xffffffff, 0x3 },
	{ 32, 0x80000001, 0x80000001, 0x80000001, 0x80000001 },
	{ 33, 0x2, 0x40000000, 0xc0000000, 0xc0000000 },
};

static void check_shifts(const struct shift_case *t, unsigned n, bool wide)
{
	uint64_t v = wide ? 0x8000000000000001ull : 0x80000001ull;
	unsigned i;

	for (i = 0; i < n; i++) {
		uint64_t got[4], amt = t[i].amount;

		if (wide) {
			got[0] = OP2("lslv", "x", v, amt);
			got[1] = OP2("lsrv", "x", v, amt);
			got[2] = OP2("asrv", "x", v, amt);
			got[3] = OP2("rorv", "x", v, amt);
		} else {
			got[0] = OP2("lslv", "w", v, amt);
			got[1] = OP2("lsrv", "w", v, amt);
			got[2] = OP2("asrv", "w", v, amt);
			got[3] = OP2("rorv", "w", v, amt);
		}
		if (got[0] != t[i].lsl || got[1] != t[i].lsr || got[2] != t[i].asr ||
		    got[3] != t[i].ror)
			FAIL("%s shift by %lu: %lx %lx %lx %lx", wide ? "x" : "w", amt,
			     got[0], got[1], got[2], got[3]);
	}
}

TEST(variable_shifts)
{
	check_shifts(shift64, ARRAY_SIZE(shift64), true);
	check_shifts(shift32, ARRAY_SIZE(shift32), false);
}

TEST(extends_and_extended_register_operands)
{
	uint64_t r;

	asm volatile("sxtb %x0, %w1" : "=r"(r) : "r"(0x1280u));
	EXPECT_SHOW("sxtb", r, 0xffffffffffffff80ull);
	asm volatile("sxth %x0, %w1" : "=r"(r) : "r"(0x18001u));
	EXPECT_SHOW("sxth", r, 0xffffffffffff8001ull);
	asm volatile("sxtw %x0, %w1" : "=r"(r) : "r"(0x80000000u));
	EXPECT_SHOW("sxtw", r, 0xffffffff80000000ull);
	asm volatile("uxtb %w0, %w1" : "=r"(r) : "r"(0x1280u));
	EXPECT_SHOW("uxtb", r, 0x80);
	asm volatile("add %x0, %x1, %w2, sxtw #3" : "=r"(r) : "r"(0x1000ull), "r"(-2));
	EXPECT_SHOW("add sxtw #3", r, 0xff0);
	asm volatile("sub %x0, %x1, %w2, uxth #1" : "=r"(r) : "r"(0x100000ull), "r"(0x12345));
	EXPECT_SHOW("sub uxth #1", r, 0xfb976);
	asm volatile("add %x0, %x1, %x2, asr #4" : "=r"(r) : "r"(0ull), "r"(1ull << 63));
	EXPECT_SHOW("add asr #4", r, 0xf800000000000000ull);
	asm volatile("sub %w0, %w1, %w2" : "=r"(r) : "r"(0), "r"(1));
	EXPECT_SHOW("neg w upper zero", r, 0xffffffff);
}

TEST(int128)
{
	unsigned __int128 a = ((unsigned __int128)A64 << 64) | B64;
	unsigned __int128 p = (unsigned __int128)A64 * B64;
	unsigned __int128 d = ((unsigned __int128)1 << 64) | 3;
	__int128 sn = (__int128)(a | ((unsigned __int128)1 << 127));
	volatile __int128 neg13 = -13;
	unsigned __int128 q = a / d, r = a % d;
	unsigned __int128 sq = (unsigned __int128)(sn / neg13);
	unsigned __int128 sr = (unsigned __int128)(sn % neg13);

	EXPECT_SHOW("mul hi", (uint64_t)(p >> 64), 0x121fa00ad77d7423ull);
	EXPECT_SHOW("mul lo", (uint64_t)p, 0x224a4396cc6d0110ull);
	EXPECT_SHOW("udiv hi", (uint64_t)(q >> 64), 0);
	EXPECT_SHOW("udiv lo", (uint64_t)q, 0x123456789abcdef1ull);
	EXPECT_SHOW("umod lo", (uint64_t)r, 0xc83fb72ea61d953dull);
	EXPECT_SHOW("umod hi", (uint64_t)(r >> 64), 0);
	EXPECT_SHOW("sdiv hi", (uint64_t)(sq >> 64), 0x087220bba553eed9ull);
	EXPECT_SHOW("sdiv lo", (uint64_t)sq, 0xb1517b7e1e484aebull);
	EXPECT_SHOW("smod", (uint64_t)sr, ~0ull);
	EXPECT_SHOW("shl 100 hi", (uint64_t)((a << 100) >> 64), 0x6543210000000000ull);
}
