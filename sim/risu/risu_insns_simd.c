// SPDX-License-Identifier: MIT
/*
 * Pattern tables: Advanced SIMD, integer (risu_insns_simd) and floating point
 * (risu_insns_simdfp), vector and scalar forms (Arm ARM C4.1.96).
 *
 * Not generated, because the sim does not implement them (docs/SIM.md, a64_simd.c):
 * crypto, FP16 arithmetic, dot products, RDM (SQRDMLAH/SQRDMLSH), complex numbers,
 * FRINT32/64, BFloat16, FMLAL/FMLSL, FRECPE/FRSQRTE/FRECPX, URECPE/URSQRTE, the scalar
 * three-different forms (SQDMLAL and friends) and the integer scalar by-element forms.
 *
 * Size constraints, as fix functions:
 *   no64   size != 11 (no 64-bit elements)
 *   sizeq  size == 11 only with Q = 1 (2D)
 *   hs     halfword or word elements only
 */
#include "sim/risu/risu.h"

static bool fix_no64(struct risu_ctx *x)
{
	return risu_f(x, "size") != 3;
}

static bool fix_sizeq(struct risu_ctx *x)
{
	return risu_f(x, "size") != 3 || risu_f(x, "q");
}

static bool fix_hs(struct risu_ctx *x)
{
	unsigned size = risu_f(x, "size");

	return size == 1 || size == 2;
}

/* Across lanes: no D elements, and S only over four lanes. */
static bool fix_across(struct risu_ctx *x)
{
	unsigned size = risu_f(x, "size");

	return size < 2 || (size == 2 && risu_f(x, "q"));
}

/* ---- copy ------------------------------------------------------------------------------ */

/* Element size (log2 bytes) from imm5, or 4 for the reserved x0000. */
static unsigned imm5_esize(struct risu_ctx *x)
{
	unsigned imm5 = risu_f(x, "imm5");

	return (imm5 & 0xf) ? (unsigned)__builtin_ctz(imm5) : 4;
}

static bool fix_dup(struct risu_ctx *x)
{
	unsigned esz = imm5_esize(x);

	return esz < 3 || (esz == 3 && risu_f(x, "q"));
}

static bool fix_imm5(struct risu_ctx *x)
{
	return imm5_esize(x) < 4;
}

static bool fix_smov(struct risu_ctx *x)
{
	return imm5_esize(x) < 2 + risu_f(x, "q");
}

static bool fix_umov(struct risu_ctx *x)
{
	unsigned esz = imm5_esize(x);

	return risu_f(x, "q") ? esz == 3 : esz < 3;
}

/* MOVI/MVNI/ORR/BIC/FMOV: only FMOV (vector, double) lacks a 64-bit form. */
static bool fix_modimm(struct risu_ctx *x)
{
	return !(risu_f(x, "op") && risu_f(x, "cmode") == 15 && !risu_f(x, "q"));
}

/* ---- shifts by immediate ------------------------------------------------------------- */

static bool fix_shift(struct risu_ctx *x)
{
	unsigned immh = risu_f(x, "immh");

	return immh && (!(immh & 8) || risu_f(x, "q"));
}

static bool fix_shift_narrow(struct risu_ctx *x)
{
	unsigned immh = risu_f(x, "immh");

	return immh && immh < 8;
}

static bool fix_shift_scalar_d(struct risu_ctx *x)
{
	return risu_f(x, "immh") & 8;
}

static bool fix_shift_nonzero(struct risu_ctx *x)
{
	return risu_f(x, "immh") != 0;
}

/*
 * Fixed-point conversions: opcode 11100 ({S,U}CVTF) or 11111 (FCVTZ{S,U}); S (immh
 * 01xx) or D (1xxx, vector needs Q); 001x is FP16.
 */
static bool fix_fp_fixed_scalar(struct risu_ctx *x)
{
	return risu_f(x, "op") == risu_f(x, "op2") && risu_f(x, "immh") >= 4;
}

static bool fix_fp_fixed_vec(struct risu_ctx *x)
{
	return fix_fp_fixed_scalar(x) && (!(risu_f(x, "immh") & 8) || risu_f(x, "q"));
}

