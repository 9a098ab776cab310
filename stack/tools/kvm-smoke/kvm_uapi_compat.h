/*
 * The arm64 KVM UAPI that Linux added after 6.1, for building against Debian bookworm's
 * cross toolchain (libc6-dev-arm64-cross ships 6.1 kernel headers). Every definition is
 * guarded so that newer headers, which carry the same values, take precedence. Values are
 * those of Documentation/virt/kvm/api.rst and arch/arm64/include/uapi/asm/kvm.h (6.4+).
 */
#ifndef KVM_SMOKE_KVM_UAPI_COMPAT_H
#define KVM_SMOKE_KVM_UAPI_COMPAT_H

#include <linux/kvm.h>
#include <stdint.h>

/* VM device-attribute group of the SMCCC filter (KVM_{HAS,SET}_DEVICE_ATTR on a VM fd). */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL		0
#define KVM_ARM_VM_SMCCC_FILTER		0

enum kvm_smccc_filter_action {
	KVM_SMCCC_FILTER_HANDLE = 0,	/* KVM's own handling, as without a filter */
	KVM_SMCCC_FILTER_DENY,		/* the guest gets SMCCC_RET_NOT_SUPPORTED */
	KVM_SMCCC_FILTER_FWD_TO_USER,	/* KVM_EXIT_HYPERCALL to the VMM */
};

/* One range [base, base + nr_functions) of SMCCC function ids and what to do with it. */
struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};

/* arm64 KVM_EXIT_HYPERCALL flags */
#define KVM_HYPERCALL_EXIT_SMC		(1U << 0)
#endif

#ifndef KVM_HYPERCALL_EXIT_16BIT
#define KVM_HYPERCALL_EXIT_16BIT	(1U << 1)
#endif

/*
 * Since 6.4 run->hypercall ends in `union { __u32 longmode; __u64 flags; }`; 6.1 names the
 * same eight bytes `__u32 longmode; __u32 pad;`. Read them as the 6.4 layout does.
 */
static inline uint64_t kvm_hypercall_exit_flags(const struct kvm_run *run)
{
	return (uint64_t)run->hypercall.longmode | ((uint64_t)run->hypercall.pad << 32);
}

#endif /* KVM_SMOKE_KVM_UAPI_COMPAT_H */
