// SPDX-License-Identifier: MIT
/*
 * A stand-in for pvmfw in tests: the hyp loads it at VMM_FW_BASE of a protected VM and
 * enters it first (whatever entry the VMM asked for). It guards and prints through the
 * UART, finds the payload in the DT's /avf node (as AVF's pvmfw is told where its
 * payload is) and jumps to the payload's entry with x0 = the DT. It verifies nothing:
 * the real firmware is stack/guest's.
 */
#include "stack/vmm/testguest/guest.h"

void guest_main(const void *fdt);
void secondary_main(uint64_t index);
void guest_exception(uint64_t esr, uint64_t far, uint64_t elr);

void guest_exception(uint64_t esr, uint64_t far, uint64_t elr)
{
	uart_puts("testfw: exception: ESR ");
	uart_puthex(esr);
	uart_puts("\n");
	for (;;)
		__asm__ volatile("msr daifset, #0xf\n\twfi");
}

void secondary_main(uint64_t index)
{
	/* Secondary CPUs start where CPU_ON tells them: never here. */
}

void guest_main(const void *fdt)
{
	const void *payload, *entry;
	enum uart_kind kind;
	uint32_t len, elen;
	uint64_t base;

	if (!fdt_valid(fdt) || !uart_find(fdt, &base, &kind))
		power_off();
	guard_mmio(base);
	uart_init(base, kind);
	uart_puts("testfw: firmware running at ");
	uart_puthex((uint64_t)guest_main & ~0xfffffull);
	uart_puts("\n");
	payload = fdt_root_prop(fdt, "avf", "payload", &len);
	entry = fdt_root_prop(fdt, "avf", "payload-entry", &elen);
	if (!payload || len != 16 || !entry || elen != 8) {
		uart_puts("testfw: no payload in /avf\n");
		power_off();
	}
	uart_puts("testfw: payload ");
	uart_puthex(fdt_be64(payload));
	uart_puts(" size ");
	uart_puthex(fdt_be64((const uint8_t *)payload + 8));
	uart_puts(", entering it at ");
	uart_puthex(fdt_be64(entry));
	uart_puts("\n");
	((void (*)(const void *))fdt_be64(entry))(fdt);
}
