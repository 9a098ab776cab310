// SPDX-License-Identifier: MIT
/*
 * System registers for MRS/MSR: one table, sorted by encoding, searched by bisection.
 * The GICv3 CPU interface (ICC_*) goes to gic.c and the generic timer (CNT*_EL0) to
 * timer.c, after the EL0 access rules that this file owns.
 *
 * CPU model (also in docs/SIM.md, "CPU model"): an Arm Cortex-A55 r1p0 (MIDR 0x411fd050)
 * reduced to what the sim implements. The ID registers advertise only that:
 *   ID_AA64PFR0  EL0 and EL1 AArch64 only, no EL2/EL3 (not visible to the guest), FP and
 *                AdvSIMD without half precision, GICv3 system registers.
 *   ID_AA64ISAR0 CRC32, LSE atomics. Nothing else (no AES/SHA/RDM/DotProd).
 *   ID_AA64ISAR1 SB, LRCPC 2 (LDAPR, LDAPUR/STLUR). No PAuth, no DPB (DC CVAP).
 *   ID_AA64MMFR0 40-bit PA, 16-bit ASID, 4 KiB granule only, little-endian only.
 *   ID_AA64MMFR1/2, PFR1, ZFR0, ISAR2: 0 (no PAN, VHE, HAFDBS, LOR, UAO, SVE, MTE, BTI).
 *   ID_AA64DFR0  Armv8.0 debug, 2 breakpoints, 2 watchpoints, no PMU, no trace.
 *   AArch32 ID registers and every other register of the ID space: 0.
 * Deviations from a real A55: FP16, DotProd, RDM, LRCPC, PAN, UAO, VHE, RAS, 16/64 KiB
 * granules and big-endian are absent; SB (Armv8.5) is present; MPIDR follows the
 * machine's numbering (MT = 0, Aff0 = CPU index & 15), as QEMU's virt board does.
 *
 * Debug registers are RAZ/WI (breakpoints and watchpoints never fire), MDSCR_EL1 is
 * stored but generates no debug events, the OS lock is stored (OSLSR_EL1.OSLK) but
 * blocks nothing. Caches are not modelled; the cache ID registers describe L1 I and D
 * 32 KiB 4-way and a private unified L2 of 128 KiB 4-way, 64-byte lines.
 */
#include "sim/internal.h"

#define ENC(op0, op1, crn, crm, op2) \
	((uint32_t)(op0) << 14 | (uint32_t)(op1) << 11 | (uint32_t)(crn) << 7 | \
	 (uint32_t)(crm) << 3 | (uint32_t)(op2))

/* SCTLR_EL1 bits this file acts on. */
#define SCTLR_M		(1ull << 0)
#define SCTLR_A		(1ull << 1)
#define SCTLR_UMA	(1ull << 9)
#define SCTLR_DZE	(1ull << 14)
#define SCTLR_UCT	(1ull << 15)
#define SCTLR_WXN	(1ull << 19)
/*
 * Writable SCTLR_EL1 bits: M A C SA SA0 UMA I DZE UCT nTWI nTWE WXN UCI. The rest are
 * RES0, or RES1 (11, 20, 22, 23, 28, 29) for features absent from the model (ExS, IESB,
 * PAN, LSMAOE, ...); EE/E0E are RES0 because only little-endian is implemented.
 */
#define SCTLR_WMASK	0x040dd21full
#define SCTLR_RES1	0x30d00800ull

/* Flags of a table entry. */
#define F_R		(1u << 0)	/* MRS allowed at EL1 */
#define F_W		(1u << 1)	/* MSR allowed at EL1 */
#define F_EL0_R		(1u << 2)	/* MRS allowed at EL0 too */
#define F_EL0_W		(1u << 3)	/* MSR allowed at EL0 too */
#define F_EL0_UCT	(1u << 4)	/* EL0 reads trap to EL1 unless SCTLR_EL1.UCT */
#define F_EL0_UMA	(1u << 5)	/* EL0 access traps to EL1 unless SCTLR_EL1.UMA */
#define F_CONST		(1u << 6)	/* reads .value */

