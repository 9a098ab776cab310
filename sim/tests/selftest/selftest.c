// SPDX-License-Identifier: MIT
/*
 * selftest: checks the runtime itself before other images rely on it (the
 * kvm-unit-tests selftest idea): printf formatting, the boot state (EL1, vectors, MMU,
 * FP/SIMD), PSCI, exception catching and recovery, test registration order. One test
 * fails on purpose; the manifest says so, which proves a failure is reported.
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/except.h"
#include "sim/tests/lib/mem.h"
#include "sim/tests/lib/mmu.h"
#include "sim/tests/lib/psci.h"
#include "sim/tests/lib/smp.h"
#include "sim/tests/lib/test.h"

TEST_IMAGE("selftest");

static unsigned order_seen;

static void expect_format(const char *expected, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void expect_format(const char *expected, const char *fmt, ...)
{
	char buf[80];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strcmp(buf, expected) || n != (int)strlen(expected))
		FAIL("format \"%s\": got \"%s\" (%d), expected \"%s\"", fmt, buf, n, expected);
}

TEST(registration_order_first)
{
	EXPECT_EQ(order_seen, 0);
	order_seen = 1;
}

TEST(registration_order_second)
{
	EXPECT_EQ(order_seen, 1);
}

TEST(printf_formats)
{
	char small[4];
	/* Through variables: the compiler would reject these as literals. */
	const char *volatile null_str = 0;
	const char *volatile bad_format = "%q";

	expect_format("42 -7 4294967295", "%d %i %u", 42, -7, 0xffffffffu);
	expect_format("ff FF 0x00ab", "%x %X 0x%04x", 255, 255, 0xab);
	expect_format("123456789abcdef0", "%lx", 0x123456789abcdef0ul);
	expect_format("-9223372036854775808", "%ld", (long)(1ul << 63));
	expect_format("18446744073709551615", "%lu", ~0ul);
	expect_format("[   7][7   ][007]", "[%4d][%-4d][%03d]", 7, 7, 7);
	expect_format("[-07][  -7]", "[%03d][%4d]", -7, -7);
	expect_format("[ab  ][  ab]", "[%-4s][%4s]", "ab", "ab");
	expect_format("c=x (null) 100%", "c=%c %s 100%%", 'x', null_str);
	expect_format("0x0000000040080000", "%p", (void *)0x40080000ul);
	expect_format("<q>", bad_format, 0);
	EXPECT_EQ(snprintf(small, sizeof(small), "%s", "abcdef"), 6);
	EXPECT_EQ(strcmp(small, "abc"), 0);
}

TEST(boot_state)
{
	extern char vectors[];
	uint64_t sctlr = read_sysreg(sctlr_el1);

	EXPECT_EQ(current_el(), 1);
	EXPECT_EQ(read_sysreg(vbar_el1), (uint64_t)vectors);
	EXPECT_EQ(sctlr & (SCTLR_M | SCTLR_C | SCTLR_I), SCTLR_M | SCTLR_C | SCTLR_I);
	EXPECT_EQ(read_sysreg(ttbr0_el1), (uint64_t)mmu_default_pt()->root);
	EXPECT_EQ((read_sysreg(cpacr_el1) >> 20) & 3, 3);
	EXPECT_EQ(read_sysreg(daif), PSR_DAIF);
	EXPECT_EQ(read_sysreg(spsel), 1);
	EXPECT_EQ(this_cpu(), 0);
	EXPECT_EQ(read_sysreg(mpidr_el1) & 0xff00ffffffull, 0);
}

TEST(fp_simd_usable)
{
	volatile double a = 1.5, b = 2.25;
	uint64_t bits;
	double sum = a + b;

	__builtin_memcpy(&bits, &sum, sizeof(bits));
	EXPECT_EQ(bits, 0x400e000000000000ull);	/* 3.75 */
}

TEST(psci_basics)
{
	int64_t version = psci_call(PSCI_VERSION, 0, 0, 0);

	/* Both boards implement at least PSCI 0.2 (CPU_ON, AFFINITY_INFO, SYSTEM_OFF). */
	EXPECT_TRUE(version >= 0x00000002);
	EXPECT_EQ(psci_affinity_info(smp_cpu_mpidr(0)), PSCI_AFFINITY_ON);
	EXPECT_EQ(psci_affinity_info(0xff), PSCI_RET_INVALID_PARAMETERS);
	printf("  CPUs: %u\n", smp_nr_cpus());
}

TEST(catch_brk)
{
	struct caught c;

	except_catch(&c, CATCH_SKIP);
	asm volatile("brk #0x7a");
	except_catch_end();
	EXPECT_TRUE(c.taken);
	EXPECT_EQ(c.kind, VEC_CUR_SPX_SYNC);
	EXPECT_EQ(c.esr, ((uint64_t)ESR_EC_BRK64 << 26) | ESR_IL | 0x7a);
}

/* An unexpected exception abandons the test; this one expects to be abandoned. */
static bool recovered_here;

TEST(unexpected_exception_is_reported)
{
	recovered_here = true;
	asm volatile("udf #0x5e");
	recovered_here = false;
}

TEST(after_unexpected_exception)
{
	EXPECT_TRUE(recovered_here);
	/* The runner restored the default state. */
	EXPECT_EQ(read_sysreg(daif), PSR_DAIF);
}

TEST(deliberate_failure)
{
	printf("  this test fails on purpose (manifest: failing_tests)\n");
	EXPECT_EQ(1 + 1, 3);
}
