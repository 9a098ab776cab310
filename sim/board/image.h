/* SPDX-License-Identifier: MIT */
/*
 * Guest image loaders. Each one parses a whole file held in memory and produces a load
 * plan: the segments to copy into guest RAM, the entry point and the boot protocol the
 * image expects. Parsing is pure (no machine involved), checks every number the file
 * supplies before using it, and fails with -EINVAL (malformed), -ENOEXEC (a well-formed
 * file of a kind avf-sim does not run) or -ERANGE (does not fit in RAM), plus a message
 * naming the field at fault.
 *
 * The kinds and their placement follow QEMU's `-kernel` on aarch64 (hw/arm/boot.c):
 *   ELF       PT_LOAD segments at their physical addresses; entry from e_entry.
 *   Image     arm64 Linux Image (Documentation/arch/arm64/booting.rst): loaded at
 *             RAM base + text_offset (+ 2 MiB when text_offset < 4 KiB), or at
 *             RAM base + 512 KiB when image_size is 0 (pre-3.17 kernels).
 *   raw       the bytes of the file at a load address (default RAM base + 512 KiB,
 *             where QEMU puts any file that is neither ELF nor Image); entry = address.
 */
#ifndef AVF_SIM_BOARD_IMAGE_H
#define AVF_SIM_BOARD_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/board/error.h"

enum board_image_format {
	BOARD_FORMAT_AUTO = 0,	/* decide from the file's magic numbers */
	BOARD_FORMAT_ELF,
	BOARD_FORMAT_IMAGE,	/* arm64 Linux Image */
	BOARD_FORMAT_RAW,
};

/* Guest RAM: [base, base + size). */
struct board_ram {
	uint64_t base;
	uint64_t size;
};

/* One piece of the plan: copy filesz bytes from data to pa, zero up to memsz. */
struct board_segment {
	uint64_t pa;
	const uint8_t *data;	/* points into the file buffer */
	uint64_t filesz;
	uint64_t memsz;
};

#define BOARD_MAX_SEGMENTS 32

struct board_image {
	enum board_image_format format;	/* never AUTO once loaded */
	/*
	 * true: Linux boot protocol (x0 = DTB, DTB and initrd after the kernel);
	 * false: bare ELF (registers at reset values, DTB at RAM base if it fits below).
	 */
	bool linux_boot;
	uint64_t entry;
	uint64_t low, high;	/* lowest and one-past-highest address the image uses */
	unsigned nr_segments;
	struct board_segment seg[BOARD_MAX_SEGMENTS];
};

/* Name of a format for messages ("ELF", "arm64 Image", "raw"). */
const char *board_image_format_name(enum board_image_format f);

/*
 * What BOARD_FORMAT_AUTO picks for these bytes: ELF for "\x7fELF", Image for "ARM\x64"
 * at offset 0x38 (the file must hold the whole 64-byte header), raw otherwise.
 * A gzip stream (QEMU would inflate it) and an empty file are refused: -ENOEXEC/-EINVAL.
 */
int board_image_detect(const uint8_t *data, size_t size, enum board_image_format *out,
		       struct board_error *err);

int board_load_elf(const uint8_t *data, size_t size, const struct board_ram *ram,
		   struct board_image *out, struct board_error *err);
int board_load_arm64_image(const uint8_t *data, size_t size, const struct board_ram *ram,
			   struct board_image *out, struct board_error *err);
/* Load at addr; addr must be 4-byte aligned (it is the entry point). */
int board_load_raw(const uint8_t *data, size_t size, uint64_t addr,
		   const struct board_ram *ram, struct board_image *out,
		   struct board_error *err);

/*
 * Detect (if format is AUTO) and load. have_addr/addr: a raw load address; giving one
 * with a format other than raw or AUTO is -EINVAL, with AUTO it forces raw.
 */
int board_load_image(const uint8_t *data, size_t size, enum board_image_format format,
		     bool have_addr, uint64_t addr, const struct board_ram *ram,
		     struct board_image *out, struct board_error *err);

/* ---- helpers shared by the loaders (loader.c) ---- */

/* True if [pa, pa + len) lies inside RAM (len > 0; overflow-safe). */
bool board_ram_contains(const struct board_ram *ram, uint64_t pa, uint64_t len);
/* Little-endian field readers; the caller has checked the bounds. */
uint16_t board_le16(const uint8_t *p);
uint32_t board_le32(const uint8_t *p);
uint64_t board_le64(const uint8_t *p);

#endif /* AVF_SIM_BOARD_IMAGE_H */
