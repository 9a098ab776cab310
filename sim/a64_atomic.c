// SPDX-License-Identifier: MIT
/*
 * A64 exclusives and atomics (V = 0): LDXR/LDAXR/STXR/STLXR and their pair and B/H
 * forms, CAS/CASP (all orderings), the Armv8.1 LSE memory operations LDADD, LDCLR,
 * LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX, LDUMIN and SWP in every size and ordering, and
 * the decode of LDAR/STLR/LDAPR/LDLAR/STLLR (their handlers are a64_ldst.c's).
 *
 * Exclusive monitor: LDXR records the VA, size, loaded value(s) and PA in c->excl_*.
 * STXR succeeds when the reservation is valid for the same VA and memory still holds
 * the value LDXR read: it stores with a compare-and-exchange on the host pointer from
 * sim_mem_rmw_ptr(), as QEMU does. Another CPU's store that goes through mem.c's slow
 * path clears the reservation (sim_excl_clear_pa()); one through the fast path does not,
 * so a store in between that wrote back the same value is not detected (ABA), where the
 * architecture's global monitor would fail the STXR. QEMU has the same limitation; a
 * program that uses LDXR/STXR as a compare-and-swap cannot tell. A STXR whose address
 * does not match fails without touching memory (no fault), as on QEMU; a size different
 * from the LDXR's is not checked (CONSTRAINED UNPREDICTABLE; QEMU does not check it
 * either).
 *
 * Every read-modify-write goes through sim_mem_rmw_ptr() (natural alignment, write
 * permission, RAM only) and the __atomic builtins, so host threads sharing the memory
 * would see atomic updates. Successful stores call sim_excl_clear_pa() so that other
 * CPUs' reservations on the granule are lost. sim_mem_rmw_ptr() may drop the decoded
 * page `in` lives on: handlers copy what they need from `in` before calling it.
 */
#include "sim/a64_common.h"

/* Base address: X register, or SP with the SP alignment check. */
static A64_ALWAYS_INLINE bool base_addr(struct sim_cpu *c, const struct sim_insn *in,
					bool sp, uint64_t *va)
{
	if (sp) {
		if (!a64_sp_base_ok(c))
			return false;
		*va = c->sp;
	} else {
		*va = c->x[in->rn];
	}
	return true;
}

#define BOTH_BASES(name)								\
	static void name##_x(struct sim_cpu *c, const struct sim_insn *in)		\
	{										\
		name##_body(c, in, false);						\
	}										\
	static void name##_sp(struct sim_cpu *c, const struct sim_insn *in)		\
	{										\
		name##_body(c, in, true);						\
	}

/* A naturally aligned access may use the fast path: drop SIM_MEMF_ALIGN once it holds. */
static A64_ALWAYS_INLINE uint32_t align_flags(uint64_t va, unsigned size, uint32_t flags)
{
	return (va & (size - 1)) ? flags : flags & ~SIM_MEMF_ALIGN;
}

/* ---- 16-byte compare-and-exchange ----------------------------------------------------- */

#ifdef __x86_64__
#define CAS16_TARGET __attribute__((target("cx16")))
#else
#define CAS16_TARGET
#endif

/* Fallback for a host pointer that is not 16-byte aligned (machine RAM from an
 * allocator that gives less): a lock shared by every 16-byte operation. */
static int cas16_lock;

/* Atomically: if *p == expect then *p = want. Returns the old value. */
CAS16_TARGET static unsigned __int128 cas16(void *p, unsigned __int128 expect,
					    unsigned __int128 want)
{
	unsigned __int128 old;

	if (!((uintptr_t)p & 15))
		return __sync_val_compare_and_swap((unsigned __int128 *)p, expect, want);
	while (__atomic_test_and_set(&cas16_lock, __ATOMIC_ACQUIRE))
		;
	memcpy(&old, p, 16);
	if (old == expect)
		memcpy(p, &want, 16);
	__atomic_clear(&cas16_lock, __ATOMIC_RELEASE);
	return old;
}

