/*
 * linebuf.h: cutting a TCP byte stream into text lines, for the
 * line-based protocols (SMTP, LMTP, POP3, IMAP).
 *
 * A line ends with LF; a CR before it is removed, and `crlf` tells
 * whether there was one: SMTP's end of data is a "." line between two
 * real CRLFs, never one ended by a bare LF (RFC 5321 4.1.1.4).  A line
 * longer than the limit is not returned whole: the reader reports it
 * once as too long and skips to its end, so a peer that never sends LF
 * cannot make the buffer grow without bound (RFC 5321 4.5.3.1.4-6 set
 * the limits).
 */
#ifndef SUREL_LINEBUF_H
#define SUREL_LINEBUF_H

#include <stddef.h>

#include "util.h"

struct linebuf {
	struct buf	 in;		/* bytes not yet consumed */
	size_t		 pos;		/* start of the unread part */
	size_t		 max;		/* longest line accepted, without CRLF */
	int		 skipping;	/* inside an over-long line */
	int		 crlf;		/* the last line returned ended in CRLF, not a bare LF */
};

enum line_status {
	LINE_NONE,		/* no complete line yet */
	LINE_OK,		/* *line, *len: one line, without its CRLF */
	LINE_TOO_LONG,		/* a line over the limit was dropped; *line, *len: its start */
};

void	linebuf_init(struct linebuf *lb, size_t max);
void	linebuf_feed(struct linebuf *lb, const void *p, size_t n);
/* The line stays valid until the next feed. */
enum line_status linebuf_next(struct linebuf *lb, const char **line,
	    size_t *len);
/*
 * Up to max of the bytes after the last line, taken as they are, not as
 * lines: the counted octets of an IMAP literal (RFC 3501 4.3).  *p stays
 * valid until the next feed.  Returns how many.
 */
size_t	linebuf_take(struct linebuf *lb, size_t max, const uint8_t **p);
/* Bytes buffered but not yet returned as lines. */
size_t	linebuf_pending(const struct linebuf *lb);
void	linebuf_free(struct linebuf *lb);

#endif
