/*
 * GP TEE Sockets API (TCP and UDP client sockets) over the socket pseudo-TA,
 * with libutee's behaviour: a name lookup failure at open is reported as
 * TEE_ISOCKET_ERROR_PROTOCOL with the detail in *protocolError; the last
 * result of send/recv/ioctl is what error() returns; misuse panics (0).
 */
#include "sdk_private.h"
#include <tee_tcpsocket.h>
#include <tee_udpsocket.h>

#define PTA_SOCKET_UUID { 0x3b996a7d, 0x2c2b, 0x4a49, \
	{ 0xa8, 0x96, 0xe1, 0xfb, 0x57, 0x66, 0xd2, 0xf4 } }
#define PTA_SOCKET_OPEN		1
#define PTA_SOCKET_CLOSE	2
#define PTA_SOCKET_SEND		3
#define PTA_SOCKET_RECV		4
#define PTA_SOCKET_IOCTL	5

struct socket_ctx {
	uint32_t handle;
	uint32_t proto_error;
};

static TEE_Result invoke_socket_pta(uint32_t cmd, uint32_t types,
				    TEE_Param params[4])
{
	static TEE_TASessionHandle sess;
	static const TEE_UUID uuid = PTA_SOCKET_UUID;

	return sdk_invoke_pta(&uuid, &sess, cmd, types, params);
}

static TEE_Result pta_open(TEE_ipSocket_ipVersion ip_vers, const char *addr,
			   uint16_t port, uint32_t protocol, uint32_t *handle)
{
	TEE_Param params[4] = { 0 };
	TEE_Result res;

	if (ip_vers != TEE_IP_VERSION_DC && ip_vers != TEE_IP_VERSION_4 &&
	    ip_vers != TEE_IP_VERSION_6)
		return TEE_ERROR_BAD_PARAMETERS;
	if (!addr)
		return TEE_ERROR_BAD_PARAMETERS;
	params[0].value.a = ip_vers;
	params[0].value.b = port;
	params[1].memref.buffer = (void *)addr;
	params[1].memref.size = strlen(addr) + 1;
	params[2].value.a = protocol;
	res = invoke_socket_pta(PTA_SOCKET_OPEN,
				TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
						TEE_PARAM_TYPE_MEMREF_INPUT,
						TEE_PARAM_TYPE_VALUE_INPUT,
						TEE_PARAM_TYPE_VALUE_OUTPUT),
				params);
	if (res == TEE_SUCCESS)
		*handle = params[3].value.a;
	return res;
}

static TEE_Result sock_open(TEE_iSocketHandle *ctx, void *setup,
			    uint32_t *proto_error, uint32_t protocol)
{
	/* The TCP and UDP setup structures have the same layout. */
	TEE_tcpSocket_Setup *s = setup;
	struct socket_ctx *sc;
	TEE_Result res;

	if (!ctx || !setup || !proto_error)
		TEE_Panic(0);
	*proto_error = TEE_SUCCESS;
	sc = TEE_Malloc(sizeof(*sc), TEE_MALLOC_FILL_ZERO);
	if (!sc)
		return TEE_ERROR_OUT_OF_MEMORY;
	res = pta_open(s->ipVersion, s->server_addr, s->server_port, protocol,
		       &sc->handle);
	if (res != TEE_SUCCESS) {
		TEE_Free(sc);
		sc = NULL;
	}
	*ctx = (TEE_iSocketHandle)sc;
	if (res == TEE_ISOCKET_ERROR_HOSTNAME) {
		*proto_error = res;
		return TEE_ISOCKET_ERROR_PROTOCOL;
	}
	if (res == TEE_ISOCKET_TCP_WARNING_UNKNOWN_OUT_OF_BAND ||
	    res == TEE_ISOCKET_UDP_WARNING_UNKNOWN_OUT_OF_BAND) {
		*proto_error = res;
		return TEE_ISOCKET_WARNING_PROTOCOL;
	}
	return res;
}

static TEE_Result tcp_open(TEE_iSocketHandle *ctx, void *setup,
			   uint32_t *proto_error)
{
	return sock_open(ctx, setup, proto_error, TEE_ISOCKET_PROTOCOLID_TCP);
}

static TEE_Result udp_open(TEE_iSocketHandle *ctx, void *setup,
			   uint32_t *proto_error)
{
	return sock_open(ctx, setup, proto_error, TEE_ISOCKET_PROTOCOLID_UDP);
}

static TEE_Result sock_close(TEE_iSocketHandle ctx)
{
	struct socket_ctx *sc = ctx;
	TEE_Param params[4] = { 0 };
	TEE_Result res;

	if (!ctx)
		return TEE_SUCCESS;
	params[0].value.a = sc->handle;
	res = invoke_socket_pta(PTA_SOCKET_CLOSE,
				TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
						TEE_PARAM_TYPE_NONE,
						TEE_PARAM_TYPE_NONE,
						TEE_PARAM_TYPE_NONE),
				params);
	TEE_Free(sc);
	return res;
}

