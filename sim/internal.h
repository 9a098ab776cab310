/* SPDX-License-Identifier: MIT */
/*
 * sim internals: the contract between the files of sim/. Nothing outside sim/ includes
 * this header.
 *
 * Execution model (exec.c). Code is decoded lazily, one 4 KiB physical page at a time,
 * into an array of 1024 `struct sim_insn` (a "code page"). Each slot starts as a
 * trampoline that decodes the raw word on first execution and replaces itself with the
 * handler for that instruction, so the hot loop is: find slot for PC, call slot->fn.
 * A write to a physical page holding decoded code drops the decoded page (stricter than
 * hardware, which needs IC IVAU + ISB; never wrong).
 *
 * Handler contract (every sim_exec_fn):
 *   - On normal completion it updates registers and sets c->pc (usually c->pc += 4).
 *   - If it raises an exception (sim_take_sync(), sim_undef(), ...) or a memory access
 *     returns false, it returns at once without changing anything else: the exception
 *     or exit has already been set up and architectural state must stay as it was.
 *   - It never touches `in` after a memory write returned (a write can free the decoded
 *     page `in` lives on).
 *   - Anything that changes how later instructions run (MSR to SCTLR/TCR/TTBR/VBAR/
 *     DAIF/CPACR, ERET, exceptions, TLBI, WFI, GIC state) calls sim_cpu_stop_slice(c)
 *     so the run loop re-evaluates before the next instruction.
 *
 * Register 31: c->x[31] always reads 0 (XZR/WZR). Use sim_set_x() to write, which keeps
 * it 0; instructions where 31 means SP use sim_get_xsp()/sim_set_xsp().
 */
#ifndef AVF_SIM_INTERNAL_H
#define AVF_SIM_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sim/sim.h"

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define SIM_PAGE_SHIFT	12
#define SIM_PAGE_SIZE	(1ull << SIM_PAGE_SHIFT)
#define SIM_PAGE_MASK	(SIM_PAGE_SIZE - 1)

struct sim_cpu;
struct sim_insn;
typedef void (*sim_exec_fn)(struct sim_cpu *c, const struct sim_insn *in);

/*
 * One predecoded instruction: 32 bytes. Field meaning is private to the handler that
 * decode put in `fn`; decoders should precompute everything (extended and shifted
 * immediates, masks, condition codes) so handlers do no bit extraction.
 */
struct sim_insn {
	sim_exec_fn fn;
	uint32_t raw;		/* the instruction word, for traces and UNDEF reports */
	uint8_t rd, rn, rm, ra;	/* register numbers, or whatever the handler wants */
	uint8_t p0, p1, p2, p3;	/* small handler-specific parameters */
	uint32_t pad;
	uint64_t imm;		/* immediate or second parameter block */
};
_Static_assert(sizeof(struct sim_insn) == 32, "sim_insn must stay 32 bytes");

/* ---- decoding (decode.c routes to the group decoders) ------------------------------- */

/*
 * Each group decoder fills *out for an instruction of its group and returns true, or
 * returns false for an encoding it does not implement (decode.c then installs the
 * UNDEF handler). Decoders are pure: same word in, same sim_insn out.
 */
bool sim_decode(uint32_t insn, struct sim_insn *out);			/* decode.c */
bool sim_decode_dp_imm(uint32_t insn, struct sim_insn *out);		/* a64_dp_imm.c */
bool sim_decode_dp_reg(uint32_t insn, struct sim_insn *out);		/* a64_dp_reg.c */
bool sim_decode_branch(uint32_t insn, struct sim_insn *out);		/* a64_branch.c */
bool sim_decode_ldst(uint32_t insn, struct sim_insn *out);		/* a64_ldst.c (V=0) */
bool sim_decode_ldst_simd(uint32_t insn, struct sim_insn *out);	/* a64_ldst_simd.c (V=1) */
bool sim_decode_simd_fp(uint32_t insn, struct sim_insn *out);		/* a64_simd.c, a64_fp.c */
bool sim_decode_system(uint32_t insn, struct sim_insn *out);		/* a64_system.c: MRS/MSR,
	hints, barriers, CLREX, SYS (DC/IC/AT/TLBI), exception generation (SVC/HVC/SMC/
	BRK/HLT/DCPS), ERET */

/* Handler that raises UNDEFINED for in->raw; decode.c installs it on failure. */
void sim_exec_undef(struct sim_cpu *c, const struct sim_insn *in);

/* ---- CPU state --------------------------------------------------------------------------- */

