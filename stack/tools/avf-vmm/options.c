// SPDX-License-Identifier: MIT
/*
 * avf-vmm's options: one table, used by both the command line (getopt_long) and config
 * files, so the two always accept the same words with the same checks.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stack/tools/avf-vmm/options.h"

#define MAX_CONFIG_DEPTH 4
#define MAX_VCPUS 64u

struct opt_def;
typedef int (*opt_apply)(struct avf_vmm_opts *o, const struct opt_def *d, const char *val,
			 struct img_error *err);

struct opt_def {
	const char *name;
	bool flag;		/* no argument on the command line; true/false in a file */
	opt_apply apply;
	const char *arg;	/* for the usage text */
	const char *help;
};

/* ---- values ---- */

static const char *own(struct avf_vmm_opts *o, const char *s)
{
	char *copy;

	if (o->nr_owned == sizeof(o->owned) / sizeof(o->owned[0]))
		return NULL;
	copy = strdup(s);
	if (copy)
		o->owned[o->nr_owned++] = copy;
	return copy;
}

static int set_string(struct avf_vmm_opts *o, const struct opt_def *d, const char *val,
		      const char **dst, struct img_error *err)
{
	if (!*val)
		return img_fail(err, EINVAL, "--%s: the value is empty", d->name);
	*dst = own(o, val);
	return *dst ? 0 : img_fail(err, ENOMEM, "--%s: too many settings", d->name);
}

/* Decimal or 0x hexadecimal, all of it, fitting in 64 bits. */
static int parse_u64(const struct opt_def *d, const char *val, uint64_t *out,
		     struct img_error *err)
{
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)val[0]))
		return img_fail(err, EINVAL, "--%s: '%s' is not a non-negative number", d->name,
				val);
	*out = strtoull(val, &end, 0);
	if (errno == ERANGE)
		return img_fail(err, EINVAL, "--%s: '%s' does not fit in 64 bits", d->name, val);
	if (*end)
		return img_fail(err, EINVAL, "--%s: '%s' is not a number (decimal or 0x hex)",
				d->name, val);
	return 0;
}

static int parse_bool(const struct opt_def *d, const char *val, bool *out,
		      struct img_error *err)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (unsigned i = 0; i < 4; i++) {
		if (!strcmp(val, yes[i]) || !strcmp(val, no[i])) {
			*out = !strcmp(val, yes[i]);
			return 0;
		}
	}
	return img_fail(err, EINVAL, "%s: '%s' is not a boolean (true/false, yes/no, on/off, "
			"1/0)", d->name, val);
}

/* ---- handlers ---- */

#define HANDLER(fn) static int fn(struct avf_vmm_opts *o, const struct opt_def *d, \
				  const char *val, struct img_error *err)

HANDLER(opt_backend) { return set_string(o, d, val, &o->backend, err); }
HANDLER(opt_pvmfw) { return set_string(o, d, val, &o->pvmfw, err); }
HANDLER(opt_kernel) { return set_string(o, d, val, &o->vm.kernel, err); }
HANDLER(opt_initrd) { return set_string(o, d, val, &o->vm.initrd, err); }
HANDLER(opt_console) { return set_string(o, d, val, &o->vm.console_out, err); }
HANDLER(opt_pcap) { return set_string(o, d, val, &o->vm.pcap, err); }
HANDLER(opt_protected) { return parse_bool(d, val, &o->vm.protected_vm, err); }
HANDLER(opt_rng) { return parse_bool(d, val, &o->vm.rng, err); }
HANDLER(opt_debug) { return parse_bool(d, val, &o->vm.debug, err); }
HANDLER(opt_stats) { return parse_bool(d, val, &o->stats, err); }
HANDLER(opt_check_spec) { return parse_bool(d, val, &o->check_spec, err); }
HANDLER(opt_seed) { return parse_u64(d, val, &o->seed, err); }
HANDLER(opt_instance_id) { return parse_u64(d, val, &o->vm.instance_id, err); }
HANDLER(opt_max_insns) { return parse_u64(d, val, &o->vm.max_insns, err); }
HANDLER(opt_load_addr) { return parse_u64(d, val, &o->vm.load_addr, err); }

/* The kernel command line may be empty (no bootargs is then given). */
HANDLER(opt_append)
{
	o->vm.bootargs = own(o, val);
	return o->vm.bootargs ? 0 : img_fail(err, ENOMEM, "--%s: too many settings", d->name);
}

HANDLER(opt_name)
{
	if (strlen(val) > 64)
		return img_fail(err, EINVAL, "--%s: '%s' is longer than 64 characters", d->name,
				val);
	for (const char *c = val; *c; c++)
		if (!isgraph((unsigned char)*c) && *c != ' ')
			return img_fail(err, EINVAL, "--%s: '%s' has a character that is not "
					"printable", d->name, val);
	return set_string(o, d, val, &o->vm.name, err);
}

