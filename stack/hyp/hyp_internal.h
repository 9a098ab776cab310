/* SPDX-License-Identifier: MIT */
/*
 * hyp internals: the contract between the files of stack/hyp/. Not for other layers.
 *
 * Lock order (fixed; take in this order, release in reverse):
 *   1. h->lock      the page array (host and hyp states), the pool, the VM table
 *   2. vm->lock     that VM's stage-2 tables, its vCPUs' bookkeeping, MMIO guard
 * A vCPU runs its guest holding neither lock: guest hypercalls it handles take them
 * like any host call would.
 */
#ifndef AVF_HYP_INTERNAL_H
#define AVF_HYP_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/hyp/hyp.h"

#define HYP_MAX_VMS		64
#define HYP_MAX_VCPUS		64
#define HYP_MAX_MMIO_GUARD	256	/* guarded MMIO pages per protected VM */
#define PAGE_SIZE		4096ull
#define PAGE_SHIFT		12

/* ---- locks that can be checked ------------------------------------------------------- */

struct hyp_lock {
	pthread_mutex_t mutex;
	pthread_t owner;
	bool held;
};

void hyp_lock_init(struct hyp_lock *l);
void hyp_lock(struct hyp_lock *l);
void hyp_unlock(struct hyp_lock *l);
/* Abort with a message if the calling thread does not hold l: a broken invariant of
 * the hyp itself, never reachable from hostile input. */
void hyp_assert_lock_held_at(const struct hyp_lock *l, const char *file, int line);
#define hyp_assert_lock_held(l) hyp_assert_lock_held_at((l), __FILE__, __LINE__)
/* Abort with a message: an invariant of the hyp is broken (WARN_ON/BUG in pKVM). */
_Noreturn void hyp_bug(const char *file, int line, const char *what);
#define HYP_BUG_ON(cond) do { if (cond) hyp_bug(__FILE__, __LINE__, #cond); } while (0)

/* ---- per-page state ---------------------------------------------------------------------- */

/*
 * One entry per page of physical memory. All-zero is the initial, valid state: the host
 * owns the page and the hyp has nothing (the hyp's state is stored XOR NOPAGE, as pKVM
 * stores it complemented). Guarded by h->lock.
 */
struct hyp_page {
	uint8_t host_state;	/* enum hyp_page_state */
	uint8_t hyp_state_x;	/* enum hyp_page_state ^ HYP_PAGE_NOPAGE */
	uint8_t pinned;		/* a vCPU run page in use: cannot be unshared */
	uint8_t pad;
	uint32_t owner;		/* who owns it when the host has no page; the guest it is
				 * shared with otherwise (HYP_ID_HOST when nobody) */
	uint64_t gfn;		/* where that guest maps it */
};

/* ---- the page pool ------------------------------------------------------------------------ */

struct hyp_pool {
	uint64_t base_pfn, nr_pages;
	uint64_t *free;		/* stack of free pfns */
	uint64_t nr_free;
};

/* ---- stage-2 tables ----------------------------------------------------------------------- */

struct hyp_s2 {
	uint64_t root_pfn;	/* first of root_pages concatenated root tables */
	unsigned root_pages;
	unsigned ipa_bits;
	uint64_t vtcr;
};

/* Stage-2 descriptor fields we use (Arm ARM D8.3). */
#define S2_VALID		(1ull << 0)
#define S2_TABLE_OR_PAGE	(1ull << 1)
#define S2_MEMATTR_NORMAL	(0xfull << 2)
#define S2_AP_R			(1ull << 6)
#define S2_AP_W			(1ull << 7)
#define S2_SH_INNER		(3ull << 8)
#define S2_AF			(1ull << 10)
#define S2_XN			(1ull << 54)
#define S2_SW_STATE_SHIFT	55	/* software bits 56:55: the guest's page state */
#define S2_SW_STATE_MASK	(3ull << S2_SW_STATE_SHIFT)
#define S2_OA_MASK		0x000000fffffff000ull

/* ---- VMs and vCPUs ----------------------------------------------------------------------- */

struct hyp_vcpu {
	struct hal_vcpu *hv;
	bool initialized;
	uint64_t run_pfn;
	struct hyp_vcpu_run *run;	/* hyp's view of the shared run page */
	bool loaded;
	bool exit_pending_reply;	/* the host owes a reply to the last exit */
};

enum hyp_vm_state { HYP_VM_ACTIVE, HYP_VM_DYING };

struct hyp_vm {
	uint32_t handle;
	uint16_t vmid;
	bool is_protected;
	enum hyp_vm_state state;
	struct hal_vm *hvm;
	struct hyp_s2 s2;
	unsigned nr_vcpus;
	struct hyp_vcpu vcpus[HYP_MAX_VCPUS];
	struct hyp_lock lock;
	bool mmio_enrolled;
	uint64_t mmio_guard[HYP_MAX_MMIO_GUARD];	/* guarded gfns, sorted */
	unsigned nr_mmio_guard;
	uint64_t nr_guest_pages;	/* pages the guest owns or shares: 0 before finalize */
	uint64_t nr_running;		/* vCPUs inside VCPU_RUN */
	bool firmware_loaded;
	uint64_t firmware_gfn;
	uint64_t gicd_base, gicr_base;	/* GIC frames: no memory may be mapped there */
	unsigned nr_spis;		/* SPIs 32 .. 32 + nr_spis - 1 (SET_IRQ) */
};

/* Whether gfn falls on vm's GIC frames (distributor 64 KiB, 128 KiB per redistributor),
 * IPAs that belong to the interrupt controller (docs/HAL.md). */
