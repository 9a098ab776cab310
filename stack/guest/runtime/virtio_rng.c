// SPDX-License-Identifier: Apache-2.0
/* virtio-rng (device 4): 256-byte device-writable requests bounced to the caller. */
#include "stack/guest/runtime/virtio_internal.h"

#include "stack/guest/libc/string.h"

#define CHUNK		256u
#define MAX_EMPTY	16	/* empty answers in a row before giving up on the device */

static struct rt_vdev *rng;
static uint8_t *rng_buf;

int rt_rng_read(void *buf, size_t len)
{
	uint8_t *out = buf;
	int empty = 0;

	if (!rng) {
		struct rt_vdev *d = rt_virtio_find(VIRTIO_ID_RNG, 0);

		if (!d || rt_virtio_start(d, 0, 1, 4))
			return -RT_ENODEV;
		rng = d;
		rng_buf = rt_dma_alloc(CHUNK);
	}
	while (len) {
		struct virtq_buf b = { rt_dma_addr(rng_buf), len < CHUNK ? (uint32_t)len : CHUNK,
				       true };
		uint32_t got;
		int ret = rt_vq_submit(&rng->q[0], &b, 1, rng_buf);

		if (ret == 0)
			ret = rt_vq_wait(&rng->q[0], rng_buf, &got, RT_VIRTIO_TIMEOUT_NS);
		if (ret)
			return ret;
		if (got == 0 && ++empty >= MAX_EMPTY)
			return rt_virtio_fail(rng, "gives no entropy");
		memcpy(out, rng_buf, got);
		out += got;
		len -= got;
	}
	return 0;
}
