// SPDX-License-Identifier: MIT
/*
 * The scenario schema, top level: typed accessors, the scenario's own fields, its VMs
 * and its fault rules (docs/SCENARIOS.md). Steps and checks are schema_steps.c.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fault/fault.h"
#include "stack/scenario/builtin.h"
#include "stack/scenario/schema.h"
#include "stack/service/service.h"

#define MAX_FILE_SIZE (1u << 20)

const char *const sc_death_names[] = {
	[SVC_DEATH_NONE] = NULL,
	[SVC_DEATH_UNKNOWN] = "unknown",
	[SVC_DEATH_SHUTDOWN] = "shutdown",
	[SVC_DEATH_REBOOT] = "reboot",
	[SVC_DEATH_CRASH] = "crash",
	[SVC_DEATH_KILLED] = "killed",
	[SVC_DEATH_START_FAILED] = "start_failed",
	[SVC_DEATH_HANGUP] = "hangup",
	[SVC_DEATH_PAYLOAD_VERIFICATION_FAILED] = "payload_verification_failed",
	[SVC_DEATH_PAYLOAD_CHANGED] = "payload_changed",
	[SVC_DEATH_INVALID_CONFIG] = "invalid_config",
	[SVC_DEATH_INFRASTRUCTURE_ERROR] = "infrastructure_error",
};
const unsigned sc_nr_death_names = sizeof(sc_death_names) / sizeof(sc_death_names[0]);

/* ---- accessors ---------------------------------------------------------------------- */

int ps_err(struct ps *p, const struct yt_node *n, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One line whatever the file holds: values quoted in messages lose their controls. */
	for (char *c = msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	snprintf(p->err, p->errlen, "%s:%u:%u: %s", p->file, n ? n->line : 1, n ? n->col : 1,
		 msg);
	return -EINVAL;
}

struct sc_loc ps_loc(const struct ps *p, const struct yt_node *n)
{
	return (struct sc_loc){ .file = p->sc->file, .line = n->line, .col = n->col };
}

int ps_keys(struct ps *p, const struct yt_node *map, const char *section,
	    const char *const *allowed)
{
	for (unsigned i = 0; i < map->n; i++) {
		const char *const *a = allowed;

		while (*a && strcmp(*a, map->keys[i]->str))
			a++;
		if (!*a)
			return ps_err(p, map->keys[i], "unknown key '%s' in %s", map->keys[i]->str,
				      section);
	}
	return 0;
}

int ps_require(struct ps *p, const struct yt_node *map, const char *section,
	       const char *key, struct yt_node **out)
{
	*out = yt_get(map, key);
	return *out ? 0 : ps_err(p, map, "%s: missing '%s'", section, key);
}

static const char *kind_name(enum yt_kind k)
{
	return k == YT_MAP ? "a mapping" : k == YT_SEQ ? "a list" : "a string";
}

/* "KEY: expected TYPE, got 'VALUE'" (or "got a mapping" / "got a list"). */
static int type_err(struct ps *p, const struct yt_node *n, const char *key, const char *type)
{
	if (n->kind != YT_SCALAR)
		return ps_err(p, n, "%s: expected %s, got %s", key, type, kind_name(n->kind));
	return ps_err(p, n, "%s: expected %s, got '%.60s'", key, type, n->str);
}

int ps_want(struct ps *p, const struct yt_node *n, const char *key, enum yt_kind kind)
{
	return n->kind == kind ? 0 : type_err(p, n, key, kind_name(kind));
}

static bool parse_number(const char *s, uint64_t *out, const char **end)
{
	char *e;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoull(s, &e, !strncmp(s, "0x", 2) || !strncmp(s, "0X", 2) ? 16 : 10);
	if (errno || e == s)
		return false;
	*end = e;
	return true;
}

int ps_u64(struct ps *p, const struct yt_node *n, const char *key, uint64_t min,
	   uint64_t max, uint64_t *out)
{
	const char *end;

	if (n->kind != YT_SCALAR || !n->plain || !parse_number(n->str, out, &end) || *end)
		return type_err(p, n, key, "an integer");
	if (*out < min || *out > max)
		return ps_err(p, n, "%s: %s is not in %" PRIu64 "..%" PRIu64, key, n->str, min,
			      max);
	return 0;
}

int ps_i32(struct ps *p, const struct yt_node *n, const char *key, int32_t *out)
{
	bool neg = n->kind == YT_SCALAR && n->str[0] == '-';
	const char *end;
	uint64_t v;

	if (n->kind != YT_SCALAR || !n->plain || !parse_number(n->str + neg, &v, &end) || *end)
		return type_err(p, n, key, "an integer");
	if (v > (neg ? 2147483648ull : 2147483647ull))
		return ps_err(p, n, "%s: %s is not in -2147483648..2147483647", key, n->str);
	*out = neg ? (int32_t)(-(int64_t)v) : (int32_t)v;
	return 0;
}

int ps_bool(struct ps *p, const struct yt_node *n, const char *key, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false",
										"no", "off" };

	for (unsigned i = 0; n->kind == YT_SCALAR && n->plain && i < 3; i++) {
		if (!strcasecmp(n->str, yes[i]) || !strcasecmp(n->str, no[i])) {
			*out = !strcasecmp(n->str, yes[i]);
			return 0;
		}
	}
	return type_err(p, n, key, "a boolean");
}

