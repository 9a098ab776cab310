// SPDX-License-Identifier: MIT
/*
 * arith: condition flags of ADDS/SUBS/ADCS/SBCS (64- and 32-bit) and their use by
 * conditional instructions. Expected values were computed independently from the
 * Arm ARM's AddWithCarry() definition.
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/test.h"

struct flag_case {
	uint64_t a, b, result, nzcv;
};

/* a, b, result, NZCV; adcs/subs with carry in 1, adds/sbcs with 0 */
static const struct flag_case adds64_cases[] = {
	{ 0x0, 0x0, 0x0, 0x4 },
	{ 0x1, 0xffffffffffffffff, 0x0, 0x6 },
	{ 0x7fffffffffffffff, 0x1, 0x8000000000000000, 0x9 },
	{ 0x8000000000000000, 0x8000000000000000, 0x0, 0x7 },
	{ 0xffffffffffffffff, 0x2, 0x1, 0x2 },
	{ 0x5, 0x7, 0xc, 0x0 },
	{ 0x8000000000000000, 0x1, 0x8000000000000001, 0x8 },
	{ 0x7fffffffffffffff, 0xffffffffffffffff, 0x7ffffffffffffffe, 0x2 },
};
static const struct flag_case adds32_cases[] = {
	{ 0x0, 0x0, 0x0, 0x4 },
	{ 0x1, 0xffffffff, 0x0, 0x6 },
	{ 0x7fffffff, 0x1, 0x80000000, 0x9 },
	{ 0x80000000, 0x80000000, 0x0, 0x7 },
	{ 0xffffffff, 0x2, 0x1, 0x2 },
	{ 0x5, 0x7, 0xc, 0x0 },
	{ 0x80000000, 0x1, 0x80000001, 0x8 },
};
static const struct flag_case subs64_cases[] = {
	{ 0x0, 0x0, 0x0, 0x6 },
	{ 0x1, 0xffffffffffffffff, 0x2, 0x0 },
	{ 0x7fffffffffffffff, 0x1, 0x7ffffffffffffffe, 0x2 },
	{ 0x8000000000000000, 0x8000000000000000, 0x0, 0x6 },
	{ 0xffffffffffffffff, 0x2, 0xfffffffffffffffd, 0xa },
	{ 0x5, 0x7, 0xfffffffffffffffe, 0x8 },
	{ 0x8000000000000000, 0x1, 0x7fffffffffffffff, 0x3 },
	{ 0x7fffffffffffffff, 0xffffffffffffffff, 0x8000000000000000, 0x9 },
};
static const struct flag_case subs32_cases[] = {
	{ 0x0, 0x0, 0x0, 0x6 },
	{ 0x1, 0xffffffff, 0x2, 0x0 },
	{ 0x7fffffff, 0x1, 0x7ffffffe, 0x2 },
	{ 0x80000000, 0x80000000, 0x0, 0x6 },
	{ 0xffffffff, 0x2, 0xfffffffd, 0xa },
	{ 0x5, 0x7, 0xfffffffe, 0x8 },
	{ 0x80000000, 0x1, 0x7fffffff, 0x3 },
};
static const struct flag_case adcs64_cases[] = {
	{ 0x0, 0x0, 0x1, 0x0 },
	{ 0x1, 0xffffffffffffffff, 0x1, 0x2 },
	{ 0x7fffffffffffffff, 0x1, 0x8000000000000001, 0x9 },
	{ 0x8000000000000000, 0x8000000000000000, 0x1, 0x3 },
	{ 0xffffffffffffffff, 0x2, 0x2, 0x2 },
	{ 0x5, 0x7, 0xd, 0x0 },
	{ 0x8000000000000000, 0x1, 0x8000000000000002, 0x8 },
	{ 0x7fffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff, 0x2 },
};
static const struct flag_case adcs32_cases[] = {
	{ 0x0, 0x0, 0x1, 0x0 },
	{ 0x1, 0xffffffff, 0x1, 0x2 },
	{ 0x7fffffff, 0x1, 0x80000001, 0x9 },
	{ 0x80000000, 0x80000000, 0x1, 0x3 },
	{ 0xffffffff, 0x2, 0x2, 0x2 },
	{ 0x5, 0x7, 0xd, 0x0 },
	{ 0x80000000, 0x1, 0x80000002, 0x8 },
};
static const struct flag_case sbcs64_cases[] = {
	{ 0x0, 0x0, 0xffffffffffffffff, 0x8 },
	{ 0x1, 0xffffffffffffffff, 0x1, 0x0 },
	{ 0x7fffffffffffffff, 0x1, 0x7ffffffffffffffd, 0x2 },
	{ 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff, 0x8 },
	{ 0xffffffffffffffff, 0x2, 0xfffffffffffffffc, 0xa },
	{ 0x5, 0x7, 0xfffffffffffffffd, 0x8 },
	{ 0x8000000000000000, 0x1, 0x7ffffffffffffffe, 0x3 },
	{ 0x7fffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff, 0x0 },
};
static const struct flag_case sbcs32_cases[] = {
	{ 0x0, 0x0, 0xffffffff, 0x8 },
	{ 0x1, 0xffffffff, 0x1, 0x0 },
	{ 0x7fffffff, 0x1, 0x7ffffffd, 0x2 },
	{ 0x80000000, 0x80000000, 0xffffffff, 0x8 },
	{ 0xffffffff, 0x2, 0xfffffffc, 0xa },
	{ 0x5, 0x7, 0xfffffffd, 0x8 },
	{ 0x80000000, 0x1, 0x7ffffffe, 0x3 },
};

