/* SPDX-License-Identifier: MIT */
/*
 * The guest's device tree (private to stack/vmm/, built with libfdt by fdt.c). Pure: it
 * describes the parameters it is given and touches no machine, so a golden test pins it
 * (fdt_test.c against the dumps in testdata/).
 *
 * What it contains, in this order (docs/VMM.md explains each):
 *   /               compatible "linux,dummy-virt", #address-cells = #size-cells = 2,
 *                   interrupt-parent = the GIC
 *   /chosen         bootargs, linux,initrd-start/-end (64-bit), stdout-path (the UART),
 *                   kaslr-seed, rng-seed
 *   /memory@...     device_type "memory", reg = RAM
 *   /reserved-memory  protected VMs only: a "restricted-dma-pool" the guest allocates
 *                   itself and shares with the host, through which every virtio device
 *                   bounces its DMA (swiotlb, as AVF does for protected VMs)
 *   /cpus           cpu@N: "arm,arm-v8", enable-method "psci", reg = MPIDR affinity
 *   /psci           "arm,psci-1.0" + "arm,psci-0.2", method "hvc"
 *   /intc@...       "arm,gic-v3": distributor and one redistributor region
 *   /timer          "arm,armv8-timer": PPIs 13, 14, 11, 10, level-low, CPU mask for
 *                   the vCPUs (as crosvm writes it)
 *   /uart@3f8       "ns16550a", clock-frequency, level-high SPI (if it has one)
 *   /virtio_mmio@.. "virtio,mmio", one per transport, level-high SPI, dma-coherent,
 *                   memory-region = the restricted pool for protected VMs
 *   /avf            our configuration: compatible "avf,config", vm-name, instance-id,
 *                   debug, protected-vm, payload (address and size in RAM),
 *                   payload-entry, and firmware (address and size) when pvmfw runs first
 */
#ifndef AVF_VMM_FDT_H
#define AVF_VMM_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/image/error.h"
#include "stack/vmm/layout.h"

/* Size of the restricted DMA pool described to protected VMs. */
#define VMM_SWIOTLB_SIZE	0x00400000ull

struct vmm_fdt_virtio {
	uint64_t base;
	uint32_t intid;		/* the SPI's INTID (>= 32) */
};

struct vmm_fdt_params {
	uint64_t ram_base, ram_size;
	unsigned nr_vcpus;		/* 1..VMM_MAX_VCPUS */
	const char *bootargs;		/* NULL: no bootargs property */
	bool has_initrd;
	uint64_t initrd_start, initrd_end;
	uint64_t gicd_base, gicr_base;
	uint64_t uart_base;
	uint32_t uart_intid;		/* its SPI's INTID (>= 32), or 0: no interrupt line
					 * (the guest polls; Linux's 8250 driver does with
					 * no "interrupts") */
	struct vmm_fdt_virtio virtio[VMM_VIRTIO_MAX];
	unsigned nr_virtio;
	uint64_t kaslr_seed;
	uint8_t rng_seed[32];
	/* /avf */
	const char *name;		/* NULL: no vm-name */
	uint64_t instance_id;
	bool debug;
	bool protected_vm;
	uint64_t payload_base, payload_size, payload_entry;
	bool has_firmware;
	uint64_t firmware_base, firmware_size;
};

/* vCPUs a VM may have: the MPIDR affinity scheme and the timer's CPU mask allow more,
 * the hyp's vCPU table does not. */
#define VMM_MAX_VCPUS		64u

/*
 * Build the tree into buf (size bytes, at most VMM_FDT_MAX), packed. Returns 0, -EINVAL
 * (bad parameters, with a message), or -ENOSPC (does not fit).
 */
int vmm_fdt_build(const struct vmm_fdt_params *p, void *buf, size_t size,
		  struct img_error *err);

#endif /* AVF_VMM_FDT_H */
