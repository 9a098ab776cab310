// SPDX-License-Identifier: MIT
/*
 * GICv3 interrupt delivery and the ICC_* CPU interface, on CPUs of a real partition:
 * acknowledge/EOI, priority order and ties, preemption, PMR and binary points, EOImode 1
 * with DIR, Group 0 as FIQ, level vs edge, SGI generation and routing, SPI affinity and
 * 1-of-N routing, redistributor sleep, and that irq_line/fiq_line follow the state.
 */
#include <stdlib.h>

#include "sim/gic_test_util.h"

static const unsigned four_cpus[] = { 0, 1, 2, 3 };

struct fx {
	struct t_machine *t;
	struct sim_gic *g;
	struct sim_cpu *c0, *c1, *c2, *c3;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->t = t_machine_new(four_cpus, 4);
	f->g = f->t->p->gic;
	f->c0 = f->t->cpu[0];
	f->c1 = f->t->cpu[1];
	f->c2 = f->t->cpu[2];
	f->c3 = f->t->cpu[3];
	t_gic_bringup(f->t);
	*state = f;
	return 0;
}

static int setup_raw(void **state)
{
	int rc = setup(state);
	struct fx *f = *state;

	/* Undo the bring-up: a GIC as software finds it out of reset. */
	t_mmio_write(f->t, T_GICD, 4, 0);
	for (unsigned i = 0; i < 4; i++) {
		t_mmio_write(f->t, T_RD(i) + 0x14, 4, 2);
		sim_cpu_power_on(f->t->cpu[i], 0, 0);
	}
	return rc;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	t_machine_free(f->t);
	free(f);
	return 0;
}

static unsigned ack1(struct sim_cpu *c)
{
	return (unsigned)t_icc_read(c, T_ICC_IAR1);
}

static void eoi1(struct sim_cpu *c, unsigned intid)
{
	t_icc_write(c, T_ICC_EOIR1, intid);
}

static void set_pending(struct fx *f, unsigned intid)
{
	t_mmio_write(f->t, T_GICD + 0x200 + 4 * (intid / 32), 4, 1u << (intid % 32));
}

static uint32_t sgi_pending(struct fx *f, unsigned cpu)
{
	return (uint32_t)t_mmio_read(f->t, T_SGI(cpu) + 0x200, 4);
}

/* ---- register semantics ---------------------------------------------------------------- */

static void cpuif_reset_values(void **state)
{
	struct fx *f = *state;
	struct sim_cpu *c = f->c2;

	sim_cpu_power_on(c, 0, 0);	/* warm reset of the CPU interface */
	assert_int_equal(t_icc_read(c, T_ICC_PMR), 0);
	assert_int_equal(t_icc_read(c, T_ICC_BPR0), 2);		/* minimum for 5 bits */
	assert_int_equal(t_icc_read(c, T_ICC_BPR1), 3);
	assert_int_equal(t_icc_read(c, T_ICC_CTLR), 4u << 8);	/* PRIbits = 4 */
	assert_int_equal(t_icc_read(c, T_ICC_SRE), 7);
	assert_int_equal(t_icc_read(c, T_ICC_IGRPEN0), 0);
	assert_int_equal(t_icc_read(c, T_ICC_IGRPEN1), 0);
	assert_int_equal(t_icc_read(c, T_ICC_RPR), 0xff);
	assert_int_equal(t_icc_read(c, T_ICC_AP0R0), 0);
	assert_int_equal(t_icc_read(c, T_ICC_AP1R0), 0);
	assert_int_equal(t_icc_read(c, T_ICC_IAR1), 1023);
	assert_int_equal(t_icc_read(c, T_ICC_IAR0), 1023);
	assert_int_equal(t_icc_read(c, T_ICC_HPPIR1), 1023);
	assert_int_equal(t_icc_read(c, T_ICC_HPPIR0), 1023);
}

