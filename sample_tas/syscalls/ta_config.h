#include <sdk/ta_header.h>
#include <sdk/defines.h>
#include "syscalls_ta.h"

#define TA_UUID { 0x11dd3ede, 0xb085, 0x4343, \
		  { 0xa5, 0x7d, 0x5f, 0xbd, 0xe9, 0x1c, 0x16, 0x8b } }
#define TA_FLAGS 0
#define TA_STACK_SIZE (4 * 1024)
#define TA_DATA_SIZE (32 * 1024)
#define TA_VERSION "1.0"
#define TA_DESCRIPTION "litebox sample: syscall coverage"

#define TA_EXTRA_PROPERTIES \
	TA_PROP_BOOL("org.litebox.sample.bool", true), \
	TA_PROP_U32("org.litebox.sample.u32", 0xC0FFEE42u), \
	TA_PROP_U64("org.litebox.sample.u64", 0x0123456789ABCDEFull), \
	TA_PROP_UUID("org.litebox.sample.uuid", \
		     { 0x9139dfc6, 0x476a, 0x496b, \
		       { 0xbc, 0xdb, 0x17, 0x6b, 0x4d, 0x0a, 0xe3, 0x7b } }), \
	TA_PROP_IDENTITY("org.litebox.sample.identity", \
			 { TEE_LOGIN_APPLICATION, \
			   { 0x14d7974a, 0xda4a, 0x41c9, \
			     { 0xad, 0x73, 0xe9, 0x07, 0x4e, 0x9d, 0x4a, 0x15 } } }), \
	TA_PROP_STRING("org.litebox.sample.string", "litebox syscalls sample"), \
	TA_PROP_BINARY("org.litebox.sample.binary", "AAECAwQFBgf/"),
