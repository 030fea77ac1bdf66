/*
 * Invoke round trips through libteec.so.2, for benchmarks/bench_server.py.
 *
 *   bench_invoke <uuid> <cmd> <count> [value|values|out|none]
 *
 * Opens one session, makes <count> invokes and prints one line of JSON: the open-session
 * time and each invoke's round trip in microseconds (the caller takes the median).
 * "value" sends one VALUE_INOUT (hello_world's increment), "values" the params TA's
 * VALUES shape, "out" one VALUE_OUTPUT (the panic TA's ping), "none" no parameters.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tee_client_api.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int parse_uuid(const char *s, TEEC_UUID *u)
{
	unsigned int b[16];

	if (sscanf(s, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &b[6], &b[7], &b[8], &b[9], &b[10]) != 11)
		return -1;
	u->timeLow = b[0];
	u->timeMid = (uint16_t)b[1];
	u->timeHiAndVersion = (uint16_t)b[2];
	for (int i = 0; i < 8; i++)
		u->clockSeqAndNode[i] = (uint8_t)b[3 + i];
	return 0;
}

int main(int argc, char **argv)
{
	TEEC_Context ctx;
	TEEC_Session sess;
	TEEC_Operation op;
	TEEC_UUID uuid;
	uint32_t origin;
	TEEC_Result res;
	double t0, open_us, *rt;
	long count;
	const char *shape;

	if (argc < 4 || parse_uuid(argv[1], &uuid)) {
		fprintf(stderr, "usage: %s <uuid> <cmd> <count> [value|values|out|none]\n", argv[0]);
		return 2;
	}
	count = atol(argv[3]);
	shape = argc > 4 ? argv[4] : "value";
	rt = calloc((size_t)count + 1, sizeof(*rt));
	res = TEEC_InitializeContext(NULL, &ctx);
	if (res) {
		fprintf(stderr, "TEEC_InitializeContext: 0x%x\n", res);
		return 1;
	}
	t0 = now_us();
	res = TEEC_OpenSession(&ctx, &sess, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	open_us = now_us() - t0;
	if (res) {
		fprintf(stderr, "TEEC_OpenSession: 0x%x origin %u\n", res, origin);
		return 1;
	}
	for (long i = 0; i < count; i++) {
		memset(&op, 0, sizeof(op));
		if (!strcmp(shape, "values")) {
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT,
							 TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT);
			op.params[0].value.a = (uint32_t)i;
			op.params[0].value.b = 3;
		} else if (!strcmp(shape, "out")) {
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
		} else if (!strcmp(shape, "value")) {
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
			op.params[0].value.a = (uint32_t)i;
		}
		t0 = now_us();
		res = TEEC_InvokeCommand(&sess, (uint32_t)atoi(argv[2]), &op, &origin);
		rt[i] = now_us() - t0;
		if (res) {
			fprintf(stderr, "TEEC_InvokeCommand #%ld: 0x%x origin %u\n", i, res, origin);
			return 1;
		}
	}
	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	printf("{\"open_us\": %.1f, \"invoke_us\": [", open_us);
	for (long i = 0; i < count; i++)
		printf("%s%.1f", i ? ", " : "", rt[i]);
	printf("]}\n");
	free(rt);
	return 0;
}
