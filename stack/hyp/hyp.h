/* SPDX-License-Identifier: MIT */
/*
 * hyp: a pKVM-like hypervisor core. It alone decides who owns every page of physical
 * memory and it alone writes stage-2 tables. Layers above (VMM, service) reach it only
 * through hyp_host_call(): an SMCCC-style ABI of function ids and registers, so that the
 * interface is the same one a real EL2 would expose and can be fuzzed.
 *
 * Memory ownership (pKVM's model): each page has a state for each component (host, hyp,
 * each guest): OWNED, SHARED_OWNED, SHARED_BORROWED, or no page. Every change is one row
 * of the transition table in mem_protect.c; docs/HYP.md lists them with before/after
 * states and error codes. The host loses its view (HAL revocation) of every page it no
 * longer owns or borrows: a host access to it is refused as a host stage-2 abort.
 *
 * Host calls return in x0 SMCCC_RET_SUCCESS (0) when the call was dispatched, or
 * SMCCC_RET_NOT_SUPPORTED (-1) for an unknown id; x1 holds the result (0 or -errno)
 * and x2.. any outputs.
 */
#ifndef AVF_HYP_H
#define AVF_HYP_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/hal/hal.h"

struct hyp;

/* ---- host-facing ABI ----------------------------------------------------------------- */

#define HYP_SMCCC_SUCCESS	0
#define HYP_SMCCC_NOT_SUPPORTED	((uint64_t)-1)

/* Fast call, SMC64, vendor-specific hypervisor service: 0xc6000000 | n. */
#define HYP_HOST_FN(n)		(0xc6000000u | (0x100u + (n)))
enum hyp_host_fn {
	/* x1 = pfn: share one host page with the hyp (e.g. a vCPU run page). */
	HYP_HOST_SHARE_HYP		= HYP_HOST_FN(0),
	HYP_HOST_UNSHARE_HYP		= HYP_HOST_FN(1),
	/* x1 = flags (HYP_VM_PROTECTED), x2 = nr_vcpus, x3 = ipa_bits, x4 = gicd_base,
	 * x5 = gicr_base, x6 = nr_spis. Out: x2 = VM handle. */
	HYP_HOST_INIT_VM		= HYP_HOST_FN(2),
	/* x1 = handle, x2 = vcpu index, x3 = pfn of a page shared with the hyp that
	 * becomes the vCPU's struct hyp_vcpu_run, x4 = entry PC, x5 = x0 at entry (the
	 * FDT address). A protected VM with firmware loaded always enters the firmware
	 * (its first page), whatever x4 says: the host does not choose a pVM's entry. */
	HYP_HOST_INIT_VCPU		= HYP_HOST_FN(3),
	/* x1 = pfn, x2 = handle, x3 = gfn: map a host page into a non-protected guest,
	 * shared (the host keeps access). */
	HYP_HOST_SHARE_GUEST		= HYP_HOST_FN(4),
	/* x1 = handle, x2 = gfn. */
	HYP_HOST_UNSHARE_GUEST		= HYP_HOST_FN(5),
	/* x1 = pfn, x2 = handle, x3 = gfn: give a host page to a guest (protected VMs):
	 * the host loses it. */
	HYP_HOST_DONATE_GUEST		= HYP_HOST_FN(6),
	/* x1 = handle, x2 = vcpu index: make it the calling CPU's loaded vCPU. */
	HYP_HOST_VCPU_LOAD		= HYP_HOST_FN(7),
	HYP_HOST_VCPU_PUT		= HYP_HOST_FN(8),
	/* Run the loaded vCPU until an exit the host must see; the exit is in its run page.
	 * x1 = instruction budget where the platform has one (HAL_CAP_BUDGET; 0 = none).
	 * A guest that keeps the hyp busy (e.g. looping on faults the hyp answers itself)
	 * comes back to the host as HYP_EXIT_PREEMPTED after a bounded number of exits. */
	HYP_HOST_VCPU_RUN		= HYP_HOST_FN(9),
	/* x1 = handle: no vCPU runs any more; pages can be reclaimed. */
	HYP_HOST_START_TEARDOWN		= HYP_HOST_FN(10),
	/* x1 = pfn: take back one page of a dying guest (scrubbed first). */
	HYP_HOST_RECLAIM_PAGE		= HYP_HOST_FN(11),
	/* x1 = handle: all pages reclaimed; release the VM's hyp resources. */
	HYP_HOST_FINALIZE_TEARDOWN	= HYP_HOST_FN(12),
	/* x1 = handle, x2 = gfn of the firmware base, x3 = number of pages, which must
	 * already be donated to the VM: the hyp copies pvmfw there itself. Before any
	 * vCPU is initialised (-EBUSY after). */
	HYP_HOST_LOAD_FIRMWARE		= HYP_HOST_FN(13),
	/* Out: x2 = free pages in the hyp's pool. */
	HYP_HOST_POOL_INFO		= HYP_HOST_FN(14),
	/* x1 = handle, x2 = INTID, x3 = level (0 or 1): drive one of the VM's SPI lines
	 * (32 .. 32 + nr_spis - 1 of INIT_VM) as a level; the GIC decides when the guest
	 * takes it. -EINVAL: level not 0/1, or not one of the VM's SPIs (SGIs, PPIs and
	 * LPIs are the GIC's and the guest's own business); -ENOENT: no such VM; -EBUSY:
	 * the VM is dying, or not every vCPU is initialised yet (the GIC is complete only
	 * then: KVM creates its vGIC with the last vCPU). Changes no page state. May be called from any thread, also
	 * while the VM's vCPUs run: that is how a device's completion reaches a guest. */
	HYP_HOST_SET_IRQ		= HYP_HOST_FN(15),
	/* x1 = handle, x2 = vCPU index: make that vCPU's current VCPU_RUN return soon with
	 * HYP_EXIT_KICKED (its next one, if it is not running: kicks are not counted,
	 * several pending kicks end one run). -EINVAL: index not an initialised vCPU;
	 * -ENOENT: no such VM; -EBUSY: the VM is dying (no vCPU can run). Changes no
	 * state. Meant for another thread than the vCPU's: a VMM stops a vCPU blocked in
	 * the guest (WFI on KVM) with it. */
	HYP_HOST_VCPU_KICK		= HYP_HOST_FN(16),
	HYP_HOST_NR_FNS			= 17,
};