struct sysreg {
	uint32_t enc;
	const char *name;
	uint8_t flags;
	int8_t slot;		/* index into c->sysreg[], or -1 */
	uint64_t wmask;		/* writable bits of a stored register */
	uint64_t res1;		/* bits that read as one whatever is written */
	uint64_t value;		/* F_CONST */
	int (*read)(struct sim_cpu *c, uint64_t *val);
	/* Replaces the plain store; called after the access checks passed. */
	int (*write)(struct sim_cpu *c, const struct sysreg *r, uint64_t val);
};

/* ---- the CPU model's constant registers --------------------------------------------- */

#define MIDR_A55_R1P0	0x411fd050ull
#define CTR_VALUE	0x84448004ull	/* CWG, ERG, DminLine, IminLine 64 B; L1Ip VIPT */
#define CLIDR_VALUE	0x0a200023ull	/* L1 I+D, L2 unified; LoUIS 1, LoC 2, LoUU 1 */
#define DCZID_BS	4u		/* DC ZVA block: 2^4 words = 64 bytes */

/* ID space (op0 3, op1 0, CRn 0, CRm 1..7): what is not listed reads as 0. */
static const struct {
	uint32_t enc;
	uint64_t value;
} id_regs[] = {
	{ ENC(3, 0, 0, 4, 0), 0x0000000001000011ull },	/* ID_AA64PFR0: GIC (if any), EL1, EL0 */
	{ ENC(3, 0, 0, 5, 0), 0x0000000000101006ull },	/* ID_AA64DFR0: WRPs 1, BRPs 1, v8.0 */
	{ ENC(3, 0, 0, 6, 0), 0x0000000000210000ull },	/* ID_AA64ISAR0: Atomic 2, CRC32 1 */
	{ ENC(3, 0, 0, 6, 1), 0x0000001000200000ull },	/* ID_AA64ISAR1: SB 1, LRCPC 2 */
	{ ENC(3, 0, 0, 7, 0), 0x000000000f000022ull },	/* ID_AA64MMFR0: TGran64 no, ASID 16, PA 40 */
};

static bool is_id_space(uint32_t enc)
{
	return (enc & ~ENC(0, 0, 0, 7, 7)) == ENC(3, 0, 0, 0, 0) &&
	       ((enc >> 3) & 15) >= 1 && ((enc >> 3) & 15) <= 7;
}

static uint64_t id_reg_value(const struct sim_cpu *c, uint32_t enc)
{
	for (size_t i = 0; i < sizeof(id_regs) / sizeof(id_regs[0]); i++) {
		if (id_regs[i].enc != enc)
			continue;
		/* PFR0.GIC: the system-register interface exists only with a GIC. */
		if (enc == ENC(3, 0, 0, 4, 0) && !c->part->gic)
			return id_regs[i].value & ~(0xfull << 24);
		return id_regs[i].value;
	}
	return 0;
}

/* ---- computed registers ---------------------------------------------------------------- */

static int read_mpidr(struct sim_cpu *c, uint64_t *val)
{
	*val = c->mpidr | 1ull << 31;	/* bit 31 is RES1 */
	return 0;
}

static int read_currentel(struct sim_cpu *c, uint64_t *val)
{
	*val = (uint64_t)c->el << 2;
	return 0;
}

static int read_spsel(struct sim_cpu *c, uint64_t *val)
{
	*val = c->spsel;
	return 0;
}

static int write_spsel(struct sim_cpu *c, const struct sysreg *r, uint64_t val)
{
	sim_set_sp_sel(c, c->el, val & 1);
	return 0;
}

/* SP_EL0 from EL1 is accessible only while SP_EL1 is selected (else UNDEFINED). */
static int read_sp_el0(struct sim_cpu *c, uint64_t *val)
{
	if (!c->spsel)
		return -ENOENT;
	*val = c->sp_el0;
	return 0;
}

static int write_sp_el0(struct sim_cpu *c, const struct sysreg *r, uint64_t val)
{
	if (!c->spsel)
		return -ENOENT;
	c->sp_el0 = val;
	return 0;
}

static int read_nzcv(struct sim_cpu *c, uint64_t *val)
{
	*val = c->nzcv;
	return 0;
}

