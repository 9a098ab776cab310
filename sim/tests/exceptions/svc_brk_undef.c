// SPDX-License-Identifier: MIT
/*
 * exceptions: synchronous exceptions from EL1 that do not involve the MMU: SVC, BRK,
 * permanently undefined and unallocated encodings, SMC without EL3, FP/SIMD access
 * traps; the return with ERET (PSTATE restored from SPSR, ELR honoured), nesting, and
 * vector selection for SP_EL0 (EL1t) versus SP_EL1 (EL1h).
 */
#include "sim/tests/lib/expect_exc.h"

TEST_IMAGE("exceptions");

TEST(svc_reports_immediate_and_returns_past_it)
{
	struct caught c;
	uint64_t after;

	except_catch(&c, CATCH_ELR);
	asm volatile("adr %0, 1f\n\tsvc #0x123\n1:" : "=r"(after) :: "memory");
	except_catch_end();
	EXPECT_CAUGHT("svc", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_SVC64, .fsc = -1,
		      .wnr = -1);
	EXPECT_SHOW("svc imm16", c.esr & 0xffff, 0x123);
	EXPECT_EQ(c.elr, after);
	/* SPSR holds the EL1h state the SVC came from, interrupts masked as the runner has it. */
	EXPECT_SHOW("spsr mode+daif", c.spsr & 0x3cf, PSR_MODE_EL1h | PSR_DAIF);
}

TEST(brk_and_udf_report_the_faulting_instruction)
{
	struct caught c;
	uint64_t at;

	except_catch(&c, CATCH_SKIP);
	asm volatile("adr %0, 1f\n1:\tbrk #0xbeef" : "=r"(at) :: "memory");
	except_catch_end();
	EXPECT_CAUGHT("brk", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_BRK64, .fsc = -1,
		      .wnr = -1);
	EXPECT_SHOW("brk esr", c.esr, 0xf200beefull);
	EXPECT_EQ(c.elr, at);

	except_catch(&c, CATCH_SKIP);
	asm volatile("adr %0, 1f\n1:\tudf #0x1234" : "=r"(at) :: "memory");
	except_catch_end();
	EXPECT_CAUGHT("udf", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_UNKNOWN, .fsc = -1,
		      .wnr = -1);
	EXPECT_SHOW("udf esr", c.esr, 0x02000000);
	EXPECT_EQ(c.elr, at);
}

TEST(unallocated_and_unimplemented_encodings)
{
	struct caught c;

	/* Top-level encoding group op0 = 0b0001 is unallocated. */
	except_catch(&c, CATCH_SKIP);
	asm volatile(".inst 0x02000000" ::: "memory");
	except_catch_end();
	EXPECT_CAUGHT("unallocated", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_UNKNOWN,
		      .fsc = -1, .wnr = -1);
	/* SMC with no EL3 on the board is UNDEFINED. */
	except_catch(&c, CATCH_SKIP);
	asm volatile("smc #0" ::: "x0", "x1", "x2", "x3", "memory");
	except_catch_end();
	EXPECT_CAUGHT("smc", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_UNKNOWN, .fsc = -1,
		      .wnr = -1);
}

/* SVC "syscalls" at EL1 handled by a hook: x0 = x1 + x2, NZCV scribbled on in the handler. */
static bool svc_add_hook(struct except_frame *f)
{
	if (ESR_EC(f->esr) != ESR_EC_SVC64)
		return false;
	f->x[0] = f->x[1] + f->x[2];
	asm volatile("cmp %0, #1" :: "r"(0ull) : "cc");	/* the handler's own flags: N=1 */
	return true;
}

TEST(eret_restores_pstate)
{
	uint64_t result, nzcv;

	except_set_sync_hook(svc_add_hook);
	/* Z and C set before the call: ERET must bring them back from SPSR. */
	asm volatile("mov x1, %2\n\t"
		     "mov x2, %3\n\t"
		     "cmp x2, x2\n\t"
		     "svc #0\n\t"
		     "mrs %1, nzcv\n\t"
		     "mov %0, x0"
		     : "=r"(result), "=&r"(nzcv)
		     : "r"(40ull), "r"(2ull)
		     : "x0", "x1", "x2", "cc", "memory");
	except_set_sync_hook(NULL);
	EXPECT_SHOW("svc result", result, 42);
	EXPECT_SHOW("nzcv after eret", nzcv >> 28, 0x6);
}

static unsigned nest_log[4], nest_count;

static bool nesting_hook(struct except_frame *f)
{
	unsigned imm = f->esr & 0xffff;

	if (ESR_EC(f->esr) != ESR_EC_SVC64)
		return false;
	nest_log[nest_count++] = imm;
	if (imm == 1)
		asm volatile("svc #2" ::: "memory");	/* an exception inside the handler */
	nest_log[nest_count++] = imm + 10;
	return true;
}

TEST(nested_synchronous_exception)
{
	nest_count = 0;
	except_set_sync_hook(nesting_hook);
	asm volatile("svc #1" ::: "memory");
	except_set_sync_hook(NULL);
	EXPECT_SHOW("entries", nest_count, 4);
	EXPECT_SHOW("order", nest_log[0] << 12 | nest_log[1] << 8 | nest_log[2] << 4 | nest_log[3],
		    0x12cb);
}

TEST(vector_for_sp_el0)
{
	struct caught c;

	except_catch(&c, CATCH_SKIP);
	/* Run on SP_EL0 (same stack value), take an exception, come back to SP_EL1. */
	asm volatile("mov x9, sp\n\t"
		     "msr sp_el0, x9\n\t"
		     "msr spsel, #0\n\t"
		     "brk #1\n\t"
		     "msr spsel, #1"
		     ::: "x9", "memory");
	except_catch_end();
	EXPECT_CAUGHT("brk on sp_el0", &c, .vector = VEC_CUR_SP0_SYNC, .ec = ESR_EC_BRK64,
		      .fsc = -1, .wnr = -1);
	EXPECT_SHOW("spsr mode", c.spsr & 0xf, PSR_MODE_EL1t);
}

static unsigned fp_traps;

/* First FP use with CPACR_EL1.FPEN = 0 traps; enable FP and retry the instruction. */
static bool fp_trap_hook(struct except_frame *f)
{
	if (ESR_EC(f->esr) != ESR_EC_FP)
		return false;
	fp_traps++;
	f->cpacr |= CPACR_FPEN_ALL;
	return true;
}

TEST(fp_access_trap)
{
	uint64_t out;

	fp_traps = 0;
	except_set_sync_hook(fp_trap_hook);
	asm volatile("msr cpacr_el1, xzr\n\t"
		     "isb\n\t"
		     "fmov d7, %1\n\t"
		     "fadd d7, d7, d7\n\t"
		     "fmov %0, d7"
		     : "=r"(out) : "r"(0x3ff0000000000000ull) : "v7", "memory");
	except_set_sync_hook(NULL);
	EXPECT_SHOW("traps", fp_traps, 1);
	EXPECT_SHOW("1+1 after the trap", out, 0x4000000000000000ull);
	EXPECT_SHOW("cpacr fpen", (read_sysreg(cpacr_el1) >> 20) & 3, 3);
}
