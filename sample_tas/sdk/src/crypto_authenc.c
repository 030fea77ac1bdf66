/*
 * GP authenticated encryption (AES-GCM, AES-CCM) over syscalls 34-38,
 * with libutee's tag-length check for GCM, its block buffering for CCM
 * and its result rules: TEE_ERROR_MAC_INVALID and TEE_ERROR_SHORT_BUFFER
 * are returned, every other failure panics.
 */
#include "crypto_private.h"

TEE_Result TEE_AEInit(TEE_OperationHandle operation, const void *nonce,
		      size_t nonceLen, uint32_t tagLen, size_t AADLen,
		      size_t payloadLen)
{
	TEE_Result res;

	if (operation == TEE_HANDLE_NULL || !nonce ||
	    operation->info.operationClass != TEE_OPERATION_AE ||
	    operation->operationState != TEE_OPERATION_STATE_INITIAL)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	/* GP: a GCM tag is 96, 104, 112, 120 or 128 bits (CCM: the kernel). */
	if (operation->info.algorithm == TEE_ALG_AES_GCM &&
	    (tagLen < 96 || tagLen > 128 || tagLen % 8))
		return TEE_ERROR_NOT_SUPPORTED;
	res = sys_authenc_init(operation->state, nonce, nonceLen, tagLen / 8,
			       AADLen, payloadLen);
	if (res == TEE_ERROR_NOT_SUPPORTED)
		return res;
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
	operation->info.digestLength = tagLen / 8;
	operation->buffer_offs = 0;
	operation->info.handleState |= TEE_HANDLE_FLAG_INITIALIZED;
	return TEE_SUCCESS;
}

void TEE_AEUpdateAAD(TEE_OperationHandle operation, const void *AADdata,
		     size_t AADdataLen)
{
	TEE_Result res;

	if (operation == TEE_HANDLE_NULL || (!AADdata && AADdataLen) ||
	    operation->info.operationClass != TEE_OPERATION_AE ||
	    operation->operationState != TEE_OPERATION_STATE_INITIAL ||
	    !(operation->info.handleState & TEE_HANDLE_FLAG_INITIALIZED))
		TEE_Panic(0);
	res = sys_authenc_update_aad(operation->state, AADdata, AADdataLen);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

static bool ae_initialized(TEE_OperationHandle op)
{
	return op->info.operationClass == TEE_OPERATION_AE &&
	       (op->info.handleState & TEE_HANDLE_FLAG_INITIALIZED);
}

TEE_Result TEE_AEUpdate(TEE_OperationHandle operation, const void *srcData,
			size_t srcLen, void *destData, size_t *destLen)
{
	TEE_Result res = TEE_SUCCESS;
	size_t req;
	uint64_t dl;

	if (operation == TEE_HANDLE_NULL || (!srcData && srcLen))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	sdk_check_outbuf(destData, destLen);
	if (!ae_initialized(operation))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (!srcData && !srcLen) {
		*destLen = 0;
		return TEE_SUCCESS;
	}
	req = srcLen;
	if (operation->block_size > 1)
		req = SDK_ROUNDDOWN(operation->buffer_offs + srcLen,
				    operation->block_size);
	if (*destLen < req) {
		*destLen = req;
		return TEE_ERROR_SHORT_BUFFER;
	}
	dl = *destLen;
	if (operation->block_size > 1)
		res = sdk_buffer_update(operation, sys_authenc_update_payload,
					srcData, srcLen, destData, &dl);
	else if (srcLen)
		res = sys_authenc_update_payload(operation->state, srcData,
						 srcLen, destData, &dl);
	else
		dl = 0;
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
	*destLen = dl;
	if (srcLen)
		operation->operationState = TEE_OPERATION_STATE_ACTIVE;
	return TEE_SUCCESS;
}

/* Buffered CCM data goes through the buffer; returns bytes written. */
static uint64_t ae_feed(TEE_OperationHandle op, const void *src, size_t slen,
			uint8_t *dst, size_t room)
{
	uint64_t tmp = room;

	sdk_buffer_update(op, sys_authenc_update_payload, src, slen, dst, &tmp);
	return tmp;
}

static void ae_done(TEE_OperationHandle op)
{
	op->info.handleState &= ~TEE_HANDLE_FLAG_INITIALIZED;
	op->operationState = TEE_OPERATION_STATE_INITIAL;
}

TEE_Result TEE_AEEncryptFinal(TEE_OperationHandle operation,
			      const void *srcData, size_t srcLen,
			      void *destData, size_t *destLen, void *tag,
			      size_t *tagLen)
{
	TEE_Result res = TEE_ERROR_GENERIC;
	uint8_t *dst = destData;
	uint64_t tmp;
	uint64_t tl;
	size_t acc = 0;

	if (operation == TEE_HANDLE_NULL || (!srcData && srcLen))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	sdk_check_inout(destLen, sizeof(*destLen));
	sdk_check_inout(tagLen, sizeof(*tagLen));
	if (!ae_initialized(operation))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	/* Both sizes are checked (and reported) before anything is fed. */
	if (*destLen < operation->buffer_offs + srcLen) {
		*destLen = operation->buffer_offs + srcLen;
		res = TEE_ERROR_SHORT_BUFFER;
	}
	if (*tagLen < operation->info.digestLength) {
		*tagLen = operation->info.digestLength;
		res = TEE_ERROR_SHORT_BUFFER;
	}
	if (res == TEE_ERROR_SHORT_BUFFER)
		return res;
	tl = *tagLen;
	if (operation->block_size > 1) {
		acc = ae_feed(operation, srcData, srcLen, dst, *destLen);
		tmp = *destLen - acc;
		res = sys_authenc_enc_final(operation->state, operation->buffer,
					    operation->buffer_offs, dst + acc,
					    &tmp, tag, &tl);
	} else {
		tmp = *destLen;
		res = sys_authenc_enc_final(operation->state, srcData, srcLen,
					    dst, &tmp, tag, &tl);
	}
	*tagLen = tl;
	if (res == TEE_ERROR_SHORT_BUFFER)
		return res;
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
	*destLen = acc + tmp;
	ae_done(operation);
	return TEE_SUCCESS;
}

TEE_Result TEE_AEDecryptFinal(TEE_OperationHandle operation,
			      const void *srcData, size_t srcLen,
			      void *destData, size_t *destLen, void *tag,
			      size_t tagLen)
{
	uint8_t *dst = destData;
	TEE_Result res;
	uint64_t tmp;
	size_t acc = 0;

	if (operation == TEE_HANDLE_NULL || (!srcData && srcLen))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	sdk_check_inout(destLen, sizeof(*destLen));
	if (!ae_initialized(operation))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (*destLen < operation->buffer_offs + srcLen) {
		*destLen = operation->buffer_offs + srcLen;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (operation->block_size > 1) {
		acc = ae_feed(operation, srcData, srcLen, dst, *destLen);
		tmp = *destLen - acc;
		res = sys_authenc_dec_final(operation->state, operation->buffer,
					    operation->buffer_offs, dst + acc,
					    &tmp, tag, tagLen);
	} else {
		tmp = *destLen;
		res = sys_authenc_dec_final(operation->state, srcData, srcLen,
					    dst, &tmp, tag, tagLen);
	}
	if (res == TEE_ERROR_SHORT_BUFFER || res == TEE_ERROR_MAC_INVALID)
		return res;
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
	/* The tag must be as long as the one the operation was set up for. */
	if (tagLen != operation->info.digestLength)
		res = TEE_ERROR_MAC_INVALID;
	*destLen = acc + tmp;
	ae_done(operation);
	return res;
}
