/*
 * lifecycle sample TA: one source, three TAs that differ only in flags.
 *
 *   lifecycle_keepalive  UUID 7683ebe4-9572-4d12-b4a6-8045c309bfc1
 *                        flags 0x1c SINGLE_INSTANCE|MULTI_SESSION|INSTANCE_KEEP_ALIVE
 *   lifecycle_single     UUID 2d26bc4b-18f2-4d00-836c-f1c4d506b8af
 *                        flags 0x04 SINGLE_INSTANCE (one session at a time)
 *   lifecycle_multi      UUID 6a6b5324-8f50-418c-a52f-3ee24e2e8a3e
 *                        flags 0x00 (a new instance per session)
 *
 * All counters live in the instance's .bss, so they show which instance a
 * session talks to and whether the runtime gave a new instance fresh memory.
 *
 *   0 LIFECYCLE_CMD_INC_COUNTER      p0 VALUE_OUTPUT a = instance counter
 *                                    after incrementing it
 *   1 LIFECYCLE_CMD_SESSIONS         p0 VALUE_OUTPUT a = sessions open in
 *                                    this instance, as the TA counts them
 *   2 LIFECYCLE_CMD_CREATE_COUNT     p0 VALUE_OUTPUT a = times
 *                                    TA_CreateEntryPoint ran in this
 *                                    instance (1 unless memory is reused),
 *                                    b = times TA_DestroyEntryPoint ran
 *   3 LIFECYCLE_CMD_INSTANCE_ID      p0 VALUE_OUTPUT a = random non-zero id
 *                                    drawn in TA_CreateEntryPoint,
 *                                    b = this session's serial number in
 *                                    the instance (1 for the first session)
 *   4 LIFECYCLE_CMD_SESSION_COUNTER  p0 VALUE_OUTPUT a = this session's own
 *                                    counter after incrementing it
 *   5 LIFECYCLE_CMD_STATE            everything, nothing incremented:
 *                                    p0 VALUE_OUTPUT (counter, sessions)
 *                                    p1 VALUE_OUTPUT (creates, destroys)
 *                                    p2 VALUE_OUTPUT (instance id, serial)
 *                                    p3 VALUE_OUTPUT (session counter,
 *                                                     ta_head flags)
 *   other commands: TEE_ERROR_NOT_SUPPORTED; wrong types:
 *   TEE_ERROR_BAD_PARAMETERS.
 *
 * Logs: TA_CreateEntryPoint "I/TA: lifecycle create: id=<hex>",
 * TA_DestroyEntryPoint "I/TA: lifecycle destroy: id=<hex> counter=<n>
 * sessions=<n> creates=<n>" (ids are 8 lowercase hex digits).
 */
#ifndef LIFECYCLE_TA_H
#define LIFECYCLE_TA_H

#define LIFECYCLE_KEEPALIVE_UUID_STR	"7683ebe4-9572-4d12-b4a6-8045c309bfc1"
#define LIFECYCLE_SINGLE_UUID_STR	"2d26bc4b-18f2-4d00-836c-f1c4d506b8af"
#define LIFECYCLE_MULTI_UUID_STR	"6a6b5324-8f50-418c-a52f-3ee24e2e8a3e"

#define LIFECYCLE_CMD_INC_COUNTER	0
#define LIFECYCLE_CMD_SESSIONS		1
#define LIFECYCLE_CMD_CREATE_COUNT	2
#define LIFECYCLE_CMD_INSTANCE_ID	3
#define LIFECYCLE_CMD_SESSION_COUNTER	4
#define LIFECYCLE_CMD_STATE		5

#endif
