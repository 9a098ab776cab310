// SPDX-License-Identifier: MIT
/*
 * The guest's device tree, written with libfdt's sequential-write API; vmm_fdt.h lists
 * the nodes. Interrupt specifiers follow the GICv3 binding: <type number flags>, type 0
 * for an SPI (number = INTID - 32), 1 for a PPI (number = INTID - 16).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "stack/vmm/vmm_fdt.h"

/* Phandles: fixed, so the tree is the same for the same parameters. */
#define PHANDLE_GIC		1u
#define PHANDLE_DMA_POOL	2u

/* Interrupt specifier cells (binding: interrupt-controller/arm,gic-v3.yaml). */
#define GIC_FDT_SPI		0u
#define GIC_FDT_PPI		1u
#define IRQ_TYPE_LEVEL_HIGH	4u
#define IRQ_TYPE_LEVEL_LOW	8u
/* PPI CPU mask: bits 15:8 of the flags cell, one bit per CPU (first 8 CPUs only). */
#define GIC_FDT_PPI_CPU_SHIFT	8
#define GIC_FDT_PPI_CPU_MASK	0xff00u

/* Architected timer PPIs: secure physical, non-secure physical, virtual, hypervisor. */
static const uint32_t timer_ppis[4] = { 13, 14, 11, 10 };

#define GICD_SIZE		0x10000ull

#define TRY(x) do { int r_ = (x); if (r_) return r_; } while (0)

/* A property of big-endian 32-bit cells. */
static int prop_cells(void *fdt, const char *name, const uint32_t *cells, unsigned n)
{
	fdt32_t be[16];

	for (unsigned i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(fdt, name, be, (int)(n * sizeof(be[0])));
}

/* reg (or any address/size list) with #address-cells = #size-cells = 2. */
static int prop_pairs(void *fdt, const char *name, const uint64_t *v, unsigned nr_pairs)
{
	uint32_t c[16];

	for (unsigned i = 0; i < 2 * nr_pairs; i++) {
		c[2 * i] = (uint32_t)(v[i] >> 32);
		c[2 * i + 1] = (uint32_t)v[i];
	}
	return prop_cells(fdt, name, c, 4 * nr_pairs);
}

static int prop_spi(void *fdt, uint32_t intid)
{
	uint32_t irq[3] = { GIC_FDT_SPI, intid - 32, IRQ_TYPE_LEVEL_HIGH };

	return prop_cells(fdt, "interrupts", irq, 3);
}

static int begin_node_at(void *fdt, const char *what, uint64_t addr)
{
	char name[48];

	snprintf(name, sizeof(name), "%s@%" PRIx64, what, addr);
	return fdt_begin_node(fdt, name);
}

static int chosen_node(void *fdt, const struct vmm_fdt_params *p)
{
	char stdout_path[32];

	snprintf(stdout_path, sizeof(stdout_path), "/uart@%" PRIx64, p->uart_base);
	TRY(fdt_begin_node(fdt, "chosen"));
	if (p->bootargs)
		TRY(fdt_property_string(fdt, "bootargs", p->bootargs));
	if (p->has_initrd) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", p->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", p->initrd_end));
	}
	TRY(fdt_property_string(fdt, "stdout-path", stdout_path));
	TRY(fdt_property_u64(fdt, "kaslr-seed", p->kaslr_seed));
	TRY(fdt_property(fdt, "rng-seed", p->rng_seed, sizeof(p->rng_seed)));
	return fdt_end_node(fdt);
}

static int memory_node(void *fdt, const struct vmm_fdt_params *p)
{
	uint64_t reg[2] = { p->ram_base, p->ram_size };

	TRY(begin_node_at(fdt, "memory", p->ram_base));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_pairs(fdt, "reg", reg, 1));
	return fdt_end_node(fdt);
}

/*
 * The bounce pool of protected VMs: the guest's kernel reserves it anywhere in RAM,
 * shares it with the host (MEM_SHARE) and copies every virtio buffer through it, so the
 * VMM never needs a page the guest did not share.
 */
