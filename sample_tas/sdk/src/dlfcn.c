/*
 * dlopen/dlsym/dlclose over the system pseudo-TA, as OP-TEE's libdl: the
 * file name is a UUID string; a handle remembers that UUID. dlsym looks in
 * the library first, then in every module of the TA. This SDK runs no ELF
 * constructors, so nothing more happens after a library is mapped.
 */
#include "sdk_private.h"
#include <dlfcn.h>
#include <pta_system.h>

struct dl_handle {
	TEE_UUID uuid;
};

static TEE_TASessionHandle sess;
static size_t handles;

static TEE_Result invoke_system_pta(uint32_t cmd, uint32_t types,
				    TEE_Param params[4])
{
	static const TEE_UUID uuid = PTA_SYSTEM_UUID;

	return sdk_invoke_pta(&uuid, &sess, cmd, types, params);
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" into a TEE_UUID. */
static bool uuid_from_str(TEE_UUID *uuid, const char *s)
{
	uint8_t b[16];
	size_t i = 0;
	size_t n;

	if (strlen(s) != 36)
		return false;
	for (n = 0; n < 36; n++) {
		int hi;
		int lo;

		if (n == 8 || n == 13 || n == 18 || n == 23) {
			if (s[n] != '-')
				return false;
			continue;
		}
		hi = hex(s[n]);
		lo = hex(s[++n]);
		if (hi < 0 || lo < 0)
			return false;
		b[i++] = (uint8_t)(hi << 4 | lo);
	}
	uuid->timeLow = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
			(uint32_t)b[2] << 8 | b[3];
	uuid->timeMid = (uint16_t)(b[4] << 8 | b[5]);
	uuid->timeHiAndVersion = (uint16_t)(b[6] << 8 | b[7]);
	memcpy(uuid->clockSeqAndNode, b + 8, 8);
	return true;
}

void *dlopen(const char *filename, int flags)
{
	TEE_Param params[4] = { 0 };
	struct dl_handle *h = TEE_Malloc(sizeof(*h), TEE_MALLOC_FILL_ZERO);

	if (!h)
		return NULL;
	if (filename) {
		if (!uuid_from_str(&h->uuid, filename))
			goto err;
		params[0].memref.buffer = &h->uuid;
		params[0].memref.size = sizeof(h->uuid);
		params[1].value.a = (uint32_t)flags;
		if (invoke_system_pta(PTA_SYSTEM_DLOPEN,
				      TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT,
						      TEE_PARAM_TYPE_VALUE_INPUT,
						      TEE_PARAM_TYPE_NONE,
						      TEE_PARAM_TYPE_NONE),
				      params) != TEE_SUCCESS)
			goto err;
	}
	handles++;
	return h;
err:
	TEE_Free(h);
	return NULL;
}

int dlclose(void *handle)
{
	TEE_Free(handle);
	handles--;
	if (!handles && sess) {
		TEE_CloseTASession(sess);
		sess = TEE_HANDLE_NULL;
	}
	return 0;
}

void *dlsym(void *handle, const char *symbol)
{
	struct dl_handle *h = handle;
	TEE_Param params[4] = { 0 };

	if (!h || !symbol)
		return NULL;
	params[0].memref.buffer = &h->uuid;
	params[0].memref.size = sizeof(h->uuid);
	params[1].memref.buffer = (void *)symbol;
	params[1].memref.size = strlen(symbol) + 1;
	if (invoke_system_pta(PTA_SYSTEM_DLSYM,
			      TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT,
					      TEE_PARAM_TYPE_MEMREF_INPUT,
					      TEE_PARAM_TYPE_VALUE_OUTPUT,
					      TEE_PARAM_TYPE_NONE),
			      params) != TEE_SUCCESS)
		return NULL;
	return (void *)(uintptr_t)(((uint64_t)params[2].value.a << 32) |
				   params[2].value.b);
}
