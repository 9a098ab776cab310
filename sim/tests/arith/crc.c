// SPDX-License-Identifier: MIT
/*
 * arith: CRC32 and CRC32C instructions (through GCC's __builtin_aarch64_crc32*), checked
 * against the published check values of both polynomials for "123456789".
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/mem.h"
#include "sim/tests/lib/test.h"

static const char check_input[] = "123456789";

static uint32_t crc_bytes(bool castagnoli, const uint8_t *p, size_t n)
{
	uint32_t crc = ~0u;

	while (n--)
		crc = castagnoli ? __builtin_aarch64_crc32cb(crc, *p++)
				 : __builtin_aarch64_crc32b(crc, *p++);
	return ~crc;
}

/* The same CRC, 8 bytes (X), then 4 (W)... at a time. */
static uint32_t crc_wide(bool c, const uint8_t *p, size_t n)
{
	uint32_t crc = ~0u;
	uint64_t x;
	uint32_t w;
	uint16_t h;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&x, p, 8);
		crc = c ? __builtin_aarch64_crc32cx(crc, x) : __builtin_aarch64_crc32x(crc, x);
	}
	if (n >= 4) {
		memcpy(&w, p, 4);
		crc = c ? __builtin_aarch64_crc32cw(crc, w) : __builtin_aarch64_crc32w(crc, w);
		n -= 4;
		p += 4;
	}
	if (n >= 2) {
		memcpy(&h, p, 2);
		crc = c ? __builtin_aarch64_crc32ch(crc, h) : __builtin_aarch64_crc32h(crc, h);
		n -= 2;
		p += 2;
	}
	if (n)
		crc = c ? __builtin_aarch64_crc32cb(crc, *p) : __builtin_aarch64_crc32b(crc, *p);
	return ~crc;
}

TEST(crc32_check_values)
{
	const uint8_t *in = (const uint8_t *)check_input;

	EXPECT_SHOW("crc32 bytes", crc_bytes(false, in, 9), 0xcbf43926u);
	EXPECT_SHOW("crc32c bytes", crc_bytes(true, in, 9), 0xe3069283u);
	EXPECT_SHOW("crc32 wide", crc_wide(false, in, 9), 0xcbf43926u);
	EXPECT_SHOW("crc32c wide", crc_wide(true, in, 9), 0xe3069283u);
}

TEST(crc32_widths_agree)
{
	static uint8_t buf[63];
	unsigned i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	EXPECT_SHOW("crc32 bytes 63", crc_bytes(false, buf, sizeof(buf)), 0xbae609d9u);
	EXPECT_SHOW("crc32 wide 63", crc_wide(false, buf, sizeof(buf)), 0xbae609d9u);
	EXPECT_SHOW("crc32c bytes 63", crc_bytes(true, buf, sizeof(buf)), 0x87b7efe8u);
	EXPECT_SHOW("crc32c wide 63", crc_wide(true, buf, sizeof(buf)), 0x87b7efe8u);
}
