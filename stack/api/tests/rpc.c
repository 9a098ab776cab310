// SPDX-License-Identifier: Apache-2.0
/*
 * avfapi-check rpc: libavf's connect to a live guest (docs/RPC.md): open a VM the
 * service runs by id, avf_vm_connect_vsock() to its port, wrap the stream with
 * avf_rpc_from_fd() and call echo (method 1) with bodies of 0, 1, 100 and 8192 bytes
 * (each must come back byte for byte, status 0) and an unknown method (status -ENOSYS,
 * empty body), then connect to a port nobody serves (-ECONNREFUSED).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "stack/api/avf.h"
#include "stack/api/tests/check.h"

#define ECHO_METHOD 1
#define UNKNOWN_METHOD 0x7777
#define MAX_BODY 8192

static int echo_calls(struct avf_rpc *rpc)
{
	static const size_t sizes[] = { 0, 1, 100, MAX_BODY };
	static uint8_t req[MAX_BODY], resp[MAX_BODY];
	size_t len;
	int32_t status;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (size_t k = 0; k < sizes[i]; k++)
			req[k] = (uint8_t)(k * 7 + i);
		if (avf_rpc_call(rpc, ECHO_METHOD, req, sizes[i], resp, sizeof(resp), &len,
				 &status, 30000) || status || len != sizes[i] ||
		    memcmp(req, resp, len)) {
			fprintf(stderr, "rpc: echo of %zu bytes: status %d, %zu bytes back (%s)\n",
				sizes[i], status, len, avf_last_error());
			return -1;
		}
	}
	if (avf_rpc_call(rpc, UNKNOWN_METHOD, "x", 1, resp, sizeof(resp), &len, &status,
			 30000) || status != -ENOSYS || len != 0) {
		fprintf(stderr, "rpc: unknown method: status %d, %zu bytes\n", status, len);
		return -1;
	}
	return 0;
}

int check_rpc(const char *socket, uint32_t vm_id, uint32_t port, uint32_t closed_port)
{
	struct avf_service *svc;
	struct avf_vm *vm = NULL;
	struct avf_rpc *rpc = NULL;
	int fd, ret = 1;

	if (avf_service_connect(socket, &svc) || avf_vm_open(svc, vm_id, &vm)) {
		fprintf(stderr, "rpc: %s\n", avf_last_error());
		goto out;
	}
	fd = avf_vm_connect_vsock(vm, port);
	if (fd < 0 || avf_rpc_from_fd(fd, &rpc)) {
		fprintf(stderr, "rpc: connect to port %u: %s\n", port, avf_last_error());
		goto out;
	}
	if (echo_calls(rpc))
		goto out;
	fd = avf_vm_connect_vsock(vm, closed_port);
	if (fd != -ECONNREFUSED) {
		fprintf(stderr, "rpc: port %u: %d, not -ECONNREFUSED\n", closed_port, fd);
		goto out;
	}
	printf("rpc: 5 calls on port %u ok; port %u refused: %s\n", port, closed_port,
	       avf_last_error());
	ret = 0;
out:
	avf_rpc_close(rpc);
	avf_vm_free(vm);
	avf_service_close(svc);
	return ret;
}