static void cpuif_register_fields(void **state)
{
	struct fx *f = *state;
	struct sim_cpu *c = f->c0;

	t_icc_write(c, T_ICC_PMR, 0xff);
	assert_int_equal(t_icc_read(c, T_ICC_PMR), 0xf8);
	t_icc_write(c, T_ICC_BPR0, 0);
	assert_int_equal(t_icc_read(c, T_ICC_BPR0), 2);
	t_icc_write(c, T_ICC_BPR0, 0xfd);
	assert_int_equal(t_icc_read(c, T_ICC_BPR0), 5);
	t_icc_write(c, T_ICC_BPR1, 1);
	assert_int_equal(t_icc_read(c, T_ICC_BPR1), 3);
	t_icc_write(c, T_ICC_BPR1, 6);
	assert_int_equal(t_icc_read(c, T_ICC_BPR1), 6);
	/* CBPR: BPR1 reads BPR0 + 1 (saturated) and ignores writes. */
	t_icc_write(c, T_ICC_CTLR, 0xffffffff);
	assert_int_equal(t_icc_read(c, T_ICC_CTLR), (4u << 8) | 3);
	assert_int_equal(t_icc_read(c, T_ICC_BPR1), 6);
	t_icc_write(c, T_ICC_BPR1, 3);
	t_icc_write(c, T_ICC_BPR0, 7);
	assert_int_equal(t_icc_read(c, T_ICC_BPR1), 7);
	t_icc_write(c, T_ICC_CTLR, 0);
	assert_int_equal(t_icc_read(c, T_ICC_BPR1), 6);
	t_icc_write(c, T_ICC_SRE, 0);
	assert_int_equal(t_icc_read(c, T_ICC_SRE), 7);
	t_icc_write(c, T_ICC_IGRPEN1, 0xfe);
	assert_int_equal(t_icc_read(c, T_ICC_IGRPEN1), 0);
	t_icc_write(c, T_ICC_AP1R0, 0x80000001);
	assert_int_equal(t_icc_read(c, T_ICC_AP1R0), 0x80000001);
	assert_int_equal(t_icc_read(c, T_ICC_RPR), 0x00);
	/* Running priority spans both groups' active priorities. */
	t_icc_write(c, T_ICC_AP1R0, 0x80000000);
	assert_int_equal(t_icc_read(c, T_ICC_RPR), 0xf8);
	t_icc_write(c, T_ICC_AP0R0, 0x00000004);
	assert_int_equal(t_icc_read(c, T_ICC_AP0R0), 4);
	assert_int_equal(t_icc_read(c, T_ICC_RPR), 0x10);
}

static void cpuif_undefined_accesses(void **state)
{
	struct fx *f = *state;
	struct sim_cpu *c = f->c0;
	uint64_t v;

	/* Write-only registers cannot be read, read-only ones cannot be written. */
	assert_int_equal(sim_gic_sysreg_read(c, T_ICC_EOIR1, &v), -ENOENT);
	assert_int_equal(sim_gic_sysreg_read(c, T_ICC_DIR, &v), -ENOENT);
	assert_int_equal(sim_gic_sysreg_read(c, T_ICC_SGI1R, &v), -ENOENT);
	assert_int_equal(sim_gic_sysreg_write(c, T_ICC_IAR1, 0), -ENOENT);
	assert_int_equal(sim_gic_sysreg_write(c, T_ICC_RPR, 0), -ENOENT);
	assert_int_equal(sim_gic_sysreg_write(c, T_ICC_HPPIR0, 0), -ENOENT);
	/* AP*R1..3 exist only with 6 or more priority bits. */
	assert_int_equal(sim_gic_sysreg_read(c, T_ICC_AP0R1, &v), -ENOENT);
	assert_int_equal(sim_gic_sysreg_read(c, T_ICC_AP1R1, &v), -ENOENT);
	/* Not a GIC register at all. */
	assert_int_equal(sim_gic_sysreg_read(c, T_SYS(3, 0, 1, 0, 0), &v), -ENOENT);
	/* EL0 has no access to any ICC_*_EL1 register. */
	c->el = 0;
	assert_int_equal(sim_gic_sysreg_read(c, T_ICC_PMR, &v), -ENOENT);
	assert_int_equal(sim_gic_sysreg_write(c, T_ICC_SGI1R, 0), -ENOENT);
	c->el = 1;
	assert_int_equal(sim_gic_sysreg_read(c, T_ICC_PMR, &v), 0);
}

static void cpuif_absent_without_gic(void **state)
{
	struct sim_machine_config mc = { .seed = 1, .max_cpus = 1 };
	struct sim_part_config pc = { .vmid = 1 };
	struct sim_machine *m;
	struct sim_part *p;
	struct sim_cpu *c;
	uint64_t v;

	assert_int_equal(sim_machine_create(&mc, &m), 0);
	assert_int_equal(sim_part_create(m, &pc, &p), 0);
	assert_int_equal(sim_cpu_create(p, 0, &c), 0);
	assert_int_equal(sim_gic_sysreg_read(c, T_ICC_SRE, &v), -ENOENT);
	assert_int_equal(sim_gic_sysreg_write(c, T_ICC_PMR, 0xf0), -ENOENT);
	c->irq_line = true;
	sim_gic_update_cpu(c);
	assert_false(c->irq_line);
	sim_machine_destroy(m);
}

/* ---- acknowledge, EOI, priorities ------------------------------------------------------- */

