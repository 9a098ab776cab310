// SPDX-License-Identifier: Apache-2.0
/*
 * Signed payloads: every status of avf_payload_parse() and avf_payload_verify() with its
 * exact detail phrase, the order the checks run in, and the signed message and key id
 * against OpenSSL computing them independently (payload_test_util.h signs with OpenSSL).
 */
#include "stack/guest/payload/payload_test_util.h"

#define CODE_SIZE 300

struct fixture {
	struct test_key key, other;
	uint8_t code[CODE_SIZE];
};

static struct fixture fx;

static int setup(void **state)
{
	test_key_make(1, &fx.key);
	test_key_make(2, &fx.other);
	for (size_t i = 0; i < CODE_SIZE; i++)
		fx.code[i] = (uint8_t)(i * 7 + 3);
	return 0;
}

/* Parse and expect @st with @detail (NULL: expect OK). */
static void expect_parse(const void *img, size_t size, enum avf_payload_status st,
			 const char *detail)
{
	struct avf_payload p;
	const char *why = "unset";

	assert_int_equal(avf_payload_parse(img, size, &p, &why), st);
	if (st != AVF_PAYLOAD_OK)
		assert_string_equal(why, detail);
}

static void expect_verify(const void *img, size_t size, const uint8_t *key, uint64_t min,
			  enum avf_payload_status st, const char *detail)
{
	struct avf_payload p;
	const char *why = "unset";

	assert_int_equal(avf_payload_parse(img, size, &p, NULL), AVF_PAYLOAD_OK);
	assert_int_equal(avf_payload_verify(&p, key, min, &why), st);
	if (st != AVF_PAYLOAD_OK)
		assert_string_equal(why, detail);
}

static void test_valid_payload_both_hashes(void **state)
{
	uint32_t algs[] = { AVF_PAYLOAD_HASH_SHA256, AVF_PAYLOAD_HASH_SHA512 };

	for (size_t a = 0; a < 2; a++) {
		struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, algs[a], 7);
		struct avf_payload p;
		size_t size;
		uint8_t *img;

		f.entry_offset = 0x24;
		f.load_addr = 0x80200000ull;
		f.mem_size = 0x10000;
		img = test_payload_build(&f, fx.code, &fx.key, &size);
		assert_int_equal(size, 128 + CODE_SIZE + 64);
		assert_int_equal(avf_payload_parse(img, size, &p, NULL), AVF_PAYLOAD_OK);
		assert_int_equal(p.hdr.format_version, 1);
		assert_int_equal(p.hdr.header_size, 128);
		assert_int_equal(p.hdr.payload_version, 7);
		assert_int_equal(p.hdr.code_size, CODE_SIZE);
		assert_int_equal(p.hdr.entry_offset, 0x24);
		assert_int_equal(p.hdr.load_addr, 0x80200000ull);
		assert_int_equal(p.hdr.mem_size, 0x10000);
		assert_int_equal(p.hdr.hash_alg, algs[a]);
		assert_int_equal(p.hdr.sig_alg, AVF_PAYLOAD_SIG_ED25519);
		assert_int_equal(p.hdr.sig_size, 64);
		assert_memory_equal(p.hdr.key_id, fx.key.id, 8);
		assert_ptr_equal(p.image, img);
		assert_ptr_equal(p.code, img + 128);
		assert_ptr_equal(p.signature, img + 128 + CODE_SIZE);
		assert_memory_equal(p.code, fx.code, CODE_SIZE);
		assert_int_equal(avf_payload_verify(&p, fx.key.pub, 0, NULL), AVF_PAYLOAD_OK);
		assert_int_equal(avf_payload_verify(&p, fx.key.pub, 7, NULL), AVF_PAYLOAD_OK);
		free(img);
	}
}

/* Every prefix of a valid payload is TRUNCATED, with the phrase for where it ends. */
static void test_every_truncation(void **state)
{
	struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA256, 1);
	size_t size;
	uint8_t *img = test_payload_build(&f, fx.code, &fx.key, &size);

	for (size_t len = 0; len < size; len++) {
		const char *why;

		if (len < 8)
			why = "shorter than the 8-byte magic";
		else if (len < 16)
			why = "ends inside the format version";
		else if (len < 128)
			why = "shorter than the 128-byte header";
		else if (len < 128 + CODE_SIZE)
			why = "ends inside the code";
		else
			why = "ends inside the signature";
		expect_parse(img, len, AVF_PAYLOAD_TRUNCATED, why);
	}
	expect_parse(NULL, 0, AVF_PAYLOAD_TRUNCATED, "shorter than the 8-byte magic");
	free(img);
}

