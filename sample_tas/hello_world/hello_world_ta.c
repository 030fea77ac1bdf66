/* The smallest useful TA: adjust a number the client sends, and say so. */
#include <tee_internal_api.h>
#include "hello_world_ta.h"

TEE_Result TA_CreateEntryPoint(void)
{
	DMSG("instance created");
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
	DMSG("instance destroyed");
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t paramTypes,
				    TEE_Param params[TEE_NUM_PARAMS],
				    void **sessionContext)
{
	IMSG("Hello from the litebox hello_world TA");
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *sessionContext)
{
	IMSG("Goodbye");
}

static TEE_Result adjust(uint32_t paramTypes, TEE_Param params[TEE_NUM_PARAMS],
			 int32_t delta)
{
	const uint32_t expected = TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INOUT,
						  TEE_PARAM_TYPE_NONE,
						  TEE_PARAM_TYPE_NONE,
						  TEE_PARAM_TYPE_NONE);

	DMSG("adjust by %d", (int)delta);
	if (paramTypes != expected)
		return TEE_ERROR_BAD_PARAMETERS;

	IMSG("Got value: %u from the client", params[0].value.a);
	params[0].value.a += (uint32_t)delta;
	IMSG("Value is now: %u", params[0].value.a);
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *sessionContext,
				      uint32_t commandID, uint32_t paramTypes,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	switch (commandID) {
	case HELLO_CMD_INC:
		return adjust(paramTypes, params, 1);
	case HELLO_CMD_DEC:
		return adjust(paramTypes, params, -1);
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}
}
