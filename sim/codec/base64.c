/*
 * base64.c: RFC 4648 base64 (section 4, the standard alphabet with '='
 * padding), wrapped as RFC 2045 section 6.8 asks for message bodies.
 *
 * Every 3 input bytes become 4 characters of 6 bits each; a final group
 * of 1 or 2 bytes is padded with "==" or "=" (RFC 4648 section 4).
 */
#include "base64.h"

#include <string.h>

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* RFC 2045 6.8: "encoded lines must not be longer than 76 characters". */
#define B64_LINE	76

static int	b64_value(unsigned char c);

/* The 6-bit value of each byte, or -1 where it is not in the alphabet (RFC 4648 table 1). */
static const signed char b64_values[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* The 6-bit value of an alphabet character, or -1. */
static int
b64_value(unsigned char c)
{
	/* A table: a message body is decoded a byte at a time (issue 16). */
	return b64_values[c];
}

void
b64_encode(const uint8_t *in, size_t n, struct buf *out, int wrap)
{
	size_t chars = (n + 2) / 3 * 4;
	size_t col = 0;

	/* One reservation, the characters plus a CRLF per line; then the
	 * bytes go straight in, as attachments can be megabytes. */
	buf_reserve(out, chars + (wrap ? 2 * (chars / B64_LINE + 1) : 0));
	char *o = (char *)out->data + out->len;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t left = n - i;

		if (left > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (left > 2)
			v |= in[i + 2];
		o[0] = b64_alphabet[(v >> 18) & 63];
		o[1] = b64_alphabet[(v >> 12) & 63];
		o[2] = left > 1 ? b64_alphabet[(v >> 6) & 63] : '=';
		o[3] = left > 2 ? b64_alphabet[v & 63] : '=';
		o += 4;
		/* 76 is a multiple of 4, so a quantum never straddles lines. */
		col += 4;
		if (wrap && col == B64_LINE) {
			*o++ = '\r';
			*o++ = '\n';
			col = 0;
		}
	}
	if (wrap && col > 0) {
		*o++ = '\r';
		*o++ = '\n';
	}
	out->len = (size_t)(o - (char *)out->data);
	out->data[out->len] = '\0';	/* util.h: always NUL-terminated */
}

int
b64_decode(const char *in, size_t n, struct buf *out)
{
	size_t start = out->len;
	uint32_t acc = 0;
	int have = 0;		/* characters of the current quantum */
	int pad = 0;		/* '=' seen so far */

	buf_reserve(out, n / 4 * 3 + 3);
	uint8_t *o = out->data + out->len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
			continue;
		if (c == '=') {
			/*
			 * RFC 4648 section 4: padding only fills the third
			 * and fourth character of the final quantum.
			 */
			if (have + pad < 2)
				goto bad;
			pad++;
			if (have + pad > 4)
				goto bad;
			continue;
		}
		int v = b64_value(c);
		if (v < 0 || pad > 0)	/* data after '=' is not base64 */
			goto bad;
		acc = (acc << 6) | (uint32_t)v;
		if (++have == 4) {
			*o++ = (uint8_t)(acc >> 16);
			*o++ = (uint8_t)(acc >> 8);
			*o++ = (uint8_t)acc;
			acc = 0;
			have = 0;
		}
	}
	if (pad > 0) {
		if (have + pad != 4)
			goto bad;
		/*
		 * RFC 4648 3.5: the bits the padding leaves over must be
		 * zero; rejecting others keeps one text per byte string.
		 */
		if (have == 2) {
			if (acc & 0xf)
				goto bad;
			*o++ = (uint8_t)(acc >> 4);
		} else {
			if (acc & 0x3)
				goto bad;
			*o++ = (uint8_t)(acc >> 10);
			*o++ = (uint8_t)(acc >> 2);
		}
	} else if (have != 0)
		goto bad;	/* unpadded final quantum */
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
	return 0;
bad:
	out->len = start;
	out->data[start] = '\0';
	return -1;
}

size_t
b64_decode_lenient(const char *in, size_t n, struct buf *out)
{
	size_t start = out->len;
	uint32_t acc = 0;
	int have = 0;

	buf_reserve(out, n / 4 * 3 + 3);
	uint8_t *o = out->data + out->len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		/* A '=' after two or three characters is the real end. */
		if (c == '=' && have >= 2)
			break;
		int v = b64_value(c);
		if (v < 0)
			continue;
		acc = (acc << 6) | (uint32_t)v;
		if (++have == 4) {
			*o++ = (uint8_t)(acc >> 16);
			*o++ = (uint8_t)(acc >> 8);
			*o++ = (uint8_t)acc;
			acc = 0;
			have = 0;
		}
	}
	/* A lone trailing character carries fewer than 8 bits: dropped. */
	if (have == 2)
		*o++ = (uint8_t)(acc >> 4);
	else if (have == 3) {
		*o++ = (uint8_t)(acc >> 10);
		*o++ = (uint8_t)(acc >> 2);
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
	return out->len - start;
}
