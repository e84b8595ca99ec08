/*
 * test_smtp_server.c: the SMTP, submission and LMTP servers answer as
 * RFC 5321, RFC 6409, RFC 4954 and RFC 2033 say, and as Postfix and
 * Dovecot do, where issue 13's audit found them wrong.  A raw client
 * inside the simulation (the shape of test_hostile.c's) sends crafted
 * lines; each test checks the reply bytes and what reached the
 * mailboxes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "scenario.h"
#include "smtp_wire.h"
#include "tcp.h"
#include "world.h"

/*
 * pc - r - srv: srv has every mail service of a.test, and delivers
 * a.test itself; %s is what the smtp service adds (a "postmaster").
 */
static const char world_fmt[] =
"{\"surel\":1,\"title\":\"smtp server\",\"nodes\":["
"{\"id\":\"pc\",\"kind\":\"client\",\"ip\":\"10.0.0.2\"},"
"{\"id\":\"r\",\"kind\":\"router\",\"ip\":\"10.0.0.254\"},"
"{\"id\":\"srv\",\"kind\":\"server\",\"ip\":\"10.0.0.1\",\"hostname\":\"mail.a.test\","
"\"services\":{\"smtp\":{\"domains\":[\"a.test\",\"b.test\"]%s},"
"\"submission\":{},\"lmtp\":{}}}],"
"\"links\":[{\"a\":\"pc\",\"b\":\"r\"},{\"a\":\"srv\",\"b\":\"r\"}],"
"\"accounts\":["
"{\"address\":\"u@a.test\",\"server\":\"srv\",\"user\":\"u\",\"password\":\"pw\"},"
"{\"address\":\"v@a.test\",\"server\":\"srv\",\"user\":\"v\",\"password\":\"pw\"},"
"{\"address\":\"w@b.test\",\"server\":\"srv\",\"user\":\"w\",\"password\":\"pw\"}],"
"\"actions\":[]}";

struct world {
	struct scenario	*sc;
	struct sim	*s;
	int		 pc, srv;
};

static struct world
world_with(const char *smtp_extra)
{
	struct sc_errors errs = { 0 };
	struct world w;
	char *text = xasprintf(world_fmt, smtp_extra);

	w.sc = scenario_load(text, strlen(text), "smtp server", &errs);
	for (int i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	ck_assert_int_eq(errs.n, 0);
	sc_errors_free(&errs);
	free(text);
	w.s = sim_new(w.sc, w.sc->seed);
	w.pc = scenario_node_index(w.sc, "pc");
	w.srv = scenario_node_index(w.sc, "srv");
	return w;
}

static void
world_free(struct world *w)
{
	sim_free(w->s);
	scenario_free(w->sc);
}

static struct mailbox *
box(struct world *w, const char *addr)
{
	for (int i = 0; i < w->s->mail->nboxes; i++)
		if (strcmp(w->s->mail->boxes[i].address, addr) == 0)
			return &w->s->mail->boxes[i];
	ck_abort_msg("no mailbox %s", addr);
	return NULL;
}

/* The stored message i of addr, as text. */
static const char *
stored(struct world *w, const char *addr, int i)
{
	struct mailbox *mb = box(w, addr);

	ck_assert_int_gt(mb->nmsgs, i);
	buf_putc(&mb->msgs[i].data, '\0');
	mb->msgs[i].data.len--;
	return (const char *)mb->msgs[i].data.data;
}

/* How many times needle occurs in hay. */
static int
occurs(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Records narrated with key whose argument name is value. */
static int
said(struct world *w, const char *key, const char *name, const char *value)
{
	const struct trace *tr = sim_trace(w->s);
	int n = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		struct trace_say y;

		if (!trace_say_read(tr, trace_at(tr, i).say, &y) ||
		    y.key_len != strlen(key) || memcmp(y.key, key, y.key_len))
			continue;
		for (int a = 0; a < y.nargs; a++)
			if (y.arg[a].name_len == strlen(name) &&
			    memcmp(y.arg[a].name, name, y.arg[a].name_len) == 0 &&
			    y.arg[a].value_len == strlen(value) &&
			    memcmp(y.arg[a].value, value, y.arg[a].value_len) == 0)
				n++;
	}
	return n;
}

/* ---- a raw client ---------------------------------------------------- */

struct peer {
	struct buf	 script;	/* sent as soon as the connection is up */
	struct buf	 got;		/* everything the server sent */
};

static void
peer_connected(struct tcp_conn *c, void *u)
{
	struct peer *p = u;

	tcp_send(c, p->script.data, p->script.len);
}

static void
peer_data(struct tcp_conn *c, void *u, const uint8_t *d, size_t n)
{
	struct peer *p = u;

	(void)c;
	buf_append(&p->got, d, n);
}

static void
peer_peer_closed(struct tcp_conn *c, void *u)
{
	(void)u;
	tcp_close(c);
}

static const struct tcp_ops peer_ops = {
	.connected = peer_connected,
	.data = peer_data,
	.peer_closed = peer_peer_closed,
};

/* Printable form of bytes, for failure messages. */
static char *
shown(const uint8_t *p, size_t n)
{
	struct buf b = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\r')
			buf_puts(&b, "\\r");
		else if (p[i] == '\n')
			buf_puts(&b, "\\n\n");
		else
			buf_putc(&b, p[i]);
	}
	return b.data ? (char *)b.data : xstrdup("");
}

