// SPDX-License-Identifier: MIT
/*
 * Fuzz target: virtio-blk's request queue (stack/vmm/virtio_blk.c) through the common
 * virtio harness (fuzz/virtio_fuzz.h: input format and oracles). The disk is a 64 KiB
 * memfd, zeroed for every input and opened through /proc/self/fd, so runs touch no real
 * disk and stay independent. Bit 7 of the first input byte makes the disk read-only.
 * Host op: the image changes size under the device (shrinks, so reads come up short).
 * Extra oracle: a read-only disk's image is never modified.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz/virtio_fuzz.h"
#include "stack/vmm/virtio_internal.h"

#define IMAGE_SIZE (64u << 10)

struct blk_ctx {
	int memfd;
	bool read_only;
	char path[64];
};

static int create(void *ctx, struct virtio_device **dev)
{
	struct blk_ctx *c = ctx;
	struct virtio_blk_config cfg = { .path = c->path, .read_only = c->read_only,
					 .serial = "fuzz" };

	if (c->memfd < 0) {
		c->memfd = memfd_create("vfz-blk", 0);
		if (c->memfd < 0)
			abort();
		snprintf(c->path, sizeof(c->path), "/proc/self/fd/%d", c->memfd);
	}
	if (ftruncate(c->memfd, 0) || ftruncate(c->memfd, IMAGE_SIZE))
		abort();
	return virtio_blk_create(&cfg, dev);
}

static void host_op(struct vfz *z, void *ctx)
{
	struct blk_ctx *c = ctx;

	if (!c->read_only && ftruncate(c->memfd, vfz_u16(z)))
		abort();
}

static const uint32_t types[] = { 0, 1, 4, 8, 11, 13, 10, 14, 99 };

static void request_op(struct vfz *z, void *ctx)
{
	uint32_t type = types[vfz_u8(z) % 9];
	uint8_t shape = vfz_u8(z);
	uint64_t sector = (shape & 0x80) ? vfz_u64(z) : vfz_u8(z);
	uint32_t len = (shape & 0x40) ? vfz_u16(z) : 512u * (vfz_u8(z) % 9);
	bool data_writable = type == 0 || type == 8 || type == 10;
	uint64_t hdr = vfz_alloc(z, 16), data = vfz_alloc(z, len + 1), st = vfz_alloc(z, 1);
	struct vdrv_buf bufs[3];
	uint8_t h[16] = { 0 }, seg[64];
	unsigned n = 0;

	if (!hdr || !data || !st)
		return;
	virtio_put_le32(h, type);
	virtio_put_le64(h + 8, sector);
	vdrv_poke(&z->env.d, hdr, h, 16);
	/* Discard / write-zeroes segments, or the first bytes of written data. */
	vdrv_poke(&z->env.d, data, seg, vfz_bytes(z, seg, len < sizeof(seg) ? len : sizeof(seg)));
	bufs[n++] = (struct vdrv_buf){ hdr, 16, false };
	if (len)
		bufs[n++] = (struct vdrv_buf){ data, len, data_writable ^ !!(shape & 0x20) };
	if (!(shape & 0x10))	/* sometimes no status byte */
		bufs[n++] = (struct vdrv_buf){ st, 1, true };
	vfz_submit(z, 0, bufs, n);
}

static const uint8_t feats[] = { 2, 5, 6, 9, 13, 14, 11, 12 };	/* + CONFIG_WCE, MQ: refused */

static const struct vfz_device blk_fuzz = {
	.device_id = VIRTIO_ID_BLOCK, .nr_queues = 1, .feats = feats, .nr_feats = 8,
	.create = create, .host_op = host_op, .request_op = request_op,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct blk_ctx ctx = { .memfd = -1 };
	static uint8_t zero[IMAGE_SIZE];
	uint8_t *img;

	ctx.read_only = size && (data[0] & 0x80);
	vfz_run(&blk_fuzz, &ctx, data, size);
	if (ctx.read_only) {
		img = malloc(IMAGE_SIZE);
		if (pread(ctx.memfd, img, IMAGE_SIZE, 0) != IMAGE_SIZE ||
		    memcmp(img, zero, IMAGE_SIZE))
			abort();	/* a read-only disk was written */
		free(img);
	}
	return 0;
}
