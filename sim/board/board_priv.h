/* SPDX-License-Identifier: MIT */
/* The board's state, shared by board.c (build, load) and run.c (run loop). */
#ifndef AVF_SIM_BOARD_BOARD_PRIV_H
#define AVF_SIM_BOARD_BOARD_PRIV_H

#include "sim/board/board.h"
#include "sim/board/pl011.h"
#include "sim/sim.h"

/*
 * What the run loop remembers of each CPU: whether it sleeps in WFI, and what it needs
 * to notice a guest that stopped making progress.
 */
struct board_cpu_watch {
	bool sleeping;			/* its last exit was WFI and nothing woke it yet */
	unsigned timers_at_sleep;	/* timers firing when it went to sleep (run.c) */
	uint64_t site_pc, site_addr;	/* PC and address of the last injected abort */
	unsigned site_streak;		/* aborts in a row at that same PC and address */
	uint64_t vec_pc, vec_elr, vec_esr;	/* state at the end of the last quantum spent
						 * re-taking an exception in the vector table */
	unsigned vec_streak;		/* quanta in a row that ended in that state */
};

struct board {
	struct board_config cfg;
	FILE *diag;
	struct sim_machine *m;
	struct sim_part *part;
	struct sim_cpu *cpus[BOARD_MAX_CPUS];
	struct pl011 uart;
	struct board_boot_plan plan;
	bool loaded;
	uint64_t retired;		/* all CPUs, counted by the run loop */
	struct board_cpu_watch watch[BOARD_MAX_CPUS];
};

#endif /* AVF_SIM_BOARD_BOARD_PRIV_H */
