/*
 * GP generic operation functions over syscalls 15-18: allocation (with
 * libutee's maximum-key-size and mode checks, done before any syscall),
 * keys, copy, reset and free.
 *
 * As in OP-TEE's libutee, an operation owns transient key objects of the
 * algorithm's key type allocated with the operation; TEE_SetOperationKey
 * copies the caller's key into them (so the caller may free its own), and
 * freeing the operation state frees them in the kernel.
 */
#include "crypto_private.h"

/* libutee's per-algorithm limits on maxKeySize: NOT_SUPPORTED otherwise. */
static bool max_key_size_ok(uint32_t algo, uint32_t size)
{
	switch (algo) {
	case TEE_ALG_DSA_SHA1:
		return size >= 512 && size <= 1024 && size % 64 == 0;
	case TEE_ALG_DSA_SHA224:
		return size == 2048;
	case TEE_ALG_DSA_SHA256:
		return size == 2048 || size == 3072;
	case TEE_ALG_ECDSA_SHA1:
	case __OPTEE_ALG_ECDSA_P192:
	case __OPTEE_ALG_ECDH_P192:
		return size == 192;
	case TEE_ALG_ECDSA_SHA224:
	case __OPTEE_ALG_ECDSA_P224:
	case __OPTEE_ALG_ECDH_P224:
		return size == 224;
	case TEE_ALG_ECDSA_SHA256:
	case __OPTEE_ALG_ECDSA_P256:
	case __OPTEE_ALG_ECDH_P256:
	case TEE_ALG_SM2_PKE:
	case TEE_ALG_SM2_DSA_SM3:
	case TEE_ALG_ED25519:
	case TEE_ALG_X25519:
		return size == 256;
	case TEE_ALG_SM2_KEP:
		return size == 512;	/* two 256-bit keys */
	case TEE_ALG_ECDSA_SHA384:
	case __OPTEE_ALG_ECDSA_P384:
	case __OPTEE_ALG_ECDH_P384:
		return size == 384;
	case TEE_ALG_ECDSA_SHA512:
	case __OPTEE_ALG_ECDSA_P521:
	case __OPTEE_ALG_ECDH_P521:
		return size == 521;
	case TEE_ALG_ECDH_DERIVE_SHARED_SECRET:
		return size <= 521;
	default:
		return true;
	}
}

struct alloc_rules {
	size_t block_size;
	bool two_blocks;
	bool with_private_key;
	uint32_t usage;
};

static bool enc_dec(uint32_t mode, uint32_t enc, uint32_t dec,
		    struct alloc_rules *r, bool private_for_decrypt)
{
	if (mode == TEE_MODE_ENCRYPT) {
		r->usage = enc;
	} else if (mode == TEE_MODE_DECRYPT) {
		r->usage = dec;
		r->with_private_key = private_for_decrypt;
	} else {
		return false;
	}
	return true;
}

