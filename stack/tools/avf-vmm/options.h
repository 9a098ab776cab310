/* SPDX-License-Identifier: MIT */
/*
 * avf-vmm's command line and config file (docs/VMM.md, "Options"):
 *
 *   avf-vmm run [options] IMAGE
 *
 * Options and config-file keys are the same words: `--mem 64` on the command line is
 * `mem = 64` in a file given with `--config FILE`. Settings apply in the order they come,
 * so a later option overrides a key of an earlier --config and the reverse. Every string
 * is copied: nothing points into argv, which main() rewrites for `ps`.
 */
#ifndef AVF_TOOLS_AVF_VMM_OPTIONS_H
#define AVF_TOOLS_AVF_VMM_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/image/error.h"
#include "stack/vmm/vmm.h"

struct avf_vmm_opts {
	struct vmm_config vm;
	const char *backend;		/* NULL: sim */
	uint64_t seed;
	const char *pvmfw;		/* firmware file for protected VMs, or NULL */
	bool stats;			/* timing and memory statistics on stderr */
	bool check_spec;		/* check the hyp against its executable spec */
	char *owned[96];		/* copies of every string above */
	unsigned nr_owned;
	unsigned config_depth;		/* --config inside a config file, bounded */
};

#define AVF_VMM_HELP 1		/* avf_vmm_parse(): --help was asked for */
#define AVF_VMM_EXIT_USAGE 2	/* exit status for a bad command line */

/* Defaults: 1 vCPU, 64 MiB, console on stdout, sim backend, seed 0. */
void avf_vmm_defaults(struct avf_vmm_opts *o);
/*
 * Parse `argv[0] run [options] IMAGE` (or `argv[0] --help`). Returns 0, AVF_VMM_HELP, or
 * -EINVAL with a message naming the option and the problem.
 */
int avf_vmm_parse(int argc, char *argv[], struct avf_vmm_opts *o, struct img_error *err);
/* Apply one config file (what --config does). 0 or -errno with "FILE:LINE: ..." */
int avf_vmm_load_config(struct avf_vmm_opts *o, const char *path, struct img_error *err);
void avf_vmm_opts_free(struct avf_vmm_opts *o);
void avf_vmm_usage(FILE *f);

#endif /* AVF_TOOLS_AVF_VMM_OPTIONS_H */
