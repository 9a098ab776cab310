// SPDX-License-Identifier: Apache-2.0
/*
 * The daemon's request handlers: one function per request kind, each filling the
 * response's status and message (and its results), never blocking on a VMM.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "stack/guest/payload/payload.h"
#include "stack/service/internal.h"

static void fail(struct svc_response *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(struct svc_response *r, int err, const char *fmt, ...)
{
	va_list ap;

	r->status = err;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
}

void svc_send_event(struct svc_daemon *d, const struct svc_vm *vm, const struct svc_event *e)
{
	uint8_t buf[512];
	int len = svc_encode_event(e, buf, sizeof(buf));

	if (len < 0)
		return;
	for (int c = 0; c < SVC_MAX_CLIENTS; c++) {
		if (d->clients[c].fd < 0)
			continue;
		if (c != vm->owner && !(vm->watchers & (1ull << c)))
			continue;
		/* A client that cannot take its events is gone: drop it (after this loop
		 * would be cleaner, but dropping only closes and clears the slot). */
		if (svc_send_frame(d->clients[c].fd, buf, (size_t)len, -1))
			shutdown(d->clients[c].fd, SHUT_RDWR);
	}
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

/* Check and complete a config (defaults); 0 or fails @r. */
static int check_config(struct svc_daemon *d, struct svc_vm_config *c, struct svc_response *r)
{
	if (!c->mem_mib)
		c->mem_mib = 64;
	if (!c->cpus)
		c->cpus = 1;
	if (c->mem_mib < 4 || c->mem_mib > 16384) {
		fail(r, -EINVAL, "memory must be 4..16384 MiB, not %llu",
		     (unsigned long long)c->mem_mib);
		return -1;
	}
	if (c->cpus > 64) {
		fail(r, -EINVAL, "vCPUs must be 1..64, not %u", c->cpus);
		return -1;
	}
	if (c->debug_level > 1) {
		fail(r, -EINVAL, "debug level must be 0 (none) or 1 (full), not %u",
		     c->debug_level);
		return -1;
	}
	if (c->name[0] && (!valid_name(c->name) || strlen(c->name) > 40)) {
		fail(r, -EINVAL, "VM name '%s': use 1..40 of A-Z a-z 0-9 . _ -", c->name);
		return -1;
	}
	if (c->name[0] && svc_vm_find_name(d, c->name)) {
		fail(r, -EEXIST, "a VM named '%s' exists", c->name);
		return -1;
	}
	if (!c->payload_fd && !c->payload[0]) {
		fail(r, -EINVAL, "no payload");
		return -1;
	}
	return 0;
}

/* Copy the payload (at most SVC_MAX_PAYLOAD) to DIR/payload.bin: later changes to the
 * client's file cannot reach what was verified. */
