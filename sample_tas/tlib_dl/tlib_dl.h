/*
 * tlib_dl: a TA shared library that TAs load at run time with dlopen().
 *
 * UUID b51542c3-a5e2-46c7-9811-057ab8963286 (also its DT_SONAME)
 * DT_NEEDED: tlib (2c18a0b8-5f1d-465b-b83a-5db27ff7800d), so dlopen maps
 * tlib too unless the TA has it already.
 */
#ifndef TLIB_DL_H
#define TLIB_DL_H

#include <stdint.h>

#define TLIB_DL_UUID_STR "b51542c3-a5e2-46c7-9811-057ab8963286"

/* x * 3 + tlib_version(): a call into another library. */
uint32_t tlib_dl_scale(uint32_t x);
/* tlib_count(): the same counter the TA's own calls to tlib_count() move. */
uint32_t tlib_dl_count(void);

#endif
