// SPDX-License-Identifier: Apache-2.0
/*
 * The drm core (drm.h): provisioning by a license server through the untrusted host,
 * sealing to the VM's disk, decryption of content chunks.
 */
#include "stack/guest/crypto/aead.h"
#include "stack/guest/crypto/x25519.h"
#include "stack/guest/usecase/drm.h"
#include "stack/guest/usecase/uc.h"

static const char license_label[] = "avf-drm license v1";	/* 18 bytes */
static const char seal_label[] = "avf-drm seal v1";
static const char content_label[] = "avf-drm content v1";
static const char sector_magic[8] = "AVFDRMK1";

#define SEALED_AAD 16
#define SEALED_NONCE (SEALED_AAD)
#define SEALED_CIPHER (SEALED_NONCE + CRYPTO_AEAD_NONCE_SIZE)
#define SEALED_TAG (SEALED_CIPHER + DRM_KEY_SIZE)

void drm_key_id(const uint8_t key[DRM_KEY_SIZE], uint8_t id[DRM_KEY_ID_SIZE])
{
	struct crypto_sha256_ctx h;
	uint8_t digest[32];

	crypto_sha256_init(&h);
	crypto_sha256_update(&h, "avf-drm key id", 14);
	crypto_sha256_update(&h, key, DRM_KEY_SIZE);
	crypto_sha256_final(&h, digest);
	uc_copy(id, digest, DRM_KEY_ID_SIZE);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n--)
		acc |= *p++;
	return acc == 0;
}

static void use_key(struct drm *d, const uint8_t key[DRM_KEY_SIZE])
{
	uc_copy(d->content_key, key, DRM_KEY_SIZE);
	drm_key_id(key, d->key_id);
	d->has_key = true;
}

/* Parse and open a sealed sector. 0, -EINVAL (not ours), -EBADMSG (does not open). */
static int unseal(struct drm *d, const uint8_t s[DRM_SECTOR_SIZE])
{
	uint8_t key[DRM_KEY_SIZE];
	int ret;

	for (int i = 0; i < 8; i++)
		if (s[i] != (uint8_t)sector_magic[i])
			return -UC_EINVAL;
	if (uc_get_le32(s + 8) != 1 || uc_get_le32(s + 12) != 0)
		return -UC_EINVAL;
	ret = crypto_aead_decrypt(d->seal_enc, s + SEALED_NONCE, s, SEALED_AAD,
				  s + SEALED_CIPHER, DRM_KEY_SIZE, s + SEALED_TAG, key);
	if (ret)
		return -UC_EBADMSG;
	use_key(d, key);
	crypto_wipe(key, sizeof(key));
	return 0;
}

int drm_init(struct drm *d, const uint8_t provision_secret[32], const uint8_t seal_secret[32],
	     const struct drm_store *store)
{
	uint8_t sector[DRM_SECTOR_SIZE];
	int ret;

	*d = (struct drm){ .store = *store };
	uc_copy(d->vm_secret, provision_secret, 32);
	crypto_x25519_public(d->vm_public, d->vm_secret);
	if (crypto_hkdf_sha256(seal_label, sizeof(seal_label) - 1, seal_secret, 32, "enc", 3,
			       d->seal_enc, 32) ||
	    crypto_hkdf_sha256(seal_label, sizeof(seal_label) - 1, seal_secret, 32, "siv", 3,
			       d->seal_siv, 32))
		return -UC_EINVAL;
	ret = d->store.read(d->store.ctx, sector);
	if (!ret && !all_zero(sector, sizeof(sector)))
		ret = unseal(d, sector);
	crypto_wipe(sector, sizeof(sector));
	return ret;
}

