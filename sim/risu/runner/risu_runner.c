// SPDX-License-Identifier: MIT
/*
 * risu-runner: the QEMU side of sim-risu. A static aarch64 Linux program, run under
 * `qemu-aarch64`, that executes test sequences and reports the state they leave.
 *
 * It reads struct risu_input records from stdin and writes one struct risu_output per
 * record to stdout (sim/risu/risu_abi.h), so one process serves a whole batch.
 *
 * Entering and leaving a sequence both go through a signal frame, because only a
 * sigreturn can load every register at once (x0..x30, SP, PC, NZCV, V0..V31, FPCR,
 * FPSR) and only a signal handler sees them all afterwards:
 *   - the runner executes `BRK #RUNNER_ENTER_IMM`; the SIGTRAP handler saves the
 *     runner's own context, overwrites the frame with the test's initial state (PC = the
 *     sequence's start), and returns into the sequence;
 *   - the sequence ends with its sentinel BRK (or faults, or hits an UNDEFINED
 *     instruction); the handler copies the frame into the output state and rewrites the
 *     frame with the saved runner context, PC moved past the entering BRK.
 * The handlers run on an alternate stack: the sequence's SP is arbitrary.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <asm/sigcontext.h>

#include "sim/risu/risu_abi.h"

#define RUNNER_ENTER_IMM 0x111u
#define NZCV_MASK 0xf0000000ull

/* The runner's context while a sequence runs (restored when it ends). */
static struct {
	uint64_t regs[31], sp, pc, pstate;
	uint32_t fpsr, fpcr;
	__uint128_t vregs[32];
} saved;

static struct risu_input in;
static struct risu_output out;
static volatile sig_atomic_t in_sequence;

/*
 * The FP/SIMD record of a signal frame. A frame with SVE register data is refused: on
 * sigreturn the Z registers would overwrite the V registers loaded here.
 */
static struct fpsimd_context *find_fpsimd(ucontext_t *uc, bool *has_sve)
{
	struct _aarch64_ctx *h = (struct _aarch64_ctx *)uc->uc_mcontext.__reserved;
	uint8_t *end = (uint8_t *)uc->uc_mcontext.__reserved + sizeof(uc->uc_mcontext.__reserved);
	struct fpsimd_context *fp = NULL;

	*has_sve = false;
	while ((uint8_t *)h + sizeof(*h) <= end && h->magic) {
		if (h->magic == FPSIMD_MAGIC)
			fp = (struct fpsimd_context *)h;
		if (h->magic == SVE_MAGIC && h->size > sizeof(struct sve_context))
			*has_sve = true;
		if (!h->size)
			break;
		h = (struct _aarch64_ctx *)((uint8_t *)h + h->size);
	}
	return fp;
}

static void die(const char *msg)
{
	static const char prefix[] = "risu-runner: ";

	/* Nothing to do if stderr is gone: the exit status still says it failed. */
	if (write(2, prefix, sizeof(prefix) - 1) < 0 || write(2, msg, strlen(msg)) < 0 ||
	    write(2, "\n", 1) < 0)
		_exit(2);
	_exit(2);
}

/* The SIGTRAP at the runner's BRK: switch the frame to the test's initial state. */
static void enter_sequence(ucontext_t *uc, struct fpsimd_context *fp)
{
	mcontext_t *mc = &uc->uc_mcontext;
	const struct risu_state *s = &in.state;

	memcpy(saved.regs, mc->regs, sizeof(saved.regs));
	saved.sp = mc->sp;
	saved.pc = mc->pc;
	saved.pstate = mc->pstate;
	saved.fpsr = fp->fpsr;
	saved.fpcr = fp->fpcr;
	memcpy(saved.vregs, fp->vregs, sizeof(saved.vregs));

	memcpy(mc->regs, s->x, sizeof(s->x));
	mc->sp = s->sp;
	mc->pc = s->pc;
	mc->pstate = (mc->pstate & ~NZCV_MASK) | (s->nzcv & NZCV_MASK);
	fp->fpsr = s->fpsr;
	fp->fpcr = s->fpcr;
	memcpy(fp->vregs, s->v, sizeof(fp->vregs));
	in_sequence = 1;
}

static uint32_t outcome_of(int sig, const siginfo_t *si, uint64_t pc, uint64_t *detail)
{
	*detail = 0;
	switch (sig) {
	case SIGTRAP:
		*detail = (*(const uint32_t *)pc >> 5) & 0xffff;	/* BRK's immediate */
		return RISU_END_BRK;
	case SIGILL:
		return RISU_END_UNDEF;
	case SIGSEGV:
		return RISU_END_DATA_ABORT;
	case SIGBUS:
		return si->si_code == BUS_ADRALN ? RISU_END_ALIGNMENT : RISU_END_DATA_ABORT;
	default:
		*detail = (uint64_t)sig;
		return RISU_END_OTHER;
	}
}

