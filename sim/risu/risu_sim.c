// SPDX-License-Identifier: MIT
/*
 * Running a test on the sim, through its public API only (sim/sim.h).
 *
 * The machine: 4 MiB of RAM at 0x4000_0000, one partition without stage 2 or GIC, one
 * CPU. The sequence runs at EL0, as it does in a Linux process under qemu-aarch64, with
 * the stage-1 MMU on and an identity map of Normal memory (MMU off would make every
 * access Device memory, where unaligned accesses and DC ZVA fault):
 *
 *   0x4000_0000  2 MiB block, read-only at EL0 and EL1, executable: the vectors, the
 *                tables and the code region (RISU_CODE_VA)
 *   0x4020_0000  2 MiB block, read/write at EL0 and EL1, never executable: the scratch
 *                block (RISU_SCRATCH_VA)
 *
 * Every vector entry holds `HVC #n` (n = entry index), so whatever ends the sequence (the
 * sentinel BRK, an UNDEFINED instruction, an abort) is taken to EL1 and comes back from
 * sim_cpu_run() as SIM_EXIT_HVC; ESR_EL1, ELR_EL1, FAR_EL1 and SPSR_EL1 tell what it was.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/risu/risu.h"
#include "sim/sim.h"

#define RAM_BASE	0x40000000ull
#define RAM_SIZE	(4ull << 20)
#define VBAR		RAM_BASE
#define L1_TABLE	(RAM_BASE + 0x1000)
#define L2_TABLE	(RAM_BASE + 0x2000)
/* Entry 8 of the vector table: synchronous exception from a lower EL (AArch64). */
#define VEC_LOWER_SYNC	8
/* A correct sequence retires far fewer; a runaway one stops here. */
#define INSN_BUDGET	1000000

#define SYSREG(op0, op1, crn, crm, op2) SIM_REG_SYS(op0, op1, crn, crm, op2)
#define R_SCTLR_EL1	SYSREG(3, 0, 1, 0, 0)
#define R_CPACR_EL1	SYSREG(3, 0, 1, 0, 2)
#define R_TTBR0_EL1	SYSREG(3, 0, 2, 0, 0)
#define R_TCR_EL1	SYSREG(3, 0, 2, 0, 2)
#define R_SPSR_EL1	SYSREG(3, 0, 4, 0, 0)
#define R_ELR_EL1	SYSREG(3, 0, 4, 0, 1)
#define R_ESR_EL1	SYSREG(3, 0, 5, 2, 0)
#define R_FAR_EL1	SYSREG(3, 0, 6, 0, 0)
#define R_MAIR_EL1	SYSREG(3, 0, 10, 2, 0)
#define R_VBAR_EL1	SYSREG(3, 0, 12, 0, 0)

/* Block descriptor bits. */
#define D_BLOCK		1ull
#define D_TABLE		3ull
#define D_AF		(1ull << 10)
#define D_SH_INNER	(3ull << 8)
#define D_AP_RW_ALL	(1ull << 6)
#define D_AP_RO_ALL	(3ull << 6)
#define D_PXN		(1ull << 53)
#define D_UXN		(1ull << 54)

/* M, C, I; DZE (DC ZVA at EL0), UCT, nTWI, nTWE, UCI; the RES1 bits. No alignment
 * checks (A, SA, SA0 clear), as a Linux process sees it. */
#define SCTLR_VALUE	(1ull << 0 | 1ull << 2 | 1ull << 12 | 1ull << 14 | 1ull << 15 | \
			 1ull << 16 | 1ull << 18 | 1ull << 26 | 0x30d00800ull)
/* T0SZ 25 (39-bit VA, start at level 1), inner/outer write-back, inner shareable, 4 KiB;
 * TTBR1 walks disabled (EPD1, TG1 4 KiB, T1SZ 25); IPS 40 bits. */
#define TCR_VALUE	(25ull | 1ull << 8 | 1ull << 10 | 3ull << 12 | 25ull << 16 | \
			 1ull << 23 | 2ull << 30 | 2ull << 32)

