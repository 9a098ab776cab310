// SPDX-License-Identifier: Apache-2.0
/*
 * avf's other subcommands: list, info, stop, destroy, console, connect; and what they
 * share (connecting, naming a VM by id or name, printing infos as text or JSON).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stack/tools/avf/cli.h"

void cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("avf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_connect(const struct avf_cli *cli, struct avf_service **svc)
{
	if (!avf_service_connect(cli->socket, svc))
		return 0;
	cli_err("%s", avf_last_error());
	return AVF_EXIT_ERROR;
}

int cli_resolve(struct avf_service *svc, const char *what, uint32_t *id)
{
	static avf_vm_info_t infos[SVC_LIST_MAX];
	char *end;
	unsigned long v;
	int n;

	errno = 0;
	v = strtoul(what, &end, 10);
	if (*what >= '0' && *what <= '9' && !*end && !errno && v <= UINT32_MAX) {
		*id = (uint32_t)v;
		return 0;
	}
	n = avf_service_list(svc, infos, SVC_LIST_MAX);
	if (n < 0) {
		cli_err("list: %s", avf_last_error());
		return AVF_EXIT_ERROR;
	}
	for (int i = 0; i < n; i++)
		if (!strcmp(infos[i].name, what)) {
			*id = infos[i].id;
			return 0;
		}
	cli_err("no VM with id or name '%s'", what);
	return AVF_EXIT_REFUSED;
}

void cli_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void cli_print_info(const struct avf_cli *cli, const avf_vm_info_t *i, bool header)
{
	char mem[24];

	if (cli->json) {
		printf("{\"id\": %u, \"name\": ", i->id);
		cli_json_string(stdout, i->name);
		printf(", \"state\": \"%s\", \"death_reason\": \"%s\", \"exit_code\": %d, "
		       "\"cid\": %u, \"memory_mib\": %" PRIu64 ", \"cpus\": %u, \"protected\": %s, "
		       "\"detached\": %s, \"backend\": ", svc_state_name(i->state),
		       svc_death_name(i->death), i->exit_code, i->cid, i->mem_mib, i->cpus,
		       i->protected_vm ? "true" : "false", i->detached ? "true" : "false");
		cli_json_string(stdout, i->backend);
		printf(", \"uptime_ms\": %" PRIu64 ", \"pid\": %d, \"owner_uid\": %u}",
		       i->uptime_ms, i->pid, i->owner_uid);
		return;
	}
	if (header)
		printf("%-4s %-20s %-12s %-6s %-8s %-4s %-9s %-7s %s\n", "ID", "NAME", "STATE",
		       "CID", "MEM", "CPUS", "PROTECTED", "BACKEND", "UPTIME");
	snprintf(mem, sizeof(mem), "%" PRIu64 "M", i->mem_mib);
	printf("%-4u %-20s %-12s %-6u %-8s %-4u %-9s %-7s %" PRIu64 ".%03" PRIu64 "s",
	       i->id, i->name, svc_state_name(i->state), i->cid, mem, i->cpus,
	       i->protected_vm ? "yes" : "no", i->backend, i->uptime_ms / 1000,
	       i->uptime_ms % 1000);
	if (i->state == SVC_STATE_DEAD)
		printf("  (%s)", svc_death_name(i->death));
	printf("\n");
}

/* Exit status of `avf run` (docs/SERVICE.md, "avf run's exit status"). */
int cli_exit_for(enum svc_death death, int exit_code, bool finished)
{
	static const struct { enum svc_death d; int status; } map[] = {
		{ SVC_DEATH_SHUTDOWN, 0 }, { SVC_DEATH_REBOOT, 32 }, { SVC_DEATH_CRASH, 33 },
		{ SVC_DEATH_HANGUP, 124 }, { SVC_DEATH_KILLED, 137 },
		{ SVC_DEATH_START_FAILED, 4 }, { SVC_DEATH_PAYLOAD_VERIFICATION_FAILED, 5 },
		{ SVC_DEATH_PAYLOAD_CHANGED, 6 }, { SVC_DEATH_INVALID_CONFIG, 7 },
		{ SVC_DEATH_INFRASTRUCTURE_ERROR, 8 },
	};

	if (finished && death == SVC_DEATH_SHUTDOWN)
		return exit_code & 0xff;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].d == death)
			return map[i].status;
	return AVF_EXIT_ERROR;
}

