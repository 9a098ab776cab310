/* SPDX-License-Identifier: MIT */
/*
 * fault: named fault-injection points, so scenarios and tests can make a layer fail at
 * a chosen moment or with a seeded probability, reproducibly.
 *
 * A layer asks fault_hit("blk.io_error") at the place where the real failure would
 * happen and, when it returns true, takes its real error path (the same one a real I/O
 * error, a full pool or a dead VMM takes). With nothing configured fault_hit() is one
 * relaxed atomic load and returns false.
 *
 * Rules come from a spec string (fault_configure), or from the environment variable
 * AVF_FAULTS (fault_configure_env), which is how the scenario runner reaches the VMM
 * and service processes it starts. Spec grammar (no spaces):
 *
 *	spec  := rule { "," rule }
 *	rule  := POINT { ":" opt }
 *	opt   := "at=" N		fire on the N-th hit of the point only (1-based)
 *	       | "after=" N		fire on every hit after the first N
 *	       | "p=" PERMILLE		fire with probability PERMILLE/1000 per hit
 *	       | "seed=" S		seed of that probability (default 1)
 *	       | "times=" K		fire at most K times in total (default: unlimited,
 *					except with at=, which fires once)
 *	       | "vm=" NAME		only hits made on behalf of VM NAME (fault_hit_vm)
 *
 * With neither at=, after= nor p=, a rule fires on every hit. The same spec and seed
 * give the same firing sequence for the same sequence of hits: nothing here reads a
 * clock or an unseeded random source.
 *
 * POINT must be one of the catalogue below (fault_points): a misspelt point is an
 * error, not a rule that silently never fires.
 *
 * Threads: every function may be called from any thread; hits are serialised by one
 * mutex only while rules are configured.
 */
#ifndef AVF_FAULT_H
#define AVF_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fault_point {
	const char *name;
	const char *what;	/* one line: what firing does, for --help and docs */
};

/* The catalogue, terminated by a {NULL, NULL} entry. */
extern const struct fault_point fault_points[];

/* Is @name in the catalogue? */
bool fault_point_known(const char *name);

/*
 * Replace every rule with the ones in @spec (NULL or "" clears them) and reset the hit
 * counters. 0, or -EINVAL with a one-line reason in @err (which may be NULL) naming the
 * rule at fault; on error the previous rules stay.
 */
int fault_configure(const char *spec, char *err, size_t err_size);
/* fault_configure(getenv("AVF_FAULTS")); nothing set: 0 and no rules. */
int fault_configure_env(char *err, size_t err_size);
/* The spec in force (as given), "" if none. */
const char *fault_spec(void);

/* One hit of @point: true if an injected failure must happen now. */
bool fault_hit(const char *point);
/* The same, made on behalf of the VM named @vm (rules with vm= match only it). */
bool fault_hit_vm(const char *point, const char *vm);

/* Since the last configure: hits seen by the rules naming @point (summed over them),
 * and how often it fired. Points no rule names are not counted. */
uint64_t fault_hits(const char *point);
uint64_t fault_fired(const char *point);

#endif /* AVF_FAULT_H */