int ps_str(struct ps *p, const struct yt_node *n, const char *key, const char **out)
{
	if (n->kind != YT_SCALAR)
		return type_err(p, n, key, "a string");
	if (strlen(n->str) != n->len)
		return ps_err(p, n, "%s: a string must not contain NUL", key);
	*out = n->str;
	return 0;
}

int ps_size(struct ps *p, const struct yt_node *n, const char *key, uint64_t min,
	    uint64_t max, uint64_t *out)
{
	const char *end;
	unsigned shift = 0;

	if (n->kind != YT_SCALAR || !n->plain || !parse_number(n->str, out, &end))
		return type_err(p, n, key, "a size");
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if ((shift && end[1]) || (!shift && *end) || *out > (UINT64_MAX >> shift))
		return type_err(p, n, key, "a size");
	*out <<= shift;
	if (*out < min || *out > max)
		return ps_err(p, n, "%s: %s is not in %" PRIu64 "..%" PRIu64, key, n->str, min,
			      max);
	return 0;
}

int ps_enum(struct ps *p, const struct yt_node *n, const char *key,
	    const char *const *names, unsigned count, unsigned *out)
{
	char list[400] = "";
	size_t used = 0;

	if (n->kind != YT_SCALAR)
		return type_err(p, n, key, "a string");
	for (unsigned i = 0; i < count; i++) {
		if (names[i] && !strcasecmp(n->str, names[i])) {
			*out = i;
			return 0;
		}
	}
	for (unsigned i = 0; i < count && used < sizeof(list); i++)
		if (names[i])
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
						 used ? ", " : "", names[i]);
	return ps_err(p, n, "%s: '%.60s' is not one of %s", key, n->str, list);
}

int ps_vm(struct ps *p, const struct yt_node *n, int *out)
{
	if (n->kind != YT_SCALAR)
		return type_err(p, n, "vm", "a string");
	for (unsigned i = 0; i < p->sc->nr_vms; i++) {
		if (!strcmp(p->sc->vms[i].name, n->str)) {
			*out = (int)i;
			return 0;
		}
	}
	return ps_err(p, n, "no VM named '%.60s'", n->str);
}

/* ---- names -------------------------------------------------------------------------- */

static bool valid_name(const char *s, size_t max, bool dots)
{
	size_t len = strlen(s);

	if (!len || len >= max)
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-' ||
		      *s == '_' || (dots && *s == '.')))
			return false;
	return true;
}

/* ---- VMs ---------------------------------------------------------------------------- */

static int parse_disk(struct ps *p, const struct yt_node *n, struct sc_disk *d)
{
	static const char *const keys[] = { "size", "image", "read_only", NULL };
	struct yt_node *v;

	if (ps_want(p, n, "disks", YT_MAP) || ps_keys(p, n, "a disk", keys))
		return -EINVAL;
	if ((v = yt_get(n, "size")) && ps_size(p, v, "size", 4096, 1ull << 32, &d->size))
		return -EINVAL;
	if ((v = yt_get(n, "image"))) {
		const char *img;

		if (ps_str(p, v, "image", &img))
			return -EINVAL;
		d->image = builtin_resolve(p->sc, img);
	}
	if ((d->size != 0) == (d->image != NULL))
		return ps_err(p, n, "a disk: give exactly one of 'size' and 'image'");
	if ((v = yt_get(n, "read_only")) && ps_bool(p, v, "read_only", &d->read_only))
		return -EINVAL;
	return 0;
}

