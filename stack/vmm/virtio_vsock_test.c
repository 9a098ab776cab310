// SPDX-License-Identifier: MIT
/*
 * virtio-vsock (virtio_vsock.c, vsock_host.c) with the test playing both ends: the guest
 * driver (packets in the tx queue, buffers in the rx queue) and host programs on the Unix
 * sockets. Covers the host-initiated handshake ("CONNECT p" / "OK hp"), guest-initiated
 * connections to "<path>_P", data both ways, credit-based flow control both ways, half
 * and full shutdown, every RST the device sends, malformed packets breaking only the
 * device, and device reset closing the host sides.
 */
#include <errno.h>
#include <poll.h>
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

#include "lib/fault/fault.h"
#include "stack/vmm/virtio_fake_driver.h"
#include "stack/vmm/virtio_internal.h"

#define BASE	0x80000000ull
#define SIZE	(4ull << 20)
#define F	(1ull << VIRTIO_F_VERSION_1)
#define CID	3
#define RXQ	0
#define TXQ	1
#define QSZ	64
#define HDR	44
#define RXBUF	4096	/* payload room of each rx buffer */
#define NRX	16

enum { OP_REQUEST = 1, OP_RESPONSE, OP_RST, OP_SHUTDOWN, OP_RW, OP_CREDIT_UPDATE,
       OP_CREDIT_REQUEST };

struct pkt {
	uint64_t src_cid, dst_cid;
	uint32_t src_port, dst_port, len;
	uint16_t type, op;
	uint32_t flags, buf_alloc, fwd_cnt;
	uint8_t data[RXBUF];
};

struct fx {
	struct vdrv_env env;
	char dir[64], uds[96];
	uint64_t rx_addr[QSZ];	/* rx buffer of each descriptor head */
	uint64_t tx;		/* one tx packet buffer, reused (the device is synchronous) */
};

/* ---- the guest side ------------------------------------------------------------------- */

static void post_rx(struct fx *f, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t a = vdrv_alloc(&f->env.d, HDR + RXBUF);
		uint16_t head = vdrv_submit(&f->env.d, RXQ,
					    &(struct vdrv_buf){ a, HDR + RXBUF, true }, 1);

		f->rx_addr[head] = a;
	}
}

