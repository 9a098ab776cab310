// SPDX-License-Identifier: MIT
/*
 * memory: loads and stores of every size, sign/zero extension, the addressing modes
 * (offset, pre/post-index writeback, register offset with extend, literal), pairs,
 * SIMD structure loads, and PRFM (which never faults).
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/mem.h"
#include "sim/tests/lib/test.h"

TEST_IMAGE("memory");

static uint8_t buf[64] __attribute__((aligned(16)));

static void fill_pattern(void)
{
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0x80 + i * 0x11);	/* 80 91 a2 b3 c4 d5 e6 f7 08 19 ... */
}

TEST(sizes_and_extension)
{
	uint64_t r;

	fill_pattern();
	asm volatile("ldrb %w0, [%1]" : "=r"(r) : "r"(buf) : "memory");
	EXPECT_SHOW("ldrb", r, 0x80);
	asm volatile("ldrsb %w0, [%1]" : "=r"(r) : "r"(buf) : "memory");
	EXPECT_SHOW("ldrsb w", r, 0xffffff80);
	asm volatile("ldrsb %x0, [%1]" : "=r"(r) : "r"(buf) : "memory");
	EXPECT_SHOW("ldrsb x", r, 0xffffffffffffff80ull);
	asm volatile("ldrh %w0, [%1]" : "=r"(r) : "r"(buf) : "memory");
	EXPECT_SHOW("ldrh", r, 0x9180);
	asm volatile("ldrsh %w0, [%1]" : "=r"(r) : "r"(buf) : "memory");
	EXPECT_SHOW("ldrsh w", r, 0xffff9180);
	asm volatile("ldrsh %x0, [%1, #8]" : "=r"(r) : "r"(buf) : "memory");
	EXPECT_SHOW("ldrsh x +8", r, 0x1908);
	asm volatile("ldr %w0, [%1]" : "=r"(r) : "r"(buf) : "memory");
	EXPECT_SHOW("ldr w", r, 0xb3a29180);
	asm volatile("ldrsw %x0, [%1]" : "=r"(r) : "r"(buf) : "memory");
	EXPECT_SHOW("ldrsw", r, 0xffffffffb3a29180ull);
	asm volatile("ldr %x0, [%1, #8]" : "=r"(r) : "r"(buf) : "memory");
	EXPECT_SHOW("ldr x +8", r, 0x7f6e5d4c3b2a1908ull);
	asm volatile("strb %w1, [%0, #1]\n\tstrh %w1, [%0, #2]\n\tstr %w1, [%0, #4]"
		     :: "r"(buf), "r"(0x11223344u) : "memory");
	asm volatile("ldr %x0, [%1]" : "=r"(r) : "r"(buf) : "memory");
	EXPECT_SHOW("after strb/strh/str", r, 0x1122334433444480ull);
}

TEST(writeback_addressing)
{
	uint64_t base, r1, r2;

	fill_pattern();
	base = (uint64_t)buf;
	asm volatile("ldr %0, [%1, #8]!" : "=r"(r1), "+r"(base) :: "memory");
	EXPECT_SHOW("pre-index value", r1, 0x7f6e5d4c3b2a1908ull);
	EXPECT_SHOW("pre-index base", base - (uint64_t)buf, 8);
	asm volatile("ldrb %w0, [%1], #-3" : "=r"(r1), "+r"(base) :: "memory");
	EXPECT_SHOW("post-index value", r1, 0x08);
	EXPECT_SHOW("post-index base", base - (uint64_t)buf, 5);
	base = (uint64_t)buf + 32;
	asm volatile("stp %1, %2, [%0, #-16]!"
		     : "+r"(base) : "r"(0xaaaaaaaabbbbbbbbull), "r"(0x1111111122222222ull)
		     : "memory");
	EXPECT_SHOW("stp pre-index base", base - (uint64_t)buf, 16);
	asm volatile("ldp %w1, %w2, [%0], #8" : "+r"(base), "=&r"(r1), "=&r"(r2) :: "memory");
	EXPECT_SHOW("ldp post-index base", base - (uint64_t)buf, 24);
	EXPECT_SHOW("ldp w first", r1, 0xbbbbbbbb);
	EXPECT_SHOW("ldp w second", r2, 0xaaaaaaaa);
}

