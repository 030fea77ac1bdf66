#include <sdk/ta_header.h>
#include "params_ta.h"

#define TA_UUID { 0x0b764b85, 0xc144, 0x4fad, \
		  { 0xa3, 0x98, 0xf5, 0xad, 0xec, 0x3e, 0x16, 0x36 } }
#define TA_FLAGS 0
#define TA_STACK_SIZE (2 * 1024)
#define TA_DATA_SIZE (8 * 1024)
#define TA_VERSION "1.0"
#define TA_DESCRIPTION "litebox sample: parameter passing"
