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
 * Placement as QEMU's load_aarch64_image(): RAM base + text_offset, moved up by 2 MiB
 * if that would overlap the 4 KiB boot stub; image_size 0 means text_offset is not
 * valid and the kernel goes at RAM base + 512 KiB. The kernel occupies
 * max(image_size, file size) bytes from its load address.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "sim/board/image.h"
#include "sim/board/virt.h"

#define IMAGE_HDR_SIZE		64
#define IMAGE_TEXT_OFFSET	0x08
#define IMAGE_IMAGE_SIZE	0x10
#define IMAGE_FLAGS		0x18
#define IMAGE_MAGIC		0x38
#define IMAGE_FLAG_BE		(1ull << 0)

/* Where QEMU puts the kernel, from the header's text_offset and image_size. */
static uint64_t image_load_offset(uint64_t text_offset, uint64_t image_size)
{
	if (image_size == 0)
		return VIRT_KERNEL_OFFSET;
	if (text_offset < VIRT_BOOT_STUB_SIZE)
		return text_offset + VIRT_IMAGE_LOW_SHIFT;
	return text_offset;
}

int board_load_arm64_image(const uint8_t *data, size_t size, const struct board_ram *ram,
			   struct board_image *out, struct board_error *err)
{
	uint64_t text_offset, image_size, flags, offset, span, entry;

	if (size < IMAGE_HDR_SIZE)
		return board_fail(err, EINVAL,
				  "arm64 Image truncated: %zu bytes, the header alone is %d",
				  size, IMAGE_HDR_SIZE);
	if (memcmp(data + IMAGE_MAGIC, "ARM\x64", 4) != 0)
		return board_fail(err, EINVAL,
				  "not an arm64 Image: no \"ARM\\x64\" magic at offset 0x38");
	text_offset = board_le64(data + IMAGE_TEXT_OFFSET);
	image_size = board_le64(data + IMAGE_IMAGE_SIZE);
	flags = board_le64(data + IMAGE_FLAGS);
	if (image_size && (flags & IMAGE_FLAG_BE))
		return board_fail(err, ENOEXEC,
				  "arm64 Image is big-endian (flags bit 0); avf-sim runs "
				  "little-endian kernels only");
	offset = image_load_offset(text_offset, image_size);
	if (offset & 3)
		return board_fail(err, EINVAL,
				  "arm64 Image text_offset 0x%" PRIx64 " is not 4-byte aligned",
				  text_offset);
	span = image_size > size ? image_size : size;
	if (span > ram->size)
		return board_fail(err, ERANGE,
				  "arm64 Image needs 0x%" PRIx64 " bytes (image_size 0x%" PRIx64
				  ", file 0x%zx) but RAM is only 0x%" PRIx64 " bytes",
				  span, image_size, size, ram->size);
	if (offset >= ram->size || !board_ram_contains(ram, ram->base + offset, span))
		return board_fail(err, ERANGE,
				  "arm64 Image at RAM base + 0x%" PRIx64 " (text_offset 0x%" PRIx64
				  ") with size 0x%" PRIx64 " does not fit in RAM "
				  "[0x%" PRIx64 ", 0x%" PRIx64 ")",
				  offset, text_offset, span, ram->base, ram->base + ram->size);
	entry = ram->base + offset;
	memset(out, 0, sizeof(*out));
	out->format = BOARD_FORMAT_IMAGE;
	out->linux_boot = true;
	out->entry = entry;
	out->low = entry;
	out->high = entry + span;
	out->nr_segments = 1;
	out->seg[0] = (struct board_segment){
		.pa = entry, .data = data, .filesz = size, .memsz = span,
	};
	return 0;
}
