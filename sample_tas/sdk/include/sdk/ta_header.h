/*
 * What the TA binary tells the loader and the SDK about itself
 * (built per TA from src/ta_header.c and the TA's ta_config.h).
 */
#ifndef SDK_TA_HEADER_H
#define SDK_TA_HEADER_H

#include <sdk/types.h>
#include <sdk/syscall.h>

/* ta_head.flags bits */
#define TA_FLAG_SINGLE_INSTANCE		(1u << 2)
#define TA_FLAG_MULTI_SESSION		(1u << 3)
#define TA_FLAG_INSTANCE_KEEP_ALIVE	(1u << 4)
#define TA_FLAG_SECURE_DATA_PATH	(1u << 5)
#define TA_FLAG_CACHE_MAINTENANCE	(1u << 7)
#define TA_FLAG_CONCURRENT		(1u << 8)
#define TA_FLAG_DEVICE_ENUM		(1u << 9)
#define TA_FLAG_DEVICE_ENUM_SUPP	(1u << 10)
#define TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT (1u << 11)
#define TA_FLAG_DEVICE_ENUM_TEE_STORAGE_PRIVATE (1u << 12)
#define TA_FLAG_INSTANCE_KEEP_CRASHED	(1u << 13)

/* Stack the SDK itself may use on top of the TA's TA_STACK_SIZE. */
#define TA_FRAMEWORK_STACK_SIZE		2048

/*
 * 32 bytes in section .ta_head, exported as the dynamic symbol "ta_head":
 * the loader reads the UUID, stack size (framework part included) and
 * flags from here. depr_entry is always all ones.
 */
struct ta_head {
	TEE_UUID uuid;
	uint32_t stack_size;
	uint32_t flags;
	uint64_t depr_entry;
};

/*
 * One entry of ta_props[] (24 bytes): name, SYS_PROP_TYPE_* and a pointer
 * to the value. STRING values are NUL-terminated; BINARY_BLOCK values are
 * NUL-terminated base64 text, decoded when read.
 */
struct ta_property {
	const char *name;
	uint32_t type;
	const void *value;
};

extern const struct ta_head ta_head;
extern const struct ta_property ta_props[];
extern const size_t ta_num_props;
extern uint8_t ta_heap[];
extern const size_t ta_heap_size;

/* Helpers for the extra properties a TA lists in TA_EXTRA_PROPERTIES. */
#define TA_PROP_BOOL(n, v)	{ (n), SYS_PROP_TYPE_BOOL, &(const bool){ (v) } }
#define TA_PROP_U32(n, v)	{ (n), SYS_PROP_TYPE_U32, &(const uint32_t){ (v) } }
#define TA_PROP_U64(n, v)	{ (n), SYS_PROP_TYPE_U64, &(const uint64_t){ (v) } }
#define TA_PROP_UUID(n, ...)	{ (n), SYS_PROP_TYPE_UUID, &(const TEE_UUID)__VA_ARGS__ }
#define TA_PROP_IDENTITY(n, ...) { (n), SYS_PROP_TYPE_IDENTITY, &(const TEE_Identity)__VA_ARGS__ }
#define TA_PROP_STRING(n, s)	{ (n), SYS_PROP_TYPE_STRING, (s) }
#define TA_PROP_BINARY(n, b64)	{ (n), SYS_PROP_TYPE_BINARY_BLOCK, (b64) }

#endif