/* Run insn on a and b with the carry flag preset to cin; return result and NZCV. */
#define FLAG_OP(insn, reg, a, b, cin, nzcv_out) ({				\
	uint64_t fr_, ff_;							\
	asm volatile("msr nzcv, %[c]\n\t"					\
		     insn " %" reg "[r], %" reg "[x], %" reg "[y]\n\t"		\
		     "mrs %[f], nzcv"						\
		     : [r] "=&r"(fr_), [f] "=&r"(ff_)				\
		     : [x] "r"(a), [y] "r"(b), [c] "r"((uint64_t)(cin) << 29));	\
	*(nzcv_out) = ff_ >> 28;						\
	fr_;									\
})

#define CHECK_TABLE(table, insn, reg, cin) do {					\
	for (unsigned i_ = 0; i_ < ARRAY_SIZE(table); i_++) {			\
		const struct flag_case *c_ = &table[i_];			\
		uint64_t f_ = 0, r_ = FLAG_OP(insn, reg, c_->a, c_->b, cin, &f_); \
		if (r_ != c_->result || f_ != c_->nzcv)				\
			FAIL("%s 0x%lx, 0x%lx: 0x%lx nzcv %lx, expected 0x%lx nzcv %lx", \
			     insn, c_->a, c_->b, r_, f_, c_->result, c_->nzcv);	\
	}									\
} while (0)

TEST(adds_subs_flags)
{
	CHECK_TABLE(adds64_cases, "adds", "x", 0);
	CHECK_TABLE(adds32_cases, "adds", "w", 0);
	CHECK_TABLE(subs64_cases, "subs", "x", 1);
	CHECK_TABLE(subs32_cases, "subs", "w", 1);
}

TEST(adcs_sbcs_flags)
{
	CHECK_TABLE(adcs64_cases, "adcs", "x", 1);
	CHECK_TABLE(adcs32_cases, "adcs", "w", 1);
	CHECK_TABLE(sbcs64_cases, "sbcs", "x", 0);
	CHECK_TABLE(sbcs32_cases, "sbcs", "w", 0);
}

/* A 128-bit add from ADDS + ADC: the carry must travel between the halves. */
TEST(carry_chain_128)
{
	uint64_t lo, hi;

	asm volatile("adds %0, %2, %3\n\tadc %1, %4, %5"
		     : "=&r"(lo), "=&r"(hi)
		     : "r"(~0ull), "r"(1ull), "r"(0x7ull), "r"(0x10ull)
		     : "cc");
	EXPECT_SHOW("lo", lo, 0);
	EXPECT_SHOW("hi", hi, 0x18);
}

/* CSEL family and CCMP under each condition that the flags from CMP 3, 5 decide. */
TEST(conditional_select)
{
	uint64_t lt, ge, inc, inv, neg, ccmp_flags, ccmn_flags;

	asm volatile("cmp %x7, %x8\n\t"
		     "csel %x0, %x9, %x10, lt\n\t"
		     "csel %x1, %x9, %x10, ge\n\t"
		     "csinc %x2, %x9, %x10, ge\n\t"
		     "csinv %x3, %x9, %x10, eq\n\t"
		     "csneg %x4, %x9, %x10, hi\n\t"
		     /* 3 < 5 holds (lt), so CCMP compares 5 with 5: Z and C set. */
		     "ccmp %x8, #5, #0, lt\n\t"
		     "mrs %x5, nzcv\n\t"
		     /* Condition ne fails (Z set): flags become the immediate 0b1001. */
		     "ccmn %x7, #1, #9, ne\n\t"
		     "mrs %x6, nzcv"
		     : "=&r"(lt), "=&r"(ge), "=&r"(inc), "=&r"(inv), "=&r"(neg),
		       "=&r"(ccmp_flags), "=&r"(ccmn_flags)
		     : "r"(3ull), "r"(5ull), "r"(100ull), "r"(200ull)
		     : "cc");
	EXPECT_SHOW("csel lt", lt, 100);
	EXPECT_SHOW("csel ge", ge, 200);
	EXPECT_SHOW("csinc ge", inc, 201);
	EXPECT_SHOW("csinv eq", inv, ~200ull);
	EXPECT_SHOW("csneg hi", neg, -200ull);
	EXPECT_SHOW("ccmp nzcv", ccmp_flags >> 28, 0x6);
	EXPECT_SHOW("ccmn nzcv", ccmn_flags >> 28, 0x9);
}
