#include <sdk/ta_header.h>
#include "storage_ta.h"

#if STORAGE_VARIANT == 2
/* storage_keep: corrupt objects leave the handle open */
#define TA_UUID { 0xc5582ee7, 0xf0dc, 0x42e2, \
		  { 0xb0, 0x56, 0x2f, 0x6b, 0x2e, 0xd6, 0x0c, 0xf5 } }
#define TA_FLAGS TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT
#define TA_DESCRIPTION "litebox sample: trusted storage (keeps corrupt handles)"
#else
#define TA_UUID { 0x1e3672b5, 0xa15c, 0x4186, \
		  { 0x9f, 0xdc, 0x55, 0xc2, 0xda, 0x04, 0xa5, 0x12 } }
#define TA_FLAGS 0
#define TA_DESCRIPTION "litebox sample: trusted storage"
#endif
#define TA_STACK_SIZE (4 * 1024)
#define TA_DATA_SIZE (64 * 1024)
#define TA_VERSION "1.0"
