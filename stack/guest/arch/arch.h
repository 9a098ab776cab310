/* SPDX-License-Identifier: Apache-2.0 */
/*
 * guestarch: the aarch64 pieces every bare-metal guest image of ours needs (the pvmfw
 * firmware, the runtime): SMCCC calls over HVC, the identity map of our VM layout,
 * cache maintenance, system register access.
 */
#ifndef AVF_GUEST_ARCH_H
#define AVF_GUEST_ARCH_H

#include <stdint.h>

#define read_sysreg(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")
#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")

/*
 * MMIO accessors. Always one plain load or store with a base-register address: a
 * hypervisor emulates a trapped access from the syndrome the CPU reports, which is only
 * valid (ESR_EL2.ISV) for single-register accesses without writeback; left to itself the
 * compiler may pick post-indexed or paired forms (KVM then injects an external abort).
 */
static inline uint8_t mmio_read8(uint64_t a)
{
	uint32_t v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return (uint8_t)v;
}

static inline uint32_t mmio_read32(uint64_t a)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline uint64_t mmio_read64(uint64_t a)
{
	uint64_t v;

	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void mmio_write8(uint64_t a, uint8_t v)
{
	__asm__ volatile("strb %w0, [%1]" : : "rZ"((uint32_t)v), "r"(a) : "memory");
}

static inline void mmio_write32(uint64_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

static inline void mmio_write64(uint64_t a, uint64_t v)
{
	__asm__ volatile("str %x0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

/* SMCCC 1.1 call over HVC #0 with x1..x6 = @a (missing ones 0); x0..x3 to @ret (if not
 * NULL). Returns x0. */
struct arch_smccc_res {
	uint64_t x0, x1, x2, x3;
};
uint64_t arch_hvc(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		  uint64_t a5, uint64_t a6, struct arch_smccc_res *ret);

/*
 * Turn on an identity map of the VM layout (stack/vmm/layout.h) with caches: the first
 * GiB (every device) Device-nGnRnE and never executable, the rest of the 36-bit IPA
 * space Normal write-back. Call with the MMU off.
 */
void arch_mmu_enable_identity(void);
/* Clean+invalidate [start, start + size) to the point of coherency. */
void arch_dcache_clean(uint64_t start, uint64_t size);

#endif /* AVF_GUEST_ARCH_H */
