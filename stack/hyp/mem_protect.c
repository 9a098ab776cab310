// SPDX-License-Identifier: MIT
/*
 * Memory ownership: every change of who owns or shares a page is one row of the table
 * below. A row names the initiator and the completer, the state each must be in before,
 * and the state each is in after. hyp_transition() checks every party, prepares what the
 * change needs (stage-2 tables), and only then applies it; the apply steps cannot fail.
 *
 * Where a page's state lives (all-zero = initial state everywhere):
 *   host   struct hyp_page.host_state (+ owner/gfn), mirrored into the HAL host view
 *   hyp    struct hyp_page.hyp_state_x (stored XOR NOPAGE)
 *   guest  the software bits 56:55 of its stage-2 leaf descriptor; unmapped = NOPAGE
 *
 * Lock order: h->lock, then vm->lock (see hyp_internal.h).
 *
 * Errors: -EINVAL bad pfn/gfn, -EPERM a party in the wrong state (or the VM of the wrong
 * kind for the operation), -EBUSY a pinned page or a VM in the wrong life-cycle state,
 * -ENOMEM the pool cannot supply a table.
 */
#include <string.h>

#include "stack/hyp/hyp_internal.h"

enum party { P_NONE, P_HOST, P_HYP, P_GUEST };
enum vm_need { VM_ANY, VM_ACTIVE_PROTECTED, VM_ACTIVE_NORMAL, VM_ACTIVE, VM_DYING };

#define O HYP_PAGE_OWNED
#define SO HYP_PAGE_SHARED_OWNED
#define SB HYP_PAGE_SHARED_BORROWED
#define NP HYP_PAGE_NOPAGE

struct transition {
	const char *name;
	enum party initiator, completer;
	enum hyp_page_state init_before, comp_before, init_after, comp_after;
	enum vm_need vm;
	bool scrub;		/* zero the page before the host sees it again */
};

/*
 *                                   initiator   completer   before      after
 */
static const struct transition table[T_NR_TRANSITIONS] = {
	[T_HOST_SHARE_HYP] =       { "host_share_hyp", P_HOST, P_HYP,     O,  NP, SO, SB },
	[T_HOST_UNSHARE_HYP] =     { "host_unshare_hyp", P_HOST, P_HYP,   SO, SB, O,  NP },
	[T_HOST_DONATE_HYP] =      { "host_donate_hyp", P_HOST, P_HYP,    O,  NP, NP, O },
	[T_HOST_SHARE_GUEST] =     { "host_share_guest", P_HOST, P_GUEST, O,  NP, SO, SB,
				     VM_ACTIVE_NORMAL },
	[T_HOST_UNSHARE_GUEST] =   { "host_unshare_guest", P_HOST, P_GUEST, SO, SB, O, NP,
				     VM_ACTIVE_NORMAL },
	[T_HOST_DONATE_GUEST] =    { "host_donate_guest", P_HOST, P_GUEST, O, NP, NP, O,
				     VM_ACTIVE_PROTECTED },
	[T_GUEST_SHARE_HOST] =     { "guest_share_host", P_GUEST, P_HOST, O,  NP, SO, SB,
				     VM_ACTIVE },
	[T_GUEST_UNSHARE_HOST] =   { "guest_unshare_host", P_GUEST, P_HOST, SO, SB, O, NP,
				     VM_ACTIVE },
	[T_GUEST_RELINQUISH_HOST] = { "guest_relinquish_host", P_GUEST, P_HOST, O, NP, NP, O,
				     VM_ACTIVE, true },
	[T_HOST_RECLAIM_OWNED] =   { "host_reclaim_owned", P_HOST, P_GUEST, NP, O, O, NP,
				     VM_DYING, true },
	[T_HOST_RECLAIM_SHARED] =  { "host_reclaim_shared", P_HOST, P_GUEST, SB, SO, O, NP,
				     VM_DYING, true },
	[T_HOST_RECLAIM_LENT] =    { "host_reclaim_lent", P_HOST, P_GUEST, SO, SB, O, NP,
				     VM_DYING },
};

