// SPDX-License-Identifier: MIT
/* Secondary CPU bring-up, spinlocks and turn-taking (see smp.h). */
#include "sim/tests/lib/smp.h"

#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/console.h"
#include "sim/tests/lib/except.h"
#include "sim/tests/lib/psci.h"

/* Defined in start.S: the PSCI CPU_ON entry point (runs with the MMU off). */
extern char secondary_entry[];

struct secondary_work {
	void (*fn)(void *);
	void *arg;
	uint32_t seq;		/* which smp_start_cpu() call this is */
};

static struct secondary_work work[MAX_CPUS];
/*
 * Start sequence numbers: issued by smp_start_cpu(), the last successful one, and the
 * last one a secondary finished. AFFINITY_INFO alone cannot tell "not started yet" from
 * "done": QEMU 7.2 may still report OFF right after a successful CPU_ON.
 */
static uint32_t issued[MAX_CPUS], expected[MAX_CPUS], finished[MAX_CPUS];

void spin_lock(struct spinlock *l)
{
	uint32_t tmp, busy;

	asm volatile(
		"1:	ldaxr	%w[busy], %[lock]\n"
		"	cbz	%w[busy], 2f\n"
		"	yield\n"
		"	b	1b\n"
		"2:	stxr	%w[tmp], %w[one], %[lock]\n"
		"	cbnz	%w[tmp], 1b\n"
		: [busy] "=&r"(busy), [tmp] "=&r"(tmp), [lock] "+Q"(l->locked)
		: [one] "r"(1)
		: "memory");
}

void spin_unlock(struct spinlock *l)
{
	asm volatile("stlr wzr, %0" : "=Q"(l->locked) :: "memory");
}

uint64_t smp_cpu_mpidr(unsigned cpu)
{
	return (uint64_t)(cpu & 15) | ((uint64_t)(cpu >> 4) << 8);
}

unsigned smp_nr_cpus(void)
{
	unsigned n = 0;

	while (n < MAX_CPUS && psci_affinity_info(smp_cpu_mpidr(n)) >= 0)
		n++;
	return n;
}

int smp_start_cpu(unsigned cpu, void (*fn)(void *), void *arg)
{
	if (cpu == 0 || cpu >= MAX_CPUS)
		return PSCI_RET_INVALID_PARAMETERS;
	int ret;

	work[cpu].fn = fn;
	work[cpu].arg = arg;
	work[cpu].seq = ++issued[cpu];
	/* The secondary reads its work with the MMU on (Normal memory, same attributes). */
	dsb(ish);
	ret = psci_cpu_on(smp_cpu_mpidr(cpu), (uint64_t)secondary_entry, cpu);
	if (ret == PSCI_RET_SUCCESS)
		expected[cpu] = work[cpu].seq;
	return ret;
}

int smp_wait_cpu_off(unsigned cpu)
{
	int state;

	if (cpu >= MAX_CPUS)
		return PSCI_RET_INVALID_PARAMETERS;
	while (__atomic_load_n(&finished[cpu], __ATOMIC_ACQUIRE) != expected[cpu])
		cpu_relax();
	while ((state = psci_affinity_info(smp_cpu_mpidr(cpu))) != PSCI_AFFINITY_OFF) {
		if (state < 0)
			return state;
		cpu_relax();
	}
	return state;
}

void smp_wait_turn(const uint32_t *turn, uint32_t me)
{
	uint32_t cur;

	for (;;) {
		asm volatile("ldar %w0, %1" : "=r"(cur) : "Q"(*turn) : "memory");
		if (cur == me)
			return;
		cpu_relax();
	}
}

void smp_pass_turn(uint32_t *turn, uint32_t next)
{
	asm volatile("stlr %w1, %0" : "=Q"(*turn) : "r"(next) : "memory");
}

void smp_secondary_main(void)
{
	unsigned me = this_cpu();
	struct secondary_work w = work[me];
	struct cpu_context recovery;
	int err;

	/* An unexpected exception in fn fails the test and ends fn, not the whole run. */
	if (!ctx_save(&recovery)) {
		except_set_recovery(&recovery);
		w.fn(w.arg);
	}
	except_set_recovery(NULL);
	except_clear_hooks();
	__atomic_store_n(&finished[me], w.seq, __ATOMIC_RELEASE);
	err = psci_cpu_off();
	/* CPU_OFF does not return on success; if it did, say so and park. */
	printf("CPU%u: PSCI CPU_OFF failed: %d\n", me, err);
	for (;;)
		wfi();
}
