/*
 * fuzz_pop3.c: libFuzzer target for the POP3 codec (pop3_wire.c).
 *
 * The input is cut into lines as a server and a client would; every
 * line goes through the command parser, the status-line reader and the
 * STAT and listing readers, and the lines are read as the body of a
 * multi-line reply.  Properties checked on the way (abort() on failure):
 *   - a parsed command is well formed: a known verb, a string argument
 *     of at most 40 printable characters, numbers within their count,
 *     and writing it out again parses to the same command;
 *   - a response code is short and printable, the text lies inside the line;
 *   - TOP never sends more than the message;
 *   - stuffing the whole input and unstuffing it line by line gives back
 *     its lines with CRLF ends, and the reader stops exactly at the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linebuf.h"
#include "pop3_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_command(const char *line, size_t n)
{
	struct pop3_cmd c, again;
	char out[POP3_CMD_MAX + 64];
	int rc = pop3_parse_command(line, n, &c);

	if (rc != POP3_PARSE_OK)
		return;
	if ((unsigned)c.verb >= POP3_NVERBS || c.nnum < 0 || c.nnum > 2)
		abort();
	size_t al = strlen(c.arg);
	if (al > POP3_ARG_MAX)
		abort();
	for (size_t i = 0; i < al; i++)
		if ((unsigned char)c.arg[i] < 0x20 || c.arg[i] == 0x7f ||
		    (c.verb == POP3_USER && c.arg[i] == ' '))
			abort();
	/* Written out the canonical way, it must parse to the same command. */
	if (c.verb == POP3_USER || c.verb == POP3_PASS)
		snprintf(out, sizeof out, "%s %s", pop3_verb_str(c.verb), c.arg);
	else if (c.nnum == 2)
		snprintf(out, sizeof out, "%s %u %u", pop3_verb_str(c.verb),
		    (unsigned)c.n, (unsigned)c.m);
	else if (c.nnum == 1)
		snprintf(out, sizeof out, "%s %u", pop3_verb_str(c.verb),
		    (unsigned)c.n);
	else
		snprintf(out, sizeof out, "%s", pop3_verb_str(c.verb));
	if (pop3_parse_command(out, strlen(out), &again) != POP3_PARSE_OK ||
	    again.verb != c.verb || again.nnum != c.nnum || again.n != c.n ||
	    again.m != c.m || strcmp(again.arg, c.arg) != 0)
		abort();
}

static void
check_status(const char *line, size_t n)
{
	struct pop3_reply r;
	uint32_t count;
	uint64_t octets;
	char val[POP3_UID_MAX + 1];

	if (pop3_parse_status(line, n, &r) == 0) {
		if (r.text < line || r.text + r.textlen > line + n)
			abort();
		size_t cl = strlen(r.code);
		if (cl > POP3_CODE_MAX)
			abort();
		for (size_t i = 0; i < cl; i++)
			if ((unsigned char)r.code[i] <= 0x20 ||
			    (unsigned char)r.code[i] >= 0x7f)
				abort();
		pop3_parse_stat(r.text, r.textlen, &count, &octets);
	}
	if (pop3_parse_listing(line, n, &count, val) == 0 &&
	    (strlen(val) == 0 || strlen(val) > POP3_UID_MAX))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linebuf lb;
	struct buf body = { 0 };
	const char *line;
	size_t n;
	enum line_status st;
	int ended = 0;

	/* As a server reads commands, and a client replies and bodies. */
	linebuf_init(&lb, POP3_RESP_MAX - 2);
	linebuf_feed(&lb, data, size);
	while ((st = linebuf_next(&lb, &line, &n)) != LINE_NONE) {
		if (st != LINE_OK)
			continue;
		check_command(line, n);
		check_status(line, n);
		if (!ended)
			ended = pop3_unstuff_line(line, n, &body);
	}
	linebuf_free(&lb);
	buf_free(&body);

	/* TOP with any line count stays inside the message. */
	uint32_t lines = size > 0 ? data[0] : 0;
	if (pop3_top_len(data, size, lines) > size ||
	    pop3_top_len(data, size, UINT32_MAX) > size)
		abort();

	/* Round trip: stuff, then unstuff line by line; compare. */
	struct buf wire = { 0 }, back = { 0 }, want = { 0 };
	pop3_stuff(data, size, &wire);
	linebuf_init(&lb, wire.len + 1);
	linebuf_feed(&lb, wire.data, wire.len);
	ended = 0;
	while (!ended && linebuf_next(&lb, &line, &n) == LINE_OK)
		ended = pop3_unstuff_line(line, n, &back);
	/* The final "." is the last line: nothing may be left after it. */
	if (!ended || linebuf_pending(&lb) != 0)
		abort();
	/* Each line of the input, the CR of a CRLF removed, with CRLF. */
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
	if (back.len != want.len || (want.len && memcmp(back.data, want.data,
	    want.len) != 0))
		abort();
	linebuf_free(&lb);
	buf_free(&wire);
	buf_free(&back);
	buf_free(&want);
	return 0;
}
