// SPDX-License-Identifier: MIT
/*
 * Bringing the hyp up and down, and reading its state back for the executable
 * specification and tests.
 */
#include <stdlib.h>
#include <string.h>

#include "stack/hyp/hyp_calls.h"

/* hyp_set_spec_installer(): process-wide, set before the first hyp_init(). */
static hyp_spec_installer spec_installer;

void hyp_set_spec_installer(hyp_spec_installer fn)
{
	spec_installer = fn;
}

int hyp_set_observer(struct hyp *h, const struct hyp_observer *ops, void *ctx)
{
	if (ops && (!ops->host_call_before || !ops->host_call_after ||
		    !ops->guest_call_before || !ops->guest_call_after || !ops->detach))
		return -EINVAL;
	h->obs = ops;
	h->obs_ctx = ops ? ctx : NULL;
	return 0;
}

void *hyp_observer_ctx(const struct hyp *h, const struct hyp_observer *ops)
{
	return ops && h->obs == ops ? h->obs_ctx : NULL;
}

int hyp_init(struct hal_machine *m, const struct hyp_config *cfg, struct hyp **out)
{
	struct hyp *h;
	uint64_t pool_pfn = cfg->pool_base.pa >> PAGE_SHIFT;
	int err;

	*out = NULL;
	if (cfg->pool_base.pa % PAGE_SIZE || !cfg->pool_pages ||
	    !hal_phys_ptr(m, cfg->pool_base, cfg->pool_pages * PAGE_SIZE, false))
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->m = m;
	{
		hal_pa_t base;
		uint64_t size;

		hal_machine_memory(m, &base, &size);
		h->base_pfn = base.pa >> PAGE_SHIFT;
		h->nr_pfns = size >> PAGE_SHIFT;
	}
	err = -ENOMEM;
	h->pages = calloc(h->nr_pfns, sizeof(*h->pages));
	if (!h->pages)
		goto err_free;
	hyp_lock_init(&h->lock);
	if (cfg->pvmfw_size) {
		h->pvmfw = malloc(cfg->pvmfw_size);
		if (!h->pvmfw)
			goto err_free;
		memcpy(h->pvmfw, cfg->pvmfw, cfg->pvmfw_size);
		h->pvmfw_size = cfg->pvmfw_size;
	}
	err = hyp_pool_init(h, pool_pfn, cfg->pool_pages);
	if (err)
		goto err_free;
	/* The pool becomes the hyp's: the host loses it for good. */
	hyp_lock(&h->lock);
	for (uint64_t i = 0; i < cfg->pool_pages && !err; i++)
		err = hyp_transition(h, T_HOST_DONATE_HYP, pool_pfn + i, NULL, 0);
	hyp_unlock(&h->lock);
	if (err)
		goto err_pool;
	h->check_spec = cfg->check_spec;
	if (cfg->check_spec) {
		/* Checking was asked for: without a specification, refuse to run unchecked. */
		err = spec_installer ? spec_installer(h, cfg) : -ENOSYS;
		if (err) {
			hyp_destroy(h);
			return err;
		}
	}
	*out = h;
	return 0;

err_pool:
	hyp_pool_fini(h);
err_free:
	free(h->pvmfw);
	free(h->pages);
	free(h);
	return err;
}

void hyp_destroy(struct hyp *h)
{
	if (!h)
		return;
	if (h->obs)
		h->obs->detach(h->obs_ctx);
	hyp_vcpu_forget(h);
	for (unsigned i = 0; i < HYP_MAX_VMS; i++) {
		if (h->vms[i]) {
			hal_vm_destroy(h->vms[i]->hvm);
			free(h->vms[i]);
		}
	}
	hyp_pool_fini(h);
	free(h->pvmfw);
	free(h->pages);
	free(h);
}

struct hal_machine *hyp_machine(const struct hyp *h)
{
	return h->m;
}

int hyp_query_page(struct hyp *h, uint64_t pfn, enum hyp_page_state *host,
		   enum hyp_page_state *hypst, uint32_t *owner)
{
	const struct hyp_page *pg;

	if (!hyp_pfn_valid(h, pfn))
		return -EINVAL;
	hyp_lock(&h->lock);
	pg = hyp_page_of(h, pfn);
	*host = (enum hyp_page_state)pg->host_state;
	*hypst = (enum hyp_page_state)(pg->hyp_state_x ^ HYP_PAGE_NOPAGE);
	*owner = pg->owner;
	hyp_unlock(&h->lock);
	return 0;
}

int hyp_query_guest(struct hyp *h, uint32_t handle, uint64_t gfn, enum hyp_page_state *st,
		    uint64_t *pfn)
{
	struct hyp_vm *vm;
	uint64_t desc;

	hyp_lock(&h->lock);
	vm = hyp_vm_get(h, handle);
	if (!vm) {
		hyp_unlock(&h->lock);
		return -ENOENT;
	}
	hyp_lock(&vm->lock);
	desc = hyp_s2_get(h, &vm->s2, gfn);
	hyp_unlock(&vm->lock);
	hyp_unlock(&h->lock);
	if (!(desc & S2_VALID)) {
		*st = HYP_PAGE_NOPAGE;
		*pfn = 0;
		return 0;
	}
	*st = (enum hyp_page_state)((desc & S2_SW_STATE_MASK) >> S2_SW_STATE_SHIFT);
	*pfn = (desc & S2_OA_MASK) >> PAGE_SHIFT;
	return 0;
}

int hyp_query_vm(struct hyp *h, uint32_t handle, struct hyp_vm_info *out)
{
	struct hyp_vm *vm;

	memset(out, 0, sizeof(*out));
	hyp_lock(&h->lock);
	vm = hyp_vm_get(h, handle);
	if (!vm) {
		hyp_unlock(&h->lock);
		return -ENOENT;
	}
	hyp_lock(&vm->lock);
	out->handle = vm->handle;
	out->is_protected = vm->is_protected;
	out->dying = vm->state == HYP_VM_DYING;
	out->s2_root = hal_pa(vm->s2.root_pfn << PAGE_SHIFT);
	out->vtcr = vm->s2.vtcr;
	out->nr_vcpus = vm->nr_vcpus;
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		out->vcpus_initialized |= (uint64_t)vm->vcpus[i].initialized << i;
		out->vcpus_loaded |= (uint64_t)vm->vcpus[i].loaded << i;
	}
	out->mmio_guard_enrolled = vm->mmio_enrolled;
	out->nr_mmio_guard = vm->nr_mmio_guard;
	out->firmware_loaded = vm->firmware_loaded;
	out->nr_spis = vm->nr_spis;
	hyp_unlock(&vm->lock);
	hyp_unlock(&h->lock);
	return 0;
}

unsigned hyp_query_vms(struct hyp *h, uint32_t *handles, unsigned max)
{
	unsigned n = 0;

	hyp_lock(&h->lock);
	for (unsigned i = 0; i < HYP_MAX_VMS; i++) {
		if (!h->vms[i])
			continue;
		if (n < max)
			handles[n] = h->vms[i]->handle;
		n++;
	}
	hyp_unlock(&h->lock);
	return n;
}
