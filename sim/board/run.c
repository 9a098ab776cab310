// SPDX-License-Identifier: MIT
/*
 * The run loop: every CPU in one thread, round robin. Each turn runs one CPU for a
 * quantum drawn from the machine's seeded random stream, so the interleaving (and with
 * it everything the guest observes) is a function of the seed. Exits are handled the
 * way KVM's user space and QEMU's virt board would:
 *   HVC/SMC      PSCI / SMCCC (sim_psci_call); other function ids get NOT_SUPPORTED (-1)
 *   MMIO, S2     an access no RAM and no device claims: synchronous external abort, as
 *                QEMU raises for unassigned addresses
 *   WFI          the CPU sleeps: it gets no turn until an interrupt is pending for it.
 *                When every powered CPU sleeps, virtual time jumps to the next timer
 *                deadline; with none, nothing can ever wake them: the guest is hung
 *   INTERNAL     the sim cannot go on: stop
 * It also stops a guest that no longer makes progress (see run_abort, run_budget).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "sim/board/board_priv.h"

/* Quanta: long for one CPU (nothing to interleave), short and varied for several. */
#define QUANTUM_SINGLE		(1u << 20)
#define QUANTUM_MIN		1000u
#define QUANTUM_SPREAD		9001u
/*
 * Fault loops: external aborts in a row at one PC and address, inside the vector table
 * (the vectors themselves fault) or anywhere (a handler that returns to the faulting
 * access); quanta in a row ending with the same exception taken from the vector table.
 */
#define FAULT_LOOP_AT_VECTOR	16u
#define FAULT_LOOP_SAME_SITE	65536u
#define EXC_LOOP_QUANTA		3u
#define VECTOR_TABLE_SIZE	0x800u

#define SMCCC_RET_NOT_SUPPORTED	UINT64_MAX	/* -1 */

#define ESR_EL1			SIM_REG_SYS(3, 0, 5, 2, 0)
#define FAR_EL1			SIM_REG_SYS(3, 0, 6, 0, 0)
#define ELR_EL1			SIM_REG_SYS(3, 0, 4, 0, 1)
#define VBAR_EL1		SIM_REG_SYS(3, 0, 12, 0, 0)
#define ISR_EL1			SIM_REG_SYS(3, 0, 12, 1, 0)
#define CNTP_CTL_EL0		SIM_REG_SYS(3, 3, 14, 2, 1)
#define CNTV_CTL_EL0		SIM_REG_SYS(3, 3, 14, 3, 1)
#define ISR_PENDING		((1u << 7) | (1u << 6))	/* I, F */
#define CNT_CTL_ENABLE		(1u << 0)
#define CNT_CTL_IMASK		(1u << 1)
#define CNT_CTL_ISTATUS		(1u << 2)

enum run_step {
	RUN_CONTINUE,
	RUN_STOP,	/* the status is decided */
};

struct run_state {
	enum board_status status;
	struct img_error *msg;
};

static uint64_t cpu_reg(struct sim_cpu *c, uint32_t id)
{
	uint64_t v = 0;

	sim_cpu_get_reg(c, id, &v);
	return v;
}

static uint64_t run_quantum(struct board *b)
{
	if (b->cfg.smp == 1)
		return QUANTUM_SINGLE;
	return QUANTUM_MIN + sim_machine_random_u64(b->m) % QUANTUM_SPREAD;
}

static enum run_step run_stop(struct run_state *rs, enum board_status status)
{
	rs->status = status;
	return RUN_STOP;
}

/*
 * HVC: PSCI and SMCCC calls; anything else is answered "not supported". SMC: QEMU's virt
 * board has no EL3 firmware (PSCI's conduit is HVC), so SMC is UNDEFINED, as there.
 */
