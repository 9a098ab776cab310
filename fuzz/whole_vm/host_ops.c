// SPDX-License-Identifier: MIT
/*
 * The host's side of an input: when the agent reaches a HOST op it stops and the
 * harness acts as a (possibly hostile) host, with the checks that go with each action:
 *   READ/WRITE     8 bytes of a guest page through the HAL host view, as the VMM would:
 *                  must fail (-EFAULT) exactly when the host has no page there, and
 *                  must never succeed on a page the guest owns privately;
 *   SHARE_HYP, UNSHARE_HYP, RECLAIM, UNSHARE_GUEST, DONATE: host hypercalls with a
 *                  page of the machine the input picks: a RECLAIM of a page a live VM
 *                  owns must fail; every page named is checked after the input;
 *   SPI            an interrupt line of the VM, raised or lowered (a device's line).
 * Calls that would create or destroy VMs or vCPUs, or load/run vCPUs, are not offered:
 * the snapshot covers a fixed set of them.
 */
#include <errno.h>
#include <string.h>

#include "fuzz/whole_vm/whole_vm.h"

/* A page of guest memory a READ/WRITE names: the arenas, the mailbox, the agent. */
static uint64_t host_ipa(uint64_t a)
{
	unsigned n = WVM_DMA_PAGES + WVM_PRIV_PAGES;

	a %= n + 2;
	if (a < n)
		return wvm_arena_page(a);
	return a == n ? WVM_MBOX : WVM_RAM_BASE;
}

static void touch(struct wvm *w, uint64_t pfn)
{
	if (w->nr_touched < WVM_MAX_TOUCHED)
		w->touched[w->nr_touched++] = pfn;
}

static void host_access(struct wvm *w, bool write, uint64_t a, uint64_t b)
{
	uint64_t ipa = host_ipa(a), gpfn, pfn = vmm_mem_pfn(w->v, ipa);
	enum hyp_page_state gst = wvm_guest_state(w, ipa, &gpfn), host, hypst;
	hal_pa_t pa = hal_pa((pfn << 12) + (b & 0xff8));
	uint32_t owner;
	uint64_t val = b;
	int err;

	if (!pfn)
		wvm_violation("the VMM has no page behind RAM ipa %#llx", (unsigned long long)ipa);
	err = write ? hal_host_write(w->m, pa, &val, 8, NULL) : hal_host_read(w->m, pa, &val, 8, NULL);
	if (hyp_query_page(w->h, pfn, &host, &hypst, &owner))
		wvm_violation("pfn %#llx of guest RAM is outside the hyp's memory",
			      (unsigned long long)pfn);
	if (!err && gst == HYP_PAGE_OWNED && gpfn == pfn)
		wvm_violation("the host %s page %#llx, which the guest owns privately",
			      write ? "wrote" : "read", (unsigned long long)ipa);
	if ((err == 0) != (host != HYP_PAGE_NOPAGE))
		wvm_violation("host %s of pfn %#llx: %d, but its host state is %d",
			      write ? "write" : "read", (unsigned long long)pfn, err, host);
	if (err && err != -EFAULT)
		wvm_violation("host access refused with %d, not -EFAULT", err);
	touch(w, pfn);
}

/* RECLAIM_PAGE while the VM runs: a page it owns must stay its own. */
static void host_reclaim(struct wvm *w, uint64_t pfn)
{
	enum hyp_page_state host, hypst;
	uint32_t owner;
	bool guest_page = !hyp_query_page(w->h, pfn, &host, &hypst, &owner) &&
			  host == HYP_PAGE_NOPAGE && owner == w->v->handle;
	int64_t err = hyp_call(w->h, HYP_HOST_RECLAIM_PAGE, pfn, 0, 0, 0, 0, 0, NULL);

	if (guest_page && !err)
		wvm_violation("RECLAIM_PAGE took pfn %#llx from a live VM",
			      (unsigned long long)pfn);
}

void wvm_host_op(struct wvm *w)
{
	uint64_t kind = w->mbox->host_req[0], a = w->mbox->host_req[1];
	uint64_t b = w->mbox->host_req[2];
	uint64_t pfn = w->base_pfn + a % w->nr_pfns;
	uint32_t handle = (b & 1) ? w->v->handle : (uint32_t)(b >> 32);
	uint64_t gfn = (b >> 1) & 0xffffff;

	w->host_ops++;
	switch (kind % WVM_NR_HOST_KINDS) {
	case WVM_HOST_READ:
		return host_access(w, false, a, b);
	case WVM_HOST_WRITE:
		return host_access(w, true, a, b);
	case WVM_HOST_SHARE_HYP:
		hyp_call(w->h, HYP_HOST_SHARE_HYP, pfn, 0, 0, 0, 0, 0, NULL);
		break;
	case WVM_HOST_UNSHARE_HYP:
		hyp_call(w->h, HYP_HOST_UNSHARE_HYP, pfn, 0, 0, 0, 0, 0, NULL);
		break;
	case WVM_HOST_RECLAIM:
		host_reclaim(w, pfn);
		break;
	case WVM_HOST_UNSHARE_GUEST:
		hyp_call(w->h, HYP_HOST_UNSHARE_GUEST, handle, wvm_arena_page(gfn) >> 12, 0, 0,
			 0, 0, NULL);
		break;
	case WVM_HOST_DONATE:
		/* Above the guest's RAM (a new page for it) or onto a page it has. */
		gfn = (b & 2) ? wvm_arena_page(gfn) >> 12
			      : ((WVM_RAM_BASE + (WVM_RAM_MIB << 20)) >> 12) + gfn % 256;
		hyp_call(w->h, HYP_HOST_DONATE_GUEST, pfn, handle, gfn, 0, 0, 0, NULL);
		break;
	default:
		hal_vm_set_irq(w->hvm->hvm, 32 + (unsigned)(a % VMM_NR_SPIS), b & 1);
		return;
	}
	touch(w, pfn);
}
