/* SPDX-License-Identifier: MIT */
/*
 * HAL: the hardware a hypervisor sees, one interface for every backend.
 *
 * This header is the contract; docs/HAL.md expands it and never contradicts it. A
 * backend is a `const struct hal_ops` chosen once, when the machine is created; nothing
 * above the HAL asks which backend runs, it asks hal_capability() what it can do.
 *
 * Objects, in creation order:
 *   hal_machine  physical memory [phys_base, phys_base + phys_size), one virtual clock,
 *                one random source; every VM of the machine draws from its memory.
 *   hal_vm       one guest: a stage-2 translation (tables written by the caller, the
 *                hyp, in physical memory, in the architectural VMSAv8-64 format), a GICv3,
 *                and vCPUs.
 *   hal_vcpu     one virtual PE, run by hal_vcpu_run() until it exits.
 * Destroy in reverse order (vCPUs with their VM). Every function taking an object
 * requires a live object of that machine; passing anything else is undefined.
 *
 * Three views of physical memory:
 *   - the hyp's view, hal_phys_ptr(): a pointer, never revoked (EL2 sees everything);
 *   - the host's view, hal_host_read()/hal_host_write(): what the VMM and service may
 *     touch; the hyp revokes and restores it page by page (hal_host_set_access()); an
 *     access to a revoked page fails with -EFAULT and touches nothing (a host stage-2
 *     abort in pKVM terms);
 *   - each guest's view, through its stage 2.
 *
 * Errors are negative errno values: -EINVAL malformed arguments, -ENOMEM out of memory,
 * -ENOSYS the backend does not implement the operation (see hal_capability()), -EFAULT
 * a host access hit a revoked page or no memory, -EEXIST duplicate object, -ENODEV the
 * backend's device is missing, -EOPNOTSUPP the platform lacks a feature the backend
 * needs. After a failure, hal_error() tells what went wrong in words.
 *
 * Threading: calls on one vCPU come from one thread at a time; different vCPUs may run
 * on different threads if the backend reports HAL_CAP_THREADED_VCPUS. hal_vcpu_kick()
 * may be called from any thread at any time. Machine- and VM-level calls must not race
 * with each other (the caller serialises them; the hyp does so with its locks).
 */
#ifndef AVF_HAL_H
#define AVF_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hal_machine;
struct hal_vm;
struct hal_vcpu;
struct hal_ops;

/* Kinds of address are different types, so that mixing them is a compile error. */
typedef struct { uint64_t pa; } hal_pa_t;	/* machine physical address */
typedef struct { uint64_t ipa; } hal_ipa_t;	/* a guest's intermediate physical address */

static inline hal_pa_t hal_pa(uint64_t pa) { return (hal_pa_t){ pa }; }
static inline hal_ipa_t hal_ipa(uint64_t ipa) { return (hal_ipa_t){ ipa }; }

#define HAL_PAGE_SIZE	4096u
#define HAL_PAGE_SHIFT	12

/* ---- backends ---------------------------------------------------------------------- */

/* The backend called name ("sim", "kvm"), or NULL if this build has none by that name. */
const struct hal_ops *hal_backend_find(const char *name);
/* The names of all backends in this build, NULL-terminated. */
const char *const *hal_backend_names(void);
/* The backend's name. */
const char *hal_backend_name(const struct hal_ops *ops);

/* ---- machine ------------------------------------------------------------------------- */

struct hal_machine_config {
	uint64_t phys_base;	/* first physical address; 4 KiB aligned */
	uint64_t phys_size;	/* bytes of physical memory; 4 KiB multiple, > 0 */
	uint64_t seed;		/* seeds the clock's jitter and the random source where
				 * the backend is deterministic (HAL_CAP_DETERMINISTIC);
				 * ignored elsewhere */
	unsigned max_vcpus;	/* across all VMs; 0 = backend default */
	const char *trace_path;	/* backend trace output (sim: instruction trace), or NULL */
};

/*
 * Create a machine on backend ops. Physical memory starts zeroed and fully accessible
 * to the host view. Returns 0 and *out, or -EINVAL, -ENOMEM, -ENODEV, -EOPNOTSUPP.
 * On failure *out is NULL and hal_error(NULL) describes the problem.
 */
