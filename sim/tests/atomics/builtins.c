// SPDX-License-Identifier: MIT
/*
 * atomics: GCC's __atomic builtins as they compile for Armv8.0 (inline LDAXR/STLXR
 * loops; the image is built with -mno-outline-atomics), on every size.
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/test.h"

static uint64_t v64;
static uint32_t v32;
static uint16_t v16;
static uint8_t v8;

TEST(fetch_ops)
{
	v64 = 100;
	EXPECT_SHOW("fetch_add old", __atomic_fetch_add(&v64, 23, __ATOMIC_SEQ_CST), 100);
	EXPECT_SHOW("fetch_sub old", __atomic_fetch_sub(&v64, 200, __ATOMIC_ACQ_REL), 123);
	EXPECT_SHOW("after sub", v64, (uint64_t)-77);
	EXPECT_SHOW("fetch_and old", __atomic_fetch_and(&v64, 0xff0, __ATOMIC_RELAXED),
		    (uint64_t)-77);
	EXPECT_SHOW("fetch_or old", __atomic_fetch_or(&v64, 0x3, __ATOMIC_RELEASE), 0xfb0);
	EXPECT_SHOW("fetch_xor old", __atomic_fetch_xor(&v64, 0xf0f, __ATOMIC_ACQUIRE), 0xfb3);
	EXPECT_SHOW("final", v64, 0x0bc);
	EXPECT_SHOW("add_fetch", __atomic_add_fetch(&v64, 4, __ATOMIC_SEQ_CST), 0xc0);
	EXPECT_SHOW("nand_fetch", __atomic_nand_fetch(&v64, 0xf0, __ATOMIC_SEQ_CST),
		    ~0xc0ull);
}

TEST(small_sizes_wrap)
{
	v8 = 250;
	v16 = 65530;
	v32 = 0xfffffff0u;
	EXPECT_SHOW("u8 fetch_add", __atomic_fetch_add(&v8, 10, __ATOMIC_SEQ_CST), 250);
	EXPECT_SHOW("u8 after", v8, 4);
	EXPECT_SHOW("u16 fetch_add", __atomic_fetch_add(&v16, 10, __ATOMIC_SEQ_CST), 65530);
	EXPECT_SHOW("u16 after", v16, 4);
	EXPECT_SHOW("u32 fetch_add", __atomic_fetch_add(&v32, 0x20, __ATOMIC_SEQ_CST),
		    0xfffffff0u);
	EXPECT_SHOW("u32 after", v32, 0x10);
}

TEST(exchange_and_compare_exchange)
{
	uint64_t expected;
	bool ok;

	v64 = 1;
	EXPECT_SHOW("exchange old", __atomic_exchange_n(&v64, 2, __ATOMIC_SEQ_CST), 1);
	expected = 5;
	ok = __atomic_compare_exchange_n(&v64, &expected, 9, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST);
	EXPECT_SHOW("cas mismatch ok", ok, 0);
	EXPECT_SHOW("cas mismatch expected", expected, 2);
	EXPECT_SHOW("cas mismatch value", v64, 2);
	ok = __atomic_compare_exchange_n(&v64, &expected, 9, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST);
	EXPECT_SHOW("cas match ok", ok, 1);
	EXPECT_SHOW("cas match value", v64, 9);
	v8 = 0;
	EXPECT_SHOW("test_and_set first", __atomic_test_and_set(&v8, __ATOMIC_SEQ_CST), 0);
	EXPECT_SHOW("test_and_set second", __atomic_test_and_set(&v8, __ATOMIC_SEQ_CST), 1);
	__atomic_clear(&v8, __ATOMIC_SEQ_CST);
	EXPECT_SHOW("after clear", v8, 0);
}
