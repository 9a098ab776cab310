// SPDX-License-Identifier: MIT
/*
 * A64 loads and stores of general-purpose registers (V = 0): single register with
 * unsigned, unscaled, pre- and post-indexed immediate, register offset, literal and
 * unprivileged (LDTR/STTR) forms; pairs (LDP/STP/LDPSW/LDNP/STNP); PRFM. Exclusives,
 * acquire/release and atomics are in a64_atomic.c. V = 1 goes to sim_decode_ldst_simd().
 * Arm ARM C4.1.88 "Loads and Stores".
 *
 * Handlers are instantiated per access kind (size, sign extension, register width),
 * addressing mode and base register (X or SP: the SP forms do the SP alignment check),
 * so a handler computes one address and makes one call to the inline fast path of
 * sim_mem_read()/sim_mem_write(). The memory flags (the ISS syndrome for single-register
 * forms without writeback, SIM_MEMF_UNPRIV for LDTR/STTR) are precomputed in pad.
 *
 * Ordering, so that a faulting access changes nothing: loads go to a temporary, then
 * Rt, then the base writeback; stores capture every field of `in` first (a store may
 * free the decoded page `in` lives on).
 *
 * CONSTRAINED UNPREDICTABLE choices, as QEMU makes them:
 *   - load with writeback and Rn == Rt (Rn != 31): the load, then the writeback; Rt
 *     ends up holding the written-back address;
 *   - store with writeback and Rn == Rt: the value stored is Rt before the writeback;
 *   - LDP with Rt == Rt2: Rt gets the first element (Rt2 is written first);
 *   - pairs are two accesses in address order: a fault on the second element of an STP
 *     may leave the first element written (the architecture allows it).
 */
#include "sim/a64_common.h"

/* ---- access kinds ------------------------------------------------------------------- */

enum {
	K_ST8, K_ST16, K_ST32, K_ST64,
	K_LDU8, K_LDU16, K_LDU32, K_LDU64,
	K_LDS8W, K_LDS8X, K_LDS16W, K_LDS16X, K_LDS32X,
	K_NR
};

static A64_ALWAYS_INLINE unsigned kind_size(unsigned k)
{
	static const uint8_t size[K_NR] = { 1, 2, 4, 8, 1, 2, 4, 8, 1, 1, 2, 2, 4 };

	return size[k];
}

static A64_ALWAYS_INLINE bool kind_is_load(unsigned k)
{
	return k >= K_LDU8;
}

/* The value a load of kind k writes to Rt, from the zero-extended memory value. */
static A64_ALWAYS_INLINE uint64_t kind_extend(unsigned k, uint64_t v)
{
	switch (k) {
	case K_LDS8W: return (uint32_t)(int32_t)(int8_t)v;
	case K_LDS8X: return (uint64_t)(int64_t)(int8_t)v;
	case K_LDS16W: return (uint32_t)(int32_t)(int16_t)v;
	case K_LDS16X: return (uint64_t)(int64_t)(int16_t)v;
	case K_LDS32X: return (uint64_t)(int64_t)(int32_t)v;
	default: return v;
	}
}

/* ISS syndrome bits of kind k for register rt: SSE for sign-extending loads, SF when
 * the register is an X register. */
static uint32_t kind_iss(unsigned k, unsigned rt)
{
	bool sse = k >= K_LDS8W;
	bool sf = k == K_ST64 || k == K_LDU64 || k == K_LDS8X || k == K_LDS16X || k == K_LDS32X;

	return SIM_MEMF_ISS(rt, sse, sf);
}

/* ---- single register: imm = offset, p0 = index shift, pad = memory flags ------------- */

enum { M_OFF, M_PRE, M_POST, M_UXTW, M_SXTW, M_LSL, M_NR };

