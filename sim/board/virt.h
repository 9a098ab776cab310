/* SPDX-License-Identifier: MIT */
/*
 * The subset of QEMU's `virt` machine (hw/arm/virt.c, QEMU 7.2, gic-version=3) that
 * avf-sim models: one block of constants, one comment each. Everything else of the board
 * (FDT, boot placement, devices) derives from these.
 */
#ifndef AVF_SIM_BOARD_VIRT_H
#define AVF_SIM_BOARD_VIRT_H

#include <stdint.h>

#define VIRT_KiB		(1024ull)
#define VIRT_MiB		(1024ull * VIRT_KiB)
#define VIRT_GiB		(1024ull * VIRT_MiB)

/* GICv3 distributor: one 64 KiB frame. */
#define VIRT_GICD_BASE		0x08000000ull
#define VIRT_GICD_SIZE		0x00010000ull
/*
 * GICv3 redistributor region. QEMU describes the whole region it reserves (room for 123
 * CPUs of 128 KiB each), not just the frames of the CPUs that exist; guests stop at the
 * frame whose GICR_TYPER.Last is set.
 */
#define VIRT_GICR_BASE		0x080a0000ull
#define VIRT_GICR_SIZE		0x00f60000ull
/* Interrupt lines: QEMU's NUM_IRQS (256) SPIs behind the GIC. */
#define VIRT_NR_SPIS		256u

/* PL011 UART: one 4 KiB page, SPI 1 (INTID 33). */
#define VIRT_UART_BASE		0x09000000ull
#define VIRT_UART_SIZE		0x00001000ull
#define VIRT_UART_SPI		1u

/* RAM starts at 1 GiB; QEMU's default size is 128 MiB. */
#define VIRT_RAM_BASE		0x40000000ull
#define VIRT_RAM_DEFAULT	(128ull * VIRT_MiB)

/*
 * Generic timer PPIs as the FDT gives them (PPI numbers, INTID = 16 + n): secure
 * physical, non-secure physical, virtual, hypervisor.
 */
#define VIRT_TIMER_PPI_SEC	13u
#define VIRT_TIMER_PPI_PHYS	14u
#define VIRT_TIMER_PPI_VIRT	11u
#define VIRT_TIMER_PPI_HYP	10u

/* The fixed 24 MHz APB clock the PL011 node refers to. */
#define VIRT_APB_CLOCK_HZ	24000000u

/*
 * FDT phandles, allocated in QEMU's order: the clock first, then one per CPU (the last
 * CPU gets the lowest), then the GIC.
 */
#define VIRT_PHANDLE_CLOCK	0x8000u
#define VIRT_PHANDLE_CPU(i, n)	(VIRT_PHANDLE_CLOCK + (n) - (i))
#define VIRT_PHANDLE_GIC(n)	(VIRT_PHANDLE_CLOCK + (n) + 1)

/*
 * QEMU builds its FDT in a 1 MiB buffer and hands the guest all of it (totalsize 1 MiB).
 * That size decides whether an ELF image leaves room for the DTB at the start of RAM,
 * so we keep it.
 */
#define VIRT_FDT_SIZE		(1ull * VIRT_MiB)

/*
 * Boot placement (QEMU hw/arm/boot.c):
 *  - Linux-style boots (arm64 Image, raw) get a small boot stub at the start of RAM
 *    that loads x0 = DTB, x1..x3 = 0, x4 = entry and branches; QEMU reserves 4 KiB.
 *  - a raw image, or an Image with image_size == 0, loads 512 KiB into RAM;
 *  - an Image asking for text_offset below 4 KiB moves up by 2 MiB (above the stub);
 *  - the initrd goes at min(RAM / 2, 128 MiB), or after the kernel if that is higher,
 *    rounded up to 4 KiB; the DTB at the next 2 MiB boundary after the initrd.
 */
#define VIRT_BOOT_STUB_SIZE	(4ull * VIRT_KiB)
#define VIRT_KERNEL_OFFSET	0x00080000ull
#define VIRT_IMAGE_LOW_SHIFT	(2ull * VIRT_MiB)
#define VIRT_INITRD_MAX_OFFSET	(128ull * VIRT_MiB)
#define VIRT_INITRD_ALIGN	(4ull * VIRT_KiB)
#define VIRT_DTB_ALIGN		(2ull * VIRT_MiB)

/* The CPU model the FDT names (QEMU `-cpu cortex-a72`). */
#define VIRT_CPU_COMPATIBLE	"arm,cortex-a72"

/*
 * MPIDR affinity of CPU index i, as sim_cpu_create() assigns it and as QEMU's virt does
 * for GICv3 (16 CPUs per Aff1 cluster).
 */
static inline uint64_t virt_cpu_affinity(unsigned i)
{
	return ((uint64_t)(i >> 4) << 8) | (i & 15);
}

#endif /* AVF_SIM_BOARD_VIRT_H */
