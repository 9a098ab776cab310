// SPDX-License-Identifier: MIT
/*
 * The MMU: stage-1 (EL1&0 regime) and stage-2 translation table walks over descriptors
 * in machine RAM, permission and attribute computation, and AT.
 *
 * Supported, as the Arm ARM (D8, VMSAv8-64) defines it:
 *   - 4 KiB granule only, levels 0-3, blocks at levels 1 and 2, 40-bit PA (PARange
 *     0b0010); TCR_EL1.IPS and VTCR_EL2.PS above 40 bits behave as 40.
 *   - stage 1: T0SZ/T1SZ 16..39 (48..25-bit VA), TTBR0/TTBR1 chosen by VA bit 55, TBI0/1,
 *     EPD0/1, AP[2:1], UXN/PXN, APTable/UXNTable/PXNTable, nG, AF, AttrIndx through
 *     MAIR_EL1 (Device when the attribute's high nibble is 0), SCTLR_EL1.WXN and the
 *     architectural rule that EL0-writable memory is never executable at EL1.
 *   - stage 2: VTCR_EL2.T0SZ 24..39 with SL0 1 or 0 (start level 1 or 2) including
 *     concatenated start tables, S2AP, XN (bit 54, FEAT_XNX absent: XN[0] is ignored),
 *     AF, MemAttr (Device when MemAttr[3:2] == 0, FWB absent), stage-2 translation of
 *     every stage-1 table access (S1PTW faults).
 *   - faults: translation, address size, access flag and permission faults with their
 *     level; a descriptor address outside RAM is a synchronous external abort on the
 *     walk.
 *
 * Choices where the architecture leaves one:
 *   - TxSZ outside 16..39 (stage 1) or 24..39 (stage 2), and a granule other than 4 KiB
 *     (16/64 KiB are not implemented): a level-0 translation fault, every access. The
 *     architecture allows treating such values as a supported one; faulting makes a
 *     misconfigured guest visible at once (QEMU makes the same choice for TxSZ).
 *   - Instruction fetch from Device memory at stage 1 is CONSTRAINED UNPREDICTABLE; we
 *     take the "behaves as Normal Non-cacheable" option (executable if the descriptor
 *     allows it), which is what QEMU does.
 *   - Hardware Access flag and dirty state updates (FEAT_HAFDBS) are not implemented:
 *     AF == 0 always faults, DBM is ignored. Contiguous hints are ignored.
 *   - Stage-1 is walked afresh on every call (the TLB in mem.c caches results); no
 *     walk cache, so stale intermediate entries cannot be observed.
 */
#include "sim/internal.h"

#define PA_BITS		40	/* ID_AA64MMFR0_EL1.PARange = 0b0010 */
#define DESC_VALID	(1ull << 0)
#define DESC_TABLE	(1ull << 1)	/* table (levels 0-2) or page (level 3) */
#define DESC_AF		(1ull << 10)
#define DESC_NG		(1ull << 11)
#define DESC_PXN	(1ull << 53)
#define DESC_UXN	(1ull << 54)	/* XN at stage 2 */
#define DESC_OA_MASK	0x0000fffffffff000ull	/* bits [47:12] */
/* Table descriptor attribute bits [63:59] (stage 1 only). */
#define TBL_PXN		(1ull << 59)
#define TBL_UXN		(1ull << 60)
#define TBL_AP_NO_EL0	(1ull << 61)	/* APTable[0] */
#define TBL_AP_RO	(1ull << 62)	/* APTable[1] */

#define SCTLR_M		(1ull << 0)
#define SCTLR_WXN	(1ull << 19)

#define TLB_R_ALL	(SIM_TLB_R_EL0 | SIM_TLB_R_EL1)
#define TLB_W_ALL	(SIM_TLB_W_EL0 | SIM_TLB_W_EL1)
#define TLB_X_ALL	(SIM_TLB_X_EL0 | SIM_TLB_X_EL1)

#define S2_R 1u
#define S2_W 2u
#define S2_X 4u

