// SPDX-License-Identifier: Apache-2.0
/*
 * linux-io-check, guest side: the /init (PID 1) of a small initramfs booted on a stock
 * arm64 Linux kernel. It loads the virtio modules the initramfs carries, runs the checks
 * /proc/cmdline asks for (lio.do=blk,vsock,net,...), prints one line per check and a
 * result line, and powers the machine off. Protocol and patterns: lio.h.
 *
 * Command line (read from /proc/cmdline; dotted names never reach init's argv/env):
 *   lio.do=LIST          blk,vsock,net (default), bench-blk, bench-vsock
 *   lio.bench_skip=N     bench-blk starts at byte N of the disk (default: after the check's)
 *   lio.rand_ops=N       random 4K reads and writes of bench-blk (default 2000)
 *   lio.vsock_bytes=N    bytes each way of bench-vsock (default 32 MiB)
 *
 * Console lines (what the harness reads):
 *   lio: PASS NAME: detail        lio: FAIL NAME: detail
 *   lio: RESULT pass=N fail=M
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/module.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
/* After sys/socket.h: the UAPI header uses struct sockaddr. */
#include <linux/vm_sockets.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stack/tools/linux-io-check/lio.h"
#include "stack/tools/linux-io-check/lio_internal.h"

#define MODULE_DIR "/lib/modules"
#define DISK_DEV "/dev/vda"
/* How long a device may take to appear after its module loaded (probing is async). */
#define DEVICE_WAIT_SECONDS 20

static unsigned passed, failed;

static void report(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void report(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;
	printf("lio: %s %s: ", ok ? "PASS" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

static __attribute__((noreturn)) void power_off(void)
{
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	/* PID 1 must not exit (the kernel would panic): wait for the power to go. */
	for (;;)
		pause();
}

static void setup_console(void)
{
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, NULL);
	mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC, NULL);
	mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NOEXEC, NULL);
	/* The kernel opens /dev/console for PID 1 only if the archive has it: make sure. */
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* The value of lio.KEY= on the kernel command line, copied into out; false if absent. */
static bool cmdline_value(const char *key, char *out, size_t cap)
{
	char line[4096], want[64];
	int fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n <= 0)
		return false;
	line[n] = '\0';
	snprintf(want, sizeof(want), "lio.%s=", key);
	for (char *tok = strtok(line, " \n"); tok; tok = strtok(NULL, " \n")) {
		if (strncmp(tok, want, strlen(want)) == 0) {
			snprintf(out, cap, "%s", tok + strlen(want));
			return true;
		}
	}
	return false;
}

static uint64_t cmdline_number(const char *key, uint64_t dflt)
{
	char v[64];
	return cmdline_value(key, v, sizeof(v)) ? strtoull(v, NULL, 0) : dflt;
}

/* Loads every module listed in /lib/modules/order, in order (dependencies first). */
static void load_modules(void)
{
	char names[1024], path[256];
	int fd = open(MODULE_DIR "/order", O_RDONLY);
	if (fd < 0) {
		report(false, "modules", "%s/order: %s", MODULE_DIR, strerror(errno));
		return;
	}
	ssize_t n = read(fd, names, sizeof(names) - 1);
	close(fd);
	names[n > 0 ? n : 0] = '\0';
	unsigned count = 0;
	for (char *m = strtok(names, "\n"); m; m = strtok(NULL, "\n")) {
		snprintf(path, sizeof(path), "%s/%s.ko.xz", MODULE_DIR, m);
		int mfd = open(path, O_RDONLY | O_CLOEXEC);
		/* The kernel decompresses (CONFIG_MODULE_DECOMPRESS); no xz in the initramfs. */
		if (mfd < 0 || syscall(SYS_finit_module, mfd, "", MODULE_INIT_COMPRESSED_FILE) != 0) {
			if (errno != EEXIST) {
				report(false, "modules", "%s: %s", path, strerror(errno));
				if (mfd >= 0)
					close(mfd);
				return;
			}
		}
		close(mfd);
		count++;
	}
	report(true, "modules", "%u loaded", count);
}

static bool wait_for_path(const char *path)
{
	for (int i = 0; i < DEVICE_WAIT_SECONDS * 20; i++) {
		if (access(path, F_OK) == 0)
			return true;
		usleep(50000);
	}
	return false;
}

