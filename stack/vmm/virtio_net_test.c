// SPDX-License-Identifier: MIT
/*
 * virtio-net (virtio_net.c) and the user-space L2 switch (net_switch.c): MAC learning,
 * flooding and unicast forwarding between ports, frames from the guest reaching a
 * host-side port and back, two VMs talking through the switch, RX buffers too small for
 * a frame, hostile transmit/receive chains, the pcap capture (byte-exact, and read by
 * tshark when it is installed), and the TAP backend where this host allows one.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/fault/fault.h"
#include "stack/vmm/virtio_fake_driver.h"
#include "stack/vmm/virtio_internal.h"

#define BASE	0x80000000ull
#define SIZE	(1ull << 20)
#define F	(1ull << VIRTIO_F_VERSION_1 | 1ull << 5 | 1ull << 16)	/* + MAC, STATUS */
#define RXQ	0
#define TXQ	1
#define HDR	12

static const uint8_t MAC_VM1[6] = { 0x52, 0x54, 0x00, 0, 0, 1 };
static const uint8_t MAC_VM2[6] = { 0x52, 0x54, 0x00, 0, 0, 2 };
static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0xa };
static const uint8_t MAC_B[6] = { 0x02, 0, 0, 0, 0, 0xb };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct fx {
	char dir[64], sw_path[96], pcap_path[96];
	struct net_switch *sw;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/avf-net-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->sw_path, sizeof(f->sw_path), "%s/switch", f->dir);
	snprintf(f->pcap_path, sizeof(f->pcap_path), "%s/vm.pcap", f->dir);
	assert_int_equal(net_switch_create(f->sw_path, NULL, &f->sw), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	net_switch_destroy(f->sw);
	unlink(f->pcap_path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static size_t frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src, const char *payload)
{
	size_t len = strlen(payload);

	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	buf[12] = 0x88;	/* a local experimental ethertype */
	buf[13] = 0xb5;
	memcpy(buf + 14, payload, len);
	return 14 + len;
}

/* Receive one datagram on a port, or 0 if none. */
static ssize_t port_recv(int fd, uint8_t *buf, size_t max)
{
	ssize_t n = recv(fd, buf, max, MSG_DONTWAIT);

	return n < 0 ? 0 : n;
}

static void port_send(struct fx *f, int fd, const uint8_t *buf, size_t len)
{
	assert_int_equal(send(fd, buf, len, 0), (ssize_t)len);
	assert_true(net_switch_process(f->sw) >= 0);
}

static void switch_learns_and_forwards(void **state)
{
	struct fx *f = *state;
	int a = net_switch_port_open(f->sw_path), b = net_switch_port_open(f->sw_path);
	int c = net_switch_port_open(f->sw_path);
	struct net_switch_stats st;
	uint8_t fr[64], got[64];
	size_t len;

	assert_true(a >= 0 && b >= 0 && c >= 0);
	assert_int_equal(net_switch_process(f->sw), 0);	/* three registrations */
	net_switch_get_stats(f->sw, &st);
	assert_int_equal(st.ports, 3);
	/* Broadcast from A: B and C get it, A does not. */
	len = frame(fr, BCAST, MAC_A, "hello all");
	port_send(f, a, fr, len);
	assert_int_equal(port_recv(b, got, sizeof(got)), len);
	assert_memory_equal(got, fr, len);
	assert_int_equal(port_recv(c, got, sizeof(got)), len);
	assert_int_equal(port_recv(a, got, sizeof(got)), 0);
	/* B answers A by unicast: only A. */
	len = frame(fr, MAC_A, MAC_B, "hi a");
	port_send(f, b, fr, len);
	assert_int_equal(port_recv(a, got, sizeof(got)), len);
	assert_int_equal(port_recv(c, got, sizeof(got)), 0);
	/* A to B: learnt, only B. */
	len = frame(fr, MAC_B, MAC_A, "hi b");
	port_send(f, a, fr, len);
	assert_int_equal(port_recv(b, got, sizeof(got)), len);
	assert_int_equal(port_recv(c, got, sizeof(got)), 0);
	/* Unknown unicast floods. */
	len = frame(fr, MAC_VM1, MAC_A, "who?");
	port_send(f, a, fr, len);
	assert_int_equal(port_recv(b, got, sizeof(got)), len);
	assert_int_equal(port_recv(c, got, sizeof(got)), len);
	/* A runt and a multicast source are dropped. */
	port_send(f, a, fr, 10);
	len = frame(fr, MAC_B, BCAST, "bad source");
	port_send(f, a, fr, len);
	assert_int_equal(port_recv(b, got, sizeof(got)), 0);
	net_switch_get_stats(f->sw, &st);
	assert_int_equal(st.frames, 6);
	assert_int_equal(st.forwarded, 2);
	assert_int_equal(st.flooded, 2);
	assert_int_equal(st.dropped, 2);
	assert_int_equal(st.macs, 2);
	/* C goes away: the next flood finds out and forgets it. */
	close(c);
	len = frame(fr, BCAST, MAC_B, "anyone");
	port_send(f, b, fr, len);
	assert_int_equal(port_recv(a, got, sizeof(got)), len);
	net_switch_get_stats(f->sw, &st);
	assert_int_equal(st.ports, 2);
	close(a);
	close(b);
}

/* A VM with a virtio-net device on the switch. */
static void vm_init(struct fx *f, struct vdrv_env *env, const uint8_t *mac, const char *pcap)
{
	struct virtio_net_config cfg = { .switch_path = f->sw_path, .pcap_path = pcap,
					 .vm_name = "netvm" };
	struct virtio_device *dev;

	memcpy(cfg.mac, mac, 6);
	assert_int_equal(virtio_net_create(&cfg, &dev), 0);
	assert_int_equal(vdrv_env_init(env, dev, BASE, SIZE, true), 0);
	assert_int_equal(vdrv_init(&env->d, VIRTIO_ID_NET, F, 2, 16), 0);
	assert_int_equal(net_switch_process(f->sw), 0);	/* its registration */
}

static void vm_send(struct vdrv_env *env, const uint8_t *fr, size_t len, uint8_t flags)
{
	uint64_t a = vdrv_alloc(&env->d, HDR + len);
	uint8_t hdr[HDR] = { flags };

	vdrv_poke(&env->d, a, hdr, HDR);
	vdrv_poke(&env->d, a + HDR, fr, len);
	vdrv_submit(&env->d, TXQ, &(struct vdrv_buf){ a, (uint32_t)(HDR + len), false }, 1);
}

static uint64_t vm_rx_buffer(struct vdrv_env *env, uint32_t size)
{
	uint64_t a = vdrv_alloc(&env->d, size);

	vdrv_submit(&env->d, RXQ, &(struct vdrv_buf){ a, size, true }, 1);
	return a;
}

static void guest_to_host_and_back(void **state)
{
	struct fx *f = *state;
	struct vdrv_env vm;
	int host = net_switch_port_open(f->sw_path);
	uint8_t fr[64], got[HDR + 64];
	uint32_t id, len;
	uint64_t rx;
	size_t n;

	vm_init(f, &vm, MAC_VM1, NULL);
	assert_int_equal(net_switch_process(f->sw), 0);
	n = frame(fr, BCAST, MAC_VM1, "dhcp discover");
	vm_send(&vm, fr, n, 0);
	assert_true(vdrv_get_used(&vm.d, TXQ, &id, &len));
	assert_int_equal(net_switch_process(f->sw), 1);
	assert_int_equal(port_recv(host, got, sizeof(got)), n);
	assert_memory_equal(got, fr, n);
	/* The host answers by unicast; the VM has a buffer waiting. */
	rx = vm_rx_buffer(&vm, HDR + 1514);
	n = frame(fr, MAC_VM1, MAC_A, "dhcp offer");
	port_send(f, host, fr, n);
	assert_int_equal(vdrv_used_idx(&vm.d, RXQ), 0);
	vdrv_env_io(&vm);
	assert_true(vdrv_get_used(&vm.d, RXQ, &id, &len));
	assert_int_equal(len, HDR + n);
	vdrv_peek(&vm.d, rx, got, HDR + n);
	assert_memory_equal(got, "\0\0\0\0\0\0\0\0\0\0\x01\0", HDR);	/* num_buffers = 1 */
	assert_memory_equal(got + HDR, fr, n);
	assert_true(vm.level);
	vdrv_env_fini(&vm);
	close(host);
}

/* net.drop: a transmitted frame is completed but never reaches the wire, a received
 * one never reaches the guest (its buffer stays for the next); the rest flows. */
static void injected_drop_both_ways(void **state)
{
	struct fx *f = *state;
	struct vdrv_env vm;
	int host = net_switch_port_open(f->sw_path);
	uint8_t fr[64], fr2[64], got[HDR + 64];
	uint32_t id, len;
	uint64_t rx;
	size_t n, n2;

	vm_init(f, &vm, MAC_VM1, NULL);
	assert_int_equal(net_switch_process(f->sw), 0);
	assert_int_equal(fault_configure("net.drop:at=1:vm=netvm", NULL, 0), 0);
	n = frame(fr, BCAST, MAC_VM1, "first, lost");
	vm_send(&vm, fr, n, 0);
	assert_true(vdrv_get_used(&vm.d, TXQ, &id, &len));	/* completed all the same */
	assert_int_equal(net_switch_process(f->sw), 0);
	assert_int_equal(port_recv(host, got, sizeof(got)), 0);
	n = frame(fr, BCAST, MAC_VM1, "second");
	vm_send(&vm, fr, n, 0);
	assert_true(vdrv_get_used(&vm.d, TXQ, &id, &len));
	assert_int_equal(net_switch_process(f->sw), 1);
	assert_int_equal(port_recv(host, got, sizeof(got)), n);
	assert_memory_equal(got, fr, n);
	/* Receive: the first frame from the host is lost, the second arrives. */
	assert_int_equal(fault_configure("net.drop:at=1", NULL, 0), 0);
	rx = vm_rx_buffer(&vm, HDR + 1514);
	n = frame(fr, MAC_VM1, MAC_A, "reply, lost");
	port_send(f, host, fr, n);
	n2 = frame(fr2, MAC_VM1, MAC_A, "reply two");
	port_send(f, host, fr2, n2);
	vdrv_env_io(&vm);
	assert_true(vdrv_get_used(&vm.d, RXQ, &id, &len));
	assert_int_equal(len, HDR + n2);
	vdrv_peek(&vm.d, rx, got, HDR + n2);
	assert_memory_equal(got + HDR, fr2, n2);
	assert_false(vdrv_get_used(&vm.d, RXQ, &id, &len));
	assert_int_equal(fault_fired("net.drop"), 1);
	assert_int_equal(fault_configure(NULL, NULL, 0), 0);
	vdrv_env_fini(&vm);
	close(host);
}

static void two_vms_talk(void **state)
{
	struct fx *f = *state;
	struct vdrv_env vm1, vm2;
	uint8_t fr[64], got[HDR + 64];
	uint32_t id, len;
	uint64_t rx;
	size_t n;

	vm_init(f, &vm1, MAC_VM1, NULL);
	vm_init(f, &vm2, MAC_VM2, NULL);
	rx = vm_rx_buffer(&vm2, 2048);
	n = frame(fr, MAC_VM2, MAC_VM1, "ping");
	vm_send(&vm1, fr, n, 0);
	assert_int_equal(net_switch_process(f->sw), 1);
	vdrv_env_io(&vm2);
	assert_true(vdrv_get_used(&vm2.d, RXQ, &id, &len));
	vdrv_peek(&vm2.d, rx + HDR, got, n);
	assert_memory_equal(got, fr, n);
	/* And back: now both MACs are learnt. */
	rx = vm_rx_buffer(&vm1, 2048);
	n = frame(fr, MAC_VM1, MAC_VM2, "pong");
	vm_send(&vm2, fr, n, 0);
	assert_int_equal(net_switch_process(f->sw), 1);
	vdrv_env_io(&vm1);
	assert_true(vdrv_get_used(&vm1.d, RXQ, &id, &len));
	assert_int_equal(len, HDR + n);
	vdrv_env_fini(&vm1);
	vdrv_env_fini(&vm2);
}

static void small_rx_buffer_drops_the_frame_not_the_buffer(void **state)
{
	struct fx *f = *state;
	struct vdrv_env vm;
	int host = net_switch_port_open(f->sw_path);
	uint8_t fr[128];
	uint32_t id, len;
	size_t n;

	vm_init(f, &vm, MAC_VM1, NULL);
	vm_rx_buffer(&vm, HDR + 40);
	n = frame(fr, MAC_VM1, MAC_A, "a frame that is far too long for that buffer......");
	port_send(f, host, fr, n);
	vdrv_env_io(&vm);
	assert_int_equal(vdrv_used_idx(&vm.d, RXQ), 0);
	n = frame(fr, MAC_VM1, MAC_A, "short");
	port_send(f, host, fr, n);
	vdrv_env_io(&vm);
	assert_true(vdrv_get_used(&vm.d, RXQ, &id, &len));
	assert_int_equal(len, HDR + n);
	assert_false(vdrv_env_stats(&vm).broken);
	vdrv_env_fini(&vm);
	close(host);
}

static void poll_only_with_rx_buffers(void **state)
{
	struct fx *f = *state;
	struct vdrv_env vm;
	struct pollfd fds[4];

	vm_init(f, &vm, MAC_VM1, NULL);
	assert_int_equal(virtio_mmio_poll_fds(vm.t, fds, 4), 1);
	vm_rx_buffer(&vm, 2048);
	assert_int_equal(virtio_mmio_poll_fds(vm.t, fds, 4), 2);
	assert_int_equal(fds[1].events, POLLIN);
	vdrv_env_fini(&vm);
}

static void transmit_refusals(void **state)
{
	struct fx *f = *state;
	struct vdrv_env vm;
	int host = net_switch_port_open(f->sw_path);
	uint8_t fr[64], got[64];
	uint64_t a;
	size_t n;

	vm_init(f, &vm, MAC_VM1, NULL);
	assert_int_equal(net_switch_process(f->sw), 0);
	/* Offload flags that were never offered, and a runt: dropped, device fine. */
	n = frame(fr, BCAST, MAC_VM1, "csum please");
	vm_send(&vm, fr, n, 1);
	vm_send(&vm, fr, 10, 0);
	assert_int_equal(vdrv_used_idx(&vm.d, TXQ), 2);
	assert_int_equal(net_switch_process(f->sw), 0);
	assert_int_equal(port_recv(host, got, sizeof(got)), 0);
	assert_false(vdrv_env_stats(&vm).broken);
	/* Shorter than the header: broken. */
	a = vdrv_alloc(&vm.d, 16);
	vdrv_submit(&vm.d, TXQ, &(struct vdrv_buf){ a, 11, false }, 1);
	assert_string_equal(vdrv_env_stats(&vm).broken_reason,
			    "net: transmit chain shorter than the header");
	/* Writable in transmitq, readable in receiveq. */
	assert_int_equal(vdrv_init(&vm.d, VIRTIO_ID_NET, F, 2, 16), 0);
	vdrv_submit(&vm.d, TXQ, &(struct vdrv_buf){ a, 16, true }, 1);
	assert_string_equal(vdrv_env_stats(&vm).broken_reason,
			    "net: device-writable buffer in transmitq");
	assert_int_equal(vdrv_init(&vm.d, VIRTIO_ID_NET, F, 2, 16), 0);
	vdrv_submit(&vm.d, RXQ, &(struct vdrv_buf){ a, 16, false }, 1);
	n = frame(fr, MAC_VM1, MAC_A, "in");
	port_send(f, host, fr, n);
	vdrv_env_io(&vm);
	assert_string_equal(vdrv_env_stats(&vm).broken_reason,
			    "net: device-readable buffer in receiveq");
	/* A frame in an unshared page. */
	assert_int_equal(vdrv_init(&vm.d, VIRTIO_ID_NET, F, 2, 16), 0);
	guest_mem_buf_share(&vm.gm, BASE, 4096, false);
	vdrv_submit(&vm.d, TXQ, &(struct vdrv_buf){ BASE, 40, false }, 1);
	assert_string_equal(vdrv_env_stats(&vm).broken_reason, "net: buffer not accessible");
	vdrv_env_fini(&vm);
	close(host);
}

static void config_space(void **state)
{
	struct fx *f = *state;
	struct vdrv_env vm;
	uint64_t v;

	vm_init(f, &vm, MAC_VM2, NULL);
	virtio_mmio_read(vm.t, VIRTIO_MMIO_CONFIG, 4, &v);
	assert_int_equal(v, 0x00005452);
	virtio_mmio_read(vm.t, VIRTIO_MMIO_CONFIG + 4, 2, &v);
	assert_int_equal(v, 0x0200);
	virtio_mmio_read(vm.t, VIRTIO_MMIO_CONFIG + 6, 2, &v);
	assert_int_equal(v, 1);		/* link up */
	virtio_mmio_read(vm.t, VIRTIO_MMIO_CONFIG + 10, 2, &v);
	assert_int_equal(v, 1500);	/* mtu */
	vdrv_write32(&vm.d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(vdrv_read32(&vm.d, VIRTIO_MMIO_DEVICE_FEATURES),
			 1u << 3 | 1u << 5 | 1u << 16 | 1u << 28);
	vdrv_env_fini(&vm);
}

static void pcap_capture(void **state)
{
	struct fx *f = *state;
	struct vdrv_env vm;
	int host = net_switch_port_open(f->sw_path);
	uint8_t fr1[64], fr2[64], file[512];
	size_t n1, n2;
	ssize_t size;
	int fd;

	vm_init(f, &vm, MAC_VM1, f->pcap_path);
	n1 = frame(fr1, BCAST, MAC_VM1, "out");
	vm_send(&vm, fr1, n1, 0);
	vm_rx_buffer(&vm, 2048);
	n2 = frame(fr2, MAC_VM1, MAC_A, "in!!");
	assert_int_equal(net_switch_process(f->sw), 1);
	port_send(f, host, fr2, n2);
	vdrv_env_io(&vm);
	vdrv_env_fini(&vm);	/* closes the capture */
	fd = open(f->pcap_path, O_RDONLY);
	size = read(fd, file, sizeof(file));
	close(fd);
	assert_int_equal(size, 24 + 16 + n1 + 16 + n2);
	assert_memory_equal(file, "\xd4\xc3\xb2\xa1\x02\x00\x04\x00", 8);
	assert_int_equal(virtio_le32(file + 16), 65535);	/* snaplen */
	assert_int_equal(virtio_le32(file + 20), 1);		/* Ethernet */
	assert_int_equal(virtio_le32(file + 24), 0);		/* record 0: 0 s */
	assert_int_equal(virtio_le32(file + 28), 0);		/* 0 us */
	assert_int_equal(virtio_le32(file + 32), n1);
	assert_int_equal(virtio_le32(file + 36), n1);
	assert_memory_equal(file + 40, fr1, n1);
	assert_int_equal(virtio_le32(file + 40 + n1 + 4), 1);	/* record 1: 1 us */
	assert_memory_equal(file + 40 + n1 + 16, fr2, n2);
	/* If tshark is installed, it must read the capture too. */
	if (access("/usr/bin/tshark", X_OK) == 0) {
		char cmd[256], out[32] = { 0 };
		FILE *p;

		snprintf(cmd, sizeof(cmd), "/usr/bin/tshark -r %s 2>/dev/null | wc -l",
			 f->pcap_path);
		p = popen(cmd, "r");
		assert_non_null(p);
		assert_non_null(fgets(out, sizeof(out), p));
		pclose(p);
		assert_int_equal(atoi(out), 2);
	}
	close(host);
}

static void switch_capture(void **state)
{
	struct fx *f = *state;
	char path[128];
	struct net_switch *sw;
	uint8_t fr[64];
	size_t n = frame(fr, BCAST, MAC_A, "x");
	uint8_t file[256];
	int port, fd;

	snprintf(path, sizeof(path), "%s/sw2", f->dir);
	assert_int_equal(net_switch_create(path, f->pcap_path, &sw), 0);
	port = net_switch_port_open(path);
	assert_int_equal(send(port, fr, n, 0), (ssize_t)n);
	assert_int_equal(send(port, fr, 3, 0), 3);	/* runt: not captured */
	assert_int_equal(net_switch_process(sw), 1);
	net_switch_destroy(sw);
	close(port);
	fd = open(f->pcap_path, O_RDONLY);
	assert_int_equal(read(fd, file, sizeof(file)), 24 + 16 + n);
	close(fd);
	assert_int_equal(access(path, F_OK), -1);	/* the switch removed its socket */
}

static void create_errors(void **state)
{
	struct fx *f = *state;
	struct virtio_net_config cfg = { .mac = { 2 } };
	struct virtio_device *dev;
	struct net_switch *sw;
	char path[128];

	assert_int_equal(virtio_net_create(&cfg, &dev), -EINVAL);	/* no backend */
	cfg.switch_path = f->sw_path;
	cfg.tap = "tap0";
	assert_int_equal(virtio_net_create(&cfg, &dev), -EINVAL);	/* two */
	cfg.tap = NULL;
	cfg.mac[0] = 1;
	assert_int_equal(virtio_net_create(&cfg, &dev), -EINVAL);	/* multicast MAC */
	cfg.mac[0] = 2;
	snprintf(path, sizeof(path), "%s/nobody", f->dir);
	cfg.switch_path = path;
	assert_int_equal(virtio_net_create(&cfg, &dev), -ENOENT);
	/* The switch refuses to replace a file that is not a socket. */
	assert_int_equal(net_switch_create(f->dir, NULL, &sw), -EEXIST);
}

static void tap_backend_where_allowed(void **state)
{
	struct virtio_net_config cfg = { .mac = { 2, 0, 0, 0, 0, 9 }, .tap = "avfvt%d" };
	struct virtio_device *dev;
	struct vdrv_env vm;
	char why[128];
	uint8_t fr[64];
	int ret = net_tap_probe(why, sizeof(why));

	if (ret) {
		/* Say why, precisely: the reason names the missing piece. */
		assert_true(strstr(why, "tap") != NULL);
		skip();
	}
	assert_string_equal(why, "tap: available");
	assert_int_equal(virtio_net_create(&cfg, &dev), 0);
	assert_int_equal(vdrv_env_init(&vm, dev, BASE, SIZE, false), 0);
	assert_int_equal(vdrv_init(&vm.d, VIRTIO_ID_NET, F, 2, 16), 0);
	/* The interface is down: the kernel refuses the frame, the device drops it. */
	vm_send(&vm, fr, frame(fr, BCAST, cfg.mac, "to the tap"), 0);
	assert_int_equal(vdrv_used_idx(&vm.d, TXQ), 1);
	assert_false(vdrv_env_stats(&vm).broken);
	vdrv_env_fini(&vm);
}

/* Bring interface name up; false if this host does not let us. */
static bool link_up(const char *name)
{
	struct ifreq ifr = { 0 };
	char path[128];
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	bool ok;
	FILE *p;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ok = s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
	ifr.ifr_flags |= IFF_UP;
	ok = ok && ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
	if (s >= 0)
		close(s);
	/* Less kernel chatter (router solicitations) on the link; best effort. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
	p = fopen(path, "w");
	if (p) {
		fputs("1", p);
		fclose(p);
	}
	return ok;
}

/* Wait (bounded) for the transport's poll set to fire, then process it. */
static void io_wait(struct vdrv_env *env)
{
	struct pollfd fds[VIRTIO_MAX_POLL_FDS];
	int n = virtio_mmio_poll_fds(env->t, fds, VIRTIO_MAX_POLL_FDS);

	if (poll(fds, (nfds_t)n, 5000) < 0)
		n = 0;
	virtio_mmio_process_io(env->t, fds, n);
}

/* Frames both ways through a real TAP interface, seen from an AF_PACKET socket on it. */
static void tap_frames_both_ways(void **state)
{
	struct virtio_net_config cfg = { .mac = { 2, 0, 0, 0, 0, 9 } };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(0x88b5) };
	struct pollfd pfd;
	struct virtio_device *dev = NULL;
	struct vdrv_env vm;
	uint8_t fr[64], got[HDR + 1514];
	char name[IFNAMSIZ];
	uint32_t id, len;
	bool found = false;
	uint64_t rx[8];
	size_t n;
	int pkt;

	snprintf(name, sizeof(name), "avfvt%u", (unsigned)getpid() % 100000);
	cfg.tap = name;
	if (net_tap_probe(NULL, 0) || virtio_net_create(&cfg, &dev))
		skip();
	assert_int_equal(vdrv_env_init(&vm, dev, BASE, SIZE, false), 0);
	assert_int_equal(vdrv_init(&vm.d, VIRTIO_ID_NET, F, 2, 16), 0);
	sll.sll_ifindex = (int)if_nametoindex(name);
	pkt = socket(AF_PACKET, SOCK_RAW, htons(0x88b5));
	if (!link_up(name) || pkt < 0 || !sll.sll_ifindex ||
	    bind(pkt, (struct sockaddr *)&sll, sizeof(sll))) {
		vdrv_env_fini(&vm);
		skip();
	}
	/* Guest to host. */
	n = frame(fr, BCAST, cfg.mac, "guest says hi");
	vm_send(&vm, fr, n, 0);
	pfd = (struct pollfd){ .fd = pkt, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	assert_int_equal(recv(pkt, got, sizeof(got), 0), (ssize_t)n);
	assert_memory_equal(got, fr, n);
	/* Host to guest: our frame arrives, perhaps behind some kernel traffic. */
	for (int i = 0; i < 8; i++)
		rx[i] = vm_rx_buffer(&vm, HDR + 1514);
	n = frame(fr, cfg.mac, MAC_A, "host says hi");
	assert_int_equal(sendto(pkt, fr, n, 0, (struct sockaddr *)&sll, sizeof(sll)),
			 (ssize_t)n);
	for (int tries = 0; tries < 8 && !found; tries++) {
		io_wait(&vm);
		while (!found && vdrv_get_used(&vm.d, RXQ, &id, &len)) {
			vdrv_peek(&vm.d, rx[id % 8], got, len);
			found = len == HDR + n && !memcmp(got + HDR, fr, n);
		}
	}
	assert_true(found);
	close(pkt);
	vdrv_env_fini(&vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(switch_learns_and_forwards),
		T(guest_to_host_and_back),
		T(injected_drop_both_ways),
		T(two_vms_talk),
		T(small_rx_buffer_drops_the_frame_not_the_buffer),
		T(poll_only_with_rx_buffers),
		T(transmit_refusals),
		T(config_space),
		T(pcap_capture),
		T(switch_capture),
		T(create_errors),
		cmocka_unit_test(tap_backend_where_allowed),
		cmocka_unit_test(tap_frames_both_ways),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
