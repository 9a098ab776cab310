// SPDX-License-Identifier: MIT
/*
 * virtio-net (virtio 1.2, 5.1): one receiveq (0) / transmitq (1) pair, no control queue,
 * no offloads, no mergeable buffers. Every buffer starts with the 12-byte
 * virtio_net_hdr of VERSION_1 devices; frames are plain Ethernet frames of 14..1514
 * bytes.
 *
 * The backend is one non-blocking fd that carries one frame per read/write: a datagram
 * port on the user-space switch, or a TAP interface. Received frames are read only while
 * there is a place to put them: at most one frame waits in the device for an RX buffer,
 * and the backend fd is polled only when that slot is free, so a guest that stops
 * reading pushes back on the backend (whose own queue then drops), never on the VMM.
 *
 * Hostile guests: a chain of the wrong direction, a transmit chain shorter than the
 * header and unreachable buffers break the device; a transmitted frame with offload
 * flags (none were offered), or of an impossible length, is dropped and counted; a
 * receive buffer too small for the waiting frame is left in the ring and the frame
 * dropped, so tiny buffers cannot wedge the queue.
 *
 * Injected fault net.drop (lib/fault, matched with the VM's name): a frame in either
 * direction is lost and counted as dropped, as Ethernet may lose any frame.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fault/fault.h"
#include "stack/vmm/virtio_internal.h"

#define VIRTIO_NET_F_MTU	3
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_S_LINK_UP	1
#define NET_HDR			12u	/* flags, gso_type, hdr_len, gso_size, csum x2, num_buffers */
#define NET_MTU			1500u
#define NET_MIN_FRAME		14u
#define NET_CONFIG_SIZE		12u	/* mac, status, max_virtqueue_pairs, mtu */
#define NET_RX_BATCH		64	/* frames per process_io call, for fairness */
#define RXQ			0
#define TXQ			1

struct net {
	struct virtio_device dev;
	uint8_t mac[6];
	int fd;				/* backend */
	struct pcap_writer *pcap;
	uint8_t rx[NET_HDR + VIRTIO_NET_MAX_FRAME];	/* header + the waiting frame */
	size_t rx_len;			/* frame bytes waiting, 0 = slot free */
	uint8_t tx[NET_HDR + VIRTIO_NET_MAX_FRAME];
	uint8_t junk[65536];		/* oversized frames are read into here and dropped */
	uint64_t tx_frames, rx_frames, tx_dropped, rx_dropped;
	char vm_name[64];		/* fault rules with vm= */
};

static struct net *to_net(struct virtio_device *dev)
{
	return container_of_virtio(dev, struct net, dev);
}

/* ---- transmit --------------------------------------------------------------------------- */

/* A frame the guest may send: no offload flags, a sane length. */
static bool tx_frame_ok(const uint8_t *hdr, uint64_t frame_len)
{
	return hdr[0] == 0 && hdr[1] == 0 && frame_len >= NET_MIN_FRAME &&
	       frame_len <= VIRTIO_NET_MAX_FRAME;
}

/* One transmit chain. false: the device is broken. */
static bool net_tx_one(struct net *n, struct virtq *q, const struct virtq_chain *c)
{
	uint64_t frame_len;

	if (c->writable_len) {
		virtio_dev_broken(&n->dev, "net: device-writable buffer in transmitq");
		return false;
	}
	if (c->readable_len < NET_HDR) {
		virtio_dev_broken(&n->dev, "net: transmit chain shorter than the header");
		return false;
	}
	frame_len = c->readable_len - NET_HDR;
	if (virtq_chain_read(q, c, 0, n->tx, NET_HDR) ||
	    (frame_len <= VIRTIO_NET_MAX_FRAME &&
	     virtq_chain_read(q, c, NET_HDR, n->tx + NET_HDR, frame_len))) {
		virtio_dev_broken(&n->dev, "net: buffer not accessible");
		return false;
	}
	if (!tx_frame_ok(n->tx, frame_len) || fault_hit_vm("net.drop", n->vm_name)) {
		n->tx_dropped++;	/* refused, or lost on the wire (injected) */
		return true;
	}
	if (n->pcap)
		pcap_write_frame(n->pcap, n->tx + NET_HDR, frame_len);
	/* Non-blocking: a full backend (EAGAIN) or a TAP that is down (EIO) drops it. */
	if (write(n->fd, n->tx + NET_HDR, frame_len) != (ssize_t)frame_len)
		n->tx_dropped++;
	else
		n->tx_frames++;
	return true;
}

