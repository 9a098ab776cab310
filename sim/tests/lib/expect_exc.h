/* SPDX-License-Identifier: MIT */
/*
 * Guest test runtime: print the architecturally defined parts of a caught
 * exception and check them. Only EC, IL and (for aborts) WnR and the fault status code
 * are printed from ESR: ISS bits such as ISV are IMPLEMENTATION DEFINED for aborts
 * taken to EL1 and differ between models.
 */
#ifndef SIMTEST_EXPECT_EXC_H
#define SIMTEST_EXPECT_EXC_H

#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/except.h"
#include "sim/tests/lib/test.h"

struct want {
	unsigned vector;
	unsigned ec;
	int fsc;	/* -1: not an abort */
	int wnr;	/* -1: not checked */
	uint64_t far;	/* checked for aborts */
};

bool expect_caught(const char *file, int line, const char *label, const struct caught *c,
		   struct want w);
#define EXPECT_CAUGHT(label, c, ...) \
	expect_caught(__FILE__, __LINE__, label, c, (struct want){ __VA_ARGS__ })

/*
 * Branch with link to target, as a call that faults would: with except_catch(...,
 * CATCH_RETURN) armed, a fault at target resumes right after the call. Caller-saved
 * registers are clobbered.
 */
void call_address(uint64_t target);

#endif