/* libutee's algorithm/mode switch; false answers TEE_ERROR_NOT_SUPPORTED. */
static bool alloc_rules(uint32_t algo, uint32_t mode, struct alloc_rules *r)
{
	r->block_size = 1;
	r->two_blocks = false;
	r->with_private_key = false;
	r->usage = 0;

	switch (algo) {
	case TEE_ALG_AES_CTS:
	case TEE_ALG_AES_XTS:
	case TEE_ALG_SM4_XTS:
		r->two_blocks = true;
		/* fallthrough */
	case TEE_ALG_AES_ECB_NOPAD:
	case TEE_ALG_AES_CBC_NOPAD:
	case TEE_ALG_AES_CCM:
	case TEE_ALG_DES_ECB_NOPAD:
	case TEE_ALG_DES_CBC_NOPAD:
	case TEE_ALG_DES3_ECB_NOPAD:
	case TEE_ALG_DES3_CBC_NOPAD:
	case TEE_ALG_SM4_ECB_NOPAD:
	case TEE_ALG_SM4_CBC_NOPAD:
	case TEE_ALG_SM4_CTR:
		r->block_size = (sdk_alg_main(algo) == 0x11 ||
				 sdk_alg_main(algo) == 0x13) ? 8 : 16;
		/* fallthrough */
	case TEE_ALG_AES_CTR:
	case TEE_ALG_AES_GCM:
		return enc_dec(mode, TEE_USAGE_ENCRYPT, TEE_USAGE_DECRYPT, r,
			       false);

	case TEE_ALG_RSASSA_PKCS1_V1_5:
	case TEE_ALG_RSASSA_PKCS1_V1_5_MD5:
	case TEE_ALG_RSASSA_PKCS1_V1_5_SHA1:
	case TEE_ALG_RSASSA_PKCS1_V1_5_SHA224:
	case TEE_ALG_RSASSA_PKCS1_V1_5_SHA256:
	case TEE_ALG_RSASSA_PKCS1_V1_5_SHA384:
	case TEE_ALG_RSASSA_PKCS1_V1_5_SHA512:
	case TEE_ALG_RSASSA_PKCS1_PSS_MGF1_MD5:
	case TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA1:
	case TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA224:
	case TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256:
	case TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384:
	case TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512:
	case TEE_ALG_DSA_SHA1:
	case TEE_ALG_DSA_SHA224:
	case TEE_ALG_DSA_SHA256:
	case TEE_ALG_ECDSA_SHA1:
	case TEE_ALG_ECDSA_SHA224:
	case TEE_ALG_ECDSA_SHA256:
	case TEE_ALG_ECDSA_SHA384:
	case TEE_ALG_ECDSA_SHA512:
	case __OPTEE_ALG_ECDSA_P192:
	case __OPTEE_ALG_ECDSA_P224:
	case __OPTEE_ALG_ECDSA_P256:
	case __OPTEE_ALG_ECDSA_P384:
	case __OPTEE_ALG_ECDSA_P521:
	case TEE_ALG_SM2_DSA_SM3:
	case TEE_ALG_ED25519:
		if (mode == TEE_MODE_SIGN) {
			r->with_private_key = true;
			r->usage = TEE_USAGE_SIGN;
		} else if (mode == TEE_MODE_VERIFY) {
			r->usage = TEE_USAGE_VERIFY;
		} else {
			return false;
		}
		return true;

	case TEE_ALG_RSAES_PKCS1_V1_5:
	case TEE_ALG_RSAES_PKCS1_OAEP_MGF1_MD5:
	case TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA1:
	case TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA224:
	case TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256:
	case TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA384:
	case TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA512:
	case TEE_ALG_SM2_PKE:
		return enc_dec(mode, TEE_USAGE_ENCRYPT, TEE_USAGE_DECRYPT, r,
			       true);

	case TEE_ALG_RSA_NOPAD:
		return enc_dec(mode, TEE_USAGE_ENCRYPT | TEE_USAGE_VERIFY,
			       TEE_USAGE_DECRYPT | TEE_USAGE_SIGN, r, true);

	case TEE_ALG_DH_DERIVE_SHARED_SECRET:
	case TEE_ALG_ECDH_DERIVE_SHARED_SECRET:
	case __OPTEE_ALG_ECDH_P192:
	case __OPTEE_ALG_ECDH_P224:
	case __OPTEE_ALG_ECDH_P256:
	case __OPTEE_ALG_ECDH_P384:
	case __OPTEE_ALG_ECDH_P521:
	case TEE_ALG_HKDF_MD5_DERIVE_KEY:
	case TEE_ALG_HKDF_SHA1_DERIVE_KEY:
	case TEE_ALG_HKDF_SHA224_DERIVE_KEY:
	case TEE_ALG_HKDF_SHA256_DERIVE_KEY:
	case TEE_ALG_HKDF_SHA384_DERIVE_KEY:
	case TEE_ALG_HKDF_SHA512_DERIVE_KEY:
	case TEE_ALG_CONCAT_KDF_SHA1_DERIVE_KEY:
	case TEE_ALG_CONCAT_KDF_SHA224_DERIVE_KEY:
	case TEE_ALG_CONCAT_KDF_SHA256_DERIVE_KEY:
	case TEE_ALG_CONCAT_KDF_SHA384_DERIVE_KEY:
	case TEE_ALG_CONCAT_KDF_SHA512_DERIVE_KEY:
	case TEE_ALG_PBKDF2_HMAC_SHA1_DERIVE_KEY:
	case TEE_ALG_SM2_KEP:
	case TEE_ALG_X25519:
		if (mode != TEE_MODE_DERIVE)
			return false;
		r->with_private_key = true;
		r->usage = TEE_USAGE_DERIVE;
		return true;

	case TEE_ALG_MD5:
	case TEE_ALG_SHA1:
	case TEE_ALG_SHA224:
	case TEE_ALG_SHA256:
	case TEE_ALG_SHA384:
	case TEE_ALG_SHA512:
	case TEE_ALG_SHA3_224:
	case TEE_ALG_SHA3_256:
	case TEE_ALG_SHA3_384:
	case TEE_ALG_SHA3_512:
	case TEE_ALG_SHAKE128:
	case TEE_ALG_SHAKE256:
	case TEE_ALG_SM3:
		return mode == TEE_MODE_DIGEST;

	case TEE_ALG_DES_CBC_MAC_NOPAD:
	case TEE_ALG_AES_CBC_MAC_NOPAD:
	case TEE_ALG_AES_CBC_MAC_PKCS5:
	case TEE_ALG_AES_CMAC:
	case TEE_ALG_DES_CBC_MAC_PKCS5:
	case TEE_ALG_DES3_CBC_MAC_NOPAD:
	case TEE_ALG_DES3_CBC_MAC_PKCS5:
	case TEE_ALG_DES3_CMAC:
	case TEE_ALG_HMAC_MD5:
	case TEE_ALG_HMAC_SHA1:
	case TEE_ALG_HMAC_SHA224:
	case TEE_ALG_HMAC_SHA256:
	case TEE_ALG_HMAC_SHA384:
	case TEE_ALG_HMAC_SHA512:
	case TEE_ALG_HMAC_SHA3_224:
	case TEE_ALG_HMAC_SHA3_256:
	case TEE_ALG_HMAC_SHA3_384:
	case TEE_ALG_HMAC_SHA3_512:
	case TEE_ALG_HMAC_SM3:
		if (mode != TEE_MODE_MAC)
			return false;
		r->usage = TEE_USAGE_MAC;
		return true;

	default:
		return false;
	}
}

