/*
 * mailstore.c: the mailboxes of the scenario's accounts.  A mailbox
 * keeps its messages in arrival order with IMAP-style UIDs (RFC 3501
 * 2.3.1.1: strictly ascending, never reused) and flags, so that POP3
 * and IMAP read the same store: POP3 deletes, IMAP keeps and flags.
 */
#include "mail.h"
#include "mime.h"
#include "smtp_wire.h"
#include "world.h"

#include <stdlib.h>
#include <string.h>

/*
 * The first box (in account order, as the accounts are written) on node
 * whose address is addr, by the hash of mail_start().
 */
struct mailbox *
mailstore_by_address(struct sim *s, int node, const char *addr)
{
	struct mail_world *w = s->mail;
	size_t it = 0;
	int best = -1;

	for (int i; (i = hmap_next(&w->box_by_addr, hash_lower(addr),
	    &it)) >= 0; )
		if ((best < 0 || i < best) && w->boxes[i].node == node &&
		    smtp_same(w->boxes[i].address, addr))
			best = i;
	return best >= 0 ? &w->boxes[best] : NULL;
}

struct mailbox *
mailstore_by_user(struct sim *s, int node, const char *user)
{
	struct mail_world *w = s->mail;
	size_t it = 0;
	int best = -1;

	/* User names are compared exactly: they are what people type. */
	for (int i; (i = hmap_next(&w->box_by_user, hash_str(user),
	    &it)) >= 0; )
		if ((best < 0 || i < best) && w->boxes[i].node == node &&
		    strcmp(w->boxes[i].user, user) == 0)
			best = i;
	return best >= 0 ? &w->boxes[best] : NULL;
}

int
mailstore_has(struct sim *s, int node, const char *addr)
{
	return mailstore_by_address(s, node, addr) != NULL;
}

/*
 * The value of header field name ("Subject:") of a message, unfolded
 * (RFC 5322 2.2.3) and without its leading blanks; NULL when the header
 * has none.  The caller frees it.
 */
static char *
mail_header(const uint8_t *p, size_t n, const char *name)
{
	struct buf v = { 0 };
	size_t i = 0, nl = strlen(name);
	int in = 0;

	while (i < n) {
		const uint8_t *lf = memchr(p + i, '\n', n - i);
		size_t end = lf ? (size_t)(lf - p) : n, len = end - i;

		if (len > 0 && p[end - 1] == '\r')
			len--;
		if (len == 0)
			break;		/* the end of the header */
		if (in && (p[i] == ' ' || p[i] == '\t'))
			buf_append(&v, p + i, len);	/* a folded line */
		else if (in)
			break;
		else if (len >= nl && smtp_same_n((const char *)p + i,
		    name, nl)) {
			in = 1;
			buf_append(&v, p + i + nl, len - nl);
		}
		i = end + 1;
	}
	if (!in) {
		buf_free(&v);
		return NULL;
	}
	buf_putc(&v, '\0');
	char *t = (char *)v.data;
	size_t skip = strspn(t, " \t");
	memmove(t, t + skip, strlen(t + skip) + 1);
	return t;
}

/* A header field's value with its encoded words decoded (RFC 2047); NULL when none. */
static char *
mail_header_words(const uint8_t *p, size_t n, const char *name)
{
	char *v = mail_header(p, n, name);
	char *d;

	if (v == NULL)
		return NULL;
	d = mime_decode_words(v);
	free(v);
	return d;
}

/*
 * The Subject: of a message, with its encoded words decoded (RFC 2047),
 * for the narration; NULL when the header has none.  The caller frees it.
 */
char *
mail_subject(const uint8_t *p, size_t n)
{
	return mail_header_words(p, n, "Subject:");
}

/* The From: of a message, encoded words decoded; NULL when none.  The caller frees it. */
char *
mail_from(const uint8_t *p, size_t n)
{
	return mail_header_words(p, n, "From:");
}

/*
 * The Message-ID: of a message as written, with its <> (RFC 5322
 * 3.6.4): the name by which the explain layer follows a message from
 * queue to mailbox to device.  NULL where it has none; the caller frees it.
 */
char *
mail_message_id(const uint8_t *p, size_t n)
{
	char *v = mail_header(p, n, "Message-ID:");

	if (v != NULL)
		v[strcspn(v, " \t")] = '\0';
	return v;
}

