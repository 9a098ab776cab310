// SPDX-License-Identifier: MIT
/*
 * A64 data processing (immediate): ADR/ADRP, ADD/SUB (immediate), logical (immediate),
 * move wide, bitfield, EXTR. Arm ARM C4.1.86 "Data Processing -- Immediate".
 *
 * Every immediate is expanded at decode time (shifted imm12, negated for SUB, the
 * DecodeBitMasks() pattern, MOVN's inversion, bitfield shift pairs), so handlers are a
 * few ALU operations. Register 31 is resolved at decode time (see a64_common.h).
 */
#include "sim/a64_common.h"

/* ---- handlers -------------------------------------------------------------------------- */

/* ADD/SUB (immediate) without flags: Rd and Rn may be SP. SUB stores -imm. */
static void add_imm_x(struct sim_cpu *c, const struct sim_insn *in)
{
	*a64_slot(c, in->rd) = *a64_slot(c, in->rn) + in->imm;
	c->pc += 4;
}

static void add_imm_w(struct sim_cpu *c, const struct sim_insn *in)
{
	*a64_slot(c, in->rd) = (uint32_t)(*a64_slot(c, in->rn) + in->imm);
	c->pc += 4;
}

/* Flag-setting forms: Rn may be SP, Rd is XZR (CMP/CMN handlers skip the write). */
static void adds_imm_x(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = a64_adds64(c, *a64_slot(c, in->rn), in->imm);
	c->pc += 4;
}

static void adds_imm_w(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = a64_adds32(c, (uint32_t)*a64_slot(c, in->rn), (uint32_t)in->imm);
	c->pc += 4;
}

static void subs_imm_x(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = a64_subs64(c, *a64_slot(c, in->rn), in->imm);
	c->pc += 4;
}

static void subs_imm_w(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = a64_subs32(c, (uint32_t)*a64_slot(c, in->rn), (uint32_t)in->imm);
	c->pc += 4;
}

static void cmn_imm_x(struct sim_cpu *c, const struct sim_insn *in)
{
	a64_adds64(c, *a64_slot(c, in->rn), in->imm);
	c->pc += 4;
}

static void cmn_imm_w(struct sim_cpu *c, const struct sim_insn *in)
{
	a64_adds32(c, (uint32_t)*a64_slot(c, in->rn), (uint32_t)in->imm);
	c->pc += 4;
}

static void cmp_imm_x(struct sim_cpu *c, const struct sim_insn *in)
{
	a64_subs64(c, *a64_slot(c, in->rn), in->imm);
	c->pc += 4;
}

static void cmp_imm_w(struct sim_cpu *c, const struct sim_insn *in)
{
	a64_subs32(c, (uint32_t)*a64_slot(c, in->rn), (uint32_t)in->imm);
	c->pc += 4;
}

/* ADR: PC + imm; ADRP: PC's page + imm (imm already shifted by 12). */
static void adr(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = c->pc + in->imm;
	c->pc += 4;
}

static void adrp(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = (c->pc & ~(uint64_t)0xfff) + in->imm;
	c->pc += 4;
}

/* Logical (immediate): Rd may be SP (not for ANDS), Rn is XZR-or-X. imm holds the
 * expanded mask, already truncated to 32 bits for the W forms. */
static void and_imm(struct sim_cpu *c, const struct sim_insn *in)
{
	*a64_slot(c, in->rd) = c->x[in->rn] & in->imm;
	c->pc += 4;
}

static void orr_imm_x(struct sim_cpu *c, const struct sim_insn *in)
{
	*a64_slot(c, in->rd) = c->x[in->rn] | in->imm;
	c->pc += 4;
}

static void orr_imm_w(struct sim_cpu *c, const struct sim_insn *in)
{
	*a64_slot(c, in->rd) = (uint32_t)(c->x[in->rn] | in->imm);
	c->pc += 4;
}

static void eor_imm_x(struct sim_cpu *c, const struct sim_insn *in)
{
	*a64_slot(c, in->rd) = c->x[in->rn] ^ in->imm;
	c->pc += 4;
}

