/* SPDX-License-Identifier: MIT */
/*
 * Inside the virtio devices: the split virtqueue (virtqueue.c), the device model the
 * transport drives (struct virtio_device_ops), and the helpers a device calls back into
 * its transport with. Not for the VMM core: it only sees virtio.h.
 *
 * Every function here runs with the transport's mutex held (virtio.h, threading model).
 */
#ifndef AVF_VMM_VIRTIO_INTERNAL_H
#define AVF_VMM_VIRTIO_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/vmm/virtio.h"

#define container_of_virtio(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* ---- split virtqueue (virtio 1.2, 2.7) --------------------------------------------------- */

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4
#define VIRTQ_DESC_F_ALL	(VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_INDIRECT)
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

#define VIRTQ_DESC_SIZE		16u	/* le64 addr, le32 len, le16 flags, le16 next */
#define VIRTQ_USED_ELEM_SIZE	8u	/* le32 id, le32 len */

/* One buffer of a chain, already validated: addr + len does not wrap. */
struct virtq_seg {
	uint64_t addr;
	uint32_t len;
	bool writable;
};

/*
 * A queue as the driver programmed it and as the device consumes it. The layout fields
 * are written by the transport only while !ready (crosvm's SplitQueue ignores setup once
 * ready); virtq_validate() checks them when the driver sets QueueReady.
 */
struct virtq {
	/* programmed by the driver */
	uint16_t num;			/* QueueNum: power of two, 1..num_max */
	uint16_t num_max;		/* QueueNumMax */
	bool ready;
	uint64_t desc_ipa, avail_ipa, used_ipa;
	/* device state */
	uint16_t last_avail;		/* next avail ring slot the device consumes */
	uint16_t used_idx;		/* our copy of used->idx */
	bool indirect;			/* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	const struct vmm_guest_mem *mem;
	struct virtq_seg *segs;		/* num_max entries: the chain being processed */
	const char *error;		/* why the last virtq_* call failed, static string */
};

/*
 * A descriptor chain popped from the avail ring: its readable buffers first, then its
 * writable ones (a readable descriptor after a writable one is rejected when popping).
 * segs points into the queue: a device handles one chain per queue at a time.
 */
struct virtq_chain {
	uint16_t head;
	unsigned nr_segs, nr_readable;
	uint64_t readable_len, writable_len;
	struct virtq_seg *segs;
};

/* Reset the device-side state (not the memory): on device reset or QueueReady = 0. */
void virtq_reset(struct virtq *q);
/* Check the layout the driver programmed. 0, or -EINVAL with q->error set. */
int virtq_validate(struct virtq *q);
/*
 * Take the next available chain. Returns 1 with *c filled, 0 if the ring is empty (or
 * the queue is not ready), or a negative errno with q->error set if the driver broke the
 * queue; the device must then stop (virtio_dev_broken):
 *   -EFAULT  ring or descriptor memory not accessible
 *   -EINVAL  avail idx more than num ahead, head or next index >= table size, unknown
 *            descriptor flags, readable after writable, address + length wraps, indirect
 *            not negotiated / not at the head / with NEXT / nested / bad length
 *   -ELOOP   chain longer than its table (a loop, or simply too long)
 */
int virtq_pop(struct virtq *q, struct virtq_chain *c);
/* Give the last popped chain back (it is popped again next time). Only valid right after
 * virtq_pop returned 1 for it, with nothing pushed in between. */
void virtq_unpop(struct virtq *q);
/* True if the avail ring holds a chain (or if its index cannot be read: popping will
 * then report the fault). */
bool virtq_has_avail(struct virtq *q);
/* Complete a chain: used element {head, written}, then used->idx. 0 or -EFAULT. */
int virtq_push(struct virtq *q, const struct virtq_chain *c, uint32_t written);
/* Whether the driver wants an interrupt for used buffers (VIRTQ_AVAIL_F_NO_INTERRUPT). */
bool virtq_needs_interrupt(struct virtq *q);

/*
 * Copy between the chain's buffers and the host. Offsets count from the start of the
 * readable (resp. writable) part. 0, -EINVAL if [off, off + len) goes beyond that part,
 * -EFAULT if guest memory refused.
 */
int virtq_chain_read(const struct virtq *q, const struct virtq_chain *c, uint64_t off,
		     void *buf, size_t len);
int virtq_chain_write(const struct virtq *q, const struct virtq_chain *c, uint64_t off,
		      const void *buf, size_t len);

/* ---- device model -------------------------------------------------------------------- */

