/*
 * test_hostile.c: the other side of a session misbehaves.  A raw client
 * inside the simulation (the model is test_mail.c's
 * test_auth_login_and_pipelined_commands) sends bytes no polite client
 * would: lines over the RFC limits, bare LFs, NUL bytes, pipelined
 * garbage, a message that never ends or is cut in the middle, an IMAP
 * literal that lies about its length; raw UDP brings a DNS server and a
 * stub resolver packets with compression loops or cut short.  Each
 * server must answer as its RFC says (checked byte for byte), end the
 * session cleanly (its session lists go back to empty), and never lose
 * or duplicate a message: a queued message survives a delivery cut in
 * the middle of DATA and arrives exactly once.
 *
 * Regression tests for the bugs these found are called test_bug_*.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "imap.h"
#include "mail.h"
#include "message.h"
#include "pop3.h"
#include "scenario.h"
#include "tcp.h"
#include "udp.h"
#include "world.h"

#define MS	(SIM_SEC / 1000)

/* ---- the worlds -------------------------------------------------------- */

/*
 * pc - r - srv (every mail service of a.test), r - ns (DNS), r - tarpit
 * (a server that runs nothing, where a test puts its own listener).
 */
static const char world_json[] =
"{\"surel\":1,\"title\":\"hostile\",\"nodes\":["
"{\"id\":\"pc\",\"kind\":\"client\",\"ip\":\"10.0.0.2\",\"resolver\":\"ns\"},"
"{\"id\":\"r\",\"kind\":\"router\",\"ip\":\"10.0.0.254\"},"
"{\"id\":\"srv\",\"kind\":\"server\",\"ip\":\"10.0.0.1\",\"hostname\":\"mail.a.test\","
"\"services\":{\"smtp\":{\"domains\":[\"a.test\"],\"max_size\":20000},"
"\"submission\":{},\"lmtp\":{},\"pop3\":{},\"imap\":{}}},"
"{\"id\":\"ns\",\"kind\":\"server\",\"ip\":\"10.0.0.53\",\"hostname\":\"ns.a.test\","
"\"services\":{\"dns\":{\"records\":["
"{\"name\":\"mail.a.test\",\"type\":\"A\",\"address\":\"10.0.0.1\"},"
"{\"name\":\"a.test\",\"type\":\"MX\",\"preference\":10,\"exchange\":\"mail.a.test\"}]}}}],"
"\"links\":[{\"a\":\"pc\",\"b\":\"r\"},{\"a\":\"srv\",\"b\":\"r\"},{\"a\":\"ns\",\"b\":\"r\"}],"
"\"accounts\":["
"{\"address\":\"u@a.test\",\"server\":\"srv\",\"user\":\"u\",\"password\":\"pw\"},"
"{\"address\":\"v@a.test\",\"server\":\"srv\",\"user\":\"v\",\"password\":\"pw\"}],"
"\"actions\":[]}";

struct world {
	struct scenario	*sc;
	struct sim	*s;
	int		 pc, srv, ns;
};

static struct scenario *
load(const char *text)
{
	struct sc_errors errs = { 0 };
	struct scenario *sc = scenario_load(text, strlen(text), "hostile", &errs);

	for (int i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	ck_assert_int_eq(errs.n, 0);
	sc_errors_free(&errs);
	return sc;
}

static struct world
world_text(const char *text)
{
	struct world w;

	w.sc = load(text);
	w.s = sim_new(w.sc, w.sc->seed);
	w.pc = scenario_node_index(w.sc, "pc");
	w.srv = scenario_node_index(w.sc, "srv");
	w.ns = scenario_node_index(w.sc, "ns");
	return w;
}

static struct world
world_new(void)
{
	return world_text(world_json);
}

static void
world_free(struct world *w)
{
	sim_free(w->s);
	scenario_free(w->sc);
}

static void
run_ms(struct world *w, uint64_t ms)
{
	sim_run_until(w->s, sim_now(w->s) + ms * MS);
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

static int
nqueue(struct world *w, int node)
{
	return w->s->mail->mta[node] ? w->s->mail->mta[node]->nqueue : 0;
}

/* Trace records of one kind of state change, with text containing needle. */
static int
state_count(struct world *w, enum state_what what, const char *needle)
{
	const struct trace *tr = sim_trace(w->s);
	int n = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind == TR_STATE && r.a == what && (needle == NULL ||
		    strstr(trace_text_at(tr, r.text), needle)))
			n++;
	}
	return n;
}

/* Every session list of every server is empty: all sessions ended. */
static void
assert_no_sessions(struct world *w)
{
	ck_assert_msg(w->s->mail->sessions == NULL, "an SMTP/LMTP session is "
	    "still open");
	ck_assert_msg(w->s->mail->outgoing == NULL, "an SMTP client session "
	    "is still open");
	if (w->s->mail->pop3)
		ck_assert_msg(w->s->mail->pop3->sessions == NULL,
		    "a POP3 session is still open");
	if (w->s->mail->imap)
		ck_assert_msg(w->s->mail->imap->sessions == NULL,
		    "an IMAP session is still open");
}

/* ---- a raw client ------------------------------------------------------ */

struct peer {
	struct tcp_conn	*c;
	struct buf	 script;	/* sent as soon as the connection is up */
	struct buf	 got;		/* everything the server sent */
	int		 connected, peer_closed, closed, error;
	int		 close_after;	/* FIN right after the script */
	int		 half_close;	/* do not answer the server's FIN with ours */
};

static void
peer_connected(struct tcp_conn *c, void *u)
{
	struct peer *p = u;

	p->connected = 1;
	if (p->script.len)
		tcp_send(c, p->script.data, p->script.len);
	if (p->close_after)
		tcp_close(c);
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
	struct peer *p = u;

	p->peer_closed = 1;
	if (!p->half_close)
		tcp_close(c);
}

static void
peer_closed(struct tcp_conn *c, void *u)
{
	struct peer *p = u;

	(void)c;
	p->closed = 1;
	p->c = NULL;
}

static void
peer_error(struct tcp_conn *c, void *u, enum tcp_err e)
{
	struct peer *p = u;

	(void)c;
	p->error = 1 + (int)e;
	p->c = NULL;
}

static const struct tcp_ops peer_ops = {
	.connected = peer_connected,
	.data = peer_data,
	.peer_closed = peer_peer_closed,
	.closed = peer_closed,
	.error = peer_error,
};

/* Connect pc to srv:port and send script (n bytes; strlen when n is 0). */
static void
peer_open(struct world *w, struct peer *p, uint16_t port, const char *script,
    size_t n)
{
	memset(p, 0, sizeof *p);
	if (script)
		buf_append(&p->script, script, n ? n : strlen(script));
	p->c = tcp_connect(w->s, w->pc, w->sc->nodes[w->srv].ip, port,
	    &peer_ops, p);
	ck_assert_ptr_nonnull(p->c);
}

static void
peer_send(struct peer *p, const char *text, size_t n)
{
	ck_assert_ptr_nonnull(p->c);
	tcp_send(p->c, text, n ? n : strlen(text));
}

static void
peer_free(struct peer *p)
{
	buf_free(&p->script);
	buf_free(&p->got);
}

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
		else if (p[i] < 32 || p[i] > 126)
			buf_printf(&b, "\\x%02x", p[i]);
		else
			buf_putc(&b, p[i]);
	}
	return b.data ? (char *)b.data : xstrdup("");
}

/* The server sent exactly want, byte for byte. */
static void
assert_got(const struct peer *p, const char *want)
{
	if (p->got.len == strlen(want) && memcmp(p->got.data, want,
	    p->got.len) == 0)
		return;
	char *g = shown(p->got.data, p->got.len);
	char *x = shown((const uint8_t *)want, strlen(want));
	ck_abort_msg("the server sent:\n%s\nexpected:\n%s", g, x);
	free(g);
	free(x);
}

