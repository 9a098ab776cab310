// SPDX-License-Identifier: Apache-2.0
/*
 * avfd's event loop: one poll() over the listening socket, a signalfd (SIGCHLD for VMM
 * exits, SIGTERM/SIGINT to shut down), the clients and each VM's payload-service
 * sockets; deadlines (ready timeout, stop grace) become the poll timeout.
 *
 * A client's request is read whole once its socket is readable; a client that stalls
 * in the middle of a frame is cut off by SO_RCVTIMEO instead of holding the loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stack/service/internal.h"

#define MAX_POLL (2 + SVC_MAX_CLIENTS + 2 * SVC_MAX_VMS)

static int mkdir_p(const char *path)
{
	char buf[512];

	if ((size_t)snprintf(buf, sizeof(buf), "%s", path) >= sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Another daemon answering on the socket is an error; a stale socket file is removed. */
static int open_listen_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, probe;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0 && !connect(probe, (struct sockaddr *)&sa, sizeof(sa))) {
		close(probe);
		return -EADDRINUSE;
	}
	if (probe >= 0)
		close(probe);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 64)) {
		int err = -errno;

		close(fd);
		return err;
	}
	chmod(path, 0666);	/* the policy, not the file mode, decides who may do what */
	return fd;
}

static int setup_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int svc_daemon_init(struct svc_daemon *d, const struct svc_daemon_config *cfg)
{
	char vms[512], err[SVC_MSG_MAX] = "";
	int ret;

	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	d->next_id = 1;
	d->listen_fd = d->signal_fd = -1;
	for (int c = 0; c < SVC_MAX_CLIENTS; c++)
		d->clients[c].fd = -1;
	for (int i = 0; i < SVC_MAX_VMS; i++)
		d->vms[i].owner = d->vms[i].service_listen = d->vms[i].service_conn = -1;
	snprintf(vms, sizeof(vms), "%s/vms", cfg->run_dir);
	ret = mkdir_p(vms);
	if (ret) {
		fprintf(stderr, "avfd: run directory %s: %s\n", vms, strerror(-ret));
		return ret;
	}
	svc_policy_default(&d->policy, getuid(), cfg->group);
	if (cfg->policy_path &&
	    (ret = svc_policy_load(&d->policy, cfg->policy_path, err, sizeof(err)))) {
		fprintf(stderr, "avfd: policy %s: %s\n", cfg->policy_path, err);
		return ret;
	}
	ret = svc_keys_load(&d->keys, cfg->key_dir, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "avfd: keys: %s\n", err);
		return ret;
	}
	if (!d->keys.nr)
		fprintf(stderr, "avfd: warning: no *.pub key in %s: no payload will run\n",
			cfg->key_dir);
	d->signal_fd = setup_signals();
	if (d->signal_fd < 0)
		return d->signal_fd;
	d->listen_fd = open_listen_socket(cfg->socket_path);
	if (d->listen_fd < 0) {
		fprintf(stderr, "avfd: socket %s: %s\n", cfg->socket_path,
			d->listen_fd == -EADDRINUSE ? "another avfd is serving it" :
			strerror(-d->listen_fd));
		return d->listen_fd;
	}
	return 0;
}

static void client_groups(struct svc_client *cl)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	int n = SVC_MAX_GROUPS;

	cl->nr_groups = 0;
	if (getpwuid_r(cl->uid, &pw, buf, sizeof(buf), &res) || !res)
		return;
	if (getgrouplist(res->pw_name, cl->gid, cl->groups, &n) >= 0)
		cl->nr_groups = (unsigned)n;
}

static void accept_client(struct svc_daemon *d)
{
	struct timeval tv = { .tv_sec = 2 };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC), c;

	if (fd < 0)
		return;
	for (c = 0; c < SVC_MAX_CLIENTS && d->clients[c].fd >= 0; c++)
		;
	if (c == SVC_MAX_CLIENTS || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
		close(fd);	/* full: the client sees EOF at once */
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	d->clients[c] = (struct svc_client){ .fd = fd, .uid = cred.uid, .gid = cred.gid,
					     .pid = cred.pid };
	client_groups(&d->clients[c]);
}

void svc_client_drop(struct svc_daemon *d, int c)
{
	close(d->clients[c].fd);
	d->clients[c].fd = -1;
	for (unsigned i = 0; i < SVC_MAX_VMS; i++) {
		struct svc_vm *vm = &d->vms[i];

		if (!vm->used)
			continue;
		vm->watchers &= ~(1ull << c);
		if (vm->owner != c)
			continue;
		/* A client's attached VMs end with it (AVF: the VM dies with its binder). */
		vm->owner = -1;
		if (vm->pid) {
			vm->stop_requested = true;
			svc_vmm_signal(vm, SIGKILL);
		} else {
			svc_vm_free(d, vm);
		}
	}
}

static void serve_client(struct svc_daemon *d, int c)
{
	static uint8_t buf[SVC_MAX_FRAME];
	static struct svc_request q;
	static struct svc_response r;
	int len, fd_in = -1, fd_out = -1, ret;

	len = svc_recv_frame(d->clients[c].fd, buf, sizeof(buf), &fd_in);
	if (len <= 0) {
		if (fd_in >= 0)
			close(fd_in);
		svc_client_drop(d, c);
		return;
	}
	ret = svc_decode_request(buf, (size_t)len, &q);
	if (ret) {
		memset(&r, 0, offsetof(struct svc_response, infos));
		r.seq = len >= 8 ? (uint32_t)(buf[4] | buf[5] << 8 | buf[6] << 16 |
					      (uint32_t)buf[7] << 24) : 0;
		r.status = ret;
		snprintf(r.message, sizeof(r.message), ret == -EPROTONOSUPPORT ?
			 "protocol version %u is not %u" : "malformed request",
			 len >= 2 ? buf[0] | buf[1] << 8 : 0, SVC_VERSION);
		q.kind = 0;
	} else {
		svc_handle_request(d, c, &q, fd_in, &r, &fd_out);
	}
	if (fd_in >= 0)
		close(fd_in);
	len = svc_encode_response(&r, q.kind, buf, sizeof(buf));
	if (len < 0 || d->clients[c].fd < 0 ||
	    svc_send_frame(d->clients[c].fd, buf, (size_t)len, fd_out))
		if (d->clients[c].fd >= 0)
			svc_client_drop(d, c);
	if (fd_out >= 0)
		close(fd_out);
}

