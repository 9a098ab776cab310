// SPDX-License-Identifier: MIT
/*
 * Fuzz target: virtio-console's queues and emergency-write register
 * (stack/vmm/virtio_console.c) through the common virtio harness (fuzz/virtio_fuzz.h:
 * input format and oracles). The capture is a pipe shrunk to one page so output backs
 * up into the device's bounded buffer; the input is a pipe the host op writes to,
 * drains the capture of, or closes.
 * Extra oracle: the capture never receives more than the device accepted and did not
 * drop (out_bytes - dropped), checked at the end of each input.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/virtio_fuzz.h"
#include "stack/vmm/virtio_internal.h"

struct con_ctx {
	int out[2], in[2];
	struct virtio_device *dev;
	uint64_t captured, accepted;
};

static int create(void *ctx, struct virtio_device **dev)
{
	struct con_ctx *c = ctx;
	struct virtio_console_config cfg;

	memset(c, 0, sizeof(*c));
	if (pipe2(c->out, O_NONBLOCK) || pipe2(c->in, O_NONBLOCK))
		abort();
	fcntl(c->out[1], F_SETPIPE_SZ, 4096);
	cfg = (struct virtio_console_config){ .out_fd = c->out[1], .in_fd = c->in[0] };
	if (virtio_console_create(&cfg, dev))
		abort();
	c->dev = *dev;
	return 0;
}

static void drain(struct con_ctx *c)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(c->out[0], buf, sizeof(buf))) > 0)
		c->captured += (uint64_t)n;
}

static void host_op(struct vfz *z, void *ctx)
{
	struct con_ctx *c = ctx;
	uint8_t buf[256];
	size_t n;

	switch (vfz_u8(z) % 3) {
	case 0:
		n = vfz_bytes(z, buf, vfz_u8(z));
		if (c->in[1] >= 0 && write(c->in[1], buf, n) < 0)
			break;
		break;
	case 1:
		drain(c);
		break;
	case 2:
		if (c->in[1] >= 0)
			close(c->in[1]);
		c->in[1] = -1;
		break;
	}
}

static void request_op(struct vfz *z, void *ctx)
{
	uint8_t sel = vfz_u8(z), text[256];
	uint32_t len = (uint32_t)vfz_u16(z) % 9000 + 1;
	uint64_t a = vfz_alloc(z, len);

	if (!a)
		return;
	if (sel & 1) {	/* receive buffer */
		vfz_submit(z, 0, &(struct vdrv_buf){ a, len, !(sel & 2) }, 1);
		return;
	}
	vdrv_poke(&z->env.d, a, text, vfz_bytes(z, text, len < sizeof(text) ? len : sizeof(text)));
	vfz_submit(z, 1, &(struct vdrv_buf){ a, len, (sel & 2) != 0 }, 1);
}

static void finish(struct vfz *z, void *ctx)
{
	struct con_ctx *c = ctx;
	uint64_t out, dropped;

	virtio_console_counters(c->dev, &out, &dropped);
	if (dropped > out)
		abort();
	c->accepted = out - dropped;
}

static void cleanup(void *ctx)
{
	struct con_ctx *c = ctx;

	drain(c);	/* the device flushed what it held when it was destroyed */
	if (c->captured > c->accepted)
		abort();
	for (int i = 0; i < 2; i++) {
		close(c->out[i]);
		if (c->in[i] >= 0)
			close(c->in[i]);
	}
}

static const uint8_t feats[] = { 2, 0, 1, 3 };	/* EMERG_WRITE; SIZE, MULTIPORT refused */

static const struct vfz_device console_fuzz = {
	.device_id = VIRTIO_ID_CONSOLE, .nr_queues = 2, .feats = feats, .nr_feats = 4,
	.create = create, .host_op = host_op, .request_op = request_op, .finish = finish,
	.cleanup = cleanup,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct con_ctx ctx;

	vfz_run(&console_fuzz, &ctx, data, size);
	return 0;
}
