// SPDX-License-Identifier: MIT
/*
 * The campaign: generate each test, run it on QEMU and on the sim (QEMU works on test i
 * while the sim runs it too), compare, and on a mismatch find and report the first
 * instruction after which the two disagree.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/risu/risu.h"

struct campaign {
	const struct risu_options *o;
	struct risu_gen *gen;
	struct risu_sim *sim;
	struct risu_qemu *q;
	struct risu_seq seq;
	struct risu_input in, cut;
	struct risu_output qout, sout;
	uint64_t mismatches;
	unsigned *by_pattern;	/* mismatches per culprit pattern */
};

/* Run `in` on both; 0 with *differ (and `what`) set, or -1 if an executor failed. */
static int run_both(struct campaign *c, const struct risu_input *in, bool *differ,
		    char *what, size_t len)
{
	int sim_err;

	if (risu_qemu_send(c->q, in))
		return -1;
	sim_err = risu_sim_run(c->sim, in, &c->sout);
	if (risu_qemu_recv(c->q, &c->qout) || sim_err)
		return -1;
	*differ = risu_compare(&c->qout, &c->sout, what, len);
	return 0;
}

/* Run the test cut before `word`. */
static int run_cut(struct campaign *c, unsigned word, bool *differ)
{
	char what[160];

	risu_gen_truncate(&c->seq, word, &c->cut);
	return run_both(c, &c->cut, differ, what, sizeof(what));
}

static bool is_register_field(const char *name)
{
	static const char *const regs[] = { "rd", "rn", "rm", "ra", "rt", "rt2", "rs" };

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (!strcmp(name, regs[i]))
			return true;
	return false;
}

/* The culprit's fields, and the registers they name as QEMU had them just before. */
static void print_operands(const struct risu_parsed *pp, uint32_t word,
			   const struct risu_state *before)
{
	printf("    fields:");
	for (unsigned i = 0; i < pp->nfields; i++) {
		const struct risu_field *f = &pp->f[i];

		printf(" %s=%u", f->name, (word >> f->lsb) & ((1u << f->width) - 1));
	}
	printf("\n    before it (QEMU): NZCV=0x%x FPCR=0x%08x FPSR=0x%08x SP=0x%llx\n",
	       before->nzcv >> 28, before->fpcr, before->fpsr, (unsigned long long)before->sp);
	for (unsigned i = 0; i < pp->nfields; i++) {
		const struct risu_field *f = &pp->f[i];
		unsigned r = (word >> f->lsb) & ((1u << f->width) - 1);

		if (!is_register_field(f->name) || r > 31)
			continue;
		printf("      %-3s %2u: x = 0x%016llx  v = 0x%016llx%016llx\n", f->name, r,
		       r < 31 ? (unsigned long long)before->x[r] : 0ull,
		       (unsigned long long)before->v[r][1], (unsigned long long)before->v[r][0]);
	}
}

/*
 * Find the first group after which QEMU and the sim disagree, and describe it. Returns
 * the word index of its instruction, -2 if no prefix disagrees, -1 if an executor failed.
 */
static int report_culprit(struct campaign *c)
{
	const struct risu_seq *s = &c->seq;
	struct risu_output before;
	bool differ = false;
	unsigned k;

	for (k = 0; k < s->ngroups; k++) {
		const struct risu_group_rec *gr = &s->groups[k];

		if (run_cut(c, gr->first + gr->count, &differ))
			return -1;
		if (differ)
			break;
	}
	if (k == s->ngroups) {
		printf("  every prefix of the test agrees: the difference needs the whole "
		       "sequence (or the sentinel itself)\n");
		return -2;
	}
	const struct risu_group_rec *gr = &s->groups[k];
	const struct risu_parsed *pp = risu_gen_pattern(c->gen, (unsigned)gr->pattern);
	unsigned main_word = gr->first + gr->count - 1;
	struct risu_output after_q = c->qout, after_s = c->sout;

	if (run_cut(c, main_word, &differ))
		return -1;
	before = c->qout;
	printf("  first disagreement after instruction %u of the sequence: 0x%08x at 0x%llx "
	       "(pattern \"%s\", group %s)\n", k, s->words[main_word],
	       (unsigned long long)risu_seq_va(s, main_word), pp->p->name,
	       risu_group_name(pp->p->group));
	if (differ)
		printf("    (QEMU and the sim already disagree before it, in its setup words)\n");
	print_operands(pp, s->words[main_word], &before.state);
	printf("    after it, QEMU vs sim:\n");
	risu_print_differences(stdout, &after_q, &after_s, 16);
	c->by_pattern[gr->pattern]++;
	return (int)main_word;
}

