#include <sdk/ta_header.h>
#include "panic_ta.h"

#ifdef PANIC_IN_CREATE
#define TA_UUID { 0x785e82e7, 0xc1e9, 0x4616, \
		  { 0xb2, 0x8d, 0xf7, 0x54, 0x2d, 0x09, 0x20, 0xa0 } }
#define TA_DESCRIPTION "litebox sample: panics in TA_CreateEntryPoint"
#else
#define TA_UUID { 0xe18aa75e, 0xcfa6, 0x4a97, \
		  { 0xa2, 0x84, 0x61, 0x22, 0x17, 0x4f, 0xb2, 0x49 } }
#define TA_DESCRIPTION "litebox sample: panics on request"
#endif
#define TA_FLAGS 0
#define TA_STACK_SIZE (2 * 1024)
#define TA_DATA_SIZE (8 * 1024)
#define TA_VERSION "1.0"
