// SPDX-License-Identifier: Apache-2.0
/*
 * virtio-console (device 3), one port: transmitq writes go out 4 KiB at a time through
 * one bounce buffer; one 4 KiB receive buffer stays posted in receiveq, and what the
 * device fills is copied to private memory before the payload sees it.
 */
#include "stack/guest/runtime/virtio_internal.h"

#include "stack/guest/libc/string.h"

#define RXQ	0
#define TXQ	1
#define CHUNK	4096u

static struct {
	struct rt_vdev *dev;
	uint8_t *tx, *rx;		/* DMA pool */
	bool rx_posted;
	uint8_t pending[CHUNK];		/* private copy of received bytes not read yet */
	uint32_t pending_off, pending_len;
} con;

static int post_rx(void)
{
	struct virtq_buf b = { rt_dma_addr(con.rx), CHUNK, true };
	int ret = rt_vq_submit(&con.dev->q[RXQ], &b, 1, con.rx);

	con.rx_posted = ret == 0;
	return ret;
}

static int console_up(void)
{
	if (con.dev)
		return con.dev->broken ? -RT_EIO : 0;
	con.dev = rt_virtio_find(VIRTIO_ID_CONSOLE, 0);
	if (!con.dev || rt_virtio_start(con.dev, 0, 2, 8)) {
		con.dev = (struct rt_vdev *)0;
		return -RT_ENODEV;
	}
	con.tx = rt_dma_alloc(CHUNK);
	con.rx = rt_dma_alloc(CHUNK);
	return post_rx();
}

long rt_vcons_write(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t done = 0;
	int ret = console_up();

	while (ret == 0 && done < len) {
		uint32_t n = len - done < CHUNK ? (uint32_t)(len - done) : CHUNK, used;
		struct virtq_buf b = { rt_dma_addr(con.tx), n, false };

		memcpy(con.tx, p + done, n);
		ret = rt_vq_submit(&con.dev->q[TXQ], &b, 1, con.tx);
		if (ret == 0)
			ret = rt_vq_wait(&con.dev->q[TXQ], con.tx, &used, RT_VIRTIO_TIMEOUT_NS);
		done += n;
	}
	return ret ? ret : (long)len;
}

/* Take a filled receive buffer, if any, into the private copy and repost it. */
static int take_rx(void)
{
	void *token;
	uint32_t len;
	int ret = rt_vq_poll(&con.dev->q[RXQ], &token, &len);

	if (ret <= 0)
		return ret;
	/* virtq checked len <= CHUNK (the buffer's writable length). */
	memcpy(con.pending, con.rx, len);
	con.pending_off = 0;
	con.pending_len = len;
	return post_rx();
}

long rt_vcons_read(void *buf, size_t len, uint64_t timeout_ns)
{
	uint64_t start = rt_time_ns();
	uint32_t n;
	int ret = console_up();

	if (ret)
		return ret;
	while (con.pending_len == 0) {
		ret = take_rx();
		if (ret < 0)
			return ret;
		if (con.pending_len == 0 && rt_time_ns() - start >= timeout_ns)
			return -RT_EAGAIN;
	}
	n = len < con.pending_len ? (uint32_t)len : con.pending_len;
	memcpy(buf, con.pending + con.pending_off, n);
	con.pending_off += n;
	con.pending_len -= n;
	return n;
}