/*
 * Connect pc to srv:port, send script, run the world to its end, and
 * check that the server sent exactly want.
 */
static void
talk(struct world *w, uint16_t port, const char *script, const char *want)
{
	struct peer p = { 0 };

	buf_puts(&p.script, script);
	ck_assert_ptr_nonnull(tcp_connect(w->s, w->pc,
	    w->sc->nodes[w->srv].ip, port, &peer_ops, &p));
	sim_run(w->s);
	if (p.got.len != strlen(want) || memcmp(p.got.data, want,
	    p.got.len) != 0) {
		char *g = shown(p.got.data, p.got.len);
		char *x = shown((const uint8_t *)want, strlen(want));

		ck_abort_msg("the server sent:\n%s\nexpected:\n%s", g, x);
		free(g);
		free(x);
	}
	ck_assert_ptr_null(w->s->mail->sessions);
	buf_free(&p.script);
	buf_free(&p.got);
}

#define GREETING	"220 mail.a.test ESMTP surel\r\n"
#define LGREETING	"220 mail.a.test LMTP surel\r\n"
#define EHLO_25		"250-mail.a.test greets pc.test\r\n250-PIPELINING\r\n" \
			"250-SIZE 10485760\r\n250-8BITMIME\r\n" \
			"250 ENHANCEDSTATUSCODES\r\n"
#define EHLO_587	"250-mail.a.test greets pc.test\r\n250-PIPELINING\r\n" \
			"250-SIZE 10485760\r\n250-8BITMIME\r\n" \
			"250-AUTH PLAIN LOGIN\r\n250 ENHANCEDSTATUSCODES\r\n"
#define LHLO		"250-mail.a.test greets pc.test\r\n250-PIPELINING\r\n" \
			"250-SIZE 10485760\r\n250-8BITMIME\r\n" \
			"250 ENHANCEDSTATUSCODES\r\n"
#define MAIL_OK		"250 2.1.0 Ok\r\n"
#define RCPT_OK		"250 2.1.5 Ok\r\n"
#define GO_AHEAD	"354 End data with <CR><LF>.<CR><LF>\r\n"
#define BYE		"221 2.0.0 Bye\r\n"
/* AUTH PLAIN of u / pw: base64 of "\0u\0pw". */
#define AUTH_U		"AUTH PLAIN AHUAcHc=\r\n"
#define AUTH_U_OK	"235 2.7.0 Authentication successful (u)\r\n"

