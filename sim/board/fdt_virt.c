// SPDX-License-Identifier: MIT
/*
 * Build the guest's device tree with libfdt's sequential-write API. Node and property
 * order follow QEMU's blob (as `dtc -O dts` prints it) so the two diff cleanly; values
 * are QEMU's, derived from virt.h. See fdt_virt.h for what is and is not described.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <libfdt.h>

#include "sim/board/fdt_virt.h"
#include "sim/board/virt.h"

/* GIC interrupt specifier: <type number flags>. */
#define GIC_FDT_SPI		0u
#define GIC_FDT_PPI		1u
#define GIC_FDT_LEVEL_HIGH	4u

/* PSCI function ids the legacy (0.1) binding lists. */
#define PSCI_FN64_CPU_SUSPEND	0xc4000001u
#define PSCI_FN_CPU_OFF		0x84000002u
#define PSCI_FN64_CPU_ON	0xc4000003u
#define PSCI_FN64_MIGRATE	0xc4000005u

#define TRY(x)						\
	do {						\
		int ret_ = (x);				\
		if (ret_ < 0)				\
			return ret_;			\
	} while (0)

/* A string list literal, NULs included ("a\0b" is two strings). */
#define PROP_STRS(fdt, name, lit) fdt_property(fdt, name, lit, sizeof(lit))

static int prop_cells(void *fdt, const char *name, const uint32_t *cells, unsigned n)
{
	fdt32_t be[16];
	unsigned i;

	for (i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(fdt, name, be, n * sizeof(be[0]));
}

/* A 64-bit value as two cells. */
static int prop_u64_cells(void *fdt, const char *name, uint64_t v)
{
	uint32_t c[2] = { (uint32_t)(v >> 32), (uint32_t)v };

	return prop_cells(fdt, name, c, 2);
}

/* <addr size> pairs with #address-cells = #size-cells = 2. */
static int prop_reg2(void *fdt, const uint64_t *pairs, unsigned nr_pairs)
{
	uint32_t c[8];
	unsigned i;

	for (i = 0; i < nr_pairs * 2; i++) {
		c[2 * i] = (uint32_t)(pairs[i] >> 32);
		c[2 * i + 1] = (uint32_t)pairs[i];
	}
	return prop_cells(fdt, "reg", c, nr_pairs * 4);
}

static int fdt_root_props(void *fdt, const struct fdt_virt_params *p)
{
	TRY(fdt_property_u32(fdt, "interrupt-parent", VIRT_PHANDLE_GIC(p->nr_cpus)));
	TRY(fdt_property_string(fdt, "model", "linux,dummy-virt"));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	return fdt_property_string(fdt, "compatible", "linux,dummy-virt");
}

static int fdt_psci_node(void *fdt)
{
	TRY(fdt_begin_node(fdt, "psci"));
	TRY(fdt_property_u32(fdt, "migrate", PSCI_FN64_MIGRATE));
	TRY(fdt_property_u32(fdt, "cpu_on", PSCI_FN64_CPU_ON));
	TRY(fdt_property_u32(fdt, "cpu_off", PSCI_FN_CPU_OFF));
	TRY(fdt_property_u32(fdt, "cpu_suspend", PSCI_FN64_CPU_SUSPEND));
	TRY(fdt_property_string(fdt, "method", "hvc"));
	TRY(PROP_STRS(fdt, "compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci"));
	return fdt_end_node(fdt);
}

static int fdt_memory_node(void *fdt, const struct fdt_virt_params *p)
{
	uint64_t reg[2] = { p->ram_base, p->ram_size };
	char name[32];

	snprintf(name, sizeof(name), "memory@%" PRIx64, p->ram_base);
	TRY(fdt_begin_node(fdt, name));
	TRY(prop_reg2(fdt, reg, 1));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	return fdt_end_node(fdt);
}

static int fdt_pl011_node(void *fdt)
{
	uint32_t clocks[2] = { VIRT_PHANDLE_CLOCK, VIRT_PHANDLE_CLOCK };
	uint32_t irq[3] = { GIC_FDT_SPI, VIRT_UART_SPI, GIC_FDT_LEVEL_HIGH };
	uint64_t reg[2] = { VIRT_UART_BASE, VIRT_UART_SIZE };
	char name[32];

	snprintf(name, sizeof(name), "pl011@%llx", (unsigned long long)VIRT_UART_BASE);
	TRY(fdt_begin_node(fdt, name));
	TRY(PROP_STRS(fdt, "clock-names", "uartclk\0apb_pclk"));
	TRY(prop_cells(fdt, "clocks", clocks, 2));
	TRY(prop_cells(fdt, "interrupts", irq, 3));
	TRY(prop_reg2(fdt, reg, 1));
	TRY(PROP_STRS(fdt, "compatible", "arm,pl011\0arm,primecell"));
	return fdt_end_node(fdt);
}

static int fdt_gic_node(void *fdt, const struct fdt_virt_params *p)
{
	uint64_t reg[4] = { VIRT_GICD_BASE, VIRT_GICD_SIZE, VIRT_GICR_BASE, VIRT_GICR_SIZE };
	char name[32];

	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)VIRT_GICD_BASE);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_u32(fdt, "phandle", VIRT_PHANDLE_GIC(p->nr_cpus)));
	TRY(prop_reg2(fdt, reg, 2));
	TRY(fdt_property_u32(fdt, "#redistributor-regions", 1));
	TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	TRY(fdt_property(fdt, "ranges", NULL, 0));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	return fdt_end_node(fdt);
}

