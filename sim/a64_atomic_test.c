// SPDX-License-Identifier: MIT
/*
 * Unit tests of sim/a64_atomic.c on a real machine (a64_mem_test.h): the exclusive
 * monitor (success, no reservation, other address, another CPU's store, a value changed
 * behind its back, every size, pairs, alignment, read-only pages, devices), LDAR/STLR/
 * LDAPR/LDLAR/STLLR/LDAPUR/STLUR, every LSE memory operation with signed and unsigned
 * edge values, CAS and CASP success and failure. Encodings from aarch64-linux-gnu-as.
 */
#include "sim/a64_common.h"
#include "sim/a64_mem_test.h"

#define JUNK 0xdeadbeefdeadbeefull

/* LDXR x1, [x2]; STXR w4, x3, [x2] around an optional disturbance. */
static void test_exclusive_basic(void **state)
{
	struct mt x;

	mt_init(&x);
	t_w64(x.t.m, MT_DATA, 0x1234);
	x.c->x[2] = MT_DATA;
	x.c->x[3] = 0x5678;
	mt_exec(&x, 0xc85f7c41);				/* ldxr x1, [x2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 0x1234);
	assert_true(x.c->excl_valid);
	assert_int_equal(x.c->excl_addr, MT_DATA);
	mt_exec(&x, 0xc8047c43);				/* stxr w4, x3, [x2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[4], 0);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x5678);
	assert_false(x.c->excl_valid);

	/* The reservation is gone: the same STXR fails and stores nothing. */
	x.c->x[3] = 0x9999;
	mt_exec(&x, 0xc8047c43);
	mt_expect_done(&x);
	assert_int_equal(x.c->x[4], 1);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x5678);

	/* Another address fails without touching either location, even when it holds
	 * the value the LDXR read. */
	t_w64(x.t.m, MT_DATA + 8, 0x5678);
	mt_exec(&x, 0xc85f7c41);
	x.c->x[2] = MT_DATA + 8;
	mt_exec(&x, 0xc8047c43);
	mt_expect_done(&x);
	assert_int_equal(x.c->x[4], 1);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 8), 0x5678);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x5678);
	assert_false(x.c->excl_valid);

	/* No reservation and an address that would fault: fails quietly (as QEMU). */
	x.c->x[2] = 0x7f00000001ull;
	mt_exec(&x, 0xc8047c43);
	mt_expect_done(&x);
	assert_int_equal(x.c->x[4], 1);

	/* Memory changed behind the monitor's back (same CPU, no store through the sim). */
	x.c->x[2] = MT_DATA;
	mt_exec(&x, 0xc85f7c41);
	t_w64(x.t.m, MT_DATA, 0xabab);
	mt_exec(&x, 0xc8047c43);
	mt_expect_done(&x);
	assert_int_equal(x.c->x[4], 1);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0xabab);

	/* Status register WZR: the store happens, XZR stays zero. */
	mt_exec(&x, 0xc85f7c41);
	mt_exec(&x, 0xc81f7c43);				/* stxr wzr, x3, [x2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[31], 0);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x9999);
	mt_fini(&x);
}

/* A store by another CPU to the reservation granule makes STXR fail. */
static void test_exclusive_other_cpu(void **state)
{
	struct mt x;
	struct sim_cpu *c1;

	mt_init(&x);
	assert_int_equal(sim_cpu_create(x.t.p, 1, &c1), 0);
	sim_cpu_power_on(c1, MT_CODE, 0);
	mt_mmu_on(&x, c1);
	x.c->x[2] = MT_DATA;
	x.c->x[3] = 0x5678;
	mt_exec(&x, 0xc85f7c41);				/* cpu0: ldxr x1, [x2] */
	c1->x[1] = 0;						/* same value as memory */
	c1->x[2] = MT_DATA + 56;				/* same 64-byte granule */
	mt_exec_on(c1, 0xf9000041);				/* cpu1: str x1, [x2] */
	assert_int_equal(c1->pc, MT_CODE + 4);
	assert_false(x.c->excl_valid);
	mt_exec(&x, 0xc8047c43);				/* cpu0: stxr w4, x3, [x2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[4], 1);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0);

	/* cpu1's successful STXR clears cpu0's reservation too. */
	mt_exec(&x, 0xc85f7c41);
	c1->x[2] = MT_DATA + 8;
	c1->x[3] = 7;
	mt_exec_on(c1, 0xc85f7c41);
	mt_exec_on(c1, 0xc8047c43);
	assert_int_equal(c1->x[4], 0);
	assert_false(x.c->excl_valid);
	mt_fini(&x);
}

