// SPDX-License-Identifier: MIT
/*
 * A64 system instructions: MRS/MSR, MSR (immediate), hints, barriers, CLREX, the SYS
 * aliases (DC, IC, AT, TLBI), exception generation (SVC, HVC, SMC, BRK) and ERET.
 *
 * Decoding is pure (word in, sim_insn out); everything that depends on the EL or on
 * SCTLR_EL1 is decided by the handler when it runs. Fields of struct sim_insn used here:
 *   rd  Rt (the register operand)     imm  sysreg encoding / immediate / TLBI kind
 *   p0  sub-operation                 p1, p2  per-handler parameters
 *
 * Simplifications, each safe because the sim has no caches and runs CPUs one at a time:
 * barriers are no-ops (ISB ends the slice), WFE and YIELD complete at once (WFE ends the
 * slice so a spinning CPU yields early), SEV/SEVL do nothing, cache maintenance by
 * set/way is a no-op, and cache maintenance by VA only checks the translation. Code
 * is never stale: a write to a page drops its decoded instructions (see exec.c).
 */
#include "sim/internal.h"

#define ESR_IL		(1u << 25)
#define EC(ec)		((uint32_t)(ec) << 26)

/* SCTLR_EL1 controls on EL0. */
#define SCTLR_UMA	(1ull << 9)
#define SCTLR_DZE	(1ull << 14)
#define SCTLR_NTWI	(1ull << 16)
#define SCTLR_NTWE	(1ull << 18)
#define SCTLR_UCI	(1ull << 26)

static uint32_t field(uint32_t insn, unsigned hi, unsigned lo)
{
	return (insn >> lo) & ((2u << (hi - lo)) - 1);
}

static void insn_init(struct sim_insn *out, uint32_t insn, sim_exec_fn fn, unsigned rt)
{
	memset(out, 0, sizeof(*out));
	out->fn = fn;
	out->raw = insn;
	out->rd = (uint8_t)rt;
}

/*
 * Trap of a system instruction or register access to EL1 (EC 0x18). The ISS holds the
 * instruction's Op0, Op2, Op1, CRn, Rt, CRm and direction (1 = read), Arm ARM D17.2.37.
 */
static void trap_sys(struct sim_cpu *c, uint32_t raw)
{
	uint32_t iss = field(raw, 20, 19) << 20 | field(raw, 7, 5) << 17 |
		       field(raw, 18, 16) << 14 | field(raw, 15, 12) << 10 |
		       field(raw, 4, 0) << 5 | field(raw, 11, 8) << 1 | field(raw, 21, 21);

	sim_take_sync(c, EC(SIM_EC_SYSREG) | ESR_IL | iss, 0, false);
}

/* sysreg.c's verdict: -EPERM traps to EL1, anything else is UNDEFINED. */
static void sysreg_fail(struct sim_cpu *c, uint32_t raw, int err)
{
	if (err == -EPERM)
		trap_sys(c, raw);
	else
		sim_undef(c);
}

/* ---- MRS / MSR (register) ---------------------------------------------------------------- */

#define ENC_FPCR	0xda20u		/* S3_3_C4_C4_0 */
#define ENC_FPSR	0xda21u		/* S3_3_C4_C4_1 */

static void exec_mrs(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t v;
	int err;

	if (in->p0 && !sim_fp_check(c))		/* FPCR/FPSR obey CPACR_EL1.FPEN */
		return;
	err = sim_sysreg_read(c, (uint32_t)in->imm, &v);
	if (err) {
		sysreg_fail(c, in->raw, err);
		return;
	}
	sim_set_x(c, in->rd, v);
	c->pc += 4;
}

static void exec_msr(struct sim_cpu *c, const struct sim_insn *in)
{
	int err;

	if (in->p0 && !sim_fp_check(c))
		return;
	err = sim_sysreg_write(c, (uint32_t)in->imm, sim_get_x(c, in->rd));
	if (err) {
		sysreg_fail(c, in->raw, err);
		return;
	}
	c->pc += 4;
}

