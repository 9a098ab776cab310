// SPDX-License-Identifier: MIT
/*
 * The run loop and memory core (exec.c, mem.c, snapshot.c) through the public API, with
 * hand-assembled code (encodings checked with aarch64-linux-gnu-as): exact virtual time,
 * budgets, kicks, WFI waiting, self-modifying code, copy-on-write snapshots and the
 * state hash.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/sim.h"

#define RAM	0x40000000ull
#define NOP	0xd503201fu
#define MRS_X1_CNTVCT	0xd53be041u
#define MRS_X2_CNTVCT	0xd53be042u
#define HVC0	0xd4000002u
#define B_SELF	0x14000000u
#define WFI	0xd503207fu
#define ADD_X3_1	0x91000463u
#define STR_X3_X4_POST8	0xf8008483u
#define MSR_CNTV_CTL_X5	0xd51be325u
#define MSR_CNTV_TVAL_X6 0xd51be306u
#define B_BACK2	0x17fffffeu	/* b .-8 */
#define LDR_X1_X2	0xf9400041u	/* ldr x1, [x2] */

struct env {
	struct sim_machine *m;
	struct sim_part *p;
	struct sim_cpu *c;
};

static void env_new(struct env *e, uint64_t seed)
{
	struct sim_machine_config mc = { .seed = seed, .max_cpus = 4 };
	struct sim_part_config pc = { .vmid = 1, .stage2 = false };

	assert_int_equal(sim_machine_create(&mc, &e->m), 0);
	assert_int_equal(sim_machine_add_ram(e->m, RAM, 1 << 20), 0);
	assert_int_equal(sim_part_create(e->m, &pc, &e->p), 0);
	assert_int_equal(sim_cpu_create(e->p, 0, &e->c), 0);
	sim_cpu_power_on(e->c, RAM, 0);
}

static void put(struct env *e, uint64_t off, const uint32_t *code, size_t n)
{
	assert_int_equal(sim_phys_write(e->m, RAM + off, code, n * 4), 0);
}

static uint64_t reg(struct env *e, uint32_t id)
{
	uint64_t v;

	assert_int_equal(sim_cpu_get_reg(e->c, id, &v), 0);
	return v;
}

/* Counter reads in the middle of a slice see the exact instruction time. */
static void test_counter_is_exact_within_a_slice(void **state)
{
	uint32_t code[200];
	struct sim_exit x;
	struct env e;
	size_t n = 0;

	env_new(&e, 1);
	code[n++] = MRS_X1_CNTVCT;
	for (int i = 0; i < 159; i++)	/* 160 instructions apart: 10 ticks of 16 ns */
		code[n++] = NOP;
	code[n++] = MRS_X2_CNTVCT;
	code[n++] = HVC0;
	put(&e, 0, code, n);
	assert_int_equal(sim_cpu_run(e.c, 0, &x), 0);
	assert_int_equal(x.kind, SIM_EXIT_HVC);
	assert_int_equal(reg(&e, SIM_REG_X0 + 2) - reg(&e, SIM_REG_X0 + 1), 10);
	assert_int_equal(sim_cpu_retired(e.c), 162);
	assert_int_equal(sim_machine_now_ns(e.m), 162);
	sim_machine_destroy(e.m);
}

static void test_budget_and_kick(void **state)
{
	uint32_t code[] = { B_SELF };
	struct sim_exit x;
	struct env e;

	env_new(&e, 1);
	put(&e, 0, code, 1);
	assert_int_equal(sim_cpu_run(e.c, 1000, &x), 0);
	assert_int_equal(x.kind, SIM_EXIT_BUDGET);
	assert_int_equal(sim_cpu_retired(e.c), 1000);
	sim_cpu_kick(e.c);
	assert_int_equal(sim_cpu_run(e.c, 1000, &x), 0);
	assert_int_equal(x.kind, SIM_EXIT_KICK);
	assert_int_equal(sim_cpu_retired(e.c), 1000);	/* a pending kick runs nothing */
	sim_cpu_power_off(e.c);
	assert_int_equal(sim_cpu_run(e.c, 1000, &x), 0);
	assert_int_equal(x.kind, SIM_EXIT_OFF);
	sim_machine_destroy(e.m);
}

/* A CPU stopped in WFI stays idle, however often it is run, until its timer fires. */
static void test_wfi_waits_for_the_timer(void **state)
{
	uint32_t code[] = { MSR_CNTV_TVAL_X6, MSR_CNTV_CTL_X5, WFI, HVC0 };
	struct sim_exit x;
	struct env e;
	uint64_t deadline;

	env_new(&e, 1);
	put(&e, 0, code, 4);
	sim_cpu_set_reg(e.c, SIM_REG_X0 + 6, 100);	/* 100 ticks = 1600 ns */
	sim_cpu_set_reg(e.c, SIM_REG_X0 + 5, 1);	/* enabled, not masked */
	assert_int_equal(sim_cpu_run(e.c, 0, &x), 0);
	assert_int_equal(x.kind, SIM_EXIT_WFI);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sim_cpu_run(e.c, 0, &x), 0);
		assert_int_equal(x.kind, SIM_EXIT_WFI);
	}
	deadline = sim_machine_next_deadline(e.m);
	assert_int_equal(deadline, 1600);
	sim_machine_advance_to(e.m, deadline);
	assert_int_equal(sim_cpu_run(e.c, 0, &x), 0);
	assert_int_equal(x.kind, SIM_EXIT_HVC);
	sim_machine_destroy(e.m);
}

