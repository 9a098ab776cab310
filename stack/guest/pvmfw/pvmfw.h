/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pvmfw-like firmware's logic, as freestanding library code that runs the same in
 * the bare-metal image (stack/guest/pvmfw/image) and in host unit tests and fuzzers:
 *
 *   pvmfw_dt_check()     validate the host's DT and extract what the firmware needs;
 *   pvmfw_dt_sanitise()  strip what the payload must not be handed;
 *   pvmfw_config_parse() the platform's appended config (device secret, rollback floor);
 *   pvmfw_dice_*()       Open-Profile-for-DICE-style CDI derivation and DICE chain;
 *   pvmfw_boot()         all of the above in order, then payload verification, copying
 *                        the code to its load address, and the handover.
 *
 * Every refusal is an enum avf_reboot_reason (avf_pvmfw_abi.h) plus a fixed phrase
 * naming the check. docs/PAYLOAD.md ("The firmware", "DICE") documents the checks, the
 * derivation and the DT contract.
 */
#ifndef AVF_GUEST_PVMFW_H
#define AVF_GUEST_PVMFW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/guest/fdt/gfdt.h"
#include "stack/guest/include/avf_handover.h"
#include "stack/guest/include/avf_pvmfw_abi.h"
#include "stack/guest/payload/payload.h"

/* "InvalidFdt", ... (AVF's RebootReason spellings); "?" out of range. */
const char *pvmfw_reason_name(enum avf_reboot_reason r);
/* The reason for a payload parse/verify status (AVF_PAYLOAD_OK -> NONE). */
enum avf_reboot_reason pvmfw_reason_for_payload(enum avf_payload_status st);

/* The VM's fixed memory map as the firmware expects it (stack/vmm/layout.h). */
struct pvmfw_layout {
	uint64_t fw_base, fw_size;	/* the firmware's own region */
	uint64_t ram_base;		/* the one acceptable start of RAM */
	uint64_t min_ram_size;		/* smallest acceptable RAM */
	uint64_t ipa_limit;		/* every address must be below this */
};

/* ---- the DT ------------------------------------------------------------------------------ */

struct pvmfw_dt_config {
	uint64_t ram_base, ram_size;
	uint64_t fdt_size;		/* the DT's totalsize */
	uint64_t uart_base;		/* 0: no ns16550a node */
	uint64_t payload_addr, payload_size;	/* /avf/payload */
	const uint8_t *instance_id;	/* /avf/instance-id, inside the blob */
	uint32_t instance_id_size;	/* 8..64 */
	bool debug;			/* /avf/debug */
};

#define PVMFW_INSTANCE_ID_MIN	8

/*
 * Validate the DT at guest address @fdt_addr, of which @avail bytes are readable at
 * @blob, against @layout, and fill @out. Returns AVF_REBOOT_NONE or
 * AVF_REBOOT_INVALID_FDT with *@detail naming the check. @t is left open on the blob for
 * pvmfw_dt_sanitise(). out->uart_base is set as soon as the serial node has passed its
 * checks, so a caller can report a later failure on the console.
 */
enum avf_reboot_reason pvmfw_dt_check(struct gfdt *t, const void *blob, size_t avail,
				      uint64_t fdt_addr, const struct pvmfw_layout *layout,
				      struct pvmfw_dt_config *out, const char **detail);
/*
 * Remove, in place, every property of /avf other than compatible, payload, instance-id
 * and debug, and every property of /chosen other than bootargs and stdout-path. Returns
 * the number of properties removed, or a negative GFDT error.
 */
int pvmfw_dt_sanitise(const struct gfdt *t, void *blob);

/* ---- the platform's config ---------------------------------------------------------------- */

struct pvmfw_config {
	uint64_t min_payload_version;
	uint8_t uds[AVF_PVMFW_UDS_SIZE];
};

/*
 * Decode the config at @cfg (@avail bytes readable there). Returns NONE or
 * INVALID_CONFIG (*@detail says why). The caller wipes @out's uds when done.
 */
enum avf_reboot_reason pvmfw_config_parse(const uint8_t *cfg, size_t avail,
					  struct pvmfw_config *out, const char **detail);

/*
 * The platform's side (host tools, tests): where an image wants its config, and the
 * config's bytes. pvmfw_image_config_offset() returns the image header's config_offset,
 * or 0 when @image (@size bytes) is not a pvmfw image (magic), its offset is not 4 KiB
 * aligned, or the image is longer than it. pvmfw_config_encode() writes the 64-byte
 * little-endian form of @c.
 */
uint64_t pvmfw_image_config_offset(const uint8_t *image, size_t size);
void pvmfw_config_encode(const struct pvmfw_config *c, uint8_t out[sizeof(struct avf_pvmfw_config)]);

/* ---- DICE -------------------------------------------------------------------------------- */

