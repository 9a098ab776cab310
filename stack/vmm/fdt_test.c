// SPDX-License-Identifier: MIT
/*
 * The guest's device tree (fdt.c). Golden tests: a DT built from fixed parameters, turned
 * into source by `dtc -I dtb -O dts`, must equal the dump checked in under
 * stack/vmm/testdata/ byte for byte (regenerate with VMM_FDT_GOLDEN_UPDATE=1 and review
 * the diff). Then properties read back with libfdt, and every parameter error.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include "stack/vmm/vmm_fdt.h"

#define MiB (1ull << 20)
#define GOLDEN_NORMAL "stack/vmm/testdata/fdt-normal.dts"
#define GOLDEN_PROTECTED "stack/vmm/testdata/fdt-protected.dts"

static uint8_t blob[VMM_FDT_MAX];

/* A normal VM: 2 vCPUs, 64 MiB, initrd, console + blk + rng. */
static void normal_params(struct vmm_fdt_params *p)
{
	memset(p, 0, sizeof(*p));
	p->ram_base = VMM_RAM_BASE;
	p->ram_size = 64 * MiB;
	p->nr_vcpus = 2;
	p->bootargs = "console=ttyS0 panic=-1";
	p->has_initrd = true;
	p->initrd_start = 0x83c00000;
	p->initrd_end = 0x83d23456;
	p->gicd_base = VMM_GICD_BASE;
	p->gicr_base = VMM_GICR_BASE(2);
	p->uart_base = VMM_UART_BASE;
	p->uart_intid = VMM_UART_SPI;
	p->nr_virtio = 3;
	for (unsigned i = 0; i < 3; i++)
		p->virtio[i] = (struct vmm_fdt_virtio){ VMM_VIRTIO_BASE + i * VMM_VIRTIO_STRIDE,
							VMM_VIRTIO_SPI(i) };
	p->kaslr_seed = 0x0123456789abcdefull;
	for (unsigned i = 0; i < sizeof(p->rng_seed); i++)
		p->rng_seed[i] = (uint8_t)(i * 11 + 3);
	p->name = "golden";
	p->instance_id = 0x1122334455667788ull;
	p->payload_base = VMM_RAM_BASE;
	p->payload_size = 0x123000;
	p->payload_entry = VMM_RAM_BASE + 0x40;
}

/* A protected VM with pvmfw: 1 vCPU, debug, console + vsock, no initrd. */
static void protected_params(struct vmm_fdt_params *p)
{
	normal_params(p);
	p->nr_vcpus = 1;
	p->gicr_base = VMM_GICR_BASE(1);
	p->bootargs = NULL;
	p->has_initrd = false;
	p->nr_virtio = 2;
	p->debug = true;
	p->protected_vm = true;
	p->has_firmware = true;
	p->firmware_base = VMM_FW_BASE;
	p->firmware_size = VMM_FW_SIZE;
}

static void build(const struct vmm_fdt_params *p)
{
	struct img_error err;

	memset(blob, 0xa5, sizeof(blob));
	if (vmm_fdt_build(p, blob, sizeof(blob), &err))
		fail_msg("vmm_fdt_build: %s", err.msg);
	assert_int_equal(fdt_check_header(blob), 0);
}

/* The DT as `dtc -I dtb -O dts` prints it; a malloc'ed string. */
static char *decompile(void)
{
	char path[] = "/tmp/vmm-fdt-test-XXXXXX", cmd[128], *out = NULL;
	size_t len = 0, cap = 0;
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, blob, fdt_totalsize(blob)), fdt_totalsize(blob));
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts %s", path);
	f = popen(cmd, "r");
	assert_non_null(f);
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? 2 * cap : 65536;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		size_t n = fread(out + len, 1, cap - len - 1, f);

		if (!n)
			break;
		len += n;
	}
	out[len] = '\0';
	assert_int_equal(pclose(f), 0);
	unlink(path);
	return out;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), n);
	fclose(f);
	return text;
}

/* 0 if the DT in blob decompiles to the golden file; else -1 (after saying where). */
static int compare_golden(const char *golden, bool report)
{
	char *got = decompile(), *want = read_text(golden);
	int ret = 0;

	if (getenv("VMM_FDT_GOLDEN_UPDATE")) {
		FILE *f = fopen(golden, "w");

		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	} else if (!want || strcmp(got, want)) {
		if (report)
			fprintf(stderr, "%s differs from the generated DT:\n%s\n", golden, got);
		ret = -1;
	}
	free(got);
	free(want);
	return ret;
}

static void golden_normal(void **state)
{
	struct vmm_fdt_params p;

	normal_params(&p);
	build(&p);
	assert_int_equal(compare_golden(GOLDEN_NORMAL, true), 0);
}

