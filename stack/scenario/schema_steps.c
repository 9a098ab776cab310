// SPDX-License-Identifier: MIT
/*
 * The scenario schema: steps and checks (docs/SCENARIOS.md, "Steps", "Checks").
 * A step is a one-key mapping naming its kind; each kind has a parser here.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "lib/fault/fault.h"
#include "stack/scenario/schema.h"

static const char *const step_names[SC_NR_STEPS] = {
	[SC_STEP_START] = "start", [SC_STEP_STOP] = "stop", [SC_STEP_WAIT] = "wait",
	[SC_STEP_RELEASE] = "release", [SC_STEP_ADVANCE] = "advance",
	[SC_STEP_KILL_VMM] = "kill_vmm", [SC_STEP_RESTART_SERVICE] = "restart_service",
	[SC_STEP_HOST_READ] = "host_read", [SC_STEP_HOST_WRITE] = "host_write",
	[SC_STEP_VSOCK_SEND] = "vsock_send", [SC_STEP_VSOCK_RECV] = "vsock_recv",
	[SC_STEP_EXPECT] = "expect", [SC_STEP_RPC] = "rpc", [SC_STEP_VSOCK_CLOSE] = "vsock_close",
};

static const unsigned step_modes[SC_NR_STEPS] = {
	[SC_STEP_START] = SC_MODE_DET | SC_MODE_PROCESS,
	[SC_STEP_STOP] = SC_MODE_DET | SC_MODE_PROCESS,
	[SC_STEP_WAIT] = SC_MODE_DET | SC_MODE_PROCESS,
	[SC_STEP_RELEASE] = SC_MODE_DET,
	[SC_STEP_ADVANCE] = SC_MODE_DET,
	[SC_STEP_KILL_VMM] = SC_MODE_DET | SC_MODE_PROCESS,
	[SC_STEP_RESTART_SERVICE] = SC_MODE_PROCESS,
	[SC_STEP_HOST_READ] = SC_MODE_DET,
	[SC_STEP_HOST_WRITE] = SC_MODE_DET,
	[SC_STEP_VSOCK_SEND] = SC_MODE_PROCESS,
	[SC_STEP_VSOCK_RECV] = SC_MODE_PROCESS,
	[SC_STEP_EXPECT] = SC_MODE_DET | SC_MODE_PROCESS,
	[SC_STEP_RPC] = SC_MODE_PROCESS,
	[SC_STEP_VSOCK_CLOSE] = SC_MODE_PROCESS,
};

static const char *const state_names[SC_NR_STATES] = {
	"not_started", "starting", "started", "ready", "finished", "dead",
};
static const char *const event_names[SC_NR_EVENTS] = {
	"started", "ready", "finished", "error", "died",
};
static const char *const host_result_names[SC_NR_HOST_RESULTS] = { "ok", "refused", "fault" };

const char *sc_step_name(enum sc_step_kind k)
{
	return (unsigned)k < SC_NR_STEPS ? step_names[k] : "?";
}

unsigned sc_step_modes(enum sc_step_kind k)
{
	return (unsigned)k < SC_NR_STEPS ? step_modes[k] : 0;
}

const char *sc_host_result_name(enum sc_host_result r)
{
	return (unsigned)r < SC_NR_HOST_RESULTS ? host_result_names[r] : "?";
}

const char *sc_state_name(enum sc_state s)
{
	return (unsigned)s < SC_NR_STATES ? state_names[s] : "?";
}

const char *sc_event_name(enum sc_event e)
{
	return (unsigned)e < SC_NR_EVENTS ? event_names[e] : "?";
}

/* ---- checks ----------------------------------------------------------------------------- */

/* A string or a list of strings. */
static int str_list(struct ps *p, const struct yt_node *n, const char *key,
		    const char **out, unsigned *count)
{
	if (n->kind == YT_SCALAR) {
		*count = 1;
		return ps_str(p, n, key, &out[0]);
	}
	if (ps_want(p, n, key, YT_SEQ))
		return -EINVAL;
	if (!n->n || n->n > SC_MAX_LIST)
		return ps_err(p, n, "%s: 1..%d strings", key, SC_MAX_LIST);
	for (unsigned i = 0; i < n->n; i++)
		if (ps_str(p, n->items[i], key, &out[i]))
			return -EINVAL;
	*count = n->n;
	return 0;
}

