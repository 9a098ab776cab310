// SPDX-License-Identifier: MIT
/*
 * Deterministic mode (docs/SCENARIOS.md): every VM of the scenario on one simulated
 * host, interleaved by the seeded scheduler (sched.c), observed through the VMM's hooks
 * (payload events, test marks and wait tokens) and its console files. Everything that
 * happens is added to the trace in the order it happens; nothing reads the host clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fault/fault.h"
#include "stack/guest/include/avf_hvc.h"
#include "stack/scenario/det_internal.h"
#include "stack/vmm/virtio.h"
#include "stack/vmm/vmm.h"

#define HOST_SLACK_MIB 64

static struct det_vm *vm_of(struct det *d, const struct vmm *v)
{
	for (unsigned i = 0; i < d->sc->nr_vms; i++)
		if (d->vms[i].v == v)
			return &d->vms[i];
	return NULL;
}

/* ---- hooks (called from inside vmm_run_turn, on this thread) ---- */

static void on_payload(void *ctx, struct vmm *v, const struct vmm_payload_event *ev)
{
	struct det *d = ctx;
	struct det_vm *dv = vm_of(d, v);
	struct sc_vmrec *r;

	if (!dv)
		return;
	r = &d->recs[dv - d->vms];
	switch (ev->kind) {
	case VMM_PAYLOAD_READY:
		sc_rec_event(r, SC_EV_READY);
		break;
	case VMM_PAYLOAD_FINISHED:
		r->finished = true;
		r->exit_code = ev->code;
		sc_rec_event(r, SC_EV_FINISHED);
		break;
	case VMM_PAYLOAD_ERROR:
		snprintf(r->message, sizeof(r->message), "error %d: %s", ev->code, ev->message);
		sc_rec_event(r, SC_EV_ERROR);
		break;
	}
	/* Hooks run inside vmm_run_turn: the clock is the one seen before the turn (the
	 * VMM's statistics may not be read from a hook). */
	sc_trace_add(&d->trace, "%s payload %d %d %s at %" PRIu64, dv->name, (int)ev->kind,
		     ev->code, ev->message, d->now);
}

static bool token_released(const struct det_vm *dv, uint64_t token)
{
	for (unsigned i = 0; i < dv->nr_released; i++)
		if (dv->released[i] == token)
			return true;
	return false;
}

static int on_hypercall(void *ctx, struct vmm *v, unsigned vcpu, uint32_t fn, uint64_t a1,
			uint64_t a2, uint64_t a3, uint64_t *x0)
{
	struct det *d = ctx;
	struct det_vm *dv = vm_of(d, v);
	struct sc_vmrec *r;

	(void)vcpu, (void)a2, (void)a3;
	if (!dv)
		return 0;
	r = &d->recs[dv - d->vms];
	if (fn == AVF_HVC_TEST_MARK) {
		if (r->nr_marks < SC_MAX_RECORDS)
			r->marks[r->nr_marks++] = a1;
		sc_trace_add(&d->trace, "%s mark %" PRIu64 " at %" PRIu64, dv->name, a1, d->now);
		*x0 = 0;
		return 1;
	}
	if (fn == AVF_HVC_TEST_WAIT) {
		*x0 = token_released(dv, a1) ? 0 : 1;
		return 1;
	}
	return 0;
}

/* ---- console ---- */

static void drain_console(struct det *d, unsigned i)
{
	struct det_vm *dv = &d->vms[i];
	char buf[4096];
	ssize_t n;

	if (dv->console_fd < 0)
		return;
	while ((n = read(dv->console_fd, buf, sizeof(buf))) > 0) {
		sc_rec_console(&d->recs[i], buf, (size_t)n);
		sc_trace_add(&d->trace, "%s console at %" PRIu64, dv->name, d->now);
		sc_trace_bytes(&d->trace, buf, (size_t)n);
	}
}

/* ---- the scheduler's view ---- */

uint64_t det_now(struct det *d)
{
	struct vmm_stats st;

	for (unsigned i = 0; i < d->sc->nr_vms; i++) {
		if (d->vms[i].v) {
			vmm_get_stats(d->vms[i].v, &st);
			if (st.virtual_ns > d->now)
				d->now = st.virtual_ns;
			break;
		}
	}
	return d->now;
}

