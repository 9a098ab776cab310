// SPDX-License-Identifier: MIT
/*
 * Building the board (machine, RAM, partition with the GIC, PL011, CPUs) and loading the
 * guest into it. Uses sim/sim.h only. The run loop is in run.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/board/board_priv.h"
#include "sim/board/fdt_virt.h"
#include "sim/board/virt.h"

#define MPIDR_EL1		SIM_REG_SYS(3, 0, 0, 0, 5)
#define MPIDR_HWID_MASK		0xff00ffffffull

static const struct sim_mmio_ops board_uart_ops = {
	.read = pl011_mmio_read,
	.write = pl011_mmio_write,
};

/* The PL011's interrupt output drives its SPI on the GIC. */
static void board_uart_irq(void *opaque, bool level)
{
	struct board *b = opaque;

	sim_part_set_irq(b->part, 32 + VIRT_UART_SPI, level, 0);
}

static int board_check_config(const struct board_config *cfg, struct img_error *err)
{
	if (cfg->smp < 1 || cfg->smp > BOARD_MAX_CPUS)
		return img_fail(err, EINVAL, "%u CPUs: between 1 and %d are supported",
				cfg->smp, BOARD_MAX_CPUS);
	if (cfg->mem_size < BOARD_MIN_MEM || cfg->mem_size > BOARD_MAX_MEM ||
	    (cfg->mem_size & 0xfff))
		return img_fail(err, EINVAL, "RAM size 0x%" PRIx64 ": must be a multiple of "
				"4 KiB between 1 MiB and 64 GiB", cfg->mem_size);
	return 0;
}

/* Create the CPUs and check the sim gives them the MPIDRs the FDT will announce. */
static int board_create_cpus(struct board *b, struct img_error *err)
{
	uint64_t mpidr;
	unsigned i;
	int ret;

	for (i = 0; i < b->cfg.smp; i++) {
		ret = sim_cpu_create(b->part, i, &b->cpus[i]);
		if (ret)
			return img_fail(err, -ret, "create CPU %u: %s", i, strerror(-ret));
		ret = sim_cpu_get_reg(b->cpus[i], MPIDR_EL1, &mpidr);
		if (ret)
			return img_fail(err, -ret, "CPU %u: read MPIDR_EL1: %s", i,
					strerror(-ret));
		if ((mpidr & MPIDR_HWID_MASK) != virt_cpu_affinity(i))
			return img_fail(err, EINVAL, "CPU %u: MPIDR_EL1 is 0x%" PRIx64
					", the device tree says affinity 0x%" PRIx64, i,
					mpidr, virt_cpu_affinity(i));
	}
	return 0;
}

static int board_build(struct board *b, FILE *console, struct img_error *err)
{
	struct sim_machine_config mcfg = {
		.seed = b->cfg.seed, .max_cpus = b->cfg.smp, .trace_path = b->cfg.trace_path,
	};
	struct sim_part_config pcfg = {
		.vmid = 0, .stage2 = false, .gicd_base = VIRT_GICD_BASE,
		.gicr_base = VIRT_GICR_BASE, .nr_spis = VIRT_NR_SPIS,
	};
	int ret;

	ret = sim_machine_create(&mcfg, &b->m);
	if (ret)
		return img_fail(err, -ret, "create machine: %s", strerror(-ret));
	ret = sim_machine_add_ram(b->m, VIRT_RAM_BASE, b->cfg.mem_size);
	if (ret)
		return img_fail(err, -ret, "add RAM (0x%" PRIx64 " bytes at 0x%llx): %s",
				b->cfg.mem_size, (unsigned long long)VIRT_RAM_BASE,
				strerror(-ret));
	ret = sim_part_create(b->m, &pcfg, &b->part);
	if (ret)
		return img_fail(err, -ret, "create partition with GICv3: %s", strerror(-ret));
	pl011_init(&b->uart, console, board_uart_irq, b);
	ret = sim_part_add_mmio(b->part, VIRT_UART_BASE, VIRT_UART_SIZE, &board_uart_ops,
				&b->uart);
	if (ret)
		return img_fail(err, -ret, "map PL011 at 0x%llx: %s",
				(unsigned long long)VIRT_UART_BASE, strerror(-ret));
	return board_create_cpus(b, err);
}

int board_create(const struct board_config *cfg, FILE *console, FILE *diag,
		 struct board **out, struct img_error *err)
{
	struct board *b;
	int ret;

	ret = board_check_config(cfg, err);
	if (ret)
		return ret;
	b = calloc(1, sizeof(*b));
	if (!b)
		return img_fail(err, ENOMEM, "out of memory");
	b->cfg = *cfg;
	b->diag = diag;
	ret = board_build(b, console, err);
	if (ret) {
		board_destroy(b);
		return ret;
	}
	*out = b;
	return 0;
}

void board_destroy(struct board *b)
{
	if (!b)
		return;
	/* The machine owns its partitions and CPUs. */
	sim_machine_destroy(b->m);
	free(b);
}

