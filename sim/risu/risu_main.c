// SPDX-License-Identifier: MIT
/*
 * sim-risu: random-instruction differential testing of the sim against QEMU.
 *
 *   sim-risu [--seed N] [--count N] [--length N] [--groups LIST] [--start N]
 *            [--keep-going] [--runner PATH] [--qemu PATH] [--qemu-cpu CPU] [-v]
 *            [--show]
 *
 * Test i of a campaign is generated from (seed, i) alone, runs on QEMU and on the sim,
 * and the final states must be equal. On a mismatch the tool finds the first instruction
 * after which the executors disagree (by re-running the test cut before each group),
 * prints the seed, the test index, the disassembly, that instruction's operands and the
 * differences, and exits 1 (at the end of the campaign with --keep-going). Exit 2: usage
 * or an executor that could not be run.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/risu/risu.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sim-risu [options]\n"
		"  --seed N         campaign seed (default 1)\n"
		"  --count N        number of tests (default 1000)\n"
		"  --start N        index of the first test (default 0)\n"
		"  --length N       instructions per test, 1..%u (default 24)\n"
		"  --groups LIST    comma-separated instruction groups, or all (default all):\n"
		"                   ",
		RISU_MAX_LENGTH);
	for (unsigned g = 0; g < RG_COUNT; g++)
		fprintf(f, "%s%s", risu_group_name(g), g + 1 < RG_COUNT ? "," : "\n");
	fprintf(f,
		"  --keep-going     report every mismatch, not only the first\n"
		"  --runner PATH    the aarch64 runner (default: build/cross/risu/risu-runner\n"
		"                   next to this program's build directory)\n"
		"  --qemu PATH      qemu-aarch64 binary (default qemu-aarch64)\n"
		"  --qemu-cpu CPU   QEMU CPU model (default cortex-a76: LSE, and DC ZVA\n"
		"                   zeroing 64 bytes as on the sim)\n"
		"  -v, --verbose    one line per test\n"
		"  --show           print every test's disassembly\n");
}

static int parse_u64(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v > max) {
		fprintf(stderr, "sim-risu: %s: '%s' is not a number up to %llu\n", opt, s,
			(unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

/* build/<flavour>/bin/sim-risu -> build/cross/risu/risu-runner */
static char *default_runner(void)
{
	char exe[PATH_MAX], *dir, *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = 0;
	dir = dirname(exe);
	if (asprintf(&path, "%s/../../cross/risu/risu-runner", dir) < 0)
		return NULL;
	return path;
}

static int parse_options(int argc, char **argv, struct risu_options *o)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "start", required_argument, NULL, 'S' },
		{ "length", required_argument, NULL, 'l' },
		{ "groups", required_argument, NULL, 'g' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "runner", required_argument, NULL, 'r' },
		{ "qemu", required_argument, NULL, 'q' },
		{ "qemu-cpu", required_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "show", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int ch;

	while ((ch = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': if (parse_u64("--seed", optarg, UINT64_MAX, &o->gen.seed)) return -1; break;
		case 'c': if (parse_u64("--count", optarg, UINT64_MAX, &o->count)) return -1; break;
		case 'S': if (parse_u64("--start", optarg, UINT64_MAX, &o->start)) return -1; break;
		case 'l':
			if (parse_u64("--length", optarg, RISU_MAX_LENGTH, &v) || !v) {
				fprintf(stderr, "sim-risu: --length: 1..%u\n", RISU_MAX_LENGTH);
				return -1;
			}
			o->gen.length = (unsigned)v;
			break;
		case 'g':
			if (risu_parse_groups(optarg) < 0) {
				fprintf(stderr, "sim-risu: --groups: unknown group in '%s'\n", optarg);
				return -1;
			}
			o->gen.groups = (uint64_t)risu_parse_groups(optarg);
			o->groups_arg = optarg;
			break;
		case 'k': o->keep_going = true; break;
		case 'r': o->runner = optarg; break;
		case 'q': o->qemu = optarg; break;
		case 'C': o->qemu_cpu = optarg; break;
		case 'v': o->verbose = true; break;
		case 'D': o->show = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "sim-risu: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct risu_options o = {
		.gen = { .seed = 1, .length = 24, .groups = (1ull << RG_COUNT) - 1 },
		.count = 1000, .qemu = "qemu-aarch64", .qemu_cpu = "cortex-a76",
		.groups_arg = "all",
	};
	char *runner = NULL;
	int rc;

	if (parse_options(argc, argv, &o))
		return 2;
	if (!o.runner)
		o.runner = runner = default_runner();
	if (!o.runner || access(o.runner, X_OK)) {
		fprintf(stderr, "sim-risu: no runner at %s (make build/cross/risu/risu-runner, "
			"or --runner)\n", o.runner ? o.runner : "?");
		free(runner);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);	/* a dead runner shows as a write error */
	rc = risu_campaign(&o);
	free(runner);
	return rc;
}
