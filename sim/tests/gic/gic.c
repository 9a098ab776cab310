// SPDX-License-Identifier: MIT
/*
 * gic: the GICv3 with SGIs (the board has no SPI source a test can drive): delivery to
 * the calling CPU and to another CPU, acknowledge order by priority with the running
 * priority blocking lower ones, PMR masking, preemption by a higher-priority interrupt,
 * and a PPI from the timer.
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/gic.h"
#include "sim/tests/lib/smp.h"
#include "sim/tests/lib/test.h"
#include "sim/tests/lib/timer.h"

TEST_IMAGE("gic");

static volatile uint32_t seen[32];
static volatile uint32_t seen_on_cpu[32];
static unsigned irq_vector;

static void count_irq(uint32_t intid)
{
	seen[intid]++;
	seen_on_cpu[intid] = this_cpu();
}

static bool recording_dispatch(struct except_frame *f)
{
	irq_vector = (unsigned)f->kind;
	return gic_irq_dispatch(f);
}

static void gic_setup(void)
{
	for (unsigned i = 0; i < 32; i++)
		seen[i] = 0;
	gic_init_dist();
	gic_init_cpu();
	except_set_irq_hook(recording_dispatch);
}

static void wait_pending(unsigned intid)
{
	while (!gic_irq_pending(intid))
		cpu_relax();
}

TEST(sgi_to_self)
{
	gic_setup();
	gic_set_handler(1, count_irq);
	gic_enable_irq(1);
	gic_send_sgi(1, 0);
	gic_wait_flag(&seen[1]);
	EXPECT_SHOW("sgi 1 taken", seen[1], 1);
	EXPECT_SHOW("vector", irq_vector, VEC_CUR_SPX_IRQ);
	EXPECT_SHOW("running priority when idle", gic_running_priority(), 0xff);
}

TEST(acknowledge_order_and_running_priority)
{
	gic_setup();
	gic_set_priority(2, 0xa0);
	gic_set_priority(3, 0x40);
	gic_set_priority(4, 0x80);
	for (unsigned i = 2; i <= 4; i++)
		gic_enable_irq(i);
	/* IRQs stay masked in PSTATE: the CPU interface is driven by hand. */
	gic_send_sgi(2, 0);
	gic_send_sgi(3, 0);
	gic_send_sgi(4, 0);
	for (unsigned i = 2; i <= 4; i++)
		wait_pending(i);
	EXPECT_SHOW("hppir", gic_highest_pending(), 3);
	EXPECT_SHOW("iar 1", gic_ack(), 3);
	EXPECT_SHOW("running priority", gic_running_priority(), 0x40);
	EXPECT_SHOW("active 3", gic_irq_active(3) ? 1 : 0, 1);
	/* Nothing pending has a higher priority than the running one. */
	EXPECT_SHOW("iar while 3 runs", gic_ack(), GIC_SPURIOUS);
	gic_eoi(3);
	EXPECT_SHOW("iar 2", gic_ack(), 4);
	gic_eoi(4);
	EXPECT_SHOW("iar 3", gic_ack(), 2);
	gic_eoi(2);
	EXPECT_SHOW("iar when empty", gic_ack(), GIC_SPURIOUS);
	EXPECT_SHOW("active 3 after eoi", gic_irq_active(3) ? 1 : 0, 0);
}

TEST(pmr_masks_lower_priorities)
{
	gic_setup();
	gic_set_handler(5, count_irq);
	gic_set_priority(5, 0xa0);
	gic_enable_irq(5);
	gic_set_pmr(0x80);
	gic_send_sgi(5, 0);
	wait_pending(5);
	EXPECT_SHOW("hppir ignores pmr", gic_highest_pending(), 5);
	EXPECT_SHOW("iar under pmr", gic_ack(), GIC_SPURIOUS);
	/* Unmasked in PSTATE, still masked by PMR: it must not be taken. */
	irq_enable();
	isb();
	for (volatile unsigned i = 0; i < 100; i++)
		;
	irq_disable();
	EXPECT_SHOW("taken under pmr", seen[5], 0);
	gic_set_pmr(0xff);
	gic_wait_flag(&seen[5]);
	EXPECT_SHOW("taken after pmr raised", seen[5], 1);
}

