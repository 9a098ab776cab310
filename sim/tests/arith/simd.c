// SPDX-License-Identifier: MIT
/*
 * arith: Advanced SIMD, both as the compiler emits it for -O2 loops (the loops below
 * vectorize; their results are hashed) and through NEON intrinsics for instructions the
 * vectorizer does not pick (saturation, table lookup, permutes, across-lane ops).
 * Expected values computed independently with a Python model of each instruction.
 */
#include <arm_neon.h>

#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/test.h"

#define N 64

/*
 * Hide a vector's value from the optimizer: GCC folds NEON intrinsics of known inputs at
 * compile time, and then the CPU would never execute them.
 */
#define HIDE(v) asm volatile("" : "+w"(v))

static uint32_t a32[N], b32[N], c32[N];
static uint8_t u8a[128], u8b[128], u8c[128];

static uint64_t hash32(const uint32_t *v, unsigned n)
{
	uint64_t h = 0;

	while (n--)
		h = h * 31 + *v++;
	return h;
}

static void fill(void)
{
	unsigned i;

	for (i = 0; i < N; i++) {
		a32[i] = i * i * 2654435761u;
		b32[i] = (i + 7) * 40503u;
	}
	for (i = 0; i < 128; i++) {
		u8a[i] = (uint8_t)(i * 7 + 3);
		u8b[i] = (uint8_t)(255 - i * 5);
	}
}

/* noinline keeps each loop a function of its own, vectorized by -O2. */
static __attribute__((noinline)) void loop_add_mul(void)
{
	for (unsigned i = 0; i < N; i++)
		c32[i] = a32[i] + b32[i] * 3;
}

static __attribute__((noinline)) void loop_umax(void)
{
	for (unsigned i = 0; i < N; i++)
		c32[i] = a32[i] > b32[i] ? a32[i] : b32[i];
}

static __attribute__((noinline)) uint32_t loop_sum(void)
{
	uint32_t s = 0;

	for (unsigned i = 0; i < N; i++)
		s += a32[i];
	return s;
}

static __attribute__((noinline)) void loop_bytes(void)
{
	for (unsigned i = 0; i < 128; i++)
		u8c[i] = (uint8_t)(u8a[i] + u8b[i]) ^ (uint8_t)(u8a[i] >> 1);
}

TEST(vectorized_loops)
{
	uint64_t h = 0;
	unsigned i;

	fill();
	loop_add_mul();
	EXPECT_SHOW("add-mul hash", hash32(c32, N), 0xb26655b48ee96e80ull);
	loop_umax();
	EXPECT_SHOW("umax hash", hash32(c32, N), 0x472cc2c76b8c0e3full);
	EXPECT_SHOW("sum", loop_sum(), 0x7e18df60u);
	loop_bytes();
	for (i = 0; i < 128; i++)
		h = h * 131 + u8c[i];
	EXPECT_SHOW("u8 hash", h, 0x8713bd621bc5af00ull);
}

/* Print and check a 128-bit vector as its two 64-bit halves. */
#define EXPECT_Q(label, vec, lo, hi) do {					\
	uint64x2_t q_ = (uint64x2_t)(vec);					\
	EXPECT_SHOW(label " lo", vgetq_lane_u64(q_, 0), lo);			\
	EXPECT_SHOW(label " hi", vgetq_lane_u64(q_, 1), hi);			\
} while (0)

static uint8x16_t u_vec(void)
{
	uint8_t v[16];

	for (unsigned i = 0; i < 16; i++)
		v[i] = (uint8_t)(i * 17 + 5);
	return vld1q_u8(v);
}

static uint8x16_t v_vec(void)
{
	uint8_t v[16];

	for (unsigned i = 0; i < 16; i++)
		v[i] = (uint8_t)(200 - i * 9);
	return vld1q_u8(v);
}

