// SPDX-License-Identifier: MIT
/*
 * The run loop: lazily decoded code pages and sim_cpu_run().
 *
 * A code page holds the 1024 predecoded slots of one 4 KiB physical page. Every slot
 * starts as the decode trampoline; the first execution decodes the word in place. Pages
 * are keyed by physical address, so aliases share their decode, and they are dropped
 * when the page is written (sim_page_touch). A dropped page may be the one whose handler
 * is running, so it goes on a free list and is reused only from the loop, after the
 * handler has returned.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim/internal.h"

#define SIM_INSNS_PER_PAGE	(SIM_PAGE_SIZE / 4)
/* Upper bound on decoded pages (32 KiB each); beyond it every decode is dropped. */
#define SIM_MAX_CODE_PAGES	4096
/* Longest run between looks at timers, interrupts and kicks. */
#define SIM_SLICE_MAX		65536

struct sim_code_page {
	struct sim_code_page *next_free;	/* first: the free list links through it */
	const uint32_t *words;			/* the page in RAM */
	struct sim_insn insn[SIM_INSNS_PER_PAGE];
};

bool sim_mem_fetch(struct sim_cpu *c, uint64_t pc, struct sim_ram **ram, uint64_t *pa);
void sim_page_mark_code(struct sim_machine *m, struct sim_ram *r, uint64_t pa);
void sim_code_page_drop(struct sim_machine *m, struct sim_code_page *cp);

static void exec_decode(struct sim_cpu *c, const struct sim_insn *in)
{
	struct sim_code_page *cp = c->code_page;
	size_t idx = (size_t)(in - cp->insn);
	struct sim_insn *slot = &cp->insn[idx];
	uint32_t raw = cp->words[idx];

	memset(slot, 0, sizeof(*slot));
	if (!sim_decode(raw, slot)) {
		memset(slot, 0, sizeof(*slot));
		slot->fn = sim_exec_undef;
	}
	slot->raw = raw;
	slot->fn(c, slot);
}

void sim_code_page_drop(struct sim_machine *m, struct sim_code_page *cp)
{
	cp->next_free = m->free_code;
	m->free_code = cp;
	m->nr_code_pages--;
}

static void drop_all_code(struct sim_machine *m)
{
	for (unsigned i = 0; i < m->nr_ram; i++) {
		struct sim_ram *r = &m->ram[i];
		uint64_t pages = r->size >> SIM_PAGE_SHIFT;

		for (uint64_t p = 0; p < pages; p++) {
			if (r->code[p]) {
				sim_code_page_drop(m, r->code[p]);
				r->code[p] = NULL;
				r->pflags[p] &= ~SIM_PG_CODE;
			}
		}
	}
	for (unsigned i = 0; i < m->nr_cpus; i++) {
		m->cpus[i]->code_page = NULL;
		m->cpus[i]->code_vpage = UINT64_MAX;
	}
}

static struct sim_code_page *code_page_new(struct sim_machine *m, const uint32_t *words)
{
	struct sim_code_page *cp = m->free_code;

	if (cp) {
		m->free_code = cp->next_free;
	} else {
		cp = malloc(sizeof(*cp));
		if (!cp)
			return NULL;
	}
	cp->next_free = NULL;
	cp->words = words;
	for (unsigned i = 0; i < SIM_INSNS_PER_PAGE; i++)
		cp->insn[i] = (struct sim_insn){ .fn = exec_decode };
	m->nr_code_pages++;
	return cp;
}

