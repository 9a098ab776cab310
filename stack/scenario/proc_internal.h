/* SPDX-License-Identifier: MIT */
/*
 * Process mode's internal contract between proc_runner.c (events, VMs, the run),
 * proc_service.c (run directory, payload signing, the private avfd) and proc_steps.c
 * (the step executors).
 */
#ifndef AVF_SCENARIO_PROC_INTERNAL_H
#define AVF_SCENARIO_PROC_INTERNAL_H

#include <limits.h>
#include <sys/types.h>

#include "stack/api/avf.h"
#include "stack/scenario/builtin.h"
#include "stack/scenario/runner.h"

#define PROC_MAX_PORTS 8

struct proc_vm {
	struct avf_vm *vm;
	uint64_t console_off;
	char payload[PATH_MAX];
	char disks[SC_MAX_DISKS][PATH_MAX];
	uint32_t ports[PROC_MAX_PORTS];	/* vsock connections kept per port */
	int fds[PROC_MAX_PORTS];
	struct avf_rpc *rpcs[PROC_MAX_PORTS];	/* owns fds[k] once made */
	unsigned nr_ports;
};

struct proc {
	const struct scenario *sc;
	const struct sc_run_opts *o;
	struct sc_result *res;
	char dir[256], sock[300], prog_dir[PATH_MAX];
	pid_t daemon;
	struct avf_service *svc;
	struct proc_vm vms[SC_MAX_VMS];
	struct sc_vmrec recs[SC_MAX_VMS];
};

/* proc_runner.c */
int64_t proc_ms(void);
int proc_fail(struct proc *p, const struct sc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int proc_wait(struct proc *p, bool (*done)(struct proc *, const void *), const void *arg,
	      int64_t timeout_ms);
bool proc_vm_dead(struct proc *p, const void *arg);
void proc_sync_console(struct proc *p, unsigned i);
void proc_start(struct proc *p, unsigned index, unsigned i);
void proc_stop_vm(struct proc *p, unsigned index, unsigned i, bool kill_vmm);

/* proc_service.c */
int proc_setup(struct proc *p);
void proc_teardown(struct proc *p);
/* Stop the daemon (SIGTERM, reaped) and start it again on the same run directory. */
int proc_restart_service(struct proc *p);
/* The VM's payload (signed if the service needs it) and disks. */
int proc_prepare_vm(struct proc *p, unsigned i);

/* proc_steps.c */
void proc_step(struct proc *p, unsigned index);

#endif /* AVF_SCENARIO_PROC_INTERNAL_H */
