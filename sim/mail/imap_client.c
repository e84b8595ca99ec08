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
 * ic_command() sends a command and ic_response() reads its tagged
 * completion and picks the next.  Untagged data (EXISTS, UIDVALIDITY,
 * SEARCH, FETCH) is noted as it arrives before it.  One command at a
 * time, so a student can match each with its answer.  The session's
 * state is RFC 3501's (section 3), as the client learns it from the
 * server's answers: not authenticated until LOGIN is accepted,
 * authenticated, selected once SELECT is, logout at the end.
 *
 * A server that falls silent does not hold the device for ever: after
 * IC_REPLY_NS without a byte from it the client gives up (RST); the mail
 * stays on the server, and what was downloaded whole stays on the device.
 */
#include "imap.h"
#include "world.h"

#include <stdlib.h>
#include <string.h>

/* The session's state (RFC 3501 3), as the server's answers tell it. */
enum ic_state {
	CS_NOTAUTH,		/* connecting, greeted, logging in */
	CS_AUTH,		/* LOGIN accepted (or PREAUTH) */
	CS_SELECTED,		/* SELECT INBOX accepted */
	CS_LOGOUT,		/* the end: the connection closes */
	CS_NSTATES
};

static const char *const cs_names[CS_NSTATES] = {
	[CS_NOTAUTH] = "not authenticated",
	[CS_AUTH] = "authenticated",
	[CS_SELECTED] = "selected",
	[CS_LOGOUT] = "logout",
};

static const char *const cs_keys[CS_NSTATES] = {
	[CS_NOTAUTH] = "session.imap_client.not_authenticated",
	[CS_AUTH] = "session.imap_client.authenticated",
	[CS_SELECTED] = "session.imap_client.selected",
	[CS_LOGOUT] = "session.imap_client.logout",
};

/* What the client waits for: the greeting, or its command's completion. */
enum ic_cmd {
	IC_GREETING,		/* waiting for "* OK" */
	IC_LOGIN,
	IC_SELECT,
	IC_SEARCH,		/* UID SEARCH ALL */
	IC_FETCH,		/* UID FETCH n (FLAGS BODY[]) */
	IC_LOGOUT,
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
	struct msess	 m;		/* first: the skeleton (session.h); m.state is an ic_state */
	int		 action;
	int		 server;	/* the account's server, as the scenario gives it */
	const char	*user, *password;	/* the scenario's */
	enum ic_cmd	 cmd;		/* what it waits for */
	struct imap_in	 in;
	int		 ntag;		/* commands sent: a1, a2 ... */
	struct buf	 wire[IC_PIECES], shown[IC_PIECES];
	int		 npieces, sent;	/* pieces of the command, and sent so far */
	uint32_t	 exists, uidvalidity;
	uint32_t	*uids;		/* to download */
	int		 nuids, iuid;
	int		 nhad;		/* UIDs the search named that the device has */
	int		 searched;	/* the UID SEARCH completed */
};

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
	text = xasprintf("C: %s", ic->shown[k].data ? (char *)ic->shown[k].data :
	    "");
	if (y == NULL) {
		say_begin(&rest, "imap.literal");
		y = &rest;
	}
	/* The skeleton starts the wait for the reply (IC_REPLY_NS). */
	msess_send(&ic->m, ic->wire[k].data, ic->wire[k].len, text,
	    strlen(text), sim_say(ic->m.s, y));
	free(text);
}

/* The end: logout (RFC 3501 3.4), and the connection closes. */
static void
ic_end(struct imap_client *ic)
{
	msess_enter_state(&ic->m, CS_LOGOUT);
	msess_close(&ic->m);
}

