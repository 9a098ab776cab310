// SPDX-License-Identifier: MIT
/* PL011 UART register behaviour (sim/board/pl011.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/board/pl011.h"

struct fixture {
	struct pl011 u;
	FILE *out;
	char *text;
	size_t len;
	unsigned irq_calls;
	bool irq_level;
};

static void record_irq(void *opaque, bool level)
{
	struct fixture *f = opaque;

	f->irq_calls++;
	f->irq_level = level;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->out = open_memstream(&f->text, &f->len);
	if (!f->out)
		return -1;
	pl011_init(&f->u, f->out, record_irq, f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	fclose(f->out);
	free(f->text);
	free(f);
	return 0;
}

static uint64_t rd(struct fixture *f, uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(pl011_mmio_read(&f->u, off, size, &v), 0);
	return v;
}

static void wr(struct fixture *f, uint64_t off, unsigned size, uint64_t v)
{
	assert_int_equal(pl011_mmio_write(&f->u, off, size, v), 0);
}

static void reset_values(void **state)
{
	struct fixture *f = *state;

	/* Transmit FIFO empty, receive FIFO empty; never busy or full. */
	assert_int_equal(rd(f, PL011_FR, 4), PL011_FR_TXFE | PL011_FR_RXFE);
	assert_int_equal(rd(f, PL011_CR, 4), 0x300);
	assert_int_equal(rd(f, PL011_IFLS, 4), 0x12);
	assert_int_equal(rd(f, PL011_IMSC, 4), 0);
	assert_int_equal(rd(f, PL011_RIS, 4), 0);
	assert_int_equal(rd(f, PL011_MIS, 4), 0);
	assert_int_equal(rd(f, PL011_LCR_H, 4), 0);
	assert_int_equal(rd(f, PL011_IBRD, 4), 0);
	assert_int_equal(rd(f, PL011_RSR, 4), 0);
	assert_int_equal(f->irq_calls, 0);
}

static void primecell_ids(void **state)
{
	static const uint8_t ids[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	struct fixture *f = *state;

	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rd(f, PL011_PERIPHID0 + 4 * i, 4), ids[i]);
}

static void transmit(void **state)
{
	struct fixture *f = *state;

	wr(f, PL011_DR, 4, 'h');
	wr(f, PL011_DR, 1, 'i');		/* strb, as bare-metal code does */
	wr(f, PL011_DR, 4, 0x100 | '\n');	/* bits above 7 are not data */
	fflush(f->out);
	assert_int_equal(f->len, 3);
	assert_memory_equal(f->text, "hi\n", 3);
	assert_int_equal(f->u.bytes_out, 3);
	/* Empty receive FIFO: DR reads 0, FR says so. */
	assert_int_equal(rd(f, PL011_DR, 4), 0);
	assert_int_equal(rd(f, PL011_FR, 4) & PL011_FR_RXFE, PL011_FR_RXFE);
	/* A byte write to DR's upper lanes is not a character. */
	wr(f, PL011_DR + 1, 1, 'x');
	fflush(f->out);
	assert_int_equal(f->len, 3);
}

/* Output goes out whatever CR says, as on QEMU. */
static void transmit_while_disabled(void **state)
{
	struct fixture *f = *state;

	wr(f, PL011_CR, 4, 0);
	wr(f, PL011_DR, 4, 'z');
	fflush(f->out);
	assert_int_equal(f->len, 1);
}

static void tx_interrupt(void **state)
{
	struct fixture *f = *state;

	wr(f, PL011_DR, 4, 'a');
	assert_int_equal(rd(f, PL011_RIS, 4), PL011_INT_TX);
	assert_int_equal(rd(f, PL011_MIS, 4), 0);
	assert_int_equal(f->irq_calls, 0);	/* masked: the line stays low */
	wr(f, PL011_IMSC, 4, PL011_INT_TX | PL011_INT_RX);
	assert_int_equal(rd(f, PL011_MIS, 4), PL011_INT_TX);
	assert_int_equal(f->irq_calls, 1);
	assert_true(f->irq_level);
	/* Clearing an interrupt that is not raised changes nothing. */
	wr(f, PL011_ICR, 4, PL011_INT_RX);
	assert_int_equal(f->irq_calls, 1);
	wr(f, PL011_ICR, 4, PL011_INT_TX);
	assert_int_equal(rd(f, PL011_RIS, 4), 0);
	assert_int_equal(f->irq_calls, 2);
	assert_false(f->irq_level);
	/* The next character raises it again. */
	wr(f, PL011_DR, 1, 'b');
	assert_int_equal(f->irq_calls, 3);
	assert_true(f->irq_level);
	/* ICR is write-only and reads 0; RIS/MIS ignore writes. */
	assert_int_equal(rd(f, PL011_ICR, 4), 0);
	wr(f, PL011_RIS, 4, 0);
	assert_int_equal(rd(f, PL011_RIS, 4), PL011_INT_TX);
	/* Masking lowers the line. */
	wr(f, PL011_IMSC, 4, 0);
	assert_false(f->irq_level);
	assert_int_equal(f->irq_calls, 4);
}

