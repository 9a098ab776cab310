// SPDX-License-Identifier: MIT
/*
 * virtio-vsock (virtio 1.2, 5.10), stream sockets only, bridged to Unix sockets on the
 * host (vsock_host.c, vsock_internal.h for the connection life cycle). Queues: rx (0,
 * device to driver), tx (1, driver to device) and event (2, never used: we do not
 * migrate).
 *
 * Flow control is the spec's credit scheme in both directions. Toward the host, we
 * advertise VSOCK_BUF_ALLOC and account every payload byte we accept; a guest that sends
 * beyond its credit is reset. Toward the guest, we read from a host socket only as much
 * as the guest's last advertised buf_alloc - (sent - fwd_cnt) allows, and only when an
 * RX buffer is there to take it, so a slow guest pushes back on the host socket.
 *
 * What the guest gets for what it does: a malformed packet (wrong direction, shorter
 * than its header, a length beyond its buffer) or unreachable memory breaks the device;
 * a packet with another source CID is dropped; anything the protocol can refuse (a
 * packet for no connection, a wrong destination, an unknown op or type, a credit
 * violation, data after SHUTDOWN) gets an RST, and the connection, if any, is closed.
 * Packets owed to the guest wait in per-connection flags, plus a bounded ring of RSTs for
 * packets that had no connection (when it is full, further such RSTs are dropped: the
 * guest caused them).
 *
 * Injected fault vsock.drop (lib/fault, matched with the VM's name): a data packet in
 * either direction is lost; a stream cannot skip bytes, so the device resets that
 * connection on both ends (host socket closed, RST to the guest), as for any packet it
 * cannot deliver.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/fault/fault.h"
#include "stack/vmm/virtio_internal.h"
#include "stack/vmm/vsock_internal.h"

#define RXQ 0
#define TXQ 1
#define EVQ 2
#define HDR 44u

#define VSOCK_TYPE_STREAM	1
#define OP_REQUEST		1
#define OP_RESPONSE		2
#define OP_RST			3
#define OP_SHUTDOWN		4
#define OP_RW			5
#define OP_CREDIT_UPDATE	6
#define OP_CREDIT_REQUEST	7
#define SHUTDOWN_RCV		1u
#define SHUTDOWN_SEND		2u
#define RST_RING		64
#define FIRST_LOCAL_PORT	(1u << 30)	/* host ports for host-initiated connections */

struct vsock_hdr {
	uint64_t src_cid, dst_cid;
	uint32_t src_port, dst_port, len;
	uint16_t type, op;
	uint32_t flags, buf_alloc, fwd_cnt;
};

struct vsock {
	struct virtio_device dev;
	uint64_t guest_cid;
	struct vsock_host host;
	struct vsock_conn conns[VSOCK_MAX_CONNS];
	struct { uint32_t src_port, dst_port; } rst[RST_RING];	/* our ports, theirs */
	unsigned rst_head, rst_count;
	uint32_t next_local_port;
	unsigned rr;			/* round-robin start over conns for RX */
	char vm_name[64];		/* fault rules with vm= */
	uint8_t buf[VSOCK_MAX_PAYLOAD];	/* payload bounce space, both directions */
};

static struct vsock *to_vsock(struct virtio_device *dev)
{
	return container_of_virtio(dev, struct vsock, dev);
}

static void parse_hdr(const uint8_t *b, struct vsock_hdr *h)
{
	*h = (struct vsock_hdr){
		.src_cid = virtio_le64(b), .dst_cid = virtio_le64(b + 8),
		.src_port = virtio_le32(b + 16), .dst_port = virtio_le32(b + 20),
		.len = virtio_le32(b + 24), .type = virtio_le16(b + 28), .op = virtio_le16(b + 30),
		.flags = virtio_le32(b + 32), .buf_alloc = virtio_le32(b + 36),
		.fwd_cnt = virtio_le32(b + 40),
	};
}

static void put_hdr(uint8_t *b, const struct vsock_hdr *h)
{
	virtio_put_le64(b, h->src_cid);
	virtio_put_le64(b + 8, h->dst_cid);
	virtio_put_le32(b + 16, h->src_port);
	virtio_put_le32(b + 20, h->dst_port);
	virtio_put_le32(b + 24, h->len);
	virtio_put_le16(b + 28, h->type);
	virtio_put_le16(b + 30, h->op);
	virtio_put_le32(b + 32, h->flags);
	virtio_put_le32(b + 36, h->buf_alloc);
	virtio_put_le32(b + 40, h->fwd_cnt);
}

