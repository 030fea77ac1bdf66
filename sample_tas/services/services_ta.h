/*
 * services sample TA: what real TAs ask the pseudo-TAs for.
 *
 * UUID 6d8cf210-0a96-418a-a585-9efcf91fb821, flags 0
 *
 * 0 PLUGIN    p0 VI (cmd, sub_cmd), p1 MIO data (at most 256 bytes, copied
 *             into TA memory for the call), p2 VO (result of
 *             tee_invoke_supp_plugin, output length), p3 MI 16-byte plugin
 *             UUID (TEE_UUID as the TA holds it) or NONE: the sample plugin
 * 1 ECHO      p0 VI (port, protocol: 0x65 TCP, 0x66 UDP), p1 MI host name
 *             (NUL-terminated), p2 MIO: sent, then the reply received into it
 *             (at most 256 bytes), p3 VO (result, step that failed: 1 open,
 *             2 send, 3 recv, 4 close; 0 none). For UDP the reply may arrive
 *             in pieces; one recv is made.
 * 2 RECV      p0 VI (port, protocol), p1 MI host name, p2 VI a = timeout ms,
 *             p3 VO (result, step): open, one recv of 16 bytes, close
 * 3 OPEN      p0 VI (port, protocol), p1 MI host name, p2 VI a = IP version,
 *             p3 VO (result, protocol error)
 * 4 ATTEST    p0 MI nonce, p1 MO: the attestation PTA's HASH_TA_MEMORY
 *             (digest then signature)
 * 5 DERIVE    p0 MI extra data, p1 MO key: the system PTA's TA-unique key
 * 6 ENTROPY   p0 MI: PTA_SYSTEM_ADD_RNG_ENTROPY
 */
#ifndef SERVICES_TA_H
#define SERVICES_TA_H

#define SERVICES_UUID_STR "6d8cf210-0a96-418a-a585-9efcf91fb821"

/* The sample supplicant plugin (sample_tas/host/sample_plugin.c). */
#define SAMPLE_PLUGIN_UUID_STR "b587e5f0-f203-4309-aafb-03d1639aab00"
#define SAMPLE_PLUGIN_UUID { 0xb587e5f0, 0xf203, 0x4309, \
	{ 0xaa, 0xfb, 0x03, 0xd1, 0x63, 0x9a, 0xab, 0x00 } }

#define SERVICES_CMD_PLUGIN	0
#define SERVICES_CMD_ECHO	1
#define SERVICES_CMD_RECV	2
#define SERVICES_CMD_OPEN	3
#define SERVICES_CMD_ATTEST	4
#define SERVICES_CMD_DERIVE	5
#define SERVICES_CMD_ENTROPY	6

#define SERVICES_BUF_MAX	256

#endif
