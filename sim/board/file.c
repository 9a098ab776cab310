// SPDX-License-Identifier: MIT
/* Reading image and initrd files whole, with a size limit checked before reading. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/board/board.h"

/* Read until EOF or limit + 1 bytes (to notice a file that grew past the limit). */
static int read_all(int fd, uint64_t limit, uint8_t **data, size_t *size,
		    struct img_error *err)
{
	size_t cap = 64 * 1024, len = 0;
	uint8_t *buf = malloc(cap), *nbuf;
	ssize_t n;

	if (!buf)
		return img_fail(err, ENOMEM, "out of memory");
	for (;;) {
		if (len == cap) {
			cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				free(buf);
				return img_fail(err, ENOMEM, "out of memory reading %zu bytes",
						len);
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			return img_fail(err, e, "read failed: %s", strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > limit) {
			free(buf);
			return img_fail(err, EFBIG, "larger than RAM (%" PRIu64 " bytes)",
					limit);
		}
	}
	*data = buf;
	*size = len;
	return 0;
}

int board_read_file(const char *path, uint64_t limit, uint8_t **data, size_t *size,
		    struct img_error *err)
{
	struct stat st;
	int fd, ret, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		return img_fail(err, e, "cannot open: %s", strerror(e));
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		return img_fail(err, e, "cannot stat: %s", strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return img_fail(err, EISDIR, "is a directory");
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > limit) {
		close(fd);
		return img_fail(err, EFBIG, "%" PRIu64 " bytes is larger than RAM (%" PRIu64
				" bytes)", (uint64_t)st.st_size, limit);
	}
	ret = read_all(fd, limit, data, size, err);
	close(fd);
	return ret;
}
