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
 * pc_command() sends a command, pc_response() reads its reply and picks
 * the next one.  Commands go one at a time, so a student can match each
 * with its reply.  Which reply the client waits for is not the session's
 * state: the state is RFC 1939 3's, the same the server goes through
 * (AUTHORIZATION, TRANSACTION, UPDATE), and each change is traced with a
 * sentence of what it means.  The connection, the line buffer, sending
 * and tracing, the reply timer and the end are the skeleton's
 * (session.h).
 *
 * A server that accepts the connection and then falls silent must not
 * hold the device for ever: after PC_REPLY_NS without a byte from it,
 * the client gives up (RST) without QUIT, so the server never enters
 * UPDATE and deletes nothing (RFC 1939 6); what was downloaded whole is
 * kept.
 */
#include "pop3.h"
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

/*
 * The session's state as RFC 1939 3 names it, seen from the client; the
 * order is the order a session goes through them.  PC_CONNECTING (state
 * 0, the skeleton's first) is everything before the greeting: the name
 * lookup and the TCP handshake.
 */
enum pc_state {
	PC_CONNECTING,		/* finding the server, connecting, awaiting the greeting */
	PC_AUTHORIZATION,	/* greeted: USER and PASS */
	PC_TRANSACTION,		/* logged in: STAT, UIDL, RETR, DELE */
	PC_UPDATE,		/* QUIT sent from TRANSACTION: the server removes what DELE marked */
	PC_DONE,		/* closing; replies are no longer read */
	PC_NSTATES
};

static const char *const pc_state_names[PC_NSTATES] = {
	"CONNECTING", "AUTHORIZATION", "TRANSACTION", "UPDATE", "DONE",
};
static const char *const pc_state_keys[PC_NSTATES] = {
	"session.pop3_client.connecting",
	"session.pop3_client.authorization",
	"session.pop3_client.transaction",
	"session.pop3_client.update",
	"session.pop3_client.done",
};

/* The reply the client waits for: the greeting, or that of a command. */
enum pc_wait {
	PW_GREETING,		/* "+OK ... ready" */
	PW_USER,
	PW_PASS,
	PW_STAT,
	PW_UIDL,		/* the unique-id listing */
	PW_RETR,		/* one message */
	PW_DELE,
	PW_QUIT,
};

struct pop3_fetch {
	struct msess	 m;		/* first: the skeleton (session.h) */
	int		 server;	/* the scenario's server, where the mail is kept */
	const char	*user, *password;	/* the scenario's strings */
	int		 keep;		/* leave the mail on the server */
	enum pc_wait	 wait;
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
	int		 nhad, nretr;	/* kept and already here; downloaded now */
};

static const char *
pc_wait_str(enum pc_wait w)
{
	static const char *const names[] = {
		"greeting", "USER", "PASS", "STAT", "UIDL", "RETR", "DELE",
		"QUIT",
	};

	return (unsigned)w < sizeof names / sizeof *names ? names[w] : "?";
}

/* The one place the state changes: the skeleton traces "old -> new". */
static void
pc_enter_state(struct pop3_fetch *f, enum pc_state st)
{
	msess_enter_state(&f->m, st);
}

/* The end of the dialogue: FIN after what is queued. */
static void
pc_done(struct pop3_fetch *f)
{
	pc_enter_state(f, PC_DONE);
	msess_close(&f->m);
}

