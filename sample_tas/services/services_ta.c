/* services sample (see services_ta.h). */
#include <tee_internal_api.h>
#include <tee_internal_api_extensions.h>
#include <tee_tcpsocket.h>
#include <tee_udpsocket.h>
#include <pta_system.h>
#include <sdk/libc.h>
#include "services_ta.h"

#define T(x) TEE_PARAM_TYPE_##x
#define TYPES(a, b, c, d) TEE_PARAM_TYPES(T(a), T(b), T(c), T(d))

#define PTA_ATTESTATION_UUID { 0x39800861, 0x182a, 0x4720, \
	{ 0x9b, 0x67, 0x2b, 0xcd, 0x62, 0x2b, 0xc0, 0xb5 } }
#define PTA_ATTESTATION_HASH_TA_MEMORY 2

static TEE_Result plugin(uint32_t types, TEE_Param p[4])
{
	static const TEE_UUID sample = SAMPLE_PLUGIN_UUID;
	uint8_t buf[SERVICES_BUF_MAX];
	TEE_UUID uuid = sample;
	size_t outlen = 0;
	size_t len = p[1].memref.size;

	if ((types & 0xfff) != TYPES(VALUE_INPUT, MEMREF_INOUT, VALUE_OUTPUT, NONE) ||
	    (TEE_PARAM_TYPE_GET(types, 3) != T(NONE) &&
	     TEE_PARAM_TYPE_GET(types, 3) != T(MEMREF_INPUT)))
		return TEE_ERROR_BAD_PARAMETERS;
	if (len > sizeof(buf))
		return TEE_ERROR_BAD_PARAMETERS;
	if (TEE_PARAM_TYPE_GET(types, 3) == T(MEMREF_INPUT)) {
		if (p[3].memref.size != sizeof(uuid))
			return TEE_ERROR_BAD_PARAMETERS;
		memcpy(&uuid, p[3].memref.buffer, sizeof(uuid));
	}
	memcpy(buf, p[1].memref.buffer, len);
	p[2].value.a = tee_invoke_supp_plugin(&uuid, p[0].value.a, p[0].value.b,
					      len ? buf : NULL, len, &outlen);
	p[2].value.b = outlen;
	memcpy(p[1].memref.buffer, buf, len);
	return TEE_SUCCESS;
}

/* Host name, port and protocol of p0/p1 in a setup structure. */
static TEE_iSocket *setup_of(TEE_Param p[4], TEE_tcpSocket_Setup *setup,
			     char *host, size_t host_max)
{
	size_t n = p[1].memref.size;

	if (!n || n > host_max)
		return NULL;
	memcpy(host, p[1].memref.buffer, n);
	host[n - 1] = '\0';
	setup->ipVersion = TEE_IP_VERSION_DC;
	setup->server_addr = host;
	setup->server_port = (uint16_t)p[0].value.a;
	if (p[0].value.b == TEE_ISOCKET_PROTOCOLID_TCP)
		return TEE_tcpSocket;
	if (p[0].value.b == TEE_ISOCKET_PROTOCOLID_UDP)
		return TEE_udpSocket;
	return NULL;
}

static void report(TEE_Param *out, TEE_Result res, uint32_t step)
{
	out->value.a = res;
	out->value.b = res == TEE_SUCCESS ? 0 : step;
}