static void golden_protected(void **state)
{
	struct vmm_fdt_params p;

	protected_params(&p);
	build(&p);
	assert_int_equal(compare_golden(GOLDEN_PROTECTED, true), 0);
}

/* The golden test is not vacuous: any change of the tree makes it fail. */
static void golden_catches_changes(void **state)
{
	struct vmm_fdt_params p;

	if (getenv("VMM_FDT_GOLDEN_UPDATE"))
		skip();
	normal_params(&p);
	p.nr_vcpus = 3;				/* one more cpu node, another timer mask */
	build(&p);
	assert_int_equal(compare_golden(GOLDEN_NORMAL, false), -1);
	normal_params(&p);
	p.bootargs = "console=ttyS0 panic=0";	/* one character */
	build(&p);
	assert_int_equal(compare_golden(GOLDEN_NORMAL, false), -1);
	normal_params(&p);
	p.rng_seed[31] ^= 1;			/* one bit */
	build(&p);
	assert_int_equal(compare_golden(GOLDEN_NORMAL, false), -1);
}

static const void *prop(const char *path, const char *name, int *len)
{
	int node = fdt_path_offset(blob, path);

	if (node < 0)
		fail_msg("no node %s", path);
	return fdt_getprop(blob, node, name, len);
}

/* Cell i of a property (properties are only 4-byte aligned: read it as bytes). */
static uint32_t cell(const void *p, unsigned i)
{
	return fdt32_ld((const fdt32_t *)p + i);
}

static uint64_t u64_prop(const void *p)
{
	return (uint64_t)cell(p, 0) << 32 | cell(p, 1);
}

/* The timer's PPI CPU mask covers the vCPUs, at most the first 8 (GICv2 binding). */
static void timer_cpu_mask(void **state)
{
	static const struct { unsigned cpus; uint32_t flags; } cases[] = {
		{ 1, 0x0108 }, { 2, 0x0308 }, { 7, 0x7f08 }, { 8, 0xff08 }, { 9, 0xff08 },
		{ 64, 0xff08 },
	};
	struct vmm_fdt_params p;
	const void *v;
	int len;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		normal_params(&p);
		p.nr_vcpus = cases[i].cpus;
		p.gicr_base = VMM_GICR_BASE(cases[i].cpus);
		build(&p);
		v = prop("/timer", "interrupts", &len);
		assert_int_equal(len, 48);
		for (unsigned t = 0; t < 4; t++) {
			assert_int_equal(cell(v, 3 * t), 1);	/* PPI */
			assert_int_equal(cell(v, 3 * t + 2), cases[i].flags);
		}
		assert_int_equal(cell(v, 1), 13);
		assert_int_equal(cell(v, 4), 14);
		assert_int_equal(cell(v, 7), 11);
		assert_int_equal(cell(v, 10), 10);
	}
}

/* CPU nodes are named and numbered by MPIDR affinity (Aff1 above 15 vCPUs); the GIC's
 * redistributor region grows with them. */
