/*
 * The OP-TEE user TA syscall ABI as seen from C.
 *
 * Every call is `svc #0` with the number in x8, up to eight arguments in
 * x0-x7 and a TEE_Result back in x0 (src/syscalls.S has one stub per call).
 * Pointers are TA virtual addresses; the kernel copies through them and
 * writes 32-bit results where the prototype says uint32_t.
 */
#ifndef SDK_SYSCALL_H
#define SDK_SYSCALL_H

#include <sdk/types.h>
#include <sdk/ta_entry.h>

#define SYS_RETURN			0
#define SYS_LOG				1
#define SYS_PANIC			2
#define SYS_GET_PROPERTY		3
#define SYS_GET_PROPERTY_NAME_TO_INDEX	4
#define SYS_OPEN_TA_SESSION		5
#define SYS_CLOSE_TA_SESSION		6
#define SYS_INVOKE_TA_COMMAND		7
#define SYS_CHECK_ACCESS_RIGHTS		8
#define SYS_GET_CANCELLATION_FLAG	9
#define SYS_UNMASK_CANCELLATION		10
#define SYS_MASK_CANCELLATION		11
#define SYS_WAIT			12
#define SYS_GET_TIME			13
#define SYS_SET_TA_TIME			14
#define SYS_CRYP_STATE_ALLOC		15
#define SYS_CRYP_STATE_COPY		16
#define SYS_CRYP_STATE_FREE		17
#define SYS_HASH_INIT			18
#define SYS_HASH_UPDATE			19
#define SYS_HASH_FINAL			20
#define SYS_CIPHER_INIT			21
#define SYS_CIPHER_UPDATE		22
#define SYS_CIPHER_FINAL		23
#define SYS_CRYP_OBJ_GET_INFO		24
#define SYS_CRYP_OBJ_RESTRICT_USAGE	25
#define SYS_CRYP_OBJ_GET_ATTR		26
#define SYS_CRYP_OBJ_ALLOC		27
#define SYS_CRYP_OBJ_CLOSE		28
#define SYS_CRYP_OBJ_RESET		29
#define SYS_CRYP_OBJ_POPULATE		30
#define SYS_CRYP_OBJ_COPY		31
#define SYS_CRYP_DERIVE_KEY		32
#define SYS_CRYP_RANDOM_NUMBER_GENERATE	33
#define SYS_AUTHENC_INIT		34
#define SYS_AUTHENC_UPDATE_AAD		35
#define SYS_AUTHENC_UPDATE_PAYLOAD	36
#define SYS_AUTHENC_ENC_FINAL		37
#define SYS_AUTHENC_DEC_FINAL		38
#define SYS_ASYMM_OPERATE		39
#define SYS_ASYMM_VERIFY		40
#define SYS_STORAGE_OBJ_OPEN		41
#define SYS_STORAGE_OBJ_CREATE		42
#define SYS_STORAGE_OBJ_DEL		43
#define SYS_STORAGE_OBJ_RENAME		44
#define SYS_STORAGE_ENUM_ALLOC		45
#define SYS_STORAGE_ENUM_FREE		46
#define SYS_STORAGE_ENUM_RESET		47
#define SYS_STORAGE_ENUM_START		48
#define SYS_STORAGE_ENUM_NEXT		49
#define SYS_STORAGE_OBJ_READ		50
#define SYS_STORAGE_OBJ_WRITE		51
#define SYS_STORAGE_OBJ_TRUNC		52
#define SYS_STORAGE_OBJ_SEEK		53
#define SYS_CRYP_OBJ_GENERATE_KEY	54
/* 55-69 were secure-element calls; they have no stubs. */
#define SYS_CACHE_OPERATION		70
#define SYS_MAX				70

/* Time categories for sys_get_time. */
#define SYS_TIME_SYSTEM		0
#define SYS_TIME_TA_PERSISTENT	1
#define SYS_TIME_REE		2

