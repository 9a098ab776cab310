// SPDX-License-Identifier: MIT
/*
 * The host side of virtio-vsock, Firecracker's hybrid vsock over Unix sockets:
 *   - a listening stream socket at the configured path; a host client connects and
 *     sends "CONNECT <port>\n" (decimal, nothing else on the line); the device answers
 *     "OK <hostport>\n" once the guest accepted, or closes the socket if it refused;
 *   - a guest connection to host port P connects to "<path>_P".
 * Every fd is non-blocking; a client that connects and never finishes its line holds
 * one of VSOCK_MAX_PENDING slots until it closes (further clients wait in the backlog).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "stack/vmm/virtio_internal.h"
#include "stack/vmm/vsock_internal.h"

#define VSOCK_TX_CAP (VSOCK_BUF_ALLOC + VSOCK_REPLY_MAX)

int vsock_host_init(struct vsock_host *h, const char *path)
{
	int ret;

	h->path = path;
	for (int i = 0; i < VSOCK_MAX_PENDING; i++)
		h->pending[i].fd = -1;
	h->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->listen_fd < 0)
		return -errno;
	ret = vmm_unix_bind(h->listen_fd, path);
	if (!ret && listen(h->listen_fd, 16) < 0)
		ret = -errno;
	if (ret) {
		close(h->listen_fd);
		h->listen_fd = -1;
	}
	return ret;
}

void vsock_host_drop_pending(struct vsock_host *h)
{
	for (int i = 0; i < VSOCK_MAX_PENDING; i++) {
		if (h->pending[i].fd >= 0)
			close(h->pending[i].fd);
		h->pending[i].fd = -1;
	}
}

void vsock_host_fini(struct vsock_host *h)
{
	vsock_host_drop_pending(h);
	if (h->listen_fd >= 0) {
		close(h->listen_fd);
		unlink(h->path);
	}
	h->listen_fd = -1;
}

void vsock_host_accept(struct vsock_host *h)
{
	for (int i = 0; i < VSOCK_MAX_PENDING; i++) {
		int fd;

		if (h->pending[i].fd >= 0)
			continue;
		fd = accept4(h->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;	/* EAGAIN: nobody waiting; anything else: retry on next POLLIN */
		h->pending[i].fd = fd;
	}
}

/* "CONNECT <decimal u32>\n", nothing more, nothing less. */
static bool parse_connect(const char *line, size_t len, uint32_t *port)
{
	static const char verb[] = "CONNECT ";
	uint64_t v = 0;
	size_t i = sizeof(verb) - 1;

	if (len < i + 2 || memcmp(line, verb, i) || line[len - 1] != '\n')
		return false;
	for (; i < len - 1; i++) {
		if (line[i] < '0' || line[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(line[i] - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*port = (uint32_t)v;
	return true;
}

static int drop_pending(struct vsock_host *h, int i)
{
	close(h->pending[i].fd);
	h->pending[i].fd = -1;
	return -EINVAL;
}

int vsock_host_read_connect(struct vsock_host *h, int i, int *fd_out, uint32_t *port)
{
	char line[VSOCK_LINE_MAX];
	int fd = h->pending[i].fd;
	ssize_t n;
	char *nl;

	n = recv(fd, line, sizeof(line), MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	if (n <= 0)
		return drop_pending(h, i);	/* closed before finishing the line */
	nl = memchr(line, '\n', (size_t)n);
	if (!nl)
		return n == (ssize_t)sizeof(line) ? drop_pending(h, i) : 0;
	/* Consume exactly the line: the bytes after it are the stream for the guest. */
	n = recv(fd, line, (size_t)(nl - line) + 1, MSG_DONTWAIT);
	if (n != nl - line + 1 || !parse_connect(line, (size_t)n, port))
		return drop_pending(h, i);
	*fd_out = fd;
	h->pending[i].fd = -1;
	return 1;
}

int vsock_host_connect(struct vsock_host *h, uint32_t port)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd, n, ret;

	n = snprintf(a.sun_path, sizeof(a.sun_path), "%s_%u", h->path, port);
	if (n < 0 || (size_t)n >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A Unix stream connect completes at once or fails at once (EAGAIN: backlog full). */
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/* ---- per-connection socket I/O ---------------------------------------------------------- */

int vsock_conn_open(struct vsock_conn *c, int fd, uint32_t local_port, uint32_t peer_port)
{
	uint8_t *tx = malloc(VSOCK_TX_CAP);

	if (!tx)
		return -ENOMEM;
	*c = (struct vsock_conn){ .fd = fd, .local_port = local_port, .peer_port = peer_port,
				  .tx = tx };
	return 0;
}

void vsock_conn_close(struct vsock_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->tx);
	*c = (struct vsock_conn){ .state = VSOCK_FREE, .fd = -1 };
}

int vsock_conn_queue_tx(struct vsock_conn *c, const void *p, size_t len)
{
	if (len > VSOCK_TX_CAP - c->tx_len)
		return -ENOSPC;
	memcpy(c->tx + c->tx_len, p, len);
	c->tx_len += len;
	return 0;
}

int vsock_conn_queue_reply(struct vsock_conn *c, uint32_t port)
{
	char line[VSOCK_REPLY_MAX];
	int n = snprintf(line, sizeof(line), "OK %u\n", port);

	if (c->tx_len)
		return -EBUSY;	/* the line must precede every byte of the stream */
	c->tx_reply = (size_t)n;
	return vsock_conn_queue_tx(c, line, (size_t)n);
}

int vsock_conn_flush(struct vsock_conn *c)
{
	size_t done = 0, reply;
	int ret = 0;

	while (done < c->tx_len) {
		ssize_t n = send(c->fd, c->tx + done, c->tx_len - done,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		ret = n < 0 ? -errno : -EPIPE;
		break;
	}
	reply = done < c->tx_reply ? done : c->tx_reply;
	c->tx_reply -= reply;
	c->fwd_cnt += (uint32_t)(done - reply);	/* only stream bytes count as credit */
	memmove(c->tx, c->tx + done, c->tx_len - done);
	c->tx_len -= done;
	return ret;
}

ssize_t vsock_conn_read(struct vsock_conn *c, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = recv(c->fd, buf, len, MSG_DONTWAIT);

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	}
}
