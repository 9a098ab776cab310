// SPDX-License-Identifier: MIT
/*
 * The guest's device tree (sim/board/fdt_virt.c), checked with libfdt: against QEMU's own
 * tree (testdata/qemu-virt-smp2.dtb, made by testdata/regen-qemu-virt.sh) node by node
 * and byte by byte for everything avf-sim models, and property by property for the
 * parameters that QEMU's tree does not cover.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "sim/board/board.h"
#include "sim/board/fdt_virt.h"
#include "sim/board/virt.h"

#define MiB (1024ull * 1024)
#define GOLDEN "sim/board/testdata/qemu-virt-smp2.dtb"

/* QEMU's nodes for devices avf-sim does not model (matched on the name before '@'). */
static const char *const not_modelled[] = {
	"/platform-bus", "/fw-cfg", "/virtio_mmio", "/gpio-keys", "/gpio-keys/poweroff",
	"/pl061", "/pcie", "/pl031", "/pmu", "/intc/its", "/flash",
};

static void *blob;

static int setup(void **state)
{
	blob = calloc(1, VIRT_FDT_SIZE);
	return blob ? 0 : -1;
}

static int teardown(void **state)
{
	free(blob);
	return 0;
}

static void default_params(struct fdt_virt_params *p, unsigned cpus)
{
	memset(p, 0, sizeof(*p));
	p->ram_base = VIRT_RAM_BASE;
	p->ram_size = 256 * MiB;
	p->nr_cpus = cpus;
	for (unsigned i = 0; i < sizeof(p->rng_seed); i++)
		p->rng_seed[i] = (uint8_t)(i * 7 + 1);
	p->kaslr_seed = 0x0123456789abcdefull;
}

static void build(const struct fdt_virt_params *p)
{
	struct img_error err;

	memset(blob, 0, VIRT_FDT_SIZE);
	if (fdt_virt_build(p, blob, VIRT_FDT_SIZE, &err))
		fail_msg("fdt_virt_build: %s", err.msg);
	assert_int_equal(fdt_check_header(blob), 0);
}

static const void *prop(const char *path, const char *name, int *len)
{
	int off = fdt_path_offset(blob, path);
	const void *v;

	if (off < 0)
		fail_msg("no node %s", path);
	v = fdt_getprop(blob, off, name, len);
	return v;
}

static uint32_t prop_u32(const char *path, const char *name)
{
	int len;
	const fdt32_t *v = prop(path, name, &len);

	if (!v || len != 4)
		fail_msg("%s:%s missing or not one cell (len %d)", path, name, v ? len : -1);
	return fdt32_to_cpu(*v);
}

/* The node's path with each "@unit" removed, to compare with not_modelled[]. */
static void strip_units(const char *path, char *out, size_t size)
{
	size_t o = 0;
	bool skip = false;

	for (; *path && o + 1 < size; path++) {
		if (*path == '@')
			skip = true;
		else if (*path == '/')
			skip = false;
		if (!skip)
			out[o++] = *path;
	}
	out[o] = '\0';
}

static bool is_not_modelled(const char *path)
{
	char bare[256];

	strip_units(path, bare, sizeof(bare));
	for (unsigned i = 0; i < sizeof(not_modelled) / sizeof(not_modelled[0]); i++)
		if (!strcmp(bare, not_modelled[i]))
			return true;
	return false;
}

/* Every property of node a exists in node b with the same bytes (seeds: same length). */
static void props_included(const void *fa, int na, const void *fb, int nb, const char *path,
			   const char *what)
{
	int p;

	fdt_for_each_property_offset(p, fa, na) {
		const char *name;
		int la, lb;
		const void *va = fdt_getprop_by_offset(fa, p, &name, &la);
		const void *vb = fdt_getprop(fb, nb, name, &lb);

		if (!vb)
			fail_msg("%s:%s is %s", path, name, what);
		if (la != lb)
			fail_msg("%s:%s has %d bytes in one tree, %d in the other", path, name,
				 la, lb);
		if (strcmp(name, "rng-seed") && strcmp(name, "kaslr-seed") && memcmp(va, vb, la))
			fail_msg("%s:%s differs from QEMU's", path, name);
	}
}

