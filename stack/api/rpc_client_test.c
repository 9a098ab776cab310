// SPDX-License-Identifier: Apache-2.0
/*
 * libavf's RPC client (avf.h, rpc_client.c) against a fake of the VMM's hybrid vsock
 * socket written here: the CONNECT/OK handshake (bytes after OK belong to the stream),
 * refusals retried until the guest listens, and a server that answers with the shared
 * framing or misbehaves on purpose (wrong seq, closing, a malformed header, too big a
 * body), each failure with its errno.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "stack/api/avf.h"
#include "stack/guest/rtlib/rpc_frame.h"

#define M_ECHO		1
#define M_FAIL		2	/* status -ENOENT, no body */
#define M_BADSEQ	3
#define M_CLOSE		4
#define M_GARBAGE	5	/* a header with version 9 */
#define M_BIG		6	/* a 100-byte body */

struct fake {
	char path[108];
	int lfd;
	int refusals;		/* connections closed without OK before accepting one */
	bool early_bytes;	/* send a response's first bytes glued to the OK line */
	pthread_t thread;
};

static int read_n(int fd, void *b, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = read(fd, (uint8_t *)b + got, n - got);

		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static void serve(struct fake *f, int fd)
{
	static uint8_t in[AVF_RPC_MAX_FRAME], out[AVF_RPC_MAX_FRAME + 64];
	struct avf_rpc_hdr h;

	for (;;) {
		long n;

		uint32_t body;

		if (read_n(fd, in, AVF_RPC_HDR_SIZE))
			return;
		body = (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 |
		       (uint32_t)in[3] << 24;
		assert_true(body <= AVF_RPC_MAX_BODY);
		if (body && read_n(fd, in + AVF_RPC_HDR_SIZE, body))
			return;
		assert_int_equal(avf_rpc_decode(in, AVF_RPC_HDR_SIZE + body, &h),
				 AVF_RPC_HDR_SIZE + body);
		assert_int_equal(h.kind, AVF_RPC_KIND_REQUEST);
		if (h.method == M_CLOSE)
			return;
		h.kind = AVF_RPC_KIND_RESPONSE;
		if (h.method == M_FAIL)
			h.status = -ENOENT, h.body_len = 0;
		if (h.method == M_BADSEQ)
			h.seq += 1;
		if (h.method == M_BIG)
			h.body_len = 100;
		n = avf_rpc_encode(&h, in + AVF_RPC_HDR_SIZE, out, sizeof(out));
		assert_true(n > 0);
		if (h.method == M_GARBAGE)
			out[4] = 9;
		assert_int_equal(write(fd, out, (size_t)n), n);
	}
}

static void *fake_main(void *arg)
{
	struct fake *f = arg;
	char line[32];

	for (int conn = 0;; conn++) {
		int fd = accept(f->lfd, NULL, NULL);
		size_t n = 0;

		if (fd < 0)
			return NULL;
		while (n < sizeof(line) - 1 && read(fd, line + n, 1) == 1 && line[n] != '\n')
			n++;
		line[n] = 0;
		assert_string_equal(line, "CONNECT 5678");
		if (conn < f->refusals) {
			close(fd);	/* the guest answered RST */
			continue;
		}
		if (f->early_bytes) {
			/* OK and the first 4 bytes of the echo's response in one write. */
			static const uint8_t glued[] = "OK 1073741824\n\x02\x00\x00\x00";
			static const uint8_t rest[] = { 1, 2, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 'h', 'i' };

			assert_int_equal(write(fd, glued, sizeof(glued) - 1), sizeof(glued) - 1);
			assert_int_equal(write(fd, rest, sizeof(rest)), sizeof(rest));
			/* The client's request (16 + 2 bytes) is read and not answered again. */
			read_n(fd, line, AVF_RPC_HDR_SIZE + 2);
			close(fd);
			return NULL;
		} else {
			assert_int_equal(write(fd, "OK 1073741824\n", 14), 14);
		}
		serve(f, fd);
		close(fd);
		return NULL;
	}
}

static struct fake *fake_start(int refusals, bool early)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	snprintf(f->path, sizeof(f->path), "/tmp/avf-rpc-test-%d-%d.sock", (int)getpid(),
		 refusals);
	unlink(f->path);
	strcpy(a.sun_path, f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(f->lfd, 16), 0);
	f->refusals = refusals;
	f->early_bytes = early;
	assert_int_equal(pthread_create(&f->thread, NULL, fake_main, f), 0);
	return f;
}

static void fake_stop(struct fake *f)
{
	shutdown(f->lfd, SHUT_RDWR);
	close(f->lfd);
	pthread_join(f->thread, NULL);
	unlink(f->path);
	free(f);
}

static int call(struct avf_rpc *c, uint16_t m, const void *req, size_t n, void *resp,
		size_t cap, size_t *got, int32_t *status)
{
	return avf_rpc_call(c, m, req, n, resp, cap, got, status, 10000);
}

static void test_echo_and_statuses(void **state)
{
	static uint8_t req[AVF_RPC_MAX_BODY], resp[AVF_RPC_MAX_BODY];
	struct fake *f = fake_start(0, false);
	struct avf_rpc *c;
	int32_t status;
	size_t got;

	assert_int_equal(avf_rpc_connect_uds(f->path, 5678, 10000, &c), 0);
	assert_true(avf_rpc_fd(c) >= 0);
	for (size_t i = 0; i < sizeof(req); i++)
		req[i] = (uint8_t)(i * 13);
	assert_int_equal(call(c, M_ECHO, req, sizeof(req), resp, sizeof(resp), &got, &status), 0);
	assert_int_equal(status, 0);
	assert_int_equal(got, sizeof(req));
	assert_memory_equal(req, resp, sizeof(req));
	assert_int_equal(call(c, M_ECHO, NULL, 0, resp, 0, &got, &status), 0);
	assert_int_equal(got, 0);
	assert_int_equal(call(c, M_FAIL, "x", 1, resp, sizeof(resp), &got, &status), 0);
	assert_int_equal(status, -ENOENT);
	assert_int_equal(got, 0);
	/* Too big a request never leaves. */
	assert_int_equal(call(c, M_ECHO, req, AVF_RPC_MAX_BODY + 1, resp, sizeof(resp), &got,
			      &status), -EMSGSIZE);
	/* A response bigger than the room given. */
	assert_int_equal(call(c, M_BIG, req, 10, resp, 99, &got, &status), -EMSGSIZE);
	avf_rpc_close(c);
	fake_stop(f);
}

static void test_protocol_failures(void **state)
{
	uint8_t resp[64];
	struct fake *f;
	struct avf_rpc *c;
	int32_t status;
	size_t got;

	f = fake_start(0, false);
	assert_int_equal(avf_rpc_connect_uds(f->path, 5678, 10000, &c), 0);
	assert_int_equal(call(c, M_BADSEQ, "a", 1, resp, sizeof(resp), &got, &status), -EPROTO);
	avf_rpc_close(c);
	fake_stop(f);

	f = fake_start(0, false);
	assert_int_equal(avf_rpc_connect_uds(f->path, 5678, 10000, &c), 0);
	assert_int_equal(call(c, M_GARBAGE, "a", 1, resp, sizeof(resp), &got, &status), -EPROTO);
	avf_rpc_close(c);
	fake_stop(f);

	f = fake_start(0, false);
	assert_int_equal(avf_rpc_connect_uds(f->path, 5678, 10000, &c), 0);
	assert_int_equal(call(c, M_CLOSE, "a", 1, resp, sizeof(resp), &got, &status),
			 -ECONNRESET);
	avf_rpc_close(c);
	fake_stop(f);
}

static void test_refusals_are_retried(void **state)
{
	struct fake *f = fake_start(3, false);
	uint8_t resp[8];
	struct avf_rpc *c;
	int32_t status;
	size_t got;

	assert_int_equal(avf_rpc_connect_uds(f->path, 5678, 10000, &c), 0);
	assert_int_equal(call(c, M_ECHO, "ok", 2, resp, sizeof(resp), &got, &status), 0);
	assert_memory_equal(resp, "ok", 2);
	avf_rpc_close(c);
	fake_stop(f);
	/* Always refused: the deadline ends it with ECONNREFUSED; no socket: ENOENT. */
	f = fake_start(1000, false);
	assert_int_equal(avf_rpc_connect_uds(f->path, 5678, 200, &c), -ECONNREFUSED);
	assert_non_null(strstr(avf_last_error(), "Connection refused"));
	fake_stop(f);
	assert_int_equal(avf_rpc_connect_uds("/tmp/avf-rpc-test-none.sock", 5678, 100, &c),
			 -ENOENT);
}

static void test_stream_bytes_after_ok(void **state)
{
	struct fake *f = fake_start(0, true);
	uint8_t resp[8];
	struct avf_rpc *c;
	int32_t status;
	size_t got;

	assert_int_equal(avf_rpc_connect_uds(f->path, 5678, 10000, &c), 0);
	assert_int_equal(call(c, M_ECHO, "hi", 2, resp, sizeof(resp), &got, &status), 0);
	assert_int_equal(got, 2);
	assert_memory_equal(resp, "hi", 2);
	avf_rpc_close(c);
	fake_stop(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_and_statuses),
		cmocka_unit_test(test_protocol_failures),
		cmocka_unit_test(test_refusals_are_retried),
		cmocka_unit_test(test_stream_bytes_after_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