/* SQDMLAL, SQDMLSL, SQDMULL (opcode 1111 is unallocated). */
static bool fix_sqd_long(struct risu_ctx *x)
{
	return risu_f(x, "op") != 3 && fix_hs(x);
}

/* ---- permutes, EXT ---------------------------------------------------------------------- */

static bool fix_permute(struct risu_ctx *x)
{
	unsigned op = risu_f(x, "opcode");

	return (op & 3) != 0 && fix_sizeq(x);
}

static bool fix_ext(struct risu_ctx *x)
{
	return risu_f(x, "q") || risu_f(x, "imm4") < 8;
}

/* ---- floating point ------------------------------------------------------------------ */

/* Vector three-same FP, by U:a:opcode (the implemented Armv8.0 set). */
static bool fix_fp3(struct risu_ctx *x)
{
	static const uint32_t valid =
		1u << 0x00 | 1u << 0x01 | 1u << 0x02 | 1u << 0x03 | 1u << 0x04 | 1u << 0x06 |
		1u << 0x07 | 1u << 0x08 | 1u << 0x09 | 1u << 0x0a | 1u << 0x0e | 1u << 0x0f |
		1u << 0x10 | 1u << 0x12 | 1u << 0x13 | 1u << 0x14 | 1u << 0x15 | 1u << 0x16 |
		1u << 0x17 | 1u << 0x18 | 1u << 0x1a | 1u << 0x1c | 1u << 0x1d | 1u << 0x1e;
	unsigned idx = risu_f(x, "u") << 4 | risu_f(x, "a") << 3 | risu_f(x, "opc");

	return (valid >> idx) & 1 && (!risu_f(x, "sz") || risu_f(x, "q"));
}

/* Scalar three-same FP: FMULX, FCMEQ, FRECPS, FRSQRTS, FCMGE, FACGE, FABD, FCMGT, FACGT. */
static bool fix_fp3_scalar(struct risu_ctx *x)
{
	static const uint32_t valid = 1u << 0x03 | 1u << 0x04 | 1u << 0x07 | 1u << 0x0f |
				      1u << 0x14 | 1u << 0x15 | 1u << 0x1a | 1u << 0x1c |
				      1u << 0x1d;
	unsigned idx = risu_f(x, "u") << 4 | risu_f(x, "a") << 3 | risu_f(x, "opc");

	return (valid >> idx) & 1;
}

/* Two-register misc FP shared by vector and scalar forms (opcodes 01100..11111). */
static bool fp_misc_valid(unsigned op, unsigned u, unsigned a, bool scalar)
{
	switch (op) {
	case 0x0c: case 0x0d: return a;				/* FCMGT/GE/EQ/LE #0 */
	case 0x0e: return a && !u;				/* FCMLT #0 */
	case 0x0f: return a && !scalar;				/* FABS, FNEG */
	case 0x18: return !scalar && !(u && a);			/* FRINTN/P/A */
	case 0x19: return !scalar;				/* FRINTM/Z/X/I */
	case 0x1a: case 0x1b: return true;			/* FCVT{N,P,M,Z}{S,U} */
	case 0x1c: case 0x1d: return !a;			/* FCVTA{S,U}, {S,U}CVTF */
	case 0x1f: return u && a && !scalar;			/* FSQRT */
	default: return false;
	}
}

static bool fix_fp_misc(struct risu_ctx *x)
{
	return fp_misc_valid(risu_f(x, "opcode"), risu_f(x, "u"), risu_f(x, "a"), false) &&
	       (!risu_f(x, "sz") || risu_f(x, "q"));
}

static bool fix_fp_misc_scalar(struct risu_ctx *x)
{
	return fp_misc_valid(risu_f(x, "opcode"), risu_f(x, "u"), risu_f(x, "a"), true);
}

/* FCVTXN narrows D to S only. */
static bool fix_fcvtxn(struct risu_ctx *x)
{
	risu_fset(x, "sz", 1);
	return true;
}

/* FMLA, FMLS, FMUL (U=0) and FMULX (U=1) by element; D elements need L = 0 (and Q). */
static bool fp_elem_valid(struct risu_ctx *x, bool scalar)
{
	unsigned op = risu_f(x, "opcode"), u = risu_f(x, "u"), sz = risu_f(x, "sz");

	if (!(op == 9 || (!u && (op == 1 || op == 5))))
		return false;
	if (sz && risu_f(x, "l"))
		return false;
	return scalar || !sz || risu_f(x, "q");
}