/* Parse "[--json] [--socket PATH] [--help] ARGS..." common to the small commands.
 * Returns the number of positional arguments left in @pos, -1 for --help, or -2. */
static int small_args(struct avf_cli *cli, int argc, char **argv, char **pos, int max)
{
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			cli->json = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			return -1;
		} else if (!strcmp(argv[i], "--socket")) {
			if (++i == argc) {
				cli_err("--socket needs a value");
				return -2;
			}
			cli->socket = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cli_err("%s: unknown option", argv[i]);
			return -2;
		} else if (n == max) {
			cli_err("%s: unexpected argument", argv[i]);
			return -2;
		} else {
			pos[n++] = argv[i];
		}
	}
	return n;
}

static int small_usage(const char *cmd, const char *args, const char *what)
{
	printf("usage: avf %s [--socket PATH] [--json] %s\n%s\n", cmd, args, what);
	return 0;
}

int cmd_list(struct avf_cli *cli, int argc, char **argv)
{
	static avf_vm_info_t infos[SVC_LIST_MAX];
	struct avf_service *svc;
	char *pos[1];
	int n = small_args(cli, argc, argv, pos, 0), ret;

	if (n == -1)
		return small_usage("list", "", "Every VM of the service: id, name, state, CID, "
				   "memory, backend, uptime.");
	if (n < 0)
		return AVF_EXIT_USAGE;
	ret = cli_connect(cli, &svc);
	if (ret)
		return ret;
	n = avf_service_list(svc, infos, SVC_LIST_MAX);
	avf_service_close(svc);
	if (n < 0) {
		cli_err("list: %s", avf_last_error());
		return AVF_EXIT_ERROR;
	}
	if (cli->json)
		printf("[");
	for (int i = 0; i < n; i++) {
		if (cli->json && i)
			printf(", ");
		cli_print_info(cli, &infos[i], i == 0);
	}
	if (cli->json)
		printf("]\n");
	else if (!n)
		printf("no VMs\n");
	return 0;
}

/* Connect and open the VM named by @what. 0 or an exit status. */
static int open_vm(struct avf_cli *cli, const char *what, struct avf_service **svc,
		   struct avf_vm **vm)
{
	uint32_t id;
	int ret = cli_connect(cli, svc);

	if (ret)
		return ret;
	ret = cli_resolve(*svc, what, &id);
	if (!ret && avf_vm_open(*svc, id, vm)) {
		cli_err("VM %s: %s", what, avf_last_error());
		ret = AVF_EXIT_REFUSED;
	}
	if (ret)
		avf_service_close(*svc);
	return ret;
}

int cmd_info(struct avf_cli *cli, int argc, char **argv)
{
	struct avf_service *svc;
	struct avf_vm *vm;
	avf_vm_info_t info;
	char *pos[1];
	int n = small_args(cli, argc, argv, pos, 1), ret;

	if (n == -1)
		return small_usage("info", "ID|NAME", "One VM's state, CID, memory, backend, "
				   "uptime, death reason.");
	if (n != 1) {
		if (!n)
			cli_err("info: which VM? (an id or a name)");
		return AVF_EXIT_USAGE;
	}
	ret = open_vm(cli, pos[0], &svc, &vm);
	if (ret)
		return ret;
	ret = avf_vm_info(vm, &info);
	if (ret) {
		cli_err("info: %s", avf_last_error());
		ret = AVF_EXIT_REFUSED;
	} else {
		cli_print_info(cli, &info, true);
		if (cli->json)
			printf("\n");
	}
	avf_vm_free(vm);
	avf_service_close(svc);
	return ret;
}

int cmd_stop(struct avf_cli *cli, int argc, char **argv, bool destroy)
{
	struct avf_service *svc;
	struct avf_vm *vm;
	char *pos[1];
	int n = small_args(cli, argc, argv, pos, 1), ret;

	if (n == -1)
		return small_usage(destroy ? "destroy" : "stop", "ID|NAME", destroy ?
				   "Stop a VM if it runs and make the service forget it." :
				   "Stop a VM (SIGTERM to its VMM, SIGKILL after 3 s) and wait "
				   "until it is dead.");
	if (n != 1) {
		if (!n)
			cli_err("%s: which VM? (an id or a name)", destroy ? "destroy" : "stop");
		return AVF_EXIT_USAGE;
	}
	ret = open_vm(cli, pos[0], &svc, &vm);
	if (ret)
		return ret;
	if (destroy ? avf_vm_destroy(vm) : avf_vm_stop(vm)) {
		cli_err("%s: %s", destroy ? "destroy" : "stop", avf_last_error());
		ret = AVF_EXIT_REFUSED;
	} else if (!destroy && avf_vm_wait(vm, 10000)) {
		cli_err("stop: %s", avf_last_error());
		ret = AVF_EXIT_ERROR;
	} else if (!destroy) {
		if (cli->json)
			printf("{\"id\": %u, \"death_reason\": \"%s\"}\n", avf_vm_id(vm),
			       svc_death_name(avf_vm_death_reason(vm)));
		else
			printf("VM %u: %s\n", avf_vm_id(vm),
			       svc_death_name(avf_vm_death_reason(vm)));
	}
	avf_vm_free(vm);
	avf_service_close(svc);
	return ret;
}

