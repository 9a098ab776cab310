// SPDX-License-Identifier: MIT
/*
 * Pattern table: scalar floating point (Arm ARM C4.1.96, "floating-point data
 * processing" and the conversions). Single and double precision; half precision only
 * where Armv8.0 has it (FCVT to and from H). FP16 arithmetic, FJCVTZS and the FRINT32/64
 * family are not generated: the sim does not implement them.
 */
#include "sim/risu/risu.h"

/* FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL: opcodes 0..8. */
static bool fix_fp2(struct risu_ctx *x)
{
	return risu_f(x, "opcode") <= 8;
}

/* FMOV, FABS, FNEG, FSQRT, FCVT (to another precision), FRINTN/P/M/Z/A/X/I. */
static bool fix_fp1(struct risu_ctx *x)
{
	unsigned op = risu_f(x, "opcode"), d = risu_f(x, "d");

	switch (op) {
	case 0: case 1: case 2: case 3: case 7:
	case 8: case 9: case 10: case 11: case 12: case 14: case 15:
		return true;
	case 4: return d == 1;		/* FCVT Sd from Dn */
	case 5: return d == 0;		/* FCVT Dd from Sn */
	default: return false;
	}
}

/* FCMP/FCMPE with #0.0 have Rm = 00000. */
static bool fix_fcmp(struct risu_ctx *x)
{
	if (risu_f(x, "opc") & 1)
		risu_fset(x, "rm", 0);
	return true;
}

/* FCVT{N,P,M,Z}{S,U} take any rounding; SCVTF/UCVTF, FCVTA{S,U} and FMOV only rmode 00;
 * FMOV pairs W with S and X with D. */
static bool fix_fp_int(struct risu_ctx *x)
{
	unsigned op = risu_f(x, "opcode"), rmode = risu_f(x, "rmode");

	if (op <= 1)
		return true;
	if (rmode != 0)
		return false;
	return op < 6 || risu_f(x, "sf") == risu_f(x, "d");
}

/* FCVTZ{S,U} (rmode 11) and {S,U}CVTF (rmode 00) with fractional bits; W forms need
 * scale >= 32 (at most 32 fractional bits). */
static bool fix_fp_fixed(struct risu_ctx *x)
{
	unsigned op = risu_f(x, "opcode"), rmode = risu_f(x, "rmode");

	if (!((rmode == 3 && op <= 1) || (rmode == 0 && (op == 2 || op == 3))))
		return false;
	return risu_f(x, "sf") || risu_f(x, "scale") >= 32;
}

const struct risu_pattern risu_insns_fp[] = {
	{ "FP 2-source", RG_FP, "000 11110 0 d:1 1 rm:5 opcode:4 10 rn:5 rd:5", fix_fp2 },
	{ "FMADD/FMSUB/FNMADD/FNMSUB", RG_FP, "000 11111 0 d:1 o1:1 rm:5 o0:1 ra:5 rn:5 rd:5",
	  NULL },
	{ "FP 1-source", RG_FP, "000 11110 0 d:1 1 opcode:6 10000 rn:5 rd:5", fix_fp1 },
	{ "FCVT from H", RG_FP, "000 11110 11 1 00010 d:1 10000 rn:5 rd:5", NULL },
	{ "FCMP/FCMPE", RG_FP, "000 11110 0 d:1 1 rm:5 00 1000 rn:5 opc:2 000", fix_fcmp },
	{ "FCCMP/FCCMPE", RG_FP, "000 11110 0 d:1 1 rm:5 cond:4 01 rn:5 op:1 nzcv:4", NULL },
	{ "FCSEL", RG_FP, "000 11110 0 d:1 1 rm:5 cond:4 11 rn:5 rd:5", NULL },
	{ "FMOV (immediate)", RG_FP, "000 11110 0 d:1 1 imm8:8 100 00000 rd:5", NULL },
	{ "FP<->integer", RG_FP, "sf:1 0 0 11110 0 d:1 1 rmode:2 opcode:3 000000 rn:5 rd:5",
	  fix_fp_int },
	{ "FMOV (top half)", RG_FP, "1 0 0 11110 10 1 01 11 op:1 000000 rn:5 rd:5", NULL },
	{ "FP<->fixed", RG_FP, "sf:1 0 0 11110 0 d:1 0 rmode:2 opcode:3 scale:6 rn:5 rd:5",
	  fix_fp_fixed },
	{ NULL, 0, NULL, NULL },
};
