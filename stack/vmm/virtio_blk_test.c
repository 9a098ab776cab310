// SPDX-License-Identifier: MIT
/*
 * virtio-blk (virtio_blk.c) on a temporary raw image: configuration and features, reads
 * and writes checked against the file itself, every status the device can answer
 * (OK, IOERR, UNSUPP) with the request that provokes it, read-only mode, flush, GET_ID,
 * discard and write-zeroes, hostile chains that break only the device, and durability:
 * data the guest saw completed is in the image after the VMM process is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/fault/fault.h"
#include "stack/vmm/virtio_fake_driver.h"
#include "stack/vmm/virtio_internal.h"

#define BASE	0x80000000ull
#define SIZE	(4ull << 20)
#define SECTORS	2048			/* 1 MiB image */
#define F_BASE	(1ull << VIRTIO_F_VERSION_1 | 1ull << 9)	/* + FLUSH */
#define F_DISCARD	13
#define F_WZ		14

#define T_IN	0
#define T_OUT	1
#define T_FLUSH	4
#define T_GET_ID 8
#define T_DISCARD 11
#define T_WZ	13
#define S_OK	0
#define S_IOERR	1
#define S_UNSUPP 2

struct fx {
	struct vdrv_env env;
	char path[64];
	int fd;			/* the test's own view of the image */
	uint64_t hdr, status;	/* guest buffers */
};

static struct fx *make(bool read_only, uint64_t features, const char *serial)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct virtio_blk_config cfg = { .read_only = read_only, .serial = serial,
					 .vm_name = "blkvm" };
	struct virtio_device *dev;

	strcpy(f->path, "/tmp/avf-blk-test-XXXXXX");
	f->fd = mkstemp(f->path);
	assert_true(f->fd >= 0);
	/* A recognisable image: sector s is filled with (s & 0xff). Plus a partial sector. */
	for (int s = 0; s < SECTORS; s++) {
		uint8_t sec[512];

		memset(sec, s & 0xff, sizeof(sec));
		assert_int_equal(pwrite(f->fd, sec, 512, (off_t)s * 512), 512);
	}
	assert_int_equal(pwrite(f->fd, "tail", 4, SECTORS * 512), 4);
	cfg.path = f->path;
	assert_int_equal(virtio_blk_create(&cfg, &dev), 0);
	assert_int_equal(vdrv_env_init(&f->env, dev, BASE, SIZE, true), 0);
	assert_int_equal(vdrv_init(&f->env.d, VIRTIO_ID_BLOCK, features, 1, 16), 0);
	f->hdr = vdrv_alloc(&f->env.d, 16);
	f->status = vdrv_alloc(&f->env.d, 1);
	return f;
}

static void destroy(struct fx *f)
{
	vdrv_env_fini(&f->env);
	close(f->fd);
	unlink(f->path);
	free(f);
}

static int setup(void **state)
{
	*state = make(false, F_BASE | 1ull << F_DISCARD | 1ull << F_WZ, "disk-serial-0123");
	return 0;
}

static int teardown(void **state)
{
	destroy(*state);
	return 0;
}

static void put_hdr(struct fx *f, uint32_t type, uint64_t sector)
{
	uint8_t h[16] = { 0 };

	virtio_put_le32(h, type);
	virtio_put_le64(h + 8, sector);
	vdrv_poke(&f->env.d, f->hdr, h, 16);
}

/*
 * Submit header + data (readable for OUT-like types, writable for IN-like) + status.
 * Returns the status byte, or -1 if the request was not completed; *used gets the used
 * length.
 */
static int request(struct fx *f, uint32_t type, uint64_t sector, uint64_t data,
		   uint32_t len, bool data_writable, uint32_t *used)
{
	struct vdrv_buf b[3] = { { f->hdr, 16, false } };
	unsigned n = 1;
	uint32_t id, ulen;
	uint8_t st = 0xee;

	put_hdr(f, type, sector);
	if (len)
		b[n++] = (struct vdrv_buf){ data, len, data_writable };
	b[n++] = (struct vdrv_buf){ f->status, 1, true };
	vdrv_poke(&f->env.d, f->status, &st, 1);
	vdrv_submit(&f->env.d, 0, b, n);
	if (!vdrv_get_used(&f->env.d, 0, &id, &ulen))
		return -1;
	if (used)
		*used = ulen;
	vdrv_peek(&f->env.d, f->status, &st, 1);
	return st;
}

