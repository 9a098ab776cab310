// SPDX-License-Identifier: MIT
/*
 * Process mode (docs/SCENARIOS.md): a private avfd in a temporary run directory, one
 * real avf-vmm per VM, everything through libavf. Payloads the service needs signed
 * (the test guest, the raw guests) are signed with the development key by avf-sign;
 * the daemon trusts the .pub files of stack/guest/keys. Timeouts are wall-clock milliseconds.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stack/api/avf.h"
#include "stack/scenario/proc_internal.h"

#define STOP_TIMEOUT_MS 15000

int64_t proc_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int proc_fail(struct proc *p, const struct sc_loc *loc, const char *fmt, ...)
{
	char msg[SC_REASON_MAX - 128];
	va_list ap;

	if (p->res->kind == SC_FAIL)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->res->kind = SC_FAIL;
	if (loc)
		snprintf(p->res->reason, sizeof(p->res->reason), "%s:%u:%u: %s", loc->file,
			 loc->line, loc->col, msg);
	else
		snprintf(p->res->reason, sizeof(p->res->reason), "%s: %s", p->sc->file, msg);
	return -EINVAL;
}

/* ---- callbacks: the service's events ---- */

static struct sc_vmrec *rec_of(struct proc *p, struct avf_vm *vm)
{
	for (unsigned i = 0; i < p->sc->nr_vms; i++)
		if (p->vms[i].vm == vm)
			return &p->recs[i];
	return NULL;
}

static void cb_started(struct avf_vm *vm, void *ctx)
{
	struct sc_vmrec *r = rec_of(ctx, vm);

	if (r)
		sc_rec_event(r, SC_EV_STARTED);
}

static void cb_ready(struct avf_vm *vm, void *ctx)
{
	struct sc_vmrec *r = rec_of(ctx, vm);

	if (r)
		sc_rec_event(r, SC_EV_READY);
}

static void cb_finished(struct avf_vm *vm, int code, void *ctx)
{
	struct sc_vmrec *r = rec_of(ctx, vm);

	if (!r)
		return;
	r->finished = true;
	r->exit_code = code;
	sc_rec_event(r, SC_EV_FINISHED);
}

static void cb_error(struct avf_vm *vm, int code, const char *message, void *ctx)
{
	struct sc_vmrec *r = rec_of(ctx, vm);

	if (!r)
		return;
	snprintf(r->message, sizeof(r->message), "error %d: %s", code, message);
	sc_rec_event(r, SC_EV_ERROR);
}

static void cb_died(struct avf_vm *vm, int reason, const char *message, void *ctx)
{
	struct sc_vmrec *r = rec_of(ctx, vm);

	if (!r)
		return;
	r->death = (enum svc_death)reason;
	if (message && *message)
		snprintf(r->message, sizeof(r->message), "%s", message);
	sc_rec_event(r, SC_EV_DIED);
}

static const struct avf_callbacks callbacks = {
	.payload_started = cb_started, .payload_ready = cb_ready,
	.payload_finished = cb_finished, .error = cb_error, .died = cb_died,
};

/* ---- waiting ---- */

/* Dispatch events until @done or the deadline (wall ms). 0, -ETIMEDOUT or -errno. */
int proc_wait(struct proc *p, bool (*done)(struct proc *, const void *), const void *arg,
	      int64_t timeout_ms)
{
	int64_t deadline = proc_ms() + timeout_ms;

	while (!done(p, arg)) {
		int64_t left = deadline - proc_ms();
		int rc;

		if (left <= 0)
			return -ETIMEDOUT;
		rc = avf_service_dispatch(p->svc, (int)(left > 200 ? 200 : left));
		if (rc < 0 && rc != -ETIMEDOUT && rc != -EAGAIN && rc != -EINTR)
			return rc;
	}
	return 0;
}

bool proc_vm_dead(struct proc *p, const void *arg)
{
	unsigned i = *(const unsigned *)arg;

	return !p->vms[i].vm || p->recs[i].state == SC_STATE_DEAD;
}

void proc_sync_console(struct proc *p, unsigned i)
{
	struct proc_vm *pv = &p->vms[i];
	char buf[8192];
	bool eof = false;
	int n;

	if (!pv->vm)
		return;
	while ((n = avf_vm_console_read(pv->vm, &pv->console_off, buf, sizeof(buf), &eof)) > 0)
		sc_rec_console(&p->recs[i], buf, (size_t)n);
}

/* ---- VMs ---- */

