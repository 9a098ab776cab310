// SPDX-License-Identifier: MIT
/*
 * The host's hypercall dispatcher (pKVM's hyp-main.c): one handler per function id,
 * found by table. Each handler only unpacks registers. Unknown ids get
 * NOT_SUPPORTED in x0; known ones SUCCESS in x0 and their result in x1. The fault
 * point hyp.host_call is decided here, at the top, for known ids (hyp.h).
 */
#include "stack/hyp/hyp_calls.h"

typedef int64_t (*host_handler)(struct hyp *h, struct hyp_regs *r);

#define HANDLER(name) static int64_t handle_##name(struct hyp *h, struct hyp_regs *r)

HANDLER(share_hyp) { return hyp_host_share_hyp(h, r->x[1]); }
HANDLER(unshare_hyp) { return hyp_host_unshare_hyp(h, r->x[1]); }
HANDLER(share_guest) { return hyp_host_share_guest(h, r->x[1], (uint32_t)r->x[2], r->x[3]); }
HANDLER(unshare_guest) { return hyp_host_unshare_guest(h, (uint32_t)r->x[1], r->x[2]); }
HANDLER(donate_guest) { return hyp_host_donate_guest(h, r->x[1], (uint32_t)r->x[2], r->x[3]); }
HANDLER(vcpu_load) { return hyp_vcpu_load(h, (uint32_t)r->x[1], r->x[2]); }
HANDLER(vcpu_put) { return hyp_vcpu_put(h); }
HANDLER(vcpu_run) { return hyp_vcpu_run(h, r->x[1]); }
HANDLER(start_teardown) { return hyp_start_teardown(h, (uint32_t)r->x[1]); }
HANDLER(reclaim_page) { return hyp_reclaim_page(h, r->x[1]); }
HANDLER(finalize_teardown) { return hyp_finalize_teardown(h, (uint32_t)r->x[1]); }
HANDLER(set_irq) { return hyp_set_irq(h, (uint32_t)r->x[1], r->x[2], r->x[3]); }
HANDLER(vcpu_kick) { return hyp_vcpu_kick(h, (uint32_t)r->x[1], r->x[2]); }
HANDLER(load_firmware) { return hyp_load_firmware(h, (uint32_t)r->x[1], r->x[2], r->x[3]); }
HANDLER(init_vcpu)
{
	return hyp_init_vcpu(h, (uint32_t)r->x[1], r->x[2], r->x[3], r->x[4], r->x[5]);
}

HANDLER(init_vm)
{
	uint32_t handle = 0;
	int err = hyp_init_vm(h, r->x[1], r->x[2], r->x[3], r->x[4], r->x[5], r->x[6], &handle);

	r->x[2] = handle;
	return err;
}

HANDLER(pool_info)
{
	hyp_lock(&h->lock);
	r->x[2] = h->pool.nr_free;
	hyp_unlock(&h->lock);
	return 0;
}

#define ENTRY(fn, name) [(fn) - HYP_HOST_FN(0)] = handle_##name

static const host_handler host_hcall[HYP_HOST_NR_FNS] = {
	ENTRY(HYP_HOST_SHARE_HYP, share_hyp),
	ENTRY(HYP_HOST_UNSHARE_HYP, unshare_hyp),
	ENTRY(HYP_HOST_INIT_VM, init_vm),
	ENTRY(HYP_HOST_INIT_VCPU, init_vcpu),
	ENTRY(HYP_HOST_SHARE_GUEST, share_guest),
	ENTRY(HYP_HOST_UNSHARE_GUEST, unshare_guest),
	ENTRY(HYP_HOST_DONATE_GUEST, donate_guest),
	ENTRY(HYP_HOST_VCPU_LOAD, vcpu_load),
	ENTRY(HYP_HOST_VCPU_PUT, vcpu_put),
	ENTRY(HYP_HOST_VCPU_RUN, vcpu_run),
	ENTRY(HYP_HOST_START_TEARDOWN, start_teardown),
	ENTRY(HYP_HOST_RECLAIM_PAGE, reclaim_page),
	ENTRY(HYP_HOST_FINALIZE_TEARDOWN, finalize_teardown),
	ENTRY(HYP_HOST_LOAD_FIRMWARE, load_firmware),
	ENTRY(HYP_HOST_POOL_INFO, pool_info),
	ENTRY(HYP_HOST_SET_IRQ, set_irq),
	ENTRY(HYP_HOST_VCPU_KICK, vcpu_kick),
};

/* The handler of fn, or NULL: an id outside the table or a hole in it. */
static host_handler handler_of(uint64_t fn)
{
	if (fn < HYP_HOST_FN(0) || fn >= HYP_HOST_FN(HYP_HOST_NR_FNS))
		return NULL;
	return host_hcall[fn - HYP_HOST_FN(0)];
}

void hyp_host_call(struct hyp *h, struct hyp_regs *r)
{
	/* The observer (the executable spec) is read once: it is installed before calls. */
	const struct hyp_observer *obs = h->obs;
	host_handler handler = handler_of(r->x[0]);
	/* Injected failures are decided before the observer looks (hyp.h), and only for
	 * calls that exist: an unknown id stays NOT_SUPPORTED. */
	bool fail = handler && hyp_fault_host_call_begin(r->x[0]);

	if (obs)
		obs->host_call_before(h->obs_ctx, r);
	if (!handler) {
		r->x[0] = HYP_SMCCC_NOT_SUPPORTED;
	} else {
		r->x[1] = fail ? (uint64_t)-ENOMEM : (uint64_t)handler(h, r);
		r->x[0] = HYP_SMCCC_SUCCESS;
	}
	if (obs)
		obs->host_call_after(h->obs_ctx, r);
	hyp_fault_host_call_end();
}

int64_t hyp_call(struct hyp *h, uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3,
		 uint64_t a4, uint64_t a5, uint64_t a6, uint64_t *out2)
{
	struct hyp_regs r = { .x = { fn, a1, a2, a3, a4, a5, a6 } };

	hyp_host_call(h, &r);
	if (r.x[0] != HYP_SMCCC_SUCCESS)
		return -ENOSYS;
	if (out2)
		*out2 = r.x[2];
	return (int64_t)r.x[1];
}
