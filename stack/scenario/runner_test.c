// SPDX-License-Identifier: MIT
/*
 * The runner's pure parts: checks against VM records (each key, pass and the exact
 * failure message), skip decisions per mode, swarm plans, the trace hash.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "stack/scenario/runner.h"
#include "stack/scenario/swarm.h"

static struct scenario *parse(const char *text)
{
	struct scenario *sc;
	char err[512] = "";

	if (scenario_parse_buffer("s.yaml", text, strlen(text), &sc, err, sizeof(err)))
		fail_msg("parse: %s", err);
	return sc;
}

static const char checks[] =
	"name: c\ndescription: x\nvms: {a: {payload: testguest}}\nsteps: [{start: a}]\n"
	"expect:\n"
	"  - {vm: a, death: [shutdown, reboot]}\n"			/* 0 */
	"  - {vm: a, events: [started, ready, died]}\n"			/* 1 */
	"  - {vm: a, no_events: [error]}\n"				/* 2 */
	"  - {vm: a, console_contains: [hello, bye]}\n"			/* 3 */
	"  - {vm: a, console_regex: 'h[a-z]+o'}\n"			/* 4 */
	"  - {vm: a, exit_code: 3}\n"					/* 5 */
	"  - {vm: a, state: dead}\n"					/* 6 */
	"  - {vm: a, marks: [1, 3]}\n"					/* 7 */
	"  - {faults_fired: {blk.io_error: 2}}\n"			/* 8 */
	"  - {pages_leaked: 0}\n";					/* 9 */

static uint64_t fired_two(const char *point)
{
	return !strcmp(point, "blk.io_error") ? 2 : 0;
}

static void test_checks_hold(void **state)
{
	struct scenario *sc = parse(checks);
	struct sc_vmrec r = { 0 };
	struct sc_det_facts det = { .fault_fired = fired_two, .teardown_done = true };
	char why[512];

	(void)state;
	sc_rec_event(&r, SC_EV_STARTED);
	sc_rec_event(&r, SC_EV_READY);
	sc_rec_event(&r, SC_EV_FINISHED);
	sc_rec_event(&r, SC_EV_DIED);
	r.death = SVC_DEATH_REBOOT;
	r.finished = true;
	r.exit_code = 3;
	r.marks[0] = 1, r.marks[1] = 2, r.marks[2] = 3, r.nr_marks = 3;
	sc_rec_console(&r, "hello ", 6);
	sc_rec_console(&r, "bye\n", 4);
	assert_int_equal(r.state, SC_STATE_DEAD);
	for (unsigned i = 0; i < sc->nr_expects; i++)
		if (sc_check_eval(sc, &sc->expects[i], &r, &det, why, sizeof(why)))
			fail_msg("check %u: %s", i, why);
	sc_rec_free(&r);
	scenario_free(sc);
}

static void test_checks_fail_with_messages(void **state)
{
	static const char *const expected[] = {
		"vm a: death: expected shutdown or reboot, got crash: the guest faulted",
		"vm a: events: expected started, ready, died in this order, got started, error, "
		"died",
		"vm a: no_events: 'error' happened",
		"vm a: console_contains: 'hello' not in the console (5 bytes)",
		"vm a: console_regex: 'h[a-z]+o' matches nowhere in the console (5 bytes)",
		"vm a: exit_code: expected 3, but the payload never reported finished",
		NULL,	/* state: dead holds */
		"vm a: marks: expected 2 marks in order, the guest reported 2",
		"faults_fired: blk.io_error: expected 2, fired 0",
		"pages_leaked: expected 0, got 4",
	};
	struct scenario *sc = parse(checks);
	struct sc_vmrec r = { 0 };
	struct sc_det_facts det = { .teardown_done = true, .pages_leaked = 4 };
	char why[512];

	(void)state;
	sc_rec_event(&r, SC_EV_STARTED);
	sc_rec_event(&r, SC_EV_ERROR);
	sc_rec_event(&r, SC_EV_DIED);
	r.death = SVC_DEATH_CRASH;
	snprintf(r.message, sizeof(r.message), "the guest faulted");
	r.marks[0] = 3, r.marks[1] = 1, r.nr_marks = 2;
	sc_rec_console(&r, "HELLO", 5);
	for (unsigned i = 0; i < sc->nr_expects; i++) {
		int rc = sc_check_eval(sc, &sc->expects[i], &r, &det, why, sizeof(why));

		if (!expected[i]) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_string_equal(why, expected[i]);
	}
	sc_rec_free(&r);
	scenario_free(sc);
}

static void skip_of(const char *text, enum sc_mode mode, char *buf, size_t len)
{
	struct scenario *sc = parse(text);
	struct sc_run_opts o = { .mode = mode, .backend = SC_BACKEND_SIM, .swarm_index = -1 };

	sc_skip_reason(sc, &o, buf, len);
	scenario_free(sc);
}