TEST(saturating_and_fpsr_qc)
{
	static const int16_t a[8] = { 32767, -32768, 100, -100, 30000, -30000, 1, 0 };
	static const int16_t b[8] = { 1, -1, 200, -200, 10000, -10000, -1, 0 };
	static const int32_t w[4] = { 1 << 20, -(1 << 20), 0x7fff0, -5 };
	int16x8_t r, va = vld1q_s16(a), vb = vld1q_s16(b);
	int32x4_t vw = vld1q_s32(w);
	int16x4_t n;

	HIDE(va);
	HIDE(vb);
	HIDE(vw);
	write_sysreg(fpsr, 0);
	r = vqaddq_s16(va, vb);
	EXPECT_Q("sqadd", (r), 0xfed4012c80007fffull, 0x80007fffull);
	EXPECT_SHOW("fpsr.qc", (read_sysreg(fpsr) >> 27) & 1, 1);
	write_sysreg(fpsr, 0);
	n = vqshrn_n_s32(vw, 4);
	EXPECT_Q("sqshrn #4", (vcombine_s16(n, vdup_n_s16(0))), 0xffff7fff80007fffull, 0);
	EXPECT_SHOW("fpsr.qc", (read_sysreg(fpsr) >> 27) & 1, 1);
}

TEST(widening_and_across_lanes)
{
	uint8x16_t u = u_vec(), v = v_vec();

	HIDE(u);
	HIDE(v);
	EXPECT_Q("umull", (vmull_u8(vget_low_u8(u), vget_low_u8(v))),
		 0x25d81bba106a03e8ull, 0x425c3d06367e2ec4ull);
	EXPECT_Q("cnt", (vcntq_u8(u)), 0x0505040303040302ull, 0x0106040402060504ull);
	EXPECT_SHOW("addv", vaddvq_u8(u), 0x48);
	EXPECT_SHOW("uaddlv", vaddlvq_u8(u), 0x748);
	EXPECT_SHOW("umaxv", vmaxvq_u8(u), 0xf3);
	EXPECT_SHOW("uminv", vminvq_u8(v), 0x41);
	EXPECT_Q("uabd", (vabdq_u8(u, v)), 0x0d27415b758fa9c3ull, 0x3da98f755b41270dull);
	EXPECT_Q("urshr #3", (vrshrq_n_u8(u, 3)), 0x100d0b0907050301ull, 0x011e1c1a18161412ull);
}

TEST(permutes_and_lookup)
{
	static const uint8_t idx[16] = { 15, 0, 3, 16, 255, 7, 8, 9, 1, 2, 100, 4, 5, 6, 10, 11 };
	uint8x16_t u = u_vec(), v = v_vec(), vi = vld1q_u8(idx);

	HIDE(u);
	HIDE(v);
	HIDE(vi);
	/* TBL: an index past the table gives 0. */
	EXPECT_Q("tbl", (vqtbl1q_u8(u, vi)), 0x9e8d7c0000380504ull,
		 0xc0af6b5a49002716ull);
	EXPECT_Q("rev64", (vrev64q_u8(u)), 0x05162738495a6b7cull, 0x8d9eafc0d1e2f304ull);
	EXPECT_Q("ext #5", (vextq_u8(u, v, 5)), 0xd1c0af9e8d7c6b5aull, 0xa4adb6bfc804f3e2ull);
	EXPECT_Q("zip1", (vzip1q_u8(u, v)), 0xad38b627bf16c805ull, 0x897c926b9b5aa449ull);
	EXPECT_Q("uzp2", (vuzp2q_u8(u, v)), 0x04e2c09e7c5a3816ull, 0x41536577899badbfull);
	EXPECT_Q("bsl", (vbslq_u8(vdupq_n_u8(0xf0), u, v)), 0x79625b443d261f08ull,
		 0x01fae3dcc5ae9780ull);
}

TEST(compare_and_multiply_accumulate)
{
	static const int32_t a[4] = { 5, -3, 7, 0 }, b[4] = { 4, -2, 7, -1 };
	static const int32_t acc[4] = { 1, 2, 3, 4 };
	int32x4_t va = vld1q_s32(a), vb = vld1q_s32(b), vacc = vld1q_s32(acc);

	HIDE(va);
	HIDE(vb);
	HIDE(vacc);

	EXPECT_Q("cmgt", (vcgtq_s32(va, vb)), 0xffffffffull, 0xffffffff00000000ull);
	EXPECT_Q("mla", (vmlaq_s32(vacc, va, vb)), 0x800000015ull, 0x400000034ull);
}
