/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's internals (avfd): one process, one poll() loop, no threads. Clients and
 * VMs live in fixed tables; a VM refers to its owner by client slot (-1 when detached
 * or its client is gone).
 */
#ifndef AVF_SERVICE_INTERNAL_H
#define AVF_SERVICE_INTERNAL_H

#include <stdint.h>
#include <sys/types.h>

#include "stack/service/keys.h"
#include "stack/service/policy.h"
#include "stack/service/service.h"

#define SVC_MAX_CLIENTS 64
#define SVC_MAX_VMS SVC_LIST_MAX
#define SVC_MAX_GROUPS 32
#define SVC_MAX_PAYLOAD (64u << 20)
#define SVC_STOP_GRACE_NS 3000000000ull	/* SIGTERM, then SIGKILL after this */

struct svc_daemon_config {
	const char *run_dir;		/* VM directories (console, logs, sockets) */
	const char *socket_path;
	const char *key_dir;
	const char *policy_path;	/* NULL: the default policy */
	long group;			/* gid the default policy admits, -1 none */
	const char *vmm_path;		/* the avf-vmm program */
	const char *backend;		/* passed to avf-vmm --backend */
	const char *pvmfw;		/* passed to avf-vmm --pvmfw for protected VMs */
};

struct svc_client {
	int fd;				/* -1: free slot */
	uid_t uid;
	gid_t gid;
	pid_t pid;
	gid_t groups[SVC_MAX_GROUPS];
	unsigned nr_groups;
};

struct svc_vm {
	bool used;
	uint32_t id;
	struct svc_vm_config cfg;	/* name filled in, defaults applied */
	enum svc_state state;
	enum svc_death death;
	int32_t exit_code;
	char death_detail[SVC_MSG_MAX];
	int owner;			/* client slot or -1 */
	uint64_t watchers;		/* client slots that asked for events (bit mask) */
	uid_t owner_uid;
	uint32_t cid;
	char dir[512];			/* run_dir/vms/ID */
	uint8_t measure[64];		/* the verified payload's measurement */
	uint64_t load_addr;		/* from the verified header */
	pid_t pid;			/* the VMM, 0 when none */
	int service_listen;		/* payload service socket (guest -> host port) */
	int service_conn;		/* the guest's connection to it */
	char service_buf[256];
	size_t service_len;
	uint64_t started_ns, ended_ns;
	uint64_t ready_deadline_ns;	/* 0: none */
	uint64_t kill_deadline_ns;	/* SIGKILL at this time (stop grace), 0: none */
	bool stop_requested;
	enum svc_death forced_death;	/* a reason the service decided (hangup), or NONE */
};

/* An instance id seen before and the payload it ran (AVF's instance image). */
struct svc_instance {
	uint64_t id;
	uint8_t measure[64];
};

struct svc_daemon {
	struct svc_daemon_config cfg;
	struct svc_policy policy;
	struct svc_keys keys;
	int listen_fd;
	int signal_fd;
	bool stopping;
	struct svc_client clients[SVC_MAX_CLIENTS];
	struct svc_vm vms[SVC_MAX_VMS];
	uint32_t next_id;
	struct svc_instance instances[SVC_MAX_VMS];
	unsigned nr_instances;
};

uint64_t svc_now_ns(void);

/* ---- vm_table.c ---------------------------------------------------------------------- */
struct svc_vm *svc_vm_find(struct svc_daemon *d, uint32_t id);
struct svc_vm *svc_vm_find_pid(struct svc_daemon *d, pid_t pid);
struct svc_vm *svc_vm_find_name(struct svc_daemon *d, const char *name);
/* A free slot with a fresh id and its directory made, or NULL (errno set). */
struct svc_vm *svc_vm_alloc(struct svc_daemon *d);
/* Forget a VM that has no VMM any more; removes its directory. */
void svc_vm_free(struct svc_daemon *d, struct svc_vm *vm);
void svc_vm_info(const struct svc_vm *vm, const char *backend, struct svc_vm_info *out);
/* Move to @next if the lifecycle allows it (else logged and ignored) and tell the
 * clients; @event/@code/@msg describe the callback (0 event: state change only). */
void svc_vm_transition(struct svc_daemon *d, struct svc_vm *vm, enum svc_state next,
		       enum svc_event_kind event, int32_t code, const char *msg);
/* The VM is dead: DEAD with @death, error + died callbacks, VMM fds closed. */
void svc_vm_die(struct svc_daemon *d, struct svc_vm *vm, enum svc_death death,
		const char *msg);

/* ---- vmm_process.c ------------------------------------------------------------------- */
/* Start the VMM of @vm (payload file in vm->dir). 0, or -errno with @err filled. */
int svc_vmm_spawn(struct svc_daemon *d, struct svc_vm *vm, char *err, size_t errlen);
/* Signal the VMM (no-op without one). */
void svc_vmm_signal(struct svc_vm *vm, int sig);
/* Reap every exited child and move its VM to DEAD. */
void svc_vmm_reap(struct svc_daemon *d);
/* The payload service connection: accept, read lines. */
void svc_vmm_service_accept(struct svc_daemon *d, struct svc_vm *vm);
void svc_vmm_service_read(struct svc_daemon *d, struct svc_vm *vm);

/* ---- requests.c ---------------------------------------------------------------------- */
/* Handle one request from client slot @c; fills @resp (status, message, results) and
 * may set *@fd_out to an fd to pass back. @fd_in: an fd that came with the request
 * (ownership taken). */
void svc_handle_request(struct svc_daemon *d, int c, const struct svc_request *q, int fd_in,
			struct svc_response *resp, int *fd_out);
/* Send an event to the VM's owner and watchers. */
void svc_send_event(struct svc_daemon *d, const struct svc_vm *vm, const struct svc_event *e);

/* ---- daemon.c ------------------------------------------------------------------------ */
int svc_daemon_init(struct svc_daemon *d, const struct svc_daemon_config *cfg);
/* Serve until SIGTERM/SIGINT; then kill and reap every VMM. Returns 0 or -errno. */
int svc_daemon_run(struct svc_daemon *d);
void svc_daemon_fini(struct svc_daemon *d);
void svc_client_drop(struct svc_daemon *d, int c);

#endif /* AVF_SERVICE_INTERNAL_H */
