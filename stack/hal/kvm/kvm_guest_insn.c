// SPDX-License-Identifier: MIT
/*
 * The guest instruction behind an MMIO load (see kvm_guest_insn.h): a stage-1 walk of
 * the EL1&0 regime to find it, and a decoder for the loads that sign-extend.
 *
 * Stage 1 (Arm ARM D8): VA bit 55 picks TTBR0 (T0SZ, TG0, EPD0, TBI0/TBID0) or TTBR1
 * (T1SZ, TG1, EPD1, TBI1/TBID1); TG0 encodes 4/64/16 KiB as 0/1/2, TG1 as 2/3/1. Each
 * level resolves (granule bits - 3) of the VA; the first level resolves what is left.
 * Descriptors: bit 0 valid, bit 1 table (or page at level 3), AF bit 10, output address
 * bits 47:granule. Blocks exist at levels 1-2 with 4 KiB, at level 2 otherwise.
 */
#include "stack/hal/kvm/kvm_guest_insn.h"

#define SCTLR_M		(1ull << 0)
#define D_VALID		(1ull << 0)
#define D_TABLE		(1ull << 1)
#define D_AF		(1ull << 10)
#define ADDR_MASK	0x0000ffffffffffffull	/* 48-bit output addresses */

/* The translation regime half that va falls in. */
struct s1_half {
	uint64_t ttbr;
	unsigned inputsize;	/* 64 - TxSZ */
	unsigned granule;	/* log2 of the granule: 12, 14, 16 */
	bool tbi;		/* top byte ignored for instruction addresses */
};

static bool pick_half(const struct gi_regs *r, bool upper, struct s1_half *h)
{
	static const unsigned tg0[4] = { 12, 16, 14, 0 }, tg1[4] = { 0, 14, 12, 16 };
	uint64_t tcr = r->tcr;
	unsigned txsz;
	bool epd;

	if (!upper) {
		txsz = tcr & 0x3f;
		epd = tcr >> 7 & 1;
		h->granule = tg0[tcr >> 14 & 3];
		h->ttbr = r->ttbr0;
		h->tbi = (tcr >> 37 & 1) && !(tcr >> 51 & 1);	/* TBI0 && !TBID0 */
	} else {
		txsz = tcr >> 16 & 0x3f;
		epd = tcr >> 23 & 1;
		h->granule = tg1[tcr >> 30 & 3];
		h->ttbr = r->ttbr1;
		h->tbi = (tcr >> 38 & 1) && !(tcr >> 52 & 1);	/* TBI1 && !TBID1 */
	}
	/* Out-of-range TxSZ behaves as the nearest supported value (no LVA, no TTST). */
	if (txsz < 16)
		txsz = 16;
	if (txsz > 39)
		txsz = 39;
	h->inputsize = 64 - txsz;
	return !epd && h->granule;
}

/* Are the VA bits above the input size all 0 (TTBR0) or all 1 (TTBR1)? */
static bool va_in_range(uint64_t va, const struct s1_half *h, bool upper)
{
	unsigned top = h->tbi ? 56 : 64;
	uint64_t above = (top == 64 ? va : va & ((1ull << top) - 1)) >> h->inputsize;
	uint64_t ones = (1ull << (top - h->inputsize)) - 1;

	return above == (upper ? ones : 0);
}

static bool block_allowed(unsigned granule, unsigned level)
{
	return level == 2 || (granule == 12 && level == 1);
}

bool gi_va_to_ipa(const struct gi_regs *r, uint64_t va, gi_read_ipa read, void *ctx,
		  uint64_t *ipa)
{
	bool upper = va >> 55 & 1;
	struct s1_half h;
	unsigned stride, level, start, shift = 0;
	uint64_t table, desc = 0;

	if (!(r->sctlr & SCTLR_M)) {
		*ipa = va;			/* stage 1 off: flat */
		return va <= ADDR_MASK;
	}
	if (!pick_half(r, upper, &h) || !va_in_range(va, &h, upper))
		return false;
	stride = h.granule - 3;
	start = 4 - (h.inputsize - h.granule + stride - 1) / stride;
	table = h.ttbr & ADDR_MASK & ~1ull;	/* BADDR; bit 0 is CnP */
	for (level = start;; level++) {
		unsigned bits;

		shift = h.granule + stride * (3 - level);
		bits = level == start ? h.inputsize - shift : stride;
		if (level == start)
			table &= ~((8ull << bits) - 1);	/* BADDR below the table size: RES0 */
		if (!read(ctx, table + ((va >> shift) & ((1ull << bits) - 1)) * 8, &desc) ||
		    !(desc & D_VALID))
			return false;
		if (level == 3) {
			if (!(desc & D_TABLE))
				return false;
			break;
		}
		if (!(desc & D_TABLE)) {
			if (!block_allowed(h.granule, level))
				return false;
			break;
		}
		table = desc & ADDR_MASK & ~((1ull << h.granule) - 1);
	}
	if (!(desc & D_AF))
		return false;
	*ipa = (desc & ADDR_MASK & ~((1ull << shift) - 1)) | (va & ((1ull << shift) - 1));
	return true;
}

bool gi_decode_sext_load(uint32_t insn, struct gi_sext_load *out)
{
	unsigned size = insn >> 30, opc = insn >> 22 & 3;
	bool has_syndrome =
		(insn & 0x3f000000u) == 0x39000000u ||	/* LDRS* (unsigned offset) */
		(insn & 0x3f200c00u) == 0x38000000u ||	/* LDURS* (unscaled) */
		(insn & 0x3f200c00u) == 0x38000800u ||	/* LDTRS* (unprivileged) */
		(insn & 0x3f200c00u) == 0x38200800u ||	/* LDRS* (register offset) */
		(insn & 0x3f200c00u) == 0x19000000u;	/* LDAPURS* (RCpc, unscaled) */

	if ((insn & 0xff000000u) == 0x98000000u) {	/* LDRSW (literal) */
		out->rt = insn & 31;
		out->bytes = 4;
		out->to64 = true;
		return true;
	}
	if (!has_syndrome)
		return false;
	if (opc == 2 && size < 3)		/* to X; size 3 is a prefetch */
		out->to64 = true;
	else if (opc == 3 && size < 2)		/* to W */
		out->to64 = false;
	else
		return false;
	out->rt = insn & 31;
	out->bytes = 1u << size;
	return true;
}

uint64_t gi_sign_extend(uint64_t data, unsigned bytes, bool to64)
{
	unsigned bits = bytes * 8;
	uint64_t v;

	if (bytes >= 8)
		return data;
	v = data & ((1ull << bits) - 1);
	if (v >> (bits - 1) & 1)
		v |= ~0ull << bits;
	return to64 ? v : v & 0xffffffffull;
}
