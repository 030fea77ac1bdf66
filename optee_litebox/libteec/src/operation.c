/*
 * Operations of optee-litebox's drop-in libteec.so.2: TEEC_Operation to wire form and
 * back, with upstream libteec's checks (see context.c for the overview).
 *
 * Shared memory: TEEC_AllocateSharedMemory returns a memfd mapping whose descriptor is
 * passed to the TA's process once per session (zero copy); registered memory and
 * temporary memrefs travel inline with each request and come back when written.
 * Memrefs into one TEEC_SharedMemory share one buffer, so the TA maps them once.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <tee_client_api.h>

#include "litebox.h"

#if defined(__LP64__)
/* The OP-TEE client 4.x ABI (identical on x86-64 and aarch64). */
_Static_assert(sizeof(TEEC_Context) == 8, "TEEC_Context");
_Static_assert(offsetof(TEEC_Context, imp.reg_mem) == 4, "TEEC_Context.imp.reg_mem");
_Static_assert(offsetof(TEEC_Context, imp.memref_null) == 5, "TEEC_Context.imp.memref_null");
_Static_assert(sizeof(TEEC_UUID) == 16, "TEEC_UUID");
_Static_assert(sizeof(TEEC_SharedMemory) == 56, "TEEC_SharedMemory");
_Static_assert(offsetof(TEEC_SharedMemory, flags) == 16, "TEEC_SharedMemory.flags");
_Static_assert(offsetof(TEEC_SharedMemory, imp.id) == 24, "TEEC_SharedMemory.imp.id");
_Static_assert(offsetof(TEEC_SharedMemory, imp.alloced_size) == 32, "imp.alloced_size");
_Static_assert(offsetof(TEEC_SharedMemory, imp.shadow_buffer) == 40, "imp.shadow_buffer");
_Static_assert(offsetof(TEEC_SharedMemory, imp.registered_fd) == 48, "imp.registered_fd");
_Static_assert(offsetof(TEEC_SharedMemory, imp.flags) == 52, "imp.flags");
_Static_assert(sizeof(TEEC_TempMemoryReference) == 16, "TEEC_TempMemoryReference");
_Static_assert(sizeof(TEEC_RegisteredMemoryReference) == 24, "TEEC_RegisteredMemoryReference");
_Static_assert(offsetof(TEEC_RegisteredMemoryReference, offset) == 16, "memref.offset");
_Static_assert(sizeof(TEEC_Value) == 8, "TEEC_Value");
_Static_assert(sizeof(TEEC_Parameter) == 24, "TEEC_Parameter");
_Static_assert(sizeof(TEEC_Session) == 16, "TEEC_Session");
_Static_assert(offsetof(TEEC_Session, imp.session_id) == 8, "TEEC_Session.imp.session_id");
_Static_assert(sizeof(TEEC_Operation) == 112, "TEEC_Operation");
_Static_assert(offsetof(TEEC_Operation, params) == 8, "TEEC_Operation.params");
_Static_assert(offsetof(TEEC_Operation, imp.session) == 104, "TEEC_Operation.imp.session");
#endif

#define INOUT (TEEC_MEM_INPUT | TEEC_MEM_OUTPUT)

/* Memory the TA's process maps from our file descriptor (else its bytes are copied). */
static int shm_mapped(const TEEC_SharedMemory *shm)
{
	return (shm->imp.flags & (LB_SHM_ALLOCATED | LB_SHM_FD)) && !(shm->imp.flags & LB_SHM_COPY) &&
	       shm->imp.registered_fd >= 0;
}

/* Where the bytes of copied memory are in this process. */
static uint8_t *shm_bytes(const TEEC_SharedMemory *shm)
{
	return shm->imp.flags & LB_SHM_COPY ? shm->imp.shadow_buffer : shm->buffer;
}

/* -- operations --------------------------------------------------------------------------- */

struct span {
	const TEEC_SharedMemory *shm;
	uint64_t lo, hi;
};

/* The window a registered memref covers; -1 when it lies outside its shared memory. */
static int window(uint32_t t, const TEEC_RegisteredMemoryReference *m, uint64_t *lo, uint64_t *hi)
{
	if (t == TEEC_MEMREF_WHOLE) {
		*lo = 0;
		*hi = m->parent->size;
		return 0;
	}
	*lo = m->offset;
	*hi = m->offset + m->size;
	return *hi < *lo || *hi > m->parent->size ? -1 : 0;
}

