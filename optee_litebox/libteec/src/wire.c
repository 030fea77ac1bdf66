/*
 * The optee-litebox socket protocol, client side: socket path, frames, operations.
 * Byte for byte what optee_litebox/client/protocol.py encodes and decodes.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "litebox.h"

void lb_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void lb_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t lb_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t lb_get64(const uint8_t *p)
{
	return (uint64_t)lb_get32(p) | (uint64_t)lb_get32(p + 4) << 32;
}

/* $OPTEE_LITEBOX_SOCKET, else $XDG_RUNTIME_DIR/optee-litebox.sock, else a per-user
 * directory in $TMPDIR (or /tmp): the same rules as optee_litebox/client/paths.py. */
int lb_socket_path(struct sockaddr_un *addr)
{
	const char *env = getenv("OPTEE_LITEBOX_SOCKET");
	const char *run = getenv("XDG_RUNTIME_DIR");
	const char *tmp = getenv("TMPDIR");
	int n;

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (env && *env)
		n = snprintf(addr->sun_path, sizeof(addr->sun_path), "%s", env);
	else if (run && run[0] == '/')
		n = snprintf(addr->sun_path, sizeof(addr->sun_path), "%s/optee-litebox.sock", run);
	else
		n = snprintf(addr->sun_path, sizeof(addr->sun_path),
			     "%s/optee-litebox-%u/optee-litebox.sock",
			     tmp && *tmp ? tmp : "/tmp", (unsigned int)getuid());
	return n > 0 && (size_t)n < sizeof(addr->sun_path) ? 0 : -1;
}

