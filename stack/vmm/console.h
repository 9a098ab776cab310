/* SPDX-License-Identifier: MIT */
/*
 * The VM's console sink (private to stack/vmm/): where the UART's and the virtio
 * console's output ends up, in the order the VMM receives it. It owns a blocking file
 * descriptor (a file, or stdout); bytes are buffered and written out at each newline,
 * when the buffer fills, and when the run loop flushes (every scheduling turn), so the
 * file is complete whenever the VM ends and output is never held back for long.
 *
 * It also notes when the first byte arrived (CLOCK_MONOTONIC, for the VMM's start-to-
 * first-byte statistic; nothing the guest sees depends on it).
 *
 * Thread-safe (one mutex). A write error is remembered (the first errno) and reported by
 * vmm_console_error(); later output is dropped and counted.
 */
#ifndef AVF_VMM_CONSOLE_H
#define AVF_VMM_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_BUF_SIZE 4096

struct vmm_console {
	pthread_mutex_t lock;
	bool ready;		/* vmm_console_init() succeeded */
	int fd;
	bool own_fd;		/* close at vmm_console_fini() */
	uint8_t buf[CONSOLE_BUF_SIZE];
	size_t len;
	uint64_t bytes, dropped;
	uint64_t first_byte_ns;	/* CLOCK_MONOTONIC; 0 until the first byte */
	int err;		/* first write error (positive errno), 0 if none */
};

/*
 * path "-" or NULL: standard output (not closed at the end); otherwise the file is
 * created or truncated. 0 or -errno (from open).
 */
int vmm_console_init(struct vmm_console *c, const char *path);
/* Flush and close. Safe on a zeroed or failed-to-init console. */
void vmm_console_fini(struct vmm_console *c);

void vmm_console_write(struct vmm_console *c, const void *buf, size_t len);
void vmm_console_flush(struct vmm_console *c);
/* The first write error as -errno, or 0. */
int vmm_console_error(struct vmm_console *c);

#endif /* AVF_VMM_CONSOLE_H */