static enum run_step run_call(struct sim_cpu *c, const struct sim_exit *e,
			      struct run_state *rs)
{
	if (e->kind == SIM_EXIT_SMC) {
		sim_cpu_inject_undef(c);
		return RUN_CONTINUE;
	}
	switch (sim_psci_call(c)) {
	case SIM_PSCI_HANDLED:
	case SIM_PSCI_CPU_OFF:
		return RUN_CONTINUE;
	case SIM_PSCI_NOT_PSCI:
		sim_cpu_set_reg(c, SIM_REG_X0, SMCCC_RET_NOT_SUPPORTED);
		return RUN_CONTINUE;
	case SIM_PSCI_SYSTEM_OFF:
		return run_stop(rs, BOARD_EXIT_POWEROFF);
	case SIM_PSCI_SYSTEM_RESET:
		img_fail(rs->msg, 0, "the guest asked for a system reset (PSCI SYSTEM_RESET); "
			 "avf-sim stops instead of rebooting, like QEMU -no-reboot");
		return run_stop(rs, BOARD_EXIT_RESET);
	}
	img_fail(rs->msg, 0, "internal error: unknown PSCI event");
	return run_stop(rs, BOARD_EXIT_INTERNAL);
}

/*
 * An access nothing claims: inject a synchronous external abort, and stop a guest that
 * keeps coming back to the same access: at its vector table (the vectors fault too, e.g.
 * VBAR_EL1 still 0) or, many more times, anywhere (a handler that returns to the faulting
 * instruction without fixing anything).
 */
static enum run_step run_abort(struct board *b, unsigned i, const struct sim_exit *e,
			       struct run_state *rs)
{
	struct board_cpu_watch *w = &b->watch[i];
	struct sim_cpu *c = b->cpus[i];
	uint64_t pc = cpu_reg(c, SIM_REG_PC), vbar = cpu_reg(c, VBAR_EL1);
	uint64_t addr = e->kind == SIM_EXIT_MMIO ? e->mmio.ipa : e->s2.ipa;
	bool at_vector = pc - vbar < VECTOR_TABLE_SIZE;

	w->site_streak = (pc == w->site_pc && addr == w->site_addr) ? w->site_streak + 1 : 1;
	w->site_pc = pc;
	w->site_addr = addr;
	if (w->site_streak >= (at_vector ? FAULT_LOOP_AT_VECTOR : FAULT_LOOP_SAME_SITE)) {
		img_fail(rs->msg, 0, "cpu%u: the guest is looping on faults: %u external "
			 "aborts in a row at PC 0x%" PRIx64 " for address 0x%" PRIx64 "%s "
			 "(VBAR_EL1 0x%" PRIx64 ")", i, w->site_streak, pc, addr,
			 at_vector ? ", inside the exception vector table" : "", vbar);
		return run_stop(rs, BOARD_EXIT_GUEST);
	}
	sim_cpu_inject_abort(c);
	return RUN_CONTINUE;
}

/*
 * End of a quantum. A CPU that is inside its vector table, having taken its last
 * exception from an instruction inside its vector table too, with the same PC, ELR and
 * ESR at the end of several quanta in a row, is re-taking that exception forever (an
 * undefined instruction or a fetch abort at the vector itself): handlers of a working
 * guest do not fault inside the vector table.
 */
static enum run_step run_budget(struct board *b, unsigned i, struct run_state *rs)
{
	struct board_cpu_watch *w = &b->watch[i];
	struct sim_cpu *c = b->cpus[i];
	uint64_t vbar = cpu_reg(c, VBAR_EL1), pc = cpu_reg(c, SIM_REG_PC);
	uint64_t elr = cpu_reg(c, ELR_EL1), esr = cpu_reg(c, ESR_EL1);

