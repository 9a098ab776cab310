/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the FP/SIMD decoders and handlers (a64_simd*.c, a64_fp.c,
 * a64_ldst_simd.c). Private to those files.
 *
 * Every handler starts with simd_access_ok(): the CPACR_EL1.FPEN check. FPEN == 0b11
 * never traps (EL2/EL3 traps are not simulated), so that case is tested inline and only
 * the others go to sim_fp_check(), which raises the trap when it applies.
 *
 * Register writes follow the architecture: a scalar or 64-bit vector result zeroes the
 * rest of the 128-bit register.
 */
#ifndef AVF_SIM_A64_SIMD_H
#define AVF_SIM_A64_SIMD_H

#include "sim/internal.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the SIMD register file model assumes a little-endian host"
#endif

#define SIMD_INLINE static inline __attribute__((always_inline))

#define CPACR_FPEN_ALL	(3ull << 20)

SIMD_INLINE bool simd_access_ok(struct sim_cpu *c)
{
	if (likely((c->sysreg[SR_CPACR_EL1] & CPACR_FPEN_ALL) == CPACR_FPEN_ALL))
		return true;
	return sim_fp_check(c);
}

/*
 * GCC/Clang vector types for lane-parallel handlers. A handler loads whole registers,
 * computes all lanes and stores with simd_vstore(), which applies the lane mask of
 * scalar forms and zeroes the upper half for 64-bit vectors.
 */
typedef uint8_t v16u8 __attribute__((vector_size(16)));
typedef uint16_t v8u16 __attribute__((vector_size(16)));
typedef uint32_t v4u32 __attribute__((vector_size(16)));
typedef uint64_t v2u64 __attribute__((vector_size(16)));
typedef int8_t v16s8 __attribute__((vector_size(16)));
typedef int16_t v8s16 __attribute__((vector_size(16)));
typedef int32_t v4s32 __attribute__((vector_size(16)));
typedef int64_t v2s64 __attribute__((vector_size(16)));

#define VU_8 v16u8
#define VU_16 v8u16
#define VU_32 v4u32
#define VU_64 v2u64
#define VS_8 v16s8
#define VS_16 v8s16
#define VS_32 v4s32
#define VS_64 v2s64

#define SIMD_VLOAD(T, c, r) ({ T v_; memcpy(&v_, &(c)->v[r], 16); v_; })

/*
 * Store a lane-parallel result. lomask selects the lanes kept in the low 64 bits (all
 * ones for vectors, the first element for scalar forms); q keeps the upper 64 bits.
 */
#define SIMD_VSTORE(c, r, val, q, lomask) do { \
	v2u64 m_ = { (lomask), (q) ? ~0ull : 0 }, w_; \
	__typeof__(val) v_ = (val); \
	memcpy(&w_, &v_, 16); \
	w_ &= m_; \
	memcpy(&(c)->v[r], &w_, 16); \
} while (0)

/* Whether any active lane of a saturation mask is set (for FPSR.QC). */
#define SIMD_ANY(val, q, lomask) ({ \
	uint64_t s_[2]; \
	__typeof__(val) w_ = (val); \
	memcpy(s_, &w_, 16); \
	((s_[0] & (lomask)) | ((q) ? s_[1] : 0)) != 0; \
})

/* Bits [hi:lo] of an instruction word. */
SIMD_INLINE uint32_t simd_bits(uint32_t insn, unsigned hi, unsigned lo)
{
	return (insn >> lo) & ((2u << (hi - lo)) - 1);
}

SIMD_INLINE uint32_t simd_bit(uint32_t insn, unsigned n)
{
	return (insn >> n) & 1;
}

SIMD_INLINE void simd_insn_init(struct sim_insn *out, uint32_t insn, sim_exec_fn fn)
{
	memset(out, 0, sizeof(*out));
	out->fn = fn;
	out->raw = insn;
	out->rd = insn & 31;
	out->rn = (insn >> 5) & 31;
	out->rm = (insn >> 16) & 31;
}

/*
 * Whole-register writes are one 16-byte store: a later 16-byte load of the register
 * then forwards from it (two 8-byte stores would stall it on common hosts).
 */
SIMD_INLINE void vreg_set128(struct sim_cpu *c, unsigned r, uint64_t lo, uint64_t hi)
{
	v2u64 v = { lo, hi };

	memcpy(&c->v[r], &v, 16);
}