void det_vm_ended(struct det *d, unsigned i, enum vmm_end end, const char *why)
{
	struct det_vm *dv = &d->vms[i];
	struct sc_vmrec *r = &d->recs[i];

	dv->running = false;
	d->live[i] = false;
	r->death = end == VMM_END_KILLED ? svc_death_from_wait(false, SIGKILL, true) :
		   svc_death_from_wait(true, (int)end, dv->stop_requested);
	snprintf(r->message, sizeof(r->message), "%s", why);
	sc_rec_event(r, SC_EV_DIED);
	sc_trace_add(&d->trace, "%s died %s (%s) at %" PRIu64, dv->name,
		     vmm_end_name(end), svc_death_name(r->death), det_now(d));
}

/* Move the frames the VMs sent to the switch on to their ports, now. */
static void switch_frames(struct det *d)
{
	int n = d->net ? net_switch_process(d->net) : 0;

	if (n > 0) {
		d->net_moved = true;
		sc_trace_add(&d->trace, "net %d frames at %" PRIu64, n, det_now(d));
	}
}

static int op_turn(void *ctx, unsigned i, bool *idle)
{
	struct det *d = ctx;
	enum vmm_end end = VMM_END_ERROR;
	int rc = vmm_run_turn(d->vms[i].v, idle, &end);

	drain_console(d, i);
	switch_frames(d);
	if (rc < 0) {
		det_vm_ended(d, i, VMM_END_ERROR, strerror(-rc));
		return 1;
	}
	if (rc == 1)
		det_vm_ended(d, i, end, vmm_error(d->vms[i].v));
	return rc;
}

static int op_advance(void *ctx)
{
	struct det *d = ctx;

	/* A frame switched during the round may have reached a VM that had already taken
	 * its turn: give every VM one more turn before the clock jumps past it. */
	if (d->net_moved) {
		d->net_moved = false;
		return 0;
	}
	return vmm_host_advance_idle(d->host);
}

static uint64_t op_now(void *ctx)
{
	return det_now(ctx);
}

static bool op_done(void *ctx)
{
	struct det *d = ctx;

	return d->done ? d->done(d, d->done_arg) : false;
}

enum sc_sched_outcome det_run_until(struct det *d, bool (*done)(struct det *, const void *),
				    const void *arg, uint64_t deadline_ns)
{
	static const struct sc_sched_ops ops = {
		.turn = op_turn, .advance_idle = op_advance, .now = op_now, .done = op_done,
	};
	enum sc_sched_outcome out;
	int err = 0;

	d->done = done;
	d->done_arg = arg;
	out = sc_sched_run(&d->sched, &ops, d, d->live, d->sc->nr_vms, deadline_ns, &err);
	d->done = NULL;
	return out;
}

/* ---- setup ---- */

static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write(fd, buf, len) == (ssize_t)len;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -EIO;
}

static bool needs_pvmfw(const struct scenario *sc)
{
	for (unsigned i = 0; i < sc->nr_vms; i++) {
		const struct sc_vm *vm = &sc->vms[i];
		size_t len = strlen(vm->payload);

		if (vm->protected_vm && len > 8 && !strcmp(vm->payload + len - 8, ".payload"))
			return true;
		if (vm->protected_vm && vm->builtin && strcmp(vm->payload, "testguest") &&
		    strncmp(vm->payload, "raw-", 4))
			return true;
	}
	return false;
}

static int create_host(struct det *d)
{
	struct vmm_host_config hc = { .backend = "sim", .seed = d->o->seed };
	uint64_t mib = HOST_SLACK_MIB;

	for (unsigned i = 0; i < d->sc->nr_vms; i++) {
		const struct sc_vm *vm = &d->sc->vms[i];

		mib += vm->mem_mib + vmm_host_overhead_mib(vm->mem_mib, vm->vcpus,
							    vm->protected_vm);
	}
	hc.phys_mib = mib;
	if (needs_pvmfw(d->sc)) {
		char path[1200];

		snprintf(path, sizeof(path), "%s/pvmfw-dev.bin", builtin_img_dir());
		if (det_slurp(path, &d->pvmfw, &d->pvmfw_size))
			return det_fail(d, "pvmfw %s: cannot read it (build it: make guest)", path);
		hc.pvmfw = d->pvmfw;
		hc.pvmfw_size = d->pvmfw_size;
		sc_trace_add(&d->trace, "pvmfw %zu bytes fnv %016" PRIx64, d->pvmfw_size,
			     sc_fnv1a(0xcbf29ce484222325ull, d->pvmfw, d->pvmfw_size));
	}
	if (vmm_host_create(&hc, &d->host))
		return det_fail(d, "cannot create the simulated host (%" PRIu64 " MiB)", mib);
	d->free0 = vmm_host_free_pages(d->host) + vmm_host_pool_free(d->host);
	return 0;
}