/* Code rewritten by the guest (or the host) runs as rewritten. */
static void test_self_modifying_code(void **state)
{
	uint32_t code[] = { ADD_X3_1, HVC0 };
	uint32_t patch = NOP;
	struct sim_exit x;
	struct env e;

	env_new(&e, 1);
	put(&e, 0, code, 2);
	assert_int_equal(sim_cpu_run(e.c, 0, &x), 0);
	assert_int_equal(reg(&e, SIM_REG_X0 + 3), 1);
	put(&e, 0, &patch, 1);
	sim_cpu_set_reg(e.c, SIM_REG_PC, RAM);
	assert_int_equal(sim_cpu_run(e.c, 0, &x), 0);
	assert_int_equal(x.kind, SIM_EXIT_HVC);
	assert_int_equal(reg(&e, SIM_REG_X0 + 3), 1);	/* the ADD is gone */
	sim_machine_destroy(e.m);
}

/* Restore returns memory and registers; only written pages are copied back. */
static void test_snapshot_restore(void **state)
{
	/* x3 counts, stores walk x4 through memory: a loop "add; str post-inc; b .-8". */
	uint32_t code[] = { ADD_X3_1, STR_X3_X4_POST8, B_BACK2 };
	uint64_t h0, h1, h2, val;
	struct sim_exit x;
	struct env e;

	env_new(&e, 1);
	put(&e, 0, code, 3);
	sim_cpu_set_reg(e.c, SIM_REG_X0 + 4, RAM + 0x10000);
	assert_int_equal(sim_machine_restore(e.m), -ENOENT);
	assert_int_equal(sim_machine_snapshot(e.m), 0);
	h0 = sim_machine_state_hash(e.m);
	assert_int_equal(sim_cpu_run(e.c, 3000, &x), 0);
	assert_int_equal(x.kind, SIM_EXIT_BUDGET);
	h1 = sim_machine_state_hash(e.m);
	assert_true(h1 != h0);
	assert_int_equal(sim_phys_read(e.m, RAM + 0x10000, &val, 8), 0);
	assert_int_equal(val, 1);
	assert_int_equal(sim_machine_restore(e.m), 0);
	assert_int_equal(sim_machine_state_hash(e.m), h0);
	assert_int_equal(sim_phys_read(e.m, RAM + 0x10000, &val, 8), 0);
	assert_int_equal(val, 0);
	assert_int_equal(reg(&e, SIM_REG_X0 + 3), 0);
	assert_int_equal(sim_machine_now_ns(e.m), 0);
	/* The same run again from the snapshot ends in the same state. */
	assert_int_equal(sim_cpu_run(e.c, 3000, &x), 0);
	h2 = sim_machine_state_hash(e.m);
	assert_int_equal(h2, h1);
	sim_machine_destroy(e.m);
}

/* Same program and seed: same hash; another program: another hash. */
static void test_state_hash_determinism(void **state)
{
	uint32_t code[] = { ADD_X3_1, STR_X3_X4_POST8, B_BACK2 };
	uint64_t hashes[3];
	struct sim_exit x;

	for (int i = 0; i < 3; i++) {
		struct env e;

		env_new(&e, 9);
		put(&e, 0, code, 3);
		sim_cpu_set_reg(e.c, SIM_REG_X0 + 4, RAM + 0x20000);
		sim_cpu_run(e.c, i == 2 ? 1001 : 1000, &x);
		hashes[i] = sim_machine_state_hash(e.m);
		sim_machine_destroy(e.m);
	}
	assert_int_equal(hashes[0], hashes[1]);
	assert_true(hashes[0] != hashes[2]);
}

/*
 * A misaligned access crossing a page faults as a whole when the memory is Device (MMU
 * off) even though each half, alone, would be aligned.
 */
static void test_page_crossing_alignment_fault(void **state)
{
	uint32_t code[] = { LDR_X1_X2, HVC0 };
	uint32_t vec = HVC0;
	struct sim_exit x;
	struct env e;
	uint64_t esr, far;

	env_new(&e, 1);
	put(&e, 0, code, 2);
	put(&e, 0x800 + 0x200, &vec, 1);	/* VBAR + current EL, SPx, synchronous */
	sim_cpu_set_reg(e.c, SIM_REG_SYS(3, 0, 12, 0, 0), RAM + 0x800);
	sim_cpu_set_reg(e.c, SIM_REG_X0 + 2, RAM + 0x1ffc);
	assert_int_equal(sim_cpu_run(e.c, 0, &x), 0);
	assert_int_equal(x.kind, SIM_EXIT_HVC);
	assert_int_equal(reg(&e, SIM_REG_PC), RAM + 0xa04);	/* the vector's HVC */
	esr = reg(&e, SIM_REG_SYS(3, 0, 5, 2, 0));
	far = reg(&e, SIM_REG_SYS(3, 0, 6, 0, 0));
	assert_int_equal(esr >> 26, 0x25);
	assert_int_equal(esr & 0x3f, 0x21);			/* alignment fault */
	assert_int_equal(far, RAM + 0x1ffc);
	assert_int_equal(reg(&e, SIM_REG_X0 + 1), 0);		/* nothing loaded */
	sim_machine_destroy(e.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_is_exact_within_a_slice),
		cmocka_unit_test(test_budget_and_kick),
		cmocka_unit_test(test_wfi_waits_for_the_timer),
		cmocka_unit_test(test_self_modifying_code),
		cmocka_unit_test(test_snapshot_restore),
		cmocka_unit_test(test_state_hash_determinism),
		cmocka_unit_test(test_page_crossing_alignment_fault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
