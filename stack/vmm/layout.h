/* SPDX-License-Identifier: MIT */
/*
 * The guest's memory map: one block of derived constants, one comment each. It follows
 * crosvm's aarch64 layout and AVF's where they have one (RAM at 0x8000_0000, protected-VM
 * firmware just below it); docs/VMM.md draws it.
 */
#ifndef AVF_VMM_LAYOUT_H
#define AVF_VMM_LAYOUT_H

/* Guest RAM starts at 2 GiB, as in crosvm (AARCH64_PHYS_MEM_START). */
#define VMM_RAM_BASE		0x80000000ull
/* pvmfw: up to 4 MiB immediately below RAM, so the firmware's last byte touches RAM. */
#define VMM_FW_SIZE		0x00400000ull
#define VMM_FW_BASE		(VMM_RAM_BASE - VMM_FW_SIZE)	/* 0x7fc0_0000 */
/* GICv3 distributor (64 KiB) just below 1 GiB, redistributors (128 KiB each) below it. */
#define VMM_GICD_BASE		0x3fff0000ull
#define VMM_GICR_SIZE		0x20000ull
#define VMM_GICR_BASE(nr_vcpus)	(VMM_GICD_BASE - (nr_vcpus) * VMM_GICR_SIZE)
/* 16550 UART, at the PC COM1 address crosvm uses on aarch64 too, and its SPI. */
#define VMM_UART_BASE		0x000003f8ull
#define VMM_UART_SIZE		0x8ull
#define VMM_UART_SPI		32u	/* INTID 32: SPI 0 */
/* virtio-mmio transports: 4 KiB apart from 32 MiB up, one SPI each from SPI 16 on. */
#define VMM_VIRTIO_BASE		0x02000000ull
#define VMM_VIRTIO_STRIDE	0x1000ull
#define VMM_VIRTIO_MAX		16u
#define VMM_VIRTIO_SPI(n)	(48u + (n))
/* SPIs the VM has (multiple of 32). */
#define VMM_NR_SPIS		64u
/* The FDT goes in the last 2 MiB of RAM (crosvm puts it at the end of RAM as well). */
#define VMM_FDT_MAX		0x00200000ull
/* A Linux Image is placed 2 MiB-aligned at the start of RAM plus its text offset. */
#define VMM_KERNEL_ALIGN	0x00200000ull
/* IPA size of our VMs: 36 bits (64 GiB) covers RAM up to 62 GiB above 2 GiB. */
#define VMM_IPA_BITS		36u

#endif /* AVF_VMM_LAYOUT_H */
