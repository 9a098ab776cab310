// SPDX-License-Identifier: Apache-2.0
/*
 * avf run / avf start: build a config from the command line, create and start the VM.
 * `run` streams the console until the VM is dead and exits as it did; `start` leaves a
 * detached VM behind and prints its id. Without a daemon on the default socket, `run`
 * starts a private avfd in a temporary directory and stops it at the end.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stack/tools/avf/cli.h"

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	interrupted = sig;
}

struct run_opts {
	const char *keys, *vmm, *backend, *pvmfw;
	bool events;		/* --events: print every callback on stderr */
	bool finished;
	int exit_code;
};

static void usage(FILE *f, bool detach)
{
	fprintf(f,
		"usage: avf %s [options] PAYLOAD\n"
		"%s"
		"  --mem MIB            guest memory (default 64)\n"
		"  --cpus N             vCPUs (default 1)\n"
		"  --protected          a protected VM\n"
		"  --debug              debug level full\n"
		"  --disk PATH[,ro]     a raw disk image (up to 4)\n"
		"  --net SWITCH         virtio-net on a user-space switch socket\n"
		"  --name NAME          the VM's name (ps shows \"avf-vmm: NAME\")\n"
		"  --instance-id N      instance id (a payload change for it is refused)\n"
		"  --ready-timeout MS   HANGUP if the payload is not ready in time\n"
		"  --socket PATH        avfd's socket (default: see avf --help)\n"
		"  --events             print each callback (started, ready, ...) on stderr\n"
		"%s"
		"  --json               machine-readable output\n"
		"  --help               this text\n",
		detach ? "start" : "run",
		detach ? "Create and start a detached VM; print its id.\n" :
		"Run PAYLOAD and stream its console until the VM ends; exit as it did.\n",
		detach ? "" :
		"  --keys DIR           trusted keys of a private avfd (used when no avfd\n"
		"                       serves the socket)\n"
		"  --vmm PATH           avf-vmm for a private avfd\n"
		"  --pvmfw PATH         firmware a private avfd gives protected VMs\n"
		"  --backend NAME       backend for a private avfd (sim, kvm)\n");
}

static int parse_u64(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *end || errno || *s == '-' || v > max) {
		cli_err("%s %s: not a number in 0..%" PRIu64, opt, s, max);
		return AVF_EXIT_USAGE;
	}
	*out = v;
	return 0;
}

static int apply_disk(struct avf_vm_config *cfg, const char *arg)
{
	char path[SVC_PATH_MAX];
	size_t n = strlen(arg);
	bool ro = n > 3 && !strcmp(arg + n - 3, ",ro");

	if (n >= sizeof(path)) {
		cli_err("--disk: path too long");
		return AVF_EXIT_USAGE;
	}
	strcpy(path, arg);
	if (ro)
		path[n - 3] = 0;
	if (avf_config_add_disk(cfg, path, ro)) {
		cli_err("--disk: %s", avf_last_error());
		return AVF_EXIT_USAGE;
	}
	return 0;
}