static void test_bad_magic_every_byte(void **state)
{
	struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA256, 1);
	size_t size;
	uint8_t *img = test_payload_build(&f, fx.code, &fx.key, &size);

	for (size_t i = 0; i < 8; i++) {
		img[i] ^= 0x20;	/* "AVFPAYLD" -> one byte in the other case */
		expect_parse(img, size, AVF_PAYLOAD_BAD_MAGIC, "magic is not \"AVFPAYLD\"");
		/* Magic is checked before length: an 8-byte file with a wrong magic too. */
		expect_parse(img, 8, AVF_PAYLOAD_BAD_MAGIC, "magic is not \"AVFPAYLD\"");
		img[i] ^= 0x20;
	}
	free(img);
}

static void test_unsupported_format(void **state)
{
	uint32_t versions[] = { 0, 2, 0x100, 0xffffffffu };

	for (size_t i = 0; i < 4; i++) {
		struct avf_payload_fields f =
			test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA256, 1);
		size_t size;
		uint8_t *img;

		f.format_version = versions[i];
		img = test_payload_build(&f, fx.code, &fx.key, &size);
		expect_parse(img, size, AVF_PAYLOAD_UNSUPPORTED_FORMAT, "format_version is not 1");
		/* Format version is checked before the header's length. */
		expect_parse(img, 16, AVF_PAYLOAD_UNSUPPORTED_FORMAT, "format_version is not 1");
		free(img);
	}
}

struct header_case {
	const char *detail;
	void (*mutate)(struct avf_payload_fields *f);
};

static void hs_small(struct avf_payload_fields *f) { f->header_size = 127; }
static void hs_big(struct avf_payload_fields *f) { f->header_size = 4096; }
static void flags_set(struct avf_payload_fields *f) { f->flags = 1; }
static void flags_top(struct avf_payload_fields *f) { f->flags = 0x80000000u; }
static void hash_zero(struct avf_payload_fields *f) { f->hash_alg = 0; }
static void hash_three(struct avf_payload_fields *f) { f->hash_alg = 3; }
static void sig_zero(struct avf_payload_fields *f) { f->sig_alg = 0; }
static void sig_two(struct avf_payload_fields *f) { f->sig_alg = 2; }
static void sigsz_63(struct avf_payload_fields *f) { f->sig_size = 63; }
static void sigsz_65(struct avf_payload_fields *f) { f->sig_size = 65; }
static void code_zero(struct avf_payload_fields *f) { f->code_size = 0; f->mem_size = 0; }
static void entry_end(struct avf_payload_fields *f) { f->entry_offset = f->code_size; }
static void entry_huge(struct avf_payload_fields *f) { f->entry_offset = ~0ull; }
static void entry_odd(struct avf_payload_fields *f) { f->entry_offset = 2; }
static void load_odd(struct avf_payload_fields *f) { f->load_addr = 0x80000800ull; }
static void mem_small(struct avf_payload_fields *f) { f->mem_size = f->code_size - 1; }
static void mem_wrap(struct avf_payload_fields *f)
{
	f->load_addr = 0xfffffffffffff000ull;
	f->mem_size = 0x1000;
}

static const struct header_case header_cases[] = {
	{ "header_size is not 128", hs_small },
	{ "header_size is not 128", hs_big },
	{ "flags has bits no version 1 payload may set", flags_set },
	{ "flags has bits no version 1 payload may set", flags_top },
	{ "unknown hash_alg", hash_zero },
	{ "unknown hash_alg", hash_three },
	{ "unknown sig_alg", sig_zero },
	{ "unknown sig_alg", sig_two },
	{ "sig_size is not 64", sigsz_63 },
	{ "sig_size is not 64", sigsz_65 },
	{ "code_size is 0", code_zero },
	{ "entry_offset is not inside the code", entry_end },
	{ "entry_offset is not inside the code", entry_huge },
	{ "entry_offset is not 4-byte aligned", entry_odd },
	{ "load_addr is not 4 KiB aligned", load_odd },
	{ "mem_size is smaller than code_size", mem_small },
	{ "load_addr + mem_size overflows", mem_wrap },
};

static void test_bad_header_fields(void **state)
{
	for (size_t i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]); i++) {
		struct avf_payload_fields f =
			test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA256, 1);
		size_t size;
		uint8_t *img;

		header_cases[i].mutate(&f);
		/* Keep the file as long as a valid one, so only the field is wrong. */
		{
			struct avf_payload_fields g = f;

			g.code_size = f.code_size ? f.code_size : 1;
			img = test_payload_build(&g, fx.code, &fx.key, &size);
			avf_payload_encode_header(&f, img);
		}
		print_message("case %zu: %s\n", i, header_cases[i].detail);
		expect_parse(img, size, AVF_PAYLOAD_BAD_HEADER, header_cases[i].detail);
		/* Header fields are checked before the file's length. */
		expect_parse(img, 128, AVF_PAYLOAD_BAD_HEADER, header_cases[i].detail);
		free(img);
	}
}

