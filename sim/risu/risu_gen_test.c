// SPDX-License-Identifier: MIT
/*
 * Unit tests of sim-risu's generator and sim executor (no QEMU needed): the pattern
 * tables parse, every pattern is drawn and honours its fixed bits, tests are a pure
 * function of (seed, index), branches go forward to group starts, MOV sequences
 * materialise their constants, and the sim executor reports how a run ended.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/risu/risu.h"

#define ALL_GROUPS ((1ull << RG_COUNT) - 1)

static struct risu_seq seq, seq2;
static struct risu_input in, in2;

static struct risu_gen *make_gen(uint64_t seed, unsigned length, uint64_t groups)
{
	struct risu_gen_config cfg = { .seed = seed, .length = length, .groups = groups };
	struct risu_gen *g = risu_gen_create(&cfg);

	assert_non_null(g);
	return g;
}

static void test_tables_parse(void **state)
{
	const struct risu_pattern *tables[] = { risu_insns_int, risu_insns_ldst, risu_insns_fp,
						risu_insns_simd, risu_insns_simdfp };
	unsigned n = 0;

	(void)state;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (const struct risu_pattern *p = tables[t]; p->name; p++, n++) {
			struct risu_parsed pp;
			char err[128] = "";
			uint32_t covered;

			if (risu_pattern_parse(p, &pp, err, sizeof(err)))
				fail_msg("%s: %s", p->name, err);
			covered = pp.mask;
			for (unsigned i = 0; i < pp.nfields; i++)
				covered |= (uint32_t)(((1ull << pp.f[i].width) - 1) << pp.f[i].lsb);
			assert_int_equal(covered, 0xffffffffu);
			assert_true(p->group < RG_COUNT);
		}
	}
	assert_true(n > 150);
}

static void test_pattern_parse_errors(void **state)
{
	static const struct risu_pattern bad[] = {
		{ "short", RG_ALU, "0101 rd:5", NULL },
		{ "long", RG_ALU, "1111111111111111111111111111 rd:5", NULL },
		{ "token", RG_ALU, "0000000000000000000000000002 rd:4", NULL },
		{ "twice", RG_ALU, "0000000000000000000000 rd:5 rd:5", NULL },
		{ "width", RG_ALU, "000000000000000000000000000 rd:x", NULL },
	};
	struct risu_parsed pp;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(risu_pattern_parse(&bad[i], &pp, err, sizeof(err)), -EINVAL);
}

/* Every pattern shows up in a campaign, always with its fixed bits. */
static void test_every_pattern_drawn(void **state)
{
	struct risu_gen *g = make_gen(7, 40, ALL_GROUPS);
	unsigned n = risu_gen_npatterns(g), missing = 0;
	unsigned *seen = calloc(n, sizeof(*seen));

	(void)state;
	assert_non_null(seen);
	for (uint64_t t = 0; t < 3000; t++) {
		risu_gen_test(g, t, &seq, &in);
		for (unsigned k = 0; k < seq.ngroups; k++) {
			const struct risu_group_rec *gr = &seq.groups[k];
			const struct risu_parsed *pp = risu_gen_pattern(g, (unsigned)gr->pattern);
			uint32_t w = seq.words[gr->first + gr->count - 1];

			assert_int_equal(w & pp->mask, pp->value);
			seen[gr->pattern]++;
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (!seen[i]) {
			print_error("never drawn: %s\n", risu_gen_pattern(g, i)->p->name);
			missing++;
		}
	assert_int_equal(missing, 0);
	free(seen);
	risu_gen_destroy(g);
}

static void test_deterministic(void **state)
{
	struct risu_gen *g = make_gen(99, 24, ALL_GROUPS);

	(void)state;
	risu_gen_test(g, 5, &seq, &in);
	risu_gen_test(g, 6, &seq2, &in2);
	assert_memory_not_equal(&in, &in2, sizeof(in));
	risu_gen_test(g, 5, &seq2, &in2);
	assert_memory_equal(&in, &in2, sizeof(in));
	assert_memory_equal(&seq, &seq2, sizeof(seq));
	risu_gen_destroy(g);

	/* Another generator with the same seed: the same test. */
	g = make_gen(99, 24, ALL_GROUPS);
	risu_gen_test(g, 5, &seq2, &in2);
	assert_memory_equal(&in, &in2, sizeof(in));
	risu_gen_destroy(g);
}

/* Sequence layout: CLREX, groups back to back, sentinel; branches forward to a group. */
static void test_layout_and_branches(void **state)
{
	struct risu_gen *g = make_gen(3, 30, 1ull << RG_BRANCH | 1ull << RG_ALU);

	(void)state;
	for (uint64_t t = 0; t < 500; t++) {
		unsigned next = 1;

		risu_gen_test(g, t, &seq, &in);
		assert_int_equal(seq.words[0], 0xd5033f5fu);
		assert_int_equal(seq.words[seq.nwords - 1], RISU_SENTINEL_WORD);
		assert_memory_equal(&in.code[seq.base], seq.words, seq.nwords * 4);
		assert_int_equal(in.state.pc, risu_seq_va(&seq, 0));
		assert_true(seq.base + seq.nwords <= RISU_CODE_WORDS);
		for (unsigned k = 0; k < seq.ngroups; k++) {
			const struct risu_group_rec *gr = &seq.groups[k];
			unsigned at = gr->first + gr->br_word, to;
			uint32_t w = seq.words[at];
			int64_t off;

			assert_int_equal(gr->first, next);
			next += gr->count;
			if (gr->br_kind == RB_NONE)
				continue;
			switch (gr->br_kind) {
			case RB_IMM26: off = ((int64_t)(w << 6) >> 6) * 4; break;
			case RB_IMM19: off = ((int64_t)((w >> 5) << 13) >> 13) * 4; break;
			case RB_IMM14: off = ((int64_t)((w >> 5) << 18) >> 18) * 4; break;
			default:
				off = (int64_t)(((int32_t)(((w >> 5) & 0x7ffff) << 13) >> 11) |
						((w >> 29) & 3));
				break;
			}
			assert_true(off > 0);
			to = at + (unsigned)(off / 4);
			assert_true(to == seq.nwords - 1 || to == seq.groups[gr->br_target].first);
			assert_true(gr->br_target > k);
		}
		assert_int_equal(next, seq.nwords - 1);
	}
	risu_gen_destroy(g);
}

/* Evaluate MOVZ/MOVN/MOVK words as the architecture defines them. */
static uint64_t eval_movs(const uint32_t *w, unsigned n, unsigned reg)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++) {
		unsigned hw = (w[i] >> 21) & 3, opc = (w[i] >> 29) & 3;
		uint64_t imm = (uint64_t)((w[i] >> 5) & 0xffff) << (16 * hw);

		assert_int_equal(w[i] & 31, reg);
		assert_int_equal((w[i] >> 23) & 0x3f, 0x25);	/* move wide, sf = 1 */
		if (opc == 0)
			v = ~imm;
		else if (opc == 2)
			v = imm;
		else
			v = (v & ~(0xffffull << (16 * hw))) | imm;
	}
	return v;
}

