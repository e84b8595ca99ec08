/*
 * test_imap.c: IMAP4rev1 (RFC 3501).  The codec on bytes (framing with
 * literals and the continuation, tags, quoted strings, sequence sets,
 * FETCH items, STORE and SEARCH arguments, response reading, choosing
 * atom, quoted or literal); the server driven by a small client of our
 * own that sends raw commands over the simulated TCP; and the scenarios
 * where devices fetch by IMAP, checked through the state they leave.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imap.h"
#include "mail.h"
#include "message.h"
#include "tcp.h"
#include "world.h"

/* ---- codec: commands ------------------------------------------------ */

static int
cmd(const char *line, struct imap_cmd *c)
{
	imap_cmd_free(c);
	return imap_parse_command((const uint8_t *)line, strlen(line), c);
}

START_TEST(test_tags_and_commands)
{
	struct imap_cmd c;

	memset(&c, 0, sizeof c);
	ck_assert_int_eq(cmd("a1 LOGIN penerima rahasia\r\n", &c), 0);
	ck_assert_str_eq(c.tag, "a1");
	ck_assert_int_eq(c.verb, IMAP_LOGIN);
	ck_assert_str_eq(c.user->s, "penerima");
	ck_assert_str_eq(c.pass->s, "rahasia");
	/* Names are case-insensitive; the final CRLF may be missing. */
	ck_assert_int_eq(cmd("A001 noop", &c), 0);
	ck_assert_str_eq(c.tag, "A001");
	ck_assert_int_eq(c.verb, IMAP_NOOP);
	ck_assert_int_eq(cmd("x.y uid fetch 1:* FLAGS\r\n", &c), 0);
	ck_assert_int_eq(c.uid, 1);
	ck_assert_int_eq(c.verb, IMAP_FETCH);
	/* A tag may not hold "+", "*", "(" and the like. */
	ck_assert_int_eq(cmd("+a NOOP\r\n", &c), IMAP_PARSE_NOTAG);
	ck_assert_int_eq(cmd("* NOOP\r\n", &c), IMAP_PARSE_NOTAG);
	ck_assert_str_eq(c.tag, "*");
	ck_assert_int_eq(cmd("\x01\x02 hello\r\n", &c), IMAP_PARSE_NOTAG);
	ck_assert_int_eq(cmd("\r\n", &c), IMAP_PARSE_NOTAG);
	char tag[80];
	memset(tag, 't', 70);
	strcpy(tag + 70, " NOOP");
	ck_assert_int_eq(cmd(tag, &c), IMAP_PARSE_NOTAG);
	ck_assert_int_eq(cmd("a1 FROB\r\n", &c), IMAP_PARSE_UNKNOWN);
	ck_assert_str_eq(c.tag, "a1");
	ck_assert_int_eq(cmd("a1 UID EXPUNGE 1\r\n", &c), IMAP_PARSE_UNKNOWN);
	ck_assert_int_eq(cmd("a1\r\n", &c), IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a1 NOOP now\r\n", &c), IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a1  NOOP\r\n", &c), IMAP_PARSE_UNKNOWN);
	ck_assert_int_eq(cmd("a1 LOGIN  u p\r\n", &c), IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a1 LOGIN u\r\n", &c), IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a1 LOGIN u p \r\n", &c), IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a1 LOGIN (u) p\r\n", &c), IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a1 SELECT INBOX\r\n", &c), 0);
	ck_assert_str_eq(c.mailbox->s, "INBOX");
	ck_assert_int_eq(cmd("a1 STATUS INBOX (MESSAGES UIDNEXT)\r\n", &c), 0);
	ck_assert_int_eq(c.status, IMAP_STATUS_MESSAGES | IMAP_STATUS_UIDNEXT);
	ck_assert_int_eq(cmd("a1 LIST \"\" *\r\n", &c), 0);
	ck_assert_str_eq(c.mailbox2->s, "*");
	imap_cmd_free(&c);
}
END_TEST

START_TEST(test_quoted_strings)
{
	struct imap_cmd c;

	memset(&c, 0, sizeof c);
	ck_assert_int_eq(cmd("a LOGIN \"pe nerima\" \"ra\\\"ha\\\\sia\"\r\n",
	    &c), 0);
	ck_assert_str_eq(c.user->s, "pe nerima");
	ck_assert_int_eq(c.user->type, IMAP_V_QUOTED);
	ck_assert_str_eq(c.pass->s, "ra\"ha\\sia");
	ck_assert_int_eq(cmd("a LOGIN \"\" \"\"\r\n", &c), 0);
	ck_assert_uint_eq(c.user->len, 0);
	/* Only \" and \\ are escapes; CR and LF need a literal. */
	ck_assert_int_eq(cmd("a LOGIN \"a\\b\" p\r\n", &c), IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a LOGIN \"open p\r\n", &c), IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a LOGIN \"a\rb\" p\r\n", &c), IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a LOGIN \"a\" p\"\r\n", &c), IMAP_PARSE_SYNTAX);
	imap_cmd_free(&c);
}
END_TEST

/*
 * Reading as the server reads (imap_server.c's sess_data, then the
 * skeleton's msess_lines): the octets of a literal under way first,
 * the rest as lines, each handed to imap_in.  What imap_in says of
 * each line that ends something is noted, with a copy of the unit.
 */
#define RD_MAX	8

struct rd {
	struct linebuf	 lb;
	struct imap_in	 in;
	int		 n;		/* what was noted */
	enum imap_frame	 st[RD_MAX];
	uint64_t	 lit[RD_MAX];
	struct buf	 unit[RD_MAX];
};

static void
rd_init(struct rd *r)
{
	memset(r, 0, sizeof *r);
	linebuf_init(&r->lb, IMAP_LINE_MAX);
	imap_in_init(&r->in, IMAP_LINE_MAX, IMAP_LITERAL_MAX);
}

static void
rd_free(struct rd *r)
{
	for (int i = 0; i < RD_MAX; i++)
		buf_free(&r->unit[i]);
	imap_in_free(&r->in);
	linebuf_free(&r->lb);
}

static void
rd_feed(struct rd *r, const char *p, size_t n)
{
	const char *line;
	size_t len, k;
	enum line_status st;
	uint64_t lit;

	k = imap_in_octets(&r->in, (const uint8_t *)p, n);
	linebuf_feed(&r->lb, p + k, n - k);
	while ((st = linebuf_next(&r->lb, &line, &len)) != LINE_NONE) {
		enum imap_frame f = imap_in_line(&r->lb, &r->in, st, line, len,
		    &lit);

		ck_assert_int_lt(r->n, RD_MAX);
		r->st[r->n] = f;
		r->lit[r->n] = lit;
		buf_append(&r->unit[r->n], r->in.unit.data, r->in.unit.len);
		r->n++;
	}
}

static void
rd_puts(struct rd *r, const char *p)
{
	rd_feed(r, p, strlen(p));
}

START_TEST(test_literals_and_continuation)
{
	struct rd r;
	struct imap_cmd c;
	const char *login = "a LOGIN {8}\r\npenerima {7}\r\nrahasia\r\n";

	rd_init(&r);
	/* The client announces a literal and waits for "+" (RFC 3501 7.5). */
	rd_puts(&r, "a LOGIN {8}\r\n");
	ck_assert_int_eq(r.n, 1);
	ck_assert_int_eq(r.st[0], IMAP_FRAME_LITERAL);
	ck_assert_uint_eq(r.lit[0], 8);
	/* Nothing more yet: nothing more to say. */
	rd_puts(&r, "");
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(r.in.lit, 8);
	rd_puts(&r, "penerima {7}\r\n");
	ck_assert_int_eq(r.n, 2);
	ck_assert_int_eq(r.st[1], IMAP_FRAME_LITERAL);
	ck_assert_uint_eq(r.lit[1], 7);
	rd_puts(&r, "rahasia\r\nb NOOP\r\n");
	ck_assert_int_eq(r.n, 4);
	ck_assert_int_eq(r.st[2], IMAP_FRAME_DONE);
	ck_assert_uint_eq(r.unit[2].len, strlen(login));
	ck_assert_mem_eq(r.unit[2].data, login, strlen(login));
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(imap_parse_command(r.unit[2].data, r.unit[2].len, &c),
	    0);
	ck_assert_str_eq(c.user->s, "penerima");
	ck_assert_int_eq(c.user->type, IMAP_V_LITERAL);
	ck_assert_str_eq(c.pass->s, "rahasia");
	/* The next command follows in the same bytes. */
	ck_assert_int_eq(r.st[3], IMAP_FRAME_DONE);
	ck_assert_uint_eq(r.unit[3].len, 8);
	ck_assert_mem_eq(r.unit[3].data, "b NOOP\r\n", 8);
	rd_free(&r);

	/* A literal may hold CRLF: the command does not end there. */
	const char *crlf = "a LOGIN {4}\r\na\r\nb x\r\n";
	rd_init(&r);
	rd_puts(&r, crlf);
	ck_assert_int_eq(r.n, 2);
	ck_assert_int_eq(r.st[0], IMAP_FRAME_LITERAL);
	ck_assert_int_eq(r.st[1], IMAP_FRAME_DONE);
	ck_assert_uint_eq(r.unit[1].len, strlen(crlf));
	ck_assert_mem_eq(r.unit[1].data, crlf, strlen(crlf));
	ck_assert_int_eq(cmd(crlf, &c), 0);
	ck_assert_mem_eq(c.user->s, "a\r\nb", 4);
	rd_free(&r);

	/* Byte by byte, as a slow link would deliver it. */
	rd_init(&r);
	int done = 0;
	for (size_t n = 0; n < strlen(crlf); n++) {
		rd_feed(&r, crlf + n, 1);
		if (!done && r.n == 2) {
			done = 1;
			ck_assert_uint_eq(n + 1, strlen(crlf));
		}
	}
	ck_assert_int_eq(r.n, 2);
	ck_assert_int_eq(r.st[0], IMAP_FRAME_LITERAL);
	ck_assert_int_eq(r.st[1], IMAP_FRAME_DONE);
	ck_assert_mem_eq(r.unit[1].data, crlf, strlen(crlf));
	rd_free(&r);

	/* RFC 7888 {N+}: no "+" to wait for. */
	const char *plus = "a LOGIN {1+}\r\nu p\r\n";
	rd_init(&r);
	rd_puts(&r, plus);
	ck_assert_int_eq(r.n, 2);
	ck_assert_int_eq(r.st[0], IMAP_FRAME_MORE);
	ck_assert_int_eq(r.st[1], IMAP_FRAME_DONE);
	ck_assert_uint_eq(r.unit[1].len, strlen(plus));
	ck_assert_int_eq(cmd(plus, &c), 0);
	ck_assert_str_eq(c.user->s, "u");
	rd_free(&r);

	/* A bare LF ends a line too; the unit keeps it, as sent. */
	const char *lf = "a LOGIN {1}\nu p\r\nb NOOP\n";
	rd_init(&r);
	rd_puts(&r, lf);
	ck_assert_int_eq(r.n, 3);
	ck_assert_int_eq(r.st[1], IMAP_FRAME_DONE);
	ck_assert_uint_eq(r.unit[1].len, strlen("a LOGIN {1}\nu p\r\n"));
	ck_assert_mem_eq(r.unit[1].data, lf, r.unit[1].len);
	ck_assert_int_eq(r.st[2], IMAP_FRAME_DONE);
	ck_assert_uint_eq(r.unit[2].len, strlen("b NOOP\n"));
	rd_free(&r);

	/* A brace inside an atom is no literal; the parser refuses it. */
	const char *atom = "a LOGIN x{5}\r\n";
	rd_init(&r);
	rd_puts(&r, atom);
	ck_assert_int_eq(r.n, 1);
	ck_assert_int_eq(r.st[0], IMAP_FRAME_DONE);
	ck_assert_int_eq(cmd(atom, &c), IMAP_PARSE_SYNTAX);
	rd_free(&r);

	/* Over 10 MB: refused at once, so the client never sends it. */
	const char *big = "a APPEND INBOX {10485761}\r\n";
	rd_init(&r);
	rd_puts(&r, big);
	rd_puts(&r, "b NOOP\r\n");
	ck_assert_int_eq(r.n, 2);
	ck_assert_int_eq(r.st[0], IMAP_FRAME_TOO_LONG);
	ck_assert_uint_eq(r.lit[0], 10485761);
	ck_assert_uint_eq(r.unit[0].len, strlen(big));
	/* The next command starts afresh. */
	ck_assert_int_eq(r.st[1], IMAP_FRAME_DONE);
	ck_assert_uint_eq(r.unit[1].len, 8);
	rd_free(&r);
	/* The limit is on all the literals of one command. */
	rd_init(&r);
	rd_puts(&r, "a LOGIN {10485760}\r\n");
	ck_assert_int_eq(r.st[0], IMAP_FRAME_LITERAL);
	ck_assert_uint_eq(r.lit[0], IMAP_LITERAL_MAX);
	rd_free(&r);
	/* A literal shorter than announced does not parse. */
	ck_assert_int_eq(cmd("a LOGIN {9}\r\nu p\r\n", &c), IMAP_PARSE_SYNTAX);
	imap_cmd_free(&c);
}
END_TEST