static void *read_golden(void)
{
	const char *dir = getenv("AVF_SRCDIR");
	char path[512];
	struct img_error err;
	uint8_t *data;
	size_t size;

	snprintf(path, sizeof(path), "%s%s%s", dir ? dir : "", dir ? "/" : "", GOLDEN);
	if (board_read_file(path, 1 << 20, &data, &size, &err))
		fail_msg("%s: %s (run from the repository root or set AVF_SRCDIR)", path,
			 err.msg);
	assert_int_equal(fdt_check_header(data), 0);
	return data;
}

/* Same parameters as regen-qemu-virt.sh gives QEMU. */
static void matches_qemu(void **state)
{
	struct fdt_virt_params p;
	void *golden = read_golden();
	char path[256];
	int n, g, checked = 0;

	default_params(&p, 2);
	p.bootargs = "console=ttyAMA0 earlycon";
	p.has_initrd = true;
	p.initrd_start = 0x48000000;
	p.initrd_end = 0x48000064;
	build(&p);
	/* Each of our nodes is QEMU's, with exactly QEMU's properties. */
	for (n = 0; n >= 0; n = fdt_next_node(blob, n, NULL)) {
		assert_int_equal(fdt_get_path(blob, n, path, sizeof(path)), 0);
		g = fdt_path_offset(golden, path);
		if (g < 0)
			fail_msg("%s is not in QEMU's tree", path);
		props_included(blob, n, golden, g, path, "missing in QEMU's tree");
		props_included(golden, g, blob, n, path, "missing in ours");
		checked++;
	}
	/* Each of QEMU's nodes is ours, or a device avf-sim does not model. */
	for (g = 0; g >= 0; g = fdt_next_node(golden, g, NULL)) {
		assert_int_equal(fdt_get_path(golden, g, path, sizeof(path)), 0);
		if (fdt_path_offset(blob, path) < 0 && !is_not_modelled(path))
			fail_msg("QEMU's %s is missing and not listed as not modelled", path);
	}
	/* root, psci, memory, pl011, intc, cpus + cpu-map/socket0/cluster0/core0/core1 +
	 * cpu@0/cpu@1, timer, apb-pclk, chosen */
	assert_int_equal(checked, 16);
	free(golden);
}

static void header_and_size(void **state)
{
	struct fdt_virt_params p;

	default_params(&p, 1);
	build(&p);
	/* QEMU hands over its whole 1 MiB buffer; the size decides ELF DTB placement. */
	assert_int_equal(fdt_totalsize(blob), VIRT_FDT_SIZE);
	assert_int_equal(fdt_num_mem_rsv(blob), 0);
}

static void one_cpu(void **state)
{
	struct fdt_virt_params p;
	int len;

	default_params(&p, 1);
	build(&p);
	assert_int_equal(prop_u32("/cpus/cpu@0", "phandle"), 0x8001);
	assert_int_equal(prop_u32("/cpus/cpu@0", "reg"), 0);
	/* QEMU names no enable method for a single CPU. */
	assert_null(prop("/cpus/cpu@0", "enable-method", &len));
	assert_int_equal(fdt_path_offset(blob, "/cpus/cpu@1"), -FDT_ERR_NOTFOUND);
	assert_int_equal(prop_u32("/cpus/cpu-map/socket0/cluster0/core0", "cpu"), 0x8001);
	assert_int_equal(prop_u32("/intc@8000000", "phandle"), 0x8002);
	assert_int_equal(prop_u32("/", "interrupt-parent"), 0x8002);
	assert_string_equal(prop("/cpus/cpu@0", "compatible", &len), "arm,cortex-a72");
}

