// SPDX-License-Identifier: Apache-2.0
/*
 * libavf's RPC client (avf.h, docs/RPC.md): calls into a payload's vsock RPC server
 * (AVmPayload_runVsockRpcServer) over a stream to the guest, either through the VMM's
 * hybrid vsock Unix socket ("CONNECT <port>\n", answered "OK <hostport>\n") or over a
 * stream the caller already has (avf_vm_connect_vsock). The framing is the guest's own
 * encoder and decoder (stack/guest/rtlib/rpc_frame.c), compiled into this library.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "stack/api/api_internal.h"
#include "stack/guest/rtlib/rpc_frame.h"

#define HANDSHAKE_MIN_MS	5000
#define RETRY_US		20000

struct avf_rpc {
	int fd;
	uint32_t next_seq;
	uint8_t buf[AVF_RPC_MAX_FRAME];
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before @deadline (-1: none), at least 0. */
static int left_ms(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	return left < 0 ? 0 : (int)(left > 1000000 ? 1000000 : left);
}

/* Exactly @len bytes, or -ETIMEDOUT / -ECONNRESET (EOF) / -errno. */
static int read_full(int fd, void *buf, size_t len, int64_t deadline)
{
	uint8_t *p = buf;

	while (len) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int r = poll(&pfd, 1, left_ms(deadline));
		ssize_t n;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The device's answer line, byte by byte: what follows it belongs to the stream. */
static int handshake(int fd, uint32_t port, int64_t deadline)
{
	char line[32];
	size_t n = 0;
	int ret;

	snprintf(line, sizeof(line), "CONNECT %u\n", port);
	ret = write_full(fd, line, strlen(line));
	if (ret)
		return ret;
	while (n < sizeof(line) - 1) {
		ret = read_full(fd, line + n, 1, deadline);
		if (ret == -ECONNRESET)
			return -ECONNREFUSED;	/* closed without OK: the guest said RST */
		if (ret)
			return ret;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = 0;
	return strncmp(line, "OK ", 3) ? -EPROTO : 0;
}

static int connect_once(const char *uds_path, uint32_t port, int64_t deadline)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd, ret;

	if (strlen(uds_path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, uds_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = handshake(fd, port, deadline);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

int avf_rpc_from_fd(int fd, struct avf_rpc **out)
{
	struct avf_rpc *c;

	if (fd < 0)
		return avf_set_error(-EBADF, "avf_rpc_from_fd: no stream");
	c = calloc(1, sizeof(*c));
	if (!c)
		return avf_set_error(-ENOMEM, "avf_rpc_from_fd: out of memory");
	c->fd = fd;
	c->next_seq = 1;
	*out = c;
	return 0;
}

int avf_rpc_connect_uds(const char *uds_path, uint32_t port, int timeout_ms,
			struct avf_rpc **out)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	int fd, ret;

	for (;;) {
		/* Each attempt's handshake gets at least HANDSHAKE_MIN_MS, so that a refusal
		 * near the deadline is reported as one, not as a timeout. */
		int64_t attempt = deadline < 0 ? -1 : now_ms() + HANDSHAKE_MIN_MS;

		fd = connect_once(uds_path, port, attempt < deadline ? deadline : attempt);
		/* Not listening yet (RST), or the VMM's socket not there yet: try again. */
		if ((fd != -ECONNREFUSED && fd != -ENOENT) || left_ms(deadline) == 0)
			break;
		usleep(RETRY_US);
	}
	if (fd < 0)
		return avf_set_error(fd, "vsock %s port %u: %s", uds_path, port, strerror(-fd));
	ret = avf_rpc_from_fd(fd, out);
	if (ret)
		close(fd);
	return ret;
}

static int read_response(struct avf_rpc *c, struct avf_rpc_hdr *h, int64_t deadline)
{
	long n;
	int ret = read_full(c->fd, c->buf, AVF_RPC_HDR_SIZE, deadline);

	if (ret)
		return ret;
	n = avf_rpc_decode(c->buf, AVF_RPC_HDR_SIZE, h);
	if (n < 0)
		return (int)n;
	if (n == 0) {	/* a valid header: its body follows */
		uint32_t body = (uint32_t)c->buf[0] | (uint32_t)c->buf[1] << 8 |
				(uint32_t)c->buf[2] << 16 | (uint32_t)c->buf[3] << 24;

		ret = read_full(c->fd, c->buf + AVF_RPC_HDR_SIZE, body, deadline);
		if (ret)
			return ret;
		n = avf_rpc_decode(c->buf, AVF_RPC_MAX_FRAME, h);
		if (n <= 0)
			return -EPROTO;
	}
	return 0;
}

int avf_rpc_call(struct avf_rpc *c, uint16_t method, const void *req, size_t req_len,
		 void *resp, size_t resp_cap, size_t *resp_len, int32_t *status, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	struct avf_rpc_hdr h = { .body_len = (uint32_t)req_len, .version = AVF_RPC_VERSION,
				 .kind = AVF_RPC_KIND_REQUEST, .method = method,
				 .seq = c->next_seq++ };
	long n;
	int ret;

	if (req_len > AVF_RPC_MAX_BODY)
		return avf_set_error(-EMSGSIZE, "rpc: request of %zu bytes (at most %u)", req_len,
				     AVF_RPC_MAX_BODY);
	n = avf_rpc_encode(&h, req, c->buf, sizeof(c->buf));
	if (n < 0)
		return avf_set_error((int)n, "rpc: method %u cannot be sent", method);
	ret = write_full(c->fd, c->buf, (size_t)n);
	if (!ret)
		ret = read_response(c, &h, deadline);
	if (ret)
		return avf_set_error(ret, "rpc: method %u: %s", method, strerror(-ret));
	if (h.kind != AVF_RPC_KIND_RESPONSE || h.seq != c->next_seq - 1 || h.method != method)
		return avf_set_error(-EPROTO, "rpc: the answer is not the response to call %u",
				     c->next_seq - 1);
	if (h.body_len > resp_cap)
		return avf_set_error(-EMSGSIZE, "rpc: response of %u bytes, room for %zu",
				     h.body_len, resp_cap);
	memcpy(resp, c->buf + AVF_RPC_HDR_SIZE, h.body_len);
	*resp_len = h.body_len;
	*status = h.status;
	return 0;
}

int avf_rpc_fd(const struct avf_rpc *c)
{
	return c->fd;
}

void avf_rpc_close(struct avf_rpc *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c);
}
