// SPDX-License-Identifier: Apache-2.0
/*
 * virtio-net (device 1), no offloads: each buffer is the 12-byte virtio_net_hdr then the
 * frame. RX_BUFS receive buffers stay posted; a received frame is copied to the caller
 * and its buffer reposted. One transmit buffer, one frame in flight.
 */
#include "stack/guest/runtime/virtio_internal.h"

#include "stack/guest/libc/string.h"

#define VIRTIO_NET_F_MAC	(1ull << 5)
#define RXQ			0
#define TXQ			1
#define NET_HDR			12u
#define FRAME_MIN		14u
#define FRAME_MAX		1514u
#define BUF_SIZE		(NET_HDR + FRAME_MAX)
#define RX_BUFS			8

static struct {
	struct rt_vdev *dev;
	uint8_t *rx[RX_BUFS], *tx;	/* DMA pool */
} net;

static int post_rx(uint8_t *b)
{
	struct virtq_buf vb = { rt_dma_addr(b), BUF_SIZE, true };

	return rt_vq_submit(&net.dev->q[RXQ], &vb, 1, b);
}

static int net_up(void)
{
	struct rt_vdev *d;
	int ret = 0;

	if (net.dev)
		return net.dev->broken ? -RT_EIO : 0;
	d = rt_virtio_find(VIRTIO_ID_NET, 0);
	if (!d || rt_virtio_start(d, VIRTIO_NET_F_MAC, 2, 16))
		return -RT_ENODEV;
	net.dev = d;
	net.tx = rt_dma_alloc(BUF_SIZE);
	for (int i = 0; i < RX_BUFS && ret == 0; i++) {
		net.rx[i] = rt_dma_alloc(BUF_SIZE);
		ret = post_rx(net.rx[i]);
	}
	return ret;
}

int rt_net_mac(uint8_t mac[6])
{
	int ret = net_up();

	if (ret)
		return ret;
	if (!(net.dev->features & VIRTIO_NET_F_MAC))
		return -RT_ENODEV;
	for (unsigned i = 0; i < 6; i++)
		mac[i] = rt_virtio_cfg8(net.dev, i);
	return 0;
}

int rt_net_send(const void *frame, size_t len)
{
	struct virtq_buf b;
	uint32_t used;
	int ret = net_up();

	if (ret)
		return ret;
	if (len < FRAME_MIN || len > FRAME_MAX)
		return -RT_EINVAL;
	memset(net.tx, 0, NET_HDR);	/* no offloads, num_buffers 0 */
	memcpy(net.tx + NET_HDR, frame, len);
	b = (struct virtq_buf){ rt_dma_addr(net.tx), (uint32_t)(NET_HDR + len), false };
	ret = rt_vq_submit(&net.dev->q[TXQ], &b, 1, net.tx);
	return ret ? ret : rt_vq_wait(&net.dev->q[TXQ], net.tx, &used, RT_VIRTIO_TIMEOUT_NS);
}

long rt_net_recv(void *frame, size_t cap, uint64_t timeout_ns)
{
	uint64_t start = rt_time_ns();
	void *token;
	uint32_t len;
	long n;
	int ret = net_up();

	if (ret)
		return ret;
	for (;;) {
		ret = rt_vq_poll(&net.dev->q[RXQ], &token, &len);
		if (ret < 0)
			return ret;
		if (ret == 1)
			break;
		if (rt_time_ns() - start >= timeout_ns)
			return -RT_EAGAIN;
	}
	/* len <= BUF_SIZE (virtq checked it against the buffer). */
	if (len < NET_HDR + FRAME_MIN)
		n = -RT_EIO;
	else if (len - NET_HDR > cap)
		n = -RT_EMSGSIZE;
	else {
		n = (long)(len - NET_HDR);
		memcpy(frame, (uint8_t *)token + NET_HDR, (size_t)n);
	}
	ret = post_rx(token);
	return ret ? ret : n;
}
