/*
 * mime.h: the text of header fields: RFC 2047 encoded words, RFC 5322
 * folding, address lists, MIME parameters (RFC 2045 5.1, RFC 2231) and
 * the RFC 5322 3.3 date.  Pure functions over struct buf.
 */
#ifndef SUREL_MIME_H
#define SUREL_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * Appends "Name: value\r\n".  Words of printable ASCII are written as
 * they are; runs of words with other bytes (or that would read as an
 * encoded word, or are too long to fold) become =?UTF-8?B?...?= encoded
 * words of at most 75 characters, never splitting a UTF-8 character.
 * Lines are folded with CRLF + space to at most 78 characters (76 where
 * a line carries an encoded word, RFC 2047 section 2).
 */
void	 mime_header_text(struct buf *out, const char *name, const char *utf8);

/*
 * Appends an address-list field, "To: a@x, b@y\r\n", folded between
 * addresses.  Each entry is "addr" or "Display Name <addr>"; a display
 * name that is not plain ASCII becomes encoded words, one with RFC 5322
 * specials a quoted string.
 */
void	 mime_header_addresses(struct buf *out, const char *name,
	    const char *const *addrs, int n);

/*
 * Appends "Name: value; p1=\"v1\"; p2=\"v2\"\r\n", params being pairs
 * of name and value ended by NULL (NULL for none).  Values that are not
 * tokens, and file names always, are quoted; one not printable ASCII is written in RFC 2231's extended
 * form (filename*=UTF-8''%E2%82%AC.txt), one too long for a line in
 * numbered sections (filename*0=, filename*1=).  Folded between
 * parameters.
 */
void	 mime_header_params(struct buf *out, const char *name,
	    const char *value, const char *const *params);

/*
 * Appends "Name: text\r\n" folded at white space, never encoded: for
 * fields read by programs rather than people (RFC 3464's).  Bytes
 * outside printable ASCII become '?'.
 */
void	 mime_header_plain(struct buf *out, const char *name,
	    const char *text);

/*
 * Decodes the encoded words of a header value (B and Q, RFC 2047
 * section 4), dropping the white space between adjacent encoded words
 * (section 6.2).  UTF-8, US-ASCII and ISO-8859-1 are converted; the
 * result is always valid UTF-8 without NUL (bad bytes become U+FFFD).
 * Returns a heap string the caller frees.
 */
char	*mime_decode_words(const char *s);

/*
 * Appends "Mon, 05 Jan 2026 08:00:00 +0700" (RFC 5322 section 3.3):
 * the instant unix_seconds seen in the zone offset_min minutes east of
 * UTC.  The calendar is computed here, not by the C library's zone.
 */
void	 mime_date(struct buf *out, int64_t unix_seconds, int offset_min);
/* Days since 1970-01-01 of a proleptic Gregorian date (m 1-12, d 1-31). */
int64_t	 mime_days_from_civil(int64_t y, int m, int d);
/* "Jan".."Dec" in any case to 1..12; 0 when s[0..n) is no month. */
int	 mime_month(const char *s, size_t n);
/*
 * The calendar day an RFC 5322 3.3 date-time names, as written: "Mon,
 * 05 Jan 2026 08:00:00 +0700" is 2026-01-05 whatever its zone (what
 * IMAP's SENTON compares, RFC 3501 6.4.4), in days since 1970-01-01.
 * Obsolete two-digit years are read as 4.3 says.  Returns 0, or -1
 * when value does not start with a date.
 */
int	 mime_date_day(const char *value, int64_t *day);
/*
 * Appends p[0..n), text in charset (a Content-Type charset parameter,
 * NULL for none), as UTF-8: ISO-8859-1 is converted, UTF-8 and
 * US-ASCII copied; the bytes are not checked (mime_utf8_clean() does).
 */
void	 mime_text_to_utf8(const char *charset, const uint8_t *p, size_t n,
	    struct buf *out);

/*
 * The value of parameter name (case-insensitive) of a structured field
 * value such as "text/plain; charset=UTF-8".  Quoted strings are
 * unquoted and RFC 2231 extended values (name*=, name*0*= ...) are
 * joined, percent-decoded and converted from ISO-8859-1 where they say
 * so; these win over a plain name=.  The bytes are not checked for
 * UTF-8 (mime_utf8_clean() does that).  Returns a heap string, or NULL
 * when the parameter is absent.
 */
char	*mime_param(const char *value, const char *name);

/*
 * mime_param() for text shown to people (file names): valid UTF-8, and
 * a plain value's RFC 2047 words decoded, as many mailers write them
 * inside quotes although RFC 2047 section 5 forbids it.  An RFC 2231
 * value is not decoded twice.  Heap string, or NULL when absent.
 */
char	*mime_param_text(const char *value, const char *name);

/*
 * The lower-case "type/subtype" of a Content-Type value, or NULL when
 * it is not one (RFC 2045 5.2 then says text/plain).  Heap string.
 */
char	*mime_content_type(const char *value);

/*
 * Appends p[0..n) as valid UTF-8: an invalid sequence or a NUL becomes
 * U+FFFD, so that the text is safe in JSON and C strings.
 */
void	 mime_utf8_clean(struct buf *out, const uint8_t *p, size_t n);

#endif