/* PSTATE.NZCV in its SPSR bit positions. */
#define SIM_N	(1u << 31)
#define SIM_Z	(1u << 30)
#define SIM_C	(1u << 29)
#define SIM_V	(1u << 28)
/* PSTATE.DAIF in SPSR positions. */
#define SIM_DAIF_D	(1u << 9)
#define SIM_DAIF_A	(1u << 8)
#define SIM_DAIF_I	(1u << 7)
#define SIM_DAIF_F	(1u << 6)

/* System registers kept as plain storage (sysreg.c gives them their access rules). */
enum sim_sysreg {
	SR_SCTLR_EL1, SR_TCR_EL1, SR_TTBR0_EL1, SR_TTBR1_EL1, SR_MAIR_EL1, SR_AMAIR_EL1,
	SR_VBAR_EL1, SR_CPACR_EL1, SR_ESR_EL1, SR_FAR_EL1, SR_PAR_EL1, SR_ELR_EL1,
	SR_SPSR_EL1, SR_AFSR0_EL1, SR_AFSR1_EL1, SR_CONTEXTIDR_EL1, SR_TPIDR_EL0,
	SR_TPIDRRO_EL0, SR_TPIDR_EL1, SR_CNTKCTL_EL1, SR_MDSCR_EL1, SR_ACTLR_EL1,
	SR_CSSELR_EL1, SR_SPSR_IRQ, SR_SPSR_ABT, SR_SPSR_UND, SR_SPSR_FIQ,
	SR_OSLSR_EL1, SR_OSDLR_EL1, SR_DISR_EL1, SR_MDCCINT_EL1,
	SR_COUNT
};

/* Generic timer state of one CPU (timer.c). Compare values are in counter ticks. */
struct sim_timer {
	uint64_t cntv_cval, cntp_cval;
	uint32_t cntv_ctl, cntp_ctl;	/* ENABLE, IMASK; ISTATUS is computed */
	bool v_level, p_level;		/* output line last driven into the GIC */
};

/* GICv3 CPU interface state of one CPU (gic.c). */
struct sim_gic_cpuif {
	uint8_t pmr;			/* ICC_PMR_EL1 */
	uint8_t bpr0, bpr1;
	bool igrpen0, igrpen1;
	uint32_t ctlr;
	uint32_t ap1r[4], ap0r[4];	/* active priority bits */
	uint16_t active[16];		/* stack of activated INTIDs, for EOI ordering */
	uint8_t nr_active;
};

struct sim_tlb_entry;
struct sim_code_page;

#define SIM_TLB_ENTRIES 512	/* per CPU, direct mapped by VA page; power of two */

/* Permission bits of a TLB entry: access kind x exception level. */
#define SIM_TLB_R_EL0	(1u << 0)
#define SIM_TLB_W_EL0	(1u << 1)
#define SIM_TLB_X_EL0	(1u << 2)
#define SIM_TLB_R_EL1	(1u << 3)
#define SIM_TLB_W_EL1	(1u << 4)
#define SIM_TLB_X_EL1	(1u << 5)
/* Attribute bits. */
#define SIM_TLB_DEVICE	(1u << 8)	/* Device memory: alignment always checked */
#define SIM_TLB_GLOBAL	(1u << 9)	/* nG == 0: matches any ASID */

/*
 * A combined stage-1 + stage-2 translation of one 4 KiB VA page. Filled by
 * sim_mmu_translate(); owned by the TLB code in mem.c. Write permission bits are present
 * only when a plain host write to the page is allowed right now (page already dirty for
 * the snapshot and holding no decoded code): otherwise writes take the slow path.
 */
struct sim_tlb_entry {
	uint64_t vpage;		/* va >> 12; UINT64_MAX when invalid */
	uint8_t *host;		/* host address of the page's first byte; NULL if not RAM */
	uint64_t pa;		/* physical page address */
	uint64_t ipa;		/* intermediate physical page address (== pa w/o stage-2) */
	uint32_t ctx;		/* (vmid << 16) | asid at fill time */
	uint16_t perm;		/* SIM_TLB_* */
	uint8_t s2perm;		/* stage-2 permission bits alone (R=1, W=2, X=4) */
	uint8_t block_shift;	/* log2 size of the stage-1 block or page this translation
				 * came from: 12, 21, 30 (12 with stage 1 off); TLBI by VA
				 * drops every 4 KiB entry of that block. Stage 1, not the
				 * smaller of both stages: one TLBI of a stage-1 block must
				 * also reach entries combined with smaller stage-2 pages */
};

