// SPDX-License-Identifier: MIT
/*
 * Process mode's outside world: the run directory, payloads signed with the development
 * key (avf-sign, next to this program), and the private avfd it starts, restarts and
 * stops (next to this program too). The daemon and the VMMs it forks get the run's fault
 * rules through AVF_FAULTS.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stack/scenario/proc_internal.h"

#define CONNECT_TIMEOUT_MS 10000

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

/* Run @argv, its output into the run's log; 0 if it exited 0. */
static int run_tool(struct proc *p, char *const *argv)
{
	char log[PATH_MAX + 16];
	int status;
	pid_t pid;

	snprintf(log, sizeof(log), "%s/tools.log", p->dir);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

static int sign(struct proc *p, const char *raw, const char *out)
{
	char tool[PATH_MAX + 16], key[PATH_MAX + 32];
	char *argv[] = { tool, "sign", "--key", key, "--version", "1", (char *)raw, (char *)out,
			 NULL };

	snprintf(tool, sizeof(tool), "%s/avf-sign", p->prog_dir);
	snprintf(key, sizeof(key), "%s/stack/guest/keys/dev.key", builtin_repo_dir());
	if (run_tool(p, argv))
		return proc_fail(p, NULL, "signing %s with %s failed (see %s/tools.log)", raw, key,
				 p->dir);
	return 0;
}

static int write_words(const char *path, const uint32_t *w, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write(fd, w, n * 4) == (ssize_t)(n * 4);

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -EIO;
}

static int prepare_payload(struct proc *p, unsigned i)
{
	const struct sc_vm *vm = &p->sc->vms[i];
	struct proc_vm *pv = &p->vms[i];
	char raw[PATH_MAX + 32], err[PATH_MAX + 100];
	const uint32_t *words;
	size_t n;

	snprintf(pv->payload, sizeof(pv->payload), "%s/%s.payload", p->dir, vm->name);
	if ((words = builtin_raw_words(vm->payload, &n))) {
		snprintf(raw, sizeof(raw), "%s/%s.raw", p->dir, vm->name);
		if (write_words(raw, words, n))
			return proc_fail(p, NULL, "cannot write %s", raw);
		return sign(p, raw, pv->payload);
	}
	if (!vm->builtin) {
		snprintf(pv->payload, sizeof(pv->payload), "%s", vm->payload);
		return 0;
	}
	if (!strcmp(vm->payload, "testguest")) {
		/* The service runs signed payloads: the test guest's raw image, signed. */
		snprintf(raw, sizeof(raw), "%s/vmm-testguest.bin", builtin_img_dir());
		if (access(raw, R_OK))
			return proc_fail(p, NULL, "payload testguest: %s: not found (build it: "
					 "make guest)", raw);
		return sign(p, raw, pv->payload);
	}
	if (builtin_image(vm->payload, pv->payload, sizeof(pv->payload), err, sizeof(err)))
		return proc_fail(p, NULL, "vm %s: %s", vm->name, err);
	return 0;
}

int proc_prepare_vm(struct proc *p, unsigned i)
{
	const struct sc_vm *vm = &p->sc->vms[i];

	if (prepare_payload(p, i))
		return -EINVAL;
	for (unsigned k = 0; k < vm->nr_disks; k++) {
		char *path = p->vms[i].disks[k];
		int fd;

		snprintf(path, PATH_MAX, "%s/%s.disk%u", p->dir, vm->name, k);
		if (vm->disks[k].image) {
			char *argv[] = { "/bin/cp", (char *)vm->disks[k].image, path, NULL };

			if (run_tool(p, argv))
				return proc_fail(p, NULL, "vm %s: cannot copy %s", vm->name,
						 vm->disks[k].image);
			continue;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || ftruncate(fd, (off_t)vm->disks[k].size)) {
			if (fd >= 0)
				close(fd);
			return proc_fail(p, NULL, "vm %s: cannot create %s", vm->name, path);
		}
		close(fd);
	}
	return 0;
}

static pid_t spawn_daemon(struct proc *p)
{
	char avfd[PATH_MAX + 16], run[PATH_MAX + 16], keys[PATH_MAX + 32], pvmfw[PATH_MAX + 32];
	char log[PATH_MAX + 16];
	const char *backend = p->o->backend == SC_BACKEND_KVM ? "kvm" : "sim";
	pid_t parent = getpid(), pid;

	snprintf(avfd, sizeof(avfd), "%s/avfd", p->prog_dir);
	snprintf(run, sizeof(run), "%s/run", p->dir);
	snprintf(keys, sizeof(keys), "%s/stack/guest/keys", builtin_repo_dir());
	snprintf(pvmfw, sizeof(pvmfw), "%s/pvmfw-dev.bin", builtin_img_dir());
	snprintf(log, sizeof(log), "%s/avfd.log", p->dir);
	pid = fork();
	if (pid)
		return pid;
	{
		char *argv[] = { avfd, "--run-dir", run, "--socket", p->sock, "--keys", keys,
				 "--backend", (char *)backend, "--pvmfw", pvmfw, NULL };
		int fd;

		/* The private daemon dies with the runner, however the runner ends (a
		 * SIGTERM or SIGKILL included); its VMMs die with it in turn. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
			_exit(127);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (p->res->faults[0])
			setenv("AVF_FAULTS", p->res->faults, 1);
		else
			unsetenv("AVF_FAULTS");
		execv(avfd, argv);
		_exit(127);
	}
}

static int start_daemon(struct proc *p)
{
	int64_t deadline = proc_ms() + CONNECT_TIMEOUT_MS;
	int status;

	p->daemon = spawn_daemon(p);
	if (p->daemon < 0)
		return proc_fail(p, NULL, "cannot fork avfd: %s", strerror(errno));
	while (avf_service_connect(p->sock, &p->svc)) {
		if (waitpid(p->daemon, &status, WNOHANG) == p->daemon) {
			p->daemon = -1;
			return proc_fail(p, NULL, "the private avfd exited at once (see %s/avfd.log)",
					 p->dir);
		}
		if (proc_ms() > deadline)
			return proc_fail(p, NULL, "the private avfd did not answer within %d ms",
					 CONNECT_TIMEOUT_MS);
		usleep(20000);
	}
	return 0;
}

static void stop_daemon(struct proc *p)
{
	if (p->svc) {
		avf_service_close(p->svc);
		p->svc = NULL;
	}
	if (p->daemon > 0) {
		kill(p->daemon, SIGTERM);
		waitpid(p->daemon, NULL, 0);
		p->daemon = -1;
	}
}

int proc_setup(struct proc *p)
{
	const char *tmp = getenv("TMPDIR");

	for (unsigned i = 0; i < SC_MAX_VMS; i++)
		for (unsigned k = 0; k < PROC_MAX_PORTS; k++)
			p->vms[i].fds[k] = -1;
	find_prog_dir(p->prog_dir, sizeof(p->prog_dir));
	snprintf(p->dir, sizeof(p->dir), "%s/avf-scenario-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(p->dir))
		return proc_fail(p, NULL, "cannot create a run directory: %s", strerror(errno));
	snprintf(p->sock, sizeof(p->sock), "%s/avfd.sock", p->dir);
	return start_daemon(p);
}

/* Every VM handle is freed before the connection closes (libavf's rule). */
static void free_vms(struct proc *p)
{
	for (unsigned i = 0; i < p->sc->nr_vms; i++) {
		struct proc_vm *pv = &p->vms[i];

		for (unsigned k = 0; k < pv->nr_ports; k++) {
			if (pv->rpcs[k])
				avf_rpc_close(pv->rpcs[k]);
			else if (pv->fds[k] >= 0)
				close(pv->fds[k]);
			pv->rpcs[k] = NULL;
			pv->fds[k] = -1;
		}
		pv->nr_ports = 0;
		if (pv->vm)
			avf_vm_free(pv->vm);
		pv->vm = NULL;
	}
}

int proc_restart_service(struct proc *p)
{
	for (unsigned i = 0; i < p->sc->nr_vms; i++) {
		proc_sync_console(p, i);
		if (p->vms[i].vm && p->recs[i].state != SC_STATE_DEAD) {
			/* The daemon kills its VMMs when it stops: what the client sees. */
			p->recs[i].death = SVC_DEATH_KILLED;
			snprintf(p->recs[i].message, sizeof(p->recs[i].message),
				 "the service restarted");
			sc_rec_event(&p->recs[i], SC_EV_DIED);
		}
	}
	free_vms(p);
	stop_daemon(p);
	return start_daemon(p);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

/* A failure quotes the end of each VMM's own log (its stderr, kept by the service). */
static void log_tails(struct proc *p)
{
	size_t used = strlen(p->res->detail);

	for (unsigned i = 0; i < p->sc->nr_vms && p->res->kind == SC_FAIL; i++) {
		static char log[65536];
		uint64_t off = 0;
		size_t len = 0;
		bool eof = false;
		int n;

		if (!p->vms[i].vm)
			continue;
		while (len < sizeof(log) - 1 &&
		       (n = avf_vm_log_read(p->vms[i].vm, &off, log + len, sizeof(log) - 1 - len,
					    &eof)) > 0)
			len += (size_t)n;
		log[len] = 0;
		if (len && used < sizeof(p->res->detail))
			used += (size_t)snprintf(p->res->detail + used, sizeof(p->res->detail) - used,
						 "%svm %s's VMM said:\n%s", used ? "\n" : "",
						 p->sc->vms[i].name, len > 400 ? log + len - 400 : log);
	}
}

void proc_teardown(struct proc *p)
{
	log_tails(p);
	free_vms(p);
	stop_daemon(p);
	if (!p->dir[0])
		return;
	if (p->o->verbose && p->res->kind == SC_FAIL)
		fprintf(stderr, "  run directory kept: %s\n", p->dir);
	else
		nftw(p->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
