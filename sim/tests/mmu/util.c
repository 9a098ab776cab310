// SPDX-License-Identifier: MIT
/* mmu image helpers (see mmu_util.h). */
#include "sim/tests/mmu/mmu_util.h"

uint64_t tagged_page(uint64_t tag)
{
	uint64_t *p = pt_alloc_page();

	p[0] = tag;
	return (uint64_t)p;
}

void identity_table(struct pt *pt, unsigned va_bits)
{
	pt_init(pt, va_bits);
	mmu_map_identity(pt);
}

void use_ttbr0(const struct pt *pt)
{
	uint64_t tcr = (mmu_default_tcr() & ~0x3full) | TCR_T0SZ(pt->va_bits);

	mmu_switch((uint64_t)pt->root, 0, tcr, mmu_default_sctlr());
}

uint64_t peek(uint64_t va)
{
	uint64_t v;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(va) : "memory");
	return v;
}

void poke(uint64_t va, uint64_t v)
{
	asm volatile("str %0, [%1]" :: "r"(v), "r"(va) : "memory");
}

/* PAR_EL1: F (bit 0); on a fault FST in [6:1], else PA in [47:12]. */
static uint64_t par_summary(void)
{
	uint64_t par = read_sysreg(par_el1);

	if (par & 1)
		return AT_FAULT | ((par >> 1) & 0x3f);
	return par & 0x0000fffffffff000ull;
}

uint64_t at_read(uint64_t va)
{
	asm volatile("at s1e1r, %0\n\tisb" :: "r"(va) : "memory");
	return par_summary();
}

uint64_t at_write(uint64_t va)
{
	asm volatile("at s1e1w, %0\n\tisb" :: "r"(va) : "memory");
	return par_summary();
}
