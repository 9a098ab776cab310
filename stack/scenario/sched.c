// SPDX-License-Identifier: MIT
/*
 * The deterministic mode's scheduler: rounds over the live VMs in an order drawn from a
 * seeded generator (splitmix64), one vmm_run_turn() per VM per round, and a jump of the
 * virtual clock when every live VM is idle. The order, and so the interleaving of the
 * VMs' turns, is a function of the seed alone.
 */
#include <errno.h>

#include "stack/scenario/runner.h"

static uint64_t next(struct sc_sched *s)
{
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void sc_sched_init(struct sc_sched *s, uint64_t seed)
{
	s->rng = seed ^ 0x5ce7a410ull;
}

unsigned sc_sched_order(struct sc_sched *s, const bool *live, unsigned n, unsigned *order)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		if (live[i])
			order[k++] = i;
	for (unsigned i = k; i > 1; i--) {	/* Fisher-Yates */
		unsigned j = (unsigned)(next(s) % i), t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
	return k;
}

/* One round; *all_idle tells whether every VM that ran is idle. */
static int round_of_turns(struct sc_sched *s, const struct sc_sched_ops *ops, void *ctx,
			  bool *live, unsigned n, bool *all_idle)
{
	unsigned order[SC_MAX_VMS], k = sc_sched_order(s, live, n, order);

	*all_idle = true;
	for (unsigned i = 0; i < k; i++) {
		bool idle = false;
		int rc = ops->turn(ctx, order[i], &idle);

		if (rc < 0)
			return rc;
		if (rc == 1)
			live[order[i]] = false;
		else
			*all_idle &= idle;
	}
	return 0;
}

static bool any(const bool *live, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (live[i])
			return true;
	return false;
}

enum sc_sched_outcome sc_sched_run(struct sc_sched *s, const struct sc_sched_ops *ops,
				   void *ctx, bool *live, unsigned n, uint64_t deadline_ns,
				   int *err)
{
	bool all_idle;
	int rc;

	if (n > SC_MAX_VMS) {
		*err = -EINVAL;
		return SC_SCHED_ERROR;
	}
	for (;;) {
		if (ops->done(ctx))
			return SC_SCHED_DONE;
		if (ops->now(ctx) >= deadline_ns)
			return SC_SCHED_TIMEOUT;
		if (!any(live, n))
			return SC_SCHED_NOTHING;
		rc = round_of_turns(s, ops, ctx, live, n, &all_idle);
		if (rc < 0) {
			*err = rc;
			return SC_SCHED_ERROR;
		}
		if (all_idle && any(live, n) && !ops->done(ctx) && ops->advance_idle(ctx))
			return SC_SCHED_DEADLOCK;
	}
}
