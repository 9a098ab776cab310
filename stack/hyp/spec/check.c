// SPDX-License-Identifier: MIT
/*
 * Reading the real state back and comparing it with the model. Pages come from
 * hyp_query_page() and the HAL host view; VMs from hyp_query_vm(); guest mappings from
 * the VM's stage-2 tables themselves, walked here in physical memory (hal_phys_ptr())
 * from the root hyp_query_vm() names, in the VMSAv8-64 stage-2 format (Arm ARM D8.3):
 * the specification trusts no reader of the hyp's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/hyp/spec/spec_internal.h"

/* ---- the diff -------------------------------------------------------------------------- */

void spec_diff_reset(struct spec_diff *d)
{
	d->len = 0;
	d->lines = 0;
	d->text[0] = '\0';
}

void spec_diff_add(struct spec_diff *d, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	/* Past the kept lines, or too little room for one more: only count it. */
	if (d->lines++ >= SPEC_DIFF_MAX_LINES || sizeof(d->text) - d->len < 80)
		return;
	memcpy(d->text + d->len, "  ", 2);
	d->len += 2;
	room = sizeof(d->text) - d->len - 1;	/* keep one byte for the newline */
	va_start(ap, fmt);
	n = vsnprintf(d->text + d->len, room, fmt, ap);
	va_end(ap);
	d->len += n < 0 ? 0 : (size_t)n < room ? (size_t)n : room - 1;
	d->text[d->len++] = '\n';
	d->text[d->len] = '\0';
}

unsigned spec_conclude(struct hyp_spec *s, const char *what)
{
	struct spec_diff *d = &s->diff;
	char head[256];

	if (!d->lines)
		return 0;
	s->mismatches++;
	snprintf(head, sizeof(head), "hyp spec: the hyp disagrees with its specification %s: "
		 "%u difference(s)%s\n", what, d->lines,
		 d->lines > SPEC_DIFF_MAX_LINES ? " (first ones shown)" : "");
	if (s->mode == HYP_SPEC_ABORT) {
		fputs(head, stderr);
		fputs(d->text, stderr);
		abort();
	}
	/* Report mode: the header goes in front of the lines already collected. */
	if (strlen(head) + d->len < sizeof(d->text)) {
		memmove(d->text + strlen(head), d->text, d->len + 1);
		memcpy(d->text, head, strlen(head));
		d->len += strlen(head);
	}
	return d->lines;
}

/* ---- pages ------------------------------------------------------------------------------- */

static const char *party(uint32_t id, char *buf, size_t len)
{
	if (id == HYP_ID_HOST)
		return "none";
	if (id == HYP_ID_HYP)
		return "hyp";
	snprintf(buf, len, "vm %#x", id);
	return buf;
}

static void compare_page(struct hyp_spec *s, uint64_t pfn)
{
	const struct spec_page *p = spec_page(s, pfn);
	enum hyp_page_state host, hypst;
	uint32_t owner;
	bool view, want_view = p->host != HYP_PAGE_NOPAGE;
	bool owner_ok;
	char b1[16], b2[16];

	if (hyp_query_page(s->h, pfn, &host, &hypst, &owner)) {
		spec_diff_add(&s->diff, "pfn %#llx: hyp_query_page() refuses a pfn of memory",
			      (unsigned long long)pfn);
		return;
	}
	/* owner is documented for pages the host has no page of: who owns them. */
	owner_ok = p->host != HYP_PAGE_NOPAGE || owner == p->peer;
	view = s->check_host_view ? hal_host_can_access(s->m, hal_pa(pfn << SPEC_PAGE_SHIFT))
				  : want_view;
	if (host == p->host && hypst == p->hyp && owner_ok && view == want_view)
		return;
	spec_diff_add(&s->diff,
		      "pfn %#llx: expected host %s, hyp %s, owner %s, host view %s | "
		      "actual host %s, hyp %s, owner %s, host view %s",
		      (unsigned long long)pfn, spec_state_name(p->host),
		      spec_state_name(p->hyp),
		      p->host == HYP_PAGE_NOPAGE ? party(p->peer, b1, sizeof(b1)) : "-",
		      want_view ? "on" : "revoked", spec_state_name(host), spec_state_name(hypst),
		      p->host == HYP_PAGE_NOPAGE ? party(owner, b2, sizeof(b2)) : "-",
		      view ? "on" : "revoked");
}