static void test_exclusive_sizes(void **state)
{
	static const struct {
		uint32_t ld, st;
		const char *text;
		uint64_t want_x1, want_mem;
	} k[] = {
		{ 0x085f7c41, 0x08047c43, "ldxrb/stxrb", 0x88, 0xffeeddccbbaa99efull },
		{ 0x485f7c41, 0x48047c43, "ldxrh/stxrh", 0x9988, 0xffeeddccbbaacdefull },
		{ 0x885f7c41, 0x88047c43, "ldxr/stxr w", 0xbbaa9988, 0xffeeddcc89abcdefull },
		{ 0xc85ffc41, 0xc804fc43, "ldaxr/stlxr x", 0xffeeddccbbaa9988ull,
		  0x0123456789abcdefull },
	};
	struct mt x;

	mt_init(&x);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		t_w64(x.t.m, MT_DATA, 0xffeeddccbbaa9988ull);
		x.c->x[1] = JUNK;
		x.c->x[2] = MT_DATA;
		x.c->x[3] = 0x0123456789abcdefull;
		mt_exec(&x, k[i].ld);
		mt_expect_done(&x);
		mt_exec(&x, k[i].st);
		mt_expect_done(&x);
		if (x.c->x[1] != k[i].want_x1 || x.c->x[4] != 0 ||
		    t_r64(x.t.m, MT_DATA) != k[i].want_mem)
			fail_msg("%s: x1 %#llx status %llu mem %#llx", k[i].text,
				 (unsigned long long)x.c->x[1], (unsigned long long)x.c->x[4],
				 (unsigned long long)t_r64(x.t.m, MT_DATA));
	}
	mt_fini(&x);
}

static void test_exclusive_pairs(void **state)
{
	struct mt x;

	mt_init(&x);
	t_w64(x.t.m, MT_DATA, 0x1111111122222222ull);
	t_w64(x.t.m, MT_DATA + 8, 0x3333333344444444ull);
	x.c->x[2] = MT_DATA;
	x.c->x[3] = 0xaaaa;
	x.c->x[6] = 0xbbbb;
	mt_exec(&x, 0xc87f1441);				/* ldxp x1, x5, [x2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 0x1111111122222222ull);
	assert_int_equal(x.c->x[5], 0x3333333344444444ull);
	mt_exec(&x, 0xc8241843);				/* stxp w4, x3, x6, [x2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[4], 0);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0xaaaa);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 8), 0xbbbb);

	/* the high half changed: the pair compare fails */
	mt_exec(&x, 0xc87f9441);				/* ldaxp x1, x5, [x2] */
	t_w64(x.t.m, MT_DATA + 8, 0xcccc);
	mt_exec(&x, 0xc8249843);				/* stlxp w4, x3, x6, [x2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[4], 1);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 8), 0xcccc);

	/* 32-bit pair: one 8-byte access */
	x.c->x[3] = 0xffffffff00000005ull;
	x.c->x[6] = 0x6;
	mt_exec(&x, 0x887f1441);				/* ldxp w1, w5, [x2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 0xaaaa);
	assert_int_equal(x.c->x[5], 0);
	mt_exec(&x, 0x88241843);				/* stxp w4, w3, w6, [x2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[4], 0);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x0000000600000005ull);

	/* LDXP X needs 16-byte alignment (the whole pair), LDXR its size. */
	x.c->x[2] = MT_DATA + 8;
	mt_exec(&x, 0xc87f1441);
	mt_expect_dabt(&x, MT_DATA + 8, MT_DFSC_ALIGN, false);
	x.c->x[2] = MT_DATA + 4;
	mt_exec(&x, 0xc85f7c41);				/* ldxr x1, [x2] */
	mt_expect_dabt(&x, MT_DATA + 4, MT_DFSC_ALIGN, false);
	mt_exec(&x, 0x885f7c41);				/* ldxr w1, [x2]: aligned */
	mt_expect_done(&x);

	/* SP base */
	x.c->sp = MT_DATA + 16;
	t_w64(x.t.m, MT_DATA + 16, 0x10);
	t_w64(x.t.m, MT_DATA + 24, 0x18);
	mt_exec(&x, 0xc87f17e1);				/* ldxp x1, x5, [sp] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 0x10);
	assert_int_equal(x.c->x[5], 0x18);
	mt_exec(&x, 0xc8241be3);				/* stxp w4, x3, x6, [sp] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[4], 0);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 16), x.c->x[3]);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 24), x.c->x[6]);
	mt_fini(&x);
}

static void test_exclusive_faults(void **state)
{
	struct mt x;
	struct mt_dev d;

	mt_init(&x);
	/* Read-only page: LDXR reads, STXR takes a write permission fault. */
	t_w64(x.t.m, MT_DATA, 0x42);
	x.c->x[2] = MT_RO(MT_DATA);
	x.c->x[4] = JUNK;
	mt_exec(&x, 0xc85f7c41);
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 0x42);
	mt_exec(&x, 0xc8047c43);
	mt_expect_dabt(&x, MT_RO(MT_DATA), 0x0d, true);
	assert_int_equal(x.c->x[4], JUNK);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x42);

	/* SP base with SCTLR_EL1.SA and a misaligned SP. */
	x.c->sysreg[SR_SCTLR_EL1] |= MT_SCTLR_SA;
	x.c->sp = MT_DATA + 8;
	mt_exec(&x, 0xc85f7fe1);				/* ldxr x1, [sp] */
	mt_expect_exception(&x, SIM_EC_SP_ALIGN);
	x.c->sp = MT_DATA;
	mt_exec(&x, 0xc85f7fe1);
	mt_expect_done(&x);
	mt_exec(&x, 0xc8047fe3);				/* stxr w4, x3, [sp] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[4], 0);

	/* A device: LDXR reads it, STXR cannot update it atomically: external abort. */
	mt_add_mmio(&x, &d);
	x.c->x[2] = MT_MMIO;
	mt_exec(&x, 0xc85f7c41);
	mt_expect_done(&x);
	assert_int_equal(d.reads, 1);
	mt_exec(&x, 0xc8047c43);
	mt_expect_dabt(&x, MT_MMIO, MT_DFSC_EXT, true);
	assert_int_equal(d.writes, 0);
	mt_fini(&x);
}

