// SPDX-License-Identifier: MIT
/*
 * Exception entry, PSTATE/SPSR, SP banking, abort syndromes (ESR_EL1 and the ESR_EL2 of
 * stage-2 exits), FP access traps, SP alignment and illegal execution state.
 */
#include "sim/sys_test_util.h"

#define VBAR	0x40010000ull

static void setup_el1(struct t_sys *t)
{
	t_sys_init(t, false);
	t->c->sysreg[SR_VBAR_EL1] = VBAR;
	t->c->pc = 0x40001000;
	t->c->sp = 0x40100000;		/* SP_EL1 in use (EL1h) */
	t->c->sp_el0 = 0x40200000;
	t->c->daif = 0;
	t->c->nzcv = SIM_Z | SIM_C;
}

static void sync_from_el1h(void **state)
{
	struct t_sys t;

	setup_el1(&t);
	sim_take_sync(t.c, 0x96000045u, 0x1234, true);
	assert_int_equal(t_vec_offset(t.c), 0x200);
	assert_int_equal(t.c->sysreg[SR_ESR_EL1], 0x96000045u);
	assert_int_equal(t.c->sysreg[SR_FAR_EL1], 0x1234);
	assert_int_equal(t.c->sysreg[SR_ELR_EL1], 0x40001000);
	/* SPSR: Z, C, EL1h (M = 0b0101), DAIF clear. */
	assert_int_equal(t.c->sysreg[SR_SPSR_EL1], 0x60000005);
	assert_int_equal(t.c->daif, 0x3c0);
	assert_int_equal(t.c->el, 1);
	assert_int_equal(t.c->spsel, 1);
	assert_int_equal(t.c->sp, 0x40100000);
	assert_int_equal(t.c->slice, 0);
	assert_true(t.c->events & SIM_EV_REFETCH);
	assert_true(t.c->events & SIM_EV_IRQ_CHECK);
	t_sys_fini(&t);
}

static void sync_from_el1t_and_el0(void **state)
{
	struct t_sys t;

	setup_el1(&t);
	sim_set_sp_sel(t.c, 1, 0);		/* EL1t: SP_EL0 selected */
	assert_int_equal(t.c->sp, 0x40200000);
	assert_int_equal(t.c->sp_el1, 0x40100000);
	sim_take_sync(t.c, 0x02000000u, 0, false);
	assert_int_equal(t_vec_offset(t.c), 0x000);
	assert_int_equal(t.c->sysreg[SR_SPSR_EL1], 0x60000004);
	assert_int_equal(t.c->sp, 0x40100000);	/* back on SP_EL1 */
	assert_int_equal(t.c->sp_el0, 0x40200000);

	/* From EL0: the lower-EL AArch64 group, SPSR.M = EL0t. */
	sim_set_sp_sel(t.c, 0, 0);
	t.c->pc = 0x400;
	t.c->daif = SIM_DAIF_F;
	t.c->sysreg[SR_FAR_EL1] = 0xabc;
	sim_take_sync(t.c, 0x56000000u, 0, false);
	assert_int_equal(t_vec_offset(t.c), 0x400);
	assert_int_equal(t.c->sysreg[SR_SPSR_EL1], 0x60000040);
	assert_int_equal(t.c->sysreg[SR_ELR_EL1], 0x400);
	assert_int_equal(t.c->sysreg[SR_FAR_EL1], 0xabc);	/* not reported: kept */
	assert_int_equal(t.c->el, 1);
	assert_int_equal(t.c->perm_r, SIM_TLB_R_EL1);
	assert_int_equal(t.c->perm_x, SIM_TLB_X_EL1);
	t_sys_fini(&t);
}

static void irq_fiq_vectors(void **state)
{
	struct t_sys t;

	setup_el1(&t);
	t.c->sysreg[SR_ESR_EL1] = 0x777;
	sim_take_irq(t.c);
	assert_int_equal(t_vec_offset(t.c), 0x280);
	assert_int_equal(t.c->sysreg[SR_ELR_EL1], 0x40001000);
	assert_int_equal(t.c->sysreg[SR_ESR_EL1], 0x777);	/* interrupts leave ESR */
	sim_set_sp_sel(t.c, 0, 0);
	t.c->pc = 0x8000;
	sim_take_fiq(t.c);
	assert_int_equal(t_vec_offset(t.c), 0x500);
	sim_set_sp_sel(t.c, 0, 0);
	sim_take_irq(t.c);
	assert_int_equal(t_vec_offset(t.c), 0x480);
	sim_set_sp_sel(t.c, 1, 0);
	sim_take_fiq(t.c);
	assert_int_equal(t_vec_offset(t.c), 0x100);
	t_sys_fini(&t);
}

