/*
 * crypto sample TA: the commands that push data through an operation
 * (digests, MACs, ciphers, AE, asymmetric operations, derivation) and the
 * deliberate misuse cases. See crypto_ta.h for the parameters.
 */
#include "crypto_internal.h"

typedef TEE_Result (*update_fn)(TEE_OperationHandle op, const void *src,
				size_t slen, void *dst, size_t *dlen);

/* An output memref filled call after call. */
struct out {
	uint8_t *buf;
	size_t room;
	size_t used;
};

static void out_init(struct out *o, TEE_Param *p)
{
	o->buf = p->memref.buffer;
	o->room = p->memref.size;
	o->used = 0;
}

static uint8_t *out_next(struct out *o)
{
	return o->buf ? o->buf + o->used : NULL;
}

/* The op in p0.a, data in p1; body/tail split by p3 (absent: all tail). */
static bool split(uint32_t types, TEE_Param p[4], bool tail_default_all,
		  TEE_OperationHandle *op, size_t *body, size_t *tail)
{
	size_t len = p[1].memref.size;

	if (PTYPE(types, 0) != T(VALUE_INPUT) ||
	    PTYPE(types, 1) != T(MEMREF_INPUT) ||
	    !get_operation(p[0].value.a, false, op))
		return false;
	*tail = opt_value(types, p, 3, tail_default_all ? len : 0);
	if (*tail > len)
		return false;
	*body = len - *tail;
	return true;
}

static size_t chunk_of(TEE_Param p[4], size_t left)
{
	size_t chunk = p[0].value.b;

	return chunk && chunk < left ? chunk : left;
}

/* Feeds body bytes of p1 in chunks through fn, appending to o. */
static TEE_Result stream(TEE_OperationHandle op, update_fn fn, TEE_Param p[4],
			 size_t body, struct out *o, TEE_Param *out_param)
{
	const uint8_t *src = p[1].memref.buffer;
	size_t off = 0;
	TEE_Result res;

	while (off < body) {
		size_t n = chunk_of(p, body - off);
		size_t dl = o->room - o->used;

		res = fn(op, src + off, n, out_next(o), &dl);
		if (res != TEE_SUCCESS) {
			if (res == TEE_ERROR_SHORT_BUFFER)
				out_param->memref.size = o->used + dl;
			return res;
		}
		o->used += dl;
		off += n;
	}
	return TEE_SUCCESS;
}

/* TEE_DigestUpdate/TEE_MACUpdate/TEE_AEUpdateAAD in chunks. */
static void feed(TEE_OperationHandle op,
		 void (*fn)(TEE_OperationHandle, const void *, size_t),
		 TEE_Param p[4], size_t body)
{
	const uint8_t *src = p[1].memref.buffer;
	size_t off = 0;

	while (off < body) {
		size_t n = chunk_of(p, body - off);

		fn(op, src + off, n);
		off += n;
	}
}

static bool is_out(uint32_t types, int n)
{
	return PTYPE(types, n) == T(MEMREF_OUTPUT);
}

TEE_Result cmd_digest(uint32_t types, TEE_Param p[4])
{
	TEE_OperationHandle op;
	size_t body, tail, hl;
	TEE_Result res;

	if (!split(types, p, true, &op, &body, &tail) || !is_out(types, 2))
		return TEE_ERROR_BAD_PARAMETERS;
	feed(op, TEE_DigestUpdate, p, body);
	hl = p[2].memref.size;
	res = TEE_DigestDoFinal(op, (uint8_t *)p[1].memref.buffer + body, tail,
				p[2].memref.buffer, &hl);
	p[2].memref.size = hl;
	return res;
}