#define HYP_VM_PROTECTED	(1u << 0)

/* VM handles start here so that 0 is never valid. */
#define HYP_HANDLE_OFFSET	0x1000u

/* ---- guest-facing hypercalls (pKVM's numbers) ---------------------------------------- */

#define HYP_GUEST_HYP_MEMINFO		0xc6000002u
#define HYP_GUEST_MEM_SHARE		0xc6000003u
#define HYP_GUEST_MEM_UNSHARE		0xc6000004u
#define HYP_GUEST_MMIO_GUARD_INFO	0xc6000005u
#define HYP_GUEST_MMIO_GUARD_ENROLL	0xc6000006u
#define HYP_GUEST_MMIO_GUARD_MAP	0xc6000007u
#define HYP_GUEST_MMIO_GUARD_UNMAP	0xc6000008u
#define HYP_GUEST_MEM_RELINQUISH	0xc6000009u

/* ---- the vCPU run page (shared host <-> hyp) ------------------------------------------ */

enum hyp_exit_reason {
	HYP_EXIT_NONE = 0,
	HYP_EXIT_MMIO,		/* emulate; for reads fill mmio.data before the next run */
	HYP_EXIT_SYSTEM_EVENT,	/* system_event.type: HAL_SYSTEM_OFF/RESET/CRASH */
	HYP_EXIT_IDLE,		/* WFI or powered off: schedule others / advance time */
	HYP_EXIT_PREEMPTED,
	HYP_EXIT_KICKED,
	HYP_EXIT_HYPERCALL,	/* a guest call the hyp forwards (non-pKVM ids) */
	HYP_EXIT_GUEST_FAULT,	/* a non-protected guest took a stage-2 fault at ipa */
	HYP_EXIT_INTERNAL_ERROR,
};

/* Fixed layout: it lives in a page the host shares with the hyp. */
struct hyp_vcpu_run {
	uint32_t exit_reason;		/* enum hyp_exit_reason */
	uint32_t pad;
	union {
		struct {
			uint64_t ipa;
			uint64_t data;
			uint32_t size;
			uint32_t is_write;
		} mmio;
		struct {
			uint32_t type;
			uint32_t vcpu;
		} system_event;
		struct {
			uint64_t args[7];
			uint64_t ret[4];	/* host's reply */
		} hypercall;
		struct {
			uint64_t ipa;
			uint32_t is_write;
			uint32_t is_fetch;
		} fault;
		uint64_t raw[16];
	};
};

