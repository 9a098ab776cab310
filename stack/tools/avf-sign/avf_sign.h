/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avf-sign: the host tool that makes and checks signed payloads (docs/PAYLOAD.md).
 * Signing uses OpenSSL's libcrypto (EVP, Ed25519); parsing and verification use the very
 * code the firmware runs (stack/guest/payload), so the tool's verdict is the firmware's.
 *
 * Each error kind has its own exit status, so scripts and tests can tell them apart;
 * every failure prints one line on stderr: "avf-sign: COMMAND: FILE: what is wrong".
 */
#ifndef AVF_SIGN_H
#define AVF_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "stack/guest/payload/payload.h"

/* Exit statuses (docs/PAYLOAD.md lists them). */
enum avf_sign_exit {
	AVF_SIGN_OK = 0,
	AVF_SIGN_EXIT_IO = 1,		/* a file cannot be read or written, OpenSSL failed */
	AVF_SIGN_EXIT_USAGE = 2,	/* bad command line */
	AVF_SIGN_EXIT_TRUNCATED = 10,
	AVF_SIGN_EXIT_BAD_MAGIC = 11,
	AVF_SIGN_EXIT_UNSUPPORTED_FORMAT = 12,
	AVF_SIGN_EXIT_BAD_HEADER = 13,
	AVF_SIGN_EXIT_TRAILING_DATA = 14,
	AVF_SIGN_EXIT_UNKNOWN_KEY = 15,
	AVF_SIGN_EXIT_BAD_SIGNATURE = 16,
	AVF_SIGN_EXIT_VERSION_TOO_OLD = 17,
	AVF_SIGN_EXIT_BAD_KEY = 18,	/* a key file is not a usable Ed25519 key */
};

/* The exit status for a payload status (AVF_PAYLOAD_OK -> 0). */
int avf_sign_exit_for(enum avf_payload_status st);

/* ---- files (avf_sign_file.c) ---------------------------------------------------------- */

/* The largest file the tool reads: payloads are firmware-loaded images, not disks. */
#define AVF_SIGN_MAX_FILE (1ull << 30)

/*
 * Read all of @path into a malloc'd buffer. 0, or -errno (-EFBIG above
 * AVF_SIGN_MAX_FILE); the caller frees *data.
 */
int avf_sign_read_file(const char *path, uint8_t **data, size_t *size);
/*
 * Write @size bytes to @path atomically: a temporary file in the same directory, then
 * rename. @mode is the new file's permission bits; @exclusive refuses an existing @path
 * (-EEXIST). 0 or -errno.
 */
int avf_sign_write_file(const char *path, const void *data, size_t size, unsigned mode,
			int exclusive);

/* ---- keys (avf_sign_keys.c) ------------------------------------------------------------ */

struct evp_pkey_st;

/* Generate an Ed25519 key; write the private key (PKCS#8 PEM, mode 0600) to @key_path
 * and the raw 32-byte public key to @pub_path, refusing to overwrite either. Prints the
 * key id on stdout. Returns an exit status. */
int avf_sign_keygen(const char *key_path, const char *pub_path);
/* Load a PEM private key, check it is Ed25519, return its raw public key.
 * Returns an exit status; on success *key is the caller's to EVP_PKEY_free(). */
int avf_sign_load_private(const char *path, struct evp_pkey_st **key, uint8_t pub[32]);
/* Load a raw 32-byte public key file. Returns an exit status. */
int avf_sign_load_public(const char *path, uint8_t pub[32]);
/* The .pub path that goes with a .key path: "x.key" -> "x.pub", else path + ".pub".
 * Returns a malloc'd string, NULL on allocation failure. */
char *avf_sign_pub_path(const char *key_path);

/* ---- commands (avf_sign_cmd.c) --------------------------------------------------------- */

int avf_sign_cmd_keygen(int argc, char **argv);
int avf_sign_cmd_sign(int argc, char **argv);
int avf_sign_cmd_verify(int argc, char **argv);
int avf_sign_cmd_inspect(int argc, char **argv);
int avf_sign_cmd_fwconfig(int argc, char **argv);

/* "avf-sign: " + message + newline on stderr. */
void avf_sign_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse an unsigned number (decimal or 0x hex, nothing trailing). 0 or -EINVAL. */
int avf_sign_parse_u64(const char *s, uint64_t *out);

#endif /* AVF_SIGN_H */
