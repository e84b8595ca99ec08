/*
 * smtp_server.c: the receiving side of SMTP (RFC 5321), message
 * submission (RFC 6409, with AUTH PLAIN and LOGIN, RFC 4954) and LMTP
 * (RFC 2033), one session per TCP connection.
 *
 * The shape is OpenSMTPD's smtp_session.c: a commands[] table pairs each
 * verb with a check (sends the error reply and returns 0 when the
 * command may not run now) and a proceed (does the work).  The session
 * keeps no state the table does not name.
 *
 * Policy, as a teacher would expect it:
 * - mail for our own domains is accepted only for mailboxes that exist
 *   (550 5.1.1 otherwise: RFC 5321 says a server SHOULD check at RCPT);
 * - mail for other domains only from an authenticated user or from a
 *   server that names us as its relay_via (554 5.7.1 otherwise: we are
 *   no open relay, RFC 5321 3.6.1 / RFC 2505);
 * - a message that has crossed max_hops servers is refused, 554 5.4.6
 *   (RFC 5321 6.3: loop detection by counting Received: fields);
 * - postmaster@ of our domains and a bare <Postmaster> are always taken
 *   (RFC 5321 4.5.1, RFC 2142): they go to the account the smtp
 *   service names as "postmaster", or else to the first account of the
 *   domain (postmaster_box());
 * - an address literal, "user@[10.2.0.25]", is valid syntax (RFC 5321
 *   4.1.3) but not taken: 550 5.7.1, a policy, as Postfix refuses what
 *   it does not route;
 * - a recipient named twice is delivered once.
 *
 * Hostile input, as RFC 5321 asks:
 * - only <CRLF>.<CRLF> ends the data (4.1.1.4: "<LF>.<LF>" MUST NOT
 *   be taken for it), so no second message can be smuggled inside the
 *   first: "<LF>.<LF>" is a line "." of the message.  Other lines that
 *   end in a bare LF are taken as if they ended in CRLF, as Postfix's
 *   smtpd_forbid_bare_newline=normalize does: RFC 5321 2.3.8 allows
 *   CRLF only, but real programs (Python's smtplib given bytes) send
 *   bare LFs, and refusing them would lose their mail;
 * - a command line over 512 octets (4.5.3.1.4) gets 500, a text line
 *   over 1000 (4.5.3.1.6) makes the message refused at its end, with
 *   554 5.6.0: 4.3.2 allows no 500 after the final dot;
 * - a NUL in a command line gets 500;
 * - a client silent for 5 minutes (4.5.3.2.7) gets 421 and the
 *   connection is closed: a half-open connection (the client's machine
 *   or link gone) does not hold a session for ever.
 */
#include "base64.h"
#include "linebuf.h"
#include "mail.h"
#include "mime.h"
#include "session.h"
#include "smtp_wire.h"
#include "tcp.h"
#include "world.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RCPT	100		/* RFC 5321 4.5.3.1.8: at least 100 */
#define IDLE_NS		(5 * 60 * SIM_SEC)	/* RFC 5321 4.5.3.2.7 */
#define SMTP_HARD_ERRORS 20	/* 5yz replies before 421 and close (Postfix's default) */

enum srv_kind {
	SRV_SMTP,
	SRV_SUBMIT,
	SRV_LMTP,
};

/*
 * The order of RFC 5321 4.1.4 (and 3.3): a greeting, EHLO, then any
 * number of transactions of MAIL, RCPT..., DATA; AUTH (RFC 4954 4)
 * only between transactions.  Each state is what the server waits for.
 */
enum srv_state {
	SS_CONNECTED,		/* greeting sent, waiting for EHLO/HELO/LHLO */
	SS_READY,		/* after EHLO: a transaction may start */
	SS_MAIL,		/* after MAIL FROM */
	SS_RCPT,		/* after at least one accepted RCPT TO */
	SS_DATA,		/* reading the message */
	SS_AUTH_PLAIN,		/* waiting for the PLAIN response */
	SS_AUTH_USER,		/* LOGIN: waiting for the user name */
	SS_AUTH_PASS,		/* LOGIN: waiting for the password */
	SS_QUIT,		/* the session is over */
	SS_NSTATES
};

static const char *const srv_state_names[SS_NSTATES] = {
	"CONNECTED", "READY", "MAIL", "RCPT", "DATA", "AUTH-PLAIN",
	"AUTH-USER", "AUTH-PASS", "CLOSED",
};

static const char *const smtp_state_keys[SS_NSTATES] = {
	"session.smtp_server.connected",
	"session.smtp_server.ready",
	"session.smtp_server.mail",
	"session.smtp_server.rcpt",
	"session.smtp_server.data",
	"session.smtp_server.auth_plain",
	"session.smtp_server.auth_user",
	"session.smtp_server.auth_pass",
	"session.smtp_server.closed",
};

/* LMTP's states are SMTP's but for its greeting, LHLO (RFC 2033 4.1), and no AUTH. */
static const char *const lmtp_state_keys[SS_NSTATES] = {
	"session.lmtp_server.connected",
	"session.smtp_server.ready",
	"session.smtp_server.mail",
	"session.smtp_server.rcpt",
	"session.smtp_server.data",
	"session.smtp_server.auth_plain",
	"session.smtp_server.auth_user",
	"session.smtp_server.auth_pass",
	"session.smtp_server.closed",
};

struct smtp_sess {
	struct msess	 m;		/* first: the skeleton (session.h) */
	enum srv_kind	 kind;
	char		 helo[256];
	int		 esmtp;
	int		 authenticated;
	char		 auth_login_user[256];
	int		 trusted;	/* the peer names us as its relay_via */
	char		*sender;
	char		**rcpt;
	int		 nrcpt;
	struct buf	 data;
	int		 data_too_long_line;
	int		 data_crlf;	/* the last line of the message ended in CRLF */
	int		 nerrors;	/* 5yz replies so far */
};

static const struct sc_node *
cfg(const struct smtp_sess *ss)
{
	return &ss->m.s->sc->nodes[ss->m.node];
}