static void start(struct fx *f)
{
	assert_int_equal(vdrv_init(&f->env.d, VIRTIO_ID_VSOCK, F, 3, QSZ), 0);
	f->tx = vdrv_alloc(&f->env.d, HDR + (64 << 10) + 16);
	post_rx(f, NRX);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct virtio_vsock_config cfg = { .guest_cid = CID, .vm_name = "vsockvm" };
	struct virtio_device *dev;

	strcpy(f->dir, "/tmp/avf-vsock-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->uds, sizeof(f->uds), "%s/v.sock", f->dir);
	cfg.uds_path = f->uds;
	assert_int_equal(virtio_vsock_create(&cfg, &dev), 0);
	assert_int_equal(vdrv_env_init(&f->env, dev, BASE, SIZE, true), 0);
	start(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char path[128];

	vdrv_env_fini(&f->env);
	assert_int_equal(access(f->uds, F_OK), -1);	/* the listener is removed */
	for (int p = 5000; p < 5010; p++) {
		snprintf(path, sizeof(path), "%s_%d", f->uds, p);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void tx_raw(struct fx *f, const struct pkt *p, const void *data, uint32_t buf_len)
{
	uint8_t h[HDR];

	virtio_put_le64(h, p->src_cid);
	virtio_put_le64(h + 8, p->dst_cid);
	virtio_put_le32(h + 16, p->src_port);
	virtio_put_le32(h + 20, p->dst_port);
	virtio_put_le32(h + 24, p->len);
	virtio_put_le16(h + 28, p->type);
	virtio_put_le16(h + 30, p->op);
	virtio_put_le32(h + 32, p->flags);
	virtio_put_le32(h + 36, p->buf_alloc);
	virtio_put_le32(h + 40, p->fwd_cnt);
	vdrv_poke(&f->env.d, f->tx, h, HDR);
	if (data)
		vdrv_poke(&f->env.d, f->tx + HDR, data, p->len);
	vdrv_submit(&f->env.d, TXQ, &(struct vdrv_buf){ f->tx, buf_len, false }, 1);
}

/* A well-formed packet from the guest (guest port gp, host port hp). */
static void tx(struct fx *f, uint16_t op, uint32_t gp, uint32_t hp, uint32_t flags,
	       uint32_t buf_alloc, uint32_t fwd_cnt, const void *data, uint32_t len)
{
	struct pkt p = { .src_cid = CID, .dst_cid = 2, .src_port = gp, .dst_port = hp,
			 .len = len, .type = 1, .op = op, .flags = flags,
			 .buf_alloc = buf_alloc, .fwd_cnt = fwd_cnt };

	tx_raw(f, &p, data, HDR + len);
}

/* The next packet the device gave the guest; its buffer goes straight back. */
static bool rx(struct fx *f, struct pkt *p)
{
	uint8_t h[HDR];
	uint32_t id, len;

	if (!vdrv_get_used(&f->env.d, RXQ, &id, &len))
		return false;
	assert_true(len >= HDR && id < QSZ);
	vdrv_peek(&f->env.d, f->rx_addr[id], h, HDR);
	*p = (struct pkt){
		.src_cid = virtio_le64(h), .dst_cid = virtio_le64(h + 8),
		.src_port = virtio_le32(h + 16), .dst_port = virtio_le32(h + 20),
		.len = virtio_le32(h + 24), .type = virtio_le16(h + 28), .op = virtio_le16(h + 30),
		.flags = virtio_le32(h + 32), .buf_alloc = virtio_le32(h + 36),
		.fwd_cnt = virtio_le32(h + 40),
	};
	assert_int_equal(len, HDR + p->len);
	vdrv_peek(&f->env.d, f->rx_addr[id] + HDR, p->data, p->len);
	f->rx_addr[vdrv_submit(&f->env.d, RXQ,
			       &(struct vdrv_buf){ f->rx_addr[id], HDR + RXBUF, true }, 1)] =
		f->rx_addr[id];
	return true;
}

/* I/O rounds until the guest has a packet (bounded); fails the test if none comes. */
static void rx_expect(struct fx *f, struct pkt *p, uint16_t op)
{
	for (int i = 0; i < 8; i++) {
		if (rx(f, p)) {
			assert_int_equal(p->op, op);
			assert_int_equal(p->src_cid, 2);
			assert_int_equal(p->dst_cid, CID);
			assert_int_equal(p->type, 1);
			return;
		}
		vdrv_env_io(&f->env);
	}
	fail_msg("no packet with op %u", op);
}

static void rx_none(struct fx *f)
{
	struct pkt p;

	for (int i = 0; i < 3; i++)
		vdrv_env_io(&f->env);
	if (rx(f, &p))
		fail_msg("unexpected packet op %u len %u", p.op, p.len);
}

/* ---- the host side -------------------------------------------------------------------- */

static int unix_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static int unix_listen(struct fx *f, int port)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s_%d", f->uds, port);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

/* Read exactly len bytes (bounded wait). */
static void host_read(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		assert_int_equal(poll(&p, 1, 5000), 1);
		n = recv(fd, (char *)buf + got, len - got, 0);
		assert_true(n > 0);
		got += (size_t)n;
	}
}

static bool host_sees_eof(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	return poll(&p, 1, 5000) == 1 && recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

static bool host_has_nothing(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

/* Host client connects to guest port gport; returns the host port the device chose. */
static uint32_t host_initiates(struct fx *f, int *client, uint32_t gport, const char *extra)
{
	char line[64];
	struct pkt p;

	*client = unix_connect(f->uds);
	snprintf(line, sizeof(line), "CONNECT %u\n%s", gport, extra);
	assert_int_equal(write(*client, line, strlen(line)), (ssize_t)strlen(line));
	rx_expect(f, &p, OP_REQUEST);
	assert_int_equal(p.dst_port, gport);
	assert_true(p.src_port >= (1u << 30));
	assert_int_equal(p.buf_alloc, 256 << 10);
	assert_int_equal(p.len, 0);
	return p.src_port;
}

/* Guest connects to host port hport (listener lfd); returns the host's accepted fd. */
static int guest_initiates(struct fx *f, int lfd, uint32_t gport, uint32_t hport,
			   uint32_t buf_alloc)
{
	struct pkt p;
	int fd;

	tx(f, OP_REQUEST, gport, hport, 0, buf_alloc, 0, NULL, 0);
	rx_expect(f, &p, OP_RESPONSE);
	assert_int_equal(p.src_port, hport);
	assert_int_equal(p.dst_port, gport);
	fd = accept(lfd, NULL, NULL);
	assert_true(fd >= 0);
	return fd;
}

/* ---- tests ------------------------------------------------------------------------------- */

static void config_holds_the_cid(void **state)
{
	struct fx *f = *state;
	uint64_t v;

	virtio_mmio_read(f->env.t, VIRTIO_MMIO_CONFIG, 8, &v);
	assert_int_equal(v, CID);
	assert_int_equal(vdrv_read32(&f->env.d, VIRTIO_MMIO_DEVICE_ID), 19);
}

static void host_connects_to_guest(void **state)
{
	struct fx *f = *state;
	char ok[32], expect[32], buf[8];
	uint32_t hp;
	struct pkt p;
	int c;

	hp = host_initiates(f, &c, 1234, "early");
	assert_true(host_has_nothing(c));	/* no "OK" before the guest accepts */
	tx(f, OP_RESPONSE, 1234, hp, 0, 64 << 10, 0, NULL, 0);
	snprintf(expect, sizeof(expect), "OK %u\n", hp);
	host_read(c, ok, strlen(expect));
	assert_memory_equal(ok, expect, strlen(expect));
	/* The bytes sent right after the line are the start of the stream. */
	rx_expect(f, &p, OP_RW);
	assert_int_equal(p.len, 5);
	assert_memory_equal(p.data, "early", 5);
	assert_int_equal(write(c, "ping", 4), 4);
	rx_expect(f, &p, OP_RW);
	assert_int_equal(p.src_port, hp);
	assert_int_equal(p.dst_port, 1234);
	assert_memory_equal(p.data, "ping", 4);
	tx(f, OP_RW, 1234, hp, 0, 64 << 10, 9, "pong", 4);
	host_read(c, buf, 4);
	assert_memory_equal(buf, "pong", 4);
	assert_false(vdrv_env_stats(&f->env).broken);
	close(c);
}

static void guest_refuses(void **state)
{
	struct fx *f = *state;
	uint32_t hp;
	int c;

	hp = host_initiates(f, &c, 80, "");
	tx(f, OP_RST, 80, hp, 0, 0, 0, NULL, 0);
	assert_true(host_sees_eof(c));
	close(c);
	rx_none(f);
}

static void guest_connects_to_host(void **state)
{
	struct fx *f = *state;
	int l = unix_listen(f, 5000), h;
	char buf[8];
	struct pkt p;

	h = guest_initiates(f, l, 777, 5000, 64 << 10);
	tx(f, OP_RW, 777, 5000, 0, 64 << 10, 0, "hello", 5);
	host_read(h, buf, 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(write(h, "world", 5), 5);
	rx_expect(f, &p, OP_RW);
	assert_int_equal(p.len, 5);
	assert_memory_equal(p.data, "world", 5);
	assert_int_equal(p.fwd_cnt, 5);	/* what reached the host, as credit */
	close(h);
	close(l);
}

static void refusals_are_rst(void **state)
{
	struct fx *f = *state;
	struct pkt p;

	/* Nobody listens on host port 5001. */
	tx(f, OP_REQUEST, 10, 5001, 0, 4096, 0, NULL, 0);
	rx_expect(f, &p, OP_RST);
	assert_int_equal(p.src_port, 5001);
	assert_int_equal(p.dst_port, 10);
	/* Data for no connection. */
	tx(f, OP_RW, 11, 5002, 0, 4096, 0, "x", 1);
	rx_expect(f, &p, OP_RST);
	assert_int_equal(p.dst_port, 11);
	/* A wrong destination CID, and a type we do not do (SEQPACKET). */
	struct pkt bad = { .src_cid = CID, .dst_cid = 7, .src_port = 12, .dst_port = 5000,
			   .type = 1, .op = OP_REQUEST };
	tx_raw(f, &bad, NULL, HDR);
	rx_expect(f, &p, OP_RST);
	bad.dst_cid = 2;
	bad.type = 2;
	tx_raw(f, &bad, NULL, HDR);
	rx_expect(f, &p, OP_RST);
	/* RST for nothing gets nothing; a spoofed source CID gets nothing either. */
	tx(f, OP_RST, 13, 5000, 0, 0, 0, NULL, 0);
	bad = (struct pkt){ .src_cid = 99, .dst_cid = 2, .src_port = 14, .dst_port = 5000,
			    .type = 1, .op = OP_REQUEST };
	tx_raw(f, &bad, NULL, HDR);
	rx_none(f);
	assert_false(vdrv_env_stats(&f->env).broken);
}

static void unknown_op_and_duplicate_request_reset_the_connection(void **state)
{
	struct fx *f = *state;
	int l = unix_listen(f, 5003), h;
	struct pkt p;

	h = guest_initiates(f, l, 20, 5003, 4096);
	tx(f, OP_REQUEST, 20, 5003, 0, 4096, 0, NULL, 0);
	rx_expect(f, &p, OP_RST);
	assert_true(host_sees_eof(h));
	close(h);
	h = guest_initiates(f, l, 21, 5003, 4096);
	tx(f, 99, 21, 5003, 0, 4096, 0, NULL, 0);
	rx_expect(f, &p, OP_RST);
	assert_true(host_sees_eof(h));
	close(h);
	close(l);
}

static void credit_limits_what_the_guest_gets(void **state)
{
	struct fx *f = *state;
	int l = unix_listen(f, 5004), h;
	char big[100];
	struct pkt p;

	memset(big, 'q', sizeof(big));
	h = guest_initiates(f, l, 30, 5004, 10);	/* the guest can take 10 bytes */
	assert_int_equal(write(h, big, 100), 100);
	rx_expect(f, &p, OP_RW);
	assert_int_equal(p.len, 10);
	rx_none(f);
	/* The guest consumed them and has more room: the rest flows. */
	tx(f, OP_CREDIT_UPDATE, 30, 5004, 0, 1000, 10, NULL, 0);
	rx_expect(f, &p, OP_RW);
	assert_int_equal(p.len, 90);
	rx_none(f);
	/* A guest whose counters claim more in flight than its buffer: no credit at all. */
	tx(f, OP_CREDIT_UPDATE, 30, 5004, 0, 10, 200, NULL, 0);
	assert_int_equal(write(h, big, 1), 1);
	rx_none(f);
	close(h);
	close(l);
}

static void credit_request_and_updates(void **state)
{
	struct fx *f = *state;
	int l = unix_listen(f, 5005), h;
	uint8_t *chunk = calloc(1, 64 << 10), *sink = malloc(64 << 10);
	struct pkt p;

	h = guest_initiates(f, l, 40, 5005, 4096);
	tx(f, OP_CREDIT_REQUEST, 40, 5005, 0, 4096, 0, NULL, 0);
	rx_expect(f, &p, OP_CREDIT_UPDATE);
	assert_int_equal(p.buf_alloc, 256 << 10);
	assert_int_equal(p.fwd_cnt, 0);
	/* Send 3 x 64 KiB while the host reads: past half our buffer, the device tells the
	 * guest how much reached the host before the guest runs dry. */
	for (int i = 0; i < 3; i++) {
		tx(f, OP_RW, 40, 5005, 0, 4096, 0, chunk, 64 << 10);
		host_read(h, sink, 64 << 10);
		vdrv_env_io(&f->env);
	}
	rx_expect(f, &p, OP_CREDIT_UPDATE);
	assert_int_equal(p.fwd_cnt, 3 * (64 << 10));
	free(chunk);
	free(sink);
	close(h);
	close(l);
}

static void credit_violation_resets(void **state)
{
	struct fx *f = *state;
	int l = unix_listen(f, 5006), h;
	uint8_t *chunk = calloc(1, 64 << 10);
	struct pkt p;
	bool reset = false;

	h = guest_initiates(f, l, 50, 5006, 4096);
	/* The host never reads: its socket fills, then our 256 KiB, then one too many. */
	for (int i = 0; i < 64 && !reset; i++) {
		tx(f, OP_RW, 50, 5006, 0, 4096, 0, chunk, 64 << 10);
		while (rx(f, &p))
			reset |= p.op == OP_RST;
	}
	assert_true(reset);
	assert_false(vdrv_env_stats(&f->env).broken);
	free(chunk);
	close(h);
	close(l);
}

static void shutdown_half_then_full(void **state)
{
	struct fx *f = *state;
	int l = unix_listen(f, 5007), h;
	char buf[4];
	struct pkt p;

	h = guest_initiates(f, l, 60, 5007, 4096);
	tx(f, OP_RW, 60, 5007, 0, 4096, 0, "abc", 3);
	tx(f, OP_SHUTDOWN, 60, 5007, 2, 4096, 0, NULL, 0);	/* SEND: no more from the guest */
	host_read(h, buf, 3);
	assert_true(host_sees_eof(h));	/* the host sees the half-close ... */
	assert_int_equal(write(h, "xyz", 3), 3);	/* ... and can still talk */
	rx_expect(f, &p, OP_RW);
	assert_memory_equal(p.data, "xyz", 3);
	/* Data after the guest said it would send none: reset. */
	tx(f, OP_RW, 60, 5007, 0, 4096, 0, "!", 1);
	rx_expect(f, &p, OP_RST);
	close(h);
	/* A full shutdown is answered with RST, and the host side is closed. */
	h = guest_initiates(f, l, 61, 5007, 4096);
	tx(f, OP_SHUTDOWN, 61, 5007, 3, 4096, 0, NULL, 0);
	rx_expect(f, &p, OP_RST);
	assert_int_equal(p.dst_port, 61);
	assert_true(host_sees_eof(h));
	close(h);
	close(l);
}

static void host_close_is_a_shutdown(void **state)
{
	struct fx *f = *state;
	int l = unix_listen(f, 5008), h;
	struct pkt p;

	h = guest_initiates(f, l, 70, 5008, 4096);
	assert_int_equal(write(h, "bye", 3), 3);
	close(h);
	rx_expect(f, &p, OP_RW);
	assert_memory_equal(p.data, "bye", 3);
	rx_expect(f, &p, OP_SHUTDOWN);
	assert_int_equal(p.flags, 2);	/* the host will send nothing more */
	tx(f, OP_SHUTDOWN, 70, 5008, 3, 4096, 3, NULL, 0);
	rx_expect(f, &p, OP_RST);
	rx_none(f);
	close(l);
}

static void bad_connect_lines_close_the_client(void **state)
{
	struct fx *f = *state;
	const char *bad[] = { "HELLO 5\n", "CONNECT 99999999999\n", "CONNECT \n",
			      "CONNECT 12 \n", "CONNECT 123456789012345678901234567890" };

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int c = unix_connect(f->uds);

		assert_int_equal(write(c, bad[i], strlen(bad[i])), (ssize_t)strlen(bad[i]));
		for (int k = 0; k < 3; k++)
			vdrv_env_io(&f->env);
		assert_true(host_sees_eof(c));
		close(c);
	}
	rx_none(f);
}

static void reset_closes_host_sides(void **state)
{
	struct fx *f = *state;
	int l = unix_listen(f, 5009), h, c;
	uint32_t hp;

	h = guest_initiates(f, l, 90, 5009, 4096);
	hp = host_initiates(f, &c, 91, "");
	(void)hp;
	vdrv_write32(&f->env.d, VIRTIO_MMIO_STATUS, 0);
	assert_true(host_sees_eof(h));
	assert_true(host_sees_eof(c));
	close(h);
	close(c);
	/* Host clients that connect before the driver is up wait for it. */
	c = unix_connect(f->uds);
	assert_int_equal(write(c, "CONNECT 92\n", 11), 11);
	for (int k = 0; k < 3; k++)
		vdrv_env_io(&f->env);
	start(f);
	struct pkt p;
	rx_expect(f, &p, OP_REQUEST);
	assert_int_equal(p.dst_port, 92);
	close(c);
	close(l);
}

static void malformed_packets_break_the_device(void **state)
{
	struct fx *f = *state;
	struct pkt p = { .src_cid = CID, .dst_cid = 2, .type = 1, .op = OP_RW, .len = 100 };
	int c;

	/* Shorter than a header. */
	tx_raw(f, &p, NULL, HDR - 1);
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason,
			    "vsock: packet shorter than its header");
	/* A length beyond the buffer. */
	start(f);
	tx_raw(f, &p, NULL, HDR + 10);
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason,
			    "vsock: payload length beyond the buffer");
	/* A writable buffer in the tx queue. */
	start(f);
	vdrv_submit(&f->env.d, TXQ, &(struct vdrv_buf){ f->tx, HDR, true }, 1);
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason,
			    "vsock: device-writable buffer in tx queue");
	/* An rx buffer too small for a header, found when a packet is due. */
	assert_int_equal(vdrv_init(&f->env.d, VIRTIO_ID_VSOCK, F, 3, QSZ), 0);
	f->tx = vdrv_alloc(&f->env.d, HDR + 64);
	vdrv_submit(&f->env.d, RXQ, &(struct vdrv_buf){ f->tx + HDR, 20, true }, 1);
	tx(f, OP_RW, 1, 2, 0, 0, 0, NULL, 0);	/* earns an RST */
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason,
			    "vsock: rx buffer shorter than a header");
	/* The packet header in a page the guest did not share (one of its own). */
	start(f);
	f->tx = BASE + 0x1000;
	guest_mem_buf_share(&f->env.gm, f->tx, 1, false);
	tx(f, OP_RW, 1, 2, 0, 0, 0, NULL, 0);
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason, "vsock: buffer not accessible");
	/* Through all of it the host side kept working: a reset device serves again. */
	start(f);
	host_initiates(f, &c, 5, "");
	close(c);
}

