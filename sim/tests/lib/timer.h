/* SPDX-License-Identifier: MIT */
/*
 * Guest test runtime: the generic timer's EL1 virtual and physical timers.
 *
 * Nothing here returns a value that a test may print as is: the counter depends on
 * timing, and its frequency on the model. Tests print only architectural facts
 * (ISTATUS after expiry, ordering of counter reads, which interrupt fired).
 */
#ifndef SIMTEST_TIMER_H
#define SIMTEST_TIMER_H

#include <stdint.h>

#include "sim/tests/lib/arch.h"

#define CNT_CTL_ENABLE		BIT(0)
#define CNT_CTL_IMASK		BIT(1)
#define CNT_CTL_ISTATUS		BIT(2)

static inline uint64_t timer_vcount(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static inline uint64_t timer_pcount(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static inline uint64_t timer_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

/* Arm the virtual timer ticks counter ticks from now (TVAL), interrupt unmasked. */
static inline void vtimer_arm_ticks(uint32_t ticks)
{
	write_sysreg(cntv_tval_el0, ticks);
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
	isb();
}

static inline void ptimer_arm_ticks(uint32_t ticks)
{
	write_sysreg(cntp_tval_el0, ticks);
	write_sysreg(cntp_ctl_el0, CNT_CTL_ENABLE);
	isb();
}

/* Ticks in us microseconds at the counter's frequency (at least 1). */
static inline uint32_t timer_ticks_us(uint32_t us)
{
	uint64_t t = timer_freq() * us / 1000000;

	return t ? (uint32_t)t : 1;
}

#endif /* SIMTEST_TIMER_H */
