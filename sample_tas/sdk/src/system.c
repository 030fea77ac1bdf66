/* Access rights, cancellation and random numbers. */
#include "sdk_private.h"
#include <sdk/syscall.h>

static bool ranges_meet(const void *a, size_t alen, const void *b, size_t blen)
{
	uintptr_t a0 = (uintptr_t)a;
	uintptr_t b0 = (uintptr_t)b;

	if (!alen || !blen)
		return false;
	return a0 < b0 + blen && b0 < a0 + alen;
}

TEE_Result TEE_CheckMemoryAccessRights(uint32_t accessFlags, void *buffer,
				       size_t size)
{
	const uint32_t gp_bits = TEE_MEMORY_ACCESS_READ |
				 TEE_MEMORY_ACCESS_WRITE |
				 TEE_MEMORY_ACCESS_ANY_OWNER;
	uint32_t wanted = accessFlags & gp_bits;
	size_t n;

	if (!size)
		return TEE_SUCCESS;

	/* The kernel's view of the mapping comes first. */
	if (sys_check_access_rights(accessFlags, buffer, size) != TEE_SUCCESS)
		return TEE_ERROR_ACCESS_DENIED;

	/* A buffer touching a memref parameter gets only that parameter's
	 * rights, and parameters are always shared with the client. */
	for (n = 0; n < TEE_NUM_PARAMS; n++) {
		uint32_t t = TEE_PARAM_TYPE_GET(sdk_entry_param_types, n);
		uint32_t granted = TEE_MEMORY_ACCESS_READ |
				   TEE_MEMORY_ACCESS_ANY_OWNER;

		if (t == TEE_PARAM_TYPE_MEMREF_OUTPUT ||
		    t == TEE_PARAM_TYPE_MEMREF_INOUT)
			granted |= TEE_MEMORY_ACCESS_WRITE;
		else if (t != TEE_PARAM_TYPE_MEMREF_INPUT)
			continue;
		if (ranges_meet(buffer, size, sdk_entry_params[n].memref.buffer,
				sdk_entry_params[n].memref.size) &&
		    (wanted & ~granted))
			return TEE_ERROR_ACCESS_DENIED;
	}

	/* Inside the heap, only live allocations count as accessible. */
	if (sdk_heap_range_is_foreign(buffer, size))
		return TEE_ERROR_ACCESS_DENIED;

	return TEE_SUCCESS;
}

bool TEE_GetCancellationFlag(void)
{
	uint32_t flag = 0;

	if (sys_get_cancellation_flag(&flag) != TEE_SUCCESS)
		return false;
	return flag != 0;
}

bool TEE_UnmaskCancellation(void)
{
	uint32_t old = 0;
	TEE_Result res = sys_unmask_cancellation(&old);

	if (res != TEE_SUCCESS)
		TEE_Panic(res);
	return old != 0;
}

bool TEE_MaskCancellation(void)
{
	uint32_t old = 0;
	TEE_Result res = sys_mask_cancellation(&old);

	if (res != TEE_SUCCESS)
		TEE_Panic(res);
	return old != 0;
}

void TEE_GenerateRandom(void *randomBuffer, size_t randomBufferLen)
{
	TEE_Result res = sys_cryp_random_number_generate(randomBuffer,
							 randomBufferLen);

	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

void TEE_Panic(TEE_Result panicCode)
{
	sys_panic(panicCode);
}
