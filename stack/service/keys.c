// SPDX-License-Identifier: Apache-2.0
/*
 * Trusted keys and payload verification for the service: a thin layer over the
 * firmware's verifier, so the service refuses exactly what pvmfw would.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stack/guest/payload/payload.h"
#include "stack/service/keys.h"

static int load_one(struct svc_keys *k, int dirfd, const char *name, char *err,
		    size_t errlen)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	uint8_t buf[33];
	ssize_t n;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return -errno;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n != 32) {
		snprintf(err, errlen, "%s: not a raw 32-byte Ed25519 public key", name);
		return -EINVAL;
	}
	if (k->nr >= SVC_MAX_KEYS) {
		snprintf(err, errlen, "more than %d keys", SVC_MAX_KEYS);
		return -E2BIG;
	}
	memcpy(k->pub[k->nr++], buf, 32);
	return 0;
}

int svc_keys_load(struct svc_keys *k, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	k->nr = 0;
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	while (!ret && (e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 4 && !strcmp(e->d_name + len - 4, ".pub"))
			ret = load_one(k, dirfd(d), e->d_name, err, errlen);
	}
	closedir(d);
	return ret;
}

int svc_keys_verify(const struct svc_keys *k, const void *data, size_t size,
		    uint8_t measure[64], char *err, size_t errlen)
{
	enum avf_payload_status st;
	struct avf_payload p;
	const char *detail = "";

	st = avf_payload_parse(data, size, &p, &detail);
	if (st != AVF_PAYLOAD_OK) {
		snprintf(err, errlen, "%s: %s", avf_payload_status_name(st), detail);
		return -EKEYREJECTED;
	}
	st = AVF_PAYLOAD_UNKNOWN_KEY;
	detail = "no trusted key";
	/* The key id picks the key; only a key with that id can verify. */
	for (unsigned i = 0; i < k->nr && st == AVF_PAYLOAD_UNKNOWN_KEY; i++)
		st = avf_payload_verify(&p, k->pub[i], 0, &detail);
	if (st != AVF_PAYLOAD_OK) {
		snprintf(err, errlen, "%s: %s", avf_payload_status_name(st), detail);
		return -EKEYREJECTED;
	}
	avf_payload_measure(&p, measure);
	return 0;
}