	if (pc - vbar >= VECTOR_TABLE_SIZE || elr - vbar >= VECTOR_TABLE_SIZE) {
		w->vec_streak = 0;
		return RUN_CONTINUE;
	}
	w->vec_streak = (pc == w->vec_pc && elr == w->vec_elr && esr == w->vec_esr) ?
			w->vec_streak + 1 : 1;
	w->vec_pc = pc;
	w->vec_elr = elr;
	w->vec_esr = esr;
	if (w->vec_streak < EXC_LOOP_QUANTA)
		return RUN_CONTINUE;
	img_fail(rs->msg, 0, "cpu%u: the guest is looping on exceptions: an exception "
		 "taken from its own vector table (ELR_EL1 0x%" PRIx64 ", ESR_EL1 0x%"
		 PRIx64 ", FAR_EL1 0x%" PRIx64 ", VBAR_EL1 0x%" PRIx64 ", PC 0x%" PRIx64
		 ") at the end of %u quanta in a row", i, elr, esr, cpu_reg(c, FAR_EL1),
		 vbar, pc, w->vec_streak);
	return run_stop(rs, BOARD_EXIT_GUEST);
}

static enum run_step run_exit(struct board *b, unsigned i, const struct sim_exit *e,
			      struct run_state *rs)
{
	struct sim_cpu *c = b->cpus[i];

	/* A call or a wait between two faults shows the guest doing something else. */
	if (e->kind != SIM_EXIT_MMIO && e->kind != SIM_EXIT_S2_ABORT &&
	    e->kind != SIM_EXIT_BUDGET)
		b->watch[i].site_streak = 0;
	switch (e->kind) {
	case SIM_EXIT_HVC:
	case SIM_EXIT_SMC:
		return run_call(c, e, rs);
	case SIM_EXIT_MMIO:
	case SIM_EXIT_S2_ABORT:
		return run_abort(b, i, e, rs);
	case SIM_EXIT_BUDGET:
		return run_budget(b, i, rs);
	case SIM_EXIT_WFI:	/* run_cpu() puts it to sleep */
	case SIM_EXIT_KICK:
	case SIM_EXIT_OFF:
		return RUN_CONTINUE;
	case SIM_EXIT_INTERNAL:
		img_fail(rs->msg, 0, "cpu%u: simulator error at PC 0x%" PRIx64 ": %s", i,
			 cpu_reg(c, SIM_REG_PC),
			 e->internal.reason ? e->internal.reason : "(no reason given)");
		return run_stop(rs, BOARD_EXIT_INTERNAL);
	}
	img_fail(rs->msg, 0, "cpu%u: unknown exit kind %d", i, (int)e->kind);
	return run_stop(rs, BOARD_EXIT_INTERNAL);
}

/* Bit 0: the physical timer, bit 1: the virtual timer would raise its interrupt now. */
static unsigned cpu_timers_firing(struct sim_cpu *c)
{
	uint64_t p = cpu_reg(c, CNTP_CTL_EL0), v = cpu_reg(c, CNTV_CTL_EL0);
	uint64_t on = CNT_CTL_ENABLE | CNT_CTL_ISTATUS;

	return ((p & (on | CNT_CTL_IMASK)) == on ? 1u : 0u) |
	       ((v & (on | CNT_CTL_IMASK)) == on ? 2u : 0u);
}

/*
 * May a CPU sleeping in WFI wake? Yes if an interrupt is pending at its CPU interface
 * (ISR_EL1, whatever PSTATE masks: WFI wakes on it), or if one of its timers started
 * firing since it went to sleep: a timer's line into the GIC is only driven when its
 * CPU runs or when time is advanced, so ISR_EL1 may not show it yet.
 */
static bool cpu_may_wake(struct board *b, unsigned i)
{
	struct sim_cpu *c = b->cpus[i];

	if (cpu_reg(c, ISR_EL1) & ISR_PENDING)
		return true;
	return (cpu_timers_firing(c) & ~b->watch[i].timers_at_sleep) != 0;
}

/* One turn of CPU i. */
static enum run_step run_cpu(struct board *b, unsigned i, struct run_state *rs)
{
	struct sim_cpu *c = b->cpus[i];
	uint64_t budget = run_quantum(b), before;
	struct sim_exit e;
	int ret;

