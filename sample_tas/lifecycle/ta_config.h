#include <sdk/ta_header.h>
#include "lifecycle_ta.h"

#if LIFECYCLE_VARIANT == 1
#define TA_UUID { 0x7683ebe4, 0x9572, 0x4d12, \
		  { 0xb4, 0xa6, 0x80, 0x45, 0xc3, 0x09, 0xbf, 0xc1 } }
#define TA_FLAGS (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION | \
		  TA_FLAG_INSTANCE_KEEP_ALIVE)
#define TA_DESCRIPTION "litebox sample: lifecycle, single instance, multi session, keep alive"
#elif LIFECYCLE_VARIANT == 2
#define TA_UUID { 0x2d26bc4b, 0x18f2, 0x4d00, \
		  { 0x83, 0x6c, 0xf1, 0xc4, 0xd5, 0x06, 0xb8, 0xaf } }
#define TA_FLAGS TA_FLAG_SINGLE_INSTANCE
#define TA_DESCRIPTION "litebox sample: lifecycle, single instance, single session"
#elif LIFECYCLE_VARIANT == 3
#define TA_UUID { 0x6a6b5324, 0x8f50, 0x418c, \
		  { 0xa5, 0x2f, 0x3e, 0xe2, 0x4e, 0x2e, 0x8a, 0x3e } }
#define TA_FLAGS 0
#define TA_DESCRIPTION "litebox sample: lifecycle, multi instance"
#else
#error "LIFECYCLE_VARIANT must be 1, 2 or 3"
#endif

#define TA_STACK_SIZE (2 * 1024)
#define TA_DATA_SIZE (8 * 1024)
#define TA_VERSION "1.0"