static int board_write(struct board *b, uint64_t pa, const void *src, uint64_t len,
		       const char *what, struct img_error *err)
{
	if (len && sim_phys_write(b->m, pa, src, len))
		return img_fail(err, EFAULT, "write %s to [0x%" PRIx64 ", +0x%" PRIx64 "): "
				  "not RAM", what, pa, len);
	return 0;
}

/* Build the FDT for this boot and store it at the planned address. */
static int board_write_fdt(struct board *b, struct img_error *err)
{
	struct fdt_virt_params p = {
		.ram_base = VIRT_RAM_BASE, .ram_size = b->cfg.mem_size,
		.nr_cpus = b->cfg.smp, .bootargs = b->cfg.append,
		.has_initrd = b->plan.has_initrd, .initrd_start = b->plan.initrd_start,
		.initrd_end = b->plan.initrd_end,
	};
	void *blob;
	int ret;

	sim_machine_random(b->m, p.rng_seed, sizeof(p.rng_seed));
	p.kaslr_seed = sim_machine_random_u64(b->m);
	blob = calloc(1, VIRT_FDT_SIZE);
	if (!blob)
		return img_fail(err, ENOMEM, "out of memory for the FDT");
	ret = fdt_virt_build(&p, blob, VIRT_FDT_SIZE, err);
	if (!ret)
		ret = board_write(b, b->plan.dtb_pa, blob, VIRT_FDT_SIZE, "DTB", err);
	free(blob);
	return ret;
}

static int board_write_stub(struct board *b, struct img_error *err)
{
	uint8_t bytes[BOARD_STUB_WORDS * 4];
	unsigned i;

	for (i = 0; i < BOARD_STUB_WORDS; i++) {
		bytes[4 * i] = (uint8_t)b->plan.stub[i];
		bytes[4 * i + 1] = (uint8_t)(b->plan.stub[i] >> 8);
		bytes[4 * i + 2] = (uint8_t)(b->plan.stub[i] >> 16);
		bytes[4 * i + 3] = (uint8_t)(b->plan.stub[i] >> 24);
	}
	return board_write(b, b->plan.stub_pa, bytes, sizeof(bytes), "boot stub", err);
}

/* Copy the image, initrd, stub and DTB into RAM (which starts zero-filled). */
static int board_place(struct board *b, const struct img_plan *img,
		       const uint8_t *initrd, size_t initrd_size, struct img_error *err)
{
	unsigned i;
	int ret;

	for (i = 0; i < img->nr_segments; i++) {
		ret = board_write(b, img->seg[i].pa, img->seg[i].data, img->seg[i].filesz,
				  "image segment", err);
		if (ret)
			return ret;
	}
	if (b->plan.has_initrd) {
		ret = board_write(b, b->plan.initrd_start, initrd, initrd_size, "initrd", err);
		if (ret)
			return ret;
	}
	if (b->plan.has_stub) {
		ret = board_write_stub(b, err);
		if (ret)
			return ret;
	}
	return b->plan.has_dtb ? board_write_fdt(b, err) : 0;
}

int board_load(struct board *b, const uint8_t *image, size_t image_size,
	       bool have_initrd, const uint8_t *initrd, size_t initrd_size,
	       struct img_error *err)
{
	/* QEMU's placement: a boot stub at the start of RAM, raw images at 512 KiB. */
	struct img_ram ram = {
		.base = VIRT_RAM_BASE, .size = b->cfg.mem_size,
		.stub_size = VIRT_BOOT_STUB_SIZE, .raw_offset = VIRT_KERNEL_OFFSET,
	};
	struct img_plan img;
	int ret;

	if (b->loaded)
		return img_fail(err, EBUSY, "an image is already loaded");
	ret = img_load(image, image_size, b->cfg.format, b->cfg.have_load_addr,
		       b->cfg.load_addr, &ram, &img, err);
	if (ret)
		return ret;
	ret = board_boot_plan(&img, &ram, have_initrd, initrd_size, &b->plan, err);
	if (ret)
		return ret;
	ret = board_place(b, &img, initrd, initrd_size, err);
	if (ret)
		return ret;
	if (b->plan.initrd_ignored && b->diag)
		fprintf(b->diag, "avf-sim: warning: --initrd is ignored for ELF images "
			"(as QEMU ignores -initrd with an ELF -kernel)\n");
	sim_cpu_power_on(b->cpus[0], b->plan.pc, b->plan.x0);
	if (img.linux_boot)
		sim_cpu_set_reg(b->cpus[0], SIM_REG_X0 + 4, b->plan.x4);
	b->loaded = true;
	return 0;
}

const struct board_boot_plan *board_boot_info(const struct board *b)
{
	return &b->plan;
}

void board_get_stats(const struct board *b, struct board_stats *st)
{
	st->retired = b->retired;
	st->virtual_ns = sim_machine_now_ns(b->m);
	st->console_bytes = b->uart.bytes_out;
	st->nr_cpus = b->cfg.smp;
}
