/*
 * GP TEE Internal Core API: cryptographic operations (src/crypto_*.c).
 *
 * Operation handles live in the TA (like libutee's struct
 * __TEE_OperationHandle: the GP operation information, the key objects
 * the operation owns, a block buffer and the kernel's state handle) and
 * every call makes the syscalls OP-TEE's libutee makes, with the same
 * buffering of partial blocks and the same panics. Algorithm and mode
 * identifiers are GlobalPlatform's plus OP-TEE's extensions;
 * tests/crypto/test_sdk_header.py checks them against
 * optee_litebox.abi.crypto.
 */
#ifndef SDK_API_CRYPTO_H
#define SDK_API_CRYPTO_H

#include <sdk/types.h>
#include <sdk/api_object.h>

typedef uint32_t TEE_OperationMode;
typedef struct __TEE_OperationHandle *TEE_OperationHandle;

typedef struct {
	uint32_t algorithm;
	uint32_t operationClass;
	uint32_t mode;
	uint32_t digestLength;
	uint32_t maxKeySize;
	uint32_t keySize;
	uint32_t requiredKeyUsage;
	uint32_t handleState;
} TEE_OperationInfo;

#define TEE_MODE_ENCRYPT                            0x00000000u
#define TEE_OPERATION_STATE_INITIAL                 0x00000000u
#define TEE_MODE_DECRYPT                            0x00000001u
#define TEE_OPERATION_CIPHER                        0x00000001u
#define TEE_OPERATION_STATE_ACTIVE                  0x00000001u
#define TEE_MODE_SIGN                               0x00000002u
#define TEE_OPERATION_STATE_EXTRACTING              0x00000002u
#define TEE_MODE_VERIFY                             0x00000003u
#define TEE_OPERATION_MAC                           0x00000003u
#define TEE_MODE_MAC                                0x00000004u
#define TEE_OPERATION_AE                            0x00000004u
#define TEE_MODE_DIGEST                             0x00000005u
#define TEE_OPERATION_DIGEST                        0x00000005u
#define TEE_MODE_DERIVE                             0x00000006u
#define TEE_OPERATION_ASYMMETRIC_CIPHER             0x00000006u
#define TEE_OPERATION_ASYMMETRIC_SIGNATURE          0x00000007u
#define TEE_OPERATION_KEY_DERIVATION                0x00000008u
#define TEE_MODE_ILLEGAL_VALUE                      0x7FFFFFFFu
#define TEE_ALG_AES_ECB_NOPAD                       0x10000010u
#define TEE_ALG_DES_ECB_NOPAD                       0x10000011u
#define TEE_ALG_DES3_ECB_NOPAD                      0x10000013u
#define TEE_ALG_SM4_ECB_NOPAD                       0x10000014u
#define TEE_ALG_SM4_ECB_PKCS5                       0x10000015u
#define TEE_ALG_AES_CBC_NOPAD                       0x10000110u
#define TEE_ALG_DES_CBC_NOPAD                       0x10000111u
#define TEE_ALG_DES3_CBC_NOPAD                      0x10000113u
#define TEE_ALG_SM4_CBC_NOPAD                       0x10000114u
#define TEE_ALG_SM4_CBC_PKCS5                       0x10000115u
#define TEE_ALG_AES_CTR                             0x10000210u
#define TEE_ALG_SM4_CTR                             0x10000214u
#define TEE_ALG_AES_CTS                             0x10000310u
#define TEE_ALG_AES_XTS                             0x10000410u
#define TEE_ALG_HMAC_MD5                            0x30000001u
#define TEE_ALG_HMAC_SHA1                           0x30000002u
#define TEE_ALG_HMAC_SHA224                         0x30000003u
#define TEE_ALG_HMAC_SHA256                         0x30000004u
#define TEE_ALG_HMAC_SHA384                         0x30000005u
#define TEE_ALG_HMAC_SHA512                         0x30000006u
#define TEE_ALG_HMAC_SM3                            0x30000007u
#define TEE_ALG_HMAC_SHA3_224                       0x30000008u
#define TEE_ALG_HMAC_SHA3_256                       0x30000009u
#define TEE_ALG_HMAC_SHA3_384                       0x3000000Au
#define TEE_ALG_HMAC_SHA3_512                       0x3000000Bu
#define TEE_ALG_AES_CBC_MAC_NOPAD                   0x30000110u
#define TEE_ALG_DES_CBC_MAC_NOPAD                   0x30000111u
#define TEE_ALG_DES3_CBC_MAC_NOPAD                  0x30000113u
#define TEE_ALG_AES_CBC_MAC_PKCS5                   0x30000510u
#define TEE_ALG_DES_CBC_MAC_PKCS5                   0x30000511u
#define TEE_ALG_DES3_CBC_MAC_PKCS5                  0x30000513u
#define TEE_ALG_AES_CMAC                            0x30000610u
#define TEE_ALG_AES_CCM                             0x40000710u
#define TEE_ALG_AES_GCM                             0x40000810u
#define TEE_ALG_MD5                                 0x50000001u
#define TEE_ALG_SHA1                                0x50000002u
#define TEE_ALG_SHA224                              0x50000003u
#define TEE_ALG_SHA256                              0x50000004u
#define TEE_ALG_SHA384                              0x50000005u
#define TEE_ALG_SHA512                              0x50000006u
#define TEE_ALG_SM3                                 0x50000007u
#define TEE_ALG_SHA3_224                            0x50000008u
#define TEE_ALG_SHA3_256                            0x50000009u
#define TEE_ALG_SHA3_384                            0x5000000Au
#define TEE_ALG_SHA3_512                            0x5000000Bu
#define TEE_ALG_MD5SHA1                             0x5000000Fu
#define TEE_ALG_SHAKE128                            0x50000101u
#define TEE_ALG_SHAKE256                            0x50000102u
#define TEE_ALG_RSA_NOPAD                           0x60000030u
#define TEE_ALG_SM2_KEP                             0x60000045u
#define TEE_ALG_RSAES_PKCS1_V1_5                    0x60000130u
#define TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA1          0x60210230u
#define TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA224        0x60310230u
#define TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256        0x60410230u
#define TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA384        0x60510230u
#define TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA512        0x60610230u
#define TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA3_224      0x60810230u
#define TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA3_256      0x60910230u
#define TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA3_384      0x60A10230u
#define TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA3_512      0x60B10230u
#define __OPTEE_ALG_ECDSA_P192                      0x70001041u
#define TEE_ALG_ECDSA_P192                          0x70001042u
#define TEE_ALG_ECDSA_SHA1                          0x70001042u
#define TEE_ALG_RSASSA_PKCS1_V1_5_MD5               0x70001830u
#define __OPTEE_ALG_ECDSA_P224                      0x70002041u
#define TEE_ALG_ECDSA_P224                          0x70002042u
#define TEE_ALG_ECDSA_SHA224                        0x70002042u
#define TEE_ALG_DSA_SHA1                            0x70002131u
#define TEE_ALG_RSASSA_PKCS1_V1_5_SHA1              0x70002830u
#define __OPTEE_ALG_ECDSA_P256                      0x70003041u
#define TEE_ALG_ECDSA_P256                          0x70003042u
#define TEE_ALG_ECDSA_SHA256                        0x70003042u
#define TEE_ALG_DSA_SHA224                          0x70003131u
#define TEE_ALG_RSASSA_PKCS1_V1_5_SHA224            0x70003830u
#define __OPTEE_ALG_ECDSA_P384                      0x70004041u
#define TEE_ALG_ECDSA_P384                          0x70004042u
#define TEE_ALG_ECDSA_SHA384                        0x70004042u
#define TEE_ALG_DSA_SHA256                          0x70004131u
#define TEE_ALG_RSASSA_PKCS1_V1_5_SHA256            0x70004830u
#define __OPTEE_ALG_ECDSA_P521                      0x70005041u
#define TEE_ALG_ECDSA_P521                          0x70005042u
#define TEE_ALG_ECDSA_SHA512                        0x70005042u
#define TEE_ALG_RSASSA_PKCS1_V1_5_SHA384            0x70005830u
#define TEE_ALG_ECDSA_SHA3_224                      0x70006042u
#define TEE_ALG_ED25519                             0x70006043u
#define TEE_ALG_ED448                               0x70006044u
#define TEE_ALG_SM2_DSA_SM3                         0x70006045u
#define TEE_ALG_RSASSA_PKCS1_V1_5_SHA512            0x70006830u
#define TEE_ALG_ECDSA_SHA3_256                      0x70007042u
#define TEE_ALG_ECDSA_SHA3_384                      0x70008042u
#define TEE_ALG_DSA_SHA3_224                        0x70008131u
#define TEE_ALG_RSASSA_PKCS1_V1_5_SHA3_224          0x70008830u
#define TEE_ALG_ECDSA_SHA3_512                      0x70009042u
#define TEE_ALG_DSA_SHA3_256                        0x70009131u
#define TEE_ALG_RSASSA_PKCS1_V1_5_SHA3_256          0x70009830u
#define TEE_ALG_DSA_SHA3_384                        0x7000A131u
#define TEE_ALG_RSASSA_PKCS1_V1_5_SHA3_384          0x7000A830u
#define TEE_ALG_DSA_SHA3_512                        0x7000B131u
#define TEE_ALG_RSASSA_PKCS1_V1_5_SHA3_512          0x7000B830u
#define TEE_ALG_RSASSA_PKCS1_V1_5_MD5SHA1           0x7000F830u
#define TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA1          0x70212930u
#define TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA224        0x70313930u
#define TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256        0x70414930u
#define TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384        0x70515930u
#define TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512        0x70616930u
#define TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA3_224      0x70818930u
#define TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA3_256      0x70919930u
#define TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA3_384      0x70A1A930u
#define TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA3_512      0x70B1B930u
#define TEE_ALG_DH_DERIVE_SHARED_SECRET             0x80000032u
#define TEE_ALG_ECDH_DERIVE_SHARED_SECRET           0x80000042u
#define TEE_ALG_ECDH_P192                           0x80000042u
#define TEE_ALG_ECDH_P224                           0x80000042u
#define TEE_ALG_ECDH_P256                           0x80000042u
#define TEE_ALG_ECDH_P384                           0x80000042u
#define TEE_ALG_ECDH_P521                           0x80000042u
#define TEE_ALG_X25519                              0x80000044u
#define TEE_ALG_X448                                0x80000045u
#define TEE_ALG_SM2_PKE                             0x80000046u
#define TEE_ALG_HKDF                                0x80000047u
#define __OPTEE_ALG_ECDH_P192                       0x80001042u
#define TEE_ALG_HKDF_MD5_DERIVE_KEY                 0x800010C0u
#define __OPTEE_ALG_ECDH_P224                       0x80002042u
#define TEE_ALG_HKDF_SHA1_DERIVE_KEY                0x800020C0u
#define TEE_ALG_CONCAT_KDF_SHA1_DERIVE_KEY          0x800020C1u
#define TEE_ALG_PBKDF2_HMAC_SHA1_DERIVE_KEY         0x800020C2u
#define __OPTEE_ALG_ECDH_P256                       0x80003042u
#define TEE_ALG_HKDF_SHA224_DERIVE_KEY              0x800030C0u
#define TEE_ALG_CONCAT_KDF_SHA224_DERIVE_KEY        0x800030C1u
#define __OPTEE_ALG_ECDH_P384                       0x80004042u
#define TEE_ALG_HKDF_SHA256_DERIVE_KEY              0x800040C0u
#define TEE_ALG_CONCAT_KDF_SHA256_DERIVE_KEY        0x800040C1u
#define __OPTEE_ALG_ECDH_P521                       0x80005042u
#define TEE_ALG_HKDF_SHA384_DERIVE_KEY              0x800050C0u
#define TEE_ALG_CONCAT_KDF_SHA384_DERIVE_KEY        0x800050C1u
#define TEE_ALG_HKDF_SHA512_DERIVE_KEY              0x800060C0u
#define TEE_ALG_CONCAT_KDF_SHA512_DERIVE_KEY        0x800060C1u
#define TEE_ALG_ILLEGAL_VALUE                       0xEFFFFFFFu
#define TEE_ALG_SM4_XTS                             0xF0000414u
#define TEE_ALG_DES3_CMAC                           0xF0000613u
#define TEE_ALG_RSASSA_PKCS1_V1_5                   0xF0000830u
#define TEE_ALG_RSAES_PKCS1_OAEP_MGF1_MD5           0xF0110230u
#define TEE_ALG_RSASSA_PKCS1_PSS_MGF1_MD5           0xF0111930u

