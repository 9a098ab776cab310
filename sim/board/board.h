/* SPDX-License-Identifier: MIT */
/*
 * avf-sim's board: a subset of QEMU's `virt` machine built on the sim (sim/sim.h only).
 * One partition with stage-2 off (IPA == PA), RAM at 0x4000_0000, a GICv3, a PL011
 * whose output goes to a FILE, PSCI over HVC, and up to 64 CPUs starting at EL1. See
 * docs/AVF-SIM.md for the user's view, virt.h for the memory map and boot.h for the
 * boot protocol.
 *
 * Life cycle: board_create() -> board_load() -> board_run() -> board_destroy().
 * Everything here is deterministic: the same configuration, image and seed give the
 * same console bytes, instruction counts and exit status on every run.
 */
#ifndef AVF_SIM_BOARD_BOARD_H
#define AVF_SIM_BOARD_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/image/error.h"
#include "lib/image/image.h"
#include "sim/board/boot.h"

/*
 * Process exit statuses of `avf-sim run`, one meaning each (docs/AVF-SIM.md). 124
 * follows kvm-unit-tests' "timeout".
 */
enum board_status {
	BOARD_EXIT_POWEROFF = 0,	/* the guest called PSCI SYSTEM_OFF */
	BOARD_EXIT_USAGE = 2,		/* bad command line */
	BOARD_EXIT_LOAD = 3,		/* image or initrd unreadable, malformed, too big */
	BOARD_EXIT_GUEST = 4,		/* the guest stopped making progress: every CPU idle
					 * with no timer armed, looping on faults, or every CPU
					 * powered off without SYSTEM_OFF */
	BOARD_EXIT_RESET = 5,		/* the guest called PSCI SYSTEM_RESET(2) */
	BOARD_EXIT_INTERNAL = 6,	/* the sim failed (internal error, out of memory, the
					 * console output could not be written) */
	BOARD_EXIT_MAX_INSNS = 124,	/* --max-insns instructions retired */
};

#define BOARD_MAX_CPUS 64
#define BOARD_MIN_MEM (1ull << 20)
#define BOARD_MAX_MEM (64ull << 30)

struct board_config {
	const char *image_path;
	enum img_format format;
	bool have_load_addr;		/* --load-addr given: raw image at load_addr */
	uint64_t load_addr;
	const char *initrd_path;	/* NULL: none */
	const char *append;		/* NULL: no bootargs */
	uint64_t mem_size;		/* bytes, multiple of 4 KiB */
	unsigned smp;			/* 1..BOARD_MAX_CPUS */
	uint64_t seed;
	uint64_t max_insns;		/* 0: no limit */
	const char *trace_path;		/* NULL: no trace */
	bool stats;
};

/* QEMU's defaults: 128 MiB, one CPU; seed 0, no limit, auto-detected format. */
void board_config_defaults(struct board_config *cfg);

struct board;

/*
 * Build the machine. console receives the PL011's output; diag (may be NULL) receives
 * warnings (an initrd ignored for an ELF image, ...). Returns 0, -EINVAL for a bad
 * configuration or -ENOMEM, with a message.
 */
int board_create(const struct board_config *cfg, FILE *console, FILE *diag,
		 struct board **out, struct img_error *err);
void board_destroy(struct board *b);

/*
 * Load an image (and an initrd if have_initrd) the way QEMU's -kernel/-initrd do, write
 * the DTB, and power on CPU 0 at the entry point. The buffers are copied; the caller
 * may free them afterwards. Returns 0 or -errno with a message (image.h, boot.h).
 */
int board_load(struct board *b, const uint8_t *image, size_t image_size,
	       bool have_initrd, const uint8_t *initrd, size_t initrd_size,
	       struct img_error *err);

/* Where board_load() put things (valid after it succeeded). */
const struct board_boot_plan *board_boot_info(const struct board *b);

/*
 * Run every CPU, round robin in one thread, until the guest powers off or cannot go on.
 * Returns the exit status; for anything but BOARD_EXIT_POWEROFF, msg says why.
 */
enum board_status board_run(struct board *b, struct img_error *msg);

struct board_stats {
	uint64_t retired;		/* instructions, all CPUs */
	uint64_t virtual_ns;		/* the machine's clock */
	uint64_t console_bytes;
	unsigned nr_cpus;
};
void board_get_stats(const struct board *b, struct board_stats *st);

/* ---- command line (options.c) ---- */

#define BOARD_ARGS_HELP 1

/*
 * Parse `avf-sim run [options] IMAGE` (argv[0] is the program, argv[1] the command)
 * into cfg, which the caller set to defaults. Returns 0, BOARD_ARGS_HELP for --help,
 * or -EINVAL with a message naming the option and the problem.
 */
int board_parse_args(int argc, char *argv[], struct board_config *cfg,
		     struct img_error *err);
void board_usage(FILE *f);

/*
 * Parse a size: a number (decimal or 0x hex) with an optional K, M, G or T suffix
 * (powers of 1024); without a suffix the unit is default_unit (QEMU's -m uses MiB).
 */
int board_parse_size(const char *s, uint64_t default_unit, uint64_t *out);
/* Parse an unsigned 64-bit number, decimal or 0x hex, nothing else allowed. */
int board_parse_u64(const char *s, uint64_t *out);

/* ---- files (file.c) ---- */

/*
 * Read a whole file into a malloc'ed buffer (*data, free() it). Files larger than
 * limit are refused with -EFBIG before they are read in full. Returns 0 or -errno with
 * a message ("cannot open: No such file or directory").
 */
int board_read_file(const char *path, uint64_t limit, uint8_t **data, size_t *size,
		    struct img_error *err);

#endif /* AVF_SIM_BOARD_BOARD_H */