int hal_machine_create(const struct hal_ops *ops, const struct hal_machine_config *cfg,
		       struct hal_machine **out);
/* Destroy the machine and every VM and vCPU left in it. NULL is accepted. */
void hal_machine_destroy(struct hal_machine *m);
/* The backend of m. */
const struct hal_ops *hal_machine_ops(const struct hal_machine *m);
/* The physical memory of m, as configured: [*base, *base + *size). */
void hal_machine_memory(const struct hal_machine *m, hal_pa_t *base, uint64_t *size);
/*
 * The last error of m (or of the last failed hal_machine_create() if m is NULL) in
 * words, e.g. "KVM_ARM_VM_SMCCC_FILTER: not supported by this kernel (needs Linux 6.4)".
 * Empty string if none. Valid until the next call on m.
 */
const char *hal_error(const struct hal_machine *m);

/* Capabilities: what a backend supports. 0 means "not supported". */
enum hal_cap {
	HAL_CAP_MAX_VCPUS = 1,		/* value: vCPUs per VM */
	HAL_CAP_MAX_IPA_BITS,		/* value: largest ipa_bits for hal_vm_create() */
	HAL_CAP_THREADED_VCPUS,		/* vCPUs of a VM may run on several threads */
	HAL_CAP_IDLE_EXIT,		/* run returns HAL_EXIT_IDLE instead of blocking in WFI
					 * or while powered off; the caller schedules vCPUs */
	HAL_CAP_BUDGET,			/* hal_vcpu_set_budget(): HAL_EXIT_PREEMPTED */
	HAL_CAP_VIRTUAL_TIME,		/* the clock is virtual: hal_clock_advance() works */
	HAL_CAP_DETERMINISTIC,		/* same inputs and seed, same exits and state hash */
	HAL_CAP_SNAPSHOT,		/* hal_machine_snapshot()/hal_machine_restore() */
	HAL_CAP_S2_ABORT_EXIT,		/* permission faults, and translation faults without
					 * a valid syndrome, exit as HAL_EXIT_S2_ABORT */
	HAL_CAP_S2_EXEC_CONTROL,	/* stage-2 XN is enforced */
	HAL_CAP_S2_FETCH_ABORT,		/* instruction fetch faults exit as HAL_EXIT_S2_ABORT */
	HAL_CAP_INJECT_ABORT,		/* hal_vcpu_inject_abort() */
	HAL_CAP_HOST_REVOKE,		/* hal_host_set_access() is enforced on the host view */
	HAL_CAP_EL2_ISOLATION,		/* the host's loss of access is enforced by a real EL2
					 * (pKVM), not only by the VMM-side view */
	HAL_CAP_PROTECTED_VM,		/* hal_vm_config.protected_vm is honoured by the
					 * platform itself (a kernel-level protected VM) */
	HAL_CAP_STATE_HASH,		/* hal_machine_state_hash() */
};
/* The value of capability cap on m (0: unsupported). Never fails. */
long hal_capability(const struct hal_machine *m, enum hal_cap cap);

/* ---- physical memory --------------------------------------------------------------------- */

/*
 * The hyp's view: a pointer to [pa, pa + len) if the range is inside physical memory,
 * else NULL. If for_write, the caller will store through it before it next runs a vCPU
 * of the machine (the backend does its bookkeeping: snapshot, decoded code). The
 * pointer stays valid until the machine is destroyed.
 */
void *hal_phys_ptr(struct hal_machine *m, hal_pa_t pa, uint64_t len, bool for_write);

/*
 * The host's view. Copy len bytes between physical memory and a host buffer. Returns 0,
 * or -EFAULT if any page of the range is revoked from the host or outside physical
 * memory: then nothing was copied, and *fault_pa (if non-NULL) is the first such page.
 */
int hal_host_read(struct hal_machine *m, hal_pa_t pa, void *dst, uint64_t len,
		  hal_pa_t *fault_pa);
int hal_host_write(struct hal_machine *m, hal_pa_t pa, const void *src, uint64_t len,
		   hal_pa_t *fault_pa);
/*
 * Grant (allowed) or revoke the host's access to the pages of [pa, pa + size). pa and
 * size must be page aligned and inside physical memory (-EINVAL). Only the hyp calls it.
 * Takes effect before it returns, for every thread of the host.
 */
