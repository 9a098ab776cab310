// SPDX-License-Identifier: MIT
/*
 * Checks (docs/SCENARIOS.md, "Checks") against what each VM did, the same for both
 * modes, and the records both runners fill.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/scenario/runner.h"
#include "stack/scenario/schema.h"

void sc_rec_state(struct sc_vmrec *r, enum sc_state s)
{
	if (s > r->state)	/* states only go forward */
		r->state = s;
}

void sc_rec_event(struct sc_vmrec *r, enum sc_event e)
{
	static const enum sc_state implied[SC_NR_EVENTS] = {
		[SC_EV_STARTED] = SC_STATE_STARTED, [SC_EV_READY] = SC_STATE_READY,
		[SC_EV_FINISHED] = SC_STATE_FINISHED, [SC_EV_ERROR] = SC_STATE_NOT_STARTED,
		[SC_EV_DIED] = SC_STATE_DEAD,
	};

	if (r->nr_events < SC_MAX_RECORDS)
		r->events[r->nr_events++] = e;
	sc_rec_state(r, implied[e]);
}

void sc_rec_console(struct sc_vmrec *r, const void *buf, size_t len)
{
	if (r->console_len + len + 1 > r->console_cap) {
		size_t cap = (r->console_len + len + 1) * 2;
		char *p = realloc(r->console, cap);

		if (!p)
			abort();
		r->console = p;
		r->console_cap = cap;
	}
	memcpy(r->console + r->console_len, buf, len);
	r->console_len += len;
	r->console[r->console_len] = 0;
}

void sc_rec_free(struct sc_vmrec *r)
{
	free(r->console);
	r->console = NULL;
	r->console_len = r->console_cap = 0;
}

static const char *death_name(enum svc_death d)
{
	return d < sc_nr_death_names && sc_death_names[d] ? sc_death_names[d] : "none (alive)";
}

static void death_list(unsigned mask, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned d = 0; d < sc_nr_death_names && used < len; d++)
		if (mask & (1u << d))
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " or " : "",
						 death_name((enum svc_death)d));
}

static void event_list(const enum sc_event *ev, unsigned n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 sc_event_name(ev[i]));
	if (!n)
		snprintf(buf, len, "none");
}

/* Is want[] a subsequence of have[]? */
static bool in_order(const enum sc_event *want, unsigned nw, const enum sc_event *have,
		     unsigned nh)
{
	unsigned j = 0;

	for (unsigned i = 0; i < nh && j < nw; i++)
		if (have[i] == want[j])
			j++;
	return j == nw;
}

static bool marks_in_order(const uint64_t *want, unsigned nw, const uint64_t *have,
			   unsigned nh)
{
	unsigned j = 0;

	for (unsigned i = 0; i < nh && j < nw; i++)
		if (have[i] == want[j])
			j++;
	return j == nw;
}

static const char *console_of(const struct sc_vmrec *r)
{
	return r->console ? r->console : "";
}

static int check_console(const struct sc_check *c, const struct sc_vmrec *r, const char *vm,
			 char *why, size_t len)
{
	const char *con = console_of(r);

	for (unsigned i = 0; i < c->nr_contains; i++)
		if (!strstr(con, c->contains[i]))
			return snprintf(why, len, "vm %s: console_contains: '%s' not in the "
					"console (%zu bytes)", vm, c->contains[i],
					r->console_len), -1;
	for (unsigned i = 0; i < c->nr_not_contains; i++)
		if (strstr(con, c->not_contains[i]))
			return snprintf(why, len, "vm %s: console_not_contains: '%s' is in the "
					"console", vm, c->not_contains[i]), -1;
	if (c->keys & SC_CK_REGEX) {
		regex_t re;
		int rc;

		if (regcomp(&re, c->regex, REG_EXTENDED | REG_NOSUB))
			return snprintf(why, len, "vm %s: console_regex: does not compile", vm), -1;
		rc = regexec(&re, con, 0, NULL, 0);
		regfree(&re);
		if (rc)
			return snprintf(why, len, "vm %s: console_regex: '%s' matches nowhere in "
					"the console (%zu bytes)", vm, c->regex, r->console_len), -1;
	}
	return 0;
}

