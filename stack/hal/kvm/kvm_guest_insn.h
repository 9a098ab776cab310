/* SPDX-License-Identifier: MIT */
/*
 * The guest instruction behind an MMIO load, for the kvm backend (private to
 * stack/hal/kvm/).
 *
 * Why: KVM (arm64, through at least Linux 6.12) completes an MMIO load by sign-extending
 * the data as ESR_EL2.SSE says, then passes it through vcpu_data_host_to_guest(), which
 * masks it back to the access size: LDRSB/LDRSH/LDRSW from MMIO reach the guest
 * zero-extended. The HAL promises the architectural result, so for a load narrower than
 * 8 bytes the backend reads the instruction, and if it sign-extends, completes the load
 * itself (register, PC, PSTATE.BTYPE) instead of letting KVM do it.
 *
 * To read the instruction at PC with the guest's MMU on, this walks the guest's stage-1
 * tables (EL1&0 regime, VMSAv8-64, 4/16/64 KiB granules, 48-bit addresses; no LPA2).
 * Pure code: guest memory comes through a callback, so it is unit tested on any host.
 */
#ifndef AVF_HAL_KVM_GUEST_INSN_H
#define AVF_HAL_KVM_GUEST_INSN_H

#include <stdbool.h>
#include <stdint.h>

/* The EL1 translation state the walk needs (read with KVM_GET_ONE_REG). */
struct gi_regs {
	uint64_t sctlr, tcr, ttbr0, ttbr1;
};

/* Read the naturally aligned 8 bytes at IPA ipa; false if that is not guest RAM. */
typedef bool (*gi_read_ipa)(void *ctx, uint64_t ipa, uint64_t *val);

/*
 * The IPA of the instruction at virtual address va (stage 1 of the EL1&0 regime, as an
 * instruction fetch at EL1 would see it; permissions are not checked: the guest ran
 * it). Returns false on a translation fault or a configuration this walker does not
 * handle.
 */
bool gi_va_to_ipa(const struct gi_regs *r, uint64_t va, gi_read_ipa read, void *ctx,
		  uint64_t *ipa);

/* A load that sign-extends, decoded from a single-register form that has a syndrome. */
struct gi_sext_load {
	unsigned rt;		/* destination; 31 is XZR (nothing written) */
	unsigned bytes;		/* access size: 1, 2 or 4 */
	bool to64;		/* extends to an X register (else W: upper half zero) */
};

/*
 * Whether insn is LDRSB/LDRSH/LDRSW in one of the forms that report a valid syndrome
 * (unsigned offset, unscaled LDURS*, unprivileged LDTRS*, register offset, literal
 * LDRSW, RCpc LDAPURS*): the forms an MMIO exit can come from. Writeback forms never
 * do (they have no syndrome: KVM_EXIT_ARM_NISV).
 */
bool gi_decode_sext_load(uint32_t insn, struct gi_sext_load *out);

/* data's low `bytes` bytes, sign-extended to 64 bits, or to 32 (upper half zero). */
uint64_t gi_sign_extend(uint64_t data, unsigned bytes, bool to64);

#endif /* AVF_HAL_KVM_GUEST_INSN_H */