static unsigned int add_buffer(struct lb_op *w, const struct lb_buffer *b)
{
	w->b[w->nbuf] = *b;
	return w->nbuf++;
}

/* Buffer index for registered memory (one buffer per TEEC_SharedMemory, so memrefs into
 * the same memory share one mapping in the TA, as upstream merges them). */
static unsigned int shm_buffer(struct lb_op *w, const TEEC_SharedMemory *shm, struct lb_session *s,
			       const struct span *spans, unsigned int nspans)
{
	struct lb_buffer b = { .owner = shm, .fd = -1 };

	for (unsigned int k = 0; k < w->nbuf; k++)
		if (w->b[k].owner == shm)
			return k;
	if (shm_mapped(shm)) {
		b.kind = LB_BUF_SHM;
		b.id = (uint64_t)shm->imp.id;
		b.size = shm->imp.flags & LB_SHM_ALLOCATED ? shm->imp.alloced_size : shm->size;
		pthread_mutex_lock(&lb_lock);
		if (!s || !lb_session_sent(s, b.id)) {
			b.flags = LB_BUF_FLAG_FD;
			b.fd = shm->imp.registered_fd;
		}
		pthread_mutex_unlock(&lb_lock);
	} else {
		for (unsigned int k = 0; k < nspans; k++) {
			if (spans[k].shm == shm) {
				b.kind = LB_BUF_INLINE;
				b.base = spans[k].lo;
				b.size = b.dlen = spans[k].hi - spans[k].lo;
				b.data = shm_bytes(shm) + b.base;
			}
		}
	}
	return add_buffer(w, &b);
}

/* teec_pre_process_operation: the same checks, into wire form. */
TEEC_Result lb_prepare(TEEC_Operation *op, struct lb_session *s, struct lb_op *w)
{
	struct span spans[LB_NUM_PARAMS];
	unsigned int nspans = 0;

	memset(w, 0, sizeof(*w));
	if (!op)
		return TEEC_SUCCESS;
	for (int n = 0; n < LB_NUM_PARAMS; n++) {	/* registered memory copied inline */
		uint32_t t = TEEC_PARAM_TYPE_GET(op->paramTypes, n);
		TEEC_RegisteredMemoryReference *m = &op->params[n].memref;
		uint64_t lo, hi;
		unsigned int k;

		if (t < TEEC_MEMREF_WHOLE || !m->parent || shm_mapped(m->parent) || !shm_bytes(m->parent) ||
		    window(t, m, &lo, &hi))
			continue;
		for (k = 0; k < nspans && spans[k].shm != m->parent; k++)
			;
		if (k == nspans)
			spans[nspans++] = (struct span){ m->parent, lo, hi };
		spans[k].lo = lo < spans[k].lo ? lo : spans[k].lo;
		spans[k].hi = hi > spans[k].hi ? hi : spans[k].hi;
	}
	for (int n = 0; n < LB_NUM_PARAMS; n++) {
		uint32_t t = TEEC_PARAM_TYPE_GET(op->paramTypes, n);
		struct lb_param *p = &w->p[n];
		TEEC_TempMemoryReference *tmp = &op->params[n].tmpref;
		TEEC_RegisteredMemoryReference *m = &op->params[n].memref;
		const TEEC_SharedMemory *shm = m->parent;
		uint32_t need = 0;
		uint64_t lo, hi;
		unsigned int idx;

		switch (t) {
		case TEEC_NONE:
			continue;
		case TEEC_VALUE_INPUT:
		case TEEC_VALUE_OUTPUT:
		case TEEC_VALUE_INOUT:
			*p = (struct lb_param){ .type = t, .a = op->params[n].value.a,
						.b = op->params[n].value.b };
			continue;
		case TEEC_MEMREF_TEMP_INPUT:
		case TEEC_MEMREF_TEMP_OUTPUT:
		case TEEC_MEMREF_TEMP_INOUT:
			p->type = t;
			if (!tmp->buffer) {
				if (tmp->size)
					return TEEC_ERROR_BAD_PARAMETERS;
				p->buffer = LB_NO_BUFFER;	/* a NULL memref */
				continue;
			}
			p->buffer = add_buffer(w, &(struct lb_buffer){
				.kind = LB_BUF_INLINE, .size = tmp->size, .data = tmp->buffer,
				.dlen = tmp->size, .fd = -1 });
			p->size = tmp->size;
			if (t != TEEC_MEMREF_TEMP_INPUT) {
				w->dest[n] = tmp->buffer;
				w->dest_len[n] = tmp->size;
			}
			continue;
		case TEEC_MEMREF_WHOLE:
			if (!shm)
				return TEEC_ERROR_BAD_PARAMETERS;
			need = shm->flags & INOUT;
			if (!need)
				return TEEC_ERROR_BAD_PARAMETERS;
			p->type = need == INOUT ? 7 : need == TEEC_MEM_INPUT ? 5 : 6;
			break;
		case TEEC_MEMREF_PARTIAL_INPUT:
		case TEEC_MEMREF_PARTIAL_OUTPUT:
		case TEEC_MEMREF_PARTIAL_INOUT:
			need = t == TEEC_MEMREF_PARTIAL_INPUT ? TEEC_MEM_INPUT :
			       t == TEEC_MEMREF_PARTIAL_OUTPUT ? TEEC_MEM_OUTPUT : INOUT;
			if (!shm || (shm->flags & need) != need)
				return TEEC_ERROR_BAD_PARAMETERS;
			p->type = t - 8;
			break;
		default:
			return TEEC_ERROR_BAD_PARAMETERS;
		}
		/* registered memory: whole or partial */
		if (window(t, m, &lo, &hi) || (!shm_mapped(shm) && !shm_bytes(shm)))
			return TEEC_ERROR_BAD_PARAMETERS;
		idx = shm_buffer(w, shm, s, spans, nspans);
		p->buffer = idx;
		p->offset = lo - w->b[idx].base;
		p->size = hi - lo;
		if (w->b[idx].kind == LB_BUF_INLINE && p->type != 5) {
			w->dest[n] = shm_bytes(shm) + lo;
			w->dest_len[n] = hi - lo;
		}
	}
	return TEEC_SUCCESS;
}

