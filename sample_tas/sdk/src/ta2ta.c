/*
 * The GP Internal Client API over syscalls 5-7, with libutee's rules:
 *
 * - a memref that lies in this TA's memory (it passes the READ access
 *   check) is given to the callee as a copy in a temporary shareable
 *   mapping from the system PTA (tee_map_zi), rounded up to 16 bytes per
 *   parameter; outputs are copied back, at most the caller's size;
 * - parameters and handles are checked as with strict annotation checks
 *   (a bad pointer panics with code 0), and a memref that overlaps one of
 *   this entry's parameters must not ask for more than that parameter grants;
 * - TEE_InvokeTACommand panics on an error that did not come from the
 *   callee, except TEE_ERROR_OUT_OF_MEMORY and TEE_ERROR_TARGET_DEAD.
 */
#include "sdk_private.h"
#include <sdk/syscall.h>
#include <tee_internal_api_extensions.h>

#define TMP_ALIGN	16

static bool is_memref(uint32_t t)
{
	return t == TEE_PARAM_TYPE_MEMREF_INPUT ||
	       t == TEE_PARAM_TYPE_MEMREF_OUTPUT ||
	       t == TEE_PARAM_TYPE_MEMREF_INOUT;
}

static void check_annotation(uint32_t flags, void *buf, size_t len)
{
	if (len && TEE_CheckMemoryAccessRights(flags, buf, len) != TEE_SUCCESS)
		TEE_Panic(0);
}

/* A memref overlapping one of this entry's parameters asks for no more. */
static void check_invoke_params(uint32_t types, TEE_Param params[4])
{
	size_t n;
	size_t k;

	for (n = 0; n < TEE_NUM_PARAMS; n++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, n);
		uintptr_t b = (uintptr_t)params[n].memref.buffer;
		size_t s = params[n].memref.size;
		uint32_t want = TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_ANY_OWNER;

		if (!is_memref(t) || !s)
			continue;
		if (t != TEE_PARAM_TYPE_MEMREF_INPUT)
			want |= TEE_MEMORY_ACCESS_WRITE;
		for (k = 0; k < TEE_NUM_PARAMS; k++) {
			uint32_t et = TEE_PARAM_TYPE_GET(sdk_entry_param_types, k);
			uintptr_t eb = (uintptr_t)sdk_entry_params[k].memref.buffer;
			size_t es = sdk_entry_params[k].memref.size;
			uint32_t grant = TEE_MEMORY_ACCESS_READ |
					 TEE_MEMORY_ACCESS_ANY_OWNER;

			if (!is_memref(et) || !es)
				continue;
			if (et != TEE_PARAM_TYPE_MEMREF_INPUT)
				grant |= TEE_MEMORY_ACCESS_WRITE;
			if (b < eb + es && eb < b + s && (want & ~grant))
				TEE_Panic(0);
		}
	}
}

static void to_utee(struct utee_params *up, uint32_t types,
		    const TEE_Param params[4])
{
	size_t n;

	up->types = types;
	for (n = 0; n < TEE_NUM_PARAMS; n++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, n);

		if (t == TEE_PARAM_TYPE_VALUE_INPUT ||
		    t == TEE_PARAM_TYPE_VALUE_INOUT) {
			up->vals[2 * n] = params[n].value.a;
			up->vals[2 * n + 1] = params[n].value.b;
		} else if (is_memref(t)) {
			up->vals[2 * n] = (uintptr_t)params[n].memref.buffer;
			up->vals[2 * n + 1] = params[n].memref.size;
		} else {
			up->vals[2 * n] = 0;
			up->vals[2 * n + 1] = 0;
		}
	}
}

/* Private buffers go through one temporary shareable mapping. */
static TEE_Result map_tmp(struct utee_params *up, void **tmp, size_t *tmp_len,
			  uint8_t *tmp_va[4])
{
	bool copy[TEE_NUM_PARAMS] = { false };
	size_t total = 0;
	uint8_t *p;
	size_t n;

	*tmp = NULL;
	*tmp_len = 0;
	for (n = 0; n < TEE_NUM_PARAMS; n++) {
		void *b = (void *)(uintptr_t)up->vals[2 * n];
		size_t s = up->vals[2 * n + 1];

		tmp_va[n] = NULL;
		if (!is_memref(TEE_PARAM_TYPE_GET(up->types, n)) || !b || !s)
			continue;
		if (TEE_CheckMemoryAccessRights(TEE_MEMORY_ACCESS_READ, b, s) ==
		    TEE_SUCCESS) {
			copy[n] = true;
			total += (s + TMP_ALIGN - 1) & ~(size_t)(TMP_ALIGN - 1);
		}
	}
	if (!total)
		return TEE_SUCCESS;
	p = tee_map_zi(total, TEE_MEMORY_ACCESS_ANY_OWNER);
	if (!p)
		return TEE_ERROR_OUT_OF_MEMORY;
	*tmp = p;
	*tmp_len = total;
	for (n = 0; n < TEE_NUM_PARAMS; n++) {
		size_t s = up->vals[2 * n + 1];

		if (!copy[n])
			continue;
		tmp_va[n] = p;
		if (TEE_PARAM_TYPE_GET(up->types, n) !=
		    TEE_PARAM_TYPE_MEMREF_OUTPUT)
			memcpy(p, (void *)(uintptr_t)up->vals[2 * n], s);
		up->vals[2 * n] = (uintptr_t)p;
		p += (s + TMP_ALIGN - 1) & ~(size_t)(TMP_ALIGN - 1);
	}
	return TEE_SUCCESS;
}

