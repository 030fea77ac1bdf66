/*
 * Trusted storage TA: one GP storage call per command, results handed back
 * to the client (see storage_ta.h for the command table).
 */
#include <tee_internal_api.h>
#include <sdk/api_storage.h>
#include <sdk/libc.h>
#include <sdk/syscall.h>
#include "storage_ta.h"

#define T(x) TEE_PARAM_TYPE_##x
#define TYPES(a, b, c, d) TEE_PARAM_TYPES(T(a), T(b), T(c), T(d))
#define OBJ(v) ((TEE_ObjectHandle)(uintptr_t)(v))
#define ENUM(v) ((TEE_ObjectEnumHandle)(uintptr_t)(v))

#define SCRATCH_SIZE 4096

/* IDs and data live in TA-private memory when the kernel sees them. */
static uint8_t id_buf[TEE_OBJECT_ID_MAX_LEN + 16];
static uint8_t scratch[SCRATCH_SIZE];

static bool take_id(const TEE_Param *p, void **id, size_t *len)
{
	if (p->memref.size > sizeof(id_buf))
		return false;
	memcpy(id_buf, p->memref.buffer, p->memref.size);
	*id = id_buf;
	*len = p->memref.size;
	return true;
}

/* A private copy of an input memref (NULL/0 stays NULL/0). */
static void *take_data(const TEE_Param *p, size_t *len)
{
	void *copy;

	*len = p->memref.size;
	if (!p->memref.buffer)
		return NULL;
	copy = TEE_Malloc(*len, TEE_MALLOC_NO_FILL);
	if (!copy)
		TEE_Panic(TEE_ERROR_OUT_OF_MEMORY);
	memcpy(copy, p->memref.buffer, *len);
	return copy;
}

static TEE_Result create(uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle obj = TEE_HANDLE_NULL;
	void *id, *data = NULL;
	size_t id_len, len = 0;

	if (types != TYPES(MEMREF_INPUT, VALUE_INPUT, MEMREF_INPUT, VALUE_INOUT) &&
	    types != TYPES(MEMREF_INPUT, VALUE_INPUT, NONE, VALUE_INOUT))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!take_id(&p[0], &id, &id_len))
		return TEE_ERROR_BAD_PARAMETERS;
	if (TEE_PARAM_TYPE_GET(types, 2) == T(MEMREF_INPUT)) {
		data = p[2].memref.buffer;
		len = p[2].memref.size;
	}
	p[3].value.a = TEE_CreatePersistentObject(p[1].value.b, id, id_len,
						  p[1].value.a,
						  OBJ(p[3].value.a), data, len,
						  p[3].value.b & 1 ? NULL : &obj);
	p[3].value.b = (uint32_t)(uintptr_t)obj;
	return TEE_SUCCESS;
}

static TEE_Result open(uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle obj = TEE_HANDLE_NULL;
	void *id;
	size_t id_len;

	if (types != TYPES(MEMREF_INPUT, VALUE_INPUT, NONE, VALUE_OUTPUT) ||
	    !take_id(&p[0], &id, &id_len))
		return TEE_ERROR_BAD_PARAMETERS;
	p[3].value.a = TEE_OpenPersistentObject(p[1].value.b, id, id_len,
						p[1].value.a, &obj);
	p[3].value.b = (uint32_t)(uintptr_t)obj;
	return TEE_SUCCESS;
}

