/* SPDX-License-Identifier: MIT */
/*
 * Guest test runtime: running code at EL0.
 *
 * EL0 code and data live in their own sections, which the default map makes accessible
 * to EL0 (everything else is EL1-only):
 *   EL0_TEXT  functions: read-only at both ELs, executable at EL0 only
 *   EL0_DATA  variables: read-write at both ELs, never executable
 * EL0 code can call only EL0_TEXT code and touch only EL0_DATA (and must not make the
 * compiler emit calls to memcpy/memset); string literals are EL1-only rodata.
 *
 * el0_call(fn, arg) runs fn(arg) at EL0t on a per-CPU EL0 stack and returns its result
 * when fn returns (its return goes through an SVC #EL0_EXIT_SVC trampoline).
 */
#ifndef SIMTEST_EL0_H
#define SIMTEST_EL0_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/tests/lib/except.h"

#define EL0_TEXT	__attribute__((section(".el0.text"), noinline))
#define EL0_DATA	__attribute__((section(".el0.data")))

/* SVC immediate reserved for "EL0 function returned" (x0 = result). */
#define EL0_EXIT_SVC	0xffff

typedef uint64_t (*el0_fn)(uint64_t arg);

/* Run fn(arg) at EL0 with IRQs, FIQs, SErrors and debug masked. */
uint64_t el0_call(el0_fn fn, uint64_t arg);
/* Same, with the given DAIF bits (PSR_D/A/I/F) in EL0's PSTATE. */
uint64_t el0_call_daif(el0_fn fn, uint64_t arg, uint64_t daif);

/* From a sync hook: end the EL0 call in progress; el0_call() returns val. */
void el0_kill(struct except_frame *f, uint64_t val);

/* Used by except.c: handles the exit SVC; true if it did. */
bool el0_handle_exit(struct except_frame *f);

#endif /* SIMTEST_EL0_H */
