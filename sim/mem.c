// SPDX-License-Identifier: MIT
/*
 * Memory access: the software TLB, the slow paths behind sim_mem_read/write (misses,
 * page-crossing, MMIO, faults), read-modify-write pointers for atomics, and page
 * bookkeeping (snapshot copy-on-write, decoded-code invalidation).
 *
 * A TLB entry holds the combined stage-1 + stage-2 translation of one 4 KiB VA page. Its
 * write bits are set only when a plain store may go straight to host memory: the page is
 * already dirty for the snapshot and holds no decoded code. Every other store comes
 * through sim_mem_write_slow(), which does the bookkeeping and re-walks the tables (a
 * page walk per first store to such a page: rare, and it keeps the fast path one test).
 */
#include <stdlib.h>

#include "sim/internal.h"

struct sim_code_page;
void sim_code_page_drop(struct sim_machine *m, struct sim_code_page *cp);	/* exec.c */

/* ---- TLB maintenance ----------------------------------------------------------------------- */

void sim_tlb_flush_all(struct sim_cpu *c)
{
	for (unsigned i = 0; i < SIM_TLB_ENTRIES; i++)
		c->tlb[i].vpage = UINT64_MAX;
	c->tlb_blocks = 0;
	c->code_page = NULL;
	c->events |= SIM_EV_REFETCH;
	sim_cpu_stop_slice(c);
}

static bool entry_covers(const struct sim_tlb_entry *e, uint64_t va)
{
	unsigned shift = e->block_shift ? e->block_shift : SIM_PAGE_SHIFT;

	return ((e->vpage << SIM_PAGE_SHIFT) >> shift) == (va >> shift);
}

void sim_tlb_flush_va(struct sim_cpu *c, uint64_t va, uint16_t asid, bool all_asid,
		      bool last_level_only)
{
	/* Our entries are all leaf translations, so last_level_only changes nothing. With
	 * no block-derived entry cached, only the slot of va can hold a translation of it. */
	unsigned first = 0, end = SIM_TLB_ENTRIES;

	(void)last_level_only;
	if (!c->tlb_blocks) {
		first = (va >> SIM_PAGE_SHIFT) & (SIM_TLB_ENTRIES - 1);
		end = first + 1;
	}
	for (unsigned i = first; i < end; i++) {
		struct sim_tlb_entry *e = &c->tlb[i];

		if (e->vpage == UINT64_MAX || (e->ctx >> 16) != (c->ctx >> 16))
			continue;
		if (!entry_covers(e, va))
			continue;
		if (all_asid || (e->perm & SIM_TLB_GLOBAL) || (e->ctx & 0xffff) == asid)
			e->vpage = UINT64_MAX;
	}
	c->code_page = NULL;
	c->events |= SIM_EV_REFETCH;
	sim_cpu_stop_slice(c);
}

void sim_tlb_flush_asid(struct sim_cpu *c, uint16_t asid)
{
	for (unsigned i = 0; i < SIM_TLB_ENTRIES; i++) {
		struct sim_tlb_entry *e = &c->tlb[i];

		if (e->vpage != UINT64_MAX && (e->ctx >> 16) == (c->ctx >> 16) &&
		    !(e->perm & SIM_TLB_GLOBAL) && (e->ctx & 0xffff) == asid)
			e->vpage = UINT64_MAX;
	}
	c->code_page = NULL;
	c->events |= SIM_EV_REFETCH;
	sim_cpu_stop_slice(c);
}

void sim_tlbi_broadcast(struct sim_cpu *c, void (*fn)(struct sim_cpu *, void *), void *arg)
{
	struct sim_part *p = c->part;

	for (unsigned i = 0; i < p->nr_cpus; i++)
		fn(p->cpus[i], arg);
}

void sim_update_ctx(struct sim_cpu *c)
{
	uint64_t tcr = c->sysreg[SR_TCR_EL1];
	uint64_t ttbr = (tcr >> 22) & 1 ? c->sysreg[SR_TTBR1_EL1] : c->sysreg[SR_TTBR0_EL1];
	uint32_t asid = (ttbr >> 48) & ((tcr >> 36) & 1 ? 0xffff : 0xff);
	uint32_t ctx = ((uint32_t)c->part->vmid << 16) | asid;

	if (ctx != c->ctx) {
		c->ctx = ctx;
		c->code_page = NULL;
		c->events |= SIM_EV_REFETCH;
		sim_cpu_stop_slice(c);
	}
}

