// SPDX-License-Identifier: Apache-2.0
/* virtio-vsock streams, guest side, without I/O (vsock_core.h). */
#include "stack/guest/rtlib/vsock_core.h"

#include "stack/guest/rtlib/rt_errno.h"

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void vsock_hdr_put(uint8_t b[VSOCK_HDR_SIZE], const struct vsock_pkt *h)
{
	put32(b, (uint32_t)h->src_cid);
	put32(b + 4, (uint32_t)(h->src_cid >> 32));
	put32(b + 8, (uint32_t)h->dst_cid);
	put32(b + 12, (uint32_t)(h->dst_cid >> 32));
	put32(b + 16, h->src_port);
	put32(b + 20, h->dst_port);
	put32(b + 24, h->len);
	b[28] = (uint8_t)h->type;
	b[29] = (uint8_t)(h->type >> 8);
	b[30] = (uint8_t)h->op;
	b[31] = (uint8_t)(h->op >> 8);
	put32(b + 32, h->flags);
	put32(b + 36, h->buf_alloc);
	put32(b + 40, h->fwd_cnt);
}

void vsock_hdr_get(const uint8_t b[VSOCK_HDR_SIZE], struct vsock_pkt *h)
{
	*h = (struct vsock_pkt){
		.src_cid = get32(b) | (uint64_t)get32(b + 4) << 32,
		.dst_cid = get32(b + 8) | (uint64_t)get32(b + 12) << 32,
		.src_port = get32(b + 16), .dst_port = get32(b + 20), .len = get32(b + 24),
		.type = (uint16_t)(b[28] | b[29] << 8), .op = (uint16_t)(b[30] | b[31] << 8),
		.flags = get32(b + 32), .buf_alloc = get32(b + 36), .fwd_cnt = get32(b + 40),
	};
}

void vsock_core_init(struct vsock_core *v, uint64_t cid, vsock_send_fn send, void *ctx)
{
	uint8_t *p = (uint8_t *)v;

	for (size_t i = 0; i < sizeof(*v); i++)
		p[i] = 0;
	v->cid = cid;
	v->send = send;
	v->ctx = ctx;
	v->next_port = VSOCK_EPHEMERAL_BASE;
}

/* ---- sending --------------------------------------------------------------------------- */

static int send_raw(struct vsock_core *v, uint32_t src_port, uint32_t dst_port, uint16_t op,
		    uint32_t flags, const struct vsock_conn *c, const void *data, uint32_t len)
{
	struct vsock_pkt h = {
		.src_cid = v->cid, .dst_cid = VSOCK_HOST_CID, .src_port = src_port,
		.dst_port = dst_port, .len = len, .type = VSOCK_TYPE_STREAM, .op = op,
		.flags = flags, .buf_alloc = c ? VSOCK_CONN_BUF : 0, .fwd_cnt = c ? c->fwd_cnt : 0,
	};

	if (op == VSOCK_OP_RST)
		v->resets_sent++;
	return v->send(v->ctx, &h, data);
}

/* A packet of connection @c; every one carries our credit. */
static int send_conn(struct vsock_core *v, struct vsock_conn *c, uint16_t op, uint32_t flags,
		     const void *data, uint32_t len)
{
	int ret = send_raw(v, c->local_port, c->peer_port, op, flags, c, data, len);

	if (ret == 0) {
		c->fwd_cnt_sent = c->fwd_cnt;
		c->owe_credit_update = false;
	}
	return ret;
}

static void reset_conn(struct vsock_core *v, struct vsock_conn *c)
{
	if (c->state == VSOCK_CONNECTED || c->state == VSOCK_CONNECTING)
		send_raw(v, c->local_port, c->peer_port, VSOCK_OP_RST, 0, (void *)0, (void *)0, 0);
	c->state = VSOCK_RESET;
}

/* ---- lookup ---------------------------------------------------------------------------- */

static struct vsock_conn *find(struct vsock_core *v, uint32_t local, uint32_t peer)
{
	for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = &v->conns[i];

		if (c->state != VSOCK_FREE && c->local_port == local && c->peer_port == peer)
			return c;
	}
	return (struct vsock_conn *)0;
}

static struct vsock_conn *alloc_conn(struct vsock_core *v, uint32_t local, uint32_t peer)
{
	for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = &v->conns[i];

		if (c->state == VSOCK_FREE) {
			/* The receive ring keeps old bytes: only the bookkeeping is reset. */
			c->accepted = c->refused = false;
			c->peer_shut_send = c->peer_shut_rcv = false;
			c->owe_credit_update = false;
			c->local_port = local;
			c->peer_port = peer;
			c->rx_head = c->rx_len = 0;
			c->rx_cnt = c->fwd_cnt = c->fwd_cnt_sent = 0;
			c->tx_cnt = c->peer_buf_alloc = c->peer_fwd_cnt = 0;
			return c;
		}
	}
	return (struct vsock_conn *)0;
}

static bool listening(const struct vsock_core *v, uint32_t port)
{
	for (int i = 0; i < VSOCK_MAX_LISTEN; i++)
		if (v->listen[i] == port)
			return port != 0;
	return false;
}