/* ---- stage-2 walk ------------------------------------------------------------------------ */

/* Stage-2 descriptor fields (Arm ARM D8.3), the specification's own definitions. */
#define D_TYPE_MASK	3ull
#define D_TABLE		3ull		/* table (levels 0-2) or page (level 3) */
#define D_OA		0x0000fffffffff000ull
#define D_MEMATTR	(0xfull << 2)
#define D_MEMATTR_DEV	(0x3ull << 4)	/* MemAttr[3:2] == 0: Device memory */
#define D_S2AP_RW	(3ull << 6)
#define D_SH		(3ull << 8)
#define D_AF		(1ull << 10)
#define D_XN		(3ull << 53)
#define D_SW_STATE	(3ull << 55)	/* the guest's page state (docs/HYP.md) */
/* Everything a leaf may have set: the fields above. */
#define D_LEAF_KNOWN	(D_TYPE_MASK | D_OA | D_MEMATTR | D_S2AP_RW | D_SH | D_AF | D_XN | \
			 D_SW_STATE)

struct leaf {
	uint64_t gfn, pfn;
	unsigned state;
};

struct walk {
	struct hyp_spec *s;
	uint32_t handle;
	struct leaf *leaves;
	size_t n, cap;
	struct spec_set l2, l3;		/* tables found, keyed as the model keys them */
	uint8_t *seen;			/* per pool page: already a table somewhere */
};

static void add_leaf(struct walk *w, uint64_t gfn, uint64_t desc)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct leaf *l = realloc(w->leaves, cap * sizeof(*l));

		if (!l)
			abort();
		w->leaves = l;
		w->cap = cap;
	}
	w->leaves[w->n++] = (struct leaf){ gfn, (desc & D_OA) >> SPEC_PAGE_SHIFT,
					   (unsigned)((desc & D_SW_STATE) >> 55) };
}

/* The page a table descriptor (or the root) names: a pool page no other table uses. */
static const uint64_t *table_page(struct walk *w, uint64_t pa, const char *what, uint64_t key)
{
	struct hyp_spec *s = w->s;
	uint64_t pfn = pa >> SPEC_PAGE_SHIFT;

	if (pa & (SPEC_PAGE_SIZE - 1) || pfn < s->pool_pfn || pfn - s->pool_pfn >= s->pool_pages) {
		spec_diff_add(&s->diff, "vm %#x: %s table %#llx at %#llx is not a page of the "
			      "hyp's pool", w->handle, what, (unsigned long long)key,
			      (unsigned long long)pa);
		return NULL;
	}
	if (w->seen[pfn - s->pool_pfn]++) {
		spec_diff_add(&s->diff, "vm %#x: %s table %#llx at %#llx is already a table "
			      "elsewhere", w->handle, what, (unsigned long long)key,
			      (unsigned long long)pa);
		return NULL;
	}
	return hal_phys_ptr(s->m, hal_pa(pa), SPEC_PAGE_SIZE, false);
}

static void check_leaf(struct walk *w, uint64_t gfn, uint64_t desc)
{
	const char *bad = NULL;

	if ((desc & D_TYPE_MASK) != D_TABLE)
		bad = "reserved encoding at level 3";
	else if (desc & ~D_LEAF_KNOWN)
		bad = "bits outside the fields the hyp uses";
	else if ((desc & D_S2AP_RW) != D_S2AP_RW || desc & D_XN)
		bad = "not readable, writable and executable";
	else if (!(desc & D_AF))
		bad = "access flag clear";
	else if (!(desc & D_MEMATTR_DEV))
		bad = "Device memory";
	if (bad)
		spec_diff_add(&w->s->diff, "vm %#x gfn %#llx: leaf %#llx: %s", w->handle,
			      (unsigned long long)gfn, (unsigned long long)desc, bad);
	add_leaf(w, gfn, desc);
}

