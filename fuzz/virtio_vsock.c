// SPDX-License-Identifier: MIT
/*
 * Fuzz target: virtio-vsock's queues and its Unix-socket bridge (stack/vmm/virtio_vsock.c,
 * vsock_host.c) through the common virtio harness (fuzz/virtio_fuzz.h: input format and
 * oracles). Per input: a fresh device listening in a private directory, plus a host
 * listener on "<path>_5000" for guest-initiated connections. Host ops connect clients
 * (with good and bad "CONNECT" lines), accept, write, read, half-close and close host
 * sockets; the request macro sends packets whose ports come from a small set so they
 * meet real connections, and posts receive buffers.
 * Extra oracle: every packet the device gives the guest is from CID 2 to the guest's CID,
 * of stream type, with a payload only on RW and never more than the buffer it filled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fuzz/virtio_fuzz.h"
#include "stack/vmm/virtio_internal.h"

#define CID	3
#define NFDS	16
#define HDR	44

struct vs_ctx {
	char dir[64], uds[96];
	int listener;
	int fds[NFDS];
	uint16_t rx_seen;	/* used entries of the rx queue checked so far */
	uint64_t resets;	/* transport resets seen */
};

static int host_socket(void)
{
	return socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

static struct vs_ctx the_ctx;

static void remove_dir(void)
{
	rmdir(the_ctx.dir);	/* the device and cleanup() remove the sockets */
}

static int create(void *ctx, struct virtio_device **dev)
{
	struct vs_ctx *c = ctx;
	struct virtio_vsock_config cfg = { .guest_cid = CID, .uds_path = c->uds };
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	if (!c->dir[0]) {
		strcpy(c->dir, "/tmp/vfz-vsock-XXXXXX");
		if (!mkdtemp(c->dir))
			abort();
		snprintf(c->uds, sizeof(c->uds), "%s/v", c->dir);
		atexit(remove_dir);
	}
	for (int i = 0; i < NFDS; i++)
		c->fds[i] = -1;
	c->rx_seen = 0;
	c->resets = 0;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s_5000", c->uds);
	unlink(a.sun_path);
	c->listener = host_socket();
	if (c->listener < 0 || bind(c->listener, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(c->listener, 8))
		abort();
	return virtio_vsock_create(&cfg, dev) ? (abort(), -1) : 0;
}

static int *slot(struct vs_ctx *c, uint8_t i)
{
	return &c->fds[i % NFDS];
}

static void host_connect(struct vfz *z, struct vs_ctx *c, int *fd)
{
	static const char *lines[] = { "CONNECT 1234\n", "CONNECT 1235\ndata", "CONNECT 7\n",
				       "CONNECT x\n", "connect 1234\n", "CONNECT 1234" };
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	const char *line = lines[vfz_u8(z) % 6];

	if (*fd >= 0)
		close(*fd);
	*fd = host_socket();
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", c->uds);
	if (*fd < 0 || connect(*fd, (struct sockaddr *)&a, sizeof(a)) ||
	    send(*fd, line, strlen(line), MSG_NOSIGNAL) < 0) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

static void host_op(struct vfz *z, void *ctx)
{
	struct vs_ctx *c = ctx;
	uint8_t sel = vfz_u8(z) % 6, buf[4096];
	int *fd = slot(c, vfz_u8(z));
	size_t n;

	if (sel == 0) {
		host_connect(z, c, fd);
		return;
	}
	if (sel == 4) {
		if (*fd < 0)
			*fd = accept4(c->listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		return;
	}
	if (*fd < 0)
		return;
	switch (sel) {
	case 1:
		n = vfz_u16(z) % sizeof(buf);
		memset(buf, 'h', n);
		if (send(*fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			return;
		return;
	case 2:
		while (recv(*fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		return;
	case 3:
		close(*fd);
		*fd = -1;
		return;
	case 5:
		shutdown(*fd, SHUT_WR);
		return;
	}
}

static uint32_t port(struct vfz *z)
{
	static const uint32_t ports[] = { 1234, 1235, 5000, 5001, 1u << 30, (1u << 30) + 1 };
	uint8_t s = vfz_u8(z);

	return s < 0xf0 ? ports[s % 6] : vfz_u32(z);
}

static void request_op(struct vfz *z, void *ctx)
{
	uint8_t sel = vfz_u8(z), h[HDR + 64] = { 0 };
	uint32_t len = vfz_u16(z), buf_len;
	uint64_t a;

	if (sel & 1) {	/* receive buffer */
		buf_len = (sel & 2) ? len % 128 : HDR + len % 8192;
		a = vfz_alloc(z, buf_len + 1);
		if (a)
			vfz_submit(z, 0, &(struct vdrv_buf){ a, buf_len, !(sel & 4) }, 1);
		return;
	}
	len %= (sel & 2) ? 70000 : 600;
	virtio_put_le64(h, (sel & 4) ? vfz_u64(z) : CID);
	virtio_put_le64(h + 8, (sel & 8) ? vfz_u64(z) : 2);
	virtio_put_le32(h + 16, port(z));
	virtio_put_le32(h + 20, port(z));
	virtio_put_le32(h + 24, len);
	virtio_put_le16(h + 28, (sel & 16) ? vfz_u16(z) : 1);
	virtio_put_le16(h + 30, vfz_u8(z) % 9);
	virtio_put_le32(h + 32, vfz_u8(z));
	virtio_put_le32(h + 36, (sel & 32) ? vfz_u32(z) : 65536);
	virtio_put_le32(h + 40, vfz_u32(z));
	buf_len = (sel & 64) ? vfz_u16(z) : HDR + len;
	a = vfz_alloc(z, buf_len + 1);
	if (!a)
		return;
	vdrv_poke(&z->env.d, a, h, buf_len < sizeof(h) ? buf_len : sizeof(h));
	vfz_submit(z, 1, &(struct vdrv_buf){ a, buf_len, (sel & 128) != 0 }, 1);
}

/*
 * The oracle on what reached the guest (see the top of the file), checked right after
 * each op, while the descriptors the device just used are still as it found them. Only
 * chains whose head is one writable descriptor of at least a header are checked: there
 * the header sits at the head's address.
 */
static void after_op(struct vfz *z, void *ctx)
{
	struct vs_ctx *c = ctx;
	struct virtq *q = &z->dev->queues[0];
	struct virtio_mmio_stats st;

	virtio_mmio_get_stats(z->env.t, &st);
	if (st.resets != c->resets || !q->ready) {
		c->resets = st.resets;
		c->rx_seen = q->used_idx;
		return;
	}
	if ((uint16_t)(q->used_idx - c->rx_seen) > q->num)
		c->rx_seen = (uint16_t)(q->used_idx - q->num);	/* older entries overwritten */
	for (; c->rx_seen != q->used_idx; c->rx_seen++) {
		const uint8_t *e = guest_mem_buf_ptr(&z->env.gm, q->used_ipa + 4 +
						     8ull * (c->rx_seen % q->num), 8);
		const uint8_t *d, *h;
		uint32_t len, plen;

		if (!e || !(d = guest_mem_buf_ptr(&z->env.gm, q->desc_ipa +
						  16ull * (virtio_le32(e) % q->num), 16)))
			continue;
		len = virtio_le32(e + 4);
		if (virtio_le32(d + 8) < HDR || virtio_le16(d + 12) != VIRTQ_DESC_F_WRITE ||
		    !(h = guest_mem_buf_ptr(&z->env.gm, virtio_le64(d), HDR)))
			continue;
		plen = virtio_le32(h + 24);
		if (virtio_le64(h) != 2 || virtio_le64(h + 8) != CID || virtio_le16(h + 28) != 1 ||
		    len != HDR + plen || (plen && virtio_le16(h + 30) != 5))
			abort();
	}
}

static void cleanup(void *ctx)
{
	struct vs_ctx *c = ctx;
	char path[128];

	for (int i = 0; i < NFDS; i++)
		if (c->fds[i] >= 0)
			close(c->fds[i]);
	close(c->listener);
	snprintf(path, sizeof(path), "%s_5000", c->uds);
	unlink(path);
}

static const uint8_t feats[] = { 0, 1, 2 };	/* STREAM, SEQPACKET, NO_IMPLIED_STREAM: refused */

static const struct vfz_device vsock_fuzz = {
	.device_id = VIRTIO_ID_VSOCK, .nr_queues = 3, .feats = feats, .nr_feats = 3,
	.create = create, .host_op = host_op, .request_op = request_op, .after_op = after_op,
	.cleanup = cleanup,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vfz_run(&vsock_fuzz, &the_ctx, data, size);
	return 0;
}
