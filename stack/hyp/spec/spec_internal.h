/* SPDX-License-Identifier: MIT */
/*
 * The executable specification's internals: the abstract state, the expected outcome of
 * one call, and the contract between model.c (state helpers), host_calls.c and
 * guest_calls.c (one function per call), check.c (reading the real state back and
 * diffing) and observer.c (the hooks). Nothing here comes from the hyp's own headers
 * except the public ABI (hyp.h).
 */
#ifndef AVF_HYP_SPEC_INTERNAL_H
#define AVF_HYP_SPEC_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/hyp/spec/spec.h"

/* ---- the documented limits and layouts the model relies on ------------------------- */

#define SPEC_PAGE_SIZE		4096ull
#define SPEC_PAGE_SHIFT		12
#define SPEC_MAX_VMS		64	/* the VM table: one more gets -ENOSPC */
#define SPEC_MAX_VCPUS		64	/* per VM (and no more than the HAL offers) */
#define SPEC_MAX_MMIO_GUARD	256	/* guarded MMIO pages per protected VM */
/*
 * IPA sizes a VM may have. The hyp's stage 2 starts at level 1 with one root table
 * page (VTCR_EL2.SL0 = 1, 4 KiB granule): that covers up to 39 bits; 40 would need two
 * concatenated roots, which it does not do (-EINVAL).
 */
#define SPEC_IPA_BITS_MIN	32
#define SPEC_IPA_BITS_MAX	39
#define SPEC_GIC_ALIGN		0x10000ull	/* GIC frames: 64 KiB aligned (docs/HAL.md) */
#define SPEC_MAX_THREADS	32	/* threads with a vCPU loaded at once */

/* SMCCC return values the guest sees. */
#define SPEC_SMCCC_SUCCESS		0ull
#define SPEC_SMCCC_NOT_SUPPORTED	((uint64_t)-1)
#define SPEC_SMCCC_INVALID_PARAMETER	((uint64_t)-3)

/* ---- abstract state ---------------------------------------------------------------- */

/*
 * One physical page. host and hyp are the host's and the hyp's states; peer is the one
 * other party involved with the page (HYP_ID_HOST: nobody; HYP_ID_HYP; or a VM handle),
 * and when it is a VM, guest is that VM's state and gfn where it maps the page. A page
 * is never involved with two parties besides the host: every row of the transition
 * table starts from a page the host or a guest owns alone.
 */
struct spec_page {
	uint8_t host, hyp, guest;	/* enum hyp_page_state */
	bool pinned;			/* some vCPU's run page */
	uint32_t peer;
	uint64_t gfn;
};

/* A set of stage-2 table keys (gfn >> 18 for level 2, gfn >> 9 for level 3). */
struct spec_set {
	uint64_t *keys;			/* sorted */
	size_t n, cap;
};

struct spec_vm {
	bool live;
	uint32_t handle;		/* 0 until INIT_VM has returned it */
	bool is_protected, dying;
	unsigned ipa_bits, nr_vcpus;
	uint64_t initialized, loaded;	/* vCPU bitmaps */
	uint64_t run_pfn[SPEC_MAX_VCPUS];
	bool mmio_enrolled;
	struct spec_set guard;		/* MMIO-guarded gfns */
	bool firmware_loaded;
	uint64_t gicd, gicr;		/* GIC frames (IPA) */
	unsigned nr_spis;		/* SPIs 32 .. 32 + nr_spis - 1 */
	struct spec_set l2, l3;		/* tables below the root that exist */
};

/* Which vCPU a thread has loaded (the hyp's loaded vCPU belongs to a thread). */
struct spec_loaded {
	bool used;
	pthread_t thread;
	uint32_t handle;
	unsigned idx;
};

/* What one call must produce, computed before it runs. */
struct spec_expect {
	/* host calls */
	bool supported;			/* x0 SUCCESS, else NOT_SUPPORTED */
	int64_t rc;			/* x1 */
	bool has_out2;			/* x2 is an output (else unchanged) */
	uint64_t out2;
	int new_vm;			/* INIT_VM success: model slot waiting for its handle */
	/* guest calls */
	bool handled;
	uint64_t ret0;
	/* postconditions */
	bool scrub;			/* this page must be all zero afterwards */
	uint64_t scrub_pfn;
	bool firmware;			/* fw_nr pages at fw_gfn of fw_vm: the pvmfw */
	uint32_t fw_vm;			/* image, then zeros */
	uint64_t fw_gfn, fw_nr;
};

