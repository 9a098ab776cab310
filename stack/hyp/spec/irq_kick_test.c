// SPDX-License-Identifier: MIT
/*
 * SET_IRQ and VCPU_KICK, with the executable specification installed: every result is
 * pinned here and predicted by the specification (which must agree after each call),
 * and a kick from another thread ends a run that would never end by itself, which is
 * the reason the call exists (and proves that the specification lets a running vCPU be
 * kicked instead of serialising the kick behind the run).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stack/hyp/spec/spec.h"

#define BASE		0x40000000ull
#define SIZE		(8ull << 20)
#define POOL		(BASE + SIZE - (1ull << 20))
#define POOL_PAGES	256
#define PFN(pa)		((pa) >> 12)
#define GICD		0x3fff0000ull
#define GICR		0x3ffd0000ull
#define NR_SPIS		64

struct fixture {
	struct hal_machine *m;
	struct hyp *h;
	struct hyp_spec *spec;
	uint32_t vm;		/* non-protected, 2 vCPUs, vCPU 0 initialised */
	uint64_t code_pfn, flag_pfn, run_pfn;
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

/*
 * The guest: store 1 at IPA 0x80001000 (a page shared with the host, so the test sees
 * that the guest is running), then branch to itself forever.
 */
static const uint32_t spin_guest[] = {
	0xd2b00001u,	/* movz x1, #0x8000, lsl #16 */
	0xf2820001u,	/* movk x1, #0x1000 */
	0xd2800020u,	/* movz x0, #1 */
	0xf9000020u,	/* str x0, [x1] */
	0x14000000u,	/* b . */
};

static int setup(void **state)
{
	static struct fixture f;
	struct hal_machine_config mc = { .phys_base = BASE, .phys_size = SIZE, .seed = 1 };
	struct hyp_config hc = { .pool_base = hal_pa(POOL), .pool_pages = POOL_PAGES };
	uint64_t handle = 0;

	memset(&f, 0, sizeof(f));
	assert_int_equal(hal_machine_create(hal_backend_find("sim"), &mc, &f.m), 0);
	assert_int_equal(hyp_init(f.m, &hc, &f.h), 0);
	assert_int_equal(hyp_spec_attach(f.h, &hc, &f.spec), 0);
	hyp_spec_set_mode(f.spec, HYP_SPEC_REPORT);
	assert_int_equal(hyp_call(f.h, HYP_HOST_INIT_VM, 0, 2, 36, GICD, GICR, NR_SPIS,
				  &handle), 0);
	f.vm = (uint32_t)handle;
	f.code_pfn = PFN(BASE) + 16;
	f.flag_pfn = f.code_pfn + 1;
	f.run_pfn = f.code_pfn + 2;
	assert_int_equal(hal_host_write(f.m, hal_pa(f.code_pfn << 12), spin_guest,
					sizeof(spin_guest), NULL), 0);
	assert_int_equal(call(&f, HYP_HOST_SHARE_GUEST, f.code_pfn, f.vm, 0x80000), 0);
	assert_int_equal(call(&f, HYP_HOST_SHARE_GUEST, f.flag_pfn, f.vm, 0x80001), 0);
	assert_int_equal(call(&f, HYP_HOST_SHARE_HYP, f.run_pfn, 0, 0), 0);
	assert_int_equal(hyp_call(f.h, HYP_HOST_INIT_VCPU, f.vm, 0, f.run_pfn, 0x80000000, 0,
				  0, NULL), 0);
	agreed(&f);
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

static void test_set_irq_results(void **state)
{
	struct fixture *f = *state;
	uint64_t pool_before = 0, pool_after = 1;

	assert_int_equal(hyp_call(f->h, HYP_HOST_POOL_INFO, 0, 0, 0, 0, 0, 0, &pool_before), 0);
	/* Checks that need no VM come first: even a bad handle gets -EINVAL for these. */
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, 0x999, 40, 2), -EINVAL);
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, 0x999, 31, 1), -EINVAL);	/* a PPI */
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, 0x999, 0, 1), -EINVAL);	/* an SGI */
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, 0x999, 40, 1), -ENOENT);
	/* The VM's SPIs are 32 .. 32 + 64 - 1. */
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, f->vm, 32 + NR_SPIS, 1), -EINVAL);
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, f->vm, 1ull << 32 | 40, 1), -EINVAL);
	/* vCPU 1 is not initialised yet: no GIC to drive. */
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, f->vm, 32, 1), -EBUSY);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, f->run_pfn + 1, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, f->vm, 1, f->run_pfn + 1), 0);
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, f->vm, 32, 1), 0);
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, f->vm, 32 + NR_SPIS - 1, 1), 0);
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, f->vm, 32 + NR_SPIS - 1, 1), 0);
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, f->vm, 32 + NR_SPIS - 1, 0), 0);
	/* No page or pool changes. */
	assert_int_equal(hyp_call(f->h, HYP_HOST_POOL_INFO, 0, 0, 0, 0, 0, 0, &pool_after), 0);
	assert_int_equal(pool_after, pool_before);
	/* Dying: -EBUSY; gone: -ENOENT. */
	assert_int_equal(call(f, HYP_HOST_START_TEARDOWN, f->vm, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, f->vm, 40, 1), -EBUSY);
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, f->vm, 40, 2), -EINVAL);
	assert_int_equal(call(f, HYP_HOST_VCPU_KICK, f->vm, 0, 0), -EBUSY);
	assert_int_equal(call(f, HYP_HOST_RECLAIM_PAGE, f->code_pfn, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_RECLAIM_PAGE, f->flag_pfn, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_FINALIZE_TEARDOWN, f->vm, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_SET_IRQ, f->vm, 40, 1), -ENOENT);
	assert_int_equal(call(f, HYP_HOST_VCPU_KICK, f->vm, 0, 0), -ENOENT);
}

