// SPDX-License-Identifier: MIT
/*
 * The host's two calls that reach into a running VM without touching memory ownership:
 * SET_IRQ drives one of the VM's SPI lines on its GIC (the host's devices signal their
 * guest with it), VCPU_KICK makes a vCPU's run return (the host stops a vCPU blocked in
 * the guest with it). Both may come from any thread while the VM's vCPUs run: they take
 * the locks only to find the VM and call the HAL, whose set_irq and kick are made for
 * that (docs/HAL.md), and never wait for a run.
 */
#include "stack/hyp/hyp_calls.h"

#define SPI_BASE 32u

static bool all_vcpus_initialized(const struct hyp_vm *vm)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (!vm->vcpus[i].initialized)
			return false;
	return true;
}

int hyp_set_irq(struct hyp *h, uint32_t handle, uint64_t intid, uint64_t level)
{
	struct hyp_vm *vm;
	int err;

	/* What needs no VM first: a level is 0 or 1, and SGIs/PPIs are never the host's. */
	if (level > 1 || intid < SPI_BASE)
		return -EINVAL;
	hyp_lock(&h->lock);
	vm = hyp_vm_get(h, handle);
	err = -ENOENT;
	if (!vm)
		goto unlock;
	hyp_lock(&vm->lock);
	err = -EINVAL;
	if (intid - SPI_BASE >= vm->nr_spis)
		goto unlock_vm;
	/* The GIC is complete once every vCPU is initialised (KVM creates its vGIC when
	 * the last one is): before that, and once dying, there is no line to drive. */
	err = -EBUSY;
	if (vm->state != HYP_VM_ACTIVE || !all_vcpus_initialized(vm))
		goto unlock_vm;
	/* The HAL refuses only what was checked above, unless completing the VM failed. */
	err = hal_vm_set_irq(vm->hvm, (unsigned)intid, level);
unlock_vm:
	hyp_unlock(&vm->lock);
unlock:
	hyp_unlock(&h->lock);
	return err;
}

int hyp_vcpu_kick(struct hyp *h, uint32_t handle, uint64_t idx)
{
	struct hyp_vm *vm;
	int err;

	hyp_lock(&h->lock);
	vm = hyp_vm_get(h, handle);
	err = -ENOENT;
	if (!vm)
		goto unlock;
	hyp_lock(&vm->lock);
	err = -EINVAL;
	if (idx >= vm->nr_vcpus || !vm->vcpus[idx].initialized)
		goto unlock_vm;
	err = -EBUSY;
	if (vm->state != HYP_VM_ACTIVE)
		goto unlock_vm;
	/* Any thread, any time (hal.h): the running thread holds no hyp lock meanwhile. */
	hal_vcpu_kick(vm->vcpus[idx].hv);
	err = 0;
unlock_vm:
	hyp_unlock(&vm->lock);
unlock:
	hyp_unlock(&h->lock);
	return err;
}
