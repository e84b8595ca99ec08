/*
 * test_pop3.c: POP3 (RFC 1939).  The codec on its own (command lines,
 * status lines, byte-stuffing); the lesson scenarios run whole and
 * checked through the mailboxes, the devices and the transcript; and
 * the server driven by a scripted client inside the simulation, for
 * what the mail program never does (DELE without QUIT, two sessions at
 * once, TOP, every error reply), byte for byte.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "helpers.h"
#include "mail.h"
#include "message.h"
#include "pop3.h"
#include "pop3_wire.h"
#include "tcp.h"
#include "world.h"

/* ---- the codec ------------------------------------------------------ */

static int
parse(const char *line, struct pop3_cmd *c)
{
	return pop3_parse_command(line, strlen(line), c);
}

START_TEST(test_parse_commands)
{
	struct pop3_cmd c;

	ck_assert_int_eq(parse("USER penerima", &c), POP3_PARSE_OK);
	ck_assert_int_eq(c.verb, POP3_USER);
	ck_assert_str_eq(c.arg, "penerima");
	/* RFC 1939 7: a password may hold spaces. */
	ck_assert_int_eq(parse("PASS kata sandi ku", &c), POP3_PARSE_OK);
	ck_assert_int_eq(c.verb, POP3_PASS);
	ck_assert_str_eq(c.arg, "kata sandi ku");
	/* RFC 1939 3: keywords are case-insensitive. */
	ck_assert_int_eq(parse("stat", &c), POP3_PARSE_OK);
	ck_assert_int_eq(c.verb, POP3_STAT);
	ck_assert_int_eq(c.nnum, 0);
	ck_assert_int_eq(parse("List", &c), POP3_PARSE_OK);
	ck_assert_int_eq(c.verb, POP3_LIST);
	ck_assert_int_eq(c.nnum, 0);
	ck_assert_int_eq(parse("LIST 2", &c), POP3_PARSE_OK);
	ck_assert_int_eq(c.nnum, 1);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_int_eq(parse("uidl 7", &c), POP3_PARSE_OK);
	ck_assert_int_eq(c.verb, POP3_UIDL);
	ck_assert_uint_eq(c.n, 7);
	ck_assert_int_eq(parse("RETR 1", &c), POP3_PARSE_OK);
	ck_assert_int_eq(c.verb, POP3_RETR);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_int_eq(parse("tOp 3 10", &c), POP3_PARSE_OK);
	ck_assert_int_eq(c.verb, POP3_TOP);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_uint_eq(c.m, 10);
	ck_assert_int_eq(parse("TOP 1 0", &c), POP3_PARSE_OK);
	ck_assert_uint_eq(c.m, 0);
	ck_assert_int_eq(parse("DELE 4294967295", &c), POP3_PARSE_OK);
	ck_assert_uint_eq(c.n, 4294967295u);
	ck_assert_int_eq(parse("RSET", &c), POP3_PARSE_OK);
	ck_assert_int_eq(c.verb, POP3_RSET);
	ck_assert_int_eq(parse("NOOP", &c), POP3_PARSE_OK);
	ck_assert_int_eq(c.verb, POP3_NOOP);
	ck_assert_int_eq(parse("QUIT", &c), POP3_PARSE_OK);
	ck_assert_int_eq(c.verb, POP3_QUIT);
	ck_assert_int_eq(parse("CAPA", &c), POP3_PARSE_OK);
	ck_assert_int_eq(c.verb, POP3_CAPA);
	/* A trailing space, or two between arguments, is forgiven. */
	ck_assert_int_eq(parse("RETR  1 ", &c), POP3_PARSE_OK);
	ck_assert_uint_eq(c.n, 1);
	/* 40 characters is the longest argument (RFC 1939 3). */
	ck_assert_int_eq(parse("USER 1234567890123456789012345678901234567890",
	    &c), POP3_PARSE_OK);
	ck_assert_uint_eq(strlen(c.arg), 40);
	ck_assert_str_eq(pop3_verb_str(POP3_TOP), "TOP");
	ck_assert_str_eq(pop3_verb_str(POP3_UNKNOWN), "?");
}
END_TEST