static bool fix_fp_elem(struct risu_ctx *x)
{
	return fp_elem_valid(x, false);
}

static bool fix_fp_elem_scalar(struct risu_ctx *x)
{
	return fp_elem_valid(x, true);
}

static bool fix_fp_across(struct risu_ctx *x)
{
	unsigned op = risu_f(x, "opcode");

	return op == 0x0c || op == 0x0f;
}

static bool fix_fp_pairwise(struct risu_ctx *x)
{
	unsigned op = risu_f(x, "opcode");

	return op == 0x0c || op == 0x0f || (op == 0x0d && !risu_f(x, "a"));
}

#define V3(name, opc, fix) \
	{ name, RG_SIMD, "0 q:1 u:1 01110 size:2 1 rm:5 " opc " 1 rn:5 rd:5", fix }
#define S3(name, opc, size, fix) \
	{ name " (scalar)", RG_SIMD, "01 u:1 11110 " size " 1 rm:5 " opc " 1 rn:5 rd:5", fix }
#define V3D(name, opc, fix) \
	{ name, RG_SIMD, "0 q:1 u:1 01110 size:2 1 rm:5 " opc " 00 rn:5 rd:5", fix }
#define V2(name, u, opc, size, fix) \
	{ name, RG_SIMD, "0 q:1 " u " 01110 " size " 10000 " opc " 10 rn:5 rd:5", fix }
#define S2(name, u, opc, size, fix) \
	{ name " (scalar)", RG_SIMD, "01 " u " 11110 " size " 10000 " opc " 10 rn:5 rd:5", fix }
#define VSH(name, u, opc, fix) \
	{ name, RG_SIMD, "0 q:1 " u " 011110 immh:4 immb:3 " opc " 1 rn:5 rd:5", fix }
#define SSH(name, u, opc, fix) \
	{ name " (scalar)", RG_SIMD, "01 " u " 111110 immh:4 immb:3 " opc " 1 rn:5 rd:5", fix }
#define VEL(name, u, opc) \
	{ name, RG_SIMD, "0 q:1 " u " 01111 size:2 l:1 m:1 rm:4 " opc " h:1 0 rn:5 rd:5", fix_hs }

