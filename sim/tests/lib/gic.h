/* SPDX-License-Identifier: MIT */
/*
 * Guest test runtime: GICv3 (distributor at VIRT_GICD_BASE, one redistributor per CPU
 * from VIRT_GICR_BASE, system-register CPU interface), as QEMU's virt board with
 * gic-version=3 and no security extensions (one security state) presents it.
 *
 * gic_init_dist() once (boot CPU), then gic_init_cpu() on each CPU that takes
 * interrupts: it finds the CPU's redistributor by affinity, wakes it, puts all SGIs and
 * PPIs in Group 1 at GIC_PRIO_DEFAULT, disabled, and enables the CPU interface with
 * PMR = 0xff, the smallest binary point and EOImode 0 (EOIR drops and deactivates).
 *
 * Priorities: only the top bits of a priority are implemented (QEMU: 5); tests use
 * multiples of 0x20, which every implementation with at least 3 bits orders alike.
 */
#ifndef SIMTEST_GIC_H
#define SIMTEST_GIC_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/tests/lib/except.h"

#define GIC_SPURIOUS		1023
#define GIC_PRIO_DEFAULT	0xa0
#define GIC_PPI_VTIMER		27
#define GIC_PPI_PTIMER		30

void gic_init_dist(void);
void gic_init_cpu(void);
/* Redistributor (RD_base) of the calling CPU, after gic_init_cpu(). */
uint64_t gic_rdist(void);

/* SGIs and PPIs (0..31) of the calling CPU. */
void gic_enable_irq(unsigned intid);
void gic_disable_irq(unsigned intid);
void gic_set_priority(unsigned intid, uint8_t prio);
bool gic_irq_pending(unsigned intid);
bool gic_irq_active(unsigned intid);
void gic_clear_pending(unsigned intid);

/* SGI intid (0..15) to CPU index cpu / to every CPU but the caller. */
void gic_send_sgi(unsigned intid, unsigned cpu);
void gic_send_sgi_others(unsigned intid);

/* CPU interface. */
uint32_t gic_ack(void);			/* ICC_IAR1_EL1 */
void gic_eoi(uint32_t intid);		/* ICC_EOIR1_EL1 */
uint32_t gic_highest_pending(void);	/* ICC_HPPIR1_EL1 */
void gic_set_pmr(uint8_t prio);
uint8_t gic_running_priority(void);	/* ICC_RPR_EL1 */

/*
 * Per-INTID handlers, called by gic_irq_dispatch() between acknowledge and EOI with the
 * interrupt's id. Install gic_irq_dispatch with except_set_irq_hook() to use them.
 */
typedef void (*gic_handler_fn)(uint32_t intid);
void gic_set_handler(unsigned intid, gic_handler_fn fn);
bool gic_irq_dispatch(struct except_frame *f);

/*
 * Wait, without a lost-wakeup race, until *flag != 0: IRQs are masked around the check
 * and unmasked only after a WFI that a pending interrupt ends. Returns with IRQs masked.
 */
void gic_wait_flag(const volatile uint32_t *flag);

#endif /* SIMTEST_GIC_H */
