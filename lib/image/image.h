/* SPDX-License-Identifier: MIT */
/*
 * Guest image loaders, shared by the board runner (sim/board) and the VMM (stack/vmm).
 * Each one parses a whole file held in memory and produces a load plan: the segments to
 * copy into guest RAM, the entry point and the boot protocol the image expects. Parsing
 * is pure (no machine involved), checks every number the file supplies before using it,
 * and fails with -EINVAL (malformed), -ENOEXEC (a well-formed file of a kind that cannot
 * be run) or -ERANGE (does not fit in RAM), plus a message naming the field at fault.
 *
 * The kinds and their placement:
 *   ELF       PT_LOAD segments at their physical addresses; entry from e_entry (as QEMU's
 *             `-kernel` and crosvm load an ELF).
 *   Image     arm64 Linux Image (Documentation/arch/arm64/booting.rst): loaded
 *             text_offset bytes above a 2 MiB aligned base, the first one at or above
 *             the RAM base. An image whose text_offset falls inside the boot stub the
 *             platform reserves (struct img_ram.stub_size: QEMU's 4 KiB) moves up by
 *             2 MiB; image_size 0 (kernels before 3.17) means text_offset is not
 *             trustworthy and the kernel goes at 0x80000, the value those kernels used.
 *   raw       the bytes of the file at a load address (default: RAM base +
 *             struct img_ram.raw_offset); entry = address.
 *
 * Leaf library `image` (lib/image/): depends on nothing but libc.
 */
#ifndef AVF_LIB_IMAGE_IMAGE_H
#define AVF_LIB_IMAGE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/image/error.h"

enum img_format {
	IMG_FORMAT_AUTO = 0,	/* decide from the file's magic numbers */
	IMG_FORMAT_ELF,
	IMG_FORMAT_IMAGE,	/* arm64 Linux Image */
	IMG_FORMAT_RAW,
};

/* An arm64 Image is placed text_offset bytes above a base aligned to this (booting.rst). */
#define IMG_ARM64_ALIGN			0x00200000ull
/* Where kernels with image_size 0 (before 3.17) go, relative to that base. */
#define IMG_ARM64_LEGACY_TEXT_OFFSET	0x00080000ull

/*
 * Guest RAM, [base, base + size), as the platform lays it out for images that do not say
 * exactly where they go. An all-zero policy is plain booting.rst placement.
 */
struct img_ram {
	uint64_t base;
	uint64_t size;
	/*
	 * Bytes at the start of RAM the platform keeps for a boot stub (QEMU: 4 KiB; the
	 * VMM: 0, it sets the boot registers itself). An arm64 Image whose text_offset
	 * is below this moves up by IMG_ARM64_ALIGN.
	 */
	uint64_t stub_size;
	/* Where a raw image without an explicit address goes, as an offset from base
	 * (QEMU: 512 KiB). */
	uint64_t raw_offset;
};

/* One piece of the plan: copy filesz bytes from data to pa, zero up to memsz. */
struct img_segment {
	uint64_t pa;
	const uint8_t *data;	/* points into the file buffer */
	uint64_t filesz;
	uint64_t memsz;
};

#define IMG_MAX_SEGMENTS 32

struct img_plan {
	enum img_format format;	/* never AUTO once loaded */
	/*
	 * true: Linux boot protocol (x0 = DTB, the rest of RAM free for DTB and initrd);
	 * false: bare ELF (the image decides what it expects).
	 */
	bool linux_boot;
	uint64_t entry;
	uint64_t low, high;	/* lowest and one-past-highest address the image uses */
	unsigned nr_segments;
	struct img_segment seg[IMG_MAX_SEGMENTS];
};

/* Name of a format for messages ("ELF", "arm64 Image", "raw"). */
const char *img_format_name(enum img_format f);

/*
 * What IMG_FORMAT_AUTO picks for these bytes: ELF for "\x7fELF", Image for "ARM\x64" at
 * offset 0x38 (the file must hold the whole 64-byte header), raw otherwise. A gzip
 * stream (QEMU would inflate it) and an empty file are refused: -ENOEXEC/-EINVAL.
 */
int img_detect(const uint8_t *data, size_t size, enum img_format *out, struct img_error *err);

int img_load_elf(const uint8_t *data, size_t size, const struct img_ram *ram,
		 struct img_plan *out, struct img_error *err);
int img_load_arm64(const uint8_t *data, size_t size, const struct img_ram *ram,
		   struct img_plan *out, struct img_error *err);
/* Load at addr; addr must be 4-byte aligned (it is the entry point). */
int img_load_raw(const uint8_t *data, size_t size, uint64_t addr, const struct img_ram *ram,
		 struct img_plan *out, struct img_error *err);

/*
 * Detect (if format is AUTO) and load. have_addr/addr: a raw load address; giving one
 * with a format other than raw or AUTO is -EINVAL, with AUTO it forces raw.
 */
int img_load(const uint8_t *data, size_t size, enum img_format format, bool have_addr,
	     uint64_t addr, const struct img_ram *ram, struct img_plan *out,
	     struct img_error *err);

/* ---- helpers shared by the loaders (loader.c) ---- */

/* True if [pa, pa + len) lies inside RAM (len > 0; overflow-safe). */
bool img_ram_contains(const struct img_ram *ram, uint64_t pa, uint64_t len);
/* Little-endian field readers; the caller has checked the bounds. */
uint16_t img_le16(const uint8_t *p);
uint32_t img_le32(const uint8_t *p);
uint64_t img_le64(const uint8_t *p);

#endif /* AVF_LIB_IMAGE_IMAGE_H */
