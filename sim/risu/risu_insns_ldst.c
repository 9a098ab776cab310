// SPDX-License-Identifier: MIT
/*
 * Pattern table: loads and stores (general-purpose and SIMD&FP registers, every
 * addressing mode), pairs, exclusives, load-acquire/store-release, LSE atomics, DC ZVA
 * and the cache maintenance instructions EL0 may use.
 *
 * Each fix function works out the access size from the fields, rejects UNALLOCATED and
 * CONSTRAINED UNPREDICTABLE combinations (writeback into a transfer register, LDP into
 * one register twice, exclusive status registers that overlap), picks an address inside
 * the scratch block and emits the setup words that put the matching base (and index)
 * into the registers. The immediate offsets themselves stay random.
 */
#include "sim/risu/risu.h"

static int64_t sext(uint32_t v, unsigned bits)
{
	return (int64_t)((uint64_t)v << (64 - bits)) >> (64 - bits);
}

/*
 * Choose an effective address for `size` bytes aligned to `align` and emit the setup of
 * base register rn so that base + off is that address. SP as base stays 16-byte aligned.
 * False if no such address exists (the draw is rejected).
 */
static bool plan(struct risu_ctx *x, unsigned rn, int64_t off, unsigned size, unsigned align,
		 uint32_t avoid, uint64_t *ea_out)
{
	uint64_t ea;

	if (rn != 31) {
		ea = risu_mem_pick(x, size, align);
	} else {
		int64_t lo = (int64_t)RISU_SCRATCH_VA - off;
		int64_t hi = (int64_t)(RISU_SCRATCH_VA + RISU_SCRATCH_SIZE - size) - off;
		int64_t first = (lo + 15) & ~15ll;

		if (first > hi || off % (int64_t)align)
			return false;
		ea = (uint64_t)(first + 16 * risu_rng_range(x->rng, 0, (hi - first) / 16) + off);
	}
	risu_mem_set_base(x, rn, ea - (uint64_t)off, avoid);
	if (ea_out)
		*ea_out = ea;
	return true;
}

static uint32_t bit(unsigned r)
{
	return r < 32 ? 1u << r : 0;
}

/* ---- single general-purpose register ------------------------------------------------- */

enum { GK_BAD, GK_LOAD, GK_STORE, GK_PRFM };

/* size:opc of the single-register forms (opc 10/11: sign-extending loads). */
static unsigned gpr_kind(unsigned size, unsigned opc)
{
	if (opc == 0)
		return GK_STORE;
	if (opc == 1)
		return GK_LOAD;
	if (opc == 2)
		return size == 3 ? GK_PRFM : GK_LOAD;
	return size < 2 ? GK_LOAD : GK_BAD;
}

static bool fix_ld_uimm(struct risu_ctx *x)
{
	unsigned size = risu_f(x, "size"), kind = gpr_kind(size, risu_f(x, "opc"));

	if (kind == GK_BAD)
		return false;
	return plan(x, risu_f(x, "rn"), (int64_t)risu_f(x, "imm12") << size, 1u << size, 1,
		    bit(risu_f(x, "rt")), NULL);
}

/* mode 00 unscaled (LDUR, PRFUM), 01 post-index, 10 unprivileged (LDTR), 11 pre-index. */
static bool fix_ld_imm9(struct risu_ctx *x)
{
	unsigned size = risu_f(x, "size"), mode = risu_f(x, "mode");
	unsigned rn = risu_f(x, "rn"), rt = risu_f(x, "rt");
	unsigned kind = gpr_kind(size, risu_f(x, "opc"));
	bool wb = mode == 1 || mode == 3;

	if (kind == GK_BAD || (kind == GK_PRFM && mode != 0))
		return false;
	if (wb && rn == rt && rn != 31)
		return false;
	return plan(x, rn, mode == 1 ? 0 : sext(risu_f(x, "imm9"), 9), 1u << size, 1, bit(rt),
		    NULL);
}

/*
 * Register offset: option 010 UXTW, 011 LSL, 110 SXTW, 111 SXTX; S scales the index by
 * the access size. The index gets a small value; the W forms get junk in the upper half,
 * which the extension must ignore.
 */
