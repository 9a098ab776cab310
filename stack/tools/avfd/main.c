// SPDX-License-Identifier: Apache-2.0
/*
 * avfd: the VirtualizationService-like daemon (docs/SERVICE.md).
 *
 *   avfd [--socket PATH] [--run-dir DIR] [--keys DIR] [--policy FILE] [--group G]
 *        [--vmm PATH] [--backend NAME] [--pvmfw FILE]
 *
 * Serves until SIGTERM or SIGINT, then kills its VMMs and removes its socket.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fault/fault.h"
#include "stack/service/internal.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: avfd [options]\n"
		"  --socket PATH    Unix socket to serve (default RUN_DIR/avfd.sock)\n"
		"  --run-dir DIR    VM directories: console, logs, sockets\n"
		"                   (default $XDG_RUNTIME_DIR/avf, else /tmp/avf-UID)\n"
		"  --keys DIR       trusted keys: every *.pub in DIR (default /etc/avf/keys)\n"
		"  --policy FILE    who may create (protected) VMs (default: root, this user,\n"
		"                   and --group)\n"
		"  --group G        group (name or gid) the default policy admits\n"
		"  --vmm PATH       the avf-vmm program (default: next to avfd)\n"
		"  --backend NAME   avf-vmm backend: sim (default) or kvm\n"
		"  --pvmfw FILE     firmware for protected VMs (avf-vmm --pvmfw)\n"
		"  --help           this text\n");
}

static long parse_group(const char *s)
{
	struct group *g;
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s && !*end && !errno && v >= 0)
		return v;
	g = getgrnam(s);
	return g ? (long)g->gr_gid : -1;
}

/* avf-vmm from the directory avfd runs from. */
static void default_vmm(char *out, size_t len)
{
	char exe[PATH_MAX - 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0) {
		snprintf(out, len, "avf-vmm");
		return;
	}
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	snprintf(out, len, "%s/avf-vmm", exe);
}

static int parse_args(int argc, char **argv, struct svc_daemon_config *c)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "keys", required_argument, NULL, 'k' },
		{ "policy", required_argument, NULL, 'p' },
		{ "group", required_argument, NULL, 'g' },
		{ "vmm", required_argument, NULL, 'v' },
		{ "backend", required_argument, NULL, 'b' },
		{ "pvmfw", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int o;

	opterr = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's': c->socket_path = optarg; break;
		case 'r': c->run_dir = optarg; break;
		case 'k': c->key_dir = optarg; break;
		case 'p': c->policy_path = optarg; break;
		case 'v': c->vmm_path = optarg; break;
		case 'f': c->pvmfw = optarg; break;
		case 'b':
			if (strcmp(optarg, "sim") && strcmp(optarg, "kvm")) {
				fprintf(stderr, "avfd: --backend %s: use sim or kvm\n", optarg);
				return 2;
			}
			c->backend = optarg;
			break;
		case 'g':
			c->group = parse_group(optarg);
			if (c->group < 0) {
				fprintf(stderr, "avfd: --group %s: no such group\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			fprintf(stderr, "avfd: unknown option or missing value: %s\n"
				"Try 'avfd --help'.\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "avfd: unexpected argument: %s\nTry 'avfd --help'.\n",
			argv[optind]);
		return 2;
	}
	return 0;
}

/*
 * Injected faults (lib/fault) from AVF_FAULTS, as the scenario runner sets them: the
 * daemon's own point (service.spawn); the VMMs it starts inherit the variable.
 */
static int configure_faults(void)
{
	char why[200];

	if (!fault_configure_env(why, sizeof(why)))
		return 0;
	fprintf(stderr, "avfd: AVF_FAULTS: %s\n", why);
	return -1;
}

int main(int argc, char **argv)
{
	static struct svc_daemon d;
	struct svc_daemon_config c = { .group = -1, .backend = "sim",
				       .key_dir = "/etc/avf/keys" };
	char run_dir[512], sock[600], vmm[PATH_MAX + 16];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int ret = parse_args(argc, argv, &c);

	if (ret)
		return ret == 1 ? 0 : ret;
	if (!c.run_dir) {
		if (xdg && *xdg)
			snprintf(run_dir, sizeof(run_dir), "%s/avf", xdg);
		else
			snprintf(run_dir, sizeof(run_dir), "/tmp/avf-%u", (unsigned)getuid());
		c.run_dir = run_dir;
	}
	if (!c.socket_path) {
		snprintf(sock, sizeof(sock), "%s/avfd.sock", c.run_dir);
		c.socket_path = sock;
	}
	if (!c.vmm_path) {
		default_vmm(vmm, sizeof(vmm));
		c.vmm_path = vmm;
	}
	if (configure_faults())
		return 1;
	ret = svc_daemon_init(&d, &c);
	if (!ret)
		ret = svc_daemon_run(&d);
	svc_daemon_fini(&d);
	if (ret)
		fprintf(stderr, "avfd: %s\n", strerror(-ret));
	return ret ? 1 : 0;
}
