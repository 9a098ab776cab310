/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helpers (host only): build signed payloads with OpenSSL as the reference signer,
 * independently of avf-sign, from deterministic keys. Used by the payload and pvmfw
 * tests. Header-only so that each test binary takes what it needs.
 */
#ifndef AVF_GUEST_PAYLOAD_TEST_UTIL_H
#define AVF_GUEST_PAYLOAD_TEST_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "stack/guest/include/avf_payload_format.h"
#include "stack/guest/payload/payload.h"

/* Deterministic Ed25519 test key @index: seed = SHA-256("avf payload test key N"). */
struct test_key {
	uint8_t seed[32];
	uint8_t pub[32];
	uint8_t id[8];		/* computed with OpenSSL, not with the code under test */
};

static inline void test_key_make(unsigned index, struct test_key *k)
{
	char label[64];
	int n = snprintf(label, sizeof(label), "avf payload test key %u", index);
	unsigned int len = 0;
	uint8_t digest[32];
	size_t pub_len = 32;
	EVP_PKEY *pkey;

	assert_int_equal(EVP_Digest(label, (size_t)n, k->seed, &len, EVP_sha256(), NULL), 1);
	pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, k->seed, 32);
	assert_non_null(pkey);
	assert_int_equal(EVP_PKEY_get_raw_public_key(pkey, k->pub, &pub_len), 1);
	EVP_PKEY_free(pkey);
	assert_int_equal(EVP_Digest(k->pub, 32, digest, &len, EVP_sha256(), NULL), 1);
	memcpy(k->id, digest, 8);
}

/* OpenSSL's Ed25519 signature of @msg under @k. */
static inline void test_key_sign(const struct test_key *k, const void *msg, size_t len,
				 uint8_t sig[64])
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, k->seed, 32);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t sig_len = 64;

	assert_non_null(pkey);
	assert_non_null(ctx);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL, pkey), 1);
	assert_int_equal(EVP_DigestSign(ctx, sig, &sig_len, msg, len), 1);
	assert_int_equal(sig_len, 64);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
}

/* Fields of a valid header for @code_size bytes of code signed by @k. */
static inline struct avf_payload_fields test_fields(const struct test_key *k, uint64_t code_size,
						    uint32_t hash_alg, uint64_t version)
{
	struct avf_payload_fields f = {
		.format_version = AVF_PAYLOAD_FORMAT_VERSION,
		.header_size = AVF_PAYLOAD_HEADER_SIZE,
		.payload_version = version,
		.code_size = code_size,
		.entry_offset = 0,
		.load_addr = 0x80000000ull,
		.mem_size = code_size,
		.hash_alg = hash_alg,
		.sig_alg = AVF_PAYLOAD_SIG_ED25519,
		.sig_size = AVF_PAYLOAD_SIG_SIZE,
		.flags = 0,
	};
	memcpy(f.key_id, k->id, 8);
	return f;
}

/*
 * A payload image (malloc'd, *size set) for @f and @code, signed by @signer with the
 * message computed by OpenSSL: context || H(header || code). @f is encoded as given,
 * so a test may sign a header that is wrong on purpose.
 */
static inline uint8_t *test_payload_build(const struct avf_payload_fields *f, const void *code,
					  const struct test_key *signer, size_t *size)
{
	size_t total = AVF_PAYLOAD_HEADER_SIZE + f->code_size + AVF_PAYLOAD_SIG_SIZE;
	uint8_t *img = calloc(1, total);
	uint8_t msg[16 + 64];
	unsigned int dlen = 0;
	const EVP_MD *md = f->hash_alg == AVF_PAYLOAD_HASH_SHA512 ? EVP_sha512() : EVP_sha256();

	assert_non_null(img);
	avf_payload_encode_header(f, img);
	memcpy(img + AVF_PAYLOAD_HEADER_SIZE, code, f->code_size);
	memcpy(msg, "AVF-PAYLOAD-SIG1", 16);
	assert_int_equal(EVP_Digest(img, AVF_PAYLOAD_HEADER_SIZE + f->code_size, msg + 16, &dlen,
				    md, NULL), 1);
	test_key_sign(signer, msg, 16 + dlen, img + AVF_PAYLOAD_HEADER_SIZE + f->code_size);
	*size = total;
	return img;
}

#endif /* AVF_GUEST_PAYLOAD_TEST_UTIL_H */
