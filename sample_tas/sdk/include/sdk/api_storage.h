/*
 * GP TEE Internal Core API: trusted storage (src/storage.c).
 *
 * Persistent objects and their data streams, and persistent object
 * enumerators, over syscalls 41-53. A persistent object handle is an object
 * handle (sdk/api_object.h): TEE_GetObjectInfo1, TEE_CloseObject and the
 * attribute getters work on it. Each function makes the same syscalls as
 * OP-TEE's libutee and panics on the same results.
 */
#ifndef SDK_API_STORAGE_H
#define SDK_API_STORAGE_H

#include <sdk/types.h>
#include <sdk/api_object.h>

#define TEE_STORAGE_PRIVATE		0x00000001u
#define TEE_STORAGE_PRIVATE_REE		0x80000000u
#define TEE_STORAGE_PRIVATE_RPMB	0x80000100u

#define TEE_DATA_FLAG_ACCESS_READ	0x00000001u
#define TEE_DATA_FLAG_ACCESS_WRITE	0x00000002u
#define TEE_DATA_FLAG_ACCESS_WRITE_META	0x00000004u
#define TEE_DATA_FLAG_SHARE_READ	0x00000010u
#define TEE_DATA_FLAG_SHARE_WRITE	0x00000020u
#define TEE_DATA_FLAG_OVERWRITE		0x00000400u

#define TEE_DATA_MAX_POSITION		0xFFFFFFFFu
#define TEE_OBJECT_ID_MAX_LEN		64

typedef enum {
	TEE_DATA_SEEK_SET = 0,
	TEE_DATA_SEEK_CUR = 1,
	TEE_DATA_SEEK_END = 2,
} TEE_Whence;

typedef struct __TEE_ObjectEnumHandle *TEE_ObjectEnumHandle;

TEE_Result TEE_OpenPersistentObject(uint32_t storageID, const void *objectID,
				    size_t objectIDLen, uint32_t flags,
				    TEE_ObjectHandle *object);
/* object may be NULL: then a transient attributes object becomes persistent. */
TEE_Result TEE_CreatePersistentObject(uint32_t storageID, const void *objectID,
				      size_t objectIDLen, uint32_t flags,
				      TEE_ObjectHandle attributes,
				      const void *initialData,
				      size_t initialDataLen,
				      TEE_ObjectHandle *object);
void TEE_CloseAndDeletePersistentObject(TEE_ObjectHandle object);
TEE_Result TEE_CloseAndDeletePersistentObject1(TEE_ObjectHandle object);
TEE_Result TEE_RenamePersistentObject(TEE_ObjectHandle object,
				      const void *newObjectID,
				      size_t newObjectIDLen);

TEE_Result TEE_AllocatePersistentObjectEnumerator(TEE_ObjectEnumHandle *
						  objectEnumerator);
void TEE_FreePersistentObjectEnumerator(TEE_ObjectEnumHandle objectEnumerator);
void TEE_ResetPersistentObjectEnumerator(TEE_ObjectEnumHandle objectEnumerator);
TEE_Result TEE_StartPersistentObjectEnumerator(TEE_ObjectEnumHandle
					       objectEnumerator,
					       uint32_t storageID);
/* *objectIDLen is only written: the kernel writes up to 64 bytes of ID. */
TEE_Result TEE_GetNextPersistentObject(TEE_ObjectEnumHandle objectEnumerator,
				       TEE_ObjectInfo *objectInfo,
				       void *objectID, size_t *objectIDLen);

TEE_Result TEE_ReadObjectData(TEE_ObjectHandle object, void *buffer,
			      size_t size, size_t *count);
TEE_Result TEE_WriteObjectData(TEE_ObjectHandle object, const void *buffer,
			       size_t size);
TEE_Result TEE_TruncateObjectData(TEE_ObjectHandle object, size_t size);
TEE_Result TEE_SeekObjectData(TEE_ObjectHandle object, intmax_t offset,
			      TEE_Whence whence);

#endif
