#include <sdk/ta_header.h>
#include "crypto_ta.h"

#define TA_UUID { 0x01fc082f, 0xf1a3, 0x4f07, \
		  { 0x9e, 0xef, 0xac, 0x17, 0xb5, 0x22, 0x6c, 0x3f } }
#define TA_FLAGS 0
#define TA_STACK_SIZE (8 * 1024)
#define TA_DATA_SIZE (64 * 1024)
#define TA_VERSION "1.0"
#define TA_DESCRIPTION "litebox sample: GP cryptographic API"
