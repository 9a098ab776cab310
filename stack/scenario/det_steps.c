// SPDX-License-Identifier: MIT
/*
 * Deterministic mode: one executor per step kind (docs/SCENARIOS.md, "Steps").
 * Timeouts are virtual time: the scheduler runs the VMs until the condition holds or
 * the machine's clock passes the deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/scenario/det_internal.h"

#define NS_PER_MS 1000000ull
#define STOP_GRACE_MS 5000ull

static int vfail(struct det *d, const struct sc_loc *loc, const char *fmt, va_list ap)
{
	char msg[SC_REASON_MAX - 128];

	if (d->res->kind == SC_FAIL)
		return -EINVAL;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	d->res->kind = SC_FAIL;
	if (loc)
		snprintf(d->res->reason, sizeof(d->res->reason), "%s:%u:%u: %s", loc->file,
			 loc->line, loc->col, msg);
	else
		snprintf(d->res->reason, sizeof(d->res->reason), "%s: %s", d->sc->file, msg);
	sc_trace_add(&d->trace, "fail");
	return -EINVAL;
}

int det_fail(struct det *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(d, NULL, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int det_fail_at(struct det *d, const struct sc_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(d, loc, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A step's failure: "FILE:L:C: step N (KIND): MESSAGE". */
static int step_fail(struct det *d, unsigned index, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int step_fail(struct det *d, unsigned index, const char *fmt, ...)
{
	const struct sc_step *s = &d->sc->steps[index];
	char msg[SC_REASON_MAX - 200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return det_fail_at(d, &s->loc, "step %u (%s): %s", index + 1, sc_step_name(s->kind),
			   msg);
}

bool det_all_dead(struct det *d, const void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < d->sc->nr_vms; i++)
		if (d->vms[i].running)
			return false;
	return true;
}

static bool vm_dead(struct det *d, const void *arg)
{
	return !d->vms[*(const int *)arg].running;
}

static bool wait_done(struct det *d, const void *arg)
{
	const struct sc_step *s = arg;
	const struct sc_vmrec *r = &d->recs[s->vm];

	switch (s->wait_for) {
	case SC_WAIT_STATE:
		return r->state >= s->state;
	case SC_WAIT_EVENT:
		for (unsigned i = 0; i < r->nr_events; i++)
			if (r->events[i] == s->event)
				return true;
		return false;
	case SC_WAIT_MARK:
		for (unsigned i = 0; i < r->nr_marks; i++)
			if (r->marks[i] == s->mark)
				return true;
		return false;
	}
	return false;
}

static const char *outcome_name(enum sc_sched_outcome o)
{
	switch (o) {
	case SC_SCHED_TIMEOUT: return "the timeout passed";
	case SC_SCHED_DEADLOCK: return "every running VM is idle and no timer is armed "
				       "(nothing can happen any more)";
	case SC_SCHED_NOTHING: return "no VM is running";
	case SC_SCHED_ERROR: return "the scheduler failed";
	default: return "done";
	}
}

/* The image a VM runs is part of its trace: a rebuilt guest changes the hash, visibly
 * (-v prints the image's own hash). */
static void trace_image(struct det *d, const struct det_vm *dv)
{
	void *buf;
	size_t len;

	if (det_slurp(dv->image, &buf, &len)) {
		sc_trace_add(&d->trace, "%s image unreadable", dv->name);
		return;
	}
	sc_trace_add(&d->trace, "%s image %zu bytes fnv %016" PRIx64, dv->name, len,
		     sc_fnv1a(0xcbf29ce484222325ull, buf, len));
	free(buf);
}

static void step_start(struct det *d, unsigned index, int vm)
{
	struct det_vm *dv = &d->vms[vm];
	struct sc_vmrec *r = &d->recs[vm];
	struct vmm_config cfg;
	int rc;

	if (r->created) {
		step_fail(d, index, "vm %s: already started (a VM runs once)", dv->name);
		return;
	}
	if (det_build_config(d, vm, &cfg))
		return;
	r->created = true;
	rc = vmm_create(d->host, &cfg, &dv->v);
	if (rc) {
		/* As avf-vmm exiting 1: the service's INFRASTRUCTURE_ERROR. */
		dv->v = NULL;
		sc_rec_event(r, SC_EV_STARTED);
		det_vm_ended(d, (unsigned)vm, VMM_END_ERROR, strerror(-rc));
		return;
	}
	trace_image(d, dv);
	dv->console_fd = open(dv->console, O_RDONLY | O_CLOEXEC);
	dv->running = true;
	d->live[vm] = true;
	sc_rec_event(r, SC_EV_STARTED);
	sc_trace_add(&d->trace, "%s started at %" PRIu64, dv->name, det_now(d));
}

static void step_stop(struct det *d, unsigned index, int vm)
{
	struct det_vm *dv = &d->vms[vm];
	enum sc_sched_outcome out;

	if (!dv->running) {
		if (!d->recs[vm].created)
			step_fail(d, index, "vm %s: not started", dv->name);
		return;		/* already dead: nothing to stop (as the service's -ESRCH) */
	}
	dv->stop_requested = true;
	vmm_stop(dv->v);
	out = det_run_until(d, vm_dead, &vm, det_now(d) + STOP_GRACE_MS * NS_PER_MS);
	if (out != SC_SCHED_DONE && dv->running)
		step_fail(d, index, "vm %s: did not end after vmm_stop: %s", dv->name,
			  outcome_name(out));
}

static void step_wait(struct det *d, unsigned index)
{
	const struct sc_step *s = &d->sc->steps[index];
	const struct sc_vmrec *r = &d->recs[s->vm];
	enum sc_sched_outcome out;
	char what[96];

	out = det_run_until(d, wait_done, s, det_now(d) + s->timeout_ms * NS_PER_MS);
	if (out == SC_SCHED_DONE || wait_done(d, s))
		return;
	if (s->wait_for == SC_WAIT_STATE)
		snprintf(what, sizeof(what), "state %s", sc_state_name(s->state));
	else if (s->wait_for == SC_WAIT_EVENT)
		snprintf(what, sizeof(what), "event %s", sc_event_name(s->event));
	else
		snprintf(what, sizeof(what), "mark %" PRIu64, s->mark);
	step_fail(d, index, "vm %s: waited for %s for %" PRIu64 " ms (virtual): %s; "
		  "it is %s%s%s", d->sc->vms[s->vm].name, what, s->timeout_ms,
		  outcome_name(out), sc_state_name(r->state), r->message[0] ? ": " : "",
		  r->message);
}

static bool never(struct det *d, const void *arg)
{
	(void)d, (void)arg;
	return false;
}

static void step_advance(struct det *d, unsigned index)
{
	enum sc_sched_outcome out;

	out = det_run_until(d, never, NULL, det_now(d) + d->sc->steps[index].ms * NS_PER_MS);
	if (out == SC_SCHED_ERROR)
		step_fail(d, index, "%s", outcome_name(out));
}

static void step_release(struct det *d, unsigned index)
{
	const struct sc_step *s = &d->sc->steps[index];
	struct det_vm *dv = &d->vms[s->vm];

	if (dv->nr_released == DET_MAX_TOKENS) {
		step_fail(d, index, "more than %d tokens released", DET_MAX_TOKENS);
		return;
	}
	dv->released[dv->nr_released++] = s->token;
	sc_trace_add(&d->trace, "%s release %" PRIu64, dv->name, s->token);
}

/* The first byte of a host_read that differs from expect_bytes fails the step. */
static void check_bytes_read(struct det *d, unsigned index, const uint8_t *got)
{
	const struct sc_step *s = &d->sc->steps[index];
	uint64_t i = 0, differ = 0;

	while (i < s->size && got[i] == s->expect_bytes[i])
		i++;
	if (i == s->size)
		return;
	for (uint64_t j = i; j < s->size; j++)
		differ += got[j] != s->expect_bytes[j];
	step_fail(d, index, "vm %s: IPA 0x%" PRIx64 ": expect_bytes: byte %" PRIu64 " (IPA 0x%"
		  PRIx64 ") is 0x%02x, expected 0x%02x (%" PRIu64 " of %" PRIu64 " bytes differ)",
		  d->vms[s->vm].name, s->ipa, i, s->ipa + i, got[i], s->expect_bytes[i], differ,
		  s->size);
}

static void step_host_access(struct det *d, unsigned index)
{
	const struct sc_step *s = &d->sc->steps[index];
	struct det_vm *dv = &d->vms[s->vm];
	struct sc_vmrec *r = &d->recs[s->vm];
	uint8_t buf[4096];
	int rc;

	if (!dv->v) {
		step_fail(d, index, "vm %s: not started", dv->name);
		return;
	}
	if (s->kind == SC_STEP_HOST_READ) {
		rc = vmm_read_guest(dv->v, s->ipa, buf, s->size);
	} else {
		if (s->data)
			memcpy(buf, s->data, s->size);
		else
			memset(buf, s->byte, s->size);
		rc = vmm_write_guest(dv->v, s->ipa, buf, s->size);
	}
	sc_trace_add(&d->trace, "%s %s 0x%" PRIx64 " %" PRIu64 ": %d", dv->name,
		     sc_step_name(s->kind), s->ipa, s->size, rc);
	if (rc && rc != -EPERM && rc != -EFAULT) {
		step_fail(d, index, "vm %s: IPA 0x%" PRIx64 "+%" PRIu64 ": %s", dv->name, s->ipa,
			  s->size, strerror(-rc));
		return;
	}
	r->host_done = true;
	r->host_result = rc == -EPERM ? SC_HOST_REFUSED : rc == -EFAULT ? SC_HOST_FAULT :
		SC_HOST_OK;
	if (r->host_result != s->host_expect)
		step_fail(d, index, "vm %s: IPA 0x%" PRIx64 "+%" PRIu64 ": expected %s, got %s",
			  dv->name, s->ipa, s->size, sc_host_result_name(s->host_expect),
			  r->host_result == SC_HOST_REFUSED ? "refused (-EPERM)" :
			  r->host_result == SC_HOST_FAULT ?
			  "fault (-EFAULT: outside the VM's memory)" : "ok");
	else if (s->expect_bytes)
		check_bytes_read(d, index, buf);
}

void det_step(struct det *d, unsigned index)
{
	const struct sc_step *s = &d->sc->steps[index];
	char why[SC_REASON_MAX];

	switch (s->kind) {
	case SC_STEP_START:
		step_start(d, index, s->vm);
		break;
	case SC_STEP_STOP:
	case SC_STEP_KILL_VMM:
		step_stop(d, index, s->vm);
		break;
	case SC_STEP_WAIT:
		step_wait(d, index);
		break;
	case SC_STEP_RELEASE:
		step_release(d, index);
		break;
	case SC_STEP_ADVANCE:
		step_advance(d, index);
		break;
	case SC_STEP_HOST_READ:
	case SC_STEP_HOST_WRITE:
		step_host_access(d, index);
		break;
	case SC_STEP_EXPECT:
		if (sc_check_eval(d->sc, &s->check, d->recs, &d->facts, why, sizeof(why))) {
			step_fail(d, index, "%s", why);
			if (s->vm >= 0)
				sc_console_tail(&d->recs[s->vm], d->sc->vms[s->vm].name,
						d->res->detail, sizeof(d->res->detail));
		}
		break;
	default:
		/* The runner skips det mode for these (sc_skip_reason); reaching here is a bug. */
		step_fail(d, index, "not a det-mode step");
		break;
	}
}
