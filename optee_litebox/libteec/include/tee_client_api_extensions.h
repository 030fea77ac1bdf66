/*
 * tee_client_api_extensions.h - OP-TEE's extension to the TEE Client API, as
 * optee-litebox's libteec.so.2 implements it.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef TEE_CLIENT_API_EXTENSIONS_H
#define TEE_CLIENT_API_EXTENSIONS_H

#include <tee_client_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Register memory that a file descriptor refers to (a memfd, a regular file, a dma-buf
 * that can be mapped) as shared memory of the whole file's size. The TA maps the very
 * pages; the library keeps its own duplicate of fd until TEEC_ReleaseSharedMemory.
 */
TEEC_Result TEEC_RegisterSharedMemoryFileDescriptor(TEEC_Context *context,
						    TEEC_SharedMemory *sharedMem,
						    int fd);

#ifdef __cplusplus
}
#endif

#endif /* TEE_CLIENT_API_EXTENSIONS_H */