/* The sequence ended: record its state and return to the runner. */
static void leave_sequence(int sig, siginfo_t *si, ucontext_t *uc, struct fpsimd_context *fp)
{
	mcontext_t *mc = &uc->uc_mcontext;
	struct risu_state *s = &out.state;

	memset(s, 0, sizeof(*s));
	memcpy(s->x, mc->regs, sizeof(s->x));
	s->sp = mc->sp;
	s->pc = mc->pc;
	s->nzcv = (uint32_t)(mc->pstate & NZCV_MASK);
	s->fpsr = fp->fpsr;
	s->fpcr = fp->fpcr;
	memcpy(s->v, fp->vregs, sizeof(s->v));
	s->outcome = outcome_of(sig, si, mc->pc, &s->detail);
	if (s->outcome == RISU_END_DATA_ABORT || s->outcome == RISU_END_ALIGNMENT)
		s->fault_addr = (uint64_t)(uintptr_t)si->si_addr;

	memcpy(mc->regs, saved.regs, sizeof(saved.regs));
	mc->sp = saved.sp;
	mc->pc = saved.pc + 4;
	mc->pstate = saved.pstate;
	fp->fpsr = saved.fpsr;
	fp->fpcr = saved.fpcr;
	memcpy(fp->vregs, saved.vregs, sizeof(saved.vregs));
	in_sequence = 0;
}

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	bool has_sve;
	struct fpsimd_context *fp = find_fpsimd(uc, &has_sve);

	if (!fp)
		die("no FP/SIMD record in the signal frame");
	if (has_sve)
		die("the CPU has SVE: its signal frames override the V registers "
		    "(use a QEMU CPU without SVE, e.g. cortex-a76)");
	if (in_sequence) {
		leave_sequence(sig, si, uc, fp);
		return;
	}
	if (sig != SIGTRAP || uc->uc_mcontext.pc == 0 ||
	    *(const uint32_t *)uc->uc_mcontext.pc != (0xd4200000u | RUNNER_ENTER_IMM << 5))
		die("unexpected signal outside a sequence");
	enter_sequence(uc, fp);
}

static void setup(void)
{
	static uint8_t altstack[64 * 1024] __attribute__((aligned(16)));
	static const int sigs[] = { SIGTRAP, SIGILL, SIGSEGV, SIGBUS, SIGFPE };
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;
	void *p;

	p = mmap((void *)RISU_CODE_VA, RISU_CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != (void *)RISU_CODE_VA)
		die("cannot map the code region at RISU_CODE_VA");
	p = mmap((void *)RISU_SCRATCH_VA, RISU_SCRATCH_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != (void *)RISU_SCRATCH_VA)
		die("cannot map the scratch memory at RISU_SCRATCH_VA");
	if (sigaltstack(&ss, NULL))
		die("sigaltstack failed");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL))
			die("sigaction failed");
}

static int read_full(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(0, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return done ? -1 : 0;
		done += (size_t)n;
	}
	return 1;
}

static void write_full(const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(1, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot write the output record");
		p += n;
		len -= (size_t)n;
	}
}

int main(void)
{
	int r;

	setup();
	while ((r = read_full(&in, sizeof(in))) == 1) {
		if (in.magic != RISU_MAGIC_IN)
			die("bad input record (magic)");
		if (in.state.pc < RISU_CODE_VA || in.state.pc >= RISU_CODE_VA + RISU_CODE_SIZE ||
		    (in.state.pc & 3))
			die("bad input record (start address)");
		memcpy((void *)RISU_CODE_VA, in.code, RISU_CODE_SIZE);
		__builtin___clear_cache((char *)RISU_CODE_VA, (char *)RISU_CODE_VA + RISU_CODE_SIZE);
		memcpy((void *)RISU_SCRATCH_VA, in.scratch, RISU_SCRATCH_SIZE);
		/* Every register comes back as it was: the handlers restore this context. */
		__asm__ volatile("brk %0" :: "i"(RUNNER_ENTER_IMM) : "memory");
		out.magic = RISU_MAGIC_OUT;
		out.id = in.id;
		memcpy(out.scratch, (void *)RISU_SCRATCH_VA, RISU_SCRATCH_SIZE);
		write_full(&out, sizeof(out));
	}
	if (r < 0)
		die("truncated input record");
	return 0;
}
