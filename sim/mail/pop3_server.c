/*
 * pop3_server.c: the mailbox server's side of POP3 (RFC 1939, with
 * CAPA and response codes from RFC 2449 and RFC 3206), one session per
 * TCP connection, on every node whose scenario gives it `pop3`.
 *
 * RFC 1939 3 names the three states a session goes through:
 * AUTHORIZATION (the greeting, then USER and PASS), TRANSACTION (the
 * maildrop is locked; STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP)
 * and UPDATE (after QUIT: the messages marked with DELE are removed).
 * A connection that ends without QUIT never reaches UPDATE, so nothing
 * is removed (RFC 1939 6): that is what makes POP3 safe on a bad line.
 *
 * The shape is OpenSMTPD's smtp_session.c, as in smtp_server.c: a
 * commands[] table pairs each command with a check (sends the -ERR and
 * returns 0 when the command may not run now) and a proceed (does the
 * work and sends the +OK).  What every mail session has (the listening
 * port, the line buffer, sending and tracing, the state change, the
 * autologout timer, the end) is the skeleton's (session.h).
 */
#include "pop3.h"
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A multi-line reply shows at most this many lines in the transcript. */
#define SHOWN_LINES	12
/* RFC 1939 3: an inactivity autologout timer "MUST be of at least 10 minutes". */
#define AUTOLOGOUT_NS	(10 * 60 * SIM_SEC)

/*
 * RFC 1939 3; the order is the order a session goes through them.  A
 * session starts in AUTHORIZATION (state 0: the skeleton's first), as
 * the greeting goes out with the accepted connection.
 */
enum ps_state {
	PS_AUTHORIZATION,	/* greeting sent: USER, PASS, CAPA, QUIT */
	PS_TRANSACTION,		/* logged in, the maildrop locked for us */
	PS_UPDATE,		/* QUIT received: removing what DELE marked */
	PS_DONE,		/* signed off: the connection is closing */
	PS_NSTATES
};

/* What the trace calls each state, and the sentence of entering it. */
static const char *const ps_state_names[PS_NSTATES] = {
	"AUTHORIZATION", "TRANSACTION", "UPDATE", "DONE",
};
static const char *const ps_state_keys[PS_NSTATES] = {
	"session.pop3_server.authorization",
	"session.pop3_server.transaction",
	"session.pop3_server.update",
	"session.pop3_server.done",
};

struct pop3_sess {
	struct msess	 m;		/* first: the skeleton (session.h) */
	char		 user[POP3_ARG_MAX + 1];	/* after USER; "" before */
	struct mailbox	*mb;		/* TRANSACTION: the maildrop we locked */
	/*
	 * RFC 1939 4: message numbers are given at login and stay fixed
	 * for the whole session, so the session keeps the maildrop as it was
	 * then: message n is the one with UID uid[n - 1].  Mail that arrives
	 * later waits for the next session.
	 */
	uint32_t	*uid;
	uint8_t		*deleted;	/* marked by DELE, per message number */
	int		 nmsgs;
	int		 nbad;		/* lines that were no command */
};

/* Lines that are no command before the server gives up (Dovecot's limit too). */
#define POP3_MAX_BAD	20

void
pop3_uidl(const struct mailbox *mb, const struct mbox_msg *m,
    char out[POP3_UID_MAX + 1])
{
	snprintf(out, POP3_UID_MAX + 1, "%u.%u", (unsigned)mb->uidvalidity,
	    (unsigned)m->uid);
}

static const char *
ps_hostname(const struct pop3_sess *ss)
{
	return msess_hostname(&ss->m);
}

/* The one place the state changes: the skeleton traces "old -> new". */
static void
ps_enter_state(struct pop3_sess *ss, enum ps_state st)
{
	msess_enter_state(&ss->m, st);
}

/*
 * The lines of a stuffed body as the transcript shows them: one per
 * line, the final "." included, and only the first SHOWN_LINES of a
 * long listing.
 */
