/*
 * pop3_client.c: the person's mail program checking mail by POP3
 * (RFC 1939): the `fetch` action with "protocol": "pop3", step S11 of
 * the story.  The device finds the server by name where it has a
 * resolver, connects to its POP3 port, logs in with USER and PASS, asks
 * how much is waiting (STAT) and the unique-id of each message (UIDL),
 * downloads with RETR what it does not have yet, deletes each message it
 * downloaded with DELE unless the person chose to keep mail on the
 * server, and ends with QUIT, which is when the server really deletes.
 *
 * The shape is OpenSMTPD's mta_session.c, as in smtp_client.c:
 * pc_enter_state() sends the command of a state, pc_response() reads
 * the reply in the current state and picks the next one.  Commands go
 * one at a time, so a student can match each with its reply.
 *
 * A server that accepts the connection and then falls silent must not
 * hold the device for ever: after PC_REPLY_NS without a byte from it,
 * the client gives up (RST) without QUIT, so the server never enters
 * UPDATE and deletes nothing (RFC 1939 6); what was downloaded whole is
 * kept.
 */
#include "dns.h"
#include "linebuf.h"
#include "pop3.h"
#include "tcp.h"
#include "world.h"

#include <stdlib.h>
#include <string.h>

/*
 * A line of a message may be long (RFC 5322 2.1.1 allows 998
 * characters, a local program may write more); past this a message is
 * not kept, rather than kept cut.
 */
#define PC_LINE_MAX	65536

/*
 * How long the client waits for the server to say something.  RFC 1939
 * gives a client no timer, only the server's autologout (at least 10
 * minutes, section 3).  We borrow RFC 5321 4.5.3.2: "an SMTP client MUST
 * provide a timeout mechanism", 5 minutes for the greeting and for a
 * command's reply (4.5.3.2.1, 4.5.3.2.2), and, as for a DATA block
 * (4.5.3.2.5), the wait starts again with every piece that arrives, so a
 * long RETR on a slow line is not cut.  Five minutes is also longer than
 * TCP's own retransmissions give a dead peer (sim/net/tcp.c), so this
 * timer only catches a server that is alive and silent.
 */
#define PC_REPLY_NS	(5 * 60 * SIM_SEC)

enum pc_state {
	PC_RESOLVING,		/* asking DNS for the server's address */
	PC_CONNECTING,		/* TCP handshake */
	PC_GREETING,		/* waiting for "+OK ... ready" */
	PC_USER,
	PC_PASS,
	PC_STAT,
	PC_UIDL,		/* the unique-id listing */
	PC_RETR,		/* one message */
	PC_DELE,
	PC_QUIT,
	PC_DONE,		/* closing; replies are no longer read */
};

struct pop3_fetch {
	struct sim	*s;
	struct pop3_fetch *next;
	int		 node;		/* the device */
	int		 server;	/* the scenario's server, where the mail is kept */
	int		 peer;		/* the node we reached (the same, unless DNS says otherwise) */
	const char	*user, *password;	/* the scenario's strings */
	int		 keep;		/* leave the mail on the server */
	uint64_t	 dns;		/* the lookup under way, or 0 */
	struct tcp_conn	*c;		/* NULL before the connection and after it */
	enum pc_state	 state;
	struct linebuf	 lb;
	/* The reply being read: its status and text, and a multi-line body. */
	int		 ok;
	char		*text;
	int		 multi;		/* 1 while reading a body, up to its "." */
	int		 body_bad;	/* a line of the body was too long */
	struct buf	 body;
	uint32_t	 count;		/* messages, from STAT */
	char		**uidl;		/* [1..count]: from UIDL, NULL where unknown */
	uint32_t	 cur;		/* the message number in hand */
	int		 had_it;	/* cur was downloaded on an earlier visit */
	ev_id		 timer;		/* the wait for the server (PC_REPLY_NS) */
};

static void	pc_free_all(struct sim *);

static const char *
pc_state_str(enum pc_state st)
{
	static const char *const names[] = {
		"RESOLVING", "CONNECTING", "GREETING", "USER", "PASS", "STAT",
		"UIDL", "RETR", "DELE", "QUIT", "DONE",
	};

	return (unsigned)st < sizeof names / sizeof *names ? names[st] : "?";
}

