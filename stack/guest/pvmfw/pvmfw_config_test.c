// SPDX-License-Identifier: Apache-2.0
/*
 * The platform's config: encode/parse round trip at the documented offsets, each
 * refusal with its phrase, and the image header's config_offset as a platform reads it.
 * (pvmfw-selftest reads it from the real image.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stack/guest/pvmfw/pvmfw.h"

static void encode_sample(uint8_t out[64])
{
	struct pvmfw_config c = { .min_payload_version = 0x0102030405060708ull };

	for (int i = 0; i < 32; i++)
		c.uds[i] = (uint8_t)(0xc0 + i);
	pvmfw_config_encode(&c, out);
}

static void test_round_trip_and_layout(void **state)
{
	uint8_t raw[64];
	struct pvmfw_config back;
	const char *why = NULL;

	encode_sample(raw);
	assert_memory_equal(raw, "AVFFWCFG\x01\0\0\0\x40\0\0\0\x08\x07\x06\x05\x04\x03\x02\x01", 24);
	for (int i = 0; i < 32; i++)
		assert_int_equal(raw[24 + i], 0xc0 + i);
	for (int i = 56; i < 64; i++)
		assert_int_equal(raw[i], 0);
	assert_int_equal(pvmfw_config_parse(raw, 64, &back, &why), AVF_REBOOT_NONE);
	assert_int_equal(back.min_payload_version, 0x0102030405060708ull);
	assert_memory_equal(back.uds, raw + 24, 32);
}

static void test_refusals(void **state)
{
	static const struct {
		size_t at;
		uint8_t value;
		const char *why;
	} cases[] = {
		{ 0, 'a', "no config appended (bad magic)" },
		{ 7, 'g', "no config appended (bad magic)" },
		{ 8, 2, "config version is not 1" },
		{ 11, 1, "config version is not 1" },
		{ 12, 0x41, "config size is not 64" },
		{ 56, 1, "config reserved bytes are not zero" },
		{ 63, 0x80, "config reserved bytes are not zero" },
	};
	struct pvmfw_config out;
	uint8_t raw[64];
	const char *why;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		encode_sample(raw);
		raw[cases[i].at] = cases[i].value;
		why = "unset";
		assert_int_equal(pvmfw_config_parse(raw, 64, &out, &why), AVF_REBOOT_INVALID_CONFIG);
		assert_string_equal(why, cases[i].why);
	}
	encode_sample(raw);
	assert_int_equal(pvmfw_config_parse(raw, 63, &out, &why), AVF_REBOOT_INVALID_CONFIG);
	assert_string_equal(why, "no room for a config after the image");
}

static void test_image_config_offset(void **state)
{
	uint8_t img[64] = { 0 };

	memcpy(img + 8, "AVFPVMFW", 8);
	img[16 + 1] = 0x10;	/* 0x1000 */
	assert_int_equal(pvmfw_image_config_offset(img, sizeof(img)), 0x1000);
	assert_int_equal(pvmfw_image_config_offset(img, 31), 0);	/* no whole header */
	img[16] = 0x08;						/* 0x1008: unaligned */
	assert_int_equal(pvmfw_image_config_offset(img, sizeof(img)), 0);
	img[16] = 0;
	img[17] = 0;						/* 0 */
	assert_int_equal(pvmfw_image_config_offset(img, sizeof(img)), 0);
	img[17] = 0x10;
	img[8] = 'B';
	assert_int_equal(pvmfw_image_config_offset(img, sizeof(img)), 0);
	img[8] = 'A';
	/* An image longer than its own config offset is refused. */
	{
		uint8_t *big = calloc(1, 0x1001);

		assert_non_null(big);
		memcpy(big, img, sizeof(img));
		assert_int_equal(pvmfw_image_config_offset(big, 0x1000), 0x1000);
		assert_int_equal(pvmfw_image_config_offset(big, 0x1001), 0);
		free(big);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_and_layout),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_image_config_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