static int write_nzcv(struct sim_cpu *c, const struct sysreg *r, uint64_t val)
{
	c->nzcv = (uint32_t)val & (SIM_N | SIM_Z | SIM_C | SIM_V);
	return 0;
}

static int read_daif(struct sim_cpu *c, uint64_t *val)
{
	*val = c->daif;
	return 0;
}

static int write_daif(struct sim_cpu *c, const struct sysreg *r, uint64_t val)
{
	c->daif = (uint32_t)val & (SIM_DAIF_D | SIM_DAIF_A | SIM_DAIF_I | SIM_DAIF_F);
	c->events |= SIM_EV_IRQ_CHECK;
	sim_cpu_stop_slice(c);	/* an unmasked pending interrupt is taken next */
	return 0;
}

/* FPCR: AHP, DN, FZ, RMode. Trap enables are RAZ/WI (no FP exception trapping). */
static int read_fpcr(struct sim_cpu *c, uint64_t *val)
{
	*val = c->fpcr;
	return 0;
}

static int write_fpcr(struct sim_cpu *c, const struct sysreg *r, uint64_t val)
{
	c->fpcr = (uint32_t)val & 0x07c00000u;
	return 0;
}

/* FPSR: QC and the cumulative exception flags IDC, IXC, UFC, OFC, DZC, IOC. */
static int read_fpsr(struct sim_cpu *c, uint64_t *val)
{
	*val = c->fpsr;
	return 0;
}

static int write_fpsr(struct sim_cpu *c, const struct sysreg *r, uint64_t val)
{
	c->fpsr = (uint32_t)val & 0x0800009fu;
	return 0;
}

/* ISR_EL1: A, I, F pending (no SError source exists, A is 0). */
static int read_isr(struct sim_cpu *c, uint64_t *val)
{
	*val = (c->irq_line ? SIM_DAIF_I : 0) | (c->fiq_line ? SIM_DAIF_F : 0);
	return 0;
}

static int read_dczid(struct sim_cpu *c, uint64_t *val)
{
	bool prohibited = c->el == 0 && !(c->sysreg[SR_SCTLR_EL1] & SCTLR_DZE);

	*val = DCZID_BS | (prohibited ? 1u << 4 : 0);
	return 0;
}

static int read_ccsidr(struct sim_cpu *c, uint64_t *val)
{
	/* NumSets - 1 << 13 | Associativity - 1 << 3 | log2(line) - 4 */
	switch (c->sysreg[SR_CSSELR_EL1] & 0xf) {
	case 0:		/* L1 data: 32 KiB, 4-way, 64 B */
	case 1:		/* L1 instruction: likewise */
		*val = 127u << 13 | 3u << 3 | 2u;
		break;
	case 2:		/* L2 unified: 128 KiB, 4-way, 64 B */
		*val = 511u << 13 | 3u << 3 | 2u;
		break;
	default:	/* no such cache: UNKNOWN, we say 0 */
		*val = 0;
		break;
	}
	return 0;
}

/* OSLSR_EL1: OSLM = 0b10 (OS lock implemented, bit 3), OSLK from the last OSLAR write. */
static int read_oslsr(struct sim_cpu *c, uint64_t *val)
{
	*val = 1u << 3 | (c->sysreg[SR_OSLSR_EL1] & 2);
	return 0;
}

static int write_oslar(struct sim_cpu *c, const struct sysreg *r, uint64_t val)
{
	c->sysreg[SR_OSLSR_EL1] = (val & 1) << 1;
	return 0;
}

/* ---- stored registers whose writes change how the CPU runs ---------------------------- */

static int write_sctlr(struct sim_cpu *c, const struct sysreg *r, uint64_t val)
{
	uint64_t old = c->sysreg[SR_SCTLR_EL1];
	uint64_t new = (val & SCTLR_WMASK) | SCTLR_RES1;

	c->sysreg[SR_SCTLR_EL1] = new;
	/* The MMU switch, WXN and strict alignment change how TLB entries may be used. */
	if ((old ^ new) & (SCTLR_M | SCTLR_A | SCTLR_WXN))
		sim_tlb_flush_all(c);
	sim_cpu_stop_slice(c);
	return 0;
}

