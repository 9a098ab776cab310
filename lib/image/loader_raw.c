// SPDX-License-Identifier: MIT
/*
 * Raw images: the file's bytes at a physical address, which is also the entry point.
 * QEMU boots such a file like a Linux kernel (stub, x0 = DTB), so we do too.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "lib/image/image.h"

int img_load_raw(const uint8_t *data, size_t size, uint64_t addr,
		 const struct img_ram *ram, struct img_plan *out,
		 struct img_error *err)
{
	if (size == 0)
		return img_fail(err, EINVAL, "raw image is empty");
	if (addr & 3)
		return img_fail(err, EINVAL,
				"raw load address 0x%" PRIx64 " is not 4-byte aligned "
				"(it is the entry point)", addr);
	if (!img_ram_contains(ram, addr, size))
		return img_fail(err, ERANGE,
				"raw image [0x%" PRIx64 ", +0x%zx) does not fit in RAM "
				  "[0x%" PRIx64 ", 0x%" PRIx64 ")",
				  addr, size, ram->base, ram->base + ram->size);
	memset(out, 0, sizeof(*out));
	out->format = IMG_FORMAT_RAW;
	out->linux_boot = true;
	out->entry = addr;
	out->low = addr;
	out->high = addr + size;
	out->nr_segments = 1;
	out->seg[0] = (struct img_segment){
		.pa = addr, .data = data, .filesz = size, .memsz = size,
	};
	return 0;
}
