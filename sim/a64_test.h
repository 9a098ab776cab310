/* SPDX-License-Identifier: MIT */
/*
 * Support for the A64 integer unit tests (a64_*_test.c): table-driven cases that decode
 * one instruction word, run its handler on a bare struct sim_cpu and compare registers
 * and NZCV exactly. The expected values of the tables were produced by running the
 * same instruction and inputs under qemu-aarch64 (the project's oracle) and checked by
 * hand for the corner cases the comments name.
 */
#ifndef AVF_SIM_A64_TEST_H
#define AVF_SIM_A64_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "sim/internal.h"

/* NZCV values by letters. */
#define F_N	SIM_N
#define F_Z	SIM_Z
#define F_C	SIM_C
#define F_V	SIM_V
#define F_NZ	(SIM_N | SIM_Z)
#define F_NC	(SIM_N | SIM_C)
#define F_NV	(SIM_N | SIM_V)
#define F_ZC	(SIM_Z | SIM_C)
#define F_ZV	(SIM_Z | SIM_V)
#define F_CV	(SIM_C | SIM_V)
#define F_NZC	(SIM_N | SIM_Z | SIM_C)
#define F_NZV	(SIM_N | SIM_Z | SIM_V)
#define F_NCV	(SIM_N | SIM_C | SIM_V)
#define F_ZCV	(SIM_Z | SIM_C | SIM_V)
#define F_NZCV	(SIM_N | SIM_Z | SIM_C | SIM_V)

#define A64_TEST_PC 0x40001000ull

/*
 * One register-only case: inputs in x0..x3, SP and NZCV; every other X register holds
 * a64_test_pattern(n). Afterwards x0, SP and NZCV must equal the wanted values, x1..x30
 * must be unchanged, x31 must still read 0 and the PC must have advanced by 4.
 */
struct a64_case {
	uint32_t insn;
	const char *text;
	uint64_t in[4];
	uint64_t sp;
	uint32_t nzcv;
	uint64_t want_x0, want_sp;
	uint32_t want_nzcv;
};

static inline uint64_t a64_test_pattern(unsigned n)
{
	return 0x0101010101010101ull * n;
}

static inline void a64_test_cpu_init(struct sim_cpu *c)
{
	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < 31; i++)
		c->x[i] = a64_test_pattern(i);
	c->pc = A64_TEST_PC;
}

typedef bool (*a64_decoder)(uint32_t insn, struct sim_insn *out);

#define A64_CHECK(cond, k, fmt, ...)							\
	do {										\
		if (!(cond))								\
			fail_msg("%08x \"%s\": " fmt, (k)->insn, (k)->text, __VA_ARGS__);	\
	} while (0)

/* Runs every case of the table; returns the number of register values compared. */
static inline unsigned a64_run_cases(const struct a64_case *k, size_t n, a64_decoder dec)
{
	unsigned checks = 0;

	for (size_t i = 0; i < n; i++, k++) {
		struct sim_cpu c;
		struct sim_insn in;

		a64_test_cpu_init(&c);
		memcpy(c.x, k->in, sizeof(k->in));
		c.sp = k->sp;
		c.nzcv = k->nzcv;
		A64_CHECK(dec(k->insn, &in), k, "%s", "not decoded");
		A64_CHECK(in.raw == k->insn && in.fn, k, "%s", "bad sim_insn");
		in.fn(&c, &in);
		A64_CHECK(c.x[0] == k->want_x0, k, "x0 = %#llx, want %#llx",
			  (unsigned long long)c.x[0], (unsigned long long)k->want_x0);
		A64_CHECK(c.sp == k->want_sp, k, "sp = %#llx, want %#llx",
			  (unsigned long long)c.sp, (unsigned long long)k->want_sp);
		A64_CHECK(c.nzcv == k->want_nzcv, k, "nzcv = %#x, want %#x", c.nzcv,
			  k->want_nzcv);
		A64_CHECK(c.pc == A64_TEST_PC + 4, k, "pc = %#llx", (unsigned long long)c.pc);
		A64_CHECK(c.x[31] == 0, k, "x31 = %#llx", (unsigned long long)c.x[31]);
		for (unsigned r = 1; r < 31; r++)
			A64_CHECK(c.x[r] == (r < 4 ? k->in[r] : a64_test_pattern(r)), k,
				  "x%u changed to %#llx", r, (unsigned long long)c.x[r]);
		checks += 35;
	}
	return checks;
}

/* Every word must be refused by the decoder (reserved encodings, or encodings outside the CPU model). */
static inline void a64_expect_undef(const uint32_t *words, size_t n, a64_decoder dec)
{
	for (size_t i = 0; i < n; i++) {
		struct sim_insn in;

		if (dec(words[i], &in))
			fail_msg("%08x decoded, but it is UNDEFINED here", words[i]);
	}
}

/*
 * Decoders are pure and total: over nr pseudo-random words (every other one forced into
 * the group: (w & group_mask) == group_val), two decodes into differently poisoned slots
 * agree, and an accepted word has a handler, its raw word, and belongs to the group.
 * Returns how many words were accepted.
 */
static inline unsigned a64_check_decoder_pure(a64_decoder dec, uint64_t s, uint32_t group_mask,
					      uint32_t group_val, unsigned nr)
{
	unsigned accepted = 0;

	for (unsigned i = 0; i < nr; i++) {
		struct sim_insn a, b;
		uint32_t w;
		bool ra, rb;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		w = (uint32_t)s;
		if (i & 1)
			w = (w & ~group_mask) | group_val;	/* force the group */
		memset(&a, 0xa5, sizeof(a));
		memset(&b, 0x5a, sizeof(b));
		ra = dec(w, &a);
		rb = dec(w, &b);
		assert_int_equal(ra, rb);
		if (ra) {
			assert_memory_equal(&a, &b, sizeof(a));
			assert_non_null(a.fn);
			assert_int_equal(a.raw, w);
			assert_int_equal(w & group_mask, group_val);
			accepted++;
		}
	}
	return accepted;
}

#endif /* AVF_SIM_A64_TEST_H */
