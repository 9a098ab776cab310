// SPDX-License-Identifier: Apache-2.0
/*
 * Signed payload parsing and verification (payload.h). Freestanding: byte loops instead
 * of libc, every length compared overflow-safely against the size we were given before
 * anything is read at it.
 */
#include "stack/guest/payload/payload.h"

#include "stack/guest/crypto/crypto.h"

#define OFF(field) offsetof(struct avf_payload_header, field)

static uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t load_le64(const uint8_t *p)
{
	return (uint64_t)load_le32(p) | (uint64_t)load_le32(p + 4) << 32;
}

static void store_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void store_le64(uint8_t *p, uint64_t v)
{
	store_le32(p, (uint32_t)v);
	store_le32(p + 4, (uint32_t)(v >> 32));
}

static void copy_bytes(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

/* Public data only: an ordinary early-exit comparison is fine here. */
static bool bytes_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static enum avf_payload_status fail(enum avf_payload_status st, const char *why,
				    const char **detail)
{
	if (detail)
		*detail = why;
	return st;
}

static void decode_fields(const uint8_t *h, struct avf_payload_fields *f)
{
	f->format_version = load_le32(h + OFF(format_version));
	f->header_size = load_le32(h + OFF(header_size));
	f->payload_version = load_le64(h + OFF(payload_version));
	f->code_size = load_le64(h + OFF(code_size));
	f->entry_offset = load_le64(h + OFF(entry_offset));
	f->load_addr = load_le64(h + OFF(load_addr));
	f->mem_size = load_le64(h + OFF(mem_size));
	f->hash_alg = load_le32(h + OFF(hash_alg));
	f->sig_alg = load_le32(h + OFF(sig_alg));
	copy_bytes(f->key_id, h + OFF(key_id), AVF_PAYLOAD_KEY_ID_SIZE);
	f->sig_size = load_le32(h + OFF(sig_size));
	f->flags = load_le32(h + OFF(flags));
}

/* The header-only checks (after magic, format version and length 128 have passed). */
static enum avf_payload_status check_fields(const uint8_t *h, const struct avf_payload_fields *f,
					    const char **detail)
{
	if (f->header_size != AVF_PAYLOAD_HEADER_SIZE)
		return fail(AVF_PAYLOAD_BAD_HEADER, "header_size is not 128", detail);
	if (f->flags != 0)
		return fail(AVF_PAYLOAD_BAD_HEADER, "flags has bits no version 1 payload may set",
			    detail);
	if (!all_zero(h + OFF(reserved), sizeof(((struct avf_payload_header *)0)->reserved)))
		return fail(AVF_PAYLOAD_BAD_HEADER, "reserved bytes are not zero", detail);
	if (avf_payload_digest_size(f->hash_alg) == 0)
		return fail(AVF_PAYLOAD_BAD_HEADER, "unknown hash_alg", detail);
	if (f->sig_alg != AVF_PAYLOAD_SIG_ED25519)
		return fail(AVF_PAYLOAD_BAD_HEADER, "unknown sig_alg", detail);
	if (f->sig_size != AVF_PAYLOAD_SIG_SIZE)
		return fail(AVF_PAYLOAD_BAD_HEADER, "sig_size is not 64", detail);
	if (f->code_size == 0)
		return fail(AVF_PAYLOAD_BAD_HEADER, "code_size is 0", detail);
	if (f->entry_offset >= f->code_size)
		return fail(AVF_PAYLOAD_BAD_HEADER, "entry_offset is not inside the code", detail);
	if (f->entry_offset % AVF_PAYLOAD_ENTRY_ALIGN)
		return fail(AVF_PAYLOAD_BAD_HEADER, "entry_offset is not 4-byte aligned", detail);
	if (f->load_addr % AVF_PAYLOAD_LOAD_ALIGN)
		return fail(AVF_PAYLOAD_BAD_HEADER, "load_addr is not 4 KiB aligned", detail);
	if (f->mem_size < f->code_size)
		return fail(AVF_PAYLOAD_BAD_HEADER, "mem_size is smaller than code_size", detail);
	if (f->load_addr + f->mem_size < f->load_addr)
		return fail(AVF_PAYLOAD_BAD_HEADER, "load_addr + mem_size overflows", detail);
	return AVF_PAYLOAD_OK;
}

enum avf_payload_status avf_payload_parse(const void *data, size_t size, struct avf_payload *out,
					  const char **detail)
{
	const uint8_t *h = data;
	struct avf_payload_fields *f = &out->hdr;
	enum avf_payload_status st;
	uint64_t rest;

	if (size < AVF_PAYLOAD_MAGIC_SIZE)
		return fail(AVF_PAYLOAD_TRUNCATED, "shorter than the 8-byte magic", detail);
	if (!bytes_equal(h, (const uint8_t *)AVF_PAYLOAD_MAGIC, AVF_PAYLOAD_MAGIC_SIZE))
		return fail(AVF_PAYLOAD_BAD_MAGIC, "magic is not \"AVFPAYLD\"", detail);
	if (size < OFF(payload_version))
		return fail(AVF_PAYLOAD_TRUNCATED, "ends inside the format version", detail);
	if (load_le32(h + OFF(format_version)) != AVF_PAYLOAD_FORMAT_VERSION)
		return fail(AVF_PAYLOAD_UNSUPPORTED_FORMAT, "format_version is not 1", detail);
	if (size < AVF_PAYLOAD_HEADER_SIZE)
		return fail(AVF_PAYLOAD_TRUNCATED, "shorter than the 128-byte header", detail);
	decode_fields(h, f);
	st = check_fields(h, f, detail);
	if (st != AVF_PAYLOAD_OK)
		return st;
	/* code_size is a header value: compare it with what is there, never add to it. */
	rest = (uint64_t)size - AVF_PAYLOAD_HEADER_SIZE;
	if (f->code_size > rest)
		return fail(AVF_PAYLOAD_TRUNCATED, "ends inside the code", detail);
	rest -= f->code_size;
	if (rest < AVF_PAYLOAD_SIG_SIZE)
		return fail(AVF_PAYLOAD_TRUNCATED, "ends inside the signature", detail);
	if (rest > AVF_PAYLOAD_SIG_SIZE)
		return fail(AVF_PAYLOAD_TRAILING_DATA, "bytes follow the signature", detail);
	out->image = h;
	out->image_size = size;
	out->code = h + AVF_PAYLOAD_HEADER_SIZE;
	out->signature = out->code + f->code_size;
	return AVF_PAYLOAD_OK;
}

enum avf_payload_status avf_payload_verify(const struct avf_payload *p,
					   const uint8_t trusted_key[AVF_PAYLOAD_PUBLIC_KEY_SIZE],
					   uint64_t min_version, const char **detail)
{
	uint8_t id[AVF_PAYLOAD_KEY_ID_SIZE];
	uint8_t msg[AVF_PAYLOAD_MAX_MESSAGE_SIZE];
	size_t msg_len;
	int ret;

	avf_payload_key_id(trusted_key, id);
	if (!bytes_equal(id, p->hdr.key_id, AVF_PAYLOAD_KEY_ID_SIZE))
		return fail(AVF_PAYLOAD_UNKNOWN_KEY, "key_id is not the trusted key's", detail);
	msg_len = avf_payload_signed_message(p->hdr.hash_alg, p->image,
					     AVF_PAYLOAD_HEADER_SIZE + p->hdr.code_size, msg);
	if (msg_len == 0)	/* parse() accepted the hash_alg: a misuse of the API */
		return fail(AVF_PAYLOAD_BAD_HEADER, "unknown hash_alg", detail);
	ret = crypto_ed25519_verify(p->signature, msg, msg_len, trusted_key);
	if (ret == CRYPTO_EINVAL)
		return fail(AVF_PAYLOAD_BAD_TRUSTED_KEY, "the trusted key is not a valid Ed25519 key",
			    detail);
	if (ret != 0)
		return fail(AVF_PAYLOAD_BAD_SIGNATURE, "the signature does not verify", detail);
	if (p->hdr.payload_version < min_version)
		return fail(AVF_PAYLOAD_VERSION_TOO_OLD,
			    "payload_version is below the minimum (rollback)", detail);
	return AVF_PAYLOAD_OK;
}

const char *avf_payload_status_name(enum avf_payload_status st)
{
	static const char *const names[AVF_PAYLOAD_NR_STATUS] = {
		[AVF_PAYLOAD_OK] = "ok",
		[AVF_PAYLOAD_TRUNCATED] = "truncated",
		[AVF_PAYLOAD_BAD_MAGIC] = "bad-magic",
		[AVF_PAYLOAD_UNSUPPORTED_FORMAT] = "unsupported-format",
		[AVF_PAYLOAD_BAD_HEADER] = "bad-header",
		[AVF_PAYLOAD_TRAILING_DATA] = "trailing-data",
		[AVF_PAYLOAD_UNKNOWN_KEY] = "unknown-key",
		[AVF_PAYLOAD_BAD_SIGNATURE] = "bad-signature",
		[AVF_PAYLOAD_VERSION_TOO_OLD] = "version-too-old",
		[AVF_PAYLOAD_BAD_TRUSTED_KEY] = "bad-trusted-key",
	};

	if ((unsigned)st >= AVF_PAYLOAD_NR_STATUS)
		return "?";
	return names[st];
}

void avf_payload_key_id(const uint8_t public_key[AVF_PAYLOAD_PUBLIC_KEY_SIZE],
			uint8_t id[AVF_PAYLOAD_KEY_ID_SIZE])
{
	uint8_t digest[CRYPTO_SHA256_DIGEST_SIZE];

	crypto_sha256(public_key, AVF_PAYLOAD_PUBLIC_KEY_SIZE, digest);
	copy_bytes(id, digest, AVF_PAYLOAD_KEY_ID_SIZE);
}

size_t avf_payload_digest_size(uint32_t hash_alg)
{
	switch (hash_alg) {
	case AVF_PAYLOAD_HASH_SHA256:
		return CRYPTO_SHA256_DIGEST_SIZE;
	case AVF_PAYLOAD_HASH_SHA512:
		return CRYPTO_SHA512_DIGEST_SIZE;
	default:
		return 0;
	}
}

size_t avf_payload_signed_message(uint32_t hash_alg, const void *image,
				  size_t header_and_code_size,
				  uint8_t msg[AVF_PAYLOAD_MAX_MESSAGE_SIZE])
{
	uint8_t *digest = msg + AVF_PAYLOAD_SIG_CONTEXT_SIZE;

	switch (hash_alg) {
	case AVF_PAYLOAD_HASH_SHA256:
		crypto_sha256(image, header_and_code_size, digest);
		break;
	case AVF_PAYLOAD_HASH_SHA512:
		crypto_sha512(image, header_and_code_size, digest);
		break;
	default:
		return 0;
	}
	copy_bytes(msg, (const uint8_t *)AVF_PAYLOAD_SIG_CONTEXT, AVF_PAYLOAD_SIG_CONTEXT_SIZE);
	return AVF_PAYLOAD_SIG_CONTEXT_SIZE + avf_payload_digest_size(hash_alg);
}

void avf_payload_measure(const struct avf_payload *p, uint8_t out[64])
{
	crypto_sha512(p->image, AVF_PAYLOAD_HEADER_SIZE + p->hdr.code_size, out);
}

void avf_payload_encode_header(const struct avf_payload_fields *f,
			       uint8_t out[AVF_PAYLOAD_HEADER_SIZE])
{
	for (size_t i = 0; i < AVF_PAYLOAD_HEADER_SIZE; i++)
		out[i] = 0;
	copy_bytes(out, (const uint8_t *)AVF_PAYLOAD_MAGIC, AVF_PAYLOAD_MAGIC_SIZE);
	store_le32(out + OFF(format_version), f->format_version);
	store_le32(out + OFF(header_size), f->header_size);
	store_le64(out + OFF(payload_version), f->payload_version);
	store_le64(out + OFF(code_size), f->code_size);
	store_le64(out + OFF(entry_offset), f->entry_offset);
	store_le64(out + OFF(load_addr), f->load_addr);
	store_le64(out + OFF(mem_size), f->mem_size);
	store_le32(out + OFF(hash_alg), f->hash_alg);
	store_le32(out + OFF(sig_alg), f->sig_alg);
	copy_bytes(out + OFF(key_id), f->key_id, AVF_PAYLOAD_KEY_ID_SIZE);
	store_le32(out + OFF(sig_size), f->sig_size);
	store_le32(out + OFF(flags), f->flags);
}
