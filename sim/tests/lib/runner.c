// SPDX-License-Identifier: MIT
/* The test runner: runs every registered test in order (see test.h). */
#include "sim/tests/lib/test.h"

#include <stdarg.h>

#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/except.h"
#include "sim/tests/lib/mmu.h"
#include "sim/tests/lib/psci.h"

extern const struct test_case __tests_start[], __tests_end[];
extern const char test_image_name[];
extern char vectors[];

static uint32_t failures;	/* of the running test, any CPU (atomic add) */

void test_note_failure(void)
{
	__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
}

void test_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("  FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	test_note_failure();
}

bool test_expect_eq(const char *file, int line, const char *expr, uint64_t actual,
		    uint64_t expected)
{
	if (actual == expected)
		return true;
	test_fail_at(file, line, "%s = 0x%lx, expected 0x%lx", expr, actual, expected);
	return false;
}

bool test_expect_true(const char *file, int line, const char *expr, bool cond)
{
	if (!cond)
		test_fail_at(file, line, "%s", expr);
	return cond;
}

bool test_expect_show(const char *file, int line, const char *label, uint64_t actual,
		      uint64_t expected)
{
	printf("  %s = 0x%lx\n", label, actual);
	return test_expect_eq(file, line, label, actual, expected);
}

/* Undo what a test may have changed in the CPU state, so the next one starts clean. */
static void restore_defaults(void)
{
	asm volatile("msr daifset, #0xf" ::: "memory");
	except_clear_hooks();
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	write_sysreg(cpacr_el1, CPACR_FPEN_ALL);
	write_sysreg(fpcr, 0);
	write_sysreg(fpsr, 0);
	asm volatile("msr spsel, #1" ::: "memory");
	write_sysreg(vbar_el1, (uint64_t)vectors);
	mmu_restore_default();
}

static bool run_one(const struct test_case *t)
{
	struct cpu_context recovery;

	WRITE_ONCE(failures, 0);
	if (!ctx_save(&recovery)) {
		except_set_recovery(&recovery);
		t->fn();
	} else {
		printf("  test abandoned after an unexpected exception\n");
	}
	except_set_recovery(NULL);
	restore_defaults();
	printf("%s %s\n", READ_ONCE(failures) ? "FAIL" : "PASS", t->name);
	return !READ_ONCE(failures);
}

void test_main(void)
{
	unsigned n = (unsigned)(__tests_end - __tests_start), failed = 0, i;

	printf("IMAGE %s: %u tests\n", test_image_name, n);
	for (i = 0; i < n; i++)
		if (!run_one(&__tests_start[i]))
			failed++;
	printf("SUMMARY: %u tests, %u failed\n", n, failed);
	psci_system_off();
}
