// SPDX-License-Identifier: MIT
/*
 * The scenario parser: a full scenario parses into the documented values, and every
 * kind of error in a file gives its exact "FILE:LINE:COL: message" (docs/SCENARIOS.md).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stack/scenario/scenario.h"
#include "stack/service/service.h"

static const char full[] =
	"name: t.full\n"
	"description: every field\n"
	"modes: [det]\n"
	"backends: [sim, kvm]\n"
	"seed: 0x10\n"
	"swarm: [blk.io_error]\n"
	"vms:\n"
	"  a:\n"
	"    payload: testguest\n"
	"    protected: yes\n"
	"    mem_mib: 32\n"
	"    vcpus: 2\n"
	"    debug: true\n"
	"    instance_id: 7\n"
	"    bootargs: testguest.end=reset\n"
	"    disks:\n"
	"      - size: 1M\n"
	"      - {image: d/x.img, read_only: true}\n"
	"    vsock: true\n"
	"  b: {payload: ./other.bin}\n"
	"faults:\n"
	"  - {point: blk.io_error, at: 3, times: 1, vm: a}\n"
	"steps:\n"
	"  - start: a\n"
	"  - stop: {vm: b}\n"
	"  - wait: {vm: a, state: dead, timeout_ms: 100}\n"
	"  - wait: {vm: a, mark: 4}\n"
	"  - release: {vm: a, token: 2}\n"
	"  - advance: {ms: 5}\n"
	"  - kill_vmm: a\n"
	"  - restart_service:\n"
	"  - host_read: {vm: a, ipa: 0x80000000, size: 16, result: refused}\n"
	"  - host_write: {vm: a, ipa: 0x80001000, data: \"hi\", result: ok}\n"
	"  - vsock_send: {vm: a, port: 5, data: ping}\n"
	"  - vsock_recv: {vm: a, port: 5, expect: pong}\n"
	"  - expect: {vm: a, death: [shutdown, crash], events: [started, died],\n"
	"             console_contains: [x, y], console_regex: 'a+b', exit_code: -3}\n"
	"expect:\n"
	"  - {pages_leaked: 0, faults_fired: {blk.io_error: '>0'}}\n";

static struct scenario *parse_ok(const char *text)
{
	struct scenario *sc;
	char err[512] = "";

	if (scenario_parse_buffer("dir/t.yaml", text, strlen(text), &sc, err, sizeof(err)))
		fail_msg("unexpected error: %s", err);
	return sc;
}

static void test_full_scenario(void **state)
{
	struct scenario *sc = parse_ok(full);
	const struct sc_step *s = sc->steps;

	(void)state;
	assert_string_equal(sc->name, "t.full");
	assert_int_equal(sc->modes, SC_MODE_DET);
	assert_int_equal(sc->backends, SC_BACKEND_SIM | SC_BACKEND_KVM);
	assert_int_equal(sc->seed, 16);
	assert_int_equal(sc->nr_swarm, 1);
	assert_int_equal(sc->nr_vms, 2);
	assert_string_equal(sc->vms[0].payload, "testguest");
	assert_true(sc->vms[0].builtin && sc->vms[0].protected_vm && sc->vms[0].debug);
	assert_int_equal(sc->vms[0].mem_mib, 32);
	assert_int_equal(sc->vms[0].vcpus, 2);
	assert_int_equal(sc->vms[0].instance_id, 7);
	assert_string_equal(sc->vms[0].bootargs, "testguest.end=reset");
	assert_int_equal(sc->vms[0].nr_disks, 2);
	assert_int_equal(sc->vms[0].disks[0].size, 1 << 20);
	assert_string_equal(sc->vms[0].disks[1].image, "dir/d/x.img");
	assert_true(sc->vms[0].disks[1].read_only);
	assert_string_equal(sc->vms[1].payload, "dir/./other.bin");
	assert_false(sc->vms[1].builtin);
	assert_int_equal(sc->vms[1].mem_mib, 64);
	assert_int_equal(sc->nr_faults, 1);
	assert_string_equal(sc->faults[0].spec, "blk.io_error:at=3:times=1:vm=a");
	assert_int_equal(sc->nr_steps, 13);
	assert_int_equal(s[0].kind, SC_STEP_START);
	assert_int_equal(s[0].vm, 0);
	assert_int_equal(s[0].loc.line, 24);
	assert_int_equal(s[0].loc.col, 5);
	assert_int_equal(s[1].vm, 1);
	assert_int_equal(s[2].wait_for, SC_WAIT_STATE);
	assert_int_equal(s[2].state, SC_STATE_DEAD);
	assert_int_equal(s[2].timeout_ms, 100);
	assert_int_equal(s[3].wait_for, SC_WAIT_MARK);
	assert_int_equal(s[3].mark, 4);
	assert_int_equal(s[3].timeout_ms, 5000);
	assert_int_equal(s[4].token, 2);
	assert_int_equal(s[5].ms, 5);
	assert_int_equal(s[6].kind, SC_STEP_KILL_VMM);
	assert_int_equal(s[7].kind, SC_STEP_RESTART_SERVICE);
	assert_int_equal(s[8].host_expect, SC_HOST_REFUSED);
	assert_null(s[8].expect_bytes);
	assert_int_equal(s[8].ipa, 0x80000000u);
	assert_int_equal(s[8].size, 16);
	assert_int_equal(s[9].host_expect, SC_HOST_OK);
	assert_int_equal(s[9].data_len, 2);
	assert_string_equal(s[10].data, "ping");
	assert_string_equal(s[11].expect_text, "pong");
	assert_int_equal(s[12].check.keys, SC_CK_DEATH | SC_CK_EVENTS | SC_CK_CONTAINS |
			 SC_CK_REGEX | SC_CK_EXIT_CODE);
	assert_int_equal(s[12].check.death_mask,
			 (1u << SVC_DEATH_SHUTDOWN) | (1u << SVC_DEATH_CRASH));
	assert_int_equal(s[12].check.exit_code, -3);
	assert_int_equal(s[12].check.nr_events, 2);
	assert_int_equal(s[12].check.events[1], SC_EV_DIED);
	assert_int_equal(s[12].check.nr_contains, 2);
	assert_int_equal(sc->nr_expects, 1);
	assert_int_equal(sc->expects[0].keys, SC_CK_PAGES_LEAKED | SC_CK_FAULTS_FIRED);
	assert_true(sc->expects[0].fired[0].at_least_one);
	scenario_free(sc);
}

static void test_defaults(void **state)
{
	struct scenario *sc = parse_ok("name: d\ndescription: x\nvms: {a: {payload: raw-off}}\n"
				       "steps: [{start: a}]\n");

	(void)state;
	assert_int_equal(sc->modes, SC_MODE_DET | SC_MODE_PROCESS);
	assert_int_equal(sc->backends, SC_BACKEND_SIM);
	assert_int_equal(sc->seed, 0);
	assert_int_equal(sc->vms[0].vcpus, 1);
	assert_false(sc->vms[0].protected_vm);
	assert_null(sc->vms[0].bootargs);
	assert_int_equal(sc->nr_faults, 0);
	assert_int_equal(sc->nr_expects, 0);
	scenario_free(sc);
}

#define HEAD_RPC "name: r\ndescription: x\nvms: {a: {payload: hello}}\n"
#define HEAD "name: e\ndescription: x\nvms:\n  a: {payload: testguest}\n"

static const struct {
	const char *text, *message;
} errors[] = {
	/* YAML syntax */
	{ "name: [a\n", "f.yaml:2:1: YAML: did not find expected ',' or ']'" },
	{ "a: &x 1\nb: *x\n", "f.yaml:2:4: aliases are not supported (*x)" },
	{ "a: !!int 1\n", "f.yaml:1:4: tags are not supported ('tag:yaml.org,2002:int')" },
	{ "a: 1\n---\nb: 2\n", "f.yaml:2:1: one scenario per file: a second document starts here" },
	{ "a: 1\na: 2\n", "f.yaml:2:1: duplicate key 'a'" },
	{ "", "f.yaml:1:1: the file is empty: a scenario is a mapping" },
	{ "- a\n", "f.yaml:1:1: a scenario is a mapping" },
	/* missing fields, unknown keys */
	{ "description: x\n", "f.yaml:1:1: the scenario: missing 'name'" },
	{ "name: e\ndescription: x\n", "f.yaml:1:1: the scenario: missing 'vms'" },
	{ HEAD, "f.yaml:1:1: the scenario: missing 'steps'" },
	{ HEAD "step: []\n", "f.yaml:5:1: unknown key 'step' in the scenario" },
	{ "name: e\ndescription: x\nvms: {a: {mem_mib: 8}}\n",
	  "f.yaml:3:10: a VM: missing 'payload'" },
	{ "name: e\ndescription: x\nvms: {a: {payload: testguest, cpus: 2}}\n",
	  "f.yaml:3:31: unknown key 'cpus' in a VM" },
	/* wrong types and ranges */
	{ "name: e\ndescription: x\nseed: abc\n", "f.yaml:3:7: seed: expected an integer, got 'abc'" },
	{ "name: e\ndescription: x\nseed: '1'\n", "f.yaml:3:7: seed: expected an integer, got '1'" },
	{ "name: [e]\n", "f.yaml:1:7: name: expected a string, got a list" },
	{ "name: E!\ndescription: x\n", "f.yaml:1:7: name: 'E!': use 1..63 of [a-z0-9._-]" },
	{ "name: e\ndescription: x\nmodes: [det, fast]\n",
	  "f.yaml:3:14: modes: 'fast' is not one of det, process" },
	{ "name: e\ndescription: x\nvms: {a: {payload: testguest, protected: maybe}}\n",
	  "f.yaml:3:42: protected: expected a boolean, got 'maybe'" },
	{ "name: e\ndescription: x\nvms: {a: {payload: testguest, vcpus: 65}}\n",
	  "f.yaml:3:38: vcpus: 65 is not in 1..64" },
	{ "name: e\ndescription: x\nvms: {a: {payload: testguest, mem_mib: 5}}\n",
	  "f.yaml:3:40: mem_mib: 5 is not a multiple of 2" },
	{ "name: e\ndescription: x\nvms: {a: {payload: helo}}\n",
	  "f.yaml:3:20: payload: 'helo' is not a builtin (testguest, hello, scenario, drm, "
	  "compile, ml, raw-off, raw-reset, raw-crash, raw-hang, raw-spin) nor a path "
	  "(a path contains '/')" },
	{ "name: e\ndescription: x\nvms: {a: {payload: testguest, disks: [{size: 1X}]}}\n",
	  "f.yaml:3:46: size: expected a size, got '1X'" },
	{ "name: e\ndescription: x\nvms: {a: {payload: testguest, disks: [{read_only: true}]}}\n",
	  "f.yaml:3:39: a disk: give exactly one of 'size' and 'image'" },
	/* faults */
	{ HEAD "faults: [{point: blk.io_eror}]\n",
	  "f.yaml:5:18: point: 'blk.io_eror' is not a fault point (lib/fault/fault.c)" },
	{ HEAD "faults: [{point: blk.io_error, p: 1001}]\n",
	  "f.yaml:5:35: p: 1001 is not in 1..1000" },
	{ HEAD "faults: [{point: blk.io_error, vm: b}]\n", "f.yaml:5:36: no VM named 'b'" },
	/* steps */
	{ HEAD "steps: [{begin: a}]\n", "f.yaml:5:10: unknown step 'begin'" },
	{ HEAD "steps: [{start: b}]\n", "f.yaml:5:17: no VM named 'b'" },
	{ HEAD "steps: [start]\n",
	  "f.yaml:5:9: a step is a mapping with one key, its kind (start, stop, wait, ...)" },
	{ HEAD "steps: []\n", "f.yaml:5:8: steps: at least one step" },
	{ HEAD "steps: [{wait: {vm: a}}]\n",
	  "f.yaml:5:16: wait: give exactly one of 'state', 'event' and 'mark'" },
	{ HEAD "steps: [{wait: {vm: a, state: gone}}]\n",
	  "f.yaml:5:31: state: 'gone' is not one of not_started, starting, started, ready, "
	  "finished, dead" },
	{ HEAD "steps: [{release: {vm: a}}]\n", "f.yaml:5:19: release: missing 'token'" },
	{ HEAD "steps: [{host_read: {vm: a, ipa: 0, size: 8192, result: ok}}]\n",
	  "f.yaml:5:43: size: 8192 is not in 1..4096" },
	{ HEAD "steps: [{host_read: {vm: a, ipa: 0, size: 8, result: maybe}}]\n",
	  "f.yaml:5:54: result: 'maybe' is not one of ok, refused, fault" },
	{ HEAD "steps: [{expect: {vm: a}}]\n", "f.yaml:5:18: expect: nothing to check" },
	{ HEAD "steps: [{expect: {state: dead}}]\n", "f.yaml:5:18: expect: missing 'vm'" },
	{ HEAD "steps: [{expect: {vm: a, death: old_age}}]\n",
	  "f.yaml:5:33: death: 'old_age' is not one of unknown, shutdown, reboot, crash, "
	  "killed, start_failed, hangup, payload_verification_failed, payload_changed, "
	  "invalid_config, infrastructure_error" },
	{ HEAD "steps: [{expect: {pages_leaked: 0}}]\n",
	  "f.yaml:5:33: pages_leaked: only in the top-level expect (after teardown)" },
	{ HEAD "steps: [{expect: {vm: a, console_regex: 'a('}}]\n",
	  "f.yaml:5:41: console_regex: Unmatched ( or \\(" },
	{ HEAD "steps: [{rpc: {vm: a, port: 1, method: 70000}}]\n",
	  "f.yaml:5:40: method: 70000 is not in 0..65535" },
	{ HEAD "steps: [{rpc: {vm: a, port: 1, method: 1, reset: true, status: 0}}]\n",
	  "f.yaml:5:15: rpc: 'reset' expects no answer: no 'status' or 'expect'" },
	{ HEAD "steps: [{vsock_close: {vm: a}}]\n", "f.yaml:5:23: vsock_close: missing 'port'" },
	{ HEAD "steps: [{start: a}]\nexpect: [{pages_leaked: 1}]\n",
	  "f.yaml:6:25: pages_leaked: 1 is not in 0..0" },
	/* host_read's expect_bytes */
	{ HEAD "steps: [{host_read: {vm: a, ipa: 0, result: ok, expect_bytes: abc}}]\n",
	  "f.yaml:5:63: expect_bytes: an even number of hex digits, 1..4096 bytes" },
	{ HEAD "steps: [{host_read: {vm: a, ipa: 0, result: ok, expect_bytes: 'zz'}}]\n",
	  "f.yaml:5:63: expect_bytes: 'z' is not a hex digit" },
	{ HEAD "steps: [{host_read: {vm: a, ipa: 0, size: 3, result: ok, expect_bytes: '0102'}}]\n",
	  "f.yaml:5:72: expect_bytes: 2 bytes, but size is 3" },
	{ HEAD "steps: [{host_read: {vm: a, ipa: 0, result: refused, expect_bytes: '00'}}]\n",
	  "f.yaml:5:68: expect_bytes: needs result: ok" },
	{ HEAD "steps: [{host_read: {vm: a, ipa: 0, result: ok, expect_bytes: {byte: 0}}}]\n",
	  "f.yaml:5:21: host_read: missing 'size'" },
	{ HEAD "steps: [{host_read: {vm: a, ipa: 0, size: 4, result: ok, expect_bytes: {b: 0}}}]\n",
	  "f.yaml:5:73: unknown key 'b' in expect_bytes" },
	{ HEAD "steps: [{host_read: {vm: a, ipa: 0, size: 4, byte: 1, result: ok}}]\n",
	  "f.yaml:5:52: host_read: 'byte' is for host_write (expect_bytes: {byte: N} checks "
	  "the bytes read)" },
	{ HEAD "steps: [{host_write: {vm: a, ipa: 0, size: 4, result: ok, expect_bytes: '00'}}]\n",
	  "f.yaml:5:73: host_write: 'expect_bytes' is for host_read" },
	{ HEAD "steps: [{expect: {vm: a, host_result: maybe}}]\n",
	  "f.yaml:5:39: host_result: 'maybe' is not one of ok, refused, fault" },
};

