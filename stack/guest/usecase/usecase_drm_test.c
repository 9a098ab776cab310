// SPDX-License-Identifier: Apache-2.0
/*
 * The drm core against an independent license server written with OpenSSL (X25519,
 * HKDF, ChaCha20-Poly1305 from libcrypto): provisioning, sealing to the store and
 * unsealing on the next "boot", decryption of content, and every refusal (forged
 * licenses, licenses for another VM, tampered or foreign sealed sectors, forged
 * chunks, missing key, failing store) with its exact errno and nothing released, and
 * 5000 random hostile requests.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "stack/guest/usecase/drm.h"

/* ---- a RAM disk as the store -------------------------------------------------------- */

struct ram_store {
	uint8_t sector[DRM_SECTOR_SIZE];
	int fail_write;			/* return this from write when non-zero */
	int writes;
};

static int ram_read(void *ctx, uint8_t sector[DRM_SECTOR_SIZE])
{
	memcpy(sector, ((struct ram_store *)ctx)->sector, DRM_SECTOR_SIZE);
	return 0;
}

static int ram_write(void *ctx, const uint8_t sector[DRM_SECTOR_SIZE])
{
	struct ram_store *s = ctx;

	if (s->fail_write)
		return s->fail_write;
	memcpy(s->sector, sector, DRM_SECTOR_SIZE);
	s->writes++;
	return 0;
}

/* ---- the license server, with OpenSSL ----------------------------------------------- */

static void ossl_x25519(const uint8_t priv[32], const uint8_t peer[32], uint8_t shared[32],
			uint8_t pub[32])
{
	EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
	EVP_PKEY *other = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, 32);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
	size_t len = 32;

	assert_int_equal(EVP_PKEY_get_raw_public_key(key, pub, &len), 1);
	assert_int_equal(EVP_PKEY_derive_init(ctx), 1);
	assert_int_equal(EVP_PKEY_derive_set_peer(ctx, other), 1);
	assert_int_equal(EVP_PKEY_derive(ctx, shared, &len), 1);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(other);
	EVP_PKEY_free(key);
}

static void ossl_hkdf(const char *salt, const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
		      size_t info_len, uint8_t out[32])
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, strlen(salt)),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len),
		OSSL_PARAM_construct_end(),
	};

	assert_int_equal(EVP_KDF_derive(ctx, out, 32, params), 1);
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
}

static void ossl_seal(const uint8_t key[32], const uint8_t nonce[12], const char *aad,
		      const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n;

	assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_chacha20_poly1305(), NULL, key, nonce), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &n, (const uint8_t *)aad, (int)strlen(aad)), 1);
	if (len)
		assert_int_equal(EVP_EncryptUpdate(ctx, out, &n, in, (int)len), 1);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, out + len, &n), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag), 1);
	EVP_CIPHER_CTX_free(ctx);
}

/* The PROVISION body that delivers @k to the VM whose public key is @vm_pub. */
static void license(const uint8_t vm_pub[32], const uint8_t k[32], uint8_t body[80])
{
	static const uint8_t zero_nonce[12];
	uint8_t e[32], shared[32], info[64], wrap[32];

	memset(e, 0x3c, sizeof(e));	/* the server's ephemeral secret */
	ossl_x25519(e, vm_pub, shared, body);
	memcpy(info, body, 32);
	memcpy(info + 32, vm_pub, 32);
	ossl_hkdf("avf-drm license v1", shared, 32, info, 64, wrap);
	ossl_seal(wrap, zero_nonce, "avf-drm license v1", k, 32, body + 32, body + 64);
}

static void expected_key_id(const uint8_t k[32], uint8_t id[8])
{
	uint8_t msg[14 + 32], digest[32];
	unsigned int n;

	memcpy(msg, "avf-drm key id", 14);
	memcpy(msg + 14, k, 32);
	assert_int_equal(EVP_Digest(msg, sizeof(msg), digest, &n, EVP_sha256(), NULL), 1);
	memcpy(id, digest, 8);
}

/* ---- fixtures ------------------------------------------------------------------------ */

static uint8_t prov_secret[32], seal_secret[32], content_key[32];
static struct ram_store disk;
static struct drm d;
static uint8_t resp[1024];
static size_t resp_len;

static struct drm_store store_of(struct ram_store *s)
{
	return (struct drm_store){ .read = ram_read, .write = ram_write, .ctx = s };
}

static int setup(void **state)
{
	struct drm_store st = store_of(&disk);

	(void)state;
	memset(prov_secret, 0x11, 32);
	memset(seal_secret, 0x22, 32);
	for (int i = 0; i < 32; i++)
		content_key[i] = (uint8_t)(0xc0 + i);
	memset(&disk, 0, sizeof(disk));
	return drm_init(&d, prov_secret, seal_secret, &st);
}

static int teardown(void **state)
{
	(void)state;
	drm_fini(&d);
	return 0;
}

static int call(uint16_t method, const uint8_t *req, size_t len)
{
	return drm_handle(&d, method, req, len, resp, sizeof(resp), &resp_len);
}

