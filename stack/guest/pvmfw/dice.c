// SPDX-License-Identifier: Apache-2.0
/*
 * DICE derivation in the style of the Open Profile for DICE (docs/PAYLOAD.md, "DICE"):
 * the firmware is the first DICE layer, its UDS is the platform's device secret, and
 * the payload's code, configuration, authority, mode and hidden input select its CDIs.
 * HKDF-SHA-256 stands in for the profile's KDF.
 */
#include "stack/guest/pvmfw/pvmfw.h"

#include "stack/guest/crypto/crypto.h"

#define ATTEST_INPUT_SIZE (64 + 64 + 64 + 1 + 64)
#define SEAL_INPUT_SIZE (64 + 1 + 64)

static void put_bytes(uint8_t **p, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		(*p)[i] = src[i];
	*p += n;
}

void pvmfw_dice_inputs_make(const struct avf_payload *p, const uint8_t authority_key[32],
			    bool debug, const uint8_t *instance_id, size_t instance_id_size,
			    struct pvmfw_dice_inputs *in)
{
	avf_payload_measure(p, in->code_hash);
	for (unsigned i = 0; i < 64; i++)
		in->config_value[i] = i < 8 ? (uint8_t)(p->hdr.payload_version >> (8 * i)) : 0;
	crypto_sha512(authority_key, 32, in->authority_hash);
	in->mode = debug ? AVF_DICE_MODE_DEBUG : AVF_DICE_MODE_NORMAL;
	crypto_sha512(instance_id, instance_id_size, in->hidden);
}

int pvmfw_dice_derive(const uint8_t uds[AVF_PVMFW_UDS_SIZE], const struct pvmfw_dice_inputs *in,
		      uint8_t cdi_attest[AVF_CDI_SIZE], uint8_t cdi_seal[AVF_CDI_SIZE])
{
	uint8_t buf[ATTEST_INPUT_SIZE], salt[CRYPTO_SHA256_DIGEST_SIZE], *p = buf;
	int err;

	/* code_hash || config_value || authority_hash || mode || hidden */
	put_bytes(&p, in->code_hash, 64);
	put_bytes(&p, in->config_value, 64);
	put_bytes(&p, in->authority_hash, 64);
	put_bytes(&p, &in->mode, 1);
	put_bytes(&p, in->hidden, 64);
	crypto_sha256(buf, sizeof(buf), salt);
	err = crypto_hkdf_sha256(salt, sizeof(salt), uds, AVF_PVMFW_UDS_SIZE, "CDI_Attest", 10,
				 cdi_attest, AVF_CDI_SIZE);
	if (err)
		goto out;
	/* Sealing leaves out the code and its version: updates keep the same secrets. */
	p = buf;
	put_bytes(&p, in->authority_hash, 64);
	put_bytes(&p, &in->mode, 1);
	put_bytes(&p, in->hidden, 64);
	crypto_sha256(buf, SEAL_INPUT_SIZE, salt);
	err = crypto_hkdf_sha256(salt, sizeof(salt), uds, AVF_PVMFW_UDS_SIZE, "CDI_Seal", 8,
				 cdi_seal, AVF_CDI_SIZE);
out:
	crypto_wipe(buf, sizeof(buf));
	crypto_wipe(salt, sizeof(salt));
	if (err) {
		crypto_wipe(cdi_attest, AVF_CDI_SIZE);
		crypto_wipe(cdi_seal, AVF_CDI_SIZE);
	}
	return err;
}
