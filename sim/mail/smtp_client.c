/*
 * smtp_client.c: the sending side of SMTP (RFC 5321), of submission
 * (RFC 6409, with AUTH PLAIN, RFC 4616) and of LMTP (RFC 2033): one
 * session delivers one message to one server for a list of recipients
 * and reports a reply for each.
 *
 * The shape is OpenSMTPD's mta_session.c: oc_enter_state() does the
 * entry action of a state (sends EHLO, MAIL...) and oc_response() reads
 * the reply in the current state and picks the next one.  Commands go
 * one at a time (no PIPELINING), which is slower on the wire but lets a
 * student match every command with its reply.
 *
 * Every wait for a reply has the timeout of RFC 5321 4.5.3.2 (5 minutes
 * for the greeting and most commands, 2 for DATA, 10 for the end of the
 * message), so a server that accepts the connection and then says
 * nothing (a tarpit, a machine that died with the connection open)
 * cannot hold a queued message for ever: the session ends as a failed
 * connection and the queue tries again later.
 *
 * A server's SMTP client (OUT_SMTP) also gives up a connect after
 * SMTP_CONNECT_TIMEOUT, as Postfix's smtp_connect_timeout does, instead
 * of waiting through TCP's whole SYN backoff (about 63 s): the next MX
 * gets its turn sooner.
 */
#include "base64.h"
#include "linebuf.h"
#include "mail.h"
#include "session.h"
#include "smtp_wire.h"
#include "tcp.h"
#include "world.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/*
 * Each state is the reply the client waits for: the steps of RFC 5321
 * 3.1-3.3 and 4.1.4, one command at a time.
 */
enum oc_state {
	OC_CONNECTING,
	OC_GREETING,
	OC_EHLO,
	OC_HELO,
	OC_AUTH,
	OC_MAIL,
	OC_RCPT,
	OC_DATA,
	OC_BODY,
	OC_QUIT,
	OC_DONE,
	OC_NSTATES
};

static const char *const smtp_state_names[OC_NSTATES] = {
	"CONNECTING", "GREETING", "EHLO", "HELO", "AUTH", "MAIL", "RCPT",
	"DATA", "MESSAGE", "QUIT", "CLOSED",
};

/* LMTP greets with LHLO (RFC 2033 4.1); it has no HELO and no AUTH. */
static const char *const lmtp_state_names[OC_NSTATES] = {
	"CONNECTING", "GREETING", "LHLO", "HELO", "AUTH", "MAIL", "RCPT",
	"DATA", "MESSAGE", "QUIT", "CLOSED",
};

static const char *const smtp_state_keys[OC_NSTATES] = {
	"session.smtp_client.connecting",
	"session.smtp_client.greeting",
	"session.smtp_client.ehlo",
	"session.smtp_client.helo",
	"session.smtp_client.auth",
	"session.smtp_client.mail",
	"session.smtp_client.rcpt",
	"session.smtp_client.data",
	"session.smtp_client.message",
	"session.smtp_client.quit",
	"session.smtp_client.closed",
};

static const char *const lmtp_state_keys[OC_NSTATES] = {
	"session.smtp_client.connecting",
	"session.smtp_client.greeting",
	"session.lmtp_client.lhlo",
	"session.smtp_client.helo",
	"session.smtp_client.auth",
	"session.smtp_client.mail",
	"session.smtp_client.rcpt",
	"session.smtp_client.data",
	"session.smtp_client.message",
	"session.smtp_client.quit",
	"session.smtp_client.closed",
};

struct smtp_out {
	struct msess	 m;		/* first: the skeleton (session.h) */
	struct smtp_out_req r;		/* strings and arrays copied below */
	char		*helo, *sender, *auth_user, *auth_password;
	char		**rcpt;
	struct buf	 data;
	struct smtp_reply reply;
	int		 ext_size, ext_auth, ext_8bit;
	uint64_t	 size_max;	/* SIZE's number; 0: no limit given */
	int		 rcpt_i;	/* the RCPT being answered */
	int		*accepted;	/* per recipient: 1 after a 2xx RCPT reply */
	int		*reported;	/* per recipient: on_rcpt called */
	int		 naccepted;
	int		 lmtp_i;	/* LMTP: the next recipient to get a final reply */
	int		 finished;	/* on_done called */
	int		 starting;	/* in smtp_out_start()'s connect */
	int		 own_words;	/* reports are our words: server -1 */
};

