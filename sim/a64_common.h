/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the A64 base-integer decoders (a64_dp_imm.c, a64_dp_reg.c,
 * a64_branch.c, a64_ldst.c, a64_atomic.c). Private to those files.
 *
 * Register slots. Decoders resolve the meaning of register number 31 once:
 *   - where 31 is XZR, the handler reads c->x[n] directly (c->x[31] is always 0);
 *   - where 31 is SP, the decoder stores slot A64_SLOT_SP (32) and the handler goes
 *     through a64_slot(), which addresses c->x[0..31] and c->sp as one array (sp
 *     follows x[] in struct sim_cpu, checked below). No run-time test of "is it 31".
 * Handlers whose only effect is writing XZR are replaced by sim_a64_nop at decode time,
 * so register-writing handlers may store to c->x[rd] without re-zeroing c->x[31].
 */
#ifndef AVF_SIM_A64_COMMON_H
#define AVF_SIM_A64_COMMON_H

#include <stddef.h>

#include "sim/internal.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the A64 load/store code assumes a little-endian host"
#endif

#define A64_SLOT_SP 32u

_Static_assert(offsetof(struct sim_cpu, sp) == offsetof(struct sim_cpu, x) + 32 * 8,
	       "a64_slot() needs sp right after x[31]");

/* Bits [hi:lo] of insn. */
static inline uint32_t a64_bits(uint32_t insn, unsigned hi, unsigned lo)
{
	return (insn >> lo) & ((2u << (hi - lo)) - 1);
}

static inline uint32_t a64_bit(uint32_t insn, unsigned n)
{
	return (insn >> n) & 1;
}

/* Sign-extend the low `width` bits of v. */
static inline int64_t a64_sext(uint64_t v, unsigned width)
{
	return (int64_t)(v << (64 - width)) >> (64 - width);
}

/* Register number as a slot where 31 means SP. */
static inline uint8_t a64_slot_sp(unsigned r)
{
	return r == 31 ? A64_SLOT_SP : (uint8_t)r;
}

/* X register or SP by slot (0..30, 31 = XZR which reads 0, 32 = SP). */
static inline uint64_t *a64_slot(struct sim_cpu *c, unsigned slot)
{
	return (uint64_t *)((char *)c + offsetof(struct sim_cpu, x) + (size_t)slot * 8);
}

/* NZ flags of a result. */
static inline uint32_t a64_nz64(uint64_t r)
{
	return ((uint32_t)(r >> 32) & SIM_N) | (r ? 0 : SIM_Z);
}

static inline uint32_t a64_nz32(uint32_t r)
{
	return (r & SIM_N) | (r ? 0 : SIM_Z);
}

/* ADDS/SUBS flag computations; they return the result and set c->nzcv. */
static inline uint64_t a64_adds64(struct sim_cpu *c, uint64_t a, uint64_t b)
{
	uint64_t r;
	int64_t sr;
	bool cf = __builtin_add_overflow(a, b, &r);
	bool vf = __builtin_add_overflow((int64_t)a, (int64_t)b, &sr);

	c->nzcv = a64_nz64(r) | (cf ? SIM_C : 0) | (vf ? SIM_V : 0);
	return r;
}

static inline uint32_t a64_adds32(struct sim_cpu *c, uint32_t a, uint32_t b)
{
	uint32_t r;
	int32_t sr;
	bool cf = __builtin_add_overflow(a, b, &r);
	bool vf = __builtin_add_overflow((int32_t)a, (int32_t)b, &sr);

	c->nzcv = a64_nz32(r) | (cf ? SIM_C : 0) | (vf ? SIM_V : 0);
	return r;
}

/* a - b: C is "no borrow" (a >= b unsigned), as AddWithCarry(a, NOT b, 1) gives. */
static inline uint64_t a64_subs64(struct sim_cpu *c, uint64_t a, uint64_t b)
{
	uint64_t r = a - b;
	int64_t sr;
	bool vf = __builtin_sub_overflow((int64_t)a, (int64_t)b, &sr);

	c->nzcv = a64_nz64(r) | (a >= b ? SIM_C : 0) | (vf ? SIM_V : 0);
	return r;
}

static inline uint32_t a64_subs32(struct sim_cpu *c, uint32_t a, uint32_t b)
{
	uint32_t r = a - b;
	int32_t sr;
	bool vf = __builtin_sub_overflow((int32_t)a, (int32_t)b, &sr);

	c->nzcv = a64_nz32(r) | (a >= b ? SIM_C : 0) | (vf ? SIM_V : 0);
	return r;
}

/*
 * Conditions as truth tables: bit f of the table says whether the condition holds when
 * NZCV == f. The decoder builds the table once (stored in sim_insn.pad); the handler
 * tests it with one shift, whatever the condition.
 */
static inline uint32_t a64_cond_table(unsigned cond)
{
	uint32_t t = 0;

	for (uint32_t f = 0; f < 16; f++)
		if (sim_cond_holds(f << 28, cond))
			t |= 1u << f;
	return t;
}

static inline bool a64_cond(const struct sim_cpu *c, uint32_t table)
{
	return (table >> (c->nzcv >> 28)) & 1;
}

#define A64_ALWAYS_INLINE inline __attribute__((always_inline))

/*
 * A load/store whose base register is SP: the SP alignment check (SCTLR_EL1.SA/SA0)
 * applies to the SP value itself, before any offset. False: the fault is raised.
 */
static inline bool a64_sp_base_ok(struct sim_cpu *c)
{
	return likely(!(c->sp & 15)) || sim_check_sp_align(c, c->sp);
}

/* Does nothing but advance the PC (an instruction whose only result goes to XZR). */
void sim_a64_nop(struct sim_cpu *c, const struct sim_insn *in);

/*
 * Sub-decoders of the loads-and-stores class shared between a64_ldst.c (which routes)
 * and a64_atomic.c: load/store exclusive, ordered and compare-and-swap (bits 29:28 = 00);
 * the atomic memory operations (LDADD..., SWP, LDAPR).
 */
bool sim_a64_decode_excl_ordered(uint32_t insn, struct sim_insn *out);	/* a64_atomic.c */
bool sim_a64_decode_atomic_memop(uint32_t insn, struct sim_insn *out);	/* a64_atomic.c */
/*
 * a64_ldst.c: fill *out for a single-register acquire/release access of 1 << size bytes
 * at [Rn] (LDAR, STLR, LDAPR, LDLAR, STLLR), loads zero-extending into Rt = insn<4:0>.
 */
void sim_a64_fill_acqrel(uint32_t insn, struct sim_insn *out, unsigned size, bool load);

/* Fill the parts of *out every decoder sets. */
static inline void a64_insn_init(struct sim_insn *out, uint32_t insn, sim_exec_fn fn)
{
	memset(out, 0, sizeof(*out));
	out->fn = fn;
	out->raw = insn;
}

#endif /* AVF_SIM_A64_COMMON_H */
