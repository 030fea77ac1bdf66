/*
 * The few C library functions the SDK and the samples need (src/libc.c).
 * The compiler may also emit calls to memcpy/memset/memmove/memcmp on its
 * own, so these must exist even in a freestanding build.
 */
#ifndef SDK_LIBC_H
#define SDK_LIBC_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