static void protocol_violations_on_a_connection(void **state)
{
	struct fx *f = *state;
	int l = unix_listen(f, 5000), h, c;
	struct pkt p;
	uint32_t hp;

	/* RESPONSE to a connection that is already established. */
	h = guest_initiates(f, l, 100, 5000, 4096);
	tx(f, OP_RESPONSE, 100, 5000, 0, 4096, 0, NULL, 0);
	rx_expect(f, &p, OP_RST);
	assert_true(host_sees_eof(h));
	close(h);
	/* Data and SHUTDOWN before the guest accepted a host-initiated connection. */
	hp = host_initiates(f, &c, 101, "");
	tx(f, OP_RW, 101, hp, 0, 4096, 0, "early", 5);
	rx_expect(f, &p, OP_RST);
	assert_int_equal(p.src_port, hp);
	assert_true(host_sees_eof(c));
	close(c);
	hp = host_initiates(f, &c, 102, "");
	tx(f, OP_SHUTDOWN, 102, hp, 3, 4096, 0, NULL, 0);
	rx_expect(f, &p, OP_RST);
	close(c);
	/* A wrong destination CID on a live connection resets it; after its RST the pair is
	 * unknown, so the next packet gets an RST of its own. */
	h = guest_initiates(f, l, 103, 5000, 4096);
	struct pkt bad = { .src_cid = CID, .dst_cid = 9, .src_port = 103, .dst_port = 5000,
			   .type = 1, .op = OP_RW };
	tx_raw(f, &bad, NULL, HDR);
	rx_expect(f, &p, OP_RST);
	tx(f, OP_CREDIT_REQUEST, 103, 5000, 0, 4096, 0, NULL, 0);
	rx_expect(f, &p, OP_RST);
	rx_none(f);
	assert_true(host_sees_eof(h));
	close(h);
	close(l);
}

