/* SPDX-License-Identifier: Apache-2.0 */
/*
 * service: the VirtualizationService-like layer (docs/SERVICE.md). This header is the
 * contract shared by the daemon (avfd) and its clients (libavf): the wire protocol, the
 * VM states, the callbacks' event kinds and the death reasons.
 *
 * Wire format (all integers little-endian):
 *   frame   = u32 body_length (1..SVC_MAX_FRAME) || body
 *   body    = u16 version (SVC_VERSION) || u16 kind || u32 seq || fields of the kind
 *   string  = u16 length (<= the field's capacity - 1) || bytes (no NUL byte)
 * A request's response carries the request's seq; events carry seq 0. Decoders check
 * every length against what is left and refuse trailing bytes: -EBADMSG; a version other
 * than SVC_VERSION is -EPROTONOSUPPORT.
 *
 * Nothing here allocates; every decoded string is copied into the struct and
 * NUL-terminated. The encoders return the body length, or -EMSGSIZE if it does not fit.
 */
#ifndef AVF_SERVICE_H
#define AVF_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SVC_VERSION	1
#define SVC_MAX_FRAME	65536u
#define SVC_NAME_MAX	64	/* capacity including the NUL */
#define SVC_PATH_MAX	1024
#define SVC_MSG_MAX	256
#define SVC_MAX_DISKS	4
#define SVC_LIST_MAX	256	/* VMs one LIST response carries */
#define SVC_CONSOLE_CHUNK 32768	/* console bytes one CONSOLE response carries */
/* The guest connects to this host vsock port to report ready / finished / error. */
#define SVC_PAYLOAD_SERVICE_PORT 5000

enum svc_kind {
	SVC_REQ_CREATE = 1,	/* config -> vm_id */
	SVC_REQ_START,		/* vm_id */
	SVC_REQ_STOP,		/* vm_id: ask the VMM to end (SIGTERM, then SIGKILL) */
	SVC_REQ_DESTROY,	/* vm_id: stop if running and forget it */
	SVC_REQ_LIST,		/* -> every VM's info */
	SVC_REQ_INFO,		/* vm_id -> one info */
	SVC_REQ_CONSOLE,	/* vm_id, offset, max -> bytes of the console log */
	SVC_REQ_CONNECT,	/* vm_id, port -> an fd (SCM_RIGHTS) already sent "CONNECT" */
	SVC_REQ_WATCH,		/* vm_id: send this client the VM's events too */
	SVC_REQ_LOG,		/* vm_id, offset, max -> bytes of the VMM's log (stderr) */
	SVC_REQ_LAST = SVC_REQ_LOG,
	SVC_RESPONSE = 0x100,
	SVC_EVENT = 0x200,
};

/* AVF's VirtualMachineState; transitions only go forward (lifecycle.c). */
enum svc_state {
	SVC_STATE_NOT_STARTED = 0,
	SVC_STATE_STARTING,
	SVC_STATE_STARTED,
	SVC_STATE_READY,
	SVC_STATE_FINISHED,
	SVC_STATE_DEAD,
	SVC_NR_STATES,
};

/* AVF's DeathReason, the ones this stack can produce. */
enum svc_death {
	SVC_DEATH_NONE = 0,		/* not dead */
	SVC_DEATH_UNKNOWN,
	SVC_DEATH_SHUTDOWN,		/* the guest powered off (VMM status 0) */
	SVC_DEATH_REBOOT,		/* the guest asked for a reset (32) */
	SVC_DEATH_CRASH,		/* the guest crashed (33) */
	SVC_DEATH_KILLED,		/* stopped by a client, or the VMM was killed (signal) */
	SVC_DEATH_START_FAILED,		/* the VMM could not be started */
	SVC_DEATH_HANGUP,		/* not READY within the ready timeout, or the
					 * instruction limit (124) */
	SVC_DEATH_PAYLOAD_VERIFICATION_FAILED, /* not signed by a trusted key */
	SVC_DEATH_PAYLOAD_CHANGED,	/* another payload for an instance id seen before */
	SVC_DEATH_INVALID_CONFIG,	/* the VMM refused its command line (2) */
	SVC_DEATH_INFRASTRUCTURE_ERROR,	/* the VMM failed (1) or an unknown status */
	SVC_NR_DEATHS,
};

/* Events: the callbacks of AVF's VirtualMachineCallback. */
enum svc_event_kind {
	SVC_EV_PAYLOAD_STARTED = 1,
	SVC_EV_PAYLOAD_READY,
	SVC_EV_PAYLOAD_FINISHED,	/* code = the payload's exit code */
	SVC_EV_ERROR,			/* code + message */
	SVC_EV_DIED,			/* code = enum svc_death, message = details */
	SVC_EV_LAST = SVC_EV_DIED,
};

struct svc_disk {
	char path[SVC_PATH_MAX];
	bool read_only;
};