static void check_blk(void)
{
	if (!wait_for_path(DISK_DEV)) {
		report(false, "blk", "%s never appeared", DISK_DEV);
		return;
	}
	static uint8_t buf[LIO_DISK_HALF];
	int fd = open(DISK_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0 || pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf)) {
		report(false, "blk-read", "%s: %s", DISK_DEV, strerror(errno));
		goto out;
	}
	size_t bad = lio_pattern_check(buf, sizeof(buf), LIO_STREAM_DISK_HOST, 0);
	if (bad == sizeof(buf))
		report(true, "blk-read", "%zu bytes match", bad);
	else
		report(false, "blk-read", "first difference at byte %zu", bad);
	lio_pattern_fill(buf, sizeof(buf), LIO_STREAM_DISK_GUEST, LIO_DISK_HALF);
	if (pwrite(fd, buf, sizeof(buf), LIO_DISK_HALF) != (ssize_t)sizeof(buf))
		report(false, "blk-write", "%s", strerror(errno));
	else if (fsync(fd) != 0)
		report(false, "blk-write", "fsync: %s", strerror(errno));
	else
		report(true, "blk-write", "%u bytes written and flushed", LIO_DISK_HALF);
out:
	if (fd >= 0)
		close(fd);
}

static int vsock_connect(unsigned port)
{
	struct sockaddr_vm addr = {
		.svm_family = AF_VSOCK, .svm_cid = LIO_VSOCK_HOST_CID, .svm_port = port,
	};
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Guest -> host connection: send a pattern, half-close, read the host's until EOF. */
static void check_vsock_out(void)
{
	static uint8_t buf[LIO_VSOCK_BYTES];
	int fd = vsock_connect(LIO_VSOCK_PORT);
	if (fd < 0) {
		report(false, "vsock-connect", "CID 2 port %u: %s", LIO_VSOCK_PORT, strerror(-fd));
		return;
	}
	report(true, "vsock-connect", "CID 2 port %u", LIO_VSOCK_PORT);
	lio_pattern_fill(buf, sizeof(buf), LIO_STREAM_VSOCK_UP, 0);
	int err = lio_write_all(fd, buf, sizeof(buf));
	if (err == 0 && shutdown(fd, SHUT_WR) != 0)
		err = -errno;
	if (err)
		report(false, "vsock-send", "%s", strerror(-err));
	else
		report(true, "vsock-send", "%u bytes", LIO_VSOCK_BYTES);
	ssize_t got = lio_read_to_eof(fd, buf, sizeof(buf));
	close(fd);
	if (got < 0) {
		report(false, "vsock-receive", "%s", strerror((int)-got));
		return;
	}
	size_t bad = lio_pattern_check(buf, (size_t)got, LIO_STREAM_VSOCK_DOWN, 0);
	if (got == LIO_VSOCK_BYTES && bad == (size_t)got)
		report(true, "vsock-receive", "%zd bytes match", got);
	else
		report(false, "vsock-receive", "%zd bytes (want %u), first difference at %zu",
		       got, LIO_VSOCK_BYTES, bad);
}

/* Host -> guest connection on a socket listening since before the outbound check. */
static void check_vsock_in(int listener)
{
	static uint8_t buf[LIO_VSOCK_IN_BYTES];
	struct pollfd p = { .fd = listener, .events = POLLIN };
	if (poll(&p, 1, DEVICE_WAIT_SECONDS * 1000) != 1) {
		report(false, "vsock-accept", "no connection from the host to port %u",
		       LIO_VSOCK_LISTEN_PORT);
		return;
	}
	int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		report(false, "vsock-accept", "%s", strerror(errno));
		return;
	}
	ssize_t got = lio_read_to_eof(fd, buf, sizeof(buf));
	size_t bad = got < 0 ? 0 : lio_pattern_check(buf, (size_t)got, LIO_STREAM_VSOCK_IN, 0);
	bool ok = got == LIO_VSOCK_IN_BYTES && bad == (size_t)got;
	/* Echo what came, so that the host checks the way back on this connection too. */
	int err = got > 0 ? lio_write_all(fd, buf, (size_t)got) : 0;
	close(fd);
	if (ok && err == 0)
		report(true, "vsock-accept", "port %u: %zd bytes match, echoed",
		       LIO_VSOCK_LISTEN_PORT, got);
	else
		report(false, "vsock-accept", "port %u: %zd bytes (want %u), first difference "
		       "at %zu, echo: %s", LIO_VSOCK_LISTEN_PORT, got, LIO_VSOCK_IN_BYTES, bad,
		       err ? strerror(-err) : "sent");
}