static A64_ALWAYS_INLINE void ldst_body(struct sim_cpu *c, const struct sim_insn *in,
					unsigned k, unsigned mode, bool sp)
{
	unsigned size = kind_size(k), rt = in->rd, rn = in->rn;
	uint32_t flags = in->pad;
	uint64_t base, va, wb;

	if (sp) {
		if (!a64_sp_base_ok(c))
			return;
		base = c->sp;
	} else {
		base = c->x[rn];
	}
	switch (mode) {
	case M_OFF: case M_PRE: va = base + in->imm; break;
	case M_POST: va = base; break;
	case M_UXTW: va = base + ((uint64_t)(uint32_t)c->x[in->rm] << in->p0); break;
	case M_SXTW: va = base + ((uint64_t)(int64_t)(int32_t)c->x[in->rm] << in->p0); break;
	default: va = base + (c->x[in->rm] << in->p0); break;
	}
	wb = mode == M_POST ? base + in->imm : va;
	/* Acquire/release forms require alignment; once it holds, the fast path may go. */
	if (mode == M_OFF && unlikely(flags & SIM_MEMF_ALIGN) && !(va & (size - 1)))
		flags &= ~SIM_MEMF_ALIGN;
	if (kind_is_load(k)) {
		uint64_t v = 0;

		if (!sim_mem_read(c, va, size, &v, flags))
			return;
		sim_set_x(c, rt, kind_extend(k, v));
	} else {
		uint64_t v = c->x[rt];

		if (!sim_mem_write(c, va, size, &v, flags))
			return;
		/* `in` may be gone from here on. */
	}
	if (mode == M_PRE || mode == M_POST) {
		if (sp)
			c->sp = wb;
		else
			c->x[rn] = wb;
	}
	c->pc += 4;
}

#define LDST_FN(k, mode, sp)								\
	static void ldst_##k##_##mode##_##sp(struct sim_cpu *c, const struct sim_insn *in) \
	{										\
		ldst_body(c, in, k, mode, sp);						\
	}
#define LDST_MODES(k)									\
	LDST_FN(k, M_OFF, 0) LDST_FN(k, M_PRE, 0) LDST_FN(k, M_POST, 0)			\
	LDST_FN(k, M_UXTW, 0) LDST_FN(k, M_SXTW, 0) LDST_FN(k, M_LSL, 0)			\
	LDST_FN(k, M_OFF, 1) LDST_FN(k, M_PRE, 1) LDST_FN(k, M_POST, 1)			\
	LDST_FN(k, M_UXTW, 1) LDST_FN(k, M_SXTW, 1) LDST_FN(k, M_LSL, 1)