TEE_Result cmd_digest_extract(uint32_t types, TEE_Param p[4])
{
	TEE_OperationHandle op;
	size_t piece;
	struct out o;
	TEE_Result res;

	if (types != TYPES(VALUE_INPUT, MEMREF_INPUT, MEMREF_OUTPUT,
			   VALUE_INPUT) ||
	    !get_operation(p[0].value.a, false, &op))
		return TEE_ERROR_BAD_PARAMETERS;
	piece = p[3].value.a;
	feed(op, TEE_DigestUpdate, p, p[1].memref.size);
	out_init(&o, &p[2]);
	while (o.used < o.room) {
		size_t n = o.room - o.used;

		if (piece && piece < n)
			n = piece;
		res = TEE_DigestExtract(op, out_next(&o), &n);
		if (res != TEE_SUCCESS)
			return res;
		if (!n)
			break;
		o.used += n;
	}
	p[2].memref.size = o.used;
	return TEE_SUCCESS;
}

static TEE_Result init_with_iv(uint32_t types, TEE_Param p[4],
			       void (*init)(TEE_OperationHandle, const void *,
					    size_t))
{
	TEE_OperationHandle op;

	if (PTYPE(types, 0) != T(VALUE_INPUT) || PTYPE(types, 2) != T(NONE) ||
	    PTYPE(types, 3) != T(NONE) ||
	    !get_operation(p[0].value.a, false, &op))
		return TEE_ERROR_BAD_PARAMETERS;
	if (PTYPE(types, 1) == T(NONE))
		init(op, NULL, 0);
	else if (PTYPE(types, 1) == T(MEMREF_INPUT))
		init(op, p[1].memref.buffer, p[1].memref.size);
	else
		return TEE_ERROR_BAD_PARAMETERS;
	return TEE_SUCCESS;
}

TEE_Result cmd_mac_init(uint32_t types, TEE_Param p[4])
{
	return init_with_iv(types, p, TEE_MACInit);
}

TEE_Result cmd_cipher_init(uint32_t types, TEE_Param p[4])
{
	return init_with_iv(types, p, TEE_CipherInit);
}

TEE_Result cmd_mac_compute(uint32_t types, TEE_Param p[4])
{
	TEE_OperationHandle op;
	size_t body, tail, ml;
	TEE_Result res;

	if (!split(types, p, true, &op, &body, &tail) || !is_out(types, 2))
		return TEE_ERROR_BAD_PARAMETERS;
	feed(op, TEE_MACUpdate, p, body);
	ml = p[2].memref.size;
	res = TEE_MACComputeFinal(op, (uint8_t *)p[1].memref.buffer + body,
				  tail, p[2].memref.buffer, &ml);
	p[2].memref.size = ml;
	return res;
}