static void eor_imm_w(struct sim_cpu *c, const struct sim_insn *in)
{
	*a64_slot(c, in->rd) = (uint32_t)(c->x[in->rn] ^ in->imm);
	c->pc += 4;
}

static void ands_imm_x(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t r = c->x[in->rn] & in->imm;

	c->nzcv = a64_nz64(r);
	c->x[in->rd] = r;
	c->pc += 4;
}

static void ands_imm_w(struct sim_cpu *c, const struct sim_insn *in)
{
	uint32_t r = (uint32_t)(c->x[in->rn] & in->imm);

	c->nzcv = a64_nz32(r);
	c->x[in->rd] = r;
	c->pc += 4;
}

static void tst_imm_x(struct sim_cpu *c, const struct sim_insn *in)
{
	c->nzcv = a64_nz64(c->x[in->rn] & in->imm);
	c->pc += 4;
}

static void tst_imm_w(struct sim_cpu *c, const struct sim_insn *in)
{
	c->nzcv = a64_nz32((uint32_t)(c->x[in->rn] & in->imm));
	c->pc += 4;
}

/* A constant into a slot: MOVZ, MOVN, and ORR Rd, XZR, #imm (where Rd may be SP). */
static void mov_const(struct sim_cpu *c, const struct sim_insn *in)
{
	*a64_slot(c, in->rd) = in->imm;
	c->pc += 4;
}

/* MOVK: imm is the shifted 16-bit value, p0 the shift. */
static void movk_x(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = (c->x[in->rd] & ~(0xffffull << in->p0)) | in->imm;
	c->pc += 4;
}

static void movk_w(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = (uint32_t)((c->x[in->rd] & ~(0xffffull << in->p0)) | in->imm);
	c->pc += 4;
}

/*
 * Bitfield moves as a shift pair: the field is moved to bit 63 by << p0, then to its
 * destination by >> p1 (logical for UBFM, arithmetic for SBFM). See decode_bitfield().
 * For UBFM the left shift already drops bits 32..63 of a W source, so one handler
 * serves both widths.
 */
static void ubfm(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = (c->x[in->rn] << in->p0) >> in->p1;
	c->pc += 4;
}

static void sbfm_x(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = (uint64_t)((int64_t)(c->x[in->rn] << in->p0) >> in->p1);
	c->pc += 4;
}

static void sbfm_w(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = (uint32_t)((int64_t)(c->x[in->rn] << in->p0) >> in->p1);
	c->pc += 4;
}

/* BFM: imm is the mask of destination bits replaced. */
static void bfm_x(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = (c->x[in->rd] & ~in->imm) | ((c->x[in->rn] << in->p0) >> in->p1);
	c->pc += 4;
}

static void bfm_w(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[in->rd] = (uint32_t)((c->x[in->rd] & ~in->imm) |
				  ((c->x[in->rn] << in->p0) >> in->p1));
	c->pc += 4;
}

/* EXTR: (Rn:Rm) >> lsb. */
static void extr_x(struct sim_cpu *c, const struct sim_insn *in)
{
	unsigned __int128 pair = (unsigned __int128)c->x[in->rn] << 64 | c->x[in->rm];

	c->x[in->rd] = (uint64_t)(pair >> in->p0);
	c->pc += 4;
}

static void extr_w(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t pair = (uint64_t)(uint32_t)c->x[in->rn] << 32 | (uint32_t)c->x[in->rm];

	c->x[in->rd] = (uint32_t)(pair >> in->p0);
	c->pc += 4;
}

/* ---- decoders ------------------------------------------------------------------------ */

static bool decode_pcrel(uint32_t insn, struct sim_insn *out)
{
	unsigned rd = a64_bits(insn, 4, 0);
	uint64_t imm = (uint64_t)a64_sext(a64_bits(insn, 23, 5) << 2 | a64_bits(insn, 30, 29), 21);
	bool page = a64_bit(insn, 31);

	a64_insn_init(out, insn, rd == 31 ? sim_a64_nop : page ? adrp : adr);
	out->rd = (uint8_t)rd;
	out->imm = page ? imm << 12 : imm;
	return true;
}

