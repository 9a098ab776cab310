/* SPDX-License-Identifier: MIT */
/*
 * scenario: the model of a scenario file (docs/SCENARIOS.md) and its parser.
 *
 * A parsed scenario is plain data: the VMs, the fault rules, the steps and the checks,
 * each with the file position it came from so that the runner can say where a failing
 * step is written. Everything a scenario owns is allocated from its own arena and freed
 * by scenario_free().
 *
 * Errors in a file are one line "FILE:LINE:COL: message" (1-based) in the caller's
 * buffer; the parse functions then return -EINVAL (or -errno if the file cannot be
 * read) and leave *out NULL.
 */
#ifndef AVF_SCENARIO_H
#define AVF_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_MAX_VMS	8
#define SC_MAX_DISKS	4
#define SC_MAX_LIST	16	/* events, marks, strings per check */
#define SC_NAME_MAX	64
#define SC_VM_NAME_MAX	32

enum sc_mode { SC_MODE_DET = 1u << 0, SC_MODE_PROCESS = 1u << 1 };
enum sc_backend { SC_BACKEND_SIM = 1u << 0, SC_BACKEND_KVM = 1u << 1 };

/* The service's states and events (stack/service/service.h), as scenarios name them. */
enum sc_state {
	SC_STATE_NOT_STARTED, SC_STATE_STARTING, SC_STATE_STARTED, SC_STATE_READY,
	SC_STATE_FINISHED, SC_STATE_DEAD, SC_NR_STATES
};
enum sc_event {
	SC_EV_STARTED, SC_EV_READY, SC_EV_FINISHED, SC_EV_ERROR, SC_EV_DIED, SC_NR_EVENTS
};

struct sc_loc {
	const char *file;
	unsigned line, col;
};

struct sc_disk {
	uint64_t size;			/* scratch image of this many bytes, or 0 */
	const char *image;		/* an existing image (resolved path), or NULL */
	bool read_only;
};

struct sc_vm {
	struct sc_loc loc;
	char name[SC_VM_NAME_MAX];
	const char *payload;		/* a builtin name (builtin true) or a resolved path */
	bool builtin;
	bool protected_vm, debug, vsock, net;
	uint64_t mem_mib, instance_id;
	unsigned vcpus;
	const char *bootargs, *script;	/* NULL if not given */
	struct sc_disk disks[SC_MAX_DISKS];
	unsigned nr_disks;
};

struct sc_fault {
	struct sc_loc loc;
	const char *spec;		/* one lib/fault rule: "point:at=3:vm=a" */
};

enum sc_check_key {
	SC_CK_STATE = 1u << 0, SC_CK_DEATH = 1u << 1, SC_CK_EXIT_CODE = 1u << 2,
	SC_CK_EVENTS = 1u << 3, SC_CK_NO_EVENTS = 1u << 4, SC_CK_CONTAINS = 1u << 5,
	SC_CK_NOT_CONTAINS = 1u << 6, SC_CK_REGEX = 1u << 7, SC_CK_MARKS = 1u << 8,
	SC_CK_HOST_RESULT = 1u << 9, SC_CK_FAULTS_FIRED = 1u << 10,
	SC_CK_PAGES_LEAKED = 1u << 11,
};
/* Checks only the deterministic runner can make. */
#define SC_CK_DET_ONLY (SC_CK_MARKS | SC_CK_HOST_RESULT | SC_CK_FAULTS_FIRED | \
			SC_CK_PAGES_LEAKED)
/* Checks that need a VM. */
#define SC_CK_PER_VM (~(unsigned)(SC_CK_FAULTS_FIRED | SC_CK_PAGES_LEAKED))

/* The outcome of a host_read/host_write: the VMM's 0, -EPERM (the hyp refused: the page
 * is the guest's) or -EFAULT (the IPA range is not in the VM's memory). */
enum sc_host_result { SC_HOST_OK, SC_HOST_REFUSED, SC_HOST_FAULT, SC_NR_HOST_RESULTS };

struct sc_fired {
	const char *point;
	uint64_t count;
	bool at_least_one;		/* ">0" */
};

