// SPDX-License-Identifier: MIT
/*
 * Boot placement for the VMM's layout (boot.c) with the shared loaders of lib/image:
 * where an ELF, an arm64 Image and a raw image go, where the initrd and the DT go, and
 * every way they may not fit.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/image/test_util.h"
#include "stack/vmm/vmm_internal.h"

#define MiB (1ull << 20)

static uint8_t file[0x3000];

static struct vmm_boot_input input(enum vmm_image_kind kind, uint64_t ram_mib)
{
	return (struct vmm_boot_input){ .image = file, .image_size = sizeof(file),
					.kind = kind, .ram_size = ram_mib * MiB };
}

static void assert_msg(const struct img_error *err, const char *needle)
{
	if (!strstr(err->msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err->msg, needle);
}

/* An arm64 Image with text_offset 0: at the RAM base itself, x0 = DT in the last 2 MiB. */
static void linux_image(void **state)
{
	struct vmm_boot_input in = input(VMM_IMAGE_AUTO, 64);
	struct img_error err;
	struct vmm_boot b;

	memset(file, 0, sizeof(file));
	timage_build(file, 0, 0x100000, 0);
	assert_int_equal(vmm_boot_plan(&in, &b, &err), 0);
	assert_int_equal(b.image.format, IMG_FORMAT_IMAGE);
	assert_int_equal(b.entry, VMM_RAM_BASE);
	assert_int_equal(b.image.high, VMM_RAM_BASE + 0x100000);
	assert_int_equal(b.fdt_addr, VMM_RAM_BASE + 62 * MiB);
	assert_false(b.has_initrd);
	/* Legacy image_size 0: text_offset 0x80000, as booting.rst says. */
	timage_build(file, 0x1234, 0, 0);
	assert_int_equal(vmm_boot_plan(&in, &b, &err), 0);
	assert_int_equal(b.entry, VMM_RAM_BASE + 0x80000);
}

static void elf_image(void **state)
{
	struct telf_seg s = { .type = 1, .flags = 5, .offset = 0x1000, .vaddr = 0x80100000,
			      .paddr = 0x80100000, .filesz = 0x100, .memsz = 0x2000 };
	struct vmm_boot_input in = input(VMM_IMAGE_ELF, 16);
	struct img_error err;
	struct vmm_boot b;

	telf_build(file, 0x80100040, &s, 1);
	assert_int_equal(vmm_boot_plan(&in, &b, &err), 0);
	assert_int_equal(b.entry, 0x80100040);
	assert_int_equal(b.image.low, 0x80100000);
	assert_int_equal(b.image.high, 0x80102000);
	/* Linked below RAM (at the firmware's address, say): refused. */
	s.paddr = s.vaddr = VMM_FW_BASE;
	telf_build(file, VMM_FW_BASE, &s, 1);
	assert_int_equal(vmm_boot_plan(&in, &b, &err), -ERANGE);
	assert_msg(&err, "lies outside RAM [0x80000000, 0x81000000)");
	/* Reaching into the DT's 2 MiB at the end of RAM: refused. */
	s.paddr = s.vaddr = 0x80e00000 - 0x1000;
	telf_build(file, s.paddr, &s, 1);
	assert_int_equal(vmm_boot_plan(&in, &b, &err), -ERANGE);
	assert_msg(&err, "the ELF image ends at 0x80e01000, inside the last 2 MiB of RAM");
}

