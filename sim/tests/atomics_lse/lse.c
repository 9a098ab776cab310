// SPDX-License-Identifier: MIT
/*
 * atomics_lse: the Armv8.1 Large System Extension atomics (this directory is compiled
 * for Armv8.0 + LSE; QEMU runs it on a CPU model that has them). CAS and CASP in both
 * outcomes, every LD<op> at every size with acquire/release forms, SWP, the ST<op>
 * aliases, and __atomic builtins, which now compile to LSE instructions.
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/test.h"

TEST_IMAGE("atomics_lse");

static uint64_t m64;
static uint64_t pair[2] __attribute__((aligned(16)));
static uint32_t m32;
static uint16_t m16;
static uint8_t m8;

TEST(cas)
{
	uint64_t cmp;

	m64 = 10;
	cmp = 11;
	asm volatile("casal %0, %2, [%1]" : "+r"(cmp) : "r"(&m64), "r"(20ull) : "memory");
	EXPECT_SHOW("cas miss returns", cmp, 10);
	EXPECT_SHOW("cas miss memory", m64, 10);
	cmp = 10;
	asm volatile("casa %0, %2, [%1]" : "+r"(cmp) : "r"(&m64), "r"(20ull) : "memory");
	EXPECT_SHOW("cas hit returns", cmp, 10);
	EXPECT_SHOW("cas hit memory", m64, 20);
	m8 = 0x80;
	cmp = 0x80;
	asm volatile("casb %w0, %w2, [%1]" : "+r"(cmp) : "r"(&m8), "r"(0x17fu) : "memory");
	EXPECT_SHOW("casb returns", cmp, 0x80);
	EXPECT_SHOW("casb memory", m8, 0x7f);
	m16 = 0x1234;
	cmp = 0x1234;
	asm volatile("caslh %w0, %w2, [%1]" : "+r"(cmp) : "r"(&m16), "r"(0xbeefu) : "memory");
	EXPECT_SHOW("caslh memory", m16, 0xbeef);
}

/* CASPAL on p: cmp[] in, old value out; the register pairs must start at even numbers. */
static void caspal(uint64_t *p, uint64_t cmp[2], const uint64_t new_val[2])
{
	asm volatile("ldp x4, x5, [%0]\n\t"
		     "ldp x6, x7, [%1]\n\t"
		     "caspal x4, x5, x6, x7, [%2]\n\t"
		     "stp x4, x5, [%0]"
		     :: "r"(cmp), "r"(new_val), "r"(p) : "x4", "x5", "x6", "x7", "memory");
}

TEST(casp)
{
	static const uint64_t new_val[2] = { 10, 20 };
	uint64_t cmp[2] = { 1, 3 };	/* mismatch in the high half */

	pair[0] = 1;
	pair[1] = 2;
	caspal(pair, cmp, new_val);
	EXPECT_SHOW("casp miss old lo", cmp[0], 1);
	EXPECT_SHOW("casp miss old hi", cmp[1], 2);
	EXPECT_SHOW("casp miss memory lo", pair[0], 1);
	EXPECT_SHOW("casp miss memory hi", pair[1], 2);
	caspal(pair, cmp, new_val);
	EXPECT_SHOW("casp hit old hi", cmp[1], 2);
	EXPECT_SHOW("casp hit memory lo", pair[0], 10);
	EXPECT_SHOW("casp hit memory hi", pair[1], 20);
}

/* One LD<op> on m64 starting from start; print old value and memory after. */
#define LDOP64(insn, start, operand, old_want, new_want) do {			\
	uint64_t old_;								\
	m64 = (start);								\
	asm volatile(insn " %1, %0, [%2]"					\
		     : "=r"(old_) : "r"((uint64_t)(operand)), "r"(&m64) : "memory"); \
	EXPECT_SHOW(insn " old", old_, old_want);				\
	EXPECT_SHOW(insn " new", m64, new_want);				\
} while (0)