/* TCR, MAIR: translations and attributes in the TLB depend on them; drop it all. */
static int write_translation_ctl(struct sim_cpu *c, const struct sysreg *r, uint64_t val)
{
	c->sysreg[r->slot] = val & r->wmask;
	sim_tlb_flush_all(c);
	sim_update_ctx(c);
	return 0;
}

/* TTBRx: only the ASID in use can change; entries are tagged by ASID (no flush). */
static int write_ttbr(struct sim_cpu *c, const struct sysreg *r, uint64_t val)
{
	c->sysreg[r->slot] = val & r->wmask;
	sim_update_ctx(c);
	c->events |= SIM_EV_REFETCH;
	sim_cpu_stop_slice(c);
	return 0;
}

static int write_and_stop(struct sim_cpu *c, const struct sysreg *r, uint64_t val)
{
	c->sysreg[r->slot] = (val & r->wmask) | r->res1;
	sim_cpu_stop_slice(c);
	return 0;
}

/* ---- the table -------------------------------------------------------------------------- */

#define RW	(F_R | F_W)
#define STORE(e, n, s, m)	{ .enc = (e), .name = (n), .flags = RW, .slot = (s), .wmask = (m) }
#define CONST(e, n, v)		{ .enc = (e), .name = (n), .flags = F_R | F_CONST, .slot = -1, \
				  .value = (v) }
#define RAZWI(e, n)		{ .enc = (e), .name = (n), .flags = RW | F_CONST, .slot = -1 }
#define ALL			(~0ull)

