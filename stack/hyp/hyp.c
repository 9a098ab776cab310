// SPDX-License-Identifier: MIT
/*
 * Bringing the hyp up and down, and reading its state back for the executable
 * specification and tests.
 */
#include <stdlib.h>
#include <string.h>

#include "stack/hyp/hyp_calls.h"

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