enum sim_fault_type {
	SIM_FAULT_NONE,
	SIM_FAULT_ADDRESS_SIZE,
	SIM_FAULT_TRANSLATION,
	SIM_FAULT_ACCESS_FLAG,
	SIM_FAULT_PERMISSION,
	SIM_FAULT_ALIGNMENT,
	SIM_FAULT_EXTERNAL,	/* synchronous external abort (no RAM, device refused) */
};

struct sim_fault {
	enum sim_fault_type type;
	uint8_t stage;		/* 1 or 2 */
	uint8_t level;		/* lookup level that faulted, 0..3 */
	bool s1ptw;		/* stage-2 fault while walking the stage-1 tables */
	bool walk;		/* SIM_FAULT_EXTERNAL: on a translation table walk (the
				 * descriptor address is not RAM); level says which */
	uint64_t ipa;		/* faulting IPA (stage-2 faults) */
};

/* Access kinds for the MMU and the memory API. */
#define SIM_ACC_READ	1u
#define SIM_ACC_WRITE	2u
#define SIM_ACC_EXEC	4u
#define SIM_ACC_UNPRIV	8u	/* with READ/WRITE: check stage-1 permissions as EL0
				 * (LDTR/STTR at EL1), for sim_mmu_translate() */

struct sim_cpu {
	/* ---- hot: touched by nearly every instruction ---- */
	uint64_t x[32];		/* x[31] == 0 always (XZR) */
	uint64_t sp;		/* the SP selected now (SP_EL0 or SP_EL1) */
	uint64_t pc;
	uint32_t nzcv;		/* SIM_N | SIM_Z | SIM_C | SIM_V */
	int64_t slice;		/* non-zero while the run loop may go on; 0 stops it after
				 * the current instruction (sim_cpu_stop_slice) */
	uint64_t slice_done;	/* instructions of this slice before the current one: the
				 * machine clock lags by this much while the CPU runs */
	struct sim_tlb_entry *tlb;	/* SIM_TLB_ENTRIES entries */
	uint32_t ctx;		/* (vmid << 16) | current ASID */
	unsigned tlb_blocks;	/* valid TLB entries that came from a block larger than
				 * a page (TLBI by VA must then scan the whole TLB) */
	uint16_t perm_r, perm_w, perm_x;	/* SIM_TLB_*_EL<current> for this EL */
	uint8_t el;		/* 0 or 1 */
	uint8_t spsel;		/* PSTATE.SP */
	uint32_t daif;		/* SIM_DAIF_* bits */

	/* ---- SIMD & FP ---- */
	union {
		uint64_t d[2];
		uint32_t s[4];
		uint16_t h[8];
		uint8_t b[16];
	} v[32];		/* little-endian lanes: b[0] is the least significant byte */
	uint32_t fpcr, fpsr;

	/* ---- banked and system state ---- */
	uint64_t sp_el0, sp_el1;	/* the inactive copy is authoritative, see sim_set_sp_sel() */
	uint64_t sysreg[SR_COUNT];
	bool pstate_il;		/* PSTATE.IL: set by an illegal exception return; the next
				 * instruction raises EC 0x0e (sim_check_illegal_state()) */

	/* Exclusive monitor (LDXR/STXR): address and size of the reservation. */
	bool excl_valid;
	uint64_t excl_addr;	/* physical address, for cross-CPU clearing */
	uint64_t excl_va;
	unsigned excl_size;
	uint64_t excl_val[2];	/* values loaded, for the pair variants */

	/* Pending work the run loop must look at (SIM_EV_*). */
	uint32_t events;

	struct sim_timer timer;
	struct sim_gic_cpuif gic;
	bool irq_line, fiq_line;	/* outputs of the GIC CPU interface */

	/* ---- bookkeeping ---- */
	struct sim_machine *m;
	struct sim_part *part;
	unsigned index;
	uint64_t mpidr;
	bool powered;
	uint64_t retired;

	/* Current code page and its VA page, cached by the fetch path. */
	struct sim_code_page *code_page;
	uint64_t code_vpage;

	/* The exit being reported, when the loop stops for one. */
	bool exit_pending;
	struct sim_exit exit;
	/* A data abort exit waiting for completion by the next run (MMIO emulation). */
	bool mmio_pending;
	uint64_t mmio_data;
	bool abort_injected;
	bool wfi_wait;		/* stopped in WFI: runs return SIM_EXIT_WFI until an
				 * interrupt is pending or a timer starts firing */
	unsigned wfi_timer_levels;	/* timer outputs when it stopped (bit 0 virtual) */
	uint64_t abort_va;	/* VA and kind of the access behind the last abort exit */
	unsigned abort_acc;
	uint32_t abort_flags;
	unsigned abort_size;
	volatile int kicked;
};

