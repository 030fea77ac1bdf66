/*
 * GP symmetric cipher and authenticated-encryption functions over syscalls
 * 21-23 and 34-38.
 *
 * Block modes buffer partial blocks in the TA exactly like OP-TEE's
 * libutee (tee_buffer_update): the kernel only ever sees whole blocks,
 * CTS and XTS keep the last two blocks back for the final call, and the
 * needed output size is checked before any data is fed, so a short buffer
 * leaves the operation untouched and reports the size back.
 */
#include "crypto_private.h"

TEE_Result sdk_buffer_update(TEE_OperationHandle op, sdk_update_fn update,
			     const void *src_data, size_t src_len,
			     void *dest_data, uint64_t *dest_len)
{
	const uint8_t *src = src_data;
	uint8_t *dst = dest_data;
	size_t slen = src_len;
	size_t dlen = *dest_len;
	size_t acc = 0;
	size_t buffer_size = op->block_size * (op->buffer_two_blocks ? 2 : 1);
	size_t buffer_left = op->buffer_two_blocks ? 1 : 0;
	uint64_t tmp;
	size_t l;
	TEE_Result res;

	if (!src) {
		if (slen)
			TEE_Panic(0);
		goto out;
	}
	if (op->buffer_offs > 0) {
		/* Complete the buffered block first. */
		if (op->buffer_offs < op->block_size)
			l = SDK_MIN(slen, op->block_size - op->buffer_offs);
		else
			l = SDK_MIN(slen, buffer_size - op->buffer_offs);
		memcpy(op->buffer + op->buffer_offs, src, l);
		op->buffer_offs += l;
		src += l;
		slen -= l;
		if (op->buffer_offs % op->block_size)
			goto out;
	}
	if (op->buffer_offs > 0 &&
	    op->buffer_offs + slen >= buffer_size + buffer_left) {
		/* Feed from the buffer. */
		l = SDK_ROUNDUP(op->buffer_offs + slen - buffer_size,
				op->block_size);
		l = SDK_MIN(op->buffer_offs, l);
		if (!op->buffer_two_blocks)
			l = op->block_size;
		tmp = dlen;
		res = update(op->state, op->buffer, l, dst, &tmp);
		if (res != TEE_SUCCESS)
			TEE_Panic(res);
		dst += tmp;
		dlen -= tmp;
		acc += tmp;
		op->buffer_offs -= l;
		if (op->buffer_offs > 0) {
			/* What is left fits the buffer. */
			memcpy(op->buffer, op->buffer + l, buffer_size - l);
			memcpy(op->buffer + op->buffer_offs, src, slen);
			op->buffer_offs += slen;
			goto out;
		}
	}
	if (slen >= buffer_size + buffer_left) {
		/* The buffer is empty: feed as much as possible directly. */
		if (op->buffer_two_blocks)
			l = SDK_ROUNDUP(slen - buffer_size, op->block_size);
		else
			l = SDK_ROUNDUP(slen - buffer_size + 1, op->block_size);
		tmp = dlen;
		res = update(op->state, src, l, dst, &tmp);
		if (res != TEE_SUCCESS)
			TEE_Panic(res);
		src += l;
		slen -= l;
		dst += tmp;
		dlen -= tmp;
		acc += tmp;
	}
	memcpy(op->buffer + op->buffer_offs, src, slen);
	op->buffer_offs += slen;
out:
	*dest_len = acc;
	return TEE_SUCCESS;
}

void TEE_CipherInit(TEE_OperationHandle operation, const void *IV,
		    size_t IVLen)
{
	uint32_t algo;
	TEE_Result res;

	if (operation == TEE_HANDLE_NULL ||
	    operation->info.operationClass != TEE_OPERATION_CIPHER ||
	    !(operation->info.handleState & TEE_HANDLE_FLAG_KEY_SET) ||
	    !operation->key1)
		TEE_Panic(0);
	if (operation->operationState != TEE_OPERATION_STATE_INITIAL)
		TEE_ResetOperation(operation);
	algo = operation->info.algorithm;
	/* ECB takes no IV. */
	if (IV && IVLen && (algo == TEE_ALG_AES_ECB_NOPAD ||
			    algo == TEE_ALG_DES_ECB_NOPAD ||
			    algo == TEE_ALG_DES3_ECB_NOPAD ||
			    algo == TEE_ALG_SM4_ECB_NOPAD))
		TEE_Panic(0);
	operation->operationState = TEE_OPERATION_STATE_ACTIVE;
	res = sys_cipher_init(operation->state, IV, IVLen);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
	operation->buffer_offs = 0;
	operation->info.handleState |= TEE_HANDLE_FLAG_INITIALIZED;
}

