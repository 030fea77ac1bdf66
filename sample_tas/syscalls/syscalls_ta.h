/*
 * syscalls sample TA: exercises syscalls 0-4, 8-14 and 33 and reports what
 * it saw through its parameters, so a test can assert on each result.
 *
 * UUID 11dd3ede-b085-4343-a57d-5fbde91c168b, flags 0 (multi-instance).
 *
 * Property sets are named by their pseudo handle value:
 *   0xFFFFFFFF current TA, 0xFFFFFFFE current client, 0xFFFFFFFD TEE.
 * Property getters (SYSCALLS_AS_*) match the property type numbers:
 *   0 bool, 1 u32, 2 uuid, 3 identity, 4 string, 5 binary block, 6 u64.
 * Values come back in their in-memory form: bool 1 byte (0/1), u32 4 and
 * u64 8 bytes little-endian, uuid 16 bytes (TEE_UUID: timeLow, timeMid,
 * timeHiAndVersion little-endian, then clockSeqAndNode), identity 20 bytes
 * (u32 login + uuid), string with its NUL, binary block as raw bytes.
 *
 * Unless said otherwise a command returns TEE_SUCCESS and reports the
 * results of the calls it made in value outputs; wrong parameter types give
 * TEE_ERROR_BAD_PARAMETERS, unknown commands TEE_ERROR_NOT_SUPPORTED.
 *
 * 0  GET_PROPERTY: one TEE_GetPropertyAs* call
 *      p0 VALUE_INPUT   a = property set, b = getter (SYSCALLS_AS_*)
 *      p1 MEMREF_INPUT  property name (no NUL needed, at most 255 bytes)
 *      p2 MEMREF_OUTPUT value; size = bytes written on success (unchanged
 *                       otherwise); capacity for string/binary = its size
 *      p3 VALUE_OUTPUT  a = TEE_Result of the getter, b = bytes written or,
 *                       after TEE_ERROR_SHORT_BUFFER, bytes needed
 * 1  GET_PROPERTY_RAW: syscall 4 (name to index) then syscall 3 (value)
 *      p0 VALUE_INOUT   in a = property set; out a = syscall 4 result,
 *                       b = index
 *      p1 MEMREF_INPUT  name (the TA appends the NUL; name_len includes it)
 *      p2 MEMREF_OUTPUT value as the kernel wrote it, buf_len = size; size
 *                       = length the kernel reported (if syscall 3 ran)
 *      p3 VALUE_OUTPUT  a = syscall 3 result (0xFFFFFFFF if not called),
 *                       b = property type
 * 2  GET_PROPERTY_BY_INDEX: syscall 3 only, name and value by index
 *      p0 VALUE_INPUT   a = property set, b = index
 *      p1 MEMREF_OUTPUT name with NUL; size = name length the kernel reported
 *      p2 MEMREF_OUTPUT value; size = value length the kernel reported
 *      p3 VALUE_OUTPUT  a = syscall 3 result, b = property type
 * 3  ENUMERATE: walk a set with a property enumerator
 *      p0 VALUE_INPUT   a = property set
 *      p1 MEMREF_OUTPUT "name\0value-as-string\0" for each property, in
 *                       order; size = bytes used (or needed, if short)
 *      p3 VALUE_OUTPUT  a = TEE_SUCCESS or TEE_ERROR_SHORT_BUFFER,
 *                       b = number of properties
 * 4  CHECK_ACCESS: syscall 8 and TEE_CheckMemoryAccessRights on one target
 *      p0 VALUE_INPUT   a = TEE_MEMORY_ACCESS_* flags (READ 1, WRITE 2,
 *                       ANY_OWNER 4), b = target (SYSCALLS_TARGET_*)
 *      p1 any MEMREF    the buffer for SYSCALLS_TARGET_MEMREF (else NONE)
 *      p2 VALUE_INPUT   address for SYSCALLS_TARGET_ADDRESS: a = low 32
 *                       bits, b = high 32 bits (else NONE)
 *      p3 VALUE_OUTPUT  a = raw syscall 8 result,
 *                       b = TEE_CheckMemoryAccessRights result
 *    Targets, 64 bytes each unless noted:
 *      0 .rodata array   1 .data array    2 .bss array   3 stack array
 *      4 .text (16 bytes of this TA's code)
 *      5 heap block from TEE_Malloc
 *      6 the whole p1 memref
 *      7 unmapped: address 0x100 (inside the NULL page), 16 bytes
 *      8 the address in p2, 16 bytes
 *      9 unallocated heap: the last 64 bytes of the heap array
 * 5  CANCELLATION: syscalls 9, 10, 11
 *      p0 VALUE_OUTPUT  a = TEE_GetCancellationFlag() on entry,
 *                       b = raw syscall 9 result
 *      p1 VALUE_OUTPUT  a = TEE_UnmaskCancellation() (old mask, 1 = was
 *                       masked), b = TEE_GetCancellationFlag() afterwards
 *      p2 VALUE_OUTPUT  a = TEE_MaskCancellation() (old mask, 0 here),
 *                       b = TEE_MaskCancellation() again (1)
 *    Cancellation is left masked, the GP default.
 * 6  WAIT: syscall 12
 *      p0 VALUE_INPUT   a = milliseconds, b = 1 to unmask cancellation
 *                       around the wait
 *      p1 VALUE_OUTPUT  a = TEE_Wait result (TEE_SUCCESS or
 *                       TEE_ERROR_CANCEL), b = elapsed system time in ms
 * 7  GET_TIMES: syscall 13 for all three clocks
 *      p0 VALUE_OUTPUT  system time: a = seconds, b = millis
 *      p1 VALUE_OUTPUT  TA persistent time (0, 0 unless set)
 *      p2 VALUE_OUTPUT  REE time
 *      p3 VALUE_OUTPUT  a = TEE_GetTAPersistentTime result (e.g.
 *                       TEE_ERROR_TIME_NOT_SET), b = raw syscall 13 result
 *                       for the persistent clock
 * 8  SET_TA_TIME: syscall 14, then read back
 *      p0 VALUE_INPUT   a = seconds, b = millis to set
 *      p1 VALUE_OUTPUT  TEE_GetTAPersistentTime afterwards (seconds, millis)
 *      p2 VALUE_OUTPUT  a = TEE_SetTAPersistentTime result, b = get result
 * 9  RANDOM: syscall 33
 *      p0 MEMREF_OUTPUT filled with TEE_GenerateRandom (all of its size)
 * 10 LOG: syscall 1
 *      p0 MEMREF_INPUT  text
 *      p1 VALUE_INPUT   a = 0: syscall 1 with exactly these bytes;
 *                       1: IMSG("%s"), 2: DMSG, 3: EMSG of the text
 * 11 LOG_FORMAT: logs four lines that pin down the printf formatter
 *      p0 VALUE_OUTPUT  a = 4 (lines written)
 *      The lines are exactly (each ending in '\n'):
 *        I/TA: fmt d=-42 u=42 x=beef X=BEEF
 *        I/TA: fmt s=[abc] [   ab] [ab   ] [ab]
 *        I/TA: fmt pad=[00001234] [  7] [7  ] c=Z %
 *        I/TA: fmt l=18446744073709551615 ll=-9000000000 zx=abc p=0x1000
 * 12 PANIC: syscall 2
 *      p0 VALUE_INPUT   a = panic code for TEE_Panic
 * 13 RAW_SYSCALL: any syscall number with four arguments (x4-x7 zero)
 *      p0 VALUE_INPUT   a = syscall number
 *      p1 VALUE_INPUT   a = x0, b = x1
 *      p2 VALUE_INPUT   a = x2, b = x3
 *      p3 VALUE_OUTPUT  a = x0 on return
 *
 * Extra properties of this TA (set 0xFFFFFFFF), one of every type:
 *   org.litebox.sample.bool      true
 *   org.litebox.sample.u32       0xC0FFEE42 (3237998146)
 *   org.litebox.sample.u64       0x0123456789ABCDEF (81985529216486895)
 *   org.litebox.sample.uuid      9139dfc6-476a-496b-bcdb-176b4d0ae37b
 *   org.litebox.sample.identity  login 4 (APPLICATION),
 *                                14d7974a-da4a-41c9-ad73-e9074e9d4a15
 *                                (as string: "4:14d7974a-da4a-41c9-ad73-e9074e9d4a15")
 *   org.litebox.sample.string    "litebox syscalls sample"
 *   org.litebox.sample.binary    bytes 00 01 02 03 04 05 06 07 ff
 *                                (as string: "AAECAwQFBgf/")
 * plus the standard ones: gpd.ta.singleInstance false, multiSession false,
 * instanceKeepAlive false, dataSize 32768, stackSize 4096, version "1.0",
 * description "litebox sample: syscall coverage", endian 0,
 * doesNotCloseHandleOnCorruptObject false.
 */