static void test_reserved_bytes_each(void **state)
{
	struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA256, 1);
	size_t size;
	uint8_t *img = test_payload_build(&f, fx.code, &fx.key, &size);

	for (size_t i = 80; i < 128; i++) {
		img[i] = 0x01;
		expect_parse(img, size, AVF_PAYLOAD_BAD_HEADER, "reserved bytes are not zero");
		img[i] = 0;
	}
	expect_parse(img, size, AVF_PAYLOAD_OK, NULL);
	free(img);
}

static void test_trailing_data(void **state)
{
	struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA256, 1);
	size_t size;
	uint8_t *img = test_payload_build(&f, fx.code, &fx.key, &size);
	uint8_t *longer = calloc(1, size + 4096);

	assert_non_null(longer);
	memcpy(longer, img, size);
	expect_parse(longer, size + 1, AVF_PAYLOAD_TRAILING_DATA, "bytes follow the signature");
	expect_parse(longer, size + 4096, AVF_PAYLOAD_TRAILING_DATA, "bytes follow the signature");
	free(longer);
	free(img);
}

/* code_size so large that header + code + signature would wrap a 64-bit size. */
static void test_code_size_near_overflow(void **state)
{
	struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA256, 1);
	size_t size;
	uint8_t *img = test_payload_build(&f, fx.code, &fx.key, &size);
	uint64_t sizes[] = { ~0ull, ~0ull - 127, ~0ull - 191, (uint64_t)size - 128 - 63 };

	for (size_t i = 0; i < 4; i++) {
		f.code_size = sizes[i];
		f.mem_size = sizes[i];
		f.load_addr = 0;
		avf_payload_encode_header(&f, img);
		expect_parse(img, size, AVF_PAYLOAD_TRUNCATED,
			     i < 3 ? "ends inside the code" : "ends inside the signature");
	}
	free(img);
}

static void test_unknown_key(void **state)
{
	struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA512, 1);
	size_t size;
	uint8_t *img = test_payload_build(&f, fx.code, &fx.key, &size);

	expect_verify(img, size, fx.other.pub, 0, AVF_PAYLOAD_UNKNOWN_KEY,
		      "key_id is not the trusted key's");
	free(img);
}

/* Right key id, wrong signer: the id selects, the signature decides. */
static void test_key_id_lies(void **state)
{
	struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA256, 1);
	size_t size;
	uint8_t *img = test_payload_build(&f, fx.code, &fx.other, &size);

	expect_verify(img, size, fx.key.pub, 0, AVF_PAYLOAD_BAD_SIGNATURE,
		      "the signature does not verify");
	free(img);
}

static void test_every_signature_bit(void **state)
{
	struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA256, 1);
	size_t size;
	uint8_t *img = test_payload_build(&f, fx.code, &fx.key, &size);
	uint8_t *sig = img + 128 + CODE_SIZE;

	for (size_t bit = 0; bit < 512; bit++) {
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		expect_verify(img, size, fx.key.pub, 0, AVF_PAYLOAD_BAD_SIGNATURE,
			      "the signature does not verify");
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	expect_verify(img, size, fx.key.pub, 0, AVF_PAYLOAD_OK, NULL);
	free(img);
}

static void test_tampered_code_and_header(void **state)
{
	struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA512, 5);
	size_t size;
	uint8_t *img = test_payload_build(&f, fx.code, &fx.key, &size);

	for (size_t i = 0; i < CODE_SIZE; i += 13) {
		img[128 + i] ^= 0x01;
		expect_verify(img, size, fx.key.pub, 0, AVF_PAYLOAD_BAD_SIGNATURE,
			      "the signature does not verify");
		img[128 + i] ^= 0x01;
	}
	/* A raised version, entry or load address, each in a still-valid header. */
	f.payload_version = 6;
	avf_payload_encode_header(&f, img);
	expect_verify(img, size, fx.key.pub, 0, AVF_PAYLOAD_BAD_SIGNATURE,
		      "the signature does not verify");
	f.payload_version = 5;
	f.entry_offset = 4;
	avf_payload_encode_header(&f, img);
	expect_verify(img, size, fx.key.pub, 0, AVF_PAYLOAD_BAD_SIGNATURE,
		      "the signature does not verify");
	f.entry_offset = 0;
	f.load_addr += 0x1000;
	avf_payload_encode_header(&f, img);
	expect_verify(img, size, fx.key.pub, 0, AVF_PAYLOAD_BAD_SIGNATURE,
		      "the signature does not verify");
	f.load_addr -= 0x1000;
	avf_payload_encode_header(&f, img);
	expect_verify(img, size, fx.key.pub, 0, AVF_PAYLOAD_OK, NULL);
	free(img);
}

