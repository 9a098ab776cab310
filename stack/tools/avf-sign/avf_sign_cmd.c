// SPDX-License-Identifier: Apache-2.0
/* avf-sign's commands: keygen, sign, verify, inspect (docs/PAYLOAD.md). */
#include "stack/tools/avf-sign/avf_sign.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

int avf_sign_exit_for(enum avf_payload_status st)
{
	switch (st) {
	case AVF_PAYLOAD_OK:			return AVF_SIGN_OK;
	case AVF_PAYLOAD_TRUNCATED:		return AVF_SIGN_EXIT_TRUNCATED;
	case AVF_PAYLOAD_BAD_MAGIC:		return AVF_SIGN_EXIT_BAD_MAGIC;
	case AVF_PAYLOAD_UNSUPPORTED_FORMAT:	return AVF_SIGN_EXIT_UNSUPPORTED_FORMAT;
	case AVF_PAYLOAD_BAD_HEADER:		return AVF_SIGN_EXIT_BAD_HEADER;
	case AVF_PAYLOAD_TRAILING_DATA:		return AVF_SIGN_EXIT_TRAILING_DATA;
	case AVF_PAYLOAD_UNKNOWN_KEY:		return AVF_SIGN_EXIT_UNKNOWN_KEY;
	case AVF_PAYLOAD_BAD_SIGNATURE:		return AVF_SIGN_EXIT_BAD_SIGNATURE;
	case AVF_PAYLOAD_VERSION_TOO_OLD:	return AVF_SIGN_EXIT_VERSION_TOO_OLD;
	case AVF_PAYLOAD_BAD_TRUSTED_KEY:	return AVF_SIGN_EXIT_BAD_KEY;
	default:				return AVF_SIGN_EXIT_IO;
	}
}

static void hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static int usage_error(const char *cmd, const char *what)
{
	avf_sign_err("%s: %s\nTry 'avf-sign --help'.", cmd, what);
	return AVF_SIGN_EXIT_USAGE;
}

/* Exactly @n operands left after the options, or a usage error. */
static int want_operands(const char *cmd, int argc, int n)
{
	if (argc - optind == n)
		return 0;
	return usage_error(cmd, argc - optind < n ? "missing operand" : "too many operands");
}

static int number_option(const char *cmd, const char *opt, const char *arg, uint64_t *out)
{
	char msg[160];

	if (avf_sign_parse_u64(arg, out) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "%s: '%s' is not a number (decimal or 0x hex)", opt, arg);
	return usage_error(cmd, msg);
}

/* ---- keygen -------------------------------------------------------------------------- */

int avf_sign_cmd_keygen(int argc, char **argv)
{
	char *pub_path;
	int ret;

	optind = 1;
	if (getopt(argc, argv, "+") != -1)
		return usage_error("keygen", "no options are accepted");
	if ((ret = want_operands("keygen", argc, 1)))
		return ret;
	pub_path = avf_sign_pub_path(argv[optind]);
	if (!pub_path)
		return AVF_SIGN_EXIT_IO;
	ret = avf_sign_keygen(argv[optind], pub_path);
	free(pub_path);
	return ret;
}

/* ---- sign ---------------------------------------------------------------------------- */

struct sign_options {
	const char *key, *in, *out;
	uint64_t version, entry, load_addr, mem_size;
	uint32_t hash_alg;
	int have_version, have_mem_size;
};

