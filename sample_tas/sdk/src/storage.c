/*
 * GP trusted storage over syscalls 41-53.
 *
 * Each function makes the same syscalls, in the same order, as OP-TEE's
 * libutee (lib/libutee/tee_api_objects.c) and panics on the same results:
 * only the results GP documents for a function come back to the TA, every
 * other one (a bad handle, bad flags, an ID in shared memory) ends the TA
 * with TEE_Panic(result). Output pointers must be writable TA-private
 * memory, as libutee's [out] annotation checks require.
 */
#include <tee_internal_api.h>
#include <sdk/api_storage.h>
#include <sdk/syscall.h>

static void check_out(void *buf, size_t len)
{
	if (TEE_CheckMemoryAccessRights(TEE_MEMORY_ACCESS_WRITE, buf, len) !=
	    TEE_SUCCESS)
		TEE_Panic(0);
}

/* The results every storage function may return besides its own. */
static bool storage_failure(TEE_Result res)
{
	return res == TEE_ERROR_CORRUPT_OBJECT ||
	       res == TEE_ERROR_STORAGE_NOT_AVAILABLE;
}

TEE_Result TEE_OpenPersistentObject(uint32_t storageID, const void *objectID,
				    size_t objectIDLen, uint32_t flags,
				    TEE_ObjectHandle *object)
{
	TEE_Result res;
	uint32_t obj = 0;

	check_out(object, sizeof(*object));
	res = sys_storage_obj_open(storageID, objectID, objectIDLen, flags,
				   &obj);
	if (res == TEE_SUCCESS)
		*object = (TEE_ObjectHandle)(uintptr_t)obj;
	if (res != TEE_SUCCESS && res != TEE_ERROR_ITEM_NOT_FOUND &&
	    res != TEE_ERROR_ACCESS_CONFLICT &&
	    res != TEE_ERROR_OUT_OF_MEMORY && !storage_failure(res))
		TEE_Panic(res);
	if (res != TEE_SUCCESS)
		*object = TEE_HANDLE_NULL;
	return res;
}

TEE_Result TEE_CreatePersistentObject(uint32_t storageID, const void *objectID,
				      size_t objectIDLen, uint32_t flags,
				      TEE_ObjectHandle attributes,
				      const void *initialData,
				      size_t initialDataLen,
				      TEE_ObjectHandle *object)
{
	TEE_Result res;
	uint32_t obj = 0;

	if (object)
		check_out(object, sizeof(*object));
	res = sys_storage_obj_create(storageID, objectID, objectIDLen, flags,
				     (unsigned long)attributes, initialData,
				     initialDataLen, object ? &obj : NULL);
	if (res == TEE_SUCCESS && object)
		*object = (TEE_ObjectHandle)(uintptr_t)obj;
	if (res != TEE_SUCCESS && res != TEE_ERROR_ITEM_NOT_FOUND &&
	    res != TEE_ERROR_ACCESS_CONFLICT &&
	    res != TEE_ERROR_OUT_OF_MEMORY &&
	    res != TEE_ERROR_STORAGE_NO_SPACE && !storage_failure(res))
		TEE_Panic(res);
	if (res != TEE_SUCCESS && object)
		*object = TEE_HANDLE_NULL;
	return res;
}

TEE_Result TEE_CloseAndDeletePersistentObject1(TEE_ObjectHandle object)
{
	TEE_Result res;

	if (object == TEE_HANDLE_NULL)
		return TEE_SUCCESS;
	res = sys_storage_obj_del((unsigned long)object);
	if (res != TEE_SUCCESS && res != TEE_ERROR_STORAGE_NOT_AVAILABLE)
		TEE_Panic(res);
	return res;
}

void TEE_CloseAndDeletePersistentObject(TEE_ObjectHandle object)
{
	if (object == TEE_HANDLE_NULL)
		return;
	if (TEE_CloseAndDeletePersistentObject1(object) != TEE_SUCCESS)
		TEE_Panic(0);
}

TEE_Result TEE_RenamePersistentObject(TEE_ObjectHandle object,
				      const void *newObjectID,
				      size_t newObjectIDLen)
{
	TEE_Result res = TEE_ERROR_ITEM_NOT_FOUND;

	if (object != TEE_HANDLE_NULL)
		res = sys_storage_obj_rename((unsigned long)object, newObjectID,
					     newObjectIDLen);
	if (res != TEE_SUCCESS && res != TEE_ERROR_ACCESS_CONFLICT &&
	    !storage_failure(res))
		TEE_Panic(res);
	return res;
}

TEE_Result TEE_AllocatePersistentObjectEnumerator(TEE_ObjectEnumHandle *
						  objectEnumerator)
{
	TEE_Result res;
	uint32_t oe = 0;

	check_out(objectEnumerator, sizeof(*objectEnumerator));
	res = sys_storage_enum_alloc(&oe);
	if (res != TEE_SUCCESS)
		oe = TEE_HANDLE_NULL;
	*objectEnumerator = (TEE_ObjectEnumHandle)(uintptr_t)oe;
	if (res != TEE_SUCCESS && res != TEE_ERROR_ACCESS_CONFLICT)
		TEE_Panic(res);
	return res;
}

