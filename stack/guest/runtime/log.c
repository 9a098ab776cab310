// SPDX-License-Identifier: Apache-2.0
/*
 * The runtime's console: the 16550 pvmfw validated (handover uart_base; pvmfw leaves its
 * page MMIO-guard mapped in protected VMs). THR at +0, LSR at +5, THRE = bit 5.
 */
#include "stack/guest/runtime/rt_internal.h"

#include <stdarg.h>

#include "stack/guest/rtlib/rtlib.h"

#define THRE_POLLS 100000

static uint64_t uart;

void rt_console_init(uint64_t uart_base)
{
	uart = uart_base;
}

void rt_console_write(const char *s, size_t n)
{
	if (!uart)
		return;
	for (size_t i = 0; i < n; i++) {
		for (unsigned p = 0; p < THRE_POLLS && !(mmio_read8(uart + 5) & 0x20); p++)
			;
		mmio_write8(uart, (uint8_t)s[i]);
	}
}

void rt_log(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	rt_console_write(line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void rt_panic(const char *fmt, ...)
{
	static bool panicking;
	char msg[256];
	va_list ap;

	/*
	 * A fault inside the panic path (a console whose MMIO guard page the payload
	 * unmapped, say) comes back here through the exception vector: report nothing
	 * more, just reset, so the VM ends instead of faulting for ever.
	 */
	if (panicking)
		rt_psci_system_reset();
	panicking = true;
	va_start(ap, fmt);
	rt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rt_log("runtime: panic: %s\n", msg);
	rt_report_error(AVF_RUNTIME_ERROR_PANIC, msg);
	rt_psci_system_reset();
}
