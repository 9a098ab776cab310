// SPDX-License-Identifier: MIT
/*
 * PSCI 1.1 and the SMCCC 1.1 architecture calls, as KVM implements them for its guests
 * (arch/arm64/kvm/psci.c, hypercalls.c), for a partition's CPUs.
 *
 * Calling convention (SMCCC): w0 is the function id (the upper half of x0 is ignored),
 * x1..x3 the arguments; for the 32-bit variants (bit 30 clear) only the low halves of
 * the arguments count. Results: x0 = the return value, x1..x3 = 0 (KVM's
 * smccc_set_retval(val, 0, 0, 0)); a 32-bit caller only looks at w0.
 *
 * Where KVM has a choice the sim makes the same one:
 *   - PSCI_VERSION is 1.1, MIGRATE_INFO_TYPE is 2 (no Trusted OS to migrate), MIGRATE
 *     and MIGRATE_INFO_UP_CPU are NOT_SUPPORTED, SYSTEM_SUSPEND is NOT_SUPPORTED.
 *   - CPU_ON does not check the entry point; an MPIDR with bits outside Aff3..Aff0, or
 *     naming no CPU, is INVALID_PARAMS; a CPU already on gives ALREADY_ON.
 *   - SYSTEM_OFF / SYSTEM_RESET / SYSTEM_RESET2 leave x0 = INTERNAL_FAILURE, which the
 *     guest only sees if its caller runs it again.
 *   - SMCCC_VERSION is 1.1; SMCCC_ARCH_FEATURES is NOT_SUPPORTED for everything (no
 *     Spectre workaround calls, no PV time): the sim has no speculation to mitigate.
 * One difference: CPU_SUSPEND returns SUCCESS at once, as a wake-up right after entry
 * would (the PSCI spec allows it); KVM waits for an interrupt as WFI does.
 */
#include "sim/internal.h"

/* Function ids (PSCI: DEN0022, SMCCC: DEN0028). */
#define SMCCC_64BIT			(1u << 30)
#define SMCCC_VERSION			0x80000000u
#define SMCCC_ARCH_FEATURES		0x80000001u
#define PSCI_VERSION			0x84000000u
#define PSCI_CPU_SUSPEND		0x84000001u
#define PSCI_CPU_OFF			0x84000002u
#define PSCI_CPU_ON			0x84000003u
#define PSCI_AFFINITY_INFO		0x84000004u
#define PSCI_MIGRATE			0x84000005u
#define PSCI_MIGRATE_INFO_TYPE		0x84000006u
#define PSCI_MIGRATE_INFO_UP_CPU	0x84000007u
#define PSCI_SYSTEM_OFF			0x84000008u
#define PSCI_SYSTEM_RESET		0x84000009u
#define PSCI_FEATURES			0x8400000au
#define PSCI_SYSTEM_SUSPEND		0x8400000eu
#define PSCI_SYSTEM_RESET2		0x84000012u

/* The ranges this file answers for (the 64-bit bit masked off). */
#define SMCCC_ARCH_FIRST		0x80000000u
#define SMCCC_ARCH_LAST			0x8000ffffu
#define PSCI_FIRST			0x84000000u
#define PSCI_LAST			0x8400001fu

#define PSCI_RET_SUCCESS		0
#define PSCI_RET_NOT_SUPPORTED		(-1)
#define PSCI_RET_INVALID_PARAMS		(-2)
#define PSCI_RET_ALREADY_ON		(-4)
#define PSCI_RET_INTERNAL_FAILURE	(-6)

#define PSCI_VERSION_1_1		0x00010001
#define SMCCC_VERSION_1_1		0x00010001
#define PSCI_TOS_NOT_PRESENT_MP		2
#define PSCI_AFFINITY_ON		0
#define PSCI_AFFINITY_OFF		1
#define PSCI_RESET2_VENDOR_FIRST	0x80000000u

/* Aff3 (bits 39:32) and Aff2..Aff0 (bits 23:0) of an MPIDR. */
#define MPIDR_HWID_MASK			0xff00ffffffull

struct psci_call {
	struct sim_cpu *c;
	uint32_t fn;			/* with the 64-bit bit */
	uint64_t arg[4];		/* arg[1..3], narrowed for 32-bit calls */
	int64_t ret;			/* goes to x0 */
	bool only_x0;			/* leave x1..x3 alone (SYSTEM_RESET2, as KVM) */
};

typedef enum sim_psci_event (*psci_handler)(struct psci_call *call);

static uint64_t cpu_mpidr_aff(const struct sim_cpu *c)
{
	return c->mpidr & MPIDR_HWID_MASK;
}

static enum sim_psci_event psci_version(struct psci_call *call)
{
	call->ret = PSCI_VERSION_1_1;
	return SIM_PSCI_HANDLED;
}

