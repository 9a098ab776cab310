// SPDX-License-Identifier: MIT
/*
 * Running a VM: the vCPU loops and how a VM ends.
 *
 * Each exit the hyp hands the host arrives in the vCPU's run page (struct hyp_vcpu_run),
 * which the VMM reads and answers through the host view:
 *   MMIO           the MMIO bus; a read's value goes back into the run page
 *   HYPERCALL      a call neither the backend (PSCI) nor the hyp (pKVM's block) took:
 *                  AVF's channel block (payload_channel.c); anything else stays
 *                  NOT_SUPPORTED
 *   SYSTEM_EVENT   PSCI SYSTEM_OFF / SYSTEM_RESET / a crash: the VM ends
 *   GUEST_FAULT    a normal VM touched an IPA with neither memory nor a device in a way
 *                  the VMM cannot emulate: the VM crashed
 *   IDLE, PREEMPTED, KICKED: scheduling
 *
 * Two ways to run, chosen by the backend's capabilities (never by its name):
 *   - round-robin (no HAL_CAP_THREADED_VCPUS: the sim): one thread runs every vCPU for
 *     a quantum in turn (LOAD, RUN with a budget, PUT); quanta vary around QUANTUM
 *     from a generator seeded by the host's seed, so interleaving is a function of the
 *     seed; device I/O is polled between turns; when every vCPU is idle the virtual
 *     clock jumps to the next timer deadline, and with none the VM is hung unless a
 *     device waits for the outside world (then the loop blocks on it);
 *   - threaded (HAL_CAP_THREADED_VCPUS: KVM): one thread per vCPU runs it until the VM
 *     ends; the calling thread does device I/O.
 *
 * Stopping threaded vCPUs: once the VM has ended (a vCPU's exit, a device, vmm_stop()),
 * the I/O thread kicks every vCPU (HYP_HOST_VCPU_KICK), which makes a VCPU_RUN blocked
 * in the guest (WFI on KVM) return, and joins every thread. Only a kick that fails (an
 * injected hyp.host_call failure) can leave a thread inside VCPU_RUN: that one is
 * waited for a moment and then left behind (threads_stuck), and the VM is not torn down.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stack/vmm/vmm_internal.h"

/* Mean instructions per turn on round-robin backends, and the spread around it. */
#define QUANTUM		20000u
#define QUANTUM_SPREAD	10000u
/* Exits one vCPU may have handled in one turn before the next vCPU runs. */
#define MAX_EXITS_PER_TURN 256u
/* How long a stopping threaded VM waits for a vCPU thread it could not kick. */
#define JOIN_WAIT_MS	200

enum step { STEP_CONTINUE, STEP_IDLE, STEP_PREEMPTED, STEP_END };

/* ---- ending ---- */

static void wake(struct vmm *v)
{
	uint64_t one = 1;

	if (v->wake_fd >= 0 && write(v->wake_fd, &one, sizeof(one)) < 0) {
		/* Full counter: the loop has a wakeup pending anyway. */
	}
}

static bool has_ended(struct vmm *v)
{
	bool ended;

	pthread_mutex_lock(&v->end_lock);
	ended = v->ended;
	pthread_mutex_unlock(&v->end_lock);
	return ended;
}

void vmm_set_end(struct vmm *v, enum vmm_end end, const char *fmt, ...)
{
	char why[sizeof(v->error)];
	bool first;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&v->end_lock);
	first = !v->ended;
	if (first) {
		v->ended = true;
		v->end = end;
	}
	pthread_mutex_unlock(&v->end_lock);
	if (first && end == VMM_END_ERROR)
		vmm_fail(v, 0, "%s", why);
	else if (first && end != VMM_END_SHUTDOWN) {
		vmm_log(v, "%s", why);
		if (!v->error[0])
			snprintf(v->error, sizeof(v->error), "%s", why);
	}
	wake(v);
}

void vmm_stop(struct vmm *v)
{
	uint64_t one = 1;

	__atomic_store_n(&v->stop_signal, 1, __ATOMIC_RELEASE);
	/* write(2) is async-signal-safe; the loop re-reads stop_signal when woken. */
	if (write(v->wake_fd, &one, sizeof(one)) < 0) {
		/* nothing to do: see wake() */
	}
}