int hal_host_set_access(struct hal_machine *m, hal_pa_t pa, uint64_t size, bool allowed);
/* Whether the host may access the page holding pa (false outside physical memory). */
bool hal_host_can_access(struct hal_machine *m, hal_pa_t pa);

/* ---- time and entropy --------------------------------------------------------------------- */

/* Nanoseconds on the machine's clock (virtual on the sim, CLOCK_MONOTONIC on KVM). */
uint64_t hal_clock_ns(struct hal_machine *m);
/*
 * Earliest virtual-ns deadline of any armed guest timer (UINT64_MAX: none), and move the
 * virtual clock forward to ns (timers due fire as interrupts). -ENOSYS without
 * HAL_CAP_VIRTUAL_TIME.
 */
int hal_clock_next_deadline(struct hal_machine *m, uint64_t *ns);
int hal_clock_advance(struct hal_machine *m, uint64_t ns);
/* Fill buf with random bytes: from the seeded stream on deterministic backends,
 * getrandom() elsewhere. Returns 0 or -errno. */
int hal_entropy(struct hal_machine *m, void *buf, size_t len);

/* ---- snapshots and state --------------------------------------------------------------- */

/* Capture the whole machine (HAL_CAP_SNAPSHOT); restore costs in proportion to the
 * memory written since. The set of VMs and vCPUs must not change in between. */
int hal_machine_snapshot(struct hal_machine *m);
int hal_machine_restore(struct hal_machine *m);
/* A hash of all architectural state and memory (HAL_CAP_STATE_HASH). */
int hal_machine_state_hash(struct hal_machine *m, uint64_t *hash);

/* ---- VMs ------------------------------------------------------------------------------------ */

struct hal_vm_config {
	uint16_t vmid;		/* unique per machine; 0 is reserved for the host */
	unsigned ipa_bits;	/* 32..HAL_CAP_MAX_IPA_BITS */
	uint64_t gicd_base;	/* GICv3 distributor IPA (64 KiB) */
	uint64_t gicr_base;	/* redistributor IPA (128 KiB per vCPU) */
	unsigned nr_spis;	/* SPIs, multiple of 32, 32..960 */
	bool protected_vm;	/* ask the platform for a protected VM (HAL_CAP_PROTECTED_VM);
				 * refused with -EOPNOTSUPP where it has none */
};

/*
 * Create a VM. It starts with no stage-2 (every guest access faults) and no vCPUs.
 * Returns 0, -EINVAL, -EEXIST (vmid in use), -ENOMEM, -EOPNOTSUPP.
 */
int hal_vm_create(struct hal_machine *m, const struct hal_vm_config *cfg, struct hal_vm **out);
/* Destroy a VM and its vCPUs. Its memory stays with the machine; the hyp scrubs it. */
void hal_vm_destroy(struct hal_vm *vm);
/*
 * Install the VM's stage-2 translation: root table at root_pa and a VTCR_EL2 value
 * (T0SZ, SL0, TG0 = 0 (4 KiB), PS) with the architectural meaning. The tables are the
 * caller's, in physical memory, in the VMSAv8-64 stage-2 descriptor format (S2AP,
 * XN, AF, MemAttr). The backend reads them; it never writes them. Takes effect for
 * every vCPU before the next instruction any of them executes.
 * Returns 0 or -EINVAL (VTCR the backend cannot honour, root outside memory).
 */
int hal_vm_set_stage2(struct hal_vm *vm, hal_pa_t root_pa, uint64_t vtcr);
/*
 * The caller changed stage-2 descriptors covering [ipa, ipa + size) (size 0: all):
 * forget cached translations, like TLBI IPAS2E1IS + VMALLS12E1IS + DSB. After return,
 * every vCPU sees the new tables. The caller must invalidate after removing or
 * reducing a mapping before it reuses the page (break-before-make).
 */
int hal_vm_invalidate(struct hal_vm *vm, hal_ipa_t ipa, uint64_t size);
/*
 * Everything the VM needs before its first run is in place (all vCPUs created).
 * Backends that must initialise the interrupt controller last (KVM) do it here.
 */
int hal_vm_finalize(struct hal_vm *vm);
/*
 * Drive an interrupt line of the VM's GICv3: an SPI (intid 32..32+nr_spis-1) as a level.
 * Edge semantics follow from the GIC's configuration (raise then lower). -EINVAL for
 * other intids.
 */