	if (b->cfg.max_insns) {
		if (b->retired >= b->cfg.max_insns) {
			img_fail(rs->msg, 0, "instruction limit reached: %" PRIu64 " instructions "
				 "retired (--max-insns) without PSCI SYSTEM_OFF",
				 b->retired);
			return run_stop(rs, BOARD_EXIT_MAX_INSNS);
		}
		if (budget > b->cfg.max_insns - b->retired)
			budget = b->cfg.max_insns - b->retired;
	}
	memset(&e, 0, sizeof(e));
	before = sim_cpu_retired(c);
	ret = sim_cpu_run(c, budget, &e);
	b->retired += sim_cpu_retired(c) - before;
	if (ret) {
		img_fail(rs->msg, 0, "cpu%u: sim_cpu_run failed: %s", i, strerror(-ret));
		return run_stop(rs, BOARD_EXIT_INTERNAL);
	}
	if (run_exit(b, i, &e, rs) == RUN_STOP)
		return RUN_STOP;
	if (e.kind == SIM_EXIT_WFI) {
		b->watch[i].sleeping = true;
		b->watch[i].timers_at_sleep = cpu_timers_firing(c);
	}
	return RUN_CONTINUE;
}

/*
 * Every powered CPU sleeps. If a timer is armed, virtual time jumps to its deadline
 * (nothing can happen before it), which drives every timer's line into the GIC. With no
 * timer armed nothing can ever wake a CPU again: the guest is hung.
 */
static enum run_step run_all_asleep(struct board *b, struct run_state *rs)
{
	uint64_t deadline = sim_machine_next_deadline(b->m);

	if (deadline != UINT64_MAX) {
		sim_machine_advance_to(b->m, deadline);
		return RUN_CONTINUE;
	}
	img_fail(rs->msg, 0, "the guest is hung: every powered CPU is waiting for an "
		 "interrupt (WFI), none is pending and no timer is armed (cpu0 PC 0x%"
		 PRIx64 ")", cpu_reg(b->cpus[0], SIM_REG_PC));
	return run_stop(rs, BOARD_EXIT_GUEST);
}

/* Flush the console; a guest whose output was lost did not succeed. */
static enum board_status run_finish(struct board *b, struct run_state *rs)
{
	FILE *out = b->uart.out;

	if (out && fflush(out) == EOF && !b->uart.out_error)
		b->uart.out_error = errno ? errno : EIO;
	if (b->uart.out_error && rs->status == BOARD_EXIT_POWEROFF) {
		img_fail(rs->msg, 0, "writing the guest's console output failed: %s",
			 strerror(b->uart.out_error));
		rs->status = BOARD_EXIT_INTERNAL;
	}
	return rs->status;
}

/* One round: every powered CPU that is not asleep gets a turn, in index order. */
static enum run_step run_round(struct board *b, struct run_state *rs)
{
	unsigned i, on = 0, ran = 0;

	for (i = 0; i < b->cfg.smp; i++) {
		if (!sim_cpu_is_on(b->cpus[i]))
			continue;
		on++;
		if (b->watch[i].sleeping && !cpu_may_wake(b, i))
			continue;
		b->watch[i].sleeping = false;
		ran++;
		if (run_cpu(b, i, rs) == RUN_STOP)
			return RUN_STOP;
	}
	if (on == 0) {
		img_fail(rs->msg, 0, "every CPU is powered off (PSCI CPU_OFF) and none is "
			 "left to call SYSTEM_OFF");
		return run_stop(rs, BOARD_EXIT_GUEST);
	}
	return ran ? RUN_CONTINUE : run_all_asleep(b, rs);
}

enum board_status board_run(struct board *b, struct img_error *msg)
{
	struct run_state rs = { .status = BOARD_EXIT_INTERNAL, .msg = msg };

	if (!b->loaded) {
		img_fail(msg, 0, "internal error: board_run() before board_load()");
		return BOARD_EXIT_INTERNAL;
	}
	while (run_round(b, &rs) == RUN_CONTINUE)
		;
	return run_finish(b, &rs);
}