#define LDST_ROW(k)									\
	{ { ldst_##k##_M_OFF_0, ldst_##k##_M_OFF_1 },					\
	  { ldst_##k##_M_PRE_0, ldst_##k##_M_PRE_1 },					\
	  { ldst_##k##_M_POST_0, ldst_##k##_M_POST_1 },					\
	  { ldst_##k##_M_UXTW_0, ldst_##k##_M_UXTW_1 },					\
	  { ldst_##k##_M_SXTW_0, ldst_##k##_M_SXTW_1 },					\
	  { ldst_##k##_M_LSL_0, ldst_##k##_M_LSL_1 } }

LDST_MODES(K_ST8) LDST_MODES(K_ST16) LDST_MODES(K_ST32) LDST_MODES(K_ST64)
LDST_MODES(K_LDU8) LDST_MODES(K_LDU16) LDST_MODES(K_LDU32) LDST_MODES(K_LDU64)
LDST_MODES(K_LDS8W) LDST_MODES(K_LDS8X) LDST_MODES(K_LDS16W) LDST_MODES(K_LDS16X)
LDST_MODES(K_LDS32X)

static const sim_exec_fn ldst_fns[K_NR][M_NR][2] = {	/* [kind][mode][base is SP] */
	LDST_ROW(K_ST8), LDST_ROW(K_ST16), LDST_ROW(K_ST32), LDST_ROW(K_ST64),
	LDST_ROW(K_LDU8), LDST_ROW(K_LDU16), LDST_ROW(K_LDU32), LDST_ROW(K_LDU64),
	LDST_ROW(K_LDS8W), LDST_ROW(K_LDS8X), LDST_ROW(K_LDS16W), LDST_ROW(K_LDS16X),
	LDST_ROW(K_LDS32X),
};

/* ---- literal: imm = PC-relative offset, pad = memory flags ------------------------------ */

#define LDR_LIT_FN(name, k)								\
	static void name(struct sim_cpu *c, const struct sim_insn *in)			\
	{										\
		uint64_t v = 0;								\
		if (!sim_mem_read(c, c->pc + in->imm, kind_size(k), &v, in->pad))	\
			return;								\
		sim_set_x(c, in->rd, kind_extend(k, v));				\
		c->pc += 4;								\
	}
LDR_LIT_FN(ldr_lit_w, K_LDU32)
LDR_LIT_FN(ldr_lit_x, K_LDU64)
LDR_LIT_FN(ldrsw_lit, K_LDS32X)

/* ---- pairs: rd = Rt, ra = Rt2, imm = scaled offset ----------------------------------- */

enum { PK_LDW, PK_LDX, PK_LDSW, PK_STW, PK_STX, PK_NR };

static A64_ALWAYS_INLINE void pair_body(struct sim_cpu *c, const struct sim_insn *in,
					unsigned pk, unsigned mode, bool sp)
{
	unsigned size = pk == PK_LDX || pk == PK_STX ? 8 : 4;
	unsigned rt = in->rd, rt2 = in->ra, rn = in->rn;
	uint64_t base, va, wb, a = 0, b = 0;

	if (sp) {
		if (!a64_sp_base_ok(c))
			return;
		base = c->sp;
	} else {
		base = c->x[rn];
	}
	va = mode == M_POST ? base : base + in->imm;
	wb = mode == M_POST ? base + in->imm : va;
	if (pk <= PK_LDSW) {
		if (!sim_mem_read(c, va, size, &a, 0) || !sim_mem_read(c, va + size, size, &b, 0))
			return;
		if (pk == PK_LDSW) {
			a = (uint64_t)(int64_t)(int32_t)a;
			b = (uint64_t)(int64_t)(int32_t)b;
		}
		sim_set_x(c, rt2, b);
		sim_set_x(c, rt, a);
	} else {
		a = c->x[rt];
		b = c->x[rt2];
		if (!sim_mem_write(c, va, size, &a, 0) || !sim_mem_write(c, va + size, size, &b, 0))
			return;
		/* `in` may be gone from here on. */
	}
	if (mode != M_OFF) {
		if (sp)
			c->sp = wb;
		else
			c->x[rn] = wb;
	}
	c->pc += 4;
}

#define PAIR_FN(pk, mode, sp)								\
	static void pair_##pk##_##mode##_##sp(struct sim_cpu *c, const struct sim_insn *in) \
	{										\
		pair_body(c, in, pk, mode, sp);						\
	}
#define PAIR_MODES(pk)									\
	PAIR_FN(pk, M_OFF, 0) PAIR_FN(pk, M_PRE, 0) PAIR_FN(pk, M_POST, 0)		\
	PAIR_FN(pk, M_OFF, 1) PAIR_FN(pk, M_PRE, 1) PAIR_FN(pk, M_POST, 1)
#define PAIR_ROW(pk)									\
	{ { pair_##pk##_M_OFF_0, pair_##pk##_M_OFF_1 },					\
	  { pair_##pk##_M_PRE_0, pair_##pk##_M_PRE_1 },					\
	  { pair_##pk##_M_POST_0, pair_##pk##_M_POST_1 } }

PAIR_MODES(PK_LDW) PAIR_MODES(PK_LDX) PAIR_MODES(PK_LDSW) PAIR_MODES(PK_STW)
PAIR_MODES(PK_STX)

static const sim_exec_fn pair_fns[PK_NR][3][2] = {	/* [kind][OFF, PRE, POST][SP] */
	PAIR_ROW(PK_LDW), PAIR_ROW(PK_LDX), PAIR_ROW(PK_LDSW), PAIR_ROW(PK_STW),
	PAIR_ROW(PK_STX),
};

/* ---- decoders ------------------------------------------------------------------------ */

#define KIND_PRFM	(-2)
#define KIND_BAD	(-1)

/* Access kind of size:opc (load/store register forms); PRFM or unallocated < 0. */
static int reg_kind(unsigned size, unsigned opc)
{
	static const int8_t kinds[4][4] = {
		{ K_ST8, K_LDU8, K_LDS8X, K_LDS8W },
		{ K_ST16, K_LDU16, K_LDS16X, K_LDS16W },
		{ K_ST32, K_LDU32, K_LDS32X, KIND_BAD },
		{ K_ST64, K_LDU64, KIND_PRFM, KIND_BAD },
	};

	return kinds[size][opc];
}

static void fill_single(struct sim_insn *out, uint32_t insn, int kind, unsigned mode,
			uint64_t imm, uint32_t flags)
{
	unsigned rn = a64_bits(insn, 9, 5);

	a64_insn_init(out, insn, ldst_fns[kind][mode][rn == 31]);
	out->rd = (uint8_t)a64_bits(insn, 4, 0);
	out->rn = (uint8_t)rn;
	out->imm = imm;
	out->pad = flags;
}

/* PRFM/PRFUM: a hint that never faults; nothing to do. */
static bool decode_prfm(uint32_t insn, struct sim_insn *out)
{
	a64_insn_init(out, insn, sim_a64_nop);
	return true;
}

static bool decode_unsigned_imm(uint32_t insn, struct sim_insn *out)
{
	unsigned size = a64_bits(insn, 31, 30), rt = a64_bits(insn, 4, 0);
	int kind = reg_kind(size, a64_bits(insn, 23, 22));

	if (kind == KIND_PRFM)
		return decode_prfm(insn, out);
	if (kind == KIND_BAD)
		return false;
	fill_single(out, insn, kind, M_OFF, (uint64_t)a64_bits(insn, 21, 10) << size,
		    kind_iss((unsigned)kind, rt));
	return true;
}

/* imm9 forms: bits 11:10 = 00 unscaled, 01 post-index, 10 unprivileged, 11 pre-index. */
static bool decode_imm9(uint32_t insn, struct sim_insn *out)
{
	static const uint8_t modes[4] = { M_OFF, M_POST, M_OFF, M_PRE };
	unsigned form = a64_bits(insn, 11, 10), rt = a64_bits(insn, 4, 0);
	int kind = reg_kind(a64_bits(insn, 31, 30), a64_bits(insn, 23, 22));
	uint64_t imm = (uint64_t)a64_sext(a64_bits(insn, 20, 12), 9);
	uint32_t flags;

	if (kind == KIND_PRFM && form == 0)
		return decode_prfm(insn, out);		/* PRFUM */
	if (kind < 0)
		return false;
	switch (form) {
	case 0: flags = kind_iss((unsigned)kind, rt); break;
	case 2: flags = kind_iss((unsigned)kind, rt) | SIM_MEMF_UNPRIV; break;
	default: flags = 0; break;			/* writeback: no syndrome */
	}
	fill_single(out, insn, kind, modes[form], imm, flags);
	return true;
}

static bool decode_reg_offset(uint32_t insn, struct sim_insn *out)
{
	unsigned size = a64_bits(insn, 31, 30), option = a64_bits(insn, 15, 13);
	unsigned rt = a64_bits(insn, 4, 0), mode;
	int kind = reg_kind(size, a64_bits(insn, 23, 22));

	if (!(option & 2) || kind == KIND_BAD)
		return false;				/* option<1> == 0: sub-word index */
	if (kind == KIND_PRFM)
		return decode_prfm(insn, out);
	mode = option == 2 ? M_UXTW : option == 6 ? M_SXTW : M_LSL;	/* SXTX == LSL */
	fill_single(out, insn, kind, mode, 0, kind_iss((unsigned)kind, rt));
	out->rm = (uint8_t)a64_bits(insn, 20, 16);
	out->p0 = (uint8_t)(a64_bit(insn, 12) ? size : 0);
	return true;
}

static bool decode_literal(uint32_t insn, struct sim_insn *out)
{
	static const sim_exec_fn fns[3] = { ldr_lit_w, ldr_lit_x, ldrsw_lit };
	static const uint8_t kinds[3] = { K_LDU32, K_LDU64, K_LDS32X };
	unsigned opc = a64_bits(insn, 31, 30), rt = a64_bits(insn, 4, 0);

	if (opc == 3)
		return decode_prfm(insn, out);
	a64_insn_init(out, insn, fns[opc]);
	out->rd = (uint8_t)rt;
	out->imm = (uint64_t)a64_sext(a64_bits(insn, 23, 5), 19) * 4;
	out->pad = kind_iss(kinds[opc], rt);
	return true;
}

/*
 * LDAPUR/STLUR family (FEAT_LRCPC2): size 011001 opc 0 imm9 00 Rn Rt, the same kinds as
 * the unscaled forms, with acquire/release ordering and the alignment it requires.
 * Bit 21 = 1 is MTE and bits 11:10 != 00 is FEAT_MOPS: neither is implemented.
 */
static bool decode_rcpc_unscaled(uint32_t insn, struct sim_insn *out)
{
	unsigned rt = a64_bits(insn, 4, 0);
	int kind = reg_kind(a64_bits(insn, 31, 30), a64_bits(insn, 23, 22));

	if (a64_bit(insn, 21) || a64_bits(insn, 11, 10) || kind < 0)
		return false;
	fill_single(out, insn, kind, M_OFF, (uint64_t)a64_sext(a64_bits(insn, 20, 12), 9),
		    kind_iss((unsigned)kind, rt) | SIM_MEMF_ALIGN | SIM_MEMF_ACQREL);
	return true;
}

/*
 * Every acquire/release access, LDAPR included, must be naturally aligned (no FEAT_LSE2).
 * QEMU 7.2 does not check LDAPR's alignment; the sim follows the architecture.
 */
void sim_a64_fill_acqrel(uint32_t insn, struct sim_insn *out, unsigned size, bool load)
{
	unsigned kind = (load ? K_LDU8 : K_ST8) + size;

	fill_single(out, insn, (int)kind, M_OFF, 0,
		    kind_iss(kind, a64_bits(insn, 4, 0)) | SIM_MEMF_ALIGN | SIM_MEMF_ACQREL);
}

/* Pairs: opc 00 = 32-bit, 01 = LDPSW (loads only), 10 = 64-bit; bits 24:23 = 00
 * non-temporal offset, 01 post-index, 10 offset, 11 pre-index. */
static bool decode_pair(uint32_t insn, struct sim_insn *out)
{
	static const uint8_t modes[4] = { M_OFF, M_POST, M_OFF, M_PRE };
	unsigned opc = a64_bits(insn, 31, 30), idx = a64_bits(insn, 24, 23);
	unsigned rn = a64_bits(insn, 9, 5), pk, mode = modes[idx];
	bool load = a64_bit(insn, 22);

	if (opc == 3 || (opc == 1 && (!load || idx == 0)))
		return false;				/* STGP (MTE), LDNP of LDPSW */
	if (load)
		pk = opc == 0 ? PK_LDW : opc == 1 ? PK_LDSW : PK_LDX;
	else
		pk = opc == 0 ? PK_STW : PK_STX;
	a64_insn_init(out, insn, pair_fns[pk][mode == M_OFF ? 0 : mode == M_PRE ? 1 : 2]
				      [rn == 31]);
	out->rd = (uint8_t)a64_bits(insn, 4, 0);
	out->ra = (uint8_t)a64_bits(insn, 14, 10);
	out->rn = (uint8_t)rn;
	out->imm = (uint64_t)(a64_sext(a64_bits(insn, 21, 15), 7) * (opc == 2 ? 8 : 4));
	return true;
}

/* Bits 29:28 = 11: the load/store register forms and the atomic memory operations. */
static bool decode_register_forms(uint32_t insn, struct sim_insn *out)
{
	if (a64_bit(insn, 24))
		return decode_unsigned_imm(insn, out);
	if (!a64_bit(insn, 21))
		return decode_imm9(insn, out);
	switch (a64_bits(insn, 11, 10)) {
	case 0: return sim_a64_decode_atomic_memop(insn, out);
	case 2: return decode_reg_offset(insn, out);
	default: return false;				/* LDRAA/LDRAB: no PAuth */
	}
}

bool sim_decode_ldst(uint32_t insn, struct sim_insn *out)
{
	if ((insn & 0x0a000000u) != 0x08000000u)	/* op0 = x1x0: loads and stores */
		return false;
	if (a64_bit(insn, 26))
		return sim_decode_ldst_simd(insn, out);
	switch (a64_bits(insn, 29, 28)) {
	case 0:
		/* exclusive, ordered, compare-and-swap; op2 = 1x is SIMD-only */
		return !a64_bit(insn, 24) && sim_a64_decode_excl_ordered(insn, out);
	case 1:
		if (!a64_bit(insn, 24))
			return decode_literal(insn, out);
		return decode_rcpc_unscaled(insn, out);	/* or MTE, MOPS: refused */
	case 2:
		return decode_pair(insn, out);
	default:
		return decode_register_forms(insn, out);
	}
}