/* The context prefix is part of the signed message: a signature of H(...) alone fails. */
static void test_signature_without_context(void **state)
{
	struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA256, 1);
	size_t size;
	uint8_t *img = test_payload_build(&f, fx.code, &fx.key, &size);
	uint8_t digest[32];
	unsigned int len;

	assert_int_equal(EVP_Digest(img, 128 + CODE_SIZE, digest, &len, EVP_sha256(), NULL), 1);
	test_key_sign(&fx.key, digest, 32, img + 128 + CODE_SIZE);
	expect_verify(img, size, fx.key.pub, 0, AVF_PAYLOAD_BAD_SIGNATURE,
		      "the signature does not verify");
	free(img);
}

/* A SHA-256-signed payload relabelled SHA-512 (and back) fails. */
static void test_hash_alg_swap(void **state)
{
	struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA256, 1);
	size_t size;
	uint8_t *img = test_payload_build(&f, fx.code, &fx.key, &size);

	f.hash_alg = AVF_PAYLOAD_HASH_SHA512;
	avf_payload_encode_header(&f, img);
	expect_verify(img, size, fx.key.pub, 0, AVF_PAYLOAD_BAD_SIGNATURE,
		      "the signature does not verify");
	free(img);
}

static void test_rollback(void **state)
{
	struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA256, 9);
	size_t size;
	uint8_t *img = test_payload_build(&f, fx.code, &fx.key, &size);

	expect_verify(img, size, fx.key.pub, 9, AVF_PAYLOAD_OK, NULL);
	expect_verify(img, size, fx.key.pub, 0, AVF_PAYLOAD_OK, NULL);
	expect_verify(img, size, fx.key.pub, 10, AVF_PAYLOAD_VERSION_TOO_OLD,
		      "payload_version is below the minimum (rollback)");
	expect_verify(img, size, fx.key.pub, ~0ull, AVF_PAYLOAD_VERSION_TOO_OLD,
		      "payload_version is below the minimum (rollback)");
	/* The version is only looked at once the signature holds. */
	img[size - 1] ^= 1;
	expect_verify(img, size, fx.key.pub, 10, AVF_PAYLOAD_BAD_SIGNATURE,
		      "the signature does not verify");
	free(img);
	f.payload_version = ~0ull;
	img = test_payload_build(&f, fx.code, &fx.key, &size);
	expect_verify(img, size, fx.key.pub, ~0ull, AVF_PAYLOAD_OK, NULL);
	free(img);
}

/* Trusted keys that are no key: non-canonical y, and the small-order identity point. */
static void test_bad_trusted_key(void **state)
{
	uint8_t bad[2][32] = { { 0 }, { 0 } };

	memset(bad[0], 0xff, 32);
	bad[0][31] = 0x7f;	/* y = 2^255 - 1 > p */
	bad[1][0] = 0x01;	/* y = 1: the identity, order 1 */
	for (size_t i = 0; i < 2; i++) {
		struct avf_payload_fields f =
			test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA256, 1);
		unsigned int len;
		uint8_t digest[32];
		size_t size;
		uint8_t *img;

		assert_int_equal(EVP_Digest(bad[i], 32, digest, &len, EVP_sha256(), NULL), 1);
		memcpy(f.key_id, digest, 8);
		img = test_payload_build(&f, fx.code, &fx.key, &size);
		expect_verify(img, size, bad[i], 0, AVF_PAYLOAD_BAD_TRUSTED_KEY,
			      "the trusted key is not a valid Ed25519 key");
		free(img);
	}
}

