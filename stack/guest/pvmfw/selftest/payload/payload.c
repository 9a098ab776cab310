// SPDX-License-Identifier: Apache-2.0
/*
 * The pvmfw-selftest payload: signed with the development key, verified and started by
 * pvmfw inside a protected VM. It reports what it was handed to the test (a hypercall
 * on a test-only id the hyp forwards), greets on the console and powers off.
 *
 * Report 1: x1 handover magic (8 bytes as u64), x2 first 8 bytes of CDI_Seal, x3 first
 *           8 bytes of CDI_Attest, x4 the registers that should have been zero (OR),
 *           x5 the handover's address, x6 the DT's first word (its magic, big-endian).
 * Report 2: x1 DICE mode, x2 payload version, x3 RAM size, x4 UART base, x5 load
 *           address, x6 entry.
 * Runs with the MMU off, so it is built general-registers-only and reads the handover
 * field by field.
 */
#include <stdint.h>

#include "stack/guest/arch/arch.h"
#include "stack/guest/include/avf_handover.h"
#include "stack/guest/include/avf_hvc.h"

#define REPORT 0xc6002100u	/* pvmfw_selftest.c */

void payload_main(uint64_t fdt, const struct avf_handover *ho, uint64_t dirty);

static void hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
		uint64_t a6)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	register uint64_t x4 __asm__("x4") = a4;
	register uint64_t x5 __asm__("x5") = a5;
	register uint64_t x6 __asm__("x6") = a6;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 : "r"(x4), "r"(x5), "r"(x6) : "memory");
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void puts_uart(uint64_t base, const char *s)
{
	if (!base)
		return;
	for (; *s; s++) {
		while (!(mmio_read8(base + 5) & 0x20))
			;
		mmio_write8(base, (uint8_t)*s);
	}
}

void payload_main(uint64_t fdt, const struct avf_handover *ho, uint64_t dirty)
{
	const volatile uint32_t *dt = (const volatile uint32_t *)(uintptr_t)fdt;

	hvc(REPORT, le64(ho->magic), le64(ho->cdi_seal), le64(ho->cdi_attest), dirty,
	    (uintptr_t)ho, __builtin_bswap32(dt[0]));
	hvc(REPORT, ho->mode, ho->payload_version, ho->ram_size, ho->uart_base, ho->load_addr,
	    ho->entry);
	puts_uart(ho->uart_base, "payload: started by pvmfw\n");
	hvc(AVF_PSCI_SYSTEM_OFF, 0, 0, 0, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}
