/*
 * Syscall coverage TA: each command makes a few syscalls (mostly through
 * the SDK's GP functions, sometimes raw) and hands the results back in its
 * parameters. See syscalls_ta.h for the command table.
 */
#include <tee_internal_api.h>
#include <sdk/libc.h>
#include <sdk/syscall.h>
#include <sdk/ta_header.h>
#include "syscalls_ta.h"

#define T(x) TEE_PARAM_TYPE_##x
#define TYPES(a, b, c, d) TEE_PARAM_TYPES(T(a), T(b), T(c), T(d))

#define NAME_MAX_LEN 255

/* Targets for CHECK_ACCESS, one per kind of mapping. */
static const uint8_t rodata_array[64] = { 'r', 'o' };
static uint8_t data_array[64] = { 'r', 'w' };
static uint8_t bss_array[64];

static bool is_memref(uint32_t t)
{
	return t == T(MEMREF_INPUT) || t == T(MEMREF_OUTPUT) ||
	       t == T(MEMREF_INOUT);
}

/* Copies a memref into a NUL-terminated name; false if it does not fit. */
static bool take_name(const TEE_Param *p, char *name)
{
	if (p->memref.size > NAME_MAX_LEN)
		return false;
	memcpy(name, p->memref.buffer, p->memref.size);
	name[p->memref.size] = '\0';
	return true;
}

static TEE_PropSetHandle propset(uint32_t v)
{
	return (TEE_PropSetHandle)(uintptr_t)v;
}

static TEE_Result cmd_get_property(uint32_t types, TEE_Param p[4])
{
	TEE_PropSetHandle set = propset(p[0].value.a);
	char name[NAME_MAX_LEN + 1];
	uint8_t *out = p[2].memref.buffer;
	size_t cap = p[2].memref.size;
	size_t len = 0;
	TEE_Result res;
	union {
		bool b;
		uint32_t u32;
		uint64_t u64;
		TEE_UUID uuid;
		TEE_Identity id;
	} v;

	if (types != TYPES(VALUE_INPUT, MEMREF_INPUT, MEMREF_OUTPUT,
			   VALUE_OUTPUT) || !take_name(&p[1], name))
		return TEE_ERROR_BAD_PARAMETERS;

	memset(&v, 0, sizeof(v));
	switch (p[0].value.b) {
	case SYSCALLS_AS_BOOL:
		res = TEE_GetPropertyAsBool(set, name, &v.b);
		len = 1;
		break;
	case SYSCALLS_AS_U32:
		res = TEE_GetPropertyAsU32(set, name, &v.u32);
		len = sizeof(v.u32);
		break;
	case SYSCALLS_AS_U64:
		res = TEE_GetPropertyAsU64(set, name, &v.u64);
		len = sizeof(v.u64);
		break;
	case SYSCALLS_AS_UUID:
		res = TEE_GetPropertyAsUUID(set, name, &v.uuid);
		len = sizeof(v.uuid);
		break;
	case SYSCALLS_AS_IDENTITY:
		res = TEE_GetPropertyAsIdentity(set, name, &v.id);
		len = sizeof(v.id);
		break;
	case SYSCALLS_AS_STRING:
		len = cap;
		res = TEE_GetPropertyAsString(set, name, (char *)out, &len);
		goto variable;
	case SYSCALLS_AS_BINARY:
		len = cap;
		res = TEE_GetPropertyAsBinaryBlock(set, name, out, &len);
		goto variable;
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}

	/* Fixed-size results. */
	if (res == TEE_SUCCESS) {
		if (len > cap) {
			res = TEE_ERROR_SHORT_BUFFER;
		} else {
			memcpy(out, &v, len);
			p[2].memref.size = len;
		}
	}
	p[3].value.a = res;
	p[3].value.b = res == TEE_SUCCESS ? (uint32_t)len : 0;
	return TEE_SUCCESS;

variable:
	if (res == TEE_SUCCESS)
		p[2].memref.size = len;
	p[3].value.a = res;
	p[3].value.b = (res == TEE_SUCCESS || res == TEE_ERROR_SHORT_BUFFER) ?
		       (uint32_t)len : 0;
	return TEE_SUCCESS;
}

