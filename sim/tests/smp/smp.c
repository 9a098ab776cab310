// SPDX-License-Identifier: MIT
/*
 * smp: several CPUs through PSCI (CPU_ON, CPU_OFF, AFFINITY_INFO and their errors), each
 * CPU printing in a fixed order by taking turns, a spinlock built on exclusives guarding
 * a shared counter, lock-free increments (LDXR/STXR and __atomic), message passing with
 * acquire/release, and SEV/WFE. Results never depend on how the CPUs interleave.
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/psci.h"
#include "sim/tests/lib/smp.h"
#include "sim/tests/lib/test.h"

TEST_IMAGE("smp");

#define ITERATIONS 500

static unsigned ncpus;

static bool need_cpus(unsigned n)
{
	ncpus = smp_nr_cpus();
	if (ncpus >= n)
		return true;
	FAIL("this image needs at least %u CPUs (manifest smp), board has %u", n, ncpus);
	return false;
}

static void stop_all(void)
{
	for (unsigned cpu = 1; cpu < ncpus; cpu++)
		EXPECT_EQ(smp_wait_cpu_off(cpu), PSCI_AFFINITY_OFF);
}

TEST(cpus_and_affinity)
{
	if (!need_cpus(2))
		return;
	printf("  CPUs: %u\n", ncpus);
	EXPECT_SHOW("affinity cpu0", psci_affinity_info(smp_cpu_mpidr(0)), PSCI_AFFINITY_ON);
	for (unsigned cpu = 1; cpu < ncpus; cpu++)
		EXPECT_EQ(psci_affinity_info(smp_cpu_mpidr(cpu)), PSCI_AFFINITY_OFF);
	EXPECT_SHOW("affinity of a missing cpu", psci_affinity_info(smp_cpu_mpidr(ncpus)),
		    (uint64_t)PSCI_RET_INVALID_PARAMETERS);
}

static uint32_t turn;

static void say_hello(void *unused)
{
	unsigned me = this_cpu();

	smp_wait_turn(&turn, me);
	printf("  CPU%u: hello at EL%u, MPIDR Aff0 %lu, stack %s\n", me, current_el(),
	       read_sysreg(mpidr_el1) & 0xff,
	       ((uint64_t)__builtin_frame_address(0) & 0xf) == 0 ? "aligned" : "misaligned");
	smp_pass_turn(&turn, me + 1);
}

TEST(each_cpu_prints_in_turn)
{
	if (!need_cpus(2))
		return;
	turn = 0;
	for (unsigned cpu = 1; cpu < ncpus; cpu++)
		EXPECT_EQ(smp_start_cpu(cpu, say_hello, NULL), PSCI_RET_SUCCESS);
	say_hello(NULL);
	smp_wait_turn(&turn, ncpus);
	stop_all();
	printf("  all %u CPUs said hello\n", ncpus);
}

static volatile uint32_t parked_running, release_parked;

static void park(void *unused)
{
	WRITE_ONCE(parked_running, 1);
	while (!READ_ONCE(release_parked))
		cpu_relax();
}

TEST(cpu_on_errors_and_restart)
{
	if (!need_cpus(2))
		return;
	parked_running = release_parked = 0;
	EXPECT_SHOW("cpu_on", smp_start_cpu(1, park, NULL), PSCI_RET_SUCCESS);
	while (!READ_ONCE(parked_running))
		cpu_relax();
	EXPECT_SHOW("affinity while running", psci_affinity_info(smp_cpu_mpidr(1)),
		    PSCI_AFFINITY_ON);
	EXPECT_SHOW("cpu_on again", (uint64_t)smp_start_cpu(1, park, NULL),
		    (uint64_t)PSCI_RET_ALREADY_ON);
	EXPECT_SHOW("cpu_on missing cpu",
		    (uint64_t)psci_cpu_on(smp_cpu_mpidr(ncpus), 0x40080000, 0),
		    (uint64_t)PSCI_RET_INVALID_PARAMETERS);
	WRITE_ONCE(release_parked, 1);
	EXPECT_SHOW("off after return", smp_wait_cpu_off(1), PSCI_AFFINITY_OFF);
	/* A CPU that turned itself off can be turned on again. */
	parked_running = 0;
	EXPECT_SHOW("cpu_on after off", smp_start_cpu(1, park, NULL), PSCI_RET_SUCCESS);
	while (!READ_ONCE(parked_running))
		cpu_relax();
	EXPECT_SHOW("off again", smp_wait_cpu_off(1), PSCI_AFFINITY_OFF);
}