/* ---- MSR (immediate) -------------------------------------------------------------------- */

enum { PSTATE_SPSEL, PSTATE_DAIFSET, PSTATE_DAIFCLR };

static void exec_msr_imm(struct sim_cpu *c, const struct sim_insn *in)
{
	uint32_t bits = (uint32_t)in->imm << 6;		/* CRm holds D, A, I, F */

	if (c->el == 0) {
		if (in->p0 == PSTATE_SPSEL) {
			sim_undef(c);
			return;
		}
		if (!(c->sysreg[SR_SCTLR_EL1] & SCTLR_UMA)) {
			trap_sys(c, in->raw);
			return;
		}
	}
	switch (in->p0) {
	case PSTATE_SPSEL:
		sim_set_sp_sel(c, c->el, in->imm & 1);
		break;
	case PSTATE_DAIFSET:
		c->daif |= bits;
		break;
	default:
		c->daif &= ~bits;
		break;
	}
	c->events |= SIM_EV_IRQ_CHECK;
	sim_cpu_stop_slice(c);
	c->pc += 4;
}

/* ---- hints and barriers ------------------------------------------------------------------ */

static void exec_nop(struct sim_cpu *c, const struct sim_insn *in)
{
	c->pc += 4;
}

/* ISB, YIELD: nothing to synchronise, but let the run loop look around. */
static void exec_end_slice(struct sim_cpu *c, const struct sim_insn *in)
{
	c->pc += 4;
	sim_cpu_stop_slice(c);
}

static void exec_clrex(struct sim_cpu *c, const struct sim_insn *in)
{
	c->excl_valid = false;
	c->pc += 4;
}

/* WFI/WFE at EL0 trap to EL1 unless SCTLR_EL1.nTWI/nTWE (EC 0x01, CV 1, COND 0b1110). */
static bool wfx_trapped(struct sim_cpu *c, uint64_t ntwx, uint32_t ti)
{
	if (c->el || (c->sysreg[SR_SCTLR_EL1] & ntwx))
		return false;
	sim_take_sync(c, EC(SIM_EC_WFX) | ESR_IL | 1u << 24 | 0xeu << 20 | ti, 0, false);
	return true;
}

static void exec_wfe(struct sim_cpu *c, const struct sim_insn *in)
{
	if (wfx_trapped(c, SCTLR_NTWE, 1))
		return;
	c->pc += 4;
	sim_cpu_stop_slice(c);
}

/*
 * WFI completes at once if an interrupt is pending at the CPU interface (whatever
 * PSTATE's masks say); otherwise the CPU is idle: the run ends with SIM_EXIT_WFI, PC past
 * the WFI, and the caller skips virtual time before running it again.
 */
static void exec_wfi(struct sim_cpu *c, const struct sim_insn *in)
{
	if (wfx_trapped(c, SCTLR_NTWI, 0))
		return;
	c->pc += 4;
	if (c->irq_line || c->fiq_line)
		return;
	memset(&c->exit, 0, sizeof(c->exit));
	c->exit.kind = SIM_EXIT_WFI;
	c->exit_pending = true;
	sim_cpu_stop_slice(c);
}

/* Hint space (Arm ARM C6.2.112): every encoding not listed is a NOP, which includes
 * BTI, PAC*SP, ESB, CSDB, PSB and DGH while their features are absent. */
static bool decode_hint(uint32_t insn, struct sim_insn *out)
{
	switch (field(insn, 11, 5)) {	/* CRm:op2 */
	case 1:		/* YIELD */
		insn_init(out, insn, exec_end_slice, 31);
		return true;
	case 2:		/* WFE */
		insn_init(out, insn, exec_wfe, 31);
		return true;
	case 3:		/* WFI */
		insn_init(out, insn, exec_wfi, 31);
		return true;
	default:	/* NOP, SEV, SEVL and the rest */
		insn_init(out, insn, exec_nop, 31);
		return true;
	}
}

