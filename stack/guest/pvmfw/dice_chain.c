// SPDX-License-Identifier: Apache-2.0
/*
 * The payload's DICE chain (dice_chain.h has the format, docs/PAYLOAD.md "DICE chain"
 * the why): the device's root key certifies the payload layer's attestation key together
 * with the measurements its CDIs were derived from, so a relying party that trusts the
 * device's root key can check what runs in the VM, and in which mode, from the chain and
 * a signature by the leaf key, without ever seeing a secret.
 */
#include "stack/guest/pvmfw/pvmfw.h"

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/pvmfw/cbor.h"
#include "stack/guest/pvmfw/dice_chain.h"

/* Room for the encodings on the firmware's stack (the whole chain is about 450 bytes). */
#define COSE_KEY_MAX	64
#define CONFIG_DESC_MAX	64
#define CWT_MAX		512
#define TBS_MAX		(CWT_MAX + 32)

int pvmfw_dice_key_pair(const uint8_t *secret, size_t secret_size, uint8_t seed[32],
			uint8_t public_key[32])
{
	int err = crypto_hkdf_sha256(0, 0, secret, secret_size, "Key Pair", 8, seed, 32);

	if (err)
		return err;
	crypto_ed25519_public_key(seed, public_key);
	return 0;
}

int pvmfw_dice_id_hex(const uint8_t public_key[32], char hex[DICE_ID_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t id[DICE_ID_SIZE];
	int err = crypto_hkdf_sha256(0, 0, public_key, 32, "ID", 2, id, sizeof(id));

	if (err)
		return err;
	for (int i = 0; i < DICE_ID_SIZE; i++) {
		hex[2 * i] = digits[id[i] >> 4];
		hex[2 * i + 1] = digits[id[i] & 15];
	}
	return 0;
}

/* COSE_Key {1: 1 (OKP), 3: -8 (EdDSA), -1: 6 (Ed25519), -2: x} */
static void put_cose_key(struct cbor_out *o, const uint8_t public_key[32])
{
	cbor_put_map(o, 4);
	cbor_put_int(o, COSE_KEY_KTY);
	cbor_put_int(o, COSE_KTY_OKP);
	cbor_put_int(o, COSE_KEY_ALG);
	cbor_put_int(o, COSE_ALG_EDDSA);
	cbor_put_int(o, COSE_KEY_OKP_CRV);
	cbor_put_int(o, COSE_CRV_ED25519);
	cbor_put_int(o, COSE_KEY_OKP_X);
	cbor_put_bstr(o, public_key, 32);
}

/* The whole map of claims, keys in deterministic-CBOR order (dice_chain.h). */
static int put_cwt(struct cbor_out *o, const char iss[DICE_ID_HEX_SIZE],
		   const char sub[DICE_ID_HEX_SIZE], const struct pvmfw_dice_inputs *in,
		   uint64_t payload_version, const uint8_t subject_key[32])
{
	uint8_t key[COSE_KEY_MAX], desc[CONFIG_DESC_MAX], usage = DICE_KEY_USAGE_CERT_SIGN;
	struct cbor_out k, d;

	cbor_out_init(&k, key, sizeof(key));
	put_cose_key(&k, subject_key);
	cbor_out_init(&d, desc, sizeof(desc));
	cbor_put_map(&d, 2);
	cbor_put_int(&d, DICE_CONFIG_COMPONENT_NAME);
	cbor_put_tstr(&d, DICE_COMPONENT_NAME, sizeof(DICE_COMPONENT_NAME) - 1);
	cbor_put_int(&d, DICE_CONFIG_COMPONENT_VERSION);
	cbor_put_uint(&d, payload_version);
	if (!cbor_out_ok(&k) || !cbor_out_ok(&d))
		return CRYPTO_EINVAL;

	cbor_put_map(o, 8);
	cbor_put_int(o, DICE_CWT_ISS);
	cbor_put_tstr(o, iss, DICE_ID_HEX_SIZE);
	cbor_put_int(o, DICE_CWT_SUB);
	cbor_put_tstr(o, sub, DICE_ID_HEX_SIZE);
	cbor_put_int(o, DICE_CWT_CODE_HASH);
	cbor_put_bstr(o, in->code_hash, sizeof(in->code_hash));
	cbor_put_int(o, DICE_CWT_CONFIG_DESC);
	cbor_put_bstr(o, desc, d.len);
	cbor_put_int(o, DICE_CWT_AUTHORITY_HASH);
	cbor_put_bstr(o, in->authority_hash, sizeof(in->authority_hash));
	cbor_put_int(o, DICE_CWT_MODE);
	cbor_put_bstr(o, &in->mode, 1);
	cbor_put_int(o, DICE_CWT_SUBJECT_PUBLIC_KEY);
	cbor_put_bstr(o, key, k.len);
	cbor_put_int(o, DICE_CWT_KEY_USAGE);
	cbor_put_bstr(o, &usage, 1);
	return cbor_out_ok(o) ? 0 : CRYPTO_EINVAL;
}

/* The protected header {1: -8}, as the bstr's content. */
static const uint8_t protected_eddsa[] = { 0xa1, 0x01, 0x27 };

/* Sign the COSE Sig_structure ["Signature1", protected, h'', payload] with @seed. */
static int sign1(uint8_t sig[64], const uint8_t *payload, size_t payload_len,
		 const uint8_t seed[32], const uint8_t public_key[32])
{
	uint8_t tbs[TBS_MAX];
	struct cbor_out t;

	cbor_out_init(&t, tbs, sizeof(tbs));
	cbor_put_array(&t, 4);
	cbor_put_tstr(&t, "Signature1", 10);
	cbor_put_bstr(&t, protected_eddsa, sizeof(protected_eddsa));
	cbor_put_bstr(&t, 0, 0);
	cbor_put_bstr(&t, payload, payload_len);
	if (!cbor_out_ok(&t))
		return CRYPTO_EINVAL;
	crypto_ed25519_sign(sig, tbs, t.len, seed, public_key);
	return 0;
}

struct chain_keys {
	uint8_t root_seed[32], root_pub[32], leaf_seed[32], leaf_pub[32];
	char root_id[DICE_ID_HEX_SIZE], leaf_id[DICE_ID_HEX_SIZE];
};

static int derive_keys(const uint8_t uds[AVF_PVMFW_UDS_SIZE],
		       const uint8_t cdi_attest[AVF_CDI_SIZE], struct chain_keys *ks)
{
	int err = pvmfw_dice_key_pair(uds, AVF_PVMFW_UDS_SIZE, ks->root_seed, ks->root_pub);

	if (!err)
		err = pvmfw_dice_key_pair(cdi_attest, AVF_CDI_SIZE, ks->leaf_seed, ks->leaf_pub);
	/* The leaf's private key is the payload's to derive again from CDI_Attest. */
	crypto_wipe(ks->leaf_seed, sizeof(ks->leaf_seed));
	if (!err)
		err = pvmfw_dice_id_hex(ks->root_pub, ks->root_id);
	if (!err)
		err = pvmfw_dice_id_hex(ks->leaf_pub, ks->leaf_id);
	return err;
}

int pvmfw_dice_chain_build(const uint8_t uds[AVF_PVMFW_UDS_SIZE],
			   const uint8_t cdi_attest[AVF_CDI_SIZE],
			   const struct pvmfw_dice_inputs *in, uint64_t payload_version,
			   uint8_t *chain, size_t cap, size_t *chain_len)
{
	struct chain_keys ks;
	uint8_t cwt[CWT_MAX], sig[64];
	struct cbor_out c, o;
	int err;

	*chain_len = 0;
	err = derive_keys(uds, cdi_attest, &ks);
	if (!err) {
		cbor_out_init(&c, cwt, sizeof(cwt));
		err = put_cwt(&c, ks.root_id, ks.leaf_id, in, payload_version, ks.leaf_pub);
	}
	if (!err)
		err = sign1(sig, cwt, c.len, ks.root_seed, ks.root_pub);
	if (!err) {
		cbor_out_init(&o, chain, cap);
		cbor_put_array(&o, 2);
		put_cose_key(&o, ks.root_pub);
		cbor_put_array(&o, 4);
		cbor_put_bstr(&o, protected_eddsa, sizeof(protected_eddsa));
		cbor_put_map(&o, 0);
		cbor_put_bstr(&o, cwt, c.len);
		cbor_put_bstr(&o, sig, sizeof(sig));
		err = cbor_out_ok(&o) ? 0 : CRYPTO_EINVAL;
		*chain_len = err ? 0 : o.len;
	}
	crypto_wipe(&ks, sizeof(ks));
	return err;
}