static enum sim_psci_event psci_cpu_suspend(struct psci_call *call)
{
	call->ret = PSCI_RET_SUCCESS;
	return SIM_PSCI_HANDLED;
}

static enum sim_psci_event psci_cpu_off(struct psci_call *call)
{
	sim_cpu_power_off(call->c);
	call->ret = PSCI_RET_SUCCESS;
	return SIM_PSCI_CPU_OFF;
}

static struct sim_cpu *psci_find_cpu(struct sim_part *p, uint64_t aff)
{
	unsigned i, n = sim_part_nr_cpus(p);
	struct sim_cpu *t;

	for (i = 0; i < n; i++) {
		t = sim_part_cpu(p, i);
		if (t && cpu_mpidr_aff(t) == aff)
			return t;
	}
	return NULL;
}

static enum sim_psci_event psci_cpu_on(struct psci_call *call)
{
	uint64_t target = call->arg[1];
	struct sim_cpu *t;

	if (target & ~MPIDR_HWID_MASK) {
		call->ret = PSCI_RET_INVALID_PARAMS;
		return SIM_PSCI_HANDLED;
	}
	t = psci_find_cpu(call->c->part, target);
	if (!t)
		call->ret = PSCI_RET_INVALID_PARAMS;
	else if (sim_cpu_is_on(t))
		call->ret = PSCI_RET_ALREADY_ON;
	else {
		sim_cpu_power_on(t, call->arg[2], call->arg[3]);
		call->ret = PSCI_RET_SUCCESS;
	}
	return SIM_PSCI_HANDLED;
}

static enum sim_psci_event psci_affinity_info(struct psci_call *call)
{
	uint64_t target = call->arg[1], level = call->arg[2], mask;
	struct sim_part *p = call->c->part;
	unsigned i, n = sim_part_nr_cpus(p), matching = 0;
	struct sim_cpu *t;

	call->ret = PSCI_RET_INVALID_PARAMS;
	if ((target & ~MPIDR_HWID_MASK) || level > 3)
		return SIM_PSCI_HANDLED;
	/* Level L ignores affinity fields below L: Aff0 is bits 7:0, Aff3 is 39:32. */
	mask = MPIDR_HWID_MASK & ~((1ull << (level == 3 ? 32 : level * 8)) - 1);
	target &= mask;
	for (i = 0; i < n; i++) {
		t = sim_part_cpu(p, i);
		if (!t || (cpu_mpidr_aff(t) & mask) != target)
			continue;
		matching++;
		if (sim_cpu_is_on(t)) {
			call->ret = PSCI_AFFINITY_ON;
			return SIM_PSCI_HANDLED;
		}
	}
	if (matching)
		call->ret = PSCI_AFFINITY_OFF;
	return SIM_PSCI_HANDLED;
}

static enum sim_psci_event psci_not_supported(struct psci_call *call)
{
	call->ret = PSCI_RET_NOT_SUPPORTED;
	return SIM_PSCI_HANDLED;
}

static enum sim_psci_event psci_migrate_info_type(struct psci_call *call)
{
	call->ret = PSCI_TOS_NOT_PRESENT_MP;
	return SIM_PSCI_HANDLED;
}

static enum sim_psci_event psci_system_off(struct psci_call *call)
{
	call->ret = PSCI_RET_INTERNAL_FAILURE;
	return SIM_PSCI_SYSTEM_OFF;
}

static enum sim_psci_event psci_system_reset(struct psci_call *call)
{
	call->ret = PSCI_RET_INTERNAL_FAILURE;
	return SIM_PSCI_SYSTEM_RESET;
}

static enum sim_psci_event psci_system_reset2(struct psci_call *call)
{
	uint32_t type = (uint32_t)call->arg[1];

	/* 0 is SYSTEM_WARM_RESET; 0x80000000 and up are vendor resets; the rest reserved. */
	if (type != 0 && type < PSCI_RESET2_VENDOR_FIRST) {
		call->ret = PSCI_RET_INVALID_PARAMS;
		return SIM_PSCI_HANDLED;
	}
	call->ret = PSCI_RET_INTERNAL_FAILURE;
	call->only_x0 = true;
	return SIM_PSCI_SYSTEM_RESET;
}

static enum sim_psci_event psci_features(struct psci_call *call);