/* ---- connections ------------------------------------------------------------------------ */

static struct vsock_conn *find_conn(struct vsock *v, uint32_t local, uint32_t peer)
{
	for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = &v->conns[i];

		if (c->state != VSOCK_FREE && c->local_port == local && c->peer_port == peer)
			return c;
	}
	return NULL;
}

static struct vsock_conn *free_conn(struct vsock *v)
{
	for (int i = 0; i < VSOCK_MAX_CONNS; i++)
		if (v->conns[i].state == VSOCK_FREE)
			return &v->conns[i];
	return NULL;
}

static void queue_rst(struct vsock *v, uint32_t our_port, uint32_t their_port)
{
	unsigned slot = (v->rst_head + v->rst_count) % RST_RING;

	if (v->rst_count == RST_RING)
		return;	/* see the module comment */
	v->rst[slot].src_port = our_port;
	v->rst[slot].dst_port = their_port;
	v->rst_count++;
}

/* Abort: the host socket closes now, the guest gets an RST when an RX buffer allows. */
static void conn_abort(struct vsock_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = VSOCK_CLOSING;
}

/* How many payload bytes the guest can take now (its credit toward us). */
static uint32_t peer_credit(const struct vsock_conn *c)
{
	uint32_t in_flight = c->sent_cnt - c->peer_fwd_cnt;

	return in_flight > c->peer_buf_alloc ? 0 : c->peer_buf_alloc - in_flight;
}

/* After bytes reached the host: tell the guest before it believes it is out of credit. */
static void maybe_credit_update(struct vsock_conn *c)
{
	uint32_t guest_view_used = c->recv_cnt - c->fwd_cnt_sent;

	if (c->fwd_cnt != c->fwd_cnt_sent && guest_view_used > VSOCK_BUF_ALLOC / 2)
		c->need_credit_update = true;
}

/* Half- and full closes once the data in front of them is gone (vsock_internal.h). */
static void conn_progress(struct vsock_conn *c)
{
	if (c->state != VSOCK_ESTABLISHED || c->tx_len || !c->guest_shut_send)
		return;
	if (c->guest_shut_rcv || c->host_eof) {
		conn_abort(c);	/* both directions are done: RST ends it (5.10.6.6) */
		return;
	}
	if (!c->host_shut_wr_done) {
		shutdown(c->fd, SHUT_WR);
		c->host_shut_wr_done = true;
	}
}

static void conn_flush(struct vsock_conn *c)
{
	if (c->state == VSOCK_CLOSING || c->fd < 0)
		return;
	if (vsock_conn_flush(c)) {
		conn_abort(c);
		return;
	}
	maybe_credit_update(c);
	conn_progress(c);
}

/* ---- packets from the guest -------------------------------------------------------------- */

static void handle_request(struct vsock *v, const struct vsock_hdr *h, struct vsock_conn *c)
{
	int fd;

	if (c) {
		conn_abort(c);	/* a second REQUEST for a live pair */
		return;
	}
	c = free_conn(v);
	fd = c ? vsock_host_connect(&v->host, h->dst_port) : -ENOSPC;
	if (fd < 0) {
		queue_rst(v, h->dst_port, h->src_port);
		return;
	}
	if (vsock_conn_open(c, fd, h->dst_port, h->src_port)) {
		close(fd);
		queue_rst(v, h->dst_port, h->src_port);
		return;
	}
	c->state = VSOCK_ESTABLISHED;
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
	c->need_response = true;
	c->readable = true;
}

static void handle_response(struct vsock_conn *c)
{
	if (c->state != VSOCK_CONNECTING) {
		conn_abort(c);
		return;
	}
	c->state = VSOCK_ESTABLISHED;
	c->need_request = false;
	c->readable = true;	/* the client may have sent data right after its line */
	if (vsock_conn_queue_reply(c, c->local_port)) {
		conn_abort(c);
		return;
	}
	conn_flush(c);
}

static void handle_shutdown(struct vsock_conn *c, uint32_t flags)
{
	if (c->state != VSOCK_ESTABLISHED) {
		conn_abort(c);
		return;
	}
	c->guest_shut_rcv |= flags & SHUTDOWN_RCV;
	c->guest_shut_send |= (flags & SHUTDOWN_SEND) != 0;
	conn_progress(c);
}

