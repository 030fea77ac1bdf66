/* GP TEE Sockets API: TCP client sockets (src/socket.c). */
#ifndef TEE_TCPSOCKET_H
#define TEE_TCPSOCKET_H

#include <tee_isocket.h>

#define TEE_ISOCKET_PROTOCOLID_TCP			0x65
#define TEE_ISOCKET_TCP_WARNING_UNKNOWN_OUT_OF_BAND	0xF1010002u
/* OP-TEE extensions: ioctl commands with a 4-byte int (setsockopt). */
#define TEE_TCP_SET_RECVBUF				0x65F00000u
#define TEE_TCP_SET_SENDBUF				0x65F00001u

typedef struct TEE_tcpSocket_Setup_s {
	TEE_ipSocket_ipVersion ipVersion;
	char *server_addr;
	uint16_t server_port;
} TEE_tcpSocket_Setup;

extern TEE_iSocket *const TEE_tcpSocket;

#endif