static void test_emit_mov(void **state)
{
	static const uint64_t values[] = { 0, 1, 0xffff, 0x10000, 0x40200000, ~0ull, ~0ull - 5,
					   0xffffffff00000000ull, 0x123456789abcdef0ull,
					   0x8000000000000000ull, 0xffff0000ffff0000ull };
	struct risu_parsed pp = { 0 };
	struct risu_pattern p = { "test", RG_ALU, "", NULL };
	struct risu_rng r;

	(void)state;
	pp.p = &p;
	risu_rng_seed(&r, 1, 0);
	for (unsigned i = 0; i < 2000; i++) {
		struct risu_ctx x = { .pp = &pp, .rng = &r };
		uint64_t v = i < sizeof(values) / sizeof(values[0]) ? values[i] : risu_rng_next(&r);

		if (i % 3 == 1)
			v &= 0xffffffffull;
		risu_emit_mov(&x, 7, v);
		assert_true(x.nprefix >= 1 && x.nprefix <= 4);
		assert_int_equal(eval_movs(x.prefix, x.nprefix, 7), v);
	}
}

static void test_bitmask_and_groups(void **state)
{
	(void)state;
	assert_true(risu_valid_bitmask(1, 0, 0, 64));		/* 0x1 in 64-bit elements */
	assert_false(risu_valid_bitmask(1, 0, 0, 32));		/* N = 1 needs X */
	assert_false(risu_valid_bitmask(1, 0x3f, 0, 64));	/* all ones */
	assert_false(risu_valid_bitmask(0, 0x3f, 0, 32));	/* no element size */
	assert_true(risu_valid_bitmask(0, 0x3c, 0, 32));	/* 2-bit elements: 0x5555... */
	assert_false(risu_valid_bitmask(0, 0x3d, 0, 32));	/* 2-bit element of all ones */
	assert_int_equal(risu_parse_groups("all"), (int64_t)ALL_GROUPS);
	assert_int_equal(risu_parse_groups("alu,fp"), 1ll << RG_ALU | 1ll << RG_FP);
	assert_int_equal(risu_parse_groups("alu,bogus"), -1);
	assert_int_equal(risu_parse_groups(""), -1);
}