/* ---- defect 2: Return-Path on LMTP delivery --------------------------- */

/*
 * RFC 5321 4.4: "When the delivery SMTP server makes the 'final
 * delivery' of a message, it inserts a return-path line at the
 * beginning of the mail data."  LMTP delivers for good (Dovecot's LMTP
 * adds it), so the stored message starts with Return-Path: above the
 * LMTP Received:, and a bounce's (MAIL FROM:<>) is "Return-Path: <>".
 */
START_TEST(test_lmtp_delivery_adds_return_path)
{
	struct world w = world_with("");

	talk(&w, 24, "LHLO pc.test\r\nMAIL FROM:<x@c.test>\r\n"
	    "RCPT TO:<u@a.test>\r\nDATA\r\nSubject: one\r\n\r\nhi\r\n.\r\n"
	    "MAIL FROM:<>\r\nRCPT TO:<u@a.test>\r\nDATA\r\n"
	    "Subject: bounce\r\n\r\nback\r\n.\r\nQUIT\r\n",
	    LGREETING LHLO MAIL_OK RCPT_OK GO_AHEAD
	    "250 2.1.5 <u@a.test> delivered to mailbox\r\n"
	    MAIL_OK RCPT_OK GO_AHEAD
	    "250 2.1.5 <u@a.test> delivered to mailbox\r\n" BYE);
	const char *m = stored(&w, "u@a.test", 0);
	static const char head[] = "Return-Path: <x@c.test>\r\nReceived: "
	    "from pc.test ";
	ck_assert_msg(strncmp(m, head, sizeof head - 1) == 0, "%s", m);
	ck_assert_int_eq(occurs(m, "Return-Path:"), 1);
	m = stored(&w, "u@a.test", 1);
	static const char bounce[] = "Return-Path: <>\r\nReceived: ";
	ck_assert_msg(strncmp(m, bounce, sizeof bounce - 1) == 0, "%s", m);
	world_free(&w);
}
END_TEST

/* ---- LMTP: a recipient named twice ------------------------------------ */

/*
 * RFC 2033 4.2: after the final dot, "one reply for each of the
 * previously successful RCPT commands": two RCPTs of u, two replies,
 * but u gets the message once.  On port 25 the second RCPT is taken and
 * forgotten: one copy.
 */
START_TEST(test_duplicate_rcpt_delivered_once)
{
	struct world w = world_with("");

	talk(&w, 24, "LHLO pc.test\r\nMAIL FROM:<x@c.test>\r\n"
	    "RCPT TO:<u@a.test>\r\nRCPT TO:<v@a.test>\r\nRCPT TO:<U@a.test>\r\n"
	    "DATA\r\nSubject: twice\r\n\r\nhi\r\n.\r\nQUIT\r\n",
	    LGREETING LHLO MAIL_OK RCPT_OK RCPT_OK RCPT_OK GO_AHEAD
	    "250 2.1.5 <u@a.test> delivered to mailbox\r\n"
	    "250 2.1.5 <v@a.test> delivered to mailbox\r\n"
	    "250 2.1.5 <U@a.test> delivered to mailbox\r\n" BYE);
	ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 1);
	ck_assert_int_eq(box(&w, "v@a.test")->nmsgs, 1);

	talk(&w, 25, "EHLO pc.test\r\nMAIL FROM:<x@c.test>\r\n"
	    "RCPT TO:<u@a.test>\r\nRCPT TO:<u@A.TEST>\r\n"
	    "DATA\r\nSubject: twice\r\n\r\nhi\r\n.\r\nQUIT\r\n",
	    GREETING EHLO_25 MAIL_OK RCPT_OK RCPT_OK GO_AHEAD
	    "250 2.0.0 Ok: queued as 20001\r\n" BYE);
	ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 2);
	world_free(&w);
}
END_TEST

/*
 * A message LMTP refuses at its end is refused once per accepted
 * recipient too (RFC 2033 4.2), or the client waits for replies that
 * never come: here a line over 1000 octets, two recipients.
 */
