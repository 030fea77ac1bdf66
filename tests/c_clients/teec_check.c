/*
 * A TEE Client API program of our own, run by tests/server/test_libteec_client.py
 * against the sample TAs through optee-litebox's libteec.so.2.
 *
 *   teec_check <scenario>     (values temp null shm errors login cancel runaway
 *                              lifecycle threads)
 *
 * Each scenario checks results, origins and output values itself (a failed check prints
 * what was expected and exits 1) and prints "key=value" lines the test also checks.
 * It includes only the standard tee_client_api.h, like any client application.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <tee_client_api.h>
#include <tee_client_api_extensions.h>

#include "teec_check.h"

int failures;
TEEC_Context ctx;
static const TEEC_UUID hello_uuid = HELLO_UUID, params_uuid = PARAMS_UUID;

TEEC_Session open_ok(const TEEC_UUID *uuid)
{
	TEEC_Session s;
	uint32_t origin = 0;
	TEEC_Result res = TEEC_OpenSession(&ctx, &s, uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);

	if (res != TEEC_SUCCESS) {
		fprintf(stderr, "open session: 0x%08x origin %u\n", res, origin);
		exit(1);
	}
	return s;
}

uint32_t fnv1a(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t h = 0x811c9dc5u;

	while (len--)
		h = (h ^ *p++) * 0x01000193u;
	return h;
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Value parameters: hello_world increments and decrements, params' VALUES. */
static void scenario_values(void)
{
	TEEC_Session s = open_ok(&hello_uuid);
	TEEC_Operation op = { 0 };
	uint32_t origin;
	TEEC_Result res;

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 42;
	res = TEEC_InvokeCommand(&s, 0, &op, &origin);
	EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(op.params[0].value.a == 43, "inc gave %u", op.params[0].value.a);
	res = TEEC_InvokeCommand(&s, 1, &op, &origin);
	CHECK(op.params[0].value.a == 42, "dec gave %u", op.params[0].value.a);
	TEEC_CloseSession(&s);

	s = open_ok(&params_uuid);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT,
					 TEEC_VALUE_OUTPUT);
	op.params[0].value.a = 7;
	op.params[0].value.b = 5;
	op.params[1].value.a = 0xdeadbeef;
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_VALUES, &op, &origin);
	EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(op.params[1].value.a == 12 && op.params[1].value.b == 35, "sum/product %u %u",
	      op.params[1].value.a, op.params[1].value.b);
	CHECK(op.params[2].value.a == 0xFFFFFFFF && op.params[2].value.b == 0, "p2");
	CHECK(op.params[3].value.a == 0x80000000 && op.params[3].value.b == 0x7FFFFFFF, "p3");
	CHECK(op.params[0].value.a == 7, "an input value is not written back");
	printf("values=%u,%u\n", op.params[1].value.a, op.params[1].value.b);
	TEEC_CloseSession(&s);
}

/* Temporary memrefs: input, output (with SHORT_BUFFER), inout, checksum. */
static void scenario_temp(void)
{
	TEEC_Session s = open_ok(&params_uuid);
	TEEC_Operation op = { 0 };
	char in[] = "optee-litebox temporary memref";
	char out[64], small[4];
	uint8_t rev[5] = { 1, 2, 3, 4, 5 };
	uint32_t origin;
	TEEC_Result res;

	memset(out, '#', sizeof(out));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = in;
	op.params[0].tmpref.size = strlen(in);
	op.params[1].tmpref.buffer = out;
	op.params[1].tmpref.size = sizeof(out);
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_COPY, &op, &origin);
	EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(op.params[1].tmpref.size == strlen(in), "copied size %zu", op.params[1].tmpref.size);
	CHECK(!memcmp(out, in, strlen(in)), "copied bytes");
	CHECK(out[strlen(in)] == '#', "bytes past the copy are untouched");

	op.params[1].tmpref.buffer = small;
	op.params[1].tmpref.size = sizeof(small);
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_COPY, &op, &origin);
	EXPECT(res, origin, TEEC_ERROR_SHORT_BUFFER, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(op.params[1].tmpref.size == strlen(in), "needed size %zu", op.params[1].tmpref.size);

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = rev;
	op.params[0].tmpref.size = sizeof(rev);
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_REVERSE, &op, &origin);
	EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(rev[0] == 5 && rev[4] == 1 && rev[2] == 3, "reversed %u %u", rev[0], rev[4]);

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = in;
	op.params[0].tmpref.size = strlen(in);
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_CHECKSUM, &op, &origin);
	EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(op.params[1].value.a == fnv1a(in, strlen(in)) && op.params[1].value.b == strlen(in),
	      "checksum 0x%08x", op.params[1].value.a);
	printf("checksum=%08x\n", op.params[1].value.a);
	TEEC_CloseSession(&s);
}

