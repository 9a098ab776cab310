// SPDX-License-Identifier: MIT
/*
 * The timer and the GIC seen from guest code run by sim_cpu_run(): the virtual timer's
 * IRQ is taken at the instruction boundary where the counter reaches CVAL (not one tick
 * earlier), through the GIC (ICC_IAR1 gives INTID 27), both while the CPU spins and
 * after it idles in WFI and the caller skips time to sim_machine_next_deadline().
 *
 * The guest code, assembled once with aarch64-linux-gnu-as (MMU off, EL1h):
 *   0x00  adr  x0, vectors              ; vectors at +0x800
 *   0x04  msr  vbar_el1, x0
 *   0x08  mov  x0, #0xf0
 *   0x0c  msr  icc_pmr_el1, x0
 *   0x10  mov  x0, #1
 *   0x14  msr  icc_igrpen1_el1, x0
 *   0x18  mov  x0, #100
 *   0x1c  msr  cntv_cval_el0, x0
 *   0x20  mov  x0, #1
 *   0x24  msr  cntv_ctl_el0, x0
 *   0x28  msr  daifclr, #2
 *   0x2c  b    .                        ; or wfi, then b . at 0x30
 * IRQ, current EL with SPx (vectors + 0x280):
 *   0xa80 mrs  x1, cntvct_el0
 *   0xa84 mrs  x2, icc_iar1_el1
 *   0xa88 mrs  x3, elr_el1
 *   0xa8c msr  icc_eoir1_el1, x2
 *   0xa90 mrs  x4, icc_rpr_el1
 *   0xa94 hvc  #0
 */
#include <stdlib.h>

#include "sim/gic_test_util.h"

#define RAM	0x40000000ull

static const uint32_t main_code[] = {
	0x10004000, 0xd518c000, 0xd2801e00, 0xd5184600, 0xd2800020, 0xd518cce0,
	0xd2800c80, 0xd51be340, 0xd2800020, 0xd51be320, 0xd50342ff, 0x14000000,
};
static const uint32_t irq_handler[] = {
	0xd53be041, 0xd538cc02, 0xd5384023, 0xd518cc22, 0xd538cb64, 0xd4000002,
};
#define INSN_WFI	0xd503207fu
#define INSN_B_SELF	0x14000000u

static struct t_machine *boot(bool wfi)
{
	static const unsigned cpu0[] = { 0 };
	struct t_machine *t = t_machine_new(cpu0, 1);
	uint32_t tail[2] = { INSN_WFI, INSN_B_SELF };

	assert_int_equal(sim_machine_add_ram(t->m, RAM, 0x10000), 0);
	assert_int_equal(sim_phys_write(t->m, RAM, main_code, sizeof(main_code)), 0);
	if (wfi)
		assert_int_equal(sim_phys_write(t->m, RAM + 0x2c, tail, sizeof(tail)), 0);
	assert_int_equal(sim_phys_write(t->m, RAM + 0xa80, irq_handler, sizeof(irq_handler)), 0);
	/* What firmware or the driver's MMIO part would do: groups on, redistributor awake,
	 * PPI 27 enabled at priority 0x80. */
	t_mmio_write(t, T_GICD, 4, 0x2);
	t_mmio_write(t, T_RD(0) + 0x14, 4, 0);
	t_ppi_setup(t, 0, 27, 0x80);
	sim_cpu_power_on(t->cpu[0], RAM, 0);
	return t;
}

static void expect_timer_irq(struct t_machine *t, uint64_t elr)
{
	struct sim_cpu *c = t->cpu[0];
	struct sim_exit x;

	assert_int_equal(sim_cpu_run(c, 100000, &x), 0);
	assert_int_equal(x.kind, SIM_EXIT_HVC);
	assert_int_equal(c->x[2], 27);		/* acknowledged through the GIC */
	assert_int_equal(c->x[1], 100);		/* taken at CNTVCT == CVAL exactly */
	assert_int_equal(c->x[3], elr);
	assert_int_equal(c->x[4], 0xff);	/* EOI dropped the running priority */
	/* The handler did not re-arm the timer: its level is still high, so after the EOI
	 * the PPI is pending again and the CPU interface signals it. */
	assert_true(c->irq_line);
	assert_true(c->timer.v_level);
}

static void spinning_cpu_takes_timer_irq_at_deadline(void **state)
{
	struct t_machine *t = boot(false);

	expect_timer_irq(t, RAM + 0x2c);
	t_machine_free(t);
}

static void idle_cpu_wakes_at_next_deadline(void **state)
{
	struct t_machine *t = boot(true);
	struct sim_cpu *c = t->cpu[0];
	struct sim_exit x;
	uint64_t deadline;

	assert_int_equal(sim_cpu_run(c, 100000, &x), 0);
	assert_int_equal(x.kind, SIM_EXIT_WFI);
	deadline = sim_machine_next_deadline(t->m);
	assert_int_equal(deadline, 100 * 16);
	assert_true(sim_machine_now_ns(t->m) < deadline);
	assert_false(c->irq_line);
	sim_machine_advance_to(t->m, deadline - 1);
	assert_false(c->irq_line);
	sim_machine_advance_to(t->m, deadline);
	assert_true(c->irq_line);
	expect_timer_irq(t, RAM + 0x30);
	t_machine_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spinning_cpu_takes_timer_irq_at_deadline),
		cmocka_unit_test(idle_cpu_wakes_at_next_deadline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
