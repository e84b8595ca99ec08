/*
 * imap_client.c: the person's mail program checking mail by IMAP
 * (RFC 3501), the `fetch` action with protocol imap (S12 of the story).
 * It finds the server by name through DNS when the device has a
 * resolver, logs in, opens INBOX, asks for the UIDs of every message,
 * downloads each one this device has not downloaded before, and logs
 * out.  The server keeps the mail and marks it \Seen, so another device
 * finds the same messages there.
 *
 * Real clients remember messages by UIDVALIDITY and UID (RFC 3501
 * 2.3.1.1): a UID never names another message while UIDVALIDITY stays
 * the same, so "have I got this one?" needs no download.  Like them,
 * this client fetches by UID whatever the flags: a message someone read
 * on the phone is still new to the laptop.
 *
 * The shape is OpenSMTPD's mta_session.c, like smtp_client.c:
 * ic_enter_state() sends the command of a state and ic_response() reads
 * the tagged completion and picks the next state.  Untagged data (EXISTS,
 * UIDVALIDITY, SEARCH, FETCH) is noted as it arrives before it.  One
 * command at a time, so a student can match each with its answer.
 *
 * A server that falls silent does not hold the device for ever: after
 * IC_REPLY_NS without a byte from it the client gives up (RST); the mail
 * stays on the server, and what was downloaded whole stays on the device.
 */
#include "dns.h"
#include "imap.h"
#include "tcp.h"
#include "world.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum ic_state {
	IC_RESOLVING,		/* asking DNS for the server's address */
	IC_CONNECTING,
	IC_GREETING,		/* waiting for "* OK" */
	IC_LOGIN,
	IC_SELECT,
	IC_SEARCH,		/* UID SEARCH ALL */
	IC_FETCH,		/* UID FETCH n (FLAGS BODY[]) */
	IC_LOGOUT,
	IC_DONE,
};

/*
 * How long the client waits for the server to say something.  RFC 3501
 * gives the server an autologout of at least 30 minutes (5.4) and the
 * client no timer at all.  We borrow RFC 5321 4.5.3.2: "an SMTP client
 * MUST provide a timeout mechanism", 5 minutes for the greeting and a
 * command's reply, the wait starting again with every piece that
 * arrives (4.5.3.2.5, the DATA block), so a big message on a slow line
 * is not cut.  Five minutes is longer than TCP's retransmissions give a
 * dead peer (sim/net/tcp.c): this timer catches a live, silent server.
 */
#define IC_REPLY_NS	(5 * 60 * SIM_SEC)

/* The pieces of a command: a literal waits for "+" (RFC 3501 7.5). */
#define IC_PIECES	4

struct imap_client {
	struct sim	*s;
	struct imap_client *next;
	int		 action;
	int		 node, server;
	const char	*user, *password;	/* the scenario's */
	struct tcp_conn	*c;
	enum ic_state	 state;
	uint64_t	 dns;		/* lookup under way, or 0 */
	struct buf	 in;
	struct imap_framer fr;
	int		 ntag;		/* commands sent: a1, a2 ... */
	struct buf	 wire[IC_PIECES], shown[IC_PIECES];
	int		 npieces, sent;	/* pieces of the command, and sent so far */
	uint32_t	 exists, uidvalidity;
	uint32_t	*uids;		/* to download */
	int		 nuids, iuid;
	ev_id		 timer;		/* the wait for the server (IC_REPLY_NS) */
};

static void	ic_enter_state(struct imap_client *, enum ic_state);
static void	ic_free_all(struct sim *);
static void	ic_free(struct imap_client *);

