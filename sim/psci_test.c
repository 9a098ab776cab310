// SPDX-License-Identifier: MIT
/*
 * PSCI 1.1 / SMCCC 1.1 calls (sim/psci.c), through the public API only: a partition of
 * four CPUs, calls made by setting x0..x3 and calling sim_psci_call(), results read
 * back from the registers and the CPUs' power state. Expected values are KVM's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/sim.h"

#define NR_CPUS 4
#define RET_NOT_SUPPORTED	((uint64_t)-1)
#define RET_INVALID_PARAMS	((uint64_t)-2)
#define RET_ALREADY_ON		((uint64_t)-4)
#define RET_INTERNAL_FAILURE	((uint64_t)-6)

struct fixture {
	struct sim_machine *m;
	struct sim_part *p;
	struct sim_cpu *cpu[NR_CPUS];
};

static int setup(void **state)
{
	static struct fixture f;
	struct sim_machine_config mc = { .seed = 1, .max_cpus = NR_CPUS };
	struct sim_part_config pc = { .vmid = 0, .stage2 = false };

	if (sim_machine_create(&mc, &f.m) || sim_machine_add_ram(f.m, 0x40000000, 1 << 20) ||
	    sim_part_create(f.m, &pc, &f.p))
		return -1;
	for (unsigned i = 0; i < NR_CPUS; i++)
		if (sim_cpu_create(f.p, i, &f.cpu[i]))
			return -1;
	sim_cpu_power_on(f.cpu[0], 0x40000000, 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sim_machine_destroy(f->m);
	return 0;
}

static uint64_t reg(struct sim_cpu *c, unsigned n)
{
	uint64_t v;

	assert_int_equal(sim_cpu_get_reg(c, SIM_REG_X0 + n, &v), 0);
	return v;
}

/* Make the call from c; x1..x3 of the result are checked to be zeroed by the caller. */
static enum sim_psci_event call(struct sim_cpu *c, uint64_t fn, uint64_t a1, uint64_t a2,
				uint64_t a3)
{
	sim_cpu_set_reg(c, SIM_REG_X0, fn);
	sim_cpu_set_reg(c, SIM_REG_X0 + 1, a1);
	sim_cpu_set_reg(c, SIM_REG_X0 + 2, a2);
	sim_cpu_set_reg(c, SIM_REG_X0 + 3, a3);
	return sim_psci_call(c);
}

/* A handled call: returns x0 after checking x1..x3 came back zero. */
static uint64_t handled(struct sim_cpu *c, uint64_t fn, uint64_t a1, uint64_t a2,
			uint64_t a3)
{
	assert_int_equal(call(c, fn, a1, a2, a3), SIM_PSCI_HANDLED);
	assert_int_equal(reg(c, 1), 0);
	assert_int_equal(reg(c, 2), 0);
	assert_int_equal(reg(c, 3), 0);
	return reg(c, 0);
}

static void versions(void **state)
{
	struct fixture *f = *state;
	struct sim_cpu *c = f->cpu[0];

	assert_int_equal(handled(c, 0x84000000, 7, 7, 7), 0x10001);
	/* Only w0 is the function id. */
	assert_int_equal(handled(c, 0xffffffff84000000ull, 7, 7, 7), 0x10001);
	assert_int_equal(handled(c, 0x80000000, 7, 7, 7), 0x10001);	/* SMCCC_VERSION */
	/* SMCCC_ARCH_FEATURES: no workaround or other feature is offered. */
	assert_int_equal(handled(c, 0x80000001, 0x80008000, 0, 0), RET_NOT_SUPPORTED);
	assert_int_equal(handled(c, 0x80000001, 0x80007fff, 0, 0), RET_NOT_SUPPORTED);
	assert_int_equal(handled(c, 0x80000001, 0x80003fff, 0, 0), RET_NOT_SUPPORTED);
	assert_int_equal(handled(c, 0x80000001, 0x80000000, 0, 0), RET_NOT_SUPPORTED);
	assert_int_equal(handled(c, 0x8000ff00, 0, 0, 0), RET_NOT_SUPPORTED);
}