static int parse_sign_options(int argc, char **argv, struct sign_options *o)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "version", required_argument, NULL, 'v' },
		{ "entry", required_argument, NULL, 'e' },
		{ "load-addr", required_argument, NULL, 'l' },
		{ "mem-size", required_argument, NULL, 'm' },
		{ "hash", required_argument, NULL, 'H' },
		{ 0 },
	};
	int c, ret;

	*o = (struct sign_options){ .load_addr = 0x80000000ull,
				    .hash_alg = AVF_PAYLOAD_HASH_SHA512 };
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		ret = 0;
		switch (c) {
		case 'k': o->key = optarg; break;
		case 'v': ret = number_option("sign", "--version", optarg, &o->version);
			  o->have_version = 1; break;
		case 'e': ret = number_option("sign", "--entry", optarg, &o->entry); break;
		case 'l': ret = number_option("sign", "--load-addr", optarg, &o->load_addr); break;
		case 'm': ret = number_option("sign", "--mem-size", optarg, &o->mem_size);
			  o->have_mem_size = 1; break;
		case 'H':
			if (strcmp(optarg, "sha256") == 0)
				o->hash_alg = AVF_PAYLOAD_HASH_SHA256;
			else if (strcmp(optarg, "sha512") == 0)
				o->hash_alg = AVF_PAYLOAD_HASH_SHA512;
			else
				return usage_error("sign", "--hash: expected sha256 or sha512");
			break;
		default:
			return usage_error("sign", "unknown option");
		}
		if (ret)
			return ret;
	}
	if (!o->key)
		return usage_error("sign", "--key is required");
	if (!o->have_version)
		return usage_error("sign", "--version is required (the rollback index)");
	if ((ret = want_operands("sign", argc, 2)))
		return ret;
	o->in = argv[optind];
	o->out = argv[optind + 1];
	return 0;
}

/* Ed25519-sign @msg with @key into @sig. 0 or -EIO. */
static int ossl_sign(EVP_PKEY *key, const uint8_t *msg, size_t len, uint8_t sig[64])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t sig_len = 64;
	int ok;

	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) == 1 &&
	     EVP_DigestSign(ctx, sig, &sig_len, msg, len) == 1 && sig_len == 64;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

/* A header check failed on values the options gave: name the option. */
static int option_error(const struct sign_options *o, const char *detail)
{
	char msg[200];

	if (strncmp(detail, "entry_offset", 12) == 0)
		snprintf(msg, sizeof(msg), "--entry 0x%" PRIx64 ": %s", o->entry, detail);
	else if (strncmp(detail, "load_addr", 9) == 0)
		snprintf(msg, sizeof(msg), "--load-addr 0x%" PRIx64 ": %s", o->load_addr, detail);
	else if (strncmp(detail, "mem_size", 8) == 0)
		snprintf(msg, sizeof(msg), "--mem-size 0x%" PRIx64 ": %s", o->mem_size, detail);
	else
		snprintf(msg, sizeof(msg), "%s", detail);
	return usage_error("sign", msg);
}

/* Build header || code || signature for @code into *@img. Returns an exit status. */
static int build_payload(const struct sign_options *o, EVP_PKEY *key, const uint8_t pub[32],
			 const uint8_t *code, size_t code_size, uint8_t **img, size_t *size)
{
	struct avf_payload_fields f = {
		.format_version = AVF_PAYLOAD_FORMAT_VERSION,
		.header_size = AVF_PAYLOAD_HEADER_SIZE,
		.payload_version = o->version,
		.code_size = code_size,
		.entry_offset = o->entry,
		.load_addr = o->load_addr,
		.mem_size = o->have_mem_size ? o->mem_size : (code_size + 4095) & ~(uint64_t)4095,
		.hash_alg = o->hash_alg,
		.sig_alg = AVF_PAYLOAD_SIG_ED25519,
		.sig_size = AVF_PAYLOAD_SIG_SIZE,
	};
	uint8_t msg[AVF_PAYLOAD_MAX_MESSAGE_SIZE];
	struct avf_payload p;
	const char *detail = "";
	size_t total = AVF_PAYLOAD_HEADER_SIZE + code_size + AVF_PAYLOAD_SIG_SIZE, msg_len;
	uint8_t *buf = calloc(1, total);
	enum avf_payload_status st;

	if (!buf)
		return AVF_SIGN_EXIT_IO;
	avf_payload_key_id(pub, f.key_id);
	avf_payload_encode_header(&f, buf);
	memcpy(buf + AVF_PAYLOAD_HEADER_SIZE, code, code_size);
	/* The same checks the firmware makes, so a bad option is refused here, by name. */
	st = avf_payload_parse(buf, total, &p, &detail);
	if (st != AVF_PAYLOAD_OK) {
		free(buf);
		return option_error(o, detail);
	}
	msg_len = avf_payload_signed_message(f.hash_alg, buf, AVF_PAYLOAD_HEADER_SIZE + code_size,
					     msg);
	if (ossl_sign(key, msg, msg_len, (uint8_t *)p.signature) < 0) {
		avf_sign_err("sign: OpenSSL cannot sign: %s", ERR_reason_error_string(ERR_get_error()));
		free(buf);
		return AVF_SIGN_EXIT_IO;
	}
	/* Check our own output with the firmware's verifier before anyone relies on it. */
	st = avf_payload_verify(&p, pub, 0, &detail);
	if (st != AVF_PAYLOAD_OK) {
		avf_sign_err("sign: internal error: the new payload does not verify: %s", detail);
		free(buf);
		return AVF_SIGN_EXIT_IO;
	}
	*img = buf;
	*size = total;
	return AVF_SIGN_OK;
}