static bool plan_reg_offset(struct risu_ctx *x, unsigned scale_log2, unsigned size,
			    uint32_t avoid)
{
	unsigned option = risu_f(x, "option"), rn = risu_f(x, "rn"), rm = risu_f(x, "rm");
	unsigned shift = risu_f(x, "s") ? scale_log2 : 0;
	int64_t idx = risu_rng_range(x->rng, (option & 4) ? -64 : 0, 64);
	uint64_t raw = (uint64_t)idx;

	if (!(option & 2) || rm == rn)
		return false;
	if (rm == 31)			/* XZR: index 0 */
		idx = 0;
	else if (!(option & 1))		/* W index: bits 63:32 are not used */
		raw = (uint32_t)idx | risu_rng_next(x->rng) << 32;
	if (!plan(x, rn, (int64_t)((uint64_t)idx << shift), size, 1, avoid | bit(rm), NULL))
		return false;
	if (rm != 31)
		risu_emit_mov(x, rm, raw);
	return true;
}

static bool fix_ld_reg(struct risu_ctx *x)
{
	unsigned size = risu_f(x, "size");

	if (gpr_kind(size, risu_f(x, "opc")) == GK_BAD)
		return false;
	return plan_reg_offset(x, size, 1u << size, bit(risu_f(x, "rt")));
}

/* Literal loads read the code page: a target inside it, 4-byte aligned. */
static bool aim_literal(struct risu_ctx *x, unsigned size)
{
	uint64_t t = RISU_CODE_VA + 4 * risu_rng_below(x->rng, (RISU_CODE_SIZE - size) / 4 + 1);

	risu_fset(x, "imm19", (uint32_t)((int64_t)(t - risu_pc(x)) >> 2));
	return true;
}

static bool fix_ld_literal(struct risu_ctx *x)
{
	static const unsigned sizes[4] = { 4, 8, 4, 4 };	/* LDR W, LDR X, LDRSW, PRFM */

	return aim_literal(x, sizes[risu_f(x, "opc")]);
}

/* DC ZVA zeroes the 64-byte block holding the address; the scratch block is 64-aligned. */
static bool fix_dc_zva(struct risu_ctx *x)
{
	unsigned rt = risu_f(x, "rt");

	if (rt == 31)
		return false;
	risu_emit_mov(x, rt, risu_mem_pick(x, 1, 1));
	return true;
}

/* DC CVAC/CVAU/CIVAC on the scratch block, IC IVAU on the code region: at EL0 (with
 * SCTLR_EL1.UCI, as Linux sets it) they only need a readable translation. */
static bool fix_cache_maint(struct risu_ctx *x)
{
	unsigned rt = risu_f(x, "rt"), crm = risu_f(x, "crm");
	uint64_t va;

	if (rt == 31)
		return false;
	if (crm == 5)				/* IC IVAU */
		va = RISU_CODE_VA + risu_rng_below(x->rng, RISU_CODE_SIZE);
	else if (crm == 10 || crm == 11 || crm == 14)
		va = risu_mem_pick(x, 1, 1);
	else
		return false;
	risu_emit_mov(x, rt, va);
	return true;
}

/* ---- pairs ---------------------------------------------------------------------------- */

/* idx: 00 non-temporal offset, 01 post-index, 10 offset, 11 pre-index. */
static bool plan_pair(struct risu_ctx *x, unsigned elem, bool load, bool gpr)
{
	unsigned idx = risu_f(x, "idx"), rn = risu_f(x, "rn");
	unsigned rt = risu_f(x, "rt"), rt2 = risu_f(x, "rt2");
	bool wb = idx == 1 || idx == 3;

	if (load && rt == rt2)
		return false;
	if (gpr && wb && rn != 31 && (rn == rt || rn == rt2))
		return false;
	return plan(x, rn, idx == 1 ? 0 : sext(risu_f(x, "imm7"), 7) * elem, 2 * elem, 1,
		    gpr ? bit(rt) | bit(rt2) : 0, NULL);
}

static bool fix_pair(struct risu_ctx *x)
{
	unsigned opc = risu_f(x, "opc"), l = risu_f(x, "l");

	if (opc == 3 || (opc == 1 && (!l || risu_f(x, "idx") == 0)))
		return false;		/* STGP; LDPSW has no store or non-temporal form */
	return plan_pair(x, opc == 2 ? 8 : 4, l, true);
}

static bool fix_simd_pair(struct risu_ctx *x)
{
	unsigned opc = risu_f(x, "opc");

	return opc != 3 && plan_pair(x, 4u << opc, risu_f(x, "l"), false);
}