/* Output address bits for the {I}PS/PS encodings up to our PARange. */
static unsigned out_bits(unsigned ps)
{
	static const uint8_t bits[] = { 32, 36, 40 };

	return ps < 3 ? bits[ps] : PA_BITS;
}

static void set_fault(struct sim_fault *f, enum sim_fault_type type, unsigned stage,
		      unsigned level)
{
	memset(f, 0, sizeof(*f));
	f->type = type;
	f->stage = (uint8_t)stage;
	f->level = (uint8_t)level;
}

/* Read the 8-byte descriptor at physical address pa. False: not RAM. */
static bool read_desc(struct sim_machine *m, uint64_t pa, uint64_t *desc)
{
	const void *p = sim_phys_ptr(m, pa, 8, false);

	if (!p)
		return false;
	memcpy(desc, p, 8);
	return true;
}

/* ---- stage 2 ------------------------------------------------------------------------------ */

struct s2_result {
	uint64_t pa;		/* output address of the IPA (page offset included) */
	uint8_t perm;		/* S2_R | S2_W | S2_X */
	bool device;
	uint8_t level;		/* level of the leaf descriptor */
};

/*
 * Start level for VTCR_EL2 with a 4 KiB granule, or -1 if T0SZ/SL0 are inconsistent:
 * the start level must resolve at least one bit and at most 9 + 4 (16 concatenated
 * tables) bits (Arm ARM AArch64.S2InconsistentSL). SL0 = 2 (level 0) needs PARange >= 44
 * bits and SL0 = 3 needs FEAT_TTST: both invalid here.
 */
static int s2_start_level(unsigned sl0, unsigned ia_bits)
{
	int level, min_bits;

	if (sl0 > 1)
		return -1;
	level = 2 - (int)sl0;
	min_bits = (3 - level) * 9 + 12 + 1;
	if ((int)ia_bits < min_bits || (int)ia_bits > min_bits + 8 + 4)
		return -1;
	return level;
}

static bool s2_walk(struct sim_part *p, uint64_t ipa, struct s2_result *r,
		    struct sim_fault *f)
{
	uint64_t vtcr = p->vtcr, table, desc = 0;
	unsigned t0sz = vtcr & 0x3f, ia_bits = 64 - t0sz;
	unsigned obits = out_bits((vtcr >> 16) & 7);
	int start = s2_start_level((vtcr >> 6) & 3, ia_bits), level = start;
	unsigned shift = 12;

	if (((vtcr >> 14) & 3) != 0 || t0sz < 24 || t0sz > 39 || start < 0 ||
	    (ipa >> ia_bits) != 0) {
		set_fault(f, SIM_FAULT_TRANSLATION, 2, 0);
		goto fault;
	}
	table = p->s2_root & DESC_OA_MASK;
	if (table >> obits) {
		set_fault(f, SIM_FAULT_ADDRESS_SIZE, 2, 0);
		goto fault;
	}
	for (;;) {
		/* The start level resolves 1..13 bits (up to 16 concatenated tables). */
		unsigned nbits;

		shift = 12 + 9 * (3 - (unsigned)level);
		nbits = level == start ? ia_bits - shift : 9;
		if (level == start)
			table &= ~((8ull << nbits) - 1);	/* low BADDR bits are RES0 */
		if (!read_desc(p->m, table + ((ipa >> shift) & ((1ull << nbits) - 1)) * 8,
			       &desc)) {
			set_fault(f, SIM_FAULT_EXTERNAL, 2, (unsigned)level);
			f->walk = true;
			goto fault;
		}
		if (!(desc & DESC_VALID) || ((level == 0 || level == 3) && !(desc & DESC_TABLE))) {
			/* Invalid, a level-0 block (none with 4 KiB), or level-3 reserved. */
			set_fault(f, SIM_FAULT_TRANSLATION, 2, (unsigned)level);
			goto fault;
		}
		if (level == 3 || !(desc & DESC_TABLE))
			break;
		table = desc & DESC_OA_MASK;
		if (table >> obits) {
			set_fault(f, SIM_FAULT_ADDRESS_SIZE, 2, (unsigned)level);
			goto fault;
		}
		level++;
	}
	r->pa = (desc & DESC_OA_MASK & ~((1ull << shift) - 1)) | (ipa & ((1ull << shift) - 1));
	if (r->pa >> obits) {
		set_fault(f, SIM_FAULT_ADDRESS_SIZE, 2, (unsigned)level);
		goto fault;
	}
	if (!(desc & DESC_AF)) {
		set_fault(f, SIM_FAULT_ACCESS_FLAG, 2, (unsigned)level);
		goto fault;
	}
	r->level = (uint8_t)level;
	r->perm = ((desc >> 6) & 1 ? S2_R : 0) | ((desc >> 7) & 1 ? S2_W : 0) |
		  (desc & DESC_UXN ? 0 : S2_X);
	r->device = ((desc >> 4) & 3) == 0;	/* MemAttr[3:2] == 0b00: Device */
	return true;
fault:
	f->ipa = ipa;
	return false;
}