/* A size in MiB: a plain number is MiB; K, M, G suffixes are powers of 1024. */
HANDLER(opt_mem)
{
	uint64_t n, mult, bytes;
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)val[0]))
		goto bad;
	n = strtoull(val, &end, 0);
	if (errno)
		goto bad;
	switch (*end) {
	case '\0': case 'M': case 'm': mult = 1ull << 20; break;
	case 'K': case 'k': mult = 1ull << 10; break;
	case 'G': case 'g': mult = 1ull << 30; break;
	default: goto bad;
	}
	if (*end && end[1])
		goto bad;
	if (__builtin_mul_overflow(n, mult, &bytes) || bytes % (2ull << 20) ||
	    bytes < (4ull << 20) || bytes > (62ull << 30))
		return img_fail(err, EINVAL, "--%s: %s is out of range: RAM must be a multiple "
				"of 2 MiB from 4 MiB to 62 GiB", d->name, val);
	o->vm.mem_mib = bytes >> 20;
	return 0;
bad:
	return img_fail(err, EINVAL, "--%s: '%s' is not a size (examples: 64, 512M, 1G)",
			d->name, val);
}

HANDLER(opt_cpus)
{
	uint64_t n;

	if (parse_u64(d, val, &n, err) || !n || n > MAX_VCPUS)
		return img_fail(err, EINVAL, "--%s: '%s' is not a vCPU count from 1 to %u",
				d->name, val, MAX_VCPUS);
	o->vm.nr_vcpus = (unsigned)n;
	return 0;
}

HANDLER(opt_kind)
{
	static const struct { const char *name; enum vmm_image_kind kind; } kinds[] = {
		{ "auto", VMM_IMAGE_AUTO }, { "elf", VMM_IMAGE_ELF },
		{ "image", VMM_IMAGE_LINUX }, { "raw", VMM_IMAGE_RAW },
	};

	for (unsigned i = 0; i < 4; i++) {
		if (!strcmp(val, kinds[i].name)) {
			o->vm.kind = kinds[i].kind;
			return 0;
		}
	}
	return img_fail(err, EINVAL, "--%s: '%s' is not one of auto, elf, image, raw", d->name,
			val);
}

/* PATH[,ro] */
HANDLER(opt_disk)
{
	struct vmm_disk *disk = &o->vm.disks[o->vm.nr_disks];
	const char *comma = strrchr(val, ',');
	char *path;

	if (o->vm.nr_disks == VMM_MAX_DISKS)
		return img_fail(err, EINVAL, "--%s: at most %u disks", d->name, VMM_MAX_DISKS);
	if (comma && strcmp(comma, ",ro") && strcmp(comma, ",rw"))
		return img_fail(err, EINVAL, "--%s: '%s': after the last comma only 'ro' or 'rw' "
				"may follow", d->name, val);
	if (comma == val || !*val)
		return img_fail(err, EINVAL, "--%s: '%s' has no path", d->name, val);
	path = (char *)own(o, val);
	if (!path)
		return img_fail(err, ENOMEM, "--%s: too many settings", d->name);
	if (comma)
		path[comma - val] = '\0';
	disk->path = path;
	disk->read_only = comma && !strcmp(comma, ",ro");
	o->vm.nr_disks++;
	return 0;
}

/* CID,PATH */
HANDLER(opt_vsock)
{
	const char *comma = strchr(val, ',');
	char cid[24];
	uint64_t n;

	if (!comma || comma == val || !comma[1] || (size_t)(comma - val) >= sizeof(cid))
		return img_fail(err, EINVAL, "--%s: '%s' is not CID,PATH", d->name, val);
	memcpy(cid, val, (size_t)(comma - val));
	cid[comma - val] = '\0';
	if (parse_u64(d, cid, &n, err) || n < 3 || n > UINT32_MAX - 1)
		return img_fail(err, EINVAL, "--%s: CID '%s' must be from 3 to 4294967294 (0-2 "
				"are reserved)", d->name, cid);
	o->vm.vsock_cid = (uint32_t)n;
	return set_string(o, d, comma + 1, &o->vm.vsock_uds, err);
}

/* switch:PATH or tap:NAME */
HANDLER(opt_net)
{
	if (!strncmp(val, "switch:", 7) && val[7]) {
		o->vm.net_tap = NULL;
		return set_string(o, d, val + 7, &o->vm.net_switch, err);
	}
	if (!strncmp(val, "tap:", 4) && val[4]) {
		o->vm.net_switch = NULL;
		return set_string(o, d, val + 4, &o->vm.net_tap, err);
	}
	return img_fail(err, EINVAL, "--%s: '%s' is not switch:PATH or tap:NAME", d->name, val);
}

