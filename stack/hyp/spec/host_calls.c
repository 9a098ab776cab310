// SPDX-License-Identifier: MIT
/*
 * The host calls, one function each: from the arguments and the model's pre-state,
 * decide the result and, on success, move the model to the post-state. Written from
 * docs/HYP.md (the transition table, the error vocabulary, teardown) and hyp.h.
 *
 * Where the documents leave the order of checks open, the rule is the one pKVM follows:
 * arguments that need no state (a pfn outside memory, an image that cannot fit) first,
 * then the VM (-ENOENT), then arguments that need the VM (a gfn outside its IPA space
 * or on its GIC frames), then the kind of VM (-EPERM), its life cycle (-EBUSY), a
 * pinned page (-EBUSY), every party's page state (-EPERM), and last the pool
 * (-ENOMEM). Two calls differ, each said where it is: UNSHARE_GUEST of a gfn with no
 * mapping is -EPERM before anything about the VM, and INIT_VCPU of an initialised vCPU
 * is -EEXIST even when the VM is dying. A call that fails changes no page state; only
 * -ENOMEM may leave a table behind (out_of_tables()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "stack/hyp/spec/spec_internal.h"

#define O	HYP_PAGE_OWNED
#define SO	HYP_PAGE_SHARED_OWNED
#define SB	HYP_PAGE_SHARED_BORROWED
#define NP	HYP_PAGE_NOPAGE

typedef void (*spec_host_fn)(struct hyp_spec *s, const uint64_t *x, struct spec_expect *e);

#define HOST_CALL(name) \
	static void host_##name(struct hyp_spec *s, const uint64_t *x, struct spec_expect *e)

/* The page exactly as the host owns it alone: the start of every host-initiated row. */
static bool host_owns_alone(const struct spec_page *p)
{
	return p->host == O && p->hyp == NP && p->peer == HYP_ID_HOST;
}

/* The page the host shares with the hyp (host_share_hyp's after state). */
static bool shared_with_hyp(const struct spec_page *p)
{
	return p->host == SO && p->hyp == SB && p->peer == HYP_ID_HYP;
}

static void give_back_to_host(struct spec_page *p)
{
	p->host = O;
	p->hyp = NP;
	p->guest = NP;
	p->peer = HYP_ID_HOST;
	p->gfn = 0;
	p->pinned = false;
}

static void model_oom(void)
{
	fprintf(stderr, "hyp spec: out of memory in the model\n");
	abort();
}

HOST_CALL(share_hyp)
{
	uint64_t pfn = x[1];
	struct spec_page *p;

	if (!spec_pfn_valid(s, pfn)) {
		e->rc = -EINVAL;
		return;
	}
	p = spec_page(s, pfn);
	if (p->pinned) {
		e->rc = -EBUSY;		/* a run page in use: it stays as it is */
		return;
	}
	if (!host_owns_alone(p)) {
		e->rc = -EPERM;
		return;
	}
	p->host = SO;
	p->hyp = SB;
	p->peer = HYP_ID_HYP;
}

HOST_CALL(unshare_hyp)
{
	uint64_t pfn = x[1];
	struct spec_page *p;

	if (!spec_pfn_valid(s, pfn)) {
		e->rc = -EINVAL;
		return;
	}
	p = spec_page(s, pfn);
	if (!shared_with_hyp(p))
		e->rc = -EPERM;
	else if (p->pinned)
		e->rc = -EBUSY;
	else
		give_back_to_host(p);
}

static bool init_vm_args_valid(const struct hyp_spec *s, const uint64_t *x)
{
	uint64_t flags = x[1], nr_vcpus = x[2], ipa_bits = x[3], gicd = x[4], gicr = x[5];
	uint64_t nr_spis = x[6];

	return !(flags & ~(uint64_t)HYP_VM_PROTECTED) && nr_vcpus >= 1 &&
	       nr_vcpus <= s->max_vcpus && ipa_bits >= SPEC_IPA_BITS_MIN &&
	       ipa_bits <= SPEC_IPA_BITS_MAX &&
	       /* what the GIC accepts (docs/HAL.md): SPIs 32..960 by 32, frames aligned */
	       nr_spis >= 32 && nr_spis <= 960 && nr_spis % 32 == 0 &&
	       gicd % SPEC_GIC_ALIGN == 0 && gicr % SPEC_GIC_ALIGN == 0;
}

