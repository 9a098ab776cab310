// SPDX-License-Identifier: Apache-2.0
/*
 * The DICE chain (dice_chain.h, docs/PAYLOAD.md "DICE chain"), checked from outside:
 * the independent checker (dicecheck/) with OpenSSL as the signature verifier accepts
 * what pvmfw builds, and reports the root key OpenSSL derives from the UDS, the leaf key
 * OpenSSL derives from CDI_Attest, the measurements and the mode; OpenSSL signatures by
 * that leaf key verify under the chain's leaf key; every single-bit change of the chain
 * is refused; the chain is deterministic and each input moves what it should.
 */
#include "stack/guest/pvmfw/pvmfw_test_util.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/pvmfw/dice_chain.h"
#include "stack/guest/pvmfw/dicecheck/dice_check.h"

static bool ossl_verify(const uint8_t pub[32], const uint8_t sig[64], const uint8_t *msg,
			size_t len)
{
	EVP_PKEY *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ret = 0;

	if (key && ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1)
		ret = EVP_DigestVerify(ctx, sig, 64, msg, len);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ret == 1;
}

/* HKDF-SHA-256 with no salt, 32 bytes, by OpenSSL. */
static void ossl_hkdf(const uint8_t *ikm, size_t ikm_len, const char *info, uint8_t *out,
		      size_t out_len)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);

	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_derive_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()), 1);
	assert_int_equal(EVP_PKEY_CTX_set1_hkdf_key(ctx, ikm, (int)ikm_len), 1);
	assert_int_equal(EVP_PKEY_CTX_add1_hkdf_info(ctx, (const unsigned char *)info,
						     (int)strlen(info)), 1);
	assert_int_equal(EVP_PKEY_derive(ctx, out, &out_len), 1);
	EVP_PKEY_CTX_free(ctx);
}

/* The documented key pair of @secret, by OpenSSL: the seed and its public key. */
static EVP_PKEY *ossl_key_pair(const uint8_t secret[32], uint8_t pub[32])
{
	uint8_t seed[32];
	size_t len = 32;
	EVP_PKEY *key;

	ossl_hkdf(secret, 32, "Key Pair", seed, 32);
	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	assert_non_null(key);
	assert_int_equal(EVP_PKEY_get_raw_public_key(key, pub, &len), 1);
	return key;
}

struct fixture {
	uint8_t uds[32], cdi[32];
	struct pvmfw_dice_inputs in;
	uint8_t chain[AVF_DICE_CHAIN_MAX];
	size_t len;
};

static void make_inputs(struct fixture *f, uint8_t mode)
{
	for (int i = 0; i < 32; i++) {
		f->uds[i] = (uint8_t)(0x40 + i);
		f->cdi[i] = (uint8_t)(0x90 ^ (i * 7));
	}
	for (int i = 0; i < 64; i++) {
		f->in.code_hash[i] = (uint8_t)(i * 3);
		f->in.authority_hash[i] = (uint8_t)(255 - i);
		f->in.config_value[i] = 0;
		f->in.hidden[i] = (uint8_t)i;
	}
	f->in.mode = mode;
}

static void build(struct fixture *f, uint64_t version)
{
	assert_int_equal(pvmfw_dice_chain_build(f->uds, f->cdi, &f->in, version, f->chain,
						sizeof(f->chain), &f->len), 0);
	assert_true(f->len > 300 && f->len < sizeof(f->chain));
}

static void check_ok(const struct fixture *f, struct dice_chain_info *info)
{
	const char *why = "unset";
	int rc = dice_chain_check(f->chain, f->len, ossl_verify, info, &why);

	if (rc)
		fail_msg("chain refused: %s", why);
	assert_string_equal(why, "");
}

static void test_chain_verifies_with_openssl(void **state)
{
	struct fixture f;
	struct dice_chain_info info;
	uint8_t root_pub[32], leaf_pub[32];

	(void)state;
	make_inputs(&f, AVF_DICE_MODE_NORMAL);
	build(&f, 7);
	check_ok(&f, &info);
	EVP_PKEY_free(ossl_key_pair(f.uds, root_pub));
	EVP_PKEY_free(ossl_key_pair(f.cdi, leaf_pub));
	assert_memory_equal(info.root_key, root_pub, 32);
	assert_memory_equal(info.leaf_key, leaf_pub, 32);
	assert_int_equal(info.nr_certs, 1);
	assert_memory_equal(info.code_hash, f.in.code_hash, 64);
	assert_memory_equal(info.authority_hash, f.in.authority_hash, 64);
	assert_int_equal(info.mode, AVF_DICE_MODE_NORMAL);
	assert_int_equal(info.component_version, 7);
	assert_string_equal(info.component_name, "avf-payload");
	assert_int_equal(strlen(info.issuer), 40);
	assert_string_not_equal(info.issuer, info.subject);
}