static int reserved_memory_node(void *fdt)
{
	uint64_t size[1] = { VMM_SWIOTLB_SIZE }, align[1] = { 0x1000 };
	uint32_t cells[4] = { (uint32_t)(size[0] >> 32), (uint32_t)size[0],
			      (uint32_t)(align[0] >> 32), (uint32_t)align[0] };

	TRY(fdt_begin_node(fdt, "reserved-memory"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property(fdt, "ranges", NULL, 0));
	TRY(fdt_begin_node(fdt, "restricted_dma_reserved"));
	TRY(fdt_property_string(fdt, "compatible", "restricted-dma-pool"));
	TRY(prop_cells(fdt, "size", cells, 2));
	TRY(prop_cells(fdt, "alignment", cells + 2, 2));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_DMA_POOL));
	TRY(fdt_end_node(fdt));
	return fdt_end_node(fdt);
}

/* MPIDR affinity of vCPU i as the HAL assigns it: Aff0 = i % 16, Aff1 = i / 16. */
static uint32_t vcpu_affinity(unsigned i)
{
	return ((i / 16) << 8) | (i % 16);
}

static int cpus_node(void *fdt, const struct vmm_fdt_params *p)
{
	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned i = 0; i < p->nr_vcpus; i++) {
		TRY(begin_node_at(fdt, "cpu", vcpu_affinity(i)));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		TRY(fdt_property_string(fdt, "enable-method", "psci"));
		TRY(fdt_property_u32(fdt, "reg", vcpu_affinity(i)));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int psci_node(void *fdt)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";

	TRY(fdt_begin_node(fdt, "psci"));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(fdt_property_string(fdt, "method", "hvc"));
	return fdt_end_node(fdt);
}

static int gic_node(void *fdt, const struct vmm_fdt_params *p)
{
	uint64_t reg[4] = { p->gicd_base, GICD_SIZE, p->gicr_base,
			    (uint64_t)p->nr_vcpus * VMM_GICR_SIZE };

	TRY(begin_node_at(fdt, "intc", p->gicd_base));
	TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#redistributor-regions", 1));
	TRY(prop_pairs(fdt, "reg", reg, 2));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
	return fdt_end_node(fdt);
}

static int timer_node(void *fdt, const struct vmm_fdt_params *p)
{
	uint32_t cpu_mask = (((1u << (p->nr_vcpus < 8 ? p->nr_vcpus : 8)) - 1)
			     << GIC_FDT_PPI_CPU_SHIFT) & GIC_FDT_PPI_CPU_MASK;
	uint32_t irqs[12];

	for (unsigned i = 0; i < 4; i++) {
		irqs[3 * i] = GIC_FDT_PPI;
		irqs[3 * i + 1] = timer_ppis[i];
		irqs[3 * i + 2] = cpu_mask | IRQ_TYPE_LEVEL_LOW;
	}
	TRY(fdt_begin_node(fdt, "timer"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	TRY(prop_cells(fdt, "interrupts", irqs, 12));
	TRY(fdt_property(fdt, "always-on", NULL, 0));
	return fdt_end_node(fdt);
}

static int uart_node(void *fdt, const struct vmm_fdt_params *p)
{
	uint64_t reg[2] = { p->uart_base, VMM_UART_SIZE };

	TRY(begin_node_at(fdt, "uart", p->uart_base));
	TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
	TRY(prop_pairs(fdt, "reg", reg, 1));
	TRY(fdt_property_u32(fdt, "clock-frequency", 1843200));
	if (p->uart_intid)
		TRY(prop_spi(fdt, p->uart_intid));
	return fdt_end_node(fdt);
}

static int virtio_node(void *fdt, const struct vmm_fdt_params *p, const struct vmm_fdt_virtio *d)
{
	uint64_t reg[2] = { d->base, VMM_VIRTIO_STRIDE };

	TRY(begin_node_at(fdt, "virtio_mmio", d->base));
	TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
	TRY(prop_pairs(fdt, "reg", reg, 1));
	TRY(prop_spi(fdt, d->intid));
	TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
	if (p->protected_vm)
		TRY(fdt_property_u32(fdt, "memory-region", PHANDLE_DMA_POOL));
	return fdt_end_node(fdt);
}

static int avf_node(void *fdt, const struct vmm_fdt_params *p)
{
	uint64_t payload[2] = { p->payload_base, p->payload_size };
	uint64_t firmware[2] = { p->firmware_base, p->firmware_size };

	TRY(fdt_begin_node(fdt, "avf"));
	TRY(fdt_property_string(fdt, "compatible", "avf,config"));
	if (p->name)
		TRY(fdt_property_string(fdt, "vm-name", p->name));
	TRY(fdt_property_u64(fdt, "instance-id", p->instance_id));
	TRY(fdt_property_u32(fdt, "debug", p->debug));
	if (p->protected_vm)
		TRY(fdt_property(fdt, "protected-vm", NULL, 0));
	TRY(prop_pairs(fdt, "payload", payload, 1));
	TRY(fdt_property_u64(fdt, "payload-entry", p->payload_entry));
	if (p->has_firmware)
		TRY(prop_pairs(fdt, "firmware", firmware, 1));
	return fdt_end_node(fdt);
}

static int build_tree(void *fdt, const struct vmm_fdt_params *p)
{
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));
	TRY(chosen_node(fdt, p));
	TRY(memory_node(fdt, p));
	if (p->protected_vm)
		TRY(reserved_memory_node(fdt));
	TRY(cpus_node(fdt, p));
	TRY(psci_node(fdt));
	TRY(gic_node(fdt, p));
	TRY(timer_node(fdt, p));
	TRY(uart_node(fdt, p));
	for (unsigned i = 0; i < p->nr_virtio; i++)
		TRY(virtio_node(fdt, p, &p->virtio[i]));
	TRY(avf_node(fdt, p));
	TRY(fdt_end_node(fdt));
	return fdt_finish(fdt);
}