HOST_CALL(init_vm)
{
	struct spec_vm *vm = NULL;

	e->has_out2 = true;
	e->out2 = 0;		/* no handle unless it worked */
	if (!init_vm_args_valid(s, x)) {
		e->rc = -EINVAL;
		return;
	}
	for (unsigned i = 0; i < SPEC_MAX_VMS && !vm; i++)
		if (!s->vms[i].live)
			vm = &s->vms[i];
	if (!vm) {
		e->rc = -ENOSPC;
		return;
	}
	if (s->pool_free < 1) {		/* the root table */
		e->rc = -ENOMEM;
		return;
	}
	s->pool_free--;
	vm->live = true;
	vm->handle = 0;		/* known once the call returns (spec_bind_handle) */
	vm->is_protected = x[1] & HYP_VM_PROTECTED;
	vm->nr_vcpus = (unsigned)x[2];
	vm->ipa_bits = (unsigned)x[3];
	vm->gicd = x[4];
	vm->gicr = x[5];
	vm->nr_spis = (unsigned)x[6];
	e->new_vm = (int)(vm - s->vms);
}

bool spec_bind_handle(struct hyp_spec *s, int slot, uint64_t handle)
{
	struct spec_vm *vm = &s->vms[slot];

	/* Any handle will do if it is a handle (>= 0x1000, 32 bits) and not in use. */
	if (handle < HYP_HANDLE_OFFSET || handle > UINT32_MAX ||
	    spec_vm_find(s, (uint32_t)handle)) {
		spec_vm_free(vm);
		s->pool_free++;
		return false;
	}
	vm->handle = (uint32_t)handle;
	return true;
}

HOST_CALL(init_vcpu)
{
	uint64_t idx = x[2], pfn = x[3];
	struct spec_vm *vm;
	struct spec_page *p;

	if (!spec_pfn_valid(s, pfn)) {
		e->rc = -EINVAL;
		return;
	}
	vm = spec_vm_find(s, (uint32_t)x[1]);
	if (!vm) {
		e->rc = -ENOENT;
		return;
	}
	p = spec_page(s, pfn);
	if (idx >= vm->nr_vcpus)
		e->rc = -EINVAL;
	else if (vm->initialized & 1ull << idx)
		e->rc = -EEXIST;
	else if (vm->dying)
		e->rc = -EBUSY;
	else if (!shared_with_hyp(p))
		e->rc = -EPERM;
	else if (p->pinned)	/* another vCPU's run page */
		e->rc = -EBUSY;
	if (e->rc)
		return;
	vm->initialized |= 1ull << idx;
	vm->run_pfn[idx] = pfn;
	p->pinned = true;
}

/*
 * The pool cannot supply every table gfn needs. Tables are made from the root down, and
 * one made before the pool ran dry stays (empty) in the VM's stage 2 until teardown,
 * like every table: the page states do not change, the pool may (docs/HYP.md says
 * only that preparing is the one step that may fail).
 */
static void out_of_tables(struct hyp_spec *s, struct spec_vm *vm, uint64_t gfn,
			  struct spec_expect *e)
{
	e->rc = -ENOMEM;
	if (s->pool_free && !spec_set_has(&vm->l2, gfn >> 18)) {
		if (spec_set_add(&vm->l2, gfn >> 18))
			model_oom();
		s->pool_free--;
	}
}

/*
 * The checks share and donate have in common. want_protected: the kind of VM the call
 * is for. Returns the VM, or NULL with e->rc set.
 */
