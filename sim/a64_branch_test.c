// SPDX-License-Identifier: MIT
/*
 * Unit tests of sim/a64_branch.c: B/BL offsets to both ends of their range, B.cond for
 * every condition and NZCV value, CBZ/CBNZ (W forms ignore bits 63:32), TBZ/TBNZ on
 * bits 0/31/32/63, BR/BLR/RET (BLR X30), and the encodings that must stay UNDEFINED
 * (PAuth branches, BC.cond) or belong to another group (ERET, SVC, NOP).
 */
#include "sim/a64_test.h"

#define PC0 0x40080000ull

struct br_case {
	uint32_t insn;
	const char *text;
	uint64_t x0, x1, x30;	/* inputs */
	uint32_t nzcv;
	uint64_t want_pc, want_x30;
};

/* Encodings checked with aarch64-linux-gnu-as; offsets are from PC0. */
static const struct br_case br_cases[] = {
	{ 0x14000002, "b .+8", 0, 0, 7, 0, PC0 + 8, 7 },
	{ 0x17ffffff, "b .-4", 0, 0, 7, 0, PC0 - 4, 7 },
	{ 0x15ffffff, "b .+0x7fffffc", 0, 0, 7, 0, PC0 + 0x7fffffc, 7 },
	{ 0x16000000, "b .-0x8000000", 0, 0, 7, 0, PC0 - 0x8000000, 7 },
	{ 0x94000010, "bl .+0x40", 0, 0, 7, 0, PC0 + 0x40, PC0 + 4 },
	{ 0x96000000, "bl .-0x8000000", 0, 0, 7, 0, PC0 - 0x8000000, PC0 + 4 },
	{ 0x54000800, "b.eq .+0x100 (Z)", 0, 0, 7, SIM_Z, PC0 + 0x100, 7 },
	{ 0x54000800, "b.eq .+0x100 (!Z)", 0, 0, 7, SIM_N, PC0 + 4, 7 },
	{ 0x54ffffe0, "b.eq .-4", 0, 0, 7, SIM_Z, PC0 - 4, 7 },
	{ 0x547fffe1, "b.ne .+0xffffc", 0, 0, 7, 0, PC0 + 0xffffc, 7 },
	{ 0x54800006, "b.vs .-0x100000", 0, 0, 7, SIM_V, PC0 - 0x100000, 7 },
	{ 0xb4000040, "cbz x0, .+8 (0)", 0, 0, 7, 0, PC0 + 8, 7 },
	{ 0xb4000040, "cbz x0, .+8 (bit 63)", 1ull << 63, 0, 7, 0, PC0 + 4, 7 },
	{ 0xb5000040, "cbnz x0, .+8 (bit 32)", 1ull << 32, 0, 7, 0, PC0 + 8, 7 },
	{ 0xb5000040, "cbnz x0, .+8 (0)", 0, 0, 7, 0, PC0 + 4, 7 },
	{ 0x34000040, "cbz w0, .+8 (upper bits only)", 0xffffffff00000000ull, 0, 7, 0, PC0 + 8, 7 },
	{ 0x34000040, "cbz w0, .+8 (bit 31)", 0x80000000, 0, 7, 0, PC0 + 4, 7 },
	{ 0x35000040, "cbnz w0, .+8 (upper bits only)", 0xffffffff00000000ull, 0, 7, 0,
	  PC0 + 4, 7 },
	{ 0x35000040, "cbnz w0, .+8 (1)", 1, 0, 7, 0, PC0 + 8, 7 },
	{ 0xb480001f, "cbz xzr, .-0x100000", 5, 0, 7, 0, PC0 - 0x100000, 7 },
	{ 0x357fffe5, "cbnz w5, .+0xffffc", 0, 0, 7, 0, PC0 + 0xffffc, 7 },
	{ 0x36000040, "tbz w0, #0, .+8 (clear)", 0xfffffffffffffffeull, 0, 7, 0, PC0 + 8, 7 },
	{ 0x36000040, "tbz w0, #0, .+8 (set)", 1, 0, 7, 0, PC0 + 4, 7 },
	{ 0x36f80040, "tbz w0, #31, .+8 (set)", 0x80000000, 0, 7, 0, PC0 + 4, 7 },
	{ 0x36f80040, "tbz w0, #31, .+8 (clear)", 0x7fffffff, 0, 7, 0, PC0 + 8, 7 },
	{ 0xb6000040, "tbz x0, #32, .+8 (set)", 1ull << 32, 0, 7, 0, PC0 + 4, 7 },
	{ 0xb6000040, "tbz x0, #32, .+8 (clear)", 0xfffffffeffffffffull, 0, 7, 0, PC0 + 8, 7 },
	{ 0xb7f80040, "tbnz x0, #63, .+8 (set)", 1ull << 63, 0, 7, 0, PC0 + 8, 7 },
	{ 0xb7f80040, "tbnz x0, #63, .+8 (clear)", 0x7fffffffffffffffull, 0, 7, 0, PC0 + 4, 7 },
	{ 0x3707ffe0, "tbnz w0, #0, .-4", 1, 0, 7, 0, PC0 - 4, 7 },
	{ 0x360bffe0, "tbz w0, #1, .+0x7ffc", 0, 0, 7, 0, PC0 + 0x7ffc, 7 },
	{ 0x37140000, "tbnz w0, #2, .-0x8000", 4, 0, 7, 0, PC0 - 0x8000, 7 },
	{ 0xd61f0020, "br x1", 0, 0x1234, 7, 0, 0x1234, 7 },
	{ 0xd61f0020, "br x1 (misaligned: faults at fetch)", 0, 0x1235, 7, 0, 0x1235, 7 },
	{ 0xd63f0020, "blr x1", 0, 0xffff000000001000ull, 7, 0, 0xffff000000001000ull,
	  PC0 + 4 },
	{ 0xd63f03c0, "blr x30", 0, 0, 0x5000, 0, 0x5000, PC0 + 4 },
	{ 0xd65f03c0, "ret", 0, 0, 0x6000, 0, 0x6000, 0x6000 },
	{ 0xd65f0020, "ret x1", 0, 0x7000, 0x6000, 0, 0x7000, 0x6000 },
	{ 0xd61f03e0, "br xzr", 0, 0, 7, 0, 0, 7 },
};

