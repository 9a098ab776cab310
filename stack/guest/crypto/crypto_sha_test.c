// SPDX-License-Identifier: Apache-2.0
/*
 * SHA-256 and SHA-512: the FIPS 180 / RFC 6234 section 8.5 vectors, the padding
 * boundaries of both block sizes, incremental updates split every possible way, and
 * random messages of many lengths checked against OpenSSL.
 */
#include "crypto_test_util.h"

#include <stdlib.h>

#include "stack/guest/crypto/crypto.h"

/* ---- each hash behind one small table, so every test runs for both --------------------- */

struct hash_desc {
	const char *name;
	size_t digest_size, block_size;
	void (*oneshot)(const void *data, size_t len, uint8_t *out);
	size_t ctx_size;
	void (*init)(void *ctx);
	void (*update)(void *ctx, const void *data, size_t len);
	void (*final)(void *ctx, uint8_t *out);
	const EVP_MD *(*openssl_md)(void);
};

static void sha256_oneshot(const void *d, size_t n, uint8_t *o) { crypto_sha256(d, n, o); }
static void sha256_init(void *c) { crypto_sha256_init(c); }
static void sha256_update(void *c, const void *d, size_t n) { crypto_sha256_update(c, d, n); }
static void sha256_final(void *c, uint8_t *o) { crypto_sha256_final(c, o); }
static void sha512_oneshot(const void *d, size_t n, uint8_t *o) { crypto_sha512(d, n, o); }
static void sha512_init(void *c) { crypto_sha512_init(c); }
static void sha512_update(void *c, const void *d, size_t n) { crypto_sha512_update(c, d, n); }
static void sha512_final(void *c, uint8_t *o) { crypto_sha512_final(c, o); }

static const struct hash_desc sha256_desc = {
	"SHA-256", CRYPTO_SHA256_DIGEST_SIZE, CRYPTO_SHA256_BLOCK_SIZE, sha256_oneshot,
	sizeof(struct crypto_sha256_ctx), sha256_init, sha256_update, sha256_final, EVP_sha256,
};
static const struct hash_desc sha512_desc = {
	"SHA-512", CRYPTO_SHA512_DIGEST_SIZE, CRYPTO_SHA512_BLOCK_SIZE, sha512_oneshot,
	sizeof(struct crypto_sha512_ctx), sha512_init, sha512_update, sha512_final, EVP_sha512,
};

/* Room for either context, suitably aligned. */
union any_hash_ctx {
	struct crypto_sha256_ctx sha256;
	struct crypto_sha512_ctx sha512;
};

/* ---- published vectors (FIPS 180-2 appendices, RFC 6234 section 8.5) ------------------- */

static const char msg_448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char msg_896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			      "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
/* RFC 6234 TEST4: this 64-byte string repeated 10 times. */
static const char msg_test4_unit[] = "0123456701234567012345670123456701234567012345670123456701234567";

