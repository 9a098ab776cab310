// SPDX-License-Identifier: MIT
/*
 * The hyp's fault points (hyp.h "injected failures": hyp.host_call, hyp.pool_oom,
 * hyp.guest_share), each made to fire through lib/fault: the call fails the documented
 * way, nothing changes, the next call is unaffected, the hit counts are counts of the
 * calls the point is decided for, and the executable specification (installed
 * throughout) expects every injected failure instead of reporting it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/fault/fault.h"
#include "stack/hyp/spec/spec.h"

#define BASE		0x40000000ull
#define SIZE		(8ull << 20)
#define POOL		(BASE + SIZE - (1ull << 20))
#define POOL_PAGES	256
#define PFN(pa)		((pa) >> 12)
#define GICD		0x3fff0000ull
#define GICR		0x3ffd0000ull
#define SMCCC_SUCCESS	0ull
#define SMCCC_INVALID	((uint64_t)-3)

struct fixture {
	struct hal_machine *m;
	struct hyp *h;
	struct hyp_spec *spec;
	uint32_t prot, normal;
};

static void agreed(struct fixture *f)
{
	if (hyp_spec_mismatches(f->spec))
		fail_msg("%s", hyp_spec_report(f->spec));
}

static int64_t call(struct fixture *f, uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	int64_t rc = hyp_call(f->h, fn, a1, a2, a3, 0, 0, 0, NULL);

	agreed(f);
	return rc;
}

static int64_t init_vm(struct fixture *f, bool prot, uint64_t *handle)
{
	int64_t rc = hyp_call(f->h, HYP_HOST_INIT_VM, prot ? HYP_VM_PROTECTED : 0, 1, 36, GICD,
			      GICR, 64, handle);

	agreed(f);
	return rc;
}

static uint64_t pool_free(struct fixture *f)
{
	uint64_t n = 0;

	assert_int_equal(hyp_call(f->h, HYP_HOST_POOL_INFO, 0, 0, 0, 0, 0, 0, &n), 0);
	return n;
}

static void configure(const char *spec)
{
	char err[128];

	if (fault_configure(spec, err, sizeof(err)))
		fail_msg("fault_configure(%s): %s", spec, err);
}

static int setup(void **state)
{
	static struct fixture f;
	struct hal_machine_config mc = { .phys_base = BASE, .phys_size = SIZE, .seed = 1 };
	struct hyp_config hc = { .pool_base = hal_pa(POOL), .pool_pages = POOL_PAGES };
	uint64_t handle = 0;

	memset(&f, 0, sizeof(f));
	configure(NULL);
	assert_int_equal(hal_machine_create(hal_backend_find("sim"), &mc, &f.m), 0);
	assert_int_equal(hyp_init(f.m, &hc, &f.h), 0);
	assert_int_equal(hyp_spec_attach(f.h, &hc, &f.spec), 0);
	hyp_spec_set_mode(f.spec, HYP_SPEC_REPORT);
	assert_int_equal(init_vm(&f, true, &handle), 0);
	f.prot = (uint32_t)handle;
	assert_int_equal(init_vm(&f, false, &handle), 0);
	f.normal = (uint32_t)handle;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	configure(NULL);
	hyp_destroy(f->h);
	hal_machine_destroy(f->m);
	return 0;
}

static void assert_host_owns(struct fixture *f, uint64_t pfn)
{
	enum hyp_page_state host, hyp;
	uint32_t owner;

	assert_int_equal(hyp_query_page(f->h, pfn, &host, &hyp, &owner), 0);
	assert_int_equal(host, HYP_PAGE_OWNED);
	assert_int_equal(hyp, HYP_PAGE_NOPAGE);
}

static void test_host_call_fails_at_entry(void **state)
{
	struct fixture *f = *state;
	uint64_t pfn = PFN(BASE) + 40, handle = 0;
	struct hyp_regs r = { .x = { 0xc6000100u + 0x7f, 1, 2, 3 } };

	/* The second host call made from here fails, and only that one. */
	configure("hyp.host_call:at=2");
	assert_int_equal(pool_free(f), POOL_PAGES - 2);			/* hit 1 */
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, pfn, 0, 0), -ENOMEM);	/* hit 2 */
	assert_host_owns(f, pfn);
	assert_int_equal(fault_fired("hyp.host_call"), 1);
	/* An unknown id is NOT_SUPPORTED, and is not a hit. */
	hyp_host_call(f->h, &r);
	assert_int_equal(r.x[0], HYP_SMCCC_NOT_SUPPORTED);
	assert_int_equal(fault_hits("hyp.host_call"), 2);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, pfn, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_UNSHARE_HYP, pfn, 0, 0), 0);

	/* Every call fails: INIT_VM touches no register but x0 and x1, and no VM appears. */
	configure("hyp.host_call");
	assert_int_equal(init_vm(f, false, &handle), -ENOMEM);
	assert_int_equal(handle, 1);		/* x2 as it went in: nr_vcpus, no handle */
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, f->normal, 40, 1), -ENOMEM);
	assert_int_equal(call(f, HYP_HOST_START_TEARDOWN, f->normal, 0, 0), -ENOMEM);
	assert_int_equal(hyp_query_vms(f->h, NULL, 0), 2);
	configure(NULL);
	assert_int_equal(hyp_spec_check(f->spec), 0);
}

