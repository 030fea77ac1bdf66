/*
 * crypto sample TA: the GP cryptographic API, command by command, for
 * table-driven tests and benchmarks (tests/crypto/test_through_ta_*.py,
 * benchmarks/bench_crypto.py).
 *
 * UUID 01fc082f-f1a3-4f07-9eef-ac17b5226c3f, flags 0 (one instance per
 * session, so the tables below belong to one session).
 *
 * The TA keeps up to 32 objects and 32 operations in slots; a slot number
 * names one in later commands, CRYPTO_SLOT_NULL (0xFFFFFFFF) stands for
 * TEE_HANDLE_NULL. A command returns the result of the GP call it makes,
 * so a panic in the GP library (as OP-TEE's libutee panics) ends the
 * instance: the client sees TEE_ERROR_TARGET_DEAD with the panic code in
 * the crash report. Wrong parameter types, an unknown or empty slot or a
 * full table: TEE_ERROR_BAD_PARAMETERS (before any GP call). Unknown
 * commands: TEE_ERROR_NOT_SUPPORTED.
 *
 * Attribute lists (ATTRS below) are serialized records, little endian:
 *     u32 attributeID, u32 a, u32 b
 * For a value attribute (bit 29 of the ID set) a and b are the values.
 * For a buffer attribute a is the length and that many bytes follow the
 * record directly; b is ignored. At most 16 attributes. The TA copies the
 * list to its heap and builds TEE_Attribute[] pointing into the copy.
 *
 * "chunk" splits data into updates of that many bytes (0: one update with
 * everything); "tail" is how many trailing bytes go to the final call
 * instead (p3 absent: all of them). Outputs are appended in the output
 * memref; on TEE_ERROR_SHORT_BUFFER its size becomes the bytes produced
 * so far plus the size the failing call asked for.
 *
 * Objects
 *   0 OBJ_ALLOC       p0 VI (type, maxObjectSize), p1 VO a = slot
 *                     TEE_AllocateTransientObject
 *   1 OBJ_POPULATE    p0 VI slot, p1 MI ATTRS   TEE_PopulateTransientObject
 *   2 OBJ_GENERATE    p0 VI (slot, keySize), p1 MI ATTRS or NONE
 *                     TEE_GenerateKey
 *   3 OBJ_GET_BUFFER  p0 VI (slot, attributeID), p1 MO
 *                     TEE_GetObjectBufferAttribute; p1 size = *size
 *   4 OBJ_GET_VALUE   p0 VI (slot, attributeID), p1 VO (a, b)
 *                     TEE_GetObjectValueAttribute
 *   5 OBJ_INFO        p0 VI slot, p1 MO >= 28 bytes: TEE_GetObjectInfo1 as
 *                     u32 objectType, objectSize, maxObjectSize,
 *                     objectUsage, dataSize, dataPosition, handleFlags
 *   6 OBJ_RESTRICT    p0 VI (slot, usage)       TEE_RestrictObjectUsage1
 *   7 OBJ_COPY        p0 VI (dst, src)          TEE_CopyObjectAttributes1
 *   8 OBJ_RESET       p0 VI slot                TEE_ResetTransientObject
 *   9 OBJ_FREE        p0 VI slot                TEE_FreeTransientObject
 *
 * Operations
 *  10 OP_ALLOC        p0 VI (algorithm, mode), p1 VI a = maxKeySize,
 *                     p2 VO a = slot            TEE_AllocateOperation
 *  11 OP_FREE         p0 VI slot                TEE_FreeOperation
 *  12 OP_SET_KEY      p0 VI (op, key), [p1 VI a = key2]
 *                     TEE_SetOperationKey, or TEE_SetOperationKey2 with p1
 *  13 OP_INFO         p0 VI op, p1 MO >= 32 bytes: TEE_GetOperationInfo as
 *                     u32 algorithm, operationClass, mode, digestLength,
 *                     maxKeySize, keySize, requiredKeyUsage, handleState
 *  14 OP_RESET        p0 VI op                  TEE_ResetOperation
 *  15 OP_COPY         p0 VI (dst, src)          TEE_CopyOperation
 *
 * Digests and MACs
 *  16 DIGEST          p0 VI (op, chunk), p1 MI data, p2 MO hash, [p3 VI a =
 *                     tail]  TEE_DigestUpdate..., TEE_DigestDoFinal
 *  17 DIGEST_EXTRACT  p0 VI (op, chunk), p1 MI data, p2 MO out, p3 VI a =
 *                     piece: TEE_DigestUpdate..., then TEE_DigestExtract in
 *                     pieces until p2 is full or a call returns 0 bytes
 *  18 MAC_INIT        p0 VI op, [p1 MI IV]      TEE_MACInit
 *  19 MAC_COMPUTE     p0 VI (op, chunk), p1 MI msg, p2 MO mac, [p3 VI tail]
 *                     TEE_MACUpdate..., TEE_MACComputeFinal
 *  20 MAC_COMPARE     p0 VI (op, chunk), p1 MI msg, p2 MI mac, [p3 VI tail]
 *                     TEE_MACUpdate..., TEE_MACCompareFinal
 *
 * Ciphers and AE
 *  21 CIPHER_INIT     p0 VI op, [p1 MI IV]      TEE_CipherInit
 *  22 CIPHER_UPDATE   p0 VI (op, chunk), p1 MI src, p2 MO dst,
 *                     [p3 VI a = tail]: TEE_CipherUpdate..., and with p3
 *                     TEE_CipherDoFinal on the last `tail` bytes
 *  23 AE_INIT         p0 VI (op, tagLen in bits), p1 MI nonce,
 *                     p2 VI (AADLen, payloadLen)  TEE_AEInit
 *  24 AE_AAD          p0 VI (op, chunk), p1 MI aad   TEE_AEUpdateAAD...
 *  25 AE_UPDATE       p0 VI (op, chunk), p1 MI src, p2 MO dst,
 *                     [p3 MO tag]: TEE_AEUpdate..., and with p3
 *                     TEE_AEEncryptFinal(no data) writing the tag to p3
 *  26 AE_ENC_FINAL    p0 VI op, p1 MI src, p2 MO dst, p3 MO tag
 *                     TEE_AEEncryptFinal (both sizes reported back)
 *  27 AE_DEC_FINAL    p0 VI op, p1 MI src, p2 MO dst, p3 MI tag
 *                     TEE_AEDecryptFinal
 *
 * Asymmetric and derivation
 *  28 ASYM            p0 VI (op, function), p1 MI ATTRS or NONE, p2 MI src,
 *                     p3 MO dst (functions 0 encrypt, 1 decrypt, 2 sign) or
 *                     p3 MI signature (3 verify)
 *                     TEE_Asymmetric{Encrypt,Decrypt,SignDigest,VerifyDigest}
 *  29 DERIVE          p0 VI (op, derived key slot), [p1 MI ATTRS]
 *                     TEE_DeriveKey
 *
 *  30 MISUSE          p0 VI (case, arg): calls the API the wrong way so that
 *                     the library's own checks are reachable:
 *                     0 TEE_AllocateOperation(NULL, SHA-256)     panic 0
 *                     1 TEE_CloseObject(handle value arg)
 *                     2 TEE_GetObjectInfo1(handle value arg)
 *                     3 TEE_PopulateTransientObject(slot arg, NULL, 1)
 *                     4 TEE_InitValueAttribute with a buffer ID  panic 0
 *                     5 TEE_InitRefAttribute with a value ID     panic 0
 *                     6 TEE_CipherUpdate(op slot arg, NULL src, 16 bytes)
 */