/*
 * The scenario's faults are in force from the first step to the end of teardown: the
 * runner's own measurements (the pool before and after) are made without them, so that
 * "at=1" names the first hit the scenario causes, not one of the runner's.
 */
static int arm_faults(struct det *d)
{
	char err[256];

	if (fault_configure(d->res->faults, err, sizeof(err)))
		return det_fail(d, "faults: %s", err);
	d->faults_armed = true;
	return 0;
}

/* Keep what fired, then clear the rules (fault_fired() counts since the last configure). */
static void disarm_faults(struct det *d)
{
	for (unsigned i = 0; fault_points[i].name && i < DET_MAX_POINTS; i++)
		d->fired[i] = fault_fired(fault_points[i].name);
	fault_configure(NULL, NULL, 0);
	d->faults_armed = false;
}

/* The image file vmm_create loads for VM @i, written into the run directory if needed. */
static int prepare_image(struct det *d, unsigned i, enum vmm_image_kind *kind,
			 uint64_t *load_addr)
{
	const struct sc_vm *vm = &d->sc->vms[i];
	struct det_vm *dv = &d->vms[i];
	const uint32_t *words;
	size_t count;
	char err[1400];

	*kind = VMM_IMAGE_AUTO;
	*load_addr = 0;
	if ((words = builtin_raw_words(vm->payload, &count))) {
		snprintf(dv->image, sizeof(dv->image), "%s/%s.raw", d->dir, vm->name);
		*kind = VMM_IMAGE_RAW;
		return write_file(dv->image, words, count * 4) ?
		       det_fail(d, "cannot write %s", dv->image) : 0;
	}
	if (vm->builtin) {
		if (builtin_image(vm->payload, dv->image, sizeof(dv->image), err, sizeof(err)))
			return det_fail(d, "vm %s: %s", vm->name, err);
	} else {
		snprintf(dv->image, sizeof(dv->image), "%s", vm->payload);
	}
	return det_unwrap_payload(d, i, kind, load_addr);
}

static int prepare_disks(struct det *d, unsigned i, struct vmm_config *cfg)
{
	const struct sc_vm *vm = &d->sc->vms[i];
	struct det_vm *dv = &d->vms[i];

	for (unsigned k = 0; k < vm->nr_disks; k++) {
		const struct sc_disk *disk = &vm->disks[k];

		snprintf(dv->disks[k], sizeof(dv->disks[k]), "%s/%s.disk%u", d->dir, vm->name, k);
		if (det_copy_or_create(disk->image, disk->size, dv->disks[k]))
			return det_fail(d, "vm %s: disk %u: cannot prepare %s", vm->name, k,
					disk->image ? disk->image : "a scratch image");
		cfg->disks[k].path = dv->disks[k];
		cfg->disks[k].read_only = disk->read_only;
	}
	cfg->nr_disks = vm->nr_disks;
	return 0;
}

int det_build_config(struct det *d, unsigned i, struct vmm_config *cfg)
{
	const struct sc_vm *vm = &d->sc->vms[i];
	struct det_vm *dv = &d->vms[i];

	*cfg = (struct vmm_config){
		.name = vm->name, .nr_vcpus = vm->vcpus, .mem_mib = vm->mem_mib,
		.protected_vm = vm->protected_vm, .kernel = dv->image,
		.console_out = dv->console, .instance_id = vm->instance_id, .debug = vm->debug,
		.hook_ctx = d, .on_payload = on_payload, .on_hypercall = on_hypercall,
	};
	if (prepare_image(d, i, &cfg->kind, &cfg->load_addr) || prepare_disks(d, i, cfg))
		return -EINVAL;
	if (vm->script) {
		snprintf(dv->bootargs, sizeof(dv->bootargs), "scenario=%s", vm->script);
		cfg->bootargs = dv->bootargs;
	} else {
		cfg->bootargs = vm->bootargs;
	}
	if (vm->net)
		cfg->net_switch = d->net_path;
	if (vm->vsock) {
		snprintf(dv->vsock, sizeof(dv->vsock), "%s/%s.vsock", d->dir, vm->name);
		cfg->vsock_cid = 3 + i;
		cfg->vsock_uds = dv->vsock;
	}
	return 0;
}

/* ---- the run ---- */

