/*
 * The benchmark input: BENCH_DATA_SIZE bytes from a 32-bit linear
 * congruential generator, identical in the TA and on the host.
 *
 *   s = 0x12345678
 *   for each byte: s = s * 1664525 + 1013904223 (mod 2^32); byte = s >> 24
 *
 * In Python:  s = 0x12345678; out = bytearray()
 *             for _ in range(n): s = (s * 1664525 + 1013904223) & 0xFFFFFFFF; out.append(s >> 24)
 */
#ifndef SAMPLE_BENCH_DATA_H
#define SAMPLE_BENCH_DATA_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_DATA_SIZE (1024 * 1024)
#define BENCH_DATA_SEED 0x12345678u

static inline void bench_data_fill(uint8_t *buf, size_t len)
{
	uint32_t s = BENCH_DATA_SEED;
	size_t i;

	for (i = 0; i < len; i++) {
		s = s * 1664525u + 1013904223u;
		buf[i] = (uint8_t)(s >> 24);
	}
}

#endif
