/* Shared by crypto_ta.c (tables, objects, operations) and crypto_run.c. */
#ifndef CRYPTO_INTERNAL_H
#define CRYPTO_INTERNAL_H

#include <tee_internal_api.h>
#include <sdk/libc.h>
#include "crypto_ta.h"

#define T(x) TEE_PARAM_TYPE_##x
#define TYPES(a, b, c, d) TEE_PARAM_TYPES(T(a), T(b), T(c), T(d))
#define PTYPE(types, n) TEE_PARAM_TYPE_GET(types, n)

/* Parsed attribute list: attrs point into buf (TEE_Malloc'ed). */
struct attr_list {
	TEE_Attribute attrs[CRYPTO_MAX_ATTRS];
	uint32_t count;
	void *buf;
};

/* p[n] as an attribute list; NONE is an empty list. */
TEE_Result attrs_from_param(uint32_t types, TEE_Param *p, int n,
			    struct attr_list *out);
void attrs_free(struct attr_list *list);

/* Slot lookups; false for an unknown or empty slot. CRYPTO_SLOT_NULL
 * gives TEE_HANDLE_NULL when null_ok. */
bool get_object(uint32_t slot, bool null_ok, TEE_ObjectHandle *obj);
bool get_operation(uint32_t slot, bool null_ok, TEE_OperationHandle *op);

/* The optional p[n] VALUE_INPUT a, else dflt. */
uint32_t opt_value(uint32_t types, TEE_Param *p, int n, uint32_t dflt);

/* crypto_run.c */
TEE_Result cmd_digest(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_digest_extract(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_mac_init(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_mac_compute(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_mac_compare(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_cipher_init(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_cipher_update(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_ae_init(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_ae_aad(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_ae_update(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_ae_enc_final(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_ae_dec_final(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_asym(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_derive(uint32_t types, TEE_Param p[4]);
TEE_Result cmd_misuse(uint32_t types, TEE_Param p[4]);

#endif
