/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the runtime's virtio files share: the DMA pool (dma.c), the virtio-mmio
 * transport (virtio.c) and the drivers (virtio_*.c). docs/RUNTIME.md, "virtio".
 */
#ifndef AVF_GUEST_RT_VIRTIO_INTERNAL_H
#define AVF_GUEST_RT_VIRTIO_INTERNAL_H

#include "stack/guest/runtime/rt_internal.h"
#include "stack/guest/runtime/rt_virtio.h"
#include "stack/guest/rtlib/rt_errno.h"
#include "stack/guest/rtlib/virtq.h"

#define VIRTIO_ID_NET		1u
#define VIRTIO_ID_BLK		2u
#define VIRTIO_ID_CONSOLE	3u
#define VIRTIO_ID_RNG		4u
#define VIRTIO_ID_VSOCK		19u

#define VIRTIO_F_VERSION_1		(1ull << 32)
#define VIRTIO_F_ACCESS_PLATFORM	(1ull << 33)

#define RT_VIRTIO_MAX_DEVS	16
#define RT_VIRTIO_MAX_QUEUES	3

/* dma.c: the pool every device-visible byte lives in. rt_dma_init() shares it with the
 * host in a protected VM (MEM_SHARE, page by page; a refusal is fatal). */
void rt_dma_init(void);
bool rt_vm_is_protected(void);
void *rt_dma_alloc(size_t n);			/* zeroed; rt_panic when the pool is full */
void rt_dma_free(void *p, size_t n);
bool rt_dma_contains(const void *p, size_t n);
/* The address a device uses for @p (the identity map: the same number). */
uint64_t rt_dma_addr(const void *p);

struct rt_vdev;

struct rt_vq {
	struct virtq_drv drv;
	struct rt_vdev *dev;
	uint16_t index;
};

struct rt_vdev {
	uint64_t base;
	unsigned intid;			/* its SPI's INTID from the DT, 0 if none */
	uint32_t device_id;
	bool started, broken;
	uint64_t features;		/* negotiated */
	unsigned nr_queues;
	struct rt_vq q[RT_VIRTIO_MAX_QUEUES];
};

/* virtio.c: note the DT's virtio,mmio nodes at boot. They are identified on the first
 * rt_virtio_find/count (MMIO-guard mapping each page in a protected VM first), and the
 * DMA pool is shared when the first device starts: a payload that uses no virtio device
 * shares nothing and maps nothing. */
void rt_virtio_probe(uint64_t fdt_addr);
/* The @nth device (DT order) with @device_id, or NULL. */
struct rt_vdev *rt_virtio_find(uint32_t device_id, unsigned nth);
/*
 * Reset and start @d: accept VERSION_1 (required) and ACCESS_PLATFORM (when offered)
 * plus the device-specific bits of @wanted the device offers; set up @nr_queues queues
 * of up to @qsize entries in the DMA pool; DRIVER_OK. 0 or -ENODEV (the device is then
 * marked FAILED).
 */
int rt_virtio_start(struct rt_vdev *d, uint64_t wanted, unsigned nr_queues, uint16_t qsize);
/* Config space. The 64-bit read is generation-checked; a device whose generation never
 * holds is marked broken and 0 returned (callers check d->broken). */
uint8_t rt_virtio_cfg8(struct rt_vdev *d, unsigned off);
uint32_t rt_virtio_cfg32(struct rt_vdev *d, unsigned off);
uint64_t rt_virtio_cfg64(struct rt_vdev *d, unsigned off);
/* Add a chain (every buffer inside the DMA pool, else rt_panic) and notify. */
int rt_vq_submit(struct rt_vq *q, const struct virtq_buf *bufs, unsigned n, void *token);
/* Next used element: 1, 0 (none), -EIO (device broke or needs a reset). */
int rt_vq_poll(struct rt_vq *q, void **token, uint32_t *len);
/* Wait for the completion of the only request in flight, which must be @token. */
int rt_vq_wait(struct rt_vq *q, void *token, uint32_t *len, uint64_t timeout_ns);
/*
 * Sleep in WFI until a started device interrupts or @max_ns pass (virtual timer), for
 * waits on the host that may be long (vsock accept and receive). The caller polls
 * again afterwards: an interrupt only says "look now".
 */
void rt_virtio_idle(uint64_t max_ns);
/* Mark @d broken: the driver will not use it again. Returns -EIO. */
int rt_virtio_fail(struct rt_vdev *d, const char *why);

/* virtio_vsock.c: the vsock device's pump (used by waits elsewhere). */
void rt_vsock_pump(void);

#endif /* AVF_GUEST_RT_VIRTIO_INTERNAL_H */
