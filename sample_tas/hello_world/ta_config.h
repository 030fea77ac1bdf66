#include <sdk/ta_header.h>
#include "hello_world_ta.h"

#define TA_UUID { 0x2a9145a6, 0xce70, 0x417f, \
		  { 0x93, 0xab, 0xfd, 0x61, 0xd7, 0xf9, 0x91, 0x12 } }
#define TA_FLAGS 0
#define TA_STACK_SIZE (2 * 1024)
#define TA_DATA_SIZE (32 * 1024)
#define TA_VERSION "1.0"
#define TA_DESCRIPTION "litebox sample: increment/decrement a value"
