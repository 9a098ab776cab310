// SPDX-License-Identifier: Apache-2.0
/*
 * linux-io-check, host side: prepares what the Linux guest checks against, runs the VMM
 * command, serves the guest while it runs and checks the disk after it ended.
 *
 *   linux-io-check host --dir DIR [--do LIST] [--disk-mib N] [--timeout S]
 *                       [--net-switch PATH] -- COMMAND...
 *
 * In DIR (made if missing) it creates, before COMMAND starts (COMMAND names them itself):
 *   disk.img      LIO_DISK_HALF bytes of the host's pattern, then zeros (--disk-mib, at
 *                 least 4); after the VM ended the second half must hold the guest's
 *   vsock_5000    Unix listener: the guest's connection to CID 2 port 5000 (avf-vmm
 *                 --vsock CID,DIR/vsock connects it here, docs/VIRTIO.md)
 *   vsock_5001    Unix listener for the vsock benchmark (bench-vsock)
 *   net           Unix datagram socket, one frame per datagram: the peer of avf-vmm
 *                 --net switch:DIR/net, or of QEMU's -netdev dgram with this remote path;
 *                 with --net-switch PATH, none: the host answers frames as a port of the
 *                 switch at PATH (avf-netswitch), which the VMM joins too
 * and, once the guest's outbound vsock exchange is done, connects to DIR/vsock with
 * "CONNECT 6000" to reach the guest's listener.
 *
 * COMMAND's output (the guest console) passes through; the host's own lines are
 * "lio-host: PASS|FAIL NAME: detail", "lio-host: RESULT pass=N fail=M" and the
 * benchmark's "lio-bench: ..." lines. Exit status: 0 when every host check passed and
 * COMMAND exited 0; 1 otherwise; 2 for bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stack/tools/linux-io-check/lio.h"
#include "stack/tools/linux-io-check/lio_internal.h"

struct host {
	char dir[200];
	char net_switch[200]; /* attach to this switch as a port instead of being DIR/net */
	unsigned items;
	unsigned disk_mib;
	unsigned timeout;
	int vsock_listener, bench_listener, net_fd;
	pthread_mutex_t lock;
	/* Results the serving threads leave for the final report (under lock). */
	char vsock_out[160], vsock_in[160]; /* "" while not done; "ok ..." when passed */
	uint32_t net_seen;                  /* bit per request sequence number answered */
	unsigned net_bad, net_other;
};

static unsigned host_passed, host_failed;