/* Generic operation functions. */
TEE_Result TEE_AllocateOperation(TEE_OperationHandle *operation,
				 uint32_t algorithm, uint32_t mode,
				 uint32_t maxKeySize);
void TEE_FreeOperation(TEE_OperationHandle operation);
void TEE_GetOperationInfo(TEE_OperationHandle operation,
			  TEE_OperationInfo *operationInfo);
void TEE_ResetOperation(TEE_OperationHandle operation);
TEE_Result TEE_SetOperationKey(TEE_OperationHandle operation,
			       TEE_ObjectHandle key);
TEE_Result TEE_SetOperationKey2(TEE_OperationHandle operation,
				TEE_ObjectHandle key1, TEE_ObjectHandle key2);
void TEE_CopyOperation(TEE_OperationHandle dstOperation,
		       TEE_OperationHandle srcOperation);

/* Message digests. */
void TEE_DigestUpdate(TEE_OperationHandle operation, const void *chunk,
		      size_t chunkSize);
TEE_Result TEE_DigestDoFinal(TEE_OperationHandle operation, const void *chunk,
			     size_t chunkLen, void *hash, size_t *hashLen);
TEE_Result TEE_DigestExtract(TEE_OperationHandle operation, void *hash,
			     size_t *hashLen);

/* Symmetric ciphers. */
void TEE_CipherInit(TEE_OperationHandle operation, const void *IV,
		    size_t IVLen);
