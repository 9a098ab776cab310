// SPDX-License-Identifier: MIT
/*
 * Generic timer: counter scaling, CVAL/TVAL arithmetic, ISTATUS, the PPI lines into the
 * GIC (27 virtual, 30 physical), deadlines (firing exactly at the returned nanosecond,
 * not one tick before), EL0 access under CNTKCTL_EL1, on CPUs of a real partition with
 * virtual time moved by sim_machine_advance_to().
 */
#include <stdlib.h>

#include "sim/gic_test_util.h"

#define T_CNT(crm, op2)	T_SYS(3, 3, 14, crm, op2)
#define CNTFRQ		T_CNT(0, 0)
#define CNTPCT		T_CNT(0, 1)
#define CNTVCT		T_CNT(0, 2)
#define CNTPCTSS	T_CNT(0, 5)
#define CNTP_TVAL	T_CNT(2, 0)
#define CNTP_CTL	T_CNT(2, 1)
#define CNTP_CVAL	T_CNT(2, 2)
#define CNTV_TVAL	T_CNT(3, 0)
#define CNTV_CTL	T_CNT(3, 1)
#define CNTV_CVAL	T_CNT(3, 2)

#define NS_PER_TICK	16u	/* 10^9 / 62.5 MHz */

static const unsigned two_cpus[] = { 0, 1 };

static int setup(void **state)
{
	struct t_machine *t = t_machine_new(two_cpus, 2);

	t_gic_bringup(t);
	for (unsigned i = 0; i < 2; i++) {
		t_ppi_setup(t, i, 27, 0x80);
		t_ppi_setup(t, i, 30, 0x80);
	}
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	t_machine_free(*state);
	return 0;
}

static uint64_t rd(struct sim_cpu *c, uint32_t enc)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(sim_timer_sysreg_read(c, enc, &v), 0);
	return v;
}

static void wr(struct sim_cpu *c, uint32_t enc, uint64_t v)
{
	assert_int_equal(sim_timer_sysreg_write(c, enc, v), 0);
}

/* PPI intid of cpu pending in its redistributor. */
static bool ppi_pending(struct t_machine *t, unsigned cpu, unsigned intid)
{
	return (t_mmio_read(t, T_SGI(cpu) + 0x200, 4) >> intid) & 1;
}

static void counter_follows_virtual_time(void **state)
{
	struct t_machine *t = *state;
	struct sim_cpu *c = t->cpu[0];

	assert_int_equal(rd(c, CNTFRQ), 62500000);
	assert_int_equal(rd(c, CNTVCT), 0);
	sim_machine_advance_to(t->m, 15);
	assert_int_equal(rd(c, CNTPCT), 0);
	sim_machine_advance_to(t->m, 16);
	assert_int_equal(rd(c, CNTPCT), 1);
	assert_int_equal(rd(c, CNTVCT), 1);		/* CNTVOFF = 0 */
	sim_machine_advance_to(t->m, 1000000000);
	assert_int_equal(rd(c, CNTVCT), 62500000);
	assert_int_equal(sim_timer_counter(t->m), 62500000);
	/* Far in the future the scaling does not overflow. */
	sim_machine_advance_to(t->m, 0xfffffffffffffff0ull);
	assert_int_equal(rd(c, CNTVCT), 0x0fffffffffffffffull);
}