/* ---- page bookkeeping ------------------------------------------------------------------ */

static void snapshot_save_page(struct sim_machine *m, struct sim_ram *r, uint64_t idx)
{
	if (!r->saved[idx]) {
		r->saved[idx] = malloc(SIM_PAGE_SIZE);
		if (!r->saved[idx])
			abort();	/* cannot keep the snapshot promise; nothing sane to do */
	}
	memcpy(r->saved[idx], r->mem + (idx << SIM_PAGE_SHIFT), SIM_PAGE_SIZE);
	if (m->nr_dirty == m->cap_dirty) {
		size_t cap = m->cap_dirty ? m->cap_dirty * 2 : 256;
		uint64_t *l = realloc(m->dirty_list, cap * sizeof(*l));

		if (!l)
			abort();
		m->dirty_list = l;
		m->cap_dirty = cap;
	}
	m->dirty_list[m->nr_dirty++] = r->base + (idx << SIM_PAGE_SHIFT);
}

/* Drop the write bits of every TLB entry mapping physical page pa. */
static void tlb_drop_write(struct sim_machine *m, uint64_t pa)
{
	for (unsigned i = 0; i < m->nr_cpus; i++) {
		struct sim_tlb_entry *t = m->cpus[i]->tlb;

		for (unsigned e = 0; e < SIM_TLB_ENTRIES; e++)
			if (t[e].pa == pa)
				t[e].perm &= ~(SIM_TLB_W_EL0 | SIM_TLB_W_EL1);
	}
}

void sim_page_touch(struct sim_machine *m, struct sim_ram *r, uint64_t pa)
{
	uint64_t idx = (pa - r->base) >> SIM_PAGE_SHIFT;
	uint8_t flags = r->pflags[idx];

	if (!(flags & SIM_PG_DIRTY))
		snapshot_save_page(m, r, idx);
	if (flags & SIM_PG_CODE) {
		struct sim_code_page *cp = r->code[idx];

		r->code[idx] = NULL;
		for (unsigned i = 0; i < m->nr_cpus; i++) {
			struct sim_cpu *c = m->cpus[i];

			if (c->code_page == cp) {
				c->code_page = NULL;
				c->events |= SIM_EV_REFETCH;
				sim_cpu_stop_slice(c);
			}
		}
		sim_code_page_drop(m, cp);
	}
	r->pflags[idx] = SIM_PG_DIRTY;
}

/* A page just got decoded code: stores to it must come through the slow path. */
void sim_page_mark_code(struct sim_machine *m, struct sim_ram *r, uint64_t pa);
void sim_page_mark_code(struct sim_machine *m, struct sim_ram *r, uint64_t pa)
{
	r->pflags[(pa - r->base) >> SIM_PAGE_SHIFT] |= SIM_PG_CODE;
	tlb_drop_write(m, pa & ~SIM_PAGE_MASK);
}

void sim_excl_clear_pa(struct sim_machine *m, uint64_t pa, unsigned size)
{
	for (unsigned i = 0; i < m->nr_cpus; i++) {
		struct sim_cpu *c = m->cpus[i];

		/* The reservation granule is implementation defined; we use 64 bytes. */
		if (c->excl_valid && (c->excl_addr >> 6) <= ((pa + size - 1) >> 6) &&
		    (pa >> 6) <= ((c->excl_addr + c->excl_size - 1) >> 6))
			c->excl_valid = false;
	}
}

uint64_t sim_host_to_pa(struct sim_machine *m, const void *host)
{
	const uint8_t *h = host;

	for (unsigned i = 0; i < m->nr_ram; i++) {
		struct sim_ram *r = &m->ram[i];

		if (h >= r->mem && h < r->mem + r->size)
			return r->base + (uint64_t)(h - r->mem);
	}
	return UINT64_MAX;
}