struct sc_check {
	struct sc_loc loc;
	int vm;				/* index in vms, -1 if none */
	unsigned keys;			/* enum sc_check_key */
	enum sc_state state;
	unsigned death_mask;		/* 1 << enum svc_death */
	int32_t exit_code;
	enum sc_event events[SC_MAX_LIST];
	unsigned nr_events;
	unsigned no_events_mask;	/* 1 << enum sc_event */
	const char *contains[SC_MAX_LIST], *not_contains[SC_MAX_LIST];
	unsigned nr_contains, nr_not_contains;
	const char *regex;
	uint64_t marks[SC_MAX_LIST];
	unsigned nr_marks;
	enum sc_host_result host_result;
	struct sc_fired fired[SC_MAX_LIST];
	unsigned nr_fired;
	uint64_t pages_leaked;		/* only 0 is accepted by the parser */
};

enum sc_step_kind {
	SC_STEP_START, SC_STEP_STOP, SC_STEP_WAIT, SC_STEP_RELEASE, SC_STEP_ADVANCE,
	SC_STEP_KILL_VMM, SC_STEP_RESTART_SERVICE, SC_STEP_HOST_READ, SC_STEP_HOST_WRITE,
	SC_STEP_VSOCK_SEND, SC_STEP_VSOCK_RECV, SC_STEP_EXPECT, SC_STEP_RPC,
	SC_STEP_VSOCK_CLOSE, SC_NR_STEPS
};

enum sc_wait_for { SC_WAIT_STATE, SC_WAIT_EVENT, SC_WAIT_MARK };

struct sc_step {
	struct sc_loc loc;
	enum sc_step_kind kind;
	int vm;				/* index in vms, -1 if none */
	/* wait */
	enum sc_wait_for wait_for;
	enum sc_state state;
	enum sc_event event;
	uint64_t mark;
	uint64_t timeout_ms;
	/* release */
	uint64_t token;
	/* advance */
	uint64_t ms;
	/* host_read, host_write */
	uint64_t ipa, size;
	uint8_t byte;
	const char *data;		/* host_write, vsock_send; NULL: size x byte */
	size_t data_len;
	enum sc_host_result host_expect;
	const uint8_t *expect_bytes;	/* host_read: the exact bytes (size of them), or NULL */
	/* vsock */
	uint32_t port;
	const char *expect_text;	/* vsock_recv; rpc: the exact response, or NULL */
	size_t expect_len;
	/* rpc */
	uint16_t method;
	int32_t rpc_status;		/* the server's status expected (default 0) */
	bool rpc_reset;			/* expect the stream to end instead (the VM died) */
	/* expect */
	struct sc_check check;
};

struct scenario {
	const char *file;		/* as given */
	const char *dir;		/* its directory, for relative paths */
	struct sc_loc loc;
	char name[SC_NAME_MAX];
	const char *description;
	unsigned modes, backends;	/* enum sc_mode, enum sc_backend masks */
	uint64_t seed;
	const char *swarm[SC_MAX_LIST];	/* fault points --swarm may enable */
	unsigned nr_swarm;
	struct sc_vm vms[SC_MAX_VMS];
	unsigned nr_vms;
	struct sc_fault *faults;
	unsigned nr_faults;
	struct sc_step *steps;
	unsigned nr_steps;
	struct sc_check *expects;	/* top-level expect: after teardown */
	unsigned nr_expects;
	struct sc_arena *arena;
};

/* Parse one file. 0, or -EINVAL with "FILE:L:C: message" in @err, or -errno (unreadable
 * file, "FILE: message"). */
int scenario_parse_file(const char *path, struct scenario **out, char *err, size_t errlen);
/* Parse @len bytes as if they were the file @file (for tests and the fuzz target). */
int scenario_parse_buffer(const char *file, const void *buf, size_t len,
			  struct scenario **out, char *err, size_t errlen);
void scenario_free(struct scenario *sc);

/* Names, as scenario files spell them. */
const char *sc_step_name(enum sc_step_kind k);
const char *sc_state_name(enum sc_state s);
const char *sc_event_name(enum sc_event e);
const char *sc_host_result_name(enum sc_host_result r);
/* The modes a step kind can run in (enum sc_mode mask). */
unsigned sc_step_modes(enum sc_step_kind k);

/* ---- the arena every scenario allocates from (arena.c) ---------------------------- */
struct sc_arena;
struct sc_arena *sc_arena_new(void);
void sc_arena_free(struct sc_arena *a);
/* Zeroed memory; aborts on exhaustion of the host's memory (as strdup callers would). */
void *sc_arena_alloc(struct sc_arena *a, size_t size);
char *sc_arena_strndup(struct sc_arena *a, const char *s, size_t len);

#endif /* AVF_SCENARIO_H */