static void from_utee(TEE_Param params[4], uint8_t *tmp_va[4],
		      const struct utee_params *up)
{
	size_t n;

	for (n = 0; n < TEE_NUM_PARAMS; n++) {
		uint32_t t = TEE_PARAM_TYPE_GET(up->types, n);
		uint64_t a = up->vals[2 * n];
		uint64_t b = up->vals[2 * n + 1];

		if (t == TEE_PARAM_TYPE_VALUE_OUTPUT ||
		    t == TEE_PARAM_TYPE_VALUE_INOUT) {
			params[n].value.a = a;
			params[n].value.b = b;
		} else if (t == TEE_PARAM_TYPE_MEMREF_OUTPUT ||
			   t == TEE_PARAM_TYPE_MEMREF_INOUT) {
			if (tmp_va[n])
				memcpy(params[n].memref.buffer, tmp_va[n],
				       b < params[n].memref.size ?
				       b : params[n].memref.size);
			params[n].memref.size = b;
		}
	}
}

static void unmap_tmp(void *tmp, size_t len)
{
	TEE_Result res;

	if (!tmp)
		return;
	res = tee_unmap(tmp, len);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

TEE_Result TEE_OpenTASession(const TEE_UUID *destination,
			     uint32_t cancellationRequestTimeout,
			     uint32_t paramTypes, TEE_Param params[4],
			     TEE_TASessionHandle *session,
			     uint32_t *returnOrigin)
{
	struct utee_params up;
	uint8_t *tmp_va[TEE_NUM_PARAMS];
	void *tmp = NULL;
	size_t tmp_len = 0;
	uint32_t s = 0;
	TEE_Result res;

	if (paramTypes) {
		check_annotation(TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_WRITE,
				 params, sizeof(TEE_Param) * TEE_NUM_PARAMS);
		check_invoke_params(paramTypes, params);
	}
	check_annotation(TEE_MEMORY_ACCESS_WRITE, session, sizeof(*session));

	to_utee(&up, paramTypes, params);
	res = map_tmp(&up, &tmp, &tmp_len, tmp_va);
	if (res == TEE_SUCCESS) {
		res = sys_open_ta_session(destination,
					  cancellationRequestTimeout, &up, &s,
					  returnOrigin);
		from_utee(params, tmp_va, &up);
		unmap_tmp(tmp, tmp_len);
	}
	if (res != TEE_SUCCESS)
		s = 0;
	*session = (TEE_TASessionHandle)(uintptr_t)s;
	return res;
}

void TEE_CloseTASession(TEE_TASessionHandle session)
{
	TEE_Result res;

	if (!session)
		return;
	res = sys_close_ta_session((uintptr_t)session);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

TEE_Result TEE_InvokeTACommand(TEE_TASessionHandle session,
			       uint32_t cancellationRequestTimeout,
			       uint32_t commandID, uint32_t paramTypes,
			       TEE_Param params[4], uint32_t *returnOrigin)
{
	uint32_t origin = TEE_ORIGIN_TEE;
	struct utee_params up;
	uint8_t *tmp_va[TEE_NUM_PARAMS];
	void *tmp = NULL;
	size_t tmp_len = 0;
	TEE_Result res;

	if (paramTypes) {
		check_annotation(TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_WRITE,
				 params, sizeof(TEE_Param) * TEE_NUM_PARAMS);
		check_invoke_params(paramTypes, params);
	}
	if (returnOrigin)
		check_annotation(TEE_MEMORY_ACCESS_WRITE, returnOrigin,
				 sizeof(*returnOrigin));

	to_utee(&up, paramTypes, params);
	res = map_tmp(&up, &tmp, &tmp_len, tmp_va);
	if (res == TEE_SUCCESS) {
		res = sys_invoke_ta_command((uintptr_t)session,
					    cancellationRequestTimeout,
					    commandID, &up, &origin);
		from_utee(params, tmp_va, &up);
		unmap_tmp(tmp, tmp_len);
	}
	if (returnOrigin)
		*returnOrigin = origin;
	if (origin == TEE_ORIGIN_TRUSTED_APP)
		return res;
	if (res != TEE_SUCCESS && res != TEE_ERROR_OUT_OF_MEMORY &&
	    res != TEE_ERROR_TARGET_DEAD)
		TEE_Panic(res);
	return res;
}

TEE_Result sdk_invoke_pta(const TEE_UUID *uuid, TEE_TASessionHandle *sess,
			  uint32_t cmd, uint32_t types, TEE_Param params[4])
{
	if (!*sess) {
		TEE_Result res = TEE_OpenTASession(uuid, TEE_TIMEOUT_INFINITE, 0,
						   NULL, sess, NULL);

		if (res != TEE_SUCCESS)
			return res;
	}
	return TEE_InvokeTACommand(*sess, TEE_TIMEOUT_INFINITE, cmd, types,
				   params, NULL);
}