TEST(ld_ops_64)
{
	LDOP64("ldadd", 5, 7, 5, 12);
	LDOP64("ldaddal", ~0ull, 2, ~0ull, 1);
	LDOP64("ldclr", 0xff, 0x0f, 0xff, 0xf0);
	LDOP64("ldeora", 0xff, 0x0f, 0xff, 0xf0);
	LDOP64("ldsetl", 0xf0, 0x0f, 0xf0, 0xff);
	LDOP64("ldsmax", (uint64_t)-5, 3, (uint64_t)-5, 3);
	LDOP64("ldsmin", (uint64_t)-5, 3, (uint64_t)-5, (uint64_t)-5);
	LDOP64("ldumax", (uint64_t)-5, 3, (uint64_t)-5, (uint64_t)-5);
	LDOP64("ldumin", (uint64_t)-5, 3, (uint64_t)-5, 3);
	LDOP64("swpal", 0x1234, 0x5678, 0x1234, 0x5678);
}

TEST(ld_ops_small_sizes)
{
	uint64_t old;

	m8 = 0xf0;
	asm volatile("ldaddb %w1, %w0, [%2]" : "=r"(old) : "r"(0x20u), "r"(&m8) : "memory");
	EXPECT_SHOW("ldaddb old", old, 0xf0);
	EXPECT_SHOW("ldaddb wraps", m8, 0x10);
	m8 = 0x80;	/* -128 as signed */
	asm volatile("ldsmaxb %w1, %w0, [%2]" : "=r"(old) : "r"(0x7fu), "r"(&m8) : "memory");
	EXPECT_SHOW("ldsmaxb old (zero-extended)", old, 0x80);
	EXPECT_SHOW("ldsmaxb new", m8, 0x7f);
	m16 = 0x8000;
	asm volatile("lduminh %w1, %w0, [%2]" : "=r"(old) : "r"(0x7fffu), "r"(&m16) : "memory");
	EXPECT_SHOW("lduminh new", m16, 0x7fff);
	m32 = 0xffffffffu;
	asm volatile("ldsmin %w1, %w0, [%2]" : "=r"(old) : "r"(1u), "r"(&m32) : "memory");
	EXPECT_SHOW("ldsmin w new", m32, 0xffffffffu);
	asm volatile("swph %w1, %w0, [%2]" : "=r"(old) : "r"(0x1234u), "r"(&m16) : "memory");
	EXPECT_SHOW("swph old", old, 0x7fff);
	EXPECT_SHOW("swph new", m16, 0x1234);
}

TEST(st_aliases)
{
	m64 = 40;
	asm volatile("stadd %0, [%1]" :: "r"(2ull), "r"(&m64) : "memory");
	EXPECT_SHOW("stadd", m64, 42);
	asm volatile("stsetl %0, [%1]" :: "r"(0x100ull), "r"(&m64) : "memory");
	EXPECT_SHOW("stsetl", m64, 0x12a);
	asm volatile("stclr %0, [%1]" :: "r"(0x2ull), "r"(&m64) : "memory");
	EXPECT_SHOW("stclr", m64, 0x128);
}

TEST(builtins_use_lse)
{
	uint64_t expected = 3;

	m64 = 3;
	EXPECT_SHOW("fetch_add", __atomic_fetch_add(&m64, 4, __ATOMIC_SEQ_CST), 3);
	EXPECT_SHOW("cas fail", __atomic_compare_exchange_n(&m64, &expected, 0, false,
							    __ATOMIC_SEQ_CST,
							    __ATOMIC_SEQ_CST), 0);
	EXPECT_SHOW("cas fail expected", expected, 7);
	EXPECT_SHOW("exchange", __atomic_exchange_n(&m64, 99, __ATOMIC_ACQ_REL), 7);
	EXPECT_SHOW("fetch_and", __atomic_fetch_and(&m64, 0x0f, __ATOMIC_RELAXED), 99);
	EXPECT_SHOW("final", m64, 3);
}
