/*
 * Shared parts of teec_check (see teec_check.c): sample TA UUIDs and commands (from
 * sample_tas/<name>/<name>_ta.h), and the checking macros.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef TEEC_CHECK_H
#define TEEC_CHECK_H

#include <stdint.h>
#include <stdio.h>

#include <tee_client_api.h>

#define HELLO_UUID { 0x2a9145a6, 0xce70, 0x417f, { 0x93, 0xab, 0xfd, 0x61, 0xd7, 0xf9, 0x91, 0x12 } }
#define PARAMS_UUID { 0x0b764b85, 0xc144, 0x4fad, { 0xa3, 0x98, 0xf5, 0xad, 0xec, 0x3e, 0x16, 0x36 } }
#define SYSCALLS_UUID { 0x11dd3ede, 0xb085, 0x4343, { 0xa5, 0x7d, 0x5f, 0xbd, 0xe9, 0x1c, 0x16, 0x8b } }
#define PANIC_UUID { 0xe18aa75e, 0xcfa6, 0x4a97, { 0xa2, 0x84, 0x61, 0x22, 0x17, 0x4f, 0xb2, 0x49 } }
#define PANIC_CREATE_UUID { 0x785e82e7, 0xc1e9, 0x4616, { 0xb2, 0x8d, 0xf7, 0x54, 0x2d, 0x09, 0x20, 0xa0 } }
#define SHA256_UUID { 0x152ec14d, 0x4b2c, 0x43a2, { 0xbd, 0x82, 0x8a, 0xc4, 0x88, 0x28, 0x29, 0x7d } }
#define SINGLE_UUID { 0x2d26bc4b, 0x18f2, 0x4d00, { 0x83, 0x6c, 0xf1, 0xc4, 0xd5, 0x06, 0xb8, 0xaf } }
#define KEEPALIVE_UUID { 0x7683ebe4, 0x9572, 0x4d12, { 0xb4, 0xa6, 0x80, 0x45, 0xc3, 0x09, 0xbf, 0xc1 } }
#define FAULT_UUID { 0xe274a2e5, 0x8c6d, 0x4e04, { 0x80, 0x50, 0x19, 0xfb, 0x48, 0x52, 0xce, 0x73 } }
#define MISSING_UUID { 0x12345678, 0x9abc, 0xdef0, { 1, 2, 3, 4, 5, 6, 7, 8 } }

#define PARAMS_CMD_ECHO		0
#define PARAMS_CMD_COPY		1
#define PARAMS_CMD_REVERSE	2
#define PARAMS_CMD_VALUES	3
#define PARAMS_CMD_NULL_MEMREF	4
#define PARAMS_CMD_CHECKSUM	5
#define PARAMS_REPORT_SIZE	136
#define SYSCALLS_CMD_GET_PROPERTY	0
#define SYSCALLS_CMD_WAIT		6
#define SYSCALLS_AS_IDENTITY		3
#define SYSCALLS_PROPSET_CLIENT		0xFFFFFFFEu
#define PANIC_CMD_PANIC		0
#define PANIC_CMD_PING		3
#define SHA256_CMD_BENCH	1
#define FAULT_CMD_NULL_READ	0
#define FAULT_CMD_UDF		4
#define FAULT_CMD_NO_FAULT	12
#define LIFECYCLE_CMD_INC_COUNTER	0
#define LIFECYCLE_CMD_SESSIONS		1

extern int failures;
extern TEEC_Context ctx;

#define CHECK(cond, ...)                                                          \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__,    \
				__LINE__, #cond);                                 \
			fprintf(stderr, __VA_ARGS__);                             \
			fputc('\n', stderr);                                      \
			failures++;                                               \
		}                                                                 \
	} while (0)

#define EXPECT(res, origin, want_res, want_origin)                                        \
	CHECK((res) == (want_res) && (origin) == (want_origin),                             \
	      "got 0x%08x origin %u, want 0x%08x origin %u", (unsigned)(res),               \
	      (unsigned)(origin), (unsigned)(want_res), (unsigned)(want_origin))

TEEC_Session open_ok(const TEEC_UUID *uuid);
uint32_t fnv1a(const void *buf, size_t len);
double now_s(void);

void scenario_errors(void);
void scenario_login(void);
void scenario_cancel(void);
void scenario_runaway(void);
void scenario_lifecycle(void);
void scenario_threads(void);

#endif
