/*
 * Sessions of optee-litebox's drop-in libteec.so.2: open, invoke, close, cancel.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <tee_client_api.h>

#include "litebox.h"

/* TEEC_UUID in RFC 4122 byte order (the order the Linux driver passes on). */
static void uuid_octets(uint8_t d[16], const TEEC_UUID *u)
{
	d[0] = (uint8_t)(u->timeLow >> 24);
	d[1] = (uint8_t)(u->timeLow >> 16);
	d[2] = (uint8_t)(u->timeLow >> 8);
	d[3] = (uint8_t)u->timeLow;
	d[4] = (uint8_t)(u->timeMid >> 8);
	d[5] = (uint8_t)u->timeMid;
	d[6] = (uint8_t)(u->timeHiAndVersion >> 8);
	d[7] = (uint8_t)u->timeHiAndVersion;
	memcpy(d + 8, u->clockSeqAndNode, 8);
}

static void mark_attached(struct lb_session *s, const struct lb_op *w)
{
	for (unsigned int k = 0; k < w->nbuf; k++)
		if (w->b[k].kind == LB_BUF_SHM && (w->b[k].flags & LB_BUF_FLAG_FD))
			lb_session_mark_sent(s, w->b[k].id);
}

LB_EXPORT TEEC_Result TEEC_OpenSession(TEEC_Context *ctx, TEEC_Session *session,
				       const TEEC_UUID *destination, uint32_t method,
				       const void *data, TEEC_Operation *operation,
				       uint32_t *ret_origin)
{
	uint32_t origin = TEEC_ORIGIN_API, status = 1;
	uint8_t head[28] = { 0 }, token[16], *frame = NULL, *payload = NULL;
	struct lb_context c;
	struct lb_reply reply;
	struct lb_session *s;
	struct lb_op w;
	unsigned int nfds;
	int fds[LB_NUM_PARAMS], fd = -1, dead = 0;
	uint16_t kind = 0;
	uint32_t len = 0;
	size_t flen;
	TEEC_Result res;

	if (!ctx || !session || !destination) {
		res = TEEC_ERROR_BAD_PARAMETERS;
		goto out;
	}
	res = lb_prepare(operation, NULL, &w);
	if (res != TEEC_SUCCESS)
		goto out;
	if (lb_context_get(ctx->imp.fd, &c)) {	/* not a context of ours: EBADF */
		res = TEEC_ERROR_GENERIC;
		origin = TEEC_ORIGIN_COMMS;
		goto out;
	}
	uuid_octets(head, destination);
	lb_put32(head + 16, method);
	if ((method == TEEC_LOGIN_GROUP || method == TEEC_LOGIN_GROUP_APPLICATION) && data) {
		gid_t gid;

		memcpy(&gid, data, sizeof(gid));
		lb_put32(head + 20, 1);
		lb_put32(head + 24, (uint32_t)gid);
	}
	frame = lb_request(LB_OPEN, head, sizeof(head), NULL, 0, &w, 36, &flen);
	if (!frame) {
		res = TEEC_ERROR_OUT_OF_MEMORY;
		goto out;
	}
	lb_hello(frame, LB_ROLE_SESSION, c.token);
	lb_fds_of(&w, fds, &nfds);
	origin = TEEC_ORIGIN_COMMS;
	res = TEEC_ERROR_COMMUNICATION;
	fd = lb_connect(&c.addr);
	if (fd < 0 || lb_send(fd, frame, flen, fds, nfds) || lb_recv_frame(fd, &kind, &payload, &len) ||
	    kind != LB_HELLO_REPLY || lb_hello_reply(payload, len, &status, token))
		goto out;
	if (status) {
		res = status;
		goto out;
	}
	res = lb_await_reply(fd, LB_OPEN_REPLY, &w, &reply, &origin, &dead);
	if (res != TEEC_SUCCESS)
		goto out;
	lb_post(operation, &reply);
	res = reply.result;
	if (res != TEEC_SUCCESS)
		goto out;
	s = lb_session_new(fd, c.fd, reply.key);
	if (!s) {	/* closing fd ends the session on the server side */
		res = TEEC_ERROR_OUT_OF_MEMORY;
		origin = TEEC_ORIGIN_API;
		goto out;
	}
	fd = -1;
	mark_attached(s, &w);
	session->imp.ctx = ctx;
	session->imp.session_id = s->handle;
out:
	if (fd >= 0)
		close(fd);
	free(frame);
	free(payload);
	if (ret_origin)
		*ret_origin = origin;
	return res;
}

