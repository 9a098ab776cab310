// SPDX-License-Identifier: MIT
/*
 * The hyp's fault points (lib/fault, hyp.h "injected failures"). Each point is decided
 * once at the entry of the call it affects, before any observer hook, and kept per
 * thread until the call ends: the executable specification reads the decisions of the
 * call it is predicting (hyp_injected_faults()) instead of guessing, and the hit count
 * of a point is a count of calls, the same whatever the hyp does inside them.
 */
#include "lib/fault/fault.h"
#include "stack/hyp/hyp_calls.h"

static __thread struct hyp_injected injected;

bool hyp_fault_host_call_begin(uint64_t fn)
{
	injected.host_call_fails = fault_hit("hyp.host_call");
	if (injected.host_call_fails)
		return true;
	/* Only the calls that may take pages count as hits of pool_oom. */
	if (fn == HYP_HOST_INIT_VM || fn == HYP_HOST_SHARE_GUEST || fn == HYP_HOST_DONATE_GUEST)
		injected.pool_empty = fault_hit("hyp.pool_oom");
	return false;
}

void hyp_fault_host_call_end(void)
{
	injected.host_call_fails = false;
	injected.pool_empty = false;
}

bool hyp_fault_guest_call_begin(const struct hyp_vm *vm, uint32_t fn)
{
	injected.guest_share_fails = vm->is_protected &&
		(fn == HYP_GUEST_MEM_SHARE || fn == HYP_GUEST_MEM_UNSHARE) &&
		fault_hit("hyp.guest_share");
	return injected.guest_share_fails;
}

void hyp_fault_guest_call_end(void)
{
	injected.guest_share_fails = false;
}

bool hyp_fault_pool_empty(void)
{
	return injected.pool_empty;
}

void hyp_injected_faults(struct hyp_injected *out)
{
	*out = injected;
}
