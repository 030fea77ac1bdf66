/*
 * Compiled once per TA, with the TA's directory on the include path:
 * turns the TA's ta_config.h into ta_head, the heap array and ta_props[].
 *
 * ta_config.h must define
 *   TA_UUID         initializer of the TA's TEE_UUID, e.g. { 0x..., 0x..., 0x..., { ... } }
 *   TA_FLAGS        TA_FLAG_* bits
 *   TA_STACK_SIZE   stack for the TA's own code (the SDK adds its 2 KiB)
 *   TA_DATA_SIZE    heap bytes for TEE_Malloc
 *   TA_VERSION, TA_DESCRIPTION   strings for gpd.ta.version / gpd.ta.description
 * and may define TA_EXTRA_PROPERTIES: further ta_props[] entries built with
 * the TA_PROP_* helpers of sdk/ta_header.h (names must not start "gpd.").
 */
#include <tee_internal_api.h>
#include <sdk/ta_header.h>
#include "ta_config.h"

#if TA_DATA_SIZE < 256
#error "TA_DATA_SIZE is too small for the SDK's own allocations"
#endif

const struct ta_head ta_head __attribute__((section(".ta_head"), used)) = {
	.uuid = TA_UUID,
	.stack_size = TA_STACK_SIZE + TA_FRAMEWORK_STACK_SIZE,
	.flags = TA_FLAGS,
	.depr_entry = UINT64_MAX,
};

uint8_t ta_heap[TA_DATA_SIZE] __attribute__((aligned(16)));
const size_t ta_heap_size = sizeof(ta_heap);

const struct ta_property ta_props[] = {
	TA_PROP_BOOL("gpd.ta.singleInstance",
		     (TA_FLAGS & TA_FLAG_SINGLE_INSTANCE) != 0),
	TA_PROP_BOOL("gpd.ta.multiSession",
		     (TA_FLAGS & TA_FLAG_MULTI_SESSION) != 0),
	TA_PROP_BOOL("gpd.ta.instanceKeepAlive",
		     (TA_FLAGS & TA_FLAG_INSTANCE_KEEP_ALIVE) != 0),
	TA_PROP_U32("gpd.ta.dataSize", TA_DATA_SIZE),
	TA_PROP_U32("gpd.ta.stackSize", TA_STACK_SIZE),
	TA_PROP_STRING("gpd.ta.version", TA_VERSION),
	TA_PROP_STRING("gpd.ta.description", TA_DESCRIPTION),
	TA_PROP_U32("gpd.ta.endian", 0),	/* little-endian */
	TA_PROP_BOOL("gpd.ta.doesNotCloseHandleOnCorruptObject",
		     (TA_FLAGS & TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT) != 0),
#ifdef TA_EXTRA_PROPERTIES
	TA_EXTRA_PROPERTIES
#endif
};

const size_t ta_num_props = sizeof(ta_props) / sizeof(ta_props[0]);