/* A diff under construction: the first lines are kept, the rest only counted. */
#define SPEC_DIFF_SIZE		16384
#define SPEC_DIFF_MAX_LINES	48
struct spec_diff {
	char text[SPEC_DIFF_SIZE];
	size_t len;
	unsigned lines;
};

struct hyp_spec {
	struct hyp *h;
	struct hal_machine *m;
	uint64_t base_pfn, nr_pfns;
	uint64_t pool_pfn, pool_pages, pool_free;
	struct spec_page *pages;
	struct spec_vm vms[SPEC_MAX_VMS];
	struct spec_loaded loaded[SPEC_MAX_THREADS];
	uint8_t *pvmfw;
	uint64_t pvmfw_size;
	unsigned max_vcpus;
	bool check_host_view;		/* the backend enforces the host view */

	pthread_mutex_t lock;		/* serialises calls (not a run's guest: observer.c) */
	enum hyp_spec_mode mode;
	struct spec_expect guest_expect;
	struct spec_diff diff;
	unsigned mismatches;
	unsigned long nr_host_calls, nr_guest_calls;
};

/* ---- model.c: state helpers ---------------------------------------------------------- */

bool spec_pfn_valid(const struct hyp_spec *s, uint64_t pfn);
struct spec_page *spec_page(struct hyp_spec *s, uint64_t pfn);
struct spec_vm *spec_vm_find(struct hyp_spec *s, uint32_t handle);
bool spec_gfn_valid(const struct spec_vm *vm, uint64_t gfn);
/* Whether gfn falls on the VM's GIC frames, where memory must never be mapped. */
bool spec_gfn_is_gic(const struct spec_vm *vm, uint64_t gfn);
/* The page vm maps at gfn, or NULL. */
struct spec_page *spec_guest_page(struct hyp_spec *s, const struct spec_vm *vm, uint64_t gfn);
uint64_t spec_page_pfn(const struct hyp_spec *s, const struct spec_page *p);
/* Tables below the root that mapping gfn would add (0..2); add them (pool pages). */
unsigned spec_tables_needed(const struct spec_vm *vm, uint64_t gfn);
int spec_tables_add(struct hyp_spec *s, struct spec_vm *vm, uint64_t gfn);
unsigned spec_vm_nr_tables(const struct spec_vm *vm);	/* root included */
void spec_vm_free(struct spec_vm *vm);
bool spec_set_has(const struct spec_set *set, uint64_t key);
int spec_set_add(struct spec_set *set, uint64_t key);
void spec_set_del(struct spec_set *set, uint64_t key);
/* This thread's loaded vCPU record, or NULL. */
struct spec_loaded *spec_loaded_here(struct hyp_spec *s);
const char *spec_state_name(unsigned st);

/* ---- host_calls.c, guest_calls.c: one function per call ------------------------------- */

/* Apply host call in to the model, filling e. -ENOMEM if the model itself ran out. */
void spec_host_call(struct hyp_spec *s, const struct hyp_regs *in, struct spec_expect *e);
/* INIT_VM returned: give the new VM its handle (checked: >= HYP_HANDLE_OFFSET, unused). */
bool spec_bind_handle(struct hyp_spec *s, int slot, uint64_t handle);
void spec_guest_call(struct hyp_spec *s, uint32_t handle, const uint64_t args[7],
		     struct spec_expect *e);
const char *spec_host_fn_name(uint64_t fn);
const char *spec_guest_fn_name(uint64_t fn);

/* ---- check.c: the real state against the model --------------------------------------- */

void spec_diff_reset(struct spec_diff *d);
void spec_diff_add(struct spec_diff *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Compare every page, VM and mapping; append differences to s->diff. */
void spec_compare_state(struct hyp_spec *s);
/* Postconditions of e (scrubbed page, firmware in place). */
void spec_compare_post(struct hyp_spec *s, const struct spec_expect *e);
/* End of a comparison: with differences, abort (ABORT) or keep them (REPORT). */
unsigned spec_conclude(struct hyp_spec *s, const char *what);

#endif /* AVF_HYP_SPEC_INTERNAL_H */