static bool decode_addsub_imm(uint32_t insn, struct sim_insn *out)
{
	static const sim_exec_fn flag_fns[2][2][2] = {	/* [sub][sf][rd is XZR] */
		{ { adds_imm_w, cmn_imm_w }, { adds_imm_x, cmn_imm_x } },
		{ { subs_imm_w, cmp_imm_w }, { subs_imm_x, cmp_imm_x } },
	};
	bool sf = a64_bit(insn, 31), sub = a64_bit(insn, 30), setflags = a64_bit(insn, 29);
	unsigned rd = a64_bits(insn, 4, 0), rn = a64_bits(insn, 9, 5);
	uint64_t imm = a64_bits(insn, 21, 10);

	if (a64_bit(insn, 22))
		imm <<= 12;
	if (setflags) {
		a64_insn_init(out, insn, flag_fns[sub][sf][rd == 31]);
		out->rd = (uint8_t)rd;
		out->imm = imm;
	} else {
		a64_insn_init(out, insn, sf ? add_imm_x : add_imm_w);
		out->rd = a64_slot_sp(rd);
		out->imm = sub ? (uint64_t)0 - imm : imm;
	}
	out->rn = a64_slot_sp(rn);
	return true;
}

/*
 * DecodeBitMasks(N, imms, immr, immediate = TRUE) for logical immediates (Arm ARM
 * J1 pseudocode): the element size is 2^len where len is the highest set bit of
 * N:NOT(imms); an element holds imms+1 ones rotated right by immr; the element is
 * replicated to 64 bits. Returns false for the reserved encodings (len < 1, or an
 * all-ones element).
 */
static bool decode_bit_masks(unsigned n, unsigned imms, unsigned immr, uint64_t *mask)
{
	unsigned combined = n << 6 | (~imms & 0x3f);
	unsigned len, esize, levels, s, r;
	uint64_t elem;

	if (!combined)
		return false;
	len = 31 - (unsigned)__builtin_clz(combined);
	if (len < 1)
		return false;
	esize = 1u << len;
	levels = esize - 1;
	s = imms & levels;
	r = immr & levels;
	if (s == levels)
		return false;
	elem = (1ull << (s + 1)) - 1;		/* s + 1 <= 63 here */
	if (r)
		elem = (elem >> r | elem << (esize - r));
	if (esize < 64)
		elem &= (1ull << esize) - 1;
	for (unsigned w = esize; w < 64; w *= 2)
		elem |= elem << w;
	*mask = elem;
	return true;
}

static bool decode_logical_imm(uint32_t insn, struct sim_insn *out)
{
	static const sim_exec_fn fns[3][2] = {	/* [opc: AND, ORR, EOR][sf] */
		{ and_imm, and_imm }, { orr_imm_w, orr_imm_x }, { eor_imm_w, eor_imm_x },
	};
	bool sf = a64_bit(insn, 31);
	unsigned opc = a64_bits(insn, 30, 29), n = a64_bit(insn, 22);
	unsigned rd = a64_bits(insn, 4, 0), rn = a64_bits(insn, 9, 5);
	uint64_t mask;

	if ((!sf && n) ||
	    !decode_bit_masks(n, a64_bits(insn, 15, 10), a64_bits(insn, 21, 16), &mask))
		return false;
	if (!sf)
		mask = (uint32_t)mask;
	if (opc == 3) {
		a64_insn_init(out, insn, rd == 31 ? (sf ? tst_imm_x : tst_imm_w)
					       : (sf ? ands_imm_x : ands_imm_w));
		out->rd = (uint8_t)rd;
	} else {
		/* ORR Rd, XZR, #imm is the MOV (bitmask immediate) alias: a constant. */
		a64_insn_init(out, insn, opc == 1 && rn == 31 ? mov_const : fns[opc][sf]);
		out->rd = a64_slot_sp(rd);
	}
	out->rn = (uint8_t)rn;
	out->imm = mask;
	return true;
}

