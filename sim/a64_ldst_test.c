// SPDX-License-Identifier: MIT
/*
 * Unit tests of sim/a64_ldst.c on a real machine (a64_mem_test.h): every access kind
 * (size, sign extension, W/X destination), every addressing mode and its writeback,
 * the CONSTRAINED UNPREDICTABLE choices, SP-based accesses and the SP alignment check,
 * LDTR/STTR permissions, the ISS syndrome an MMIO exit carries, device handlers,
 * literal loads, pairs (with a fault on the second element), PRFM, reserved encodings
 * and the routing of V = 1 words. Encodings were produced by aarch64-linux-gnu-as.
 */
#include "sim/a64_mem_test.h"

/* Memory at MT_DATA: 88 99 aa bb cc dd ee ff 00 11 22 33 44 55 66 77 */
#define D0 0xffeeddccbbaa9988ull
#define D1 0x7766554433221100ull
#define JUNK 0xdeadbeefdeadbeefull

static void put_pattern(struct mt *x)
{
	t_w64(x->t.m, MT_DATA, D0);
	t_w64(x->t.m, MT_DATA + 8, D1);
}

struct load_case {
	uint32_t insn;
	const char *text;
	uint64_t want;
};

static void test_load_kinds(void **state)
{
	static const struct load_case k[] = {
		{ 0x39400041, "ldrb w1, [x2]", 0x88 },
		{ 0x39c00041, "ldrsb w1, [x2]", 0xffffff88 },
		{ 0x39800041, "ldrsb x1, [x2]", 0xffffffffffffff88ull },
		{ 0x79400041, "ldrh w1, [x2]", 0x9988 },
		{ 0x79c00041, "ldrsh w1, [x2]", 0xffff9988 },
		{ 0x79800041, "ldrsh x1, [x2]", 0xffffffffffff9988ull },
		{ 0xb9400041, "ldr w1, [x2]", 0xbbaa9988 },
		{ 0xb9800041, "ldrsw x1, [x2]", 0xffffffffbbaa9988ull },
		{ 0xf9400041, "ldr x1, [x2]", D0 },
		{ 0x39c02041, "ldrsb w1, [x2, #8]", 0 },
		{ 0xb9800841, "ldrsw x1, [x2, #8]", 0x33221100 },
		{ 0x78809041, "ldursh x1, [x2, #9]", 0x2211 },
		{ 0x38c0f041, "ldursb w1, [x2, #15]", 0x77 },
		{ 0xf8400841, "ldtr x1, [x2]", D0 },
		{ 0x389ff841, "ldtrsb x1, [x2, #-1] (x2 = data + 1)", 0xffffffffffffff88ull },
	};
	struct mt x;

	mt_init(&x);
	put_pattern(&x);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		x.c->x[1] = JUNK;
		x.c->x[2] = MT_DATA + (k[i].insn == 0x389ff841);
		mt_exec(&x, k[i].insn);
		mt_expect_done(&x);
		if (x.c->x[1] != k[i].want)
			fail_msg("%s: %#llx, want %#llx", k[i].text,
				 (unsigned long long)x.c->x[1], (unsigned long long)k[i].want);
		assert_int_equal(x.c->x[2], MT_DATA + (k[i].insn == 0x389ff841));
	}
	mt_fini(&x);
}

static void test_store_kinds(void **state)
{
	static const struct { uint32_t insn; const char *text; uint64_t want; } k[] = {
		{ 0x39000041, "strb w1, [x2]", 0x5a5a5a5a5a5a5aefull },
		{ 0x79000041, "strh w1, [x2]", 0x5a5a5a5a5a5acdefull },
		{ 0xb9000041, "str w1, [x2]", 0x5a5a5a5a89abcdefull },
		{ 0xf9000041, "str x1, [x2]", 0x0123456789abcdefull },
		{ 0xf8000841, "sttr x1, [x2]", 0x0123456789abcdefull },
		{ 0xf900005f, "str xzr, [x2]", 0 },
	};
	struct mt x;

	mt_init(&x);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		t_w64(x.t.m, MT_DATA - 8, 0x5a5a5a5a5a5a5a5aull);
		t_w64(x.t.m, MT_DATA, 0x5a5a5a5a5a5a5a5aull);
		t_w64(x.t.m, MT_DATA + 8, 0x5a5a5a5a5a5a5a5aull);
		x.c->x[1] = 0x0123456789abcdefull;
		x.c->x[2] = MT_DATA;
		mt_exec(&x, k[i].insn);
		mt_expect_done(&x);
		if (t_r64(x.t.m, MT_DATA) != k[i].want)
			fail_msg("%s: memory %#llx", k[i].text,
				 (unsigned long long)t_r64(x.t.m, MT_DATA));
		assert_int_equal(t_r64(x.t.m, MT_DATA - 8), 0x5a5a5a5a5a5a5a5aull);
		assert_int_equal(t_r64(x.t.m, MT_DATA + 8), 0x5a5a5a5a5a5a5a5aull);
		assert_int_equal(x.c->x[1], 0x0123456789abcdefull);
		assert_int_equal(x.c->x[31], 0);
	}
	mt_fini(&x);
}

