/*
 * base64.h: the base64 alphabet of RFC 4648 section 4, as MIME uses it
 * for attachments (RFC 2045 section 6.8) and encoded words (RFC 2047
 * section 4.1).
 */
#ifndef SUREL_BASE64_H
#define SUREL_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * Appends the base64 form of in[0..n) to out.  With wrap, lines of 76
 * characters, each ended by CRLF, the last one too (RFC 2045 6.8);
 * without wrap, one line and no CRLF.  n == 0 appends nothing.
 */
void	 b64_encode(const uint8_t *in, size_t n, struct buf *out, int wrap);

/*
 * Appends the bytes that in[0..n) encodes to out.  CR, LF, space and
 * tab are skipped; any other character outside the alphabet, a missing
 * or misplaced '=', data after the padding, or pad bits that are not
 * zero return -1 and leave out as it was.  Returns 0 otherwise.
 */
int	 b64_decode(const char *in, size_t n, struct buf *out);

/*
 * The forgiving decoder mail readers use on damaged bodies: skips every
 * character outside the alphabet, stops at the first '=' that ends a
 * quantum, and keeps the bytes of a trailing partial quantum.  Appends
 * to out and returns how many bytes it appended.
 */
size_t	 b64_decode_lenient(const char *in, size_t n, struct buf *out);

#endif