static void vbar_low_bits_ignored(void **state)
{
	struct t_sys t;

	setup_el1(&t);
	t.c->sysreg[SR_VBAR_EL1] = VBAR | 0x7ff;	/* as a host might set it */
	sim_undef(t.c);
	assert_int_equal(t.c->pc, VBAR + 0x200);
	assert_int_equal(t.c->sysreg[SR_ESR_EL1], 0x02000000u);
	t_sys_fini(&t);
}

static void undef_handler(void **state)
{
	struct t_sys t;
	struct sim_insn in = { .raw = 0 };

	setup_el1(&t);
	sim_exec_undef(t.c, &in);
	assert_int_equal(t.c->sysreg[SR_ESR_EL1], 0x02000000u);
	assert_int_equal(t.c->sysreg[SR_ELR_EL1], 0x40001000);
	t_sys_fini(&t);
}

static void pstate_round_trip(void **state)
{
	struct t_sys t;

	setup_el1(&t);
	sim_pstate_set(t.c, 0x900003c4);	/* N V, DAIF, EL1t */
	assert_int_equal(t.c->nzcv, SIM_N | SIM_V);
	assert_int_equal(t.c->daif, 0x3c0);
	assert_int_equal(t.c->el, 1);
	assert_int_equal(t.c->spsel, 0);
	assert_int_equal(t.c->sp, 0x40200000);
	assert_false(t.c->pstate_il);
	assert_int_equal(sim_pstate_get(t.c), 0x900003c4);
	sim_pstate_set(t.c, 0x00000140);	/* A, F, EL0t */
	assert_int_equal(t.c->el, 0);
	assert_int_equal(t.c->perm_w, SIM_TLB_W_EL0);
	assert_int_equal(sim_pstate_get(t.c), 0x140);
	/* SS and the RES0 PAN/UAO/DIT bits are not kept; IL is. */
	sim_pstate_set(t.c, 0x00f00005);
	assert_int_equal(sim_pstate_get(t.c), 0x00100005);
	assert_true(t.c->pstate_il);
	t_sys_fini(&t);
}

static void pstate_illegal_modes(void **state)
{
	static const uint64_t bad[] = { 0x10, 0x15, 0x8, 0x9, 0xd, 0x1, 0x2, 0x6, 0x7 };
	struct t_sys t;

	setup_el1(&t);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sim_pstate_set(t.c, 0x5);
		assert_false(t.c->pstate_il);
		sim_pstate_set(t.c, 0x80000000 | SIM_DAIF_I | bad[i]);
		/* EL and SP stay, IL is set, flags and masks are still restored. */
		assert_true(t.c->pstate_il);
		assert_int_equal(t.c->el, 1);
		assert_int_equal(t.c->spsel, 1);
		assert_int_equal(t.c->nzcv, SIM_N);
		assert_int_equal(t.c->daif, SIM_DAIF_I);
		assert_int_equal(sim_pstate_get(t.c), 0x80100085);
	}
	t_sys_fini(&t);
}

static void sp_banking(void **state)
{
	struct t_sys t;

	setup_el1(&t);
	t.c->sp = 0x1111;			/* SP_EL1, live */
	sim_set_sp_sel(t.c, 0, 0);
	assert_int_equal(t.c->sp_el1, 0x1111);
	assert_int_equal(t.c->sp, 0x40200000);
	t.c->sp = 0x2222;
	sim_set_sp_sel(t.c, 1, 1);
	assert_int_equal(t.c->sp, 0x1111);
	assert_int_equal(t.c->sp_el0, 0x2222);
	sim_set_sp_sel(t.c, 0, 1);		/* EL0 has only SP_EL0 */
	assert_int_equal(t.c->spsel, 0);
	assert_int_equal(t.c->sp, 0x2222);
	t_sys_fini(&t);
}