/* The server said nothing for IC_REPLY_NS: give up on it. */
static void
ic_timer_fire(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct imap_client *ic = obj;

	(void)ctx;
	(void)a;
	(void)b;
	ic->timer = 0;
	if (tcp_conn_unsent(ic->c) > 0) {
		/* Our own command is still on its way: TCP watches that. */
		ic->timer = evq_at(ic->s->q, sim_time(ic->s) + IC_REPLY_NS,
		    ic_timer_fire, NULL, ic, 0, 0);
		return;
	}
	/* No LOGOUT to a server that does not listen: RST, and forget it. */
	tcp_abort(ic->c);
	ic->c = NULL;
	ic_free(ic);
}

/* (Re)start the wait for the server: a command sent, or bytes received. */
static void
ic_timer_start(struct imap_client *ic)
{
	evq_cancel(ic->s->q, ic->timer);
	ic->timer = evq_at(ic->s->q, sim_time(ic->s) + IC_REPLY_NS,
	    ic_timer_fire, NULL, ic, 0, 0);
}

/* ---- commands ------------------------------------------------------ */

/* A new command "aN VERB args": a fresh tag for each (RFC 3501 2.2.1). */
static void
cmd_begin(struct imap_client *ic, const char *verb)
{
	for (int i = 0; i < IC_PIECES; i++) {
		ic->wire[i].len = 0;
		ic->shown[i].len = 0;
	}
	ic->npieces = 1;
	ic->sent = 0;
	ic->ntag++;
	buf_printf(&ic->wire[0], "a%d %s", ic->ntag, verb);
	buf_printf(&ic->shown[0], "a%d %s", ic->ntag, verb);
}

/*
 * A string argument in the simplest form that carries it (atom, quoted
 * or literal).  A literal ends the piece: its octets go in the next one,
 * after the server's "+".  A secret is never shown in the transcript.
 */
static void
cmd_string(struct imap_client *ic, const char *s, const char *secret)
{
	size_t n = strlen(s);
	int k = ic->npieces - 1;

	buf_putc(&ic->wire[k], ' ');
	buf_putc(&ic->shown[k], ' ');
	if (imap_quote_kind(s, n, 1) != IMAP_Q_LITERAL || k + 1 >= IC_PIECES) {
		imap_put_string(&ic->wire[k], s, n, 1);
		if (secret)
			buf_puts(&ic->shown[k], secret);
		else
			imap_put_string(&ic->shown[k], s, n, 1);
		return;
	}
	buf_printf(&ic->wire[k], "{%zu}\r\n", n);
	buf_printf(&ic->shown[k], "{%zu}", n);
	buf_append(&ic->wire[k + 1], s, n);
	if (secret)
		buf_puts(&ic->shown[k + 1], secret);
	else
		imap_shown((const uint8_t *)s, n, &ic->shown[k + 1]);
	ic->npieces++;
}

/*
 * Send the next piece and record it as one application message.  y is
 * the narration of the command the client chose (it knows why it sends
 * it); NULL for the rest of a command after the server's "+".
 */
static void
cmd_send_piece(struct imap_client *ic, struct say *y)
{
	int k = ic->sent++;
	struct say rest;
	char *text;

	if (k == ic->npieces - 1)
		buf_puts(&ic->wire[k], "\r\n");
	tcp_send(ic->c, ic->wire[k].data, ic->wire[k].len);
	ic_timer_start(ic);
	text = xasprintf("C: %s", ic->shown[k].data ? (char *)ic->shown[k].data :
	    "");
	if (y == NULL) {
		say_begin(&rest, "imap.literal");
		y = &rest;
	}
	sim_app_say(ic->s, ic->node, ic->server, APP_IMAP, text, strlen(text),
	    sim_say(ic->s, y));
	free(text);
}

/* Unlink and free; a lookup still under way is cancelled. */
static void
ic_free(struct imap_client *ic)
{
	struct imap_client **pp;

	for (pp = &imap_world(ic->s)->clients; *pp; pp = &(*pp)->next)
		if (*pp == ic) {
			*pp = ic->next;
			break;
		}
	if (ic->dns)
		dns_cancel(ic->s, ic->dns);
	evq_cancel(ic->s->q, ic->timer);
	buf_free(&ic->in);
	for (int i = 0; i < IC_PIECES; i++) {
		buf_free(&ic->wire[i]);
		buf_free(&ic->shown[i]);
	}
	free(ic->uids);
	free(ic);
}

