// SPDX-License-Identifier: MIT
/*
 * Comparing the final states of the two executors, and the pieces of a mismatch report:
 * outcome names, differences as text, a disassembly of the sequence by the cross
 * toolchain's objdump (the sim's own decoder is what is under test, so it is not used).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/risu/risu.h"

#define OBJDUMP "aarch64-linux-gnu-objdump"

const char *risu_outcome_name(uint32_t outcome)
{
	switch (outcome) {
	case RISU_END_BRK: return "BRK";
	case RISU_END_UNDEF: return "UNDEFINED";
	case RISU_END_DATA_ABORT: return "data abort";
	case RISU_END_ALIGNMENT: return "alignment fault";
	case RISU_END_OTHER: return "other exception";
	case RISU_END_TIMEOUT: return "instruction budget exhausted";
	default: return "?";
	}
}

static bool differ64(const char *name, uint64_t e, uint64_t a, char *what, size_t len)
{
	if (e == a)
		return false;
	snprintf(what, len, "%s: qemu 0x%016llx, sim 0x%016llx", name, (unsigned long long)e,
		 (unsigned long long)a);
	return true;
}

static bool compare_outcome(const struct risu_state *e, const struct risu_state *a,
			    char *what, size_t len)
{
	bool fault = e->outcome == RISU_END_DATA_ABORT || e->outcome == RISU_END_ALIGNMENT;

	if (e->outcome != a->outcome || e->detail != a->detail) {
		snprintf(what, len, "end of run: qemu %s (0x%llx) at 0x%llx, sim %s (0x%llx) at 0x%llx",
			 risu_outcome_name(e->outcome), (unsigned long long)e->detail,
			 (unsigned long long)e->pc, risu_outcome_name(a->outcome),
			 (unsigned long long)a->detail, (unsigned long long)a->pc);
		return true;
	}
	return differ64("PC", e->pc, a->pc, what, len) ||
	       (fault && differ64("fault address", e->fault_addr, a->fault_addr, what, len));
}

static bool compare_regs(const struct risu_state *e, const struct risu_state *a,
			 char *what, size_t len)
{
	char name[16];

	for (unsigned i = 0; i < 31; i++) {
		snprintf(name, sizeof(name), "x%u", i);
		if (differ64(name, e->x[i], a->x[i], what, len))
			return true;
	}
	if (differ64("SP", e->sp, a->sp, what, len) ||
	    differ64("NZCV", e->nzcv, a->nzcv, what, len) ||
	    differ64("FPSR", e->fpsr, a->fpsr, what, len) ||
	    differ64("FPCR", e->fpcr, a->fpcr, what, len))
		return true;
	for (unsigned i = 0; i < 32; i++) {
		if (e->v[i][0] == a->v[i][0] && e->v[i][1] == a->v[i][1])
			continue;
		snprintf(what, len, "v%u: qemu 0x%016llx%016llx, sim 0x%016llx%016llx", i,
			 (unsigned long long)e->v[i][1], (unsigned long long)e->v[i][0],
			 (unsigned long long)a->v[i][1], (unsigned long long)a->v[i][0]);
		return true;
	}
	return false;
}

/* Copy the first differing register of e into a (same order as compare_regs). */
static void equalize_first_reg(const struct risu_state *e, struct risu_state *a)
{
	for (unsigned i = 0; i < 31; i++) {
		if (e->x[i] != a->x[i]) {
			a->x[i] = e->x[i];
			return;
		}
	}
	if (e->sp != a->sp) { a->sp = e->sp; return; }
	if (e->nzcv != a->nzcv) { a->nzcv = e->nzcv; return; }
	if (e->fpsr != a->fpsr) { a->fpsr = e->fpsr; return; }
	if (e->fpcr != a->fpcr) { a->fpcr = e->fpcr; return; }
	for (unsigned i = 0; i < 32; i++) {
		if (e->v[i][0] != a->v[i][0] || e->v[i][1] != a->v[i][1]) {
			a->v[i][0] = e->v[i][0];
			a->v[i][1] = e->v[i][1];
			return;
		}
	}
	*a = *e;	/* only fields compare() ignores differ */
}

bool risu_compare(const struct risu_output *expected, const struct risu_output *actual,
		  char *what, size_t len)
{
	if (compare_outcome(&expected->state, &actual->state, what, len) ||
	    compare_regs(&expected->state, &actual->state, what, len))
		return true;
	for (unsigned i = 0; i < RISU_SCRATCH_SIZE; i++) {
		if (expected->scratch[i] == actual->scratch[i])
			continue;
		snprintf(what, len, "memory at 0x%llx: qemu 0x%02x, sim 0x%02x",
			 (unsigned long long)(RISU_SCRATCH_VA + i), expected->scratch[i],
			 actual->scratch[i]);
		return true;
	}
	return false;
}

void risu_print_differences(FILE *f, const struct risu_output *expected,
			    const struct risu_output *actual, unsigned max)
{
	struct risu_output e = *expected, a = *actual;
	unsigned shown = 0, more = 0;
	char what[160];

	/* Report the first difference, then make it equal and look again. */
	while (risu_compare(&e, &a, what, sizeof(what))) {
		if (shown < max)
			fprintf(f, "      %s\n", what);
		else
			more++;
		shown++;
		if (e.state.outcome != a.state.outcome || e.state.detail != a.state.detail ||
		    e.state.pc != a.state.pc || e.state.fault_addr != a.state.fault_addr) {
			a.state.outcome = e.state.outcome;
			a.state.detail = e.state.detail;
			a.state.pc = e.state.pc;
			a.state.fault_addr = e.state.fault_addr;
			continue;
		}
		if (memcmp(&e.state, &a.state, sizeof(e.state))) {
			equalize_first_reg(&e.state, &a.state);
			continue;
		}
		for (unsigned i = 0; i < RISU_SCRATCH_SIZE; i++) {
			if (e.scratch[i] != a.scratch[i]) {
				a.scratch[i] = e.scratch[i];
				break;
			}
		}
	}
	if (more)
		fprintf(f, "      ... and %u more differences\n", more);
}

/* Print objdump's lines for the words, or the raw words if objdump is unavailable. */
void risu_disassemble(FILE *f, const struct risu_seq *seq, int mark)
{
	const uint32_t *words = seq->words;
	unsigned n = seq->nwords;
	uint64_t va = risu_seq_va(seq, 0);
	char path[] = "/tmp/sim-risu-XXXXXX", cmd[256], line[512];
	int fd = mkstemp(path);
	FILE *p = NULL;
	unsigned lines = 0;

	if (fd >= 0 && write(fd, words, n * 4ull) == (ssize_t)(n * 4ull)) {
		snprintf(cmd, sizeof(cmd),
			 OBJDUMP " -D -b binary -m aarch64 --adjust-vma=0x%llx %s 2>/dev/null",
			 (unsigned long long)va, path);
		p = popen(cmd, "r");
	}
	while (p && fgets(line, sizeof(line), p)) {
		unsigned long long addr;

		/* Instruction lines look like "  40100004:\td2800000 \tmov\tx0, #0x0" */
		if (sscanf(line, " %llx:", &addr) != 1 || !strchr(line, '\t'))
			continue;
		lines++;
		fprintf(f, "    %s%s", (int)((addr - va) / 4) == mark ? "==> " : "    ", line);
	}
	if (!lines) {		/* no objdump: the words alone */
		for (unsigned i = 0; i < n; i++)
			fprintf(f, "    %s%llx: %08x\n", (int)i == mark ? "==> " : "    ",
				(unsigned long long)(va + 4ull * i), words[i]);
	}
	if (p)
		pclose(p);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
}