static void provision_ok(void)
{
	uint8_t body[80], id[8];

	license(d.vm_public, content_key, body);
	assert_int_equal(call(DRM_METHOD_PROVISION, body, 80), 0);
	expected_key_id(content_key, id);
	assert_int_equal(resp_len, 8);
	assert_memory_equal(resp, id, 8);
}

/* Does @needle (32 bytes) occur anywhere in @hay? */
static bool contains(const uint8_t *hay, size_t n, const uint8_t *needle)
{
	for (size_t i = 0; i + 32 <= n; i++)
		if (!memcmp(hay + i, needle, 32))
			return true;
	return false;
}

/* ---- tests --------------------------------------------------------------------------- */

static void test_info_before_provisioning(void **state)
{
	uint8_t shared[32], pub[32], peer[32] = { 9 };

	(void)state;
	assert_false(d.has_key);
	assert_int_equal(call(DRM_METHOD_INFO, NULL, 0), 0);
	assert_int_equal(resp_len, 41);
	/* the public key is X25519(provision secret, 9), as OpenSSL computes it */
	ossl_x25519(prov_secret, peer, shared, pub);
	assert_memory_equal(resp, pub, 32);
	assert_int_equal(resp[32], 0);
	for (int i = 33; i < 41; i++)
		assert_int_equal(resp[i], 0);
	assert_int_equal(call(DRM_METHOD_INFO, resp, 1), -EINVAL);
}

static void test_provision_seal_and_reboot(void **state)
{
	struct drm_store st = store_of(&disk);
	uint8_t id[8];

	(void)state;
	provision_ok();
	assert_int_equal(disk.writes, 1);
	assert_memory_equal(disk.sector, "AVFDRMK1\1\0\0\0\0\0\0\0", 16);
	assert_false(contains(disk.sector, sizeof(disk.sector), content_key));
	for (size_t i = 76; i < DRM_SECTOR_SIZE; i++)
		assert_int_equal(disk.sector[i], 0);
	/* the next boot of the same instance unseals it */
	drm_fini(&d);
	assert_int_equal(drm_init(&d, prov_secret, seal_secret, &st), 0);
	assert_true(d.has_key);
	assert_memory_equal(d.content_key, content_key, 32);
	assert_int_equal(call(DRM_METHOD_INFO, NULL, 0), 0);
	expected_key_id(content_key, id);
	assert_int_equal(resp[32], 1);
	assert_memory_equal(resp + 33, id, 8);
}

static void test_decrypt_chunks(void **state)
{
	static const char frame[] = "frame 0: the quick brown fox";
	uint8_t chunk[12 + sizeof(frame) + 16], nonce[12] = { 7 };

	(void)state;
	memcpy(chunk, nonce, 12);
	ossl_seal(content_key, nonce, "avf-drm content v1", (const uint8_t *)frame, sizeof(frame),
		  chunk + 12, chunk + 12 + sizeof(frame));
	assert_int_equal(call(DRM_METHOD_DECRYPT, chunk, sizeof(chunk)), -ENOKEY);
	provision_ok();
	assert_int_equal(call(DRM_METHOD_DECRYPT, chunk, sizeof(chunk)), 0);
	assert_int_equal(resp_len, sizeof(frame));
	assert_memory_equal(resp, frame, sizeof(frame));
	/* an empty frame is fine; fewer bytes than nonce + tag is not */
	ossl_seal(content_key, nonce, "avf-drm content v1", NULL, 0, chunk + 12, chunk + 12);
	assert_int_equal(call(DRM_METHOD_DECRYPT, chunk, 28), 0);
	assert_int_equal(resp_len, 0);
	assert_int_equal(call(DRM_METHOD_DECRYPT, chunk, 27), -EINVAL);
	/* no room for the plaintext */
	assert_int_equal(drm_handle(&d, DRM_METHOD_DECRYPT, chunk, 28 + 8, resp, 7, &resp_len),
			 -ENOSPC);
}

static void test_forged_chunks_refused(void **state)
{
	uint8_t frame[40], chunk[12 + 40 + 16], nonce[12] = { 1 };

	(void)state;
	provision_ok();
	memset(frame, 'x', sizeof(frame));
	memcpy(chunk, nonce, 12);
	ossl_seal(content_key, nonce, "avf-drm content v1", frame, 40, chunk + 12, chunk + 52);
	for (size_t i = 0; i < sizeof(chunk); i++) {
		chunk[i] ^= 0x01;
		memset(resp, 0xee, sizeof(resp));
		assert_int_equal(call(DRM_METHOD_DECRYPT, chunk, sizeof(chunk)), -EBADMSG);
		assert_int_equal(resp_len, 0);
		assert_int_equal(resp[0], 0xee);	/* nothing released */
		chunk[i] ^= 0x01;
	}
}

