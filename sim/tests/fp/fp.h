/* SPDX-License-Identifier: MIT */
/*
 * fp image helpers: run one FP instruction on bit patterns with FPSR cleared first, and
 * print/check the result bits together with the cumulative exception flags it raised.
 * Operands and results are raw IEEE bit patterns so both boards print the same text.
 */
#ifndef SIMTEST_FP_H
#define SIMTEST_FP_H

#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/test.h"

/* FPSR cumulative flags. */
#define IOC	0x01u
#define DZC	0x02u
#define OFC	0x04u
#define UFC	0x08u
#define IXC	0x10u
#define IDC	0x80u

/* FPCR controls. */
#define FPCR_RN		(0ull << 22)
#define FPCR_RP		(1ull << 22)
#define FPCR_RM		(2ull << 22)
#define FPCR_RZ		(3ull << 22)
#define FPCR_FZ		(1ull << 24)
#define FPCR_DN		(1ull << 25)

struct fp_result {
	uint64_t bits;
	uint32_t flags;
};

/* insn on d registers: "fadd d0, d0, d1" style, operands a (d0) and b (d1). */
#define FP_D2(insn, a, b) ({							\
	struct fp_result r_;							\
	uint64_t fpsr_;								\
	asm volatile("msr fpsr, xzr\n\t"					\
		     "fmov d0, %2\n\t"						\
		     "fmov d1, %3\n\t"						\
		     insn "\n\t"						\
		     "fmov %0, d0\n\t"						\
		     "mrs %1, fpsr"						\
		     : "=r"(r_.bits), "=r"(fpsr_)				\
		     : "r"((uint64_t)(a)), "r"((uint64_t)(b))			\
		     : "v0", "v1", "v2", "memory");				\
	r_.flags = (uint32_t)fpsr_;						\
	r_;									\
})
/* Three d operands (d0, d1, d2) for fused multiply-add. */
#define FP_D3(insn, a, b, c) ({							\
	struct fp_result r_;							\
	uint64_t fpsr_;								\
	asm volatile("msr fpsr, xzr\n\t"					\
		     "fmov d0, %2\n\t"						\
		     "fmov d1, %3\n\t"						\
		     "fmov d2, %4\n\t"						\
		     insn "\n\t"						\
		     "fmov %0, d0\n\t"						\
		     "mrs %1, fpsr"						\
		     : "=r"(r_.bits), "=r"(fpsr_)				\
		     : "r"((uint64_t)(a)), "r"((uint64_t)(b)), "r"((uint64_t)(c)) \
		     : "v0", "v1", "v2", "memory");				\
	r_.flags = (uint32_t)fpsr_;						\
	r_;									\
})
/* A conversion whose result is in general register x0 (operand in d0). */
#define FP_TO_X(insn, a) ({							\
	struct fp_result r_;							\
	uint64_t fpsr_;								\
	asm volatile("msr fpsr, xzr\n\t"					\
		     "fmov d0, %2\n\t"						\
		     insn "\n\t"						\
		     "mov %0, x9\n\t"						\
		     "mrs %1, fpsr"						\
		     : "=r"(r_.bits), "=r"(fpsr_)				\
		     : "r"((uint64_t)(a))					\
		     : "v0", "x9", "memory");					\
	r_.flags = (uint32_t)fpsr_;						\
	r_;									\
})

void fp_expect(const char *file, int line, const char *label, struct fp_result got,
	       uint64_t bits, uint32_t flags);
#define EXPECT_FP(label, got, bits, flags) fp_expect(__FILE__, __LINE__, label, got, bits, flags)

/* Set FPCR (rounding mode, FZ, DN) for the following operations. */
static inline void fpcr_set(uint64_t v)
{
	write_sysreg(fpcr, v);
	isb();
}

#endif /* SIMTEST_FP_H */
