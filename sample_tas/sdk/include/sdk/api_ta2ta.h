/*
 * GP TEE Internal Core API: the Internal Client API (TA-to-TA sessions),
 * over syscalls 5-7 (src/ta2ta.c).
 *
 * As OP-TEE's libutee: a memref that lies in the TA's own memory is copied
 * into a temporary shareable mapping (system PTA MAP_ZI) for the call, and
 * the output bytes are copied back; memrefs the TA received as parameters
 * are passed through as they are. *returnOrigin may be NULL.
 */
#ifndef SDK_API_TA2TA_H
#define SDK_API_TA2TA_H

#include <sdk/types.h>

TEE_Result TEE_OpenTASession(const TEE_UUID *destination,
			     uint32_t cancellationRequestTimeout,
			     uint32_t paramTypes,
			     TEE_Param params[4],
			     TEE_TASessionHandle *session,
			     uint32_t *returnOrigin);

/* Panics if the kernel refuses (an unknown session). NULL is ignored. */
void TEE_CloseTASession(TEE_TASessionHandle session);

/*
 * Panics on a failure that did not come from the destination TA, unless it
 * is TEE_ERROR_OUT_OF_MEMORY or TEE_ERROR_TARGET_DEAD (libutee's rule).
 */
TEE_Result TEE_InvokeTACommand(TEE_TASessionHandle session,
			       uint32_t cancellationRequestTimeout,
			       uint32_t commandID, uint32_t paramTypes,
			       TEE_Param params[4],
			       uint32_t *returnOrigin);

#endif