int avf_sign_cmd_sign(int argc, char **argv)
{
	struct sign_options o;
	EVP_PKEY *key = NULL;
	uint8_t pub[32], *code = NULL, *img = NULL;
	size_t code_size, size;
	int ret, err;

	if ((ret = parse_sign_options(argc, argv, &o)))
		return ret;
	if ((ret = avf_sign_load_private(o.key, &key, pub)))
		return ret;
	err = avf_sign_read_file(o.in, &code, &code_size);
	if (err) {
		avf_sign_err("sign: %s: %s", o.in, strerror(-err));
		ret = AVF_SIGN_EXIT_IO;
		goto out;
	}
	if (code_size == 0) {
		avf_sign_err("sign: %s: empty: there is no code to sign", o.in);
		ret = AVF_SIGN_EXIT_USAGE;
		goto out;
	}
	ret = build_payload(&o, key, pub, code, code_size, &img, &size);
	if (ret)
		goto out;
	err = avf_sign_write_file(o.out, img, size, 0644, 0);
	if (err) {
		avf_sign_err("sign: %s: %s", o.out, strerror(-err));
		ret = AVF_SIGN_EXIT_IO;
		goto out;
	}
	printf("%s: payload version %" PRIu64 ", code %zu bytes, %s, key id ", o.out, o.version,
	       code_size, o.hash_alg == AVF_PAYLOAD_HASH_SHA256 ? "sha256" : "sha512");
	hex(stdout, img + offsetof(struct avf_payload_header, key_id), AVF_PAYLOAD_KEY_ID_SIZE);
	printf("\n");
out:
	free(img);
	free(code);
	EVP_PKEY_free(key);
	return ret;
}

/* ---- verify, inspect ------------------------------------------------------------------- */

/* Read and parse @path; on failure print why and return the exit status. */
static int load_payload(const char *cmd, const char *path, uint8_t **data, struct avf_payload *p)
{
	const char *detail = "";
	enum avf_payload_status st;
	size_t size;
	int err = avf_sign_read_file(path, data, &size);

	if (err) {
		avf_sign_err("%s: %s: %s", cmd, path, strerror(-err));
		return AVF_SIGN_EXIT_IO;
	}
	st = avf_payload_parse(*data, size, p, &detail);
	if (st == AVF_PAYLOAD_OK)
		return AVF_SIGN_OK;
	avf_sign_err("%s: %s: %s: %s (the file is %zu bytes)", cmd, path,
		     avf_payload_status_name(st), detail, size);
	free(*data);
	*data = NULL;
	return avf_sign_exit_for(st);
}

