// SPDX-License-Identifier: MIT
/*
 * Loading, putting and running vCPUs. A vCPU is loaded on the calling thread (pKVM loads
 * it on the physical CPU); VCPU_RUN runs the loaded one on the HAL, handles at once what
 * the hyp owns (pKVM guest hypercalls, MMIO outside the MMIO guard, faults of protected
 * guests) and returns every other exit to the host through the shared run page.
 *
 * The guest runs with no hyp lock held: run only counts itself in vm->nr_running, which
 * keeps teardown away.
 */
#include <string.h>

#include "stack/hyp/hyp_calls.h"

/* The vCPU loaded on this thread. */
static __thread struct {
	struct hyp *h;
	struct hyp_vm *vm;
	unsigned idx;
} loaded;

int hyp_vcpu_load(struct hyp *h, uint32_t handle, uint64_t idx)
{
	struct hyp_vm *vm;
	int err;

	if (loaded.h)
		return -EBUSY;
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
	if (vm->vcpus[idx].loaded || vm->state != HYP_VM_ACTIVE)
		goto unlock_vm;
	vm->vcpus[idx].loaded = true;
	loaded.h = h;
	loaded.vm = vm;
	loaded.idx = (unsigned)idx;
	err = 0;
unlock_vm:
	hyp_unlock(&vm->lock);
unlock:
	hyp_unlock(&h->lock);
	return err;
}

int hyp_vcpu_put(struct hyp *h)
{
	if (loaded.h != h)
		return -ENOENT;
	hyp_lock(&h->lock);
	hyp_lock(&loaded.vm->lock);
	loaded.vm->vcpus[loaded.idx].loaded = false;
	hyp_unlock(&loaded.vm->lock);
	hyp_unlock(&h->lock);
	memset(&loaded, 0, sizeof(loaded));
	return 0;
}

/* Copy the host's reply to the last forwarded exit into the HAL's exit record. */
static void take_reply(struct hyp_vcpu *v)
{
	struct hal_exit *x = hal_vcpu_exit(v->hv);
	const struct hyp_vcpu_run *r = v->run;

	if (!v->exit_pending_reply)
		return;
	v->exit_pending_reply = false;
	if (x->kind == HAL_EXIT_MMIO && !x->mmio.is_write)
		x->mmio.data = r->mmio.data;
	else if (x->kind == HAL_EXIT_HYPERCALL)
		memcpy(x->hypercall.ret, r->hypercall.ret, sizeof(x->hypercall.ret));
}

/* Describe exit x in the run page. */
static void give_exit(struct hyp_vcpu *v, const struct hal_exit *x, uint32_t reason)
{
	struct hyp_vcpu_run *r = v->run;

	memset(r, 0, sizeof(*r));
	r->exit_reason = reason;
	switch (reason) {
	case HYP_EXIT_MMIO:
		r->mmio.ipa = x->mmio.ipa;
		r->mmio.data = x->mmio.is_write ? x->mmio.data : 0;
		r->mmio.size = x->mmio.size;
		r->mmio.is_write = x->mmio.is_write;
		break;
	case HYP_EXIT_SYSTEM_EVENT:
		r->system_event.type = x->system_event.type;
		r->system_event.vcpu = x->system_event.vcpu;
		break;
	case HYP_EXIT_HYPERCALL:
		memcpy(r->hypercall.args, x->hypercall.args, sizeof(r->hypercall.args));
		memcpy(r->hypercall.ret, x->hypercall.ret, sizeof(r->hypercall.ret));
		break;
	case HYP_EXIT_GUEST_FAULT:
		r->fault.ipa = x->s2.ipa;
		r->fault.is_write = x->s2.is_write;
		r->fault.is_fetch = x->s2.is_fetch;
		break;
	}
	v->exit_pending_reply = reason == HYP_EXIT_MMIO || reason == HYP_EXIT_HYPERCALL;
}

/*
 * Decide what to do with exit x: handle it here (return 0) or hand it to the host
 * (return the hyp_exit_reason).
 */