static void level_spi_ack_eoi_cycle(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 40, 0x80, 0);
	assert_false(f->c0->irq_line);
	assert_int_equal(sim_gic_set_level(f->g, 40, true, 0), 0);
	assert_true(f->c0->irq_line);
	assert_false(f->c0->fiq_line);
	assert_false(f->c1->irq_line);
	assert_int_equal(t_icc_read(f->c0, T_ICC_HPPIR1), 40);
	assert_int_equal(t_icc_read(f->c0, T_ICC_HPPIR0), 1023);

	assert_int_equal(ack1(f->c0), 40);
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0x80);
	assert_int_equal(t_icc_read(f->c0, T_ICC_AP1R0), 1u << 16);
	/* Active and still pending (the line is high), but not signalled again. */
	assert_false(f->c0->irq_line);
	assert_true(t_spi_active(f->t, 40));
	assert_true(t_spi_pending(f->t, 40));
	assert_int_equal(ack1(f->c0), 1023);

	eoi1(f->c0, 40);
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0xff);
	assert_int_equal(t_icc_read(f->c0, T_ICC_AP1R0), 0);
	assert_false(t_spi_active(f->t, 40));
	assert_true(f->c0->irq_line);		/* level still high: pending again */

	assert_int_equal(sim_gic_set_level(f->g, 40, false, 0), 0);
	assert_false(f->c0->irq_line);
	assert_false(t_spi_pending(f->t, 40));
	assert_int_equal(ack1(f->c0), 1023);
}

static void priority_order_and_ties(void **state)
{
	struct fx *f = *state;
	static const unsigned expect[] = { 20, 41, 42, 40, 43, 1023 };

	t_spi_setup(f->t, 40, 0x80, 0);
	t_spi_setup(f->t, 41, 0x40, 0);
	t_spi_setup(f->t, 42, 0x40, 0);
	t_spi_setup(f->t, 43, 0xc0, 0);
	t_ppi_setup(f->t, 0, 20, 0x40);
	for (unsigned i = 40; i <= 43; i++)
		set_pending(f, i);
	t_mmio_write(f->t, T_SGI(0) + 0x200, 4, 1u << 20);
	/* Highest priority first; equal priorities go to the lowest INTID. */
	for (unsigned i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		unsigned intid = ack1(f->c0);

		assert_int_equal(intid, expect[i]);
		if (intid != 1023)
			eoi1(f->c0, intid);
	}
	assert_false(f->c0->irq_line);
}

static void higher_priority_preempts(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 40, 0xa0, 0);
	t_spi_setup(f->t, 41, 0x40, 0);
	t_spi_setup(f->t, 42, 0x60, 0);
	t_spi_setup(f->t, 43, 0xa0, 0);
	set_pending(f, 40);
	assert_int_equal(ack1(f->c0), 40);
	assert_false(f->c0->irq_line);

	set_pending(f, 43);			/* same priority: no preemption */
	assert_false(f->c0->irq_line);
	set_pending(f, 41);			/* higher: preempts */
	assert_true(f->c0->irq_line);
	assert_int_equal(ack1(f->c0), 41);
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0x40);
	assert_int_equal(t_icc_read(f->c0, T_ICC_AP1R0), (1u << 20) | (1u << 8));

	set_pending(f, 42);			/* between the two: waits */
	assert_false(f->c0->irq_line);
	assert_int_equal(ack1(f->c0), 1023);
	assert_int_equal(t_icc_read(f->c0, T_ICC_HPPIR1), 42);

	eoi1(f->c0, 41);			/* back to 0xa0: now 0x60 preempts */
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0xa0);
	assert_true(f->c0->irq_line);
	assert_int_equal(ack1(f->c0), 42);
	eoi1(f->c0, 42);
	assert_false(f->c0->irq_line);		/* 43 equals the running priority */
	eoi1(f->c0, 40);
	assert_true(f->c0->irq_line);
	assert_int_equal(ack1(f->c0), 43);
	eoi1(f->c0, 43);
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0xff);
	assert_false(t_spi_active(f->t, 40) || t_spi_active(f->t, 41) ||
		     t_spi_active(f->t, 42) || t_spi_active(f->t, 43));
}

static void pmr_masks_equal_and_lower_priorities(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 40, 0x80, 0);
	set_pending(f, 40);
	t_icc_write(f->c0, T_ICC_PMR, 0x80);
	assert_false(f->c0->irq_line);
	assert_int_equal(ack1(f->c0), 1023);
	assert_int_equal(t_icc_read(f->c0, T_ICC_HPPIR1), 40);	/* HPPIR ignores PMR */
	t_icc_write(f->c0, T_ICC_PMR, 0x88);
	assert_true(f->c0->irq_line);
	t_icc_write(f->c0, T_ICC_PMR, 0);
	assert_false(f->c0->irq_line);
	t_icc_write(f->c0, T_ICC_PMR, 0xf8);
	assert_true(f->c0->irq_line);
	assert_int_equal(ack1(f->c0), 40);
}

