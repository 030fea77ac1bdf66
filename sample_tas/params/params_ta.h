/*
 * params sample TA: parameter marshalling in both directions.
 *
 * UUID 0b764b85-c144-4fad-a398-f5adec3e1636, flags 0 (multi-instance).
 *
 * Checksums are 32-bit FNV-1a: h = 0x811c9dc5; for each byte:
 * h = (h ^ byte) * 0x01000193 mod 2^32.
 *
 * 0 PARAMS_CMD_ECHO: reports what arrived and changes every writable param
 *     If p3 is MEMREF_OUTPUT it receives a 136-byte report instead of the
 *     fill below (if it holds less: TEE_ERROR_SHORT_BUFFER, p3 size = 136,
 *     nothing else changed). Report, little-endian:
 *       u32 magic 0x50524D53, u32 param types as received,
 *       then for n = 0..3 a 32-byte record:
 *       u32 type, u32 value a (0 for non-values), u32 value b (0 likewise),
 *       u32 FNV-1a of the memref content for MEMREF_INPUT/INOUT (else 0),
 *       u64 buffer address as the TA sees it (0 for non-memrefs),
 *       u64 memref size as received (0 for non-memrefs).
 *     Changes, per parameter n (after the report was taken):
 *       VALUE_OUTPUT   a = 0xA0000000 + n, b = 0xB0000000 + n
 *       VALUE_INOUT    a = a + 1, b = ~b
 *       MEMREF_OUTPUT  every byte = 0xC0 + n (size unchanged; not p3 when
 *                      p3 holds the report)
 *       MEMREF_INOUT   every byte ^= 0xFF (size unchanged)
 *       inputs and NONE: untouched
 *     Open session does exactly the same with its own parameters.
 * 1 PARAMS_CMD_COPY
 *     p0 MEMREF_INPUT, p1 MEMREF_OUTPUT: copy p0 into p1, p1 size = p0 size.
 *     If p1 is smaller (including NULL/0): TEE_ERROR_SHORT_BUFFER and
 *     p1 size = p0 size.
 * 2 PARAMS_CMD_REVERSE
 *     p0 MEMREF_INOUT reversed in place. Optional p1 VALUE_INPUT: if a < the
 *     size, p0 size is set to a afterwards (the client sees the shorter size).
 * 3 PARAMS_CMD_VALUES
 *     p0 VALUE_INPUT (x, y)
 *     p1 VALUE_OUTPUT a = x + y, b = x * y (mod 2^32)
 *     p2 VALUE_OUTPUT a = 0xFFFFFFFF, b = 0
 *     p3 VALUE_OUTPUT a = 0x80000000, b = 0x7FFFFFFF
 * 4 PARAMS_CMD_NULL_MEMREF
 *     p0 any MEMREF, p1 VALUE_OUTPUT a = 1 if p0's buffer is NULL else 0,
 *     b = p0 size (low 32 bits)
 * 5 PARAMS_CMD_CHECKSUM
 *     p0 MEMREF_INPUT, p1 VALUE_OUTPUT a = FNV-1a of p0, b = p0 size (low 32)
 * Wrong types: TEE_ERROR_BAD_PARAMETERS; unknown: TEE_ERROR_NOT_SUPPORTED.
 */
#ifndef PARAMS_TA_H
#define PARAMS_TA_H

#define PARAMS_UUID_STR "0b764b85-c144-4fad-a398-f5adec3e1636"

#define PARAMS_CMD_ECHO		0
#define PARAMS_CMD_COPY		1
#define PARAMS_CMD_REVERSE	2
#define PARAMS_CMD_VALUES	3
#define PARAMS_CMD_NULL_MEMREF	4
#define PARAMS_CMD_CHECKSUM	5

#define PARAMS_REPORT_MAGIC	0x50524D53u
#define PARAMS_REPORT_SIZE	136

#endif