static void test_acquire_release(void **state)
{
	static const struct { uint32_t insn; const char *text; uint64_t x2, want; } loads[] = {
		{ 0xc8dffc41, "ldar x1, [x2]", MT_DATA, 0xffeeddccbbaa9988ull },
		{ 0x08dffc41, "ldarb w1, [x2]", MT_DATA, 0x88 },
		{ 0x48dffc41, "ldarh w1, [x2]", MT_DATA, 0x9988 },
		{ 0x88dffc41, "ldar w1, [x2]", MT_DATA, 0xbbaa9988 },
		{ 0xf8bfc041, "ldapr x1, [x2]", MT_DATA, 0xffeeddccbbaa9988ull },
		{ 0x38bfc041, "ldaprb w1, [x2]", MT_DATA + 1, 0x99 },
		{ 0x199ff041, "ldapursb x1, [x2, #-1]", MT_DATA + 1, 0xffffffffffffff88ull },
		{ 0x59c02041, "ldapursh w1, [x2, #2]", MT_DATA, 0xffffbbaa },
		{ 0x99804041, "ldapursw x1, [x2, #4]", MT_DATA, 0xffffffffffeeddccull },
		{ 0xd9408041, "ldapur x1, [x2, #8]", MT_DATA, 0x7766554433221100ull },
	};
	struct mt x;

	mt_init(&x);
	for (size_t i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
		t_w64(x.t.m, MT_DATA, 0xffeeddccbbaa9988ull);
		t_w64(x.t.m, MT_DATA + 8, 0x7766554433221100ull);
		x.c->x[1] = JUNK;
		x.c->x[2] = loads[i].x2;
		mt_exec(&x, loads[i].insn);
		mt_expect_done(&x);
		if (x.c->x[1] != loads[i].want)
			fail_msg("%s: %#llx", loads[i].text, (unsigned long long)x.c->x[1]);
	}

	x.c->x[2] = MT_DATA;
	x.c->x[3] = 0x0123456789abcdefull;
	t_w64(x.t.m, MT_DATA, 0);
	mt_exec(&x, 0x089ffc43);				/* stlrb w3, [x2] */
	mt_expect_done(&x);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0xef);
	mt_exec(&x, 0x489ffc43);				/* stlrh w3, [x2] */
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0xcdef);
	mt_exec(&x, 0x889ffc43);				/* stlr w3, [x2] */
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x89abcdef);
	mt_exec(&x, 0xc89ffc43);				/* stlr x3, [x2] */
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x0123456789abcdefull);
	x.c->x[2] = MT_DATA + 4;
	mt_exec(&x, 0x991fc043);				/* stlur w3, [x2, #-4] */
	mt_expect_done(&x);
	x.c->x[2] = MT_DATA;
	mt_exec(&x, 0x190ff043);				/* stlurb w3, [x2, #255] */
	mt_expect_done(&x);
	assert_int_equal(mt_r32(&x, MT_DATA + 252), 0xef000000);

	/* Alignment: required by every acquire/release form, not by a plain LDR. */
	x.c->x[2] = MT_DATA + 1;
	mt_exec(&x, 0xf9400041);				/* ldr x1, [x2] */
	mt_expect_done(&x);
	mt_exec(&x, 0xc8dffc41);				/* ldar x1, [x2] */
	mt_expect_dabt(&x, MT_DATA + 1, MT_DFSC_ALIGN, false);
	mt_exec(&x, 0xf8bfc041);				/* ldapr x1, [x2] */
	mt_expect_dabt(&x, MT_DATA + 1, MT_DFSC_ALIGN, false);
	mt_exec(&x, 0x889ffc43);				/* stlr w3, [x2] */
	mt_expect_dabt(&x, MT_DATA + 1, MT_DFSC_ALIGN, true);
	x.c->x[2] = MT_DATA + 4;
	mt_exec(&x, 0xd9408041);				/* ldapur x1, [x2, #8] */
	mt_expect_dabt(&x, MT_DATA + 12, MT_DFSC_ALIGN, false);
	mt_exec(&x, 0x08dffc41);				/* ldarb: any address */
	mt_expect_done(&x);

	/* SP base */
	x.c->sp = MT_DATA;
	mt_exec(&x, 0xc8dfffe1);				/* ldar x1, [sp] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 0x0123456789abcdefull);
	mt_fini(&x);
}

struct lse_case {
	uint32_t insn;
	const char *text;
	unsigned size;
	uint64_t mem, operand, want_mem, want_old;
};

/* Expected values worked out from the Arm ARM pseudocode (MemAtomic with each op). */
static const struct lse_case lse_cases[] = {
	{ 0x38230041, "ldaddb w3, w1, [x2]", 1, 0x11223344556677ffull, 0x2ull,
	  0x1122334455667701ull, 0xffull },
	{ 0x78230041, "ldaddh w3, w1, [x2]", 2, 0x112233445566ffffull, 0xabcd0001ull,
	  0x1122334455660000ull, 0xffffull },
	{ 0xb8230041, "ldadd w3, w1, [x2]", 4, 0x11223344ffffffffull, 0x1ull,
	  0x1122334400000000ull, 0xffffffffull },
	{ 0xf8230041, "ldadd x3, x1, [x2]", 8, 0xffffffffffffffffull, 0x2ull,
	  0x0000000000000001ull, 0xffffffffffffffffull },
	{ 0xf8e30041, "ldaddal x3, x1, [x2]", 8, 0x7fffffffffffffffull, 0x1ull,
	  0x8000000000000000ull, 0x7fffffffffffffffull },
	{ 0x38231041, "ldclrb w3, w1, [x2]", 1, 0x11223344556677ffull, 0xfull,
	  0x11223344556677f0ull, 0xffull },
	{ 0xf8a31041, "ldclra x3, x1, [x2]", 8, 0xffffffffffffffffull, 0x8000000000000001ull,
	  0x7ffffffffffffffeull, 0xffffffffffffffffull },
	{ 0x78232041, "ldeorh w3, w1, [x2]", 2, 0x112233445566f0f0ull, 0xffffull,
	  0x1122334455660f0full, 0xf0f0ull },
	{ 0xb8632041, "ldeorl w3, w1, [x2]", 4, 0x1122334455667788ull, 0xffffffff00000000ull,
	  0x1122334455667788ull, 0x55667788ull },
	{ 0xf8233041, "ldset x3, x1, [x2]", 8, 0x1000000000000001ull, 0x100000000000010ull,
	  0x1100000000000011ull, 0x1000000000000001ull },
	{ 0x38e33041, "ldsetalb w3, w1, [x2]", 1, 0x1122334455667700ull, 0x81ull,
	  0x1122334455667781ull, 0x0ull },
	{ 0x38234041, "ldsmaxb w3, w1, [x2]", 1, 0x112233445566777full, 0x80ull,
	  0x112233445566777full, 0x7full },
	{ 0x38234041, "ldsmaxb w3, w1, [x2]", 1, 0x1122334455667780ull, 0x7full,
	  0x112233445566777full, 0x80ull },
	{ 0x78234041, "ldsmaxh w3, w1, [x2]", 2, 0x112233445566fffeull, 0xffffull,
	  0x112233445566ffffull, 0xfffeull },
	{ 0xb8234041, "ldsmax w3, w1, [x2]", 4, 0x1122334480000000ull, 0x7fffffffull,
	  0x112233447fffffffull, 0x80000000ull },
	{ 0xf8234041, "ldsmax x3, x1, [x2]", 8, 0x8000000000000000ull, 0xffffffffffffffffull,
	  0xffffffffffffffffull, 0x8000000000000000ull },
	{ 0x38235041, "ldsminb w3, w1, [x2]", 1, 0x112233445566777full, 0x80ull,
	  0x1122334455667780ull, 0x7full },
	{ 0xf8235041, "ldsmin x3, x1, [x2]", 8, 0x0000000000000001ull, 0xffffffffffffffffull,
	  0xffffffffffffffffull, 0x1ull },
	{ 0x38236041, "ldumaxb w3, w1, [x2]", 1, 0x112233445566777full, 0x80ull,
	  0x1122334455667780ull, 0x7full },
	{ 0xf8236041, "ldumax x3, x1, [x2]", 8, 0x8000000000000000ull, 0x7fffffffffffffffull,
	  0x8000000000000000ull, 0x8000000000000000ull },
	{ 0x78237041, "lduminh w3, w1, [x2]", 2, 0x1122334455660001ull, 0xffff8000ull,
	  0x1122334455660001ull, 0x1ull },
	{ 0xb8237041, "ldumin w3, w1, [x2]", 4, 0x1122334480000000ull, 0x7fffffffull,
	  0x112233447fffffffull, 0x80000000ull },
	{ 0x38238041, "swpb w3, w1, [x2]", 1, 0x11223344556677ffull, 0x12345678ull,
	  0x1122334455667778ull, 0xffull },
	{ 0x78238041, "swph w3, w1, [x2]", 2, 0x112233445566ffffull, 0x12345678ull,
	  0x1122334455665678ull, 0xffffull },
	{ 0xb8238041, "swp w3, w1, [x2]", 4, 0x11223344ffffffffull, 0x12345678ull,
	  0x1122334412345678ull, 0xffffffffull },
	{ 0xf8e38041, "swpal x3, x1, [x2]", 8, 0x1122334455667788ull, 0xfedcba9876543210ull,
	  0xfedcba9876543210ull, 0x1122334455667788ull },
};

