/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The driver side of a virtio 1.x split virtqueue (virtio 1.2, 2.7), freestanding and
 * host-testable: the runtime's virtio-mmio transport (stack/guest/runtime/virtio.c) gives
 * it ring memory (in the DMA pool the device can reach) and notifies the device itself.
 *
 * Everything the device writes (the used ring) is untrusted: a used element naming a
 * head that is not in flight, or a length beyond the chain's writable bytes, is refused
 * with -EIO and the queue is marked broken (the driver stops using the device). The
 * driver state (free list, in-flight chains) lives in struct virtq_drv, in private
 * memory, never in the rings, so the device cannot steer it.
 */
#ifndef AVF_GUEST_VIRTQ_H
#define AVF_GUEST_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_DRV_MAX		64	/* largest queue the driver sets up */

#define VIRTQ_DESC_F_NEXT	1u
#define VIRTQ_DESC_F_WRITE	2u

/* One buffer of a chain: a device address (inside the DMA pool), its length, and whether
 * the device writes it. Readable buffers come first. */
struct virtq_buf {
	uint64_t addr;
	uint32_t len;
	bool writable;
};

struct virtq_drv {
	uint16_t num;
	volatile uint8_t *desc;		/* 16 * num bytes, 16-aligned */
	volatile uint8_t *avail;	/* 6 + 2 * num bytes, 2-aligned */
	volatile uint8_t *used;		/* 6 + 8 * num bytes, 4-aligned */
	uint16_t free_head, num_free;
	uint16_t avail_idx, last_used;
	bool broken;
	uint16_t next[VIRTQ_DRV_MAX];	/* private copy of the chain links / free list */
	struct {
		void *token;		/* NULL: not in flight */
		uint32_t writable_len;
		uint16_t ndesc;
	} inflight[VIRTQ_DRV_MAX];
};

/* Bytes of the three areas for @num entries. */
size_t virtq_desc_size(uint16_t num);
size_t virtq_avail_size(uint16_t num);
size_t virtq_used_size(uint16_t num);

/*
 * Set up @q over the three areas (zeroed here). @num: a power of two, 1..VIRTQ_DRV_MAX.
 * 0 or -EINVAL (bad size or misaligned area).
 */
int virtq_drv_init(struct virtq_drv *q, uint16_t num, void *desc, void *avail, void *used);

/*
 * Add a chain of @n buffers (readable ones first) and publish it in the avail ring; the
 * caller then notifies the device. @token (not NULL) comes back from virtq_drv_get().
 * Returns the head index, -ENOSPC (not enough free descriptors), -EINVAL (n = 0,
 * NULL token, a readable buffer after a writable one, total writable length over
 * 4 GiB) or -EIO (the queue is broken).
 */
int virtq_drv_add(struct virtq_drv *q, const struct virtq_buf *bufs, unsigned n, void *token);

/*
 * Take the next used element: 1 with *@token and *@len (bytes the device wrote) set,
 * 0 when the device has used nothing new, -EIO when the device wrote an impossible
 * element (the queue is broken from then on).
 */
int virtq_drv_get(struct virtq_drv *q, void **token, uint32_t *len);

/* Chains added and not yet taken back. */
unsigned virtq_drv_in_flight(const struct virtq_drv *q);

#endif /* AVF_GUEST_VIRTQ_H */
