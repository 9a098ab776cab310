// SPDX-License-Identifier: MIT
/*
 * Fuzz target: virtio-rng's request queue (stack/vmm/virtio_rng.c) through the common
 * virtio harness (fuzz/virtio_fuzz.h: input format and oracles). The entropy source is a
 * counter that the host op can make fail. Extra oracle: the device asks the source for
 * 1 to 4096 bytes at a time, never more (it bounces through a 4 KiB buffer).
 */
#include <errno.h>
#include <stdlib.h>

#include "fuzz/virtio_fuzz.h"
#include "stack/vmm/virtio_internal.h"

struct rng_ctx {
	uint8_t next;
	bool fail;
};

static int source(void *ctx, void *buf, size_t len)
{
	struct rng_ctx *c = ctx;
	uint8_t *p = buf;

	if (len == 0 || len > 4096)
		abort();	/* the device asks in chunks of at most 4 KiB, never for nothing */
	if (c->fail)
		return -EIO;
	for (size_t i = 0; i < len; i++)
		p[i] = c->next++;
	return 0;
}

static int create(void *ctx, struct virtio_device **dev)
{
	struct virtio_rng_config cfg = { .entropy = source, .ctx = ctx };

	*(struct rng_ctx *)ctx = (struct rng_ctx){ 0 };
	return virtio_rng_create(&cfg, dev);
}

static void host_op(struct vfz *z, void *ctx)
{
	((struct rng_ctx *)ctx)->fail = vfz_u8(z) & 1;
}

static void request_op(struct vfz *z, void *ctx)
{
	uint32_t len = vfz_u16(z) % 5000 + 1;
	uint8_t split = vfz_u8(z);
	uint64_t a = vfz_alloc(z, len);
	struct vdrv_buf bufs[2] = { { a, len, true } };

	if (!a)
		return;
	if (split & 1 && len > 1) {	/* two buffers */
		bufs[0].len = len / 2;
		bufs[1] = (struct vdrv_buf){ a + len / 2, len - len / 2, !(split & 2) };
	}
	vfz_submit(z, 0, bufs, (split & 1 && len > 1) ? 2 : 1);
}

static const uint8_t feats[] = { 0, 1 };	/* none offered: exercise refusal */

static const struct vfz_device rng_fuzz = {
	.device_id = VIRTIO_ID_RNG, .nr_queues = 1, .feats = feats, .nr_feats = 2,
	.create = create, .host_op = host_op, .request_op = request_op,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rng_ctx ctx;

	vfz_run(&rng_fuzz, &ctx, data, size);
	return 0;
}
