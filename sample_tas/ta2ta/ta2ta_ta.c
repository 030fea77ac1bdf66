/* TA-to-TA sample (see ta2ta_ta.h): one source for the client and servers. */
#include <tee_internal_api.h>
#include <pta_system.h>
#include <sdk/libc.h>
#include "ta2ta_ta.h"

#define T(x) TEE_PARAM_TYPE_##x
#define TYPES(a, b, c, d) TEE_PARAM_TYPES(T(a), T(b), T(c), T(d))

static const TEE_UUID targets[] = {
	[TA2TA_TARGET_SERVER] = TA2TA_SERVER_UUID,
	[TA2TA_TARGET_SERVER2] = TA2TA_SERVER2_UUID,
	[TA2TA_TARGET_CLIENT] = TA2TA_CLIENT_UUID,
	[TA2TA_TARGET_SYSTEM] = PTA_SYSTEM_UUID,
};

static TEE_Result forward(uint32_t types, TEE_Param p[4])
{
	uint32_t qtypes = TYPES(VALUE_INPUT, VALUE_INOUT, VALUE_OUTPUT, NONE);
	TEE_TASessionHandle s = TEE_HANDLE_NULL;
	TEE_Param q[4];
	uint32_t origin = 0;
	uint32_t hops;
	uint32_t target;
	TEE_Result res;

	if (types != qtypes)
		return TEE_ERROR_BAD_PARAMETERS;
	hops = p[0].value.a;
	p[2].value.a = 0;
	p[2].value.b = 0;
	if (!hops) {
		p[1].value.a += p[0].value.b ? TA2TA_VARIANT * 100 : 1;
		return TEE_SUCCESS;
	}
	target = hops & 0xf;
	if (target < TA2TA_TARGET_SERVER || target > TA2TA_TARGET_CLIENT)
		return TEE_ERROR_BAD_PARAMETERS;
	res = TEE_OpenTASession(&targets[target], TEE_TIMEOUT_INFINITE, 0, NULL,
				&s, &origin);
	if (res != TEE_SUCCESS) {
		p[2].value.a = res;
		p[2].value.b = origin;
		return TEE_SUCCESS;
	}
	memset(q, 0, sizeof(q));
	q[0].value.a = hops >> 4;
	q[0].value.b = p[0].value.b;
	q[1].value.a = p[1].value.a;
	q[1].value.b = p[1].value.b;
	res = TEE_InvokeTACommand(s, TEE_TIMEOUT_INFINITE, TA2TA_CMD_FORWARD,
				  qtypes, q, &origin);
	if (res != TEE_SUCCESS) {
		p[2].value.a = res;
		p[2].value.b = origin;
	} else {
		p[1].value = q[1].value;
		p[2].value = q[2].value;
	}
	TEE_CloseTASession(s);
	return TEE_SUCCESS;
}

#if TA2TA_VARIANT != 3
/* -- the servers ------------------------------------------------------------ */

/* The PING counter of the (one, shared) instance. */
static uint32_t counter;

static uint32_t fnv1a(const uint8_t *p, size_t len)
{
	uint32_t h = 0x811c9dc5u;

	while (len--)
		h = (h ^ *p++) * 0x01000193u;
	return h;
}

static void reverse(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len / 2; i++) {
		uint8_t t = p[i];

		p[i] = p[len - 1 - i];
		p[len - 1 - i] = t;
	}
}

