/*
 * Internal helpers shared by the object and crypto sources (crypto_*.c).
 *
 * Like OP-TEE's libutee built with CFG_TA_STRICT_ANNOTATION_CHECKS=y (the
 * dev kit's default), pointer arguments are checked with
 * TEE_CheckMemoryAccessRights before use and a failed check panics with
 * code 0: a NULL pointer with a non-zero length, or memory the TA may not
 * access that way.
 */
#ifndef SDK_CRYPTO_PRIVATE_H
#define SDK_CRYPTO_PRIVATE_H

#include "sdk_private.h"
#include <sdk/syscall.h>
#include <sdk/api_crypto.h>

/* [out]: writable by the TA. */
void sdk_check_out(void *buf, size_t len);
/* [inout]: readable and writable. */
void sdk_check_inout(void *buf, size_t len);
/* [in] attributes: count TEE_Attribute structures readable. */
void sdk_check_attrs(const TEE_Attribute *attrs, size_t count);
/* [outbuf]: *len readable/writable, then buf writable (any owner) for *len. */
void sdk_check_outbuf(void *buf, size_t *len);

/* TEE_Attribute[] to the syscall layout (struct utee_attribute). */
void sdk_attrs_to_sys(struct sys_attribute *ua, const TEE_Attribute *attrs,
		      uint32_t count);

/* The kernel's view of an object (syscall 24), panicking on failure. */
void sdk_obj_info_or_panic(TEE_ObjectHandle obj, struct sys_object_info *info);

/*
 * An operation (libutee's struct __TEE_OperationHandle): the GP operation
 * information, the key objects it owns, a buffer for partial cipher blocks
 * (or the whole digest for TEE_DigestExtract) and the kernel's state.
 */
struct __TEE_OperationHandle {
	TEE_OperationInfo info;
	TEE_ObjectHandle key1;
	TEE_ObjectHandle key2;
	uint32_t operationState;	/* TEE_OPERATION_STATE_* */
	uint8_t *buffer;
	bool buffer_two_blocks;
	size_t block_size;
	size_t buffer_offs;
	uint32_t state;			/* kernel handle */
};

/* Algorithm identifiers taken apart (crypto_alg.c, utee_defines.h facts). */
uint32_t sdk_alg_class(uint32_t algo);
uint32_t sdk_alg_main(uint32_t algo);
size_t sdk_alg_digest_size(uint32_t algo);

#define SDK_ROUNDUP(v, n)	((((v) + (n) - 1) / (n)) * (n))
#define SDK_ROUNDDOWN(v, n)	(((v) / (n)) * (n))
#define SDK_MIN(a, b)		((a) < (b) ? (a) : (b))
#define SDK_MAX_HASH_SIZE	64

/* crypto_operation.c: back to INITIAL (digests are re-initialized). */
void sdk_op_reset_state(TEE_OperationHandle op);

typedef TEE_Result (*sdk_update_fn)(unsigned long state, const void *src,
				    size_t slen, void *dst, uint64_t *dlen);

/*
 * crypto_cipher.c: feed src through op->buffer so that the kernel only
 * sees whole blocks (and, for CTS/XTS, always keeps the last two blocks
 * back); *dest_len is the room in, the bytes written out.
 */
TEE_Result sdk_buffer_update(TEE_OperationHandle op, sdk_update_fn update,
			     const void *src_data, size_t src_len,
			     void *dest_data, uint64_t *dest_len);

#endif
