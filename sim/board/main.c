// SPDX-License-Identifier: MIT
/*
 * avf-sim: run an aarch64 image on the sim's imitation of QEMU's virt board.
 *   avf-sim run [options] IMAGE
 * See board_usage() and docs/AVF-SIM.md. The exit status is a board_status.
 *
 * This file is the only place in sim/ that reads the host clock, for --stats' wall time
 * and MIPS; nothing it reads flows into the machine.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/board/board.h"

static double wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_stats(const struct board *b, double wall)
{
	struct board_stats st;

	board_get_stats(b, &st);
	fprintf(stderr, "avf-sim: stats: instructions retired: %" PRIu64 "\n", st.retired);
	fprintf(stderr, "avf-sim: stats: wall time: %.3f s\n", wall);
	fprintf(stderr, "avf-sim: stats: MIPS: %.2f\n",
		wall > 0 ? (double)st.retired / wall / 1e6 : 0.0);
	fprintf(stderr, "avf-sim: stats: virtual time: %" PRIu64 " ns\n", st.virtual_ns);
	fprintf(stderr, "avf-sim: stats: CPUs: %u, console bytes: %" PRIu64 "\n",
		st.nr_cpus, st.console_bytes);
}

struct inputs {
	uint8_t *image, *initrd;
	size_t image_size, initrd_size;
};

static int read_inputs(const struct board_config *cfg, struct inputs *in)
{
	struct img_error err;
	FILE *trace;

	/* The sim opens the trace itself; trying first gives the user a precise error. */
	if (cfg->trace_path) {
		trace = fopen(cfg->trace_path, "w");
		if (!trace) {
			fprintf(stderr, "avf-sim: --trace %s: cannot open for writing: %s\n",
				cfg->trace_path, strerror(errno));
			return BOARD_EXIT_USAGE;
		}
		fclose(trace);
	}

	if (board_read_file(cfg->image_path, cfg->mem_size, &in->image, &in->image_size,
			    &err)) {
		fprintf(stderr, "avf-sim: %s: %s\n", cfg->image_path, err.msg);
		return BOARD_EXIT_LOAD;
	}
	if (cfg->initrd_path && board_read_file(cfg->initrd_path, cfg->mem_size, &in->initrd,
						&in->initrd_size, &err)) {
		fprintf(stderr, "avf-sim: --initrd %s: %s\n", cfg->initrd_path, err.msg);
		return BOARD_EXIT_LOAD;
	}
	return 0;
}

static int run(const struct board_config *cfg, const struct inputs *in)
{
	struct img_error err;
	enum board_status status;
	struct board *b;
	double start;

	if (board_create(cfg, stdout, stderr, &b, &err)) {
		fprintf(stderr, "avf-sim: %s\n", err.msg);
		return BOARD_EXIT_INTERNAL;
	}
	if (board_load(b, in->image, in->image_size, cfg->initrd_path != NULL, in->initrd,
		       in->initrd_size, &err)) {
		fprintf(stderr, "avf-sim: %s: %s\n", cfg->image_path, err.msg);
		board_destroy(b);
		return BOARD_EXIT_LOAD;
	}
	start = wall_seconds();
	status = board_run(b, &err);
	if (status != BOARD_EXIT_POWEROFF)
		fprintf(stderr, "avf-sim: %s\n", err.msg);
	if (cfg->stats)
		print_stats(b, wall_seconds() - start);
	board_destroy(b);
	return status;
}

int main(int argc, char *argv[])
{
	struct inputs in = { 0 };
	struct board_config cfg;
	struct img_error err;
	int ret;

	board_config_defaults(&cfg);
	ret = board_parse_args(argc, argv, &cfg, &err);
	if (ret == BOARD_ARGS_HELP) {
		board_usage(stdout);
		return 0;
	}
	if (ret) {
		fprintf(stderr, "avf-sim: %s\nTry 'avf-sim --help'.\n", err.msg);
		return BOARD_EXIT_USAGE;
	}
	ret = read_inputs(&cfg, &in);
	if (!ret)
		ret = run(&cfg, &in);
	free(in.image);
	free(in.initrd);
	return ret;
}
