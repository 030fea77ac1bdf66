/*
 * __ta_entry: where the kernel enters the TA, with x0 = function,
 * x1 = session id, x2 = struct utee_params *, x3 = command id, and SP at
 * the top of the TA stack. It never returns: every path ends in syscall 0
 * with the TEE_Result for the kernel.
 *
 * Instance rules (the same as OP-TEE's libutee):
 *  - The stack-protector canary is drawn from syscall 33 on the very first
 *    entry; if that fails, the entry returns the error.
 *  - TA_CreateEntryPoint runs on the first open-session of the instance. If
 *    it fails, that open-session fails with its result and the next one
 *    tries again. Once it has succeeded it never runs again in this
 *    instance.
 *  - TA_DestroyEntryPoint runs when the last session goes away (closed, or
 *    its TA_OpenSessionEntryPoint failed), unless the TA is both
 *    SINGLE_INSTANCE and INSTANCE_KEEP_ALIVE.
 *  - Sessions are known by the low 32 bits of the kernel's session id.
 *  - Function numbers other than open/close/invoke answer
 *    TEE_ERROR_NOT_SUPPORTED; close/invoke of an unknown session answer
 *    TEE_ERROR_BAD_STATE.
 */
#include "sdk_private.h"
#include <sdk/syscall.h>
#include <sdk/ta_header.h>

/* Read by -fstack-protector code in every function that has a canary. */
uintptr_t __stack_chk_guard;

void __stack_chk_fail(void) __attribute__((noreturn));
void __stack_chk_fail(void)
{
	sys_panic(TEE_ERROR_SECURITY);
}

struct session {
	uint32_t id;
	void *context;
	struct session *next;
};

static struct session *sessions;
static bool created;

uint32_t sdk_entry_param_types;
TEE_Param sdk_entry_params[TEE_NUM_PARAMS];

static bool is_value(uint32_t t)
{
	return t == TEE_PARAM_TYPE_VALUE_INPUT ||
	       t == TEE_PARAM_TYPE_VALUE_OUTPUT ||
	       t == TEE_PARAM_TYPE_VALUE_INOUT;
}

static bool is_memref(uint32_t t)
{
	return t == TEE_PARAM_TYPE_MEMREF_INPUT ||
	       t == TEE_PARAM_TYPE_MEMREF_OUTPUT ||
	       t == TEE_PARAM_TYPE_MEMREF_INOUT;
}

static uint32_t unpack(const struct utee_params *up, TEE_Param *p)
{
	uint32_t types = (uint32_t)up->types;
	size_t n;

	memset(p, 0, sizeof(TEE_Param) * TEE_NUM_PARAMS);
	for (n = 0; n < TEE_NUM_PARAMS; n++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, n);
		uint64_t first = up->vals[2 * n];
		uint64_t second = up->vals[2 * n + 1];

		if (is_value(t)) {
			p[n].value.a = (uint32_t)first;
			p[n].value.b = (uint32_t)second;
		} else if (is_memref(t)) {
			p[n].memref.buffer = (void *)(uintptr_t)first;
			p[n].memref.size = (size_t)second;
		}
	}
	/* Remember them for TEE_CheckMemoryAccessRights. */
	sdk_entry_param_types = types;
	memcpy(sdk_entry_params, p, sizeof(sdk_entry_params));
	return types;
}

/* Values and memref sizes travel back; unused slots are zeroed. */
static void pack(struct utee_params *up, uint32_t types, const TEE_Param *p)
{
	size_t n;

	up->types = types;
	for (n = 0; n < TEE_NUM_PARAMS; n++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, n);

		if (is_value(t)) {
			up->vals[2 * n] = p[n].value.a;
			up->vals[2 * n + 1] = p[n].value.b;
		} else if (is_memref(t)) {
			up->vals[2 * n] = (uintptr_t)p[n].memref.buffer;
			up->vals[2 * n + 1] = p[n].memref.size;
		} else {
			up->vals[2 * n] = 0;
			up->vals[2 * n + 1] = 0;
		}
	}
}

