/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture of the GIC and timer unit tests: a machine with one partition whose
 * GICv3 sits where QEMU's virt board puts it, CPUs 0..n-1 powered on, and helpers that
 * reach the GIC only through its public seams: the MMIO handlers the partition
 * registered (looked up by address, as the memory path does) and the ICC_* / CNT*
 * system-register entry points sysreg.c calls. Encodings below are written from the
 * Arm ARM independently of the implementation's tables.
 */
#ifndef AVF_SIM_GIC_TEST_UTIL_H
#define AVF_SIM_GIC_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/internal.h"

#define T_GICD		0x08000000ull
#define T_GICR		0x080a0000ull
#define T_RD(cpu)	(T_GICR + (uint64_t)(cpu) * 0x20000)
#define T_SGI(cpu)	(T_RD(cpu) + 0x10000)
#define T_NR_SPIS	64u

/* ICC_* encodings (op0 3, op1 0): SIM_REG_SYS without the tag. */
#define T_SYS(op0, op1, crn, crm, op2) \
	(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))
#define T_ICC_PMR	T_SYS(3, 0, 4, 6, 0)
#define T_ICC_IAR0	T_SYS(3, 0, 12, 8, 0)
#define T_ICC_EOIR0	T_SYS(3, 0, 12, 8, 1)
#define T_ICC_HPPIR0	T_SYS(3, 0, 12, 8, 2)
#define T_ICC_BPR0	T_SYS(3, 0, 12, 8, 3)
#define T_ICC_AP0R0	T_SYS(3, 0, 12, 8, 4)
#define T_ICC_AP0R1	T_SYS(3, 0, 12, 8, 5)
#define T_ICC_AP1R0	T_SYS(3, 0, 12, 9, 0)
#define T_ICC_AP1R1	T_SYS(3, 0, 12, 9, 1)
#define T_ICC_DIR	T_SYS(3, 0, 12, 11, 1)
#define T_ICC_RPR	T_SYS(3, 0, 12, 11, 3)
#define T_ICC_SGI1R	T_SYS(3, 0, 12, 11, 5)
#define T_ICC_ASGI1R	T_SYS(3, 0, 12, 11, 6)
#define T_ICC_SGI0R	T_SYS(3, 0, 12, 11, 7)
#define T_ICC_IAR1	T_SYS(3, 0, 12, 12, 0)
#define T_ICC_EOIR1	T_SYS(3, 0, 12, 12, 1)
#define T_ICC_HPPIR1	T_SYS(3, 0, 12, 12, 2)
#define T_ICC_BPR1	T_SYS(3, 0, 12, 12, 3)
#define T_ICC_CTLR	T_SYS(3, 0, 12, 12, 4)
#define T_ICC_SRE	T_SYS(3, 0, 12, 12, 5)
#define T_ICC_IGRPEN0	T_SYS(3, 0, 12, 12, 6)
#define T_ICC_IGRPEN1	T_SYS(3, 0, 12, 12, 7)

struct t_machine {
	struct sim_machine *m;
	struct sim_part *p;
	struct sim_cpu *cpu[8];
	unsigned nr;
};

/* Machine with CPUs of the given indices (all powered on at PC 0). */
static inline struct t_machine *t_machine_new(const unsigned *indices, unsigned nr)
{
	struct sim_machine_config mc = { .seed = 1, .max_cpus = 0 };
	struct sim_part_config pc = { .vmid = 1, .gicd_base = T_GICD, .gicr_base = T_GICR,
				      .nr_spis = T_NR_SPIS };
	struct t_machine *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	assert_int_equal(sim_machine_create(&mc, &t->m), 0);
	assert_int_equal(sim_part_create(t->m, &pc, &t->p), 0);
	for (unsigned i = 0; i < nr; i++) {
		assert_int_equal(sim_cpu_create(t->p, indices[i], &t->cpu[i]), 0);
		sim_cpu_power_on(t->cpu[i], 0, 0);
	}
	t->nr = nr;
	return t;
}

static inline void t_machine_free(struct t_machine *t)
{
	sim_machine_destroy(t->m);
	free(t);
}

static inline uint64_t t_mmio_read(struct t_machine *t, uint64_t addr, unsigned size)
{
	struct sim_mmio_region *r = sim_part_find_mmio(t->p, addr);
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_non_null(r);
	assert_int_equal(r->ops->read(r->opaque, addr - r->base, size, &v), 0);
	return v;
}

static inline void t_mmio_write(struct t_machine *t, uint64_t addr, unsigned size, uint64_t v)
{
	struct sim_mmio_region *r = sim_part_find_mmio(t->p, addr);

	assert_non_null(r);
	assert_int_equal(r->ops->write(r->opaque, addr - r->base, size, v), 0);
}

static inline uint64_t t_icc_read(struct sim_cpu *c, uint32_t enc)
{
	uint64_t v = 0xdeadbeefull;

	assert_int_equal(sim_gic_sysreg_read(c, enc, &v), 0);
	return v;
}

static inline void t_icc_write(struct sim_cpu *c, uint32_t enc, uint64_t v)
{
	assert_int_equal(sim_gic_sysreg_write(c, enc, v), 0);
}

/*
 * What a driver does before it can take interrupts (Linux's gic_dist_init and
 * gic_cpu_init, reduced): enable both groups in the distributor, wake every
 * redistributor, open PMR fully and enable both groups in every CPU interface.
 */
static inline void t_gic_bringup(struct t_machine *t)
{
	t_mmio_write(t, T_GICD + 0x0, 4, 0x13);	/* ARE | EnableGrp1 | EnableGrp0 */
	for (unsigned i = 0; i < t->nr; i++) {
		struct sim_cpu *c = t->cpu[i];

		t_mmio_write(t, T_RD(c->index) + 0x14, 4, 0);	/* GICR_WAKER */
		t_icc_write(c, T_ICC_PMR, 0xf0);
		t_icc_write(c, T_ICC_IGRPEN1, 1);
		t_icc_write(c, T_ICC_IGRPEN0, 1);
	}
}

/* Enable SPI intid with a priority, routed to the CPU with that MPIDR affinity. */
static inline void t_spi_setup(struct t_machine *t, unsigned intid, uint8_t prio,
			       uint64_t route)
{
	t_mmio_write(t, T_GICD + 0x400 + intid, 1, prio);
	t_mmio_write(t, T_GICD + 0x6000 + 8ull * intid, 8, route);
	t_mmio_write(t, T_GICD + 0x100 + 4 * (intid / 32), 4, 1u << (intid % 32));
}

/* Enable SGI/PPI intid of one CPU with a priority. */
static inline void t_ppi_setup(struct t_machine *t, unsigned cpu, unsigned intid, uint8_t prio)
{
	t_mmio_write(t, T_SGI(cpu) + 0x400 + intid, 1, prio);
	t_mmio_write(t, T_SGI(cpu) + 0x100, 4, 1u << intid);
}

static inline bool t_spi_pending(struct t_machine *t, unsigned intid)
{
	return (t_mmio_read(t, T_GICD + 0x200 + 4 * (intid / 32), 4) >> (intid % 32)) & 1;
}

static inline bool t_spi_active(struct t_machine *t, unsigned intid)
{
	return (t_mmio_read(t, T_GICD + 0x300 + 4 * (intid / 32), 4) >> (intid % 32)) & 1;
}

#endif /* AVF_SIM_GIC_TEST_UTIL_H */
