// SPDX-License-Identifier: MIT
/*
 * arm64 Linux Image (Documentation/arch/arm64/booting.rst). The 64-byte header:
 *   0x00 code0, code1   executable code (usually a branch to the real entry)
 *   0x08 text_offset    load offset from a 2 MiB aligned base, little endian
 *   0x10 image_size     effective size incl. BSS; 0 in kernels before 3.17
 *   0x18 flags          bit 0: big-endian kernel; bits 1-2: page size; bit 3: placement
 *   0x20 res2..res4
 *   0x38 magic          "ARM\x64"
 *   0x3c res5           (PE/COFF header offset for EFI stubs)
 * Placement (booting.rst, and QEMU's load_aarch64_image()): text_offset bytes above the
 * first 2 MiB aligned address at or above the RAM base; moved up by 2 MiB if that would
 * overlap the boot stub the platform keeps at the start of RAM (ram->stub_size);
 * image_size 0 means text_offset is not valid and the kernel goes at the legacy 512 KiB
 * offset. The kernel occupies max(image_size, file size) bytes from its load address.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "lib/image/image.h"

#define IMAGE_HDR_SIZE		64
#define IMAGE_TEXT_OFFSET	0x08
#define IMAGE_IMAGE_SIZE	0x10
#define IMAGE_FLAGS		0x18
#define IMAGE_MAGIC		0x38
#define IMAGE_FLAG_BE		(1ull << 0)

/*
 * The kernel's offset from the RAM base, from the header's text_offset and image_size;
 * false if it overflows (then it cannot be in RAM either).
 */
static bool image_load_offset(const struct img_ram *ram, uint64_t text_offset,
			      uint64_t image_size, uint64_t *offset)
{
	uint64_t gap = (IMG_ARM64_ALIGN - (ram->base & (IMG_ARM64_ALIGN - 1))) &
		       (IMG_ARM64_ALIGN - 1);
	uint64_t off;

	if (image_size == 0)
		text_offset = IMG_ARM64_LEGACY_TEXT_OFFSET;
	if (__builtin_add_overflow(gap, text_offset, &off))
		return false;
	if (image_size && off < ram->stub_size &&
	    __builtin_add_overflow(off, IMG_ARM64_ALIGN, &off))
		return false;
	*offset = off;
	return true;
}

int img_load_arm64(const uint8_t *data, size_t size, const struct img_ram *ram,
		   struct img_plan *out, struct img_error *err)
{
	uint64_t text_offset, image_size, flags, offset, span, entry;

	if (size < IMAGE_HDR_SIZE)
		return img_fail(err, EINVAL,
				"arm64 Image truncated: %zu bytes, the header alone is %d",
				size, IMAGE_HDR_SIZE);
	if (memcmp(data + IMAGE_MAGIC, "ARM\x64", 4) != 0)
		return img_fail(err, EINVAL,
				"not an arm64 Image: no \"ARM\\x64\" magic at offset 0x38");
	text_offset = img_le64(data + IMAGE_TEXT_OFFSET);
	image_size = img_le64(data + IMAGE_IMAGE_SIZE);
	flags = img_le64(data + IMAGE_FLAGS);
	if (image_size && (flags & IMAGE_FLAG_BE))
		return img_fail(err, ENOEXEC,
				"arm64 Image is big-endian (flags bit 0); only "
				"little-endian kernels can be loaded");
	if (!image_load_offset(ram, text_offset, image_size, &offset))
		offset = UINT64_MAX;	/* fails the RAM check below */
	if ((text_offset & 3) && image_size)
		return img_fail(err, EINVAL,
				"arm64 Image text_offset 0x%" PRIx64 " is not 4-byte aligned",
				text_offset);
	span = image_size > size ? image_size : size;
	if (span > ram->size)
		return img_fail(err, ERANGE,
				"arm64 Image needs 0x%" PRIx64 " bytes (image_size 0x%" PRIx64
				", file 0x%zx) but RAM is only 0x%" PRIx64 " bytes",
				span, image_size, size, ram->size);
	if (offset >= ram->size || !img_ram_contains(ram, ram->base + offset, span))
		return img_fail(err, ERANGE,
				"arm64 Image at RAM base + 0x%" PRIx64 " (text_offset 0x%" PRIx64
				") with size 0x%" PRIx64 " does not fit in RAM "
				"[0x%" PRIx64 ", 0x%" PRIx64 ")",
				  offset, text_offset, span, ram->base, ram->base + ram->size);
	entry = ram->base + offset;
	memset(out, 0, sizeof(*out));
	out->format = IMG_FORMAT_IMAGE;
	out->linux_boot = true;
	out->entry = entry;
	out->low = entry;
	out->high = entry + span;
	out->nr_segments = 1;
	out->seg[0] = (struct img_segment){
		.pa = entry, .data = data, .filesz = size, .memsz = span,
	};
	return 0;
}
