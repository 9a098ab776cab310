// SPDX-License-Identifier: Apache-2.0
/*
 * The service's wire protocol (service.h): a cursor writer and a cursor reader that
 * check every length against what is left, so that a hostile client can only ever get
 * -EBADMSG back. Encoding and decoding of each message are written side by side, field
 * by field, in the same order.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "stack/service/service.h"

struct wr {
	uint8_t *buf;
	size_t cap, len;
	bool overflow;
};

struct rd {
	const uint8_t *buf;
	size_t len, pos;
	bool bad;
};

static void put(struct wr *w, const void *p, size_t n)
{
	if (w->overflow || n > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put_uint(struct wr *w, uint64_t v, unsigned bytes)
{
	uint8_t b[8];

	for (unsigned i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(w, b, bytes);
}

static void put_str(struct wr *w, const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n >= cap) {		/* not NUL-terminated within its field: refuse */
		w->overflow = true;
		return;
	}
	put_uint(w, n, 2);
	put(w, s, n);
}

static const uint8_t *take(struct rd *r, size_t n)
{
	const uint8_t *p;

	if (r->bad || n > r->len - r->pos) {
		r->bad = true;
		return NULL;
	}
	p = r->buf + r->pos;
	r->pos += n;
	return p;
}

static uint64_t get_uint(struct rd *r, unsigned bytes)
{
	const uint8_t *p = take(r, bytes);
	uint64_t v = 0;

	for (unsigned i = 0; p && i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static bool get_bool(struct rd *r)
{
	uint64_t v = get_uint(r, 1);

	if (v > 1)
		r->bad = true;
	return v == 1;
}

static void get_str(struct rd *r, char *out, size_t cap)
{
	size_t n = (size_t)get_uint(r, 2);
	const uint8_t *p;

	out[0] = 0;
	if (r->bad)
		return;
	if (n >= cap) {
		r->bad = true;
		return;
	}
	p = take(r, n);
	if (!p || memchr(p, 0, n)) {
		r->bad = true;
		return;
	}
	memcpy(out, p, n);
	out[n] = 0;
}

static void put_header(struct wr *w, uint16_t kind, uint32_t seq)
{
	put_uint(w, SVC_VERSION, 2);
	put_uint(w, kind, 2);
	put_uint(w, seq, 4);
}

static int get_header(struct rd *r, uint16_t *version, uint16_t *kind, uint32_t *seq)
{
	if (r->len < 8)
		return -EBADMSG;
	*version = (uint16_t)get_uint(r, 2);
	*kind = (uint16_t)get_uint(r, 2);
	*seq = (uint32_t)get_uint(r, 4);
	return *version == SVC_VERSION ? 0 : -EPROTONOSUPPORT;
}

static int finish_write(struct wr *w)
{
	return w->overflow || w->len > SVC_MAX_FRAME ? -EMSGSIZE : (int)w->len;
}

static int finish_read(struct rd *r)
{
	return r->bad || r->pos != r->len ? -EBADMSG : 0;
}

int svc_peek_kind(const uint8_t *buf, size_t len)
{
	struct rd r = { buf, len, 0, false };
	uint16_t version, kind;
	uint32_t seq;
	int err = get_header(&r, &version, &kind, &seq);

	return err ? err : kind;
}

/* ---- requests ------------------------------------------------------------------------ */

static void put_config(struct wr *w, const struct svc_vm_config *c)
{
	put_str(w, c->name, sizeof(c->name));
	put_str(w, c->payload, sizeof(c->payload));
	put_uint(w, c->payload_fd, 1);
	put_uint(w, c->mem_mib, 8);
	put_uint(w, c->cpus, 4);
	put_uint(w, c->protected_vm, 1);
	put_uint(w, c->debug_level, 1);
	put_uint(w, c->detached, 1);
	put_uint(w, c->instance_id, 8);
	put_uint(w, c->ready_timeout_ms, 4);
	if (c->nr_disks > SVC_MAX_DISKS)
		w->overflow = true;
	put_uint(w, c->nr_disks, 1);
	for (unsigned i = 0; i < c->nr_disks && i < SVC_MAX_DISKS; i++) {
		put_str(w, c->disks[i].path, sizeof(c->disks[i].path));
		put_uint(w, c->disks[i].read_only, 1);
	}
	put_str(w, c->network, sizeof(c->network));
}

static void get_config(struct rd *r, struct svc_vm_config *c)
{
	get_str(r, c->name, sizeof(c->name));
	get_str(r, c->payload, sizeof(c->payload));
	c->payload_fd = get_bool(r);
	c->mem_mib = get_uint(r, 8);
	c->cpus = (uint32_t)get_uint(r, 4);
	c->protected_vm = get_bool(r);
	c->debug_level = (uint8_t)get_uint(r, 1);
	c->detached = get_bool(r);
	c->instance_id = get_uint(r, 8);
	c->ready_timeout_ms = (uint32_t)get_uint(r, 4);
	c->nr_disks = (uint8_t)get_uint(r, 1);
	if (c->nr_disks > SVC_MAX_DISKS) {
		r->bad = true;
		return;
	}
	for (unsigned i = 0; i < c->nr_disks; i++) {
		get_str(r, c->disks[i].path, sizeof(c->disks[i].path));
		c->disks[i].read_only = get_bool(r);
	}
	get_str(r, c->network, sizeof(c->network));
}

int svc_encode_request(const struct svc_request *q, uint8_t *buf, size_t cap)
{
	struct wr w = { buf, cap, 0, false };

	if (q->kind < SVC_REQ_CREATE || q->kind > SVC_REQ_LAST)
		return -EINVAL;
	put_header(&w, q->kind, q->seq);
	switch (q->kind) {
	case SVC_REQ_CREATE:
		put_config(&w, &q->cfg);
		break;
	case SVC_REQ_LIST:
		break;
	case SVC_REQ_CONSOLE:
	case SVC_REQ_LOG:
		put_uint(&w, q->vm_id, 4);
		put_uint(&w, q->offset, 8);
		put_uint(&w, q->max, 4);
		break;
	case SVC_REQ_CONNECT:
		put_uint(&w, q->vm_id, 4);
		put_uint(&w, q->port, 4);
		break;
	default:
		put_uint(&w, q->vm_id, 4);
	}
	return finish_write(&w);
}

int svc_decode_request(const uint8_t *buf, size_t len, struct svc_request *q)
{
	struct rd r = { buf, len, 0, false };
	int err;

	memset(q, 0, sizeof(*q));
	err = get_header(&r, &q->version, &q->kind, &q->seq);
	if (err)
		return err;
	switch (q->kind) {
	case SVC_REQ_CREATE:
		get_config(&r, &q->cfg);
		break;
	case SVC_REQ_LIST:
		break;
	case SVC_REQ_CONSOLE:
	case SVC_REQ_LOG:
		q->vm_id = (uint32_t)get_uint(&r, 4);
		q->offset = get_uint(&r, 8);
		q->max = (uint32_t)get_uint(&r, 4);
		break;
	case SVC_REQ_CONNECT:
		q->vm_id = (uint32_t)get_uint(&r, 4);
		q->port = (uint32_t)get_uint(&r, 4);
		break;
	case SVC_REQ_START:
	case SVC_REQ_STOP:
	case SVC_REQ_DESTROY:
	case SVC_REQ_INFO:
	case SVC_REQ_WATCH:
		q->vm_id = (uint32_t)get_uint(&r, 4);
		break;
	default:
		return -EBADMSG;
	}
	return finish_read(&r);
}

/* ---- responses ----------------------------------------------------------------------- */

static void put_info(struct wr *w, const struct svc_vm_info *i)
{
	put_uint(w, i->id, 4);
	put_str(w, i->name, sizeof(i->name));
	put_uint(w, i->state, 1);
	put_uint(w, i->death, 1);
	put_uint(w, (uint32_t)i->exit_code, 4);
	put_uint(w, i->cid, 4);
	put_uint(w, i->mem_mib, 8);
	put_uint(w, i->cpus, 4);
	put_uint(w, i->protected_vm, 1);
	put_uint(w, i->detached, 1);
	put_str(w, i->backend, sizeof(i->backend));
	put_uint(w, i->uptime_ms, 8);
	put_uint(w, (uint32_t)i->pid, 4);
	put_uint(w, i->owner_uid, 4);
}

static void get_info(struct rd *r, struct svc_vm_info *i)
{
	i->id = (uint32_t)get_uint(r, 4);
	get_str(r, i->name, sizeof(i->name));
	i->state = (uint8_t)get_uint(r, 1);
	i->death = (uint8_t)get_uint(r, 1);
	if (i->state >= SVC_NR_STATES || i->death >= SVC_NR_DEATHS)
		r->bad = true;
	i->exit_code = (int32_t)get_uint(r, 4);
	i->cid = (uint32_t)get_uint(r, 4);
	i->mem_mib = get_uint(r, 8);
	i->cpus = (uint32_t)get_uint(r, 4);
	i->protected_vm = get_bool(r);
	i->detached = get_bool(r);
	get_str(r, i->backend, sizeof(i->backend));
	i->uptime_ms = get_uint(r, 8);
	i->pid = (int32_t)get_uint(r, 4);
	i->owner_uid = (uint32_t)get_uint(r, 4);
}

int svc_encode_response(const struct svc_response *p, uint16_t request_kind, uint8_t *buf,
			size_t cap)
{
	struct wr w = { buf, cap, 0, false };

	put_header(&w, SVC_RESPONSE, p->seq);
	put_uint(&w, (uint32_t)p->status, 4);
	put_str(&w, p->message, sizeof(p->message));
	if (p->status)		/* a failed request carries nothing else */
		return finish_write(&w);
	switch (request_kind) {
	case SVC_REQ_CREATE:
		put_uint(&w, p->vm_id, 4);
		break;
	case SVC_REQ_LIST:
	case SVC_REQ_INFO:
		if (p->nr_infos > SVC_LIST_MAX)
			return -EMSGSIZE;
		put_uint(&w, p->nr_infos, 4);
		for (uint32_t i = 0; i < p->nr_infos; i++)
			put_info(&w, &p->infos[i]);
		break;
	case SVC_REQ_CONSOLE:
	case SVC_REQ_LOG:
		if (p->data_len > SVC_CONSOLE_CHUNK)
			return -EMSGSIZE;
		put_uint(&w, p->next_offset, 8);
		put_uint(&w, p->eof, 1);
		put_uint(&w, p->data_len, 4);
		put(&w, p->data, p->data_len);
		break;
	}
	return finish_write(&w);
}

int svc_decode_response(const uint8_t *buf, size_t len, uint16_t request_kind,
			struct svc_response *p)
{
	struct rd r = { buf, len, 0, false };
	const uint8_t *data;
	int err = get_header(&r, &p->version, &p->kind, &p->seq);

	if (err)
		return err;
	if (p->kind != SVC_RESPONSE)
		return -EBADMSG;
	p->status = (int32_t)get_uint(&r, 4);
	get_str(&r, p->message, sizeof(p->message));
	p->vm_id = p->nr_infos = p->data_len = 0;
	if (p->status > 0)
		return -EBADMSG;
	if (p->status)
		return finish_read(&r);
	switch (request_kind) {
	case SVC_REQ_CREATE:
		p->vm_id = (uint32_t)get_uint(&r, 4);
		break;
	case SVC_REQ_LIST:
	case SVC_REQ_INFO:
		p->nr_infos = (uint32_t)get_uint(&r, 4);
		if (p->nr_infos > SVC_LIST_MAX)
			return -EBADMSG;
		for (uint32_t i = 0; i < p->nr_infos && !r.bad; i++)
			get_info(&r, &p->infos[i]);
		break;
	case SVC_REQ_CONSOLE:
	case SVC_REQ_LOG:
		p->next_offset = get_uint(&r, 8);
		p->eof = get_bool(&r);
		p->data_len = (uint32_t)get_uint(&r, 4);
		if (p->data_len > SVC_CONSOLE_CHUNK)
			return -EBADMSG;
		data = take(&r, p->data_len);
		if (data)
			memcpy(p->data, data, p->data_len);
		break;
	}
	return finish_read(&r);
}

/* ---- events -------------------------------------------------------------------------- */

int svc_encode_event(const struct svc_event *e, uint8_t *buf, size_t cap)
{
	struct wr w = { buf, cap, 0, false };

	put_header(&w, SVC_EVENT, 0);
	put_uint(&w, e->vm_id, 4);
	put_uint(&w, e->event, 1);
	put_uint(&w, e->state, 1);
	put_uint(&w, (uint32_t)e->code, 4);
	put_str(&w, e->message, sizeof(e->message));
	return finish_write(&w);
}

int svc_decode_event(const uint8_t *buf, size_t len, struct svc_event *e)
{
	struct rd r = { buf, len, 0, false };
	int err = get_header(&r, &e->version, &e->kind, &e->seq);

	if (err)
		return err;
	if (e->kind != SVC_EVENT)
		return -EBADMSG;
	e->vm_id = (uint32_t)get_uint(&r, 4);
	e->event = (uint8_t)get_uint(&r, 1);
	e->state = (uint8_t)get_uint(&r, 1);
	e->code = (int32_t)get_uint(&r, 4);
	get_str(&r, e->message, sizeof(e->message));
	if (e->event < SVC_EV_PAYLOAD_STARTED || e->event > SVC_EV_LAST ||
	    e->state >= SVC_NR_STATES)
		return -EBADMSG;
	return finish_read(&r);
}

/* ---- frames -------------------------------------------------------------------------- */

int svc_send_frame(int sock, const uint8_t *body, size_t len, int fd)
{
	uint8_t hdr[4] = { (uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16),
			   (uint8_t)(len >> 24) };
	struct iovec iov[2] = { { hdr, 4 }, { (void *)body, len } };
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t total = len + 4, sent = 0;

	if (!len || len > SVC_MAX_FRAME)
		return -EMSGSIZE;
	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		CMSG_FIRSTHDR(&m)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&m)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&m)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&m)), &fd, sizeof(int));
	}
	while (sent < total) {
		ssize_t n = sendmsg(sock, &m, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		sent += (size_t)n;
		m.msg_control = NULL;	/* the fd went with the first byte */
		m.msg_controllen = 0;
		while (m.msg_iovlen && (size_t)n >= m.msg_iov->iov_len) {
			n -= (ssize_t)m.msg_iov->iov_len;
			m.msg_iov++;
			m.msg_iovlen--;
		}
		if (m.msg_iovlen) {
			m.msg_iov->iov_base = (uint8_t *)m.msg_iov->iov_base + n;
			m.msg_iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/* Read exactly @n bytes; the first read may carry an fd. 0, 1 (EOF before any byte), or
 * -errno (-ECONNRESET for an EOF in the middle). */
static int recv_exact(int sock, uint8_t *p, size_t n, int *fd_out)
{
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int) * 4)]; } ctl;
	size_t got = 0;

	while (got < n) {
		struct iovec iov = { p + got, n - got };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
		struct cmsghdr *c;
		ssize_t r;

		if (fd_out) {
			m.msg_control = ctl.buf;
			m.msg_controllen = sizeof(ctl.buf);
		}
		r = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return got ? -ECONNRESET : 1;
		for (c = fd_out ? CMSG_FIRSTHDR(&m) : NULL; c; c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				if (*fd_out < 0)
					*fd_out = fd;
				else
					close(fd);	/* only one fd per frame is meant */
			}
		}
		got += (size_t)r;
	}
	return 0;
}

int svc_recv_frame(int sock, uint8_t *body, size_t cap, int *fd_out)
{
	uint8_t hdr[4];
	uint32_t len;
	int err;

	if (fd_out)
		*fd_out = -1;
	err = recv_exact(sock, hdr, 4, fd_out);
	if (err)
		return err == 1 ? 0 : err;
	len = hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	if (!len || len > SVC_MAX_FRAME || len > cap)
		return -EBADMSG;
	err = recv_exact(sock, body, len, fd_out);
	if (err)
		return err == 1 ? -ECONNRESET : err;
	return (int)len;
}