/* ---- life cycle ------------------------------------------------------------------------ */

struct hyp_config {
	/* Pages the host donates at init for the hyp's own use: stage-2 tables and VM
	 * metadata. They leave the host's view for good. */
	hal_pa_t pool_base;
	uint64_t pool_pages;
	/* The pvmfw image the hyp loads into protected VMs (copied at init, kept by the
	 * hyp; may be NULL/0 when no protected VM will need firmware). */
	const void *pvmfw;
	uint64_t pvmfw_size;
	/* Check every transition against the executable specification (tests, fuzzing). */
	bool check_spec;
};

/*
 * Start the hyp on machine m: every page of m's memory is the host's, except the pool,
 * which becomes the hyp's. Returns 0, -EINVAL (pool outside memory, misaligned), -ENOMEM.
 */
int hyp_init(struct hal_machine *m, const struct hyp_config *cfg, struct hyp **out);
/* Tear everything down (tests and process exit only). */
void hyp_destroy(struct hyp *h);

/*
 * The host's hypercall: x[0] is the function id, x[1..6] arguments. On return x[0..3]
 * hold the results as described above. Safe to call from several threads (one vCPU
 * loaded per calling thread).
 */
struct hyp_regs {
	uint64_t x[8];
};
void hyp_host_call(struct hyp *h, struct hyp_regs *regs);

/* Convenience for C callers: call fn with up to 6 args; returns x1 (0 or -errno) and
 * stores x2 in *out2 if non-NULL. */
int64_t hyp_call(struct hyp *h, uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3,
		 uint64_t a4, uint64_t a5, uint64_t a6, uint64_t *out2);

/* The machine the hyp runs on (for the host view). */
struct hal_machine *hyp_machine(const struct hyp *h);

/* ---- introspection for the executable specification and tests --------------------------- */

enum hyp_page_state {
	HYP_PAGE_OWNED = 0,
	HYP_PAGE_SHARED_OWNED = 1,
	HYP_PAGE_SHARED_BORROWED = 2,
	HYP_PAGE_NOPAGE = 3,
};

/* Component ids as they appear in ownership reports: host, hyp, or a VM handle. */
#define HYP_ID_HOST	0u
#define HYP_ID_HYP	1u

/* The state of pfn for the host and the hyp, read from the hyp's tables; owner is who
 * owns it when the host has no page (HYP_ID_HYP or a VM handle). -EINVAL: bad pfn. */
int hyp_query_page(struct hyp *h, uint64_t pfn, enum hyp_page_state *host,
		   enum hyp_page_state *hypst, uint32_t *owner);
/* The guest's state of gfn, read from its stage-2 descriptor itself, and the pfn it maps.
 * NOPAGE if unmapped. -ENOENT: no such VM. */
int hyp_query_guest(struct hyp *h, uint32_t handle, uint64_t gfn, enum hyp_page_state *st,
		    uint64_t *pfn);

/*
 * The VM with this handle as the hyp's tables hold it, for the executable specification:
 * where its stage 2 lives (so a checker can walk the descriptors itself through
 * hal_phys_ptr()), its life-cycle state and its vCPUs. 0, or -ENOENT: no such VM.
 */
struct hyp_vm_info {
	uint32_t handle;
	bool is_protected;
	bool dying;			/* START_TEARDOWN done, FINALIZE_TEARDOWN not yet */
	hal_pa_t s2_root;		/* the (first) root table page of its stage 2 */
	uint64_t vtcr;			/* the VTCR_EL2 value its stage 2 is installed with */
	unsigned nr_vcpus;
	uint64_t vcpus_initialized;	/* bit i: INIT_VCPU done for vCPU i */
	uint64_t vcpus_loaded;		/* bit i: vCPU i is loaded on some thread */
	bool mmio_guard_enrolled;
	unsigned nr_mmio_guard;		/* guarded MMIO pages */
	bool firmware_loaded;
	unsigned nr_spis;		/* INIT_VM's x6: SPIs 32 .. 32 + nr_spis - 1 */
};
int hyp_query_vm(struct hyp *h, uint32_t handle, struct hyp_vm_info *out);
/* The handles of the live VMs (dying ones included), in increasing order: stores up to
 * max of them in handles and returns how many there are. */
