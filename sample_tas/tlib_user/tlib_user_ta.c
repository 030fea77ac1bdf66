/* tlib_user sample (see tlib_user_ta.h). */
#include <tee_internal_api.h>
#include <dlfcn.h>
#include "tlib_user_ta.h"
#include "../tlib/tlib.h"
#include "../tlib_dl/tlib_dl.h"

#define T(x) TEE_PARAM_TYPE_##x
#define TYPES(a, b, c, d) TEE_PARAM_TYPES(T(a), T(b), T(c), T(d))
#define DL_FLAGS (RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE)

static TEE_Result dl_call(uint32_t types, TEE_Param p[4])
{
	uint32_t (*scale)(uint32_t);
	uint32_t (*count)(void);
	void *h;

	if (types != TYPES(VALUE_INOUT, NONE, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	h = dlopen(TLIB_DL_UUID_STR, DL_FLAGS);
	if (!h)
		return TEE_ERROR_ITEM_NOT_FOUND;
	scale = (uint32_t (*)(uint32_t))dlsym(h, "tlib_dl_scale");
	count = (uint32_t (*)(void))dlsym(h, "tlib_dl_count");
	if (!scale || !count) {
		dlclose(h);
		return TEE_ERROR_ITEM_NOT_FOUND;
	}
	p[0].value.a = scale(p[0].value.a);
	p[0].value.b = count();
	dlclose(h);
	return TEE_SUCCESS;
}

static TEE_Result dl_missing(uint32_t types, TEE_Param p[4])
{
	void *h;

	if (types != TYPES(VALUE_OUTPUT, NONE, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	h = dlopen(TLIB_DL_UUID_STR, DL_FLAGS);
	if (!h)
		return TEE_ERROR_ITEM_NOT_FOUND;
	p[0].value.a = dlsym(h, "tlib_no_such_symbol") == NULL;
	dlclose(h);
	h = dlopen("00000000-1111-2222-3333-444444444444", DL_FLAGS);
	p[0].value.b = h == NULL;
	if (h)
		dlclose(h);
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param p[4])
{
	switch (cmd) {
	case TLIB_USER_CMD_CHECKSUM:
		if (types != TYPES(MEMREF_INPUT, VALUE_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		p[1].value.a = tlib_checksum(p[0].memref.buffer,
					     p[0].memref.size);
		p[1].value.b = tlib_version();
		return TEE_SUCCESS;
	case TLIB_USER_CMD_COUNT:
		if (types != TYPES(VALUE_OUTPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		p[0].value.a = tlib_count();
		p[0].value.b = 0;
		return TEE_SUCCESS;
	case TLIB_USER_CMD_DL_CALL:
		return dl_call(types, p);
	case TLIB_USER_CMD_DL_MISSING:
		return dl_missing(types, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param p[4], void **ctx)
{
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
}