static TEE_Result echo(uint32_t types, TEE_Param p[4])
{
	TEE_tcpSocket_Setup setup;
	char host[64];
	uint8_t buf[SERVICES_BUF_MAX];
	TEE_iSocketHandle h = NULL;
	TEE_iSocket *api;
	uint32_t proto_error = 0;
	uint32_t len;
	TEE_Result res;

	if (types != TYPES(VALUE_INPUT, MEMREF_INPUT, MEMREF_INOUT, VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	api = setup_of(p, &setup, host, sizeof(host));
	if (!api || p[2].memref.size > sizeof(buf))
		return TEE_ERROR_BAD_PARAMETERS;
	res = api->open(&h, &setup, &proto_error);
	if (res != TEE_SUCCESS) {
		report(&p[3], res, 1);
		return TEE_SUCCESS;
	}
	memcpy(buf, p[2].memref.buffer, p[2].memref.size);
	len = p[2].memref.size;
	res = api->send(h, buf, &len, TEE_TIMEOUT_INFINITE);
	if (res != TEE_SUCCESS) {
		report(&p[3], res, 2);
		api->close(h);
		return TEE_SUCCESS;
	}
	len = p[2].memref.size;
	memset(buf, 0, sizeof(buf));
	res = api->recv(h, buf, &len, 5000);
	if (res != TEE_SUCCESS) {
		report(&p[3], res, 3);
		api->close(h);
		return TEE_SUCCESS;
	}
	memcpy(p[2].memref.buffer, buf,
	       len < p[2].memref.size ? len : p[2].memref.size);
	p[2].memref.size = len;
	report(&p[3], api->close(h), 4);
	return TEE_SUCCESS;
}

static TEE_Result recv_timeout(uint32_t types, TEE_Param p[4])
{
	TEE_tcpSocket_Setup setup;
	char host[64];
	uint8_t buf[16];
	TEE_iSocketHandle h = NULL;
	TEE_iSocket *api;
	uint32_t proto_error = 0;
	uint32_t len = sizeof(buf);
	TEE_Result res;

	if (types != TYPES(VALUE_INPUT, MEMREF_INPUT, VALUE_INPUT, VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	api = setup_of(p, &setup, host, sizeof(host));
	if (!api)
		return TEE_ERROR_BAD_PARAMETERS;
	res = api->open(&h, &setup, &proto_error);
	if (res != TEE_SUCCESS) {
		report(&p[3], res, 1);
		return TEE_SUCCESS;
	}
	res = api->recv(h, buf, &len, p[2].value.a);
	report(&p[3], res, 3);
	if (api->error(h) != res)
		TEE_Panic(0);
	api->close(h);
	return TEE_SUCCESS;
}

static TEE_Result open_only(uint32_t types, TEE_Param p[4])
{
	TEE_tcpSocket_Setup setup;
	char host[64];
	TEE_iSocketHandle h = NULL;
	TEE_iSocket *api;
	uint32_t proto_error = 0;
	TEE_Result res;

	if (types != TYPES(VALUE_INPUT, MEMREF_INPUT, VALUE_INPUT, VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	api = setup_of(p, &setup, host, sizeof(host));
	if (!api)
		return TEE_ERROR_BAD_PARAMETERS;
	setup.ipVersion = (TEE_ipSocket_ipVersion)p[2].value.a;
	res = api->open(&h, &setup, &proto_error);
	p[3].value.a = res;
	p[3].value.b = proto_error;
	if (res == TEE_SUCCESS)
		api->close(h);
	return TEE_SUCCESS;
}

/* One call to a pseudo-TA with up to two memrefs copied through TA memory. */
static TEE_Result call_pta(const TEE_UUID *uuid, uint32_t cmd, uint32_t types,
			   TEE_Param p[4])
{
	TEE_TASessionHandle s = TEE_HANDLE_NULL;
	TEE_Result res;

	res = TEE_OpenTASession(uuid, TEE_TIMEOUT_INFINITE, 0, NULL, &s, NULL);
	if (res != TEE_SUCCESS)
		return res;
	res = TEE_InvokeTACommand(s, TEE_TIMEOUT_INFINITE, cmd, types, p, NULL);
	TEE_CloseTASession(s);
	return res;
}

static TEE_Result private_pta_call(const TEE_UUID *uuid, uint32_t cmd,
				   uint32_t types, TEE_Param p[4])
{
	uint8_t in[SERVICES_BUF_MAX];
	uint8_t out[512];
	TEE_Param q[4];
	TEE_Result res;

	if (types != TYPES(MEMREF_INPUT, MEMREF_OUTPUT, NONE, NONE) ||
	    p[0].memref.size > sizeof(in) || p[1].memref.size > sizeof(out))
		return TEE_ERROR_BAD_PARAMETERS;
	memcpy(in, p[0].memref.buffer, p[0].memref.size);
	memset(q, 0, sizeof(q));
	q[0].memref.buffer = in;
	q[0].memref.size = p[0].memref.size;
	q[1].memref.buffer = out;
	q[1].memref.size = p[1].memref.size;
	res = call_pta(uuid, cmd, types, q);
	if (res == TEE_SUCCESS)
		memcpy(p[1].memref.buffer, out, q[1].memref.size);
	p[1].memref.size = q[1].memref.size;
	return res;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param p[4])
{
	static const TEE_UUID system_uuid = PTA_SYSTEM_UUID;
	static const TEE_UUID attestation_uuid = PTA_ATTESTATION_UUID;

	switch (cmd) {
	case SERVICES_CMD_PLUGIN:
		return plugin(types, p);
	case SERVICES_CMD_ECHO:
		return echo(types, p);
	case SERVICES_CMD_RECV:
		return recv_timeout(types, p);
	case SERVICES_CMD_OPEN:
		return open_only(types, p);
	case SERVICES_CMD_ATTEST:
		return private_pta_call(&attestation_uuid,
					PTA_ATTESTATION_HASH_TA_MEMORY, types, p);
	case SERVICES_CMD_DERIVE:
		return private_pta_call(&system_uuid,
					PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY, types, p);
	case SERVICES_CMD_ENTROPY:
		if (types != TYPES(MEMREF_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return call_pta(&system_uuid, PTA_SYSTEM_ADD_RNG_ENTROPY, types, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param p[4], void **ctx)
{
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
}
