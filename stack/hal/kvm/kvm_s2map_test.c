// SPDX-License-Identifier: MIT
/*
 * Unit tests of the stage-2 -> memslot reflection (kvm_s2map.c), on any host: real
 * stage-2 descriptors in a fake physical memory, and a fake KVM that keeps memslots the
 * way KVM does (no overlap, ids reused) and counts every change.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stack/hal/kvm/kvm_s2map.h"

#define PB		0x40000000ull		/* physical memory: [PB, PB + PSIZE) */
#define PSIZE		(8ull << 20)
#define TABLES		PB			/* first 1 MiB: tables */
#define DATA		(PB + (1ull << 20))	/* then pages to map */

#define D_VALID		(1ull << 0)
#define D_TABLE		(1ull << 1)
#define D_R		(1ull << 6)
#define D_W		(1ull << 7)
#define D_AF		(1ull << 10)
#define D_XN		(1ull << 54)
#define RW		(D_R | D_W | D_AF)
#define RO		(D_R | D_AF)
#define NOREAD		(D_W | D_AF)
#define NOAF		(D_R | D_W)

/* VTCR: T0SZ 25 (39-bit IPA), SL0 1 (start at level 1), 4 KiB granule. */
#define VTCR39		(25 | 1ull << 6)
/* T0SZ 24 (40 bits), level 1: two concatenated root tables. */
#define VTCR40		(24 | 1ull << 6)

struct fake_slot {
	bool used;
	uint64_t ipa, size, pa;
	bool ro;
};

struct fake {
	uint64_t *mem;			/* PSIZE bytes of "physical memory" */
	unsigned next_table;
	struct fake_slot slots[256];
	unsigned adds, removes, limit;	/* limit: max slots in use (0: 256) */
	struct s2m_env env;
	struct s2m_map map;
	struct s2m_geom g;
};

static const uint64_t *fake_table(void *ctx, uint64_t pa)
{
	struct fake *f = ctx;

	assert_int_equal(pa % S2M_PAGE, 0);
	if (pa < PB || pa >= PB + PSIZE)
		return NULL;
	return f->mem + (pa - PB) / 8;
}

static void fake_slot_remove(void *ctx, const struct s2m_run *r)
{
	struct fake *f = ctx;
	struct fake_slot *s = &f->slots[r->slot];

	assert_true(r->slot >= 0 && r->slot < 256);
	assert_true(s->used);
	assert_int_equal(s->ipa, r->ipa);
	assert_int_equal(s->size, r->size);
	s->used = false;
	f->removes++;
}

static int fake_slot_add(void *ctx, struct s2m_run *r)
{
	struct fake *f = ctx;
	unsigned in_use = 0, free_id = 256;

	assert_true(r->kind == S2M_RW || r->kind == S2M_RO);
	assert_true(r->pa >= PB && r->pa + r->size <= PB + PSIZE);
	for (unsigned i = 0; i < 256; i++) {
		struct fake_slot *s = &f->slots[i];

		if (!s->used) {
			free_id = free_id < 256 ? free_id : i;
			continue;
		}
		in_use++;
		/* KVM refuses overlapping memslots (EEXIST): removals must come first. */
		if (s->ipa < r->ipa + r->size && r->ipa < s->ipa + s->size)
			fail_msg("slot %u [%#llx,+%#llx) overlaps new [%#llx,+%#llx)", i,
				 (unsigned long long)s->ipa, (unsigned long long)s->size,
				 (unsigned long long)r->ipa, (unsigned long long)r->size);
	}
	if ((f->limit && in_use >= f->limit) || free_id == 256)
		return -ENOSPC;
	f->slots[free_id] = (struct fake_slot){ true, r->ipa, r->size, r->pa, r->kind == S2M_RO };
	r->slot = (int32_t)free_id;
	f->adds++;
	return 0;
}

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->mem = calloc(1, PSIZE);
	assert_non_null(f->mem);
	f->env = (struct s2m_env){ .table = fake_table, .slot_remove = fake_slot_remove,
				   .slot_add = fake_slot_add, .ctx = f,
				   .phys_base = PB, .phys_size = PSIZE };
	s2m_init(&f->map);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	s2m_clear(&f->map, &f->env);
	for (unsigned i = 0; i < 256; i++)
		assert_false(f->slots[i].used);		/* clear removed every slot */
	free(f->mem);
	free(f);
	return 0;
}

