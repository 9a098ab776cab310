// SPDX-License-Identifier: Apache-2.0
/*
 * The VM lifecycle as tables: AVF's states move forward only, and how a VMM process
 * ended (exit status as chosen by avf-vmm, docs/VMM.md, or a signal) maps to AVF's
 * death reasons.
 */
#include <signal.h>
#include <stddef.h>

#include "stack/service/service.h"

/* allowed[from][to]. DEAD is reachable from every live state (a VM can die at any
 * time); FINISHED only once the payload ran; nothing leaves DEAD. */
static const bool allowed[SVC_NR_STATES][SVC_NR_STATES] = {
	[SVC_STATE_NOT_STARTED] = { [SVC_STATE_STARTING] = true, [SVC_STATE_DEAD] = true },
	[SVC_STATE_STARTING]    = { [SVC_STATE_STARTED] = true, [SVC_STATE_DEAD] = true },
	[SVC_STATE_STARTED]     = { [SVC_STATE_READY] = true, [SVC_STATE_FINISHED] = true,
				    [SVC_STATE_DEAD] = true },
	[SVC_STATE_READY]       = { [SVC_STATE_FINISHED] = true, [SVC_STATE_DEAD] = true },
	[SVC_STATE_FINISHED]    = { [SVC_STATE_DEAD] = true },
};

bool svc_transition_allowed(enum svc_state s, enum svc_state next)
{
	if ((unsigned)s >= SVC_NR_STATES || (unsigned)next >= SVC_NR_STATES)
		return false;
	return allowed[s][next];
}

static const char *const state_names[SVC_NR_STATES] = {
	[SVC_STATE_NOT_STARTED] = "NOT_STARTED", [SVC_STATE_STARTING] = "STARTING",
	[SVC_STATE_STARTED] = "STARTED", [SVC_STATE_READY] = "READY",
	[SVC_STATE_FINISHED] = "FINISHED", [SVC_STATE_DEAD] = "DEAD",
};

const char *svc_state_name(enum svc_state s)
{
	return (unsigned)s < SVC_NR_STATES ? state_names[s] : "?";
}

static const char *const death_names[SVC_NR_DEATHS] = {
	[SVC_DEATH_NONE] = "NONE",
	[SVC_DEATH_UNKNOWN] = "UNKNOWN",
	[SVC_DEATH_SHUTDOWN] = "SHUTDOWN",
	[SVC_DEATH_REBOOT] = "REBOOT",
	[SVC_DEATH_CRASH] = "CRASH",
	[SVC_DEATH_KILLED] = "KILLED",
	[SVC_DEATH_START_FAILED] = "START_FAILED",
	[SVC_DEATH_HANGUP] = "HANGUP",
	[SVC_DEATH_PAYLOAD_VERIFICATION_FAILED] = "PAYLOAD_VERIFICATION_FAILED",
	[SVC_DEATH_PAYLOAD_CHANGED] = "PAYLOAD_CHANGED",
	[SVC_DEATH_INVALID_CONFIG] = "INVALID_CONFIG",
	[SVC_DEATH_INFRASTRUCTURE_ERROR] = "INFRASTRUCTURE_ERROR",
};

const char *svc_death_name(enum svc_death d)
{
	return (unsigned)d < SVC_NR_DEATHS ? death_names[d] : "?";
}

const char *svc_event_name(enum svc_event_kind e)
{
	switch (e) {
	case SVC_EV_PAYLOAD_STARTED: return "payload-started";
	case SVC_EV_PAYLOAD_READY: return "payload-ready";
	case SVC_EV_PAYLOAD_FINISHED: return "payload-finished";
	case SVC_EV_ERROR: return "error";
	case SVC_EV_DIED: return "died";
	}
	return "?";
}

/* avf-vmm's exit statuses (stack/vmm/vmm.h enum vmm_end, docs/VMM.md). */
static const struct {
	int status;
	enum svc_death death;
} exit_map[] = {
	{ 0, SVC_DEATH_SHUTDOWN },
	{ 1, SVC_DEATH_INFRASTRUCTURE_ERROR },
	{ 2, SVC_DEATH_INVALID_CONFIG },	/* the VMM refused its command line */
	{ 32, SVC_DEATH_REBOOT },
	{ 33, SVC_DEATH_CRASH },
	{ 124, SVC_DEATH_HANGUP },		/* instruction limit: the guest never ended */
	{ 127, SVC_DEATH_START_FAILED },	/* the child could not exec the VMM */
};

enum svc_death svc_death_from_wait(bool exited, int status_or_signal, bool stop_requested)
{
	if (!exited)
		return SVC_DEATH_KILLED;
	for (size_t i = 0; i < sizeof(exit_map) / sizeof(exit_map[0]); i++)
		if (exit_map[i].status == status_or_signal)
			return exit_map[i].death;
	/* 128 + N: the VMM stopped on signal N and said so. */
	if (status_or_signal > 128 && status_or_signal < 128 + 65)
		return SVC_DEATH_KILLED;
	return stop_requested ? SVC_DEATH_KILLED : SVC_DEATH_INFRASTRUCTURE_ERROR;
}
