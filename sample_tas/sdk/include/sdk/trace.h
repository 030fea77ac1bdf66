/*
 * TA logging (src/trace.c, src/printf.c).
 *
 * Each message becomes one line written with syscall 1 (buffer, length):
 * a level letter, "/TA: ", for E/D/F messages the calling function and line,
 * then the formatted text and exactly one '\n' (counted in the length, no
 * NUL). Lines are cut at SDK_TRACE_LINE_MAX bytes including the newline.
 *
 *   IMSG("value %u", 7)  ->  "I/TA: value 7\n"
 *   DMSG("hi")           ->  "D/TA: my_function:42 hi\n"
 *
 * SDK_TRACE_LEVEL selects what is compiled in: 1 errors, 2 + info,
 * 3 + debug, 4 + flow (the default, like the OP-TEE examples).
 */
#ifndef SDK_TRACE_H
#define SDK_TRACE_H

#include <stdarg.h>
#include <stddef.h>

#ifndef SDK_TRACE_LEVEL
#define SDK_TRACE_LEVEL 4
#endif

#define SDK_TRACE_ERROR	1
#define SDK_TRACE_INFO	2
#define SDK_TRACE_DEBUG	3
#define SDK_TRACE_FLOW	4

#define SDK_TRACE_LINE_MAX 256

void sdk_trace(int level, const char *func, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* printf-style formatting into a buffer: %d %i %u %x %X %o %c %s %p %%, with
 * flags '-' '0', a width (or '*'), a precision for %s (or '.*'), and the
 * length modifiers hh h l ll z t j. Returns the untruncated length. */
int sdk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int sdk_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#if SDK_TRACE_LEVEL >= SDK_TRACE_ERROR
#define EMSG(...) sdk_trace(SDK_TRACE_ERROR, __func__, __LINE__, __VA_ARGS__)
#else
#define EMSG(...) ((void)0)
#endif
#if SDK_TRACE_LEVEL >= SDK_TRACE_INFO
#define IMSG(...) sdk_trace(SDK_TRACE_INFO, NULL, 0, __VA_ARGS__)
#else
#define IMSG(...) ((void)0)
#endif
#if SDK_TRACE_LEVEL >= SDK_TRACE_DEBUG
#define DMSG(...) sdk_trace(SDK_TRACE_DEBUG, __func__, __LINE__, __VA_ARGS__)
#else
#define DMSG(...) ((void)0)
#endif
#if SDK_TRACE_LEVEL >= SDK_TRACE_FLOW
#define FMSG(...) sdk_trace(SDK_TRACE_FLOW, __func__, __LINE__, __VA_ARGS__)
#else
#define FMSG(...) ((void)0)
#endif

#endif