/* A string of n copies of c (heap). */
static char *
repeat(int c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ---- SMTP --------------------------------------------------------------- */

#define GREETING	"220 mail.a.test ESMTP surel\r\n"
#define EHLO_25		"250-mail.a.test greets pc.test\r\n250-PIPELINING\r\n" \
			"250-SIZE 20000\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n"
#define EHLO_587	"250-mail.a.test greets pc.test\r\n250-PIPELINING\r\n" \
			"250-SIZE 20000\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n" \
			"250 ENHANCEDSTATUSCODES\r\n"
#define TOO_LONG	"500 5.5.2 Error: line too long\r\n"
#define OK		"250 2.0.0 Ok\r\n"
#define BYE		"221 2.0.0 Bye\r\n"

/*
 * RFC 5321 4.5.3.1.4: a command line is at most 512 octets with its
 * CRLF; a longer one gets 500 (4.2.2: "Syntax error ... command line too
 * long"), once, however long it is, and the session goes on.  The same
 * on the MTA port, the submission port and LMTP.
 */
START_TEST(test_smtp_command_line_limits)
{
	uint16_t ports[3] = { 25, 587, 24 };

	for (int k = 0; k < 3; k++) {
		struct world w = world_new();
		struct peer p;
		char *fits = repeat('a', 512 - 2 - 5);	/* "NOOP " + 505 + CRLF = 512 */
		char *over = repeat('a', 513 - 2 - 5);
		char *huge = repeat('b', 5000);
		char *script = xasprintf("%cHLO pc.test\r\nNOOP %s\r\nNOOP %s\r\n"
		    "%s\r\nNOOP\r\nQUIT\r\n", ports[k] == 24 ? 'L' : 'E', fits,
		    over, huge);

		peer_open(&w, &p, ports[k], script, 0);
		sim_run(w.s);
		char *want = xasprintf("%s%s%s%s%s%s%s", ports[k] == 24 ?
		    "220 mail.a.test LMTP surel\r\n" : GREETING,
		    ports[k] == 587 ? EHLO_587 : EHLO_25, OK, TOO_LONG, TOO_LONG,
		    OK, BYE);
		assert_got(&p, want);
		ck_assert_int_eq(p.peer_closed, 1);
		ck_assert_int_eq(p.closed, 1);
		assert_no_sessions(&w);
		free(want);
		free(script);
		free(fits);
		free(over);
		free(huge);
		peer_free(&p);
		world_free(&w);
	}
}
END_TEST

/* A transaction on port 25 from a stranger to u@a.test with this body, "." included. */
static char *
mail_to_u(const char *body)
{
	return xasprintf("MAIL FROM:<x@b.test>\r\nRCPT TO:<u@a.test>\r\nDATA\r\n"
	    "%s", body);
}

#define TXN_OK	"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"

/*
 * RFC 5321 4.5.3.1.6: a text line is at most 1000 octets with its CRLF.
 * One of 998 characters arrives whole; one of 999 makes the server refuse
 * the message at its end (nothing queued), with 554 5.6.0 since 4.3.2
 * allows no 500 after the final dot, and the next transaction on
 * the same connection works.  4.5.3.1.10 and RFC 1870: a message over
 * the server's SIZE gets 552, announced (MAIL ... SIZE=) or not.
 */
START_TEST(test_smtp_text_line_and_size_limits)
{
	struct world w = world_new();
	struct peer p;
	char *l998 = repeat('x', 998), *l999 = repeat('y', 999);
	char *big = repeat('z', 900);
	struct buf bigbody = { 0 };

	buf_puts(&bigbody, "Subject: big\r\n\r\n");
	for (int i = 0; i < 30; i++)	/* 30 lines of 900: over the 20000 */
		buf_printf(&bigbody, "%s\r\n", big);
	buf_puts(&bigbody, ".\r\n");
	char *b1 = xasprintf("Subject: a\r\n\r\n%s\r\n.\r\n", l998);
	char *b2 = xasprintf("Subject: b\r\n\r\n%s\r\nmore\r\n.\r\n", l999);
	char *t1 = mail_to_u(b1), *t2 = mail_to_u(b2);
	char *t3 = mail_to_u((char *)bigbody.data);
	char *script = xasprintf("EHLO pc.test\r\n%s%s%s"
	    "MAIL FROM:<x@b.test> SIZE=30000\r\nQUIT\r\n", t1, t2, t3);

	peer_open(&w, &p, 25, script, 0);
	sim_run(w.s);
	char *want = xasprintf("%s%s" TXN_OK "250 2.0.0 Ok: queued as 20001\r\n"
	    TXN_OK "554 5.6.0 Error: message content rejected: a line is "
	    "over 1000 characters (RFC 5321 4.5.3.1.6)\r\n"
	    TXN_OK "552 5.3.4 Error: message too big\r\n"
	    "552 5.3.4 Message size exceeds fixed limit of 20000 bytes\r\n"
	    BYE, GREETING, EHLO_25);
	assert_got(&p, want);
	struct mailbox *mb = box(&w, "u@a.test");
	ck_assert_int_eq(mb->nmsgs, 1);
	ck_assert_ptr_nonnull(strstr((char *)mb->msgs[0].data.data, l998));
	ck_assert_int_eq(nqueue(&w, w.srv), 0);
	ck_assert_int_eq(w.s->mail->ndlv, 1);
	assert_no_sessions(&w);
	free(want);
	free(script);
	free(t1);
	free(t2);
	free(t3);
	free(b1);
	free(b2);
	buf_free(&bigbody);
	free(l998);
	free(l999);
	free(big);
	peer_free(&p);
	world_free(&w);
}
END_TEST

/*
 * SMTP smuggling (CVE-2023-51766 and friends): a message whose data holds
 * "<LF>.<LF>" followed by a second transaction.  RFC 5321 4.1.1.4: the
 * sequence "<LF>.<LF>" MUST NOT be treated as the end of the data.  The
 * server took any line "." for the end, whatever its line ends, and so
 * ran the smuggled MAIL/RCPT/DATA as commands: a second message with a
 * forged sender.  Now the whole thing is one message (to u only), and
 * its "." lines are text; the same for "<CRLF>.<LF>" and "<LF>.<CRLF>".
 */
START_TEST(test_bug_smtp_smuggling_bare_lf_dot)
{
	const char *ends[3] = { "\n.\n", "\r\n.\n", "\n.\r\n" };

	for (int k = 0; k < 3; k++) {
		struct world w = world_new();
		struct peer p;
		char *body = xasprintf("Subject: hello\r\n\r\nhello%s"
		    "MAIL FROM:<boss@a.test>\r\nRCPT TO:<v@a.test>\r\nDATA\r\n"
		    "Subject: smuggled\r\n\r\npay me\r\n.\r\n", ends[k]);
		char *t = mail_to_u(body);
		char *script = xasprintf("EHLO pc.test\r\n%sQUIT\r\n", t);

		peer_open(&w, &p, 25, script, 0);
		sim_run(w.s);
		char *want = xasprintf("%s%s" TXN_OK "250 2.0.0 Ok: queued as "
		    "20001\r\n" BYE, GREETING, EHLO_25);
		assert_got(&p, want);
		ck_assert_int_eq(box(&w, "v@a.test")->nmsgs, 0);
		struct mailbox *mb = box(&w, "u@a.test");
		ck_assert_int_eq(mb->nmsgs, 1);
		/* The smuggled lines are text of the one message, the "." line too. */
		const char *m = (const char *)mb->msgs[0].data.data;
		ck_assert_ptr_nonnull(strstr(m, "\r\n.\r\nMAIL FROM:<boss@a.test>\r\n"));
		ck_assert_ptr_nonnull(strstr(m, "pay me\r\n"));
		ck_assert_int_eq(w.s->mail->ndlv, 1);
		assert_no_sessions(&w);
		free(want);
		free(script);
		free(t);
		free(body);
		peer_free(&p);
		world_free(&w);
	}
}
END_TEST

/*
 * Lines that end in a bare LF.  A command so ended is taken as one line
 * (as Postfix's normalize mode does; what matters for safety is the end
 * of the data, above), and a message whose lines end in bare LFs is
 * stored with CRLF line ends, as RFC 5322 messages have.
 */
START_TEST(test_smtp_bare_lf_lines)
{
	struct world w = world_new();
	struct peer p;

	peer_open(&w, &p, 25, "EHLO pc.test\nMAIL FROM:<x@b.test>\n"
	    "RCPT TO:<u@a.test>\nDATA\r\nSubject: lf\n\nline one\nline two\r\n"
	    ".\r\nQUIT\n", 0);
	sim_run(w.s);
	char *want = xasprintf("%s%s" TXN_OK "250 2.0.0 Ok: queued as 20001\r\n"
	    BYE, GREETING, EHLO_25);
	assert_got(&p, want);
	struct mailbox *mb = box(&w, "u@a.test");
	ck_assert_int_eq(mb->nmsgs, 1);
	ck_assert_ptr_nonnull(strstr((char *)mb->msgs[0].data.data,
	    "Subject: lf\r\n\r\nline one\r\nline two\r\n"));
	assert_no_sessions(&w);
	free(want);
	peer_free(&p);
	world_free(&w);
}
END_TEST

/*
 * A NUL in a command line.  The server answered "501 5.5.4 Syntax error
 * in arguments of ?": the parser refuses the line before it knows the
 * verb, and the reply named none.  RFC 5321 4.2.2: 500 is the reply for
 * a line that is not a command at all; now it says why.
 */
START_TEST(test_bug_smtp_nul_in_command)
{
	struct world w = world_new();
	struct peer p;
	static const char script[] = "EHLO pc.test\r\nNO\0OP\r\n"
	    "MAIL FROM:<x\0y@b.test>\r\nMAIL FROM:<x@b.test>\r\n"
	    "RCPT TO:<u@a.test>\0\r\nRSET\r\nQUIT\r\n";

	peer_open(&w, &p, 25, script, sizeof script - 1);
	sim_run(w.s);
	char *want = xasprintf("%s%s"
	    "500 5.5.2 Error: NUL character in command line\r\n"
	    "500 5.5.2 Error: NUL character in command line\r\n"
	    "250 2.1.0 Ok\r\n"
	    "500 5.5.2 Error: NUL character in command line\r\n"
	    OK BYE, GREETING, EHLO_25);
	assert_got(&p, want);
	ck_assert_int_eq(w.s->mail->ndlv, 0);
	assert_no_sessions(&w);
	free(want);
	peer_free(&p);
	world_free(&w);
}
END_TEST

/*
 * Garbage pipelined before and after a valid transaction (a TLS hello, an
 * HTTP request, binary bytes, an empty line, commands out of order):
 * each line gets its error, in order, and the one real message is
 * queued once.  RFC 5321 4.2.4: 500 for what is no command, 503 for a
 * command out of sequence, 501 for bad arguments.
 */
START_TEST(test_smtp_pipelined_garbage)
{
	struct world w = world_new();
	struct peer p;
	static const char script[] =
	    "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n"
	    "GET / HTTP/1.1\r\n"
	    "Host: mail.a.test\r\n"
	    "\r\n"
	    "MAIL FROM:<x@b.test>\r\n"
	    "EHLO pc.test\r\n"
	    "RCPT TO:<u@a.test>\r\n"
	    "MAIL FROM:x@b.test\r\n"
	    "MAIL FROM:<x@b.test>\r\n"
	    "DATA\r\n"
	    "RCPT TO:<u@a.test>\r\n"
	    "DATA\r\n"
	    "Subject: real\r\n\r\nthe one real message\r\n.\r\n"
	    "\xff\xfe\xfd\r\n"
	    "RCPT TO:<u@a.test>\r\n"
	    "DATA extra\r\n"
	    "QUIT\r\n";

	peer_open(&w, &p, 25, script, sizeof script - 1);
	sim_run(w.s);
	char *want = xasprintf("%s"
	    "500 5.5.2 Error: NUL character in command line\r\n"
	    "500 5.5.2 Error: command not recognized\r\n"
	    "500 5.5.2 Error: command not recognized\r\n"
	    "500 5.5.2 Error: command not recognized\r\n"
	    "503 5.5.1 Error: send HELO/EHLO first\r\n"
	    "%s"
	    "503 5.5.1 Error: need MAIL command\r\n"
	    "501 5.5.4 Syntax error in arguments of MAIL\r\n"
	    "250 2.1.0 Ok\r\n"
	    "554 5.5.1 Error: no valid recipients\r\n"
	    "250 2.1.5 Ok\r\n"
	    "354 End data with <CR><LF>.<CR><LF>\r\n"
	    "250 2.0.0 Ok: queued as 20001\r\n"
	    "500 5.5.2 Error: command not recognized\r\n"
	    "503 5.5.1 Error: need MAIL command\r\n"
	    "501 5.5.4 Syntax error in arguments of DATA\r\n"
	    BYE, GREETING, EHLO_25);
	assert_got(&p, want);
	ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 1);
	ck_assert_int_eq(w.s->mail->ndlv, 1);
	assert_no_sessions(&w);
	free(want);
	peer_free(&p);
	world_free(&w);
}
END_TEST