static void test_lse_ops(void **state)
{
	struct mt x;

	mt_init(&x);
	for (size_t i = 0; i < sizeof(lse_cases) / sizeof(lse_cases[0]); i++) {
		const struct lse_case *k = &lse_cases[i];

		t_w64(x.t.m, MT_DATA, k->mem);
		x.c->x[1] = JUNK;
		x.c->x[2] = MT_DATA;
		x.c->x[3] = k->operand;
		mt_exec(&x, k->insn);
		mt_expect_done(&x);
		if (t_r64(x.t.m, MT_DATA) != k->want_mem || x.c->x[1] != k->want_old)
			fail_msg("%s: mem %#llx old %#llx", k->text,
				 (unsigned long long)t_r64(x.t.m, MT_DATA),
				 (unsigned long long)x.c->x[1]);
		assert_int_equal(x.c->x[3], k->operand);
	}

	/* ST<op> aliases (Rt = XZR) update memory only. */
	t_w64(x.t.m, MT_DATA, 5);
	x.c->x[3] = 7;
	mt_exec(&x, 0xb823005f);				/* stadd w3, [x2] */
	mt_expect_done(&x);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 12);
	assert_int_equal(x.c->x[31], 0);
	x.c->x[3] = (uint64_t)-1;
	mt_exec(&x, 0xf823405f);				/* stsmax x3, [x2] */
	assert_int_equal(t_r64(x.t.m, MT_DATA), 12);

	/* alignment, permissions, SP base */
	x.c->x[2] = MT_DATA + 2;
	mt_exec(&x, 0xb8230041);				/* ldadd w3, w1, [x2] */
	mt_expect_dabt(&x, MT_DATA + 2, MT_DFSC_ALIGN, true);
	x.c->x[2] = MT_RO(MT_DATA);
	mt_exec(&x, 0xf8230041);				/* ldadd x3, x1, [x2] */
	mt_expect_dabt(&x, MT_RO(MT_DATA), 0x0d, true);
	x.c->sp = MT_DATA;
	x.c->x[3] = 1;
	mt_exec(&x, 0xf82303e1);				/* ldadd x3, x1, [sp] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[1], 12);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 13);
	mt_fini(&x);
}

static void test_cas(void **state)
{
	static const struct {
		uint32_t insn;
		const char *text;
		uint64_t mem, x3, x1, want_mem, want_x3;
	} k[] = {
		{ 0xc8a37c41, "cas x3, x1, [x2] (equal)", 5, 5, 9, 9, 5 },
		{ 0xc8a37c41, "cas x3, x1, [x2] (differ)", 6, 5, 9, 6, 6 },
		{ 0x08a37c41, "casb w3, w1, [x2] (low byte equal)", 0x1122334455667788ull,
		  0xffffff88ull, 0x1ff, 0x11223344556677ffull, 0x88 },
		{ 0x48a37c41, "cash w3, w1, [x2] (differ)", 0x1122334455667788ull, 0x7789, 0,
		  0x1122334455667788ull, 0x7788 },
		{ 0x88a37c41, "cas w3, w1, [x2] (equal)", 0x1122334455667788ull,
		  0xabcdef0055667788ull, 0xffffffffffffffffull, 0x11223344ffffffffull,
		  0x55667788 },
		{ 0xc8e37c41, "casa x3, x1, [x2]", 1, 1, 2, 2, 1 },
		{ 0xc8a3fc41, "casl x3, x1, [x2]", 1, 3, 2, 1, 1 },
		{ 0x88e3fc41, "casal w3, w1, [x2]", 0xffffffff00000000ull, 0, 7,
		  0xffffffff00000007ull, 0 },
	};
	struct mt x;

	mt_init(&x);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		t_w64(x.t.m, MT_DATA, k[i].mem);
		x.c->x[1] = k[i].x1;
		x.c->x[2] = MT_DATA;
		x.c->x[3] = k[i].x3;
		mt_exec(&x, k[i].insn);
		mt_expect_done(&x);
		if (t_r64(x.t.m, MT_DATA) != k[i].want_mem || x.c->x[3] != k[i].want_x3)
			fail_msg("%s: mem %#llx x3 %#llx", k[i].text,
				 (unsigned long long)t_r64(x.t.m, MT_DATA),
				 (unsigned long long)x.c->x[3]);
		assert_int_equal(x.c->x[1], k[i].x1);
	}
	/* A failing CAS still needs write permission (QEMU and the architecture agree). */
	x.c->x[2] = MT_RO(MT_DATA);
	x.c->x[3] = JUNK;
	mt_exec(&x, 0xc8a37c41);
	mt_expect_dabt(&x, MT_RO(MT_DATA), 0x0d, true);
	assert_int_equal(x.c->x[3], JUNK);
	mt_fini(&x);
}