#ifndef SYSCALLS_TA_H
#define SYSCALLS_TA_H

#define SYSCALLS_UUID_STR "11dd3ede-b085-4343-a57d-5fbde91c168b"

#define SYSCALLS_CMD_GET_PROPERTY		0
#define SYSCALLS_CMD_GET_PROPERTY_RAW		1
#define SYSCALLS_CMD_GET_PROPERTY_BY_INDEX	2
#define SYSCALLS_CMD_ENUMERATE			3
#define SYSCALLS_CMD_CHECK_ACCESS		4
#define SYSCALLS_CMD_CANCELLATION		5
#define SYSCALLS_CMD_WAIT			6
#define SYSCALLS_CMD_GET_TIMES			7
#define SYSCALLS_CMD_SET_TA_TIME		8
#define SYSCALLS_CMD_RANDOM			9
#define SYSCALLS_CMD_LOG			10
#define SYSCALLS_CMD_LOG_FORMAT			11
#define SYSCALLS_CMD_PANIC			12
#define SYSCALLS_CMD_RAW_SYSCALL		13

#define SYSCALLS_AS_BOOL	0
#define SYSCALLS_AS_U32		1
#define SYSCALLS_AS_UUID	2
#define SYSCALLS_AS_IDENTITY	3
#define SYSCALLS_AS_STRING	4
#define SYSCALLS_AS_BINARY	5
#define SYSCALLS_AS_U64		6

#define SYSCALLS_TARGET_RODATA		0
#define SYSCALLS_TARGET_DATA		1
#define SYSCALLS_TARGET_BSS		2
#define SYSCALLS_TARGET_STACK		3
#define SYSCALLS_TARGET_TEXT		4
#define SYSCALLS_TARGET_HEAP		5
#define SYSCALLS_TARGET_MEMREF		6
#define SYSCALLS_TARGET_UNMAPPED	7
#define SYSCALLS_TARGET_ADDRESS		8
#define SYSCALLS_TARGET_HEAP_FREE	9

#define SYSCALLS_LOG_RAW	0
#define SYSCALLS_LOG_IMSG	1
#define SYSCALLS_LOG_DMSG	2
#define SYSCALLS_LOG_EMSG	3

#endif