static void
ic_enter_state(struct imap_client *ic, enum ic_state st)
{
	struct say y;

	ic->state = st;
	switch (st) {
	case IC_LOGIN:
		cmd_begin(ic, "LOGIN");
		cmd_string(ic, ic->user, NULL);
		cmd_string(ic, ic->password, "(password)");
		say_begin(&y, "imap.login");
		say_str(&y, "user", ic->user);
		cmd_send_piece(ic, &y);
		break;
	case IC_SELECT:
		cmd_begin(ic, "SELECT INBOX");
		say_begin(&y, "imap.select");
		say_str(&y, "value", "INBOX");
		cmd_send_piece(ic, &y);
		break;
	case IC_SEARCH:
		/* Every UID, whatever the flags: "unseen" is not "not here". */
		cmd_begin(ic, "UID SEARCH ALL");
		say_begin(&y, "imap.search");
		say_str(&y, "value", "ALL");
		cmd_send_piece(ic, &y);
		break;
	case IC_FETCH: {
		/* BODY[], not BODY.PEEK[]: reading it marks it \Seen (6.4.5). */
		uint32_t uid = ic->uids[ic->iuid++];
		char *verb = xasprintf("UID FETCH %u (FLAGS BODY[])", uid);
		cmd_begin(ic, verb);
		free(verb);
		/* By UID, not by message number: the narration says which (6.4.8). */
		say_begin(&y, "imap.fetch_uid");
		say_num(&y, "uid", uid);
		cmd_send_piece(ic, &y);
		break;
	}
	case IC_LOGOUT:
		cmd_begin(ic, "LOGOUT");
		say_begin(&y, "imap.logout");
		cmd_send_piece(ic, &y);
		break;
	case IC_DONE:
		evq_cancel(ic->s->q, ic->timer);
		ic->timer = 0;
		tcp_close(ic->c);
		break;
	default:
		break;
	}
}

/* The next message to download, or LOGOUT when there is none left. */
static void
next_fetch(struct imap_client *ic)
{
	ic_enter_state(ic, ic->iuid < ic->nuids ? IC_FETCH : IC_LOGOUT);
}

/* ---- responses ----------------------------------------------------- */

/* "* 1 FETCH (UID 4 FLAGS (\Seen) BODY[] {N} ...)": keep the message. */
static void
got_fetch(struct imap_client *ic, const struct imap_resp *r)
{
	const struct imap_val *list = r->data.n == 1 ? &r->data.v[0] : NULL;
	const struct imap_val *uidv = imap_val_get(list, "UID");
	const struct imap_val *body = imap_val_get(list, "BODY[]");
	const struct imap_val *fl = imap_val_get(list, "FLAGS");
	uint32_t uid;
	int flags = 0;

	/* Flag updates alone (another device read it) carry no body. */
	if (ic->state != IC_FETCH || !imap_val_number(uidv, &uid) ||
	    body == NULL || !imap_val_is_string(body) || imap_val_is_nil(body))
		return;
	for (int i = 0; fl && fl->type == IMAP_V_LIST && i < fl->n; i++)
		if (fl->v[i].type == IMAP_V_ATOM)
			flags |= imap_flag_parse(fl->v[i].s);
	flags &= ~IMAP_FL_RECENT;	/* a session flag, not the message's */
	if (device_has_uid(ic->s, ic->node, ic->server, ic->user,
	    ic->uidvalidity, uid))
		return;
	device_store(ic->s, ic->node, ic->server, ic->user, FETCH_IMAP, NULL,
	    ic->uidvalidity, uid, (const uint8_t *)body->s, body->len, flags,
	    "state.client_store_imap");
}

