/* SPDX-License-Identifier: MIT */
/*
 * Arm PrimeCell UART (PL011), as much as Linux's amba-pl011 driver and bare-metal
 * console code use, with QEMU's hw/char/pl011.c behaviour where the TRM leaves room:
 *
 *   0x000 DR      write: the byte goes to the output at once; RIS.TX is set.
 *                 read: the receive FIFO is always empty, reads 0.
 *   0x004 RSR/ECR receive status (always 0); a write clears it.
 *   0x018 FR      TXFE | RXFE: transmit FIFO empty, receive FIFO empty, never busy,
 *                 never full.
 *   0x020 ILPR, 0x024 IBRD, 0x028 FBRD, 0x02c LCR_H, 0x030 CR, 0x034 IFLS,
 *   0x048 DMACR   plain storage with the TRM's widths and reset values
 *                 (CR = 0x300: TXE | RXE, IFLS = 0x12). DMA is not modelled: enabling
 *                 it (DMACR bits 0-1) is refused with an external abort.
 *   0x038 IMSC    interrupt mask; the line (SPI 1) is RIS & IMSC != 0, level.
 *   0x03c RIS, 0x040 MIS (= RIS & IMSC), 0x044 ICR (write 1 to clear).
 *   0xfe0..0xffc  PeriphID0-3 = 0x11 0x10 0x14 0x00, CellID0-3 = 0x0d 0xf0 0x05 0xb1.
 * Other offsets read 0 and ignore writes (QEMU logs them as guest errors).
 *
 * The output is sent whatever CR.UARTEN/TXE say, as QEMU does, so that a guest which
 * never initialises the UART still prints. Accesses of 1, 2 and 4 bytes address the
 * byte lanes of the 32-bit registers; an 8-byte access is two 4-byte ones (QEMU's
 * memory core splits it the same way).
 */
#ifndef AVF_SIM_BOARD_PL011_H
#define AVF_SIM_BOARD_PL011_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Register offsets and bits the board and tests use. */
#define PL011_DR	0x000
#define PL011_RSR	0x004
#define PL011_FR	0x018
#define PL011_ILPR	0x020
#define PL011_IBRD	0x024
#define PL011_FBRD	0x028
#define PL011_LCR_H	0x02c
#define PL011_CR	0x030
#define PL011_IFLS	0x034
#define PL011_IMSC	0x038
#define PL011_RIS	0x03c
#define PL011_MIS	0x040
#define PL011_ICR	0x044
#define PL011_DMACR	0x048
#define PL011_PERIPHID0	0xfe0
#define PL011_CELLID0	0xff0

#define PL011_FR_RXFE	(1u << 4)
#define PL011_FR_TXFF	(1u << 5)
#define PL011_FR_RXFF	(1u << 6)
#define PL011_FR_TXFE	(1u << 7)
#define PL011_FR_BUSY	(1u << 3)
#define PL011_INT_RX	(1u << 4)
#define PL011_INT_TX	(1u << 5)
#define PL011_INT_ALL	0x7ffu

/* Called whenever the interrupt output may have changed, with its level. */
typedef void (*pl011_irq_fn)(void *opaque, bool level);

struct pl011 {
	FILE *out;
	pl011_irq_fn irq;
	void *irq_opaque;
	bool irq_level;
	uint64_t bytes_out;	/* bytes written to out */
	int out_error;		/* errno of the first failed write to out, else 0 */
	uint32_t rsr, ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
};

/* Reset state; out receives DR writes; irq may be NULL. */
void pl011_init(struct pl011 *u, FILE *out, pl011_irq_fn irq, void *opaque);
/*
 * The sim_mmio_ops callbacks (opaque = struct pl011 *). Return 0, or -1 (external
 * abort) for a size other than 1, 2, 4, 8 or an access that crosses a register.
 */
int pl011_mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val);
int pl011_mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t val);

#endif /* AVF_SIM_BOARD_PL011_H */