#undef O
#undef SO
#undef SB
#undef NP

const char *hyp_transition_name(enum hyp_transition_id t)
{
	return t < T_NR_TRANSITIONS ? table[t].name : "?";
}

static uint32_t party_id(enum party p, const struct hyp_vm *vm)
{
	return p == P_HYP ? HYP_ID_HYP : p == P_GUEST ? vm->handle : HYP_ID_HOST;
}

/* ---- reading each party's state ---------------------------------------------------------- */

static enum hyp_page_state hyp_state(const struct hyp_page *pg)
{
	return (enum hyp_page_state)(pg->hyp_state_x ^ HYP_PAGE_NOPAGE);
}

/*
 * The guest's state of gfn; a mapping of some other page than pfn counts as a mismatch
 * (-EPERM), unless the guest has no page there.
 */
static int guest_state(struct hyp *h, struct hyp_vm *vm, uint64_t gfn, uint64_t pfn,
		       enum hyp_page_state *st)
{
	uint64_t desc = hyp_s2_get(h, &vm->s2, gfn);

	if (!(desc & S2_VALID)) {
		*st = HYP_PAGE_NOPAGE;
		return 0;
	}
	if ((desc & S2_OA_MASK) >> PAGE_SHIFT != pfn)
		return -EPERM;
	*st = (enum hyp_page_state)((desc & S2_SW_STATE_MASK) >> S2_SW_STATE_SHIFT);
	return 0;
}

/*
 * Check that party p is in state want for this page. A host without the page must have
 * lost it to the other party of this row (not to somebody else).
 */
static int check_party(struct hyp *h, const struct transition *t, enum party p,
		       enum hyp_page_state want, uint64_t pfn, struct hyp_vm *vm, uint64_t gfn)
{
	const struct hyp_page *pg = hyp_page_of(h, pfn);
	enum party other = p == t->initiator ? t->completer : t->initiator;
	enum hyp_page_state st;
	int err;

	switch (p) {
	case P_HOST:
		if (pg->host_state != want)
			return -EPERM;
		if (want == HYP_PAGE_NOPAGE && pg->owner != party_id(other, vm))
			return -EPERM;
		if (want != HYP_PAGE_OWNED && want != HYP_PAGE_NOPAGE &&
		    (pg->owner != party_id(other, vm) ||
		     (other == P_GUEST && pg->gfn != gfn)))
			return -EPERM;
		return 0;
	case P_HYP:
		return hyp_state(pg) == want ? 0 : -EPERM;
	case P_GUEST:
		err = guest_state(h, vm, gfn, pfn, &st);
		if (err)
			return err;
		return st == want ? 0 : -EPERM;
	case P_NONE:
		break;
	}
	HYP_BUG_ON(true);
}

/* ---- applying ------------------------------------------------------------------------------ */

static void host_apply(struct hyp *h, uint64_t pfn, enum hyp_page_state st, uint32_t other,
		       uint64_t gfn)
{
	struct hyp_page *pg = hyp_page_of(h, pfn);
	bool had = pg->host_state != HYP_PAGE_NOPAGE, has = st != HYP_PAGE_NOPAGE;

	pg->host_state = st;
	pg->owner = st == HYP_PAGE_OWNED ? HYP_ID_HOST : other;
	pg->gfn = st == HYP_PAGE_OWNED ? 0 : gfn;
	if (had != has)
		HYP_BUG_ON(hal_host_set_access(h->m, hal_pa(pfn << PAGE_SHIFT), PAGE_SIZE, has));
}

