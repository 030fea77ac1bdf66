/* Standard base64 (RFC 4648 alphabet, '=' padding) for binary-block properties. */
#include "sdk_private.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool sdk_base64_decode(const char *in, size_t in_len, void *out,
		       size_t *out_len)
{
	uint8_t *dst = out;
	size_t cap = *out_len;
	size_t produced = 0;
	uint32_t acc = 0;
	unsigned int bits = 0;
	size_t n;

	for (n = 0; n < in_len && in[n] && in[n] != '='; n++) {
		int v = sextet(in[n]);

		if (v < 0)
			continue;	/* skip whitespace and stray characters */
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (produced < cap)
				dst[produced] = (uint8_t)(acc >> bits);
			produced++;
		}
	}
	*out_len = produced;
	return produced <= cap;
}

bool sdk_base64_encode(const void *in, size_t in_len, char *out,
		       size_t *out_len)
{
	const uint8_t *src = in;
	size_t need = ((in_len + 2) / 3) * 4 + 1;
	size_t cap = *out_len;
	size_t i;
	size_t o = 0;

	*out_len = need;
	if (cap < need)
		return false;
	for (i = 0; i < in_len; i += 3) {
		uint32_t chunk = (uint32_t)src[i] << 16;
		size_t left = in_len - i;

		if (left > 1)
			chunk |= (uint32_t)src[i + 1] << 8;
		if (left > 2)
			chunk |= src[i + 2];
		out[o++] = alphabet[(chunk >> 18) & 63];
		out[o++] = alphabet[(chunk >> 12) & 63];
		out[o++] = left > 1 ? alphabet[(chunk >> 6) & 63] : '=';
		out[o++] = left > 2 ? alphabet[chunk & 63] : '=';
	}
	out[o] = '\0';
	return true;
}