static void host_report(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void host_report(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;
	printf("lio-host: %s %s: ", ok ? "PASS" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		host_passed++;
	else
		host_failed++;
}

static void set_result(struct host *h, char *slot, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set_result(struct host *h, char *slot, size_t cap, const char *fmt, ...)
{
	va_list ap;
	pthread_mutex_lock(&h->lock);
	va_start(ap, fmt);
	vsnprintf(slot, cap, fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&h->lock);
}

static int unix_socket_at(const char *path, int type, struct sockaddr_un *addr)
{
	*addr = (struct sockaddr_un){ .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr->sun_path))
		return -ENAMETOOLONG;
	strcpy(addr->sun_path, path);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

static int listen_at(const char *dir, const char *name, int type)
{
	char path[256];
	struct sockaddr_un addr;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	int fd = unix_socket_at(path, type, &addr);
	if (fd < 0)
		return fd;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    (type == SOCK_STREAM && listen(fd, 4) != 0)) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/*
 * A port of an L2 switch (avf-netswitch): an autobound abstract address connected to the
 * switch, registered by an empty datagram (docs/VIRTIO.md, "The user-space L2 switch").
 */
static int switch_port(const char *path)
{
	struct sockaddr_un addr;
	int fd = unix_socket_at(path, SOCK_DGRAM, &addr);
	if (fd < 0)
		return fd;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(sa_family_t)) != 0 ||
	    connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || send(fd, "", 0, 0) != 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int make_disk(const struct host *h)
{
	char path[256];
	static uint8_t half[LIO_DISK_HALF];
	snprintf(path, sizeof(path), "%s/disk.img", h->dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	lio_pattern_fill(half, sizeof(half), LIO_STREAM_DISK_HOST, 0);
	int err = lio_write_all(fd, half, sizeof(half));
	if (!err && ftruncate(fd, (off_t)h->disk_mib << 20) != 0)
		err = -errno;
	close(fd);
	return err;
}

static void check_disk_after(const struct host *h)
{
	char path[256];
	static uint8_t half[LIO_DISK_HALF];
	snprintf(path, sizeof(path), "%s/disk.img", h->dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : pread(fd, half, sizeof(half), LIO_DISK_HALF);
	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof(half)) {
		host_report(false, "disk", "%s: cannot read the guest's half", path);
		return;
	}
	size_t bad = lio_pattern_check(half, sizeof(half), LIO_STREAM_DISK_GUEST, LIO_DISK_HALF);
	if (bad == sizeof(half))
		host_report(true, "disk", "the guest's %u bytes are on the disk", LIO_DISK_HALF);
	else
		host_report(false, "disk", "first difference at byte %zu of the guest's half "
			    "(%#x + %zu)", bad, LIO_DISK_HALF, bad);
}

/* The guest's connection to port 5000: receive its pattern, send ours, close. */
static void serve_vsock_out(struct host *h)
{
	static uint8_t buf[LIO_VSOCK_BYTES];
	int fd = accept4(h->vsock_listener, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		set_result(h, h->vsock_out, sizeof(h->vsock_out), "accept: %s", strerror(errno));
		return;
	}
	ssize_t got = lio_read_to_eof(fd, buf, sizeof(buf));
	size_t bad = got < 0 ? 0 : lio_pattern_check(buf, (size_t)got, LIO_STREAM_VSOCK_UP, 0);
	lio_pattern_fill(buf, sizeof(buf), LIO_STREAM_VSOCK_DOWN, 0);
	int err = lio_write_all(fd, buf, sizeof(buf));
	close(fd);
	if (got == LIO_VSOCK_BYTES && bad == (size_t)got && err == 0)
		set_result(h, h->vsock_out, sizeof(h->vsock_out), "ok %zd bytes from the guest "
			   "match, %u sent back", got, LIO_VSOCK_BYTES);
	else
		set_result(h, h->vsock_out, sizeof(h->vsock_out), "bad: %zd bytes from the guest "
			   "(want %u), first difference at %zu, reply: %s", got, LIO_VSOCK_BYTES,
			   bad, err ? strerror(-err) : "sent");
}

/* Connects to the guest's listener through the VMM's hybrid vsock socket. */
static int connect_guest_port(const struct host *h, unsigned port)
{
	char path[256], line[64];
	struct sockaddr_un addr;
	snprintf(path, sizeof(path), "%s/vsock", h->dir);
	int fd = unix_socket_at(path, SOCK_STREAM, &addr);
	if (fd < 0)
		return fd;
	int len = snprintf(line, sizeof(line), "CONNECT %u\n", port);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    lio_write_all(fd, line, (size_t)len) != 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	/* "OK <hostport>\n", read byte by byte: what follows belongs to the stream. */
	size_t n = 0;
	while (n < sizeof(line) - 1 && read(fd, &line[n], 1) == 1 && line[n] != '\n')
		n++;
	line[n] = '\0';
	if (strncmp(line, "OK ", 3) != 0) {
		close(fd);
		return -ECONNREFUSED;
	}
	return fd;
}

static void serve_vsock_in(struct host *h)
{
	static uint8_t buf[LIO_VSOCK_IN_BYTES], back[LIO_VSOCK_IN_BYTES];
	int fd = connect_guest_port(h, LIO_VSOCK_LISTEN_PORT);
	if (fd < 0) {
		set_result(h, h->vsock_in, sizeof(h->vsock_in), "connect to guest port %u: %s",
			   LIO_VSOCK_LISTEN_PORT, strerror(-fd));
		return;
	}
	lio_pattern_fill(buf, sizeof(buf), LIO_STREAM_VSOCK_IN, 0);
	int err = lio_write_all(fd, buf, sizeof(buf));
	if (!err && shutdown(fd, SHUT_WR) != 0)
		err = -errno;
	ssize_t got = err ? err : lio_read_to_eof(fd, back, sizeof(back));
	close(fd);
	bool ok = got == (ssize_t)sizeof(back) && memcmp(buf, back, sizeof(back)) == 0;
	set_result(h, h->vsock_in, sizeof(h->vsock_in), "%s %zd bytes echoed by the guest "
		   "(want the %u sent)", ok ? "ok" : "bad:", got, LIO_VSOCK_IN_BYTES);
}

static void *vsock_thread(void *arg)
{
	struct host *h = arg;
	serve_vsock_out(h);
	serve_vsock_in(h);
	return NULL;
}

static void *net_thread(void *arg)
{
	struct host *h = arg;
	static uint8_t frame[LIO_FRAME_MAX + 64], reply[LIO_FRAME_MAX];
	for (;;) {
		struct sockaddr_un peer;
		socklen_t plen = sizeof(peer);
		ssize_t n = recvfrom(h->net_fd, frame, sizeof(frame), 0, (struct sockaddr *)&peer,
				     &plen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		if (n == 0)
			continue; /* avf-vmm's port registers with an empty datagram */
		uint32_t seq;
		int r = lio_frame_parse(frame, (size_t)n, LIO_FRAME_REQUEST, &seq);
		pthread_mutex_lock(&h->lock);
		if (r == -EPROTO)
			h->net_other++; /* the guest's own traffic (IPv6 and the like) */
		else if (r != 0 || seq >= LIO_NET_FRAMES)
			h->net_bad++;
		else
			h->net_seen |= 1u << seq;
		pthread_mutex_unlock(&h->lock);
		if (r != 0 || seq >= LIO_NET_FRAMES)
			continue;
		size_t len = lio_frame_build(reply, frame + 6, lio_host_mac, LIO_FRAME_REPLY, seq);
		sendto(h->net_fd, reply, len, 0, (struct sockaddr *)&peer, plen);
	}
}

/* Benchmark peer: "G2H N\n" receive N bytes, "H2G N\n" send N bytes; "done\n" ends. */
static void bench_one(int fd)
{
	static uint8_t buf[64 << 10];
	char line[64], done[5];
	size_t n = 0;
	while (n < sizeof(line) - 1 && read(fd, &line[n], 1) == 1 && line[n] != '\n')
		n++;
	line[n] = '\0';
	uint64_t bytes = strtoull(line + (n > 4 ? 4 : n), NULL, 10);
	bool upload = strncmp(line, "G2H ", 4) == 0;
	if (!upload && strncmp(line, "H2G ", 4) != 0) {
		printf("lio-host: bench: bad request line '%s'\n", line);
		return;
	}
	double t0 = lio_now();
	int err = 0;
	for (uint64_t left = bytes; left && !err;) {
		size_t chunk = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		err = upload ? lio_read_all(fd, buf, chunk) : lio_write_all(fd, buf, chunk);
		left -= chunk;
	}
	if (!err)
		err = upload ? lio_write_all(fd, "done\n", 5) : lio_read_all(fd, done, 5);
	double s = lio_now() - t0;
	if (err)
		printf("lio-host: bench %s: %s\n", line, strerror(-err));
	else
		printf("lio-bench: %s %.1f MiB/s (%" PRIu64 " bytes, %.3f s, host clock)\n",
		       upload ? "vsock-guest-to-host" : "vsock-host-to-guest",
		       (double)bytes / (1 << 20) / s, bytes, s);
	fflush(stdout);
}

static void *bench_thread(void *arg)
{
	struct host *h = arg;
	for (;;) {
		int fd = accept4(h->bench_listener, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			return NULL;
		bench_one(fd);
		close(fd);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: linux-io-check host --dir DIR [--do LIST] [--disk-mib N] "
		"[--timeout S] [--net-switch PATH] -- COMMAND [ARG]...\n"
		"  LIST: blk,vsock,net,bench-blk,bench-vsock (default blk,vsock,net)\n");
}

/* A whole decimal number from 1 to max, or 0 for anything else. */
static unsigned parse_count(const char *s, unsigned max)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	return (errno || end == s || *end || *s == '-' || v > max) ? 0 : (unsigned)v;
}

/* Options into h; the index of COMMAND in argv, or -1 after a message. */
static int parse_options(struct host *h, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "do", required_argument, NULL, 'o' },
		{ "disk-mib", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "net-switch", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			snprintf(h->dir, sizeof(h->dir), "%s", optarg);
			break;
		case 'o':
			if (lio_parse_items(optarg, &h->items) != 0) {
				fprintf(stderr, "linux-io-check: --do: bad list '%s'\n", optarg);
				return -1;
			}
			break;
		case 'm':
			h->disk_mib = parse_count(optarg, 4096);
			break;
		case 's':
			snprintf(h->net_switch, sizeof(h->net_switch), "%s", optarg);
			break;
		case 't':
			h->timeout = parse_count(optarg, 86400);
			break;
		default:
			return -1;
		}
	}
	if (!h->dir[0] || optind >= argc || h->disk_mib < LIO_DISK_BYTES >> 20 ||
	    h->timeout == 0) {
		fprintf(stderr, "linux-io-check: needs --dir, a COMMAND, --disk-mib from %u to "
			"4096 and --timeout from 1 to 86400\n", LIO_DISK_BYTES >> 20);
		return -1;
	}
	return optind;
}

/* Runs COMMAND to its end or the timeout; returns its wait status. */
static int run_command(const struct host *h, char **cmd)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "linux-io-check: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	double deadline = lio_now() + h->timeout;
	int status;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (lio_now() > deadline) {
			printf("lio-host: timeout: %s still running after %u s, killed\n", cmd[0],
			       h->timeout);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		usleep(20000);
	}
	return status;
}

static bool start_thread(void *(*fn)(void *), struct host *h)
{
	pthread_t t;
	if (pthread_create(&t, NULL, fn, h) != 0)
		return false;
	/* Threads still blocked when the VM ended die with the process. */
	pthread_detach(t);
	return true;
}

static int setup(struct host *h)
{
	/* The rig's /tmp starts empty: the directory may have to be made. */
	if (mkdir(h->dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "linux-io-check: %s: %s\n", h->dir, strerror(errno));
		return -1;
	}
	int err = make_disk(h);
	if (err) {
		fprintf(stderr, "linux-io-check: %s/disk.img: %s\n", h->dir, strerror(-err));
		return -1;
	}
	h->vsock_listener = listen_at(h->dir, "vsock_5000", SOCK_STREAM);
	h->bench_listener = listen_at(h->dir, "vsock_5001", SOCK_STREAM);
	h->net_fd = h->net_switch[0] ? switch_port(h->net_switch) :
				       listen_at(h->dir, "net", SOCK_DGRAM);
	if (h->vsock_listener < 0 || h->bench_listener < 0 || h->net_fd < 0) {
		fprintf(stderr, "linux-io-check: sockets in %s: %s\n", h->dir,
			strerror(-(h->vsock_listener < 0 ? h->vsock_listener :
				   h->bench_listener < 0 ? h->bench_listener : h->net_fd)));
		return -1;
	}
	if (((h->items & LIO_DO_VSOCK) && !start_thread(vsock_thread, h)) ||
	    ((h->items & LIO_DO_NET) && !start_thread(net_thread, h)) ||
	    ((h->items & LIO_DO_BENCH_VSOCK) && !start_thread(bench_thread, h))) {
		fprintf(stderr, "linux-io-check: cannot start a thread\n");
		return -1;
	}
	return 0;
}

static void report_results(struct host *h)
{
	if (h->items & LIO_DO_BLK)
		check_disk_after(h);
	pthread_mutex_lock(&h->lock);
	if (h->items & LIO_DO_VSOCK) {
		host_report(strncmp(h->vsock_out, "ok ", 3) == 0, "vsock-out", "%s",
			    h->vsock_out[0] ? h->vsock_out : "the guest never connected");
		host_report(strncmp(h->vsock_in, "ok ", 3) == 0, "vsock-in", "%s",
			    h->vsock_in[0] ? h->vsock_in : "never got to connect to the guest");
	}
	if (h->items & LIO_DO_NET) {
		unsigned seen = (unsigned)__builtin_popcount(h->net_seen);
		host_report(seen == LIO_NET_FRAMES && h->net_bad == 0, "net", "%u of %u request "
			    "frames answered, %u malformed, %u other frames", seen, LIO_NET_FRAMES,
			    h->net_bad, h->net_other);
	}
	pthread_mutex_unlock(&h->lock);
}

int lio_host_main(int argc, char **argv)
{
	static struct host h = {
		.items = LIO_DO_BLK | LIO_DO_VSOCK | LIO_DO_NET,
		.disk_mib = LIO_DISK_BYTES >> 20,
		.timeout = 600,
		.lock = PTHREAD_MUTEX_INITIALIZER,
	};
	int first = parse_options(&h, argc, argv);
	if (first < 0) {
		usage();
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* A guest that goes away mid-transfer must not kill the host side with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (setup(&h) != 0)
		return 1;
	int status = run_command(&h, argv + first);
	bool vmm_ok = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (status >= 0 && WIFSIGNALED(status))
		host_report(false, "vmm", "killed by signal %d", WTERMSIG(status));
	else
		host_report(vmm_ok, "vmm", "exit status %d", status < 0 ? -1 : WEXITSTATUS(status));
	report_results(&h);
	printf("lio-host: RESULT pass=%u fail=%u\n", host_passed, host_failed);
	return host_failed ? 1 : 0;
}