const struct risu_pattern risu_insns_simd[] = {
	/* three same */
	V3("SHADD/UHADD", "00000", fix_no64),
	V3("SQADD/UQADD", "00001", fix_sizeq),
	V3("SRHADD/URHADD", "00010", fix_no64),
	{ "AND/BIC/ORR/ORN/EOR/BSL/BIT/BIF", RG_SIMD,
	  "0 q:1 u:1 01110 opc:2 1 rm:5 00011 1 rn:5 rd:5", NULL },
	V3("SHSUB/UHSUB", "00100", fix_no64),
	V3("SQSUB/UQSUB", "00101", fix_sizeq),
	V3("CMGT/CMHI", "00110", fix_sizeq),
	V3("CMGE/CMHS", "00111", fix_sizeq),
	V3("SSHL/USHL", "01000", fix_sizeq),
	V3("SQSHL/UQSHL (register)", "01001", fix_sizeq),
	V3("SRSHL/URSHL", "01010", fix_sizeq),
	V3("SQRSHL/UQRSHL", "01011", fix_sizeq),
	V3("SMAX/UMAX", "01100", fix_no64),
	V3("SMIN/UMIN", "01101", fix_no64),
	V3("SABD/UABD", "01110", fix_no64),
	V3("SABA/UABA", "01111", fix_no64),
	V3("ADD/SUB (vector)", "10000", fix_sizeq),
	V3("CMTST/CMEQ", "10001", fix_sizeq),
	V3("MLA/MLS", "10010", fix_no64),
	{ "MUL (vector)", RG_SIMD, "0 q:1 0 01110 size:2 1 rm:5 10011 1 rn:5 rd:5", fix_no64 },
	{ "PMUL", RG_SIMD, "0 q:1 1 01110 00 1 rm:5 10011 1 rn:5 rd:5", NULL },
	V3("SMAXP/UMAXP", "10100", fix_no64),
	V3("SMINP/UMINP", "10101", fix_no64),
	V3("SQDMULH/SQRDMULH", "10110", fix_hs),
	{ "ADDP (vector)", RG_SIMD, "0 q:1 0 01110 size:2 1 rm:5 10111 1 rn:5 rd:5", fix_sizeq },
	S3("SQADD/UQADD", "00001", "size:2", NULL),
	S3("SQSUB/UQSUB", "00101", "size:2", NULL),
	S3("SQSHL/UQSHL (register)", "01001", "size:2", NULL),
	S3("SQRSHL/UQRSHL", "01011", "size:2", NULL),
	S3("CMGT/CMHI", "00110", "11", NULL),
	S3("CMGE/CMHS", "00111", "11", NULL),
	S3("SSHL/USHL", "01000", "11", NULL),
	S3("SRSHL/URSHL", "01010", "11", NULL),
	S3("ADD/SUB", "10000", "11", NULL),
	S3("CMTST/CMEQ", "10001", "11", NULL),
	S3("SQDMULH/SQRDMULH", "10110", "size:2", fix_hs),
	/* three different */
	V3D("SADDL/UADDL", "0000", fix_no64),
	V3D("SADDW/UADDW", "0001", fix_no64),
	V3D("SSUBL/USUBL", "0010", fix_no64),
	V3D("SSUBW/USUBW", "0011", fix_no64),
	V3D("ADDHN/RADDHN", "0100", fix_no64),
	V3D("SABAL/UABAL", "0101", fix_no64),
	V3D("SUBHN/RSUBHN", "0110", fix_no64),
	V3D("SABDL/UABDL", "0111", fix_no64),
	V3D("SMLAL/UMLAL", "1000", fix_no64),
	V3D("SMLSL/UMLSL", "1010", fix_no64),
	V3D("SMULL/UMULL", "1100", fix_no64),
	{ "SQDMLAL/SQDMLSL/SQDMULL", RG_SIMD,
	  "0 q:1 0 01110 size:2 1 rm:5 1 op:2 1 00 rn:5 rd:5", fix_sqd_long },
	{ "PMULL (8-bit)", RG_SIMD, "0 q:1 0 01110 00 1 rm:5 1110 00 rn:5 rd:5", NULL },
	/* two-register miscellaneous */
	V2("REV64", "0", "00000", "size:2", fix_no64),
	V2("REV32", "1", "00000", "0 size:1", NULL),
	V2("REV16", "0", "00001", "00", NULL),
	V2("SADDLP/UADDLP", "u:1", "00010", "size:2", fix_no64),
	V2("SUQADD/USQADD", "u:1", "00011", "size:2", fix_sizeq),
	V2("CLS/CLZ", "u:1", "00100", "size:2", fix_no64),
	V2("CNT", "0", "00101", "00", NULL),
	V2("NOT/RBIT", "1", "00101", "0 size:1", NULL),
	V2("SADALP/UADALP", "u:1", "00110", "size:2", fix_no64),
	V2("SQABS/SQNEG", "u:1", "00111", "size:2", fix_sizeq),
	V2("CMGT/CMGE #0", "u:1", "01000", "size:2", fix_sizeq),
	V2("CMEQ/CMLE #0", "u:1", "01001", "size:2", fix_sizeq),
	V2("CMLT #0", "0", "01010", "size:2", fix_sizeq),
	V2("ABS/NEG", "u:1", "01011", "size:2", fix_sizeq),
	V2("XTN/SQXTUN", "u:1", "10010", "size:2", fix_no64),
	V2("SHLL", "1", "10011", "size:2", fix_no64),
	V2("SQXTN/UQXTN", "u:1", "10100", "size:2", fix_no64),
	S2("SUQADD/USQADD", "u:1", "00011", "size:2", NULL),
	S2("SQABS/SQNEG", "u:1", "00111", "size:2", NULL),
	S2("CMGT/CMGE #0", "u:1", "01000", "11", NULL),
	S2("CMEQ/CMLE #0", "u:1", "01001", "11", NULL),
	S2("CMLT #0", "0", "01010", "11", NULL),
	S2("ABS/NEG", "u:1", "01011", "11", NULL),
	S2("SQXTUN", "1", "10010", "size:2", fix_no64),
	S2("SQXTN/UQXTN", "u:1", "10100", "size:2", fix_no64),
	/* across lanes, pairwise */
	{ "SADDLV/UADDLV", RG_SIMD, "0 q:1 u:1 01110 size:2 11000 00011 10 rn:5 rd:5", fix_across },
	{ "SMAXV/UMAXV", RG_SIMD, "0 q:1 u:1 01110 size:2 11000 01010 10 rn:5 rd:5", fix_across },
	{ "SMINV/UMINV", RG_SIMD, "0 q:1 u:1 01110 size:2 11000 11010 10 rn:5 rd:5", fix_across },
	{ "ADDV", RG_SIMD, "0 q:1 0 01110 size:2 11000 11011 10 rn:5 rd:5", fix_across },
	{ "ADDP (scalar)", RG_SIMD, "01 0 11110 11 11000 11011 10 rn:5 rd:5", NULL },
	/* copy, modified immediate */
	{ "DUP (element)", RG_SIMD, "0 q:1 0 01110000 imm5:5 0 0000 1 rn:5 rd:5", fix_dup },
	{ "DUP (general)", RG_SIMD, "0 q:1 0 01110000 imm5:5 0 0001 1 rn:5 rd:5", fix_dup },
	{ "INS (general)", RG_SIMD, "0 1 0 01110000 imm5:5 0 0011 1 rn:5 rd:5", fix_imm5 },
	{ "SMOV", RG_SIMD, "0 q:1 0 01110000 imm5:5 0 0101 1 rn:5 rd:5", fix_smov },
	{ "UMOV", RG_SIMD, "0 q:1 0 01110000 imm5:5 0 0111 1 rn:5 rd:5", fix_umov },
	{ "INS (element)", RG_SIMD, "0 1 1 01110000 imm5:5 0 imm4:4 1 rn:5 rd:5", fix_imm5 },
	{ "DUP (scalar)", RG_SIMD, "01 0 11110000 imm5:5 0 0000 1 rn:5 rd:5", fix_imm5 },
	{ "MOVI/MVNI/ORR/BIC/FMOV (vector, imm)", RG_SIMD,
	  "0 q:1 op:1 0111100000 abc:3 cmode:4 0 1 defgh:5 rd:5", fix_modimm },
	/* shift by immediate */
	VSH("SSHR/USHR", "u:1", "00000", fix_shift),
	VSH("SSRA/USRA", "u:1", "00010", fix_shift),
	VSH("SRSHR/URSHR", "u:1", "00100", fix_shift),
	VSH("SRSRA/URSRA", "u:1", "00110", fix_shift),
	VSH("SRI", "1", "01000", fix_shift),
	VSH("SHL/SLI", "u:1", "01010", fix_shift),
	VSH("SQSHLU", "1", "01100", fix_shift),
	VSH("SQSHL/UQSHL (immediate)", "u:1", "01110", fix_shift),
	VSH("SHRN/RSHRN/SQSHRUN/SQRSHRUN", "u:1", "1000 r:1", fix_shift_narrow),
	VSH("SQSHRN/UQSHRN/SQRSHRN/UQRSHRN", "u:1", "1001 r:1", fix_shift_narrow),
	VSH("SSHLL/USHLL", "u:1", "10100", fix_shift_narrow),
	SSH("SSHR/USHR", "u:1", "00000", fix_shift_scalar_d),
	SSH("SSRA/USRA", "u:1", "00010", fix_shift_scalar_d),
	SSH("SRSHR/URSHR", "u:1", "00100", fix_shift_scalar_d),
	SSH("SRSRA/URSRA", "u:1", "00110", fix_shift_scalar_d),
	SSH("SRI", "1", "01000", fix_shift_scalar_d),
	SSH("SHL/SLI", "u:1", "01010", fix_shift_scalar_d),
	SSH("SQSHLU", "1", "01100", fix_shift_nonzero),
	SSH("SQSHL/UQSHL (immediate)", "u:1", "01110", fix_shift_nonzero),
	SSH("SQSHRUN/SQRSHRUN", "1", "1000 r:1", fix_shift_narrow),
	SSH("SQSHRN/UQSHRN/SQRSHRN/UQRSHRN", "u:1", "1001 r:1", fix_shift_narrow),
	/* by element */
	VEL("MLA/MLS (element)", "1", "0 op:1 00"),
	VEL("MUL (element)", "0", "1000"),
	VEL("SQDMULH/SQRDMULH (element)", "0", "110 r:1"),
	VEL("SMLAL/UMLAL/SMLSL/UMLSL (element)", "u:1", "0 op:1 10"),
	VEL("SMULL/UMULL (element)", "u:1", "1010"),
	VEL("SQDMLAL/SQDMLSL (element)", "0", "0 op:1 11"),
	VEL("SQDMULL (element)", "0", "1011"),
	/* permutes, EXT, table lookups */
	{ "UZP/TRN/ZIP", RG_SIMD, "0 q:1 001110 size:2 0 rm:5 0 opcode:3 10 rn:5 rd:5",
	  fix_permute },
	{ "EXT", RG_SIMD, "0 q:1 101110 00 0 rm:5 0 imm4:4 0 rn:5 rd:5", fix_ext },
	{ "TBL/TBX", RG_SIMD, "0 q:1 001110 00 0 rm:5 0 len:2 op:1 00 rn:5 rd:5", NULL },
	{ NULL, 0, NULL, NULL },
};