static int event_list(struct ps *p, const struct yt_node *n, const char *key,
		      enum sc_event *out, unsigned *count)
{
	unsigned e;

	if (ps_want(p, n, key, YT_SEQ))
		return -EINVAL;
	if (!n->n || n->n > SC_MAX_LIST)
		return ps_err(p, n, "%s: 1..%d events", key, SC_MAX_LIST);
	for (unsigned i = 0; i < n->n; i++) {
		if (ps_enum(p, n->items[i], key, event_names, SC_NR_EVENTS, &e))
			return -EINVAL;
		out[i] = (enum sc_event)e;
	}
	*count = n->n;
	return 0;
}

static int parse_death(struct ps *p, const struct yt_node *n, struct sc_check *c)
{
	const struct yt_node *one = n;
	unsigned d;

	if (n->kind == YT_SEQ && !n->n)
		return ps_err(p, n, "death: at least one reason");
	for (unsigned i = 0; n->kind != YT_SEQ || i < n->n; i++) {
		if (n->kind == YT_SEQ)
			one = n->items[i];
		if (ps_enum(p, one, "death", sc_death_names, sc_nr_death_names, &d))
			return -EINVAL;
		c->death_mask |= 1u << d;
		if (n->kind != YT_SEQ)
			break;
	}
	return 0;
}

static int parse_fired(struct ps *p, const struct yt_node *n, struct sc_check *c)
{
	if (ps_want(p, n, "faults_fired", YT_MAP))
		return -EINVAL;
	if (!n->n || n->n > SC_MAX_LIST)
		return ps_err(p, n, "faults_fired: 1..%d points", SC_MAX_LIST);
	for (unsigned i = 0; i < n->n; i++) {
		struct sc_fired *f = &c->fired[i];
		const struct yt_node *v = n->items[i];

		f->point = n->keys[i]->str;
		if (!fault_point_known(f->point))
			return ps_err(p, n->keys[i], "faults_fired: '%.60s' is not a fault point "
				      "(lib/fault/fault.c)", f->point);
		if (v->kind == YT_SCALAR && !strcmp(v->str, ">0"))
			f->at_least_one = true;
		else if (ps_u64(p, v, f->point, 0, UINT32_MAX, &f->count))
			return -EINVAL;
	}
	c->nr_fired = n->n;
	return 0;
}

static int parse_regex(struct ps *p, const struct yt_node *n, struct sc_check *c)
{
	regex_t re;
	int rc;

	if (ps_str(p, n, "console_regex", &c->regex))
		return -EINVAL;
	rc = regcomp(&re, c->regex, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char msg[128];

		regerror(rc, &re, msg, sizeof(msg));
		return ps_err(p, n, "console_regex: %s", msg);
	}
	regfree(&re);
	return 0;
}

static int parse_marks(struct ps *p, const struct yt_node *n, struct sc_check *c)
{
	if (ps_want(p, n, "marks", YT_SEQ))
		return -EINVAL;
	if (!n->n || n->n > SC_MAX_LIST)
		return ps_err(p, n, "marks: 1..%d marks", SC_MAX_LIST);
	for (unsigned i = 0; i < n->n; i++)
		if (ps_u64(p, n->items[i], "marks", 0, UINT64_MAX, &c->marks[i]))
			return -EINVAL;
	c->nr_marks = n->n;
	return 0;
}