static void cval_fires_exactly_at_deadline(void **state)
{
	struct t_machine *t = *state;
	struct sim_cpu *c = t->cpu[0];

	wr(c, CNTV_CVAL, 100);
	wr(c, CNTV_CTL, 1);
	assert_int_equal(sim_timer_deadline(c), 100 * NS_PER_TICK);
	assert_int_equal(sim_machine_next_deadline(t->m), 100 * NS_PER_TICK);

	sim_machine_advance_to(t->m, 100 * NS_PER_TICK - 1);	/* one ns short: tick 99 */
	assert_int_equal(rd(c, CNTV_CTL), 1);
	assert_false(ppi_pending(t, 0, 27));
	assert_false(c->irq_line);
	assert_false(c->timer.v_level);

	sim_machine_advance_to(t->m, 100 * NS_PER_TICK);
	assert_int_equal(rd(c, CNTV_CTL), 5);			/* ENABLE | ISTATUS */
	assert_true(ppi_pending(t, 0, 27));
	assert_true(c->timer.v_level);
	assert_true(c->irq_line);
	assert_false(t->cpu[1]->irq_line);			/* another CPU's timer */
	assert_int_equal(sim_timer_deadline(c), UINT64_MAX);	/* met: no future deadline */
	assert_int_equal(t_icc_read(c, T_ICC_IAR1), 27);

	/* The handler moves CVAL on: the line drops, a new deadline appears. */
	wr(c, CNTV_CVAL, 250);
	assert_false(ppi_pending(t, 0, 27));
	assert_int_equal(sim_timer_deadline(c), 250 * NS_PER_TICK);
	t_icc_write(c, T_ICC_EOIR1, 27);
	assert_false(c->irq_line);
}

static void tval_is_a_signed_32bit_view(void **state)
{
	struct t_machine *t = *state;
	struct sim_cpu *c = t->cpu[0];

	sim_machine_advance_to(t->m, 100 * NS_PER_TICK);	/* counter 100 */
	wr(c, CNTV_TVAL, 50);
	assert_int_equal(rd(c, CNTV_CVAL), 150);
	assert_int_equal(rd(c, CNTV_TVAL), 50);
	sim_machine_advance_to(t->m, 160 * NS_PER_TICK);
	assert_int_equal(rd(c, CNTV_TVAL), 0xfffffff6);		/* -10, bits [63:32] zero */
	/* Bits [63:32] of a TVAL write are ignored; [31:0] are sign-extended. */
	wr(c, CNTV_TVAL, 0x100000005ull);
	assert_int_equal(rd(c, CNTV_CVAL), 165);
	wr(c, CNTV_TVAL, 0xffffffffull);			/* -1 */
	assert_int_equal(rd(c, CNTV_CVAL), 159);
	wr(c, CNTV_CTL, 1);
	assert_int_equal(rd(c, CNTV_CTL), 5);			/* already expired */
	assert_true(ppi_pending(t, 0, 27));
	/* A large CVAL leaves TVAL's low 32 bits of the difference. */
	wr(c, CNTV_CVAL, 160 + 0x123456789ull);
	assert_int_equal(rd(c, CNTV_TVAL), 0x23456789);
	assert_int_equal(rd(c, CNTV_CTL), 1);
}

static void imask_gates_line_not_istatus(void **state)
{
	struct t_machine *t = *state;
	struct sim_cpu *c = t->cpu[1];

	wr(c, CNTV_CVAL, 10);
	wr(c, CNTV_CTL, 3);					/* ENABLE | IMASK */
	sim_machine_advance_to(t->m, 10 * NS_PER_TICK);
	assert_int_equal(rd(c, CNTV_CTL), 7);
	assert_false(ppi_pending(t, 1, 27));
	assert_false(c->irq_line);
	wr(c, CNTV_CTL, 1);
	assert_true(ppi_pending(t, 1, 27));
	assert_true(c->irq_line);
	wr(c, CNTV_CTL, 0);					/* disabled: ISTATUS 0 */
	assert_int_equal(rd(c, CNTV_CTL), 0);
	assert_false(ppi_pending(t, 1, 27));
	assert_false(c->irq_line);
	/* Reserved bits are not kept. */
	wr(c, CNTV_CTL, 0xfffffff8);
	assert_int_equal(rd(c, CNTV_CTL), 0);
}

static void physical_timer_drives_ppi30(void **state)
{
	struct t_machine *t = *state;
	struct sim_cpu *c = t->cpu[1];

	wr(c, CNTP_TVAL, 8);
	wr(c, CNTP_CTL, 1);
	assert_int_equal(rd(c, CNTP_CVAL), 8);
	assert_int_equal(sim_timer_deadline(c), 8 * NS_PER_TICK);
	sim_machine_advance_to(t->m, 8 * NS_PER_TICK);
	assert_true(ppi_pending(t, 1, 30));
	assert_false(ppi_pending(t, 1, 27));
	assert_true(c->timer.p_level);
	assert_int_equal(t_icc_read(c, T_ICC_IAR1), 30);
	assert_int_equal(rd(c, CNTP_CTL), 5);
	assert_int_equal(rd(c, CNTP_TVAL), 0);
}