static void test_errors(void **state)
{
	unsigned bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		struct scenario *sc = (struct scenario *)1;
		char err[512] = "";
		int rc = scenario_parse_buffer("f.yaml", errors[i].text, strlen(errors[i].text),
					       &sc, err, sizeof(err));

		if (rc != -EINVAL || strcmp(err, errors[i].message) || sc) {
			print_error("case %zu:\n  got      %d '%s'\n  expected '%s'\n", i, rc, err,
				    errors[i].message);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_rpc_steps(void **state)
{
	struct scenario *sc = parse_ok(HEAD_RPC
		"steps:\n"
		"  - rpc: {vm: a, port: 5678, method: 1, data: \"x\\x01y\", expect: pong, status: -5}\n"
		"  - rpc: {vm: a, port: 9, method: 0x20, reset: true, timeout_ms: 7}\n"
		"  - vsock_close: {vm: a, port: 5678}\n");
	const struct sc_step *s = sc->steps;

	(void)state;
	assert_int_equal(s[0].kind, SC_STEP_RPC);
	assert_int_equal(s[0].port, 5678);
	assert_int_equal(s[0].method, 1);
	assert_int_equal(s[0].data_len, 3);
	assert_memory_equal(s[0].data, "x\x01y", 3);
	assert_string_equal(s[0].expect_text, "pong");
	assert_int_equal(s[0].expect_len, 4);
	assert_int_equal(s[0].rpc_status, -5);
	assert_false(s[0].rpc_reset);
	assert_int_equal(s[0].timeout_ms, 5000);
	assert_int_equal(s[1].method, 0x20);
	assert_true(s[1].rpc_reset);
	assert_int_equal(s[1].timeout_ms, 7);
	assert_string_equal(s[1].data, "");
	assert_int_equal(s[2].kind, SC_STEP_VSOCK_CLOSE);
	assert_int_equal(sc_step_modes(SC_STEP_RPC), SC_MODE_PROCESS);
	scenario_free(sc);
}

static void test_host_read_bytes(void **state)
{
	struct scenario *sc = parse_ok(HEAD
		"steps:\n"
		"  - host_read: {vm: a, ipa: 0x80800000, result: ok, expect_bytes: \"00ff5A\"}\n"
		"  - host_read: {vm: a, ipa: 0x80801000, size: 3, result: ok, expect_bytes: \"a0B1c2\"}\n"
		"  - host_read: {vm: a, ipa: 0x80802000, size: 4096, result: ok,\n"
		"               expect_bytes: {byte: 0}}\n"
		"  - host_read: {vm: a, ipa: 0x90000000, size: 8, result: fault}\n"
		"  - expect: {vm: a, host_result: fault}\n");
	const struct sc_step *s = sc->steps;

	(void)state;
	assert_int_equal(s[0].size, 3);
	assert_memory_equal(s[0].expect_bytes, "\x00\xff\x5a", 3);
	assert_int_equal(s[1].size, 3);
	assert_memory_equal(s[1].expect_bytes, "\xa0\xb1\xc2", 3);
	assert_int_equal(s[2].size, 4096);
	for (unsigned i = 0; i < 4096; i++)
		assert_int_equal(s[2].expect_bytes[i], 0);
	assert_int_equal(s[3].host_expect, SC_HOST_FAULT);
	assert_null(s[3].expect_bytes);
	assert_int_equal(s[4].check.host_result, SC_HOST_FAULT);
	assert_string_equal(sc_host_result_name(SC_HOST_FAULT), "fault");
	scenario_free(sc);
}

static void test_unreadable_file(void **state)
{
	struct scenario *sc;
	char err[256];

	(void)state;
	assert_int_equal(scenario_parse_file("/nonexistent/x.yaml", &sc, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "/nonexistent/x.yaml: No such file or directory");
	assert_int_equal(scenario_parse_file("/", &sc, err, sizeof(err)), -EISDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_scenario),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_rpc_steps),
		cmocka_unit_test(test_host_read_bytes),
		cmocka_unit_test(test_unreadable_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