/* Does the stage-2 permission set allow acc? */
static bool s2_allows(uint8_t perm, unsigned acc)
{
	return (!(acc & SIM_ACC_READ) || (perm & S2_R)) &&
	       (!(acc & SIM_ACC_WRITE) || (perm & S2_W)) &&
	       (!(acc & SIM_ACC_EXEC) || (perm & S2_X));
}

/* Stage 2 with the permission check for acc. */
static bool s2_translate(struct sim_part *p, uint64_t ipa, unsigned acc,
			 struct s2_result *r, struct sim_fault *f)
{
	if (!s2_walk(p, ipa, r, f))
		return false;
	if (!s2_allows(r->perm, acc)) {
		set_fault(f, SIM_FAULT_PERMISSION, 2, r->level);
		f->ipa = ipa;
		return false;
	}
	return true;
}

bool sim_mmu_stage2(struct sim_part *p, uint64_t ipa, unsigned acc, uint64_t *pa,
		    uint8_t *s2perm, struct sim_fault *f)
{
	struct s2_result r;

	if (!p->stage2) {
		*pa = ipa;
		*s2perm = S2_R | S2_W | S2_X;
		return true;
	}
	if (!s2_translate(p, ipa, acc, &r, f))
		return false;
	*pa = r.pa;
	*s2perm = r.perm;
	return true;
}

/* ---- stage 1 ------------------------------------------------------------------------------ */

struct s1_result {
	uint64_t oa;		/* output address (IPA) of va */
	uint64_t desc;		/* the leaf descriptor */
	uint64_t tattr;		/* APTable/UXNTable/PXNTable gathered on the way down */
	uint8_t level;		/* level of the leaf */
	uint8_t shift;		/* log2 of the leaf's size: 12, 21 or 30 */
};

/* TCR_EL1 fields for the half of the address space va lies in. */
struct s1_regime {
	uint64_t ttbr;
	unsigned tsz, obits;
	bool select;		/* TTBR1 (va bit 55 set) */
	bool epd, tbi, gran4k;
};

static void s1_regime(const struct sim_cpu *c, uint64_t va, struct s1_regime *rg)
{
	uint64_t tcr = c->sysreg[SR_TCR_EL1];

	rg->select = (va >> 55) & 1;
	if (rg->select) {
		rg->ttbr = c->sysreg[SR_TTBR1_EL1];
		rg->tsz = (tcr >> 16) & 0x3f;
		rg->epd = (tcr >> 23) & 1;
		rg->gran4k = ((tcr >> 30) & 3) == 2;	/* TG1: 0b10 is 4 KiB */
		rg->tbi = (tcr >> 38) & 1;
	} else {
		rg->ttbr = c->sysreg[SR_TTBR0_EL1];
		rg->tsz = tcr & 0x3f;
		rg->epd = (tcr >> 7) & 1;
		rg->gran4k = ((tcr >> 14) & 3) == 0;	/* TG0: 0b00 is 4 KiB */
		rg->tbi = (tcr >> 37) & 1;
	}
	rg->obits = out_bits((tcr >> 32) & 7);
}

