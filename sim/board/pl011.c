// SPDX-License-Identifier: MIT
/* PL011 UART model; see pl011.h for the register set and the choices made. */
#include <errno.h>
#include <string.h>

#include "sim/board/pl011.h"

/* PrimeCell identification, PL011 r1p5 (PeriphID0..3 then CellID0..3). */
static const uint8_t pl011_ids[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

#define PL011_CR_RESET		0x300u	/* TXE | RXE */
#define PL011_IFLS_RESET	0x12u	/* both FIFO levels at 1/2 */
#define PL011_DMACR_DMA		0x3u	/* RXDMAE | TXDMAE */

void pl011_init(struct pl011 *u, FILE *out, pl011_irq_fn irq, void *opaque)
{
	memset(u, 0, sizeof(*u));
	u->out = out;
	u->irq = irq;
	u->irq_opaque = opaque;
	u->cr = PL011_CR_RESET;
	u->ifls = PL011_IFLS_RESET;
}

static void pl011_update_irq(struct pl011 *u)
{
	bool level = (u->ris & u->imsc) != 0;

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	if (u->irq)
		u->irq(u->irq_opaque, level);
}

static void pl011_transmit(struct pl011 *u, uint8_t byte)
{
	if (u->out && !u->out_error) {
		errno = 0;
		if (fputc(byte, u->out) == EOF)
			u->out_error = errno ? errno : EIO;
		else
			u->bytes_out++;
	}
	u->ris |= PL011_INT_TX;
	pl011_update_irq(u);
}

/* The 32-bit value of the register at a word offset. */
static uint32_t pl011_reg_read(const struct pl011 *u, uint64_t off)
{
	if (off >= PL011_PERIPHID0 && off <= PL011_CELLID0 + 0xc)
		return pl011_ids[(off - PL011_PERIPHID0) / 4];
	switch (off) {
	case PL011_DR:
		return 0;	/* empty receive FIFO */
	case PL011_RSR:
		return u->rsr;
	case PL011_FR:
		return PL011_FR_TXFE | PL011_FR_RXFE;
	case PL011_ILPR:
		return u->ilpr;
	case PL011_IBRD:
		return u->ibrd;
	case PL011_FBRD:
		return u->fbrd;
	case PL011_LCR_H:
		return u->lcr_h;
	case PL011_CR:
		return u->cr;
	case PL011_IFLS:
		return u->ifls;
	case PL011_IMSC:
		return u->imsc;
	case PL011_RIS:
		return u->ris;
	case PL011_MIS:
		return u->ris & u->imsc;
	case PL011_DMACR:
		return u->dmacr;
	default:
		return 0;	/* ICR is write-only; holes read as zero */
	}
}

/* Write a whole register (v already merged for partial accesses). -1: refused. */
static int pl011_reg_write(struct pl011 *u, uint64_t off, uint32_t v, bool lane0)
{
	switch (off) {
	case PL011_DR:
		if (lane0)
			pl011_transmit(u, (uint8_t)v);
		return 0;
	case PL011_RSR:
		u->rsr = 0;
		return 0;
	case PL011_ILPR:
		u->ilpr = v & 0xff;
		return 0;
	case PL011_IBRD:
		u->ibrd = v & 0xffff;
		return 0;
	case PL011_FBRD:
		u->fbrd = v & 0x3f;
		return 0;
	case PL011_LCR_H:
		u->lcr_h = v & 0xff;
		return 0;
	case PL011_CR:
		u->cr = v & 0xff87;	/* CTSEn..RXE, LBE, SIRLP, SIREN, UARTEN */
		return 0;
	case PL011_IFLS:
		u->ifls = v & 0x3f;
		return 0;
	case PL011_IMSC:
		u->imsc = v & PL011_INT_ALL;
		pl011_update_irq(u);
		return 0;
	case PL011_ICR:
		u->ris &= ~v;
		pl011_update_irq(u);
		return 0;
	case PL011_DMACR:
		if (v & PL011_DMACR_DMA)
			return -1;	/* DMA is not modelled: say so loudly */
		u->dmacr = v & 0x7;
		return 0;
	default:
		return 0;	/* FR, RIS, MIS, IDs are read-only; holes ignore writes */
	}
}

/* Registers whose write is a command, not storage: a partial write merges with 0. */
static bool pl011_reg_is_storage(uint64_t off)
{
	return off != PL011_DR && off != PL011_RSR && off != PL011_ICR;
}

static bool pl011_access_ok(uint64_t offset, unsigned size)
{
	if (size == 8)
		return (offset & 3) == 0;
	return (size == 1 || size == 2 || size == 4) && (offset & 3) + size <= 4;
}

int pl011_mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	struct pl011 *u = opaque;
	unsigned shift = (offset & 3) * 8;

	if (!pl011_access_ok(offset, size))
		return -1;
	if (size == 8) {
		*val = pl011_reg_read(u, offset) |
		       ((uint64_t)pl011_reg_read(u, offset + 4) << 32);
		return 0;
	}
	*val = (pl011_reg_read(u, offset & ~3ull) >> shift) &
	       (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
	return 0;
}

int pl011_mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct pl011 *u = opaque;
	uint64_t word = offset & ~3ull;
	unsigned shift = (offset & 3) * 8;
	uint32_t mask, merged;

	if (!pl011_access_ok(offset, size))
		return -1;
	if (size == 8) {
		if (pl011_reg_write(u, word, (uint32_t)val, true))
			return -1;
		return pl011_reg_write(u, word + 4, (uint32_t)(val >> 32), true);
	}
	mask = (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1) << shift;
	merged = ((uint32_t)val << shift) & mask;
	if (pl011_reg_is_storage(word))
		merged |= pl011_reg_read(u, word) & ~mask;
	return pl011_reg_write(u, word, merged, shift == 0);
}
