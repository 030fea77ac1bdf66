/*
 * optee-litebox sample TA SDK
 *
 * The one header a TA includes. It pulls in the GlobalPlatform TEE Internal
 * Core API subset that this SDK implements. Each API family has its own
 * header under sdk/ (and its own source file under src/), so crypto,
 * storage and TA-to-TA calls can be added without touching the others.
 */
#ifndef TEE_INTERNAL_API_H
#define TEE_INTERNAL_API_H

#include <sdk/types.h>
#include <sdk/results.h>
#include <sdk/defines.h>
#include <sdk/api_core.h>
#include <sdk/api_property.h>
#include <sdk/api_time.h>
#include <sdk/api_object.h>
#include <sdk/api_crypto.h>
#include <sdk/api_storage.h>
#include <sdk/api_ta2ta.h>
#include <sdk/ta_entry.h>
#include <sdk/trace.h>

#endif