/* One addressing-mode case: x2/x3 in, x1 and x2 out (x1 compared when want_x1 != JUNK). */
struct mode_case {
	uint32_t insn;
	const char *text;
	uint64_t x2, x3, want_x1, want_x2;
};

static void test_addressing_modes(void **state)
{
	static const struct mode_case k[] = {
		{ 0xf97ffc41, "ldr x1, [x2, #32760]", MT_DATA, 0, 0x1122334455667788ull,
		  MT_DATA },
		{ 0xf8500041, "ldur x1, [x2, #-256]", MT_DATA + 256, 0, D0, MT_DATA + 256 },
		{ 0xf8410c41, "ldr x1, [x2, #16]!", MT_DATA - 16, 0, D0, MT_DATA },
		{ 0xf85f8441, "ldr x1, [x2], #-8", MT_DATA + 8, 0, D1, MT_DATA },
		{ 0x385ffc41, "ldrb w1, [x2, #-1]!", MT_DATA + 1, 0, 0x88, MT_DATA },
		{ 0x78802441, "ldrsh x1, [x2], #2", MT_DATA, 0, 0xffffffffffff9988ull,
		  MT_DATA + 2 },
		{ 0xf8636841, "ldr x1, [x2, x3]", MT_DATA, 8, D1, MT_DATA },
		{ 0xf8637841, "ldr x1, [x2, x3, lsl #3]", MT_DATA, 1, D1, MT_DATA },
		{ 0xb8635841, "ldr w1, [x2, w3, uxtw #2]", MT_DATA, 0xffffffff00000002ull,
		  0x33221100, MT_DATA },
		{ 0xf863c841, "ldr x1, [x2, w3, sxtw]", MT_DATA + 16, 0x00000000fffffff8ull, D1,
		  MT_DATA + 16 },
		{ 0xf863f841, "ldr x1, [x2, x3, sxtx #3]", MT_DATA + 16, ~0ull, D1,
		  MT_DATA + 16 },
		{ 0x38637841, "ldrb w1, [x2, x3, lsl #0]", MT_DATA, 3, 0xbb, MT_DATA },
		{ 0x78e3d841, "ldrsh w1, [x2, w3, sxtw #1]", MT_DATA + 8, 0xfffffffcull,
		  0xffff9988, MT_DATA + 8 },
		{ 0xf8636841, "ldr x1, [x2, xzr-like x3 = 0]", MT_DATA, 0, D0, MT_DATA },
		/* Rn == Rt with writeback (CONSTRAINED UNPREDICTABLE): the writeback wins. */
		{ 0xf8408c42, "ldr x2, [x2, #8]!", MT_DATA, 0, JUNK, MT_DATA + 8 },
		/* LDP Rn == Rt, post-index: Rt2 loaded, then the writeback. */
		{ 0xa8c10c42, "ldp x2, x3, [x2], #16", MT_DATA, 0, JUNK, MT_DATA + 16 },
	};
	struct mt x;

	mt_init(&x);
	put_pattern(&x);
	t_w64(x.t.m, MT_DATA + 32760, 0x1122334455667788ull);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		x.c->x[1] = JUNK;
		x.c->x[2] = k[i].x2;
		x.c->x[3] = k[i].x3;
		mt_exec(&x, k[i].insn);
		mt_expect_done(&x);
		if ((k[i].want_x1 != JUNK && x.c->x[1] != k[i].want_x1) ||
		    x.c->x[2] != k[i].want_x2)
			fail_msg("%s: x1 %#llx x2 %#llx", k[i].text,
				 (unsigned long long)x.c->x[1], (unsigned long long)x.c->x[2]);
	}
	/* the LDP above loaded Rt2 = x3 from MT_DATA + 8 */
	assert_int_equal(x.c->x[3], D1);
	mt_fini(&x);
}

