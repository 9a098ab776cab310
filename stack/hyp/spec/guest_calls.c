// SPDX-License-Identifier: MIT
/*
 * The guest calls, one function each: what the hyp answers a guest's HVC with (x0) and
 * what it does to the model. From docs/HYP.md: the hyp handles calls in pKVM's block of
 * the vendor hypervisor service range for protected VMs (HYP_MEMINFO, MEM_SHARE,
 * MEM_UNSHARE, MEM_RELINQUISH, MMIO guard), answers NOT_SUPPORTED to anything else in
 * that block and to every such call of a non-protected VM, and forwards every other id
 * to the host. Answers are SMCCC codes: 0, NOT_SUPPORTED, INVALID_PARAMETER.
 *
 * x1 is the IPA for the page calls; it must be page aligned and inside the VM's IPA
 * space. Arguments a call does not use are ignored (the hyp does not insist on zeros).
 */
#include <stdlib.h>

#include "stack/hyp/spec/spec_internal.h"

#define O	HYP_PAGE_OWNED
#define SO	HYP_PAGE_SHARED_OWNED
#define SB	HYP_PAGE_SHARED_BORROWED
#define NP	HYP_PAGE_NOPAGE

typedef uint64_t (*spec_guest_fn)(struct hyp_spec *s, struct spec_vm *vm, const uint64_t *a,
				  struct spec_expect *e);

#define GUEST_CALL(name) \
	static uint64_t guest_##name(struct hyp_spec *s, struct spec_vm *vm, const uint64_t *a, \
				     struct spec_expect *e)

/* The gfn of an IPA argument, or false if it is not a page of the IPA space. */
static bool ipa_arg(const struct spec_vm *vm, uint64_t ipa, uint64_t *gfn)
{
	*gfn = ipa >> SPEC_PAGE_SHIFT;
	return !(ipa & (SPEC_PAGE_SIZE - 1)) && spec_gfn_valid(vm, *gfn);
}

GUEST_CALL(page_size)
{
	return SPEC_PAGE_SIZE;
}

/* guest_share_host: the guest's OWNED page becomes SHARED_OWNED, the host borrows it. */
GUEST_CALL(mem_share)
{
	struct spec_page *p;
	uint64_t gfn;

	if (!ipa_arg(vm, a[1], &gfn))
		return SPEC_SMCCC_INVALID_PARAMETER;
	p = spec_guest_page(s, vm, gfn);
	if (!p || p->guest != O || p->host != NP)
		return SPEC_SMCCC_INVALID_PARAMETER;
	p->guest = SO;
	p->host = SB;
	return SPEC_SMCCC_SUCCESS;
}

/* guest_unshare_host: back to the guest alone; the host loses it again. */
GUEST_CALL(mem_unshare)
{
	struct spec_page *p;
	uint64_t gfn;

	if (!ipa_arg(vm, a[1], &gfn))
		return SPEC_SMCCC_INVALID_PARAMETER;
	p = spec_guest_page(s, vm, gfn);
	if (!p || p->guest != SO || p->host != SB)
		return SPEC_SMCCC_INVALID_PARAMETER;
	p->guest = O;
	p->host = NP;
	return SPEC_SMCCC_SUCCESS;
}

/* guest_relinquish_host: the guest gives its page up; the host gets it scrubbed. */
GUEST_CALL(mem_relinquish)
{
	struct spec_page *p;
	uint64_t gfn;

	if (!ipa_arg(vm, a[1], &gfn))
		return SPEC_SMCCC_INVALID_PARAMETER;
	p = spec_guest_page(s, vm, gfn);
	if (!p || p->guest != O || p->host != NP)
		return SPEC_SMCCC_INVALID_PARAMETER;
	e->scrub = true;
	e->scrub_pfn = spec_page_pfn(s, p);
	p->guest = NP;
	p->host = O;
	p->peer = HYP_ID_HOST;
	p->gfn = 0;
	return SPEC_SMCCC_SUCCESS;
}

GUEST_CALL(mmio_guard_enroll)
{
	vm->mmio_enrolled = true;
	return SPEC_SMCCC_SUCCESS;
}