/* RW payload into the host socket's buffer. false: guest memory failed (broken). */
static bool handle_rw(struct vsock *v, struct virtq *q, const struct virtq_chain *ch,
		      const struct vsock_hdr *h, struct vsock_conn *c)
{
	if (c->state != VSOCK_ESTABLISHED || c->guest_shut_send) {
		conn_abort(c);
		return true;
	}
	if (virtq_chain_read(q, ch, HDR, v->buf, h->len)) {
		virtio_dev_broken(&v->dev, "vsock: buffer not accessible");
		return false;
	}
	if (h->len && fault_hit_vm("vsock.drop", v->vm_name)) {
		conn_abort(c);	/* injected loss: a stream cannot skip bytes, so reset */
		return true;
	}
	if (vsock_conn_queue_tx(c, v->buf, h->len)) {
		conn_abort(c);	/* beyond the credit we gave */
		return true;
	}
	c->recv_cnt += h->len;
	conn_flush(c);
	return true;
}

static bool dispatch(struct vsock *v, struct virtq *q, const struct virtq_chain *ch,
		     const struct vsock_hdr *h)
{
	struct vsock_conn *c = find_conn(v, h->dst_port, h->src_port);

	if (h->op == OP_RST) {
		if (c)
			vsock_conn_close(c);
		return true;
	}
	if (h->dst_cid != VSOCK_HOST_CID || h->type != VSOCK_TYPE_STREAM ||
	    h->len > VSOCK_MAX_PAYLOAD || (!c && h->op != OP_REQUEST)) {
		if (c)
			conn_abort(c);
		else
			queue_rst(v, h->dst_port, h->src_port);
		return true;
	}
	if (c && c->state == VSOCK_CLOSING)
		return true;	/* its RST is on the way */
	if (c) {
		c->peer_buf_alloc = h->buf_alloc;
		c->peer_fwd_cnt = h->fwd_cnt;
	}
	switch (h->op) {
	case OP_REQUEST:	handle_request(v, h, c); return true;
	case OP_RESPONSE:	handle_response(c); return true;
	case OP_SHUTDOWN:	handle_shutdown(c, h->flags); return true;
	case OP_RW:		return handle_rw(v, q, ch, h, c);
	case OP_CREDIT_UPDATE:	return true;	/* the credit was taken above */
	case OP_CREDIT_REQUEST:	c->need_credit_update = true; return true;
	}
	conn_abort(c);
	return true;
}

/* One tx chain. false: the device is broken. */
static bool vsock_tx_packet(struct vsock *v, struct virtq *q, const struct virtq_chain *ch)
{
	uint8_t b[HDR];
	struct vsock_hdr h;

	if (ch->writable_len) {
		virtio_dev_broken(&v->dev, "vsock: device-writable buffer in tx queue");
		return false;
	}
	if (ch->readable_len < HDR) {
		virtio_dev_broken(&v->dev, "vsock: packet shorter than its header");
		return false;
	}
	if (virtq_chain_read(q, ch, 0, b, HDR)) {
		virtio_dev_broken(&v->dev, "vsock: buffer not accessible");
		return false;
	}
	parse_hdr(b, &h);
	if (h.len > ch->readable_len - HDR) {
		virtio_dev_broken(&v->dev, "vsock: payload length beyond the buffer");
		return false;
	}
	if (h.src_cid != v->guest_cid)
		return true;	/* spoofed source: dropped, nobody to answer */
	return dispatch(v, q, ch, &h);
}

/* ---- packets to the guest ----------------------------------------------------------------- */

static void conn_hdr(const struct vsock *v, struct vsock_conn *c, struct vsock_hdr *h,
		     uint16_t op)
{
	*h = (struct vsock_hdr){ .src_cid = VSOCK_HOST_CID, .dst_cid = v->guest_cid,
				 .src_port = c->local_port, .dst_port = c->peer_port,
				 .type = VSOCK_TYPE_STREAM, .op = op,
				 .buf_alloc = VSOCK_BUF_ALLOC, .fwd_cnt = c->fwd_cnt };
	/* Every packet carries our credit: nothing more to announce for now. */
	c->fwd_cnt_sent = c->fwd_cnt;
	c->need_credit_update = false;
}