START_TEST(test_parse_errors)
{
	struct pop3_cmd c;
	char line[300];

	ck_assert_int_eq(parse("", &c), POP3_PARSE_UNKNOWN);
	ck_assert_int_eq(c.verb, POP3_UNKNOWN);
	ck_assert_int_eq(parse("XYZZY", &c), POP3_PARSE_UNKNOWN);
	ck_assert_int_eq(parse("HELO there", &c), POP3_PARSE_UNKNOWN);
	ck_assert_int_eq(parse("RE", &c), POP3_PARSE_UNKNOWN);
	ck_assert_int_eq(parse(" STAT", &c), POP3_PARSE_UNKNOWN);
	ck_assert_int_eq(parse("STATS", &c), POP3_PARSE_UNKNOWN);
	/* Missing, extra, or non-numeric arguments. */
	ck_assert_int_eq(parse("RETR", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(c.verb, POP3_RETR);
	ck_assert_int_eq(parse("RETR x", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(parse("RETR -1", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(parse("RETR 1x", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(parse("RETR 1 2", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(parse("RETR 4294967296", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(parse("TOP 1", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(parse("TOP 1 2 3", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(parse("STAT 1", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(parse("LIST 1 2", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(parse("DELE", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(parse("USER", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(parse("USER ", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(parse("USER two words", &c), POP3_PARSE_SYNTAX);
	ck_assert_int_eq(parse("PASS", &c), POP3_PARSE_SYNTAX);
	/* "PASS " is an empty password, the only way POP3 can write one. */
	ck_assert_int_eq(parse("PASS ", &c), POP3_PARSE_OK);
	ck_assert_int_eq(c.verb, POP3_PASS);
	ck_assert_str_eq(c.arg, "");
	ck_assert_int_eq(pop3_parse_command("PASS a\0b", 8, &c),
	    POP3_PARSE_SYNTAX);
	/* RFC 1939 3: 40 characters per argument at most. */
	ck_assert_int_eq(parse("USER 12345678901234567890123456789012345678901",
	    &c), POP3_PARSE_ARG_TOO_LONG);
	ck_assert_int_eq(parse("RETR 00000000000000000000000000000000000000001",
	    &c), POP3_PARSE_ARG_TOO_LONG);
	/* RFC 2449 4: 255 octets with CRLF, so 253 without. */
	memset(line, 'a', sizeof line);
	memcpy(line, "NOOP ", 5);
	ck_assert_int_eq(pop3_parse_command(line, 254, &c), POP3_PARSE_TOO_LONG);
	/* 253 is fine as a length (NOOP takes no argument, hence SYNTAX). */
	ck_assert_int_eq(pop3_parse_command(line, 253, &c), POP3_PARSE_SYNTAX);
	/* Known, but not offered: the server says to use USER and PASS. */
	ck_assert_int_eq(parse("APOP mrose c4c9334bac560ecc979e58001b3e22fb", &c),
	    POP3_PARSE_UNSUPPORTED);
	ck_assert_int_eq(c.verb, POP3_APOP);
	ck_assert_int_eq(parse("auth PLAIN", &c), POP3_PARSE_UNSUPPORTED);
	ck_assert_int_eq(c.verb, POP3_AUTH);
}
END_TEST

START_TEST(test_status_lines)
{
	struct pop3_reply r;
	struct buf b = { 0 };

	ck_assert_int_eq(pop3_parse_status("+OK", 3, &r), 0);
	ck_assert_int_eq(r.ok, 1);
	ck_assert_uint_eq(r.textlen, 0);
	ck_assert_str_eq(r.code, "");
	const char *l = "+OK 2 320";
	ck_assert_int_eq(pop3_parse_status(l, strlen(l), &r), 0);
	ck_assert_int_eq(r.ok, 1);
	ck_assert_uint_eq(r.textlen, 5);
	ck_assert(memcmp(r.text, "2 320", 5) == 0);
	l = "-ERR [IN-USE] maildrop already locked";
	ck_assert_int_eq(pop3_parse_status(l, strlen(l), &r), 0);
	ck_assert_int_eq(r.ok, 0);
	ck_assert_str_eq(r.code, "IN-USE");
	ck_assert(memcmp(r.text, "[IN-USE] maildrop", 17) == 0);
	l = "-ERR [SYS/TEMP] try later";
	ck_assert_int_eq(pop3_parse_status(l, strlen(l), &r), 0);
	ck_assert_str_eq(r.code, "SYS/TEMP");
	l = "-ERR [AUTH";
	ck_assert_int_eq(pop3_parse_status(l, strlen(l), &r), 0);
	ck_assert_str_eq(r.code, "");
	l = "-ERR [] empty";
	ck_assert_int_eq(pop3_parse_status(l, strlen(l), &r), 0);
	ck_assert_str_eq(r.code, "");
	ck_assert_int_eq(pop3_parse_status("-ERR", 4, &r), 0);
	ck_assert_int_eq(r.ok, 0);
	/* Not status lines. */
	ck_assert_int_eq(pop3_parse_status("+OKAY", 5, &r), -1);
	ck_assert_int_eq(pop3_parse_status("+ok", 3, &r), -1);
	ck_assert_int_eq(pop3_parse_status("OK", 2, &r), -1);
	ck_assert_int_eq(pop3_parse_status("-ER", 3, &r), -1);
	ck_assert_int_eq(pop3_parse_status("", 0, &r), -1);
	ck_assert_int_eq(pop3_parse_status("220 smtp", 8, &r), -1);

	pop3_status(&b, 1, "");
	pop3_status(&b, 0, "[AUTH] no");
	ck_assert_str_eq((char *)b.data, "+OK\r\n-ERR [AUTH] no\r\n");
	buf_free(&b);

	uint32_t n;
	uint64_t size;
	char val[POP3_UID_MAX + 1];
	ck_assert_int_eq(pop3_parse_stat("2 320", 5, &n, &size), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(size, 320);
	ck_assert_int_eq(pop3_parse_stat("2 320 and more", 14, &n, &size), 0);
	ck_assert_int_eq(pop3_parse_stat("2", 1, &n, &size), -1);
	ck_assert_int_eq(pop3_parse_stat("two 320", 7, &n, &size), -1);
	ck_assert_int_eq(pop3_parse_stat("", 0, &n, &size), -1);
	ck_assert_int_eq(pop3_parse_listing("1 1000.7", 8, &n, val), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(val, "1000.7");
	ck_assert_int_eq(pop3_parse_listing("12 QhdPYR:00WBw1Ph7x7", 21, &n,
	    val), 0);
	ck_assert_str_eq(val, "QhdPYR:00WBw1Ph7x7");
	ck_assert_int_eq(pop3_parse_listing("1", 1, &n, val), -1);
	ck_assert_int_eq(pop3_parse_listing("1 ", 2, &n, val), -1);
	ck_assert_int_eq(pop3_parse_listing("x 1", 3, &n, val), -1);
	ck_assert_int_eq(pop3_parse_listing("1 a\x01", 4, &n, val), -1);
}
END_TEST

/* Stuff, then read back line by line as a client does; returns what came back. */
static void
roundtrip(const char *msg, const char *want_wire, const char *want_back)
{
	struct buf wire = { 0 }, back = { 0 };
	size_t i = 0;
	int ended = 0;

	pop3_stuff((const uint8_t *)msg, strlen(msg), &wire);
	ck_assert_str_eq((char *)wire.data, want_wire);
	while (i < wire.len && !ended) {
		const uint8_t *lf = memchr(wire.data + i, '\n', wire.len - i);
		size_t end = (size_t)(lf - wire.data);
		ended = pop3_unstuff_line((char *)wire.data + i, end - i - 1, &back);
		i = end + 1;
	}
	ck_assert_int_eq(ended, 1);
	ck_assert_uint_eq(i, wire.len);
	ck_assert_str_eq(back.data ? (char *)back.data : "", want_back);
	buf_free(&wire);
	buf_free(&back);
}

START_TEST(test_stuffing_round_trip)
{
	roundtrip("", ".\r\n", "");
	roundtrip("a\r\n", "a\r\n.\r\n", "a\r\n");
	/* RFC 1939 3: a line that starts with "." gets one more. */
	roundtrip("Subject: x\r\n\r\n.\r\n..\r\n.hidden\r\nend\r\n",
	    "Subject: x\r\n\r\n..\r\n...\r\n..hidden\r\nend\r\n.\r\n",
	    "Subject: x\r\n\r\n.\r\n..\r\n.hidden\r\nend\r\n");
	/* LF-only lines and a last line without its end come out as CRLF. */
	roundtrip("one\ntwo\n.three", "one\r\ntwo\r\n..three\r\n.\r\n",
	    "one\r\ntwo\r\n.three\r\n");
	/* A dot inside a line is no business of stuffing. */
	roundtrip("a.b\r\n .\r\n", "a.b\r\n .\r\n.\r\n", "a.b\r\n .\r\n");
}
END_TEST

START_TEST(test_top_len)
{
	const char *m = "From: a\r\nSubject: b\r\n\r\nline 1\r\nline 2\r\nline 3\r\n";
	size_t n = strlen(m);
	size_t hdr = strlen("From: a\r\nSubject: b\r\n\r\n");

	ck_assert_uint_eq(pop3_top_len((const uint8_t *)m, n, 0), hdr);
	ck_assert_uint_eq(pop3_top_len((const uint8_t *)m, n, 1), hdr + 8);
	ck_assert_uint_eq(pop3_top_len((const uint8_t *)m, n, 2), hdr + 16);
	ck_assert_uint_eq(pop3_top_len((const uint8_t *)m, n, 3), n);
	ck_assert_uint_eq(pop3_top_len((const uint8_t *)m, n, 1000), n);
	/* No body at all: the header is the whole message. */
	ck_assert_uint_eq(pop3_top_len((const uint8_t *)"A: b\r\n", 6, 5), 6);
	ck_assert_uint_eq(pop3_top_len((const uint8_t *)"", 0, 5), 0);
	/* LF-only lines count the same. */
	ck_assert_uint_eq(pop3_top_len((const uint8_t *)"A: b\n\nx\ny\n", 10, 1),
	    8);
}
END_TEST

/* ---- scenarios, run whole ------------------------------------------- */

struct run {
	struct scenario *sc;
	struct sim	*s;
};

static struct scenario *
load_text(const char *text, size_t len, const char *name)
{
	struct sc_errors errs = { 0 };
	struct scenario *sc = scenario_load(text, len, name, &errs);

	for (int i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	ck_assert_int_eq(errs.n, 0);
	sc_errors_free(&errs);
	return sc;
}

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
	r.sc = load_text((char *)b.data, b.len, path);
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
node_of(struct run *r, const char *id)
{
	int n = scenario_node_index(r->sc, id);

	ck_assert_int_ge(n, 0);
	return n;
}

static struct mailbox *
box(struct sim *s, const char *addr)
{
	for (int i = 0; i < s->mail->nboxes; i++)
		if (strcmp(s->mail->boxes[i].address, addr) == 0)
			return &s->mail->boxes[i];
	ck_abort_msg("no mailbox %s", addr);
	return NULL;
}

/* The messages a device holds that came by POP3. */
static int
pop3_held(struct run *r, const char *node)
{
	const struct device *d = &r->s->mail->devices[node_of(r, node)];
	int n = 0;

	for (int i = 0; i < d->nmsgs; i++)
		n += d->msgs[i].proto == FETCH_POP3;
	return n;
}

/*
 * The POP3 lines node sent or received ("C: " lines it sent when
 * client, all lines it took part in otherwise), joined by '|'.
 */
static char *
pop3_commands(const struct sim *s, int node)
{
	const struct trace *tr = sim_trace(s);
	struct buf b = { 0 };

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);
		const char *t;

		if (rec.kind != TR_APP || rec.a != APP_POP3 || rec.node != node)
			continue;
		t = trace_text_at(tr, rec.text);
		if (strncmp(t, "C: ", 3) != 0)
			continue;
		if (b.len)
			buf_putc(&b, '|');
		buf_puts(&b, t + 3);
	}
	return b.data ? (char *)b.data : xstrdup("");
}

static int
app_lines_with(const struct sim *s, const char *needle)
{
	const struct trace *tr = sim_trace(s);
	int n = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		if (rec.kind == TR_APP &&
		    strstr(trace_text_at(tr, rec.text), needle))
			n++;
	}
	return n;
}

/* The attachment the scenario's first action sent arrived whole, in a device's copy. */
static void
assert_photo(struct run *r, const struct dev_msg *m)
{
	struct msg_info mi;
	struct buf want = { 0 };
	uint8_t digest[32];
	struct sha256_ctx ctx;

	ck_assert_int_eq(msg_parse(m->data.data, m->data.len, &mi), 0);
	ck_assert_str_eq(mi.subject, "Foto liburan");
	ck_assert_int_eq(mi.natt, 1);
	ck_assert_str_eq(mi.att[0].name, "foto-liburan.jpg");
	msg_attachment_bytes(r->sc->seed, 0, 8000, &want);
	sha256_init(&ctx);
	sha256_update(&ctx, want.len, want.data);
	sha256_digest(&ctx, sizeof digest, digest);
	ck_assert_mem_eq(mi.att[0].sha256, digest, 32);
	buf_free(&want);
	msg_info_free(&mi);
}

START_TEST(test_pop3_then_phone)
{
	struct run r = run_file("scenarios/08-pop3-then-phone.json");
	int laptop = node_of(&r, "laptop-penerima");
	const struct device *d = &r.s->mail->devices[laptop];
	struct mailbox *mb = box(r.s, "penerima@penerimamail.com");

	/* S11: the laptop holds the mail, the server and the phone do not. */
	ck_assert_int_eq(d->nmsgs, 1);
	ck_assert_int_eq(d->msgs[0].proto, FETCH_POP3);
	ck_assert_str_eq(d->msgs[0].uidl, "1001.1");
	ck_assert_str_eq(d->msgs[0].user, "penerima");
	ck_assert_int_eq(d->msgs[0].server, node_of(&r, "mailbox-penerima"));
	assert_photo(&r, &d->msgs[0]);
	ck_assert_int_eq(mb->nmsgs, 0);
	ck_assert_int_eq(mb->locked, 0);
	ck_assert_int_eq(r.s->mail->devices[node_of(&r, "hp-penerima")].nmsgs, 0);
	ck_assert_int_eq(r.s->mail->devices[node_of(&r, "hp-penerima")].fetched, 1);

	/* The mail program's side of the dialogue, in order. */
	char *c = pop3_commands(r.s, laptop);
	ck_assert_str_eq(c, "USER penerima|PASS (password)|STAT|UIDL|RETR 1|"
	    "DELE 1|QUIT");
	free(c);
	c = pop3_commands(r.s, node_of(&r, "hp-penerima"));
	ck_assert_str_eq(c, "USER penerima|PASS (password)|STAT|QUIT");
	free(c);
	/* The password crossed the wire, but the transcript never shows it. */
	ck_assert_int_eq(app_lines_with(r.s, "rahasia"), 0);
	ck_assert_int_eq(app_lines_with(r.s, "S: +OK 1 "), 1);
	ck_assert_int_eq(app_lines_with(r.s, "S: +OK 0 0"), 1);
	ck_assert_int_eq(app_lines_with(r.s, "S: +OK unique-id listing follows\n"
	    "1 1001.1\n."), 1);
	ck_assert_int_eq(app_lines_with(r.s, "signing off (maildrop empty)"), 2);

	/* RFC 1939 6: the message leaves the mailbox at QUIT, not at DELE. */
	const struct trace *tr = sim_trace(r.s);
	size_t at_dele = 0, at_quit = 0, at_del = 0, at_bye = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);
		const char *t = rec.text ? trace_text_at(tr, rec.text) : "";

		int pop3 = rec.kind == TR_APP && rec.a == APP_POP3;

		if (pop3 && strcmp(t, "C: DELE 1") == 0)
			at_dele = i;
		if (pop3 && strcmp(t, "C: QUIT") == 0 && !at_quit)
			at_quit = i;
		if (rec.kind == TR_STATE && rec.a == ST_MAILBOX_DEL)
			at_del = i;
		if (pop3 && strstr(t, "signing off") && !at_bye)
			at_bye = i;
	}
	ck_assert_uint_gt(at_dele, 0);
	ck_assert_uint_gt(at_quit, at_dele);
	ck_assert_uint_gt(at_del, at_quit);
	ck_assert_uint_gt(at_bye, at_del);
	run_free(&r);
}
END_TEST

/*
 * The state changes of node's POP3 sessions (ST_SESSION records), each
 * as "text key", joined by '|'.
 */
static char *
pop3_states(const struct sim *s, int node)
{
	const struct trace *tr = sim_trace(s);
	struct buf b = { 0 };

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);
		const char *t;
		struct trace_say y;

		if (rec.kind != TR_STATE || rec.a != ST_SESSION ||
		    rec.node != node)
			continue;
		t = trace_text_at(tr, rec.text);
		if (strncmp(t, "POP3 ", 5) != 0)
			continue;
		ck_assert_int_ne(trace_say_read(tr, rec.say, &y), 0);
		if (b.len)
			buf_putc(&b, '|');
		buf_printf(&b, "%s %.*s", t, (int)y.key_len, y.key);
	}
	return b.data ? (char *)b.data : xstrdup("");
}

/*
 * RFC 1939 3: a session goes AUTHORIZATION -> TRANSACTION -> UPDATE,
 * and each side traces every change with the sentence of its new state.
 * The server starts in AUTHORIZATION (its greeting is sent as the
 * connection is accepted); the client enters it when the greeting
 * arrives, and UPDATE when it sends QUIT from TRANSACTION (RFC 1939 6).
 */
START_TEST(test_session_states_in_rfc_order)
{
	struct run r = run_file("scenarios/08-pop3-then-phone.json");
	static const char server_one[] =
	    "POP3 AUTHORIZATION -> TRANSACTION session.pop3_server.transaction|"
	    "POP3 TRANSACTION -> UPDATE session.pop3_server.update|"
	    "POP3 UPDATE -> DONE session.pop3_server.done";
	char *c;

	c = pop3_states(r.s, node_of(&r, "laptop-penerima"));
	ck_assert_str_eq(c,
	    "POP3 CONNECTING -> AUTHORIZATION session.pop3_client.authorization|"
	    "POP3 AUTHORIZATION -> TRANSACTION session.pop3_client.transaction|"
	    "POP3 TRANSACTION -> UPDATE session.pop3_client.update|"
	    "POP3 UPDATE -> DONE session.pop3_client.done");
	free(c);
	/* The laptop's session, then the phone's: the same three steps. */
	c = pop3_states(r.s, node_of(&r, "mailbox-penerima"));
	char *want = xasprintf("%s|%s", server_one, server_one);
	ck_assert_str_eq(c, want);
	free(want);
	free(c);
	run_free(&r);

	/* A refused login never leaves AUTHORIZATION: no UPDATE, nothing removed. */
	r = run_file("scenarios/13-wrong-password.json");
	c = pop3_states(r.s, node_of(&r, "hp-penerima"));
	ck_assert_str_eq(c,
	    "POP3 CONNECTING -> AUTHORIZATION session.pop3_client.authorization|"
	    "POP3 AUTHORIZATION -> DONE session.pop3_client.done");
	free(c);
	c = pop3_states(r.s, node_of(&r, "mailbox-penerima"));
	ck_assert_str_eq(c, "POP3 AUTHORIZATION -> DONE session.pop3_server.done");
	free(c);
	run_free(&r);
}
END_TEST

START_TEST(test_pop3_keep_two_devices)
{
	struct run r = run_file("scenarios/09-pop3-keep.json");
	int laptop = node_of(&r, "laptop-penerima");
	int phone = node_of(&r, "hp-penerima");
	const struct device *dl = &r.s->mail->devices[laptop];
	const struct device *dp = &r.s->mail->devices[phone];
	struct mailbox *mb = box(r.s, "penerima@penerimamail.com");

	/* Both devices have the mail, the server still has it. */
	ck_assert_int_eq(mb->nmsgs, 1);
	ck_assert_int_eq(dl->nmsgs, 1);
	ck_assert_int_eq(dp->nmsgs, 1);
	ck_assert_str_eq(dl->msgs[0].uidl, "1001.1");
	ck_assert_str_eq(dp->msgs[0].uidl, "1001.1");
	assert_photo(&r, &dl->msgs[0]);
	/* What came down is exactly what the server holds. */
	ck_assert_uint_eq(dl->msgs[0].data.len, mb->msgs[0].data.len);
	ck_assert_mem_eq(dl->msgs[0].data.data, mb->msgs[0].data.data,
	    mb->msgs[0].data.len);
	ck_assert_mem_eq(dp->msgs[0].data.data, mb->msgs[0].data.data,
	    mb->msgs[0].data.len);
	/* The second visit of the laptop compares ids and downloads nothing. */
	char *c = pop3_commands(r.s, laptop);
	ck_assert_str_eq(c, "USER penerima|PASS (password)|STAT|UIDL|RETR 1|QUIT|"
	    "USER penerima|PASS (password)|STAT|UIDL|QUIT");
	free(c);
	c = pop3_commands(r.s, phone);
	ck_assert_str_eq(c, "USER penerima|PASS (password)|STAT|UIDL|RETR 1|QUIT");
	free(c);
	ck_assert_int_eq(app_lines_with(r.s, "C: DELE"), 0);
	ck_assert_int_eq(app_lines_with(r.s, "signing off (1 message left)"), 3);
	ck_assert_int_eq(mb->locked, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_pop3_wrong_password)
{
	struct run r = run_file("scenarios/13-wrong-password.json");
	int phone = node_of(&r, "hp-penerima");

	ck_assert_int_eq(r.s->mail->devices[phone].nmsgs, 0);
	ck_assert_int_eq(r.s->mail->devices[phone].fetched, 1);
	ck_assert_int_eq(box(r.s, "penerima@penerimamail.com")->nmsgs, 1);
	ck_assert_int_eq(box(r.s, "penerima@penerimamail.com")->locked, 0);
	ck_assert_int_eq(app_lines_with(r.s,
	    "S: -ERR [AUTH] invalid user name or password"), 1);
	/* After -ERR the program says goodbye at once. */
	char *c = pop3_commands(r.s, phone);
	ck_assert_str_eq(c, "USER penerima|PASS (password)|QUIT");
	free(c);
	ck_assert_int_eq(app_lines_with(r.s, "rahasya"), 0);
	run_free(&r);
}
END_TEST

START_TEST(test_default_scenario_pop3)
{
	struct run r = run_file("scenarios/default.json");
	int laptop = node_of(&r, "laptop-penerima");
	const struct device *d = &r.s->mail->devices[laptop];
	struct mailbox *mb = box(r.s, "penerima@penerimamail.com");
	int found = 0;

	/* The laptop fetched the first mail at 20 s... */
	ck_assert_int_eq(pop3_held(&r, "laptop-penerima"), 1);
	for (int i = 0; i < d->nmsgs; i++) {
		struct msg_info mi;

		if (d->msgs[i].proto != FETCH_POP3)
			continue;
		ck_assert_int_eq(msg_parse(d->msgs[i].data.data,
		    d->msgs[i].data.len, &mi), 0);
		ck_assert_str_eq(mi.subject, "Laporan bulan ini");
		ck_assert_int_eq(mi.natt, 1);
		ck_assert_str_eq(mi.att[0].name, "laporan.pdf");
		msg_info_free(&mi);
		found = 1;
	}
	ck_assert(found);
	/* ...so at 25 s the phone found nothing by POP3... */
	ck_assert_int_eq(pop3_held(&r, "hp-penerima"), 0);
	/* ...and the first mail is gone from the server (the second may stay, for IMAP). */
	for (int i = 0; i < mb->nmsgs; i++) {
		struct msg_info mi;

		ck_assert_int_eq(msg_parse(mb->msgs[i].data.data,
		    mb->msgs[i].data.len, &mi), 0);
		ck_assert_str_ne(mi.subject, "Laporan bulan ini");
		msg_info_free(&mi);
	}
	char *c = pop3_commands(r.s, laptop);
	ck_assert(strncmp(c, "USER penerima|PASS (password)|STAT|UIDL|RETR 1|"
	    "DELE 1|QUIT", 52) == 0);
	free(c);
	run_free(&r);
}
END_TEST

/* ---- the server, driven by a scripted client --------------------------- */

/* One client (pc), one mailbox server (srv) with POP3 and an account u/pw. */
static const char *small_world =
"{\"surel\":1,\"title\":\"t\",\"nodes\":["
"{\"id\":\"pc\",\"kind\":\"client\",\"ip\":\"10.0.0.2\"},"
"{\"id\":\"pc2\",\"kind\":\"client\",\"ip\":\"10.0.0.3\"},"
"{\"id\":\"r\",\"kind\":\"router\",\"ip\":\"10.0.0.254\"},"
"{\"id\":\"srv\",\"kind\":\"server\",\"ip\":\"10.0.0.1\",\"hostname\":\"pop.a.test\","
"\"services\":{\"pop3\":{}}}],"
"\"links\":[{\"a\":\"pc\",\"b\":\"r\"},{\"a\":\"pc2\",\"b\":\"r\"},{\"a\":\"r\",\"b\":\"srv\"}],"
"\"accounts\":[{\"address\":\"u@a.test\",\"server\":\"srv\",\"user\":\"u\",\"password\":\"pw\"},"
"{\"address\":\"v@a.test\",\"server\":\"srv\",\"user\":\"v\",\"password\":\"pw\"}],"
"\"actions\":[%s]}";

/* The two messages the scripted tests find in u's mailbox. */
static const char *msg1 =
"From: v@a.test\r\nTo: u@a.test\r\nSubject: one\r\n\r\n"
"first line\r\n.starts with a dot\r\nthird line\r\n";
static const char *msg2 =
"From: v@a.test\r\nTo: u@a.test\r\nSubject: two\r\n\r\nhello\r\n";

static struct run
small(const char *actions)
{
	char *text = xasprintf(small_world, actions);
	struct run r;

	r.sc = load_text(text, strlen(text), "inline");
	free(text);
	r.s = sim_new(r.sc, 1);
	struct mailbox *mb = box(r.s, "u@a.test");
	mailstore_deliver(r.s, mb, (const uint8_t *)msg1, strlen(msg1), "<1@a>");
	mailstore_deliver(r.s, mb, (const uint8_t *)msg2, strlen(msg2), "<2@a>");
	return r;
}

/* A client that sends what the test says and keeps every byte it gets. */
struct script {
	struct sim	*s;
	struct tcp_conn	*c;
	struct buf	 got;
	int		 closed, failed;
};

static void
script_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	(void)c;
	buf_append(&((struct script *)u)->got, p, n);
}

static void
script_peer_closed(struct tcp_conn *c, void *u)
{
	(void)u;
	tcp_close(c);
}

static void
script_closed(struct tcp_conn *c, void *u)
{
	(void)c;
	((struct script *)u)->c = NULL;
	((struct script *)u)->closed = 1;
}

static void
script_error(struct tcp_conn *c, void *u, enum tcp_err e)
{
	(void)c;
	(void)e;
	((struct script *)u)->c = NULL;
	((struct script *)u)->failed = 1;
}

static const struct tcp_ops script_ops = {
	.data = script_data,
	.peer_closed = script_peer_closed,
	.closed = script_closed,
	.error = script_error,
};

static void
wait_a_bit(struct sim *s)
{
	/* A round trip here is a few ms; two seconds is plenty. */
	sim_run_until(s, sim_now(s) + 2 * SIM_SEC);
}

static void
script_open(struct script *t, struct run *r, const char *from)
{
	memset(t, 0, sizeof *t);
	t->s = r->s;
	t->c = tcp_connect(r->s, node_of(r, from), r->sc->nodes[node_of(r,
	    "srv")].ip, 110, &script_ops, t);
	ck_assert_ptr_nonnull(t->c);
	wait_a_bit(r->s);
}

/* Send lines (CRLF included), wait, and return what came back since the last call. */
static char *
script_say(struct script *t, const char *lines)
{
	size_t before = t->got.len;

	if (lines && *lines)
		tcp_send(t->c, lines, strlen(lines));
	wait_a_bit(t->s);
	return xstrndup(t->got.data ? (char *)t->got.data + before : "",
	    t->got.len - before);
}

static void
expect(struct script *t, const char *lines, const char *want)
{
	char *got = script_say(t, lines);

	ck_assert_str_eq(got, want);
	free(got);
}

static void
script_end(struct script *t)
{
	buf_free(&t->got);
}

#define GREETING	"+OK pop.a.test POP3 server ready\r\n"
#define LOGIN		"USER u\r\nPASS pw\r\n"
#define LOGGED_IN	"+OK send your password with PASS\r\n" \
	"+OK u's maildrop has 2 messages (143 octets)\r\n"

START_TEST(test_dele_without_quit_deletes_nothing)
{
	struct run r = small("");
	struct script t;

	ck_assert_uint_eq(strlen(msg1) + strlen(msg2), 143);
	script_open(&t, &r, "pc");
	ck_assert_str_eq((char *)t.got.data, GREETING);
	expect(&t, LOGIN "DELE 1\r\nDELE 2\r\nSTAT\r\n", LOGGED_IN
	    "+OK message 1 deleted\r\n+OK message 2 deleted\r\n+OK 0 0\r\n");
	/* The connection drops without QUIT: RFC 1939 6, no UPDATE. */
	tcp_close(t.c);
	wait_a_bit(r.s);
	ck_assert_int_eq(t.closed, 1);
	struct mailbox *mb = box(r.s, "u@a.test");
	ck_assert_int_eq(mb->nmsgs, 2);
	ck_assert_int_eq(mb->locked, 0);
	ck_assert_ptr_null(r.s->mail->pop3->sessions);
	script_end(&t);

	/* The next session sees both, and QUIT makes the deletion real. */
	script_open(&t, &r, "pc");
	expect(&t, LOGIN "DELE 2\r\nQUIT\r\n", LOGGED_IN
	    "+OK message 2 deleted\r\n"
	    "+OK pop.a.test POP3 server signing off (1 message left)\r\n");
	ck_assert_int_eq(t.closed, 1);
	ck_assert_int_eq(mb->nmsgs, 1);
	ck_assert_uint_eq(mb->msgs[0].uid, 1);
	script_end(&t);
	run_free(&r);
}
END_TEST

START_TEST(test_second_session_in_use)
{
	struct run r = small("");
	struct script a, b;

	script_open(&a, &r, "pc");
	expect(&a, LOGIN, LOGGED_IN);
	ck_assert_int_eq(box(r.s, "u@a.test")->locked, 1);
	/* RFC 1939 8 and RFC 2449 8.1.1: the maildrop is locked by a. */
	script_open(&b, &r, "pc2");
	expect(&b, LOGIN "STAT\r\n", "+OK send your password with PASS\r\n"
	    "-ERR [IN-USE] maildrop already locked by another session\r\n"
	    "-ERR log in first with USER and PASS\r\n");
	/* Another account on the same server is not locked. */
	expect(&b, "USER v\r\nPASS pw\r\n", "+OK send your password with PASS\r\n"
	    "+OK v's maildrop has 0 messages (0 octets)\r\n");
	expect(&b, "QUIT\r\n", "+OK pop.a.test POP3 server signing off "
	    "(maildrop empty)\r\n");
	expect(&a, "QUIT\r\n", "+OK pop.a.test POP3 server signing off "
	    "(2 messages left)\r\n");
	ck_assert_int_eq(box(r.s, "u@a.test")->locked, 0);
	script_end(&a);
	script_end(&b);
	/* Free again: a third session logs in. */
	script_open(&a, &r, "pc2");
	expect(&a, LOGIN, LOGGED_IN);
	script_end(&a);
	run_free(&r);
}
END_TEST

START_TEST(test_top_and_retr)
{
	struct run r = small("");
	struct script t;

	script_open(&t, &r, "pc");
	expect(&t, LOGIN, LOGGED_IN);
	/*
	 * RFC 1939 7: the header, the empty line, then 2 body lines,
	 * stuffed.  A bare "+OK" (issue 13, defect 11): Wireshark reads a
	 * word after it as an octet count.
	 */
	expect(&t, "TOP 1 2\r\n", "+OK\r\n"
	    "From: v@a.test\r\nTo: u@a.test\r\nSubject: one\r\n\r\n"
	    "first line\r\n..starts with a dot\r\n.\r\n");
	expect(&t, "TOP 1 0\r\n", "+OK\r\n"
	    "From: v@a.test\r\nTo: u@a.test\r\nSubject: one\r\n\r\n.\r\n");
	expect(&t, "TOP 2 99\r\n", "+OK\r\n"
	    "From: v@a.test\r\nTo: u@a.test\r\nSubject: two\r\n\r\nhello\r\n"
	    ".\r\n");
	expect(&t, "RETR 1\r\n", "+OK 90 octets\r\n"
	    "From: v@a.test\r\nTo: u@a.test\r\nSubject: one\r\n\r\n"
	    "first line\r\n..starts with a dot\r\nthird line\r\n.\r\n");
	ck_assert_uint_eq(strlen(msg1), 90);
	/* TOP and RETR only read: nothing changed on the server. */
	expect(&t, "QUIT\r\n", "+OK pop.a.test POP3 server signing off "
	    "(2 messages left)\r\n");
	ck_assert_int_eq(box(r.s, "u@a.test")->nmsgs, 2);
	/* The transcript shows a summary, not the message. */
	ck_assert_int_eq(app_lines_with(r.s, "S: +OK\n"
	    "(the header and 2 lines of the body: 78 bytes, ending with \".\")"),
	    1);
	ck_assert_int_eq(app_lines_with(r.s, "S: +OK 90 octets\n(message of 90 "
	    "bytes follows, ending with \".\")"), 1);
	script_end(&t);
	run_free(&r);
}
END_TEST

/* A server with POP3 and IMAP and one account whose password is empty. */
static const char *open_world =
"{\"surel\":1,\"title\":\"t\",\"nodes\":["
"{\"id\":\"pc\",\"kind\":\"client\",\"ip\":\"10.0.0.2\"},"
"{\"id\":\"r\",\"kind\":\"router\",\"ip\":\"10.0.0.254\"},"
"{\"id\":\"srv\",\"kind\":\"server\",\"ip\":\"10.0.0.1\",\"hostname\":\"pop.a.test\","
"\"services\":{\"pop3\":{},\"imap\":{}}}],"
"\"links\":[{\"a\":\"pc\",\"b\":\"r\"},{\"a\":\"r\",\"b\":\"srv\"}],"
"\"accounts\":[{\"address\":\"k@a.test\",\"server\":\"srv\",\"user\":\"k\",\"password\":\"\"},"
"{\"address\":\"u@a.test\",\"server\":\"srv\",\"user\":\"u\",\"password\":\"pw\"}],"
"\"actions\":[]}";

static void
script_open_port(struct script *t, struct run *r, uint16_t port)
{
	memset(t, 0, sizeof *t);
	t->s = r->s;
	t->c = tcp_connect(r->s, node_of(r, "pc"), r->sc->nodes[node_of(r,
	    "srv")].ip, port, &script_ops, t);
	ck_assert_ptr_nonnull(t->c);
	wait_a_bit(r->s);
}

/*
 * Issue 13: an account whose password is empty logs in over POP3 as it
 * does over IMAP.  The world's author wrote "password": "" and the
 * scenario accepts it; IMAP carries it as LOGIN k "" (RFC 3501 9,
 * astring), POP3 as "PASS " with nothing after the single space (RFC
 * 1939 3).  Refusing it over one protocol only would teach a difference
 * the protocols do not have.  Only the empty password opens it; and an
 * empty password opens no account that has one.
 */
START_TEST(test_empty_password_pop3_as_imap)
{
	struct run r;
	struct script t;

	r.sc = load_text(open_world, strlen(open_world), "inline");
	r.s = sim_new(r.sc, 1);
	script_open_port(&t, &r, 110);
	expect(&t, "USER k\r\nPASS \r\n", "+OK send your password with PASS\r\n"
	    "+OK k's maildrop has 0 messages (0 octets)\r\n");
	expect(&t, "QUIT\r\n", "+OK pop.a.test POP3 server signing off "
	    "(maildrop empty)\r\n");
	script_end(&t);
	script_open_port(&t, &r, 110);
	expect(&t, "USER k\r\nPASS x\r\nUSER u\r\nPASS \r\nUSER k\r\nPASS\r\n",
	    "+OK send your password with PASS\r\n"
	    "-ERR [AUTH] invalid user name or password\r\n"
	    "+OK send your password with PASS\r\n"
	    "-ERR [AUTH] invalid user name or password\r\n"
	    "+OK send your password with PASS\r\n"
	    "-ERR syntax error: PASS password\r\n");
	script_end(&t);
	/* The same account over IMAP. */
	script_open_port(&t, &r, 143);
	char *got = script_say(&t, "a1 LOGIN k \"\"\r\n");
	ck_assert_ptr_nonnull(strstr(got, "a1 OK [CAPABILITY"));
	free(got);
	got = script_say(&t, "a3 LOGOUT\r\n");
	ck_assert_ptr_nonnull(strstr(got, "a3 OK"));
	free(got);
	script_end(&t);
	script_open_port(&t, &r, 143);
	expect(&t, "b1 LOGIN u \"\"\r\n",
	    "b1 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n");
	script_end(&t);
	run_free(&r);
}
END_TEST

START_TEST(test_every_reply)
{
	struct run r = small("");
	struct script t;

	script_open(&t, &r, "pc");
	/* AUTHORIZATION: only USER, PASS, CAPA, QUIT. */
	expect(&t, "STAT\r\nPASS pw\r\nNOOP\r\nRETR 1\r\n",
	    "-ERR log in first with USER and PASS\r\n"
	    "-ERR send USER first\r\n"
	    "-ERR log in first with USER and PASS\r\n"
	    "-ERR log in first with USER and PASS\r\n");
	expect(&t, "CAPA\r\n", "+OK Capability list follows\r\nTOP\r\nUIDL\r\n"
	    "USER\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n"
	    "IMPLEMENTATION surel\r\n.\r\n");
	expect(&t, "APOP u 0123456789abcdef\r\nAUTH PLAIN\r\nHELO x\r\n",
	    "-ERR APOP is not supported here: use USER and PASS\r\n"
	    "-ERR AUTH is not supported here: use USER and PASS\r\n"
	    "-ERR unknown command\r\n");
	/* The same words for an unknown user as for a wrong password. */
	expect(&t, "USER nobody\r\nPASS pw\r\nUSER u\r\nPASS salah\r\n",
	    "+OK send your password with PASS\r\n"
	    "-ERR [AUTH] invalid user name or password\r\n"
	    "+OK send your password with PASS\r\n"
	    "-ERR [AUTH] invalid user name or password\r\n");
	/* After a failed PASS, USER again (RFC 1939 7). */
	expect(&t, "PASS pw\r\n", "-ERR send USER first\r\n");
	expect(&t, "user u\r\npass pw\r\n", LOGGED_IN);
	expect(&t, "USER u\r\n", "-ERR already logged in\r\n");
	expect(&t, "STAT\r\nLIST\r\nLIST 2\r\nUIDL\r\nUIDL 1\r\nNOOP\r\n",
	    "+OK 2 143\r\n"
	    "+OK 2 messages (143 octets)\r\n1 90\r\n2 53\r\n.\r\n"
	    "+OK 2 53\r\n"
	    "+OK unique-id listing follows\r\n1 1000.1\r\n2 1000.2\r\n.\r\n"
	    "+OK 1 1000.1\r\n"
	    "+OK\r\n");
	expect(&t, "RETR 3\r\nLIST 0\r\nDELE 1\r\nDELE 1\r\nRETR 1\r\nTOP 1 1\r\n"
	    "LIST 1\r\nUIDL 1\r\n",
	    "-ERR no such message, only 2 messages in maildrop\r\n"
	    "-ERR no such message, only 2 messages in maildrop\r\n"
	    "+OK message 1 deleted\r\n"
	    "-ERR message 1 already deleted\r\n"
	    "-ERR message 1 is deleted\r\n"
	    "-ERR message 1 is deleted\r\n"
	    "-ERR message 1 is deleted\r\n"
	    "-ERR message 1 is deleted\r\n");
	/* A deleted message leaves the listings and the count. */
	expect(&t, "STAT\r\nLIST\r\nUIDL\r\n", "+OK 1 53\r\n"
	    "+OK 1 message (53 octets)\r\n2 53\r\n.\r\n"
	    "+OK unique-id listing follows\r\n2 1000.2\r\n.\r\n");
	expect(&t, "RSET\r\n", "+OK maildrop has 2 messages (143 octets)\r\n");
	expect(&t, "RETR\r\nTOP 1\r\nDELE x\r\nLIST 1 2\r\nSTAT 1\r\n",
	    "-ERR syntax error: RETR message\r\n"
	    "-ERR syntax error: TOP message lines\r\n"
	    "-ERR syntax error: DELE message\r\n"
	    "-ERR syntax error: LIST [message]\r\n"
	    "-ERR syntax error: STAT\r\n");
	expect(&t, "RETR 00000000000000000000000000000000000000001\r\n",
	    "-ERR argument too long (RFC 1939: at most 40 characters)\r\n");
	char *longline = xasprintf("NOOP %0300d\r\nNOOP\r\n", 0);
	expect(&t, longline, "-ERR command line too long (RFC 2449: at most 255 "
	    "octets)\r\n+OK\r\n");
	free(longline);
	/* RSET undid the DELE: nothing is removed. */
	expect(&t, "QUIT\r\n", "+OK pop.a.test POP3 server signing off "
	    "(2 messages left)\r\n");
	ck_assert_int_eq(t.closed, 1);
	ck_assert_int_eq(box(r.s, "u@a.test")->nmsgs, 2);
	script_end(&t);

	/* QUIT before logging in: goodbye, no UPDATE. */
	script_open(&t, &r, "pc");
	expect(&t, "QUIT\r\nSTAT\r\n", "+OK pop.a.test POP3 server signing "
	    "off\r\n");
	ck_assert_int_eq(t.closed, 1);
	script_end(&t);
	run_free(&r);
}
END_TEST

START_TEST(test_server_power_off_releases_lock)
{
	struct run r = small("");
	struct script t;
	int srv = node_of(&r, "srv");

	script_open(&t, &r, "pc");
	expect(&t, LOGIN "DELE 1\r\n", LOGGED_IN "+OK message 1 deleted\r\n");
	/* The machine stops: its sessions end with it, the marks are lost. */
	net_set_node(r.s, srv, 0);
	ck_assert_ptr_null(r.s->mail->pop3->sessions);
	ck_assert_int_eq(box(r.s, "u@a.test")->locked, 0);
	ck_assert_int_eq(box(r.s, "u@a.test")->nmsgs, 2);
	net_set_node(r.s, srv, 1);
	/* Our old connection is dead for the server: it answers with RST. */
	tcp_send(t.c, "STAT\r\n", 6);
	sim_run_until(r.s, sim_now(r.s) + 10 * SIM_SEC);
	ck_assert_int_eq(t.failed, 1);
	script_end(&t);
	script_open(&t, &r, "pc");
	expect(&t, LOGIN, LOGGED_IN);
	script_end(&t);
	run_free(&r);
}
END_TEST

START_TEST(test_fetch_server_off_ends_cleanly)
{
	/* The server is off when the device calls: SYNs go unanswered, TCP gives up. */
	struct run r = small(
	    "{\"at_ms\":0,\"node\":\"srv\",\"power\":\"off\"},"
	    "{\"at_ms\":1000,\"node\":\"pc\",\"fetch\":{\"protocol\":\"pop3\","
	    "\"server\":\"srv\",\"user\":\"u\",\"password\":\"pw\"}}");

	sim_run(r.s);
	ck_assert_int_eq(r.s->mail->devices[node_of(&r, "pc")].nmsgs, 0);
	ck_assert_int_eq(r.s->mail->devices[node_of(&r, "pc")].fetched, 1);
	ck_assert_ptr_null(r.s->mail->pop3->fetches);
	ck_assert_int_eq(app_lines_with(r.s, "C: USER"), 0);
	ck_assert_int_eq(box(r.s, "u@a.test")->nmsgs, 2);
	run_free(&r);
}
END_TEST

START_TEST(test_fetch_two_messages_and_unknown_user)
{
	struct run r = small(
	    "{\"at_ms\":0,\"node\":\"pc\",\"fetch\":{\"protocol\":\"pop3\","
	    "\"server\":\"srv\",\"user\":\"u\",\"password\":\"pw\"}},"
	    "{\"at_ms\":0,\"node\":\"pc2\",\"fetch\":{\"protocol\":\"pop3\","
	    "\"server\":\"srv\",\"user\":\"nobody\",\"password\":\"pw\"}}");
	int pc = node_of(&r, "pc");

	sim_run(r.s);
	const struct device *d = &r.s->mail->devices[pc];
	ck_assert_int_eq(d->nmsgs, 2);
	/* The message comes down byte for byte, the dot unstuffed again. */
	ck_assert_uint_eq(d->msgs[0].data.len, strlen(msg1));
	ck_assert_mem_eq(d->msgs[0].data.data, msg1, strlen(msg1));
	ck_assert_mem_eq(d->msgs[1].data.data, msg2, strlen(msg2));
	ck_assert_str_eq(d->msgs[0].uidl, "1000.1");
	ck_assert_str_eq(d->msgs[1].uidl, "1000.2");
	ck_assert_int_eq(box(r.s, "u@a.test")->nmsgs, 0);
	char *c = pop3_commands(r.s, pc);
	ck_assert_str_eq(c, "USER u|PASS (password)|STAT|UIDL|RETR 1|DELE 1|"
	    "RETR 2|DELE 2|QUIT");
	free(c);
	c = pop3_commands(r.s, node_of(&r, "pc2"));
	ck_assert_str_eq(c, "USER nobody|PASS (password)|QUIT");
	free(c);
	ck_assert_int_eq(r.s->mail->devices[node_of(&r, "pc2")].nmsgs, 0);
	ck_assert_int_eq(app_lines_with(r.s,
	    "S: -ERR [AUTH] invalid user name or password"), 1);
	run_free(&r);
}
END_TEST

START_TEST(test_uidl_is_stable)
{
	struct run r = small("");
	struct mailbox *mb = box(r.s, "u@a.test");
	char id[POP3_UID_MAX + 1];

	/* The id is the mailbox's uidvalidity and the message's UID: it never moves. */
	pop3_uidl(mb, &mb->msgs[1], id);
	ck_assert_str_eq(id, "1000.2");
	mailstore_remove(r.s, mb, 0);
	pop3_uidl(mb, &mb->msgs[0], id);
	ck_assert_str_eq(id, "1000.2");
	run_free(&r);
}
END_TEST

Suite *
pop3_suite(void)
{
	Suite *s = suite_create("pop3");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_parse_commands);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_status_lines);
	tcase_add_test(tc, test_stuffing_round_trip);
	tcase_add_test(tc, test_top_len);
	suite_add_tcase(s, tc);

	tc = tcase_create("sessions");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_pop3_then_phone);
	tcase_add_test(tc, test_pop3_keep_two_devices);
	tcase_add_test(tc, test_pop3_wrong_password);
	tcase_add_test(tc, test_session_states_in_rfc_order);
	tcase_add_test(tc, test_default_scenario_pop3);
	tcase_add_test(tc, test_dele_without_quit_deletes_nothing);
	tcase_add_test(tc, test_second_session_in_use);
	tcase_add_test(tc, test_top_and_retr);
	tcase_add_test(tc, test_empty_password_pop3_as_imap);
	tcase_add_test(tc, test_every_reply);
	tcase_add_test(tc, test_server_power_off_releases_lock);
	tcase_add_test(tc, test_fetch_server_off_ends_cleanly);
	tcase_add_test(tc, test_fetch_two_messages_and_unknown_user);
	tcase_add_test(tc, test_uidl_is_stable);
	suite_add_tcase(s, tc);
	return s;
}
