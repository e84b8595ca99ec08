/*
 * mailstore.c: the mailboxes of the scenario's accounts.  A mailbox
 * keeps its messages in arrival order with IMAP-style UIDs (RFC 3501
 * 2.3.1.1: strictly ascending, never reused) and flags, so that POP3
 * and IMAP read the same store: POP3 deletes, IMAP keeps and flags.
 */
#include "mail.h"
#include "smtp_wire.h"
#include "world.h"

#include <stdlib.h>
#include <string.h>

struct mailbox *
mailstore_by_address(struct sim *s, int node, const char *addr)
{
	for (int i = 0; i < s->mail->nboxes; i++) {
		struct mailbox *mb = &s->mail->boxes[i];

		if (mb->node == node && smtp_same(mb->address, addr))
			return mb;
	}
	return NULL;
}

struct mailbox *
mailstore_by_user(struct sim *s, int node, const char *user)
{
	/* User names are compared exactly: they are what people type. */
	for (int i = 0; i < s->mail->nboxes; i++) {
		struct mailbox *mb = &s->mail->boxes[i];

		if (mb->node == node && strcmp(mb->user, user) == 0)
			return mb;
	}
	return NULL;
}

int
mailstore_has(struct sim *s, int node, const char *addr)
{
	return mailstore_by_address(s, node, addr) != NULL;
}

void
mailstore_deliver(struct sim *s, struct mailbox *mb, const uint8_t *p,
    size_t n, const char *message_id)
{
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
	sim_state(s, mb->node, ST_MAILBOX_ADD, (uint32_t)mb->nmsgs, "%s %s",
	    mb->address, m->message_id);
}

void
mailstore_remove(struct sim *s, struct mailbox *mb, int i)
{
	struct mbox_msg *m = &mb->msgs[i];

	sim_state(s, mb->node, ST_MAILBOX_DEL, (uint32_t)mb->nmsgs - 1, "%s %s",
	    mb->address, m->message_id);
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
 */
void
delivery_set(struct sim *s, const char *message_id, const char *rcpt,
    enum delivery_status st, int server, const char *reply)
{
	struct mail_world *w = s->mail;
	struct delivery *d = NULL;

	for (int i = 0; i < w->ndlv; i++)
		if (strcmp(w->dlv[i].message_id, message_id) == 0 &&
		    smtp_same(w->dlv[i].rcpt, rcpt))
			d = &w->dlv[i];
	if (d == NULL) {
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
		return;
	}
	d->status = st;
	d->server = server;
	free(d->reply);
	d->reply = xstrdup(reply ? reply : "");
	sim_state(s, server, ST_DELIVERY, (uint32_t)st, "%s %s %s %s",
	    delivery_status_str(st), message_id, rcpt, d->reply);
}