START_TEST(test_line_limit)
{
	struct rd r;
	size_t n = IMAP_LINE_MAX + 100;
	char *p = malloc(n + 32);

	memset(p, 'x', n);
	rd_init(&r);
	/* No LF yet and already too long: reported once, then skipped. */
	rd_feed(&r, p, n);
	ck_assert_int_eq(r.n, 1);
	ck_assert_int_eq(r.st[0], IMAP_FRAME_TOO_LONG);
	ck_assert_uint_eq(r.unit[0].len, n);
	ck_assert_uint_eq(r.lit[0], 0);
	/* Its end is dropped silently; the next command reads. */
	strcpy(p, "xxxx\r\nb NOOP\r\n");
	rd_puts(&r, p);
	ck_assert_int_eq(r.n, 2);
	ck_assert_int_eq(r.st[1], IMAP_FRAME_DONE);
	ck_assert_uint_eq(r.unit[1].len, 8);
	ck_assert_mem_eq(r.unit[1].data, "b NOOP\r\n", 8);
	rd_free(&r);
	/* Exactly the limit is fine. */
	memset(p, 'y', IMAP_LINE_MAX);
	memcpy(p + IMAP_LINE_MAX, "\r\n", 2);
	rd_init(&r);
	rd_feed(&r, p, IMAP_LINE_MAX + 2);
	ck_assert_int_eq(r.n, 1);
	ck_assert_int_eq(r.st[0], IMAP_FRAME_DONE);
	ck_assert_uint_eq(r.unit[0].len, IMAP_LINE_MAX + 2);
	p[IMAP_LINE_MAX] = 'y';
	memcpy(p + IMAP_LINE_MAX + 1, "\r\n", 2);
	rd_feed(&r, p, IMAP_LINE_MAX + 3);
	ck_assert_int_eq(r.n, 2);
	ck_assert_int_eq(r.st[1], IMAP_FRAME_TOO_LONG);
	ck_assert_uint_eq(r.lit[1], 0);
	rd_free(&r);

	/*
	 * The limit is the command's, not each line's: after a literal, the
	 * line that goes on gets what the first one left.
	 */
	const char *head = "a LOGIN {1}\r\nu ";
	size_t first = strlen("a LOGIN {1}"), rest = IMAP_LINE_MAX - first;
	memcpy(p, head, strlen(head));
	memset(p + strlen(head), 'z', rest - 1);
	memcpy(p + strlen(head) + rest - 1, "\r\n", 2);
	rd_init(&r);
	rd_feed(&r, p, strlen(head) + rest + 1);
	ck_assert_int_eq(r.n, 2);
	ck_assert_int_eq(r.st[1], IMAP_FRAME_DONE);
	ck_assert_uint_eq(r.unit[1].len, strlen(head) + rest + 1);
	rd_free(&r);
	memset(p + strlen(head), 'z', rest);
	memcpy(p + strlen(head) + rest, "\r\n", 2);
	rd_init(&r);
	rd_feed(&r, p, strlen(head) + rest + 2);
	ck_assert_int_eq(r.n, 2);
	ck_assert_int_eq(r.st[1], IMAP_FRAME_TOO_LONG);
	ck_assert_uint_eq(r.lit[1], 0);
	/* The unit still starts with its tag, for the BAD. */
	ck_assert_mem_eq(r.unit[1].data, "a LOGIN {1}\r\nu ", strlen(head));
	/* The next command has the whole limit again. */
	memset(p, 'w', IMAP_LINE_MAX);
	memcpy(p + IMAP_LINE_MAX, "\r\n", 2);
	rd_feed(&r, p, IMAP_LINE_MAX + 2);
	ck_assert_int_eq(r.n, 3);
	ck_assert_int_eq(r.st[2], IMAP_FRAME_DONE);
	rd_free(&r);
	free(p);
}
END_TEST

START_TEST(test_sequence_sets)
{
	struct imap_seqset set;

	ck_assert_int_eq(imap_seqset_parse("1:*,3,5:7", 9, &set), 0);
	ck_assert_int_eq(set.n, 3);
	ck_assert_uint_eq(set.r[0].lo, 1);
	ck_assert_uint_eq(set.r[0].hi, 0);	/* "*" */
	ck_assert_uint_eq(set.r[2].lo, 5);
	ck_assert_uint_eq(set.r[2].hi, 7);
	ck_assert_int_eq(imap_seqset_has(&set, 9, 10), 1);
	imap_seqset_free(&set);

	ck_assert_int_eq(imap_seqset_parse("2:4,7,9:*", 9, &set), 0);
	ck_assert_int_eq(imap_seqset_has(&set, 3, 12), 1);
	ck_assert_int_eq(imap_seqset_has(&set, 5, 12), 0);
	ck_assert_int_eq(imap_seqset_has(&set, 7, 12), 1);
	ck_assert_int_eq(imap_seqset_has(&set, 12, 12), 1);
	ck_assert_int_eq(imap_seqset_has(&set, 13, 12), 0);
	ck_assert_uint_eq(imap_seqset_top(&set), 9);
	imap_seqset_free(&set);
	/* RFC 3501 6.4.8: "559:*" holds the last UID even below 559. */
	ck_assert_int_eq(imap_seqset_parse("559:*", 5, &set), 0);
	ck_assert_int_eq(imap_seqset_has(&set, 500, 500), 1);
	ck_assert_int_eq(imap_seqset_has(&set, 499, 500), 0);
	imap_seqset_free(&set);
	ck_assert_int_eq(imap_seqset_parse("4:2", 3, &set), 0);
	ck_assert_int_eq(imap_seqset_has(&set, 3, 9), 1);
	imap_seqset_free(&set);
	ck_assert_int_eq(imap_seqset_parse("4294967295", 10, &set), 0);
	imap_seqset_free(&set);

	static const char *const bad[] = { "", "0", "1:", ":1", ",1", "1,",
	    "1,,2", "01", "4294967296", "1:2:3", "a", "1 2", "**", "1:0" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_msg(imap_seqset_parse(bad[i], strlen(bad[i]), &set) == -1,
		    "\"%s\" read as a sequence set", bad[i]);
		ck_assert_int_eq(set.n, 0);
	}
}
END_TEST