static int copy_payload(int src, const char *dir, char *err, size_t errlen)
{
	char path[600], buf[65536];
	uint64_t total = 0;
	ssize_t n;
	int dst;

	snprintf(path, sizeof(path), "%s/payload.bin", dir);
	dst = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (dst < 0) {
		snprintf(err, errlen, "%.160s: %s", path, strerror(errno));
		return -errno;
	}
	while ((n = read(src, buf, sizeof(buf))) > 0) {
		total += (uint64_t)n;
		if (total > SVC_MAX_PAYLOAD || write(dst, buf, (size_t)n) != n) {
			close(dst);
			snprintf(err, errlen, total > SVC_MAX_PAYLOAD ? "payload larger than "
				 "64 MiB" : "writing the payload copy failed");
			return total > SVC_MAX_PAYLOAD ? -EFBIG : -EIO;
		}
	}
	close(dst);
	if (n < 0) {
		snprintf(err, errlen, "reading the payload: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static void req_create(struct svc_daemon *d, int c, const struct svc_request *q, int fd_in,
		       struct svc_response *r)
{
	const struct svc_client *cl = &d->clients[c];
	struct svc_vm_config cfg = q->cfg;
	char err[SVC_MSG_MAX] = "";
	struct svc_vm *vm;
	int src = fd_in, ret;

	if (!svc_policy_allows(&d->policy, cfg.protected_vm, cl->uid, cl->gid, cl->groups,
			       cl->nr_groups)) {
		fail(r, -EACCES, "uid %u may not create %s (policy)", cl->uid,
		     cfg.protected_vm ? "protected VMs" : "VMs");
		return;
	}
	if (check_config(d, &cfg, r))
		return;
	if (cfg.payload_fd && src < 0) {
		fail(r, -EBADF, "the request says a payload fd comes with it, none did");
		return;
	}
	if (!cfg.payload_fd) {
		src = open(cfg.payload, O_RDONLY | O_CLOEXEC);
		if (src < 0) {
			fail(r, -errno, "payload %s: %s", cfg.payload, strerror(errno));
			return;
		}
	}
	vm = svc_vm_alloc(d);
	if (!vm) {
		fail(r, errno == EAGAIN ? -EAGAIN : -errno, "no room for another VM (%d at most)",
		     SVC_MAX_VMS);
		if (src != fd_in)
			close(src);
		return;
	}
	ret = copy_payload(src, vm->dir, err, sizeof(err));
	if (src != fd_in)
		close(src);
	if (ret) {
		svc_vm_free(d, vm);
		fail(r, ret, "%s", err);
		return;
	}
	if (!cfg.name[0])
		snprintf(cfg.name, sizeof(cfg.name), "vm%u", vm->id);
	vm->cfg = cfg;
	vm->owner = cfg.detached ? -1 : c;
	vm->owner_uid = cl->uid;
	r->vm_id = vm->id;
}

/*
 * A normal VM has no firmware to check the payload: the VMM gets the verified code
 * alone (DIR/payload.code), loaded raw at the header's load address and entered there.
 * A protected VM gets the whole signed payload, which its firmware checks again.
 */
static int extract_code(struct svc_vm *vm, const uint8_t *data, size_t size, char *err,
			size_t errlen)
{
	struct avf_payload p;
	char path[600];
	int fd, ok;

	if (avf_payload_parse(data, size, &p, NULL) != AVF_PAYLOAD_OK)
		return -EINVAL;	/* cannot happen: it verified */
	vm->load_addr = p.hdr.load_addr;
	if (vm->cfg.protected_vm)
		return 0;
	if (p.hdr.entry_offset) {
		snprintf(err, errlen, "entry offset 0x%llx: a normal VM enters its payload at "
			 "the load address (offset 0)", (unsigned long long)p.hdr.entry_offset);
		return -ENOEXEC;
	}
	snprintf(path, sizeof(path), "%s/payload.code", vm->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ok = fd >= 0 && write(fd, p.code, p.hdr.code_size) == (ssize_t)p.hdr.code_size;
	if (fd >= 0)
		close(fd);
	if (!ok) {
		snprintf(err, errlen, "writing the payload's code failed");
		return -EIO;
	}
	return 0;
}

/* Verify the copy (and prepare what the VMM loads). 0, -EKEYREJECTED (verification),
 * -ENOEXEC (a payload this VM cannot run) or -EIO, with @err filled. */
static int verify_payload(struct svc_daemon *d, struct svc_vm *vm, char *err, size_t errlen)
{
	char path[600];
	struct stat st;
	uint8_t *data;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/payload.bin", vm->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, errlen, "payload copy: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	data = malloc((size_t)st.st_size + 1);
	ret = data && read(fd, data, (size_t)st.st_size) == st.st_size ? 0 : -EIO;
	close(fd);
	if (!ret)
		ret = svc_keys_verify(&d->keys, data, (size_t)st.st_size, vm->measure, err,
				      errlen);
	else
		snprintf(err, errlen, "payload copy: read failed");
	if (!ret)
		ret = extract_code(vm, data, (size_t)st.st_size, err, errlen);
	free(data);
	return ret;
}

/* AVF binds an instance to the payload it first ran (instance.img): a different payload
 * under the same instance id is PAYLOAD_CHANGED. Instance id 0 is "none". */
static bool instance_changed(struct svc_daemon *d, const struct svc_vm *vm)
{
	uint64_t id = vm->cfg.instance_id;

	if (!id)
		return false;
	for (unsigned i = 0; i < d->nr_instances; i++)
		if (d->instances[i].id == id)
			return memcmp(d->instances[i].measure, vm->measure, 64) != 0;
	if (d->nr_instances < SVC_MAX_VMS) {
		d->instances[d->nr_instances].id = id;
		memcpy(d->instances[d->nr_instances++].measure, vm->measure, 64);
	}
	return false;
}

static void start_vm(struct svc_daemon *d, struct svc_vm *vm)
{
	char err[SVC_MSG_MAX] = "";

	svc_vm_transition(d, vm, SVC_STATE_STARTING, 0, 0, NULL);
	switch (verify_payload(d, vm, err, sizeof(err))) {
	case 0:
		break;
	case -EKEYREJECTED:
		svc_vm_die(d, vm, SVC_DEATH_PAYLOAD_VERIFICATION_FAILED, err);
		return;
	case -ENOEXEC:
		svc_vm_die(d, vm, SVC_DEATH_INVALID_CONFIG, err);
		return;
	default:
		svc_vm_die(d, vm, SVC_DEATH_START_FAILED, err);
		return;
	}
	if (instance_changed(d, vm)) {
		svc_vm_die(d, vm, SVC_DEATH_PAYLOAD_CHANGED, "instance id ran another payload "
			   "before");
		return;
	}
	if (svc_vmm_spawn(d, vm, err, sizeof(err))) {
		svc_vm_die(d, vm, SVC_DEATH_START_FAILED, err);
		return;
	}
	vm->started_ns = svc_now_ns();
	if (vm->cfg.ready_timeout_ms)
		vm->ready_deadline_ns = vm->started_ns + vm->cfg.ready_timeout_ms * 1000000ull;
	svc_vm_transition(d, vm, SVC_STATE_STARTED, SVC_EV_PAYLOAD_STARTED, 0, "");
}

/* The VM @q names, if this client may act on it (its creator's uid, or root). */
static struct svc_vm *own_vm(struct svc_daemon *d, int c, const struct svc_request *q,
			     struct svc_response *r, bool modify)
{
	struct svc_vm *vm = svc_vm_find(d, q->vm_id);

	if (!vm) {
		fail(r, -ENOENT, "no VM with id %u", q->vm_id);
		return NULL;
	}
	if (modify && d->clients[c].uid && d->clients[c].uid != vm->owner_uid) {
		fail(r, -EPERM, "VM %u belongs to uid %u", vm->id, vm->owner_uid);
		return NULL;
	}
	return vm;
}

static void req_start(struct svc_daemon *d, struct svc_vm *vm, struct svc_response *r)
{
	if (vm->state != SVC_STATE_NOT_STARTED) {
		fail(r, -EALREADY, "VM %u is %s: a VM starts once", vm->id,
		     svc_state_name(vm->state));
		return;
	}
	start_vm(d, vm);
}

static void req_stop(struct svc_daemon *d, struct svc_vm *vm, struct svc_response *r)
{
	if (vm->state == SVC_STATE_DEAD) {
		fail(r, -ESRCH, "VM %u is already dead (%s)", vm->id, svc_death_name(vm->death));
		return;
	}
	if (!vm->pid) {		/* never started: it dies without a VMM */
		svc_vm_die(d, vm, SVC_DEATH_KILLED, "stopped before it started");
		return;
	}
	vm->stop_requested = true;
	svc_vmm_signal(vm, SIGTERM);
	if (!vm->kill_deadline_ns)
		vm->kill_deadline_ns = svc_now_ns() + SVC_STOP_GRACE_NS;
}

static void req_destroy(struct svc_daemon *d, struct svc_vm *vm)
{
	if (vm->pid) {
		/* Forgotten once reaped: nobody owns it any more. */
		vm->stop_requested = true;
		vm->owner = -1;
		vm->cfg.detached = false;
		svc_vmm_signal(vm, SIGKILL);
		return;
	}
	svc_vm_die(d, vm, SVC_DEATH_KILLED, "destroyed");
	svc_vm_free(d, vm);
}

static void req_read_file(struct svc_vm *vm, const struct svc_request *q, const char *file,
			  struct svc_response *r)
{
	char path[600];
	size_t want = q->max && q->max < SVC_CONSOLE_CHUNK ? q->max : SVC_CONSOLE_CHUNK;
	struct stat st;
	ssize_t n = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", vm->dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = pread(fd, r->data, want, (off_t)q->offset);
		if (n < 0)
			n = 0;
		if (fstat(fd, &st))
			st.st_size = 0;
		close(fd);
	} else {
		st.st_size = 0;
	}
	r->data_len = (uint32_t)n;
	r->next_offset = q->offset + (uint64_t)n;
	r->eof = vm->state == SVC_STATE_DEAD && r->next_offset >= (uint64_t)st.st_size;
}

static void req_connect(struct svc_vm *vm, const struct svc_request *q, struct svc_response *r,
			int *fd_out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[32];
	int fd, len;

	if (vm->state != SVC_STATE_STARTED && vm->state != SVC_STATE_READY) {
		fail(r, -ENOTCONN, "VM %u is %s, not running", vm->id, svc_state_name(vm->state));
		return;
	}
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/vsock", vm->dir) >=
	    sizeof(sa.sun_path)) {
		fail(r, -ENAMETOOLONG, "VM %u's vsock path is too long", vm->id);
		return;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fail(r, -errno, "VM %u's vsock device: %s", vm->id, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	/* The client reads the device's "OK <port>" answer itself: no waiting here. */
	len = snprintf(line, sizeof(line), "CONNECT %u\n", q->port);
	if (write(fd, line, (size_t)len) != len) {
		fail(r, -EIO, "VM %u's vsock device: write failed", vm->id);
		close(fd);
		return;
	}
	*fd_out = fd;
}

void svc_handle_request(struct svc_daemon *d, int c, const struct svc_request *q, int fd_in,
			struct svc_response *r, int *fd_out)
{
	struct svc_vm *vm = NULL;

	memset(r, 0, offsetof(struct svc_response, infos));
	r->seq = q->seq;
	r->kind = SVC_RESPONSE;
	if (q->kind == SVC_REQ_CREATE) {
		req_create(d, c, q, fd_in, r);
		return;
	}
	if (q->kind == SVC_REQ_LIST) {
		for (unsigned i = 0; i < SVC_MAX_VMS; i++)
			if (d->vms[i].used)
				svc_vm_info(&d->vms[i], d->cfg.backend, &r->infos[r->nr_infos++]);
		return;
	}
	vm = own_vm(d, c, q, r, q->kind != SVC_REQ_INFO && q->kind != SVC_REQ_WATCH);
	if (!vm)
		return;
	switch (q->kind) {
	case SVC_REQ_START:
		req_start(d, vm, r);
		break;
	case SVC_REQ_STOP:
		req_stop(d, vm, r);
		break;
	case SVC_REQ_DESTROY:
		req_destroy(d, vm);
		break;
	case SVC_REQ_INFO:
		svc_vm_info(vm, d->cfg.backend, &r->infos[0]);
		r->nr_infos = 1;
		break;
	case SVC_REQ_CONSOLE:
		req_read_file(vm, q, "console.log", r);
		break;
	case SVC_REQ_LOG:
		req_read_file(vm, q, "vmm.log", r);
		break;
	case SVC_REQ_CONNECT:
		req_connect(vm, q, r, fd_out);
		break;
	case SVC_REQ_WATCH:
		vm->watchers |= 1ull << c;
		break;
	}
}
