/* SPDX-License-Identifier: MIT */
/*
 * The hyp's executable specification: an independent model of the hyp's abstract state
 * (who owns each page and in which state, which VMs and vCPUs exist, which stage-2
 * tables each VM needs, how full the pool is) with one function per host call and per
 * guest call that computes the expected result and post-state from the call and the
 * pre-state. It is written from docs/HYP.md and hyp.h alone and shares no code with the
 * hyp.
 *
 * Installed as the hyp's observer (hyp_set_observer()), it runs around every call:
 * before, it applies the call to the model and records what must come out; after, it
 * compares the registers (or the guest's x0), any postcondition (a scrubbed page, the
 * firmware image in place), and the whole real state read back from the hyp: every
 * page through hyp_query_page() and the HAL host view, every VM through
 * hyp_query_vm(), and every guest mapping by walking the VM's stage-2 descriptors in
 * physical memory itself. A difference prints a readable diff (page by page, mapping by
 * mapping) and aborts, or, in HYP_SPEC_REPORT mode, is kept for the caller to read.
 *
 * With a specification installed, calls into the hyp are serialised (one host or guest
 * call at a time): that is what makes each prediction exact. VCPU_RUN is the exception
 * while its guest runs (its answer depends only on the calling thread's loaded vCPU),
 * so that other threads may SET_IRQ and VCPU_KICK a running VM; its guest calls are
 * serialised with the rest. Each thread's loaded vCPU is tracked per thread.
 *
 * Injected failures (lib/fault, hyp.h "injected failures") are read from the hyp's
 * decisions for the call (hyp_injected_faults()) and expected: a host call failed at
 * entry must answer -ENOMEM and change nothing; under hyp.pool_oom the call is
 * predicted with an empty pool; a failed guest share answers INVALID_PARAMETER and
 * changes nothing. Nothing is skipped.
 *
 * Use: hyp_spec_register() once, then hyp_init() with cfg.check_spec; or
 * hyp_spec_attach() right after hyp_init() to hold the specification directly.
 */
#ifndef AVF_HYP_SPEC_H
#define AVF_HYP_SPEC_H

#include <stdbool.h>

#include "stack/hyp/hyp.h"

struct hyp_spec;

enum hyp_spec_mode {
	HYP_SPEC_ABORT,		/* print the diff to stderr and abort() (the default) */
	HYP_SPEC_REPORT,	/* keep the diff (hyp_spec_report()) and go on */
};

/* Make hyp_init() with cfg.check_spec install a specification (hyp_set_spec_installer). */
void hyp_spec_register(void);

/*
 * Build the model of the state hyp_init(cfg) leaves (every page the host's but the pool,
 * which is the hyp's; no VM), check h against it, and install it as h's observer. Must
 * run before any call is made on h. hyp_destroy(h) frees it. Returns 0 (*out, if not
 * NULL, is the specification), -ENOMEM, -EINVAL (the pool is not in memory), -EBUSY
 * (h already has this specification), or -EPROTO if h is not in that state (the diff
 * is printed on stderr).
 */
int hyp_spec_attach(struct hyp *h, const struct hyp_config *cfg, struct hyp_spec **out);

/* The specification installed on h, or NULL. */
struct hyp_spec *hyp_spec_of(const struct hyp *h);

void hyp_spec_set_mode(struct hyp_spec *s, enum hyp_spec_mode mode);

/*
 * Compare the real state with the model now (outside any call): returns the number of
 * differences (0: agreement). In ABORT mode a difference aborts.
 */
unsigned hyp_spec_check(struct hyp_spec *s);

/* The text of the last diff ("" if the last comparison agreed). */
const char *hyp_spec_report(const struct hyp_spec *s);
/* How many comparisons found differences since attach (REPORT mode). */
unsigned hyp_spec_mismatches(const struct hyp_spec *s);

/* Calls checked since attach: host calls and guest calls. */
void hyp_spec_counts(const struct hyp_spec *s, unsigned long *host_calls,
		     unsigned long *guest_calls);

#endif /* AVF_HYP_SPEC_H */