static void test_branch_table(void **state)
{
	for (size_t i = 0; i < sizeof(br_cases) / sizeof(br_cases[0]); i++) {
		const struct br_case *k = &br_cases[i];
		struct sim_cpu c;
		struct sim_insn in;

		a64_test_cpu_init(&c);
		c.pc = PC0;
		c.x[0] = k->x0;
		c.x[1] = k->x1;
		c.x[30] = k->x30;
		c.nzcv = k->nzcv;
		if (!sim_decode_branch(k->insn, &in))
			fail_msg("%s: not decoded", k->text);
		in.fn(&c, &in);
		if (c.pc != k->want_pc || c.x[30] != k->want_x30)
			fail_msg("%s: pc %#llx x30 %#llx, want %#llx %#llx", k->text,
				 (unsigned long long)c.pc, (unsigned long long)c.x[30],
				 (unsigned long long)k->want_pc, (unsigned long long)k->want_x30);
		assert_int_equal(c.x[0], k->x0);
		assert_int_equal(c.x[1], k->x1);
		assert_int_equal(c.x[31], 0);
		assert_int_equal(c.nzcv, k->nzcv);
		for (unsigned r = 2; r < 30; r++)
			assert_int_equal(c.x[r], a64_test_pattern(r));
	}
}

/* The condition table written out from the Arm ARM (ConditionHolds()). */
static bool ref_cond(unsigned cond, unsigned f)
{
	bool n = f & 8, z = f & 4, cf = f & 2, v = f & 1;

	switch (cond) {
	case 0x0: return z;			/* EQ */
	case 0x1: return !z;			/* NE */
	case 0x2: return cf;			/* CS */
	case 0x3: return !cf;			/* CC */
	case 0x4: return n;			/* MI */
	case 0x5: return !n;			/* PL */
	case 0x6: return v;			/* VS */
	case 0x7: return !v;			/* VC */
	case 0x8: return cf && !z;		/* HI */
	case 0x9: return !cf || z;		/* LS */
	case 0xa: return n == v;		/* GE */
	case 0xb: return n != v;		/* LT */
	case 0xc: return !z && n == v;		/* GT */
	case 0xd: return z || n != v;		/* LE */
	default: return true;			/* AL, NV: always */
	}
}