static void raw_image(void **state)
{
	struct vmm_boot_input in = input(VMM_IMAGE_RAW, 16);
	struct img_error err;
	struct vmm_boot b;

	memset(file, 0, sizeof(file));
	assert_int_equal(vmm_boot_plan(&in, &b, &err), 0);
	assert_int_equal(b.entry, VMM_RAM_BASE);	/* no address: the RAM base */
	in.load_addr = 0x80200000;
	assert_int_equal(vmm_boot_plan(&in, &b, &err), 0);
	assert_int_equal(b.entry, 0x80200000);
	assert_int_equal(b.image.high, 0x80200000 + sizeof(file));
	/* With AUTO a load address forces raw, even for an ELF file. */
	telf_build(file, 0x80000000, &(struct telf_seg){ .type = 1, .offset = 0x1000,
							 .paddr = 0x80000000, .filesz = 8,
							 .memsz = 8 }, 1);
	in.kind = VMM_IMAGE_AUTO;
	assert_int_equal(vmm_boot_plan(&in, &b, &err), 0);
	assert_int_equal(b.image.format, IMG_FORMAT_RAW);
	in.kind = VMM_IMAGE_ELF;
	assert_int_equal(vmm_boot_plan(&in, &b, &err), -EINVAL);
	assert_string_equal(err.msg, "a load address applies only to raw images");
	in.kind = VMM_IMAGE_RAW;
	in.load_addr = 0x70000000;
	assert_int_equal(vmm_boot_plan(&in, &b, &err), -ERANGE);
}

/* The initrd ends page-aligned just below the DT; the kernel must leave room for it. */
static void initrd_placement(void **state)
{
	struct vmm_boot_input in = input(VMM_IMAGE_LINUX, 16);
	struct img_error err;
	struct vmm_boot b;

	memset(file, 0, sizeof(file));
	timage_build(file, 0, 0x400000, 0);		/* kernel: 4 MiB from the base */
	in.initrd_size = 0x12345;
	assert_int_equal(vmm_boot_plan(&in, &b, &err), 0);
	assert_true(b.has_initrd);
	assert_int_equal(b.fdt_addr, 0x80e00000);
	assert_int_equal(b.initrd_start, (0x80e00000 - 0x12345) & ~0xfffull);
	assert_int_equal(b.initrd_end, b.initrd_start + 0x12345);
	assert_true(b.initrd_end <= b.fdt_addr);
	/* Exactly the room between kernel and DT: fits, starting at the kernel's end. */
	in.initrd_size = 10 * MiB;
	assert_int_equal(vmm_boot_plan(&in, &b, &err), 0);
	assert_int_equal(b.initrd_start, 0x80400000);
	in.initrd_size = 10 * MiB + 1;
	assert_int_equal(vmm_boot_plan(&in, &b, &err), -ERANGE);
	assert_msg(&err, "does not fit between the kernel's end 0x80400000 and the DT at "
		   "0x80e00000");
	/* One byte short of room once page-aligned. */
	in.initrd_size = 10 * MiB - 0x800;
	timage_build(file, 0, 0x400800, 0);
	assert_int_equal(vmm_boot_plan(&in, &b, &err), -ERANGE);
	assert_msg(&err, "once page-aligned");
}

static void bad_ram(void **state)
{
	struct vmm_boot_input in = input(VMM_IMAGE_RAW, 2);
	struct img_error err;
	struct vmm_boot b;

	memset(file, 0, sizeof(file));
	assert_int_equal(vmm_boot_plan(&in, &b, &err), -EINVAL);
	assert_msg(&err, "at least 4 MiB");
	in.ram_size = 5 * MiB;
	assert_int_equal(vmm_boot_plan(&in, &b, &err), -EINVAL);
	in.ram_size = 4 * MiB;
	assert_int_equal(vmm_boot_plan(&in, &b, &err), 0);
	/* Malformed images report through the loader. */
	in.kind = VMM_IMAGE_LINUX;
	assert_int_equal(vmm_boot_plan(&in, &b, &err), -EINVAL);
	assert_msg(&err, "not an arm64 Image");
	in.image_size = 0;
	in.kind = VMM_IMAGE_AUTO;
	assert_int_equal(vmm_boot_plan(&in, &b, &err), -EINVAL);
	assert_string_equal(err.msg, "image is empty");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(linux_image),
		cmocka_unit_test(elf_image),
		cmocka_unit_test(raw_image),
		cmocka_unit_test(initrd_placement),
		cmocka_unit_test(bad_ram),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