/* Scalar writes: the value zero-extended to 128 bits. */
SIMD_INLINE void vreg_set64(struct sim_cpu *c, unsigned r, uint64_t v)
{
	vreg_set128(c, r, v, 0);
}

/* Element `idx` of size 1 << esz bytes (esz 0..3), zero-extended. */
SIMD_INLINE uint64_t vreg_elem(const struct sim_cpu *c, unsigned r, unsigned esz, unsigned idx)
{
	switch (esz) {
	case 0: return c->v[r].b[idx];
	case 1: return c->v[r].h[idx];
	case 2: return c->v[r].s[idx];
	default: return c->v[r].d[idx];
	}
}

SIMD_INLINE void vreg_set_elem(struct sim_cpu *c, unsigned r, unsigned esz, unsigned idx,
			       uint64_t v)
{
	switch (esz) {
	case 0: c->v[r].b[idx] = (uint8_t)v; break;
	case 1: c->v[r].h[idx] = (uint16_t)v; break;
	case 2: c->v[r].s[idx] = (uint32_t)v; break;
	default: c->v[r].d[idx] = v; break;
	}
}

/* Sign-extend the low `bits` bits of v. */
SIMD_INLINE int64_t simd_sext(uint64_t v, unsigned bits)
{
	return bits >= 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/* Replicate an element of esz over 64 bits. */
SIMD_INLINE uint64_t simd_replicate(uint64_t v, unsigned esz)
{
	switch (esz) {
	case 0: return (v & 0xff) * 0x0101010101010101ull;
	case 1: return (v & 0xffff) * 0x0001000100010001ull;
	case 2: return (v & 0xffffffffull) * 0x0000000100000001ull;
	default: return v;
	}
}

/* Byte-shuffle handler (a64_simd_perm.c): imm = a 16-entry index table into Vn:Vm;
 * simd_rev_indices() gives the table of REV16/32/64 (container 2^cl bytes). */
void simd_h_shuffle(struct sim_cpu *c, const struct sim_insn *in);
uint64_t simd_rev_indices(unsigned container_log2, unsigned esz, unsigned q);

/* Group decoders of the "data processing - scalar FP and Advanced SIMD" class. */
bool sim_decode_fp_scalar(uint32_t insn, struct sim_insn *out);		/* a64_fp.c */
bool simd_decode_copy(uint32_t insn, struct sim_insn *out);		/* a64_simd_perm.c */
bool simd_decode_scalar_copy(uint32_t insn, struct sim_insn *out);
bool simd_decode_modimm(uint32_t insn, struct sim_insn *out);
bool simd_decode_permute(uint32_t insn, struct sim_insn *out);
bool simd_decode_ext(uint32_t insn, struct sim_insn *out);
bool simd_decode_tbl(uint32_t insn, struct sim_insn *out);
bool simd_decode_three_same(uint32_t insn, struct sim_insn *out);	/* a64_simd_arith.c */
bool simd_decode_scalar_three_same(uint32_t insn, struct sim_insn *out);
bool simd_decode_three_diff(uint32_t insn, struct sim_insn *out);	/* a64_simd_long.c */
bool simd_decode_indexed(uint32_t insn, struct sim_insn *out);
bool simd_decode_two_misc(uint32_t insn, struct sim_insn *out);		/* a64_simd_misc.c */
bool simd_decode_scalar_two_misc(uint32_t insn, struct sim_insn *out);
bool simd_decode_across(uint32_t insn, struct sim_insn *out);
bool simd_decode_scalar_pairwise(uint32_t insn, struct sim_insn *out);
bool simd_decode_shift_imm(uint32_t insn, struct sim_insn *out);	/* a64_simd_shift.c */
bool simd_decode_scalar_shift_imm(uint32_t insn, struct sim_insn *out);
/* Floating point of the vector and scalar groups (a64_simd_fp.c); each handles both
 * forms, telling them apart by bit 28. */
bool simd_decode_fp_three_same(uint32_t insn, struct sim_insn *out);
bool simd_decode_fp_two_misc(uint32_t insn, struct sim_insn *out);
bool simd_decode_fp_across(uint32_t insn, struct sim_insn *out);
bool simd_decode_fp_shift_imm(uint32_t insn, struct sim_insn *out);
bool simd_decode_fp_scalar_pairwise(uint32_t insn, struct sim_insn *out);
bool simd_decode_fp_indexed(uint32_t insn, struct sim_insn *out);
bool simd_decode_scalar_indexed(uint32_t insn, struct sim_insn *out);

#endif /* AVF_SIM_A64_SIMD_H */
