/* tlib_dl (see tlib_dl.h). */
#include "tlib_dl.h"
#include "../tlib/tlib.h"

uint32_t tlib_dl_scale(uint32_t x)
{
	return x * 3 + tlib_version();
}

uint32_t tlib_dl_count(void)
{
	return tlib_count();
}