static int parse_payload(struct ps *p, const struct yt_node *n, struct sc_vm *vm)
{
	const char *s;

	if (ps_str(p, n, "payload", &s))
		return -EINVAL;
	if (builtin_known(s)) {
		vm->payload = s;
		vm->builtin = true;
		return 0;
	}
	if (!strchr(s, '/'))
		return ps_err(p, n, "payload: '%.60s' is not a builtin (%s) nor a path "
			      "(a path contains '/')", s, builtin_list());
	vm->payload = builtin_resolve(p->sc, s);
	return 0;
}

static int parse_vm_fields(struct ps *p, const struct yt_node *n, struct sc_vm *vm)
{
	struct yt_node *v;

	if ((v = yt_get(n, "protected")) && ps_bool(p, v, "protected", &vm->protected_vm))
		return -EINVAL;
	if ((v = yt_get(n, "debug")) && ps_bool(p, v, "debug", &vm->debug))
		return -EINVAL;
	if ((v = yt_get(n, "vsock")) && ps_bool(p, v, "vsock", &vm->vsock))
		return -EINVAL;
	if ((v = yt_get(n, "net")) && ps_bool(p, v, "net", &vm->net))
		return -EINVAL;
	if ((v = yt_get(n, "mem_mib")) && ps_u64(p, v, "mem_mib", 4, 16384, &vm->mem_mib))
		return -EINVAL;
	if (vm->mem_mib & 1)
		return ps_err(p, v, "mem_mib: %" PRIu64 " is not a multiple of 2", vm->mem_mib);
	if ((v = yt_get(n, "vcpus"))) {
		uint64_t c;

		if (ps_u64(p, v, "vcpus", 1, 64, &c))
			return -EINVAL;
		vm->vcpus = (unsigned)c;
	}
	if ((v = yt_get(n, "instance_id")) &&
	    ps_u64(p, v, "instance_id", 0, UINT64_MAX, &vm->instance_id))
		return -EINVAL;
	if ((v = yt_get(n, "bootargs")) && ps_str(p, v, "bootargs", &vm->bootargs))
		return -EINVAL;
	if ((v = yt_get(n, "script")) && ps_str(p, v, "script", &vm->script))
		return -EINVAL;
	if (vm->bootargs && vm->script)
		return ps_err(p, n, "a VM: give at most one of 'bootargs' and 'script'");
	return 0;
}

static int parse_vm(struct ps *p, const struct yt_node *key, const struct yt_node *n,
		    struct sc_vm *vm)
{
	static const char *const keys[] = { "payload", "protected", "mem_mib", "vcpus",
		"debug", "instance_id", "bootargs", "script", "disks", "vsock", "net", NULL };
	struct yt_node *v;

	if (!valid_name(key->str, SC_VM_NAME_MAX, false))
		return ps_err(p, key, "VM name '%.60s': use 1..31 of [a-z0-9_-]", key->str);
	snprintf(vm->name, sizeof(vm->name), "%s", key->str);
	vm->loc = ps_loc(p, key);
	vm->mem_mib = 64;
	vm->vcpus = 1;
	if (ps_want(p, n, key->str, YT_MAP) || ps_keys(p, n, "a VM", keys) ||
	    ps_require(p, n, "a VM", "payload", &v) || parse_payload(p, v, vm) ||
	    parse_vm_fields(p, n, vm))
		return -EINVAL;
	if ((v = yt_get(n, "disks"))) {
		if (ps_want(p, v, "disks", YT_SEQ))
			return -EINVAL;
		if (v->n > SC_MAX_DISKS)
			return ps_err(p, v, "disks: at most %d", SC_MAX_DISKS);
		for (unsigned i = 0; i < v->n; i++)
			if (parse_disk(p, v->items[i], &vm->disks[i]))
				return -EINVAL;
		vm->nr_disks = v->n;
	}
	return 0;
}

static int parse_vms(struct ps *p, const struct yt_node *n)
{
	if (ps_want(p, n, "vms", YT_MAP))
		return -EINVAL;
	if (!n->n)
		return ps_err(p, n, "vms: at least one VM");
	if (n->n > SC_MAX_VMS)
		return ps_err(p, n, "vms: at most %d", SC_MAX_VMS);
	for (unsigned i = 0; i < n->n; i++) {
		if (parse_vm(p, n->keys[i], n->items[i], &p->sc->vms[i]))
			return -EINVAL;
		p->sc->nr_vms = i + 1;
	}
	return 0;
}

