/* SPDX-License-Identifier: MIT */
/*
 * The scenario runner (docs/SCENARIOS.md): run one scenario in one mode and say how it
 * went. runner.c decides what runs (modes, backends, skips, swarm); det_runner.c and
 * proc_runner.c execute; check.c evaluates checks against what each VM did (struct
 * sc_vmrec, filled the same way by both modes); trace.c hashes the deterministic trace;
 * report.c prints progress, JSON and JUnit.
 */
#ifndef AVF_SCENARIO_RUNNER_H
#define AVF_SCENARIO_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/scenario/scenario.h"
#include "stack/service/service.h"

#define SC_MAX_RECORDS	128
#define SC_REASON_MAX	1024

enum sc_result_kind { SC_PASS, SC_FAIL, SC_SKIP };

struct sc_run_opts {
	enum sc_mode mode;
	enum sc_backend backend;
	uint64_t seed;
	const char *extra_faults;	/* --faults, or the swarm's draw; NULL if none */
	int swarm_index;		/* -1 outside a swarm */
	bool verbose;
};

struct sc_result {
	enum sc_result_kind kind;
	char reason[SC_REASON_MAX];	/* failure (FILE:L:C: ...) or skip reason */
	char detail[SC_REASON_MAX];	/* more lines for a failure (the VMM's log tail) */
	uint64_t trace_hash;
	bool has_trace;			/* det mode */
	uint64_t virtual_ns;
	char faults[1024];		/* the fault spec in force */
};

/* What one VM did: filled by either runner, read by the checks. */
struct sc_vmrec {
	bool created;
	enum sc_state state;
	enum svc_death death;		/* SVC_DEATH_NONE while alive */
	bool finished;
	int32_t exit_code;
	enum sc_event events[SC_MAX_RECORDS];
	unsigned nr_events;
	uint64_t marks[SC_MAX_RECORDS];
	unsigned nr_marks;
	char *console;			/* malloc'd, NUL-terminated */
	size_t console_len, console_cap;
	bool host_done;			/* a host_read/host_write was made */
	enum sc_host_result host_result;	/* the last one's outcome */
	char message[320];		/* the last error event's or the end's message */
};

/* ---- trace.c ---- */
struct sc_trace {
	uint64_t hash;			/* FNV-1a 64 */
	FILE *echo;			/* -v: each record printed here, else NULL */
};
void sc_trace_init(struct sc_trace *t, FILE *echo);
void sc_trace_add(struct sc_trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sc_trace_bytes(struct sc_trace *t, const void *buf, size_t len);
uint64_t sc_fnv1a(uint64_t h, const void *buf, size_t len);

/* ---- check.c ---- */
/* Record an event (and the state it implies), a console chunk. */
void sc_rec_event(struct sc_vmrec *r, enum sc_event e);
void sc_rec_state(struct sc_vmrec *r, enum sc_state s);
void sc_rec_console(struct sc_vmrec *r, const void *buf, size_t len);
void sc_rec_free(struct sc_vmrec *r);

/* What det mode adds for its checks. */
struct sc_det_facts {
	uint64_t (*fault_fired)(const char *point);
	bool teardown_done;
	int64_t pages_leaked;		/* after teardown: pages missing (free + pool) */
};
/* 0 if @c holds; else -1 with "vm a: KEY: expected X, got Y" in @why. */
int sc_check_eval(const struct scenario *sc, const struct sc_check *c,
		  const struct sc_vmrec *recs, const struct sc_det_facts *det, char *why,
		  size_t len);

/* The end of a VM's console, for a failure's detail. */
void sc_console_tail(const struct sc_vmrec *r, const char *vm, char *buf, size_t len);

/* ---- sched.c: the seeded virtual-time scheduler of det mode ---- */
struct sc_sched {
	uint64_t rng;			/* splitmix64 state */
};
struct sc_sched_ops {
	/* One turn of VM @i: 1 it ended, 0 it goes on (*idle: all its vCPUs idle), <0 error. */
	int (*turn)(void *ctx, unsigned i, bool *idle);
	/* Every live VM is idle: move the clock to the next timer. 0, or -ENOENT: none. */
	int (*advance_idle)(void *ctx);
	uint64_t (*now)(void *ctx);	/* virtual ns */
	bool (*done)(void *ctx);	/* the condition waited for */
};
enum sc_sched_outcome {
	SC_SCHED_DONE,			/* done() became true */
	SC_SCHED_TIMEOUT,		/* the deadline passed first */
	SC_SCHED_DEADLOCK,		/* every live VM idle, no timer armed */
	SC_SCHED_NOTHING,		/* no VM is live */
	SC_SCHED_ERROR,			/* a turn failed (*err = its -errno) */
};
void sc_sched_init(struct sc_sched *s, uint64_t seed);
/* The order of one round: a seeded permutation of the @n indices with live[i]. */
unsigned sc_sched_order(struct sc_sched *s, const bool *live, unsigned n, unsigned *order);
/* Run rounds until done(), the deadline, a deadlock, or no VM is live. live[i] is
 * cleared for VMs that end. */
enum sc_sched_outcome sc_sched_run(struct sc_sched *s, const struct sc_sched_ops *ops,
				   void *ctx, bool *live, unsigned n, uint64_t deadline_ns,
				   int *err);

/* ---- the runners ---- */
void sc_det_run(const struct scenario *sc, const struct sc_run_opts *o, struct sc_result *res);
void sc_proc_run(const struct scenario *sc, const struct sc_run_opts *o,
		 struct sc_result *res);
/* Why @sc cannot run in @o's mode and backend (a skip reason), or "" if it can. */
void sc_skip_reason(const struct scenario *sc, const struct sc_run_opts *o, char *buf,
		    size_t len);
/* Run one scenario (skip, det or process). */
void sc_run_one(const struct scenario *sc, const struct sc_run_opts *o, struct sc_result *res);
/* "FILE:L:C: step N (KIND)" */
void sc_step_where(const struct scenario *sc, unsigned index, char *buf, size_t len);
/* The fault spec of a run: the scenario's rules and @extra, comma-joined. */
void sc_fault_spec(const struct scenario *sc, const char *extra, char *buf, size_t len);

/* ---- report.c ---- */
struct sc_report;
struct sc_report *sc_report_new(bool json, const char *junit_path, bool verbose);
void sc_report_add(struct sc_report *r, const struct scenario *sc, const struct sc_run_opts *o,
		   const struct sc_result *res);
/* Summary on stderr, JUnit written. Returns the exit status: 0 none failed, else 1. */
int sc_report_finish(struct sc_report *r);
/* The command that replays a run. */
void sc_replay_command(const struct scenario *sc, const struct sc_run_opts *o,
		       const char *faults, char *buf, size_t len);

#endif /* AVF_SCENARIO_RUNNER_H */
