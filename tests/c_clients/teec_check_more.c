/*
 * teec_check scenarios: errors, logins, cancellation, a runaway TA, lifecycle, threads.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tee_client_api.h>
#include <tee_client_api_extensions.h>

#include "teec_check.h"

static const TEEC_UUID params_uuid = PARAMS_UUID, syscalls_uuid = SYSCALLS_UUID,
		       panic_uuid = PANIC_UUID, panic_create_uuid = PANIC_CREATE_UUID,
		       sha256_uuid = SHA256_UUID, single_uuid = SINGLE_UUID,
		       keepalive_uuid = KEEPALIVE_UUID, hello_uuid = HELLO_UUID,
		       fault_uuid = FAULT_UUID, missing_uuid = MISSING_UUID;

void scenario_errors(void)
{
	TEEC_Context other;
	TEEC_Session s, stale;
	TEEC_SharedMemory shm = { 0 };
	TEEC_Operation op = { 0 };
	uint32_t origin = 0;
	TEEC_Result res;
	char byte = 0;

	CHECK(TEEC_InitializeContext(NULL, NULL) == TEEC_ERROR_BAD_PARAMETERS, "NULL context");
	CHECK(TEEC_InitializeContext("no-such-tee", &other) == TEEC_ERROR_ITEM_NOT_FOUND,
	      "unknown TEE name");
	CHECK(TEEC_InitializeContext("optee-tz", &other) == TEEC_SUCCESS, "optee-tz");
	TEEC_FinalizeContext(&other);
	TEEC_FinalizeContext(NULL);

	res = TEEC_OpenSession(NULL, &s, &params_uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	EXPECT(res, origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	res = TEEC_OpenSession(&ctx, NULL, &params_uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	EXPECT(res, origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	res = TEEC_OpenSession(&ctx, &s, &missing_uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	EXPECT(res, origin, TEEC_ERROR_ITEM_NOT_FOUND, TEEC_ORIGIN_TEE);

	/* a TA that refuses the session: panic TA's open with (2, code) returns code */
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 2;
	op.params[0].value.b = 0xFFFF000B;	/* TEE_ERROR_NO_DATA */
	res = TEEC_OpenSession(&ctx, &s, &panic_uuid, TEEC_LOGIN_PUBLIC, NULL, &op, &origin);
	EXPECT(res, origin, 0xFFFF000B, TEEC_ORIGIN_TRUSTED_APP);
	res = TEEC_OpenSession(&ctx, &s, &panic_create_uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	EXPECT(res, origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);

	res = TEEC_InvokeCommand(NULL, 0, NULL, &origin);
	EXPECT(res, origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);

	s = open_ok(&params_uuid);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(4, TEEC_NONE, TEEC_NONE, TEEC_NONE);	/* no such type */
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_VALUES, &op, &origin);
	EXPECT(res, origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].memref.parent = &shm;	/* flags 0: no direction */
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_VALUES, &op, &origin);
	EXPECT(res, origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_VALUES, &op, &origin);	/* TA checks types */
	EXPECT(res, origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TRUSTED_APP);
	res = TEEC_InvokeCommand(&s, 0x777, NULL, &origin);
	EXPECT(res, origin, TEEC_ERROR_NOT_SUPPORTED, TEEC_ORIGIN_TRUSTED_APP);
	stale = s;
	TEEC_CloseSession(&s);
	res = TEEC_InvokeCommand(&stale, PARAMS_CMD_VALUES, NULL, &origin);
	EXPECT(res, origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_COMMS);
	TEEC_CloseSession(&stale);	/* closing twice is harmless */
	TEEC_CloseSession(NULL);

	/* shared memory arguments */
	CHECK(TEEC_RegisterSharedMemory(NULL, &shm) == TEEC_ERROR_BAD_PARAMETERS, "NULL ctx");
	shm.buffer = &byte;
	shm.size = 1;
	shm.flags = 0;
	CHECK(TEEC_RegisterSharedMemory(&ctx, &shm) == TEEC_ERROR_BAD_PARAMETERS, "no flags");
	shm.flags = 4;
	CHECK(TEEC_RegisterSharedMemory(&ctx, &shm) == TEEC_ERROR_BAD_PARAMETERS, "bad flags");
	shm.flags = TEEC_MEM_INPUT;
	shm.buffer = NULL;
	CHECK(TEEC_RegisterSharedMemory(&ctx, &shm) == TEEC_ERROR_BAD_PARAMETERS, "NULL buffer");
	CHECK(TEEC_AllocateSharedMemory(&ctx, NULL) == TEEC_ERROR_BAD_PARAMETERS, "NULL shm");
	shm.flags = 0x10;
	CHECK(TEEC_AllocateSharedMemory(&ctx, &shm) == TEEC_ERROR_BAD_PARAMETERS, "alloc flags");
	shm.flags = TEEC_MEM_INPUT;
	CHECK(TEEC_RegisterSharedMemoryFileDescriptor(&ctx, &shm, -1) == TEEC_ERROR_BAD_PARAMETERS,
	      "fd -1");
	TEEC_ReleaseSharedMemory(NULL);

	/* a TA panic: TARGET_DEAD from the TEE, for this call and the next */
	s = open_ok(&panic_uuid);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 0xBAD;
	res = TEEC_InvokeCommand(&s, PANIC_CMD_PANIC, &op, &origin);
	EXPECT(res, origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	res = TEEC_InvokeCommand(&s, PANIC_CMD_PING, &op, &origin);
	EXPECT(res, origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
	TEEC_CloseSession(&s);

	/* CPU faults in the TA (a NULL read, an undefined instruction): the same */
	for (uint32_t cmd = FAULT_CMD_NULL_READ; cmd <= FAULT_CMD_UDF; cmd += FAULT_CMD_UDF) {
		s = open_ok(&fault_uuid);
		res = TEEC_InvokeCommand(&s, cmd, NULL, &origin);
		EXPECT(res, origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
		TEEC_CloseSession(&s);
	}
	s = open_ok(&fault_uuid);	/* a new instance of the TA works */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	res = TEEC_InvokeCommand(&s, FAULT_CMD_NO_FAULT, &op, &origin);
	EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(op.params[0].value.a == 0xA11CE, "no-fault value 0x%x", op.params[0].value.a);
	TEEC_CloseSession(&s);
	printf("errors=ok\n");
}

static void print_identity(const char *label, uint32_t method, const void *data)
{
	static const char name[] = "gpd.client.identity";
	TEEC_Operation op = { 0 };
	TEEC_Session s;
	uint8_t id[20] = { 0 };
	uint32_t origin, login, tl;
	uint16_t tm, th;
	TEEC_Result res;

	res = TEEC_OpenSession(&ctx, &s, &syscalls_uuid, method, data, NULL, &origin);
	if (res != TEEC_SUCCESS) {
		printf("%s=error:%08x:%u\n", label, res, origin);
		return;
	}
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_OUTPUT);
	op.params[0].value.a = SYSCALLS_PROPSET_CLIENT;
	op.params[0].value.b = SYSCALLS_AS_IDENTITY;
	op.params[1].tmpref.buffer = (void *)name;
	op.params[1].tmpref.size = strlen(name);
	op.params[2].tmpref.buffer = id;
	op.params[2].tmpref.size = sizeof(id);
	res = TEEC_InvokeCommand(&s, SYSCALLS_CMD_GET_PROPERTY, &op, &origin);
	EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(op.params[3].value.a == TEEC_SUCCESS, "property: 0x%x", op.params[3].value.a);
	/* TEE_Identity as the arm64 TA stores it: login, then TEE_UUID (little-endian) */
	memcpy(&login, id, 4);
	memcpy(&tl, id + 4, 4);
	memcpy(&tm, id + 8, 2);
	memcpy(&th, id + 10, 2);
	printf("%s=%u:%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x\n", label, login, tl, tm, th,
	       id[12], id[13], id[14], id[15], id[16], id[17], id[18], id[19]);
	TEEC_CloseSession(&s);
}

void scenario_login(void)
{
	gid_t mine = getegid(), foreign = (gid_t)0x7ffffff0;

	print_identity("public", TEEC_LOGIN_PUBLIC, NULL);
	print_identity("user", TEEC_LOGIN_USER, NULL);
	print_identity("group", TEEC_LOGIN_GROUP, &mine);
	print_identity("foreign_group", TEEC_LOGIN_GROUP, &foreign);
	print_identity("application", TEEC_LOGIN_APPLICATION, NULL);
	printf("gid=%u\n", (unsigned)mine);
}

struct call {
	TEEC_Session *s;
	uint32_t cmd;
	TEEC_Operation op;
	TEEC_Result res;
	uint32_t origin;
	double seconds;
};

static void *invoke_thread(void *arg)
{
	struct call *c = arg;
	double t0 = now_s();

	c->res = TEEC_InvokeCommand(c->s, c->cmd, &c->op, &c->origin);
	c->seconds = now_s() - t0;
	return NULL;
}

/* A quick call on another session while the other thread's call runs. */
static void other_session_works(void)
{
	TEEC_Session s = open_ok(&hello_uuid);
	TEEC_Operation op = { 0 };
	uint32_t origin;

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 1;
	CHECK(TEEC_InvokeCommand(&s, 0, &op, &origin) == TEEC_SUCCESS && op.params[0].value.a == 2,
	      "another session answers while one TA is busy");
	TEEC_CloseSession(&s);
}

/* TEE_Wait(TEE_TIMEOUT_INFINITE) with cancellation unmasked, cancelled from this thread. */
void scenario_cancel(void)
{
	TEEC_Session s = open_ok(&syscalls_uuid);
	struct call c = { .s = &s, .cmd = SYSCALLS_CMD_WAIT };
	pthread_t t;

	c.op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE);
	c.op.params[0].value.a = 0xFFFFFFFF;
	c.op.params[0].value.b = 1;	/* unmask */
	pthread_create(&t, NULL, invoke_thread, &c);
	usleep(300 * 1000);
	other_session_works();
	TEEC_RequestCancellation(&c.op);
	pthread_join(t, NULL);
	EXPECT(c.res, c.origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(c.op.params[1].value.a == TEEC_ERROR_CANCEL, "TEE_Wait gave 0x%08x",
	      c.op.params[1].value.a);
	CHECK(c.seconds < 10, "cancelled after %.1f s", c.seconds);
	printf("cancel_result=%08x\n", c.op.params[1].value.a);
	TEEC_RequestCancellation(NULL);
	TEEC_CloseSession(&s);
}

/* A TA computing forever, ignoring cancellation: the server stops it after its grace. */
void scenario_runaway(void)
{
	TEEC_Session s = open_ok(&sha256_uuid);
	uint8_t digest[32];
	struct call c = { .s = &s, .cmd = SHA256_CMD_BENCH };
	pthread_t t;

	c.op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					   TEEC_NONE);
	c.op.params[0].value.a = 1 << 20;
	c.op.params[0].value.b = 0xFFFFFFFF;
	c.op.params[1].tmpref.buffer = digest;
	c.op.params[1].tmpref.size = sizeof(digest);
	pthread_create(&t, NULL, invoke_thread, &c);
	usleep(300 * 1000);
	other_session_works();
	TEEC_RequestCancellation(&c.op);
	pthread_join(t, NULL);
	EXPECT(c.res, c.origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
	CHECK(c.seconds < 20, "stopped after %.1f s", c.seconds);
	printf("runaway_seconds=%.2f\n", c.seconds);
	c.op.params[0].value.b = 1;
	c.res = TEEC_InvokeCommand(&s, SHA256_CMD_BENCH, &c.op, &c.origin);
	EXPECT(c.res, c.origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
	TEEC_CloseSession(&s);
	s = open_ok(&sha256_uuid);	/* a new instance works */
	c.op.params[0].value.a = 3;
	c.res = TEEC_InvokeCommand(&s, SHA256_CMD_BENCH, &c.op, &c.origin);
	EXPECT(c.res, c.origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	TEEC_CloseSession(&s);
}

static uint32_t lifecycle_cmd(TEEC_Session *s, uint32_t cmd)
{
	TEEC_Operation op = { 0 };
	uint32_t origin;
	TEEC_Result res;

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	res = TEEC_InvokeCommand(s, cmd, &op, &origin);
	EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	return op.params[0].value.a;
}

void scenario_lifecycle(void)
{
	TEEC_Session a, b;
	uint32_t origin, first, second;
	TEEC_Result res;

	a = open_ok(&single_uuid);
	res = TEEC_OpenSession(&ctx, &b, &single_uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	EXPECT(res, origin, TEEC_ERROR_BUSY, TEEC_ORIGIN_TEE);
	TEEC_CloseSession(&a);
	b = open_ok(&single_uuid);
	TEEC_CloseSession(&b);

	a = open_ok(&keepalive_uuid);
	first = lifecycle_cmd(&a, LIFECYCLE_CMD_INC_COUNTER);
	b = open_ok(&keepalive_uuid);	/* multi-session: the same instance */
	CHECK(lifecycle_cmd(&b, LIFECYCLE_CMD_INC_COUNTER) == first + 1, "shared counter");
	TEEC_CloseSession(&a);
	TEEC_CloseSession(&b);
	a = open_ok(&keepalive_uuid);	/* kept alive with no session */
	second = lifecycle_cmd(&a, LIFECYCLE_CMD_INC_COUNTER);
	CHECK(second == first + 2, "kept-alive counter %u after %u", second, first);
	TEEC_CloseSession(&a);
	printf("keepalive_counter=%u\n", second);
}

#define THREADS 8
#define CALLS 200

static void *hammer(void *arg)
{
	TEEC_Session s = open_ok(&hello_uuid);
	TEEC_Operation op = { 0 };
	uint32_t origin;
	long bad = 0;

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	for (uint32_t i = 0; i < CALLS; i++) {
		op.params[0].value.a = i * 3;
		if (TEEC_InvokeCommand(&s, 0, &op, &origin) != TEEC_SUCCESS ||
		    op.params[0].value.a != i * 3 + 1)
			bad++;
	}
	TEEC_CloseSession(&s);
	*(long *)arg = bad;
	return NULL;
}

void scenario_threads(void)
{
	pthread_t t[THREADS];
	long bad[THREADS], total = 0;

	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, hammer, &bad[i]);
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		total += bad[i];
	}
	CHECK(total == 0, "%ld calls failed", total);
	printf("thread_calls=%d\n", THREADS * CALLS);
}