/* Compare-and-exchange of 1, 2, 4 or 8 bytes; *old receives the memory value. */
static bool cas_sized(void *p, unsigned size, uint64_t expect, uint64_t want, uint64_t *old)
{
	bool ok;

	switch (size) {
#define CAS_CASE(n, type)								\
	case n: {									\
		type e = (type)expect;							\
		ok = __atomic_compare_exchange_n((type *)p, &e, (type)want, false,	\
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);	\
		*old = e;								\
		return ok;								\
	}
	CAS_CASE(1, uint8_t)
	CAS_CASE(2, uint16_t)
	CAS_CASE(4, uint32_t)
#undef CAS_CASE
	default: {
		uint64_t e = expect;

		ok = __atomic_compare_exchange_n((uint64_t *)p, &e, want, false,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		*old = e;
		return ok;
	}
	}
}

/* After a store through an rmw pointer: other CPUs' reservations on it are lost. */
static void rmw_stored(struct sim_cpu *c, void *p, unsigned size)
{
	uint64_t pa = sim_host_to_pa(c->m, p);

	if (pa != UINT64_MAX)
		sim_excl_clear_pa(c->m, pa, size);
}

/* ---- exclusives: rd = Rt, ra = Rt2, rm = Rs (status), p0 = element size, pad = flags -- */

static void excl_mark(struct sim_cpu *c, uint64_t va, unsigned size, uint64_t lo, uint64_t hi)
{
	struct sim_tlb_entry *e = sim_tlb_slot(c, va);

	c->excl_valid = true;
	c->excl_va = va;
	c->excl_size = size;
	/* The read filled the TLB for RAM; a device has no PA that RAM stores could hit. */
	c->excl_addr = sim_tlb_hit(c, e, va) ? e->pa | (va & SIM_PAGE_MASK) : va;
	c->excl_val[0] = lo;
	c->excl_val[1] = hi;
}

static A64_ALWAYS_INLINE void ldxr_body(struct sim_cpu *c, const struct sim_insn *in, bool sp)
{
	unsigned size = in->p0;
	uint64_t va, v = 0;

	if (!base_addr(c, in, sp, &va) ||
	    !sim_mem_read(c, va, size, &v, align_flags(va, size, in->pad)))
		return;
	excl_mark(c, va, size, v, 0);
	sim_set_x(c, in->rd, v);
	c->pc += 4;
}
BOTH_BASES(ldxr)

/* LDXP: one access of twice the element size, aligned to that total. */
static A64_ALWAYS_INLINE void ldxp_body(struct sim_cpu *c, const struct sim_insn *in, bool sp)
{
	unsigned size = in->p0;
	uint64_t va, v[2] = { 0, 0 };

	if (!base_addr(c, in, sp, &va) ||
	    !sim_mem_read(c, va, 2 * size, v, align_flags(va, 2 * size, in->pad)))
		return;
	if (size == 4) {
		excl_mark(c, va, 8, v[0], 0);
		sim_set_x(c, in->rd, (uint32_t)v[0]);
		sim_set_x(c, in->ra, v[0] >> 32);
	} else {
		excl_mark(c, va, 16, v[0], v[1]);
		sim_set_x(c, in->rd, v[0]);
		sim_set_x(c, in->ra, v[1]);
	}
	c->pc += 4;
}
BOTH_BASES(ldxp)

/*
 * STXR/STXP: status 0 if stored, 1 if not. total = bytes stored; lo/hi = the data.
 * Returns false if an exception was raised (nothing changed).
 */
static bool store_exclusive(struct sim_cpu *c, uint64_t va, unsigned total, uint64_t lo,
			    uint64_t hi, uint32_t flags, unsigned rs)
{
	uint64_t status = 1, old;
	void *p;

	if (c->excl_valid && c->excl_va == va) {
		p = sim_mem_rmw_ptr(c, va, total, flags);
		if (!p)
			return false;
		if (total == 16) {
			unsigned __int128 expect = (unsigned __int128)c->excl_val[1] << 64 |
						   c->excl_val[0];
			unsigned __int128 want = (unsigned __int128)hi << 64 | lo;

			if (cas16(p, expect, want) == expect)
				status = 0;
		} else if (cas_sized(p, total, c->excl_val[0], lo, &old)) {
			status = 0;
		}
		if (!status)
			rmw_stored(c, p, total);
	}
	c->excl_valid = false;
	sim_set_x(c, rs, status);
	c->pc += 4;
	return true;
}

static A64_ALWAYS_INLINE void stxr_body(struct sim_cpu *c, const struct sim_insn *in, bool sp)
{
	unsigned size = in->p0, rs = in->rm;
	uint64_t va, data = c->x[in->rd];
	uint32_t flags = in->pad;

	if (base_addr(c, in, sp, &va))
		store_exclusive(c, va, size, data, 0, flags, rs);
}
BOTH_BASES(stxr)

static A64_ALWAYS_INLINE void stxp_body(struct sim_cpu *c, const struct sim_insn *in, bool sp)
{
	unsigned size = in->p0, rs = in->rm;
	uint64_t va, lo = c->x[in->rd], hi = c->x[in->ra];
	uint32_t flags = in->pad;

	if (!base_addr(c, in, sp, &va))
		return;
	if (size == 4)
		store_exclusive(c, va, 8, (uint32_t)lo | hi << 32, 0, flags, rs);
	else
		store_exclusive(c, va, 16, lo, hi, flags, rs);
}
BOTH_BASES(stxp)

/* ---- CAS: rm = Rs (compare, receives the old value), rd = Rt (new), p0 = size -------- */

static A64_ALWAYS_INLINE void cas_body(struct sim_cpu *c, const struct sim_insn *in, bool sp)
{
	unsigned size = in->p0, rs = in->rm;
	uint64_t va, old, expect = c->x[rs], want = c->x[in->rd];
	uint32_t flags = in->pad;
	void *p;

	if (!base_addr(c, in, sp, &va) || !(p = sim_mem_rmw_ptr(c, va, size, flags)))
		return;
	if (cas_sized(p, size, expect, want, &old))
		rmw_stored(c, p, size);
	sim_set_x(c, rs, old);
	c->pc += 4;
}
BOTH_BASES(cas)

/* CASP: Rs:Rs+1 compared with memory, Rt:Rt+1 stored (even registers; Rs+1 may be XZR). */
static A64_ALWAYS_INLINE void casp_body(struct sim_cpu *c, const struct sim_insn *in, bool sp)
{
	unsigned size = in->p0, rs = in->rm, rt = in->rd;
	uint64_t va, s0 = c->x[rs], s1 = c->x[rs + 1], t0 = c->x[rt], t1 = c->x[rt + 1];
	uint32_t flags = in->pad;
	void *p;

	if (!base_addr(c, in, sp, &va) || !(p = sim_mem_rmw_ptr(c, va, 2 * size, flags)))
		return;
	if (size == 4) {
		uint64_t old;

		if (cas_sized(p, 8, (uint32_t)s0 | s1 << 32, (uint32_t)t0 | t1 << 32, &old))
			rmw_stored(c, p, 8);
		sim_set_x(c, rs, (uint32_t)old);
		sim_set_x(c, rs + 1, old >> 32);
	} else {
		unsigned __int128 expect = (unsigned __int128)s1 << 64 | s0;
		unsigned __int128 old = cas16(p, expect, (unsigned __int128)t1 << 64 | t0);

		if (old == expect)
			rmw_stored(c, p, 16);
		sim_set_x(c, rs, (uint64_t)old);
		sim_set_x(c, rs + 1, (uint64_t)(old >> 64));
	}
	c->pc += 4;
}
BOTH_BASES(casp)

/* ---- LSE memory operations: rm = Rs (operand), rd = Rt (old value), p0 = size ------- */

enum { OP_ADD, OP_CLR, OP_EOR, OP_SET, OP_SMAX, OP_SMIN, OP_UMAX, OP_UMIN, OP_SWP, OP_NR };

#define LSE_TYPED(bits)									\
	static A64_ALWAYS_INLINE uint64_t lse_##bits(unsigned op, uint##bits##_t *p,	\
						     uint##bits##_t v)			\
	{										\
		uint##bits##_t old, nv;							\
		switch (op) {								\
		case OP_ADD: return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);		\
		case OP_CLR: return __atomic_fetch_and(p, (uint##bits##_t)~v,		\
						       __ATOMIC_SEQ_CST);		\
		case OP_EOR: return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST);		\
		case OP_SET: return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST);		\
		case OP_SWP: return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);	\
		default: break;								\
		}									\
		old = __atomic_load_n(p, __ATOMIC_RELAXED);				\
		do {									\
			switch (op) {							\
			case OP_SMAX: nv = (int##bits##_t)old > (int##bits##_t)v ? old : v; break; \
			case OP_SMIN: nv = (int##bits##_t)old < (int##bits##_t)v ? old : v; break; \
			case OP_UMAX: nv = old > v ? old : v; break;			\
			default: nv = old < v ? old : v; break;				\
			}								\
		} while (!__atomic_compare_exchange_n(p, &old, nv, false,		\
						      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));	\
		return old;								\
	}
LSE_TYPED(8)
LSE_TYPED(16)
LSE_TYPED(32)
LSE_TYPED(64)

static A64_ALWAYS_INLINE void lse_body(struct sim_cpu *c, const struct sim_insn *in,
				       unsigned op, bool sp)
{
	unsigned size = in->p0, rt = in->rd;
	uint64_t va, v = c->x[in->rm], old;
	uint32_t flags = in->pad;
	void *p;

	if (!base_addr(c, in, sp, &va) || !(p = sim_mem_rmw_ptr(c, va, size, flags)))
		return;
	switch (size) {
	case 1: old = lse_8(op, p, (uint8_t)v); break;
	case 2: old = lse_16(op, p, (uint16_t)v); break;
	case 4: old = lse_32(op, p, (uint32_t)v); break;
	default: old = lse_64(op, p, v); break;
	}
	rmw_stored(c, p, size);
	sim_set_x(c, rt, old);
	c->pc += 4;
}

#define LSE_FN(op, sp)									\
	static void lse_##op##_##sp(struct sim_cpu *c, const struct sim_insn *in)	\
	{										\
		lse_body(c, in, op, sp);						\
	}
#define LSE_FNS(op) LSE_FN(op, 0) LSE_FN(op, 1)
LSE_FNS(OP_ADD) LSE_FNS(OP_CLR) LSE_FNS(OP_EOR) LSE_FNS(OP_SET) LSE_FNS(OP_SMAX)
LSE_FNS(OP_SMIN) LSE_FNS(OP_UMAX) LSE_FNS(OP_UMIN) LSE_FNS(OP_SWP)
#define LSE_ROW(op) { lse_##op##_0, lse_##op##_1 }

static const sim_exec_fn lse_fns[OP_NR][2] = {
	LSE_ROW(OP_ADD), LSE_ROW(OP_CLR), LSE_ROW(OP_EOR), LSE_ROW(OP_SET), LSE_ROW(OP_SMAX),
	LSE_ROW(OP_SMIN), LSE_ROW(OP_UMAX), LSE_ROW(OP_UMIN), LSE_ROW(OP_SWP),
};

/* ---- decoders ------------------------------------------------------------------------ */

static void fill_atomic(struct sim_insn *out, uint32_t insn, sim_exec_fn x_fn,
			sim_exec_fn sp_fn, unsigned size, bool ordered)
{
	unsigned rn = a64_bits(insn, 9, 5);

	a64_insn_init(out, insn, rn == 31 ? sp_fn : x_fn);
	out->rd = (uint8_t)a64_bits(insn, 4, 0);
	out->rn = (uint8_t)rn;
	out->rm = (uint8_t)a64_bits(insn, 20, 16);
	out->ra = (uint8_t)a64_bits(insn, 14, 10);
	out->p0 = (uint8_t)size;
	out->pad = SIM_MEMF_ALIGN | (ordered ? SIM_MEMF_ACQREL : 0);
}

/*
 * size 001000 o2 L o1 Rs o0 Rt2 Rn Rt (the classic view of the exclusive, ordered and
 * compare-and-swap encodings). L: load (or acquire for CAS), o0: acquire/release.
 * CAS and CASP need Rt2 = 11111 (a fixed field in the newer encoding tables, and QEMU
 * refuses other values); the other should-be-one fields are ignored, as on QEMU.
 */
bool sim_a64_decode_excl_ordered(uint32_t insn, struct sim_insn *out)
{
	unsigned size = a64_bits(insn, 31, 30), bytes = 1u << size;
	bool o2 = a64_bit(insn, 23), l = a64_bit(insn, 22), o1 = a64_bit(insn, 21);
	bool o0 = a64_bit(insn, 15);

	if (!o2 && !o1) {				/* LDXR, LDAXR, STXR, STLXR */
		fill_atomic(out, insn, l ? ldxr_x : stxr_x, l ? ldxr_sp : stxr_sp, bytes, o0);
		return true;
	}
	if (!o2) {
		if (size >= 2) {			/* LDXP, LDAXP, STXP, STLXP */
			bytes = size == 2 ? 4 : 8;
			fill_atomic(out, insn, l ? ldxp_x : stxp_x, l ? ldxp_sp : stxp_sp,
				    bytes, o0);
			return true;
		}
		/* CASP, CASPA, CASPL, CASPAL: sz = size<0>; Rs and Rt even, Rt2 = 11111. */
		if (a64_bit(insn, 16) || a64_bit(insn, 0) || a64_bits(insn, 14, 10) != 31)
			return false;
		fill_atomic(out, insn, casp_x, casp_sp, size ? 8 : 4, l || o0);
		return true;
	}
	if (!o1) {					/* LDAR, STLR */
		if (!o0)	/* LDLAR, STLLR: FEAT_LOR is not in the CPU model: UNDEFINED */
			return false;
		sim_a64_fill_acqrel(insn, out, size, l);
		return true;
	}
	if (a64_bits(insn, 14, 10) != 31)		/* CAS, CASA, CASL, CASAL */
		return false;
	fill_atomic(out, insn, cas_x, cas_sp, bytes, l || o0);
	return true;
}

/* size 111 0 00 A R 1 Rs o3 opc 00 Rn Rt */
bool sim_a64_decode_atomic_memop(uint32_t insn, struct sim_insn *out)
{
	unsigned size = a64_bits(insn, 31, 30), opc = a64_bits(insn, 14, 12), op;
	bool a = a64_bit(insn, 23), r = a64_bit(insn, 22), o3 = a64_bit(insn, 15);

	if (!o3) {
		op = opc;				/* LDADD ... LDUMIN */
	} else if (opc == 0) {
		op = OP_SWP;
	} else if (opc == 4 && a && !r && a64_bits(insn, 20, 16) == 31) {
		sim_a64_fill_acqrel(insn, out, size, true);	/* LDAPR (FEAT_LRCPC) */
		return true;
	} else {
		return false;				/* LD64B, ST64B...: FEAT_LS64 is not in the CPU model: UNDEFINED */
	}
	fill_atomic(out, insn, lse_fns[op][0], lse_fns[op][1], 1u << size, a || r);
	return true;
}