/* cpu-map: one socket, one cluster, one core per CPU (QEMU's default topology). */
static int fdt_cpu_map(void *fdt, unsigned n)
{
	char name[16];
	unsigned i;

	TRY(fdt_begin_node(fdt, "cpu-map"));
	TRY(fdt_begin_node(fdt, "socket0"));
	TRY(fdt_begin_node(fdt, "cluster0"));
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "core%u", i);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_u32(fdt, "cpu", VIRT_PHANDLE_CPU(i, n)));
		TRY(fdt_end_node(fdt));
	}
	TRY(fdt_end_node(fdt));
	TRY(fdt_end_node(fdt));
	return fdt_end_node(fdt);
}

static int fdt_cpus_node(void *fdt, unsigned n)
{
	char name[16];
	unsigned i;

	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_cpu_map(fdt, n));
	for (i = 0; i < n; i++) {
		/* QEMU names CPU nodes by index (decimal), not by reg. */
		snprintf(name, sizeof(name), "cpu@%u", i);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_u32(fdt, "phandle", VIRT_PHANDLE_CPU(i, n)));
		TRY(fdt_property_u32(fdt, "reg", (uint32_t)virt_cpu_affinity(i)));
		if (n > 1)
			TRY(fdt_property_string(fdt, "enable-method", "psci"));
		TRY(fdt_property_string(fdt, "compatible", VIRT_CPU_COMPATIBLE));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int fdt_timer_node(void *fdt)
{
	uint32_t irqs[12] = {
		GIC_FDT_PPI, VIRT_TIMER_PPI_SEC, GIC_FDT_LEVEL_HIGH,
		GIC_FDT_PPI, VIRT_TIMER_PPI_PHYS, GIC_FDT_LEVEL_HIGH,
		GIC_FDT_PPI, VIRT_TIMER_PPI_VIRT, GIC_FDT_LEVEL_HIGH,
		GIC_FDT_PPI, VIRT_TIMER_PPI_HYP, GIC_FDT_LEVEL_HIGH,
	};

	TRY(fdt_begin_node(fdt, "timer"));
	TRY(prop_cells(fdt, "interrupts", irqs, 12));
	TRY(fdt_property(fdt, "always-on", NULL, 0));
	TRY(PROP_STRS(fdt, "compatible", "arm,armv8-timer\0arm,armv7-timer"));
	return fdt_end_node(fdt);
}

