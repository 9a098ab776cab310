/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture of the system-level unit tests (exception_test.c, mmu_test.c,
 * sysreg_test.c, a64_system_test.c): a machine with 16 MiB of RAM at 0x4000_0000, one
 * partition (stage 2 on or off, no GIC unless asked) and one powered-on CPU at EL1h with
 * the MMU off, plus helpers to write guest memory and to execute one system instruction
 * straight through sim_decode_system() and its handler (no run loop involved).
 *
 * Values the tests expect are written from the Arm ARM, independently of the tables in
 * the code under test.
 */
#ifndef AVF_SIM_SYS_TEST_UTIL_H
#define AVF_SIM_SYS_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "sim/internal.h"

#define T_RAM_BASE	0x40000000ull
#define T_RAM_SIZE	(16ull << 20)
#define T_GICD		0x08000000ull
#define T_GICR		0x080a0000ull

#define T_ENC(op0, op1, crn, crm, op2) \
	((uint32_t)(op0) << 14 | (uint32_t)(op1) << 11 | (uint32_t)(crn) << 7 | \
	 (uint32_t)(crm) << 3 | (uint32_t)(op2))

/* ESR_ELx fields. */
#define T_EC(ec)	((uint32_t)(ec) << 26)
#define T_IL		(1u << 25)

struct t_sys {
	struct sim_machine *m;
	struct sim_part *p;
	struct sim_cpu *c;
};

static inline void t_sys_init_gic(struct t_sys *t, bool stage2, bool gic)
{
	struct sim_machine_config mc = { .seed = 7, .max_cpus = 4 };
	struct sim_part_config pc = { .vmid = 3, .stage2 = stage2 };

	if (gic) {
		pc.gicd_base = T_GICD;
		pc.gicr_base = T_GICR;
		pc.nr_spis = 32;
	}
	memset(t, 0, sizeof(*t));
	assert_int_equal(sim_machine_create(&mc, &t->m), 0);
	assert_int_equal(sim_machine_add_ram(t->m, T_RAM_BASE, T_RAM_SIZE), 0);
	assert_int_equal(sim_part_create(t->m, &pc, &t->p), 0);
	assert_int_equal(sim_cpu_create(t->p, 0, &t->c), 0);
	sim_cpu_power_on(t->c, T_RAM_BASE, 0);
}

static inline void t_sys_init(struct t_sys *t, bool stage2)
{
	t_sys_init_gic(t, stage2, false);
}

static inline void t_sys_fini(struct t_sys *t)
{
	sim_machine_destroy(t->m);
}

static inline void t_w64(struct sim_machine *m, uint64_t pa, uint64_t v)
{
	assert_int_equal(sim_phys_write(m, pa, &v, 8), 0);
}

static inline uint64_t t_r64(struct sim_machine *m, uint64_t pa)
{
	uint64_t v = 0;

	assert_int_equal(sim_phys_read(m, pa, &v, 8), 0);
	return v;
}

/* Translation table descriptor bits (Arm ARM D8.3), both stages. */
#define D_TABLE		3ull
#define D_PAGE		3ull
#define D_BLOCK		1ull
#define D_AF		(1ull << 10)
#define D_NG		(1ull << 11)
#define D_AP_EL0	(1ull << 6)	/* AP[1] */
#define D_AP_RO		(1ull << 7)	/* AP[2] */
#define D_SH_IS		(3ull << 8)
#define D_ATTR(n)	((uint64_t)(n) << 2)
#define D_PXN		(1ull << 53)
#define D_UXN		(1ull << 54)
#define T_PXN		(1ull << 59)
#define T_UXN		(1ull << 60)
#define T_NO_EL0	(1ull << 61)
#define T_RO		(1ull << 62)
/* Stage-2 leaf bits. */
#define S2_RD		(1ull << 6)
#define S2_WR		(1ull << 7)
#define S2_NORMAL	(0xfull << 2)	/* MemAttr: Normal, Write-Back */
#define S2_DEVICE	(0x0ull << 2)	/* MemAttr: Device-nGnRnE */
#define S2_XN		(1ull << 54)


/* A bump allocator of zeroed 4 KiB table pages in guest RAM. */
struct t_pt {
	struct sim_machine *m;
	uint64_t next;
};

static inline uint64_t t_pt_alloc(struct t_pt *pt, unsigned pages)
{
	static const uint8_t zero[4096];
	uint64_t pa = pt->next;

	for (unsigned i = 0; i < pages; i++)
		assert_int_equal(sim_phys_write(pt->m, pa + i * 4096ull, zero, 4096), 0);
	pt->next += pages * 4096ull;
	return pa;
}

/*
 * Address of the descriptor for addr at level `level`, in the tables under root whose
 * start level is `start` for an input of in_bits; missing tables are created (plain
 * table descriptors). Works for both stages (same 4 KiB format).
 */
static inline uint64_t t_pt_slot(struct t_pt *pt, uint64_t root, int start,
				 unsigned in_bits, uint64_t addr, int level)
{
	uint64_t table = root;

	for (int l = start;; l++) {
		unsigned shift = 12 + 9 * (3 - l);
		unsigned nbits = l == start ? in_bits - shift : 9;
		uint64_t slot = table + ((addr >> shift) & ((1ull << nbits) - 1)) * 8;
		uint64_t d;

		if (l == level)
			return slot;
		d = t_r64(pt->m, slot);
		if (!(d & 1)) {
			d = t_pt_alloc(pt, 1) | D_TABLE;
			t_w64(pt->m, slot, d);
		}
		table = d & 0x0000fffffffff000ull;
	}
}

/* Decode insn with the system decoder (it must accept it) and run its handler once. */
static inline void t_exec(struct sim_cpu *c, uint32_t insn)
{
	struct sim_insn in;

	memset(&in, 0, sizeof(in));
	assert_true(sim_decode_system(insn, &in));
	in.fn(c, &in);
}

/* Put the CPU at EL0 (SP_EL0 in use) without going through an exception return. */
static inline void t_to_el0(struct sim_cpu *c)
{
	sim_set_sp_sel(c, 0, 0);
}

/* The exception the last handler raised: vector offset from VBAR_EL1 and ESR_EL1. */
static inline uint64_t t_vec_offset(const struct sim_cpu *c)
{
	return c->pc - (c->sysreg[SR_VBAR_EL1] & ~0x7ffull);
}

#endif /* AVF_SIM_SYS_TEST_UTIL_H */