#ifndef CRYPTO_TA_H
#define CRYPTO_TA_H

#define CRYPTO_TA_UUID_STR "01fc082f-f1a3-4f07-9eef-ac17b5226c3f"

#define CRYPTO_SLOT_NULL	0xFFFFFFFFu
#define CRYPTO_MAX_SLOTS	32
#define CRYPTO_MAX_ATTRS	16

#define CRYPTO_CMD_OBJ_ALLOC		0
#define CRYPTO_CMD_OBJ_POPULATE		1
#define CRYPTO_CMD_OBJ_GENERATE		2
#define CRYPTO_CMD_OBJ_GET_BUFFER	3
#define CRYPTO_CMD_OBJ_GET_VALUE	4
#define CRYPTO_CMD_OBJ_INFO		5
#define CRYPTO_CMD_OBJ_RESTRICT		6
#define CRYPTO_CMD_OBJ_COPY		7
#define CRYPTO_CMD_OBJ_RESET		8
#define CRYPTO_CMD_OBJ_FREE		9
#define CRYPTO_CMD_OP_ALLOC		10
#define CRYPTO_CMD_OP_FREE		11
#define CRYPTO_CMD_OP_SET_KEY		12
#define CRYPTO_CMD_OP_INFO		13
#define CRYPTO_CMD_OP_RESET		14
#define CRYPTO_CMD_OP_COPY		15
#define CRYPTO_CMD_DIGEST		16
#define CRYPTO_CMD_DIGEST_EXTRACT	17
#define CRYPTO_CMD_MAC_INIT		18
#define CRYPTO_CMD_MAC_COMPUTE		19
#define CRYPTO_CMD_MAC_COMPARE		20
#define CRYPTO_CMD_CIPHER_INIT		21
#define CRYPTO_CMD_CIPHER_UPDATE	22
#define CRYPTO_CMD_AE_INIT		23
#define CRYPTO_CMD_AE_AAD		24
#define CRYPTO_CMD_AE_UPDATE		25
#define CRYPTO_CMD_AE_ENC_FINAL		26
#define CRYPTO_CMD_AE_DEC_FINAL		27
#define CRYPTO_CMD_ASYM			28
#define CRYPTO_CMD_DERIVE		29
#define CRYPTO_CMD_MISUSE		30

#define CRYPTO_ASYM_ENCRYPT	0
#define CRYPTO_ASYM_DECRYPT	1
#define CRYPTO_ASYM_SIGN	2
#define CRYPTO_ASYM_VERIFY	3

#endif
