// SPDX-License-Identifier: MIT
/*
 * A64 branches: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET. Arm ARM C4.1.65
 * "Branches, Exception Generating and System instructions"; decode.c sends exception
 * generation, system instructions and ERET to sim_decode_system() instead.
 *
 * Offsets are sign-extended and scaled at decode time; conditions become truth tables
 * (a64_cond_table()). A misaligned BR/BLR/RET target is not checked here: the fetch of
 * the next instruction raises the PC alignment fault, as the architecture specifies.
 * No PAuth: BRAA, RETAA and friends are UNDEFINED.
 */
#include "sim/a64_common.h"

/* ---- handlers: imm = byte offset, pad = condition table, p0 = bit number ---------------- */

static void b_imm(struct sim_cpu *c, const struct sim_insn *in)
{
	c->pc += in->imm;
}

static void bl_imm(struct sim_cpu *c, const struct sim_insn *in)
{
	c->x[30] = c->pc + 4;
	c->pc += in->imm;
}

static void b_cond(struct sim_cpu *c, const struct sim_insn *in)
{
	c->pc += a64_cond(c, in->pad) ? in->imm : 4;
}

static void cbz_x(struct sim_cpu *c, const struct sim_insn *in)
{
	c->pc += c->x[in->rd] == 0 ? in->imm : 4;
}

static void cbnz_x(struct sim_cpu *c, const struct sim_insn *in)
{
	c->pc += c->x[in->rd] != 0 ? in->imm : 4;
}

static void cbz_w(struct sim_cpu *c, const struct sim_insn *in)
{
	c->pc += (uint32_t)c->x[in->rd] == 0 ? in->imm : 4;
}

static void cbnz_w(struct sim_cpu *c, const struct sim_insn *in)
{
	c->pc += (uint32_t)c->x[in->rd] != 0 ? in->imm : 4;
}

static void tbz(struct sim_cpu *c, const struct sim_insn *in)
{
	c->pc += ((c->x[in->rd] >> in->p0) & 1) == 0 ? in->imm : 4;
}

static void tbnz(struct sim_cpu *c, const struct sim_insn *in)
{
	c->pc += ((c->x[in->rd] >> in->p0) & 1) != 0 ? in->imm : 4;
}

/* BR and RET (they differ only in the branch-prediction hint). */
static void br_reg(struct sim_cpu *c, const struct sim_insn *in)
{
	c->pc = c->x[in->rn];
}

/* BLR: read the target before writing X30 (BLR X30 branches to the old X30). */
static void blr_reg(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t target = c->x[in->rn];

	c->x[30] = c->pc + 4;
	c->pc = target;
}

/* ---- decoders ------------------------------------------------------------------------ */

static bool decode_uncond_imm(uint32_t insn, struct sim_insn *out)
{
	a64_insn_init(out, insn, a64_bit(insn, 31) ? bl_imm : b_imm);
	out->imm = (uint64_t)a64_sext(a64_bits(insn, 25, 0), 26) * 4;
	return true;
}

static bool decode_cond_branch(uint32_t insn, struct sim_insn *out)
{
	if (a64_bit(insn, 4))		/* BC.cond: FEAT_HBC is not in the CPU model: UNDEFINED */
		return false;
	a64_insn_init(out, insn, b_cond);
	out->imm = (uint64_t)a64_sext(a64_bits(insn, 23, 5), 19) * 4;
	out->pad = a64_cond_table(a64_bits(insn, 3, 0));
	return true;
}

static bool decode_cmp_branch(uint32_t insn, struct sim_insn *out)
{
	static const sim_exec_fn fns[2][2] = { { cbz_w, cbnz_w }, { cbz_x, cbnz_x } };

	a64_insn_init(out, insn, fns[a64_bit(insn, 31)][a64_bit(insn, 24)]);
	out->rd = (uint8_t)a64_bits(insn, 4, 0);
	out->imm = (uint64_t)a64_sext(a64_bits(insn, 23, 5), 19) * 4;
	return true;
}

static bool decode_test_branch(uint32_t insn, struct sim_insn *out)
{
	a64_insn_init(out, insn, a64_bit(insn, 24) ? tbnz : tbz);
	out->rd = (uint8_t)a64_bits(insn, 4, 0);
	out->p0 = (uint8_t)(a64_bit(insn, 31) << 5 | a64_bits(insn, 23, 19));
	out->imm = (uint64_t)a64_sext(a64_bits(insn, 18, 5), 14) * 4;
	return true;
}

static bool decode_branch_reg(uint32_t insn, struct sim_insn *out)
{
	unsigned opc = a64_bits(insn, 24, 21);

	/* op2 = 11111, op3 = 000000 (no PAuth), op4 = 00000; opc BR, BLR, RET. */
	if (a64_bits(insn, 20, 16) != 31 || a64_bits(insn, 15, 10) || a64_bits(insn, 4, 0) ||
	    opc > 2)
		return false;
	a64_insn_init(out, insn, opc == 1 ? blr_reg : br_reg);
	out->rn = (uint8_t)a64_bits(insn, 9, 5);
	return true;
}

bool sim_decode_branch(uint32_t insn, struct sim_insn *out)
{
	if (a64_bits(insn, 30, 26) == 0x05)
		return decode_uncond_imm(insn, out);
	if (a64_bits(insn, 31, 24) == 0x54)
		return decode_cond_branch(insn, out);
	if (a64_bits(insn, 30, 25) == 0x1a)
		return decode_cmp_branch(insn, out);
	if (a64_bits(insn, 30, 25) == 0x1b)
		return decode_test_branch(insn, out);
	if (a64_bits(insn, 31, 25) == 0x6b)
		return decode_branch_reg(insn, out);
	return false;
}
