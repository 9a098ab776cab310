// SPDX-License-Identifier: MIT
/*
 * Fault rules and their firing decisions. A small table of rules guarded by one mutex;
 * fault_hit() first reads an atomic "any rules?" flag so that unconfigured runs pay
 * one load per hit.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fault/fault.h"

const struct fault_point fault_points[] = {
	{ "blk.io_error",	"a virtio-blk request completes with VIRTIO_BLK_S_IOERR, "
				"touching neither the disk nor the guest's buffers" },
	{ "blk.short_read",	"a read of the disk image returns half of what was asked "
				"(the device must finish the request by reading again)" },
	{ "vsock.drop",		"a vsock packet between host and guest is lost; the device "
				"resets that connection on both ends" },
	{ "net.drop",		"a virtio-net frame is dropped (Ethernet is lossy)" },
	{ "vmm.crash.boot",	"the VMM crashes after building the VM, before the first "
				"vCPU runs" },
	{ "vmm.crash.mmio",	"the VMM crashes while handling a guest MMIO access" },
	{ "vmm.crash.ready",	"the VMM crashes when the payload reports ready" },
	{ "hyp.host_call",	"a host hypercall fails with -ENOMEM before changing anything" },
	{ "hyp.guest_share",	"a guest MEM_SHARE or MEM_UNSHARE fails (the guest sees an "
				"error, nothing changes)" },
	{ "hyp.pool_oom",	"the hyp's page pool has no page to give" },
	{ "service.spawn",	"the service fails to start the VMM process" },
	{ NULL, NULL },
};

#define MAX_RULES	32
#define MAX_SPEC	1024
#define NAME_MAX_LEN	48

struct rule {
	char point[NAME_MAX_LEN];
	char vm[NAME_MAX_LEN];		/* "" : any VM */
	uint64_t at, after;		/* 0 : unset */
	uint32_t permille;		/* 0 : unset; 1..1000 */
	uint64_t rng;			/* splitmix64 state */
	uint64_t times_left;		/* UINT64_MAX : unlimited */
	uint64_t hits, fired;
	int has_at, has_after, has_p;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct rule rules[MAX_RULES];
static unsigned nr_rules;
static int any_rules;			/* read without the lock (atomic) */
static char spec_copy[MAX_SPEC];

bool fault_point_known(const char *name)
{
	for (const struct fault_point *p = fault_points; p->name; p++)
		if (!strcmp(p->name, name))
			return true;
	return false;
}

