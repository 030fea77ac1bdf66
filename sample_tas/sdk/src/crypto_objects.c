/*
 * GP generic and transient object functions over syscalls 24-31 and 54.
 *
 * Each function makes the same syscalls, in the same order, as OP-TEE's
 * libutee and panics on the same results, so a TA sees identical
 * behaviour: e.g. TEE_PopulateTransientObject asks the kernel for the
 * object's flags first and panics (code 0) on a persistent or already
 * initialized object, then passes TEE_ERROR_BAD_PARAMETERS back and
 * panics on every other failure.
 */
#include "crypto_private.h"

/* Layouts the kernel and GP fix (LP64). */
_Static_assert(sizeof(TEE_Attribute) == 24, "TEE_Attribute");
_Static_assert(sizeof(struct sys_attribute) == 24, "struct utee_attribute");
_Static_assert(sizeof(struct sys_object_info) == 28, "utee_object_info");
_Static_assert(sizeof(TEE_ObjectInfo) == 40, "TEE_ObjectInfo");

#define ACCESS_R	TEE_MEMORY_ACCESS_READ
#define ACCESS_W	TEE_MEMORY_ACCESS_WRITE
#define ACCESS_RW	(TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_WRITE)
#define ACCESS_W_ANY	(TEE_MEMORY_ACCESS_WRITE | TEE_MEMORY_ACCESS_ANY_OWNER)

static void check_access(uint32_t flags, void *buf, size_t len)
{
	if (!len)
		return;
	if (!buf || TEE_CheckMemoryAccessRights(flags, buf, len) != TEE_SUCCESS)
		TEE_Panic(0);
}

void sdk_check_out(void *buf, size_t len)
{
	check_access(ACCESS_W, buf, len);
}

void sdk_check_inout(void *buf, size_t len)
{
	check_access(ACCESS_RW, buf, len);
}

void sdk_check_attrs(const TEE_Attribute *attrs, size_t count)
{
	check_access(ACCESS_R, (void *)attrs, sizeof(*attrs) * count);
}

void sdk_check_outbuf(void *buf, size_t *len)
{
	check_access(ACCESS_RW, len, sizeof(*len));
	check_access(ACCESS_W_ANY, buf, *len);
}

void sdk_attrs_to_sys(struct sys_attribute *ua, const TEE_Attribute *attrs,
		      uint32_t count)
{
	uint32_t n;

	for (n = 0; n < count; n++) {
		ua[n].attribute_id = attrs[n].attributeID;
		if (attrs[n].attributeID & TEE_ATTR_FLAG_VALUE) {
			ua[n].a = attrs[n].content.value.a;
			ua[n].b = attrs[n].content.value.b;
		} else {
			ua[n].a = (uintptr_t)attrs[n].content.ref.buffer;
			ua[n].b = attrs[n].content.ref.length;
		}
	}
}