/* ---- translation for the slow paths ---------------------------------------------------- */

/* Where one access (within one page) goes. */
struct sim_target {
	uint8_t *host;				/* RAM */
	bool device;				/* Device memory attribute */
	struct sim_ram *ram;
	struct sim_mmio_region *mmio;		/* device handler */
	uint64_t addr;				/* PA (RAM) or offset into mmio */
	uint64_t pa;
};

/*
 * A stage-2 fault (or an access to nothing when stage-2 is off): a valid-syndrome data
 * access to unmapped space becomes an MMIO exit; anything else an S2 abort exit.
 */
static void stage2_exit(struct sim_cpu *c, const struct sim_fault *f, uint64_t va,
			unsigned acc, uint32_t flags, unsigned size, const void *wdata)
{
	struct sim_exit *x = &c->exit;
	bool write = acc & SIM_ACC_WRITE;

	memset(x, 0, sizeof(*x));
	if (f->type == SIM_FAULT_TRANSLATION && !f->s1ptw && !(acc & SIM_ACC_EXEC) &&
	    (flags & SIM_MEMF_ISV) && size <= 8) {
		x->kind = SIM_EXIT_MMIO;
		x->mmio.ipa = f->ipa;
		x->mmio.size = size;
		x->mmio.is_write = write;
		x->mmio.reg = (flags >> SIM_MEMF_SRT_SHIFT) & 31;
		x->mmio.sign_extend = flags & SIM_MEMF_SSE;
		x->mmio.sixty_four = flags & SIM_MEMF_SF;
		if (write)
			memcpy(&x->mmio.data, wdata, size);
		c->mmio_pending = true;
		c->mmio_data = 0;
	} else {
		x->kind = SIM_EXIT_S2_ABORT;
		x->s2.ipa = f->ipa;
		x->s2.va = va;
		x->s2.esr = sim_abort_esr(c, f, acc, flags, size, 2);
		x->s2.is_write = write && !f->s1ptw;
		x->s2.is_fetch = acc & SIM_ACC_EXEC;
		x->s2.is_permission = f->type == SIM_FAULT_PERMISSION;
	}
	c->abort_injected = false;
	c->abort_va = va;
	c->abort_acc = acc;
	c->abort_flags = flags;
	c->abort_size = size;
	c->exit_pending = true;
	sim_cpu_stop_slice(c);
}

static void external_abort(struct sim_cpu *c, uint64_t va, unsigned acc, uint32_t flags,
			   unsigned size)
{
	struct sim_fault f = { .type = SIM_FAULT_EXTERNAL, .stage = 1 };

	sim_raise_abort(c, &f, va, acc, flags, size);
}

static bool alignment_ok(struct sim_cpu *c, uint64_t va, unsigned size, uint32_t flags,
			 bool device)
{
	bool aligned = !(va & (size - 1));

	if (aligned)
		return true;
	if (flags & SIM_MEMF_ALIGN)
		return false;
	if (device)
		return false;
	return !(c->sysreg[SR_SCTLR_EL1] & 2);	/* SCTLR_EL1.A */
}

/* Fill the TLB slot for va from a successful translation. */
static bool from_block(const struct sim_tlb_entry *e)
{
	return e->vpage != UINT64_MAX && e->block_shift > SIM_PAGE_SHIFT;
}

static void tlb_install(struct sim_cpu *c, uint64_t va, struct sim_tlb_entry *ne,
			struct sim_ram *r)
{
	struct sim_tlb_entry *e = sim_tlb_slot(c, va);

	if (from_block(e))
		c->tlb_blocks--;
	*e = *ne;
	e->vpage = va >> SIM_PAGE_SHIFT;
	e->host = NULL;
	if (from_block(e))
		c->tlb_blocks++;
	if (r) {
		uint64_t idx = (ne->pa - r->base) >> SIM_PAGE_SHIFT;

		e->host = r->mem + (ne->pa - r->base);
		if (r->pflags[idx] != SIM_PG_DIRTY)
			e->perm &= ~(SIM_TLB_W_EL0 | SIM_TLB_W_EL1);
	}
	/* SCTLR_EL1.A: every data access is alignment-checked, so none takes the fast path
	 * (the TLB is flushed when A changes). */
	if (c->sysreg[SR_SCTLR_EL1] & 2)
		e->perm &= ~(SIM_TLB_R_EL0 | SIM_TLB_R_EL1 | SIM_TLB_W_EL0 | SIM_TLB_W_EL1);
}

