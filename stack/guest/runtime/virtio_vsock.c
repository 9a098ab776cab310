// SPDX-License-Identifier: Apache-2.0
/*
 * virtio-vsock (device 19): the plumbing around rtlib's vsock_core (the protocol and
 * credit logic). RX_BUFS receive buffers of header + VSOCK_PKT_MAX stay posted; each
 * packet is copied to private memory before it is parsed (the host can still write the
 * pool). Transmit uses TX_BUFS bounce buffers, reclaimed as the device completes them.
 * Every wait polls both queues (rt_vsock_pump), so the connection keeps moving while the
 * payload waits for anything.
 */
#include "stack/guest/runtime/virtio_internal.h"

#include "stack/guest/libc/string.h"
#include "stack/guest/rtlib/vsock_core.h"

#define RXQ		0
#define TXQ		1
#define EVQ		2
#define BUF_SIZE	(VSOCK_HDR_SIZE + VSOCK_PKT_MAX)
#define RX_BUFS		16
#define TX_BUFS		16
#define IDLE_NS		10000000ull	/* longest sleep of an unbounded wait between polls */

static struct {
	struct rt_vdev *dev;
	struct vsock_core core;
	uint8_t *rx[RX_BUFS];
	uint8_t *tx[TX_BUFS];
	bool tx_busy[TX_BUFS];
	uint8_t pkt[BUF_SIZE];		/* private copy of the packet being parsed */
} vs;

static int reap_tx(void)
{
	void *token;
	uint32_t len;
	int ret;

	while ((ret = rt_vq_poll(&vs.dev->q[TXQ], &token, &len)) == 1)
		for (int i = 0; i < TX_BUFS; i++)
			if (vs.tx[i] == token)
				vs.tx_busy[i] = false;
	return ret;
}

/* vsock_core's transmit callback: a free bounce buffer (waiting for one), copy, submit. */
static int transmit(void *ctx, const struct vsock_pkt *h, const void *data)
{
	uint64_t start = rt_time_ns();
	struct virtq_buf b;
	int slot = -1, ret;

	while (slot < 0) {
		ret = reap_tx();
		if (ret < 0)
			return ret;
		for (int i = 0; i < TX_BUFS && slot < 0; i++)
			if (!vs.tx_busy[i])
				slot = i;
		if (slot < 0 && rt_time_ns() - start > RT_VIRTIO_TIMEOUT_NS)
			return -RT_ETIMEDOUT;
	}
	vsock_hdr_put(vs.tx[slot], h);
	if (h->len)
		memcpy(vs.tx[slot] + VSOCK_HDR_SIZE, data, h->len);
	b = (struct virtq_buf){ rt_dma_addr(vs.tx[slot]), VSOCK_HDR_SIZE + h->len, false };
	ret = rt_vq_submit(&vs.dev->q[TXQ], &b, 1, vs.tx[slot]);
	if (ret == 0)
		vs.tx_busy[slot] = true;
	return ret;
}

static int post_rx(uint8_t *b)
{
	struct virtq_buf vb = { rt_dma_addr(b), BUF_SIZE, true };

	return rt_vq_submit(&vs.dev->q[RXQ], &vb, 1, b);
}

static int vsock_up(void)
{
	struct rt_vdev *d;
	int ret = 0;

	if (vs.dev)
		return vs.dev->broken ? -RT_EIO : 0;
	d = rt_virtio_find(VIRTIO_ID_VSOCK, 0);
	/* The event queue is set up (the device expects three) but never used: nothing
	 * here migrates. */
	if (!d || rt_virtio_start(d, 0, 3, RX_BUFS))
		return -RT_ENODEV;
	vs.dev = d;
	vsock_core_init(&vs.core, rt_virtio_cfg64(d, 0), transmit, (void *)0);
	/* CIDs 0..2 are reserved (2 is the host's) and CIDs are 32-bit in practice. */
	if (!d->broken && (vs.core.cid < 3 || vs.core.cid > 0xfffffffeu))
		rt_virtio_fail(d, "reports an impossible guest CID");
	if (d->broken)
		return -RT_EIO;
	for (int i = 0; i < TX_BUFS; i++)
		vs.tx[i] = rt_dma_alloc(BUF_SIZE);
	for (int i = 0; i < RX_BUFS && ret == 0; i++) {
		vs.rx[i] = rt_dma_alloc(BUF_SIZE);
		ret = post_rx(vs.rx[i]);
	}
	return ret;
}

