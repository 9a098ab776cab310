// SPDX-License-Identifier: Apache-2.0
/*
 * The public key the firmware trusts, built in: the raw 32-byte Ed25519 key file named
 * by PVMFW_TRUSTED_KEY (stack/guest/pvmfw/image/module.mk; the project's development
 * key stack/guest/keys/dev.pub unless the build says otherwise).
 */
	.section .rodata
	.balign	8
	.global	pvmfw_trusted_key
pvmfw_trusted_key:
	.incbin	PVMFW_TRUSTED_KEY
	.ifne	(. - pvmfw_trusted_key) - 32
	.error	"the trusted key file is not 32 bytes (a raw Ed25519 public key, avf-sign keygen)"
	.endif
