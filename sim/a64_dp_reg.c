// SPDX-License-Identifier: MIT
/*
 * A64 data processing (register): logical and ADD/SUB (shifted register), ADD/SUB
 * (extended register), ADC/SBC, conditional compare and select, and 1-, 2- and 3-source
 * operations. Arm ARM C4.1.87 "Data Processing -- Register".
 *
 * Handler families are instantiated from one always-inline body per family, with the
 * operation, shift kind, width and "writes Rd" as compile-time constants, so each
 * handler is a straight line of ALU code. Decode picks the instance from tables.
 */
#include "sim/a64_common.h"

void sim_a64_nop(struct sim_cpu *c, const struct sim_insn *in)
{
	c->pc += 4;
}

/* ---- shifted register operand ---------------------------------------------------------- */

enum { SH_LSL, SH_LSR, SH_ASR, SH_ROR };

static A64_ALWAYS_INLINE uint64_t shift_x(uint64_t v, unsigned type, unsigned amt)
{
	switch (type) {
	case SH_LSL: return v << amt;
	case SH_LSR: return v >> amt;
	case SH_ASR: return (uint64_t)((int64_t)v >> amt);
	default: return v >> amt | v << ((64 - amt) & 63);
	}
}

static A64_ALWAYS_INLINE uint32_t shift_w(uint32_t v, unsigned type, unsigned amt)
{
	switch (type) {
	case SH_LSL: return v << amt;
	case SH_LSR: return v >> amt;
	case SH_ASR: return (uint32_t)((int32_t)v >> amt);
	default: return v >> amt | v << ((32 - amt) & 31);
	}
}

/* ---- logical (shifted register): p0 = shift amount ------------------------------------ */

enum { L_AND, L_BIC, L_ORR, L_ORN, L_EOR, L_EON, L_ANDS, L_BICS };	/* opc:N */

static A64_ALWAYS_INLINE uint64_t logic_apply(unsigned op, uint64_t a, uint64_t b)
{
	switch (op) {
	case L_AND: case L_ANDS: return a & b;
	case L_BIC: case L_BICS: return a & ~b;
	case L_ORR: return a | b;
	case L_ORN: return a | ~b;
	case L_EOR: return a ^ b;
	default: return a ^ ~b;
	}
}

static A64_ALWAYS_INLINE void logic_body(struct sim_cpu *c, const struct sim_insn *in,
					 unsigned op, unsigned st, bool sf, bool wr)
{
	if (sf) {
		uint64_t r = logic_apply(op, c->x[in->rn], shift_x(c->x[in->rm], st, in->p0));

		if (op >= L_ANDS)
			c->nzcv = a64_nz64(r);
		if (wr)
			c->x[in->rd] = r;
	} else {
		uint32_t r = (uint32_t)logic_apply(op, (uint32_t)c->x[in->rn],
						   shift_w((uint32_t)c->x[in->rm], st, in->p0));

		if (op >= L_ANDS)
			c->nzcv = a64_nz32(r);
		if (wr)
			c->x[in->rd] = r;
	}
	c->pc += 4;
}

#define LOGIC_FN(op, st, sf, wr)							\
	static void logic_##op##_##st##_##sf##_##wr(struct sim_cpu *c,			\
						    const struct sim_insn *in)		\
	{										\
		logic_body(c, in, op, st, sf, wr);					\
	}
#define LOGIC_FNS(op, wr)								\
	LOGIC_FN(op, 0, 0, wr) LOGIC_FN(op, 1, 0, wr) LOGIC_FN(op, 2, 0, wr)		\
	LOGIC_FN(op, 3, 0, wr) LOGIC_FN(op, 0, 1, wr) LOGIC_FN(op, 1, 1, wr)		\
	LOGIC_FN(op, 2, 1, wr) LOGIC_FN(op, 3, 1, wr)
