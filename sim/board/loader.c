// SPDX-License-Identifier: MIT
/* Format detection, dispatch to the loaders, and the helpers they share. */
#include <errno.h>
#include <string.h>

#include "sim/board/image.h"
#include "sim/board/virt.h"

/* arm64 Image header (booting.rst): the magic "ARM\x64" sits at 0x38 in a 64-byte header. */
#define ARM64_IMAGE_MAGIC_OFFSET 0x38
#define ARM64_IMAGE_HEADER_SIZE 64

const char *board_image_format_name(enum board_image_format f)
{
	switch (f) {
	case BOARD_FORMAT_AUTO:
		return "auto";
	case BOARD_FORMAT_ELF:
		return "ELF";
	case BOARD_FORMAT_IMAGE:
		return "arm64 Image";
	case BOARD_FORMAT_RAW:
		return "raw";
	}
	return "?";
}

uint16_t board_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

uint32_t board_le32(const uint8_t *p)
{
	return (uint32_t)board_le16(p) | ((uint32_t)board_le16(p + 2) << 16);
}

uint64_t board_le64(const uint8_t *p)
{
	return (uint64_t)board_le32(p) | ((uint64_t)board_le32(p + 4) << 32);
}

bool board_ram_contains(const struct board_ram *ram, uint64_t pa, uint64_t len)
{
	if (len == 0 || pa < ram->base)
		return false;
	/* pa - base < size and len <= size - (pa - base), without overflow. */
	return pa - ram->base < ram->size && len <= ram->size - (pa - ram->base);
}

int board_image_detect(const uint8_t *data, size_t size, enum board_image_format *out,
		       struct board_error *err)
{
	if (size == 0)
		return board_fail(err, EINVAL, "image is empty");
	if (size >= 4 && memcmp(data, "\x7f" "ELF", 4) == 0) {
		*out = BOARD_FORMAT_ELF;
		return 0;
	}
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return board_fail(err, ENOEXEC,
				  "image is gzip-compressed; avf-sim does not inflate images "
				  "(QEMU does): decompress it first");
	if (size >= ARM64_IMAGE_HEADER_SIZE &&
	    memcmp(data + ARM64_IMAGE_MAGIC_OFFSET, "ARM\x64", 4) == 0) {
		*out = BOARD_FORMAT_IMAGE;
		return 0;
	}
	*out = BOARD_FORMAT_RAW;
	return 0;
}

int board_load_image(const uint8_t *data, size_t size, enum board_image_format format,
		     bool have_addr, uint64_t addr, const struct board_ram *ram,
		     struct board_image *out, struct board_error *err)
{
	int ret;

	if (have_addr && format != BOARD_FORMAT_AUTO && format != BOARD_FORMAT_RAW)
		return board_fail(err, EINVAL,
				  "a load address applies only to raw images, not to %s",
				  board_image_format_name(format));
	if (have_addr)
		format = BOARD_FORMAT_RAW;
	if (format == BOARD_FORMAT_AUTO) {
		ret = board_image_detect(data, size, &format, err);
		if (ret)
			return ret;
	}
	switch (format) {
	case BOARD_FORMAT_ELF:
		return board_load_elf(data, size, ram, out, err);
	case BOARD_FORMAT_IMAGE:
		return board_load_arm64_image(data, size, ram, out, err);
	case BOARD_FORMAT_RAW:
		return board_load_raw(data, size,
				      have_addr ? addr : ram->base + VIRT_KERNEL_OFFSET,
				      ram, out, err);
	case BOARD_FORMAT_AUTO:
		break;
	}
	return board_fail(err, EINVAL, "unknown image format %d", (int)format);
}