static void abort_syndromes_el1(void **state)
{
	struct sim_fault tf3 = { .type = SIM_FAULT_TRANSLATION, .stage = 1, .level = 3 };
	struct sim_fault pf2 = { .type = SIM_FAULT_PERMISSION, .stage = 1, .level = 2 };
	struct sim_fault af1 = { .type = SIM_FAULT_ACCESS_FLAG, .stage = 1, .level = 1 };
	struct sim_fault as0 = { .type = SIM_FAULT_ADDRESS_SIZE, .stage = 1, .level = 0 };
	struct sim_fault al = { .type = SIM_FAULT_ALIGNMENT, .stage = 1 };
	struct sim_fault ext = { .type = SIM_FAULT_EXTERNAL, .stage = 1 };
	struct sim_fault extw = { .type = SIM_FAULT_EXTERNAL, .stage = 1, .level = 1,
				  .walk = true };
	uint32_t iss_flags = SIM_MEMF_ISS(5, 1, 1) | SIM_MEMF_ACQREL;
	struct t_sys t;

	setup_el1(&t);
	/* EL1: current-EL ECs, never ISV in ESR_EL1. */
	assert_int_equal(sim_abort_esr(t.c, &tf3, SIM_ACC_WRITE, iss_flags, 8, 1), 0x96000047u);
	assert_int_equal(sim_abort_esr(t.c, &pf2, SIM_ACC_READ, 0, 4, 1), 0x9600000eu);
	assert_int_equal(sim_abort_esr(t.c, &af1, SIM_ACC_READ, 0, 4, 1), 0x96000009u);
	assert_int_equal(sim_abort_esr(t.c, &as0, SIM_ACC_READ, 0, 4, 1), 0x96000000u);
	assert_int_equal(sim_abort_esr(t.c, &al, SIM_ACC_WRITE, 0, 8, 1), 0x96000061u);
	assert_int_equal(sim_abort_esr(t.c, &ext, SIM_ACC_READ, 0, 4, 1), 0x96000010u);
	assert_int_equal(sim_abort_esr(t.c, &extw, SIM_ACC_READ, 0, 4, 1), 0x96000015u);
	assert_int_equal(sim_abort_esr(t.c, &tf3, SIM_ACC_EXEC, 0, 4, 1), 0x86000007u);
	/* Atomics report WnR even for the read side; cache maintenance sets CM and WnR. */
	assert_int_equal(sim_abort_esr(t.c, &tf3, SIM_ACC_READ, SIM_MEMF_ATOMIC, 8, 1),
			 0x96000047u);
	assert_int_equal(sim_abort_esr(t.c, &tf3, SIM_ACC_READ, SIM_MEMF_CM, 0, 1),
			 0x96000147u);
	/* EL0: lower-EL ECs. */
	t_to_el0(t.c);
	assert_int_equal(sim_abort_esr(t.c, &tf3, SIM_ACC_READ, 0, 1, 1), 0x92000007u);
	assert_int_equal(sim_abort_esr(t.c, &pf2, SIM_ACC_EXEC, 0, 4, 1), 0x8200000eu);
	t_sys_fini(&t);
}

static void raise_abort_el0_data(void **state)
{
	struct sim_fault f = { .type = SIM_FAULT_PERMISSION, .stage = 1, .level = 3 };
	struct t_sys t;

	setup_el1(&t);
	t_to_el0(t.c);
	t.c->pc = 0x400040;
	sim_raise_abort(t.c, &f, 0x7777, SIM_ACC_WRITE, SIM_MEMF_ISS(2, 0, 0), 4);
	assert_int_equal(t.c->sysreg[SR_ESR_EL1], 0x9200004fu);
	assert_int_equal(t.c->sysreg[SR_FAR_EL1], 0x7777);
	assert_int_equal(t.c->sysreg[SR_ELR_EL1], 0x400040);
	assert_int_equal(t_vec_offset(t.c), 0x400);
	assert_false(t.c->exit_pending);
	t_sys_fini(&t);
}