static const struct sysreg sysregs[] = {
	RAZWI(ENC(2, 0, 0, 0, 4), "DBGBVR0_EL1"),
	RAZWI(ENC(2, 0, 0, 0, 5), "DBGBCR0_EL1"),
	RAZWI(ENC(2, 0, 0, 0, 6), "DBGWVR0_EL1"),
	RAZWI(ENC(2, 0, 0, 0, 7), "DBGWCR0_EL1"),
	RAZWI(ENC(2, 0, 0, 1, 4), "DBGBVR1_EL1"),
	RAZWI(ENC(2, 0, 0, 1, 5), "DBGBCR1_EL1"),
	RAZWI(ENC(2, 0, 0, 1, 6), "DBGWVR1_EL1"),
	RAZWI(ENC(2, 0, 0, 1, 7), "DBGWCR1_EL1"),
	STORE(ENC(2, 0, 0, 2, 0), "MDCCINT_EL1", SR_MDCCINT_EL1, 3ull << 29),
	/* SS, TDCC, KDE, MDE, TDA, INTdis: stored, no debug event is ever generated. */
	STORE(ENC(2, 0, 0, 2, 2), "MDSCR_EL1", SR_MDSCR_EL1, 0x00e0b001ull),
	CONST(ENC(2, 0, 1, 0, 0), "MDRAR_EL1", 0),
	{ .enc = ENC(2, 0, 1, 0, 4), .name = "OSLAR_EL1", .flags = F_W, .slot = -1,
	  .write = write_oslar },
	{ .enc = ENC(2, 0, 1, 1, 4), .name = "OSLSR_EL1", .flags = F_R, .slot = -1,
	  .read = read_oslsr },
	STORE(ENC(2, 0, 1, 3, 4), "OSDLR_EL1", SR_OSDLR_EL1, 1),
	RAZWI(ENC(2, 0, 1, 4, 4), "DBGPRCR_EL1"),
	RAZWI(ENC(2, 0, 7, 8, 6), "DBGCLAIMSET_EL1"),
	RAZWI(ENC(2, 0, 7, 9, 6), "DBGCLAIMCLR_EL1"),
	CONST(ENC(2, 0, 7, 14, 6), "DBGAUTHSTATUS_EL1", 0),

	CONST(ENC(3, 0, 0, 0, 0), "MIDR_EL1", MIDR_A55_R1P0),
	{ .enc = ENC(3, 0, 0, 0, 5), .name = "MPIDR_EL1", .flags = F_R, .slot = -1,
	  .read = read_mpidr },
	CONST(ENC(3, 0, 0, 0, 6), "REVIDR_EL1", 0),
	{ .enc = ENC(3, 0, 1, 0, 0), .name = "SCTLR_EL1", .flags = RW, .slot = SR_SCTLR_EL1,
	  .wmask = SCTLR_WMASK, .res1 = SCTLR_RES1, .write = write_sctlr },
	STORE(ENC(3, 0, 1, 0, 1), "ACTLR_EL1", SR_ACTLR_EL1, ALL),	/* IMPDEF, no effect */
	{ .enc = ENC(3, 0, 1, 0, 2), .name = "CPACR_EL1", .flags = RW, .slot = SR_CPACR_EL1,
	  .wmask = 3ull << 20, .write = write_and_stop },		/* FPEN */
	{ .enc = ENC(3, 0, 2, 0, 0), .name = "TTBR0_EL1", .flags = RW, .slot = SR_TTBR0_EL1,
	  .wmask = ~1ull, .write = write_ttbr },			/* CnP not implemented */
	{ .enc = ENC(3, 0, 2, 0, 1), .name = "TTBR1_EL1", .flags = RW, .slot = SR_TTBR1_EL1,
	  .wmask = ~1ull, .write = write_ttbr },
	/* TCR_EL1[38:0] less RES0 bits 6 and 35 (HA/HD/HPD and later are not implemented). */
	{ .enc = ENC(3, 0, 2, 0, 2), .name = "TCR_EL1", .flags = RW, .slot = SR_TCR_EL1,
	  .wmask = 0x7fffffffffull & ~(1ull << 6 | 1ull << 35), .write = write_translation_ctl },
	/* SPSR_EL1: NZCV, SS, IL, DAIF, M[4:0]; PAN/UAO/DIT/SSBS/BTYPE are RES0 here. */
	STORE(ENC(3, 0, 4, 0, 0), "SPSR_EL1", SR_SPSR_EL1, 0xf03003dfull),
	STORE(ENC(3, 0, 4, 0, 1), "ELR_EL1", SR_ELR_EL1, ALL),
	{ .enc = ENC(3, 0, 4, 1, 0), .name = "SP_EL0", .flags = RW, .slot = -1,
	  .read = read_sp_el0, .write = write_sp_el0 },
	{ .enc = ENC(3, 0, 4, 2, 0), .name = "SPSel", .flags = RW, .slot = -1,
	  .read = read_spsel, .write = write_spsel },
	{ .enc = ENC(3, 0, 4, 2, 2), .name = "CurrentEL", .flags = F_R, .slot = -1,
	  .read = read_currentel },
	STORE(ENC(3, 0, 5, 1, 0), "AFSR0_EL1", SR_AFSR0_EL1, 0xffffffffull),
	STORE(ENC(3, 0, 5, 1, 1), "AFSR1_EL1", SR_AFSR1_EL1, 0xffffffffull),
	STORE(ENC(3, 0, 5, 2, 0), "ESR_EL1", SR_ESR_EL1, 0xffffffffull),
	STORE(ENC(3, 0, 6, 0, 0), "FAR_EL1", SR_FAR_EL1, ALL),
	STORE(ENC(3, 0, 7, 4, 0), "PAR_EL1", SR_PAR_EL1, ALL),
	{ .enc = ENC(3, 0, 10, 2, 0), .name = "MAIR_EL1", .flags = RW, .slot = SR_MAIR_EL1,
	  .wmask = ALL, .write = write_translation_ctl },
	STORE(ENC(3, 0, 10, 3, 0), "AMAIR_EL1", SR_AMAIR_EL1, ALL),	/* IMPDEF, no effect */
	STORE(ENC(3, 0, 12, 0, 0), "VBAR_EL1", SR_VBAR_EL1, ~0x7ffull),
	{ .enc = ENC(3, 0, 12, 1, 0), .name = "ISR_EL1", .flags = F_R, .slot = -1,
	  .read = read_isr },
	/* DISR_EL1 exists for kernels that probe it; no ESB ever defers an error into it. */
	STORE(ENC(3, 0, 12, 1, 1), "DISR_EL1", SR_DISR_EL1, 0xffffffffull),
	STORE(ENC(3, 0, 13, 0, 1), "CONTEXTIDR_EL1", SR_CONTEXTIDR_EL1, 0xffffffffull),
	STORE(ENC(3, 0, 13, 0, 4), "TPIDR_EL1", SR_TPIDR_EL1, ALL),
	/* EL0PCTEN, EL0VCTEN, EVNTEN, EVNTDIR, EVNTI, EL0VTEN, EL0PTEN (event stream unused). */
	STORE(ENC(3, 0, 14, 1, 0), "CNTKCTL_EL1", SR_CNTKCTL_EL1, 0x3ffull),
	{ .enc = ENC(3, 1, 0, 0, 0), .name = "CCSIDR_EL1", .flags = F_R, .slot = -1,
	  .read = read_ccsidr },
	CONST(ENC(3, 1, 0, 0, 1), "CLIDR_EL1", CLIDR_VALUE),
	CONST(ENC(3, 1, 0, 0, 7), "AIDR_EL1", 0),
	STORE(ENC(3, 2, 0, 0, 0), "CSSELR_EL1", SR_CSSELR_EL1, 0xfull),	/* Level, InD */
	{ .enc = ENC(3, 3, 0, 0, 1), .name = "CTR_EL0", .flags = F_R | F_CONST | F_EL0_UCT,
	  .slot = -1, .value = CTR_VALUE },
	{ .enc = ENC(3, 3, 0, 0, 7), .name = "DCZID_EL0", .flags = F_R | F_EL0_R, .slot = -1,
	  .read = read_dczid },
	{ .enc = ENC(3, 3, 4, 2, 0), .name = "NZCV", .flags = RW | F_EL0_R | F_EL0_W,
	  .slot = -1, .read = read_nzcv, .write = write_nzcv },
	{ .enc = ENC(3, 3, 4, 2, 1), .name = "DAIF", .flags = RW | F_EL0_UMA, .slot = -1,
	  .read = read_daif, .write = write_daif },
	{ .enc = ENC(3, 3, 4, 4, 0), .name = "FPCR", .flags = RW | F_EL0_R | F_EL0_W,
	  .slot = -1, .read = read_fpcr, .write = write_fpcr },
	{ .enc = ENC(3, 3, 4, 4, 1), .name = "FPSR", .flags = RW | F_EL0_R | F_EL0_W,
	  .slot = -1, .read = read_fpsr, .write = write_fpsr },
	{ .enc = ENC(3, 3, 13, 0, 2), .name = "TPIDR_EL0", .flags = RW | F_EL0_R | F_EL0_W,
	  .slot = SR_TPIDR_EL0, .wmask = ALL },
	{ .enc = ENC(3, 3, 13, 0, 3), .name = "TPIDRRO_EL0", .flags = RW | F_EL0_R,
	  .slot = SR_TPIDRRO_EL0, .wmask = ALL },
};