/*
 * Resolve one access that stays inside one page. Returns true with *t filled, or false
 * with the exception or exit already set up.
 */
static bool resolve(struct sim_cpu *c, uint64_t va, unsigned size, unsigned acc,
		    uint32_t flags, const void *wdata, struct sim_target *t)
{
	struct sim_tlb_entry ne;
	struct sim_fault f;
	struct sim_ram *r;
	unsigned macc = acc | ((flags & SIM_MEMF_UNPRIV) && c->el ? SIM_ACC_UNPRIV : 0);

	memset(&f, 0, sizeof(f));
	memset(&ne, 0, sizeof(ne));
	if (!sim_mmu_translate(c, va, macc, &ne, &f)) {
		if (f.stage == 2) {
			/* A stage-2 translation fault on a handled IPA is a device access. */
			struct sim_mmio_region *mr = f.type == SIM_FAULT_TRANSLATION && !f.s1ptw ?
				sim_part_find_mmio(c->part, f.ipa) : NULL;

			/*
			 * A device emulated for a VM (its GIC) is reached the way KVM reaches
			 * its in-kernel devices: only accesses with a valid syndrome can be
			 * emulated; any other (writeback, pair, SIMD) is a stage-2 abort.
			 */
			if (mr && !(acc & SIM_ACC_EXEC) && !(flags & SIM_MEMF_ISV)) {
				stage2_exit(c, &f, va, acc, flags, size, wdata);
				return false;
			}
			if (mr && !(acc & SIM_ACC_EXEC)) {
				if (!alignment_ok(c, va, size, flags, true)) {
					f = (struct sim_fault){ .type = SIM_FAULT_ALIGNMENT, .stage = 1 };
					sim_raise_abort(c, &f, va, acc, flags, size);
					return false;
				}
				memset(t, 0, sizeof(*t));
				t->mmio = mr;
				t->addr = f.ipa - mr->base;
				return true;
			}
			stage2_exit(c, &f, va, acc, flags, size, wdata);
			return false;
		}
		sim_raise_abort(c, &f, va, acc, flags, size);
		return false;
	}
	ne.pa &= ~SIM_PAGE_MASK;
	ne.ipa &= ~SIM_PAGE_MASK;
	r = sim_ram_find(c->m, ne.pa, SIM_PAGE_SIZE);
	if (!alignment_ok(c, va, size, flags, (ne.perm & SIM_TLB_DEVICE) || !r)) {
		f = (struct sim_fault){ .type = SIM_FAULT_ALIGNMENT, .stage = 1 };
		sim_raise_abort(c, &f, va, acc, flags, size);
		return false;
	}
	memset(t, 0, sizeof(*t));
	t->device = (ne.perm & SIM_TLB_DEVICE) || !r;
	t->pa = ne.pa | (va & SIM_PAGE_MASK);
	if (r) {
		tlb_install(c, va, &ne, r);
		t->ram = r;
		t->host = r->mem + (t->pa - r->base);
		return true;
	}
	/* Not RAM: a device in the partition's address space (IPA == PA without stage 2). */
	t->mmio = sim_part_find_mmio(c->part, ne.ipa | (va & SIM_PAGE_MASK));
	if (t->mmio && !(acc & SIM_ACC_EXEC)) {
		t->addr = (ne.ipa | (va & SIM_PAGE_MASK)) - t->mmio->base;
		return true;
	}
	if (!c->part->stage2 && !(acc & SIM_ACC_EXEC)) {
		/* Board mode: unclaimed physical space goes to the runner like MMIO. */
		f = (struct sim_fault){ .type = SIM_FAULT_TRANSLATION, .stage = 2, .level = 3,
					.ipa = t->pa };
		stage2_exit(c, &f, va, acc, flags, size, wdata);
		return false;
	}
	external_abort(c, va, acc, flags, size);
	return false;
}