static void stage2_abort_is_an_exit(void **state)
{
	struct sim_fault f = { .type = SIM_FAULT_TRANSLATION, .stage = 2, .level = 2,
			       .ipa = 0x9000123 };
	struct sim_fault w = { .type = SIM_FAULT_PERMISSION, .stage = 2, .level = 3,
			       .ipa = 0x7000, .s1ptw = true };
	struct t_sys t;

	setup_el1(&t);
	sim_raise_abort(t.c, &f, 0xffff000000001123ull, SIM_ACC_READ,
			SIM_MEMF_ISS(3, 1, 0) | SIM_MEMF_ACQREL, 2);
	assert_true(t.c->exit_pending);
	assert_int_equal(t.c->exit.kind, SIM_EXIT_S2_ABORT);
	assert_int_equal(t.c->exit.s2.ipa, 0x9000123);
	assert_int_equal(t.c->exit.s2.va, 0xffff000000001123ull);
	/* ESR_EL2: EC 0x24, IL, ISV, SAS 1, SSE, SRT 3, AR, DFSC translation L2. */
	assert_int_equal(t.c->exit.s2.esr, 0x93634006u);
	assert_false(t.c->exit.s2.is_write);
	assert_false(t.c->exit.s2.is_fetch);
	assert_false(t.c->exit.s2.is_permission);
	assert_int_equal(t.c->pc, 0x40001000);		/* nothing taken at EL1 */
	assert_int_equal(t.c->sysreg[SR_ELR_EL1], 0);
	assert_int_equal(t.c->abort_va, 0xffff000000001123ull);
	assert_int_equal(t.c->abort_size, 2);

	/* Stage-2 fault on a stage-1 walk: S1PTW, no ISV, no WnR. */
	sim_raise_abort(t.c, &w, 0x5000, SIM_ACC_WRITE, SIM_MEMF_ISS(3, 0, 1), 8);
	assert_int_equal(t.c->exit.s2.esr, 0x9200008fu);
	assert_false(t.c->exit.s2.is_write);
	assert_true(t.c->exit.s2.is_permission);
	/* Instruction fetch. */
	f.level = 3;
	sim_raise_abort(t.c, &f, 0x4000, SIM_ACC_EXEC, 0, 4);
	assert_int_equal(t.c->exit.s2.esr, 0x82000007u);
	assert_true(t.c->exit.s2.is_fetch);
	t_sys_fini(&t);
}

static void fp_access_traps(void **state)
{
	static const struct { unsigned fpen, el; bool ok; } cases[] = {
		{ 0, 1, false }, { 0, 0, false }, { 1, 1, true }, { 1, 0, false },
		{ 2, 1, false }, { 2, 0, false }, { 3, 1, true }, { 3, 0, true },
	};
	struct t_sys t;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup_el1(&t);
		t.c->sysreg[SR_CPACR_EL1] = (uint64_t)cases[i].fpen << 20;
		if (!cases[i].el)
			t_to_el0(t.c);
		assert_int_equal(sim_fp_check(t.c), cases[i].ok);
		if (cases[i].ok) {
			assert_int_equal(t.c->pc, 0x40001000);
		} else {
			assert_int_equal(t.c->sysreg[SR_ESR_EL1], 0x1fe00000u);
			assert_int_equal(t_vec_offset(t.c), cases[i].el ? 0x200 : 0x400);
		}
		t_sys_fini(&t);
	}
}

static void sp_alignment(void **state)
{
	struct t_sys t;

	setup_el1(&t);
	assert_true(sim_check_sp_align(t.c, 0x1008));	/* SA clear: no check */
	t.c->sysreg[SR_SCTLR_EL1] |= 1u << 3;		/* SA (EL1) */
	assert_true(sim_check_sp_align(t.c, 0x1010));
	assert_false(sim_check_sp_align(t.c, 0x1008));
	assert_int_equal(t.c->sysreg[SR_ESR_EL1], 0x9a000000u);
	assert_int_equal(t.c->sysreg[SR_ELR_EL1], 0x40001000);
	t_to_el0(t.c);					/* SA0 still clear */
	assert_true(sim_check_sp_align(t.c, 0x1008));
	t.c->sysreg[SR_SCTLR_EL1] |= 1u << 4;
	assert_false(sim_check_sp_align(t.c, 0x1004));
	assert_int_equal(t_vec_offset(t.c), 0x400);
	t_sys_fini(&t);
}