static void test_pool_gives_no_page(void **state)
{
	struct fixture *f = *state;
	uint64_t pfn = PFN(BASE) + 40, handle = 0;
	uint64_t before = pool_free(f);

	configure("hyp.pool_oom");
	/* A gfn with no tables yet needs two: none comes, nothing is mapped, nothing is
	 * taken from the pool (the spec predicts it with an empty pool). */
	assert_int_equal(call(f, HYP_HOST_SHARE_GUEST, pfn, f->normal, 0x80000), -ENOMEM);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn, f->prot, 0x80000), -ENOMEM);
	assert_int_equal(init_vm(f, false, &handle), -ENOMEM);
	assert_int_equal(handle, 0);
	assert_host_owns(f, pfn);
	assert_int_equal(pool_free(f), before);
	/* Hits are the calls that may take pages: POOL_INFO and SHARE_HYP are not. */
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, pfn + 1, 0, 0), 0);
	assert_int_equal(fault_hits("hyp.pool_oom"), 3);
	configure(NULL);
	/* With the pool back, the tables come and the same share works; then a neighbour
	 * whose tables exist needs no page, so it works even with the pool "empty". */
	assert_int_equal(call(f, HYP_HOST_SHARE_GUEST, pfn, f->normal, 0x80000), 0);
	assert_int_equal(pool_free(f), before - 2);
	configure("hyp.pool_oom");
	assert_int_equal(call(f, HYP_HOST_SHARE_GUEST, pfn + 2, f->normal, 0x80001), 0);
	assert_int_equal(fault_fired("hyp.pool_oom"), 1);
	configure(NULL);
	assert_int_equal(hyp_spec_check(f->spec), 0);
}

static uint64_t guest_call(struct fixture *f, uint32_t fn, uint64_t a1)
{
	uint64_t args[7] = { fn, a1 }, ret[4];

	assert_int_equal(hyp_test_guest_call(f->h, args, ret), 1);
	agreed(f);
	return ret[0];
}

static void test_guest_share_fails(void **state)
{
	struct fixture *f = *state;
	uint64_t pfn = PFN(BASE) + 40, run_pfn = pfn + 1, gfn = 0x80000;
	enum hyp_page_state st;
	uint64_t mapped;

	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn, f->prot, gfn), 0);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, run_pfn, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, f->prot, 0, run_pfn), 0);
	assert_int_equal(call(f, HYP_HOST_VCPU_LOAD, f->prot, 0, 0), 0);

	configure("hyp.guest_share:at=1");
	assert_int_equal(guest_call(f, HYP_GUEST_MEM_SHARE, gfn << 12), SMCCC_INVALID);
	assert_int_equal(hyp_query_guest(f->h, f->prot, gfn, &st, &mapped), 0);
	assert_int_equal(st, HYP_PAGE_OWNED);		/* nothing changed */
	assert_int_equal(guest_call(f, HYP_GUEST_MEM_SHARE, gfn << 12), SMCCC_SUCCESS);
	assert_int_equal(hyp_query_guest(f->h, f->prot, gfn, &st, &mapped), 0);
	assert_int_equal(st, HYP_PAGE_SHARED_OWNED);

	configure("hyp.guest_share");
	assert_int_equal(guest_call(f, HYP_GUEST_MEM_UNSHARE, gfn << 12), SMCCC_INVALID);
	assert_int_equal(hyp_query_guest(f->h, f->prot, gfn, &st, &mapped), 0);
	assert_int_equal(st, HYP_PAGE_SHARED_OWNED);
	/* Other guest calls are not hits, and are not failed. */
	assert_int_equal(guest_call(f, HYP_GUEST_HYP_MEMINFO, 0), 4096);
	assert_int_equal(fault_hits("hyp.guest_share"), 1);
	configure(NULL);
	assert_int_equal(guest_call(f, HYP_GUEST_MEM_UNSHARE, gfn << 12), SMCCC_SUCCESS);
	assert_int_equal(hyp_query_guest(f->h, f->prot, gfn, &st, &mapped), 0);
	assert_int_equal(st, HYP_PAGE_OWNED);
	assert_int_equal(call(f, HYP_HOST_VCPU_PUT, 0, 0, 0), 0);
}

/* A non-protected VM has no MEM_SHARE (NOT_SUPPORTED): the point is not even asked. */
static void test_guest_share_only_protected(void **state)
{
	struct fixture *f = *state;
	uint64_t run_pfn = PFN(BASE) + 41;

	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, run_pfn, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, f->normal, 0, run_pfn), 0);
	assert_int_equal(call(f, HYP_HOST_VCPU_LOAD, f->normal, 0, 0), 0);
	configure("hyp.guest_share");
	assert_int_equal(guest_call(f, HYP_GUEST_MEM_SHARE, 0x80000000), (uint64_t)-1);
	assert_int_equal(fault_hits("hyp.guest_share"), 0);
	configure(NULL);
	assert_int_equal(call(f, HYP_HOST_VCPU_PUT, 0, 0, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_host_call_fails_at_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_gives_no_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_share_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_share_only_protected, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
