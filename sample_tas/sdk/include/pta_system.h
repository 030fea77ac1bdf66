/*
 * The system pseudo-TA's interface (UUID and command numbers as OP-TEE
 * defines them). TAs open it with TEE_OpenTASession like any TA.
 */
#ifndef PTA_SYSTEM_H
#define PTA_SYSTEM_H

#define PTA_SYSTEM_UUID { 0x3a2f8978, 0x5dc0, 0x11e8, \
	{ 0x9c, 0x2d, 0xfa, 0x7a, 0xe0, 0x1b, 0xbe, 0xbc } }

#define TA_DERIVED_KEY_MIN_SIZE		16
#define TA_DERIVED_KEY_MAX_SIZE		32
#define TA_DERIVED_EXTRA_DATA_MAX_SIZE	1024

#define PTA_SYSTEM_MAP_FLAG_SHAREABLE	(1u << 0)

/* [in] memref[0] entropy */
#define PTA_SYSTEM_ADD_RNG_ENTROPY	0
/* [in] memref[0] extra data (<= 1024 bytes); [out] memref[1] key (16..32 bytes) */
#define PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY	1
/* [in] value[0] (bytes, flags); [in/out] value[1] (address high, low);
 * [in] value[2] (pad before, pad after) */
#define PTA_SYSTEM_MAP_ZI		2
/* [in] value[0] (bytes, 0); [in] value[1] (address high, low) */
#define PTA_SYSTEM_UNMAP		3
/* [in] memref[0] library UUID; [in] value[1].a flags */
#define PTA_SYSTEM_DLOPEN		10
/* [in] memref[0] library UUID (nil: the whole TA); [in] memref[1] name;
 * [out] value[2] (address high, low) */
#define PTA_SYSTEM_DLSYM		11
/* [in] memref[0] plugin UUID; [in] value[1] (cmd, sub_cmd);
 * [in/out] memref[2] data; [out] value[3].a output length */
#define PTA_SYSTEM_SUPP_PLUGIN_INVOKE	13

#endif
