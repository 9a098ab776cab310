// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the hyp's host hypercall ABI. The input is decoded into a sequence of
 * host calls (function id, then arguments drawn from a small, meaningful space so that
 * calls hit real pages, real VMs and real gfns) on a fresh machine with two VMs, one
 * protected and one not. After every call the oracle checks the hyp's invariants as read
 * back through its introspection interface and the HAL host view:
 *   - the host can access a page exactly when its host state is not NOPAGE;
 *   - every page state pairs up: a page the host shares is borrowed by exactly the party
 *     it names, a page the host lent to a guest is mapped by that guest at the recorded
 *     gfn with SHARED_BORROWED, a page given to a guest is OWNED/SHARED_OWNED there;
 *   - results are 0 or one of the documented errnos.
 * A violation aborts (libFuzzer reports it with the input).
 *
 * Input format: repeated records [op:1][a:1][b:1][c:2]; see decode_call().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/hyp/hyp.h"

#define BASE		0x40000000ull
#define SIZE		(2ull << 20)
#define NR_PAGES	(SIZE >> 12)
#define POOL_PAGES	64
#define POOL		(BASE + SIZE - POOL_PAGES * 4096ull)
#define GFN_BASE	0x80000ull

static const uint32_t fns[] = {
	HYP_HOST_SHARE_HYP, HYP_HOST_UNSHARE_HYP, HYP_HOST_SHARE_GUEST, HYP_HOST_UNSHARE_GUEST,
	HYP_HOST_DONATE_GUEST, HYP_HOST_START_TEARDOWN, HYP_HOST_RECLAIM_PAGE,
	HYP_HOST_FINALIZE_TEARDOWN, HYP_HOST_INIT_VM, HYP_HOST_INIT_VCPU, HYP_HOST_VCPU_LOAD,
	HYP_HOST_VCPU_PUT, HYP_HOST_LOAD_FIRMWARE, HYP_HOST_POOL_INFO,
	0xc6000000u | 0x1ffu,	/* unknown */
	/* Appended, so that the op bytes of the older corpus keep their meaning. */
	HYP_HOST_SET_IRQ, HYP_HOST_VCPU_KICK,
};

static void fail(const char *what, uint64_t pfn)
{
	fprintf(stderr, "hyp invariant violated: %s (pfn %#llx)\n", what,
		(unsigned long long)pfn);
	abort();
}

static void check_invariants(struct hyp *h, struct hal_machine *m, const uint32_t *vms,
			     unsigned nr_vms)
{
	for (uint64_t pfn = BASE >> 12; pfn < (BASE + SIZE) >> 12; pfn++) {
		enum hyp_page_state host, hypst;
		uint32_t owner;

		if (hyp_query_page(h, pfn, &host, &hypst, &owner))
			fail("query of a valid pfn failed", pfn);
		if (hal_host_can_access(m, hal_pa(pfn << 12)) != (host != HYP_PAGE_NOPAGE))
			fail("host view disagrees with host state", pfn);
		if (host == HYP_PAGE_OWNED && hypst != HYP_PAGE_NOPAGE)
			fail("host owns a page the hyp also has", pfn);
		if (host == HYP_PAGE_SHARED_OWNED && owner == HYP_ID_HYP &&
		    hypst != HYP_PAGE_SHARED_BORROWED)
			fail("page shared with hyp not borrowed by it", pfn);
		if (host == HYP_PAGE_NOPAGE && owner == HYP_ID_HYP && hypst != HYP_PAGE_OWNED)
			fail("page given to hyp not owned by it", pfn);
		if (owner >= HYP_HANDLE_OFFSET && host != HYP_PAGE_OWNED) {
			/* Some guest holds it: that guest must map exactly this pfn. */
			bool found = false;

			for (unsigned i = 0; i < nr_vms; i++) {
				for (uint64_t g = GFN_BASE; g < GFN_BASE + 256 && vms[i] == owner; g++) {
					enum hyp_page_state st;
					uint64_t mp;

					if (!hyp_query_guest(h, owner, g, &st, &mp) &&
					    st != HYP_PAGE_NOPAGE && mp == pfn)
						found = true;
				}
			}
			if (!found && owner != 0)
				fail("page held by a guest is not mapped by it", pfn);
		}
	}
}

