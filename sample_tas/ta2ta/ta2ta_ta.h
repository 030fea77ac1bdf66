/*
 * ta2ta sample TAs: the GP Internal Client API (TA-to-TA sessions).
 *
 * ta2ta_client:  UUID f4d21583-065f-4fd3-9024-b42f626d361b, flags 0
 *                (a new instance per session), the calling side
 * ta2ta_server:  UUID 8f715991-c82b-4750-9feb-a2cb1486d86b, flags 0x0c
 *                (SINGLE_INSTANCE | MULTI_SESSION): one instance shared by
 *                every client, normal-world clients and TAs alike
 * ta2ta_server2: UUID ea853ba5-dceb-4cea-8683-5ada52ca3a0a, flags 0x0c,
 *                same code as ta2ta_server (for chains of single-instance TAs)
 *
 * Targets are named by number: 1 ta2ta_server, 2 ta2ta_server2,
 * 3 ta2ta_client, 4 the system pseudo-TA.
 *
 * Server commands (and the client's own FORWARD):
 *
 * open session  p0 VIO (if given): a += 1000; p1 MIO (if given): reversed
 * 0 PING      p0 VO (variant: 1 or 2, instance counter after increment)
 * 1 IDENTITY  p0 VO a = client login, p1 MO >= 16: the client UUID
 *             (TEE_UUID bytes as the TA holds them, gpd.client.identity)
 * 2 REVERSE   p0 MIO: reversed in place
 * 3 FILL      p0 MO, p1 VI a = n: n bytes (byte i = i ^ 0x5a); a buffer
 *             smaller than n: TEE_ERROR_SHORT_BUFFER, size n
 * 4 CHECKSUM  p0 MI, p1 VO (FNV-1a, size)
 * 5 PANIC     p0 VI a = code: TEE_Panic(code)
 * 6 FORWARD   p0 VI (a = hops, b = final command), p1 VIO payload, p2 VO
 *             (result, origin): a = 0: run the final command on the payload
 *             here (0: a += 1; 1: a += variant * 100); otherwise open a
 *             session to target a & 0xf and FORWARD (a >> 4, b) to it. p2 is
 *             the first failure along the chain, else (0, 0). Returns SUCCESS.
 * 7 WAIT      p0 VI a = ms: TEE_Wait with cancellation unmasked; returns
 *             TEE_Wait's result
 *
 * Client commands (one session to one target at a time):
 *
 * 0 OPEN      p0 VIO in (target, timeout ms, 0: infinite), out a = origin;
 *             p1..p3 are the open's p0..p2. Returns the open's result.
 * 1 INVOKE    p0 VIO in (command, timeout), out a = origin; p1..p3 are the
 *             command's p0..p2, the client's own memrefs passed through.
 * 2 CLOSE     TEE_CloseTASession
 * 3 COPY      p0 VIO in (command, n), out (origin, size the callee left);
 *             p1 MI, p2 MO: p1 is copied into a private 256-byte buffer which
 *             is the callee's p0 (INOUT for REVERSE, OUTPUT for FILL, INPUT
 *             for CHECKSUM; p1 VI n or VO), and the callee's output comes
 *             back in p2. Returns the command's result.
 * 4 DERIVE    p0 MI extra data, p1 MO key (16..32 bytes), p2 VI a = 1: let
 *             the system PTA write straight into p1 (normal-world memory)
 * 6 FORWARD   as the server's (variant 3)
 */
#ifndef TA2TA_TA_H
#define TA2TA_TA_H

#define TA2TA_CLIENT_UUID_STR	"f4d21583-065f-4fd3-9024-b42f626d361b"
#define TA2TA_SERVER_UUID_STR	"8f715991-c82b-4750-9feb-a2cb1486d86b"
#define TA2TA_SERVER2_UUID_STR	"ea853ba5-dceb-4cea-8683-5ada52ca3a0a"

#define TA2TA_CLIENT_UUID { 0xf4d21583, 0x065f, 0x4fd3, \
	{ 0x90, 0x24, 0xb4, 0x2f, 0x62, 0x6d, 0x36, 0x1b } }
#define TA2TA_SERVER_UUID { 0x8f715991, 0xc82b, 0x4750, \
	{ 0x9f, 0xeb, 0xa2, 0xcb, 0x14, 0x86, 0xd8, 0x6b } }
#define TA2TA_SERVER2_UUID { 0xea853ba5, 0xdceb, 0x4cea, \
	{ 0x86, 0x83, 0x5a, 0xda, 0x52, 0xca, 0x3a, 0x0a } }

#define TA2TA_TARGET_SERVER	1
#define TA2TA_TARGET_SERVER2	2
#define TA2TA_TARGET_CLIENT	3
#define TA2TA_TARGET_SYSTEM	4

#define TA2TA_CMD_PING		0
#define TA2TA_CMD_IDENTITY	1
#define TA2TA_CMD_REVERSE	2
#define TA2TA_CMD_FILL		3
#define TA2TA_CMD_CHECKSUM	4
#define TA2TA_CMD_PANIC		5
#define TA2TA_CMD_FORWARD	6
#define TA2TA_CMD_WAIT		7

#define TA2TA_CLIENT_OPEN	0
#define TA2TA_CLIENT_INVOKE	1
#define TA2TA_CLIENT_CLOSE	2
#define TA2TA_CLIENT_COPY	3
#define TA2TA_CLIENT_DERIVE	4
#define TA2TA_CLIENT_FORWARD	6

#define TA2TA_COPY_MAX		256

#endif