/* Walk one level-3 table (gfn_base: its first gfn). */
static void walk_l3(struct walk *w, const uint64_t *t, uint64_t gfn_base)
{
	for (unsigned i = 0; i < 512; i++) {
		if (!t[i])
			continue;
		if (!(t[i] & 1))
			spec_diff_add(&w->s->diff, "vm %#x gfn %#llx: invalid descriptor %#llx "
				      "is not zero", w->handle,
				      (unsigned long long)(gfn_base + i),
				      (unsigned long long)t[i]);
		else
			check_leaf(w, gfn_base + i, t[i]);
	}
}

/* Walk the entries of a level-1 or level-2 table that must all be tables or zero. */
static void walk_table(struct walk *w, const uint64_t *t, unsigned level, uint64_t key_base,
		       unsigned entries)
{
	for (unsigned i = 0; i < 512; i++) {
		uint64_t key = key_base << 9 | i;	/* gfn >> 18 at level 1, >> 9 at 2 */
		const uint64_t *next;

		if (!t[i])
			continue;
		if (i >= entries || (t[i] & D_TYPE_MASK) != D_TABLE || t[i] & ~(D_OA | D_TYPE_MASK)) {
			spec_diff_add(&w->s->diff, "vm %#x: level-%u entry %u = %#llx: %s",
				      w->handle, level, i, (unsigned long long)t[i],
				      i >= entries ? "beyond the IPA space"
						   : "not a table descriptor (a block, or "
						     "unexpected bits)");
			continue;
		}
		next = table_page(w, t[i] & D_OA, level == 1 ? "level-2" : "level-3", key);
		if (!next)
			continue;
		if (spec_set_add(level == 1 ? &w->l2 : &w->l3, key))
			abort();
		if (level == 1)
			walk_table(w, next, 2, key, 512);
		else
			walk_l3(w, next, key << 9);
	}
}

/* The VM's mappings and tables: the model's against the walk's. */
static int leaf_cmp(const void *a, const void *b)
{
	const struct leaf *x = a, *y = b;

	return x->gfn < y->gfn ? -1 : x->gfn > y->gfn;
}

static void compare_sets(struct hyp_spec *s, uint32_t handle, const char *what,
			 const struct spec_set *want, const struct spec_set *got)
{
	for (size_t i = 0; i < want->n; i++)
		if (!spec_set_has(got, want->keys[i]))
			spec_diff_add(&s->diff, "vm %#x: %s table %#llx expected, missing",
				      handle, what, (unsigned long long)want->keys[i]);
	for (size_t i = 0; i < got->n; i++)
		if (!spec_set_has(want, got->keys[i]))
			spec_diff_add(&s->diff, "vm %#x: %s table %#llx present, not expected",
				      handle, what, (unsigned long long)got->keys[i]);
}

static void compare_mappings(struct hyp_spec *s, const struct spec_vm *vm, struct walk *w)
{
	size_t j = 0;

	if (w->n)
		qsort(w->leaves, w->n, sizeof(*w->leaves), leaf_cmp);
	/* Expected mappings come in pfn order; look each one up in the sorted walk. */
	for (uint64_t i = 0; i < s->nr_pfns; i++) {
		const struct spec_page *p = &s->pages[i];
		struct leaf key = { .gfn = p->gfn }, *got;

		if (p->peer != vm->handle || p->guest == HYP_PAGE_NOPAGE)
			continue;
		j++;
		got = w->n ? bsearch(&key, w->leaves, w->n, sizeof(*w->leaves), leaf_cmp) : NULL;
		if (got && got->pfn == s->base_pfn + i && got->state == p->guest)
			continue;
		spec_diff_add(&s->diff, "vm %#x gfn %#llx: expected %s pfn %#llx | actual %s "
			      "pfn %#llx", vm->handle, (unsigned long long)p->gfn,
			      spec_state_name(p->guest), (unsigned long long)(s->base_pfn + i),
			      got ? spec_state_name(got->state) : "NOPAGE",
			      got ? (unsigned long long)got->pfn : 0ull);
	}
	if (j == w->n)
		return;
	/* More real mappings than expected: name the ones the model lacks. */
	for (size_t k = 0; k < w->n; k++) {
		const struct leaf *l = &w->leaves[k];

		if (!spec_guest_page(s, vm, l->gfn))
			spec_diff_add(&s->diff, "vm %#x gfn %#llx: expected NOPAGE | actual %s "
				      "pfn %#llx", vm->handle, (unsigned long long)l->gfn,
				      spec_state_name(l->state), (unsigned long long)l->pfn);
	}
}