static void binary_point_limits_preemption(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 40, 0x40, 0);
	t_spi_setup(f->t, 41, 0x20, 0);
	/* BPR1 = 7: group priority is bit 7 only, so 0x20 and 0x40 are one group. */
	t_icc_write(f->c0, T_ICC_BPR1, 7);
	set_pending(f, 40);
	assert_int_equal(ack1(f->c0), 40);
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0x00);
	assert_int_equal(t_icc_read(f->c0, T_ICC_AP1R0), 1);
	set_pending(f, 41);
	assert_false(f->c0->irq_line);
	eoi1(f->c0, 40);
	assert_true(f->c0->irq_line);
	assert_int_equal(ack1(f->c0), 41);
	eoi1(f->c0, 41);

	/* Reset BPR1 (3): every implemented bit counts, 0x20 preempts 0x40. */
	t_icc_write(f->c0, T_ICC_BPR1, 0);
	set_pending(f, 40);
	assert_int_equal(ack1(f->c0), 40);
	set_pending(f, 41);
	assert_true(f->c0->irq_line);
	assert_int_equal(ack1(f->c0), 41);
	eoi1(f->c0, 41);
	eoi1(f->c0, 40);

	/* CBPR: Group 1 uses BPR0, group priority [7:BPR0+1]; BPR0 = 6 keeps bit 7. */
	t_icc_write(f->c0, T_ICC_CTLR, 1);
	t_icc_write(f->c0, T_ICC_BPR0, 6);
	set_pending(f, 40);
	assert_int_equal(ack1(f->c0), 40);
	set_pending(f, 41);
	assert_false(f->c0->irq_line);
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0x00);
}

static void eoimode1_splits_drop_and_deactivation(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 41, 0x80, 0);
	t_mmio_write(f->t, T_GICD + 0xc08, 4, 2u << 18);	/* INTID 41 edge */
	t_icc_write(f->c0, T_ICC_CTLR, 2);
	assert_int_equal(t_icc_read(f->c0, T_ICC_CTLR), (4u << 8) | 2);
	sim_gic_set_level(f->g, 41, true, 0);
	sim_gic_set_level(f->g, 41, false, 0);
	assert_int_equal(ack1(f->c0), 41);
	eoi1(f->c0, 41);
	/* Priority dropped, interrupt still active. */
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0xff);
	assert_true(t_spi_active(f->t, 41));
	sim_gic_set_level(f->g, 41, true, 0);		/* new edge while active */
	assert_false(f->c0->irq_line);
	t_icc_write(f->c0, T_ICC_DIR, 41);
	assert_false(t_spi_active(f->t, 41));
	assert_true(f->c0->irq_line);

	/* With EOImode 0, DIR is ignored and EOIR deactivates. */
	t_icc_write(f->c0, T_ICC_CTLR, 0);
	assert_int_equal(ack1(f->c0), 41);
	t_icc_write(f->c0, T_ICC_DIR, 41);
	assert_true(t_spi_active(f->t, 41));
	eoi1(f->c0, 41);
	assert_false(t_spi_active(f->t, 41));
	/* DIR of an INTID that does not exist, or a special one: nothing happens. */
	t_icc_write(f->c0, T_ICC_CTLR, 2);
	t_icc_write(f->c0, T_ICC_DIR, 500);
	t_icc_write(f->c0, T_ICC_DIR, 1023);
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0xff);
}

static void eoi_ignored_cases(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 40, 0x80, 0);
	set_pending(f, 40);
	eoi1(f->c0, 40);			/* nothing active: ignored */
	assert_true(t_spi_pending(f->t, 40));
	assert_int_equal(ack1(f->c0), 40);
	eoi1(f->c0, 1023);			/* spurious INTID: no drop */
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0x80);
	t_icc_write(f->c0, T_ICC_EOIR0, 40);	/* wrong group: no drop */
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0x80);
	assert_true(t_spi_active(f->t, 40));
	eoi1(f->c0, 40);
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0xff);
	assert_false(t_spi_active(f->t, 40));
}