static struct spec_vm *host_to_guest_checks(struct hyp_spec *s, const uint64_t *x,
					    bool want_protected, struct spec_expect *e)
{
	uint64_t pfn = x[1], gfn = x[3];
	struct spec_vm *vm;

	if (!spec_pfn_valid(s, pfn)) {
		e->rc = -EINVAL;
		return NULL;
	}
	vm = spec_vm_find(s, (uint32_t)x[2]);
	if (!vm)
		e->rc = -ENOENT;
	else if (!spec_gfn_valid(vm, gfn) || spec_gfn_is_gic(vm, gfn))
		e->rc = -EINVAL;
	else if (vm->is_protected != want_protected)
		e->rc = -EPERM;
	else if (vm->dying || spec_page(s, pfn)->pinned)
		e->rc = -EBUSY;
	else if (!host_owns_alone(spec_page(s, pfn)) || spec_guest_page(s, vm, gfn))
		e->rc = -EPERM;
	else if (spec_tables_needed(vm, gfn) > s->pool_free)
		out_of_tables(s, vm, gfn, e);
	else if (spec_tables_add(s, vm, gfn))
		model_oom();
	return e->rc ? NULL : vm;
}

HOST_CALL(share_guest)
{
	struct spec_vm *vm = host_to_guest_checks(s, x, false, e);
	struct spec_page *p;

	if (!vm)
		return;
	p = spec_page(s, x[1]);
	p->host = SO;
	p->guest = SB;
	p->peer = vm->handle;
	p->gfn = x[3];
}

HOST_CALL(donate_guest)
{
	struct spec_vm *vm = host_to_guest_checks(s, x, true, e);
	struct spec_page *p;

	if (!vm)
		return;
	p = spec_page(s, x[1]);
	p->host = NP;
	p->guest = O;
	p->peer = vm->handle;
	p->gfn = x[3];
}

HOST_CALL(unshare_guest)
{
	uint64_t gfn = x[2];
	struct spec_vm *vm = spec_vm_find(s, (uint32_t)x[1]);
	struct spec_page *p;

	if (!vm) {
		e->rc = -ENOENT;
		return;
	}
	p = spec_guest_page(s, vm, gfn);
	/* No mapping at gfn: nothing to unshare, whatever the VM (-EPERM first). */
	if (!spec_gfn_valid(vm, gfn))
		e->rc = -EINVAL;
	else if (!p)
		e->rc = -EPERM;
	else if (vm->is_protected)
		e->rc = -EPERM;
	else if (vm->dying)
		e->rc = -EBUSY;
	else if (p->guest != SB || p->host != SO)
		e->rc = -EPERM;
	else
		give_back_to_host(p);
}

HOST_CALL(vcpu_load)
{
	uint64_t idx = x[2];
	struct spec_vm *vm;
	struct spec_loaded *slot = NULL;

	if (spec_loaded_here(s)) {
		e->rc = -EBUSY;		/* one loaded vCPU per thread */
		return;
	}
	vm = spec_vm_find(s, (uint32_t)x[1]);
	if (!vm)
		e->rc = -ENOENT;
	else if (idx >= vm->nr_vcpus || !(vm->initialized & 1ull << idx))
		e->rc = -EINVAL;
	else if (vm->dying || vm->loaded & 1ull << idx)
		e->rc = -EBUSY;
	if (e->rc)
		return;
	for (unsigned i = 0; i < SPEC_MAX_THREADS && !slot; i++)
		if (!s->loaded[i].used)
			slot = &s->loaded[i];
	if (!slot) {
		fprintf(stderr, "hyp spec: more than %d threads with a loaded vCPU\n",
			SPEC_MAX_THREADS);
		abort();
	}
	*slot = (struct spec_loaded){ .used = true, .thread = pthread_self(),
				      .handle = vm->handle, .idx = (unsigned)idx };
	vm->loaded |= 1ull << idx;
}

