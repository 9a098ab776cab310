// SPDX-License-Identifier: MIT
/*
 * What must hold whatever the input does (beyond "no crash, no sanitizer report"):
 *
 *  1. The VMM touches only memory the guest shared. Every access a virtio device makes
 *     to guest memory goes through the VMM's vmm_guest_mem callbacks; the wrapper lets
 *     the VMM's own callback run and, if it succeeded, requires that the guest's
 *     stage-2 state of every page it covered is SHARED_OWNED (a protected guest's page
 *     it MEM_SHAREd). A success on a page the guest keeps private is a breach of
 *     isolation (the HAL's host view and the hyp's records disagree).
 *  2. Ownership is consistent (checked after each input, on the pages the input could
 *     change: the agent's arenas, its mailbox, and every page a host op named):
 *       - the host view (hal_host_can_access) allows the host exactly the pages whose
 *         host state is not NOPAGE;
 *       - a page the guest maps OWNED is NOPAGE for the host and owned by this VM; a
 *         page it maps SHARED_OWNED is SHARED_BORROWED for the host.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/whole_vm/whole_vm.h"

void wvm_violation(const char *fmt, ...)
{
	va_list ap;

	fputs("whole_vm: ORACLE VIOLATION: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

enum hyp_page_state wvm_guest_state(struct wvm *w, uint64_t ipa, uint64_t *pfn)
{
	enum hyp_page_state st = HYP_PAGE_NOPAGE;

	*pfn = 0;
	if (hyp_query_guest(w->h, w->v->handle, ipa >> 12, &st, pfn))
		wvm_violation("hyp_query_guest(ipa %#llx) failed for a live VM",
			      (unsigned long long)ipa);
	return st;
}

static void check_shared(struct wvm *w, uint64_t ipa, size_t len, const char *what)
{
	uint64_t pfn;

	if (!len)
		return;
	for (uint64_t p = ipa & ~0xfffull; p < ipa + len; p += 4096) {
		enum hyp_page_state st = wvm_guest_state(w, p, &pfn);

		if (st != HYP_PAGE_SHARED_OWNED)
			wvm_violation("the VMM %s guest page %#llx, which the guest did not "
				      "share (guest state %d)", what, (unsigned long long)p, st);
	}
}

static int checked_read(void *ctx, uint64_t ipa, void *dst, size_t len)
{
	struct wvm *w = ctx;
	int err = w->dev_mem.read(w->dev_mem.ctx, ipa, dst, len);

	if (err)
		w->dev_faults++;
	else
		check_shared(w, ipa, len, "read");
	return err;
}

static int checked_write(void *ctx, uint64_t ipa, const void *src, size_t len)
{
	struct wvm *w = ctx;
	int err = w->dev_mem.write(w->dev_mem.ctx, ipa, src, len);

	if (err)
		w->dev_faults++;
	else
		check_shared(w, ipa, len, "wrote");
	return err;
}

void wvm_oracles_install(struct wvm *w)
{
	/* The transports keep a pointer to v->gmem: changing it in place redirects them. */
	w->dev_mem = w->v->gmem;
	w->v->gmem.ctx = w;
	w->v->gmem.read = checked_read;
	w->v->gmem.write = checked_write;
}

/* The host-side invariants of one page. */
static void check_pfn(struct wvm *w, uint64_t pfn)
{
	enum hyp_page_state host, hypst;
	uint32_t owner;
	bool access;

	if (hyp_query_page(w->h, pfn, &host, &hypst, &owner))
		return;		/* outside the hyp's memory: nothing to check */
	access = hal_host_can_access(w->m, hal_pa(pfn << 12));
	if (access != (host != HYP_PAGE_NOPAGE))
		wvm_violation("page %#llx: host state %d but the host view %s it",
			      (unsigned long long)pfn, host, access ? "allows" : "refuses");
}

/* The guest's view of gfn against the host's records of the page behind it. */
static void check_gfn(struct wvm *w, uint64_t ipa)
{
	enum hyp_page_state host, hypst, st;
	uint64_t pfn;
	uint32_t owner;

	st = wvm_guest_state(w, ipa, &pfn);
	if (st == HYP_PAGE_NOPAGE)
		return;
	if (hyp_query_page(w->h, pfn, &host, &hypst, &owner))
		wvm_violation("ipa %#llx maps pfn %#llx outside memory",
			      (unsigned long long)ipa, (unsigned long long)pfn);
	if (st == HYP_PAGE_OWNED && (host != HYP_PAGE_NOPAGE || owner != w->v->handle))
		wvm_violation("ipa %#llx: the guest owns pfn %#llx but the host state is %d "
			      "(owner %u)", (unsigned long long)ipa, (unsigned long long)pfn,
			      host, owner);
	if (st == HYP_PAGE_SHARED_OWNED && host != HYP_PAGE_SHARED_BORROWED)
		wvm_violation("ipa %#llx: the guest shares pfn %#llx but the host state is %d",
			      (unsigned long long)ipa, (unsigned long long)pfn, host);
	check_pfn(w, pfn);
}

void wvm_check_ownership(struct wvm *w)
{
	check_gfn(w, WVM_MBOX);
	check_gfn(w, WVM_RAM_BASE);
	for (unsigned i = 0; i < WVM_DMA_PAGES + WVM_PRIV_PAGES; i++) {
		uint64_t ipa = wvm_arena_page(i);

		check_gfn(w, ipa);
		/* A relinquished page is the host's again: its own record must say so. */
		check_pfn(w, vmm_mem_pfn(w->v, ipa));
	}
	for (unsigned i = 0; i < w->nr_touched; i++)
		check_pfn(w, w->touched[i]);
}