static TEE_Result alloc_keys(TEE_OperationHandle op, uint32_t algo,
			     uint32_t max_key_size, bool with_private_key)
{
	uint32_t key_type = 0xA0000000u | sdk_alg_main(algo);
	uint32_t mks = max_key_size;
	TEE_Result res;

	if (with_private_key)
		key_type |= 0x01000000u;
	/* Two keys share the maximum size. */
	if (op->info.handleState & TEE_HANDLE_FLAG_EXPECT_TWO_KEYS)
		mks /= 2;
	res = TEE_AllocateTransientObject(key_type, mks, &op->key1);
	if (res == TEE_SUCCESS &&
	    (op->info.handleState & TEE_HANDLE_FLAG_EXPECT_TWO_KEYS))
		res = TEE_AllocateTransientObject(key_type, mks, &op->key2);
	return res;
}

TEE_Result TEE_AllocateOperation(TEE_OperationHandle *operation,
				 uint32_t algorithm, uint32_t mode,
				 uint32_t maxKeySize)
{
	uint32_t handle_state = 0;
	struct alloc_rules r;
	TEE_OperationHandle op;
	TEE_Result res;
	size_t bsize;

	if (!operation)
		TEE_Panic(0);
	if (algorithm == TEE_ALG_AES_XTS || algorithm == TEE_ALG_SM2_KEP ||
	    algorithm == TEE_ALG_SM4_XTS)
		handle_state = TEE_HANDLE_FLAG_EXPECT_TWO_KEYS;
	if (!max_key_size_ok(algorithm, maxKeySize) ||
	    !alloc_rules(algorithm, mode, &r))
		return TEE_ERROR_NOT_SUPPORTED;
	/* Digests always count as keyed (GP 1.1). */
	if (sdk_alg_class(algorithm) == TEE_OPERATION_DIGEST)
		handle_state |= TEE_HANDLE_FLAG_KEY_SET;

	op = TEE_Malloc(sizeof(*op), TEE_MALLOC_FILL_ZERO);
	if (!op)
		return TEE_ERROR_OUT_OF_MEMORY;
	op->info.algorithm = algorithm;
	op->info.operationClass = sdk_alg_class(algorithm);
	op->info.mode = mode;
	op->info.digestLength = sdk_alg_digest_size(algorithm);
	op->info.maxKeySize = maxKeySize;
	op->info.requiredKeyUsage = r.usage;
	op->info.handleState = handle_state;

	/* A digest keeps its whole value for TEE_DigestExtract. */
	if (op->info.operationClass == TEE_OPERATION_DIGEST)
		r.block_size = op->info.digestLength;
	res = TEE_SUCCESS;
	if (r.block_size > 1) {
		bsize = r.block_size * (r.two_blocks ? 2 : 1);
		op->buffer = TEE_Malloc(bsize, TEE_MALLOC_NO_FILL);
		if (!op->buffer)
			res = TEE_ERROR_OUT_OF_MEMORY;
	}
	op->block_size = r.block_size;
	op->buffer_two_blocks = r.two_blocks;

	if (res == TEE_SUCCESS &&
	    sdk_alg_class(algorithm) != TEE_OPERATION_DIGEST)
		res = alloc_keys(op, algorithm, maxKeySize, r.with_private_key);
	if (res == TEE_SUCCESS)
		res = sys_cryp_state_alloc(algorithm, mode,
					   (unsigned long)op->key1,
					   (unsigned long)op->key2, &op->state);
	if (res == TEE_SUCCESS &&
	    sdk_alg_class(algorithm) == TEE_OPERATION_DIGEST) {
		res = sys_hash_init(op->state, NULL, 0);
		if (res == TEE_SUCCESS)
			op->info.handleState |= TEE_HANDLE_FLAG_INITIALIZED;
	}
	if (res != TEE_SUCCESS) {
		if (res != TEE_ERROR_OUT_OF_MEMORY &&
		    res != TEE_ERROR_NOT_SUPPORTED)
			TEE_Panic(res);
		if (op->state) {
			TEE_FreeOperation(op);
		} else {
			TEE_Free(op->buffer);
			TEE_FreeTransientObject(op->key1);
			TEE_FreeTransientObject(op->key2);
			TEE_Free(op);
		}
		return res;
	}
	op->operationState = TEE_OPERATION_STATE_INITIAL;
	*operation = op;
	return TEE_SUCCESS;
}

