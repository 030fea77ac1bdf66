/*
 * Algorithm identifiers taken apart as OP-TEE's utee_defines.h does: the
 * operation class (bits 31:28 plus the OP-TEE exceptions), the main
 * algorithm (bits 7:0 plus the exceptions) and the digest/MAC size that
 * TEE_GetOperationInfo reports as digestLength.
 */
#include "crypto_private.h"

#define MAIN_ECDSA	0x41
#define MAIN_ED25519	0x43
#define MAIN_X25519	0x44
#define MAIN_SM2_KEP	0x46
#define MAIN_SM2_PKE	0x47
#define MAIN_X448	0x49
#define MAIN_HKDF	0xC0
#define MAIN_SHAKE128	0xC3
#define MAIN_SHAKE256	0xC4

uint32_t sdk_alg_class(uint32_t algo)
{
	switch (algo) {
	case TEE_ALG_SM2_PKE:
	case TEE_ALG_RSAES_PKCS1_OAEP_MGF1_MD5:
		return TEE_OPERATION_ASYMMETRIC_CIPHER;
	case TEE_ALG_SM2_KEP:
		return TEE_OPERATION_KEY_DERIVATION;
	case TEE_ALG_RSASSA_PKCS1_V1_5:
	case TEE_ALG_RSASSA_PKCS1_PSS_MGF1_MD5:
		return TEE_OPERATION_ASYMMETRIC_SIGNATURE;
	case TEE_ALG_DES3_CMAC:
		return TEE_OPERATION_MAC;
	case TEE_ALG_SM4_XTS:
		return TEE_OPERATION_CIPHER;
	default:
		return (algo >> 28) & 0xF;
	}
}

uint32_t sdk_alg_main(uint32_t algo)
{
	switch (algo) {
	case TEE_ALG_SM2_PKE:
		return MAIN_SM2_PKE;
	case TEE_ALG_SM2_KEP:
		return MAIN_SM2_KEP;
	case TEE_ALG_X25519:
		return MAIN_X25519;
	case TEE_ALG_ED25519:
		return MAIN_ED25519;
	case TEE_ALG_ECDSA_SHA1:
	case TEE_ALG_ECDSA_SHA224:
	case TEE_ALG_ECDSA_SHA256:
	case TEE_ALG_ECDSA_SHA384:
	case TEE_ALG_ECDSA_SHA512:
		return MAIN_ECDSA;
	case TEE_ALG_HKDF:
		return MAIN_HKDF;
	case TEE_ALG_SHAKE128:
		return MAIN_SHAKE128;
	case TEE_ALG_SHAKE256:
		return MAIN_SHAKE256;
	case TEE_ALG_X448:
		return MAIN_X448;
	default:
		return algo & 0xFF;
	}
}

size_t sdk_alg_digest_size(uint32_t algo)
{
	switch (algo) {
	case TEE_ALG_MD5:
	case TEE_ALG_HMAC_MD5:
		return 16;
	case TEE_ALG_SHA1:
	case TEE_ALG_HMAC_SHA1:
	case TEE_ALG_DSA_SHA1:
	case TEE_ALG_ECDSA_SHA1:
		return 20;
	case TEE_ALG_SHA224:
	case TEE_ALG_SHA3_224:
	case TEE_ALG_HMAC_SHA224:
	case TEE_ALG_HMAC_SHA3_224:
	case TEE_ALG_DSA_SHA224:
	case TEE_ALG_ECDSA_SHA224:
		return 28;
	case TEE_ALG_SHA256:
	case TEE_ALG_SHA3_256:
	case TEE_ALG_HMAC_SHA256:
	case TEE_ALG_HMAC_SHA3_256:
	case TEE_ALG_DSA_SHA256:
	case TEE_ALG_ECDSA_SHA256:
	case TEE_ALG_SM3:
	case TEE_ALG_HMAC_SM3:
		return 32;
	case TEE_ALG_SHA384:
	case TEE_ALG_SHA3_384:
	case TEE_ALG_HMAC_SHA384:
	case TEE_ALG_HMAC_SHA3_384:
	case TEE_ALG_ECDSA_SHA384:
		return 48;
	case TEE_ALG_SHA512:
	case TEE_ALG_SHA3_512:
	case TEE_ALG_HMAC_SHA512:
	case TEE_ALG_HMAC_SHA3_512:
	case TEE_ALG_ECDSA_SHA512:
		return 64;
	case TEE_ALG_AES_CBC_MAC_NOPAD:
	case TEE_ALG_AES_CBC_MAC_PKCS5:
	case TEE_ALG_AES_CMAC:
		return 16;
	case TEE_ALG_DES_CBC_MAC_NOPAD:
	case TEE_ALG_DES_CBC_MAC_PKCS5:
	case TEE_ALG_DES3_CBC_MAC_NOPAD:
	case TEE_ALG_DES3_CBC_MAC_PKCS5:
	case TEE_ALG_DES3_CMAC:
		return 8;
	default:
		return 0;
	}
}
