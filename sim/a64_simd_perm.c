// SPDX-License-Identifier: MIT
/*
 * Advanced SIMD data movement: copy (DUP, INS, UMOV, SMOV), scalar DUP (MOV Sd, Vn.S[i]),
 * modified immediate (MOVI, MVNI, ORR, BIC, FMOV vector immediate), permute (UZP, TRN,
 * ZIP), EXT and table lookup (TBL, TBX); the byte-shuffle handler REV also uses.
 */
#include "sim/a64_fp_soft.h"
#include "sim/a64_simd.h"

/* ---- copy -------------------------------------------------------------------------- */

/* p0 = element size (log2 bytes), p1 = index, p2 = Q. */
static void h_dup_elem(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t v;

	if (!simd_access_ok(c))
		return;
	v = simd_replicate(vreg_elem(c, in->rn, in->p0, in->p1), in->p0);
	vreg_set128(c, in->rd, v, in->p2 ? v : 0);
	c->pc += 4;
}

static void h_dup_gen(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t v;

	if (!simd_access_ok(c))
		return;
	v = simd_replicate(sim_get_x(c, in->rn), in->p0);
	vreg_set128(c, in->rd, v, in->p2 ? v : 0);
	c->pc += 4;
}

static void h_ins_gen(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set_elem(c, in->rd, in->p0, in->p1, sim_get_x(c, in->rn));
	c->pc += 4;
}

/* INS (element): p1 destination index, p3 source index. */
static void h_ins_elem(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t v;

	if (!simd_access_ok(c))
		return;
	v = vreg_elem(c, in->rn, in->p0, in->p3);
	vreg_set_elem(c, in->rd, in->p0, in->p1, v);
	c->pc += 4;
}

static void h_umov(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	sim_set_x(c, in->rd, vreg_elem(c, in->rn, in->p0, in->p1));
	c->pc += 4;
}

/* SMOV: p2 = 1 for an X destination, else W (sign-extended to 32 bits, then zero). */
static void h_smov(struct sim_cpu *c, const struct sim_insn *in)
{
	int64_t v;

	if (!simd_access_ok(c))
		return;
	v = simd_sext(vreg_elem(c, in->rn, in->p0, in->p1), 8u << in->p0);
	sim_set_x(c, in->rd, in->p2 ? (uint64_t)v : (uint32_t)v);
	c->pc += 4;
}

/* DUP (element), scalar: MOV Bd/Hd/Sd/Dd, Vn.T[i]. */
static void h_dup_scalar(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set64(c, in->rd, vreg_elem(c, in->rn, in->p0, in->p1));
	c->pc += 4;
}

/* imm5 gives the element size (lowest set bit) and index; false for size >= 4. */
static bool decode_imm5(uint32_t insn, unsigned *esz, unsigned *index)
{
	unsigned imm5 = simd_bits(insn, 20, 16);

	if ((imm5 & 0xf) == 0)
		return false;
	*esz = (unsigned)__builtin_ctz(imm5);
	*index = imm5 >> (*esz + 1);
	return true;
}

bool simd_decode_copy(uint32_t insn, struct sim_insn *out)
{
	unsigned q = simd_bit(insn, 30), op = simd_bit(insn, 29), imm4 = simd_bits(insn, 14, 11);
	unsigned esz, index;

	if (!decode_imm5(insn, &esz, &index))
		return false;
	simd_insn_init(out, insn, NULL);
	out->p0 = (uint8_t)esz;
	out->p1 = (uint8_t)index;
	out->p2 = (uint8_t)q;
	if (op) {		/* INS (element) */
		if (!q)
			return false;
		out->p3 = (uint8_t)(imm4 >> esz);
		out->fn = h_ins_elem;
		return true;
	}
	switch (imm4) {
	case 0:			/* DUP (element) */
		out->fn = h_dup_elem;
		return !(esz == 3 && !q);
	case 1:			/* DUP (general) */
		out->fn = h_dup_gen;
		return !(esz == 3 && !q);
	case 3:			/* INS (general) */
		out->fn = h_ins_gen;
		return q;
	case 5:			/* SMOV */
		out->fn = h_smov;
		return esz < 2u + q;
	case 7:			/* UMOV */
		out->fn = h_umov;
		return q ? esz == 3 : esz < 3;
	default:
		return false;
	}
}

