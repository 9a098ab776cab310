// SPDX-License-Identifier: MIT
/*
 * What runs where: a scenario in a mode and on a backend runs, or is skipped with the
 * reason (a step or check of the other mode, a backend it does not list, a VM option the
 * mode cannot give). Skips are decided before anything starts.
 */
#include <stdio.h>
#include <string.h>

#include "stack/scenario/runner.h"

void sc_step_where(const struct scenario *sc, unsigned index, char *buf, size_t len)
{
	const struct sc_step *s = &sc->steps[index];

	snprintf(buf, len, "%s:%u:%u: step %u (%s)", s->loc.file, s->loc.line, s->loc.col,
		 index + 1, sc_step_name(s->kind));
}

void sc_fault_spec(const struct scenario *sc, const char *extra, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < sc->nr_faults && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
					 sc->faults[i].spec);
	if (extra && *extra && used < len)
		snprintf(buf + used, len - used, "%s%s", used ? "," : "", extra);
}

static const char *mode_name(enum sc_mode m)
{
	return m == SC_MODE_DET ? "det" : "process";
}

static const char *other_mode(enum sc_mode m)
{
	return m == SC_MODE_DET ? "process" : "det";
}

/* A check key the mode cannot evaluate. */
static bool check_skip(const struct sc_check *c, enum sc_mode mode, char *buf, size_t len,
		       const char *where)
{
	if (mode == SC_MODE_PROCESS && (c->keys & SC_CK_DET_ONLY)) {
		snprintf(buf, len, "%s: checks marks, host_result, faults_fired or pages_leaked: "
			 "needs det mode", where);
		return true;
	}
	return false;
}

static bool step_skip(const struct scenario *sc, unsigned i, enum sc_mode mode, char *buf,
		      size_t len)
{
	const struct sc_step *s = &sc->steps[i];
	char where[512];

	sc_step_where(sc, i, where, sizeof(where));
	if (!(sc_step_modes(s->kind) & mode)) {
		snprintf(buf, len, "%s needs %s mode", where, other_mode(mode));
		return true;
	}
	if (mode == SC_MODE_PROCESS && s->kind == SC_STEP_WAIT && s->wait_for == SC_WAIT_MARK) {
		snprintf(buf, len, "%s: waiting for a mark needs det mode", where);
		return true;
	}
	return s->kind == SC_STEP_EXPECT && check_skip(&s->check, mode, buf, len, where);
}

static bool vm_skip(const struct sc_vm *vm, enum sc_mode mode, char *buf, size_t len)
{
	if (mode == SC_MODE_PROCESS && (vm->bootargs || vm->script)) {
		snprintf(buf, len, "%s:%u:%u: vm %s: %s needs det mode (the service passes no "
			 "kernel command line)", vm->loc.file, vm->loc.line, vm->loc.col, vm->name,
			 vm->script ? "script" : "bootargs");
		return true;
	}
	if (mode == SC_MODE_PROCESS && vm->net) {
		snprintf(buf, len, "%s:%u:%u: vm %s: net: process mode does not start a network "
			 "switch yet", vm->loc.file, vm->loc.line, vm->loc.col, vm->name);
		return true;
	}
	if (mode == SC_MODE_DET && vm->vsock) {
		snprintf(buf, len, "%s:%u:%u: vm %s: vsock: det mode does not bridge vsock yet",
			 vm->loc.file, vm->loc.line, vm->loc.col, vm->name);
		return true;
	}
	return false;
}

void sc_skip_reason(const struct scenario *sc, const struct sc_run_opts *o, char *buf,
		    size_t len)
{
	buf[0] = 0;
	if (!(sc->modes & o->mode)) {
		snprintf(buf, len, "the scenario's modes do not include %s", mode_name(o->mode));
		return;
	}
	if (!(sc->backends & o->backend)) {
		snprintf(buf, len, "the scenario's backends do not include %s",
			 o->backend == SC_BACKEND_KVM ? "kvm" : "sim");
		return;
	}
	if (o->mode == SC_MODE_DET && o->backend != SC_BACKEND_SIM) {
		snprintf(buf, len, "det mode runs on the sim only");
		return;
	}
	for (unsigned i = 0; i < sc->nr_vms; i++)
		if (vm_skip(&sc->vms[i], o->mode, buf, len))
			return;
	for (unsigned i = 0; i < sc->nr_steps; i++)
		if (step_skip(sc, i, o->mode, buf, len))
			return;
	for (unsigned i = 0; i < sc->nr_expects; i++) {
		char where[300];

		snprintf(where, sizeof(where), "%s:%u:%u: expect", sc->expects[i].loc.file,
			 sc->expects[i].loc.line, sc->expects[i].loc.col);
		if (check_skip(&sc->expects[i], o->mode, buf, len, where))
			return;
	}
}

void sc_run_one(const struct scenario *sc, const struct sc_run_opts *o, struct sc_result *res)
{
	memset(res, 0, sizeof(*res));
	sc_skip_reason(sc, o, res->reason, sizeof(res->reason));
	if (res->reason[0]) {
		res->kind = SC_SKIP;
		return;
	}
	res->kind = SC_PASS;
	if (o->mode == SC_MODE_DET)
		sc_det_run(sc, o, res);
	else
		sc_proc_run(sc, o, res);
}
