/* One log line per message, written with syscall 1 (see sdk/trace.h). */
#include <stdarg.h>
#include <sdk/libc.h>
#include <sdk/syscall.h>
#include <sdk/trace.h>

void sdk_trace(int level, const char *func, int line, const char *fmt, ...)
{
	static const char letters[] = "?EIDF";
	char buf[SDK_TRACE_LINE_MAX];
	size_t len;
	int n;
	va_list ap;

	if (level < SDK_TRACE_ERROR || level > SDK_TRACE_FLOW)
		level = 0;

	if (func)
		n = sdk_snprintf(buf, sizeof(buf), "%c/TA: %s:%d ",
				 letters[level], func, line);
	else
		n = sdk_snprintf(buf, sizeof(buf), "%c/TA: ", letters[level]);
	len = (size_t)n < sizeof(buf) - 1 ? (size_t)n : sizeof(buf) - 1;

	va_start(ap, fmt);
	n = sdk_vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	va_end(ap);
	len += (size_t)n;
	/* Leave room for the newline; the NUL is never sent. */
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;

	/* Exactly one trailing newline, whatever the format ended with. */
	while (len && buf[len - 1] == '\n')
		len--;
	buf[len++] = '\n';

	sys_log(buf, len);
}