static const char *
hostname(const struct smtp_sess *ss)
{
	return cfg(ss)->hostname;
}

/*
 * The key of a reply that needs no more words than its code: the
 * classes of RFC 5321 4.2.1 (2yz done, 4yz try again, 5yz refused).
 */
static const char *
class_key(const struct smtp_sess *ss, int code)
{
	int lmtp = ss->kind == SRV_LMTP;

	if (code >= 500)
		return lmtp ? "lmtp.reply.5xx" : "smtp.reply.5xx";
	if (code >= 400)
		return lmtp ? "lmtp.reply.4xx" : "smtp.reply.4xx";
	return lmtp ? "lmtp.reply.2xx" : "smtp.reply.2xx";
}

/* An SMTP key that LMTP has under its own name, or NULL where it has none. */
#define SK(ss, k)	((ss)->kind == SRV_LMTP ? "lmtp." k : "smtp." k)
#define SMTP_ONLY(ss, k) ((ss)->kind == SRV_LMTP ? NULL : "smtp." k)

/*
 * Send one reply and put it in the trace as one application message.
 * Each side records what it sends, when it sends it: the client its
 * commands (smtp_client.c), the server its replies.  y is the
 * narration the caller began, with what only it knows (the address the
 * reply is about, where the message goes next); here {code} and {reply}
 * (the first line: "550 5.1.1 <x>: ...") are added.
 */
static void
reply_say(struct smtp_sess *ss, struct say *y, int code, const char *enh,
    const char *text)
{
	struct buf b = { 0 }, shown = { 0 };

	smtp_reply(&b, code, enh, text);
	/* The trace keeps "S: " and the reply's lines, separated by '\n'. */
	buf_puts(&shown, "S: ");
	for (size_t i = 0; i < b.len; i++) {
		if (b.data[i] == '\r')
			continue;
		if (b.data[i] == '\n' && i + 1 < b.len)
			buf_puts(&shown, "\n");
		else if (b.data[i] != '\n')
			buf_putc(&shown, b.data[i]);
	}
	const char *first = (const char *)shown.data + 3;
	size_t fl = strcspn(first, "\n");
	struct buf line = { 0 };
	buf_printf(&line, "%d %.*s", code, (int)(fl > 4 ? fl - 4 : 0),
	    fl > 4 ? first + 4 : "");
	say_num(y, "code", code);
	say_strn(y, "reply", (const char *)line.data, line.len);
	if (code >= 500)
		ss->nerrors++;
	msess_send(&ss->m, b.data, b.len, (char *)shown.data, shown.len,
	    sim_say(ss->m.s, y));
	buf_free(&line);
	buf_free(&b);
	buf_free(&shown);
}

/* A reply whose narration is key alone (NULL: the key of its class). */
static void
reply(struct smtp_sess *ss, const char *key, int code, const char *enh,
    const char *text)
{
	struct say y;

	say_begin(&y, key ? key : class_key(ss, code));
	reply_say(ss, &y, code, enh, text);
}