/* Kinds of property values (the type word of ta_props[] and syscall 3). */
#define SYS_PROP_TYPE_BOOL		0
#define SYS_PROP_TYPE_U32		1
#define SYS_PROP_TYPE_UUID		2
#define SYS_PROP_TYPE_IDENTITY		3
#define SYS_PROP_TYPE_STRING		4
#define SYS_PROP_TYPE_BINARY_BLOCK	5
#define SYS_PROP_TYPE_U64		6

/* Attribute as passed to the crypto calls: 24 bytes with padding. */
struct sys_attribute {
	uint64_t a;		/* value a, or buffer address */
	uint64_t b;		/* value b, or buffer length */
	uint32_t attribute_id;
};

/* Object information as written by the kernel: 28 bytes. */
struct sys_object_info {
	uint32_t obj_type;
	uint32_t obj_size;
	uint32_t max_obj_size;
	uint32_t obj_usage;
	uint32_t data_size;
	uint32_t data_pos;
	uint32_t handle_flags;
};

/* 0-4: control flow, logging, properties */
void sys_return(unsigned long result) __attribute__((noreturn));
void sys_log(const void *buf, size_t len);
/* Saves {x29, x30} and passes its address as the second argument. */
void sys_panic(unsigned long code) __attribute__((noreturn));
TEE_Result sys_get_property(unsigned long prop_set, unsigned long index,
			    void *name, uint32_t *name_len,
			    void *buf, uint32_t *buf_len, uint32_t *prop_type);
TEE_Result sys_get_property_name_to_index(unsigned long prop_set,
					  const void *name,
					  unsigned long name_len,
					  uint32_t *index);

/* 5-7: TA-to-TA */
TEE_Result sys_open_ta_session(const TEE_UUID *dest,
			       unsigned long cancel_req_to,
			       struct utee_params *params, uint32_t *session,
			       uint32_t *ret_origin);
TEE_Result sys_close_ta_session(unsigned long session);
TEE_Result sys_invoke_ta_command(unsigned long session,
				 unsigned long cancel_req_to,
				 unsigned long cmd_id,
				 struct utee_params *params,
				 uint32_t *ret_origin);

/* 8-14: memory, cancellation, time */
TEE_Result sys_check_access_rights(uint32_t flags, const void *buf,
				   size_t len);
TEE_Result sys_get_cancellation_flag(uint32_t *cancel);
TEE_Result sys_unmask_cancellation(uint32_t *old_mask);
TEE_Result sys_mask_cancellation(uint32_t *old_mask);
TEE_Result sys_wait(unsigned long timeout_ms);
TEE_Result sys_get_time(unsigned long category, TEE_Time *time);
TEE_Result sys_set_ta_time(const TEE_Time *time);

/* 15-40: cryptography */
TEE_Result sys_cryp_state_alloc(unsigned long algo, unsigned long mode,
				unsigned long key1, unsigned long key2,
				uint32_t *state);
TEE_Result sys_cryp_state_copy(unsigned long dst, unsigned long src);
TEE_Result sys_cryp_state_free(unsigned long state);
TEE_Result sys_hash_init(unsigned long state, const void *iv, size_t iv_len);
TEE_Result sys_hash_update(unsigned long state, const void *chunk,
			   size_t chunk_len);
TEE_Result sys_hash_final(unsigned long state, const void *chunk,
			  size_t chunk_len, void *hash, uint64_t *hash_len);
TEE_Result sys_cipher_init(unsigned long state, const void *iv,
			   size_t iv_len);
TEE_Result sys_cipher_update(unsigned long state, const void *src,
			     size_t src_len, void *dst, uint64_t *dst_len);
TEE_Result sys_cipher_final(unsigned long state, const void *src,
			    size_t src_len, void *dst, uint64_t *dst_len);
TEE_Result sys_cryp_obj_get_info(unsigned long obj,
				 struct sys_object_info *info);
TEE_Result sys_cryp_obj_restrict_usage(unsigned long obj,
				       unsigned long usage);
TEE_Result sys_cryp_obj_get_attr(unsigned long obj, unsigned long attr_id,
				 void *buf, uint64_t *size);
