// SPDX-License-Identifier: MIT
/*
 * Pattern table: integer data processing, branches and the harmless system
 * instructions (Arm ARM C4.1 encoding index). Fields are drawn at random; the fix
 * functions reject what is UNALLOCATED or CONSTRAINED UNPREDICTABLE and aim branches
 * forward inside the sequence.
 */
#include "sim/risu/risu.h"

/* ---- constraints ---------------------------------------------------------------------- */

/* 32-bit forms take shift amounts 0..31 only. */
static bool fix_imm6_sf(struct risu_ctx *x)
{
	return risu_f(x, "sf") || risu_f(x, "imm6") < 32;
}

static bool fix_addsub_shifted(struct risu_ctx *x)
{
	return risu_f(x, "shift") != 3 && fix_imm6_sf(x);
}

static bool fix_addsub_ext(struct risu_ctx *x)
{
	return risu_f(x, "imm3") <= 4;
}

static bool fix_logical_imm(struct risu_ctx *x)
{
	unsigned sf = risu_f(x, "sf");

	return risu_valid_bitmask(risu_f(x, "n"), risu_f(x, "imms"), risu_f(x, "immr"),
				  sf ? 64 : 32);
}

static bool fix_move_wide(struct risu_ctx *x)
{
	return risu_f(x, "opc") != 1 && (risu_f(x, "sf") || risu_f(x, "hw") < 2);
}

static bool fix_bitfield(struct risu_ctx *x)
{
	unsigned sf = risu_f(x, "sf");

	risu_fset(x, "n", sf);
	return risu_f(x, "opc") != 3 && (sf || (risu_f(x, "immr") < 32 && risu_f(x, "imms") < 32));
}

static bool fix_extr(struct risu_ctx *x)
{
	unsigned sf = risu_f(x, "sf");

	risu_fset(x, "n", sf);
	return sf || risu_f(x, "imms") < 32;
}

/* RBIT, REV16, REV (32-bit: opc 10), REV (64-bit: opc 11, X only). */
static bool fix_rev(struct risu_ctx *x)
{
	return risu_f(x, "sf") || risu_f(x, "opc") != 3;
}

/* CRC32X/CRC32CX are the 64-bit forms; the rest take W registers. */
static bool fix_crc(struct risu_ctx *x)
{
	return risu_f(x, "sf") == (risu_f(x, "sz") == 3);
}

/* ---- branches: the immediate is filled in once every group has its address ---------- */

static bool fix_b(struct risu_ctx *x)
{
	risu_fset(x, "imm26", 0);
	risu_branch(x, RB_IMM26, -1);
	return true;
}

static bool fix_imm19_branch(struct risu_ctx *x)
{
	risu_fset(x, "imm19", 0);
	risu_branch(x, RB_IMM19, -1);
	return true;
}

static bool fix_tbz(struct risu_ctx *x)
{
	risu_fset(x, "imm14", 0);
	risu_branch(x, RB_IMM14, -1);
	return true;
}

/* BR, BLR, RET: ADR Xn, target just before. Xn = 31 would be XZR. */
static bool fix_indirect(struct risu_ctx *x)
{
	unsigned rn = risu_f(x, "rn");

	if (rn == 31 || risu_f(x, "opc") == 3)
		return false;
	risu_emit(x, 0x10000000u | rn);
	risu_branch(x, RB_ADR, 0);
	return true;
}

/* DSB #0 and #4 are SSBB and PSSBB, speculation barriers of their own. */
static bool fix_dsb(struct risu_ctx *x)
{
	unsigned crm = risu_f(x, "crm");

	return crm != 0 && crm != 4;
}