void TEE_FreeOperation(TEE_OperationHandle operation)
{
	TEE_Result res;

	if (operation == TEE_HANDLE_NULL)
		return;
	/* The kernel frees the key objects with the state. */
	res = sys_cryp_state_free(operation->state);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
	TEE_Free(operation->buffer);
	TEE_Free(operation);
}

void TEE_GetOperationInfo(TEE_OperationHandle operation,
			  TEE_OperationInfo *operationInfo)
{
	if (operation == TEE_HANDLE_NULL)
		TEE_Panic(0);
	sdk_check_out(operationInfo, sizeof(*operationInfo));
	*operationInfo = operation->info;
	if (operationInfo->handleState & TEE_HANDLE_FLAG_EXPECT_TWO_KEYS) {
		operationInfo->keySize = 0;
		operationInfo->requiredKeyUsage = 0;
	}
}

void sdk_op_reset_state(TEE_OperationHandle op)
{
	TEE_Result res;

	op->operationState = TEE_OPERATION_STATE_INITIAL;
	if (op->info.operationClass == TEE_OPERATION_DIGEST) {
		res = sys_hash_init(op->state, NULL, 0);
		if (res != TEE_SUCCESS)
			TEE_Panic(res);
		op->info.handleState |= TEE_HANDLE_FLAG_INITIALIZED;
	} else {
		op->info.handleState &= ~TEE_HANDLE_FLAG_INITIALIZED;
	}
}

