/*
 * test_smtp_wire.c: the SMTP/LMTP codec and the line reader, on bytes:
 * command parsing and its error classes, reply formatting and reading
 * (multi-line, enhanced codes), dot-stuffing both ways, mailbox syntax,
 * the hop count.
 */
#include <check.h>
#include <string.h>

#include "linebuf.h"
#include "smtp_wire.h"

static int
parse(const char *line, struct smtp_cmd *c)
{
	return smtp_parse_command(line, strlen(line), c);
}

START_TEST(test_commands)
{
	struct smtp_cmd c;

	ck_assert_int_eq(parse("EHLO laptop.local", &c), 0);
	ck_assert_int_eq(c.verb, SMTP_EHLO);
	ck_assert_str_eq(c.arg, "laptop.local");
	ck_assert_int_eq(parse("ehlo   x.y  ", &c), 0);	/* case, spaces */
	ck_assert_str_eq(c.arg, "x.y");
	ck_assert_int_eq(parse("EHLO", &c), SMTP_PARSE_SYNTAX);
	ck_assert_int_eq(parse("LHLO mx", &c), 0);
	ck_assert_int_eq(c.verb, SMTP_LHLO);

	ck_assert_int_eq(parse("MAIL FROM:<pengirim@pengirimmail.com> SIZE=12345 "
	    "BODY=8BITMIME", &c), 0);
	ck_assert_int_eq(c.verb, SMTP_MAIL);
	ck_assert_str_eq(c.addr, "pengirim@pengirimmail.com");
	ck_assert_int_eq(c.has_size, 1);
	ck_assert_uint_eq(c.size, 12345);
	ck_assert_int_eq(c.body_8bit, 1);
	ck_assert_int_eq(parse("MAIL FROM:<>", &c), 0);	/* the null path of bounces */
	ck_assert_str_eq(c.addr, "");
	ck_assert_int_eq(parse("mail from: <a@b.c>", &c), 0);
	ck_assert_str_eq(c.addr, "a@b.c");
	ck_assert_int_eq(parse("MAIL FROM:<@relay.net:a@b.c>", &c), 0);
	ck_assert_str_eq(c.addr, "a@b.c");	/* source route ignored, 4.1.2 */
	ck_assert_int_eq(parse("MAIL FROM:a@b.c", &c), SMTP_PARSE_SYNTAX);
	ck_assert_int_eq(parse("MAIL TO:<a@b.c>", &c), SMTP_PARSE_SYNTAX);
	ck_assert_int_eq(parse("MAIL FROM:<a@b.c> SIZE=x", &c), SMTP_PARSE_SYNTAX);
	ck_assert_int_eq(parse("MAIL FROM:<a@b.c> FOO=1", &c), SMTP_PARSE_PARAM);
	ck_assert_int_eq(parse("MAIL FROM:<not an address>", &c),
	    SMTP_PARSE_ADDRESS);

	ck_assert_int_eq(parse("RCPT TO:<penerima@penerimamail.com>", &c), 0);
	ck_assert_int_eq(c.verb, SMTP_RCPT);
	ck_assert_str_eq(c.addr, "penerima@penerimamail.com");
	ck_assert_int_eq(parse("RCPT TO:<>", &c), SMTP_PARSE_ADDRESS);
	ck_assert_int_eq(parse("RCPT TO:<a@b.c> SIZE=5", &c), SMTP_PARSE_PARAM);

	ck_assert_int_eq(parse("DATA", &c), 0);
	ck_assert_int_eq(parse("DATA now", &c), SMTP_PARSE_SYNTAX);
	ck_assert_int_eq(parse("QUIT", &c), 0);
	ck_assert_int_eq(parse("NOOP anything", &c), 0);
	ck_assert_int_eq(parse("VRFY", &c), SMTP_PARSE_SYNTAX);
	ck_assert_int_eq(parse("AUTH plain AGFsaWNlAHNlY3JldA==", &c), 0);
	ck_assert_str_eq(c.auth_mech, "PLAIN");
	ck_assert_str_eq(c.auth_initial, "AGFsaWNlAHNlY3JldA==");
	ck_assert_int_eq(parse("FROB x", &c), SMTP_PARSE_UNKNOWN);
	ck_assert_int_eq(parse("", &c), SMTP_PARSE_UNKNOWN);
	ck_assert_int_eq(smtp_parse_command("NOOP\0x", 6, &c), SMTP_PARSE_SYNTAX);
}
END_TEST

START_TEST(test_mailbox_syntax)
{
	ck_assert(smtp_valid_mailbox("penerima@penerimamail.com"));
	ck_assert(smtp_valid_mailbox("a.b+tag@sub.example.co.id"));
	ck_assert(smtp_valid_mailbox("\"john doe\"@example.com"));
	ck_assert(!smtp_valid_mailbox("@example.com"));
	ck_assert(!smtp_valid_mailbox("a@"));
	ck_assert(!smtp_valid_mailbox("a..b@example.com"));
	ck_assert(!smtp_valid_mailbox("a@-x.com"));
	ck_assert(!smtp_valid_mailbox("a@x..com"));
	ck_assert(!smtp_valid_mailbox("a b@x.com"));
	ck_assert_str_eq(smtp_addr_domain("a@B.com"), "B.com");
	ck_assert(smtp_same("Penerima@PenerimaMail.com", "penerima@penerimamail.com"));
	ck_assert(!smtp_same("a@b.com", "a@b.co"));
}
END_TEST