static void teardown(struct det *d)
{
	for (unsigned i = 0; i < d->sc->nr_vms; i++) {
		if (!d->vms[i].v)
			continue;
		drain_console(d, i);
		vmm_destroy(d->vms[i].v);
		d->vms[i].v = NULL;
		if (d->vms[i].console_fd >= 0)
			close(d->vms[i].console_fd);
		d->vms[i].console_fd = -1;
	}
	disarm_faults(d);
	if (d->net) {
		net_switch_destroy(d->net);
		d->net = NULL;
	}
	if (d->host) {
		d->facts.pages_leaked = (int64_t)d->free0 -
					(int64_t)(vmm_host_free_pages(d->host) +
						  vmm_host_pool_free(d->host));
		d->facts.teardown_done = true;
		vmm_host_destroy(d->host);
		d->host = NULL;
	}
}

static int create_switch(struct det *d)
{
	int rc;

	for (unsigned i = 0; i < d->sc->nr_vms; i++) {
		if (!d->sc->vms[i].net)
			continue;
		snprintf(d->net_path, sizeof(d->net_path), "%s/net.sock", d->dir);
		rc = net_switch_create(d->net_path, NULL, &d->net);
		return rc ? det_fail(d, "net: the switch at %s: %s", d->net_path, strerror(-rc))
			  : 0;
	}
	return 0;
}

/* Stop every VM still running (KILLED) so that the top-level checks see them dead. */
static int stop_all(struct det *d)
{
	for (unsigned i = 0; i < d->sc->nr_vms; i++) {
		if (d->vms[i].running) {
			d->vms[i].stop_requested = true;
			vmm_stop(d->vms[i].v);
		}
	}
	if (det_run_until(d, det_all_dead, NULL, UINT64_MAX) == SC_SCHED_ERROR)
		return det_fail(d, "stopping the VMs at the end failed");
	return 0;
}

static void run_scenario(struct det *d)
{
	char why[SC_REASON_MAX];

	if (create_host(d))
		return;
	if (create_switch(d) || arm_faults(d)) {
		teardown(d);
		return;
	}
	for (unsigned i = 0; i < d->sc->nr_steps && d->res->kind == SC_PASS; i++) {
		sc_trace_add(&d->trace, "step %u %s", i, sc_step_name(d->sc->steps[i].kind));
		det_step(d, i);
	}
	if (d->res->kind == SC_PASS)
		stop_all(d);
	teardown(d);
	for (unsigned i = 0; i < d->sc->nr_expects && d->res->kind == SC_PASS; i++) {
		const struct sc_check *c = &d->sc->expects[i];

		if (sc_check_eval(d->sc, c, d->recs, &d->facts, why, sizeof(why))) {
			det_fail_at(d, &c->loc, "expect: %s", why);
			if (c->vm >= 0)
				sc_console_tail(&d->recs[c->vm], d->sc->vms[c->vm].name,
						d->res->detail, sizeof(d->res->detail));
		}
	}
}

/* The run in progress, for the checks' fault counts (struct sc_det_facts takes a plain
 * function). Runs are sequential: one at a time per process, as lib/fault's rules are. */
static struct det *current;

static uint64_t fired_in_run(const char *point)
{
	if (current->faults_armed)
		return fault_fired(point);
	for (unsigned i = 0; fault_points[i].name && i < DET_MAX_POINTS; i++)
		if (!strcmp(fault_points[i].name, point))
			return current->fired[i];
	return 0;
}

void sc_det_run(const struct scenario *sc, const struct sc_run_opts *o, struct sc_result *res)
{
	struct det *d = calloc(1, sizeof(*d));
	char err[256];

	if (!d)
		abort();
	d->sc = sc;
	d->o = o;
	d->res = res;
	d->facts.fault_fired = fired_in_run;
	current = d;
	sc_trace_init(&d->trace, o->verbose ? stderr : NULL);
	sc_sched_init(&d->sched, o->seed);
	for (unsigned i = 0; i < SC_MAX_VMS; i++)
		d->vms[i].console_fd = -1;
	sc_fault_spec(sc, o->extra_faults, res->faults, sizeof(res->faults));
	/* Check the spec now: a bad --faults fails before anything is built. */
	if (fault_configure(res->faults, err, sizeof(err))) {
		det_fail(d, "faults: %s", err);
	} else if (fault_configure(NULL, NULL, 0), det_open_workdir(d) == 0) {
		det_quiet_stderr(d, true);
		run_scenario(d);
		det_quiet_stderr(d, false);
		det_close_workdir(d);
	}
	fault_configure(NULL, NULL, 0);
	current = NULL;
	res->trace_hash = d->trace.hash;
	res->has_trace = true;
	res->virtual_ns = d->now;
	for (unsigned i = 0; i < sc->nr_vms; i++)
		sc_rec_free(&d->recs[i]);
	free(d->pvmfw);
	free(d);
}
