// SPDX-License-Identifier: Apache-2.0
/*
 * The drm payload's content key is never in host-visible memory (docs/PAYLOADS.md).
 *
 * The signed payload-drm boots through the real pvmfw in a protected VM on the sim, in
 * this process (the VMM library, one deterministic turn at a time). This test plays the
 * license server and the content player over vsock RPC and, after every turn, reads every
 * page of the VM's RAM the way a malicious host can (vmm_read_guest: the hyp's view,
 * which refuses the protected VM's private pages) and searches it for the key. Checked:
 *   - the key is in none of the readable pages at any scan, nor on the disk image;
 *   - the scanner does see what the guest shares (positive control): the wrapped
 *     license and the plaintext frames the guest returns pass through the bounce pages
 *     and are found there, so a key leaked into them would be found too;
 *   - most of the VM's RAM is not readable at all (the protected VM's private memory).
 * Inputs: build/guest/img/pvmfw-dev.bin and payload-drm.payload (`make guest`), read
 * relative to the repository root, where `make test` runs the unit tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "stack/guest/usecase/drm.h"
#include "stack/vmm/layout.h"
#include "stack/vmm/vmm.h"

#define RAM_MIB 32
#define PAGE 4096u
#define DRM_PORT 5681
#define NFRAMES 3
#define MAX_TURNS 20000000ull

static const char pvmfw_path[] = "build/guest/img/pvmfw-dev.bin";
static const char payload_path[] = "build/guest/img/payload-drm.payload";

/* ---- the license server (OpenSSL) -------------------------------------------------- */

static uint8_t content_key[32];

static void wrap_license(const uint8_t vm_pub[32], uint8_t body[DRM_PROVISION_SIZE])
{
	static const uint8_t nonce[12];
	uint8_t e[32], shared[32], info[64], wrap[32];
	EVP_PKEY *key, *peer;
	EVP_PKEY_CTX *dh;
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *kctx = EVP_KDF_CTX_new(kdf);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	size_t n = 32;
	int outl;

	memset(e, 0x6b, sizeof(e));
	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, e, 32);
	peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, vm_pub, 32);
	assert_int_equal(EVP_PKEY_get_raw_public_key(key, body, &n), 1);
	dh = EVP_PKEY_CTX_new(key, NULL);
	assert_int_equal(EVP_PKEY_derive_init(dh), 1);
	assert_int_equal(EVP_PKEY_derive_set_peer(dh, peer), 1);
	assert_int_equal(EVP_PKEY_derive(dh, shared, &n), 1);
	memcpy(info, body, 32);
	memcpy(info + 32, vm_pub, 32);
	{
		OSSL_PARAM p[] = {
			OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
			OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
							  (char *)"avf-drm license v1", 18),
			OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, shared, 32),
			OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, 64),
			OSSL_PARAM_construct_end(),
		};
		assert_int_equal(EVP_KDF_derive(kctx, wrap, 32, p), 1);
	}
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_chacha20_poly1305(), NULL, wrap, nonce), 1);
	assert_int_equal(EVP_EncryptUpdate(c, NULL, &outl, (const uint8_t *)"avf-drm license v1",
					   18), 1);
	assert_int_equal(EVP_EncryptUpdate(c, body + 32, &outl, content_key, 32), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, body + 64, &outl), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, body + 64), 1);
	EVP_CIPHER_CTX_free(c);
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	EVP_PKEY_CTX_free(dh);
	EVP_PKEY_free(peer);
	EVP_PKEY_free(key);
}

/* A frame the guest will return in plaintext: recognisable, 64 bytes. */
static void frame_text(int i, uint8_t out[64])
{
	memset(out, 0, 64);
	snprintf((char *)out, 64, "drm-scan plaintext frame %d: %s", i,
		 "abcdefghijklmnopqrstuvwxyz");
}