static const struct option run_options[] = {
	{ "mem", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "protected", no_argument, NULL, 'p' },
	{ "debug", no_argument, NULL, 'd' },
	{ "disk", required_argument, NULL, 'D' },
	{ "net", required_argument, NULL, 'n' },
	{ "name", required_argument, NULL, 'N' },
	{ "instance-id", required_argument, NULL, 'i' },
	{ "ready-timeout", required_argument, NULL, 't' },
	{ "socket", required_argument, NULL, 's' },
	{ "keys", required_argument, NULL, 'k' },
	{ "vmm", required_argument, NULL, 'v' },
	{ "backend", required_argument, NULL, 'b' },
	{ "pvmfw", required_argument, NULL, 'F' },
	{ "json", no_argument, NULL, 'j' },
	{ "events", no_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* One option into @cfg/@o. 0, -1 for --help, or an exit status. */
static int apply_option(struct avf_cli *cli, struct run_opts *o, struct avf_vm_config *cfg,
			int opt, const char *arg, bool detach)
{
	uint64_t v;
	int ret = 0;

	switch (opt) {
	case 'm':
		ret = parse_u64("--mem", arg, 16384, &v);
		if (!ret && avf_config_set_memory_mib(cfg, v))
			ret = AVF_EXIT_USAGE;
		break;
	case 'c':
		ret = parse_u64("--cpus", arg, 64, &v);
		if (!ret && avf_config_set_cpus(cfg, (unsigned)v))
			ret = AVF_EXIT_USAGE;
		break;
	case 'p': avf_config_set_protected(cfg, true); break;
	case 'd': avf_config_set_debug_level(cfg, AVF_DEBUG_FULL); break;
	case 'D': return apply_disk(cfg, arg);
	case 'n':
		if (avf_config_set_network(cfg, arg))
			ret = AVF_EXIT_USAGE;
		break;
	case 'N':
		if (avf_config_set_name(cfg, arg))
			ret = AVF_EXIT_USAGE;
		break;
	case 'i':
		ret = parse_u64("--instance-id", arg, UINT64_MAX, &v);
		if (!ret)
			avf_config_set_instance_id(cfg, v);
		break;
	case 't':
		ret = parse_u64("--ready-timeout", arg, UINT32_MAX, &v);
		if (!ret)
			avf_config_set_ready_timeout_ms(cfg, (uint32_t)v);
		break;
	case 's': cli->socket = arg; break;
	case 'j': cli->json = true; break;
	case 'e': o->events = true; break;
	case 'k': case 'v': case 'b': case 'F':
		if (detach) {
			cli_err("--%s is for avf run's private daemon only",
				opt == 'k' ? "keys" : opt == 'v' ? "vmm" :
				opt == 'b' ? "backend" : "pvmfw");
			return AVF_EXIT_USAGE;
		}
		*(opt == 'k' ? &o->keys : opt == 'v' ? &o->vmm :
		  opt == 'b' ? &o->backend : &o->pvmfw) = arg;
		break;
	case 'h':
		return -1;
	default:
		return AVF_EXIT_USAGE;
	}
	if (ret && *avf_last_error())
		cli_err("%s", avf_last_error());
	return ret;
}

/* Start a private avfd serving @sock in @dir. Returns its pid, or -1. */
static pid_t start_private_daemon(const struct avf_cli *cli, const struct run_opts *o,
				  const char *dir, const char *sock)
{
	char avfd[1100];
	pid_t pid;

	snprintf(avfd, sizeof(avfd), "%s/avfd", cli->prog_dir);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		const char *argv[16];
		int n = 0;

		argv[n++] = avfd;
		argv[n++] = "--run-dir";
		argv[n++] = dir;
		argv[n++] = "--socket";
		argv[n++] = sock;
		argv[n++] = "--keys";
		argv[n++] = o->keys ? o->keys : "/etc/avf/keys";
		if (o->vmm) {
			argv[n++] = "--vmm";
			argv[n++] = o->vmm;
		}
		if (o->backend) {
			argv[n++] = "--backend";
			argv[n++] = o->backend;
		}
		if (o->pvmfw) {
			argv[n++] = "--pvmfw";
			argv[n++] = o->pvmfw;
		}
		argv[n] = NULL;
		execv(avfd, (char **)argv);
		fprintf(stderr, "avf: cannot run %s: %s\n", avfd, strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Connect, retrying while the private daemon comes up (it may also die: then fail). */
static int connect_private(pid_t daemon, const char *sock, struct avf_service **svc)
{
	struct timespec ts = { 0, 20 * 1000000 };

	for (int tries = 0; tries < 500; tries++) {
		if (!avf_service_connect(sock, svc))
			return 0;
		if (waitpid(daemon, NULL, WNOHANG) == daemon) {
			cli_err("the private avfd exited (see its messages above)");
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	cli_err("the private avfd did not come up: %s", avf_last_error());
	return -1;
}

static void on_started(struct avf_vm *vm, void *ctx)
{
	if (((struct run_opts *)ctx)->events)
		fprintf(stderr, "avf: VM %u: payload started\n", avf_vm_id(vm));
}

static void on_ready(struct avf_vm *vm, void *ctx)
{
	if (((struct run_opts *)ctx)->events)
		fprintf(stderr, "avf: VM %u: payload ready\n", avf_vm_id(vm));
}

static void on_finished(struct avf_vm *vm, int code, void *ctx)
{
	struct run_opts *o = ctx;

	o->finished = true;
	o->exit_code = code;
	if (o->events)
		fprintf(stderr, "avf: VM %u: payload finished with exit code %d\n",
			avf_vm_id(vm), code);
}

static void on_error(struct avf_vm *vm, int code, const char *msg, void *ctx)
{
	fprintf(stderr, "avf: VM %u: error %d: %s\n", avf_vm_id(vm), code, msg);
}

static void on_died(struct avf_vm *vm, int reason, const char *msg, void *ctx)
{
	if (((struct run_opts *)ctx)->events)
		fprintf(stderr, "avf: VM %u: died: %s: %s\n", avf_vm_id(vm),
			svc_death_name(reason), msg);
}

static int stream_console(struct avf_vm *vm)
{
	static char buf[SVC_CONSOLE_CHUNK];
	uint64_t offset = 0;
	bool eof = false, stop_sent = false;

	while (!eof) {
		int n = avf_vm_console_read(vm, &offset, buf, sizeof(buf), &eof);

		if (n < 0)
			return n;
		if (n > 0 && fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return -EIO;
		fflush(stdout);
		if (interrupted && !stop_sent) {
			avf_vm_stop(vm);
			stop_sent = true;
		}
		if (!n && !eof) {
			n = avf_vm_wait(vm, 50);
			if (n < 0 && n != -ETIMEDOUT)
				return n;
		}
	}
	/* eof comes after the DIED event: this only runs the queued callbacks. */
	avf_vm_wait(vm, 1000);
	return 0;
}

static int report_end(const struct avf_cli *cli, struct avf_vm *vm, struct run_opts *o)
{
	enum svc_death death = avf_vm_death_reason(vm);
	int status = cli_exit_for(death, o->exit_code, o->finished);

	if (cli->json) {
		printf("{\"id\": %u, \"death_reason\": \"%s\", \"finished\": %s, \"exit_code\": %d, "
		       "\"status\": %d}\n", avf_vm_id(vm), svc_death_name(death),
		       o->finished ? "true" : "false", o->exit_code, status);
	} else if (death != SVC_DEATH_SHUTDOWN || !o->finished) {
		if (death != SVC_DEATH_SHUTDOWN)
			fprintf(stderr, "avf: VM %u died: %s\n", avf_vm_id(vm),
				svc_death_name(death));
	}
	return status;
}

static int run_vm(struct avf_cli *cli, struct avf_service *svc, struct avf_vm_config *cfg,
		  struct run_opts *o, bool detach)
{
	struct avf_callbacks cb = { .payload_started = on_started, .payload_ready = on_ready,
				    .payload_finished = on_finished, .error = on_error,
				    .died = on_died };
	struct avf_vm *vm;
	int ret;

	if (avf_vm_create(svc, cfg, &vm)) {
		cli_err("create: %s", avf_last_error());
		return AVF_EXIT_REFUSED;
	}
	avf_vm_set_callbacks(vm, &cb, o);
	ret = avf_vm_start(vm);
	if (ret) {
		cli_err("start: %s", avf_last_error());
		avf_vm_free(vm);
		return AVF_EXIT_REFUSED;
	}
	if (detach) {
		if (cli->json)
			printf("{\"id\": %u}\n", avf_vm_id(vm));
		else
			printf("%u\n", avf_vm_id(vm));
		avf_vm_free(vm);
		return 0;
	}
	ret = stream_console(vm);
	if (ret < 0) {
		cli_err("VM %u: %s", avf_vm_id(vm), avf_last_error());
		avf_vm_free(vm);
		return AVF_EXIT_ERROR;
	}
	ret = report_end(cli, vm, o);
	avf_vm_free(vm);
	return ret;
}

/* A private daemon: connect to it, or report why not. */
static int with_private_daemon(struct avf_cli *cli, struct avf_vm_config *cfg,
			       struct run_opts *o)
{
	char dir[] = "/tmp/avf-run-XXXXXX", sock[64], cmd[128];
	struct avf_service *svc;
	pid_t daemon;
	int ret = AVF_EXIT_ERROR;

	if (!mkdtemp(dir)) {
		cli_err("mkdtemp: %s", strerror(errno));
		return AVF_EXIT_ERROR;
	}
	snprintf(sock, sizeof(sock), "%s/avfd.sock", dir);
	daemon = start_private_daemon(cli, o, dir, sock);
	if (daemon > 0 && !connect_private(daemon, sock, &svc)) {
		ret = run_vm(cli, svc, cfg, o, false);
		avf_service_close(svc);
	}
	if (daemon > 0) {
		kill(daemon, SIGTERM);
		waitpid(daemon, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "%s/vms", dir);
	rmdir(cmd);
	rmdir(dir);
	return ret;
}

int cmd_run(struct avf_cli *cli, int argc, char **argv, bool detach)
{
	struct run_opts o = { 0 };
	struct avf_vm_config *cfg;
	struct avf_service *svc;
	int opt, ret = 0;

	if (avf_config_new(&cfg))
		return AVF_EXIT_ERROR;
	avf_config_set_detached(cfg, detach);	/* `start` leaves the VM behind */
	optind = 1;
	opterr = 0;
	while (!ret && (opt = getopt_long(argc, argv, ":", run_options, NULL)) != -1) {
		if (opt == '?' || opt == ':') {
			cli_err("%s: %s", argv[optind - 1], opt == ':' ? "needs a value" :
				"unknown option");
			ret = AVF_EXIT_USAGE;
		} else {
			ret = apply_option(cli, &o, cfg, opt, optarg, detach);
		}
	}
	if (ret == -1) {
		usage(stdout, detach);
		ret = 0;
	} else if (!ret && optind != argc - 1) {
		cli_err("%s: give exactly one PAYLOAD (try 'avf %s --help')",
			optind >= argc ? "no payload" : "too many arguments",
			detach ? "start" : "run");
		ret = AVF_EXIT_USAGE;
	} else if (!ret && avf_config_set_payload_path(cfg, argv[optind])) {
		cli_err("%s", avf_last_error());
		ret = AVF_EXIT_USAGE;
	} else if (!ret) {
		signal(SIGINT, on_interrupt);
		signal(SIGTERM, on_interrupt);
		if (!avf_service_connect(cli->socket, &svc)) {
			ret = run_vm(cli, svc, cfg, &o, detach);
			avf_service_close(svc);
		} else if (!detach && !cli->socket) {
			ret = with_private_daemon(cli, cfg, &o);
		} else {
			cli_err("%s", avf_last_error());
			ret = AVF_EXIT_ERROR;
		}
	}
	avf_config_free(cfg);
	return ret;
}
