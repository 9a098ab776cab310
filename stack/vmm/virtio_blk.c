// SPDX-License-Identifier: MIT
/*
 * virtio-blk (virtio 1.2, 5.2) on a raw image file, one request queue. A request is a
 * 16-byte header (type, reserved, sector) in the readable part, data (readable for
 * writes, writable for reads), and a status byte: the last writable byte.
 *
 * Durability: a write is pwrite()n in full before its chain is completed in the used
 * ring, so once the guest sees the completion the data is in the host kernel and survives
 * a VMM crash; FLUSH makes it survive a host crash (fsync). If the driver did not
 * negotiate FLUSH, the spec asks the device to write through, so each write is followed
 * by fdatasync.
 *
 * Errors: a chain without a header or a status byte, or buffers the host cannot reach,
 * break the device (it cannot even report a status). Everything else is answered with a
 * status: IOERR for requests outside the disk, lengths that are not whole sectors, writes
 * to a read-only disk and host I/O errors; UNSUPP for unknown types, types whose feature
 * was not negotiated, and unknown or forbidden discard flags.
 *
 * Injected faults (lib/fault, matched with the VM's name): blk.io_error completes a
 * request with IOERR untouched; blk.short_read makes one pread() return half of what it
 * asked, which the device completes by reading again (the guest sees nothing).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fault/fault.h"
#include "stack/vmm/virtio_internal.h"

#define VIRTIO_BLK_F_SEG_MAX		2
#define VIRTIO_BLK_F_RO			5
#define VIRTIO_BLK_F_BLK_SIZE		6
#define VIRTIO_BLK_F_FLUSH		9
#define VIRTIO_BLK_F_DISCARD		13
#define VIRTIO_BLK_F_WRITE_ZEROES	14

#define VIRTIO_BLK_T_IN			0
#define VIRTIO_BLK_T_OUT		1
#define VIRTIO_BLK_T_FLUSH		4
#define VIRTIO_BLK_T_GET_ID		8
#define VIRTIO_BLK_T_DISCARD		11
#define VIRTIO_BLK_T_WRITE_ZEROES	13

#define VIRTIO_BLK_S_OK			0
#define VIRTIO_BLK_S_IOERR		1
#define VIRTIO_BLK_S_UNSUPP		2

#define BLK_FLAG_UNMAP			1u	/* virtio_blk_discard_write_zeroes.flags */
#define BLK_ID_BYTES			20
#define SECTOR				512u
#define BLK_QUEUE_MAX			256u
#define BLK_HDR				16u
#define BLK_SEG				16u	/* le64 sector, le32 num_sectors, le32 flags */
#define BLK_MAX_DWZ_SECTORS		0x400000u	/* 2 GiB per segment */
#define BLK_MAX_DWZ_SEG			16u
#define BLK_DISCARD_ALIGN		8u	/* 4 KiB, the host page */
#define BLK_CONFIG_SIZE			60u
#define BLK_CHUNK			(64u << 10)

struct blk {
	struct virtio_device dev;
	int fd;
	bool read_only;
	uint64_t capacity;		/* sectors */
	char id[BLK_ID_BYTES];
	uint8_t *chunk;			/* BLK_CHUNK bytes of bounce space */
	char vm_name[64];		/* fault rules with vm= */
};

static struct blk *to_blk(struct virtio_device *dev)
{
	return container_of_virtio(dev, struct blk, dev);
}

/* ---- configuration -------------------------------------------------------------------------- */

static uint64_t blk_features(struct virtio_device *dev)
{
	struct blk *b = to_blk(dev);
	uint64_t f = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE |
		     1ull << VIRTIO_BLK_F_FLUSH;

	if (b->read_only)
		f |= 1ull << VIRTIO_BLK_F_RO;
	else
		f |= 1ull << VIRTIO_BLK_F_DISCARD | 1ull << VIRTIO_BLK_F_WRITE_ZEROES;
	return f;
}