/* How a test ends a connection whose message never ends. */
enum hangup {
	HANG_CLOSE,		/* FIN */
	HANG_ABORT,		/* RST */
	HANG_SILENT,		/* nothing: the server's timeout ends it */
	HANG_POWER_OFF,		/* the client's machine goes off: half-open */
};

/*
 * DATA that never ends: the client sends half a message and stops.  The
 * server waits; when the client closes (FIN) or resets (RST), the half
 * message is forgotten: nothing queued, nothing delivered, the session
 * freed.  A message sent normally on a new connection afterwards
 * arrives, once.  Port 25, the submission port and LMTP alike.
 */
static void
data_never_ends(uint16_t port, enum hangup how)
{
	struct world w = world_new();
	struct peer p, q;
	const char *hello = port == 24 ? "LHLO pc.test\r\n" :
	    port == 587 ? "EHLO pc.test\r\nAUTH PLAIN AHUAcHc=\r\n" :
	    "EHLO pc.test\r\n";
	const char *from = port == 587 ? "u@a.test" : "x@b.test";
	char *script = xasprintf("%sMAIL FROM:<%s>\r\nRCPT TO:<v@a.test>\r\n"
	    "DATA\r\nSubject: never ends\r\n\r\nfirst line\r\nsecond li", hello,
	    from);

	peer_open(&w, &p, port, script, 0);
	run_ms(&w, 10000);
	ck_assert_ptr_nonnull(strstr((char *)p.got.data, "354 "));
	ck_assert_ptr_nonnull(w.s->mail->sessions);	/* still waiting */
	switch (how) {
	case HANG_CLOSE:
		tcp_close(p.c);
		break;
	case HANG_ABORT:
		tcp_abort(p.c);
		p.c = NULL;
		break;
	case HANG_SILENT:
		break;
	case HANG_POWER_OFF:
		net_set_node(w.s, w.pc, 0);
		p.c = NULL;
		break;
	}
	sim_run(w.s);
	if (how == HANG_SILENT) {
		/* RFC 5321 4.5.3.2.7: 5 minutes, then 421 and the server closes. */
		ck_assert_ptr_nonnull(strstr((char *)p.got.data,
		    "\r\n421 4.4.2 mail.a.test Error: timeout exceeded\r\n"));
		ck_assert_int_eq(p.peer_closed, 1);
		ck_assert_uint_ge(sim_now(w.s), 300 * SIM_SEC);
	}
	if (how == HANG_POWER_OFF)
		net_set_node(w.s, w.pc, 1);
	assert_no_sessions(&w);
	ck_assert_int_eq(box(&w, "v@a.test")->nmsgs, 0);
	ck_assert_int_eq(nqueue(&w, w.srv), 0);
	ck_assert_int_eq(w.s->mail->ndlv, 0);
	ck_assert_int_eq(state_count(&w, ST_QUEUE_ADD, NULL), 0);

	/* A normal message on a new connection arrives, exactly once. */
	char *again = xasprintf("%sMAIL FROM:<%s>\r\nRCPT TO:<v@a.test>\r\n"
	    "DATA\r\nSubject: normal\r\n\r\nall of it\r\n.\r\nQUIT\r\n", hello,
	    from);
	peer_open(&w, &q, port, again, 0);
	sim_run(w.s);
	ck_assert_ptr_nonnull(strstr((char *)q.got.data, port == 24 ?
	    "250 2.1.5 <v@a.test> delivered to mailbox\r\n" :
	    "250 2.0.0 Ok: queued as "));
	ck_assert_int_eq(box(&w, "v@a.test")->nmsgs, 1);
	ck_assert_ptr_nonnull(strstr((char *)box(&w, "v@a.test")->msgs[0].data.data,
	    "Subject: normal"));
	ck_assert_int_eq(w.s->mail->ndlv, 1);
	ck_assert_int_eq(nqueue(&w, w.srv), 0);
	assert_no_sessions(&w);
	free(again);
	free(script);
	peer_free(&p);
	peer_free(&q);
	world_free(&w);
}

START_TEST(test_smtp_data_never_ends_then_close)
{
	data_never_ends(25, HANG_CLOSE);
	data_never_ends(587, HANG_CLOSE);
	data_never_ends(24, HANG_CLOSE);
}
END_TEST

START_TEST(test_smtp_data_never_ends_then_reset)
{
	data_never_ends(25, HANG_ABORT);
	data_never_ends(587, HANG_ABORT);
	data_never_ends(24, HANG_ABORT);
}
END_TEST

/*
 * The client just stops.  RFC 5321 4.5.3.2.7: the server times out
 * after 5 minutes (421) and closes; the half message is not queued.
 */
START_TEST(test_smtp_data_never_ends_server_times_out)
{
	data_never_ends(25, HANG_SILENT);
	data_never_ends(24, HANG_SILENT);
}
END_TEST

/*
 * The client's machine goes off in the middle of DATA: the server never
 * hears of it (a half-open connection).  Its session stayed in DATA for
 * ever, holding its memory until the simulation ended; now the 5-minute
 * timeout ends it (the 421 and FIN go nowhere, TCP gives up, the
 * session is freed).
 */
START_TEST(test_bug_smtp_half_open_session_never_freed)
{
	data_never_ends(25, HANG_POWER_OFF);
	data_never_ends(587, HANG_POWER_OFF);
	data_never_ends(24, HANG_POWER_OFF);
}
END_TEST

/*
 * After QUIT the server closes its side (221, FIN, RFC 5321 4.1.1.10);
 * the client acknowledges the FIN, and its machine goes off before it
 * sends its own.  The server's connection waited in FIN-WAIT-2 for ever
 * (RFC 9293 sets no limit), and the session with it: found by the
 * conservation test ("an SMTP session is still open at the end").  Now
 * TCP gives up after 60 s of silence, as BSD and Linux do
 * (tcp_fin_timeout), and the session is freed.
 */
START_TEST(test_bug_tcp_fin_wait_2_never_ends)
{
	struct world w = world_new();
	struct peer p;

	peer_open(&w, &p, 25, "EHLO pc.test\r\nQUIT\r\n", 0);
	p.half_close = 1;
	run_ms(&w, 5000);
	ck_assert_int_eq(p.peer_closed, 1);
	ck_assert_ptr_nonnull(strstr((char *)p.got.data, BYE));
	ck_assert_ptr_nonnull(w.s->mail->sessions);	/* waiting for our FIN */
	net_set_node(w.s, w.pc, 0);
	p.c = NULL;
	sim_run(w.s);
	assert_no_sessions(&w);
	/* 60 s after the server's FIN was acknowledged, at the start. */
	ck_assert_uint_ge(sim_now(w.s), 60 * SIM_SEC);
	ck_assert_uint_lt(sim_now(w.s), 61 * SIM_SEC);
	peer_free(&p);
	world_free(&w);
}
END_TEST

/*
 * The connection closes in the middle of the message, right after a
 * line that would have been fine: nothing delivered, nothing queued.
 */
START_TEST(test_smtp_closed_mid_message)
{
	uint16_t ports[3] = { 25, 587, 24 };

	for (int k = 0; k < 3; k++) {
		struct world w = world_new();
		struct peer p;
		const char *hello = ports[k] == 24 ? "LHLO pc.test\r\n" :
		    ports[k] == 587 ? "EHLO pc.test\r\nAUTH PLAIN AHUAcHc=\r\n" :
		    "EHLO pc.test\r\n";
		char *script = xasprintf("%sMAIL FROM:<u@a.test>\r\n"
		    "RCPT TO:<v@a.test>\r\nRCPT TO:<u@a.test>\r\nDATA\r\n"
		    "Subject: cut\r\n\r\nall lines complete\r\n", hello);

		peer_open(&w, &p, ports[k], script, 0);
		/* Close right after the script: the FIN follows the bytes. */
		p.close_after = 1;
		sim_run(w.s);
		ck_assert_ptr_nonnull(strstr((char *)p.got.data, "354 "));
		ck_assert_int_eq(p.closed, 1);
		ck_assert_int_eq(box(&w, "v@a.test")->nmsgs, 0);
		ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 0);
		ck_assert_int_eq(nqueue(&w, w.srv), 0);
		ck_assert_int_eq(w.s->mail->ndlv, 0);
		assert_no_sessions(&w);
		free(script);
		peer_free(&p);
		world_free(&w);
	}
}
END_TEST