static uint64_t *desc_at(struct fake *f, uint64_t pa)
{
	return f->mem + (pa - PB) / 8;
}

static uint64_t new_table(struct fake *f, unsigned pages)
{
	uint64_t pa = TABLES + f->next_table * S2M_PAGE;

	f->next_table += pages;
	assert_true(f->next_table <= 256);
	memset(desc_at(f, pa), 0, pages * S2M_PAGE);
	return pa;
}

/* Install a fresh root with vtcr; 0 or the error of s2m_set_root. */
static int install(struct fake *f, uint64_t vtcr, unsigned root_pages)
{
	const char *why = NULL;
	uint64_t root = new_table(f, root_pages);

	assert_int_equal(s2m_parse_vtcr(vtcr, root, &f->g, &why), 0);
	return s2m_set_root(&f->map, &f->env, &f->g);
}

/* The descriptor slot for ipa at `level` (1..3), creating tables above it. */
static uint64_t *slot_for(struct fake *f, uint64_t ipa, unsigned level)
{
	uint64_t t = f->g.root;
	unsigned l = f->g.start_level;

	for (;; l++) {
		unsigned shift = 12 + 9 * (3 - l);
		uint64_t entries = l == f->g.start_level ? f->g.root_entries : 512;
		uint64_t i = (ipa >> shift) & (entries - 1);
		uint64_t *d = desc_at(f, t) + i;

		if (l == level)
			return d;
		if (!(*d & D_VALID))
			*d = new_table(f, 1) | D_VALID | D_TABLE;
		t = *d & 0x0000fffffffff000ull;
	}
}

static void map_page(struct fake *f, uint64_t ipa, uint64_t pa, uint64_t attrs)
{
	*slot_for(f, ipa, 3) = attrs ? pa | attrs | D_VALID | D_TABLE : 0;
}

static void map_block(struct fake *f, unsigned level, uint64_t ipa, uint64_t pa, uint64_t attrs)
{
	*slot_for(f, ipa, level) = pa | attrs | D_VALID;
}

static int reconcile(struct fake *f, uint64_t ipa, uint64_t size)
{
	return s2m_reconcile(&f->map, &f->env, ipa, ipa + size);
}

static unsigned slots_in_use(const struct fake *f)
{
	unsigned n = 0;

	for (unsigned i = 0; i < 256; i++)
		n += f->slots[i].used;
	return n;
}

static void expect_run(const struct s2m_run *r, uint64_t ipa, uint64_t size, unsigned kind,
		       uint64_t pa)
{
	assert_non_null(r);
	assert_int_equal(r->ipa, ipa);
	assert_int_equal(r->size, size);
	assert_int_equal(r->kind, kind);
	assert_int_equal(r->pa, pa);
}

/*
 * The map is exact: sorted, disjoint, canonical, equal to a fresh walk of everything,
 * and the fake KVM holds exactly one slot per RAM run, with that run's fields.
 */
static void check_exact(struct fake *f)
{
	struct s2m_runs all = { 0 };
	const struct s2m_map *m = &f->map;
	unsigned ram = 0;

	assert_int_equal(s2m_walk(&f->g, &f->env, 0, 1ull << f->g.ipa_bits, &all), 0);
	assert_int_equal(all.nr, m->nr);
	for (size_t i = 0; i < m->nr; i++) {
		const struct s2m_run *r = &m->runs[i];

		expect_run(r, all.runs[i].ipa, all.runs[i].size, all.runs[i].kind, all.runs[i].pa);
		if (i)
			assert_true(m->runs[i - 1].ipa + m->runs[i - 1].size <= r->ipa);
		if (r->kind == S2M_RW || r->kind == S2M_RO) {
			const struct fake_slot *s = &f->slots[r->slot];

			assert_true(r->slot >= 0 && s->used);
			assert_true(s->ipa == r->ipa && s->size == r->size && s->pa == r->pa &&
				    s->ro == (r->kind == S2M_RO));
			ram++;
		} else {
			assert_int_equal(r->slot, -1);
		}
	}
	assert_int_equal(slots_in_use(f), ram);
	s2m_runs_free(&all);
}

/* ---- VTCR ------------------------------------------------------------------------------ */

