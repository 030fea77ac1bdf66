#include <sdk/ta_header.h>
#include "services_ta.h"

#define TA_UUID { 0x6d8cf210, 0x0a96, 0x418a, \
		  { 0xa5, 0x85, 0x9e, 0xfc, 0xf9, 0x1f, 0xb8, 0x21 } }
#define TA_FLAGS 0
#define TA_DESCRIPTION "litebox sample: plugins, sockets, keys, attestation"
#define TA_STACK_SIZE (4 * 1024)
#define TA_DATA_SIZE (32 * 1024)
#define TA_VERSION "1.0"