/* Make c->code_page the page of c->pc. False: an abort or exit was raised instead. */
static bool fetch_page(struct sim_cpu *c)
{
	struct sim_machine *m = c->m;
	struct sim_code_page *cp;
	struct sim_ram *r;
	uint64_t pa, idx;

	if (c->pc & 3) {
		sim_take_sync(c, (uint32_t)SIM_EC_PC_ALIGN << 26 | 1u << 25, c->pc, true);
		return false;
	}
	if (!sim_mem_fetch(c, c->pc, &r, &pa))
		return false;
	idx = (pa - r->base) >> SIM_PAGE_SHIFT;
	cp = r->code[idx];
	if (!cp) {
		if (m->nr_code_pages >= SIM_MAX_CODE_PAGES)
			drop_all_code(m);
		cp = code_page_new(m, (const uint32_t *)(r->mem + (pa - r->base)));
		if (!cp) {
			c->exit = (struct sim_exit){ .kind = SIM_EXIT_INTERNAL,
				.internal.reason = "out of memory for decoded code" };
			c->exit_pending = true;
			sim_cpu_stop_slice(c);
			return false;
		}
		r->code[idx] = cp;
		sim_page_mark_code(m, r, pa);
	}
	c->code_page = cp;
	c->code_vpage = c->pc >> SIM_PAGE_SHIFT;
	return true;
}

/* Finish an MMIO access the caller emulated (KVM does this at the next KVM_RUN). */
static void complete_mmio(struct sim_cpu *c)
{
	const struct sim_exit *x = &c->exit;

	c->mmio_pending = false;
	if (c->abort_injected)
		return;
	if (!x->mmio.is_write) {
		unsigned bits = x->mmio.size * 8;
		uint64_t v = c->mmio_data;

		if (bits < 64)
			v &= (1ull << bits) - 1;
		if (x->mmio.sign_extend && bits < 64 && (v >> (bits - 1)) & 1)
			v |= ~0ull << bits;
		if (!x->mmio.sixty_four)
			v &= 0xffffffffull;
		sim_set_x(c, x->mmio.reg, v);
	}
	c->pc += 4;
}

void sim_cpu_complete_mmio(struct sim_cpu *c, uint64_t data)
{
	c->mmio_data = data;
}

void sim_cpu_inject_abort(struct sim_cpu *c)
{
	struct sim_fault f = { .type = SIM_FAULT_EXTERNAL, .stage = 1 };

	if (c->abort_injected)
		return;
	c->abort_injected = true;
	c->mmio_pending = false;
	sim_raise_abort(c, &f, c->abort_va, c->abort_acc, c->abort_flags, c->abort_size);
}

void sim_cpu_inject_undef(struct sim_cpu *c)
{
	/* The exit left PC after the call; the UNDEF is the call itself. */
	c->pc -= 4;
	sim_undef(c);
}

void sim_cpu_kick(struct sim_cpu *c)
{
	__atomic_store_n(&c->kicked, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&c->slice, 0, __ATOMIC_RELAXED);
}

static void trace_exit(struct sim_cpu *c, const struct sim_exit *x)
{
	FILE *f = c->m->trace;

	if (f)
		fprintf(f, "cpu%u exit %d pc=%016llx t=%llu\n", c->index, (int)x->kind,
			(unsigned long long)c->pc, (unsigned long long)c->m->now_ns);
}

void sim_trace_insn(struct sim_cpu *c, uint32_t raw)
{
	fprintf(c->m->trace, "cpu%u %016llx %08x\n", c->index, (unsigned long long)c->pc, raw);
}

/* Run up to limit instructions; returns how many were executed (or faulted). */
static uint64_t run_slice(struct sim_cpu *c, uint64_t limit)
{
	uint64_t n = 0;

	c->slice = 1;
	while (likely(c->slice) && n < limit) {
		const struct sim_insn *in;

		if (unlikely((c->pc >> SIM_PAGE_SHIFT) != c->code_vpage)) {
			n++;
			if (!fetch_page(c))
				continue;
			n--;
		}
		in = &c->code_page->insn[(c->pc >> 2) & (SIM_INSNS_PER_PAGE - 1)];
		c->slice_done = n++;
		in->fn(c, in);
	}
	return n;
}

