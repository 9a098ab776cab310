// SPDX-License-Identifier: MIT
/*
 * The specification as the hyp's observer: build the model at attach, predict in the
 * "before" hooks, compare in the "after" hooks. Calls are serialised on s->lock, taken
 * in "before" and released in "after", except that VCPU_RUN lets go of it while its
 * guest runs (host_call_before says why); its guest calls take it each on their own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/hyp/spec/spec_internal.h"

static const char *errno_name(int64_t rc)
{
	switch (rc) {
	case 0: return "0";
	case -EINVAL: return "-EINVAL";
	case -EPERM: return "-EPERM";
	case -EBUSY: return "-EBUSY";
	case -ENOENT: return "-ENOENT";
	case -ENOMEM: return "-ENOMEM";
	case -EEXIST: return "-EEXIST";
	case -ENOSPC: return "-ENOSPC";
	default: return "(other)";
	}
}

static void compare_reg(struct hyp_spec *s, unsigned i, uint64_t want, uint64_t got,
			const char *why)
{
	if (want != got)
		spec_diff_add(&s->diff, "x%u: expected %#llx (%s) | actual %#llx", i,
			      (unsigned long long)want, why, (unsigned long long)got);
}

/* The registers a host call returns, against the prediction. */
static void compare_host_regs(struct hyp_spec *s, const struct hyp_regs *in,
			      const struct hyp_regs *out, struct spec_expect *e)
{
	unsigned first_kept = 1;

	if (!e->supported) {
		compare_reg(s, 0, HYP_SMCCC_NOT_SUPPORTED, out->x[0], "NOT_SUPPORTED");
		goto kept;
	}
	compare_reg(s, 0, HYP_SMCCC_SUCCESS, out->x[0], "dispatched");
	if (out->x[1] != (uint64_t)e->rc)
		spec_diff_add(&s->diff, "x1: expected %s | actual %lld (%s)", errno_name(e->rc),
			      (long long)out->x[1], errno_name((int64_t)out->x[1]));
	first_kept = 2;
	if (e->new_vm >= 0) {
		/* INIT_VM should have worked: its handle is the hyp's choice. */
		if (out->x[1] != 0)
			spec_bind_handle(s, e->new_vm, 0);	/* gives the slot back */
		else if (!spec_bind_handle(s, e->new_vm, out->x[2]))
			spec_diff_add(&s->diff, "x2: expected a fresh VM handle (>= %#x) | "
				      "actual %#llx", HYP_HANDLE_OFFSET,
				      (unsigned long long)out->x[2]);
		first_kept = 3;
	} else if (e->has_out2) {
		compare_reg(s, 2, e->out2, out->x[2], "output");
		first_kept = 3;
	}
kept:
	/* Registers that are not outputs come back as they went in. */
	for (unsigned i = first_kept; i < 8; i++)
		compare_reg(s, i, in->x[i], out->x[i], "unchanged");
}

/*
 * The host call in flight on this thread, with its prediction. Per thread, because
 * VCPU_RUN does not hold s->lock while its guest runs (see host_call_before).
 */
static __thread struct {
	struct hyp_regs in;
	struct spec_expect expect;
} pending;

static void host_call_before(void *ctx, const struct hyp_regs *in)
{
	struct hyp_spec *s = ctx;

	pthread_mutex_lock(&s->lock);
	s->nr_host_calls++;
	pending.in = *in;
	spec_host_call(s, in, &pending.expect);
	/*
	 * VCPU_RUN's answer depends only on this thread's loaded vCPU, which no other
	 * thread can change, and what its guest does arrives as guest calls, each checked
	 * under the lock on its own: so the run lets go of the lock while the guest runs,
	 * and another thread may kick it or raise its interrupts meanwhile (SET_IRQ and
	 * VCPU_KICK would otherwise wait for the run they are meant to end).
	 */
	if (in->x[0] == HYP_HOST_VCPU_RUN)
		pthread_mutex_unlock(&s->lock);
}

