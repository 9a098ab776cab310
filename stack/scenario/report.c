// SPDX-License-Identifier: MIT
/*
 * Reporting (docs/SCENARIOS.md, "Output"): one progress line per run on stderr, one
 * JSON object per run on stdout (--json), JUnit XML (--junit), the summary.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/scenario/runner.h"

struct junit_case {
	char *classname, *name, *message, *kind;
};

struct sc_report {
	bool json, verbose;
	const char *junit_path;
	unsigned passed, failed, skipped;
	struct junit_case *cases;
	unsigned nr_cases, cap_cases;
};

struct sc_report *sc_report_new(bool json, const char *junit_path, bool verbose)
{
	struct sc_report *r = calloc(1, sizeof(*r));

	if (!r)
		abort();
	r->json = json;
	r->junit_path = junit_path;
	r->verbose = verbose;
	return r;
}

static const char *mode_name(enum sc_mode m)
{
	return m == SC_MODE_DET ? "det" : "process";
}

static const char *backend_name(enum sc_backend b)
{
	return b == SC_BACKEND_KVM ? "kvm" : "sim";
}

static const char *result_name(enum sc_result_kind k)
{
	return k == SC_PASS ? "pass" : k == SC_FAIL ? "fail" : "skip";
}

/* Shell-quote @s into @buf if it needs it. */
static void quote(const char *s, char *buf, size_t len)
{
	size_t used = 0;

	if (!strpbrk(s, " '\"$`\\!*?;&|<>(){}[]#~") && *s) {
		snprintf(buf, len, "%s", s);
		return;
	}
	buf[used++] = '\'';
	for (; *s && used + 5 < len; s++) {
		if (*s == '\'') {
			memcpy(buf + used, "'\\''", 4);
			used += 4;
		} else {
			buf[used++] = *s;
		}
	}
	buf[used++] = '\'';
	buf[used] = 0;
}

