// SPDX-License-Identifier: Apache-2.0
/*
 * hello's device round trips (docs/RUNTIME.md, "hello"), each only when the VM has the
 * device, each line a test can check exactly:
 *   console  "hello: virtio-console works" written on the virtio console (only when
 *            the VM has other virtio devices too, see console_check);
 *   rng      16 bytes, printed in hex (the sim's entropy is seeded: same seed, same bytes);
 *   blk      disk 0: capacity, the text at the start of sector 0, then sector 1 written
 *            with "hello wrote sector 1" (NUL-padded), flushed, read back and compared;
 *   net      a broadcast frame of type 0x88b5 carrying "hello from the guest", then
 *            the first frame of that type that comes back, its text printed;
 *   vsock    a connection to host port 5679 (if the host listens): 50000 bytes out
 *            (byte i = i * 31 + 7), everything the host sends back read to its end
 *            and its FNV-1a printed; then the echo RPC (method 1) on port 5678, until
 *            the host closes.
 */
#include <stdint.h>

#include "stack/guest/include/avf_vm_payload.h"
#include "stack/guest/libc/string.h"
#include "stack/guest/payloads/hello/hello.h"
#include "stack/guest/rtlib/rpc_frame.h"
#include "stack/guest/rtlib/rt_errno.h"
#include "stack/guest/runtime/rt_virtio.h"
#include "stack/guest/runtime/runtime.h"

#define DISK_TEXT_MAX	48

static uint8_t sector[2][512];

static int console_check(void)
{
	static const char line[] = "hello: virtio-console works\n";

	/* avf-vmm gives every VM a virtio console, whose bytes reach the host's console on
	 * the VMM's schedule (not in line with the UART's): hello uses it only when the VM
	 * was given other devices to test, so its plain output stays byte-exact. */
	if (!rt_virtio_count(3) || !(rt_virtio_count(1) + rt_virtio_count(2) + rt_virtio_count(4) +
				     rt_virtio_count(19)))
		return 0;
	if (rt_vcons_write(line, sizeof(line) - 1) != (long)sizeof(line) - 1)
		return hello_fail(4, "virtio-console write failed");
	return 0;
}

