// SPDX-License-Identifier: MIT
/*
 * The ownership state machine, walked through the host ABI: one page goes through every
 * row of the transition table, every error code is provoked, and after each call the
 * test asserts the result and what host, hyp and guest see (pkvm_ownership_selftest's
 * approach), including the host's actual access through the HAL view.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stack/hyp/hyp.h"

#define BASE		0x40000000ull
#define SIZE		(8ull << 20)
#define POOL		(BASE + SIZE - (1ull << 20))	/* last MiB: 256 pool pages */
#define POOL_PAGES	256
#define PFN(pa)		((pa) >> 12)

#define O	HYP_PAGE_OWNED
#define SO	HYP_PAGE_SHARED_OWNED
#define SB	HYP_PAGE_SHARED_BORROWED
#define NP	HYP_PAGE_NOPAGE

struct fixture {
	struct hal_machine *m;
	struct hyp *h;
	uint32_t prot, normal;	/* VM handles */
};

static int64_t call(struct fixture *f, uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return hyp_call(f->h, fn, a1, a2, a3, 0, 0, 0, NULL);
}

static uint32_t new_vm(struct fixture *f, bool prot)
{
	uint64_t handle = 0;

	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, prot ? HYP_VM_PROTECTED : 0, 1, 36,
				  0x3fff0000, 0x3ffd0000, 64, &handle), 0);
	assert_true(handle >= HYP_HANDLE_OFFSET);
	return (uint32_t)handle;
}

static int setup(void **state)
{
	static struct fixture f;
	struct hal_machine_config mc = { .phys_base = BASE, .phys_size = SIZE, .seed = 1 };
	struct hyp_config hc = { .pool_base = hal_pa(POOL), .pool_pages = POOL_PAGES };

	memset(&f, 0, sizeof(f));
	assert_int_equal(hal_machine_create(hal_backend_find("sim"), &mc, &f.m), 0);
	assert_int_equal(hyp_init(f.m, &hc, &f.h), 0);
	f.prot = new_vm(&f, true);
	f.normal = new_vm(&f, false);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	hyp_destroy(f->h);
	hal_machine_destroy(f->m);
	return 0;
}

/* Assert the host and hyp state of pfn, and that the HAL view agrees with the host's. */
static void expect_page(struct fixture *f, uint64_t pfn, enum hyp_page_state host,
			enum hyp_page_state hypst)
{
	enum hyp_page_state hs, ys;
	uint32_t owner;
	uint8_t b;
	int rc;

	assert_int_equal(hyp_query_page(f->h, pfn, &hs, &ys, &owner), 0);
	assert_int_equal(hs, host);
	assert_int_equal(ys, hypst);
	rc = hal_host_read(f->m, hal_pa(pfn << 12), &b, 1, NULL);
	assert_int_equal(rc, host == NP ? -EFAULT : 0);
}

static void expect_guest(struct fixture *f, uint32_t vm, uint64_t gfn,
			 enum hyp_page_state want, uint64_t want_pfn)
{
	enum hyp_page_state st;
	uint64_t pfn;

	assert_int_equal(hyp_query_guest(f->h, vm, gfn, &st, &pfn), 0);
	assert_int_equal(st, want);
	if (want != NP)
		assert_int_equal(pfn, want_pfn);
}

static void test_init_state(void **state)
{
	struct fixture *f = *state;

	expect_page(f, PFN(BASE), O, NP);
	/* The pool is the hyp's and gone from the host's view. */
	expect_page(f, PFN(POOL), NP, O);
	expect_page(f, PFN(POOL) + POOL_PAGES - 1, NP, O);
}

static void test_host_share_unshare_hyp(void **state)
{
	struct fixture *f = *state;
	uint64_t pfn = PFN(BASE) + 10;

	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, pfn, 0, 0), 0);
	expect_page(f, pfn, SO, SB);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, pfn, 0, 0), -EPERM);	/* twice */
	assert_int_equal(call(f, HYP_HOST_UNSHARE_HYP, pfn, 0, 0), 0);
	expect_page(f, pfn, O, NP);
	assert_int_equal(call(f, HYP_HOST_UNSHARE_HYP, pfn, 0, 0), -EPERM);	/* not shared */
	/* Bad pfns and pages the hyp owns. */
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, PFN(BASE) - 1, 0, 0), -EINVAL);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, PFN(BASE + SIZE), 0, 0), -EINVAL);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, PFN(POOL), 0, 0), -EPERM);
	expect_page(f, PFN(POOL), NP, O);
}

