/*
 * A tee-supplicant plugin for the services sample TA, written against the
 * plugin ABI (tee_plugin_method.h in OP-TEE's client): a shared object that
 * exports `plugin_method`. Build it with the host compiler, e.g.
 *
 *   cc -shared -fPIC -o b587e5f0-f203-4309-aafb-03d1639aab00.plugin sample_plugin.c
 *
 * and put it in the plugin directory (--plugin-dir).
 *
 * Commands (cmd; data is the TA's buffer, *out_len what the plugin reports):
 *   0 PING      nothing; out_len 0
 *   1 ADD       data: two little-endian u32; their sum replaces the first;
 *               out_len 4
 *   2 UPPER     ASCII letters of data upper-cased; out_len = in_len
 *   3 GREETING  "plugin says hello" (with its NUL) into data if it fits,
 *               else TEEC_ERROR_SHORT_BUFFER; out_len 18
 *   4 COUNT     data: u32 = calls of COUNT so far (init() starts at 100)
 *   5 SUBCMD    data: u32 = sub_cmd
 *   other       TEEC_ERROR_NOT_SUPPORTED
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint32_t TEEC_Result;

typedef struct {
	uint32_t timeLow;
	uint16_t timeMid;
	uint16_t timeHiAndVersion;
	uint8_t clockSeqAndNode[8];
} TEEC_UUID;

struct plugin_method {
	const char *name;
	TEEC_UUID uuid;
	TEEC_Result (*init)(void);
	TEEC_Result (*invoke)(unsigned int cmd, unsigned int sub_cmd,
			      void *data, size_t in_len, size_t *out_len);
};

#define TEEC_SUCCESS			0x00000000u
#define TEEC_ERROR_BAD_PARAMETERS	0xFFFF0006u
#define TEEC_ERROR_NOT_SUPPORTED	0xFFFF000Au
#define TEEC_ERROR_SHORT_BUFFER		0xFFFF0010u

static uint32_t count;

static TEEC_Result sample_init(void)
{
	count = 100;
	return TEEC_SUCCESS;
}

static TEEC_Result put_u32(void *data, size_t in_len, uint32_t v,
			   size_t *out_len)
{
	if (in_len < sizeof(v))
		return TEEC_ERROR_BAD_PARAMETERS;
	memcpy(data, &v, sizeof(v));
	*out_len = sizeof(v);
	return TEEC_SUCCESS;
}

static TEEC_Result sample_invoke(unsigned int cmd, unsigned int sub_cmd,
				 void *data, size_t in_len, size_t *out_len)
{
	static const char greeting[] = "plugin says hello";
	unsigned char *p = data;
	uint32_t a;
	uint32_t b;
	size_t i;

	*out_len = 0;
	switch (cmd) {
	case 0:
		return TEEC_SUCCESS;
	case 1:
		if (in_len < 8)
			return TEEC_ERROR_BAD_PARAMETERS;
		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		return put_u32(data, in_len, a + b, out_len);
	case 2:
		for (i = 0; i < in_len; i++)
			if (p[i] >= 'a' && p[i] <= 'z')
				p[i] = (unsigned char)(p[i] - 'a' + 'A');
		*out_len = in_len;
		return TEEC_SUCCESS;
	case 3:
		*out_len = sizeof(greeting);
		if (in_len < sizeof(greeting))
			return TEEC_ERROR_SHORT_BUFFER;
		memcpy(data, greeting, sizeof(greeting));
		return TEEC_SUCCESS;
	case 4:
		return put_u32(data, in_len, count++, out_len);
	case 5:
		return put_u32(data, in_len, sub_cmd, out_len);
	default:
		return TEEC_ERROR_NOT_SUPPORTED;
	}
}

struct plugin_method plugin_method = {
	.name = "litebox-sample",
	.uuid = { 0xb587e5f0, 0xf203, 0x4309,
		  { 0xaa, 0xfb, 0x03, 0xd1, 0x63, 0x9a, 0xab, 0x00 } },
	.init = sample_init,
	.invoke = sample_invoke,
};
