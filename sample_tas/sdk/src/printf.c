/*
 * A small printf formatter for TA log lines and for building reply text.
 * Supported: %d %i %u %x %X %o %c %s %p %% with flags '-' and '0', a field
 * width (or '*'), a precision for strings and integers (or '.*'), and the
 * length modifiers hh h l ll z t j. Anything else is copied literally.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sdk/trace.h>
#include <sdk/libc.h>

struct out {
	char *buf;
	size_t size;	/* capacity including the NUL */
	size_t len;	/* characters produced so far, even past size */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int count)
{
	while (count-- > 0)
		put(o, c);
}

struct spec {
	bool left;
	bool zero;
	int width;
	int precision;	/* -1: none */
};

static void put_field(struct out *o, const struct spec *sp, const char *prefix,
		      const char *digits, size_t ndigits)
{
	size_t nprefix = strlen(prefix);
	int zeros = 0;
	int fill;

	if (sp->precision >= 0 && (size_t)sp->precision > ndigits)
		zeros = sp->precision - (int)ndigits;
	fill = sp->width - (int)(nprefix + ndigits) - zeros;

	if (!sp->left && !(sp->zero && sp->precision < 0))
		pad(o, ' ', fill);
	while (*prefix)
		put(o, *prefix++);
	if (!sp->left && sp->zero && sp->precision < 0)
		pad(o, '0', fill);
	pad(o, '0', zeros);
	while (ndigits--)
		put(o, *digits++);
	if (sp->left)
		pad(o, ' ', fill);
}

static void put_number(struct out *o, const struct spec *sp, uint64_t v,
		       bool negative, unsigned int base, bool upper,
		       const char *prefix)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = sizeof(tmp);

	if (v == 0 && sp->precision != 0)
		tmp[--n] = '0';
	while (v) {
		tmp[--n] = set[v % base];
		v /= base;
	}
	put_field(o, sp, negative ? "-" : prefix, tmp + n, sizeof(tmp) - n);
}

int sdk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };

	while (*fmt) {
		struct spec sp = { .precision = -1 };
		int lmod = 0;	/* -2 hh, -1 h, 0 int, 1 long, 2 long long */
		const char *start = fmt;
		uint64_t u = 0;
		int64_t s = 0;
		char c;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.precision = 0;
			if (*fmt == '*') {
				sp.precision = va_arg(ap, int);
				if (sp.precision < 0)
					sp.precision = -1;
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.precision = sp.precision * 10 +
						       (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'h')
				lmod--;
			else if (*fmt == 'l')
				lmod++;
			else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j')
				lmod = 1;	/* all 64-bit on LP64 */
			else
				break;
		}

		c = *fmt;
		if (c)
			fmt++;
		switch (c) {
		case 'd':
		case 'i':
			if (lmod >= 1)
				s = va_arg(ap, long);
			else
				s = va_arg(ap, int);
			if (lmod == -1)
				s = (short)s;
			else if (lmod <= -2)
				s = (signed char)s;
			u = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
			put_number(&o, &sp, u, s < 0, 10, false, "");
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lmod >= 1)
				u = va_arg(ap, unsigned long);
			else
				u = va_arg(ap, unsigned int);
			if (lmod == -1)
				u = (unsigned short)u;
			else if (lmod <= -2)
				u = (unsigned char)u;
			put_number(&o, &sp, u, false,
				   c == 'u' ? 10 : c == 'o' ? 8 : 16,
				   c == 'X', "");
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			put_number(&o, &sp, u, false, 16, false, "0x");
			break;
		case 'c': {
			char ch = (char)va_arg(ap, int);

			sp.precision = -1;
			sp.zero = false;
			put_field(&o, &sp, "", &ch, 1);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			size_t n;

			if (!str)
				str = "(null)";
			n = sp.precision >= 0 ?
			    strnlen(str, (size_t)sp.precision) : strlen(str);
			sp.precision = -1;
			sp.zero = false;
			put_field(&o, &sp, "", str, n);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			/* Unknown conversion: emit it as written. */
			while (start < fmt)
				put(&o, *start++);
			break;
		}
	}

	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int sdk_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = sdk_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