static bool decode_move_wide(uint32_t insn, struct sim_insn *out)
{
	bool sf = a64_bit(insn, 31);
	unsigned opc = a64_bits(insn, 30, 29), hw = a64_bits(insn, 22, 21);
	unsigned rd = a64_bits(insn, 4, 0);
	uint64_t imm = (uint64_t)a64_bits(insn, 20, 5) << (hw * 16);

	if (opc == 1 || (!sf && hw >= 2))
		return false;
	if (opc == 3) {
		a64_insn_init(out, insn, rd == 31 ? sim_a64_nop : sf ? movk_x : movk_w);
		out->p0 = (uint8_t)(hw * 16);
	} else {
		if (opc == 0)
			imm = ~imm;		/* MOVN */
		if (!sf)
			imm = (uint32_t)imm;
		a64_insn_init(out, insn, rd == 31 ? sim_a64_nop : mov_const);
	}
	out->rd = (uint8_t)rd;		/* 31 here is XZR: only reached as a NOP */
	out->imm = imm;
	return true;
}

/*
 * SBFM/BFM/UBFM. With datasize D, S = imms and R = immr:
 *   S >= R: field Rn[S:R] goes to bit 0       -> << (63 - S), >> (63 - S + R)
 *   S <  R: field Rn[S:0] goes to bit D - R   -> << (63 - S), >> (63 - S - (D - R))
 * The BFM destination mask is the same shift pair applied to all-ones.
 */
static bool decode_bitfield(uint32_t insn, struct sim_insn *out)
{
	bool sf = a64_bit(insn, 31);
	unsigned opc = a64_bits(insn, 30, 29), n = a64_bit(insn, 22);
	unsigned immr = a64_bits(insn, 21, 16), imms = a64_bits(insn, 15, 10);
	unsigned rd = a64_bits(insn, 4, 0), datasize = sf ? 64 : 32;
	unsigned lsh = 63 - imms, rsh;
	sim_exec_fn fn;

	if (opc == 3 || n != sf || (!sf && (immr | imms) >= 32))
		return false;
	rsh = imms >= immr ? lsh + immr : lsh - (datasize - immr);
	switch (opc) {
	case 0: fn = sf ? sbfm_x : sbfm_w; break;
	case 1: fn = sf ? bfm_x : bfm_w; break;
	default: fn = ubfm; break;
	}
	a64_insn_init(out, insn, rd == 31 ? sim_a64_nop : fn);
	out->rd = (uint8_t)rd;
	out->rn = (uint8_t)a64_bits(insn, 9, 5);
	out->p0 = (uint8_t)lsh;
	out->p1 = (uint8_t)rsh;
	out->imm = (~0ull << lsh) >> rsh;
	return true;
}

static bool decode_extract(uint32_t insn, struct sim_insn *out)
{
	bool sf = a64_bit(insn, 31);
	unsigned imms = a64_bits(insn, 15, 10), rd = a64_bits(insn, 4, 0);

	if (a64_bits(insn, 30, 29) || a64_bit(insn, 21) || a64_bit(insn, 22) != sf ||
	    (!sf && imms >= 32))
		return false;
	a64_insn_init(out, insn, rd == 31 ? sim_a64_nop : sf ? extr_x : extr_w);
	out->rd = (uint8_t)rd;
	out->rn = (uint8_t)a64_bits(insn, 9, 5);
	out->rm = (uint8_t)a64_bits(insn, 20, 16);
	out->p0 = (uint8_t)imms;
	return true;
}

bool sim_decode_dp_imm(uint32_t insn, struct sim_insn *out)
{
	if (a64_bits(insn, 28, 26) != 4)	/* op0 = 100x: data processing (immediate) */
		return false;
	switch (a64_bits(insn, 25, 23)) {
	case 0:
	case 1: return decode_pcrel(insn, out);
	case 2: return decode_addsub_imm(insn, out);
	case 3: return false;			/* ADDG/SUBG: no MTE */
	case 4: return decode_logical_imm(insn, out);
	case 5: return decode_move_wide(insn, out);
	case 6: return decode_bitfield(insn, out);
	default: return decode_extract(insn, out);
	}
}
