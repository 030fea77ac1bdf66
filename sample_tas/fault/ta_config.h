#include <sdk/ta_header.h>
#include "fault_ta.h"

#define TA_UUID { 0xe274a2e5, 0x8c6d, 0x4e04, \
		  { 0x80, 0x50, 0x19, 0xfb, 0x48, 0x52, 0xce, 0x73 } }
#define TA_FLAGS 0
#define TA_STACK_SIZE (2 * 1024)
#define TA_DATA_SIZE (8 * 1024)
#define TA_VERSION "1.0"
#define TA_DESCRIPTION "litebox sample: CPU faults"
