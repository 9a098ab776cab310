// SPDX-License-Identifier: MIT
/*
 * Process mode: one executor per step kind. Waits dispatch the service's events until
 * the condition holds or the wall-clock timeout passes.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stack/scenario/proc_internal.h"

static bool wait_done(struct proc *p, const void *arg)
{
	const struct sc_step *s = arg;
	const struct sc_vmrec *r = &p->recs[s->vm];

	if (s->wait_for == SC_WAIT_STATE)
		return r->state >= s->state;
	for (unsigned i = 0; i < r->nr_events; i++)
		if (r->events[i] == s->event)
			return true;
	return false;
}

static void step_wait(struct proc *p, unsigned index)
{
	const struct sc_step *s = &p->sc->steps[index];
	const struct sc_vmrec *r = &p->recs[s->vm];
	int rc = proc_wait(p, wait_done, s, (int64_t)s->timeout_ms);

	if (!rc)
		return;
	proc_fail(p, &s->loc, "step %u (wait): vm %s: waited for %s %s for %" PRIu64 " ms: %s; "
		  "it is %s%s%s", index + 1, p->sc->vms[s->vm].name,
		  s->wait_for == SC_WAIT_STATE ? "state" : "event",
		  s->wait_for == SC_WAIT_STATE ? sc_state_name(s->state) : sc_event_name(s->event),
		  s->timeout_ms, rc == -ETIMEDOUT ? "the timeout passed" : strerror(-rc),
		  sc_state_name(r->state), r->message[0] ? ": " : "", r->message);
}

/* The slot of the stream to guest port @port, connected on first use (libavf reads the
 * device's "OK <n>" answer; a refusal is -ECONNREFUSED); -EINVAL after reporting. */
static int port_slot(struct proc *p, unsigned index, unsigned i, uint32_t port)
{
	const struct sc_step *s = &p->sc->steps[index];
	struct proc_vm *pv = &p->vms[i];
	int fd;

	for (unsigned k = 0; k < pv->nr_ports; k++)
		if (pv->ports[k] == port)
			return (int)k;
	if (!pv->vm || pv->nr_ports == PROC_MAX_PORTS)
		return proc_fail(p, &s->loc, "step %u: vm %s: %s", index + 1, p->sc->vms[i].name,
				 pv->vm ? "too many vsock ports" : "not started");
	fd = avf_vm_connect_vsock(pv->vm, port);
	if (fd < 0)
		return proc_fail(p, &s->loc, "step %u: vm %s: connect to vsock port %u: %s (%s)",
				 index + 1, p->sc->vms[i].name, port, strerror(-fd),
				 avf_last_error());
	pv->ports[pv->nr_ports] = port;
	pv->rpcs[pv->nr_ports] = NULL;
	pv->fds[pv->nr_ports] = fd;
	return (int)pv->nr_ports++;
}

static int port_fd(struct proc *p, unsigned index, unsigned i, uint32_t port)
{
	int k = port_slot(p, index, i, port);

	return k < 0 ? k : p->vms[i].fds[k];
}

static void step_rpc(struct proc *p, unsigned index)
{
	const struct sc_step *s = &p->sc->steps[index];
	struct proc_vm *pv = &p->vms[s->vm];
	int k = port_slot(p, index, (unsigned)s->vm, s->port);
	static char resp[65536];
	size_t len = 0;
	int32_t status = 0;
	int rc;

	if (k < 0)
		return;
	if (!pv->rpcs[k] && (rc = avf_rpc_from_fd(pv->fds[k], &pv->rpcs[k]))) {
		proc_fail(p, &s->loc, "step %u (rpc): %s", index + 1, avf_last_error());
		return;
	}
	rc = avf_rpc_call(pv->rpcs[k], s->method, s->data, s->data_len, resp, sizeof(resp) - 1,
			  &len, &status, (int)s->timeout_ms);
	if (s->rpc_reset) {
		if (rc != -ECONNRESET)
			proc_fail(p, &s->loc, "step %u (rpc): vm %s: method %u: expected the stream "
				  "to end, got %s", index + 1, p->sc->vms[s->vm].name, s->method,
				  rc ? strerror(-rc) : "an answer");
		return;
	}
	if (rc) {
		proc_fail(p, &s->loc, "step %u (rpc): vm %s: port %u method %u: %s (%s)", index + 1,
			  p->sc->vms[s->vm].name, s->port, s->method, strerror(-rc),
			  avf_last_error());
		return;
	}
	resp[len] = 0;
	if (status != s->rpc_status)
		proc_fail(p, &s->loc, "step %u (rpc): vm %s: method %u: status: expected %d, got %d",
			  index + 1, p->sc->vms[s->vm].name, s->method, s->rpc_status, status);
	else if (s->expect_text && (len != s->expect_len || memcmp(resp, s->expect_text, len)))
		proc_fail(p, &s->loc, "step %u (rpc): vm %s: method %u: expected '%s', got %zu "
			  "bytes '%.80s'", index + 1, p->sc->vms[s->vm].name, s->method,
			  s->expect_text, len, resp);
}

