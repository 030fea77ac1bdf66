#include <sdk/ta_header.h>
#include "sha256_ta.h"

#define TA_UUID { 0x152ec14d, 0x4b2c, 0x43a2, \
		  { 0xbd, 0x82, 0x8a, 0xc4, 0x88, 0x28, 0x29, 0x7d } }
#define TA_FLAGS 0
#define TA_STACK_SIZE (4 * 1024)
#define TA_DATA_SIZE (16 * 1024)
#define TA_VERSION "1.0"
#define TA_DESCRIPTION "litebox sample: SHA-256 in plain C"
