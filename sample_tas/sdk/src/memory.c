/* GP memory helpers. */
#include "sdk_private.h"
#include <sdk/libc.h>

void TEE_MemMove(void *dest, const void *src, size_t size)
{
	memmove(dest, src, size);
}

void TEE_MemFill(void *buffer, uint32_t x, size_t size)
{
	memset(buffer, (int)(x & 0xFF), size);
}

int32_t TEE_MemCompare(const void *buffer1, const void *buffer2, size_t size)
{
	const uint8_t *a = buffer1;
	const uint8_t *b = buffer2;
	int32_t result = 0;
	size_t n;

	/* Visit every byte; remember only the first difference. */
	for (n = 0; n < size; n++) {
		int32_t d = (int32_t)a[n] - (int32_t)b[n];
		int32_t undecided = (result == 0);	/* 1 or 0 */

		result += d * undecided;
	}
	return result < 0 ? -1 : result > 0 ? 1 : 0;
}
