// SPDX-License-Identifier: MIT
/*
 * The VM and vCPU table (pKVM's pkvm.c): creating VMs and vCPUs on the HAL, loading
 * and putting vCPUs, firmware loading for protected VMs, and teardown: start (no vCPU
 * runs any more), reclaim page by page (each page scrubbed before the host sees it),
 * finalize (stage-2 tables back to the pool).
 *
 * Every function here is a host call handler: it unpacks nothing (host_hcall.c does),
 * validates what the host gave it before taking locks, and leaves through one unlock path.
 */
#include <stdlib.h>
#include <string.h>

#include "stack/hyp/hyp_internal.h"
#include "stack/hyp/hyp_calls.h"

struct hyp_vm *hyp_vm_get(struct hyp *h, uint32_t handle)
{
	uint32_t slot = handle - HYP_HANDLE_OFFSET;

	hyp_assert_lock_held(&h->lock);
	if (handle < HYP_HANDLE_OFFSET || slot >= HYP_MAX_VMS)
		return NULL;
	return h->vms[slot];
}

int hyp_init_vm(struct hyp *h, uint64_t flags, uint64_t nr_vcpus, uint64_t ipa_bits,
		uint64_t gicd, uint64_t gicr, uint64_t nr_spis, uint32_t *handle)
{
	struct hal_vm_config cfg;
	struct hyp_vm *vm;
	int slot, err;

	/* Everything the HAL would refuse too (docs/HAL.md: SPIs 32..960 by 32, GIC frames
	 * 64 KiB aligned), so that a malformed call is -EINVAL whatever the pool holds. */
	if (flags & ~(uint64_t)HYP_VM_PROTECTED || !nr_vcpus || nr_vcpus > HYP_MAX_VCPUS ||
	    nr_vcpus > (uint64_t)hal_capability(h->m, HAL_CAP_MAX_VCPUS) || ipa_bits < 32 ||
	    ipa_bits > 39 || nr_spis < 32 || nr_spis > 960 || nr_spis % 32 ||
	    gicd % 0x10000 || gicr % 0x10000)
		return -EINVAL;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	hyp_lock_init(&vm->lock);
	hyp_lock(&h->lock);
	for (slot = 0; slot < HYP_MAX_VMS && h->vms[slot]; slot++)
		;
	err = -ENOSPC;
	if (slot == HYP_MAX_VMS)
		goto err_unlock;
	err = hyp_s2_init(h, &vm->s2, (unsigned)ipa_bits);
	if (err)
		goto err_unlock;
	vm->handle = HYP_HANDLE_OFFSET + (uint32_t)slot;
	vm->vmid = (uint16_t)(slot + 1);
	vm->is_protected = flags & HYP_VM_PROTECTED;
	vm->nr_vcpus = (unsigned)nr_vcpus;
	vm->gicd_base = gicd;
	vm->gicr_base = gicr;
	vm->nr_spis = (unsigned)nr_spis;
	cfg = (struct hal_vm_config){
		.vmid = vm->vmid, .ipa_bits = (unsigned)ipa_bits, .gicd_base = gicd,
		.gicr_base = gicr, .nr_spis = (unsigned)nr_spis,
	};
	err = hal_vm_create(h->m, &cfg, &vm->hvm);
	if (err)
		goto err_free_s2;
	err = hal_vm_set_stage2(vm->hvm, hal_pa(vm->s2.root_pfn << PAGE_SHIFT), vm->s2.vtcr);
	if (err)
		goto err_destroy_vm;
	h->vms[slot] = vm;
	*handle = vm->handle;
	hyp_unlock(&h->lock);
	return 0;

err_destroy_vm:
	hal_vm_destroy(vm->hvm);
err_free_s2:
	hyp_s2_free(h, &vm->s2);
err_unlock:
	hyp_unlock(&h->lock);
	free(vm);
	return err;
}

int hyp_init_vcpu(struct hyp *h, uint32_t handle, uint64_t idx, uint64_t run_pfn,
		  uint64_t pc, uint64_t x0)
{
	struct hyp_vcpu *v;
	struct hyp_page *pg;
	struct hyp_vm *vm;
	int err;

	if (!hyp_pfn_valid(h, run_pfn))
		return -EINVAL;
	hyp_lock(&h->lock);
	vm = hyp_vm_get(h, handle);
	err = -ENOENT;
	if (!vm)
		goto unlock;
	hyp_lock(&vm->lock);
	err = -EINVAL;
	if (idx >= vm->nr_vcpus)
		goto unlock_vm;
	v = &vm->vcpus[idx];
	err = -EEXIST;
	if (v->initialized)
		goto unlock_vm;
	err = -EBUSY;
	if (vm->state != HYP_VM_ACTIVE)
		goto unlock_vm;
	/* The run page must be shared with the hyp, and not serve another vCPU. */
	pg = hyp_page_of(h, run_pfn);
	err = -EPERM;
	if (pg->host_state != HYP_PAGE_SHARED_OWNED || pg->owner != HYP_ID_HYP)
		goto unlock_vm;
	err = -EBUSY;
	if (pg->pinned)
		goto unlock_vm;
	err = hal_vcpu_create(vm->hvm, (unsigned)idx, idx == 0, &v->hv);
	if (err)
		goto unlock_vm;
	if (vm->is_protected && vm->firmware_loaded)
		pc = vm->firmware_gfn << PAGE_SHIFT;
	HYP_BUG_ON(hal_vcpu_set_reg(v->hv, HAL_REG_PC, pc) ||
		   hal_vcpu_set_reg(v->hv, HAL_REG_X0, x0));
	pg->pinned = 1;
	v->run_pfn = run_pfn;
	v->run = hyp_page_ptr(h, run_pfn, true);
	memset(v->run, 0, sizeof(*v->run));
	v->initialized = true;
	/* The last vCPU completes the VM (KVM initialises its vGIC at this point). */
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (!vm->vcpus[i].initialized)
			goto unlock_vm;
	err = hal_vm_finalize(vm->hvm);
unlock_vm:
	hyp_unlock(&vm->lock);
unlock:
	hyp_unlock(&h->lock);
	return err;
}