static TEE_Result sock_send(TEE_iSocketHandle ctx, const void *buf,
			    uint32_t *length, uint32_t timeout)
{
	struct socket_ctx *sc = ctx;
	TEE_Param params[4] = { 0 };
	TEE_Result res;

	if (!ctx || !buf || !length)
		TEE_Panic(0);
	params[0].value.a = sc->handle;
	params[0].value.b = timeout;
	params[1].memref.buffer = (void *)buf;
	params[1].memref.size = *length;
	res = invoke_socket_pta(PTA_SOCKET_SEND,
				TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
						TEE_PARAM_TYPE_MEMREF_INPUT,
						TEE_PARAM_TYPE_VALUE_OUTPUT,
						TEE_PARAM_TYPE_NONE),
				params);
	*length = params[2].value.a;
	sc->proto_error = res;
	return res;
}

static TEE_Result sock_recv(TEE_iSocketHandle ctx, void *buf,
			    uint32_t *length, uint32_t timeout)
{
	struct socket_ctx *sc = ctx;
	TEE_Param params[4] = { 0 };
	TEE_Result res;

	if (!ctx || !length || (!buf && *length))
		TEE_Panic(0);
	params[0].value.a = sc->handle;
	params[0].value.b = timeout;
	params[1].memref.buffer = buf;
	params[1].memref.size = *length;
	res = invoke_socket_pta(PTA_SOCKET_RECV,
				TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
						TEE_PARAM_TYPE_MEMREF_OUTPUT,
						TEE_PARAM_TYPE_NONE,
						TEE_PARAM_TYPE_NONE),
				params);
	*length = params[1].memref.size;
	sc->proto_error = res;
	return res;
}

static uint32_t sock_error(TEE_iSocketHandle ctx)
{
	if (!ctx)
		TEE_Panic(0);
	return ((struct socket_ctx *)ctx)->proto_error;
}

static TEE_Result sock_ioctl(TEE_iSocketHandle ctx, uint32_t command,
			     void *buf, uint32_t *length, uint32_t cmd_a,
			     uint32_t cmd_b)
{
	struct socket_ctx *sc = ctx;
	TEE_Param params[4] = { 0 };
	TEE_Result res;

	if (!ctx || !length || (!buf && *length))
		TEE_Panic(0);
	if (!(command >> 24))	/* a command of no protocol: nothing to do */
		return TEE_SUCCESS;
	if (command != cmd_a && command != cmd_b)
		TEE_Panic(0);
	params[0].value.a = sc->handle;
	params[0].value.b = command;
	params[1].memref.buffer = buf;
	params[1].memref.size = *length;
	res = invoke_socket_pta(PTA_SOCKET_IOCTL,
				TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
						TEE_PARAM_TYPE_MEMREF_INOUT,
						TEE_PARAM_TYPE_NONE,
						TEE_PARAM_TYPE_NONE),
				params);
	*length = params[1].memref.size;
	sc->proto_error = res;
	return res;
}

static TEE_Result tcp_ioctl(TEE_iSocketHandle ctx, uint32_t command,
			    void *buf, uint32_t *length)
{
	return sock_ioctl(ctx, command, buf, length, TEE_TCP_SET_RECVBUF,
			  TEE_TCP_SET_SENDBUF);
}

static TEE_Result udp_ioctl(TEE_iSocketHandle ctx, uint32_t command,
			    void *buf, uint32_t *length)
{
	return sock_ioctl(ctx, command, buf, length, TEE_UDP_CHANGEADDR,
			  TEE_UDP_CHANGEPORT);
}

static TEE_iSocket tcp_socket = {
	.TEE_iSocketVersion = TEE_ISOCKET_VERSION,
	.protocolID = TEE_ISOCKET_PROTOCOLID_TCP,
	.open = tcp_open,
	.close = sock_close,
	.send = sock_send,
	.recv = sock_recv,
	.error = sock_error,
	.ioctl = tcp_ioctl,
};

static TEE_iSocket udp_socket = {
	.TEE_iSocketVersion = TEE_ISOCKET_VERSION,
	.protocolID = TEE_ISOCKET_PROTOCOLID_UDP,
	.open = udp_open,
	.close = sock_close,
	.send = sock_send,
	.recv = sock_recv,
	.error = sock_error,
	.ioctl = udp_ioctl,
};

TEE_iSocket *const TEE_tcpSocket = &tcp_socket;
TEE_iSocket *const TEE_udpSocket = &udp_socket;