bool simd_decode_scalar_copy(uint32_t insn, struct sim_insn *out)
{
	unsigned esz, index;

	if (simd_bit(insn, 29) || simd_bits(insn, 14, 11) != 0 || !decode_imm5(insn, &esz, &index))
		return false;
	simd_insn_init(out, insn, h_dup_scalar);
	out->p0 = (uint8_t)esz;
	out->p1 = (uint8_t)index;
	return true;
}

/* ---- modified immediate -------------------------------------------------------------- */

/* imm = the 64-bit pattern; p0 = Q. */
static void h_movi(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set128(c, in->rd, in->imm, in->p0 ? in->imm : 0);
	c->pc += 4;
}

static void h_orr_imm(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set128(c, in->rd, c->v[in->rd].d[0] | in->imm,
		    in->p0 ? c->v[in->rd].d[1] | in->imm : 0);
	c->pc += 4;
}

/* BIC: imm holds the inverted pattern. */
static void h_and_imm(struct sim_cpu *c, const struct sim_insn *in)
{
	if (!simd_access_ok(c))
		return;
	vreg_set128(c, in->rd, c->v[in->rd].d[0] & in->imm,
		    in->p0 ? c->v[in->rd].d[1] & in->imm : 0);
	c->pc += 4;
}

/* The 64-bit MOVI immediate: each bit of imm8 becomes a byte of ones or zeros. */
static uint64_t expand_byte_mask(unsigned imm8)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		if (imm8 & (1u << i))
			v |= 0xffull << (8 * i);
	return v;
}

bool simd_decode_modimm(uint32_t insn, struct sim_insn *out)
{
	unsigned q = simd_bit(insn, 30), op = simd_bit(insn, 29), cmode = simd_bits(insn, 15, 12);
	unsigned imm8 = (simd_bits(insn, 18, 16) << 5) | simd_bits(insn, 9, 5);
	bool logic = false;	/* ORR/BIC forms */
	uint64_t imm;

	if (simd_bit(insn, 11))	/* o2: FMOV (vector, immediate) half precision (FP16) */
		return false;
	if (!(cmode & 8)) {			/* 32-bit, shifted */
		imm = simd_replicate((uint64_t)imm8 << (8 * ((cmode >> 1) & 3)), 2);
		logic = cmode & 1;
	} else if ((cmode & 0xc) == 8) {	/* 16-bit, shifted */
		imm = simd_replicate((uint64_t)imm8 << (8 * ((cmode >> 1) & 1)), 1);
		logic = cmode & 1;
	} else if ((cmode & 0xe) == 0xc) {	/* 32-bit, shifting ones in (MSL) */
		imm = cmode & 1 ? ((uint64_t)imm8 << 16) | 0xffff : ((uint64_t)imm8 << 8) | 0xff;
		imm = simd_replicate(imm, 2);
	} else if (cmode == 0xe) {		/* MOVI 8-bit, or 64-bit byte mask */
		imm = op ? expand_byte_mask(imm8) : simd_replicate(imm8, 0);
		op = 0;
	} else {				/* FMOV (vector, immediate) */
		if (op && !q)
			return false;
		imm = op ? fp_expand_imm(FP_D, (uint8_t)imm8)
			 : simd_replicate(fp_expand_imm(FP_S, (uint8_t)imm8), 2);
		op = 0;
	}
	simd_insn_init(out, insn, h_movi);
	out->p0 = (uint8_t)q;
	if (logic) {
		out->fn = op ? h_and_imm : h_orr_imm;	/* BIC or ORR */
		out->imm = op ? ~imm : imm;
	} else {
		out->imm = op ? ~imm : imm;		/* MVNI or MOVI */
	}
	return true;
}