static struct vsock_conn *conn_of(struct vsock_core *v, int id)
{
	if (id < 0 || id >= VSOCK_MAX_CONNS || v->conns[id].state == VSOCK_FREE)
		return (struct vsock_conn *)0;
	return &v->conns[id];
}

/* ---- receiving ------------------------------------------------------------------------- */

static void incoming_request(struct vsock_core *v, const struct vsock_pkt *h)
{
	struct vsock_conn *c = listening(v, h->dst_port) ? alloc_conn(v, h->dst_port, h->src_port)
							   : (struct vsock_conn *)0;

	if (!c) {
		send_raw(v, h->dst_port, h->src_port, VSOCK_OP_RST, 0, (void *)0, (void *)0, 0);
		return;
	}
	c->state = VSOCK_CONNECTED;
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
	if (send_conn(v, c, VSOCK_OP_RESPONSE, 0, (void *)0, 0))
		c->state = VSOCK_FREE;
}

static void store(struct vsock_conn *c, const uint8_t *data, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		c->rx[(c->rx_head + c->rx_len + i) % VSOCK_CONN_BUF] = data[i];
	c->rx_len += len;
	c->rx_cnt += len;
}

static void conn_packet(struct vsock_core *v, struct vsock_conn *c, const struct vsock_pkt *h,
			const uint8_t *data)
{
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
	switch (h->op) {
	case VSOCK_OP_RESPONSE:
		if (c->state != VSOCK_CONNECTING)
			break;
		c->state = VSOCK_CONNECTED;
		return;
	case VSOCK_OP_RW:
		/* Beyond the buffer we advertised, or after the peer said it was done. */
		if (c->state != VSOCK_CONNECTED || c->peer_shut_send ||
		    h->len > VSOCK_CONN_BUF - c->rx_len)
			break;
		store(c, data, h->len);
		return;
	case VSOCK_OP_SHUTDOWN:
		if (c->state != VSOCK_CONNECTED)
			break;
		c->peer_shut_rcv |= (h->flags & VSOCK_SHUTDOWN_RCV) != 0;
		c->peer_shut_send |= (h->flags & VSOCK_SHUTDOWN_SEND) != 0;
		return;
	case VSOCK_OP_CREDIT_UPDATE:
		if (c->state != VSOCK_CONNECTED)
			break;
		return;
	case VSOCK_OP_CREDIT_REQUEST:
		if (c->state != VSOCK_CONNECTED)
			break;
		if (send_conn(v, c, VSOCK_OP_CREDIT_UPDATE, 0, (void *)0, 0))
			c->owe_credit_update = true;
		return;
	}
	/* Anything else (a second REQUEST, an unknown op, a protocol violation) ends it. */
	reset_conn(v, c);
}

void vsock_core_rx(struct vsock_core *v, const struct vsock_pkt *h, const void *data)
{
	struct vsock_conn *c;

	if (h->src_cid != VSOCK_HOST_CID || h->dst_cid != v->cid || h->len > VSOCK_PKT_MAX) {
		v->dropped++;
		return;
	}
	c = find(v, h->dst_port, h->src_port);
	if (h->op == VSOCK_OP_RST) {
		/* Never answered (no RST storms). A refused connect is told apart. */
		if (c && c->state == VSOCK_CONNECTING)
			c->refused = true;
		if (c)
			c->state = VSOCK_RESET;
		return;
	}
	if (h->type != VSOCK_TYPE_STREAM) {
		if (c)
			reset_conn(v, c);
		else
			send_raw(v, h->dst_port, h->src_port, VSOCK_OP_RST, 0, (void *)0, (void *)0, 0);
		return;
	}
	if (!c) {
		if (h->op == VSOCK_OP_REQUEST)
			incoming_request(v, h);
		else
			send_raw(v, h->dst_port, h->src_port, VSOCK_OP_RST, 0, (void *)0, (void *)0, 0);
		return;
	}
	if (c->state == VSOCK_RESET) {
		v->dropped++;
		return;
	}
	conn_packet(v, c, h, data);
}

/* ---- the payload's calls -------------------------------------------------------------- */

int vsock_core_listen(struct vsock_core *v, uint32_t port)
{
	if (port == 0)
		return -RT_EINVAL;
	if (listening(v, port))
		return -RT_EADDRINUSE;
	for (int i = 0; i < VSOCK_MAX_LISTEN; i++)
		if (v->listen[i] == 0) {
			v->listen[i] = port;
			return 0;
		}
	return -RT_ENOSPC;
}

void vsock_core_unlisten(struct vsock_core *v, uint32_t port)
{
	for (int i = 0; i < VSOCK_MAX_LISTEN; i++)
		if (v->listen[i] == port)
			v->listen[i] = 0;
	for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = &v->conns[i];

		if (c->state != VSOCK_FREE && !c->accepted && c->local_port == port) {
			reset_conn(v, c);
			c->state = VSOCK_FREE;
		}
	}
}