TEE_Result cmd_mac_compare(uint32_t types, TEE_Param p[4])
{
	TEE_OperationHandle op;
	size_t body, tail;

	if (!split(types, p, true, &op, &body, &tail) ||
	    PTYPE(types, 2) != T(MEMREF_INPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	feed(op, TEE_MACUpdate, p, body);
	return TEE_MACCompareFinal(op, (uint8_t *)p[1].memref.buffer + body,
				   tail, p[2].memref.buffer,
				   p[2].memref.size);
}

TEE_Result cmd_cipher_update(uint32_t types, TEE_Param p[4])
{
	bool final = PTYPE(types, 3) == T(VALUE_INPUT);
	TEE_OperationHandle op;
	size_t body, tail, dl;
	struct out o;
	TEE_Result res;

	if (!split(types, p, false, &op, &body, &tail) || !is_out(types, 2))
		return TEE_ERROR_BAD_PARAMETERS;
	out_init(&o, &p[2]);
	res = stream(op, TEE_CipherUpdate, p, body, &o, &p[2]);
	if (res != TEE_SUCCESS)
		return res;
	if (final) {
		dl = o.room - o.used;
		res = TEE_CipherDoFinal(op,
					(uint8_t *)p[1].memref.buffer + body,
					tail, out_next(&o), &dl);
		if (res == TEE_ERROR_SHORT_BUFFER)
			p[2].memref.size = o.used + dl;
		if (res != TEE_SUCCESS)
			return res;
		o.used += dl;
	}
	p[2].memref.size = o.used;
	return TEE_SUCCESS;
}

TEE_Result cmd_ae_init(uint32_t types, TEE_Param p[4])
{
	TEE_OperationHandle op;

	if (types != TYPES(VALUE_INPUT, MEMREF_INPUT, VALUE_INPUT, NONE) ||
	    !get_operation(p[0].value.a, false, &op))
		return TEE_ERROR_BAD_PARAMETERS;
	return TEE_AEInit(op, p[1].memref.buffer, p[1].memref.size,
			  p[0].value.b, p[2].value.a, p[2].value.b);
}

TEE_Result cmd_ae_aad(uint32_t types, TEE_Param p[4])
{
	TEE_OperationHandle op;
	size_t body, tail;

	if (PTYPE(types, 2) != T(NONE) || PTYPE(types, 3) != T(NONE) ||
	    !split(types, p, false, &op, &body, &tail))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!body)	/* an empty AAD update is still a call */
		TEE_AEUpdateAAD(op, p[1].memref.buffer, 0);
	feed(op, TEE_AEUpdateAAD, p, body);
	return TEE_SUCCESS;
}

TEE_Result cmd_ae_update(uint32_t types, TEE_Param p[4])
{
	bool final = PTYPE(types, 3) == T(MEMREF_OUTPUT);
	TEE_OperationHandle op;
	size_t body, tail, dl, tl;
	struct out o;
	TEE_Result res;

	if ((!final && PTYPE(types, 3) != T(NONE)) || !is_out(types, 2) ||
	    PTYPE(types, 1) != T(MEMREF_INPUT) ||
	    !split(types & 0x0FFF, p, false, &op, &body, &tail))
		return TEE_ERROR_BAD_PARAMETERS;
	out_init(&o, &p[2]);
	res = stream(op, TEE_AEUpdate, p, body, &o, &p[2]);
	if (res != TEE_SUCCESS || !final) {
		if (res == TEE_SUCCESS)
			p[2].memref.size = o.used;
		return res;
	}
	/* Then TEE_AEEncryptFinal with no more data, the tag into p3. */
	dl = o.room - o.used;
	tl = p[3].memref.size;
	res = TEE_AEEncryptFinal(op, NULL, 0, out_next(&o), &dl,
				 p[3].memref.buffer, &tl);
	p[3].memref.size = tl;
	if (res == TEE_ERROR_SHORT_BUFFER)
		p[2].memref.size = o.used + dl;
	if (res != TEE_SUCCESS)
		return res;
	p[2].memref.size = o.used + dl;
	return TEE_SUCCESS;
}

TEE_Result cmd_ae_enc_final(uint32_t types, TEE_Param p[4])
{
	TEE_OperationHandle op;
	size_t dl, tl;
	TEE_Result res;

	if (types != TYPES(VALUE_INPUT, MEMREF_INPUT, MEMREF_OUTPUT,
			   MEMREF_OUTPUT) ||
	    !get_operation(p[0].value.a, false, &op))
		return TEE_ERROR_BAD_PARAMETERS;
	dl = p[2].memref.size;
	tl = p[3].memref.size;
	res = TEE_AEEncryptFinal(op, p[1].memref.buffer, p[1].memref.size,
				 p[2].memref.buffer, &dl, p[3].memref.buffer,
				 &tl);
	p[2].memref.size = dl;
	p[3].memref.size = tl;
	return res;
}

TEE_Result cmd_ae_dec_final(uint32_t types, TEE_Param p[4])
{
	TEE_OperationHandle op;
	TEE_Result res;
	size_t dl;

	if (types != TYPES(VALUE_INPUT, MEMREF_INPUT, MEMREF_OUTPUT,
			   MEMREF_INPUT) ||
	    !get_operation(p[0].value.a, false, &op))
		return TEE_ERROR_BAD_PARAMETERS;
	dl = p[2].memref.size;
	res = TEE_AEDecryptFinal(op, p[1].memref.buffer, p[1].memref.size,
				 p[2].memref.buffer, &dl, p[3].memref.buffer,
				 p[3].memref.size);
	p[2].memref.size = dl;
	return res;
}

TEE_Result cmd_asym(uint32_t types, TEE_Param p[4])
{
	uint32_t fn = p[0].value.b;
	struct attr_list list;
	TEE_OperationHandle op;
	TEE_Result res;
	size_t dl;

	if (PTYPE(types, 0) != T(VALUE_INPUT) ||
	    PTYPE(types, 2) != T(MEMREF_INPUT) ||
	    PTYPE(types, 3) != (fn == CRYPTO_ASYM_VERIFY ? T(MEMREF_INPUT) :
						       T(MEMREF_OUTPUT)) ||
	    fn > CRYPTO_ASYM_VERIFY ||
	    !get_operation(p[0].value.a, false, &op))
		return TEE_ERROR_BAD_PARAMETERS;
	res = attrs_from_param(types, p, 1, &list);
	if (res != TEE_SUCCESS)
		return res;
	dl = p[3].memref.size;
	switch (fn) {
	case CRYPTO_ASYM_ENCRYPT:
		res = TEE_AsymmetricEncrypt(op, list.attrs, list.count,
					    p[2].memref.buffer,
					    p[2].memref.size,
					    p[3].memref.buffer, &dl);
		break;
	case CRYPTO_ASYM_DECRYPT:
		res = TEE_AsymmetricDecrypt(op, list.attrs, list.count,
					    p[2].memref.buffer,
					    p[2].memref.size,
					    p[3].memref.buffer, &dl);
		break;
	case CRYPTO_ASYM_SIGN:
		res = TEE_AsymmetricSignDigest(op, list.attrs, list.count,
					       p[2].memref.buffer,
					       p[2].memref.size,
					       p[3].memref.buffer, &dl);
		break;
	default:
		res = TEE_AsymmetricVerifyDigest(op, list.attrs, list.count,
						 p[2].memref.buffer,
						 p[2].memref.size,
						 p[3].memref.buffer,
						 p[3].memref.size);
		break;
	}
	if (fn != CRYPTO_ASYM_VERIFY)
		p[3].memref.size = dl;
	attrs_free(&list);
	return res;
}

TEE_Result cmd_derive(uint32_t types, TEE_Param p[4])
{
	struct attr_list list;
	TEE_OperationHandle op;
	TEE_ObjectHandle key;
	TEE_Result res;

	if (PTYPE(types, 0) != T(VALUE_INPUT) || PTYPE(types, 2) != T(NONE) ||
	    PTYPE(types, 3) != T(NONE) ||
	    !get_operation(p[0].value.a, false, &op) ||
	    !get_object(p[0].value.b, false, &key))
		return TEE_ERROR_BAD_PARAMETERS;
	res = attrs_from_param(types, p, 1, &list);
	if (res != TEE_SUCCESS)
		return res;
	TEE_DeriveKey(op, list.attrs, list.count, key);
	attrs_free(&list);
	return TEE_SUCCESS;
}

TEE_Result cmd_misuse(uint32_t types, TEE_Param p[4])
{
	uint32_t arg = p[0].value.b;
	TEE_OperationHandle op;
	TEE_ObjectHandle obj;
	TEE_ObjectInfo info;
	TEE_Attribute attr;
	uint8_t out[32] = { 0 };
	size_t dl = sizeof(out);

	if (types != TYPES(VALUE_INPUT, NONE, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	switch (p[0].value.a) {
	case 0:
		return TEE_AllocateOperation(NULL, TEE_ALG_SHA256,
					     TEE_MODE_DIGEST, 0);
	case 1:
		TEE_CloseObject((TEE_ObjectHandle)(uintptr_t)arg);
		return TEE_SUCCESS;
	case 2:
		return TEE_GetObjectInfo1((TEE_ObjectHandle)(uintptr_t)arg,
					  &info);
	case 3:
		if (!get_object(arg, false, &obj))
			return TEE_ERROR_BAD_PARAMETERS;
		return TEE_PopulateTransientObject(obj, NULL, 1);
	case 4:
		TEE_InitValueAttribute(&attr, TEE_ATTR_SECRET_VALUE, 1, 2);
		return TEE_SUCCESS;
	case 5:
		TEE_InitRefAttribute(&attr, TEE_ATTR_ECC_CURVE, out, 4);
		return TEE_SUCCESS;
	case 6:
		if (!get_operation(arg, false, &op))
			return TEE_ERROR_BAD_PARAMETERS;
		return TEE_CipherUpdate(op, NULL, 16, out, &dl);
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}
}
