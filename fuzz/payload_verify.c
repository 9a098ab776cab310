// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target: signed payload parsing and verification (stack/guest/payload), the code
 * the pvmfw-like firmware runs on whatever the host put in guest memory.
 *
 * Input: [min_version: u64 little-endian][payload bytes]. Keeping the rollback floor
 * outside the payload lets mutations of it reach VERSION_TOO_OLD on validly signed seeds.
 * The trusted key is the public key of a fixed secret (seed files are signed with it:
 * stack/guest/payload/gen_fuzz_seeds.py).
 *
 * Oracles beyond "no crash":
 *   - a parsed payload's views lie inside the input and add up to its size exactly, and
 *     its header re-encodes to the input's first 128 bytes;
 *   - the status is one of the documented ones, with a phrase;
 *   - whatever we accept, OpenSSL accepts too (the signed message rebuilt with OpenSSL's
 *     digests and checked with OpenSSL's Ed25519), and the version is >= the floor.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "stack/guest/payload/payload.h"

static uint8_t trusted_pub[32];

static void fail(const char *what)
{
	fprintf(stderr, "payload_verify oracle: %s\n", what);
	abort();
}

/* SHA-256("avf fuzz payload key") is the secret; its public key is trusted. */
static void init_key(void)
{
	static const char label[] = "avf fuzz payload key";
	uint8_t seed[32];
	unsigned int n;
	size_t len = 32;
	EVP_PKEY *k;

	if (!EVP_Digest(label, sizeof(label) - 1, seed, &n, EVP_sha256(), NULL))
		fail("sha256");
	k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	if (!k || EVP_PKEY_get_raw_public_key(k, trusted_pub, &len) != 1)
		fail("key setup");
	EVP_PKEY_free(k);
}

static int openssl_verifies(const struct avf_payload *p)
{
	uint8_t msg[16 + 64];
	unsigned int dlen = 0;
	const EVP_MD *md = p->hdr.hash_alg == AVF_PAYLOAD_HASH_SHA256 ? EVP_sha256() : EVP_sha512();
	EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, trusted_pub, 32);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	memcpy(msg, AVF_PAYLOAD_SIG_CONTEXT, 16);
	if (!k || !ctx || !EVP_Digest(p->image, 128 + p->hdr.code_size, msg + 16, &dlen, md, NULL))
		fail("openssl setup");
	ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) == 1 &&
	     EVP_DigestVerify(ctx, p->signature, 64, msg, 16 + dlen) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return ok;
}

static void check_parsed(const uint8_t *data, size_t size, const struct avf_payload *p)
{
	uint8_t hdr[AVF_PAYLOAD_HEADER_SIZE];

	if (p->image != data || p->image_size != size)
		fail("image view");
	if (p->hdr.code_size > size || size - p->hdr.code_size != 128 + 64)
		fail("sizes do not add up");
	if (p->code != data + 128 || p->signature != data + 128 + p->hdr.code_size)
		fail("code or signature view");
	if (p->hdr.entry_offset >= p->hdr.code_size || p->hdr.mem_size < p->hdr.code_size)
		fail("accepted an out-of-range header field");
	avf_payload_encode_header(&p->hdr, hdr);
	if (memcmp(hdr, data, sizeof(hdr)))
		fail("header does not round-trip");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct avf_payload p;
	const char *detail = NULL;
	enum avf_payload_status st;
	uint64_t min_version = 0;

	if (!ready) {
		init_key();
		ready = 1;
	}
	if (size < 8)
		return 0;
	for (int i = 7; i >= 0; i--)
		min_version = min_version << 8 | data[i];
	data += 8;
	size -= 8;
	st = avf_payload_parse(data, size, &p, &detail);
	if (st >= AVF_PAYLOAD_NR_STATUS || (st != AVF_PAYLOAD_OK && !detail))
		fail("parse status or phrase");
	if (st != AVF_PAYLOAD_OK)
		return 0;
	check_parsed(data, size, &p);
	detail = NULL;
	st = avf_payload_verify(&p, trusted_pub, min_version, &detail);
	if (st >= AVF_PAYLOAD_NR_STATUS || (st != AVF_PAYLOAD_OK && !detail))
		fail("verify status or phrase");
	if (st == AVF_PAYLOAD_BAD_TRUSTED_KEY)
		fail("the fuzz key is valid");
	if (st == AVF_PAYLOAD_OK && (!openssl_verifies(&p) || p.hdr.payload_version < min_version))
		fail("accepted a payload OpenSSL rejects, or a rollback");
	return 0;
}
