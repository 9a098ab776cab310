/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The firmware-to-payload handover: one page the pvmfw-like firmware fills before it
 * jumps to a verified payload, whose address the payload receives in x1 (x0 = the DT).
 * It carries the DICE values derived for this payload (docs/PAYLOAD.md, "DICE") and the
 * VM description the firmware validated, so the runtime need not trust the host's DT for
 * anything security-relevant.
 *
 * Both sides run in the same guest, so this is a native (little-endian aarch64) struct.
 * The page lies in the firmware's region, outside RAM. The CDIs are secrets: the
 * runtime copies what it needs and wipes them from this page.
 */
#ifndef AVF_HANDOVER_H
#define AVF_HANDOVER_H

#include <stdint.h>

#define AVF_HANDOVER_MAGIC	"AVFHNDOV"
/*
 * Version 2 added the DICE chain at the end. pvmfw and the runtime are built from the
 * same tree and both compare against this value, so they always move in step; a
 * payload built against another version is refused by the runtime at boot.
 */
#define AVF_HANDOVER_VERSION	2u

/* DICE modes (Open Profile for DICE). */
#define AVF_DICE_MODE_NORMAL	1u
#define AVF_DICE_MODE_DEBUG	2u

#define AVF_CDI_SIZE		32
#define AVF_DICE_HASH_SIZE	64
#define AVF_INSTANCE_ID_MAX	64
#define AVF_DICE_CHAIN_MAX	1024

struct avf_handover {
	uint8_t magic[8];		/* AVF_HANDOVER_MAGIC */
	uint32_t version;		/* AVF_HANDOVER_VERSION */
	uint32_t size;			/* sizeof(struct avf_handover) */
	/* Secrets. */
	uint8_t cdi_attest[AVF_CDI_SIZE];
	uint8_t cdi_seal[AVF_CDI_SIZE];
	/* The (public) DICE inputs they were derived from. */
	uint8_t code_hash[AVF_DICE_HASH_SIZE];
	uint8_t config_value[AVF_DICE_HASH_SIZE];
	uint8_t authority_hash[AVF_DICE_HASH_SIZE];
	uint8_t authority_key[32];	/* the Ed25519 key that signed the payload */
	uint32_t mode;			/* AVF_DICE_MODE_* */
	uint32_t instance_id_size;
	uint8_t instance_id[AVF_INSTANCE_ID_MAX];
	uint64_t payload_version;
	/* The VM as the firmware validated it. */
	uint64_t ram_base, ram_size;
	uint64_t fdt_addr, fdt_size;
	uint64_t uart_base;		/* 16550; 0 when the DT has none */
	uint64_t load_addr, mem_size, entry;
	/*
	 * Version 2: the payload's DICE chain, public (docs/PAYLOAD.md, "DICE chain"): a
	 * CBOR array of the device's root public key (COSE_Key) and one COSE_Sign1
	 * certificate for the payload layer, whose subject key is derived from cdi_attest.
	 */
	uint32_t dice_chain_size;	/* bytes used in dice_chain */
	uint32_t reserved;		/* 0 */
	uint8_t dice_chain[AVF_DICE_CHAIN_MAX];
};

_Static_assert(sizeof(struct avf_handover) <= 4096, "the handover fits one page");

#endif /* AVF_HANDOVER_H */
