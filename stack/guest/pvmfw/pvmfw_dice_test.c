// SPDX-License-Identifier: Apache-2.0
/*
 * DICE derivation: the CDIs equal an independent computation with OpenSSL's HKDF and
 * digests from the documented inputs (docs/PAYLOAD.md, "DICE"); fixed vectors pin the
 * derivation so any change to it shows; and the properties the runtime relies on hold:
 * CDI_Seal is stable across payload updates by the same authority and different for
 * another instance, mode, authority or device; CDI_Attest changes with the code.
 */
#include "stack/guest/payload/payload_test_util.h"
#include "stack/guest/pvmfw/pvmfw_test_util.h"

#include <openssl/kdf.h>

static void sha(const EVP_MD *md, const void *data, size_t len, uint8_t *out)
{
	unsigned int n;

	assert_int_equal(EVP_Digest(data, len, out, &n, md, NULL), 1);
}

static void openssl_hkdf(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
			 size_t ikm_len, const char *info, uint8_t out[32])
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	size_t len = 32;

	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_derive_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()), 1);
	assert_int_equal(EVP_PKEY_CTX_set1_hkdf_salt(ctx, salt, (int)salt_len), 1);
	assert_int_equal(EVP_PKEY_CTX_set1_hkdf_key(ctx, ikm, (int)ikm_len), 1);
	assert_int_equal(EVP_PKEY_CTX_add1_hkdf_info(ctx, (const unsigned char *)info,
						     (int)strlen(info)), 1);
	assert_int_equal(EVP_PKEY_derive(ctx, out, &len), 1);
	assert_int_equal(len, 32);
	EVP_PKEY_CTX_free(ctx);
}

/* The documented derivation, from raw material, with OpenSSL only. */
static void reference_cdis(const uint8_t uds[32], const uint8_t *image, size_t header_and_code,
			   uint64_t version, const uint8_t pub[32], uint8_t mode,
			   const uint8_t *iid, size_t iid_len, uint8_t attest[32], uint8_t seal[32])
{
	uint8_t input[257], salt[32];

	sha(EVP_sha512(), image, header_and_code, input);		/* code_hash */
	memset(input + 64, 0, 64);					/* config_value */
	for (int i = 0; i < 8; i++)
		input[64 + i] = (uint8_t)(version >> (8 * i));
	sha(EVP_sha512(), pub, 32, input + 128);			/* authority_hash */
	input[192] = mode;
	sha(EVP_sha512(), iid, iid_len, input + 193);			/* hidden */
	sha(EVP_sha256(), input, 257, salt);
	openssl_hkdf(salt, 32, uds, 32, "CDI_Attest", attest);
	sha(EVP_sha256(), input + 128, 129, salt);
	openssl_hkdf(salt, 32, uds, 32, "CDI_Seal", seal);
}

struct derived {
	uint8_t attest[32], seal[32];
};