static void test_skip_reasons(void **state)
{
	char buf[512];

	(void)state;
	skip_of("name: s\ndescription: x\nvms: {a: {payload: raw-spin}}\n"
		"steps: [{start: a}, {release: {vm: a, token: 1}}]\n", SC_MODE_PROCESS, buf,
		sizeof(buf));
	assert_string_equal(buf, "s.yaml:4:22: step 2 (release) needs det mode");
	skip_of("name: s\ndescription: x\nvms: {a: {payload: raw-spin}}\n"
		"steps: [{start: a}, {restart_service: {}}]\n", SC_MODE_DET, buf, sizeof(buf));
	assert_string_equal(buf, "s.yaml:4:22: step 2 (restart_service) needs process mode");
	skip_of("name: s\ndescription: x\nvms: {a: {payload: testguest, bootargs: x}}\n"
		"steps: [{start: a}]\n", SC_MODE_PROCESS, buf, sizeof(buf));
	assert_string_equal(buf, "s.yaml:3:7: vm a: bootargs needs det mode (the service "
			    "passes no kernel command line)");
	skip_of("name: s\ndescription: x\nmodes: [det]\nvms: {a: {payload: raw-spin}}\n"
		"steps: [{start: a}]\n", SC_MODE_PROCESS, buf, sizeof(buf));
	assert_string_equal(buf, "the scenario's modes do not include process");
	skip_of("name: s\ndescription: x\nvms: {a: {payload: raw-spin}}\n"
		"steps: [{start: a}]\nexpect: [{pages_leaked: 0}]\n", SC_MODE_PROCESS, buf,
		sizeof(buf));
	assert_string_equal(buf, "s.yaml:5:10: expect: checks marks, host_result, faults_fired "
			    "or pages_leaked: needs det mode");
	skip_of("name: s\ndescription: x\nvms: {a: {payload: raw-spin}}\n"
		"steps: [{start: a}]\nexpect: [{pages_leaked: 0}]\n", SC_MODE_DET, buf,
		sizeof(buf));
	assert_string_equal(buf, "");
	/* net: det mode runs it on its in-process switch; process mode has none yet. */
	skip_of("name: s\ndescription: x\nvms: {a: {payload: hello, net: true}}\n"
		"steps: [{start: a}]\n", SC_MODE_DET, buf, sizeof(buf));
	assert_string_equal(buf, "");
	skip_of("name: s\ndescription: x\nvms: {a: {payload: hello, net: true}}\n"
		"steps: [{start: a}]\n", SC_MODE_PROCESS, buf, sizeof(buf));
	assert_string_equal(buf, "s.yaml:3:7: vm a: net: process mode does not start a network "
			    "switch yet");
}

static void test_swarm_plan(void **state)
{
	struct scenario *sc = parse("name: w\ndescription: x\nswarm: [blk.io_error, vsock.drop]\n"
				    "vms: {a: {payload: raw-off}}\nsteps: [{start: a}]\n");
	struct sc_swarm_run a, b, one;
	unsigned with_faults = 0;

	(void)state;
	sc_swarm_plan(sc, 10, 16, "net.drop", &a);
	sc_swarm_plan(sc, 10, 16, "net.drop", &b);
	assert_int_equal(a.n, 16);
	for (unsigned k = 0; k < a.n; k++) {
		assert_int_equal(a.seed[k], 10 + k);
		assert_string_equal(a.faults[k], b.faults[k]);
		assert_int_equal(strncmp(a.faults[k], "net.drop", 8), 0);
		with_faults += strlen(a.faults[k]) > strlen("net.drop");
	}
	/* A random subset each time: some runs add faults, some do not. */
	assert_true(with_faults > 0 && with_faults < 16);
	sc_swarm_plan(sc, 10, 0, NULL, &one);
	assert_int_equal(one.n, 1);
	assert_int_equal(one.seed[0], 10);
	assert_string_equal(one.faults[0], "");
	sc_swarm_free(&a);
	sc_swarm_free(&b);
	sc_swarm_free(&one);
	scenario_free(sc);
}

static void test_trace_hash(void **state)
{
	struct sc_trace a, b;

	(void)state;
	sc_trace_init(&a, NULL);
	sc_trace_init(&b, NULL);
	/* FNV-1a 64 of "" is its offset basis; of "a" a known value. */
	assert_int_equal(a.hash, 0xcbf29ce484222325ull);
	assert_int_equal(sc_fnv1a(0xcbf29ce484222325ull, "a", 1), 0xaf63dc4c8601ec8cull);
	sc_trace_add(&a, "step %u %s", 0u, "start");
	sc_trace_add(&b, "step 0 start");
	assert_int_equal(a.hash, b.hash);
	sc_trace_bytes(&a, "x", 1);
	assert_int_not_equal(a.hash, b.hash);
}

/* host_result: each of ok, refused, fault against the last access; none yet. */
static void test_host_result_check(void **state)
{
	struct scenario *sc = parse("name: h\ndescription: x\nvms: {a: {payload: testguest}}\n"
				    "steps: [{start: a}]\n"
				    "expect: [{vm: a, host_result: fault}]\n");
	struct sc_vmrec r = { 0 };
	struct sc_det_facts det = { .teardown_done = true };
	char why[512];

	(void)state;
	assert_int_equal(sc_check_eval(sc, &sc->expects[0], &r, &det, why, sizeof(why)), -1);
	assert_string_equal(why, "vm a: host_result: expected fault, got no host access yet");
	r.host_done = true;
	r.host_result = SC_HOST_REFUSED;
	assert_int_equal(sc_check_eval(sc, &sc->expects[0], &r, &det, why, sizeof(why)), -1);
	assert_string_equal(why, "vm a: host_result: expected fault, got refused");
	r.host_result = SC_HOST_FAULT;
	assert_int_equal(sc_check_eval(sc, &sc->expects[0], &r, &det, why, sizeof(why)), 0);
	scenario_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_result_check),
		cmocka_unit_test(test_checks_hold),
		cmocka_unit_test(test_checks_fail_with_messages),
		cmocka_unit_test(test_skip_reasons),
		cmocka_unit_test(test_swarm_plan),
		cmocka_unit_test(test_trace_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
