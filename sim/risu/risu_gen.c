// SPDX-License-Identifier: MIT
/*
 * The sequence builder and the initial states.
 *
 * A sequence is CLREX (so no exclusive reservation survives from the executor's own
 * code), then `length` groups, then the sentinel BRK. A group is the setup words a
 * pattern's fix function emitted (base registers, ADR for an indirect branch, the load
 * half of an exclusive pair) followed by one instruction drawn from the pattern. Branches
 * only go forward, to the first word of a later group or to the sentinel, so every
 * sequence terminates and never lands between a setup word and its instruction.
 *
 * Everything derives from (seed, test index): the same pair gives the same test.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/risu/risu.h"

#define CLREX_WORD	0xd5033f5fu
#define MAX_DRAWS	64

struct risu_gen {
	struct risu_gen_config cfg;
	struct risu_parsed *pats;
	unsigned npats;
	/* Pattern indices per group, for a draw that is even across groups. */
	unsigned *by_group[RG_COUNT];
	unsigned nby_group[RG_COUNT];
	unsigned active[RG_COUNT];
	unsigned nactive;
};

static const struct risu_pattern *const tables[] = {
	risu_insns_int, risu_insns_ldst, risu_insns_fp, risu_insns_simd, risu_insns_simdfp,
};

static int add_table(struct risu_gen *g, const struct risu_pattern *t)
{
	for (; t->name; t++) {
		char err[128];
		struct risu_parsed *pp;

		if (!(g->cfg.groups & (1ull << t->group)))
			continue;
		pp = realloc(g->pats, (g->npats + 1) * sizeof(*pp));
		if (!pp)
			return -1;
		g->pats = pp;
		if (risu_pattern_parse(t, &g->pats[g->npats], err, sizeof(err))) {
			fprintf(stderr, "sim-risu: pattern %s: %s\n", t->name, err);
			return -1;
		}
		g->npats++;
	}
	return 0;
}

static int index_groups(struct risu_gen *g)
{
	for (unsigned i = 0; i < g->npats; i++) {
		unsigned grp = g->pats[i].p->group;
		unsigned *v = realloc(g->by_group[grp], (g->nby_group[grp] + 1) * sizeof(*v));

		if (!v)
			return -1;
		g->by_group[grp] = v;
		v[g->nby_group[grp]++] = i;
	}
	for (unsigned grp = 0; grp < RG_COUNT; grp++)
		if (g->nby_group[grp])
			g->active[g->nactive++] = grp;
	return 0;
}

struct risu_gen *risu_gen_create(const struct risu_gen_config *cfg)
{
	struct risu_gen *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->cfg = *cfg;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (add_table(g, tables[i]))
			goto fail;
	if (index_groups(g))
		goto fail;
	if (!g->nactive) {
		fprintf(stderr, "sim-risu: no instruction pattern in the selected groups\n");
		goto fail;
	}
	return g;
fail:
	risu_gen_destroy(g);
	return NULL;
}

void risu_gen_destroy(struct risu_gen *g)
{
	if (!g)
		return;
	for (unsigned i = 0; i < RG_COUNT; i++)
		free(g->by_group[i]);
	free(g->pats);
	free(g);
}

unsigned risu_gen_npatterns(const struct risu_gen *g)
{
	return g->npats;
}

const struct risu_parsed *risu_gen_pattern(const struct risu_gen *g, unsigned i)
{
	return i < g->npats ? &g->pats[i] : NULL;
}

/* ---- initial state ------------------------------------------------------------------ */

/* Values that exercise carries, overflows, sign and zero extension and shifts. */
static uint64_t interesting_u64(struct risu_rng *r)
{
	static const uint64_t special[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
		~0ull, ~0ull - 1, 0x5555555555555555ull, 0xaaaaaaaaaaaaaaaaull,
	};

	switch (risu_rng_below(r, 6)) {
	case 0:
		return special[risu_rng_below(r, sizeof(special) / sizeof(special[0]))];
	case 1:
		return (uint64_t)risu_rng_range(r, -64, 64);
	case 2:
		return (uint32_t)risu_rng_next(r);
	case 3:
		return 1ull << risu_rng_below(r, 64);
	default:
		return risu_rng_next(r);
	}
}