/* ---- a queued message and a delivery cut in the middle ------------------- */

/*
 * a (queue, relay_via b) - r - b (mailboxes of b.test).  The link a-r is
 * slow, so that the DATA of a 100 kB attachment takes about a second.
 */
static const char relay_json[] =
"{\"surel\":1,\"title\":\"cut mid-DATA\",\"nodes\":["
"{\"id\":\"a\",\"kind\":\"server\",\"ip\":\"10.0.1.1\",\"hostname\":\"mail.a.test\","
"\"services\":{\"smtp\":{\"domains\":[\"a.test\"],\"relay_via\":\"b\","
"\"retry_ms\":[30000]}}},"
"{\"id\":\"r\",\"kind\":\"router\",\"ip\":\"10.0.0.254\"},"
"{\"id\":\"b\",\"kind\":\"server\",\"ip\":\"10.0.2.1\",\"hostname\":\"mail.b.test\","
"\"services\":{\"smtp\":{\"domains\":[\"b.test\"]}}}],"
"\"links\":[{\"a\":\"a\",\"b\":\"r\",\"bandwidth_kbps\":1000},{\"a\":\"r\",\"b\":\"b\"}],"
"\"accounts\":[{\"address\":\"x@a.test\",\"server\":\"a\",\"password\":\"p\"},"
"{\"address\":\"y@b.test\",\"server\":\"b\",\"password\":\"p\"}],"
"\"actions\":[{\"at_ms\":0,\"node\":\"a\",\"send\":{\"from\":\"x@a.test\","
"\"to\":[\"y@b.test\"],\"subject\":\"big\",\"attachments\":[{\"name\":\"big.bin\","
"\"content_type\":\"application/octet-stream\",\"size\":100000}]}}]}";

/* Run until node has sent a reply starting with prefix (after trace record from). */
static void
run_until_reply(struct world *w, int node, const char *prefix, uint64_t max_ms)
{
	const struct trace *tr = sim_trace(w->s);
	size_t seen = 0;

	for (uint64_t t = 0; t < max_ms; t++) {
		for (; seen < trace_count(tr); seen++) {
			const struct trace_rec r = trace_at(tr, seen);

			if (r.kind == TR_APP && r.node == node &&
			    strncmp(trace_text_at(tr, r.text), prefix,
			    strlen(prefix)) == 0)
				return;
		}
		run_ms(w, 1);
	}
	ck_abort_msg("node %d never sent '%s'", node, prefix);
}

enum cut {
	CUT_POWER,		/* the receiving server goes off */
	CUT_LINK,		/* the link to it goes down */
};

static void
cut_mid_data(enum cut how, uint64_t outage_ms)
{
	struct world w = world_text(relay_json);
	int a = scenario_node_index(w.sc, "a"), b = scenario_node_index(w.sc, "b");

	run_until_reply(&w, b, "S: 354", 60000);
	run_ms(&w, 300);	/* well inside the body */
	ck_assert_int_eq(box(&w, "y@b.test")->nmsgs, 0);
	ck_assert_int_eq(nqueue(&w, a), 1);
	if (how == CUT_POWER) {
		net_set_node(w.s, b, 0);
		mail_power(w.s, b, 0);
	} else
		net_set_link(w.s, 1, 0);
	run_ms(&w, outage_ms);
	/* Nothing arrived, nothing lost: the message waits in a's queue. */
	ck_assert_int_eq(box(&w, "y@b.test")->nmsgs, 0);
	ck_assert_int_eq(nqueue(&w, a), 1);
	ck_assert_int_eq(nqueue(&w, b), 0);
	if (how == CUT_POWER) {
		net_set_node(w.s, b, 1);
		mail_power(w.s, b, 1);
	} else
		net_set_link(w.s, 1, 1);
	sim_run(w.s);

	/* Delivered after the recovery, exactly once, whole. */
	struct mailbox *mb = box(&w, "y@b.test");
	ck_assert_int_eq(mb->nmsgs, 1);
	ck_assert_int_eq(state_count(&w, ST_MAILBOX_ADD, "y@b.test"), 1);
	struct msg_info mi;
	ck_assert_int_eq(msg_parse(mb->msgs[0].data.data, mb->msgs[0].data.len,
	    &mi), 0);
	ck_assert_int_eq(mi.natt, 1);
	ck_assert_uint_eq(mi.att[0].size, 100000);
	msg_info_free(&mi);
	ck_assert_int_eq(w.s->mail->ndlv, 1);
	ck_assert_str_eq(delivery_status_str(w.s->mail->dlv[0].status),
	    "delivered");
	ck_assert_int_eq(nqueue(&w, a), 0);
	ck_assert_int_eq(nqueue(&w, b), 0);
	ck_assert_int_eq(box(&w, "x@a.test")->nmsgs, 0);	/* no bounce */
	assert_no_sessions(&w);
	world_free(&w);
}

START_TEST(test_queue_keeps_message_receiver_off_mid_data)
{
	cut_mid_data(CUT_POWER, 60000);
}
END_TEST

START_TEST(test_queue_keeps_message_link_cut_mid_data)
{
	/* Short: TCP retransmits across the gap; long: it gives up, the queue retries. */
	cut_mid_data(CUT_LINK, 5000);
	cut_mid_data(CUT_LINK, 900000);
}
END_TEST

/* ---- a receiving server that says nothing -------------------------------- */

/* a (queue) - r - t, where t's "MX" is a tarpit: it accepts and then is silent. */
static const char tarpit_json[] =
"{\"surel\":1,\"title\":\"tarpit\",\"nodes\":["
"{\"id\":\"a\",\"kind\":\"server\",\"ip\":\"10.0.1.1\",\"hostname\":\"mail.a.test\","
"\"resolver\":\"ns\",\"services\":{\"smtp\":{\"domains\":[\"a.test\"],"
"\"retry_ms\":[60000],\"give_up_ms\":1200000}}},"
"{\"id\":\"r\",\"kind\":\"router\",\"ip\":\"10.0.0.254\"},"
"{\"id\":\"ns\",\"kind\":\"server\",\"ip\":\"10.0.0.53\",\"hostname\":\"ns.a.test\","
"\"services\":{\"dns\":{\"records\":["
"{\"name\":\"t.test\",\"type\":\"MX\",\"preference\":10,\"exchange\":\"mx.t.test\"},"
"{\"name\":\"mx.t.test\",\"type\":\"A\",\"address\":\"10.0.3.1\"}]}}},"
"{\"id\":\"t\",\"kind\":\"server\",\"ip\":\"10.0.3.1\",\"hostname\":\"mx.t.test\"}],"
"\"links\":[{\"a\":\"a\",\"b\":\"r\"},{\"a\":\"ns\",\"b\":\"r\"},{\"a\":\"t\",\"b\":\"r\"}],"
"\"accounts\":[{\"address\":\"x@a.test\",\"server\":\"a\",\"password\":\"p\"}],"
"\"actions\":[{\"at_ms\":0,\"node\":\"a\",\"send\":{\"from\":\"x@a.test\","
"\"to\":[\"y@t.test\"],\"subject\":\"into the tarpit\"}}]}";

struct tarpit {
	const char	*say;		/* sent once on each connection, or NULL */
	int		 accepted;
};

static void
tarpit_peer_closed(struct tcp_conn *c, void *u)
{
	(void)u;
	tcp_close(c);
}

static const struct tcp_ops tarpit_ops = {
	.peer_closed = tarpit_peer_closed,
};

static void
tarpit_accept(struct tcp_conn *c, void *u)
{
	struct tarpit *tp = u;

	tp->accepted++;
	tcp_set_ops(c, &tarpit_ops, tp);
	if (tp->say)
		tcp_send(c, tp->say, strlen(tp->say));
}

/*
 * The receiving MTA accepts the connection and never answers (or greets
 * and then never answers EHLO).  The sending session waited for ever: the
 * queue item stayed "running", was never tried again, never bounced, and
 * the simulation ended with the message stuck.  RFC 5321 4.5.3.2: the
 * client times out (5 minutes for the greeting and for EHLO), the queue
 * retries, and after give_up_ms the sender gets a bounce.
 */
START_TEST(test_bug_smtp_client_waits_forever_for_silent_server)
{
	const char *says[2] = { NULL, "220 mx.t.test ESMTP tarpit\r\n" };

	for (int k = 0; k < 2; k++) {
		struct world w = world_text(tarpit_json);
		int a = scenario_node_index(w.sc, "a");
		int t = scenario_node_index(w.sc, "t");
		struct tarpit tp = { .say = says[k] };

		ck_assert_int_eq(tcp_listen(w.s, t, 25, tarpit_accept, &tp), 0);
		sim_run(w.s);
		ck_assert_int_ge(tp.accepted, 3);	/* tried again and again */
		ck_assert_int_eq(nqueue(&w, a), 0);
		ck_assert_int_eq(w.s->mail->ndlv, 2);	/* the mail and its bounce */
		const struct delivery *d = &w.s->mail->dlv[0];
		ck_assert_str_eq(d->rcpt, "y@t.test");
		ck_assert_str_eq(delivery_status_str(d->status), "bounced");
		ck_assert_msg(strstr(d->reply, "no reply from mx.t.test within 5 "
		    "minutes") != NULL, "reply: %s", d->reply);
		ck_assert_int_eq(box(&w, "x@a.test")->nmsgs, 1);
		ck_assert_uint_ge(sim_now(w.s), 1200 * SIM_SEC);
		ck_assert_uint_lt(sim_now(w.s), 1600 * SIM_SEC);
		assert_no_sessions(&w);
		world_free(&w);
	}
}
END_TEST

