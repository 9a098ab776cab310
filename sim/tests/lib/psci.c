// SPDX-License-Identifier: MIT
/* PSCI over HVC (see psci.h). */
#include "sim/tests/lib/psci.h"

#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/console.h"

int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 asm("x0") = fn;
	register uint64_t x1 asm("x1") = a1;
	register uint64_t x2 asm("x2") = a2;
	register uint64_t x3 asm("x3") = a3;

	/* SMCCC 1.0 lets the callee clobber x4-x17. */
	asm volatile("hvc #0"
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		     :
		     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
		       "x14", "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

int psci_cpu_off(void)
{
	return (int)psci_call(PSCI_CPU_OFF, 0, 0, 0);
}

void psci_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	/* Only reached if the board ignored SYSTEM_OFF: say so and stop here. */
	console_puts("PSCI SYSTEM_OFF returned; halting\n");
	for (;;)
		asm volatile("wfi");
}
