/*
 * crypto sample TA (see crypto_ta.h): entry points, the object and
 * operation slot tables, attribute lists, and the object and operation
 * commands. The data commands are in crypto_run.c.
 */
#include "crypto_internal.h"

static TEE_ObjectHandle objects[CRYPTO_MAX_SLOTS];
static TEE_OperationHandle operations[CRYPTO_MAX_SLOTS];

bool get_object(uint32_t slot, bool null_ok, TEE_ObjectHandle *obj)
{
	if (slot == CRYPTO_SLOT_NULL && null_ok) {
		*obj = TEE_HANDLE_NULL;
		return true;
	}
	if (slot >= CRYPTO_MAX_SLOTS || !objects[slot])
		return false;
	*obj = objects[slot];
	return true;
}

bool get_operation(uint32_t slot, bool null_ok, TEE_OperationHandle *op)
{
	if (slot == CRYPTO_SLOT_NULL && null_ok) {
		*op = TEE_HANDLE_NULL;
		return true;
	}
	if (slot >= CRYPTO_MAX_SLOTS || !operations[slot])
		return false;
	*op = operations[slot];
	return true;
}

uint32_t opt_value(uint32_t types, TEE_Param *p, int n, uint32_t dflt)
{
	return PTYPE(types, n) == T(VALUE_INPUT) ? p[n].value.a : dflt;
}

static uint32_t get_u32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

TEE_Result attrs_from_param(uint32_t types, TEE_Param *p, int n,
			    struct attr_list *out)
{
	size_t len, off = 0;
	uint8_t *buf;