struct virtio_device_ops {
	const char *name;		/* "virtio-blk", for logs */
	uint32_t device_id;
	unsigned nr_queues;
	uint16_t queue_max;		/* QueueNumMax of every queue, <= VIRTIO_QUEUE_MAX */
	uint32_t config_size;		/* bytes of device configuration space, <= 256 */
	/* Device-specific feature bits; the transport adds VERSION_1, INDIRECT_DESC and
	 * ACCESS_PLATFORM itself. */
	uint64_t (*features)(struct virtio_device *dev);
	/* Fill buf with the whole configuration space (config_size bytes, little-endian). */
	void (*config_read)(struct virtio_device *dev, uint8_t *buf);
	/* A driver write into the configuration space (inside config_size). NULL: ignored. */
	void (*config_write)(struct virtio_device *dev, uint32_t off, const uint8_t *buf,
			     unsigned len);
	/* DRIVER_OK: dev->features holds the negotiated set. 0, or -errno: device broken. */
	int (*activate)(struct virtio_device *dev);
	/* QueueNotify for a ready queue while active. */
	void (*notify)(struct virtio_device *dev, unsigned queue);
	/* Device reset (status 0): drop every in-flight thing, keep host-side endpoints. */
	void (*reset)(struct virtio_device *dev);
	/* The I/O loop (virtio.h): NULL if the device has no fds and no deferred work. */
	int (*poll_fds)(struct virtio_device *dev, struct pollfd *fds, int max);
	void (*process_io)(struct virtio_device *dev, const struct pollfd *fds, int n);
	void (*destroy)(struct virtio_device *dev);
};

/* Embedded in each device's own struct. The transport fills everything but ops. */
struct virtio_device {
	const struct virtio_device_ops *ops;
	struct virtio_mmio *transport;
	const struct vmm_guest_mem *mem;
	struct virtq *queues;		/* ops->nr_queues */
	uint64_t features;		/* negotiated */
	bool active;			/* DRIVER_OK seen and not broken or reset since */
};

static inline bool virtio_has_feature(const struct virtio_device *dev, unsigned bit)
{
	return (dev->features >> bit) & 1;
}

/*
 * The driver broke the device: set NEEDS_RESET, raise the configuration interrupt, stop
 * processing until reset (dev->active becomes false). why is a static string; it is
 * logged (rate-limited) with the device name.
 */
void virtio_dev_broken(struct virtio_device *dev, const char *why);
/* Used buffers were pushed on queue: interrupt the driver unless it asked not to. */
void virtio_dev_signal_used(struct virtio_device *dev, unsigned queue);
/* The configuration space changed: bump ConfigGeneration, raise the config interrupt. */
void virtio_dev_config_changed(struct virtio_device *dev);
/* Log a host-side problem (not the guest's fault), rate-limited like the rest. */
void virtio_dev_log(struct virtio_device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A queue the device may use now: the device is active and the queue ready. NULL
 * otherwise; devices check it at the top of every queue handler.
 */
struct virtq *virtio_dev_queue(struct virtio_device *dev, unsigned queue);

/* Take the transport's mutex from a device's public entry point (no-op before the
 * device is attached to a transport). */
void virtio_dev_lock(struct virtio_device *dev);
void virtio_dev_unlock(struct virtio_device *dev);

/* Little-endian accessors for building and parsing guest-visible structures. */
static inline uint16_t virtio_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t virtio_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t virtio_le64(const uint8_t *p)
{
	return virtio_le32(p) | (uint64_t)virtio_le32(p + 4) << 32;
}

static inline void virtio_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void virtio_put_le32(uint8_t *p, uint32_t v)
{
	virtio_put_le16(p, (uint16_t)v);
	virtio_put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline void virtio_put_le64(uint8_t *p, uint64_t v)
{
	virtio_put_le32(p, (uint32_t)v);
	virtio_put_le32(p + 4, (uint32_t)(v >> 32));
}

/* Make an fd non-blocking (and close-on-exec). 0 or -errno. */
int virtio_set_nonblock(int fd);
/* Bind a Unix socket to path; a stale socket file there is replaced, any other file is
 * left alone (-EEXIST). 0 or -errno (-ENAMETOOLONG if path does not fit sun_path). */
int vmm_unix_bind(int fd, const char *path);
/* Open TAP interface name (NULL: the kernel picks one), non-blocking, one frame per
 * read/write. Returns the fd, or -errno with a reason in why. */
int net_tap_open(const char *name, char *why, size_t why_len);

#endif /* AVF_VMM_VIRTIO_INTERNAL_H */
