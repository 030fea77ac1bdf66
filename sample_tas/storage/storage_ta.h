/*
 * storage sample TA: GP trusted storage (persistent objects, data streams,
 * enumerators) driven one call at a time by the client.
 *
 * storage:      UUID 1e3672b5-a15c-4186-9fdc-55c2da04a512, flags 0
 * storage_keep: UUID c5582ee7-f0dc-42e2-b056-2f6b2ed60cf5, flags 0x800
 *               (TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT), same code
 *
 * Handles are the kernel's 32-bit object/enumerator handles, passed as
 * values. "result" is the TEE_Result of the GP call; the command itself
 * returns TEE_SUCCESS unless its parameter types are wrong
 * (TEE_ERROR_BAD_PARAMETERS) or the command is unknown (NOT_SUPPORTED).
 * Calls with results outside their GP-documented set panic the TA, as with
 * OP-TEE's libutee. Object IDs (and key bytes) are copied into TA-private
 * memory before the call, as the kernel requires for IDs; data goes to and
 * from the client's memrefs directly.
 *
 * 0 CREATE  p0 MI id, p1 VI (a flags, b storage ID), p2 MI initial data or
 *           NONE, p3 VIO in a = attributes handle (0: none), b = 1: pass a
 *           NULL object pointer; out a = result, b = handle
 * 1 OPEN    p0 MI id, p1 VI (flags, storage ID), p3 VO (result, handle)
 * 2 CLOSE   p0 VI a = handle (TEE_CloseObject)
 * 3 READ    p0 VI a = handle, p1 MO, p3 VO (result, count)
 * 4 WRITE   p0 VI a = handle, p1 MI data, p3 VO a = result
 * 5 TRUNC   p0 VI (handle, size), p3 VO a = result
 * 6 SEEK    p0 VI (handle, whence), p1 VI offset (a low, b high 32 bits of
 *           an intmax_t), p3 VO a = result
 * 7 DELETE  p0 VI a = handle, p3 VO a = result
 *           (TEE_CloseAndDeletePersistentObject1)
 * 8 RENAME  p0 VI a = handle, p1 MI new id, p3 VO a = result
 * 9 INFO    p0 VI a = handle, p1 MO >= 40 bytes (TEE_ObjectInfo: u32 type,
 *           size, max size, usage, pad, u64 dataSize, u64 dataPosition,
 *           u32 handleFlags, pad), p3 VO a = result
 * 10 ENUM_ALLOC  p3 VO (result, enumerator)
 * 11 ENUM_FREE   p0 VI a = enumerator
 * 12 ENUM_RESET  p0 VI a = enumerator
 * 13 ENUM_START  p0 VI (enumerator, storage ID), p3 VO a = result
 * 14 ENUM_NEXT   p0 VI a = enumerator, p1 MO >= 64 (id), p2 MO >= 40
 *                (TEE_ObjectInfo), p3 VO (result, id length)
 * 15 SYSCALL  p0 VI a = syscall number, p1 MI 8 x u64 arguments, p2 MIO
 *           scratch, p3 VO a = result. An argument whose top byte is 0xA1
 *           becomes the address of a TA-private copy of p2 plus its low 32
 *           bits; top byte 0xA2: p2's own (shared) buffer plus the low 32
 *           bits. The private copy goes back into p2 afterwards.
 * 16 KEY_CREATE  p0 MI id, p1 MI AES key (16/24/32 bytes), p2 VI (flags,
 *           storage ID), p3 VIO in a = usage to restrict the key to,
 *           b = 1: NULL object pointer (the key object becomes persistent);
 *           out (result, handle: of the new object, or the key object)
 * 17 GET_ATTR  p0 VI (handle, attribute ID), p1 MO, p3 VO (result, size)
 * 18 BENCH  p0 VI (operation, iterations), p1 VI (a data size, b number of
 *           objects), p2 MIO data (at least the size), p3 VO a = iterations
 *           done, b = result of the first failing call. Objects are named
 *           "bench-%u" (i modulo the number of objects), TEE_STORAGE_PRIVATE.
 *           0: create (ACCESS_READ|WRITE|WRITE_META|OVERWRITE) + write +
 *              close; 1: open (READ) + read + close; 2: open + delete
 */
#ifndef STORAGE_TA_H
#define STORAGE_TA_H

#define STORAGE_UUID_STR "1e3672b5-a15c-4186-9fdc-55c2da04a512"
#define STORAGE_KEEP_UUID_STR "c5582ee7-f0dc-42e2-b056-2f6b2ed60cf5"

#define STORAGE_CMD_CREATE	0
#define STORAGE_CMD_OPEN	1
#define STORAGE_CMD_CLOSE	2
#define STORAGE_CMD_READ	3
#define STORAGE_CMD_WRITE	4
#define STORAGE_CMD_TRUNC	5
#define STORAGE_CMD_SEEK	6
#define STORAGE_CMD_DELETE	7
#define STORAGE_CMD_RENAME	8
#define STORAGE_CMD_INFO	9
#define STORAGE_CMD_ENUM_ALLOC	10
#define STORAGE_CMD_ENUM_FREE	11
#define STORAGE_CMD_ENUM_RESET	12
#define STORAGE_CMD_ENUM_START	13
#define STORAGE_CMD_ENUM_NEXT	14
#define STORAGE_CMD_SYSCALL	15
#define STORAGE_CMD_KEY_CREATE	16
#define STORAGE_CMD_GET_ATTR	17
#define STORAGE_CMD_BENCH	18

#define STORAGE_ARG_PRIVATE	0xA1u
#define STORAGE_ARG_SHARED	0xA2u

#define STORAGE_BENCH_WRITE	0
#define STORAGE_BENCH_READ	1
#define STORAGE_BENCH_DELETE	2

#endif
