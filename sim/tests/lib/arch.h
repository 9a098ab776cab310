/* SPDX-License-Identifier: MIT */
/*
 * Guest test runtime: aarch64 system-register access, barriers and the architectural
 * constants (ESR, SCTLR, DAIF, PSTATE) the tests use. Header only.
 */
#ifndef SIMTEST_ARCH_H
#define SIMTEST_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define read_sysreg(reg) ({						\
	uint64_t __rval;							\
	asm volatile("mrs %0, " #reg : "=r"(__rval) :: "memory");	\
	__rval;								\
})
#define write_sysreg(reg, val) do {					\
	uint64_t __wval = (uint64_t)(val);				\
	asm volatile("msr " #reg ", %x0" :: "rZ"(__wval) : "memory");	\
} while (0)

#define isb()		asm volatile("isb" ::: "memory")
#define dsb(opt)	asm volatile("dsb " #opt ::: "memory")
#define dmb(opt)	asm volatile("dmb " #opt ::: "memory")
#define wfi()		asm volatile("wfi" ::: "memory")
#define cpu_relax()	asm volatile("yield" ::: "memory")
#define barrier()	asm volatile("" ::: "memory")

#define irq_disable()	asm volatile("msr daifset, #2" ::: "memory")
#define irq_enable()	asm volatile("msr daifclr, #2" ::: "memory")

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BIT(n)			(1ull << (n))
#define ALIGN_UP(x, a)		(((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((uint64_t)(a) - 1))

/* Memory map of QEMU's virt board (the subset avf-sim's board imitates). */
#define VIRT_GICD_BASE		0x08000000ull
#define VIRT_GICR_BASE		0x080a0000ull
#define VIRT_UART_BASE		0x09000000ull
#define VIRT_RAM_BASE		0x40000000ull
/* QEMU's default -m 128M; the harness passes it explicitly so both sides agree. */
#define VIRT_RAM_SIZE		0x08000000ull
#define VIRT_RAM_END		(VIRT_RAM_BASE + VIRT_RAM_SIZE)

#define MAX_CPUS		8
#define PAGE_SIZE		4096ull

/* ESR_ELx (Arm ARM D17.2.40): exception class and the fields the tests look at. */
#define ESR_EC(esr)		(((esr) >> 26) & 0x3f)
#define ESR_IL			BIT(25)
#define ESR_ISS(esr)		((esr) & 0x1ffffff)
#define ESR_EC_UNKNOWN		0x00
#define ESR_EC_WFX		0x01
#define ESR_EC_FP		0x07
#define ESR_EC_SVC64		0x15
#define ESR_EC_SYS64		0x18
#define ESR_EC_IABT_LOWER	0x20
#define ESR_EC_IABT_CUR		0x21
#define ESR_EC_PC_ALIGN		0x22
#define ESR_EC_DABT_LOWER	0x24
#define ESR_EC_DABT_CUR		0x25
#define ESR_EC_SP_ALIGN		0x26
#define ESR_EC_BRK64		0x3c
/* Data/instruction abort ISS: fault status code and write-not-read. */
#define ESR_xFSC(esr)		((esr) & 0x3f)
#define ESR_WNR(esr)		(((esr) >> 6) & 1)
#define FSC_TRANSLATION(lvl)	(0x04 + (lvl))
#define FSC_ACCESS_FLAG(lvl)	(0x08 + (lvl))
#define FSC_PERMISSION(lvl)	(0x0c + (lvl))
#define FSC_ALIGNMENT		0x21

/* SCTLR_EL1 bits. RES1 is the Armv8.0 set (29, 28, 23, 22, 20, 11). */
#define SCTLR_M			BIT(0)
#define SCTLR_A			BIT(1)
#define SCTLR_C			BIT(2)
#define SCTLR_SA		BIT(3)
#define SCTLR_UMA		BIT(9)
#define SCTLR_I			BIT(12)
#define SCTLR_DZE		BIT(14)
#define SCTLR_UCT		BIT(15)
#define SCTLR_nTWI		BIT(16)
#define SCTLR_nTWE		BIT(18)
#define SCTLR_WXN		BIT(19)
#define SCTLR_UCI		BIT(26)
#define SCTLR_RES1		(BIT(29) | BIT(28) | BIT(23) | BIT(22) | BIT(20) | BIT(11))

#define CPACR_FPEN_ALL		(3ull << 20)

/* SPSR/PSTATE. */
#define PSR_MODE_EL0t		0x0
#define PSR_MODE_EL1t		0x4
#define PSR_MODE_EL1h		0x5
#define PSR_F			BIT(6)
#define PSR_I			BIT(7)
#define PSR_A			BIT(8)
#define PSR_D			BIT(9)
#define PSR_DAIF		(PSR_D | PSR_A | PSR_I | PSR_F)
#define PSR_NZCV_MASK		(0xfull << 28)

/* Index of the calling CPU (0 = boot CPU), kept in TPIDR_EL1 by start.S. */
static inline unsigned this_cpu(void)
{
	return (unsigned)read_sysreg(tpidr_el1);
}

static inline unsigned current_el(void)
{
	return (unsigned)(read_sysreg(CurrentEL) >> 2) & 3;
}

/* MMIO accessors for Device memory. */
static inline uint32_t mmio_read32(uint64_t addr)
{
	return *(volatile uint32_t *)addr;
}
static inline void mmio_write32(uint64_t addr, uint32_t val)
{
	*(volatile uint32_t *)addr = val;
}
static inline uint64_t mmio_read64(uint64_t addr)
{
	return *(volatile uint64_t *)addr;
}
static inline void mmio_write64(uint64_t addr, uint64_t val)
{
	*(volatile uint64_t *)addr = val;
}

/* Read the condition flags as an NZCV nibble (N = bit 3). */
static inline unsigned read_nzcv(void)
{
	return (unsigned)(read_sysreg(nzcv) >> 28) & 0xf;
}

#endif /* SIMTEST_ARCH_H */