/* Send the command that waits for cmd's completion. */
static void
ic_command(struct imap_client *ic, enum ic_cmd cmd)
{
	struct say y;

	ic->cmd = cmd;
	switch (cmd) {
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
		/*
		 * By UID, not by message number: the narration says which
		 * (6.4.8), and, where the device has some mails already, that
		 * their UIDs are how it knows to download only this one.
		 */
		say_begin(&y, ic->nhad > 0 && ic->iuid == 1 ?
		    "imap.fetch_uid.new" : "imap.fetch_uid");
		say_num(&y, "uid", uid);
		if (ic->nhad > 0)
			say_num(&y, "count", ic->nhad);
		cmd_send_piece(ic, &y);
		break;
	}
	case IC_LOGOUT:
		cmd_begin(ic, "LOGOUT");
		/* Nothing new: the UIDs said the device has every mail already. */
		say_begin(&y, ic->searched && ic->nuids == 0 && ic->nhad > 0 ?
		    "imap.logout.has_all" : "imap.logout");
		if (ic->nhad > 0)
			say_num(&y, "count", ic->nhad);
		cmd_send_piece(ic, &y);
		break;
	default:
		break;
	}
}

/* The next message to download, or LOGOUT when there is none left. */
static void
next_fetch(struct imap_client *ic)
{
	ic_command(ic, ic->iuid < ic->nuids ? IC_FETCH : IC_LOGOUT);
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
	if (ic->cmd != IC_FETCH || !imap_val_number(uidv, &uid) ||
	    body == NULL || !imap_val_is_string(body) || imap_val_is_nil(body))
		return;
	for (int i = 0; fl && fl->type == IMAP_V_LIST && i < fl->n; i++)
		if (fl->v[i].type == IMAP_V_ATOM)
			flags |= imap_flag_parse(fl->v[i].s);
	flags &= ~IMAP_FL_RECENT;	/* a session flag, not the message's */
	if (device_has_uid(ic->m.s, ic->m.node, ic->server, ic->user,
	    ic->uidvalidity, uid))
		return;
	device_store(ic->m.s, ic->m.node, ic->server, ic->user, FETCH_IMAP, NULL,
	    ic->uidvalidity, uid, (const uint8_t *)body->s, body->len, flags,
	    "state.client_store_imap");
}

