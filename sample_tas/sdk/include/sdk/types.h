/*
 * GlobalPlatform scalar and structure types.
 *
 * Layouts are fixed by the GP TEE Internal Core API and by the OP-TEE
 * syscall ABI (LP64, little-endian): the kernel side reads and writes these
 * structures directly, so field order and widths must not change.
 */
#ifndef SDK_TYPES_H
#define SDK_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t TEE_Result;

/* 16 bytes; the three leading fields are native (little) endian. */
typedef struct {
	uint32_t timeLow;
	uint16_t timeMid;
	uint16_t timeHiAndVersion;
	uint8_t clockSeqAndNode[8];
} TEE_UUID;

/* 20 bytes: a TEE_LOGIN_* value followed by the client UUID. */
typedef struct {
	uint32_t login;
	TEE_UUID uuid;
} TEE_Identity;

/* 16 bytes on LP64; which member is valid depends on the parameter type. */
typedef union {
	struct {
		void *buffer;
		size_t size;
	} memref;
	struct {
		uint32_t a;
		uint32_t b;
	} value;
} TEE_Param;

typedef struct {
	uint32_t seconds;
	uint32_t millis;
} TEE_Time;

/* Opaque handles. Property sets use the pseudo handles TEE_PROPSET_*. */
typedef struct sdk_propset *TEE_PropSetHandle;
typedef struct sdk_ta_session *TEE_TASessionHandle;

#endif