static void test_store_writeback(void **state)
{
	struct mt x;

	mt_init(&x);
	x.c->x[1] = 0x1111222233334444ull;
	x.c->x[2] = MT_DATA + 16;
	mt_exec(&x, 0xf81f0c41);				/* str x1, [x2, #-16]! */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[2], MT_DATA);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x1111222233334444ull);

	t_w64(x.t.m, MT_DATA, 0);
	mt_exec(&x, 0x780ff441);				/* strh w1, [x2], #255 */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[2], MT_DATA + 255);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x4444);

	x.c->x[2] = MT_DATA;
	x.c->x[3] = 1;
	mt_exec(&x, 0xf8237841);				/* str x1, [x2, x3, lsl #3] */
	mt_expect_done(&x);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 8), 0x1111222233334444ull);
	assert_int_equal(x.c->x[2], MT_DATA);

	x.c->x[3] = 0x100000005ull;
	mt_exec(&x, 0x38234841);				/* strb w1, [x2, w3, uxtw] */
	mt_expect_done(&x);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x0000440000004444ull);

	/* Rn == Rt with writeback: the value stored is Rt before the writeback. */
	x.c->x[2] = MT_DATA;
	mt_exec(&x, 0xf8008442);				/* str x2, [x2], #8 */
	mt_expect_done(&x);
	assert_int_equal(t_r64(x.t.m, MT_DATA), MT_DATA);
	assert_int_equal(x.c->x[2], MT_DATA + 8);

	/* ldr xzr: the access happens, XZR stays zero */
	x.c->x[2] = MT_DATA;
	mt_exec(&x, 0xf940005f);				/* ldr xzr, [x2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[31], 0);
	mt_fini(&x);
}

static void test_sp_base(void **state)
{
	struct mt x;

	mt_init(&x);
	put_pattern(&x);
	t_w64(x.t.m, MT_DATA + 0x108, 0xabcdull);
	x.c->sp = MT_DATA + 0x100;
	mt_exec(&x, 0xf94007e1);				/* ldr x1, [sp, #8] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 0xabcd);
	assert_int_equal(x.c->x[31], 0);

	x.c->x[3] = 8;
	mt_exec(&x, 0xf8636be1);				/* ldr x1, [sp, x3] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 0xabcd);

	x.c->x[1] = 0x77;
	mt_exec(&x, 0xf81f0fe1);				/* str x1, [sp, #-16]! */
	mt_expect_done(&x);
	assert_int_equal(x.c->sp, MT_DATA + 0xf0);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 0xf0), 0x77);

	x.c->x[3] = 0x99;
	mt_exec(&x, 0xa9bf0fe1);				/* stp x1, x3, [sp, #-16]! */
	mt_expect_done(&x);
	assert_int_equal(x.c->sp, MT_DATA + 0xe0);
	x.c->x[1] = x.c->x[3] = 0;
	mt_exec(&x, 0xa8c10fe1);				/* ldp x1, x3, [sp], #16 */
	mt_expect_done(&x);
	assert_int_equal(x.c->sp, MT_DATA + 0xf0);
	assert_int_equal(x.c->x[1], 0x77);
	assert_int_equal(x.c->x[3], 0x99);

	/* Misaligned SP without SCTLR_EL1.SA: no check. */
	x.c->sp = MT_DATA + 0x108 - 8 + 4;
	mt_exec(&x, 0xf94007e1);
	mt_expect_done(&x);

	/* SA set: the SP itself must be 16-byte aligned, whatever the offset. */
	x.c->sysreg[SR_SCTLR_EL1] |= MT_SCTLR_SA;
	x.c->sp = MT_DATA + 0x108;
	x.c->x[1] = JUNK;
	mt_exec(&x, 0xf94007e1);				/* address aligned, SP not */
	assert_int_equal(mt_expect_exception(&x, SIM_EC_SP_ALIGN),
			 (uint32_t)SIM_EC_SP_ALIGN << 26 | 1u << 25);
	assert_int_equal(x.c->x[1], JUNK);
	assert_int_equal(x.c->sp, MT_DATA + 0x108);
	mt_exec(&x, 0xf81f0fe1);				/* str x1, [sp, #-16]! */
	mt_expect_exception(&x, SIM_EC_SP_ALIGN);
	assert_int_equal(x.c->sp, MT_DATA + 0x108);
	mt_exec(&x, 0xa8c10fe1);				/* ldp x1, x3, [sp], #16 */
	mt_expect_exception(&x, SIM_EC_SP_ALIGN);
	mt_exec(&x, 0xf8636be1);				/* ldr x1, [sp, x3] */
	mt_expect_exception(&x, SIM_EC_SP_ALIGN);
	/* Not SP-based: no check even with SA set. */
	x.c->x[2] = MT_DATA + 0x108;
	mt_exec(&x, 0xf9400041);				/* ldr x1, [x2] */
	mt_expect_done(&x);

	/* EL0: SA0 applies, SA does not. */
	t_to_el0(x.c);
	x.c->sp = MT_DATA + 0x108;
	mt_exec(&x, 0xf94007e1);
	mt_expect_done(&x);
	x.c->sysreg[SR_SCTLR_EL1] |= MT_SCTLR_SA0;
	mt_exec(&x, 0xf94007e1);
	mt_expect_exception(&x, SIM_EC_SP_ALIGN);
	mt_fini(&x);
}

static void test_unprivileged(void **state)
{
	struct mt x;
	uint32_t esr;

	mt_init(&x);
	put_pattern(&x);
	x.c->x[2] = MT_EL1(MT_DATA);
	mt_exec(&x, 0xf9400041);				/* ldr x1, [x2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], D0);

	/* LDTR at EL1 checks EL0 permissions: a permission fault (level 1 block). */
	x.c->x[1] = JUNK;
	mt_exec(&x, 0xf8400841);				/* ldtr x1, [x2] */
	esr = mt_expect_dabt(&x, MT_EL1(MT_DATA), 0x0d, false);
	assert_int_equal(esr & (1u << 24), 0);			/* ESR_EL1: ISV = 0 */
	assert_int_equal(x.c->x[1], JUNK);
	mt_exec(&x, 0xf8000841);				/* sttr x1, [x2] */
	mt_expect_dabt(&x, MT_EL1(MT_DATA), 0x0d, true);
	assert_int_equal(t_r64(x.t.m, MT_DATA), D0);
	mt_fini(&x);
}

