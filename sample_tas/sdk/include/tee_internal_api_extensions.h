/*
 * OP-TEE extensions a TA can use besides the GP API (as libutee offers them):
 * zero-initialized mappings and supplicant plugins, both through the system
 * pseudo-TA (src/system_pta.c).
 */
#ifndef TEE_INTERNAL_API_EXTENSIONS_H
#define TEE_INTERNAL_API_EXTENSIONS_H

#include <tee_internal_api.h>

/*
 * len bytes of zeroed read-write memory; flags 0 (private to the TA) or
 * TEE_MEMORY_ACCESS_ANY_OWNER (may be passed to another TA). NULL on error.
 */
void *tee_map_zi(size_t len, uint32_t flags);
TEE_Result tee_unmap(void *buf, size_t len);

/*
 * Call the tee-supplicant plugin `uuid` with (cmd, sub_cmd) on buf[0..len);
 * the plugin may write into buf; *outlen (if not NULL) gets the length it
 * reports. buf and len must both be set or both be zero.
 */
TEE_Result tee_invoke_supp_plugin(const TEE_UUID *uuid, uint32_t cmd,
				  uint32_t sub_cmd, void *buf, size_t len,
				  size_t *outlen);

#endif
