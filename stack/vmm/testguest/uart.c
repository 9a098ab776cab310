// SPDX-License-Identifier: MIT
/*
 * The console UART, polled. 16550: wait for LSR.THRE, write THR (byte registers). PL011:
 * wait while FR.TXFF, write DR (32-bit registers).
 */
#include "stack/vmm/testguest/guest.h"

#define THR		0
#define FCR		2
#define LCR		3
#define LSR		5
#define LSR_THRE	0x20
#define PL011_DR	0x00
#define PL011_FR	0x18
#define PL011_FR_TXFF	0x20

static uint64_t uart;
static enum uart_kind kind;

bool uart_find(const void *fdt, uint64_t *base, enum uart_kind *k)
{
	const void *reg = fdt_root_prop(fdt, "uart", "reg", NULL);

	*k = UART_16550;
	if (!reg) {
		reg = fdt_root_prop(fdt, "pl011", "reg", NULL);
		*k = UART_PL011;
	}
	if (!reg)
		return false;
	*base = fdt_be64(reg);
	return true;
}

void uart_init(uint64_t base, enum uart_kind k)
{
	volatile uint8_t *r = (volatile uint8_t *)base;

	uart = base;
	kind = k;
	if (k == UART_16550) {
		r[LCR] = 0x03;	/* 8 data bits, no parity, 1 stop bit, DLAB off */
		r[FCR] = 0x07;	/* FIFOs on and cleared */
	}
}

static void putc_raw(char c)
{
	if (!uart)
		return;
	if (kind == UART_PL011) {
		volatile uint32_t *r = (volatile uint32_t *)uart;

		while (r[PL011_FR / 4] & PL011_FR_TXFF)
			;
		r[PL011_DR / 4] = (uint8_t)c;
		return;
	}
	while (!(((volatile uint8_t *)uart)[LSR] & LSR_THRE))
		;
	((volatile uint8_t *)uart)[THR] = (uint8_t)c;
}

void uart_puts(const char *s)
{
	while (*s)
		putc_raw(*s++);
}

void uart_puthex(uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char buf[19];
	int i = 18;

	buf[i] = '\0';
	do {
		buf[--i] = digits[v & 15];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	uart_puts(buf + i);
}

void uart_putdec(uint64_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	uart_puts(buf + i);
}
