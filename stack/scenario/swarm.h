/* SPDX-License-Identifier: MIT */
/*
 * Swarm runs (docs/SCENARIOS.md, "Swarm"): N seeds, each with a random subset of the
 * scenario's swarm fault kinds drawn from that seed.
 */
#ifndef AVF_SCENARIO_SWARM_H
#define AVF_SCENARIO_SWARM_H

#include <stdint.h>

#include "stack/scenario/scenario.h"

#define SC_SWARM_PERMILLE 100

struct sc_swarm_run {
	unsigned n;
	uint64_t *seed;
	char **faults;		/* extra fault spec per run ("" for none) */
};

/*
 * @swarm 0: one run with @seed and @extra. Otherwise @swarm runs, seeds seed+0 ..
 * seed+swarm-1, each with @extra plus its draw of sc->swarm, each point enabled as
 * "POINT:p=100:seed=S".
 */
void sc_swarm_plan(const struct scenario *sc, uint64_t seed, unsigned swarm,
		   const char *extra, struct sc_swarm_run *out);
void sc_swarm_free(struct sc_swarm_run *r);

#endif /* AVF_SCENARIO_SWARM_H */
