/* SPDX-License-Identifier: MIT */
/*
 * The common body of the virtio fuzz targets (fuzz/virtio_<dev>.c): a fresh device per
 * input on a transport over 256 KiB of protected fake guest memory, driven by an op
 * stream decoded from the input. Each target supplies how to make its device, its
 * host-side actions (a client on a socket, bytes on a pipe, ...) and a "well-formed
 * request" macro that builds a plausible chain from a few input bytes so the fuzzer
 * reaches deep device logic quickly.
 *
 * Input format (all integers little-endian, reads past the end give zeros):
 *   [mode:1]  bit 0: run the normal driver init first (vdrv_init) with
 *             qsize = 2 << ((mode >> 2) % 8), INDIRECT_DESC if bit 1,
 *             device features chosen by the next byte [featmask:1]
 *   then ops until the input ends (at most VFZ_MAX_OPS), [op:1] % VFZ_NR_OPS:
 *     0 mmio write  [off:2 & 0x1ff][size sel:1][val:4]
 *     1 mmio read   [off:2 & 0x1ff][size sel:1]
 *     2 descriptor  [q:1][idx:1][addr:4][len:4][flags:1][next:1]
 *     3 publish     [q:1][head:1]          (avail ring entry + idx, then notify q)
 *     4 poke        [off:4][len:1][bytes]  (guest memory, as the guest)
 *     5 share       [page:1][shared:1]     (MEM_SHARE / MEM_UNSHARE of one page)
 *     6 io          one round of poll(timeout 0) + process_io
 *     7 host        device-specific host action
 *     8 request     device-specific well-formed chain, published and notified
 *     9 reinit      vdrv_init again (reset + full init) with [mode:1]
 *    10 chain       [q:1][n:1] then n x [off:4][len:2][write:1]: a chain via the driver
 *    11 kick        [q:1]
 *
 * Oracles beyond "no crash, no leak, no UB" (each violation aborts):
 *   - the device writes guest memory only inside a ready queue's used ring or inside a
 *     buffer a ready queue's descriptor (direct or indirect) marks device-writable, at
 *     the start of the op or after any device write during it (a buffer may overlap
 *     the descriptor table);
 *   - it writes nothing while it is not active (broken, failed, reset);
 *   - per queue, chains completed never outnumber chains taken, and at most num are
 *     in flight;
 *   - the interrupt line is raised exactly while InterruptStatus is non-zero, and the
 *     irq callback is only called on a change.
 */
#ifndef AVF_FUZZ_VIRTIO_FUZZ_H
#define AVF_FUZZ_VIRTIO_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/vmm/virtio_fake_driver.h"

#define VFZ_BASE	0x80000000ull
#define VFZ_SIZE	(256ull << 10)
#define VFZ_MAX_OPS	512

struct vfz;

struct vfz_device {
	uint32_t device_id;
	unsigned nr_queues;
	/* Device feature bits the mode byte's featmask picks from (bit i of the mask
	 * selects feats[i]). */
	const uint8_t *feats;
	unsigned nr_feats;
	/* Make a fresh device for one input. 0 or -errno (the input is then skipped). */
	int (*create)(void *ctx, struct virtio_device **dev);
	void (*host_op)(struct vfz *z, void *ctx);
	void (*request_op)(struct vfz *z, void *ctx);
	/* Optional: after every op, for device-specific oracles. */
	void (*after_op)(struct vfz *z, void *ctx);
	/* Optional: at the end of the input, before the transport (and device) go. */
	void (*finish)(struct vfz *z, void *ctx);
	/* Optional: after the transport is gone, undo what create did outside the device. */
	void (*cleanup)(void *ctx);
};

#define VFZ_MAX_ALLOWED 2048
#define VFZ_MAX_TABLES	512

struct vfz_range {
	uint64_t addr;
	uint32_t len;
};

struct vfz {
	struct vdrv_env env;
	struct virtio_device *dev;
	const uint8_t *p;
	size_t n;
	bool prev_level;
	/* The write oracle's allowed set for the current op (virtio_fuzz.c). */
	struct vfz_range allowed[VFZ_MAX_ALLOWED];
	unsigned nr_allowed;
	bool allowed_overflow;
	/* Descriptor tables seen by the last scan; a device write into one marks the
	 * allowed set for a rescan before the next write. */
	struct vfz_range tables[VFZ_MAX_TABLES];
	unsigned nr_tables;
	bool tables_dirty;
};

uint8_t vfz_u8(struct vfz *z);
uint16_t vfz_u16(struct vfz *z);
uint32_t vfz_u32(struct vfz *z);
uint64_t vfz_u64(struct vfz *z);
/* Copy up to max bytes of input (fewer at its end); returns how many. */
size_t vfz_bytes(struct vfz *z, void *dst, size_t max);
/* An address from 4 input bytes: mostly inside guest memory, sometimes just outside. */
uint64_t vfz_addr(struct vfz *z);
/* Submit a chain on queue q through the fake driver (its layout must be set up). */
void vfz_submit(struct vfz *z, unsigned q, const struct vdrv_buf *bufs, unsigned n);
/* Guest buffer for a request: len bytes from the driver heap, or 0 when exhausted. */
uint64_t vfz_alloc(struct vfz *z, uint64_t len);

/* Run one input against a fresh device. */
void vfz_run(const struct vfz_device *d, void *ctx, const uint8_t *data, size_t size);

#endif /* AVF_FUZZ_VIRTIO_FUZZ_H */
