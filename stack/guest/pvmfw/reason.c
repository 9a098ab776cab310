// SPDX-License-Identifier: Apache-2.0
/* Reboot reasons: names and the mapping from payload verdicts (docs/PAYLOAD.md). */
#include "stack/guest/pvmfw/pvmfw.h"

const char *pvmfw_reason_name(enum avf_reboot_reason r)
{
	static const char *const names[AVF_REBOOT_NR_REASONS] = {
		[AVF_REBOOT_NONE] = "None",
		[AVF_REBOOT_INVALID_FDT] = "InvalidFdt",
		[AVF_REBOOT_INVALID_PAYLOAD] = "InvalidPayload",
		[AVF_REBOOT_PAYLOAD_VERIFICATION] = "PayloadVerificationError",
		[AVF_REBOOT_ROLLBACK_VERSION] = "RollbackVersion",
		[AVF_REBOOT_INVALID_CONFIG] = "InvalidConfig",
		[AVF_REBOOT_SECRET_DERIVATION] = "SecretDerivationError",
		[AVF_REBOOT_INTERNAL_ERROR] = "InternalError",
	};

	if ((unsigned)r >= AVF_REBOOT_NR_REASONS)
		return "?";
	return names[r];
}

enum avf_reboot_reason pvmfw_reason_for_payload(enum avf_payload_status st)
{
	switch (st) {
	case AVF_PAYLOAD_OK:
		return AVF_REBOOT_NONE;
	case AVF_PAYLOAD_TRUNCATED:
	case AVF_PAYLOAD_BAD_MAGIC:
	case AVF_PAYLOAD_UNSUPPORTED_FORMAT:
	case AVF_PAYLOAD_BAD_HEADER:
	case AVF_PAYLOAD_TRAILING_DATA:
		return AVF_REBOOT_INVALID_PAYLOAD;	/* not a well-formed payload */
	case AVF_PAYLOAD_UNKNOWN_KEY:
	case AVF_PAYLOAD_BAD_SIGNATURE:
		return AVF_REBOOT_PAYLOAD_VERIFICATION;
	case AVF_PAYLOAD_VERSION_TOO_OLD:
		return AVF_REBOOT_ROLLBACK_VERSION;
	case AVF_PAYLOAD_BAD_TRUSTED_KEY:	/* the firmware's own key: our fault */
	default:
		return AVF_REBOOT_INTERNAL_ERROR;
	}
}