/* Send the command that w is the reply to, and wait for that reply. */
static void
pc_command(struct pop3_fetch *f, enum pc_wait w)
{
	enum pc_wait prev = f->wait;
	struct say y;

	f->wait = w;
	switch (w) {
	case PW_USER:
		say_begin(&y, "pop3.user");
		say_str(&y, "user", f->user);
		msess_command(&f->m, &y, NULL, "USER %s", f->user);
		break;
	case PW_PASS:
		say_begin(&y, "pop3.pass");
		say_str(&y, "user", f->user);
		/* The password crosses the wire in clear (the pcap shows it); the transcript does not. */
		msess_command(&f->m, &y, "PASS (password)", "PASS %s", f->password);
		break;
	case PW_STAT:
		say_begin(&y, "pop3.stat");
		msess_command(&f->m, &y, NULL, "STAT");
		break;
	case PW_UIDL:
		say_begin(&y, "pop3.uidl");
		msess_command(&f->m, &y, NULL, "UIDL");
		break;
	case PW_RETR:
		say_begin(&y, "pop3.retr");
		say_num(&y, "value", f->cur);
		msess_command(&f->m, &y, NULL, "RETR %u", (unsigned)f->cur);
		break;
	case PW_DELE:
		/* Downloaded just now, or on an earlier visit that kept it on the server. */
		say_begin(&y, f->had_it ? "pop3.dele.had_it" : "pop3.dele");
		say_num(&y, "value", f->cur);
		msess_command(&f->m, &y, NULL, "DELE %u", (unsigned)f->cur);
		break;
	case PW_QUIT:
		/* Why it leaves: all done, nothing waiting, or not let in. */
		/* All there already: UIDL's ids named only what it has. */
		say_begin(&y, f->m.state != PC_TRANSACTION ? "pop3.quit.not_in" :
		    prev == PW_STAT && f->ok ? "pop3.quit.nothing" :
		    f->nhad > 0 && f->nretr == 0 ? "pop3.quit.has_all" :
		    "pop3.quit");
		msess_command(&f->m, &y, NULL, "QUIT");
		/*
		 * RFC 1939 6: "When the client issues the QUIT command from
		 * the TRANSACTION state, the POP3 session enters the UPDATE
		 * state."  From AUTHORIZATION it just ends (RFC 1939 4).
		 */
		if (f->m.state == PC_TRANSACTION)
			pc_enter_state(f, PC_UPDATE);
		break;
	default:
		fatalx("pop3: no command for the %s", pc_wait_str(w));
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
		if (id == NULL || !device_has_uidl(f->m.s, f->m.node, f->server,
		    f->user, id)) {
			f->nretr++;
			pc_command(f, PW_RETR);
			return;
		}
		f->nhad++;
		if (!f->keep) {
			f->had_it = 1;
			pc_command(f, PW_DELE);
			return;
		}
	}
	pc_command(f, PW_QUIT);
}

static void
pc_response(struct pop3_fetch *f)
{
	switch (f->wait) {
	case PW_GREETING:
		if (!f->ok) {
			pc_command(f, PW_QUIT);
			break;
		}
		/*
		 * RFC 1939 3: "Once the TCP connection has been opened and the
		 * POP3 server has sent the greeting, the session enters the
		 * AUTHORIZATION state."
		 */
		pc_enter_state(f, PC_AUTHORIZATION);
		pc_command(f, PW_USER);
		break;
	case PW_USER:
		pc_command(f, f->ok ? PW_PASS : PW_QUIT);
		break;
	case PW_PASS:
		/* -ERR: a wrong password, or the maildrop is busy: say goodbye politely. */
		if (!f->ok) {
			pc_command(f, PW_QUIT);
			break;
		}
		/* RFC 1939 4: the maildrop is locked for us, "the POP3 session is now in the TRANSACTION state". */
		pc_enter_state(f, PC_TRANSACTION);
		pc_command(f, PW_STAT);
		break;
	case PW_STAT: {
		uint64_t octets;

		if (!f->ok || pop3_parse_stat(f->text, strlen(f->text),
		    &f->count, &octets) != 0 || f->count == 0) {
			f->count = 0;
			pc_command(f, PW_QUIT);	/* nothing waiting */
			break;
		}
		f->uidl = xcalloc((size_t)f->count + 1, sizeof *f->uidl);
		pc_command(f, PW_UIDL);
		break;
	}
	case PW_UIDL:
		/* UIDL is optional (RFC 1939 7): without it every message is new. */
		if (f->ok)
			pc_read_uidl(f);
		f->cur = 0;
		pc_next(f);
		break;
	case PW_RETR:
		if (f->ok && !f->body_bad) {
			device_store(f->m.s, f->m.node, f->server, f->user,
			    FETCH_POP3, f->uidl[f->cur], 0, 0, f->body.data ?
			    f->body.data : (const uint8_t *)"", f->body.len, 0,
			    f->keep ? "state.client_store_pop3_keep" :
			    "state.client_store_pop3");
			if (!f->keep) {
				pc_command(f, PW_DELE);
				break;
			}
		}
		pc_next(f);
		break;
	case PW_DELE:
		pc_next(f);
		break;
	case PW_QUIT:
		pc_done(f);
		break;
	default:
		fatalx("pop3: a reply to the %s in client state %s",
		    pc_wait_str(f->wait), pc_state_names[f->m.state]);
	}
}

