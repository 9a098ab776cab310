/* SPDX-License-Identifier: MIT */
/*
 * What sim-risu (the host tool) and risu-runner (the aarch64 Linux program it runs under
 * qemu-aarch64) agree on: the guest address map of a test and the records exchanged over
 * the runner's stdin and stdout. Included by both; plain fixed-size C types only, both
 * sides little-endian.
 *
 * A test is one random instruction sequence with one initial state. Both executors put
 * the code and the scratch memory at the same virtual addresses, so addresses computed
 * by the sequence (ADR, base registers, writeback, BL's link) are equal on both sides:
 *
 *   RISU_CODE_VA     8 KiB (two pages), readable and executable: the sequence at some
 *                    offset (often across the page boundary), ending with the sentinel
 *                    BRK #RISU_SENTINEL_IMM; every other word is zero (UDF #0)
 *   RISU_SCRATCH_VA  8 KiB (two pages), readable and writable, not executable: the only
 *                    memory the sequence's loads and stores may touch (literal loads read
 *                    the code page)
 *
 * Protocol: the host writes one struct risu_input, the runner answers with one struct
 * risu_output, and so on until end of file on the runner's stdin.
 */
#ifndef AVF_SIM_RISU_ABI_H
#define AVF_SIM_RISU_ABI_H

#include <stdint.h>

#define RISU_CODE_VA		0x40100000ull
#define RISU_CODE_SIZE		0x2000u
#define RISU_CODE_WORDS		(RISU_CODE_SIZE / 4)
#define RISU_SCRATCH_VA		0x40200000ull
#define RISU_SCRATCH_SIZE	0x2000u

/* The sequence ends with BRK #RISU_SENTINEL_IMM. */
#define RISU_SENTINEL_IMM	0x5a5u
#define RISU_SENTINEL_WORD	(0xd4200000u | (RISU_SENTINEL_IMM << 5))

#define RISU_MAGIC_IN		0x4e49555349527269ull	/* "irRISUIN" */
#define RISU_MAGIC_OUT		0x54554f5349527269ull	/* "irRISOUT" */

/* How a run ended. */
enum risu_outcome {
	RISU_END_BRK = 1,	/* a BRK: detail = its immediate (the sentinel's, normally) */
	RISU_END_UNDEF,		/* an UNDEFINED instruction (SIGILL / EC 0x00) */
	RISU_END_DATA_ABORT,	/* a translation or permission fault (SIGSEGV / EC 0x24) */
	RISU_END_ALIGNMENT,	/* an alignment fault (SIGBUS / DFSC 0x21) */
	RISU_END_OTHER,		/* anything else: detail = signal number or ESR */
	RISU_END_TIMEOUT,	/* the sim's instruction budget ran out (sim side only) */
};

/* Architectural state: what is loaded before the sequence and compared after it. */
struct risu_state {
	uint64_t x[31];
	uint64_t sp;
	uint64_t pc;		/* in: where the sequence starts (inside the code region);
				 * out: address of the instruction that ended the run */
	uint64_t v[32][2];	/* V0..V31, low 64 bits first */
	uint32_t nzcv;		/* PSTATE.NZCV in bits 31:28, the rest zero */
	uint32_t fpcr;
	uint32_t fpsr;
	uint32_t outcome;	/* out: enum risu_outcome */
	uint64_t detail;	/* out: see enum risu_outcome */
	uint64_t fault_addr;	/* out: data aborts and alignment faults */
};

struct risu_input {
	uint64_t magic;		/* RISU_MAGIC_IN */
	uint64_t id;		/* echoed in the output */
	struct risu_state state;
	uint8_t scratch[RISU_SCRATCH_SIZE];
	uint32_t code[RISU_CODE_WORDS];
};

struct risu_output {
	uint64_t magic;		/* RISU_MAGIC_OUT */
	uint64_t id;
	struct risu_state state;
	uint8_t scratch[RISU_SCRATCH_SIZE];
};

#endif /* AVF_SIM_RISU_ABI_H */