static void test_casp(void **state)
{
	struct mt x;

	mt_init(&x);
	t_w64(x.t.m, MT_DATA, 0x1111);
	t_w64(x.t.m, MT_DATA + 8, 0x2222);
	x.c->x[2] = MT_DATA;
	x.c->x[4] = 0x1111;
	x.c->x[5] = 0x2222;
	x.c->x[6] = 0x6666;
	x.c->x[7] = 0x7777;
	mt_exec(&x, 0x48247c46);				/* casp x4, x5, x6, x7, [x2] */
	mt_expect_done(&x);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x6666);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 8), 0x7777);
	assert_int_equal(x.c->x[4], 0x1111);
	assert_int_equal(x.c->x[5], 0x2222);

	/* mismatch in the high half: no store, Rs pair gets memory */
	x.c->x[4] = 0x6666;
	x.c->x[5] = 0x7778;
	mt_exec(&x, 0x4864fc46);				/* caspal x4, x5, x6, x7, [x2] */
	mt_expect_done(&x);
	assert_int_equal(x.c->x[4], 0x6666);
	assert_int_equal(x.c->x[5], 0x7777);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 8), 0x7777);

	/* 32-bit pair: one 8-byte compare-and-swap */
	t_w64(x.t.m, MT_DATA, 0x0000000200000001ull);
	x.c->x[4] = 0xffffffff00000001ull;
	x.c->x[5] = 2;
	x.c->x[6] = 0xa;
	x.c->x[7] = 0xb;
	mt_exec(&x, 0x08247c46);				/* casp w4, w5, w6, w7, [x2] */
	mt_expect_done(&x);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x0000000b0000000aull);
	assert_int_equal(x.c->x[4], 1);
	assert_int_equal(x.c->x[5], 2);

	/* Rs = x30: the pair is (x30, xzr) */
	t_w64(x.t.m, MT_DATA, 0x30);
	t_w64(x.t.m, MT_DATA + 8, 0);
	x.c->x[30] = 0x30;
	mt_exec(&x, 0x483e7c46);				/* casp x30, xzr, x6, x7, [x2] */
	mt_expect_done(&x);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0xa);
	assert_int_equal(x.c->x[31], 0);

	/* CASP X needs 16-byte alignment */
	x.c->x[2] = MT_DATA + 8;
	mt_exec(&x, 0x48247c46);
	mt_expect_dabt(&x, MT_DATA + 8, MT_DFSC_ALIGN, true);

	/* SP base: memory holds (0xa, 0xb) from above */
	x.c->sp = MT_DATA;
	x.c->x[4] = 0xa;
	x.c->x[5] = 0xb;
	x.c->x[6] = 0x66;
	x.c->x[7] = 0x77;
	mt_exec(&x, 0x48247fe6);				/* casp x4, x5, x6, x7, [sp] */
	mt_expect_done(&x);
	assert_int_equal(t_r64(x.t.m, MT_DATA), 0x66);
	assert_int_equal(t_r64(x.t.m, MT_DATA + 8), 0x77);
	mt_fini(&x);
}