/* ---- POP3 ---------------------------------------------------------------- */

#define POP_GREETING	"+OK mail.a.test POP3 server ready\r\n"

/* Put n messages into u's mailbox through port 25 and run until they are there. */
static void
fill_u(struct world *w, int n)
{
	struct peer p;
	struct buf script = { 0 };

	buf_puts(&script, "EHLO pc.test\r\n");
	for (int i = 0; i < n; i++)
		buf_printf(&script, "MAIL FROM:<x@b.test>\r\nRCPT TO:<u@a.test>\r\n"
		    "DATA\r\nSubject: m%d\r\n\r\nbody %d\r\n.\r\n", i + 1, i + 1);
	buf_puts(&script, "QUIT\r\n");
	peer_open(w, &p, 25, (char *)script.data, 0);
	sim_run(w->s);
	ck_assert_int_eq(box(w, "u@a.test")->nmsgs, n);
	buf_free(&script);
	peer_free(&p);
}

/*
 * RFC 2449 4: a command line is at most 255 octets with its CRLF; RFC
 * 1939 3: an argument at most 40 characters.  Over the limits: -ERR,
 * once per line however long, and the session goes on.
 */
START_TEST(test_pop3_line_limits)
{
	struct world w = world_new();
	struct peer p;
	char *arg40 = repeat('u', 40), *arg41 = repeat('u', 41);
	char *l254 = repeat('n', 254 - 5), *huge = repeat('h', 6000);
	char *script = xasprintf("USER %s\r\nUSER %s\r\nUSER %s\r\n%s\r\n"
	    "USER u\r\nPASS pw\r\nSTAT\r\nQUIT\r\n", arg40, arg41, l254, huge);

	fill_u(&w, 1);
	peer_open(&w, &p, 110, script, 0);
	sim_run(w.s);
	assert_got(&p, POP_GREETING
	    "+OK send your password with PASS\r\n"
	    "-ERR argument too long (RFC 1939: at most 40 characters)\r\n"
	    "-ERR command line too long (RFC 2449: at most 255 octets)\r\n"
	    "-ERR command line too long (RFC 2449: at most 255 octets)\r\n"
	    "+OK send your password with PASS\r\n"
	    "+OK u's maildrop has 1 message (228 octets)\r\n"
	    "+OK 1 228\r\n"
	    "+OK mail.a.test POP3 server signing off (1 message left)\r\n");
	assert_no_sessions(&w);
	ck_assert_int_eq(box(&w, "u@a.test")->locked, 0);
	free(script);
	free(arg40);
	free(arg41);
	free(l254);
	free(huge);
	peer_free(&p);
	world_free(&w);
}
END_TEST

/*
 * NUL bytes, garbage and bare LFs, pipelined around a valid dialogue.
 * Garbage gets -ERR (RFC 1939 3: "-ERR" for an unknown or malformed
 * command) and changes nothing.  A bare LF ends a POP3 command line:
 * RFC 1939 asks for CRLF, but no command can hide in the difference, so
 * the server is liberal here.
 */
START_TEST(test_pop3_garbage_nul_and_bare_lf)
{
	struct world w = world_new();
	struct peer p;
	static const char script[] =
	    "\x16\x03\x01\x00\r\n"
	    "GET / HTTP/1.0\r\n"
	    "STAT\r\n"
	    "US\0ER u\r\n"
	    "USER u\0x\r\n"
	    "USER u\n"
	    "PASS pw\n"
	    "STAT\r\n"
	    "RETR 1 2\r\n"
	    "RETR 99\r\n"
	    "DELE 1\r\n"
	    "\xff\xfe\r\n"
	    "QUIT\r\n"
	    "garbage after QUIT\r\n";

	fill_u(&w, 1);
	peer_open(&w, &p, 110, script, sizeof script - 1);
	sim_run(w.s);
	assert_got(&p, POP_GREETING
	    "-ERR unknown command\r\n"
	    "-ERR unknown command\r\n"
	    "-ERR log in first with USER and PASS\r\n"
	    "-ERR unknown command\r\n"
	    "-ERR syntax error: USER name\r\n"
	    "+OK send your password with PASS\r\n"
	    "+OK u's maildrop has 1 message (228 octets)\r\n"
	    "+OK 1 228\r\n"
	    "-ERR syntax error: RETR message\r\n"
	    "-ERR no such message, only 1 message in maildrop\r\n"
	    "+OK message 1 deleted\r\n"
	    "-ERR unknown command\r\n"
	    "+OK mail.a.test POP3 server signing off (maildrop empty)\r\n");
	ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 0);
	assert_no_sessions(&w);
	peer_free(&p);
	world_free(&w);
}
END_TEST

/*
 * The connection ends in the middle of a session, after DELE, without
 * QUIT (FIN, or RST while the RETR reply is on its way).  RFC 1939 6:
 * without QUIT there is no UPDATE, so nothing is removed, and the
 * maildrop lock is released: the next session sees every message.
 */
START_TEST(test_pop3_closed_mid_session_removes_nothing)
{
	for (int k = 0; k < 2; k++) {
		struct world w = world_new();
		struct peer p, q;

		fill_u(&w, 2);
		peer_open(&w, &p, 110, "USER u\r\nPASS pw\r\nDELE 1\r\nDELE 2\r\n"
		    "RETR 1\r\n", 0);
		if (k == 0) {
			p.close_after = 1;
			sim_run(w.s);
		} else {
			run_until_reply(&w, w.srv, "S: +OK message 2 deleted", 10000);
			tcp_abort(p.c);
			p.c = NULL;
			sim_run(w.s);
		}
		ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 2);
		ck_assert_int_eq(box(&w, "u@a.test")->locked, 0);
		assert_no_sessions(&w);
		peer_open(&w, &q, 110, "USER u\r\nPASS pw\r\nQUIT\r\n", 0);
		sim_run(w.s);
		ck_assert_ptr_nonnull(strstr((char *)q.got.data,
		    "+OK u's maildrop has 2 messages"));
		assert_no_sessions(&w);
		peer_free(&p);
		peer_free(&q);
		world_free(&w);
	}
}
END_TEST

/*
 * The client's machine goes off in the middle of a POP3 session (a
 * half-open connection: the server never hears).  The session held the
 * maildrop lock for ever, so every later login got "-ERR [IN-USE]" and
 * the mail could never be fetched again.  RFC 1939 3: an inactivity
 * autologout timer of at least 10 minutes; when it expires the session
 * ends without UPDATE (nothing removed, no reply) and the lock is
 * released.
 */
START_TEST(test_bug_pop3_half_open_session_keeps_maildrop_locked)
{
	struct world w = world_new();
	struct peer p, q;

	fill_u(&w, 1);
	peer_open(&w, &p, 110, "USER u\r\nPASS pw\r\nDELE 1\r\n", 0);
	run_until_reply(&w, w.srv, "S: +OK message 1 deleted", 10000);
	run_ms(&w, 1000);	/* the reply is acknowledged: the server has nothing to send */
	ck_assert_int_eq(box(&w, "u@a.test")->locked, 1);
	net_set_node(w.s, w.pc, 0);	/* the laptop's battery dies */
	p.c = NULL;
	run_ms(&w, 60000);
	net_set_node(w.s, w.pc, 1);
	peer_open(&w, &q, 110, "USER u\r\nPASS pw\r\nQUIT\r\n", 0);
	run_ms(&w, 10000);
	ck_assert_ptr_nonnull(strstr((char *)q.got.data, "-ERR [IN-USE]"));
	peer_free(&q);
	/* Ten minutes of silence: the server logs the lost session out. */
	sim_run(w.s);
	ck_assert_uint_ge(sim_now(w.s), 600 * SIM_SEC);
	ck_assert_int_eq(box(&w, "u@a.test")->locked, 0);
	ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 1);	/* no UPDATE */
	/* The lost session went from TRANSACTION straight to its end. */
	ck_assert_int_eq(state_count(&w, ST_SESSION, "POP3 TRANSACTION -> DONE"),
	    1);
	ck_assert_int_eq(state_count(&w, ST_SESSION, "-> UPDATE"), 0);
	assert_no_sessions(&w);
	peer_open(&w, &q, 110, "USER u\r\nPASS pw\r\nQUIT\r\n", 0);
	sim_run(w.s);
	ck_assert_ptr_nonnull(strstr((char *)q.got.data,
	    "+OK u's maildrop has 1 message"));
	assert_no_sessions(&w);
	peer_free(&p);
	peer_free(&q);
	world_free(&w);
}
END_TEST

/* ---- IMAP ---------------------------------------------------------------- */

#define IMAP_GREETING	"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] mail.a.test " \
			"IMAP4rev1 surel ready\r\n"

/*
 * A literal that lies about its length (RFC 3501 4.3: "{N}" then exactly
 * N octets).  The client announces {100} and sends 10 octets, then a new
 * command: the server cannot know, and counts that command as literal
 * data, so it gets no answer; when the 100 octets are complete the LOGIN
 * they belong to is refused for its missing password, and the session
 * goes on.
 */