/* Untagged data arrives before the tagged completion of its command. */
static void
ic_untagged(struct imap_client *ic, const struct imap_resp *r)
{
	uint32_t v;

	if (ic->cmd == IC_GREETING) {
		/* RFC 3501 7.1: OK to log in, PREAUTH already in, BYE go away. */
		if (r->status == IMAP_ST_OK)
			ic_command(ic, IC_LOGIN);
		else if (r->status == IMAP_ST_PREAUTH) {
			msess_enter_state(&ic->m, CS_AUTH);
			ic_command(ic, IC_SELECT);
		} else
			ic_end(ic);
		return;
	}
	if (r->status == IMAP_ST_OK && imap_resp_code_num(r, "UIDVALIDITY", &v))
		ic->uidvalidity = v;
	else if (r->has_num && strcmp(r->name, "EXISTS") == 0)
		ic->exists = r->num;
	else if (strcmp(r->name, "SEARCH") == 0 && ic->cmd == IC_SEARCH) {
		for (int i = 0; i < r->data.n; i++) {
			if (!imap_val_number(&r->data.v[i], &v))
				continue;
			/* Only what this device has not downloaded before. */
			if (device_has_uid(ic->m.s, ic->m.node, ic->server,
			    ic->user, ic->uidvalidity, v)) {
				ic->nhad++;
				continue;
			}
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
	switch (ic->cmd) {
	case IC_LOGIN:
		/* A wrong password: say goodbye properly, keep nothing. */
		if (ok)
			msess_enter_state(&ic->m, CS_AUTH);
		ic_command(ic, ok ? IC_SELECT : IC_LOGOUT);
		break;
	case IC_SELECT:
		if (ok)
			msess_enter_state(&ic->m, CS_SELECTED);
		ic_command(ic, ok && ic->exists > 0 ? IC_SEARCH : IC_LOGOUT);
		break;
	case IC_SEARCH:
		if (!ok)
			ic->nuids = ic->nhad = 0;
		ic->searched = ok;
		next_fetch(ic);
		break;
	case IC_FETCH:
		/* A message that failed does not stop the others. */
		next_fetch(ic);
		break;
	case IC_LOGOUT:
		ic_end(ic);
		break;
	default:
		/* A tagged response before the greeting: not an IMAP server. */
		ic_end(ic);
		break;
	}
}

/*
 * One line from the server (msess_lines): a response, or part of one
 * that goes on after a literal (a message is one); the same reading as
 * the server's.  A server's literal needs no "+".
 */
static void
ic_line(struct msess *m, enum line_status st, const char *line, size_t n)
{
	struct imap_client *ic = (struct imap_client *)m;
	struct imap_resp r;
	uint64_t lit;

	switch (imap_in_line(&m->lb, &ic->in, st, line, n, &lit)) {
	case IMAP_FRAME_DONE:
		if (imap_parse_response(ic->in.unit.data, ic->in.unit.len,
		    &r) == 0)
			ic_response(ic, &r);
		else
			ic_end(ic);	/* not IMAP: give up */
		imap_resp_free(&r);
		break;
	case IMAP_FRAME_TOO_LONG:
		ic_end(ic);
		break;
	default:
		break;
	}
}

/* Bytes from the server: a literal's octets as they are, the rest as lines. */
static void
ic_data(struct msess *m, const uint8_t *p, size_t n)
{
	struct imap_client *ic = (struct imap_client *)m;
	size_t k;

	if (m->state == CS_LOGOUT)
		return;
	k = imap_in_octets(&ic->in, p, n);
	if (k < n)
		msess_lines(m, p + k, n - k);
}

/* The server said nothing for IC_REPLY_NS: give up on it. */
static void
ic_timeout(struct msess *m)
{
	/* No LOGOUT to a server that does not listen: RST, and forget it. */
	msess_abort(m);
}

static void
ic_release(struct msess *m)
{
	struct imap_client *ic = (struct imap_client *)m;

	imap_in_free(&ic->in);
	for (int i = 0; i < IC_PIECES; i++) {
		buf_free(&ic->wire[i]);
		buf_free(&ic->shown[i]);
	}
	free(ic->uids);
}

/*
 * The server speaks first (RFC 3501 7.1.1): the skeleton starts the wait
 * for the greeting when the connection is open.  A server that hangs up
 * ends the session (logout); a connection refused, timed out or reset
 * ends it too: what was stored stays, the rest waits on the server.
 */
static const struct msess_ops ic_ops = {
	.name = "imap client",
	.proto = APP_IMAP,
	.state_names = cs_names,
	.state_keys = cs_keys,
	.nstates = CS_NSTATES,
	.done = CS_LOGOUT,
	.line_max = IMAP_RESP_LINE_MAX,
	.idle_ns = IC_REPLY_NS,
	.client = 1,
	.data = ic_data,
	.line = ic_line,
	.timeout = ic_timeout,
	.release = ic_release,
};

/* The `fetch` action with protocol imap (mail_fetch_action()). */
void
imap_fetch(struct sim *s, int ai)
{
	const struct sc_action *act = &s->sc->actions[ai];
	struct imap_client *ic;

	/* A switched-off device checks nothing. */
	if (!s->nodes[act->node].up)
		return;
	ic = (struct imap_client *)msess_client(s, act->node, &ic_ops,
	    sizeof *ic, &imap_world(s)->clients);
	ic->action = ai;
	ic->server = act->server;
	ic->user = act->user;
	ic->password = act->password;
	ic->cmd = IC_GREETING;
	imap_in_init(&ic->in, IMAP_RESP_LINE_MAX, IMAP_RESP_LITERAL_MAX);
	/* As the mail program finds its submission server (mua.c): by name. */
	msess_connect_name(&ic->m, act->server,
	    (uint16_t)s->sc->nodes[act->server].imap.port);
}