const struct risu_pattern risu_insns_simdfp[] = {
	{ "FP three same (vector)", RG_SIMDFP,
	  "0 q:1 u:1 01110 a:1 sz:1 1 rm:5 11 opc:3 1 rn:5 rd:5", fix_fp3 },
	{ "FP three same (scalar)", RG_SIMDFP,
	  "01 u:1 11110 a:1 sz:1 1 rm:5 11 opc:3 1 rn:5 rd:5", fix_fp3_scalar },
	{ "FP two-reg misc (vector)", RG_SIMDFP,
	  "0 q:1 u:1 01110 a:1 sz:1 10000 opcode:5 10 rn:5 rd:5", fix_fp_misc },
	{ "FP two-reg misc (scalar)", RG_SIMDFP,
	  "01 u:1 11110 a:1 sz:1 10000 opcode:5 10 rn:5 rd:5", fix_fp_misc_scalar },
	{ "FCVTN/FCVTN2", RG_SIMDFP, "0 q:1 0 01110 0 sz:1 10000 10110 10 rn:5 rd:5", NULL },
	{ "FCVTXN/FCVTXN2", RG_SIMDFP, "0 q:1 1 01110 0 sz:1 10000 10110 10 rn:5 rd:5",
	  fix_fcvtxn },
	{ "FCVTXN (scalar)", RG_SIMDFP, "01 1 11110 0 sz:1 10000 10110 10 rn:5 rd:5", fix_fcvtxn },
	{ "FCVTL/FCVTL2", RG_SIMDFP, "0 q:1 0 01110 0 sz:1 10000 10111 10 rn:5 rd:5", NULL },
	{ "FMAXNMV/FMINNMV/FMAXV/FMINV", RG_SIMDFP,
	  "0 1 1 01110 a:1 0 11000 opcode:5 10 rn:5 rd:5", fix_fp_across },
	{ "FP pairwise (scalar)", RG_SIMDFP,
	  "01 1 11110 a:1 sz:1 11000 opcode:5 10 rn:5 rd:5", fix_fp_pairwise },
	{ "SCVTF/UCVTF/FCVTZS/FCVTZU (vector, fixed)", RG_SIMDFP,
	  "0 q:1 u:1 011110 immh:4 immb:3 111 op:1 op2:1 1 rn:5 rd:5", fix_fp_fixed_vec },
	{ "SCVTF/UCVTF/FCVTZS/FCVTZU (scalar, fixed)", RG_SIMDFP,
	  "01 u:1 111110 immh:4 immb:3 111 op:1 op2:1 1 rn:5 rd:5", fix_fp_fixed_scalar },
	{ "FMLA/FMLS/FMUL/FMULX (element)", RG_SIMDFP,
	  "0 q:1 u:1 01111 1 sz:1 l:1 m:1 rm:4 opcode:4 h:1 0 rn:5 rd:5", fix_fp_elem },
	{ "FMLA/FMLS/FMUL/FMULX (scalar, element)", RG_SIMDFP,
	  "01 u:1 11111 1 sz:1 l:1 m:1 rm:4 opcode:4 h:1 0 rn:5 rd:5", fix_fp_elem_scalar },
	{ NULL, 0, NULL, NULL },
};
