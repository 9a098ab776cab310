// SPDX-License-Identifier: MIT
/*
 * Boot placement (sim/board/boot.c). The expected addresses are QEMU 7.2's, observed by
 * booting probe images on `qemu-system-aarch64 -M virt,gic-version=3 -kernel ...` that
 * print x0, x4 and the word at 0x40000000.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim/board/boot.h"
#include "sim/board/virt.h"

#define MiB (1024ull * 1024)

static struct img_plan elf_at(uint64_t low, uint64_t high)
{
	struct img_plan img = {
		.format = IMG_FORMAT_ELF, .linux_boot = false, .entry = low,
		.low = low, .high = high, .nr_segments = 1,
	};

	return img;
}

static struct img_plan linux_at(uint64_t entry, uint64_t size)
{
	struct img_plan img = {
		.format = IMG_FORMAT_RAW, .linux_boot = true, .entry = entry,
		.low = entry, .high = entry + size, .nr_segments = 1,
	};

	return img;
}

/* QEMU: an ELF linked at RAM + 512 KiB leaves no room for the 1 MiB DTB: none at all. */
static void elf_no_room_for_dtb(void **state)
{
	struct img_ram ram = { .base = VIRT_RAM_BASE, .size = 128 * MiB };
	struct img_plan img = elf_at(0x40080000, 0x40081000);
	struct board_boot_plan p;
	struct img_error err;

	assert_int_equal(board_boot_plan(&img, &ram, false, 0, &p, &err), 0);
	assert_false(p.has_dtb);
	assert_false(p.has_stub);
	assert_false(p.has_initrd);
	assert_int_equal(p.pc, 0x40080000);
	assert_int_equal(p.x0, 0);
	assert_int_equal(p.x4, 0);
	/* One byte short of 1 MiB below the image: still none (QEMU's ELF at 0x40100000
	 * has its first segment at 0x400f0000). */
	img = elf_at(0x400f0000, 0x40100100);
	assert_int_equal(board_boot_plan(&img, &ram, false, 0, &p, &err), 0);
	assert_false(p.has_dtb);
	/* An ELF at the very start of RAM: none. */
	img = elf_at(VIRT_RAM_BASE, VIRT_RAM_BASE + 0x1000);
	assert_int_equal(board_boot_plan(&img, &ram, false, 0, &p, &err), 0);
	assert_false(p.has_dtb);
}

/* QEMU: an ELF whose lowest segment is 0x401f0000 gets the DTB at 0x40000000, x0 = 0. */
static void elf_dtb_at_ram_base(void **state)
{
	struct img_ram ram = { .base = VIRT_RAM_BASE, .size = 128 * MiB };
	struct img_plan img = elf_at(0x401f0000, 0x40200100);
	struct board_boot_plan p;
	struct img_error err;

	img.entry = 0x40200000;
	assert_int_equal(board_boot_plan(&img, &ram, false, 0, &p, &err), 0);
	assert_true(p.has_dtb);
	assert_int_equal(p.dtb_pa, VIRT_RAM_BASE);
	assert_int_equal(p.pc, 0x40200000);
	assert_int_equal(p.x0, 0);
	/* Exactly 1 MiB of room is enough. */
	img = elf_at(0x40100000, 0x40100100);
	assert_int_equal(board_boot_plan(&img, &ram, false, 0, &p, &err), 0);
	assert_true(p.has_dtb);
}

static void elf_ignores_initrd(void **state)
{
	struct img_ram ram = { .base = VIRT_RAM_BASE, .size = 128 * MiB };
	struct img_plan img = elf_at(0x40200000, 0x40200100);
	struct board_boot_plan p;
	struct img_error err;

	assert_int_equal(board_boot_plan(&img, &ram, true, 100, &p, &err), 0);
	assert_true(p.initrd_ignored);
	assert_false(p.has_initrd);
}

/* QEMU, 128 MiB, raw kernel at 0x40080000: x0 = 0x44000000, x4 = entry, stub at RAM. */
static void linux_default_placement(void **state)
{
	struct img_ram ram = { .base = VIRT_RAM_BASE, .size = 128 * MiB };
	struct img_plan img = linux_at(0x40080000, 0xc0);
	struct board_boot_plan p;
	struct img_error err;

	assert_int_equal(board_boot_plan(&img, &ram, false, 0, &p, &err), 0);
	assert_true(p.has_dtb);
	assert_int_equal(p.dtb_pa, 0x44000000);
	assert_int_equal(p.x0, 0x44000000);
	assert_int_equal(p.x4, 0x40080000);
	assert_int_equal(p.pc, 0x40080000);
	assert_false(p.has_initrd);
	assert_true(p.has_stub);
	assert_int_equal(p.stub_pa, VIRT_RAM_BASE);
	/* QEMU's first stub word, as the probe read it at 0x40000000. */
	assert_int_equal(p.stub[0], 0x580000c0);
	assert_int_equal(p.stub[5], 0xd61f0080);	/* br x4 */
	assert_int_equal(p.stub[6], 0x44000000);
	assert_int_equal(p.stub[7], 0);
	assert_int_equal(p.stub[8], 0x40080000);
	assert_int_equal(p.stub[9], 0);
}