static uint32_t exit_reason(struct fixture *f)
{
	struct hyp_vcpu_run run;

	assert_int_equal(hal_host_read(f->m, hal_pa(f->run_pfn << 12), &run, sizeof(run),
				       NULL), 0);
	return run.exit_reason;
}

static void test_kick_results(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(call(f, HYP_HOST_VCPU_KICK, 0x999, 0, 0), -ENOENT);
	assert_int_equal(call(f, HYP_HOST_VCPU_KICK, f->vm, 2, 0), -EINVAL);	/* 2 vCPUs */
	assert_int_equal(call(f, HYP_HOST_VCPU_KICK, f->vm, 1, 0), -EINVAL);	/* not init */
	/* A kick before the run ends the next run; two kicks still end only one. */
	assert_int_equal(call(f, HYP_HOST_VCPU_KICK, f->vm, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_VCPU_KICK, f->vm, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_VCPU_LOAD, f->vm, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_VCPU_RUN, 1000, 0, 0), 0);
	assert_int_equal(exit_reason(f), HYP_EXIT_KICKED);
	assert_int_equal(call(f, HYP_HOST_VCPU_RUN, 1000, 0, 0), 0);
	assert_int_equal(exit_reason(f), HYP_EXIT_PREEMPTED);	/* the budget, not a kick */
	/* Loaded on this thread or not, any thread may kick it. */
	assert_int_equal(call(f, HYP_HOST_VCPU_KICK, f->vm, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_VCPU_RUN, 1000, 0, 0), 0);
	assert_int_equal(exit_reason(f), HYP_EXIT_KICKED);
	assert_int_equal(call(f, HYP_HOST_VCPU_PUT, 0, 0, 0), 0);
}

/* The vCPU's thread: one run without a budget, which only a kick can end. */
static void *run_unbounded(void *arg)
{
	struct fixture *f = arg;
	int64_t *rc = calloc(3, sizeof(*rc));

	rc[0] = hyp_call(f->h, HYP_HOST_VCPU_LOAD, f->vm, 0, 0, 0, 0, 0, NULL);
	rc[1] = hyp_call(f->h, HYP_HOST_VCPU_RUN, 0, 0, 0, 0, 0, 0, NULL);
	rc[2] = hyp_call(f->h, HYP_HOST_VCPU_PUT, 0, 0, 0, 0, 0, 0, NULL);
	return rc;
}

static void test_kick_from_another_thread(void **state)
{
	struct fixture *f = *state;
	volatile uint64_t *flag = hal_phys_ptr(f->m, hal_pa(f->flag_pfn << 12), 8, false);
	pthread_t t;
	int64_t *rc;
	unsigned long host_calls, guest_calls;

	assert_non_null(flag);
	*flag = 0;
	assert_int_equal(pthread_create(&t, NULL, run_unbounded, f), 0);
	/* Wait until the guest runs: then the kick arrives inside VCPU_RUN, while the
	 * other thread is in the guest (and the spec is between that run's hooks). */
	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) != 1)
		sched_yield();
	assert_int_equal(call(f, HYP_HOST_VCPU_KICK, f->vm, 0, 0), 0);
	assert_int_equal(pthread_join(t, (void **)&rc), 0);
	assert_int_equal(rc[0], 0);
	assert_int_equal(rc[1], 0);
	assert_int_equal(rc[2], 0);
	free(rc);
	assert_int_equal(exit_reason(f), HYP_EXIT_KICKED);
	agreed(f);
	assert_int_equal(hyp_spec_check(f->spec), 0);
	hyp_spec_counts(f->spec, &host_calls, &guest_calls);
	assert_int_equal(guest_calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set_irq_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kick_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kick_from_another_thread, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
