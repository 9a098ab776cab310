// SPDX-License-Identifier: Apache-2.0
/*
 * linux-io-check, guest benchmarks (scripts/bench-io, docs/VMM.md "Benchmarks").
 *
 * Each result is one console line "lio-bench: NAME VALUE UNIT (detail)". Times are the
 * guest's CLOCK_MONOTONIC: real time on KVM and QEMU; on the sim backend it is the
 * machine's virtual time, which says nothing about the host's speed.
 *
 * blk: O_DIRECT on the disk beyond the check's region, so every request reaches the
 * device: sequential 1 MiB writes (then fsync) and reads, then random 4 KiB reads and
 * writes (then fsync) at offsets from a fixed-seed generator (same offsets every run).
 * vsock: the host side (lio_host.c) listens on LIO_VSOCK_BENCH_PORT; a line "G2H N\n" or
 * "H2G N\n" starts a transfer of N bytes, acknowledged by "done\n" from the receiver;
 * the host closes the connection after it has printed its measurement.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
/* After sys/socket.h: the UAPI header uses struct sockaddr. */
#include <linux/vm_sockets.h>
#include <unistd.h>

#include "stack/tools/linux-io-check/lio.h"
#include "stack/tools/linux-io-check/lio_internal.h"

#define SEQ_CHUNK (1u << 20)
#define RAND_BLOCK 4096u

static void print_rate(const char *name, double value, const char *unit, uint64_t bytes,
		       uint64_t ops, double seconds)
{
	printf("lio-bench: %s %.1f %s (%" PRIu64 " bytes, %" PRIu64 " requests, %.3f s)\n",
	       name, value, unit, bytes, ops, seconds);
	fflush(stdout);
}

static int bench_seq(int fd, bool write_it, uint64_t first, uint64_t end, uint8_t *buf)
{
	double t0 = lio_now();
	uint64_t ops = 0;
	for (uint64_t off = first; off + SEQ_CHUNK <= end; off += SEQ_CHUNK, ops++) {
		ssize_t n = write_it ? pwrite(fd, buf, SEQ_CHUNK, (off_t)off) :
				       pread(fd, buf, SEQ_CHUNK, (off_t)off);
		if (n != SEQ_CHUNK)
			return n < 0 ? -errno : -EIO;
	}
	if (write_it && fsync(fd) != 0)
		return -errno;
	double s = lio_now() - t0;
	uint64_t bytes = ops * SEQ_CHUNK;
	print_rate(write_it ? "blk-seq-write" : "blk-seq-read", (double)bytes / (1 << 20) / s,
		   "MiB/s", bytes, ops, s);
	return 0;
}

static int bench_rand(int fd, bool write_it, uint64_t first, uint64_t end, unsigned ops,
		      uint8_t *buf)
{
	uint64_t blocks = (end - first) / RAND_BLOCK, x = 0x9e3779b97f4a7c15ull;
	double t0 = lio_now();
	for (unsigned i = 0; i < ops; i++) {
		x ^= x << 13; /* xorshift64: fixed seed, the same offsets every run */
		x ^= x >> 7;
		x ^= x << 17;
		off_t off = (off_t)(first + (x % blocks) * RAND_BLOCK);
		ssize_t n = write_it ? pwrite(fd, buf, RAND_BLOCK, off) :
				       pread(fd, buf, RAND_BLOCK, off);
		if (n != RAND_BLOCK)
			return n < 0 ? -errno : -EIO;
	}
	if (write_it && fsync(fd) != 0)
		return -errno;
	double s = lio_now() - t0;
	print_rate(write_it ? "blk-rand-write-4k" : "blk-rand-read-4k", ops / s, "IOPS",
		   (uint64_t)ops * RAND_BLOCK, ops, s);
	return 0;
}

int lio_bench_blk(const char *dev, uint64_t first_byte, unsigned rand_ops)
{
	uint64_t size;
	void *buf;
	int fd = open(dev, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, BLKGETSIZE64, &size) != 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	uint64_t end = size & ~(uint64_t)(SEQ_CHUNK - 1);
	if (end < first_byte + SEQ_CHUNK || rand_ops == 0 ||
	    posix_memalign(&buf, 4096, SEQ_CHUNK) != 0) {
		close(fd);
		return -ENOSPC;
	}
	lio_pattern_fill(buf, SEQ_CHUNK, LIO_STREAM_DISK_GUEST, 0);
	int err = bench_seq(fd, true, first_byte, end, buf);
	if (!err)
		err = bench_seq(fd, false, first_byte, end, buf);
	if (!err)
		err = bench_rand(fd, false, first_byte, end, rand_ops, buf);
	if (!err)
		err = bench_rand(fd, true, first_byte, end, rand_ops, buf);
	free(buf);
	close(fd);
	return err;
}

static int bench_connect(const char *header)
{
	struct sockaddr_vm addr = {
		.svm_family = AF_VSOCK, .svm_cid = LIO_VSOCK_HOST_CID,
		.svm_port = LIO_VSOCK_BENCH_PORT,
	};
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	int err = lio_write_all(fd, header, strlen(header));
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* One transfer of `bytes` in the direction the header names, timed by the guest. */
static int bench_vsock_one(bool upload, uint64_t bytes, uint8_t *buf, size_t cap)
{
	char header[64], done[5];
	snprintf(header, sizeof(header), "%s %" PRIu64 "\n", upload ? "G2H" : "H2G", bytes);
	int fd = bench_connect(header);
	if (fd < 0)
		return fd;
	double t0 = lio_now();
	int err = 0;
	for (uint64_t left = bytes; left && !err;) {
		size_t n = left < cap ? (size_t)left : cap;
		err = upload ? lio_write_all(fd, buf, n) : lio_read_all(fd, buf, n);
		left -= n;
	}
	/* The receiver's "done" closes the measurement: data in flight is not "sent". */
	if (!err)
		err = upload ? lio_read_all(fd, done, 5) : lio_write_all(fd, "done\n", 5);
	if (!err && upload && memcmp(done, "done\n", 5) != 0)
		err = -EPROTO;
	double s = lio_now() - t0;
	/*
	 * The host closes once it has the result: waiting for that EOF keeps the guest from
	 * powering off while its "done" is still on the way (the VM's end drops it).
	 */
	if (!err && lio_read_to_eof(fd, done, sizeof(done)) != 0)
		err = -EPROTO;
	close(fd);
	if (!err)
		print_rate(upload ? "vsock-guest-to-host(guest clock)" :
				    "vsock-host-to-guest(guest clock)",
			   (double)bytes / (1 << 20) / s, "MiB/s", bytes, 1, s);
	return err;
}

int lio_bench_vsock_guest(uint64_t bytes)
{
	size_t cap = 64u << 10;
	uint8_t *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	lio_pattern_fill(buf, cap, LIO_STREAM_VSOCK_UP, 0);
	int err = bench_vsock_one(true, bytes, buf, cap);
	if (!err)
		err = bench_vsock_one(false, bytes, buf, cap);
	free(buf);
	return err;
}
