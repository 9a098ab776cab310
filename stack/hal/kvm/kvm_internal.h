/* SPDX-License-Identifier: MIT */
/*
 * The kvm backend's objects and the calls between its files (private to stack/hal/kvm/).
 *
 *   kvm_machine.c  /dev/kvm, capability checks, the memfd and its three mappings, the
 *                  host view and its revocation, clock, entropy, the ops table
 *   kvm_vm.c       VM, vGICv3, SMCCC filter, stage 2 -> memslots (over kvm_s2map.c)
 *   kvm_vcpu.c     vCPU init, registers through ONE_REG, run, exits, kick
 *   kvm_s2map.c, kvm_guest_insn.c   pure logic (no KVM), unit tested on the build host
 *
 * Locks, in this order: vm->s2_lock (the VM's stage-2 reflection and who is inside
 * KVM_RUN), then a vCPU's kick_lock (which thread runs it). Neither is held across
 * KVM_RUN.
 */
#ifndef AVF_HAL_KVM_INTERNAL_H
#define AVF_HAL_KVM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "stack/hal/hal_backend.h"
#include "stack/hal/kvm/kvm_s2map.h"
#include "stack/hal/kvm/kvm_uapi.h"

struct kvmb_vm;
struct kvmb_vcpu;

struct kvmb_machine {
	struct hal_machine base;
	int kvm_fd;
	int memfd;		/* physical memory: offset = pa - phys_base */
	/*
	 * Three shared mappings of the memfd. Memslots point into guest_view; the host
	 * view is revoked page by page (bitmap + PROT_NONE); the hyp view never is.
	 */
	uint8_t *guest_view, *host_view, *hyp_view;
	uint64_t *revoked;	/* one bit per page, set = revoked from the host */
	uint64_t pages;
	/* What the kernel offers, read once at creation. */
	long max_vcpus, max_ipa_bits, nr_memslots, run_size;
	bool protected_vms;	/* KVM_CREATE_VM accepts AVF_KVM_VM_TYPE_ARM_PROTECTED */
	unsigned vcpus_in_use;	/* against cfg.max_vcpus */
	struct kvmb_vm *vms;	/* live VMs, for destroy and vmid uniqueness */
};

/* Dirty IPA ranges not yet reflected into memslots (see kvm_vm.c). */
#define KVMB_PENDING_MAX 8

struct kvmb_vm {
	struct hal_vm base;
	struct kvmb_machine *m;
	struct kvmb_vm *next;
	int fd, gic_fd;
	struct kvmb_vcpu **vcpus;	/* [m->max_vcpus], owned */
	bool finalized;
	uint8_t *slot_used;		/* [m->nr_memslots]: memslot ids in use */

	pthread_mutex_t s2_lock;
	pthread_cond_t s2_cond;		/* running fell to 0, or the barrier lifted */
	struct s2m_map map;		/* guarded by s2_lock */
	struct { uint64_t lo, hi; } pending[KVMB_PENDING_MAX];	/* guarded by s2_lock */
	unsigned nr_pending;		/* guarded by s2_lock */
	unsigned running;		/* vCPUs inside KVM_RUN; guarded by s2_lock */
	bool barrier;			/* memslots changing: no KVM_RUN; guarded by s2_lock */
};

struct kvmb_vcpu {
	struct hal_vcpu base;
	struct kvmb_vm *vm;
	int fd;
	struct kvm_run *run;
	pthread_mutex_t kick_lock;
	pthread_t thread;		/* guarded by kick_lock: valid while in_run */
	bool in_run;			/* guarded by kick_lock */
	int kicked;			/* atomic: a kick not yet reported */
	char reason[160];		/* HAL_EXIT_INTERNAL_ERROR text */
};

#define to_m(x)		((struct kvmb_machine *)(x))
#define to_vm(x)	((struct kvmb_vm *)(x))
#define to_v(x)		((struct kvmb_vcpu *)(x))

/* How an exit at an IPA without a usable memslot is to be reported (kvm_vm.c). */
enum kvmb_ipa_class {
	KVMB_IPA_UNMAPPED,	/* no stage-2 mapping: MMIO (or S2 abort without syndrome) */
	KVMB_IPA_RAM_RW,	/* mapped RAM with a memslot: the exit raced a memslot change */
	KVMB_IPA_RAM_RO,	/* read-only RAM: a write is a permission fault */
	KVMB_IPA_NOACCESS,	/* mapped without read permission: permission fault */
	KVMB_IPA_FAULT,		/* AF = 0 or no memory behind it: S2 abort */
	KVMB_IPA_NO_SLOT,	/* RAM whose memslot could not be created */
};

/* kvm_vm.c */
int kvmb_vm_create(struct hal_machine *m, const struct hal_vm_config *cfg, struct hal_vm **out);
void kvmb_vm_destroy(struct hal_vm *vm);
int kvmb_vm_set_stage2(struct hal_vm *vm, uint64_t root_pa, uint64_t vtcr);
int kvmb_vm_invalidate(struct hal_vm *vm, uint64_t ipa, uint64_t size);
int kvmb_vm_finalize(struct hal_vm *vm);
int kvmb_vm_set_irq(struct hal_vm *vm, unsigned intid, bool level);
/* Before KVM_RUN: wait out a memslot change, reflect pending stage-2 changes, count the
 * vCPU as running. After it: count it out. */
int kvmb_vm_enter(struct kvmb_vm *vm);
void kvmb_vm_leave(struct kvmb_vm *vm);
/* What the VM's stage 2 says about ipa, as of now (pending changes reflected). */
enum kvmb_ipa_class kvmb_vm_classify(struct kvmb_vm *vm, uint64_t ipa);
/* The aligned 8 bytes of guest RAM at ipa, through the stage 2; false if not RAM. */
bool kvmb_vm_read_ipa(void *vm, uint64_t ipa, uint64_t *val);

/* kvm_vcpu.c */
/* Make the vCPU leave KVM_RUN (or not enter it) without a HAL_EXIT_KICKED. Any thread. */
void kvmb_vcpu_poke(struct kvmb_vcpu *v);
int kvmb_vcpu_create(struct hal_vm *vm, unsigned index, bool powered_on, struct hal_vcpu **out);
void kvmb_vcpu_free(struct kvmb_vcpu *v);
int kvmb_vcpu_get_reg(struct hal_vcpu *v, uint32_t id, uint64_t *val);
int kvmb_vcpu_set_reg(struct hal_vcpu *v, uint32_t id, uint64_t val);
int kvmb_vcpu_get_vreg(struct hal_vcpu *v, unsigned n, uint64_t out[2]);
int kvmb_vcpu_set_vreg(struct hal_vcpu *v, unsigned n, const uint64_t in[2]);
int kvmb_vcpu_run(struct hal_vcpu *v);
void kvmb_vcpu_kick(struct hal_vcpu *v);
int kvmb_vcpu_set_budget(struct hal_vcpu *v, uint64_t insns);
int kvmb_vcpu_inject_abort(struct hal_vcpu *v);
bool kvmb_vcpu_powered(struct hal_vcpu *v);

#endif /* AVF_HAL_KVM_INTERNAL_H */
