// SPDX-License-Identifier: Apache-2.0
/*
 * "hello": the smallest payload on the runtime. It greets, derives its instance secret
 * and prints a fingerprint of it (SHA-256, first 8 bytes: stable across reboots of the
 * same instance, so a test can compare; the secret itself never leaves the VM), uses
 * the heap, sleeps 1 ms on the virtual timer (GIC + timer interrupt), says it is ready
 * and exits with 0.
 */
#include <stdint.h>

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/include/avf_vm_payload.h"
#include "stack/guest/runtime/runtime.h"

static int fail(int code, const char *why)
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

	rt_log("hello: Hello from a verified payload\n");
	if (!AVmPayload_getVmInstanceSecret("hello", 5, secret, sizeof(secret)))
		return fail(1, "no instance secret");
	crypto_sha256(secret, sizeof(secret), fp);
	crypto_wipe(secret, sizeof(secret));
	rt_log("hello: instance secret fingerprint %02x%02x%02x%02x%02x%02x%02x%02x\n", fp[0],
	       fp[1], fp[2], fp[3], fp[4], fp[5], fp[6], fp[7]);
	buf = rt_calloc(64, 1024);
	if (!buf)
		return fail(2, "the heap cannot give 64 KiB");
	rt_free(buf);
	start = rt_time_ns();
	rt_sleep_ns(1000000);
	if (rt_time_ns() - start < 1000000)
		return fail(3, "the timer woke us early");
	rt_log("hello: slept 1 ms on the virtual timer\n");
	AVmPayload_notifyServiceReady();
	return 0;
}
