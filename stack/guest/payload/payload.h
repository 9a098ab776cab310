/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing and verification of signed payloads (format: stack/guest/include/
 * avf_payload_format.h, docs/PAYLOAD.md). Freestanding C on top of guestcrypto, built
 * twice: into the pvmfw-like firmware (bare metal) and into host programs (avf-sign, the
 * service, tests), so the host and the firmware agree on every verdict by construction.
 *
 * Two steps, so a tool can inspect a payload it has no key for:
 *   avf_payload_parse()   structure only: magic, format version, header fields, sizes;
 *   avf_payload_verify()  key id, signature, rollback index against a trusted key.
 * Every failure has its own status, in the order the checks run (first failure wins),
 * and a fixed English phrase (avf_payload_detail) naming the field or check that failed.
 * Nothing here allocates, keeps state or reads beyond the size it is given.
 */
#ifndef AVF_GUEST_PAYLOAD_H
#define AVF_GUEST_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/guest/include/avf_payload_format.h"

enum avf_payload_status {
	AVF_PAYLOAD_OK = 0,
	AVF_PAYLOAD_TRUNCATED,		/* the data ends before a part the header declares */
	AVF_PAYLOAD_BAD_MAGIC,		/* not a payload at all */
	AVF_PAYLOAD_UNSUPPORTED_FORMAT,	/* format_version is not one we read */
	AVF_PAYLOAD_BAD_HEADER,		/* a header field is out of range or reserved != 0 */
	AVF_PAYLOAD_TRAILING_DATA,	/* bytes after the signature */
	AVF_PAYLOAD_UNKNOWN_KEY,	/* key_id is not the trusted key's */
	AVF_PAYLOAD_BAD_SIGNATURE,	/* the signature does not verify under the trusted key */
	AVF_PAYLOAD_VERSION_TOO_OLD,	/* payload_version below the minimum (rollback) */
	AVF_PAYLOAD_BAD_TRUSTED_KEY,	/* the trusted key itself is unusable (not a point,
					 * small order): a configuration error, not the payload's */
	AVF_PAYLOAD_NR_STATUS,
};

/* The header's fields, decoded (reserved bytes are checked, not kept). */
struct avf_payload_fields {
	uint32_t format_version;
	uint32_t header_size;
	uint64_t payload_version;
	uint64_t code_size;
	uint64_t entry_offset;
	uint64_t load_addr;
	uint64_t mem_size;
	uint32_t hash_alg;
	uint32_t sig_alg;
	uint8_t key_id[AVF_PAYLOAD_KEY_ID_SIZE];
	uint32_t sig_size;
	uint32_t flags;
};

/* A parsed payload: views into the caller's buffer, valid as long as it is. */
struct avf_payload {
	struct avf_payload_fields hdr;
	const uint8_t *image;		/* the whole payload: header, code, signature */
	size_t image_size;		/* header_size + code_size + sig_size exactly */
	const uint8_t *code;		/* image + header_size */
	const uint8_t *signature;	/* image + header_size + code_size */
};

/* The largest digest (SHA-512) and signed message this format uses. */
#define AVF_PAYLOAD_MAX_DIGEST_SIZE	64
#define AVF_PAYLOAD_MAX_MESSAGE_SIZE	(AVF_PAYLOAD_SIG_CONTEXT_SIZE + AVF_PAYLOAD_MAX_DIGEST_SIZE)

/*
 * Check the structure of the @size bytes at @data and fill @out. Checks, in this order:
 *   fewer than 8 bytes                                -> TRUNCATED
 *   magic != AVF_PAYLOAD_MAGIC                        -> BAD_MAGIC
 *   fewer than 16 bytes                               -> TRUNCATED
 *   format_version != 1                               -> UNSUPPORTED_FORMAT
 *   fewer than 128 bytes                              -> TRUNCATED
 *   header_size, flags, reserved, hash_alg, sig_alg, sig_size, code_size == 0,
 *   entry_offset, load_addr, mem_size (see the format header)   -> BAD_HEADER
 *   fewer than header_size + code_size + sig_size     -> TRUNCATED
 *   more than that                                    -> TRAILING_DATA
 * On error *@detail (if not NULL) names the failing check and @out is unspecified.
 * @data may be NULL when @size is 0.
 */
enum avf_payload_status avf_payload_parse(const void *data, size_t size, struct avf_payload *out,
					  const char **detail);

/*
 * Verify a parsed payload against @trusted_key (raw Ed25519, 32 bytes), refusing a
 * rollback below @min_version. Checks, in this order:
 *   key_id != avf_payload_key_id(trusted_key)         -> UNKNOWN_KEY
 *   trusted_key unusable (crypto_ed25519_verify EINVAL)-> BAD_TRUSTED_KEY
 *   signature does not verify                         -> BAD_SIGNATURE
 *   payload_version < min_version                     -> VERSION_TOO_OLD
 * The version is compared only once the signature has shown the header is genuine.
 */
enum avf_payload_status avf_payload_verify(const struct avf_payload *p,
					   const uint8_t trusted_key[AVF_PAYLOAD_PUBLIC_KEY_SIZE],
					   uint64_t min_version, const char **detail);

/* A status as a short stable name ("truncated", "bad-signature"); "?" if out of range. */
const char *avf_payload_status_name(enum avf_payload_status st);

/* key id = first 8 bytes of SHA-256(@public_key). */
void avf_payload_key_id(const uint8_t public_key[AVF_PAYLOAD_PUBLIC_KEY_SIZE],
			uint8_t id[AVF_PAYLOAD_KEY_ID_SIZE]);

/* Digest size of a hash_alg: 32, 64, or 0 if unknown. */
size_t avf_payload_digest_size(uint32_t hash_alg);

/*
 * The message the signature covers (context || H(header || code)) for the first
 * @header_and_code_size bytes of @image under @hash_alg; writes it to @msg and returns
 * its length, or 0 if @hash_alg is unknown. avf-sign signs exactly this.
 */
size_t avf_payload_signed_message(uint32_t hash_alg, const void *image,
				  size_t header_and_code_size,
				  uint8_t msg[AVF_PAYLOAD_MAX_MESSAGE_SIZE]);

/*
 * The payload's measurement for DICE: SHA-512(header || code) whatever hash_alg the
 * signature used, so that the code hash has one size (docs/PAYLOAD.md, DICE).
 */
void avf_payload_measure(const struct avf_payload *p, uint8_t out[64]);

/*
 * Encode @f as a 128-byte header into @out (magic written, reserved zeroed). No check
 * is made: this is how tests and avf-sign write headers, valid or deliberately not.
 */
void avf_payload_encode_header(const struct avf_payload_fields *f,
			       uint8_t out[AVF_PAYLOAD_HEADER_SIZE]);

#endif /* AVF_GUEST_PAYLOAD_H */
