/*
 * recap.c: every run ends with a short recap (issue 11): for each
 * message written and each of its recipients, one TR_STATE record
 * (ST_RECAP) whose narration says in a sentence or two what became of
 * it ("In short: ..."), at the story level of detail.
 *
 * What the world knows at the end is enough: where each message was
 * written (mail_origin_add), the outcome for each recipient (struct
 * delivery), whether the mailbox still holds it, which devices
 * downloaded it and how.  The servers it passed through are the queues
 * that took it, read back from the trace's ST_QUEUE_ADD records (their
 * "msgid" and "to" arguments).  A run cut short by until_ms says what is
 * still on its way.  The recap writes records only: no packet, no
 * transcript line.
 */
#include "recap.h"

#include "mail.h"
#include "world.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One queue that took a message for a recipient: the path, in order. */
struct hop {
	char	*mid, *to;
	int	 node;
};

static const char *
say_arg(const struct trace_say *y, const char *name, size_t *n)
{
	size_t nl = strlen(name);

	for (int i = 0; i < y->nargs; i++)
		if (y->arg[i].name_len == nl &&
		    memcmp(y->arg[i].name, name, nl) == 0) {
			*n = y->arg[i].value_len;
			return y->arg[i].value;
		}
	return NULL;
}

/* Every queue that took a message, from the trace, in time order. */
static struct hop *
read_hops(struct sim *s, int *nhops)
{
	struct hop *h = NULL;
	int n = 0, cap = 0;

	for (size_t i = 0; i < trace_count(s->tr); i++) {
		const struct trace_rec *r = trace_get(s->tr, i);
		struct trace_say y;
		const char *mid, *to;
		size_t midn, ton;

		if (r->kind != TR_STATE || r->a != ST_QUEUE_ADD ||
		    !trace_say_read(s->tr, r->say, &y) ||
		    (mid = say_arg(&y, "msgid", &midn)) == NULL ||
		    (to = say_arg(&y, "to", &ton)) == NULL)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			h = xrealloc(h, (size_t)cap * sizeof *h);
		}
		h[n++] = (struct hop){ xstrndup(mid, midn), xstrndup(to, ton),
		    r->node };
	}
	*nhops = n;
	return h;
}

static const struct mail_origin *
origin_of(struct sim *s, const char *mid)
{
	for (int i = 0; i < s->mail->norigins; i++)
		if (strcmp(s->mail->origins[i].message_id, mid) == 0)
			return &s->mail->origins[i];
	return NULL;
}

/* The servers whose queues took mid for rcpt, in order, once each. */
static void
say_path(struct say *y, const struct hop *h, int nhops, const char *mid,
    const char *rcpt, int from, int end)
{
	int last = -1, said = 0;

	for (int i = 0; i < nhops; i++) {
		if (strcmp(h[i].mid, mid) != 0 || strcasecmp(h[i].to, rcpt) != 0 ||
		    h[i].node == last || h[i].node == from)
			continue;
		say_node(y, "via", h[i].node);	/* repeated: a list */
		last = h[i].node;
		said++;
	}
	/* A server that wrote the mail and stored it itself: it passed there. */
	if (said == 0)
		say_node(y, "via", end);
}

/* The devices that downloaded a delivered message (the recap names them). */
#define RECAP_MAX_BY	8

struct fetched {
	int		 node[RECAP_MAX_BY];
	int		 n;
	enum fetch_proto proto;
};

/*
 * A delivered message: where it is now.  Still in the mailbox or not,
 * and the devices that downloaded it from there (POP3, IMAP).
 */
static const char *
delivered(struct sim *s, const struct delivery *d, struct fetched *f)
{
	struct mailbox *mb = mailstore_by_address(s, d->server, d->rcpt);
	int kept = 0;

	f->n = 0;
	f->proto = FETCH_POP3;
	if (mb == NULL)
		return "recap.delivered";
	for (int i = 0; i < mb->nmsgs; i++)
		if (strcmp(mb->msgs[i].message_id, d->message_id) == 0)
			kept = 1;
	for (int n = 0; n < s->nnodes && f->n < RECAP_MAX_BY; n++) {
		const struct device *dv = &s->mail->devices[n];

		for (int i = 0; i < dv->nmsgs; i++) {
			const struct dev_msg *m = &dv->msgs[i];

			if (m->server != d->server || strcmp(m->user, mb->user) ||
			    strcmp(m->message_id, d->message_id))
				continue;
			f->node[f->n++] = n;
			f->proto = m->proto;
			break;
		}
	}
	if (f->n > 0)
		return kept ? "recap.delivered_fetched" :
		    "recap.delivered_fetched_deleted";
	return kept ? "recap.delivered" : "recap.delivered_gone";
}

/* One record: what became of message o for recipient d (NULL: none yet). */
static void
recap_one(struct sim *s, const struct mail_origin *o, const struct delivery *d,
    const struct hop *h, int nhops)
{
	const struct mail_origin *about = o->about ? origin_of(s, o->about) :
	    NULL;
	struct fetched f = { .n = 0 };
	struct say y;
	const char *key;
	int bounce = o->action < 0;

	if (d == NULL)
		key = "recap.unsent";
	else if (d->status == DLV_DELIVERED)
		key = bounce ? "recap.notice" : delivered(s, d, &f);
	else if (d->status == DLV_BOUNCED)
		key = bounce ? "recap.lost" : "recap.bounced";
	else if (d->status == DLV_QUEUED)
		key = bounce ? "recap.notice_queued" : "recap.queued";
	else
		/* Refused before it left: by a server, or never sent at all. */
		key = s->sc->nodes[d->server].kind == SC_SERVER ?
		    "recap.refused" : "recap.refused_unsent";

	say_begin(&y, key);
	/* A notice is told by the subject of the mail it reports on. */
	say_str(&y, "subject", bounce && about ? about->subject : o->subject);
	say_str(&y, "from", bounce && about ? about->sender : o->sender);
	say_str(&y, "msgid", o->message_id);
	if (d != NULL) {
		say_str(&y, "to", d->rcpt);
		say_node(&y, "next", d->server);
		if (d->status == DLV_DELIVERED && !bounce)
			say_path(&y, h, nhops, o->message_id, d->rcpt, o->node,
			    d->server);
	}
	for (int i = 0; i < f.n; i++)
		say_node(&y, "by", f.node[i]);	/* repeated: a list */
	if (f.n > 0)
		say_str(&y, "proto", f.proto == FETCH_POP3 ? "POP3" : "IMAP");
	sim_state_say(s, o->node, ST_RECAP, d ? (uint32_t)d->status : 0,
	    sim_say(s, &y), "%s %s %s", key + strlen("recap."),
	    o->message_id, d ? d->rcpt : "");
}

void
recap_write(struct sim *s)
{
	struct mail_world *w = s->mail;
	struct hop *h;
	int nhops;

	if (w == NULL || w->norigins == 0)
		return;
	h = read_hops(s, &nhops);
	for (int i = 0; i < w->norigins; i++) {
		const struct mail_origin *o = &w->origins[i];
		int any = 0;

		for (int k = 0; k < w->ndlv; k++)
			if (strcmp(w->dlv[k].message_id, o->message_id) == 0) {
				recap_one(s, o, &w->dlv[k], h, nhops);
				any = 1;
			}
		if (!any)
			recap_one(s, o, NULL, h, nhops);
	}
	for (int i = 0; i < nhops; i++) {
		free(h[i].mid);
		free(h[i].to);
	}
	free(h);
}
