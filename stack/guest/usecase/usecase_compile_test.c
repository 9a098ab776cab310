// SPDX-License-Identifier: Apache-2.0
/*
 * The compiler and the artifact interpreter: exact artifacts for small programs
 * (byte-for-byte), results of compiled programs run by the interpreter (precedence,
 * wrapping, division rules, locals, arguments), every compile error with its exact
 * message and errno, the safe symbol-table limit, the stack-depth limit, and the
 * interpreter refusing malformed artifacts. The deliberate bug is never turned on here
 * (it is undefined behaviour on the host; the payload's end-to-end test exercises it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "stack/guest/usecase/bytecode.h"
#include "stack/guest/usecase/compile.h"

static uint8_t art[4096];
static char err[COMPILE_ERROR_MAX];

static long compile(const char *src)
{
	return compile_source(src, strlen(src), NULL, art, sizeof(art), err);
}

/* Compile @src and run it on @args; assert it produced exactly @n outputs @want. */
static void check_program(const char *src, const int64_t *args, size_t nargs,
			  const int64_t *want, size_t n)
{
	int64_t out[32];
	size_t nout = 99;
	long len = compile(src);

	if (len < 0)
		fail_msg("%s: %s", src, err);
	assert_int_equal(bc_run(art, (size_t)len, args, nargs, out, 32, &nout), 0);
	assert_int_equal(nout, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(out[i], want[i]);
}

static void test_exact_artifact(void **state)
{
	static const uint8_t want[] = {
		'A', 'V', 'B', 'C', 1, 1, 1, 0, 29, 0, 0, 0,
		0x02, 0,				/* ARG 0 */
		0x01, 2, 0, 0, 0, 0, 0, 0, 0,		/* PUSH 2 (const k) */
		0x12,					/* MUL */
		0x04, 0,				/* STORE x */
		0x03, 0,				/* LOAD x */
		0x01, 1, 0, 0, 0, 0, 0, 0, 0,		/* PUSH 1 */
		0x15,					/* NEG: unary minus is an operator */
		0x10,					/* ADD */
		0x20,					/* OUT */
		0x00,					/* HALT */
	};
	long len = compile("const k = 2;  # a comment\nlet x = arg(0) * k;\nout x + -1;");

	(void)state;
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(art, want, sizeof(want));
	/* the same source always gives the same bytes */
	assert_int_equal(compile("const k = 2;  # a comment\nlet x = arg(0) * k;\nout x + -1;"),
			 len);
	assert_memory_equal(art, want, sizeof(want));
}

static void test_arithmetic(void **state)
{
	static const int64_t args[] = { 7, -3 };
	static const int64_t want[] = { 14, 20, -2, -1, 1, 2, -7, 0x10, 5 };

	(void)state;
	check_program("out 2 + 3 * 4;\n"
		      "out (2 + 3) * 4;\n"
		      "out arg(0) / arg(1);\n"		/* truncation toward zero */
		      "out arg(0) % arg(1) - 2;\n"
		      "out arg(0) % 3;\n"
		      "out --2;\n"
		      "let a = arg(0); let b = -a; out b;\n"
		      "const h = 0x10; out h;\n"
		      "out 1 - 2 + 6;\n",
		      args, 2, want, 9);
}

static void test_wrapping_and_division_edges(void **state)
{
	static const int64_t want[] = { INT64_MIN, INT64_MIN, 0, INT64_MIN, -1, INT64_MAX };

	(void)state;
	check_program("out 9223372036854775807 + 1;\n"
		      "out -9223372036854775808 / -1;\n"
		      "out -9223372036854775808 % -1;\n"
		      "const m = -9223372036854775808; out m;\n"
		      "out 0xffffffffffffffff;\n"
		      "out 0x7fffffffffffffff;\n",
		      NULL, 0, want, 6);
}

static void test_division_by_zero_at_run_time(void **state)
{
	int64_t out[4], args[1] = { 0 };
	size_t nout;
	long len = compile("out 1; out 5 / arg(0);");

	(void)state;
	assert_true(len > 0);
	assert_int_equal(bc_run(art, (size_t)len, args, 1, out, 4, &nout), -EDOM);
	len = compile("out 5 % 0;");
	assert_int_equal(bc_run(art, (size_t)len, NULL, 0, out, 4, &nout), -EDOM);
}

static void test_missing_arguments_and_outputs(void **state)
{
	int64_t out[1], args[2] = { 1, 2 };
	size_t nout;
	long len = compile("out arg(1);");

	(void)state;
	assert_int_equal(art[6], 2);	/* nargs */
	assert_int_equal(bc_run(art, (size_t)len, args, 1, out, 1, &nout), -ERANGE);
	assert_int_equal(bc_run(art, (size_t)len, args, 2, out, 1, &nout), 0);
	assert_int_equal(out[0], 2);
	len = compile("out 1; out 2;");
	assert_int_equal(bc_run(art, (size_t)len, NULL, 0, out, 1, &nout), -E2BIG);
}

struct bad_source {
	const char *src;
	long code;
	const char *message;
};

static const struct bad_source bad_sources[] = {
	{ "out 1", -EINVAL, "line 1 col 6: expected ';'" },
	{ "out x;", -EINVAL, "line 1 col 5: undefined name 'x'" },
	{ "let x = 1;\nlet x = 2;", -EINVAL, "line 2 col 5: redefinition of 'x'" },
	{ "let y = y;", -EINVAL, "line 1 col 9: undefined name 'y'" },
	{ "out 18446744073709551616;", -EINVAL, "line 1 col 5: integer out of range" },
	{ "out 0x;", -EINVAL, "line 1 col 5: hexadecimal integer without digits" },
	{ "out 12ab;", -EINVAL, "line 1 col 5: letters after an integer" },
	{ "out arg(16);", -EINVAL, "line 1 col 9: arg() takes an index from 0 to 15" },
	{ "out arg 1;", -EINVAL, "line 1 col 9: expected '(' after arg" },
	{ "out (1;", -EINVAL, "line 1 col 7: expected ')'" },
	{ "out 1 $ 2;", -EINVAL, "line 1 col 7: unexpected character" },
	{ "Out 1;", -EINVAL, "line 1 col 1: unexpected character" },
	{ "1;", -EINVAL, "line 1 col 1: expected const, let or out" },
	{ "out ;", -EINVAL, "line 1 col 5: expected an expression" },
	{ "const c = x;", -EINVAL, "line 1 col 11: a constant takes an integer" },
	{ "let = 1;", -EINVAL, "line 1 col 5: expected a name" },
	{ "let a 1;", -EINVAL, "line 1 col 7: expected '='" },
	{ "let abcdefghijklmnop = 1;", -EINVAL, "line 1 col 5: name longer than 15 characters" },
	{ "let out = 1;", -EINVAL, "line 1 col 5: expected a name" },
	{ "\n\n  out\t1 +;", -EINVAL, "line 3 col 10: expected an expression" },
};

static void test_compile_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_sources) / sizeof(bad_sources[0]); i++) {
		long ret = compile(bad_sources[i].src);

		if (ret != bad_sources[i].code || strcmp(err, bad_sources[i].message))
			fail_msg("%s: got %ld '%s', want %ld '%s'", bad_sources[i].src, ret, err,
				 bad_sources[i].code, bad_sources[i].message);
	}
	/* a NUL byte inside the given length */
	assert_int_equal(compile_source("out 1;\0", 7, NULL, art, sizeof(art), err), -EINVAL);
	assert_string_equal(err, "line 1 col 7: unexpected character");
}

