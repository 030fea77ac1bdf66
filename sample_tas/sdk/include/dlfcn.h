/*
 * Run-time loading of TA shared libraries, as OP-TEE's libdl offers it: the
 * file name is the library's UUID as a string; flags must be
 * RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE. Libraries stay loaded.
 */
#ifndef DLFCN_H
#define DLFCN_H

#define RTLD_NOW	0x0002
#define RTLD_GLOBAL	0x0100
#define RTLD_NODELETE	0x1000

void *dlopen(const char *filename, int flags);
int dlclose(void *handle);
void *dlsym(void *handle, const char *symbol);

#endif