static void features(void **state)
{
	static const uint32_t yes[] = {
		0x84000000, 0x84000001, 0xc4000001, 0x84000002, 0x84000003, 0xc4000003,
		0x84000004, 0xc4000004, 0x84000006, 0x84000008, 0x84000009, 0x8400000a,
		0x84000012, 0xc4000012, 0x80000000,
	};
	static const uint32_t no[] = {
		0x84000005, 0xc4000005, 0x84000007, 0xc4000007, 0x8400000e, 0xc400000e,
		0x8400000b, 0x84000006 | 0x40000000, 0x80000001, 0xc6000002, 0x12345678,
	};
	struct fixture *f = *state;
	unsigned i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (handled(f->cpu[0], 0x8400000a, yes[i], 0, 0) != 0)
			fail_msg("PSCI_FEATURES(0x%x) should be 0", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (handled(f->cpu[0], 0x8400000a, no[i], 0, 0) != RET_NOT_SUPPORTED)
			fail_msg("PSCI_FEATURES(0x%x) should be NOT_SUPPORTED", no[i]);
	/* The queried id is a 32-bit value. */
	assert_int_equal(handled(f->cpu[0], 0x8400000a, 0xabcd000084000000ull, 0, 0), 0);
}

static void migrate_and_unknown(void **state)
{
	struct fixture *f = *state;
	struct sim_cpu *c = f->cpu[0];

	assert_int_equal(handled(c, 0x84000006, 0, 0, 0), 2);
	assert_int_equal(handled(c, 0xc4000005, 1, 0, 0), RET_NOT_SUPPORTED);
	assert_int_equal(handled(c, 0x84000007, 0, 0, 0), RET_NOT_SUPPORTED);
	assert_int_equal(handled(c, 0xc400000e, 0x40000000, 0, 0), RET_NOT_SUPPORTED);
	assert_int_equal(handled(c, 0x8400001f, 0, 0, 0), RET_NOT_SUPPORTED);
	assert_int_equal(handled(c, 0xc4000002, 0, 0, 0), RET_NOT_SUPPORTED);
	assert_int_equal(handled(c, 0x84000001, 0, 0, 0), 0);	/* CPU_SUSPEND */
}

/* Outside the PSCI and SMCCC-arch ranges: not ours, registers untouched. */
static void not_psci(void **state)
{
	static const uint64_t ids[] = { 0xc6000002, 0x84000020, 0x86000000, 0x0, 0x04000000,
					0x81000000, 0xbf00ff01 };
	struct fixture *f = *state;
	struct sim_cpu *c = f->cpu[0];

	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_int_equal(call(c, ids[i], 11, 12, 13), SIM_PSCI_NOT_PSCI);
		assert_int_equal(reg(c, 0), ids[i]);
		assert_int_equal(reg(c, 1), 11);
		assert_int_equal(reg(c, 3), 13);
	}
}

static void cpu_on(void **state)
{
	struct fixture *f = *state;
	uint64_t pc;

	assert_false(sim_cpu_is_on(f->cpu[1]));
	assert_int_equal(handled(f->cpu[0], 0xc4000003, 1, 0x40001000, 0x1234), 0);
	assert_true(sim_cpu_is_on(f->cpu[1]));
	assert_int_equal(sim_cpu_get_reg(f->cpu[1], SIM_REG_PC, &pc), 0);
	assert_int_equal(pc, 0x40001000);
	assert_int_equal(reg(f->cpu[1], 0), 0x1234);
	/* Again, or on the caller itself: already on. */
	assert_int_equal(handled(f->cpu[0], 0xc4000003, 1, 0x40001000, 0), RET_ALREADY_ON);
	assert_int_equal(handled(f->cpu[0], 0xc4000003, 0, 0x40001000, 0), RET_ALREADY_ON);
	/* No such CPU; bits outside Aff3..Aff0 (here MPIDR bit 31). */
	assert_int_equal(handled(f->cpu[0], 0xc4000003, 4, 0x40001000, 0), RET_INVALID_PARAMS);
	assert_int_equal(handled(f->cpu[0], 0xc4000003, 0x80000002, 0x40001000, 0),
			 RET_INVALID_PARAMS);
	assert_false(sim_cpu_is_on(f->cpu[2]));
	/* The 32-bit call only looks at the low halves of its arguments. */
	assert_int_equal(handled(f->cpu[0], 0x84000003, 0xffffffff00000002ull,
				 0x0000000140002000ull, 0xaaaaaaaa00000077ull), 0);
	assert_true(sim_cpu_is_on(f->cpu[2]));
	assert_int_equal(sim_cpu_get_reg(f->cpu[2], SIM_REG_PC, &pc), 0);
	assert_int_equal(pc, 0x40002000);
	assert_int_equal(reg(f->cpu[2], 0), 0x77);
	/* A started CPU may start another. */
	assert_int_equal(handled(f->cpu[2], 0xc4000003, 3, 0x40003000, 0), 0);
	assert_true(sim_cpu_is_on(f->cpu[3]));
}