START_TEST(test_lmtp_refusal_per_recipient)
{
	struct world w = world_with("");
	char *line = xmalloc(1201);

	memset(line, 'y', 1200);
	line[1200] = '\0';
	char *script = xasprintf("LHLO pc.test\r\nMAIL FROM:<x@c.test>\r\n"
	    "RCPT TO:<u@a.test>\r\nRCPT TO:<v@a.test>\r\nDATA\r\n"
	    "Subject: long\r\n\r\n%s\r\n.\r\nQUIT\r\n", line);
#define LONG_554	"554 5.6.0 Error: message content rejected: a line is " \
			"over 1000 characters (RFC 5321 4.5.3.1.6)\r\n"
	talk(&w, 24, script, LGREETING LHLO MAIL_OK RCPT_OK RCPT_OK GO_AHEAD
	    LONG_554 LONG_554 BYE);
	ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 0);
	ck_assert_int_eq(box(&w, "v@a.test")->nmsgs, 0);
	free(script);
	free(line);
	world_free(&w);
}
END_TEST

/* ---- defect 12: a DATA line over 1000 octets ---------------------------- */

/*
 * RFC 5321 4.3.2: after DATA's final dot the server answers 250, or
 * 552, 554, 451, 452 (and 450, 550 for policy); 500 is a command's
 * syntax error and does not belong there.  A line over 1000 octets
 * (4.5.3.1.6) is the content's fault, for good: 554 with X.6.0 (RFC
 * 3463: "something about the content of a message caused it to be
 * considered undeliverable").  The next transaction works; on the
 * submission port the same.
 */
START_TEST(test_data_line_over_1000_gets_554)
{
	struct world w = world_with("");
	char *line = xmalloc(1001);

	memset(line, 'y', 999);		/* 999 + CRLF = 1001 octets */
	line[999] = '\0';
	char *script = xasprintf("EHLO pc.test\r\nMAIL FROM:<x@c.test>\r\n"
	    "RCPT TO:<u@a.test>\r\nDATA\r\nSubject: long\r\n\r\n%s\r\n.\r\n"
	    "MAIL FROM:<x@c.test>\r\nRCPT TO:<u@a.test>\r\nDATA\r\n"
	    "Subject: short\r\n\r\nok\r\n.\r\nQUIT\r\n", line);
	talk(&w, 25, script, GREETING EHLO_25 MAIL_OK RCPT_OK GO_AHEAD
	    LONG_554 MAIL_OK RCPT_OK GO_AHEAD
	    "250 2.0.0 Ok: queued as 20001\r\n" BYE);
	ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 1);
	ck_assert_ptr_nonnull(strstr(stored(&w, "u@a.test", 0),
	    "Subject: short"));
	free(script);

	script = xasprintf("EHLO pc.test\r\n" AUTH_U "MAIL FROM:<u@a.test>\r\n"
	    "RCPT TO:<v@a.test>\r\nDATA\r\n\r\n%s\r\n.\r\nQUIT\r\n", line);
	talk(&w, 587, script, GREETING EHLO_587 AUTH_U_OK MAIL_OK RCPT_OK
	    GO_AHEAD LONG_554 BYE);
	ck_assert_int_eq(box(&w, "v@a.test")->nmsgs, 0);
	free(script);
	free(line);
	world_free(&w);
}
END_TEST

/* ---- defect 13: AUTH PLAIN = ------------------------------------------ */

/*
 * RFC 4954 4: "If the client is transmitting an initial response of
 * zero length, it MUST instead transmit the response as a single equals
 * sign.  This indicates that the response is present, but contains no
 * data."  "=" decodes, so it is no 501 ("cannot BASE64 decode"); an
 * empty PLAIN message (RFC 4616 2) names nobody, so the authentication
 * fails: 535 5.7.8, and the client may try again.  An empty line after
 * the 334 is the same empty response.  AUTH LOGIN = is an empty user
 * name: the password is asked for.
 */