static void test_donate_protected_guest(void **state)
{
	struct fixture *f = *state;
	uint64_t pfn = PFN(BASE) + 20, gfn = 0x80000;
	uint8_t secret[16] = "guest secret!!!";

	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn, f->prot, gfn), 0);
	expect_page(f, pfn, NP, NP);
	expect_guest(f, f->prot, gfn, O, pfn);
	/* Double donation: of the same page elsewhere, or of another page to the same gfn. */
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn, f->prot, gfn + 1), -EPERM);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + 1, f->prot, gfn), -EPERM);
	expect_page(f, pfn + 1, O, NP);
	/* Donation only to protected VMs; sharing only with normal ones. */
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + 1, f->normal, gfn), -EPERM);
	assert_int_equal(call(f, HYP_HOST_SHARE_GUEST, pfn + 1, f->prot, gfn + 1), -EPERM);
	/* Unknown VM, gfn beyond the IPA space. */
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + 1, 0x999, gfn), -ENOENT);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + 1, f->prot, 1ull << 40), -EINVAL);
	/* The host cannot write the donated page; the hyp view shows the guest's data. */
	assert_int_equal(hal_host_write(f->m, hal_pa(pfn << 12), secret, 16, NULL), -EFAULT);
	memcpy(hal_phys_ptr(f->m, hal_pa(pfn << 12), 16, true), secret, 16);
	/* Reclaim is refused while the VM lives. */
	assert_int_equal(call(f, HYP_HOST_RECLAIM_PAGE, pfn, 0, 0), -EBUSY);
}

static void test_share_normal_guest(void **state)
{
	struct fixture *f = *state;
	uint64_t pfn = PFN(BASE) + 30, gfn = 0x80010;

	assert_int_equal(call(f, HYP_HOST_SHARE_GUEST, pfn, f->normal, gfn), 0);
	expect_page(f, pfn, SO, NP);
	expect_guest(f, f->normal, gfn, SB, pfn);
	assert_int_equal(call(f, HYP_HOST_SHARE_GUEST, pfn, f->normal, gfn + 1), -EPERM);
	/* A page shared with a guest cannot also go to the hyp. */
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, pfn, 0, 0), -EPERM);
	assert_int_equal(call(f, HYP_HOST_UNSHARE_GUEST, f->normal, gfn, 0), 0);
	expect_page(f, pfn, O, NP);
	expect_guest(f, f->normal, gfn, NP, 0);
	assert_int_equal(call(f, HYP_HOST_UNSHARE_GUEST, f->normal, gfn, 0), -EPERM);
	assert_int_equal(call(f, HYP_HOST_UNSHARE_GUEST, f->normal, 1ull << 40, 0), -EINVAL);
}

static void test_unknown_call(void **state)
{
	struct fixture *f = *state;
	struct hyp_regs r = { .x = { 0xc6000000u | 0x1ff } };

	hyp_host_call(f->h, &r);
	assert_int_equal(r.x[0], HYP_SMCCC_NOT_SUPPORTED);
	r.x[0] = 0x84000000;	/* PSCI is not the host's business here */
	hyp_host_call(f->h, &r);
	assert_int_equal(r.x[0], HYP_SMCCC_NOT_SUPPORTED);
}