static void
ps_show_body(struct buf *shown, const uint8_t *p, size_t n)
{
	size_t total = 0, lines = 0, i = 0;

	for (size_t k = 0; k < n; k++)
		total += p[k] == '\n';
	while (i < n) {
		const uint8_t *lf = memchr(p + i, '\n', n - i);
		size_t end = lf ? (size_t)(lf - p) : n;
		size_t len = end - i;

		if (len > 0 && p[end - 1] == '\r')
			len--;
		if (lines == SHOWN_LINES && total > SHOWN_LINES + 1) {
			buf_printf(shown, "\n(%zu more lines, the last one \".\")",
			    total - lines);
			return;
		}
		buf_putc(shown, '\n');
		buf_append(shown, p + i, len);
		lines++;
		i = lf ? end + 1 : n;
	}
}

/*
 * The narration key for a number of messages: the sentence for none,
 * for one, or for many (the key itself), so that no sentence says "1
 * message(s)".
 */
static const char *
ps_count_key(int n, const char *none, const char *one, const char *many)
{
	return n == 0 ? none : n == 1 ? one : many;
}

/*
 * Send a reply and put it in the trace as one application message.
 * Each side records what it sends, when it sends it: the client its
 * commands (pop3_client.c), the server its replies.  A multi-line
 * reply carries body (its lines, not yet stuffed); the transcript shows
 * the lines, or `summary` instead where given: a whole message would
 * drown the transcript.
 *
 * y is the narration the server chose, knowing what the reply means (a
 * +OK to PASS is a login, to DELE a mark); NULL is the plain "+OK" or
 * "-ERR".  The status line goes with it as {reply}.
 */
static void
ps_send(struct pop3_sess *ss, int ok, const char *text, const struct buf *body,
    const char *summary, struct say *y)
{
	struct buf wire = { 0 }, shown = { 0 };
	struct say plain;

	pop3_status(&wire, ok, text);
	buf_printf(&shown, "S: %s%s%s", ok ? "+OK" : "-ERR", *text ? " " : "",
	    text);
	if (body != NULL) {
		size_t status_len = wire.len;

		pop3_stuff(body->data, body->len, &wire);
		if (summary != NULL)
			buf_printf(&shown, "\n%s", summary);
		else
			ps_show_body(&shown, wire.data + status_len,
			    wire.len - status_len);
	}
	if (y == NULL) {
		say_begin(&plain, ok ? "pop3.ok" : "pop3.err");
		y = &plain;
	}
	say_strn(y, "reply", (char *)shown.data + 3, strcspn((char *)shown.data
	    + 3, "\n"));
	msess_send(&ss->m, wire.data, wire.len, (char *)shown.data, shown.len,
	    sim_say(ss->m.s, y));
	buf_free(&wire);
	buf_free(&shown);
}