unsigned hyp_query_vms(struct hyp *h, uint32_t *handles, unsigned max);

/* ---- injected failures (lib/fault) ---------------------------------------------------- */

/*
 * Three fault points of lib/fault reach into the hyp (docs/HYP.md, "Injected failures").
 * Each is decided once, at the entry of a call and before any observer hook runs, so
 * that the decision is part of the call an observer is told about:
 *   hyp.host_call    every host call with a known id: the call fails with -ENOMEM in x1
 *                    (x0 SUCCESS), no handler runs, no other register or state changes.
 *   hyp.pool_oom     every INIT_VM, SHARE_GUEST and DONATE_GUEST (the calls that may
 *                    take pages from the pool): the pool gives no page during that call,
 *                    as if it were empty (-ENOMEM where a page was needed).
 *   hyp.guest_share  every MEM_SHARE and MEM_UNSHARE of a protected guest: the call
 *                    answers INVALID_PARAMETER and changes nothing.
 */
struct hyp_injected {
	bool host_call_fails;	/* the host call in flight on this thread */
	bool pool_empty;	/* the host call in flight on this thread */
	bool guest_share_fails;	/* the guest call in flight on this thread */
};
/* The decisions for the calls in flight on the calling thread (all false outside
 * calls). For observers: valid from the before hook to the after hook. */
void hyp_injected_faults(struct hyp_injected *out);

/* ---- observers: where the executable specification hooks in --------------------------- */

/*
 * An observer sees every host call (hyp_host_call()) and every guest call the hyp's guest
 * call handler receives (during VCPU_RUN, or hyp_test_guest_call()), just before and just
 * after the hyp handles it, on the calling thread, with no hyp lock held: hooks may use
 * the query functions above. They must not make host calls. A VCPU_RUN's guest calls
 * arrive between that host call's before and after. Every hook must be set.
 *
 * The executable specification (stack/hyp/spec/spec.h) is one; keeping it behind this
 * table keeps the hyp library free of any dependency on it.
 */
struct hyp_observer {
	void (*host_call_before)(void *ctx, const struct hyp_regs *in);
	void (*host_call_after)(void *ctx, const struct hyp_regs *out);
	/* args: the guest's x0..x6. handled: the hyp answered with ret (x0..x3); false:
	 * the call goes to the host (HYP_EXIT_HYPERCALL) and ret means nothing. */
	void (*guest_call_before)(void *ctx, uint32_t handle, const uint64_t args[7]);
	void (*guest_call_after)(void *ctx, uint32_t handle, const uint64_t args[7],
				 bool handled, const uint64_t ret[4]);
	/* hyp_destroy() is running: release ctx. */
	void (*detach)(void *ctx);
};

/* Install ops (NULL removes the observer, without detach). Call while no call is in
 * flight. 0, or -EINVAL if a hook is missing. */
int hyp_set_observer(struct hyp *h, const struct hyp_observer *ops, void *ctx);
/* The ctx installed with ops, or NULL if ops is not h's observer. */
void *hyp_observer_ctx(const struct hyp *h, const struct hyp_observer *ops);

/*
 * What hyp_init() calls when cfg->check_spec is set, once the hyp is up: it builds the
 * specification for h and installs it as h's observer. The spec library registers it
 * (hyp_spec_register()); without one, hyp_init() with check_spec fails with -ENOSYS.
 * Process-wide; register before the first hyp_init().
 */
typedef int (*hyp_spec_installer)(struct hyp *h, const struct hyp_config *cfg);
void hyp_set_spec_installer(hyp_spec_installer fn);

/*
 * Test-only (unit tests, fuzzing): handle a guest hypercall as if the vCPU loaded on the
 * calling thread had issued HVC with x0..x6 = args inside VCPU_RUN, through the same
 * handler (observers included), without running guest code. Returns 1 if the hyp
 * answered it (ret = the guest's x0..x3 afterwards), 0 if it would go to the host as
 * HYP_EXIT_HYPERCALL (ret as the HAL leaves it: x0 NOT_SUPPORTED, x1..x3 unchanged),
 * -ENOENT if no vCPU of h is loaded here, -EBUSY if its VM is dying. Not part of the
 * host ABI: hyp_host_call() cannot reach it, as a real EL2 has no such entry.
 */
int hyp_test_guest_call(struct hyp *h, const uint64_t args[7], uint64_t ret[4]);

#endif /* AVF_HYP_H */