/* IEEE single-precision bit patterns covering zeros, subnormals, infinities, NaNs. */
static uint32_t interesting_f32(struct risu_rng *r)
{
	static const uint32_t special[] = {
		0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0x40000000,
		0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000,
		0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x4f000000,
		0xcf000000, 0x5f000000, 0x4b000000, 0x3effffff, 0x00400000,
	};
	uint32_t sign = (uint32_t)risu_rng_below(r, 2) << 31;

	switch (risu_rng_below(r, 4)) {
	case 0:
		return special[risu_rng_below(r, sizeof(special) / sizeof(special[0]))];
	case 1:	/* moderate exponents: ordinary arithmetic */
		return sign | (uint32_t)risu_rng_range(r, 100, 154) << 23 |
		       ((uint32_t)risu_rng_next(r) & 0x7fffff);
	case 2:	/* small integers */
		return sign | (uint32_t)risu_rng_range(r, 127, 150) << 23 |
		       ((uint32_t)risu_rng_next(r) & 0x7f0000);
	default:
		return (uint32_t)risu_rng_next(r);
	}
}

static uint64_t interesting_f64(struct risu_rng *r)
{
	static const uint64_t special[] = {
		0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
		0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
		0x7ff0000000000001ull, 0x7ff4000000000000ull, 0x0000000000000001ull,
		0x000fffffffffffffull, 0x0010000000000000ull, 0x7fefffffffffffffull,
		0x43e0000000000000ull, 0xc3e0000000000000ull, 0x41e0000000000000ull,
		0x4330000000000000ull, 0x3fdfffffffffffffull, 0x36a0000000000000ull,
		0x47efffffe0000000ull,
	};
	uint64_t sign = risu_rng_below(r, 2) << 63;

	switch (risu_rng_below(r, 4)) {
	case 0:
		return special[risu_rng_below(r, sizeof(special) / sizeof(special[0]))];
	case 1:
		return sign | (uint64_t)risu_rng_range(r, 900, 1150) << 52 |
		       (risu_rng_next(r) & 0xfffffffffffffull);
	case 2:	/* representable in single precision: exact conversions */
		return sign | (uint64_t)risu_rng_range(r, 1023 - 126, 1023 + 127) << 52 |
		       (risu_rng_next(r) & 0xfffffe0000000ull);
	default:
		return risu_rng_next(r);
	}
}

static uint64_t interesting_lanes(struct risu_rng *r)
{
	switch (risu_rng_below(r, 5)) {
	case 0:
		return interesting_f32(r) | (uint64_t)interesting_f32(r) << 32;
	case 1:
		return interesting_f64(r);
	case 2:
		return interesting_u64(r);
	default:
		return risu_rng_next(r);
	}
}

static void initial_state(struct risu_rng *r, struct risu_input *in)
{
	struct risu_state *s = &in->state;
	static const uint32_t fpsr_flags[] = { 1u << 0, 1u << 1, 1u << 2, 1u << 3, 1u << 4,
					       1u << 7, 1u << 27 };

	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < 31; i++)
		s->x[i] = interesting_u64(r);
	s->sp = RISU_SCRATCH_VA + risu_rng_below(r, RISU_SCRATCH_SIZE / 16) * 16;
	s->nzcv = (uint32_t)risu_rng_below(r, 16) << 28;
	/* RMode, FZ, DN, AHP: everything the sim's FP model reads from FPCR. */
	s->fpcr = (uint32_t)risu_rng_below(r, 4) << 22;
	if (risu_rng_chance(r, 1, 4))
		s->fpcr |= 1u << 24;
	if (risu_rng_chance(r, 1, 4))
		s->fpcr |= 1u << 25;
	if (risu_rng_chance(r, 1, 8))
		s->fpcr |= 1u << 26;
	if (risu_rng_chance(r, 1, 3))
		for (unsigned i = 0; i < sizeof(fpsr_flags) / sizeof(fpsr_flags[0]); i++)
			if (risu_rng_chance(r, 1, 3))
				s->fpsr |= fpsr_flags[i];
	for (unsigned i = 0; i < 32; i++) {
		s->v[i][0] = interesting_lanes(r);
		s->v[i][1] = interesting_lanes(r);
	}
	for (unsigned off = 0; off < RISU_SCRATCH_SIZE; off += 8) {
		uint64_t v = risu_rng_chance(r, 1, 2) ? risu_rng_next(r) : interesting_lanes(r);

		memcpy(in->scratch + off, &v, 8);
	}
}

/* ---- sequences ---------------------------------------------------------------------- */

static uint32_t assemble(const struct risu_ctx *x)
{
	uint32_t w = x->pp->value;

	for (unsigned i = 0; i < x->pp->nfields; i++)
		w |= x->val[i] << x->pp->f[i].lsb;
	return w;
}

/* Draw pattern `pi` until its fix accepts; false if it never does. */
static bool draw(struct risu_gen *g, struct risu_rng *r, unsigned pi, uint64_t pc_base,
		 struct risu_ctx *x)
{
	const struct risu_parsed *pp = &g->pats[pi];

