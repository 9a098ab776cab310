// SPDX-License-Identifier: MIT
/*
 * The det-mode scheduler against fake VMs: each round is a permutation of the live VMs
 * drawn from the seed (the same seed gives the same interleaving, other seeds others),
 * and sc_sched_run stops for the documented reasons: done, deadline, deadlock, nothing
 * left to run, a failing turn.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "stack/scenario/runner.h"

struct fake {
	unsigned turns_left[SC_MAX_VMS];	/* turns until the VM ends (UINT32_MAX: never) */
	bool idle[SC_MAX_VMS];
	uint64_t now, step_ns, next_timer;	/* next_timer 0: none */
	unsigned log[256], nr_log;
	unsigned done_after;			/* done() once this many turns ran (0: never) */
	int fail_turn;				/* -errno from turn number N (1-based), or 0 */
	unsigned fail_at;
};

static int f_turn(void *ctx, unsigned i, bool *idle)
{
	struct fake *f = ctx;

	if (f->nr_log < 256)
		f->log[f->nr_log] = i;
	f->nr_log++;
	if (f->fail_at && f->nr_log == f->fail_at)
		return f->fail_turn;
	f->now += f->step_ns;
	*idle = f->idle[i];
	if (f->turns_left[i] != UINT32_MAX && --f->turns_left[i] == 0)
		return 1;
	return 0;
}

static int f_advance(void *ctx)
{
	struct fake *f = ctx;

	if (!f->next_timer)
		return -ENOENT;
	f->now = f->next_timer;
	f->next_timer = 0;
	for (unsigned i = 0; i < SC_MAX_VMS; i++)
		f->idle[i] = false;
	return 0;
}

static uint64_t f_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static bool f_done(void *ctx)
{
	struct fake *f = ctx;

	return f->done_after && f->nr_log >= f->done_after;
}

static const struct sc_sched_ops ops = {
	.turn = f_turn, .advance_idle = f_advance, .now = f_now, .done = f_done,
};

static void test_order_is_a_permutation_of_live(void **state)
{
	bool live[5] = { true, false, true, true, true };
	struct sc_sched s;
	unsigned order[5];

	(void)state;
	sc_sched_init(&s, 7);
	for (int round = 0; round < 50; round++) {
		unsigned seen = 0, k = sc_sched_order(&s, live, 5, order);

		assert_int_equal(k, 4);
		for (unsigned i = 0; i < k; i++) {
			assert_true(order[i] < 5 && live[order[i]]);
			assert_false(seen & (1u << order[i]));
			seen |= 1u << order[i];
		}
	}
}

/* The order of 40 rounds of 4 VMs, as one number per round. */
static void rounds(uint64_t seed, unsigned *out)
{
	bool live[4] = { true, true, true, true };
	struct sc_sched s;
	unsigned order[4];

	sc_sched_init(&s, seed);
	for (int r = 0; r < 40; r++) {
		sc_sched_order(&s, live, 4, order);
		out[r] = order[0] * 64 + order[1] * 16 + order[2] * 4 + order[3];
	}
}

static void test_same_seed_same_interleaving(void **state)
{
	unsigned a[40], b[40], c[40];
	unsigned distinct = 0;

	(void)state;
	rounds(42, a);
	rounds(42, b);
	rounds(43, c);
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, c, sizeof(a));
	/* Not a fixed rotation: several different orders occur. */
	for (int r = 1; r < 40; r++)
		distinct += a[r] != a[0];
	assert_true(distinct > 10);
}

static void test_runs_until_done(void **state)
{
	struct fake f = { .step_ns = 10, .done_after = 7 };
	bool live[3] = { true, true, true };
	struct sc_sched s;
	int err = 0;

	(void)state;
	for (int i = 0; i < 3; i++)
		f.turns_left[i] = UINT32_MAX;
	sc_sched_init(&s, 1);
	assert_int_equal(sc_sched_run(&s, &ops, &f, live, 3, 1000000, &err), SC_SCHED_DONE);
	/* done() is asked between rounds: 7 turns need three whole rounds. */
	assert_int_equal(f.nr_log, 9);
}

static void test_deadline(void **state)
{
	struct fake f = { .step_ns = 100 };
	bool live[2] = { true, true };
	struct sc_sched s;
	int err = 0;

	(void)state;
	f.turns_left[0] = f.turns_left[1] = UINT32_MAX;
	sc_sched_init(&s, 1);
	assert_int_equal(sc_sched_run(&s, &ops, &f, live, 2, 1000, &err), SC_SCHED_TIMEOUT);
	assert_int_equal(f.now, 1000);
	assert_int_equal(f.nr_log, 10);
}

static void test_idle_advances_then_deadlocks(void **state)
{
	struct fake f = { .step_ns = 1, .next_timer = 500 };
	bool live[2] = { true, true };
	struct sc_sched s;
	int err = 0;

	(void)state;
	f.turns_left[0] = f.turns_left[1] = UINT32_MAX;
	f.idle[0] = f.idle[1] = true;
	sc_sched_init(&s, 3);
	/* All idle: the clock jumps to the timer (500); the woken VMs stay busy, so the
	 * deadline ends the run. */
	assert_int_equal(sc_sched_run(&s, &ops, &f, live, 2, 600, &err), SC_SCHED_TIMEOUT);
	assert_true(f.now >= 600);
	/* All idle and no timer: nothing can happen any more. */
	f.idle[0] = f.idle[1] = true;
	f.nr_log = 0;
	assert_int_equal(sc_sched_run(&s, &ops, &f, live, 2, 1000000, &err), SC_SCHED_DEADLOCK);
	assert_int_equal(f.nr_log, 2);
}

static void test_ended_vms_leave_the_rotation(void **state)
{
	struct fake f = { .step_ns = 1 };
	bool live[3] = { true, true, true };
	struct sc_sched s;
	unsigned count[3] = { 0 };
	int err = 0;

	(void)state;
	f.turns_left[0] = 1;
	f.turns_left[1] = 3;
	f.turns_left[2] = 5;
	sc_sched_init(&s, 9);
	assert_int_equal(sc_sched_run(&s, &ops, &f, live, 3, 1000000, &err), SC_SCHED_NOTHING);
	for (unsigned i = 0; i < f.nr_log; i++)
		count[f.log[i]]++;
	assert_int_equal(count[0], 1);
	assert_int_equal(count[1], 3);
	assert_int_equal(count[2], 5);
	assert_false(live[0] || live[1] || live[2]);
}

static void test_failing_turn(void **state)
{
	struct fake f = { .step_ns = 1, .fail_at = 4, .fail_turn = -EIO };
	bool live[2] = { true, true };
	struct sc_sched s;
	int err = 0;

	(void)state;
	f.turns_left[0] = f.turns_left[1] = UINT32_MAX;
	sc_sched_init(&s, 1);
	assert_int_equal(sc_sched_run(&s, &ops, &f, live, 2, 1000000, &err), SC_SCHED_ERROR);
	assert_int_equal(err, -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_is_a_permutation_of_live),
		cmocka_unit_test(test_same_seed_same_interleaving),
		cmocka_unit_test(test_runs_until_done),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_idle_advances_then_deadlocks),
		cmocka_unit_test(test_ended_vms_leave_the_rotation),
		cmocka_unit_test(test_failing_turn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
