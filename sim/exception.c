// SPDX-License-Identifier: MIT
/*
 * Exceptions to EL1: synchronous exceptions, IRQ/FIQ, abort syndromes, PSTATE <-> SPSR,
 * and the SP banking that exception entry and return depend on.
 *
 * Only AArch64 EL0 and EL1 exist. Every exception is taken to EL1 (EL2 is not simulated:
 * what would go to EL2 is an exit of sim_cpu_run(), built by the callers); the vector is
 * VBAR_EL1 plus
 *   0x000 current EL with SP_EL0, 0x200 current EL with SP_EL1, 0x400 lower EL (AArch64)
 * plus 0x000 synchronous, 0x080 IRQ, 0x100 FIQ, 0x180 SError (Arm ARM D1.10.2).
 *
 * What is not modelled: PSTATE.SS (software step: SPSR.SS reads as 0 and is ignored on
 * return), PAN, UAO, DIT, SSBS, BTYPE (the features are not advertised, their SPSR bits
 * are RES0), SError (no source of asynchronous aborts exists in the sim).
 */
#include "sim/internal.h"

#define ESR_IL		(1u << 25)
#define ESR_EC_SHIFT	26
#define SPSR_IL		(1ull << 20)
#define SPSR_M_MASK	0x1full
#define DAIF_ALL	(SIM_DAIF_D | SIM_DAIF_A | SIM_DAIF_I | SIM_DAIF_F)

#define VEC_CUR_SP0	0x000
#define VEC_CUR_SPX	0x200
#define VEC_LOWER_A64	0x400
#define VEC_IRQ		0x080
#define VEC_FIQ		0x100

/* Data abort ISS bits (Arm ARM D17.2.37, "ISS encoding for an exception from a Data Abort"). */
#define ISS_ISV		(1u << 24)
#define ISS_SAS_SHIFT	22
#define ISS_SSE		(1u << 21)
#define ISS_SRT_SHIFT	16
#define ISS_SF		(1u << 15)
#define ISS_AR		(1u << 14)
#define ISS_CM		(1u << 8)
#define ISS_S1PTW	(1u << 7)
#define ISS_WNR		(1u << 6)

/* ---- SP banking and PSTATE ------------------------------------------------------------ */

void sim_set_sp_sel(struct sim_cpu *c, unsigned el, unsigned sel)
{
	bool was_sp0 = c->el == 0 || c->spsel == 0;
	bool now_sp0 = el == 0 || sel == 0;

	/* c->sp is the live copy of the selected SP; the other bank is authoritative. */
	if (was_sp0)
		c->sp_el0 = c->sp;
	else
		c->sp_el1 = c->sp;
	c->el = (uint8_t)el;
	c->spsel = el ? (uint8_t)(sel & 1) : 0;
	c->sp = now_sp0 ? c->sp_el0 : c->sp_el1;
	sim_update_el_perms(c);
}

uint64_t sim_pstate_get(const struct sim_cpu *c)
{
	return (uint64_t)(c->nzcv & (SIM_N | SIM_Z | SIM_C | SIM_V)) |
	       (c->pstate_il ? SPSR_IL : 0) |
	       (c->daif & DAIF_ALL) |
	       ((uint64_t)c->el << 2) | c->spsel;
}

/*
 * An SPSR.M value names a state this PE can be in: AArch64 (M[4] == 0), EL0 or EL1,
 * M[1] == 0 (reserved), and not EL0 with SP_EL1 (M == 0b0001). EL2/EL3 do not exist,
 * AArch32 is not supported at any EL of the CPU model (Arm ARM D1.11.5 "Illegal return events").
 */
static bool spsr_mode_legal(uint64_t spsr)
{
	unsigned m = spsr & SPSR_M_MASK;

	return !(m & 0x10) && !(m & 0x2) && (m >> 2) <= 1 && m != 0x1;
}

void sim_pstate_set(struct sim_cpu *c, uint64_t spsr)
{
	c->nzcv = (uint32_t)spsr & (SIM_N | SIM_Z | SIM_C | SIM_V);
	c->daif = (uint32_t)spsr & DAIF_ALL;
	if (spsr_mode_legal(spsr)) {
		c->pstate_il = (spsr & SPSR_IL) != 0;
		sim_set_sp_sel(c, (spsr >> 2) & 3, spsr & 1);
	} else {
		/* Illegal return: EL and SP stay, PSTATE.IL is set (Arm ARM D1.11.5). */
		c->pstate_il = true;
	}
	c->events |= SIM_EV_IRQ_CHECK | SIM_EV_REFETCH;
	sim_cpu_stop_slice(c);
}