static TEE_Result read(uint32_t types, TEE_Param p[4])
{
	size_t count = 0;

	if (types != TYPES(VALUE_INPUT, MEMREF_OUTPUT, NONE, VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	p[3].value.a = TEE_ReadObjectData(OBJ(p[0].value.a), p[1].memref.buffer,
					  p[1].memref.size, &count);
	p[1].memref.size = count;
	p[3].value.b = count;
	return TEE_SUCCESS;
}

static TEE_Result write(uint32_t types, TEE_Param p[4])
{
	if (types != TYPES(VALUE_INPUT, MEMREF_INPUT, NONE, VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	p[3].value.a = TEE_WriteObjectData(OBJ(p[0].value.a), p[1].memref.buffer,
					   p[1].memref.size);
	return TEE_SUCCESS;
}

static TEE_Result rename(uint32_t types, TEE_Param p[4])
{
	void *id;
	size_t id_len;

	if (types != TYPES(VALUE_INPUT, MEMREF_INPUT, NONE, VALUE_OUTPUT) ||
	    !take_id(&p[1], &id, &id_len))
		return TEE_ERROR_BAD_PARAMETERS;
	p[3].value.a = TEE_RenamePersistentObject(OBJ(p[0].value.a), id, id_len);
	return TEE_SUCCESS;
}

static TEE_Result info(uint32_t types, TEE_Param p[4])
{
	TEE_ObjectInfo oi;

	if (types != TYPES(VALUE_INPUT, MEMREF_OUTPUT, NONE, VALUE_OUTPUT) ||
	    p[1].memref.size < sizeof(oi))
		return TEE_ERROR_BAD_PARAMETERS;
	memset(&oi, 0, sizeof(oi));
	p[3].value.a = TEE_GetObjectInfo1(OBJ(p[0].value.a), &oi);
	memcpy(p[1].memref.buffer, &oi, sizeof(oi));
	p[1].memref.size = sizeof(oi);
	return TEE_SUCCESS;
}

static TEE_Result enum_next(uint32_t types, TEE_Param p[4])
{
	uint8_t id[TEE_OBJECT_ID_MAX_LEN];
	TEE_ObjectInfo oi;
	size_t len = sizeof(id);

	if (types != TYPES(VALUE_INPUT, MEMREF_OUTPUT, MEMREF_OUTPUT, VALUE_OUTPUT) ||
	    p[1].memref.size < sizeof(id) || p[2].memref.size < sizeof(oi))
		return TEE_ERROR_BAD_PARAMETERS;
	memset(&oi, 0, sizeof(oi));
	p[3].value.a = TEE_GetNextPersistentObject(ENUM(p[0].value.a), &oi, id, &len);
	p[3].value.b = len;
	memcpy(p[1].memref.buffer, id, len <= sizeof(id) ? len : sizeof(id));
	p[1].memref.size = len <= sizeof(id) ? len : sizeof(id);
	memcpy(p[2].memref.buffer, &oi, sizeof(oi));
	p[2].memref.size = sizeof(oi);
	return TEE_SUCCESS;
}

static unsigned long arg(uint64_t v, void *shared)
{
	switch (v >> 56) {
	case STORAGE_ARG_PRIVATE:
		return (unsigned long)scratch + (uint32_t)v;
	case STORAGE_ARG_SHARED:
		return (unsigned long)shared + (uint32_t)v;
	default:
		return v;
	}
}

static TEE_Result raw(uint32_t types, TEE_Param p[4])
{
	uint64_t in[8];
	unsigned long a[8];
	size_t n, size = p[2].memref.size;

	if (types != TYPES(VALUE_INPUT, MEMREF_INPUT, MEMREF_INOUT, VALUE_OUTPUT) ||
	    p[1].memref.size != sizeof(in) || size > sizeof(scratch))
		return TEE_ERROR_BAD_PARAMETERS;
	memcpy(in, p[1].memref.buffer, sizeof(in));
	memcpy(scratch, p[2].memref.buffer, size);
	for (n = 0; n < 8; n++)
		a[n] = arg(in[n], p[2].memref.buffer);
	switch (p[0].value.a) {
	case 41:
		p[3].value.a = sys_storage_obj_open(a[0], (void *)a[1], a[2], a[3],
						    (uint32_t *)a[4]);
		break;
	case 42:
		p[3].value.a = sys_storage_obj_create(a[0], (void *)a[1], a[2], a[3],
						      a[4], (void *)a[5], a[6],
						      (uint32_t *)a[7]);
		break;
	case 44:
		p[3].value.a = sys_storage_obj_rename(a[0], (void *)a[1], a[2]);
		break;
	case 45:
		p[3].value.a = sys_storage_enum_alloc((uint32_t *)a[0]);
		break;
	case 49:
		p[3].value.a = sys_storage_enum_next(a[0], (void *)a[1], (void *)a[2],
						     (uint64_t *)a[3]);
		break;
	case 50:
		p[3].value.a = sys_storage_obj_read(a[0], (void *)a[1], a[2],
						    (uint64_t *)a[3]);
		break;
	case 51:
		p[3].value.a = sys_storage_obj_write(a[0], (void *)a[1], a[2]);
		break;
	default:
		p[3].value.a = sys_raw(p[0].value.a, a[0], a[1], a[2], a[3]);
		break;
	}
	memcpy(p[2].memref.buffer, scratch, size);
	return TEE_SUCCESS;
}

static TEE_Result key_create(uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle key = TEE_HANDLE_NULL, obj = TEE_HANDLE_NULL;
	TEE_Attribute attr;
	size_t id_len, key_len;
	void *id, *bytes;
	bool transform;

	if (types != TYPES(MEMREF_INPUT, MEMREF_INPUT, VALUE_INPUT, VALUE_INOUT) ||
	    !take_id(&p[0], &id, &id_len))
		return TEE_ERROR_BAD_PARAMETERS;
	bytes = take_data(&p[1], &key_len);
	if (TEE_AllocateTransientObject(TEE_TYPE_AES, key_len * 8, &key) != TEE_SUCCESS)
		TEE_Panic(0);
	TEE_InitRefAttribute(&attr, TEE_ATTR_SECRET_VALUE, bytes, key_len);
	if (TEE_PopulateTransientObject(key, &attr, 1) != TEE_SUCCESS)
		TEE_Panic(0);
	TEE_Free(bytes);
	TEE_RestrictObjectUsage1(key, p[3].value.a);
	transform = p[3].value.b & 1;
	p[3].value.a = TEE_CreatePersistentObject(p[2].value.b, id, id_len,
						  p[2].value.a, key, NULL, 0,
						  transform ? NULL : &obj);
	if (transform) {
		p[3].value.b = (uint32_t)(uintptr_t)key;
	} else {
		p[3].value.b = (uint32_t)(uintptr_t)obj;
		TEE_FreeTransientObject(key);
	}
	return TEE_SUCCESS;
}

static TEE_Result get_attr(uint32_t types, TEE_Param p[4])
{
	size_t size;

	if (types != TYPES(VALUE_INPUT, MEMREF_OUTPUT, NONE, VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	size = p[1].memref.size;
	if (size > sizeof(scratch))
		size = sizeof(scratch);
	p[3].value.a = TEE_GetObjectBufferAttribute(OBJ(p[0].value.a),
						    p[0].value.b, scratch, &size);
	p[3].value.b = size;
	if (p[3].value.a == TEE_SUCCESS)
		memcpy(p[1].memref.buffer, scratch, size);
	p[1].memref.size = p[3].value.a == TEE_SUCCESS ? size : 0;
	return TEE_SUCCESS;
}

static size_t bench_id(uint32_t n, char *id)
{
	return sdk_snprintf(id, TEE_OBJECT_ID_MAX_LEN, "bench-%u", n);
}

static TEE_Result bench_one(uint32_t op, uint32_t n, void *data, size_t size)
{
	const uint32_t rw = TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_ACCESS_WRITE |
			    TEE_DATA_FLAG_ACCESS_WRITE_META;
	TEE_ObjectHandle obj;
	TEE_Result res;
	char id[TEE_OBJECT_ID_MAX_LEN];
	size_t id_len = bench_id(n, id), count;

	if (op == STORAGE_BENCH_WRITE) {
		res = TEE_CreatePersistentObject(TEE_STORAGE_PRIVATE, id, id_len,
						 rw | TEE_DATA_FLAG_OVERWRITE,
						 TEE_HANDLE_NULL, NULL, 0, &obj);
		if (res == TEE_SUCCESS) {
			res = TEE_WriteObjectData(obj, data, size);
			TEE_CloseObject(obj);
		}
		return res;
	}
	res = TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, id, id_len,
				       op == STORAGE_BENCH_READ ?
				       TEE_DATA_FLAG_ACCESS_READ : rw, &obj);
	if (res != TEE_SUCCESS)
		return res;
	if (op == STORAGE_BENCH_DELETE)
		return TEE_CloseAndDeletePersistentObject1(obj);
	res = TEE_ReadObjectData(obj, data, size, &count);
	TEE_CloseObject(obj);
	if (res == TEE_SUCCESS && count != size)
		res = TEE_ERROR_SHORT_BUFFER;
	return res;
}

static TEE_Result bench(uint32_t types, TEE_Param p[4])
{
	uint32_t n, done = 0, objects = p[1].value.b ? p[1].value.b : 1;
	TEE_Result res = TEE_SUCCESS;

	if (types != TYPES(VALUE_INPUT, VALUE_INPUT, MEMREF_INOUT, VALUE_OUTPUT) ||
	    p[2].memref.size < p[1].value.a)
		return TEE_ERROR_BAD_PARAMETERS;
	for (n = 0; n < p[0].value.b && res == TEE_SUCCESS; n++) {
		res = bench_one(p[0].value.a, n % objects, p[2].memref.buffer,
				p[1].value.a);
		if (res == TEE_SUCCESS)
			done++;
	}
	p[3].value.a = done;
	p[3].value.b = res;
	return TEE_SUCCESS;
}

static TEE_Result simple(uint32_t cmd, uint32_t types, TEE_Param p[4])
{
	TEE_ObjectEnumHandle e = TEE_HANDLE_NULL;
	int64_t offset;

	switch (cmd) {
	case STORAGE_CMD_CLOSE:
		if (types != TYPES(VALUE_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_CloseObject(OBJ(p[0].value.a));
		return TEE_SUCCESS;
	case STORAGE_CMD_TRUNC:
		if (types != TYPES(VALUE_INPUT, NONE, NONE, VALUE_OUTPUT))
			return TEE_ERROR_BAD_PARAMETERS;
		p[3].value.a = TEE_TruncateObjectData(OBJ(p[0].value.a), p[0].value.b);
		return TEE_SUCCESS;
	case STORAGE_CMD_SEEK:
		if (types != TYPES(VALUE_INPUT, VALUE_INPUT, NONE, VALUE_OUTPUT))
			return TEE_ERROR_BAD_PARAMETERS;
		offset = (int64_t)(((uint64_t)p[1].value.b << 32) | p[1].value.a);
		p[3].value.a = TEE_SeekObjectData(OBJ(p[0].value.a), offset,
						  (TEE_Whence)p[0].value.b);
		return TEE_SUCCESS;
	case STORAGE_CMD_DELETE:
		if (types != TYPES(VALUE_INPUT, NONE, NONE, VALUE_OUTPUT))
			return TEE_ERROR_BAD_PARAMETERS;
		p[3].value.a = TEE_CloseAndDeletePersistentObject1(OBJ(p[0].value.a));
		return TEE_SUCCESS;
	case STORAGE_CMD_ENUM_ALLOC:
		if (types != TYPES(NONE, NONE, NONE, VALUE_OUTPUT))
			return TEE_ERROR_BAD_PARAMETERS;
		p[3].value.a = TEE_AllocatePersistentObjectEnumerator(&e);
		p[3].value.b = (uint32_t)(uintptr_t)e;
		return TEE_SUCCESS;
	case STORAGE_CMD_ENUM_FREE:
	case STORAGE_CMD_ENUM_RESET:
		if (types != TYPES(VALUE_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		if (cmd == STORAGE_CMD_ENUM_FREE)
			TEE_FreePersistentObjectEnumerator(ENUM(p[0].value.a));
		else
			TEE_ResetPersistentObjectEnumerator(ENUM(p[0].value.a));
		return TEE_SUCCESS;
	case STORAGE_CMD_ENUM_START:
		if (types != TYPES(VALUE_INPUT, NONE, NONE, VALUE_OUTPUT))
			return TEE_ERROR_BAD_PARAMETERS;
		p[3].value.a = TEE_StartPersistentObjectEnumerator(ENUM(p[0].value.a),
								   p[0].value.b);
		return TEE_SUCCESS;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param p[4], void **ctx)
{
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param p[4])
{
	switch (cmd) {
	case STORAGE_CMD_CREATE:
		return create(types, p);
	case STORAGE_CMD_OPEN:
		return open(types, p);
	case STORAGE_CMD_READ:
		return read(types, p);
	case STORAGE_CMD_WRITE:
		return write(types, p);
	case STORAGE_CMD_RENAME:
		return rename(types, p);
	case STORAGE_CMD_INFO:
		return info(types, p);
	case STORAGE_CMD_ENUM_NEXT:
		return enum_next(types, p);
	case STORAGE_CMD_SYSCALL:
		return raw(types, p);
	case STORAGE_CMD_KEY_CREATE:
		return key_create(types, p);
	case STORAGE_CMD_GET_ATTR:
		return get_attr(types, p);
	case STORAGE_CMD_BENCH:
		return bench(types, p);
	default:
		return simple(cmd, types, p);
	}
}