static bool decode_barrier(uint32_t insn, struct sim_insn *out)
{
	switch (field(insn, 7, 5)) {
	case 2:		/* CLREX */
		insn_init(out, insn, exec_clrex, 31);
		return true;
	case 4:		/* DSB (incl. SSBB, PSSBB) */
	case 5:		/* DMB */
		insn_init(out, insn, exec_nop, 31);
		return true;
	case 6:		/* ISB */
		insn_init(out, insn, exec_end_slice, 31);
		return true;
	case 7:		/* SB */
		if (field(insn, 11, 8) != 0)
			return false;
		insn_init(out, insn, exec_nop, 31);
		return true;
	default:	/* DSB nXS, TCOMMIT, ...: not in the CPU model, UNDEFINED */
		return false;
	}
}

static bool decode_pstate(uint32_t insn, struct sim_insn *out)
{
	unsigned op1 = field(insn, 18, 16), op2 = field(insn, 7, 5);
	unsigned kind;

	if (op1 == 0 && op2 == 5)
		kind = PSTATE_SPSEL;
	else if (op1 == 3 && op2 == 6)
		kind = PSTATE_DAIFSET;
	else if (op1 == 3 && op2 == 7)
		kind = PSTATE_DAIFCLR;
	else
		return false;	/* PAN, UAO, DIT, SSBS, TCO, CFINV...: not in the CPU model, UNDEFINED */
	insn_init(out, insn, exec_msr_imm, 31);
	out->p0 = (uint8_t)kind;
	out->imm = field(insn, 11, 8);
	return true;
}

/* ---- DC, IC ------------------------------------------------------------------------------- */

enum { CMO_CLEAN, CMO_INVAL, CMO_IC_IVAU };

static bool el0_cmo_allowed(struct sim_cpu *c, uint32_t raw)
{
	if (c->el || (c->sysreg[SR_SCTLR_EL1] & SCTLR_UCI))
		return true;
	trap_sys(c, raw);
	return false;
}

/*
 * Maintenance by VA has no cache to act on, but it still translates: stage-1 faults are
 * data aborts with CM = 1 and WnR = 1. DC IVAC needs write permission (it can destroy
 * data); the others need read permission at EL0 and none at EL1. A stage-2 translation
 * fault (an IPA with nothing mapped: a device, or memory the hyp has not mapped) is
 * skipped, as KVM skips maintenance of MMIO; other stage-2 faults exit to the hyp.
 */
static bool cmo_translate(struct sim_cpu *c, uint64_t va, unsigned acc)
{
	struct sim_tlb_entry e;
	struct sim_fault f;

	memset(&f, 0, sizeof(f));
	if (sim_mmu_translate(c, va, acc, &e, &f))
		return true;
	if (f.stage == 2 && f.type == SIM_FAULT_TRANSLATION && !f.s1ptw)
		return true;
	sim_raise_abort(c, &f, va, SIM_ACC_WRITE, SIM_MEMF_CM, 0);
	return false;
}

static void exec_cmo_va(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t va = sim_get_x(c, in->rd);
	unsigned acc;

	if (in->p0 == CMO_INVAL && c->el == 0) {	/* DC IVAC: EL1 only */
		sim_undef(c);
		return;
	}
	if (!el0_cmo_allowed(c, in->raw))
		return;
	acc = in->p0 == CMO_INVAL ? SIM_ACC_WRITE : c->el == 0 ? SIM_ACC_READ : 0;
	if (!cmo_translate(c, va, acc))
		return;
	if (in->p0 == CMO_IC_IVAU) {
		c->events |= SIM_EV_REFETCH;
		sim_cpu_stop_slice(c);
	}
	c->pc += 4;
}

/* DC ISW/CSW/CISW: EL1 only, nothing to do. */
static void exec_cmo_setway(struct sim_cpu *c, const struct sim_insn *in)
{
	if (c->el == 0) {
		sim_undef(c);
		return;
	}
	c->pc += 4;
}

