// SPDX-License-Identifier: MIT
/*
 * virtio-rng (virtio 1.2, 5.4): one request queue of device-writable buffers, each filled
 * with bytes from the entropy callback. On the sim the callback is the machine's seeded
 * source, so what the guest draws depends only on the seed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/vmm/virtio_internal.h"

/* Bytes given per request at most: bounds the work one notification can cause. A driver
 * asking for more gets this much (the used length says so) and asks again. */
#define RNG_MAX_PER_REQUEST	(64u << 10)
#define RNG_CHUNK		4096u

struct rng {
	struct virtio_device dev;
	struct virtio_rng_config cfg;
};

static uint64_t rng_features(struct virtio_device *dev)
{
	return 0;
}

static void rng_config_read(struct virtio_device *dev, uint8_t *buf)
{
}

static int rng_activate(struct virtio_device *dev)
{
	return 0;
}

/* Fill the chain; returns bytes written, or -1 with the device broken. */
static int64_t rng_fill(struct rng *r, struct virtq *q, const struct virtq_chain *c)
{
	uint64_t want = c->writable_len < RNG_MAX_PER_REQUEST ? c->writable_len
							       : RNG_MAX_PER_REQUEST;
	uint8_t buf[RNG_CHUNK];
	uint64_t off;

	if (c->nr_readable) {
		virtio_dev_broken(&r->dev, "rng: device-readable buffer in a request");
		return -1;
	}
	for (off = 0; off < want; off += sizeof(buf)) {
		size_t n = want - off < sizeof(buf) ? want - off : sizeof(buf);
		int ret = r->cfg.entropy(r->cfg.ctx, buf, n);

		if (ret) {
			virtio_dev_log(&r->dev, "entropy source: %s", strerror(-ret));
			virtio_dev_broken(&r->dev, "rng: entropy source failed");
			return -1;
		}
		if (virtq_chain_write(q, c, off, buf, n)) {
			virtio_dev_broken(&r->dev, "rng: buffer not accessible");
			return -1;
		}
	}
	return (int64_t)want;
}

static void rng_notify(struct virtio_device *dev, unsigned queue)
{
	struct rng *r = container_of_virtio(dev, struct rng, dev);
	struct virtq *q = virtio_dev_queue(dev, 0);
	struct virtq_chain c;
	int64_t n;
	int ret = 0;

	if (!q)
		return;
	/* One ring's worth per notification: the driver notifies again for more. */
	for (unsigned i = 0; i < q->num && (ret = virtq_pop(q, &c)) > 0; i++) {
		n = rng_fill(r, q, &c);
		if (n < 0)
			return;
		if (virtq_push(q, &c, (uint32_t)n)) {
			virtio_dev_broken(dev, q->error);
			return;
		}
	}
	if (ret < 0) {
		virtio_dev_broken(dev, q->error);
		return;
	}
	virtio_dev_signal_used(dev, 0);
}

static void rng_reset(struct virtio_device *dev)
{
}

static void rng_destroy(struct virtio_device *dev)
{
	free(container_of_virtio(dev, struct rng, dev));
}

static const struct virtio_device_ops rng_ops = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_RNG,
	.nr_queues = 1,
	.queue_max = 64,
	.config_size = 0,
	.features = rng_features,
	.config_read = rng_config_read,
	.activate = rng_activate,
	.notify = rng_notify,
	.reset = rng_reset,
	.destroy = rng_destroy,
};

int virtio_rng_create(const struct virtio_rng_config *cfg, struct virtio_device **out)
{
	struct rng *r;

	if (!cfg || !cfg->entropy)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->dev.ops = &rng_ops;
	r->cfg = *cfg;
	*out = &r->dev;
	return 0;
}
