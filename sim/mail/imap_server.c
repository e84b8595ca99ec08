/*
 * imap_server.c: the IMAP4rev1 server (RFC 3501) of a mailbox server,
 * one session per TCP connection on the node's imap port.  It serves
 * the same mailstore POP3 and LMTP use; unlike POP3 it leaves the mail
 * there and keeps flags on it, so every device sees the same mailbox
 * (S12 of the story).
 *
 * The shape is OpenSMTPD's smtp_session.c, like smtp_server.c: a
 * commands[] table pairs each command with a check (answers BAD or NO
 * and returns 0 when the command may not run now) and a proceed (does
 * the work and sends the tagged completion).  The states are those of
 * RFC 3501 section 3: not authenticated, authenticated, selected, logout.
 *
 * What a session shows of the mailbox is its own view (RFC 3501 2.3.1.2):
 * message sequence numbers 1..n mapped to UIDs.  The view changes only
 * when the server tells the client so, with "* n EXISTS" for new mail
 * and "* n EXPUNGE" for mail another session removed (7.4.1), so both
 * sides always agree on what "message 3" is.
 *
 * Every response line is recorded in the trace as one application
 * message, "S: ..."; the bytes of a message body are summarised there.
 * The responses to one command leave in one msess_send(), as a real
 * server's buffered output does.
 */
#include "base64.h"
#include "imap.h"
#include "world.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* imap_wire.h's flag bits are mail.h's, so flags go to the store as they are. */
_Static_assert((int)IMAP_FL_SEEN == (int)MSGF_SEEN &&
    (int)IMAP_FL_ANSWERED == (int)MSGF_ANSWERED &&
    (int)IMAP_FL_FLAGGED == (int)MSGF_FLAGGED &&
    (int)IMAP_FL_DELETED == (int)MSGF_DELETED &&
    (int)IMAP_FL_DRAFT == (int)MSGF_DRAFT, "IMAP_FL_* and MSGF_* differ");
#define STORED_FLAGS	(MSGF_SEEN | MSGF_ANSWERED | MSGF_FLAGGED | \
			 MSGF_DELETED | MSGF_DRAFT)
/* The same, as FLAGS and PERMANENTFLAGS name them (RFC 3501 7.2.6). */
#define ALL_FLAGS	"\\Answered \\Flagged \\Deleted \\Seen \\Draft"

/*
 * RFC 3501 6.2: LOGINDISABLED must be announced where LOGIN is refused
 * because the connection is not encrypted.  There is no TLS inside the
 * simulation (so that every byte stays readable in the inspector), LOGIN
 * is allowed, and so we do not announce it; nor STARTTLS.
 */
#define CAPABILITIES	"IMAP4rev1 AUTH=PLAIN"

/*
 * RFC 3501 5.4: "If a server has an inactivity autologout timer, the
 * duration of that timer MUST be at least 30 minutes."  Without one, a
 * client whose machine went off would keep its session for ever.
 */
#define AUTOLOGOUT_NS	(30 * 60 * SIM_SEC)

/* Keep the order: the checks compare states (IS_AUTH and later are logged in). */
enum is_state {
	IS_NOTAUTH,		/* greeting sent, LOGIN expected */
	IS_AUTH,		/* logged in, no mailbox selected */
	IS_SELECTED,		/* INBOX selected (or examined) */
	IS_LOGOUT,		/* BYE sent, closing */
	IS_NSTATES
};

/* The names RFC 3501 section 3 gives the states, for the BAD replies and the trace. */
static const char *const is_names[IS_NSTATES] = {
	[IS_NOTAUTH] = "not authenticated",
	[IS_AUTH] = "authenticated",
	[IS_SELECTED] = "selected",
	[IS_LOGOUT] = "logout",
};

/* What entering each state means, for the narration. */
static const char *const is_keys[IS_NSTATES] = {
	[IS_NOTAUTH] = "session.imap_server.not_authenticated",
	[IS_AUTH] = "session.imap_server.authenticated",
	[IS_SELECTED] = "session.imap_server.selected",
	[IS_LOGOUT] = "session.imap_server.logout",
};

/* One message of the session's view. */
struct view_msg {
	uint32_t	 uid;
	int		 recent;	/* \Recent for this session */
	int		 known;		/* the flags the client last heard of */
};

struct imap_sess {
	struct msess	 m;		/* first: the skeleton (session.h); m.state is an is_state */
	struct imap_in	 in;		/* received, not yet a whole command */
	struct buf	 out;		/* responses waiting for flush() */
	struct mailbox	*user;		/* the account logged in */
	struct mailbox	*mb;		/* the mailbox selected */
	int		 readonly;	/* EXAMINE */
	struct view_msg	*view;
	int		 nview, capview;
	uint32_t	 view_next;	/* UIDs from here on are not in the view yet */
	int		 auth_wait;	/* AUTHENTICATE: the next line is the response */
	char		 auth_tag[IMAP_TAG_MAX + 1];
	int		 nbad;		/* lines that were no command */
};

/* Lines that are no command before the server gives up (Dovecot's limit too). */
#define IMAP_MAX_BAD	20

static const char *
is_strstate(int st)
{
	return st >= 0 && st < IS_NSTATES ? is_names[st] : "?";
}

/* Does s equal the upper-case word w, ignoring case? */
static int
word_eq(const char *s, const char *w)
{
	for (; *s && *w; s++, w++)
		if ((*s >= 'a' && *s <= 'z' ? *s - 32 : *s) != *w)
			return 0;
	return *s == '\0' && *w == '\0';
}

static void
enter_state(struct imap_sess *ss, enum is_state st)
{
	/*
	 * Leaving the selected state forgets the view (RFC 3501 3.3: the
	 * sequence numbers meant something only inside that mailbox).
	 */
	if (st < IS_SELECTED || st == IS_LOGOUT) {
		free(ss->view);
		ss->view = NULL;
		ss->nview = ss->capview = 0;
		ss->mb = NULL;
	}
	/* The skeleton traces the change (and stops the timer at logout). */
	msess_enter_state(&ss->m, st);
}

