/*
 * GP properties. A property set is the TA's own table (only for
 * TEE_PROPSET_CURRENT_TA: ta_props[] from ta_header.c) followed by what the
 * kernel serves for that set (syscall 4 maps a name to an index, syscall 3
 * reads name, value and type by index). Lookups by name try the table
 * first; enumerators walk the table, then the kernel's indexes.
 */
#include "sdk_private.h"
#include <sdk/libc.h>
#include <sdk/syscall.h>
#include <sdk/ta_header.h>

#define ENUM_IDLE	0xFFFFFFFFu

/* What a TEE_PropSetHandle points at when it is an enumerator. */
struct sdk_propset {
	uint32_t position;		/* ENUM_IDLE until started */
	TEE_PropSetHandle set;
};

/* One located property: either an entry of ta_props[] or a kernel index. */
struct prop_ref {
	const struct ta_property *local;
	unsigned long set;
	uint32_t kernel_index;
};

/* A property value read out in its native form. */
struct prop_value {
	uint32_t type;
	uint32_t len;
	uint8_t *data;		/* TEE_Malloc'd, len bytes */
};

static bool is_pseudo_handle(TEE_PropSetHandle h)
{
	return h == TEE_PROPSET_CURRENT_TA || h == TEE_PROPSET_CURRENT_CLIENT ||
	       h == TEE_PROPSET_TEE_IMPLEMENTATION;
}

static size_t local_count(TEE_PropSetHandle set)
{
	return set == TEE_PROPSET_CURRENT_TA ? ta_num_props : 0;
}

static TEE_Result locate(TEE_PropSetHandle h, const char *name,
			 struct prop_ref *ref)
{
	size_t n;

	memset(ref, 0, sizeof(*ref));
	if (is_pseudo_handle(h)) {
		ref->set = (unsigned long)h;
		for (n = 0; n < local_count(h); n++) {
			if (!strcmp(ta_props[n].name, name)) {
				ref->local = &ta_props[n];
				return TEE_SUCCESS;
			}
		}
		return sys_get_property_name_to_index(ref->set, name,
						      strlen(name) + 1,
						      &ref->kernel_index);
	}

	/* An enumerator: the name argument is ignored. */
	if (!h || h->position == ENUM_IDLE)
		return TEE_ERROR_ITEM_NOT_FOUND;
	ref->set = (unsigned long)h->set;
	if (h->position < local_count(h->set))
		ref->local = &ta_props[h->position];
	else
		ref->kernel_index = h->position - (uint32_t)local_count(h->set);
	return TEE_SUCCESS;
}

static uint32_t native_size(const struct ta_property *p)
{
	switch (p->type) {
	case SYS_PROP_TYPE_BOOL:
		return sizeof(bool);
	case SYS_PROP_TYPE_U32:
		return sizeof(uint32_t);
	case SYS_PROP_TYPE_U64:
		return sizeof(uint64_t);
	case SYS_PROP_TYPE_UUID:
		return sizeof(TEE_UUID);
	case SYS_PROP_TYPE_IDENTITY:
		return sizeof(TEE_Identity);
	case SYS_PROP_TYPE_STRING:
		return (uint32_t)strlen(p->value) + 1;
	default:
		return 0;
	}
}

/* Reads the value; the caller frees v->data. Fails only with the codes the
 * kernel gives (ITEM_NOT_FOUND at the end of a set) or OUT_OF_MEMORY. */
