// SPDX-License-Identifier: Apache-2.0
/*
 * One avf-vmm process per VM, as AVF forks one crosvm per VM.
 *
 * The child asks for SIGKILL when the daemon dies (PR_SET_PDEATHSIG), so a restarted or
 * killed service never leaves a VMM behind. Whether exec worked is learnt through a
 * close-on-exec pipe (what posix_spawn does): EOF means the VMM runs, 4 bytes are the
 * errno of a failed exec, so a missing VMM is START_FAILED at once, never a hang.
 * The VMM's stdout and stderr go to the VM's log; its console to the console file.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fault/fault.h"
#include "stack/service/internal.h"

#define MAX_ARGS 48

struct argv_buf {
	char *argv[MAX_ARGS];
	unsigned argc;
	char strs[MAX_ARGS][SVC_PATH_MAX + 32];
};

static void arg(struct argv_buf *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;

	if (a->argc >= MAX_ARGS - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(a->strs[a->argc], sizeof(a->strs[0]), fmt, ap);
	va_end(ap);
	a->argv[a->argc] = a->strs[a->argc];
	a->argv[++a->argc] = NULL;
}

static void build_argv(const struct svc_daemon *d, const struct svc_vm *vm,
		       struct argv_buf *a)
{
	const struct svc_vm_config *c = &vm->cfg;

	a->argc = 0;
	arg(a, "%s", d->cfg.vmm_path);
	arg(a, "run");
	arg(a, "--name");
	arg(a, "%s", c->name);
	arg(a, "--backend");
	arg(a, "%s", d->cfg.backend);
	arg(a, "--mem");
	arg(a, "%" PRIu64, c->mem_mib);
	arg(a, "--cpus");
	arg(a, "%u", c->cpus);
	arg(a, "--console");
	arg(a, "%s/console.log", vm->dir);
	arg(a, "--vsock");
	arg(a, "%u,%s/vsock", vm->cid, vm->dir);
	arg(a, "--instance-id");
	arg(a, "%" PRIu64, c->instance_id);
	if (c->protected_vm) {
		arg(a, "--protected");
		if (d->cfg.pvmfw) {
			arg(a, "--pvmfw");
			arg(a, "%s", d->cfg.pvmfw);
		}
	}
	if (c->debug_level)
		arg(a, "--debug");
	for (unsigned i = 0; i < c->nr_disks; i++) {
		arg(a, "--disk");
		arg(a, "%s%s", c->disks[i].path, c->disks[i].read_only ? ",ro" : "");
	}
	if (c->network[0]) {
		arg(a, "--net");
		arg(a, "switch:%s", c->network);
	}
	if (c->protected_vm) {
		arg(a, "%s/payload.bin", vm->dir);
		return;
	}
	arg(a, "--kind");
	arg(a, "raw");
	arg(a, "--load-addr");
	arg(a, "0x%" PRIx64, vm->load_addr);
	arg(a, "%s/payload.code", vm->dir);
}

/* In the child: never returns. */
static void exec_child(const struct argv_buf *a, const char *log_path, int status_pipe,
		       pid_t parent)
{
	int fd, err;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)	/* the daemon died before prctl */
		_exit(127);
	setpgid(0, 0);			/* a ^C to the daemon's terminal is not the VM's */
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	for (int i = 3; i < 1024; i++)
		if (i != status_pipe)
			close(i);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	execv(a->argv[0], a->argv);
	err = errno;
	if (write(status_pipe, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(127);
}

/* Listen for the guest's connection to the payload service port. */
static int listen_payload_service(struct svc_vm *vm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/vsock_%u", vm->dir,
			     SVC_PAYLOAD_SERVICE_PORT) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4)) {
		int err = -errno;

		close(fd);
		return err;
	}
	vm->service_listen = fd;
	return 0;
}

