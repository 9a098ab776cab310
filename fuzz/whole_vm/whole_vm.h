/* SPDX-License-Identifier: MIT */
/*
 * The whole-VM fuzz target's host side (docs/FUZZING.md § whole_vm): what its files
 * share. whole_vm.c boots the VM and runs inputs; snapshot.c captures and restores the
 * whole system; oracles.c checks what must hold; host_ops.c performs the host's actions.
 *
 * It reaches into the VMM's and the hyp's internals (vmm_internal.h, hyp_internal.h) on
 * purpose: a snapshot of "the whole VM" is the machine (the HAL's snapshot) plus the
 * hyp's and the VMM's own state, which live in host memory, not in the machine.
 */
#ifndef AVF_FUZZ_WHOLE_VM_H
#define AVF_FUZZ_WHOLE_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz/whole_vm/wvm_abi.h"
#include "stack/hyp/hyp_internal.h"
#include "stack/vmm/vmm_internal.h"

#define WVM_DISK_SIZE	(64u << 10)
#define WVM_MAX_TOUCHED	64u

/* Everything captured at the snapshot besides the machine itself (snapshot.c). */
struct wvm_snap {
	struct hyp_page *pages;		/* the hyp's page array */
	uint64_t *pool_free, pool_nr_free;
	struct hyp_vm vm;		/* our VM's hyp record (its lock is not restored) */
	uint64_t *host_access;		/* HAL host view, one bit per page (1: accessible) */
	uint64_t rr_state;		/* the VMM's quantum generator */
	uint8_t uart[8];		/* DLL, DLM, IER, LCR, MCR, SCR */
};

struct wvm {
	struct vmm_host *host;
	struct vmm *v;
	struct hyp *h;
	struct hyp_vm *hvm;
	struct hal_machine *m;
	uint64_t base_pfn, nr_pfns;	/* the machine's memory */
	int disk_fd;
	uint8_t disk_init[WVM_DISK_SIZE];
	struct wvm_mbox *mbox;		/* the hyp's view of the mailbox */
	uint8_t *script;
	struct wvm_snap snap;
	/* Oracle state of the current input. */
	struct vmm_guest_mem dev_mem;	/* the VMM's own callbacks, wrapped */
	uint64_t touched[WVM_MAX_TOUCHED];	/* pfns host ops changed */
	unsigned nr_touched;
	/* Counters (printed by WVM_STATS=1 at exit). */
	uint64_t inputs, turns, host_ops, dev_faults, hung, ended, insns;
};

/* snapshot.c: capture after boot (hal_machine_snapshot included); restore per input. */
int wvm_snapshot(struct wvm *w);
void wvm_restore(struct wvm *w);

/* oracles.c */
/* Wrap the devices' guest-memory callbacks so that every access they make is checked. */
void wvm_oracles_install(struct wvm *w);
/* After an input: the hyp's records, the guests' stage 2 and the host view agree for
 * every page the input could have changed. Aborts with a message otherwise. */
void wvm_check_ownership(struct wvm *w);
/* Abort with a message: an oracle failed (the fuzzer keeps the input). */
_Noreturn void wvm_violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The guest's state of ipa's page and the pfn behind it (NOPAGE: none). */
enum hyp_page_state wvm_guest_state(struct wvm *w, uint64_t ipa, uint64_t *pfn);

/* host_ops.c: the host op the agent asked for in the mailbox. */
void wvm_host_op(struct wvm *w);

#endif /* AVF_FUZZ_WHOLE_VM_H */
