// SPDX-License-Identifier: MIT
/* Exception dispatch, hooks and expected-exception catching (see except.h). */
#include "sim/tests/lib/except.h"

#include <stddef.h>

#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/console.h"
#include "sim/tests/lib/el0.h"
#include "sim/tests/lib/psci.h"
#include "sim/tests/lib/test.h"

_Static_assert(offsetof(struct except_frame, x[30]) == 240, "frame layout (vectors.S)");
_Static_assert(offsetof(struct except_frame, elr) == 256, "frame layout (vectors.S)");
_Static_assert(offsetof(struct except_frame, esr) == 272, "frame layout (vectors.S)");
_Static_assert(offsetof(struct except_frame, cpacr) == 288, "frame layout (vectors.S)");
_Static_assert(offsetof(struct except_frame, kind) == 296, "frame layout (vectors.S)");
_Static_assert(offsetof(struct except_frame, fpsr) == 304, "frame layout (vectors.S)");
_Static_assert(offsetof(struct except_frame, q) == 320, "frame layout (vectors.S)");
_Static_assert(sizeof(struct except_frame) == EXCEPT_FRAME_SIZE, "frame size (vectors.S)");

struct cpu_hooks {
	except_hook_fn sync;
	except_hook_fn irq;
	struct caught *catch;
	enum catch_resume catch_how;
	struct cpu_context *recovery;
	unsigned depth;		/* unexpected exceptions being reported */
};

static struct cpu_hooks hooks[MAX_CPUS];

static const char *const vector_names[16] = {
	"cur_sp0_sync", "cur_sp0_irq", "cur_sp0_fiq", "cur_sp0_serror",
	"cur_spx_sync", "cur_spx_irq", "cur_spx_fiq", "cur_spx_serror",
	"low64_sync", "low64_irq", "low64_fiq", "low64_serror",
	"low32_sync", "low32_irq", "low32_fiq", "low32_serror",
};

const char *vector_name(unsigned kind)
{
	return kind < 16 ? vector_names[kind] : "?";
}

void except_set_sync_hook(except_hook_fn fn)
{
	hooks[this_cpu()].sync = fn;
}

void except_set_irq_hook(except_hook_fn fn)
{
	hooks[this_cpu()].irq = fn;
}

void except_clear_hooks(void)
{
	struct cpu_hooks *h = &hooks[this_cpu()];

	h->sync = NULL;
	h->irq = NULL;
	h->catch = NULL;
}

void except_set_recovery(struct cpu_context *c)
{
	hooks[this_cpu()].recovery = c;
}

void except_resume_at(struct except_frame *f, struct cpu_context *c, uint64_t val)
{
	f->elr = (uint64_t)&ctx_resume;
	f->spsr = PSR_MODE_EL1h | PSR_DAIF;
	f->x[0] = (uint64_t)c;
	f->x[1] = val;
}

void except_catch(struct caught *c, enum catch_resume how)
{
	struct cpu_hooks *h = &hooks[this_cpu()];

	*c = (struct caught){ 0 };
	h->catch_how = how;
	barrier();
	h->catch = c;
}

void except_catch_end(void)
{
	hooks[this_cpu()].catch = NULL;
	barrier();
}

static bool is_sync(unsigned kind)
{
	return (kind & 3) == 0;
}

static bool is_irq(unsigned kind)
{
	return (kind & 3) == 1;
}

/* FAR is only meaningful for aborts and alignment faults. */
static bool esr_has_far(uint64_t esr)
{
	switch (ESR_EC(esr)) {
	case ESR_EC_IABT_LOWER:
	case ESR_EC_IABT_CUR:
	case ESR_EC_PC_ALIGN:
	case ESR_EC_DABT_LOWER:
	case ESR_EC_DABT_CUR:
		return true;
	default:
		return false;
	}
}

static bool take_catch(struct cpu_hooks *h, struct except_frame *f)
{
	struct caught *c = h->catch;

	h->catch = NULL;
	c->taken = true;
	c->kind = (unsigned)f->kind;
	c->esr = f->esr;
	c->far = esr_has_far(f->esr) ? f->far : 0;
	c->elr = f->elr;
	c->spsr = f->spsr;
	switch (h->catch_how) {
	case CATCH_SKIP:
		f->elr += 4;
		break;
	case CATCH_ELR:
		break;
	case CATCH_RETURN:
		f->elr = f->x[30];
		break;
	}
	return true;
}

static void report_unexpected(const struct except_frame *f)
{
	printf("  unexpected exception on CPU%u: %s ESR=0x%08lx ELR=0x%lx SPSR=0x%lx",
	       this_cpu(), vector_name((unsigned)f->kind), f->esr, f->elr, f->spsr);
	if (is_sync((unsigned)f->kind) && esr_has_far(f->esr))
		printf(" FAR=0x%lx", f->far);
	printf("\n");
}

static void unexpected(struct cpu_hooks *h, struct except_frame *f)
{
	if (h->depth++) {
		console_puts("  nested unexpected exception; stopping\n");
		psci_system_off();
	}
	report_unexpected(f);
	test_note_failure();
	h->catch = NULL;
	h->depth--;
	if (!h->recovery) {
		console_puts("  no test to abandon; stopping\n");
		psci_system_off();
	}
	except_resume_at(f, h->recovery, 1);
}

void except_dispatch(struct except_frame *f)
{
	struct cpu_hooks *h = &hooks[this_cpu()];
	unsigned kind = (unsigned)f->kind;

	if (is_sync(kind)) {
		if (el0_handle_exit(f))
			return;
		if (h->catch)
			take_catch(h, f);
		else if (!h->sync || !h->sync(f))
			unexpected(h, f);
		return;
	}
	if (is_irq(kind) && h->irq && h->irq(f))
		return;
	unexpected(h, f);
}
