/* Panics on request, from every entry point that can panic. */
#include <tee_internal_api.h>
#include "panic_ta.h"

#define T(x) TEE_PARAM_TYPE_##x
#define TYPES(a, b, c, d) TEE_PARAM_TYPES(T(a), T(b), T(c), T(d))

struct session {
	bool panic_on_close;
	uint32_t close_code;
};

/* Exactly far enough to reach the canary stored right above the array. */
static volatile size_t smash_len = 40;
static volatile uint8_t sink;

TEE_Result TA_CreateEntryPoint(void)
{
#ifdef PANIC_IN_CREATE
	IMSG("panicking in TA_CreateEntryPoint");
	TEE_Panic(PANIC_CREATE_CODE);
#endif
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
	IMSG("panic TA destroyed");
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t paramTypes,
				    TEE_Param params[TEE_NUM_PARAMS],
				    void **sessionContext)
{
	struct session *s;

	if (paramTypes == TYPES(VALUE_INPUT, NONE, NONE, NONE)) {
		switch (params[0].value.a) {
		case PANIC_OPEN_NORMAL:
			break;
		case PANIC_OPEN_PANIC:
			IMSG("panicking in TA_OpenSessionEntryPoint");
			TEE_Panic(params[0].value.b);
		case PANIC_OPEN_FAIL:
			return params[0].value.b;
		default:
			return TEE_ERROR_BAD_PARAMETERS;
		}
	} else if (paramTypes != TYPES(NONE, NONE, NONE, NONE)) {
		return TEE_ERROR_BAD_PARAMETERS;
	}

	s = TEE_Malloc(sizeof(*s), TEE_MALLOC_FILL_ZERO);
	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	*sessionContext = s;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *sessionContext)
{
	struct session *s = sessionContext;

	if (s->panic_on_close) {
		IMSG("panicking in TA_CloseSessionEntryPoint");
		TEE_Panic(s->close_code);
	}
	TEE_Free(s);
}

/* Writes past the end of a local array: the canary check must catch it. */
static void __attribute__((noinline)) smash_stack(void)
{
	volatile uint8_t buf[32];
	size_t n;

	for (n = 0; n < smash_len; n++)
		buf[n] = 0x41;
	sink = buf[0];
}

TEE_Result TA_InvokeCommandEntryPoint(void *sessionContext,
				      uint32_t commandID, uint32_t paramTypes,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	struct session *s = sessionContext;

	switch (commandID) {
	case PANIC_CMD_PANIC:
		if (paramTypes != TYPES(VALUE_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_Panic(params[0].value.a);
	case PANIC_CMD_PANIC_ON_CLOSE:
		if (paramTypes != TYPES(VALUE_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		s->panic_on_close = true;
		s->close_code = params[0].value.a;
		return TEE_SUCCESS;
	case PANIC_CMD_STACK_SMASH:
		smash_stack();
		return TEE_ERROR_GENERIC;	/* not reached with a working canary */
	case PANIC_CMD_PING:
		if (paramTypes != TYPES(VALUE_OUTPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		params[0].value.a = PANIC_PING_MAGIC;
		return TEE_SUCCESS;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
