// SPDX-License-Identifier: MIT
/*
 * The guest's hypercalls the hyp owns (pKVM's numbers): HYP_MEMINFO, MEM_SHARE,
 * MEM_UNSHARE, MEM_RELINQUISH and the MMIO guard. They are offered to protected VMs;
 * a non-protected VM gets NOT_SUPPORTED, as does any unknown id in the hypervisor
 * vendor range. Other ids go to the host (the VMM decides).
 *
 * Return values follow SMCCC: 0 success, -1 NOT_SUPPORTED, -3 INVALID_PARAMETER.
 */
#include "stack/hyp/hyp_calls.h"

#define SMCCC_SUCCESS		0
#define SMCCC_NOT_SUPPORTED	((uint64_t)-1)
#define SMCCC_INVALID_PARAMETER	((uint64_t)-3)

/*
 * The hyp's own block of the vendor hypervisor service range: pKVM's calls (function
 * numbers 0..255, 32- and 64-bit). The rest of the vendor range is for the VMM and its
 * guests to agree on, so it goes to the host.
 */
static bool vendor_hyp_call(uint32_t fn)
{
	return (fn & 0xbfffff00u) == 0x86000000u;
}

/* Run a guest-initiated transition on the page the guest maps at ipa. */
static uint64_t guest_page_call(struct hyp *h, struct hyp_vm *vm, enum hyp_transition_id t,
				uint64_t ipa)
{
	uint64_t gfn = ipa >> PAGE_SHIFT, desc;
	int err;

	if (ipa & (PAGE_SIZE - 1))
		return SMCCC_INVALID_PARAMETER;
	hyp_lock(&h->lock);
	hyp_lock(&vm->lock);
	desc = hyp_s2_get(h, &vm->s2, gfn);
	err = (desc & S2_VALID) ? hyp_transition(h, t, (desc & S2_OA_MASK) >> PAGE_SHIFT, vm, gfn)
				: -EPERM;
	hyp_unlock(&vm->lock);
	hyp_unlock(&h->lock);
	return err ? SMCCC_INVALID_PARAMETER : SMCCC_SUCCESS;
}

bool hyp_mmio_allowed(struct hyp *h, struct hyp_vm *vm, uint64_t gfn)
{
	bool ok = false;

	if (!vm->is_protected)
		return true;
	hyp_lock(&vm->lock);
	for (unsigned i = 0; vm->mmio_enrolled && i < vm->nr_mmio_guard; i++)
		ok |= vm->mmio_guard[i] == gfn;
	hyp_unlock(&vm->lock);
	return ok;
}

static uint64_t mmio_guard_map(struct hyp *h, struct hyp_vm *vm, uint64_t ipa, bool map)
{
	uint64_t gfn = ipa >> PAGE_SHIFT, ret = SMCCC_INVALID_PARAMETER;
	unsigned i;

	if (ipa & (PAGE_SIZE - 1) || !hyp_s2_gfn_valid(&vm->s2, gfn))
		return SMCCC_INVALID_PARAMETER;
	hyp_lock(&h->lock);
	hyp_lock(&vm->lock);
	if (!vm->mmio_enrolled)
		goto unlock;
	for (i = 0; i < vm->nr_mmio_guard && vm->mmio_guard[i] != gfn; i++)
		;
	if (map) {
		/* Memory is not MMIO: a gfn the guest has a page at cannot be guarded. */
		if (i < vm->nr_mmio_guard || vm->nr_mmio_guard == HYP_MAX_MMIO_GUARD ||
		    (hyp_s2_get(h, &vm->s2, gfn) & S2_VALID))
			goto unlock;
		vm->mmio_guard[vm->nr_mmio_guard++] = gfn;
	} else {
		if (i == vm->nr_mmio_guard)
			goto unlock;
		vm->mmio_guard[i] = vm->mmio_guard[--vm->nr_mmio_guard];
	}
	ret = SMCCC_SUCCESS;
unlock:
	hyp_unlock(&vm->lock);
	hyp_unlock(&h->lock);
	return ret;
}

static bool guest_call(struct hyp *h, struct hyp_vm *vm, struct hal_exit *x)
{
	uint32_t fn = x->hypercall.func_id;
	uint64_t a1 = x->hypercall.args[1];
	uint64_t *ret = x->hypercall.ret;

	if (!vendor_hyp_call(fn))
		return false;
	ret[0] = SMCCC_NOT_SUPPORTED;
	if (!vm->is_protected)
		return true;
	switch (fn) {
	case HYP_GUEST_HYP_MEMINFO:
	case HYP_GUEST_MMIO_GUARD_INFO:
		ret[0] = PAGE_SIZE;
		break;
	case HYP_GUEST_MEM_SHARE:
		ret[0] = guest_page_call(h, vm, T_GUEST_SHARE_HOST, a1);
		break;
	case HYP_GUEST_MEM_UNSHARE:
		ret[0] = guest_page_call(h, vm, T_GUEST_UNSHARE_HOST, a1);
		break;
	case HYP_GUEST_MEM_RELINQUISH:
		ret[0] = guest_page_call(h, vm, T_GUEST_RELINQUISH_HOST, a1);
		break;
	case HYP_GUEST_MMIO_GUARD_ENROLL:
		hyp_lock(&vm->lock);
		vm->mmio_enrolled = true;
		hyp_unlock(&vm->lock);
		ret[0] = SMCCC_SUCCESS;
		break;
	case HYP_GUEST_MMIO_GUARD_MAP:
		ret[0] = mmio_guard_map(h, vm, a1, true);
		break;
	case HYP_GUEST_MMIO_GUARD_UNMAP:
		ret[0] = mmio_guard_map(h, vm, a1, false);
		break;
	}
	return true;
}

/* Every guest call passes here, so that an observer (the executable spec) sees it and
 * the fault point hyp.guest_share is decided in one place. */
bool hyp_guest_call(struct hyp *h, struct hyp_vm *vm, struct hal_exit *x)
{
	const struct hyp_observer *obs = h->obs;
	/* Decided before the observer looks (hyp.h): a failed share changes nothing. */
	bool fail = hyp_fault_guest_call_begin(vm, x->hypercall.func_id);
	bool handled = true;

	if (obs)
		obs->guest_call_before(h->obs_ctx, vm->handle, x->hypercall.args);
	if (fail)
		x->hypercall.ret[0] = SMCCC_INVALID_PARAMETER;
	else
		handled = guest_call(h, vm, x);
	if (obs)
		obs->guest_call_after(h->obs_ctx, vm->handle, x->hypercall.args, handled,
				      x->hypercall.ret);
	hyp_fault_guest_call_end();
	return handled;
}
