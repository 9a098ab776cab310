// SPDX-License-Identifier: Apache-2.0
/*
 * Guest-side vsock streams (vsock_core.h) driven packet by packet, every packet the core
 * sends captured and checked field by field: both handshakes, refusals, data, end of
 * stream, credit both ways (the exact moment of CREDIT_UPDATE, credit requests, a peer
 * overrunning our buffer), shutdowns, and what is dropped or never answered.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stack/guest/rtlib/vsock_core.h"

#define CID	7u
#define PORT	5678u
#define HPORT	1073741824u	/* the host's port for a connection it opens */

static struct vsock_core *v;
static struct vsock_pkt sent[64];
static uint32_t sent_len[64];
static int nsent, send_fail;

static int capture(void *ctx, const struct vsock_pkt *h, const void *data)
{
	if (send_fail)
		return -EIO;
	assert_true(nsent < 64);
	sent[nsent] = *h;
	sent_len[nsent++] = h->len;
	return 0;
}

static int setup(void **state)
{
	v = malloc(sizeof(*v));
	vsock_core_init(v, CID, capture, NULL);
	nsent = 0;
	send_fail = 0;
	return 0;
}

static int teardown(void **state)
{
	free(v);
	return 0;
}

static void from_host(uint16_t op, uint32_t src_port, uint32_t dst_port, const void *data,
		      uint32_t len, uint32_t flags, uint32_t buf_alloc, uint32_t fwd_cnt)
{
	struct vsock_pkt h = { .src_cid = 2, .dst_cid = CID, .src_port = src_port,
			       .dst_port = dst_port, .len = len, .type = 1, .op = op,
			       .flags = flags, .buf_alloc = buf_alloc, .fwd_cnt = fwd_cnt };

	vsock_core_rx(v, &h, data);
}

/* The last packet sent is @op between our @src and their @dst. */
static const struct vsock_pkt *expect_sent(uint16_t op, uint32_t src, uint32_t dst)
{
	const struct vsock_pkt *h;

	assert_true(nsent > 0);
	h = &sent[nsent - 1];
	assert_int_equal(h->op, op);
	assert_int_equal(h->src_cid, CID);
	assert_int_equal(h->dst_cid, 2);
	assert_int_equal(h->src_port, src);
	assert_int_equal(h->dst_port, dst);
	assert_int_equal(h->type, 1);
	return h;
}

/* A host connection from @hport to PORT, accepted: its id. */
static int accepted_from(uint32_t hport, uint32_t host_buf)
{
	const struct vsock_pkt *h;
	int id;

	vsock_core_listen(v, PORT);	/* 0, or -EADDRINUSE after the first */
	from_host(VSOCK_OP_REQUEST, hport, PORT, NULL, 0, 0, host_buf, 0);
	h = expect_sent(VSOCK_OP_RESPONSE, PORT, hport);
	assert_int_equal(h->buf_alloc, VSOCK_CONN_BUF);
	assert_int_equal(h->fwd_cnt, 0);
	id = vsock_core_accept(v, PORT);
	assert_true(id >= 0);
	assert_int_equal(vsock_core_connected(v, id), 1);
	return id;
}

static int accepted(uint32_t host_buf)
{
	return accepted_from(HPORT, host_buf);
}

static void test_listen_accept_and_refusals(void **state)
{
	int id;

	assert_int_equal(vsock_core_listen(v, 0), -EINVAL);
	assert_int_equal(vsock_core_accept(v, PORT), -EAGAIN);
	/* Nobody listens on 99: RST. */
	from_host(VSOCK_OP_REQUEST, HPORT, 99, NULL, 0, 0, 65536, 0);
	expect_sent(VSOCK_OP_RST, 99, HPORT);
	id = accepted(65536);
	assert_int_equal(vsock_core_accept(v, PORT), -EAGAIN);	/* only once */
	assert_int_equal(vsock_core_listen(v, PORT), -EADDRINUSE);
	/* A second REQUEST for a live pair resets it. */
	from_host(VSOCK_OP_REQUEST, HPORT, PORT, NULL, 0, 0, 65536, 0);
	expect_sent(VSOCK_OP_RST, PORT, HPORT);
	assert_int_equal(vsock_core_connected(v, id), -ECONNRESET);
	/* Listening slots are finite. */
	for (uint32_t p = 1; p < VSOCK_MAX_LISTEN; p++)
		assert_int_equal(vsock_core_listen(v, 1000 + p), 0);
	assert_int_equal(vsock_core_listen(v, 2000), -ENOSPC);
}

