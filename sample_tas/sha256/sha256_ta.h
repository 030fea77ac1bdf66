/*
 * sha256 sample TA: SHA-256 computed inside the TA in plain C (no crypto
 * syscalls), for correctness and for measuring emulated compute speed.
 *
 * UUID 152ec14d-4b2c-43a2-bd82-8ac48828297d, flags 0 (multi-instance).
 *
 *   0 SHA256_CMD_DIGEST
 *       p0 MEMREF_INPUT   data (any size, may be NULL/0)
 *       p1 MEMREF_OUTPUT  digest; if size < 32: TEE_ERROR_SHORT_BUFFER with
 *                         size = 32, else 32 bytes written and size = 32
 *   1 SHA256_CMD_BENCH
 *       p0 VALUE_INPUT    a = N bytes (<= 1048576), b = repeat count
 *                         (0 counts as 1); the first N bytes of the
 *                         benchmark buffer are hashed b times
 *       p1 MEMREF_OUTPUT  digest of those N bytes (same SHORT_BUFFER rule)
 *       The buffer (1 MiB in .bss) is generated on first use; its content
 *       is defined in bench_data.h (a 32-bit LCG, easy to redo in Python).
 *   2 SHA256_CMD_PREPARE  generate the benchmark buffer now (no params), so
 *                         a benchmark can leave that out of its timing
 *   N > 1048576 or wrong types: TEE_ERROR_BAD_PARAMETERS;
 *   other commands: TEE_ERROR_NOT_SUPPORTED.
 *
 * The same computation runs natively under qemu-user as
 * sample_tas/build/sha256_bench_linux <N> [repeat] (prints the hex digest).
 */
#ifndef SHA256_TA_H
#define SHA256_TA_H

#define SHA256_TA_UUID_STR "152ec14d-4b2c-43a2-bd82-8ac48828297d"

#define SHA256_CMD_DIGEST	0
#define SHA256_CMD_BENCH	1
#define SHA256_CMD_PREPARE	2

#endif