void
mailstore_deliver(struct sim *s, struct mailbox *mb, const uint8_t *p,
    size_t n, const char *message_id)
{
	mailstore_deliver_from(s, mb, p, n, message_id, NULL);
}

void
mailstore_deliver_from(struct sim *s, struct mailbox *mb, const uint8_t *p,
    size_t n, const char *message_id, const char *sender)
{
	int notice = sender != NULL && sender[0] == '\0';

	if (mb->nmsgs == mb->capmsgs) {
		mb->capmsgs = mb->capmsgs ? mb->capmsgs * 2 : 8;
		mb->msgs = xrealloc(mb->msgs, (size_t)mb->capmsgs *
		    sizeof *mb->msgs);
	}
	struct mbox_msg *m = &mb->msgs[mb->nmsgs++];
	memset(m, 0, sizeof *m);
	m->uid = mb->uidnext++;
	buf_append(&m->data, p, n);
	m->message_id = xstrdup(message_id ? message_id : "");
	m->arrived_ns = sim_time(s);

	/* A notice (null reverse-path, RFC 5321 4.5.5) is a bounce coming home. */
	struct say y;
	char *subject = mail_subject(p, n);
	say_begin(&y, notice ? "state.mailbox_add_bounce" : "state.mailbox_add");
	say_str(&y, "to", mb->address);
	if (subject != NULL)
		say_str(&y, "subject", subject);
	say_num(&y, "count", mb->nmsgs);
	say_str(&y, "msgid", m->message_id);	/* whereis.c follows it */
	/*
	 * What the window's node panel lists and opens (it reads only the
	 * trace): who wrote it, how big it is, its UID, the envelope sender
	 * (Return-Path, RFC 5321 4.4) and the stored bytes themselves, kept
	 * once in the trace's text arena and named by their offset.
	 */
	char *from = mail_from(p, n);
	if (from != NULL)
		say_str(&y, "from", from);
	free(from);
	if (sender != NULL)
		say_str(&y, "sender", sender);
	say_num(&y, "size", (long long)n);
	say_num(&y, "uid", m->uid);
	say_num(&y, "body", trace_text(s->tr, (const char *)p, n));
	sim_state_say(s, mb->node, ST_MAILBOX_ADD, (uint32_t)mb->nmsgs,
	    sim_say(s, &y), "%s %s", mb->address, m->message_id);
	free(subject);
}

/*
 * The flags of message i changed (IMAP STORE, FETCH of the body, POP3
 * RETR and DELE): the trace says the new set, so that the window shows
 * "\Seen" on the server from that step on.  Nothing is recorded when
 * nothing changed.  flags may differ from what the store keeps: POP3's
 * DELE only marks a message for its own session (RFC 1939 5), and the
 * record says so with \Deleted until QUIT removes it or RSET unmarks it.
 * by: the device whose session did it (-1: none).
 */
void
mailstore_flags(struct sim *s, struct mailbox *mb, int i, int old, int flags,
    int by, const char *proto)
{
	struct mbox_msg *m = &mb->msgs[i];
	struct buf fl = { 0 };
	struct say y;

	if (old == flags)
		return;
	if (flags & MSGF_SEEN)
		buf_puts(&fl, "\\Seen");
	if (flags & MSGF_ANSWERED)
		buf_puts(&fl, fl.len ? " \\Answered" : "\\Answered");
	if (flags & MSGF_FLAGGED)
		buf_puts(&fl, fl.len ? " \\Flagged" : "\\Flagged");
	if (flags & MSGF_DELETED)
		buf_puts(&fl, fl.len ? " \\Deleted" : "\\Deleted");
	if (flags & MSGF_DRAFT)
		buf_puts(&fl, fl.len ? " \\Draft" : "\\Draft");
	say_begin(&y, flags == 0 ? "state.flags_none" :
	    (flags & ~old & MSGF_DELETED) ? "state.flags_deleted" :
	    "state.flags");
	say_str(&y, "to", mb->address);
	say_str(&y, "msgid", m->message_id);
	say_str(&y, "value", fl.len ? (char *)fl.data : "");
	say_num(&y, "bits", flags);
	say_str(&y, "proto", proto);
	if (by >= 0)
		say_node(&y, "by", by);
	sim_state_say(s, mb->node, ST_FLAGS, (uint32_t)flags, sim_say(s, &y),
	    "%s %s %s", mb->address, m->message_id, fl.len ? (char *)fl.data :
	    "");
	buf_free(&fl);
}