/* ---- exception entry ------------------------------------------------------------------- */

static void take_exception(struct sim_cpu *c, unsigned kind_offset)
{
	unsigned base;

	if (c->el == 0)
		base = VEC_LOWER_A64;
	else
		base = c->spsel ? VEC_CUR_SPX : VEC_CUR_SP0;
	c->sysreg[SR_SPSR_EL1] = sim_pstate_get(c);
	c->sysreg[SR_ELR_EL1] = c->pc;
	c->daif = DAIF_ALL;
	c->pstate_il = false;
	sim_set_sp_sel(c, 1, 1);
	/* VBAR_EL1[10:0] are RES0; sysreg.c masks writes, mask again for host-set values. */
	c->pc = (c->sysreg[SR_VBAR_EL1] & ~0x7ffull) + base + kind_offset;
	c->events |= SIM_EV_REFETCH | SIM_EV_IRQ_CHECK;
	sim_cpu_stop_slice(c);
}

void sim_take_sync(struct sim_cpu *c, uint32_t esr, uint64_t far, bool far_valid)
{
	c->sysreg[SR_ESR_EL1] = esr;
	/* Exceptions that do not report an address leave FAR_EL1 alone (it is UNKNOWN). */
	if (far_valid)
		c->sysreg[SR_FAR_EL1] = far;
	take_exception(c, 0);
}

void sim_undef(struct sim_cpu *c)
{
	sim_take_sync(c, (uint32_t)SIM_EC_UNKNOWN << ESR_EC_SHIFT | ESR_IL, 0, false);
}

void sim_exec_undef(struct sim_cpu *c, const struct sim_insn *in)
{
	(void)in;
	sim_undef(c);
}

void sim_take_irq(struct sim_cpu *c)
{
	take_exception(c, VEC_IRQ);
}

void sim_take_fiq(struct sim_cpu *c)
{
	take_exception(c, VEC_FIQ);
}

bool sim_check_illegal_state(struct sim_cpu *c)
{
	struct sim_tlb_entry e;
	struct sim_fault f;

	if (!c->pstate_il)
		return false;
	/* Arm ARM D1.13.2: PC alignment and instruction aborts come before illegal state. */
	if (c->pc & 3)
		return false;
	memset(&e, 0, sizeof(e));
	memset(&f, 0, sizeof(f));
	if (!sim_mmu_translate(c, c->pc, SIM_ACC_EXEC, &e, &f))
		return false;
	sim_take_sync(c, (uint32_t)SIM_EC_ILLEGAL_STATE << ESR_EC_SHIFT | ESR_IL, 0, false);
	return true;
}

bool sim_check_sp_align(struct sim_cpu *c, uint64_t sp)
{
	/* SCTLR_EL1.SA (bit 3) checks EL1, SA0 (bit 4) checks EL0. */
	uint64_t bit = c->el ? (1u << 3) : (1u << 4);

	if (!(sp & 15) || !(c->sysreg[SR_SCTLR_EL1] & bit))
		return true;
	sim_take_sync(c, (uint32_t)SIM_EC_SP_ALIGN << ESR_EC_SHIFT | ESR_IL, 0, false);
	return false;
}

bool sim_fp_check(struct sim_cpu *c)
{
	unsigned fpen = (c->sysreg[SR_CPACR_EL1] >> 20) & 3;

	/* FPEN: 0b01 traps EL0 only, 0b11 traps nothing, 0b00 and 0b10 trap EL0 and EL1. */
	if (fpen == 3 || (fpen == 1 && c->el == 1))
		return true;
	/* From AArch64 the ISS reads CV = 1, COND = 0b1110 (as QEMU and hardware report). */
	sim_take_sync(c, (uint32_t)SIM_EC_FP_ACCESS << ESR_EC_SHIFT | ESR_IL | 1u << 24 |
			 0xeu << 20, 0, false);
	return false;
}

/* ---- aborts ---------------------------------------------------------------------------- */

