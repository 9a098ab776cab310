// SPDX-License-Identifier: MIT
/* PL011 output and a small printf for the guest tests (see console.h). */
#include "sim/tests/lib/console.h"

#include <stdbool.h>
#include <stdint.h>

#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/smp.h"

#define UART_DR		0x00
#define UART_FR		0x18
#define UART_FR_TXFF	BIT(5)

static struct spinlock console_lock;
/* CPU index + 1 of the lock holder, 0 when free: lets a nested print on the holder pass. */
static unsigned console_owner;

static void uart_putc(char c)
{
	while (mmio_read32(VIRT_UART_BASE + UART_FR) & UART_FR_TXFF)
		;
	mmio_write32(VIRT_UART_BASE + UART_DR, (uint8_t)c);
}

/* Exclusives are only reliable on Normal memory: with the MMU off there is one CPU. */
static bool console_lock_usable(void)
{
	return read_sysreg(sctlr_el1) & SCTLR_M;
}

static bool console_acquire(void)
{
	unsigned me = this_cpu() + 1;

	if (!console_lock_usable() || READ_ONCE(console_owner) == me)
		return false;
	spin_lock(&console_lock);
	WRITE_ONCE(console_owner, me);
	return true;
}

static void console_release(bool taken)
{
	if (!taken)
		return;
	WRITE_ONCE(console_owner, 0);
	spin_unlock(&console_lock);
}

void console_putc(char c)
{
	bool taken = console_acquire();

	uart_putc(c);
	console_release(taken);
}

void console_puts(const char *s)
{
	bool taken = console_acquire();

	while (*s)
		uart_putc(*s++);
	console_release(taken);
}

/* ---- formatting core: writes through a sink ---------------------------------------- */

struct sink {
	char *buf;	/* NULL: write to the UART */
	size_t size;
	size_t len;	/* characters produced so far (may exceed size) */
};

static void sink_put(struct sink *s, char c)
{
	if (!s->buf)
		uart_putc(c);
	else if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

struct spec {
	bool zero_pad;
	bool left;
	unsigned width;
	unsigned longs;		/* number of 'l' (or 'z') modifiers */
};

static void put_padded(struct sink *s, const struct spec *sp, const char *digits,
		       size_t ndigits, const char *prefix)
{
	size_t plen = 0, total, i;

	while (prefix[plen])
		plen++;
	total = plen + ndigits;
	if (!sp->left && !sp->zero_pad)
		for (i = total; i < sp->width; i++)
			sink_put(s, ' ');
	for (i = 0; i < plen; i++)
		sink_put(s, prefix[i]);
	if (!sp->left && sp->zero_pad)
		for (i = total; i < sp->width; i++)
			sink_put(s, '0');
	for (i = 0; i < ndigits; i++)
		sink_put(s, digits[i]);
	if (sp->left)
		for (i = total; i < sp->width; i++)
			sink_put(s, ' ');
}

static void put_number(struct sink *s, const struct spec *sp, uint64_t val, unsigned base,
		       bool upper, const char *prefix)
{
	const char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = 0, i;
	char digits[24];

	do {
		tmp[n++] = alphabet[val % base];
		val /= base;
	} while (val);
	for (i = 0; i < n; i++)
		digits[i] = tmp[n - 1 - i];
	put_padded(s, sp, digits, n, prefix);
}

static const char *parse_spec(const char *f, struct spec *sp)
{
	*sp = (struct spec){ 0 };
	for (;; f++) {
		if (*f == '0')
			sp->zero_pad = true;
		else if (*f == '-')
			sp->left = true;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (unsigned)(*f++ - '0');
	while (*f == 'l' || *f == 'z') {
		sp->longs++;
		f++;
	}
	return f;
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	return sp->longs ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
}

static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	return sp->longs ? va_arg(*ap, long) : va_arg(*ap, int);
}

static void format_one(struct sink *s, char conv, const struct spec *sp, va_list *ap)
{
	int64_t sv;
	const char *str;
	size_t n;
	char c;

	switch (conv) {
	case 'd':
	case 'i':
		sv = arg_signed(sp, ap);
		put_number(s, sp, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, 10, false,
			   sv < 0 ? "-" : "");
		break;
	case 'u':
		put_number(s, sp, arg_unsigned(sp, ap), 10, false, "");
		break;
	case 'x':
	case 'X':
		put_number(s, sp, arg_unsigned(sp, ap), 16, conv == 'X', "");
		break;
	case 'p': {
		struct spec ps = { .zero_pad = true, .width = 18 };

		put_number(s, &ps, (uint64_t)va_arg(*ap, void *), 16, false, "0x");
		break;
	}
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(s, sp, &c, 1, "");
		break;
	case 's':
		str = va_arg(*ap, const char *);
		if (!str)
			str = "(null)";
		for (n = 0; str[n]; n++)
			;
		put_padded(s, &(struct spec){ .left = sp->left, .width = sp->width }, str, n, "");
		break;
	case '%':
		sink_put(s, '%');
		break;
	default:
		sink_put(s, '<');
		sink_put(s, conv ? conv : '?');
		sink_put(s, '>');
		break;
	}
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			sink_put(s, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp);
		format_one(s, *fmt, &sp, &aq);
		if (*fmt)
			fmt++;
	}
	va_end(aq);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .size = size };

	format(&s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	struct sink s = { 0 };
	bool taken = console_acquire();

	format(&s, fmt, ap);
	console_release(taken);
	return (int)s.len;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