TEE_Result sys_cryp_obj_alloc(unsigned long obj_type, unsigned long max_size,
			      uint32_t *obj);
TEE_Result sys_cryp_obj_close(unsigned long obj);
TEE_Result sys_cryp_obj_reset(unsigned long obj);
TEE_Result sys_cryp_obj_populate(unsigned long obj,
				 struct sys_attribute *attrs,
				 unsigned long attr_count);
TEE_Result sys_cryp_obj_copy(unsigned long dst_obj, unsigned long src_obj);
TEE_Result sys_cryp_derive_key(unsigned long state,
			       const struct sys_attribute *params,
			       unsigned long param_count,
			       unsigned long derived_key);
TEE_Result sys_cryp_random_number_generate(void *buf, size_t len);
TEE_Result sys_authenc_init(unsigned long state, const void *nonce,
			    size_t nonce_len, size_t tag_len, size_t aad_len,
			    size_t payload_len);
TEE_Result sys_authenc_update_aad(unsigned long state, const void *aad,
				  size_t aad_len);
TEE_Result sys_authenc_update_payload(unsigned long state, const void *src,
				      size_t src_len, void *dst,
				      uint64_t *dst_len);
TEE_Result sys_authenc_enc_final(unsigned long state, const void *src,
				 size_t src_len, void *dst, uint64_t *dst_len,
				 void *tag, uint64_t *tag_len);
TEE_Result sys_authenc_dec_final(unsigned long state, const void *src,
				 size_t src_len, void *dst, uint64_t *dst_len,
				 const void *tag, size_t tag_len);
TEE_Result sys_asymm_operate(unsigned long state,
			     const struct sys_attribute *params,
			     unsigned long num_params, const void *src,
			     size_t src_len, void *dst, uint64_t *dst_len);
TEE_Result sys_asymm_verify(unsigned long state,
			    const struct sys_attribute *params,
			    unsigned long num_params, const void *data,
			    size_t data_len, const void *sig, size_t sig_len);

/* 41-53: trusted storage */
TEE_Result sys_storage_obj_open(unsigned long storage_id, const void *id,
				size_t id_len, unsigned long flags,
				uint32_t *obj);
TEE_Result sys_storage_obj_create(unsigned long storage_id, const void *id,
				  size_t id_len, unsigned long flags,
				  unsigned long attr_obj, const void *data,
				  size_t len, uint32_t *obj);
TEE_Result sys_storage_obj_del(unsigned long obj);
TEE_Result sys_storage_obj_rename(unsigned long obj, const void *new_id,
				  size_t new_id_len);
TEE_Result sys_storage_enum_alloc(uint32_t *obj_enum);
TEE_Result sys_storage_enum_free(unsigned long obj_enum);
TEE_Result sys_storage_enum_reset(unsigned long obj_enum);
TEE_Result sys_storage_enum_start(unsigned long obj_enum,
				  unsigned long storage_id);
TEE_Result sys_storage_enum_next(unsigned long obj_enum,
				 struct sys_object_info *info, void *id,
				 uint64_t *id_len);
TEE_Result sys_storage_obj_read(unsigned long obj, void *data, size_t len,
				uint64_t *count);
TEE_Result sys_storage_obj_write(unsigned long obj, const void *data,
				 size_t len);
TEE_Result sys_storage_obj_trunc(unsigned long obj, size_t len);
TEE_Result sys_storage_obj_seek(unsigned long obj, int32_t offset,
				unsigned long whence);

/* 54, 70 */
TEE_Result sys_cryp_obj_generate_key(unsigned long obj,
				     unsigned long key_size,
				     const struct sys_attribute *params,
				     unsigned long param_count);
TEE_Result sys_cache_operation(void *va, size_t len, unsigned long op);

/*
 * Any syscall by number, with four arguments (x4-x7 are zero). For tests of
 * the syscall dispatcher itself, e.g. numbers above SYS_MAX.
 */
TEE_Result sys_raw(unsigned long nr, unsigned long a0, unsigned long a1,
		   unsigned long a2, unsigned long a3);

#endif
