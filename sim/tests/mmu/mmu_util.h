/* SPDX-License-Identifier: MIT */
/* mmu image helpers: scratch pages with known contents, switching to a test table. */
#ifndef SIMTEST_MMU_UTIL_H
#define SIMTEST_MMU_UTIL_H

#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/mmu.h"

/* A zeroed page from the pool whose first word is tag (identity mapped, RW). */
uint64_t tagged_page(uint64_t tag);
/* A new table of va_bits with the default identity map in it. */
void identity_table(struct pt *pt, unsigned va_bits);
/* Switch to pt through TTBR0 (with the T0SZ it needs), TTBR1 walks off. */
void use_ttbr0(const struct pt *pt);
/* Read a 64-bit word at va (may fault). */
uint64_t peek(uint64_t va);
void poke(uint64_t va, uint64_t v);
/* AT S1E1R/W: PAR_EL1 as (F ? FST | 1<<63 : PA of the page). */
uint64_t at_read(uint64_t va);
uint64_t at_write(uint64_t va);
#define AT_FAULT BIT(63)

#endif