START_TEST(test_auth_plain_equals_is_empty_response)
{
	struct world w = world_with("");

	talk(&w, 587, "EHLO pc.test\r\nAUTH PLAIN =\r\nAUTH PLAIN\r\n\r\n"
	    "AUTH LOGIN =\r\ncHc=\r\n" AUTH_U "QUIT\r\n",
	    GREETING EHLO_587
	    "535 5.7.8 Error: authentication failed\r\n"
	    "334 \r\n"
	    "535 5.7.8 Error: authentication failed\r\n"
	    "334 UGFzc3dvcmQ6\r\n"
	    "535 5.7.8 Error: authentication failed\r\n"
	    AUTH_U_OK BYE);
	world_free(&w);
}
END_TEST

/* ---- defect 14: an address literal ----------------------------------- */

/*
 * RFC 5321 4.1.3: "user@[10.2.0.25]" (and [IPv6:...], and a tagged
 * General-address-literal) is a valid mailbox: no 501 syntax error.  We
 * route by names only, so it is refused as a policy, 550 5.7.1, as RFC
 * 5321 4.3.2 allows to MAIL and RCPT.  A bracket that is no literal
 * ([300.1.1.1], [10.0.0]) stays a syntax error.
 */
START_TEST(test_address_literal_is_valid_syntax)
{
	struct smtp_cmd c;
	const char *good[] = {
		"RCPT TO:<u@[10.2.0.25]>", "RCPT TO:<u@[IPv6:2001:db8::1]>",
		"RCPT TO:<u@[x-tag:abc]>", "MAIL FROM:<u@[10.2.0.25]>",
	};
	const char *bad[] = {
		"RCPT TO:<u@[300.1.1.1]>", "RCPT TO:<u@[10.0.0]>",
		"RCPT TO:<u@[10.0.0.1.2]>", "RCPT TO:<u@[]>",
		"RCPT TO:<u@[IPv6:zz]>", "RCPT TO:<u@[10.0.0.1>",
		"RCPT TO:<a..b@[10.0.0.1]>",
	};

	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		ck_assert_msg(smtp_parse_command(good[i], strlen(good[i]), &c) ==
		    SMTP_PARSE_OK, "%s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(smtp_parse_command(bad[i], strlen(bad[i]), &c) ==
		    SMTP_PARSE_ADDRESS, "%s", bad[i]);

	struct world w = world_with("");
	talk(&w, 25, "EHLO pc.test\r\nMAIL FROM:<x@[10.0.0.2]>\r\n"
	    "MAIL FROM:<x@c.test>\r\nRCPT TO:<u@[10.0.0.1]>\r\n"
	    "RCPT TO:<u@[IPv6:2001:db8::1]>\r\nRCPT TO:<u@[300.0.0.1]>\r\n"
	    "RCPT TO:<u@a.test>\r\nDATA\r\n\r\nhi\r\n.\r\nQUIT\r\n",
	    GREETING EHLO_25
	    "550 5.7.1 <x@[10.0.0.2]>: Sender address rejected: address "
	    "literals are not accepted here\r\n"
	    MAIL_OK
	    "550 5.7.1 <u@[10.0.0.1]>: Recipient address rejected: address "
	    "literals are not accepted here\r\n"
	    "550 5.7.1 <u@[IPv6:2001:db8::1]>: Recipient address rejected: "
	    "address literals are not accepted here\r\n"
	    "501 5.1.3 Error: bad recipient address syntax\r\n"
	    RCPT_OK GO_AHEAD "250 2.0.0 Ok: queued as 20001\r\n" BYE);
	ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 1);
	world_free(&w);
}
END_TEST

/* ---- defect 4: postmaster --------------------------------------------- */

