// SPDX-License-Identifier: MIT
/*
 * timer: the EL1 virtual and physical timers. Only timing-independent facts are printed:
 * the counter never goes backwards, a timer interrupt arrives after its TVAL with
 * ISTATUS set and the counter past CVAL, WFI returns for a pending (masked) interrupt,
 * ISTATUS follows CVAL at once, IMASK keeps the interrupt line low, and a timer
 * interrupt taken at EL0 uses the lower-EL vector.
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/el0.h"
#include "sim/tests/lib/gic.h"
#include "sim/tests/lib/test.h"
#include "sim/tests/lib/timer.h"

TEST_IMAGE("timer");

static volatile uint32_t fired;
static uint64_t ctl_in_handler, vector_kind;

/* Level-sensitive: the handler must lower the line (mask the timer) before EOI. */
static void vtimer_handler(uint32_t intid)
{
	ctl_in_handler = read_sysreg(cntv_ctl_el0);
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE | CNT_CTL_IMASK);
	isb();
	fired++;
}

static void ptimer_handler(uint32_t intid)
{
	ctl_in_handler = read_sysreg(cntp_ctl_el0);
	write_sysreg(cntp_ctl_el0, CNT_CTL_ENABLE | CNT_CTL_IMASK);
	isb();
	fired++;
}

static bool recording_dispatch(struct except_frame *f)
{
	vector_kind = f->kind;
	return gic_irq_dispatch(f);
}

static void timer_setup(void)
{
	fired = 0;
	ctl_in_handler = 0;
	gic_init_dist();
	gic_init_cpu();
	gic_set_handler(GIC_PPI_VTIMER, vtimer_handler);
	gic_set_handler(GIC_PPI_PTIMER, ptimer_handler);
	gic_enable_irq(GIC_PPI_VTIMER);
	gic_enable_irq(GIC_PPI_PTIMER);
	except_set_irq_hook(recording_dispatch);
}

TEST(counters_are_monotonic)
{
	uint64_t v = timer_vcount(), p = timer_pcount(), backwards = 0;

	EXPECT_TRUE(timer_freq() != 0);
	for (unsigned i = 0; i < 1000; i++) {
		uint64_t nv = timer_vcount(), np = timer_pcount();

		backwards += nv < v || np < p;
		v = nv;
		p = np;
	}
	EXPECT_SHOW("backward steps", backwards, 0);
}

TEST(virtual_timer_interrupt)
{
	uint64_t cval;

	timer_setup();
	vtimer_arm_ticks(timer_ticks_us(2000));
	cval = read_sysreg(cntv_cval_el0);
	gic_wait_flag(&fired);
	EXPECT_SHOW("fired", fired, 1);
	EXPECT_SHOW("ISTATUS in handler", (ctl_in_handler & CNT_CTL_ISTATUS) ? 1 : 0, 1);
	EXPECT_SHOW("counter past CVAL", timer_vcount() >= cval, 1);
	EXPECT_SHOW("TVAL not positive", (int32_t)read_sysreg(cntv_tval_el0) <= 0, 1);
	EXPECT_SHOW("vector", vector_kind, VEC_CUR_SPX_IRQ);
}

TEST(physical_timer_interrupt)
{
	uint64_t cval;

	timer_setup();
	ptimer_arm_ticks(timer_ticks_us(2000));
	cval = read_sysreg(cntp_cval_el0);
	gic_wait_flag(&fired);
	EXPECT_SHOW("fired", fired, 1);
	EXPECT_SHOW("ISTATUS in handler", (ctl_in_handler & CNT_CTL_ISTATUS) ? 1 : 0, 1);
	EXPECT_SHOW("counter past CVAL", timer_pcount() >= cval, 1);
}

TEST(wfi_wakes_for_masked_interrupt)
{
	timer_setup();
	irq_disable();
	vtimer_arm_ticks(timer_ticks_us(3000));
	/* PSTATE.I is set, yet a pending interrupt must end WFI. */
	while (!gic_irq_pending(GIC_PPI_VTIMER))
		wfi();
	EXPECT_SHOW("hppir", gic_highest_pending(), GIC_PPI_VTIMER);
	EXPECT_SHOW("fired while masked", fired, 0);
	gic_wait_flag(&fired);
	EXPECT_SHOW("fired after unmask", fired, 1);
}

TEST(istatus_follows_cval)
{
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE | CNT_CTL_IMASK);
	write_sysreg(cntv_cval_el0, 0);
	isb();
	EXPECT_SHOW("cval 0", (read_sysreg(cntv_ctl_el0) & CNT_CTL_ISTATUS) ? 1 : 0, 1);
	write_sysreg(cntv_cval_el0, ~0ull);
	isb();
	EXPECT_SHOW("cval max", (read_sysreg(cntv_ctl_el0) & CNT_CTL_ISTATUS) ? 1 : 0, 0);
	write_sysreg(cntv_tval_el0, 0xffffffffu);	/* TVAL -1: one tick in the past */
	isb();
	EXPECT_SHOW("tval -1", (read_sysreg(cntv_ctl_el0) & CNT_CTL_ISTATUS) ? 1 : 0, 1);
	write_sysreg(cntv_ctl_el0, 0);
}

TEST(imask_keeps_line_low)
{
	timer_setup();
	write_sysreg(cntv_cval_el0, 0);
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE | CNT_CTL_IMASK);
	isb();
	EXPECT_SHOW("istatus", (read_sysreg(cntv_ctl_el0) & CNT_CTL_ISTATUS) ? 1 : 0, 1);
	EXPECT_SHOW("pending with IMASK", gic_irq_pending(GIC_PPI_VTIMER) ? 1 : 0, 0);
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
	isb();
	gic_wait_flag(&fired);
	EXPECT_SHOW("fired after IMASK cleared", fired, 1);
}

static uint32_t el0_flag EL0_DATA;

static void el0_visible_handler(uint32_t intid)
{
	vtimer_handler(intid);
	el0_flag = 1;
}

/* Spins at EL0 until the interrupt handler (at EL1) sets the flag. */
static EL0_TEXT uint64_t el0_wait(uint64_t flag)
{
	while (!*(volatile uint32_t *)flag)
		;
	return 7;
}

TEST(interrupt_taken_from_el0)
{
	timer_setup();
	el0_flag = 0;
	gic_set_handler(GIC_PPI_VTIMER, el0_visible_handler);
	write_sysreg(cntv_cval_el0, 0);
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
	isb();
	while (!gic_irq_pending(GIC_PPI_VTIMER))
		cpu_relax();
	/* EL0 runs with IRQs unmasked: the pending interrupt is taken there. */
	EXPECT_SHOW("el0 result", el0_call_daif(el0_wait, (uint64_t)&el0_flag, 0), 7);
	EXPECT_SHOW("fired", fired, 1);
	EXPECT_SHOW("vector", vector_kind, VEC_LOW64_IRQ);
}