static void guest_apply(struct hyp *h, struct hyp_vm *vm, uint64_t gfn, uint64_t pfn,
			enum hyp_page_state before, enum hyp_page_state st)
{
	hyp_s2_set(h, &vm->s2, gfn, st == HYP_PAGE_NOPAGE ? 0 : hyp_s2_leaf(pfn, st));
	HYP_BUG_ON(hal_vm_invalidate(vm->hvm, hal_ipa(gfn << PAGE_SHIFT), PAGE_SIZE));
	if (before == HYP_PAGE_NOPAGE && st != HYP_PAGE_NOPAGE)
		vm->nr_guest_pages++;
	else if (before != HYP_PAGE_NOPAGE && st == HYP_PAGE_NOPAGE)
		vm->nr_guest_pages--;
}

static void scrub(struct hyp *h, uint64_t pfn)
{
	void *p = hyp_page_ptr(h, pfn, true);

	HYP_BUG_ON(!p);
	memset(p, 0, PAGE_SIZE);
}

static int check_vm(const struct transition *t, const struct hyp_vm *vm)
{
	bool active = vm->state == HYP_VM_ACTIVE;

	switch (t->vm) {
	case VM_ANY:
		return 0;
	case VM_DYING:
		return active ? -EBUSY : 0;
	case VM_ACTIVE:
		return active ? 0 : -EBUSY;
	case VM_ACTIVE_PROTECTED:
		if (!vm->is_protected)
			return -EPERM;
		return active ? 0 : -EBUSY;
	case VM_ACTIVE_NORMAL:
		if (vm->is_protected)
			return -EPERM;
		return active ? 0 : -EBUSY;
	}
	return -EINVAL;
}

int hyp_transition(struct hyp *h, enum hyp_transition_id id, uint64_t pfn, struct hyp_vm *vm,
		   uint64_t gfn)
{
	const struct transition *t;
	bool guest_row;
	int err;

	if (id >= T_NR_TRANSITIONS || !hyp_pfn_valid(h, pfn))
		return -EINVAL;
	t = &table[id];
	guest_row = t->initiator == P_GUEST || t->completer == P_GUEST;
	hyp_assert_lock_held(&h->lock);
	if (guest_row) {
		HYP_BUG_ON(!vm);
		hyp_assert_lock_held(&vm->lock);
		if (!hyp_s2_gfn_valid(&vm->s2, gfn))
			return -EINVAL;
		err = check_vm(t, vm);
		if (err)
			return err;
	}
	if (hyp_page_of(h, pfn)->pinned && t->init_after != t->init_before)
		return -EBUSY;

	/* Check every party. */
	err = check_party(h, t, t->initiator, t->init_before, pfn, vm, gfn);
	if (!err)
		err = check_party(h, t, t->completer, t->comp_before, pfn, vm, gfn);
	if (err)
		return err;

	/* Prepare: the only step that may fail from here on. */
	if (guest_row && (t->initiator == P_GUEST ? t->init_after : t->comp_after) !=
			 HYP_PAGE_NOPAGE) {
		err = hyp_s2_prepare(h, &vm->s2, gfn);
		if (err)
			return err;
	}

	/* Apply: take access away first, scrub, then give access. */
	for (int pass = 0; pass < 2; pass++) {
		for (int side = 0; side < 2; side++) {
			enum party p = side ? t->completer : t->initiator;
			enum hyp_page_state before = side ? t->comp_before : t->init_before;
			enum hyp_page_state after = side ? t->comp_after : t->init_after;
			enum party other = side ? t->initiator : t->completer;
			bool losing = after == HYP_PAGE_NOPAGE;

			if (before == after || losing != (pass == 0))
				continue;
			if (pass == 1 && t->scrub && p == P_HOST)
				scrub(h, pfn);
			if (p == P_HOST)
				host_apply(h, pfn, after, party_id(other, vm), gfn);
			else if (p == P_HYP)
				hyp_page_of(h, pfn)->hyp_state_x = (uint8_t)(after ^ HYP_PAGE_NOPAGE);
			else
				guest_apply(h, vm, gfn, pfn, before, after);
		}
	}
	return 0;
}
