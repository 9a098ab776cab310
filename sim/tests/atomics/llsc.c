// SPDX-License-Identifier: MIT
/*
 * atomics: load/store exclusive on one CPU (the contended case is in the smp image):
 * read-modify-write loops of every size, acquire/release forms, exclusive pairs, and the
 * monitor rules the architecture fixes: a store-exclusive with the monitor in Open
 * Access state (after CLREX, or with no load-exclusive) fails and writes nothing.
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/test.h"

TEST_IMAGE("atomics");

static uint64_t word64 __attribute__((aligned(16)));
static uint64_t pair[2] __attribute__((aligned(16)));
static uint32_t word32;
static uint16_t half;
static uint8_t byte;

/* x = x * 3 + 1 with LDXR/STXR; the old value through *old_out. */
static void llsc_update64(uint64_t *p, uint64_t *old_out)
{
	uint64_t old, new_val;
	uint32_t status;

	do {
		asm volatile("ldxr %0, [%3]\n\t"
			     "add %1, %0, %0, lsl #1\n\t"
			     "add %1, %1, #1\n\t"
			     "stxr %w2, %1, [%3]"
			     : "=&r"(old), "=&r"(new_val), "=&r"(status) : "r"(p) : "memory");
	} while (status);
	*old_out = old;
}

TEST(ldxr_stxr_update_loop)
{
	uint64_t old;

	word64 = 5;
	for (unsigned i = 0; i < 10; i++)
		llsc_update64(&word64, &old);
	EXPECT_SHOW("after 10 updates", word64, 324769);
	EXPECT_SHOW("last old", old, 108256);
}

TEST(exclusive_sizes)
{
	uint32_t st;
	uint64_t v;

	byte = 0xfe;
	half = 0xfffe;
	word32 = 0xfffffffe;
	do {
		asm volatile("ldxrb %w0, [%2]\n\tadd %w0, %w0, #3\n\tstxrb %w1, %w0, [%2]"
			     : "=&r"(v), "=&r"(st) : "r"(&byte) : "memory");
	} while (st);
	EXPECT_SHOW("byte", byte, 0x01);
	do {
		asm volatile("ldaxrh %w0, [%2]\n\tadd %w0, %w0, #3\n\tstlxrh %w1, %w0, [%2]"
			     : "=&r"(v), "=&r"(st) : "r"(&half) : "memory");
	} while (st);
	EXPECT_SHOW("half", half, 0x0001);
	do {
		asm volatile("ldaxr %w0, [%2]\n\tadd %w0, %w0, #3\n\tstlxr %w1, %w0, [%2]"
			     : "=&r"(v), "=&r"(st) : "r"(&word32) : "memory");
	} while (st);
	EXPECT_SHOW("word", word32, 0x00000001);
}

TEST(exclusive_pair)
{
	uint64_t lo, hi;
	uint32_t st;

	pair[0] = 0x1111111111111111ull;
	pair[1] = 0x2222222222222222ull;
	do {
		asm volatile("ldaxp %0, %1, [%3]\n\t"
			     "stlxp %w2, %1, %0, [%3]"	/* swap the halves */
			     : "=&r"(lo), "=&r"(hi), "=&r"(st) : "r"(pair) : "memory");
	} while (st);
	EXPECT_SHOW("old lo", lo, 0x1111111111111111ull);
	EXPECT_SHOW("new lo", pair[0], 0x2222222222222222ull);
	EXPECT_SHOW("new hi", pair[1], 0x1111111111111111ull);
}

TEST(store_exclusive_fails_without_monitor)
{
	uint32_t st;

	word64 = 7;
	/* No load-exclusive since CLREX: the local monitor is in Open Access state. */
	asm volatile("clrex\n\tstxr %w0, %1, [%2]"
		     : "=&r"(st) : "r"(99ull), "r"(&word64) : "memory");
	EXPECT_SHOW("stxr status", st, 1);
	EXPECT_SHOW("memory", word64, 7);
	/* LDXR, then CLREX: the store-exclusive must fail too. */
	asm volatile("ldxr xzr, [%2]\n\tclrex\n\tstxr %w0, %1, [%2]"
		     : "=&r"(st) : "r"(99ull), "r"(&word64) : "memory");
	EXPECT_SHOW("stxr after clrex", st, 1);
	EXPECT_SHOW("memory", word64, 7);
	/* And a plain LDXR/STXR pair succeeds. */
	asm volatile("ldxr xzr, [%2]\n\tstxr %w0, %1, [%2]"
		     : "=&r"(st) : "r"(99ull), "r"(&word64) : "memory");
	EXPECT_SHOW("stxr after ldxr", st, 0);
	EXPECT_SHOW("memory", word64, 99);
}

TEST(load_acquire_store_release)
{
	uint64_t v;

	asm volatile("stlr %1, [%2]\n\tldar %0, [%2]"
		     : "=r"(v) : "r"(0xabcdef0123456789ull), "r"(&word64) : "memory");
	EXPECT_SHOW("ldar", v, 0xabcdef0123456789ull);
	asm volatile("stlrb %w1, [%2]\n\tldarb %w0, [%2]"
		     : "=r"(v) : "r"(0x1ffu), "r"(&byte) : "memory");
	EXPECT_SHOW("ldarb", v, 0xff);
}