int hal_vm_set_irq(struct hal_vm *vm, unsigned intid, bool level);

/* ---- vCPUs ------------------------------------------------------------------------------ */

/*
 * Create vCPU index (0..HAL_CAP_MAX_VCPUS-1) of vm with MPIDR_EL1 affinity Aff0 =
 * index % 16, Aff1 = index / 16 (as KVM). It comes out of reset at EL1h with DAIF
 * masked, MMU off, PC 0, powered on if powered_on, else waiting for PSCI CPU_ON from
 * another vCPU. Must precede hal_vm_finalize().
 */
int hal_vcpu_create(struct hal_vm *vm, unsigned index, bool powered_on, struct hal_vcpu **out);

/* Register ids: core registers, then system registers by MRS encoding. */
enum {
	HAL_REG_X0 = 0,		/* X0..X30 are 0..30 */
	HAL_REG_SP_EL0 = 31,
	HAL_REG_PC = 32,
	HAL_REG_PSTATE = 33,	/* in SPSR_EL2 format: NZCV, DAIF, M[3:0] */
	HAL_REG_SP_EL1 = 34,
	HAL_REG_FPSR = 35,
	HAL_REG_FPCR = 36,
};
#define HAL_REG_SYS(op0, op1, crn, crm, op2) \
	(0x10000u | ((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))
#define HAL_REG_SCTLR_EL1	HAL_REG_SYS(3, 0, 1, 0, 0)
#define HAL_REG_TTBR0_EL1	HAL_REG_SYS(3, 0, 2, 0, 0)
#define HAL_REG_TTBR1_EL1	HAL_REG_SYS(3, 0, 2, 0, 1)
#define HAL_REG_TCR_EL1		HAL_REG_SYS(3, 0, 2, 0, 2)
#define HAL_REG_ESR_EL1		HAL_REG_SYS(3, 0, 5, 2, 0)
#define HAL_REG_FAR_EL1		HAL_REG_SYS(3, 0, 6, 0, 0)
#define HAL_REG_MAIR_EL1	HAL_REG_SYS(3, 0, 10, 2, 0)
#define HAL_REG_VBAR_EL1	HAL_REG_SYS(3, 0, 12, 0, 0)
#define HAL_REG_ELR_EL1		HAL_REG_SYS(3, 0, 4, 0, 1)
#define HAL_REG_SPSR_EL1	HAL_REG_SYS(3, 0, 4, 0, 0)
#define HAL_REG_MPIDR_EL1	HAL_REG_SYS(3, 0, 0, 0, 5)
#define HAL_REG_TPIDR_EL1	HAL_REG_SYS(3, 0, 13, 0, 4)
#define HAL_REG_CPACR_EL1	HAL_REG_SYS(3, 0, 1, 0, 2)

/* Read or write one register while the vCPU is not running. -ENOENT: unknown id. */
int hal_vcpu_get_reg(struct hal_vcpu *v, uint32_t id, uint64_t *val);
int hal_vcpu_set_reg(struct hal_vcpu *v, uint32_t id, uint64_t val);
/* SIMD register Vn as two 64-bit halves (low first). */
int hal_vcpu_get_vreg(struct hal_vcpu *v, unsigned n, uint64_t out[2]);
int hal_vcpu_set_vreg(struct hal_vcpu *v, unsigned n, const uint64_t in[2]);

enum hal_exit_kind {
	HAL_EXIT_NONE = 0,
	/*
	 * A data access to an IPA that no stage-2 mapping covers, with a syndrome that says
	 * what the instruction does. The caller emulates it: for a read it stores the value
	 * in mmio.data before the next hal_vcpu_run(), which writes it to the register
	 * (sign-extended as the instruction wants) and steps past the instruction; for a
	 * write, mmio.data holds the value and the next run steps past. Or the caller calls
	 * hal_vcpu_inject_abort() instead.
	 */
	HAL_EXIT_MMIO,
	/*
	 * HVC or SMC with a function id the backend forwards (PSCI is handled by the
	 * backend: see docs/HAL.md). hypercall.args[0..6] hold x0..x6. Before the next
	 * run the caller writes hypercall.ret[0..3], which become x0..x3; PC already
	 * points past the call. If the caller writes nothing, ret[0] is
	 * SMCCC NOT_SUPPORTED (-1) and x1..x3 are unchanged.
	 */
	HAL_EXIT_HYPERCALL,
	/* PSCI SYSTEM_OFF or SYSTEM_RESET, or a crash the backend detected. */
	HAL_EXIT_SYSTEM_EVENT,
	/*
	 * A stage-2 fault that is not a plain MMIO access (HAL_CAP_S2_ABORT_EXIT): a
	 * permission fault, a translation fault without a valid syndrome (pair, writeback,
	 * SIMD), or an instruction fetch (HAL_CAP_S2_FETCH_ABORT). The instruction has not
	 * run. The caller maps the page and runs again (the instruction is retried), or
	 * injects an abort, or stops the VM.
	 */
	HAL_EXIT_S2_ABORT,
	/* HAL_CAP_IDLE_EXIT only: WFI with nothing pending, or the vCPU is powered off. */
	HAL_EXIT_IDLE,
	/* HAL_CAP_BUDGET only: the instruction budget ran out. */
	HAL_EXIT_PREEMPTED,
	/* hal_vcpu_kick() was called. */
	HAL_EXIT_KICKED,
	/* The backend cannot continue this vCPU (internal.reason says why). */
	HAL_EXIT_INTERNAL_ERROR,
};

enum hal_system_event {
	HAL_SYSTEM_OFF = 1,
	HAL_SYSTEM_RESET,
	HAL_SYSTEM_CRASH,
};

enum hal_conduit { HAL_CONDUIT_HVC, HAL_CONDUIT_SMC };

struct hal_exit {
	enum hal_exit_kind kind;
	union {
		struct {
			uint64_t ipa;
			uint64_t data;
			uint8_t size;		/* 1, 2, 4 or 8 */
			bool is_write;
			uint8_t reg;		/* the register transferred (informative) */
		} mmio;
		struct {
			enum hal_conduit conduit;
			uint16_t imm;		/* the HVC/SMC immediate */
			uint32_t func_id;	/* x0, low 32 bits */
			uint64_t args[7];	/* x0..x6 */
			uint64_t ret[4];	/* reply: x0..x3 */
		} hypercall;
		struct {
			enum hal_system_event type;
			unsigned vcpu;		/* index of the vCPU that asked */
		} system_event;
		struct {
			uint64_t ipa;		/* faulting IPA (page offset included) */
			uint64_t va;		/* faulting VA, if known (0 otherwise) */
			uint32_t esr;		/* ESR_EL2 as EL2 would see it, if known */
			bool is_write;
			bool is_fetch;
			bool is_permission;	/* else translation/access flag */
		} s2;
		struct {
			const char *reason;
		} internal;
	};
};

/*
 * Run the vCPU until it exits. First completes the previous exit (MMIO read data,
 * hypercall return values) from *hal_vcpu_exit(v). Returns 0 with the exit in
 * *hal_vcpu_exit(v), or -errno if the backend failed (the VM is then unusable).
 */
int hal_vcpu_run(struct hal_vcpu *v);
/* The vCPU's exit record: filled by run, replied to by the caller. Never NULL. */
struct hal_exit *hal_vcpu_exit(struct hal_vcpu *v);
/* Make the current or next hal_vcpu_run() return HAL_EXIT_KICKED soon. Any thread. */
void hal_vcpu_kick(struct hal_vcpu *v);
/* HAL_CAP_BUDGET: limit the next runs to insns instructions each (0: no limit). */
int hal_vcpu_set_budget(struct hal_vcpu *v, uint64_t insns);
/*
 * After HAL_EXIT_MMIO or HAL_EXIT_S2_ABORT: do not complete the access; deliver a
 * synchronous external abort to the guest instead (HAL_CAP_INJECT_ABORT).
 */
int hal_vcpu_inject_abort(struct hal_vcpu *v);
/* Whether the vCPU is powered on (PSCI state). */
bool hal_vcpu_powered(struct hal_vcpu *v);
/* The vCPU's index and VM. */
unsigned hal_vcpu_index(const struct hal_vcpu *v);
struct hal_vm *hal_vcpu_vm(const struct hal_vcpu *v);
struct hal_machine *hal_vm_machine(const struct hal_vm *vm);

#endif /* AVF_HAL_H */
