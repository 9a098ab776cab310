// SPDX-License-Identifier: MIT
/* Format detection, dispatch to the loaders, and the helpers they share. */
#include <errno.h>
#include <string.h>

#include "lib/image/image.h"

/* arm64 Image header (booting.rst): the magic "ARM\x64" sits at 0x38 in a 64-byte header. */
#define ARM64_IMAGE_MAGIC_OFFSET 0x38
#define ARM64_IMAGE_HEADER_SIZE 64

const char *img_format_name(enum img_format f)
{
	switch (f) {
	case IMG_FORMAT_AUTO:
		return "auto";
	case IMG_FORMAT_ELF:
		return "ELF";
	case IMG_FORMAT_IMAGE:
		return "arm64 Image";
	case IMG_FORMAT_RAW:
		return "raw";
	}
	return "?";
}

uint16_t img_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

uint32_t img_le32(const uint8_t *p)
{
	return (uint32_t)img_le16(p) | ((uint32_t)img_le16(p + 2) << 16);
}

uint64_t img_le64(const uint8_t *p)
{
	return (uint64_t)img_le32(p) | ((uint64_t)img_le32(p + 4) << 32);
}

bool img_ram_contains(const struct img_ram *ram, uint64_t pa, uint64_t len)
{
	if (len == 0 || pa < ram->base)
		return false;
	/* pa - base < size and len <= size - (pa - base), without overflow. */
	return pa - ram->base < ram->size && len <= ram->size - (pa - ram->base);
}

int img_detect(const uint8_t *data, size_t size, enum img_format *out,
	       struct img_error *err)
{
	if (size == 0)
		return img_fail(err, EINVAL, "image is empty");
	if (size >= 4 && memcmp(data, "\x7f" "ELF", 4) == 0) {
		*out = IMG_FORMAT_ELF;
		return 0;
	}
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return img_fail(err, ENOEXEC,
				"image is gzip-compressed; images are not inflated "
				"here (QEMU would): decompress it first");
	if (size >= ARM64_IMAGE_HEADER_SIZE &&
	    memcmp(data + ARM64_IMAGE_MAGIC_OFFSET, "ARM\x64", 4) == 0) {
		*out = IMG_FORMAT_IMAGE;
		return 0;
	}
	*out = IMG_FORMAT_RAW;
	return 0;
}

int img_load(const uint8_t *data, size_t size, enum img_format format,
	     bool have_addr, uint64_t addr, const struct img_ram *ram,
	     struct img_plan *out, struct img_error *err)
{
	int ret;

	if (have_addr && format != IMG_FORMAT_AUTO && format != IMG_FORMAT_RAW)
		return img_fail(err, EINVAL,
				"a load address applies only to raw images, not to %s",
				img_format_name(format));
	if (have_addr)
		format = IMG_FORMAT_RAW;
	if (format == IMG_FORMAT_AUTO) {
		ret = img_detect(data, size, &format, err);
		if (ret)
			return ret;
	}
	switch (format) {
	case IMG_FORMAT_ELF:
		return img_load_elf(data, size, ram, out, err);
	case IMG_FORMAT_IMAGE:
		return img_load_arm64(data, size, ram, out, err);
	case IMG_FORMAT_RAW:
		return img_load_raw(data, size,
				    have_addr ? addr : ram->base + ram->raw_offset,
				    ram, out, err);
	case IMG_FORMAT_AUTO:
		break;
	}
	return img_fail(err, EINVAL, "unknown image format %d", (int)format);
}