/*
 * ---- sweeps: every size x ordering x base register of the LSE operations, CAS, the
 * exclusives and LDAR/STLR, words built from the field layout (checked against the
 * assembler) and results from a reference model of the Arm ARM pseudocode.
 */
#define SW_X	(MT_DATA + 0x100)
#define SW_SP	(MT_DATA + 0x200)

static uint64_t size_mask(unsigned size)
{
	return size == 3 ? ~0ull : (1ull << (8u << size)) - 1;
}

static int64_t sext_size(uint64_t v, unsigned size)
{
	unsigned sh = 64 - (8u << size);

	return (int64_t)(v << sh) >> sh;
}

/* o3:opc 0..7 = ADD CLR EOR SET SMAX SMIN UMAX UMIN, 8 = SWP */
static uint64_t lse_model(unsigned op, unsigned size, uint64_t m, uint64_t v)
{
	uint64_t mask = size_mask(size);

	m &= mask;
	v &= mask;
	switch (op) {
	case 0: return (m + v) & mask;
	case 1: return m & ~v;
	case 2: return m ^ v;
	case 3: return m | v;
	case 4: return sext_size(m, size) > sext_size(v, size) ? m : v;
	case 5: return sext_size(m, size) < sext_size(v, size) ? m : v;
	case 6: return m > v ? m : v;
	case 7: return m < v ? m : v;
	default: return v;
	}
}