/* ---- VMs ----------------------------------------------------------------------------------- */

static void compare_vm_info(struct hyp_spec *s, const struct spec_vm *vm,
			    const struct hyp_vm_info *info)
{
	struct spec_diff *d = &s->diff;
	uint64_t vtcr = info->vtcr;

	if (info->is_protected != vm->is_protected || info->dying != vm->dying ||
	    info->nr_vcpus != vm->nr_vcpus || info->nr_spis != vm->nr_spis)
		spec_diff_add(d, "vm %#x: expected %sprotected, %s, %u vCPUs, %u SPIs | actual "
			      "%sprotected, %s, %u vCPUs, %u SPIs", vm->handle,
			      vm->is_protected ? "" : "non-", vm->dying ? "dying" : "active",
			      vm->nr_vcpus, vm->nr_spis, info->is_protected ? "" : "non-",
			      info->dying ? "dying" : "active", info->nr_vcpus, info->nr_spis);
	if (info->vcpus_initialized != vm->initialized || info->vcpus_loaded != vm->loaded)
		spec_diff_add(d, "vm %#x: expected vCPUs initialised %#llx, loaded %#llx | "
			      "actual %#llx, %#llx", vm->handle,
			      (unsigned long long)vm->initialized, (unsigned long long)vm->loaded,
			      (unsigned long long)info->vcpus_initialized,
			      (unsigned long long)info->vcpus_loaded);
	if (info->mmio_guard_enrolled != vm->mmio_enrolled ||
	    info->nr_mmio_guard != vm->guard.n || info->firmware_loaded != vm->firmware_loaded)
		spec_diff_add(d, "vm %#x: expected MMIO guard %s with %u pages, firmware %s | "
			      "actual %s with %u pages, %s", vm->handle,
			      vm->mmio_enrolled ? "enrolled" : "off", (unsigned)vm->guard.n,
			      vm->firmware_loaded ? "loaded" : "not loaded",
			      info->mmio_guard_enrolled ? "enrolled" : "off", info->nr_mmio_guard,
			      info->firmware_loaded ? "loaded" : "not loaded");
	/* VTCR_EL2: T0SZ = 64 - IPA bits, SL0 = 1 (start at level 1), TG0 = 0 (4 KiB). */
	if ((vtcr & 0x3f) != 64 - vm->ipa_bits || ((vtcr >> 6) & 3) != 1 || ((vtcr >> 14) & 3))
		spec_diff_add(d, "vm %#x: VTCR %#llx: expected T0SZ %u, SL0 1, TG0 0", vm->handle,
			      (unsigned long long)vtcr, 64 - vm->ipa_bits);
}

static void compare_vm(struct hyp_spec *s, const struct spec_vm *vm, uint8_t *seen)
{
	struct hyp_vm_info info;
	struct walk w = { .s = s, .handle = vm->handle, .seen = seen };
	const uint64_t *root;

	if (hyp_query_vm(s->h, vm->handle, &info)) {
		spec_diff_add(&s->diff, "vm %#x: expected to exist | actual: no such VM",
			      vm->handle);
		return;
	}
	compare_vm_info(s, vm, &info);
	root = table_page(&w, info.s2_root.pa, "root", 0);
	if (root) {
		walk_table(&w, root, 1, 0, 1u << (vm->ipa_bits - 30));
		compare_mappings(s, vm, &w);
		compare_sets(s, vm->handle, "level-2", &vm->l2, &w.l2);
		compare_sets(s, vm->handle, "level-3", &vm->l3, &w.l3);
	}
	free(w.leaves);
	free(w.l2.keys);
	free(w.l3.keys);
}