static int check_values(struct ps *p, const struct yt_node *n, struct sc_check *c)
{
	struct yt_node *v;
	unsigned u;

	if ((v = yt_get(n, "state")) &&
	    ps_enum(p, v, "state", state_names, SC_NR_STATES, &u))
		return -EINVAL;
	c->state = v ? (enum sc_state)u : SC_STATE_NOT_STARTED;
	if ((v = yt_get(n, "death")) && parse_death(p, v, c))
		return -EINVAL;
	if ((v = yt_get(n, "exit_code")) && ps_i32(p, v, "exit_code", &c->exit_code))
		return -EINVAL;
	if ((v = yt_get(n, "events")) && event_list(p, v, "events", c->events, &c->nr_events))
		return -EINVAL;
	if ((v = yt_get(n, "no_events"))) {
		enum sc_event ev[SC_MAX_LIST];
		unsigned k;

		if (event_list(p, v, "no_events", ev, &k))
			return -EINVAL;
		for (unsigned i = 0; i < k; i++)
			c->no_events_mask |= 1u << ev[i];
	}
	if ((v = yt_get(n, "console_contains")) &&
	    str_list(p, v, "console_contains", c->contains, &c->nr_contains))
		return -EINVAL;
	if ((v = yt_get(n, "console_not_contains")) &&
	    str_list(p, v, "console_not_contains", c->not_contains, &c->nr_not_contains))
		return -EINVAL;
	if ((v = yt_get(n, "console_regex")) && parse_regex(p, v, c))
		return -EINVAL;
	if ((v = yt_get(n, "marks")) && parse_marks(p, v, c))
		return -EINVAL;
	if ((v = yt_get(n, "host_result"))) {
		if (ps_enum(p, v, "host_result", host_result_names, SC_NR_HOST_RESULTS, &u))
			return -EINVAL;
		c->host_result = (enum sc_host_result)u;
	}
	if ((v = yt_get(n, "faults_fired")) && parse_fired(p, v, c))
		return -EINVAL;
	if ((v = yt_get(n, "pages_leaked")) &&
	    ps_u64(p, v, "pages_leaked", 0, 0, &c->pages_leaked))
		return -EINVAL;
	return 0;
}

static int parse_check(struct ps *p, const struct yt_node *n, struct sc_check *c,
		       bool top_level)
{
	static const char *const keys[] = { "vm", "state", "death", "exit_code", "events",
		"no_events", "console_contains", "console_not_contains", "console_regex",
		"marks", "host_result", "faults_fired", "pages_leaked", NULL };
	struct yt_node *v;

	if (ps_want(p, n, "expect", YT_MAP) || ps_keys(p, n, "expect", keys))
		return -EINVAL;
	c->loc = ps_loc(p, n);
	c->vm = -1;
	if ((v = yt_get(n, "vm")) && ps_vm(p, v, &c->vm))
		return -EINVAL;
	for (unsigned i = 1; keys[i]; i++)
		if (yt_get(n, keys[i]))
			c->keys |= 1u << (i - 1);
	if (!c->keys)
		return ps_err(p, n, "expect: nothing to check");
	if ((c->keys & SC_CK_PER_VM) && c->vm < 0)
		return ps_err(p, n, "expect: missing 'vm'");
	if ((c->keys & SC_CK_PAGES_LEAKED) && !top_level)
		return ps_err(p, yt_get(n, "pages_leaked"),
			      "pages_leaked: only in the top-level expect (after teardown)");
	return check_values(p, n, c);
}

int ps_expects(struct ps *p, const struct yt_node *seq)
{
	if (ps_want(p, seq, "expect", YT_SEQ))
		return -EINVAL;
	p->sc->expects = sc_arena_alloc(p->sc->arena, (seq->n + 1) * sizeof(struct sc_check));
	for (unsigned i = 0; i < seq->n; i++) {
		if (parse_check(p, seq->items[i], &p->sc->expects[i], true))
			return -EINVAL;
		p->sc->nr_expects = i + 1;
	}
	return 0;
}

/* ---- steps -------------------------------------------------------------------------------- */

/* "start: a" or "start: {vm: a}". */
static int vm_only(struct ps *p, const struct yt_node *v, struct sc_step *s)
{
	static const char *const keys[] = { "vm", NULL };
	struct yt_node *name;

	if (v->kind == YT_SCALAR)
		return ps_vm(p, v, &s->vm);
	if (ps_want(p, v, sc_step_name(s->kind), YT_MAP) || ps_keys(p, v, sc_step_name(s->kind),
								      keys) ||
	    ps_require(p, v, sc_step_name(s->kind), "vm", &name))
		return -EINVAL;
	return ps_vm(p, name, &s->vm);
}

static int step_map(struct ps *p, const struct yt_node *v, struct sc_step *s,
		    const char *const *keys, bool needs_vm)
{
	const char *what = sc_step_name(s->kind);
	struct yt_node *name;

	if (ps_want(p, v, what, YT_MAP) || ps_keys(p, v, what, keys))
		return -EINVAL;
	if (!needs_vm)
		return 0;
	return ps_require(p, v, what, "vm", &name) || ps_vm(p, name, &s->vm) ? -EINVAL : 0;
}

