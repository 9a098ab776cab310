/* SPDX-License-Identifier: MIT */
/*
 * The VMM's test guest (bare metal, no libc): what its files share. It finds everything
 * through the DT the VMM passes in x0, as a real guest does: the 16550 UART, the CPUs,
 * RAM, /chosen/bootargs and the /avf node. See payload.c and firmware.c for what each
 * image does.
 */
#ifndef AVF_VMM_TESTGUEST_H
#define AVF_VMM_TESTGUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SMCCC / PSCI / pKVM function ids. */
#define PSCI_VERSION		0x84000000u
#define PSCI_CPU_OFF		0x84000002u
#define PSCI_CPU_ON		0xc4000003u
#define PSCI_AFFINITY_INFO	0xc4000004u
#define PSCI_SYSTEM_OFF		0x84000008u
#define PSCI_SYSTEM_RESET	0x84000009u
#define PSCI_FEATURES		0x8400000au
#define HYP_MEMINFO		0xc6000002u
#define MMIO_GUARD_ENROLL	0xc6000006u
#define MMIO_GUARD_MAP		0xc6000007u
#define MMIO_GUARD_UNMAP	0xc6000008u

#define MAX_CPUS		8

struct hvc_ret {
	uint64_t x0, x1;
};

/* hvc.c */
struct hvc_ret hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);
__attribute__((noreturn)) void power_off(void);

/* fdt.c: a minimal read-only walker of the flattened tree at blob. */
bool fdt_valid(const void *blob);
/* The property of the first node directly under the root whose name (before '@') is
 * node; NULL if there is none. */
const void *fdt_root_prop(const void *blob, const char *node, const char *prop,
			  uint32_t *len);
/* The same for the n-th such node that has the property (0 is the first). */
const void *fdt_root_prop_nth(const void *blob, const char *node, unsigned n,
			      const char *prop, uint32_t *len);
/* Nodes directly under /cpus whose name starts with "cpu@". */
unsigned fdt_count_cpus(const void *blob);
uint32_t fdt_be32(const void *p);
uint64_t fdt_be64(const void *p);

/*
 * uart.c: the console the DT names, polled (irq.c has the interrupt-driven variant): the VMM's 16550 ("uart"
 * node), or a PL011 ("pl011" node: QEMU's virt board, the benchmark's peer).
 */
enum uart_kind { UART_16550, UART_PL011 };
void uart_init(uint64_t base, enum uart_kind kind);
/* Find the console in the DT: its base and kind; false if there is none. */
bool uart_find(const void *fdt, uint64_t *base, enum uart_kind *kind);
void uart_puts(const char *s);
void uart_puthex(uint64_t v);
void uart_putdec(uint64_t v);

/* gic.c: GICv3 for one SPI on CPU 0 (the DT's "intc" node). */
bool gic_find(const void *fdt, uint64_t *dist, uint64_t *redist);
/* Distributor, CPU 0's redistributor and CPU interface; false: no GICv3 in the DT. */
bool gic_init(const void *fdt);
/* Group 1, level-sensitive, routed to CPU 0, enabled. */
void gic_enable_spi(uint32_t intid);
void gic_disable_spi(uint32_t intid);
/* ICC_IAR1_EL1 (1023: spurious) and ICC_EOIR1_EL1. */
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);

/* irq.c: the IRQ dispatch (start.S's IRQ vector calls guest_irq()) and the UART demo
 * (testguest.irq=uart): a line sent from the UART's THR-empty interrupt handler. */
void irq_register(uint32_t intid, void (*fn)(void));
/* Interrupts nobody registered for, and spurious ones, so far. */
void irq_counts(unsigned *other, unsigned *spurious);
void irq_report(unsigned irqs, uint32_t intid, unsigned n, const char *what);
void irq_demo_uart(const void *fdt, uint64_t uart);
/* virtio_irq.c: testguest.irq=rng: virtio-rng requests, each completion taken as an
 * interrupt (normal VMs: the rings must be memory the host can see). */
void irq_demo_rng(const void *fdt, bool prot);

/* Protected VMs: MMIO must be guarded page by page before the host sees it. Returns
 * true in a protected VM (HYP_MEMINFO answers), after guarding base's page. */
bool guard_mmio(uint64_t base);
/* Guard one more page (protected VMs; a no-op answer elsewhere). */
void guard_page(uint64_t addr);

#endif /* AVF_VMM_TESTGUEST_H */