/* Memory instructions only reach the scratch block: checked on the sim, whose data
 * aborts would show as an outcome other than the sentinel. */
static void test_sim_runs_generated_tests(void **state)
{
	struct risu_gen *g = make_gen(11, 24, ALL_GROUPS);
	struct risu_sim *s = risu_sim_create();
	struct risu_output out;

	(void)state;
	assert_non_null(s);
	for (uint64_t t = 0; t < 300; t++) {
		risu_gen_test(g, t, &seq, &in);
		assert_int_equal(risu_sim_run(s, &in, &out), 0);
		assert_int_equal(out.state.outcome, RISU_END_BRK);
		assert_int_equal(out.state.detail, RISU_SENTINEL_IMM);
		assert_int_equal(out.state.pc, risu_seq_va(&seq, seq.nwords - 1));
	}
	risu_sim_destroy(s);
	risu_gen_destroy(g);
}

/* A hand-written test: values, flags and the way each run ends. */
static void test_sim_executor(void **state)
{
	struct risu_sim *s = risu_sim_create();
	struct risu_output out;

	(void)state;
	assert_non_null(s);
	memset(&in, 0, sizeof(in));
	in.magic = RISU_MAGIC_IN;
	in.state.pc = RISU_CODE_VA;
	in.state.x[1] = 40;
	in.state.x[2] = 2;
	in.state.sp = RISU_SCRATCH_VA + 0x100;
	in.state.nzcv = 0x20000000;
	in.code[0] = 0xeb020020;		/* subs x0, x1, x2 */
	in.code[1] = 0xf90003e0;		/* str x0, [sp] */
	in.code[2] = RISU_SENTINEL_WORD;
	assert_int_equal(risu_sim_run(s, &in, &out), 0);
	assert_int_equal(out.state.outcome, RISU_END_BRK);
	assert_int_equal(out.state.detail, RISU_SENTINEL_IMM);
	assert_int_equal(out.state.pc, RISU_CODE_VA + 8);
	assert_int_equal(out.state.x[0], 38);
	assert_int_equal(out.state.nzcv, 0x20000000);	/* C: no borrow */
	assert_int_equal(out.scratch[0x100], 38);

	in.code[1] = 0x00000000;		/* udf #0 */
	assert_int_equal(risu_sim_run(s, &in, &out), 0);
	assert_int_equal(out.state.outcome, RISU_END_UNDEF);
	assert_int_equal(out.state.pc, RISU_CODE_VA + 4);

	in.code[1] = 0xf9400020;		/* ldr x0, [x1]: address 40 is unmapped */
	assert_int_equal(risu_sim_run(s, &in, &out), 0);
	assert_int_equal(out.state.outcome, RISU_END_DATA_ABORT);
	assert_int_equal(out.state.fault_addr, 40);

	in.code[1] = 0xf9000020;		/* str x0, [x1] with x1 in the code page */
	in.state.x[1] = RISU_CODE_VA + 0x800;
	assert_int_equal(risu_sim_run(s, &in, &out), 0);
	assert_int_equal(out.state.outcome, RISU_END_DATA_ABORT);
	assert_int_equal(out.state.fault_addr, RISU_CODE_VA + 0x800);

	in.code[1] = 0x14000000;		/* b . : never ends */
	assert_int_equal(risu_sim_run(s, &in, &out), 0);
	assert_int_equal(out.state.outcome, RISU_END_TIMEOUT);
	risu_sim_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_parse),
		cmocka_unit_test(test_pattern_parse_errors),
		cmocka_unit_test(test_every_pattern_drawn),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_layout_and_branches),
		cmocka_unit_test(test_emit_mov),
		cmocka_unit_test(test_bitmask_and_groups),
		cmocka_unit_test(test_sim_runs_generated_tests),
		cmocka_unit_test(test_sim_executor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
