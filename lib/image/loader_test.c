// SPDX-License-Identifier: MIT
/*
 * Image loaders: ELF, arm64 Image, raw and format detection (lib/image/loader*.c), under
 * QEMU's placement policy (a 4 KiB boot stub, raw images at RAM + 512 KiB) and under the
 * VMM's (no stub, raw images where told).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/image/image.h"
#include "lib/image/test_util.h"

#define MiB (1024ull * 1024)
#define KiB 1024ull
/* QEMU virt's RAM and placement (sim/board). */
static const struct img_ram ram = {
	.base = 0x40000000, .size = 128 * MiB, .stub_size = 4 * KiB, .raw_offset = 512 * KiB,
};
/* The VMM's: RAM at 2 GiB, no boot stub (it sets x0 itself), raw images at RAM base. */
static const struct img_ram vmm_ram = { .base = 0x80000000, .size = 64 * MiB };

/* An ELF with one executable segment of 0x100 bytes at 0x40080000 (file offset 0x1000). */
static uint8_t elf[0x1100];

static void build_simple_elf(void)
{
	struct telf_seg s = {
		.type = 1, .flags = 5, .offset = 0x1000, .vaddr = 0x40080000,
		.paddr = 0x40080000, .filesz = 0x100, .memsz = 0x180,
	};

	memset(elf, 0xaa, sizeof(elf));
	telf_build(elf, 0x40080000, &s, 1);
}

static void assert_msg_contains(const struct img_error *err, const char *needle)
{
	if (!strstr(err->msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err->msg, needle);
}

static void elf_good(void **state)
{
	struct img_error err;
	struct img_plan img;

	build_simple_elf();
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), 0);
	assert_int_equal(img.format, IMG_FORMAT_ELF);
	assert_false(img.linux_boot);
	assert_int_equal(img.entry, 0x40080000);
	assert_int_equal(img.nr_segments, 1);
	assert_int_equal(img.seg[0].pa, 0x40080000);
	assert_ptr_equal(img.seg[0].data, elf + 0x1000);
	assert_int_equal(img.seg[0].filesz, 0x100);
	assert_int_equal(img.seg[0].memsz, 0x180);
	assert_int_equal(img.low, 0x40080000);
	assert_int_equal(img.high, 0x40080180);
}

/* Non-PT_LOAD and empty segments are skipped; low/high span every loaded segment. */
static void elf_several_segments(void **state)
{
	struct telf_seg s[4] = {
		{ .type = 1, .flags = 5, .offset = 0x1000, .vaddr = 0x40200000,
		  .paddr = 0x40200000, .filesz = 0x40, .memsz = 0x40 },
		{ .type = 4 /* PT_NOTE */, .offset = 0x1000, .paddr = 0x10, .filesz = 8,
		  .memsz = 8 },
		{ .type = 1, .flags = 6, .offset = 0x1040, .paddr = 0x40100000, .filesz = 0x10,
		  .memsz = 0x2000 },
		{ .type = 1, .flags = 6, .offset = 0x1040, .paddr = 0x0, .filesz = 0,
		  .memsz = 0 },
	};
	struct img_error err;
	struct img_plan img;

	memset(elf, 0, sizeof(elf));
	telf_build(elf, 0x40200000, s, 4);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), 0);
	assert_int_equal(img.nr_segments, 2);
	assert_int_equal(img.low, 0x40100000);
	assert_int_equal(img.high, 0x40200040);
	assert_int_equal(img.seg[1].memsz, 0x2000);
}

/* e_entry is virtual: with p_vaddr != p_paddr it moves into the physical copy. */
static void elf_entry_translated(void **state)
{
	struct telf_seg s = {
		.type = 1, .flags = 5, .offset = 0x1000, .vaddr = 0xffff000000001000,
		.paddr = 0x40081000, .filesz = 0x100, .memsz = 0x100,
	};
	struct img_error err;
	struct img_plan img;

	telf_build(elf, 0xffff000000001010, &s, 1);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), 0);
	assert_int_equal(img.entry, 0x40081010);
	/* Not executable: no translation, and the virtual entry is outside RAM. */
	s.flags = 6;
	telf_build(elf, 0xffff000000001010, &s, 1);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -ERANGE);
	assert_msg_contains(&err, "entry point 0xffff000000001010 lies outside RAM");
}