static TEE_Result cmd_get_property_raw(uint32_t types, TEE_Param p[4])
{
	char name[NAME_MAX_LEN + 1];
	unsigned long set = p[0].value.a;
	uint32_t index = 0;
	uint32_t buf_len = (uint32_t)p[2].memref.size;
	uint32_t prop_type = 0;
	TEE_Result res;

	if (types != TYPES(VALUE_INOUT, MEMREF_INPUT, MEMREF_OUTPUT,
			   VALUE_OUTPUT) || !take_name(&p[1], name))
		return TEE_ERROR_BAD_PARAMETERS;

	res = sys_get_property_name_to_index(set, name, strlen(name) + 1,
					     &index);
	p[0].value.a = res;
	p[0].value.b = index;
	p[3].value.a = 0xFFFFFFFFu;
	p[3].value.b = 0;
	if (res != TEE_SUCCESS)
		return TEE_SUCCESS;

	res = sys_get_property(set, index, NULL, NULL, p[2].memref.buffer,
			       &buf_len, &prop_type);
	p[2].memref.size = buf_len;
	p[3].value.a = res;
	p[3].value.b = prop_type;
	return TEE_SUCCESS;
}

static TEE_Result cmd_get_property_by_index(uint32_t types, TEE_Param p[4])
{
	uint32_t name_len = (uint32_t)p[1].memref.size;
	uint32_t buf_len = (uint32_t)p[2].memref.size;
	uint32_t prop_type = 0;
	TEE_Result res;

	if (types != TYPES(VALUE_INPUT, MEMREF_OUTPUT, MEMREF_OUTPUT,
			   VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;

	res = sys_get_property(p[0].value.a, p[0].value.b,
			       p[1].memref.buffer,
			       p[1].memref.buffer ? &name_len : NULL,
			       p[2].memref.buffer,
			       p[2].memref.buffer ? &buf_len : NULL,
			       &prop_type);
	if (p[1].memref.buffer)
		p[1].memref.size = name_len;
	if (p[2].memref.buffer)
		p[2].memref.size = buf_len;
	p[3].value.a = res;
	p[3].value.b = prop_type;
	return TEE_SUCCESS;
}

static TEE_Result cmd_enumerate(uint32_t types, TEE_Param p[4])
{
	static char name[256];
	static char value[512];
	uint8_t *out = p[1].memref.buffer;
	size_t cap = p[1].memref.size;
	size_t used = 0;
	uint32_t count = 0;
	TEE_PropSetHandle e;
	TEE_Result res;

	if (types != TYPES(VALUE_INPUT, MEMREF_OUTPUT, NONE, VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;

	res = TEE_AllocatePropertyEnumerator(&e);
	if (res != TEE_SUCCESS)
		return res;
	TEE_StartPropertyEnumerator(e, propset(p[0].value.a));

	do {
		size_t nlen = sizeof(name);
		size_t vlen = sizeof(value);

		if (TEE_GetPropertyName(e, name, &nlen) != TEE_SUCCESS)
			break;
		if (TEE_GetPropertyAsString(e, NULL, value, &vlen) !=
		    TEE_SUCCESS) {
			memcpy(value, "?", 2);
			vlen = 2;
		}
		/* nlen and vlen both count their NUL. */
		if (used + nlen + vlen <= cap) {
			memcpy(out + used, name, nlen);
			memcpy(out + used + nlen, value, vlen);
		}
		used += nlen + vlen;
		count++;
	} while (TEE_GetNextProperty(e) == TEE_SUCCESS);

	TEE_FreePropertyEnumerator(e);
	p[1].memref.size = used;
	p[3].value.a = used <= cap ? TEE_SUCCESS : TEE_ERROR_SHORT_BUFFER;
	p[3].value.b = count;
	return TEE_SUCCESS;
}

static TEE_Result cmd_check_access(uint32_t types, TEE_Param p[4])
{
	uint8_t stack_array[64];
	uint32_t flags = p[0].value.a;
	void *buf = NULL;
	size_t len = 64;
	void *heap = NULL;

	if (TEE_PARAM_TYPE_GET(types, 0) != T(VALUE_INPUT) ||
	    TEE_PARAM_TYPE_GET(types, 3) != T(VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;

	memset(stack_array, 0x5a, sizeof(stack_array));
	switch (p[0].value.b) {
	case SYSCALLS_TARGET_RODATA:
		buf = (void *)rodata_array;
		break;
	case SYSCALLS_TARGET_DATA:
		buf = data_array;
		break;
	case SYSCALLS_TARGET_BSS:
		buf = bss_array;
		break;
	case SYSCALLS_TARGET_STACK:
		buf = stack_array;
		break;
	case SYSCALLS_TARGET_TEXT:
		buf = (void *)(uintptr_t)&cmd_check_access;
		len = 16;
		break;
	case SYSCALLS_TARGET_HEAP:
		heap = TEE_Malloc(64, TEE_MALLOC_FILL_ZERO);
		if (!heap)
			return TEE_ERROR_OUT_OF_MEMORY;
		buf = heap;
		break;
	case SYSCALLS_TARGET_MEMREF:
		if (!is_memref(TEE_PARAM_TYPE_GET(types, 1)))
			return TEE_ERROR_BAD_PARAMETERS;
		buf = p[1].memref.buffer;
		len = p[1].memref.size;
		break;
	case SYSCALLS_TARGET_UNMAPPED:
		buf = (void *)(uintptr_t)0x100;
		len = 16;
		break;
	case SYSCALLS_TARGET_ADDRESS:
		if (TEE_PARAM_TYPE_GET(types, 2) != T(VALUE_INPUT))
			return TEE_ERROR_BAD_PARAMETERS;
		buf = (void *)(uintptr_t)(((uint64_t)p[2].value.b << 32) |
					  p[2].value.a);
		len = 16;
		break;
	case SYSCALLS_TARGET_HEAP_FREE:
		buf = ta_heap + ta_heap_size - 64;
		break;
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}

	p[3].value.a = sys_check_access_rights(flags, buf, len);
	p[3].value.b = TEE_CheckMemoryAccessRights(flags, buf, len);
	TEE_Free(heap);
	return TEE_SUCCESS;
}

static TEE_Result cmd_cancellation(uint32_t types, TEE_Param p[4])
{
	uint32_t raw_flag = 0;

	if (types != TYPES(VALUE_OUTPUT, VALUE_OUTPUT, VALUE_OUTPUT, NONE))
		return TEE_ERROR_BAD_PARAMETERS;

	p[0].value.a = TEE_GetCancellationFlag();
	p[0].value.b = sys_get_cancellation_flag(&raw_flag);
	p[1].value.a = TEE_UnmaskCancellation();
	p[1].value.b = TEE_GetCancellationFlag();
	p[2].value.a = TEE_MaskCancellation();
	p[2].value.b = TEE_MaskCancellation();
	return TEE_SUCCESS;
}

static uint64_t now_ms(void)
{
	TEE_Time t;

	TEE_GetSystemTime(&t);
	return (uint64_t)t.seconds * 1000 + t.millis;
}

static TEE_Result cmd_wait(uint32_t types, TEE_Param p[4])
{
	uint64_t start;
	TEE_Result res;

	if (types != TYPES(VALUE_INPUT, VALUE_OUTPUT, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;

	if (p[0].value.b)
		TEE_UnmaskCancellation();
	start = now_ms();
	res = TEE_Wait(p[0].value.a);
	p[1].value.b = (uint32_t)(now_ms() - start);
	if (p[0].value.b)
		TEE_MaskCancellation();
	p[1].value.a = res;
	return TEE_SUCCESS;
}

static TEE_Result cmd_get_times(uint32_t types, TEE_Param p[4])
{
	TEE_Time sys_time;
	TEE_Time ta_time;
	TEE_Time ree_time;
	TEE_Time raw;

	if (types != TYPES(VALUE_OUTPUT, VALUE_OUTPUT, VALUE_OUTPUT,
			   VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;

	TEE_GetSystemTime(&sys_time);
	p[3].value.a = TEE_GetTAPersistentTime(&ta_time);
	p[3].value.b = sys_get_time(SYS_TIME_TA_PERSISTENT, &raw);
	TEE_GetREETime(&ree_time);

	p[0].value.a = sys_time.seconds;
	p[0].value.b = sys_time.millis;
	p[1].value.a = ta_time.seconds;
	p[1].value.b = ta_time.millis;
	p[2].value.a = ree_time.seconds;
	p[2].value.b = ree_time.millis;
	return TEE_SUCCESS;
}

static TEE_Result cmd_set_ta_time(uint32_t types, TEE_Param p[4])
{
	TEE_Time t = { .seconds = p[0].value.a, .millis = p[0].value.b };
	TEE_Time back = { 0, 0 };

	if (types != TYPES(VALUE_INPUT, VALUE_OUTPUT, VALUE_OUTPUT, NONE))
		return TEE_ERROR_BAD_PARAMETERS;

	p[2].value.a = TEE_SetTAPersistentTime(&t);
	p[2].value.b = TEE_GetTAPersistentTime(&back);
	p[1].value.a = back.seconds;
	p[1].value.b = back.millis;
	return TEE_SUCCESS;
}

static TEE_Result cmd_random(uint32_t types, TEE_Param p[4])
{
	if (types != TYPES(MEMREF_OUTPUT, NONE, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_GenerateRandom(p[0].memref.buffer, p[0].memref.size);
	return TEE_SUCCESS;
}

static TEE_Result cmd_log(uint32_t types, TEE_Param p[4])
{
	const char *text = p[0].memref.buffer;
	int len = (int)p[0].memref.size;

	if (types != TYPES(MEMREF_INPUT, VALUE_INPUT, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;

	switch (p[1].value.a) {
	case SYSCALLS_LOG_RAW:
		sys_log(text, p[0].memref.size);
		break;
	case SYSCALLS_LOG_IMSG:
		IMSG("%.*s", len, text);
		break;
	case SYSCALLS_LOG_DMSG:
		DMSG("%.*s", len, text);
		break;
	case SYSCALLS_LOG_EMSG:
		EMSG("%.*s", len, text);
		break;
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}
	return TEE_SUCCESS;
}

static TEE_Result cmd_log_format(uint32_t types, TEE_Param p[4])
{
	if (types != TYPES(VALUE_OUTPUT, NONE, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;

	IMSG("fmt d=%d u=%u x=%x X=%X", -42, 42u, 0xbeefu, 0xbeefu);
	IMSG("fmt s=[%s] [%5s] [%-5s] [%.2s]", "abc", "ab", "ab", "abc");
	IMSG("fmt pad=[%08x] [%3d] [%-3d] c=%c %%", 0x1234u, 7, 7, 'Z');
	IMSG("fmt l=%lu ll=%lld zx=%zx p=%p", 18446744073709551615ul,
	     -9000000000ll, (size_t)0xabc, (void *)(uintptr_t)0x1000);
	p[0].value.a = 4;
	return TEE_SUCCESS;
}

static TEE_Result cmd_raw_syscall(uint32_t types, TEE_Param p[4])
{
	if (types != TYPES(VALUE_INPUT, VALUE_INPUT, VALUE_INPUT,
			   VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	p[3].value.a = sys_raw(p[0].value.a, p[1].value.a, p[1].value.b,
			       p[2].value.a, p[2].value.b);
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
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *sessionContext)
{
}

TEE_Result TA_InvokeCommandEntryPoint(void *sessionContext,
				      uint32_t commandID, uint32_t paramTypes,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	switch (commandID) {
	case SYSCALLS_CMD_GET_PROPERTY:
		return cmd_get_property(paramTypes, params);
	case SYSCALLS_CMD_GET_PROPERTY_RAW:
		return cmd_get_property_raw(paramTypes, params);
	case SYSCALLS_CMD_GET_PROPERTY_BY_INDEX:
		return cmd_get_property_by_index(paramTypes, params);
	case SYSCALLS_CMD_ENUMERATE:
		return cmd_enumerate(paramTypes, params);
	case SYSCALLS_CMD_CHECK_ACCESS:
		return cmd_check_access(paramTypes, params);
	case SYSCALLS_CMD_CANCELLATION:
		return cmd_cancellation(paramTypes, params);
	case SYSCALLS_CMD_WAIT:
		return cmd_wait(paramTypes, params);
	case SYSCALLS_CMD_GET_TIMES:
		return cmd_get_times(paramTypes, params);
	case SYSCALLS_CMD_SET_TA_TIME:
		return cmd_set_ta_time(paramTypes, params);
	case SYSCALLS_CMD_RANDOM:
		return cmd_random(paramTypes, params);
	case SYSCALLS_CMD_LOG:
		return cmd_log(paramTypes, params);
	case SYSCALLS_CMD_LOG_FORMAT:
		return cmd_log_format(paramTypes, params);
	case SYSCALLS_CMD_PANIC:
		if (paramTypes != TYPES(VALUE_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_Panic(params[0].value.a);
	case SYSCALLS_CMD_RAW_SYSCALL:
		return cmd_raw_syscall(paramTypes, params);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
