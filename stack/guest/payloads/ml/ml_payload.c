// SPDX-License-Identifier: Apache-2.0
/*
 * "ml": runs the int8 network of stack/guest/usecase/ml.c (weights compiled into this
 * signed payload) on inputs the host sends over RPC (vsock port ML_RPC_PORT) and
 * returns only the class and its score (docs/PAYLOADS.md). Inputs and intermediate
 * activations are not logged.
 *
 * A VM without a vsock device (nothing to serve) classifies the four built-in strokes
 * instead and prints the results: a deterministic run whose console the harness
 * compares between the sim and KVM in the rig.
 */
#include <stdint.h>

#include "stack/guest/include/avf_vm_payload.h"
#include "stack/guest/runtime/rt_virtio.h"
#include "stack/guest/runtime/runtime.h"
#include "stack/guest/usecase/ml.h"

#define ML_RPC_PORT 5683

static int32_t handle(void *ctx, uint16_t method, const void *req, size_t req_len, void *resp,
		      size_t resp_cap, size_t *resp_len, bool *stop)
{
	unsigned *count = ctx;
	int ret = ml_handle(method, req, req_len, resp, resp_cap, resp_len);

	(void)stop;
	if (!ret)
		(*count)++;
	return ret;
}

static void ready(void *param)
{
	(void)param;
	rt_log("ml: %ux%ux%u int8 network, serving on vsock port %u\n", ML_INPUTS, ML_HIDDEN,
	       ML_OUTPUTS, ML_RPC_PORT);
	AVmPayload_notifyServiceReady();
}

/* The strokes of docs/PAYLOADS.md drawn at 100 on a background of 3. */
static int classify_builtin_strokes(void)
{
	static const uint8_t pixels[4][4] = {
		{ 8, 9, 10, 11 }, { 1, 5, 9, 13 }, { 0, 5, 10, 15 }, { 3, 6, 9, 12 },
	};

	rt_log("ml: no vsock device: classifying the built-in strokes\n");
	for (int kind = 0; kind < 4; kind++) {
		int8_t x[ML_INPUTS];
		struct ml_result r;

		for (int i = 0; i < ML_INPUTS; i++)
			x[i] = 3;
		for (int i = 0; i < 4; i++)
			x[pixels[kind][i]] = 100;
		ml_infer(x, &r);
		rt_log("ml: stroke %d: class %u score %d\n", kind, r.cls, (int)r.score);
	}
	AVmPayload_notifyServiceReady();
	return 0;
}

int AVmPayload_main(void)
{
	unsigned count = 0;
	int ret;

	if (!rt_virtio_count(19))
		return classify_builtin_strokes();
	ret = AVmPayload_runVsockRpcServer(ML_RPC_PORT, handle, &count, ready, NULL);
	if (ret) {
		rt_log("ml: the RPC server failed (%d)\n", ret);
		AVmPayload_notifyError(2, "the RPC server failed");
		return 2;
	}
	rt_log("ml: %u inferences, the host closed the connection\n", count);
	return 0;
}
