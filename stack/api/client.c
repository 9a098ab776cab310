// SPDX-License-Identifier: Apache-2.0
/*
 * libavf's client: one socket to avfd per avf_service, a mutex around every exchange,
 * and a queue of events. An event that arrives while a thread waits for a response
 * updates its VM's state at once and is queued; callbacks run later, from
 * avf_service_dispatch() or avf_vm_wait(), outside the lock.
 *
 * Any thread may run any VM's callbacks (whichever dispatches first), so a handle must
 * not be freed under a callback another thread is running for it: each handle counts
 * the callbacks in progress and avf_vm_free() waits for them (a handle freed from its
 * own callback is freed when that callback returns).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "stack/api/api_internal.h"

#define EVENT_QUEUE 1024

struct avf_vm {
	struct avf_service *svc;
	uint32_t id;
	enum svc_state state;
	enum svc_death death;
	int exit_code;
	struct avf_callbacks cb;
	void *ctx;
	unsigned callbacks_running;	/* under svc->lock */
	bool free_pending;		/* freed from its own callback: free when done */
	struct avf_vm *next;
};

/* The handle whose callback this thread is running (NULL: none). */
static __thread struct avf_vm *in_callback;

struct avf_service {
	pthread_mutex_t lock;
	pthread_cond_t callback_done;	/* a handle's callbacks_running went down */
	int fd;
	uint32_t seq;
	bool broken;
	struct avf_vm *vms;
	struct svc_event queue[EVENT_QUEUE];
	unsigned head, count;
	uint8_t buf[SVC_MAX_FRAME];
	struct svc_request req;
	struct svc_response resp;
};

const char *avf_default_socket(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (xdg && *xdg)
		snprintf(buf, len, "%s/avf/avfd.sock", xdg);
	else
		snprintf(buf, len, "/tmp/avf-%u/avfd.sock", (unsigned)getuid());
	return buf;
}

int avf_service_connect(const char *socket_path, struct avf_service **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char def[256];
	struct avf_service *svc;
	int fd, err;

	if (!socket_path)
		socket_path = avf_default_socket(def, sizeof(def));
	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return avf_set_error(-ENAMETOOLONG, "socket path too long: %s", socket_path);
	strcpy(sa.sun_path, socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return avf_set_error(err, "cannot connect to avfd at %s: %s", socket_path,
				     strerror(-err));
	}
	svc = calloc(1, sizeof(*svc));
	if (!svc) {
		close(fd);
		return avf_set_error(-ENOMEM, "out of memory");
	}
	pthread_mutex_init(&svc->lock, NULL);
	pthread_cond_init(&svc->callback_done, NULL);
	svc->fd = fd;
	*out = svc;
	return 0;
}

void avf_service_close(struct avf_service *svc)
{
	if (!svc)
		return;
	close(svc->fd);
	pthread_cond_destroy(&svc->callback_done);
	pthread_mutex_destroy(&svc->lock);
	free(svc);
}

/* Under the lock: apply an event to its VM handle(s) and queue it for callbacks. */
static void take_event(struct avf_service *svc, const struct svc_event *e)
{
	for (struct avf_vm *vm = svc->vms; vm; vm = vm->next) {
		if (vm->id != e->vm_id)
			continue;
		vm->state = (enum svc_state)e->state;
		if (e->event == SVC_EV_DIED)
			vm->death = (enum svc_death)e->code;
		if (e->event == SVC_EV_PAYLOAD_FINISHED)
			vm->exit_code = e->code;
	}
	if (svc->count == EVENT_QUEUE) {	/* full: the oldest callback is lost */
		svc->head = (svc->head + 1) % EVENT_QUEUE;
		svc->count--;
	}
	svc->queue[(svc->head + svc->count++) % EVENT_QUEUE] = *e;
}

/* Under the lock: read one frame; an event is taken, anything else is left in buf.
 * Returns the frame's kind, or -errno. */