static void file_sector(struct fx *f, uint64_t s, uint8_t *buf)
{
	assert_int_equal(pread(f->fd, buf, 512, (off_t)s * 512), 512);
}

static void config_and_features(void **state)
{
	struct fx *f = *state;
	uint64_t v;

	virtio_mmio_read(f->env.t, VIRTIO_MMIO_CONFIG + 0, 8, &v);
	assert_int_equal(v, SECTORS);		/* the partial tail is not exposed */
	virtio_mmio_read(f->env.t, VIRTIO_MMIO_CONFIG + 12, 4, &v);
	assert_int_equal(v, 254);		/* seg_max */
	virtio_mmio_read(f->env.t, VIRTIO_MMIO_CONFIG + 20, 4, &v);
	assert_int_equal(v, 512);		/* blk_size */
	virtio_mmio_read(f->env.t, VIRTIO_MMIO_CONFIG + 40, 4, &v);
	assert_int_equal(v, 16);		/* max_discard_seg */
	vdrv_write32(&f->env.d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(vdrv_read32(&f->env.d, VIRTIO_MMIO_DEVICE_FEATURES),
			 1u << 2 | 1u << 6 | 1u << 9 | 1u << 13 | 1u << 14 | 1u << 28);
}

static void write_then_read_back(void **state)
{
	struct fx *f = *state;
	uint64_t buf = vdrv_alloc(&f->env.d, 1024);
	uint8_t data[1024], sec[512];
	uint32_t used;

	for (int i = 0; i < 1024; i++)
		data[i] = (uint8_t)(i * 7);
	vdrv_poke(&f->env.d, buf, data, 1024);
	assert_int_equal(request(f, T_OUT, 100, buf, 1024, false, &used), S_OK);
	assert_int_equal(used, 1);
	/* The file has it (before any flush). */
	file_sector(f, 100, sec);
	assert_memory_equal(sec, data, 512);
	file_sector(f, 101, sec);
	assert_memory_equal(sec, data + 512, 512);
	file_sector(f, 102, sec);
	assert_int_equal(sec[0], 102);	/* neighbours untouched */
	file_sector(f, 99, sec);
	assert_int_equal(sec[511], 99);
	/* And the guest reads it back. */
	memset(data + 1024 - 1, 0, 1);
	uint64_t rd = vdrv_alloc(&f->env.d, 1536);
	assert_int_equal(request(f, T_IN, 99, rd, 1536, true, &used), S_OK);
	assert_int_equal(used, 1537);
	uint8_t got[1536];
	vdrv_peek(&f->env.d, rd, got, 1536);
	assert_int_equal(got[0], 99);
	assert_int_equal(got[511], 99);
	for (int i = 0; i < 1024; i++)
		assert_int_equal(got[512 + i], (uint8_t)(i * 7));
}

static void scattered_request_and_big_transfer(void **state)
{
	struct fx *f = *state;
	uint64_t big = vdrv_alloc(&f->env.d, 200 << 10);
	uint8_t *src = malloc(200 << 10), *file = malloc(200 << 10);
	struct vdrv_buf b[5];
	uint8_t hdr_and_first[16 + 512] = { 0 };
	uint64_t hb = vdrv_alloc(&f->env.d, sizeof(hdr_and_first));
	uint32_t id, len;
	uint8_t st;

	/* 200 KiB write in one descriptor: crosses the device's 64 KiB bounce chunks. */
	for (int i = 0; i < 200 << 10; i++)
		src[i] = (uint8_t)(i ^ (i >> 9));
	vdrv_poke(&f->env.d, big, src, 200 << 10);
	assert_int_equal(request(f, T_OUT, 1000, big, 200 << 10, false, NULL), S_OK);
	assert_int_equal(pread(f->fd, file, 200 << 10, 1000 * 512), 200 << 10);
	assert_memory_equal(file, src, 200 << 10);
	/* Header and the first sector in one buffer, the rest split, status alone. */
	virtio_put_le32(hdr_and_first, T_OUT);
	virtio_put_le64(hdr_and_first + 8, 10);
	memset(hdr_and_first + 16, 0xab, 512);
	vdrv_poke(&f->env.d, hb, hdr_and_first, sizeof(hdr_and_first));
	b[0] = (struct vdrv_buf){ hb, sizeof(hdr_and_first), false };
	b[1] = (struct vdrv_buf){ big, 100, false };
	b[2] = (struct vdrv_buf){ big + 100, 412, false };
	b[3] = (struct vdrv_buf){ f->status, 1, true };
	vdrv_submit(&f->env.d, 0, b, 4);
	assert_true(vdrv_get_used(&f->env.d, 0, &id, &len));
	vdrv_peek(&f->env.d, f->status, &st, 1);
	assert_int_equal(st, S_OK);
	file_sector(f, 10, file);
	assert_int_equal(file[0], 0xab);
	assert_int_equal(file[511], 0xab);
	file_sector(f, 11, file);
	assert_memory_equal(file, src, 512);
	free(src);
	free(file);
}

static void out_of_range_and_bad_lengths(void **state)
{
	struct fx *f = *state;
	uint64_t buf = vdrv_alloc(&f->env.d, 1024);
	uint8_t sec[512];

	assert_int_equal(request(f, T_IN, SECTORS, buf, 512, true, NULL), S_IOERR);
	assert_int_equal(request(f, T_IN, SECTORS - 1, buf, 1024, true, NULL), S_IOERR);
	assert_int_equal(request(f, T_IN, SECTORS - 1, buf, 512, true, NULL), S_OK);
	assert_int_equal(request(f, T_OUT, UINT64_MAX, buf, 512, false, NULL), S_IOERR);
	assert_int_equal(request(f, T_OUT, UINT64_MAX / 512 + 1, buf, 512, false, NULL), S_IOERR);
	assert_int_equal(request(f, T_OUT, 5, buf, 100, false, NULL), S_IOERR);
	assert_int_equal(request(f, T_IN, 5, buf, 513, true, NULL), S_IOERR);
	file_sector(f, 5, sec);
	assert_int_equal(sec[0], 5);
	/* Zero-length transfers are fine. */
	assert_int_equal(request(f, T_IN, 0, 0, 0, true, NULL), S_OK);
	assert_int_equal(request(f, 99, 0, 0, 0, true, NULL), S_UNSUPP);
	assert_false(vdrv_env_stats(&f->env).broken);
}

static void flush_and_get_id(void **state)
{
	struct fx *f = *state;
	uint64_t id = vdrv_alloc(&f->env.d, 20);
	char got[20];
	uint32_t used;

	assert_int_equal(request(f, T_FLUSH, 0, 0, 0, false, &used), S_OK);
	assert_int_equal(used, 1);
	assert_int_equal(request(f, T_GET_ID, 0, id, 20, true, &used), S_OK);
	assert_int_equal(used, 21);
	vdrv_peek(&f->env.d, id, got, 20);
	assert_memory_equal(got, "disk-serial-0123\0\0\0\0", 20);
	assert_int_equal(request(f, T_GET_ID, 0, id, 4, true, &used), S_OK);
	assert_int_equal(used, 5);
}

static void flush_not_negotiated_is_unsupported(void **state)
{
	struct fx *f = make(false, 1ull << VIRTIO_F_VERSION_1, NULL);
	uint64_t buf = vdrv_alloc(&f->env.d, 512), id = vdrv_alloc(&f->env.d, 20);
	char got[20];

	assert_int_equal(request(f, T_FLUSH, 0, 0, 0, false, NULL), S_UNSUPP);
	assert_int_equal(request(f, T_DISCARD, 0, buf, 16, false, NULL), S_UNSUPP);
	/* Writes still work (written through). */
	assert_int_equal(request(f, T_OUT, 3, buf, 512, false, NULL), S_OK);
	assert_int_equal(request(f, T_GET_ID, 0, id, 20, true, NULL), S_OK);
	vdrv_peek(&f->env.d, id, got, 20);
	assert_memory_equal(got, "avf-blk\0", 8);
	destroy(f);
}

static void read_only_disk(void **state)
{
	struct fx *f = make(true, F_BASE | 1ull << 5, NULL);
	uint64_t buf = vdrv_alloc(&f->env.d, 512);
	uint8_t sec[512], seg[16] = { 0 };

	vdrv_write32(&f->env.d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(vdrv_read32(&f->env.d, VIRTIO_MMIO_DEVICE_FEATURES),
			 1u << 2 | 1u << 5 | 1u << 6 | 1u << 9 | 1u << 28);
	vdrv_poke(&f->env.d, buf, "XXXX", 4);
	assert_int_equal(request(f, T_OUT, 7, buf, 512, false, NULL), S_IOERR);
	file_sector(f, 7, sec);
	assert_int_equal(sec[0], 7);
	virtio_put_le32(seg + 8, 1);
	vdrv_poke(&f->env.d, buf, seg, 16);
	assert_int_equal(request(f, T_DISCARD, 0, buf, 16, false, NULL), S_IOERR);
	assert_int_equal(request(f, T_WZ, 0, buf, 16, false, NULL), S_IOERR);
	assert_int_equal(request(f, T_IN, 7, buf, 512, true, NULL), S_OK);
	assert_int_equal(request(f, T_FLUSH, 0, 0, 0, false, NULL), S_OK);
	/* A driver that does not accept RO still cannot write. */
	assert_int_equal(vdrv_init(&f->env.d, VIRTIO_ID_BLOCK, F_BASE, 1, 16), 0);
	f->hdr = vdrv_alloc(&f->env.d, 16);
	f->status = vdrv_alloc(&f->env.d, 1);
	assert_int_equal(request(f, T_OUT, 7, buf, 512, false, NULL), S_IOERR);
	destroy(f);
}

static void put_seg(struct fx *f, uint64_t at, uint64_t sector, uint32_t nr, uint32_t flags)
{
	uint8_t s[16];

	virtio_put_le64(s, sector);
	virtio_put_le32(s + 8, nr);
	virtio_put_le32(s + 12, flags);
	vdrv_poke(&f->env.d, at, s, 16);
}

static void discard_and_write_zeroes(void **state)
{
	struct fx *f = *state;
	uint64_t segs = vdrv_alloc(&f->env.d, 17 * 16);
	uint8_t sec[512], zero[512] = { 0 };

	put_seg(f, segs, 16, 8, 0);
	put_seg(f, segs + 16, 40, 1, 0);
	assert_int_equal(request(f, T_DISCARD, 0, segs, 32, false, NULL), S_OK);
	file_sector(f, 16, sec);
	assert_memory_equal(sec, zero, 512);	/* punched (ext4/tmpfs both punch) */
	file_sector(f, 24, sec);
	assert_int_equal(sec[0], 24);
	/* Write zeroes, with and without unmap. */
	put_seg(f, segs, 60, 2, 0);
	assert_int_equal(request(f, T_WZ, 0, segs, 16, false, NULL), S_OK);
	file_sector(f, 61, sec);
	assert_memory_equal(sec, zero, 512);
	file_sector(f, 62, sec);
	assert_int_equal(sec[0], 62);
	put_seg(f, segs, 70, 1, 1);
	assert_int_equal(request(f, T_WZ, 0, segs, 16, false, NULL), S_OK);
	file_sector(f, 70, sec);
	assert_memory_equal(sec, zero, 512);
	/* Refusals. */
	put_seg(f, segs, 80, 1, 1);	/* unmap on a discard */
	assert_int_equal(request(f, T_DISCARD, 0, segs, 16, false, NULL), S_UNSUPP);
	put_seg(f, segs, 80, 1, 4);	/* unknown flag */
	assert_int_equal(request(f, T_WZ, 0, segs, 16, false, NULL), S_UNSUPP);
	put_seg(f, segs, SECTORS - 1, 2, 0);
	assert_int_equal(request(f, T_DISCARD, 0, segs, 16, false, NULL), S_IOERR);
	put_seg(f, segs, 0, 0x400001, 0);
	assert_int_equal(request(f, T_WZ, 0, segs, 16, false, NULL), S_IOERR);
	assert_int_equal(request(f, T_DISCARD, 0, segs, 20, false, NULL), S_IOERR);
	assert_int_equal(request(f, T_DISCARD, 0, segs, 17 * 16, false, NULL), S_IOERR);
	assert_int_equal(request(f, T_DISCARD, 0, 0, 0, false, NULL), S_IOERR);
	file_sector(f, 80, sec);
	assert_int_equal(sec[0], 80);
	assert_false(vdrv_env_stats(&f->env).broken);
}

static void hostile_requests_break_the_device(void **state)
{
	struct fx *f = *state;
	uint64_t buf = vdrv_alloc(&f->env.d, 512);
	struct vdrv_buf b[2];

	/* No status byte. */
	put_hdr(f, T_IN, 0);
	b[0] = (struct vdrv_buf){ f->hdr, 16, false };
	vdrv_submit(&f->env.d, 0, b, 1);
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason,
			    "blk: request without header or status byte");
	assert_int_equal(vdrv_used_idx(&f->env.d, 0), 0);
	/* Short header. */
	assert_int_equal(vdrv_init(&f->env.d, VIRTIO_ID_BLOCK, F_BASE, 1, 16), 0);
	b[0] = (struct vdrv_buf){ f->hdr, 15, false };
	b[1] = (struct vdrv_buf){ f->status, 1, true };
	vdrv_submit(&f->env.d, 0, b, 2);
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason,
			    "blk: request without header or status byte");
	/* Write data in a page the guest did not share: nothing reaches the file. */
	assert_int_equal(vdrv_init(&f->env.d, VIRTIO_ID_BLOCK, F_BASE, 1, 16), 0);
	f->hdr = vdrv_alloc(&f->env.d, 16);
	f->status = vdrv_alloc(&f->env.d, 1);
	guest_mem_buf_share(&f->env.gm, BASE, 4096, false);
	assert_int_equal(request(f, T_OUT, 9, BASE, 512, false, NULL), -1);
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason, "blk: buffer not accessible");
	uint8_t sec[512];
	file_sector(f, 9, sec);
	assert_int_equal(sec[0], 9);
	/* Status byte in an unshared page. */
	assert_int_equal(vdrv_init(&f->env.d, VIRTIO_ID_BLOCK, F_BASE, 1, 16), 0);
	f->hdr = vdrv_alloc(&f->env.d, 16);
	f->status = BASE + 100;
	assert_int_equal(request(f, T_IN, 9, buf, 512, true, NULL), -1);
	assert_true(vdrv_status(&f->env.d) & VIRTIO_STATUS_NEEDS_RESET);
	assert_true(f->env.level);
}

