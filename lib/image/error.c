// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>

#include "lib/image/error.h"

int img_fail(struct img_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -errnum;
}