static void cpus_and_gic(void **state)
{
	struct vmm_fdt_params p;
	const void *v;
	int len;

	normal_params(&p);
	p.nr_vcpus = 17;
	p.gicr_base = VMM_GICR_BASE(17);
	build(&p);
	/* vCPU 16: Aff1 = 1, Aff0 = 0. */
	v = prop("/cpus/cpu@100", "reg", &len);
	assert_int_equal(len, 4);
	assert_int_equal(cell(v, 0), 0x100);
	assert_string_equal(prop("/cpus/cpu@f", "enable-method", NULL), "psci");
	assert_true(fdt_path_offset(blob, "/cpus/cpu@10") < 0);
	assert_true(fdt_path_offset(blob, "/cpus/cpu@101") < 0);
	v = prop("/intc@3fff0000", "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(cell(v, 1), VMM_GICD_BASE);
	assert_int_equal(cell(v, 3), 0x10000);
	assert_int_equal(cell(v, 5), VMM_GICR_BASE(17));
	assert_int_equal(cell(v, 7), 17 * VMM_GICR_SIZE);
	assert_int_equal(cell(prop("/intc@3fff0000", "#redistributor-regions", NULL), 0), 1);
	assert_string_equal(prop("/psci", "method", NULL), "hvc");
}

static void chosen_and_devices(void **state)
{
	struct vmm_fdt_params p;
	const void *v;
	int len;

	normal_params(&p);
	build(&p);
	v = prop("/chosen", "linux,initrd-start", &len);
	assert_int_equal(len, 8);
	assert_int_equal(u64_prop(v), 0x83c00000);
	assert_int_equal(u64_prop(prop("/chosen", "linux,initrd-end", NULL)), 0x83d23456);
	assert_string_equal(prop("/chosen", "stdout-path", NULL), "/uart@3f8");
	assert_string_equal(prop("/uart@3f8", "compatible", NULL), "ns16550a");
	v = prop("/uart@3f8", "interrupts", &len);
	assert_int_equal(len, 12);
	assert_int_equal(cell(v, 0), 0);		/* SPI */
	assert_int_equal(cell(v, 1), VMM_UART_SPI - 32);
	assert_int_equal(cell(v, 2), 4);		/* level high */
	v = prop("/virtio_mmio@2002000", "interrupts", &len);
	assert_int_equal(cell(v, 1), VMM_VIRTIO_SPI(2) - 32);
	assert_non_null(prop("/virtio_mmio@2002000", "dma-coherent", &len));
	assert_null(prop("/virtio_mmio@2002000", "memory-region", &len));
	assert_true(fdt_path_offset(blob, "/reserved-memory") < 0);
	assert_null(prop("/avf", "protected-vm", &len));
	assert_string_equal(prop("/avf", "compatible", NULL), "avf,config");
	/* No bootargs, no initrd, no UART interrupt: the properties are absent, not empty. */
	p.bootargs = NULL;
	p.has_initrd = false;
	p.uart_intid = 0;
	build(&p);
	assert_null(prop("/chosen", "bootargs", &len));
	assert_null(prop("/chosen", "linux,initrd-start", &len));
	assert_null(prop("/uart@3f8", "interrupts", &len));
	assert_string_equal(prop("/uart@3f8", "compatible", NULL), "ns16550a");
}

/* Protected VMs: the restricted DMA pool, referenced by every virtio node. */
static void protected_pool(void **state)
{
	struct vmm_fdt_params p;
	const void *v;
	int len, pool;

	protected_params(&p);
	build(&p);
	pool = fdt_path_offset(blob, "/reserved-memory/restricted_dma_reserved");
	assert_true(pool >= 0);
	assert_string_equal(fdt_getprop(blob, pool, "compatible", NULL), "restricted-dma-pool");
	v = prop("/virtio_mmio@2001000", "memory-region", &len);
	assert_int_equal(len, 4);
	assert_int_equal(cell(v, 0), fdt_get_phandle(blob, pool));
	v = prop("/avf", "firmware", &len);
	assert_int_equal(len, 16);
	assert_int_equal(cell(v, 1), VMM_FW_BASE);
	assert_int_equal(cell(v, 3), VMM_FW_SIZE);
	assert_non_null(prop("/avf", "protected-vm", &len));
	assert_int_equal(cell(prop("/avf", "debug", NULL), 0), 1);
}

static void bad_params(void **state)
{
	struct vmm_fdt_params p;
	struct img_error err;

	normal_params(&p);
	p.nr_vcpus = 0;
	assert_int_equal(vmm_fdt_build(&p, blob, sizeof(blob), &err), -EINVAL);
	assert_string_equal(err.msg, "FDT: 0 vCPUs; between 1 and 64 are supported");
	p.nr_vcpus = 65;
	assert_int_equal(vmm_fdt_build(&p, blob, sizeof(blob), &err), -EINVAL);
	normal_params(&p);
	p.ram_size = 0;
	assert_int_equal(vmm_fdt_build(&p, blob, sizeof(blob), &err), -EINVAL);
	assert_string_equal(err.msg, "FDT: RAM size is 0");
	normal_params(&p);
	p.initrd_end = p.initrd_start - 1;
	assert_int_equal(vmm_fdt_build(&p, blob, sizeof(blob), &err), -EINVAL);
	normal_params(&p);
	p.nr_virtio = VMM_VIRTIO_MAX + 1;
	assert_int_equal(vmm_fdt_build(&p, blob, sizeof(blob), &err), -EINVAL);
	normal_params(&p);
	p.virtio[1].intid = 27;
	assert_int_equal(vmm_fdt_build(&p, blob, sizeof(blob), &err), -EINVAL);
	assert_string_equal(err.msg, "FDT: virtio device 1: INTID 27 is not an SPI");
	normal_params(&p);
	p.uart_intid = 16;
	assert_int_equal(vmm_fdt_build(&p, blob, sizeof(blob), &err), -EINVAL);
	assert_string_equal(err.msg, "FDT: UART INTID 16 is not an SPI");
	normal_params(&p);
	assert_int_equal(vmm_fdt_build(&p, blob, 512, &err), -ENOSPC);
	assert_string_equal(err.msg, "FDT: does not fit in 512 bytes");
	assert_int_equal(vmm_fdt_build(&p, blob, VMM_FDT_MAX + 1, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_normal),
		cmocka_unit_test(golden_protected),
		cmocka_unit_test(golden_catches_changes),
		cmocka_unit_test(timer_cpu_mask),
		cmocka_unit_test(cpus_and_gic),
		cmocka_unit_test(chosen_and_devices),
		cmocka_unit_test(protected_pool),
		cmocka_unit_test(bad_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