/*
 * RFC 5321 4.5.1: "Any system that includes an SMTP server supporting
 * mail relaying or delivery MUST support the reserved mailbox
 * 'postmaster' as a case-insensitive local name", and 4.1.1.3: "RCPT
 * TO:<Postmaster>" without a domain MUST be taken.  Without a
 * "postmaster" key, postmaster@a.test goes to a.test's first account
 * (u), postmaster@b.test to b.test's (w), a bare <Postmaster> to the
 * first domain's; one message names u twice that way and u gets one
 * copy.  Someone else's postmaster is relayed as any address (here:
 * refused, we are no open relay).
 */
START_TEST(test_postmaster_accepted)
{
	struct world w = world_with("");

	talk(&w, 25, "EHLO pc.test\r\nMAIL FROM:<x@c.test>\r\n"
	    "RCPT TO:<postmaster@a.test>\r\nRCPT TO:<Postmaster>\r\n"
	    "RCPT TO:<POSTMASTER@B.TEST>\r\nRCPT TO:<postmaster@c.test>\r\n"
	    "DATA\r\nSubject: to the postmaster\r\n\r\nhi\r\n.\r\nQUIT\r\n",
	    GREETING EHLO_25 MAIL_OK RCPT_OK RCPT_OK RCPT_OK
	    "554 5.7.1 <postmaster@c.test>: Relay access denied\r\n"
	    GO_AHEAD "250 2.0.0 Ok: queued as 20001\r\n" BYE);
	ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 1);
	ck_assert_int_eq(box(&w, "v@a.test")->nmsgs, 0);
	ck_assert_int_eq(box(&w, "w@b.test")->nmsgs, 1);
	ck_assert_ptr_nonnull(strstr(stored(&w, "u@a.test", 0),
	    "Subject: to the postmaster"));
	/* The narration says where postmaster mail goes. */
	ck_assert_int_eq(said(&w, "smtp.rcpt_postmaster", "value", "u@a.test"),
	    2);
	ck_assert_int_eq(said(&w, "smtp.rcpt_postmaster", "to", "Postmaster"),
	    1);
	ck_assert_int_eq(said(&w, "smtp.rcpt_postmaster", "value", "w@b.test"),
	    1);

	/* LMTP takes it too, and says where it went. */
	talk(&w, 24, "LHLO pc.test\r\nMAIL FROM:<>\r\n"
	    "RCPT TO:<postmaster@b.test>\r\nDATA\r\n\r\nhi\r\n.\r\nQUIT\r\n",
	    LGREETING LHLO MAIL_OK RCPT_OK GO_AHEAD
	    "250 2.1.5 <w@b.test> delivered to mailbox\r\n" BYE);
	ck_assert_int_eq(box(&w, "w@b.test")->nmsgs, 2);
	ck_assert_int_eq(said(&w, "lmtp.rcpt_postmaster", "to",
	    "postmaster@b.test"), 1);
	world_free(&w);
}
END_TEST

/*
 * The smtp service's "postmaster" key (a surel extension) names the
 * account that takes postmaster@ of every domain of the server, and a
 * bare <Postmaster>.  A key that names no account kept where the server
 * delivers is an error of the scenario.
 */
START_TEST(test_postmaster_key)
{
	struct world w = world_with(",\"postmaster\":\"v@a.test\"");

	talk(&w, 587, "EHLO pc.test\r\n" AUTH_U "MAIL FROM:<u@a.test>\r\n"
	    "RCPT TO:<postmaster@b.test>\r\nRCPT TO:<postmaster>\r\n"
	    "DATA\r\nSubject: help\r\n\r\nhi\r\n.\r\nQUIT\r\n",
	    GREETING EHLO_587 AUTH_U_OK MAIL_OK RCPT_OK RCPT_OK GO_AHEAD
	    "250 2.0.0 Ok: queued as 20001\r\n" BYE);
	ck_assert_int_eq(box(&w, "v@a.test")->nmsgs, 1);
	ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 0);
	ck_assert_int_eq(box(&w, "w@b.test")->nmsgs, 0);
	world_free(&w);

	struct sc_errors errs = { 0 };
	char *text = xasprintf(world_fmt, ",\"postmaster\":\"nobody@a.test\"");
	struct scenario *sc = scenario_load(text, strlen(text), "pm", &errs);
	ck_assert_int_eq(errs.n, 1);
	ck_assert_msg(strstr(errs.msg[0], "nodes[2].services.smtp.postmaster")
	    && strstr(errs.msg[0], "nobody@a.test"), "%s", errs.msg[0]);
	scenario_free(sc);
	sc_errors_free(&errs);
	free(text);
}
END_TEST