struct svc_vm_config {
	char name[SVC_NAME_MAX];	/* "" -> the service names it "vm<ID>" */
	char payload[SVC_PATH_MAX];	/* path, ignored when payload_fd is set */
	bool payload_fd;		/* the payload is an fd passed with the request */
	uint64_t mem_mib;		/* 0 -> 64 */
	uint32_t cpus;			/* 0 -> 1 */
	bool protected_vm;
	uint8_t debug_level;		/* 0 none, 1 full (AVF's DEBUG_LEVEL_*) */
	bool detached;			/* survives its client's disconnect */
	uint64_t instance_id;
	uint32_t ready_timeout_ms;	/* 0 -> no hangup detection */
	uint8_t nr_disks;
	struct svc_disk disks[SVC_MAX_DISKS];
	char network[SVC_PATH_MAX];	/* user-space switch socket, "" none */
};

struct svc_request {
	uint16_t version;
	uint16_t kind;
	uint32_t seq;
	uint32_t vm_id;			/* every kind but CREATE and LIST */
	uint32_t port;			/* CONNECT */
	uint64_t offset;		/* CONSOLE, LOG */
	uint32_t max;			/* CONSOLE, LOG: at most this many bytes */
	struct svc_vm_config cfg;	/* CREATE */
};

struct svc_vm_info {
	uint32_t id;
	char name[SVC_NAME_MAX];
	uint8_t state;			/* enum svc_state */
	uint8_t death;			/* enum svc_death */
	int32_t exit_code;		/* payload's exit code once FINISHED, else 0 */
	uint32_t cid;
	uint64_t mem_mib;
	uint32_t cpus;
	bool protected_vm;
	bool detached;
	char backend[16];
	uint64_t uptime_ms;		/* since STARTED; frozen once dead */
	int32_t pid;			/* the VMM process, 0 if none */
	uint32_t owner_uid;
};

struct svc_response {
	uint16_t version;
	uint16_t kind;			/* SVC_RESPONSE */
	uint32_t seq;
	int32_t status;			/* 0 or -errno */
	char message[SVC_MSG_MAX];	/* why, when status != 0 */
	uint32_t vm_id;			/* CREATE */
	uint32_t nr_infos;		/* LIST: count; INFO: 1 */
	struct svc_vm_info infos[SVC_LIST_MAX];
	uint64_t next_offset;		/* CONSOLE, LOG */
	bool eof;			/* CONSOLE, LOG: the VM is dead and all was read */
	uint32_t data_len;
	uint8_t data[SVC_CONSOLE_CHUNK];
};

struct svc_event {
	uint16_t version;
	uint16_t kind;			/* SVC_EVENT */
	uint32_t seq;			/* 0 */
	uint32_t vm_id;
	uint8_t event;			/* enum svc_event_kind */
	uint8_t state;			/* the state after the event */
	int32_t code;
	char message[SVC_MSG_MAX];
};

/* ---- protocol.c ------------------------------------------------------------------- */

int svc_encode_request(const struct svc_request *r, uint8_t *buf, size_t cap);
int svc_decode_request(const uint8_t *buf, size_t len, struct svc_request *out);
/* @request_kind says which fields follow the status (the response does not repeat it). */
int svc_encode_response(const struct svc_response *r, uint16_t request_kind, uint8_t *buf,
			size_t cap);
int svc_decode_response(const uint8_t *buf, size_t len, uint16_t request_kind,
			struct svc_response *out);
int svc_encode_event(const struct svc_event *e, uint8_t *buf, size_t cap);
int svc_decode_event(const uint8_t *buf, size_t len, struct svc_event *out);
/* The kind of a body (after version check): >0, or -EBADMSG / -EPROTONOSUPPORT. */
int svc_peek_kind(const uint8_t *buf, size_t len);

/* Frame I/O on a blocking stream socket. send: 0 or -errno. recv: body length, 0 on a
 * clean EOF before any byte, or -errno (-EBADMSG for a bad length). @fd_out, if not NULL,
 * receives an fd passed with SCM_RIGHTS (or -1). @fd, if >= 0, is passed with the frame. */
int svc_send_frame(int sock, const uint8_t *body, size_t len, int fd);
int svc_recv_frame(int sock, uint8_t *body, size_t cap, int *fd_out);

/* ---- lifecycle.c ------------------------------------------------------------------ */

const char *svc_state_name(enum svc_state s);
const char *svc_death_name(enum svc_death d);
const char *svc_event_name(enum svc_event_kind e);
/* Is s -> next allowed (forward only, per AVF)? */
bool svc_transition_allowed(enum svc_state s, enum svc_state next);
/*
 * The death reason for how a VMM process ended: @exited true with its exit status, or
 * false with the signal that killed it. @stop_requested: a client asked it to stop.
 */
enum svc_death svc_death_from_wait(bool exited, int status_or_signal, bool stop_requested);

#endif /* AVF_SERVICE_H */