static uint8_t code_a[256], code_b[256];
static struct test_key key1, key2;
static uint8_t uds1[32], uds2[32];
static const uint8_t iid1[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t iid2[8] = { 1, 2, 3, 4, 5, 6, 7, 9 };

static int setup(void **state)
{
	test_key_make(1, &key1);
	test_key_make(2, &key2);
	for (int i = 0; i < 256; i++) {
		code_a[i] = (uint8_t)i;
		code_b[i] = (uint8_t)(255 - i);
	}
	for (int i = 0; i < 32; i++) {
		uds1[i] = (uint8_t)(0x10 + i);
		uds2[i] = (uint8_t)(0x90 + i);
	}
	return 0;
}

/* Derive through the library for a payload of @code signed by @k at @version. */
static struct derived derive(const uint8_t *uds, const uint8_t *code, const struct test_key *k,
			     uint64_t version, bool debug, const uint8_t *iid, size_t iid_len)
{
	struct avf_payload_fields f = test_fields(k, 256, AVF_PAYLOAD_HASH_SHA256, version);
	struct pvmfw_dice_inputs in;
	struct avf_payload p;
	struct derived d, ref;
	size_t size;
	uint8_t *img = test_payload_build(&f, code, k, &size);

	assert_int_equal(avf_payload_parse(img, size, &p, NULL), AVF_PAYLOAD_OK);
	pvmfw_dice_inputs_make(&p, k->pub, debug, iid, iid_len, &in);
	assert_int_equal(pvmfw_dice_derive(uds, &in, d.attest, d.seal), 0);
	reference_cdis(uds, img, 128 + 256, version, k->pub, debug ? 2 : 1, iid, iid_len,
		       ref.attest, ref.seal);
	assert_memory_equal(d.attest, ref.attest, 32);
	assert_memory_equal(d.seal, ref.seal, 32);
	free(img);
	return d;
}

static void hex_equal(const uint8_t *got, const char *hex)
{
	uint8_t want[32];

	for (int i = 0; i < 32; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		want[i] = (uint8_t)v;
	}
	assert_memory_equal(got, want, 32);
}

static void test_inputs_layout(void **state)
{
	struct avf_payload_fields f = test_fields(&key1, 256, AVF_PAYLOAD_HASH_SHA512, 0x0102030405);
	struct pvmfw_dice_inputs in;
	struct avf_payload p;
	uint8_t want[64];
	size_t size;
	uint8_t *img = test_payload_build(&f, code_a, &key1, &size);

	assert_int_equal(avf_payload_parse(img, size, &p, NULL), AVF_PAYLOAD_OK);
	pvmfw_dice_inputs_make(&p, key1.pub, true, iid1, sizeof(iid1), &in);
	sha(EVP_sha512(), img, 128 + 256, want);
	assert_memory_equal(in.code_hash, want, 64);
	memset(want, 0, 64);
	memcpy(want, "\x05\x04\x03\x02\x01", 5);
	assert_memory_equal(in.config_value, want, 64);
	sha(EVP_sha512(), key1.pub, 32, want);
	assert_memory_equal(in.authority_hash, want, 64);
	assert_int_equal(in.mode, AVF_DICE_MODE_DEBUG);
	sha(EVP_sha512(), iid1, sizeof(iid1), want);
	assert_memory_equal(in.hidden, want, 64);
	free(img);
}

/*
 * Pinned values, computed once with Python's hashlib/hmac from the documented formula (a
 * third implementation besides ours and OpenSSL's): a change to the labels, the input
 * order or the hashes breaks them, as it would change every VM's secrets.
 */
static void test_fixed_vectors(void **state)
{
	struct pvmfw_dice_inputs in;
	uint8_t attest[32], seal[32];

	for (int i = 0; i < 64; i++) {
		in.code_hash[i] = (uint8_t)i;
		in.config_value[i] = 0;
		in.authority_hash[i] = (uint8_t)(0x40 + i);
		in.hidden[i] = (uint8_t)(0x80 + i);
	}
	in.mode = AVF_DICE_MODE_NORMAL;
	assert_int_equal(pvmfw_dice_derive(uds1, &in, attest, seal), 0);
	hex_equal(attest, "2868552c7d22b47491dba0867bd97f274cb596f711d4676f37122eb1a8ddc334");
	hex_equal(seal, "187a96e56a23e2fc3a9588e0cee12457b2f1e725bfeda0f5a32f1eaeba165664");
}

static void test_seal_and_attest_properties(void **state)
{
	struct derived base = derive(uds1, code_a, &key1, 1, false, iid1, 8);
	struct derived update = derive(uds1, code_b, &key1, 2, false, iid1, 8);
	struct derived reboot = derive(uds1, code_a, &key1, 1, false, iid1, 8);
	struct derived other_instance = derive(uds1, code_a, &key1, 1, false, iid2, 8);
	struct derived debug = derive(uds1, code_a, &key1, 1, true, iid1, 8);
	struct derived other_key = derive(uds1, code_a, &key2, 1, false, iid1, 8);
	struct derived other_device = derive(uds2, code_a, &key1, 1, false, iid1, 8);

	/* Same instance, same payload, another boot: identical. */
	assert_memory_equal(base.seal, reboot.seal, 32);
	assert_memory_equal(base.attest, reboot.attest, 32);
	/* An update by the same authority keeps the sealing CDI, changes the attesting one. */
	assert_memory_equal(base.seal, update.seal, 32);
	assert_memory_not_equal(base.attest, update.attest, 32);
	/* Anything else changes both. */
	assert_memory_not_equal(base.seal, other_instance.seal, 32);
	assert_memory_not_equal(base.seal, debug.seal, 32);
	assert_memory_not_equal(base.seal, other_key.seal, 32);
	assert_memory_not_equal(base.seal, other_device.seal, 32);
	assert_memory_not_equal(base.attest, other_instance.attest, 32);
	assert_memory_not_equal(base.attest, debug.attest, 32);
	assert_memory_not_equal(base.attest, other_key.attest, 32);
	assert_memory_not_equal(base.attest, other_device.attest, 32);
	assert_memory_not_equal(base.seal, base.attest, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inputs_layout),
		cmocka_unit_test(test_fixed_vectors),
		cmocka_unit_test(test_seal_and_attest_properties),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
