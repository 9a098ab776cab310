// SPDX-License-Identifier: Apache-2.0
/*
 * avf-rpc-echo UDS PORT [CALLS] [-- VMM-COMMAND...]: connect to guest vsock PORT through the VMM's hybrid
 * vsock socket UDS (avf-vmm --vsock CID,UDS) with libavf's RPC client, make CALLS echo
 * calls (method 1; default 8) with bodies of deterministic sizes and bytes (0 bytes, 1,
 * and up to the 8192-byte maximum), check each answer byte for byte, check that an
 * unknown method gets status -ENOSYS, close. Prints one line per check; exit 0 when all
 * passed, 1 otherwise, 2 on bad usage. The harness's echo test (docs/RPC.md).
 * AVF_RPC_ECHO_CONNECT_MS bounds how long a refused connection is retried (default 120 s).
 * With "-- VMM-COMMAND...", it first starts that command (the avf-vmm running the
 * payload), and after the calls waits for it: the exit status is then 0 only when the
 * calls passed and the command exited 0. That is how the KVM rig, which runs a single
 * program and has no shell, runs the VMM and the client together (harness/test_runtime.py).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stack/api/avf.h"
#include "stack/guest/rtlib/rpc_frame.h"

#define CONNECT_TIMEOUT_MS	120000
#define CALL_TIMEOUT_MS		120000

static uint8_t req[AVF_RPC_MAX_BODY], resp[AVF_RPC_MAX_BODY];

/* Call i's body size: the edges first, then a spread (deterministic). */
static size_t size_of_call(unsigned i)
{
	static const size_t edges[] = { 0, 1, AVF_RPC_MAX_BODY, 4095, 4096, 4097 };

	if (i < sizeof(edges) / sizeof(edges[0]))
		return edges[i];
	return (i * 2654435761u) % (AVF_RPC_MAX_BODY + 1);
}

static int echo_once(struct avf_rpc *c, unsigned i)
{
	size_t n = size_of_call(i), got = 0;
	int32_t status = 1;
	int ret;

	for (size_t k = 0; k < n; k++)
		req[k] = (uint8_t)(k * 7 + i);
	ret = avf_rpc_call(c, AVF_RPC_METHOD_ECHO, req, n, resp, sizeof(resp), &got, &status,
			   CALL_TIMEOUT_MS);
	if (ret) {
		printf("echo %u (%zu bytes): %s\n", i, n, avf_last_error());
		return 1;
	}
	if (status != 0 || got != n || memcmp(req, resp, n)) {
		printf("echo %u (%zu bytes): status %d, %zu bytes back, %s\n", i, n, status, got,
		       got == n && !memcmp(req, resp, n) ? "same bytes" : "different bytes");
		return 1;
	}
	printf("echo %u: %zu bytes ok\n", i, n);
	return 0;
}

static int unknown_method(struct avf_rpc *c)
{
	int32_t status = 0;
	size_t got = 1;
	int ret = avf_rpc_call(c, 99, "x", 1, resp, sizeof(resp), &got, &status, CALL_TIMEOUT_MS);

	if (ret || status != -ENOSYS || got != 0) {
		printf("method 99: ret %d, status %d, %zu bytes (want status %d, none)\n", ret,
		       status, got, -ENOSYS);
		return 1;
	}
	printf("method 99: status -ENOSYS ok\n");
	return 0;
}

/* Start @argv; its pid or -1. */
static pid_t spawn(char **argv)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "avf-rpc-echo: cannot run %s\n", argv[0]);
		_exit(127);
	}
	return pid;
}

/* The spawned command's exit: its status, 128 + N for signal N. */
static int reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) < 0)
		return -1;
	fflush(stdout);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	unsigned calls = 8, failed = 0;
	int connect_ms = CONNECT_TIMEOUT_MS, nargs = argc, vmm_status = 0;
	pid_t vmm = 0;
	struct avf_rpc *c;
	char *end;
	unsigned long port;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			nargs = i;
			break;
		}
	if (nargs < 3 || nargs > 4 || (nargs < argc && nargs + 1 == argc)) {
		fprintf(stderr, "usage: avf-rpc-echo UDS PORT [CALLS] [-- VMM-COMMAND...]\n");
		return 2;
	}
	port = strtoul(argv[2], &end, 0);
	if (*end || port == 0 || port > 0xffffffffu) {
		fprintf(stderr, "avf-rpc-echo: bad port '%s'\n", argv[2]);
		return 2;
	}
	if (nargs == 4)
		calls = (unsigned)strtoul(argv[3], NULL, 0);
	if (nargs < argc && (vmm = spawn(argv + nargs + 1)) < 0) {
		fprintf(stderr, "avf-rpc-echo: fork failed\n");
		return 1;
	}
	if (getenv("AVF_RPC_ECHO_CONNECT_MS"))
		connect_ms = atoi(getenv("AVF_RPC_ECHO_CONNECT_MS"));
	if (avf_rpc_connect_uds(argv[1], (uint32_t)port, connect_ms, &c)) {
		printf("connect: %s\n", avf_last_error());
		failed = 1;
	} else {
		for (unsigned i = 0; i < calls; i++)
			failed += (unsigned)echo_once(c, i);
		failed += (unsigned)unknown_method(c);
		avf_rpc_close(c);
		printf("%s\n", failed ? "FAILED" : "all calls ok");
	}
	if (vmm > 0) {
		vmm_status = reap(vmm);
		printf("avf-rpc-echo: the VMM exited with %d\n", vmm_status);
	}
	return failed || vmm_status ? 1 : 0;
}
