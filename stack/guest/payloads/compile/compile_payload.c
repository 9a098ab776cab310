// SPDX-License-Identifier: Apache-2.0
/*
 * "compile": compiles source text the host sends (stack/guest/usecase/compile.c, the
 * language of docs/PAYLOADS.md) into bytecode artifacts, over RPC on vsock port
 * COMPILE_RPC_PORT. Response body: u8 0 + the artifact, or u8 1 + the error message.
 *
 * This payload turns on the compiler's DELIBERATE memory-safety bug (compile.h): a
 * malicious source with 17 names overflows the symbol table into the emitter's
 * function pointer and the VM dies in an exception (the runtime reports the panic and
 * resets). The point is the isolation: only this VM dies, the host reports why, and
 * other VMs go on.
 */
#include <stdint.h>

#include "stack/guest/include/avf_vm_payload.h"
#include "stack/guest/runtime/runtime.h"
#include "stack/guest/usecase/compile.h"
#include "stack/guest/usecase/uc.h"

#define COMPILE_RPC_PORT 5682
#define COMPILE_METHOD_COMPILE 0x20

static int32_t handle(void *ctx, uint16_t method, const void *req, size_t req_len, void *resp,
		      size_t resp_cap, size_t *resp_len, bool *stop)
{
	static const struct compile_options opts = { .deliberate_symtab_bug = true };
	char err[COMPILE_ERROR_MAX];
	uint8_t *out = resp;
	unsigned *count = ctx;
	long n;

	(void)stop;
	if (method != COMPILE_METHOD_COMPILE)
		return -UC_ENOSYS;
	if (resp_cap < 1 + COMPILE_ERROR_MAX)
		return -UC_ENOSPC;
	n = compile_source(req, req_len, &opts, out + 1, resp_cap - 1, err);
	(*count)++;
	if (n < 0) {
		size_t len = 0;

		while (err[len])
			len++;
		out[0] = 1;
		for (size_t i = 0; i < len; i++)
			out[1 + i] = (uint8_t)err[i];
		*resp_len = 1 + len;
		rt_log("compile: request %u: error: %s\n", *count, err);
		return 0;
	}
	out[0] = 0;
	*resp_len = 1 + (size_t)n;
	rt_log("compile: request %u: %lu bytes of source, %ld bytes of bytecode\n", *count,
	       (unsigned long)req_len, n);
	return 0;
}

static void ready(void *param)
{
	(void)param;
	rt_log("compile: serving on vsock port %u\n", COMPILE_RPC_PORT);
	AVmPayload_notifyServiceReady();
}

int AVmPayload_main(void)
{
	unsigned count = 0;
	int ret = AVmPayload_runVsockRpcServer(COMPILE_RPC_PORT, handle, &count, ready, NULL);

	if (ret) {
		rt_log("compile: the RPC server failed (%d)\n", ret);
		AVmPayload_notifyError(2, "the RPC server failed");
		return 2;
	}
	rt_log("compile: %u requests, the host closed the connection\n", count);
	return 0;
}