static size_t encrypt_chunk(int i, uint8_t *out)
{
	uint8_t nonce[12] = { 0 }, frame[64];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int outl;

	nonce[4] = (uint8_t)i;
	frame_text(i, frame);
	memcpy(out, nonce, 12);
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_chacha20_poly1305(), NULL, content_key, nonce), 1);
	assert_int_equal(EVP_EncryptUpdate(c, NULL, &outl, (const uint8_t *)"avf-drm content v1",
					   18), 1);
	assert_int_equal(EVP_EncryptUpdate(c, out + 12, &outl, frame, 64), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, out + 76, &outl), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, out + 76), 1);
	EVP_CIPHER_CTX_free(c);
	return 12 + 64 + 16;
}

/* ---- the RPC client, driven between turns ------------------------------------------- */

enum step { WAIT_READY, WAIT_OK, WAIT_INFO, WAIT_PROVISION, WAIT_FRAME, DONE };

struct client {
	enum step step;
	int fd, frame;
	uint32_t seq;
	uint8_t in[DRM_SECTOR_SIZE * 20];
	size_t in_len;
	uint8_t vm_pub[32], license[DRM_PROVISION_SIZE];
	bool ready, got_frames;
};

static void send_request(struct client *c, uint16_t method, const uint8_t *body, size_t len)
{
	uint8_t frame[16 + 256];

	assert_true(len <= 256);
	c->seq++;
	frame[0] = (uint8_t)len; frame[1] = (uint8_t)(len >> 8); frame[2] = 0; frame[3] = 0;
	frame[4] = 1; frame[5] = 1;
	frame[6] = (uint8_t)method; frame[7] = (uint8_t)(method >> 8);
	memset(frame + 8, 0, 4);
	memcpy(frame + 12, &c->seq, 4);	/* little-endian host */
	if (len)
		memcpy(frame + 16, body, len);
	assert_int_equal(send(c->fd, frame, 16 + len, 0), (ssize_t)(16 + len));
}

/* A complete response in c->in: its status and body (consumed). false if not yet. */
static bool take_response(struct client *c, int32_t *status, uint8_t *body, size_t *len)
{
	uint32_t blen;

	if (c->in_len < 16)
		return false;
	memcpy(&blen, c->in, 4);
	if (c->in_len < 16 + blen)
		return false;
	assert_int_equal(c->in[5], 2);
	memcpy(status, c->in + 8, 4);
	memcpy(body, c->in + 16, blen);
	*len = blen;
	memmove(c->in, c->in + 16 + blen, c->in_len - 16 - blen);
	c->in_len -= 16 + blen;
	return true;
}

