/* SPDX-License-Identifier: MIT */
/*
 * A minimal guest-side virtio-mmio driver that runs on the host against a transport and
 * a guest_mem_buf: the unit tests and fuzz targets play the guest with it. It does what
 * Linux's virtio_mmio + virtio_ring do at their simplest (no indirect tables, no event
 * index), and exposes the raw pieces (descriptors, avail ring, registers) so a test can
 * also do what no correct driver does.
 */
#ifndef AVF_VMM_VIRTIO_FAKE_DRIVER_H
#define AVF_VMM_VIRTIO_FAKE_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/vmm/guest_mem_buf.h"
#include "stack/vmm/virtio.h"

#define VDRV_MAX_QUEUES 4

struct vdrv_queue {
	uint16_t num;
	uint64_t desc, avail, used;	/* IPAs */
	uint16_t avail_idx;		/* next avail->idx to publish */
	uint16_t used_seen;		/* used entries consumed */
	uint16_t next_desc;		/* descriptors are handed out round-robin */
};

struct vdrv {
	struct virtio_mmio *t;
	struct guest_mem_buf *gm;
	uint64_t heap, heap_end;	/* bump allocator over guest memory */
	unsigned nr_queues;
	struct vdrv_queue q[VDRV_MAX_QUEUES];
};

/* One buffer of a chain the fake driver builds. */
struct vdrv_buf {
	uint64_t addr;
	uint32_t len;
	bool write;
};

uint32_t vdrv_read32(struct vdrv *d, uint64_t off);
void vdrv_write32(struct vdrv *d, uint64_t off, uint32_t val);
uint32_t vdrv_status(struct vdrv *d);

/*
 * Bind to transport t over gm, with buffers allocated from [heap, heap_end). No MMIO.
 */
void vdrv_bind(struct vdrv *d, struct virtio_mmio *t, struct guest_mem_buf *gm,
	       uint64_t heap, uint64_t heap_end);
/*
 * The whole initialisation of 3.1.1: reset, ACKNOWLEDGE, DRIVER, features (exactly
 * `features`, which must include VERSION_1 to be accepted), FEATURES_OK, nr_queues queues
 * of qsize entries allocated from the heap, QueueReady, DRIVER_OK. Returns 0, -ENODEV
 * (magic/version/device id wrong), -EIO (FEATURES_OK refused) or -EINVAL (bad queue).
 */
int vdrv_init(struct vdrv *d, uint32_t device_id, uint64_t features, unsigned nr_queues,
	      uint16_t qsize);
/* 16-byte aligned guest memory from the heap (0 when exhausted). */
uint64_t vdrv_alloc(struct vdrv *d, uint64_t size);
/* Write descriptor idx of queue q (idx is not reduced modulo the size: tests may go out). */
void vdrv_set_desc(struct vdrv *d, unsigned q, uint16_t idx, uint64_t addr, uint32_t len,
		   uint16_t flags, uint16_t next);
/* Put head in the avail ring and publish it (avail->idx++). No notification. */
void vdrv_publish(struct vdrv *d, unsigned q, uint16_t head);
void vdrv_kick(struct vdrv *d, unsigned q);
/* Build a chain of n buffers at the next free descriptors, publish it and kick. Returns
 * the head index. */
uint16_t vdrv_submit(struct vdrv *d, unsigned q, const struct vdrv_buf *bufs, unsigned n);
/* Next used element, if any: true with *id and *len filled. */
bool vdrv_get_used(struct vdrv *d, unsigned q, uint32_t *id, uint32_t *len);
/* used->idx as the device last wrote it. */
uint16_t vdrv_used_idx(struct vdrv *d, unsigned q);
/* Guest view of guest memory (test helpers). */
void vdrv_poke(struct vdrv *d, uint64_t ipa, const void *src, uint64_t len);
void vdrv_peek(struct vdrv *d, uint64_t ipa, void *dst, uint64_t len);

/*
 * Everything a test needs around one device: buffer guest memory at base (size bytes,
 * protected or not), a transport with an irq line that records its level and a log that
 * keeps the last line, and the fake driver bound to it with its heap in the upper half of
 * memory (the lower half is free for hand-made tables).
 */
struct vdrv_env {
	struct guest_mem_buf gm;
	struct virtio_mmio *t;
	struct vdrv d;
	bool level;
	unsigned irq_changes;
	unsigned log_lines;
	char last_log[256];
};

/* Takes ownership of dev (also on failure). 0 or -errno. */
int vdrv_env_init(struct vdrv_env *env, struct virtio_device *dev, uint64_t base,
		  uint64_t size, bool protected_vm);
void vdrv_env_fini(struct vdrv_env *env);
/* One round of the I/O loop without blocking: poll with timeout 0, then process_io. */
void vdrv_env_io(struct vdrv_env *env);
struct virtio_mmio_stats vdrv_env_stats(struct vdrv_env *env);

#endif /* AVF_VMM_VIRTIO_FAKE_DRIVER_H */
