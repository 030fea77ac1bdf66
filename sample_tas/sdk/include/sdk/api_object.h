/*
 * GP TEE Internal Core API: objects (types, attributes, object information)
 * and the generic and transient object functions (src/crypto_objects.c).
 *
 * Shared by cryptography and trusted storage: a key object is what a
 * cryptographic operation uses and what a persistent object stores. The
 * numbers are GlobalPlatform's and OP-TEE's (attribute, type, usage and
 * handle-flag identifiers); tests/crypto/test_sdk_header.py checks them
 * against optee_litebox.abi.crypto. Layouts are LP64 and fixed by the GP
 * API: TEE_Attribute is 24 bytes, TEE_ObjectInfo 40.
 */
#ifndef SDK_API_OBJECT_H
#define SDK_API_OBJECT_H

#include <sdk/types.h>

typedef uint32_t TEE_ObjectType;
/* The kernel's object handle; TEE_HANDLE_NULL (0) is no object. */
typedef struct __TEE_ObjectHandle *TEE_ObjectHandle;

typedef struct {
	uint32_t attributeID;
	union {
		struct {
			void *buffer;
			size_t length;
		} ref;
		struct {
			uint32_t a, b;
		} value;
	} content;
} TEE_Attribute;

typedef struct {
	uint32_t objectType;
	uint32_t objectSize;
	uint32_t maxObjectSize;
	uint32_t objectUsage;
	size_t dataSize;
	size_t dataPosition;
	uint32_t handleFlags;
} TEE_ObjectInfo;

