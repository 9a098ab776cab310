/* SPDX-License-Identifier: MIT */
/*
 * Guest test runtime: exception vectors, hooks, and catching an expected exception.
 *
 * Every exception saves a full struct except_frame (general, FP/SIMD and the exception
 * registers) on the SP_EL1 stack and calls except_dispatch(). A handler may change the
 * frame (ELR, SPSR, registers); the vector's exit restores it and ERETs. Handlers run
 * with all of DAIF masked; an IRQ handler may unmask IRQs to allow nesting.
 *
 * Synchronous exceptions go to the calling CPU's sync hook, IRQs to its IRQ hook. An
 * exception no hook claims is "unexpected": its vector, ESR, ELR (and FAR for aborts)
 * are printed and the current test fails and is abandoned (test.h), or the run stops
 * when no test is running. The runner clears the hooks after each test.
 */
#ifndef SIMTEST_EXCEPT_H
#define SIMTEST_EXCEPT_H

#include <stdbool.h>
#include <stdint.h>

/* Vector index = offset in the table / 0x80. */
enum vector_kind {
	VEC_CUR_SP0_SYNC = 0, VEC_CUR_SP0_IRQ, VEC_CUR_SP0_FIQ, VEC_CUR_SP0_SERROR,
	VEC_CUR_SPX_SYNC, VEC_CUR_SPX_IRQ, VEC_CUR_SPX_FIQ, VEC_CUR_SPX_SERROR,
	VEC_LOW64_SYNC, VEC_LOW64_IRQ, VEC_LOW64_FIQ, VEC_LOW64_SERROR,
	VEC_LOW32_SYNC, VEC_LOW32_IRQ, VEC_LOW32_FIQ, VEC_LOW32_SERROR,
};

/* Layout shared with vectors.S (offsets checked by static asserts in except.c). */
struct except_frame {
	uint64_t x[31];
	uint64_t sp_el0;
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
	uint64_t cpacr;		/* CPACR_EL1 at entry, restored at exit */
	uint64_t kind;		/* enum vector_kind */
	uint64_t fpsr;
	uint64_t fpcr;
	__uint128_t q[32];
};

#define EXCEPT_FRAME_SIZE 832

/* Return true if the exception was handled (the frame says where to resume). */
typedef bool (*except_hook_fn)(struct except_frame *f);

void except_set_sync_hook(except_hook_fn fn);
void except_set_irq_hook(except_hook_fn fn);
/* Clear both hooks of the calling CPU. */
void except_clear_hooks(void);

const char *vector_name(unsigned kind);

/*
 * Catching one expected synchronous exception. except_catch() arms a one-shot hook on
 * the calling CPU that copies the exception's registers into *c and resumes:
 *   CATCH_SKIP   at ELR + 4 (past the faulting instruction: loads, UDF, BRK ...)
 *   CATCH_ELR    at ELR (SVC and HVC already point past themselves)
 *   CATCH_RETURN at the x30 of the exception (for a faulting branch target: the test
 *                calls it as a function and gets control back at the call site)
 * A second exception while armed is unexpected. except_catch_end() disarms it.
 */
enum catch_resume { CATCH_SKIP, CATCH_ELR, CATCH_RETURN };

struct caught {
	bool taken;
	unsigned kind;
	uint64_t esr, far, elr, spsr;
};

void except_catch(struct caught *c, enum catch_resume how);
void except_catch_end(void);

/*
 * A saved EL1 context (callee-saved registers, SP), like setjmp/longjmp. ctx_save()
 * returns 0; a later ctx_resume(c, val) makes it return again with val (!= 0).
 */
struct cpu_context {
	uint64_t regs[13];	/* x19..x30, sp */
};

int ctx_save(struct cpu_context *c) __attribute__((returns_twice));
void ctx_resume(struct cpu_context *c, uint64_t val) __attribute__((noreturn));
/* Make the frame's ERET land in ctx_resume(c, val) at EL1h with DAIF masked. */
void except_resume_at(struct except_frame *f, struct cpu_context *c, uint64_t val);

/*
 * Where the calling CPU goes after an unexpected exception: ctx_save() of c returns 1.
 * NULL: the run is stopped (after the report). Set by the runner around each test and
 * by smp.c around a secondary's work.
 */
void except_set_recovery(struct cpu_context *c);

/* Called from vectors.S. */
void except_dispatch(struct except_frame *f);

#endif /* SIMTEST_EXCEPT_H */
