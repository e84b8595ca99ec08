/*
 * linebuf.c: see linebuf.h.
 */
#include "linebuf.h"

#include <string.h>

void
linebuf_init(struct linebuf *lb, size_t max)
{
	memset(lb, 0, sizeof *lb);
	lb->max = max;
}

void
linebuf_feed(struct linebuf *lb, const void *p, size_t n)
{
	/* Drop what was consumed before growing. */
	if (lb->pos > 0) {
		memmove(lb->in.data, lb->in.data + lb->pos, lb->in.len - lb->pos);
		lb->in.len -= lb->pos;
		lb->pos = 0;
	}
	buf_append(&lb->in, p, n);
}

enum line_status
linebuf_next(struct linebuf *lb, const char **line, size_t *len)
{
	for (;;) {
		const uint8_t *start = lb->in.data + lb->pos;
		size_t avail = lb->in.len - lb->pos;
		const uint8_t *lf = avail ? memchr(start, '\n', avail) : NULL;

		if (lf == NULL) {
			if (avail > lb->max + 1 && !lb->skipping) {
				/*
				 * Too long already, and still no end: forget it.
				 * Its start stays readable (an IMAP server answers
				 * with the tag it finds there, RFC 3501 7.1.5).
				 */
				lb->skipping = 1;
				lb->pos = lb->in.len;
				*line = (const char *)start;
				*len = avail;
				return LINE_TOO_LONG;
			}
			if (lb->skipping)
				lb->pos = lb->in.len;
			return LINE_NONE;
		}
		size_t n = (size_t)(lf - start);
		lb->pos += n + 1;
		if (lb->skipping) {
			/* The end of a line already reported as too long. */
			lb->skipping = 0;
			continue;
		}
		lb->crlf = n > 0 && start[n - 1] == '\r';
		if (lb->crlf)
			n--;
		*line = (const char *)start;
		*len = n;
		return n > lb->max ? LINE_TOO_LONG : LINE_OK;
	}
}

size_t
linebuf_take(struct linebuf *lb, size_t max, const uint8_t **p)
{
	size_t n = lb->in.len - lb->pos;

	if (n > max)
		n = max;
	*p = lb->in.data + lb->pos;
	lb->pos += n;
	return n;
}

size_t
linebuf_pending(const struct linebuf *lb)
{
	return lb->in.len - lb->pos;
}

void
linebuf_free(struct linebuf *lb)
{
	buf_free(&lb->in);
	lb->pos = 0;
}