static void connection_table_is_bounded(void **state)
{
	struct fx *f = *state;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	struct pkt p;
	int opened = 0;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s_5001", f->uds);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 128), 0);
	for (uint32_t gp = 1000; gp < 1065; gp++) {
		tx(f, OP_REQUEST, gp, 5001, 0, 4096, 0, NULL, 0);
		rx_expect(f, &p, gp < 1064 ? OP_RESPONSE : OP_RST);
		opened += p.op == OP_RESPONSE;
	}
	assert_int_equal(opened, 64);
	/* Closing one frees a slot. */
	tx(f, OP_RST, 1000, 5001, 0, 0, 0, NULL, 0);
	tx(f, OP_REQUEST, 2000, 5001, 0, 4096, 0, NULL, 0);
	rx_expect(f, &p, OP_RESPONSE);
	close(l);
}

/* vsock.drop on guest data: the bytes never reach the host, both ends are reset. */
static void injected_drop_guest_to_host(void **state)
{
	struct fx *f = *state;
	int l = unix_listen(f, 5000), h;
	struct pkt p;

	h = guest_initiates(f, l, 700, 5000, 64 << 10);
	assert_int_equal(fault_configure("vsock.drop:at=1:vm=vsockvm", NULL, 0), 0);
	tx(f, OP_RW, 700, 5000, 0, 64 << 10, 0, "lost!", 5);
	rx_expect(f, &p, OP_RST);
	assert_int_equal(p.src_port, 5000);
	assert_int_equal(p.dst_port, 700);
	assert_true(host_sees_eof(h));		/* closed without a byte */
	assert_int_equal(fault_fired("vsock.drop"), 1);
	assert_false(vdrv_env_stats(&f->env).broken);
	assert_int_equal(fault_configure(NULL, NULL, 0), 0);
	close(h);
	close(l);
}