/* Loads and stores to space nothing claims exit with the syndrome of the access. */
static void test_mmio_syndrome(void **state)
{
	static const struct {
		uint32_t insn;
		const char *text;
		uint64_t ipa;
		uint8_t size, reg;
		bool write, sse, sf;
	} k[] = {
		{ 0x79802045, "ldrsh x5, [x2, #16]", MT_NOTHING + 16, 2, 5, false, true, true },
		{ 0xb9400047, "ldr w7, [x2]", MT_NOTHING, 4, 7, false, false, false },
		{ 0x39c00044, "ldrsb w4, [x2]", MT_NOTHING, 1, 4, false, true, false },
		{ 0xb9800041, "ldrsw x1, [x2]", MT_NOTHING, 4, 1, false, true, true },
		{ 0xf8636841, "ldr x1, [x2, x3]", MT_NOTHING + 0x20, 8, 1, false, false, true },
		{ 0xc8dffc4a, "ldar x10, [x2]", MT_NOTHING, 8, 10, false, false, true },
		{ 0x39000449, "strb w9, [x2, #1]", MT_NOTHING + 1, 1, 9, true, false, false },
		{ 0xf9000043, "str x3, [x2]", MT_NOTHING, 8, 3, true, false, true },
		{ 0x889ffc43, "stlr w3, [x2]", MT_NOTHING, 4, 3, true, false, false },
	};
	struct mt x;

	mt_init(&x);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		const struct sim_exit *e = &x.c->exit;

		for (unsigned r = 0; r < 31; r++)
			x.c->x[r] = 0x0101010101010101ull * r;
		x.c->x[2] = MT_NOTHING;
		x.c->x[3] = 0x20;
		x.c->x[9] = 0x1234;
		mt_exec(&x, k[i].insn);
		if (!x.c->exit_pending || e->kind != SIM_EXIT_MMIO)
			fail_msg("%s: no MMIO exit", k[i].text);
		assert_int_equal(x.c->pc, MT_CODE);
		assert_int_equal(e->mmio.ipa, k[i].ipa);
		assert_int_equal(e->mmio.size, k[i].size);
		assert_int_equal(e->mmio.reg, k[i].reg);
		assert_int_equal(e->mmio.is_write, k[i].write);
		assert_int_equal(e->mmio.sign_extend, k[i].sse);
		assert_int_equal(e->mmio.sixty_four, k[i].sf);
		if (k[i].write)
			assert_int_equal(e->mmio.data, k[i].reg == 9 ? 0x34 : 0x20);
		for (unsigned r = 0; r < 31; r++)
			assert_int_equal(x.c->x[r], r == 2 ? MT_NOTHING : r == 3 ? 0x20 :
					 r == 9 ? 0x1234 : 0x0101010101010101ull * r);
	}

	/* Writeback and pair forms have no syndrome: a stage-2 abort exit, nothing moves. */
	x.c->x[2] = MT_NOTHING;
	mt_exec(&x, 0xf8408c41);				/* ldr x1, [x2, #8]! */
	assert_true(x.c->exit_pending);
	assert_int_equal(x.c->exit.kind, SIM_EXIT_S2_ABORT);
	assert_int_equal(x.c->x[2], MT_NOTHING);
	mt_exec(&x, 0xa9400c41);				/* ldp x1, x3, [x2] */
	assert_true(x.c->exit_pending);
	assert_int_equal(x.c->exit.kind, SIM_EXIT_S2_ABORT);
	mt_exec(&x, 0xc85f7c41);				/* ldxr x1, [x2] */
	assert_true(x.c->exit_pending);
	assert_int_equal(x.c->exit.kind, SIM_EXIT_S2_ABORT);
	mt_fini(&x);
}

static void test_device_handler(void **state)
{
	struct mt x;
	struct mt_dev d;

	mt_init(&x);
	mt_add_mmio(&x, &d);
	x.c->x[2] = MT_MMIO;
	mt_exec(&x, 0x39800041);				/* ldrsb x1, [x2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], ~0ull);
	assert_int_equal(d.size, 1);
	assert_int_equal(d.offset, 0);

	mt_exec(&x, 0x79c00441);				/* ldrsh w1, [x2, #2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 0xffffeeffull);
	assert_int_equal(d.offset, 2);

	mt_exec(&x, 0xb9400441);				/* ldr w1, [x2, #4] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 0xccddeeffull);
	assert_int_equal(d.size, 4);

	x.c->x[1] = 0x1111;
	x.c->x[3] = 0x3333;
	mt_exec(&x, 0xa9000c41);				/* stp x1, x3, [x2]: two accesses */
	mt_expect_done(&x);
	assert_int_equal(d.writes, 2);
	assert_int_equal(d.offset, 8);
	assert_int_equal(d.value, 0x3333);

	/* Device memory: a misaligned access is an alignment fault. */
	mt_exec(&x, 0xb8401041);				/* ldur w1, [x2, #1] */
	mt_expect_dabt(&x, MT_MMIO + 1, MT_DFSC_ALIGN, false);
	mt_fini(&x);
}

static void test_literal(void **state)
{
	struct mt x;

	mt_init(&x);
	t_w64(x.t.m, MT_CODE + 8, 0x11111111fffffff0ull);
	t_w64(x.t.m, MT_CODE + 16, 0x2222222280000000ull);
	t_w64(x.t.m, MT_CODE - 8, 0x0123456789abcdefull);
	x.c->x[1] = JUNK;
	mt_exec(&x, 0x18000081);				/* ldr w1, .+16 */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 0x80000000ull);
	mt_exec(&x, 0x58ffffc1);				/* ldr x1, .-8 */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 0x0123456789abcdefull);
	mt_exec(&x, 0x98000041);				/* ldrsw x1, .+8 */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 0xfffffffffffffff0ull);
	x.c->x[8] = 5;
	mt_exec(&x, 0xd8000048);				/* prfm plil1keep, .+8 */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[8], 5);
	mt_fini(&x);
}

