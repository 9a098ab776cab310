/* SPDX-License-Identifier: MIT */
/*
 * sim-risu internals: a random-instruction differential tester in the style of Linaro's
 * risu. A generator builds random valid A64 sequences from a table of encoding patterns
 * (fixed bits plus random fields, with constraints); each runs from one seeded initial
 * state on QEMU (risu-runner under qemu-aarch64, risu_qemu.c) and on the sim
 * (risu_sim.c); the final states must be equal (risu_compare.c).
 *
 * Files:
 *   risu_rng.c      the seeded random stream
 *   risu_pattern.c  pattern parsing, field access, encoding helpers
 *   risu_gen.c      sequence builder (groups, branches, sentinel) and initial states
 *   risu_mem.c      address planning for loads and stores (base setup, offsets)
 *   risu_insns_*.c  the pattern tables, one per instruction family
 *   risu_sim.c      running a test on the sim
 *   risu_qemu.c     running tests on qemu-aarch64 + risu-runner
 *   risu_compare.c  comparing final states, disassembly
 *   risu_campaign.c the test loop, finding the culprit instruction, mismatch reports
 *   risu_main.c     options
 */
#ifndef AVF_SIM_RISU_RISU_H
#define AVF_SIM_RISU_RISU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/risu/risu_abi.h"

/* ---- random stream (xoshiro256**, seeded through splitmix64) -------------------------- */

struct risu_rng {
	uint64_t s[4];
};