static TEE_Result fetch(const struct prop_ref *ref, struct prop_value *v)
{
	uint8_t probe[64];
	uint32_t len = sizeof(probe);
	TEE_Result res;

	memset(v, 0, sizeof(*v));
	if (ref->local) {
		const struct ta_property *p = ref->local;
		size_t blen = 0;

		v->type = p->type;
		if (p->type == SYS_PROP_TYPE_BINARY_BLOCK) {
			const char *b64 = p->value;

			sdk_base64_decode(b64, strlen(b64), NULL, &blen);
			v->len = (uint32_t)blen;
			v->data = TEE_Malloc(blen, TEE_MALLOC_FILL_ZERO);
			if (!v->data)
				return TEE_ERROR_OUT_OF_MEMORY;
			sdk_base64_decode(b64, strlen(b64), v->data, &blen);
			return TEE_SUCCESS;
		}
		v->len = native_size(p);
		if (!v->len)
			return TEE_ERROR_BAD_FORMAT;
		v->data = TEE_Malloc(v->len, TEE_MALLOC_NO_FILL);
		if (!v->data)
			return TEE_ERROR_OUT_OF_MEMORY;
		memcpy(v->data, p->value, v->len);
		return TEE_SUCCESS;
	}

	res = sys_get_property(ref->set, ref->kernel_index, NULL, NULL,
			       probe, &len, &v->type);
	if (res != TEE_SUCCESS && res != TEE_ERROR_SHORT_BUFFER)
		return res;
	v->data = TEE_Malloc(len, TEE_MALLOC_FILL_ZERO);
	if (!v->data)
		return TEE_ERROR_OUT_OF_MEMORY;
	if (res == TEE_SUCCESS) {
		memcpy(v->data, probe, len);
	} else {
		res = sys_get_property(ref->set, ref->kernel_index, NULL, NULL,
				       v->data, &len, &v->type);
		if (res != TEE_SUCCESS) {
			TEE_Free(v->data);
			v->data = NULL;
			return res;
		}
	}
	v->len = len;
	return TEE_SUCCESS;
}

static TEE_Result read_property(TEE_PropSetHandle h, const char *name,
				struct prop_value *v)
{
	struct prop_ref ref;
	TEE_Result res;

	memset(v, 0, sizeof(*v));	/* v->data is always safe to free */
	res = locate(h, name, &ref);
	if (res == TEE_SUCCESS)
		res = fetch(&ref, v);
	return res;
}

/* The GP getters panic on any result outside their documented set. */
static TEE_Result allow_or_panic(TEE_Result res, TEE_Result extra)
{
	if (res == TEE_SUCCESS || res == TEE_ERROR_ITEM_NOT_FOUND ||
	    res == extra)
		return res;
	TEE_Panic(res);
}

/* Fixed-size getters: the property must have exactly the wanted type. */
static TEE_Result get_fixed(TEE_PropSetHandle h, const char *name,
			    uint32_t want_type, void *out, uint32_t out_len)
{
	struct prop_value v;
	TEE_Result res = read_property(h, name, &v);

	if (res == TEE_SUCCESS) {
		if (v.type != want_type || v.len < out_len)
			res = TEE_ERROR_BAD_FORMAT;
		else
			memcpy(out, v.data, out_len);
	}
	TEE_Free(v.data);
	return allow_or_panic(res, TEE_ERROR_BAD_FORMAT);
}

TEE_Result TEE_GetPropertyAsBool(TEE_PropSetHandle propsetOrEnumerator,
				 const char *name, bool *value)
{
	uint8_t b = 0;
	TEE_Result res = get_fixed(propsetOrEnumerator, name,
				   SYS_PROP_TYPE_BOOL, &b, 1);

	if (res == TEE_SUCCESS)
		*value = b != 0;
	return res;
}

TEE_Result TEE_GetPropertyAsU32(TEE_PropSetHandle propsetOrEnumerator,
				const char *name, uint32_t *value)
{
	return get_fixed(propsetOrEnumerator, name, SYS_PROP_TYPE_U32, value,
			 sizeof(*value));
}

TEE_Result TEE_GetPropertyAsU64(TEE_PropSetHandle propsetOrEnumerator,
				const char *name, uint64_t *value)
{
	return get_fixed(propsetOrEnumerator, name, SYS_PROP_TYPE_U64, value,
			 sizeof(*value));
}

TEE_Result TEE_GetPropertyAsUUID(TEE_PropSetHandle propsetOrEnumerator,
				 const char *name, TEE_UUID *value)
{
	return get_fixed(propsetOrEnumerator, name, SYS_PROP_TYPE_UUID, value,
			 sizeof(*value));
}

