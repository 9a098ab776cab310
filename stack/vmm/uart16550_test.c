// SPDX-License-Identifier: MIT
/*
 * The 16550 UART (uart16550.c): every register the Linux 8250 driver relies on, the
 * interrupt identification and line, loopback, and the accesses it refuses.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stack/vmm/uart16550.h"

struct sink {
	uint8_t out[256];
	size_t len;
	int level;		/* last level set */
	unsigned changes;	/* set_level calls */
	uint32_t intid;
};

static void out(void *ctx, const uint8_t *buf, size_t len)
{
	struct sink *s = ctx;

	memcpy(s->out + s->len, buf, len);
	s->len += len;
}

static void set_level(void *ctx, uint32_t intid, bool level)
{
	struct sink *s = ctx;

	s->level = level;
	s->changes++;
	s->intid = intid;
}

struct fixture {
	struct uart16550 *u;
	struct sink s;
};

static int setup(void **state)
{
	static struct fixture f;
	struct uart16550_config cfg = { .out = out, .out_ctx = &f.s,
					.irq = { .ctx = &f.s, .intid = 32, .set_level = set_level } };

	memset(&f, 0, sizeof(f));
	if (uart16550_create(&cfg, &f.u))
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	uart16550_destroy(f->u);
	return 0;
}

static uint8_t rd(struct fixture *f, unsigned reg)
{
	uint64_t v = 0xdead;

	assert_int_equal(uart16550_read(f->u, reg, 1, &v), 0);
	assert_true(v <= 0xff);
	return (uint8_t)v;
}

static void wr(struct fixture *f, unsigned reg, uint8_t v)
{
	assert_int_equal(uart16550_write(f->u, reg, 1, v), 0);
}

