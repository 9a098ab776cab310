// SPDX-License-Identifier: Apache-2.0
/*
 * pvmfw-selftest's "dice" payload (scenario dice-runtime): a payload on the runtime that
 * uses the DICE part of the payload API and prints what a relying party would get, so
 * the host can check it with an independent reader:
 *   dice: chain N bytes                     (AVmPayload_getDiceAttestationChain)
 *   dice: chain HEX                         (64 bytes a line, in order)
 *   dice: leaf-signature HEX                (Ed25519 over DICE_CHALLENGE by the leaf key
 *                                            derived here from CDI_Attest: signing in the
 *                                            guest, checked on the host against the chain)
 * and checks the API's size contracts itself (the host sees an error if they fail).
 */
#include <stdint.h>

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/include/avf_handover.h"
#include "stack/guest/include/avf_vm_payload.h"
#include "stack/guest/runtime/runtime.h"

#define DICE_CHALLENGE "pvmfw-selftest dice challenge"

static uint8_t chain[AVF_DICE_CHAIN_MAX];

static int fail(int code, const char *why)
{
	rt_log("dice: %s\n", why);
	AVmPayload_notifyError(code, why);
	return code;
}

static void log_hex(const char *what, const uint8_t *p, size_t n)
{
	char line[2 * 64 + 1];
	static const char digits[] = "0123456789abcdef";

	for (size_t off = 0; off < n; off += 64) {
		size_t k = 0;

		for (size_t i = off; i < n && i < off + 64; i++) {
			line[k++] = digits[p[i] >> 4];
			line[k++] = digits[p[i] & 15];
		}
		line[k] = 0;
		rt_log("dice: %s %s\n", what, line);
	}
}

/* Sign the challenge with the leaf key: seed = HKDF-SHA-256(CDI_Attest, "Key Pair"). */
static int sign_challenge(uint8_t sig[64])
{
	uint8_t cdi[AVF_CDI_SIZE], seed[32], pub[32];

	if (AVmPayload_getDiceAttestationCdi(cdi, 8) != AVF_CDI_SIZE ||
	    AVmPayload_getDiceAttestationCdi(cdi, sizeof(cdi)) != AVF_CDI_SIZE)
		return fail(11, "getDiceAttestationCdi does not report 32 bytes");
	if (crypto_hkdf_sha256(0, 0, cdi, sizeof(cdi), "Key Pair", 8, seed, sizeof(seed)))
		return fail(12, "leaf key derivation failed");
	crypto_ed25519_public_key(seed, pub);
	crypto_ed25519_sign(sig, DICE_CHALLENGE, sizeof(DICE_CHALLENGE) - 1, seed, pub);
	crypto_wipe(cdi, sizeof(cdi));
	crypto_wipe(seed, sizeof(seed));
	return 0;
}

int AVmPayload_main(void)
{
	size_t n = AVmPayload_getDiceAttestationChain(0, 0);
	uint8_t sig[64];
	int rc;

	if (n == 0 || n > sizeof(chain))
		return fail(10, "no DICE chain, or one larger than the handover allows");
	if (AVmPayload_getDiceAttestationChain(chain, 4) != n || chain[4] != 0 ||
	    AVmPayload_getDiceAttestationChain(chain, sizeof(chain)) != n)
		return fail(13, "getDiceAttestationChain's size contract does not hold");
	rt_log("dice: chain %u bytes\n", (unsigned)n);
	log_hex("chain", chain, n);
	rc = sign_challenge(sig);
	if (rc)
		return rc;
	log_hex("leaf-signature", sig, sizeof(sig));
	return 0;
}
