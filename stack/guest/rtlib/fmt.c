// SPDX-License-Identifier: Apache-2.0
/* A small vsnprintf for the runtime's log (rtlib.h). */
#include "stack/guest/rtlib/rtlib.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	bool left, zero, alt;
	unsigned width;
};

static void put_padded(struct out *o, const char *s, size_t n, const struct spec *sp)
{
	size_t pad = sp->width > n ? sp->width - n : 0;

	if (!sp->left)
		for (size_t i = 0; i < pad; i++)
			put(o, sp->zero ? '0' : ' ');
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		for (size_t i = 0; i < pad; i++)
			put(o, ' ');
}

static void put_number(struct out *o, uint64_t v, bool negative, unsigned base, bool upper,
		       const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int i = (int)sizeof(tmp);
	struct spec s = *sp;

	bool prefix = s.alt && base == 16 && v;

	do {
		tmp[--i] = digits[v % base];
		v /= base;
	} while (v);
	if (prefix && s.zero && s.width > 2) {	/* "0x" goes before the zeros */
		put(o, '0');
		put(o, upper ? 'X' : 'x');
		s.width -= 2;
	} else if (prefix) {
		tmp[--i] = upper ? 'X' : 'x';
		tmp[--i] = '0';
	}
	if (negative) {
		if (s.zero && s.width) {	/* the sign goes before the zeros */
			put(o, '-');
			s.width--;
		} else {
			tmp[--i] = '-';
		}
	}
	put_padded(o, tmp + i, sizeof(tmp) - (size_t)i, &s);
}

/* The argument of an integer conversion with @lmod 'l' count (0, 1, 2) or 'z' (3). */
static uint64_t get_unsigned(va_list *ap, int lmod)
{
	switch (lmod) {
	case 0: return va_arg(*ap, unsigned int);
	case 1: return va_arg(*ap, unsigned long);
	case 3: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned long long);
	}
}

static int64_t get_signed(va_list *ap, int lmod)
{
	switch (lmod) {
	case 0: return va_arg(*ap, int);
	case 1: return va_arg(*ap, long);
	case 3: return (int64_t)va_arg(*ap, size_t);
	default: return va_arg(*ap, long long);
	}
}

/* One conversion at *@f (just past '%'); advances *@f. */
static void convert(struct out *o, const char **f, va_list *ap)
{
	struct spec sp = { 0 };
	const char *p = *f, *s;
	int lmod = 0;
	int64_t sv;

	for (;; p++) {
		if (*p == '-')
			sp.left = true;
		else if (*p == '0')
			sp.zero = true;
		else if (*p == '#')
			sp.alt = true;
		else
			break;
	}
	while (*p >= '0' && *p <= '9' && sp.width < 1000)
		sp.width = sp.width * 10 + (unsigned)(*p++ - '0');
	if (*p == 'z')
		lmod = 3, p++;
	while (*p == 'l' && lmod < 2)
		lmod++, p++;
	switch (*p) {
	case 's':
		s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		{
			size_t n = 0;

			while (s[n])
				n++;
			sp.zero = false;
			put_padded(o, s, n, &sp);
		}
		break;
	case 'c':
		put(o, (char)va_arg(*ap, int));
		break;
	case 'd':
	case 'i':
		sv = get_signed(ap, lmod);
		put_number(o, sv < 0 ? 0 - (uint64_t)sv : (uint64_t)sv, sv < 0, 10, false, &sp);
		break;
	case 'u':
		put_number(o, get_unsigned(ap, lmod), false, 10, false, &sp);
		break;
	case 'x':
	case 'X':
		put_number(o, get_unsigned(ap, lmod), false, 16, *p == 'X', &sp);
		break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		sp = (struct spec){ .zero = true, .width = 16 };
		put_number(o, (uint64_t)(uintptr_t)va_arg(*ap, void *), false, 16, false, &sp);
		break;
	case '%':
		put(o, '%');
		break;
	default:	/* unknown: copy the spec as text, consume nothing */
		put(o, '%');
		for (const char *q = *f; q <= p && *q; q++)
			put(o, *q);
		if (!*p)
			p--;
		break;
	}
	*f = p + 1;
}

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		convert(&o, &fmt, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