/* Group 1 interrupt A active, Group 0 interrupt B preempted it: EOIs must nest. */
static void eoi_group_must_match_highest_active(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 40, 0x40, 0);				/* B */
	t_spi_setup(f->t, 41, 0x80, 0);				/* A */
	t_mmio_write(f->t, T_GICD + 0x084, 4, ~(1u << 8));	/* B -> Group 0 */
	set_pending(f, 41);
	assert_int_equal(ack1(f->c0), 41);
	set_pending(f, 40);
	assert_true(f->c0->fiq_line);
	assert_int_equal(t_icc_read(f->c0, T_ICC_IAR0), 40);
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0x40);

	eoi1(f->c0, 41);		/* highest active is Group 0: ignored entirely */
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0x40);
	assert_true(t_spi_active(f->t, 41));
	/* EOIR0 naming the Group 1 INTID drops B's priority but deactivates nothing. */
	t_icc_write(f->c0, T_ICC_EOIR0, 41);
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0x80);
	assert_true(t_spi_active(f->t, 41));
	assert_true(t_spi_active(f->t, 40));
	eoi1(f->c0, 41);
	assert_int_equal(t_icc_read(f->c0, T_ICC_RPR), 0xff);
	assert_false(t_spi_active(f->t, 41));
	assert_true(t_spi_active(f->t, 40));
}

static void group0_is_fiq(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 40, 0x80, 0);
	t_mmio_write(f->t, T_GICD + 0x084, 4, ~(1u << 8));	/* INTID 40 -> Group 0 */
	set_pending(f, 40);
	assert_true(f->c0->fiq_line);
	assert_false(f->c0->irq_line);
	assert_int_equal(t_icc_read(f->c0, T_ICC_HPPIR1), 1023);
	assert_int_equal(t_icc_read(f->c0, T_ICC_HPPIR0), 40);
	assert_int_equal(ack1(f->c0), 1023);
	assert_int_equal(t_icc_read(f->c0, T_ICC_IAR0), 40);
	assert_false(f->c0->fiq_line);
	assert_int_equal(t_icc_read(f->c0, T_ICC_AP0R0), 1u << 16);
	assert_int_equal(t_icc_read(f->c0, T_ICC_AP1R0), 0);
	eoi1(f->c0, 40);			/* EOIR1 cannot end a Group 0 interrupt */
	assert_true(t_spi_active(f->t, 40));
	t_icc_write(f->c0, T_ICC_EOIR0, 40);
	assert_false(t_spi_active(f->t, 40));
	/* Group 0 disabled at the CPU interface: not signalled, not the HPPI. */
	set_pending(f, 40);
	t_icc_write(f->c0, T_ICC_IGRPEN0, 0);
	assert_false(f->c0->fiq_line);
	assert_int_equal(t_icc_read(f->c0, T_ICC_HPPIR0), 1023);
	t_icc_write(f->c0, T_ICC_IGRPEN0, 1);
	assert_true(f->c0->fiq_line);
}

static void disabled_group_does_not_block_other_group(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 40, 0x20, 0);
	t_spi_setup(f->t, 41, 0x80, 0);
	t_mmio_write(f->t, T_GICD + 0x084, 4, ~(1u << 8));	/* 40 in Group 0 */
	set_pending(f, 40);
	set_pending(f, 41);
	assert_int_equal(ack1(f->c0), 1023);	/* the HPPI is Group 0 */
	t_icc_write(f->c0, T_ICC_IGRPEN0, 0);
	assert_true(f->c0->irq_line);
	assert_int_equal(ack1(f->c0), 41);
}

static void distributor_group_enables_gate_delivery(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 40, 0x80, 0);
	t_ppi_setup(f->t, 0, 25, 0x80);
	set_pending(f, 40);
	t_mmio_write(f->t, T_SGI(0) + 0x200, 4, 1u << 25);
	t_mmio_write(f->t, T_GICD, 4, 0x1);	/* Group 1 off: SPIs and PPIs alike */
	assert_false(f->c0->irq_line);
	assert_int_equal(ack1(f->c0), 1023);
	t_mmio_write(f->t, T_GICD, 4, 0x2);
	assert_true(f->c0->irq_line);
	assert_int_equal(ack1(f->c0), 25);
}

/* ---- level and edge ------------------------------------------------------------------------- */

static void edge_latches_level_follows_line(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 40, 0x80, 0);
	t_spi_setup(f->t, 41, 0x80, 0);
	t_mmio_write(f->t, T_GICD + 0xc08, 4, 2u << 18);	/* 41 edge, 40 level */

	sim_gic_set_level(f->g, 40, true, 0);
	sim_gic_set_level(f->g, 40, false, 0);
	assert_false(t_spi_pending(f->t, 40));
	assert_false(f->c0->irq_line);

	sim_gic_set_level(f->g, 41, true, 0);
	sim_gic_set_level(f->g, 41, false, 0);
	assert_true(t_spi_pending(f->t, 41));
	assert_true(f->c0->irq_line);
	sim_gic_set_level(f->g, 41, false, 0);	/* no edge: nothing new */
	assert_int_equal(ack1(f->c0), 41);
	assert_false(t_spi_pending(f->t, 41));
	sim_gic_set_level(f->g, 41, true, 0);	/* an edge while active */
	sim_gic_set_level(f->g, 41, true, 0);	/* holding high is not another edge */
	assert_true(t_spi_pending(f->t, 41) && t_spi_active(f->t, 41));
	eoi1(f->c0, 41);
	assert_true(f->c0->irq_line);
	assert_int_equal(ack1(f->c0), 41);
	eoi1(f->c0, 41);
	assert_false(f->c0->irq_line);
	assert_false(t_spi_pending(f->t, 41));
}

