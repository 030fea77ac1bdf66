# The SDK's sources and the flags every TA is built with.
# Included by ../Makefile; paths are relative to sample_tas/.

# One file per API family. Add new families (crypto, storage, TA-to-TA)
# here; TAs only pull in the objects they use (libsdk.a is an archive).
SDK_SRCS := \
	sdk/src/entry.c \
	sdk/src/syscalls.S \
	sdk/src/libc.c \
	sdk/src/printf.c \
	sdk/src/trace.c \
	sdk/src/heap.c \
	sdk/src/memory.c \
	sdk/src/system.c \
	sdk/src/time.c \
	sdk/src/property.c \
	sdk/src/base64.c \
	sdk/src/crypto_objects.c \
	sdk/src/crypto_alg.c \
	sdk/src/crypto_operation.c \
	sdk/src/crypto_digest.c \
	sdk/src/crypto_cipher.c \
	sdk/src/crypto_authenc.c \
	sdk/src/crypto_asym.c \
	sdk/src/storage.c \
	sdk/src/ta2ta.c \
	sdk/src/system_pta.c \
	sdk/src/dlfcn.c \
	sdk/src/socket.c

# Compiled once per TA, with the TA's own ta_config.h.
SDK_TA_HEADER_SRC := sdk/src/ta_header.c

SDK_LINKER_SCRIPT := sdk/ta.ld
SDK_DYNLIST := sdk/ta.dynlist
SDK_LIB_LINKER_SCRIPT := sdk/talib.ld

# Code generation as in the OP-TEE arm64 TA dev kit (position independent,
# strong stack protector, no unaligned accesses, no outline atomics), plus
# a freestanding environment with only the compiler's own headers.
GCC_INCLUDE := $(shell $(CC) -print-file-name=include 2>/dev/null)
SDK_CPPFLAGS := -nostdinc -isystem $(GCC_INCLUDE) -Isdk/include
SDK_CFLAGS := -std=gnu11 -Os -g -ffreestanding -fpic \
	-fstack-protector-strong -mstrict-align -mno-outline-atomics \
	-fno-common -Wall -Wextra -Wno-unused-parameter
SDK_ASFLAGS := -g

# Reproducible output: no absolute paths of the checkout or build directory
# in the debug information, a content-derived build id. Sources are named
# relative to sample_tas/ and nothing is generated into the build directory.
SDK_REPRO_FLAGS = -ffile-prefix-map=$(CURDIR)=.

SDK_LDFLAGS := -pie -e __ta_entry -T $(SDK_LINKER_SCRIPT) \
	--dynamic-list $(SDK_DYNLIST) --sort-section=alignment \
	-z max-page-size=4096 --hash-style=both --build-id=sha1

# TA shared libraries: the same layout, exported symbols and no undefined
# ones (everything comes from the objects or from the libraries named).
SDK_LIB_LDFLAGS := -shared -T $(SDK_LIB_LINKER_SCRIPT) --no-undefined \
	--sort-section=alignment -z max-page-size=4096 --hash-style=both \
	--build-id=sha1
