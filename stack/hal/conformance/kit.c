// SPDX-License-Identifier: MIT
/*
 * hal-conformance: the port-conformance suite. Runs every check of docs/HAL.md against
 * one backend and prints one line per check, then a summary with the backend's
 * capabilities. A check whose capability is missing is SKIPped (and says which); the
 * harness compares backends and accepts only differences that capabilities explain.
 *
 * Exit status: 0 all checks passed or skipped, 1 a check failed, 2 bad usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/hal/conformance/kit.h"

static const struct { enum hal_cap cap; const char *name; } caps[] = {
	{ HAL_CAP_MAX_VCPUS, "MAX_VCPUS" }, { HAL_CAP_MAX_IPA_BITS, "MAX_IPA_BITS" },
	{ HAL_CAP_THREADED_VCPUS, "THREADED_VCPUS" }, { HAL_CAP_IDLE_EXIT, "IDLE_EXIT" },
	{ HAL_CAP_BUDGET, "BUDGET" }, { HAL_CAP_VIRTUAL_TIME, "VIRTUAL_TIME" },
	{ HAL_CAP_DETERMINISTIC, "DETERMINISTIC" }, { HAL_CAP_SNAPSHOT, "SNAPSHOT" },
	{ HAL_CAP_S2_ABORT_EXIT, "S2_ABORT_EXIT" }, { HAL_CAP_S2_EXEC_CONTROL, "S2_EXEC_CONTROL" },
	{ HAL_CAP_S2_FETCH_ABORT, "S2_FETCH_ABORT" }, { HAL_CAP_INJECT_ABORT, "INJECT_ABORT" },
	{ HAL_CAP_HOST_REVOKE, "HOST_REVOKE" }, { HAL_CAP_EL2_ISOLATION, "EL2_ISOLATION" },
	{ HAL_CAP_PROTECTED_VM, "PROTECTED_VM" }, { HAL_CAP_STATE_HASH, "STATE_HASH" },
};

static const char *cap_name(enum hal_cap c)
{
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (caps[i].cap == c)
			return caps[i].name;
	return "?";
}

static void usage(FILE *f)
{
	fprintf(f, "usage: hal-conformance [--backend NAME] [--check NAME] [--list] [--trace FILE]\n"
		   "  Runs the HAL conformance checks (docs/HAL.md) on a backend (default: sim).\n"
		   "  Backends in this build:");
	for (const char *const *n = hal_backend_names(); *n; n++)
		fprintf(f, " %s", *n);
	fprintf(f, "\n");
}

/* Returns 0 pass, 1 fail, 2 skip. */
static int run_check(const struct hal_ops *ops, const struct kit_check *c, long capv[])
{
	struct kit_env e;
	char why[256];
	const char *fail;

	for (unsigned i = 0; i < 3 && c->needs[i]; i++) {
		if (!capv[c->needs[i]]) {
			printf("SKIP  %-4s %-28s needs %s\n", hal_backend_name(ops), c->name, cap_name(c->needs[i]));
			return 2;
		}
	}
	if (kit_env_new(&e, ops, c->nr_vcpus, why, sizeof(why))) {
		printf("FAIL  %-4s %-28s %s\n", hal_backend_name(ops), c->name, why);
		return 1;
	}
	fail = c->run(&e);
	if (!fail && e.failed_run)
		fail = hal_error(e.m);
	printf("%s  %-4s %-28s%s%s\n", fail ? "FAIL" : "PASS", hal_backend_name(ops), c->name,
	       fail ? " " : "", fail ? fail : "");
	kit_env_free(&e);
	return fail ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "check", required_argument, NULL, 'c' },
		{ "list", no_argument, NULL, 'l' },
		{ "trace", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *backend = "sim", *only = NULL;
	struct hal_machine_config mc = { .phys_base = 0x40000000, .phys_size = 1 << 20 };
	struct hal_machine *m;
	const struct hal_ops *ops;
	unsigned counts[3] = { 0 };
	long capv[64] = { 0 };
	int opt;

	while ((opt = getopt_long(argc, argv, "b:c:lt:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'b': backend = optarg; break;
		case 'c': only = optarg; break;
		case 't': kit_trace_path = optarg; break;
		case 'l':
			for (size_t i = 0; i < kit_nr_checks; i++)
				printf("%s\n", kit_checks[i].name);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "hal-conformance: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	ops = hal_backend_find(backend);
	if (!ops) {
		fprintf(stderr, "hal-conformance: no backend '%s' in this build\n", backend);
		usage(stderr);
		return 2;
	}
	if (hal_machine_create(ops, &mc, &m)) {
		fprintf(stderr, "hal-conformance: %s: cannot create a machine: %s\n", backend,
			hal_error(NULL));
		return 1;
	}
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		capv[caps[i].cap] = hal_capability(m, caps[i].cap);
	hal_machine_destroy(m);

	for (size_t i = 0; i < kit_nr_checks; i++) {
		if (only && strcmp(only, kit_checks[i].name))
			continue;
		counts[run_check(ops, &kit_checks[i], capv)]++;
	}
	if (only && counts[0] + counts[1] + counts[2] == 0) {
		fprintf(stderr, "hal-conformance: no check named '%s' (see --list)\n", only);
		return 2;
	}
	printf("\nbackend %s capabilities:", backend);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		printf(" %s=%ld", caps[i].name, capv[caps[i].cap]);
	printf("\nconformance %s: %u passed, %u failed, %u skipped\n", backend, counts[0],
	       counts[1], counts[2]);
	return counts[1] ? 1 : 0;
}
