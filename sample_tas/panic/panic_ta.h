/*
 * panic sample TA, built twice from this directory:
 *
 *   panic         UUID e18aa75e-cfa6-4a97-a284-6122174fb249, flags 0
 *   panic_create  UUID 785e82e7-c1e9-4616-b28d-f7542d0920a0, flags 0:
 *                 TA_CreateEntryPoint calls TEE_Panic(PANIC_CREATE_CODE),
 *                 so every open session fails and nothing else runs.
 *
 * Open session (panic):
 *   no parameters, or p0 VALUE_INPUT with
 *     a = PANIC_OPEN_NORMAL (0)  open normally
 *     a = PANIC_OPEN_PANIC  (1)  TEE_Panic(b) inside TA_OpenSessionEntryPoint
 *     a = PANIC_OPEN_FAIL   (2)  return b (a TEE_Result) without panicking;
 *                                the instance then runs TA_DestroyEntryPoint,
 *                                which logs "I/TA: panic TA destroyed"
 *
 * Commands (panic):
 *   0 PANIC_CMD_PANIC           p0 VALUE_INPUT a = code: TEE_Panic(code)
 *   1 PANIC_CMD_PANIC_ON_CLOSE  p0 VALUE_INPUT a = code: closing this
 *                               session will TEE_Panic(code); returns
 *                               TEE_SUCCESS now
 *   2 PANIC_CMD_STACK_SMASH     overrun a stack buffer; the stack protector
 *                               check fails and the SDK panics with
 *                               TEE_ERROR_SECURITY (0xFFFF000F). Proves the
 *                               canary machinery (syscall 33 at first entry)
 *   3 PANIC_CMD_PING            p0 VALUE_OUTPUT a = PANIC_PING_MAGIC
 *   other: TEE_ERROR_NOT_SUPPORTED
 */
#ifndef PANIC_TA_H
#define PANIC_TA_H

#define PANIC_UUID_STR		"e18aa75e-cfa6-4a97-a284-6122174fb249"
#define PANIC_CREATE_UUID_STR	"785e82e7-c1e9-4616-b28d-f7542d0920a0"

#define PANIC_OPEN_NORMAL	0
#define PANIC_OPEN_PANIC	1
#define PANIC_OPEN_FAIL		2

#define PANIC_CMD_PANIC		0
#define PANIC_CMD_PANIC_ON_CLOSE 1
#define PANIC_CMD_STACK_SMASH	2
#define PANIC_CMD_PING		3

#define PANIC_CREATE_CODE	0x0C4EA7E0u
#define PANIC_PING_MAGIC	0x9196u

#endif