/* One row per function id; `feature`: PSCI_FEATURES reports it as implemented. */
static const struct {
	uint32_t fn;
	psci_handler handle;
	bool feature;
} psci_table[] = {
	{ PSCI_VERSION, psci_version, true },
	{ PSCI_CPU_SUSPEND, psci_cpu_suspend, true },
	{ PSCI_CPU_SUSPEND | SMCCC_64BIT, psci_cpu_suspend, true },
	{ PSCI_CPU_OFF, psci_cpu_off, true },
	{ PSCI_CPU_ON, psci_cpu_on, true },
	{ PSCI_CPU_ON | SMCCC_64BIT, psci_cpu_on, true },
	{ PSCI_AFFINITY_INFO, psci_affinity_info, true },
	{ PSCI_AFFINITY_INFO | SMCCC_64BIT, psci_affinity_info, true },
	{ PSCI_MIGRATE, psci_not_supported, false },
	{ PSCI_MIGRATE | SMCCC_64BIT, psci_not_supported, false },
	{ PSCI_MIGRATE_INFO_TYPE, psci_migrate_info_type, true },
	{ PSCI_MIGRATE_INFO_UP_CPU, psci_not_supported, false },
	{ PSCI_MIGRATE_INFO_UP_CPU | SMCCC_64BIT, psci_not_supported, false },
	{ PSCI_SYSTEM_OFF, psci_system_off, true },
	{ PSCI_SYSTEM_RESET, psci_system_reset, true },
	{ PSCI_FEATURES, psci_features, true },
	{ PSCI_SYSTEM_SUSPEND, psci_not_supported, false },
	{ PSCI_SYSTEM_SUSPEND | SMCCC_64BIT, psci_not_supported, false },
	{ PSCI_SYSTEM_RESET2, psci_system_reset2, true },
	{ PSCI_SYSTEM_RESET2 | SMCCC_64BIT, psci_system_reset2, true },
};

#define PSCI_TABLE_SIZE (sizeof(psci_table) / sizeof(psci_table[0]))

static enum sim_psci_event psci_features(struct psci_call *call)
{
	uint32_t queried = (uint32_t)call->arg[1];
	unsigned i;

	call->ret = PSCI_RET_NOT_SUPPORTED;
	if (queried == SMCCC_VERSION) {
		call->ret = PSCI_RET_SUCCESS;
		return SIM_PSCI_HANDLED;
	}
	for (i = 0; i < PSCI_TABLE_SIZE; i++) {
		if (psci_table[i].fn == queried && psci_table[i].feature)
			call->ret = PSCI_RET_SUCCESS;
	}
	return SIM_PSCI_HANDLED;
}

static enum sim_psci_event smccc_arch_call(struct psci_call *call)
{
	/* SMCCC_ARCH_FEATURES answers NOT_SUPPORTED whatever it is asked about. */
	call->ret = call->fn == SMCCC_VERSION ? SMCCC_VERSION_1_1 : PSCI_RET_NOT_SUPPORTED;
	return SIM_PSCI_HANDLED;
}

static enum sim_psci_event psci_dispatch(struct psci_call *call)
{
	uint32_t base = call->fn & ~SMCCC_64BIT;
	unsigned i;

	if (base >= SMCCC_ARCH_FIRST && base <= SMCCC_ARCH_LAST)
		return smccc_arch_call(call);
	for (i = 0; i < PSCI_TABLE_SIZE; i++) {
		if (psci_table[i].fn == call->fn)
			return psci_table[i].handle(call);
	}
	/* Unknown function in the PSCI range, or a 64-bit id of a 32-bit-only call. */
	return psci_not_supported(call);
}

static bool psci_owns(uint32_t fn)
{
	uint32_t base = fn & ~SMCCC_64BIT;

	return (base >= SMCCC_ARCH_FIRST && base <= SMCCC_ARCH_LAST) ||
	       (base >= PSCI_FIRST && base <= PSCI_LAST);
}

enum sim_psci_event sim_psci_call(struct sim_cpu *c)
{
	struct psci_call call = { .c = c };
	enum sim_psci_event ev;
	uint64_t x0;
	unsigned i;

	if (sim_cpu_get_reg(c, SIM_REG_X0, &x0))
		return SIM_PSCI_NOT_PSCI;
	call.fn = (uint32_t)x0;
	if (!psci_owns(call.fn))
		return SIM_PSCI_NOT_PSCI;
	for (i = 1; i < 4; i++) {
		sim_cpu_get_reg(c, SIM_REG_X0 + i, &call.arg[i]);
		if (!(call.fn & SMCCC_64BIT))
			call.arg[i] = (uint32_t)call.arg[i];
	}
	ev = psci_dispatch(&call);
	/* A CPU that powered itself off gets fresh registers when it is next turned on. */
	if (ev == SIM_PSCI_CPU_OFF)
		return ev;
	sim_cpu_set_reg(c, SIM_REG_X0, (uint64_t)call.ret);
	if (!call.only_x0) {
		for (i = 1; i < 4; i++)
			sim_cpu_set_reg(c, SIM_REG_X0 + i, 0);
	}
	return ev;
}