static void test_pairs(void **state)
{
	static const struct {
		uint32_t insn;
		const char *text;
		uint64_t x2, want_x1, want_x3, want_x2;
	} k[] = {
		{ 0x29400c41, "ldp w1, w3, [x2]", MT_DATA, 0xbbaa9988, 0xffeeddcc, MT_DATA },
		{ 0xa9ff0c41, "ldp x1, x3, [x2, #-16]!", MT_DATA + 16, D0, 0x80000001fffffffeull,
		  MT_DATA },
		{ 0xa8c10c41, "ldp x1, x3, [x2], #16", MT_DATA, D0, 0x80000001fffffffeull,
		  MT_DATA + 16 },
		{ 0x69410c41, "ldpsw x1, x3, [x2, #8]", MT_DATA, 0xfffffffffffffffeull,
		  0xffffffff80000001ull, MT_DATA },
		{ 0xa8400c41, "ldnp x1, x3, [x2]", MT_DATA, D0, 0x80000001fffffffeull, MT_DATA },
		{ 0xa95f8c41, "ldp x1, x3, [x2, #504]", MT_DATA - 504, D0, 0x80000001fffffffeull,
		  MT_DATA - 504 },
		{ 0x69600c41, "ldpsw x1, x3, [x2, #-256]", MT_DATA + 256, 0xffffffffbbaa9988ull,
		  0xffffffffffeeddccull, MT_DATA + 256 },
		{ 0x295f8c41, "ldp w1, w3, [x2, #252]", MT_DATA - 252, 0xbbaa9988, 0xffeeddcc,
		  MT_DATA - 252 },
		/* Rt == Rt2 (CONSTRAINED UNPREDICTABLE): Rt gets the first element. */
		{ 0xa9400441, "ldp x1, x1, [x2]", MT_DATA, D0, JUNK, MT_DATA },
	};
	struct mt x;

	mt_init(&x);
	t_w64(x.t.m, MT_DATA, D0);
	t_w64(x.t.m, MT_DATA + 8, 0x80000001fffffffeull);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		x.c->x[1] = x.c->x[3] = JUNK;
		x.c->x[2] = k[i].x2;
		mt_exec(&x, k[i].insn);
		mt_expect_done(&x);
		if (x.c->x[1] != k[i].want_x1 || x.c->x[3] != k[i].want_x3 ||
		    x.c->x[2] != k[i].want_x2)
			fail_msg("%s: x1 %#llx x3 %#llx x2 %#llx", k[i].text,
				 (unsigned long long)x.c->x[1], (unsigned long long)x.c->x[3],
				 (unsigned long long)x.c->x[2]);
	}
	mt_fini(&x);
}

static void test_pair_stores(void **state)
{
	struct mt x;

	mt_init(&x);
	x.c->x[1] = 0x1111111111111111ull;
	x.c->x[3] = 0x3333333333333333ull;
	x.c->x[2] = MT_DATA;
	mt_exec(&x, 0xa9000c41);				/* stp x1, x3, [x2] */
	mt_expect_done(&x);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x1111111111111111ull);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 8), 0x3333333333333333ull);

	x.c->x[2] = MT_DATA + 8;
	x.c->x[1] = 0xaaaaaaaa00000001ull;
	x.c->x[3] = 0xbbbbbbbb00000003ull;
	mt_exec(&x, 0x29bf0c41);				/* stp w1, w3, [x2, #-8]! */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[2], MT_DATA);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x0000000300000001ull);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 8), 0x3333333333333333ull);

	mt_exec(&x, 0x28008c41);				/* stnp w1, w3, [x2, #4] */
	mt_expect_done(&x);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x0000000100000001ull);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 8), 0x3333333300000003ull);

	mt_exec(&x, 0xa8a00c41);				/* stp x1, x3, [x2], #-512 */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[2], MT_DATA - 512);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 8), 0xbbbbbbbb00000003ull);

	/* Second element beyond RAM: an exit, no register changes. */
	x.c->x[2] = MT_RAM_END - 8;
	x.c->x[1] = x.c->x[3] = JUNK;
	t_w64(x.t.m, MT_RAM_END - 8, 0x4444);
	mt_exec(&x, 0xa9400c41);				/* ldp x1, x3, [x2] */
	assert_true(x.c->exit_pending);
	assert_int_equal(x.c->exit.kind, SIM_EXIT_S2_ABORT);
	assert_int_equal(x.c->exit.s2.ipa, MT_RAM_END);
	assert_int_equal(x.c->x[1], JUNK);
	assert_int_equal(x.c->x[3], JUNK);
	/* STP: the first element has been stored (pinned: two accesses in order). */
	mt_exec(&x, 0xa9000c41);				/* stp x1, x3, [x2] */
	assert_true(x.c->exit_pending);
	assert_int_equal(t_r64(x.t.m, MT_RAM_END - 8), JUNK);
	assert_int_equal(x.c->x[2], MT_RAM_END - 8);
	mt_fini(&x);
}