int svc_vmm_spawn(struct svc_daemon *d, struct svc_vm *vm, char *err, size_t errlen)
{
	static struct argv_buf a;	/* ~50 KiB: not on the stack */
	char log_path[600];
	int pipefd[2], child_errno = 0, ret;
	pid_t parent = getpid(), pid;
	ssize_t n;

	ret = listen_payload_service(vm);
	if (ret) {
		snprintf(err, errlen, "payload service socket: %s", strerror(-ret));
		return ret;
	}
	build_argv(d, vm, &a);
	snprintf(log_path, sizeof(log_path), "%s/vmm.log", vm->dir);
	if (pipe2(pipefd, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -errno;
	}
	/* Injected (lib/fault "service.spawn"): the same path as a fork that fails. */
	pid = fault_hit_vm("service.spawn", vm->cfg.name) ? (errno = EAGAIN, -1) : fork();
	if (pid < 0) {
		ret = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		snprintf(err, errlen, "fork: %s", strerror(-ret));
		return ret;
	}
	if (!pid)
		exec_child(&a, log_path, pipefd[1], parent);
	close(pipefd[1]);
	do
		n = read(pipefd[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n > 0) {
		waitpid(pid, NULL, 0);
		snprintf(err, errlen, "cannot run the VMM %s: %s", d->cfg.vmm_path,
			 strerror(child_errno));
		return -child_errno;
	}
	vm->pid = pid;
	return 0;
}

void svc_vmm_signal(struct svc_vm *vm, int sig)
{
	if (vm->pid > 0)
		kill(vm->pid, sig);
}

static void describe_end(char *out, size_t len, int status, enum svc_death death)
{
	if (WIFEXITED(status))
		snprintf(out, len, "the VMM exited with status %d (%s)", WEXITSTATUS(status),
			 svc_death_name(death));
	else
		snprintf(out, len, "the VMM was killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
}

void svc_vmm_reap(struct svc_daemon *d)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct svc_vm *vm = svc_vm_find_pid(d, pid);
		enum svc_death death;
		char msg[SVC_MSG_MAX];

		if (!vm)
			continue;
		vm->pid = 0;
		death = svc_death_from_wait(WIFEXITED(status), WIFEXITED(status) ?
					    WEXITSTATUS(status) : WTERMSIG(status),
					    vm->stop_requested);
		if (vm->forced_death)
			death = vm->forced_death;
		describe_end(msg, sizeof(msg), status, death);
		if (vm->forced_death == SVC_DEATH_HANGUP)
			snprintf(msg, sizeof(msg), "the payload was not ready within %u ms",
				 vm->cfg.ready_timeout_ms);
		svc_vm_die(d, vm, death, msg);
		/* A VM nobody owns any more is forgotten once its VMM is gone. */
		if (vm->owner < 0 && !vm->cfg.detached)
			svc_vm_free(d, vm);
	}
}

void svc_vmm_service_accept(struct svc_daemon *d, struct svc_vm *vm)
{
	int fd = accept4(vm->service_listen, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (vm->service_conn >= 0) {	/* one connection per VM, as AVF's */
		close(fd);
		return;
	}
	vm->service_conn = fd;
	vm->service_len = 0;
}

/* One line from the guest: "ready", "finished CODE" or "error CODE MESSAGE". */
static void service_line(struct svc_daemon *d, struct svc_vm *vm, char *line)
{
	int code, pos = 0;

	if (!strcmp(line, "ready")) {
		vm->ready_deadline_ns = 0;
		svc_vm_transition(d, vm, SVC_STATE_READY, SVC_EV_PAYLOAD_READY, 0, "");
	} else if (sscanf(line, "finished %d%n", &code, &pos) == 1 && !line[pos]) {
		vm->exit_code = code;
		vm->ready_deadline_ns = 0;
		svc_vm_transition(d, vm, SVC_STATE_FINISHED, SVC_EV_PAYLOAD_FINISHED, code, "");
	} else if (sscanf(line, "error %d %n", &code, &pos) == 1) {
		svc_vm_transition(d, vm, vm->state, SVC_EV_ERROR, code, line + pos);
	} else {
		fprintf(stderr, "avfd: vm %u: ignoring payload service line '%.64s'\n", vm->id,
			line);
	}
}

void svc_vmm_service_read(struct svc_daemon *d, struct svc_vm *vm)
{
	ssize_t n = read(vm->service_conn, vm->service_buf + vm->service_len,
			 sizeof(vm->service_buf) - 1 - vm->service_len);
	char *nl;

	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		close(vm->service_conn);
		vm->service_conn = -1;
		return;
	}
	vm->service_len += (size_t)n;
	vm->service_buf[vm->service_len] = 0;
	while ((nl = strchr(vm->service_buf, '\n'))) {
		*nl = 0;
		service_line(d, vm, vm->service_buf);
		vm->service_len -= (size_t)(nl + 1 - vm->service_buf);
		memmove(vm->service_buf, nl + 1, vm->service_len + 1);
		if (vm->service_conn < 0)
			return;
	}
	if (vm->service_len == sizeof(vm->service_buf) - 1) {	/* a line too long */
		close(vm->service_conn);
		vm->service_conn = -1;
	}
}
