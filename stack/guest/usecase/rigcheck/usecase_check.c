// SPDX-License-Identifier: Apache-2.0
/*
 * usecase-check: the host side of the use-case payloads (docs/PAYLOADS.md) as one
 * program, for places without Python, i.e. inside the KVM rig (one command per boot, no
 * shell). It runs the avf-vmm command given after "--" (which must give the VM
 * "--vsock CID,DIR/vsock", and for drm "--disk DIR/disk.img") and talks to the payload
 * over the vsock bridge with the RPC framing of stack/guest/rtlib/rpc_frame.h.
 *
 *   usecase-check compile-exploit DIR -- avf-vmm run ...
 *       compiles a program, runs the artifact with the host interpreter (bytecode.c),
 *       then sends the malicious source (docs/PAYLOADS.md): the VM must die with
 *       avf-vmm's REBOOT status (32).
 *   usecase-check drm DIR -- avf-vmm run ...
 *       creates DIR/disk.img, boots the VM twice on it: the first boot is provisioned
 *       (this program is the license server, with the guest crypto library's X25519,
 *       HKDF and ChaCha20-Poly1305) and decrypts chunks, the second unseals the key
 *       from the disk and decrypts again; the disk never holds the key.
 *
 * The VM's console goes to this program's stdout as avf-vmm writes it; this program's
 * own lines ("usecase-check: ...") are printed after each VM has ended, so the whole
 * output is deterministic and the same on every backend. Exit status 0 when every
 * check held, 1 otherwise, 2 for bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stack/guest/crypto/aead.h"
#include "stack/guest/crypto/x25519.h"
#include "stack/guest/rtlib/rpc_frame.h"
#include "stack/guest/usecase/bytecode.h"
#include "stack/guest/usecase/compile.h"
#include "stack/guest/usecase/drm.h"

#define CONNECT_DEADLINE_S 600	/* a san build of the sim boots slowly: be generous */
#define COMPILE_PORT 5682
#define DRM_PORT 5681
#define COMPILE_METHOD 0x20

static char report[8192];
static size_t report_len;
static int failures;