TEE_Result TEE_GetPropertyAsIdentity(TEE_PropSetHandle propsetOrEnumerator,
				     const char *name, TEE_Identity *value)
{
	return get_fixed(propsetOrEnumerator, name, SYS_PROP_TYPE_IDENTITY,
			 value, sizeof(*value));
}

TEE_Result TEE_GetPropertyAsBinaryBlock(TEE_PropSetHandle propsetOrEnumerator,
					const char *name, void *valueBuffer,
					size_t *valueBufferLen)
{
	struct prop_value v;
	TEE_Result res = read_property(propsetOrEnumerator, name, &v);

	if (res == TEE_SUCCESS) {
		if (v.type != SYS_PROP_TYPE_BINARY_BLOCK) {
			res = TEE_ERROR_BAD_FORMAT;
		} else if (*valueBufferLen < v.len) {
			res = TEE_ERROR_SHORT_BUFFER;
		} else {
			memcpy(valueBuffer, v.data, v.len);
		}
		if (res != TEE_ERROR_BAD_FORMAT)
			*valueBufferLen = v.len;
	}
	TEE_Free(v.data);
	if (res == TEE_ERROR_SHORT_BUFFER)
		return res;
	return allow_or_panic(res, TEE_ERROR_BAD_FORMAT);
}

static int format_uuid(char *out, size_t cap, const TEE_UUID *u)
{
	return sdk_snprintf(out, cap,
			    "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			    u->timeLow, u->timeMid, u->timeHiAndVersion,
			    u->clockSeqAndNode[0], u->clockSeqAndNode[1],
			    u->clockSeqAndNode[2], u->clockSeqAndNode[3],
			    u->clockSeqAndNode[4], u->clockSeqAndNode[5],
			    u->clockSeqAndNode[6], u->clockSeqAndNode[7]);
}

/*
 * Renders a value as text: bool "true"/"false", integers in decimal, UUIDs
 * as 8-4-4-4-12 lowercase hex, identities as "<login>:<uuid>" (login in
 * decimal), strings as themselves and binary blocks in base64.
 * Returns the length needed including the NUL, or 0 for an unknown type.
 */
static size_t render(const struct prop_value *v, char *out, size_t cap)
{
	uint32_t u32 = 0;
	uint64_t u64 = 0;
	TEE_UUID uuid;
	TEE_Identity id;
	size_t need = 0;

	switch (v->type) {
	case SYS_PROP_TYPE_BOOL:
		return (size_t)sdk_snprintf(out, cap, "%s",
					    v->len && v->data[0] ? "true" :
					    "false") + 1;
	case SYS_PROP_TYPE_U32:
		if (v->len < sizeof(u32))
			return 0;
		memcpy(&u32, v->data, sizeof(u32));
		return (size_t)sdk_snprintf(out, cap, "%u", u32) + 1;
	case SYS_PROP_TYPE_U64:
		if (v->len < sizeof(u64))
			return 0;
		memcpy(&u64, v->data, sizeof(u64));
		return (size_t)sdk_snprintf(out, cap, "%llu",
					    (unsigned long long)u64) + 1;
	case SYS_PROP_TYPE_UUID:
		if (v->len < sizeof(uuid))
			return 0;
		memcpy(&uuid, v->data, sizeof(uuid));
		return (size_t)format_uuid(out, cap, &uuid) + 1;
	case SYS_PROP_TYPE_IDENTITY: {
		int n;

		if (v->len < sizeof(id))
			return 0;
		memcpy(&id, v->data, sizeof(id));
		n = sdk_snprintf(out, cap, "%u:", id.login);
		if ((size_t)n < cap)
			return (size_t)n + (size_t)format_uuid(out + n, cap - n,
							       &id.uuid) + 1;
		return (size_t)n + 36 + 1;
	}
	case SYS_PROP_TYPE_STRING:
		return (size_t)sdk_snprintf(out, cap, "%.*s", (int)v->len,
					    (const char *)v->data) + 1;
	case SYS_PROP_TYPE_BINARY_BLOCK:
		need = cap;
		sdk_base64_encode(v->data, v->len, out, &need);
		return need;
	default:
		return 0;
	}
}