/*
 * ---- sweep: every access kind x addressing form x base register --------------------------
 * Words are built from the Arm ARM field layout (checked against the assembler below) and
 * the result is predicted by a small reference model: little-endian bytes of a known
 * pattern, zero or sign extension to the register width, writeback per form.
 */
enum { F_UIMM, F_UNSCALED, F_POST, F_UNPRIV, F_PRE, F_REG_UXTW, F_REG_LSL, F_REG_SXTW,
       F_REG_SXTX, F_NR };

#define SW_BASE_X	(MT_DATA + 0x100)
#define SW_BASE_SP	(MT_DATA + 0x200)

static uint32_t enc_single(unsigned form, unsigned size, unsigned opc, unsigned rn, bool s)
{
	uint32_t w = size << 30 | opc << 22 | rn << 5 | 1;	/* Rt = x1 */
	static const int imm9[] = { [F_UNSCALED] = -5, [F_POST] = 7, [F_UNPRIV] = -3,
				    [F_PRE] = 9 };
	static const unsigned option[] = { [F_REG_UXTW] = 2, [F_REG_LSL] = 3,
					   [F_REG_SXTW] = 6, [F_REG_SXTX] = 7 };

	switch (form) {
	case F_UIMM: return w | 0x39000000 | 3u << 10;
	case F_UNSCALED: case F_POST: case F_UNPRIV: case F_PRE:
		return w | 0x38000000 | ((uint32_t)imm9[form] & 0x1ff) << 12 |
		       (uint32_t)(form == F_UNSCALED ? 0 : form == F_POST ? 1 :
				  form == F_UNPRIV ? 2 : 3) << 10;
	default:
		return w | 0x38200800 | 3u << 16 | option[form] << 13 | (uint32_t)s << 12;
	}
}

/* x3 for the register forms and the offset it gives (before the shift). */
static int64_t sweep_index(unsigned form, uint64_t *x3)
{
	switch (form) {
	case F_REG_UXTW: *x3 = 0xabcdef0100000010ull; return 16;
	case F_REG_SXTW: *x3 = 0x00000000fffffff0ull; return -16;
	default: *x3 = (uint64_t)-2; return -2;
	}
}