static void refetch_one(struct sim_cpu *t, void *arg)
{
	t->events |= SIM_EV_REFETCH;
	sim_cpu_stop_slice(t);
}

/* IC IALLU (p0 0) / IALLUIS (p0 1): decoded code is never stale; drop cached pages. */
static void exec_ic_all(struct sim_cpu *c, const struct sim_insn *in)
{
	if (c->el == 0) {
		sim_undef(c);
		return;
	}
	if (in->p0)
		sim_tlbi_broadcast(c, refetch_one, NULL);
	else
		refetch_one(c, NULL);
	c->pc += 4;
}

/* DC ZVA: zero the 64-byte block holding Xt, through ordinary stores. */
static void exec_dc_zva(struct sim_cpu *c, const struct sim_insn *in)
{
	static const uint8_t zero[16];
	uint64_t va = sim_get_x(c, in->rd) & ~63ull;
	struct sim_tlb_entry e, *t = sim_tlb_slot(c, va);
	struct sim_fault f;
	bool device = false;

	if (c->el == 0 && !(c->sysreg[SR_SCTLR_EL1] & SCTLR_DZE)) {
		trap_sys(c, in->raw);
		return;
	}
	memset(&f, 0, sizeof(f));
	if (sim_tlb_hit(c, t, va))
		device = t->perm & SIM_TLB_DEVICE;
	else if (sim_mmu_translate(c, va, SIM_ACC_WRITE, &e, &f))
		device = e.perm & SIM_TLB_DEVICE;
	if (device) {		/* DC ZVA to Device memory is an alignment fault */
		f = (struct sim_fault){ .type = SIM_FAULT_ALIGNMENT, .stage = 1 };
		sim_raise_abort(c, &f, va, SIM_ACC_WRITE, 0, 16);
		return;
	}
	/* One page, one translation: if the first store succeeds, all four do. */
	for (unsigned i = 0; i < 4; i++)
		if (!sim_mem_write(c, va + 16 * i, 16, zero, 0))
			return;
	c->pc += 4;
}

/* ---- AT ------------------------------------------------------------------------------------- */

static void exec_at(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t va = sim_get_x(c, in->rd), par;
	struct sim_fault f;

	if (c->el == 0) {
		sim_undef(c);
		return;
	}
	if (!sim_mmu_at(c, va, in->p0, in->p1, &par, &f)) {
		/* A stage-2 fault or external abort on the walk is taken, not reported in
		 * PAR, as a data abort for a cache maintenance instruction (CM, WnR). */
		sim_raise_abort(c, &f, va, SIM_ACC_WRITE, SIM_MEMF_CM, 0);
		return;
	}
	c->sysreg[SR_PAR_EL1] = par;
	c->pc += 4;
}

/* ---- TLBI ----------------------------------------------------------------------------------- */

enum { TLBI_ALL, TLBI_VA, TLBI_ASID, TLBI_VAA };

struct tlbi_args {
	unsigned kind;
	bool last;
	bool flush_all;		/* TBI: entries may be tagged; drop everything */
	uint16_t asid;
	uint64_t va;
};

static void tlbi_one(struct sim_cpu *t, void *arg)
{
	const struct tlbi_args *a = arg;

	if (a->kind == TLBI_ALL || a->flush_all)
		sim_tlb_flush_all(t);
	else if (a->kind == TLBI_ASID)
		sim_tlb_flush_asid(t, a->asid);
	else
		sim_tlb_flush_va(t, a->va, a->asid, a->kind == TLBI_VAA, a->last);
}

