// SPDX-License-Identifier: MIT
/*
 * The 16550A UART; uart16550.h lists what is modelled. State changes happen under the
 * mutex; every change that may move the interrupt line ends in update_irq(), which
 * calls the irq callback only when the level changes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stack/vmm/uart16550.h"

struct uart16550 {
	pthread_mutex_t lock;
	struct uart16550_config cfg;
	uint8_t ier, lcr, mcr, lsr, msr, scr, dll, dlm;
	bool fifo_enabled;
	bool thre_pending;	/* the THR-empty interrupt is raised and not yet consumed */
	uint8_t rx[UART_FIFO_SIZE];
	unsigned rx_head, rx_count;
	bool irq_level;
	uint64_t tx_bytes, rx_bytes, overruns;
};

/* MSR status bits the modem lines give when not in loopback: always ready. */
#define MSR_IDLE (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

/* The interrupt IIR reports, by the 16550's priority order. */
static uint8_t pending_iir(const struct uart16550 *u)
{
	if ((u->ier & UART_IER_RLSI) && (u->lsr & UART_LSR_OE))
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && (u->lsr & UART_LSR_DR))
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thre_pending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && (u->msr & 0x0f))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

static void update_irq(struct uart16550 *u)
{
	bool level = pending_iir(u) != UART_IIR_NO_INT;

	if (level != u->irq_level) {
		u->irq_level = level;
		u->cfg.irq.set_level(u->cfg.irq.ctx, u->cfg.irq.intid, level);
	}
}

/* Modem status from MCR in loopback (RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD). */
static uint8_t loopback_msr(uint8_t mcr)
{
	return (uint8_t)(((mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0) |
			 ((mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
			 ((mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0) |
			 ((mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0));
}

/* New modem status lines: record their deltas as the 16550 does. */
static void set_msr_lines(struct uart16550 *u, uint8_t lines)
{
	uint8_t old = u->msr, delta = 0;

	if ((old ^ lines) & UART_MSR_CTS)
		delta |= UART_MSR_DCTS;
	if ((old ^ lines) & UART_MSR_DSR)
		delta |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI))
		delta |= UART_MSR_TERI;		/* trailing edge only */
	if ((old ^ lines) & UART_MSR_DCD)
		delta |= UART_MSR_DDCD;
	u->msr = (uint8_t)(lines | (old & 0x0f) | delta);
}

int uart16550_create(const struct uart16550_config *cfg, struct uart16550 **out)
{
	struct uart16550 *u;

	if (!cfg->out || !cfg->irq.set_level)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	pthread_mutex_init(&u->lock, NULL);
	u->cfg = *cfg;
	u->lsr = UART_LSR_THRE | UART_LSR_TEMT;
	u->msr = MSR_IDLE;
	*out = u;
	return 0;
}

void uart16550_destroy(struct uart16550 *u)
{
	if (!u)
		return;
	pthread_mutex_destroy(&u->lock);
	free(u);
}

/* Put a byte into the RX FIFO (the outside world, or THR in loopback). */
static bool rx_push(struct uart16550 *u, uint8_t byte)
{
	if (u->rx_count == UART_FIFO_SIZE) {
		u->lsr |= UART_LSR_OE;
		u->overruns++;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count++) % UART_FIFO_SIZE] = byte;
	u->lsr |= UART_LSR_DR;
	u->rx_bytes++;
	return true;
}

static uint8_t rx_pop(struct uart16550 *u)
{
	uint8_t byte = 0;

	if (u->rx_count) {
		byte = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
		u->rx_count--;
	}
	if (!u->rx_count)
		u->lsr &= (uint8_t)~UART_LSR_DR;
	return byte;
}

static uint8_t read_reg(struct uart16550 *u, unsigned reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t v;

	switch (reg) {
	case UART_RBR:
		return dlab ? u->dll : rx_pop(u);
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		v = pending_iir(u);
		if (v == UART_IIR_THRI)
			u->thre_pending = false;	/* reading IIR consumes THRE */
		return (uint8_t)(v | (u->fifo_enabled ? UART_IIR_FIFO : 0));
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		v = u->lsr;
		u->lsr &= (uint8_t)~UART_LSR_OE;
		return v;
	case UART_MSR:
		v = u->msr;
		u->msr &= 0xf0;
		return v;
	default:
		return u->scr;
	}
}

static void write_thr(struct uart16550 *u, uint8_t byte)
{
	if (u->mcr & UART_MCR_LOOP) {
		rx_push(u, byte);
	} else {
		u->cfg.out(u->cfg.out_ctx, &byte, 1);
		u->tx_bytes++;
	}
	/* Sent at once: the THR is empty again, which raises THRE (if enabled). */
	u->thre_pending = true;
}

static void write_reg(struct uart16550 *u, unsigned reg, uint8_t v)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_THR:
		if (dlab)
			u->dll = v;
		else
			write_thr(u, v);
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = v;
			break;
		}
		/* Enabling THRE while the THR is empty raises it at once. */
		if (!(u->ier & UART_IER_THRI) && (v & UART_IER_THRI))
			u->thre_pending = true;
		u->ier = v & 0x0f;
		break;
	case UART_FCR:
		u->fifo_enabled = v & UART_FCR_ENABLE;
		if (v & UART_FCR_CLR_RX) {
			u->rx_count = 0;
			u->lsr &= (uint8_t)~UART_LSR_DR;
		}
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		u->mcr = v & 0x1f;
		set_msr_lines(u, (u->mcr & UART_MCR_LOOP) ? loopback_msr(u->mcr) : MSR_IDLE);
		break;
	case UART_LSR:
	case UART_MSR:
		break;		/* read-only (factory test writes are ignored) */
	default:
		u->scr = v;
		break;
	}
}

int uart16550_read(struct uart16550 *u, uint64_t offset, unsigned size, uint64_t *val)
{
	if (size != 1 || offset > UART_SCR)
		return -EINVAL;
	pthread_mutex_lock(&u->lock);
	*val = read_reg(u, (unsigned)offset);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

int uart16550_write(struct uart16550 *u, uint64_t offset, unsigned size, uint64_t val)
{
	if (size != 1 || offset > UART_SCR)
		return -EINVAL;
	pthread_mutex_lock(&u->lock);
	write_reg(u, (unsigned)offset, (uint8_t)val);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

size_t uart16550_receive(struct uart16550 *u, const uint8_t *buf, size_t len)
{
	size_t taken = 0;

	pthread_mutex_lock(&u->lock);
	for (size_t i = 0; i < len; i++)
		taken += rx_push(u, buf[i]);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return taken;
}

void uart16550_get_stats(struct uart16550 *u, struct uart16550_stats *st)
{
	pthread_mutex_lock(&u->lock);
	st->tx_bytes = u->tx_bytes;
	st->rx_bytes = u->rx_bytes;
	st->overruns = u->overruns;
	st->ier = u->ier;
	st->lcr = u->lcr;
	st->mcr = u->mcr;
	st->lsr = u->lsr;
	st->msr = u->msr;
	st->iir = (uint8_t)(pending_iir(u) | (u->fifo_enabled ? UART_IIR_FIFO : 0));
	st->irq_level = u->irq_level;
	pthread_mutex_unlock(&u->lock);
}