START_TEST(test_imap_literal_lies_about_its_length)
{
	struct world w = world_new();
	struct peer p;

	/* A few seconds at a time: a run to the end would meet the autologout. */
	peer_open(&w, &p, 143, "a1 LOGIN {100}\r\n", 0);
	run_ms(&w, 10000);
	assert_got(&p, IMAP_GREETING "+ Ready for literal data\r\n");
	peer_send(&p, "0123456789\r\na2 NOOP\r\n", 0);	/* 21 of the 100 */
	run_ms(&w, 10000);
	assert_got(&p, IMAP_GREETING "+ Ready for literal data\r\n");
	ck_assert_ptr_nonnull(w.s->mail->imap->sessions);
	char *rest = repeat('x', 79);
	peer_send(&p, rest, 0);
	peer_send(&p, "\r\na3 NOOP\r\na4 LOGOUT\r\n", 0);
	sim_run(w.s);
	assert_got(&p, IMAP_GREETING "+ Ready for literal data\r\n"
	    "a1 BAD Syntax error: expected LOGIN user password\r\n"
	    "a3 OK NOOP completed\r\n"
	    "* BYE mail.a.test IMAP4rev1 server logging out\r\n"
	    "a4 OK LOGOUT completed\r\n");
	assert_no_sessions(&w);
	free(rest);
	peer_free(&p);
	world_free(&w);
}
END_TEST

/*
 * A literal of 10 GB (RFC 3501 7.5: the server may refuse a literal with
 * a tagged BAD instead of "+"; the client then does not send it).  The
 * same for a non-synchronizing "{N+}" (RFC 7888), whose octets a hostile
 * client sends anyway: they are read as (bad) commands, answered BAD,
 * and the session goes on.
 */
START_TEST(test_imap_literal_of_ten_gigabytes)
{
	struct world w = world_new();
	struct peer p;

	peer_open(&w, &p, 143, "a1 LOGIN {10737418240}\r\na2 NOOP\r\n"
	    "a3 LOGIN {10737418240+}\r\nxyz\r\na4 NOOP\r\na5 LOGOUT\r\n", 0);
	sim_run(w.s);
	assert_got(&p, IMAP_GREETING
	    "a1 BAD Literal too big (at most 10485760 octets)\r\n"
	    "a2 OK NOOP completed\r\n"
	    "a3 BAD Literal too big (at most 10485760 octets)\r\n"
	    "xyz BAD Syntax error: missing command\r\n"
	    "a4 OK NOOP completed\r\n"
	    "* BYE mail.a.test IMAP4rev1 server logging out\r\n"
	    "a5 OK LOGOUT completed\r\n");
	assert_no_sessions(&w);
	peer_free(&p);
	world_free(&w);
}
END_TEST

/* Long lines, NUL, bare LF and garbage around a valid login. */
START_TEST(test_imap_garbage_long_lines_nul)
{
	struct world w = world_new();
	struct peer p;
	char *huge = repeat('h', 9000);
	struct buf script = { 0 };

	fill_u(&w, 1);
	buf_printf(&script, "x1 NOOP %s\r\n", huge);
	buf_puts(&script, "\x16\x03\x01\r\n");
	buf_append(&script, "x2 NO\0OP\r\n", 10);
	buf_puts(&script, "x3 LOGIN u pw\n");	/* a bare LF */
	buf_puts(&script, "x4 SELECT INBOX\r\n");
	buf_puts(&script, "x5 FETCH 1:* (FLAGS\r\n");
	buf_puts(&script, "x6 LOGOUT\r\n");
	peer_open(&w, &p, 143, (char *)script.data, script.len);
	sim_run(w.s);
	/* RFC 3501 7.1.5: "* BAD" where no tag can be read; a bare LF is taken as a line end. */
	assert_got(&p, IMAP_GREETING
	    "x1 BAD Command line too long (at most 8192 octets)\r\n"
	    "* BAD Missing or invalid tag: each command starts with one, as in "
	    "\"a1 NOOP\"\r\n"
	    "x2 BAD Unknown command\r\n"
	    "x3 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Logged in\r\n"
	    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
	    "* 1 EXISTS\r\n"
	    "* 1 RECENT\r\n"
	    "* OK [UNSEEN 1] Message 1 is the first unseen\r\n"
	    "* OK [UIDVALIDITY 1000] UIDs valid\r\n"
	    "* OK [UIDNEXT 2] Predicted next UID\r\n"
	    "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen "
	    "\\Draft)] Flags kept on the server\r\n"
	    "x4 OK [READ-WRITE] SELECT completed\r\n"
	    "x5 BAD Syntax error: expected a space or ) in a list\r\n"
	    "* BYE mail.a.test IMAP4rev1 server logging out\r\n"
	    "x6 OK LOGOUT completed\r\n");
	ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 1);
	assert_no_sessions(&w);
	free(huge);
	buf_free(&script);
	peer_free(&p);
	world_free(&w);
}
END_TEST

/* The connection ends in the middle of a literal, or is reset: the session goes. */
START_TEST(test_imap_closed_mid_literal)
{
	for (int k = 0; k < 2; k++) {
		struct world w = world_new();
		struct peer p;

		peer_open(&w, &p, 143, "a1 LOGIN {10}\r\nu", 0);
		run_ms(&w, 1000);
		ck_assert_ptr_nonnull(w.s->mail->imap->sessions);
		if (k == 0)
			tcp_close(p.c);
		else {
			tcp_abort(p.c);
			p.c = NULL;
		}
		sim_run(w.s);
		assert_no_sessions(&w);
		peer_free(&p);
		world_free(&w);
	}
}
END_TEST

/* How many trace records carry the narration key. */
static int
say_count(struct world *w, const char *key)
{
	const struct trace *tr = sim_trace(w->s);
	int n = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		struct trace_say y;

		if (trace_say_read(tr, trace_at(tr, i).say, &y) &&
		    y.key_len == strlen(key) && memcmp(y.key, key, y.key_len) == 0)
			n++;
	}
	return n;
}

/*
 * The client logs in, opens INBOX, and falls silent (its program hangs,
 * the connection stays up).  The server had no autologout, so the
 * session lived for ever.  RFC 3501 5.4: "the duration of that timer
 * MUST be at least 30 minutes"; 7.1.5: the server says BYE ("Autologout;
 * idle for too long") and closes.  Nothing is lost: the message is still
 * in the mailbox.
 */
START_TEST(test_imap_autologout_after_30_minutes_of_silence)
{
	struct world w = world_new();
	struct peer p;

	fill_u(&w, 1);
	uint64_t t0 = sim_now(w.s);
	peer_open(&w, &p, 143, "a1 LOGIN u pw\r\na2 SELECT INBOX\r\n", 0);
	run_ms(&w, 29 * 60 * 1000);
	/* 29 minutes of silence: the session is still there. */
	ck_assert_ptr_nonnull(w.s->mail->imap->sessions);
	ck_assert_int_eq(p.peer_closed, 0);
	sim_run(w.s);
	ck_assert_ptr_nonnull(strstr((char *)p.got.data, "a2 OK [READ-WRITE]"));
	const char *bye = "* BYE Autologout; idle for too long\r\n";
	ck_assert_uint_ge(p.got.len, strlen(bye));
	ck_assert_msg(memcmp(p.got.data + p.got.len - strlen(bye), bye,
	    strlen(bye)) == 0, "the last response is not the BYE");
	ck_assert_int_eq(p.peer_closed, 1);
	ck_assert_uint_ge(sim_now(w.s) - t0, 30 * 60 * SIM_SEC);
	ck_assert_uint_lt(sim_now(w.s) - t0, 31 * 60 * SIM_SEC);
	ck_assert_int_eq(say_count(&w, "imap.bye.autologout"), 1);
	assert_no_sessions(&w);
	ck_assert_int_eq(box(&w, "u@a.test")->nmsgs, 1);
	peer_free(&p);
	world_free(&w);
}
END_TEST

/*
 * A device fetches from a server that answers for a while and then falls
 * silent (alive, its TCP acknowledging, its program hung).  DNS sends
 * the device to t, where the test runs a scripted server.
 */
static const char silent_json[] =
"{\"surel\":1,\"title\":\"silent\",\"nodes\":["
"{\"id\":\"pc\",\"kind\":\"client\",\"ip\":\"10.0.0.2\",\"resolver\":\"ns\"},"
"{\"id\":\"r\",\"kind\":\"router\",\"ip\":\"10.0.0.254\"},"
"{\"id\":\"srv\",\"kind\":\"server\",\"ip\":\"10.0.0.1\",\"hostname\":\"mail.a.test\","
"\"services\":{\"smtp\":{\"domains\":[\"a.test\"]},\"pop3\":{},\"imap\":{}}},"
"{\"id\":\"ns\",\"kind\":\"server\",\"ip\":\"10.0.0.53\",\"hostname\":\"ns.a.test\","
"\"services\":{\"dns\":{\"records\":["
"{\"name\":\"mail.a.test\",\"type\":\"A\",\"address\":\"10.0.3.1\"}]}}},"
"{\"id\":\"t\",\"kind\":\"server\",\"ip\":\"10.0.3.1\",\"hostname\":\"t.a.test\"}],"
"\"links\":[{\"a\":\"pc\",\"b\":\"r\"},{\"a\":\"srv\",\"b\":\"r\"},"
"{\"a\":\"ns\",\"b\":\"r\"},{\"a\":\"t\",\"b\":\"r\"}],"
"\"accounts\":[{\"address\":\"u@a.test\",\"server\":\"srv\",\"user\":\"u\","
"\"password\":\"pw\"}],"
"\"actions\":[{\"at_ms\":1000,\"node\":\"pc\",\"fetch\":{\"protocol\":\"%s\","
"\"server\":\"srv\",\"user\":\"u\",\"password\":\"pw\"}}]}";