static uint32_t enc_lse(unsigned op, unsigned size, unsigned ar, bool sp)
{
	uint32_t o3opc = op == 8 ? 0x8 : op;

	return size << 30 | 0x38200000 | ar << 22 | 3u << 16 | o3opc << 12 |
	       (sp ? 31u : 2u) << 5 | 1;			/* Rs = x3, Rt = x1 */
}

static void test_sweep_lse(void **state)
{
	static const uint64_t mem = 0x8070605040302010ull, operand = 0x7f8fa0b0c0d0e0f0ull;
	struct mt x;

	assert_int_equal(enc_lse(0, 2, 3, true), 0xb8e303e1);	/* ldaddal w3, w1, [sp] */
	assert_int_equal(enc_lse(4, 3, 2, false), 0xf8a34041);	/* ldsmaxa x3, x1, [x2] */
	assert_int_equal(enc_lse(8, 0, 1, false), 0x38638041);	/* swplb w3, w1, [x2] */
	mt_init(&x);
	for (unsigned i = 0; i < 9 * 4 * 4 * 2; i++) {
		unsigned op = i / 32, size = (i / 8) % 4, ar = (i / 2) % 4;
		bool sp = i % 2;
		uint64_t addr = sp ? SW_SP : SW_X, want;
		uint32_t insn = enc_lse(op, size, ar, sp);

		/* a second operand pattern for the signed/unsigned orderings */
		uint64_t m = (i & 4) ? mem : ~mem;

		t_w64(x.t.m, addr, m);
		x.c->x[1] = JUNK;
		x.c->x[2] = SW_X;
		x.c->x[3] = operand;
		x.c->sp = SW_SP;
		mt_exec(&x, insn);
		mt_expect_done(&x);
		want = (m & ~size_mask(size)) | lse_model(op, size, m, operand);
		if (t_r64(x.t.m, addr) != want || x.c->x[1] != (m & size_mask(size)))
			fail_msg("%08x: mem %#llx (want %#llx) old %#llx", insn,
				 (unsigned long long)t_r64(x.t.m, addr), (unsigned long long)want,
				 (unsigned long long)x.c->x[1]);
	}
	mt_fini(&x);
}