static void software_pending_on_level_interrupt(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 40, 0x80, 0);
	set_pending(f, 40);			/* line low: pending until acknowledged */
	assert_true(f->c0->irq_line);
	assert_int_equal(ack1(f->c0), 40);
	assert_false(t_spi_pending(f->t, 40));
	eoi1(f->c0, 40);
	assert_false(f->c0->irq_line);
	/* ICPENDR cannot clear what the line keeps asserting. */
	sim_gic_set_level(f->g, 40, true, 0);
	t_mmio_write(f->t, T_GICD + 0x284, 4, 1u << 8);
	assert_true(t_spi_pending(f->t, 40));
	assert_true(f->c0->irq_line);
	/* ICFGR switched to edge: the held line no longer counts as pending. */
	t_mmio_write(f->t, T_GICD + 0xc08, 4, 2u << 16);
	assert_false(t_spi_pending(f->t, 40));
	assert_false(f->c0->irq_line);
}

/* ---- SGIs --------------------------------------------------------------------------------- */

static void sgi_target_list_and_all_but_self(void **state)
{
	struct fx *f = *state;

	for (unsigned i = 0; i < 4; i++)
		t_ppi_setup(f->t, i, 5, 0x80);
	/* INTID 5 to Aff0 1 and 2 of cluster 0.0.0. */
	t_icc_write(f->c0, T_ICC_SGI1R, (5ull << 24) | 0x6);
	assert_int_equal(sgi_pending(f, 0), 0);
	assert_int_equal(sgi_pending(f, 1), 1u << 5);
	assert_int_equal(sgi_pending(f, 2), 1u << 5);
	assert_int_equal(sgi_pending(f, 3), 0);
	assert_false(f->c0->irq_line);
	assert_true(f->c1->irq_line && f->c2->irq_line);
	assert_false(f->c3->irq_line);
	assert_int_equal(ack1(f->c1), 5);
	assert_false(f->c1->irq_line);
	eoi1(f->c1, 5);

	/* IRM: every CPU but the sender, whatever the target list says. */
	t_icc_write(f->c3, T_ICC_SGI1R, (1ull << 40) | (7ull << 24) | 0x8);
	assert_int_equal(sgi_pending(f, 0), 1u << 7);
	assert_int_equal(sgi_pending(f, 1), 1u << 7);
	assert_int_equal(sgi_pending(f, 2), (1u << 5) | (1u << 7));
	assert_int_equal(sgi_pending(f, 3), 0);
	/* SGI 7 is disabled: pending but not signalled. */
	assert_false(f->c0->irq_line);

	/* A target list naming the sender reaches it. */
	t_icc_write(f->c3, T_ICC_SGI1R, (5ull << 24) | 0x8);
	assert_int_equal(sgi_pending(f, 3), 1u << 5);
	assert_true(f->c3->irq_line);
}

static void sgi_group_per_register(void **state)
{
	struct fx *f = *state;
	uint64_t to_cpu1_sgi3 = (3ull << 24) | 0x2, to_cpu1_sgi4 = (4ull << 24) | 0x2;

	t_mmio_write(f->t, T_SGI(1) + 0x080, 4, ~(1u << 3));	/* SGI 3 -> Group 0 */
	/* SGI1R sets either group (GICD_CTLR.DS == 1). */
	t_icc_write(f->c0, T_ICC_SGI1R, to_cpu1_sgi3);
	assert_int_equal(sgi_pending(f, 1), 1u << 3);
	t_mmio_write(f->t, T_SGI(1) + 0x280, 4, ~0u);
	/* SGI0R and ASGI1R set Group 0 SGIs only. */
	t_icc_write(f->c0, T_ICC_SGI0R, to_cpu1_sgi4);
	assert_int_equal(sgi_pending(f, 1), 0);
	t_icc_write(f->c0, T_ICC_SGI0R, to_cpu1_sgi3);
	assert_int_equal(sgi_pending(f, 1), 1u << 3);
	t_mmio_write(f->t, T_SGI(1) + 0x280, 4, ~0u);
	t_icc_write(f->c0, T_ICC_ASGI1R, to_cpu1_sgi4);
	assert_int_equal(sgi_pending(f, 1), 0);
	t_icc_write(f->c0, T_ICC_ASGI1R, to_cpu1_sgi3);
	assert_int_equal(sgi_pending(f, 1), 1u << 3);
	/* SGIs are edge-only: ICPENDR clears them. */
	t_mmio_write(f->t, T_SGI(1) + 0x280, 4, 1u << 3);
	assert_int_equal(sgi_pending(f, 1), 0);
}