static void exec_tlbi(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t xt = sim_get_x(c, in->rd), tcr = c->sysreg[SR_TCR_EL1];
	struct tlbi_args a;

	if (c->el == 0) {
		sim_undef(c);
		return;
	}
	a.kind = in->p0;
	a.last = in->p1;
	/* Xt: ASID in [63:48] (8 bits unless TCR_EL1.AS), VA[55:12] in [43:0]. */
	a.asid = (uint16_t)(xt >> 48) & ((tcr >> 36) & 1 ? 0xffff : 0xff);
	a.va = (uint64_t)((int64_t)((xt & 0xfffffffffffull) << 20) >> 8);
	a.flush_all = (a.va >> 55) & 1 ? (tcr >> 38) & 1 : (tcr >> 37) & 1;
	if (in->p2)
		sim_tlbi_broadcast(c, tlbi_one, &a);
	else
		tlbi_one(c, &a);
	c->pc += 4;
}

static bool decode_tlbi(uint32_t insn, struct sim_insn *out)
{
	static const int8_t kind[8] = { TLBI_ALL, TLBI_VA, TLBI_ASID, TLBI_VAA,
					-1, TLBI_VA, -1, TLBI_VAA };
	unsigned crm = field(insn, 11, 8), op2 = field(insn, 7, 5);

	if (field(insn, 18, 16) != 0 || (crm != 3 && crm != 7) || kind[op2] < 0)
		return false;	/* EL2 forms, outer shareable, range: not in the CPU model, UNDEFINED */
	insn_init(out, insn, exec_tlbi, field(insn, 4, 0));
	out->p0 = (uint8_t)kind[op2];
	out->p1 = op2 >= 5;		/* VALE1, VAALE1: last level only */
	out->p2 = crm == 3;		/* Inner Shareable: every CPU of the partition */
	return true;
}

/* SYS op1, CRn 7, CRm, op2 for DC/IC/AT. */
static bool decode_sys_cache_at(uint32_t insn, struct sim_insn *out)
{
	unsigned rt = field(insn, 4, 0);
	unsigned key = field(insn, 18, 16) << 7 | field(insn, 11, 8) << 3 | field(insn, 7, 5);

#define K(op1, crm, op2) ((op1) << 7 | (crm) << 3 | (op2))
	switch (key) {
	case K(0, 1, 0): case K(0, 5, 0):	/* IC IALLUIS, IC IALLU */
		insn_init(out, insn, exec_ic_all, rt);
		out->p0 = key == K(0, 1, 0);
		return true;
	case K(3, 5, 1):			/* IC IVAU */
		insn_init(out, insn, exec_cmo_va, rt);
		out->p0 = CMO_IC_IVAU;
		return true;
	case K(0, 6, 1):			/* DC IVAC */
		insn_init(out, insn, exec_cmo_va, rt);
		out->p0 = CMO_INVAL;
		return true;
	case K(3, 10, 1): case K(3, 11, 1): case K(3, 14, 1):	/* DC CVAC, CVAU, CIVAC */
		insn_init(out, insn, exec_cmo_va, rt);
		out->p0 = CMO_CLEAN;
		return true;
	case K(0, 6, 2): case K(0, 10, 2): case K(0, 14, 2):	/* DC ISW, CSW, CISW */
		insn_init(out, insn, exec_cmo_setway, rt);
		return true;
	case K(3, 4, 1):			/* DC ZVA */
		insn_init(out, insn, exec_dc_zva, rt);
		return true;
	case K(0, 8, 0): case K(0, 8, 1): case K(0, 8, 2): case K(0, 8, 3):
		/* AT S1E1R, S1E1W, S1E0R, S1E0W */
		insn_init(out, insn, exec_at, rt);
		out->p0 = (key & 1) ? SIM_ACC_WRITE : SIM_ACC_READ;
		out->p1 = (key & 2) ? 0 : 1;	/* the EL whose permissions apply */
		return true;
	default:	/* DC CVAP/CVADP, AT S1E1RP/WP, EL2/EL3 forms: not in the CPU model, UNDEFINED */
		return false;
	}
#undef K
}

/* ---- exception generation and ERET ------------------------------------------------------ */

static void exec_svc(struct sim_cpu *c, const struct sim_insn *in)
{
	uint32_t imm = (uint32_t)in->imm;

	c->pc += 4;	/* the preferred return address is the next instruction */
	sim_take_sync(c, EC(SIM_EC_SVC64) | ESR_IL | imm, 0, false);
}