static void elf_truncated(void **state)
{
	struct img_error err;
	struct img_plan img;

	build_simple_elf();
	assert_int_equal(img_load_elf(elf, 10, &ram, &img, &err), -EINVAL);
	assert_string_equal(err.msg, "ELF truncated: 10 bytes, the ELF header alone is 64");
	/* Header present, program header table cut. */
	assert_int_equal(img_load_elf(elf, 100, &ram, &img, &err), -EINVAL);
	assert_string_equal(err.msg, "ELF truncated: program header table at 0x40 (1 "
			    "entries) runs past the end of the file (100 bytes)");
	/* Table present, segment data cut. */
	assert_int_equal(img_load_elf(elf, 0x1080, &ram, &img, &err), -EINVAL);
	assert_string_equal(err.msg, "ELF truncated: program header 0's data [0x1000, "
			    "+0x100) runs past the end of the file (4224 bytes)");
}

static void elf_bad_header_fields(void **state)
{
	struct img_error err;
	struct img_plan img;

	build_simple_elf();
	elf[1] = 'X';
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -EINVAL);
	assert_string_equal(err.msg, "not an ELF file: bad magic 7f 58 4c 46");
	build_simple_elf();
	elf[4] = 1;
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -ENOEXEC);
	assert_msg_contains(&err, "ELF class 1 is not ELFCLASS64");
	build_simple_elf();
	elf[5] = 2;
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -ENOEXEC);
	assert_msg_contains(&err, "not little-endian");
	build_simple_elf();
	put_le16(elf + 18, 40);	/* EM_ARM */
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -ENOEXEC);
	assert_string_equal(err.msg, "ELF machine 40 is not AArch64 (183)");
	build_simple_elf();
	put_le16(elf + 16, 1);	/* ET_REL */
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -ENOEXEC);
	assert_msg_contains(&err, "ELF type 1 is not an executable (ET_EXEC)");
	build_simple_elf();
	put_le16(elf + 54, 32);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -EINVAL);
	assert_string_equal(err.msg, "ELF e_phentsize is 32, expected 56");
	build_simple_elf();
	put_le16(elf + 56, 0);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -EINVAL);
	assert_string_equal(err.msg, "ELF has no program headers");
	build_simple_elf();
	put_le16(elf + 56, 0xffff);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -EINVAL);
	assert_msg_contains(&err, "PN_XNUM");
	/* e_phoff so large that phoff + size overflows. */
	build_simple_elf();
	put_le64(elf + 32, UINT64_MAX - 8);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -EINVAL);
	assert_msg_contains(&err, "runs past the end of the file");
}

static void elf_bad_segments(void **state)
{
	struct telf_seg s = {
		.type = 1, .flags = 5, .offset = 0x1000, .vaddr = 0x40080000,
		.paddr = 0x40080000, .filesz = 0x100, .memsz = 0x80,
	};
	struct telf_seg two[2] = { s, s };
	struct img_error err;
	struct img_plan img;

	telf_build(elf, 0x40080000, &s, 1);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -EINVAL);
	assert_string_equal(err.msg, "ELF program header 0: p_filesz 0x100 is larger than "
			    "p_memsz 0x80");
	/* Segment below RAM, straddling its end, past its end, and wrapping around. */
	s.memsz = 0x100;
	s.paddr = 0x3ffff000;
	telf_build(elf, 0x40080000, &s, 1);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -ERANGE);
	assert_string_equal(err.msg, "ELF program header 0: segment [0x3ffff000, +0x100) "
			    "lies outside RAM [0x40000000, 0x48000000)");
	s.paddr = 0x47ffff80;
	telf_build(elf, 0x40080000, &s, 1);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -ERANGE);
	s.paddr = 0x48000000;
	telf_build(elf, 0x40080000, &s, 1);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -ERANGE);
	s.paddr = 0x40080000;
	s.memsz = UINT64_MAX;
	telf_build(elf, 0x40080000, &s, 1);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -ERANGE);
	/* Overlapping segments. */
	two[1].paddr = 0x400800f0;
	two[0].memsz = two[1].memsz = 0x100;
	telf_build(elf, 0x40080000, two, 2);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -EINVAL);
	assert_string_equal(err.msg, "ELF program header 1: segment [0x400800f0, +0x100) "
			    "overlaps an earlier segment [0x40080000, +0x100)");
	/* No PT_LOAD at all. */
	s.type = 4;
	s.memsz = 0x100;
	telf_build(elf, 0x40080000, &s, 1);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -EINVAL);
	assert_string_equal(err.msg, "ELF has no loadable (PT_LOAD) segment");
}

