// SPDX-License-Identifier: MIT
/*
 * Swarm planning: which seeds run and which fault kinds each enables. The draw depends
 * on the run's seed only, so a run's fault spec is reproducible from its seed (and is
 * printed in its replay command anyway).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/scenario/swarm.h"

static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static char *draw(const struct scenario *sc, uint64_t seed, const char *extra)
{
	uint64_t bits = mix(seed ^ 0x5a4d);
	size_t cap = 64 + (extra ? strlen(extra) : 0) + sc->nr_swarm * 96, used = 0;
	char *spec = calloc(1, cap);

	if (!spec)
		abort();
	if (extra && *extra)
		used += (size_t)snprintf(spec, cap, "%s", extra);
	for (unsigned i = 0; i < sc->nr_swarm; i++) {
		if (!(bits & (1ull << i)))
			continue;
		used += (size_t)snprintf(spec + used, cap - used, "%s%s:p=%d:seed=%" PRIu64,
					 used ? "," : "", sc->swarm[i], SC_SWARM_PERMILLE,
					 mix(seed + i) & 0xffffffffu);
	}
	return spec;
}

void sc_swarm_plan(const struct scenario *sc, uint64_t seed, unsigned swarm,
		   const char *extra, struct sc_swarm_run *out)
{
	out->n = swarm ? swarm : 1;
	out->seed = calloc(out->n, sizeof(*out->seed));
	out->faults = calloc(out->n, sizeof(*out->faults));
	if (!out->seed || !out->faults)
		abort();
	for (unsigned k = 0; k < out->n; k++) {
		out->seed[k] = seed + k;
		out->faults[k] = swarm ? draw(sc, seed + k, extra) : strdup(extra ? extra : "");
		if (!out->faults[k])
			abort();
	}
}

void sc_swarm_free(struct sc_swarm_run *r)
{
	for (unsigned k = 0; k < r->n; k++)
		free(r->faults[k]);
	free(r->faults);
	free(r->seed);
}
