#include <sdk/ta_header.h>
#include "tlib_user_ta.h"

#define TA_UUID { 0xe8145c42, 0x7ce6, 0x4f9b, \
		  { 0x93, 0xd4, 0x96, 0xea, 0x47, 0x9f, 0xca, 0xc4 } }
#define TA_FLAGS 0
#define TA_DESCRIPTION "litebox sample: TA shared libraries and dlopen"
#define TA_STACK_SIZE (2 * 1024)
#define TA_DATA_SIZE (16 * 1024)
#define TA_VERSION "1.0"