TEE_Result TEE_CipherUpdate(TEE_OperationHandle operation,
			    const void *srcData, size_t srcLen,
			    void *destData, size_t *destLen);
TEE_Result TEE_CipherDoFinal(TEE_OperationHandle operation,
			     const void *srcData, size_t srcLen,
			     void *destData, size_t *destLen);

/* MACs. */
void TEE_MACInit(TEE_OperationHandle operation, const void *IV, size_t IVLen);
void TEE_MACUpdate(TEE_OperationHandle operation, const void *chunk,
		   size_t chunkSize);
TEE_Result TEE_MACComputeFinal(TEE_OperationHandle operation,
			       const void *message, size_t messageLen,
			       void *mac, size_t *macLen);
TEE_Result TEE_MACCompareFinal(TEE_OperationHandle operation,
			       const void *message, size_t messageLen,
			       const void *mac, size_t macLen);

/* Authenticated encryption. */
TEE_Result TEE_AEInit(TEE_OperationHandle operation, const void *nonce,
		      size_t nonceLen, uint32_t tagLen, size_t AADLen,
		      size_t payloadLen);
void TEE_AEUpdateAAD(TEE_OperationHandle operation, const void *AADdata,
		     size_t AADdataLen);
TEE_Result TEE_AEUpdate(TEE_OperationHandle operation, const void *srcData,
			size_t srcLen, void *destData, size_t *destLen);