static void blk_config_read(struct virtio_device *dev, uint8_t *buf)
{
	struct blk *b = to_blk(dev);

	virtio_put_le64(buf + 0, b->capacity);
	virtio_put_le32(buf + 12, BLK_QUEUE_MAX - 2);	/* seg_max: header and status */
	virtio_put_le32(buf + 20, SECTOR);		/* blk_size */
	virtio_put_le16(buf + 34, 1);			/* num_queues */
	virtio_put_le32(buf + 36, BLK_MAX_DWZ_SECTORS);	/* max_discard_sectors */
	virtio_put_le32(buf + 40, BLK_MAX_DWZ_SEG);
	virtio_put_le32(buf + 44, BLK_DISCARD_ALIGN);
	virtio_put_le32(buf + 48, BLK_MAX_DWZ_SECTORS);	/* max_write_zeroes_sectors */
	virtio_put_le32(buf + 52, BLK_MAX_DWZ_SEG);
	buf[56] = 1;					/* write_zeroes_may_unmap */
}

/* ---- host I/O ------------------------------------------------------------------------------- */

/* [sector, sector + nr) lies inside the disk; overflow-safe. */
static bool in_disk(const struct blk *b, uint64_t sector, uint64_t nr)
{
	return sector <= b->capacity && nr <= b->capacity - sector;
}

/* Injected fault blk.short_read: this pread() asks for half, as a short read from the
 * host would return; the loop must then read the rest. */