static void affinity_info_and_cpu_off(void **state)
{
	struct fixture *f = *state;
	struct sim_cpu *c = f->cpu[0];

	assert_int_equal(handled(c, 0xc4000004, 1, 0, 0), 1);	/* OFF */
	assert_int_equal(handled(c, 0xc4000003, 1, 0x40001000, 0), 0);
	assert_int_equal(handled(c, 0xc4000004, 1, 0, 0), 0);	/* ON */
	assert_int_equal(handled(c, 0x84000004, 0xffffffff00000001ull, 0, 0), 0);
	assert_int_equal(handled(c, 0xc4000004, 9, 0, 0), RET_INVALID_PARAMS);
	assert_int_equal(handled(c, 0xc4000004, 1, 4, 0), RET_INVALID_PARAMS);
	assert_int_equal(handled(c, 0xc4000004, 1ull << 40, 0, 0), RET_INVALID_PARAMS);
	/* Level 1: the cluster (Aff1 = 0) holds CPUs that are on; Aff0 is ignored. */
	assert_int_equal(handled(c, 0xc4000004, 0x3, 1, 0), 0);
	assert_int_equal(handled(c, 0xc4000004, 0x100, 1, 0), RET_INVALID_PARAMS);
	/* CPU 1 turns itself off: no result registers, the CPU is off. */
	assert_int_equal(call(f->cpu[1], 0x84000002, 0, 0, 0), SIM_PSCI_CPU_OFF);
	assert_false(sim_cpu_is_on(f->cpu[1]));
	assert_int_equal(handled(c, 0xc4000004, 1, 0, 0), 1);
	/* And it can be started again. */
	assert_int_equal(handled(c, 0xc4000003, 1, 0x40005000, 5), 0);
	assert_int_equal(reg(f->cpu[1], 0), 5);
}

static void system_events(void **state)
{
	struct fixture *f = *state;
	struct sim_cpu *c = f->cpu[0];

	assert_int_equal(call(c, 0x84000008, 0, 0, 0), SIM_PSCI_SYSTEM_OFF);
	assert_int_equal(reg(c, 0), RET_INTERNAL_FAILURE);
	assert_int_equal(call(c, 0x84000009, 0, 0, 0), SIM_PSCI_SYSTEM_RESET);
	assert_int_equal(reg(c, 0), RET_INTERNAL_FAILURE);
	/* SYSTEM_RESET2: warm reset (0) and vendor resets (bit 31) reset; others refused. */
	assert_int_equal(call(c, 0x84000012, 0, 0, 0), SIM_PSCI_SYSTEM_RESET);
	assert_int_equal(call(c, 0xc4000012, 0x80000001, 0, 0), SIM_PSCI_SYSTEM_RESET);
	assert_int_equal(call(c, 0xc4000012, 0x100000000ull, 0, 0), SIM_PSCI_SYSTEM_RESET);
	assert_int_equal(handled(c, 0x84000012, 1, 0, 0), RET_INVALID_PARAMS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(versions, setup, teardown),
		cmocka_unit_test_setup_teardown(features, setup, teardown),
		cmocka_unit_test_setup_teardown(migrate_and_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(not_psci, setup, teardown),
		cmocka_unit_test_setup_teardown(cpu_on, setup, teardown),
		cmocka_unit_test_setup_teardown(affinity_info_and_cpu_off, setup, teardown),
		cmocka_unit_test_setup_teardown(system_events, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