static struct spinlock lock;
static uint64_t locked_counter, llsc_counter, builtin_counter;
static volatile uint32_t go;

static void llsc_increment(uint64_t *p)
{
	uint64_t v;
	uint32_t fail;

	do {
		asm volatile("ldxr %0, [%2]\n\tadd %0, %0, #1\n\tstxr %w1, %0, [%2]"
			     : "=&r"(v), "=&r"(fail) : "r"(p) : "memory");
	} while (fail);
}

static void hammer(void *unused)
{
	while (!go)
		cpu_relax();
	for (unsigned i = 0; i < ITERATIONS; i++) {
		spin_lock(&lock);
		/* A plain read-modify-write: only the lock makes it safe. */
		locked_counter = READ_ONCE(locked_counter) + 1;
		spin_unlock(&lock);
		llsc_increment(&llsc_counter);
		__atomic_fetch_add(&builtin_counter, 1, __ATOMIC_RELAXED);
	}
}

TEST(shared_counters)
{
	if (!need_cpus(2))
		return;
	locked_counter = llsc_counter = builtin_counter = 0;
	go = 0;
	for (unsigned cpu = 1; cpu < ncpus; cpu++)
		EXPECT_EQ(smp_start_cpu(cpu, hammer, NULL), PSCI_RET_SUCCESS);
	WRITE_ONCE(go, 1);
	hammer(NULL);
	stop_all();
	EXPECT_SHOW("spinlocked counter", locked_counter, ncpus * ITERATIONS);
	EXPECT_SHOW("ldxr/stxr counter", llsc_counter, ncpus * ITERATIONS);
	EXPECT_SHOW("__atomic counter", builtin_counter, ncpus * ITERATIONS);
}

static uint64_t message[4];
static uint32_t sequence;

/* Publishes 200 messages; each payload is written before the release store of its number. */
static void producer(void *unused)
{
	for (uint32_t n = 1; n <= 200; n++) {
		/* Wait until the consumer has taken the previous message (acquire). */
		for (;;) {
			uint32_t cur;

			asm volatile("ldar %w0, %1" : "=r"(cur) : "Q"(sequence) : "memory");
			if (cur == 2 * n - 2)
				break;
			cpu_relax();
		}
		for (unsigned i = 0; i < 4; i++)
			message[i] = (uint64_t)n * 1000 + i;
		asm volatile("stlr %w1, %0" : "=Q"(sequence) : "r"(2 * n - 1) : "memory");
	}
}

TEST(message_passing)
{
	unsigned bad = 0;
	uint64_t sum = 0;

	if (!need_cpus(2))
		return;
	sequence = 0;
	EXPECT_EQ(smp_start_cpu(1, producer, NULL), PSCI_RET_SUCCESS);
	for (uint32_t n = 1; n <= 200; n++) {
		uint32_t cur;

		for (;;) {
			asm volatile("ldar %w0, %1" : "=r"(cur) : "Q"(sequence) : "memory");
			if (cur == 2 * n - 1)
				break;
			cpu_relax();
		}
		for (unsigned i = 0; i < 4; i++) {
			bad += message[i] != (uint64_t)n * 1000 + i;
			sum += message[i];
		}
		asm volatile("stlr %w1, %0" : "=Q"(sequence) : "r"(2 * n) : "memory");
	}
	EXPECT_SHOW("stale payloads", bad, 0);
	EXPECT_SHOW("payload sum", sum, 80400000 + 200 * 6);
	EXPECT_EQ(smp_wait_cpu_off(1), PSCI_AFFINITY_OFF);
}

static volatile uint32_t wfe_flag, wfe_woken;

static void wait_with_wfe(void *unused)
{
	while (!wfe_flag)
		asm volatile("wfe" ::: "memory");
	wfe_woken = 1;
}

TEST(sev_wakes_wfe)
{
	if (!need_cpus(2))
		return;
	wfe_flag = wfe_woken = 0;
	EXPECT_EQ(smp_start_cpu(1, wait_with_wfe, NULL), PSCI_RET_SUCCESS);
	WRITE_ONCE(wfe_flag, 1);
	dsb(ish);
	asm volatile("sev" ::: "memory");
	EXPECT_SHOW("off", smp_wait_cpu_off(1), PSCI_AFFINITY_OFF);
	EXPECT_SHOW("woken", wfe_woken, 1);
}
