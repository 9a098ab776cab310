// SPDX-License-Identifier: MIT
/*
 * Host calls that move one page between the host and the hyp or a guest. Each only
 * validates, locks in the documented order (h->lock, then vm->lock) and runs one row of
 * the transition table.
 */
#include "stack/hyp/hyp_calls.h"

int hyp_host_share_hyp(struct hyp *h, uint64_t pfn)
{
	int err;

	if (!hyp_pfn_valid(h, pfn))
		return -EINVAL;
	hyp_lock(&h->lock);
	err = hyp_transition(h, T_HOST_SHARE_HYP, pfn, NULL, 0);
	hyp_unlock(&h->lock);
	return err;
}

int hyp_host_unshare_hyp(struct hyp *h, uint64_t pfn)
{
	int err;

	if (!hyp_pfn_valid(h, pfn))
		return -EINVAL;
	hyp_lock(&h->lock);
	err = hyp_transition(h, T_HOST_UNSHARE_HYP, pfn, NULL, 0);
	hyp_unlock(&h->lock);
	return err;
}

/* Run transition t on (pfn, handle's VM, gfn) with both locks held. */
static int guest_page_call(struct hyp *h, enum hyp_transition_id t, uint64_t pfn,
			   uint32_t handle, uint64_t gfn)
{
	struct hyp_vm *vm;
	int err;

	hyp_lock(&h->lock);
	vm = hyp_vm_get(h, handle);
	if (!vm) {
		hyp_unlock(&h->lock);
		return -ENOENT;
	}
	hyp_lock(&vm->lock);
	/* The HAL forbids memory on the GIC's IPAs: a guest would find a page of the
	 * host's choosing where it expects its interrupt controller. */
	err = hyp_vm_gfn_is_gic(vm, gfn) ? -EINVAL : hyp_transition(h, t, pfn, vm, gfn);
	hyp_unlock(&vm->lock);
	hyp_unlock(&h->lock);
	return err;
}

int hyp_host_share_guest(struct hyp *h, uint64_t pfn, uint32_t handle, uint64_t gfn)
{
	if (!hyp_pfn_valid(h, pfn))
		return -EINVAL;
	return guest_page_call(h, T_HOST_SHARE_GUEST, pfn, handle, gfn);
}

int hyp_host_donate_guest(struct hyp *h, uint64_t pfn, uint32_t handle, uint64_t gfn)
{
	if (!hyp_pfn_valid(h, pfn))
		return -EINVAL;
	return guest_page_call(h, T_HOST_DONATE_GUEST, pfn, handle, gfn);
}

int hyp_host_unshare_guest(struct hyp *h, uint32_t handle, uint64_t gfn)
{
	struct hyp_vm *vm;
	uint64_t desc;
	int err;

	/* The page is whatever the guest maps at gfn; no mapping: nothing to unshare. */
	hyp_lock(&h->lock);
	vm = hyp_vm_get(h, handle);
	if (!vm) {
		hyp_unlock(&h->lock);
		return -ENOENT;
	}
	hyp_lock(&vm->lock);
	desc = hyp_s2_get(h, &vm->s2, gfn);
	err = (desc & S2_VALID) ? hyp_transition(h, T_HOST_UNSHARE_GUEST,
						 (desc & S2_OA_MASK) >> PAGE_SHIFT, vm, gfn)
				: hyp_s2_gfn_valid(&vm->s2, gfn) ? -EPERM : -EINVAL;
	hyp_unlock(&vm->lock);
	hyp_unlock(&h->lock);
	return err;
}