static int pread_full(const struct blk *b, uint8_t *p, size_t len, off_t off)
{
	while (len) {
		size_t ask = len > 1 && fault_hit_vm("blk.short_read", b->vm_name) ? len / 2 : len;
		ssize_t n = pread(b->fd, p, ask, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;	/* error, or the file shrank under us */
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static int pwrite_full(int fd, const uint8_t *p, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/*
 * Move len bytes between the disk at sector and the chain (from readable offset
 * BLK_HDR for writes, to writable offset 0 for reads). Returns a status, or -EFAULT if
 * guest memory refused (the caller breaks the device).
 */
static int blk_rw(struct blk *b, struct virtq *q, const struct virtq_chain *c, bool write,
		  uint64_t sector, uint64_t len)
{
	if (len % SECTOR || !in_disk(b, sector, len / SECTOR))
		return VIRTIO_BLK_S_IOERR;
	if (write && b->read_only)
		return VIRTIO_BLK_S_IOERR;
	for (uint64_t done = 0; done < len; done += BLK_CHUNK) {
		size_t n = len - done < BLK_CHUNK ? len - done : BLK_CHUNK;
		off_t off = (off_t)(sector * SECTOR + done);

		if (write) {
			if (virtq_chain_read(q, c, BLK_HDR + done, b->chunk, n))
				return -EFAULT;
			if (pwrite_full(b->fd, b->chunk, n, off))
				return VIRTIO_BLK_S_IOERR;
		} else {
			if (pread_full(b, b->chunk, n, off))
				return VIRTIO_BLK_S_IOERR;
			if (virtq_chain_write(q, c, done, b->chunk, n))
				return -EFAULT;
		}
	}
	if (write && len && !virtio_has_feature(&b->dev, VIRTIO_BLK_F_FLUSH) &&
	    fdatasync(b->fd))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

static int zero_range(struct blk *b, uint64_t off, uint64_t len, bool unmap)
{
	int mode = unmap ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
			 : FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;

	if (fallocate(b->fd, mode, (off_t)off, (off_t)len) == 0)
		return 0;
	if (errno != EOPNOTSUPP)
		return -1;
	/* The file system cannot: write the zeros. */
	memset(b->chunk, 0, BLK_CHUNK);
	for (uint64_t done = 0; done < len; done += BLK_CHUNK) {
		size_t n = len - done < BLK_CHUNK ? len - done : BLK_CHUNK;

		if (pwrite_full(b->fd, b->chunk, n, (off_t)(off + done)))
			return -1;
	}
	return 0;
}

/* One discard/write-zeroes segment, already read from the chain. */
static int blk_dwz_seg(struct blk *b, bool discard, const uint8_t *seg)
{
	uint64_t sector = virtio_le64(seg);
	uint32_t nr = virtio_le32(seg + 8), flags = virtio_le32(seg + 12);

	if (flags & ~BLK_FLAG_UNMAP || (discard && (flags & BLK_FLAG_UNMAP)))
		return VIRTIO_BLK_S_UNSUPP;
	if (nr > BLK_MAX_DWZ_SECTORS || !in_disk(b, sector, nr))
		return VIRTIO_BLK_S_IOERR;
	if (discard) {
		/* A hint: the host may keep the data (5.2.6.2); ignore "cannot punch". */
		if (fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (off_t)(sector * SECTOR), (off_t)nr * SECTOR) && errno != EOPNOTSUPP)
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	}
	if (zero_range(b, sector * SECTOR, (uint64_t)nr * SECTOR, flags & BLK_FLAG_UNMAP))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

static int blk_discard_write_zeroes(struct blk *b, struct virtq *q,
				    const struct virtq_chain *c, bool discard)
{
	uint64_t bytes = c->readable_len - BLK_HDR;
	uint8_t seg[BLK_SEG];
	int status = VIRTIO_BLK_S_OK;

	if (!virtio_has_feature(&b->dev, discard ? VIRTIO_BLK_F_DISCARD
						 : VIRTIO_BLK_F_WRITE_ZEROES))
		return VIRTIO_BLK_S_UNSUPP;
	if (bytes == 0 || bytes % BLK_SEG || bytes / BLK_SEG > BLK_MAX_DWZ_SEG)
		return VIRTIO_BLK_S_IOERR;
	for (uint64_t off = BLK_HDR; off < c->readable_len && status == VIRTIO_BLK_S_OK;
	     off += BLK_SEG) {
		if (virtq_chain_read(q, c, off, seg, sizeof(seg)))
			return -EFAULT;
		status = blk_dwz_seg(b, discard, seg);
	}
	if (status == VIRTIO_BLK_S_OK && !virtio_has_feature(&b->dev, VIRTIO_BLK_F_FLUSH) &&
	    fdatasync(b->fd))
		status = VIRTIO_BLK_S_IOERR;
	return status;
}

/* ---- requests --------------------------------------------------------------------------------- */

/*
 * Execute one request. Returns its status (>= 0) with *data_written set to the bytes
 * written before the status byte, or -EFAULT.
 */
static int blk_execute(struct blk *b, struct virtq *q, const struct virtq_chain *c,
		       uint32_t type, uint64_t sector, uint64_t *data_written)
{
	uint64_t in_room = c->writable_len - 1;
	int status;

	*data_written = 0;
	switch (type) {
	case VIRTIO_BLK_T_IN:
		status = blk_rw(b, q, c, false, sector, in_room);
		if (status == VIRTIO_BLK_S_OK)
			*data_written = in_room;
		return status;
	case VIRTIO_BLK_T_OUT:
		return blk_rw(b, q, c, true, sector, c->readable_len - BLK_HDR);
	case VIRTIO_BLK_T_FLUSH:
		if (!virtio_has_feature(&b->dev, VIRTIO_BLK_F_FLUSH))
			return VIRTIO_BLK_S_UNSUPP;
		return fsync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		*data_written = in_room < BLK_ID_BYTES ? in_room : BLK_ID_BYTES;
		if (virtq_chain_write(q, c, 0, b->id, *data_written))
			return -EFAULT;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (b->read_only)
			return VIRTIO_BLK_S_IOERR;
		return blk_discard_write_zeroes(b, q, c, type == VIRTIO_BLK_T_DISCARD);
	}
	return VIRTIO_BLK_S_UNSUPP;
}

/* One chain: returns the used length, or -1 with the device broken. */
static int64_t blk_request(struct blk *b, struct virtq *q, const struct virtq_chain *c)
{
	uint8_t hdr[BLK_HDR], status_byte;
	uint64_t written;
	int status;

	if (c->readable_len < BLK_HDR || c->writable_len < 1) {
		virtio_dev_broken(&b->dev, "blk: request without header or status byte");
		return -1;
	}
	if (virtq_chain_read(q, c, 0, hdr, sizeof(hdr)))
		goto fault;
	/* Injected blk.io_error: the request fails as a host I/O error would, before the
	 * disk or the guest's data buffers are touched. */
	written = 0;
	if (fault_hit_vm("blk.io_error", b->vm_name))
		status = VIRTIO_BLK_S_IOERR;
	else
		status = blk_execute(b, q, c, virtio_le32(hdr), virtio_le64(hdr + 8), &written);
	if (status < 0)
		goto fault;
	status_byte = (uint8_t)status;
	if (virtq_chain_write(q, c, c->writable_len - 1, &status_byte, 1))
		goto fault;
	return (int64_t)written + 1;
fault:
	virtio_dev_broken(&b->dev, "blk: buffer not accessible");
	return -1;
}

static void blk_notify(struct virtio_device *dev, unsigned queue)
{
	struct blk *b = to_blk(dev);
	struct virtq *q = virtio_dev_queue(dev, 0);
	struct virtq_chain c;
	int64_t used;
	int ret = 0;

	if (!q)
		return;
	/* One ring's worth per notification: the driver notifies again for more. */
	for (unsigned i = 0; i < q->num && (ret = virtq_pop(q, &c)) > 0; i++) {
		used = blk_request(b, q, &c);
		if (used < 0)
			return;
		if (virtq_push(q, &c, (uint32_t)used)) {
			ret = -EFAULT;
			break;
		}
	}
	if (ret < 0) {
		virtio_dev_broken(dev, q->error);
		return;
	}
	virtio_dev_signal_used(dev, 0);
}

/* ---- life cycle ------------------------------------------------------------------------------- */

static int blk_activate(struct virtio_device *dev)
{
	return 0;
}

static void blk_reset(struct virtio_device *dev)
{
	/* Requests complete synchronously: nothing is in flight at a reset. */
}

static void blk_destroy(struct virtio_device *dev)
{
	struct blk *b = to_blk(dev);

	close(b->fd);
	free(b->chunk);
	free(b);
}

static const struct virtio_device_ops blk_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.queue_max = BLK_QUEUE_MAX,
	.config_size = BLK_CONFIG_SIZE,
	.features = blk_features,
	.config_read = blk_config_read,
	.activate = blk_activate,
	.notify = blk_notify,
	.reset = blk_reset,
	.destroy = blk_destroy,
};

int virtio_blk_create(const struct virtio_blk_config *cfg, struct virtio_device **out)
{
	const char *serial = cfg && cfg->serial ? cfg->serial : "avf-blk";
	struct stat st;
	struct blk *b;
	off_t size;
	int ret;

	if (!cfg || !cfg->path)
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->chunk = malloc(BLK_CHUNK);
	b->fd = open(cfg->path, (cfg->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (!b->chunk || b->fd < 0 || fstat(b->fd, &st)) {
		ret = !b->chunk ? -ENOMEM : -errno;
		goto err;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		ret = -EINVAL;
		goto err;
	}
	b->dev.ops = &blk_ops;
	b->read_only = cfg->read_only;
	size = lseek(b->fd, 0, SEEK_END);	/* works for block devices too */
	if (size < 0) {
		ret = -errno;
		goto err;
	}
	b->capacity = (uint64_t)size / SECTOR;
	/* The id is NUL-padded, and not terminated if it is 20 bytes long (5.2.6). */
	memcpy(b->id, serial, strnlen(serial, sizeof(b->id)));
	snprintf(b->vm_name, sizeof(b->vm_name), "%s", cfg->vm_name ? cfg->vm_name : "");
	*out = &b->dev;
	return 0;
err:
	if (b->fd >= 0)
		close(b->fd);
	free(b->chunk);
	free(b);
	return ret;
}
