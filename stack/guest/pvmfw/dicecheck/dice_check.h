/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A host-side checker for the DICE chain pvmfw hands a payload (../dice_chain.h,
 * docs/PAYLOAD.md "DICE chain"), written independently of the firmware's encoder: its
 * own strict CBOR reader, its own Sig_structure encoding. The signature check is the
 * caller's (a function pointer), so tests use OpenSSL and programs that cannot link it
 * use the guest's verifier.
 *
 * It accepts a chain of one root COSE_Key and one or more certificates, each signed by
 * the previous subject's key (the root's for the first) and naming it in iss, and
 * reports the last (leaf) certificate's claims. Host only (uses libc).
 */
#ifndef AVF_PVMFW_DICE_CHECK_H
#define AVF_PVMFW_DICE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dice_chain_info {
	uint8_t root_key[32];		/* the device's root public key */
	uint8_t leaf_key[32];		/* the last certificate's subject key */
	unsigned nr_certs;
	/* The leaf certificate's claims. */
	uint8_t code_hash[64];
	uint8_t authority_hash[64];
	uint8_t mode;			/* AVF_DICE_MODE_* */
	uint64_t component_version;	/* the payload's version */
	char component_name[32];
	char issuer[41], subject[41];	/* NUL-terminated hex IDs */
};

/* True when @sig is a valid Ed25519 signature of @msg under @public_key. */
typedef bool (*dice_sig_verify_fn)(const uint8_t public_key[32], const uint8_t sig[64],
				   const uint8_t *msg, size_t len);

/*
 * Check @chain (@len bytes) completely: CBOR well-formed, in the shortest encoding, no
 * trailing bytes; the exact COSE_Key and protected-header shapes; every signature (by
 * @verify); iss of each certificate = the ID of its signer's key and sub = the ID of its
 * subject key; keyUsage keyCertSign; every claim present exactly once with its size.
 * Returns 0 and fills @info, or -EBADMSG with *@why naming the first failed check.
 */
int dice_chain_check(const uint8_t *chain, size_t len, dice_sig_verify_fn verify,
		     struct dice_chain_info *info, const char **why);

#endif /* AVF_PVMFW_DICE_CHECK_H */
