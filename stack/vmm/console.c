// SPDX-License-Identifier: MIT
/* The console sink; see console.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stack/vmm/console.h"

int vmm_console_init(struct vmm_console *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	if (!path || !strcmp(path, "-")) {
		c->fd = STDOUT_FILENO;
	} else {
		c->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (c->fd < 0)
			return -errno;
		c->own_fd = true;
	}
	pthread_mutex_init(&c->lock, NULL);
	c->ready = true;
	return 0;
}

/* Write everything buffered; the fd is blocking, so only real errors stop it. */
static void flush_locked(struct vmm_console *c)
{
	size_t done = 0;

	while (done < c->len && !c->err) {
		ssize_t n = write(c->fd, c->buf + done, c->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			/* Someone made our fd non-blocking: wait for room rather than lose
			 * output. */
			usleep(1000);
			continue;
		}
		if (n <= 0) {
			c->err = n < 0 ? errno : EIO;
			break;
		}
		done += (size_t)n;
	}
	if (c->err)
		c->dropped += c->len - done;
	c->len = 0;
}

void vmm_console_write(struct vmm_console *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	bool newline = false;

	pthread_mutex_lock(&c->lock);
	if (len && !c->first_byte_ns) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		c->first_byte_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	}
	c->bytes += len;
	while (len) {
		size_t n = CONSOLE_BUF_SIZE - c->len;

		if (n > len)
			n = len;
		memcpy(c->buf + c->len, p, n);
		newline |= memchr(p, '\n', n) != NULL;
		c->len += n;
		p += n;
		len -= n;
		if (c->len == CONSOLE_BUF_SIZE)
			flush_locked(c);
	}
	if (newline)
		flush_locked(c);
	pthread_mutex_unlock(&c->lock);
}

void vmm_console_flush(struct vmm_console *c)
{
	pthread_mutex_lock(&c->lock);
	flush_locked(c);
	pthread_mutex_unlock(&c->lock);
}

int vmm_console_error(struct vmm_console *c)
{
	int err;

	pthread_mutex_lock(&c->lock);
	err = -c->err;
	pthread_mutex_unlock(&c->lock);
	return err;
}

void vmm_console_fini(struct vmm_console *c)
{
	if (!c->ready)
		return;
	vmm_console_flush(c);
	if (c->own_fd)
		close(c->fd);
	pthread_mutex_destroy(&c->lock);
	c->ready = false;
}