/* Bits [top-1:lo] of va all equal to want (top is 56 with TBI, else 64). */
static bool va_bits_are(uint64_t va, unsigned top, unsigned lo, bool want)
{
	uint64_t mask = (top == 64 ? ~0ull : (1ull << top) - 1) & ~((1ull << lo) - 1);

	return (va & mask) == (want ? mask : 0);
}

/* Read a stage-1 descriptor at IPA ipa, through stage 2 when the partition has it. */
static bool s1_read_desc(struct sim_cpu *c, uint64_t ipa, unsigned level, uint64_t *desc,
			 struct sim_fault *f)
{
	uint64_t pa = ipa;

	if (c->part->stage2) {
		struct s2_result r;

		if (!s2_translate(c->part, ipa, SIM_ACC_READ, &r, f)) {
			f->s1ptw = true;
			return false;
		}
		pa = r.pa;
	}
	if (!read_desc(c->m, pa, desc)) {
		set_fault(f, SIM_FAULT_EXTERNAL, 1, level);
		f->walk = true;
		return false;
	}
	return true;
}

static bool s1_walk(struct sim_cpu *c, uint64_t va, struct s1_result *r, struct sim_fault *f)
{
	struct s1_regime rg;
	uint64_t table, desc = 0, tattr = 0;
	unsigned in_bits, shift = 12;
	int start, level;

	s1_regime(c, va, &rg);
	in_bits = 64 - rg.tsz;
	/* Out-of-range TxSZ, an unimplemented granule, a VA in neither range, or a
	 * disabled walk: level-0 translation fault (Arm ARM AArch64.S1Translate). */
	if (rg.tsz < 16 || rg.tsz > 39 || !rg.gran4k || rg.epd ||
	    !va_bits_are(va, rg.tbi ? 56 : 64, in_bits, rg.select)) {
		set_fault(f, SIM_FAULT_TRANSLATION, 1, 0);
		return false;
	}
	table = rg.ttbr & 0x0000fffffffffffeull;	/* BADDR[47:1]; CnP is bit 0 */
	if (table >> rg.obits) {
		set_fault(f, SIM_FAULT_ADDRESS_SIZE, 1, 0);
		return false;
	}
	start = level = 4 - (int)(in_bits - 4) / 9;
	for (;;) {
		unsigned nbits;

		shift = 12 + 9 * (3 - (unsigned)level);
		nbits = level == start ? in_bits - shift : 9;
		if (level == start)
			table &= ~((8ull << nbits) - 1);	/* BADDR below the table size: RES0 */
		if (!s1_read_desc(c, table + ((va >> shift) & ((1ull << nbits) - 1)) * 8,
				  (unsigned)level, &desc, f))
			return false;
		if (!(desc & DESC_VALID) || ((level == 0 || level == 3) && !(desc & DESC_TABLE))) {
			set_fault(f, SIM_FAULT_TRANSLATION, 1, (unsigned)level);
			return false;
		}
		if (level == 3 || !(desc & DESC_TABLE))
			break;
		table = desc & DESC_OA_MASK;
		if (table >> rg.obits) {
			set_fault(f, SIM_FAULT_ADDRESS_SIZE, 1, (unsigned)level);
			return false;
		}
		tattr |= desc & (TBL_PXN | TBL_UXN | TBL_AP_NO_EL0 | TBL_AP_RO);
		level++;
	}
	r->oa = (desc & DESC_OA_MASK & ~((1ull << shift) - 1)) | (va & ((1ull << shift) - 1));
	if (r->oa >> rg.obits) {
		set_fault(f, SIM_FAULT_ADDRESS_SIZE, 1, (unsigned)level);
		return false;
	}
	if (!(desc & DESC_AF)) {
		set_fault(f, SIM_FAULT_ACCESS_FLAG, 1, (unsigned)level);
		return false;
	}
	r->desc = desc;
	r->tattr = tattr;
	r->level = (uint8_t)level;
	r->shift = (uint8_t)shift;
	return true;
}

/*
 * Stage-1 permissions of a leaf for both ELs (Arm ARM D8.4): AP[2:1] restricted by
 * APTable, UXN/PXN by the table XN bits, then the execute-never rules: EL0-writable
 * memory is never executable at EL1, and with SCTLR_EL1.WXN writable memory is not
 * executable at the EL that can write it.
 */
