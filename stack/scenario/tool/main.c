// SPDX-License-Identifier: MIT
/*
 * avf-scenario: run, check and list scenario files (docs/SCENARIOS.md). `avf scenario
 * ARGS` execs this program. Files are parsed (all of them, first) before anything runs:
 * a bad file is reported as FILE:LINE:COL and nothing runs (status 2).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/fault/fault.h"
#include "stack/scenario/runner.h"
#include "stack/scenario/swarm.h"

#define MAX_FILES 4096

struct opts {
	unsigned modes, backend;
	bool seed_given, json, keep_going, verbose;
	uint64_t seed;
	unsigned swarm;
	const char *faults, *junit;
};

struct files {
	char *paths[MAX_FILES];
	unsigned n;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: avf scenario run FILE|DIR... [--mode det|process] [--backend sim|kvm]\n"
		"                        [--seed N] [--swarm N] [--faults SPEC] [--json]\n"
		"                        [--junit FILE] [--keep-going] [-v]\n"
		"       avf scenario check FILE|DIR...   parse and validate only\n"
		"       avf scenario list FILE|DIR...    name, modes, description\n"
		"A directory is searched recursively for *.yaml files. Without --mode both\n"
		"modes run. docs/SCENARIOS.md describes the format and the output.\n"
		"Exit status: 0 nothing failed, 1 a scenario failed, 2 usage or file errors.\n");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_path(struct files *fl, const char *path);

static int add_dir(struct files *fl, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[MAX_FILES];
	unsigned n = 0;
	int ret = 0;

	if (!d)
		return fprintf(stderr, "%s: %s\n", dir, strerror(errno)), -1;
	while ((e = readdir(d)) && n < MAX_FILES) {
		size_t len = strlen(e->d_name);
		char path[4096];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode) || (len > 5 && !strcmp(e->d_name + len - 5, ".yaml")))
			names[n++] = strdup(path);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (unsigned i = 0; i < n; i++) {
		if (!ret && add_path(fl, names[i]))
			ret = -1;
		free(names[i]);
	}
	return ret;
}

static int add_path(struct files *fl, const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return fprintf(stderr, "%s: %s\n", path, strerror(errno)), -1;
	if (S_ISDIR(st.st_mode))
		return add_dir(fl, path);
	if (fl->n == MAX_FILES)
		return fprintf(stderr, "more than %d scenario files\n", MAX_FILES), -1;
	fl->paths[fl->n++] = strdup(path);
	return 0;
}

/* Parse every file; names must be unique. 0, or 2 after printing every error. */
static int parse_all(struct files *fl, struct scenario **scs)
{
	int status = 0;
	char err[1024];

	for (unsigned i = 0; i < fl->n; i++) {
		if (scenario_parse_file(fl->paths[i], &scs[i], err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			status = 2;
			continue;
		}
		for (unsigned j = 0; j < i; j++) {
			if (scs[j] && !strcmp(scs[j]->name, scs[i]->name)) {
				fprintf(stderr, "%s:%u:%u: scenario '%s' is also defined at %s\n",
					scs[i]->file, scs[i]->loc.line, scs[i]->loc.col,
					scs[i]->name, scs[j]->file);
				status = 2;
			}
		}
	}
	return status;
}

static int parse_u(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || *out > max) {
		fprintf(stderr, "avf-scenario: %s: '%s' is not a number up to %" PRIu64 "\n", opt,
			s, max);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "mode", required_argument, NULL, 'm' }, { "backend", required_argument, NULL, 'b' },
		{ "seed", required_argument, NULL, 's' }, { "swarm", required_argument, NULL, 'S' },
		{ "faults", required_argument, NULL, 'f' }, { "json", no_argument, NULL, 'j' },
		{ "junit", required_argument, NULL, 'J' }, { "keep-going", no_argument, NULL, 'k' },
		{ "verbose", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[256];
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (strcmp(optarg, "det") && strcmp(optarg, "process"))
				return fprintf(stderr, "avf-scenario: --mode: '%s' is not det or "
					       "process\n", optarg), -1;
			o->modes = !strcmp(optarg, "det") ? SC_MODE_DET : SC_MODE_PROCESS;
			break;
		case 'b':
			if (strcmp(optarg, "sim") && strcmp(optarg, "kvm"))
				return fprintf(stderr, "avf-scenario: --backend: '%s' is not sim or "
					       "kvm\n", optarg), -1;
			o->backend = !strcmp(optarg, "sim") ? SC_BACKEND_SIM : SC_BACKEND_KVM;
			break;
		case 's':
			if (parse_u("--seed", optarg, UINT64_MAX, &o->seed))
				return -1;
			o->seed_given = true;
			break;
		case 'S':
			if (parse_u("--swarm", optarg, 100000, &v) || !v)
				return v ? -1 : (fprintf(stderr, "avf-scenario: --swarm: at least "
							 "1\n"), -1);
			o->swarm = (unsigned)v;
			break;
		case 'f':
			if (fault_configure(optarg, err, sizeof(err)))
				return fprintf(stderr, "avf-scenario: --faults: %s\n", err), -1;
			fault_configure(NULL, NULL, 0);
			o->faults = optarg;
			break;
		case 'j': o->json = true; break;
		case 'J': o->junit = optarg; break;
		case 'k': o->keep_going = true; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	return 0;
}

/* Run every scenario in every selected mode (and swarm seed). */
static int run_all(struct scenario **scs, unsigned n, const struct opts *o)
{
	struct sc_report *rep = sc_report_new(o->json, o->junit, o->verbose);
	static const enum sc_mode modes[] = { SC_MODE_DET, SC_MODE_PROCESS };
	bool stop = false;

	for (unsigned i = 0; i < n && !stop; i++) {
		for (unsigned m = 0; m < 2 && !stop; m++) {
			struct sc_swarm_run runs;
			uint64_t seed = o->seed_given ? o->seed : scs[i]->seed;

			if (!(o->modes & modes[m]))
				continue;
			sc_swarm_plan(scs[i], seed, o->swarm, o->faults, &runs);
			for (unsigned k = 0; k < runs.n && !stop; k++) {
				struct sc_run_opts ro = {
					.mode = modes[m], .backend = o->backend,
					.seed = runs.seed[k], .extra_faults = runs.faults[k],
					.swarm_index = o->swarm ? (int)k : -1, .verbose = o->verbose,
				};
				struct sc_result res;

				sc_run_one(scs[i], &ro, &res);
				sc_report_add(rep, scs[i], &ro, &res);
				stop = res.kind == SC_FAIL && !o->keep_going;
			}
			sc_swarm_free(&runs);
		}
	}
	return sc_report_finish(rep);
}

int main(int argc, char **argv)
{
	struct opts o = { .modes = SC_MODE_DET | SC_MODE_PROCESS, .backend = SC_BACKEND_SIM };
	static struct files fl;
	static struct scenario *scs[MAX_FILES];
	const char *cmd;
	int status;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	cmd = argv[1];
	if (strcmp(cmd, "run") && strcmp(cmd, "check") && strcmp(cmd, "list")) {
		fprintf(stderr, "avf-scenario: unknown command '%s' (run, check, list)\n", cmd);
		return 2;
	}
	if (parse_opts(argc - 1, argv + 1, &o))
		return 2;
	if (optind + 1 >= argc) {
		fprintf(stderr, "avf-scenario: %s: no FILE or DIR given\n", cmd);
		return 2;
	}
	for (int i = optind + 1; i < argc; i++)
		if (add_path(&fl, argv[i]))
			return 2;
	status = parse_all(&fl, scs);
	if (!status && !strcmp(cmd, "list"))
		for (unsigned i = 0; i < fl.n; i++)
			printf("%s\t%s%s\t%s\n", scs[i]->name,
			       scs[i]->modes & SC_MODE_DET ? "det" : "",
			       scs[i]->modes == (SC_MODE_DET | SC_MODE_PROCESS) ? ",process" :
			       scs[i]->modes & SC_MODE_PROCESS ? "process" : "",
			       scs[i]->description);
	if (!status && !strcmp(cmd, "check"))
		fprintf(stderr, "%u scenario files are valid\n", fl.n);
	if (!status && !strcmp(cmd, "run"))
		status = run_all(scs, fl.n, &o);
	for (unsigned i = 0; i < fl.n; i++) {
		scenario_free(scs[i]);
		free(fl.paths[i]);
	}
	return status;
}