static void test_forged_license_refused(void **state)
{
	uint8_t body[80], other_pub[32], other_k[32];

	(void)state;
	provision_ok();
	memset(other_k, 0x5a, sizeof(other_k));
	/* every byte of a license matters */
	for (int i = 0; i < 80; i++) {
		license(d.vm_public, other_k, body);
		body[i] ^= 0x80;
		assert_int_equal(call(DRM_METHOD_PROVISION, body, 80), -EBADMSG);
	}
	/* a license for another VM's key does not open here */
	memcpy(other_pub, d.vm_public, 32);
	other_pub[0] ^= 0x04;
	license(other_pub, other_k, body);
	assert_int_equal(call(DRM_METHOD_PROVISION, body, 80), -EBADMSG);
	/* a small-order point instead of a public key */
	memset(body, 0, 32);
	assert_int_equal(call(DRM_METHOD_PROVISION, body, 80), -EBADMSG);
	assert_int_equal(call(DRM_METHOD_PROVISION, body, 79), -EINVAL);
	/* the key from before is untouched, and nothing else was written */
	assert_memory_equal(d.content_key, content_key, 32);
	assert_int_equal(disk.writes, 1);
}

static void test_sealed_sector_bound_to_instance(void **state)
{
	struct drm_store st = store_of(&disk);
	uint8_t other_seal[32], saved[DRM_SECTOR_SIZE];

	(void)state;
	provision_ok();
	memcpy(saved, disk.sector, sizeof(saved));
	drm_fini(&d);
	/* another instance (another seal secret) cannot open it */
	memset(other_seal, 0x23, sizeof(other_seal));
	assert_int_equal(drm_init(&d, prov_secret, other_seal, &st), -EBADMSG);
	assert_false(d.has_key);
	/* any change to the sealed bytes: refused (header: -EINVAL, the rest: -EBADMSG) */
	for (size_t i = 0; i < 76; i++) {
		memcpy(disk.sector, saved, sizeof(saved));
		disk.sector[i] ^= 0x10;
		drm_fini(&d);
		assert_int_equal(drm_init(&d, prov_secret, seal_secret, &st),
				 i < 16 ? -EINVAL : -EBADMSG);
		assert_false(d.has_key);
	}
	/* sealing is deterministic: the same key gives the same sector */
	memset(disk.sector, 0, sizeof(disk.sector));
	drm_fini(&d);
	assert_int_equal(drm_init(&d, prov_secret, seal_secret, &st), 0);
	provision_ok();
	assert_memory_equal(disk.sector, saved, sizeof(saved));
}

static void test_store_failure_keeps_old_state(void **state)
{
	uint8_t body[80], other_k[32];

	(void)state;
	memset(other_k, 0x77, sizeof(other_k));
	license(d.vm_public, other_k, body);
	disk.fail_write = -EIO;
	assert_int_equal(call(DRM_METHOD_PROVISION, body, 80), -EIO);
	assert_false(d.has_key);
	disk.fail_write = 0;
	assert_int_equal(call(DRM_METHOD_PROVISION, body, 80), 0);
	assert_true(d.has_key);
}

static void test_unknown_method(void **state)
{
	(void)state;
	assert_int_equal(call(0x13, NULL, 0), -ENOSYS);
	assert_int_equal(call(1, NULL, 0), -ENOSYS);
}

/* The host controls every request: random methods and bodies of random sizes only ever
 * get a documented errno (with an empty response) or, for INFO, the public answer. */
static void test_hostile_requests(void **state)
{
	uint64_t seed = 0xd7a;
	uint8_t req[200];

	(void)state;
	provision_ok();
	for (int iter = 0; iter < 5000; iter++) {
		static const uint16_t methods[] = { DRM_METHOD_INFO, DRM_METHOD_PROVISION,
						    DRM_METHOD_DECRYPT, 0, 0x13, 0xffff };
		uint16_t method;
		size_t len;
		int ret;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		method = methods[(seed >> 33) % 6];
		len = (size_t)(seed >> 40) % sizeof(req);
		if (iter % 7 == 0)
			len = method == DRM_METHOD_PROVISION ? 80 : 28 + (size_t)(seed >> 50) % 40;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			req[i] = (uint8_t)(seed >> 56);
		}
		ret = call(method, req, len);
		if (method == DRM_METHOD_INFO && len == 0) {
			assert_int_equal(ret, 0);
			continue;
		}
		if (ret != -EINVAL && ret != -EBADMSG && ret != -ENOSYS)
			fail_msg("method %#x, %zu bytes: %d", method, len, ret);
		assert_int_equal(resp_len, 0);
	}
	/* nothing the host sent changed the key */
	assert_memory_equal(d.content_key, content_key, 32);
	assert_int_equal(disk.writes, 1);
}

static void test_fini_wipes(void **state)
{
	const uint8_t *raw = (const uint8_t *)&d;

	(void)state;
	provision_ok();
	drm_fini(&d);
	for (size_t i = 0; i < sizeof(d); i++)
		assert_int_equal(raw[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_info_before_provisioning, setup, teardown),
		cmocka_unit_test_setup_teardown(test_provision_seal_and_reboot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decrypt_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_chunks_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_license_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sealed_sector_bound_to_instance, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store_failure_keeps_old_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_method, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fini_wipes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