static int fail(char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	if (err && err_size) {
		va_start(ap, fmt);
		vsnprintf(err, err_size, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return (errno || *end) ? -1 : 0;
}

static int parse_opt(struct rule *r, char *opt, char *err, size_t err_size)
{
	char *eq = strchr(opt, '=');
	uint64_t v = 0;

	if (!eq)
		return fail(err, err_size, "fault rule '%s': option '%s' has no '='",
			    r->point, opt);
	*eq = '\0';
	const char *key = opt, *val = eq + 1;

	if (!strcmp(key, "vm")) {
		if (!*val || strlen(val) >= sizeof(r->vm))
			return fail(err, err_size, "fault rule '%s': bad vm name '%s'",
				    r->point, val);
		strcpy(r->vm, val);
		return 0;
	}
	if (strcmp(key, "at") && strcmp(key, "after") && strcmp(key, "p") &&
	    strcmp(key, "seed") && strcmp(key, "times"))
		return fail(err, err_size, "fault rule '%s': unknown option '%s' (at, "
			    "after, p, seed, times, vm)", r->point, key);
	if (parse_u64(val, &v))
		return fail(err, err_size, "fault rule '%s': %s=%s is not a number",
			    r->point, key, val);
	if (!strcmp(key, "at")) {
		if (!v)
			return fail(err, err_size, "fault rule '%s': at= counts from 1",
				    r->point);
		r->at = v, r->has_at = 1;
	} else if (!strcmp(key, "after")) {
		r->after = v, r->has_after = 1;
	} else if (!strcmp(key, "p")) {
		if (!v || v > 1000)
			return fail(err, err_size, "fault rule '%s': p= is per mille, "
				    "1..1000, not %s", r->point, val);
		r->permille = (uint32_t)v, r->has_p = 1;
	} else if (!strcmp(key, "seed")) {
		r->rng = v;
	} else {		/* times */
		if (!v)
			return fail(err, err_size, "fault rule '%s': times= must be at "
				    "least 1", r->point);
		r->times_left = v;
	}
	return 0;
}

static int parse_rule(struct rule *r, char *text, char *err, size_t err_size)
{
	char *save = NULL, *tok = strtok_r(text, ":", &save);

	memset(r, 0, sizeof(*r));
	r->rng = 1;
	r->times_left = UINT64_MAX;
	if (!tok || !*tok)
		return fail(err, err_size, "empty fault rule");
	if (!fault_point_known(tok))
		return fail(err, err_size, "unknown fault point '%s'", tok);
	strcpy(r->point, tok);		/* catalogue names fit */
	while ((tok = strtok_r(NULL, ":", &save)))
		if (parse_opt(r, tok, err, err_size))
			return -EINVAL;
	if (r->has_at + r->has_after + r->has_p > 1)
		return fail(err, err_size, "fault rule '%s': choose one of at=, after=, p=",
			    r->point);
	if (r->has_at && r->times_left == UINT64_MAX)
		r->times_left = 1;
	return 0;
}

int fault_configure(const char *spec, char *err, size_t err_size)
{
	static struct rule parsed[MAX_RULES];
	char buf[MAX_SPEC], *save = NULL, *tok;
	unsigned n = 0;

	if (!spec)
		spec = "";
	if (strlen(spec) >= sizeof(buf))
		return fail(err, err_size, "fault spec longer than %d bytes", MAX_SPEC - 1);
	strcpy(buf, spec);
	pthread_mutex_lock(&lock);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == MAX_RULES) {
			pthread_mutex_unlock(&lock);
			return fail(err, err_size, "more than %d fault rules", MAX_RULES);
		}
		if (parse_rule(&parsed[n++], tok, err, err_size)) {
			pthread_mutex_unlock(&lock);
			return -EINVAL;
		}
	}
	memcpy(rules, parsed, n * sizeof(rules[0]));
	nr_rules = n;
	strcpy(spec_copy, spec);
	__atomic_store_n(&any_rules, n > 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&lock);
	return 0;
}

int fault_configure_env(char *err, size_t err_size)
{
	return fault_configure(getenv("AVF_FAULTS"), err, err_size);
}

const char *fault_spec(void)
{
	return spec_copy;
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Called with the lock held: does this hit of @r fire? */
static bool rule_fires(struct rule *r)
{
	bool fire;

	r->hits++;
	if (!r->times_left)
		return false;
	if (r->has_at)
		fire = r->hits == r->at;
	else if (r->has_after)
		fire = r->hits > r->after;
	else if (r->has_p)
		fire = splitmix64(&r->rng) % 1000 < r->permille;
	else
		fire = true;
	if (fire) {
		r->fired++;
		if (r->times_left != UINT64_MAX)
			r->times_left--;
	}
	return fire;
}

bool fault_hit_vm(const char *point, const char *vm)
{
	bool fire = false;

	if (!__atomic_load_n(&any_rules, __ATOMIC_ACQUIRE))
		return false;
	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < nr_rules; i++) {
		struct rule *r = &rules[i];

		if (strcmp(r->point, point))
			continue;
		if (r->vm[0] && (!vm || strcmp(r->vm, vm)))
			continue;
		if (rule_fires(r))
			fire = true;
	}
	pthread_mutex_unlock(&lock);
	return fire;
}

bool fault_hit(const char *point)
{
	return fault_hit_vm(point, NULL);
}

static uint64_t sum(const char *point, int fired)
{
	uint64_t n = 0;

	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < nr_rules; i++)
		if (!strcmp(rules[i].point, point))
			n += fired ? rules[i].fired : rules[i].hits;
	pthread_mutex_unlock(&lock);
	return n;
}

uint64_t fault_hits(const char *point)
{
	return sum(point, 0);
}

uint64_t fault_fired(const char *point)
{
	return sum(point, 1);
}
