// SPDX-License-Identifier: Apache-2.0
/* linux-io-check: helpers both sides use (lio_internal.h). */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stack/tools/linux-io-check/lio_internal.h"

static const struct {
	const char *name;
	unsigned item;
} item_names[] = {
	{ "blk", LIO_DO_BLK },
	{ "vsock", LIO_DO_VSOCK },
	{ "net", LIO_DO_NET },
	{ "bench-blk", LIO_DO_BENCH_BLK },
	{ "bench-vsock", LIO_DO_BENCH_VSOCK },
};

int lio_parse_items(const char *list, unsigned *items)
{
	unsigned got = 0;
	const char *p = list;

	if (*p == '\0')
		return -EINVAL;
	while (*p) {
		size_t n = strcspn(p, ",");
		unsigned found = 0;
		for (size_t i = 0; i < sizeof(item_names) / sizeof(item_names[0]); i++)
			if (strlen(item_names[i].name) == n && strncmp(p, item_names[i].name, n) == 0)
				found = item_names[i].item;
		if (!found)
			return -EINVAL;
		got |= found;
		p += n;
		if (*p == ',' && *++p == '\0')
			return -EINVAL; /* a trailing comma names nothing */
	}
	*items = got;
	return 0;
}

double lio_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int lio_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int lio_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t lio_read_to_eof(int fd, void *buf, size_t cap)
{
	size_t got = 0;
	char extra;
	for (;;) {
		/* Past the capacity, one more byte only to see whether EOF came. */
		char *dst = got < cap ? (char *)buf + got : &extra;
		size_t room = got < cap ? cap - got : 1;
		ssize_t n = read(fd, dst, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return (ssize_t)got;
		if (got >= cap)
			return -EMSGSIZE;
		got += (size_t)n;
	}
}