static bool stop_requested(struct vmm *v)
{
	if (!__atomic_load_n(&v->stop_signal, __ATOMIC_ACQUIRE))
		return false;
	vmm_set_end(v, VMM_END_KILLED, "stopped from outside (vmm_stop)");
	return true;
}

/* ---- one exit ---- */

static hal_pa_t run_pa(const struct vmm_vcpu *c, size_t offset)
{
	return hal_pa((c->run_pfn << PAGE_SHIFT_4K) + offset);
}

/* End the VM (how, and a printf-style why) and say so to the loop. */
#define END_VM(v, end, ...) (vmm_set_end((v), (end), __VA_ARGS__), STEP_END)

static enum step handle_mmio(struct vmm *v, struct vmm_vcpu *c, const struct hyp_vcpu_run *r)
{
	uint64_t data = r->mmio.data;

	__atomic_fetch_add(&v->mmio_exits, 1, __ATOMIC_RELAXED);
	if (vmm_injected_crash(v, "vmm.crash.mmio"))
		return STEP_END;
	mmio_bus_access(&v->bus, r->mmio.ipa, r->mmio.size, r->mmio.is_write, &data);
	if (!r->mmio.is_write &&
	    hal_host_write(v->host->m, run_pa(c, offsetof(struct hyp_vcpu_run, mmio.data)),
			   &data, sizeof(data), NULL))
		return END_VM(v, VMM_END_ERROR, "vcpu %u: cannot answer an MMIO read at 0x%"
			      PRIx64 ": the run page is gone", c->index, r->mmio.ipa);
	return STEP_CONTINUE;
}

static enum step handle_system_event(struct vmm *v, struct vmm_vcpu *c,
				     const struct hyp_vcpu_run *r)
{
	switch (r->system_event.type) {
	case HAL_SYSTEM_OFF:
		vmm_set_end(v, VMM_END_SHUTDOWN, "vcpu %u: PSCI SYSTEM_OFF", c->index);
		break;
	case HAL_SYSTEM_RESET:
		vmm_set_end(v, VMM_END_REBOOT, "vcpu %u: the guest asked for a reset (PSCI "
			    "SYSTEM_RESET)", c->index);
		break;
	default:
		vmm_set_end(v, VMM_END_CRASH, "vcpu %u: the backend reports a guest crash "
			    "(system event %u)", c->index, r->system_event.type);
		break;
	}
	return STEP_END;
}

/* A guest call for the VMM (payload_channel.c answers it); the reply goes back into the
 * run page, where the hyp takes it for the guest's x0..x3. */
static enum step handle_hypercall(struct vmm *v, struct vmm_vcpu *c,
				  const struct hyp_vcpu_run *r)
{
	uint64_t ret[4];

	__atomic_fetch_add(&v->hypercall_exits, 1, __ATOMIC_RELAXED);
	memcpy(ret, r->hypercall.ret, sizeof(ret));
	if (!vmm_guest_hypercall(v, c->index, r->hypercall.args, ret))
		return STEP_END;
	if (hal_host_write(v->host->m, run_pa(c, offsetof(struct hyp_vcpu_run, hypercall.ret)),
			   ret, sizeof(ret), NULL))
		return END_VM(v, VMM_END_ERROR, "vcpu %u: cannot answer a hypercall: the run "
			      "page is gone", c->index);
	return STEP_CONTINUE;
}

/* What VCPU_RUN returned (rc) and left in the run page: handle it. */
static enum step handle_exit(struct vmm *v, struct vmm_vcpu *c, int64_t rc)
{
	struct hyp_vcpu_run r;

