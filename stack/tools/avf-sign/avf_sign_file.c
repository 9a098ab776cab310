// SPDX-License-Identifier: Apache-2.0
/* avf-sign's file helpers: whole-file reads with a size cap, atomic writes. */
#include "stack/tools/avf-sign/avf_sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void avf_sign_err(const char *fmt, ...)
{
	va_list ap;

	fputs("avf-sign: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int avf_sign_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int avf_sign_read_file(const char *path, uint8_t **data, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		goto fail_errno;
	if (!S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto fail;
	}
	if ((uint64_t)st.st_size > AVF_SIGN_MAX_FILE) {
		err = -EFBIG;
		goto fail;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		err = -ENOMEM;
		goto fail;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;	/* shrank under us */
			free(buf);
			goto fail;
		}
		done += (size_t)n;
	}
	close(fd);
	*data = buf;
	*size = done;
	return 0;
fail_errno:
	err = -errno;
fail:
	close(fd);
	return err;
}

static int write_all(int fd, const void *data, size_t size)
{
	const uint8_t *p = data;

	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

int avf_sign_write_file(const char *path, const void *data, size_t size, unsigned mode,
			int exclusive)
{
	size_t len = strlen(path);
	char *tmp = malloc(len + 16);
	int fd, err;

	if (!tmp)
		return -ENOMEM;
	if (exclusive && access(path, F_OK) == 0) {
		free(tmp);
		return -EEXIST;
	}
	snprintf(tmp, len + 16, "%s.tmp-XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
	err = write_all(fd, data, size);
	if (!err && fchmod(fd, mode) < 0)
		err = -errno;
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	/* link() refuses an existing target, which makes "exclusive" race-free. */
	if (!err && exclusive && link(tmp, path) < 0)
		err = -errno;
	if (!err && !exclusive && rename(tmp, path) < 0)
		err = -errno;
	if (exclusive || err)
		unlink(tmp);
	free(tmp);
	return err;
}