static uint64_t bytes_mask(unsigned bytes)
{
	return bytes == 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

static int64_t a64_test_sext(uint64_t v, unsigned bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static uint8_t sweep_byte(uint64_t addr)
{
	return (uint8_t)(addr * 37 + 11);
}

static void sweep_fill(struct mt *x)
{
	uint8_t b[0x400];

	for (unsigned i = 0; i < sizeof(b); i++)
		b[i] = sweep_byte(MT_DATA + i);
	assert_int_equal(sim_phys_write(x->t.m, MT_DATA, b, sizeof(b)), 0);
}

static uint64_t sweep_load(uint64_t addr, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)sweep_byte(addr + i) << (8 * i);
	return v;
}

static void sweep_one(struct mt *x, unsigned form, unsigned size, unsigned opc, bool sp,
		      bool s)
{
	unsigned bytes = 1u << size;
	bool load = opc != 0, sign = opc >= 2, to_w = opc == 3 || (opc == 1 && size < 3);
	uint32_t insn = enc_single(form, size, opc, sp ? 31 : 2, s);
	uint64_t base = sp ? SW_BASE_SP : SW_BASE_X, x3 = 0, addr, wb, want;
	int64_t off;

	switch (form) {
	case F_UIMM: off = 3 << size; break;
	case F_UNSCALED: off = -5; break;
	case F_UNPRIV: off = -3; break;
	case F_PRE: off = 9; break;
	case F_POST: off = 0; break;
	default: off = sweep_index(form, &x3) * (s ? (int64_t)bytes : 1); break;
	}
	addr = base + (uint64_t)off;
	wb = form == F_PRE ? addr : form == F_POST ? base + 7 : base;
	sweep_fill(x);
	x->c->x[1] = 0x0123456789abcdefull;
	x->c->x[2] = SW_BASE_X;
	x->c->x[3] = x3;
	x->c->sp = SW_BASE_SP;
	mt_exec(x, insn);
	mt_expect_done(x);
	if (load) {
		want = sweep_load(addr, bytes);
		if (sign)
			want = (uint64_t)a64_test_sext(want, 8 * bytes);
		if (to_w)
			want = (uint32_t)want;
		if (x->c->x[1] != want)
			fail_msg("%08x: x1 %#llx, want %#llx", insn,
				 (unsigned long long)x->c->x[1], (unsigned long long)want);
	} else {
		uint64_t mask = bytes_mask(bytes);

		want = (sweep_load(addr, 8) & ~mask) | (0x0123456789abcdefull & mask);
		if (t_r64(x->t.m, addr) != want ||
		    t_r64(x->t.m, addr - 8) != sweep_load(addr - 8, 8))
			fail_msg("%08x: stored %#llx, want %#llx", insn,
				 (unsigned long long)t_r64(x->t.m, addr), (unsigned long long)want);
	}
	assert_int_equal(sp ? x->c->sp : x->c->x[2], wb);
	assert_int_equal(sp ? x->c->x[2] : x->c->sp, sp ? SW_BASE_X : SW_BASE_SP);
	assert_int_equal(x->c->x[3], x3);
}

static void test_sweep_single(void **state)
{
	/* valid size:opc pairs of the integer register forms (PRFM excluded) */
	static const uint8_t valid[4] = { 0xf, 0xf, 0x7, 0x3 };
	unsigned runs = 0;
	struct mt x;

	/*
	 * The encoder agrees with the assembler: ldr x1, [x2, #24]; ldursb w1, [sp, #-5];
	 * strh w1, [x2], #7; ldtrsw x1, [x2, #-3]; ldrsb x1, [sp, #9]!;
	 * ldrsh x1, [x2, w3, sxtw #1]; str w1, [sp, x3].
	 */
	assert_int_equal(enc_single(F_UIMM, 3, 1, 2, 0), 0xf9400c41);
	assert_int_equal(enc_single(F_UNSCALED, 0, 3, 31, 0), 0x38dfb3e1);
	assert_int_equal(enc_single(F_POST, 1, 0, 2, 0), 0x78007441);
	assert_int_equal(enc_single(F_UNPRIV, 2, 2, 2, 0), 0xb89fd841);
	assert_int_equal(enc_single(F_PRE, 0, 2, 31, 0), 0x38809fe1);
	assert_int_equal(enc_single(F_REG_SXTW, 1, 2, 2, 1), 0x78a3d841);
	assert_int_equal(enc_single(F_REG_LSL, 2, 0, 31, 0), 0xb8236be1);

	mt_init(&x);
	for (unsigned i = 0; i < F_NR * 16 * 2 * 2; i++) {
		unsigned form = i / 64, size = (i / 16) % 4, opc = (i / 4) % 4;
		bool sp = (i / 2) % 2, shifted = i % 2;

		if (!(valid[size] >> opc & 1) || (shifted && form < F_REG_UXTW))
			continue;
		sweep_one(&x, form, size, opc, sp, shifted);
		runs++;
	}
	assert_int_equal(runs, 9 * 13 * 2 + 4 * 13 * 2);
	mt_fini(&x);
}

static uint32_t enc_pair(unsigned opc, unsigned idx, bool load, unsigned rn)
{
	return opc << 30 | 0x28000000 | idx << 23 | (uint32_t)load << 22 | (0x7eu << 15) |
	       4u << 10 | rn << 5 | 1;			/* imm7 = -2, Rt2 = x4, Rt = x1 */
}

/* One pair instruction: imm7 = -2 elements; idx 00 no-allocate, 01 post, 10 offset, 11 pre. */
static void sweep_pair(struct mt *x, unsigned opc, bool load, unsigned idx, bool sp)
{
	unsigned bytes = opc == 2 ? 8 : 4;
	uint64_t base = sp ? SW_BASE_SP : SW_BASE_X, mask = bytes_mask(bytes);
	uint64_t addr = idx == 1 ? base : base - 2 * bytes;
	uint64_t wb = idx == 1 ? base - 2 * bytes : idx == 3 ? addr : base;
	uint32_t insn = enc_pair(opc, idx, load, sp ? 31 : 2);

	if (opc == 1 && idx == 0)
		return;				/* no LDNP form of LDPSW */
	sweep_fill(x);
	x->c->x[1] = 0x0123456789abcdefull;
	x->c->x[4] = 0xfedcba9876543210ull;
	x->c->x[2] = SW_BASE_X;
	x->c->sp = SW_BASE_SP;
	mt_exec(x, insn);
	mt_expect_done(x);
	if (load) {
		uint64_t a = sweep_load(addr, bytes), b = sweep_load(addr + bytes, bytes);

		if (opc == 1) {
			a = (uint64_t)a64_test_sext(a, 32);
			b = (uint64_t)a64_test_sext(b, 32);
		}
		if (x->c->x[1] != a || x->c->x[4] != b)
			fail_msg("%08x: %#llx %#llx", insn, (unsigned long long)x->c->x[1],
				 (unsigned long long)x->c->x[4]);
	} else {
		assert_int_equal(t_r64(x->t.m, addr) & mask, 0x0123456789abcdefull & mask);
		assert_int_equal(t_r64(x->t.m, addr + bytes) & mask, 0xfedcba9876543210ull & mask);
	}
	assert_int_equal(sp ? x->c->sp : x->c->x[2], wb);
}

static void test_sweep_pairs(void **state)
{
	static const struct { unsigned opc; bool load; } kinds[] = {
		{ 0, false }, { 0, true }, { 1, true }, { 2, false }, { 2, true },
	};
	struct mt x;

	assert_int_equal(enc_pair(2, 2, true, 2), 0xa97f1041);	/* ldp x1, x4, [x2, #-16] */
	assert_int_equal(enc_pair(1, 1, true, 31), 0x68ff13e1);	/* ldpsw x1, x4, [sp], #-8 */
	assert_int_equal(enc_pair(0, 0, false, 2), 0x283f1041);	/* stnp w1, w4, [x2, #-8] */

	mt_init(&x);
	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]) * 8; i++)
		sweep_pair(&x, kinds[i / 8].opc, kinds[i / 8].load, (i / 2) % 4, i % 2);
	mt_fini(&x);
}