/* ---- faults --------------------------------------------------------------------------- */

static int fault_opt(struct ps *p, const struct yt_node *f, const char *key, uint64_t min,
		     uint64_t max, char *spec, size_t cap)
{
	struct yt_node *v = yt_get(f, key);
	uint64_t x;

	if (!v)
		return 0;
	if (ps_u64(p, v, key, min, max, &x))
		return -EINVAL;
	snprintf(spec + strlen(spec), cap - strlen(spec), ":%s=%" PRIu64,
		 !strcmp(key, "permille") ? "p" : key, x);
	return 0;
}

static int parse_fault(struct ps *p, const struct yt_node *f, struct sc_fault *out)
{
	static const char *const keys[] = { "point", "at", "after", "p", "seed", "times",
		"vm", NULL };
	struct yt_node *v;
	const char *point;
	char spec[256];
	int vm;

	if (ps_want(p, f, "faults", YT_MAP) || ps_keys(p, f, "a fault", keys) ||
	    ps_require(p, f, "a fault", "point", &v) || ps_str(p, v, "point", &point))
		return -EINVAL;
	if (!fault_point_known(point))
		return ps_err(p, v, "point: '%.60s' is not a fault point (lib/fault/fault.c)",
			      point);
	snprintf(spec, sizeof(spec), "%s", point);
	if (fault_opt(p, f, "at", 1, UINT32_MAX, spec, sizeof(spec)) ||
	    fault_opt(p, f, "after", 0, UINT32_MAX, spec, sizeof(spec)) ||
	    fault_opt(p, f, "p", 1, 1000, spec, sizeof(spec)) ||
	    fault_opt(p, f, "seed", 0, UINT64_MAX, spec, sizeof(spec)) ||
	    fault_opt(p, f, "times", 1, UINT32_MAX, spec, sizeof(spec)))
		return -EINVAL;
	if ((v = yt_get(f, "vm"))) {
		if (ps_vm(p, v, &vm))
			return -EINVAL;
		snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), ":vm=%s",
			 p->sc->vms[vm].name);
	}
	out->loc = ps_loc(p, f);
	out->spec = sc_arena_strndup(p->sc->arena, spec, strlen(spec));
	return 0;
}

static int parse_faults(struct ps *p, const struct yt_node *n)
{
	if (ps_want(p, n, "faults", YT_SEQ))
		return -EINVAL;
	p->sc->faults = sc_arena_alloc(p->sc->arena, (n->n + 1) * sizeof(*p->sc->faults));
	for (unsigned i = 0; i < n->n; i++) {
		if (parse_fault(p, n->items[i], &p->sc->faults[i]))
			return -EINVAL;
		p->sc->nr_faults = i + 1;
	}
	return 0;
}

static int parse_swarm(struct ps *p, const struct yt_node *n)
{
	if (ps_want(p, n, "swarm", YT_SEQ))
		return -EINVAL;
	if (n->n > SC_MAX_LIST)
		return ps_err(p, n, "swarm: at most %d fault points", SC_MAX_LIST);
	for (unsigned i = 0; i < n->n; i++) {
		const char *point;

		if (ps_str(p, n->items[i], "swarm", &point))
			return -EINVAL;
		if (!fault_point_known(point))
			return ps_err(p, n->items[i], "swarm: '%.60s' is not a fault point "
				      "(lib/fault/fault.c)", point);
		p->sc->swarm[p->sc->nr_swarm++] = point;
	}
	return 0;
}

/* ---- top level ---------------------------------------------------------------------- */

static int parse_mask(struct ps *p, const struct yt_node *n, const char *key,
		      const char *const *names, unsigned count, unsigned *mask)
{
	unsigned v;

	if (ps_want(p, n, key, YT_SEQ))
		return -EINVAL;
	if (!n->n)
		return ps_err(p, n, "%s: at least one", key);
	*mask = 0;
	for (unsigned i = 0; i < n->n; i++) {
		if (ps_enum(p, n->items[i], key, names, count, &v))
			return -EINVAL;
		*mask |= 1u << v;
	}
	return 0;
}