static void sgi_cluster_affinity_and_range(void **state)
{
	static const unsigned idx[] = { 0, 1, 16, 17 };
	struct t_machine *t = t_machine_new(idx, 4);
	struct sim_cpu *c0 = t->cpu[0];

	/* Aff1 = 1, TargetList bit 1: index 17 only. */
	t_icc_write(c0, T_ICC_SGI1R, (2ull << 24) | (1ull << 16) | 0x2);
	assert_int_equal(t_mmio_read(t, T_SGI(17) + 0x200, 4), 1u << 2);
	assert_int_equal(t_mmio_read(t, T_SGI(16) + 0x200, 4), 0);
	assert_int_equal(t_mmio_read(t, T_SGI(1) + 0x200, 4), 0);
	/* Aff1 = 0, same list: index 1 only. */
	t_icc_write(c0, T_ICC_SGI1R, (3ull << 24) | 0x2);
	assert_int_equal(t_mmio_read(t, T_SGI(1) + 0x200, 4), 1u << 3);
	assert_int_equal(t_mmio_read(t, T_SGI(17) + 0x200, 4), 1u << 2);
	/* RS = 1 names Aff0 16..31: nobody here. Aff2 = 1: nobody. */
	t_icc_write(c0, T_ICC_SGI1R, (1ull << 44) | (4ull << 24) | 0xffff);
	t_icc_write(c0, T_ICC_SGI1R, (1ull << 32) | (4ull << 24) | 0xffff);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(t_mmio_read(t, T_SGI(idx[i]) + 0x200, 4) & (1u << 4), 0);
	t_machine_free(t);
}

/* ---- SPI routing ---------------------------------------------------------------------------- */

static void spi_affinity_routing(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 50, 0x80, 2);
	set_pending(f, 50);
	assert_true(f->c2->irq_line);
	assert_false(f->c0->irq_line || f->c1->irq_line || f->c3->irq_line);
	assert_int_equal(ack1(f->c0), 1023);
	/* Re-routing moves the output. */
	t_mmio_write(f->t, T_GICD + 0x6000 + 8 * 50, 8, 3);
	assert_false(f->c2->irq_line);
	assert_true(f->c3->irq_line);
	/* An affinity nobody has: stays pending, nobody is signalled. */
	t_mmio_write(f->t, T_GICD + 0x6000 + 8 * 50, 8, 0x100);
	assert_false(f->c0->irq_line || f->c1->irq_line || f->c2->irq_line ||
		     f->c3->irq_line);
	assert_true(t_spi_pending(f->t, 50));
}

static void one_of_n_picks_lowest_eligible(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 60, 0x80, 1ull << 31);
	set_pending(f, 60);
	assert_true(f->c0->irq_line);
	assert_false(f->c1->irq_line || f->c2->irq_line || f->c3->irq_line);
	t_icc_write(f->c0, T_ICC_IGRPEN1, 0);		/* CPU 0 opts out */
	assert_false(f->c0->irq_line);
	assert_true(f->c1->irq_line);
	t_mmio_write(f->t, T_RD(1) + 0x14, 4, 2);	/* CPU 1's redistributor sleeps */
	assert_false(f->c1->irq_line);
	assert_true(f->c2->irq_line);
	sim_cpu_power_off(f->c2);			/* CPU 2 goes off */
	sim_gic_update_cpu(f->c2);
	assert_true(f->c3->irq_line);
	assert_int_equal(ack1(f->c3), 60);
	assert_false(f->c3->irq_line);
	/* Active: nobody else gets it either. */
	t_icc_write(f->c0, T_ICC_IGRPEN1, 1);
	assert_false(f->c0->irq_line);
	eoi1(f->c3, 60);
	assert_false(t_spi_active(f->t, 60));
}

static void sleeping_redistributor_forwards_nothing(void **state)
{
	struct fx *f = *state;

	t_ppi_setup(f->t, 1, 23, 0x80);
	t_mmio_write(f->t, T_RD(1) + 0x14, 4, 2);
	assert_int_equal(sim_part_set_irq(f->t->p, 23, true, 1), 0);
	assert_false(f->c1->irq_line);
	assert_int_equal(t_icc_read(f->c1, T_ICC_HPPIR1), 1023);
	assert_int_equal(ack1(f->c1), 1023);
	t_mmio_write(f->t, T_RD(1) + 0x14, 4, 0);
	assert_true(f->c1->irq_line);
	assert_int_equal(ack1(f->c1), 23);
}