const struct risu_pattern risu_insns_int[] = {
	/* data processing, immediate */
	{ "ADR", RG_ALU, "0 immlo:2 10000 immhi:19 rd:5", NULL },
	{ "ADRP", RG_ALU, "1 immlo:2 10000 immhi:19 rd:5", NULL },
	{ "ADD/SUB(S) imm", RG_ALU, "sf:1 op:1 s:1 100010 sh:1 imm12:12 rn:5 rd:5", NULL },
	{ "AND/ORR/EOR/ANDS imm", RG_ALU, "sf:1 opc:2 100100 n:1 immr:6 imms:6 rn:5 rd:5",
	  fix_logical_imm },
	{ "MOVN/MOVZ/MOVK", RG_ALU, "sf:1 opc:2 100101 hw:2 imm16:16 rd:5", fix_move_wide },
	/* data processing, register */
	{ "logical shifted", RG_ALU, "sf:1 opc:2 01010 shift:2 n:1 rm:5 imm6:6 rn:5 rd:5",
	  fix_imm6_sf },
	{ "ADD/SUB(S) shifted", RG_ALU, "sf:1 op:1 s:1 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5",
	  fix_addsub_shifted },
	{ "ADD/SUB(S) extended", RG_ALU,
	  "sf:1 op:1 s:1 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5", fix_addsub_ext },
	{ "ADC/SBC(S)", RG_ALU, "sf:1 op:1 s:1 11010000 rm:5 000000 rn:5 rd:5", NULL },
	/* bitfield, extract, one source */
	{ "SBFM/BFM/UBFM", RG_BITFIELD, "sf:1 opc:2 100110 n:1 immr:6 imms:6 rn:5 rd:5",
	  fix_bitfield },
	{ "EXTR", RG_BITFIELD, "sf:1 00 100111 n:1 0 rm:5 imms:6 rn:5 rd:5", fix_extr },
	{ "RBIT/REV16/REV32/REV", RG_BITFIELD, "sf:1 1 0 11010110 00000 0000 opc:2 rn:5 rd:5",
	  fix_rev },
	{ "CLZ/CLS", RG_BITFIELD, "sf:1 1 0 11010110 00000 00010 op:1 rn:5 rd:5", NULL },
	/* conditional */
	{ "CSEL/CSINC/CSINV/CSNEG", RG_COND,
	  "sf:1 op:1 0 11010100 rm:5 cond:4 0 o2:1 rn:5 rd:5", NULL },
	{ "CCMN/CCMP reg", RG_COND, "sf:1 op:1 1 11010010 rm:5 cond:4 0 0 rn:5 0 nzcv:4", NULL },
	{ "CCMN/CCMP imm", RG_COND, "sf:1 op:1 1 11010010 imm5:5 cond:4 1 0 rn:5 0 nzcv:4", NULL },
	/* multiply, divide, variable shifts */
	{ "MADD/MSUB", RG_MULDIV, "sf:1 00 11011 000 rm:5 o0:1 ra:5 rn:5 rd:5", NULL },
	{ "SMADDL/SMSUBL/UMADDL/UMSUBL", RG_MULDIV, "1 00 11011 u:1 01 rm:5 o0:1 ra:5 rn:5 rd:5",
	  NULL },
	{ "SMULH/UMULH", RG_MULDIV, "1 00 11011 u:1 10 rm:5 0 11111 rn:5 rd:5", NULL },
	{ "UDIV/SDIV", RG_MULDIV, "sf:1 0 0 11010110 rm:5 00001 o1:1 rn:5 rd:5", NULL },
	{ "LSLV/LSRV/ASRV/RORV", RG_MULDIV, "sf:1 0 0 11010110 rm:5 0010 op2:2 rn:5 rd:5", NULL },
	{ "CRC32/CRC32C", RG_CRC, "sf:1 0 0 11010110 rm:5 010 c:1 sz:2 rn:5 rd:5", fix_crc },
	/* branches: forward, inside the sequence */
	{ "B/BL", RG_BRANCH, "op:1 00101 imm26:26", fix_b },
	{ "B.cond", RG_BRANCH, "01010100 imm19:19 0 cond:4", fix_imm19_branch },
	{ "CBZ/CBNZ", RG_BRANCH, "sf:1 011010 op:1 imm19:19 rt:5", fix_imm19_branch },
	{ "TBZ/TBNZ", RG_BRANCH, "b5:1 011011 op:1 b40:5 imm14:14 rt:5", fix_tbz },
	{ "BR/BLR/RET", RG_BRANCH, "1101011 0 0 opc:2 11111 000000 rn:5 00000", fix_indirect },
	/* harmless system instructions */
	{ "NOP", RG_SYS, "11010101000000110010000000011111", NULL },
	{ "DSB", RG_SYS, "11010101000000110011 crm:4 100 11111", fix_dsb },
	{ "DMB", RG_SYS, "11010101000000110011 crm:4 101 11111", NULL },
	{ "ISB", RG_SYS, "11010101000000110011 crm:4 110 11111", NULL },
	{ "CLREX", RG_SYS, "11010101000000110011 crm:4 010 11111", NULL },
	{ "MRS NZCV", RG_SYS, "110101010011101101000010000 rt:5", NULL },
	{ "MSR NZCV", RG_SYS, "110101010001101101000010000 rt:5", NULL },
	{ "MRS FPCR", RG_SYS, "110101010011101101000100000 rt:5", NULL },
	{ "MRS FPSR", RG_SYS, "110101010011101101000100001 rt:5", NULL },
	{ NULL, 0, NULL, NULL },
};
