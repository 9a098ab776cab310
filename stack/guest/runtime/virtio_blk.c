// SPDX-License-Identifier: Apache-2.0
/*
 * virtio-blk (device 2): one request at a time per disk, in chunks of 8 sectors through
 * a bounce area in the DMA pool (header, data, status byte). Capacity and read-only
 * come from the config and the features; FLUSH is used when offered (else the device
 * writes through, and flush has nothing to do).
 */
#include "stack/guest/runtime/virtio_internal.h"

#include "stack/guest/libc/string.h"

#define VIRTIO_BLK_F_RO		(1ull << 5)
#define VIRTIO_BLK_F_FLUSH	(1ull << 9)
#define T_IN			0u
#define T_OUT			1u
#define T_FLUSH			4u
#define S_OK			0u
#define S_IOERR			1u
#define S_UNSUPP		2u
#define CHUNK_SECTORS		8u
#define CHUNK			(CHUNK_SECTORS * RT_BLK_SECTOR)
#define MAX_DISKS		4
#define RT_EROFS		30

struct disk {
	struct rt_vdev *dev;
	uint64_t sectors;
	uint8_t *hdr, *data, *status;	/* DMA pool */
};

static struct disk disks[MAX_DISKS];

static struct disk *disk_up(unsigned index, int *err)
{
	struct disk *k = index < MAX_DISKS ? &disks[index] : (struct disk *)0;
	struct rt_vdev *dev;

	*err = -RT_ENODEV;
	if (!k)
		return k;
	if (k->dev) {
		*err = k->dev->broken ? -RT_EIO : 0;
		return *err ? (struct disk *)0 : k;
	}
	dev = rt_virtio_find(VIRTIO_ID_BLK, index);
	if (!dev || rt_virtio_start(dev, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH, 1, 8))
		return (struct disk *)0;
	k->dev = dev;
	k->sectors = rt_virtio_cfg64(dev, 0);
	if (dev->broken) {
		*err = -RT_EIO;
		return (struct disk *)0;
	}
	k->hdr = rt_dma_alloc(16);
	k->data = rt_dma_alloc(CHUNK);
	k->status = rt_dma_alloc(1);
	*err = 0;
	return k;
}

/* One request: @type, @sector, @n data bytes in k->data (read by or written to by the
 * device). */
static int request(struct disk *k, uint32_t type, uint64_t sector, uint32_t n)
{
	struct virtq_buf b[3];
	unsigned nb = 0;
	uint32_t used, want;
	int ret;

	for (int i = 0; i < 8; i++)
		k->hdr[i] = (uint8_t)(i < 4 ? type >> (8 * i) : 0);
	for (int i = 0; i < 8; i++)
		k->hdr[8 + i] = (uint8_t)(sector >> (8 * i));
	*k->status = 0xff;
	b[nb++] = (struct virtq_buf){ rt_dma_addr(k->hdr), 16, false };
	if (n)
		b[nb++] = (struct virtq_buf){ rt_dma_addr(k->data), n, type == T_IN };
	b[nb++] = (struct virtq_buf){ rt_dma_addr(k->status), 1, true };
	ret = rt_vq_submit(&k->dev->q[0], b, nb, k->hdr);
	if (ret == 0)
		ret = rt_vq_wait(&k->dev->q[0], k->hdr, &used, RT_VIRTIO_TIMEOUT_NS);
	if (ret)
		return ret;
	/* The status byte is the last one the device writes: a read must fill everything. */
	want = type == T_IN ? n + 1 : 1;
	if (used < 1 || (type == T_IN && used != want))
		return rt_virtio_fail(k->dev, "completed a request with a wrong length");
	switch (*(volatile uint8_t *)k->status) {
	case S_OK:	return 0;
	case S_UNSUPP:	return -RT_ENOSYS;
	case S_IOERR:	return -RT_EIO;
	default:	return rt_virtio_fail(k->dev, "wrote an unknown status");
	}
}

int rt_blk_capacity(unsigned index, uint64_t *sectors, bool *read_only)
{
	int err;
	struct disk *k = disk_up(index, &err);

	if (!k)
		return err;
	*sectors = k->sectors;
	*read_only = (k->dev->features & VIRTIO_BLK_F_RO) != 0;
	return 0;
}

static int check_range(const struct disk *k, uint64_t sector, uint32_t count)
{
	return sector > k->sectors || count > k->sectors - sector ? -RT_EINVAL : 0;
}

int rt_blk_read(unsigned index, uint64_t sector, void *buf, uint32_t count)
{
	int err;
	struct disk *k = disk_up(index, &err);
	uint8_t *out = buf;

	if (!k || (err = check_range(k, sector, count)))
		return err;
	while (count) {
		uint32_t n = count < CHUNK_SECTORS ? count : CHUNK_SECTORS;

		err = request(k, T_IN, sector, n * RT_BLK_SECTOR);
		if (err)
			return err;
		memcpy(out, k->data, n * RT_BLK_SECTOR);
		out += n * RT_BLK_SECTOR;
		sector += n;
		count -= n;
	}
	return 0;
}

int rt_blk_write(unsigned index, uint64_t sector, const void *buf, uint32_t count)
{
	int err;
	struct disk *k = disk_up(index, &err);
	const uint8_t *in = buf;

	if (!k || (err = check_range(k, sector, count)))
		return err;
	if (k->dev->features & VIRTIO_BLK_F_RO)
		return -RT_EROFS;
	while (count) {
		uint32_t n = count < CHUNK_SECTORS ? count : CHUNK_SECTORS;

		memcpy(k->data, in, n * RT_BLK_SECTOR);
		err = request(k, T_OUT, sector, n * RT_BLK_SECTOR);
		if (err)
			return err;
		in += n * RT_BLK_SECTOR;
		sector += n;
		count -= n;
	}
	return 0;
}

int rt_blk_flush(unsigned index)
{
	int err;
	struct disk *k = disk_up(index, &err);

	if (!k)
		return err;
	if (!(k->dev->features & VIRTIO_BLK_F_FLUSH))
		return 0;
	return request(k, T_FLUSH, 0, 0);
}