/* ---- byte shuffles: permutes, EXT, REV ------------------------------------------- */

/*
 * ZIP/UZP/TRN, EXT and REV16/32/64 are fixed byte permutations of the 32 bytes Vn:Vm
 * (Vn first). Their index tables are built once at start-up; the decoder stores a
 * pointer to one in imm and the handler copies bytes. Index 0xff yields zero (the
 * upper half of 64-bit forms).
 */
enum { PERM_UZP, PERM_TRN, PERM_ZIP };

#define SHUF_PERM	0				/* [kind][part][esz][q] */
#define SHUF_EXT	(SHUF_PERM + 3 * 2 * 4 * 2)	/* [pos][q] */
#define SHUF_REV	(SHUF_EXT + 16 * 2)		/* [container - 1][esz][q] */
#define SHUF_COUNT	(SHUF_REV + 3 * 3 * 2)

static uint8_t shuffle_tables[SHUF_COUNT][16];

static void build_perm(uint8_t *t, unsigned kind, unsigned part, unsigned esz, unsigned q)
{
	unsigned n = (q ? 16u : 8u) >> esz, eb = 1u << esz;

	for (unsigned i = 0; i < n; i++) {
		unsigned src, idx;	/* src 0: Vn, 1: Vm */

		switch (kind) {
		case PERM_UZP:		/* even or odd elements of Vm:Vn */
			idx = 2 * i + part;
			src = idx >= n;
			idx %= n;
			break;
		case PERM_TRN:
			src = i & 1;
			idx = (i & ~1u) + part;
			break;
		default:		/* ZIP */
			src = i & 1;
			idx = part * (n / 2) + i / 2;
			break;
		}
		for (unsigned b = 0; b < eb; b++)
			t[i * eb + b] = (uint8_t)(src * 16 + idx * eb + b);
	}
}

__attribute__((constructor)) static void build_shuffle_tables(void)
{
	memset(shuffle_tables, 0xff, sizeof(shuffle_tables));
	for (unsigned k = 0; k < 3; k++)
		for (unsigned part = 0; part < 2; part++)
			for (unsigned esz = 0; esz < 4; esz++)
				for (unsigned q = 0; q < 2; q++)
					build_perm(shuffle_tables[SHUF_PERM + ((k * 2 + part) * 4 + esz) * 2 + q],
						   k, part, esz, q);
	for (unsigned pos = 0; pos < 16; pos++)
		for (unsigned q = 0; q < 2; q++) {
			uint8_t *t = shuffle_tables[SHUF_EXT + pos * 2 + q];
			unsigned len = q ? 16 : 8;

			for (unsigned i = 0; i < len; i++)	/* bytes of Vm follow Vn's len */
				t[i] = (uint8_t)(i + pos < len ? i + pos : 16 + i + pos - len);
		}
	for (unsigned cl = 1; cl <= 3; cl++)
		for (unsigned esz = 0; esz < 3; esz++)
			for (unsigned q = 0; q < 2; q++) {
				uint8_t *t = shuffle_tables[SHUF_REV + ((cl - 1) * 3 + esz) * 2 + q];
				unsigned cs = 1u << cl, es = 1u << esz;

				for (unsigned j = 0; j < (q ? 16u : 8u); j++) {
					unsigned o = j & (cs - 1), k = o / es;

					t[j] = (uint8_t)((j - o) + (cs / es - 1 - k) * es + o % es);
				}
			}
}