	if (rc)
		return END_VM(v, VMM_END_ERROR, "vcpu %u: VCPU_RUN: %s", c->index,
			      strerror((int)-rc));
	if (hal_host_read(v->host->m, run_pa(c, 0), &r, sizeof(r), NULL))
		return END_VM(v, VMM_END_ERROR, "vcpu %u: cannot read the run page 0x%" PRIx64,
			      c->index, c->run_pfn);
	switch (r.exit_reason) {
	case HYP_EXIT_MMIO:
		return handle_mmio(v, c, &r);
	case HYP_EXIT_HYPERCALL:
		return handle_hypercall(v, c, &r);
	case HYP_EXIT_SYSTEM_EVENT:
		return handle_system_event(v, c, &r);
	case HYP_EXIT_IDLE:
		return STEP_IDLE;
	case HYP_EXIT_PREEMPTED:
	case HYP_EXIT_KICKED:
		return STEP_PREEMPTED;
	case HYP_EXIT_GUEST_FAULT:
		return END_VM(v, VMM_END_CRASH, "vcpu %u: the guest faulted at IPA 0x%" PRIx64
			      ", where it has neither memory nor a device the VMM can emulate",
			      c->index, r.fault.ipa);
	case HYP_EXIT_INTERNAL_ERROR:
		return END_VM(v, VMM_END_CRASH, "vcpu %u: the backend cannot run this vCPU "
			      "any more (internal error)", c->index);
	default:
		return END_VM(v, VMM_END_ERROR, "vcpu %u: unknown exit reason %" PRIu64,
			      c->index, (uint64_t)r.exit_reason);
	}
}

/* ---- round-robin (one thread, budgets) ---- */

/* The next quantum: QUANTUM +- QUANTUM_SPREAD / 2, from the seeded generator. */
static uint64_t next_quantum(struct vmm *v)
{
	uint64_t x = v->rr_state;	/* xorshift64* */

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	v->rr_state = x;
	return QUANTUM - QUANTUM_SPREAD / 2 + (x * 0x2545f4914f6cdd1dull >> 33) % QUANTUM_SPREAD;
}

/* One VCPU_RUN with a budget, counting the instructions it retired. */
static int64_t run_budgeted(struct vmm *v, uint64_t budget)
{
	uint64_t t0 = v->host->virtual_time ? hal_clock_ns(v->host->m) : 0;
	int64_t rc = vmm_hcall(v->host, HYP_HOST_VCPU_RUN, budget, 0, 0, 0, 0, NULL);

	/* On a virtual-time backend the clock moves by one ns per retired instruction
	 * while a vCPU runs (docs/HAL.md), and only then. */
	if (v->host->virtual_time)
		v->insns += hal_clock_ns(v->host->m) - t0;
	return rc;
}

/* One turn of vCPU c: run it for a quantum (or until idle or the VM ends). */
static enum step rr_turn(struct vmm *v, struct vmm_vcpu *c)
{
	uint64_t quantum = next_quantum(v);
	enum step step = STEP_PREEMPTED;
	int64_t rc;

	rc = vmm_hcall(v->host, HYP_HOST_VCPU_LOAD, v->handle, c->index, 0, 0, 0, NULL);
	if (rc)
		return END_VM(v, VMM_END_ERROR, "vcpu %u: VCPU_LOAD: %s", c->index,
			      strerror((int)-rc));
	for (unsigned k = 0; k < MAX_EXITS_PER_TURN; k++) {
		uint64_t budget = quantum;

		if (v->max_insns) {
			if (v->insns >= v->max_insns) {
				step = END_VM(v, VMM_END_TIMEOUT, "instruction limit reached: %"
					      PRIu64 " instructions", v->insns);
				break;
			}
			if (v->max_insns - v->insns < budget)
				budget = v->max_insns - v->insns;
		}
		step = handle_exit(v, c, run_budgeted(v, budget));
		if (step != STEP_CONTINUE)
			break;
	}
	rc = vmm_hcall(v->host, HYP_HOST_VCPU_PUT, 0, 0, 0, 0, 0, NULL);
	if (rc)
		return END_VM(v, VMM_END_ERROR, "vcpu %u: VCPU_PUT: %s", c->index,
			      strerror((int)-rc));
	c->idle = step == STEP_IDLE;
	return step;
}

