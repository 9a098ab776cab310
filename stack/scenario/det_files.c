// SPDX-License-Identifier: MIT
/*
 * Deterministic mode's files: the run directory (consoles, images, disks, sockets),
 * signed payloads unwrapped for normal VMs, and the VMM library's stderr kept in the
 * run's log so that a failure can quote it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stack/guest/payload/payload.h"
#include "stack/scenario/det_internal.h"

int det_slurp(const char *path, void **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	*buf = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_size > (1 << 28)) {
		close(fd);
		return -EFBIG;
	}
	*buf = malloc((size_t)st.st_size + 1);
	n = *buf ? read(fd, *buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		free(*buf);
		*buf = NULL;
		return -EIO;
	}
	*len = (size_t)n;
	return 0;
}

int det_copy_or_create(const char *image, uint64_t size, const char *dst)
{
	int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), ret = 0;
	void *buf;
	size_t len;

	if (fd < 0)
		return -errno;
	if (!image) {
		ret = ftruncate(fd, (off_t)size) ? -errno : 0;
	} else if (!(ret = det_slurp(image, &buf, &len))) {
		ret = write(fd, buf, len) == (ssize_t)len ? 0 : -EIO;
		free(buf);
	}
	close(fd);
	return ret;
}

int det_unwrap_payload(struct det *d, unsigned i, enum vmm_image_kind *kind,
		       uint64_t *load_addr)
{
	const struct sc_vm *vm = &d->sc->vms[i];
	struct det_vm *dv = &d->vms[i];
	struct avf_payload p;
	char code[400];
	size_t len;
	void *buf;
	int fd;
	bool ok;

	if (det_slurp(dv->image, &buf, &len))
		return det_fail(d, "vm %s: payload %s: cannot read it", vm->name, dv->image);
	if (vm->protected_vm || avf_payload_parse(buf, len, &p, NULL) != AVF_PAYLOAD_OK) {
		free(buf);	/* pvmfw checks it, or it is a plain image */
		return 0;
	}
	if (p.hdr.entry_offset) {
		free(buf);
		return det_fail(d, "vm %s: payload %s: entry offset is not 0: a normal VM enters "
				"its payload at the load address", vm->name, dv->image);
	}
	snprintf(code, sizeof(code), "%s/%s.code", d->dir, vm->name);
	fd = open(code, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ok = fd >= 0 && write(fd, p.code, p.hdr.code_size) == (ssize_t)p.hdr.code_size;
	if (fd >= 0)
		close(fd);
	free(buf);
	if (!ok)
		return det_fail(d, "cannot write %s", code);
	snprintf(dv->image, sizeof(dv->image), "%s", code);
	*kind = VMM_IMAGE_RAW;
	*load_addr = p.hdr.load_addr;
	return 0;
}

/* The run directory is flat (files and sockets we made): unlink each, then it. */
static void remove_tree(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX + 300];

	if (!dp)
		return;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(dp);
	rmdir(dir);
}

int det_open_workdir(struct det *d)
{
	const char *tmp = getenv("TMPDIR");
	char log[PATH_MAX + 16];

	snprintf(d->dir, sizeof(d->dir), "%s/avf-scenario-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(d->dir))
		return det_fail(d, "cannot create a run directory in %s: %s",
				tmp && *tmp ? tmp : "/tmp", strerror(errno));
	snprintf(log, sizeof(log), "%s/vmm.log", d->dir);
	d->log_fd = open(log, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	d->saved_stderr = -1;
	for (unsigned i = 0; i < d->sc->nr_vms; i++) {
		struct det_vm *dv = &d->vms[i];
		int fd;

		dv->name = d->sc->vms[i].name;
		snprintf(dv->console, sizeof(dv->console), "%s/%s.console", d->dir, dv->name);
		fd = open(dv->console, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

/* The last lines of the VMM's log, for a failure's detail. */
static void log_tail(struct det *d)
{
	char buf[SC_REASON_MAX - 64];
	off_t size;
	ssize_t n;

	if (d->log_fd < 0 || d->res->kind != SC_FAIL || d->res->detail[0])
		return;
	size = lseek(d->log_fd, 0, SEEK_END);
	if (size <= 0)
		return;
	if (size > (off_t)sizeof(buf) - 1)
		lseek(d->log_fd, size - (off_t)sizeof(buf) + 1, SEEK_SET);
	else
		lseek(d->log_fd, 0, SEEK_SET);
	n = read(d->log_fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return;
	buf[n] = 0;
	snprintf(d->res->detail, sizeof(d->res->detail), "the VMM said:\n%s", buf);
}

void det_close_workdir(struct det *d)
{
	log_tail(d);
	if (d->log_fd >= 0)
		close(d->log_fd);
	d->log_fd = -1;
	if (!d->o->verbose || d->res->kind != SC_FAIL)
		remove_tree(d->dir);
	else
		fprintf(stderr, "  run directory kept: %s\n", d->dir);
}

void det_quiet_stderr(struct det *d, bool quiet)
{
	if (d->o->verbose || d->log_fd < 0)
		return;
	fflush(stderr);
	if (quiet) {
		d->saved_stderr = dup(2);
		if (d->saved_stderr >= 0)
			dup2(d->log_fd, 2);
	} else if (d->saved_stderr >= 0) {
		dup2(d->saved_stderr, 2);
		close(d->saved_stderr);
		d->saved_stderr = -1;
	}
}
