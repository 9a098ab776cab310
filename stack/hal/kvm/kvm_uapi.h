/* SPDX-License-Identifier: MIT */
/*
 * The arm64 KVM UAPI the kvm backend needs that Debian bookworm's cross toolchain lacks
 * (libc6-dev-arm64-cross ships Linux 6.1 headers). Each definition names the release
 * that introduced it and is guarded, so newer headers, which carry the same values, win.
 * Values from Documentation/virt/kvm/api.rst, devices/vm.rst and the UAPI headers.
 *
 * Everything else the backend uses is in 6.1 already, with the release that added it
 * (the backend checks the capabilities at machine creation):
 *   KVM_CAP_ARM_VM_IPA_SIZE 4.20, KVM_CAP_IMMEDIATE_EXIT 4.11, KVM_CAP_ARM_NISV_TO_USER
 *   and KVM_CAP_ARM_INJECT_EXT_DABT 5.5, KVM_CAP_READONLY_MEM (arm64) 4.0,
 *   KVM_DEV_TYPE_ARM_VGIC_V3 4.3.
 */
#ifndef AVF_HAL_KVM_UAPI_H
#define AVF_HAL_KVM_UAPI_H

#include <linux/kvm.h>
#include <stdint.h>
#include <string.h>

/* Linux 6.4: the SMCCC filter, a VM device attribute (KVM_{HAS,SET}_DEVICE_ATTR). */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL		0
#define KVM_ARM_VM_SMCCC_FILTER		0

enum kvm_smccc_filter_action {
	KVM_SMCCC_FILTER_HANDLE = 0,	/* KVM handles the call, as without a filter */
	KVM_SMCCC_FILTER_DENY,		/* the guest gets SMCCC NOT_SUPPORTED */
	KVM_SMCCC_FILTER_FWD_TO_USER,	/* KVM_EXIT_HYPERCALL to user space */
};

/* Function ids [base, base + nr_functions) get `action`. pad must be zero. */
struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};
#endif

/* Linux 6.4: run->hypercall.flags on arm64. */
#ifndef KVM_HYPERCALL_EXIT_SMC
#define KVM_HYPERCALL_EXIT_SMC		(1u << 0)	/* SMC conduit (else HVC) */
#endif

/*
 * Since 6.4 run->hypercall ends in `union { __u32 longmode; __u64 flags; }`; 6.1 names
 * the same eight bytes `__u32 longmode; __u32 pad;`. Read them without naming either.
 */
static inline uint64_t kvm_hypercall_flags(const struct kvm_run *run)
{
	uint64_t flags;

	memcpy(&flags, (const char *)&run->hypercall.ret + sizeof(run->hypercall.ret),
	       sizeof(flags));
	return flags;
}

/*
 * Not upstream: Android common kernels create a protected VM (memory the host loses)
 * when bit 31 of KVM_CREATE_VM's machine type is set. Upstream Linux 6.12 refuses the
 * bit with EINVAL, which is how the backend learns that protected VMs are unavailable.
 */
#define AVF_KVM_VM_TYPE_ARM_PROTECTED	(1ul << 31)

#endif /* AVF_HAL_KVM_UAPI_H */
