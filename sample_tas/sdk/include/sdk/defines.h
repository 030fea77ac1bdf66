/* GP constants: parameter types, logins, property sets, access flags. */
#ifndef SDK_DEFINES_H
#define SDK_DEFINES_H

#define TEE_NUM_PARAMS			4

#define TEE_PARAM_TYPE_NONE		0u
#define TEE_PARAM_TYPE_VALUE_INPUT	1u
#define TEE_PARAM_TYPE_VALUE_OUTPUT	2u
#define TEE_PARAM_TYPE_VALUE_INOUT	3u
#define TEE_PARAM_TYPE_MEMREF_INPUT	5u
#define TEE_PARAM_TYPE_MEMREF_OUTPUT	6u
#define TEE_PARAM_TYPE_MEMREF_INOUT	7u

/* Four bits per parameter, parameter 0 in the lowest nibble. */
#define TEE_PARAM_TYPES(t0, t1, t2, t3) \
	((uint32_t)(t0) | ((uint32_t)(t1) << 4) | \
	 ((uint32_t)(t2) << 8) | ((uint32_t)(t3) << 12))
#define TEE_PARAM_TYPE_GET(types, n)	(((uint32_t)(types) >> ((n) * 4)) & 0xFu)
#define TEE_PARAM_TYPE_SET(type, n)	(((uint32_t)(type) & 0xFu) << ((n) * 4))

#define TEE_LOGIN_PUBLIC		0x00000000u
#define TEE_LOGIN_USER			0x00000001u
#define TEE_LOGIN_GROUP			0x00000002u
#define TEE_LOGIN_APPLICATION		0x00000004u
#define TEE_LOGIN_APPLICATION_USER	0x00000005u
#define TEE_LOGIN_APPLICATION_GROUP	0x00000006u
#define TEE_LOGIN_TRUSTED_APP		0xF0000000u

#define TEE_PROPSET_TEE_IMPLEMENTATION	((TEE_PropSetHandle)0xFFFFFFFDul)
#define TEE_PROPSET_CURRENT_CLIENT	((TEE_PropSetHandle)0xFFFFFFFEul)
#define TEE_PROPSET_CURRENT_TA		((TEE_PropSetHandle)0xFFFFFFFFul)

#define TEE_MEMORY_ACCESS_READ		0x00000001u
#define TEE_MEMORY_ACCESS_WRITE		0x00000002u
#define TEE_MEMORY_ACCESS_ANY_OWNER	0x00000004u

#define TEE_MALLOC_FILL_ZERO		0x00000000u
#define TEE_MALLOC_NO_FILL		0x00000001u
#define TEE_MALLOC_NO_SHARE		0x00000002u

#define TEE_HANDLE_NULL			0
#define TEE_TIMEOUT_INFINITE		0xFFFFFFFFu

#endif
