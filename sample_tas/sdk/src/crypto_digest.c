/*
 * GP message digest and MAC functions over syscalls 18-20 (the kernel
 * routes MACs through the hash calls). Result and panic rules are
 * libutee's: e.g. TEE_DigestDoFinal returns TEE_ERROR_SHORT_BUFFER with
 * the size needed and panics on anything else that is not a success.
 */
#include "crypto_private.h"

static void init_hash_operation(TEE_OperationHandle op, const void *iv,
				size_t iv_len)
{
	TEE_Result res = sys_hash_init(op->state, iv, iv_len);

	if (res != TEE_SUCCESS)
		TEE_Panic(res);
	op->buffer_offs = 0;
	op->info.handleState |= TEE_HANDLE_FLAG_INITIALIZED;
}

void TEE_DigestUpdate(TEE_OperationHandle operation, const void *chunk,
		      size_t chunkSize)
{
	TEE_Result res;

	if (operation == TEE_HANDLE_NULL ||
	    operation->info.operationClass != TEE_OPERATION_DIGEST)
		TEE_Panic(0);
	operation->operationState = TEE_OPERATION_STATE_ACTIVE;
	res = sys_hash_update(operation->state, chunk, chunkSize);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

TEE_Result TEE_DigestDoFinal(TEE_OperationHandle operation, const void *chunk,
			     size_t chunkLen, void *hash, size_t *hashLen)
{
	TEE_Result res = TEE_SUCCESS;
	uint64_t hl;
	size_t len;

	if (operation == TEE_HANDLE_NULL || (!chunk && chunkLen) ||
	    operation->info.operationClass != TEE_OPERATION_DIGEST ||
	    (operation->operationState == TEE_OPERATION_STATE_EXTRACTING &&
	     chunkLen))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	sdk_check_inout(hashLen, sizeof(*hashLen));

	if (operation->operationState == TEE_OPERATION_STATE_EXTRACTING &&
	    operation->buffer) {
		/* The rest of an extraction that already started. */
		len = SDK_MIN(operation->block_size - operation->buffer_offs,
			      *hashLen);
		memcpy(hash, operation->buffer + operation->buffer_offs, len);
		*hashLen = len;
	} else {
		hl = *hashLen;
		res = sys_hash_final(operation->state, chunk, chunkLen, hash,
				     &hl);
		*hashLen = hl;
		if (res == TEE_ERROR_SHORT_BUFFER)
			return res;
		if (res != TEE_SUCCESS)
			TEE_Panic(res);
	}
	init_hash_operation(operation, NULL, 0);
	operation->operationState = TEE_OPERATION_STATE_INITIAL;
	return TEE_SUCCESS;
}

TEE_Result TEE_DigestExtract(TEE_OperationHandle operation, void *hash,
			     size_t *hashLen)
{
	TEE_Result res;
	uint64_t hl;
	size_t len;

	if (operation == TEE_HANDLE_NULL ||
	    operation->info.operationClass != TEE_OPERATION_DIGEST)
		TEE_Panic(0);
	sdk_check_inout(hashLen, sizeof(*hashLen));

	if (!operation->buffer) {
		/* An extendable-output function: the kernel squeezes. */
		operation->info.handleState |= TEE_HANDLE_FLAG_EXTRACTING;
		operation->operationState = TEE_OPERATION_STATE_EXTRACTING;
		hl = *hashLen;
		res = sys_hash_final(operation->state, NULL, 0, hash, &hl);
		if (res != TEE_SUCCESS)
			TEE_Panic(0);
		*hashLen = hl;
		return TEE_SUCCESS;
	}
	if (operation->operationState != TEE_OPERATION_STATE_EXTRACTING) {
		hl = operation->block_size;
		res = sys_hash_final(operation->state, NULL, 0,
				     operation->buffer, &hl);
		if (res != TEE_SUCCESS || hl != operation->block_size)
			TEE_Panic(0);
		operation->info.handleState |= TEE_HANDLE_FLAG_EXTRACTING;
		operation->operationState = TEE_OPERATION_STATE_EXTRACTING;
	}
	len = SDK_MIN(operation->block_size - operation->buffer_offs, *hashLen);
	memcpy(hash, operation->buffer + operation->buffer_offs, len);
	*hashLen = len;
	operation->buffer_offs += len;
	return TEE_SUCCESS;
}

void TEE_MACInit(TEE_OperationHandle operation, const void *IV, size_t IVLen)
{
	if (operation == TEE_HANDLE_NULL ||
	    operation->info.operationClass != TEE_OPERATION_MAC ||
	    !(operation->info.handleState & TEE_HANDLE_FLAG_KEY_SET) ||
	    !operation->key1)
		TEE_Panic(0);
	if (operation->operationState != TEE_OPERATION_STATE_INITIAL)
		TEE_ResetOperation(operation);
	operation->operationState = TEE_OPERATION_STATE_ACTIVE;
	init_hash_operation(operation, IV, IVLen);
}

static bool mac_active(TEE_OperationHandle op)
{
	return op->info.operationClass == TEE_OPERATION_MAC &&
	       (op->info.handleState & TEE_HANDLE_FLAG_INITIALIZED) &&
	       op->operationState == TEE_OPERATION_STATE_ACTIVE;
}

void TEE_MACUpdate(TEE_OperationHandle operation, const void *chunk,
		   size_t chunkSize)
{
	TEE_Result res;

	if (operation == TEE_HANDLE_NULL || (!chunk && chunkSize) ||
	    !mac_active(operation))
		TEE_Panic(0);
	res = sys_hash_update(operation->state, chunk, chunkSize);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

TEE_Result TEE_MACComputeFinal(TEE_OperationHandle operation,
			       const void *message, size_t messageLen,
			       void *mac, size_t *macLen)
{
	TEE_Result res;
	uint64_t ml;

	if (operation == TEE_HANDLE_NULL || (!message && messageLen))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	sdk_check_inout(macLen, sizeof(*macLen));
	if (!mac_active(operation))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	ml = *macLen;
	res = sys_hash_final(operation->state, message, messageLen, mac, &ml);
	*macLen = ml;
	if (res == TEE_ERROR_SHORT_BUFFER)
		return res;
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
	operation->info.handleState &= ~TEE_HANDLE_FLAG_INITIALIZED;
	operation->operationState = TEE_OPERATION_STATE_INITIAL;
	return TEE_SUCCESS;
}

TEE_Result TEE_MACCompareFinal(TEE_OperationHandle operation,
			       const void *message, size_t messageLen,
			       const void *mac, size_t macLen)
{
	uint8_t computed[SDK_MAX_HASH_SIZE] = { 0 };
	size_t computed_len = sizeof(computed);
	TEE_Result res;

	if (!mac_active(operation))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	res = TEE_MACComputeFinal(operation, message, messageLen, computed,
				  &computed_len);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
	if (computed_len != macLen ||
	    TEE_MemCompare(mac, computed, computed_len) != 0)
		return TEE_ERROR_MAC_INVALID;
	operation->operationState = TEE_OPERATION_STATE_INITIAL;
	return TEE_SUCCESS;
}
