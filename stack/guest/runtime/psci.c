// SPDX-License-Identifier: Apache-2.0
/* PSCI calls over HVC (our VMs' DT says method = "hvc"). */
#include "stack/guest/runtime/rt_internal.h"

void rt_psci_system_off(void)
{
	arch_hvc(AVF_PSCI_SYSTEM_OFF, 0, 0, 0, 0, 0, 0, (struct arch_smccc_res *)0);
	for (;;)	/* PSCI never returns from SYSTEM_OFF; if a broken VMM does, stay put */
		__asm__ volatile("wfi");
}

void rt_psci_system_reset(void)
{
	arch_hvc(AVF_PSCI_SYSTEM_RESET, 0, 0, 0, 0, 0, 0, (struct arch_smccc_res *)0);
	rt_psci_system_off();
}

uint32_t rt_psci_version(void)
{
	return (uint32_t)arch_hvc(AVF_PSCI_VERSION, 0, 0, 0, 0, 0, 0, (struct arch_smccc_res *)0);
}