static void test_vtcr_geometries(void **state)
{
	struct s2m_geom g;
	const char *why = NULL;

	assert_int_equal(s2m_parse_vtcr(VTCR39 | 2ull << 16 | 3ull << 12, 0x40000000, &g, &why), 0);
	assert_int_equal(g.ipa_bits, 39);
	assert_int_equal(g.start_level, 1);
	assert_int_equal(g.root_entries, 512);
	/* 40 bits from level 1: two concatenated root tables, 8 KiB aligned. */
	assert_int_equal(s2m_parse_vtcr(VTCR40, 0x40002000, &g, &why), 0);
	assert_int_equal(g.root_entries, 1024);
	assert_int_equal(s2m_parse_vtcr(VTCR40, 0x40001000, &g, &why), -EINVAL);
	assert_non_null(strstr(why, "aligned"));
	/* 48 bits from level 0; 32 bits from level 2 (8 concatenated tables). */
	assert_int_equal(s2m_parse_vtcr(16 | 2ull << 6, 0x40000000, &g, &why), 0);
	assert_true(g.ipa_bits == 48 && g.start_level == 0 && g.root_entries == 512);
	assert_int_equal(s2m_parse_vtcr(32 | 0ull << 6, 0x40000000, &g, &why), 0);
	assert_true(g.ipa_bits == 32 && g.start_level == 2 && g.root_entries == 2048);
}

static void test_vtcr_refusals(void **state)
{
	struct s2m_geom g = { 0 };
	const char *why = NULL;

	assert_int_equal(s2m_parse_vtcr(VTCR39 | 1ull << 14, PB, &g, &why), -EINVAL);
	assert_non_null(strstr(why, "TG0"));
	assert_int_equal(s2m_parse_vtcr(25 | 3ull << 6, PB, &g, &why), -EINVAL);
	assert_non_null(strstr(why, "SL0"));
	assert_int_equal(s2m_parse_vtcr(15 | 2ull << 6, PB, &g, &why), -EINVAL);	/* 49 bits */
	assert_int_equal(s2m_parse_vtcr(40 | 1ull << 6, PB, &g, &why), -EINVAL);	/* 24 bits */
	/* 40 bits from level 2 would need 512 concatenated tables; 39 from level 0, none. */
	assert_int_equal(s2m_parse_vtcr(24 | 0ull << 6, PB, &g, &why), -EINVAL);
	assert_int_equal(s2m_parse_vtcr(25 | 2ull << 6, PB, &g, &why), -EINVAL);
	assert_int_equal(g.root_entries, 0);		/* nothing written on failure */
}

/* ---- what becomes of descriptors ---------------------------------------------------------- */

static void test_contiguous_pages_make_one_slot(void **state)
{
	struct fake *f = *state;

	assert_int_equal(install(f, VTCR39, 1), 0);
	for (unsigned i = 0; i < 16; i++)
		map_page(f, 0x80000000 + i * S2M_PAGE, DATA + i * S2M_PAGE, RW | D_XN);
	assert_int_equal(reconcile(f, 0x80000000, 16 * S2M_PAGE), 0);
	assert_int_equal(f->map.nr, 1);
	expect_run(&f->map.runs[0], 0x80000000, 16 * S2M_PAGE, S2M_RW, DATA);
	assert_int_equal(f->adds, 1);
	check_exact(f);
	/* Every IPA of the run finds it; the page after does not. */
	assert_ptr_equal(s2m_lookup(&f->map, 0x8000f123), &f->map.runs[0]);
	assert_null(s2m_lookup(&f->map, 0x80010000));
	assert_null(s2m_lookup(&f->map, 0x7ffff000));
}

static void test_kinds_of_leaves(void **state)
{
	struct fake *f = *state;

	assert_int_equal(install(f, VTCR39, 1), 0);
	map_page(f, 0x1000, DATA, RO);
	map_page(f, 0x2000, DATA + 0x1000, NOAF);
	map_page(f, 0x3000, DATA + 0x2000, NOREAD);
	map_page(f, 0x4000, PB + PSIZE, RW);			/* outside memory */
	map_page(f, 0x5000, DATA + 0x4000, D_R | D_W | D_AF);	/* level-3 needs bit 1: */
	*slot_for(f, 0x5000, 3) &= ~D_TABLE;			/* reserved = invalid */
	assert_int_equal(reconcile(f, 0, 0x10000), 0);
	assert_int_equal(f->map.nr, 4);
	expect_run(s2m_lookup(&f->map, 0x1000), 0x1000, 0x1000, S2M_RO, DATA);
	expect_run(s2m_lookup(&f->map, 0x2000), 0x2000, 0x1000, S2M_FAULT, 0);
	expect_run(s2m_lookup(&f->map, 0x3000), 0x3000, 0x1000, S2M_NOACCESS, 0);
	expect_run(s2m_lookup(&f->map, 0x4000), 0x4000, 0x1000, S2M_FAULT, 0);
	assert_null(s2m_lookup(&f->map, 0x5000));
	check_exact(f);
	assert_true(f->slots[f->map.runs[0].slot].ro);
}