/* Sixteen names fit; the safe path refuses the seventeenth with -ENOSPC. */
static void test_symbol_table_limit(void **state)
{
	char src[1024];
	size_t n = 0;
	struct compile_options safe = { .deliberate_symtab_bug = false };
	int64_t out[2];
	size_t nout;
	long len;

	(void)state;
	for (int i = 0; i < COMPILE_MAX_SYMBOLS; i++)
		n += (size_t)snprintf(src + n, sizeof(src) - n, "const c%d = %d;\n", i, i * 10);
	n += (size_t)snprintf(src + n, sizeof(src) - n, "out c15 + c1;\n");
	len = compile_source(src, n, &safe, art, sizeof(art), err);
	assert_true(len > 0);
	assert_int_equal(bc_run(art, (size_t)len, NULL, 0, out, 2, &nout), 0);
	assert_int_equal(nout, 1);
	assert_int_equal(out[0], 160);
	n += (size_t)snprintf(src + n, sizeof(src) - n, "let extra = 1;\n");
	assert_int_equal(compile_source(src, n, &safe, art, sizeof(art), err), -ENOSPC);
	assert_string_equal(err, "line 18 col 5: too many names (16 at most) 'extra'");
}

/* Parentheses nest at most COMPILE_MAX_DEPTH deep; the code's stack need is bounded. */
static void test_nesting_and_stack_limits(void **state)
{
	char src[4096];
	size_t n = 0;
	int64_t out[1];
	size_t nout;
	long len;

	(void)state;
	/* 1+(1+(1+...)): each level keeps one value on the stack */
	n += (size_t)snprintf(src, sizeof(src), "out ");
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(src + n, sizeof(src) - n, "1+(");
	n += (size_t)snprintf(src + n, sizeof(src) - n, "1");
	for (int i = 0; i < 30; i++)
		src[n++] = ')';
	src[n++] = ';';
	len = compile_source(src, n, NULL, art, sizeof(art), err);
	assert_true(len > 0);
	assert_int_equal(bc_run(art, (size_t)len, NULL, 0, out, 1, &nout), 0);
	assert_int_equal(out[0], 31);
	/* deeper than COMPILE_MAX_DEPTH */
	n = (size_t)snprintf(src, sizeof(src), "out ");
	for (int i = 0; i < 40; i++)
		src[n++] = '(';
	src[n++] = '1';
	for (int i = 0; i < 40; i++)
		src[n++] = ')';
	src[n++] = ';';
	assert_int_equal(compile_source(src, n, NULL, art, sizeof(art), err), -EINVAL);
	assert_string_equal(err, "line 1 col 37: nested too deeply");
	/* 1+2*(1+2*(...1+2*3)): two values held per level, three innermost: 65 > 64 */
	n = (size_t)snprintf(src, sizeof(src), "out ");
	for (int i = 0; i < 31; i++)
		n += (size_t)snprintf(src + n, sizeof(src) - n, "1+2*(");
	n += (size_t)snprintf(src + n, sizeof(src) - n, "1+2*3");
	for (int i = 0; i < 31; i++)
		src[n++] = ')';
	src[n++] = ';';
	assert_int_equal(compile_source(src, n, NULL, art, sizeof(art), err), -E2BIG);
	assert_string_equal(err, "line 1 col 165: expression too deep for the stack");
}

