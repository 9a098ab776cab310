// SPDX-License-Identifier: Apache-2.0
/*
 * "hello": the smallest payload on the runtime. It greets, derives its instance secret
 * and prints a fingerprint of it (SHA-256, first 8 bytes: stable across reboots of the
 * same instance, so a test can compare; the secret itself never leaves the VM), uses
 * the heap, sleeps 1 ms on the virtual timer (GIC + timer interrupt). Then, for each
 * virtio device the VM has (devices.c): a line on the virtio console, bytes from the
 * rng, a disk round trip, a frame on the network. It says it is ready and, with a vsock
 * device, serves the echo RPC on port 5678 until the host closes (devices.c); exit 0.
 * Without devices its output is exactly what it was before they existed.
 */
#include <stdint.h>

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/include/avf_vm_payload.h"
#include "stack/guest/payloads/hello/hello.h"
#include "stack/guest/runtime/runtime.h"

int hello_fail(int code, const char *why)
{
	rt_log("hello: %s\n", why);
	AVmPayload_notifyError(code, why);
	return code;
}

int AVmPayload_main(void)
{
	uint8_t secret[32], fp[32];
	uint64_t start;
	uint8_t *buf;
	int rc;

	rt_log("hello: Hello from a verified payload\n");
	if (AVmPayload_getVmInstanceSecret("hello", 5, secret, sizeof(secret))) {
		crypto_sha256(secret, sizeof(secret), fp);
		crypto_wipe(secret, sizeof(secret));
		rt_log("hello: instance secret fingerprint %02x%02x%02x%02x%02x%02x%02x%02x\n",
		       fp[0], fp[1], fp[2], fp[3], fp[4], fp[5], fp[6], fp[7]);
	} else {
		/* Only a normal VM booted without pvmfw has no CDIs to derive it from. */
		rt_log("hello: no instance secret (no pvmfw)\n");
	}
	buf = rt_calloc(64, 1024);
	if (!buf)
		return hello_fail(2, "the heap cannot give 64 KiB");
	rt_free(buf);
	start = rt_time_ns();
	rt_sleep_ns(1000000);
	if (rt_time_ns() - start < 1000000)
		return hello_fail(3, "the timer woke us early");
	rt_log("hello: slept 1 ms on the virtual timer\n");
	rc = hello_devices();
	if (rc)
		return rc;
	return hello_serve();
}
