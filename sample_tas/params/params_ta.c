/* Parameter marshalling checks (see params_ta.h). */
#include <tee_internal_api.h>
#include <sdk/libc.h>
#include "params_ta.h"

#define T(x) TEE_PARAM_TYPE_##x
#define TYPES(a, b, c, d) TEE_PARAM_TYPES(T(a), T(b), T(c), T(d))

struct report_record {
	uint32_t type;
	uint32_t a;
	uint32_t b;
	uint32_t checksum;
	uint64_t buffer;
	uint64_t size;
};

struct report {
	uint32_t magic;
	uint32_t types;
	struct report_record param[TEE_NUM_PARAMS];
};

_Static_assert(sizeof(struct report) == PARAMS_REPORT_SIZE, "report layout");

static uint32_t fnv1a(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t h = 0x811c9dc5u;

	while (len--)
		h = (h ^ *p++) * 0x01000193u;
	return h;
}

static bool is_memref(uint32_t t)
{
	return t == T(MEMREF_INPUT) || t == T(MEMREF_OUTPUT) ||
	       t == T(MEMREF_INOUT);
}

static TEE_Result echo(uint32_t types, TEE_Param p[4])
{
	bool with_report = TEE_PARAM_TYPE_GET(types, 3) == T(MEMREF_OUTPUT);
	struct report r;
	uint32_t n;

	if (with_report && p[3].memref.size < sizeof(r)) {
		p[3].memref.size = sizeof(r);
		return TEE_ERROR_SHORT_BUFFER;
	}

	memset(&r, 0, sizeof(r));
	r.magic = PARAMS_REPORT_MAGIC;
	r.types = types;
	for (n = 0; n < TEE_NUM_PARAMS; n++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, n);
		struct report_record *rec = &r.param[n];

		rec->type = t;
		if (t == T(VALUE_INPUT) || t == T(VALUE_OUTPUT) ||
		    t == T(VALUE_INOUT)) {
			rec->a = p[n].value.a;
			rec->b = p[n].value.b;
		} else if (is_memref(t)) {
			rec->buffer = (uintptr_t)p[n].memref.buffer;
			rec->size = p[n].memref.size;
			if (t != T(MEMREF_OUTPUT))
				rec->checksum = fnv1a(p[n].memref.buffer,
						      p[n].memref.size);
		}
	}

	for (n = 0; n < TEE_NUM_PARAMS; n++) {
		uint8_t *bytes = p[n].memref.buffer;
		size_t i;

		switch (TEE_PARAM_TYPE_GET(types, n)) {
		case T(VALUE_OUTPUT):
			p[n].value.a = 0xA0000000u + n;
			p[n].value.b = 0xB0000000u + n;
			break;
		case T(VALUE_INOUT):
			p[n].value.a += 1;
			p[n].value.b = ~p[n].value.b;
			break;
		case T(MEMREF_OUTPUT):
			if (n == 3 && with_report)
				break;
			for (i = 0; i < p[n].memref.size; i++)
				bytes[i] = (uint8_t)(0xC0 + n);
			break;
		case T(MEMREF_INOUT):
			for (i = 0; i < p[n].memref.size; i++)
				bytes[i] ^= 0xFF;
			break;
		default:
			break;
		}
	}

	if (with_report) {
		memcpy(p[3].memref.buffer, &r, sizeof(r));
		p[3].memref.size = sizeof(r);
	}
	return TEE_SUCCESS;
}

static TEE_Result copy(uint32_t types, TEE_Param p[4])
{
	if (types != TYPES(MEMREF_INPUT, MEMREF_OUTPUT, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (p[1].memref.size < p[0].memref.size) {
		p[1].memref.size = p[0].memref.size;
		return TEE_ERROR_SHORT_BUFFER;
	}
	TEE_MemMove(p[1].memref.buffer, p[0].memref.buffer, p[0].memref.size);
	p[1].memref.size = p[0].memref.size;
	return TEE_SUCCESS;
}

static TEE_Result reverse(uint32_t types, TEE_Param p[4])
{
	uint8_t *b = p[0].memref.buffer;
	size_t len = p[0].memref.size;
	size_t i;

	if (types != TYPES(MEMREF_INOUT, NONE, NONE, NONE) &&
	    types != TYPES(MEMREF_INOUT, VALUE_INPUT, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	for (i = 0; i < len / 2; i++) {
		uint8_t tmp = b[i];

		b[i] = b[len - 1 - i];
		b[len - 1 - i] = tmp;
	}
	if (TEE_PARAM_TYPE_GET(types, 1) == T(VALUE_INPUT) &&
	    p[1].value.a < len)
		p[0].memref.size = p[1].value.a;
	return TEE_SUCCESS;
}

static TEE_Result values(uint32_t types, TEE_Param p[4])
{
	uint32_t x = p[0].value.a;
	uint32_t y = p[0].value.b;

	if (types != TYPES(VALUE_INPUT, VALUE_OUTPUT, VALUE_OUTPUT,
			   VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	p[1].value.a = x + y;
	p[1].value.b = x * y;
	p[2].value.a = 0xFFFFFFFFu;
	p[2].value.b = 0;
	p[3].value.a = 0x80000000u;
	p[3].value.b = 0x7FFFFFFFu;
	return TEE_SUCCESS;
}

static TEE_Result null_memref(uint32_t types, TEE_Param p[4])
{
	if (!is_memref(TEE_PARAM_TYPE_GET(types, 0)) ||
	    TEE_PARAM_TYPE_GET(types, 1) != T(VALUE_OUTPUT) ||
	    TEE_PARAM_TYPE_GET(types, 2) != T(NONE) ||
	    TEE_PARAM_TYPE_GET(types, 3) != T(NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	p[1].value.a = p[0].memref.buffer == NULL;
	p[1].value.b = (uint32_t)p[0].memref.size;
	return TEE_SUCCESS;
}

static TEE_Result checksum(uint32_t types, TEE_Param p[4])
{
	if (types != TYPES(MEMREF_INPUT, VALUE_OUTPUT, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	p[1].value.a = fnv1a(p[0].memref.buffer, p[0].memref.size);
	p[1].value.b = (uint32_t)p[0].memref.size;
	return TEE_SUCCESS;
}

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t paramTypes,
				    TEE_Param params[TEE_NUM_PARAMS],
				    void **sessionContext)
{
	return echo(paramTypes, params);
}

void TA_CloseSessionEntryPoint(void *sessionContext)
{
}

TEE_Result TA_InvokeCommandEntryPoint(void *sessionContext,
				      uint32_t commandID, uint32_t paramTypes,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	switch (commandID) {
	case PARAMS_CMD_ECHO:
		return echo(paramTypes, params);
	case PARAMS_CMD_COPY:
		return copy(paramTypes, params);
	case PARAMS_CMD_REVERSE:
		return reverse(paramTypes, params);
	case PARAMS_CMD_VALUES:
		return values(paramTypes, params);
	case PARAMS_CMD_NULL_MEMREF:
		return null_memref(paramTypes, params);
	case PARAMS_CMD_CHECKSUM:
		return checksum(paramTypes, params);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
