/*
 * Services of the system pseudo-TA as libutee wraps them: zero-initialized
 * mappings (used by src/ta2ta.c for private buffers) and supplicant plugins.
 * One session to the PTA is opened on first use and kept.
 */
#include "sdk_private.h"
#include <pta_system.h>
#include <tee_internal_api_extensions.h>

static TEE_Result invoke_system_pta(uint32_t cmd, uint32_t types,
				    TEE_Param params[4])
{
	static TEE_TASessionHandle sess;
	static const TEE_UUID uuid = PTA_SYSTEM_UUID;

	return sdk_invoke_pta(&uuid, &sess, cmd, types, params);
}

void *tee_map_zi(size_t len, uint32_t flags)
{
	TEE_Param params[4] = { 0 };
	uint32_t types = TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
					 TEE_PARAM_TYPE_VALUE_INOUT,
					 TEE_PARAM_TYPE_VALUE_INPUT,
					 TEE_PARAM_TYPE_NONE);

	params[0].value.a = len;
	if (params[0].value.a != len)
		return NULL;
	if (flags == TEE_MEMORY_ACCESS_ANY_OWNER)
		params[0].value.b = PTA_SYSTEM_MAP_FLAG_SHAREABLE;
	else if (flags)
		return NULL;
	if (invoke_system_pta(PTA_SYSTEM_MAP_ZI, types, params) != TEE_SUCCESS)
		return NULL;
	return (void *)(uintptr_t)(((uint64_t)params[1].value.a << 32) |
				   params[1].value.b);
}

TEE_Result tee_unmap(void *buf, size_t len)
{
	TEE_Param params[4] = { 0 };
	uint32_t types = TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
					 TEE_PARAM_TYPE_VALUE_INPUT,
					 TEE_PARAM_TYPE_NONE,
					 TEE_PARAM_TYPE_NONE);
	TEE_Result res;

	params[0].value.a = len;
	params[1].value.a = (uint64_t)(uintptr_t)buf >> 32;
	params[1].value.b = (uint32_t)(uintptr_t)buf;
	res = invoke_system_pta(PTA_SYSTEM_UNMAP, types, params);
	if (res != TEE_SUCCESS)
		EMSG("PTA_SYSTEM_UNMAP of %p (%zu bytes) failed: 0x%x", buf,
		     len, res);
	return res;
}

TEE_Result tee_invoke_supp_plugin(const TEE_UUID *uuid, uint32_t cmd,
				  uint32_t sub_cmd, void *buf, size_t len,
				  size_t *outlen)
{
	TEE_Param params[4] = { 0 };
	uint32_t types = TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT,
					 TEE_PARAM_TYPE_VALUE_INPUT,
					 TEE_PARAM_TYPE_MEMREF_INOUT,
					 TEE_PARAM_TYPE_VALUE_OUTPUT);
	TEE_Result res;

	if (!uuid || (len && !buf) || (!len && buf))
		return TEE_ERROR_BAD_PARAMETERS;
	params[0].memref.buffer = (void *)uuid;
	params[0].memref.size = sizeof(*uuid);
	params[1].value.a = cmd;
	params[1].value.b = sub_cmd;
	params[2].memref.buffer = buf;
	params[2].memref.size = len;
	res = invoke_system_pta(PTA_SYSTEM_SUPP_PLUGIN_INVOKE, types, params);
	if (res != TEE_SUCCESS)
		EMSG("supplicant plugin call failed: 0x%x", res);
	if (outlen)
		*outlen = params[3].value.a;
	return res;
}
