// SPDX-License-Identifier: MIT
/*
 * Loads and stores of SIMD&FP registers (V == 1): LDR/STR B/H/S/D/Q with unsigned
 * offset, unscaled (LDUR/STUR), pre/post-index and register offset; LDR literal S/D/Q;
 * LDP/STP/LDNP/STNP S/D/Q in every index form; Advanced SIMD structures LD1-LD4 and
 * ST1-ST4 (multiple structures), single lane and LD1R-LD4R, with post-index forms.
 *
 * Memory goes through sim_mem_read/sim_mem_write without a syndrome (SIMD accesses
 * never report ISV). Loads read everything before changing any register, so a fault
 * leaves the registers as they were. A multi-access store that faults part way may have
 * written its earlier accesses, as the architecture allows. Store handlers copy what
 * they need out of `in` before their first write (a write may free the decoded page).
 * Not modelled: SP alignment checking (SCTLR_ELx.SA), FEAT_LRCPC3 SIMD forms.
 *
 * sim_insn use: rd = Rt, rn = Rn (31 is SP), rm = Rm or Rt2, imm = signed offset;
 * register offset: p0 = extend option, p1 = shift.
 */
#include "sim/a64_simd.h"

enum ls_mode { LS_OFF, LS_PRE, LS_POST, LS_REG };

/* Register-offset extension (option 010 UXTW, 011 LSL/UXTX, 110 SXTW, 111 SXTX). */
SIMD_INLINE uint64_t ls_reg_offset(const struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t m = sim_get_x(c, in->rm);

	switch (in->p0) {
	case 2: m = (uint32_t)m; break;
	case 6: m = (uint64_t)(int64_t)(int32_t)m; break;
	default: break;
	}
	return m << in->p1;
}

SIMD_INLINE uint64_t ls_address(const struct sim_cpu *c, const struct sim_insn *in,
				enum ls_mode mode, uint64_t base)
{
	switch (mode) {
	case LS_POST: return base;
	case LS_REG: return base + ls_reg_offset(c, in);
	default: return base + in->imm;
	}
}

SIMD_INLINE void ls_writeback(struct sim_cpu *c, unsigned rn, enum ls_mode mode,
			      uint64_t addr, uint64_t post)
{
	if (mode == LS_PRE)
		sim_set_xsp(c, rn, addr);
	else if (mode == LS_POST)
		sim_set_xsp(c, rn, post);
}

/* Write `size` loaded bytes to Vt, zero-extended. */
SIMD_INLINE void vreg_load(struct sim_cpu *c, unsigned rt, const uint8_t *buf, unsigned size)
{
	uint64_t v[2] = { 0, 0 };

	memcpy(v, buf, size);
	vreg_set128(c, rt, v[0], v[1]);
}

/* ---- single register ------------------------------------------------------------------ */

#define DEF_LDR(sz, mode) \
static void h_ldr_##sz##_##mode(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	uint8_t buf[16]; \
	uint64_t base, addr; \
	if (!simd_access_ok(c)) \
		return; \
	base = sim_get_xsp(c, in->rn); \
	addr = ls_address(c, in, mode, base); \
	if (!sim_mem_read(c, addr, sz, buf, 0)) \
		return; \
	vreg_load(c, in->rd, buf, sz); \
	ls_writeback(c, in->rn, mode, addr, base + in->imm); \
	c->pc += 4; \
}

#define DEF_STR(sz, mode) \
static void h_str_##sz##_##mode(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	uint8_t buf[16]; \
	uint64_t base, addr, post; \
	unsigned rn = in->rn; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(buf, &c->v[in->rd], sz); \
	base = sim_get_xsp(c, rn); \
	addr = ls_address(c, in, mode, base); \
	post = base + in->imm; \
	if (!sim_mem_write(c, addr, sz, buf, 0)) \
		return; \
	ls_writeback(c, rn, mode, addr, post); \
	c->pc += 4; \
}

#define DEF_LS_MODES(sz) \
	DEF_LDR(sz, LS_OFF) DEF_LDR(sz, LS_PRE) DEF_LDR(sz, LS_POST) DEF_LDR(sz, LS_REG) \
	DEF_STR(sz, LS_OFF) DEF_STR(sz, LS_PRE) DEF_STR(sz, LS_POST) DEF_STR(sz, LS_REG)