/* Queue a line for after the VM has ended. */
__attribute__((format(printf, 1, 2))) static void note(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(report + report_len, sizeof(report) - report_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		report_len += (size_t)n < sizeof(report) - report_len ? (size_t)n
			      : sizeof(report) - report_len - 1;
}

static void check(int ok, const char *what)
{
	note("usecase-check: %s %s\n", ok ? "PASS" : "FAIL", what);
	failures += !ok;
}

static void flush_report(void)
{
	fwrite(report, 1, report_len, stdout);
	fflush(stdout);
	report_len = 0;
}

/* ---- the VMM child ------------------------------------------------------------------- */

static pid_t start_vmm(char **argv)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "usecase-check: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Its exit status (128 + N for signal N). */
static int wait_vmm(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- RPC over the vsock bridge ------------------------------------------------------- */

static int read_full(int fd, void *buf, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* One attempt: the bridge's "CONNECT port" handshake. fd, or -1 (retry later). */
static int try_connect(const char *uds, unsigned port)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[64];
	size_t n = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", uds);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto fail;
	snprintf(line, sizeof(line), "CONNECT %u\n", port);
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		goto fail;
	while (n < sizeof(line) - 1 && read(fd, line + n, 1) == 1 && line[n++] != '\n')
		;
	line[n] = 0;
	if (strncmp(line, "OK ", 3) == 0)
		return fd;
fail:	/* not there yet, or the guest not listening yet (RST) */
	if (fd >= 0)
		close(fd);
	return -1;
}

static int rpc_connect(const char *uds, unsigned port, pid_t vmm)
{
	time_t end = time(NULL) + CONNECT_DEADLINE_S;
	struct timespec pause = { 0, 50 * 1000 * 1000 };

	while (time(NULL) < end) {
		int fd = try_connect(uds, port);

		if (fd >= 0)
			return fd;
		if (waitpid(vmm, NULL, WNOHANG) == vmm)
			return -1;	/* the VM is gone */
		nanosleep(&pause, NULL);
	}
	return -1;
}

/* Send a request, read its response. 0, or -1 when the connection ended first. */
static int rpc_call(int fd, uint16_t method, const void *body, size_t len, int32_t *status,
		    uint8_t *resp, size_t *resp_len)
{
	static uint32_t seq;
	static uint8_t frame[AVF_RPC_MAX_FRAME];
	struct avf_rpc_hdr h = { .body_len = (uint32_t)len, .version = AVF_RPC_VERSION,
				 .kind = AVF_RPC_KIND_REQUEST, .method = method, .seq = ++seq };
	long n = avf_rpc_encode(&h, body, frame, sizeof(frame));

	if (n < 0 || write(fd, frame, (size_t)n) != n)
		return -1;
	if (read_full(fd, frame, AVF_RPC_HDR_SIZE))
		return -1;
	/* the header's body_len (the decoder fills @h only for a complete frame) */
	len = (size_t)frame[0] | (size_t)frame[1] << 8 | (size_t)frame[2] << 16 |
	      (size_t)frame[3] << 24;
	if (len > AVF_RPC_MAX_BODY || read_full(fd, frame + AVF_RPC_HDR_SIZE, len))
		return -1;
	if (avf_rpc_decode(frame, AVF_RPC_HDR_SIZE + len, &h) <= 0 ||
	    h.kind != AVF_RPC_KIND_RESPONSE || h.seq != seq || h.method != method)
		return -1;
	*status = h.status;
	memcpy(resp, frame + AVF_RPC_HDR_SIZE, h.body_len);
	*resp_len = h.body_len;
	return 0;
}

/* ---- compile-exploit -------------------------------------------------------------------- */

static const char program[] = "const k = 7;\nlet a = arg(0) * k - 1;\nout a;\nout a % 4;\n";

static void compile_and_run(int fd)
{
	static uint8_t resp[AVF_RPC_MAX_BODY];
	int64_t args[1] = { 6 }, out[4];
	size_t len, nout = 0;
	int32_t status;

	if (rpc_call(fd, COMPILE_METHOD, program, sizeof(program) - 1, &status, resp, &len) ||
	    status || len < 1 || resp[0] != 0) {
		check(0, "compile: the program compiled");
		return;
	}
	check(bc_run(resp + 1, len - 1, args, 1, out, 4, &nout) == 0 && nout == 2 &&
	      out[0] == 41 && out[1] == 1, "compile: the artifact computes 41 and 1 on the host");
}

static void exploit_source(char *buf, size_t cap)
{
	size_t n = 0;

	for (int i = 0; i < COMPILE_MAX_SYMBOLS; i++)
		n += (size_t)snprintf(buf + n, cap - n, "const n%d = %d;\n", i, i);
	snprintf(buf + n, cap - n, "const pwn = %llu;\nout 1;\n", 0x4141414141414000ull);
}

static int scenario_compile_exploit(const char *dir, char **vmm_argv)
{
	static uint8_t resp[AVF_RPC_MAX_BODY];
	char uds[256], src[1024];
	pid_t pid = start_vmm(vmm_argv);
	size_t len;
	int32_t status;
	int fd, st;

	snprintf(uds, sizeof(uds), "%s/vsock", dir);
	fd = rpc_connect(uds, COMPILE_PORT, pid);
	check(fd >= 0, "compile: connected to the payload");
	if (fd >= 0) {
		compile_and_run(fd);
		exploit_source(src, sizeof(src));
		check(rpc_call(fd, COMPILE_METHOD, src, strlen(src), &status, resp, &len) != 0,
		      "compile: the malicious source got no answer: the VM died");
		close(fd);
	}
	st = wait_vmm(pid);
	note("usecase-check: avf-vmm exited with %d\n", st);
	check(st == 32, "compile: the VM ended with REBOOT (the runtime's panic)");
	return 0;
}

/* ---- drm ----------------------------------------------------------------------------------- */

static uint8_t content_key[32];

/* The license server: content_key wrapped to @vm_pub (docs/PAYLOADS.md, "drm"). */
static void wrap_license(const uint8_t vm_pub[32], uint8_t body[DRM_PROVISION_SIZE])
{
	static const uint8_t zero_nonce[12];
	uint8_t e[32], shared[32], info[64], wrap[32];

	memset(e, 0x2e, sizeof(e));
	crypto_x25519_public(body, e);
	if (crypto_x25519(shared, e, vm_pub))
		memset(shared, 0, sizeof(shared));
	memcpy(info, body, 32);
	memcpy(info + 32, vm_pub, 32);
	crypto_hkdf_sha256("avf-drm license v1", 18, shared, 32, info, 64, wrap, 32);
	crypto_aead_encrypt(wrap, zero_nonce, "avf-drm license v1", 18, content_key, 32,
			    body + 32, body + 64);
}

static size_t make_chunk(unsigned i, uint8_t *out, char *frame, size_t cap)
{
	uint8_t nonce[12] = { 0 };
	size_t n = (size_t)snprintf(frame, cap, "frame %u of the protected content", i);

	nonce[4] = (uint8_t)i;
	memcpy(out, nonce, 12);
	crypto_aead_encrypt(content_key, nonce, "avf-drm content v1", 18, (const uint8_t *)frame,
			    n, out + 12, out + 12 + n);
	return 12 + n + 16;
}

static void decrypt_frames(int fd, unsigned first, const char *boot)
{
	static uint8_t resp[AVF_RPC_MAX_BODY];
	uint8_t chunk[128];
	char frame[64], what[96];
	int ok = 1;

	for (unsigned i = first; i < first + 3; i++) {
		size_t n = make_chunk(i, chunk, frame, sizeof(frame)), len;
		int32_t status;

		ok &= rpc_call(fd, DRM_METHOD_DECRYPT, chunk, n, &status, resp, &len) == 0 &&
		      status == 0 && len == strlen(frame) && !memcmp(resp, frame, len);
	}
	snprintf(what, sizeof(what), "drm: %s: three chunks decrypted to their frames", boot);
	check(ok, what);
}

/* One boot: INFO, then PROVISION when @provision, then chunks. */
static void drm_boot(const char *dir, char **vmm_argv, int provision)
{
	static uint8_t resp[AVF_RPC_MAX_BODY];
	const char *boot = provision ? "first boot" : "second boot";
	uint8_t id[DRM_KEY_ID_SIZE], license[DRM_PROVISION_SIZE];
	char uds[256];
	pid_t pid = start_vmm(vmm_argv);
	size_t len;
	int32_t status;
	int fd, st;

	drm_key_id(content_key, id);
	snprintf(uds, sizeof(uds), "%s/vsock", dir);
	fd = rpc_connect(uds, DRM_PORT, pid);
	check(fd >= 0, provision ? "drm: first boot: connected" : "drm: second boot: connected");
	if (fd >= 0 && !rpc_call(fd, DRM_METHOD_INFO, NULL, 0, &status, resp, &len) &&
	    status == 0 && len == 41) {
		check(resp[32] == !provision && (provision || !memcmp(resp + 33, id, 8)),
		      provision ? "drm: first boot: no key yet"
				: "drm: second boot: the key came back from the disk");
		if (provision) {
			wrap_license(resp, license);
			check(!rpc_call(fd, DRM_METHOD_PROVISION, license, sizeof(license), &status,
					resp, &len) && status == 0 && len == 8 && !memcmp(resp, id, 8),
			      "drm: first boot: provisioned, the key id matches");
		}
		decrypt_frames(fd, provision ? 0 : 10, boot);
	} else {
		check(0, "drm: INFO answered");
	}
	if (fd >= 0)
		close(fd);	/* the payload then exits */
	st = wait_vmm(pid);
	note("usecase-check: avf-vmm exited with %d\n", st);
	check(st == 0, provision ? "drm: first boot: the VM shut down"
				 : "drm: second boot: the VM shut down");
}

static int scenario_drm(const char *dir, char **vmm_argv)
{
	static uint8_t disk[65536];
	char path[256];
	int fd;

	for (int i = 0; i < 32; i++)
		content_key[i] = (uint8_t)(0x5b + 7 * i);
	snprintf(path, sizeof(path), "%s/disk.img", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, disk, sizeof(disk)) != (ssize_t)sizeof(disk)) {
		fprintf(stderr, "usecase-check: %s: %s\n", path, strerror(errno));
		return 1;
	}
	close(fd);
	drm_boot(dir, vmm_argv, 1);
	flush_report();
	drm_boot(dir, vmm_argv, 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	check(fd >= 0 && read(fd, disk, sizeof(disk)) == (ssize_t)sizeof(disk) &&
	      !memcmp(disk, "AVFDRMK1", 8) && !memmem(disk, sizeof(disk), content_key, 32),
	      "drm: the disk holds the sealed key, never the key");
	if (fd >= 0)
		close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir;
	int ret;

	if (argc < 5 || strcmp(argv[3], "--")) {
		fprintf(stderr, "usage: usecase-check compile-exploit|drm DIR -- AVF-VMM-COMMAND...\n");
		return 2;
	}
	dir = argv[2];
	signal(SIGPIPE, SIG_IGN);	/* a dead VM's socket: an error, not a signal */
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "usecase-check: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (!strcmp(argv[1], "compile-exploit"))
		ret = scenario_compile_exploit(dir, argv + 4);
	else if (!strcmp(argv[1], "drm"))
		ret = scenario_drm(dir, argv + 4);
	else
		return fprintf(stderr, "usecase-check: unknown scenario '%s'\n", argv[1]), 2;
	flush_report();
	if (ret)
		return ret;
	printf("usecase-check: %s: %s\n", argv[1], failures ? "FAILED" : "all checks passed");
	return failures ? 1 : 0;
}