static int parse_wait(struct ps *p, const struct yt_node *v, struct sc_step *s)
{
	static const char *const keys[] = { "vm", "state", "event", "mark", "timeout_ms", NULL };
	struct yt_node *st, *ev, *mk, *t;
	unsigned u;

	if (step_map(p, v, s, keys, true))
		return -EINVAL;
	st = yt_get(v, "state");
	ev = yt_get(v, "event");
	mk = yt_get(v, "mark");
	if (!!st + !!ev + !!mk != 1)
		return ps_err(p, v, "wait: give exactly one of 'state', 'event' and 'mark'");
	s->timeout_ms = 5000;
	if ((t = yt_get(v, "timeout_ms")) &&
	    ps_u64(p, t, "timeout_ms", 1, 3600 * 1000, &s->timeout_ms))
		return -EINVAL;
	if (st) {
		s->wait_for = SC_WAIT_STATE;
		if (ps_enum(p, st, "state", state_names, SC_NR_STATES, &u))
			return -EINVAL;
		s->state = (enum sc_state)u;
		return 0;
	}
	if (ev) {
		s->wait_for = SC_WAIT_EVENT;
		if (ps_enum(p, ev, "event", event_names, SC_NR_EVENTS, &u))
			return -EINVAL;
		s->event = (enum sc_event)u;
		return 0;
	}
	s->wait_for = SC_WAIT_MARK;
	return ps_u64(p, mk, "mark", 0, UINT64_MAX, &s->mark);
}