static int report(struct campaign *c, uint64_t index, const char *what)
{
	const struct risu_options *o = c->o;
	int mark;

	printf("sim-risu: MISMATCH: seed %llu, test %llu\n", (unsigned long long)o->gen.seed,
	       (unsigned long long)index);
	printf("  reproduce: sim-risu --seed %llu --start %llu --count 1 --length %u "
	       "--groups %s\n", (unsigned long long)o->gen.seed, (unsigned long long)index,
	       o->gen.length, o->groups_arg);
	printf("  first difference at the end of the test: %s\n", what);
	mark = report_culprit(c);
	if (mark == -1)
		return -1;
	printf("  sequence (==> marks that instruction):\n");
	risu_disassemble(stdout, &c->seq, mark);
	fflush(stdout);
	return 0;
}

static bool reached_sentinel(const struct risu_output *out, const struct risu_seq *seq)
{
	return out->state.outcome == RISU_END_BRK && out->state.detail == RISU_SENTINEL_IMM &&
	       out->state.pc == risu_seq_va(seq, seq->nwords - 1);
}

static void report_generator_error(struct campaign *c, uint64_t index)
{
	const struct risu_state *q = &c->qout.state;
	uint64_t start = risu_seq_va(&c->seq, 0), word = (q->pc - start) / 4;
	int mark = q->pc >= start && word < c->seq.nwords ? (int)word : -1;

	printf("sim-risu: GENERATOR ERROR: seed %llu, test %llu: QEMU and the sim agree, but "
	       "the test ended with %s at 0x%llx instead of its sentinel\n",
	       (unsigned long long)c->o->gen.seed, (unsigned long long)index,
	       risu_outcome_name(q->outcome), (unsigned long long)q->pc);
	for (unsigned g = 0; g < c->seq.ngroups && mark >= 0; g++) {
		const struct risu_group_rec *gr = &c->seq.groups[g];

		if ((unsigned)mark >= gr->first && (unsigned)mark < gr->first + gr->count) {
			c->by_pattern[gr->pattern]++;
			printf("  pattern \"%s\"\n",
			       risu_gen_pattern(c->gen, (unsigned)gr->pattern)->p->name);
		}
	}
	risu_disassemble(stdout, &c->seq, mark);
	fflush(stdout);
}

static void summary(const struct campaign *c)
{
	const struct risu_options *o = c->o;

	printf("sim-risu: seed %llu: %llu tests from %llu, length %u, groups %s: "
	       "%llu failed\n", (unsigned long long)o->gen.seed,
	       (unsigned long long)o->count, (unsigned long long)o->start, o->gen.length,
	       o->groups_arg, (unsigned long long)c->mismatches);
	for (unsigned i = 0; i < risu_gen_npatterns(c->gen); i++)
		if (c->by_pattern[i])
			printf("  %5u  %s\n", c->by_pattern[i], risu_gen_pattern(c->gen, i)->p->name);
}

static int run_tests(struct campaign *c)
{
	const struct risu_options *o = c->o;
	char what[160];

	for (uint64_t i = o->start; i - o->start < o->count; i++) {
		bool differ;

		risu_gen_test(c->gen, i, &c->seq, &c->in);
		c->cut = c->in;
		if (run_both(c, &c->in, &differ, what, sizeof(what)))
			return 2;
		if (o->verbose)
			printf("test %llu: %s, %u words, %s at 0x%llx\n", (unsigned long long)i,
			       differ ? "MISMATCH" : "ok", c->seq.nwords,
			       risu_outcome_name(c->qout.state.outcome),
			       (unsigned long long)c->qout.state.pc);
		if (o->show)
			risu_disassemble(stdout, &c->seq, -1);
		if (!differ && !reached_sentinel(&c->qout, &c->seq)) {
			/* Both agree, but the test did not run to its end: an instruction the
			 * generator should not have produced (or one QEMU lacks). */
			c->mismatches++;
			report_generator_error(c, i);
		} else if (differ) {
			c->mismatches++;
			if (report(c, i, what))
				return 2;
		} else {
			continue;
		}
		if (!o->keep_going)
			break;
	}
	return c->mismatches ? 1 : 0;
}

int risu_campaign(const struct risu_options *o)
{
	struct campaign *c = calloc(1, sizeof(*c));
	int rc = 2;

	if (!c)
		return 2;
	c->o = o;
	c->gen = risu_gen_create(&o->gen);
	c->sim = c->gen ? risu_sim_create() : NULL;
	c->q = c->sim ? risu_qemu_start(o->qemu, o->qemu_cpu, o->runner) : NULL;
	if (c->q)
		c->by_pattern = calloc(risu_gen_npatterns(c->gen), sizeof(*c->by_pattern));
	if (c->by_pattern) {
		rc = run_tests(c);
		if (rc != 2)
			summary(c);
	}
	if (risu_qemu_finish(c->q) && rc != 2) {
		fprintf(stderr, "sim-risu: the QEMU runner failed\n");
		rc = 2;
	}
	free(c->by_pattern);
	risu_sim_destroy(c->sim);
	risu_gen_destroy(c->gen);
	free(c);
	return rc;
}