struct risu_sim {
	struct sim_machine *m;
	struct sim_part *p;
	struct sim_cpu *c;
};

static int write_u64(struct sim_machine *m, uint64_t pa, uint64_t v)
{
	return sim_phys_write(m, pa, &v, sizeof(v));
}

static int build_memory(struct risu_sim *s)
{
	int err = 0;

	for (unsigned i = 0; i < 16; i++) {	/* HVC #i at each vector entry */
		uint32_t hvc = 0xd4000002u | i << 5;

		err |= sim_phys_write(s->m, VBAR + 0x80 * i, &hvc, sizeof(hvc));
	}
	err |= write_u64(s->m, L1_TABLE + 8 * 1, L2_TABLE | D_TABLE);
	err |= write_u64(s->m, L2_TABLE + 8 * 0,
			 RAM_BASE | D_BLOCK | D_AF | D_SH_INNER | D_AP_RO_ALL);
	err |= write_u64(s->m, L2_TABLE + 8 * 1, (RAM_BASE + 0x200000) | D_BLOCK | D_AF |
			 D_SH_INNER | D_AP_RW_ALL | D_PXN | D_UXN);
	return err ? -1 : 0;
}

static int set_sysregs(struct sim_cpu *c)
{
	static const struct { uint32_t id; uint64_t val; } regs[] = {
		{ R_MAIR_EL1, 0xff },			/* Attr0: Normal, write-back */
		{ R_TCR_EL1, TCR_VALUE },
		{ R_TTBR0_EL1, L1_TABLE },
		{ R_VBAR_EL1, VBAR },
		{ R_CPACR_EL1, 3ull << 20 },		/* FPEN: no FP/SIMD traps */
		{ R_SCTLR_EL1, SCTLR_VALUE },
	};

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (sim_cpu_set_reg(c, regs[i].id, regs[i].val))
			return -1;
	return 0;
}

struct risu_sim *risu_sim_create(void)
{
	struct sim_machine_config mc = { .seed = 0, .max_cpus = 1 };
	struct sim_part_config pc = { .vmid = 0, .stage2 = false };
	struct risu_sim *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (sim_machine_create(&mc, &s->m) || sim_machine_add_ram(s->m, RAM_BASE, RAM_SIZE) ||
	    sim_part_create(s->m, &pc, &s->p) || sim_cpu_create(s->p, 0, &s->c))
		goto fail;
	sim_cpu_power_on(s->c, RISU_CODE_VA, 0);
	if (build_memory(s) || set_sysregs(s->c))
		goto fail;
	return s;
fail:
	fprintf(stderr, "sim-risu: cannot set up the sim machine\n");
	risu_sim_destroy(s);
	return NULL;
}

void risu_sim_destroy(struct risu_sim *s)
{
	if (!s)
		return;
	sim_machine_destroy(s->m);	/* owns the partition and the CPU */
	free(s);
}

static int load_state(struct sim_cpu *c, const struct risu_state *st)
{
	int err = 0;

	for (unsigned i = 0; i < 31; i++)
		err |= sim_cpu_set_reg(c, SIM_REG_X0 + i, st->x[i]);
	/* EL0t with the test's flags; interrupts masked (there are none anyway). */
	err |= sim_cpu_set_reg(c, SIM_REG_PSTATE, (st->nzcv & 0xf0000000u) | 0x3c0u);
	err |= sim_cpu_set_reg(c, SIM_REG_SP_EL0, st->sp);
	err |= sim_cpu_set_reg(c, SIM_REG_PC, st->pc);
	err |= sim_cpu_set_reg(c, SIM_REG_FPCR, st->fpcr);
	err |= sim_cpu_set_reg(c, SIM_REG_FPSR, st->fpsr);
	for (unsigned i = 0; i < 32; i++)
		err |= sim_cpu_set_vreg(c, i, st->v[i]);
	return err ? -1 : 0;
}

