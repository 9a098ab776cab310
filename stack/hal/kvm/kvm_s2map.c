// SPDX-License-Identifier: MIT
/*
 * Stage-2 tables -> memslots (see kvm_s2map.h): a walker over the caller's VMSAv8-64
 * stage-2 descriptors, and the reconciliation that keeps one memslot per run.
 *
 * Descriptor format (Arm ARM D8.3, 4 KiB granule): bit 0 valid, bit 1 table (levels 0-2)
 * or page (level 3), bits 47:12 output address, S2AP bits 7:6 (6 read, 7 write), AF bit
 * 10. Blocks exist at levels 1 (1 GiB) and 2 (2 MiB); a level-0 block and a level-3
 * descriptor with bit 1 clear are invalid (translation faults), as the architecture says.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/hal/kvm/kvm_s2map.h"

#define D_VALID		(1ull << 0)
#define D_TABLE		(1ull << 1)
#define D_S2AP_R	(1ull << 6)
#define D_S2AP_W	(1ull << 7)
#define D_AF		(1ull << 10)
#define D_OA		0x0000fffffffff000ull

#define MAX_IPA_BITS	48

static bool kind_is_ram(unsigned kind)
{
	return kind == S2M_RW || kind == S2M_RO;
}

static uint64_t run_end(const struct s2m_run *r)
{
	return r->ipa + r->size;
}

/* Bits of IPA that one entry of a level-`level` table covers. */
static unsigned level_shift(unsigned level)
{
	return 12 + 9 * (3 - level);
}

int s2m_parse_vtcr(uint64_t vtcr, uint64_t root, struct s2m_geom *g, const char **why)
{
	unsigned t0sz = vtcr & 0x3f, sl0 = (vtcr >> 6) & 3, tg0 = (vtcr >> 14) & 3;
	unsigned bits = 64 - t0sz, level, index_bits;
	uint64_t root_bytes;

	if (tg0 != 0) {
		*why = "VTCR_EL2.TG0: only the 4 KiB granule is supported";
		return -EINVAL;
	}
	if (bits < 25 || bits > MAX_IPA_BITS) {
		*why = "VTCR_EL2.T0SZ: the IPA size must be 25..48 bits";
		return -EINVAL;
	}
	if (sl0 == 3) {
		*why = "VTCR_EL2.SL0: start level 3 is reserved with the 4 KiB granule";
		return -EINVAL;
	}
	level = 2 - sl0;			/* SL0 0, 1, 2 -> start level 2, 1, 0 */
	/* The root table indexes IPA bits [bits-1 : level_shift]; more than 9 bits means
	 * concatenated tables, at most 16 of them, and none at level 0 (D8.2.6). */
	if (bits <= level_shift(level) ||
	    bits - level_shift(level) > (level == 0 ? 9u : 13u)) {
		*why = "VTCR_EL2.SL0 does not fit T0SZ (start level too deep or shallow)";
		return -EINVAL;
	}
	index_bits = bits - level_shift(level);
	root_bytes = (8ull << index_bits) < S2M_PAGE ? S2M_PAGE : 8ull << index_bits;
	if (root % root_bytes) {
		*why = "stage-2 root is not aligned to the size of its (concatenated) tables";
		return -EINVAL;
	}
	g->root = root;
	g->ipa_bits = bits;
	g->start_level = level;
	g->root_entries = 1u << index_bits;
	return 0;
}

/* ---- the walk ------------------------------------------------------------------------- */

struct walker {
	const struct s2m_geom *g;
	const struct s2m_env *env;
	uint64_t lo, hi;		/* the part of the IPA space being read */
	struct s2m_runs *out;
	int err;
};

static bool runs_reserve(struct s2m_runs *r, size_t n)
{
	struct s2m_run *bigger;
	size_t cap;

	if (r->nr + n <= r->cap)
		return true;
	cap = r->cap ? r->cap : 16;
	while (cap < r->nr + n)
		cap *= 2;
	bigger = realloc(r->runs, cap * sizeof(*bigger));
	if (!bigger)
		return false;
	r->runs = bigger;
	r->cap = cap;
	return true;
}

void s2m_runs_free(struct s2m_runs *r)
{
	free(r->runs);
	memset(r, 0, sizeof(*r));
}

/* Does a run of kind at [ipa, ...) -> pa continue r? */
static bool run_continues(const struct s2m_run *r, uint64_t ipa, uint64_t pa, unsigned kind)
{
	return run_end(r) == ipa && r->kind == kind && (!kind_is_ram(kind) || r->pa + r->size == pa);
}

