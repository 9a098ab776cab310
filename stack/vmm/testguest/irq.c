// SPDX-License-Identifier: MIT
/*
 * The test guest's interrupt-driven output (bootargs testguest.irq=uart): instead of
 * polling LSR, it enables the 16550's THR-empty interrupt and writes one byte of a
 * message per interrupt, from the IRQ handler, while the boot CPU sleeps in WFI. This
 * proves the whole path: the UART line in the DT, the guest's GIC, the VMM raising and
 * lowering the line (HYP_HOST_SET_IRQ) as IIR reads consume THRE and THR writes raise
 * it again, and the guest's exception vector.
 *
 * The count of interrupts is exact on every backend: one per byte written, plus the
 * last one, which finds nothing left to send and disables the interrupt.
 *
 * It also holds the guest's IRQ dispatch (guest_irq: acknowledge, call the handler
 * registered for the INTID, end), which virtio_irq.c uses too.
 */
#include "stack/vmm/testguest/guest.h"

#define THR		0
#define IER		1
#define IIR		2
#define IER_THRI	0x02
#define IIR_ID_MASK	0x0f
#define IIR_THRI	0x02
#define SPURIOUS	1023u

static const char message[] = "testguest: this line was sent from the UART's interrupt "
			      "handler, one byte per THR-empty interrupt\n";

#define MAX_HANDLERS	4

/* Who handles which INTID (irq_register), and what arrived that nobody handles. */
static struct {
	uint32_t intid;
	void (*fn)(void);
} handlers[MAX_HANDLERS];
static unsigned nr_handlers;
static volatile unsigned other_irqs, spurious_irqs;

/* The UART demo's state, shared with its handler. */
static volatile struct {
	uint64_t uart;
	const char *next;		/* the next byte to send */
	bool done;
	unsigned irqs;
} tx;

void guest_irq(void);

void irq_register(uint32_t intid, void (*fn)(void))
{
	if (nr_handlers < MAX_HANDLERS)
		handlers[nr_handlers++] = (typeof(handlers[0])){ intid, fn };
}

void irq_counts(unsigned *other, unsigned *spurious)
{
	*other = other_irqs;
	*spurious = spurious_irqs;
}

/* Called by start.S's IRQ vector: acknowledge, dispatch, end the interrupt. */
void guest_irq(void)
{
	uint32_t intid = gic_ack();
	unsigned i;

	if (intid == SPURIOUS) {
		spurious_irqs++;
		return;
	}
	for (i = 0; i < nr_handlers && handlers[i].intid != intid; i++)
		;
	if (i < nr_handlers)
		handlers[i].fn();
	else
		other_irqs++;
	gic_eoi(intid);
}

static void uart_irq(void)
{
	volatile uint8_t *u = (volatile uint8_t *)tx.uart;

	tx.irqs++;
	/* Reading IIR consumes THRE: the VMM lowers the line unless something else is
	 * pending; writing THR sends the byte and raises THRE again. */
	if ((u[IIR] & IIR_ID_MASK) != IIR_THRI || tx.done)
		return;
	if (*tx.next) {
		u[THR] = (uint8_t)*tx.next++;
	} else {
		u[IER] = 0;
		tx.done = true;
	}
}

/* The UART's INTID from its DT "interrupts" (GIC binding: SPI, number, flags). */
static bool uart_intid(const void *fdt, uint32_t *intid)
{
	uint32_t len;
	const uint8_t *p = fdt_root_prop(fdt, "uart", "interrupts", &len);

	if (!p || len != 12 || fdt_be32(p) != 0)
		return false;
	*intid = 32 + fdt_be32(p + 4);
	return true;
}

/* Print "testguest: irq: N interrupts on INTID I for W, O other, S spurious". */
void irq_report(unsigned irqs, uint32_t intid, unsigned n, const char *what)
{
	unsigned other, spurious;

	irq_counts(&other, &spurious);
	uart_puts("testguest: irq: ");
	uart_putdec(irqs);
	uart_puts(" interrupts on INTID ");
	uart_putdec(intid);
	uart_puts(" for ");
	uart_putdec(n);
	uart_puts(what);
	uart_putdec(other);
	uart_puts(" other, ");
	uart_putdec(spurious);
	uart_puts(" spurious\n");
}

void irq_demo_uart(const void *fdt, uint64_t uart)
{
	uint32_t intid;

	if (!uart_intid(fdt, &intid)) {
		uart_puts("testguest: irq: the UART has no SPI in the DT\n");
		return;
	}
	if (!gic_init(fdt)) {
		uart_puts("testguest: irq: no GICv3 in the DT\n");
		return;
	}
	uart_puts("testguest: irq: UART on INTID ");
	uart_putdec(intid);
	uart_puts(", GIC ready\n");
	tx.uart = uart;
	tx.next = message;
	irq_register(intid, uart_irq);
	gic_enable_spi(intid);
	__asm__ volatile("msr daifclr, #2" ::: "memory");	/* IRQs on */
	((volatile uint8_t *)uart)[IER] = IER_THRI;
	while (!tx.done)
		__asm__ volatile("wfi" ::: "memory");
	__asm__ volatile("msr daifset, #2" ::: "memory");
	gic_disable_spi(intid);
	irq_report(tx.irqs, intid, sizeof(message) - 1, " bytes, ");
}