static void storage_registers(void **state)
{
	struct fixture *f = *state;

	wr(f, PL011_IBRD, 4, 0xffffffff);
	assert_int_equal(rd(f, PL011_IBRD, 4), 0xffff);
	wr(f, PL011_FBRD, 4, 0xff);
	assert_int_equal(rd(f, PL011_FBRD, 4), 0x3f);
	wr(f, PL011_LCR_H, 4, 0x70);
	assert_int_equal(rd(f, PL011_LCR_H, 4), 0x70);
	wr(f, PL011_CR, 4, 0x301);
	assert_int_equal(rd(f, PL011_CR, 4), 0x301);
	wr(f, PL011_IFLS, 4, 0xff);
	assert_int_equal(rd(f, PL011_IFLS, 4), 0x3f);
	wr(f, PL011_IMSC, 4, 0xffffffff);
	assert_int_equal(rd(f, PL011_IMSC, 4), 0x7ff);
	/* FR is read-only. */
	wr(f, PL011_FR, 4, 0);
	assert_int_equal(rd(f, PL011_FR, 4), PL011_FR_TXFE | PL011_FR_RXFE);
	/* Unused offsets read 0 and ignore writes. */
	wr(f, 0x100, 4, 0x55);
	assert_int_equal(rd(f, 0x100, 4), 0);
}

static void byte_lanes_and_wide(void **state)
{
	struct fixture *f = *state;

	wr(f, PL011_CR, 4, 0x0301);
	assert_int_equal(rd(f, PL011_CR, 1), 0x01);
	assert_int_equal(rd(f, PL011_CR + 1, 1), 0x03);
	assert_int_equal(rd(f, PL011_CR, 2), 0x0301);
	assert_int_equal(rd(f, PL011_CR + 2, 2), 0);
	/* A byte write merges into the register. */
	wr(f, PL011_CR + 1, 1, 0x01);
	assert_int_equal(rd(f, PL011_CR, 4), 0x0101);
	/* 8 bytes: two registers, low one first. */
	wr(f, PL011_IBRD, 8, 0x0000001500000027ull);
	assert_int_equal(rd(f, PL011_IBRD, 4), 0x27);
	assert_int_equal(rd(f, PL011_FBRD, 4), 0x15);
	assert_int_equal(rd(f, PL011_FR, 8),
			 (uint64_t)(PL011_FR_TXFE | PL011_FR_RXFE));
}

static void refused_accesses(void **state)
{
	struct fixture *f = *state;
	uint64_t v;

	assert_int_equal(pl011_mmio_read(&f->u, PL011_FR, 3, &v), -1);
	assert_int_equal(pl011_mmio_read(&f->u, PL011_FR + 2, 4, &v), -1);
	assert_int_equal(pl011_mmio_write(&f->u, PL011_CR + 3, 2, 0), -1);
	assert_int_equal(pl011_mmio_read(&f->u, PL011_FR + 4, 8, &v), 0);
	assert_int_equal(pl011_mmio_read(&f->u, PL011_FR + 2, 8, &v), -1);
	/* DMA is not modelled: enabling it is refused, disabling it is fine. */
	assert_int_equal(pl011_mmio_write(&f->u, PL011_DMACR, 4, 1), -1);
	assert_int_equal(pl011_mmio_write(&f->u, PL011_DMACR, 4, 4), 0);
	assert_int_equal(rd(f, PL011_DMACR, 4), 4);
}

/* A console that cannot be written remembers the first error and stops counting. */
static void output_error(void **state)
{
	struct pl011 u;
	FILE *ro = fopen("/dev/null", "r");

	assert_non_null(ro);
	pl011_init(&u, ro, NULL, NULL);
	assert_int_equal(pl011_mmio_write(&u, PL011_DR, 4, 'x'), 0);
	assert_int_not_equal(u.out_error, 0);
	assert_int_equal(u.bytes_out, 0);
	fclose(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reset_values, setup, teardown),
		cmocka_unit_test_setup_teardown(primecell_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(transmit, setup, teardown),
		cmocka_unit_test_setup_teardown(transmit_while_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(tx_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(storage_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(byte_lanes_and_wide, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_accesses, setup, teardown),
		cmocka_unit_test(output_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