struct pvmfw_dice_inputs {
	uint8_t code_hash[64];		/* SHA-512(payload header || code) */
	uint8_t config_value[64];	/* u64le(payload_version), then zeros */
	uint8_t authority_hash[64];	/* SHA-512(signing public key) */
	uint8_t mode;			/* AVF_DICE_MODE_NORMAL / _DEBUG */
	uint8_t hidden[64];		/* SHA-512(instance id) */
};

void pvmfw_dice_inputs_make(const struct avf_payload *p, const uint8_t authority_key[32],
			    bool debug, const uint8_t *instance_id, size_t instance_id_size,
			    struct pvmfw_dice_inputs *in);
/*
 * CDI_Attest = HKDF-SHA-256(IKM = uds, salt = SHA-256(code_hash || config_value ||
 *              authority_hash || mode || hidden), info = "CDI_Attest", L = 32)
 * CDI_Seal   = HKDF-SHA-256(IKM = uds, salt = SHA-256(authority_hash || mode || hidden),
 *              info = "CDI_Seal", L = 32)
 * Intermediate values are wiped. Returns 0, or a negative CRYPTO_* error.
 */
int pvmfw_dice_derive(const uint8_t uds[AVF_PVMFW_UDS_SIZE], const struct pvmfw_dice_inputs *in,
		      uint8_t cdi_attest[AVF_CDI_SIZE], uint8_t cdi_seal[AVF_CDI_SIZE]);

/*
 * The DICE chain for the payload (dice_chain.h: format; docs/PAYLOAD.md, "DICE chain"):
 * the root key pair from @uds, the leaf key pair from @cdi_attest, one certificate by
 * the root for the leaf with @in's measurements and @payload_version. Writes at most
 * @cap bytes to @chain and their number to *@chain_len. Returns 0, or CRYPTO_EINVAL
 * (*@chain_len = 0) when @cap is too small. Every private key is wiped before return.
 */
int pvmfw_dice_chain_build(const uint8_t uds[AVF_PVMFW_UDS_SIZE],
			   const uint8_t cdi_attest[AVF_CDI_SIZE],
			   const struct pvmfw_dice_inputs *in, uint64_t payload_version,
			   uint8_t *chain, size_t cap, size_t *chain_len);
/*
 * The chain's key derivation (dice_chain.h): @seed and @public_key from @secret. The
 * payload side calls it on CDI_Attest to get the leaf key pair again. Returns 0 or a
 * CRYPTO_* error (never, for 32-byte secrets).
 */
int pvmfw_dice_key_pair(const uint8_t *secret, size_t secret_size, uint8_t seed[32],
			uint8_t public_key[32]);
/* The 40 lowercase hex digits naming @public_key in iss/sub (dice_chain.h). */
int pvmfw_dice_id_hex(const uint8_t public_key[32], char hex[40]);

/* ---- the whole boot decision --------------------------------------------------------------- */

struct pvmfw_platform {
	struct pvmfw_layout layout;
	const uint8_t *trusted_key;	/* 32 bytes: the key built into the firmware */
	/*
	 * Guest physical memory as the firmware sees it: a pointer to @size bytes at
	 * guest address @pa, or NULL if that range is not memory. Bare metal: identity.
	 */
	uint8_t *(*phys)(void *ctx, uint64_t pa, uint64_t size);
	void *ctx;
};

struct pvmfw_boot_out {
	const char *detail;		/* the failed check's phrase; "" on success */
	uint64_t uart_base;		/* console for the report; 0 if none is known */
	uint64_t entry;			/* where to jump on success */
	uint64_t payload_version;
	uint8_t key_id[AVF_PAYLOAD_KEY_ID_SIZE];
	int nr_sanitised;		/* DT properties removed */
};

/*
 * Decide whether to run the payload the DT at @fdt_addr names, and prepare it:
 *   1. DT checks (INVALID_FDT);       2. config (INVALID_CONFIG);
 *   3. payload parse (INVALID_PAYLOAD) and verification against platform->trusted_key
 *      and the config's rollback floor (PAYLOAD_VERIFICATION, ROLLBACK_VERSION;
 *      an unusable built-in key is INTERNAL_ERROR);
 *   4. its load region [load_addr, +mem_size) inside RAM and clear of the DT
 *      (INVALID_PAYLOAD);
 *   5. DICE: the CDIs and the DICE chain (SECRET_DERIVATION);
 *   6. code copied to load_addr (memmove: the regions may overlap), the rest of mem_size
 *      zeroed, the DT sanitised, the handover @ho filled.
 * @cfg/@cfg_avail: the config bytes in the firmware's memory. Its device secret is wiped
 * there before return, whatever the outcome, and so is every secret on the way; on
 * failure @ho is wiped too. Returns AVF_REBOOT_NONE when the payload may run at
 * out->entry with x0 = @fdt_addr and x1 = the handover's address.
 */
enum avf_reboot_reason pvmfw_boot(const struct pvmfw_platform *platform, uint64_t fdt_addr,
				  uint8_t *cfg, size_t cfg_avail, struct avf_handover *ho,
				  struct pvmfw_boot_out *out);

#endif /* AVF_GUEST_PVMFW_H */
