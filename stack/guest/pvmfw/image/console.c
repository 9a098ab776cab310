// SPDX-License-Identifier: Apache-2.0
/*
 * Console output on the 16550 UART the DT names (crosvm's serial device): THR at +0,
 * LSR at +5 with THRE in bit 5, byte registers (reg-shift 0, checked by the DT checks).
 * In a protected VM, MMIO only reaches the host in pages the guest has MMIO-guard mapped,
 * so console_init() enrolls and maps the UART's page when the hyp offers the guard; if
 * the mapping is refused there is no console (an unmapped access would only fault).
 */
#include "stack/guest/pvmfw/image/pvmfw_image.h"

#include "stack/guest/include/avf_hvc.h"

#define UART_THR	0
#define UART_LSR	5
#define LSR_THRE	0x20
#define THRE_POLLS	100000	/* a UART that never drains must not hang the report */

static uint64_t uart;

void console_init(uint64_t uart_base)
{
	uint64_t granule;

	if (!uart_base)
		return;
	granule = pvmfw_hvc(AVF_HVC_PKVM_MMIO_GUARD_INFO, 0, 0);
	if (granule != AVF_SMCCC_NOT_SUPPORTED) {
		if (granule == 0 || (granule & (granule - 1)) ||
		    pvmfw_hvc(AVF_HVC_PKVM_MMIO_GUARD_ENROLL, 0, 0) != 0 ||
		    pvmfw_hvc(AVF_HVC_PKVM_MMIO_GUARD_MAP, uart_base & ~(granule - 1), 0) != 0)
			return;
	}
	uart = uart_base;
}

static void console_putc(char c)
{
	for (unsigned i = 0; i < THRE_POLLS && !(mmio_read8(uart + UART_LSR) & LSR_THRE); i++)
		;
	mmio_write8(uart + UART_THR, (uint8_t)c);
}

void console_puts(const char *s)
{
	if (!uart)
		return;
	for (; *s; s++)
		console_putc(*s);
}

void console_hex(uint64_t v)
{
	char buf[19];
	int i = 18;

	buf[i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	console_puts(buf + i);
}

void console_dec(uint64_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	console_puts(buf + i);
}

void console_bytes_hex(const uint8_t *p, unsigned n)
{
	char buf[3] = { 0 };

	for (unsigned i = 0; i < n; i++) {
		buf[0] = "0123456789abcdef"[p[i] >> 4];
		buf[1] = "0123456789abcdef"[p[i] & 0xf];
		console_puts(buf);
	}
}