int hyp_load_firmware(struct hyp *h, uint32_t handle, uint64_t gfn, uint64_t nr_pages)
{
	struct hyp_vm *vm;
	int err;

	if (!h->pvmfw || nr_pages > (1ull << 20) || nr_pages * PAGE_SIZE < h->pvmfw_size)
		return -EINVAL;
	hyp_lock(&h->lock);
	vm = hyp_vm_get(h, handle);
	err = -ENOENT;
	if (!vm)
		goto unlock;
	/* The range must lie in the IPA space (docs/HYP.md: a gfn outside it is -EINVAL). */
	err = -EINVAL;
	if (!hyp_s2_gfn_valid(&vm->s2, gfn) ||
	    nr_pages > (1ull << (vm->s2.ipa_bits - PAGE_SHIFT)) - gfn)
		goto unlock;
	hyp_lock(&vm->lock);
	err = -EPERM;
	if (!vm->is_protected || vm->firmware_loaded)
		goto unlock_vm;
	err = -EBUSY;
	if (vm->state != HYP_VM_ACTIVE)
		goto unlock_vm;
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].initialized)
			goto unlock_vm;
	/* Every page must be the guest's alone: then the host cannot have touched it. */
	for (uint64_t i = 0; i < nr_pages; i++) {
		uint64_t desc = hyp_s2_get(h, &vm->s2, gfn + i);

		err = -EPERM;
		if (!(desc & S2_VALID) || (desc & S2_SW_STATE_MASK) >> S2_SW_STATE_SHIFT !=
		    HYP_PAGE_OWNED)
			goto unlock_vm;
	}
	for (uint64_t i = 0; i < nr_pages; i++) {
		uint64_t pfn = (hyp_s2_get(h, &vm->s2, gfn + i) & S2_OA_MASK) >> PAGE_SHIFT;
		uint8_t *dst = hyp_page_ptr(h, pfn, true);
		uint64_t off = i * PAGE_SIZE;
		uint64_t n = off < h->pvmfw_size ? h->pvmfw_size - off : 0;

		if (n > PAGE_SIZE)
			n = PAGE_SIZE;
		memset(dst, 0, PAGE_SIZE);
		memcpy(dst, (const uint8_t *)h->pvmfw + off, n);
	}
	vm->firmware_loaded = true;
	vm->firmware_gfn = gfn;
	err = 0;
unlock_vm:
	hyp_unlock(&vm->lock);
unlock:
	hyp_unlock(&h->lock);
	return err;
}

int hyp_start_teardown(struct hyp *h, uint32_t handle)
{
	struct hyp_vm *vm;
	int err;

	hyp_lock(&h->lock);
	vm = hyp_vm_get(h, handle);
	err = -ENOENT;
	if (!vm)
		goto unlock;
	hyp_lock(&vm->lock);
	err = -EBUSY;
	if (vm->state != HYP_VM_ACTIVE || vm->nr_running)
		goto unlock_vm;
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].loaded)
			goto unlock_vm;
	vm->state = HYP_VM_DYING;
	/* Run pages go back to being plain shared pages the host may unshare. */
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].initialized)
			hyp_page_of(h, vm->vcpus[i].run_pfn)->pinned = 0;
	err = 0;
unlock_vm:
	hyp_unlock(&vm->lock);
unlock:
	hyp_unlock(&h->lock);
	return err;
}

int hyp_reclaim_page(struct hyp *h, uint64_t pfn)
{
	static const enum hyp_transition_id by_host_state[] = {
		[HYP_PAGE_NOPAGE] = T_HOST_RECLAIM_OWNED,
		[HYP_PAGE_SHARED_BORROWED] = T_HOST_RECLAIM_SHARED,
		[HYP_PAGE_SHARED_OWNED] = T_HOST_RECLAIM_LENT,
	};
	struct hyp_page *pg;
	struct hyp_vm *vm;
	int err;

	if (!hyp_pfn_valid(h, pfn))
		return -EINVAL;
	hyp_lock(&h->lock);
	pg = hyp_page_of(h, pfn);
	err = -EPERM;
	if (pg->host_state == HYP_PAGE_OWNED)
		goto unlock;
	vm = hyp_vm_get(h, pg->owner);
	err = -EPERM;
	if (!vm)	/* owned by the hyp, or shared with it */
		goto unlock;
	hyp_lock(&vm->lock);
	err = hyp_transition(h, by_host_state[pg->host_state], pfn, vm, pg->gfn);
	hyp_unlock(&vm->lock);
unlock:
	hyp_unlock(&h->lock);
	return err;
}

int hyp_finalize_teardown(struct hyp *h, uint32_t handle)
{
	struct hyp_vm *vm;
	int err;

	hyp_lock(&h->lock);
	vm = hyp_vm_get(h, handle);
	err = -ENOENT;
	if (!vm)
		goto unlock;
	err = -EBUSY;
	if (vm->state != HYP_VM_DYING || vm->nr_guest_pages)
		goto unlock;
	hal_vm_destroy(vm->hvm);
	hyp_s2_free(h, &vm->s2);
	h->vms[handle - HYP_HANDLE_OFFSET] = NULL;
	free(vm);
	err = 0;
unlock:
	hyp_unlock(&h->lock);
	return err;
}
