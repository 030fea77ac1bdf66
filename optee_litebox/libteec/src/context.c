/*
 * The TEE Client API of optee-litebox's drop-in libteec.so.2: contexts.
 *
 * The ten TEEC functions with OP-TEE client 4.x's ABI. Argument checks give the results
 * and origins upstream libteec gives (bad arguments: TEEC_ERROR_BAD_PARAMETERS, origin
 * API); what the Linux TEE driver would refuse comes back with origin COMMS; TA and TEE
 * results come from the server. Instead of ioctls on /dev/tee*, requests go over the
 * optee-litebox socket: a context is a connection to the server, and each session has
 * its own connection that the server hands to the process hosting the TA.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tee_client_api.h>

#include "litebox.h"

/* -- contexts ----------------------------------------------------------------------------- */

LB_EXPORT TEEC_Result TEEC_InitializeContext(const char *name, TEEC_Context *ctx)
{
	struct sockaddr_un addr;
	uint8_t hello[36], token[16] = { 0 }, *payload = NULL;
	uint32_t len = 0, status = 1;
	uint16_t kind = 0;
	int fd;

	if (!ctx)
		return TEEC_ERROR_BAD_PARAMETERS;
	if (name && strcmp(name, "optee-tz"))
		return TEEC_ERROR_ITEM_NOT_FOUND;	/* no TEE of that kind */
	if (lb_socket_path(&addr))
		return TEEC_ERROR_ITEM_NOT_FOUND;
	fd = lb_connect(&addr);
	if (fd < 0)
		return TEEC_ERROR_ITEM_NOT_FOUND;	/* like a missing /dev/tee0 */
	lb_hello(hello, LB_ROLE_CONTEXT, token);
	if (lb_send(fd, hello, sizeof(hello), NULL, 0) || lb_recv_frame(fd, &kind, &payload, &len) ||
	    kind != LB_HELLO_REPLY || lb_hello_reply(payload, len, &status, token) || status) {
		free(payload);
		close(fd);
		return TEEC_ERROR_ITEM_NOT_FOUND;
	}
	free(payload);
	if (lb_context_add(fd, token, &addr)) {
		close(fd);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	ctx->imp.fd = fd;
	ctx->imp.reg_mem = true;
	ctx->imp.memref_null = true;
	return TEEC_SUCCESS;
}

LB_EXPORT void TEEC_FinalizeContext(TEEC_Context *ctx)
{
	struct lb_context c;

	if (!ctx || lb_context_get(ctx->imp.fd, &c))
		return;
	lb_context_remove(ctx->imp.fd);
	close(ctx->imp.fd);
}