static void
replyf(struct smtp_sess *ss, struct say *y, int code, const char *enh,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A reply with a formatted text; y as for reply_say(), or NULL: its class. */
static void
replyf(struct smtp_sess *ss, struct say *y, int code, const char *enh,
    const char *fmt, ...)
{
	struct buf b = { 0 };
	struct say plain;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (y == NULL) {
		y = &plain;
		say_begin(y, class_key(ss, code));
	}
	reply_say(ss, y, code, enh, (char *)b.data);
	buf_free(&b);
}

/* A narration that is its key alone (NULL: the key of the reply's class). */
static struct say *
say_key(struct smtp_sess *ss, struct say *y, const char *key, int code)
{
	say_begin(y, key ? key : class_key(ss, code));
	return y;
}

/* A narration that names an address: {to} (and its {domain}) or {from}. */
static struct say *
say_addr(struct say *y, const char *key, const char *name, const char *addr)
{
	say_begin(y, key);
	say_str(y, name, addr);
	if (strcmp(name, "to") == 0)
		say_str(y, "domain", smtp_addr_domain(addr));
	return y;
}

static void
transaction_reset(struct smtp_sess *ss)
{
	free(ss->sender);
	ss->sender = NULL;
	for (int i = 0; i < ss->nrcpt; i++)
		free(ss->rcpt[i]);
	free(ss->rcpt);
	ss->rcpt = NULL;
	ss->nrcpt = 0;
	buf_free(&ss->data);
	ss->data_too_long_line = 0;
}

/*
 * The mailbox that takes mail for addr when addr is a postmaster that
 * no account of that name holds (RFC 5321 4.5.1: "MUST support the
 * reserved mailbox postmaster"; RFC 2142), else NULL.  Where it goes is
 * the scenario's to say: the smtp service's "postmaster" account, or
 * else the first account of that domain (the first of the server's
 * domains for a bare <Postmaster>).  An LMTP server without an smtp
 * service takes its own first mailbox of the domain.
 */
static struct mailbox *
postmaster_box(struct smtp_sess *ss, const char *addr)
{
	struct sim *s = ss->m.s;
	const struct sc_smtp *c = &cfg(ss)->smtp;
	int lmtp = ss->kind == SRV_LMTP;
	int mbnode = lmtp ? ss->m.node : mta_mailbox_node(s, ss->m.node);
	const char *d = strchr(addr, '@') ? smtp_addr_domain(addr) : NULL;

	if (!smtp_is_postmaster(addr) || mailstore_has(s, mbnode, addr))
		return NULL;
	if (d != NULL && !lmtp && !mta_is_local_domain(s, ss->m.node, addr))
		return NULL;	/* someone else's postmaster: relayed as any */
	if (c->present && c->postmaster != NULL)
		return mailstore_by_address(s, mbnode, c->postmaster);
	if (d == NULL && c->present && c->ndomains > 0)
		d = c->domains[0];
	for (int i = 0; i < s->mail->nboxes; i++) {
		struct mailbox *mb = &s->mail->boxes[i];

		if (mb->node == mbnode && (d == NULL ||
		    smtp_same(smtp_addr_domain(mb->address), d)))
			return mb;
	}
	return NULL;
}

/* ---- checks ------------------------------------------------------ */

static int
check_greeted(struct smtp_sess *ss, struct smtp_cmd *c)
{
	(void)c;
	if (ss->m.state == SS_CONNECTED) {
		reply(ss, NULL, 503, "5.5.1", ss->kind == SRV_LMTP ?
		    "Error: send LHLO first" : "Error: send HELO/EHLO first");
		return 0;
	}
	return 1;
}

static int
check_mail(struct smtp_sess *ss, struct smtp_cmd *c)
{
	const struct sc_node *n = cfg(ss);
	struct say y;

	if (!check_greeted(ss, c))
		return 0;
	if (ss->m.state != SS_READY) {
		reply(ss, NULL, 503, "5.5.1", "Error: nested MAIL command");
		return 0;
	}
	if (ss->kind == SRV_SUBMIT && n->submission.require_auth &&
	    !ss->authenticated) {
		reply(ss, SMTP_ONLY(ss, "auth_required"), 530, "5.7.0",
		    "Authentication required");
		return 0;
	}
	if (smtp_addr_is_literal(c->addr)) {
		/*
		 * RFC 5321 4.1.3: valid syntax, but no name to look up or
		 * bounce to: refused as a policy (4.3.2 allows 550 to MAIL).
		 */
		replyf(ss, NULL, 550, "5.7.1", "<%s>: Sender address rejected: "
		    "address literals are not accepted here", c->addr);
		return 0;
	}
	if (c->has_size && n->smtp.present && c->size > n->smtp.max_size) {
		replyf(ss, say_key(ss, &y, SMTP_ONLY(ss, "too_big"), 552), 552,
		    "5.3.4", "Message size exceeds fixed limit "
		    "of %llu bytes", (unsigned long long)n->smtp.max_size);
		return 0;
	}
	return 1;
}

static int
check_rcpt(struct smtp_sess *ss, struct smtp_cmd *c)
{
	struct say y;

	if (!check_greeted(ss, c))
		return 0;
	if (ss->m.state != SS_MAIL && ss->m.state != SS_RCPT) {
		reply(ss, NULL, 503, "5.5.1", "Error: need MAIL command");
		return 0;
	}
	if (ss->nrcpt >= MAX_RCPT) {
		reply(ss, NULL, 452, "4.5.3", "Error: too many recipients");
		return 0;
	}
	struct sim *s = ss->m.s;
	if (smtp_addr_is_literal(c->addr)) {
		/*
		 * RFC 5321 4.1.3: "user@[10.2.0.25]" is valid syntax (no 501);
		 * we route by names only, so it is refused as a policy.
		 */
		replyf(ss, NULL, 550, "5.7.1", "<%s>: Recipient address "
		    "rejected: address literals are not accepted here",
		    c->addr);
		return 0;
	}
	if (smtp_is_postmaster(c->addr) && (strchr(c->addr, '@') == NULL ||
	    ss->kind == SRV_LMTP || mta_is_local_domain(s, ss->m.node,
	    c->addr))) {
		/* RFC 5321 4.5.1: postmaster MUST be accepted. */
		int mbnode = ss->kind == SRV_LMTP ? ss->m.node :
		    mta_mailbox_node(s, ss->m.node);

		if (mailstore_has(s, mbnode, c->addr) ||
		    postmaster_box(ss, c->addr) != NULL)
			return 1;
		replyf(ss, say_addr(&y, SK(ss, "rcpt_unknown_user"), "to",
		    c->addr), 550, "5.1.1", "<%s>: Recipient address "
		    "rejected: no mailbox takes postmaster mail here", c->addr);
		return 0;
	}
	if (ss->kind == SRV_LMTP) {
		if (!mailstore_has(s, ss->m.node, c->addr)) {
			replyf(ss, say_addr(&y, "lmtp.rcpt_unknown_user", "to",
			    c->addr), 550, "5.1.1", "<%s>: Recipient address "
			    "rejected: no such mailbox here", c->addr);
			return 0;
		}
		return 1;
	}
	if (mta_is_local_domain(s, ss->m.node, c->addr)) {
		if (!mailstore_has(s, mta_mailbox_node(s, ss->m.node), c->addr)) {
			replyf(ss, say_addr(&y, "smtp.rcpt_unknown_user", "to",
			    c->addr), 550, "5.1.1", "<%s>: Recipient address "
			    "rejected: User unknown in this domain", c->addr);
			return 0;
		}
		return 1;
	}
	if (!ss->authenticated && !ss->trusted) {
		/* Not our domain, and a stranger asks: RFC 5321 3.6.1. */
		replyf(ss, say_addr(&y, "smtp.relay_denied", "to", c->addr),
		    554, "5.7.1", "<%s>: Relay access denied", c->addr);
		return 0;
	}
	return 1;
}

static int
check_data(struct smtp_sess *ss, struct smtp_cmd *c)
{
	if (!check_greeted(ss, c))
		return 0;
	if (ss->m.state == SS_MAIL) {
		reply(ss, NULL, 554, "5.5.1", "Error: no valid recipients");
		return 0;
	}
	if (ss->m.state != SS_RCPT) {
		reply(ss, NULL, 503, "5.5.1", "Error: need RCPT command");
		return 0;
	}
	return 1;
}

static int
check_auth(struct smtp_sess *ss, struct smtp_cmd *c)
{
	if (ss->kind != SRV_SUBMIT) {
		reply(ss, NULL, 502, "5.5.1", "Error: authentication not enabled "
		    "on this port");
		return 0;
	}
	if (!check_greeted(ss, c))
		return 0;
	if (ss->authenticated) {
		reply(ss, NULL, 503, "5.5.1", "Error: already authenticated");
		return 0;
	}
	if (ss->m.state != SS_READY) {
		reply(ss, NULL, 503, "5.5.1", "Error: MAIL transaction in progress");
		return 0;
	}
	if (strcmp(c->auth_mech, "PLAIN") != 0 &&
	    strcmp(c->auth_mech, "LOGIN") != 0) {
		reply(ss, NULL, 504, "5.5.4", "Unrecognized authentication type");
		return 0;
	}
	return 1;
}

static int
check_any(struct smtp_sess *ss, struct smtp_cmd *c)
{
	(void)ss;
	(void)c;
	return 1;
}

/* ---- proceeds ---------------------------------------------------- */

static void
proceed_ehlo(struct smtp_sess *ss, struct smtp_cmd *c)
{
	const struct sc_node *n = cfg(ss);
	int lmtp = ss->kind == SRV_LMTP;

	if (lmtp != (c->verb == SMTP_LHLO)) {
		/* RFC 2033 4.1: LMTP has LHLO and no HELO/EHLO; SMTP the reverse. */
		reply(ss, NULL, 500, "5.5.1", lmtp ? "Error: this is LMTP, send LHLO" :
		    "Error: LHLO is LMTP, send EHLO");
		return;
	}
	/* Keep what fits: the name only goes into our Received: line. */
	size_t hn = strlen(c->arg) < sizeof ss->helo - 1 ? strlen(c->arg) :
	    sizeof ss->helo - 1;
	memcpy(ss->helo, c->arg, hn);
	ss->helo[hn] = '\0';
	transaction_reset(ss);
	if (c->verb == SMTP_HELO) {
		ss->esmtp = 0;
		reply(ss, "smtp.helo_reply", 250, NULL, hostname(ss));
		msess_enter_state(&ss->m, SS_READY);
		return;
	}
	ss->esmtp = 1;
	struct buf b = { 0 };
	buf_printf(&b, "%s greets %s\nPIPELINING\n", hostname(ss), c->arg);
	if (n->smtp.present)
		buf_printf(&b, "SIZE %llu\n",
		    (unsigned long long)n->smtp.max_size);
	buf_puts(&b, "8BITMIME\n");
	if (ss->kind == SRV_SUBMIT)
		buf_puts(&b, "AUTH PLAIN LOGIN\n");
	buf_puts(&b, "ENHANCEDSTATUSCODES");
	/* {value}: the extensions, the lines after the first (RFC 5321 4.1.1.1). */
	struct buf ext = { 0 };
	for (const char *p = strchr((char *)b.data, '\n'); p != NULL;
	    p = strchr(p + 1, '\n'))
		buf_printf(&ext, "%s%.*s", ext.len ? ", " : "",
		    (int)strcspn(p + 1, "\n"), p + 1);
	struct say y;
	say_begin(&y, lmtp ? "lmtp.lhlo_reply" : "smtp.ehlo_reply");
	say_str(&y, "value", (char *)ext.data);
	reply_say(ss, &y, 250, NULL, (char *)b.data);
	buf_free(&ext);
	buf_free(&b);
	msess_enter_state(&ss->m, SS_READY);
}

static void
proceed_mail(struct smtp_sess *ss, struct smtp_cmd *c)
{
	struct say y;

	ss->sender = xstrdup(c->addr);
	/* RFC 5321 4.5.5: the null reverse-path <> is a bounce's. */
	if (c->addr[0] == '\0')
		say_begin(&y, SK(ss, "mail_ok_null"));
	else
		say_addr(&y, SK(ss, "mail_ok"), "from", c->addr);
	reply_say(ss, &y, 250, "2.1.0", "Ok");
	msess_enter_state(&ss->m, SS_MAIL);
}

static void
proceed_rcpt(struct smtp_sess *ss, struct smtp_cmd *c)
{
	struct mailbox *pm = postmaster_box(ss, c->addr);
	/* A postmaster becomes the account that takes its mail, as an alias does. */
	const char *to = pm != NULL ? pm->address : c->addr;
	int dup = 0;

	for (int i = 0; i < ss->nrcpt; i++)
		dup |= smtp_same(ss->rcpt[i], to);
	/*
	 * A recipient named twice gets one copy: SMTP forgets the second
	 * (nothing after DATA is per recipient); LMTP keeps it, because
	 * RFC 2033 4.2 owes one reply per accepted RCPT, and delivers once
	 * (data_done()).
	 */
	if (!dup || ss->kind == SRV_LMTP) {
		ss->rcpt = xrealloc(ss->rcpt, (size_t)(ss->nrcpt + 1) *
		    sizeof *ss->rcpt);
		ss->rcpt[ss->nrcpt++] = xstrdup(to);
	}
	struct say y;
	say_addr(&y, pm != NULL ? SK(ss, "rcpt_postmaster") : SK(ss, "rcpt_ok"),
	    "to", c->addr);
	if (pm != NULL)
		say_str(&y, "value", pm->address);
	reply_say(ss, &y, 250, "2.1.5", "Ok");
	msess_enter_state(&ss->m, SS_RCPT);
}

static void
proceed_data(struct smtp_sess *ss, struct smtp_cmd *c)
{
	(void)c;
	buf_free(&ss->data);
	/* The DATA line itself ended in CRLF: a "." right after it ends the data. */
	ss->data_crlf = 1;
	reply(ss, SK(ss, "data_go_ahead"), 354, NULL,
	    "End data with <CR><LF>.<CR><LF>");
	msess_enter_state(&ss->m, SS_DATA);
}

static void
proceed_rset(struct smtp_sess *ss, struct smtp_cmd *c)
{
	(void)c;
	transaction_reset(ss);
	reply(ss, NULL, 250, "2.0.0", "Ok");
	if (ss->m.state != SS_CONNECTED)
		msess_enter_state(&ss->m, SS_READY);
}

static void
proceed_noop(struct smtp_sess *ss, struct smtp_cmd *c)
{
	(void)c;
	reply(ss, NULL, 250, "2.0.0", "Ok");
}

static void
proceed_quit(struct smtp_sess *ss, struct smtp_cmd *c)
{
	(void)c;
	reply(ss, SK(ss, "bye"), 221, "2.0.0", "Bye");
	msess_enter_state(&ss->m, SS_QUIT);
	msess_close(&ss->m);
}

static void
proceed_vrfy(struct smtp_sess *ss, struct smtp_cmd *c)
{
	(void)c;
	/* RFC 5321 3.5.3: 252 when the server will not say (it would help spammers). */
	reply(ss, NULL, 252, "2.5.2", "Cannot VRFY user, but will accept message "
	    "and attempt delivery");
}

static void
proceed_help(struct smtp_sess *ss, struct smtp_cmd *c)
{
	(void)c;
	reply(ss, NULL, 214, "2.0.0", ss->kind == SRV_LMTP ?
	    "Commands: LHLO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP" :
	    "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP AUTH");
}

/* Does user/password belong to an account this provider serves? */
static int
auth_ok(struct smtp_sess *ss, const char *user, const char *pass)
{
	const struct scenario *sc = ss->m.s->sc;
	int mbnode = mta_mailbox_node(ss->m.s, ss->m.node);

	/* The boxes of that user name only (mail.c's hash), not every account. */
	size_t it = 0;
	for (int i; (i = hmap_next(&ss->m.s->mail->box_by_user, hash_str(user),
	    &it)) >= 0; ) {
		const struct sc_account *a = &sc->accounts[i];

		if (a->server != ss->m.node && a->server != mbnode &&
		    !mta_is_local_domain(ss->m.s, ss->m.node, a->address))
			continue;
		/* The mailbox's password: a "password" action may change it. */
		if (strcmp(a->user, user) == 0 &&
		    strcmp(ss->m.s->mail->boxes[i].password, pass) == 0)
			return 1;
	}
	return 0;
}

static void
auth_result(struct smtp_sess *ss, int ok, const char *user)
{
	struct say y;

	if (ok) {
		ss->authenticated = 1;
		say_begin(&y, "smtp.auth_ok");
		say_str(&y, "user", user);
		replyf(ss, &y, 235, "2.7.0", "Authentication successful (%s)",
		    user);
	} else
		reply(ss, "smtp.auth_failed", 535, "5.7.8",
		    "Error: authentication failed");
	msess_enter_state(&ss->m, SS_READY);
}

/* RFC 4616: the PLAIN response is base64 of authzid NUL authcid NUL passwd. */
static void
auth_plain(struct smtp_sess *ss, const char *b64)
{
	struct buf d = { 0 };

	if (strcmp(b64, "*") == 0) {
		reply(ss, NULL, 501, "5.7.0", "Authentication cancelled");
		msess_enter_state(&ss->m, SS_READY);
		return;
	}
	if (strcmp(b64, "=") == 0 || b64[0] == '\0') {
		/*
		 * RFC 4954 4: "=" is an initial response "present, but
		 * contains no data" (after a 334, an empty line is the same).
		 * It decodes, so no 501; an empty PLAIN message names nobody
		 * (RFC 4616 2), so the authentication fails: 535.
		 */
		auth_result(ss, 0, "");
		return;
	}
	if (b64_decode(b64, strlen(b64), &d) != 0 || d.len == 0) {
		reply(ss, NULL, 501, "5.5.2", "Cannot decode response");
		msess_enter_state(&ss->m, SS_READY);
		buf_free(&d);
		return;
	}
	const char *p = (const char *)d.data, *end = p + d.len;
	const char *nul1 = memchr(p, '\0', d.len);
	const char *nul2 = nul1 ? memchr(nul1 + 1, '\0',
	    (size_t)(end - nul1 - 1)) : NULL;
	if (nul2 == NULL) {
		reply(ss, NULL, 501, "5.5.2", "Invalid PLAIN response");
		msess_enter_state(&ss->m, SS_READY);
		buf_free(&d);
		return;
	}
	char *user = xstrndup(nul1 + 1, (size_t)(nul2 - nul1 - 1));
	char *pass = xstrndup(nul2 + 1, (size_t)(end - nul2 - 1));
	auth_result(ss, auth_ok(ss, user, pass), user);
	free(user);
	free(pass);
	buf_free(&d);
}

static void
proceed_auth(struct smtp_sess *ss, struct smtp_cmd *c)
{
	if (strcmp(c->auth_mech, "PLAIN") == 0) {
		if (c->auth_initial[0] != '\0') {
			auth_plain(ss, c->auth_initial);
			return;
		}
		reply(ss, "smtp.auth_challenge", 334, NULL, "");
		msess_enter_state(&ss->m, SS_AUTH_PLAIN);
		return;
	}
	/* LOGIN: "Username:" and "Password:", base64-encoded challenges. */
	if (c->auth_initial[0] != '\0') {
		struct buf d = { 0 };
		/* RFC 4954 4: "=" is an empty initial response: an empty name. */
		if (strcmp(c->auth_initial, "=") != 0 &&
		    (b64_decode(c->auth_initial, strlen(c->auth_initial), &d) ||
		    d.len >= sizeof ss->auth_login_user)) {
			reply(ss, NULL, 501, "5.5.2", "Cannot decode response");
			buf_free(&d);
			return;
		}
		if (d.len > 0)
			memcpy(ss->auth_login_user, d.data, d.len);
		ss->auth_login_user[d.len] = '\0';
		buf_free(&d);
		reply(ss, "smtp.auth_challenge", 334, NULL, "UGFzc3dvcmQ6");
		msess_enter_state(&ss->m, SS_AUTH_PASS);
		return;
	}
	reply(ss, "smtp.auth_challenge", 334, NULL, "VXNlcm5hbWU6");
	msess_enter_state(&ss->m, SS_AUTH_USER);
}

/* The lines of AUTH LOGIN and PLAIN that come after a 334. */
static void
auth_line(struct smtp_sess *ss, const char *line, size_t n)
{
	char *text = xstrndup(line, n);

	if (ss->m.state == SS_AUTH_PLAIN) {
		auth_plain(ss, text);
	} else if (strcmp(text, "*") == 0) {
		reply(ss, NULL, 501, "5.7.0", "Authentication cancelled");
		msess_enter_state(&ss->m, SS_READY);
	} else {
		struct buf d = { 0 };

		if (b64_decode(text, n, &d) != 0 ||
		    d.len >= sizeof ss->auth_login_user ||
		    memchr(d.data, '\0', d.len) != NULL) {
			reply(ss, NULL, 501, "5.5.2", "Cannot decode response");
			msess_enter_state(&ss->m, SS_READY);
		} else if (ss->m.state == SS_AUTH_USER) {
			memcpy(ss->auth_login_user, d.data, d.len);
			ss->auth_login_user[d.len] = '\0';
			reply(ss, "smtp.auth_challenge", 334, NULL, "UGFzc3dvcmQ6");
			msess_enter_state(&ss->m, SS_AUTH_PASS);
		} else {
			char *pass = xstrndup((char *)d.data, d.len);
			auth_result(ss, auth_ok(ss, ss->auth_login_user, pass),
			    ss->auth_login_user);
			free(pass);
		}
		buf_free(&d);
	}
	free(text);
}

static const struct {
	enum smtp_verb verb;
	int	(*check)(struct smtp_sess *, struct smtp_cmd *);
	void	(*proceed)(struct smtp_sess *, struct smtp_cmd *);
} commands[] = {
	{ SMTP_EHLO, check_any, proceed_ehlo },
	{ SMTP_HELO, check_any, proceed_ehlo },
	{ SMTP_LHLO, check_any, proceed_ehlo },
	{ SMTP_MAIL, check_mail, proceed_mail },
	{ SMTP_RCPT, check_rcpt, proceed_rcpt },
	{ SMTP_DATA, check_data, proceed_data },
	{ SMTP_RSET, check_any, proceed_rset },
	{ SMTP_NOOP, check_any, proceed_noop },
	{ SMTP_QUIT, check_any, proceed_quit },
	{ SMTP_VRFY, check_any, proceed_vrfy },
	{ SMTP_HELP, check_any, proceed_help },
	{ SMTP_AUTH, check_auth, proceed_auth },
};

/* ---- the end of DATA ------------------------------------------------- */

/* The value of the first header field called name, or NULL (heap string). */
static char *
header_value(const uint8_t *p, size_t n, const char *name)
{
	size_t k = strlen(name), i = 0;

	while (i < n) {
		const uint8_t *lf = memchr(p + i, '\n', n - i);
		size_t end = lf ? (size_t)(lf - p) : n;
		size_t len = end - i;

		if (len > 0 && p[end - 1] == '\r')
			len--;
		if (len == 0)
			return NULL;
		if (len > k && p[i + k] == ':' &&
		    smtp_same_n((const char *)p + i, name, k)) {
			size_t v = i + k + 1;
			while (v < i + len && (p[v] == ' ' || p[v] == '\t'))
				v++;
			return xstrndup((const char *)p + v, i + len - v);
		}
		i = end + 1;
	}
	return NULL;
}

void
smtp_received(struct sim *s, int node, const char *helo, int peer_node,
    uint32_t peer_ip, const char *proto, const char *qid, const char *rcpt,
    struct buf *out)
{
	char ip[16];

	ip_format(peer_ip, ip);
	buf_printf(out, "Received: from %s (%s [%s])\r\n\tby %s (surel) with %s "
	    "id %s", helo, peer_node >= 0 ? s->sc->nodes[peer_node].hostname :
	    "unknown", ip, s->sc->nodes[node].hostname, proto, qid);
	if (rcpt)
		buf_printf(out, "\r\n\tfor <%s>", rcpt);
	buf_puts(out, "; ");
	mime_date(out, s->sc->epoch_unix + (int64_t)(sim_time(s) / SIM_SEC),
	    s->sc->epoch_offset_min);
	buf_puts(out, "\r\n");
}

/*
 * The narration of "250 Ok: queued as": what this server will do with
 * the message now that it is in its queue (mta.c routes each recipient
 * the same way): put it into a mailbox here, hand it by LMTP to the
 * mailbox server, pass it to the relay, or send it to the domain's MX.
 * Recipients that go different ways get the general sentence.
 */
static struct say *
queued_say(struct smtp_sess *ss, struct say *y)
{
	int next = -1, first_next = -1, same = 1;
	enum mta_route rt = ROUTE_LOCAL, first = ROUTE_LOCAL;
	const char *domain = NULL;

	for (int i = 0; i < ss->nrcpt; i++) {
		rt = mta_route(ss->m.s, ss->m.node, ss->rcpt[i], &next);
		if (i == 0) {
			first = rt;
			first_next = next;
			domain = smtp_addr_domain(ss->rcpt[i]);
		} else if (rt != first || next != first_next ||
		    (rt == ROUTE_MX && !smtp_same(domain,
		    smtp_addr_domain(ss->rcpt[i]))))
			same = 0;
	}
	if (!same) {
		say_begin(y, "smtp.queued");
		return y;
	}
	say_begin(y, first == ROUTE_LOCAL ? "smtp.queued_local" :
	    first == ROUTE_LMTP ? "smtp.queued_lmtp" :
	    first == ROUTE_RELAY ? "smtp.queued_relay" : "smtp.queued_mx");
	if (first_next >= 0)
		say_node(y, "next", first_next);
	say_str(y, "domain", domain);
	if (ss->nrcpt == 1)
		say_str(y, "to", ss->rcpt[0]);
	return y;
}

/*
 * The message is refused.  SMTP replies once; LMTP once for each
 * accepted recipient (RFC 2033 4.2: "one reply for each of the
 * previously successful RCPT commands"), or the client waits for
 * replies that never come.
 */
static void
data_refuse(struct smtp_sess *ss, const char *key, int code, const char *enh,
    const char *text)
{
	int n = ss->kind == SRV_LMTP ? ss->nrcpt : 1;

	for (int i = 0; i < n; i++)
		reply(ss, key, code, enh, text);
}

static void
data_done(struct smtp_sess *ss)
{
	struct sim *s = ss->m.s;
	const struct sc_node *n = cfg(ss);

	if (ss->data_too_long_line) {
		/*
		 * RFC 5321 4.3.2: after the final dot only 250, 552, 554, 451,
		 * 452, 450 and 550 may come, so not the 500 of a long command
		 * line.  The content is at fault, for good: 554 with RFC 3463's
		 * X.6.0 ("something about the content of a message caused it
		 * to be considered undeliverable").
		 */
		data_refuse(ss, NULL, 554, "5.6.0", "Error: message content "
		    "rejected: a line is over 1000 characters (RFC 5321 "
		    "4.5.3.1.6)");
		goto out;
	}
	if (n->smtp.present && ss->data.len > n->smtp.max_size) {
		data_refuse(ss, SMTP_ONLY(ss, "too_big"), 552, "5.3.4",
		    "Error: message too big");
		goto out;
	}
	int max_hops = n->smtp.present ? n->smtp.max_hops : 30;
	if (smtp_count_received(ss->data.data, ss->data.len) >= max_hops) {
		data_refuse(ss, SMTP_ONLY(ss, "loop"), 554, "5.4.6",
		    "Error: too many hops (a mail loop?)");
		goto out;
	}

	char *mid = header_value(ss->data.data, ss->data.len, "Message-ID");
	struct buf msg = { 0 };
	char qid[16];
	if (ss->kind == SRV_LMTP)
		snprintf(qid, sizeof qid, "L%X%04X", (unsigned)ss->m.node,
		    (unsigned)(s->mail->msgseq++ & 0xffff));
	else
		mta_new_qid(s, ss->m.node, qid);
	const char *proto = ss->kind == SRV_LMTP ? "LMTP" :
	    !ss->esmtp ? "SMTP" : ss->authenticated ? "ESMTPA" : "ESMTP";
	/*
	 * RFC 5321 4.4: "When the delivery SMTP server makes the 'final
	 * delivery' of a message, it inserts a return-path line at the
	 * beginning of the mail data."  LMTP delivers for good, so it
	 * writes it above its Received:, as Dovecot's LMTP does; a
	 * bounce's is <>.
	 */
	if (ss->kind == SRV_LMTP)
		buf_printf(&msg, "Return-Path: <%s>\r\n", ss->sender);
	smtp_received(s, ss->m.node, ss->helo, ss->m.peer, ss->m.peer_ip, proto, qid,
	    ss->nrcpt == 1 ? ss->rcpt[0] : NULL, &msg);
	if (mid == NULL) {
		/* RFC 6409 8.3: a submission server may add a missing Message-ID. */
		mid = xasprintf("<%s.%s@%s>", qid, "surel", hostname(ss));
		buf_printf(&msg, "Message-ID: %s\r\n", mid);
	}
	char *date = header_value(ss->data.data, ss->data.len, "Date");
	if (date == NULL && ss->kind == SRV_SUBMIT) {
		/*
		 * RFC 5322 3.6: Date is required; RFC 6409 8.2: "The MSA MAY
		 * add or replace the 'Date:' field" when it is missing.  The
		 * time is when the message reached us.
		 */
		buf_puts(&msg, "Date: ");
		mime_date(&msg, s->sc->epoch_unix + (int64_t)(sim_time(s) /
		    SIM_SEC), s->sc->epoch_offset_min);
		buf_puts(&msg, "\r\n");
	}
	free(date);
	buf_append(&msg, ss->data.data, ss->data.len);

	if (ss->kind == SRV_LMTP) {
		/* RFC 2033 4.2: one reply per accepted recipient, in order. */
		for (int i = 0; i < ss->nrcpt; i++) {
			struct mailbox *mb = mailstore_by_address(s, ss->m.node,
			    ss->rcpt[i]);
			char *r = xasprintf("250 2.1.5 <%s> delivered to "
			    "mailbox", ss->rcpt[i]);

			struct say y;
			int again = 0;

			for (int j = 0; j < i; j++)
				again |= mailstore_by_address(s, ss->m.node,
				    ss->rcpt[j]) == mb;
			/* A recipient named twice: one copy, and a reply for each RCPT. */
			if (!again) {
				mailstore_deliver_from(s, mb, msg.data, msg.len,
				    mid, ss->sender);
				delivery_set(s, mid, ss->rcpt[i], DLV_DELIVERED,
				    ss->m.node, r, NULL);
			}
			replyf(ss, say_addr(&y, "lmtp.delivered", "to",
			    ss->rcpt[i]), 250, "2.1.5", "<%s> delivered to "
			    "mailbox", ss->rcpt[i]);
			free(r);
		}
	} else {
		struct say y;

		mta_enqueue(s, ss->m.node, qid, ss->sender,
		    (const char *const *)ss->rcpt, ss->nrcpt, msg.data, msg.len,
		    mid);
		replyf(ss, queued_say(ss, &y), 250, "2.0.0", "Ok: queued as %s",
		    qid);
	}
	buf_free(&msg);
	free(mid);
out:
	transaction_reset(ss);
	msess_enter_state(&ss->m, SS_READY);
}

/* ---- input ------------------------------------------------------- */

static void
command_line(struct smtp_sess *ss, const char *line, size_t n)
{
	struct smtp_cmd c;

	if (memchr(line, '\0', n) != NULL) {
		/* Not text at all: no command may hold a NUL (RFC 5321 4.1.1). */
		reply(ss, NULL, 500, "5.5.2", "Error: NUL character in command line");
		return;
	}
	int rc = smtp_parse_command(line, n, &c);
	switch (rc) {
	case SMTP_PARSE_OK:
		break;
	case SMTP_PARSE_UNKNOWN:
		reply(ss, NULL, 500, "5.5.2", "Error: command not recognized");
		return;
	case SMTP_PARSE_ADDRESS:
		reply(ss, NULL, 501, c.verb == SMTP_MAIL ? "5.1.7" : "5.1.3",
		    c.verb == SMTP_MAIL ? "Error: bad sender address syntax" :
		    "Error: bad recipient address syntax");
		return;
	case SMTP_PARSE_PARAM:
		reply(ss, NULL, 555, "5.5.4", "Error: unsupported parameter");
		return;
	default:
		replyf(ss, NULL, 501, "5.5.4", "Syntax error in arguments of %s",
		    smtp_verb_str(c.verb));
		return;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (commands[i].verb == c.verb) {
			if (commands[i].check(ss, &c))
				commands[i].proceed(ss, &c);
			return;
		}
	fatalx("smtp: no table entry for %s", smtp_verb_str(c.verb));
}

/*
 * One line of the message.  Only a "." line that ends in CRLF, after a
 * line that ended in CRLF, ends it (RFC 5321 4.1.1.4): in "<LF>.<LF>",
 * "<CRLF>.<LF>" and "<LF>.<CRLF>" the "." is a line of the message
 * (and is stuffed again when the message goes on), so the commands
 * after it are text, not a second, smuggled transaction.
 */
static void
data_line(struct smtp_sess *ss, enum line_status st, const char *line,
    size_t len)
{
	int crlf = ss->m.lb.crlf, after_crlf = ss->data_crlf;

	if (st == LINE_TOO_LONG) {
		ss->data_too_long_line = 1;
		ss->data_crlf = 1;	/* its end is lost; the message is refused anyway */
		return;
	}
	ss->data_crlf = crlf;
	if (len == 1 && line[0] == '.') {
		if (crlf && after_crlf) {
			data_done(ss);
			return;
		}
		buf_puts(&ss->data, ".\r\n");
		return;
	}
	smtp_data_line(line, len, &ss->data);
}

/* The session had no word from the client for 5 minutes (RFC 5321 4.5.3.2.7). */
static void
srv_timeout(struct msess *m)
{
	struct smtp_sess *ss = (struct smtp_sess *)m;

	/* Whatever was half received is forgotten: nothing is queued. */
	replyf(ss, NULL, 421, "4.4.2", "%s Error: timeout exceeded", hostname(ss));
	transaction_reset(ss);
	msess_enter_state(m, SS_QUIT);
	msess_close(m);
}

/* One line from the client: the message's, an AUTH answer's or a command. */
static void
srv_line(struct msess *m, enum line_status st, const char *line, size_t len)
{
	struct smtp_sess *ss = (struct smtp_sess *)m;

	if (m->state == SS_DATA) {
		data_line(ss, st, line, len);
		return;
	}
	if (st == LINE_TOO_LONG || len > SMTP_CMD_MAX - 2) {
		reply(ss, NULL, 500, "5.5.2", "Error: line too long");
		return;
	}
	if (m->state == SS_AUTH_PLAIN || m->state == SS_AUTH_USER ||
	    m->state == SS_AUTH_PASS)
		auth_line(ss, line, len);
	else
		command_line(ss, line, len);
	/*
	 * A client that errs again and again (garbage on the port, a
	 * program in a loop) is let go, as Postfix's smtpd_hard_error_limit
	 * does.  RFC 5321 3.8: a server may close the connection "after
	 * detecting the need to shut down the SMTP service and returning a
	 * 421 response code".
	 */
	if (!m->freed && ss->nerrors >= SMTP_HARD_ERRORS &&
	    m->state != SS_QUIT && m->state != SS_DATA) {
		replyf(ss, NULL, 421, "4.7.0", "%s Error: too many errors",
		    hostname(ss));
		transaction_reset(ss);
		msess_enter_state(m, SS_QUIT);
		msess_close(m);
	}
}

static void
srv_peer_closed(struct msess *m)
{
	/* The client left (with or without QUIT): an unfinished message is forgotten. */
	transaction_reset((struct smtp_sess *)m);
}

static void
srv_release(struct msess *m)
{
	transaction_reset((struct smtp_sess *)m);
}

/*
 * One set of operations per service: the trace tells SMTP from LMTP
 * (the messages' protocol), and the fatal messages the port.  A line
 * has room for a text line of 1000 octets with its CRLF (RFC 5321
 * 4.5.3.1.6); a command line is checked for its 512 in srv_line().
 */
#define SRV_OPS(nm, pr, keys) {						\
	.name = nm,							\
	.proto = pr,							\
	.state_names = srv_state_names,					\
	.state_keys = keys,						\
	.nstates = SS_NSTATES,						\
	.done = SS_QUIT,						\
	.line_max = SMTP_TEXT_MAX - 2,					\
	.idle_ns = IDLE_NS,						\
	.line = srv_line,						\
	.timeout = srv_timeout,						\
	.peer_closed = srv_peer_closed,					\
	.release = srv_release,						\
}

static const struct msess_ops srv_ops[3] = {
	[SRV_SMTP] = SRV_OPS("smtp server", APP_SMTP, smtp_state_keys),
	[SRV_SUBMIT] = SRV_OPS("submission server", APP_SMTP, smtp_state_keys),
	[SRV_LMTP] = SRV_OPS("lmtp server", APP_LMTP, lmtp_state_keys),
};

/* A client connected (arg: the kind of service): greet it. */
static void
srv_accepted(struct msess *m, void *arg)
{
	struct smtp_sess *ss = (struct smtp_sess *)m;
	struct sim *s = m->s;
	struct say y;

	ss->kind = (enum srv_kind)(intptr_t)arg;
	if (m->peer >= 0 && s->sc->nodes[m->peer].smtp.present &&
	    s->sc->nodes[m->peer].smtp.relay_via == m->node)
		ss->trusted = 1;
	replyf(ss, say_key(ss, &y, SK(ss, "greeting"), 220), 220, NULL,
	    "%s %s surel", hostname(ss),
	    ss->kind == SRV_LMTP ? "LMTP" : "ESMTP");
}

void
smtp_server_start(struct sim *s, int node)
{
	const struct sc_node *n = &s->sc->nodes[node];
	struct {
		int present, port;
		enum srv_kind kind;
	} svc[3] = {
		{ n->smtp.present, n->smtp.port, SRV_SMTP },
		{ n->submission.present, n->submission.port, SRV_SUBMIT },
		{ n->lmtp.present, n->lmtp.port, SRV_LMTP },
	};

	for (int i = 0; i < 3; i++) {
		if (!svc[i].present)
			continue;
		msess_listen(s, node, (uint16_t)svc[i].port,
		    &srv_ops[svc[i].kind], sizeof(struct smtp_sess),
		    &s->mail->sessions, srv_accepted,
		    (void *)(intptr_t)svc[i].kind);
	}
}

void
smtp_server_free_all(struct sim *s)
{
	msess_free_all(&s->mail->sessions);
}
