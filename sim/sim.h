/* SPDX-License-Identifier: MIT */
/*
 * sim: a deterministic aarch64 machine (EL0/EL1, stage-1 and stage-2 MMU, GICv3,
 * generic timer) executing real A64 code.
 *
 * This is the sim layer's only public header. Users: the sim HAL backend
 * (stack/hal/sim/) and the standalone board runner (sim/board/, `avf-sim`). Nothing in
 * sim/ knows about the hyp, the VMM or the service.
 *
 * Objects:
 *   sim_machine  physical memory (RAM regions), the virtual clock, the seeded random
 *                source, the decoded-code cache, snapshots. Owns every partition.
 *   sim_part     a "partition": what one VMID sees. Stage-2 on or off, the stage-2
 *                root, MMIO handlers in its IPA space (its GICv3 among them), and its
 *                vCPUs. The board runner uses one partition with stage-2 off (IPA == PA);
 *                the HAL backend uses one partition per VM.
 *   sim_cpu      one PE running at EL0/EL1. EL2 is not simulated: whatever would trap
 *                to EL2 (HVC, SMC, stage-2 faults, unclaimed MMIO, WFI) ends
 *                sim_cpu_run() with a typed exit, exactly as KVM_RUN returns to its user.
 *
 * Determinism: nothing here reads the host clock or an unseeded random source. Time is
 * virtual: it advances with retired instructions (SIM_NS_PER_INSN) and jumps over idle
 * periods when the caller asks (sim_machine_advance_to).
 *
 * Threading: a machine and everything in it belongs to one thread, except
 * sim_cpu_kick(), which any thread may call.
 */
#ifndef AVF_SIM_SIM_H
#define AVF_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_machine;
struct sim_part;
struct sim_cpu;

/* Virtual time: one retired instruction is this many nanoseconds (1 GHz-ish core). */
#define SIM_NS_PER_INSN 1u
/* The generic timer's counter frequency presented in CNTFRQ_EL0 (62.5 MHz, as QEMU). */
#define SIM_CNTFRQ_HZ 62500000ull

struct sim_machine_config {
	uint64_t seed;		/* every choice the machine makes derives from it */
	unsigned max_cpus;	/* upper bound on sim_cpu_create() calls, <= 64 */
	const char *trace_path;	/* if non-NULL, an instruction/exit trace goes here */
};

/* Create an empty machine (no RAM yet). Returns 0 or -ENOMEM/-EINVAL. */
int sim_machine_create(const struct sim_machine_config *cfg, struct sim_machine **out);
/* Destroy a machine and everything it owns. NULL is accepted. */
void sim_machine_destroy(struct sim_machine *m);

/*
 * Add a RAM region of physical memory [pa, pa + size), zero-filled. pa and size must be
 * 4 KiB aligned and must not overlap another region. Returns 0, -EINVAL, -EEXIST
 * (overlap) or -ENOMEM.
 */
int sim_machine_add_ram(struct sim_machine *m, uint64_t pa, uint64_t size);

/*
 * Host access to physical memory, as the hyp (EL2) sees it: never revoked.
 * sim_phys_ptr() returns a pointer to [pa, pa + len) if the range lies inside one RAM
 * region, else NULL. If for_write, the pages are marked dirty (for snapshots) and any
 * decoded code on them is invalidated, so the caller may then write through the
 * pointer until it next runs a CPU. Any other write through the pointer is a bug.
 */
void *sim_phys_ptr(struct sim_machine *m, uint64_t pa, uint64_t len, bool for_write);
/* Copy helpers built on sim_phys_ptr(); return 0 or -EFAULT (not RAM). */
int sim_phys_read(struct sim_machine *m, uint64_t pa, void *dst, uint64_t len);
int sim_phys_write(struct sim_machine *m, uint64_t pa, const void *src, uint64_t len);

/* ---- virtual time and entropy ------------------------------------------------------ */

/* Nanoseconds of virtual time since the machine was created. */
uint64_t sim_machine_now_ns(const struct sim_machine *m);
/*
 * Earliest pending timer deadline (virtual ns) of any CPU of the machine, or UINT64_MAX
 * if none is armed. Used by schedulers that skip idle time.
 */
uint64_t sim_machine_next_deadline(const struct sim_machine *m);
/* Move virtual time forward to ns (no-op if ns <= now). Timers that expire fire. */
void sim_machine_advance_to(struct sim_machine *m, uint64_t ns);
/* Fill buf from the machine's seeded random stream (xoshiro256**, seeded by cfg.seed). */
void sim_machine_random(struct sim_machine *m, void *buf, size_t len);
/* Next 64 random bits from the same stream. */
uint64_t sim_machine_random_u64(struct sim_machine *m);

/* ---- snapshots --------------------------------------------------------------------- */

