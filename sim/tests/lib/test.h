/* SPDX-License-Identifier: MIT */
/*
 * Guest test runtime: test registration, checks and the runner.
 *
 * An image is a set of TEST(name) functions plus one TEST_IMAGE("name") line. TEST puts
 * a struct test_case into the .tests linker section; the runner (runner.c) calls every
 * test in link order (file order on the link line, then order inside a file), after
 * start.S has set up stack, vectors, FP/SIMD and the identity-mapped MMU. Output:
 *
 *   IMAGE <name>: <n> tests
 *   ...anything the test prints (indent it by two spaces)...
 *   PASS <test>            or   FAIL <test>
 *   SUMMARY: <n> tests, <m> failed
 *
 * after which the board is powered off with PSCI SYSTEM_OFF. A test fails when a check
 * fails or an unexpected exception happens (the test is then abandoned). Between tests
 * the runner puts back the default MMU setup, SCTLR, CPACR, VBAR, clears exception
 * hooks, masks interrupts and turns both timers off.
 *
 * Everything printed must be the same on QEMU and avf-sim: print architecturally
 * defined results (values, ESR fields, fault addresses in the image), never counter
 * values, timing, or ID registers that differ between CPU models.
 */
#ifndef SIMTEST_TEST_H
#define SIMTEST_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/tests/lib/console.h"

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST(tname)							\
	static void test_fn_##tname(void);				\
	static const struct test_case test_case_##tname			\
		__attribute__((used, section(".tests"), aligned(8))) =	\
		{ #tname, test_fn_##tname };				\
	static void test_fn_##tname(void)

/* Exactly one per image: the name printed in the IMAGE line. */
#define TEST_IMAGE(iname) const char test_image_name[] = iname

/* Record a failure of the running test (any CPU may call it). */
void test_note_failure(void);
/* Print "  FAIL file:line: message" and record a failure. */
void test_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool test_expect_eq(const char *file, int line, const char *expr, uint64_t actual,
		    uint64_t expected);
bool test_expect_true(const char *file, int line, const char *expr, bool cond);
bool test_expect_show(const char *file, int line, const char *label, uint64_t actual,
		      uint64_t expected);

#define FAIL(...)	test_fail_at(__FILE__, __LINE__, __VA_ARGS__)
/* Checks return whether they held, so a test can stop early: if (!EXPECT_EQ(..)) return; */
#define EXPECT_EQ(actual, expected)					\
	test_expect_eq(__FILE__, __LINE__, #actual, (uint64_t)(actual), (uint64_t)(expected))
/* Print "  <label> = 0x<actual>" (the line both boards must agree on), then check it. */
#define EXPECT_SHOW(label, actual, expected)				\
	test_expect_show(__FILE__, __LINE__, label, (uint64_t)(actual), (uint64_t)(expected))
#define EXPECT_TRUE(cond) test_expect_true(__FILE__, __LINE__, #cond, (cond))

/* Entry from start.S on the boot CPU. */
void test_main(void) __attribute__((noreturn));

#endif /* SIMTEST_TEST_H */