static uint16_t s1_perms(const struct sim_cpu *c, uint64_t desc, uint64_t tattr)
{
	unsigned ap = (desc >> 6) & 3;		/* AP[2] = read-only, AP[1] = EL0 access */
	bool uxn = (desc & DESC_UXN) || (tattr & TBL_UXN);
	bool pxn = (desc & DESC_PXN) || (tattr & TBL_PXN);
	bool wxn = c->sysreg[SR_SCTLR_EL1] & SCTLR_WXN;
	bool el1_w, el0_r, el0_w;
	uint16_t perm = SIM_TLB_R_EL1;

	if (tattr & TBL_AP_NO_EL0)
		ap &= ~1u;
	if (tattr & TBL_AP_RO)
		ap |= 2u;
	el1_w = !(ap & 2);
	el0_r = ap & 1;
	el0_w = el0_r && el1_w;
	if (el1_w)
		perm |= SIM_TLB_W_EL1;
	if (el0_r)
		perm |= SIM_TLB_R_EL0;
	if (el0_w)
		perm |= SIM_TLB_W_EL0;
	if (!pxn && !el0_w && !(wxn && el1_w))
		perm |= SIM_TLB_X_EL1;
	if (!uxn && !(wxn && el0_w))
		perm |= SIM_TLB_X_EL0;
	return perm;
}

/* Does perm allow acc at EL el? */
static bool perm_allows(uint16_t perm, unsigned acc, unsigned el)
{
	return (!(acc & SIM_ACC_READ) || (perm & (el ? SIM_TLB_R_EL1 : SIM_TLB_R_EL0))) &&
	       (!(acc & SIM_ACC_WRITE) || (perm & (el ? SIM_TLB_W_EL1 : SIM_TLB_W_EL0))) &&
	       (!(acc & SIM_ACC_EXEC) || (perm & (el ? SIM_TLB_X_EL1 : SIM_TLB_X_EL0)));
}

static uint8_t mair_attr(const struct sim_cpu *c, uint64_t desc)
{
	return (uint8_t)(c->sysreg[SR_MAIR_EL1] >> (8 * ((desc >> 2) & 7)));
}

/* Device memory: MAIR attribute 0b0000dd00. */
static bool attr_is_device(uint8_t attr)
{
	return (attr & 0xf0) == 0;
}

/*
 * Stage 1 off (SCTLR_EL1.M == 0): VA == IPA, but a VA above the PA size (below the top
 * byte when TBI applies) is a level-0 address size fault (AArch64.S1DisabledOutput).
 */
static bool s1_off_check(const struct sim_cpu *c, uint64_t va, struct sim_fault *f)
{
	struct s1_regime rg;

	s1_regime(c, va, &rg);
	if (!va_bits_are(va, rg.tbi ? 56 : 64, PA_BITS, false)) {
		set_fault(f, SIM_FAULT_ADDRESS_SIZE, 1, 0);
		return false;
	}
	return true;
}

static uint16_t s2_perm_mask(uint8_t s2)
{
	return (s2 & S2_R ? TLB_R_ALL : 0) | (s2 & S2_W ? TLB_W_ALL : 0) |
	       (s2 & S2_X ? TLB_X_ALL : 0);
}

bool sim_mmu_translate(struct sim_cpu *c, uint64_t va, unsigned acc,
		       struct sim_tlb_entry *e, struct sim_fault *f)
{
	unsigned el = (acc & SIM_ACC_UNPRIV) ? 0 : c->el;
	unsigned rwx = acc & (SIM_ACC_READ | SIM_ACC_WRITE | SIM_ACC_EXEC);
	uint64_t ipa, pa;
	uint16_t perm;
	uint8_t s2perm = S2_R | S2_W | S2_X, shift = SIM_PAGE_SHIFT;

