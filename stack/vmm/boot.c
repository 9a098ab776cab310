// SPDX-License-Identifier: MIT
/*
 * Boot placement for the VMM's layout (layout.h), pure arithmetic:
 *
 *   VMM_RAM_BASE                                                       RAM end
 *   | kernel (text_offset above the base, or ELF/raw addresses) ... | initrd | DT (2 MiB) |
 *
 * The DT takes the last VMM_FDT_MAX bytes of RAM (crosvm puts it at the end of RAM too;
 * booting.rst wants it 8-byte aligned, at most 2 MiB, inside one 2 MiB region: the last
 * 2 MiB-aligned 2 MiB of RAM is all three). The initrd goes right below the DT,
 * page-aligned, leaving everything after the kernel free for it to grow into. Every kind
 * of image starts with x0 = the DT's address (bare-metal ELF guests find their devices
 * there too); the image's own loader rules come from lib/image with no boot stub.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "stack/vmm/vmm_internal.h"

static enum img_format image_format(enum vmm_image_kind kind)
{
	switch (kind) {
	case VMM_IMAGE_ELF:
		return IMG_FORMAT_ELF;
	case VMM_IMAGE_LINUX:
		return IMG_FORMAT_IMAGE;
	case VMM_IMAGE_RAW:
		return IMG_FORMAT_RAW;
	case VMM_IMAGE_AUTO:
		break;
	}
	return IMG_FORMAT_AUTO;
}

static int place_initrd(const struct vmm_boot_input *in, struct vmm_boot *b,
			struct img_error *err)
{
	uint64_t room = b->fdt_addr - b->image.high;	/* image.high <= fdt_addr here */

	if (in->initrd_size > room)
		return img_fail(err, ERANGE, "initrd of 0x%" PRIx64 " bytes does not fit between "
				"the kernel's end 0x%" PRIx64 " and the DT at 0x%" PRIx64,
				in->initrd_size, b->image.high, b->fdt_addr);
	b->initrd_start = (b->fdt_addr - in->initrd_size) & ~(PAGE_SIZE_4K - 1);
	if (b->initrd_start < b->image.high)
		return img_fail(err, ERANGE, "initrd of 0x%" PRIx64 " bytes does not fit between "
				"the kernel's end 0x%" PRIx64 " and the DT at 0x%" PRIx64
				" once page-aligned", in->initrd_size, b->image.high, b->fdt_addr);
	b->initrd_end = b->initrd_start + in->initrd_size;
	b->has_initrd = true;
	return 0;
}

int vmm_boot_plan(const struct vmm_boot_input *in, struct vmm_boot *out,
		  struct img_error *err)
{
	struct img_ram ram = { .base = VMM_RAM_BASE, .size = in->ram_size };
	bool have_addr = in->load_addr != 0;
	int ret;

	memset(out, 0, sizeof(*out));
	if (in->ram_size < 2 * VMM_FDT_MAX || in->ram_size % VMM_FDT_MAX)
		return img_fail(err, EINVAL, "RAM of 0x%" PRIx64 " bytes: must be a multiple of "
				"2 MiB and at least 4 MiB", in->ram_size);
	if (have_addr && in->kind != VMM_IMAGE_RAW && in->kind != VMM_IMAGE_AUTO)
		return img_fail(err, EINVAL, "a load address applies only to raw images");
	ret = img_load(in->image, in->image_size, image_format(in->kind), have_addr,
		       in->load_addr, &ram, &out->image, err);
	if (ret)
		return ret;
	out->fdt_addr = VMM_RAM_BASE + in->ram_size - VMM_FDT_MAX;
	if (out->image.high > out->fdt_addr)
		return img_fail(err, ERANGE, "the %s image ends at 0x%" PRIx64 ", inside the "
				"last 2 MiB of RAM [0x%" PRIx64 ", ...) that hold the DT",
				img_format_name(out->image.format), out->image.high,
				out->fdt_addr);
	out->entry = out->image.entry;
	if (in->initrd_size)
		return place_initrd(in, out, err);
	return 0;
}