static void client_connect(struct client *c, const char *uds)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[32];
	int n = snprintf(line, sizeof(line), "CONNECT %d\n", DRM_PORT);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", uds);
	c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(c->fd >= 0);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(fcntl(c->fd, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(send(c->fd, line, (size_t)n, 0), n);
	c->step = WAIT_OK;
}

/* Advance the conversation with what arrived. true when something happened. */
static bool client_poll(struct client *c)
{
	uint8_t body[1024], chunk[128], want[64];
	int32_t status;
	size_t len;
	ssize_t n;

	if (c->step == WAIT_READY || c->step == DONE)
		return false;
	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return false;
	assert_true(n > 0);
	c->in_len += (size_t)n;
	if (c->step == WAIT_OK) {
		uint8_t *nl = memchr(c->in, '\n', c->in_len);

		if (!nl)
			return true;
		assert_memory_equal(c->in, "OK ", 3);
		c->in_len -= (size_t)(nl + 1 - c->in);
		memmove(c->in, nl + 1, c->in_len);
		send_request(c, DRM_METHOD_INFO, NULL, 0);
		c->step = WAIT_INFO;
		return true;
	}
	if (!take_response(c, &status, body, &len))
		return true;
	assert_int_equal(status, 0);
	switch (c->step) {
	case WAIT_INFO:
		assert_int_equal(len, 41);
		assert_int_equal(body[32], 0);	/* a fresh disk: no key yet */
		memcpy(c->vm_pub, body, 32);
		wrap_license(c->vm_pub, c->license);
		send_request(c, DRM_METHOD_PROVISION, c->license, sizeof(c->license));
		c->step = WAIT_PROVISION;
		break;
	case WAIT_PROVISION:
		assert_int_equal(len, DRM_KEY_ID_SIZE);
		c->frame = 0;
		send_request(c, DRM_METHOD_DECRYPT, chunk, encrypt_chunk(0, chunk));
		c->step = WAIT_FRAME;
		break;
	case WAIT_FRAME:
		frame_text(c->frame, want);
		assert_int_equal(len, 64);
		assert_memory_equal(body, want, 64);
		if (++c->frame < NFRAMES) {
			send_request(c, DRM_METHOD_DECRYPT, chunk, encrypt_chunk(c->frame, chunk));
		} else {
			close(c->fd);	/* the payload then exits */
			c->step = DONE;
		}
		break;
	default:
		fail();
	}
	return true;
}

static void on_payload(void *ctx, struct vmm *v, const struct vmm_payload_event *ev)
{
	struct client *c = ctx;

	(void)v;
	if (ev->kind == VMM_PAYLOAD_READY)
		c->ready = true;
	if (ev->kind == VMM_PAYLOAD_ERROR)
		fail_msg("the payload reported error %d: %s", ev->code, ev->message);
}

/* ---- the scan -------------------------------------------------------------------------- */

struct scan {
	uint64_t scans, readable_max, key_hits, license_hits, frame_hits;
};

static bool find(const uint8_t *hay, size_t n, const void *needle, size_t len)
{
	return memmem(hay, n, needle, len) != NULL;
}

/* Read every page of RAM as the host can; search the key (also across page borders). */
static void scan(struct vmm *v, const struct client *c, struct scan *s)
{
	static uint8_t buf[PAGE + 64];
	uint8_t frame[64];
	uint64_t readable = 0;
	bool prev = false;

	s->scans++;
	for (uint64_t ipa = VMM_RAM_BASE; ipa < VMM_RAM_BASE + ((uint64_t)RAM_MIB << 20);
	     ipa += PAGE) {
		int r = vmm_read_guest(v, ipa, buf + 64, PAGE);

		if (r == -EPERM) {
			prev = false;
			continue;
		}
		assert_int_equal(r, 0);
		readable++;
		/* with the previous page's last 64 bytes in front when it was readable */
		if (find(prev ? buf : buf + 64, prev ? PAGE + 64 : PAGE, content_key, 32))
			s->key_hits++;
		if (find(buf + 64, PAGE, c->license + 32, 48))
			s->license_hits++;
		for (int i = 0; i < NFRAMES; i++) {
			frame_text(i, frame);
			if (find(buf + 64, PAGE, frame, 40))
				s->frame_hits++;
		}
		memcpy(buf, buf + PAGE, 64);
		prev = true;
	}
	if (readable > s->readable_max)
		s->readable_max = readable;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	long n;

	if (!f)
		fail_msg("%s: %s (run `make guest` first, from the repository root)", path,
			 strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = malloc((size_t)n);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return data;
}

/* The service's end of the payload relay (docs/SERVICE.md): listen at @path. */
static int relay_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1), 0);
	return fd;
}

/* After the VM: everything the VMM relayed, as one string. */
static void relay_read(int fd, char *out, size_t cap)
{
	int conn = accept(fd, NULL, NULL);
	size_t n = 0;
	ssize_t r;

	assert_true(conn >= 0);
	while (n + 1 < cap && (r = recv(conn, out + n, cap - 1 - n, 0)) > 0)
		n += (size_t)r;
	out[n] = 0;
	close(conn);
	close(fd);
}

