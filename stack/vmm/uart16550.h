/* SPDX-License-Identifier: MIT */
/*
 * A 16550A UART for the guest's early console (private to stack/vmm/), at
 * VMM_UART_BASE, described in the DT as "ns16550a" (8 one-byte registers, reg-shift 0),
 * as crosvm puts one at the PC COM1 address on aarch64 too.
 *
 * What it models, with the semantics Linux's 8250 driver relies on:
 *   THR/RBR  transmit: the byte goes to the output callback at once (so THRE and TEMT are
 *            always set); receive: a 16-byte FIFO fed by uart16550_receive()
 *   IER      the four interrupt enables; enabling THRE with the THR empty raises it
 *   IIR/FCR  interrupt identification by priority (line status, RX data, THRE, modem
 *            status), FIFO-enabled bits 7:6 after FCR bit 0; reading IIR while it shows
 *            THRE clears that interrupt; FCR bits 1/2 clear the FIFOs
 *   LCR      stored; bit 7 (DLAB) switches offsets 0/1 to DLL/DLM
 *   MCR      stored (bits 0-4); bit 4 is loopback: THR loops to RBR and MSR reflects
 *            RTS/DTR/OUT1/OUT2 as CTS/DSR/RI/DCD (the driver's loopback probe reads 0x90
 *            after writing 0x1a)
 *   LSR      DR, OE (overrun, cleared by reading LSR), THRE, TEMT
 *   MSR      outside loopback: CTS, DSR and DCD asserted (a cable that is always
 *            ready); delta bits 3:0, cleared by reading MSR
 *   SCR      scratch
 *   DLL/DLM  stored, no effect (the line has no speed)
 * Only 1-byte accesses at offsets 0..7 are answered; others return -EINVAL (the MMIO bus
 * then counts them as unclaimed). The interrupt output is level: asserted while IIR
 * reports an interrupt.
 *
 * Thread-safe: one mutex; the output and irq callbacks run with it held and must not
 * call back into the UART.
 */
#ifndef AVF_VMM_UART16550_H
#define AVF_VMM_UART16550_H

#include <stddef.h>
#include <stdint.h>

#include "stack/vmm/virtio.h"	/* struct vmm_irq */

/* Register offsets (DLAB = 0 unless noted). */
#define UART_RBR	0	/* read */
#define UART_THR	0	/* write */
#define UART_DLL	0	/* DLAB = 1 */
#define UART_IER	1
#define UART_DLM	1	/* DLAB = 1 */
#define UART_IIR	2	/* read */
#define UART_FCR	2	/* write */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define UART_IER_RDI	0x01
#define UART_IER_THRI	0x02
#define UART_IER_RLSI	0x04
#define UART_IER_MSI	0x08

#define UART_IIR_NO_INT	0x01
#define UART_IIR_MSI	0x00
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_RLSI	0x06
#define UART_IIR_FIFO	0xc0

#define UART_FCR_ENABLE	0x01
#define UART_FCR_CLR_RX	0x02
#define UART_FCR_CLR_TX	0x04

#define UART_LCR_DLAB	0x80

#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT1	0x04
#define UART_MCR_OUT2	0x08
#define UART_MCR_LOOP	0x10

#define UART_LSR_DR	0x01
#define UART_LSR_OE	0x02
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40

#define UART_MSR_DCTS	0x01
#define UART_MSR_DDSR	0x02
#define UART_MSR_TERI	0x04
#define UART_MSR_DDCD	0x08
#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_RI	0x40
#define UART_MSR_DCD	0x80

#define UART_FIFO_SIZE	16
/* The input clock the DT advertises (the PC's 1.8432 MHz crystal). */
#define UART_CLOCK_HZ	1843200u

struct uart16550;

struct uart16550_config {
	/* Where transmitted bytes go (the console sink). Must not be NULL. */
	void (*out)(void *ctx, const uint8_t *buf, size_t len);
	void *out_ctx;
	/* The interrupt line (level). set_level must not be NULL. */
	struct vmm_irq irq;
};

/* 0, -EINVAL (missing callback), -ENOMEM. */
int uart16550_create(const struct uart16550_config *cfg, struct uart16550 **out);
void uart16550_destroy(struct uart16550 *u);

/* Guest MMIO at offset from the UART's base: 0, or -EINVAL for anything but a 1-byte
 * access at offsets 0..7 (nothing happens then). */
int uart16550_read(struct uart16550 *u, uint64_t offset, unsigned size, uint64_t *val);
int uart16550_write(struct uart16550 *u, uint64_t offset, unsigned size, uint64_t val);

/* Bytes from the outside world into the RX FIFO. Returns how many it took; bytes that do
 * not fit set the overrun flag (LSR.OE) and are dropped, as on the hardware. */
size_t uart16550_receive(struct uart16550 *u, const uint8_t *buf, size_t len);

struct uart16550_stats {
	uint64_t tx_bytes, rx_bytes, overruns;
	uint8_t ier, lcr, mcr, lsr, msr;
	uint8_t iir;		/* what a read of IIR would return now (without side effects) */
	int irq_level;
};

void uart16550_get_stats(struct uart16550 *u, struct uart16550_stats *st);

#endif /* AVF_VMM_UART16550_H */