/* Close the stream to a port (the guest's server sees the end of the connection). */
static void step_vsock_close(struct proc *p, unsigned index)
{
	const struct sc_step *s = &p->sc->steps[index];
	struct proc_vm *pv = &p->vms[s->vm];

	for (unsigned k = 0; k < pv->nr_ports; k++) {
		if (pv->ports[k] != s->port)
			continue;
		if (pv->rpcs[k])
			avf_rpc_close(pv->rpcs[k]);
		else
			close(pv->fds[k]);
		pv->nr_ports--;
		pv->ports[k] = pv->ports[pv->nr_ports];
		pv->fds[k] = pv->fds[pv->nr_ports];
		pv->rpcs[k] = pv->rpcs[pv->nr_ports];
		return;
	}
	proc_fail(p, &s->loc, "step %u (vsock_close): vm %s: no stream to port %u", index + 1,
		  p->sc->vms[s->vm].name, s->port);
}

static void step_vsock_send(struct proc *p, unsigned index)
{
	const struct sc_step *s = &p->sc->steps[index];
	int fd = port_fd(p, index, (unsigned)s->vm, s->port);

	if (fd < 0)
		return;
	if (send(fd, s->data, s->data_len, MSG_NOSIGNAL) != (ssize_t)s->data_len)
		proc_fail(p, &s->loc, "step %u (vsock_send): vm %s: port %u: %s", index + 1,
			  p->sc->vms[s->vm].name, s->port, strerror(errno));
}

static void step_vsock_recv(struct proc *p, unsigned index)
{
	const struct sc_step *s = &p->sc->steps[index];
	int fd = port_fd(p, index, (unsigned)s->vm, s->port);
	int64_t deadline = proc_ms() + (int64_t)s->timeout_ms;
	char buf[4096];
	size_t got = 0;

	if (fd < 0)
		return;
	while (got < sizeof(buf) - 1) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - proc_ms();
		ssize_t n;

		buf[got] = 0;
		if (strstr(buf, s->expect_text))
			return;
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		n = read(fd, buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = 0;
	if (strstr(buf, s->expect_text))
		return;
	proc_fail(p, &s->loc, "step %u (vsock_recv): vm %s: port %u: expected '%s', got %zu "
		  "bytes '%.80s'", index + 1, p->sc->vms[s->vm].name, s->port, s->expect_text, got,
		  buf);
}

void proc_step(struct proc *p, unsigned index)
{
	const struct sc_step *s = &p->sc->steps[index];
	char why[SC_REASON_MAX];

	switch (s->kind) {
	case SC_STEP_START:
		proc_start(p, index, (unsigned)s->vm);
		break;
	case SC_STEP_STOP:
		proc_stop_vm(p, index, (unsigned)s->vm, false);
		break;
	case SC_STEP_KILL_VMM:
		proc_stop_vm(p, index, (unsigned)s->vm, true);
		break;
	case SC_STEP_WAIT:
		step_wait(p, index);
		break;
	case SC_STEP_RESTART_SERVICE:
		proc_restart_service(p);
		break;
	case SC_STEP_VSOCK_SEND:
		step_vsock_send(p, index);
		break;
	case SC_STEP_VSOCK_RECV:
		step_vsock_recv(p, index);
		break;
	case SC_STEP_RPC:
		step_rpc(p, index);
		break;
	case SC_STEP_VSOCK_CLOSE:
		step_vsock_close(p, index);
		break;
	case SC_STEP_EXPECT:
		if (s->vm >= 0)
			proc_sync_console(p, (unsigned)s->vm);
		if (sc_check_eval(p->sc, &s->check, p->recs, NULL, why, sizeof(why))) {
			proc_fail(p, &s->loc, "step %u (expect): %s", index + 1, why);
			if (s->vm >= 0)
				sc_console_tail(&p->recs[s->vm], p->sc->vms[s->vm].name,
						p->res->detail, sizeof(p->res->detail));
		}
		break;
	default:
		/* sc_skip_reason skips process mode for these; reaching here is a bug. */
		proc_fail(p, &s->loc, "step %u (%s): not a process-mode step", index + 1,
			  sc_step_name(s->kind));
		break;
	}
}
