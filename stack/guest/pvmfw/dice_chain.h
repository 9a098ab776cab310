/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DICE chain pvmfw hands the payload (docs/PAYLOAD.md, "DICE chain"): the wire
 * format's constants, shared by the firmware that writes it (dice_chain.c) and by the
 * host-side checker (stack/guest/pvmfw/dicecheck), and the key derivations both sides
 * need.
 *
 * DiceChain = [ root: COSE_Key, cert: COSE_Sign1 ]   (AVF's DiceCertChain shape)
 *   root  = the device's public key, derived from its UDS ("UDS_Public");
 *   cert  = [ protected: bstr .cbor {1: -8}, unprotected: {}, payload: bstr .cbor CWT,
 *             signature: bstr(64) ], signed by the root key over the COSE
 *           Sig_structure ["Signature1", protected, h'', payload];
 *   CWT   = { 1 iss: tstr, 2 sub: tstr, codeHash, configurationDescriptor, authorityHash,
 *             mode, subjectPublicKey: bstr .cbor COSE_Key, keyUsage: h'20' }
 *           with the Open Profile for DICE labels below; the subject key is the payload
 *           layer's attestation key, derived from CDI_Attest.
 */
#ifndef AVF_GUEST_PVMFW_DICE_CHAIN_H
#define AVF_GUEST_PVMFW_DICE_CHAIN_H

#include <stdint.h>

/* CWT claims (RFC 8392) and the Open Profile for DICE's private labels. */
#define DICE_CWT_ISS			1
#define DICE_CWT_SUB			2
#define DICE_CWT_CODE_HASH		(-4670545)
#define DICE_CWT_CONFIG_DESC		(-4670548)
#define DICE_CWT_AUTHORITY_HASH		(-4670549)
#define DICE_CWT_MODE			(-4670551)
#define DICE_CWT_SUBJECT_PUBLIC_KEY	(-4670552)
#define DICE_CWT_KEY_USAGE		(-4670553)
/* Inside the configuration descriptor (AVF's component claims). */
#define DICE_CONFIG_COMPONENT_NAME	(-70002)
#define DICE_CONFIG_COMPONENT_VERSION	(-70003)
#define DICE_COMPONENT_NAME		"avf-payload"
/* keyUsage: keyCertSign (RFC 5280 bit 5), as a one-byte bstr. */
#define DICE_KEY_USAGE_CERT_SIGN	0x20

/* COSE (RFC 9052/9053): header label alg, key labels, OKP/Ed25519/EdDSA values. */
#define COSE_HEADER_ALG		1
#define COSE_KEY_KTY		1
#define COSE_KEY_ALG		3
#define COSE_KEY_OKP_CRV	(-1)
#define COSE_KEY_OKP_X		(-2)
#define COSE_KTY_OKP		1
#define COSE_ALG_EDDSA		(-8)
#define COSE_CRV_ED25519	6

/*
 * Key pairs: seed = HKDF-SHA-256(IKM = @secret (the UDS or a CDI_Attest), salt = none,
 * info = "Key Pair", L = 32), then Ed25519 key generation from that seed.
 * IDs (iss, sub): the lowercase hex of HKDF-SHA-256(IKM = public key, salt = none,
 * info = "ID", L = 20), 40 characters.
 */
#define DICE_ID_SIZE		20
#define DICE_ID_HEX_SIZE	(2 * DICE_ID_SIZE)

#endif /* AVF_GUEST_PVMFW_DICE_CHAIN_H */