static bool errno_ok(int64_t rc)
{
	return rc == 0 || rc == -EINVAL || rc == -EPERM || rc == -EBUSY || rc == -ENOENT ||
	       rc == -ENOMEM || rc == -EEXIST || rc == -ENOSPC || rc == -ENOSYS;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hal_machine_config mc = { .phys_base = BASE, .phys_size = SIZE, .seed = 1 };
	struct hyp_config hc = { .pool_base = hal_pa(POOL), .pool_pages = POOL_PAGES };
	static const uint8_t fw[64] = "pvmfw";
	struct hal_machine *m;
	struct hyp *h;
	uint32_t vms[8];
	unsigned nr_vms = 0;
	uint64_t out;

	hc.pvmfw = fw;
	hc.pvmfw_size = sizeof(fw);
	if (hal_machine_create(hal_backend_find("sim"), &mc, &m))
		abort();
	if (hyp_init(m, &hc, &h))
		abort();
	for (int prot = 1; prot >= 0; prot--) {
		if (hyp_call(h, HYP_HOST_INIT_VM, prot ? HYP_VM_PROTECTED : 0, 1, 36, 0x3fff0000,
			     0x3ffd0000, 64, &out))
			abort();
		vms[nr_vms++] = (uint32_t)out;
	}
	for (size_t i = 0; i + 5 <= size; i += 5) {
		uint32_t fn = fns[data[i] % (sizeof(fns) / sizeof(fns[0]))];
		uint64_t pfn = (BASE >> 12) + data[i + 1] % NR_PAGES;
		uint32_t vm = data[i + 2] < 240 ? vms[data[i + 2] % nr_vms] : 0x1000u + data[i + 2];
		uint64_t gfn = GFN_BASE + (data[i + 3] | (uint64_t)data[i + 4] << 8) % 256;
		int64_t rc;

		switch (fn) {
		case HYP_HOST_SHARE_GUEST:
		case HYP_HOST_DONATE_GUEST:
			rc = hyp_call(h, fn, pfn, vm, gfn, 0, 0, 0, &out);
			break;
		case HYP_HOST_UNSHARE_GUEST:
		case HYP_HOST_VCPU_LOAD:
			rc = hyp_call(h, fn, vm, fn == HYP_HOST_VCPU_LOAD ? data[i + 3] % 2 : gfn,
				      0, 0, 0, 0, &out);
			break;
		case HYP_HOST_INIT_VCPU:
			rc = hyp_call(h, fn, vm, data[i + 3] % 2, pfn, 0, 0, 0, &out);
			break;
		case HYP_HOST_LOAD_FIRMWARE:
			rc = hyp_call(h, fn, vm, gfn, 1 + data[i + 4] % 2, 0, 0, 0, &out);
			break;
		case HYP_HOST_START_TEARDOWN:
		case HYP_HOST_FINALIZE_TEARDOWN:
			rc = hyp_call(h, fn, vm, 0, 0, 0, 0, 0, &out);
			break;
		case HYP_HOST_SET_IRQ:
			/* INTIDs 0..255 (SGIs, PPIs, the 64 SPIs, beyond), levels 0..2. */
			rc = hyp_call(h, fn, vm, data[i + 3], data[i + 4] % 3, 0, 0, 0, &out);
			break;
		case HYP_HOST_VCPU_KICK:
			rc = hyp_call(h, fn, vm, data[i + 3] % 3, 0, 0, 0, 0, &out);
			break;
		case HYP_HOST_INIT_VM:
			rc = hyp_call(h, fn, data[i + 1] & 3, 1 + data[i + 3] % 2, 32 + data[i + 4] % 9,
				      0x3fff0000, 0x3ffd0000, 64, &out);
			if (!rc && nr_vms < 8)
				vms[nr_vms++] = (uint32_t)out;
			break;
		default:
			rc = hyp_call(h, fn, pfn, 0, 0, 0, 0, 0, &out);
			break;
		}
		if (!errno_ok(rc))
			fail("unexpected result", (uint64_t)rc);
		check_invariants(h, m, vms, nr_vms);
	}
	hyp_call(h, HYP_HOST_VCPU_PUT, 0, 0, 0, 0, 0, 0, NULL);
	hyp_destroy(h);
	hal_machine_destroy(m);
	return 0;
}
