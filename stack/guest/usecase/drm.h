/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "drm" use case's core (docs/PAYLOADS.md, "drm"): a content key that exists only
 * inside the VM. The license-server model:
 *
 *  1. The VM has a provisioning key pair (X25519), derived from its instance secret, so
 *     stable for the instance: DRM_METHOD_INFO returns the public half (in AVF the
 *     license server would check it against the VM's DICE chain).
 *  2. The license server wraps the content key K to that public key: an ephemeral
 *     X25519 key E, wrap key = HKDF-SHA-256(salt "avf-drm license v1", IKM the shared
 *     secret, info E_pub || VM_pub), K encrypted with ChaCha20-Poly1305 (nonce 0, aad
 *     "avf-drm license v1"). DRM_METHOD_PROVISION carries E_pub, the ciphertext, the
 *     tag. The host relays it but cannot open it.
 *  3. The VM unwraps K and seals it to its disk (sector 0) with a key derived from its
 *     other instance secret: only this instance of this payload authority can unseal
 *     it, on every later boot.
 *  4. The host sends content chunks encrypted under K (DRM_METHOD_DECRYPT) and gets the
 *     plaintext frames back.
 *
 * Sealed sector (512 bytes): "AVFDRMK1", u32 version 1, u32 0 (these 16 bytes are the
 * AEAD's aad), nonce[12], ciphertext[32], tag[16], zeros. The seal is ChaCha20-Poly1305
 * under enc = HKDF(salt "avf-drm seal v1", IKM seal secret, info "enc"); the nonce is
 * synthetic: HMAC-SHA-256(siv = HKDF(..., info "siv"), K)[0..12), so sealing needs no
 * randomness and a nonce repeats only for the same K (which leaks only that equality).
 */
#ifndef AVF_GUEST_USECASE_DRM_H
#define AVF_GUEST_USECASE_DRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DRM_KEY_SIZE 32
#define DRM_KEY_ID_SIZE 8
#define DRM_SECTOR_SIZE 512

/* RPC methods (docs/RPC.md frames; bodies below). */
#define DRM_METHOD_INFO 0x10		/* () -> vm_pub[32] | u8 has_key | key_id[8] */
#define DRM_METHOD_PROVISION 0x11	/* e_pub[32] | wrapped[32] | tag[16] -> key_id[8] */
#define DRM_METHOD_DECRYPT 0x12		/* nonce[12] | ciphertext | tag[16] -> plaintext */

#define DRM_PROVISION_SIZE 80
#define DRM_CHUNK_OVERHEAD 28		/* nonce + tag */

/* Where the sealed key lives: sector 0 of a disk the payload owns. */
struct drm_store {
	int (*read)(void *ctx, uint8_t sector[DRM_SECTOR_SIZE]);	/* 0 or -errno */
	int (*write)(void *ctx, const uint8_t sector[DRM_SECTOR_SIZE]);	/* durable on 0 */
	void *ctx;
};

struct drm {
	uint8_t vm_secret[32], vm_public[32];	/* provisioning key pair */
	uint8_t seal_enc[32], seal_siv[32];
	uint8_t content_key[DRM_KEY_SIZE];
	uint8_t key_id[DRM_KEY_ID_SIZE];
	bool has_key;
	struct drm_store store;
};

/*
 * Set up @d from two 32-byte instance secrets (the payload takes them from
 * AVmPayload_getVmInstanceSecret with identifiers "drm.provision" and "drm.seal") and
 * load a sealed key from @store if there is one. Returns 0 (d->has_key says whether a
 * key was unsealed; an all-zero sector 0 is "none yet"), -EBADMSG (sector 0 holds a
 * sealed key that does not authenticate: tampered, or another instance's), -EINVAL
 * (sector 0 holds something else), or the store's error.
 */
int drm_init(struct drm *d, const uint8_t provision_secret[32], const uint8_t seal_secret[32],
	     const struct drm_store *store);

/* The key id the host can compute too: SHA-256("avf-drm key id" || K)[0..8). */
void drm_key_id(const uint8_t key[DRM_KEY_SIZE], uint8_t id[DRM_KEY_ID_SIZE]);

/*
 * Serve one request: @method with body @req (@len bytes); the response body goes to
 * @resp (@cap bytes, at least 64), its size to *@resp_len. 0 or a negative errno the
 * RPC layer returns as the response status:
 *   -ENOSYS unknown method; -EINVAL bad body size; -EBADMSG a wrapped key or chunk that
 *   does not authenticate (nothing released); -ENOKEY DECRYPT before any key;
 *   -ENOSPC the plaintext does not fit @cap; the store's error when sealing fails
 *   (the new key is then not used either).
 */
int drm_handle(struct drm *d, uint16_t method, const uint8_t *req, size_t len, uint8_t *resp,
	       size_t cap, size_t *resp_len);

/* Wipe every secret in @d. */
void drm_fini(struct drm *d);

#endif /* AVF_GUEST_USECASE_DRM_H */