static int vsock_listen(void)
{
	struct sockaddr_vm addr = {
		.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY, .svm_port = LIO_VSOCK_LISTEN_PORT,
	};
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, 1) != 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static void check_vsock(void)
{
	int listener = vsock_listen();
	if (listener < 0) {
		report(false, "vsock-listen", "port %u: %s", LIO_VSOCK_LISTEN_PORT,
		       strerror(-listener));
		return;
	}
	check_vsock_out();
	check_vsock_in(listener);
	close(listener);
}

/* eth0 up, its index and MAC; 0 or -errno. */
static int net_up(int *ifindex, uint8_t mac[6])
{
	if (!wait_for_path("/sys/class/net/eth0"))
		return -ENODEV;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "eth0");
	int err = 0;
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		err = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
		err = -errno;
	if (!err && ioctl(s, SIOCGIFHWADDR, &ifr) != 0)
		err = -errno;
	if (!err)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (!err && ioctl(s, SIOCGIFINDEX, &ifr) != 0)
		err = -errno;
	*ifindex = ifr.ifr_ifindex;
	if (s >= 0)
		close(s);
	return err;
}

/* Waits up to `ms` for the reply to `seq`; counts malformed test frames in *bad. */
static bool net_wait_reply(int fd, uint32_t seq, int ms, unsigned *bad)
{
	uint8_t frame[LIO_FRAME_MAX + 64];
	double end = lio_now() + ms / 1000.0;
	for (;;) {
		int left = (int)((end - lio_now()) * 1000);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, left) != 1)
			return false;
		ssize_t n = recv(fd, frame, sizeof(frame), 0);
		uint32_t got;
		if (n <= 0)
			continue;
		int r = lio_frame_parse(frame, (size_t)n, LIO_FRAME_REPLY, &got);
		if (r == -EBADMSG)
			(*bad)++;
		if (r == 0 && got == seq)
			return true;
	}
}

static void check_net(void)
{
	int ifindex;
	uint8_t mac[6];
	int err = net_up(&ifindex, mac);
	if (err) {
		report(false, "net-up", "eth0: %s", strerror(-err));
		return;
	}
	report(true, "net-up", "eth0 %02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
	       mac[3], mac[4], mac[5]);
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(LIO_ETHERTYPE));
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(LIO_ETHERTYPE),
		.sll_ifindex = ifindex,
	};
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		report(false, "net-frames", "AF_PACKET socket: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	unsigned answered = 0, bad = 0, resent = 0;
	uint8_t frame[LIO_FRAME_MAX];
	for (uint32_t seq = 0; seq < LIO_NET_FRAMES; seq++) {
		size_t len = lio_frame_build(frame, lio_host_mac, mac, LIO_FRAME_REQUEST, seq);
		/* A frame may be lost while the link settles: a few tries, each counted. */
		for (int attempt = 0; attempt < 5; attempt++) {
			if (attempt)
				resent++;
			if (send(fd, frame, len, 0) != (ssize_t)len)
				break;
			if (net_wait_reply(fd, seq, 1000, &bad)) {
				answered++;
				break;
			}
		}
	}
	close(fd);
	report(answered == LIO_NET_FRAMES && bad == 0, "net-frames",
	       "%u of %u answered, %u malformed replies, %u resent", answered, LIO_NET_FRAMES,
	       bad, resent);
}

int lio_guest_main(void)
{
	char list[256] = "blk,vsock,net";
	unsigned items;

	setup_console();
	cmdline_value("do", list, sizeof(list));
	if (lio_parse_items(list, &items) != 0) {
		report(false, "cmdline", "lio.do=%s: unknown item", list);
		items = 0;
	}
	printf("lio: linux-io-check guest, lio.do=%s\n", list);
	load_modules();
	if (failed == 0) {
		if (items & LIO_DO_BLK)
			check_blk();
		if (items & LIO_DO_VSOCK)
			check_vsock();
		if (items & LIO_DO_NET)
			check_net();
		if (items & LIO_DO_BENCH_BLK) {
			int err = lio_bench_blk(DISK_DEV, cmdline_number("bench_skip", LIO_DISK_BYTES),
						(unsigned)cmdline_number("rand_ops", 2000));
			report(err == 0, "bench-blk", "%s", err ? strerror(-err) : "done");
		}
		if (items & LIO_DO_BENCH_VSOCK) {
			int err = lio_bench_vsock_guest(cmdline_number("vsock_bytes", 32u << 20));
			report(err == 0, "bench-vsock", "%s", err ? strerror(-err) : "done");
		}
	}
	printf("lio: RESULT pass=%u fail=%u\n", passed, failed);
	power_off();
}
