/*
 * GP asymmetric operations (syscalls 39-40) and key derivation (32).
 *
 * The operation's mode and class are checked in the TA first (panic 0),
 * then the attribute parameters go to the kernel as struct
 * utee_attribute. Returned results are libutee's: encryption and
 * decryption pass back SHORT_BUFFER, BAD_PARAMETERS, CIPHERTEXT_INVALID
 * and NOT_SUPPORTED; signing SHORT_BUFFER; verification
 * SIGNATURE_INVALID. Everything else panics with the kernel's result.
 */
#include "crypto_private.h"

static void check_asym(TEE_OperationHandle op, uint32_t op_class,
		       uint32_t mode)
{
	if (!op->key1 || op->info.operationClass != op_class ||
	    op->info.mode != mode)
		TEE_Panic(0);
}

static TEE_Result asym_operate(TEE_OperationHandle op, uint32_t op_class,
			       uint32_t mode, const TEE_Attribute *params,
			       uint32_t count, const void *src, size_t slen,
			       void *dst, size_t *dlen)
{
	struct sys_attribute ua[count ? count : 1];
	TEE_Result res;
	uint64_t dl;

	if (op == TEE_HANDLE_NULL || (!src && slen))
		TEE_Panic(0);
	sdk_check_attrs(params, count);
	sdk_check_inout(dlen, sizeof(*dlen));
	check_asym(op, op_class, mode);
	sdk_attrs_to_sys(ua, params, count);
	dl = *dlen;
	res = sys_asymm_operate(op->state, ua, count, src, slen, dst, &dl);
	*dlen = dl;
	return res;
}

static TEE_Result cipher_result(TEE_Result res)
{
	if (res != TEE_SUCCESS && res != TEE_ERROR_SHORT_BUFFER &&
	    res != TEE_ERROR_BAD_PARAMETERS &&
	    res != TEE_ERROR_CIPHERTEXT_INVALID &&
	    res != TEE_ERROR_NOT_SUPPORTED)
		TEE_Panic(res);
	return res;
}

TEE_Result TEE_AsymmetricEncrypt(TEE_OperationHandle operation,
				 const TEE_Attribute *params,
				 uint32_t paramCount, const void *srcData,
				 size_t srcLen, void *destData,
				 size_t *destLen)
{
	return cipher_result(asym_operate(operation,
					  TEE_OPERATION_ASYMMETRIC_CIPHER,
					  TEE_MODE_ENCRYPT, params, paramCount,
					  srcData, srcLen, destData, destLen));
}

TEE_Result TEE_AsymmetricDecrypt(TEE_OperationHandle operation,
				 const TEE_Attribute *params,
				 uint32_t paramCount, const void *srcData,
				 size_t srcLen, void *destData,
				 size_t *destLen)
{
	return cipher_result(asym_operate(operation,
					  TEE_OPERATION_ASYMMETRIC_CIPHER,
					  TEE_MODE_DECRYPT, params, paramCount,
					  srcData, srcLen, destData, destLen));
}

TEE_Result TEE_AsymmetricSignDigest(TEE_OperationHandle operation,
				    const TEE_Attribute *params,
				    uint32_t paramCount, const void *digest,
				    size_t digestLen, void *signature,
				    size_t *signatureLen)
{
	TEE_Result res = asym_operate(operation,
				      TEE_OPERATION_ASYMMETRIC_SIGNATURE,
				      TEE_MODE_SIGN, params, paramCount,
				      digest, digestLen, signature,
				      signatureLen);

	if (res != TEE_SUCCESS && res != TEE_ERROR_SHORT_BUFFER)
		TEE_Panic(res);
	return res;
}

TEE_Result TEE_AsymmetricVerifyDigest(TEE_OperationHandle operation,
				      const TEE_Attribute *params,
				      uint32_t paramCount, const void *digest,
				      size_t digestLen, const void *signature,
				      size_t signatureLen)
{
	struct sys_attribute ua[paramCount ? paramCount : 1];
	TEE_Result res;

	if (operation == TEE_HANDLE_NULL || (!digest && digestLen) ||
	    (!signature && signatureLen))
		TEE_Panic(0);
	sdk_check_attrs(params, paramCount);
	check_asym(operation, TEE_OPERATION_ASYMMETRIC_SIGNATURE,
		   TEE_MODE_VERIFY);
	sdk_attrs_to_sys(ua, params, paramCount);
	res = sys_asymm_verify(operation->state, ua, paramCount, digest,
			       digestLen, signature, signatureLen);
	if (res != TEE_SUCCESS && res != TEE_ERROR_SIGNATURE_INVALID)
		TEE_Panic(res);
	return res;
}

void TEE_DeriveKey(TEE_OperationHandle operation, const TEE_Attribute *params,
		   uint32_t paramCount, TEE_ObjectHandle derivedKey)
{
	struct sys_attribute ua[paramCount ? paramCount : 1];
	struct sys_object_info info = { 0 };
	TEE_Result res;

	if (operation == TEE_HANDLE_NULL || derivedKey == TEE_HANDLE_NULL)
		TEE_Panic(0);
	sdk_check_attrs(params, paramCount);
	if (sdk_alg_class(operation->info.algorithm) !=
	    TEE_OPERATION_KEY_DERIVATION ||
	    operation->info.operationClass != TEE_OPERATION_KEY_DERIVATION ||
	    !operation->key1 || operation->info.mode != TEE_MODE_DERIVE ||
	    !(operation->info.handleState & TEE_HANDLE_FLAG_KEY_SET))
		TEE_Panic(0);
	sdk_obj_info_or_panic(derivedKey, &info);
	/* The result goes into an empty generic secret. */
	if (info.obj_type != TEE_TYPE_GENERIC_SECRET ||
	    (info.handle_flags & TEE_HANDLE_FLAG_INITIALIZED))
		TEE_Panic(0);
	sdk_attrs_to_sys(ua, params, paramCount);
	res = sys_cryp_derive_key(operation->state, ua, paramCount,
				  (unsigned long)derivedKey);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}