static void test_bcond_exhaustive(void **state)
{
	for (unsigned cond = 0; cond < 16; cond++) {
		for (unsigned f = 0; f < 16; f++) {
			struct sim_cpu c;
			struct sim_insn in;

			a64_test_cpu_init(&c);
			c.pc = PC0;
			c.nzcv = f << 28;
			assert_true(sim_decode_branch(0x54000800 | cond, &in));	/* .+0x100 */
			in.fn(&c, &in);
			if (c.pc != PC0 + (ref_cond(cond, f) ? 0x100 : 4))
				fail_msg("cond %u nzcv %x: pc %#llx", cond, f,
					 (unsigned long long)c.pc);
			assert_int_equal(c.nzcv, f << 28);
		}
	}
}

/* TBZ/TBNZ on every bit of a walking-one value. */
static void test_tbz_every_bit(void **state)
{
	for (unsigned bit = 0; bit < 64; bit++) {
		for (unsigned probe = 0; probe < 64; probe += 9) {
			uint32_t tbnz = 0x37000040 | (bit >> 5) << 31 | (bit & 31) << 19 | 3;
			struct sim_cpu c;
			struct sim_insn in;

			a64_test_cpu_init(&c);
			c.pc = PC0;
			c.x[3] = 1ull << probe;
			assert_true(sim_decode_branch(tbnz, &in));
			in.fn(&c, &in);
			assert_int_equal(c.pc, PC0 + (bit == probe ? 8 : 4));

			a64_test_cpu_init(&c);
			c.pc = PC0;
			c.x[3] = ~(1ull << probe);
			assert_true(sim_decode_branch(tbnz & ~(1u << 24), &in));	/* TBZ */
			in.fn(&c, &in);
			assert_int_equal(c.pc, PC0 + (bit == probe ? 8 : 4));
		}
	}
}

static void test_branch_undef(void **state)
{
	static const uint32_t words[] = {
		0x54000010,	/* BC.eq (FEAT_HBC) */
		0xd71f0822,	/* BRAA x1, x2 */
		0xd65f0bff,	/* RETAA */
		0xd63f083f,	/* BLRAAZ x1 */
		0xd61f0021,	/* BR with op4 != 0 */
		0xd61e0020,	/* BR with op2 != 11111 */
		0xd67f0020,	/* opc = 0011 */
		0xd69f03e0,	/* ERET: sim_decode_system's */
		0xd6bf03e0,	/* DRPS */
		0xd4000001,	/* SVC */
		0xd503201f,	/* NOP */
		0x91000c20,	/* ADD (immediate) */
	};

	a64_expect_undef(words, sizeof(words) / sizeof(words[0]), sim_decode_branch);
}

static void test_decode_pure_random(void **state)
{
	uint64_t s = 0x9e3779b97f4a7c15ull;

	for (unsigned i = 0; i < 200000; i++) {
		struct sim_insn a, b;
		uint32_t w;
		bool ra, rb;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		w = (uint32_t)s;
		if (i & 1)
			w = (w & ~0x1c000000u) | 0x14000000u;	/* branch/system class */
		memset(&a, 0xa5, sizeof(a));
		memset(&b, 0x5a, sizeof(b));
		ra = sim_decode_branch(w, &a);
		rb = sim_decode_branch(w, &b);
		assert_int_equal(ra, rb);
		if (ra) {
			assert_memory_equal(&a, &b, sizeof(a));
			assert_non_null(a.fn);
			assert_int_equal(a.raw, w);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_branch_table),
		cmocka_unit_test(test_bcond_exhaustive),
		cmocka_unit_test(test_tbz_every_bit),
		cmocka_unit_test(test_branch_undef),
		cmocka_unit_test(test_decode_pure_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
