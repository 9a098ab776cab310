// SPDX-License-Identifier: MIT
/*
 * The scenario parser (stack/scenario: libyaml events -> tree -> schema) on arbitrary
 * bytes. Oracles: an error is one "FILE:LINE:COL: message" line with LINE and COL >= 1;
 * a parsed scenario satisfies the schema's invariants (VM indexes in range, names
 * valid, counts within their limits); nothing leaks (ASan).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const char *err)
{
	unsigned line = 0, col = 0;
	int used = 0;

	if (sscanf(err, "f.yaml:%u:%u: %n", &line, &col, &used) != 2 || !used || !line ||
	    !col || !err[used] || strchr(err, '\n')) {
		fprintf(stderr, "malformed error message: '%s'\n", err);
		abort();
	}
}

static void check_vm_index(const struct scenario *sc, int vm, bool required)
{
	if (vm < -1 || vm >= (int)sc->nr_vms || (required && vm < 0))
		abort();
}

static void check_scenario(const struct scenario *sc)
{
	if (!sc->name[0] || !sc->nr_vms || sc->nr_vms > SC_MAX_VMS || !sc->nr_steps || !sc->modes)
		abort();
	for (unsigned i = 0; i < sc->nr_vms; i++)
		if (!sc->vms[i].name[0] || !sc->vms[i].payload || sc->vms[i].vcpus < 1 ||
		    sc->vms[i].vcpus > 64 || sc->vms[i].nr_disks > SC_MAX_DISKS)
			abort();
	for (unsigned i = 0; i < sc->nr_steps; i++) {
		const struct sc_step *s = &sc->steps[i];
		bool needs_vm = s->kind != SC_STEP_ADVANCE && s->kind != SC_STEP_RESTART_SERVICE &&
				s->kind != SC_STEP_EXPECT;

		if ((unsigned)s->kind >= SC_NR_STEPS || !s->loc.line)
			abort();
		check_vm_index(sc, s->vm, needs_vm);
	}
	for (unsigned i = 0; i < sc->nr_expects; i++)
		check_vm_index(sc, sc->expects[i].vm, false);
	for (unsigned i = 0; i < sc->nr_faults; i++)
		if (!sc->faults[i].spec || !sc->faults[i].spec[0])
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario *sc;
	char err[1024] = "";

	if (size > 65536)
		return 0;
	if (scenario_parse_buffer("f.yaml", data, size, &sc, err, sizeof(err))) {
		if (sc)
			abort();
		check_error(err);
		return 0;
	}
	check_scenario(sc);
	scenario_free(sc);
	return 0;
}