/* ---- defect 16: the MSA adds Date ------------------------------------- */

/*
 * RFC 5322 3.6: every message has a Date:.  RFC 6409 8.2: the MSA MAY
 * add it when it is missing, as it adds a Message-ID (8.3).  A message
 * that has one keeps its own; a server on port 25 (no MSA) adds none.
 */
START_TEST(test_submission_adds_date)
{
	struct world w = world_with("");

	talk(&w, 587, "EHLO pc.test\r\n" AUTH_U "MAIL FROM:<u@a.test>\r\n"
	    "RCPT TO:<v@a.test>\r\nDATA\r\nSubject: no date\r\n\r\nhi\r\n.\r\n"
	    "MAIL FROM:<u@a.test>\r\nRCPT TO:<v@a.test>\r\nDATA\r\n"
	    "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nSubject: dated\r\n\r\n"
	    "hi\r\n.\r\nQUIT\r\n",
	    GREETING EHLO_587 AUTH_U_OK MAIL_OK RCPT_OK GO_AHEAD
	    "250 2.0.0 Ok: queued as 20001\r\n" MAIL_OK RCPT_OK GO_AHEAD
	    "250 2.0.0 Ok: queued as 20002\r\n" BYE);
	const char *m = stored(&w, "v@a.test", 0);
	ck_assert_int_eq(occurs(m, "\r\nDate: "), 1);
	ck_assert_int_eq(occurs(m, "\r\nMessage-ID: <20001.surel@mail.a.test>"),
	    1);
	/* The Date is a date (RFC 5322 3.3), before the message's own header. */
	const char *d = strstr(m, "\r\nDate: ") + 8;
	ck_assert_msg(strncmp(d + 3, ", ", 2) == 0 && d < strstr(m, "Subject:"),
	    "%s", m);
	m = stored(&w, "v@a.test", 1);
	ck_assert_int_eq(occurs(m, "Date: "), 1);
	ck_assert_ptr_nonnull(strstr(m, "\r\nDate: Mon, 1 Jan 2024 00:00:00"));

	talk(&w, 25, "EHLO pc.test\r\nMAIL FROM:<x@c.test>\r\n"
	    "RCPT TO:<v@a.test>\r\nDATA\r\nSubject: no date\r\n\r\nhi\r\n.\r\n"
	    "QUIT\r\n", GREETING EHLO_25 MAIL_OK RCPT_OK GO_AHEAD
	    "250 2.0.0 Ok: queued as 20003\r\n" BYE);
	ck_assert_int_eq(occurs(stored(&w, "v@a.test", 2), "Date: "), 0);
	world_free(&w);
}
END_TEST

Suite *
smtp_server_suite(void)
{
	Suite *s = suite_create("smtp_server");
	TCase *tc = tcase_create("rfc");

	tcase_add_test(tc, test_lmtp_delivery_adds_return_path);
	tcase_add_test(tc, test_duplicate_rcpt_delivered_once);
	tcase_add_test(tc, test_lmtp_refusal_per_recipient);
	tcase_add_test(tc, test_data_line_over_1000_gets_554);
	tcase_add_test(tc, test_auth_plain_equals_is_empty_response);
	tcase_add_test(tc, test_address_literal_is_valid_syntax);
	tcase_add_test(tc, test_postmaster_accepted);
	tcase_add_test(tc, test_postmaster_key);
	tcase_add_test(tc, test_submission_adds_date);
	suite_add_tcase(s, tc);
	return s;
}
