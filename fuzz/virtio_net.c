// SPDX-License-Identifier: MIT
/*
 * Fuzz target: virtio-net's queues (stack/vmm/virtio_net.c) on the user-space switch
 * (stack/vmm/net_switch.c), through the common virtio harness (fuzz/virtio_fuzz.h: input
 * format and oracles). Per input: a fresh switch in a private directory, a host-side
 * port, and the device (with a pcap capture to /dev/null). Host ops send frames of any
 * shape from the host port, run the switch, and drain the host port.
 * Extra oracle: the host port only ever receives frames of 14..1514 bytes (the device
 * drops everything else before it reaches the switch).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz/virtio_fuzz.h"
#include "stack/vmm/virtio_internal.h"

static const uint8_t vm_mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };

struct net_ctx {
	char dir[64], sw_path[96];
	struct net_switch *sw;
	int host;
};

static struct net_ctx the_ctx;

static void remove_dir(void)
{
	rmdir(the_ctx.dir);	/* the switch removes its socket when destroyed */
}

static int create(void *ctx, struct virtio_device **dev)
{
	struct net_ctx *c = ctx;
	struct virtio_net_config cfg = { .switch_path = c->sw_path, .pcap_path = "/dev/null" };

	if (!c->dir[0]) {
		strcpy(c->dir, "/tmp/vfz-net-XXXXXX");
		if (!mkdtemp(c->dir))
			abort();
		snprintf(c->sw_path, sizeof(c->sw_path), "%s/switch", c->dir);
		atexit(remove_dir);
	}
	memcpy(cfg.mac, vm_mac, 6);
	if (net_switch_create(c->sw_path, NULL, &c->sw))
		abort();
	c->host = net_switch_port_open(c->sw_path);
	if (c->host < 0 || virtio_net_create(&cfg, dev))
		abort();
	return 0;
}

static void drain_host(struct net_ctx *c)
{
	uint8_t buf[2048];
	ssize_t n;

	while ((n = recv(c->host, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC)) >= 0)
		if (n < 14 || n > 1514)
			abort();	/* the device let a bad frame out */
}

static void host_op(struct vfz *z, void *ctx)
{
	struct net_ctx *c = ctx;
	uint8_t fr[2048] = { 0 };
	size_t len;

	switch (vfz_u8(z) % 4) {
	case 0:
		len = vfz_u16(z) % sizeof(fr);
		vfz_bytes(z, fr, len < 64 ? len : 64);
		if (len >= 6 && (fr[0] & 0x80))
			memcpy(fr, vm_mac, 6);	/* mostly aimed at the VM */
		if (send(c->host, fr, len, MSG_DONTWAIT) < 0)
			break;
		break;
	case 1:
		net_switch_process(c->sw);
		break;
	case 2:
		drain_host(c);
		break;
	case 3:
		/* The switch floods what it cannot place: the VM port learns nothing. */
		net_switch_process(c->sw);
		drain_host(c);
		break;
	}
}

static void request_op(struct vfz *z, void *ctx)
{
	uint8_t sel = vfz_u8(z), head[64] = { 0 };
	uint32_t len = (uint32_t)vfz_u16(z) % 2000;
	uint64_t a = vfz_alloc(z, len + 1);

	if (!a)
		return;
	if (sel & 1) {	/* receive buffer */
		vfz_submit(z, 0, &(struct vdrv_buf){ a, len, !(sel & 2) }, 1);
		return;
	}
	/* virtio_net_hdr (usually zero) and the start of the frame. */
	if (sel & 4)
		vfz_bytes(z, head, 12);
	vfz_bytes(z, head + 12, sizeof(head) - 12);
	vdrv_poke(&z->env.d, a, head, len < sizeof(head) ? len : sizeof(head));
	vfz_submit(z, 1, &(struct vdrv_buf){ a, len, (sel & 2) != 0 }, 1);
}

static void cleanup(void *ctx)
{
	struct net_ctx *c = ctx;

	net_switch_process(c->sw);
	drain_host(c);
	close(c->host);
	net_switch_destroy(c->sw);
}

/* MTU, MAC, STATUS offered; CSUM, GUEST_CSUM, MRG_RXBUF, CTRL_VQ, MQ refused. */
static const uint8_t feats[] = { 3, 5, 16, 0, 1, 15, 17, 22 };

static const struct vfz_device net_fuzz = {
	.device_id = VIRTIO_ID_NET, .nr_queues = 2, .feats = feats, .nr_feats = 8,
	.create = create, .host_op = host_op, .request_op = request_op, .cleanup = cleanup,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vfz_run(&net_fuzz, &the_ctx, data, size);
	return 0;
}