/* teec_post_process_operation: values and sizes back (bytes came in lb_parse_reply). */
void lb_post(TEEC_Operation *op, const struct lb_reply *r)
{
	if (!op)
		return;
	for (int n = 0; n < LB_NUM_PARAMS; n++) {
		uint32_t t = TEEC_PARAM_TYPE_GET(op->paramTypes, n);

		switch (t) {
		case TEEC_VALUE_OUTPUT:
		case TEEC_VALUE_INOUT:
			op->params[n].value.a = (uint32_t)r->a[n];
			op->params[n].value.b = r->b[n];
			break;
		case TEEC_MEMREF_TEMP_OUTPUT:
		case TEEC_MEMREF_TEMP_INOUT:
			op->params[n].tmpref.size = (size_t)r->a[n];
			break;
		case TEEC_MEMREF_WHOLE:
			if (op->params[n].memref.parent->flags & TEEC_MEM_OUTPUT)
				op->params[n].memref.size = (size_t)r->a[n];
			break;
		case TEEC_MEMREF_PARTIAL_OUTPUT:
		case TEEC_MEMREF_PARTIAL_INOUT:
			op->params[n].memref.size = (size_t)r->a[n];
			break;
		default:
			break;
		}
	}
}

void lb_fds_of(const struct lb_op *w, int *fds, unsigned int *nfds)
{
	*nfds = 0;
	for (unsigned int k = 0; k < w->nbuf; k++)
		if (w->b[k].kind == LB_BUF_SHM && (w->b[k].flags & LB_BUF_FLAG_FD))
			fds[(*nfds)++] = w->b[k].fd;
}

/* Read the reply to a request. Returns the result and sets *origin; a connection that
 * ends means the TA's process is gone: TEEC_ERROR_TARGET_DEAD from the TEE. */
TEEC_Result lb_await_reply(int fd, uint16_t want, struct lb_op *w, struct lb_reply *r,
			       uint32_t *origin, int *dead)
{
	uint8_t *payload = NULL;
	uint32_t len = 0;
	uint16_t kind = 0;
	TEEC_Result res;

	if (lb_recv_frame(fd, &kind, &payload, &len)) {
		*dead = 1;
		*origin = TEEC_ORIGIN_TEE;
		return TEEC_ERROR_TARGET_DEAD;
	}
	if (kind == LB_ERROR && len >= 8) {
		*dead = 1;
		*origin = lb_get32(payload + 4);
		res = lb_get32(payload);
	} else if (kind != want || lb_parse_reply(kind, payload, len, w, r)) {
		*dead = 1;
		*origin = TEEC_ORIGIN_COMMS;
		res = TEEC_ERROR_COMMUNICATION;
	} else {
		*origin = r->origin;
		res = TEEC_SUCCESS;
	}
	free(payload);
	return res;
}