static void compare_vm_list(struct hyp_spec *s)
{
	uint32_t handles[SPEC_MAX_VMS + 1];
	unsigned n = hyp_query_vms(s->h, handles, SPEC_MAX_VMS + 1), nr_model = 0;

	for (unsigned i = 0; i < SPEC_MAX_VMS; i++)
		nr_model += s->vms[i].live;
	for (unsigned i = 0; i < n && i <= SPEC_MAX_VMS; i++)
		if (!spec_vm_find(s, handles[i]))
			spec_diff_add(&s->diff, "vm %#x: expected no such VM | actual: exists",
				      handles[i]);
	if (n != nr_model)
		spec_diff_add(&s->diff, "VMs: expected %u | actual %u", nr_model, n);
}

void spec_compare_state(struct hyp_spec *s)
{
	uint8_t *seen = calloc(s->pool_pages, 1);
	unsigned tables = 0;

	if (!seen)
		abort();
	for (uint64_t i = 0; i < s->nr_pfns; i++)
		compare_page(s, s->base_pfn + i);
	compare_vm_list(s);
	for (unsigned i = 0; i < SPEC_MAX_VMS; i++) {
		if (!s->vms[i].live)
			continue;
		compare_vm(s, &s->vms[i], seen);
		tables += spec_vm_nr_tables(&s->vms[i]);
	}
	/* The model's own books: the pool holds what no table uses. */
	if (tables + s->pool_free != s->pool_pages)
		spec_diff_add(&s->diff, "spec: pool books do not balance (%u tables + %llu free "
			      "!= %llu)", tables, (unsigned long long)s->pool_free,
			      (unsigned long long)s->pool_pages);
	free(seen);
}

/* After LOAD_FIRMWARE: each page of the range holds its part of the image, or zeros. */
static void compare_firmware(struct hyp_spec *s, const struct spec_expect *e)
{
	struct spec_vm *vm = spec_vm_find(s, e->fw_vm);

	for (uint64_t i = 0; vm && i < e->fw_nr; i++) {
		struct spec_page *p = spec_guest_page(s, vm, e->fw_gfn + i);
		uint64_t off = i * SPEC_PAGE_SIZE;
		uint64_t n = off < s->pvmfw_size ? s->pvmfw_size - off : 0;
		const uint8_t *b = p ? hal_phys_ptr(s->m, hal_pa(spec_page_pfn(s, p) <<
							     SPEC_PAGE_SHIFT), SPEC_PAGE_SIZE,
						    false) : NULL;
		bool ok = b != NULL;

		if (n > SPEC_PAGE_SIZE)
			n = SPEC_PAGE_SIZE;
		if (ok)
			ok = !memcmp(b, s->pvmfw + off, n);
		for (uint64_t j = n; ok && j < SPEC_PAGE_SIZE; j++)
			ok = !b[j];
		if (!ok)
			spec_diff_add(&s->diff, "vm %#x gfn %#llx: not the pvmfw image (offset "
				      "%#llx) followed by zeros", e->fw_vm,
				      (unsigned long long)(e->fw_gfn + i),
				      (unsigned long long)off);
	}
}

void spec_compare_post(struct hyp_spec *s, const struct spec_expect *e)
{
	if (e->scrub) {
		const uint8_t *b = hal_phys_ptr(s->m, hal_pa(e->scrub_pfn << SPEC_PAGE_SHIFT),
						SPEC_PAGE_SIZE, false);

		for (unsigned i = 0; b && i < SPEC_PAGE_SIZE; i++) {
			if (b[i]) {
				spec_diff_add(&s->diff, "pfn %#llx: not scrubbed before the host "
					      "got it back (byte %u = %#x)",
					      (unsigned long long)e->scrub_pfn, i, b[i]);
				break;
			}
		}
	}
	if (e->firmware)
		compare_firmware(s, e);
}
