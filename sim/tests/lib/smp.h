/* SPDX-License-Identifier: MIT */
/*
 * Guest test runtime: secondary CPUs (PSCI CPU_ON), spinlocks and turn-taking.
 *
 * A test starts a secondary with smp_start_cpu(): the CPU comes up at secondary_entry
 * (start.S) with the boot CPU's MMU configuration, runs fn(arg) on its own stack and then
 * powers itself off with PSCI CPU_OFF. smp_wait_cpu_off() waits for that, so each test
 * leaves every secondary off. CPU i is the one whose MPIDR has Aff0 = i & 15,
 * Aff1 = i >> 4 (QEMU's virt numbering for GICv3, and avf-sim's).
 */
#ifndef SIMTEST_SMP_H
#define SIMTEST_SMP_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
	uint32_t locked;
};

/* Test-and-set lock with LDAXR/STXR; the exclusives need the MMU on (Normal memory). */
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);

/* MPIDR affinity value (Aff3..Aff0 as PSCI wants it) of CPU index cpu. */
uint64_t smp_cpu_mpidr(unsigned cpu);
/* Number of CPUs the board has, found by asking PSCI AFFINITY_INFO about 0, 1, ... */
unsigned smp_nr_cpus(void);
/* Power on CPU cpu (> 0) to run fn(arg). Returns the PSCI status (0 on success). */
int smp_start_cpu(unsigned cpu, void (*fn)(void *), void *arg);
/*
 * Wait until cpu has returned from the work of the last successful smp_start_cpu() and
 * PSCI AFFINITY_INFO reports it OFF. Returns the last AFFINITY_INFO value.
 */
int smp_wait_cpu_off(unsigned cpu);

/* Turn-taking: wait until *turn == me, and pass the turn on with a release store. */
void smp_wait_turn(const uint32_t *turn, uint32_t me);
void smp_pass_turn(uint32_t *turn, uint32_t next);

/* Entry point of secondaries after start.S has set up stack, vectors and MMU. */
void smp_secondary_main(void);

#endif /* SIMTEST_SMP_H */