int vsock_core_accept(struct vsock_core *v, uint32_t port)
{
	for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = &v->conns[i];

		/* Incoming connections are the ones not marked connecting by us. */
		if (c->state != VSOCK_FREE && !c->accepted && c->local_port == port &&
		    listening(v, port)) {
			c->accepted = true;
			return i;
		}
	}
	return -RT_EAGAIN;
}

int vsock_core_connect(struct vsock_core *v, uint32_t port)
{
	uint32_t local = 0;
	struct vsock_conn *c;
	int ret;

	/* An ephemeral port nobody here uses (the range wraps inside itself). */
	for (int tries = 0; tries < 16384 && !local; tries++) {
		uint32_t p = v->next_port;

		v->next_port = p + 1 >= VSOCK_EPHEMERAL_BASE + 16384 ? VSOCK_EPHEMERAL_BASE : p + 1;
		if (!find(v, p, port) && !listening(v, p))
			local = p;
	}
	c = local ? alloc_conn(v, local, port) : (struct vsock_conn *)0;
	if (!c)
		return -RT_ENOSPC;
	c->state = VSOCK_CONNECTING;
	c->accepted = true;	/* ours, never offered to accept() */
	ret = send_conn(v, c, VSOCK_OP_REQUEST, 0, (void *)0, 0);
	if (ret) {
		c->state = VSOCK_FREE;
		return ret;
	}
	return (int)(c - v->conns);
}

int vsock_core_connected(struct vsock_core *v, int id)
{
	struct vsock_conn *c = conn_of(v, id);

	if (!c)
		return -RT_ENOTCONN;
	if (c->state == VSOCK_RESET)
		return c->refused ? -RT_ECONNREFUSED : -RT_ECONNRESET;
	return c->state == VSOCK_CONNECTED;
}

long vsock_core_send(struct vsock_core *v, int id, const void *data, size_t len)
{
	struct vsock_conn *c = conn_of(v, id);
	uint32_t in_flight, credit, n;

	if (!c || c->state == VSOCK_CONNECTING)
		return -RT_ENOTCONN;
	if (c->state == VSOCK_RESET)
		return -RT_ECONNRESET;
	if (c->peer_shut_rcv)
		return -RT_EPIPE;
	if (len == 0)
		return 0;
	in_flight = c->tx_cnt - c->peer_fwd_cnt;
	credit = in_flight > c->peer_buf_alloc ? 0 : c->peer_buf_alloc - in_flight;
	if (credit == 0) {
		send_conn(v, c, VSOCK_OP_CREDIT_REQUEST, 0, (void *)0, 0);
		return -RT_EAGAIN;
	}
	n = len < credit ? (uint32_t)len : credit;
	n = n < VSOCK_PKT_MAX ? n : VSOCK_PKT_MAX;
	if (send_conn(v, c, VSOCK_OP_RW, 0, data, n)) {
		reset_conn(v, c);
		return -RT_ECONNRESET;
	}
	c->tx_cnt += n;
	return n;
}

long vsock_core_recv(struct vsock_core *v, int id, void *buf, size_t len)
{
	struct vsock_conn *c = conn_of(v, id);
	uint8_t *out = buf;
	uint32_t n;

	if (!c || c->state == VSOCK_CONNECTING)
		return -RT_ENOTCONN;
	if (c->rx_len == 0) {
		if (c->state == VSOCK_RESET)
			return -RT_ECONNRESET;
		return c->peer_shut_send ? 0 : -RT_EAGAIN;
	}
	n = len < c->rx_len ? (uint32_t)len : c->rx_len;
	for (uint32_t i = 0; i < n; i++)
		out[i] = c->rx[(c->rx_head + i) % VSOCK_CONN_BUF];
	c->rx_head = (c->rx_head + n) % VSOCK_CONN_BUF;
	c->rx_len -= n;
	c->fwd_cnt += n;
	/* The peer believes rx_cnt - fwd_cnt_sent bytes are buffered: tell it about freed
	 * room before it believes less than half the buffer is free. */
	if (c->state == VSOCK_CONNECTED && c->rx_cnt - c->fwd_cnt_sent > VSOCK_CONN_BUF / 2 &&
	    send_conn(v, c, VSOCK_OP_CREDIT_UPDATE, 0, (void *)0, 0))
		c->owe_credit_update = true;
	return n;
}

void vsock_core_close(struct vsock_core *v, int id)
{
	struct vsock_conn *c = conn_of(v, id);

	if (!c)
		return;
	if (c->state == VSOCK_CONNECTED)
		send_conn(v, c, VSOCK_OP_SHUTDOWN, VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND,
			  (void *)0, 0);
	else if (c->state == VSOCK_CONNECTING)
		reset_conn(v, c);
	c->state = VSOCK_FREE;
}

void vsock_core_flush(struct vsock_core *v)
{
	for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = &v->conns[i];

		if (c->state == VSOCK_CONNECTED && c->owe_credit_update)
			send_conn(v, c, VSOCK_OP_CREDIT_UPDATE, 0, (void *)0, 0);
	}
}
