#include <sdk/ta_header.h>
#include "ta2ta_ta.h"

#if TA2TA_VARIANT == 3
#define TA_UUID TA2TA_CLIENT_UUID
#define TA_FLAGS 0
#define TA_DESCRIPTION "litebox sample: TA-to-TA client"
#elif TA2TA_VARIANT == 2
#define TA_UUID TA2TA_SERVER2_UUID
#define TA_FLAGS (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION)
#define TA_DESCRIPTION "litebox sample: TA-to-TA server (second)"
#else
#define TA_UUID TA2TA_SERVER_UUID
#define TA_FLAGS (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION)
#define TA_DESCRIPTION "litebox sample: TA-to-TA server"
#endif
#define TA_STACK_SIZE (4 * 1024)
#define TA_DATA_SIZE (32 * 1024)
#define TA_VERSION "1.0"