static void
ps_reply(struct pop3_sess *ss, int ok, struct say *y, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A one-line reply; y as for ps_send(). */
static void
ps_reply(struct pop3_sess *ss, int ok, struct say *y, const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	ps_send(ss, ok, b.data ? (char *)b.data : "", NULL, NULL, y);
	buf_free(&b);
}

/* A one-line reply whose narration is key, with no argument but the reply. */
static void
ps_replyk(struct pop3_sess *ss, int ok, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
ps_replyk(struct pop3_sess *ss, int ok, const char *key, const char *fmt, ...)
{
	struct buf b = { 0 };
	struct say y;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	say_begin(&y, key);
	ps_send(ss, ok, b.data ? (char *)b.data : "", NULL, NULL, &y);
	buf_free(&b);
}

/* Message number n of this session (1-based, fixed since login), or NULL if it is gone. */
static struct mbox_msg *
ps_msg(struct pop3_sess *ss, uint32_t n)
{
	if (n == 0 || n > (uint32_t)ss->nmsgs)
		return NULL;
	uint32_t uid = ss->uid[n - 1];
	/* UIDs ascend through the mailbox (RFC 3501 2.3.1.1): a binary search. */
	int lo = 0, hi = ss->mb->nmsgs - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		uint32_t u = ss->mb->msgs[mid].uid;

		if (u == uid)
			return &ss->mb->msgs[mid];
		if (u < uid)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* Messages not marked deleted, and their size in octets (RFC 1939 5, STAT). */
static int
ps_count(struct pop3_sess *ss, uint64_t *octets)
{
	int n = 0;

	*octets = 0;
	for (int i = 1; i <= ss->nmsgs; i++) {
		const struct mbox_msg *m = ps_msg(ss, (uint32_t)i);

		if (m == NULL || ss->deleted[i - 1])
			continue;
		n++;
		*octets += m->data.len;
	}
	return n;
}

/* Give the maildrop back: unlocked, and the session's view of it forgotten. */
static void
ps_release(struct pop3_sess *ss)
{
	if (ss->mb != NULL)
		ss->mb->locked = 0;
	ss->mb = NULL;
	free(ss->uid);
	free(ss->deleted);
	ss->uid = NULL;
	ss->deleted = NULL;
	ss->nmsgs = 0;
}

/* ---- checks ------------------------------------------------------ */

static int
ps_check_any(struct pop3_sess *ss, struct pop3_cmd *c)
{
	(void)ss;
	(void)c;
	return 1;
}

/* USER and PASS belong to AUTHORIZATION only (RFC 1939 7). */
static int
ps_check_authorization(struct pop3_sess *ss, struct pop3_cmd *c)
{
	(void)c;
	if (ss->m.state != PS_AUTHORIZATION) {
		ps_reply(ss, 0, NULL, "already logged in");
		return 0;
	}
	return 1;
}

static int
ps_check_pass(struct pop3_sess *ss, struct pop3_cmd *c)
{
	if (!ps_check_authorization(ss, c))
		return 0;
	/* RFC 1939 7: PASS "may only be given ... immediately after a successful USER". */
	if (ss->user[0] == '\0') {
		ps_reply(ss, 0, NULL, "send USER first");
		return 0;
	}
	return 1;
}

/* Everything else of RFC 1939 5 needs a locked maildrop. */
static int
ps_check_transaction(struct pop3_sess *ss, struct pop3_cmd *c)
{
	if (ss->m.state != PS_TRANSACTION) {
		ps_reply(ss, 0, NULL, "log in first with USER and PASS");
		return 0;
	}
	if (c->verb == POP3_LIST || c->verb == POP3_UIDL) {
		/* Without an argument these list the maildrop: nothing to check. */
		if (c->nnum == 0)
			return 1;
	} else if (c->verb != POP3_RETR && c->verb != POP3_TOP &&
	    c->verb != POP3_DELE)
		return 1;

	/* RFC 1939 5: a message-number "may NOT refer to a message marked as deleted". */
	if (ps_msg(ss, c->n) == NULL) {
		ps_reply(ss, 0, NULL, "no such message, only %d message%s in maildrop",
		    ss->nmsgs, ss->nmsgs == 1 ? "" : "s");
		return 0;
	}
	if (ss->deleted[c->n - 1]) {
		if (c->verb == POP3_DELE)
			ps_reply(ss, 0, NULL, "message %u already deleted",
			    (unsigned)c->n);
		else
			ps_reply(ss, 0, NULL, "message %u is deleted", (unsigned)c->n);
		return 0;
	}
	return 1;
}

/* ---- proceeds ---------------------------------------------------- */

static void
ps_proceed_user(struct pop3_sess *ss, struct pop3_cmd *c)
{
	/*
	 * RFC 1939 7 lets the server say "-ERR never heard of mailbox
	 * name" here, but that tells a stranger which names exist.  So
	 * every name is welcome; the answer comes after PASS, the same for
	 * a wrong name as for a wrong password.  A second USER replaces the
	 * first.
	 */
	memcpy(ss->user, c->arg, sizeof ss->user);
	ps_replyk(ss, 1, "pop3.user_ok", "send your password with PASS");
}

static void
ps_proceed_pass(struct pop3_sess *ss, struct pop3_cmd *c)
{
	struct mailbox *mb = mailstore_by_user(ss->m.s, ss->m.node, ss->user);
	struct say y;

	say_begin(&y, "pop3.login_failed");
	say_str(&y, "user", ss->user);
	/* RFC 1939 7 (PASS): after -ERR the client starts again with USER. */
	ss->user[0] = '\0';
	if (mb == NULL || strcmp(mb->password, c->arg) != 0) {
		/* RFC 3206 5: [AUTH] means "the credentials were wrong"; which one, we do not say. */
		ps_reply(ss, 0, &y, "[AUTH] invalid user name or password");
		return;
	}
	/*
	 * RFC 1939 4: "the POP3 server then acquires an exclusive-access
	 * lock on the maildrop", so that two sessions never number or delete
	 * the same messages at once.  RFC 2449 8.1.2 names the refusal
	 * [IN-USE]: the password was right, the maildrop is busy.
	 */
	if (mb->locked) {
		/* The password was right: the narration must not say it was wrong. */
		buf_free(&y.b);
		say_begin(&y, "pop3.login_in_use");
		say_str(&y, "user", mb->user);
		ps_reply(ss, 0, &y, "[IN-USE] maildrop already locked by another "
		    "session");
		return;
	}
	buf_free(&y.b);
	mb->locked = 1;
	ss->mb = mb;
	ss->nmsgs = mb->nmsgs;
	ss->uid = xcalloc((size_t)mb->nmsgs + 1, sizeof *ss->uid);
	ss->deleted = xcalloc((size_t)mb->nmsgs + 1, 1);
	for (int i = 0; i < mb->nmsgs; i++)
		ss->uid[i] = mb->msgs[i].uid;
	uint64_t octets;
	int n = ps_count(ss, &octets);
	/*
	 * An empty box after another device's POP3 session took the mail:
	 * the narration points back to that DELE, the reason it is empty.
	 */
	int gone = n == 0 && mb->ndel > 0 && mb->del_by >= 0 &&
	    mb->del_by != ss->m.peer;
	say_begin(&y, gone ? "pop3.login_ok.none.deleted" :
	    ps_count_key(n, "pop3.login_ok.none", "pop3.login_ok.one",
	    "pop3.login_ok"));
	if (gone) {
		say_node(&y, "by", mb->del_by);
		say_num(&y, "seconds", (long long)(mb->del_ns / SIM_SEC));
	}
	say_str(&y, "user", mb->user);
	say_num(&y, "count", n);
	say_num(&y, "len", (long long)octets);
	ps_reply(ss, 1, &y, "%s's maildrop has %d message%s (%llu octets)",
	    mb->user, n, n == 1 ? "" : "s", (unsigned long long)octets);
	/* RFC 1939 4: "the POP3 session is now in the TRANSACTION state". */
	ps_enter_state(ss, PS_TRANSACTION);
}

static void
ps_proceed_stat(struct pop3_sess *ss, struct pop3_cmd *c)
{
	uint64_t octets;
	int n = ps_count(ss, &octets);
	struct say y;

	(void)c;
	say_begin(&y, ps_count_key(n, "pop3.stat_reply.none",
	    "pop3.stat_reply.one", "pop3.stat_reply"));
	say_num(&y, "count", n);
	say_num(&y, "len", (long long)octets);
	/* RFC 1939 5: exactly "+OK nn mm", so that a program can read it. */
	ps_reply(ss, 1, &y, "%d %llu", n, (unsigned long long)octets);
}

/* LIST and UIDL: one message ("+OK n value"), or every message as a listing. */
static void
ps_listing(struct pop3_sess *ss, struct pop3_cmd *c, int uidl)
{
	char id[POP3_UID_MAX + 1];
	struct say y;

	if (c->nnum == 1) {
		const struct mbox_msg *m = ps_msg(ss, c->n);

		say_begin(&y, uidl ? "pop3.uidl_one" : "pop3.list_one");
		say_num(&y, "value", c->n);
		if (uidl) {
			pop3_uidl(ss->mb, m, id);
			say_str(&y, "name", id);
		} else {
			snprintf(id, sizeof id, "%zu", m->data.len);
			say_str(&y, "len", id);
		}
		ps_reply(ss, 1, &y, "%u %s", (unsigned)c->n, id);
		return;
	}
	struct buf body = { 0 };
	uint64_t octets;
	int n = ps_count(ss, &octets);
	for (int i = 1; i <= ss->nmsgs; i++) {
		const struct mbox_msg *m = ps_msg(ss, (uint32_t)i);

		/* Deleted messages are left out of the listing (RFC 1939 5). */
		if (m == NULL || ss->deleted[i - 1])
			continue;
		if (uidl)
			pop3_uidl(ss->mb, m, id);
		else
			snprintf(id, sizeof id, "%zu", m->data.len);
		buf_printf(&body, "%d %s\r\n", i, id);
	}
	char *text = uidl ? xasprintf("unique-id listing follows") :
	    xasprintf("%d message%s (%llu octets)", n, n == 1 ? "" : "s",
	    (unsigned long long)octets);
	if (uidl)
		say_begin(&y, ps_count_key(n, "pop3.uidl_reply.none",
		    "pop3.uidl_reply.one", "pop3.uidl_reply"));
	else
		say_begin(&y, ps_count_key(n, "pop3.list_reply.none",
		    "pop3.list_reply.one", "pop3.list_reply"));
	say_num(&y, "count", n);
	say_num(&y, "len", (long long)octets);
	ps_send(ss, 1, text, &body, NULL, &y);
	free(text);
	buf_free(&body);
}

static void
ps_proceed_list(struct pop3_sess *ss, struct pop3_cmd *c)
{
	ps_listing(ss, c, 0);
}

static void
ps_proceed_uidl(struct pop3_sess *ss, struct pop3_cmd *c)
{
	ps_listing(ss, c, 1);
}

static void
ps_proceed_retr(struct pop3_sess *ss, struct pop3_cmd *c)
{
	struct mbox_msg *m = ps_msg(ss, c->n);
	char *text = xasprintf("%zu octets", m->data.len);
	char *summary = xasprintf("(message of %zu bytes follows, ending "
	    "with \".\")", m->data.len);
	struct say y;

	say_begin(&y, "pop3.retr_reply");
	say_num(&y, "value", c->n);
	say_num(&y, "len", (long long)m->data.len);
	ps_send(ss, 1, text, &m->data, summary, &y);
	/* RFC 1939 says nothing of flags; like Dovecot, a message read by POP3 counts as seen for IMAP. */
	int old = m->flags;
	m->flags |= MSGF_SEEN;
	mailstore_flags(ss->m.s, ss->mb, (int)(m - ss->mb->msgs), old, m->flags,
	    ss->m.peer, "POP3");
	free(text);
	free(summary);
}

static void
ps_proceed_top(struct pop3_sess *ss, struct pop3_cmd *c)
{
	struct mbox_msg *m = ps_msg(ss, c->n);
	/* RFC 1939 7: the header, the empty line, then c->m lines of the body. */
	struct buf part = { 0 };
	size_t n = pop3_top_len(m->data.data, m->data.len, c->m);

	buf_append(&part, m->data.data, n);
	char *summary = xasprintf("(the header and %u line%s of the body: "
	    "%zu bytes, ending with \".\")", (unsigned)c->m,
	    c->m == 1 ? "" : "s", n);
	struct say y;
	say_begin(&y, "pop3.top_reply");
	say_num(&y, "value", c->n);
	say_num(&y, "len", (long long)n);
	/*
	 * A plain "+OK": RFC 1939 7 gives "+OK top of message follows" only
	 * as an example, and Wireshark's POP dissector reads the word after
	 * a multi-line +OK as the octet count RETR gives ("+OK 120 octets"),
	 * so any other word there makes the reply malformed in the pcap.
	 */
	ps_send(ss, 1, "", &part, summary, &y);
	free(summary);
	buf_free(&part);
}

static void
ps_proceed_dele(struct pop3_sess *ss, struct pop3_cmd *c)
{
	/* RFC 1939 5: only marked; the server removes it in UPDATE, after QUIT. */
	struct say y;

	ss->deleted[c->n - 1] = 1;
	say_begin(&y, "pop3.dele_reply");
	say_num(&y, "value", c->n);
	ps_reply(ss, 1, &y, "message %u deleted", (unsigned)c->n);
	/* The store keeps its flags; the trace shows the mark (the window's \Deleted). */
	struct mbox_msg *m = ps_msg(ss, c->n);
	if (m != NULL)
		mailstore_flags(ss->m.s, ss->mb, (int)(m - ss->mb->msgs),
		    m->flags, m->flags | MSGF_DELETED, ss->m.peer, "POP3");
}

/* The marks of DELE forgotten (RSET, or no UPDATE): the trace shows them gone. */
static void
ps_unmark(struct pop3_sess *ss)
{
	for (int i = 1; ss->deleted != NULL && i <= ss->nmsgs; i++) {
		struct mbox_msg *m = ps_msg(ss, (uint32_t)i);

		if (m != NULL && ss->deleted[i - 1])
			mailstore_flags(ss->m.s, ss->mb, (int)(m - ss->mb->msgs),
			    m->flags | MSGF_DELETED, m->flags, ss->m.peer,
			    "POP3");
	}
}

static void
ps_proceed_rset(struct pop3_sess *ss, struct pop3_cmd *c)
{
	uint64_t octets;

	(void)c;
	/* RFC 1939 5: "any messages marked as deleted by the POP3 server are unmarked". */
	ps_unmark(ss);
	memset(ss->deleted, 0, (size_t)ss->nmsgs);
	int n = ps_count(ss, &octets);
	ps_reply(ss, 1, NULL, "maildrop has %d message%s (%llu octets)", n,
	    n == 1 ? "" : "s", (unsigned long long)octets);
}

static void
ps_proceed_noop(struct pop3_sess *ss, struct pop3_cmd *c)
{
	(void)c;
	ps_reply(ss, 1, NULL, "%s", "");
}

static void
ps_proceed_quit(struct pop3_sess *ss, struct pop3_cmd *c)
{
	(void)c;
	if (ss->m.state != PS_TRANSACTION) {
		/* RFC 1939 4: QUIT in AUTHORIZATION ends the session, no UPDATE. */
		ps_replyk(ss, 1, "pop3.bye.not_logged_in",
		    "%s POP3 server signing off", ps_hostname(ss));
		ps_enter_state(ss, PS_DONE);
		msess_close(&ss->m);
		return;
	}
	/*
	 * RFC 1939 6: "the POP3 session enters the UPDATE state ... [and]
	 * removes all messages marked as deleted from the maildrop".  Each
	 * is found by its UID, so removing one does not move the others.
	 */
	ps_enter_state(ss, PS_UPDATE);
	int removed = 0;
	for (int i = ss->nmsgs; i >= 1; i--) {
		struct mbox_msg *m = ps_msg(ss, (uint32_t)i);

		if (m != NULL && ss->deleted[i - 1]) {
			mailstore_remove_why(ss->m.s, ss->mb,
			    (int)(m - ss->mb->msgs), MBOX_DEL_POP3);
			removed++;
		}
	}
	if (removed > 0) {
		ss->mb->ndel += removed;
		ss->mb->del_by = ss->m.peer;
		ss->mb->del_ns = sim_time(ss->m.s);
	}
	int left = ss->mb->nmsgs;
	/* "...releases any exclusive-access lock on the maildrop". */
	ps_release(ss);
	/*
	 * What UPDATE really did: a session that marked nothing removes
	 * nothing, and the narration must not say otherwise.
	 */
	struct say y;
	say_begin(&y, removed == 0 && left == 0 ? "pop3.bye.none_deleted.empty" :
	    removed == 0 ? "pop3.bye.none_deleted" : removed == 1 ?
	    "pop3.bye.one" : "pop3.bye");
	say_num(&y, "count", removed);
	say_num(&y, "value", left);
	if (left == 0)
		ps_reply(ss, 1, &y, "%s POP3 server signing off (maildrop empty)",
		    ps_hostname(ss));
	else
		ps_reply(ss, 1, &y, "%s POP3 server signing off (%d message%s "
		    "left)", ps_hostname(ss), left, left == 1 ? "" : "s");
	ps_enter_state(ss, PS_DONE);
	msess_close(&ss->m);
}

static void
ps_proceed_capa(struct pop3_sess *ss, struct pop3_cmd *c)
{
	struct buf body = { 0 };

	(void)c;
	/*
	 * RFC 2449 5 and 6: what this server can do.  RESP-CODES: replies may
	 * carry [IN-USE] and the like; AUTH-RESP-CODE (RFC 3206): [AUTH]
	 * marks a refused login; PIPELINING: a client may send several
	 * commands without waiting, the replies come back in order.
	 */
	buf_puts(&body, "TOP\r\nUIDL\r\nUSER\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
	    "PIPELINING\r\nIMPLEMENTATION surel\r\n");
	ps_send(ss, 1, "Capability list follows", &body, NULL, NULL);
	buf_free(&body);
}

static const struct {
	enum pop3_verb verb;
	int	(*check)(struct pop3_sess *, struct pop3_cmd *);
	void	(*proceed)(struct pop3_sess *, struct pop3_cmd *);
} commands[] = {
	{ POP3_USER, ps_check_authorization, ps_proceed_user },
	{ POP3_PASS, ps_check_pass, ps_proceed_pass },
	{ POP3_CAPA, ps_check_any, ps_proceed_capa },
	{ POP3_QUIT, ps_check_any, ps_proceed_quit },
	{ POP3_STAT, ps_check_transaction, ps_proceed_stat },
	{ POP3_LIST, ps_check_transaction, ps_proceed_list },
	{ POP3_UIDL, ps_check_transaction, ps_proceed_uidl },
	{ POP3_RETR, ps_check_transaction, ps_proceed_retr },
	{ POP3_TOP, ps_check_transaction, ps_proceed_top },
	{ POP3_DELE, ps_check_transaction, ps_proceed_dele },
	{ POP3_RSET, ps_check_transaction, ps_proceed_rset },
	{ POP3_NOOP, ps_check_transaction, ps_proceed_noop },
};

/* How each command is written, for the -ERR of a malformed one. */
static const char *
ps_usage(enum pop3_verb v)
{
	switch (v) {
	case POP3_USER: return "USER name";
	case POP3_PASS: return "PASS password";
	case POP3_LIST: return "LIST [message]";
	case POP3_UIDL: return "UIDL [message]";
	case POP3_RETR: return "RETR message";
	case POP3_DELE: return "DELE message";
	case POP3_TOP: return "TOP message lines";
	default: return pop3_verb_str(v);	/* no arguments */
	}
}

/* ---- input ------------------------------------------------------- */

static void
ps_command_line(struct pop3_sess *ss, const char *line, size_t n)
{
	struct pop3_cmd c;
	int r = pop3_parse_command(line, n, &c);

	if (r != POP3_PARSE_OK)
		ss->nbad++;
	switch (r) {
	case POP3_PARSE_OK:
		break;
	case POP3_PARSE_UNKNOWN:
		/* The line is not echoed: it may hold anything, a password too. */
		ps_reply(ss, 0, NULL, "unknown command");
		return;
	case POP3_PARSE_TOO_LONG:
		ps_reply(ss, 0, NULL, "command line too long (RFC 2449: at most 255 "
		    "octets)");
		return;
	case POP3_PARSE_ARG_TOO_LONG:
		ps_reply(ss, 0, NULL, "argument too long (RFC 1939: at most 40 "
		    "characters)");
		return;
	case POP3_PARSE_UNSUPPORTED:
		ps_reply(ss, 0, NULL, "%s is not supported here: use USER and PASS",
		    pop3_verb_str(c.verb));
		return;
	default:
		ps_reply(ss, 0, NULL, "syntax error: %s", ps_usage(c.verb));
		return;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (commands[i].verb == c.verb) {
			if (commands[i].check(ss, &c))
				commands[i].proceed(ss, &c);
			return;
		}
	fatalx("pop3: no table entry for %s (state %s)", pop3_verb_str(c.verb),
	    ps_state_names[ss->m.state]);
}

/*
 * The client said nothing for 10 minutes (the skeleton's silence timer,
 * restarted by every byte from the client): a client that left without
 * a word (its machine went off) must not keep the maildrop locked for
 * ever.  RFC 1939 3: "the session does NOT enter the UPDATE state--the
 * server should close the TCP connection without removing any messages
 * or sending any response to the client."
 */
static void
ps_timeout(struct msess *m)
{
	struct pop3_sess *ss = (struct pop3_sess *)m;

	ps_unmark(ss);
	ps_release(ss);
	ps_enter_state(ss, PS_DONE);
	msess_close(m);
}

/*
 * Every complete line is a command, answered in order: that is all
 * PIPELINING asks of a server (RFC 2449 6.6).  After QUIT (PS_DONE) the
 * skeleton hands over no more lines.
 */
static void
ps_line(struct msess *m, enum line_status st, const char *line, size_t n)
{
	struct pop3_sess *ss = (struct pop3_sess *)m;

	if (st == LINE_TOO_LONG) {
		ss->nbad++;
		ps_reply(ss, 0, NULL, "command line too long (RFC 2449: at "
		    "most 255 octets)");
	} else
		ps_command_line(ss, line, n);
	/*
	 * A client that sends line after line of no command (garbage on
	 * the port) is let go, as from a timeout: RFC 1939 3 lets a server
	 * close a session that does not end with QUIT, without UPDATE, so
	 * nothing is deleted.  The -ERR says why first.
	 */
	if (!m->freed && ss->nbad >= POP3_MAX_BAD && m->state != PS_DONE) {
		ps_reply(ss, 0, NULL, "too many bad commands");
		ps_unmark(ss);
		ps_release(ss);
		ps_enter_state(ss, PS_DONE);
		msess_close(m);
	}
}

/* The session is going, however it ended. */
static void
ps_end(struct msess *m)
{
	/* Without QUIT there was no UPDATE: the marks are simply forgotten (RFC 1939 6). */
	ps_release((struct pop3_sess *)m);
}

static const struct msess_ops ps_ops = {
	.name = "pop3 server",
	.proto = APP_POP3,
	.state_names = ps_state_names,
	.state_keys = ps_state_keys,
	.nstates = PS_NSTATES,
	.done = PS_DONE,
	/* A command line is at most 255 octets with CRLF (RFC 2449 4). */
	.line_max = POP3_CMD_MAX - 2,
	.idle_ns = AUTOLOGOUT_NS,
	.client = 0,
	.line = ps_line,
	.timeout = ps_timeout,
	.release = ps_end,
};

static void
ps_accepted(struct msess *m, void *arg)
{
	(void)arg;
	/* RFC 1939 4: "the POP3 server issues a one line greeting". */
	ps_replyk((struct pop3_sess *)m, 1, "pop3.greeting",
	    "%s POP3 server ready", msess_hostname(m));
}

void
pop3_server_start(struct sim *s, int node)
{
	msess_listen(s, node, (uint16_t)s->sc->nodes[node].pop3.port, &ps_ops,
	    sizeof(struct pop3_sess), &pop3_world(s)->sessions, ps_accepted,
	    NULL);
}
