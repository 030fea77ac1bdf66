/*
 * Sizes and offsets of the TEE Client API structures as compiled against a
 * tee_client_api.h, one "name=value" line each (tests/server/test_libteec_build.py).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stddef.h>
#include <stdio.h>

#include <tee_client_api.h>

#define SIZE(t) printf("sizeof(" #t ")=%zu\n", sizeof(t))
#define OFF(t, f) printf(#t "." #f "=%zu\n", offsetof(t, f))

int main(void)
{
	SIZE(TEEC_Context);
	OFF(TEEC_Context, imp.fd);
	OFF(TEEC_Context, imp.reg_mem);
	OFF(TEEC_Context, imp.memref_null);
	SIZE(TEEC_UUID);
	OFF(TEEC_UUID, timeMid);
	OFF(TEEC_UUID, timeHiAndVersion);
	OFF(TEEC_UUID, clockSeqAndNode);
	SIZE(TEEC_SharedMemory);
	OFF(TEEC_SharedMemory, buffer);
	OFF(TEEC_SharedMemory, size);
	OFF(TEEC_SharedMemory, flags);
	OFF(TEEC_SharedMemory, imp.id);
	OFF(TEEC_SharedMemory, imp.alloced_size);
	OFF(TEEC_SharedMemory, imp.shadow_buffer);
	OFF(TEEC_SharedMemory, imp.registered_fd);
	OFF(TEEC_SharedMemory, imp.flags);
	SIZE(TEEC_TempMemoryReference);
	OFF(TEEC_TempMemoryReference, size);
	SIZE(TEEC_RegisteredMemoryReference);
	OFF(TEEC_RegisteredMemoryReference, parent);
	OFF(TEEC_RegisteredMemoryReference, size);
	OFF(TEEC_RegisteredMemoryReference, offset);
	SIZE(TEEC_Value);
	OFF(TEEC_Value, b);
	SIZE(TEEC_Parameter);
	SIZE(TEEC_Session);
	OFF(TEEC_Session, imp.ctx);
	OFF(TEEC_Session, imp.session_id);
	SIZE(TEEC_Operation);
	OFF(TEEC_Operation, started);
	OFF(TEEC_Operation, paramTypes);
	OFF(TEEC_Operation, params);
	OFF(TEEC_Operation, imp.session);
	printf("TEEC_PARAM_TYPES(1,5,0xC,0xF)=%#x\n",
	       TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_WHOLE,
				TEEC_MEMREF_PARTIAL_INOUT));
	return 0;
}