/* Add [ipa, ipa + size) of kind to the walk's output, clipped to the walked range. */
static void emit(struct walker *w, uint64_t ipa, uint64_t size, unsigned kind, uint64_t pa)
{
	uint64_t end = ipa + size;
	struct s2m_runs *o = w->out;

	if (ipa < w->lo) {
		pa += kind_is_ram(kind) ? w->lo - ipa : 0;
		ipa = w->lo;
	}
	if (end > w->hi)
		end = w->hi;
	if (end <= ipa || w->err)
		return;
	if (!kind_is_ram(kind))
		pa = 0;
	if (o->nr && run_continues(&o->runs[o->nr - 1], ipa, pa, kind)) {
		o->runs[o->nr - 1].size += end - ipa;
		return;
	}
	if (!runs_reserve(o, 1)) {
		w->err = -ENOMEM;
		return;
	}
	o->runs[o->nr++] = (struct s2m_run){ .ipa = ipa, .pa = pa, .size = end - ipa,
					     .kind = (uint8_t)kind, .slot = -1 };
}

/* A valid block or page descriptor covering [ipa, ipa + span). */
static void emit_leaf(struct walker *w, uint64_t ipa, uint64_t span, uint64_t desc)
{
	uint64_t oa = desc & D_OA & ~(span - 1);
	uint64_t mem_lo = w->env->phys_base, mem_hi = mem_lo + w->env->phys_size;
	unsigned kind;

	if (!(desc & D_AF)) {
		emit(w, ipa, span, S2M_FAULT, 0);	/* no hardware AF update: it faults */
		return;
	}
	if (!(desc & D_S2AP_R)) {
		emit(w, ipa, span, S2M_NOACCESS, 0);
		return;
	}
	kind = (desc & D_S2AP_W) ? S2M_RW : S2M_RO;
	/* Only the part of the output range inside physical memory can be RAM. */
	if (mem_lo < oa)
		mem_lo = oa;
	if (mem_hi > oa + span)
		mem_hi = oa + span;
	if (mem_lo >= mem_hi) {
		emit(w, ipa, span, S2M_FAULT, 0);
		return;
	}
	emit(w, ipa, mem_lo - oa, S2M_FAULT, 0);
	emit(w, ipa + (mem_lo - oa), mem_hi - mem_lo, kind, mem_lo);
	emit(w, ipa + (mem_hi - oa), oa + span - mem_hi, S2M_FAULT, 0);
}

/* Entry i of the (possibly concatenated) table at table_pa, or NULL outside memory. */
static const uint64_t *table_entry(const struct walker *w, uint64_t table_pa, uint64_t i)
{
	const uint64_t *page = w->env->table(w->env->ctx, table_pa + (i / 512) * S2M_PAGE);

	return page ? &page[i % 512] : NULL;
}

static void walk_table(struct walker *w, uint64_t table_pa, unsigned level, uint64_t base,
		       uint64_t entries)
{
	uint64_t span = 1ull << level_shift(level);
	uint64_t i = w->lo > base ? (w->lo - base) / span : 0;

	for (; i < entries && base + i * span < w->hi && !w->err; i++) {
		uint64_t ipa = base + i * span;
		const uint64_t *d = table_entry(w, table_pa, i);
		uint64_t desc;

		if (!d) {
			/* A table outside memory: the walk itself aborts, for all it covers. */
			emit(w, ipa, span, S2M_FAULT, 0);
			continue;
		}
		desc = *d;
		if (!(desc & D_VALID))
			continue;
		if (level == 3) {
			if (desc & D_TABLE)
				emit_leaf(w, ipa, span, desc);
		} else if (desc & D_TABLE) {
			walk_table(w, desc & D_OA, level + 1, ipa, 512);
		} else if (level > 0) {
			emit_leaf(w, ipa, span, desc);
		}
	}
}

int s2m_walk(const struct s2m_geom *g, const struct s2m_env *env, uint64_t lo, uint64_t hi,
	     struct s2m_runs *out)
{
	struct walker w = { .g = g, .env = env, .out = out };
	uint64_t space = 1ull << g->ipa_bits;

	w.lo = lo & ~(S2M_PAGE - 1);
	w.hi = hi > space ? space : (hi + S2M_PAGE - 1) & ~(S2M_PAGE - 1);
	if (w.lo >= w.hi)
		return 0;
	walk_table(&w, g->root, g->start_level, 0, g->root_entries);
	return w.err;
}

/* ---- reconciliation ------------------------------------------------------------------------ */

void s2m_init(struct s2m_map *m)
{
	memset(m, 0, sizeof(*m));
}

void s2m_clear(struct s2m_map *m, const struct s2m_env *env)
{
	for (size_t i = 0; i < m->nr; i++)
		if (m->runs[i].slot >= 0)
			env->slot_remove(env->ctx, &m->runs[i]);
	free(m->runs);
	s2m_init(m);
}