static bool device_access(struct sim_cpu *c, struct sim_target *t, uint64_t va,
			  unsigned size, unsigned acc, uint32_t flags, void *buf)
{
	uint64_t v = 0;
	int rc;

	if (size > 8) {
		external_abort(c, va, acc, flags, size);
		return false;
	}
	if (acc & SIM_ACC_WRITE) {
		memcpy(&v, buf, size);
		rc = t->mmio->ops->write(t->mmio->opaque, t->addr, size, v);
	} else {
		rc = t->mmio->ops->read(t->mmio->opaque, t->addr, size, &v);
		if (!rc)
			memcpy(buf, &v, size);
	}
	if (rc) {
		external_abort(c, va, acc, flags, size);
		return false;
	}
	return true;
}

/*
 * Translate pc for an instruction fetch. Returns the RAM region and PA, or false with the
 * instruction abort or stage-2 exit already set up.
 */
bool sim_mem_fetch(struct sim_cpu *c, uint64_t pc, struct sim_ram **ram, uint64_t *pa);
bool sim_mem_fetch(struct sim_cpu *c, uint64_t pc, struct sim_ram **ram, uint64_t *pa)
{
	struct sim_tlb_entry *e = sim_tlb_slot(c, pc);
	struct sim_tlb_entry ne;
	struct sim_fault f;
	struct sim_ram *r;

	if (sim_tlb_hit(c, e, pc) && (e->perm & c->perm_x) && e->host) {
		*pa = e->pa;
		*ram = sim_ram_find(c->m, e->pa, SIM_PAGE_SIZE);
		return true;
	}
	memset(&ne, 0, sizeof(ne));
	memset(&f, 0, sizeof(f));
	if (!sim_mmu_translate(c, pc, SIM_ACC_EXEC, &ne, &f)) {
		if (f.stage == 2)
			stage2_exit(c, &f, pc, SIM_ACC_EXEC, 0, 4, NULL);
		else
			sim_raise_abort(c, &f, pc, SIM_ACC_EXEC, 0, 4);
		return false;
	}
	ne.pa &= ~SIM_PAGE_MASK;
	ne.ipa &= ~SIM_PAGE_MASK;
	r = sim_ram_find(c->m, ne.pa, SIM_PAGE_SIZE);
	if (!r) {
		external_abort(c, pc, SIM_ACC_EXEC, 0, 4);
		return false;
	}
	tlb_install(c, pc, &ne, r);
	*pa = ne.pa;
	*ram = r;
	return true;
}

/*
 * An access crossing a page is misaligned (sizes are powers of two up to 16): it faults
 * when alignment is required by the instruction or SCTLR_EL1.A, or when either page is
 * Device memory. Each half on its own would look aligned, so check the whole.
 */
static bool crossing_aligned_ok(struct sim_cpu *c, uint64_t va, unsigned size, unsigned acc,
				uint32_t flags, const struct sim_target *t)
{
	struct sim_fault f = { .type = SIM_FAULT_ALIGNMENT, .stage = 1 };

	if (!(flags & SIM_MEMF_ALIGN) && !(c->sysreg[SR_SCTLR_EL1] & 2) &&
	    (!t || (!t[0].device && !t[1].device)))
		return true;
	sim_raise_abort(c, &f, va, acc, flags, size);
	return false;
}