#define SMTP_CONNECT_TIMEOUT	(30 * SIM_SEC)	/* Postfix's default */

static void	oc_enter_state(struct smtp_out *, enum oc_state);
static void	finish(struct smtp_out *);

/* The key of a command: SMTP's, or LMTP's under its own name. */
#define OK_KEY(o, k)	((o)->r.mode == OUT_LMTP ? "lmtp." k : "smtp." k)

/* A narration that is its key alone. */
static struct say *
oc_key(struct say *y, const char *key)
{
	say_begin(y, key);
	return y;
}

static void
report(struct smtp_out *o, int i, int code, const char *text)
{
	if (o->reported[i])
		return;
	o->reported[i] = 1;
	if (o->r.on_rcpt)
		o->r.on_rcpt(o->m.s, o->r.u, i, code, text,
		    o->own_words ? -1 : o->m.peer);
}

/* Every recipient not yet answered gets this result. */
static void
report_rest(struct smtp_out *o, int code, const char *text)
{
	for (int i = 0; i < o->r.nrcpt; i++)
		report(o, i, code, text);
}

/* RFC 5321 4.5.3.2: how long a client waits for the reply in each state. */
static uint64_t
oc_timeout(enum oc_state st)
{
	switch (st) {
	case OC_DATA:
		return 2 * 60 * SIM_SEC;	/* 4.5.3.2.3: DATA initiation */
	case OC_BODY:
		return 10 * 60 * SIM_SEC;	/* 4.5.3.2.6: DATA termination */
	default:
		return 5 * 60 * SIM_SEC;	/* 4.5.3.2.1, .2, .4, .5 */
	}
}

static void
finish(struct smtp_out *o)
{
	msess_timer_stop(&o->m);
	if (o->finished)
		return;
	o->finished = 1;
	report_rest(o, 0, "connection closed before a reply");
	if (o->r.on_done)
		o->r.on_done(o->m.s, o->r.u);
}

/*
 * The session is going (session.h): free what is ours.  on_done has
 * run already where the session ended by itself (after QUIT, or in
 * peer_closed, failed, timeout); at the world's end it must not.
 */
static void
oc_release(struct msess *m)
{
	struct smtp_out *o = (struct smtp_out *)m;

	free(o->helo);
	free(o->sender);
	free(o->auth_user);
	free(o->auth_password);
	for (int i = 0; i < o->r.nrcpt; i++)
		free(o->rcpt[i]);
	free(o->rcpt);
	free(o->accepted);
	free(o->reported);
	buf_free(&o->data);
	smtp_reply_free(&o->reply);
}

/* The full reply as the summary shows it: "550 5.1.1 <x>: User unknown". */
static char *
reply_text(const struct smtp_reply *r)
{
	const char *t = (const char *)r->text.data;
	const char *nl = t ? strrchr(t, '\n') : NULL;

	return xasprintf("%d%s%s %s", r->code, r->enhanced[0] ? " " : "",
	    r->enhanced, nl ? nl + 1 : t ? t : "");
}