#define TEE_ATTR_FLAG_PUBLIC                        0x10000000u
#define TEE_ATTR_FLAG_VALUE                         0x20000000u
#define TEE_USAGE_DEFAULT                           0xFFFFFFFFu
#define TEE_USAGE_EXTRACTABLE                       0x00000001u
#define TEE_USAGE_ENCRYPT                           0x00000002u
#define TEE_USAGE_DECRYPT                           0x00000004u
#define TEE_USAGE_MAC                               0x00000008u
#define TEE_USAGE_SIGN                              0x00000010u
#define TEE_USAGE_VERIFY                            0x00000020u
#define TEE_USAGE_DERIVE                            0x00000040u
#define TEE_HANDLE_FLAG_PERSISTENT                  0x00010000u
#define TEE_HANDLE_FLAG_INITIALIZED                 0x00020000u
#define TEE_HANDLE_FLAG_KEY_SET                     0x00040000u
#define TEE_HANDLE_FLAG_EXPECT_TWO_KEYS             0x00080000u
#define TEE_HANDLE_FLAG_EXTRACTING                  0x00100000u
#define TEE_TYPE_GENERIC_SECRET                     0xA0000000u
#define TEE_TYPE_HMAC_MD5                           0xA0000001u
#define TEE_TYPE_HMAC_SHA1                          0xA0000002u
#define TEE_TYPE_HMAC_SHA224                        0xA0000003u
#define TEE_TYPE_HMAC_SHA256                        0xA0000004u
#define TEE_TYPE_HMAC_SHA384                        0xA0000005u
#define TEE_TYPE_HMAC_SHA512                        0xA0000006u
#define TEE_TYPE_HMAC_SM3                           0xA0000007u
#define TEE_TYPE_HMAC_SHA3_224                      0xA0000008u
#define TEE_TYPE_HMAC_SHA3_256                      0xA0000009u
#define TEE_TYPE_HMAC_SHA3_384                      0xA000000Au
#define TEE_TYPE_HMAC_SHA3_512                      0xA000000Bu
#define TEE_TYPE_AES                                0xA0000010u
#define TEE_TYPE_DES                                0xA0000011u
#define TEE_TYPE_DES3                               0xA0000013u
#define TEE_TYPE_SM4                                0xA0000014u
#define TEE_TYPE_RSA_PUBLIC_KEY                     0xA0000030u
#define TEE_TYPE_DSA_PUBLIC_KEY                     0xA0000031u
#define TEE_TYPE_ECDSA_PUBLIC_KEY                   0xA0000041u
#define TEE_TYPE_ECDH_PUBLIC_KEY                    0xA0000042u
#define TEE_TYPE_ED25519_PUBLIC_KEY                 0xA0000043u
#define TEE_TYPE_X25519_PUBLIC_KEY                  0xA0000044u
#define TEE_TYPE_SM2_DSA_PUBLIC_KEY                 0xA0000045u
#define TEE_TYPE_SM2_KEP_PUBLIC_KEY                 0xA0000046u
#define TEE_TYPE_SM2_PKE_PUBLIC_KEY                 0xA0000047u
#define TEE_TYPE_ED448_PUBLIC_KEY                   0xA0000048u
#define TEE_TYPE_X448_PUBLIC_KEY                    0xA0000049u
#define TEE_TYPE_HKDF                               0xA000004Au
#define TEE_TYPE_CORRUPTED_OBJECT                   0xA00000BEu
#define TEE_TYPE_DATA                               0xA00000BFu
#define TEE_TYPE_RSA_KEYPAIR                        0xA1000030u
#define TEE_TYPE_DSA_KEYPAIR                        0xA1000031u
#define TEE_TYPE_DH_KEYPAIR                         0xA1000032u
#define TEE_TYPE_ECDSA_KEYPAIR                      0xA1000041u
#define TEE_TYPE_ECDH_KEYPAIR                       0xA1000042u
#define TEE_TYPE_ED25519_KEYPAIR                    0xA1000043u
#define TEE_TYPE_X25519_KEYPAIR                     0xA1000044u
#define TEE_TYPE_SM2_DSA_KEYPAIR                    0xA1000045u
#define TEE_TYPE_SM2_KEP_KEYPAIR                    0xA1000046u
#define TEE_TYPE_SM2_PKE_KEYPAIR                    0xA1000047u
#define TEE_TYPE_ED448_KEYPAIR                      0xA1000048u
#define TEE_TYPE_X448_KEYPAIR                       0xA1000049u
#define TEE_TYPE_HKDF_IKM                           0xA10000C0u
#define TEE_TYPE_CONCAT_KDF_Z                       0xA10000C1u
#define TEE_TYPE_PBKDF2_PASSWORD                    0xA10000C2u
#define TEE_TYPE_ILLEGAL_VALUE                      0xEFFFFFFFu
#define TEE_ATTR_SECRET_VALUE                       0xC0000000u
#define TEE_ATTR_HKDF_IKM                           0xC00001C0u
#define TEE_ATTR_CONCAT_KDF_Z                       0xC00001C1u
#define TEE_ATTR_PBKDF2_PASSWORD                    0xC00001C2u
#define TEE_ATTR_DSA_PRIVATE_VALUE                  0xC0000231u
#define TEE_ATTR_DH_PRIVATE_VALUE                   0xC0000232u
#define TEE_ATTR_RSA_PRIVATE_EXPONENT               0xC0000330u
#define TEE_ATTR_ECC_PRIVATE_VALUE                  0xC0000341u
#define TEE_ATTR_RSA_PRIME1                         0xC0000430u
#define TEE_ATTR_RSA_PRIME2                         0xC0000530u
#define TEE_ATTR_RSA_EXPONENT1                      0xC0000630u
#define TEE_ATTR_RSA_EXPONENT2                      0xC0000730u
#define TEE_ATTR_RSA_COEFFICIENT                    0xC0000830u
#define TEE_ATTR_ED25519_PRIVATE_VALUE              0xC0000843u
#define TEE_ATTR_X25519_PRIVATE_VALUE               0xC0000A44u
#define TEE_ATTR_X448_PRIVATE_VALUE                 0xC0000A46u
#define TEE_ATTR_RSA_MODULUS                        0xD0000130u
#define TEE_ATTR_DSA_PUBLIC_VALUE                   0xD0000131u
#define TEE_ATTR_DH_PUBLIC_VALUE                    0xD0000132u
#define TEE_ATTR_ECC_PUBLIC_VALUE_X                 0xD0000141u
#define TEE_ATTR_ECC_EPHEMERAL_PUBLIC_VALUE_X       0xD0000146u
#define TEE_ATTR_RSA_PUBLIC_EXPONENT                0xD0000230u
#define TEE_ATTR_ECC_PUBLIC_VALUE_Y                 0xD0000241u
#define TEE_ATTR_ECC_EPHEMERAL_PUBLIC_VALUE_Y       0xD0000246u
#define __OPTEE_TEE_ATTR_HKDF_SALT                  0xD00002C0u
#define TEE_ATTR_CONCAT_KDF_OTHER_INFO              0xD00002C1u
#define TEE_ATTR_PBKDF2_SALT                        0xD00002C2u
#define __OPTEE_ATTR_HKDF_INFO                      0xD00003C0u
#define TEE_ATTR_SM2_ID_INITIATOR                   0xD0000446u
#define TEE_ATTR_SM2_ID_RESPONDER                   0xD0000546u
#define TEE_ATTR_EDDSA_CTX                          0xD0000643u
#define TEE_ATTR_ED25519_PUBLIC_VALUE               0xD0000743u
#define TEE_ATTR_SM2_KEP_CONFIRMATION_IN            0xD0000746u
#define TEE_ATTR_SM2_KEP_CONFIRMATION_OUT           0xD0000846u
#define TEE_ATTR_RSA_OAEP_LABEL                     0xD0000930u
#define TEE_ATTR_RSA_OAEP_MGF_HASH                  0xD0000931u
#define TEE_ATTR_X25519_PUBLIC_VALUE                0xD0000944u
#define TEE_ATTR_HKDF_SALT                          0xD0000946u
#define __OPTEE_SM2_KEP_ATTR_ECC_EPHEMERAL_PUBLIC_VALUE_X 0xD0000946u
#define TEE_ATTR_X448_PUBLIC_VALUE                  0xD0000A45u
#define TEE_ATTR_HKDF_INFO                          0xD0000A46u
#define __OPTEE_SM2_KEP_ATTR_ECC_EPHEMERAL_PUBLIC_VALUE_Y 0xD0000A46u
#define TEE_ATTR_DSA_PRIME                          0xD0001031u
#define TEE_ATTR_DH_PRIME                           0xD0001032u
#define TEE_ATTR_DSA_SUBPRIME                       0xD0001131u
#define TEE_ATTR_DH_SUBPRIME                        0xD0001132u
#define TEE_ATTR_DSA_BASE                           0xD0001231u
#define TEE_ATTR_DH_BASE                            0xD0001232u
#define TEE_ATTR_EDDSA_PREHASH                      0xF0000004u
#define TEE_ATTR_CONCAT_KDF_DKM_LENGTH              0xF00003C1u
#define TEE_ATTR_PBKDF2_ITERATION_COUNT             0xF00003C2u
#define TEE_ATTR_ECC_CURVE                          0xF0000441u
#define TEE_ATTR_HKDF_OKM_LENGTH                    0xF00004C0u
#define TEE_ATTR_PBKDF2_DKM_LENGTH                  0xF00004C2u
#define TEE_ATTR_SM2_KEP_USER                       0xF0000646u
#define TEE_ATTR_RSA_PSS_SALT_LENGTH                0xF0000A30u
#define TEE_ATTR_HKDF_HASH_ALGORITHM                0xF0000B46u
#define TEE_ATTR_KDF_KEY_SIZE                       0xF0000C46u
#define TEE_ATTR_DH_X_BITS                          0xF0001332u
#define TEE_ECC_CURVE_NIST_P192                     0x00000001u
#define TEE_ECC_CURVE_NIST_P224                     0x00000002u
#define TEE_ECC_CURVE_NIST_P256                     0x00000003u
#define TEE_ECC_CURVE_NIST_P384                     0x00000004u
#define TEE_ECC_CURVE_NIST_P521                     0x00000005u
#define TEE_ECC_CURVE_25519                         0x00000300u
#define TEE_ECC_CURVE_SM2                           0x00000400u