/* Host data for the guest, at most room bytes. true with *h built, false if none now. */
static bool conn_data(struct vsock *v, struct vsock_conn *c, uint32_t room,
		      struct vsock_hdr *h)
{
	uint32_t want = peer_credit(c);
	ssize_t n;

	if (c->state != VSOCK_ESTABLISHED || !c->readable || c->host_eof || c->guest_shut_rcv)
		return false;
	want = want < room ? want : room;
	if (want == 0)
		return false;
	n = vsock_conn_read(c, v->buf, want);
	if (n == -EAGAIN) {
		c->readable = false;
		return false;
	}
	if (n < 0) {
		conn_abort(c);
		return false;
	}
	if (n == 0) {
		c->host_eof = true;	/* the host will send no more: tell the guest */
		c->need_shutdown = true;
		return false;
	}
	if (fault_hit_vm("vsock.drop", v->vm_name)) {
		conn_abort(c);	/* injected loss: the bytes are gone, RST both ends */
		return false;
	}
	conn_hdr(v, c, h, OP_RW);
	h->len = (uint32_t)n;
	c->sent_cnt += (uint32_t)n;
	return true;
}

/* The next packet connection c owes the guest, if any (room: payload space). */
static bool conn_packet(struct vsock *v, struct vsock_conn *c, uint32_t room,
			struct vsock_hdr *h)
{
	if (c->state == VSOCK_CLOSING) {
		conn_hdr(v, c, h, OP_RST);
		vsock_conn_close(c);
		return true;
	}
	if (c->need_request) {
		c->need_request = false;
		conn_hdr(v, c, h, OP_REQUEST);
		return true;
	}
	if (c->need_response) {
		c->need_response = false;
		conn_hdr(v, c, h, OP_RESPONSE);
		return true;
	}
	if (conn_data(v, c, room, h))
		return true;
	if (c->need_shutdown) {
		c->need_shutdown = false;
		conn_hdr(v, c, h, OP_SHUTDOWN);
		h->flags = SHUTDOWN_SEND;
		conn_progress(c);
		return true;
	}
	if (c->need_credit_update) {
		conn_hdr(v, c, h, OP_CREDIT_UPDATE);
		return true;
	}
	return false;
}

static bool next_packet(struct vsock *v, uint32_t room, struct vsock_hdr *h)
{
	if (v->rst_count) {
		*h = (struct vsock_hdr){ .src_cid = VSOCK_HOST_CID, .dst_cid = v->guest_cid,
					 .src_port = v->rst[v->rst_head].src_port,
					 .dst_port = v->rst[v->rst_head].dst_port,
					 .type = VSOCK_TYPE_STREAM, .op = OP_RST,
					 .buf_alloc = VSOCK_BUF_ALLOC };
		v->rst_head = (v->rst_head + 1) % RST_RING;
		v->rst_count--;
		return true;
	}
	for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
		unsigned idx = (v->rr + (unsigned)i) % VSOCK_MAX_CONNS;

		if (v->conns[idx].state != VSOCK_FREE && conn_packet(v, &v->conns[idx], room, h)) {
			v->rr = idx + 1;
			return true;
		}
	}
	return false;
}

/* Fill one RX chain if anything is owed. 1 pushed, 0 nothing to send, -1 broken. */
static int rx_one(struct vsock *v, struct virtq *q)
{
	struct virtq_chain ch;
	struct vsock_hdr h;
	uint8_t b[HDR];
	uint64_t room;
	int ret = virtq_pop(q, &ch);

	if (ret <= 0)
		goto out;
	if (ch.nr_readable || ch.writable_len < HDR) {
		virtio_dev_broken(&v->dev, ch.nr_readable ? "vsock: device-readable buffer in rx queue"
							  : "vsock: rx buffer shorter than a header");
		return -1;
	}
	room = ch.writable_len - HDR;
	if (!next_packet(v, room < VSOCK_MAX_PAYLOAD ? (uint32_t)room : VSOCK_MAX_PAYLOAD, &h)) {
		virtq_unpop(q);
		return 0;
	}
	put_hdr(b, &h);
	if (virtq_chain_write(q, &ch, 0, b, HDR) ||
	    virtq_chain_write(q, &ch, HDR, v->buf, h.op == OP_RW ? h.len : 0)) {
		virtio_dev_broken(&v->dev, "vsock: buffer not accessible");
		return -1;
	}
	ret = virtq_push(q, &ch, HDR + (h.op == OP_RW ? h.len : 0));
	if (ret == 0)
		return 1;
out:
	if (ret < 0) {
		virtio_dev_broken(&v->dev, q->error);
		return -1;
	}
	return 0;
}