static void deadline_rules(void **state)
{
	struct t_machine *t = *state;
	struct sim_cpu *c = t->cpu[0];

	wr(c, CNTV_CVAL, 100);
	assert_int_equal(sim_timer_deadline(c), UINT64_MAX);	/* not enabled */
	wr(c, CNTV_CTL, 3);					/* masked timers count */
	wr(c, CNTP_CVAL, 40);
	wr(c, CNTP_CTL, 1);
	assert_int_equal(sim_timer_deadline(c), 40 * NS_PER_TICK);
	sim_machine_advance_to(t->m, 40 * NS_PER_TICK);
	assert_int_equal(sim_timer_deadline(c), 100 * NS_PER_TICK);
	/* Mid-tick, the deadline is still the first ns of the compare tick. */
	sim_machine_advance_to(t->m, 40 * NS_PER_TICK + 7);
	assert_int_equal(sim_timer_deadline(c), 100 * NS_PER_TICK);
	wr(c, CNTV_CVAL, UINT64_MAX);				/* beyond ns: saturates */
	assert_int_equal(sim_timer_deadline(c), UINT64_MAX);
	wr(c, CNTV_CVAL, UINT64_MAX / NS_PER_TICK);
	assert_int_equal(sim_timer_deadline(c), (UINT64_MAX / NS_PER_TICK) * NS_PER_TICK);
	assert_int_equal(sim_machine_next_deadline(t->m),
			 (UINT64_MAX / NS_PER_TICK) * NS_PER_TICK);
	wr(c, CNTV_CTL, 0);
	assert_int_equal(sim_machine_next_deadline(t->m), UINT64_MAX);
}

/* Time moved on while another CPU ran: the fired timer reports a past deadline. */
static void fired_but_not_driven_is_due_now(void **state)
{
	struct t_machine *t = *state;
	struct sim_cpu *c = t->cpu[1];

	wr(c, CNTV_CVAL, 10);
	wr(c, CNTV_CTL, 1);
	wr(c, CNTP_CVAL, 12);
	wr(c, CNTP_CTL, 3);				/* masked: never due once met */
	t->m->now_ns = 20 * NS_PER_TICK;		/* as the run loop of CPU 0 does */
	assert_false(c->timer.v_level);
	assert_int_equal(sim_timer_deadline(c), 10 * NS_PER_TICK);
	sim_timer_update(c);
	assert_true(c->timer.v_level);
	assert_true(ppi_pending(t, 1, 27));
	assert_false(ppi_pending(t, 1, 30));
	assert_int_equal(sim_timer_deadline(c), UINT64_MAX);
	assert_int_equal(sim_machine_next_deadline(t->m), UINT64_MAX);
}