LB_EXPORT TEEC_Result TEEC_InvokeCommand(TEEC_Session *session, uint32_t cmd,
					 TEEC_Operation *operation, uint32_t *ret_origin)
{
	uint32_t origin = TEEC_ORIGIN_API, nrelease = 0;
	uint64_t *release = NULL;
	uint8_t head[8], *frame = NULL;
	struct lb_reply reply;
	struct lb_session *s;
	struct lb_op w;
	unsigned int nfds;
	int fds[LB_NUM_PARAMS];
	size_t flen;
	TEEC_Result res;

	if (!session) {
		res = TEEC_ERROR_BAD_PARAMETERS;
		goto out;
	}
	if (operation) {
		pthread_mutex_lock(&lb_lock);
		operation->imp.session = session;
		pthread_mutex_unlock(&lb_lock);
	}
	s = lb_session_get(session->imp.session_id);
	if (!s) {	/* the driver knows no such session: EINVAL */
		res = TEEC_ERROR_BAD_PARAMETERS;
		origin = TEEC_ORIGIN_COMMS;
		goto out;
	}
	pthread_mutex_lock(&s->lock);
	res = lb_prepare(operation, s, &w);
	if (res != TEEC_SUCCESS)
		goto unlock;
	if (s->dead) {
		res = TEEC_ERROR_TARGET_DEAD;
		origin = TEEC_ORIGIN_TEE;
		goto unlock;
	}
	pthread_mutex_lock(&lb_lock);
	release = s->release;
	nrelease = (uint32_t)s->nrelease;
	s->release = NULL;
	s->nrelease = s->caprelease = 0;
	pthread_mutex_unlock(&lb_lock);
	lb_put32(head, cmd);
	lb_put32(head + 4, nrelease);
	frame = lb_request(LB_INVOKE, head, sizeof(head), release, nrelease, &w, 0, &flen);
	if (!frame) {
		res = TEEC_ERROR_OUT_OF_MEMORY;
		goto unlock;
	}
	lb_fds_of(&w, fds, &nfds);
	if (lb_send(s->fd, frame, flen, fds, nfds)) {
		s->dead = 1;
		res = TEEC_ERROR_TARGET_DEAD;
		origin = TEEC_ORIGIN_TEE;
		goto unlock;
	}
	lb_wait_readable(s->fd, &s->spin);
	res = lb_await_reply(s->fd, LB_INVOKE_REPLY, &w, &reply, &origin, &s->dead);
	if (res == TEEC_SUCCESS) {
		if (reply.origin != TEEC_ORIGIN_COMMS)
			mark_attached(s, &w);
		lb_post(operation, &reply);
		res = reply.result;
	}
unlock:
	pthread_mutex_unlock(&s->lock);
	lb_session_put(s);
out:
	free(frame);
	free(release);
	if (ret_origin)
		*ret_origin = origin;
	return res;
}

LB_EXPORT void TEEC_CloseSession(TEEC_Session *session)
{
	static const uint8_t close_frame[LB_HEADER_SIZE] = { 0, 0, 0, 0, LB_CLOSE & 0xFF, LB_CLOSE >> 8 };
	struct lb_session *s;
	uint8_t *payload = NULL;
	uint32_t len;
	uint16_t kind;

	if (!session)
		return;
	s = lb_session_close_begin(session->imp.session_id);
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	/* wait for CLOSE_REPLY: the TA's close entry has run when we return */
	if (!s->dead && !lb_send(s->fd, close_frame, sizeof(close_frame), NULL, 0))
		lb_recv_frame(s->fd, &kind, &payload, &len);
	free(payload);
	pthread_mutex_unlock(&s->lock);
	lb_session_put(s);
}

LB_EXPORT void TEEC_RequestCancellation(TEEC_Operation *operation)
{
	TEEC_Session *session;
	struct lb_session *s;
	uint64_t key;
	int ctx_fd;

	if (!operation)
		return;
	pthread_mutex_lock(&lb_lock);
	session = operation->imp.session;
	pthread_mutex_unlock(&lb_lock);
	if (!session)
		return;
	s = lb_session_get(session->imp.session_id);
	if (!s)
		return;
	key = s->key;
	ctx_fd = s->ctx_fd;
	lb_session_put(s);
	lb_context_cancel(ctx_fd, key);
}
