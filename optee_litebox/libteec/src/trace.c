/*
 * Trace helpers libteec.so.2 exports (libckteec.so.0 imports _dprintf).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "litebox.h"

#define MAX_LINE 256

static const char *const levels[] = { "", "ERR", "INF", "DBG", "FLW" };

/* One trace line on stdout: "<level> [<tid>] <prefix>:<function>:<line>: <message>",
 * or just the message when function is NULL. */
LB_EXPORT void _dprintf(const char *function, int line, int level, const char *prefix,
			const char *fmt, ...)
{
	char msg[MAX_LINE];
	int n = 0;
	va_list ap;

	if (function) {
		n = snprintf(msg, sizeof(msg), "%s [%ld] %s:%s:%d: ",
			     level >= 0 && level <= 4 ? levels[level] : "",
			     (long)syscall(SYS_gettid), prefix ? prefix : "", function, line);
		if (n < 0)
			return;
	}
	if ((size_t)n < sizeof(msg)) {
		va_start(ap, fmt);
		if (vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap) < 0)
			msg[n] = '\0';
		va_end(ap);
	}
	fputs(msg, stdout);
}

/* A hex dump of a buffer on stderr. */
LB_EXPORT void dump_buffer(const char *bname, const uint8_t *buffer, size_t blen)
{
	fprintf(stderr, "#### %s\n", bname ? bname : "");
	for (size_t i = 0; buffer && i < blen; i++)
		fprintf(stderr, "%02x%s", buffer[i], (i % 16 == 15 || i + 1 == blen) ? "\n" : " ");
}