static const struct sysreg *lookup(uint32_t enc)
{
	size_t lo = 0, hi = sizeof(sysregs) / sizeof(sysregs[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sysregs[mid].enc == enc)
			return &sysregs[mid];
		if (sysregs[mid].enc < enc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * May the current EL make this access? 0 yes, -ENOENT UNDEFINED (EL1-only register at
 * EL0, MRS of a write-only or MSR of a read-only register), -EPERM trapped to EL1.
 */
static int check_access(const struct sim_cpu *c, const struct sysreg *r, bool write)
{
	uint64_t sctlr = c->sysreg[SR_SCTLR_EL1];

	if (!(r->flags & (write ? F_W : F_R)))
		return -ENOENT;
	if (c->el)
		return 0;
	if (r->flags & F_EL0_UCT)
		return write ? -ENOENT : (sctlr & SCTLR_UCT) ? 0 : -EPERM;
	if (r->flags & F_EL0_UMA)
		return (sctlr & SCTLR_UMA) ? 0 : -EPERM;
	return (r->flags & (write ? F_EL0_W : F_EL0_R)) ? 0 : -ENOENT;
}

/* ---- delegated ranges -------------------------------------------------------------------- */

/* ICC_PMR_EL1 and ICC_* in op0 3, op1 0, CRn 12, CRm 8..12: EL1 only. */
static bool is_gic_reg(uint32_t enc)
{
	unsigned crm = (enc >> 3) & 15;

	return enc == ENC(3, 0, 4, 6, 0) ||
	       ((enc & ~ENC(0, 0, 0, 15, 7)) == ENC(3, 0, 12, 0, 0) && crm >= 8 && crm <= 12);
}

static bool is_timer_reg(uint32_t enc)
{
	return (enc & ~ENC(0, 0, 0, 15, 7)) == ENC(3, 3, 14, 0, 0);
}

/*
 * EL0 access to the generic timer, per CNTKCTL_EL1 (Arm ARM D11.10): a disabled register
 * traps to EL1 (whether MRS or MSR); an enabled one goes to timer.c, which refuses MSR
 * to the read-only counters and CNTFRQ_EL0 as UNDEFINED.
 */
static int timer_el0_access(const struct sim_cpu *c, uint32_t enc)
{
	uint64_t k = c->sysreg[SR_CNTKCTL_EL1];
	bool pcten = k & 1, vcten = k & 2, vten = k & (1u << 8), pten = k & (1u << 9);
	bool allowed;

	switch (enc) {
	case ENC(3, 3, 14, 0, 0):	/* CNTFRQ_EL0 */
		allowed = pcten || vcten;
		break;
	case ENC(3, 3, 14, 0, 1):	/* CNTPCT_EL0 */
		allowed = pcten;
		break;
	case ENC(3, 3, 14, 0, 2):	/* CNTVCT_EL0 */
		allowed = vcten;
		break;
	case ENC(3, 3, 14, 2, 0):	/* CNTP_TVAL_EL0, CTL, CVAL */
	case ENC(3, 3, 14, 2, 1):
	case ENC(3, 3, 14, 2, 2):
		allowed = pten;
		break;
	case ENC(3, 3, 14, 3, 0):	/* CNTV_TVAL_EL0, CTL, CVAL */
	case ENC(3, 3, 14, 3, 1):
	case ENC(3, 3, 14, 3, 2):
		allowed = vten;
		break;
	default:
		return -ENOENT;
	}
	return allowed ? 0 : -EPERM;
}

/* ---- entry points ---------------------------------------------------------------------------- */

int sim_sysreg_read(struct sim_cpu *c, uint32_t enc, uint64_t *val)
{
	const struct sysreg *r;
	int err;

	if (is_id_space(enc)) {
		if (!c->el)
			return -ENOENT;	/* no FEAT_IDST: EL0 ID register reads are UNDEFINED */
		*val = id_reg_value(c, enc);
		return 0;
	}
	if (is_gic_reg(enc))
		return c->el ? sim_gic_sysreg_read(c, enc, val) : -ENOENT;
	if (is_timer_reg(enc)) {
		if (!c->el && (err = timer_el0_access(c, enc)))
			return err;
		return sim_timer_sysreg_read(c, enc, val);
	}
	r = lookup(enc);
	if (!r)
		return -ENOENT;
	err = check_access(c, r, false);
	if (err)
		return err;
	if (r->read)
		return r->read(c, val);
	*val = (r->flags & F_CONST) ? r->value : c->sysreg[r->slot];
	return 0;
}

int sim_sysreg_write(struct sim_cpu *c, uint32_t enc, uint64_t val)
{
	const struct sysreg *r;
	int err;

	if (is_id_space(enc))
		return -ENOENT;		/* read-only */
	if (is_gic_reg(enc))
		return c->el ? sim_gic_sysreg_write(c, enc, val) : -ENOENT;
	if (is_timer_reg(enc)) {
		if (!c->el && (err = timer_el0_access(c, enc)))
			return err;
		return sim_timer_sysreg_write(c, enc, val);
	}
	r = lookup(enc);
	if (!r)
		return -ENOENT;
	err = check_access(c, r, true);
	if (err)
		return err;
	if (r->write)
		return r->write(c, r, val);
	if (r->slot >= 0)
		c->sysreg[r->slot] = (val & r->wmask) | r->res1;
	return 0;		/* RAZ/WI registers drop the write */
}

const char *sim_sysreg_name(uint32_t enc)
{
	const struct sysreg *r = lookup(enc);

	return r ? r->name : NULL;
}