static int build_config(struct proc *p, unsigned i, struct avf_vm_config **out)
{
	const struct sc_vm *vm = &p->sc->vms[i];
	struct avf_vm_config *cfg;
	int rc;

	rc = avf_config_new(&cfg);
	if (rc)
		return rc;
	rc = avf_config_set_payload_path(cfg, p->vms[i].payload);
	if (!rc)
		rc = avf_config_set_memory_mib(cfg, vm->mem_mib);
	if (!rc)
		rc = avf_config_set_cpus(cfg, vm->vcpus);
	if (!rc)
		rc = avf_config_set_protected(cfg, vm->protected_vm);
	if (!rc)
		rc = avf_config_set_debug_level(cfg, vm->debug ? AVF_DEBUG_FULL : AVF_DEBUG_NONE);
	if (!rc)
		rc = avf_config_set_name(cfg, vm->name);
	if (!rc)
		rc = avf_config_set_instance_id(cfg, vm->instance_id);
	for (unsigned k = 0; !rc && k < vm->nr_disks; k++)
		rc = avf_config_add_disk(cfg, p->vms[i].disks[k], vm->disks[k].read_only);
	if (rc) {
		avf_config_free(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

void proc_start(struct proc *p, unsigned index, unsigned i)
{
	const struct sc_step *s = &p->sc->steps[index];
	struct proc_vm *pv = &p->vms[i];
	struct avf_vm_config *cfg;
	int rc;

	if (p->recs[i].created) {
		proc_fail(p, &s->loc, "step %u (start): vm %s: already started (a VM runs once)",
			  index + 1, p->sc->vms[i].name);
		return;
	}
	p->recs[i].created = true;
	if (proc_prepare_vm(p, i))
		return;
	rc = build_config(p, i, &cfg);
	if (!rc) {
		rc = avf_vm_create(p->svc, cfg, &pv->vm);
		avf_config_free(cfg);
	}
	if (rc) {
		proc_fail(p, &s->loc, "step %u (start): vm %s: the service refused to create it: "
			  "%s (%s)", index + 1, p->sc->vms[i].name, strerror(-rc),
			  avf_last_error());
		pv->vm = NULL;
		return;
	}
	avf_vm_set_callbacks(pv->vm, &callbacks, p);
	rc = avf_vm_start(pv->vm);
	if (rc)
		proc_fail(p, &s->loc, "step %u (start): vm %s: start: %s (%s)", index + 1,
			  p->sc->vms[i].name, strerror(-rc), avf_last_error());
}

void proc_stop_vm(struct proc *p, unsigned index, unsigned i, bool kill_vmm)
{
	const struct sc_step *s = &p->sc->steps[index];
	struct proc_vm *pv = &p->vms[i];
	avf_vm_info_t info;
	int rc;

	if (!pv->vm) {
		proc_fail(p, &s->loc, "step %u (%s): vm %s: not started", index + 1,
			  sc_step_name(s->kind), p->sc->vms[i].name);
		return;
	}
	if (proc_vm_dead(p, &i))
		return;
	if (!kill_vmm) {
		rc = avf_vm_stop(pv->vm);
	} else {
		rc = avf_vm_info(pv->vm, &info);
		if (!rc && info.pid > 0)
			rc = kill(info.pid, SIGKILL) ? -errno : 0;
		else if (!rc)
			rc = -ESRCH;
	}
	if (rc && rc != -ESRCH) {
		proc_fail(p, &s->loc, "step %u (%s): vm %s: %s (%s)", index + 1,
			  sc_step_name(s->kind), p->sc->vms[i].name, strerror(-rc),
			  avf_last_error());
		return;
	}
	if (proc_wait(p, proc_vm_dead, &i, STOP_TIMEOUT_MS))
		proc_fail(p, &s->loc, "step %u (%s): vm %s: not dead %d ms later", index + 1,
			  sc_step_name(s->kind), p->sc->vms[i].name, STOP_TIMEOUT_MS);
}

/* ---- the run ---- */

static void finish(struct proc *p)
{
	char why[SC_REASON_MAX];

	for (unsigned i = 0; i < p->sc->nr_vms; i++) {
		if (!p->vms[i].vm || proc_vm_dead(p, &i))
			continue;
		avf_vm_stop(p->vms[i].vm);
		if (proc_wait(p, proc_vm_dead, &i, STOP_TIMEOUT_MS))
			proc_fail(p, NULL, "vm %s: not dead %d ms after the final stop",
				  p->sc->vms[i].name, STOP_TIMEOUT_MS);
	}
	for (unsigned i = 0; i < p->sc->nr_vms; i++)
		proc_sync_console(p, i);
	for (unsigned i = 0; i < p->sc->nr_expects && p->res->kind == SC_PASS; i++) {
		const struct sc_check *c = &p->sc->expects[i];

		if (sc_check_eval(p->sc, c, p->recs, NULL, why, sizeof(why))) {
			proc_fail(p, &c->loc, "expect: %s", why);
			if (c->vm >= 0)
				sc_console_tail(&p->recs[c->vm], p->sc->vms[c->vm].name,
						p->res->detail, sizeof(p->res->detail));
		}
	}
}

void sc_proc_run(const struct scenario *sc, const struct sc_run_opts *o, struct sc_result *res)
{
	struct proc *p = calloc(1, sizeof(*p));

	if (!p)
		abort();
	p->sc = sc;
	p->o = o;
	p->res = res;
	p->daemon = -1;
	sc_fault_spec(sc, o->extra_faults, res->faults, sizeof(res->faults));
	if (!proc_setup(p)) {
		for (unsigned i = 0; i < sc->nr_steps && res->kind == SC_PASS; i++)
			proc_step(p, i);
		if (res->kind == SC_PASS)
			finish(p);
	}
	proc_teardown(p);
	for (unsigned i = 0; i < sc->nr_vms; i++)
		sc_rec_free(&p->recs[i]);
	free(p);
}