static void test_teardown_scrubs(void **state)
{
	struct fixture *f = *state;
	uint32_t vm = new_vm(f, true);
	uint64_t pfn = PFN(BASE) + 40, gfn = 0x90000, lent = PFN(BASE) + 41;
	uint64_t free_before, free_after;
	uint8_t buf[4096], zero[4096] = { 0 };

	assert_int_equal(hyp_call(f->h, HYP_HOST_POOL_INFO, 0, 0, 0, 0, 0, 0, &free_before), 0);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn, vm, gfn), 0);
	memset(hal_phys_ptr(f->m, hal_pa(pfn << 12), 4096, true), 0x5a, 4096);
	/* Finalize before teardown, and teardown twice, are refused. */
	assert_int_equal(call(f, HYP_HOST_FINALIZE_TEARDOWN, vm, 0, 0), -EBUSY);
	assert_int_equal(call(f, HYP_HOST_START_TEARDOWN, vm, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_START_TEARDOWN, vm, 0, 0), -EBUSY);
	/* No new pages for a dying VM. */
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, lent, vm, gfn + 1), -EBUSY);
	/* Pages still held by the guest block finalize. */
	assert_int_equal(call(f, HYP_HOST_FINALIZE_TEARDOWN, vm, 0, 0), -EBUSY);
	assert_int_equal(call(f, HYP_HOST_RECLAIM_PAGE, pfn, 0, 0), 0);
	expect_page(f, pfn, O, NP);
	/* The host reads the page back through its own view: zeroed. */
	assert_int_equal(hal_host_read(f->m, hal_pa(pfn << 12), buf, 4096, NULL), 0);
	assert_memory_equal(buf, zero, 4096);
	assert_int_equal(call(f, HYP_HOST_RECLAIM_PAGE, pfn, 0, 0), -EPERM);	/* host owns it */
	assert_int_equal(call(f, HYP_HOST_RECLAIM_PAGE, PFN(POOL), 0, 0), -EPERM); /* hyp's */
	assert_int_equal(call(f, HYP_HOST_FINALIZE_TEARDOWN, vm, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_FINALIZE_TEARDOWN, vm, 0, 0), -ENOENT);
	/* Every stage-2 table page went back to the pool. */
	assert_int_equal(hyp_call(f->h, HYP_HOST_POOL_INFO, 0, 0, 0, 0, 0, 0, &free_after), 0);
	assert_int_equal(free_after, free_before + 1);	/* + the root of the VM we made */
}

static void test_pool_exhaustion(void **state)
{
	struct fixture *f = *state;
	uint32_t vm = new_vm(f, true);
	uint64_t nr_free = 0, pfn = PFN(BASE) + 100;
	int64_t rc = 0;
	unsigned donated = 0;

	/* Each donation 2 MiB apart needs a fresh level-3 table; the first also a level 2. */
	assert_int_equal(hyp_call(f->h, HYP_HOST_POOL_INFO, 0, 0, 0, 0, 0, 0, &nr_free), 0);
	while (rc == 0 && donated < 1000) {
		rc = call(f, HYP_HOST_DONATE_GUEST, pfn + donated, vm, (uint64_t)donated << 9);
		if (rc == 0)
			donated++;
	}
	assert_int_equal(rc, -ENOMEM);
	assert_int_equal(donated, nr_free - 1);
	/* The failed call changed nothing: the host still owns its page. */
	expect_page(f, pfn + donated, O, NP);
	expect_guest(f, vm, (uint64_t)donated << 9, NP, 0);
	/* And a gfn whose tables exist still works. */
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + donated, vm, 1), 0);
}

static void test_init_vm_errors(void **state)
{
	struct fixture *f = *state;
	uint64_t h;

	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, 0x80, 1, 36, 0, 0, 64, &h), -EINVAL);
	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, 0, 0, 36, 0, 0, 64, &h), -EINVAL);
	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, 0, 65, 36, 0, 0, 64, &h), -EINVAL);
	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, 0, 1, 31, 0, 0, 64, &h), -EINVAL);
	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, 0, 1, 40, 0, 0, 64, &h), -EINVAL);
	/* vCPU init: the run page must be shared with the hyp, and used once. */
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, f->normal, 0, PFN(BASE) + 50), -EPERM);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, PFN(BASE) + 50, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, f->normal, 1, PFN(BASE) + 50), -EINVAL);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, 0x4242, 0, PFN(BASE) + 50), -ENOENT);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, f->normal, 0, PFN(BASE) + 50), 0);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, f->normal, 0, PFN(BASE) + 50), -EEXIST);
	/* A pinned run page cannot be unshared under the vCPU. */
	assert_int_equal(call(f, HYP_HOST_UNSHARE_HYP, PFN(BASE) + 50, 0, 0), -EBUSY);
	expect_page(f, PFN(BASE) + 50, SO, SB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_share_unshare_hyp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_donate_protected_guest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_share_normal_guest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_teardown_scrubs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_vm_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
