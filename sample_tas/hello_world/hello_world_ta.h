/*
 * hello_world sample TA
 *
 * UUID 2a9145a6-ce70-417f-93ab-fd61d7f99112, flags 0 (multi-instance).
 *
 * Commands (every one logs three lines: one D/TA:, two I/TA:):
 *   0  HELLO_CMD_INC  p0 VALUE_INOUT: a += 1
 *   1  HELLO_CMD_DEC  p0 VALUE_INOUT: a -= 1
 * Any other parameter types: TEE_ERROR_BAD_PARAMETERS. Other commands:
 * TEE_ERROR_BAD_PARAMETERS.
 *
 * Open session accepts any parameters and logs "I/TA: Hello from the
 * litebox hello_world TA"; close session logs "I/TA: Goodbye".
 */
#ifndef HELLO_WORLD_TA_H
#define HELLO_WORLD_TA_H

#define HELLO_WORLD_UUID_STR "2a9145a6-ce70-417f-93ab-fd61d7f99112"

#define HELLO_CMD_INC 0
#define HELLO_CMD_DEC 1

#endif