/* vsock.drop on host data: the guest gets an RST instead, the host socket is closed. */
static void injected_drop_host_to_guest(void **state)
{
	struct fx *f = *state;
	int l = unix_listen(f, 5001), h;
	char buf[8];
	struct pkt p;

	h = guest_initiates(f, l, 701, 5001, 64 << 10);
	/* Hit 1: the guest's "hello" (delivered); hit 2: the host's "world" (lost). */
	assert_int_equal(fault_configure("vsock.drop:at=2", NULL, 0), 0);
	tx(f, OP_RW, 701, 5001, 0, 64 << 10, 0, "hello", 5);
	host_read(h, buf, 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(write(h, "world", 5), 5);
	rx_expect(f, &p, OP_RST);
	assert_int_equal(p.dst_port, 701);
	assert_true(host_sees_eof(h));
	assert_int_equal(fault_hits("vsock.drop"), 2);
	assert_int_equal(fault_fired("vsock.drop"), 1);
	assert_int_equal(fault_configure(NULL, NULL, 0), 0);
	close(h);
	close(l);
}

static void create_errors(void **state)
{
	struct fx *f = *state;
	struct virtio_vsock_config cfg = { .guest_cid = 2, .uds_path = "/tmp/x" };
	struct virtio_device *dev;
	char longp[200];

	assert_int_equal(virtio_vsock_create(&cfg, &dev), -EINVAL);	/* reserved CID */
	cfg.guest_cid = 3;
	cfg.uds_path = NULL;
	assert_int_equal(virtio_vsock_create(&cfg, &dev), -EINVAL);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = 0;
	cfg.uds_path = longp;
	assert_int_equal(virtio_vsock_create(&cfg, &dev), -ENAMETOOLONG);
	cfg.uds_path = f->dir;	/* a directory is not replaced */
	assert_int_equal(virtio_vsock_create(&cfg, &dev), -EEXIST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(injected_drop_guest_to_host),
		T(injected_drop_host_to_guest),
		T(config_holds_the_cid),
		T(host_connects_to_guest),
		T(guest_refuses),
		T(guest_connects_to_host),
		T(refusals_are_rst),
		T(unknown_op_and_duplicate_request_reset_the_connection),
		T(credit_limits_what_the_guest_gets),
		T(credit_request_and_updates),
		T(credit_violation_resets),
		T(shutdown_half_then_full),
		T(host_close_is_a_shutdown),
		T(bad_connect_lines_close_the_client),
		T(reset_closes_host_sides),
		T(malformed_packets_break_the_device),
		T(protocol_violations_on_a_connection),
		T(connection_table_is_bounded),
		T(create_errors),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
