/*
 * Shared memory of optee-litebox's drop-in libteec.so.2.
 *
 * Allocated memory is a sealed memfd mapped here and, once per session, in the TA's
 * process: both see the same pages. Registered memory (the application's own buffer)
 * is copied with each operation that uses it. Memory registered from a file descriptor
 * is passed on like allocated memory when it is a whole number of pages, else copied.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tee_client_api.h>
#include <tee_client_api_extensions.h>

#include "litebox.h"

#define INOUT (TEEC_MEM_INPUT | TEEC_MEM_OUTPUT)

static size_t page_up(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (n + page - 1) / page * page;
}

static int bad_flags(uint32_t flags)
{
	return !flags || (flags & ~INOUT);
}

LB_EXPORT TEEC_Result TEEC_RegisterSharedMemory(TEEC_Context *ctx, TEEC_SharedMemory *shm)
{
	if (!ctx || !shm || bad_flags(shm->flags) || !shm->buffer)
		return TEEC_ERROR_BAD_PARAMETERS;
	shm->imp.id = (int)lb_next_shm_id();
	shm->imp.alloced_size = shm->size ? shm->size : 8;
	shm->imp.shadow_buffer = NULL;
	shm->imp.registered_fd = -1;
	shm->imp.flags = 0;
	return TEEC_SUCCESS;
}

LB_EXPORT TEEC_Result TEEC_AllocateSharedMemory(TEEC_Context *ctx, TEEC_SharedMemory *shm)
{
	size_t s, len;
	void *buf;
	int fd;

	if (!ctx || !shm || bad_flags(shm->flags))
		return TEEC_ERROR_BAD_PARAMETERS;
	s = shm->size ? shm->size : 8;
	len = page_up(s);
	if (len < s)
		return TEEC_ERROR_OUT_OF_MEMORY;
	fd = memfd_create("teec-shm", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return TEEC_ERROR_OUT_OF_MEMORY;
	if (ftruncate(fd, (off_t)len) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
		close(fd);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (buf == MAP_FAILED) {
		close(fd);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	shm->buffer = buf;
	shm->imp.id = (int)lb_next_shm_id();
	shm->imp.alloced_size = s;
	shm->imp.shadow_buffer = NULL;
	shm->imp.registered_fd = fd;
	shm->imp.flags = LB_SHM_ALLOCATED;
	return TEEC_SUCCESS;
}

LB_EXPORT TEEC_Result TEEC_RegisterSharedMemoryFileDescriptor(TEEC_Context *ctx,
							      TEEC_SharedMemory *shm, int fd)
{
	struct stat st;
	size_t size;
	void *map;
	int dup_fd;

	if (!ctx || !shm || fd < 0 || bad_flags(shm->flags))
		return TEEC_ERROR_BAD_PARAMETERS;
	if (fstat(fd, &st) || st.st_size <= 0)
		return TEEC_ERROR_BAD_PARAMETERS;
	size = (size_t)st.st_size;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)	/* the TA could not map it either */
		return TEEC_ERROR_BAD_PARAMETERS;
	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0) {
		munmap(map, size);
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	shm->buffer = NULL;
	shm->size = size;
	shm->imp.id = (int)lb_next_shm_id();
	shm->imp.alloced_size = size;
	shm->imp.registered_fd = dup_fd;
	if (size == page_up(size)) {	/* whole pages: the TA's process maps them too */
		munmap(map, size);
		shm->imp.shadow_buffer = NULL;
		shm->imp.flags = LB_SHM_FD;
	} else {			/* a partial last page cannot be mapped there: copy */
		shm->imp.shadow_buffer = map;
		shm->imp.flags = LB_SHM_FD | LB_SHM_COPY;
	}
	return TEEC_SUCCESS;
}

LB_EXPORT void TEEC_ReleaseSharedMemory(TEEC_SharedMemory *shm)
{
	if (!shm || shm->imp.id == -1)
		return;
	if (shm->imp.flags & (LB_SHM_ALLOCATED | LB_SHM_FD)) {
		lb_shm_released((uint64_t)shm->imp.id);
		if ((shm->imp.flags & LB_SHM_ALLOCATED) && shm->buffer)
			munmap(shm->buffer, page_up(shm->imp.alloced_size));
		if ((shm->imp.flags & LB_SHM_COPY) && shm->imp.shadow_buffer)
			munmap(shm->imp.shadow_buffer, shm->imp.alloced_size);
		if (shm->imp.registered_fd >= 0)
			close(shm->imp.registered_fd);
	}
	shm->imp.id = -1;
	shm->imp.shadow_buffer = NULL;
	shm->buffer = NULL;
	shm->imp.registered_fd = -1;
	shm->imp.flags = 0;
}