	if (!(c->sysreg[SR_SCTLR_EL1] & SCTLR_M)) {
		if (!s1_off_check(c, va, f))
			return false;
		/* Data is Device-nGnRnE, instruction fetches Normal: the fetch path ignores
		 * SIM_TLB_DEVICE, data accesses get its alignment checks. */
		ipa = va & ((1ull << PA_BITS) - 1);	/* drops a TBI tag */
		perm = TLB_R_ALL | TLB_W_ALL | TLB_X_ALL | SIM_TLB_DEVICE | SIM_TLB_GLOBAL;
	} else {
		struct s1_result r;

		if (!s1_walk(c, va, &r, f))
			return false;
		perm = s1_perms(c, r.desc, r.tattr);
		if (!perm_allows(perm, rwx, el)) {
			set_fault(f, SIM_FAULT_PERMISSION, 1, r.level);
			return false;
		}
		if (attr_is_device(mair_attr(c, r.desc)))
			perm |= SIM_TLB_DEVICE;
		if (!(r.desc & DESC_NG))
			perm |= SIM_TLB_GLOBAL;
		ipa = r.oa;
		shift = r.shift;
	}
	pa = ipa;
	if (c->part->stage2) {
		struct s2_result r2;

		if (!s2_translate(c->part, ipa, rwx, &r2, f))
			return false;
		pa = r2.pa;
		s2perm = r2.perm;
		perm &= s2_perm_mask(s2perm) | SIM_TLB_DEVICE | SIM_TLB_GLOBAL;
		if (r2.device)
			perm |= SIM_TLB_DEVICE;
	}
	e->vpage = va >> SIM_PAGE_SHIFT;
	e->host = NULL;
	e->pa = pa & ~SIM_PAGE_MASK;
	e->ipa = ipa & ~SIM_PAGE_MASK;
	e->ctx = c->ctx;
	e->perm = perm;
	e->s2perm = s2perm;
	e->block_shift = shift;
	return true;
}

/* ---- AT ------------------------------------------------------------------------------------- */

#define PAR_F		(1ull << 0)
#define PAR_NS		(1ull << 9)	/* Non-secure: everything here is */
#define PAR_RES1	(1ull << 11)
#define PAR_SH_SHIFT	7

static uint64_t par_fault(const struct sim_fault *f)
{
	return PAR_RES1 | (uint64_t)sim_fault_status(f) << 1 | PAR_F;
}

/*
 * PAR_EL1.SH: the descriptor's shareability, except that Device and Normal
 * Non-cacheable memory always report Outer Shareable (Arm ARM PAREncodeShareability).
 */
static unsigned par_sh(uint8_t attr, uint64_t desc)
{
	if (attr_is_device(attr) || attr == 0x44)
		return 2;
	return (desc >> 8) & 3;
}

bool sim_mmu_at(struct sim_cpu *c, uint64_t va, unsigned acc, unsigned el, uint64_t *par,
		struct sim_fault *f)
{
	struct s1_result r;
	uint8_t attr;

	memset(f, 0, sizeof(*f));
	if (!(c->sysreg[SR_SCTLR_EL1] & SCTLR_M)) {
		/* Flat and Device-nGnRnE (ATTR 0x00), reported Outer Shareable. */
		*par = s1_off_check(c, va, f) ?
		       (va & DESC_OA_MASK & ((1ull << PA_BITS) - 1)) | PAR_RES1 | PAR_NS | 2u << PAR_SH_SHIFT : par_fault(f);
		return true;
	}
	if (!s1_walk(c, va, &r, f)) {
		if (f->stage == 2 || f->type == SIM_FAULT_EXTERNAL)
			return false;
		*par = par_fault(f);
		return true;
	}
	if (!perm_allows(s1_perms(c, r.desc, r.tattr), acc & (SIM_ACC_READ | SIM_ACC_WRITE),
			 el)) {
		set_fault(f, SIM_FAULT_PERMISSION, 1, r.level);
		*par = par_fault(f);
		return true;
	}
	attr = mair_attr(c, r.desc);
	*par = (uint64_t)attr << 56 | (r.oa & DESC_OA_MASK) | PAR_RES1 | PAR_NS |
	       (uint64_t)par_sh(attr, r.desc) << PAR_SH_SHIFT;
	return true;
}
