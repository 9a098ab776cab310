/* SPDX-License-Identifier: MIT */
/*
 * The device tree avf-sim hands its guest: the nodes of QEMU 7.2's `virt` board
 * (gic-version=3, -cpu cortex-a72) for the devices avf-sim models, with the same node
 * names, compatible strings, cells, interrupt specifiers, phandles and property values,
 * so a guest that walks QEMU's tree finds the same things in ours:
 *
 *   /                 compatible/model "linux,dummy-virt", #address-cells = #size-cells = 2,
 *                     interrupt-parent = the GIC
 *   /psci             "arm,psci-1.0", "arm,psci-0.2", "arm,psci"; method "hvc"; the PSCI
 *                     0.1 function ids (cpu_suspend, cpu_off, cpu_on, migrate)
 *   /memory@40000000  RAM
 *   /pl011@9000000    "arm,pl011", "arm,primecell"; SPI 1, level high; clocks
 *                     "uartclk", "apb_pclk" (both the 24 MHz fixed clock)
 *   /intc@8000000     "arm,gic-v3": distributor + one redistributor region
 *   /cpus             cpu@N (N = index, reg = MPIDR affinity), enable-method "psci"
 *                     when there is more than one CPU; cpu-map socket0/cluster0/coreN
 *   /timer            "arm,armv8-timer", "arm,armv7-timer"; PPIs 13, 14, 11, 10 level
 *                     high; always-on
 *   /apb-pclk         the fixed clock
 *   /chosen           stdout-path, bootargs, linux,initrd-start/end (64-bit),
 *                     rng-seed (32 bytes), kaslr-seed (64 bits)
 *
 * QEMU's nodes for devices avf-sim does not model are left out: the GIC ITS, PCIe,
 * virtio-mmio transports, fw-cfg, flash, PL031 RTC, PL061 GPIO and gpio-keys,
 * platform bus and PMU. docs/AVF-SIM.md lists them.
 */
#ifndef AVF_SIM_BOARD_FDT_VIRT_H
#define AVF_SIM_BOARD_FDT_VIRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/image/error.h"

#define FDT_VIRT_MAX_CPUS 64
#define FDT_VIRT_RNG_SEED_SIZE 32

struct fdt_virt_params {
	uint64_t ram_base, ram_size;
	unsigned nr_cpus;			/* 1..FDT_VIRT_MAX_CPUS */
	const char *bootargs;			/* NULL or "" : no /chosen/bootargs */
	bool has_initrd;
	uint64_t initrd_start, initrd_end;
	uint8_t rng_seed[FDT_VIRT_RNG_SEED_SIZE];	/* from the machine's seeded stream */
	uint64_t kaslr_seed;
};

/*
 * Build the tree into buf (size bytes; VIRT_FDT_SIZE for the guest). The blob's
 * totalsize is size: the room after the structure is free space, as in QEMU's blob.
 * Returns 0, -EINVAL for bad parameters, or -ENOSPC if buf is too small, with a message.
 */
int fdt_virt_build(const struct fdt_virt_params *p, void *buf, size_t size,
		   struct img_error *err);

#endif /* AVF_SIM_BOARD_FDT_VIRT_H */