HOST_CALL(vcpu_put)
{
	struct spec_loaded *l = spec_loaded_here(s);

	if (!l) {
		e->rc = -ENOENT;
		return;
	}
	spec_vm_find(s, l->handle)->loaded &= ~(1ull << l->idx);
	l->used = false;
}

HOST_CALL(vcpu_run)
{
	struct spec_loaded *l = spec_loaded_here(s);

	/* A loaded vCPU's VM cannot be dying (teardown waits for it). What the run does
	 * to the state, it does through guest calls, each checked on its own. */
	if (!l)
		e->rc = -ENOENT;
	else if (spec_vm_find(s, l->handle)->dying)
		e->rc = -EBUSY;
}

HOST_CALL(start_teardown)
{
	struct spec_vm *vm = spec_vm_find(s, (uint32_t)x[1]);

	if (!vm) {
		e->rc = -ENOENT;
		return;
	}
	if (vm->dying || vm->loaded) {
		e->rc = -EBUSY;
		return;
	}
	vm->dying = true;
	/* No vCPU will run again: its run page is an ordinary shared page now. */
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (vm->initialized & 1ull << i)
			spec_page(s, vm->run_pfn[i])->pinned = false;
}

HOST_CALL(reclaim_page)
{
	uint64_t pfn = x[1];
	struct spec_page *p;
	struct spec_vm *vm;

	if (!spec_pfn_valid(s, pfn)) {
		e->rc = -EINVAL;
		return;
	}
	p = spec_page(s, pfn);
	vm = p->peer >= HYP_HANDLE_OFFSET ? spec_vm_find(s, p->peer) : NULL;
	if (!vm) {
		e->rc = -EPERM;		/* no guest holds it: the host's, or the hyp's */
		return;
	}
	if (!vm->dying) {
		e->rc = -EBUSY;
		return;
	}
	/* host_reclaim_owned and host_reclaim_shared: the guest's data; scrubbed.
	 * host_reclaim_lent: the host's own page, which it never stopped seeing. */
	if (p->guest == O || p->guest == SO) {
		e->scrub = true;
		e->scrub_pfn = pfn;
	}
	give_back_to_host(p);
}

HOST_CALL(finalize_teardown)
{
	struct spec_vm *vm = spec_vm_find(s, (uint32_t)x[1]);

	if (!vm) {
		e->rc = -ENOENT;
		return;
	}
	if (!vm->dying) {
		e->rc = -EBUSY;
		return;
	}
	for (uint64_t i = 0; i < s->nr_pfns; i++) {
		if (s->pages[i].peer == vm->handle) {
			e->rc = -EBUSY;	/* the guest still holds a page */
			return;
		}
	}
	s->pool_free += spec_vm_nr_tables(vm);
	spec_vm_free(vm);
}

/*
 * The host names where the firmware goes; the hyp copies its own image there, then
 * zeroes the rest of the range, so nothing the host wrote before donating survives in
 * it. Once per VM, and before any vCPU is initialised: a guest's code, once it may
 * run, is not the host's to replace.
 */
HOST_CALL(load_firmware)
{
	uint64_t gfn = x[2], nr = x[3];
	struct spec_vm *vm;

	/* Checks of arguments alone come first: an image that does not fit, or none. */
	if (!s->pvmfw_size || nr > 1ull << 20 || nr * SPEC_PAGE_SIZE < s->pvmfw_size) {
		e->rc = -EINVAL;
		return;
	}
	vm = spec_vm_find(s, (uint32_t)x[1]);
	if (!vm)
		e->rc = -ENOENT;
	else if (!spec_gfn_valid(vm, gfn) || nr > (1ull << (vm->ipa_bits - 12)) - gfn)
		e->rc = -EINVAL;	/* outside the IPA space */
	else if (!vm->is_protected || vm->firmware_loaded)
		e->rc = -EPERM;		/* the wrong kind of VM, or not a VM without firmware */
	else if (vm->dying || vm->initialized)
		e->rc = -EBUSY;		/* dying, or a vCPU may already run (hyp.h) */
	if (e->rc)
		return;
	for (uint64_t i = 0; i < nr; i++) {
		struct spec_page *p = spec_guest_page(s, vm, gfn + i);

		if (!p || p->guest != O) {	/* donated, and not shared back */
			e->rc = -EPERM;
			return;
		}
	}
	vm->firmware_loaded = true;
	e->firmware = true;
	e->fw_vm = vm->handle;
	e->fw_gfn = gfn;
	e->fw_nr = nr;
}