/* HVC/SMC at EL1 go to EL2/EL3, which are outside the sim: end the run with an exit. */
static void exec_hvc_smc(struct sim_cpu *c, const struct sim_insn *in)
{
	if (c->el == 0) {
		sim_undef(c);
		return;
	}
	c->pc += 4;
	memset(&c->exit, 0, sizeof(c->exit));
	c->exit.kind = in->p0 ? SIM_EXIT_SMC : SIM_EXIT_HVC;
	c->exit.call.imm = (uint16_t)in->imm;
	c->exit_pending = true;
	sim_cpu_stop_slice(c);
}

static void exec_brk(struct sim_cpu *c, const struct sim_insn *in)
{
	/* ELR is the BRK itself. */
	sim_take_sync(c, EC(SIM_EC_BRK64) | ESR_IL | (uint32_t)in->imm, 0, false);
}

static void exec_eret(struct sim_cpu *c, const struct sim_insn *in)
{
	uint64_t elr = c->sysreg[SR_ELR_EL1];

	if (c->el == 0) {
		sim_undef(c);
		return;
	}
	sim_pstate_set(c, c->sysreg[SR_SPSR_EL1]);	/* handles illegal returns */
	c->pc = elr;
	c->excl_valid = false;		/* an exception return clears the local monitor */
	c->events |= SIM_EV_REFETCH | SIM_EV_IRQ_CHECK;
	sim_cpu_stop_slice(c);
	sim_check_illegal_state(c);
}

static bool decode_exception(uint32_t insn, struct sim_insn *out)
{
	unsigned opc = field(insn, 23, 21), ll = field(insn, 1, 0);

	if (field(insn, 4, 2) != 0)
		return false;
	if (opc == 0 && ll == 1)
		insn_init(out, insn, exec_svc, 31);
	else if (opc == 0 && (ll == 2 || ll == 3)) {
		insn_init(out, insn, exec_hvc_smc, 31);
		out->p0 = ll == 3;
	} else if (opc == 1 && ll == 0)
		insn_init(out, insn, exec_brk, 31);
	else
		return false;	/* HLT (no halting debug), DCPS1-3 (not in Debug state) */
	out->imm = field(insn, 20, 5);
	return true;
}

/* ---- top level ------------------------------------------------------------------------------ */

static bool decode_sys(uint32_t insn, struct sim_insn *out)
{
	unsigned l = field(insn, 21, 21), op0 = field(insn, 20, 19);
	unsigned op1 = field(insn, 18, 16), crn = field(insn, 15, 12), rt = field(insn, 4, 0);

	if (op0 >= 2) {		/* MRS (L = 1), MSR register (L = 0) */
		uint32_t enc = field(insn, 20, 5);

		insn_init(out, insn, l ? exec_mrs : exec_msr, rt);
		out->imm = enc;
		out->p0 = enc == ENC_FPCR || enc == ENC_FPSR;
		return true;
	}
	if (op0 == 1)		/* SYS; SYSL has no allocated alias */
		return !l && (crn == 7 ? decode_sys_cache_at(insn, out) :
			      crn == 8 ? decode_tlbi(insn, out) : false);
	if (l || rt != 31)
		return false;
	if (crn == 2 && op1 == 3)
		return decode_hint(insn, out);
	if (crn == 3 && op1 == 3)
		return decode_barrier(insn, out);
	if (crn == 4)
		return decode_pstate(insn, out);
	return false;
}

bool sim_decode_system(uint32_t insn, struct sim_insn *out)
{
	if ((insn & 0xff000000u) == 0xd4000000u)
		return decode_exception(insn, out);
	if (insn == 0xd69f03e0u) {		/* ERET */
		insn_init(out, insn, exec_eret, 31);
		return true;
	}
	if ((insn & 0xffc00000u) == 0xd5000000u)
		return decode_sys(insn, out);
	return false;
}
