/*
 * tlib: a TA shared library (no ta_head), signed as a .ta like a TA and found
 * by the UUID that TAs name in DT_NEEDED.
 *
 * UUID 2c18a0b8-5f1d-465b-b83a-5db27ff7800d (also its DT_SONAME)
 *
 * tlib_dl (tlib_dl.h) needs it; tlib_user links against it.
 */
#ifndef TLIB_H
#define TLIB_H

#include <stddef.h>
#include <stdint.h>

#define TLIB_UUID_STR "2c18a0b8-5f1d-465b-b83a-5db27ff7800d"
#define TLIB_VERSION 0x0102u

/* FNV-1a of p[0..len). */
uint32_t tlib_checksum(const uint8_t *p, size_t len);
/* Increments the library's one counter (shared by every module) and returns it. */
uint32_t tlib_count(void);
uint32_t tlib_version(void);

#endif