/* Declare gfn MMIO: only after enrolling, once, not where the guest has memory. */
GUEST_CALL(mmio_guard_map)
{
	uint64_t gfn;

	if (!ipa_arg(vm, a[1], &gfn) || !vm->mmio_enrolled || spec_set_has(&vm->guard, gfn) ||
	    vm->guard.n == SPEC_MAX_MMIO_GUARD || spec_guest_page(s, vm, gfn))
		return SPEC_SMCCC_INVALID_PARAMETER;
	if (spec_set_add(&vm->guard, gfn))
		abort();	/* the model is out of memory */
	return SPEC_SMCCC_SUCCESS;
}

GUEST_CALL(mmio_guard_unmap)
{
	uint64_t gfn;

	if (!ipa_arg(vm, a[1], &gfn) || !vm->mmio_enrolled || !spec_set_has(&vm->guard, gfn))
		return SPEC_SMCCC_INVALID_PARAMETER;
	spec_set_del(&vm->guard, gfn);
	return SPEC_SMCCC_SUCCESS;
}

static const struct {
	uint32_t id;
	spec_guest_fn fn;
	const char *name;
} guest_calls[] = {
	{ HYP_GUEST_HYP_MEMINFO, guest_page_size, "HYP_MEMINFO" },
	{ HYP_GUEST_MEM_SHARE, guest_mem_share, "MEM_SHARE" },
	{ HYP_GUEST_MEM_UNSHARE, guest_mem_unshare, "MEM_UNSHARE" },
	{ HYP_GUEST_MMIO_GUARD_INFO, guest_page_size, "MMIO_GUARD_INFO" },
	{ HYP_GUEST_MMIO_GUARD_ENROLL, guest_mmio_guard_enroll, "MMIO_GUARD_ENROLL" },
	{ HYP_GUEST_MMIO_GUARD_MAP, guest_mmio_guard_map, "MMIO_GUARD_MAP" },
	{ HYP_GUEST_MMIO_GUARD_UNMAP, guest_mmio_guard_unmap, "MMIO_GUARD_UNMAP" },
	{ HYP_GUEST_MEM_RELINQUISH, guest_mem_relinquish, "MEM_RELINQUISH" },
};
#define NR_GUEST_CALLS (sizeof(guest_calls) / sizeof(guest_calls[0]))

/*
 * SMCCC: the function id is w0; a fast call (bit 31) with owner 6 (bits 29:24) is the
 * vendor-specific hypervisor service, in either calling convention (bit 30). The hyp
 * claims pKVM's block of it, function numbers 0..255 (docs/HYP.md); the rest of the
 * range is the VMM's to agree on with its guests.
 */
static bool vendor_hyp_range(uint32_t fn)
{
	return (fn & 0xbfffff00u) == 0x86000000u;
}

const char *spec_guest_fn_name(uint64_t fn)
{
	for (unsigned i = 0; i < NR_GUEST_CALLS; i++)
		if (guest_calls[i].id == (uint32_t)fn)
			return guest_calls[i].name;
	return vendor_hyp_range((uint32_t)fn) ? "(unknown vendor hyp call)" : "(host's call)";
}

void spec_guest_call(struct hyp_spec *s, uint32_t handle, const uint64_t args[7],
		     struct spec_expect *e)
{
	uint32_t fn = (uint32_t)args[0];
	struct spec_vm *vm = spec_vm_find(s, handle);
	struct hyp_injected inj;

	*e = (struct spec_expect){ .new_vm = -1 };
	if (!vendor_hyp_range(fn))
		return;		/* the host's business: not handled */
	e->handled = true;
	e->ret0 = SPEC_SMCCC_NOT_SUPPORTED;
	if (!vm || !vm->is_protected)
		return;
	/* hyp.guest_share (hyp.h): a share or unshare that fails changes nothing. Claimed
	 * for any other call, the hyp's answer will differ from the prediction below. */
	hyp_injected_faults(&inj);
	if (inj.guest_share_fails && (fn == HYP_GUEST_MEM_SHARE || fn == HYP_GUEST_MEM_UNSHARE)) {
		e->ret0 = SPEC_SMCCC_INVALID_PARAMETER;
		return;
	}
	for (unsigned i = 0; i < NR_GUEST_CALLS; i++)
		if (guest_calls[i].id == fn)
			e->ret0 = guest_calls[i].fn(s, vm, args, e);
}