static int check_params(const struct vmm_fdt_params *p, size_t size, struct img_error *err)
{
	if (!p->nr_vcpus || p->nr_vcpus > VMM_MAX_VCPUS)
		return img_fail(err, EINVAL, "FDT: %u vCPUs; between 1 and %u are supported",
				p->nr_vcpus, VMM_MAX_VCPUS);
	if (!p->ram_size)
		return img_fail(err, EINVAL, "FDT: RAM size is 0");
	if (p->has_initrd && p->initrd_end < p->initrd_start)
		return img_fail(err, EINVAL, "FDT: initrd end 0x%" PRIx64 " below its start 0x%"
				PRIx64, p->initrd_end, p->initrd_start);
	if (p->nr_virtio > VMM_VIRTIO_MAX)
		return img_fail(err, EINVAL, "FDT: %u virtio devices; at most %u", p->nr_virtio,
				VMM_VIRTIO_MAX);
	for (unsigned i = 0; i < p->nr_virtio; i++)
		if (p->virtio[i].intid < 32)
			return img_fail(err, EINVAL, "FDT: virtio device %u: INTID %u is not an "
					"SPI", i, p->virtio[i].intid);
	if (p->uart_intid && p->uart_intid < 32)
		return img_fail(err, EINVAL, "FDT: UART INTID %u is not an SPI", p->uart_intid);
	if (size > VMM_FDT_MAX || size > INT32_MAX)
		return img_fail(err, EINVAL, "FDT: buffer of %zu bytes is larger than %llu",
				size, (unsigned long long)VMM_FDT_MAX);
	return 0;
}

int vmm_fdt_build(const struct vmm_fdt_params *p, void *buf, size_t size,
		  struct img_error *err)
{
	int ret = check_params(p, size, err);

	if (ret)
		return ret;
	ret = fdt_create(buf, (int)size);
	if (!ret)
		ret = build_tree(buf, p);
	if (!ret)
		ret = fdt_pack(buf);
	if (ret == -FDT_ERR_NOSPACE)
		return img_fail(err, ENOSPC, "FDT: does not fit in %zu bytes", size);
	if (ret)
		return img_fail(err, EINVAL, "FDT: libfdt: %s", fdt_strerror(ret));
	return 0;
}