void risu_rng_seed(struct risu_rng *r, uint64_t seed, uint64_t stream);
uint64_t risu_rng_next(struct risu_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t risu_rng_below(struct risu_rng *r, uint64_t n);
/* Uniform in [lo, hi], lo <= hi (signed). */
int64_t risu_rng_range(struct risu_rng *r, int64_t lo, int64_t hi);
/* True with probability num/den. */
bool risu_rng_chance(struct risu_rng *r, unsigned num, unsigned den);

/* ---- instruction groups (--groups) ------------------------------------------------------ */

enum risu_group {
	RG_ALU,		/* add/sub imm/shifted/extended, logical, move wide, ADR/ADRP, ADC */
	RG_BITFIELD,	/* bitfield, EXTR, RBIT/REV/CLZ/CLS */
	RG_COND,	/* CSEL family, CCMP/CCMN */
	RG_MULDIV,	/* MADD family, long multiplies, MULH, UDIV/SDIV, variable shifts */
	RG_CRC,		/* CRC32 and CRC32C */
	RG_BRANCH,	/* B, BL, B.cond, CBZ, TBZ, BR, BLR, RET (forward, inside the sequence) */
	RG_LDST,	/* single-register loads and stores, every addressing mode and size */
	RG_PAIR,	/* LDP/STP/LDPSW/LDNP/STNP */
	RG_EXCL,	/* load/store exclusive pairs, load-acquire/store-release */
	RG_ATOMIC,	/* LSE: CAS, CASP, LD<op>, SWP */
	RG_SYS,		/* harmless system instructions: NOP, barriers, CLREX, NZCV, FPCR/FPSR reads */
	RG_FP,		/* scalar floating point */
	RG_SIMD,	/* Advanced SIMD integer */
	RG_SIMDFP,	/* Advanced SIMD floating point */
	RG_SIMDLDST,	/* SIMD&FP loads and stores, structures */
	RG_COUNT
};

const char *risu_group_name(unsigned group);
/* Parse "alu,fp,..." (or "all") into a mask of 1 << RG_*; -1 on an unknown name. */
int64_t risu_parse_groups(const char *list);

/* ---- patterns -------------------------------------------------------------------------- */

#define RISU_MAX_FIELDS 12

struct risu_ctx;

/*
 * One encoding pattern. `bits` lists the 32 bits from bit 31 down as space-separated
 * tokens: runs of '0'/'1' are fixed bits, "name:width" a field filled at random. `fix`
 * (optional) applies the constraints: it may overwrite fields, emit setup instructions
 * before the instruction (base registers, ...), and returns false to reject the draw.
 */
struct risu_pattern {
	const char *name;
	uint8_t group;
	const char *bits;
	bool (*fix)(struct risu_ctx *x);
};

/* A parsed pattern (self-contained: it may be copied or moved). */
struct risu_field {
	char name[16];
	uint8_t lsb, width;
};

struct risu_parsed {
	const struct risu_pattern *p;
	uint32_t mask, value;	/* fixed bits */
	unsigned nfields;
	struct risu_field f[RISU_MAX_FIELDS];
};

/* Parse p->bits; 0, or -EINVAL with a message in err (bad token, not 32 bits). */
int risu_pattern_parse(const struct risu_pattern *p, struct risu_parsed *out,
		       char *err, size_t errlen);

/* The tables (risu_insns_*.c), each terminated by an entry with name == NULL. */
extern const struct risu_pattern risu_insns_int[];
extern const struct risu_pattern risu_insns_ldst[];
extern const struct risu_pattern risu_insns_fp[];
extern const struct risu_pattern risu_insns_simd[];
extern const struct risu_pattern risu_insns_simdfp[];

/* ---- sequences ------------------------------------------------------------------------- */

#define RISU_MAX_LENGTH		200	/* main instructions per sequence */
#define RISU_MAX_PREFIX		12	/* setup words before one main instruction */

/* Branch fields the builder resolves once every group has its address. */
enum risu_branch_kind {
	RB_NONE,
	RB_IMM26,	/* B, BL */
	RB_IMM19,	/* B.cond, CBZ/CBNZ */
	RB_IMM14,	/* TBZ/TBNZ */
	RB_ADR,		/* ADR feeding BR/BLR/RET */
};

/* A group: setup words plus one main instruction from a pattern (or internal words). */
struct risu_group_rec {
	uint16_t first, count;	/* words [first, first + count) of the sequence */
	int16_t pattern;	/* index into the generator's pattern list */
	uint8_t br_kind;	/* enum risu_branch_kind */
	uint8_t br_word;	/* the word (relative to first) holding the branch field */
	uint16_t br_target;	/* target group index; == ngroups means the sentinel */
};

struct risu_seq {
	uint32_t words[RISU_CODE_WORDS];
	unsigned nwords;	/* including the leading CLREX and the sentinel */
	unsigned base;		/* word index of words[0] in the code region */
	struct risu_group_rec groups[RISU_MAX_LENGTH];
	unsigned ngroups;
};

/* Context handed to a pattern's fix function. */
struct risu_ctx {
	struct risu_rng *rng;
	const struct risu_parsed *pp;
	uint32_t val[RISU_MAX_FIELDS];
	uint32_t prefix[RISU_MAX_PREFIX];
	unsigned nprefix;
	uint64_t pc_base;	/* address of the group's first word */
	enum risu_branch_kind br_kind;
	int br_word;		/* -1: the main instruction; else a prefix index */
};

/* Field access by name; a missing name is a table bug and aborts. */
uint32_t risu_f(const struct risu_ctx *x, const char *name);
void risu_fset(struct risu_ctx *x, const char *name, uint32_t v);
bool risu_fhas(const struct risu_ctx *x, const char *name);
/* Append a setup word before the main instruction (aborts past RISU_MAX_PREFIX). */
void risu_emit(struct risu_ctx *x, uint32_t word);
/* Address the main instruction will have (after the prefix emitted so far). */
uint64_t risu_pc(const struct risu_ctx *x);
/* Mark the main instruction (word -1) or prefix word `word` as a branch to resolve. */
void risu_branch(struct risu_ctx *x, enum risu_branch_kind kind, int word);

/* Materialise a 64-bit constant in X register r (MOVZ/MOVN + MOVKs; r != 31). */
void risu_emit_mov(struct risu_ctx *x, unsigned r, uint64_t value);
/* Valid logical immediate (DecodeBitMasks with immediate = TRUE)? */
bool risu_valid_bitmask(unsigned n, unsigned imms, unsigned immr, unsigned datasize);

/* ---- memory planning (risu_mem.c) ------------------------------------------------------ */

/* Pick an effective address for `size` bytes inside the scratch block, aligned to
 * `align` (a power of two, 1 = none). */
uint64_t risu_mem_pick(struct risu_ctx *x, unsigned size, unsigned align);
/*
 * Make register rn (31 = SP) hold `base` before the main instruction. For SP a
 * temporary X register outside `avoid` (bit n = register n) carries the value.
 */
void risu_mem_set_base(struct risu_ctx *x, unsigned rn, uint64_t base, uint32_t avoid);
/* Random register 0..30 not in avoid. */
unsigned risu_pick_reg(struct risu_ctx *x, uint32_t avoid);

/* ---- generator (risu_gen.c) ------------------------------------------------------------ */

struct risu_gen;

struct risu_gen_config {
	uint64_t seed;
	unsigned length;	/* main instructions per sequence, 1..RISU_MAX_LENGTH */
	uint64_t groups;	/* mask of 1 << RG_* */
};

/* Parse every table and keep the patterns of the selected groups. NULL on error
 * (message on stderr). */
struct risu_gen *risu_gen_create(const struct risu_gen_config *cfg);
void risu_gen_destroy(struct risu_gen *g);
unsigned risu_gen_npatterns(const struct risu_gen *g);
const struct risu_parsed *risu_gen_pattern(const struct risu_gen *g, unsigned i);
/*
 * Test number `index` of the campaign: everything derives from (seed, index). Fills the
 * sequence (with its group map) and the input record (initial state, scratch, code).
 */
void risu_gen_test(struct risu_gen *g, uint64_t index, struct risu_seq *seq,
		   struct risu_input *in);
/*
 * The same test cut before word `word` of the sequence: that word and every later one
 * become the sentinel, so branches into them stop there. Cutting at the first word of
 * each group in turn finds the first instruction after which the executors disagree.
 */
void risu_gen_truncate(const struct risu_seq *seq, unsigned word, struct risu_input *in);

/* ---- executors ------------------------------------------------------------------------- */

struct risu_sim;
/* A sim machine set up for tests (RAM, identity map, vectors). NULL on failure. */
struct risu_sim *risu_sim_create(void);
void risu_sim_destroy(struct risu_sim *s);
/* Run one test; 0, or -1 if the sim could not be driven (message on stderr). */
int risu_sim_run(struct risu_sim *s, const struct risu_input *in, struct risu_output *out);

struct risu_qemu;
/* Start `qemu -cpu cpu runner`; NULL on failure (message on stderr). */
struct risu_qemu *risu_qemu_start(const char *qemu, const char *cpu, const char *runner);
/* Send one test; results come back in order from risu_qemu_recv(). */
int risu_qemu_send(struct risu_qemu *q, const struct risu_input *in);
int risu_qemu_recv(struct risu_qemu *q, struct risu_output *out);
/* Close stdin, wait for the process; 0 if it exited 0. */
int risu_qemu_finish(struct risu_qemu *q);

/* ---- comparison and reports (risu_compare.c) ------------------------------------------- */

/* First difference between expected (QEMU) and actual (sim), as text; false if equal. */
bool risu_compare(const struct risu_output *expected, const struct risu_output *actual,
		  char *what, size_t len);
/* Print every difference (at most `max` lines, then a count of the rest) to f. */
void risu_print_differences(FILE *f, const struct risu_output *expected,
			    const struct risu_output *actual, unsigned max);
/* Address of word w of a sequence. */
static inline uint64_t risu_seq_va(const struct risu_seq *seq, unsigned w)
{
	return RISU_CODE_VA + 4ull * (seq->base + w);
}

/* Disassemble the sequence with aarch64-linux-gnu-objdump into f; `mark` (or -1) is a
 * word index to flag with "==>". */
void risu_disassemble(FILE *f, const struct risu_seq *seq, int mark);
const char *risu_outcome_name(uint32_t outcome);

/* ---- the campaign (risu_campaign.c) ----------------------------------------------------- */

struct risu_options {
	struct risu_gen_config gen;
	uint64_t start, count;
	bool keep_going, verbose, show;
	const char *runner, *qemu, *qemu_cpu;
	const char *groups_arg;		/* as given, for the reproduce line */
};

/* Run tests start .. start + count - 1. Returns the exit status: 0 all equal, 1 some
 * mismatch, 2 an executor could not be run. */
int risu_campaign(const struct risu_options *o);

#endif /* AVF_SIM_RISU_RISU_H */