/* PRFM and PRFUM never fault and change nothing, even for an unmapped address. */
static void test_prfm(void **state)
{
	static const uint32_t words[] = {
		0xf9800040,	/* prfm pldl1keep, [x2] */
		0xf8a36853,	/* prfm pstl2strm, [x2, x3] */
		0xf89ff044,	/* prfum pldl3keep, [x2, #-1] */
	};
	struct mt x;

	mt_init(&x);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		for (unsigned r = 0; r < 31; r++)
			x.c->x[r] = 0x0101010101010101ull * r;
		x.c->x[2] = 0x7f00000000ull;
		mt_exec(&x, words[i]);
		mt_expect_done(&x);
		for (unsigned r = 0; r < 31; r++)
			assert_int_equal(x.c->x[r], r == 2 ? 0x7f00000000ull :
					 0x0101010101010101ull * r);
	}
	mt_fini(&x);
}

static void test_ldst_undef(void **state)
{
	static const uint32_t words[] = {
		0xf8200441,	/* LDRAA (PAuth) */
		0x69000c41,	/* STGP (MTE) */
		0x68400c41,	/* LDNP with opc = 01 */
		0xe9400c41,	/* pair opc = 11 */
		0xf8800c41,	/* size 11, opc 10, pre-index (no PRFM form) */
		0xf8800841,	/* size 11, opc 10, unprivileged */
		0xb8c00c41,	/* size 10, opc 11, pre-index */
		0xb9c00041,	/* size 10, opc 11, unsigned offset */
		0xf9c00041,	/* size 11, opc 11, unsigned offset */
		0xf8630841,	/* register offset with option = 000 */
		0xf8632841,	/* register offset with option = 001 */
		0xf83fd040,	/* LD64B */
		0xd9200841,	/* STG (MTE) */
		0x19010440,	/* CPYFP (MOPS) */
		0x19400441,	/* LDAPUR form with bits 11:10 != 00 */
		0xd9c00041,	/* LDAPURS size 11 (unallocated) */
		0x08a30841,	/* CASB with Rt2 != 11111 */
		0x48257c46,	/* CASP with an odd Rs */
		0x48247c47,	/* CASP with an odd Rt */
		0x48240846,	/* CASP with Rt2 != 11111 */
		0xf8bec041,	/* LDAPR with Rs != 11111 */
		0xf8ffc041,	/* LDAPR with R = 1 */
		0xf8231041 | 1u << 15 | 1u << 12,	/* o3 = 1, opc = 001 */
		0x09000000,	/* bits 29:28 = 00 with op2 = 1x, V = 0 */
		0x91000c20,	/* not a load/store (ADD immediate) */
	};

	a64_expect_undef_ldst(words, sizeof(words) / sizeof(words[0]));
}

/* V = 1 encodings are sim_decode_ldst_simd()'s: the same answer and handler. */
static void test_simd_routing(void **state)
{
	static const uint32_t words[] = {
		0x3dc00020,	/* ldr q0, [x1] */
		0x4c407020,	/* ld1 {v0.16b}, [x1] */
		0xfd400420,	/* ldr d0, [x1, #8] */
		0x3cc00c20,	/* ldr q0, [x1, #0]! */
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		struct sim_insn a, b;
		bool ra, rb;

		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		ra = sim_decode_ldst(words[i], &a);
		rb = sim_decode_ldst_simd(words[i], &b);
		assert_int_equal(ra, rb);
		assert_true(ra);
		assert_ptr_equal(a.fn, b.fn);
	}
}

static void test_decode_pure_random(void **state)
{
	uint64_t s = 0x6a09e667f3bcc909ull;
	unsigned accepted = 0;

	for (unsigned i = 0; i < 200000; i++) {
		struct sim_insn a, b;
		uint32_t w;
		bool ra, rb;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		w = (uint32_t)s;
		if (i & 1)	/* loads and stores with V = 0 */
			w = (w & ~0x0e000000u & ~(1u << 26)) | 0x08000000u;
		memset(&a, 0xa5, sizeof(a));
		memset(&b, 0x5a, sizeof(b));
		ra = sim_decode_ldst(w, &a);
		rb = sim_decode_ldst(w, &b);
		assert_int_equal(ra, rb);
		if (ra) {
			assert_memory_equal(&a, &b, sizeof(a));
			assert_non_null(a.fn);
			accepted++;
		}
	}
	assert_true(accepted > 20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_kinds),
		cmocka_unit_test(test_store_kinds),
		cmocka_unit_test(test_addressing_modes),
		cmocka_unit_test(test_store_writeback),
		cmocka_unit_test(test_sp_base),
		cmocka_unit_test(test_unprivileged),
		cmocka_unit_test(test_mmio_syndrome),
		cmocka_unit_test(test_device_handler),
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_pair_stores),
		cmocka_unit_test(test_sweep_single),
		cmocka_unit_test(test_sweep_pairs),
		cmocka_unit_test(test_prfm),
		cmocka_unit_test(test_ldst_undef),
		cmocka_unit_test(test_simd_routing),
		cmocka_unit_test(test_decode_pure_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
