/*
 * Contexts and sessions of this process.
 *
 * TEEC_Context only has room for a descriptor and TEEC_Session for a 32-bit id, so the
 * rest lives here: contexts by descriptor, sessions by a handle (slot index in the low
 * 20 bits, a generation above, so a stale handle never finds a newer session). Sessions
 * are reference counted: a session being closed stays alive until the last thread using
 * it lets go.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "litebox.h"

#define SLOT_BITS	20
#define SLOT_MASK	((1u << SLOT_BITS) - 1)

pthread_mutex_t lb_lock = PTHREAD_MUTEX_INITIALIZER;

static struct lb_context **contexts;
static size_t ncontexts;
static struct lb_session **slots;
static uint32_t *generations;
static size_t nslots, ngenerations;
static uint32_t next_shm_id;

static int grow(void **array, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 8;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*array, n * elem);
	if (!p)
		return -1;
	memset((char *)p + *cap * elem, 0, (n - *cap) * elem);
	*array = p;
	*cap = n;
	return 0;
}

/* -- contexts ----------------------------------------------------------------------------- */

int lb_context_add(int fd, const uint8_t token[16], const struct sockaddr_un *addr)
{
	struct lb_context *c = calloc(1, sizeof(*c));
	size_t i;

	if (!c)
		return -1;
	c->fd = fd;
	memcpy(c->token, token, 16);
	c->addr = *addr;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_lock(&lb_lock);
	for (i = 0; i < ncontexts && contexts[i]; i++)
		;
	if (i == ncontexts && grow((void **)&contexts, &ncontexts, i + 1, sizeof(*contexts))) {
		pthread_mutex_unlock(&lb_lock);
		free(c);
		return -1;
	}
	contexts[i] = c;
	pthread_mutex_unlock(&lb_lock);
	return 0;
}

static struct lb_context *find_context(int fd)
{
	for (size_t i = 0; i < ncontexts; i++)
		if (contexts[i] && contexts[i]->fd == fd)
			return contexts[i];
	return NULL;
}

int lb_context_get(int fd, struct lb_context *copy)
{
	struct lb_context *c;

	pthread_mutex_lock(&lb_lock);
	c = find_context(fd);
	if (c) {
		copy->fd = c->fd;
		memcpy(copy->token, c->token, 16);
		copy->addr = c->addr;
	}
	pthread_mutex_unlock(&lb_lock);
	return c ? 0 : -1;
}

/* CANCEL on the context's connection (no reply comes). */
int lb_context_cancel(int fd, uint64_t key)
{
	uint8_t frame[LB_HEADER_SIZE + 8] = { 8, 0, 0, 0, LB_CANCEL & 0xFF, LB_CANCEL >> 8, 0, 0 };
	struct lb_context *c;
	int rc = -1;

	lb_put64(frame + LB_HEADER_SIZE, key);
	pthread_mutex_lock(&lb_lock);
	c = find_context(fd);
	if (c) {
		pthread_mutex_lock(&c->lock);
		rc = lb_send(c->fd, frame, sizeof(frame), NULL, 0);
		pthread_mutex_unlock(&c->lock);
	}
	pthread_mutex_unlock(&lb_lock);
	return rc;
}

/* Forget the context; its sessions' connections are shut down, so their workers close
 * them (running the TA's close entry) as the TEE driver does when a context goes. */
void lb_context_remove(int fd)
{
	pthread_mutex_lock(&lb_lock);
	for (size_t i = 0; i < ncontexts; i++) {
		if (contexts[i] && contexts[i]->fd == fd) {
			pthread_mutex_destroy(&contexts[i]->lock);
			free(contexts[i]);
			contexts[i] = NULL;
		}
	}
	for (size_t i = 0; i < nslots; i++) {
		struct lb_session *s = slots[i];

		if (s && s->ctx_fd == fd && !s->closing) {
			s->closing = 1;
			shutdown(s->fd, SHUT_RDWR);
			s->refs++;
			pthread_mutex_unlock(&lb_lock);
			lb_session_put(s);
			pthread_mutex_lock(&lb_lock);
		}
	}
	pthread_mutex_unlock(&lb_lock);
}

/* -- sessions ----------------------------------------------------------------------------- */