#define LOGIC_ROW(op, wr)								\
	{ { logic_##op##_0_0_##wr, logic_##op##_1_0_##wr, logic_##op##_2_0_##wr,	\
	    logic_##op##_3_0_##wr },							\
	  { logic_##op##_0_1_##wr, logic_##op##_1_1_##wr, logic_##op##_2_1_##wr,	\
	    logic_##op##_3_1_##wr } }

LOGIC_FNS(L_AND, 1) LOGIC_FNS(L_BIC, 1) LOGIC_FNS(L_ORR, 1) LOGIC_FNS(L_ORN, 1)
LOGIC_FNS(L_EOR, 1) LOGIC_FNS(L_EON, 1) LOGIC_FNS(L_ANDS, 1) LOGIC_FNS(L_BICS, 1)
LOGIC_FNS(L_ANDS, 0) LOGIC_FNS(L_BICS, 0)

static const sim_exec_fn logic_fns[8][2][4] = {		/* [opc:N][sf][shift] */
	LOGIC_ROW(L_AND, 1), LOGIC_ROW(L_BIC, 1), LOGIC_ROW(L_ORR, 1), LOGIC_ROW(L_ORN, 1),
	LOGIC_ROW(L_EOR, 1), LOGIC_ROW(L_EON, 1), LOGIC_ROW(L_ANDS, 1), LOGIC_ROW(L_BICS, 1),
};
static const sim_exec_fn logic_test_fns[2][2][4] = {	/* TST / BICS with Rd = XZR */
	LOGIC_ROW(L_ANDS, 0), LOGIC_ROW(L_BICS, 0),
};

/* MOV (register): ORR Rd, XZR, Rm with no shift, the most common instruction of all. */
static void mov_reg_x(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = c->x[in->rm];
	c->pc += 4;
}

static void mov_reg_w(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = (uint32_t)c->x[in->rm];
	c->pc += 4;
}

static bool decode_logical_shifted(uint32_t insn, struct sim_insn *out)
{
	bool sf = a64_bit(insn, 31);
	unsigned op = a64_bits(insn, 30, 29) << 1 | a64_bit(insn, 21);
	unsigned st = a64_bits(insn, 23, 22), amt = a64_bits(insn, 15, 10);
	unsigned rd = a64_bits(insn, 4, 0), rn = a64_bits(insn, 9, 5);
	sim_exec_fn fn;

	if (!sf && amt >= 32)
		return false;
	if (op >= L_ANDS)
		fn = rd == 31 ? logic_test_fns[op - L_ANDS][sf][st] : logic_fns[op][sf][st];
	else if (rd == 31)
		fn = sim_a64_nop;
	else if (op == L_ORR && rn == 31 && amt == 0)
		fn = sf ? mov_reg_x : mov_reg_w;
	else
		fn = logic_fns[op][sf][st];
	a64_insn_init(out, insn, fn);
	out->rd = (uint8_t)rd;
	out->rn = (uint8_t)rn;
	out->rm = (uint8_t)a64_bits(insn, 20, 16);
	out->p0 = (uint8_t)amt;
	return true;
}

/* ---- ADD/SUB (shifted register): p0 = shift amount ----------------------------------- */

enum { AS_ADD, AS_ADDS, AS_SUB, AS_SUBS };	/* op:S; bit 0 = sets flags */

static A64_ALWAYS_INLINE uint64_t addsub_x(struct sim_cpu *c, unsigned op, uint64_t a,
					   uint64_t b)
{
	switch (op) {
	case AS_ADD: return a + b;
	case AS_SUB: return a - b;
	case AS_ADDS: return a64_adds64(c, a, b);
	default: return a64_subs64(c, a, b);
	}
}

static A64_ALWAYS_INLINE uint32_t addsub_w(struct sim_cpu *c, unsigned op, uint32_t a,
					   uint32_t b)
{
	switch (op) {
	case AS_ADD: return a + b;
	case AS_SUB: return a - b;
	case AS_ADDS: return a64_adds32(c, a, b);
	default: return a64_subs32(c, a, b);
	}
}

static A64_ALWAYS_INLINE void addsub_shift_body(struct sim_cpu *c, const struct sim_insn *in,
						unsigned op, unsigned st, bool sf, bool wr)
{
	if (sf) {
		uint64_t r = addsub_x(c, op, c->x[in->rn], shift_x(c->x[in->rm], st, in->p0));

		if (wr)
			c->x[in->rd] = r;
	} else {
		uint32_t r = addsub_w(c, op, (uint32_t)c->x[in->rn],
				      shift_w((uint32_t)c->x[in->rm], st, in->p0));

		if (wr)
			c->x[in->rd] = r;
	}
	c->pc += 4;
}

#define ASS_FN(op, st, sf, wr)								\
	static void ass_##op##_##st##_##sf##_##wr(struct sim_cpu *c,			\
						  const struct sim_insn *in)		\
	{										\
		addsub_shift_body(c, in, op, st, sf, wr);				\
	}
#define ASS_FNS(op, wr)									\
	ASS_FN(op, 0, 0, wr) ASS_FN(op, 1, 0, wr) ASS_FN(op, 2, 0, wr)			\
	ASS_FN(op, 0, 1, wr) ASS_FN(op, 1, 1, wr) ASS_FN(op, 2, 1, wr)
#define ASS_ROW(op, wr)									\
	{ { ass_##op##_0_0_##wr, ass_##op##_1_0_##wr, ass_##op##_2_0_##wr },		\
	  { ass_##op##_0_1_##wr, ass_##op##_1_1_##wr, ass_##op##_2_1_##wr } }

ASS_FNS(AS_ADD, 1) ASS_FNS(AS_SUB, 1) ASS_FNS(AS_ADDS, 1) ASS_FNS(AS_SUBS, 1)
ASS_FNS(AS_ADDS, 0) ASS_FNS(AS_SUBS, 0)

static const sim_exec_fn addsub_shift_fns[4][2][3] = {	/* [op:S][sf][shift] */
	ASS_ROW(AS_ADD, 1), ASS_ROW(AS_ADDS, 1), ASS_ROW(AS_SUB, 1), ASS_ROW(AS_SUBS, 1),
};
static const sim_exec_fn cmp_shift_fns[2][2][3] = {	/* CMN / CMP */
	ASS_ROW(AS_ADDS, 0), ASS_ROW(AS_SUBS, 0),
};

static bool decode_addsub_shifted(uint32_t insn, struct sim_insn *out)
{
	bool sf = a64_bit(insn, 31);
	unsigned op = a64_bits(insn, 30, 29), st = a64_bits(insn, 23, 22);
	unsigned amt = a64_bits(insn, 15, 10), rd = a64_bits(insn, 4, 0);
	sim_exec_fn fn;

	if (st == SH_ROR || (!sf && amt >= 32))
		return false;
	if (rd != 31)
		fn = addsub_shift_fns[op][sf][st];
	else
		fn = (op & 1) ? cmp_shift_fns[op >> 1][sf][st] : sim_a64_nop;
	a64_insn_init(out, insn, fn);
	out->rd = (uint8_t)rd;
	out->rn = (uint8_t)a64_bits(insn, 9, 5);
	out->rm = (uint8_t)a64_bits(insn, 20, 16);
	out->p0 = (uint8_t)amt;
	return true;
}

/*
 * ---- ADD/SUB (extended register) ----------------------------------------------------------
 * The extension is a shift pair: << p0 then >> p0 (logical or arithmetic) keeps the low
 * 64 - p0 bits, then << p1 applies the left shift (0..4). Rn and the non-flag Rd may be
 * SP (slots).
 */
static A64_ALWAYS_INLINE void addsub_ext_body(struct sim_cpu *c, const struct sim_insn *in,
					      unsigned op, bool sgn, bool sf, bool wr)
{
	uint64_t m = c->x[in->rm] << in->p0;
	uint64_t b = (sgn ? (uint64_t)((int64_t)m >> in->p0) : m >> in->p0) << in->p1;
	uint64_t a = *a64_slot(c, in->rn);

	if (!(op & 1)) {
		uint64_t r = op == AS_ADD ? a + b : a - b;

		*a64_slot(c, in->rd) = sf ? r : (uint32_t)r;
	} else if (sf) {
		uint64_t r = addsub_x(c, op, a, b);

		if (wr)
			c->x[in->rd] = r;
	} else {
		uint32_t r = addsub_w(c, op, (uint32_t)a, (uint32_t)b);

		if (wr)
			c->x[in->rd] = r;
	}
	c->pc += 4;
}

#define ASE_FN(op, sgn, sf, wr)								\
	static void ase_##op##_##sgn##_##sf##_##wr(struct sim_cpu *c,			\
						   const struct sim_insn *in)		\
	{										\
		addsub_ext_body(c, in, op, sgn, sf, wr);				\
	}
#define ASE_FNS(op, wr)									\
	ASE_FN(op, 0, 0, wr) ASE_FN(op, 1, 0, wr) ASE_FN(op, 0, 1, wr) ASE_FN(op, 1, 1, wr)
#define ASE_ROW(op, wr)									\
	{ { ase_##op##_0_0_##wr, ase_##op##_1_0_##wr },					\
	  { ase_##op##_0_1_##wr, ase_##op##_1_1_##wr } }

ASE_FNS(AS_ADD, 1) ASE_FNS(AS_SUB, 1) ASE_FNS(AS_ADDS, 1) ASE_FNS(AS_SUBS, 1)
ASE_FNS(AS_ADDS, 0) ASE_FNS(AS_SUBS, 0)

static const sim_exec_fn addsub_ext_fns[4][2][2] = {	/* [op:S][sf][signed] */
	ASE_ROW(AS_ADD, 1), ASE_ROW(AS_ADDS, 1), ASE_ROW(AS_SUB, 1), ASE_ROW(AS_SUBS, 1),
};
static const sim_exec_fn cmp_ext_fns[2][2][2] = {
	ASE_ROW(AS_ADDS, 0), ASE_ROW(AS_SUBS, 0),
};

static bool decode_addsub_extended(uint32_t insn, struct sim_insn *out)
{
	bool sf = a64_bit(insn, 31);
	unsigned op = a64_bits(insn, 30, 29), option = a64_bits(insn, 15, 13);
	unsigned amt = a64_bits(insn, 12, 10), rd = a64_bits(insn, 4, 0);
	bool sgn = option & 4;

	if (a64_bits(insn, 23, 22) || amt > 4)
		return false;
	if (op & 1) {
		a64_insn_init(out, insn, rd == 31 ? cmp_ext_fns[op >> 1][sf][sgn]
					       : addsub_ext_fns[op][sf][sgn]);
		out->rd = (uint8_t)rd;
	} else {
		a64_insn_init(out, insn, addsub_ext_fns[op][sf][sgn]);
		out->rd = a64_slot_sp(rd);
	}
	out->rn = a64_slot_sp(a64_bits(insn, 9, 5));
	out->rm = (uint8_t)a64_bits(insn, 20, 16);
	out->p0 = (uint8_t)(64 - (8u << (option & 3)));	/* B, H, W, X: keep 8..64 bits */
	out->p1 = (uint8_t)amt;
	return true;
}

/* ---- ADC/SBC: AddWithCarry(Rn, Rm or NOT Rm, C) ----------------------------------------- */

static A64_ALWAYS_INLINE uint64_t adc_x(struct sim_cpu *c, uint64_t a, uint64_t b, bool s)
{
	unsigned __int128 full = (unsigned __int128)a + b + ((c->nzcv >> 29) & 1);
	uint64_t r = (uint64_t)full;

	if (s)
		c->nzcv = a64_nz64(r) | ((full >> 64) ? SIM_C : 0) |
			  ((((a ^ r) & (b ^ r)) >> 63) ? SIM_V : 0);
	return r;
}

static A64_ALWAYS_INLINE uint32_t adc_w(struct sim_cpu *c, uint32_t a, uint32_t b, bool s)
{
	uint64_t full = (uint64_t)a + b + ((c->nzcv >> 29) & 1);
	uint32_t r = (uint32_t)full;

	if (s)
		c->nzcv = a64_nz32(r) | ((full >> 32) ? SIM_C : 0) |
			  ((((a ^ r) & (b ^ r)) >> 31) ? SIM_V : 0);
	return r;
}

/* The flag-setting forms are rare enough to use sim_set_x() for an Rd that may be XZR. */
#define ADC_FN(name, sf, inv, s)							\
	static void name(struct sim_cpu *c, const struct sim_insn *in)			\
	{										\
		uint64_t b = inv ? ~c->x[in->rm] : c->x[in->rm];			\
		uint64_t r = sf ? adc_x(c, c->x[in->rn], b, s)				\
				: adc_w(c, (uint32_t)c->x[in->rn], (uint32_t)b, s);	\
		if (s)									\
			sim_set_x(c, in->rd, r);					\
		else									\
			c->x[in->rd] = r;						\
		c->pc += 4;								\
	}
ADC_FN(adc_w_h, 0, 0, 0) ADC_FN(adcs_w_h, 0, 0, 1) ADC_FN(sbc_w_h, 0, 1, 0)
ADC_FN(sbcs_w_h, 0, 1, 1) ADC_FN(adc_x_h, 1, 0, 0) ADC_FN(adcs_x_h, 1, 0, 1)
ADC_FN(sbc_x_h, 1, 1, 0) ADC_FN(sbcs_x_h, 1, 1, 1)

/* ---- FEAT_FlagM: RMIF (p0 = rotation, p1 = mask), SETF8/SETF16 (p0 = top bit) --------- */

static void rmif(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t v = c->x[in->rn];
	uint32_t bits = (uint32_t)(v >> in->p0 | v << ((64 - in->p0) & 63)) & 15;

	c->nzcv = (c->nzcv & ~((uint32_t)in->p1 << 28)) | (bits & in->p1) << 28;
	c->pc += 4;
}

/* N = Wn<msb>, Z = Wn<msb:0> == 0, V = Wn<msb + 1> EOR Wn<msb>, C unchanged. */
static void setf(struct sim_cpu *c, const struct sim_insn *in)
{
	uint32_t v = (uint32_t)c->x[in->rn], msb = in->p0;
	uint32_t n = (v >> msb) & 1, v_bit = ((v >> (msb + 1)) ^ n) & 1;
	bool z = !(v & ((2u << msb) - 1));

	c->nzcv = (c->nzcv & SIM_C) | n << 31 | (z ? SIM_Z : 0) | v_bit << 28;
	c->pc += 4;
}

static bool decode_flag_manip(uint32_t insn, struct sim_insn *out)
{
	unsigned top = a64_bits(insn, 31, 29);

	if (top == 5 && a64_bits(insn, 14, 10) == 1 && !a64_bit(insn, 4)) {
		a64_insn_init(out, insn, rmif);
		out->p0 = (uint8_t)a64_bits(insn, 20, 15);
		out->p1 = (uint8_t)a64_bits(insn, 3, 0);
	} else if (top == 1 && !a64_bits(insn, 20, 15) && a64_bits(insn, 13, 10) == 2 &&
		   a64_bits(insn, 4, 0) == 0xd) {
		a64_insn_init(out, insn, setf);
		out->p0 = a64_bit(insn, 14) ? 15 : 7;
	} else {
		return false;
	}
	out->rn = (uint8_t)a64_bits(insn, 9, 5);
	return true;
}

static bool decode_adc(uint32_t insn, struct sim_insn *out)
{
	static const sim_exec_fn fns[2][2][2] = {	/* [sf][sub][S] */
		{ { adc_w_h, adcs_w_h }, { sbc_w_h, sbcs_w_h } },
		{ { adc_x_h, adcs_x_h }, { sbc_x_h, sbcs_x_h } },
	};
	bool sf = a64_bit(insn, 31), sub = a64_bit(insn, 30), s = a64_bit(insn, 29);
	unsigned rd = a64_bits(insn, 4, 0);

	if (a64_bits(insn, 15, 10))
		return decode_flag_manip(insn, out);
	a64_insn_init(out, insn, rd == 31 && !s ? sim_a64_nop : fns[sf][sub][s]);
	out->rd = (uint8_t)rd;
	out->rn = (uint8_t)a64_bits(insn, 9, 5);
	out->rm = (uint8_t)a64_bits(insn, 20, 16);
	return true;
}

/*
 * ---- conditional compare: pad = condition table, p0 = NZCV if it fails, imm = imm5 ------
 */
#define CCMP_FN(name, sf, cmn, use_imm)							\
	static void name(struct sim_cpu *c, const struct sim_insn *in)			\
	{										\
		uint64_t b = use_imm ? in->imm : c->x[in->rm];				\
		if (!a64_cond(c, in->pad))						\
			c->nzcv = (uint32_t)in->p0 << 28;				\
		else if (sf && cmn)							\
			a64_adds64(c, c->x[in->rn], b);					\
		else if (sf)								\
			a64_subs64(c, c->x[in->rn], b);					\
		else if (cmn)								\
			a64_adds32(c, (uint32_t)c->x[in->rn], (uint32_t)b);		\
		else									\
			a64_subs32(c, (uint32_t)c->x[in->rn], (uint32_t)b);		\
		c->pc += 4;								\
	}
CCMP_FN(ccmn_reg_w, 0, 1, 0) CCMP_FN(ccmp_reg_w, 0, 0, 0) CCMP_FN(ccmn_reg_x, 1, 1, 0)
CCMP_FN(ccmp_reg_x, 1, 0, 0) CCMP_FN(ccmn_imm_w, 0, 1, 1) CCMP_FN(ccmp_imm_w, 0, 0, 1)
CCMP_FN(ccmn_imm_x, 1, 1, 1) CCMP_FN(ccmp_imm_x, 1, 0, 1)

static bool decode_cond_compare(uint32_t insn, struct sim_insn *out)
{
	static const sim_exec_fn fns[2][2][2] = {	/* [imm][sf][op: CCMN, CCMP] */
		{ { ccmn_reg_w, ccmp_reg_w }, { ccmn_reg_x, ccmp_reg_x } },
		{ { ccmn_imm_w, ccmp_imm_w }, { ccmn_imm_x, ccmp_imm_x } },
	};
	bool sf = a64_bit(insn, 31), op = a64_bit(insn, 30), use_imm = a64_bit(insn, 11);

	if (!a64_bit(insn, 29) || a64_bit(insn, 10) || a64_bit(insn, 4))
		return false;
	a64_insn_init(out, insn, fns[use_imm][sf][op]);
	out->rn = (uint8_t)a64_bits(insn, 9, 5);
	out->rm = (uint8_t)a64_bits(insn, 20, 16);
	out->imm = a64_bits(insn, 20, 16);
	out->p0 = (uint8_t)a64_bits(insn, 3, 0);
	out->pad = a64_cond_table(a64_bits(insn, 15, 12));
	return true;
}

/* ---- conditional select: pad = condition table ---------------------------------------- */

#define CSEL_FN(name, sf, expr)								\
	static void name(struct sim_cpu *c, const struct sim_insn *in)			\
	{										\
		uint64_t m = c->x[in->rm];						\
		uint64_t r = a64_cond(c, in->pad) ? c->x[in->rn] : (expr);		\
		c->x[in->rd] = sf ? r : (uint32_t)r;					\
		c->pc += 4;								\
	}
CSEL_FN(csel_w, 0, m) CSEL_FN(csinc_w, 0, m + 1) CSEL_FN(csinv_w, 0, ~m)
CSEL_FN(csneg_w, 0, 0 - m) CSEL_FN(csel_x, 1, m) CSEL_FN(csinc_x, 1, m + 1)
CSEL_FN(csinv_x, 1, ~m) CSEL_FN(csneg_x, 1, 0 - m)

static bool decode_cond_select(uint32_t insn, struct sim_insn *out)
{
	static const sim_exec_fn fns[2][4] = {		/* [sf][op:op2<0>] */
		{ csel_w, csinc_w, csinv_w, csneg_w }, { csel_x, csinc_x, csinv_x, csneg_x },
	};
	bool sf = a64_bit(insn, 31);
	unsigned op = a64_bit(insn, 30) << 1 | a64_bit(insn, 10), rd = a64_bits(insn, 4, 0);

	if (a64_bit(insn, 29) || a64_bit(insn, 11))
		return false;
	a64_insn_init(out, insn, rd == 31 ? sim_a64_nop : fns[sf][op]);
	out->rd = (uint8_t)rd;
	out->rn = (uint8_t)a64_bits(insn, 9, 5);
	out->rm = (uint8_t)a64_bits(insn, 20, 16);
	out->pad = a64_cond_table(a64_bits(insn, 15, 12));
	return true;
}

/* ---- data processing, 1 source --------------------------------------------------------- */

static uint64_t rbit64(uint64_t v)
{
	v = (v >> 1 & 0x5555555555555555ull) | (v & 0x5555555555555555ull) << 1;
	v = (v >> 2 & 0x3333333333333333ull) | (v & 0x3333333333333333ull) << 2;
	v = (v >> 4 & 0x0f0f0f0f0f0f0f0full) | (v & 0x0f0f0f0f0f0f0f0full) << 4;
	return __builtin_bswap64(v);
}

static uint64_t rev16_64(uint64_t v)
{
	return (v >> 8 & 0x00ff00ff00ff00ffull) | (v & 0x00ff00ff00ff00ffull) << 8;
}

/* Byte-reverse each 32-bit word: swap the bytes of each halfword, then the halfwords. */
static uint64_t rev32_64(uint64_t v)
{
	v = rev16_64(v);
	return (v >> 16 & 0x0000ffff0000ffffull) | (v & 0x0000ffff0000ffffull) << 16;
}

static uint64_t clz64(uint64_t v)
{
	return v ? (uint64_t)__builtin_clzll(v) : 64;
}

static uint32_t clz32(uint32_t v)
{
	return v ? (uint32_t)__builtin_clz(v) : 32;
}

#define DP1_FN(name, expr)								\
	static void name(struct sim_cpu *c, const struct sim_insn *in)			\
	{										\
		uint64_t v = c->x[in->rn];						\
		c->x[in->rd] = (expr);							\
		c->pc += 4;								\
	}
DP1_FN(rbit_x, rbit64(v))
DP1_FN(rbit_w, rbit64(v) >> 32)
DP1_FN(rev16_x, rev16_64(v))
DP1_FN(rev16_w, (uint32_t)rev16_64(v))
DP1_FN(rev32_x, rev32_64(v))
DP1_FN(rev_x, __builtin_bswap64(v))
DP1_FN(rev_w, __builtin_bswap32((uint32_t)v))
DP1_FN(clz_x, clz64(v))
DP1_FN(clz_w, clz32((uint32_t)v))
/* CLS counts the bits below the top one that equal it: CLZ(x[N-1:1] EOR x[N-2:0]). */
DP1_FN(cls_x, clz64((v ^ v << 1) | 1))
DP1_FN(cls_w, clz32(((uint32_t)v ^ (uint32_t)v << 1) | 1))

static bool decode_dp_1src(uint32_t insn, struct sim_insn *out)
{
	static const sim_exec_fn fns[2][6] = {		/* [sf][opcode] */
		{ rbit_w, rev16_w, rev_w, NULL, clz_w, cls_w },
		{ rbit_x, rev16_x, rev32_x, rev_x, clz_x, cls_x },
	};
	bool sf = a64_bit(insn, 31);
	unsigned opcode = a64_bits(insn, 15, 10), rd = a64_bits(insn, 4, 0);

	/* S = 1 and opcode2 != 0 (PAC, CSSC) are unallocated or outside the CPU model: UNDEFINED. */
	if (a64_bit(insn, 29) || a64_bits(insn, 20, 16) || opcode >= 6 || !fns[sf][opcode])
		return false;
	a64_insn_init(out, insn, rd == 31 ? sim_a64_nop : fns[sf][opcode]);
	out->rd = (uint8_t)rd;
	out->rn = (uint8_t)a64_bits(insn, 9, 5);
	return true;
}

/* ---- data processing, 2 sources -------------------------------------------------------- */

#define DP2_FN(name, type, expr)							\
	static void name(struct sim_cpu *c, const struct sim_insn *in)			\
	{										\
		type a = (type)c->x[in->rn], b = (type)c->x[in->rm];			\
		c->x[in->rd] = (type)(expr);						\
		c->pc += 4;								\
	}
/* Division by zero gives 0; INT_MIN / -1 gives INT_MIN (negation wraps, no trap). */
DP2_FN(udiv_x, uint64_t, b ? a / b : 0)
DP2_FN(udiv_w, uint32_t, b ? a / b : 0)
DP2_FN(sdiv_x, uint64_t, !b ? 0 : b == UINT64_MAX ? 0 - a
		 : (uint64_t)((int64_t)a / (int64_t)b))
DP2_FN(sdiv_w, uint32_t, !b ? 0 : b == UINT32_MAX ? 0 - a
		 : (uint32_t)((int32_t)a / (int32_t)b))
DP2_FN(lslv_x, uint64_t, a << (b & 63))
DP2_FN(lslv_w, uint32_t, a << (b & 31))
DP2_FN(lsrv_x, uint64_t, a >> (b & 63))
DP2_FN(lsrv_w, uint32_t, a >> (b & 31))
DP2_FN(asrv_x, uint64_t, (int64_t)a >> (b & 63))
DP2_FN(asrv_w, uint32_t, (int32_t)a >> (b & 31))
DP2_FN(rorv_x, uint64_t, a >> (b & 63) | a << ((64 - (b & 63)) & 63))
DP2_FN(rorv_w, uint32_t, a >> (b & 31) | a << ((32 - (b & 31)) & 31))

/*
 * CRC32 (polynomial 0x04C11DB7) and CRC32C (0x1EDC6F41), bit-reflected as the
 * architecture defines them (no pre/post inversion), four bits per table step.
 */
static const uint32_t crc32_nibble[2][16] = {
	{ 0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158,
	  0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4,
	  0xa00ae278, 0xbdbdf21c },
	{ 0x00000000, 0x105ec76f, 0x20bd8ede, 0x30e349b1, 0x417b1dbc, 0x5125dad3, 0x61c69362,
	  0x7198540d, 0x82f63b78, 0x92a8fc17, 0xa24bb5a6, 0xb21572c9, 0xc38d26c4, 0xd3d3e1ab,
	  0xe330a81a, 0xf36e6f75 },
};

/* p0 = log2 of the data size in bytes, p1 = 1 for CRC32C. */
static void crc32_h(struct sim_cpu *c, const struct sim_insn *in)
{
	const uint32_t *t = crc32_nibble[in->p1];
	uint32_t crc = (uint32_t)c->x[in->rn];
	uint64_t data = c->x[in->rm];

	for (unsigned i = 0; i < (1u << in->p0); i++, data >>= 8) {
		crc ^= (uint8_t)data;
		crc = crc >> 4 ^ t[crc & 15];
		crc = crc >> 4 ^ t[crc & 15];
	}
	c->x[in->rd] = crc;
	c->pc += 4;
}

static bool decode_dp_2src(uint32_t insn, struct sim_insn *out)
{
	static const sim_exec_fn fns[2][12] = {		/* [sf][opcode] for 2..11 */
		{ NULL, NULL, udiv_w, sdiv_w, NULL, NULL, NULL, NULL,
		  lslv_w, lsrv_w, asrv_w, rorv_w },
		{ NULL, NULL, udiv_x, sdiv_x, NULL, NULL, NULL, NULL,
		  lslv_x, lsrv_x, asrv_x, rorv_x },
	};
	bool sf = a64_bit(insn, 31);
	unsigned opcode = a64_bits(insn, 15, 10), rd = a64_bits(insn, 4, 0);
	sim_exec_fn fn;

	if (a64_bit(insn, 29))
		return false;			/* SUBPS (MTE) */
	if (opcode >= 0x10 && opcode <= 0x17) {
		if (sf != ((opcode & 3) == 3))
			return false;
		fn = crc32_h;
	} else if (opcode < 12 && fns[sf][opcode]) {
		fn = fns[sf][opcode];
	} else {
		return false;			/* SUBP, IRG, GMI, PACGA, CSSC min/max */
	}
	a64_insn_init(out, insn, rd == 31 ? sim_a64_nop : fn);
	out->rd = (uint8_t)rd;
	out->rn = (uint8_t)a64_bits(insn, 9, 5);
	out->rm = (uint8_t)a64_bits(insn, 20, 16);
	out->p0 = (uint8_t)(opcode & 3);
	out->p1 = (uint8_t)((opcode >> 2) & 1);
	return true;
}

/* ---- data processing, 3 sources -------------------------------------------------------- */

#define DP3_FN(name, expr)								\
	static void name(struct sim_cpu *c, const struct sim_insn *in)			\
	{										\
		uint64_t n = c->x[in->rn], m = c->x[in->rm], a = c->x[in->ra];		\
		c->x[in->rd] = (expr);							\
		c->pc += 4;								\
	}
DP3_FN(madd_x, a + n * m)
DP3_FN(msub_x, a - n * m)
DP3_FN(madd_w, (uint32_t)(a + n * m))
DP3_FN(msub_w, (uint32_t)(a - n * m))
DP3_FN(smaddl, a + (uint64_t)((int64_t)(int32_t)n * (int32_t)m))
DP3_FN(smsubl, a - (uint64_t)((int64_t)(int32_t)n * (int32_t)m))
DP3_FN(umaddl, a + (uint64_t)(uint32_t)n * (uint32_t)m)
DP3_FN(umsubl, a - (uint64_t)(uint32_t)n * (uint32_t)m)

/* SMULH/UMULH: the high half of the 128-bit product (Ra is ignored). */
static void smulh(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = (uint64_t)(((__int128)(int64_t)c->x[in->rn] * (int64_t)c->x[in->rm]) >> 64);
	c->pc += 4;
}

static void umulh(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = (uint64_t)(((unsigned __int128)c->x[in->rn] * c->x[in->rm]) >> 64);
	c->pc += 4;
}

static bool decode_dp_3src(uint32_t insn, struct sim_insn *out)
{
	static const sim_exec_fn fns[8][2] = {		/* [op31][o0] with sf = 1 */
		{ madd_x, msub_x }, { smaddl, smsubl }, { smulh, NULL }, { NULL, NULL },
		{ NULL, NULL }, { umaddl, umsubl }, { umulh, NULL }, { NULL, NULL },
	};
	bool sf = a64_bit(insn, 31), o0 = a64_bit(insn, 15);
	unsigned op31 = a64_bits(insn, 23, 21), rd = a64_bits(insn, 4, 0);
	sim_exec_fn fn;

	if (a64_bits(insn, 30, 29))
		return false;
	if (!sf)
		fn = op31 ? NULL : o0 ? msub_w : madd_w;
	else
		fn = fns[op31][o0];
	if (!fn)
		return false;
	a64_insn_init(out, insn, rd == 31 ? sim_a64_nop : fn);
	out->rd = (uint8_t)rd;
	out->rn = (uint8_t)a64_bits(insn, 9, 5);
	out->rm = (uint8_t)a64_bits(insn, 20, 16);
	out->ra = (uint8_t)a64_bits(insn, 14, 10);
	return true;
}

bool sim_decode_dp_reg(uint32_t insn, struct sim_insn *out)
{
	unsigned op2 = a64_bits(insn, 24, 21);

	if (a64_bits(insn, 27, 25) != 5)	/* op0 = x101: data processing (register) */
		return false;
	if (!a64_bit(insn, 28)) {
		if (!(op2 & 8))
			return decode_logical_shifted(insn, out);
		return (op2 & 1) ? decode_addsub_extended(insn, out)
				 : decode_addsub_shifted(insn, out);
	}
	if (op2 & 8)
		return decode_dp_3src(insn, out);
	switch (op2) {
	case 0: return decode_adc(insn, out);
	case 2: return decode_cond_compare(insn, out);
	case 4: return decode_cond_select(insn, out);
	case 6: return a64_bit(insn, 30) ? decode_dp_1src(insn, out)
					 : decode_dp_2src(insn, out);
	default: return false;
	}
}