static int parse_result(struct ps *p, const struct yt_node *v, struct sc_step *s)
{
	struct yt_node *r;
	unsigned u;

	if (ps_require(p, v, sc_step_name(s->kind), "result", &r) ||
	    ps_enum(p, r, "result", host_result_names, SC_NR_HOST_RESULTS, &u))
		return -EINVAL;
	s->host_expect = (enum sc_host_result)u;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* expect_bytes: "HEX" (its length gives or must match size). */
static int parse_expect_hex(struct ps *p, const struct yt_node *e, const struct yt_node *size,
			    struct sc_step *s)
{
	uint8_t *bytes;
	size_t n;

	if (ps_str(p, e, "expect_bytes", &(const char *){ NULL }))
		return -EINVAL;
	n = e->len / 2;
	if (!e->len || e->len % 2 || n > 4096)
		return ps_err(p, e, "expect_bytes: an even number of hex digits, 1..4096 bytes");
	if (size && n != s->size)
		return ps_err(p, e, "expect_bytes: %zu bytes, but size is %llu", n,
			      (unsigned long long)s->size);
	bytes = sc_arena_alloc(p->sc->arena, n);
	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit(e->str[2 * i]), lo = hex_digit(e->str[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return ps_err(p, e, "expect_bytes: '%c' is not a hex digit",
				      hi < 0 ? e->str[2 * i] : e->str[2 * i + 1]);
		bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	s->size = n;
	s->expect_bytes = bytes;
	return 0;
}

/* expect_bytes: {byte: N}: all size bytes are N. */
static int parse_expect_fill(struct ps *p, const struct yt_node *e, struct sc_step *s)
{
	static const char *const keys[] = { "byte", NULL };
	struct yt_node *b;
	uint64_t byte;
	uint8_t *bytes;

	if (ps_want(p, e, "expect_bytes", YT_MAP) || ps_keys(p, e, "expect_bytes", keys) ||
	    ps_require(p, e, "expect_bytes", "byte", &b) || ps_u64(p, b, "byte", 0, 255, &byte))
		return -EINVAL;
	bytes = sc_arena_alloc(p->sc->arena, s->size);
	memset(bytes, (int)byte, s->size);
	s->expect_bytes = bytes;
	return 0;
}

/* host_read: size, and optionally expect_bytes (which needs result: ok). */
static int parse_host_read(struct ps *p, const struct yt_node *v, struct sc_step *s)
{
	struct yt_node *e = yt_get(v, "expect_bytes"), *n = yt_get(v, "size");

	if (yt_get(v, "byte"))
		return ps_err(p, yt_get(v, "byte"), "host_read: 'byte' is for host_write "
			      "(expect_bytes: {byte: N} checks the bytes read)");
	if (e && s->host_expect != SC_HOST_OK)
		return ps_err(p, e, "expect_bytes: needs result: ok");
	if (!(e && e->kind == YT_SCALAR) &&
	    ps_require(p, v, "host_read", "size", &n))
		return -EINVAL;
	if (n && ps_u64(p, n, "size", 1, 4096, &s->size))
		return -EINVAL;
	if (!e)
		return 0;
	return e->kind == YT_SCALAR ? parse_expect_hex(p, e, n, s) : parse_expect_fill(p, e, s);
}

static int parse_host_access(struct ps *p, const struct yt_node *v, struct sc_step *s)
{
	static const char *const keys[] = { "vm", "ipa", "size", "byte", "data", "result",
		"expect_bytes", NULL };
	struct yt_node *n, *d;
	uint64_t byte = 0;

	if (step_map(p, v, s, keys, true) ||
	    ps_require(p, v, sc_step_name(s->kind), "ipa", &n) ||
	    ps_u64(p, n, "ipa", 0, (1ull << 36) - 1, &s->ipa) || parse_result(p, v, s))
		return -EINVAL;
	d = yt_get(v, "data");
	if (d && s->kind == SC_STEP_HOST_READ)
		return ps_err(p, d, "host_read: 'data' is for host_write");
	if (s->kind == SC_STEP_HOST_READ)
		return parse_host_read(p, v, s);
	if ((n = yt_get(v, "expect_bytes")))
		return ps_err(p, n, "host_write: 'expect_bytes' is for host_read");
	if (d) {
		if (ps_str(p, d, "data", &s->data))
			return -EINVAL;
		s->data_len = d->len;
		s->size = d->len;
		if (!s->size || s->size > 4096)
			return ps_err(p, d, "data: 1..4096 bytes");
		return yt_get(v, "size") ? ps_err(p, v, "host_write: give 'data' or 'size', "
						  "not both") : 0;
	}
	if (ps_require(p, v, sc_step_name(s->kind), "size", &n) ||
	    ps_u64(p, n, "size", 1, 4096, &s->size))
		return -EINVAL;
	if ((n = yt_get(v, "byte")) && ps_u64(p, n, "byte", 0, 255, &byte))
		return -EINVAL;
	s->byte = (uint8_t)byte;
	return 0;
}

static int parse_vsock(struct ps *p, const struct yt_node *v, struct sc_step *s)
{
	static const char *const keys[] = { "vm", "port", "data", "expect", "timeout_ms",
		NULL };
	bool send = s->kind == SC_STEP_VSOCK_SEND;
	const char *what = sc_step_name(s->kind);
	struct yt_node *n;
	uint64_t port;

	if (step_map(p, v, s, keys, true) || ps_require(p, v, what, "port", &n) ||
	    ps_u64(p, n, "port", 1, UINT32_MAX - 1, &port))
		return -EINVAL;
	s->port = (uint32_t)port;
	if (ps_require(p, v, what, send ? "data" : "expect", &n))
		return -EINVAL;
	if (yt_get(v, send ? "expect" : "data"))
		return ps_err(p, yt_get(v, send ? "expect" : "data"), "%s: unexpected '%s'", what,
			      send ? "expect" : "data");
	if (ps_str(p, n, send ? "data" : "expect", send ? &s->data : &s->expect_text))
		return -EINVAL;
	s->data_len = n->len;
	s->timeout_ms = 5000;
	if ((n = yt_get(v, "timeout_ms")) &&
	    ps_u64(p, n, "timeout_ms", 1, 3600 * 1000, &s->timeout_ms))
		return -EINVAL;
	return 0;
}

/* rpc: {vm, port, method, data, status, expect, timeout_ms} */
static int parse_rpc(struct ps *p, const struct yt_node *v, struct sc_step *s)
{
	static const char *const keys[] = { "vm", "port", "method", "data", "status", "expect",
		"timeout_ms", "reset", NULL };
	struct yt_node *n;
	uint64_t x;

	if (step_map(p, v, s, keys, true) || ps_require(p, v, "rpc", "port", &n) ||
	    ps_u64(p, n, "port", 1, UINT32_MAX - 1, &x))
		return -EINVAL;
	s->port = (uint32_t)x;
	if (ps_require(p, v, "rpc", "method", &n) || ps_u64(p, n, "method", 0, 65535, &x))
		return -EINVAL;
	s->method = (uint16_t)x;
	s->data = "";
	if ((n = yt_get(v, "data"))) {
		if (ps_str(p, n, "data", &s->data))
			return -EINVAL;
		s->data_len = n->len;
	}
	if ((n = yt_get(v, "status")) && ps_i32(p, n, "status", &s->rpc_status))
		return -EINVAL;
	if ((n = yt_get(v, "expect"))) {
		if (ps_str(p, n, "expect", &s->expect_text))
			return -EINVAL;
		s->expect_len = n->len;
	}
	if ((n = yt_get(v, "reset")) && ps_bool(p, n, "reset", &s->rpc_reset))
		return -EINVAL;
	if (s->rpc_reset && (yt_get(v, "status") || yt_get(v, "expect")))
		return ps_err(p, v, "rpc: 'reset' expects no answer: no 'status' or 'expect'");
	s->timeout_ms = 5000;
	if ((n = yt_get(v, "timeout_ms")) &&
	    ps_u64(p, n, "timeout_ms", 1, 3600 * 1000, &s->timeout_ms))
		return -EINVAL;
	return 0;
}

static int parse_vsock_close(struct ps *p, const struct yt_node *v, struct sc_step *s)
{
	static const char *const keys[] = { "vm", "port", NULL };
	struct yt_node *n;
	uint64_t x;

	if (step_map(p, v, s, keys, true) || ps_require(p, v, "vsock_close", "port", &n) ||
	    ps_u64(p, n, "port", 1, UINT32_MAX - 1, &x))
		return -EINVAL;
	s->port = (uint32_t)x;
	return 0;
}

static int parse_step_body(struct ps *p, const struct yt_node *v, struct sc_step *s)
{
	static const char *const release_keys[] = { "vm", "token", NULL };
	static const char *const advance_keys[] = { "ms", NULL };
	static const char *const none[] = { NULL };
	struct yt_node *n;

	switch (s->kind) {
	case SC_STEP_START:
	case SC_STEP_STOP:
	case SC_STEP_KILL_VMM:
		return vm_only(p, v, s);
	case SC_STEP_WAIT:
		return parse_wait(p, v, s);
	case SC_STEP_RELEASE:
		return step_map(p, v, s, release_keys, true) ||
		       ps_require(p, v, "release", "token", &n) ||
		       ps_u64(p, n, "token", 0, UINT64_MAX, &s->token) ? -EINVAL : 0;
	case SC_STEP_ADVANCE:
		return step_map(p, v, s, advance_keys, false) ||
		       ps_require(p, v, "advance", "ms", &n) ||
		       ps_u64(p, n, "ms", 1, 3600 * 1000, &s->ms) ? -EINVAL : 0;
	case SC_STEP_RESTART_SERVICE:
		if (v->kind == YT_SCALAR && !v->len)
			return 0;
		return step_map(p, v, s, none, false);
	case SC_STEP_HOST_READ:
	case SC_STEP_HOST_WRITE:
		return parse_host_access(p, v, s);
	case SC_STEP_VSOCK_SEND:
	case SC_STEP_VSOCK_RECV:
		return parse_vsock(p, v, s);
	case SC_STEP_RPC:
		return parse_rpc(p, v, s);
	case SC_STEP_VSOCK_CLOSE:
		return parse_vsock_close(p, v, s);
	case SC_STEP_EXPECT:
		if (parse_check(p, v, &s->check, false))
			return -EINVAL;
		s->vm = s->check.vm;
		return 0;
	default:
		return ps_err(p, v, "internal: step kind %d", s->kind);
	}
}

static int parse_step(struct ps *p, const struct yt_node *n, struct sc_step *s)
{
	const struct yt_node *key;

	if (n->kind != YT_MAP || n->n != 1)
		return ps_err(p, n, "a step is a mapping with one key, its kind (start, stop, "
			      "wait, ...)");
	key = n->keys[0];
	s->loc = ps_loc(p, key);
	s->vm = -1;
	for (unsigned k = 0; k < SC_NR_STEPS; k++) {
		if (!strcmp(key->str, step_names[k])) {
			s->kind = (enum sc_step_kind)k;
			return parse_step_body(p, n->items[0], s);
		}
	}
	return ps_err(p, key, "unknown step '%.60s'", key->str);
}

int ps_steps(struct ps *p, const struct yt_node *seq)
{
	if (ps_want(p, seq, "steps", YT_SEQ))
		return -EINVAL;
	if (!seq->n)
		return ps_err(p, seq, "steps: at least one step");
	p->sc->steps = sc_arena_alloc(p->sc->arena, seq->n * sizeof(struct sc_step));
	for (unsigned i = 0; i < seq->n; i++) {
		if (parse_step(p, seq->items[i], &p->sc->steps[i]))
			return -EINVAL;
		p->sc->nr_steps = i + 1;
	}
	return 0;
}
