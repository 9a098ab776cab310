// SPDX-License-Identifier: MIT
/*
 * The specification's abstract state: pages, VMs, the stage-2 tables each VM needs and
 * the pool they come from. Plain data and small helpers; the rules live in
 * host_calls.c and guest_calls.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/hyp/spec/spec_internal.h"

bool spec_pfn_valid(const struct hyp_spec *s, uint64_t pfn)
{
	return pfn >= s->base_pfn && pfn - s->base_pfn < s->nr_pfns;
}

struct spec_page *spec_page(struct hyp_spec *s, uint64_t pfn)
{
	return &s->pages[pfn - s->base_pfn];
}

uint64_t spec_page_pfn(const struct hyp_spec *s, const struct spec_page *p)
{
	return s->base_pfn + (uint64_t)(p - s->pages);
}

struct spec_vm *spec_vm_find(struct hyp_spec *s, uint32_t handle)
{
	if (handle < HYP_HANDLE_OFFSET)
		return NULL;
	for (unsigned i = 0; i < SPEC_MAX_VMS; i++)
		if (s->vms[i].live && s->vms[i].handle == handle)
			return &s->vms[i];
	return NULL;
}

bool spec_gfn_valid(const struct spec_vm *vm, uint64_t gfn)
{
	return gfn < 1ull << (vm->ipa_bits - SPEC_PAGE_SHIFT);
}

bool spec_gfn_is_gic(const struct spec_vm *vm, uint64_t gfn)
{
	/* Distributor: 64 KiB; redistributors: 128 KiB per vCPU (docs/HAL.md). */
	uint64_t ipa = gfn << SPEC_PAGE_SHIFT;

	return (ipa >= vm->gicd && ipa - vm->gicd < 0x10000) ||
	       (ipa >= vm->gicr && ipa - vm->gicr < 0x20000ull * vm->nr_vcpus);
}

struct spec_page *spec_guest_page(struct hyp_spec *s, const struct spec_vm *vm, uint64_t gfn)
{
	/* A scan: the model favours obviousness over speed; checking is O(pages) anyway. */
	for (uint64_t i = 0; i < s->nr_pfns; i++) {
		struct spec_page *p = &s->pages[i];

		if (p->peer == vm->handle && p->guest != HYP_PAGE_NOPAGE && p->gfn == gfn)
			return p;
	}
	return NULL;
}

/* ---- stage-2 tables ------------------------------------------------------------------ */

/*
 * The root (level 1) resolves gfn bits 26:18; a level-2 table covers one root entry
 * (1 GiB: key gfn >> 18), a level-3 table one level-2 entry (2 MiB: key gfn >> 9).
 * Tables are created when a mapping first needs them and all go back to the pool at
 * FINALIZE_TEARDOWN, never earlier.
 */
unsigned spec_tables_needed(const struct spec_vm *vm, uint64_t gfn)
{
	return !spec_set_has(&vm->l2, gfn >> 18) + !spec_set_has(&vm->l3, gfn >> 9);
}

int spec_tables_add(struct hyp_spec *s, struct spec_vm *vm, uint64_t gfn)
{
	unsigned n = spec_tables_needed(vm, gfn);

	if (spec_set_add(&vm->l2, gfn >> 18) || spec_set_add(&vm->l3, gfn >> 9))
		return -ENOMEM;
	s->pool_free -= n;
	return 0;
}

unsigned spec_vm_nr_tables(const struct spec_vm *vm)
{
	return 1 + (unsigned)vm->l2.n + (unsigned)vm->l3.n;
}

void spec_vm_free(struct spec_vm *vm)
{
	free(vm->l2.keys);
	free(vm->l3.keys);
	free(vm->guard.keys);
	memset(vm, 0, sizeof(*vm));
}

static size_t set_lower_bound(const struct spec_set *set, uint64_t key)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool spec_set_has(const struct spec_set *set, uint64_t key)
{
	size_t i = set_lower_bound(set, key);

	return i < set->n && set->keys[i] == key;
}

int spec_set_add(struct spec_set *set, uint64_t key)
{
	size_t i = set_lower_bound(set, key);

	if (i < set->n && set->keys[i] == key)
		return 0;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		uint64_t *k = realloc(set->keys, cap * sizeof(*k));

		if (!k)
			return -ENOMEM;
		set->keys = k;
		set->cap = cap;
	}
	memmove(&set->keys[i + 1], &set->keys[i], (set->n - i) * sizeof(*set->keys));
	set->keys[i] = key;
	set->n++;
	return 0;
}

void spec_set_del(struct spec_set *set, uint64_t key)
{
	size_t i = set_lower_bound(set, key);

	if (i == set->n || set->keys[i] != key)
		return;
	memmove(&set->keys[i], &set->keys[i + 1], (set->n - i - 1) * sizeof(*set->keys));
	set->n--;
}

/* ---- threads -------------------------------------------------------------------------- */

struct spec_loaded *spec_loaded_here(struct hyp_spec *s)
{
	pthread_t self = pthread_self();

	for (unsigned i = 0; i < SPEC_MAX_THREADS; i++)
		if (s->loaded[i].used && pthread_equal(s->loaded[i].thread, self))
			return &s->loaded[i];
	return NULL;
}

const char *spec_state_name(unsigned st)
{
	static const char *const names[] = {
		[HYP_PAGE_OWNED] = "OWNED",
		[HYP_PAGE_SHARED_OWNED] = "SHARED_OWNED",
		[HYP_PAGE_SHARED_BORROWED] = "SHARED_BORROWED",
		[HYP_PAGE_NOPAGE] = "NOPAGE",
	};

	return st < 4 ? names[st] : "(invalid)";
}
