/* SHA-256 over client data or over a built-in benchmark buffer. */
#include <tee_internal_api.h>
#include "bench_data.h"
#include "sha256.h"
#include "sha256_ta.h"

#define T(x) TEE_PARAM_TYPE_##x
#define TYPES(a, b, c, d) TEE_PARAM_TYPES(T(a), T(b), T(c), T(d))

static uint8_t bench_data[BENCH_DATA_SIZE];
static bool bench_ready;

static void prepare(void)
{
	if (!bench_ready) {
		bench_data_fill(bench_data, sizeof(bench_data));
		bench_ready = true;
	}
}

static bool room_for_digest(TEE_Param *out)
{
	if (out->memref.size < SHA256_DIGEST_SIZE) {
		out->memref.size = SHA256_DIGEST_SIZE;
		return false;
	}
	out->memref.size = SHA256_DIGEST_SIZE;
	return true;
}

static TEE_Result cmd_digest(uint32_t types, TEE_Param p[4])
{
	if (types != TYPES(MEMREF_INPUT, MEMREF_OUTPUT, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!room_for_digest(&p[1]))
		return TEE_ERROR_SHORT_BUFFER;
	sha256_digest(p[0].memref.buffer, p[0].memref.size, p[1].memref.buffer);
	return TEE_SUCCESS;
}

static TEE_Result cmd_bench(uint32_t types, TEE_Param p[4])
{
	uint32_t len = p[0].value.a;
	uint32_t rounds = p[0].value.b ? p[0].value.b : 1;
	uint8_t digest[SHA256_DIGEST_SIZE];
	uint32_t i;

	if (types != TYPES(VALUE_INPUT, MEMREF_OUTPUT, NONE, NONE) ||
	    len > BENCH_DATA_SIZE)
		return TEE_ERROR_BAD_PARAMETERS;
	if (!room_for_digest(&p[1]))
		return TEE_ERROR_SHORT_BUFFER;
	prepare();
	for (i = 0; i < rounds; i++)
		sha256_digest(bench_data, len, digest);
	TEE_MemMove(p[1].memref.buffer, digest, sizeof(digest));
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
	case SHA256_CMD_DIGEST:
		return cmd_digest(paramTypes, params);
	case SHA256_CMD_BENCH:
		return cmd_bench(paramTypes, params);
	case SHA256_CMD_PREPARE:
		if (paramTypes != TYPES(NONE, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		prepare();
		return TEE_SUCCESS;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
