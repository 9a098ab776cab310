/* SPDX-License-Identifier: MIT */
/*
 * The hyp's call handlers, one per host function id (host_hcall.c dispatches to them by
 * table) and the guest call handler. Each validates its own arguments, returns 0 or
 * -errno, and takes the locks it needs itself.
 */
#ifndef AVF_HYP_CALLS_H
#define AVF_HYP_CALLS_H

#include "stack/hyp/hyp_internal.h"

/* mem_share.c: host <-> hyp and host -> guest page calls. */
int hyp_host_share_hyp(struct hyp *h, uint64_t pfn);
int hyp_host_unshare_hyp(struct hyp *h, uint64_t pfn);
int hyp_host_share_guest(struct hyp *h, uint64_t pfn, uint32_t handle, uint64_t gfn);
int hyp_host_unshare_guest(struct hyp *h, uint32_t handle, uint64_t gfn);
int hyp_host_donate_guest(struct hyp *h, uint64_t pfn, uint32_t handle, uint64_t gfn);

/* vm.c */
int hyp_init_vm(struct hyp *h, uint64_t flags, uint64_t nr_vcpus, uint64_t ipa_bits,
		uint64_t gicd, uint64_t gicr, uint64_t nr_spis, uint32_t *handle);
int hyp_init_vcpu(struct hyp *h, uint32_t handle, uint64_t idx, uint64_t run_pfn,
		  uint64_t pc, uint64_t x0);
int hyp_load_firmware(struct hyp *h, uint32_t handle, uint64_t gfn, uint64_t nr_pages);
int hyp_start_teardown(struct hyp *h, uint32_t handle);
int hyp_reclaim_page(struct hyp *h, uint64_t pfn);
int hyp_finalize_teardown(struct hyp *h, uint32_t handle);

/* irq.c: SET_IRQ and VCPU_KICK (any thread, also while the VM's vCPUs run). */
int hyp_set_irq(struct hyp *h, uint32_t handle, uint64_t intid, uint64_t level);
int hyp_vcpu_kick(struct hyp *h, uint32_t handle, uint64_t idx);

/* run.c: vCPU load/put/run; guest_hcall.c: the guest's calls while it runs. */
int hyp_vcpu_load(struct hyp *h, uint32_t handle, uint64_t idx);
int hyp_vcpu_put(struct hyp *h);
int hyp_vcpu_run(struct hyp *h, uint64_t budget);
/*
 * Handle a guest hypercall of vm in x (args in, ret out). Returns true if the hyp
 * handled it (the guest continues), false if it must go to the host.
 */
bool hyp_guest_call(struct hyp *h, struct hyp_vm *vm, struct hal_exit *x);
/* hyp_destroy(): forget the vCPU the calling thread has loaded if it is one of h's. */
void hyp_vcpu_forget(struct hyp *h);
/* Whether a protected VM may have MMIO at gfn (MMIO guard). */
bool hyp_mmio_allowed(struct hyp *h, struct hyp_vm *vm, uint64_t gfn);

#endif /* AVF_HYP_CALLS_H */