static void net_tx(struct net *n)
{
	struct virtq *q = virtio_dev_queue(&n->dev, TXQ);
	struct virtq_chain c;
	int ret = 0;

	if (!q)
		return;
	/* One ring's worth per notification: the driver notifies again for more. */
	for (unsigned i = 0; i < q->num && (ret = virtq_pop(q, &c)) > 0; i++) {
		if (!net_tx_one(n, q, &c))
			return;
		if (virtq_push(q, &c, 0)) {
			ret = -EFAULT;
			break;
		}
	}
	if (ret < 0) {
		virtio_dev_broken(&n->dev, q->error);
		return;
	}
	virtio_dev_signal_used(&n->dev, TXQ);
}

/* ---- receive ------------------------------------------------------------------------------ */

/*
 * Put the waiting frame into the next RX buffer. Returns 2 if delivered, 1 if dropped
 * because it did not fit, 0 if there is no RX buffer, -1 if the device broke.
 */
static int deliver_frame(struct net *n, struct virtq *q)
{
	uint64_t total = NET_HDR + n->rx_len;
	struct virtq_chain c;
	int ret = virtq_pop(q, &c);

	if (ret <= 0) {
		if (ret < 0)
			virtio_dev_broken(&n->dev, q->error);
		return ret < 0 ? -1 : 0;
	}
	if (c.nr_readable) {
		virtio_dev_broken(&n->dev, "net: device-readable buffer in receiveq");
		return -1;
	}
	if (c.writable_len < total) {
		virtq_unpop(q);	/* keep the buffer for a smaller frame */
		n->rx_dropped++;
		n->rx_len = 0;
		return 1;
	}
	memset(n->rx, 0, NET_HDR);
	virtio_put_le16(n->rx + 10, 1);		/* num_buffers */
	if (virtq_chain_write(q, &c, 0, n->rx, total)) {
		virtio_dev_broken(&n->dev, "net: buffer not accessible");
		return -1;
	}
	if (virtq_push(q, &c, (uint32_t)total)) {
		virtio_dev_broken(&n->dev, q->error);
		return -1;
	}
	n->rx_frames++;
	n->rx_len = 0;
	return 2;
}

/* Read the next frame from the backend into the slot. false: nothing (more) to read. */
static bool read_frame(struct net *n)
{
	ssize_t len;

	for (;;) {
		len = read(n->fd, n->junk, sizeof(n->junk));
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return false;	/* EAGAIN, or a backend error: try again on POLLIN */
		if ((size_t)len >= NET_MIN_FRAME && (size_t)len <= VIRTIO_NET_MAX_FRAME &&
		    !fault_hit_vm("net.drop", n->vm_name))
			break;
		if (len == 0)
			return false;
		n->rx_dropped++;	/* runt or jumbo, or lost (injected net.drop) */
	}
	memcpy(n->rx + NET_HDR, n->junk, (size_t)len);
	n->rx_len = (size_t)len;
	if (n->pcap)
		pcap_write_frame(n->pcap, n->rx + NET_HDR, n->rx_len);
	return true;
}

/* Move frames from the backend to the guest while both sides have some. */
static void net_rx(struct net *n, bool backend_readable)
{
	struct virtq *q = virtio_dev_queue(&n->dev, RXQ);
	bool pushed = false;
	int ret;

	if (!q)
		return;
	for (int i = 0; i < NET_RX_BATCH; i++) {
		if (!n->rx_len && (!backend_readable || !virtq_has_avail(q) || !read_frame(n)))
			break;
		ret = deliver_frame(n, q);
		if (ret < 0)
			return;
		if (ret == 0)
			break;
		pushed |= ret == 2;
	}
	if (pushed)
		virtio_dev_signal_used(&n->dev, RXQ);
}