TEST(pairs)
{
	uint64_t a, b;
	int64_t sa, sb;

	fill_pattern();
	asm volatile("ldp %0, %1, [%2, #16]" : "=&r"(a), "=r"(b) : "r"(buf) : "memory");
	EXPECT_SHOW("ldp x first", a, 0x07f6e5d4c3b2a190ull);
	EXPECT_SHOW("ldp x second", b, 0x8f7e6d5c4b3a2918ull);
	asm volatile("ldpsw %0, %1, [%2]" : "=&r"(sa), "=r"(sb) : "r"(buf) : "memory");
	EXPECT_SHOW("ldpsw first", sa, 0xffffffffb3a29180ull);
	EXPECT_SHOW("ldpsw second", sb, 0xfffffffff7e6d5c4ull);
	asm volatile("stnp %2, %3, [%4, #32]\n\tldnp %0, %1, [%4, #32]"
		     : "=&r"(a), "=&r"(b) : "r"(1ull), "r"(2ull), "r"(buf) : "memory");
	EXPECT_SHOW("ldnp first", a, 1);
	EXPECT_SHOW("ldnp second", b, 2);
}

TEST(register_offset)
{
	uint64_t r;

	fill_pattern();
	asm volatile("ldr %0, [%1, %2, lsl #3]" : "=r"(r) : "r"(buf), "r"(1ull) : "memory");
	EXPECT_SHOW("lsl #3", r, 0x7f6e5d4c3b2a1908ull);
	asm volatile("ldr %w0, [%1, %w2, sxtw #2]"
		     : "=r"(r) : "r"(buf + 16), "r"(-3) : "memory");
	EXPECT_SHOW("sxtw #2 (-3)", r, 0xf7e6d5c4);
	asm volatile("ldrb %w0, [%1, %w2, uxtw]" : "=r"(r) : "r"(buf), "r"(9u) : "memory");
	EXPECT_SHOW("uxtw byte", r, 0x19);
	asm volatile("ldur %x0, [%1, #-7]" : "=r"(r) : "r"(buf + 16) : "memory");
	EXPECT_SHOW("ldur -7", r, 0x907f6e5d4c3b2a19ull);
}

TEST(literal_and_adr)
{
	extern char __image_start[];
	uint64_t lit, sw, adr, page;

	asm volatile("ldr %0, 1f\n\t"
		     "ldrsw %1, 2f\n\t"
		     "b 3f\n\t"
		     ".balign 8\n"
		     "1: .quad 0x0123456789abcdef\n"
		     "2: .word 0x80000001\n"
		     "3:" : "=r"(lit), "=r"(sw));
	EXPECT_SHOW("ldr literal", lit, 0x0123456789abcdefull);
	EXPECT_SHOW("ldrsw literal", sw, 0xffffffff80000001ull);
	asm volatile("adr %0, __image_start\n\tadrp %1, __image_start" : "=r"(adr), "=r"(page));
	EXPECT_EQ(adr, (uint64_t)__image_start);
	EXPECT_EQ(page, (uint64_t)__image_start & ~0xfffull);
}

TEST(simd_loads_and_stores)
{
	uint64_t lo, hi;
	uint8_t out[16];

	fill_pattern();
	/* LD4 de-interleaves: v0 gets bytes 0, 4, 8, ... */
	asm volatile("ld4 {v0.8b, v1.8b, v2.8b, v3.8b}, [%2]\n\t"
		     "fmov %0, d0\n\t"
		     "fmov %1, d3"
		     : "=r"(lo), "=r"(hi) : "r"(buf) : "v0", "v1", "v2", "v3", "memory");
	EXPECT_SHOW("ld4 lane set 0", lo, 0x5c18d4904c08c480ull);
	EXPECT_SHOW("ld4 lane set 3", hi, 0x8f4b07c37f3bf7b3ull);
	asm volatile("ld1r {v0.8h}, [%1]\n\tumov %0, v0.d[1]"
		     : "=r"(hi) : "r"(buf + 2) : "v0", "memory");
	EXPECT_SHOW("ld1r h", hi, 0xb3a2b3a2b3a2b3a2ull);
	asm volatile("ldp q0, q1, [%0]\n\tstr q1, [%1]"
		     :: "r"(buf), "r"(out) : "v0", "v1", "memory");
	EXPECT_EQ(memcmp(out, buf + 16, 16), 0);
	asm volatile("movi v0.16b, #0x5a\n\tst1 {v0.b}[3], [%0]" :: "r"(out) : "v0", "memory");
	EXPECT_SHOW("st1 lane", out[0], 0x5a);
}

TEST(prefetch_never_faults)
{
	/* PRFM is a hint: an unmapped or device address must not fault. */
	asm volatile("prfm pldl1keep, [%0]\n\tprfm pstl2strm, [%1]"
		     :: "r"(0x7000000000ull), "r"(0x50000000ull) : "memory");
	/* A fault would have been reported as an unexpected exception. */
	printf("  no fault\n");
}