static inline bool hyp_vm_gfn_is_gic(const struct hyp_vm *vm, uint64_t gfn)
{
	uint64_t ipa = gfn << PAGE_SHIFT;

	return (ipa >= vm->gicd_base && ipa - vm->gicd_base < 0x10000) ||
	       (ipa >= vm->gicr_base && ipa - vm->gicr_base < 0x20000ull * vm->nr_vcpus);
}

struct hyp_spec;

struct hyp {
	struct hal_machine *m;
	uint64_t base_pfn, nr_pfns;
	struct hyp_page *pages;		/* nr_pfns entries */
	struct hyp_pool pool;
	struct hyp_lock lock;
	struct hyp_vm *vms[HYP_MAX_VMS];
	void *pvmfw;
	uint64_t pvmfw_size;
	bool check_spec;
	struct hyp_spec *spec;
	/* hyp_set_observer(): NULL, or hooks around every host and guest call. */
	const struct hyp_observer *obs;
	void *obs_ctx;
};

/* pfn <-> page entry. hyp_pfn_valid() is the first check on any host-supplied pfn. */
static inline bool hyp_pfn_valid(const struct hyp *h, uint64_t pfn)
{
	return pfn >= h->base_pfn && pfn - h->base_pfn < h->nr_pfns;
}

static inline struct hyp_page *hyp_page_of(struct hyp *h, uint64_t pfn)
{
	return &h->pages[pfn - h->base_pfn];
}

static inline void *hyp_page_ptr(struct hyp *h, uint64_t pfn, bool for_write)
{
	return hal_phys_ptr(h->m, hal_pa(pfn << PAGE_SHIFT), PAGE_SIZE, for_write);
}

/* ---- page_alloc.c -------------------------------------------------------------------------- */

int hyp_pool_init(struct hyp *h, uint64_t base_pfn, uint64_t nr_pages);
void hyp_pool_fini(struct hyp *h);
/* A zeroed page from the pool, or -ENOMEM. Caller holds h->lock. */
int hyp_pool_alloc(struct hyp *h, uint64_t *pfn);
void hyp_pool_free(struct hyp *h, uint64_t pfn);

/* ---- pgtable.c ----------------------------------------------------------------------------- */

/* Allocate the root table(s) for ipa_bits (32..40) and compute VTCR. -ENOMEM, -EINVAL. */
int hyp_s2_init(struct hyp *h, struct hyp_s2 *s2, unsigned ipa_bits);
/* Make sure every table down to the leaf for gfn exists (may allocate: -ENOMEM). */
int hyp_s2_prepare(struct hyp *h, struct hyp_s2 *s2, uint64_t gfn);
/* Write the leaf descriptor for gfn (0 unmaps). prepare must have succeeded: cannot fail. */
void hyp_s2_set(struct hyp *h, struct hyp_s2 *s2, uint64_t gfn, uint64_t desc);
/* The leaf descriptor for gfn, 0 if none. */
uint64_t hyp_s2_get(struct hyp *h, const struct hyp_s2 *s2, uint64_t gfn);
/* Return every table page to the pool. */
void hyp_s2_free(struct hyp *h, struct hyp_s2 *s2);
/* Whether gfn is inside the IPA space. */
static inline bool hyp_s2_gfn_valid(const struct hyp_s2 *s2, uint64_t gfn)
{
	return gfn < (1ull << (s2->ipa_bits - PAGE_SHIFT));
}
/* A leaf for pfn holding state. */
uint64_t hyp_s2_leaf(uint64_t pfn, enum hyp_page_state state);

/* ---- mem_protect.c -------------------------------------------------------------------------- */

enum hyp_transition_id {
	T_HOST_SHARE_HYP,
	T_HOST_UNSHARE_HYP,
	T_HOST_DONATE_HYP,
	T_HOST_SHARE_GUEST,
	T_HOST_UNSHARE_GUEST,
	T_HOST_DONATE_GUEST,
	T_GUEST_SHARE_HOST,
	T_GUEST_UNSHARE_HOST,
	T_GUEST_RELINQUISH_HOST,
	T_HOST_RECLAIM_OWNED,
	T_HOST_RECLAIM_SHARED,
	T_HOST_RECLAIM_LENT,
	T_NR_TRANSITIONS,
};

/*
 * Do one transition for page pfn and (for rows with a guest) vm/gfn. Checks every
 * party's state, prepares what the change needs, then applies it. Returns 0, -EINVAL,
 * -EPERM (a party is not in the required state), -EBUSY (pinned, or VM not in the
 * required life-cycle state), -ENOMEM (pool empty). Caller holds h->lock and, if vm,
 * vm->lock.
 */
int hyp_transition(struct hyp *h, enum hyp_transition_id t, uint64_t pfn, struct hyp_vm *vm,
		   uint64_t gfn);
const char *hyp_transition_name(enum hyp_transition_id t);

/* ---- vm.c ------------------------------------------------------------------------------------ */

/* The VM with this handle, or NULL. Caller holds h->lock. */
struct hyp_vm *hyp_vm_get(struct hyp *h, uint32_t handle);

/* ---- fault.c --------------------------------------------------------------------------------- */

/* The lib/fault decisions of the calls in flight on the calling thread (hyp.h). */
/* Decide hyp.host_call and hyp.pool_oom for host call fn; true: fail it with -ENOMEM. */
bool hyp_fault_host_call_begin(uint64_t fn);
void hyp_fault_host_call_end(void);
/* Decide hyp.guest_share for a guest call of vm; true: fail it. */
bool hyp_fault_guest_call_begin(const struct hyp_vm *vm, uint32_t fn);
void hyp_fault_guest_call_end(void);
/* hyp.pool_oom fired for the call in flight: the pool must give no page. */
bool hyp_fault_pool_empty(void);

#endif /* AVF_HYP_INTERNAL_H */
