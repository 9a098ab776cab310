// SPDX-License-Identifier: Apache-2.0
/*
 * The EL1 virtual timer (CNTV, PPI 11 = INTID 27). rt_sleep_ns() arms it and waits in
 * WFI with IRQs unmasked until its interrupt, whose handler masks the timer.
 */
#include "stack/guest/runtime/rt_internal.h"

#define VTIMER_INTID	27
#define CTL_ENABLE	1u
#define CTL_IMASK	2u

static volatile bool fired;

static void vtimer_irq(unsigned intid, void *ctx)
{
	write_sysreg(cntv_ctl_el0, CTL_ENABLE | CTL_IMASK);	/* level output: quiet it */
	fired = true;
}

void rt_timer_init(void)
{
	write_sysreg(cntv_ctl_el0, 0);
	if (read_sysreg(cntfrq_el0) == 0)
		rt_panic("CNTFRQ_EL0 is 0: no timer frequency");
	if (rt_irq_register(VTIMER_INTID, vtimer_irq, (void *)0))
		rt_panic("cannot route the virtual timer");
}

uint64_t rt_time_ns(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0), ticks;

	isb();
	ticks = read_sysreg(cntvct_el0);
	/* ticks * 1e9 / freq without overflow for any realistic uptime. */
	return ticks / freq * 1000000000ull + ticks % freq * 1000000000ull / freq;
}

void rt_sleep_ns(uint64_t ns)
{
	rt_wait_ns(ns, (volatile bool *)0);
}

void rt_wait_ns(uint64_t ns, volatile bool *wake)
{
	uint64_t freq = read_sysreg(cntfrq_el0);
	uint64_t ticks = ns / 1000000000ull * freq + ns % 1000000000ull * freq / 1000000000ull;

	isb();
	fired = false;
	write_sysreg(cntv_cval_el0, read_sysreg(cntvct_el0) + (ticks ? ticks : 1));
	write_sysreg(cntv_ctl_el0, CTL_ENABLE);
	isb();
	while (!fired && !(wake && *wake)) {
		/*
		 * WFI with IRQs masked (a pending interrupt still wakes it), then open a
		 * window for the handler: unmasking before WFI would let the interrupt be
		 * taken just before it and leave us asleep with nothing left to wake us.
		 */
		__asm__ volatile("wfi; msr daifclr, #2; isb; msr daifset, #2" : : : "memory");
	}
	write_sysreg(cntv_ctl_el0, 0);
}
