// SPDX-License-Identifier: MIT
/* arith: bit manipulation (counts, reversals, bitfields, logical immediates). */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/test.h"

#define OP1(insn, reg, a) ({							\
	uint64_t r_;								\
	asm volatile(insn " %" reg "0, %" reg "1" : "=r"(r_) : "r"((uint64_t)(a))); \
	r_;									\
})

#define V64 0x0123456789abcdefull

TEST(count_leading)
{
	EXPECT_SHOW("clz 0", OP1("clz", "x", 0), 64);
	EXPECT_SHOW("clz 1", OP1("clz", "x", 1), 63);
	EXPECT_SHOW("clz 0xffff<<32", OP1("clz", "x", 0xffffull << 32), 16);
	EXPECT_SHOW("clz w 0", OP1("clz", "w", 0), 32);
	EXPECT_SHOW("cls 0", OP1("cls", "x", 0), 63);
	EXPECT_SHOW("cls -1", OP1("cls", "x", ~0ull), 63);
	EXPECT_SHOW("cls 0xffff<<48", OP1("cls", "x", 0xffffull << 48), 15);
	EXPECT_SHOW("cls 1<<62", OP1("cls", "x", 1ull << 62), 0);
	EXPECT_SHOW("cls w 0x8000", OP1("cls", "w", 0x8000), 15);
}

TEST(reversals)
{
	EXPECT_SHOW("rbit", OP1("rbit", "x", V64), 0xf7b3d591e6a2c480ull);
	EXPECT_SHOW("rbit w", OP1("rbit", "w", 0x89abcdef), 0xf7b3d591ull);
	EXPECT_SHOW("rev", OP1("rev", "x", V64), 0xefcdab8967452301ull);
	EXPECT_SHOW("rev w", OP1("rev", "w", 0x89abcdef), 0xefcdab89ull);
	EXPECT_SHOW("rev16", OP1("rev16", "x", V64), 0x23016745ab89efcdull);
	EXPECT_SHOW("rev32", OP1("rev32", "x", V64), 0x67452301efcdab89ull);
}

/* What the compiler makes of the usual builtins (CNT via SIMD, RBIT+CLZ for ctz). */
TEST(builtins)
{
	volatile uint64_t v = V64, one_bit = 1ull << 40, all = ~0ull;

	EXPECT_SHOW("popcount", __builtin_popcountll(v), 32);
	EXPECT_SHOW("popcount -1", __builtin_popcountll(all), 64);
	EXPECT_SHOW("ctz", __builtin_ctzll(one_bit), 40);
	EXPECT_SHOW("clz", __builtin_clzll(one_bit), 23);
	EXPECT_SHOW("bswap32", __builtin_bswap32((uint32_t)v), 0xefcdab89u);
	EXPECT_SHOW("parity", __builtin_parityll(v ^ 1), 1);
}

TEST(bitfields)
{
	uint64_t r, x = 0xfedcba9876543210ull;

	asm volatile("ubfx %x0, %x1, #8, #12" : "=r"(r) : "r"(V64));
	EXPECT_SHOW("ubfx 8,12", r, 0xbcd);
	asm volatile("sbfx %x0, %x1, #4, #8" : "=r"(r) : "r"(V64));
	EXPECT_SHOW("sbfx 4,8", r, 0xffffffffffffffdeull);
	r = x;
	asm volatile("bfi %x0, %x1, #20, #16" : "+r"(r) : "r"(V64));
	EXPECT_SHOW("bfi 20,16", r, 0xfedcba9cdef43210ull);
	r = x;
	asm volatile("bfxil %x0, %x1, #16, #8" : "+r"(r) : "r"(V64));
	EXPECT_SHOW("bfxil 16,8", r, 0xfedcba98765432abull);
	asm volatile("extr %x0, %x1, %x2, #12" : "=r"(r) : "r"(x), "r"(V64));
	EXPECT_SHOW("extr 12", r, 0x2100123456789abcull);
	asm volatile("ubfiz %w0, %w1, #24, #8" : "=r"(r) : "r"(0xabu));
	EXPECT_SHOW("ubfiz w 24,8", r, 0xab000000ull);
	asm volatile("sbfiz %x0, %x1, #60, #2" : "=r"(r) : "r"(2ull));
	EXPECT_SHOW("sbfiz 60,2", r, 0xe000000000000000ull);
}

TEST(logical)
{
	uint64_t r, nzcv;

	asm volatile("and %x0, %x1, #0x5555555555555555" : "=r"(r) : "r"(~0ull));
	EXPECT_SHOW("and imm", r, 0x5555555555555555ull);
	asm volatile("orr %w0, %w1, #0xff00ff00" : "=r"(r) : "r"(0x12u));
	EXPECT_SHOW("orr w imm", r, 0xff00ff12ull);
	asm volatile("eor %x0, %x1, #0xfffffffffffffffe" : "=r"(r) : "r"(1ull));
	EXPECT_SHOW("eor imm", r, ~0ull);
	asm volatile("bic %x0, %x1, %x2, lsl #4" : "=r"(r) : "r"(~0ull), "r"(0xfull));
	EXPECT_SHOW("bic lsl", r, 0xffffffffffffff0full);
	asm volatile("orn %x0, %x1, %x2" : "=r"(r) : "r"(0ull), "r"(0xffull << 8));
	EXPECT_SHOW("orn", r, 0xffffffffffff00ffull);
	asm volatile("eon %x0, %x1, %x2, ror #4" : "=r"(r) : "r"(0ull), "r"(1ull));
	EXPECT_SHOW("eon ror", r, 0xefffffffffffffffull);
	asm volatile("ands %x0, %x2, %x3\n\tmrs %x1, nzcv"
		     : "=r"(r), "=r"(nzcv) : "r"(1ull << 63), "r"(~0ull) : "cc");
	EXPECT_SHOW("ands nzcv", nzcv >> 28, 0x8);
	asm volatile("tst %x1, #1\n\tmrs %x0, nzcv" : "=r"(nzcv) : "r"(2ull) : "cc");
	EXPECT_SHOW("tst nzcv", nzcv >> 28, 0x4);
}
