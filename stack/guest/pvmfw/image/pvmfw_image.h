/* SPDX-License-Identifier: Apache-2.0 */
/* Internal interfaces of the bare-metal pvmfw image (stack/guest/pvmfw/image). */
#ifndef AVF_PVMFW_IMAGE_H
#define AVF_PVMFW_IMAGE_H

#include <stdint.h>

#include "stack/guest/arch/arch.h"
#include "stack/guest/include/avf_handover.h"

/* start.S */
__attribute__((noreturn)) void pvmfw_handoff(uint64_t entry, uint64_t fdt, uint64_t handover);

static inline uint64_t pvmfw_hvc(uint32_t fn, uint64_t a1, uint64_t a2)
{
	return arch_hvc(fn, a1, a2, 0, 0, 0, 0, (struct arch_smccc_res *)0);
}

/* console.c: the 16550 the DT names, behind the MMIO guard when the hyp has one. */
void console_init(uint64_t uart_base);
void console_puts(const char *s);
void console_hex(uint64_t v);		/* 0x-prefixed, no leading zeros */
void console_dec(uint64_t v);
void console_bytes_hex(const uint8_t *p, unsigned n);

/* main.c */
__attribute__((noreturn)) void pvmfw_main(uint64_t fdt_addr);
__attribute__((noreturn)) void pvmfw_exception(uint64_t kind, uint64_t esr, uint64_t elr,
					       uint64_t far);

/* The linker script and trusted_key.S */
extern uint8_t __pvmfw_start[], __pvmfw_end[], __rw_start[];
extern struct avf_handover __handover;
extern const uint8_t pvmfw_trusted_key[32];
extern const uint8_t __pvmfw_config_offset[];	/* an absolute symbol: its address is the value */

#endif /* AVF_PVMFW_IMAGE_H */
