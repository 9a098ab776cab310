// SPDX-License-Identifier: MIT
/* Checking a caught exception (see expect_exc.h). */
#include "sim/tests/lib/expect_exc.h"

bool expect_caught(const char *file, int line, const char *label, const struct caught *c,
		   struct want w)
{
	unsigned ec = ESR_EC(c->esr);
	bool ok;

	if (!c->taken) {
		test_fail_at(file, line, "%s: no exception", label);
		return false;
	}
	printf("  %s: %s EC=0x%02x IL=%lu", label, vector_name(c->kind), ec,
	       (c->esr >> 25) & 1);
	if (w.fsc >= 0)
		printf(" WnR=%lu FSC=0x%02lx FAR=0x%lx", ESR_WNR(c->esr), ESR_xFSC(c->esr), c->far);
	printf("\n");
	ok = c->kind == w.vector && ec == w.ec && (c->esr & ESR_IL);
	if (w.fsc >= 0)
		ok = ok && ESR_xFSC(c->esr) == (uint64_t)w.fsc && c->far == w.far;
	if (w.wnr >= 0)
		ok = ok && ESR_WNR(c->esr) == (uint64_t)w.wnr;
	if (!ok)
		test_fail_at(file, line, "%s: expected %s EC=0x%02x FSC=0x%02x WnR=%d FAR=0x%lx",
			     label, vector_name(w.vector), w.ec, w.fsc, w.wnr, w.far);
	return ok;
}

/* Branch with link to target: the fault's x30 brings us back (CATCH_RETURN). */
void call_address(uint64_t target)
{
	asm volatile("blr %0" :: "r"(target)
		     : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
		       "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x30", "memory");
}