TEE_Result TEE_AEEncryptFinal(TEE_OperationHandle operation,
			      const void *srcData, size_t srcLen,
			      void *destData, size_t *destLen, void *tag,
			      size_t *tagLen);
TEE_Result TEE_AEDecryptFinal(TEE_OperationHandle operation,
			      const void *srcData, size_t srcLen,
			      void *destData, size_t *destLen, void *tag,
			      size_t tagLen);

/* Asymmetric operations. */
TEE_Result TEE_AsymmetricEncrypt(TEE_OperationHandle operation,
				 const TEE_Attribute *params,
				 uint32_t paramCount, const void *srcData,
				 size_t srcLen, void *destData,
				 size_t *destLen);
TEE_Result TEE_AsymmetricDecrypt(TEE_OperationHandle operation,
				 const TEE_Attribute *params,
				 uint32_t paramCount, const void *srcData,
				 size_t srcLen, void *destData,
				 size_t *destLen);
TEE_Result TEE_AsymmetricSignDigest(TEE_OperationHandle operation,
				    const TEE_Attribute *params,
				    uint32_t paramCount, const void *digest,
				    size_t digestLen, void *signature,
				    size_t *signatureLen);
TEE_Result TEE_AsymmetricVerifyDigest(TEE_OperationHandle operation,
				      const TEE_Attribute *params,
				      uint32_t paramCount, const void *digest,
				      size_t digestLen, const void *signature,
				      size_t signatureLen);

/* Key derivation. */
void TEE_DeriveKey(TEE_OperationHandle operation, const TEE_Attribute *params,
		   uint32_t paramCount, TEE_ObjectHandle derivedKey);

#endif