/* A server that answers each command line from a script, then says nothing. */
struct scripted {
	const char *const *reply;	/* [0] the greeting; NULL: silence from there */
	int		 next;
	struct buf	 in;		/* the client's bytes, in full */
	size_t		 used;		/* of in, already answered */
	int		 reset;
};

static void
scripted_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct scripted *sc = u;
	const uint8_t *lf;

	buf_append(&sc->in, p, n);
	while ((lf = memchr(sc->in.data + sc->used, '\n', sc->in.len -
	    sc->used)) != NULL) {
		sc->used = (size_t)(lf - sc->in.data) + 1;
		if (sc->reply[sc->next] == NULL)
			continue;
		tcp_send(c, sc->reply[sc->next], strlen(sc->reply[sc->next]));
		sc->next++;
	}
}

static void
scripted_peer_closed(struct tcp_conn *c, void *u)
{
	(void)u;
	tcp_close(c);
}

static void
scripted_error(struct tcp_conn *c, void *u, enum tcp_err e)
{
	struct scripted *sc = u;

	(void)c;
	sc->reset = e == TCP_ERR_RESET;
}

static const struct tcp_ops scripted_ops = {
	.data = scripted_data,
	.peer_closed = scripted_peer_closed,
	.error = scripted_error,
};

static void
scripted_accept(struct tcp_conn *c, void *u)
{
	struct scripted *sc = u;

	tcp_set_ops(c, &scripted_ops, sc);
	if (sc->reply[0] != NULL)
		tcp_send(c, sc->reply[0], strlen(sc->reply[0]));
	sc->next = 1;
}

/* The world of silent_json fetching by proto, its server at t scripted. */
static struct world
silent_world(const char *proto, struct scripted *sc, uint16_t port)
{
	char *json = xasprintf(silent_json, proto);
	struct world w = world_text(json);

	free(json);
	ck_assert_int_eq(tcp_listen(w.s, scenario_node_index(w.sc, "t"), port,
	    scripted_accept, sc), 0);
	return w;
}

/*
 * The POP3 server answers up to DELE and then falls silent.  The client
 * waited for ever.  Now, after 5 minutes without a byte (RFC 5321
 * 4.5.3.2's values, for want of any in RFC 1939), it gives up with RST
 * and no QUIT: the server never reaches UPDATE (RFC 1939 6), so nothing
 * is deleted there, and the message downloaded whole stays on the device.
 */
START_TEST(test_pop3_client_gives_up_on_a_silent_server)
{
	static const char *const replies[] = {
		"+OK t ready\r\n",
		"+OK\r\n",				/* USER */
		"+OK u's maildrop has 1 message\r\n",	/* PASS */
		"+OK 1 27\r\n",				/* STAT */
		"+OK\r\n1 1000.1\r\n.\r\n",		/* UIDL */
		"+OK 27 octets\r\nSubject: hi\r\n\r\nbody\r\n.\r\n",	/* RETR */
		NULL,					/* DELE: silence */
	};
	struct scripted sc = { .reply = replies };
	struct world w = silent_world("pop3", &sc, 110);

	run_ms(&w, 4 * 60 * 1000);
	ck_assert_ptr_nonnull(w.s->mail->pop3->fetches);	/* still waiting */
	sim_run(w.s);
	ck_assert_ptr_null(w.s->mail->pop3->fetches);
	ck_assert_uint_ge(sim_now(w.s), 5 * 60 * SIM_SEC);
	ck_assert_uint_lt(sim_now(w.s), 6 * 60 * SIM_SEC);
	ck_assert_int_eq(sc.reset, 1);		/* RST, not QUIT */
	buf_putc(&sc.in, '\0');
	ck_assert_ptr_nonnull(strstr((char *)sc.in.data, "DELE 1\r\n"));
	ck_assert_ptr_null(strstr((char *)sc.in.data, "QUIT"));
	ck_assert_int_eq(w.s->mail->devices[w.pc].nmsgs, 1);
	ck_assert_int_eq(state_count(&w, ST_CLIENT_STORE, NULL), 1);
	/* The client's session ends in TRANSACTION: it never sent QUIT. */
	ck_assert_int_eq(state_count(&w, ST_SESSION, "POP3 TRANSACTION -> DONE"),
	    1);
	ck_assert_int_eq(state_count(&w, ST_SESSION, "-> UPDATE"), 0);
	assert_no_sessions(&w);
	buf_free(&sc.in);
	world_free(&w);
}
END_TEST

/*
 * The IMAP server greets, lets the client in, opens INBOX and falls
 * silent at UID SEARCH.  After 5 minutes without a byte the client gives
 * up (RST, no LOGOUT): nothing downloaded, nothing changed on the server.
 */
START_TEST(test_imap_client_gives_up_on_a_silent_server)
{
	static const char *const replies[] = {
		"* OK t ready\r\n",
		"a1 OK Logged in\r\n",
		"* 1 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\na2 OK [READ-WRITE] done\r\n",
		NULL,					/* UID SEARCH: silence */
	};
	struct scripted sc = { .reply = replies };
	struct world w = silent_world("imap", &sc, 143);

	run_ms(&w, 4 * 60 * 1000);
	ck_assert_ptr_nonnull(w.s->mail->imap->clients);	/* still waiting */
	sim_run(w.s);
	ck_assert_ptr_null(w.s->mail->imap->clients);
	ck_assert_uint_ge(sim_now(w.s), 5 * 60 * SIM_SEC);
	ck_assert_uint_lt(sim_now(w.s), 6 * 60 * SIM_SEC);
	ck_assert_int_eq(sc.reset, 1);
	buf_putc(&sc.in, '\0');
	ck_assert_ptr_nonnull(strstr((char *)sc.in.data, "a3 UID SEARCH ALL\r\n"));
	ck_assert_ptr_null(strstr((char *)sc.in.data, "LOGOUT"));
	ck_assert_int_eq(w.s->mail->devices[w.pc].nmsgs, 0);
	assert_no_sessions(&w);
	buf_free(&sc.in);
	world_free(&w);
}
END_TEST

/* ---- DNS ----------------------------------------------------------------- */

/* What pc receives on its UDP port. */
struct catch {
	struct buf	 got[8];
	int		 n;
};

static void
catch_recv(struct sim *s, int node, void *u, uint32_t src, uint16_t sport,
    uint16_t dport, const uint8_t *p, size_t n)
{
	struct catch *c = u;

	(void)s;
	(void)node;
	(void)src;
	(void)sport;
	(void)dport;
	if (c->n < 8)
		buf_append(&c->got[c->n++], p, n);
}

/* A DNS header (RFC 1035 4.1.1) into b. */
static void
dns_hdr(struct buf *b, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
    uint16_t ns, uint16_t ar)
{
	uint8_t h[12];

	put16(h, id);
	put16(h + 2, flags);
	put16(h + 4, qd);
	put16(h + 6, an);
	put16(h + 8, ns);
	put16(h + 10, ar);
	buf_append(b, h, sizeof h);
}

/* The question "mail.a.test A IN" (starts at offset 12). */
static void
dns_question(struct buf *b)
{
	static const uint8_t q[] = { 4, 'm', 'a', 'i', 'l', 1, 'a', 4, 't', 'e',
	    's', 't', 0, 0, 1, 0, 1 };

	buf_append(b, q, sizeof q);
}

/*
 * An answer record whose owner name is a compression loop: "x" then a
 * pointer to 2 octets further on, which points back to the "x" (RFC
 * 1035 4.1.4 allows pointers to prior occurrences only), then A IN.
 */
static void
dns_loop_answer(struct buf *b, int self)
{
	uint8_t rr[32];
	size_t at = b->len, n = 0;

	if (self) {
		/* A pointer to itself. */
		rr[n++] = (uint8_t)(0xc0 | (at >> 8));
		rr[n++] = (uint8_t)at;
	} else {
		rr[n++] = 1;
		rr[n++] = 'x';
		rr[n++] = (uint8_t)(0xc0 | ((at + 4) >> 8));	/* forward, to the next pointer */
		rr[n++] = (uint8_t)(at + 4);
		rr[n++] = (uint8_t)(0xc0 | (at >> 8));	/* back to "x" */
		rr[n++] = (uint8_t)at;
	}
	put16(rr + n, 1);		/* A */
	put16(rr + n + 2, 1);		/* IN */
	put32(rr + n + 4, 60);
	put16(rr + n + 8, 4);
	rr[n + 10] = 10;
	rr[n + 11] = 9;
	rr[n + 12] = 9;
	rr[n + 13] = 9;
	buf_append(b, rr, n + 14);
}

/*
 * Hostile packets at a DNS server (RFC 1035 4.1.1: FORMERR, "the name
 * server was unable to interpret the query", answered when the header
 * can be read; what is not even a header is dropped):
 * - a query with an answer section whose name is a pointer loop, twice;
 * - a header that promises a question and ends;
 * - 5 octets;
 * - a response (QR set), which is no query: dropped.
 * The server stays well: a good query afterwards gets its answer.
 */