int cmd_console(struct avf_cli *cli, int argc, char **argv, bool log)
{
	static char buf[SVC_CONSOLE_CHUNK];
	struct avf_service *svc;
	struct avf_vm *vm;
	uint64_t offset = 0;
	bool follow = false, eof = false;
	char *pos[2];
	int n, ret;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--follow") || !strcmp(argv[i], "-f")) {
			follow = true;
			memmove(&argv[i], &argv[i + 1], sizeof(*argv) * (size_t)(argc - i));
			argc--;
			i--;
		}
	n = small_args(cli, argc, argv, pos, 1);
	if (n == -1)
		return small_usage(log ? "log" : "console", "[--follow] ID|NAME", log ?
				   "Print the log of a VM's VMM (its stdout and stderr); "
				   "--follow: until the VM is dead." : "Print a VM's console "
				   "output; --follow: until the VM is dead.");
	if (n != 1) {
		if (!n)
			cli_err("%s: which VM? (an id or a name)", log ? "log" : "console");
		return AVF_EXIT_USAGE;
	}
	ret = open_vm(cli, pos[0], &svc, &vm);
	if (ret)
		return ret;
	for (;;) {
		n = (log ? avf_vm_log_read : avf_vm_console_read)(vm, &offset, buf, sizeof(buf),
								   &eof);
		if (n < 0) {
			cli_err("%s: %s", log ? "log" : "console", avf_last_error());
			ret = AVF_EXIT_ERROR;
			break;
		}
		fwrite(buf, 1, (size_t)n, stdout);
		fflush(stdout);
		if (eof || (!n && !follow))
			break;
		if (!n)
			avf_vm_wait(vm, 100);
	}
	avf_vm_free(vm);
	avf_service_close(svc);
	return ret;
}

/* Copy stdin to the connection and the connection to stdout until both ends close. */
static int relay(int conn)
{
	struct pollfd p[2] = { { 0, POLLIN, 0 }, { conn, POLLIN, 0 } };
	char buf[4096];

	while (p[1].fd >= 0) {
		if (poll(p, 2, -1) < 0)
			return -errno;
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n <= 0) {
				if (i == 0)
					shutdown(conn, SHUT_WR);
				p[i].fd = -1;
				continue;
			}
			if (write(i == 0 ? conn : 1, buf, (size_t)n) != n)
				return -EIO;
		}
	}
	return 0;
}

int cmd_connect(struct avf_cli *cli, int argc, char **argv)
{
	struct avf_service *svc;
	struct avf_vm *vm;
	char *pos[2], *end;
	unsigned long port;
	int n = small_args(cli, argc, argv, pos, 2), ret, fd;

	if (n == -1)
		return small_usage("connect", "ID|NAME PORT", "Connect stdin and stdout to a "
				   "guest vsock port.");
	if (n != 2) {
		cli_err("connect: give a VM (id or name) and a port");
		return AVF_EXIT_USAGE;
	}
	errno = 0;
	port = strtoul(pos[1], &end, 10);
	if (!*pos[1] || *end || errno || port > UINT32_MAX) {
		cli_err("connect: port %s: not a number in 0..4294967295", pos[1]);
		return AVF_EXIT_USAGE;
	}
	ret = open_vm(cli, pos[0], &svc, &vm);
	if (ret)
		return ret;
	fd = avf_vm_connect_vsock(vm, (uint32_t)port);
	if (fd < 0) {
		cli_err("connect: %s", avf_last_error());
		ret = AVF_EXIT_REFUSED;
	} else {
		ret = relay(fd) ? AVF_EXIT_ERROR : 0;
		close(fd);
	}
	avf_vm_free(vm);
	avf_service_close(svc);
	return ret;
}
