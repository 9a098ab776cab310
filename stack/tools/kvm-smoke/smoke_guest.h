/*
 * The contract between kvm-smoke (the VMM side, kvm_smoke.c) and its guest program
 * (smoke_guest.S): where things sit in the guest's physical address space and what the
 * guest writes where. Shared by C and assembly, so only #defines.
 */
#ifndef KVM_SMOKE_SMOKE_GUEST_H
#define KVM_SMOKE_SMOKE_GUEST_H

/* Guest RAM (crosvm's aarch64 layout puts RAM at 2 GiB); the program is loaded at its start. */
#define SMOKE_RAM_BASE		0x80000000
#define SMOKE_RAM_SIZE		0x200000

/* In-kernel vGICv3 frames (QEMU virt's addresses): distributor, then one redistributor. */
#define SMOKE_GICD_BASE		0x08000000
#define SMOKE_GICR_BASE		0x080a0000
#define SMOKE_GICD_PIDR2	0xffe8	/* ArchRev in bits [7:4]: 3 for GICv3 */

/* An IPA window with no memslot: every access exits to the VMM as KVM_EXIT_MMIO. */
#define SMOKE_MMIO_BASE		0x10000000
#define SMOKE_MMIO_PATTERN	0x00	/* 64-bit write of SMOKE_PATTERN */
#define SMOKE_MMIO_READ		0x08	/* 32-bit read; the VMM answers SMOKE_READ_VALUE */
#define SMOKE_MMIO_READ_ECHO	0x0c	/* 32-bit write of the value the read returned */
#define SMOKE_MMIO_HVC_RESULT	0x10	/* 64-bit write of x0 after the forwarded HVC */
#define SMOKE_MMIO_PSCI_VERSION	0x18	/* 64-bit write of x0 after PSCI_VERSION */
#define SMOKE_MMIO_GICD_PIDR2	0x20	/* 32-bit write of the GICD_PIDR2 the guest read */

#define SMOKE_PATTERN		0x1122334455667788
#define SMOKE_READ_VALUE	0xcafef00d

/* SMCCC function ids. 0xc6000002 is pKVM's HYP_MEMINFO, in the vendor-hyp range. */
#define SMOKE_VENDOR_HYP_BASE	0xc6000000
#define SMOKE_VENDOR_HYP_COUNT	0x10000
#define SMOKE_HVC_FUNC		0xc6000002
#define SMOKE_HVC_ARG1		0xabcd
#define SMOKE_HVC_RETURN	0x0123456789abcdef
#define SMOKE_PSCI_VERSION	0x84000000
#define SMOKE_PSCI_SYSTEM_OFF	0x84000008

#endif /* KVM_SMOKE_SMOKE_GUEST_H */