HANDLER(opt_config)
{
	return avf_vmm_load_config(o, val, err);
}

static const struct opt_def opts[] = {
	{ "backend", false, opt_backend, "NAME", "sim (default) or kvm" },
	{ "mem", false, opt_mem, "SIZE", "guest RAM: MiB, or with a K/M/G suffix (default 64)" },
	{ "cpus", false, opt_cpus, "N", "vCPUs, 1..64 (default 1)" },
	{ "protected", true, opt_protected, NULL, "a protected VM: memory donated to it, "
	  "pvmfw first" },
	{ "pvmfw", false, opt_pvmfw, "FILE", "firmware the hyp loads into protected VMs "
	  "(default: none, the payload is entered directly)" },
	{ "kind", false, opt_kind, "KIND", "IMAGE is auto (default), elf, image (arm64 Linux) "
	  "or raw" },
	{ "load-addr", false, opt_load_addr, "ADDR", "load IMAGE as raw bytes at ADDR (a guest "
	  "address in RAM) and enter it there" },
	{ "initrd", false, opt_initrd, "FILE", "initial ramdisk (/chosen/linux,initrd-*)" },
	{ "append", false, opt_append, "TEXT", "kernel command line (/chosen/bootargs)" },
	{ "console", false, opt_console, "FILE", "where the UART and virtio console write "
	  "('-': stdout, the default)" },
	{ "disk", false, opt_disk, "PATH[,ro]", "a virtio-blk disk on a raw image (up to 4)" },
	{ "vsock", false, opt_vsock, "CID,PATH", "virtio-vsock with guest CID, bridged to "
	  "Unix sockets at PATH" },
	{ "net", false, opt_net, "switch:PATH|tap:NAME", "virtio-net on a user-space switch or "
	  "a TAP device" },
	{ "pcap", false, opt_pcap, "FILE", "capture the network device's frames" },
	{ "rng", true, opt_rng, NULL, "virtio-rng fed by the machine's entropy" },
	{ "name", false, opt_name, "NAME", "the VM's name: in logs, in `ps`, in /avf/vm-name" },
	{ "instance-id", false, opt_instance_id, "N", "instance id for /avf/instance-id" },
	{ "debug", true, opt_debug, NULL, "set /avf/debug for the guest" },
	{ "config", false, opt_config, "FILE", "read `key = value` lines (keys are these "
	  "option names, plus `kernel`)" },
	{ "seed", false, opt_seed, "N", "seed of the deterministic backend (default 0)" },
	{ "max-insns", false, opt_max_insns, "N", "stop with status 124 after N guest "
	  "instructions (sim only)" },
	{ "stats", true, opt_stats, NULL, "print timing and memory statistics on stderr" },
	{ "check-spec", true, opt_check_spec, NULL, "check every hyp call against its "
	  "executable specification (sim only)" },
	{ "kernel", false, opt_kernel, "FILE", "IMAGE, as an option (config files)" },
};

#define NR_OPTS (sizeof(opts) / sizeof(opts[0]))

static const struct opt_def *find_opt(const char *name)
{
	for (unsigned i = 0; i < NR_OPTS; i++)
		if (!strcmp(opts[i].name, name))
			return &opts[i];
	return NULL;
}

void avf_vmm_usage(FILE *f)
{
	fputs("usage: avf-vmm run [options] IMAGE\n"
	      "       avf-vmm --help\n"
	      "\n"
	      "Run one VM (a crosvm-like VMM over the project's hyp and HAL). IMAGE is an\n"
	      "AArch64 ELF, an arm64 Linux Image or raw bytes; it starts with x0 = its DT.\n"
	      "The exit status tells how the VM ended: 0 shutdown, 32 reboot, 33 crash,\n"
	      "124 instruction limit, 128+N killed by signal N, 1 VMM error, 2 bad usage.\n"
	      "\noptions:\n", f);
	for (unsigned i = 0; i < NR_OPTS; i++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", opts[i].name, opts[i].arg ? " " : "",
			 opts[i].arg ? opts[i].arg : "");
		fprintf(f, "  %-24s %s\n", left, opts[i].help);
	}
	fputs("  -h, --help               this text\n"
	      "\nNumbers are decimal or 0x hexadecimal. See docs/VMM.md.\n"
	      "Environment: AVF_FAULTS=SPEC injects faults (lib/fault/fault.h; docs/VMM.md,\n"
	      "\"Injected faults\"); an injected VMM crash is abort().\n", f);
}

void avf_vmm_defaults(struct avf_vmm_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->vm.nr_vcpus = 1;
	o->vm.mem_mib = 64;
	o->vm.kind = VMM_IMAGE_AUTO;
}