static uint32_t triage(struct hyp *h, struct hyp_vm *vm, struct hyp_vcpu *v, struct hal_exit *x)
{
	switch (x->kind) {
	case HAL_EXIT_HYPERCALL:
		return hyp_guest_call(h, vm, x) ? 0 : HYP_EXIT_HYPERCALL;
	case HAL_EXIT_MMIO:
		if (hyp_mmio_allowed(h, vm, x->mmio.ipa >> PAGE_SHIFT))
			return HYP_EXIT_MMIO;
		/* A protected guest touching MMIO it did not guard, or memory it does not
		 * own, gets an abort; the host learns nothing of it. */
		hal_vcpu_inject_abort(v->hv);
		return 0;
	case HAL_EXIT_S2_ABORT:
		if (vm->is_protected) {
			hal_vcpu_inject_abort(v->hv);
			return 0;
		}
		return HYP_EXIT_GUEST_FAULT;
	case HAL_EXIT_SYSTEM_EVENT:
		return HYP_EXIT_SYSTEM_EVENT;
	case HAL_EXIT_IDLE:
		return HYP_EXIT_IDLE;
	case HAL_EXIT_PREEMPTED:
		return HYP_EXIT_PREEMPTED;
	case HAL_EXIT_KICKED:
		return HYP_EXIT_KICKED;
	case HAL_EXIT_NONE:
	case HAL_EXIT_INTERNAL_ERROR:
		break;
	}
	return HYP_EXIT_INTERNAL_ERROR;
}

/* Exits the hyp may handle by itself in one VCPU_RUN before the host gets a turn. */
#define MAX_HANDLED_EXITS 4096

int hyp_vcpu_run(struct hyp *h, uint64_t budget)
{
	unsigned handled = 0;
	struct hyp_vm *vm = loaded.vm;
	struct hyp_vcpu *v;
	uint32_t reason = 0;
	int err = 0;

	if (loaded.h != h)
		return -ENOENT;
	hyp_lock(&h->lock);
	hyp_lock(&vm->lock);
	if (vm->state != HYP_VM_ACTIVE)
		err = -EBUSY;
	else
		vm->nr_running++;
	hyp_unlock(&vm->lock);
	hyp_unlock(&h->lock);
	if (err)
		return err;

	v = &vm->vcpus[loaded.idx];
	take_reply(v);
	if (hal_capability(h->m, HAL_CAP_BUDGET))
		hal_vcpu_set_budget(v->hv, budget);
	while (!reason) {
		if (handled++ == MAX_HANDLED_EXITS) {
			reason = HYP_EXIT_PREEMPTED;
			break;
		}
		err = hal_vcpu_run(v->hv);
		if (err) {
			reason = HYP_EXIT_INTERNAL_ERROR;
			break;
		}
		reason = triage(h, vm, v, hal_vcpu_exit(v->hv));
	}
	give_exit(v, hal_vcpu_exit(v->hv), reason);

	hyp_lock(&h->lock);
	hyp_lock(&vm->lock);
	vm->nr_running--;
	hyp_unlock(&vm->lock);
	hyp_unlock(&h->lock);
	return err;
}

void hyp_vcpu_forget(struct hyp *h)
{
	/* Only this thread's record can be reached; another thread's dies with it. */
	if (loaded.h == h)
		memset(&loaded, 0, sizeof(loaded));
}

int hyp_test_guest_call(struct hyp *h, const uint64_t args[7], uint64_t ret[4])
{
	struct hyp_vm *vm = loaded.vm;
	struct hal_exit x = { .kind = HAL_EXIT_HYPERCALL };
	bool handled;
	int err = 0;

	if (loaded.h != h)
		return -ENOENT;
	/* Count as running, as VCPU_RUN does around its guest. */
	hyp_lock(&h->lock);
	hyp_lock(&vm->lock);
	if (vm->state != HYP_VM_ACTIVE)
		err = -EBUSY;
	else
		vm->nr_running++;
	hyp_unlock(&vm->lock);
	hyp_unlock(&h->lock);
	if (err)
		return err;

	/* What the HAL hands over for an HVC: x0..x6, and x0 NOT_SUPPORTED, x1..x3 kept
	 * until someone answers. */
	x.hypercall.conduit = HAL_CONDUIT_HVC;
	x.hypercall.func_id = (uint32_t)args[0];
	memcpy(x.hypercall.args, args, sizeof(x.hypercall.args));
	x.hypercall.ret[0] = (uint64_t)-1;
	memcpy(&x.hypercall.ret[1], &args[1], 3 * sizeof(uint64_t));
	handled = hyp_guest_call(h, vm, &x);
	memcpy(ret, x.hypercall.ret, sizeof(x.hypercall.ret));

	hyp_lock(&h->lock);
	hyp_lock(&vm->lock);
	vm->nr_running--;
	hyp_unlock(&vm->lock);
	hyp_unlock(&h->lock);
	return handled;
}