static int read_one(struct avf_service *svc, int *fd_out, int *len_out)
{
	struct svc_event e;
	int len = svc_recv_frame(svc->fd, svc->buf, sizeof(svc->buf), fd_out);
	int kind;

	if (len <= 0) {
		svc->broken = true;
		return avf_set_error(len ? len : -ECONNRESET, "the service closed the "
				     "connection");
	}
	kind = svc_peek_kind(svc->buf, (size_t)len);
	if (kind == SVC_EVENT) {
		if (svc_decode_event(svc->buf, (size_t)len, &e))
			return avf_set_error(-EBADMSG, "malformed event from the service");
		take_event(svc, &e);
	}
	*len_out = len;
	return kind < 0 ? avf_set_error(kind, "malformed frame from the service") : kind;
}

/* Under the lock: send svc->req (with @fd_in), wait for its response into svc->resp.
 * Returns the service's status (its message as the last error) or -errno. */
static int transact(struct avf_service *svc, int fd_in, int *fd_out)
{
	int len, kind, ret;

	if (svc->broken)
		return avf_set_error(-ECONNRESET, "the connection to the service is closed");
	svc->req.seq = ++svc->seq;
	len = svc_encode_request(&svc->req, svc->buf, sizeof(svc->buf));
	if (len < 0)
		return avf_set_error(len, "request does not encode: %s", strerror(-len));
	ret = svc_send_frame(svc->fd, svc->buf, (size_t)len, fd_in);
	if (ret) {
		svc->broken = true;
		return avf_set_error(ret, "sending to the service: %s", strerror(-ret));
	}
	for (;;) {
		int fd = -1;

		kind = read_one(svc, &fd, &len);
		if (kind < 0)
			return kind;
		if (kind != SVC_RESPONSE) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		ret = svc_decode_response(svc->buf, (size_t)len, svc->req.kind, &svc->resp);
		if (ret || svc->resp.seq != svc->req.seq) {
			if (fd >= 0)
				close(fd);
			svc->broken = true;
			return avf_set_error(ret ? ret : -EPROTO, "bad response from the service");
		}
		if (fd_out)
			*fd_out = fd;
		else if (fd >= 0)
			close(fd);
		if (svc->resp.status)
			return avf_set_error(svc->resp.status, "%s", svc->resp.message);
		return 0;
	}
}

/* Outside the lock: the one callback @e calls for, if the handle set it. */
static void call_back(struct avf_vm *target, const struct avf_callbacks *cb_in, void *ctx,
		      const struct svc_event *ev)
{
	struct avf_vm *outer = in_callback;
	struct avf_callbacks cb = *cb_in;
	struct svc_event e = *ev;

	in_callback = target;
	switch (e.event) {
	case SVC_EV_PAYLOAD_STARTED:
		if (cb.payload_started)
			cb.payload_started(target, ctx);
		break;
	case SVC_EV_PAYLOAD_READY:
		if (cb.payload_ready)
			cb.payload_ready(target, ctx);
		break;
	case SVC_EV_PAYLOAD_FINISHED:
		if (cb.payload_finished)
			cb.payload_finished(target, e.code, ctx);
		break;
	case SVC_EV_ERROR:
		if (cb.error)
			cb.error(target, e.code, e.message, ctx);
		break;
	case SVC_EV_DIED:
		if (cb.died)
			cb.died(target, e.code, e.message, ctx);
		break;
	}
	in_callback = outer;
}

/* A callback for @vm returned: wake avf_vm_free(), or free a handle freed inside it. */
static void callback_finished(struct avf_service *svc, struct avf_vm *vm)
{
	bool free_now;

	pthread_mutex_lock(&svc->lock);
	free_now = --vm->callbacks_running == 0 && vm->free_pending;
	pthread_cond_broadcast(&svc->callback_done);
	pthread_mutex_unlock(&svc->lock);
	if (free_now)
		free(vm);
}