void sdk_obj_info_or_panic(TEE_ObjectHandle obj, struct sys_object_info *info)
{
	TEE_Result res = sys_cryp_obj_get_info((unsigned long)obj, info);

	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

static bool storage_result(TEE_Result res)
{
	return res == TEE_ERROR_CORRUPT_OBJECT ||
	       res == TEE_ERROR_STORAGE_NOT_AVAILABLE;
}

TEE_Result TEE_GetObjectInfo1(TEE_ObjectHandle object,
			      TEE_ObjectInfo *objectInfo)
{
	struct sys_object_info info = { 0 };
	TEE_Result res = sys_cryp_obj_get_info((unsigned long)object, &info);

	if (res != TEE_SUCCESS && !storage_result(res))
		TEE_Panic(res);
	objectInfo->objectType = info.obj_type;
	objectInfo->objectSize = info.obj_size;
	objectInfo->maxObjectSize = info.max_obj_size;
	objectInfo->objectUsage = info.obj_usage;
	objectInfo->dataSize = info.data_size;
	objectInfo->dataPosition = info.data_pos;
	objectInfo->handleFlags = info.handle_flags;
	return res;
}

TEE_Result TEE_RestrictObjectUsage1(TEE_ObjectHandle object,
				    uint32_t objectUsage)
{
	TEE_Result res = sys_cryp_obj_restrict_usage((unsigned long)object,
						     objectUsage);

	if (res != TEE_SUCCESS && !storage_result(res))
		TEE_Panic(res);
	return res;
}

TEE_Result TEE_GetObjectBufferAttribute(TEE_ObjectHandle object,
					uint32_t attributeID, void *buffer,
					size_t *size)
{
	struct sys_object_info info = { 0 };
	TEE_Result res;
	uint64_t sz;

	sdk_check_inout(size, sizeof(*size));
	res = sys_cryp_obj_get_info((unsigned long)object, &info);
	if (res == TEE_SUCCESS) {
		if (attributeID & TEE_ATTR_FLAG_VALUE) {
			res = TEE_ERROR_BAD_PARAMETERS;
		} else {
			sz = *size;
			res = sys_cryp_obj_get_attr((unsigned long)object,
						    attributeID, buffer, &sz);
			*size = sz;
		}
	}
	if (res != TEE_SUCCESS && res != TEE_ERROR_ITEM_NOT_FOUND &&
	    res != TEE_ERROR_SHORT_BUFFER && !storage_result(res))
		TEE_Panic(res);
	return res;
}

TEE_Result TEE_GetObjectValueAttribute(TEE_ObjectHandle object,
				       uint32_t attributeID, uint32_t *a,
				       uint32_t *b)
{
	struct sys_object_info info = { 0 };
	uint32_t buf[2] = { 0, 0 };
	uint64_t size = sizeof(buf);
	TEE_Result res;

	if (a)
		sdk_check_out(a, sizeof(*a));
	if (b)
		sdk_check_out(b, sizeof(*b));
	res = sys_cryp_obj_get_info((unsigned long)object, &info);
	if (res == TEE_SUCCESS) {
		if (!(attributeID & TEE_ATTR_FLAG_VALUE))
			res = TEE_ERROR_BAD_PARAMETERS;
		else
			res = sys_cryp_obj_get_attr((unsigned long)object,
						    attributeID, buf, &size);
	}
	if (res != TEE_SUCCESS && res != TEE_ERROR_ITEM_NOT_FOUND &&
	    !storage_result(res))
		TEE_Panic(res);
	/* The kernel always reports the 8 bytes of a value attribute. */
	if (size != sizeof(buf))
		TEE_Panic(0);
	if (res == TEE_SUCCESS) {
		if (a)
			*a = buf[0];
		if (b)
			*b = buf[1];
	}
	return res;
}

void TEE_CloseObject(TEE_ObjectHandle object)
{
	TEE_Result res;

	if (object == TEE_HANDLE_NULL)
		return;
	res = sys_cryp_obj_close((unsigned long)object);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

TEE_Result TEE_AllocateTransientObject(TEE_ObjectType objectType,
				       uint32_t maxObjectSize,
				       TEE_ObjectHandle *object)
{
	TEE_Result res;
	uint32_t obj = 0;

	if (objectType == TEE_TYPE_DATA)
		return TEE_ERROR_NOT_SUPPORTED;
	sdk_check_out(object, sizeof(*object));
	res = sys_cryp_obj_alloc(objectType, maxObjectSize, &obj);
	if (res != TEE_SUCCESS && res != TEE_ERROR_OUT_OF_MEMORY &&
	    res != TEE_ERROR_NOT_SUPPORTED)
		TEE_Panic(res);
	if (res == TEE_SUCCESS)
		*object = (TEE_ObjectHandle)(uintptr_t)obj;
	return res;
}

/* Free and reset: transient objects only, checked through syscall 24. */
static void transient_call(TEE_ObjectHandle object,
			   TEE_Result (*call)(unsigned long))
{
	struct sys_object_info info = { 0 };
	TEE_Result res;

	if (object == TEE_HANDLE_NULL)
		return;
	sdk_obj_info_or_panic(object, &info);
	if (info.handle_flags & TEE_HANDLE_FLAG_PERSISTENT)
		TEE_Panic(0);
	res = call((unsigned long)object);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

void TEE_FreeTransientObject(TEE_ObjectHandle object)
{
	transient_call(object, sys_cryp_obj_close);
}

void TEE_ResetTransientObject(TEE_ObjectHandle object)
{
	transient_call(object, sys_cryp_obj_reset);
}

TEE_Result TEE_PopulateTransientObject(TEE_ObjectHandle object,
				       const TEE_Attribute *attrs,
				       uint32_t attrCount)
{
	struct sys_attribute ua[attrCount ? attrCount : 1];
	struct sys_object_info info = { 0 };
	TEE_Result res;

	sdk_check_attrs(attrs, attrCount);
	sdk_obj_info_or_panic(object, &info);
	if (info.handle_flags & (TEE_HANDLE_FLAG_PERSISTENT |
				 TEE_HANDLE_FLAG_INITIALIZED))
		TEE_Panic(0);
	sdk_attrs_to_sys(ua, attrs, attrCount);
	res = sys_cryp_obj_populate((unsigned long)object, ua, attrCount);
	if (res != TEE_SUCCESS && res != TEE_ERROR_BAD_PARAMETERS)
		TEE_Panic(res);
	return res;
}

void TEE_InitRefAttribute(TEE_Attribute *attr, uint32_t attributeID,
			  const void *buffer, size_t length)
{
	sdk_check_out(attr, sizeof(*attr));
	if (attributeID & TEE_ATTR_FLAG_VALUE)
		TEE_Panic(0);
	attr->attributeID = attributeID;
	attr->content.ref.buffer = (void *)buffer;
	attr->content.ref.length = length;
}

void TEE_InitValueAttribute(TEE_Attribute *attr, uint32_t attributeID,
			    uint32_t a, uint32_t b)
{
	sdk_check_out(attr, sizeof(*attr));
	if (!(attributeID & TEE_ATTR_FLAG_VALUE))
		TEE_Panic(0);
	attr->attributeID = attributeID;
	attr->content.value.a = a;
	attr->content.value.b = b;
}

TEE_Result TEE_CopyObjectAttributes1(TEE_ObjectHandle destObject,
				     TEE_ObjectHandle srcObject)
{
	struct sys_object_info dst = { 0 };
	struct sys_object_info src = { 0 };
	TEE_Result res;

	res = sys_cryp_obj_get_info((unsigned long)destObject, &dst);
	if (res == TEE_SUCCESS)
		res = sys_cryp_obj_get_info((unsigned long)srcObject, &src);
	if (res == TEE_SUCCESS) {
		if (!(src.handle_flags & TEE_HANDLE_FLAG_INITIALIZED) ||
		    (dst.handle_flags & (TEE_HANDLE_FLAG_PERSISTENT |
					 TEE_HANDLE_FLAG_INITIALIZED)))
			TEE_Panic(0);
		res = sys_cryp_obj_copy((unsigned long)destObject,
					(unsigned long)srcObject);
	}
	if (res != TEE_SUCCESS && !storage_result(res))
		TEE_Panic(res);
	return res;
}

TEE_Result TEE_GenerateKey(TEE_ObjectHandle object, uint32_t keySize,
			   const TEE_Attribute *params, uint32_t paramCount)
{
	struct sys_attribute ua[paramCount ? paramCount : 1];
	TEE_Result res;

	sdk_check_attrs(params, paramCount);
	sdk_attrs_to_sys(ua, params, paramCount);
	res = sys_cryp_obj_generate_key((unsigned long)object, keySize, ua,
					paramCount);
	if (res != TEE_SUCCESS && res != TEE_ERROR_BAD_PARAMETERS)
		TEE_Panic(res);
	return res;
}