/* A line from the server: a status line, or a line of a multi-line body. */
static void
pc_line(struct msess *m, enum line_status st, const char *line, size_t len)
{
	struct pop3_fetch *f = (struct pop3_fetch *)m;
	struct pop3_reply r;

	if (f->multi) {
		/* A body line: unstuffed, up to the line "." (RFC 1939 3). */
		if (st == LINE_TOO_LONG)
			f->body_bad = 1;
		else if (pop3_unstuff_line(line, len, &f->body)) {
			f->multi = 0;
			pc_response(f);
		}
		return;
	}
	if (st != LINE_OK || pop3_parse_status(line, len, &r) != 0) {
		/* Not a POP3 status line: nothing sensible can follow. */
		pc_done(f);
		return;
	}
	f->ok = r.ok;
	free(f->text);
	f->text = xstrndup(r.text, r.textlen);
	/* Only +OK to UIDL or RETR has a body; -ERR is always one line. */
	if (r.ok && (f->wait == PW_UIDL || f->wait == PW_RETR)) {
		f->multi = 1;
		f->body_bad = 0;
		f->body.len = 0;
		return;
	}
	pc_response(f);
}

/*
 * The server said nothing for PC_REPLY_NS: give up on it.  No QUIT:
 * RFC 1939 6, the server "does NOT enter the UPDATE state", so the
 * messages marked with DELE stay on it.  RST, and TCP forgets the
 * connection at once.
 */
static void
pc_timeout(struct msess *m)
{
	pc_enter_state((struct pop3_fetch *)m, PC_DONE);
	msess_abort(m);
}

/* The fetch is going, however it ended (refused, reset, timed out: the trace has the TCP story). */
static void
pc_end(struct msess *m)
{
	struct pop3_fetch *f = (struct pop3_fetch *)m;

	if (f->uidl)
		for (uint32_t i = 0; i <= f->count; i++)
			free(f->uidl[i]);
	free(f->uidl);
	free(f->text);
	buf_free(&f->body);
}

static const struct msess_ops pc_ops = {
	.name = "pop3 client",
	.proto = APP_POP3,
	.state_names = pc_state_names,
	.state_keys = pc_state_keys,
	.nstates = PC_NSTATES,
	.done = PC_DONE,
	.line_max = PC_LINE_MAX,
	.idle_ns = PC_REPLY_NS,
	.client = 1,
	.line = pc_line,
	.timeout = pc_timeout,
	.release = pc_end,
};

void
pop3_fetch(struct sim *s, int ai)
{
	const struct sc_action *act = &s->sc->actions[ai];
	struct pop3_world *w = pop3_world(s);
	struct pop3_fetch *f;

	if (!s->nodes[act->node].up)
		return;		/* a switched-off device checks nothing */
	f = (struct pop3_fetch *)msess_client(s, act->node, &pc_ops, sizeof *f,
	    &w->fetches);
	f->server = act->server;
	f->user = act->user;
	f->password = act->password;
	f->keep = act->keep;
	/* RFC 1939 4: the server speaks first; its greeting is the first reply awaited. */
	f->wait = PW_GREETING;
	msess_connect_name(&f->m, act->server,
	    (uint16_t)s->sc->nodes[act->server].pop3.port);
}