/* SIM_EV_* bits in cpu->events. */
#define SIM_EV_IRQ_CHECK	(1u << 0)	/* interrupt state or masks changed */
#define SIM_EV_REFETCH		(1u << 1)	/* drop the cached code page */
#define SIM_EV_TLB_FLUSH	(1u << 2)	/* translation regime changed */

/* Virtual time as the running instruction of c sees it (exact, not slice-granular). */
static inline uint64_t sim_cpu_now_ns(const struct sim_cpu *c)
{
	return sim_machine_now_ns(c->m) + c->slice_done * SIM_NS_PER_INSN;
}

/* Stop the current slice after this instruction. */
static inline void sim_cpu_stop_slice(struct sim_cpu *c)
{
	c->slice = 0;
}

/* ---- register access helpers ---------------------------------------------------------- */

static inline uint64_t sim_get_x(const struct sim_cpu *c, unsigned r)
{
	return c->x[r];		/* x[31] is 0 */
}

static inline void sim_set_x(struct sim_cpu *c, unsigned r, uint64_t v)
{
	c->x[r] = v;
	c->x[31] = 0;
}

/* Write a W register: zero-extends into the X register. */
static inline void sim_set_w(struct sim_cpu *c, unsigned r, uint32_t v)
{
	sim_set_x(c, r, v);
}

static inline uint64_t sim_get_xsp(const struct sim_cpu *c, unsigned r)
{
	return r == 31 ? c->sp : c->x[r];
}

static inline void sim_set_xsp(struct sim_cpu *c, unsigned r, uint64_t v)
{
	if (r == 31)
		c->sp = v;
	else
		c->x[r] = v;
}

/* Condition code check for B.cond, CSEL, CCMP, FCSEL... (cond is the 4-bit field). */
static inline bool sim_cond_holds(uint32_t nzcv, unsigned cond)
{
	bool n = nzcv & SIM_N, z = nzcv & SIM_Z, cf = nzcv & SIM_C, v = nzcv & SIM_V;
	bool r;

	switch (cond >> 1) {
	case 0: r = z; break;
	case 1: r = cf; break;
	case 2: r = n; break;
	case 3: r = v; break;
	case 4: r = cf && !z; break;
	case 5: r = n == v; break;
	case 6: r = n == v && !z; break;
	default: r = true; break;
	}
	if ((cond & 1) && cond != 15)
		r = !r;
	return r;
}

/* PSTATE as an SPSR value (M[3:0] = EL and SP, NZCV, DAIF). */
uint64_t sim_pstate_get(const struct sim_cpu *c);			/* exception.c */
/* Set PSTATE from an SPSR value (used by ERET and register setting). Illegal return
 * states (EL2/EL3, AArch32) set PSTATE.IL as the architecture requires. */
void sim_pstate_set(struct sim_cpu *c, uint64_t spsr);		/* exception.c */
/* Select SP_EL0 (sel == 0) or SP_ELx (sel == 1), banking c->sp. */
void sim_set_sp_sel(struct sim_cpu *c, unsigned el, unsigned sel);	/* exception.c */

/* ---- exceptions (exception.c) ------------------------------------------------------ */

/* ESR exception classes we raise. */
#define SIM_EC_UNKNOWN		0x00
#define SIM_EC_WFX		0x01
#define SIM_EC_FP_ACCESS	0x07
#define SIM_EC_ILLEGAL_STATE	0x0e
#define SIM_EC_SVC64		0x15
#define SIM_EC_HVC64		0x16
#define SIM_EC_SMC64		0x17
#define SIM_EC_SYSREG		0x18
#define SIM_EC_IABT_LOWER	0x20
#define SIM_EC_IABT_CUR		0x21
#define SIM_EC_PC_ALIGN		0x22
#define SIM_EC_DABT_LOWER	0x24
#define SIM_EC_DABT_CUR		0x25
#define SIM_EC_SP_ALIGN		0x26
#define SIM_EC_FP_EXC64		0x2c
#define SIM_EC_SERROR		0x2f
#define SIM_EC_BRK64		0x3c

/*
 * Take a synchronous exception to EL1 with ESR = esr, FAR = far (if far_valid), from the
 * instruction at c->pc (ELR_EL1 = c->pc). Sets PSTATE, SPSR_EL1, picks the vector
 * (current EL SP0/SPx or lower EL AArch64) and stops the slice.
 */
