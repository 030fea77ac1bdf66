/*
 * GP TEE Internal Core API: panic, memory management, access rights,
 * cancellation and random numbers (src/panic.S, src/heap.c, src/system.c,
 * src/random.c).
 */
#ifndef SDK_API_CORE_H
#define SDK_API_CORE_H

#include <sdk/types.h>

/* Ends the TA instance; the code is reported to the client. Never returns. */
void TEE_Panic(TEE_Result panicCode) __attribute__((noreturn));

/*
 * Heap over a .bss array of TA_DATA_SIZE bytes. Blocks are 16-byte aligned.
 * hint TEE_MALLOC_FILL_ZERO (0) zeroes the block; TEE_MALLOC_NO_FILL skips
 * that. A zero-sized request returns a unique non-NULL pointer that must
 * not be dereferenced (it points into read-only memory).
 */
void *TEE_Malloc(size_t size, uint32_t hint);
void *TEE_Realloc(void *buffer, size_t newSize);
void TEE_Free(void *buffer);

void TEE_MemMove(void *dest, const void *src, size_t size);
void TEE_MemFill(void *buffer, uint32_t x, size_t size);
/* Constant-time for a given size; returns <0, 0 or >0 like memcmp. */
int32_t TEE_MemCompare(const void *buffer1, const void *buffer2, size_t size);

/*
 * Asks the kernel (syscall 8) whether [buffer, buffer+size) may be accessed
 * with accessFlags (TEE_MEMORY_ACCESS_*), then applies the GP rules for the
 * current entry's memref parameters (a buffer overlapping a parameter is
 * only accessible with the rights that parameter grants, and then always
 * shared, i.e. ANY_OWNER is required).
 */
TEE_Result TEE_CheckMemoryAccessRights(uint32_t accessFlags, void *buffer,
				       size_t size);

bool TEE_GetCancellationFlag(void);
bool TEE_UnmaskCancellation(void);
bool TEE_MaskCancellation(void);

void TEE_GenerateRandom(void *randomBuffer, size_t randomBufferLen);

#endif