/* Fault status code (DFSC/IFSC, also PAR_EL1.FST), Arm ARM D17.2.37. */
uint32_t sim_fault_status(const struct sim_fault *f)
{
	unsigned lvl = f->level & 3;

	switch (f->type) {
	case SIM_FAULT_ADDRESS_SIZE:
		return 0x00 | lvl;
	case SIM_FAULT_TRANSLATION:
		return 0x04 | lvl;
	case SIM_FAULT_ACCESS_FLAG:
		return 0x08 | lvl;
	case SIM_FAULT_PERMISSION:
		return 0x0c | lvl;
	case SIM_FAULT_ALIGNMENT:
		return 0x21;
	case SIM_FAULT_EXTERNAL:
		return f->walk ? 0x14 | lvl : 0x10;
	case SIM_FAULT_NONE:
		break;
	}
	return 0x10;	/* not a fault: report what is least wrong, a plain external abort */
}

static unsigned sas_of(unsigned size)
{
	return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

uint32_t sim_abort_esr(const struct sim_cpu *c, const struct sim_fault *f, unsigned acc,
		       uint32_t memflags, unsigned size, unsigned target_el)
{
	bool fetch = acc & SIM_ACC_EXEC;
	bool lower = target_el == 2 || c->el == 0;
	uint32_t ec, iss = sim_fault_status(f);

	if (fetch)
		ec = lower ? SIM_EC_IABT_LOWER : SIM_EC_IABT_CUR;
	else
		ec = lower ? SIM_EC_DABT_LOWER : SIM_EC_DABT_CUR;
	if (f->s1ptw)
		iss |= ISS_S1PTW;
	if (!fetch) {
		/* "ISV is 0 for all faults reported in ESR_EL1"; EL2 gets it for plain
		 * single-register accesses faulting at stage 2 outside a table walk. */
		if (target_el == 2 && f->stage == 2 && !f->s1ptw && (memflags & SIM_MEMF_ISV) &&
		    size <= 8) {
			iss |= ISS_ISV | sas_of(size) << ISS_SAS_SHIFT;
			iss |= (memflags & SIM_MEMF_SSE) ? ISS_SSE : 0;
			iss |= ((memflags >> SIM_MEMF_SRT_SHIFT) & 31) << ISS_SRT_SHIFT;
			iss |= (memflags & SIM_MEMF_SF) ? ISS_SF : 0;
			iss |= (memflags & SIM_MEMF_ACQREL) ? ISS_AR : 0;
		}
		/* A table walk only reads: WnR stays 0 for S1PTW faults, except that
		 * cache maintenance and AT always report CM = 1, WnR = 1. */
		if (memflags & SIM_MEMF_CM)
			iss |= ISS_CM | ISS_WNR;
		else if (!f->s1ptw && ((acc & SIM_ACC_WRITE) || (memflags & SIM_MEMF_ATOMIC)))
			iss |= ISS_WNR;
	}
	return ec << ESR_EC_SHIFT | ESR_IL | iss;
}

/* A stage-2 fault becomes an exit: the hyp (EL2) decides what happens next. */
static void stage2_abort_exit(struct sim_cpu *c, const struct sim_fault *f, uint64_t va,
			      unsigned acc, uint32_t memflags, unsigned size)
{
	struct sim_exit *x = &c->exit;

	memset(x, 0, sizeof(*x));
	x->kind = SIM_EXIT_S2_ABORT;
	x->s2.ipa = f->ipa;
	x->s2.va = va;
	x->s2.esr = sim_abort_esr(c, f, acc, memflags, size, 2);
	x->s2.is_write = !f->s1ptw && ((acc & SIM_ACC_WRITE) || (memflags & SIM_MEMF_CM));
	x->s2.is_fetch = (acc & SIM_ACC_EXEC) != 0;
	x->s2.is_permission = f->type == SIM_FAULT_PERMISSION;
	c->abort_injected = false;
	c->abort_va = va;
	c->abort_acc = acc;
	c->abort_flags = memflags;
	c->abort_size = size;
	c->exit_pending = true;
	sim_cpu_stop_slice(c);
}

void sim_raise_abort(struct sim_cpu *c, const struct sim_fault *f, uint64_t va,
		     unsigned acc, uint32_t memflags, unsigned size)
{
	if (f->stage == 2) {
		stage2_abort_exit(c, f, va, acc, memflags, size);
		return;
	}
	sim_take_sync(c, sim_abort_esr(c, f, acc, memflags, size, 1), va, true);
}
