/* SPDX-License-Identifier: MIT */
/*
 * Guest test runtime: PSCI calls over HVC (the virt board's conduit when the guest
 * starts at EL1), SMC64 function ids from the PSCI specification (DEN0022).
 */
#ifndef SIMTEST_PSCI_H
#define SIMTEST_PSCI_H

#include <stdint.h>

#define PSCI_VERSION		0x84000000u
#define PSCI_CPU_OFF		0x84000002u
#define PSCI_CPU_ON		0xc4000003u
#define PSCI_AFFINITY_INFO	0xc4000004u
#define PSCI_SYSTEM_OFF		0x84000008u
#define PSCI_FEATURES		0x8400000au

#define PSCI_RET_SUCCESS		0
#define PSCI_RET_NOT_SUPPORTED		(-1)
#define PSCI_RET_INVALID_PARAMETERS	(-2)
#define PSCI_RET_DENIED			(-3)
#define PSCI_RET_ALREADY_ON		(-4)

#define PSCI_AFFINITY_ON		0
#define PSCI_AFFINITY_OFF		1
#define PSCI_AFFINITY_ON_PENDING	2

/* Raw SMCCC call: function id and three arguments; returns x0. */
int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

static inline int psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	return (int)psci_call(PSCI_CPU_ON, mpidr, entry, context);
}
/* AFFINITY_INFO at affinity level 0: ON, OFF, ON_PENDING or INVALID_PARAMETERS. */
static inline int psci_affinity_info(uint64_t mpidr)
{
	return (int)psci_call(PSCI_AFFINITY_INFO, mpidr, 0, 0);
}
/* Power the calling CPU off. Returns only on failure (the error code). */
int psci_cpu_off(void);
/* Power the board off; the run ends (QEMU and avf-sim exit 0). Never returns. */
void psci_system_off(void) __attribute__((noreturn));

#endif /* SIMTEST_PSCI_H */