static void elf_bad_entry(void **state)
{
	struct img_error err;
	struct img_plan img;

	build_simple_elf();
	put_le64(elf + 24, 0x40080002);
	assert_int_equal(img_load_elf(elf, sizeof(elf), &ram, &img, &err), -EINVAL);
	assert_string_equal(err.msg, "ELF entry point 0x40080002 is not 4-byte aligned");
}

/* A modern kernel: text_offset 0, image_size set: RAM + 2 MiB. */
static void image_text_offset_zero(void **state)
{
	static uint8_t buf[4096];
	struct img_error err;
	struct img_plan img;

	timage_build(buf, 0, 0x20000, 0xa);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &ram, &img, &err), 0);
	assert_int_equal(img.format, IMG_FORMAT_IMAGE);
	assert_true(img.linux_boot);
	assert_int_equal(img.entry, 0x40200000);
	assert_int_equal(img.low, 0x40200000);
	assert_int_equal(img.high, 0x40220000);	/* image_size beyond the file: BSS */
	assert_int_equal(img.seg[0].filesz, 4096);
	assert_int_equal(img.seg[0].memsz, 0x20000);
}

static void image_text_offset_values(void **state)
{
	static uint8_t buf[8192];
	struct img_error err;
	struct img_plan img;

	/* The classic 0x80000 is kept as is (>= 4 KiB, no overlap with the stub). */
	timage_build(buf, 0x80000, 0x1000, 0);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &ram, &img, &err), 0);
	assert_int_equal(img.entry, 0x40080000);
	/* File larger than image_size: the file size wins. */
	assert_int_equal(img.high, 0x40080000 + sizeof(buf));
	/* Just below 4 KiB: moved up by 2 MiB. */
	timage_build(buf, 0xffc, 0x1000, 0);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &ram, &img, &err), 0);
	assert_int_equal(img.entry, 0x40200ffc);
	/* Exactly 4 KiB: not moved. */
	timage_build(buf, 0x1000, 0x1000, 0);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &ram, &img, &err), 0);
	assert_int_equal(img.entry, 0x40001000);
	/* image_size 0 (pre-3.17): text_offset ignored, RAM + 512 KiB. */
	timage_build(buf, 0x1234000, 0, 1 /* flags ignored too */);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &ram, &img, &err), 0);
	assert_int_equal(img.entry, 0x40080000);
}

static void image_bad(void **state)
{
	static uint8_t buf[4096];
	struct img_error err;
	struct img_plan img;

	timage_build(buf, 0, 0x1000, 0);
	assert_int_equal(img_load_arm64(buf, 63, &ram, &img, &err), -EINVAL);
	assert_string_equal(err.msg, "arm64 Image truncated: 63 bytes, the header alone is 64");
	buf[0x3b] = 0;
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &ram, &img, &err), -EINVAL);
	assert_msg_contains(&err, "no \"ARM\\x64\" magic at offset 0x38");
	timage_build(buf, 0, 0x1000, 1);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &ram, &img, &err), -ENOEXEC);
	assert_msg_contains(&err, "big-endian");
	timage_build(buf, 0x80002, 0x1000, 0);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &ram, &img, &err), -EINVAL);
	assert_string_equal(err.msg, "arm64 Image text_offset 0x80002 is not 4-byte aligned");
	/* Larger than RAM, past the end of RAM, absurd text_offset (no wrap-around). */
	timage_build(buf, 0, 129 * MiB, 0);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &ram, &img, &err), -ERANGE);
	assert_msg_contains(&err, "but RAM is only 0x8000000 bytes");
	timage_build(buf, 0, 127 * MiB, 0);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &ram, &img, &err), -ERANGE);
	assert_msg_contains(&err, "does not fit in RAM [0x40000000, 0x48000000)");
	timage_build(buf, 0xfffffffffffff000, 0x1000, 0);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &ram, &img, &err), -ERANGE);
	timage_build(buf, 0, UINT64_MAX, 0);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &ram, &img, &err), -ERANGE);
}