	for (unsigned attempt = 0; attempt < MAX_DRAWS; attempt++) {
		memset(x, 0, sizeof(*x));
		x->rng = r;
		x->pp = pp;
		x->pc_base = pc_base;
		x->br_word = -1;
		for (unsigned i = 0; i < pp->nfields; i++) {
			unsigned w = pp->f[i].width;

			x->val[i] = (uint32_t)risu_rng_next(r) & (w >= 32 ? ~0u : (1u << w) - 1);
		}
		if (!pp->p->fix || pp->p->fix(x))
			return true;
	}
	return false;
}

static unsigned pick_pattern(struct risu_gen *g, struct risu_rng *r)
{
	unsigned grp = g->active[risu_rng_below(r, g->nactive)];

	return g->by_group[grp][risu_rng_below(r, g->nby_group[grp])];
}

static void add_group(struct risu_seq *seq, const struct risu_ctx *x, unsigned pi,
		      unsigned target)
{
	struct risu_group_rec *gr = &seq->groups[seq->ngroups++];

	gr->first = (uint16_t)seq->nwords;
	gr->count = (uint16_t)(x->nprefix + 1);
	gr->pattern = (int16_t)pi;
	gr->br_kind = (uint8_t)x->br_kind;
	gr->br_word = (uint8_t)(x->br_word < 0 ? x->nprefix : (unsigned)x->br_word);
	gr->br_target = (uint16_t)target;
	memcpy(&seq->words[seq->nwords], x->prefix, x->nprefix * 4);
	seq->nwords += x->nprefix;
	seq->words[seq->nwords++] = assemble(x);
}

static uint32_t branch_field(enum risu_branch_kind kind, int64_t off)
{
	uint32_t imm = (uint32_t)(off >> 2);

	switch (kind) {
	case RB_IMM26: return imm & 0x3ffffff;
	case RB_IMM19: return (imm & 0x7ffff) << 5;
	case RB_IMM14: return (imm & 0x3fff) << 5;
	case RB_ADR: return ((uint32_t)off & 3) << 29 | ((uint32_t)(off >> 2) & 0x7ffff) << 5;
	default: return 0;
	}
}

static void resolve_branches(struct risu_seq *seq, unsigned sentinel)
{
	for (unsigned i = 0; i < seq->ngroups; i++) {
		struct risu_group_rec *gr = &seq->groups[i];
		unsigned at = gr->first + gr->br_word, to;

		if (gr->br_kind == RB_NONE)
			continue;
		if (gr->br_target >= seq->ngroups)
			gr->br_target = (uint16_t)seq->ngroups;
		to = gr->br_target < seq->ngroups ? seq->groups[gr->br_target].first : sentinel;
		seq->words[at] |= branch_field(gr->br_kind, ((int64_t)to - at) * 4);
	}
}

void risu_gen_test(struct risu_gen *g, uint64_t index, struct risu_seq *seq,
		   struct risu_input *in)
{
	struct risu_rng rng;
	unsigned length = g->cfg.length;

	risu_rng_seed(&rng, g->cfg.seed, index);
	memset(seq, 0, sizeof(*seq));
	memset(in, 0, sizeof(*in));
	in->magic = RISU_MAGIC_IN;
	in->id = index;
	initial_state(&rng, in);

	/* Half the tests start in the first page, the others anywhere in it, so that many
	 * run across the page boundary into the second. */
	seq->base = risu_rng_chance(&rng, 1, 2) ? 0 :
		    (unsigned)risu_rng_below(&rng, RISU_CODE_WORDS / 2);
	in->state.pc = risu_seq_va(seq, 0);
	seq->words[seq->nwords++] = CLREX_WORD;
	for (unsigned gi = 0; gi < length; gi++) {
		struct risu_ctx x;
		unsigned pi;

		do
			pi = pick_pattern(g, &rng);
		while (!draw(g, &rng, pi, risu_seq_va(seq, seq->nwords), &x));
		/* Leave room for this group and the sentinel; a full region ends the sequence. */
		if (seq->base + seq->nwords + x.nprefix + 2 > RISU_CODE_WORDS)
			break;
		add_group(seq, &x, pi, gi + 1 + (unsigned)risu_rng_below(&rng, length - gi));
	}
	resolve_branches(seq, seq->nwords);
	seq->words[seq->nwords++] = RISU_SENTINEL_WORD;
	memcpy(&in->code[seq->base], seq->words, seq->nwords * 4);
}

void risu_gen_truncate(const struct risu_seq *seq, unsigned word, struct risu_input *in)
{
	memcpy(&in->code[seq->base], seq->words, seq->nwords * 4);
	for (unsigned w = word; w < seq->nwords; w++)
		in->code[seq->base + w] = RISU_SENTINEL_WORD;
}