static void test_fault_runs_merge(void **state)
{
	struct fake *f = *state;

	assert_int_equal(install(f, VTCR39, 1), 0);
	map_page(f, 0x2000, DATA, NOAF);
	map_page(f, 0x3000, PB + PSIZE + 0x5000, RW);
	assert_int_equal(reconcile(f, 0, 0x10000), 0);
	assert_int_equal(f->map.nr, 1);
	expect_run(&f->map.runs[0], 0x2000, 0x2000, S2M_FAULT, 0);
	assert_int_equal(f->adds, 0);
	check_exact(f);
}

static void test_blocks(void **state)
{
	struct fake *f = *state;

	assert_int_equal(install(f, VTCR39, 1), 0);
	/* A 2 MiB block in memory (its OA's low bits are ignored); a 1 GiB block of which
	 * only [PB, PB + 8 MiB) is memory. */
	map_block(f, 2, 0x80000000, PB + (2ull << 20) + 0x5000, RO);
	map_block(f, 1, 0xc0000000, PB, RW);
	assert_int_equal(reconcile(f, 0x80000000, 1ull << 31), 0);
	expect_run(s2m_lookup(&f->map, 0x80000000), 0x80000000, 1ull << 21, S2M_RO,
		   PB + (2ull << 20));
	expect_run(s2m_lookup(&f->map, 0xc0000000), 0xc0000000, PSIZE, S2M_RW, PB);
	expect_run(s2m_lookup(&f->map, 0xc0000000 + PSIZE), 0xc0000000 + PSIZE,
		   (1ull << 30) - PSIZE, S2M_FAULT, 0);
	check_exact(f);
}

static void test_table_outside_memory_faults(void **state)
{
	struct fake *f = *state;

	assert_int_equal(install(f, VTCR39, 1), 0);
	*slot_for(f, 0x40000000, 1) = (PB + PSIZE) | D_VALID | D_TABLE;
	*slot_for(f, 0, 1) = D_VALID;	/* a level-1 "block" without AF: faults */
	assert_int_equal(reconcile(f, 0, 1ull << 31), 0);
	assert_int_equal(f->map.nr, 1);
	expect_run(&f->map.runs[0], 0, 1ull << 31, S2M_FAULT, 0);
	check_exact(f);
}

static void test_level0_block_is_invalid(void **state)
{
	struct fake *f = *state;

	assert_int_equal(install(f, 16 | 2ull << 6, 1), 0);	/* 48 bits from level 0 */
	*desc_at(f, f->g.root) = PB | RW | D_VALID;
	map_page(f, 1ull << 40, DATA, RW);
	assert_int_equal(reconcile(f, 0, 1ull << 48), 0);
	assert_int_equal(f->map.nr, 1);
	expect_run(&f->map.runs[0], 1ull << 40, S2M_PAGE, S2M_RW, DATA);
	check_exact(f);
}

static void test_concatenated_root(void **state)
{
	struct fake *f = *state;

	f->next_table = 2;	/* the 40-bit root takes 8 KiB, aligned to 8 KiB */
	assert_int_equal(install(f, VTCR40, 2), 0);
	map_page(f, 0x8000000000ull + 0x5000, DATA, RW);	/* in the second root table */
	map_page(f, 0x5000, DATA + 0x1000, RW);
	assert_int_equal(reconcile(f, 0, 1ull << 40), 0);
	assert_int_equal(f->map.nr, 2);
	expect_run(&f->map.runs[1], 0x8000005000ull, S2M_PAGE, S2M_RW, DATA);
	check_exact(f);
}

/* ---- reconciliation --------------------------------------------------------------------------- */