static void image_shrinking_underneath(void **state)
{
	struct fx *f = *state;
	uint64_t buf = vdrv_alloc(&f->env.d, 1024);

	/* Someone truncates the image: the capacity the guest knows is stale; reads past the
	 * new end fail with IOERR instead of returning garbage. */
	assert_int_equal(ftruncate(f->fd, 100 * 512), 0);
	assert_int_equal(request(f, T_IN, 99, buf, 512, true, NULL), S_OK);
	assert_int_equal(request(f, T_IN, 99, buf, 1024, true, NULL), S_IOERR);
	assert_int_equal(request(f, T_IN, 500, buf, 512, true, NULL), S_IOERR);
	assert_false(vdrv_env_stats(&f->env).broken);
}

/*
 * Durability: a child process plays the VMM, completes a write and is SIGKILLed right
 * after it sees the used ring move (no flush, no clean exit). The data is in the image.
 */
static void completed_write_survives_a_vmm_crash(void **state)
{
	struct fx *f = *state;
	uint8_t sec[512];
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		uint64_t buf = vdrv_alloc(&f->env.d, 512);
		uint8_t data[512];

		memset(data, 0x5a, sizeof(data));
		vdrv_poke(&f->env.d, buf, data, 512);
		if (request(f, T_OUT, 321, buf, 512, false, NULL) == S_OK)
			raise(SIGKILL);
		_exit(1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	file_sector(f, 321, sec);
	assert_int_equal(sec[0], 0x5a);
	assert_int_equal(sec[511], 0x5a);
}

/* blk.io_error: the chosen request fails with IOERR and touches nothing; the others work. */
static void injected_io_error(void **state)
{
	struct fx *f = *state;
	uint64_t rd = vdrv_alloc(&f->env.d, 512), wr = vdrv_alloc(&f->env.d, 512);
	uint8_t buf[512], sec[512];
	uint32_t used = 0;

	assert_int_equal(fault_configure("blk.io_error:at=2:vm=blkvm", NULL, 0), 0);
	assert_int_equal(request(f, T_IN, 7, rd, 512, true, &used), S_OK);
	assert_int_equal(used, 513);
	vdrv_peek(&f->env.d, rd, buf, 512);
	assert_int_equal(buf[0], 7);
	/* The second request (a write) fails: neither the disk nor the buffer change. */
	memset(buf, 0xab, sizeof(buf));
	vdrv_poke(&f->env.d, wr, buf, 512);
	assert_int_equal(request(f, T_OUT, 8, wr, 512, false, &used), S_IOERR);
	assert_int_equal(used, 1);
	file_sector(f, 8, sec);
	assert_int_equal(sec[0], 8);
	assert_int_equal(sec[511], 8);
	/* A failed read leaves the guest's buffer as it was. */
	assert_int_equal(fault_configure("blk.io_error:at=1", NULL, 0), 0);
	memset(buf, 0xee, sizeof(buf));
	vdrv_poke(&f->env.d, rd, buf, 512);
	assert_int_equal(request(f, T_IN, 9, rd, 512, true, &used), S_IOERR);
	assert_int_equal(used, 1);
	vdrv_peek(&f->env.d, rd, sec, 512);
	assert_memory_equal(sec, buf, 512);
	assert_int_equal(fault_fired("blk.io_error"), 1);
	/* The next one works again; the device never broke. */
	assert_int_equal(request(f, T_IN, 9, rd, 512, true, &used), S_OK);
	vdrv_peek(&f->env.d, rd, sec, 512);
	assert_int_equal(sec[0], 9);
	assert_false(vdrv_env_stats(&f->env).broken);
	assert_int_equal(fault_configure(NULL, NULL, 0), 0);
}

/* A rule for another VM never fires here. */
static void injected_io_error_other_vm(void **state)
{
	struct fx *f = *state;
	uint64_t rd = vdrv_alloc(&f->env.d, 512);

	assert_int_equal(fault_configure("blk.io_error:vm=othervm", NULL, 0), 0);
	assert_int_equal(request(f, T_IN, 3, rd, 512, true, NULL), S_OK);
	assert_int_equal(fault_fired("blk.io_error"), 0);
	assert_int_equal(fault_configure(NULL, NULL, 0), 0);
}

/*
 * blk.short_read on every hit: each pread() gets half of what is left (until one byte
 * is left), and the device keeps reading: the guest gets exactly the right data.
 * 1536 bytes take 11 halved reads before the last byte, which is read whole.
 */
static void injected_short_read_is_completed(void **state)
{
	struct fx *f = *state;
	uint64_t rd = vdrv_alloc(&f->env.d, 1536);
	uint8_t got[1536];
	uint64_t fired = 0;
	uint32_t used;

	/* Expected firings: left = 1536, each firing reads left / 2 (rounded down). */
	for (uint64_t left = 1536; left > 1; left -= left / 2)
		fired++;
	assert_int_equal(fault_configure("blk.short_read", NULL, 0), 0);
	assert_int_equal(request(f, T_IN, 200, rd, 1536, true, &used), S_OK);
	assert_int_equal(used, 1537);
	vdrv_peek(&f->env.d, rd, got, sizeof(got));
	for (int i = 0; i < 1536; i++)
		assert_int_equal(got[i], (200 + i / 512) & 0xff);
	assert_int_equal(fault_fired("blk.short_read"), fired);
	assert_int_equal(fired, 11);
	assert_int_equal(fault_configure(NULL, NULL, 0), 0);
}

static void create_errors(void **state)
{
	struct virtio_blk_config cfg = { .path = "/nonexistent/avf.img" };
	struct virtio_device *dev;

	assert_int_equal(virtio_blk_create(&cfg, &dev), -ENOENT);
	cfg.path = "/tmp";
	assert_int_equal(virtio_blk_create(&cfg, &dev), -EISDIR);
	cfg.read_only = true;
	assert_int_equal(virtio_blk_create(&cfg, &dev), -EINVAL);
	assert_int_equal(virtio_blk_create(NULL, &dev), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(config_and_features),
		T(write_then_read_back),
		T(scattered_request_and_big_transfer),
		T(out_of_range_and_bad_lengths),
		T(flush_and_get_id),
		cmocka_unit_test(flush_not_negotiated_is_unsupported),
		cmocka_unit_test(read_only_disk),
		T(discard_and_write_zeroes),
		T(hostile_requests_break_the_device),
		T(image_shrinking_underneath),
		T(completed_write_survives_a_vmm_crash),
		T(injected_io_error),
		T(injected_io_error_other_vm),
		T(injected_short_read_is_completed),
		cmocka_unit_test(create_errors),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