static void test_sweep_cas(void **state)
{
	struct mt x;

	mt_init(&x);
	for (unsigned i = 0; i < 4 * 4 * 2 * 2; i++) {
		unsigned size = i / 16, order = (i / 4) % 4;	/* L:o0 */
		bool sp = (i / 2) % 2, equal = i % 2;
		uint64_t addr = sp ? SW_SP : SW_X, mask = size_mask(size);
		uint64_t m = 0xa1b2c3d4e5f60718ull;
		uint32_t insn = size << 30 | 0x08a07c00 | (order >> 1) << 22 | 3u << 16 |
				(order & 1) << 15 | (sp ? 31u : 2u) << 5 | 1;

		if (i == 31)
			assert_int_equal(insn, 0x48e3ffe1);	/* casalh w3, w1, [sp] */
		t_w64(x.t.m, addr, m);
		x.c->x[1] = 0x1122334455667788ull;
		x.c->x[2] = SW_X;
		x.c->x[3] = equal ? (m & mask) | (0xffull << 56 & ~mask) : m ^ 1;
		x.c->sp = SW_SP;
		mt_exec(&x, insn);
		mt_expect_done(&x);
		assert_int_equal(x.c->x[3], m & mask);
		assert_int_equal(t_r64(x.t.m, addr),
				 equal ? (m & ~mask) | (0x1122334455667788ull & mask) : m);
	}
	mt_fini(&x);
}

static void test_sweep_exclusive_and_ordered(void **state)
{
	struct mt x;

	mt_init(&x);
	for (unsigned i = 0; i < 4 * 2 * 2; i++) {
		unsigned size = i / 4;
		bool ordered = (i / 2) % 2, sp = i % 2;
		unsigned rn = sp ? 31 : 2;
		uint64_t addr = sp ? SW_SP : SW_X, mask = size_mask(size);
		uint64_t m = 0x8877665544332211ull, v = 0x0123456789abcdefull;
		uint32_t ldxr = size << 30 | 0x085f7c00 | (uint32_t)ordered << 15 | rn << 5 | 1;
		uint32_t stxr = size << 30 | 0x08007c00 | 4u << 16 | (uint32_t)ordered << 15 |
				rn << 5 | 3;
		uint32_t ldar = size << 30 | 0x08dffc00 | (uint32_t)!ordered << 15 | rn << 5 | 1;
		uint32_t stlr = size << 30 | 0x089ffc00 | (uint32_t)!ordered << 15 | rn << 5 | 3;

		if (i == 7) {
			assert_int_equal(ldxr, 0x485fffe1);	/* ldaxrh w1, [sp] */
			assert_int_equal(stxr, 0x4804ffe3);	/* stlxrh w4, w3, [sp] */
		}
		x.c->x[2] = SW_X;
		x.c->sp = SW_SP;
		x.c->x[3] = v;
		t_w64(x.t.m, addr, m);
		mt_exec(&x, ldxr);
		mt_expect_done(&x);
		assert_int_equal(x.c->x[1], m & mask);
		mt_exec(&x, stxr);
		mt_expect_done(&x);
		assert_int_equal(x.c->x[4], 0);
		assert_int_equal(t_r64(x.t.m, addr), (m & ~mask) | (v & mask));

		/* LDAR/STLR (o0 is 1 in the base encoding either way) */
		t_w64(x.t.m, addr, m);
		mt_exec(&x, ldar);
		mt_expect_done(&x);
		assert_int_equal(x.c->x[1], m & mask);
		mt_exec(&x, stlr);
		mt_expect_done(&x);
		assert_int_equal(t_r64(x.t.m, addr), (m & ~mask) | (v & mask));
	}
	mt_fini(&x);
}

/* LDLAR/STLLR need FEAT_LOR, which ID_AA64MMFR1 does not advertise: UNDEFINED. */
static void test_lor_is_undefined(void **state)
{
	static const uint32_t lor[] = {
		0xc8df7c41,	/* ldlar x1, [x2] */
		0x08df7c41,	/* ldlarb w1, [x2] */
		0xc89f7c43,	/* stllr x3, [x2] */
		0x489f7c43,	/* stllrh w3, [x2] */
	};
	struct sim_insn insn;

	(void)state;
	for (size_t i = 0; i < sizeof(lor) / sizeof(lor[0]); i++)
		assert_false(sim_a64_decode_excl_ordered(lor[i], &insn));
	assert_true(sim_a64_decode_excl_ordered(0xc8dffc41, &insn));	/* ldar x1, [x2] */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exclusive_basic),
		cmocka_unit_test(test_exclusive_other_cpu),
		cmocka_unit_test(test_exclusive_sizes),
		cmocka_unit_test(test_exclusive_pairs),
		cmocka_unit_test(test_exclusive_faults),
		cmocka_unit_test(test_acquire_release),
		cmocka_unit_test(test_lse_ops),
		cmocka_unit_test(test_cas),
		cmocka_unit_test(test_casp),
		cmocka_unit_test(test_sweep_lse),
		cmocka_unit_test(test_sweep_cas),
		cmocka_unit_test(test_sweep_exclusive_and_ordered),
		cmocka_unit_test(test_lor_is_undefined),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