int vmm_run_turn(struct vmm *v, bool *idle, enum vmm_end *end)
{
	bool all_idle = true, external;
	int err;

	if (v->host->threaded)
		return -EOPNOTSUPP;
	if (!v->boot_checked) {
		v->boot_checked = true;
		vmm_injected_crash(v, "vmm.crash.boot");
	}
	if (!has_ended(v) && !stop_requested(v)) {
		for (unsigned i = 0; i < v->nr_vcpus; i++) {
			if (rr_turn(v, &v->vcpus[i]) == STEP_END)
				break;
			all_idle &= v->vcpus[i].idle;
		}
	}
	err = vmm_devices_poll(v, 0, &external);
	if (err < 0)
		vmm_set_end(v, VMM_END_ERROR, "device I/O: poll: %s", strerror(-err));
	vmm_console_flush(&v->console);
	*idle = all_idle;
	if (!has_ended(v))
		return 0;
	*end = v->end;
	return 1;
}

/*
 * Every vCPU is idle: skip virtual time to the next timer, or wait for the outside
 * world if a device waits on it; with neither, nothing can ever wake the guest.
 */
static void rr_idle(struct vmm *v)
{
	bool external = false;

	if (!vmm_host_advance_idle(v->host))
		return;
	/* Ask the devices whether any waits for the host (a socket, a TAP fd). */
	if (vmm_devices_poll(v, 0, &external) < 0)
		external = false;
	if (external) {
		vmm_devices_poll(v, -1, &external);
		return;
	}
	vmm_set_end(v, VMM_END_CRASH, "the guest is hung: every vCPU is idle (WFI or off), "
		    "no timer is armed and no device waits for the outside world");
}

static void run_round_robin(struct vmm *v)
{
	enum vmm_end end;
	bool idle;

	while (!vmm_run_turn(v, &idle, &end))
		if (idle)
			rr_idle(v);
}

/* ---- threaded (one thread per vCPU) ---- */

static void *vcpu_thread(void *arg)
{
	struct vmm_vcpu *c = arg;
	struct vmm *v = c->vm;
	int64_t rc = vmm_hcall(v->host, HYP_HOST_VCPU_LOAD, v->handle, c->index, 0, 0, 0, NULL);

	if (rc) {
		vmm_set_end(v, VMM_END_ERROR, "vcpu %u: VCPU_LOAD: %s", c->index,
			    strerror((int)-rc));
	} else {
		while (!has_ended(v)) {
			enum step step = handle_exit(v, c, vmm_hcall(v->host, HYP_HOST_VCPU_RUN, 0,
								   0, 0, 0, 0, NULL));

			if (step == STEP_END)
				break;
			if (step == STEP_IDLE) {
				/* Only backends with HAL_CAP_IDLE_EXIT say so; yield a moment. */
				struct timespec ts = { 0, 1000000 };

				nanosleep(&ts, NULL);
			}
		}
		vmm_hcall(v->host, HYP_HOST_VCPU_PUT, 0, 0, 0, 0, 0, NULL);
	}
	__atomic_store_n(&c->thread_done, true, __ATOMIC_RELEASE);
	wake(v);
	return NULL;
}

