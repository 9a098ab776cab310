/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the pvmfw-like firmware (stack/guest/pvmfw) and the host side agree on:
 *
 *  - how a VM reports why its firmware refused to boot it (reboot reasons, modelled on
 *    AVF's pvmfw RebootReason) and the hypercall that carries the reason to the host;
 *  - the firmware image's header, which says where the platform appends its
 *    configuration;
 *  - that configuration: the device secret the DICE derivation starts from and the
 *    minimum payload version (rollback floor).
 *
 * docs/PAYLOAD.md ("The firmware") is the prose version. Integers little-endian.
 */
#ifndef AVF_PVMFW_ABI_H
#define AVF_PVMFW_ABI_H

#include <stddef.h>
#include <stdint.h>

#include "stack/guest/include/avf_hvc.h"

/* ---- reboot reasons ---------------------------------------------------------------------- */

/*
 * Why the firmware refused to run the payload. The numbers are ABI: they travel in the
 * reason hypercall and in the console line "pvmfw: reboot-reason N NAME". Whatever the
 * reason, the VM then stops with PSCI SYSTEM_RESET, as AVF's pvmfw does.
 */
enum avf_reboot_reason {
	AVF_REBOOT_NONE = 0,			/* not a failure: the payload was started */
	AVF_REBOOT_INVALID_FDT = 1,		/* the host's DT is malformed or unacceptable */
	AVF_REBOOT_INVALID_PAYLOAD = 2,		/* not a well-formed payload, or it does not fit */
	AVF_REBOOT_PAYLOAD_VERIFICATION = 3,	/* unknown key or bad signature */
	AVF_REBOOT_ROLLBACK_VERSION = 4,	/* payload_version below the minimum */
	AVF_REBOOT_INVALID_CONFIG = 5,		/* the platform's appended config is missing/bad */
	AVF_REBOOT_SECRET_DERIVATION = 6,	/* DICE derivation failed */
	AVF_REBOOT_INTERNAL_ERROR = 7,		/* firmware bug, unexpected exception */
	AVF_REBOOT_NR_REASONS,
};

/*
 * The firmware reports the reason to the host with AVF_HVC_PVMFW_REBOOT_REASON
 * (avf_hvc.h): x1 = the reason (never NONE), x2..x6 = 0, sent once just before PSCI
 * SYSTEM_RESET. The host answers x0 = 0 (or NOT_SUPPORTED, -1, if it does not listen);
 * the firmware ignores the answer.
 */

/* ---- the firmware image -------------------------------------------------------------------- */

#define AVF_PVMFW_IMAGE_MAGIC		"AVFPVMFW"

/*
 * The first 32 bytes of the firmware image (it is entered at its first byte, so the first
 * word is a branch over this header, like an arm64 Linux Image's).
 */
struct avf_pvmfw_image_header {
	uint32_t code0;			/* branch to the real entry */
	uint32_t code1;			/* NOP */
	uint8_t magic[8];		/* AVF_PVMFW_IMAGE_MAGIC */
	uint64_t config_offset;		/* where the config goes, from the image's start:
					 * 4 KiB aligned, past everything the firmware uses
					 * (code, data, bss, stack) */
	uint64_t reserved;		/* 0 */
};
_Static_assert(sizeof(struct avf_pvmfw_image_header) == 32, "image header size");

/* ---- the platform's configuration --------------------------------------------------------- */

#define AVF_PVMFW_CONFIG_MAGIC		"AVFFWCFG"
#define AVF_PVMFW_CONFIG_VERSION	1u
#define AVF_PVMFW_UDS_SIZE		32

/*
 * Appended by the platform (as AVF's bootloader appends pvmfw's config) at config_offset:
 * the firmware file a hyp loads is image || zero padding || this. Without it the firmware
 * refuses to boot anything (INVALID_CONFIG): it would have no secret to derive from.
 */
struct avf_pvmfw_config {
	uint8_t magic[8];		/* AVF_PVMFW_CONFIG_MAGIC */
	uint32_t version;		/* AVF_PVMFW_CONFIG_VERSION */
	uint32_t size;			/* sizeof(struct avf_pvmfw_config) = 64 */
	uint64_t min_payload_version;	/* rollback floor: older payloads are refused */
	uint8_t uds[AVF_PVMFW_UDS_SIZE];	/* the device secret DICE starts from */
	uint8_t reserved[8];		/* 0 */
};
_Static_assert(sizeof(struct avf_pvmfw_config) == 64, "config size");
_Static_assert(offsetof(struct avf_pvmfw_config, min_payload_version) == 16, "layout");
_Static_assert(offsetof(struct avf_pvmfw_config, uds) == 24, "layout");

#endif /* AVF_PVMFW_ABI_H */
