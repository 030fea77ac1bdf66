/* Internal interfaces shared between the SDK's own source files. */
#ifndef SDK_PRIVATE_H
#define SDK_PRIVATE_H

#include <tee_internal_api.h>
#include <sdk/libc.h>

/* Parameters of the entry being served (entry.c); all zero between entries. */
extern uint32_t sdk_entry_param_types;
extern TEE_Param sdk_entry_params[TEE_NUM_PARAMS];

/* heap.c */
bool sdk_heap_range_is_foreign(const void *buf, size_t len);

/* base64.c: both return false if the output does not fit; *out_len is
 * always set to the size needed (for encoding: including the NUL). */
bool sdk_base64_decode(const char *in, size_t in_len, void *out,
		       size_t *out_len);
bool sdk_base64_encode(const void *in, size_t in_len, char *out,
		       size_t *out_len);

/* ta2ta.c: invoke a pseudo-TA, opening the session on first use and keeping it
 * in *sess (a static of the caller) for the life of the instance. */
TEE_Result sdk_invoke_pta(const TEE_UUID *uuid, TEE_TASessionHandle *sess,
			  uint32_t cmd, uint32_t types, TEE_Param params[4]);

#endif