DEF_LS_MODES(1)
DEF_LS_MODES(2)
DEF_LS_MODES(4)
DEF_LS_MODES(8)
DEF_LS_MODES(16)

#define LS_ROW(sz) { \
	{ h_str_##sz##_LS_OFF, h_str_##sz##_LS_PRE, h_str_##sz##_LS_POST, h_str_##sz##_LS_REG }, \
	{ h_ldr_##sz##_LS_OFF, h_ldr_##sz##_LS_PRE, h_ldr_##sz##_LS_POST, h_ldr_##sz##_LS_REG } }

/* [log2 size][load][mode] */
static const sim_exec_fn ls_handlers[5][2][4] = {
	LS_ROW(1), LS_ROW(2), LS_ROW(4), LS_ROW(8), LS_ROW(16),
};

static bool decode_ldst_reg(uint32_t insn, struct sim_insn *out)
{
	unsigned size = simd_bits(insn, 31, 30), opc = simd_bits(insn, 23, 22);
	unsigned scale = (opc & 2) ? 4 : size, load = opc & 1;
	enum ls_mode mode;

	if ((opc & 2) && size != 0)
		return false;
	simd_insn_init(out, insn, NULL);
	if (simd_bit(insn, 24)) {		/* unsigned offset */
		mode = LS_OFF;
		out->imm = (uint64_t)simd_bits(insn, 21, 10) << scale;
	} else if (!simd_bit(insn, 21)) {	/* imm9: unscaled, post, pre */
		static const int8_t modes[4] = { LS_OFF, LS_POST, -1, LS_PRE };

		if (modes[simd_bits(insn, 11, 10)] < 0)
			return false;	/* unprivileged: unallocated for SIMD&FP */
		mode = (enum ls_mode)modes[simd_bits(insn, 11, 10)];
		out->imm = (uint64_t)simd_sext(simd_bits(insn, 20, 12), 9);
	} else {				/* register offset */
		unsigned option = simd_bits(insn, 15, 13);

		if (simd_bits(insn, 11, 10) != 2 || !(option & 2))
			return false;
		mode = LS_REG;
		out->p0 = (uint8_t)option;
		out->p1 = (uint8_t)(simd_bit(insn, 12) ? scale : 0);
	}
	out->fn = ls_handlers[scale][load][mode];
	return true;
}

/* ---- literal ---------------------------------------------------------------------------- */

#define DEF_LDR_LIT(sz) \
static void h_ldr_lit_##sz(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	uint8_t buf[16]; \
	if (!simd_access_ok(c)) \
		return; \
	if (!sim_mem_read(c, c->pc + in->imm, sz, buf, 0)) \
		return; \
	vreg_load(c, in->rd, buf, sz); \
	c->pc += 4; \
}
DEF_LDR_LIT(4)
DEF_LDR_LIT(8)
DEF_LDR_LIT(16)

static bool decode_ldr_literal(uint32_t insn, struct sim_insn *out)
{
	static const sim_exec_fn fns[3] = { h_ldr_lit_4, h_ldr_lit_8, h_ldr_lit_16 };
	unsigned opc = simd_bits(insn, 31, 30);

	if (opc == 3)
		return false;
	simd_insn_init(out, insn, fns[opc]);
	out->imm = (uint64_t)simd_sext(simd_bits(insn, 23, 5), 19) * 4;
	return true;
}

/* ---- pairs ------------------------------------------------------------------------------ */

/*
 * rm = Rt2. An aligned S or D pair is one access of twice the size; Q pairs and
 * unaligned pairs are two accesses, so alignment checks (Device memory, SCTLR_EL1.A)
 * apply per register as the architecture says.
 */
#define DEF_LDP(sz, mode) \
static void h_ldp_##sz##_##mode(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	uint8_t buf[32]; \
	uint64_t base, addr; \
	if (!simd_access_ok(c)) \
		return; \
	base = sim_get_xsp(c, in->rn); \
	addr = ls_address(c, in, mode, base); \
	if (sz == 16 || (addr & (2 * sz - 1))) { \
		if (!sim_mem_read(c, addr, sz, buf, 0) || \
		    !sim_mem_read(c, addr + sz, sz, buf + sz, 0)) \
			return; \
	} else if (!sim_mem_read(c, addr, 2 * sz, buf, 0)) { \
		return; \
	} \
	vreg_load(c, in->rd, buf, sz); \
	vreg_load(c, in->rm, buf + sz, sz); \
	ls_writeback(c, in->rn, mode, addr, base + in->imm); \
	c->pc += 4; \
}

