/* SPDX-License-Identifier: Apache-2.0 */
/* linux-io-check: the contract between the program's files (see lio.h for the protocol). */
#ifndef LIO_INTERNAL_H
#define LIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The guest side: runs as /init (PID 1); never returns (powers the machine off). */
int lio_guest_main(void);
/* The host side: `linux-io-check host ...`; returns the process status. */
int lio_host_main(int argc, char **argv);

/* Which parts a run does: the guest reads lio.do= from /proc/cmdline, the host --do. */
enum lio_item {
	LIO_DO_BLK = 1u << 0,
	LIO_DO_VSOCK = 1u << 1,
	LIO_DO_NET = 1u << 2,
	LIO_DO_BENCH_BLK = 1u << 3,
	LIO_DO_BENCH_VSOCK = 1u << 4,
};
/* Parses "blk,vsock,net,bench-blk,bench-vsock"; 0 with *items set, -EINVAL otherwise. */
int lio_parse_items(const char *list, unsigned *items);

/* Guest benchmarks (lio_guest_bench.c): print "lio-bench: ..." lines; 0 or -errno. */
int lio_bench_blk(const char *dev, uint64_t first_byte, unsigned rand_ops);
int lio_bench_vsock_guest(uint64_t bytes);
/* Monotonic seconds (host side and guest benchmarks; never under sim/). */
double lio_now(void);

/* Whole-buffer I/O on blocking fds: 0, or -errno (-EPIPE for an early EOF on read). */
int lio_write_all(int fd, const void *buf, size_t len);
int lio_read_all(int fd, void *buf, size_t len);
/* Reads until EOF into buf (at most cap bytes); returns the count or -errno. */
ssize_t lio_read_to_eof(int fd, void *buf, size_t cap);

#endif /* LIO_INTERNAL_H */
