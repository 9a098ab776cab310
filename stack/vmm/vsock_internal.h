/* SPDX-License-Identifier: MIT */
/*
 * Between virtio_vsock.c (the virtio device: packets, connection states, credit) and
 * vsock_host.c (the host side: the listening socket, the "CONNECT <port>" handshake, the
 * Unix stream sockets and their buffers). Both run under the transport's mutex.
 *
 * A connection from the device's point of view:
 *
 *	host client                                  guest
 *	  CONNECT p  ->  CONNECTING (REQUEST to p)  ->  RESPONSE  -> ESTABLISHED, "OK hp"
 *	                                             ->  RST       -> closed, client EOF
 *	guest REQUEST to p -> connect "<path>_p" -> ESTABLISHED (RESPONSE) | RST
 *	ESTABLISHED: RW both ways within credit; SHUTDOWN half-closes; a full shutdown
 *	from the guest, a socket error or a credit violation -> CLOSING (RST sent) -> free
 */
#ifndef AVF_VMM_VSOCK_INTERNAL_H
#define AVF_VMM_VSOCK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define VSOCK_MAX_CONNS		64
#define VSOCK_MAX_PENDING	16	/* host clients still sending their CONNECT line */
#define VSOCK_BUF_ALLOC		(256u << 10)	/* our receive buffer, advertised to the guest */
#define VSOCK_MAX_PAYLOAD	(64u << 10)	/* per packet, both directions */
#define VSOCK_LINE_MAX		32	/* "CONNECT 4294967295\n" fits */
#define VSOCK_REPLY_MAX		24	/* "OK 4294967295\n" fits */

enum vsock_conn_state {
	VSOCK_FREE = 0,
	VSOCK_CONNECTING,	/* host-initiated, REQUEST sent or pending, no RESPONSE yet */
	VSOCK_ESTABLISHED,
	VSOCK_CLOSING,		/* an RST is to be sent; freed once it is */
};

struct vsock_conn {
	enum vsock_conn_state state;
	int fd;				/* the host's Unix stream socket */
	uint32_t local_port;		/* host side */
	uint32_t peer_port;		/* guest side */
	bool host_initiated;
	/* Control packets owed to the guest, sent as RX buffers allow. */
	bool need_request, need_response, need_credit_update, need_shutdown;
	/* guest -> host: bytes accepted from the guest and not yet written to fd. The buffer
	 * is VSOCK_BUF_ALLOC + VSOCK_REPLY_MAX (the "OK" line goes in front of the data). */
	uint8_t *tx;
	size_t tx_len;
	size_t tx_reply;		/* bytes of the "OK" line still at the head of tx */
	uint32_t recv_cnt;		/* bytes of RW payload accepted from the guest */
	uint32_t fwd_cnt;		/* of those, written to fd */
	uint32_t fwd_cnt_sent;		/* fwd_cnt as the guest last heard it */
	bool guest_shut_send, guest_shut_rcv;
	bool host_shut_wr_done;		/* shutdown(fd, SHUT_WR) issued */
	/* host -> guest */
	uint32_t peer_buf_alloc, peer_fwd_cnt;	/* the guest's credit, from its headers */
	uint32_t sent_cnt;		/* RW payload bytes sent to the guest */
	bool readable;			/* poll said fd has data (or EOF) */
	bool host_eof;
};

struct vsock_pending {
	int fd;				/* -1: slot free */
};

struct vsock_host {
	const char *path;		/* the listening socket; guest connections go to path_P */
	int listen_fd;
	struct vsock_pending pending[VSOCK_MAX_PENDING];
};

/* Listen on path (replacing a stale socket). 0 or -errno. */
int vsock_host_init(struct vsock_host *h, const char *path);
void vsock_host_fini(struct vsock_host *h);
/* Accept waiting clients into free pending slots (non-blocking). Clients beyond the
 * slots wait in the listen backlog. */
void vsock_host_accept(struct vsock_host *h);
/*
 * Read pending client i's "CONNECT <port>\n" line without consuming any byte after it
 * (MSG_PEEK, then exactly the line). Returns 1 with *fd_out (ownership moves to the
 * caller, the slot is freed) and *port, 0 if the line is not complete yet, or -EINVAL if
 * the client sent garbage, closed, or failed (the client is closed, the slot freed).
 */
int vsock_host_read_connect(struct vsock_host *h, int i, int *fd_out, uint32_t *port);
/* Connect to "<path>_<port>" for a guest-initiated connection: a non-blocking stream fd
 * or -errno (-ECONNREFUSED, -ENOENT, -ENAMETOOLONG, -EAGAIN backlog full...). */
int vsock_host_connect(struct vsock_host *h, uint32_t port);
/* Close every pending client (device reset). */
void vsock_host_drop_pending(struct vsock_host *h);

/* Queue bytes for the host socket behind what is already waiting; returns 0, or -ENOSPC
 * if they do not fit the buffer (the caller treats it as a credit violation). */
int vsock_conn_queue_tx(struct vsock_conn *c, const void *p, size_t len);
/* Queue "OK <port>\n" for a host-initiated connection; it must come first (-EBUSY). */
int vsock_conn_queue_reply(struct vsock_conn *c, uint32_t port);
/* Write queued bytes to the socket, advancing fwd_cnt by the stream bytes written. 0, or
 * -errno for a socket that broke (EPIPE...). */
int vsock_conn_flush(struct vsock_conn *c);
/* Read up to len bytes: > 0 bytes read, 0 EOF, -EAGAIN nothing now, -errno broken. */
ssize_t vsock_conn_read(struct vsock_conn *c, void *buf, size_t len);
/* Allocate the tx buffer and set fields for a new connection on fd. 0 or -ENOMEM. */
int vsock_conn_open(struct vsock_conn *c, int fd, uint32_t local_port, uint32_t peer_port);
/* Close the socket, free the buffer, slot back to VSOCK_FREE. */
void vsock_conn_close(struct vsock_conn *c);

#endif /* AVF_VMM_VSOCK_INTERNAL_H */