struct lb_session *lb_session_new(int fd, int ctx_fd, uint64_t key)
{
	struct lb_session *s = calloc(1, sizeof(*s));
	size_t i;

	if (!s)
		return NULL;
	s->fd = fd;
	s->ctx_fd = ctx_fd;
	s->key = key;
	s->refs = 1;	/* the registry's own reference, dropped by close */
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_lock(&lb_lock);
	for (i = 0; i < nslots && slots[i]; i++)
		;
	if (i > SLOT_MASK || grow((void **)&slots, &nslots, i + 1, sizeof(*slots)) ||
	    grow((void **)&generations, &ngenerations, nslots, sizeof(*generations))) {
		pthread_mutex_unlock(&lb_lock);
		pthread_mutex_destroy(&s->lock);
		free(s);
		return NULL;
	}
	slots[i] = s;
	generations[i]++;
	s->handle = (uint32_t)i | (generations[i] & ((1u << (32 - SLOT_BITS)) - 1)) << SLOT_BITS;
	pthread_mutex_unlock(&lb_lock);
	return s;
}

static struct lb_session *lookup(uint32_t handle)
{
	size_t i = handle & SLOT_MASK;
	struct lb_session *s = i < nslots ? slots[i] : NULL;

	return s && s->handle == handle && !s->closing ? s : NULL;
}

/* The session for a handle, with a reference (lb_session_put), or NULL. */
struct lb_session *lb_session_get(uint32_t handle)
{
	struct lb_session *s;

	pthread_mutex_lock(&lb_lock);
	s = lookup(handle);
	if (s)
		s->refs++;
	pthread_mutex_unlock(&lb_lock);
	return s;
}

/* Like lb_session_get, and no later lookup finds the session any more. */
struct lb_session *lb_session_close_begin(uint32_t handle)
{
	struct lb_session *s;

	pthread_mutex_lock(&lb_lock);
	s = lookup(handle);
	if (s) {
		s->closing = 1;
		s->refs++;
	}
	pthread_mutex_unlock(&lb_lock);
	return s;
}

void lb_session_put(struct lb_session *s)
{
	int gone = 0;

	pthread_mutex_lock(&lb_lock);
	if (s->closing && s->refs == 2) {
		/* the caller's reference and the registry's: both go now */
		slots[s->handle & SLOT_MASK] = NULL;
		gone = 1;
	} else {
		s->refs--;
	}
	pthread_mutex_unlock(&lb_lock);
	if (gone) {
		close(s->fd);
		pthread_mutex_destroy(&s->lock);
		free(s->sent);
		free(s->release);
		free(s);
	}
}

int lb_session_sent(struct lb_session *s, uint64_t id)
{
	for (size_t i = 0; i < s->nsent; i++)
		if (s->sent[i] == id)
			return 1;
	return 0;
}

/* Called with s->lock held. */
void lb_session_mark_sent(struct lb_session *s, uint64_t id)
{
	pthread_mutex_lock(&lb_lock);
	if (!lb_session_sent(s, id) &&
	    !grow((void **)&s->sent, &s->capsent, s->nsent + 1, sizeof(*s->sent)))
		s->sent[s->nsent++] = id;
	pthread_mutex_unlock(&lb_lock);
}

/* Shared memory id was released: each session holding it drops it with its next request. */
void lb_shm_released(uint64_t id)
{
	pthread_mutex_lock(&lb_lock);
	for (size_t i = 0; i < nslots; i++) {
		struct lb_session *s = slots[i];

		if (!s)
			continue;
		for (size_t k = 0; k < s->nsent; k++) {
			if (s->sent[k] != id)
				continue;
			s->sent[k] = s->sent[--s->nsent];
			if (!grow((void **)&s->release, &s->caprelease, s->nrelease + 1,
				  sizeof(*s->release)))
				s->release[s->nrelease++] = id;
			break;
		}
	}
	pthread_mutex_unlock(&lb_lock);
}

uint32_t lb_next_shm_id(void)
{
	uint32_t id;

	pthread_mutex_lock(&lb_lock);
	next_shm_id = (next_shm_id + 1) & 0x7FFFFFFF;
	if (!next_shm_id)
		next_shm_id = 1;
	id = next_shm_id;
	pthread_mutex_unlock(&lb_lock);
	return id;
}
