// SPDX-License-Identifier: Apache-2.0
/*
 * avf: the command-line tool of the service, modelled on AVF's `vm` tool
 * (docs/SERVICE.md, "CLI"). Every subcommand talks to avfd through libavf; `sign`,
 * `sim` and `scenario` hand over to avf-sign, avf-sim and avf-scenario, found next to
 * this program.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stack/tools/avf/cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: avf [--socket PATH] [--json] COMMAND [ARGS...]\n"
		"commands:\n"
		"  run PAYLOAD       run a VM, stream its console, exit as it ended\n"
		"                    (starts a private avfd if none serves the socket)\n"
		"  start PAYLOAD     start a detached VM and print its id\n"
		"  stop ID|NAME      stop a VM and wait until it is dead\n"
		"  destroy ID|NAME   stop a VM and make the service forget it\n"
		"  list              every VM: state, CID, memory, backend, uptime\n"
		"  info ID|NAME      one VM\n"
		"  console ID|NAME   its console output (--follow)\n"
		"  log ID|NAME       its VMM's log (--follow)\n"
		"  connect ID PORT   stdin/stdout to a guest vsock port\n"
		"  sign ARGS...      avf-sign ARGS (signed payloads)\n"
		"  sim ARGS...       avf-sim ARGS (the QEMU-virt-like board)\n"
		"  scenario ARGS...  avf-scenario ARGS (run/check/list scenario files)\n"
		"`avf COMMAND --help` describes each. The default socket is\n"
		"$XDG_RUNTIME_DIR/avf/avfd.sock, else /tmp/avf-UID/avfd.sock.\n");
}

static void find_prog_dir(char *out, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", out, len - 1);
	char *slash;

	if (n <= 0) {
		snprintf(out, len, ".");
		return;
	}
	out[n] = 0;
	slash = strrchr(out, '/');
	if (slash)
		*slash = 0;
}

static int hand_off(const struct avf_cli *cli, const char *prog, char **argv)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", cli->prog_dir, prog);
	argv[0] = path;
	execv(path, argv);
	cli_err("cannot run %s: %s", path, strerror(errno));
	return AVF_EXIT_ERROR;
}

int main(int argc, char **argv)
{
	static char prog_dir[PATH_MAX];
	struct avf_cli cli = { .prog_dir = prog_dir };
	int i = 1;
	const char *cmd;

	find_prog_dir(prog_dir, sizeof(prog_dir));
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--json")) {
			cli.json = true;
		} else if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
			cli.socket = argv[++i];
		} else {
			cli_err("%s: %s", argv[i], !strcmp(argv[i], "--socket") ?
				"needs a value" : "unknown option");
			fprintf(stderr, "Try 'avf --help'.\n");
			return AVF_EXIT_USAGE;
		}
	}
	if (i == argc) {
		usage(stderr);
		return AVF_EXIT_USAGE;
	}
	cmd = argv[i];
	argc -= i;
	argv += i;
	if (!strcmp(cmd, "run") || !strcmp(cmd, "start"))
		return cmd_run(&cli, argc, argv, !strcmp(cmd, "start"));
	if (!strcmp(cmd, "stop") || !strcmp(cmd, "destroy"))
		return cmd_stop(&cli, argc, argv, !strcmp(cmd, "destroy"));
	if (!strcmp(cmd, "list"))
		return cmd_list(&cli, argc, argv);
	if (!strcmp(cmd, "info"))
		return cmd_info(&cli, argc, argv);
	if (!strcmp(cmd, "console") || !strcmp(cmd, "log"))
		return cmd_console(&cli, argc, argv, !strcmp(cmd, "log"));
	if (!strcmp(cmd, "connect"))
		return cmd_connect(&cli, argc, argv);
	if (!strcmp(cmd, "sign"))
		return hand_off(&cli, "avf-sign", argv);
	if (!strcmp(cmd, "sim"))
		return hand_off(&cli, "avf-sim", argv);
	if (!strcmp(cmd, "scenario"))	/* docs/SCENARIOS.md */
		return hand_off(&cli, "avf-scenario", argv);
	cli_err("unknown command '%s'", cmd);
	fprintf(stderr, "Try 'avf --help'.\n");
	return AVF_EXIT_USAGE;
}