/* ---- device ops ------------------------------------------------------------------------------- */

static uint64_t net_features(struct virtio_device *dev)
{
	return 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS | 1ull << VIRTIO_NET_F_MTU;
}

static void net_config_read(struct virtio_device *dev, uint8_t *buf)
{
	memcpy(buf, to_net(dev)->mac, 6);
	virtio_put_le16(buf + 6, VIRTIO_NET_S_LINK_UP);
	virtio_put_le16(buf + 8, 1);		/* max_virtqueue_pairs */
	virtio_put_le16(buf + 10, NET_MTU);
}

static int net_activate(struct virtio_device *dev)
{
	return 0;
}

static void net_notify(struct virtio_device *dev, unsigned queue)
{
	struct net *n = to_net(dev);

	if (queue == TXQ)
		net_tx(n);
	else
		net_rx(n, true);	/* new RX buffers: take what the backend holds */
}

static void net_reset(struct virtio_device *dev)
{
	to_net(dev)->rx_len = 0;	/* the guest will not see the waiting frame */
}

static int net_poll_fds(struct virtio_device *dev, struct pollfd *fds, int max)
{
	struct net *n = to_net(dev);

	/* Poll for frames only with a free slot and somewhere to put them (module comment). */
	if (max < 1 || n->rx_len || !virtio_dev_queue(dev, RXQ) ||
	    !virtq_has_avail(&dev->queues[RXQ]))
		return 0;
	fds[0] = (struct pollfd){ .fd = n->fd, .events = POLLIN };
	return 1;
}

static void net_process_io(struct virtio_device *dev, const struct pollfd *fds, int nfds)
{
	struct net *n = to_net(dev);
	bool readable = n->rx_len != 0;

	for (int i = 0; i < nfds; i++)
		if (fds[i].fd == n->fd && fds[i].revents)
			readable = true;
	net_rx(n, readable || nfds == 0);
}

static void net_destroy(struct virtio_device *dev)
{
	struct net *n = to_net(dev);

	close(n->fd);
	pcap_close(n->pcap);
	free(n);
}

static const struct virtio_device_ops net_ops = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.nr_queues = 2,
	.queue_max = 256,
	.config_size = NET_CONFIG_SIZE,
	.features = net_features,
	.config_read = net_config_read,
	.activate = net_activate,
	.notify = net_notify,
	.reset = net_reset,
	.poll_fds = net_poll_fds,
	.process_io = net_process_io,
	.destroy = net_destroy,
};

int virtio_net_create(const struct virtio_net_config *cfg, struct virtio_device **out)
{
	char why[128];
	struct net *n;
	int ret;

	if (!cfg || !cfg->switch_path == !cfg->tap || (cfg->mac[0] & 1))
		return -EINVAL;	/* exactly one backend; a unicast MAC */
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->dev.ops = &net_ops;
	memcpy(n->mac, cfg->mac, 6);
	snprintf(n->vm_name, sizeof(n->vm_name), "%s", cfg->vm_name ? cfg->vm_name : "");
	n->fd = cfg->tap ? net_tap_open(cfg->tap, why, sizeof(why))
			 : net_switch_port_open(cfg->switch_path);
	if (n->fd < 0) {
		ret = n->fd;
		if (cfg->tap)	/* the reason says more than the errno */
			fprintf(stderr, "vmm: virtio-net: %s\n", why);
		goto err;
	}
	if (cfg->pcap_path) {
		ret = pcap_open(cfg->pcap_path, &n->pcap);
		if (ret) {
			close(n->fd);
			goto err;
		}
	}
	*out = &n->dev;
	return 0;
err:
	free(n);
	return ret;
}