void TEE_FreePersistentObjectEnumerator(TEE_ObjectEnumHandle objectEnumerator)
{
	TEE_Result res;

	if (objectEnumerator == TEE_HANDLE_NULL)
		return;
	res = sys_storage_enum_free((unsigned long)objectEnumerator);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

void TEE_ResetPersistentObjectEnumerator(TEE_ObjectEnumHandle objectEnumerator)
{
	TEE_Result res;

	if (objectEnumerator == TEE_HANDLE_NULL)
		return;
	res = sys_storage_enum_reset((unsigned long)objectEnumerator);
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

TEE_Result TEE_StartPersistentObjectEnumerator(TEE_ObjectEnumHandle
					       objectEnumerator,
					       uint32_t storageID)
{
	TEE_Result res;

	res = sys_storage_enum_start((unsigned long)objectEnumerator,
				     storageID);
	if (res != TEE_SUCCESS && res != TEE_ERROR_ITEM_NOT_FOUND &&
	    !storage_failure(res))
		TEE_Panic(res);
	return res;
}

TEE_Result TEE_GetNextPersistentObject(TEE_ObjectEnumHandle objectEnumerator,
				       TEE_ObjectInfo *objectInfo,
				       void *objectID, size_t *objectIDLen)
{
	struct sys_object_info info = { 0 };
	TEE_Result res = TEE_ERROR_BAD_PARAMETERS;
	uint64_t len;

	if (objectInfo)
		check_out(objectInfo, sizeof(*objectInfo));
	check_out(objectIDLen, sizeof(*objectIDLen));
	if (objectID) {
		len = *objectIDLen;
		res = sys_storage_enum_next((unsigned long)objectEnumerator,
					    &info, objectID, &len);
		if (objectInfo) {
			objectInfo->objectType = info.obj_type;
			objectInfo->objectSize = info.obj_size;
			objectInfo->maxObjectSize = info.max_obj_size;
			objectInfo->objectUsage = info.obj_usage;
			objectInfo->dataSize = info.data_size;
			objectInfo->dataPosition = info.data_pos;
			objectInfo->handleFlags = info.handle_flags;
		}
		*objectIDLen = len;
	}
	if (res != TEE_SUCCESS && res != TEE_ERROR_ITEM_NOT_FOUND &&
	    !storage_failure(res))
		TEE_Panic(res);
	return res;
}

TEE_Result TEE_ReadObjectData(TEE_ObjectHandle object, void *buffer,
			      size_t size, size_t *count)
{
	TEE_Result res = TEE_ERROR_BAD_PARAMETERS;
	uint64_t cnt64;

	if (object != TEE_HANDLE_NULL) {
		check_out(count, sizeof(*count));
		cnt64 = *count;
		res = sys_storage_obj_read((unsigned long)object, buffer, size,
					   &cnt64);
		*count = cnt64;
	}
	if (res != TEE_SUCCESS && !storage_failure(res))
		TEE_Panic(res);
	return res;
}

TEE_Result TEE_WriteObjectData(TEE_ObjectHandle object, const void *buffer,
			       size_t size)
{
	TEE_Result res;

	if (object == TEE_HANDLE_NULL)
		res = TEE_ERROR_BAD_PARAMETERS;
	else if (size > TEE_DATA_MAX_POSITION)
		res = TEE_ERROR_OVERFLOW;
	else
		res = sys_storage_obj_write((unsigned long)object, buffer,
					    size);
	if (res != TEE_SUCCESS && res != TEE_ERROR_STORAGE_NO_SPACE &&
	    res != TEE_ERROR_OVERFLOW && !storage_failure(res))
		TEE_Panic(res);
	return res;
}

TEE_Result TEE_TruncateObjectData(TEE_ObjectHandle object, size_t size)
{
	TEE_Result res = TEE_ERROR_BAD_PARAMETERS;

	if (object != TEE_HANDLE_NULL)
		res = sys_storage_obj_trunc((unsigned long)object, size);
	if (res != TEE_SUCCESS && res != TEE_ERROR_STORAGE_NO_SPACE &&
	    !storage_failure(res))
		TEE_Panic(res);
	return res;
}

/*
 * libutee's check of a positive offset against a base position: the 32-bit
 * sum must not wrap (the offset is cut to 32 bits first).
 */
static bool seek_overflows(intmax_t offset, uint32_t base)
{
	return offset > 0 && (uint32_t)((uint32_t)offset + base) < base;
}

TEE_Result TEE_SeekObjectData(TEE_ObjectHandle object, intmax_t offset,
			      TEE_Whence whence)
{
	struct sys_object_info info = { 0 };
	TEE_Result res = TEE_ERROR_BAD_PARAMETERS;

	if (object == TEE_HANDLE_NULL)
		goto out;
	res = sys_cryp_obj_get_info((unsigned long)object, &info);
	if (res != TEE_SUCCESS)
		goto out;
	switch (whence) {
	case TEE_DATA_SEEK_SET:
		/* libutee compares (uint32_t)offset with the maximum: never more */
		break;
	case TEE_DATA_SEEK_CUR:
		if (seek_overflows(offset, info.data_pos))
			res = TEE_ERROR_OVERFLOW;
		break;
	case TEE_DATA_SEEK_END:
		if (seek_overflows(offset, info.data_size))
			res = TEE_ERROR_OVERFLOW;
		break;
	default:
		res = TEE_ERROR_ITEM_NOT_FOUND;
		break;
	}
	if (res == TEE_SUCCESS)
		res = sys_storage_obj_seek((unsigned long)object,
					   (int32_t)offset, whence);
out:
	if (res != TEE_SUCCESS && res != TEE_ERROR_OVERFLOW &&
	    !storage_failure(res))
		TEE_Panic(res);
	return res;
}
