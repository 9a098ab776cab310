/* SPDX-License-Identifier: MIT */
/*
 * Deterministic mode's internal contract between det_runner.c (host, hooks, scheduling,
 * teardown), det_steps.c (the step executors) and det_files.c (run directory, images,
 * the VMM's stderr).
 */
#ifndef AVF_SCENARIO_DET_INTERNAL_H
#define AVF_SCENARIO_DET_INTERNAL_H

#include <limits.h>

#include "stack/scenario/builtin.h"
#include "stack/scenario/runner.h"
#include "stack/vmm/vmm.h"

#define DET_MAX_TOKENS 64
#define DET_MAX_POINTS 64

struct det_vm {
	const char *name;
	struct vmm *v;			/* NULL until started, and after teardown */
	bool running, stop_requested;
	int console_fd;			/* reading the console file */
	char console[PATH_MAX], image[PATH_MAX], vsock[PATH_MAX], bootargs[1100];
	char disks[SC_MAX_DISKS][PATH_MAX];
	uint64_t released[DET_MAX_TOKENS];
	unsigned nr_released;
};

struct net_switch;

struct det {
	const struct scenario *sc;
	const struct sc_run_opts *o;
	struct sc_result *res;
	struct vmm_host *host;
	void *pvmfw;
	size_t pvmfw_size;
	uint64_t free0;			/* host free + hyp pool pages before any VM */
	uint64_t now;			/* the last virtual time seen, ns */
	struct det_vm vms[SC_MAX_VMS];
	struct sc_vmrec recs[SC_MAX_VMS];
	bool live[SC_MAX_VMS];		/* scheduled */
	struct sc_sched sched;
	struct sc_trace trace;
	struct sc_det_facts facts;
	bool faults_armed;
	uint64_t fired[DET_MAX_POINTS];	/* by fault_points[] index, at teardown */
	char dir[256];			/* the run directory (mkdtemp; short) */
	/* net: true: the scenario's private L2 switch, in this process (so frames move at
	 * points of the schedule, deterministically), at net_path. */
	struct net_switch *net;
	char net_path[PATH_MAX];
	bool net_moved;			/* frames switched since the last clock jump */
	int saved_stderr, log_fd;
	bool (*done)(struct det *d, const void *arg);
	const void *done_arg;
};

/* det_runner.c */
uint64_t det_now(struct det *d);
void det_vm_ended(struct det *d, unsigned i, enum vmm_end end, const char *why);
enum sc_sched_outcome det_run_until(struct det *d, bool (*done)(struct det *, const void *),
				    const void *arg, uint64_t deadline_ns);
int det_build_config(struct det *d, unsigned i, struct vmm_config *cfg);

/* det_steps.c */
void det_step(struct det *d, unsigned index);
bool det_all_dead(struct det *d, const void *arg);
/* Fail the run (first failure wins): "MESSAGE" or "FILE:L:C: MESSAGE". -EINVAL. */
int det_fail(struct det *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int det_fail_at(struct det *d, const struct sc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* det_files.c */
int det_open_workdir(struct det *d);
void det_close_workdir(struct det *d);
/* While running, the VMM library's stderr goes to the run's log (quoted on failure). */
void det_quiet_stderr(struct det *d, bool quiet);
int det_slurp(const char *path, void **buf, size_t *len);
int det_copy_or_create(const char *image, uint64_t size, const char *dst);
/* A signed payload (.payload) for a normal VM: its code alone, raw at its load address
 * (as the service does); anything else is loaded as it is. */
int det_unwrap_payload(struct det *d, unsigned i, enum vmm_image_kind *kind,
		       uint64_t *load_addr);

#endif /* AVF_SCENARIO_DET_INTERNAL_H */