/*
 * Generic object functions. Results outside the documented set panic, as
 * in OP-TEE's libutee (e.g. an invalid handle panics with the kernel's
 * result, a value attribute asked for as a buffer panics with
 * TEE_ERROR_BAD_PARAMETERS).
 */
TEE_Result TEE_GetObjectInfo1(TEE_ObjectHandle object,
			      TEE_ObjectInfo *objectInfo);
TEE_Result TEE_RestrictObjectUsage1(TEE_ObjectHandle object,
				    uint32_t objectUsage);
TEE_Result TEE_GetObjectBufferAttribute(TEE_ObjectHandle object,
					uint32_t attributeID, void *buffer,
					size_t *size);
TEE_Result TEE_GetObjectValueAttribute(TEE_ObjectHandle object,
				       uint32_t attributeID, uint32_t *a,
				       uint32_t *b);
void TEE_CloseObject(TEE_ObjectHandle object);

/* Transient objects. */
TEE_Result TEE_AllocateTransientObject(TEE_ObjectType objectType,
				       uint32_t maxObjectSize,
				       TEE_ObjectHandle *object);
void TEE_FreeTransientObject(TEE_ObjectHandle object);
void TEE_ResetTransientObject(TEE_ObjectHandle object);
TEE_Result TEE_PopulateTransientObject(TEE_ObjectHandle object,
				       const TEE_Attribute *attrs,
				       uint32_t attrCount);
void TEE_InitRefAttribute(TEE_Attribute *attr, uint32_t attributeID,
			  const void *buffer, size_t length);
void TEE_InitValueAttribute(TEE_Attribute *attr, uint32_t attributeID,
			    uint32_t a, uint32_t b);
TEE_Result TEE_CopyObjectAttributes1(TEE_ObjectHandle destObject,
				     TEE_ObjectHandle srcObject);
TEE_Result TEE_GenerateKey(TEE_ObjectHandle object, uint32_t keySize,
			   const TEE_Attribute *params, uint32_t paramCount);

#endif
