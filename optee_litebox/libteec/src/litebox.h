/*
 * Internal interfaces of optee-litebox's libteec.so.2.
 *
 * wire.c speaks the optee-litebox socket protocol (docs/protocol.md; the reference
 * implementation is optee_litebox/client/protocol.py), registry.c keeps the contexts
 * and sessions of this process, teec.c implements the TEE Client API on top.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef LITEBOX_H
#define LITEBOX_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#include <tee_client_api.h>

#define LB_EXPORT __attribute__((visibility("default")))

/* -- protocol constants (client/protocol.py) ------------------------------------------- */
#define LB_MAGIC		"OLBX"
#define LB_VERSION		1
#define LB_HEADER_SIZE		8
#define LB_MAX_PAYLOAD		(64u << 20)
#define LB_NUM_PARAMS		4
#define LB_NO_BUFFER		0xFFFFFFFFu

#define LB_HELLO		0x0001
#define LB_OPEN			0x0002
#define LB_INVOKE		0x0003
#define LB_CLOSE		0x0004
#define LB_CANCEL		0x0005
#define LB_HELLO_REPLY		0x8001
#define LB_OPEN_REPLY		0x8002
#define LB_INVOKE_REPLY		0x8003
#define LB_CLOSE_REPLY		0x8004
#define LB_ERROR		0x80FF

#define LB_ROLE_CONTEXT		1
#define LB_ROLE_SESSION		2

#define LB_BUF_INLINE		1
#define LB_BUF_SHM		2
#define LB_BUF_FLAG_FD		1

/* TEEC_SharedMemory.imp.flags bits of this library */
#define LB_SHM_ALLOCATED	(1u << 0)	/* buffer is our mapping of imp.registered_fd */
#define LB_SHM_FD		(1u << 1)	/* registered from a file descriptor */
#define LB_SHM_COPY		(1u << 2)	/* ...that we map ourselves (imp.shadow_buffer) and
						 * copy, as its size is not a whole number of pages */

/* -- an operation in wire form ------------------------------------------------------------ */
struct lb_param {
	uint32_t type;		/* TEE_PARAM_TYPE_*: 0, 1-3 values, 5-7 memrefs */
	uint32_t a, b;		/* values */
	uint32_t buffer;	/* memrefs: buffer index or LB_NO_BUFFER */
	uint64_t offset, size;
};

struct lb_buffer {
	uint32_t kind;		/* LB_BUF_INLINE or LB_BUF_SHM */
	uint32_t flags;
	uint64_t id;		/* LB_BUF_SHM: the shared memory's id */
	uint64_t size;
	const void *data;	/* LB_BUF_INLINE: bytes sent (dlen of them) */
	uint64_t dlen;
	int fd;			/* LB_BUF_SHM with LB_BUF_FLAG_FD: descriptor to attach */
	const void *owner;	/* the TEEC_SharedMemory (or tmpref buffer) it came from */
	uint64_t base;		/* LB_BUF_INLINE: offset of data inside the owner */
};

struct lb_op {
	struct lb_param p[LB_NUM_PARAMS];
	struct lb_buffer b[LB_NUM_PARAMS];
	unsigned int nbuf;
	/* where output bytes of parameter i go in the client's memory */
	uint8_t *dest[LB_NUM_PARAMS];
	size_t dest_len[LB_NUM_PARAMS];
};

struct lb_reply {
	uint32_t result, origin;
	uint64_t key;		/* OPEN_REPLY */
	uint64_t a[LB_NUM_PARAMS];
	uint32_t b[LB_NUM_PARAMS];
};

/* Polling a session connection for a reply before sleeping (see lb_wait_readable). */
#define LB_SPIN_US_DEFAULT	200
struct lb_spin {
	unsigned int calls;
	unsigned int misses;
};

/* -- wire.c --------------------------------------------------------------------------- */
int lb_socket_path(struct sockaddr_un *addr);
int lb_connect(const struct sockaddr_un *addr);
int lb_send(int fd, const void *buf, size_t len, const int *fds, unsigned int nfds);
int lb_recv_frame(int fd, uint16_t *kind, uint8_t **payload, uint32_t *len);
void lb_wait_readable(int fd, struct lb_spin *spin);
size_t lb_hello(uint8_t *out, uint32_t role, const uint8_t token[16]);
int lb_hello_reply(const uint8_t *payload, uint32_t len, uint32_t *status, uint8_t token[16]);
uint8_t *lb_request(uint16_t kind, const uint8_t *head, size_t head_len, const uint64_t *release,
		    uint32_t nrelease, const struct lb_op *op, size_t prefix, size_t *out_len);
int lb_parse_reply(uint16_t kind, const uint8_t *payload, uint32_t len, struct lb_op *op,
		   struct lb_reply *reply);
void lb_put32(uint8_t *p, uint32_t v);
void lb_put64(uint8_t *p, uint64_t v);
uint32_t lb_get32(const uint8_t *p);
uint64_t lb_get64(const uint8_t *p);

/* -- registry.c ----------------------------------------------------------------------- */
struct lb_session {
	int fd;			/* the session's own connection (to the TA's worker) */
	int ctx_fd;
	uint64_t key;		/* names the session in CANCEL */
	int dead;		/* the connection broke: every call answers TARGET_DEAD */
	struct lb_spin spin;	/* reply polling statistics */
	pthread_mutex_t lock;	/* one request at a time on fd */
	uint64_t *sent;		/* shared-memory ids the worker holds */
	size_t nsent, capsent;
	uint64_t *release;	/* ids released since the last request */
	size_t nrelease, caprelease;
	/* registry bookkeeping */
	unsigned int refs;
	int closing;
	uint32_t handle;
};

struct lb_context {
	int fd;
	uint8_t token[16];
	struct sockaddr_un addr;
	pthread_mutex_t lock;	/* writes on fd */
};

extern pthread_mutex_t lb_lock;

int lb_context_add(int fd, const uint8_t token[16], const struct sockaddr_un *addr);
int lb_context_get(int fd, struct lb_context *copy);
int lb_context_cancel(int fd, uint64_t key);
void lb_context_remove(int fd);
struct lb_session *lb_session_new(int fd, int ctx_fd, uint64_t key);
struct lb_session *lb_session_get(uint32_t handle);
struct lb_session *lb_session_close_begin(uint32_t handle);
void lb_session_put(struct lb_session *s);
int lb_session_sent(struct lb_session *s, uint64_t id);
void lb_session_mark_sent(struct lb_session *s, uint64_t id);
void lb_shm_released(uint64_t id);
uint32_t lb_next_shm_id(void);

/* -- operation.c -------------------------------------------------------------------- */
TEEC_Result lb_prepare(TEEC_Operation *op, struct lb_session *s, struct lb_op *w);
void lb_post(TEEC_Operation *op, const struct lb_reply *r);
void lb_fds_of(const struct lb_op *w, int *fds, unsigned int *nfds);
TEEC_Result lb_await_reply(int fd, uint16_t want, struct lb_op *w, struct lb_reply *r,
			   uint32_t *origin, int *dead);

#endif /* LITEBOX_H */
