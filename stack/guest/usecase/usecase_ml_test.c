// SPDX-License-Identifier: Apache-2.0
/*
 * The int8 network: the four strokes classified right; exact logits for fixed inputs
 * computed here by a straightforward reference of the documented arithmetic (int64
 * throughout, division-free rounding), on 2000 seeded random inputs including the int8
 * extremes; the response encoding and refusals.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "stack/guest/usecase/ml.h"

/* The arithmetic of ml.h, written independently (floor division instead of shifts). */
static void reference(const int8_t x[ML_INPUTS], int64_t logits[ML_OUTPUTS])
{
	int64_t h[ML_HIDDEN];

	for (int j = 0; j < ML_HIDDEN; j++) {
		int64_t acc = ml_b1[j], num;

		for (int i = 0; i < ML_INPUTS; i++)
			acc += (int64_t)x[i] * ml_w1[j][i];
		num = acc * ML_M1 + (1 << (ML_S1 - 1));
		/* floor(num / 2^S1) */
		h[j] = num >= 0 ? num / (1 << ML_S1) : -((-num + (1 << ML_S1) - 1) / (1 << ML_S1));
		h[j] = h[j] < 0 ? 0 : h[j] > 127 ? 127 : h[j];
	}
	for (int k = 0; k < ML_OUTPUTS; k++) {
		logits[k] = ml_b2[k];
		for (int j = 0; j < ML_HIDDEN; j++)
			logits[k] += h[j] * ml_w2[k][j];
	}
}

static void stroke(int kind, int8_t x[ML_INPUTS])
{
	memset(x, 0, ML_INPUTS);
	for (int i = 0; i < 4; i++) {
		int pixel = kind == 0 ? 1 * 4 + i : kind == 1 ? i * 4 + 2 : kind == 2 ? i * 5
			    : i * 4 + 3 - i;

		x[pixel] = 127;
	}
}

static void test_strokes(void **state)
{
	(void)state;
	for (int kind = 0; kind < 4; kind++) {
		int8_t x[ML_INPUTS];
		struct ml_result r;

		stroke(kind, x);
		ml_infer(x, &r);
		assert_int_equal(r.cls, kind);
		assert_int_equal(r.score, r.logits[kind]);
	}
}

static void test_against_reference(void **state)
{
	uint64_t seed = 7;

	(void)state;
	for (int iter = 0; iter < 2000; iter++) {
		int8_t x[ML_INPUTS];
		int64_t want[ML_OUTPUTS];
		struct ml_result r;
		unsigned best = 0;

		for (int i = 0; i < ML_INPUTS; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			x[i] = iter < 2 ? (int8_t)(iter ? -128 : 127) : (int8_t)(seed >> 56);
		}
		reference(x, want);
		ml_infer(x, &r);
		for (int k = 0; k < ML_OUTPUTS; k++) {
			assert_int_equal(r.logits[k], want[k]);
			if (want[k] > want[best])
				best = (unsigned)k;
		}
		assert_int_equal(r.cls, best);
	}
}

/* The exact response bytes for the vertical stroke. */
static void test_handle(void **state)
{
	int8_t x[ML_INPUTS];
	uint8_t resp[8];
	size_t n;
	struct ml_result r;

	(void)state;
	stroke(1, x);
	ml_infer(x, &r);
	assert_int_equal(ml_handle(ML_METHOD_INFER, (const uint8_t *)x, 16, resp, 8, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(resp[0], 1);
	assert_int_equal((int32_t)(resp[1] | resp[2] << 8 | resp[3] << 16 | (uint32_t)resp[4] << 24),
			 r.score);
	assert_int_equal(ml_handle(ML_METHOD_INFER, (const uint8_t *)x, 15, resp, 8, &n), -EINVAL);
	assert_int_equal(ml_handle(ML_METHOD_INFER, (const uint8_t *)x, 17, resp, 8, &n), -EINVAL);
	assert_int_equal(ml_handle(ML_METHOD_INFER, (const uint8_t *)x, 16, resp, 4, &n), -ENOSPC);
	assert_int_equal(ml_handle(0x31, (const uint8_t *)x, 16, resp, 8, &n), -ENOSYS);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strokes),
		cmocka_unit_test(test_against_reference),
		cmocka_unit_test(test_handle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