/* One received packet: copy, check, hand to the core, repost the buffer. */
static int rx_packet(uint8_t *buf, uint32_t len)
{
	struct vsock_pkt h;

	if (len < VSOCK_HDR_SIZE)
		return rt_virtio_fail(vs.dev, "delivered a packet shorter than its header");
	memcpy(vs.pkt, buf, len);	/* len <= BUF_SIZE: virtq checked it */
	vsock_hdr_get(vs.pkt, &h);
	if (h.len > len - VSOCK_HDR_SIZE)
		return rt_virtio_fail(vs.dev, "delivered a packet longer than its buffer");
	vsock_core_rx(&vs.core, &h, vs.pkt + VSOCK_HDR_SIZE);
	return post_rx(buf);
}

void rt_vsock_pump(void)
{
	void *token;
	uint32_t len;

	if (!vs.dev || vs.dev->broken)
		return;
	while (rt_vq_poll(&vs.dev->q[RXQ], &token, &len) == 1)
		if (rx_packet(token, len))
			return;
	reap_tx();
	vsock_core_flush(&vs.core);
}

int rt_vsock_cid(uint64_t *cid)
{
	int ret = vsock_up();

	if (ret == 0)
		*cid = vs.core.cid;
	return ret;
}

int rt_vsock_listen(uint32_t port)
{
	int ret = vsock_up();

	return ret ? ret : vsock_core_listen(&vs.core, port);
}

void rt_vsock_unlisten(uint32_t port)
{
	if (vsock_up() == 0)
		vsock_core_unlisten(&vs.core, port);
}

/*
 * After a poll found nothing: with no limit, sleep until the device interrupts (or
 * IDLE_NS pass); with a limit, keep spinning, so that a timeout stays a measure of the
 * work the guest could not do rather than of how long it slept. True when the wait is
 * over.
 */
static bool expired(uint64_t start, uint64_t timeout_ns)
{
	if (timeout_ns == RT_VSOCK_FOREVER) {
		rt_virtio_idle(IDLE_NS);
		return false;
	}
	return rt_time_ns() - start >= timeout_ns;
}

static int dev_error(void)
{
	return vs.dev->broken ? -RT_EIO : 0;
}

int rt_vsock_accept(uint32_t port, uint64_t timeout_ns)
{
	uint64_t start = rt_time_ns();
	int ret = vsock_up();

	while (ret == 0) {
		rt_vsock_pump();
		ret = vsock_core_accept(&vs.core, port);
		if (ret != -RT_EAGAIN)
			return ret;
		ret = dev_error();
		if (ret == 0 && expired(start, timeout_ns))
			return -RT_EAGAIN;
	}
	return ret;
}

int rt_vsock_connect(uint32_t port, uint64_t timeout_ns)
{
	uint64_t start = rt_time_ns();
	int id, ret = vsock_up();

	if (ret)
		return ret;
	id = vsock_core_connect(&vs.core, port);
	while (id >= 0) {
		rt_vsock_pump();
		ret = vsock_core_connected(&vs.core, id);
		if (ret == 1)
			return id;
		if (ret < 0 || (ret = dev_error()) || expired(start, timeout_ns)) {
			vsock_core_close(&vs.core, id);
			return ret ? ret : -RT_ETIMEDOUT;
		}
	}
	return id;
}

long rt_vsock_send(int id, const void *buf, size_t len, uint64_t timeout_ns)
{
	uint64_t start = rt_time_ns();
	const uint8_t *p = buf;
	size_t done = 0;
	int ret = vsock_up();

	if (ret)
		return ret;
	while (done < len) {
		long n = vsock_core_send(&vs.core, id, p + done, len - done);

		if (n > 0) {
			done += (size_t)n;
			start = rt_time_ns();	/* progress: the timeout is per stall */
			continue;
		}
		if (n != -RT_EAGAIN)
			return n;
		rt_vsock_pump();
		if ((ret = dev_error()))
			return ret;
		if (expired(start, timeout_ns))
			return -RT_ETIMEDOUT;
	}
	return (long)len;
}

long rt_vsock_recv(int id, void *buf, size_t len, uint64_t timeout_ns)
{
	uint64_t start = rt_time_ns();
	int ret = vsock_up();

	if (ret)
		return ret;
	for (;;) {
		long n;

		rt_vsock_pump();
		n = vsock_core_recv(&vs.core, id, buf, len);
		if (n != -RT_EAGAIN)
			return n;
		if ((ret = dev_error()))
			return ret;
		if (expired(start, timeout_ns))
			return -RT_EAGAIN;
	}
}

void rt_vsock_close(int id)
{
	if (vsock_up() == 0) {
		vsock_core_close(&vs.core, id);
		rt_vsock_pump();
	}
}