static void host_call_after(void *ctx, const struct hyp_regs *out)
{
	struct hyp_spec *s = ctx;
	const uint64_t *x = pending.in.x;
	char what[192];

	if (x[0] == HYP_HOST_VCPU_RUN)
		pthread_mutex_lock(&s->lock);
	spec_diff_reset(&s->diff);
	compare_host_regs(s, &pending.in, out, &pending.expect);
	spec_compare_post(s, &pending.expect);
	spec_compare_state(s);
	snprintf(what, sizeof(what), "after host call %s(%#llx, %#llx, %#llx, %#llx, %#llx, "
		 "%#llx)", spec_host_fn_name(x[0]), (unsigned long long)x[1],
		 (unsigned long long)x[2], (unsigned long long)x[3], (unsigned long long)x[4],
		 (unsigned long long)x[5], (unsigned long long)x[6]);
	spec_conclude(s, what);
	pthread_mutex_unlock(&s->lock);
}

static void guest_call_before(void *ctx, uint32_t handle, const uint64_t args[7])
{
	struct hyp_spec *s = ctx;

	pthread_mutex_lock(&s->lock);
	s->nr_guest_calls++;
	spec_guest_call(s, handle, args, &s->guest_expect);
}

static void guest_call_after(void *ctx, uint32_t handle, const uint64_t args[7],
			     bool handled, const uint64_t ret[4])
{
	struct hyp_spec *s = ctx;
	const struct spec_expect *e = &s->guest_expect;
	char what[160];

	spec_diff_reset(&s->diff);
	if (handled != e->handled)
		spec_diff_add(&s->diff, "expected the call %s | actual: %s",
			      e->handled ? "answered by the hyp" : "forwarded to the host",
			      handled ? "answered by the hyp" : "forwarded to the host");
	else if (handled && ret[0] != e->ret0)
		spec_diff_add(&s->diff, "guest x0: expected %#llx | actual %#llx",
			      (unsigned long long)e->ret0, (unsigned long long)ret[0]);
	spec_compare_post(s, e);
	spec_compare_state(s);
	snprintf(what, sizeof(what), "after guest call %s(%#llx, %#llx) of vm %#x",
		 spec_guest_fn_name(args[0]), (unsigned long long)args[0],
		 (unsigned long long)args[1], handle);
	spec_conclude(s, what);
	pthread_mutex_unlock(&s->lock);
}

static void spec_free(struct hyp_spec *s)
{
	for (unsigned i = 0; i < SPEC_MAX_VMS; i++)
		spec_vm_free(&s->vms[i]);
	pthread_mutex_destroy(&s->lock);
	free(s->pvmfw);
	free(s->pages);
	free(s);
}

static void detach(void *ctx)
{
	spec_free(ctx);
}

static const struct hyp_observer spec_observer = {
	.host_call_before = host_call_before,
	.host_call_after = host_call_after,
	.guest_call_before = guest_call_before,
	.guest_call_after = guest_call_after,
	.detach = detach,
};

