/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The signed payload format, version 1: what `avf-sign` writes, what the pvmfw-like
 * firmware (stack/guest/pvmfw) verifies before it runs a protected VM's payload, and what
 * the service checks before it starts one. docs/PAYLOAD.md is the prose version.
 *
 * A payload file is three parts, back to back, with no padding between them:
 *
 *   offset 0                         header (struct avf_payload_header, 128 bytes)
 *   offset header_size               code (code_size bytes: the raw image to run)
 *   offset header_size + code_size   signature (sig_size = 64 bytes, Ed25519 R || S)
 *
 * Every integer is little-endian and of the fixed width its type says, at the offset the
 * static assertions below pin; there is no implicit padding. Readers must decode fields
 * byte by byte (stack/guest/payload does), never by casting a possibly unaligned buffer.
 *
 * What is signed: digest = H(header || code), H = SHA-256 or SHA-512 as hash_alg says,
 * and the Ed25519 (RFC 8032, PureEdDSA) signature is over the message
 *
 *   AVF_PAYLOAD_SIG_CONTEXT (16 ASCII bytes, no NUL) || digest
 *
 * The header is inside the digest, so every field (version, sizes, entry, load address,
 * key id) is covered by the signature. The context string keeps a payload signature from
 * ever being valid as a signature of anything else made with the same key.
 *
 * The key id is the first 8 bytes of SHA-256(the 32-byte raw Ed25519 public key). It
 * selects the key; it is not trusted: the signature is always checked with the trusted
 * key itself.
 */
#ifndef AVF_PAYLOAD_FORMAT_H
#define AVF_PAYLOAD_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define AVF_PAYLOAD_MAGIC		"AVFPAYLD"	/* 8 bytes, no NUL in the file */
#define AVF_PAYLOAD_MAGIC_SIZE		8
#define AVF_PAYLOAD_FORMAT_VERSION	1u
#define AVF_PAYLOAD_HEADER_SIZE		128u

/* hash_alg: the hash of header || code that is signed. */
#define AVF_PAYLOAD_HASH_SHA256		1u
#define AVF_PAYLOAD_HASH_SHA512		2u
/* sig_alg: the only one in version 1. */
#define AVF_PAYLOAD_SIG_ED25519		1u
#define AVF_PAYLOAD_SIG_SIZE		64u

#define AVF_PAYLOAD_KEY_ID_SIZE		8
#define AVF_PAYLOAD_PUBLIC_KEY_SIZE	32

/* Prefix of the signed message (domain separation), exactly 16 bytes. */
#define AVF_PAYLOAD_SIG_CONTEXT		"AVF-PAYLOAD-SIG1"
#define AVF_PAYLOAD_SIG_CONTEXT_SIZE	16

/* The code runs at load_addr, which must be aligned to this (one 4 KiB page). */
#define AVF_PAYLOAD_LOAD_ALIGN		4096u
/* The entry point is an A64 instruction: 4-byte aligned. */
#define AVF_PAYLOAD_ENTRY_ALIGN		4u

/*
 * The header as it lies in the file (little-endian). On a little-endian machine with a
 * suitably aligned buffer this struct matches the bytes; portable readers decode each
 * field at offsetof() instead.
 */
struct avf_payload_header {
	uint8_t magic[AVF_PAYLOAD_MAGIC_SIZE];	/* AVF_PAYLOAD_MAGIC */
	uint32_t format_version;	/* AVF_PAYLOAD_FORMAT_VERSION; others are refused */
	uint32_t header_size;		/* AVF_PAYLOAD_HEADER_SIZE in version 1 */
	uint64_t payload_version;	/* rollback index: refused below the minimum */
	uint64_t code_size;		/* bytes of code, > 0 */
	uint64_t entry_offset;		/* entry point: code + entry_offset; < code_size,
					 * multiple of AVF_PAYLOAD_ENTRY_ALIGN */
	uint64_t load_addr;		/* guest physical address where code[0] must be when
					 * it runs; multiple of AVF_PAYLOAD_LOAD_ALIGN */
	uint64_t mem_size;		/* bytes the payload occupies from load_addr once
					 * running (code, data, bss, its own stack): >= code_size;
					 * load_addr + mem_size must not overflow */
	uint32_t hash_alg;		/* AVF_PAYLOAD_HASH_* */
	uint32_t sig_alg;		/* AVF_PAYLOAD_SIG_ED25519 */
	uint8_t key_id[AVF_PAYLOAD_KEY_ID_SIZE];	/* of the signing key */
	uint32_t sig_size;		/* AVF_PAYLOAD_SIG_SIZE */
	uint32_t flags;			/* none defined in version 1: must be 0 */
	uint8_t reserved[48];		/* must be 0 */
};

_Static_assert(sizeof(struct avf_payload_header) == AVF_PAYLOAD_HEADER_SIZE, "header size");
_Static_assert(offsetof(struct avf_payload_header, format_version) == 8, "layout");
_Static_assert(offsetof(struct avf_payload_header, header_size) == 12, "layout");
_Static_assert(offsetof(struct avf_payload_header, payload_version) == 16, "layout");
_Static_assert(offsetof(struct avf_payload_header, code_size) == 24, "layout");
_Static_assert(offsetof(struct avf_payload_header, entry_offset) == 32, "layout");
_Static_assert(offsetof(struct avf_payload_header, load_addr) == 40, "layout");
_Static_assert(offsetof(struct avf_payload_header, mem_size) == 48, "layout");
_Static_assert(offsetof(struct avf_payload_header, hash_alg) == 56, "layout");
_Static_assert(offsetof(struct avf_payload_header, sig_alg) == 60, "layout");
_Static_assert(offsetof(struct avf_payload_header, key_id) == 64, "layout");
_Static_assert(offsetof(struct avf_payload_header, sig_size) == 72, "layout");
_Static_assert(offsetof(struct avf_payload_header, flags) == 76, "layout");
_Static_assert(offsetof(struct avf_payload_header, reserved) == 80, "layout");

#endif /* AVF_PAYLOAD_FORMAT_H */
