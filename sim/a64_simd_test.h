/* SPDX-License-Identifier: MIT */
/*
 * Support for the FP/SIMD unit tests (a64_fp_test.c, a64_simd_test.c, ...): table-driven
 * cases that decode one instruction word and run its handler on a bare struct sim_cpu.
 *
 * Register convention of every case: the destination is V0 (or X0), the sources are V1,
 * V2, V3 (Vn, Vm, Va) and X1, X2. All other registers hold fixed patterns and must come
 * out unchanged; so must X0 unless the instruction writes it, V0 unless it writes V0.
 *
 * Expected values were produced by running the same word with the same inputs under
 * qemu-aarch64 7.2 (the project's oracle; encodings from aarch64-linux-gnu-as) and
 * checked by hand for the corner cases the comments name.
 */
#ifndef AVF_SIM_A64_SIMD_TEST_H
#define AVF_SIM_A64_SIMD_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "sim/internal.h"

#define SIMD_TEST_PC	0x40001000ull
#define SIMD_X0_INIT	0x5a5a5a5a5a5a5a5aull

struct simd_case {
	uint32_t insn;
	const char *text;
	uint32_t fpcr, fpsr, nzcv;		/* inputs */
	uint64_t v1[2], v2[2], v3[2], v0[2];	/* inputs, low doubleword first */
	uint64_t x1, x2;
	uint64_t want_v0[2];
	uint64_t want_x0;
	uint32_t want_fpsr, want_nzcv;
};

/* Patterns of the registers a case does not set. */
static inline uint64_t simd_test_vpat(unsigned r, unsigned half)
{
	return half ? 0x1111111111111111ull * (r % 15) ^ 0x0123
		    : 0x0101010101010101ull * r ^ 0x8000000080000000ull;
}

static inline uint64_t simd_test_xpat(unsigned r)
{
	return 0x0101010101010101ull * r;
}

/* The same patterns as constant initialisers for the case tables. */
#define VPAT(r) { 0x0101010101010101ull * (r) ^ 0x8000000080000000ull, \
		  0x1111111111111111ull * ((r) % 15) ^ 0x0123 }
#define XPAT(r) (0x0101010101010101ull * (r))

static inline void simd_test_cpu_init(struct sim_cpu *c, const struct simd_case *k)
{
	memset(c, 0, sizeof(*c));
	for (unsigned r = 0; r < 31; r++)
		c->x[r] = simd_test_xpat(r);
	c->x[0] = SIMD_X0_INIT;
	c->x[1] = k->x1;
	c->x[2] = k->x2;
	for (unsigned r = 0; r < 32; r++) {
		c->v[r].d[0] = simd_test_vpat(r, 0);
		c->v[r].d[1] = simd_test_vpat(r, 1);
	}
	memcpy(c->v[0].d, k->v0, 16);
	memcpy(c->v[1].d, k->v1, 16);
	memcpy(c->v[2].d, k->v2, 16);
	memcpy(c->v[3].d, k->v3, 16);
	c->fpcr = k->fpcr;
	c->fpsr = k->fpsr;
	c->nzcv = k->nzcv;
	c->sysreg[SR_CPACR_EL1] = 3ull << 20;	/* FPEN: no trap */
	c->pc = SIMD_TEST_PC;
}

typedef bool (*simd_decoder)(uint32_t insn, struct sim_insn *out);

#define SIMD_CHECK(cond, k, fmt, ...)							\
	do {										\
		if (!(cond))								\
			fail_msg("%08x \"%s\": " fmt, (k)->insn, (k)->text, __VA_ARGS__);	\
	} while (0)

/* Runs every case of the table with decoder dec; returns the number of checks made. */
static inline unsigned simd_run_cases(const struct simd_case *k, size_t n, simd_decoder dec)
{
	unsigned checks = 0;

	for (size_t i = 0; i < n; i++, k++) {
		struct sim_cpu c;
		struct sim_insn in;

		simd_test_cpu_init(&c, k);
		SIMD_CHECK(dec(k->insn, &in), k, "%s", "not decoded");
		SIMD_CHECK(in.raw == k->insn && in.fn, k, "%s", "bad sim_insn");
		in.fn(&c, &in);
		SIMD_CHECK(c.v[0].d[0] == k->want_v0[0] && c.v[0].d[1] == k->want_v0[1], k,
			   "v0 = %016llx:%016llx, want %016llx:%016llx",
			   (unsigned long long)c.v[0].d[1], (unsigned long long)c.v[0].d[0],
			   (unsigned long long)k->want_v0[1], (unsigned long long)k->want_v0[0]);
		SIMD_CHECK(c.x[0] == k->want_x0, k, "x0 = %#llx, want %#llx",
			   (unsigned long long)c.x[0], (unsigned long long)k->want_x0);
		SIMD_CHECK(c.fpsr == k->want_fpsr, k, "fpsr = %#x, want %#x", c.fpsr, k->want_fpsr);
		SIMD_CHECK(c.nzcv == k->want_nzcv, k, "nzcv = %#x, want %#x", c.nzcv,
			   k->want_nzcv);
		SIMD_CHECK(c.fpcr == k->fpcr, k, "fpcr = %#x", c.fpcr);
		SIMD_CHECK(c.pc == SIMD_TEST_PC + 4, k, "pc = %#llx", (unsigned long long)c.pc);
		SIMD_CHECK(c.x[31] == 0, k, "x31 = %#llx", (unsigned long long)c.x[31]);
		for (unsigned r = 1; r < 31; r++)
			SIMD_CHECK(c.x[r] == (r == 1 ? k->x1 : r == 2 ? k->x2 : simd_test_xpat(r)),
				   k, "x%u changed to %#llx", r, (unsigned long long)c.x[r]);
		for (unsigned r = 1; r < 32; r++) {
			const uint64_t *want = r == 1 ? k->v1 : r == 2 ? k->v2 : r == 3 ? k->v3 : NULL;
			uint64_t lo = want ? want[0] : simd_test_vpat(r, 0);
			uint64_t hi = want ? want[1] : simd_test_vpat(r, 1);

			SIMD_CHECK(c.v[r].d[0] == lo && c.v[r].d[1] == hi, k, "v%u changed", r);
		}
		checks += 67;
	}
	return checks;
}

/* Every word must be refused by the decoder (reserved encodings, or encodings outside the CPU model). */
static inline void simd_expect_undef(const uint32_t *words, size_t n, simd_decoder dec)
{
	for (size_t i = 0; i < n; i++) {
		struct sim_insn in;

		if (dec(words[i], &in))
			fail_msg("%08x decoded, but it is UNDEFINED here", words[i]);
	}
}

/* Decoding is pure: the same word twice gives byte-identical sim_insn. */
static inline void simd_expect_pure(simd_decoder dec, uint32_t value, uint32_t fixed,
				    unsigned count, uint64_t seed)
{
	for (unsigned i = 0; i < count; i++) {
		struct sim_insn a, b;
		uint32_t w;
		bool da, db;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		w = (value & fixed) | ((uint32_t)(seed >> 32) & ~fixed);
		memset(&a, 0xa5, sizeof(a));
		memset(&b, 0x5a, sizeof(b));
		da = dec(w, &a);
		db = dec(w, &b);
		if (da != db || (da && memcmp(&a, &b, sizeof(a)) != 0))
			fail_msg("%08x: decoding is not pure", w);
	}
}

#endif /* AVF_SIM_A64_SIMD_TEST_H */