static void test_key_never_host_visible(void **state)
{
	char dir[] = "/tmp/drm-scan-XXXXXX", disk[64], uds[64], console[64], relay[80],
	     relayed[256];
	struct client c = { .step = WAIT_READY, .fd = -1 };
	struct scan s = { 0 };
	struct vmm_host_config hc = { .phys_mib = RAM_MIB + 32, .seed = 1 };
	struct vmm_host *host;
	struct vmm *v;
	enum vmm_end end = VMM_END_ERROR;
	size_t fw_len, disk_len;
	uint8_t *fw, *image;
	uint64_t turns = 0;
	int fd, r, relay_fd;

	(void)state;
	for (int i = 0; i < 32; i++)
		content_key[i] = (uint8_t)(0x9d ^ (i * 37));
	assert_non_null(mkdtemp(dir));
	snprintf(disk, sizeof(disk), "%s/disk.img", dir);
	snprintf(uds, sizeof(uds), "%s/vsock", dir);
	snprintf(console, sizeof(console), "%s/console", dir);
	snprintf(relay, sizeof(relay), "%s_5000", uds);
	relay_fd = relay_listen(relay);
	fd = open(disk, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0 && ftruncate(fd, 65536) == 0);
	close(fd);
	fw = slurp(pvmfw_path, &fw_len);
	free(slurp(payload_path, &disk_len));	/* fail early and clearly if it is missing */
	hc.pvmfw = fw;
	hc.pvmfw_size = fw_len;
	assert_int_equal(vmm_host_create(&hc, &host), 0);
	{
		struct vmm_config cfg = {
			.name = "drm-scan", .nr_vcpus = 1, .mem_mib = RAM_MIB, .protected_vm = true,
			.kernel = payload_path, .console_out = console, .nr_disks = 1,
			.disks = { { .path = disk } }, .vsock_cid = 3, .vsock_uds = uds,
			.instance_id = 0x5ca9, .hook_ctx = &c, .on_payload = on_payload,
		};
		assert_int_equal(vmm_create(host, &cfg, &v), 0);
	}
	for (;;) {
		bool idle = false, progressed;

		r = vmm_run_turn(v, &idle, &end);
		assert_true(r >= 0);
		if (r == 1)
			break;
		if (c.ready && c.step == WAIT_READY)
			client_connect(&c, uds);
		progressed = client_poll(&c);
		scan(v, &c, &s);	/* after every turn: ~1300 scans, a few seconds */
		if (idle && !progressed)
			(void)vmm_host_advance_idle(host);	/* -ENOENT: the host must act */
		if (++turns > MAX_TURNS)
			fail_msg("the VM did not end within %llu turns (client step %d)",
				 (unsigned long long)MAX_TURNS, c.step);
	}
	assert_int_equal(end, VMM_END_SHUTDOWN);
	assert_int_equal(c.step, DONE);
	vmm_destroy(v);
	relay_read(relay_fd, relayed, sizeof(relayed));
	assert_string_equal(relayed, "ready\nfinished 0\n");
	vmm_host_destroy(host);
	free(fw);

	image = slurp(disk, &disk_len);
	assert_memory_equal(image, "AVFDRMK1", 8);
	assert_false(find(image, disk_len, content_key, 32));
	free(image);
	print_message("%llu scans of %d MiB, at most %llu readable pages; license seen %llu "
		      "times, frames %llu times, the key 0 times\n",
		      (unsigned long long)s.scans, RAM_MIB, (unsigned long long)s.readable_max,
		      (unsigned long long)s.license_hits, (unsigned long long)s.frame_hits);
	assert_int_equal(s.key_hits, 0);
	assert_true(s.license_hits > 0);	/* the scan reaches the bounce pages */
	assert_true(s.frame_hits > 0);
	assert_true(s.readable_max < ((uint64_t)RAM_MIB << 20) / PAGE / 8);
	unlink(disk);
	unlink(console);
	unlink(uds);
	unlink(relay);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_never_host_visible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