/*
 * Take the machine's single snapshot (replacing any earlier one): CPUs, partitions,
 * devices, clock, random state and memory. Memory is captured copy-on-write: the cost
 * of sim_machine_restore() is proportional to the pages written since the snapshot,
 * not to the size of RAM. Returns 0 or -ENOMEM.
 */
int sim_machine_snapshot(struct sim_machine *m);
/* Return to the snapshot. -ENOENT if none was taken. */
int sim_machine_restore(struct sim_machine *m);
/*
 * A hash (FNV-1a 64) of the architectural state: every CPU's registers and system
 * registers, GIC and timer state, the clock and all RAM. Two runs of the same images,
 * configuration and seed end with the same hash.
 */
uint64_t sim_machine_state_hash(struct sim_machine *m);

/* ---- partitions ----------------------------------------------------------------------- */

/*
 * MMIO handler for a range of a partition's IPA space (or PA space when stage-2 is off).
 * offset is relative to the region's base; size is 1, 2, 4 or 8. A read returns the
 * value through *val. Return 0, or -1 to have the access reported to the guest as a
 * synchronous external abort.
 */
struct sim_mmio_ops {
	int (*read)(void *opaque, uint64_t offset, unsigned size, uint64_t *val);
	int (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t val);
};

struct sim_part_config {
	uint16_t vmid;
	bool stage2;		/* false: IPA == PA, no stage-2 (board mode) */
	/* GICv3 placement in this partition's IPA space; gicd_base == 0: no GIC. */
	uint64_t gicd_base;	/* 64 KiB distributor */
	uint64_t gicr_base;	/* 128 KiB redistributor frame per CPU */
	unsigned nr_spis;	/* multiple of 32, <= 988 */
};

int sim_part_create(struct sim_machine *m, const struct sim_part_config *cfg,
		    struct sim_part **out);
void sim_part_destroy(struct sim_part *p);
/*
 * Register an MMIO handler for [base, base + size). Overlaps with another handler are
 * refused with -EEXIST. The handler is consulted for accesses that do not hit RAM
 * through the partition's translation.
 */
int sim_part_add_mmio(struct sim_part *p, uint64_t base, uint64_t size,
		      const struct sim_mmio_ops *ops, void *opaque);
/*
 * Stage-2: the root table's PA and VTCR_EL2 (T0SZ, SL0, TG0 = 4K, PS), with the
 * architectural meaning (Arm ARM D8). The descriptors live in machine RAM and are
 * written by the caller (the hyp). Invalidates the partition's TLB entries.
 * -EINVAL for a VTCR the sim does not support (granule other than 4K, IPA > 40 bits).
 */
int sim_part_set_stage2(struct sim_part *p, uint64_t root_pa, uint64_t vtcr);
/* TLBI IPAS2E1IS + VMALLE1IS equivalent for [ipa, ipa + size); size 0 means all. */
void sim_part_tlbi_ipa(struct sim_part *p, uint64_t ipa, uint64_t size);
/* Raise (level true) or lower an SPI (INTID 32..) or a PPI of one CPU (INTID 16..31). */
int sim_part_set_irq(struct sim_part *p, unsigned intid, bool level, unsigned cpu_index);

/* ---- CPUs ------------------------------------------------------------------------------ */

/* Create CPU number index (MPIDR Aff0 = index & 15, Aff1 = index >> 4) of partition p. */
int sim_cpu_create(struct sim_part *p, unsigned index, struct sim_cpu **out);
/* Architectural warm reset to EL1h, DAIF masked, MMU off, PC 0. */
void sim_cpu_reset(struct sim_cpu *c);

/*
 * Register ids. Core registers as below; system registers by their MRS encoding
 * (SIM_REG_SYS). SIMD registers through sim_cpu_{get,set}_vreg().
 */