static void test_data_and_end_of_stream(void **state)
{
	int id = accepted(65536);
	char buf[16];

	assert_int_equal(vsock_core_recv(v, id, buf, sizeof(buf)), -EAGAIN);
	from_host(VSOCK_OP_RW, HPORT, PORT, "hello, guest", 12, 0, 65536, 0);
	from_host(VSOCK_OP_RW, HPORT, PORT, "!!", 2, 0, 65536, 0);
	assert_int_equal(vsock_core_recv(v, id, buf, 5), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(vsock_core_recv(v, id, buf, sizeof(buf)), 9);
	assert_memory_equal(buf, ", guest!!", 9);
	from_host(VSOCK_OP_SHUTDOWN, HPORT, PORT, NULL, 0, VSOCK_SHUTDOWN_SEND, 65536, 0);
	assert_int_equal(vsock_core_recv(v, id, buf, sizeof(buf)), 0);
	/* Data after the peer said it was done is a violation. */
	nsent = 0;
	from_host(VSOCK_OP_RW, HPORT, PORT, "x", 1, 0, 65536, 0);
	expect_sent(VSOCK_OP_RST, PORT, HPORT);
	assert_int_equal(vsock_core_recv(v, id, buf, sizeof(buf)), -ECONNRESET);
	/* A reset connection keeps its port pair until the payload closes it. */
	nsent = 0;
	from_host(VSOCK_OP_REQUEST, HPORT, PORT, NULL, 0, 0, 65536, 0);
	assert_int_equal(nsent, 0);
	vsock_core_close(v, id);
	/* Our send gets the data and our credit into the header. */
	id = accepted_from(HPORT + 1, 65536);
	assert_int_equal(vsock_core_send(v, id, "abc", 3), 3);
	assert_int_equal(expect_sent(VSOCK_OP_RW, PORT, HPORT + 1)->len, 3);
	/* Peer will not receive any more: EPIPE. */
	from_host(VSOCK_OP_SHUTDOWN, HPORT + 1, PORT, NULL, 0, VSOCK_SHUTDOWN_RCV, 65536, 0);
	assert_int_equal(vsock_core_send(v, id, "abc", 3), -EPIPE);
	/* Close: a full SHUTDOWN; the host's RST afterwards is not answered. */
	vsock_core_close(v, id);
	assert_int_equal(expect_sent(VSOCK_OP_SHUTDOWN, PORT, HPORT + 1)->flags, 3);
	nsent = 0;
	from_host(VSOCK_OP_RST, HPORT + 1, PORT, NULL, 0, 0, 0, 0);
	assert_int_equal(nsent, 0);
	assert_int_equal(vsock_core_connected(v, id), -ENOTCONN);
}

static void test_our_buffer_and_credit_updates(void **state)
{
	static uint8_t chunk[VSOCK_PKT_MAX];
	int id = accepted(65536);
	uint8_t buf[VSOCK_CONN_BUF];

	/* Exactly our buffer is fine and nothing is sent while we hold it. */
	nsent = 0;
	for (int i = 0; i < 4; i++)
		from_host(VSOCK_OP_RW, HPORT, PORT, chunk, VSOCK_PKT_MAX, 0, 65536, 0);
	assert_int_equal(nsent, 0);
	/* Reading one byte frees room the host cannot know of: it believes 0 free. */
	assert_int_equal(vsock_core_recv(v, id, buf, 1), 1);
	assert_int_equal(expect_sent(VSOCK_OP_CREDIT_UPDATE, PORT, HPORT)->fwd_cnt, 1);
	/* While the host believes more than half is used, every read tells it more. */
	assert_int_equal(vsock_core_recv(v, id, buf, 4000), 4000);
	assert_int_equal(expect_sent(VSOCK_OP_CREDIT_UPDATE, PORT, HPORT)->fwd_cnt, 4001);
	/* Then quiet: the host now believes 12383 used, 4001 free... */
	from_host(VSOCK_OP_RW, HPORT, PORT, chunk, 1, 0, 65536, 0);
	nsent = 0;
	assert_int_equal(vsock_core_recv(v, id, buf, 1), 1);
	assert_int_equal(expect_sent(VSOCK_OP_CREDIT_UPDATE, PORT, HPORT)->fwd_cnt, 4002);
	assert_int_equal(vsock_core_recv(v, id, buf, 8191), 8191);
	nsent = 0;
	/* The host was told fwd_cnt 12193 with 16385 sent: it believes 4192 used, < half. */
	assert_int_equal(vsock_core_recv(v, id, buf, 1), 1);
	assert_int_equal(nsent, 0);
	/* ...refill to the last byte the host may send (4191 are buffered), then one byte
	 * too many: reset. */
	from_host(VSOCK_OP_RW, HPORT, PORT, chunk, VSOCK_PKT_MAX, 0, 65536, 0);
	from_host(VSOCK_OP_RW, HPORT, PORT, chunk, VSOCK_PKT_MAX, 0, 65536, 0);
	from_host(VSOCK_OP_RW, HPORT, PORT, chunk, VSOCK_CONN_BUF - 4191 - 2 * VSOCK_PKT_MAX, 0,
		  65536, 0);
	assert_int_equal(nsent, 0);
	from_host(VSOCK_OP_RW, HPORT, PORT, chunk, 1, 0, 65536, 0);
	expect_sent(VSOCK_OP_RST, PORT, HPORT);
	assert_int_equal(vsock_core_send(v, id, "a", 1), -ECONNRESET);
	/* What arrived before the reset can still be read. */
	assert_int_equal(vsock_core_recv(v, id, buf, sizeof(buf)), VSOCK_CONN_BUF);
	assert_int_equal(vsock_core_recv(v, id, buf, sizeof(buf)), -ECONNRESET);
}

static void test_peer_credit(void **state)
{
	static uint8_t data[10000];
	int id = accepted(5000);

	assert_int_equal(vsock_core_send(v, id, data, sizeof(data)), VSOCK_PKT_MAX);
	assert_int_equal(vsock_core_send(v, id, data, sizeof(data)), 5000 - VSOCK_PKT_MAX);
	nsent = 0;
	assert_int_equal(vsock_core_send(v, id, data, sizeof(data)), -EAGAIN);
	expect_sent(VSOCK_OP_CREDIT_REQUEST, PORT, HPORT);
	/* The host consumed 3000: that much credit again. */
	from_host(VSOCK_OP_CREDIT_UPDATE, HPORT, PORT, NULL, 0, 0, 5000, 3000);
	assert_int_equal(vsock_core_send(v, id, data, sizeof(data)), 3000);
	/* The host asks for our credit: we answer. */
	from_host(VSOCK_OP_CREDIT_REQUEST, HPORT, PORT, NULL, 0, 0, 5000, 3000);
	expect_sent(VSOCK_OP_CREDIT_UPDATE, PORT, HPORT);
	/* A transmit failure resets the connection. */
	from_host(VSOCK_OP_CREDIT_UPDATE, HPORT, PORT, NULL, 0, 0, 5000, 8000);
	send_fail = 1;
	assert_int_equal(vsock_core_send(v, id, data, 10), -ECONNRESET);
}

static void test_connect(void **state)
{
	int id = vsock_core_connect(v, 9000), id2;
	const struct vsock_pkt *h = expect_sent(VSOCK_OP_REQUEST, VSOCK_EPHEMERAL_BASE, 9000);
	char b[4];

	assert_int_equal(h->buf_alloc, VSOCK_CONN_BUF);
	assert_int_equal(vsock_core_connected(v, id), 0);
	assert_int_equal(vsock_core_send(v, id, "x", 1), -ENOTCONN);
	assert_int_equal(vsock_core_accept(v, VSOCK_EPHEMERAL_BASE), -EAGAIN);
	from_host(VSOCK_OP_RESPONSE, 9000, VSOCK_EPHEMERAL_BASE, NULL, 0, 0, 4096, 0);
	assert_int_equal(vsock_core_connected(v, id), 1);
	assert_int_equal(vsock_core_send(v, id, "ping", 4), 4);
	from_host(VSOCK_OP_RW, 9000, VSOCK_EPHEMERAL_BASE, "pong", 4, 0, 4096, 4);
	assert_int_equal(vsock_core_recv(v, id, b, 4), 4);
	assert_memory_equal(b, "pong", 4);
	/* A second connection gets the next port; the host refuses it. */
	id2 = vsock_core_connect(v, 9001);
	expect_sent(VSOCK_OP_REQUEST, VSOCK_EPHEMERAL_BASE + 1, 9001);
	nsent = 0;
	from_host(VSOCK_OP_RST, 9001, VSOCK_EPHEMERAL_BASE + 1, NULL, 0, 0, 0, 0);
	assert_int_equal(nsent, 0);
	assert_int_equal(vsock_core_connected(v, id2), -ECONNREFUSED);
	vsock_core_close(v, id2);
	/* A RESPONSE out of turn resets. */
	from_host(VSOCK_OP_RESPONSE, 9000, VSOCK_EPHEMERAL_BASE, NULL, 0, 0, 4096, 0);
	expect_sent(VSOCK_OP_RST, VSOCK_EPHEMERAL_BASE, 9000);
	/* Slots are finite. */
	for (int i = 0; i < VSOCK_MAX_CONNS - 1; i++)
		assert_true(vsock_core_connect(v, 100) >= 0);
	assert_int_equal(vsock_core_connect(v, 100), -ENOSPC);
}

static void test_dropped_and_unanswered(void **state)
{
	struct vsock_pkt h = { .src_cid = 3, .dst_cid = CID, .src_port = 1, .dst_port = PORT,
			       .type = 1, .op = VSOCK_OP_REQUEST };

	vsock_core_listen(v, PORT);
	vsock_core_rx(v, &h, NULL);		/* not from the host */
	h.src_cid = 2;
	h.dst_cid = CID + 1;
	vsock_core_rx(v, &h, NULL);		/* not for us */
	h.dst_cid = CID;
	h.len = VSOCK_PKT_MAX + 1;
	vsock_core_rx(v, &h, NULL);		/* longer than any packet */
	assert_int_equal(nsent, 0);
	assert_int_equal(v->dropped, 3);
	from_host(VSOCK_OP_RST, HPORT, PORT, NULL, 0, 0, 0, 0);	/* RST for nothing */
	assert_int_equal(nsent, 0);
	from_host(VSOCK_OP_RW, HPORT, PORT, "x", 1, 0, 0, 0);	/* data for nothing */
	expect_sent(VSOCK_OP_RST, PORT, HPORT);
	h.len = 0;
	h.type = 2;				/* seqpacket: not offered */
	vsock_core_rx(v, &h, NULL);
	expect_sent(VSOCK_OP_RST, PORT, 1);
	assert_int_equal(vsock_core_accept(v, PORT), -EAGAIN);
}

static void test_unlisten_resets_pending(void **state)
{
	vsock_core_listen(v, PORT);
	from_host(VSOCK_OP_REQUEST, HPORT, PORT, NULL, 0, 0, 4096, 0);
	vsock_core_unlisten(v, PORT);
	expect_sent(VSOCK_OP_RST, PORT, HPORT);
	assert_int_equal(vsock_core_accept(v, PORT), -EAGAIN);
	assert_int_equal(vsock_core_listen(v, PORT), 0);
}

static void test_header_bytes(void **state)
{
	struct vsock_pkt h = { .src_cid = 0x0102030405060708ull, .dst_cid = 2, .src_port = 0x11223344,
			       .dst_port = 5, .len = 6, .type = 1, .op = 5, .flags = 3,
			       .buf_alloc = 0x10000, .fwd_cnt = 0xabcdef01 }, back;
	static const uint8_t want[44] = {
		8, 7, 6, 5, 4, 3, 2, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0x44, 0x33, 0x22, 0x11, 5, 0, 0, 0,
		6, 0, 0, 0, 1, 0, 5, 0, 3, 0, 0, 0, 0, 0, 1, 0, 0x01, 0xef, 0xcd, 0xab,
	};
	uint8_t b[44];

	vsock_hdr_put(b, &h);
	assert_memory_equal(b, want, 44);
	vsock_hdr_get(b, &back);
	assert_memory_equal(&back, &h, sizeof(h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_listen_accept_and_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_and_end_of_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_our_buffer_and_credit_updates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_credit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dropped_and_unanswered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unlisten_resets_pending, setup, teardown),
		cmocka_unit_test(test_header_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