static int rng_check(void)
{
	uint8_t b[16];
	char hex[33];

	if (!rt_virtio_count(4))
		return 0;
	if (AVmPayload_getEntropy(b, sizeof(b)))
		return hello_fail(5, "virtio-rng read failed");
	for (int i = 0; i < 16; i++) {
		hex[2 * i] = "0123456789abcdef"[b[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[b[i] & 15];
	}
	hex[32] = 0;
	rt_log("hello: rng %s\n", hex);
	return 0;
}

/* The printable text at the start of @s, at most DISK_TEXT_MAX bytes, into @out. */
static void text_of(const uint8_t *s, char *out)
{
	int i = 0;

	for (; i < DISK_TEXT_MAX && s[i] >= 0x20 && s[i] < 0x7f; i++)
		out[i] = (char)s[i];
	out[i] = 0;
}

static int disk_check(void)
{
	static const char mark[] = "hello wrote sector 1";
	char text[DISK_TEXT_MAX + 1];
	uint64_t sectors;
	bool ro;

	if (!rt_virtio_count(2))
		return 0;
	if (AVmPayload_openBlockDevice(0, &sectors, &ro) || AVmPayload_readBlocks(0, 0, sector[0], 1))
		return hello_fail(6, "disk 0: cannot read sector 0");
	text_of(sector[0], text);
	rt_log("hello: disk 0: %lu sectors%s, sector 0 says '%s'\n", (unsigned long)sectors,
	       ro ? " (read-only)" : "", text);
	if (ro || sectors < 2)
		return 0;
	memset(sector[0], 0, sizeof(sector[0]));
	memcpy(sector[0], mark, sizeof(mark) - 1);
	if (AVmPayload_writeBlocks(0, 1, sector[0], 1) || AVmPayload_flushBlockDevice(0) ||
	    AVmPayload_readBlocks(0, 1, sector[1], 1) || memcmp(sector[0], sector[1], 512))
		return hello_fail(7, "disk 0: sector 1 did not round-trip");
	rt_log("hello: disk 0: wrote, flushed and read back sector 1\n");
	return 0;
}

static int net_check(void)
{
	static const char msg[] = "hello from the guest";
	uint8_t frame[1514], mac[6];
	char text[DISK_TEXT_MAX + 1];
	long n;

	if (!rt_virtio_count(1))
		return 0;
	if (rt_net_mac(mac))
		return hello_fail(8, "net: no MAC address");
	memset(frame, 0xff, 6);
	memcpy(frame + 6, mac, 6);
	frame[12] = HELLO_ETHERTYPE >> 8;
	frame[13] = HELLO_ETHERTYPE & 0xff;
	memset(frame + 14, 0, 46);
	memcpy(frame + 14, msg, sizeof(msg) - 1);
	if (rt_net_send(frame, 60))
		return hello_fail(8, "net: send failed");
	rt_log("hello: net %02x:%02x:%02x:%02x:%02x:%02x sent a frame\n", mac[0], mac[1], mac[2],
	       mac[3], mac[4], mac[5]);
	do
		n = rt_net_recv(frame, sizeof(frame), RT_VIRTIO_TIMEOUT_NS);
	while (n >= 14 && (frame[12] << 8 | frame[13]) != HELLO_ETHERTYPE);
	if (n < 14)
		return hello_fail(9, "net: no frame came back");
	text_of(frame + 14, text);
	rt_log("hello: net got '%s'\n", text);
	return 0;
}

/* FNV-1a, 32-bit: a checksum the harness recomputes over what it sent. */
static uint32_t fnv1a(uint32_t h, const uint8_t *p, long n)
{
	for (long i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* A connection of ours to the host: HELLO_TO_HOST bytes out, everything back in. */
static int host_stream_check(void)
{
	static uint8_t chunk[4096];
	uint32_t sent = 0, got = 0, sum = 2166136261u;
	long n;
	int s;

	if (!rt_virtio_count(19))
		return 0;
	s = AVmPayload_connectVsock(HELLO_HOST_PORT);
	if (s == -RT_ECONNREFUSED) {	/* the host has no listener there */
		rt_log("hello: nobody listens on host vsock port %u\n", HELLO_HOST_PORT);
		return 0;
	}
	if (s < 0)
		return hello_fail(11, "vsock: connect to the host failed");
	while (sent < HELLO_TO_HOST) {
		uint32_t k = HELLO_TO_HOST - sent < sizeof(chunk) ? HELLO_TO_HOST - sent : sizeof(chunk);

		for (uint32_t i = 0; i < k; i++)
			chunk[i] = (uint8_t)((sent + i) * 31 + 7);
		if (AVmPayload_vsockSend(s, chunk, k) != (long)k)
			return hello_fail(11, "vsock: send to the host failed");
		sent += k;
	}
	while ((n = AVmPayload_vsockRecv(s, chunk, sizeof(chunk))) > 0) {
		sum = fnv1a(sum, chunk, n);
		got += (uint32_t)n;
	}
	AVmPayload_vsockClose(s);
	if (n < 0)
		return hello_fail(11, "vsock: receive from the host failed");
	rt_log("hello: host port %u: sent %u bytes, got %u bytes, fnv1a %08x\n", HELLO_HOST_PORT,
	       sent, got, sum);
	return 0;
}

int hello_devices(void)
{
	int rc = console_check();

	if (!rc)
		rc = rng_check();
	if (!rc)
		rc = disk_check();
	if (!rc)
		rc = net_check();
	if (!rc)
		rc = host_stream_check();
	return rc;
}

static int32_t echo(void *ctx, uint16_t method, const void *req, size_t req_len, void *resp,
		    size_t resp_cap, size_t *resp_len, bool *stop)
{
	unsigned *calls = ctx;

	if (method != AVF_RPC_METHOD_ECHO)
		return -RT_ENOSYS;	/* hello knows one method */
	if (req_len > resp_cap)
		return -RT_EMSGSIZE;
	memcpy(resp, req, req_len);
	*resp_len = req_len;
	(*calls)++;
	return 0;
}

static void ready(void *param)
{
	rt_log("hello: serving echo on vsock port %u\n", HELLO_RPC_PORT);
	AVmPayload_notifyServiceReady();
}

int hello_serve(void)
{
	unsigned calls = 0;
	int ret;

	if (!rt_virtio_count(19)) {
		AVmPayload_notifyServiceReady();
		return 0;
	}
	ret = AVmPayload_runVsockRpcServer(HELLO_RPC_PORT, echo, &calls, ready, (void *)0);
	if (ret)
		return hello_fail(10, "the echo server failed");
	rt_log("hello: the host closed the connection after %u calls\n", calls);
	return 0;
}