/* Seal @key into sector 0. 0 or the store's error. */
static int seal(struct drm *d, const uint8_t key[DRM_KEY_SIZE])
{
	uint8_t sector[DRM_SECTOR_SIZE] = { 0 }, mac[32];
	int ret;

	uc_copy(sector, sector_magic, 8);
	uc_put_le32(sector + 8, 1);
	crypto_hmac_sha256(d->seal_siv, 32, key, DRM_KEY_SIZE, mac);
	uc_copy(sector + SEALED_NONCE, mac, CRYPTO_AEAD_NONCE_SIZE);
	ret = crypto_aead_encrypt(d->seal_enc, sector + SEALED_NONCE, sector, SEALED_AAD, key,
				  DRM_KEY_SIZE, sector + SEALED_CIPHER, sector + SEALED_TAG);
	if (!ret)
		ret = d->store.write(d->store.ctx, sector);
	crypto_wipe(mac, sizeof(mac));
	return ret;
}

/* PROVISION: unwrap the license server's K, seal it, use it. */
static int provision(struct drm *d, const uint8_t *req, size_t len, uint8_t *resp,
		     size_t *resp_len)
{
	static const uint8_t zero_nonce[CRYPTO_AEAD_NONCE_SIZE];
	uint8_t shared[32], info[64], wrap[32], key[DRM_KEY_SIZE];
	int ret;

	if (len != DRM_PROVISION_SIZE)
		return -UC_EINVAL;
	if (crypto_x25519(shared, d->vm_secret, req))
		return -UC_EBADMSG;	/* a small-order "public key": no shared secret */
	uc_copy(info, req, 32);
	uc_copy(info + 32, d->vm_public, 32);
	ret = crypto_hkdf_sha256(license_label, sizeof(license_label) - 1, shared, 32, info,
				 sizeof(info), wrap, sizeof(wrap));
	if (!ret)
		ret = crypto_aead_decrypt(wrap, zero_nonce, license_label,
					  sizeof(license_label) - 1, req + 32, DRM_KEY_SIZE,
					  req + 64, key) ? -UC_EBADMSG : 0;
	if (!ret)
		ret = seal(d, key);
	if (!ret) {
		use_key(d, key);
		uc_copy(resp, d->key_id, DRM_KEY_ID_SIZE);
		*resp_len = DRM_KEY_ID_SIZE;
	}
	crypto_wipe(shared, sizeof(shared));
	crypto_wipe(wrap, sizeof(wrap));
	crypto_wipe(key, sizeof(key));
	return ret;
}

static int decrypt(struct drm *d, const uint8_t *req, size_t len, uint8_t *resp, size_t cap,
		   size_t *resp_len)
{
	size_t n;

	if (!d->has_key)
		return -UC_ENOKEY;
	if (len < DRM_CHUNK_OVERHEAD)
		return -UC_EINVAL;
	n = len - DRM_CHUNK_OVERHEAD;
	if (n > cap)
		return -UC_ENOSPC;
	if (crypto_aead_decrypt(d->content_key, req, content_label, sizeof(content_label) - 1,
				req + CRYPTO_AEAD_NONCE_SIZE, n, req + len - CRYPTO_AEAD_TAG_SIZE,
				resp))
		return -UC_EBADMSG;
	*resp_len = n;
	return 0;
}

int drm_handle(struct drm *d, uint16_t method, const uint8_t *req, size_t len, uint8_t *resp,
	       size_t cap, size_t *resp_len)
{
	*resp_len = 0;
	switch (method) {
	case DRM_METHOD_INFO:
		if (len != 0)
			return -UC_EINVAL;
		uc_copy(resp, d->vm_public, 32);
		resp[32] = d->has_key;
		for (int i = 0; i < DRM_KEY_ID_SIZE; i++)
			resp[33 + i] = d->has_key ? d->key_id[i] : 0;
		*resp_len = 33 + DRM_KEY_ID_SIZE;
		return 0;
	case DRM_METHOD_PROVISION:
		return provision(d, req, len, resp, resp_len);
	case DRM_METHOD_DECRYPT:
		return decrypt(d, req, len, resp, cap, resp_len);
	default:
		return -UC_ENOSYS;
	}
}

void drm_fini(struct drm *d)
{
	crypto_wipe(d, sizeof(*d));
}