static uint64_t run_slice_traced(struct sim_cpu *c, uint64_t limit)
{
	uint64_t n = 0;

	c->slice = 1;
	while (c->slice && n < limit) {
		const struct sim_insn *in;

		n++;
		if ((c->pc >> SIM_PAGE_SHIFT) != c->code_vpage && !fetch_page(c))
			continue;
		in = &c->code_page->insn[(c->pc >> 2) & (SIM_INSNS_PER_PAGE - 1)];
		sim_trace_insn(c, c->code_page->words[(c->pc >> 2) & (SIM_INSNS_PER_PAGE - 1)]);
		c->slice_done = n - 1;
		in->fn(c, in);
	}
	return n;
}

static void take_pending_interrupt(struct sim_cpu *c)
{
	if (c->fiq_line && !(c->daif & SIM_DAIF_F))
		sim_take_fiq(c);
	else if (c->irq_line && !(c->daif & SIM_DAIF_I))
		sim_take_irq(c);
}

static unsigned timer_levels(const struct sim_cpu *c)
{
	return (unsigned)c->timer.v_level | (unsigned)c->timer.p_level << 1;
}

int sim_cpu_run(struct sim_cpu *c, uint64_t budget, struct sim_exit *exit)
{
	struct sim_machine *m = c->m;
	uint64_t left = budget ? budget : UINT64_MAX;

	if (c->mmio_pending)
		complete_mmio(c);
	c->abort_injected = false;
	c->exit_pending = false;
	if (!c->powered) {
		exit->kind = SIM_EXIT_OFF;
		return 0;
	}
	/*
	 * A CPU that stopped in WFI stays there until an interrupt is pending for it
	 * (masked or not: WFI wakes on the pending state) or one of its timers started
	 * firing since (KVM wakes a vCPU on its timer even if the GIC has the PPI
	 * disabled), as KVM_RUN blocks.
	 */
	if (c->wfi_wait) {
		sim_timer_update(c);
		if (!c->irq_line && !c->fiq_line && !(timer_levels(c) & ~c->wfi_timer_levels)) {
			exit->kind = SIM_EXIT_WFI;
			return 0;
		}
		c->wfi_wait = false;
	}
	for (;;) {
		uint64_t limit = left < SIM_SLICE_MAX ? left : SIM_SLICE_MAX;
		uint64_t deadline, n;

		if (__atomic_exchange_n(&c->kicked, 0, __ATOMIC_ACQUIRE)) {
			c->exit = (struct sim_exit){ .kind = SIM_EXIT_KICK };
			break;
		}
		if (c->events & SIM_EV_REFETCH)
			c->code_vpage = UINT64_MAX;
		c->events = 0;
		sim_timer_update(c);
		take_pending_interrupt(c);
		/* PSTATE.IL set from outside (an illegal SPSR written through the register
		 * interface) raises its exception before the next instruction. */
		if (unlikely(c->pstate_il))
			sim_check_illegal_state(c);
		deadline = sim_timer_deadline(c);
		if (deadline > m->now_ns && deadline != UINT64_MAX &&
		    (deadline - m->now_ns) / SIM_NS_PER_INSN < limit)
			limit = (deadline - m->now_ns + SIM_NS_PER_INSN - 1) / SIM_NS_PER_INSN;
		if (!limit)
			limit = 1;
		n = m->trace ? run_slice_traced(c, limit) : run_slice(c, limit);
		c->retired += n;
		m->now_ns += n * SIM_NS_PER_INSN;
		c->slice_done = 0;
		left -= n;
		if (c->exit_pending) {
			c->exit_pending = false;
			break;
		}
		if (!c->powered) {
			c->exit = (struct sim_exit){ .kind = SIM_EXIT_OFF };
			break;
		}
		if (!left) {
			c->exit = (struct sim_exit){ .kind = SIM_EXIT_BUDGET };
			break;
		}
	}
	*exit = c->exit;
	c->wfi_wait = exit->kind == SIM_EXIT_WFI;
	c->wfi_timer_levels = timer_levels(c);
	trace_exit(c, exit);
	return 0;
}