static bool cipher_active(TEE_OperationHandle op)
{
	return op->info.operationClass == TEE_OPERATION_CIPHER &&
	       (op->info.handleState & TEE_HANDLE_FLAG_INITIALIZED) &&
	       op->operationState == TEE_OPERATION_STATE_ACTIVE;
}

/* Output a cipher update produces from the buffered and the new bytes. */
static size_t cipher_update_size(TEE_OperationHandle op, size_t src_len)
{
	size_t bs = op->block_size;
	size_t req = src_len;

	if (bs > 1)
		req = ((op->buffer_offs + src_len) / bs) * bs;
	if (op->buffer_two_blocks) {
		if (op->buffer_offs + src_len > bs * 2)
			req = SDK_ROUNDUP(op->buffer_offs + src_len - bs * 2,
					  bs);
		else
			req = 0;
	}
	return req;
}

TEE_Result TEE_CipherUpdate(TEE_OperationHandle operation,
			    const void *srcData, size_t srcLen,
			    void *destData, size_t *destLen)
{
	TEE_Result res;
	size_t req;
	uint64_t dl;

	if (operation == TEE_HANDLE_NULL || (!srcData && srcLen))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	sdk_check_inout(destLen, sizeof(*destLen));
	if (!cipher_active(operation))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (!srcData && !srcLen) {
		*destLen = 0;
		return TEE_SUCCESS;
	}
	req = cipher_update_size(operation, srcLen);
	if (*destLen < req) {
		*destLen = req;
		return TEE_ERROR_SHORT_BUFFER;
	}
	dl = *destLen;
	if (operation->block_size > 1) {
		res = sdk_buffer_update(operation, sys_cipher_update, srcData,
					srcLen, destData, &dl);
	} else if (srcLen) {
		res = sys_cipher_update(operation->state, srcData, srcLen,
					destData, &dl);
	} else {
		res = TEE_SUCCESS;
		dl = 0;
	}
	*destLen = dl;
	if (res != TEE_SUCCESS && res != TEE_ERROR_SHORT_BUFFER)
		TEE_Panic(res);
	return res;
}

static bool nopad_algo(uint32_t algo)
{
	return algo == TEE_ALG_AES_ECB_NOPAD || algo == TEE_ALG_AES_CBC_NOPAD ||
	       algo == TEE_ALG_DES_ECB_NOPAD || algo == TEE_ALG_DES_CBC_NOPAD ||
	       algo == TEE_ALG_DES3_ECB_NOPAD ||
	       algo == TEE_ALG_DES3_CBC_NOPAD ||
	       algo == TEE_ALG_SM4_ECB_NOPAD || algo == TEE_ALG_SM4_CBC_NOPAD;
}

TEE_Result TEE_CipherDoFinal(TEE_OperationHandle operation,
			     const void *srcData, size_t srcLen,
			     void *destData, size_t *destLen)
{
	uint8_t *dst = destData;
	uint64_t tmp = 0;
	size_t acc = 0;
	size_t req;
	TEE_Result res;

	if (operation == TEE_HANDLE_NULL || (!srcData && srcLen))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (destLen)
		sdk_check_inout(destLen, sizeof(*destLen));
	if (!cipher_active(operation))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	/* Without padding the data must end on a block boundary. */
	if (nopad_algo(operation->info.algorithm) &&
	    (operation->buffer_offs + srcLen) % operation->block_size)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	req = srcLen;
	if (operation->block_size > 1)
		req = operation->buffer_offs + srcLen;
	if (destLen)
		tmp = *destLen;
	if (tmp < req) {
		if (destLen)
			*destLen = req;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (operation->block_size > 1) {
		if (srcLen) {
			sdk_buffer_update(operation, sys_cipher_update, srcData,
					  srcLen, dst, &tmp);
			dst += tmp;
			acc += tmp;
			tmp = *destLen - acc;
		}
		res = sys_cipher_final(operation->state, operation->buffer,
				       operation->buffer_offs, dst, &tmp);
	} else {
		res = sys_cipher_final(operation->state, srcData, srcLen, dst,
				       &tmp);
	}
	if (res == TEE_ERROR_SHORT_BUFFER)
		return res;
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
	acc += tmp;
	if (destLen)
		*destLen = acc;
	operation->info.handleState &= ~TEE_HANDLE_FLAG_INITIALIZED;
	operation->operationState = TEE_OPERATION_STATE_INITIAL;
	return TEE_SUCCESS;
}