void sim_take_sync(struct sim_cpu *c, uint32_t esr, uint64_t far, bool far_valid);
/* UNDEFINED instruction at c->pc (EC 0, IL 1). */
void sim_undef(struct sim_cpu *c);
/* Take an IRQ or FIQ now (caller checked masks); ELR = c->pc. */
void sim_take_irq(struct sim_cpu *c);
void sim_take_fiq(struct sim_cpu *c);
/*
 * Raise the data or instruction abort for a stage-1 fault or an external abort.
 * acc is SIM_ACC_*; iss_extra carries ISV/SAS/SSE/SRT/SF/AR bits for data aborts
 * (see SIM_MEMF_ISS below); va is the faulting address.
 */
void sim_raise_abort(struct sim_cpu *c, const struct sim_fault *f, uint64_t va,
		     unsigned acc, uint32_t memflags, unsigned size);
/* FP/SIMD access check: true if CPACR_EL1.FPEN allows it at the current EL, else the
 * trap is raised (EC 0x07) and false is returned. */
bool sim_fp_check(struct sim_cpu *c);
/*
 * ESR value of a data or instruction abort described by f, as the target EL sees it:
 * target_el 1 (ESR_EL1: EC current/lower by c's EL, ISV always 0 as the architecture
 * says for ESR_EL1) or 2 (ESR_EL2 for a stage-2 exit: EC "lower EL", ISV/SAS/SSE/SRT/SF/AR
 * from memflags when f is a stage-2 fault outside a table walk). WnR for writes, atomics
 * and cache maintenance (SIM_MEMF_CM, which also sets CM); S1PTW; DFSC/IFSC from the
 * fault type and level.
 */
uint32_t sim_abort_esr(const struct sim_cpu *c, const struct sim_fault *f, unsigned acc,
		       uint32_t memflags, unsigned size, unsigned target_el);
/* Fault status code (DFSC/IFSC, PAR_EL1.FST) of f: type and level. */
uint32_t sim_fault_status(const struct sim_fault *f);
/*
 * If PSTATE.IL is set and the instruction at c->pc can be fetched (PC aligned, translation
 * for execute succeeds), raise the Illegal Execution State exception (EC 0x0e) and return
 * true. A PC alignment fault or instruction abort has priority: then nothing is raised
 * here and the fetch raises it. ERET calls this; the run loop may call it before running
 * a CPU whose PSTATE was set from outside.
 */
bool sim_check_illegal_state(struct sim_cpu *c);
/*
 * SP alignment check (SCTLR_EL1.SA at EL1, SA0 at EL0) for a load/store whose base
 * register is SP: true if allowed, else the SP alignment fault (EC 0x26) is raised.
 */
bool sim_check_sp_align(struct sim_cpu *c, uint64_t sp);

/* ---- memory (mem.c) -------------------------------------------------------------------- */

/*
 * Memory access flags. The ISS part describes the instruction for a data abort that has
 * to be reported with a valid syndrome (ISV=1): single general-purpose register loads and
 * stores without writeback, excluding exclusives. Pass SIM_MEMF_ISS(rt, sse, sf) then.
 */
#define SIM_MEMF_UNPRIV		(1u << 0)	/* LDTR/STTR: check as EL0 */
#define SIM_MEMF_ALIGN		(1u << 1)	/* require natural alignment (exclusives, atomics,
						 * acquire/release) */
#define SIM_MEMF_ACQREL		(1u << 2)	/* acquire/release: sets ESR.AR */
#define SIM_MEMF_ISV		(1u << 3)
#define SIM_MEMF_SSE		(1u << 4)
#define SIM_MEMF_SF		(1u << 5)
#define SIM_MEMF_SRT_SHIFT	8		/* 5 bits */
#define SIM_MEMF_ATOMIC		(1u << 13)	/* read-modify-write: a write fault reports WnR=1 */
#define SIM_MEMF_CM		(1u << 14)	/* cache maintenance or AT: ESR.CM = 1, WnR = 1 */
#define SIM_MEMF_ISS(rt, sse, sf) \
	(SIM_MEMF_ISV | ((unsigned)(rt) << SIM_MEMF_SRT_SHIFT) | \
	 ((sse) ? SIM_MEMF_SSE : 0) | ((sf) ? SIM_MEMF_SF : 0))

/*
 * Load or store size bytes (1, 2, 4, 8 or 16; little-endian) at virtual address va with
 * the current translation regime and EL. Return true on success. On false the exception
 * or exit is already set up: the handler must return without changing any state.
 * Accesses that cross a page are split; an access that faults on its second page leaves
 * memory unchanged (the first page is not written either).
 */
