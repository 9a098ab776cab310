// SPDX-License-Identifier: Apache-2.0
/* avf-sign: command dispatch and help (docs/PAYLOAD.md). */
#include "stack/tools/avf-sign/avf_sign.h"

#include <stdio.h>
#include <string.h>

static const char usage_text[] =
	"usage: avf-sign COMMAND [options] ARGS\n"
	"\n"
	"  keygen OUT.key\n"
	"      new Ed25519 key: private key (PEM, mode 0600) in OUT.key, raw 32-byte public\n"
	"      key in OUT.pub; prints the key id. Never overwrites a file.\n"
	"  sign --key K --version N [--entry OFF] [--load-addr A] [--mem-size S]\n"
	"       [--hash sha256|sha512] IN.bin OUT.payload\n"
	"      sign the raw image IN.bin. Defaults: entry 0, load address 0x80000000,\n"
	"      memory size = code size rounded up to 4 KiB, sha512.\n"
	"  verify --pub P [--min-version N] IN.payload\n"
	"      check structure, key id, signature and rollback index as the firmware does.\n"
	"  inspect IN.payload\n"
	"      check the structure and print the header (no key needed).\n"
	"  fw-config (--uds FILE | --uds-seed TEXT) [--min-version N] PVMFW.bin OUT.bin\n"
	"      the platform's step: append the firmware config (device secret, rollback\n"
	"      floor) to a pvmfw image. --uds-seed (UDS = SHA-256(TEXT)) is for development\n"
	"      and test devices only.\n"
	"\n"
	"Exit status: 0 OK, 1 I/O or OpenSSL failure, 2 usage, 10 truncated, 11 bad magic,\n"
	"12 unsupported format version, 13 bad header, 14 trailing data, 15 unknown key,\n"
	"16 bad signature, 17 version too old, 18 bad key file.\n";

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "keygen", avf_sign_cmd_keygen },
		{ "sign", avf_sign_cmd_sign },
		{ "verify", avf_sign_cmd_verify },
		{ "inspect", avf_sign_cmd_inspect },
		{ "fw-config", avf_sign_cmd_fwconfig },
	};

	if (argc < 2) {
		fputs(usage_text, stderr);
		return AVF_SIGN_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, stdout);
		return AVF_SIGN_OK;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	avf_sign_err("unknown command '%s'\nTry 'avf-sign --help'.", argv[1]);
	return AVF_SIGN_EXIT_USAGE;
}