	memset(out, 0, sizeof(*out));
	if (PTYPE(types, n) == T(NONE))
		return TEE_SUCCESS;
	if (PTYPE(types, n) != T(MEMREF_INPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	len = p[n].memref.size;
	buf = TEE_Malloc(len ? len : 1, TEE_MALLOC_NO_FILL);
	if (!buf)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_MemMove(buf, p[n].memref.buffer, len);
	out->buf = buf;
	while (off < len) {
		TEE_Attribute *a = &out->attrs[out->count];
		uint32_t id, va, vb;

		if (out->count == CRYPTO_MAX_ATTRS || len - off < 12)
			goto bad;
		id = get_u32(buf + off);
		va = get_u32(buf + off + 4);
		vb = get_u32(buf + off + 8);
		off += 12;
		a->attributeID = id;
		if (id & TEE_ATTR_FLAG_VALUE) {
			a->content.value.a = va;
			a->content.value.b = vb;
		} else {
			if (va > len - off)
				goto bad;
			a->content.ref.buffer = buf + off;
			a->content.ref.length = va;
			off += va;
		}
		out->count++;
	}
	return TEE_SUCCESS;
bad:
	attrs_free(out);
	return TEE_ERROR_BAD_PARAMETERS;
}

void attrs_free(struct attr_list *list)
{
	TEE_Free(list->buf);
	list->buf = NULL;
	list->count = 0;
}

static int free_slot(void **table)
{
	int n;

	for (n = 0; n < CRYPTO_MAX_SLOTS; n++)
		if (!table[n])
			return n;
	return -1;
}

static void put_u32s(uint8_t *dst, const uint32_t *v, size_t count)
{
	size_t n;

	for (n = 0; n < count; n++)
		memcpy(dst + 4 * n, &v[n], 4);
}

static TEE_Result obj_alloc(uint32_t types, TEE_Param p[4])
{
	int slot = free_slot((void **)objects);
	TEE_Result res;

	if (types != TYPES(VALUE_INPUT, VALUE_OUTPUT, NONE, NONE) || slot < 0)
		return TEE_ERROR_BAD_PARAMETERS;
	res = TEE_AllocateTransientObject(p[0].value.a, p[0].value.b,
					  &objects[slot]);
	if (res == TEE_SUCCESS)
		p[1].value.a = slot;
	return res;
}

static TEE_Result obj_attrs_call(uint32_t cmd, uint32_t types, TEE_Param p[4])
{
	struct attr_list list;
	TEE_ObjectHandle obj;
	TEE_Result res;

	if (PTYPE(types, 0) != T(VALUE_INPUT) || PTYPE(types, 2) != T(NONE) ||
	    PTYPE(types, 3) != T(NONE) || !get_object(p[0].value.a, false, &obj))
		return TEE_ERROR_BAD_PARAMETERS;
	res = attrs_from_param(types, p, 1, &list);
	if (res != TEE_SUCCESS)
		return res;
	if (cmd == CRYPTO_CMD_OBJ_POPULATE)
		res = TEE_PopulateTransientObject(obj, list.attrs, list.count);
	else
		res = TEE_GenerateKey(obj, p[0].value.b, list.attrs,
				      list.count);
	attrs_free(&list);
	return res;
}

static TEE_Result obj_get(uint32_t cmd, uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle obj;
	TEE_Result res;
	size_t size;

	if (!get_object(p[0].value.a, false, &obj))
		return TEE_ERROR_BAD_PARAMETERS;
	if (cmd == CRYPTO_CMD_OBJ_GET_VALUE) {
		if (types != TYPES(VALUE_INPUT, VALUE_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return TEE_GetObjectValueAttribute(obj, p[0].value.b,
						   &p[1].value.a,
						   &p[1].value.b);
	}
	if (types != TYPES(VALUE_INPUT, MEMREF_OUTPUT, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	size = p[1].memref.size;
	res = TEE_GetObjectBufferAttribute(obj, p[0].value.b,
					   p[1].memref.buffer, &size);
	p[1].memref.size = size;
	return res;
}

static TEE_Result obj_info(uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle obj;
	TEE_ObjectInfo info;
	uint32_t v[7];
	TEE_Result res;

	if (types != TYPES(VALUE_INPUT, MEMREF_OUTPUT, NONE, NONE) ||
	    !get_object(p[0].value.a, false, &obj) ||
	    p[1].memref.size < sizeof(v))
		return TEE_ERROR_BAD_PARAMETERS;
	res = TEE_GetObjectInfo1(obj, &info);
	v[0] = info.objectType;
	v[1] = info.objectSize;
	v[2] = info.maxObjectSize;
	v[3] = info.objectUsage;
	v[4] = info.dataSize;
	v[5] = info.dataPosition;
	v[6] = info.handleFlags;
	put_u32s(p[1].memref.buffer, v, 7);
	p[1].memref.size = sizeof(v);
	return res;
}

/* Commands on one object (slot in p0.a, argument in p0.b). */
static TEE_Result obj_simple(uint32_t cmd, uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle dst, src;

	if (types != TYPES(VALUE_INPUT, NONE, NONE, NONE) ||
	    !get_object(p[0].value.a, false, &dst))
		return TEE_ERROR_BAD_PARAMETERS;
	switch (cmd) {
	case CRYPTO_CMD_OBJ_RESTRICT:
		return TEE_RestrictObjectUsage1(dst, p[0].value.b);
	case CRYPTO_CMD_OBJ_COPY:
		if (!get_object(p[0].value.b, false, &src))
			return TEE_ERROR_BAD_PARAMETERS;
		return TEE_CopyObjectAttributes1(dst, src);
	case CRYPTO_CMD_OBJ_RESET:
		TEE_ResetTransientObject(dst);
		return TEE_SUCCESS;
	default:
		TEE_FreeTransientObject(dst);
		objects[p[0].value.a] = TEE_HANDLE_NULL;
		return TEE_SUCCESS;
	}
}

static TEE_Result op_alloc(uint32_t types, TEE_Param p[4])
{
	int slot = free_slot((void **)operations);
	TEE_Result res;

	if (types != TYPES(VALUE_INPUT, VALUE_INPUT, VALUE_OUTPUT, NONE) ||
	    slot < 0)
		return TEE_ERROR_BAD_PARAMETERS;
	res = TEE_AllocateOperation(&operations[slot], p[0].value.a,
				    p[0].value.b, p[1].value.a);
	if (res == TEE_SUCCESS)
		p[2].value.a = slot;
	return res;
}

static TEE_Result op_set_key(uint32_t types, TEE_Param p[4])
{
	TEE_OperationHandle op;
	TEE_ObjectHandle k1, k2;

	if (PTYPE(types, 0) != T(VALUE_INPUT) || PTYPE(types, 2) != T(NONE) ||
	    PTYPE(types, 3) != T(NONE) ||
	    !get_operation(p[0].value.a, false, &op) ||
	    !get_object(p[0].value.b, true, &k1))
		return TEE_ERROR_BAD_PARAMETERS;
	if (PTYPE(types, 1) == T(NONE))
		return TEE_SetOperationKey(op, k1);
	if (PTYPE(types, 1) != T(VALUE_INPUT) ||
	    !get_object(p[1].value.a, true, &k2))
		return TEE_ERROR_BAD_PARAMETERS;
	return TEE_SetOperationKey2(op, k1, k2);
}

static TEE_Result op_info(uint32_t types, TEE_Param p[4])
{
	TEE_OperationHandle op;
	TEE_OperationInfo info;

	if (types != TYPES(VALUE_INPUT, MEMREF_OUTPUT, NONE, NONE) ||
	    !get_operation(p[0].value.a, false, &op) ||
	    p[1].memref.size < sizeof(info))
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_GetOperationInfo(op, &info);
	put_u32s(p[1].memref.buffer, (const uint32_t *)&info, 8);
	p[1].memref.size = sizeof(info);
	return TEE_SUCCESS;
}

static TEE_Result op_simple(uint32_t cmd, uint32_t types, TEE_Param p[4])
{
	TEE_OperationHandle op, src;

	if (types != TYPES(VALUE_INPUT, NONE, NONE, NONE) ||
	    !get_operation(p[0].value.a, false, &op))
		return TEE_ERROR_BAD_PARAMETERS;
	switch (cmd) {
	case CRYPTO_CMD_OP_FREE:
		TEE_FreeOperation(op);
		operations[p[0].value.a] = TEE_HANDLE_NULL;
		return TEE_SUCCESS;
	case CRYPTO_CMD_OP_RESET:
		TEE_ResetOperation(op);
		return TEE_SUCCESS;
	default:
		if (!get_operation(p[0].value.b, false, &src))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_CopyOperation(op, src);
		return TEE_SUCCESS;
	}
}

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param params[4],
				    void **session)
{
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *session)
{
}

TEE_Result TA_InvokeCommandEntryPoint(void *session, uint32_t cmd,
				      uint32_t types, TEE_Param p[4])
{
	switch (cmd) {
	case CRYPTO_CMD_OBJ_ALLOC:
		return obj_alloc(types, p);
	case CRYPTO_CMD_OBJ_POPULATE:
	case CRYPTO_CMD_OBJ_GENERATE:
		return obj_attrs_call(cmd, types, p);
	case CRYPTO_CMD_OBJ_GET_BUFFER:
	case CRYPTO_CMD_OBJ_GET_VALUE:
		if (PTYPE(types, 0) != T(VALUE_INPUT))
			return TEE_ERROR_BAD_PARAMETERS;
		return obj_get(cmd, types, p);
	case CRYPTO_CMD_OBJ_INFO:
		return obj_info(types, p);
	case CRYPTO_CMD_OBJ_RESTRICT:
	case CRYPTO_CMD_OBJ_COPY:
	case CRYPTO_CMD_OBJ_RESET:
	case CRYPTO_CMD_OBJ_FREE:
		return obj_simple(cmd, types, p);
	case CRYPTO_CMD_OP_ALLOC:
		return op_alloc(types, p);
	case CRYPTO_CMD_OP_SET_KEY:
		return op_set_key(types, p);
	case CRYPTO_CMD_OP_INFO:
		return op_info(types, p);
	case CRYPTO_CMD_OP_FREE:
	case CRYPTO_CMD_OP_RESET:
	case CRYPTO_CMD_OP_COPY:
		return op_simple(cmd, types, p);
	case CRYPTO_CMD_DIGEST:
		return cmd_digest(types, p);
	case CRYPTO_CMD_DIGEST_EXTRACT:
		return cmd_digest_extract(types, p);
	case CRYPTO_CMD_MAC_INIT:
		return cmd_mac_init(types, p);
	case CRYPTO_CMD_MAC_COMPUTE:
		return cmd_mac_compute(types, p);
	case CRYPTO_CMD_MAC_COMPARE:
		return cmd_mac_compare(types, p);
	case CRYPTO_CMD_CIPHER_INIT:
		return cmd_cipher_init(types, p);
	case CRYPTO_CMD_CIPHER_UPDATE:
		return cmd_cipher_update(types, p);
	case CRYPTO_CMD_AE_INIT:
		return cmd_ae_init(types, p);
	case CRYPTO_CMD_AE_AAD:
		return cmd_ae_aad(types, p);
	case CRYPTO_CMD_AE_UPDATE:
		return cmd_ae_update(types, p);
	case CRYPTO_CMD_AE_ENC_FINAL:
		return cmd_ae_enc_final(types, p);
	case CRYPTO_CMD_AE_DEC_FINAL:
		return cmd_ae_dec_final(types, p);
	case CRYPTO_CMD_ASYM:
		return cmd_asym(types, p);
	case CRYPTO_CMD_DERIVE:
		return cmd_derive(types, p);
	case CRYPTO_CMD_MISUSE:
		return cmd_misuse(types, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
