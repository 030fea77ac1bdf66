/*
 * GP TEE Sockets API: the generic socket interface (TEE_iSocket) and its
 * result codes. Protocol instances: tee_tcpsocket.h, tee_udpsocket.h.
 */
#ifndef TEE_ISOCKET_H
#define TEE_ISOCKET_H

#include <tee_internal_api.h>

#define TEE_ISOCKET_VERSION			0x01000000u

#define TEE_ISOCKET_ERROR_PROTOCOL		0xF1007001u
#define TEE_ISOCKET_ERROR_REMOTE_CLOSED		0xF1007002u
#define TEE_ISOCKET_ERROR_TIMEOUT		0xF1007003u
#define TEE_ISOCKET_ERROR_OUT_OF_RESOURCES	0xF1007004u
#define TEE_ISOCKET_ERROR_LARGE_BUFFER		0xF1007005u
#define TEE_ISOCKET_WARNING_PROTOCOL		0xF1007006u
#define TEE_ISOCKET_ERROR_HOSTNAME		0xF1007007u

typedef enum {
	TEE_IP_VERSION_DC = 0,	/* either */
	TEE_IP_VERSION_4 = 1,
	TEE_IP_VERSION_6 = 2,
} TEE_ipSocket_ipVersion;

typedef void *TEE_iSocketHandle;

typedef const struct TEE_iSocket_s {
	uint32_t TEE_iSocketVersion;
	uint8_t protocolID;
	TEE_Result (*open)(TEE_iSocketHandle *ctx, void *setup,
			   uint32_t *protocolError);
	TEE_Result (*close)(TEE_iSocketHandle ctx);
	TEE_Result (*send)(TEE_iSocketHandle ctx, const void *buf,
			   uint32_t *length, uint32_t timeout);
	TEE_Result (*recv)(TEE_iSocketHandle ctx, void *buf, uint32_t *length,
			   uint32_t timeout);
	uint32_t (*error)(TEE_iSocketHandle ctx);
	TEE_Result (*ioctl)(TEE_iSocketHandle ctx, uint32_t commandCode,
			    void *buf, uint32_t *length);
} TEE_iSocket;

#endif