static void handle_signals(struct svc_daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			svc_vmm_reap(d);
		else
			d->stopping = true;
	}
}

/* Deadlines: hangup (not ready in time) and the end of a stop's grace period. */
static int check_deadlines(struct svc_daemon *d)
{
	uint64_t now = svc_now_ns(), next = 0;

	for (unsigned i = 0; i < SVC_MAX_VMS; i++) {
		struct svc_vm *vm = &d->vms[i];

		if (!vm->used || !vm->pid)
			continue;
		if (vm->ready_deadline_ns && vm->state == SVC_STATE_STARTED &&
		    now >= vm->ready_deadline_ns) {
			vm->forced_death = SVC_DEATH_HANGUP;
			vm->ready_deadline_ns = 0;
			svc_vmm_signal(vm, SIGKILL);
		}
		if (vm->kill_deadline_ns && now >= vm->kill_deadline_ns) {
			vm->kill_deadline_ns = 0;
			svc_vmm_signal(vm, SIGKILL);	/* it did not stop in time: a hang */
		}
		if (vm->ready_deadline_ns && (!next || vm->ready_deadline_ns < next))
			next = vm->ready_deadline_ns;
		if (vm->kill_deadline_ns && (!next || vm->kill_deadline_ns < next))
			next = vm->kill_deadline_ns;
	}
	if (!next)
		return -1;
	return next <= now ? 0 : (int)((next - now) / 1000000ull) + 1;
}

enum slot_kind { SLOT_LISTEN, SLOT_SIGNAL, SLOT_CLIENT, SLOT_SVC_LISTEN, SLOT_SVC_CONN };

static void dispatch(struct svc_daemon *d, enum slot_kind kind, int index)
{
	switch (kind) {
	case SLOT_LISTEN:
		accept_client(d);
		break;
	case SLOT_SIGNAL:
		handle_signals(d);
		break;
	case SLOT_CLIENT:
		if (d->clients[index].fd >= 0)
			serve_client(d, index);
		break;
	case SLOT_SVC_LISTEN:
		if (d->vms[index].used && d->vms[index].service_listen >= 0)
			svc_vmm_service_accept(d, &d->vms[index]);
		break;
	case SLOT_SVC_CONN:
		if (d->vms[index].used && d->vms[index].service_conn >= 0)
			svc_vmm_service_read(d, &d->vms[index]);
		break;
	}
}

static void kill_all(struct svc_daemon *d)
{
	for (unsigned i = 0; i < SVC_MAX_VMS; i++) {
		struct svc_vm *vm = &d->vms[i];

		if (!vm->used)
			continue;
		if (vm->pid) {
			kill(vm->pid, SIGKILL);
			waitpid(vm->pid, NULL, 0);
			vm->pid = 0;
		}
		svc_vm_free(d, vm);
	}
}

int svc_daemon_run(struct svc_daemon *d)
{
	static struct pollfd pfd[MAX_POLL];
	static struct { enum slot_kind kind; int index; } slot[MAX_POLL];
	int n;

	while (!d->stopping) {
		n = 0;
		pfd[n] = (struct pollfd){ d->listen_fd, POLLIN, 0 };
		slot[n++].kind = SLOT_LISTEN;
		pfd[n] = (struct pollfd){ d->signal_fd, POLLIN, 0 };
		slot[n++].kind = SLOT_SIGNAL;
		for (int c = 0; c < SVC_MAX_CLIENTS; c++) {
			if (d->clients[c].fd < 0)
				continue;
			pfd[n] = (struct pollfd){ d->clients[c].fd, POLLIN, 0 };
			slot[n].kind = SLOT_CLIENT;
			slot[n++].index = c;
		}
		for (int i = 0; i < SVC_MAX_VMS; i++) {
			if (!d->vms[i].used)
				continue;
			if (d->vms[i].service_listen >= 0) {
				pfd[n] = (struct pollfd){ d->vms[i].service_listen, POLLIN, 0 };
				slot[n].kind = SLOT_SVC_LISTEN;
				slot[n++].index = i;
			}
			if (d->vms[i].service_conn >= 0) {
				pfd[n] = (struct pollfd){ d->vms[i].service_conn, POLLIN, 0 };
				slot[n].kind = SLOT_SVC_CONN;
				slot[n++].index = i;
			}
		}
		if (poll(pfd, (nfds_t)n, check_deadlines(d)) < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n; i++)
			if (pfd[i].revents)
				dispatch(d, slot[i].kind, slot[i].index);
	}
	return 0;
}

void svc_daemon_fini(struct svc_daemon *d)
{
	kill_all(d);
	for (int c = 0; c < SVC_MAX_CLIENTS; c++)
		if (d->clients[c].fd >= 0)
			close(d->clients[c].fd);
	if (d->listen_fd >= 0) {
		close(d->listen_fd);
		unlink(d->cfg.socket_path);
	}
	if (d->signal_fd >= 0)
		close(d->signal_fd);
}