/* ---- output ---------------------------------------------------------- */

/*
 * Queue one response (its bytes, CRLF included) and record it with its
 * narration y, which the server chose knowing what the response answers;
 * the response itself goes with it as {reply}.
 */
static void
put_resp(struct imap_sess *ss, struct say *y, const uint8_t *p, size_t n)
{
	struct buf shown = { 0 };

	buf_append(&ss->out, p, n);
	/* The trace gets one readable line: a message body becomes its size. */
	buf_puts(&shown, "S: ");
	imap_shown(p, n, &shown);
	say_str(y, "reply", (char *)shown.data + 3);
	msess_send(&ss->m, NULL, 0, (char *)shown.data, shown.len,
	    sim_say(ss->m.s, y));
	buf_free(&shown);
}

/* One response line from a format; the CRLF is added here. */
static void
vput(struct imap_sess *ss, struct say *y, const char *fmt, va_list ap)
{
	struct buf b = { 0 };

	buf_vprintf(&b, fmt, ap);
	buf_puts(&b, "\r\n");
	put_resp(ss, y, b.data, b.len);
	buf_free(&b);
}

static void	putf(struct imap_sess *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	putn(struct imap_sess *, const char *, const char *, long long,
		    const char *, ...) __attribute__((format(printf, 5, 6)));
static void	puts_(struct imap_sess *, const char *, const char *,
		    const char *, const char *, ...)
		    __attribute__((format(printf, 5, 6)));

/* A response narrated by key alone. */
static void
putf(struct imap_sess *ss, const char *key, const char *fmt, ...)
{
	struct say y;
	va_list ap;

	say_begin(&y, key);
	va_start(ap, fmt);
	vput(ss, &y, fmt, ap);
	va_end(ap);
}

/* A response narrated by key with one number, name = v. */
static void
putn(struct imap_sess *ss, const char *key, const char *name, long long v,
    const char *fmt, ...)
{
	struct say y;
	va_list ap;

	say_begin(&y, key);
	say_num(&y, name, v);
	va_start(ap, fmt);
	vput(ss, &y, fmt, ap);
	va_end(ap);
}

/* A response narrated by key with one string, name = v. */
static void
puts_(struct imap_sess *ss, const char *key, const char *name, const char *v,
    const char *fmt, ...)
{
	struct say y;
	va_list ap;

	say_begin(&y, key);
	say_str(&y, name, v);
	va_start(ap, fmt);
	vput(ss, &y, fmt, ap);
	va_end(ap);
}

/* The key for a number of messages: none, one or many (no "1 message(s)"). */
static const char *
count_key(long long n, const char *none, const char *one, const char *many)
{
	return n == 0 ? none : n == 1 ? one : many;
}

/* "* n EXISTS" and "* n RECENT": the new totals (RFC 3501 7.3.1, 7.3.2). */
static void
put_counts(struct imap_sess *ss, int exists, int recent)
{
	putn(ss, count_key(exists, "imap.exists.none", "imap.exists.one",
	    "imap.exists"), "count", exists, "* %d EXISTS", exists);
	putn(ss, count_key(recent, "imap.recent.none", "imap.recent.one",
	    "imap.recent"), "count", recent, "* %d RECENT", recent);
}

/* Everything queued for this command leaves at once, as from a real server. */
static void
flush(struct imap_sess *ss)
{
	if (ss->out.len > 0)
		msess_send(&ss->m, ss->out.data, ss->out.len, NULL, 0, 0);
	ss->out.len = 0;
}

/* ---- the mailbox as the session sees it ------------------------------ */

/* Index of uid in the mailbox, or -1: the store keeps UIDs ascending. */
static int
find_uid(const struct mailbox *mb, uint32_t uid)
{
	int lo = 0, hi = mb->nmsgs - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (mb->msgs[mid].uid == uid)
			return mid;
		if (mb->msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Where \Recent starts for the selected mailbox (shared by all sessions). */
static uint32_t *
recent_floor(struct imap_sess *ss)
{
	return &imap_world(ss->m.s)->recent_floor[ss->mb - ss->m.s->mail->boxes];
}

/* Add the mailbox's messages the view lacks; returns how many. */
static int
view_grow(struct imap_sess *ss, int *nrecent)
{
	struct mailbox *mb = ss->mb;
	uint32_t *floor = recent_floor(ss);
	int added = 0;

	/* New mail has the highest UIDs (2.3.1.1), so it goes at the end. */
	for (int i = 0; i < mb->nmsgs; i++) {
		const struct mbox_msg *m = &mb->msgs[i];

		if (m->uid < ss->view_next)
			continue;
		if (ss->nview == ss->capview) {
			ss->capview = ss->capview ? ss->capview * 2 : 16;
			ss->view = xrealloc(ss->view, (size_t)ss->capview *
			    sizeof *ss->view);
		}
		struct view_msg *v = &ss->view[ss->nview++];
		/*
		 * RFC 3501 2.3.2: \Recent goes to the first session to see a
		 * message; EXAMINE sees it without taking it (6.3.2).
		 */
		v->uid = m->uid;
		v->recent = m->uid >= *floor;
		v->known = m->flags & STORED_FLAGS;
		if (v->recent && !ss->readonly)
			*floor = m->uid + 1;
		*nrecent += v->recent;
		added++;
	}
	ss->view_next = mb->uidnext;
	return added;
}

/* The flags as this session reports them: the stored ones and its \Recent. */
static int
view_flags(const struct view_msg *v, const struct mbox_msg *m)
{
	return (m->flags & STORED_FLAGS) | (v->recent ? IMAP_FL_RECENT : 0);
}

/* Message i leaves the view: every later sequence number goes down by one. */
static void
view_remove(struct imap_sess *ss, int i)
{
	memmove(&ss->view[i], &ss->view[i + 1], (size_t)(ss->nview - i - 1) *
	    sizeof *ss->view);
	ss->nview--;
}

/*
 * Tell the client what changed since its last command (RFC 3501 5.2,
 * 7.4.1): messages others expunged, new mail, flags others changed.
 * EXPUNGE may not be sent during FETCH, STORE or SEARCH, whose sequence
 * numbers would shift under the client (5.5); UID commands are safe.
 */
static void
sess_sync(struct imap_sess *ss, int expunge_ok)
{
	struct mailbox *mb = ss->mb;

	if (expunge_ok)
		for (int i = 0; i < ss->nview; ) {
			if (find_uid(mb, ss->view[i].uid) >= 0) {
				i++;
				continue;
			}
			putn(ss, "imap.expunged", "value", i + 1, "* %d EXPUNGE",
			    i + 1);
			view_remove(ss, i);
		}
	/* 7.3.1, 7.3.2: EXISTS and RECENT give the new totals, not the change. */
	int nrecent = 0;
	if (view_grow(ss, &nrecent) > 0) {
		int r = 0;
		for (int i = 0; i < ss->nview; i++)
			r += ss->view[i].recent;
		put_counts(ss, ss->nview, r);
	}
	/* 7.4.2: flags changed by another session come as FETCH (FLAGS ...). */
	for (int i = 0; i < ss->nview; i++) {
		int k = find_uid(mb, ss->view[i].uid);

		if (k < 0 || (mb->msgs[k].flags & STORED_FLAGS) ==
		    ss->view[i].known)
			continue;
		struct buf fl = { 0 };
		imap_put_flags(&fl, view_flags(&ss->view[i], &mb->msgs[k]));
		putn(ss, "imap.fetch_flags", "value", i + 1, "* %d FETCH (FLAGS %s)",
		    i + 1, (char *)fl.data);
		buf_free(&fl);
		ss->view[i].known = mb->msgs[k].flags & STORED_FLAGS;
	}
}

/* ---- checks ------------------------------------------------------- */

/* CAPABILITY, NOOP and LOGOUT are valid in every state (6.1). */
static int
check_any(struct imap_sess *ss, struct imap_cmd *c)
{
	(void)ss;
	(void)c;
	return 1;
}

/* LOGIN, AUTHENTICATE, STARTTLS: only before logging in (6.2). */
static int
check_notauth(struct imap_sess *ss, struct imap_cmd *c)
{
	if (ss->m.state != IS_NOTAUTH) {
		putf(ss, "imap.bad_reply", "%s BAD Not allowed in the %s state: already logged in",
		    c->tag, is_strstate(ss->m.state));
		return 0;
	}
	return 1;
}

/* 6.3: the authenticated state, or selected (which is also authenticated). */
static int
check_auth(struct imap_sess *ss, struct imap_cmd *c)
{
	if (ss->m.state < IS_AUTH) {
		putf(ss, "imap.bad_reply", "%s BAD Not allowed in the %s state: log in first "
		    "(LOGIN user password)", c->tag, is_strstate(ss->m.state));
		return 0;
	}
	return 1;
}

/* 6.4: only with a mailbox selected.  A command in the wrong state is BAD. */
static int
check_selected(struct imap_sess *ss, struct imap_cmd *c)
{
	if (!check_auth(ss, c))
		return 0;
	if (ss->m.state != IS_SELECTED) {
		putf(ss, "imap.bad_reply", "%s BAD Not allowed in the %s state: select a mailbox "
		    "first (SELECT INBOX)", c->tag, is_strstate(ss->m.state));
		return 0;
	}
	return 1;
}

/* STORE and EXPUNGE change the mailbox: not after EXAMINE (6.3.2). */
static int
check_writable(struct imap_sess *ss, struct imap_cmd *c)
{
	if (!check_selected(ss, c))
		return 0;
	if (ss->readonly) {
		putf(ss, "imap.no", "%s NO [READ-ONLY] The mailbox was opened with "
		    "EXAMINE", c->tag);
		return 0;
	}
	return 1;
}

/* ---- proceeds: any state (6.1) ------------------------------------- */

static void
proceed_capability(struct imap_sess *ss, struct imap_cmd *c)
{
	putf(ss, "imap.untagged", "* CAPABILITY " CAPABILITIES);
	putf(ss, "imap.ok", "%s OK CAPABILITY completed", c->tag);
}

static void
proceed_noop(struct imap_sess *ss, struct imap_cmd *c)
{
	/* The updates were sent before this (sess_sync): that is NOOP's use. */
	putf(ss, "imap.ok", "%s OK %s completed", c->tag, imap_verb_str(c->verb));
}

static void
proceed_logout(struct imap_sess *ss, struct imap_cmd *c)
{
	/* RFC 3501 6.1.3: BYE first, then the tagged OK, then close. */
	putf(ss, "imap.bye", "* BYE %s IMAP4rev1 server logging out",
	    ss->m.s->sc->nodes[ss->m.node].hostname);
	putf(ss, "imap.logout_ok", "%s OK LOGOUT completed", c->tag);
	enter_state(ss, IS_LOGOUT);
	flush(ss);
	msess_close(&ss->m);
}

/* ---- proceeds: not authenticated (6.2) ------------------------------ */

static void
proceed_starttls(struct imap_sess *ss, struct imap_cmd *c)
{
	putf(ss, "imap.bad_reply", "%s BAD STARTTLS is not available: this simulation has no "
	    "TLS, so that every byte stays readable", c->tag);
}

/* The account of this node with that user name and password, or NULL. */
static struct mailbox *
login_ok(struct imap_sess *ss, const char *user, size_t ulen,
    const char *pass, size_t plen)
{
	struct mailbox *mb;

	/* A NUL inside a literal would cut the C string: never a match. */
	if (strlen(user) != ulen || strlen(pass) != plen)
		return NULL;
	mb = mailstore_by_user(ss->m.s, ss->m.node, user);
	if (mb == NULL || strcmp(mb->password, pass) != 0)
		return NULL;
	return mb;
}

static void
login_result(struct imap_sess *ss, const char *tag, struct mailbox *mb)
{
	if (mb == NULL) {
		/* RFC 5530: the code says why, the text says no more (no user probing). */
		putf(ss, "imap.login_failed", "%s NO [AUTHENTICATIONFAILED] Invalid credentials", tag);
		return;
	}
	ss->user = mb;
	puts_(ss, "imap.login_ok", "user", mb->user, "%s OK [CAPABILITY "
	    CAPABILITIES "] Logged in", tag);
	enter_state(ss, IS_AUTH);
}

/* 6.2.3: the password travels in clear text here, as the transcript shows. */
static void
proceed_login(struct imap_sess *ss, struct imap_cmd *c)
{
	login_result(ss, c->tag, login_ok(ss, c->user->s, c->user->len,
	    c->pass->s, c->pass->len));
}

/* RFC 4616: base64 of authzid NUL authcid NUL passwd. */
static void
auth_plain(struct imap_sess *ss, const char *tag, const char *b64, size_t n)
{
	struct buf d = { 0 };

	if (n == 1 && b64[0] == '*') {
		/* RFC 3501 6.2.2: "*" cancels the exchange. */
		putf(ss, "imap.bad_reply", "%s BAD AUTHENTICATE cancelled", tag);
		return;
	}
	if (b64_decode(b64, n, &d) != 0 || d.len == 0) {
		putf(ss, "imap.bad_reply", "%s BAD Invalid base64 in the response", tag);
		buf_free(&d);
		return;
	}
	const char *p = (const char *)d.data, *end = p + d.len;
	const char *nul1 = memchr(p, '\0', d.len);
	const char *nul2 = nul1 ? memchr(nul1 + 1, '\0',
	    (size_t)(end - nul1 - 1)) : NULL;
	struct mailbox *mb = NULL;
	if (nul2 != NULL) {
		char *authz = xstrndup(p, (size_t)(nul1 - p));
		char *user = xstrndup(nul1 + 1, (size_t)(nul2 - nul1 - 1));
		char *pass = xstrndup(nul2 + 1, (size_t)(end - nul2 - 1));

		mb = login_ok(ss, user, (size_t)(nul2 - nul1 - 1), pass,
		    (size_t)(end - nul2 - 1));
		/* Acting as another user (authzid) is not for us to allow. */
		if (authz[0] != '\0' && strcmp(authz, user) != 0)
			mb = NULL;
		free(authz);
		free(user);
		free(pass);
	}
	login_result(ss, tag, mb);
	buf_free(&d);
}

/* 6.2.2 with PLAIN (RFC 4616), the one mechanism we announce. */
static void
proceed_authenticate(struct imap_sess *ss, struct imap_cmd *c)
{
	if (!word_eq(c->mech->s, "PLAIN")) {
		putf(ss, "imap.no", "%s NO Unsupported authentication mechanism", c->tag);
		return;
	}
	if (c->initial) {
		auth_plain(ss, c->tag, c->initial->s, c->initial->len);
		return;
	}
	/* An empty challenge; the client's next line is its response. */
	putf(ss, "imap.continue", "+ ");
	ss->auth_wait = 1;
	strcpy(ss->auth_tag, c->tag);
}

/* ---- proceeds: authenticated (6.3) --------------------------------- */

/* RFC 3501 5.1: INBOX is INBOX whatever its case; we have no other. */
static int
is_inbox(const struct imap_val *v)
{
	return v->len == 5 && word_eq(v->s, "INBOX");
}

/*
 * 6.3.1 SELECT and 6.3.2 EXAMINE: open INBOX, read-write or read-only,
 * and tell the client what it needs to keep a copy in step: how many
 * messages, the first unseen, and the UIDVALIDITY and UIDNEXT that let
 * it recognise messages it downloaded before (2.3.1.1).
 */
static void
proceed_select(struct imap_sess *ss, struct imap_cmd *c)
{
	int ro = c->verb == IMAP_EXAMINE;

	/* 6.3.1: a SELECT, even one that fails, first leaves the mailbox. */
	enter_state(ss, IS_AUTH);
	if (!is_inbox(c->mailbox)) {
		putf(ss, "imap.no", "%s NO [NONEXISTENT] No such mailbox (only INBOX here)",
		    c->tag);
		return;
	}
	ss->mb = ss->user;
	ss->readonly = ro;
	ss->view_next = 0;
	int nrecent = 0;
	view_grow(ss, &nrecent);
	enter_state(ss, IS_SELECTED);

	struct mailbox *mb = ss->mb;
	int unseen = 0;
	for (int i = 0; i < ss->nview && unseen == 0; i++)
		if (!(mb->msgs[find_uid(mb, ss->view[i].uid)].flags & MSGF_SEEN))
			unseen = i + 1;
	/* The untagged data of 6.3.1 and 7.1, then the tagged OK. */
	puts_(ss, "imap.flags", "value", "(" ALL_FLAGS ")",
	    "* FLAGS (" ALL_FLAGS ")");
	put_counts(ss, ss->nview, nrecent);
	if (unseen)
		putn(ss, "imap.unseen", "value", unseen, "* OK [UNSEEN %d] "
		    "Message %d is the first unseen", unseen, unseen);
	putn(ss, "imap.uidvalidity", "value", mb->uidvalidity,
	    "* OK [UIDVALIDITY %u] UIDs valid", mb->uidvalidity);
	putn(ss, "imap.uidnext", "value", mb->uidnext,
	    "* OK [UIDNEXT %u] Predicted next UID", mb->uidnext);
	if (ro)
		puts_(ss, "imap.permanentflags", "value", "()",
		    "* OK [PERMANENTFLAGS ()] Read-only mailbox");
	else
		puts_(ss, "imap.permanentflags", "value", "(" ALL_FLAGS ")",
		    "* OK [PERMANENTFLAGS (" ALL_FLAGS ")] Flags kept on the "
		    "server");
	putf(ss, "imap.select_ok", "%s OK [%s] %s completed", c->tag, ro ? "READ-ONLY" :
	    "READ-WRITE", imap_verb_str(c->verb));
}

static void
proceed_cannot(struct imap_sess *ss, struct imap_cmd *c)
{
	/* CREATE, DELETE, RENAME, APPEND, COPY: one mailbox, kept by delivery. */
	putf(ss, "imap.no", "%s NO [CANNOT] %s is not supported here: each account has "
	    "only its INBOX, filled by mail delivery", c->tag,
	    imap_verb_str(c->verb));
}

/* 6.3.6, 6.3.7: harmless to accept; LSUB shows INBOX either way. */
static void
proceed_subscribe(struct imap_sess *ss, struct imap_cmd *c)
{
	putf(ss, "imap.ok", "%s OK %s completed", c->tag, imap_verb_str(c->verb));
}

/* LIST pattern match: "*" matches anything, "%" anything but "/" (6.3.8). */
static int
list_match(const char *pat, const char *name)
{
	if (*pat == '\0')
		return *name == '\0';
	if (*pat == '*' || *pat == '%') {
		for (const char *n = name; ; n++) {
			if (list_match(pat + 1, n))
				return 1;
			if (*n == '\0' || (*pat == '%' && *n == '/'))
				return 0;
		}
	}
	if (*name == '\0')
		return 0;
	/* INBOX matches in any case; the rest of a name exactly. */
	if (*pat != *name && !((*pat | 32) == (*name | 32) && (*pat | 32) >= 'a' &&
	    (*pat | 32) <= 'z'))
		return 0;
	return list_match(pat + 1, name + 1);
}

/* 6.3.8 LIST and 6.3.9 LSUB: a flat namespace with "/" and one mailbox. */
static void
proceed_list(struct imap_sess *ss, struct imap_cmd *c)
{
	const char *word = c->verb == IMAP_LIST ? "LIST" : "LSUB";

	if (c->mailbox2->len == 0) {
		/* 6.3.8: an empty name asks for the hierarchy delimiter. */
		putf(ss, "imap.untagged", "* %s (\\Noselect) \"/\" \"\"", word);
	} else {
		char *pat = xasprintf("%s%s", c->mailbox->s, c->mailbox2->s);
		/* Nested wildcards cost time exponential in their number: cap them. */
		int wild = 0;
		for (const char *p = pat; *p; p++)
			wild += *p == '*' || *p == '%';
		if (wild <= 8 && strlen(pat) <= 255 && list_match(pat, "INBOX"))
			putf(ss, "imap.untagged", "* %s (\\HasNoChildren) \"/\" INBOX", word);
		free(pat);
	}
	putf(ss, "imap.ok", "%s OK %s completed", c->tag, word);
}

/* 6.3.10: the counts of a mailbox without selecting it. */
static void
proceed_status(struct imap_sess *ss, struct imap_cmd *c)
{
	struct mailbox *mb = ss->user;

	if (!is_inbox(c->mailbox)) {
		putf(ss, "imap.no", "%s NO [NONEXISTENT] No such mailbox (only INBOX here)",
		    c->tag);
		return;
	}
	uint32_t floor = imap_world(ss->m.s)->recent_floor[mb - ss->m.s->mail->boxes];
	int recent = 0, unseen = 0;
	for (int i = 0; i < mb->nmsgs; i++) {
		recent += mb->msgs[i].uid >= floor;
		unseen += !(mb->msgs[i].flags & MSGF_SEEN);
	}
	struct buf b = { 0 };
	const char *sp = "";
	buf_puts(&b, "* STATUS INBOX (");
	if (c->status & IMAP_STATUS_MESSAGES) {
		buf_printf(&b, "%sMESSAGES %d", sp, mb->nmsgs);
		sp = " ";
	}
	if (c->status & IMAP_STATUS_RECENT) {
		buf_printf(&b, "%sRECENT %d", sp, recent);
		sp = " ";
	}
	if (c->status & IMAP_STATUS_UIDNEXT) {
		buf_printf(&b, "%sUIDNEXT %u", sp, mb->uidnext);
		sp = " ";
	}
	if (c->status & IMAP_STATUS_UIDVALIDITY) {
		buf_printf(&b, "%sUIDVALIDITY %u", sp, mb->uidvalidity);
		sp = " ";
	}
	if (c->status & IMAP_STATUS_UNSEEN)
		buf_printf(&b, "%sUNSEEN %d", sp, unseen);
	putf(ss, "imap.untagged", "%s)", (char *)b.data);
	buf_free(&b);
	putf(ss, "imap.ok", "%s OK STATUS completed", c->tag);
}

/* ---- proceeds: selected (6.4) ------------------------------------- */

/*
 * Remove every \Deleted message; with tell, one "* n EXPUNGE" each
 * (7.4.1).  Returns how many went.
 */
static int
expunge(struct imap_sess *ss, int tell)
{
	struct mailbox *mb = ss->mb;
	int removed = 0;

	for (int i = 0; i < ss->nview; ) {
		int k = find_uid(mb, ss->view[i].uid);

		if (k < 0 || !(mb->msgs[k].flags & MSGF_DELETED)) {
			i++;
			continue;
		}
		/*
		 * The numbers after a removed message go down at once, so
		 * deleting 3, 4, 7 and 11 reads "3, 3, 5, 8" (RFC 3501 7.4.1).
		 */
		mailstore_remove_why(ss->m.s, mb, k, MBOX_DEL_IMAP);
		if (tell)
			putn(ss, "imap.expunged", "value", i + 1, "* %d EXPUNGE",
			    i + 1);
		view_remove(ss, i);
		removed++;
	}
	return removed;
}

static void
proceed_close(struct imap_sess *ss, struct imap_cmd *c)
{
	int removed = 0;

	/* 6.4.2: expunge silently when read-write, then leave the mailbox. */
	if (!ss->readonly)
		removed = expunge(ss, 0);
	enter_state(ss, IS_AUTH);
	putn(ss, removed ? "imap.expunge_ok" : "imap.expunge_ok.none", "count",
	    removed, "%s OK CLOSE completed", c->tag);
}

/* 6.4.3: remove what is marked \Deleted, and say which. */
static void
proceed_expunge(struct imap_sess *ss, struct imap_cmd *c)
{
	int removed = expunge(ss, 1);

	putn(ss, removed ? "imap.expunge_ok" : "imap.expunge_ok.none", "count",
	    removed, "%s OK EXPUNGE completed", c->tag);
}

/* The highest UID of the view: what "*" means in a UID set. */
static uint32_t
max_uid(const struct imap_sess *ss)
{
	return ss->nview ? ss->view[ss->nview - 1].uid : 0;
}

/*
 * Is view message i in the set?  By UID for UID commands, else by
 * sequence number.  Messages another session expunged stay in the view
 * until the client is told, and are skipped here.
 */
static int
in_set(struct imap_sess *ss, struct imap_cmd *c, int i, int *k)
{
	int hit = c->uid ? imap_seqset_has(&c->set, ss->view[i].uid,
	    max_uid(ss)) : imap_seqset_has(&c->set, (uint32_t)i + 1,
	    (uint32_t)ss->nview);

	if (!hit)
		return 0;
	*k = find_uid(ss->mb, ss->view[i].uid);
	return *k >= 0;
}

/* Sequence numbers must name messages that exist (RFC 3501 9, seq-number). */
static int
check_seqset(struct imap_sess *ss, struct imap_cmd *c)
{
	if (!c->uid && (imap_seqset_top(&c->set) > (uint32_t)ss->nview ||
	    ss->nview == 0)) {
		putf(ss, "imap.bad_reply", "%s BAD Invalid message sequence number (the mailbox "
		    "has %d)", c->tag, ss->nview);
		return 0;
	}
	return 1;
}

/* 6.4.5 FETCH and 6.4.8 UID FETCH: one "* n FETCH (...)" per message. */
static void
proceed_fetch(struct imap_sess *ss, struct imap_cmd *c)
{
	struct mailbox *mb = ss->mb;
	int marks = !ss->readonly && imap_fetch_marks_seen(&c->fetch);
	/* Does the request carry the message itself (RFC822*, BODY[...])? */
	int body = c->fetch.nsect > 0 || (c->fetch.items & (IMAP_FA_RFC822 |
	    IMAP_FA_RFC822_HEADER | IMAP_FA_RFC822_TEXT));
	int sent = 0;

	if (!check_seqset(ss, c))
		return;
	for (int i = 0; i < ss->nview; i++) {
		int k, items = c->fetch.items;

		if (!in_set(ss, c, i, &k))
			continue;
		struct mbox_msg *m = &mb->msgs[k];
		/* Read before, on this device or another: the flag is the server's. */
		int was_seen = (m->flags & MSGF_SEEN) != 0, old = m->flags;
		/* 6.4.5: BODY[] sets \Seen, and the new flags go in the same response. */
		if (marks && !(m->flags & MSGF_SEEN)) {
			m->flags |= MSGF_SEEN;
			items |= IMAP_FA_FLAGS;
		}
		/* 6.4.8: a UID FETCH response always holds the UID. */
		if (c->uid)
			items |= IMAP_FA_UID;
		struct imap_msgref ref = { m, (uint32_t)i + 1,
		    view_flags(&ss->view[i], m), imap_internal_day(ss->m.s, m) };
		struct buf b = { 0 };
		struct say y;
		buf_printf(&b, "* %d FETCH (", i + 1);
		size_t octets = imap_fetch_data(ss->m.s, &ref, items, &c->fetch,
		    &b);
		buf_puts(&b, ")\r\n");
		/*
		 * The response names the message by its sequence number; a UID
		 * FETCH asked by UID (RFC 3501 6.4.8), so the narration says
		 * which number is which rather than mixing them.
		 */
		say_begin(&y, !body ? (c->fetch.items & ~(IMAP_FA_FLAGS |
		    IMAP_FA_UID) ? "imap.fetch_info" : "imap.fetch_flags") :
		    !c->uid ? "imap.fetch_data" : was_seen ?
		    "imap.fetch_data_uid.seen" : "imap.fetch_data_uid");
		say_num(&y, "value", i + 1);
		say_num(&y, "uid", m->uid);
		if (body)
			say_num(&y, "len", (long long)octets);
		put_resp(ss, &y, b.data, b.len);
		buf_free(&b);
		mailstore_flags(ss->m.s, mb, k, old, m->flags, ss->m.peer,
		    "IMAP");
		if (items & IMAP_FA_FLAGS)
			ss->view[i].known = m->flags & STORED_FLAGS;
		sent += body;
	}
	/* "Now marked as read" only where this FETCH did mark it (6.4.5). */
	putf(ss, !sent ? "imap.ok" : marks ? "imap.fetch_ok" :
	    "imap.fetch_ok.peek", "%s OK %sFETCH completed", c->tag,
	    c->uid ? "UID " : "");
}

/* 6.4.6 STORE: replace, add or remove flags; the mailstore keeps them. */
static void
proceed_store(struct imap_sess *ss, struct imap_cmd *c)
{
	struct mailbox *mb = ss->mb;
	const struct imap_store_req *st = &c->store;

	if (!check_seqset(ss, c))
		return;
	for (int i = 0; i < ss->nview; i++) {
		int k;

		if (!in_set(ss, c, i, &k))
			continue;
		struct mbox_msg *m = &mb->msgs[k];
		int old = m->flags;
		switch (st->op) {
		case IMAP_STORE_SET:
			m->flags = st->flags & STORED_FLAGS;
			break;
		case IMAP_STORE_ADD:
			m->flags |= st->flags & STORED_FLAGS;
			break;
		case IMAP_STORE_REMOVE:
			m->flags &= ~st->flags;
			break;
		}
		ss->view[i].known = m->flags & STORED_FLAGS;
		mailstore_flags(ss->m.s, mb, k, old, m->flags, ss->m.peer,
		    "IMAP");
		/* 6.4.6: the new flags come back, unless .SILENT. */
		if (st->silent)
			continue;
		struct imap_msgref ref = { m, (uint32_t)i + 1,
		    view_flags(&ss->view[i], m), imap_internal_day(ss->m.s, m) };
		struct buf b = { 0 };
		struct say y;
		buf_printf(&b, "* %d FETCH (", i + 1);
		imap_fetch_data(ss->m.s, &ref, IMAP_FA_FLAGS |
		    (c->uid ? IMAP_FA_UID : 0), NULL, &b);
		buf_puts(&b, ")\r\n");
		say_begin(&y, "imap.fetch_flags");
		say_num(&y, "value", i + 1);
		say_num(&y, "uid", m->uid);
		put_resp(ss, &y, b.data, b.len);
		buf_free(&b);
	}
	putf(ss, "imap.store_ok", "%s OK %sSTORE completed", c->tag, c->uid ? "UID " : "");
}

/* 6.4.4: the numbers (or UIDs) of the messages that match, in order. */
static void
proceed_search(struct imap_sess *ss, struct imap_cmd *c)
{
	struct mailbox *mb = ss->mb;
	struct buf b = { 0 };
	int found = 0;

	if (c->badcharset) {
		/*
		 * RFC 3501 6.4.4: "If the server does not support the
		 * specified [CHARSET], it MUST return a tagged NO response
		 * (not a BAD).  This response SHOULD contain the BADCHARSET
		 * response code", which lists the charsets we do (7.1).
		 */
		putf(ss, "imap.no", "%s NO [BADCHARSET (UTF-8 US-ASCII)] "
		    "Unsupported charset: search in UTF-8 or US-ASCII", c->tag);
		return;
	}
	buf_puts(&b, "* SEARCH");
	for (int i = 0; i < ss->nview; i++) {
		int k = find_uid(mb, ss->view[i].uid);

		if (k < 0)
			continue;
		struct imap_msgref ref = { &mb->msgs[k], (uint32_t)i + 1,
		    view_flags(&ss->view[i], &mb->msgs[k]),
		    imap_internal_day(ss->m.s, &mb->msgs[k]) };
		if (imap_search_match(&c->search, &ref, (uint32_t)ss->nview,
		    max_uid(ss))) {
			buf_printf(&b, " %u", c->uid ? ss->view[i].uid :
			    (uint32_t)i + 1);
			found++;
		}
	}
	if (c->uid && found > 0) {
		/*
		 * UID SEARCH answers with UIDs (6.4.8): the names a device
		 * compares with the mails it already has.
		 */
		struct say y;

		say_begin(&y, found == 1 ? "imap.search_uids.one" :
		    "imap.search_uids");
		say_num(&y, "count", found);
		say_str(&y, "uid", (char *)b.data + strlen("* SEARCH "));
		buf_puts(&b, "\r\n");
		put_resp(ss, &y, b.data, b.len);
	} else
		putn(ss, count_key(found, "imap.search_result.none",
		    "imap.search_result.one", "imap.search_result"), "count",
		    found, "%s", (char *)b.data);
	buf_free(&b);
	putf(ss, "imap.search_ok", "%s OK %sSEARCH completed", c->tag, c->uid ? "UID " : "");
}

/*
 * Every command the codec knows, with the state it needs (check) and
 * what it does (proceed).  The order does not matter.
 */
static const struct {
	enum imap_verb verb;
	int	(*check)(struct imap_sess *, struct imap_cmd *);
	void	(*proceed)(struct imap_sess *, struct imap_cmd *);
} commands[] = {
	{ IMAP_CAPABILITY, check_any, proceed_capability },
	{ IMAP_NOOP, check_any, proceed_noop },
	{ IMAP_LOGOUT, check_any, proceed_logout },
	{ IMAP_STARTTLS, check_notauth, proceed_starttls },
	{ IMAP_AUTHENTICATE, check_notauth, proceed_authenticate },
	{ IMAP_LOGIN, check_notauth, proceed_login },
	{ IMAP_SELECT, check_auth, proceed_select },
	{ IMAP_EXAMINE, check_auth, proceed_select },
	{ IMAP_CREATE, check_auth, proceed_cannot },
	{ IMAP_DELETE, check_auth, proceed_cannot },
	{ IMAP_RENAME, check_auth, proceed_cannot },
	{ IMAP_SUBSCRIBE, check_auth, proceed_subscribe },
	{ IMAP_UNSUBSCRIBE, check_auth, proceed_subscribe },
	{ IMAP_LIST, check_auth, proceed_list },
	{ IMAP_LSUB, check_auth, proceed_list },
	{ IMAP_STATUS, check_auth, proceed_status },
	{ IMAP_APPEND, check_auth, proceed_cannot },
	{ IMAP_CHECK, check_selected, proceed_noop },
	{ IMAP_CLOSE, check_selected, proceed_close },
	{ IMAP_EXPUNGE, check_writable, proceed_expunge },
	{ IMAP_SEARCH, check_selected, proceed_search },
	{ IMAP_FETCH, check_selected, proceed_fetch },
	{ IMAP_STORE, check_writable, proceed_store },
	{ IMAP_COPY, check_selected, proceed_cannot },
};

/* ---- input ------------------------------------------------------- */

static void
command(struct imap_sess *ss, const uint8_t *p, size_t n)
{
	struct imap_cmd c;

	if (ss->auth_wait) {
		/* The response to AUTHENTICATE's "+": one line of base64. */
		size_t len = n;
		while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
			len--;
		ss->auth_wait = 0;
		auth_plain(ss, ss->auth_tag, (const char *)p, len);
		return;
	}
	switch (imap_parse_command(p, n, &c)) {
	case IMAP_PARSE_OK:
		break;
	case IMAP_PARSE_NOTAG:
		ss->nbad++;
		putf(ss, "imap.bad", "* BAD Missing or invalid tag: each command starts "
		    "with one, as in \"a1 NOOP\"");
		goto out;
	case IMAP_PARSE_UNKNOWN:
		ss->nbad++;
		putf(ss, "imap.bad", "%s BAD Unknown command", c.tag);
		goto out;
	default:
		ss->nbad++;
		putf(ss, "imap.bad", "%s BAD Syntax error: %s", c.tag, c.error);
		goto out;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (commands[i].verb != c.verb)
			continue;
		if (!commands[i].check(ss, &c))
			goto out;
		/* News of the mailbox first; SELECT and CLOSE start over anyway. */
		if (ss->m.state == IS_SELECTED && c.verb != IMAP_SELECT &&
		    c.verb != IMAP_EXAMINE && c.verb != IMAP_LOGOUT &&
		    c.verb != IMAP_CLOSE)
			sess_sync(ss, c.uid || (c.verb != IMAP_FETCH &&
			    c.verb != IMAP_STORE && c.verb != IMAP_SEARCH));
		commands[i].proceed(ss, &c);
		goto out;
	}
	fatalx("imap: no table entry for %s", imap_verb_str(c.verb));
out:
	imap_cmd_free(&c);
}

/*
 * The client said nothing for 30 minutes.  RFC 3501 7.1.5: BYE is sent
 * "when the server is closing the connection because of inactivity
 * (autologout)", and the example reads "* BYE Autologout; idle for too
 * long".  Nothing changes in the mailbox: flags already stored stay, and
 * nothing is expunged (no CLOSE, 6.4.2).
 */
static void
sess_autologout(struct msess *m)
{
	struct imap_sess *ss = (struct imap_sess *)m;

	putf(ss, "imap.bye.autologout", "* BYE Autologout; idle for too long");
	enter_state(ss, IS_LOGOUT);
	flush(ss);
	msess_close(m);
}

/*
 * One line from the client (msess_lines): a command, or part of one that
 * goes on after a literal.  Commands may come pipelined (RFC 3501 5.5);
 * the responses to each leave together.
 */
static void
sess_line(struct msess *m, enum line_status st, const char *line, size_t n)
{
	struct imap_sess *ss = (struct imap_sess *)m;
	struct buf *u = &ss->in.unit;
	uint64_t lit;
	char tag[IMAP_TAG_MAX + 1];

	switch (imap_in_line(&m->lb, &ss->in, st, line, n, &lit)) {
	case IMAP_FRAME_LITERAL:
		/* RFC 3501 7.5: the client waits for this before the octets. */
		putf(ss, "imap.continue", "+ Ready for literal data");
		flush(ss);
		return;
	case IMAP_FRAME_TOO_LONG:
		imap_peek_tag(u->data, u->len, tag);
		if (ss->auth_wait) {
			/* It was the AUTHENTICATE response: that command fails. */
			strcpy(tag, ss->auth_tag);
			ss->auth_wait = 0;
		}
		ss->nbad++;
		if (lit)
			putf(ss, "imap.bad_reply", "%s BAD Literal too big (at most %u "
			    "octets)", tag, IMAP_LITERAL_MAX);
		else
			putf(ss, "imap.bad_reply", "%s BAD Command line too long (at most "
			    "%d octets)", tag, IMAP_LINE_MAX);
		break;
	case IMAP_FRAME_DONE:
		command(ss, u->data, u->len);
		break;
	default:
		/* A literal that needs no "+": its octets come next. */
		return;
	}
	/*
	 * A client that sends line after line of no command (garbage on
	 * the port) is let go, as Dovecot does: RFC 3501 7.1.5, BYE is
	 * sent when "the server is about to close the connection".
	 */
	if (!m->freed && ss->nbad >= IMAP_MAX_BAD && m->state != IS_LOGOUT) {
		putf(ss, "imap.bye.too_many_bad", "* BYE Too many invalid IMAP "
		    "commands");
		enter_state(ss, IS_LOGOUT);
		flush(ss);
		msess_close(m);
		return;
	}
	flush(ss);
}

/*
 * Bytes from the client: the octets of a literal under way are data,
 * whatever they hold (RFC 3501 4.3); the rest are lines.
 */
static void
sess_data(struct msess *m, const uint8_t *p, size_t n)
{
	struct imap_sess *ss = (struct imap_sess *)m;
	size_t k;

	if (m->state == IS_LOGOUT)
		return;
	k = imap_in_octets(&ss->in, p, n);
	if (k < n)
		msess_lines(m, p + k, n - k);
}

/* The session is going: what is only IMAP's. */
static void
sess_release(struct msess *m)
{
	struct imap_sess *ss = (struct imap_sess *)m;

	free(ss->view);
	imap_in_free(&ss->in);
	buf_free(&ss->out);
}

/*
 * The client may leave with or without LOGOUT, or be reset (switched
 * off): the skeleton closes our side and frees the session; nothing is
 * said to anyone.  The client is silent for AUTOLOGOUT_NS: BYE.
 */
static const struct msess_ops sess_ops = {
	.name = "imap server",
	.proto = APP_IMAP,
	.state_names = is_names,
	.state_keys = is_keys,
	.nstates = IS_NSTATES,
	.done = IS_LOGOUT,
	.line_max = IMAP_LINE_MAX,
	.idle_ns = AUTOLOGOUT_NS,
	.data = sess_data,
	.line = sess_line,
	.timeout = sess_autologout,
	.release = sess_release,
};

/* A new connection, in the not authenticated state (RFC 3501 3.1). */
static void
sess_accept(struct msess *m, void *arg)
{
	struct imap_sess *ss = (struct imap_sess *)m;

	(void)arg;
	imap_in_init(&ss->in, IMAP_LINE_MAX, IMAP_LITERAL_MAX);
	/* RFC 3501 7.1.1: the greeting; the capabilities come with it. */
	putf(ss, "imap.greeting", "* OK [CAPABILITY " CAPABILITIES "] %s IMAP4rev1 surel ready",
	    ss->m.s->sc->nodes[ss->m.node].hostname);
	flush(ss);
}

/* Called by mail_start() for every node with an imap service. */
void
imap_server_start(struct sim *s, int node)
{
	msess_listen(s, node, (uint16_t)s->sc->nodes[node].imap.port,
	    &sess_ops, sizeof(struct imap_sess), &imap_world(s)->sessions,
	    sess_accept, NULL);
}