/* Index of the first run ending after ipa (m->nr if none). */
static size_t first_ending_after(const struct s2m_map *m, uint64_t ipa)
{
	size_t lo = 0, hi = m->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (run_end(&m->runs[mid]) > ipa)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

const struct s2m_run *s2m_lookup(const struct s2m_map *m, uint64_t ipa)
{
	size_t i = first_ending_after(m, ipa);

	return i < m->nr && m->runs[i].ipa <= ipa ? &m->runs[i] : NULL;
}

static bool same_run(const struct s2m_run *a, const struct s2m_run *b)
{
	return a->ipa == b->ipa && a->size == b->size && a->kind == b->kind && a->pa == b->pa;
}

/* Hand the memslots of old runs that still hold over to their fresh twins. */
static void carry_slots(struct s2m_run *old, size_t nr_old, struct s2m_run *fresh,
			size_t nr_fresh)
{
	size_t a = 0, b = 0;

	while (a < nr_old && b < nr_fresh) {
		if (old[a].ipa < fresh[b].ipa) {
			a++;
		} else if (old[a].ipa > fresh[b].ipa) {
			b++;
		} else {
			if (same_run(&old[a], &fresh[b])) {
				fresh[b].slot = old[a].slot;
				old[a].slot = -1;
			}
			a++;
			b++;
		}
	}
}

/*
 * Replace runs [i0, i1) by fresh. Prepare (memory) first, so that from the first memslot
 * change on nothing can fail but a memslot creation, which leaves its run without one.
 */
static int splice(struct s2m_map *m, const struct s2m_env *env, size_t i0, size_t i1,
		  struct s2m_runs *fresh)
{
	struct s2m_runs all = { m->runs, m->nr, m->cap };
	size_t tail = m->nr - i1;
	int err = 0;

	if (fresh->nr > i1 - i0 && !runs_reserve(&all, fresh->nr - (i1 - i0)))
		return -ENOMEM;
	m->runs = all.runs;
	m->cap = all.cap;
	carry_slots(&m->runs[i0], i1 - i0, fresh->runs, fresh->nr);
	for (size_t i = i0; i < i1; i++)
		if (m->runs[i].slot >= 0)
			env->slot_remove(env->ctx, &m->runs[i]);
	if (tail)
		memmove(&m->runs[i0 + fresh->nr], &m->runs[i1], tail * sizeof(*m->runs));
	if (fresh->nr)
		memcpy(&m->runs[i0], fresh->runs, fresh->nr * sizeof(*m->runs));
	m->nr = i0 + fresh->nr + tail;
	for (size_t i = i0; i < i0 + fresh->nr; i++) {
		struct s2m_run *r = &m->runs[i];
		int rc;

		if (!kind_is_ram(r->kind) || r->slot >= 0)
			continue;
		rc = env->slot_add(env->ctx, r);
		if (rc) {
			r->slot = -1;
			err = err ? err : rc;
		}
	}
	return err;
}

/* Re-read [lo, hi) widened to whole runs and to the runs touching it. */
static int reflect(struct s2m_map *m, const struct s2m_env *env, uint64_t lo, uint64_t hi)
{
	size_t i0 = first_ending_after(m, lo), i1;
	struct s2m_runs fresh = { 0 };
	int err;

	if (i0 > 0 && run_end(&m->runs[i0 - 1]) == lo)
		i0--;			/* it may now merge with what follows */
	if (i0 < m->nr && m->runs[i0].ipa < lo)
		lo = m->runs[i0].ipa;
	for (i1 = i0; i1 < m->nr && m->runs[i1].ipa <= hi; i1++)
		;
	if (i1 > i0 && run_end(&m->runs[i1 - 1]) > hi)
		hi = run_end(&m->runs[i1 - 1]);
	err = s2m_walk(&m->g, env, lo, hi, &fresh);
	if (!err)
		err = splice(m, env, i0, i1, &fresh);
	s2m_runs_free(&fresh);
	return err;
}

int s2m_set_root(struct s2m_map *m, const struct s2m_env *env, const struct s2m_geom *g)
{
	m->g = *g;
	m->installed = true;
	/* Everything: the old runs (anywhere below 2^48) and the new tables' whole space. */
	return reflect(m, env, 0, 1ull << MAX_IPA_BITS);
}

int s2m_reconcile(struct s2m_map *m, const struct s2m_env *env, uint64_t lo, uint64_t hi)
{
	if (!m->installed || hi <= lo)
		return 0;
	lo &= ~(S2M_PAGE - 1);
	if (hi > 1ull << MAX_IPA_BITS)
		hi = 1ull << MAX_IPA_BITS;
	hi = (hi + S2M_PAGE - 1) & ~(S2M_PAGE - 1);
	return reflect(m, env, lo, hi);
}