int lb_connect(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	while (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Send len bytes; the descriptors travel with the first byte. */
int lb_send(int fd, const void *buf, size_t len, const int *fds, unsigned int nfds)
{
	const uint8_t *p = buf;
	union {
		char raw[CMSG_SPACE(sizeof(int) * LB_NUM_PARAMS * 2)];
		struct cmsghdr align;
	} anc;
	int first = 1;

	if (nfds > LB_NUM_PARAMS * 2)
		return -1;
	while (len) {
		struct iovec iov = { .iov_base = (void *)p, .iov_len = len };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (first && nfds) {
			struct cmsghdr *c;

			memset(&anc, 0, sizeof(anc));
			msg.msg_control = anc.raw;
			msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
			c = CMSG_FIRSTHDR(&msg);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
			memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
		}
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		first = 0;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int recv_exact(int fd, uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = recv(fd, buf, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static long spin_budget_ns(void)
{
	static long budget = -1;

	if (budget < 0) {
		const char *env = getenv("OPTEE_LITEBOX_SPIN_US");
		long us = env && *env ? atol(env) : LB_SPIN_US_DEFAULT;

		budget = us > 0 ? us * 1000 : 0;
	}
	return budget;
}

static long elapsed_ns(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000000000L + (b.tv_nsec - a->tv_nsec);
}

/*
 * Wait for a reply by polling for a short while before sleeping in recv(). A reply that
 * comes within the budget then needs no wake-up of a sleeping thread, which on a
 * machine with several CPUs costs about as much as the TA call itself. *spin tracks
 * whether polling pays off on this connection: after two misses in a row it stops,
 * and tries again every 32nd call.
 */
void lb_wait_readable(int fd, struct lb_spin *spin)
{
	long budget = spin_budget_ns();
	struct timespec start;
	uint8_t probe;

	spin->calls++;
	if (!budget || (spin->misses >= 2 && spin->calls % 32))
		return;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		ssize_t n = recv(fd, &probe, 1, MSG_DONTWAIT | MSG_PEEK);

		if (n > 0) {
			spin->misses = 0;
			return;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			return;	/* EOF or an error: recv() reports it */
	} while (elapsed_ns(&start) < budget);
	spin->misses++;
}

/* One frame; *payload is malloc()ed (free it). -1 on EOF, error or a bad header. */
int lb_recv_frame(int fd, uint16_t *kind, uint8_t **payload, uint32_t *len)
{
	uint8_t h[LB_HEADER_SIZE];
	uint32_t n;

	*payload = NULL;
	if (recv_exact(fd, h, sizeof(h)))
		return -1;
	n = lb_get32(h);
	if (n > LB_MAX_PAYLOAD || h[6] || h[7])
		return -1;
	*kind = (uint16_t)(h[4] | h[5] << 8);
	*payload = malloc(n ? n : 1);
	if (!*payload)
		return -1;
	if (recv_exact(fd, *payload, n)) {
		free(*payload);
		*payload = NULL;
		return -1;
	}
	*len = n;
	return 0;
}

static void header(uint8_t *out, uint32_t len, uint16_t kind, uint8_t nfds)
{
	lb_put32(out, len);
	out[4] = (uint8_t)kind;
	out[5] = (uint8_t)(kind >> 8);
	out[6] = nfds;
	out[7] = 0;
}

/* A HELLO frame (36 bytes) into out. */
size_t lb_hello(uint8_t *out, uint32_t role, const uint8_t token[16])
{
	header(out, 28, LB_HELLO, 0);
	memcpy(out + 8, LB_MAGIC, 4);
	out[12] = LB_VERSION;
	out[13] = 0;
	out[14] = LB_VERSION;
	out[15] = 0;
	lb_put32(out + 16, role);
	memcpy(out + 20, token, 16);
	return 36;
}

int lb_hello_reply(const uint8_t *payload, uint32_t len, uint32_t *status, uint8_t token[16])
{
	if (len != 24)
		return -1;
	*status = lb_get32(payload + 4);
	memcpy(token, payload + 8, 16);
	return 0;
}

static size_t op_size(const struct lb_op *op)
{
	size_t n = 8 + LB_NUM_PARAMS * 24;

	for (unsigned int i = 0; i < op->nbuf; i++)
		n += 32 + (op->b[i].kind == LB_BUF_INLINE ? op->b[i].dlen : 0);
	return n;
}

/*
 * A request frame of kind: head, released ids, then the operation. prefix bytes are
 * left free at the start (for a HELLO sent in the same write). NULL when too large.
 */
uint8_t *lb_request(uint16_t kind, const uint8_t *head, size_t head_len, const uint64_t *release,
		    uint32_t nrelease, const struct lb_op *op, size_t prefix, size_t *out_len)
{
	size_t body = head_len + 8 * (size_t)nrelease + op_size(op);
	uint32_t types = 0;
	uint8_t nfds = 0;
	uint8_t *buf, *p;

	if (body > LB_MAX_PAYLOAD)
		return NULL;
	buf = malloc(prefix + LB_HEADER_SIZE + body);
	if (!buf)
		return NULL;
	p = buf + prefix + LB_HEADER_SIZE;
	memcpy(p, head, head_len);
	p += head_len;
	for (uint32_t i = 0; i < nrelease; i++, p += 8)
		lb_put64(p, release[i]);
	for (int i = 0; i < LB_NUM_PARAMS; i++)
		types |= (op->p[i].type & 0xF) << (4 * i);
	lb_put32(p, types);
	lb_put32(p + 4, op->nbuf);
	p += 8;
	for (int i = 0; i < LB_NUM_PARAMS; i++, p += 24) {
		const struct lb_param *q = &op->p[i];
		int memref = q->type >= 5;

		lb_put32(p, memref ? q->buffer : q->a);
		lb_put32(p + 4, memref ? 0 : q->b);
		lb_put64(p + 8, memref ? q->offset : 0);
		lb_put64(p + 16, memref ? q->size : 0);
	}
	for (unsigned int i = 0; i < op->nbuf; i++) {
		const struct lb_buffer *b = &op->b[i];
		uint64_t dlen = b->kind == LB_BUF_INLINE ? b->dlen : 0;

		lb_put32(p, b->kind);
		lb_put32(p + 4, b->flags);
		lb_put64(p + 8, b->id);
		lb_put64(p + 16, b->size);
		lb_put64(p + 24, dlen);
		p += 32;
		if (dlen) {
			memcpy(p, b->data, dlen);
			p += dlen;
		}
		if (b->kind == LB_BUF_SHM && (b->flags & LB_BUF_FLAG_FD))
			nfds++;
	}
	header(buf + prefix, (uint32_t)body, kind, nfds);
	*out_len = prefix + LB_HEADER_SIZE + body;
	return buf;
}

/* OPEN_REPLY / INVOKE_REPLY: results into reply, output bytes into op's destinations. */
int lb_parse_reply(uint16_t kind, const uint8_t *payload, uint32_t len, struct lb_op *op,
		   struct lb_reply *reply)
{
	uint32_t pos = 8, ndata;

	memset(reply, 0, sizeof(*reply));
	if (len < 8)
		return -1;
	reply->result = lb_get32(payload);
	reply->origin = lb_get32(payload + 4);
	if (kind == LB_OPEN_REPLY) {
		if (len < pos + 8)
			return -1;
		reply->key = lb_get64(payload + pos);
		pos += 8;
	}
	if (len < pos + LB_NUM_PARAMS * 16 + 4)
		return -1;
	for (int i = 0; i < LB_NUM_PARAMS; i++, pos += 16) {
		reply->a[i] = lb_get64(payload + pos);
		reply->b[i] = (uint32_t)lb_get64(payload + pos + 8);
	}
	ndata = lb_get32(payload + pos);
	pos += 4;
	if (ndata > LB_NUM_PARAMS)
		return -1;
	for (uint32_t k = 0; k < ndata; k++) {
		uint32_t index;
		uint64_t dlen;

		if (len - pos < 16)
			return -1;
		index = lb_get32(payload + pos);
		dlen = lb_get64(payload + pos + 8);
		pos += 16;
		if (index >= LB_NUM_PARAMS || dlen > len - pos)
			return -1;
		if (op && op->dest[index]) {
			size_t n = dlen < op->dest_len[index] ? (size_t)dlen : op->dest_len[index];

			memcpy(op->dest[index], payload + pos, n);
		}
		pos += (uint32_t)dlen;
	}
	return pos == len ? 0 : -1;
}