static void vsock_rx_pump(struct vsock *v)
{
	struct virtq *q = virtio_dev_queue(&v->dev, RXQ);
	bool pushed = false;
	int ret = 0;

	if (!q)
		return;
	/* Bounded: at most one ring's worth per call; the rest waits for the next one. */
	for (unsigned i = 0; i < q->num && (ret = rx_one(v, q)) > 0; i++)
		pushed = true;
	if (pushed && ret >= 0)
		virtio_dev_signal_used(&v->dev, RXQ);
}

static void vsock_tx(struct vsock *v)
{
	struct virtq *q = virtio_dev_queue(&v->dev, TXQ);
	struct virtq_chain ch;
	int ret = 0;

	if (!q)
		return;
	/* One ring's worth per notification: the driver notifies again for more. */
	for (unsigned i = 0; i < q->num && (ret = virtq_pop(q, &ch)) > 0; i++) {
		if (!vsock_tx_packet(v, q, &ch))
			return;
		if (virtq_push(q, &ch, 0)) {
			ret = -EFAULT;
			break;
		}
	}
	if (ret < 0) {
		virtio_dev_broken(&v->dev, q->error);
		return;
	}
	virtio_dev_signal_used(&v->dev, TXQ);
	vsock_rx_pump(v);
}

/* ---- host-initiated connections ------------------------------------------------------ */

static uint32_t alloc_local_port(struct vsock *v)
{
	for (;;) {
		uint32_t port = v->next_local_port++;
		bool used = false;

		if (v->next_local_port < FIRST_LOCAL_PORT)
			v->next_local_port = FIRST_LOCAL_PORT;
		for (int i = 0; i < VSOCK_MAX_CONNS && !used; i++)
			used = v->conns[i].state != VSOCK_FREE && v->conns[i].local_port == port;
		if (!used)	/* at most VSOCK_MAX_CONNS ports are in use: this ends */
			return port;
	}
}

static void host_connect(struct vsock *v, int i)
{
	struct vsock_conn *c;
	uint32_t port;
	int fd;

	if (vsock_host_read_connect(&v->host, i, &fd, &port) != 1)
		return;
	c = free_conn(v);
	if (!c || vsock_conn_open(c, fd, alloc_local_port(v), port)) {
		close(fd);	/* the client sees EOF instead of "OK" */
		return;
	}
	c->state = VSOCK_CONNECTING;
	c->host_initiated = true;
	c->need_request = true;
}

/* ---- the I/O loop --------------------------------------------------------------------------- */

static bool want_pollin(struct vsock *v, const struct vsock_conn *c, bool rx_buffers)
{
	return c->state == VSOCK_ESTABLISHED && !c->readable && !c->host_eof &&
	       !c->guest_shut_rcv && peer_credit(c) > 0 && rx_buffers;
}

static int vsock_poll_fds(struct virtio_device *dev, struct pollfd *fds, int max)
{
	struct vsock *v = to_vsock(dev);
	struct virtq *rxq = virtio_dev_queue(dev, RXQ);
	bool rx_buffers = rxq && virtq_has_avail(rxq);
	bool slot_free = false;
	int n = 0;

	if (!dev->active)
		return 0;	/* host clients wait in the backlog until the driver is up */
	for (int i = 0; i < VSOCK_MAX_PENDING && n < max; i++) {
		if (v->host.pending[i].fd < 0)
			slot_free = true;
		else
			fds[n++] = (struct pollfd){ .fd = v->host.pending[i].fd, .events = POLLIN };
	}
	if (slot_free && n < max)
		fds[n++] = (struct pollfd){ .fd = v->host.listen_fd, .events = POLLIN };
	for (int i = 0; i < VSOCK_MAX_CONNS && n < max; i++) {
		struct vsock_conn *c = &v->conns[i];
		short ev = 0;

		if (c->fd < 0 || c->state == VSOCK_FREE || c->state == VSOCK_CLOSING)
			continue;
		if (c->tx_len)
			ev |= POLLOUT;
		if (want_pollin(v, c, rx_buffers))
			ev |= POLLIN;
		if (ev)
			fds[n++] = (struct pollfd){ .fd = c->fd, .events = ev };
	}
	return n;
}