/* Untagged data arrives before the tagged completion of its command. */
static void
ic_untagged(struct imap_client *ic, const struct imap_resp *r)
{
	uint32_t v;

	if (ic->state == IC_GREETING) {
		/* RFC 3501 7.1: OK to log in, PREAUTH already in, BYE go away. */
		if (r->status == IMAP_ST_OK)
			ic_enter_state(ic, IC_LOGIN);
		else if (r->status == IMAP_ST_PREAUTH)
			ic_enter_state(ic, IC_SELECT);
		else
			ic_enter_state(ic, IC_DONE);
		return;
	}
	if (r->status == IMAP_ST_OK && imap_resp_code_num(r, "UIDVALIDITY", &v))
		ic->uidvalidity = v;
	else if (r->has_num && strcmp(r->name, "EXISTS") == 0)
		ic->exists = r->num;
	else if (strcmp(r->name, "SEARCH") == 0 && ic->state == IC_SEARCH) {
		for (int i = 0; i < r->data.n; i++) {
			if (!imap_val_number(&r->data.v[i], &v))
				continue;
			/* Only what this device has not downloaded before. */
			if (device_has_uid(ic->s, ic->node, ic->server, ic->user,
			    ic->uidvalidity, v))
				continue;
			ic->uids = xrealloc(ic->uids, (size_t)(ic->nuids + 1) *
			    sizeof *ic->uids);
			ic->uids[ic->nuids++] = v;
		}
	} else if (r->has_num && strcmp(r->name, "FETCH") == 0)
		got_fetch(ic, r);
}

static void
ic_response(struct imap_client *ic, const struct imap_resp *r)
{
	int ok = r->status == IMAP_ST_OK;

	if (r->kind == IMAP_RESP_CONT) {
		/* The server is ready for our literal. */
		if (ic->sent < ic->npieces)
			cmd_send_piece(ic, NULL);
		return;
	}
	if (r->kind == IMAP_RESP_UNTAGGED) {
		ic_untagged(ic, r);
		return;
	}
	/* The tagged completion ends the command, sent whole or not. */
	ic->sent = ic->npieces;
	switch (ic->state) {
	case IC_LOGIN:
		/* A wrong password: say goodbye properly, keep nothing. */
		ic_enter_state(ic, ok ? IC_SELECT : IC_LOGOUT);
		break;
	case IC_SELECT:
		ic_enter_state(ic, ok && ic->exists > 0 ? IC_SEARCH : IC_LOGOUT);
		break;
	case IC_SEARCH:
		if (!ok)
			ic->nuids = 0;
		next_fetch(ic);
		break;
	case IC_FETCH:
		/* A message that failed does not stop the others. */
		next_fetch(ic);
		break;
	case IC_LOGOUT:
		ic_enter_state(ic, IC_DONE);
		break;
	default:
		/* A tagged response before the greeting: not an IMAP server. */
		ic_enter_state(ic, IC_DONE);
		break;
	}
}

/*
 * Bytes from the server: frame responses with the same codec the server
 * uses, literals included (a message is one), and read them in order.
 */
static void
ic_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct imap_client *ic = u;
	size_t off = 0;

	(void)c;
	if (ic->state == IC_DONE || n == 0)
		return;
	ic_timer_start(ic);	/* the server is alive */
	buf_append(&ic->in, p, n);
	while (ic->state != IC_DONE) {
		size_t len;
		uint64_t lit;
		enum imap_frame st = imap_framer_next(&ic->fr, ic->in.data + off,
		    ic->in.len - off, &len, &lit);

		if (st == IMAP_FRAME_MORE)
			break;
		if (st == IMAP_FRAME_LITERAL)
			continue;	/* a server's literal needs no "+" */
		if (st == IMAP_FRAME_DONE) {
			struct imap_resp r;

			if (imap_parse_response(ic->in.data + off, len, &r) == 0)
				ic_response(ic, &r);
			else
				ic_enter_state(ic, IC_DONE);	/* not IMAP: give up */
			imap_resp_free(&r);
		} else if (st == IMAP_FRAME_TOO_LONG)
			ic_enter_state(ic, IC_DONE);
		off += len;
	}
	memmove(ic->in.data, ic->in.data + off, ic->in.len - off);
	ic->in.len -= off;
}