void sc_replay_command(const struct scenario *sc, const struct sc_run_opts *o,
		       const char *faults, char *buf, size_t len)
{
	char file[600], f[1100];
	int n;

	quote(sc->file, file, sizeof(file));
	n = snprintf(buf, len, "avf scenario run %s --mode %s --backend %s --seed %" PRIu64,
		     file, mode_name(o->mode), backend_name(o->backend), o->seed);
	if (o->extra_faults && *o->extra_faults && n > 0 && (size_t)n < len) {
		quote(o->extra_faults, f, sizeof(f));
		snprintf(buf + n, len - (size_t)n, " --faults %s", f);
	}
	(void)faults;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void print_json(const struct scenario *sc, const struct sc_run_opts *o,
		       const struct sc_result *res)
{
	FILE *f = stdout;

	fputs("{\"name\":", f);
	json_string(f, sc->name);
	fputs(",\"file\":", f);
	json_string(f, sc->file);
	fprintf(f, ",\"mode\":\"%s\",\"backend\":\"%s\",\"seed\":%" PRIu64 ",\"result\":\"%s\","
		"\"reason\":", mode_name(o->mode), backend_name(o->backend), o->seed,
		result_name(res->kind));
	json_string(f, res->reason);
	if (res->has_trace)
		fprintf(f, ",\"trace_hash\":\"%016" PRIx64 "\",\"virtual_ns\":%" PRIu64,
			res->trace_hash, res->virtual_ns);
	else
		fputs(",\"trace_hash\":null,\"virtual_ns\":null", f);
	fputs(",\"faults\":", f);
	json_string(f, res->faults);
	fprintf(f, ",\"swarm_index\":%d}\n", o->swarm_index);
	fflush(f);
}

static void progress(const struct scenario *sc, const struct sc_run_opts *o,
		     const struct sc_result *res)
{
	char label[SC_NAME_MAX + 16], replay[2048];

	if (o->swarm_index >= 0)
		snprintf(label, sizeof(label), "%s#%d", sc->name, o->swarm_index);
	else
		snprintf(label, sizeof(label), "%s", sc->name);
	if (res->kind == SC_SKIP) {
		fprintf(stderr, "SKIP %s [%s %s]: %s\n", label, mode_name(o->mode),
			backend_name(o->backend), res->reason);
		return;
	}
	fprintf(stderr, "%s %s [%s %s seed %" PRIu64 "]", res->kind == SC_PASS ? "PASS" : "FAIL",
		label, mode_name(o->mode), backend_name(o->backend), o->seed);
	if (res->has_trace)
		fprintf(stderr, " trace-hash %016" PRIx64, res->trace_hash);
	if (res->faults[0])
		fprintf(stderr, " faults %s", res->faults);
	fputc('\n', stderr);
	if (res->kind != SC_FAIL)
		return;
	fprintf(stderr, "  %s\n", res->reason);
	if (res->detail[0])
		fprintf(stderr, "  %s%s", res->detail,
			res->detail[strlen(res->detail) - 1] == '\n' ? "" : "\n");
	sc_replay_command(sc, o, res->faults, replay, sizeof(replay));
	fprintf(stderr, "  replay: %s\n", replay);
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

static void add_case(struct sc_report *r, const struct scenario *sc,
		     const struct sc_run_opts *o, const struct sc_result *res)
{
	char name[256], cls[512];
	struct junit_case *c;
	const char *slash;

	if (r->nr_cases == r->cap_cases) {
		r->cap_cases = r->cap_cases ? r->cap_cases * 2 : 64;
		r->cases = realloc(r->cases, r->cap_cases * sizeof(*r->cases));
		if (!r->cases)
			abort();
	}
	c = &r->cases[r->nr_cases++];
	if (o->swarm_index >= 0)
		snprintf(name, sizeof(name), "%s#%d [%s %s %" PRIu64 "]", sc->name,
			 o->swarm_index, mode_name(o->mode), backend_name(o->backend), o->seed);
	else
		snprintf(name, sizeof(name), "%s [%s %s %" PRIu64 "]", sc->name,
			 mode_name(o->mode), backend_name(o->backend), o->seed);
	slash = strrchr(sc->dir, '/');
	snprintf(cls, sizeof(cls), "scenarios.%s.%s", mode_name(o->mode),
		 slash ? slash + 1 : sc->dir);
	c->classname = xstrdup(cls);
	c->name = xstrdup(name);
	c->message = xstrdup(res->reason);
	c->kind = xstrdup(result_name(res->kind));
}

void sc_report_add(struct sc_report *r, const struct scenario *sc, const struct sc_run_opts *o,
		   const struct sc_result *res)
{
	if (res->kind == SC_PASS)
		r->passed++;
	else if (res->kind == SC_FAIL)
		r->failed++;
	else
		r->skipped++;
	progress(sc, o, res);
	if (r->json)
		print_json(sc, o, res);
	if (r->junit_path)
		add_case(r, sc, o, res);
}

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c < 0x20 && c != '\n' && c != '\t')
			fputc('?', f);
		else
			fputc(c, f);
	}
}

static int write_junit(struct sc_report *r)
{
	FILE *f = fopen(r->junit_path, "w");

	if (!f) {
		fprintf(stderr, "avf-scenario: --junit %s: cannot write it\n", r->junit_path);
		return -1;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
		"<testsuite name=\"scenarios\" tests=\"%u\" failures=\"%u\" skipped=\"%u\">\n",
		r->nr_cases, r->failed, r->skipped);
	for (unsigned i = 0; i < r->nr_cases; i++) {
		const struct junit_case *c = &r->cases[i];

		fputs("  <testcase classname=\"", f);
		xml_text(f, c->classname);
		fputs("\" name=\"", f);
		xml_text(f, c->name);
		fputs("\"", f);
		if (!strcmp(c->kind, "pass")) {
			fputs("/>\n", f);
			continue;
		}
		fprintf(f, ">\n    <%s message=\"", !strcmp(c->kind, "fail") ? "failure" : "skipped");
		xml_text(f, c->message);
		fputs("\"/>\n  </testcase>\n", f);
	}
	fputs("</testsuite>\n</testsuites>\n", f);
	return fclose(f) ? -1 : 0;
}

int sc_report_finish(struct sc_report *r)
{
	int status = r->failed ? 1 : 0;

	fprintf(stderr, "scenarios: %u passed, %u failed, %u skipped\n", r->passed, r->failed,
		r->skipped);
	if (r->junit_path && write_junit(r))
		status = 1;
	for (unsigned i = 0; i < r->nr_cases; i++) {
		free(r->cases[i].classname);
		free(r->cases[i].name);
		free(r->cases[i].message);
		free(r->cases[i].kind);
	}
	free(r->cases);
	free(r);
	return status;
}