/* Run the queued callbacks (outside the lock). */
static int run_callbacks(struct avf_service *svc)
{
	int ran = 0;

	for (;;) {
		struct svc_event e;
		struct avf_callbacks cb = { 0 };
		struct avf_vm *target = NULL;
		void *ctx = NULL;

		pthread_mutex_lock(&svc->lock);
		if (!svc->count) {
			pthread_mutex_unlock(&svc->lock);
			return ran;
		}
		e = svc->queue[svc->head];
		svc->head = (svc->head + 1) % EVENT_QUEUE;
		svc->count--;
		for (struct avf_vm *vm = svc->vms; vm && !target; vm = vm->next)
			if (vm->id == e.vm_id) {
				target = vm;
				cb = vm->cb;
				ctx = vm->ctx;
				vm->callbacks_running++;
			}
		pthread_mutex_unlock(&svc->lock);
		if (!target)
			continue;
		ran++;
		call_back(target, &cb, ctx, &e);
		callback_finished(svc, target);
	}
}


int avf_service_dispatch(struct avf_service *svc, int timeout_ms)
{
	struct pollfd p = { svc->fd, POLLIN, 0 };
	int ret = 0, len, fd = -1;

	pthread_mutex_lock(&svc->lock);
	if (!svc->count && !svc->broken) {
		ret = poll(&p, 1, timeout_ms);
		if (ret > 0) {
			ret = read_one(svc, &fd, &len);
			if (fd >= 0)
				close(fd);	/* no fd comes with an event */
		} else if (ret < 0) {
			ret = errno == EINTR ? 0 : -errno;
		}
	}
	if (svc->broken && !svc->count)
		ret = -ECONNRESET;
	pthread_mutex_unlock(&svc->lock);
	if (ret < 0)
		return avf_set_error(ret, "the service closed the connection");
	return run_callbacks(svc);
}

int avf_service_list(struct avf_service *svc, avf_vm_info_t *infos, size_t max)
{
	int ret;

	pthread_mutex_lock(&svc->lock);
	memset(&svc->req, 0, sizeof(svc->req));
	svc->req.kind = SVC_REQ_LIST;
	ret = transact(svc, -1, NULL);
	if (!ret) {
		ret = (int)(svc->resp.nr_infos < max ? svc->resp.nr_infos : max);
		memcpy(infos, svc->resp.infos, sizeof(*infos) * (size_t)ret);
	}
	pthread_mutex_unlock(&svc->lock);
	return ret;
}

/* ---- VMs ------------------------------------------------------------------------------- */

static struct avf_vm *new_handle(struct avf_service *svc, uint32_t id)
{
	struct avf_vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	vm->svc = svc;
	vm->id = id;
	vm->next = svc->vms;
	svc->vms = vm;
	return vm;
}

