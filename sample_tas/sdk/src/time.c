/* GP time functions over syscalls 12-14. */
#include "sdk_private.h"
#include <sdk/syscall.h>

void TEE_GetSystemTime(TEE_Time *time)
{
	TEE_Result res = sys_get_time(SYS_TIME_SYSTEM, time);

	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

void TEE_GetREETime(TEE_Time *time)
{
	TEE_Result res = sys_get_time(SYS_TIME_REE, time);

	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

TEE_Result TEE_Wait(uint32_t timeout)
{
	TEE_Result res = sys_wait(timeout);

	if (res != TEE_SUCCESS && res != TEE_ERROR_CANCEL)
		TEE_Panic(res);
	return res;
}

TEE_Result TEE_GetTAPersistentTime(TEE_Time *time)
{
	TEE_Result res = sys_get_time(SYS_TIME_TA_PERSISTENT, time);

	switch (res) {
	case TEE_SUCCESS:
	case TEE_ERROR_OVERFLOW:	/* time is valid but wrapped */
		return res;
	case TEE_ERROR_TIME_NOT_SET:
	case TEE_ERROR_TIME_NEEDS_RESET:
	case TEE_ERROR_OUT_OF_MEMORY:
		time->seconds = 0;
		time->millis = 0;
		return res;
	default:
		TEE_Panic(res);
	}
}

TEE_Result TEE_SetTAPersistentTime(const TEE_Time *time)
{
	TEE_Result res = sys_set_ta_time(time);

	if (res != TEE_SUCCESS && res != TEE_ERROR_OUT_OF_MEMORY &&
	    res != TEE_ERROR_STORAGE_NO_SPACE)
		TEE_Panic(res);
	return res;
}