static void conn_event(struct vsock_conn *c, short revents)
{
	if (revents & (POLLIN | POLLHUP | POLLERR))
		c->readable = true;	/* data, EOF or an error: reading will tell */
	if (revents & (POLLOUT | POLLHUP | POLLERR))
		conn_flush(c);
}

static void fd_event(struct vsock *v, int fd, short revents)
{
	if (fd == v->host.listen_fd) {
		vsock_host_accept(&v->host);
		return;
	}
	for (int i = 0; i < VSOCK_MAX_PENDING; i++)
		if (v->host.pending[i].fd == fd) {
			host_connect(v, i);
			return;
		}
	for (int i = 0; i < VSOCK_MAX_CONNS; i++)
		if (v->conns[i].state != VSOCK_FREE && v->conns[i].fd == fd) {
			conn_event(&v->conns[i], revents);
			return;
		}
	/* Stale entry: the fd was closed since poll_fds (virtio.h allows it). */
}

static void vsock_process_io(struct virtio_device *dev, const struct pollfd *fds, int n)
{
	struct vsock *v = to_vsock(dev);

	if (!dev->active)
		return;
	for (int i = 0; i < n; i++)
		if (fds[i].revents)
			fd_event(v, fds[i].fd, fds[i].revents);
	vsock_rx_pump(v);
}

/* ---- device ops ------------------------------------------------------------------------------- */

static uint64_t vsock_features(struct virtio_device *dev)
{
	return 0;	/* stream only: the no-feature default (5.10.3) */
}

static void vsock_config_read(struct virtio_device *dev, uint8_t *buf)
{
	virtio_put_le64(buf, to_vsock(dev)->guest_cid);
}

static int vsock_activate(struct virtio_device *dev)
{
	return 0;
}

static void vsock_notify(struct virtio_device *dev, unsigned queue)
{
	struct vsock *v = to_vsock(dev);

	if (queue == TXQ)
		vsock_tx(v);
	else if (queue == RXQ)
		vsock_rx_pump(v);
	/* EVQ: the driver gave us event buffers; we have no events to send. */
}

static void vsock_reset(struct virtio_device *dev)
{
	struct vsock *v = to_vsock(dev);

	/* Every connection dies with the driver (the host sides see EOF); the listener stays. */
	for (int i = 0; i < VSOCK_MAX_CONNS; i++)
		if (v->conns[i].state != VSOCK_FREE)
			vsock_conn_close(&v->conns[i]);
	vsock_host_drop_pending(&v->host);
	v->rst_count = 0;
}

static void vsock_destroy(struct virtio_device *dev)
{
	struct vsock *v = to_vsock(dev);

	vsock_reset(dev);
	vsock_host_fini(&v->host);
	free((char *)v->host.path);
	free(v);
}

static const struct virtio_device_ops vsock_ops = {
	.name = "virtio-vsock",
	.device_id = VIRTIO_ID_VSOCK,
	.nr_queues = 3,
	.queue_max = 256,
	.config_size = 8,
	.features = vsock_features,
	.config_read = vsock_config_read,
	.activate = vsock_activate,
	.notify = vsock_notify,
	.reset = vsock_reset,
	.poll_fds = vsock_poll_fds,
	.process_io = vsock_process_io,
	.destroy = vsock_destroy,
};

int virtio_vsock_create(const struct virtio_vsock_config *cfg, struct virtio_device **out)
{
	struct vsock *v;
	char *path;
	int ret;

	/* CIDs 0-2 are reserved (hypervisor, local, host); U32_MAX is "any". */
	if (!cfg || !cfg->uds_path || cfg->guest_cid < 3 || cfg->guest_cid >= UINT32_MAX)
		return -EINVAL;
	v = calloc(1, sizeof(*v));
	path = strdup(cfg->uds_path);
	if (!v || !path) {
		free(v);
		free(path);
		return -ENOMEM;
	}
	for (int i = 0; i < VSOCK_MAX_CONNS; i++)
		v->conns[i].fd = -1;
	ret = vsock_host_init(&v->host, path);
	if (ret) {
		free(path);
		free(v);
		return ret;
	}
	v->dev.ops = &vsock_ops;
	v->guest_cid = cfg->guest_cid;
	v->next_local_port = FIRST_LOCAL_PORT;
	snprintf(v->vm_name, sizeof(v->vm_name), "%s", cfg->vm_name ? cfg->vm_name : "");
	*out = &v->dev;
	return 0;
}