static void
oc_enter_state(struct smtp_out *o, enum oc_state st)
{
	struct say y;

	msess_enter_state(&o->m, st);
	/* What is sent below starts the wait for its reply (msess_send). */
	o->m.idle_ns = oc_timeout(st);
	switch (st) {
	case OC_EHLO:
		say_begin(&y, o->r.mode == OUT_LMTP ? "lmtp.lhlo" : "smtp.ehlo");
		say_str(&y, "value", o->helo);
		if (o->r.mode == OUT_LMTP)
			msess_command(&o->m, &y, NULL, "LHLO %s", o->helo);
		else
			msess_command(&o->m, &y, NULL, "EHLO %s", o->helo);
		break;
	case OC_HELO:
		/* The server did not know EHLO: the old greeting (RFC 5321 3.2). */
		say_begin(&y, "smtp.helo");
		say_str(&y, "value", o->helo);
		msess_command(&o->m, &y, NULL, "HELO %s", o->helo);
		break;
	case OC_AUTH: {
		/* RFC 4616: authzid (empty) NUL authcid NUL passwd, in base64. */
		struct buf raw = { 0 }, b64 = { 0 };
		buf_putc(&raw, '\0');
		buf_puts(&raw, o->auth_user);
		buf_putc(&raw, '\0');
		buf_puts(&raw, o->auth_password);
		b64_encode(raw.data, raw.len, &b64, 0);
		say_begin(&y, "smtp.auth");
		say_str(&y, "user", o->auth_user);
		say_str(&y, "value", "PLAIN");
		msess_command(&o->m, &y, "AUTH PLAIN (user name and password, in base64)",
		    "AUTH PLAIN %s", (char *)b64.data);
		buf_free(&raw);
		buf_free(&b64);
		break;
	}
	case OC_MAIL: {
		struct buf params = { 0 };
		/*
		 * RFC 1870 6: "a client SHOULD NOT transmit a message whose
		 * size exceeds the maximum the server has declared"; the
		 * server would refuse MAIL with 552 anyway.  Not sending is
		 * final (5.3.4: too big for the system), and the words are
		 * ours, not the server's (no server reply: peer -1).
		 */
		if (o->ext_size && o->size_max > 0 &&
		    o->data.len > o->size_max) {
			char *why = xasprintf("552 5.3.4 message size %zu "
			    "exceeds the size limit %llu of %s (RFC 1870)",
			    o->data.len, (unsigned long long)o->size_max,
			    msess_hostname(&o->m));
			o->own_words = 1;
			report_rest(o, 552, why);
			o->own_words = 0;
			free(why);
			oc_enter_state(o, OC_QUIT);
			break;
		}
		if (o->ext_size)
			buf_printf(&params, " SIZE=%zu", o->data.len);
		if (o->ext_8bit) {
			for (size_t i = 0; i < o->data.len; i++)
				if (o->data.data[i] & 0x80) {
					buf_puts(&params, " BODY=8BITMIME");
					break;
				}
		}
		/* RFC 5321 4.5.5: a bounce has the null reverse-path. */
		say_begin(&y, o->sender[0] == '\0' ?
		    OK_KEY(o, "mail_from_null") : OK_KEY(o, "mail_from"));
		say_str(&y, "from", o->sender);
		if (o->ext_size)
			say_num(&y, "len", (long long)o->data.len);
		msess_command(&o->m, &y, NULL, "MAIL FROM:<%s>%s", o->sender,
		    params.data ? (char *)params.data : "");
		buf_free(&params);
		break;
	}
	case OC_RCPT:
		say_begin(&y, OK_KEY(o, "rcpt_to"));
		say_str(&y, "to", o->rcpt[o->rcpt_i]);
		say_str(&y, "domain", smtp_addr_domain(o->rcpt[o->rcpt_i]));
		msess_command(&o->m, &y, NULL, "RCPT TO:<%s>", o->rcpt[o->rcpt_i]);
		break;
	case OC_DATA:
		msess_command(&o->m, oc_key(&y, OK_KEY(o, "data")), NULL, "DATA");
		break;
	case OC_BODY: {
		struct buf b = { 0 };
		smtp_dot_stuff(o->data.data, o->data.len, &b);
		size_t lines = 0;
		for (size_t i = 0; i < b.len; i++)
			lines += b.data[i] == '\n';
		char *text = xasprintf("C: (the message: %zu bytes in %zu lines, "
		    "ending with a line holding only \".\")", o->data.len,
		    lines - 1);
		/*
		 * Whether TCP must cut it (RFC 9293 3.7.1: no segment carries
		 * more than the MSS): the narration says so only where true.
		 */
		uint32_t mss = o->m.c ? tcp_conn_mss(o->m.c) : 0;

		if (mss > 0 && b.len <= mss)
			say_begin(&y, OK_KEY(o, "message.one_packet"));
		else
			say_begin(&y, OK_KEY(o, "message"));
		say_num(&y, "len", (long long)o->data.len);
		say_num(&y, "count", (long long)(lines - 1));
		if (mss > 0) {
			say_num(&y, "mss", mss);
			say_num(&y, "segments", (long long)((b.len + mss - 1) / mss));
		}
		/*
		 * Which message crosses (whereis.c: in transit from here
		 * to the peer until its reply).
		 */
		char *mid = mail_message_id(o->data.data, o->data.len);
		char *subject = mail_subject(o->data.data, o->data.len);
		if (mid != NULL)
			say_str(&y, "msgid", mid);
		if (subject != NULL)
			say_str(&y, "subject", subject);
		free(mid);
		free(subject);
		msess_send(&o->m, b.data, b.len, text, strlen(text),
		    sim_say(o->m.s, &y));
		free(text);
		buf_free(&b);
		break;
	}
	case OC_QUIT:
		msess_command(&o->m, oc_key(&y, OK_KEY(o, "quit")), NULL, "QUIT");
		break;
	case OC_DONE:
		msess_close(&o->m);
		break;
	default:
		break;
	}
}