bool sim_mem_read_slow(struct sim_cpu *c, uint64_t va, unsigned size, void *out,
		       uint32_t flags);
bool sim_mem_write_slow(struct sim_cpu *c, uint64_t va, unsigned size, const void *in,
			uint32_t flags);

static inline struct sim_tlb_entry *sim_tlb_slot(struct sim_cpu *c, uint64_t va)
{
	return &c->tlb[(va >> SIM_PAGE_SHIFT) & (SIM_TLB_ENTRIES - 1)];
}

static inline bool sim_tlb_hit(const struct sim_cpu *c, const struct sim_tlb_entry *e,
			       uint64_t va)
{
	return e->vpage == (va >> SIM_PAGE_SHIFT) &&
	       (e->ctx == c->ctx ||
		((e->perm & SIM_TLB_GLOBAL) && (e->ctx >> 16) == (c->ctx >> 16)));
}

/*
 * Fast path: a RAM hit inside one page with the needed permission (for Device memory,
 * which is RAM with the MMU off, only when naturally aligned: the slow path raises the
 * alignment fault); else the slow path.
 */
static inline bool sim_mem_read(struct sim_cpu *c, uint64_t va, unsigned size, void *out,
				uint32_t flags)
{
	struct sim_tlb_entry *e = sim_tlb_slot(c, va);

	if (likely(sim_tlb_hit(c, e, va) && (e->perm & c->perm_r) && e->host &&
		   !(flags & (SIM_MEMF_UNPRIV | SIM_MEMF_ALIGN)) &&
		   (!(e->perm & SIM_TLB_DEVICE) || !(va & (size - 1))) &&
		   ((va & SIM_PAGE_MASK) + size) <= SIM_PAGE_SIZE)) {
		memcpy(out, e->host + (va & SIM_PAGE_MASK), size);
		return true;
	}
	return sim_mem_read_slow(c, va, size, out, flags);
}

static inline bool sim_mem_write(struct sim_cpu *c, uint64_t va, unsigned size,
				 const void *in, uint32_t flags)
{
	struct sim_tlb_entry *e = sim_tlb_slot(c, va);

	if (likely(sim_tlb_hit(c, e, va) && (e->perm & c->perm_w) && e->host &&
		   !(flags & (SIM_MEMF_UNPRIV | SIM_MEMF_ALIGN)) &&
		   (!(e->perm & SIM_TLB_DEVICE) || !(va & (size - 1))) &&
		   ((va & SIM_PAGE_MASK) + size) <= SIM_PAGE_SIZE)) {
		memcpy(e->host + (va & SIM_PAGE_MASK), in, size);
		return true;
	}
	return sim_mem_write_slow(c, va, size, in, flags);
}

/*
 * Atomic read-modify-write helper for LSE atomics and exclusives: translate va for a
 * read+write access of size bytes with natural alignment and return a host pointer to
 * it (marking the page dirty and dropping decoded code on it). NULL: exception/exit set
 * up, return at once. Device memory and MMIO are refused with an external abort.
 * It does not touch any exclusive reservation: after a store through the pointer the
 * caller calls sim_excl_clear_pa() (other CPUs' reservations on that granule are lost,
 *  its own included).
 */
void *sim_mem_rmw_ptr(struct sim_cpu *c, uint64_t va, unsigned size, uint32_t flags);

/* Physical address of a host pointer into machine RAM (from sim_mem_rmw_ptr()), or
 * UINT64_MAX if it points elsewhere. */
uint64_t sim_host_to_pa(struct sim_machine *m, const void *host);

/* Clear every CPU's exclusive reservation covering physical address pa (mem.c calls it
 * on writes; the exclusives code may too). */
void sim_excl_clear_pa(struct sim_machine *m, uint64_t pa, unsigned size);

/* Drop every TLB entry of c (TLBI VMALLE1, context changes). */
void sim_tlb_flush_all(struct sim_cpu *c);
/* Drop entries of c matching: by VA page (with ASID unless all_asid), by ASID. */
void sim_tlb_flush_va(struct sim_cpu *c, uint64_t va, uint16_t asid, bool all_asid,
		      bool last_level_only);
void sim_tlb_flush_asid(struct sim_cpu *c, uint16_t asid);
/* The broadcast (Inner Shareable) forms apply these to every CPU of c's partition. */
void sim_tlbi_broadcast(struct sim_cpu *c, void (*fn)(struct sim_cpu *, void *), void *arg);
/* Recompute c->ctx from VMID and the current ASID (TTBR0/1.ASID per TCR.A1, TCR.AS). */
void sim_update_ctx(struct sim_cpu *c);
/* Recompute perm_r/w/x after an EL change. */
static inline void sim_update_el_perms(struct sim_cpu *c)
{
	c->perm_r = c->el ? SIM_TLB_R_EL1 : SIM_TLB_R_EL0;
	c->perm_w = c->el ? SIM_TLB_W_EL1 : SIM_TLB_W_EL0;
	c->perm_x = c->el ? SIM_TLB_X_EL1 : SIM_TLB_X_EL0;
}