HOST_CALL(pool_info)
{
	e->has_out2 = true;
	e->out2 = s->pool_free;
}

static uint64_t all_vcpus(const struct spec_vm *vm)
{
	return vm->nr_vcpus == 64 ? ~0ull : (1ull << vm->nr_vcpus) - 1;
}

/*
 * A level on one of the VM's SPIs. The lines are the GIC's state, not the hyp's: the
 * model only predicts the answer. Order: what needs no VM (level, an INTID below the
 * SPIs), the VM, the SPI range of that VM, its life cycle.
 */
HOST_CALL(set_irq)
{
	uint64_t intid = x[2], level = x[3];
	struct spec_vm *vm;

	if (level > 1 || intid < 32) {
		e->rc = -EINVAL;
		return;
	}
	vm = spec_vm_find(s, (uint32_t)x[1]);
	if (!vm)
		e->rc = -ENOENT;
	else if (intid - 32 >= vm->nr_spis)
		e->rc = -EINVAL;
	else if (vm->dying || vm->initialized != all_vcpus(vm))
		e->rc = -EBUSY;		/* no GIC before the last vCPU (hyp.h) */
}

/* A kick: nothing changes that the model holds; the run it ends says so itself. */
HOST_CALL(vcpu_kick)
{
	uint64_t idx = x[2];
	struct spec_vm *vm = spec_vm_find(s, (uint32_t)x[1]);

	if (!vm)
		e->rc = -ENOENT;
	else if (idx >= vm->nr_vcpus || !(vm->initialized & 1ull << idx))
		e->rc = -EINVAL;
	else if (vm->dying)
		e->rc = -EBUSY;
}

#define ENTRY(fn, name) [(fn) - HYP_HOST_FN(0)] = { host_##name, #fn }

static const struct {
	spec_host_fn fn;
	const char *name;
} host_calls[HYP_HOST_NR_FNS] = {
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

static int host_call_index(uint64_t fn)
{
	if (fn < HYP_HOST_FN(0) || fn >= HYP_HOST_FN(HYP_HOST_NR_FNS))
		return -1;
	return host_calls[fn - HYP_HOST_FN(0)].fn ? (int)(fn - HYP_HOST_FN(0)) : -1;
}

const char *spec_host_fn_name(uint64_t fn)
{
	int i = host_call_index(fn);

	return i < 0 ? "(unknown host call)" : host_calls[i].name;
}

/*
 * With injected failures (hyp.h): a host call failed at entry changes nothing and
 * answers -ENOMEM; under hyp.pool_oom the call is predicted with an empty pool, and
 * what it gives back to the pool (none of the affected calls does) is kept.
 */
void spec_host_call(struct hyp_spec *s, const struct hyp_regs *in, struct spec_expect *e)
{
	int i = host_call_index(in->x[0]);
	struct hyp_injected inj;
	uint64_t pool_free = s->pool_free;

	*e = (struct spec_expect){ .new_vm = -1 };
	if (i < 0)
		return;		/* NOT_SUPPORTED, nothing changes */
	e->supported = true;
	hyp_injected_faults(&inj);
	if (inj.host_call_fails) {
		e->rc = -ENOMEM;
		return;
	}
	if (inj.pool_empty)
		s->pool_free = 0;
	host_calls[i].fn(s, in->x, e);
	if (inj.pool_empty)
		s->pool_free += pool_free;
}
