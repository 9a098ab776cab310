// SPDX-License-Identifier: MIT
/*
 * Address planning for loads and stores: every access of a generated sequence lands
 * inside the scratch block. A memory instruction is preceded by setup words that load
 * its base register (and index register) with values chosen so that the effective
 * address, computed by the instruction itself, is one the planner picked.
 */
#include "sim/risu/risu.h"

uint64_t risu_mem_pick(struct risu_ctx *x, unsigned size, unsigned align)
{
	uint64_t slots = (RISU_SCRATCH_SIZE - size) / align + 1;

	/* Favour the page boundary in the middle now and then: accesses that cross it
	 * take the simulator's split path. */
	if (align < size && risu_rng_chance(x->rng, 1, 8)) {
		uint64_t ea = RISU_SCRATCH_VA + RISU_SCRATCH_SIZE / 2 -
			      risu_rng_range(x->rng, 1, size - 1);

		return ea & ~(uint64_t)(align - 1);
	}
	return RISU_SCRATCH_VA + risu_rng_below(x->rng, slots) * align;
}

unsigned risu_pick_reg(struct risu_ctx *x, uint32_t avoid)
{
	unsigned r;

	avoid |= 1u << 31;
	if ((avoid & 0x7fffffffu) == 0x7fffffffu)
		return 0;	/* cannot happen with the tables' handful of operands */
	do
		r = (unsigned)risu_rng_below(x->rng, 31);
	while (avoid & (1u << r));
	return r;
}

void risu_mem_set_base(struct risu_ctx *x, unsigned rn, uint64_t base, uint32_t avoid)
{
	if (rn != 31) {
		risu_emit_mov(x, rn, base);
		return;
	}
	/* SP: through a temporary, then ADD SP, Xt, #0 (the MOV to/from SP alias). */
	unsigned t = risu_pick_reg(x, avoid);

	risu_emit_mov(x, t, base);
	risu_emit(x, 0x91000000u | t << 5 | 31);
}