/* ---- exclusives and ordered accesses -------------------------------------------------- */

/* STXR/STLXR preceded by the matching LDXR/LDAXR on the same address. */
static bool fix_store_exclusive(struct risu_ctx *x)
{
	unsigned size = risu_f(x, "size"), rn = risu_f(x, "rn");
	unsigned rs = risu_f(x, "rs"), rt = risu_f(x, "rt"), lt;

	if (rs == rt || rs == rn)
		return false;
	if (!plan(x, rn, 0, 1u << size, 1u << size, bit(rs) | bit(rt), NULL))
		return false;
	lt = risu_pick_reg(x, bit(rn));
	risu_emit(x, 0x085f7c00u | size << 30 | (uint32_t)risu_rng_below(x->rng, 2) << 15 |
		     rn << 5 | lt);
	return true;
}

/* STXP/STLXP preceded by LDXP/LDAXP; sz selects 32- or 64-bit elements. */
static bool fix_store_exclusive_pair(struct risu_ctx *x)
{
	unsigned sz = risu_f(x, "sz"), rn = risu_f(x, "rn"), rs = risu_f(x, "rs");
	unsigned rt = risu_f(x, "rt"), rt2 = risu_f(x, "rt2"), total = 8u << sz, l1, l2;

	if (rs == rt || rs == rt2 || rs == rn)
		return false;
	if (!plan(x, rn, 0, total, total, bit(rs) | bit(rt) | bit(rt2), NULL))
		return false;
	l1 = risu_pick_reg(x, bit(rn));
	l2 = risu_pick_reg(x, bit(rn) | bit(l1));
	risu_emit(x, 0x887f0000u | sz << 30 | (uint32_t)risu_rng_below(x->rng, 2) << 15 |
		     l2 << 10 | rn << 5 | l1);
	return true;
}

/* Naturally aligned accesses with no offset: LDAR, STLR, LDAPR, LD<op>, SWP. */
static bool fix_aligned(struct risu_ctx *x)
{
	unsigned size = risu_f(x, "size");

	return plan(x, risu_f(x, "rn"), 0, 1u << size, 1u << size,
		    bit(risu_f(x, "rt")) | (risu_fhas(x, "rs") ? bit(risu_f(x, "rs")) : 0), NULL);
}

/* CAS: half the time Rs is preloaded with the memory value, so the swap happens. */
static bool fix_cas(struct risu_ctx *x)
{
	unsigned size = risu_f(x, "size"), rn = risu_f(x, "rn"), rs = risu_f(x, "rs");

	if (!fix_aligned(x))
		return false;
	if (rs != rn && rs != 31 && risu_rng_chance(x->rng, 1, 2))	/* LDR Rs, [Rn] */
		risu_emit(x, 0x39400000u | size << 30 | rn << 5 | rs);
	return true;
}

/* CASP: even register pairs; the access is two elements, aligned to its total size. */
static bool fix_casp(struct risu_ctx *x)
{
	unsigned sz = risu_f(x, "sz"), rn = risu_f(x, "rn");
	unsigned rs = risu_f(x, "rs") & ~1u, rt = risu_f(x, "rt") & ~1u, total = 8u << sz;

	risu_fset(x, "rs", rs);
	risu_fset(x, "rt", rt);
	if (!plan(x, rn, 0, total, total, 3u << rs | 3u << rt, NULL))
		return false;
	if (rs < 30 && rn != rs && rn != rs + 1 && risu_rng_chance(x->rng, 1, 2))
		/* LDP Rs, Rs+1, [Rn] */
		risu_emit(x, 0x29400000u | sz << 31 | (rs + 1) << 10 | rn << 5 | rs);
	return true;
}

/* ---- SIMD&FP single register ---------------------------------------------------------- */

/* size:opc of the SIMD&FP forms: B, H, S, D (opc 0x) or Q (size 00, opc 1x). */
static unsigned simd_size(unsigned size, unsigned opc)
{
	if (opc & 2)
		return size == 0 ? 16 : 0;
	return 1u << size;
}

static unsigned log2u(unsigned v)
{
	return (unsigned)__builtin_ctz(v);
}

static bool fix_simd_uimm(struct risu_ctx *x)
{
	unsigned n = simd_size(risu_f(x, "size"), risu_f(x, "opc"));

	return n && plan(x, risu_f(x, "rn"), (int64_t)risu_f(x, "imm12") * n, n, 1, 0, NULL);
}