static void test_remap_moves_only_what_changed(void **state)
{
	struct fake *f = *state;
	int32_t far_slot;

	assert_int_equal(install(f, VTCR39, 1), 0);
	for (unsigned i = 0; i < 8; i++)
		map_page(f, 0x80000000 + i * S2M_PAGE, DATA + i * S2M_PAGE, RW);
	map_page(f, 0x90000000, DATA + 0x100000, RO);
	assert_int_equal(reconcile(f, 0, 1ull << 39), 0);
	far_slot = s2m_lookup(&f->map, 0x90000000)->slot;
	/* The page right after the run, contiguous in PA: the run grows (one slot). */
	map_page(f, 0x80008000, DATA + 0x8000, RW);
	f->adds = f->removes = 0;
	assert_int_equal(reconcile(f, 0x80008000, S2M_PAGE), 0);
	expect_run(s2m_lookup(&f->map, 0x80000000), 0x80000000, 9 * S2M_PAGE, S2M_RW, DATA);
	assert_true(f->adds == 1 && f->removes == 1);
	/* Remap the middle page elsewhere: three runs, the unrelated one untouched. */
	map_page(f, 0x80004000, DATA + 0x200000, RW);
	f->adds = f->removes = 0;
	assert_int_equal(reconcile(f, 0x80004000, S2M_PAGE), 0);
	assert_true(f->adds == 3 && f->removes == 1);
	expect_run(s2m_lookup(&f->map, 0x80004000), 0x80004000, S2M_PAGE, S2M_RW, DATA + 0x200000);
	assert_int_equal(s2m_lookup(&f->map, 0x90000000)->slot, far_slot);
	check_exact(f);
	/* Put it back: one run again. */
	map_page(f, 0x80004000, DATA + 0x4000, RW);
	assert_int_equal(reconcile(f, 0x80004000, S2M_PAGE), 0);
	expect_run(s2m_lookup(&f->map, 0x80000000), 0x80000000, 9 * S2M_PAGE, S2M_RW, DATA);
	check_exact(f);
}

static void test_permission_change_and_unmap(void **state)
{
	struct fake *f = *state;

	assert_int_equal(install(f, VTCR39, 1), 0);
	map_page(f, 0x80000000, DATA, RW);
	map_page(f, 0x80001000, DATA + 0x1000, RO);
	assert_int_equal(reconcile(f, 0x80000000, 2 * S2M_PAGE), 0);
	assert_int_equal(f->map.nr, 2);
	/* Read-only -> writable, contiguous: merges with its neighbour (canonical). */
	map_page(f, 0x80001000, DATA + 0x1000, RW);
	assert_int_equal(reconcile(f, 0x80001000, S2M_PAGE), 0);
	assert_int_equal(f->map.nr, 1);
	expect_run(&f->map.runs[0], 0x80000000, 2 * S2M_PAGE, S2M_RW, DATA);
	/* Unmap the first page: the rest stays, with a new slot. */
	map_page(f, 0x80000000, 0, 0);
	assert_int_equal(reconcile(f, 0x80000000, S2M_PAGE), 0);
	assert_int_equal(f->map.nr, 1);
	expect_run(&f->map.runs[0], 0x80001000, S2M_PAGE, S2M_RW, DATA + 0x1000);
	check_exact(f);
}

static void test_unreconciled_changes_are_not_seen(void **state)
{
	struct fake *f = *state;

	assert_int_equal(install(f, VTCR39, 1), 0);
	map_page(f, 0x80000000, DATA, RW);
	map_page(f, 0x80400000, DATA + 0x1000, RW);	/* far away, never invalidated */
	assert_int_equal(reconcile(f, 0x80000000, S2M_PAGE), 0);
	assert_int_equal(f->map.nr, 1);
	assert_null(s2m_lookup(&f->map, 0x80400000));
}

static void test_set_root_replaces_everything(void **state)
{
	struct fake *f = *state;
	struct s2m_geom first;
	int32_t kept;

	assert_int_equal(install(f, VTCR39, 1), 0);
	map_page(f, 0x80000000, DATA, RW);
	map_page(f, 0x80100000, DATA + 0x1000, RO);
	assert_int_equal(reconcile(f, 0, 1ull << 39), 0);
	first = f->g;
	/* New tables: the same first page, a different second one. */
	f->adds = f->removes = 0;
	assert_int_equal(install(f, VTCR39, 1), 0);
	assert_int_equal(f->map.nr, 0);
	assert_int_equal(f->removes, 2);
	map_page(f, 0x80000000, DATA, RW);
	map_page(f, 0x80200000, DATA + 0x2000, RW);
	assert_int_equal(s2m_set_root(&f->map, &f->env, &f->g), 0);
	assert_int_equal(f->map.nr, 2);
	check_exact(f);
	/* Back to the first tables: same-shaped runs keep their slots. */
	f->adds = f->removes = 0;
	kept = s2m_lookup(&f->map, 0x80000000)->slot;
	f->g = first;
	assert_int_equal(s2m_set_root(&f->map, &f->env, &f->g), 0);
	assert_int_equal(s2m_lookup(&f->map, 0x80000000)->slot, kept);
	assert_true(f->adds == 1 && f->removes == 1);
	check_exact(f);
}