/* The handshake is done; the server speaks first (RFC 3501 7.1.1). */
static void
ic_connected(struct tcp_conn *c, void *u)
{
	struct imap_client *ic = u;

	(void)c;
	ic->state = IC_GREETING;
	ic_timer_start(ic);
}

static void
ic_peer_closed(struct tcp_conn *c, void *u)
{
	struct imap_client *ic = u;

	/* The server hung up (after BYE, or without a word): we close too. */
	if (ic->state != IC_DONE) {
		ic->state = IC_DONE;
		evq_cancel(ic->s->q, ic->timer);
		ic->timer = 0;
		tcp_close(c);
	}
}

/* Both sides closed: the fetch is over. */
static void
ic_closed(struct tcp_conn *c, void *u)
{
	(void)c;
	ic_free(u);
}

static void
ic_error(struct tcp_conn *c, void *u, enum tcp_err e)
{
	(void)c;
	(void)e;
	/* Refused, timed out, reset: what was stored stays, the rest waits. */
	ic_free(u);
}

static const struct tcp_ops ic_ops = {
	.connected = ic_connected,
	.data = ic_data,
	.peer_closed = ic_peer_closed,
	.closed = ic_closed,
	.error = ic_error,
};

/* Connect to the server's imap port, as its scenario gives it. */
static void
ic_connect(struct imap_client *ic, uint32_t ip)
{
	ic->state = IC_CONNECTING;
	ic->c = tcp_connect(ic->s, ic->node, ip,
	    (uint16_t)ic->s->sc->nodes[ic->server].imap.port, &ic_ops, ic);
	if (ic->c == NULL)
		ic_free(ic);		/* our own machine is off */
}

static void
ic_resolved(struct sim *s, void *u, const struct dns_answer *a)
{
	struct imap_client *ic = u;

	(void)s;
	ic->dns = 0;
	if (a->status != DNS_OK || a->n == 0) {
		/* No address, no connection: the person sees nothing new. */
		ic_free(ic);
		return;
	}
	ic_connect(ic, a->rr[0].rd.a);
}

/* The `fetch` action with protocol imap (mail_fetch_action()). */
void
imap_fetch(struct sim *s, int ai)
{
	const struct sc_action *act = &s->sc->actions[ai];
	struct imap_world *w = imap_world(s);
	struct imap_client *ic;

	w->end_clients = ic_free_all;
	/* A switched-off device checks nothing. */
	if (!s->nodes[act->node].up)
		return;
	ic = xcalloc(1, sizeof *ic);
	ic->s = s;
	ic->action = ai;
	ic->node = act->node;
	ic->server = act->server;
	ic->user = act->user;
	ic->password = act->password;
	imap_framer_init(&ic->fr, IMAP_RESP_LINE_MAX, IMAP_RESP_LITERAL_MAX);
	ic->next = w->clients;
	w->clients = ic;
	/* As the mail program finds its submission server (mua.c): by name. */
	if (s->sc->nodes[act->node].resolver >= 0) {
		ic->state = IC_RESOLVING;
		ic->dns = dns_query(s, act->node,
		    s->sc->nodes[act->server].hostname, DNS_T_A, ic_resolved, ic);
	} else
		ic_connect(ic, s->sc->nodes[act->server].ip);
}

/* From imap_free_all(): devices still fetching when the world ends. */
static void
ic_free_all(struct sim *s)
{
	struct imap_world *w = s->mail->imap;

	while (w && w->clients)
		ic_free(w->clients);
}
