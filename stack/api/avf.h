/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libavf: the C API of the service, modelled on AVF's libavf and its Java
 * VirtualMachine API (docs/SERVICE.md). A client connects to avfd, builds a config,
 * creates a VM, starts it, and learns what happens through its state, callbacks and
 * console.
 *
 * Errors: every function that can fail returns a negative errno value (and 0 or a
 * count on success); avf_last_error() then holds a message for the calling thread
 * (the service's own message when the service refused).
 *
 * Threads: every function may be called from any thread; calls on one service
 * connection are serialised by it. Callbacks run on the thread that calls
 * avf_service_dispatch() or avf_vm_wait(), never with a lock of the library held, so a
 * callback may call back into the library.
 *
 * Lifetime: a VM belongs to the connection that created it and is destroyed by the
 * service when that connection closes, unless the config made it detached.
 */
#ifndef AVF_API_AVF_H
#define AVF_API_AVF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/service/service.h"

struct avf_service;
struct avf_vm_config;
struct avf_vm;

/* The VM's state and death reason are the service's (service.h):
 * SVC_STATE_NOT_STARTED..SVC_STATE_DEAD, SVC_DEATH_*; svc_state_name() and
 * svc_death_name() give their names. */
typedef struct svc_vm_info avf_vm_info_t;

enum avf_debug_level { AVF_DEBUG_NONE = 0, AVF_DEBUG_FULL = 1 };

/* The message of the calling thread's last failure ("" if none). */
const char *avf_last_error(void);

/* ---- connection ------------------------------------------------------------------- */

/* The socket avfd serves by default: $XDG_RUNTIME_DIR/avf/avfd.sock, else
 * /tmp/avf-UID/avfd.sock. Writes it to @buf; returns @buf. */
const char *avf_default_socket(char *buf, size_t len);
/* Connect to the daemon at @socket_path (NULL: the default). 0 or -errno. */
int avf_service_connect(const char *socket_path, struct avf_service **out);
/* Close the connection: the service destroys this connection's attached VMs. Every
 * avf_vm of the connection must have been freed. */
void avf_service_close(struct avf_service *svc);
/* Every VM the service knows: fills up to @max infos, returns how many it filled. */
int avf_service_list(struct avf_service *svc, avf_vm_info_t *infos, size_t max);
/* Deliver pending events as callbacks, waiting up to @timeout_ms (-1: until one
 * arrives) for the first. Returns the number of callbacks run, or -errno
 * (-ECONNRESET: the service went away). */
int avf_service_dispatch(struct avf_service *svc, int timeout_ms);

/* ---- config builder ---------------------------------------------------------------- */

/* A new config: 64 MiB, 1 vCPU, not protected, no debug, attached, no payload. */
int avf_config_new(struct avf_vm_config **out);
void avf_config_free(struct avf_vm_config *cfg);
/* The payload as a path; the library opens it (with the caller's rights). */
int avf_config_set_payload_path(struct avf_vm_config *cfg, const char *path);
/* The payload as an open fd; ownership passes to the config (closed by it, also on
 * failure of this call). */
int avf_config_set_payload_fd(struct avf_vm_config *cfg, int fd);
int avf_config_set_memory_mib(struct avf_vm_config *cfg, uint64_t mib);	/* 4..16384 */
int avf_config_set_cpus(struct avf_vm_config *cfg, unsigned cpus);		/* 1..64 */
int avf_config_set_protected(struct avf_vm_config *cfg, bool protected_vm);
int avf_config_set_debug_level(struct avf_vm_config *cfg, enum avf_debug_level level);
/* Up to SVC_MAX_DISKS raw disk images (-E2BIG beyond). */
int avf_config_add_disk(struct avf_vm_config *cfg, const char *path, bool read_only);
/* A virtio-net device on the user-space switch at @switch_path (NULL: none). */
int avf_config_set_network(struct avf_vm_config *cfg, const char *switch_path);
/* 1..40 of [A-Za-z0-9._-]; shown in `ps` as "avf-vmm: NAME". */
int avf_config_set_name(struct avf_vm_config *cfg, const char *name);
int avf_config_set_instance_id(struct avf_vm_config *cfg, uint64_t id);
/* A detached VM survives this connection (e.g. `avf start`). */
int avf_config_set_detached(struct avf_vm_config *cfg, bool detached);
/* Die with HANGUP if the payload is not READY this long after start (0: never). */
int avf_config_set_ready_timeout_ms(struct avf_vm_config *cfg, uint32_t ms);

/* ---- VMs ------------------------------------------------------------------------------- */

struct avf_callbacks {
	void (*payload_started)(struct avf_vm *vm, void *ctx);
	void (*payload_ready)(struct avf_vm *vm, void *ctx);
	void (*payload_finished)(struct avf_vm *vm, int exit_code, void *ctx);
	void (*error)(struct avf_vm *vm, int code, const char *message, void *ctx);
	/* @reason: enum svc_death; @message: the service's details. */
	void (*died)(struct avf_vm *vm, int reason, const char *message, void *ctx);
};

/* Create a VM (NOT_STARTED) from @cfg (which stays the caller's; a payload fd is
 * consumed by the first create). 0 or -errno (-EACCES: the policy refuses). */
int avf_vm_create(struct avf_service *svc, struct avf_vm_config *cfg, struct avf_vm **out);
/* A handle on an existing VM (any client's): its events are sent to this connection
 * too. 0 or -ENOENT. */
int avf_vm_open(struct avf_service *svc, uint32_t id, struct avf_vm **out);
/* Free the handle (the VM itself is unaffected; see avf_vm_destroy). Callbacks for it
 * that other threads are running are waited for; after return none runs or will run.
 * From the handle's own callback it is freed when that callback returns. */
void avf_vm_free(struct avf_vm *vm);
uint32_t avf_vm_id(const struct avf_vm *vm);
/* Callbacks for this VM (@cb copied; NULL members are skipped). */
void avf_vm_set_callbacks(struct avf_vm *vm, const struct avf_callbacks *cb, void *ctx);
/* Start: 0 once the service tried (the VM may already be DEAD: START_FAILED,
 * PAYLOAD_VERIFICATION_FAILED; see the state). -EALREADY if it was started before. */
int avf_vm_start(struct avf_vm *vm);
/* Ask the VM to end (its VMM gets SIGTERM, SIGKILL after a grace period). */
int avf_vm_stop(struct avf_vm *vm);
/* Stop it if running and make the service forget it. */
int avf_vm_destroy(struct avf_vm *vm);
/* The state as last reported by the service (events), without asking it. */
enum svc_state avf_vm_state(const struct avf_vm *vm);
/* The death reason once DEAD (SVC_DEATH_NONE before), and the payload's exit code. */
enum svc_death avf_vm_death_reason(const struct avf_vm *vm);
int avf_vm_exit_code(const struct avf_vm *vm);
/* Ask the service for the VM's info. 0 or -errno. */
int avf_vm_info(struct avf_vm *vm, avf_vm_info_t *out);
/* Wait until the VM is DEAD, up to @timeout_ms (-1: forever), running callbacks.
 * 0 (dead), -ETIMEDOUT, or -errno. */
int avf_vm_wait(struct avf_vm *vm, int timeout_ms);
/* Connect to guest vsock @port. Returns a connected stream fd (the caller's), or
 * -errno: -ECONNREFUSED if the guest does not listen there. */
int avf_vm_connect_vsock(struct avf_vm *vm, uint32_t port);
/* Read console output from *@offset (advanced); up to @len bytes. Returns the count;
 * 0 with *@eof set once the VM is dead and everything was read. */
int avf_vm_console_read(struct avf_vm *vm, uint64_t *offset, void *buf, size_t len,
			bool *eof);
/* The same for the VMM's own log (its stderr). */
int avf_vm_log_read(struct avf_vm *vm, uint64_t *offset, void *buf, size_t len, bool *eof);

/*
 * RPC to a payload's vsock server (AVmPayload_runVsockRpcServer; framing in docs/RPC.md).
 * A client is one stream; calls on it are sequential (not thread-safe).
 */
struct avf_rpc;
/* Connect to guest @port through the VMM's vsock Unix socket @uds_path (avf-vmm --vsock
 * CID,PATH), retrying while the guest refuses (not listening yet) or the socket does not
 * exist yet, up to @timeout_ms (-1: forever; an attempt started before the deadline may
 * take 5 s more to hear the guest's answer). 0, -ECONNREFUSED, -ETIMEDOUT or -errno. */
int avf_rpc_connect_uds(const char *uds_path, uint32_t port, int timeout_ms,
			struct avf_rpc **out);
/* A client over a connected stream @fd (e.g. from avf_vm_connect_vsock), which it owns
 * from then on. */
int avf_rpc_from_fd(int fd, struct avf_rpc **out);
/*
 * Call @method with @req: 0 with *@status the server's (0 or a negative errno) and the
 * response body in @resp (*@resp_len bytes). -EMSGSIZE (request over the maximum, or a
 * response over @resp_cap), -EPROTO (a malformed or mismatched answer), -ECONNRESET (the
 * stream ended), -ETIMEDOUT (@timeout_ms, -1: forever). After an error the stream is
 * out of step: close it.
 */
int avf_rpc_call(struct avf_rpc *c, uint16_t method, const void *req, size_t req_len,
		 void *resp, size_t resp_cap, size_t *resp_len, int32_t *status, int timeout_ms);
/* The stream's fd (for poll). */
int avf_rpc_fd(const struct avf_rpc *c);
/* Close the stream (the payload's server sees the end of its connection). */
void avf_rpc_close(struct avf_rpc *c);

#endif /* AVF_API_AVF_H */
