// SPDX-License-Identifier: Apache-2.0
/*
 * libavf's config builder. Values are checked here as the service checks them, so a
 * bad value is refused at the call that sets it, with a message naming it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stack/api/api_internal.h"

static __thread char last_error[SVC_MSG_MAX + 64];

const char *avf_last_error(void)
{
	return last_error;
}

int avf_set_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}

int avf_config_new(struct avf_vm_config **out)
{
	struct avf_vm_config *cfg = calloc(1, sizeof(*cfg));

	if (!cfg)
		return avf_set_error(-ENOMEM, "out of memory");
	cfg->c.mem_mib = 64;
	cfg->c.cpus = 1;
	cfg->payload_fd = -1;
	*out = cfg;
	return 0;
}

void avf_config_free(struct avf_vm_config *cfg)
{
	if (!cfg)
		return;
	if (cfg->payload_fd >= 0)
		close(cfg->payload_fd);
	free(cfg);
}

static int set_string(char *dst, size_t cap, const char *s, const char *what)
{
	if (!s || strlen(s) >= cap)
		return avf_set_error(-EINVAL, "%s: %s", what, s ? "too long" : "missing");
	strcpy(dst, s);
	return 0;
}

int avf_config_set_payload_path(struct avf_vm_config *cfg, const char *path)
{
	if (!path || !*path)
		return avf_set_error(-EINVAL, "payload path: empty");
	if (cfg->payload_fd >= 0) {
		close(cfg->payload_fd);
		cfg->payload_fd = -1;
	}
	return set_string(cfg->c.payload, sizeof(cfg->c.payload), path, "payload path");
}

int avf_config_set_payload_fd(struct avf_vm_config *cfg, int fd)
{
	if (fd < 0)
		return avf_set_error(-EBADF, "payload fd: %d is not an fd", fd);
	if (cfg->payload_fd >= 0)
		close(cfg->payload_fd);
	cfg->payload_fd = fd;
	cfg->c.payload[0] = 0;
	return 0;
}

int avf_config_set_memory_mib(struct avf_vm_config *cfg, uint64_t mib)
{
	if (mib < 4 || mib > 16384)
		return avf_set_error(-EINVAL, "memory: %llu MiB is not in 4..16384",
				     (unsigned long long)mib);
	cfg->c.mem_mib = mib;
	return 0;
}

int avf_config_set_cpus(struct avf_vm_config *cfg, unsigned cpus)
{
	if (cpus < 1 || cpus > 64)
		return avf_set_error(-EINVAL, "vCPUs: %u is not in 1..64", cpus);
	cfg->c.cpus = cpus;
	return 0;
}

int avf_config_set_protected(struct avf_vm_config *cfg, bool protected_vm)
{
	cfg->c.protected_vm = protected_vm;
	return 0;
}

int avf_config_set_debug_level(struct avf_vm_config *cfg, enum avf_debug_level level)
{
	if (level != AVF_DEBUG_NONE && level != AVF_DEBUG_FULL)
		return avf_set_error(-EINVAL, "debug level: %d is neither none (0) nor full (1)",
				     (int)level);
	cfg->c.debug_level = (uint8_t)level;
	return 0;
}

int avf_config_add_disk(struct avf_vm_config *cfg, const char *path, bool read_only)
{
	int ret;

	if (cfg->c.nr_disks >= SVC_MAX_DISKS)
		return avf_set_error(-E2BIG, "disks: at most %d", SVC_MAX_DISKS);
	if (!path || !*path)
		return avf_set_error(-EINVAL, "disk path: empty");
	ret = set_string(cfg->c.disks[cfg->c.nr_disks].path, SVC_PATH_MAX, path, "disk path");
	if (ret)
		return ret;
	cfg->c.disks[cfg->c.nr_disks++].read_only = read_only;
	return 0;
}

int avf_config_set_network(struct avf_vm_config *cfg, const char *switch_path)
{
	if (!switch_path) {
		cfg->c.network[0] = 0;
		return 0;
	}
	return set_string(cfg->c.network, sizeof(cfg->c.network), switch_path, "network");
}

int avf_config_set_name(struct avf_vm_config *cfg, const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (!n || n > 40 || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789._-") != n)
		return avf_set_error(-EINVAL, "name '%s': use 1..40 of A-Z a-z 0-9 . _ -",
				     name ? name : "");
	strcpy(cfg->c.name, name);
	return 0;
}

int avf_config_set_instance_id(struct avf_vm_config *cfg, uint64_t id)
{
	cfg->c.instance_id = id;
	return 0;
}

int avf_config_set_detached(struct avf_vm_config *cfg, bool detached)
{
	cfg->c.detached = detached;
	return 0;
}

int avf_config_set_ready_timeout_ms(struct avf_vm_config *cfg, uint32_t ms)
{
	cfg->c.ready_timeout_ms = ms;
	return 0;
}