/* The state hyp_init(cfg) promises: the host owns every page but the pool's. */
static int model_init(struct hyp_spec *s, const struct hyp_config *cfg)
{
	pthread_mutexattr_t attr;
	hal_pa_t base;
	uint64_t size;
	long max_vcpus = hal_capability(s->m, HAL_CAP_MAX_VCPUS);

	hal_machine_memory(s->m, &base, &size);
	s->base_pfn = base.pa >> SPEC_PAGE_SHIFT;
	s->nr_pfns = size >> SPEC_PAGE_SHIFT;
	s->pages = calloc(s->nr_pfns, sizeof(*s->pages));
	if (!s->pages)
		return -ENOMEM;
	for (uint64_t i = 0; i < s->nr_pfns; i++)
		s->pages[i] = (struct spec_page){ .host = HYP_PAGE_OWNED, .hyp = HYP_PAGE_NOPAGE,
						  .guest = HYP_PAGE_NOPAGE,
						  .peer = HYP_ID_HOST };
	s->pool_pfn = cfg->pool_base.pa >> SPEC_PAGE_SHIFT;
	if (!spec_pfn_valid(s, s->pool_pfn) || cfg->pool_pages > s->nr_pfns ||
	    s->pool_pfn - s->base_pfn > s->nr_pfns - cfg->pool_pages)
		return -EINVAL;
	s->pool_pages = cfg->pool_pages;
	s->pool_free = cfg->pool_pages;
	for (uint64_t i = 0; i < cfg->pool_pages; i++) {
		struct spec_page *p = spec_page(s, s->pool_pfn + i);	/* host_donate_hyp */

		p->host = HYP_PAGE_NOPAGE;
		p->hyp = HYP_PAGE_OWNED;
		p->peer = HYP_ID_HYP;
	}
	if (cfg->pvmfw_size) {
		s->pvmfw = malloc(cfg->pvmfw_size);
		if (!s->pvmfw)
			return -ENOMEM;
		memcpy(s->pvmfw, cfg->pvmfw, cfg->pvmfw_size);
		s->pvmfw_size = cfg->pvmfw_size;
	}
	s->max_vcpus = max_vcpus > 0 && max_vcpus < SPEC_MAX_VCPUS ? (unsigned)max_vcpus
								  : SPEC_MAX_VCPUS;
	s->check_host_view = hal_capability(s->m, HAL_CAP_HOST_REVOKE) > 0;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return 0;
}

int hyp_spec_attach(struct hyp *h, const struct hyp_config *cfg, struct hyp_spec **out)
{
	struct hyp_spec *s;
	int err;

	if (hyp_spec_of(h))
		return -EBUSY;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->h = h;
	s->m = hyp_machine(h);
	s->mode = HYP_SPEC_ABORT;
	err = model_init(s, cfg);
	if (err) {
		free(s->pvmfw);
		free(s->pages);
		free(s);
		return err;
	}
	/* A hyp that does not start where the model does cannot be checked: say why and
	 * refuse (reported, not aborted: the caller gets -EPROTO). */
	spec_diff_reset(&s->diff);
	spec_compare_state(s);
	s->mode = HYP_SPEC_REPORT;
	if (spec_conclude(s, "at attach (the state hyp_init() leaves)")) {
		fputs(s->diff.text, stderr);
		spec_free(s);
		return -EPROTO;
	}
	s->mode = HYP_SPEC_ABORT;
	s->mismatches = 0;
	hyp_set_observer(h, &spec_observer, s);
	if (out)
		*out = s;
	return 0;
}

struct hyp_spec *hyp_spec_of(const struct hyp *h)
{
	return hyp_observer_ctx(h, &spec_observer);
}

static int install(struct hyp *h, const struct hyp_config *cfg)
{
	return hyp_spec_attach(h, cfg, NULL);
}

void hyp_spec_register(void)
{
	hyp_set_spec_installer(install);
}

void hyp_spec_set_mode(struct hyp_spec *s, enum hyp_spec_mode mode)
{
	pthread_mutex_lock(&s->lock);
	s->mode = mode;
	pthread_mutex_unlock(&s->lock);
}

unsigned hyp_spec_check(struct hyp_spec *s)
{
	unsigned n;

	pthread_mutex_lock(&s->lock);
	spec_diff_reset(&s->diff);
	spec_compare_state(s);
	n = spec_conclude(s, "on request");
	pthread_mutex_unlock(&s->lock);
	return n;
}

const char *hyp_spec_report(const struct hyp_spec *s)
{
	return s->diff.text;
}

unsigned hyp_spec_mismatches(const struct hyp_spec *s)
{
	return s->mismatches;
}

void hyp_spec_counts(const struct hyp_spec *s, unsigned long *host_calls,
		     unsigned long *guest_calls)
{
	*host_calls = s->nr_host_calls;
	*guest_calls = s->nr_guest_calls;
}