/* The VMM's policy: no stub, so text_offset 0 is RAM base itself (booting.rst). */
static void image_vmm_placement(void **state)
{
	static uint8_t buf[4096];
	struct img_error err;
	struct img_plan img;

	timage_build(buf, 0, 0x20000, 0xa);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &vmm_ram, &img, &err), 0);
	assert_int_equal(img.entry, 0x80000000);
	assert_int_equal(img.high, 0x80020000);
	/* A small text_offset stays where it is: there is no stub to avoid. */
	timage_build(buf, 0x800, 0x1000, 0);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &vmm_ram, &img, &err), 0);
	assert_int_equal(img.entry, 0x80000800);
	/* Pre-3.17 (image_size 0): the legacy 0x80000. */
	timage_build(buf, 0x1234000, 0, 0);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &vmm_ram, &img, &err), 0);
	assert_int_equal(img.entry, 0x80080000);
	/* A raw file with no address goes at the RAM base (raw_offset 0). */
	assert_int_equal(img_load(buf, 16, IMG_FORMAT_RAW, false, 0, &vmm_ram, &img, &err), 0);
	assert_int_equal(img.entry, 0x80000000);
}

/* RAM that does not start on 2 MiB: the Image goes above the next 2 MiB boundary. */
static void image_unaligned_ram(void **state)
{
	static const struct img_ram odd = { .base = 0x80001000, .size = 16 * MiB };
	static uint8_t buf[4096];
	struct img_error err;
	struct img_plan img;

	timage_build(buf, 0x10000, 0x1000, 0);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &odd, &img, &err), 0);
	assert_int_equal(img.entry, 0x80210000);
	assert_int_equal(img.entry & (IMG_ARM64_ALIGN - 1), 0x10000);
	/* The same image no longer fits once the alignment gap eats the RAM. */
	timage_build(buf, 15 * MiB, 0x1000, 0);
	assert_int_equal(img_load_arm64(buf, sizeof(buf), &odd, &img, &err), -ERANGE);
	assert_msg_contains(&err, "does not fit in RAM [0x80001000, 0x81001000)");
}

static void raw_images(void **state)
{
	static const uint8_t code[8] = { 0x1f, 0x20, 0x03, 0xd5 };
	struct img_error err;
	struct img_plan img;

	assert_int_equal(img_load_raw(code, sizeof(code), 0x40100000, &ram, &img, &err), 0);
	assert_int_equal(img.format, IMG_FORMAT_RAW);
	assert_true(img.linux_boot);
	assert_int_equal(img.entry, 0x40100000);
	assert_int_equal(img.nr_segments, 1);
	assert_int_equal(img.seg[0].filesz, 8);
	assert_int_equal(img.high, 0x40100008);
	assert_int_equal(img_load_raw(code, 0, 0x40100000, &ram, &img, &err), -EINVAL);
	assert_string_equal(err.msg, "raw image is empty");
	assert_int_equal(img_load_raw(code, 8, 0x40100002, &ram, &img, &err), -EINVAL);
	assert_msg_contains(&err, "not 4-byte aligned");
	assert_int_equal(img_load_raw(code, 8, 0x47fffffc, &ram, &img, &err), -ERANGE);
	assert_string_equal(err.msg, "raw image [0x47fffffc, +0x8) does not fit in RAM "
			    "[0x40000000, 0x48000000)");
	assert_int_equal(img_load_raw(code, 8, 0x1000, &ram, &img, &err), -ERANGE);
}

static void detect_formats(void **state)
{
	static uint8_t buf[128];
	enum img_format f;
	struct img_error err;

	assert_int_equal(img_detect(buf, 0, &f, &err), -EINVAL);
	assert_string_equal(err.msg, "image is empty");
	memcpy(buf, "\x7f" "ELF", 4);
	assert_int_equal(img_detect(buf, 4, &f, &err), 0);
	assert_int_equal(f, IMG_FORMAT_ELF);
	timage_build(buf, 0, 0x1000, 0);
	assert_int_equal(img_detect(buf, 64, &f, &err), 0);
	assert_int_equal(f, IMG_FORMAT_IMAGE);
	/* The magic must come with a whole header; otherwise the file is raw bytes. */
	assert_int_equal(img_detect(buf, 63, &f, &err), 0);
	assert_int_equal(f, IMG_FORMAT_RAW);
	buf[0] = 0x1f;
	buf[1] = 0x8b;
	assert_int_equal(img_detect(buf, 64, &f, &err), -ENOEXEC);
	assert_msg_contains(&err, "gzip-compressed");
	memset(buf, 0, sizeof(buf));
	assert_int_equal(img_detect(buf, 1, &f, &err), 0);
	assert_int_equal(f, IMG_FORMAT_RAW);
}