static int fdt_clock_node(void *fdt)
{
	TRY(fdt_begin_node(fdt, "apb-pclk"));
	TRY(fdt_property_u32(fdt, "phandle", VIRT_PHANDLE_CLOCK));
	TRY(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	TRY(fdt_property_u32(fdt, "clock-frequency", VIRT_APB_CLOCK_HZ));
	TRY(fdt_property_u32(fdt, "#clock-cells", 0));
	TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
	return fdt_end_node(fdt);
}

/* initrd bounds: one cell as QEMU writes them, two if a bound is above 4 GiB. */
static int prop_initrd_bound(void *fdt, const char *name, uint64_t v, bool wide)
{
	return wide ? prop_u64_cells(fdt, name, v) : fdt_property_u32(fdt, name, (uint32_t)v);
}

static int fdt_chosen_node(void *fdt, const struct fdt_virt_params *p)
{
	bool wide = p->initrd_end > UINT32_MAX;
	char path[32];

	snprintf(path, sizeof(path), "/pl011@%llx", (unsigned long long)VIRT_UART_BASE);
	TRY(fdt_begin_node(fdt, "chosen"));
	if (p->has_initrd) {
		TRY(prop_initrd_bound(fdt, "linux,initrd-end", p->initrd_end, wide));
		TRY(prop_initrd_bound(fdt, "linux,initrd-start", p->initrd_start, wide));
	}
	if (p->bootargs && *p->bootargs)
		TRY(fdt_property_string(fdt, "bootargs", p->bootargs));
	TRY(fdt_property_string(fdt, "stdout-path", path));
	TRY(fdt_property(fdt, "rng-seed", p->rng_seed, sizeof(p->rng_seed)));
	TRY(prop_u64_cells(fdt, "kaslr-seed", p->kaslr_seed));
	return fdt_end_node(fdt);
}

static int fdt_virt_tree(void *fdt, const struct fdt_virt_params *p)
{
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_root_props(fdt, p));
	TRY(fdt_psci_node(fdt));
	TRY(fdt_memory_node(fdt, p));
	TRY(fdt_pl011_node(fdt));
	TRY(fdt_gic_node(fdt, p));
	TRY(fdt_cpus_node(fdt, p->nr_cpus));
	TRY(fdt_timer_node(fdt));
	TRY(fdt_clock_node(fdt));
	TRY(fdt_chosen_node(fdt, p));
	TRY(fdt_end_node(fdt));
	return fdt_finish(fdt);
}

int fdt_virt_build(const struct fdt_virt_params *p, void *buf, size_t size,
		   struct img_error *err)
{
	int ret;

	if (p->nr_cpus == 0 || p->nr_cpus > FDT_VIRT_MAX_CPUS)
		return img_fail(err, EINVAL, "FDT: %u CPUs; between 1 and %d are supported",
				p->nr_cpus, FDT_VIRT_MAX_CPUS);
	if (p->ram_size == 0)
		return img_fail(err, EINVAL, "FDT: RAM size is 0");
	if (p->has_initrd && p->initrd_end < p->initrd_start)
		return img_fail(err, EINVAL, "FDT: initrd end 0x%" PRIx64 " below its start "
				"0x%" PRIx64, p->initrd_end, p->initrd_start);
	if (size > INT32_MAX)
		return img_fail(err, EINVAL, "FDT: buffer of %zu bytes is too large", size);
	ret = fdt_create(buf, (int)size);
	if (ret == 0)
		ret = fdt_virt_tree(buf, p);
	/* Grow the header's totalsize to the whole buffer, as QEMU's blob has it. */
	if (ret == 0)
		ret = fdt_open_into(buf, buf, (int)size);
	if (ret == -FDT_ERR_NOSPACE)
		return img_fail(err, ENOSPC, "FDT: does not fit in %zu bytes", size);
	if (ret < 0)
		return img_fail(err, EINVAL, "FDT: libfdt: %s", fdt_strerror(ret));
	return 0;
}
