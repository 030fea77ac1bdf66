/* GP TEE Sockets API: UDP client sockets (src/socket.c). */
#ifndef TEE_UDPSOCKET_H
#define TEE_UDPSOCKET_H

#include <tee_isocket.h>

#define TEE_ISOCKET_PROTOCOLID_UDP			0x66
#define TEE_ISOCKET_UDP_WARNING_UNKNOWN_OUT_OF_BAND	0xF1020002u
/* ioctl: a new server name (NUL-terminated) or port (uint16_t). */
#define TEE_UDP_CHANGEADDR				0x66000001u
#define TEE_UDP_CHANGEPORT				0x66000002u

typedef struct TEE_udpSocket_Setup_s {
	TEE_ipSocket_ipVersion ipVersion;
	char *server_addr;
	uint16_t server_port;
} TEE_udpSocket_Setup;

extern TEE_iSocket *const TEE_udpSocket;

#endif