void
mailstore_remove(struct sim *s, struct mailbox *mb, int i)
{
	mailstore_remove_why(s, mb, i, MBOX_DEL_OTHER);
}

void
mailstore_remove_why(struct sim *s, struct mailbox *mb, int i,
    enum mbox_del_why why)
{
	struct mbox_msg *m = &mb->msgs[i];
	struct say y;

	/* Who removes it, and when: the narration says which. */
	say_begin(&y, why == MBOX_DEL_POP3 ? "state.mailbox_del_pop3" :
	    why == MBOX_DEL_IMAP ? "state.mailbox_del_imap" :
	    "state.mailbox_del");
	say_str(&y, "to", mb->address);
	say_num(&y, "count", mb->nmsgs - 1);
	say_str(&y, "msgid", m->message_id);
	sim_state_say(s, mb->node, ST_MAILBOX_DEL, (uint32_t)mb->nmsgs - 1,
	    sim_say(s, &y), "%s %s", mb->address, m->message_id);
	buf_free(&m->data);
	free(m->message_id);
	memmove(m, m + 1, (size_t)(mb->nmsgs - i - 1) * sizeof *m);
	mb->nmsgs--;
}

const char *
delivery_status_str(enum delivery_status st)
{
	switch (st) {
	case DLV_QUEUED: return "queued";
	case DLV_DELIVERED: return "delivered";
	case DLV_BOUNCED: return "bounced";
	case DLV_REJECTED: return "rejected";
	}
	return "?";
}

/*
 * The outcome of one message for one envelope recipient, updated as the
 * message moves: queued at each server it reaches, then delivered,
 * bounced or rejected.  A final state is never downgraded to queued
 * (a copy still in some queue after delivery is a duplicate, not news).
 *
 * y: the narration the caller began (say_begin() with the key that
 * tells what happened, and the arguments only it knows), or NULL for
 * the plain key of st; here the recipient {to}, the reply {reply} and
 * its {code} are added.  The record is written only when the outcome
 * changes; y is used up either way.
 */
void
delivery_set(struct sim *s, const char *message_id, const char *rcpt,
    enum delivery_status st, int server, const char *reply, struct say *y)
{
	struct mail_world *w = s->mail;
	struct delivery *d = NULL;
	struct say plain;

	if (y == NULL) {
		y = &plain;
		say_begin(y, st == DLV_DELIVERED ? "state.delivery.delivered" :
		    st == DLV_BOUNCED ? "state.delivery.bounced" :
		    st == DLV_REJECTED ? "state.delivery.rejected" :
		    "state.delivery.queued");
	}
	/* One delivery per message and recipient: found by its hash. */
	uint64_t key = hash_mix(hash_str(message_id) ^ hash_lower(rcpt));
	size_t it = 0;
	for (int i; (i = hmap_next(&w->dlv_by_key, key, &it)) >= 0; )
		if (strcmp(w->dlv[i].message_id, message_id) == 0 &&
		    smtp_same(w->dlv[i].rcpt, rcpt))
			d = &w->dlv[i];
	if (d == NULL) {
		hmap_add(&w->dlv_by_key, key, w->ndlv);
		if (w->ndlv == w->capdlv) {
			w->capdlv = w->capdlv ? w->capdlv * 2 : 16;
			w->dlv = xrealloc(w->dlv, (size_t)w->capdlv *
			    sizeof *w->dlv);
		}
		d = &w->dlv[w->ndlv++];
		d->message_id = xstrdup(message_id);
		d->rcpt = xstrdup(rcpt);
		d->reply = NULL;
	} else if (st == DLV_QUEUED && d->status != DLV_QUEUED) {
		buf_free(&y->b);
		return;
	}
	d->status = st;
	d->server = server;
	free(d->reply);
	d->reply = xstrdup(reply ? reply : "");
	say_str(y, "to", rcpt);
	say_str(y, "msgid", message_id);	/* whereis.c, the recap */
	if (d->reply[0] != '\0')
		say_str(y, "reply", d->reply);
	/* A reply from a server starts with its code; a local reason does not. */
	if (d->reply[0] >= '2' && d->reply[0] <= '5')
		say_num(y, "code", strtol(d->reply, NULL, 10));
	sim_state_say(s, server, ST_DELIVERY, (uint32_t)st, sim_say(s, y),
	    "%s %s %s %s", delivery_status_str(st), message_id, rcpt,
	    d->reply);
}