/* ---- lines from devices, outputs ------------------------------------------------------------ */

static void ppi_lines_are_per_cpu(void **state)
{
	struct fx *f = *state;

	t_ppi_setup(f->t, 1, 23, 0x80);
	t_ppi_setup(f->t, 2, 23, 0x80);
	assert_int_equal(sim_part_set_irq(f->t->p, 23, true, 1), 0);
	assert_true(f->c1->irq_line);
	assert_false(f->c2->irq_line);
	assert_int_equal(t_mmio_read(f->t, T_SGI(1) + 0x200, 4), 1u << 23);
	assert_int_equal(t_mmio_read(f->t, T_SGI(2) + 0x200, 4), 0);
	assert_int_equal(sim_part_set_irq(f->t->p, 23, false, 1), 0);
	assert_false(f->c1->irq_line);
	/* Errors: SGIs have no lines, INTIDs beyond the SPIs, CPUs that do not exist. */
	assert_int_equal(sim_gic_set_level(f->g, 5, true, 0), -EINVAL);
	assert_int_equal(sim_gic_set_level(f->g, 96, true, 0), -EINVAL);
	assert_int_equal(sim_gic_set_level(f->g, 1020, true, 0), -EINVAL);
	assert_int_equal(sim_gic_set_level(f->g, 95, true, 0), 0);
	assert_int_equal(sim_gic_set_level(f->g, 23, true, 9), -ENOENT);
	assert_int_equal(sim_gic_set_level(f->g, 23, true, 1000), -ENOENT);
}

static void line_change_raises_event_and_stops_slice(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 40, 0x80, 0);
	f->c0->events = 0;
	f->c0->slice = 100;
	f->c1->events = 0;
	f->c1->slice = 100;
	sim_gic_set_level(f->g, 40, true, 0);
	assert_true(f->c0->irq_line);
	assert_int_equal(f->c0->events & SIM_EV_IRQ_CHECK, SIM_EV_IRQ_CHECK);
	assert_int_equal(f->c0->slice, 0);
	/* CPUs whose output did not change are left alone. */
	assert_int_equal(f->c1->events, 0);
	assert_int_equal(f->c1->slice, 100);
	f->c0->events = 0;
	f->c0->slice = 100;
	t_icc_write(f->c0, T_ICC_PMR, 0xf0);	/* no change of output */
	assert_int_equal(f->c0->events, 0);
	assert_int_equal(f->c0->slice, 100);
	assert_int_equal(ack1(f->c0), 40);
	assert_false(f->c0->irq_line);
	assert_int_equal(f->c0->events & SIM_EV_IRQ_CHECK, SIM_EV_IRQ_CHECK);
}

static void out_of_reset_nothing_is_delivered(void **state)
{
	struct fx *f = *state;

	t_spi_setup(f->t, 40, 0x80, 0);
	set_pending(f, 40);
	assert_false(f->c0->irq_line);		/* groups off, redistributor asleep, PMR 0 */
	t_mmio_write(f->t, T_GICD, 4, 0x2);
	t_mmio_write(f->t, T_RD(0) + 0x14, 4, 0);
	t_icc_write(f->c0, T_ICC_IGRPEN1, 1);
	assert_false(f->c0->irq_line);		/* PMR 0 masks everything */
	t_icc_write(f->c0, T_ICC_PMR, 0xff);
	assert_true(f->c0->irq_line);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(cpuif_reset_values),
		T(cpuif_register_fields),
		T(cpuif_undefined_accesses),
		cmocka_unit_test(cpuif_absent_without_gic),
		T(level_spi_ack_eoi_cycle),
		T(priority_order_and_ties),
		T(higher_priority_preempts),
		T(pmr_masks_equal_and_lower_priorities),
		T(binary_point_limits_preemption),
		T(eoimode1_splits_drop_and_deactivation),
		T(eoi_ignored_cases),
		T(eoi_group_must_match_highest_active),
		T(group0_is_fiq),
		T(disabled_group_does_not_block_other_group),
		T(distributor_group_enables_gate_delivery),
		T(edge_latches_level_follows_line),
		T(software_pending_on_level_interrupt),
		T(sgi_target_list_and_all_but_self),
		T(sgi_group_per_register),
		cmocka_unit_test(sgi_cluster_affinity_and_range),
		T(spi_affinity_routing),
		T(one_of_n_picks_lowest_eligible),
		T(sleeping_redistributor_forwards_nothing),
		T(ppi_lines_are_per_cpu),
		T(line_change_raises_event_and_stops_slice),
		cmocka_unit_test_setup_teardown(out_of_reset_nothing_is_delivered, setup_raw,
						teardown),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