START_TEST(test_dns_server_hostile_packets)
{
	struct world w = world_new();
	struct catch c = { 0 };
	uint32_t ns_ip = w.sc->nodes[w.ns].ip;
	struct buf m[6] = { 0 };

	ck_assert_int_eq(udp_bind(w.s, w.pc, 40000, catch_recv, &c), 0);
	dns_hdr(&m[0], 0x1111, 0x0100, 1, 1, 0, 0);
	dns_question(&m[0]);
	dns_loop_answer(&m[0], 0);
	dns_hdr(&m[1], 0x2222, 0x0100, 1, 1, 0, 0);
	dns_question(&m[1]);
	dns_loop_answer(&m[1], 1);
	dns_hdr(&m[2], 0x3333, 0x0100, 1, 0, 0, 0);
	buf_append(&m[3], "\x44\x44\x01\x00\x00", 5);
	dns_hdr(&m[4], 0x5555, 0x8180, 1, 0, 0, 0);
	dns_question(&m[4]);
	dns_hdr(&m[5], 0x6666, 0x0100, 1, 0, 0, 0);
	dns_question(&m[5]);
	for (int i = 0; i < 6; i++) {
		udp_send(w.s, w.pc, 40000, ns_ip, 53, m[i].data, m[i].len);
		sim_run(w.s);
	}
	ck_assert_int_eq(c.n, 4);
	uint16_t ids[3] = { 0x1111, 0x2222, 0x3333 };
	for (int i = 0; i < 3; i++) {
		const uint8_t *r = c.got[i].data;

		ck_assert_uint_ge(c.got[i].len, 12);
		ck_assert_uint_eq(get16(r), ids[i]);
		ck_assert_uint_eq(r[2] & 0x80, 0x80);		/* QR */
		ck_assert_uint_eq(r[3] & 0x0f, 1);		/* FORMERR */
		ck_assert_uint_eq(get16(r + 6), 0);		/* no answer */
	}
	/* The good query: NOERROR, one answer, 10.0.0.1. */
	const uint8_t *r = c.got[3].data;
	ck_assert_uint_eq(get16(r), 0x6666);
	ck_assert_uint_eq(r[3] & 0x0f, 0);
	ck_assert_uint_eq(get16(r + 6), 1);
	ck_assert_uint_eq(get32(r + c.got[3].len - 4), 0x0a000001);
	for (int i = 0; i < 6; i++)
		buf_free(&m[i]);
	for (int i = 0; i < c.n; i++)
		buf_free(&c.got[i]);
	world_free(&w);
}
END_TEST

struct lookup {
	int		 calls;
	struct dns_answer ans;
};

static void
lookup_cb(struct sim *s, void *u, const struct dns_answer *a)
{
	struct lookup *l = u;

	(void)s;
	l->calls++;
	l->ans = *a;
}

/* The source port and ID of the last UDP query pc sent. */
static void
last_query(struct world *w, uint16_t *port, uint16_t *id)
{
	const struct trace *tr = sim_trace(w->s);

	*port = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind != TR_FRAME_TX || r.node != w->pc || r.a != 1)
			continue;
		const uint8_t *p = trace_frame_bytes(tr, r.frame);
		if (p[23] != 17)
			continue;
		*port = get16(p + 34);
		*id = get16(p + 42);
	}
	ck_assert_uint_ne(*port, 0);
}

/* UDP frames pc has sent. */
static int
udp_queries(struct world *w)
{
	const struct trace *tr = sim_trace(w->s);
	int n = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind == TR_FRAME_TX && r.node == w->pc && r.a == 1 &&
		    trace_frame_bytes(tr, r.frame)[23] == 17)
			n++;
	}
	return n;
}

/* A "response" from ns to the stub's port: matching ID and question, then bad. */
static void
inject(struct world *w, uint16_t sport, uint16_t port, uint16_t id, int kind)
{
	struct buf b = { 0 };

	switch (kind) {
	case 0:		/* a pointer loop in the answer */
		dns_hdr(&b, id, 0x8580, 1, 1, 0, 0);
		dns_question(&b);
		dns_loop_answer(&b, 0);
		break;
	case 1:		/* a pointer to itself */
		dns_hdr(&b, id, 0x8580, 1, 1, 0, 0);
		dns_question(&b);
		dns_loop_answer(&b, 1);
		break;
	case 2:		/* cut in the middle of the answer */
		dns_hdr(&b, id, 0x8580, 1, 1, 0, 0);
		dns_question(&b);
		buf_append(&b, "\xc0\x0c\x00\x01\x00", 5);
		break;
	default:	/* cut in the header */
		buf_append(&b, "\x00\x00\x85", 3);
		put16(b.data, id);
		break;
	}
	udp_send(w->s, w->ns, sport, w->sc->nodes[w->pc].ip, port, b.data,
	    b.len);
	buf_free(&b);
}

/*
 * The stub resolver gets, from its resolver's address and port, with the
 * right ID and question, answers it cannot read (a pointer loop, a
 * pointer to itself, a record cut short, a header cut short).  It
 * ignores them (RFC 1035 4.1.4 pointers only point back; RFC 5452 9.1:
 * only a valid answer ends a query) and takes the real answer that
 * follows.
 */
START_TEST(test_dns_stub_ignores_bad_answers)
{
	struct world w = world_new();
	struct lookup l = { 0 };
	uint16_t port, id;

	dns_query(w.s, w.pc, "mail.a.test", DNS_T_A, lookup_cb, &l);
	run_ms(&w, 1);		/* the query is on its way */
	last_query(&w, &port, &id);
	for (int k = 0; k < 4; k++)
		inject(&w, 53, port, id, k);
	run_ms(&w, 14);		/* they arrive before the real answer */
	ck_assert_int_eq(l.calls, 0);
	sim_run(w.s);
	ck_assert_int_eq(l.calls, 1);
	ck_assert_int_eq(l.ans.status, DNS_OK);
	ck_assert_int_eq(l.ans.n, 1);
	ck_assert_uint_eq(l.ans.rr[0].rd.a, 0x0a000001);
	world_free(&w);
}
END_TEST

/*
 * The same when the resolver itself never answers (its DNS service is
 * on another port than the one the stub asks): only bad answers come
 * back, for every try.  The stub retries (DNS_STUB_TRIES queries) and
 * then fails the lookup; it never takes a bad answer for one.
 */
START_TEST(test_dns_stub_times_out_on_bad_answers)
{
	struct world w = world_new();
	struct lookup l = { 0 };

	/* The stub now asks port 5353 of ns, where nothing listens. */
	w.sc->nodes[w.ns].dns.port = 5353;
	dns_query(w.s, w.pc, "mail.a.test", DNS_T_A, lookup_cb, &l);
	int tries = 0;
	for (int step = 0; step < 20000 && l.calls == 0; step++) {
		uint16_t port, id;

		run_ms(&w, 1);
		if (udp_queries(&w) == tries)
			continue;
		/* A new try went out: answer it with every kind of bad packet. */
		tries = udp_queries(&w);
		last_query(&w, &port, &id);
		for (int k = 0; k < 4; k++)
			inject(&w, 5353, port, id, k);
	}
	ck_assert_int_eq(l.calls, 1);
	ck_assert_int_eq(l.ans.status, DNS_FAIL);
	/* Every try went out: the bad answers ended none of them early. */
	ck_assert_int_eq(tries, DNS_STUB_TRIES);
	ck_assert_int_eq(udp_queries(&w), DNS_STUB_TRIES);
	ck_assert_uint_ge(sim_now(w.s), (DNS_STUB_TRIES) * DNS_STUB_TIMEOUT_NS);
	w.sc->nodes[w.ns].dns.port = 53;
	world_free(&w);
}
END_TEST

Suite *
hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("peers");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_smtp_command_line_limits);
	tcase_add_test(tc, test_smtp_text_line_and_size_limits);
	tcase_add_test(tc, test_bug_smtp_smuggling_bare_lf_dot);
	tcase_add_test(tc, test_smtp_bare_lf_lines);
	tcase_add_test(tc, test_bug_smtp_nul_in_command);
	tcase_add_test(tc, test_smtp_pipelined_garbage);
	tcase_add_test(tc, test_smtp_data_never_ends_then_close);
	tcase_add_test(tc, test_smtp_data_never_ends_then_reset);
	tcase_add_test(tc, test_smtp_data_never_ends_server_times_out);
	tcase_add_test(tc, test_bug_smtp_half_open_session_never_freed);
	tcase_add_test(tc, test_smtp_closed_mid_message);
	tcase_add_test(tc, test_bug_tcp_fin_wait_2_never_ends);
	tcase_add_test(tc, test_queue_keeps_message_receiver_off_mid_data);
	tcase_add_test(tc, test_queue_keeps_message_link_cut_mid_data);
	tcase_add_test(tc, test_bug_smtp_client_waits_forever_for_silent_server);
	tcase_add_test(tc, test_pop3_line_limits);
	tcase_add_test(tc, test_pop3_garbage_nul_and_bare_lf);
	tcase_add_test(tc, test_pop3_closed_mid_session_removes_nothing);
	tcase_add_test(tc, test_bug_pop3_half_open_session_keeps_maildrop_locked);
	tcase_add_test(tc, test_imap_literal_lies_about_its_length);
	tcase_add_test(tc, test_imap_literal_of_ten_gigabytes);
	tcase_add_test(tc, test_imap_garbage_long_lines_nul);
	tcase_add_test(tc, test_imap_closed_mid_literal);
	tcase_add_test(tc, test_imap_autologout_after_30_minutes_of_silence);
	tcase_add_test(tc, test_pop3_client_gives_up_on_a_silent_server);
	tcase_add_test(tc, test_imap_client_gives_up_on_a_silent_server);
	tcase_add_test(tc, test_dns_server_hostile_packets);
	tcase_add_test(tc, test_dns_stub_ignores_bad_answers);
	tcase_add_test(tc, test_dns_stub_times_out_on_bad_answers);
	suite_add_tcase(s, tc);
	return s;
}