/* A file that is neither ELF nor Image goes where QEMU puts it: RAM + 512 KiB. */
static void load_image_dispatch(void **state)
{
	static uint8_t buf[64];
	struct img_error err;
	struct img_plan img;

	assert_int_equal(img_load(buf, 16, IMG_FORMAT_AUTO, false, 0, &ram, &img,
				  &err), 0);
	assert_int_equal(img.format, IMG_FORMAT_RAW);
	assert_int_equal(img.entry, 0x40080000);
	/* A load address forces raw, even for an ELF file. */
	build_simple_elf();
	assert_int_equal(img_load(elf, 16, IMG_FORMAT_AUTO, true, 0x41000000, &ram,
				  &img, &err), 0);
	assert_int_equal(img.format, IMG_FORMAT_RAW);
	assert_int_equal(img.entry, 0x41000000);
	assert_int_equal(img_load(elf, 16, IMG_FORMAT_ELF, true, 0x41000000, &ram,
				  &img, &err), -EINVAL);
	assert_string_equal(err.msg, "a load address applies only to raw images, not to ELF");
	/* A forced format is parsed as such, whatever the magic says. */
	assert_int_equal(img_load(buf, sizeof(buf), IMG_FORMAT_ELF, false, 0, &ram,
				  &img, &err), -EINVAL);
	assert_msg_contains(&err, "not an ELF file");
	assert_int_equal(img_load(elf, sizeof(elf), IMG_FORMAT_IMAGE, false, 0, &ram,
				  &img, &err), -EINVAL);
	assert_msg_contains(&err, "not an arm64 Image");
}

/*
 * Property check: thousands of deterministic mutations of a valid ELF and Image. Each
 * load either fails with an errno and a message, or yields a plan whose every segment
 * and entry point lies in RAM and whose data lies in the file. (ASan watches the reads.)
 */
static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

static void check_plan(const struct img_plan *img, const uint8_t *file, size_t size)
{
	assert_true(img->nr_segments >= 1 && img->nr_segments <= IMG_MAX_SEGMENTS);
	assert_true(img_ram_contains(&ram, img->entry, 4));
	for (unsigned i = 0; i < img->nr_segments; i++) {
		const struct img_segment *sg = &img->seg[i];

		assert_true(img_ram_contains(&ram, sg->pa, sg->memsz));
		assert_true(sg->filesz <= sg->memsz);
		assert_true(sg->data >= file && sg->filesz <= size &&
			    (size_t)(sg->data - file) <= size - sg->filesz);
	}
}

static void mutated_images(void **state)
{
	static uint8_t base[0x1100], buf[0x1100];
	struct img_error err;
	struct img_plan img;
	uint64_t seed = 1;
	unsigned ok = 0, failed = 0;

	for (unsigned round = 0; round < 20000; round++) {
		size_t size = sizeof(buf) - lcg(&seed) % 64;

		if (round & 1) {
			build_simple_elf();
			memcpy(base, elf, sizeof(base));
		} else {
			memset(base, 0, sizeof(base));
			timage_build(base, 0x80000, 0x2000, 0);
		}
		memcpy(buf, base, sizeof(buf));
		for (unsigned k = lcg(&seed) % 8 + 1; k; k--)
			buf[lcg(&seed) % 128] = (uint8_t)lcg(&seed);
		memset(&err, 0, sizeof(err));
		if (img_load(buf, size, IMG_FORMAT_AUTO, false, 0, &ram, &img, &err)) {
			assert_true(err.msg[0] != '\0');
			failed++;
		} else {
			check_plan(&img, buf, size);
			ok++;
		}
	}
	/* Both outcomes occur: the mutations are neither all fatal nor all harmless. */
	assert_true(ok > 1000 && failed > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(elf_good),
		cmocka_unit_test(elf_several_segments),
		cmocka_unit_test(elf_entry_translated),
		cmocka_unit_test(elf_truncated),
		cmocka_unit_test(elf_bad_header_fields),
		cmocka_unit_test(elf_bad_segments),
		cmocka_unit_test(elf_bad_entry),
		cmocka_unit_test(image_text_offset_zero),
		cmocka_unit_test(image_text_offset_values),
		cmocka_unit_test(image_bad),
		cmocka_unit_test(image_vmm_placement),
		cmocka_unit_test(image_unaligned_ram),
		cmocka_unit_test(raw_images),
		cmocka_unit_test(detect_formats),
		cmocka_unit_test(load_image_dispatch),
		cmocka_unit_test(mutated_images),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