static void test_debug_mode_recorded(void **state)
{
	struct fixture f;
	struct dice_chain_info info;

	(void)state;
	make_inputs(&f, AVF_DICE_MODE_DEBUG);
	build(&f, 1);
	check_ok(&f, &info);
	assert_int_equal(info.mode, AVF_DICE_MODE_DEBUG);
}

/* Whoever holds CDI_Attest can sign as the leaf: OpenSSL's signature, the chain's key. */
static void test_leaf_key_is_cdi_attest_key(void **state)
{
	struct fixture f;
	struct dice_chain_info info;
	uint8_t pub[32], sig[64], seed[32], my_pub[32];
	size_t sig_len = 64;
	EVP_PKEY *leaf;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	(void)state;
	make_inputs(&f, AVF_DICE_MODE_NORMAL);
	build(&f, 1);
	check_ok(&f, &info);
	leaf = ossl_key_pair(f.cdi, pub);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL, leaf), 1);
	assert_int_equal(EVP_DigestSign(ctx, sig, &sig_len, (const uint8_t *)"challenge", 9), 1);
	assert_int_equal(crypto_ed25519_verify(sig, "challenge", 9, info.leaf_key), 0);
	/* The payload side's derivation gives the same key pair. */
	assert_int_equal(pvmfw_dice_key_pair(f.cdi, 32, seed, my_pub), 0);
	assert_memory_equal(my_pub, info.leaf_key, 32);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(leaf);
}

static void test_every_bit_flip_refused(void **state)
{
	struct fixture f;
	struct dice_chain_info info;
	const char *why;

	(void)state;
	make_inputs(&f, AVF_DICE_MODE_NORMAL);
	build(&f, 3);
	for (size_t bit = 0; bit < 8 * f.len; bit++) {
		f.chain[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (dice_chain_check(f.chain, f.len, ossl_verify, &info, &why) != -EBADMSG)
			fail_msg("flipping bit %zu was accepted", bit);
		f.chain[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* Truncated and extended chains too. */
	assert_int_equal(dice_chain_check(f.chain, f.len - 1, ossl_verify, &info, &why), -EBADMSG);
	assert_string_equal(why, "CBOR string truncated");	/* the signature */
	assert_int_equal(dice_chain_check(f.chain, f.len + 1, ossl_verify, &info, &why), -EBADMSG);
	assert_string_equal(why, "trailing bytes after the chain");
	check_ok(&f, &info);
}

/* A chain signed by another device's root: the checker reports that root, so a relying
 * party pinning the expected root key tells them apart. */
static void test_inputs_move_the_right_keys(void **state)
{
	struct fixture a, b;
	struct dice_chain_info ia, ib;

	(void)state;
	make_inputs(&a, AVF_DICE_MODE_NORMAL);
	build(&a, 1);
	b = a;
	build(&b, 1);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.chain, b.chain, a.len);	/* deterministic */
	b.uds[0] ^= 1;
	build(&b, 1);
	check_ok(&a, &ia);
	check_ok(&b, &ib);
	assert_memory_not_equal(ia.root_key, ib.root_key, 32);
	assert_memory_equal(ia.leaf_key, ib.leaf_key, 32);
	b = a;
	b.cdi[31] ^= 0x80;
	build(&b, 1);
	check_ok(&b, &ib);
	assert_memory_equal(ia.root_key, ib.root_key, 32);
	assert_memory_not_equal(ia.leaf_key, ib.leaf_key, 32);
	assert_string_equal(ia.issuer, ib.issuer);
	assert_string_not_equal(ia.subject, ib.subject);
}

static void test_buffer_too_small(void **state)
{
	struct fixture f;
	size_t len = 123;

	(void)state;
	make_inputs(&f, AVF_DICE_MODE_NORMAL);
	build(&f, 1);
	assert_int_equal(pvmfw_dice_chain_build(f.uds, f.cdi, &f.in, 1, f.chain, f.len - 1, &len),
			 CRYPTO_EINVAL);
	assert_int_equal(len, 0);
}

/* A signature the checker's verifier refuses is reported as such, not as a parse error. */
static bool refuse_all(const uint8_t pub[32], const uint8_t sig[64], const uint8_t *msg,
		       size_t len)
{
	(void)pub, (void)sig, (void)msg, (void)len;
	return false;
}

static void test_signature_failure_named(void **state)
{
	struct fixture f;
	struct dice_chain_info info;
	const char *why;

	(void)state;
	make_inputs(&f, AVF_DICE_MODE_NORMAL);
	build(&f, 1);
	assert_int_equal(dice_chain_check(f.chain, f.len, refuse_all, &info, &why), -EBADMSG);
	assert_string_equal(why, "COSE_Sign1: the signature does not verify under the issuer's key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_verifies_with_openssl),
		cmocka_unit_test(test_debug_mode_recorded),
		cmocka_unit_test(test_leaf_key_is_cdi_attest_key),
		cmocka_unit_test(test_every_bit_flip_refused),
		cmocka_unit_test(test_inputs_move_the_right_keys),
		cmocka_unit_test(test_buffer_too_small),
		cmocka_unit_test(test_signature_failure_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
