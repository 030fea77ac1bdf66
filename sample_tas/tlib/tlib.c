/* tlib (see tlib.h): plain functions and one global, no SDK calls. */
#include "tlib.h"

uint32_t tlib_counter;

uint32_t tlib_checksum(const uint8_t *p, size_t len)
{
	uint32_t h = 0x811c9dc5u;

	while (len--)
		h = (h ^ *p++) * 0x01000193u;
	return h;
}

uint32_t tlib_count(void)
{
	return ++tlib_counter;
}

uint32_t tlib_version(void)
{
	return TLIB_VERSION;
}
