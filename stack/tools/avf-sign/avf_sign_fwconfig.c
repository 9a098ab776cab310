// SPDX-License-Identifier: Apache-2.0
/*
 * avf-sign fw-config: the platform's step of appending its config to the pvmfw image
 * (avf_pvmfw_abi.h, docs/PAYLOAD.md), as AVF's bootloader appends pvmfw's. The device
 * secret comes from a 32-byte file, or, for development and test devices only, from a
 * seed text (UDS = SHA-256(text)), so that builds are reproducible.
 */
#include "stack/tools/avf-sign/avf_sign.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "stack/guest/pvmfw/pvmfw.h"

static int usage(const char *what)
{
	avf_sign_err("fw-config: %s\nTry 'avf-sign --help'.", what);
	return AVF_SIGN_EXIT_USAGE;
}

static int load_uds(const char *file, const char *seed, uint8_t uds[32])
{
	unsigned int n;
	uint8_t *data;
	size_t size;
	int err;

	if (seed)
		return EVP_Digest(seed, strlen(seed), uds, &n, EVP_sha256(), NULL) == 1 ?
		       AVF_SIGN_OK : AVF_SIGN_EXIT_IO;
	err = avf_sign_read_file(file, &data, &size);
	if (err) {
		avf_sign_err("fw-config: --uds %s: %s", file, strerror(-err));
		return AVF_SIGN_EXIT_IO;
	}
	if (size != 32) {
		avf_sign_err("fw-config: --uds %s: %zu bytes, expected 32", file, size);
		OPENSSL_cleanse(data, size);
		free(data);
		return AVF_SIGN_EXIT_BAD_KEY;
	}
	memcpy(uds, data, 32);
	OPENSSL_cleanse(data, 32);
	free(data);
	return AVF_SIGN_OK;
}

/* image || zeros up to config_offset || config. Returns an exit status. */
static int append_config(const char *in, const char *out, const struct pvmfw_config *cfg)
{
	uint8_t *image, *file;
	size_t size;
	uint64_t off;
	int err = avf_sign_read_file(in, &image, &size);

	if (err) {
		avf_sign_err("fw-config: %s: %s", in, strerror(-err));
		return AVF_SIGN_EXIT_IO;
	}
	off = pvmfw_image_config_offset(image, size);
	if (!off) {
		avf_sign_err("fw-config: %s: not a pvmfw image (no \"AVFPVMFW\" header, or the "
			     "image overlaps its own config_offset)", in);
		free(image);
		return AVF_SIGN_EXIT_BAD_MAGIC;
	}
	file = calloc(1, off + sizeof(struct avf_pvmfw_config));
	if (!file) {
		free(image);
		return AVF_SIGN_EXIT_IO;
	}
	memcpy(file, image, size);
	pvmfw_config_encode(cfg, file + off);
	err = avf_sign_write_file(out, file, off + sizeof(struct avf_pvmfw_config), 0644, 0);
	if (err)
		avf_sign_err("fw-config: %s: %s", out, strerror(-err));
	OPENSSL_cleanse(file + off, sizeof(struct avf_pvmfw_config));
	free(file);
	free(image);
	return err ? AVF_SIGN_EXIT_IO : AVF_SIGN_OK;
}

int avf_sign_cmd_fwconfig(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uds", required_argument, NULL, 'u' },
		{ "uds-seed", required_argument, NULL, 's' },
		{ "min-version", required_argument, NULL, 'm' },
		{ 0 },
	};
	const char *uds_file = NULL, *uds_seed = NULL;
	struct pvmfw_config cfg = { 0 };
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 'u')
			uds_file = optarg;
		else if (c == 's')
			uds_seed = optarg;
		else if (c == 'm') {
			if (avf_sign_parse_u64(optarg, &cfg.min_payload_version))
				return usage("--min-version: not a number (decimal or 0x hex)");
		} else
			return usage("unknown option");
	}
	if (!uds_file == !uds_seed)
		return usage("exactly one of --uds FILE and --uds-seed TEXT is required");
	if (argc - optind != 2)
		return usage(argc - optind < 2 ? "missing operand" : "too many operands");
	ret = load_uds(uds_file, uds_seed, cfg.uds);
	if (!ret)
		ret = append_config(argv[optind], argv[optind + 1], &cfg);
	OPENSSL_cleanse(cfg.uds, sizeof(cfg.uds));
	return ret;
}