static TEE_Result identity(uint32_t types, TEE_Param p[4])
{
	TEE_Identity id;
	TEE_Result res;

	if (types != TYPES(VALUE_OUTPUT, MEMREF_OUTPUT, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (p[1].memref.size < sizeof(id.uuid)) {
		p[1].memref.size = sizeof(id.uuid);
		return TEE_ERROR_SHORT_BUFFER;
	}
	res = TEE_GetPropertyAsIdentity(TEE_PROPSET_CURRENT_CLIENT,
					"gpd.client.identity", &id);
	if (res != TEE_SUCCESS)
		return res;
	p[0].value.a = id.login;
	p[0].value.b = 0;
	memcpy(p[1].memref.buffer, &id.uuid, sizeof(id.uuid));
	p[1].memref.size = sizeof(id.uuid);
	return TEE_SUCCESS;
}

static TEE_Result fill(uint32_t types, TEE_Param p[4])
{
	uint8_t *out = p[0].memref.buffer;
	uint32_t n;
	uint32_t i;

	if (types != TYPES(MEMREF_OUTPUT, VALUE_INPUT, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	n = p[1].value.a;
	if (p[0].memref.size < n) {
		p[0].memref.size = n;
		return TEE_ERROR_SHORT_BUFFER;
	}
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(i ^ 0x5a);
	p[0].memref.size = n;
	return TEE_SUCCESS;
}

static TEE_Result wait(uint32_t types, TEE_Param p[4])
{
	if (types != TYPES(VALUE_INPUT, NONE, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_UnmaskCancellation();
	return TEE_Wait(p[0].value.a);
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param p[4],
				    void **ctx)
{
	if (TEE_PARAM_TYPE_GET(types, 0) == T(VALUE_INOUT))
		p[0].value.a += 1000;
	if (TEE_PARAM_TYPE_GET(types, 1) == T(MEMREF_INOUT))
		reverse(p[1].memref.buffer, p[1].memref.size);
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param p[4])
{
	switch (cmd) {
	case TA2TA_CMD_PING:
		if (types != TYPES(VALUE_OUTPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		p[0].value.a = TA2TA_VARIANT;
		p[0].value.b = ++counter;
		return TEE_SUCCESS;
	case TA2TA_CMD_IDENTITY:
		return identity(types, p);
	case TA2TA_CMD_REVERSE:
		if (types != TYPES(MEMREF_INOUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		reverse(p[0].memref.buffer, p[0].memref.size);
		return TEE_SUCCESS;
	case TA2TA_CMD_FILL:
		return fill(types, p);
	case TA2TA_CMD_CHECKSUM:
		if (types != TYPES(MEMREF_INPUT, VALUE_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		p[1].value.a = fnv1a(p[0].memref.buffer, p[0].memref.size);
		p[1].value.b = p[0].memref.size;
		return TEE_SUCCESS;
	case TA2TA_CMD_PANIC:
		if (types != TYPES(VALUE_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_Panic(p[0].value.a);
	case TA2TA_CMD_FORWARD:
		return forward(types, p);
	case TA2TA_CMD_WAIT:
		return wait(types, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

#else
/* -- the client ------------------------------------------------------------- */

/* The one session this instance (= this client session) has open. */
static TEE_TASessionHandle session;

/* The caller's p1..p3 become the callee's p0..p2, and back. */
static uint32_t shift_in(uint32_t types, TEE_Param p[4], TEE_Param q[4])
{
	memset(q, 0, sizeof(TEE_Param) * 4);
	q[0] = p[1];
	q[1] = p[2];
	q[2] = p[3];
	return (types >> 4) & 0xfff;
}

static void shift_out(TEE_Param p[4], TEE_Param q[4])
{
	p[1] = q[0];
	p[2] = q[1];
	p[3] = q[2];
}

static TEE_Result client_open(uint32_t types, TEE_Param p[4])
{
	uint32_t target = p[0].value.a;
	uint32_t timeout = p[0].value.b ? p[0].value.b : TEE_TIMEOUT_INFINITE;
	uint32_t origin = 0;
	TEE_Param q[4];
	uint32_t qtypes;
	TEE_Result res;

	if (TEE_PARAM_TYPE_GET(types, 0) != T(VALUE_INOUT) ||
	    target < TA2TA_TARGET_SERVER || target > TA2TA_TARGET_SYSTEM)
		return TEE_ERROR_BAD_PARAMETERS;
	if (session)
		return TEE_ERROR_BAD_STATE;
	qtypes = shift_in(types, p, q);
	res = TEE_OpenTASession(&targets[target], timeout, qtypes, q,
				&session, &origin);
	shift_out(p, q);
	p[0].value.a = origin;
	p[0].value.b = 0;
	return res;
}

static TEE_Result client_invoke(uint32_t types, TEE_Param p[4])
{
	uint32_t timeout = p[0].value.b ? p[0].value.b : TEE_TIMEOUT_INFINITE;
	uint32_t origin = 0;
	TEE_Param q[4];
	uint32_t qtypes;
	TEE_Result res;

	if (TEE_PARAM_TYPE_GET(types, 0) != T(VALUE_INOUT))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!session)
		return TEE_ERROR_BAD_STATE;
	qtypes = shift_in(types, p, q);
	res = TEE_InvokeTACommand(session, timeout, p[0].value.a, qtypes, q,
				  &origin);
	shift_out(p, q);
	p[0].value.a = origin;
	p[0].value.b = 0;
	return res;
}

static TEE_Result client_copy(uint32_t types, TEE_Param p[4])
{
	uint8_t buf[TA2TA_COPY_MAX];
	uint32_t cmd = p[0].value.a;
	uint32_t origin = 0;
	uint32_t qtypes;
	TEE_Param q[4];
	size_t n;
	TEE_Result res;

	if (types != TYPES(VALUE_INOUT, MEMREF_INPUT, MEMREF_OUTPUT, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!session)
		return TEE_ERROR_BAD_STATE;
	if (p[1].memref.size > sizeof(buf) || p[2].memref.size > sizeof(buf))
		return TEE_ERROR_BAD_PARAMETERS;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, p[1].memref.buffer, p[1].memref.size);
	memset(q, 0, sizeof(q));
	q[0].memref.buffer = buf;
	q[0].memref.size = p[1].memref.size;
	if (cmd == TA2TA_CMD_REVERSE) {
		qtypes = TYPES(MEMREF_INOUT, NONE, NONE, NONE);
	} else if (cmd == TA2TA_CMD_FILL) {
		qtypes = TYPES(MEMREF_OUTPUT, VALUE_INPUT, NONE, NONE);
		q[0].memref.size = p[2].memref.size;
		q[1].value.a = p[0].value.b;
	} else if (cmd == TA2TA_CMD_CHECKSUM) {
		qtypes = TYPES(MEMREF_INPUT, VALUE_OUTPUT, NONE, NONE);
	} else {
		return TEE_ERROR_BAD_PARAMETERS;
	}
	res = TEE_InvokeTACommand(session, TEE_TIMEOUT_INFINITE, cmd, qtypes,
				  q, &origin);
	p[0].value.a = origin;
	p[0].value.b = cmd == TA2TA_CMD_CHECKSUM ? q[1].value.a :
						   q[0].memref.size;
	n = q[0].memref.size < p[2].memref.size ? q[0].memref.size :
						  p[2].memref.size;
	memcpy(p[2].memref.buffer, buf, n);
	p[2].memref.size = q[0].memref.size;
	return res;
}

static TEE_Result client_derive(uint32_t types, TEE_Param p[4])
{
	static const TEE_UUID system_uuid = PTA_SYSTEM_UUID;
	uint8_t extra[TA_DERIVED_EXTRA_DATA_MAX_SIZE];
	uint8_t key[TA_DERIVED_KEY_MAX_SIZE];
	TEE_TASessionHandle s = TEE_HANDLE_NULL;
	bool direct;
	TEE_Param q[4];
	TEE_Result res;

	if (types != TYPES(MEMREF_INPUT, MEMREF_OUTPUT, VALUE_INPUT, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (p[0].memref.size > sizeof(extra) || p[1].memref.size > sizeof(key))
		return TEE_ERROR_BAD_PARAMETERS;
	direct = p[2].value.a == 1;
	memcpy(extra, p[0].memref.buffer, p[0].memref.size);
	res = TEE_OpenTASession(&system_uuid, TEE_TIMEOUT_INFINITE, 0, NULL,
				&s, NULL);
	if (res != TEE_SUCCESS)
		return res;
	memset(q, 0, sizeof(q));
	q[0].memref.buffer = extra;
	q[0].memref.size = p[0].memref.size;
	q[1].memref.buffer = direct ? p[1].memref.buffer : key;
	q[1].memref.size = p[1].memref.size;
	res = TEE_InvokeTACommand(s, TEE_TIMEOUT_INFINITE,
				  PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY,
				  TYPES(MEMREF_INPUT, MEMREF_OUTPUT, NONE, NONE),
				  q, NULL);
	TEE_CloseTASession(s);
	if (res == TEE_SUCCESS && !direct)
		memcpy(p[1].memref.buffer, key, p[1].memref.size);
	return res;
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param p[4],
				    void **ctx)
{
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param p[4])
{
	switch (cmd) {
	case TA2TA_CLIENT_OPEN:
		return client_open(types, p);
	case TA2TA_CLIENT_INVOKE:
		return client_invoke(types, p);
	case TA2TA_CLIENT_CLOSE:
		TEE_CloseTASession(session);
		session = TEE_HANDLE_NULL;
		return TEE_SUCCESS;
	case TA2TA_CLIENT_COPY:
		return client_copy(types, p);
	case TA2TA_CLIENT_DERIVE:
		return client_derive(types, p);
	case TA2TA_CLIENT_FORWARD:
		return forward(types, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
#endif

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

void TA_CloseSessionEntryPoint(void *ctx)
{
}
