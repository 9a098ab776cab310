/* SPDX-License-Identifier: MIT */
/*
 * The kvm backend's reflection of a VM's stage 2 (private to stack/hal/kvm/).
 *
 * The hyp writes VMSAv8-64 stage-2 tables into physical memory; KVM has its own stage 2,
 * which user space shapes only through memslots. This module reads the hyp's tables and
 * keeps a sorted, canonical list of *runs*: maximal ranges of IPA pages that map
 * contiguous physical pages with the same access. Each RAM run is one memslot:
 *
 *   descriptor (leaf, valid)                 run kind       memslot
 *   AF=1, S2AP read+write, OA in memory      S2M_RW         writable
 *   AF=1, S2AP read only,  OA in memory      S2M_RO         KVM_MEM_READONLY
 *   AF=1, S2AP without read                  S2M_NOACCESS   none (permission fault)
 *   AF=0, or OA / a table outside memory     S2M_FAULT      none (S2 abort, not perm.)
 *   invalid                                  (no run)       none (MMIO)
 *
 * What a memslot cannot express is not reflected: XN (KVM maps RAM executable), MemAttr
 * (RAM is Normal memory), and write-only S2AP (treated as no access).
 *
 * Pure code: no KVM header, no system call. The caller supplies table access and the
 * memslot operations (struct s2m_env), so the logic is unit tested on any host
 * (kvm_s2map_test.c) against a fake KVM.
 */
#ifndef AVF_HAL_KVM_S2MAP_H
#define AVF_HAL_KVM_S2MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define S2M_PAGE	4096ull

enum s2m_kind {
	S2M_RW = 1,
	S2M_RO,
	S2M_NOACCESS,
	S2M_FAULT,
};

struct s2m_run {
	uint64_t ipa;		/* page aligned */
	uint64_t pa;		/* S2M_RW / S2M_RO: PA of the first page; else 0 */
	uint64_t size;		/* bytes, a page multiple */
	uint8_t kind;		/* enum s2m_kind */
	int32_t slot;		/* the run's memslot (RW/RO), -1 if it has none */
};

struct s2m_env {
	/* The 4 KiB of descriptors at pa (page aligned), or NULL outside physical memory. */
	const uint64_t *(*table)(void *ctx, uint64_t pa);
	/* Remove r's memslot (r->slot >= 0). Must not fail: deleting an existing slot. */
	void (*slot_remove)(void *ctx, const struct s2m_run *r);
	/* Create a memslot for the RAM run r and store its id in r->slot; 0 or -errno. */
	int (*slot_add)(void *ctx, struct s2m_run *r);
	void *ctx;
	uint64_t phys_base, phys_size;	/* physical memory: leaves outside it are S2M_FAULT */
};

/* Where the tables are and what shape they have (from VTCR_EL2). */
struct s2m_geom {
	uint64_t root;
	unsigned ipa_bits;	/* 64 - T0SZ */
	unsigned start_level;	/* 0..2 */
	unsigned root_entries;	/* > 512 with concatenated root tables */
};

struct s2m_map {
	struct s2m_geom g;
	bool installed;		/* a root is set (hal_vm_set_stage2) */
	struct s2m_run *runs;	/* sorted by ipa, disjoint, canonical */
	size_t nr, cap;
};

/* A growable list of runs (the walk's output). */
struct s2m_runs {
	struct s2m_run *runs;
	size_t nr, cap;
};

/*
 * Decode VTCR_EL2 (T0SZ, SL0, TG0) for a root table at root. 4 KiB granule only; start
 * level 0..2 with up to 16 concatenated root tables, as the Arm ARM allows; IPA sizes
 * 25..48 bits. Returns 0, or -EINVAL with *why set to a static explanation.
 */
int s2m_parse_vtcr(uint64_t vtcr, uint64_t root, struct s2m_geom *g, const char **why);

void s2m_init(struct s2m_map *m);
/* Remove every memslot of the map (through env) and free it. */
void s2m_clear(struct s2m_map *m, const struct s2m_env *env);

/*
 * Install new tables (geometry g) and reflect them entirely: runs the old tables had
 * and the new ones do not lose their memslots. Returns 0 or the first slot_add error.
 */
int s2m_set_root(struct s2m_map *m, const struct s2m_env *env, const struct s2m_geom *g);

/*
 * The tables changed within [lo, hi): re-read that range (widened to whole runs and to
 * the runs touching it, so that the result stays canonical) and bring the memslots in
 * line: removals first, then additions (KVM refuses overlapping slots). Unchanged runs
 * keep their memslots. Returns 0, -ENOMEM (then nothing changed), or the first slot_add
 * error (the map is still exact: that run has slot -1).
 */
int s2m_reconcile(struct s2m_map *m, const struct s2m_env *env, uint64_t lo, uint64_t hi);

/* The run holding ipa, or NULL (unmapped). */
const struct s2m_run *s2m_lookup(const struct s2m_map *m, uint64_t ipa);

/* Walk the tables over [lo, hi) (clipped to the IPA space) into out, canonical. */
int s2m_walk(const struct s2m_geom *g, const struct s2m_env *env, uint64_t lo, uint64_t hi,
	     struct s2m_runs *out);
void s2m_runs_free(struct s2m_runs *r);

#endif /* AVF_HAL_KVM_S2MAP_H */
