/* SPDX-License-Identifier: MIT */
/*
 * The HAL conformance kit (the port-conformance suite): every promise of docs/HAL.md
 * checked on one backend with real guest code. Private to this directory.
 */
#ifndef AVF_HAL_KIT_H
#define AVF_HAL_KIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/hal/hal.h"

/* Guest ABI of guest/kit_guest.S. */
#define KIT_REPORT	0xc6001000u
#define KIT_ECHO	0xc6001001u
#define KIT_GUEST_IPA	0x80000000ull
#define KIT_MMIO	0x10000000ull
#define KIT_DATA	0x80100000ull
#define KIT_GICD	0x3fff0000ull
#define KIT_GICR	0x3ff70000ull	/* room for 4 redistributors below GICD */

enum kit_test {
	KT_HVC, KT_MMIO, KT_OFF, KT_RESET, KT_S2_UNMAPPED, KT_S2_PERM, KT_S2_REMAP,
	KT_SPI, KT_TIMER, KT_CPU_ON, KT_SPIN, KT_INJECT, KT_REGS,
};

#define KIT_R 1u
#define KIT_W 2u
#define KIT_X 4u

struct kit_env {
	struct hal_machine *m;
	struct hal_vm *vm;
	struct hal_vcpu *vcpu[4];
	unsigned nr_vcpus;
	uint64_t s2_root;
	unsigned next_table;
	bool failed_run;
};

/* Backend trace file for every machine the kit creates (--trace), or NULL. */
extern const char *kit_trace_path;

/* A fresh machine + VM with the guest image mapped and vCPU 0 at its entry. */
int kit_env_new(struct kit_env *e, const struct hal_ops *ops, unsigned nr_vcpus,
		char *why, size_t whylen);
void kit_env_free(struct kit_env *e);
/* Map (prot != 0) or unmap (prot == 0) one page and invalidate it. */
void kit_s2_map(struct kit_env *e, uint64_t ipa, uint64_t pa, unsigned prot);
/* The PA of spare page n (for data pages). */
uint64_t kit_page_pa(unsigned n);
int kit_start(struct kit_env *e, unsigned test);
/* Run vCPU idx to its next meaningful exit (idle time skipped, preemption resumed,
 * a hang turned into KICKED by a watchdog). */
const struct hal_exit *kit_run(struct kit_env *e, unsigned idx);
bool kit_is_report(const struct hal_exit *x);

/* Checks (checks.c): each returns NULL on success or a static description of the
 * first failed expectation. */
struct kit_check {
	const char *name;
	enum hal_cap needs[3];		/* capabilities required (0-terminated) */
	unsigned nr_vcpus;
	const char *(*run)(struct kit_env *e);	/* NULL env for machine-only checks */
};
extern const struct kit_check kit_checks[];
extern const size_t kit_nr_checks;

#endif /* AVF_HAL_KIT_H */