void TEE_ResetOperation(TEE_OperationHandle operation)
{
	if (operation == TEE_HANDLE_NULL ||
	    !(operation->info.handleState & TEE_HANDLE_FLAG_KEY_SET))
		TEE_Panic(0);
	sdk_op_reset_state(operation);
}

static TEE_Result set_key_checked(TEE_OperationHandle op, TEE_ObjectHandle key,
				  TEE_ObjectInfo *info)
{
	TEE_Result res = TEE_GetObjectInfo1(key, info);

	if (res != TEE_SUCCESS)
		return res;
	/* The key must allow what the operation does. */
	if ((info->objectUsage & op->info.requiredKeyUsage) !=
	    op->info.requiredKeyUsage)
		return TEE_ERROR_BAD_PARAMETERS;
	return TEE_SUCCESS;
}

static TEE_Result set_operation_key(TEE_OperationHandle op,
				    TEE_ObjectHandle key)
{
	TEE_ObjectInfo info;
	TEE_Result res;

	if (key == TEE_HANDLE_NULL) {
		TEE_ResetTransientObject(op->key1);
		op->info.handleState &= ~TEE_HANDLE_FLAG_KEY_SET;
		if (op->operationState != TEE_OPERATION_STATE_INITIAL)
			sdk_op_reset_state(op);
		return TEE_SUCCESS;
	}
	if (op->info.operationClass == TEE_OPERATION_DIGEST ||
	    (op->info.handleState & TEE_HANDLE_FLAG_EXPECT_TWO_KEYS))
		res = TEE_ERROR_BAD_PARAMETERS;
	else
		res = set_key_checked(op, key, &info);
	if (res == TEE_SUCCESS && op->info.maxKeySize < info.objectSize)
		res = TEE_ERROR_BAD_PARAMETERS;
	if (res == TEE_SUCCESS) {
		TEE_ResetTransientObject(op->key1);
		op->info.handleState &= ~TEE_HANDLE_FLAG_KEY_SET;
		res = TEE_CopyObjectAttributes1(op->key1, key);
	}
	if (res == TEE_SUCCESS) {
		op->info.handleState |= TEE_HANDLE_FLAG_KEY_SET;
		op->info.keySize = info.objectSize;
		if (op->operationState != TEE_OPERATION_STATE_INITIAL)
			sdk_op_reset_state(op);
	}
	if (res != TEE_SUCCESS && res != TEE_ERROR_CORRUPT_OBJECT &&
	    res != TEE_ERROR_STORAGE_NOT_AVAILABLE)
		TEE_Panic(res);
	return res;
}

TEE_Result TEE_SetOperationKey(TEE_OperationHandle operation,
			       TEE_ObjectHandle key)
{
	if (operation == TEE_HANDLE_NULL ||
	    (operation->info.handleState & TEE_HANDLE_FLAG_INITIALIZED))
		TEE_Panic(0);
	return set_operation_key(operation, key);
}

static TEE_Result second_key_result(TEE_Result res)
{
	return res == TEE_ERROR_CORRUPT_OBJECT ? TEE_ERROR_CORRUPT_OBJECT_2 :
	       res;
}

