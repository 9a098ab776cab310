/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime (Microdroid-like, bare metal) that a payload image links with: it takes
 * over from pvmfw (x0 = DT, x1 = handover), sets up the CPU (identity map, vectors,
 * FP), its log on the 16550, a heap, the GICv3 and the virtual timer, then runs the
 * payload's AVmPayload_main() (stack/guest/include/avf_vm_payload.h) and reports its
 * exit code to the host. docs/RUNTIME.md describes the boot and the host channel.
 *
 * These are the runtime's own services for payload code; everything is single-CPU.
 */
#ifndef AVF_GUEST_RUNTIME_H
#define AVF_GUEST_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Log to the console: "PREFIX: " is the caller's business. printf-style (rtlib's
 * formatter); lines longer than 255 bytes are cut. No console: nothing printed. */
void rt_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Heap (1 MiB between the image and its stack). NULL when exhausted. */
void *rt_malloc(size_t n);
void *rt_calloc(size_t nmemb, size_t size);
/* Freeing anything but a live block from rt_malloc stops the VM (rt_panic). */
void rt_free(void *p);

/* Stop the VM because the runtime cannot go on: log, report the error to the host
 * (code AVF_RUNTIME_ERROR_PANIC), PSCI SYSTEM_RESET. */
__attribute__((noreturn)) void rt_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* PSCI (over HVC, as the DT's /psci says for our VMs). */
__attribute__((noreturn)) void rt_psci_system_off(void);
__attribute__((noreturn)) void rt_psci_system_reset(void);
uint32_t rt_psci_version(void);

/* GICv3: the distributor and this CPU's redistributor, from the DT's arm,gic-v3 node. */
typedef void (*rt_irq_handler)(unsigned intid, void *ctx);
/* Route @intid (a PPI 16..31 or SPI 32..1019) to @fn, enable it. -1 if out of range. */
int rt_irq_register(unsigned intid, rt_irq_handler fn, void *ctx);
void rt_irq_disable(unsigned intid);

/* The virtual timer (PPI 11, INTID 27). */
uint64_t rt_time_ns(void);
/* Sleep at least @ns, in WFI, woken by the timer's interrupt. */
void rt_sleep_ns(uint64_t ns);

/* The VM as the firmware validated it (the handover), for drivers and tests. */
struct rt_vm_info {
	uint64_t ram_base, ram_size;
	uint64_t fdt_addr, fdt_size;
	uint64_t uart_base;
	uint32_t dice_mode;		/* AVF_DICE_MODE_* */
	uint64_t payload_version;
};
const struct rt_vm_info *rt_vm_info(void);

#endif /* AVF_GUEST_RUNTIME_H */