/* QEMU, 512 MiB + 100-byte initrd: initrd at 0x48000000 (128 MiB), DTB at 0x48200000. */
static void linux_with_initrd(void **state)
{
	struct img_ram ram = { .base = VIRT_RAM_BASE, .size = 512 * MiB };
	struct img_plan img = linux_at(0x40080000, 0xc0);
	struct board_boot_plan p;
	struct img_error err;

	assert_int_equal(board_boot_plan(&img, &ram, true, 100, &p, &err), 0);
	assert_true(p.has_initrd);
	assert_int_equal(p.initrd_start, 0x48000000);
	assert_int_equal(p.initrd_end, 0x48000064);
	assert_int_equal(p.dtb_pa, 0x48200000);
	assert_int_equal(p.x0, 0x48200000);
	/* An empty initrd file is accepted and described as no initrd, as QEMU does. */
	assert_int_equal(board_boot_plan(&img, &ram, true, 0, &p, &err), 0);
	assert_false(p.has_initrd);
	assert_int_equal(p.dtb_pa, 0x48000000);
}

/* A kernel reaching past the initrd's usual spot pushes it (page-aligned) after itself. */
static void linux_big_kernel_pushes_initrd(void **state)
{
	struct img_ram ram = { .base = VIRT_RAM_BASE, .size = 128 * MiB };
	struct img_plan img = linux_at(0x40200000, 70 * MiB + 1);
	struct board_boot_plan p;
	struct img_error err;

	assert_int_equal(board_boot_plan(&img, &ram, true, 0x1000, &p, &err), 0);
	assert_int_equal(p.initrd_start, 0x40200000 + 70 * MiB + 0x1000);
	assert_int_equal(p.dtb_pa, 0x40200000 + 72 * MiB);
}

static void linux_does_not_fit(void **state)
{
	struct img_ram ram = { .base = VIRT_RAM_BASE, .size = 128 * MiB };
	struct img_plan img = linux_at(0x40080000, 0x1000);
	struct board_boot_plan p;
	struct img_error err;

	assert_int_equal(board_boot_plan(&img, &ram, true, 64 * MiB + 1, &p, &err), -ERANGE);
	assert_string_equal(err.msg, "initrd (0x4000001 bytes) does not fit in RAM after the "
			    "kernel: it would start at 0x44000000 and RAM ends at 0x48000000");
	/* Initrd fits, the DTB after it does not. */
	assert_int_equal(board_boot_plan(&img, &ram, true, 63 * MiB + 1, &p, &err), -ERANGE);
	assert_string_equal(err.msg, "not enough RAM for the DTB after the kernel and initrd: "
			    "it needs [0x48000000, +0x100000) and RAM ends at 0x48000000");
	/* 1 MiB of RAM: the DTB cannot follow a kernel at 512 KiB. */
	ram.size = 1 * MiB;
	assert_int_equal(board_boot_plan(&img, &ram, false, 0, &p, &err), -ERANGE);
	assert_string_equal(err.msg, "not enough RAM for the DTB after the kernel: it needs "
			    "[0x40200000, +0x100000) and RAM ends at 0x40100000");
}

/* A raw image over the stub's page: no stub; the registers are set all the same. */
static void linux_image_over_stub(void **state)
{
	struct img_ram ram = { .base = VIRT_RAM_BASE, .size = 128 * MiB };
	struct img_plan img = linux_at(VIRT_RAM_BASE, 0x100);
	struct board_boot_plan p;
	struct img_error err;

	assert_int_equal(board_boot_plan(&img, &ram, false, 0, &p, &err), 0);
	assert_false(p.has_stub);
	assert_int_equal(p.pc, VIRT_RAM_BASE);
	assert_int_equal(p.x0, 0x44000000);
	assert_int_equal(p.x4, VIRT_RAM_BASE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(elf_no_room_for_dtb),
		cmocka_unit_test(elf_dtb_at_ram_base),
		cmocka_unit_test(elf_ignores_initrd),
		cmocka_unit_test(linux_default_placement),
		cmocka_unit_test(linux_with_initrd),
		cmocka_unit_test(linux_big_kernel_pushes_initrd),
		cmocka_unit_test(linux_does_not_fit),
		cmocka_unit_test(linux_image_over_stub),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
