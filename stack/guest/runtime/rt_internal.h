/* SPDX-License-Identifier: Apache-2.0 */
/* What the runtime's files share (stack/guest/runtime). */
#ifndef AVF_GUEST_RT_INTERNAL_H
#define AVF_GUEST_RT_INTERNAL_H

#include "stack/guest/runtime/runtime.h"

#include "stack/guest/arch/arch.h"
#include "stack/guest/include/avf_handover.h"
#include "stack/guest/include/avf_hvc.h"

/* boot.c: what the runtime keeps from the handover (the CDIs, copied then wiped there). */
struct rt_state {
	struct rt_vm_info info;
	uint8_t cdi_seal[AVF_CDI_SIZE];
	uint8_t cdi_attest[AVF_CDI_SIZE];
	bool ready_sent;
	bool no_handover;		/* a normal VM booted without pvmfw: no CDIs */
};
extern struct rt_state rt;

/* dice.c: keep the handover's DICE chain for AVmPayload_getDiceAttestationChain(). */
void rt_dice_take(const struct avf_handover *ho);

/* log.c */
void rt_console_init(uint64_t uart_base);
void rt_console_write(const char *s, size_t n);

/* boot_dt.c: the VM from the DT alone (normal VMs booted without pvmfw). */
bool rt_info_from_dt(uint64_t fdt, struct rt_vm_info *info);

/* mem.c */
void rt_heap_setup(void);

/* gic.c, timer.c */
void rt_gic_init(uint64_t fdt_addr);
void rt_timer_init(void);
/* Like rt_sleep_ns, but also returns as soon as an interrupt handler set *@wake
 * (NULL: only the timer). */
void rt_wait_ns(uint64_t ns, volatile bool *wake);
void rt_irq(void);

/* payload_api.c */
void rt_report_error(int32_t code, const char *message);
void rt_report_finished(int exit_code);

/* Linker script symbols (runtime.lds). */
extern uint8_t __heap_start[], __heap_end[];

#endif /* AVF_GUEST_RT_INTERNAL_H */
