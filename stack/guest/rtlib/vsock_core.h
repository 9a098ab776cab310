/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest side of virtio-vsock stream sockets (virtio 1.2, 5.10), as a state machine
 * with no I/O of its own: the runtime's driver (stack/guest/runtime/virtio_vsock.c) feeds
 * it the packets the device delivers (vsock_core_rx) and gives it a callback to transmit.
 * Freestanding and host-testable; every call is non-blocking (the driver polls).
 *
 * The only peer is the host (CID 2): packets from any other CID, or to another CID than
 * ours, are dropped. Flow control is credit-based both ways (5.10.6.3): we never send more
 * than the peer's buf_alloc - (tx_cnt - peer_fwd_cnt), and a peer that sends beyond the
 * VSOCK_CONN_BUF bytes we advertise is reset. We announce freed credit (CREDIT_UPDATE)
 * before the peer can believe less than half of our buffer is free, and on
 * CREDIT_REQUEST.
 *
 * Errors are negative RT_E* values (rt_errno.h).
 */
#ifndef AVF_GUEST_VSOCK_CORE_H
#define AVF_GUEST_VSOCK_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VSOCK_HDR_SIZE		44u
#define VSOCK_HOST_CID		2u
#define VSOCK_TYPE_STREAM	1u
#define VSOCK_OP_REQUEST	1u
#define VSOCK_OP_RESPONSE	2u
#define VSOCK_OP_RST		3u
#define VSOCK_OP_SHUTDOWN	4u
#define VSOCK_OP_RW		5u
#define VSOCK_OP_CREDIT_UPDATE	6u
#define VSOCK_OP_CREDIT_REQUEST	7u
#define VSOCK_SHUTDOWN_RCV	1u
#define VSOCK_SHUTDOWN_SEND	2u

#define VSOCK_CONN_BUF		16384u	/* receive buffer per connection (our buf_alloc) */
#define VSOCK_PKT_MAX		4096u	/* payload per packet we send or can receive */
#define VSOCK_MAX_CONNS		8
#define VSOCK_MAX_LISTEN	4
#define VSOCK_EPHEMERAL_BASE	49152u

struct vsock_pkt {
	uint64_t src_cid, dst_cid;
	uint32_t src_port, dst_port;
	uint32_t len;
	uint16_t type, op;
	uint32_t flags, buf_alloc, fwd_cnt;
};

void vsock_hdr_put(uint8_t out[VSOCK_HDR_SIZE], const struct vsock_pkt *h);
void vsock_hdr_get(const uint8_t in[VSOCK_HDR_SIZE], struct vsock_pkt *h);

enum vsock_state {
	VSOCK_FREE = 0,
	VSOCK_CONNECTING,	/* our REQUEST is out */
	VSOCK_CONNECTED,
	VSOCK_RESET,		/* RST received (or sent): only close() is left */
};

struct vsock_conn {
	enum vsock_state state;
	bool accepted;			/* handed to the payload (incoming connections) */
	bool refused;			/* a connect() answered by RST */
	bool peer_shut_send, peer_shut_rcv;
	bool owe_credit_update;
	uint32_t local_port, peer_port;
	uint32_t rx_head, rx_len;	/* ring of received, unread bytes */
	uint32_t rx_cnt, fwd_cnt, fwd_cnt_sent;
	uint32_t tx_cnt, peer_buf_alloc, peer_fwd_cnt;
	uint8_t rx[VSOCK_CONN_BUF];
};

/* Transmit one packet (header @h, @h->len bytes of @data). 0 or a negative errno; the
 * core treats a failure as fatal for the connection (it is reset). */
typedef int (*vsock_send_fn)(void *ctx, const struct vsock_pkt *h, const void *data);

struct vsock_core {
	uint64_t cid;
	vsock_send_fn send;
	void *ctx;
	uint32_t listen[VSOCK_MAX_LISTEN];	/* 0: free slot */
	uint32_t next_port;
	struct vsock_conn conns[VSOCK_MAX_CONNS];
	/* counters, for tests and diagnostics */
	uint64_t dropped, resets_sent;
};

void vsock_core_init(struct vsock_core *v, uint64_t cid, vsock_send_fn send, void *ctx);

/* A packet the device delivered: header and @h->len bytes of @data. Never fails: what
 * does not fit the protocol is answered with RST or dropped. */
void vsock_core_rx(struct vsock_core *v, const struct vsock_pkt *h, const void *data);

/* Accept connections to @port (1..0xffffffff). 0, -EADDRINUSE, -ENOSPC, -EINVAL. */
int vsock_core_listen(struct vsock_core *v, uint32_t port);
/* Stop listening on @port (pending, not yet accepted connections are reset). */
void vsock_core_unlisten(struct vsock_core *v, uint32_t port);
/* A connection the host opened to @port, not accepted before: its id (>= 0) or -EAGAIN. */
int vsock_core_accept(struct vsock_core *v, uint32_t port);
/* Start connecting to host port @port: a connection id (>= 0, state CONNECTING until
 * vsock_core_connected() says otherwise), -ENOSPC (no free slot) or the send error. */
int vsock_core_connect(struct vsock_core *v, uint32_t port);
/* 1 connected, 0 still connecting, -ECONNREFUSED (answered by RST), -ECONNRESET. */
int vsock_core_connected(struct vsock_core *v, int id);
/*
 * Send up to @len bytes: the count sent (at most the peer's credit and VSOCK_PKT_MAX;
 * >= 1), -EAGAIN (no credit now: a CREDIT_REQUEST went out), -EPIPE (the peer will not
 * receive), -ECONNRESET, -ENOTCONN (not connected, bad id).
 */
long vsock_core_send(struct vsock_core *v, int id, const void *data, size_t len);
/*
 * Receive up to @len bytes: the count (>= 1), 0 at end of stream (the peer will send no
 * more and everything was read), -EAGAIN (nothing yet), -ECONNRESET, -ENOTCONN.
 */
long vsock_core_recv(struct vsock_core *v, int id, void *buf, size_t len);
/* Close: a full SHUTDOWN goes out if the connection was up (the host answers RST, which
 * the core ignores); the slot is free again at once. */
void vsock_core_close(struct vsock_core *v, int id);
/* Send owed credit updates (after a failed send). */
void vsock_core_flush(struct vsock_core *v);

#endif /* AVF_GUEST_VSOCK_CORE_H */