/* NULL memrefs: a NULL buffer of size 0 reaches the TA as NULL; with a size it is refused. */
static void scenario_null(void)
{
	static const uint32_t types[] = { TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
					  TEEC_MEMREF_TEMP_INOUT };
	TEEC_Session s = open_ok(&params_uuid);
	TEEC_Operation op;
	char in[] = "abc";
	uint32_t origin;
	TEEC_Result res;

	for (unsigned int i = 0; i < 3; i++) {
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(types[i], TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE);
		res = TEEC_InvokeCommand(&s, PARAMS_CMD_NULL_MEMREF, &op, &origin);
		EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
		CHECK(op.params[1].value.a == 1 && op.params[1].value.b == 0, "TA saw %u/%u",
		      op.params[1].value.a, op.params[1].value.b);
	}
	op.params[0].tmpref.size = 5;	/* NULL with a size */
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_NULL_MEMREF, &op, &origin);
	EXPECT(res, origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);

	/* a NULL output tells the size needed */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = in;
	op.params[0].tmpref.size = 3;
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_COPY, &op, &origin);
	EXPECT(res, origin, TEEC_ERROR_SHORT_BUFFER, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(op.params[1].tmpref.size == 3 && !op.params[1].tmpref.buffer, "size %zu",
	      op.params[1].tmpref.size);
	printf("null=ok\n");
	TEEC_CloseSession(&s);
}

/* Shared memory (allocated, registered, from a descriptor): whole and partial memrefs,
 * and two partial memrefs of one shared memory mapped once in the TA. */
static void shm_checks(const char *name, TEEC_SharedMemory *shm, uint8_t *buf)
{
	TEEC_Session s = open_ok(&params_uuid);
	TEEC_Operation op = { 0 };
	uint8_t report[PARAMS_REPORT_SIZE];
	uint64_t addr0, addr1;
	uint32_t origin;
	TEEC_Result res;

	for (unsigned int i = 0; i < 64; i++)
		buf[i] = (uint8_t)i;
	/* whole (64-byte memory) or a 64-byte partial inout: reversed in place */
	op.paramTypes = TEEC_PARAM_TYPES(shm->size == 64 ? TEEC_MEMREF_WHOLE :
					 TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].memref = (TEEC_RegisteredMemoryReference){ shm, 64, 0 };
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_REVERSE, &op, &origin);
	EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(buf[0] == 63 && buf[63] == 0, "%s: reversed %u..%u", name, buf[0], buf[63]);
	CHECK(op.params[0].memref.size == 64, "%s: size %zu", name, op.params[0].memref.size);

	/* partial: copy bytes [0, 8) to [32, 40) of the same memory */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INPUT, TEEC_MEMREF_PARTIAL_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].memref = (TEEC_RegisteredMemoryReference){ shm, 8, 0 };
	op.params[1].memref = (TEEC_RegisteredMemoryReference){ shm, 16, 32 };
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_COPY, &op, &origin);
	EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(!memcmp(buf + 32, buf, 8), "%s: partial copy", name);
	CHECK(op.params[1].memref.size == 8, "%s: partial output size %zu", name,
	      op.params[1].memref.size);
	CHECK(op.params[0].memref.size == 8, "%s: input size untouched", name);

	/* ECHO: where the TA sees two partial windows of the same memory */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INPUT, TEEC_MEMREF_PARTIAL_INOUT,
					 TEEC_NONE, TEEC_MEMREF_TEMP_OUTPUT);
	op.params[0].memref = (TEEC_RegisteredMemoryReference){ shm, 16, 4 };
	op.params[1].memref = (TEEC_RegisteredMemoryReference){ shm, 8, 40 };
	op.params[3].tmpref.buffer = report;
	op.params[3].tmpref.size = sizeof(report);
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_ECHO, &op, &origin);
	EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	memcpy(&addr0, report + 8 + 0 * 32 + 16, 8);
	memcpy(&addr1, report + 8 + 1 * 32 + 16, 8);
	CHECK(addr1 - addr0 == 36, "%s: windows 36 bytes apart in the TA, got %lld", name,
	      (long long)(addr1 - addr0));
	/* before: buf[i] = 63 - i after the reversal; the TA flips its inout window */
	CHECK(buf[40] == (uint8_t)~23 && buf[47] == (uint8_t)~16, "%s: inout window %02x %02x",
	      name, buf[40], buf[47]);
	CHECK(buf[4] == 59 && buf[19] == 44, "%s: input window untouched", name);
	printf("%s_mapping_delta=%lld\n", name, (long long)(addr1 - addr0));

	/* out-of-range and wrong-direction partial memrefs are refused by the library */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].memref = (TEEC_RegisteredMemoryReference){ shm, 8, shm->size - 4 };
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_CHECKSUM, &op, &origin);
	EXPECT(res, origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	op.params[0].memref = (TEEC_RegisteredMemoryReference){ shm, (size_t)-1, 2 };
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_CHECKSUM, &op, &origin);
	EXPECT(res, origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	TEEC_CloseSession(&s);
}

