// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/fault/fault.h"

static int teardown(void **state)
{
	(void)state;
	return fault_configure(NULL, NULL, 0);
}

static void nothing_configured_never_fires(void **state)
{
	(void)state;
	for (int i = 0; i < 100; i++)
		assert_false(fault_hit("blk.io_error"));
	assert_int_equal(fault_hits("blk.io_error"), 0);
	assert_string_equal(fault_spec(), "");
}

static void at_fires_once_on_the_nth_hit(void **state)
{
	(void)state;
	assert_int_equal(fault_configure("blk.io_error:at=3", NULL, 0), 0);
	assert_false(fault_hit("blk.io_error"));
	assert_false(fault_hit("blk.io_error"));
	assert_false(fault_hit("vsock.drop"));	/* another point: not counted */
	assert_true(fault_hit("blk.io_error"));
	assert_false(fault_hit("blk.io_error"));
	assert_int_equal(fault_hits("blk.io_error"), 4);
	assert_int_equal(fault_fired("blk.io_error"), 1);
}

static void after_and_times(void **state)
{
	(void)state;
	assert_int_equal(fault_configure("hyp.pool_oom:after=2:times=2", NULL, 0), 0);
	assert_false(fault_hit("hyp.pool_oom"));
	assert_false(fault_hit("hyp.pool_oom"));
	assert_true(fault_hit("hyp.pool_oom"));
	assert_true(fault_hit("hyp.pool_oom"));
	assert_false(fault_hit("hyp.pool_oom"));
	assert_int_equal(fault_fired("hyp.pool_oom"), 2);
}

static void no_trigger_fires_always(void **state)
{
	(void)state;
	assert_int_equal(fault_configure("net.drop", NULL, 0), 0);
	for (int i = 0; i < 10; i++)
		assert_true(fault_hit("net.drop"));
}

/* The same seed gives the same sequence; another seed another one; the rate is near p. */
static void probability_is_seeded(void **state)
{
	char a[200], b[200], c[200];
	int fired = 0;

	(void)state;
	assert_int_equal(fault_configure("vsock.drop:p=250:seed=7", NULL, 0), 0);
	for (int i = 0; i < 200; i++)
		fired += (a[i] = fault_hit("vsock.drop"));
	assert_int_equal(fault_configure("vsock.drop:p=250:seed=7", NULL, 0), 0);
	for (int i = 0; i < 200; i++)
		b[i] = fault_hit("vsock.drop");
	assert_int_equal(fault_configure("vsock.drop:p=250:seed=8", NULL, 0), 0);
	for (int i = 0; i < 200; i++)
		c[i] = fault_hit("vsock.drop");
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, c, sizeof(a));
	assert_in_range(fired, 25, 75);		/* 50 expected; binomial sd ~6 */
}

static void vm_filter(void **state)
{
	(void)state;
	assert_int_equal(fault_configure("vmm.crash.mmio:vm=alpha", NULL, 0), 0);
	assert_false(fault_hit_vm("vmm.crash.mmio", "beta"));
	assert_false(fault_hit("vmm.crash.mmio"));
	assert_true(fault_hit_vm("vmm.crash.mmio", "alpha"));
}

static void bad_specs_are_refused_and_keep_the_old_rules(void **state)
{
	static const struct { const char *spec, *msg; } bad[] = {
		{ "blk.io_eror", "unknown fault point 'blk.io_eror'" },
		{ "blk.io_error:at=0", "fault rule 'blk.io_error': at= counts from 1" },
		{ "blk.io_error:at=x", "fault rule 'blk.io_error': at=x is not a number" },
		{ "blk.io_error:p=1001", "fault rule 'blk.io_error': p= is per mille, 1..1000, not 1001" },
		{ "blk.io_error:at=1:p=5", "fault rule 'blk.io_error': choose one of at=, after=, p=" },
		{ "blk.io_error:colour=red", "fault rule 'blk.io_error': unknown option 'colour' (at, after, p, seed, times, vm)" },
		{ "blk.io_error:at", "fault rule 'blk.io_error': option 'at' has no '='" },
		{ "blk.io_error:times=0", "fault rule 'blk.io_error': times= must be at least 1" },
		{ "blk.io_error:at=-1", "fault rule 'blk.io_error': at=-1 is not a number" },
	};
	char err[160];

	(void)state;
	assert_int_equal(fault_configure("net.drop", NULL, 0), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(fault_configure(bad[i].spec, err, sizeof(err)), -EINVAL);
		assert_string_equal(err, bad[i].msg);
	}
	assert_string_equal(fault_spec(), "net.drop");
	assert_true(fault_hit("net.drop"));
}

static void env_and_catalogue(void **state)
{
	(void)state;
	setenv("AVF_FAULTS", "service.spawn:at=1,blk.short_read", 1);
	assert_int_equal(fault_configure_env(NULL, 0), 0);
	unsetenv("AVF_FAULTS");
	assert_true(fault_hit("service.spawn"));
	assert_true(fault_hit("blk.short_read"));
	assert_true(fault_point_known("hyp.guest_share"));
	assert_false(fault_point_known("hyp"));
	for (const struct fault_point *p = fault_points; p->name; p++)
		assert_true(strlen(p->name) < 48 && p->what[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(nothing_configured_never_fires, teardown),
		cmocka_unit_test_teardown(at_fires_once_on_the_nth_hit, teardown),
		cmocka_unit_test_teardown(after_and_times, teardown),
		cmocka_unit_test_teardown(no_trigger_fires_always, teardown),
		cmocka_unit_test_teardown(probability_is_seeded, teardown),
		cmocka_unit_test_teardown(vm_filter, teardown),
		cmocka_unit_test_teardown(bad_specs_are_refused_and_keep_the_old_rules, teardown),
		cmocka_unit_test_teardown(env_and_catalogue, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