static int parse_header(struct ps *p, const struct yt_node *root)
{
	static const char *const modes[] = { "det", "process" }, *const backends[] = { "sim",
										       "kvm" };
	struct scenario *sc = p->sc;
	struct yt_node *v;
	const char *s;

	if (ps_require(p, root, "the scenario", "name", &v) || ps_str(p, v, "name", &s))
		return -EINVAL;
	if (!valid_name(s, SC_NAME_MAX, true))
		return ps_err(p, v, "name: '%.60s': use 1..63 of [a-z0-9._-]", s);
	snprintf(sc->name, sizeof(sc->name), "%s", s);
	if (ps_require(p, root, "the scenario", "description", &v) ||
	    ps_str(p, v, "description", &sc->description))
		return -EINVAL;
	sc->modes = SC_MODE_DET | SC_MODE_PROCESS;
	sc->backends = SC_BACKEND_SIM;
	if ((v = yt_get(root, "modes")) && parse_mask(p, v, "modes", modes, 2, &sc->modes))
		return -EINVAL;
	if ((v = yt_get(root, "backends")) &&
	    parse_mask(p, v, "backends", backends, 2, &sc->backends))
		return -EINVAL;
	if ((v = yt_get(root, "seed")) && ps_u64(p, v, "seed", 0, UINT64_MAX, &sc->seed))
		return -EINVAL;
	return 0;
}

static int parse_root(struct ps *p, const struct yt_node *root)
{
	static const char *const keys[] = { "name", "description", "modes", "backends", "seed",
		"swarm", "vms", "faults", "steps", "expect", NULL };
	struct yt_node *v;

	if (!root)
		return ps_err(p, NULL, "the file is empty: a scenario is a mapping");
	if (root->kind != YT_MAP)
		return ps_err(p, root, "a scenario is a mapping");
	p->sc->loc = ps_loc(p, root);
	if (ps_keys(p, root, "the scenario", keys) || parse_header(p, root))
		return -EINVAL;
	if ((v = yt_get(root, "swarm")) && parse_swarm(p, v))
		return -EINVAL;
	if (ps_require(p, root, "the scenario", "vms", &v) || parse_vms(p, v))
		return -EINVAL;
	if ((v = yt_get(root, "faults")) && parse_faults(p, v))
		return -EINVAL;
	if (ps_require(p, root, "the scenario", "steps", &v) || ps_steps(p, v))
		return -EINVAL;
	if ((v = yt_get(root, "expect")) && ps_expects(p, v))
		return -EINVAL;
	return 0;
}

static const char *dir_of(struct sc_arena *a, const char *file)
{
	const char *slash = strrchr(file, '/');

	return slash ? sc_arena_strndup(a, file, (size_t)(slash - file)) : ".";
}

int scenario_parse_buffer(const char *file, const void *buf, size_t len,
			  struct scenario **out, char *err, size_t errlen)
{
	struct sc_arena *a = sc_arena_new();
	struct scenario *sc = sc_arena_alloc(a, sizeof(*sc));
	struct ps p = { .sc = sc, .err = err, .errlen = errlen };
	struct yt_node *root;

	*out = NULL;
	sc->arena = a;
	sc->file = sc_arena_strndup(a, file, strlen(file));
	sc->dir = dir_of(a, sc->file);
	p.file = sc->file;
	if (yt_parse(a, sc->file, buf, len, &root, err, errlen) || parse_root(&p, root)) {
		sc_arena_free(a);
		return -EINVAL;
	}
	*out = sc;
	return 0;
}

int scenario_parse_file(const char *path, struct scenario **out, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;
	struct stat st;
	char *buf;
	ssize_t n;

	*out = NULL;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE_SIZE) {
		ret = fd < 0 ? -errno : !S_ISREG(st.st_mode) ? -EISDIR : -EFBIG;
		snprintf(err, errlen, "%s: %s", path,
			 ret == -EFBIG ? "larger than 1 MiB" : strerror(-ret));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	buf = malloc((size_t)st.st_size + 1);
	n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		free(buf);
		snprintf(err, errlen, "%s: cannot read it", path);
		return -EIO;
	}
	ret = scenario_parse_buffer(path, buf, (size_t)n, out, err, errlen);
	free(buf);
	return ret;
}

void scenario_free(struct scenario *sc)
{
	if (sc)
		sc_arena_free(sc->arena);
}
