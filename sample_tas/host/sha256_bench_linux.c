/*
 * The sha256 TA's benchmark command as a static AArch64 Linux program, for
 * a baseline under qemu-user:
 *
 *   qemu-aarch64 sample_tas/build/sha256_bench_linux <bytes> [repeat]
 *
 * Hashes the first <bytes> of the same generated buffer <repeat> times
 * (default 1) and prints the digest in hex.
 */
#include <stdio.h>
#include <stdlib.h>
#include "bench_data.h"
#include "sha256.h"

static uint8_t bench_data[BENCH_DATA_SIZE];

int main(int argc, char **argv)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	unsigned long len;
	unsigned long rounds = 1;
	unsigned long i;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s <bytes<=%d> [repeat]\n", argv[0],
			BENCH_DATA_SIZE);
		return 2;
	}
	len = strtoul(argv[1], NULL, 0);
	if (argc == 3)
		rounds = strtoul(argv[2], NULL, 0);
	if (len > BENCH_DATA_SIZE || rounds == 0) {
		fprintf(stderr, "bytes must be <= %d and repeat >= 1\n",
			BENCH_DATA_SIZE);
		return 2;
	}

	bench_data_fill(bench_data, sizeof(bench_data));
	for (i = 0; i < rounds; i++)
		sha256_digest(bench_data, len, digest);

	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		printf("%02x", digest[i]);
	printf("\n");
	return 0;
}