static void explain_verify_failure(const char *path, enum avf_payload_status st,
				   const char *detail, const struct avf_payload *p,
				   const uint8_t pub[32], uint64_t min_version)
{
	uint8_t id[AVF_PAYLOAD_KEY_ID_SIZE];

	fprintf(stderr, "avf-sign: verify: %s: %s: %s", path, avf_payload_status_name(st), detail);
	if (st == AVF_PAYLOAD_UNKNOWN_KEY) {
		avf_payload_key_id(pub, id);
		fprintf(stderr, " (payload key id ");
		hex(stderr, p->hdr.key_id, sizeof(id));
		fprintf(stderr, ", --pub key id ");
		hex(stderr, id, sizeof(id));
		fprintf(stderr, ")");
	} else if (st == AVF_PAYLOAD_VERSION_TOO_OLD) {
		fprintf(stderr, " (payload_version %" PRIu64 " < --min-version %" PRIu64 ")",
			p->hdr.payload_version, min_version);
	}
	fprintf(stderr, "\n");
}

int avf_sign_cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pub", required_argument, NULL, 'p' },
		{ "min-version", required_argument, NULL, 'm' },
		{ 0 },
	};
	const char *pub_path = NULL, *detail = "";
	uint64_t min_version = 0;
	struct avf_payload p;
	enum avf_payload_status st;
	uint8_t pub[32], *data = NULL;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 'p')
			pub_path = optarg;
		else if (c == 'm') {
			if ((ret = number_option("verify", "--min-version", optarg, &min_version)))
				return ret;
		} else
			return usage_error("verify", "unknown option");
	}
	if (!pub_path)
		return usage_error("verify", "--pub is required");
	if ((ret = want_operands("verify", argc, 1)))
		return ret;
	if ((ret = avf_sign_load_public(pub_path, pub)))
		return ret;
	if ((ret = load_payload("verify", argv[optind], &data, &p)))
		return ret;
	st = avf_payload_verify(&p, pub, min_version, &detail);
	if (st != AVF_PAYLOAD_OK)
		explain_verify_failure(argv[optind], st, detail, &p, pub, min_version);
	else
		printf("%s: OK: payload version %" PRIu64 ", code %" PRIu64 " bytes\n",
		       argv[optind], p.hdr.payload_version, p.hdr.code_size);
	free(data);
	return avf_sign_exit_for(st);
}

int avf_sign_cmd_inspect(int argc, char **argv)
{
	struct avf_payload p;
	uint8_t *data = NULL, measure[64];
	int ret;

	optind = 1;
	if (getopt(argc, argv, "+") != -1)
		return usage_error("inspect", "no options are accepted");
	if ((ret = want_operands("inspect", argc, 1)))
		return ret;
	if ((ret = load_payload("inspect", argv[optind], &data, &p)))
		return ret;
	avf_payload_measure(&p, measure);
	printf("format version:  %u\n", p.hdr.format_version);
	printf("payload version: %" PRIu64 "\n", p.hdr.payload_version);
	printf("code size:       %" PRIu64 "\n", p.hdr.code_size);
	printf("entry offset:    0x%" PRIx64 "\n", p.hdr.entry_offset);
	printf("load address:    0x%" PRIx64 "\n", p.hdr.load_addr);
	printf("memory size:     0x%" PRIx64 "\n", p.hdr.mem_size);
	printf("hash:            %s\n", p.hdr.hash_alg == AVF_PAYLOAD_HASH_SHA256 ? "sha256" : "sha512");
	printf("signature:       ed25519\n");
	printf("key id:          ");
	hex(stdout, p.hdr.key_id, AVF_PAYLOAD_KEY_ID_SIZE);
	printf("\nmeasurement:     ");
	hex(stdout, measure, sizeof(measure));
	printf("\n");
	free(data);
	return AVF_SIGN_OK;
}