/* EHLO's extension lines (RFC 5321 4.1.1.1): note the ones we use. */
static void
read_extensions(struct smtp_out *o)
{
	const char *t = (const char *)o->reply.text.data;

	while (t && *t) {
		const char *nl = strchr(t, '\n');
		size_t n = nl ? (size_t)(nl - t) : strlen(t);

		if (smtp_same_n(t, "SIZE", 4) && (n == 4 || t[4] == ' ')) {
			/* RFC 1870 4: "SIZE" [SP number]; 0 means no limit. */
			o->ext_size = 1;
			o->size_max = n > 5 ? strtoull(t + 5, NULL, 10) : 0;
		}
		else if (smtp_same_n(t, "AUTH ", 5))
			o->ext_auth = 1;
		else if (smtp_same_n(t, "8BITMIME", 8) && n == 8)
			o->ext_8bit = 1;
		t = nl ? nl + 1 : NULL;
	}
}

static void
after_greeting(struct smtp_out *o)
{
	if (o->auth_user && o->r.mode == OUT_SUBMIT)
		oc_enter_state(o, OC_AUTH);
	else
		oc_enter_state(o, OC_MAIL);
}

static void
oc_response(struct smtp_out *o)
{
	const struct smtp_reply *r = &o->reply;
	int ok = r->code >= 200 && r->code < 300;
	char *text = reply_text(r);

	switch (o->m.state) {
	case OC_GREETING:
		if (r->code == 220)
			oc_enter_state(o, OC_EHLO);
		else {
			report_rest(o, r->code, text);
			oc_enter_state(o, OC_QUIT);
		}
		break;
	case OC_EHLO:
		if (ok) {
			read_extensions(o);
			after_greeting(o);
		} else if (r->code >= 500 && o->r.mode != OUT_LMTP) {
			oc_enter_state(o, OC_HELO);	/* an old server: RFC 5321 3.2 */
		} else {
			report_rest(o, r->code, text);
			oc_enter_state(o, OC_QUIT);
		}
		break;
	case OC_HELO:
		if (ok)
			after_greeting(o);
		else {
			report_rest(o, r->code, text);
			oc_enter_state(o, OC_QUIT);
		}
		break;
	case OC_AUTH:
		if (r->code == 235)
			oc_enter_state(o, OC_MAIL);
		else {
			report_rest(o, r->code, text);
			oc_enter_state(o, OC_QUIT);
		}
		break;
	case OC_MAIL:
		if (ok) {
			o->rcpt_i = 0;
			oc_enter_state(o, OC_RCPT);
		} else {
			report_rest(o, r->code, text);
			oc_enter_state(o, OC_QUIT);
		}
		break;
	case OC_RCPT:
		if (ok) {
			o->accepted[o->rcpt_i] = 1;
			o->naccepted++;
		} else
			report(o, o->rcpt_i, r->code, text);
		if (++o->rcpt_i < o->r.nrcpt)
			oc_enter_state(o, OC_RCPT);
		else if (o->naccepted > 0)
			oc_enter_state(o, OC_DATA);
		else
			oc_enter_state(o, OC_QUIT);
		break;
	case OC_DATA:
		if (r->code == 354)
			oc_enter_state(o, OC_BODY);
		else {
			report_rest(o, r->code, text);
			oc_enter_state(o, OC_QUIT);
		}
		break;
	case OC_BODY:
		if (o->r.mode == OUT_LMTP) {
			/* RFC 2033 4.2: one reply for each accepted recipient, in order. */
			while (o->lmtp_i < o->r.nrcpt && !o->accepted[o->lmtp_i])
				o->lmtp_i++;
			if (o->lmtp_i < o->r.nrcpt)
				report(o, o->lmtp_i++, r->code, text);
			while (o->lmtp_i < o->r.nrcpt && !o->accepted[o->lmtp_i])
				o->lmtp_i++;
			if (o->lmtp_i >= o->r.nrcpt)
				oc_enter_state(o, OC_QUIT);
		} else {
			for (int i = 0; i < o->r.nrcpt; i++)
				if (o->accepted[i])
					report(o, i, r->code, text);
			oc_enter_state(o, OC_QUIT);
		}
		break;
	case OC_QUIT:
		oc_enter_state(o, OC_DONE);
		finish(o);
		break;
	default:
		break;
	}
	free(text);
}