static int check_vm(const struct sc_check *c, const struct sc_vmrec *r, const char *vm,
		    char *why, size_t len)
{
	char a[256], b[256];

	if ((c->keys & SC_CK_STATE) && r->state != c->state)
		return snprintf(why, len, "vm %s: state: expected %s, got %s", vm,
				sc_state_name(c->state), sc_state_name(r->state)), -1;
	if ((c->keys & SC_CK_DEATH) && !(c->death_mask & (1u << r->death))) {
		death_list(c->death_mask, a, sizeof(a));
		return snprintf(why, len, "vm %s: death: expected %s, got %s%s%s", vm, a,
				death_name(r->death), r->message[0] ? ": " : "", r->message), -1;
	}
	if ((c->keys & SC_CK_EXIT_CODE) && (!r->finished || r->exit_code != c->exit_code)) {
		if (!r->finished)
			return snprintf(why, len, "vm %s: exit_code: expected %d, but the payload "
					"never reported finished", vm, c->exit_code), -1;
		return snprintf(why, len, "vm %s: exit_code: expected %d, got %d", vm,
				c->exit_code, r->exit_code), -1;
	}
	if ((c->keys & SC_CK_EVENTS) && !in_order(c->events, c->nr_events, r->events,
						  r->nr_events)) {
		event_list(c->events, c->nr_events, a, sizeof(a));
		event_list(r->events, r->nr_events, b, sizeof(b));
		return snprintf(why, len, "vm %s: events: expected %s in this order, got %s", vm,
				a, b), -1;
	}
	for (unsigned i = 0; (c->keys & SC_CK_NO_EVENTS) && i < r->nr_events; i++)
		if (c->no_events_mask & (1u << r->events[i]))
			return snprintf(why, len, "vm %s: no_events: '%s' happened", vm,
					sc_event_name(r->events[i])), -1;
	if ((c->keys & SC_CK_MARKS) && !marks_in_order(c->marks, c->nr_marks, r->marks,
						       r->nr_marks))
		return snprintf(why, len, "vm %s: marks: expected %u marks in order, the guest "
				"reported %u", vm, c->nr_marks, r->nr_marks), -1;
	if ((c->keys & SC_CK_HOST_RESULT) && (!r->host_done || r->host_result != c->host_result))
		return snprintf(why, len, "vm %s: host_result: expected %s, got %s", vm,
				sc_host_result_name(c->host_result),
				!r->host_done ? "no host access yet" :
				sc_host_result_name(r->host_result)), -1;
	return check_console(c, r, vm, why, len);
}

int sc_check_eval(const struct scenario *sc, const struct sc_check *c,
		  const struct sc_vmrec *recs, const struct sc_det_facts *det, char *why,
		  size_t len)
{
	if (c->vm >= 0 && check_vm(c, &recs[c->vm], sc->vms[c->vm].name, why, len))
		return -1;
	for (unsigned i = 0; (c->keys & SC_CK_FAULTS_FIRED) && i < c->nr_fired; i++) {
		const struct sc_fired *f = &c->fired[i];
		uint64_t n = det && det->fault_fired ? det->fault_fired(f->point) : 0;

		if (f->at_least_one ? !n : n != f->count)
			return snprintf(why, len, "faults_fired: %s: expected %s%llu, fired %llu",
					f->point, f->at_least_one ? "> " : "",
					f->at_least_one ? 0ull : (unsigned long long)f->count,
					(unsigned long long)n), -1;
	}
	if (c->keys & SC_CK_PAGES_LEAKED) {
		if (!det || !det->teardown_done)
			return snprintf(why, len, "pages_leaked: no teardown yet"), -1;
		if (det->pages_leaked)
			return snprintf(why, len, "pages_leaked: expected 0, got %lld",
					(long long)det->pages_leaked), -1;
	}
	return 0;
}

void sc_console_tail(const struct sc_vmrec *r, const char *vm, char *buf, size_t len)
{
	size_t n = r->console_len > 600 ? 600 : r->console_len;

	if (!n) {
		snprintf(buf, len, "vm %s's console is empty", vm);
		return;
	}
	snprintf(buf, len, "vm %s's console (last %zu bytes):\n%s", vm, n,
		 r->console + r->console_len - n);
}