/* imm = the index table. */
void simd_h_shuffle(struct sim_cpu *c, const struct sim_insn *in)
{
	const uint8_t *idx = (const uint8_t *)(uintptr_t)in->imm;
	uint8_t src[33];
	uint64_t lo = 0, hi = 0;

	if (!simd_access_ok(c))
		return;
	memcpy(src, &c->v[in->rn], 16);
	memcpy(src + 16, &c->v[in->rm], 16);
	src[32] = 0;
	/* Assembled in registers: byte stores then a 16-byte load would stall. */
	for (unsigned i = 0; i < 8; i++) {
		lo |= (uint64_t)src[idx[i] < 32 ? idx[i] : 32] << (8 * i);
		hi |= (uint64_t)src[idx[i + 8] < 32 ? idx[i + 8] : 32] << (8 * i);
	}
	vreg_set128(c, in->rd, lo, hi);
	c->pc += 4;
}

uint64_t simd_rev_indices(unsigned container_log2, unsigned esz, unsigned q)
{
	return (uint64_t)(uintptr_t)shuffle_tables[SHUF_REV + ((container_log2 - 1) * 3 + esz) * 2 + q];
}

bool simd_decode_permute(uint32_t insn, struct sim_insn *out)
{
	static const int8_t kinds[8] = { -1, PERM_UZP, PERM_TRN, PERM_ZIP,
					 -1, PERM_UZP, PERM_TRN, PERM_ZIP };
	unsigned opcode = simd_bits(insn, 14, 12), esz = simd_bits(insn, 23, 22);
	unsigned q = simd_bit(insn, 30), part = opcode >> 2;

	if (kinds[opcode] < 0 || (esz == 3 && !q))
		return false;
	simd_insn_init(out, insn, simd_h_shuffle);
	out->imm = (uint64_t)(uintptr_t)
		shuffle_tables[SHUF_PERM + (((unsigned)kinds[opcode] * 2 + part) * 4 + esz) * 2 + q];
	return true;
}

bool simd_decode_ext(uint32_t insn, struct sim_insn *out)
{
	unsigned q = simd_bit(insn, 30), imm4 = simd_bits(insn, 14, 11);

	if (simd_bits(insn, 23, 22) != 0 || (!q && (imm4 & 8)))
		return false;
	simd_insn_init(out, insn, simd_h_shuffle);
	out->imm = (uint64_t)(uintptr_t)shuffle_tables[SHUF_EXT + imm4 * 2 + q];
	return true;
}

/* ---- TBL / TBX --------------------------------------------------------------------- */

/* p0 = number of table registers, p1 = TBX, p3 = Q. */
static void h_tbl(struct sim_cpu *c, const struct sim_insn *in)
{
	unsigned nregs = in->p0, len = in->p3 ? 16 : 8, tsize = 16 * nregs;
	uint8_t table[64], idx[16];
	uint64_t r[2] = { 0, 0 };

	if (!simd_access_ok(c))
		return;
	for (unsigned i = 0; i < nregs; i++)
		memcpy(table + 16 * i, &c->v[(in->rn + i) & 31], 16);
	memcpy(idx, &c->v[in->rm], 16);
	if (in->p1) {		/* TBX: out-of-range indices keep the destination byte */
		r[0] = c->v[in->rd].d[0];
		r[1] = in->p3 ? c->v[in->rd].d[1] : 0;
	}
	for (unsigned i = 0; i < len; i++) {
		if (idx[i] < tsize) {
			unsigned sh = 8 * (i & 7);

			r[i >> 3] = (r[i >> 3] & ~(0xffull << sh)) | (uint64_t)table[idx[i]] << sh;
		}
	}
	vreg_set128(c, in->rd, r[0], r[1]);
	c->pc += 4;
}

bool simd_decode_tbl(uint32_t insn, struct sim_insn *out)
{
	if (simd_bits(insn, 23, 22) != 0)
		return false;
	simd_insn_init(out, insn, h_tbl);
	out->p0 = (uint8_t)(simd_bits(insn, 14, 13) + 1);
	out->p1 = (uint8_t)simd_bit(insn, 12);
	out->p3 = (uint8_t)simd_bit(insn, 30);
	return true;
}