void avf_vmm_opts_free(struct avf_vmm_opts *o)
{
	for (unsigned i = 0; i < o->nr_owned; i++)
		free(o->owned[i]);
	o->nr_owned = 0;
}

/* ---- config files ---- */

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* One `key = value` line (comments and blank lines already skipped). */
static int config_line(struct avf_vmm_opts *o, char *line, struct img_error *err)
{
	char *eq = strchr(line, '='), *key, *val;
	const struct opt_def *d;

	if (!eq)
		return img_fail(err, EINVAL, "expected `key = value`, got '%s'", line);
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	if (!strcmp(key, "image"))
		key = (char *)"kernel";
	d = find_opt(key);
	if (!d)
		return img_fail(err, EINVAL, "unknown key '%s' (keys are the long option "
				"names)", key);
	return d->apply(o, d, val, err);
}

int avf_vmm_load_config(struct avf_vmm_opts *o, const char *path, struct img_error *err)
{
	struct img_error e = { "" };
	char line[4096];
	unsigned lineno = 0;
	int ret = 0;
	FILE *f;

	if (o->config_depth == MAX_CONFIG_DEPTH)
		return img_fail(err, ELOOP, "--config %s: config files nest deeper than %u",
				path, MAX_CONFIG_DEPTH);
	f = fopen(path, "r");
	if (!f)
		return img_fail(err, errno, "--config %s: %s", path, strerror(errno));
	o->config_depth++;
	while (!ret && fgets(line, sizeof(line), f)) {
		char *l;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			ret = img_fail(&e, EINVAL, "line longer than %zu bytes", sizeof(line) - 2);
			break;
		}
		l = trim(line);
		if (*l && *l != '#')
			ret = config_line(o, l, &e);
	}
	if (!ret && ferror(f))
		ret = img_fail(&e, EIO, "read error");
	fclose(f);
	o->config_depth--;
	/* Nested files name themselves; keep the innermost location. */
	if (ret && !strncmp(e.msg, "--config ", 9))
		return img_fail(err, -ret, "%s", e.msg);
	return ret ? img_fail(err, -ret, "--config %s:%u: %s", path, lineno, e.msg) : 0;
}

/* ---- the command line ---- */

static int bad_option(int c, char *argv[], struct img_error *err)
{
	const char *text = argv[optind - 1];

	if (optopt >= 0x100 && optopt < 0x100 + (int)NR_OPTS)
		return img_fail(err, EINVAL, c == ':' ? "option '--%s' needs a value"
						      : "option '--%s' takes no value",
				opts[optopt - 0x100].name);
	if (c == ':')
		return img_fail(err, EINVAL, "option '%s' needs a value", text);
	if (optopt)
		return img_fail(err, EINVAL, "unknown option '-%c'", optopt);
	return img_fail(err, EINVAL, "unknown option '%s'", text);
}

/* getopt_long's table from ours: val is the index + 0x100; -h is help. */
static void long_options(struct option *lo)
{
	for (unsigned i = 0; i < NR_OPTS; i++)
		lo[i] = (struct option){ opts[i].name, opts[i].flag ? no_argument
								    : required_argument,
					 NULL, (int)(0x100 + i) };
	lo[NR_OPTS] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[NR_OPTS + 1] = (struct option){ NULL, 0, NULL, 0 };
}

static int parse_run(int argc, char *argv[], struct avf_vmm_opts *o, struct img_error *err)
{
	struct option lo[NR_OPTS + 2];
	int c, ret;

	long_options(lo);
	optind = 0;	/* GNU: full reinitialisation (tests parse several times) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		const struct opt_def *d;

		if (c == 'h')
			return AVF_VMM_HELP;
		if (c < 0x100 || c >= 0x100 + (int)NR_OPTS)
			return bad_option(c, argv, err);
		d = &opts[c - 0x100];
		ret = d->apply(o, d, d->flag ? "true" : optarg, err);
		if (ret)
			return ret;
	}
	if (optind < argc) {
		ret = set_string(o, find_opt("kernel"), argv[optind], &o->vm.kernel, err);
		if (ret)
			return ret;
		optind++;
	}
	if (optind < argc)
		return img_fail(err, EINVAL, "unexpected argument '%s' after IMAGE",
				argv[optind]);
	if (!o->vm.kernel)
		return img_fail(err, EINVAL, "missing IMAGE (usage: avf-vmm run [options] "
				"IMAGE)");
	return 0;
}

int avf_vmm_parse(int argc, char *argv[], struct avf_vmm_opts *o, struct img_error *err)
{
	if (argc < 2)
		return img_fail(err, EINVAL, "no command given (expected 'run')");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return AVF_VMM_HELP;
	if (strcmp(argv[1], "run"))
		return img_fail(err, EINVAL, "unknown command '%s' (expected 'run')", argv[1]);
	return parse_run(argc - 1, argv + 1, o, err);
}
