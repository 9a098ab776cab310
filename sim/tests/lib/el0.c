// SPDX-License-Identifier: MIT
/* Running code at EL0 (see el0.h). */
#include "sim/tests/lib/el0.h"

#include "sim/tests/lib/arch.h"

#define EL0_STACK_SIZE 4096

void el0_enter(el0_fn fn, uint64_t arg, uint64_t sp0, uint64_t spsr)
	__attribute__((noreturn));

static uint8_t el0_stacks[MAX_CPUS][EL0_STACK_SIZE] EL0_DATA __attribute__((aligned(16)));
static struct cpu_context el0_ctx[MAX_CPUS];
static uint64_t el0_result[MAX_CPUS];
static bool el0_active[MAX_CPUS];

uint64_t el0_call_daif(el0_fn fn, uint64_t arg, uint64_t daif)
{
	unsigned me = this_cpu();

	if (ctx_save(&el0_ctx[me])) {
		el0_active[me] = false;
		return el0_result[me];
	}
	el0_active[me] = true;
	el0_enter(fn, arg, (uint64_t)&el0_stacks[me][EL0_STACK_SIZE],
		  PSR_MODE_EL0t | (daif & PSR_DAIF));
}

uint64_t el0_call(el0_fn fn, uint64_t arg)
{
	return el0_call_daif(fn, arg, PSR_DAIF);
}

void el0_kill(struct except_frame *f, uint64_t val)
{
	unsigned me = this_cpu();

	el0_result[me] = val;
	except_resume_at(f, &el0_ctx[me], 1);
}

bool el0_handle_exit(struct except_frame *f)
{
	unsigned me = this_cpu();

	if (f->kind != VEC_LOW64_SYNC || !el0_active[me] || ESR_EC(f->esr) != ESR_EC_SVC64 ||
	    (f->esr & 0xffff) != EL0_EXIT_SVC)
		return false;
	el0_kill(f, f->x[0]);
	return true;
}