static void test_key_id_and_message_match_openssl(void **state)
{
	struct avf_payload_fields f = test_fields(&fx.key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA512, 1);
	uint8_t id[8], msg[AVF_PAYLOAD_MAX_MESSAGE_SIZE], ref[64], measure[64];
	struct avf_payload p;
	unsigned int len;
	size_t size;
	uint8_t *img = test_payload_build(&f, fx.code, &fx.key, &size);

	avf_payload_key_id(fx.key.pub, id);
	assert_memory_equal(id, fx.key.id, 8);
	assert_int_equal(avf_payload_signed_message(AVF_PAYLOAD_HASH_SHA256, img, 128 + CODE_SIZE,
						    msg), 48);
	assert_memory_equal(msg, "AVF-PAYLOAD-SIG1", 16);
	assert_int_equal(EVP_Digest(img, 128 + CODE_SIZE, ref, &len, EVP_sha256(), NULL), 1);
	assert_memory_equal(msg + 16, ref, 32);
	assert_int_equal(avf_payload_signed_message(AVF_PAYLOAD_HASH_SHA512, img, 128 + CODE_SIZE,
						    msg), 80);
	assert_int_equal(EVP_Digest(img, 128 + CODE_SIZE, ref, &len, EVP_sha512(), NULL), 1);
	assert_memory_equal(msg + 16, ref, 64);
	assert_int_equal(avf_payload_signed_message(7, img, 128, msg), 0);
	assert_int_equal(avf_payload_digest_size(AVF_PAYLOAD_HASH_SHA256), 32);
	assert_int_equal(avf_payload_digest_size(AVF_PAYLOAD_HASH_SHA512), 64);
	assert_int_equal(avf_payload_digest_size(0), 0);
	/* The measurement is SHA-512 of header || code for either hash_alg. */
	assert_int_equal(avf_payload_parse(img, size, &p, NULL), AVF_PAYLOAD_OK);
	avf_payload_measure(&p, measure);
	assert_memory_equal(measure, ref, 64);
	free(img);
}

static void test_status_names(void **state)
{
	static const char *const expected[] = {
		"ok", "truncated", "bad-magic", "unsupported-format", "bad-header",
		"trailing-data", "unknown-key", "bad-signature", "version-too-old",
		"bad-trusted-key",
	};

	assert_int_equal(sizeof(expected) / sizeof(expected[0]), AVF_PAYLOAD_NR_STATUS);
	for (int i = 0; i < AVF_PAYLOAD_NR_STATUS; i++)
		assert_string_equal(avf_payload_status_name(i), expected[i]);
	assert_string_equal(avf_payload_status_name(AVF_PAYLOAD_NR_STATUS), "?");
	assert_string_equal(avf_payload_status_name((enum avf_payload_status)-1), "?");
}

/* The encoder writes exactly the documented layout (little-endian, fixed offsets). */
static void test_header_layout(void **state)
{
	struct avf_payload_fields f = {
		.format_version = 0x01020304, .header_size = 0x05060708,
		.payload_version = 0x1112131415161718ull, .code_size = 0x2122232425262728ull,
		.entry_offset = 0x3132333435363738ull, .load_addr = 0x4142434445464748ull,
		.mem_size = 0x5152535455565758ull, .hash_alg = 0x61626364, .sig_alg = 0x71727374,
		.key_id = { 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88 },
		.sig_size = 0x91929394, .flags = 0xa1a2a3a4,
	};
	static const uint8_t expected[80] = {
		'A', 'V', 'F', 'P', 'A', 'Y', 'L', 'D', 0x04, 0x03, 0x02, 0x01, 0x08, 0x07, 0x06,
		0x05, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11, 0x28, 0x27, 0x26, 0x25, 0x24,
		0x23, 0x22, 0x21, 0x38, 0x37, 0x36, 0x35, 0x34, 0x33, 0x32, 0x31, 0x48, 0x47, 0x46,
		0x45, 0x44, 0x43, 0x42, 0x41, 0x58, 0x57, 0x56, 0x55, 0x54, 0x53, 0x52, 0x51, 0x64,
		0x63, 0x62, 0x61, 0x74, 0x73, 0x72, 0x71, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
		0x88, 0x94, 0x93, 0x92, 0x91, 0xa4, 0xa3, 0xa2, 0xa1,
	};
	uint8_t out[128];

	memset(out, 0xee, sizeof(out));
	avf_payload_encode_header(&f, out);
	assert_memory_equal(out, expected, 80);
	for (size_t i = 80; i < 128; i++)
		assert_int_equal(out[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_payload_both_hashes),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_bad_magic_every_byte),
		cmocka_unit_test(test_unsupported_format),
		cmocka_unit_test(test_bad_header_fields),
		cmocka_unit_test(test_reserved_bytes_each),
		cmocka_unit_test(test_trailing_data),
		cmocka_unit_test(test_code_size_near_overflow),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_key_id_lies),
		cmocka_unit_test(test_every_signature_bit),
		cmocka_unit_test(test_tampered_code_and_header),
		cmocka_unit_test(test_signature_without_context),
		cmocka_unit_test(test_hash_alg_swap),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_bad_trusted_key),
		cmocka_unit_test(test_key_id_and_message_match_openssl),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_header_layout),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