static uint32_t order[8];
static volatile uint32_t norder;

static void log_irq(uint32_t intid)
{
	order[norder++] = intid;
}

static void log_and_count(uint32_t intid)
{
	log_irq(intid);
	count_irq(intid);
}

/* Priority 0xa0: raises a 0x40 and a 0xc0 SGI, lets the first preempt it. */
static void outer_irq(uint32_t intid)
{
	log_irq(intid);
	gic_send_sgi(7, 0);
	gic_send_sgi(8, 0);
	wait_pending(8);
	gic_wait_flag(&seen[7]);
	log_irq(100 + intid);
}

TEST(preemption_by_priority)
{
	gic_setup();
	norder = 0;
	gic_set_handler(6, outer_irq);
	gic_set_handler(7, log_and_count);
	gic_set_handler(8, log_and_count);
	gic_set_priority(6, 0xa0);
	gic_set_priority(7, 0x40);
	gic_set_priority(8, 0xc0);
	for (unsigned i = 6; i <= 8; i++)
		gic_enable_irq(i);
	gic_send_sgi(6, 0);
	gic_wait_flag(&seen[8]);
	/* 6 starts, 7 preempts it, 6 ends, then 8 (lower than 6) runs. */
	EXPECT_SHOW("entries", norder, 4);
	EXPECT_SHOW("order", order[0] << 24 | order[1] << 16 | order[2] << 8 | order[3],
		    6 << 24 | 7 << 16 | 106 << 8 | 8);
}

static volatile uint32_t cpu1_ready, cpu1_done;

static void cpu1_take_sgis(void *unused)
{
	gic_init_cpu();
	except_set_irq_hook(gic_irq_dispatch);
	gic_enable_irq(9);
	gic_enable_irq(10);
	WRITE_ONCE(cpu1_ready, 1);
	gic_wait_flag(&seen[9]);
	gic_wait_flag(&seen[10]);
	WRITE_ONCE(cpu1_done, 1);
}

TEST(sgi_to_another_cpu)
{
	if (!EXPECT_TRUE(smp_nr_cpus() >= 2))
		return;
	gic_setup();
	cpu1_ready = cpu1_done = 0;
	gic_set_handler(9, count_irq);
	gic_set_handler(10, count_irq);
	EXPECT_SHOW("cpu_on", smp_start_cpu(1, cpu1_take_sgis, NULL), 0);
	while (!READ_ONCE(cpu1_ready))
		cpu_relax();
	gic_send_sgi(9, 1);		/* by target list */
	while (!seen[9])
		cpu_relax();
	gic_send_sgi_others(10);	/* IRM: every CPU but this one */
	while (!READ_ONCE(cpu1_done))
		cpu_relax();
	smp_wait_cpu_off(1);
	EXPECT_SHOW("sgi 9 on cpu", seen_on_cpu[9], 1);
	EXPECT_SHOW("sgi 10 on cpu", seen_on_cpu[10], 1);
	EXPECT_SHOW("sgi 10 count", seen[10], 1);
}

TEST(timer_ppi_acknowledge)
{
	gic_setup();
	gic_enable_irq(GIC_PPI_VTIMER);
	write_sysreg(cntv_cval_el0, 0);		/* already expired */
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
	isb();
	wait_pending(GIC_PPI_VTIMER);
	EXPECT_SHOW("iar", gic_ack(), GIC_PPI_VTIMER);
	EXPECT_SHOW("active", gic_irq_active(GIC_PPI_VTIMER) ? 1 : 0, 1);
	write_sysreg(cntv_ctl_el0, 0);
	isb();
	gic_eoi(GIC_PPI_VTIMER);
}