/* ---- MMU (mmu.c) -------------------------------------------------------------------- */

/*
 * Translate va through the current regime (stage 1 per SCTLR_EL1.M, TCR_EL1, TTBRx_EL1;
 * then stage 2 if the partition has it). acc is the access being made (SIM_ACC_READ,
 * WRITE, EXEC, possibly with UNPRIV): if the translation exists but does not permit acc at
 * the current EL (or EL0 for UNPRIV), that is a permission fault at the stage that denies
 * it. On success fill *e with the page's combined translation and its permissions for
 * both ELs and all access kinds (vpage, pa, ipa, ctx, perm, s2perm, block_shift; e->host
 * is left for the caller to resolve from e->pa). On a fault fill *f and return false. Descriptors
 * are read from machine RAM; the access flag is not updated by hardware (AF == 0 gives
 * an access-flag fault).
 */
bool sim_mmu_translate(struct sim_cpu *c, uint64_t va, unsigned acc,
		       struct sim_tlb_entry *e, struct sim_fault *f);
/* Stage 2 alone, for an IPA (used by the walker and by tests). */
bool sim_mmu_stage2(struct sim_part *p, uint64_t ipa, unsigned acc, uint64_t *pa,
		    uint8_t *s2perm, struct sim_fault *f);
/*
 * AT S1E1R/W, S1E0R/W: stage-1 translation of va for acc (SIM_ACC_READ or WRITE) with the
 * permissions of EL el. Returns true with *par holding the PAR_EL1 value (the success
 * format, or F=1 with the stage-1 fault's FST). Returns false when the walk hit a fault
 * the architecture takes as an exception instead (a stage-2 fault on a stage-1 table
 * walk, a synchronous external abort on the walk): *f describes it.
 */
bool sim_mmu_at(struct sim_cpu *c, uint64_t va, unsigned acc, unsigned el, uint64_t *par,
		struct sim_fault *f);

/* ---- sysregs, GIC and timer hooks ------------------------------------------------------ */

/*
 * MRS/MSR dispatch (sysreg.c). enc is SIM_REG_SYS(op0, op1, crn, crm, op2) without the
 * 0x10000 tag. Return 0, or -ENOENT for an unknown register (the caller raises UNDEF),
 * or -EPERM when the access traps at the current EL (the caller raises EC 0x18).
 */
int sim_sysreg_read(struct sim_cpu *c, uint32_t enc, uint64_t *val);
int sim_sysreg_write(struct sim_cpu *c, uint32_t enc, uint64_t val);
/* Name of the system register with encoding enc ("SCTLR_EL1"), or NULL if sysreg.c's
 * table has none (ID-space, GIC and timer registers are handled by range). For traces. */
const char *sim_sysreg_name(uint32_t enc);

/* GICv3 system-register CPU interface (gic.c): ICC_* registers. -ENOENT if enc is not
 * a GIC register. */
int sim_gic_sysreg_read(struct sim_cpu *c, uint32_t enc, uint64_t *val);
int sim_gic_sysreg_write(struct sim_cpu *c, uint32_t enc, uint64_t val);
/*
 * Recompute c->irq_line/fiq_line from the GIC state; a CPU whose lines change gets
 * SIM_EV_IRQ_CHECK and its slice stopped. Call it after anything outside the GIC changes
 * c's eligibility (power on/off, reset of its CPU interface): it refreshes every CPU of
 * c's partition, since a 1-of-N SPI may move to or from another CPU.
 */
void sim_gic_update_cpu(struct sim_cpu *c);

/* Generic timer registers (timer.c): CNTFRQ, CNTVCT, CNTPCT, CNTV_*, CNTP_*. */
int sim_timer_sysreg_read(struct sim_cpu *c, uint32_t enc, uint64_t *val);
int sim_timer_sysreg_write(struct sim_cpu *c, uint32_t enc, uint64_t val);
/* Counter value now (ticks of SIM_CNTFRQ_HZ). */
uint64_t sim_timer_counter(const struct sim_machine *m);
/* Re-evaluate c's timer outputs against the clock, driving PPIs 27/30 into the GIC. */
void sim_timer_update(struct sim_cpu *c);
/*
 * Next virtual-ns deadline of c's enabled, unmasked-or-not timers whose condition is not
 * met yet (the first ns at which it is), or a past ns for a timer that has fired but
 * whose line sim_timer_update() has not raised yet; UINT64_MAX if none.
 */