static void el0_access_follows_cntkctl(void **state)
{
	struct t_machine *t = *state;
	struct sim_cpu *c = t->cpu[0];
	uint64_t v;

	c->el = 0;
	assert_int_equal(sim_timer_sysreg_read(c, CNTFRQ, &v), -EPERM);
	assert_int_equal(sim_timer_sysreg_read(c, CNTVCT, &v), -EPERM);
	assert_int_equal(sim_timer_sysreg_read(c, CNTPCT, &v), -EPERM);
	assert_int_equal(sim_timer_sysreg_read(c, CNTV_CTL, &v), -EPERM);
	assert_int_equal(sim_timer_sysreg_write(c, CNTP_CVAL, 1), -EPERM);
	assert_int_equal(sim_timer_sysreg_write(c, CNTFRQ, 1), -EPERM);

	c->sysreg[SR_CNTKCTL_EL1] = 1u << 1;			/* EL0VCTEN */
	assert_int_equal(sim_timer_sysreg_read(c, CNTVCT, &v), 0);
	assert_int_equal(sim_timer_sysreg_read(c, CNTFRQ, &v), 0);
	assert_int_equal(v, 62500000);
	assert_int_equal(sim_timer_sysreg_read(c, CNTPCT, &v), -EPERM);
	assert_int_equal(sim_timer_sysreg_write(c, CNTFRQ, 1), -ENOENT);

	c->sysreg[SR_CNTKCTL_EL1] = 1u << 0;			/* EL0PCTEN */
	assert_int_equal(sim_timer_sysreg_read(c, CNTPCT, &v), 0);
	assert_int_equal(sim_timer_sysreg_read(c, CNTFRQ, &v), 0);
	assert_int_equal(sim_timer_sysreg_read(c, CNTVCT, &v), -EPERM);

	c->sysreg[SR_CNTKCTL_EL1] = 1u << 8;			/* EL0VTEN */
	assert_int_equal(sim_timer_sysreg_write(c, CNTV_CVAL, 7), 0);
	assert_int_equal(sim_timer_sysreg_read(c, CNTV_CVAL, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(sim_timer_sysreg_read(c, CNTP_CVAL, &v), -EPERM);

	c->sysreg[SR_CNTKCTL_EL1] = 1u << 9;			/* EL0PTEN */
	assert_int_equal(sim_timer_sysreg_write(c, CNTP_TVAL, 7), 0);
	assert_int_equal(sim_timer_sysreg_read(c, CNTV_TVAL, &v), -EPERM);
	c->el = 1;
}

static void undefined_encodings(void **state)
{
	struct t_machine *t = *state;
	struct sim_cpu *c = t->cpu[0];
	uint64_t v;

	/* Counters are read-only; CNTFRQ is written only by EL2/EL3. */
	assert_int_equal(sim_timer_sysreg_write(c, CNTVCT, 1), -ENOENT);
	assert_int_equal(sim_timer_sysreg_write(c, CNTPCT, 1), -ENOENT);
	assert_int_equal(sim_timer_sysreg_write(c, CNTFRQ, 1), -ENOENT);
	assert_int_equal(rd(c, CNTFRQ), 62500000);
	/* No FEAT_ECV, and not timer registers at all. */
	assert_int_equal(sim_timer_sysreg_read(c, CNTPCTSS, &v), -ENOENT);
	assert_int_equal(sim_timer_sysreg_read(c, T_ICC_PMR, &v), -ENOENT);
	assert_int_equal(sim_timer_sysreg_read(c, T_CNT(2, 3), &v), -ENOENT);
}

static void reset_lowers_the_timer_line(void **state)
{
	struct t_machine *t = *state;
	struct sim_cpu *c = t->cpu[0];

	wr(c, CNTV_CVAL, 0);
	wr(c, CNTV_CTL, 1);
	assert_true(ppi_pending(t, 0, 27));
	sim_cpu_reset(c);			/* the CPU's timer registers go to zero */
	sim_timer_update(c);			/* what the run loop does before running */
	assert_false(ppi_pending(t, 0, 27));
	assert_false(c->timer.v_level);
}

static void timer_write_ends_the_slice(void **state)
{
	struct t_machine *t = *state;
	struct sim_cpu *c = t->cpu[0];

	c->slice = 100;
	wr(c, CNTV_CVAL, 1000);
	assert_int_equal(c->slice, 0);
	c->slice = 100;
	(void)rd(c, CNTV_CVAL);
	assert_int_equal(c->slice, 100);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(counter_follows_virtual_time),
		T(cval_fires_exactly_at_deadline),
		T(tval_is_a_signed_32bit_view),
		T(imask_gates_line_not_istatus),
		T(physical_timer_drives_ppi30),
		T(deadline_rules),
		T(fired_but_not_driven_is_due_now),
		T(el0_access_follows_cntkctl),
		T(undefined_encodings),
		T(reset_lowers_the_timer_line),
		T(timer_write_ends_the_slice),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