static bool fix_simd_imm9(struct risu_ctx *x)
{
	unsigned n = simd_size(risu_f(x, "size"), risu_f(x, "opc")), mode = risu_f(x, "mode");

	if (!n || mode == 2)		/* no unprivileged SIMD&FP forms */
		return false;
	return plan(x, risu_f(x, "rn"), mode == 1 ? 0 : sext(risu_f(x, "imm9"), 9), n, 1, 0, NULL);
}

static bool fix_simd_reg(struct risu_ctx *x)
{
	unsigned n = simd_size(risu_f(x, "size"), risu_f(x, "opc"));

	return n && plan_reg_offset(x, log2u(n), n, 0);
}

static bool fix_simd_literal(struct risu_ctx *x)
{
	unsigned opc = risu_f(x, "opc");

	return opc != 3 && aim_literal(x, 4u << opc);
}

/* ---- SIMD structures ------------------------------------------------------------------ */

/* The post-index register form: Rm = 31 means "by the transfer size". */
static bool post_index(struct risu_ctx *x)
{
	unsigned rm = risu_f(x, "rm");

	if (rm == risu_f(x, "rn"))
		return false;
	if (rm != 31)
		risu_emit_mov(x, rm, risu_rng_chance(x->rng, 1, 2) ?
				     (uint64_t)risu_rng_range(x->rng, -256, 256) :
				     risu_rng_next(x->rng));
	return true;
}

static bool struct_multi(struct risu_ctx *x, bool post)
{
	/* opcode -> registers, elements per structure (0: unallocated) */
	static const uint8_t nregs[16] = { 4, 0, 4, 0, 3, 0, 3, 1, 2, 0, 2 };
	static const uint8_t selem[16] = { 4, 0, 1, 0, 3, 0, 1, 1, 2, 0, 1 };
	unsigned op = risu_f(x, "opcode"), q = risu_f(x, "q");

	if (!nregs[op] || (risu_f(x, "size") == 3 && !q && selem[op] > 1))
		return false;
	if (post && risu_f(x, "rm") == risu_f(x, "rn"))
		return false;
	if (!plan(x, risu_f(x, "rn"), 0, nregs[op] * (q ? 16u : 8u), 1,
		  post ? bit(risu_f(x, "rm")) : 0, NULL))
		return false;
	return !post || post_index(x);
}

static bool fix_struct_multi(struct risu_ctx *x)
{
	return struct_multi(x, false);
}

static bool fix_struct_multi_post(struct risu_ctx *x)
{
	return struct_multi(x, true);
}

/* Element size of a single-structure form, 0 if unallocated. */
static unsigned single_esize(struct risu_ctx *x)
{
	unsigned op = risu_f(x, "opcode") >> 1, size = risu_f(x, "size"), s = risu_f(x, "s");

	switch (op) {
	case 0: return 1;
	case 1: return (size & 1) ? 0 : 2;
	case 2: return size == 0 ? 4 : (size == 1 && !s) ? 8 : 0;
	default: return (risu_f(x, "l") && !s) ? 1u << size : 0;	/* LDnR */
	}
}

static bool struct_single(struct risu_ctx *x, bool post)
{
	unsigned esize = single_esize(x);
	unsigned selem = ((risu_f(x, "opcode") & 1) << 1 | risu_f(x, "r")) + 1;

	if (!esize || (post && risu_f(x, "rm") == risu_f(x, "rn")))
		return false;
	if (!plan(x, risu_f(x, "rn"), 0, selem * esize, 1, post ? bit(risu_f(x, "rm")) : 0, NULL))
		return false;
	return !post || post_index(x);
}

static bool fix_struct_single(struct risu_ctx *x)
{
	return struct_single(x, false);
}

static bool fix_struct_single_post(struct risu_ctx *x)
{
	return struct_single(x, true);
}