#define DEF_STP(sz, mode) \
static void h_stp_##sz##_##mode(struct sim_cpu *c, const struct sim_insn *in) \
{ \
	uint8_t buf[32]; \
	uint64_t base, addr, post; \
	unsigned rn = in->rn; \
	if (!simd_access_ok(c)) \
		return; \
	memcpy(buf, &c->v[in->rd], sz); \
	memcpy(buf + sz, &c->v[in->rm], sz); \
	base = sim_get_xsp(c, rn); \
	addr = ls_address(c, in, mode, base); \
	post = base + in->imm; \
	if (sz == 16 || (addr & (2 * sz - 1))) { \
		if (!sim_mem_write(c, addr, sz, buf, 0) || \
		    !sim_mem_write(c, addr + sz, sz, buf + sz, 0)) \
			return; \
	} else if (!sim_mem_write(c, addr, 2 * sz, buf, 0)) { \
		return; \
	} \
	ls_writeback(c, rn, mode, addr, post); \
	c->pc += 4; \
}

#define DEF_PAIR_MODES(sz) \
	DEF_LDP(sz, LS_OFF) DEF_LDP(sz, LS_PRE) DEF_LDP(sz, LS_POST) \
	DEF_STP(sz, LS_OFF) DEF_STP(sz, LS_PRE) DEF_STP(sz, LS_POST)
DEF_PAIR_MODES(4)
DEF_PAIR_MODES(8)
DEF_PAIR_MODES(16)