static void
oc_line(struct msess *m, enum line_status st, const char *line, size_t len)
{
	struct smtp_out *o = (struct smtp_out *)m;
	int rc = st == LINE_OK ? smtp_reply_feed(&o->reply, line, len) : -1;

	if (rc == 0)
		return;
	if (rc < 0) {
		/* Not SMTP: give up on this server (RFC 5321 4.2 replies only). */
		report_rest(o, 0, "the server sent something that is not "
		    "an SMTP reply");
		oc_enter_state(o, OC_DONE);
		finish(o);
		return;
	}
	oc_response(o);
}

static void
oc_connected(struct msess *m)
{
	struct smtp_out *o = (struct smtp_out *)m;
	struct say y;

	/* 4.5.3.2.1: the wait for the 220 greeting, not the connect's. */
	if (m->idle_ns != oc_timeout(OC_GREETING)) {
		m->idle_ns = oc_timeout(OC_GREETING);
		msess_timer_restart(m);
	}
	if (o->r.mode != OUT_SUBMIT || o->r.nrcpt < 1) {
		msess_enter_state(m, OC_GREETING);
		return;
	}
	/*
	 * Submission (RFC 6409): the mail program has a mail ready and
	 * reaches its own server, the first step of the mail's trip; the
	 * record says what is being sent, and to whom.
	 */
	char *subject = mail_subject(o->data.data, o->data.len);
	/* Its own server takes mail from its domain; any other is a stranger's. */
	int own = 0;
	if (m->peer >= 0 && m->s->sc->nodes[m->peer].smtp.present) {
		const struct sc_smtp *c = &m->s->sc->nodes[m->peer].smtp;

		/* The same test as mta.c's, read from the scenario (no cycle). */
		for (int i = 0; i < c->ndomains; i++)
			own |= smtp_same(c->domains[i],
			    smtp_addr_domain(o->sender));
	}
	say_begin(&y, !own ? "smtp.submit.direct" :
	    o->r.nrcpt > 1 ? "smtp.submit.several" :
	    "smtp.submit");
	say_str(&y, "to", o->rcpt[0]);
	say_num(&y, "count", o->r.nrcpt);
	if (subject != NULL)
		say_str(&y, "subject", subject);
	say_node(&y, "next", m->peer);
	say_num(&y, "port", o->r.port);
	free(subject);
	msess_enter_state_say(m, OC_GREETING, sim_say(m->s, &y));
}

static void
oc_peer_closed(struct msess *m)
{
	struct smtp_out *o = (struct smtp_out *)m;

	if (m->state != OC_DONE) {
		msess_enter_state(m, OC_DONE);
		msess_close(m);
	}
	finish(o);
}