static void test_sha256_published_vectors(void **state)
{
	uint8_t out[32];

	crypto_sha256(NULL, 0, out);
	test_assert_hex(out, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	crypto_sha256("abc", 3, out);
	test_assert_hex(out, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	crypto_sha256(msg_448, strlen(msg_448), out);
	test_assert_hex(out, 32, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	crypto_sha256(msg_896, strlen(msg_896), out);
	test_assert_hex(out, 32, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_sha512_published_vectors(void **state)
{
	uint8_t out[64];

	crypto_sha512(NULL, 0, out);
	test_assert_hex(out, 64, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
				 "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
	crypto_sha512("abc", 3, out);
	test_assert_hex(out, 64, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
				 "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
	crypto_sha512(msg_448, strlen(msg_448), out);
	test_assert_hex(out, 64, "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
				 "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445");
	crypto_sha512(msg_896, strlen(msg_896), out);
	test_assert_hex(out, 64, "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
				 "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
}

static void test_rfc6234_test4_repeated(void **state)
{
	struct crypto_sha256_ctx c256;
	struct crypto_sha512_ctx c512;
	uint8_t out256[32], out512[64];

	crypto_sha256_init(&c256);
	crypto_sha512_init(&c512);
	for (int i = 0; i < 10; i++) {
		crypto_sha256_update(&c256, msg_test4_unit, 64);
		crypto_sha512_update(&c512, msg_test4_unit, 64);
	}
	crypto_sha256_final(&c256, out256);
	crypto_sha512_final(&c512, out512);
	test_assert_hex(out256, 32, "594847328451bdfa85056225462cc1d867d877fb388df0ce35f25ab5562bfbb5");
	test_assert_hex(out512, 64, "89d05ba632c699c31231ded4ffc127d5a894dad412c0e024db872d1abd2ba814"
				    "1a0f85072a9be1e2aa04cf33c765cb510813a39cd5a84c4acaa64d3f3fb7bae9");
}

/* One million 'a': once in one call, once in uneven pieces. */
static void test_million_a(void **state)
{
	static const char expect256[] =
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	static const char expect512[] =
		"e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
		"de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b";
	const size_t total = 1000000, piece = 997;	/* a prime: pieces straddle blocks */
	uint8_t *buf = malloc(total);
	struct crypto_sha256_ctx c256;
	struct crypto_sha512_ctx c512;
	uint8_t out[64];

	assert_non_null(buf);
	memset(buf, 'a', total);
	crypto_sha256(buf, total, out);
	test_assert_hex(out, 32, expect256);
	crypto_sha512(buf, total, out);
	test_assert_hex(out, 64, expect512);

	crypto_sha256_init(&c256);
	crypto_sha512_init(&c512);
	for (size_t done = 0; done < total; done += piece) {
		size_t n = total - done < piece ? total - done : piece;

		crypto_sha256_update(&c256, buf + done, n);
		crypto_sha512_update(&c512, buf + done, n);
	}
	crypto_sha256_final(&c256, out);
	test_assert_hex(out, 32, expect256);
	crypto_sha512_final(&c512, out);
	test_assert_hex(out, 64, expect512);
	free(buf);
}

/* ---- padding boundaries ---------------------------------------------------------------- */

/* The boundary tests hash this fixed pattern; digests computed independently (Python). */
static void fill_pattern(uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 31 + 7);
}

/*
 * 55/56 and 111/112 are where the 0x80 byte and the length field (8 bytes for SHA-256,
 * 16 for SHA-512) stop fitting in the last block; 63/64 and 127/128 are whole blocks.
 */
static const struct {
	size_t len;
	const char *sha256, *sha512;
} boundary_vectors[] = {
	{ 55, "8aa994584139d128848eeebc4e815639ba5ab6e6e39574195a63ac4f14f7c43b",
	  "330eb5e81b4d722cae1e0efbf883efb180c3e346d2b3b797dafc90409583ed35"
	  "af65dc2d7974a353f0c21663e196b60d3ee5a2c70c50b7b3bccdb93a5dbce6bf" },
	{ 56, "ad574708f75c044c9b85de64cb568ee7711ff4f36448c6242f053ba8f6cc2b63",
	  "1b5b63bfd5420b2dc480abce3dbdb3e19e5f9d4fabffba7764883937eaae878a"
	  "55362c938c141712c44c3076c3fabb2c60814c2994c311c33049a8d6de2a8898" },
	{ 63, "280ed3e8ff1df845b2e7dfe6ac6cee817bef20e783cc65abc41b818b4d2fe076",
	  "b16f76c30db64b5ee1ef166d2d37e13ff6cee9fd88bae9ba283cd58e0a2133b2"
	  "20a76db56279406461f84ce2cffd1d116d38fd9f38fc5df18770a987ff695499" },
	{ 64, "c6ab9724ade5b6a7a1edfffb12f3aa9181351355af8fd08c919952ad211339dd",
	  "4c7aba3659929c4fd87604c532a3b5f174d0626b2d661dbbbfac76c97a49a5a7"
	  "789d2c68324c754f66bf629fa72054f334feaad8b1cf4c885ae03a1e634afc18" },
	{ 111, "dd1413178fb627f9abbc041ffe39c44aa7aaa0e2e6d2ca5c4528ac7073a2da45",
	  "da780d8338a8a920ceb6892cb4ecbb0cc0c66956269aadd5dd0f48790a00857b"
	  "d975890f3b2955a317738cc7a770820c29f922ffbc22020f1909d594cc987d1b" },
	{ 112, "a65c92dac124062d0ab951a42773cb04fc98d1d4bf8897b176f8cff3509d379e",
	  "053182f7fa4e59f8636e415a77ed4fdc650f0a43834c9d35adf899599c3ab9c4"
	  "153f02ff50bd01888060cd36a6fa12d9db242fc35164c80135613514186d5843" },
	{ 127, "192409cd280e14b743642ad1343fbd3e82d9305de72c078117745a679210cc3d",
	  "a7a75593826fd37d4e60f6101eabb9f8ab1cf4d5319ebc805266d5da8deb5097"
	  "de1a235fc5d9d3d73c50ac100ffc75089fb454674ab61232091bd19cbdc67396" },
	{ 128, "cc548ca2dec1f6fe4f58b2e27aa9c7521607df1130d140b55a4dad0665302356",
	  "df007a08f3aaae47e0c92ef840ecd43645ae6098c819f2a4a66174ef1cd49e5c"
	  "6dfccf0616895e570b7564af641de5863dff9f89c752913d30cf0ecf678e1635" },
};

static void test_padding_boundaries_known_digests(void **state)
{
	uint8_t msg[128], out[64];

	fill_pattern(msg, sizeof(msg));
	for (size_t i = 0; i < sizeof(boundary_vectors) / sizeof(boundary_vectors[0]); i++) {
		crypto_sha256(msg, boundary_vectors[i].len, out);
		test_assert_hex(out, 32, boundary_vectors[i].sha256);
		crypto_sha512(msg, boundary_vectors[i].len, out);
		test_assert_hex(out, 64, boundary_vectors[i].sha512);
	}
}

/* Every length from 0 to four blocks and a bit, against OpenSSL. */
static void check_every_length_against_openssl(const struct hash_desc *h)
{
	uint8_t msg[600], ours[64], theirs[64];

	fill_pattern(msg, sizeof(msg));
	for (size_t len = 0; len <= sizeof(msg); len++) {
		h->oneshot(msg, len, ours);
		test_openssl_digest(h->openssl_md(), msg, len, theirs);
		if (memcmp(ours, theirs, h->digest_size) != 0)
			fail_msg("%s differs from OpenSSL at length %zu", h->name, len);
	}
}

static void test_every_length_sha256(void **state)
{
	check_every_length_against_openssl(&sha256_desc);
}

static void test_every_length_sha512(void **state)
{
	check_every_length_against_openssl(&sha512_desc);
}

/* ---- incremental updates --------------------------------------------------------------- */

/*
 * A message of three blocks and a bit, hashed in two updates split at every offset, then
 * in three updates at every pair of offsets a few bytes apart around the block
 * boundaries, then one byte per update: always the one-shot digest.
 */
static void check_every_split(const struct hash_desc *h)
{
	const size_t len = 3 * h->block_size + 17;
	uint8_t msg[3 * 128 + 17], whole[64], split[64];
	union any_hash_ctx ctx;

	fill_pattern(msg, len);
	h->oneshot(msg, len, whole);

	for (size_t cut = 0; cut <= len; cut++) {
		h->init(&ctx);
		h->update(&ctx, msg, cut);
		h->update(&ctx, msg + cut, len - cut);
		h->final(&ctx, split);
		if (memcmp(whole, split, h->digest_size) != 0)
			fail_msg("%s: split at %zu differs", h->name, cut);
	}

	for (size_t cut1 = 0; cut1 <= len; cut1 += 7) {
		for (size_t cut2 = cut1; cut2 <= len && cut2 < cut1 + 2 * h->block_size; cut2 += 5) {
			h->init(&ctx);
			h->update(&ctx, msg, cut1);
			h->update(&ctx, msg + cut1, cut2 - cut1);
			h->update(&ctx, NULL, 0);
			h->update(&ctx, msg + cut2, len - cut2);
			h->final(&ctx, split);
			if (memcmp(whole, split, h->digest_size) != 0)
				fail_msg("%s: split at %zu,%zu differs", h->name, cut1, cut2);
		}
	}

	h->init(&ctx);
	for (size_t i = 0; i < len; i++)
		h->update(&ctx, msg + i, 1);
	h->final(&ctx, split);
	assert_memory_equal(whole, split, h->digest_size);
}

static void test_incremental_splits_sha256(void **state)
{
	check_every_split(&sha256_desc);
}

static void test_incremental_splits_sha512(void **state)
{
	check_every_split(&sha512_desc);
}

/* final() wipes the context, as crypto.h promises, so no message bytes linger in it. */
static void check_final_wipes(const struct hash_desc *h)
{
	union any_hash_ctx ctx;
	uint8_t out[64];
	static const uint8_t zeros[sizeof(union any_hash_ctx)];

	h->init(&ctx);
	h->update(&ctx, "secret secret", 13);
	h->final(&ctx, out);
	assert_memory_equal(&ctx, zeros, h->ctx_size);
}

static void test_final_wipes_context(void **state)
{
	check_final_wipes(&sha256_desc);
	check_final_wipes(&sha512_desc);
}

/* ---- random messages against OpenSSL -------------------------------------------------- */

/* Random contents, random lengths up to 20000, random update pieces. */
static void check_random_against_openssl(const struct hash_desc *h, uint64_t seed)
{
	struct test_rng rng = { seed };
	uint8_t *msg = malloc(20000);
	uint8_t ours[64], theirs[64];

	assert_non_null(msg);
	for (int iter = 0; iter < 200; iter++) {
		size_t len = test_rng_below(&rng, 20001);
		union any_hash_ctx ctx;

		test_rng_fill(&rng, msg, len);
		h->init(&ctx);
		for (size_t done = 0; done < len;) {
			size_t n = test_rng_below(&rng, 3 * h->block_size);

			if (n > len - done)
				n = len - done;
			h->update(&ctx, msg + done, n);
			done += n;
		}
		h->final(&ctx, ours);
		test_openssl_digest(h->openssl_md(), msg, len, theirs);
		if (memcmp(ours, theirs, h->digest_size) != 0)
			fail_msg("%s differs from OpenSSL: iteration %d, length %zu", h->name, iter, len);
	}
	free(msg);
}

static void test_random_messages_sha256(void **state)
{
	check_random_against_openssl(&sha256_desc, 0x5ea256);
}

static void test_random_messages_sha512(void **state)
{
	check_random_against_openssl(&sha512_desc, 0x5ea512);
}

/* Input at every alignment (the guest builds with -mstrict-align; loads are byte-wise). */
static void test_unaligned_input(void **state)
{
	uint8_t buf[300 + 8], ref[64], out[64];

	fill_pattern(buf, sizeof(buf));
	for (size_t off = 0; off < 8; off++) {
		test_openssl_digest(EVP_sha256(), buf + off, 300, ref);
		crypto_sha256(buf + off, 300, out);
		assert_memory_equal(out, ref, 32);
		test_openssl_digest(EVP_sha512(), buf + off, 300, ref);
		crypto_sha512(buf + off, 300, out);
		assert_memory_equal(out, ref, 64);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_published_vectors),
		cmocka_unit_test(test_sha512_published_vectors),
		cmocka_unit_test(test_rfc6234_test4_repeated),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_padding_boundaries_known_digests),
		cmocka_unit_test(test_every_length_sha256),
		cmocka_unit_test(test_every_length_sha512),
		cmocka_unit_test(test_incremental_splits_sha256),
		cmocka_unit_test(test_incremental_splits_sha512),
		cmocka_unit_test(test_final_wipes_context),
		cmocka_unit_test(test_random_messages_sha256),
		cmocka_unit_test(test_random_messages_sha512),
		cmocka_unit_test(test_unaligned_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