static TEE_Result set_operation_key2(TEE_OperationHandle op,
				     TEE_ObjectHandle key1,
				     TEE_ObjectHandle key2)
{
	TEE_ObjectInfo info1;
	TEE_ObjectInfo info2;
	TEE_Result res;

	if (!key1 && !key2) {
		TEE_ResetTransientObject(op->key1);
		TEE_ResetTransientObject(op->key2);
		op->info.handleState &= ~TEE_HANDLE_FLAG_KEY_SET;
		if (op->operationState != TEE_OPERATION_STATE_INITIAL)
			sdk_op_reset_state(op);
		return TEE_SUCCESS;
	}
	if (!key1 || !key2 ||
	    op->info.operationClass == TEE_OPERATION_DIGEST ||
	    !(op->info.handleState & TEE_HANDLE_FLAG_EXPECT_TWO_KEYS))
		res = TEE_ERROR_BAD_PARAMETERS;
	else
		res = set_key_checked(op, key1, &info1);
	if (res == TEE_SUCCESS)
		res = second_key_result(set_key_checked(op, key2, &info2));
	/* Both keys must have the same size, within the maximum. */
	if (res == TEE_SUCCESS && (info1.objectSize != info2.objectSize ||
				   op->info.maxKeySize < info1.objectSize))
		res = TEE_ERROR_BAD_PARAMETERS;
	if (res == TEE_SUCCESS) {
		TEE_ResetTransientObject(op->key1);
		TEE_ResetTransientObject(op->key2);
		op->info.handleState &= ~TEE_HANDLE_FLAG_KEY_SET;
		res = TEE_CopyObjectAttributes1(op->key1, key1);
	}
	if (res == TEE_SUCCESS)
		res = second_key_result(TEE_CopyObjectAttributes1(op->key2,
								  key2));
	if (res == TEE_SUCCESS) {
		op->info.handleState |= TEE_HANDLE_FLAG_KEY_SET;
		op->info.keySize = info1.objectSize;
		if (op->operationState != TEE_OPERATION_STATE_INITIAL)
			sdk_op_reset_state(op);
	}
	if (res != TEE_SUCCESS && res != TEE_ERROR_CORRUPT_OBJECT &&
	    res != TEE_ERROR_CORRUPT_OBJECT_2 &&
	    res != TEE_ERROR_STORAGE_NOT_AVAILABLE &&
	    res != TEE_ERROR_STORAGE_NOT_AVAILABLE_2)
		TEE_Panic(res);
	return res;
}

TEE_Result TEE_SetOperationKey2(TEE_OperationHandle operation,
				TEE_ObjectHandle key1, TEE_ObjectHandle key2)
{
	if (operation != TEE_HANDLE_NULL && key1 && key1 == key2)
		return TEE_ERROR_SECURITY;
	if (operation == TEE_HANDLE_NULL ||
	    operation->operationState != TEE_OPERATION_STATE_INITIAL)
		TEE_Panic(0);
	return set_operation_key2(operation, key1, key2);
}

void TEE_CopyOperation(TEE_OperationHandle dst, TEE_OperationHandle src)
{
	TEE_ObjectHandle key1 = TEE_HANDLE_NULL;
	TEE_ObjectHandle key2 = TEE_HANDLE_NULL;
	TEE_Result res;
	size_t sz;

	if (dst == TEE_HANDLE_NULL || src == TEE_HANDLE_NULL ||
	    dst->info.algorithm != src->info.algorithm ||
	    dst->info.mode != src->info.mode)
		TEE_Panic(0);
	if (src->info.operationClass != TEE_OPERATION_DIGEST) {
		if (src->info.handleState & TEE_HANDLE_FLAG_KEY_SET) {
			key1 = src->key1;
			key2 = src->key2;
		}
		if (!(src->info.handleState & TEE_HANDLE_FLAG_EXPECT_TWO_KEYS))
			set_operation_key(dst, key1);
		else
			TEE_SetOperationKey2(dst, key1, key2);
	}
	dst->info.handleState = src->info.handleState;
	dst->info.keySize = src->info.keySize;
	dst->info.digestLength = src->info.digestLength;
	dst->operationState = src->operationState;
	if (dst->buffer_two_blocks != src->buffer_two_blocks ||
	    dst->block_size != src->block_size)
		TEE_Panic(0);
	if (dst->buffer) {
		if (!src->buffer)
			TEE_Panic(0);
		sz = src->block_size * (src->buffer_two_blocks ? 2 : 1);
		memcpy(dst->buffer, src->buffer, sz);
		dst->buffer_offs = src->buffer_offs;
	} else if (src->buffer) {
		TEE_Panic(0);
	}
	res = sys_cryp_state_copy(dst->state, src->state);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}