static void illegal_state(void **state)
{
	struct t_sys t;

	setup_el1(&t);
	assert_false(sim_check_illegal_state(t.c));	/* IL clear */
	t.c->pstate_il = true;
	t.c->pc = 0x40001002;				/* PC alignment comes first */
	assert_false(sim_check_illegal_state(t.c));
	assert_int_equal(t.c->pc, 0x40001002);
	t.c->pc = 0x40001000;
	assert_true(sim_check_illegal_state(t.c));
	assert_int_equal(t.c->sysreg[SR_ESR_EL1], 0x3a000000u);
	assert_int_equal(t.c->sysreg[SR_SPSR_EL1], 0x60100005u);	/* SPSR.IL */
	assert_false(t.c->pstate_il);
	assert_int_equal(t_vec_offset(t.c), 0x200);
	/* An instruction abort also comes first: MMU on with no tables mapped at PC. */
	t.c->pstate_il = true;
	t.c->pc = 0x40001000;
	t.c->sysreg[SR_SCTLR_EL1] |= 1;
	t.c->sysreg[SR_TCR_EL1] = 25 | 1u << 7;		/* EPD0: no walk */
	assert_false(sim_check_illegal_state(t.c));
	assert_int_equal(t.c->pc, 0x40001000);
	t_sys_fini(&t);
}

/* A misaligned PC faults when fetched (the run loop's fetch raises it through here). */
static void pc_alignment_fault(void **state)
{
	struct sim_exit x;
	struct t_sys t;

	setup_el1(&t);
	t.c->pc = 0x40000002;
	assert_int_equal(sim_cpu_run(t.c, 1, &x), 0);
	assert_int_equal(x.kind, SIM_EXIT_BUDGET);
	assert_int_equal(t.c->sysreg[SR_ESR_EL1], 0x8a000000u);
	assert_int_equal(t.c->sysreg[SR_FAR_EL1], 0x40000002);
	assert_int_equal(t.c->sysreg[SR_ELR_EL1], 0x40000002);
	assert_int_equal(t.c->pc, VBAR + 0x200);
	t_sys_fini(&t);
}

/* Through the run loop: EL1 ERETs to EL0, which makes an SVC; the handler HVCs out. */
static void svc_round_trip_through_run_loop(void **state)
{
	static const uint32_t el1[] = {
		0xd2800000,	/* mov x0, #0 (SPSR: EL0t) */
		0xd5184000,	/* msr spsr_el1, x0 */
		0xd2820001,	/* mov x1, #0x1000 */
		0xf2a80001,	/* movk x1, #0x4000, lsl 16 */
		0xd5184021,	/* msr elr_el1, x1 */
		0xd69f03e0,	/* eret */
	};
	static const uint32_t el0[] = { 0xd4000541 };	/* svc #0x2a */
	static const uint32_t vec[] = {
		0xd5385202,	/* mrs x2, esr_el1 */
		0xd4000022,	/* hvc #1 */
	};
	struct sim_exit x;
	struct t_sys t;
	uint64_t v;

	setup_el1(&t);
	assert_int_equal(sim_phys_write(t.m, 0x40000000, el1, sizeof(el1)), 0);
	assert_int_equal(sim_phys_write(t.m, 0x40001000, el0, sizeof(el0)), 0);
	assert_int_equal(sim_phys_write(t.m, VBAR + 0x400, vec, sizeof(vec)), 0);
	t.c->pc = 0x40000000;
	assert_int_equal(sim_cpu_run(t.c, 100, &x), 0);
	assert_int_equal(x.kind, SIM_EXIT_HVC);
	assert_int_equal(x.call.imm, 1);
	assert_int_equal(sim_cpu_get_reg(t.c, 2, &v), 0);
	assert_int_equal(v, 0x5600002a);
	assert_int_equal(t.c->sysreg[SR_ELR_EL1], 0x40001004);
	assert_int_equal(t.c->sysreg[SR_SPSR_EL1], 0);
	assert_int_equal(t.c->pc, VBAR + 0x408);
	t_sys_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sync_from_el1h),
		cmocka_unit_test(sync_from_el1t_and_el0),
		cmocka_unit_test(irq_fiq_vectors),
		cmocka_unit_test(vbar_low_bits_ignored),
		cmocka_unit_test(undef_handler),
		cmocka_unit_test(pstate_round_trip),
		cmocka_unit_test(pstate_illegal_modes),
		cmocka_unit_test(sp_banking),
		cmocka_unit_test(abort_syndromes_el1),
		cmocka_unit_test(raise_abort_el0_data),
		cmocka_unit_test(stage2_abort_is_an_exit),
		cmocka_unit_test(fp_access_traps),
		cmocka_unit_test(sp_alignment),
		cmocka_unit_test(illegal_state),
		cmocka_unit_test(pc_alignment_fault),
		cmocka_unit_test(svc_round_trip_through_run_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