static void scenario_shm(void)
{
	TEEC_SharedMemory alloc = { .size = 64, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT };
	TEEC_SharedMemory reg = { .size = 64, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT };
	TEEC_SharedMemory inonly = { .size = 16, .flags = TEEC_MEM_INPUT };
	TEEC_Session s;
	TEEC_Operation op = { 0 };
	uint8_t *mapped;
	uint32_t origin;
	TEEC_Result res;
	int fd;

	res = TEEC_AllocateSharedMemory(&ctx, &alloc);
	CHECK(res == TEEC_SUCCESS && alloc.buffer, "allocate: 0x%x", res);
	shm_checks("allocated", &alloc, alloc.buffer);

	/* shared memory in TEEC_OpenSession: its descriptor goes through the server */
	for (unsigned int i = 0; i < 64; i++)
		((uint8_t *)alloc.buffer)[i] = (uint8_t)i;
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].memref = (TEEC_RegisteredMemoryReference){ &alloc, 8, 8 };
	res = TEEC_OpenSession(&ctx, &s, &params_uuid, TEEC_LOGIN_PUBLIC, NULL, &op, &origin);
	EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);	/* params' open echoes */
	mapped = alloc.buffer;
	CHECK(mapped[8] == (uint8_t)~8 && mapped[15] == (uint8_t)~15 && mapped[7] == 7,
	      "open flipped %02x %02x %02x", mapped[7], mapped[8], mapped[15]);
	TEEC_CloseSession(&s);
	memset(&op, 0, sizeof(op));
	TEEC_ReleaseSharedMemory(&alloc);
	CHECK(alloc.buffer == NULL && alloc.imp.id == -1, "released");
	TEEC_ReleaseSharedMemory(&alloc);	/* twice is harmless */

	reg.buffer = calloc(1, 64);
	res = TEEC_RegisterSharedMemory(&ctx, &reg);
	CHECK(res == TEEC_SUCCESS, "register: 0x%x", res);
	shm_checks("registered", &reg, reg.buffer);
	free(reg.buffer);
	TEEC_ReleaseSharedMemory(&reg);

	/* from a file descriptor: whole pages are mapped by the TA's process, a partial last
	 * page is copied; either way the bytes land in the file */
	for (size_t size = 8192; size; size = size == 8192 ? 100 : 0) {
		TEEC_SharedMemory byfd = { .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT };

		fd = memfd_create("teec-check", 0);
		CHECK(fd >= 0 && !ftruncate(fd, (off_t)size), "memfd");
		res = TEEC_RegisterSharedMemoryFileDescriptor(&ctx, &byfd, fd);
		CHECK(res == TEEC_SUCCESS && byfd.size == size && !byfd.buffer,
		      "register fd: 0x%x size %zu", res, byfd.size);
		mapped = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		CHECK(mapped != MAP_FAILED, "mmap");
		shm_checks(size == 8192 ? "fd_pages" : "fd_bytes", &byfd, mapped);
		TEEC_ReleaseSharedMemory(&byfd);
		munmap(mapped, size);
		close(fd);
	}

	/* whole memref of input-only memory is an input: the TA cannot change the size */
	inonly.buffer = calloc(1, 16);
	memcpy(inonly.buffer, "0123456789abcdef", 16);
	CHECK(TEEC_RegisterSharedMemory(&ctx, &inonly) == TEEC_SUCCESS, "register input-only");
	s = open_ok(&params_uuid);
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE);
	op.params[0].memref.parent = &inonly;
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_CHECKSUM, &op, &origin);
	EXPECT(res, origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(op.params[1].value.a == fnv1a("0123456789abcdef", 16), "whole input checksum");
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_OUTPUT, TEEC_VALUE_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].memref = (TEEC_RegisteredMemoryReference){ &inonly, 4, 0 };
	res = TEEC_InvokeCommand(&s, PARAMS_CMD_NULL_MEMREF, &op, &origin);
	EXPECT(res, origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	TEEC_CloseSession(&s);
	TEEC_ReleaseSharedMemory(&inonly);
	free(inonly.buffer);
	printf("shm=ok\n");
}

static const struct {
	const char *name;
	void (*run)(void);
} scenarios[] = {
	{ "values", scenario_values },	   { "temp", scenario_temp },
	{ "null", scenario_null },	   { "shm", scenario_shm },
	{ "errors", scenario_errors },	   { "login", scenario_login },
	{ "cancel", scenario_cancel },	   { "runaway", scenario_runaway },
	{ "lifecycle", scenario_lifecycle }, { "threads", scenario_threads },
};

int main(int argc, char **argv)
{
	TEEC_Result res;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <scenario>\n", argv[0]);
		return 2;
	}
	res = TEEC_InitializeContext(NULL, &ctx);
	if (res != TEEC_SUCCESS) {
		fprintf(stderr, "TEEC_InitializeContext: 0x%08x\n", res);
		return 1;
	}
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (!strcmp(argv[1], scenarios[i].name)) {
			scenarios[i].run();
			TEEC_FinalizeContext(&ctx);
			printf("failures=%d\n", failures);
			return failures ? 1 : 0;
		}
	}
	fprintf(stderr, "unknown scenario %s\n", argv[1]);
	return 2;
}