enum {
	SIM_REG_X0 = 0,		/* X0..X30 = 0..30 */
	SIM_REG_SP_EL0 = 31,
	SIM_REG_PC = 32,
	SIM_REG_PSTATE = 33,	/* SPSR format: NZCV, DAIF, EL, SP */
	SIM_REG_SP_EL1 = 34,
	SIM_REG_FPSR = 35,
	SIM_REG_FPCR = 36,
};
#define SIM_REG_SYS(op0, op1, crn, crm, op2) \
	(0x10000u | ((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

/* Return 0, or -ENOENT for an unknown register id. */
int sim_cpu_get_reg(struct sim_cpu *c, uint32_t id, uint64_t *val);
int sim_cpu_set_reg(struct sim_cpu *c, uint32_t id, uint64_t val);
int sim_cpu_get_vreg(struct sim_cpu *c, unsigned n, uint64_t out[2]);
int sim_cpu_set_vreg(struct sim_cpu *c, unsigned n, const uint64_t in[2]);

enum sim_exit_kind {
	SIM_EXIT_HVC = 1,	/* HVC #imm at EL1: x0.. hold the call; PC already past it */
	SIM_EXIT_SMC,		/* SMC #imm at EL1: likewise */
	SIM_EXIT_MMIO,		/* data abort at an IPA that no RAM and no handler covers,
				 * with a valid syndrome: emulate, then (for reads)
				 * sim_cpu_complete_mmio() before the next run */
	SIM_EXIT_S2_ABORT,	/* stage-2 fault without a usable syndrome, or a permission
				 * or instruction-fetch fault: the instruction has not run */
	SIM_EXIT_WFI,		/* WFI with no interrupt pending: the CPU is idle; runs
				 * keep returning this until an interrupt is pending */
	SIM_EXIT_BUDGET,	/* the instruction budget given to sim_cpu_run() ran out */
	SIM_EXIT_KICK,		/* sim_cpu_kick() was called */
	SIM_EXIT_OFF,		/* the CPU is powered off (PSCI CPU_OFF, or never on) */
	SIM_EXIT_INTERNAL,	/* the sim cannot go on (see .internal.reason) */
};

struct sim_exit {
	enum sim_exit_kind kind;
	union {
		struct { uint16_t imm; } call;			/* HVC, SMC */
		struct {
			uint64_t ipa;
			uint64_t data;		/* value written (writes) */
			uint8_t size;		/* 1, 2, 4, 8 */
			bool is_write;
			uint8_t reg;		/* SRT: the register transferred */
			bool sign_extend;	/* SSE */
			bool sixty_four;	/* SF: destination is an X register */
		} mmio;
		struct {
			uint64_t ipa;
			uint64_t va;		/* FAR */
			uint32_t esr;		/* ESR_EL2 value EL2 would have seen */
			bool is_write;
			bool is_fetch;
			bool is_permission;	/* permission fault, else translation/AF */
		} s2;
		struct { const char *reason; } internal;
	};
};

/*
 * Run c for at most budget instructions (0 = no limit) or until an exit. Returns 0 with
 * *exit filled. Interrupts pending in the GIC are taken at instruction boundaries.
 */
int sim_cpu_run(struct sim_cpu *c, uint64_t budget, struct sim_exit *exit);
/* Finish an SIM_EXIT_MMIO read: write data into the transfer register (with the sign
 * extension the syndrome asked for). Writes need no completion. */
void sim_cpu_complete_mmio(struct sim_cpu *c, uint64_t data);
/* Inject a synchronous external abort for the last data/instruction abort exit. */
void sim_cpu_inject_abort(struct sim_cpu *c);
/*
 * After SIM_EXIT_SMC (or HVC): treat the call as UNDEFINED instead, as a machine without
 * the firmware behind that conduit does (QEMU's virt board without EL3: SMC is UNDEF).
 * The guest takes the UNDEF exception with ELR at the SMC/HVC instruction.
 */
void sim_cpu_inject_undef(struct sim_cpu *c);
/* Thread-safe: make the current or next sim_cpu_run() return SIM_EXIT_KICK promptly. */
void sim_cpu_kick(struct sim_cpu *c);
/* Retired instructions of this CPU since creation. */
uint64_t sim_cpu_retired(const struct sim_cpu *c);

/* Power state. A CPU is created off; power_on resets it, sets PC and x0. */
void sim_cpu_power_on(struct sim_cpu *c, uint64_t pc, uint64_t x0);
void sim_cpu_power_off(struct sim_cpu *c);
bool sim_cpu_is_on(const struct sim_cpu *c);
struct sim_cpu *sim_part_cpu(struct sim_part *p, unsigned index);	/* NULL if none */
unsigned sim_part_nr_cpus(const struct sim_part *p);

/* ---- PSCI (1.1 over HVC or SMC), as KVM implements it in the kernel -------------------- */

enum sim_psci_event {
	SIM_PSCI_HANDLED,	/* done; x0 holds the result; run the CPU again */
	SIM_PSCI_NOT_PSCI,	/* x0 is not a PSCI or SMCCC-arch function id */
	SIM_PSCI_SYSTEM_OFF,
	SIM_PSCI_SYSTEM_RESET,
	SIM_PSCI_CPU_OFF,	/* the calling CPU powered itself off */
};
/*
 * Handle the call in x0..x3 of c (after a SIM_EXIT_HVC/SMC): PSCI_VERSION, CPU_ON,
 * CPU_OFF, AFFINITY_INFO, SYSTEM_OFF, SYSTEM_RESET, FEATURES, MIGRATE_INFO_TYPE and
 * SMCCC_VERSION / ARCH_FEATURES. CPU_ON powers on another CPU of c's partition.
 */
enum sim_psci_event sim_psci_call(struct sim_cpu *c);

#endif /* AVF_SIM_SIM_H */