static void test_slot_add_failure_heals(void **state)
{
	struct fake *f = *state;

	assert_int_equal(install(f, VTCR39, 1), 0);
	f->limit = 1;
	map_page(f, 0x80000000, DATA, RW);
	map_page(f, 0x80002000, DATA + 0x5000, RW);
	assert_int_equal(reconcile(f, 0x80000000, 3 * S2M_PAGE), -ENOSPC);
	assert_int_equal(f->map.nr, 2);
	assert_true(f->map.runs[0].slot >= 0);
	assert_int_equal(f->map.runs[1].slot, -1);	/* the map says what KVM has */
	f->limit = 0;
	assert_int_equal(reconcile(f, 0x80002000, S2M_PAGE), 0);
	check_exact(f);
}

static void test_no_root_no_runs(void **state)
{
	struct fake *f = *state;

	assert_int_equal(reconcile(f, 0, 1ull << 39), 0);
	assert_int_equal(f->map.nr, 0);
	assert_null(s2m_lookup(&f->map, 0));
}

/* ---- random changes against the from-scratch truth ---------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

#define WIN_IPA		0x801f0000ull	/* 64 pages across a 2 MiB boundary */
#define WIN_PAGES	64

static uint64_t random_attrs(void)
{
	switch (rnd() % 20) {
	case 0: return NOAF;
	case 1: return NOREAD;
	case 2: case 3: case 4: case 5: return 0;	/* unmapped */
	case 6: case 7: case 8: case 9: return RO;
	default: return RW;
	}
}

/* Slots of runs that do not touch [lo, hi) must survive a reconcile of [lo, hi). */
static void check_untouched_kept(const struct s2m_run *before, size_t nr_before,
				 const struct s2m_map *m, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; i < nr_before; i++) {
		const struct s2m_run *r = &before[i], *now;

		if (r->slot < 0 || (r->ipa + r->size >= lo && r->ipa <= hi))
			continue;
		now = s2m_lookup(m, r->ipa);
		assert_non_null(now);
		assert_int_equal(now->slot, r->slot);
	}
}

static void test_random_changes_match_a_full_walk(void **state)
{
	struct fake *f = *state;
	uint64_t pa_of[WIN_PAGES] = { 0 };

	assert_int_equal(install(f, VTCR39, 1), 0);
	for (unsigned step = 0; step < 3000; step++) {
		unsigned first = rnd() % WIN_PAGES, n = 1 + rnd() % 4;
		uint64_t attrs = random_attrs();
		struct s2m_run *before;
		size_t nr_before = f->map.nr;

		if (first + n > WIN_PAGES)
			n = WIN_PAGES - first;
		for (unsigned i = first; i < first + n; i++) {
			/* Mostly contiguous with the page before, sometimes anywhere. */
			if (i && rnd() % 4)
				pa_of[i] = pa_of[i - 1] + S2M_PAGE;
			else
				pa_of[i] = DATA + (rnd() % 512) * S2M_PAGE;
			map_page(f, WIN_IPA + i * S2M_PAGE, pa_of[i], attrs);
		}
		before = malloc((nr_before + 1) * sizeof(*before));
		assert_non_null(before);
		if (nr_before)
			memcpy(before, f->map.runs, nr_before * sizeof(*before));
		assert_int_equal(reconcile(f, WIN_IPA + first * S2M_PAGE, n * S2M_PAGE), 0);
		check_untouched_kept(before, nr_before, &f->map, WIN_IPA + first * S2M_PAGE,
				     WIN_IPA + (first + n) * S2M_PAGE);
		free(before);
		check_exact(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vtcr_geometries),
		cmocka_unit_test(test_vtcr_refusals),
		cmocka_unit_test_setup_teardown(test_contiguous_pages_make_one_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kinds_of_leaves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_runs_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_outside_memory_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_level0_block_is_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concatenated_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remap_moves_only_what_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permission_change_and_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreconciled_changes_are_not_seen, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_set_root_replaces_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slot_add_failure_heals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_root_no_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_changes_match_a_full_walk, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