static uint64_t reg(struct sim_cpu *c, uint32_t id)
{
	uint64_t v = 0;

	sim_cpu_get_reg(c, id, &v);
	return v;
}

/* What ended the run, from the exception the vector caught (ESR_EL1, FAR_EL1). */
static void classify(struct sim_cpu *c, unsigned vector, struct risu_state *st)
{
	uint64_t esr = reg(c, R_ESR_EL1), far = reg(c, R_FAR_EL1);
	unsigned ec = (unsigned)(esr >> 26) & 0x3f;

	st->detail = 0;
	if (vector != VEC_LOWER_SYNC) {
		st->outcome = RISU_END_OTHER;
		st->detail = 0x1000 | vector;
		return;
	}
	switch (ec) {
	case 0x3c:				/* BRK */
		st->outcome = RISU_END_BRK;
		st->detail = esr & 0xffff;
		break;
	case 0x00:				/* UNDEFINED */
		st->outcome = RISU_END_UNDEF;
		break;
	case 0x20: case 0x24:			/* instruction / data abort */
		st->outcome = (esr & 0x3f) == 0x21 ? RISU_END_ALIGNMENT : RISU_END_DATA_ABORT;
		st->fault_addr = far;
		break;
	case 0x22:				/* PC alignment: SIGBUS under Linux */
		st->outcome = RISU_END_ALIGNMENT;
		st->fault_addr = far;
		break;
	default:
		st->outcome = RISU_END_OTHER;
		st->detail = esr;
		break;
	}
}

static void save_state(struct sim_cpu *c, struct risu_state *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < 31; i++)
		st->x[i] = reg(c, SIM_REG_X0 + i);
	st->sp = reg(c, SIM_REG_SP_EL0);
	st->fpcr = (uint32_t)reg(c, SIM_REG_FPCR);
	st->fpsr = (uint32_t)reg(c, SIM_REG_FPSR);
	for (unsigned i = 0; i < 32; i++)
		sim_cpu_get_vreg(c, i, st->v[i]);
}

int risu_sim_run(struct risu_sim *s, const struct risu_input *in, struct risu_output *out)
{
	struct sim_exit exit;
	struct risu_state *st = &out->state;

	if (sim_phys_write(s->m, RISU_CODE_VA, in->code, RISU_CODE_SIZE) ||
	    sim_phys_write(s->m, RISU_SCRATCH_VA, in->scratch, RISU_SCRATCH_SIZE) ||
	    load_state(s->c, &in->state)) {
		fprintf(stderr, "sim-risu: cannot load test %llu into the sim\n",
			(unsigned long long)in->id);
		return -1;
	}
	if (sim_cpu_run(s->c, INSN_BUDGET, &exit)) {
		fprintf(stderr, "sim-risu: sim_cpu_run failed\n");
		return -1;
	}
	out->magic = RISU_MAGIC_OUT;
	out->id = in->id;
	if (exit.kind == SIM_EXIT_HVC) {
		save_state(s->c, st);
		st->pc = reg(s->c, R_ELR_EL1);
		st->nzcv = (uint32_t)reg(s->c, R_SPSR_EL1) & 0xf0000000u;
		classify(s->c, exit.call.imm, st);
	} else if (exit.kind == SIM_EXIT_BUDGET) {
		save_state(s->c, st);
		st->pc = reg(s->c, SIM_REG_PC);
		st->nzcv = (uint32_t)reg(s->c, SIM_REG_PSTATE) & 0xf0000000u;
		st->outcome = RISU_END_TIMEOUT;
	} else {
		fprintf(stderr, "sim-risu: test %llu: unexpected sim exit %d%s%s\n",
			(unsigned long long)in->id, (int)exit.kind,
			exit.kind == SIM_EXIT_INTERNAL ? ": " : "",
			exit.kind == SIM_EXIT_INTERNAL ? exit.internal.reason : "");
		return -1;
	}
	if (sim_phys_read(s->m, RISU_SCRATCH_VA, out->scratch, RISU_SCRATCH_SIZE))
		return -1;
	return 0;
}