START_TEST(test_fetch_items)
{
	struct imap_cmd c;

	memset(&c, 0, sizeof c);
	ck_assert_int_eq(cmd("a UID FETCH 4 (FLAGS BODY[])\r\n", &c), 0);
	ck_assert_int_eq(c.fetch.items, IMAP_FA_FLAGS);
	ck_assert_int_eq(c.fetch.nsect, 1);
	ck_assert_int_eq(c.fetch.sect[0].kind, IMAP_SECT_ALL);
	ck_assert_int_eq(c.fetch.sect[0].peek, 0);
	ck_assert_int_eq(cmd("a FETCH 1:2 (UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS "
	    "(From \"To\")] BODY[TEXT]<0.100> BODY[1.2.MIME] ENVELOPE "
	    "BODYSTRUCTURE INTERNALDATE)\r\n", &c), 0);
	ck_assert_int_eq(c.fetch.items, IMAP_FA_UID | IMAP_FA_SIZE |
	    IMAP_FA_ENVELOPE | IMAP_FA_BODYSTRUCTURE | IMAP_FA_INTERNALDATE);
	ck_assert_int_eq(c.fetch.nsect, 3);
	ck_assert_int_eq(c.fetch.sect[0].kind, IMAP_SECT_FIELDS);
	ck_assert_int_eq(c.fetch.sect[0].peek, 1);
	ck_assert_int_eq(c.fetch.sect[0].nfields, 2);
	ck_assert_str_eq(c.fetch.sect[0].fields[0], "From");
	ck_assert_str_eq(c.fetch.sect[0].fields[1], "To");
	ck_assert_int_eq(c.fetch.sect[1].kind, IMAP_SECT_TEXT);
	ck_assert_int_eq(c.fetch.sect[1].partial, 1);
	ck_assert_uint_eq(c.fetch.sect[1].origin, 0);
	ck_assert_uint_eq(c.fetch.sect[1].count, 100);
	ck_assert_int_eq(c.fetch.sect[2].kind, IMAP_SECT_MIME);
	ck_assert_int_eq(c.fetch.sect[2].npart, 2);
	ck_assert_uint_eq(c.fetch.sect[2].part[1], 2);
	ck_assert_int_eq(cmd("a FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (Received)]",
	    &c), 0);
	ck_assert_int_eq(c.fetch.sect[0].kind, IMAP_SECT_FIELDS_NOT);
	/* The macros of RFC 3501 6.4.5. */
	ck_assert_int_eq(cmd("a FETCH 1 ALL\r\n", &c), 0);
	ck_assert_int_eq(c.fetch.items, IMAP_FA_FLAGS | IMAP_FA_INTERNALDATE |
	    IMAP_FA_SIZE | IMAP_FA_ENVELOPE);
	ck_assert_int_eq(cmd("a FETCH 1 fast\r\n", &c), 0);
	ck_assert_int_eq(c.fetch.items, IMAP_FA_FLAGS | IMAP_FA_INTERNALDATE |
	    IMAP_FA_SIZE);
	ck_assert_int_eq(cmd("a FETCH 1 FULL\r\n", &c), 0);
	ck_assert_int_eq(c.fetch.items & IMAP_FA_BODY, IMAP_FA_BODY);
	ck_assert_int_eq(cmd("a FETCH 1 RFC822\r\n", &c), 0);
	ck_assert_int_eq(c.fetch.items, IMAP_FA_RFC822);
	static const char *const bad[] = {
		"a FETCH 1 (ALL)", "a FETCH 1 ()", "a FETCH 1 BODY[HEADER",
		"a FETCH 1 BODY[MIME]", "a FETCH 1 BODY[1.]", "a FETCH 1 BODY[0]",
		"a FETCH 1 BODY[]<5>", "a FETCH 1 BODY[]<1.0>",
		"a FETCH 1 BODY[HEADER.FIELDS ()]", "a FETCH 1 BODY[FOO]",
		"a FETCH 1 FLAGZ", "a FETCH x FLAGS", "a FETCH 1", "a FETCH",
		"a FETCH 1 FLAGS UID", "a FETCH 1 BODY[1.2.3.4.5.6.7.8.9]",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(cmd(bad[i], &c) == IMAP_PARSE_SYNTAX,
		    "\"%s\" parsed", bad[i]);
	imap_cmd_free(&c);
}
END_TEST

START_TEST(test_store_and_search_arguments)
{
	struct imap_cmd c;

	memset(&c, 0, sizeof c);
	ck_assert_int_eq(cmd("a STORE 2 +FLAGS (\\Deleted)\r\n", &c), 0);
	ck_assert_int_eq(c.store.op, IMAP_STORE_ADD);
	ck_assert_int_eq(c.store.flags, IMAP_FL_DELETED);
	ck_assert_int_eq(c.store.silent, 0);
	ck_assert_int_eq(cmd("a STORE 1:* -flags.silent \\Seen \\Flagged\r\n",
	    &c), 0);
	ck_assert_int_eq(c.store.op, IMAP_STORE_REMOVE);
	ck_assert_int_eq(c.store.silent, 1);
	ck_assert_int_eq(c.store.flags, IMAP_FL_SEEN | IMAP_FL_FLAGGED);
	ck_assert_int_eq(cmd("a UID STORE 9 FLAGS (\\Answered $Label1)\r\n", &c),
	    0);
	ck_assert_int_eq(c.store.op, IMAP_STORE_SET);
	ck_assert_int_eq(c.store.flags, IMAP_FL_ANSWERED);	/* keyword ignored */
	ck_assert_int_eq(cmd("a STORE 1 +FLAGS (\\Recent)\r\n", &c),
	    IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a STORE 1 +FLAGS (\\Bogus)\r\n", &c),
	    IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a STORE 1 FLAGZ (\\Seen)\r\n", &c),
	    IMAP_PARSE_SYNTAX);

	ck_assert_int_eq(cmd("a SEARCH UNSEEN\r\n", &c), 0);
	ck_assert_int_eq(c.search.nsub, 1);
	ck_assert_int_eq(c.search.sub[0].kind, IMAP_SK_FLAG);
	ck_assert_int_eq(c.search.sub[0].flag, IMAP_FL_SEEN);
	ck_assert_int_eq(c.search.sub[0].neg, 1);
	ck_assert_int_eq(cmd("a SEARCH NOT DELETED OR SEEN (FLAGGED 1:3) "
	    "SUBJECT \"rapat\"\r\n", &c), 0);
	ck_assert_int_eq(c.search.nsub, 3);
	ck_assert_int_eq(c.search.sub[0].kind, IMAP_SK_NOT);
	ck_assert_int_eq(c.search.sub[1].kind, IMAP_SK_OR);
	ck_assert_int_eq(c.search.sub[1].sub[1].kind, IMAP_SK_AND);
	ck_assert_int_eq(c.search.sub[1].sub[1].sub[1].kind, IMAP_SK_SEQ);
	ck_assert_int_eq(c.search.sub[2].kind, IMAP_SK_HEADER);
	ck_assert_str_eq(c.search.sub[2].text, "rapat");
	ck_assert_int_eq(cmd("a UID SEARCH CHARSET UTF-8 UID 1:3\r\n", &c), 0);
	ck_assert_int_eq(c.search.sub[0].kind, IMAP_SK_UID);
	ck_assert_int_eq(cmd("a SEARCH\r\n", &c), IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a SEARCH OR SEEN\r\n", &c), IMAP_PARSE_SYNTAX);
	/* RFC 3501 6.4.4 date keys; date = 1*2DIGIT "-" month "-" 4DIGIT (9). */
	ck_assert_int_eq(cmd("a SEARCH SINCE 1-Jan-2026\r\n", &c), 0);
	ck_assert_int_eq(c.search.sub[0].kind, IMAP_SK_DATE);
	ck_assert_int_eq(c.search.sub[0].cmp, 1);
	ck_assert_int_eq(c.search.sub[0].sent, 0);
	ck_assert_int_eq(c.search.sub[0].day, 20454);	/* 2026-01-01 */
	ck_assert_int_eq(cmd("a SEARCH SENTBEFORE \"05-feb-2026\" ON "
	    "29-Feb-2024 SENTON 1-Jan-1970 BEFORE 1-Mar-2026 SENTSINCE "
	    "31-Dec-1969\r\n", &c), 0);
	ck_assert_int_eq(c.search.nsub, 5);
	ck_assert_int_eq(c.search.sub[0].cmp, -1);
	ck_assert_int_eq(c.search.sub[0].sent, 1);
	ck_assert_int_eq(c.search.sub[0].day, 20489);
	ck_assert_int_eq(c.search.sub[1].cmp, 0);
	ck_assert_int_eq(c.search.sub[1].day, 19782);
	ck_assert_int_eq(c.search.sub[2].day, 0);
	ck_assert_int_eq(c.search.sub[3].day, 20513);
	ck_assert_int_eq(c.search.sub[4].cmp, 1);
	ck_assert_int_eq(c.search.sub[4].day, -1);
	ck_assert_int_eq(cmd("a SEARCH SINCE\r\n", &c), IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a SEARCH SINCE 1-Jan-26\r\n", &c),
	    IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a SEARCH SINCE 2026-01-01\r\n", &c),
	    IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a SEARCH ON 123-Jan-2026\r\n", &c),
	    IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a SEARCH ON 1-Jam-2026\r\n", &c),
	    IMAP_PARSE_SYNTAX);
	/*
	 * RFC 3501 6.4.4: an unknown CHARSET is a NO, not a BAD, so the
	 * command parses and says so; broken keys after it are still BAD.
	 */
	ck_assert_int_eq(cmd("a SEARCH CHARSET KOI8-R ALL\r\n", &c), 0);
	ck_assert_int_eq(c.badcharset, 1);
	ck_assert_int_eq(cmd("a SEARCH CHARSET utf-8 ALL\r\n", &c), 0);
	ck_assert_int_eq(c.badcharset, 0);
	ck_assert_int_eq(cmd("a SEARCH CHARSET \"US-ASCII\" ALL\r\n", &c), 0);
	ck_assert_int_eq(c.badcharset, 0);
	ck_assert_int_eq(cmd("a SEARCH CHARSET KOI8-R BOGUS\r\n", &c),
	    IMAP_PARSE_SYNTAX);
	imap_cmd_free(&c);
}
END_TEST

START_TEST(test_list_nesting_limit)
{
	struct imap_cmd c;
	char line[128];

	memset(&c, 0, sizeof c);
	/* Eight lists inside each other are fine, nine are not. */
	strcpy(line, "a SEARCH ((((((((ALL))))))))\r\n");
	ck_assert_int_eq(cmd(line, &c), 0);
	strcpy(line, "a SEARCH (((((((((ALL)))))))))\r\n");
	ck_assert_int_eq(cmd(line, &c), IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a SEARCH ((ALL)\r\n", &c), IMAP_PARSE_SYNTAX);
	ck_assert_int_eq(cmd("a SEARCH (ALL))\r\n", &c), IMAP_PARSE_SYNTAX);
	imap_cmd_free(&c);
}
END_TEST

/* ---- codec: responses ----------------------------------------------- */

static int
resp(const char *text, struct imap_resp *r)
{
	imap_resp_free(r);
	return imap_parse_response((const uint8_t *)text, strlen(text), r);
}

START_TEST(test_responses)
{
	struct imap_resp r;
	uint32_t v;

	memset(&r, 0, sizeof r);
	ck_assert_int_eq(resp("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n",
	    &r), 0);
	ck_assert_int_eq(r.kind, IMAP_RESP_UNTAGGED);
	ck_assert_int_eq(r.status, IMAP_ST_OK);
	ck_assert_str_eq(r.code, "CAPABILITY IMAP4rev1 AUTH=PLAIN");
	ck_assert_str_eq(r.text, "ready");
	ck_assert_int_eq(resp("a2 OK [READ-WRITE] SELECT completed\r\n", &r), 0);
	ck_assert_int_eq(r.kind, IMAP_RESP_TAGGED);
	ck_assert_str_eq(r.tag, "a2");
	ck_assert_str_eq(r.code, "READ-WRITE");
	ck_assert_int_eq(resp("a1 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n",
	    &r), 0);
	ck_assert_int_eq(r.status, IMAP_ST_NO);
	ck_assert_int_eq(resp("* OK [UIDVALIDITY 1001] UIDs valid\r\n", &r), 0);
	ck_assert_int_eq(imap_resp_code_num(&r, "UIDVALIDITY", &v), 1);
	ck_assert_uint_eq(v, 1001);
	ck_assert_int_eq(imap_resp_code_num(&r, "UIDNEXT", &v), 0);
	ck_assert_int_eq(resp("* 3 EXISTS\r\n", &r), 0);
	ck_assert_int_eq(r.has_num, 1);
	ck_assert_uint_eq(r.num, 3);
	ck_assert_str_eq(r.name, "EXISTS");
	ck_assert_int_eq(resp("* SEARCH 2 4 9\r\n", &r), 0);
	ck_assert_str_eq(r.name, "SEARCH");
	ck_assert_int_eq(r.data.n, 3);
	ck_assert_int_eq(imap_val_number(&r.data.v[2], &v), 1);
	ck_assert_uint_eq(v, 9);
	ck_assert_int_eq(resp("* SEARCH\r\n", &r), 0);
	ck_assert_int_eq(r.data.n, 0);
	ck_assert_int_eq(resp("* SEARCH \r\n", &r), 0);	/* as some servers send it */
	ck_assert_int_eq(resp("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n", &r), 0);
	ck_assert_int_eq(r.data.n, 2);
	ck_assert_str_eq(r.data.v[1].s, "AUTH=PLAIN");
	ck_assert_int_eq(resp("+ Ready for literal data\r\n", &r), 0);
	ck_assert_int_eq(r.kind, IMAP_RESP_CONT);
	ck_assert_str_eq(r.text, "Ready for literal data");
	ck_assert_int_eq(resp("+\r\n", &r), 0);
	ck_assert_int_eq(resp("* FLAGS (\\Answered \\Seen)\r\n", &r), 0);
	ck_assert_int_eq(r.data.v[0].n, 2);
	ck_assert_str_eq(r.data.v[0].v[1].s, "\\Seen");

	/* A FETCH response with a literal inside, CRLF in the data. */
	const char *f = "* 1 FETCH (UID 4 FLAGS (\\Seen) BODY[] {7}\r\nhi\r\nyou "
	    "BODY[HEADER.FIELDS (FROM)] NIL)\r\n";
	ck_assert_int_eq(resp(f, &r), 0);
	ck_assert_str_eq(r.name, "FETCH");
	ck_assert_uint_eq(r.num, 1);
	const struct imap_val *body = imap_val_get(&r.data.v[0], "body[]");
	ck_assert_ptr_nonnull(body);
	ck_assert_int_eq(body->type, IMAP_V_LITERAL);
	ck_assert_uint_eq(body->len, 7);
	ck_assert_mem_eq(body->s, "hi\r\nyou", 7);
	ck_assert_int_eq(imap_val_number(imap_val_get(&r.data.v[0], "UID"), &v), 1);
	ck_assert_uint_eq(v, 4);
	ck_assert(imap_val_is_nil(imap_val_get(&r.data.v[0],
	    "BODY[HEADER.FIELDS (FROM)]")));

	/* Not responses. */
	static const char *const bad[] = { "hello\r\n", "a1 EXISTS\r\n",
	    "* 3 OK fine\r\n", "a1 PREAUTH x\r\n", "*  OK\r\n", "* 1 FETCH (UID\r\n",
	    "* 1 FETCH (BODY[] {9}\r\nshort)\r\n", "a1\r\n", "* OK [CODE\r\n" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(resp(bad[i], &r) == -1, "\"%s\" parsed", bad[i]);
	imap_resp_free(&r);
}
END_TEST

START_TEST(test_quoting_choice)
{
	struct buf b = { 0 };

	ck_assert_int_eq(imap_quote_kind("penerima", 8, 1), IMAP_Q_ATOM);
	ck_assert_int_eq(imap_quote_kind("penerima", 8, 0), IMAP_Q_QUOTED);
	ck_assert_int_eq(imap_quote_kind("pe nerima", 9, 1), IMAP_Q_QUOTED);
	ck_assert_int_eq(imap_quote_kind("NIL", 3, 1), IMAP_Q_QUOTED);
	ck_assert_int_eq(imap_quote_kind("", 0, 1), IMAP_Q_QUOTED);
	ck_assert_int_eq(imap_quote_kind("a*", 2, 1), IMAP_Q_QUOTED);
	ck_assert_int_eq(imap_quote_kind("rahasia\xe2\x82\xac", 10, 1),
	    IMAP_Q_LITERAL);
	ck_assert_int_eq(imap_quote_kind("a\r\nb", 4, 1), IMAP_Q_LITERAL);
	ck_assert_int_eq(imap_quote_kind("a\0b", 3, 1), IMAP_Q_LITERAL);
	char longs[IMAP_QUOTED_MAX + 1];
	memset(longs, 'a', sizeof longs);
	ck_assert_int_eq(imap_quote_kind(longs, sizeof longs, 0), IMAP_Q_LITERAL);

	imap_put_string(&b, "ra\"ha\\sia", 9, 1);
	ck_assert_str_eq((char *)b.data, "\"ra\\\"ha\\\\sia\"");
	b.len = 0;
	imap_put_string(&b, "a\r\nb", 4, 1);
	ck_assert_uint_eq(b.len, 9);
	ck_assert_mem_eq(b.data, "{4}\r\na\r\nb", 9);
	b.len = 0;
	imap_put_nstring(&b, NULL);
	buf_putc(&b, ' ');
	imap_put_nstring(&b, "INBOX");
	ck_assert_str_eq((char *)b.data, "NIL \"INBOX\"");
	b.len = 0;
	imap_put_flags(&b, IMAP_FL_SEEN | IMAP_FL_DELETED | IMAP_FL_RECENT);
	ck_assert_str_eq((char *)b.data, "(\\Seen \\Deleted \\Recent)");
	buf_free(&b);

	/* Whatever the string, what we write reads back the same. */
	static const char *const tries[] = { "x", "a b", "\"", "\\", "NIL",
	    "ä", "{3}", "(x)", "a\r\n" };
	for (size_t i = 0; i < sizeof tries / sizeof *tries; i++) {
		struct imap_cmd c;
		struct buf line = { 0 };

		buf_puts(&line, "t LOGIN ");
		imap_put_string(&line, tries[i], strlen(tries[i]), 1);
		buf_puts(&line, " p\r\n");
		ck_assert_int_eq(imap_parse_command(line.data, line.len, &c), 0);
		ck_assert_uint_eq(c.user->len, strlen(tries[i]));
		ck_assert_mem_eq(c.user->s, tries[i], strlen(tries[i]));
		imap_cmd_free(&c);
		buf_free(&line);
	}
}
END_TEST

START_TEST(test_shown_summarises_literals)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "* 1 FETCH (UID 4 BODY[] {5}\r\nhello)\r\n",
		  "* 1 FETCH (UID 4 BODY[] {5} (message of 5 bytes))" },
		{ "* 1 FETCH (BODY[HEADER] {2}\r\n\r\n)\r\n",
		  "* 1 FETCH (BODY[HEADER] {2} (header of 2 bytes))" },
		{ "* 1 FETCH (BODY[TEXT]<0> {1}\r\nx)\r\n",
		  "* 1 FETCH (BODY[TEXT]<0> {1} (text of 1 byte))" },
		{ "* 2 FETCH (RFC822 {3}\r\nabc)\r\n",
		  "* 2 FETCH (RFC822 {3} (message of 3 bytes))" },
		{ "* 2 FETCH (BODY[2] {3}\r\nabc)\r\n",
		  "* 2 FETCH (BODY[2] {3} (part of 3 bytes))" },
		{ "a LOGIN {3}\r\nabc x\r\n", "a LOGIN {3} (3 bytes) x" },
		{ "a OK \x01\xff done\r\n", "a OK ?? done" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct buf b = { 0 };

		imap_shown((const uint8_t *)cases[i].in, strlen(cases[i].in), &b);
		ck_assert_str_eq((char *)b.data, cases[i].out);
		buf_free(&b);
	}
}
END_TEST

/* ---- the server, driven by raw commands ------------------------------ */

/* A world with one server holding two mailboxes and two clients to drive it. */
static const char *drive_world =
"{\"surel\":1,\"title\":\"imap\",\"nodes\":["
"{\"id\":\"pc\",\"kind\":\"client\",\"ip\":\"10.0.0.2\"},"
"{\"id\":\"pc2\",\"kind\":\"client\",\"ip\":\"10.0.0.3\"},"
"{\"id\":\"r\",\"kind\":\"router\",\"ip\":\"10.0.0.9\"},"
"{\"id\":\"srv\",\"kind\":\"server\",\"ip\":\"10.0.0.1\",\"hostname\":\"imap.a.test\","
"\"services\":{\"imap\":{}}}],"
"\"links\":[{\"a\":\"pc\",\"b\":\"r\"},{\"a\":\"pc2\",\"b\":\"r\"},{\"a\":\"r\",\"b\":\"srv\"}],"
"\"accounts\":[{\"address\":\"u@a.test\",\"server\":\"srv\",\"user\":\"u\",\"password\":\"pw\"},"
"{\"address\":\"penerima@a.test\",\"server\":\"srv\",\"user\":\"penerima\","
"\"password\":\"rahasia\"}],"
"\"actions\":[]}";

struct drive {
	struct scenario	*sc;
	struct sim	*s;
	struct mailbox	*mb;		/* u's */
};

struct peer {
	struct drive	*d;
	struct tcp_conn	*c;
	struct buf	 got;		/* bytes since the last say() */
	int		 closed;
};

static struct scenario *
load(const char *text)
{
	struct sc_errors errs = { 0 };
	struct scenario *sc = scenario_load(text, strlen(text), "inline", &errs);

	for (int i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	ck_assert_int_eq(errs.n, 0);
	sc_errors_free(&errs);
	return sc;
}

/* A small message, with a subject to tell it by. */
static void
deliver(struct drive *d, const char *subject, const char *body)
{
	char *m = xasprintf("From: Pengirim <pengirim@a.test>\r\nTo: u@a.test\r\n"
	    "Subject: %s\r\nMessage-ID: <%s@a.test>\r\n\r\n%s", subject, subject,
	    body);
	char *mid = xasprintf("<%s@a.test>", subject);

	mailstore_deliver(d->s, d->mb, (const uint8_t *)m, strlen(m), mid);
	free(m);
	free(mid);
}

static void
drive_start(struct drive *d)
{
	d->sc = load(drive_world);
	d->s = sim_new(d->sc, 1);
	d->mb = mailstore_by_user(d->s, 3, "u");
	ck_assert_ptr_nonnull(d->mb);
}

static void
drive_end(struct drive *d)
{
	sim_free(d->s);
	scenario_free(d->sc);
}

static void
peer_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct peer *pe = u;

	(void)c;
	buf_append(&pe->got, p, n);
}

static void
peer_peer_closed(struct tcp_conn *c, void *u)
{
	struct peer *pe = u;

	pe->closed = 1;
	tcp_close(c);
}

static void
peer_gone(struct tcp_conn *c, void *u)
{
	(void)c;
	((struct peer *)u)->c = NULL;
}

static void
peer_error(struct tcp_conn *c, void *u, enum tcp_err e)
{
	(void)c;
	(void)e;
	((struct peer *)u)->c = NULL;
}

static const struct tcp_ops peer_ops = {
	.data = peer_data,
	.peer_closed = peer_peer_closed,
	.closed = peer_gone,
	.error = peer_error,
};

/* Send raw bytes (or nothing), let a simulated second pass, return what came back. */
static const char *
say(struct peer *pe, const char *raw)
{
	struct sim *s = pe->d->s;

	pe->got.len = 0;
	if (raw)
		tcp_send(pe->c, raw, strlen(raw));
	sim_run_until(s, sim_now(s) + SIM_SEC);
	buf_putc(&pe->got, '\0');
	pe->got.len--;
	return (const char *)pe->got.data;
}

static void
peer_connect(struct drive *d, struct peer *pe, int node)
{
	memset(pe, 0, sizeof *pe);
	pe->d = d;
	pe->c = tcp_connect(d->s, node, d->sc->nodes[3].ip, 143, &peer_ops, pe);
	ck_assert_ptr_nonnull(pe->c);
	ck_assert_ptr_nonnull(strstr(say(pe, NULL),
	    "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] imap.a.test"));
}

#define HAS(text, needle) \
	ck_assert_msg(strstr((text), (needle)) != NULL, \
	    "expected \"%s\" in:\n%s", (needle), (text))
#define LACKS(text, needle) \
	ck_assert_msg(strstr((text), (needle)) == NULL, \
	    "did not expect \"%s\" in:\n%s", (needle), (text))

/*
 * The state changes of the IMAP sessions at node, in order, one a line:
 * "IMAP OLD -> NEW [key]" (session.c's ST_SESSION records).
 */
static char *
session_steps(struct sim *s, int node)
{
	const struct trace *tr = sim_trace(s);
	struct buf b = { 0 };

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);
		struct trace_say y;

		/* Only IMAP's: the same node may run an SMTP or POP3 session too. */
		if (rec.kind != TR_STATE || rec.a != ST_SESSION ||
		    rec.node != node ||
		    strncmp(trace_text_at(tr, rec.text), "IMAP ", 5) != 0)
			continue;
		ck_assert_int_eq(trace_say_read(tr, rec.say, &y), 1);
		buf_printf(&b, "%s [%.*s]\n", trace_text_at(tr, rec.text),
		    (int)y.key_len, y.key);
	}
	buf_putc(&b, '\0');
	return (char *)b.data;
}

/* The server's states of RFC 3501 3, in the order the commands make them. */
#define SRV_LOGIN	"IMAP not authenticated -> authenticated " \
			"[session.imap_server.authenticated]\n"
#define SRV_SELECT	"IMAP authenticated -> selected " \
			"[session.imap_server.selected]\n"
#define SRV_UNSELECT	"IMAP selected -> authenticated " \
			"[session.imap_server.authenticated]\n"
#define SRV_LOGOUT(from) "IMAP " from " -> logout [session.imap_server.logout]\n"
#define CLI_LOGIN	"IMAP not authenticated -> authenticated " \
			"[session.imap_client.authenticated]\n"
#define CLI_SELECT	"IMAP authenticated -> selected " \
			"[session.imap_client.selected]\n"
#define CLI_LOGOUT(from) "IMAP " from " -> logout [session.imap_client.logout]\n"

/*
 * RFC 3501 3: LOGIN leads to authenticated, SELECT to selected; a second
 * SELECT first leaves the mailbox (6.3.1), CLOSE leaves it (6.4.2), and
 * LOGOUT, or a client that just leaves, ends in logout.  A refused LOGIN
 * or a bad SELECT changes nothing.
 */
START_TEST(test_session_state_records)
{
	struct drive d;
	struct peer p, q;
	char *steps;

	drive_start(&d);
	peer_connect(&d, &p, 0);
	HAS(say(&p, "a1 LOGIN u salah\r\n"), "a1 NO");
	HAS(say(&p, "a2 LOGIN u pw\r\n"), "a2 OK");
	HAS(say(&p, "a3 SELECT INBOX\r\n"), "a3 OK");
	HAS(say(&p, "a4 EXAMINE INBOX\r\n"), "a4 OK");
	HAS(say(&p, "a5 CLOSE\r\n"), "a5 OK");
	HAS(say(&p, "a6 SELECT Sent\r\n"), "a6 NO");
	HAS(say(&p, "a7 LOGOUT\r\n"), "a7 OK");
	steps = session_steps(d.s, 3);
	ck_assert_str_eq(steps, SRV_LOGIN SRV_SELECT SRV_UNSELECT SRV_SELECT
	    SRV_UNSELECT SRV_LOGOUT("authenticated"));
	free(steps);
	/* A client that leaves without LOGOUT: the server ends the session too. */
	peer_connect(&d, &q, 1);
	HAS(say(&q, "b1 LOGIN u pw\r\nb2 SELECT INBOX\r\n"), "b2 OK");
	tcp_close(q.c);
	say(&q, NULL);
	steps = session_steps(d.s, 3);
	ck_assert_str_eq(steps, SRV_LOGIN SRV_SELECT SRV_UNSELECT SRV_SELECT
	    SRV_UNSELECT SRV_LOGOUT("authenticated") SRV_LOGIN SRV_SELECT
	    SRV_LOGOUT("selected"));
	free(steps);
	ck_assert_ptr_null(d.s->mail->imap->sessions);
	buf_free(&p.got);
	buf_free(&q.got);
	drive_end(&d);
}
END_TEST

START_TEST(test_session_states_and_errors)
{
	struct drive d;
	struct peer pe;
	const char *r;

	drive_start(&d);
	deliver(&d, "satu", "Halo 1\r\n");
	peer_connect(&d, &pe, 0);
	/* Garbage: no tag to answer to. */
	r = say(&pe, "\x01\x02 hello\r\n");
	HAS(r, "* BAD Missing or invalid tag");
	r = say(&pe, "garbage\r\n");
	HAS(r, "garbage BAD Syntax error: missing command");
	r = say(&pe, "a0 FROB\r\n");
	HAS(r, "a0 BAD Unknown command");
	/* Commands in the wrong state (RFC 3501 section 3). */
	r = say(&pe, "a1 SELECT INBOX\r\n");
	HAS(r, "a1 BAD Not allowed in the not authenticated state");
	r = say(&pe, "a2 FETCH 1 FLAGS\r\n");
	HAS(r, "a2 BAD Not allowed in the not authenticated state");
	/* A wrong password. */
	r = say(&pe, "a3 LOGIN u salah\r\n");
	HAS(r, "a3 NO [AUTHENTICATIONFAILED] Invalid credentials");
	r = say(&pe, "a4 LOGIN nobody pw\r\n");
	HAS(r, "a4 NO [AUTHENTICATIONFAILED] Invalid credentials");
	/* CAPABILITY: no LOGINDISABLED, as there is no TLS to ask for. */
	r = say(&pe, "a5 CAPABILITY\r\n");
	HAS(r, "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\na5 OK");
	LACKS(r, "LOGINDISABLED");
	r = say(&pe, "a6 STARTTLS\r\n");
	HAS(r, "a6 BAD STARTTLS is not available");
	/* AUTHENTICATE: "+", then one line; "*" cancels (RFC 3501 6.2.2). */
	r = say(&pe, "b1 AUTHENTICATE PLAIN\r\n");
	ck_assert_str_eq(r, "+ \r\n");
	r = say(&pe, "*\r\n");
	ck_assert_str_eq(r, "b1 BAD AUTHENTICATE cancelled\r\n");
	r = say(&pe, "b2 AUTHENTICATE CRAM-MD5\r\n");
	HAS(r, "b2 NO Unsupported authentication mechanism");
	r = say(&pe, "b3 AUTHENTICATE PLAIN !!!!\r\n");
	HAS(r, "b3 BAD Invalid base64");
	r = say(&pe, "b4 AUTHENTICATE PLAIN AHUAeHg=\r\n");	/* "\0u\0xx" */
	HAS(r, "b4 NO [AUTHENTICATIONFAILED]");
	/* LOGIN with literals: "+" after each announcement (RFC 3501 7.5). */
	r = say(&pe, "a7 LOGIN {8}\r\n");
	ck_assert_str_eq(r, "+ Ready for literal data\r\n");
	r = say(&pe, "penerima {7}\r\n");
	ck_assert_str_eq(r, "+ Ready for literal data\r\n");
	r = say(&pe, "rahasia\r\n");
	HAS(r, "a7 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Logged in");
	r = say(&pe, "a8 LOGIN u pw\r\n");
	HAS(r, "a8 BAD Not allowed in the authenticated state");
	r = say(&pe, "a9 FETCH 1 FLAGS\r\n");
	HAS(r, "a9 BAD Not allowed in the authenticated state: select a mailbox");
	r = say(&pe, "a10 SELECT Sent\r\n");
	HAS(r, "a10 NO [NONEXISTENT]");
	r = say(&pe, "a11 LIST \"\" *\r\n");
	HAS(r, "* LIST (\\HasNoChildren) \"/\" INBOX\r\na11 OK LIST completed");
	r = say(&pe, "a12 LIST \"\" \"\"\r\n");
	HAS(r, "* LIST (\\Noselect) \"/\" \"\"");
	r = say(&pe, "a13 STATUS inbox (MESSAGES UNSEEN UIDNEXT)\r\n");
	HAS(r, "* STATUS INBOX (MESSAGES 0 UIDNEXT 1 UNSEEN 0)");
	r = say(&pe, "a14 CREATE Sent\r\n");
	HAS(r, "a14 NO [CANNOT]");
	/* Limits: a line over 8192 octets and a literal over 10 MB. */
	char *big = malloc(IMAP_LINE_MAX + 64);
	strcpy(big, "a15 NOOP ");
	memset(big + 9, 'x', IMAP_LINE_MAX);
	strcpy(big + 9 + IMAP_LINE_MAX, "\r\n");
	r = say(&pe, big);
	HAS(r, "a15 BAD Command line too long");
	free(big);
	r = say(&pe, "a16 APPEND INBOX {20000000}\r\n");
	HAS(r, "a16 BAD Literal too big");
	LACKS(r, "+ Ready");
	r = say(&pe, "a17 NOOP\r\n");
	ck_assert_str_eq(r, "a17 OK NOOP completed\r\n");
	r = say(&pe, "a18 LOGOUT\r\n");
	HAS(r, "* BYE imap.a.test IMAP4rev1 server logging out\r\na18 OK LOGOUT");
	ck_assert_int_eq(pe.closed, 1);
	/* Nothing was read or changed. */
	ck_assert_int_eq(d.mb->nmsgs, 1);
	ck_assert_int_eq(d.mb->msgs[0].flags, 0);
	buf_free(&pe.got);
	drive_end(&d);
}
END_TEST

START_TEST(test_session_fetch_store_expunge_search)
{
	struct drive d;
	struct peer pe;
	const char *r;

	drive_start(&d);
	deliver(&d, "satu", "Halo 1\r\n");
	deliver(&d, "dua", "Halo 2\r\n");
	deliver(&d, "tiga", "Halo 3\r\n");
	peer_connect(&d, &pe, 0);
	say(&pe, "a1 LOGIN u pw\r\n");
	r = say(&pe, "a2 SELECT INBOX\r\n");
	ck_assert_str_eq(r,
	    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
	    "* 3 EXISTS\r\n"
	    "* 3 RECENT\r\n"
	    "* OK [UNSEEN 1] Message 1 is the first unseen\r\n"
	    "* OK [UIDVALIDITY 1000] UIDs valid\r\n"
	    "* OK [UIDNEXT 4] Predicted next UID\r\n"
	    "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)] "
	    "Flags kept on the server\r\n"
	    "a2 OK [READ-WRITE] SELECT completed\r\n");
	/* PEEK leaves \Seen alone. */
	r = say(&pe, "a3 FETCH 2 (BODY.PEEK[HEADER.FIELDS (Subject)])\r\n");
	ck_assert_str_eq(r, "* 2 FETCH (BODY[HEADER.FIELDS (Subject)] {16}\r\n"
	    "Subject: dua\r\n\r\n)\r\na3 OK FETCH completed\r\n");
	ck_assert_int_eq(d.mb->msgs[1].flags, 0);
	/* BODY[] sets \Seen and says so in the same response (6.4.5). */
	r = say(&pe, "a4 FETCH 1 (FLAGS BODY[])\r\n");
	HAS(r, "* 1 FETCH (FLAGS (\\Seen \\Recent) BODY[] {");
	HAS(r, "Subject: satu\r\n");
	ck_assert_int_eq(d.mb->msgs[0].flags, MSGF_SEEN);
	r = say(&pe, "a5 UID FETCH 3 BODY[TEXT]\r\n");
	ck_assert_str_eq(r, "* 3 FETCH (UID 3 FLAGS (\\Seen \\Recent) "
	    "BODY[TEXT] {8}\r\nHalo 3\r\n)\r\na5 OK UID FETCH completed\r\n");
	r = say(&pe, "a6 SEARCH UNSEEN\r\n");
	ck_assert_str_eq(r, "* SEARCH 2\r\na6 OK SEARCH completed\r\n");
	r = say(&pe, "a7 SEARCH OR SEEN SUBJECT dua\r\n");
	HAS(r, "* SEARCH 1 2 3\r\n");
	r = say(&pe, "a8 SEARCH NOT SEEN BODY \"halo 2\"\r\n");
	HAS(r, "* SEARCH 2\r\n");
	/* STORE, then EXPUNGE with its untagged responses. */
	r = say(&pe, "a9 STORE 2 +FLAGS (\\Deleted)\r\n");
	ck_assert_str_eq(r, "* 2 FETCH (FLAGS (\\Deleted \\Recent))\r\n"
	    "a9 OK STORE completed\r\n");
	r = say(&pe, "a10 SEARCH DELETED\r\n");
	HAS(r, "* SEARCH 2\r\n");
	r = say(&pe, "a11 SEARCH UNDELETED\r\n");
	HAS(r, "* SEARCH 1 3\r\n");
	r = say(&pe, "a12 EXPUNGE\r\n");
	ck_assert_str_eq(r, "* 2 EXPUNGE\r\na12 OK EXPUNGE completed\r\n");
	ck_assert_int_eq(d.mb->nmsgs, 2);
	ck_assert_uint_eq(d.mb->msgs[0].uid, 1);
	ck_assert_uint_eq(d.mb->msgs[1].uid, 3);
	r = say(&pe, "a13 UID SEARCH ALL\r\n");
	HAS(r, "* SEARCH 1 3\r\n");
	r = say(&pe, "a14 SEARCH ALL\r\n");
	HAS(r, "* SEARCH 1 2\r\n");
	/* Sequence numbers that do not exist are an error, UIDs are not. */
	r = say(&pe, "a15 FETCH 3 FLAGS\r\n");
	HAS(r, "a15 BAD Invalid message sequence number");
	r = say(&pe, "a16 UID FETCH 2 FLAGS\r\n");
	ck_assert_str_eq(r, "a16 OK UID FETCH completed\r\n");
	r = say(&pe, "a17 STORE 1:* -FLAGS.SILENT (\\Seen)\r\n");
	ck_assert_str_eq(r, "a17 OK STORE completed\r\n");
	ck_assert_int_eq(d.mb->msgs[0].flags, 0);
	r = say(&pe, "a18 UID STORE 3 FLAGS (\\Flagged \\Answered)\r\n");
	ck_assert_str_eq(r, "* 2 FETCH (UID 3 FLAGS (\\Answered \\Flagged "
	    "\\Recent))\r\na18 OK UID STORE completed\r\n");
	/* The order of EXPUNGE responses: each one renumbers the rest (7.4.1). */
	deliver(&d, "empat", "x\r\n");
	deliver(&d, "lima", "x\r\n");
	r = say(&pe, "a19 NOOP\r\n");
	ck_assert_str_eq(r, "* 4 EXISTS\r\n* 4 RECENT\r\na19 OK NOOP completed\r\n");
	say(&pe, "a20 STORE 1,3,4 +FLAGS.SILENT (\\Deleted)\r\n");
	r = say(&pe, "a21 EXPUNGE\r\n");
	ck_assert_str_eq(r, "* 1 EXPUNGE\r\n* 2 EXPUNGE\r\n* 2 EXPUNGE\r\n"
	    "a21 OK EXPUNGE completed\r\n");
	ck_assert_int_eq(d.mb->nmsgs, 1);
	ck_assert_uint_eq(d.mb->msgs[0].uid, 3);
	/* CLOSE expunges silently. */
	say(&pe, "a22 STORE 1 +FLAGS (\\Deleted)\r\n");
	r = say(&pe, "a23 CLOSE\r\n");
	ck_assert_str_eq(r, "a23 OK CLOSE completed\r\n");
	ck_assert_int_eq(d.mb->nmsgs, 0);
	r = say(&pe, "a24 FETCH 1 FLAGS\r\n");
	HAS(r, "a24 BAD Not allowed in the authenticated state");
	say(&pe, "a25 LOGOUT\r\n");
	buf_free(&pe.got);
	drive_end(&d);
}
END_TEST

/* A message as given, delivered to u now. */
static void
deliver_raw(struct drive *d, const char *m, const char *mid)
{
	mailstore_deliver(d->s, d->mb, (const uint8_t *)m, strlen(m), mid);
}

/*
 * Issue 13, defect 6: SEARCH reads what a person reads (RFC 3501 6.4.4,
 * RFC 2047, RFC 2045 6.7 and 6.8), matches case-insensitively, knows
 * the date keys, and answers an unknown CHARSET with NO [BADCHARSET].
 */
START_TEST(test_session_search_decodes_and_dates)
{
	struct drive d;
	struct peer pe;
	const char *r;

	drive_start(&d);
	/* 1: an encoded subject and a base64 text, written late on 4 Jan in New York. */
	deliver_raw(&d, "From: Pengirim <pengirim@a.test>\r\nTo: u@a.test\r\n"
	    "Date: Sun, 04 Jan 2026 23:30:00 -0500\r\n"
	    "Subject: =?UTF-8?B?TGFtcGlyYW4g4oCUIOKAnHJhcGF04oCdIOKckw==?=\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "YmFyaXMgc2F0dQ0KYmFyaXMgZHVhDQo=\r\n", "<a@a.test>");
	/* Two days later: 2, quoted-printable; 3, an attachment that is no text. */
	sim_run_until(d.s, sim_now(d.s) + 2 * 86400 * SIM_SEC);
	deliver_raw(&d, "From: =?ISO-8859-1?Q?Andr=E9?= <andre@a.test>\r\n"
	    "To: u@a.test\r\nDate: Wed, 07 Jan 2026 09:00:00 +0700\r\n"
	    "Subject: Catatan\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "Caf=C3=A9 di =C3=89T=C3=89 sam=\r\nbung baris\r\n", "<b@a.test>");
	deliver_raw(&d, "From: pengirim@a.test\r\nTo: u@a.test\r\n"
	    "Subject: Berkas\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nLihat lampiran.\r\n"
	    "--b\r\nContent-Type: application/octet-stream\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "a2F0YSBzYW5kaTogcmFoYXNpYQ0K\r\n--b--\r\n", "<c@a.test>");
	peer_connect(&d, &pe, 0);
	say(&pe, "a1 LOGIN u pw\r\n");
	say(&pe, "a2 SELECT INBOX\r\n");
	/* The internal dates the date keys compare: the scenario's default epoch. */
	r = say(&pe, "a3 FETCH 1:3 INTERNALDATE\r\n");
	HAS(r, "* 1 FETCH (INTERNALDATE \"05-Jan-2026 08:00:00 +0700\")");
	HAS(r, "* 2 FETCH (INTERNALDATE \"07-Jan-2026 08:00:00 +0700\")");

	/* RFC 2047: the subject is read decoded, any case. */
	r = say(&pe, "a4 SEARCH CHARSET UTF-8 SUBJECT rapat\r\n");
	ck_assert_str_eq(r, "* SEARCH 1\r\na4 OK SEARCH completed\r\n");
	r = say(&pe, "a5 SEARCH SUBJECT RAPAT\r\n");
	ck_assert_str_eq(r, "* SEARCH 1\r\na5 OK SEARCH completed\r\n");
	/* A UTF-8 search string as a literal ("\xe2\x80\x9c" is a curly quote). */
	r = say(&pe, "a6 SEARCH CHARSET UTF-8 SUBJECT {11}\r\n");
	ck_assert_str_eq(r, "+ Ready for literal data\r\n");
	r = say(&pe, "\xe2\x80\x9crapat\xe2\x80\x9d\r\n");
	ck_assert_str_eq(r, "* SEARCH 1\r\na6 OK SEARCH completed\r\n");
	r = say(&pe, "a7 SEARCH CHARSET UTF-8 FROM \"andr\xc3\x89\"\r\n");
	ck_assert_str_eq(r, "* SEARCH 2\r\na7 OK SEARCH completed\r\n");
	/* RFC 2045 6.8: base64 text is decoded before matching. */
	r = say(&pe, "a8 SEARCH BODY \"baris satu\"\r\n");
	ck_assert_str_eq(r, "* SEARCH 1\r\na8 OK SEARCH completed\r\n");
	r = say(&pe, "a9 SEARCH BODY YmFyaXMg\r\n");
	ck_assert_str_eq(r, "* SEARCH\r\na9 OK SEARCH completed\r\n");
	/* RFC 2045 6.7: quoted-printable too, soft line breaks joined; É is é. */
	r = say(&pe, "a10 SEARCH CHARSET UTF-8 BODY \"caf\xc3\xa9 di \xc3\xa9t\xc3\xa9 "
	    "sambung\"\r\n");
	ck_assert_str_eq(r, "* SEARCH 2\r\na10 OK SEARCH completed\r\n");
	/* A part that is not text holds no words: its base64 is not searched. */
	r = say(&pe, "a11 SEARCH BODY rahasia\r\n");
	ck_assert_str_eq(r, "* SEARCH\r\na11 OK SEARCH completed\r\n");
	r = say(&pe, "a12 SEARCH BODY lampiran\r\n");
	ck_assert_str_eq(r, "* SEARCH 3\r\na12 OK SEARCH completed\r\n");
	/* TEXT: header or body, both decoded. */
	r = say(&pe, "a13 SEARCH TEXT \"\xe2\x9c\x93\"\r\n");
	ck_assert_str_eq(r, "* SEARCH 1\r\na13 OK SEARCH completed\r\n");
	r = say(&pe, "a14 SEARCH TEXT \"baris dua\"\r\n");
	ck_assert_str_eq(r, "* SEARCH 1\r\na14 OK SEARCH completed\r\n");

	/* Internal date, "disregarding time and timezone". */
	r = say(&pe, "a15 SEARCH ON 5-Jan-2026\r\n");
	ck_assert_str_eq(r, "* SEARCH 1\r\na15 OK SEARCH completed\r\n");
	r = say(&pe, "a16 SEARCH SINCE 06-Jan-2026\r\n");
	ck_assert_str_eq(r, "* SEARCH 2 3\r\na16 OK SEARCH completed\r\n");
	r = say(&pe, "a17 SEARCH SINCE 7-Jan-2026\r\n");
	ck_assert_str_eq(r, "* SEARCH 2 3\r\na17 OK SEARCH completed\r\n");
	r = say(&pe, "a18 SEARCH BEFORE 7-Jan-2026\r\n");
	ck_assert_str_eq(r, "* SEARCH 1\r\na18 OK SEARCH completed\r\n");
	r = say(&pe, "a19 UID SEARCH BEFORE \"5-Jan-2026\"\r\n");
	ck_assert_str_eq(r, "* SEARCH\r\na19 OK UID SEARCH completed\r\n");
	/*
	 * The Date: field as written: message 1 was sent on 4 Jan in its
	 * own zone (5 Jan in Jakarta), message 3 has none and counts by its
	 * internal date.
	 */
	r = say(&pe, "a20 SEARCH SENTON 4-Jan-2026\r\n");
	ck_assert_str_eq(r, "* SEARCH 1\r\na20 OK SEARCH completed\r\n");
	r = say(&pe, "a21 SEARCH SENTBEFORE 5-Jan-2026\r\n");
	ck_assert_str_eq(r, "* SEARCH 1\r\na21 OK SEARCH completed\r\n");
	r = say(&pe, "a22 SEARCH SENTSINCE 5-Jan-2026 NOT SENTON 7-Jan-2026\r\n");
	ck_assert_str_eq(r, "* SEARCH\r\na22 OK SEARCH completed\r\n");
	r = say(&pe, "a23 SEARCH OR SENTON 7-Jan-2026 ON 4-Jan-2026\r\n");
	ck_assert_str_eq(r, "* SEARCH 2 3\r\na23 OK SEARCH completed\r\n");

	/* RFC 3501 6.4.4: an unknown charset is NO with BADCHARSET, not BAD. */
	r = say(&pe, "a24 SEARCH CHARSET KOI8-R SUBJECT rapat\r\n");
	ck_assert_str_eq(r, "a24 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported "
	    "charset: search in UTF-8 or US-ASCII\r\n");
	r = say(&pe, "a25 SEARCH SINCE 2026-01-05\r\n");
	HAS(r, "a25 BAD Syntax error: a date key needs a date");
	say(&pe, "a26 LOGOUT\r\n");
	buf_free(&pe.got);
	drive_end(&d);
}
END_TEST

START_TEST(test_session_two_clients_and_examine)
{
	struct drive d;
	struct peer a, b;
	const char *r;

	drive_start(&d);
	deliver(&d, "satu", "Halo 1\r\n");
	deliver(&d, "dua", "Halo 2\r\n");
	peer_connect(&d, &a, 0);
	peer_connect(&d, &b, 1);
	say(&a, "a1 LOGIN u pw\r\n");
	say(&b, "b1 AUTHENTICATE PLAIN\r\n");
	/* AUTH=PLAIN (RFC 4616): base64 of "\0u\0pw". */
	r = say(&b, "AHUAcHc=\r\n");
	HAS(r, "b1 OK [CAPABILITY");
	r = say(&a, "a2 SELECT INBOX\r\n");
	HAS(r, "* 2 RECENT\r\n");
	/* The first session took \Recent; EXAMINE sees none, and is read-only. */
	r = say(&b, "b2 EXAMINE INBOX\r\n");
	HAS(r, "* 2 EXISTS\r\n* 0 RECENT\r\n");
	HAS(r, "* OK [PERMANENTFLAGS ()]");
	HAS(r, "b2 OK [READ-ONLY] EXAMINE completed");
	r = say(&b, "b3 FETCH 1 BODY[]\r\n");
	LACKS(r, "FLAGS");
	ck_assert_int_eq(d.mb->msgs[0].flags, 0);
	r = say(&b, "b4 STORE 1 +FLAGS (\\Seen)\r\n");
	HAS(r, "b4 NO [READ-ONLY]");
	r = say(&b, "b5 EXPUNGE\r\n");
	HAS(r, "b5 NO [READ-ONLY]");
	/* a reads, deletes and expunges: b hears of each at its next command. */
	say(&a, "a3 FETCH 2 BODY[]\r\n");
	say(&a, "a4 STORE 1 +FLAGS.SILENT (\\Deleted)\r\n");
	r = say(&b, "b6 NOOP\r\n");
	ck_assert_str_eq(r, "* 1 FETCH (FLAGS (\\Deleted))\r\n"
	    "* 2 FETCH (FLAGS (\\Seen))\r\nb6 OK NOOP completed\r\n");
	say(&a, "a5 EXPUNGE\r\n");
	/* Not during FETCH (RFC 3501 7.4.1): the numbers must not move. */
	r = say(&b, "b7 FETCH 2 FLAGS\r\n");
	ck_assert_str_eq(r, "* 2 FETCH (FLAGS (\\Seen))\r\n"
	    "b7 OK FETCH completed\r\n");
	r = say(&b, "b8 NOOP\r\n");
	ck_assert_str_eq(r, "* 1 EXPUNGE\r\nb8 OK NOOP completed\r\n");
	/*
	 * New mail reaches both.  The read-only session hears of it first
	 * and sees \Recent, but does not take it from the other (2.3.2).
	 */
	deliver(&d, "tiga", "Halo 3\r\n");
	r = say(&b, "b9 UID SEARCH ALL\r\n");
	ck_assert_str_eq(r, "* 2 EXISTS\r\n* 1 RECENT\r\n* SEARCH 2 3\r\n"
	    "b9 OK UID SEARCH completed\r\n");
	r = say(&a, "a6 NOOP\r\n");
	HAS(r, "* 2 EXISTS\r\n* 2 RECENT\r\n");
	/* A client that leaves without LOGOUT frees its session. */
	tcp_close(a.c);
	say(&b, "b10 LOGOUT\r\n");
	ck_assert_ptr_null(a.c);
	ck_assert_ptr_null(d.s->mail->imap->sessions);
	buf_free(&a.got);
	buf_free(&b.got);
	drive_end(&d);
}
END_TEST

START_TEST(test_session_structure)
{
	struct drive d;
	struct peer pe;
	const char *r;
	const char *att_text = "Rapat Kamis 10.00\n";
	struct msg_att att = { "catatan.txt", "text/plain",
	    (const uint8_t *)att_text, strlen(att_text) };
	const char *to[] = { "Penerima <u@a.test>", "v@a.test" };
	struct msg_compose mc = {
		.from = "pengirim@a.test", .to = to, .nto = 2,
		.subject = "Jadwal rapat", .body = "Halo,\nlihat lampiran.\n",
		.date_unix = 1767574800, .tz_offset_min = 420,
		.message_id = "<m1@a.test>", .boundary = "BOUND",
		.att = &att, .natt = 1,
	};
	struct buf m = { 0 };

	drive_start(&d);
	msg_compose(&mc, &m);
	mailstore_deliver(d.s, d.mb, m.data, m.len, "<m1@a.test>");
	buf_free(&m);
	peer_connect(&d, &pe, 0);
	say(&pe, "a1 LOGIN u pw\r\n");
	say(&pe, "a2 EXAMINE INBOX\r\n");
	r = say(&pe, "a3 FETCH 1 (ENVELOPE)\r\n");
	ck_assert_str_eq(r, "* 1 FETCH (ENVELOPE (\"Mon, 05 Jan 2026 08:00:00 "
	    "+0700\" \"Jadwal rapat\" ((NIL NIL \"pengirim\" \"a.test\")) "
	    "((NIL NIL \"pengirim\" \"a.test\")) ((NIL NIL \"pengirim\" "
	    "\"a.test\")) ((\"Penerima\" NIL \"u\" \"a.test\")(NIL NIL \"v\" "
	    "\"a.test\")) NIL NIL NIL \"<m1@a.test>\"))\r\n"
	    "a3 OK FETCH completed\r\n");
	r = say(&pe, "a4 FETCH 1 BODYSTRUCTURE\r\n");
	ck_assert_str_eq(r, "* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" "
	    "(\"charset\" \"UTF-8\") NIL NIL \"7bit\" 24 2 NIL NIL NIL NIL)"
	    "(\"text\" \"plain\" (\"name\" \"catatan.txt\") NIL NIL \"base64\" "
	    "24 1 NIL (\"attachment\" (\"filename\" \"catatan.txt\")) NIL NIL) "
	    "\"mixed\" (\"boundary\" \"BOUND\") NIL NIL NIL))\r\n"
	    "a4 OK FETCH completed\r\n");
	r = say(&pe, "a5 FETCH 1 (BODY[1] BODY[2.MIME] BODY[3])\r\n");
	HAS(r, "BODY[1] {24}\r\nHalo,\r\nlihat lampiran.\r\n BODY[2.MIME] {");
	HAS(r, "Content-Disposition: attachment; filename=\"catatan.txt\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n BODY[3] NIL)");
	r = say(&pe, "a6 FETCH 1 (BODY.PEEK[TEXT]<2.5> RFC822.SIZE INTERNALDATE)\r\n");
	HAS(r, "INTERNALDATE \"05-Jan-2026 08:00:00 +0700\"");
	HAS(r, "BODY[TEXT]<2> {5}\r\n");
	/* Every response of this session reads back as IMAP. */
	r = say(&pe, "a7 FETCH 1 FULL\r\n");
	struct imap_resp rr;
	const char *end = strstr(r, ")\r\na7 OK");
	ck_assert_ptr_nonnull(end);
	ck_assert_int_eq(imap_parse_response((const uint8_t *)r,
	    (size_t)(end + 3 - r), &rr), 0);
	ck_assert_ptr_nonnull(imap_val_get(&rr.data.v[0], "BODY"));
	ck_assert_ptr_nonnull(imap_val_get(&rr.data.v[0], "ENVELOPE"));
	imap_resp_free(&rr);
	say(&pe, "a8 LOGOUT\r\n");
	buf_free(&pe.got);
	drive_end(&d);
}
END_TEST

/* ---- scenarios ------------------------------------------------------- */

struct run {
	struct scenario *sc;
	struct sim	*s;
};

static struct run
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b = { 0 };
	char chunk[65536];
	size_t n;
	struct run r;

	ck_assert_ptr_nonnull(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	buf_putc(&b, '\0');
	r.sc = load((char *)b.data);
	buf_free(&b);
	r.s = sim_new(r.sc, r.sc->seed);
	sim_run(r.s);
	return r;
}

static void
run_free(struct run *r)
{
	sim_free(r->s);
	scenario_free(r->sc);
}

static int
app_lines_with(struct run *r, const char *needle)
{
	const struct trace *tr = sim_trace(r->s);
	int n = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		if (rec.kind == TR_APP && rec.a == APP_IMAP &&
		    strstr(trace_text_at(tr, rec.text), needle))
			n++;
	}
	return n;
}

static struct mailbox *
box(struct run *r, const char *addr)
{
	for (int i = 0; i < r->s->mail->nboxes; i++)
		if (strcmp(r->s->mail->boxes[i].address, addr) == 0)
			return &r->s->mail->boxes[i];
	ck_abort_msg("no mailbox %s", addr);
	return NULL;
}

static const struct device *
dev(struct run *r, const char *id)
{
	int n = scenario_node_index(r->sc, id);

	ck_assert_int_ge(n, 0);
	return &r->s->mail->devices[n];
}

/* The device holds exactly this message, fetched by IMAP, flagged \Seen. */
static void
assert_device_copy(struct run *r, const char *id, const struct mbox_msg *m,
    const struct mailbox *mb)
{
	const struct device *d = dev(r, id);
	int found = 0;

	for (int i = 0; i < d->nmsgs; i++) {
		const struct dev_msg *dm = &d->msgs[i];

		if (dm->proto != FETCH_IMAP || dm->uid != m->uid)
			continue;
		found++;
		ck_assert_uint_eq(dm->uidvalidity, mb->uidvalidity);
		ck_assert_uint_eq(dm->data.len, m->data.len);
		ck_assert_mem_eq(dm->data.data, m->data.data, m->data.len);
		ck_assert_int_eq(dm->flags, MSGF_SEEN);
		ck_assert_str_eq(dm->user, "penerima");
	}
	ck_assert_msg(found == 1, "%s holds %d copies of UID %u", id, found,
	    m->uid);
}

START_TEST(test_scenario_two_devices)
{
	struct run r = run_file("scenarios/08b-imap-two-devices.json");
	struct mailbox *mb = box(&r, "penerima@penerimamail.com");

	/* The server keeps the message, now read. */
	ck_assert_int_eq(mb->nmsgs, 1);
	ck_assert_int_eq(mb->msgs[0].flags, MSGF_SEEN);
	/* Both devices hold a copy; the laptop's second check added none. */
	assert_device_copy(&r, "laptop-penerima", &mb->msgs[0], mb);
	assert_device_copy(&r, "hp-penerima", &mb->msgs[0], mb);
	ck_assert_int_eq(dev(&r, "laptop-penerima")->nmsgs, 1);
	ck_assert_int_eq(dev(&r, "hp-penerima")->nmsgs, 1);
	/* The dialogue, three times, with the download only twice. */
	ck_assert_int_eq(app_lines_with(&r, "C: a1 LOGIN penerima (password)"), 3);
	ck_assert_int_eq(app_lines_with(&r, "rahasia"), 0);
	ck_assert_int_eq(app_lines_with(&r, "S: a1 OK"), 3);
	ck_assert_int_eq(app_lines_with(&r, "C: a2 SELECT INBOX"), 3);
	ck_assert_int_eq(app_lines_with(&r, "S: * 1 EXISTS"), 3);
	ck_assert_int_eq(app_lines_with(&r, "C: a3 UID SEARCH ALL"), 3);
	ck_assert_int_eq(app_lines_with(&r, "S: * SEARCH 1"), 3);
	ck_assert_int_eq(app_lines_with(&r, "C: a4 UID FETCH 1 (FLAGS BODY[])"), 2);
	ck_assert_int_eq(app_lines_with(&r, "S: * 1 FETCH (UID 1 FLAGS (\\Seen"), 2);
	ck_assert_int_eq(app_lines_with(&r, "(message of "), 2);
	ck_assert_int_eq(app_lines_with(&r, "C: a5 LOGOUT"), 2);
	ck_assert_int_eq(app_lines_with(&r, "C: a4 LOGOUT"), 1);
	ck_assert_int_eq(app_lines_with(&r, "S: * BYE"), 3);
	/* Only the first session saw it as \Recent. */
	ck_assert_int_eq(app_lines_with(&r, "S: * 1 RECENT"), 1);
	/* In order: LOGIN, SELECT, UID SEARCH, UID FETCH, LOGOUT. */
	const struct trace *tr = sim_trace(r.s);
	static const char *const order[] = { "C: a1 LOGIN", "C: a2 SELECT",
	    "C: a3 UID SEARCH", "C: a4 UID FETCH", "C: a5 LOGOUT" };
	size_t k = 0;
	for (size_t i = 0; i < trace_count(tr) && k < 5; i++) {
		const struct trace_rec rec = trace_at(tr, i);
		if (rec.kind == TR_APP && strstr(trace_text_at(tr, rec.text),
		    order[k]))
			k++;
	}
	ck_assert_uint_eq(k, 5);
	run_free(&r);
}
END_TEST

/*
 * Each of the three fetches goes through RFC 3501's states on both sides,
 * the server first (it decides), then the device (it learns it from the
 * tagged OK): not authenticated -> authenticated -> selected -> logout.
 */
START_TEST(test_scenario_session_states)
{
	struct run r = run_file("scenarios/08b-imap-two-devices.json");
	int srv = scenario_node_index(r.sc, "mailbox-penerima");
	int laptop = scenario_node_index(r.sc, "laptop-penerima");
	int hp = scenario_node_index(r.sc, "hp-penerima");
	const char *one_srv = SRV_LOGIN SRV_SELECT SRV_LOGOUT("selected");
	const char *one_cli = CLI_LOGIN CLI_SELECT CLI_LOGOUT("selected");
	char *want, *steps;

	want = xasprintf("%s%s%s", one_srv, one_srv, one_srv);
	steps = session_steps(r.s, srv);
	ck_assert_str_eq(steps, want);
	free(steps);
	free(want);
	want = xasprintf("%s%s", one_cli, one_cli);
	steps = session_steps(r.s, laptop);
	ck_assert_str_eq(steps, want);
	free(steps);
	free(want);
	steps = session_steps(r.s, hp);
	ck_assert_str_eq(steps, one_cli);
	free(steps);
	/* The server's change comes before the device's, each time. */
	const struct trace *tr = sim_trace(r.s);
	int srv_ahead = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		if (rec.kind != TR_STATE || rec.a != ST_SESSION ||
		    strncmp(trace_text_at(tr, rec.text), "IMAP ", 5) != 0)
			continue;
		srv_ahead += rec.node == srv ? 1 : -1;
		ck_assert_int_ge(srv_ahead, 0);
		ck_assert_int_le(srv_ahead, 1);
	}
	ck_assert_int_eq(srv_ahead, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_scenario_default_imap_part)
{
	struct run r = run_file("scenarios/default.json");
	struct mailbox *mb = box(&r, "penerima@penerimamail.com");
	const struct mbox_msg *m = NULL;

	/* The second mail, "Jadwal rapat", read by IMAP at 50 s and 55 s. */
	for (int i = 0; i < mb->nmsgs; i++) {
		struct msg_info mi;

		ck_assert_int_eq(msg_parse(mb->msgs[i].data.data,
		    mb->msgs[i].data.len, &mi), 0);
		if (strcmp(mi.subject, "Jadwal rapat") == 0)
			m = &mb->msgs[i];
		msg_info_free(&mi);
	}
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->flags & MSGF_SEEN, MSGF_SEEN);
	assert_device_copy(&r, "laptop-penerima", m, mb);
	assert_device_copy(&r, "hp-penerima", m, mb);
	ck_assert_int_ge(app_lines_with(&r, "C: a4 UID FETCH"), 2);
	run_free(&r);
}
END_TEST

/* A small world for the client's failures. */
static const char *fetch_world =
"{\"surel\":1,\"title\":\"t\",\"nodes\":["
"{\"id\":\"pc\",\"kind\":\"client\",\"ip\":\"10.0.0.2\"},"
"{\"id\":\"srv\",\"kind\":\"server\",\"ip\":\"10.0.0.1\",\"hostname\":\"mail.a.test\","
"\"services\":{\"smtp\":{\"domains\":[\"a.test\"]},\"submission\":{},\"imap\":{}}}],"
"\"links\":[{\"a\":\"pc\",\"b\":\"srv\"}],"
"\"accounts\":[{\"address\":\"u@a.test\",\"server\":\"srv\",\"user\":\"u\","
"\"password\":\"%s\"}],"
"\"actions\":[{\"at_ms\":0,\"node\":\"pc\",\"send\":{\"from\":\"u@a.test\","
"\"to\":[\"u@a.test\"],\"subject\":\"s\",\"via\":\"srv\",\"auth\":{\"user\":\"u\","
"\"password\":\"%s\"}}},%s]}";

static struct run
fetch_run(const char *password, const char *actions)
{
	char *text = xasprintf(fetch_world, password, password, actions);
	struct run r;

	r.sc = load(text);
	free(text);
	r.s = sim_new(r.sc, r.sc->seed);
	sim_run(r.s);
	return r;
}

START_TEST(test_wrong_password_stores_nothing)
{
	struct run r = fetch_run("pw", "{\"at_ms\":5000,\"node\":\"pc\",\"fetch\":"
	    "{\"protocol\":\"imap\",\"server\":\"srv\",\"user\":\"u\","
	    "\"password\":\"salah\"}}");

	ck_assert_int_eq(box(&r, "u@a.test")->nmsgs, 1);
	ck_assert_int_eq(app_lines_with(&r,
	    "S: a1 NO [AUTHENTICATIONFAILED] Invalid credentials"), 1);
	ck_assert_int_eq(app_lines_with(&r, "C: a2 LOGOUT"), 1);
	ck_assert_int_eq(app_lines_with(&r, "SELECT"), 0);
	ck_assert_int_eq(dev(&r, "pc")->nmsgs, 0);
	ck_assert_int_eq(dev(&r, "pc")->fetched, 1);
	ck_assert_ptr_null(r.s->mail->imap->clients);
	ck_assert_ptr_null(r.s->mail->imap->sessions);
	/* Never logged in: both sides go from not authenticated to logout. */
	char *steps = session_steps(r.s, scenario_node_index(r.sc, "srv"));
	ck_assert_str_eq(steps, SRV_LOGOUT("not authenticated"));
	free(steps);
	steps = session_steps(r.s, scenario_node_index(r.sc, "pc"));
	ck_assert_str_eq(steps, CLI_LOGOUT("not authenticated"));
	free(steps);
	run_free(&r);
}
END_TEST

START_TEST(test_password_as_literal)
{
	/* Not 7-bit: the client must send it as a literal and wait for "+". */
	struct run r = fetch_run("rahasia\xe2\x82\xac", "{\"at_ms\":5000,"
	    "\"node\":\"pc\",\"fetch\":{\"protocol\":\"imap\",\"server\":\"srv\","
	    "\"user\":\"u\",\"password\":\"rahasia\xe2\x82\xac\"}}");

	ck_assert_int_eq(app_lines_with(&r, "C: a1 LOGIN u {10}"), 1);
	ck_assert_int_eq(app_lines_with(&r, "S: + Ready for literal data"), 1);
	ck_assert_int_eq(app_lines_with(&r, "C: (password)"), 1);
	ck_assert_int_eq(app_lines_with(&r, "S: a1 OK"), 1);
	ck_assert_int_eq(dev(&r, "pc")->nmsgs, 1);
	ck_assert_int_eq(box(&r, "u@a.test")->msgs[0].flags, MSGF_SEEN);
	run_free(&r);
}
END_TEST

START_TEST(test_server_off_ends_cleanly)
{
	/* The server is off: SYNs go unanswered until TCP gives up. */
	struct run r = fetch_run("pw", "{\"at_ms\":4000,\"node\":\"srv\","
	    "\"power\":\"off\"},{\"at_ms\":5000,\"node\":\"pc\",\"fetch\":"
	    "{\"protocol\":\"imap\",\"server\":\"srv\",\"user\":\"u\","
	    "\"password\":\"pw\"}},{\"at_ms\":6000,\"node\":\"pc\",\"power\":\"off\"},"
	    "{\"at_ms\":7000,\"node\":\"pc\",\"fetch\":{\"protocol\":\"imap\","
	    "\"server\":\"srv\",\"user\":\"u\",\"password\":\"pw\"}}");

	ck_assert_int_eq(app_lines_with(&r, "IMAP4rev1"), 0);
	ck_assert_int_eq(dev(&r, "pc")->nmsgs, 0);
	ck_assert_ptr_null(r.s->mail->imap->clients);
	run_free(&r);
}
END_TEST

Suite *
imap_suite(void)
{
	Suite *s = suite_create("imap");
	TCase *codec = tcase_create("codec");
	TCase *sess = tcase_create("session");
	TCase *scen = tcase_create("scenarios");

	tcase_add_test(codec, test_tags_and_commands);
	tcase_add_test(codec, test_quoted_strings);
	tcase_add_test(codec, test_literals_and_continuation);
	tcase_add_test(codec, test_line_limit);
	tcase_add_test(codec, test_sequence_sets);
	tcase_add_test(codec, test_fetch_items);
	tcase_add_test(codec, test_store_and_search_arguments);
	tcase_add_test(codec, test_list_nesting_limit);
	tcase_add_test(codec, test_responses);
	tcase_add_test(codec, test_quoting_choice);
	tcase_add_test(codec, test_shown_summarises_literals);
	suite_add_tcase(s, codec);

	tcase_set_timeout(sess, 60);
	tcase_add_test(sess, test_session_states_and_errors);
	tcase_add_test(sess, test_session_fetch_store_expunge_search);
	tcase_add_test(sess, test_session_search_decodes_and_dates);
	tcase_add_test(sess, test_session_two_clients_and_examine);
	tcase_add_test(sess, test_session_structure);
	tcase_add_test(sess, test_session_state_records);
	suite_add_tcase(s, sess);

	tcase_set_timeout(scen, 120);
	tcase_add_test(scen, test_scenario_two_devices);
	tcase_add_test(scen, test_scenario_session_states);
	tcase_add_test(scen, test_scenario_default_imap_part);
	tcase_add_test(scen, test_wrong_password_stores_nothing);
	tcase_add_test(scen, test_password_as_literal);
	tcase_add_test(scen, test_server_off_ends_cleanly);
	suite_add_tcase(s, scen);
	return s;
}