const struct risu_pattern risu_insns_ldst[] = {
	/* general-purpose registers */
	{ "LDR/STR (unsigned offset)", RG_LDST, "size:2 111 0 01 opc:2 imm12:12 rn:5 rt:5",
	  fix_ld_uimm },
	{ "LDUR/LDR pre/post/LDTR", RG_LDST, "size:2 111 0 00 opc:2 0 imm9:9 mode:2 rn:5 rt:5",
	  fix_ld_imm9 },
	{ "LDR/STR (register)", RG_LDST,
	  "size:2 111 0 00 opc:2 1 rm:5 option:3 s:1 10 rn:5 rt:5", fix_ld_reg },
	{ "LDR (literal)", RG_LDST, "opc:2 011 0 00 imm19:19 rt:5", fix_ld_literal },
	{ "DC ZVA", RG_LDST, "110101010000101101110100001 rt:5", fix_dc_zva },
	{ "DC CVAC/CVAU/CIVAC, IC IVAU", RG_SYS, "11010101000010110111 crm:4 001 rt:5",
	  fix_cache_maint },
	{ "LDP/STP/LDPSW/LDNP/STNP", RG_PAIR, "opc:2 101 0 0 idx:2 l:1 imm7:7 rt2:5 rn:5 rt:5",
	  fix_pair },
	/* exclusives, ordered */
	{ "LDXR+STXR", RG_EXCL, "size:2 001000 0 0 0 rs:5 o0:1 11111 rn:5 rt:5",
	  fix_store_exclusive },
	{ "LDXP+STXP", RG_EXCL, "1 sz:1 001000 0 0 1 rs:5 o0:1 rt2:5 rn:5 rt:5",
	  fix_store_exclusive_pair },
	{ "LDAR/STLR", RG_EXCL, "size:2 001000 1 l:1 0 11111 1 11111 rn:5 rt:5", fix_aligned },
	{ "LDAPR", RG_EXCL, "size:2 111000 1 0 1 11111 1 100 00 rn:5 rt:5", fix_aligned },
	/* LSE atomics */
	{ "CAS", RG_ATOMIC, "size:2 001000 1 l:1 1 rs:5 o0:1 11111 rn:5 rt:5", fix_cas },
	{ "CASP", RG_ATOMIC, "0 sz:1 001000 0 l:1 1 rs:5 o0:1 11111 rn:5 rt:5", fix_casp },
	{ "LD<op>", RG_ATOMIC, "size:2 111000 a:1 r:1 1 rs:5 0 opc:3 00 rn:5 rt:5", fix_aligned },
	{ "SWP", RG_ATOMIC, "size:2 111000 a:1 r:1 1 rs:5 1 000 00 rn:5 rt:5", fix_aligned },
	/* SIMD&FP registers */
	{ "LDR/STR SIMD (unsigned offset)", RG_SIMDLDST,
	  "size:2 111 1 01 opc:2 imm12:12 rn:5 rt:5", fix_simd_uimm },
	{ "LDUR/LDR SIMD pre/post", RG_SIMDLDST,
	  "size:2 111 1 00 opc:2 0 imm9:9 mode:2 rn:5 rt:5", fix_simd_imm9 },
	{ "LDR/STR SIMD (register)", RG_SIMDLDST,
	  "size:2 111 1 00 opc:2 1 rm:5 option:3 s:1 10 rn:5 rt:5", fix_simd_reg },
	{ "LDR SIMD (literal)", RG_SIMDLDST, "opc:2 011 1 00 imm19:19 rt:5", fix_simd_literal },
	{ "LDP/STP/LDNP/STNP SIMD", RG_SIMDLDST,
	  "opc:2 101 1 0 idx:2 l:1 imm7:7 rt2:5 rn:5 rt:5", fix_simd_pair },
	{ "LD1-4/ST1-4 (multiple)", RG_SIMDLDST,
	  "0 q:1 0011000 l:1 000000 opcode:4 size:2 rn:5 rt:5", fix_struct_multi },
	{ "LD1-4/ST1-4 (multiple, post)", RG_SIMDLDST,
	  "0 q:1 0011001 l:1 0 rm:5 opcode:4 size:2 rn:5 rt:5", fix_struct_multi_post },
	{ "LD1-4/ST1-4/LDnR (single)", RG_SIMDLDST,
	  "0 q:1 0011010 l:1 r:1 00000 opcode:3 s:1 size:2 rn:5 rt:5", fix_struct_single },
	{ "LD1-4/ST1-4/LDnR (single, post)", RG_SIMDLDST,
	  "0 q:1 0011011 l:1 r:1 rm:5 opcode:3 s:1 size:2 rn:5 rt:5", fix_struct_single_post },
	{ NULL, 0, NULL, NULL },
};