uint64_t sim_timer_deadline(const struct sim_cpu *c);

/* GIC device side (gic.c), per partition. */
struct sim_gic;
int sim_gic_create(struct sim_part *p, uint64_t gicd_base, uint64_t gicr_base,
		   unsigned nr_spis, struct sim_gic **out);
void sim_gic_destroy(struct sim_gic *g);
/* Drive an interrupt line: SPI (intid >= 32) or PPI/SGI of cpu (intid < 32). */
int sim_gic_set_level(struct sim_gic *g, unsigned intid, bool level, unsigned cpu);
/*
 * Snapshot support (gic.c): the distributor and redistributor state as a flat blob
 * (the per-CPU interface state lives in struct sim_cpu and is saved with it).
 * sim_gic_state_size() is constant for a given GIC; save writes exactly that many bytes;
 * load restores them and recomputes every CPU's irq_line/fiq_line.
 */
size_t sim_gic_state_size(const struct sim_gic *g);
void sim_gic_state_save(const struct sim_gic *g, void *buf);
void sim_gic_state_load(struct sim_gic *g, const void *buf);

/* ---- machine internals shared across files ------------------------------------------- */



/* ---- machine, RAM and partition objects (machine.c, mem.c) ----------------------------- */

/* Per-page flags of RAM (struct sim_ram.pflags). All-zero is not the initial state: a
 * fresh machine has every page SIM_PG_DIRTY ("no snapshot to protect"). */
#define SIM_PG_DIRTY	(1u << 0)	/* written since the snapshot (or no snapshot) */
#define SIM_PG_CODE	(1u << 1)	/* decoded code exists for this page */

struct sim_ram {
	uint64_t base, size;
	uint8_t *mem;
	uint8_t *pflags;		/* one byte per page */
	uint8_t **saved;		/* snapshot copy of each page dirtied since it */
	struct sim_code_page **code;	/* decoded code per page, or NULL */
};

#define SIM_MAX_RAM	8
#define SIM_MAX_PARTS	64
#define SIM_MAX_CPUS	64
#define SIM_MAX_MMIO	16

struct sim_mmio_region {
	uint64_t base, size;
	const struct sim_mmio_ops *ops;
	void *opaque;
};

struct sim_part {
	struct sim_machine *m;
	uint16_t vmid;
	bool stage2;
	uint64_t s2_root;		/* VTTBR_EL2.BADDR */
	uint64_t vtcr;			/* VTCR_EL2 */
	struct sim_mmio_region mmio[SIM_MAX_MMIO];
	unsigned nr_mmio;
	struct sim_gic *gic;
	struct sim_cpu *cpus[SIM_MAX_CPUS];
	unsigned nr_cpus;
};

struct sim_machine {
	struct sim_machine_config cfg;
	struct sim_ram ram[SIM_MAX_RAM];
	unsigned nr_ram;
	struct sim_part *parts[SIM_MAX_PARTS];
	unsigned nr_parts;
	struct sim_cpu *cpus[SIM_MAX_CPUS];	/* every CPU of every partition */
	unsigned nr_cpus;
	uint64_t now_ns;
	uint64_t rng[4];			/* xoshiro256** state */
	unsigned nr_code_pages;
	struct sim_code_page *free_code;	/* pages dropped while a CPU ran on them */
	/* Snapshot bookkeeping (snapshot.c). */
	struct sim_snapshot *snap;
	uint64_t *dirty_list;			/* PAs of pages dirtied since the snapshot */
	size_t nr_dirty, cap_dirty;
	void *trace;				/* FILE * when tracing */
};

/* Find the RAM region holding [pa, pa + len), or NULL. */
struct sim_ram *sim_ram_find(struct sim_machine *m, uint64_t pa, uint64_t len);
/* Mark the page of pa written: snapshot copy-on-write, drop decoded code. */
void sim_page_touch(struct sim_machine *m, struct sim_ram *r, uint64_t pa);
/* Find the MMIO region of p covering addr, or NULL. */
struct sim_mmio_region *sim_part_find_mmio(struct sim_part *p, uint64_t addr);

/* Trace hook: called for every exit and, with tracing on, every instruction. */
void sim_trace_insn(struct sim_cpu *c, uint32_t raw);

#endif /* AVF_SIM_INTERNAL_H */
