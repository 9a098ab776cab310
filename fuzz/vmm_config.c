// SPDX-License-Identifier: MIT
/*
 * Fuzz target: avf-vmm's config file parser (stack/tools/avf-vmm/options.c), which reads
 * files a user or the service hands to the VMM. The input is the file, given to
 * avf_vmm_load_config() through a memfd. Oracle: the parser returns 0 or a negative errno
 * with a terminated, non-empty message naming the file and line; every string it keeps is
 * terminated and owned (freed without error by avf_vmm_opts_free under ASan); numbers it
 * accepted are within their documented ranges (at least one vCPU, some memory).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stack/tools/avf-vmm/options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct avf_vmm_opts o;
	struct img_error err;
	char path[64];
	int fd, rc;

	fd = memfd_create("vmm-config", 0);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	avf_vmm_defaults(&o);
	memset(&err, 0, sizeof(err));
	rc = avf_vmm_load_config(&o, path, &err);
	if (rc) {
		if (rc > 0 || !err.msg[0] || !memchr(err.msg, 0, sizeof(err.msg)))
			abort();
	} else {
		if (!o.vm.nr_vcpus || !o.vm.mem_mib)
			abort();
		if (o.vm.kernel)
			(void)strlen(o.vm.kernel);
		if (o.vm.name)
			(void)strlen(o.vm.name);
	}
	avf_vmm_opts_free(&o);
	close(fd);
	return 0;
}
