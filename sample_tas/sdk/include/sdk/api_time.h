/* GP TEE Internal Core API: time (src/time.c). */
#ifndef SDK_API_TIME_H
#define SDK_API_TIME_H

#include <sdk/types.h>

void TEE_GetSystemTime(TEE_Time *time);
/* TEE_SUCCESS or TEE_ERROR_CANCEL; anything else panics. */
TEE_Result TEE_Wait(uint32_t timeout);
/* TEE_SUCCESS, TEE_ERROR_TIME_NOT_SET, TEE_ERROR_TIME_NEEDS_RESET,
 * TEE_ERROR_OVERFLOW or TEE_ERROR_OUT_OF_MEMORY; anything else panics. */
TEE_Result TEE_GetTAPersistentTime(TEE_Time *time);
TEE_Result TEE_SetTAPersistentTime(const TEE_Time *time);
void TEE_GetREETime(TEE_Time *time);

#endif
