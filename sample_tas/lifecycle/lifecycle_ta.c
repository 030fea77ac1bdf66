/* Counts what happens to its instance and sessions (see lifecycle_ta.h). */
#include <tee_internal_api.h>
#include <sdk/ta_header.h>
#include "lifecycle_ta.h"

#define T(x) TEE_PARAM_TYPE_##x
#define TYPES(a, b, c, d) TEE_PARAM_TYPES(T(a), T(b), T(c), T(d))
#define ONE_OUTPUT TYPES(VALUE_OUTPUT, NONE, NONE, NONE)

struct session {
	uint32_t serial;
	uint32_t counter;
};

static uint32_t instance_id;
static uint32_t counter;
static uint32_t open_sessions;
static uint32_t sessions_ever;
static uint32_t creates;
static uint32_t destroys;

TEE_Result TA_CreateEntryPoint(void)
{
	creates++;
	do {
		TEE_GenerateRandom(&instance_id, sizeof(instance_id));
	} while (!instance_id);
	IMSG("lifecycle create: id=%08x", instance_id);
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
	destroys++;
	IMSG("lifecycle destroy: id=%08x counter=%u sessions=%u creates=%u",
	     instance_id, counter, open_sessions, creates);
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t paramTypes,
				    TEE_Param params[TEE_NUM_PARAMS],
				    void **sessionContext)
{
	struct session *s = TEE_Malloc(sizeof(*s), TEE_MALLOC_FILL_ZERO);

	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	s->serial = ++sessions_ever;
	open_sessions++;
	*sessionContext = s;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *sessionContext)
{
	open_sessions--;
	TEE_Free(sessionContext);
}

TEE_Result TA_InvokeCommandEntryPoint(void *sessionContext,
				      uint32_t commandID, uint32_t paramTypes,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	struct session *s = sessionContext;

	if (commandID == LIFECYCLE_CMD_STATE) {
		if (paramTypes != TYPES(VALUE_OUTPUT, VALUE_OUTPUT,
					VALUE_OUTPUT, VALUE_OUTPUT))
			return TEE_ERROR_BAD_PARAMETERS;
		params[0].value.a = counter;
		params[0].value.b = open_sessions;
		params[1].value.a = creates;
		params[1].value.b = destroys;
		params[2].value.a = instance_id;
		params[2].value.b = s->serial;
		params[3].value.a = s->counter;
		params[3].value.b = ta_head.flags;
		return TEE_SUCCESS;
	}

	if (commandID > LIFECYCLE_CMD_SESSION_COUNTER)
		return TEE_ERROR_NOT_SUPPORTED;
	if (paramTypes != ONE_OUTPUT)
		return TEE_ERROR_BAD_PARAMETERS;

	params[0].value.b = 0;
	switch (commandID) {
	case LIFECYCLE_CMD_INC_COUNTER:
		params[0].value.a = ++counter;
		break;
	case LIFECYCLE_CMD_SESSIONS:
		params[0].value.a = open_sessions;
		break;
	case LIFECYCLE_CMD_CREATE_COUNT:
		params[0].value.a = creates;
		params[0].value.b = destroys;
		break;
	case LIFECYCLE_CMD_INSTANCE_ID:
		params[0].value.a = instance_id;
		params[0].value.b = s->serial;
		break;
	default:	/* LIFECYCLE_CMD_SESSION_COUNTER */
		params[0].value.a = ++s->counter;
		break;
	}
	return TEE_SUCCESS;
}