static int start_threads(struct vmm *v)
{
	sigset_t block, old;
	int err = 0;

	/* Termination signals go to the I/O thread (which calls vmm_stop()), not into a
	 * vCPU thread's KVM_RUN. The backend's own kick signal stays deliverable. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (unsigned i = 0; i < v->nr_vcpus && !err; i++) {
		err = -pthread_create(&v->vcpus[i].thread, NULL, vcpu_thread, &v->vcpus[i]);
		v->vcpus[i].thread_started = !err;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		vmm_set_end(v, VMM_END_ERROR, "start the vCPU threads: %s", strerror(-err));
	return err;
}

/* Wait up to ms for every started thread to be done; false if one is not. */
static bool wait_threads_done(struct vmm *v, unsigned ms)
{
	for (unsigned waited = 0;; waited += 10) {
		bool all = true;

		for (unsigned i = 0; i < v->nr_vcpus; i++)
			all &= !v->vcpus[i].thread_started ||
			       __atomic_load_n(&v->vcpus[i].thread_done, __ATOMIC_ACQUIRE);
		if (all)
			return true;
		if (waited >= ms)
			return false;
		usleep(10000);
	}
}

/*
 * The VM has ended: bring every vCPU thread back and join it. Each thread checks the
 * end before every run, and a kick ends the run in progress or, if it comes first, the
 * next one (hyp.h), so after the kicks every thread returns without waiting on the guest.
 */
static void join_threads(struct vmm *v)
{
	bool kicked_all = true;

	for (unsigned i = 0; i < v->nr_vcpus; i++) {
		int64_t rc;

		if (!v->vcpus[i].thread_started)
			continue;
		rc = vmm_hcall(v->host, HYP_HOST_VCPU_KICK, v->handle, i, 0, 0, 0, NULL);
		if (rc) {
			vmm_log(v, "vcpu %u: VCPU_KICK: %s", i, strerror((int)-rc));
			kicked_all = false;
		}
	}
	if (!kicked_all && !wait_threads_done(v, JOIN_WAIT_MS)) {
		v->threads_stuck = true;
		vmm_log(v, "a vCPU thread that could not be kicked is still inside VCPU_RUN "
			"(blocked in the guest): leaving it, and the VM, behind");
		return;
	}
	for (unsigned i = 0; i < v->nr_vcpus; i++)
		if (v->vcpus[i].thread_started)
			pthread_join(v->vcpus[i].thread, NULL);
}

static void run_threaded(struct vmm *v)
{
	bool external;
	int err;

	if (start_threads(v))
		return join_threads(v);
	while (!has_ended(v) && !stop_requested(v)) {
		err = vmm_devices_poll(v, 100, &external);
		if (err < 0)
			vmm_set_end(v, VMM_END_ERROR, "device I/O: poll: %s", strerror(-err));
		vmm_console_flush(&v->console);
	}
	join_threads(v);
}

/* ---- the entry points ---- */

int vmm_run(struct vmm *v, enum vmm_end *end)
{
	int err;

	if (v->ran) {
		*end = VMM_END_ERROR;
		return -EBUSY;
	}
	v->ran = true;
	if (!v->boot_checked) {
		/* Built, not yet run: where vmm.crash.boot fires (vmm_run_turn for others). */
		v->boot_checked = true;
		vmm_injected_crash(v, "vmm.crash.boot");
	}
	if (v->host->threaded)
		run_threaded(v);
	else
		run_round_robin(v);
	vmm_devices_drain_console(v);
	vmm_console_flush(&v->console);
	err = vmm_console_error(&v->console);
	if (err)
		vmm_log(v, "console output: %s (some output was lost)", strerror(-err));
	*end = v->end;
	if (v->end == VMM_END_ERROR)
		return v->run_err ? v->run_err : -EIO;
	return 0;
}

void vmm_get_stats(struct vmm *v, struct vmm_stats *st)
{
	struct mmio_bus_stats bs;

	memset(st, 0, sizeof(*st));
	mmio_bus_get_stats(&v->bus, &bs);
	pthread_mutex_lock(&v->console.lock);
	st->console_bytes = v->console.bytes;
	st->first_byte_ns = v->console.first_byte_ns;
	pthread_mutex_unlock(&v->console.lock);
	st->mmio_exits = __atomic_load_n(&v->mmio_exits, __ATOMIC_RELAXED);
	st->unclaimed_mmio = bs.unclaimed_reads + bs.unclaimed_writes;
	st->hypercall_exits = __atomic_load_n(&v->hypercall_exits, __ATOMIC_RELAXED);
	pthread_mutex_lock(&v->payload.lock);
	st->payload_events = v->payload.events;
	pthread_mutex_unlock(&v->payload.lock);
	st->insns = v->insns;
	st->virtual_ns = hal_clock_ns(v->host->m);
	for (unsigned i = 0; i < v->nr_regions; i++) {
		if (v->regions[i].ipa >= VMM_RAM_BASE)
			st->ram_pages += v->regions[i].npages;
		else
			st->firmware_pages += v->regions[i].npages;
	}
}