int avf_vm_create(struct avf_service *svc, struct avf_vm_config *cfg, struct avf_vm **out)
{
	int fd = cfg->payload_fd, ret;

	if (fd < 0 && !cfg->c.payload[0])
		return avf_set_error(-EINVAL, "no payload: set a path or an fd");
	if (fd < 0) {	/* opened with the caller's rights, never the daemon's */
		fd = open(cfg->c.payload, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return avf_set_error(-errno, "payload %s: %s", cfg->c.payload,
					     strerror(errno));
	} else {
		cfg->payload_fd = -1;	/* consumed by this create */
	}
	pthread_mutex_lock(&svc->lock);
	memset(&svc->req, 0, sizeof(svc->req));
	svc->req.kind = SVC_REQ_CREATE;
	svc->req.cfg = cfg->c;
	svc->req.cfg.payload_fd = true;
	ret = transact(svc, fd, NULL);
	if (!ret) {
		*out = new_handle(svc, svc->resp.vm_id);
		if (!*out)
			ret = avf_set_error(-ENOMEM, "out of memory");
	}
	pthread_mutex_unlock(&svc->lock);
	close(fd);
	return ret;
}

/* Under the lock: a request about one VM. */
static int vm_request(struct avf_vm *vm, enum svc_kind kind, int *fd_out)
{
	memset(&vm->svc->req, 0, sizeof(vm->svc->req));
	vm->svc->req.kind = (uint16_t)kind;
	vm->svc->req.vm_id = vm->id;
	return transact(vm->svc, -1, fd_out);
}

int avf_vm_open(struct avf_service *svc, uint32_t id, struct avf_vm **out)
{
	struct avf_vm tmp = { .svc = svc, .id = id };
	struct svc_vm_info info;
	int ret;

	pthread_mutex_lock(&svc->lock);
	ret = vm_request(&tmp, SVC_REQ_INFO, NULL);
	if (!ret) {
		info = svc->resp.infos[0];
		ret = vm_request(&tmp, SVC_REQ_WATCH, NULL);
	}
	if (!ret) {
		*out = new_handle(svc, id);
		if (!*out) {
			ret = avf_set_error(-ENOMEM, "out of memory");
		} else {
			(*out)->state = (enum svc_state)info.state;
			(*out)->death = (enum svc_death)info.death;
			(*out)->exit_code = info.exit_code;
		}
	}
	pthread_mutex_unlock(&svc->lock);
	return ret;
}

void avf_vm_free(struct avf_vm *vm)
{
	struct avf_service *svc;

	if (!vm)
		return;
	svc = vm->svc;
	pthread_mutex_lock(&svc->lock);
	for (struct avf_vm **p = &svc->vms; *p; p = &(*p)->next)
		if (*p == vm) {
			*p = vm->next;
			break;
		}
	/* From the handle's own callback: waiting would never end; free it afterwards. */
	if (in_callback == vm) {
		vm->free_pending = true;
		pthread_mutex_unlock(&svc->lock);
		return;
	}
	while (vm->callbacks_running)
		pthread_cond_wait(&svc->callback_done, &svc->lock);
	pthread_mutex_unlock(&svc->lock);
	free(vm);
}

uint32_t avf_vm_id(const struct avf_vm *vm)
{
	return vm->id;
}

void avf_vm_set_callbacks(struct avf_vm *vm, const struct avf_callbacks *cb, void *ctx)
{
	pthread_mutex_lock(&vm->svc->lock);
	if (cb)
		vm->cb = *cb;
	else
		memset(&vm->cb, 0, sizeof(vm->cb));
	vm->ctx = ctx;
	pthread_mutex_unlock(&vm->svc->lock);
}

static int simple(struct avf_vm *vm, enum svc_kind kind)
{
	int ret;

	pthread_mutex_lock(&vm->svc->lock);
	ret = vm_request(vm, kind, NULL);
	pthread_mutex_unlock(&vm->svc->lock);
	return ret;
}

int avf_vm_start(struct avf_vm *vm)
{
	return simple(vm, SVC_REQ_START);
}

int avf_vm_stop(struct avf_vm *vm)
{
	return simple(vm, SVC_REQ_STOP);
}

int avf_vm_destroy(struct avf_vm *vm)
{
	return simple(vm, SVC_REQ_DESTROY);
}

enum svc_state avf_vm_state(const struct avf_vm *vm)
{
	enum svc_state s;

	pthread_mutex_lock(&vm->svc->lock);
	s = vm->state;
	pthread_mutex_unlock(&vm->svc->lock);
	return s;
}

enum svc_death avf_vm_death_reason(const struct avf_vm *vm)
{
	enum svc_death d;

	pthread_mutex_lock(&vm->svc->lock);
	d = vm->death;
	pthread_mutex_unlock(&vm->svc->lock);
	return d;
}

int avf_vm_exit_code(const struct avf_vm *vm)
{
	int code;

	pthread_mutex_lock(&vm->svc->lock);
	code = vm->exit_code;
	pthread_mutex_unlock(&vm->svc->lock);
	return code;
}

int avf_vm_info(struct avf_vm *vm, avf_vm_info_t *out)
{
	int ret;

	pthread_mutex_lock(&vm->svc->lock);
	ret = vm_request(vm, SVC_REQ_INFO, NULL);
	if (!ret)
		*out = vm->svc->resp.infos[0];
	pthread_mutex_unlock(&vm->svc->lock);
	return ret;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int avf_vm_wait(struct avf_vm *vm, int timeout_ms)
{
	int64_t deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : -1;

	for (;;) {
		int slice = 100, ret;

		if (avf_vm_state(vm) == SVC_STATE_DEAD) {
			run_callbacks(vm->svc);
			return 0;
		}
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				return avf_set_error(-ETIMEDOUT, "VM %u is still %s", vm->id,
						     svc_state_name(avf_vm_state(vm)));
			if (left < slice)
				slice = (int)left;
		}
		ret = avf_service_dispatch(vm->svc, slice);
		if (ret < 0)
			return ret;
	}
}

/* Read the vsock device's "OK <port>\n" answer; EOF means the guest refused. */
static int read_ok_line(int fd, uint32_t port)
{
	char line[32];
	size_t n = 0;

	while (n < sizeof(line) - 1) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&p, 1, 10000) <= 0)
			return avf_set_error(-ETIMEDOUT, "vsock port %u: no answer", port);
		r = read(fd, line + n, 1);
		if (r <= 0)
			return avf_set_error(-ECONNREFUSED, "vsock port %u: the guest refused the "
					     "connection", port);
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = 0;
	if (strncmp(line, "OK ", 3))
		return avf_set_error(-EPROTO, "vsock port %u: unexpected answer '%s'", port, line);
	return 0;
}