#define PAIR_ROW(sz) { \
	{ h_stp_##sz##_LS_OFF, h_stp_##sz##_LS_PRE, h_stp_##sz##_LS_POST }, \
	{ h_ldp_##sz##_LS_OFF, h_ldp_##sz##_LS_PRE, h_ldp_##sz##_LS_POST } }

/* [opc][load][mode] */
static const sim_exec_fn pair_handlers[3][2][3] = { PAIR_ROW(4), PAIR_ROW(8), PAIR_ROW(16) };

static bool decode_ldst_pair(uint32_t insn, struct sim_insn *out)
{
	/* type (bits 24:23): 00 non-temporal offset, 01 post, 10 offset, 11 pre */
	static const uint8_t modes[4] = { LS_OFF, LS_POST, LS_OFF, LS_PRE };
	unsigned opc = simd_bits(insn, 31, 30);

	if (opc == 3)
		return false;
	simd_insn_init(out, insn, pair_handlers[opc][simd_bit(insn, 22)][modes[simd_bits(insn, 24, 23)]]);
	out->rm = (uint8_t)simd_bits(insn, 14, 10);	/* Rt2 */
	out->imm = (uint64_t)(simd_sext(simd_bits(insn, 21, 15), 7) * (4 << opc));
	return true;
}

/* ---- structures --------------------------------------------------------------------------- */

/*
 * Common parameters of the structure handlers: p0 = selem (1..4), p1 = rpt (registers
 * per structure element for LD1/ST1 multiple, else 1), p2 = log2 element bytes,
 * p3 = Q, ra = lane index (single structure), pad = post-index: 0 none, 1 immediate
 * (imm = bytes), 2 register Rm.
 */
#define ST_POST_IMM 1
#define ST_POST_REG 2

SIMD_INLINE uint64_t st_post(const struct sim_cpu *c, const struct sim_insn *in, uint64_t base)
{
	return in->pad == ST_POST_REG ? base + sim_get_x(c, in->rm) : base + in->imm;
}

/*
 * Access size for a multiple-structure transfer (a multiple of 8 bytes): 16-byte
 * chunks and an 8-byte tail, unless the address is not 16-byte aligned while
 * SCTLR_EL1.A checks alignment; then element-sized accesses, which is what the check
 * applies to. (Simplification: an element-aligned but not 16-byte aligned transfer to
 * Device memory with SCTLR_EL1.A clear takes an alignment fault here.)
 */
SIMD_INLINE unsigned st_chunk(const struct sim_cpu *c, uint64_t addr, unsigned esz)
{
	if (!(addr & 15) || !(c->sysreg[SR_SCTLR_EL1] & 2))
		return 16;
	return 1u << esz;
}

static bool st_read(struct sim_cpu *c, uint64_t addr, uint8_t *buf, unsigned len, unsigned esz)
{
	unsigned chunk = st_chunk(c, addr, esz);

	for (unsigned off = 0; off < len; off += chunk) {
		unsigned n = len - off < chunk ? len - off : chunk;

		if (!sim_mem_read(c, addr + off, n, buf + off, 0))
			return false;
	}
	return true;
}

static bool st_write(struct sim_cpu *c, uint64_t addr, const uint8_t *buf, unsigned len,
		     unsigned esz)
{
	unsigned chunk = st_chunk(c, addr, esz);

	for (unsigned off = 0; off < len; off += chunk) {
		unsigned n = len - off < chunk ? len - off : chunk;

		if (!sim_mem_write(c, addr + off, n, buf + off, 0))
			return false;
	}
	return true;
}

/* Byte offset in memory of byte `b` of element e of register r (0..selem*rpt-1). */
SIMD_INLINE unsigned multi_offset(unsigned r, unsigned e, unsigned b, unsigned selem,
				  unsigned elements, unsigned esz)
{
	unsigned rep = r / selem, s = r % selem;

	return (((rep * elements + e) * selem + s) << esz) + b;
}

static void h_ld_multi(struct sim_cpu *c, const struct sim_insn *in)
{
	unsigned selem = in->p0, nregs = selem * in->p1, esz = in->p2, len = in->p3 ? 16 : 8;
	unsigned elements = len >> esz, total = nregs * len;
	uint8_t buf[64];
	uint64_t base;

	if (!simd_access_ok(c))
		return;
	base = sim_get_xsp(c, in->rn);
	if (!st_read(c, base, buf, total, esz))
		return;
	for (unsigned r = 0; r < nregs; r++) {
		uint8_t v[16] = { 0 };

		for (unsigned i = 0; i < len; i++)
			v[i] = buf[multi_offset(r, i >> esz, i & ((1u << esz) - 1), selem, elements,
						esz)];
		memcpy(&c->v[(in->rd + r) & 31], v, 16);
	}
	if (in->pad)
		sim_set_xsp(c, in->rn, st_post(c, in, base));
	c->pc += 4;
}

static void h_st_multi(struct sim_cpu *c, const struct sim_insn *in)
{
	unsigned selem = in->p0, nregs = selem * in->p1, esz = in->p2, len = in->p3 ? 16 : 8;
	unsigned elements = len >> esz, total = nregs * len, rn = in->rn;
	uint8_t buf[64];
	uint64_t base, post;
	bool wb = in->pad;

	if (!simd_access_ok(c))
		return;
	for (unsigned r = 0; r < nregs; r++)
		for (unsigned i = 0; i < len; i++)
			buf[multi_offset(r, i >> esz, i & ((1u << esz) - 1), selem, elements, esz)] =
				c->v[(in->rd + r) & 31].b[i];
	base = sim_get_xsp(c, rn);
	post = st_post(c, in, base);
	if (!st_write(c, base, buf, total, esz))
		return;
	if (wb)
		sim_set_xsp(c, rn, post);
	c->pc += 4;
}

/* LD1-LD4 (single structure) and LD1R-LD4R: p1 = 1 for the replicating forms. Total
 * sizes such as 3 x 4 bytes are no valid access size, so each element is one access. */
static void h_ld_single(struct sim_cpu *c, const struct sim_insn *in)
{
	unsigned selem = in->p0, esz = in->p2, eb = 1u << esz;
	uint8_t buf[32];
	uint64_t base;

	if (!simd_access_ok(c))
		return;
	base = sim_get_xsp(c, in->rn);
	for (unsigned s = 0; s < selem; s++)	/* one access per element */
		if (!sim_mem_read(c, base + s * eb, eb, buf + s * eb, 0))
			return;
	for (unsigned s = 0; s < selem; s++) {
		unsigned t = (in->rd + s) & 31;
		uint64_t v = 0;

		memcpy(&v, buf + s * eb, eb);
		if (in->p1) {
			v = simd_replicate(v, esz);
			vreg_set128(c, t, v, in->p3 ? v : 0);
		} else {
			vreg_set_elem(c, t, esz, in->ra, v);
		}
	}
	if (in->pad)
		sim_set_xsp(c, in->rn, st_post(c, in, base));
	c->pc += 4;
}

static void h_st_single(struct sim_cpu *c, const struct sim_insn *in)
{
	unsigned selem = in->p0, esz = in->p2, eb = 1u << esz, rn = in->rn;
	uint8_t buf[32];
	uint64_t base, post;
	bool wb = in->pad;

	if (!simd_access_ok(c))
		return;
	for (unsigned s = 0; s < selem; s++)
		memcpy(buf + s * eb, c->v[(in->rd + s) & 31].b + in->ra * eb, eb);
	base = sim_get_xsp(c, rn);
	post = st_post(c, in, base);
	for (unsigned s = 0; s < selem; s++)
		if (!sim_mem_write(c, base + s * eb, eb, buf + s * eb, 0))
			return;
	if (wb)
		sim_set_xsp(c, rn, post);
	c->pc += 4;
}

static void decode_struct_post(uint32_t insn, struct sim_insn *out, unsigned bytes)
{
	if (!simd_bit(insn, 23))
		return;		/* no offset */
	if (simd_bits(insn, 20, 16) == 31) {
		out->pad = ST_POST_IMM;
		out->imm = bytes;
	} else {
		out->pad = ST_POST_REG;
	}
}

static bool decode_struct_multi(uint32_t insn, struct sim_insn *out)
{
	/* opcode -> (selem, rpt); 0 = unallocated */
	static const uint8_t selem_of[16] = { 4, 0, 1, 0, 3, 0, 1, 1, 2, 0, 1 };
	static const uint8_t rpt_of[16] = { 1, 0, 4, 0, 1, 0, 3, 1, 1, 0, 2 };
	unsigned q = simd_bit(insn, 30), opcode = simd_bits(insn, 15, 12);
	unsigned esz = simd_bits(insn, 11, 10), selem = selem_of[opcode];

	if (!selem || (esz == 3 && !q && selem > 1))
		return false;
	simd_insn_init(out, insn, simd_bit(insn, 22) ? h_ld_multi : h_st_multi);
	out->p0 = (uint8_t)selem;
	out->p1 = rpt_of[opcode];
	out->p2 = (uint8_t)esz;
	out->p3 = (uint8_t)q;
	decode_struct_post(insn, out, selem * rpt_of[opcode] * (q ? 16u : 8u));
	return true;
}

static bool decode_struct_single(uint32_t insn, struct sim_insn *out)
{
	unsigned q = simd_bit(insn, 30), l = simd_bit(insn, 22), r = simd_bit(insn, 21);
	unsigned opcode = simd_bits(insn, 15, 13), s = simd_bit(insn, 12);
	unsigned size = simd_bits(insn, 11, 10), scale = opcode >> 1;
	unsigned selem = (((opcode & 1) << 1) | r) + 1, index = 0;
	bool replicate = false;

	switch (scale) {
	case 3:
		if (!l || s)
			return false;
		scale = size;
		replicate = true;
		break;
	case 0:
		index = (q << 3) | (s << 2) | size;
		break;
	case 1:
		if (size & 1)
			return false;
		index = (q << 2) | (s << 1) | (size >> 1);
		break;
	default:
		if (size & 2)
			return false;
		if (size & 1) {
			if (s)
				return false;
			index = q;
			scale = 3;
		} else {
			index = (q << 1) | s;
		}
		break;
	}
	simd_insn_init(out, insn, l ? h_ld_single : h_st_single);
	out->p0 = (uint8_t)selem;
	out->p1 = replicate;
	out->p2 = (uint8_t)scale;
	out->p3 = (uint8_t)q;
	out->ra = (uint8_t)index;
	decode_struct_post(insn, out, selem << scale);
	return true;
}

/* ---- group decoder ------------------------------------------------------------------- */

bool sim_decode_ldst_simd(uint32_t insn, struct sim_insn *out)
{
	if ((insn & 0x3f000000u) == 0x1c000000u)
		return decode_ldr_literal(insn, out);
	if ((insn & 0x3e000000u) == 0x2c000000u)
		return decode_ldst_pair(insn, out);
	if ((insn & 0x3e000000u) == 0x3c000000u)
		return decode_ldst_reg(insn, out);
	if ((insn & 0xbfbf0000u) == 0x0c000000u || (insn & 0xbfa00000u) == 0x0c800000u)
		return decode_struct_multi(insn, out);
	if ((insn & 0xbf9f0000u) == 0x0d000000u || (insn & 0xbf800000u) == 0x0d800000u)
		return decode_struct_single(insn, out);
	return false;
}