TEE_Result TEE_GetPropertyAsString(TEE_PropSetHandle propsetOrEnumerator,
				   const char *name, char *valueBuffer,
				   size_t *valueBufferLen)
{
	struct prop_value v;
	TEE_Result res = read_property(propsetOrEnumerator, name, &v);

	if (res == TEE_SUCCESS) {
		size_t cap = *valueBufferLen;
		size_t need = render(&v, valueBuffer, cap);

		if (!need)
			res = TEE_ERROR_BAD_FORMAT;
		else if (need > cap)
			res = TEE_ERROR_SHORT_BUFFER;
		if (need)
			*valueBufferLen = need;
	}
	TEE_Free(v.data);
	return allow_or_panic(res, TEE_ERROR_SHORT_BUFFER);
}

TEE_Result TEE_AllocatePropertyEnumerator(TEE_PropSetHandle *enumerator)
{
	struct sdk_propset *e = TEE_Malloc(sizeof(*e), TEE_MALLOC_FILL_ZERO);

	if (!e)
		return TEE_ERROR_OUT_OF_MEMORY;
	e->position = ENUM_IDLE;
	*enumerator = e;
	return TEE_SUCCESS;
}

void TEE_FreePropertyEnumerator(TEE_PropSetHandle enumerator)
{
	TEE_Free(enumerator);
}

void TEE_StartPropertyEnumerator(TEE_PropSetHandle enumerator,
				 TEE_PropSetHandle propSet)
{
	if (!enumerator)
		return;
	enumerator->position = 0;
	enumerator->set = propSet;
}

void TEE_ResetPropertyEnumerator(TEE_PropSetHandle enumerator)
{
	if (enumerator)
		enumerator->position = ENUM_IDLE;
}

TEE_Result TEE_GetPropertyName(TEE_PropSetHandle enumerator,
			       void *nameBuffer, size_t *nameBufferLen)
{
	struct prop_ref ref;
	TEE_Result res;
	uint32_t len;

	if (!enumerator || is_pseudo_handle(enumerator))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	res = locate(enumerator, NULL, &ref);
	if (res != TEE_SUCCESS)
		return allow_or_panic(res, TEE_ERROR_SHORT_BUFFER);

	if (ref.local) {
		size_t need = strlen(ref.local->name) + 1;

		if (need > *nameBufferLen) {
			res = TEE_ERROR_SHORT_BUFFER;
		} else {
			memcpy(nameBuffer, ref.local->name, need);
		}
		*nameBufferLen = need;
		return res;
	}

	len = *nameBufferLen > 0xFFFFFFFFu ? 0xFFFFFFFFu :
	      (uint32_t)*nameBufferLen;
	res = sys_get_property(ref.set, ref.kernel_index, nameBuffer, &len,
			       NULL, NULL, NULL);
	if (res == TEE_SUCCESS || res == TEE_ERROR_SHORT_BUFFER)
		*nameBufferLen = len;
	return allow_or_panic(res, TEE_ERROR_SHORT_BUFFER);
}

TEE_Result TEE_GetNextProperty(TEE_PropSetHandle enumerator)
{
	size_t locals;
	TEE_Result res;

	if (!enumerator || is_pseudo_handle(enumerator))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (enumerator->position == ENUM_IDLE)
		return TEE_ERROR_ITEM_NOT_FOUND;

	locals = local_count(enumerator->set);
	enumerator->position++;
	if (enumerator->position < locals)
		return TEE_SUCCESS;
	/* Does the kernel have an entry at the new position? */
	res = sys_get_property((unsigned long)enumerator->set,
			       enumerator->position - (uint32_t)locals,
			       NULL, NULL, NULL, NULL, NULL);
	return allow_or_panic(res, TEE_SUCCESS);
}