static void test_output_too_small(void **state)
{
	(void)state;
	assert_int_equal(compile_source("out 1;", 6, NULL, art, 11, err), -ENOSPC);
	assert_int_equal(compile_source("out 1;", 6, NULL, art, 21, err), -ENOSPC);
	assert_string_equal(err, "line 1 col 6: the artifact does not fit");
	assert_int_equal(compile_source("out 1;", 6, NULL, art, 23, err), 23);
}

/* Malformed artifacts: every header field, unknown opcodes, truncation, underflow. */
static void test_interpreter_refuses_malformed(void **state)
{
	int64_t out[4];
	size_t nout;
	long len = compile("let a = 1; out a;");
	uint8_t copy[64];

	(void)state;
	assert_true(len > 0 && (size_t)len < sizeof(copy));
	for (size_t i = 0; i < 12; i++) {
		memcpy(copy, art, (size_t)len);
		copy[i] ^= 0x40;
		assert_int_equal(bc_run(copy, (size_t)len, NULL, 0, out, 4, &nout), -EINVAL);
	}
	for (long cut = 0; cut < len; cut++)
		assert_int_equal(bc_run(art, (size_t)cut, NULL, 0, out, 4, &nout), -EINVAL);
	{
		static const uint8_t underflow[] = { 'A', 'V', 'B', 'C', 1, 0, 0, 0, 2, 0, 0, 0,
						     0x20, 0x00 };
		static const uint8_t unknown[] = { 'A', 'V', 'B', 'C', 1, 0, 0, 0, 2, 0, 0, 0,
						   0x77, 0x00 };
		static const uint8_t bad_local[] = { 'A', 'V', 'B', 'C', 1, 1, 0, 0, 3, 0, 0, 0,
						     0x03, 0x01, 0x00 };
		static const uint8_t no_halt[] = { 'A', 'V', 'B', 'C', 1, 0, 0, 0, 1, 0, 0, 0,
						   0x15 };
		static const uint8_t halt_early[] = { 'A', 'V', 'B', 'C', 1, 0, 0, 0, 2, 0, 0, 0,
						      0x00, 0x00 };

		assert_int_equal(bc_run(underflow, sizeof(underflow), NULL, 0, out, 4, &nout),
				 -EINVAL);
		assert_int_equal(bc_run(unknown, sizeof(unknown), NULL, 0, out, 4, &nout), -EINVAL);
		assert_int_equal(bc_run(bad_local, sizeof(bad_local), NULL, 0, out, 4, &nout),
				 -EINVAL);
		assert_int_equal(bc_run(no_halt, sizeof(no_halt), NULL, 0, out, 4, &nout), -EINVAL);
		assert_int_equal(bc_run(halt_early, sizeof(halt_early), NULL, 0, out, 4, &nout),
				 -EINVAL);
	}
}

/* A hand-made artifact deeper than the interpreter's stack is refused with -E2BIG. */
static void test_interpreter_stack_limit(void **state)
{
	uint8_t big[12 + 2 * (BC_MAX_STACK + 1) + 1] = { 'A', 'V', 'B', 'C', 1, 0, 1, 0 };
	int64_t args[1] = { 3 }, out[1];
	size_t nout, n = 12;

	(void)state;
	for (int i = 0; i <= BC_MAX_STACK; i++) {
		big[n++] = 0x02;
		big[n++] = 0;
	}
	big[n++] = 0x00;
	big[8] = (uint8_t)(n - 12);
	assert_int_equal(bc_run(big, n, args, 1, out, 1, &nout), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_artifact),
		cmocka_unit_test(test_arithmetic),
		cmocka_unit_test(test_wrapping_and_division_edges),
		cmocka_unit_test(test_division_by_zero_at_run_time),
		cmocka_unit_test(test_missing_arguments_and_outputs),
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_symbol_table_limit),
		cmocka_unit_test(test_nesting_and_stack_limits),
		cmocka_unit_test(test_output_too_small),
		cmocka_unit_test(test_interpreter_refuses_malformed),
		cmocka_unit_test(test_interpreter_stack_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