/* CPU 16 is Aff1 = 1, Aff0 = 0: reg 0x100, but QEMU names nodes by index. */
static void many_cpus(void **state)
{
	struct fdt_virt_params p;
	int len;

	default_params(&p, 17);
	build(&p);
	assert_int_equal(prop_u32("/cpus/cpu@16", "reg"), 0x100);
	assert_int_equal(prop_u32("/cpus/cpu@15", "reg"), 0xf);
	assert_int_equal(prop_u32("/cpus/cpu@0", "phandle"), 0x8000 + 17);
	assert_int_equal(prop_u32("/cpus/cpu@16", "phandle"), 0x8001);
	assert_int_equal(prop_u32("/cpus/cpu-map/socket0/cluster0/core16", "cpu"), 0x8001);
	assert_int_equal(prop_u32("/intc@8000000", "phandle"), 0x8000 + 18);
	assert_string_equal(prop("/cpus/cpu@16", "enable-method", &len), "psci");
	default_params(&p, 64);
	build(&p);
	assert_int_equal(prop_u32("/cpus/cpu@63", "reg"), 0x30f);
}

/* A 64-bit property value (properties are only 4-byte aligned). */
static uint64_t be64_at(const void *v, int index)
{
	fdt64_t x;

	memcpy(&x, (const uint8_t *)v + 8 * index, sizeof(x));
	return fdt64_to_cpu(x);
}

static void chosen_contents(void **state)
{
	struct fdt_virt_params p;
	const void *v64;
	const uint8_t *seed;
	int len;

	default_params(&p, 1);
	build(&p);
	assert_null(prop("/chosen", "bootargs", &len));
	assert_null(prop("/chosen", "linux,initrd-start", &len));
	assert_string_equal(prop("/chosen", "stdout-path", &len), "/pl011@9000000");
	seed = prop("/chosen", "rng-seed", &len);
	assert_int_equal(len, 32);
	assert_memory_equal(seed, p.rng_seed, 32);
	v64 = prop("/chosen", "kaslr-seed", &len);
	assert_int_equal(len, 8);
	assert_int_equal(be64_at(v64, 0), 0x0123456789abcdefull);
	/* An empty command line is no command line, as in QEMU. */
	p.bootargs = "";
	build(&p);
	assert_null(prop("/chosen", "bootargs", &len));
	/* Initrd bounds above 4 GiB need two cells. */
	p.ram_size = 8ull << 30;
	p.has_initrd = true;
	p.initrd_start = 0xfffff000;
	p.initrd_end = 0x100000100;
	build(&p);
	v64 = prop("/chosen", "linux,initrd-start", &len);
	assert_int_equal(len, 8);
	assert_int_equal(be64_at(v64, 0), 0xfffff000);
	v64 = prop("/chosen", "linux,initrd-end", &len);
	assert_int_equal(be64_at(v64, 0), 0x100000100);
	v64 = prop("/memory@40000000", "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(be64_at(v64, 1), 8ull << 30);
}

static void bad_parameters(void **state)
{
	struct fdt_virt_params p;
	struct img_error err;
	char small[512];

	default_params(&p, 0);
	assert_int_equal(fdt_virt_build(&p, blob, VIRT_FDT_SIZE, &err), -EINVAL);
	assert_string_equal(err.msg, "FDT: 0 CPUs; between 1 and 64 are supported");
	p.nr_cpus = 65;
	assert_int_equal(fdt_virt_build(&p, blob, VIRT_FDT_SIZE, &err), -EINVAL);
	p.nr_cpus = 1;
	p.has_initrd = true;
	p.initrd_start = 0x48000000;
	p.initrd_end = 0x47000000;
	assert_int_equal(fdt_virt_build(&p, blob, VIRT_FDT_SIZE, &err), -EINVAL);
	assert_string_equal(err.msg, "FDT: initrd end 0x47000000 below its start 0x48000000");
	p.has_initrd = false;
	assert_int_equal(fdt_virt_build(&p, small, sizeof(small), &err), -ENOSPC);
	assert_string_equal(err.msg, "FDT: does not fit in 512 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches_qemu),
		cmocka_unit_test(header_and_size),
		cmocka_unit_test(one_cpu),
		cmocka_unit_test(many_cpus),
		cmocka_unit_test(chosen_contents),
		cmocka_unit_test(bad_parameters),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