static void
oc_failed(struct msess *m, enum tcp_err e)
{
	struct smtp_out *o = (struct smtp_out *)m;
	char *why;

	if (o->starting)
		/* Our own machine is off: nothing can be sent. */
		why = xstrdup("this machine is switched off");
	else
		why = xasprintf("connection to %s failed: %s",
		    msess_hostname(m),
		    e == TCP_ERR_REFUSED ? "refused (nothing listens on that "
		    "port)" :
		    e == TCP_ERR_TIMEOUT ? "no answer (timed out)" :
		    e == TCP_ERR_RESET ? "reset by the other side" :
		    "our own machine was switched off");
	report_rest(o, 0, why);
	free(why);
	finish(o);
}

/* No reply within the time RFC 5321 4.5.3.2 gives the server. */
static void
oc_timeout_fire(struct msess *m)
{
	struct smtp_out *o = (struct smtp_out *)m;

	if (m->state == OC_CONNECTING) {
		/*
		 * The connect timeout: TCP stops (no RST in SYN-SENT) and
		 * reports TCP_ERR_TIMEOUT, so oc_failed() ends the session
		 * as when the SYN retries run out.
		 */
		tcp_give_up(m->c);
		return;
	}
	char *why = xasprintf("no reply from %s within %llu minutes (RFC 5321 "
	    "4.5.3.2)", msess_hostname(m),
	    (unsigned long long)(m->idle_ns / (60 * SIM_SEC)));

	report_rest(o, 0, why);
	free(why);
	/*
	 * Give up on the connection: RST, and TCP forgets it at once.  The
	 * reset goes before on_done, which may already try the next server.
	 */
	tcp_abort(m->c);
	m->c = NULL;
	finish(o);
	msess_free(m);
}

#define OC_OPS(nm, pr, names, keys) {					\
	.name = nm,							\
	.proto = pr,							\
	.state_names = names,						\
	.state_keys = keys,						\
	.nstates = OC_NSTATES,						\
	.done = OC_DONE,						\
	.line_max = SMTP_TEXT_MAX - 2,					\
	.idle_ns = 5 * 60 * SIM_SEC,					\
	.client = 1,							\
	.line = oc_line,						\
	.timeout = oc_timeout_fire,					\
	.connected = oc_connected,					\
	.peer_closed = oc_peer_closed,					\
	.failed = oc_failed,						\
	.release = oc_release,						\
}

/*
 * Replies are short; a line of 1000 is the RFC's limit for text.  The
 * first wait, for the greeting, is 5 minutes (4.5.3.2.1).
 */
static const struct msess_ops smtp_ops =
    OC_OPS("smtp client", APP_SMTP, smtp_state_names, smtp_state_keys);
static const struct msess_ops lmtp_ops =
    OC_OPS("lmtp client", APP_LMTP, lmtp_state_names, lmtp_state_keys);

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct smtp_out *
smtp_out_start(struct sim *s, const struct smtp_out_req *r)
{
	struct smtp_out *o = (struct smtp_out *)msess_client(s, r->node,
	    r->mode == OUT_LMTP ? &lmtp_ops : &smtp_ops, sizeof *o,
	    &s->mail->outgoing);

	o->r = *r;
	o->helo = xstrdup(r->helo);
	o->sender = xstrdup(r->sender);
	o->auth_user = dup_or_null(r->auth_user);
	o->auth_password = dup_or_null(r->auth_password);
	o->rcpt = xcalloc((size_t)r->nrcpt + 1, sizeof *o->rcpt);
	for (int i = 0; i < r->nrcpt; i++)
		o->rcpt[i] = xstrdup(r->rcpt[i]);
	o->accepted = xcalloc((size_t)r->nrcpt + 1, sizeof(int));
	o->reported = xcalloc((size_t)r->nrcpt + 1, sizeof(int));
	buf_append(&o->data, r->data, r->len);
	smtp_reply_init(&o->reply);
	/* mta.c and mua.c found the address (MX, or the provider's name). */
	o->starting = 1;
	if (msess_connect_ip(&o->m, r->ip, r->port) != 0)
		return NULL;
	o->starting = 0;
	if (r->mode == OUT_SMTP) {
		o->m.idle_ns = SMTP_CONNECT_TIMEOUT;
		msess_timer_restart(&o->m);
	}
	return o;
}

void
smtp_out_free_all(struct sim *s)
{
	msess_free_all(&s->mail->outgoing);
}