bool sim_mem_read_slow(struct sim_cpu *c, uint64_t va, unsigned size, void *out,
		       uint32_t flags)
{
	unsigned first = SIM_PAGE_SIZE - (va & SIM_PAGE_MASK);
	struct sim_target t[2];
	uint8_t tmp[16];

	if (first >= size) {
		if (!resolve(c, va, size, SIM_ACC_READ, flags, NULL, &t[0]))
			return false;
		if (t[0].mmio)
			return device_access(c, &t[0], va, size, SIM_ACC_READ, flags, out);
		memcpy(out, t[0].host, size);
		return true;
	}
	/* Crossing a page: both halves must resolve to RAM before anything is read. */
	if (!crossing_aligned_ok(c, va, size, SIM_ACC_READ, flags, NULL) ||
	    !resolve(c, va, first, SIM_ACC_READ, flags, NULL, &t[0]) ||
	    !resolve(c, va + first, size - first, SIM_ACC_READ, flags, NULL, &t[1]) ||
	    !crossing_aligned_ok(c, va, size, SIM_ACC_READ, flags, t))
		return false;
	if (t[0].mmio || t[1].mmio) {
		external_abort(c, va, SIM_ACC_READ, flags, size);
		return false;
	}
	memcpy(tmp, t[0].host, first);
	memcpy(tmp + first, t[1].host, size - first);
	memcpy(out, tmp, size);
	return true;
}

bool sim_mem_write_slow(struct sim_cpu *c, uint64_t va, unsigned size, const void *in,
			uint32_t flags)
{
	unsigned first = SIM_PAGE_SIZE - (va & SIM_PAGE_MASK);
	unsigned n = first >= size ? 1 : 2;
	struct sim_target t[2];
	uint8_t tmp[16];

	memcpy(tmp, in, size);
	if (n == 2 && !crossing_aligned_ok(c, va, size, SIM_ACC_WRITE, flags, NULL))
		return false;
	if (!resolve(c, va, n == 1 ? size : first, SIM_ACC_WRITE, flags, tmp, &t[0]))
		return false;
	if (n == 2 && (!resolve(c, va + first, size - first, SIM_ACC_WRITE, flags, tmp + first,
				&t[1]) || !crossing_aligned_ok(c, va, size, SIM_ACC_WRITE, flags, t)))
		return false;
	if (t[0].mmio) {
		if (n == 1)
			return device_access(c, &t[0], va, size, SIM_ACC_WRITE, flags, tmp);
		external_abort(c, va, SIM_ACC_WRITE, flags, size);
		return false;
	}
	if (n == 2 && t[1].mmio) {
		external_abort(c, va, SIM_ACC_WRITE, flags, size);
		return false;
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned len = n == 1 ? size : i == 0 ? first : size - first;

		sim_page_touch(c->m, t[i].ram, t[i].pa & ~SIM_PAGE_MASK);
		memcpy(t[i].ram->mem + (t[i].pa - t[i].ram->base), tmp + (i ? first : 0), len);
		sim_excl_clear_pa(c->m, t[i].pa, len);
		/* The page may now take fast writes: refresh the entry's write bits. */
		{
			struct sim_tlb_entry ne;
			struct sim_fault f;
			uint64_t a = i ? va + first : va;

			memset(&ne, 0, sizeof(ne));
			if (sim_mmu_translate(c, a, SIM_ACC_WRITE, &ne, &f)) {
				ne.pa &= ~SIM_PAGE_MASK;
				ne.ipa &= ~SIM_PAGE_MASK;
				tlb_install(c, a, &ne, t[i].ram);
			}
		}
	}
	return true;
}

void *sim_mem_rmw_ptr(struct sim_cpu *c, uint64_t va, unsigned size, uint32_t flags)
{
	struct sim_target t;
	struct sim_fault f;

	if (va & (size - 1)) {
		f = (struct sim_fault){ .type = SIM_FAULT_ALIGNMENT, .stage = 1 };
		sim_raise_abort(c, &f, va, SIM_ACC_WRITE, flags | SIM_MEMF_ATOMIC, size);
		return NULL;
	}
	/* Permission to write implies the read side for every regime we model. */
	if (!resolve(c, va, size, SIM_ACC_READ, flags | SIM_MEMF_ATOMIC, NULL, &t) ||
	    !resolve(c, va, size, SIM_ACC_WRITE, flags | SIM_MEMF_ATOMIC, NULL, &t))
		return NULL;
	if (!t.host) {
		external_abort(c, va, SIM_ACC_WRITE, flags | SIM_MEMF_ATOMIC, size);
		return NULL;
	}
	sim_page_touch(c->m, t.ram, t.pa & ~SIM_PAGE_MASK);
	return t.host;
}