static void reset_state(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(rd(f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(rd(f, UART_IIR), UART_IIR_NO_INT);
	assert_int_equal(rd(f, UART_IER), 0);
	assert_int_equal(rd(f, UART_LCR), 0);
	assert_int_equal(rd(f, UART_MCR), 0);
	/* A cable that is always ready: CTS, DSR, DCD. */
	assert_int_equal(rd(f, UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
	assert_int_equal(rd(f, UART_RBR), 0);	/* empty FIFO reads 0 */
	assert_int_equal(f->s.changes, 0);
}

static void transmit(void **state)
{
	struct fixture *f = *state;
	struct uart16550_stats st;

	wr(f, UART_THR, 'h');
	wr(f, UART_THR, 'i');
	assert_int_equal(f->s.len, 2);
	assert_memory_equal(f->s.out, "hi", 2);
	/* Sent at once: the transmitter is always empty. */
	assert_int_equal(rd(f, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
			 UART_LSR_THRE | UART_LSR_TEMT);
	uart16550_get_stats(f->u, &st);
	assert_int_equal(st.tx_bytes, 2);
}

/* DLAB turns offsets 0 and 1 into the divisor latch: nothing is transmitted then. */
static void divisor_latch(void **state)
{
	struct fixture *f = *state;

	wr(f, UART_LCR, UART_LCR_DLAB | 0x03);
	wr(f, UART_DLL, 0x01);
	wr(f, UART_DLM, 0x02);
	assert_int_equal(rd(f, UART_DLL), 0x01);
	assert_int_equal(rd(f, UART_DLM), 0x02);
	assert_int_equal(f->s.len, 0);
	wr(f, UART_LCR, 0x03);
	assert_int_equal(rd(f, UART_LCR), 0x03);
	assert_int_equal(rd(f, UART_IER), 0);	/* IER untouched by the DLM write */
	wr(f, UART_THR, 'x');
	assert_int_equal(f->s.len, 1);
}

/* What serial8250_do_startup() checks: enabling THRI with the THR empty raises it;
 * reading IIR consumes it; writing THR raises it again. */
static void thre_interrupt(void **state)
{
	struct fixture *f = *state;

	wr(f, UART_IER, UART_IER_THRI);
	assert_int_equal(f->s.level, 1);
	assert_int_equal(f->s.intid, 32);
	assert_int_equal(rd(f, UART_IIR), UART_IIR_THRI);
	assert_int_equal(f->s.level, 0);
	assert_int_equal(rd(f, UART_IIR), UART_IIR_NO_INT);
	wr(f, UART_THR, 'a');
	assert_int_equal(f->s.level, 1);
	/* Disabling the interrupt lowers the line without consuming it. */
	wr(f, UART_IER, 0);
	assert_int_equal(f->s.level, 0);
	wr(f, UART_IER, UART_IER_THRI);
	assert_int_equal(f->s.level, 1);
	assert_int_equal(f->s.changes, 5);
}

static void receive_and_priority(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(uart16550_receive(f->u, (const uint8_t *)"ab", 2), 2);
	assert_int_equal(rd(f, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	assert_int_equal(f->s.changes, 0);	/* RX interrupt not enabled */
	wr(f, UART_IER, UART_IER_RDI | UART_IER_THRI);
	/* RX data outranks THRE. */
	assert_int_equal(rd(f, UART_IIR), UART_IIR_RDI);
	assert_int_equal(rd(f, UART_IIR), UART_IIR_RDI);	/* reading IIR does not clear it */
	assert_int_equal(rd(f, UART_RBR), 'a');
	assert_int_equal(rd(f, UART_RBR), 'b');
	assert_int_equal(rd(f, UART_LSR) & UART_LSR_DR, 0);
	assert_int_equal(rd(f, UART_IIR), UART_IIR_THRI);
	assert_int_equal(rd(f, UART_IIR), UART_IIR_NO_INT);
	assert_int_equal(f->s.level, 0);
}

/* 16 bytes fit; the 17th is lost and sets OE, which reading LSR clears. */
static void overrun(void **state)
{
	struct fixture *f = *state;
	uint8_t bytes[17];
	struct uart16550_stats st;

	for (unsigned i = 0; i < 17; i++)
		bytes[i] = (uint8_t)('A' + i);
	wr(f, UART_IER, UART_IER_RLSI);
	assert_int_equal(uart16550_receive(f->u, bytes, 17), 16);
	assert_int_equal(f->s.level, 1);
	assert_int_equal(rd(f, UART_IIR), UART_IIR_RLSI);
	assert_int_equal(rd(f, UART_LSR), UART_LSR_OE | UART_LSR_DR | UART_LSR_THRE |
					  UART_LSR_TEMT);
	assert_int_equal(rd(f, UART_LSR) & UART_LSR_OE, 0);
	assert_int_equal(f->s.level, 0);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(rd(f, UART_RBR), 'A' + i);
	uart16550_get_stats(f->u, &st);
	assert_int_equal(st.overruns, 1);
	assert_int_equal(st.rx_bytes, 16);
}

static void fifo_control(void **state)
{
	struct fixture *f = *state;

	wr(f, UART_FCR, UART_FCR_ENABLE);
	assert_int_equal(rd(f, UART_IIR), UART_IIR_FIFO | UART_IIR_NO_INT);
	uart16550_receive(f->u, (const uint8_t *)"xyz", 3);
	wr(f, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLR_RX);
	assert_int_equal(rd(f, UART_LSR) & UART_LSR_DR, 0);
	assert_int_equal(rd(f, UART_RBR), 0);
	wr(f, UART_FCR, 0);
	assert_int_equal(rd(f, UART_IIR), UART_IIR_NO_INT);
}

/* The driver's loopback probe: MCR 0x1a must read back MSR 0x90 in its top nibble. */
static void loopback(void **state)
{
	struct fixture *f = *state;

	wr(f, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	assert_int_equal(rd(f, UART_MSR) & 0xf0, UART_MSR_DCD | UART_MSR_CTS);
	wr(f, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_OUT1);
	/* DSR rose, CTS and DCD fell: their deltas, once. */
	assert_int_equal(rd(f, UART_MSR), UART_MSR_DSR | UART_MSR_RI | UART_MSR_DCTS |
					  UART_MSR_DDSR | UART_MSR_DDCD);
	assert_int_equal(rd(f, UART_MSR), UART_MSR_DSR | UART_MSR_RI);
	wr(f, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
	assert_int_equal(rd(f, UART_MSR), UART_MSR_DSR | UART_MSR_TERI);	/* RI fell */
	/* THR loops back into RBR, nothing leaves. */
	wr(f, UART_THR, 'L');
	assert_int_equal(f->s.len, 0);
	assert_int_equal(rd(f, UART_RBR), 'L');
	/* Out of loopback the lines are the idle cable's again. */
	wr(f, UART_MCR, 0);
	assert_int_equal(rd(f, UART_MSR) & 0xf0, UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
	assert_int_equal(rd(f, UART_MCR), 0);
}

static void modem_status_interrupt(void **state)
{
	struct fixture *f = *state;

	wr(f, UART_IER, UART_IER_MSI);
	assert_int_equal(f->s.level, 0);
	wr(f, UART_MCR, UART_MCR_LOOP);		/* all lines drop: deltas */
	assert_int_equal(f->s.level, 1);
	assert_int_equal(rd(f, UART_IIR), UART_IIR_MSI);
	rd(f, UART_MSR);
	assert_int_equal(f->s.level, 0);
	assert_int_equal(rd(f, UART_IIR), UART_IIR_NO_INT);
}

static void scratch_and_readonly(void **state)
{
	struct fixture *f = *state;

	wr(f, UART_SCR, 0x5a);
	assert_int_equal(rd(f, UART_SCR), 0x5a);
	wr(f, UART_LSR, 0);
	wr(f, UART_MSR, 0);
	assert_int_equal(rd(f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	wr(f, UART_IER, 0xff);
	assert_int_equal(rd(f, UART_IER), 0x0f);
	wr(f, UART_MCR, 0xff);
	assert_int_equal(rd(f, UART_MCR), 0x1f);
}

static void bad_accesses(void **state)
{
	struct fixture *f = *state;
	uint64_t v = 7;

	assert_int_equal(uart16550_read(f->u, 8, 1, &v), -EINVAL);
	assert_int_equal(v, 7);
	assert_int_equal(uart16550_read(f->u, 0, 4, &v), -EINVAL);
	assert_int_equal(uart16550_write(f->u, 0, 2, 'x'), -EINVAL);
	assert_int_equal(uart16550_write(f->u, 100, 1, 'x'), -EINVAL);
	assert_int_equal(f->s.len, 0);
}

static void create_checks(void **state)
{
	struct uart16550_config cfg = { 0 };
	struct uart16550 *u;

	assert_int_equal(uart16550_create(&cfg, &u), -EINVAL);
	cfg.out = out;
	assert_int_equal(uart16550_create(&cfg, &u), -EINVAL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(reset_state), T(transmit), T(divisor_latch), T(thre_interrupt),
		T(receive_and_priority), T(overrun), T(fifo_control), T(loopback),
		T(modem_status_interrupt), T(scratch_and_readonly), T(bad_accesses),
		cmocka_unit_test(create_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
