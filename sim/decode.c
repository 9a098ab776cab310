// SPDX-License-Identifier: MIT
/*
 * Top-level A64 decoder: routes an instruction word to its encoding group by op0
 * (bits 28:25, Arm ARM C4.1) and, inside "branches, exception generating and system",
 * splits the system part off to a64_system.c.
 */
#include "sim/internal.h"

static bool decode_branch_exc_sys(uint32_t insn, struct sim_insn *out)
{
	if ((insn & 0xff000000u) == 0xd4000000u)	/* exception generation */
		return sim_decode_system(insn, out);
	if ((insn & 0xffc00000u) == 0xd5000000u)	/* system instructions, MRS/MSR */
		return sim_decode_system(insn, out);
	if ((insn & 0xfffffc1fu) == 0xd69f0000u)	/* ERET (and its Rn != 31 UNDEFs) */
		return sim_decode_system(insn, out);
	return sim_decode_branch(insn, out);
}

bool sim_decode(uint32_t insn, struct sim_insn *out)
{
	unsigned op0 = (insn >> 25) & 0xf;

	out->raw = insn;
	switch (op0) {
	case 0x8: case 0x9:
		return sim_decode_dp_imm(insn, out);
	case 0xa: case 0xb:
		return decode_branch_exc_sys(insn, out);
	case 0x4: case 0x6: case 0xc: case 0xe:
		return sim_decode_ldst(insn, out);
	case 0x5: case 0xd:
		return sim_decode_dp_reg(insn, out);
	case 0x7: case 0xf:
		return sim_decode_simd_fp(insn, out);
	default:	/* 0000 reserved/UDF, 0001 unallocated, 0010 SVE, 0011 unallocated */
		return false;
	}
}