START_TEST(test_reply_format_and_read)
{
	struct buf b = { 0 };

	smtp_reply(&b, 250, NULL, "mx.example greets x\nPIPELINING\nSIZE 100");
	ck_assert_str_eq((char *)b.data, "250-mx.example greets x\r\n"
	    "250-PIPELINING\r\n250 SIZE 100\r\n");
	b.len = 0;
	smtp_reply(&b, 550, "5.1.1", "<x@y.z>: User unknown");
	ck_assert_str_eq((char *)b.data, "550 5.1.1 <x@y.z>: User unknown\r\n");
	buf_free(&b);

	struct smtp_reply r;
	smtp_reply_init(&r);
	ck_assert_int_eq(smtp_reply_feed(&r, "250-mx greets", 13), 0);
	ck_assert_int_eq(smtp_reply_feed(&r, "250-SIZE 10", 11), 0);
	ck_assert_int_eq(smtp_reply_feed(&r, "250 8BITMIME", 12), 1);
	ck_assert_int_eq(r.code, 250);
	ck_assert_int_eq(r.nlines, 3);
	ck_assert_str_eq((char *)r.text.data, "mx greets\nSIZE 10\n8BITMIME");
	ck_assert_int_eq(smtp_reply_feed(&r, "550 5.1.1 <a@b.c>: no", 21), 1);
	ck_assert_int_eq(r.code, 550);
	ck_assert_str_eq(r.enhanced, "5.1.1");
	ck_assert_str_eq((char *)r.text.data, "<a@b.c>: no");
	ck_assert_int_eq(smtp_reply_feed(&r, "220", 3), 1);	/* bare code */
	ck_assert_int_eq(smtp_reply_feed(&r, "hello", 5), -1);
	ck_assert_int_eq(smtp_reply_feed(&r, "250-a", 5), 0);
	ck_assert_int_eq(smtp_reply_feed(&r, "251 b", 5), -1);	/* codes differ */
	ck_assert_int_eq(smtp_reply_feed(&r, "999 x", 5), -1);
	smtp_reply_free(&r);
}
END_TEST

START_TEST(test_dot_stuffing_both_ways)
{
	const char *msg = "Subject: dots\r\n\r\n.leading dot\r\n..two\r\n"
	    "middle . dot\r\n.\r\nlast line without newline";
	struct buf wire = { 0 }, back = { 0 };

	smtp_dot_stuff((const uint8_t *)msg, strlen(msg), &wire);
	ck_assert_str_eq((char *)wire.data, "Subject: dots\r\n\r\n..leading dot\r\n"
	    "...two\r\nmiddle . dot\r\n..\r\nlast line without newline\r\n.\r\n");

	/* The receiver: line by line until the lone dot. */
	struct linebuf lb;
	const char *line;
	size_t n;
	int ended = 0;
	linebuf_init(&lb, 998);
	/* Feed in awkward pieces, as TCP may cut them. */
	for (size_t i = 0; i < wire.len; i += 7)
		linebuf_feed(&lb, wire.data + i, wire.len - i < 7 ? wire.len - i : 7);
	while (!ended && linebuf_next(&lb, &line, &n) == LINE_OK)
		ended = smtp_data_line(line, n, &back);
	ck_assert_int_eq(ended, 1);
	ck_assert_str_eq((char *)back.data, "Subject: dots\r\n\r\n.leading dot\r\n"
	    "..two\r\nmiddle . dot\r\n.\r\nlast line without newline\r\n");
	linebuf_free(&lb);
	buf_free(&wire);
	buf_free(&back);

	/* Bare LF line ends are sent as CRLF. */
	struct buf w2 = { 0 };
	smtp_dot_stuff((const uint8_t *)"a\nb\n", 4, &w2);
	ck_assert_str_eq((char *)w2.data, "a\r\nb\r\n.\r\n");
	buf_free(&w2);
}
END_TEST

START_TEST(test_linebuf_limits)
{
	struct linebuf lb;
	const char *line;
	size_t n;
	char big[3000];

	linebuf_init(&lb, 10);
	linebuf_feed(&lb, "short\r\n0123456789\nx", 19);
	ck_assert_int_eq(linebuf_next(&lb, &line, &n), LINE_OK);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(linebuf_next(&lb, &line, &n), LINE_OK);
	ck_assert_uint_eq(n, 10);
	ck_assert_int_eq(linebuf_next(&lb, &line, &n), LINE_NONE);
	/* A line that never ends is reported once and does not grow the buffer. */
	memset(big, 'A', sizeof big);
	linebuf_feed(&lb, big, sizeof big);
	ck_assert_int_eq(linebuf_next(&lb, &line, &n), LINE_TOO_LONG);
	linebuf_feed(&lb, big, sizeof big);
	ck_assert_int_eq(linebuf_next(&lb, &line, &n), LINE_NONE);
	ck_assert_uint_le(linebuf_pending(&lb), sizeof big);
	linebuf_feed(&lb, "tail\r\nnext\r\n", 12);
	ck_assert_int_eq(linebuf_next(&lb, &line, &n), LINE_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(line, "next", 4);
	linebuf_free(&lb);
}
END_TEST

START_TEST(test_received_count)
{
	const char *m = "Received: from a\r\n\tby b\r\nreceived: from c\r\n"
	    "Subject: x\r\n\r\nReceived: in the body does not count\r\n";

	ck_assert_int_eq(smtp_count_received((const uint8_t *)m, strlen(m)), 2);
}
END_TEST

Suite *
smtp_wire_suite(void)
{
	Suite *s = suite_create("smtp_wire");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_commands);
	tcase_add_test(tc, test_mailbox_syntax);
	tcase_add_test(tc, test_reply_format_and_read);
	tcase_add_test(tc, test_dot_stuffing_both_ways);
	tcase_add_test(tc, test_linebuf_limits);
	tcase_add_test(tc, test_received_count);
	suite_add_tcase(s, tc);
	return s;
}