int avf_vm_connect_vsock(struct avf_vm *vm, uint32_t port)
{
	int fd = -1, ret;

	pthread_mutex_lock(&vm->svc->lock);
	memset(&vm->svc->req, 0, sizeof(vm->svc->req));
	vm->svc->req.kind = SVC_REQ_CONNECT;
	vm->svc->req.vm_id = vm->id;
	vm->svc->req.port = port;
	ret = transact(vm->svc, -1, &fd);
	pthread_mutex_unlock(&vm->svc->lock);
	if (ret)
		return ret;
	if (fd < 0)
		return avf_set_error(-EPROTO, "the service sent no connection");
	ret = read_ok_line(fd, port);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

static int read_file(struct avf_vm *vm, enum svc_kind kind, uint64_t *offset, void *buf,
		     size_t len, bool *eof)
{
	int ret;

	pthread_mutex_lock(&vm->svc->lock);
	memset(&vm->svc->req, 0, sizeof(vm->svc->req));
	vm->svc->req.kind = (uint16_t)kind;
	vm->svc->req.vm_id = vm->id;
	vm->svc->req.offset = *offset;
	vm->svc->req.max = len < SVC_CONSOLE_CHUNK ? (uint32_t)len : SVC_CONSOLE_CHUNK;
	ret = transact(vm->svc, -1, NULL);
	if (!ret) {
		ret = (int)vm->svc->resp.data_len;
		memcpy(buf, vm->svc->resp.data, (size_t)ret);
		*offset = vm->svc->resp.next_offset;
		if (eof)
			*eof = vm->svc->resp.eof;
	}
	pthread_mutex_unlock(&vm->svc->lock);
	return ret;
}

int avf_vm_console_read(struct avf_vm *vm, uint64_t *offset, void *buf, size_t len,
			bool *eof)
{
	return read_file(vm, SVC_REQ_CONSOLE, offset, buf, len, eof);
}

int avf_vm_log_read(struct avf_vm *vm, uint64_t *offset, void *buf, size_t len, bool *eof)
{
	return read_file(vm, SVC_REQ_LOG, offset, buf, len, eof);
}