static struct session *find_session(uint32_t id)
{
	struct session *s;

	for (s = sessions; s; s = s->next) {
		if (s->id == id)
			return s;
	}
	return NULL;
}

static void drop_session(struct session *gone)
{
	const uint32_t keep = TA_FLAG_SINGLE_INSTANCE |
			      TA_FLAG_INSTANCE_KEEP_ALIVE;
	struct session **link;

	for (link = &sessions; *link; link = &(*link)->next) {
		if (*link == gone) {
			*link = gone->next;
			break;
		}
	}
	TEE_Free(gone);
	if (!sessions && (ta_head.flags & keep) != keep)
		TA_DestroyEntryPoint();
}

static TEE_Result open_session(uint32_t id, struct utee_params *up)
{
	struct session *s = find_session(id);
	TEE_Param params[TEE_NUM_PARAMS];
	uint32_t types;
	TEE_Result res;

	if (!s) {
		if (!created) {
			res = TA_CreateEntryPoint();
			if (res != TEE_SUCCESS)
				return res;
			created = true;
		}
		s = TEE_Malloc(sizeof(*s), TEE_MALLOC_FILL_ZERO);
		if (!s)
			return TEE_ERROR_OUT_OF_MEMORY;
		s->id = id;
		s->next = sessions;
		sessions = s;
	}

	types = unpack(up, params);
	res = TA_OpenSessionEntryPoint(types, params, &s->context);
	pack(up, types, params);
	if (res != TEE_SUCCESS)
		drop_session(s);
	return res;
}

static TEE_Result close_session(uint32_t id)
{
	struct session *s = find_session(id);

	if (!s)
		return TEE_ERROR_BAD_STATE;
	TA_CloseSessionEntryPoint(s->context);
	drop_session(s);
	return TEE_SUCCESS;
}

static TEE_Result invoke_command(uint32_t id, struct utee_params *up,
				 uint32_t cmd)
{
	struct session *s = find_session(id);
	TEE_Param params[TEE_NUM_PARAMS];
	uint32_t types;
	TEE_Result res;

	if (!s)
		return TEE_ERROR_BAD_STATE;
	types = unpack(up, params);
	res = TA_InvokeCommandEntryPoint(s->context, cmd, types, params);
	pack(up, types, params);
	return res;
}

static TEE_Result __attribute__((noinline))
dispatch(unsigned long func, uint32_t id, struct utee_params *up,
	 uint32_t cmd)
{
	TEE_Result res;

	switch (func) {
	case SDK_ENTRY_OPEN_SESSION:
		res = open_session(id, up);
		break;
	case SDK_ENTRY_CLOSE_SESSION:
		res = close_session(id);
		break;
	case SDK_ENTRY_INVOKE_COMMAND:
		res = invoke_command(id, up, cmd);
		break;
	default:
		res = TEE_ERROR_NOT_SUPPORTED;
		break;
	}
	sdk_entry_param_types = 0;
	memset(sdk_entry_params, 0, sizeof(sdk_entry_params));
	return res;
}

/* No canary here: this function is what sets it. */
void __attribute__((noreturn, no_stack_protector))
__ta_entry(unsigned long func, unsigned long session_id,
	   struct utee_params *up, unsigned long cmd_id)
{
	static bool canary_set;

	if (!canary_set) {
		uint64_t seed = 0;
		TEE_Result res = sys_cryp_random_number_generate(&seed,
								 sizeof(seed));

		if (res != TEE_SUCCESS)
			sys_return(res);
		/* A zero low byte stops string overflows from copying it. */
		__stack_chk_guard = (uintptr_t)(seed & ~(uint64_t)0xFF);
		canary_set = true;
	}
	sys_return(dispatch(func, (uint32_t)session_id, up, (uint32_t)cmd_id));
}