static void
pc_free(struct pop3_fetch *f)
{
	struct pop3_fetch **pp;

	for (pp = &f->s->mail->pop3->fetches; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	if (f->dns)
		dns_cancel(f->s, f->dns);
	evq_cancel(f->s->q, f->timer);
	if (f->uidl)
		for (uint32_t i = 0; i <= f->count; i++)
			free(f->uidl[i]);
	free(f->uidl);
	free(f->text);
	buf_free(&f->body);
	linebuf_free(&f->lb);
	free(f);
}

/* The server said nothing for PC_REPLY_NS: give up on it. */
static void
pc_timer_fire(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct pop3_fetch *f = obj;

	(void)ctx;
	(void)a;
	(void)b;
	f->timer = 0;
	if (tcp_conn_unsent(f->c) > 0) {
		/* Our own command is still on its way: TCP watches that. */
		f->timer = evq_at(f->s->q, sim_time(f->s) + PC_REPLY_NS,
		    pc_timer_fire, NULL, f, 0, 0);
		return;
	}
	/*
	 * No QUIT: RFC 1939 6, the server "does NOT enter the UPDATE state",
	 * so the messages marked with DELE stay on it.  RST, and TCP forgets
	 * the connection at once.
	 */
	tcp_abort(f->c);
	f->c = NULL;
	pc_free(f);
}

/* (Re)start the wait for the server: a command sent, or bytes received. */
static void
pc_timer_start(struct pop3_fetch *f)
{
	evq_cancel(f->s->q, f->timer);
	f->timer = evq_at(f->s->q, sim_time(f->s) + PC_REPLY_NS, pc_timer_fire,
	    NULL, f, 0, 0);
}

/*
 * Send a command line and record it; shown replaces what the transcript
 * prints (a password).  y is the narration: the client knows which
 * command it sends and why.
 */
static void
pc_send(struct pop3_fetch *f, struct say *y, const char *shown,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
pc_send(struct pop3_fetch *f, struct say *y, const char *shown,
    const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	char *text = xasprintf("C: %s", shown ? shown : (char *)b.data);
	buf_puts(&b, "\r\n");
	tcp_send(f->c, b.data, b.len);
	pc_timer_start(f);
	sim_app_say(f->s, f->node, f->peer, APP_POP3, text, strlen(text),
	    sim_say(f->s, y));
	free(text);
	buf_free(&b);
}

/* The one place the state changes: the entry action of st (its command), if any. */
static void
pc_enter_state(struct pop3_fetch *f, enum pc_state st)
{
	enum pc_state old = f->state;
	struct say y;

	f->state = st;
	switch (st) {
	case PC_USER:
		say_begin(&y, "pop3.user");
		say_str(&y, "user", f->user);
		pc_send(f, &y, NULL, "USER %s", f->user);
		break;
	case PC_PASS:
		say_begin(&y, "pop3.pass");
		say_str(&y, "user", f->user);
		/* The password crosses the wire in clear (the pcap shows it); the transcript does not. */
		pc_send(f, &y, "PASS (password)", "PASS %s", f->password);
		break;
	case PC_STAT:
		say_begin(&y, "pop3.stat");
		pc_send(f, &y, NULL, "STAT");
		break;
	case PC_UIDL:
		say_begin(&y, "pop3.uidl");
		pc_send(f, &y, NULL, "UIDL");
		break;
	case PC_RETR:
		say_begin(&y, "pop3.retr");
		say_num(&y, "value", f->cur);
		pc_send(f, &y, NULL, "RETR %u", (unsigned)f->cur);
		break;
	case PC_DELE:
		/* Downloaded just now, or on an earlier visit that kept it on the server. */
		say_begin(&y, f->had_it ? "pop3.dele.had_it" : "pop3.dele");
		say_num(&y, "value", f->cur);
		pc_send(f, &y, NULL, "DELE %u", (unsigned)f->cur);
		break;
	case PC_QUIT:
		/* Why it leaves: all done, nothing waiting, or not let in. */
		say_begin(&y, old == PC_STAT && f->ok ? "pop3.quit.nothing" :
		    old == PC_STAT || old == PC_UIDL || old == PC_RETR ||
		    old == PC_DELE ? "pop3.quit" : "pop3.quit.not_in");
		pc_send(f, &y, NULL, "QUIT");
		break;
	case PC_DONE:
		evq_cancel(f->s->q, f->timer);
		f->timer = 0;
		tcp_close(f->c);
		break;
	default:
		break;
	}
}

/* Note each "n unique-id" line of the UIDL listing (RFC 1939 7). */
static void
pc_read_uidl(struct pop3_fetch *f)
{
	const char *p = (const char *)f->body.data;
	size_t n = f->body.len, i = 0;

	while (i < n) {
		const char *lf = memchr(p + i, '\n', n - i);
		size_t end = lf ? (size_t)(lf - p) : n, len = end - i;
		uint32_t num;
		char id[POP3_UID_MAX + 1];

		if (len > 0 && p[end - 1] == '\r')
			len--;
		if (pop3_parse_listing(p + i, len, &num, id) == 0 && num >= 1 &&
		    num <= f->count) {
			free(f->uidl[num]);
			f->uidl[num] = xstrdup(id);
		}
		i = lf ? end + 1 : n;
	}
}

/*
 * On to the next message after cur: download what the device lacks.
 * A message it already has (kept on the server by an earlier fetch) is
 * not downloaded again, as real programs remember UIDL ids; it is only
 * deleted, if the person no longer keeps mail on the server.
 */
static void
pc_next(struct pop3_fetch *f)
{
	while (++f->cur <= f->count) {
		const char *id = f->uidl[f->cur];

		f->had_it = 0;
		if (id == NULL || !device_has_uidl(f->s, f->node, f->server,
		    f->user, id)) {
			pc_enter_state(f, PC_RETR);
			return;
		}
		if (!f->keep) {
			f->had_it = 1;
			pc_enter_state(f, PC_DELE);
			return;
		}
	}
	pc_enter_state(f, PC_QUIT);
}

static void
pc_response(struct pop3_fetch *f)
{
	switch (f->state) {
	case PC_GREETING:
		pc_enter_state(f, f->ok ? PC_USER : PC_QUIT);
		break;
	case PC_USER:
		pc_enter_state(f, f->ok ? PC_PASS : PC_QUIT);
		break;
	case PC_PASS:
		/* -ERR: a wrong password, or the maildrop is busy: say goodbye politely. */
		pc_enter_state(f, f->ok ? PC_STAT : PC_QUIT);
		break;
	case PC_STAT: {
		uint64_t octets;

		if (!f->ok || pop3_parse_stat(f->text, strlen(f->text),
		    &f->count, &octets) != 0 || f->count == 0) {
			f->count = 0;
			pc_enter_state(f, PC_QUIT);	/* nothing waiting */
			break;
		}
		f->uidl = xcalloc((size_t)f->count + 1, sizeof *f->uidl);
		pc_enter_state(f, PC_UIDL);
		break;
	}
	case PC_UIDL:
		/* UIDL is optional (RFC 1939 7): without it every message is new. */
		if (f->ok)
			pc_read_uidl(f);
		f->cur = 0;
		pc_next(f);
		break;
	case PC_RETR:
		if (f->ok && !f->body_bad) {
			device_store(f->s, f->node, f->server, f->user, FETCH_POP3,
			    f->uidl[f->cur], 0, 0, f->body.data ? f->body.data :
			    (const uint8_t *)"", f->body.len, 0, f->keep ?
			    "state.client_store_pop3_keep" :
			    "state.client_store_pop3");
			if (!f->keep) {
				pc_enter_state(f, PC_DELE);
				break;
			}
		}
		pc_next(f);
		break;
	case PC_DELE:
		pc_next(f);
		break;
	case PC_QUIT:
		pc_enter_state(f, PC_DONE);
		break;
	default:
		fatalx("pop3: a reply in client state %s", pc_state_str(f->state));
	}
}

static void
pc_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct pop3_fetch *f = u;
	const char *line;
	size_t len;
	enum line_status st;

	(void)c;
	if (f->state != PC_DONE)
		pc_timer_start(f);	/* the server is alive */
	linebuf_feed(&f->lb, p, n);
	while (f->state != PC_DONE &&
	    (st = linebuf_next(&f->lb, &line, &len)) != LINE_NONE) {
		if (f->multi) {
			/* A body line: unstuffed, up to the line "." (RFC 1939 3). */
			if (st == LINE_TOO_LONG)
				f->body_bad = 1;
			else if (pop3_unstuff_line(line, len, &f->body)) {
				f->multi = 0;
				pc_response(f);
			}
			continue;
		}
		struct pop3_reply r;
		if (st != LINE_OK || pop3_parse_status(line, len, &r) != 0) {
			/* Not a POP3 status line: nothing sensible can follow. */
			pc_enter_state(f, PC_DONE);
			return;
		}
		f->ok = r.ok;
		free(f->text);
		f->text = xstrndup(r.text, r.textlen);
		/* Only +OK to UIDL or RETR has a body; -ERR is always one line. */
		if (r.ok && (f->state == PC_UIDL || f->state == PC_RETR)) {
			f->multi = 1;
			f->body_bad = 0;
			f->body.len = 0;
			continue;
		}
		pc_response(f);
	}
}

static void
pc_connected(struct tcp_conn *c, void *u)
{
	struct pop3_fetch *f = u;

	(void)c;
	/* RFC 1939 4: the server speaks first. */
	pc_enter_state(f, PC_GREETING);
	pc_timer_start(f);
}

static void
pc_peer_closed(struct tcp_conn *c, void *u)
{
	struct pop3_fetch *f = u;

	(void)c;
	/* After our QUIT, or the server gave up on us: either way we are done. */
	if (f->state != PC_DONE)
		pc_enter_state(f, PC_DONE);
}

static void
pc_closed(struct tcp_conn *c, void *u)
{
	struct pop3_fetch *f = u;

	(void)c;
	f->c = NULL;
	pc_free(f);
}

static void
pc_error(struct tcp_conn *c, void *u, enum tcp_err e)
{
	struct pop3_fetch *f = u;

	(void)c;
	(void)e;
	/* Refused, timed out, reset: the trace has the TCP story; nothing was stored. */
	f->c = NULL;
	pc_free(f);
}

static const struct tcp_ops pc_ops = {
	.connected = pc_connected,
	.data = pc_data,
	.peer_closed = pc_peer_closed,
	.closed = pc_closed,
	.error = pc_error,
};

static void
pc_connect(struct pop3_fetch *f, uint32_t ip)
{
	struct sim *s = f->s;

	f->peer = net_node_by_ip(s, ip);
	pc_enter_state(f, PC_CONNECTING);
	f->c = tcp_connect(s, f->node, ip,
	    (uint16_t)s->sc->nodes[f->server].pop3.port, &pc_ops, f);
	if (f->c == NULL)
		pc_free(f);	/* our own machine is off */
}

static void
pc_resolved(struct sim *s, void *u, const struct dns_answer *a)
{
	struct pop3_fetch *f = u;

	(void)s;
	f->dns = 0;
	/* No address, no mail: the DNS exchange in the trace tells why. */
	if (a->status != DNS_OK || a->n == 0) {
		pc_free(f);
		return;
	}
	pc_connect(f, a->rr[0].rd.a);
}

void
pop3_fetch(struct sim *s, int ai)
{
	const struct sc_action *act = &s->sc->actions[ai];
	struct pop3_world *w = pop3_world(s);
	struct pop3_fetch *f;

	w->end_fetches = pc_free_all;
	if (!s->nodes[act->node].up)
		return;		/* a switched-off device checks nothing */
	f = xcalloc(1, sizeof *f);
	f->s = s;
	f->node = act->node;
	f->server = act->server;
	f->peer = act->server;
	f->user = act->user;
	f->password = act->password;
	f->keep = act->keep;
	linebuf_init(&f->lb, PC_LINE_MAX);
	f->next = w->fetches;
	w->fetches = f;
	/* Like a real program, find the server by its name where the device has a resolver. */
	if (s->sc->nodes[act->node].resolver >= 0) {
		pc_enter_state(f, PC_RESOLVING);
		f->dns = dns_query(s, act->node, s->sc->nodes[act->server].hostname,
		    DNS_T_A, pc_resolved, f);
	} else
		pc_connect(f, s->sc->nodes[act->server].ip);
}

/* From pop3_free_all(): every fetch ends, without callbacks or trace. */
static void
pc_free_all(struct sim *s)
{
	struct pop3_world *w = s->mail->pop3;

	while (w->fetches) {
		/* TCP outlives us by a moment in sim_free(): it must not call back. */
		if (w->fetches->c)
			tcp_set_ops(w->fetches->c, NULL, NULL);
		pc_free(w->fetches);
	}
}
