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

#include "hash.h"
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

/*
 * What the recap looks up per message, hashed by Message-ID once, so that
 * a large world's recap is not quadratic (issue 16): the hops, the
 * origins, the deliveries and the messages devices downloaded (as
 * node * devmsg_stride + index).
 */
struct recap_idx {
	struct hmap	 hops, origins, dlv, devmsgs;
	int		 devmsg_stride;
	int		*tmp;		/* hits of one look-up, sorted */
	int		 ntmp, captmp;
};

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The values under mid's hash, in ascending order (the order of a walk). */
static int
recap_hits(struct recap_idx *ix, const struct hmap *h, const char *mid)
{
	size_t it = 0;

	ix->ntmp = 0;
	for (int v; (v = hmap_next(h, hash_str(mid), &it)) >= 0; ) {
		if (ix->ntmp == ix->captmp) {
			ix->captmp = ix->captmp ? ix->captmp * 2 : 16;
			ix->tmp = xrealloc(ix->tmp, (size_t)ix->captmp *
			    sizeof *ix->tmp);
		}
		ix->tmp[ix->ntmp++] = v;
	}
	qsort(ix->tmp, (size_t)ix->ntmp, sizeof *ix->tmp, cmp_int);
	return ix->ntmp;
}

static const char *
say_arg(const struct trace_say *y, const char *name, size_t *n)
{
	const struct trace_say_arg *a = trace_say_arg_named(y, name);

	if (a == NULL)
		return NULL;
	*n = a->value_len;
	return a->value;
}

/* Every queue that took a message, from the trace, in time order. */
static struct hop *
read_hops(struct sim *s, int *nhops)
{
	struct hop *h = NULL;
	int n = 0, cap = 0;

	for (size_t i = 0; i < trace_count(s->tr); i++) {
		const struct trace_rec r = trace_at(s->tr, i);
		struct trace_say y;
		const char *mid, *to;
		size_t midn, ton;

		if (r.kind != TR_STATE || r.a != ST_QUEUE_ADD ||
		    !trace_say_read(s->tr, r.say, &y) ||
		    (mid = say_arg(&y, "msgid", &midn)) == NULL ||
		    (to = say_arg(&y, "to", &ton)) == NULL)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			h = xrealloc(h, (size_t)cap * sizeof *h);
		}
		h[n++] = (struct hop){ xstrndup(mid, midn), xstrndup(to, ton),
		    r.node };
	}
	*nhops = n;
	return h;
}

static const struct mail_origin *
origin_of(struct sim *s, struct recap_idx *ix, const char *mid)
{
	int n = recap_hits(ix, &ix->origins, mid);

	for (int k = 0; k < n; k++)
		if (strcmp(s->mail->origins[ix->tmp[k]].message_id, mid) == 0)
			return &s->mail->origins[ix->tmp[k]];
	return NULL;
}

/* The servers whose queues took mid for rcpt, in order, once each. */
static void
say_path(struct say *y, struct recap_idx *ix, const struct hop *h,
    const char *mid, const char *rcpt, int from, int end)
{
	int last = -1, said = 0;
	int n = recap_hits(ix, &ix->hops, mid);

	for (int k = 0; k < n; k++) {
		int i = ix->tmp[k];

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
delivered(struct sim *s, struct recap_idx *ix, const struct delivery *d,
    struct fetched *f)
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
	/* Nodes in order, the first matching download of each. */
	int nh = recap_hits(ix, &ix->devmsgs, d->message_id), done = -1;
	for (int k = 0; k < nh && f->n < RECAP_MAX_BY; k++) {
		int n = ix->tmp[k] / ix->devmsg_stride;
		const struct dev_msg *m = &s->mail->devices[n].msgs[ix->tmp[k] %
		    ix->devmsg_stride];

		if (n == done || m->server != d->server ||
		    strcmp(m->user, mb->user) ||
		    strcmp(m->message_id, d->message_id))
			continue;
		f->node[f->n++] = n;
		f->proto = m->proto;
		done = n;
	}
	if (f->n > 0)
		return kept ? "recap.delivered_fetched" :
		    "recap.delivered_fetched_deleted";
	return kept ? "recap.delivered" : "recap.delivered_gone";
}

/* One record: what became of message o for recipient d (NULL: none yet). */
static void
recap_one(struct sim *s, struct recap_idx *ix, const struct mail_origin *o,
    const struct delivery *d, const struct hop *h)
{
	const struct mail_origin *about = o->about ? origin_of(s, ix,
	    o->about) : NULL;
	struct fetched f = { .n = 0 };
	struct say y;
	const char *key;
	int bounce = o->action < 0;

	if (d == NULL)
		key = "recap.unsent";
	else if (d->status == DLV_DELIVERED)
		key = bounce ? "recap.notice" : delivered(s, ix, d, &f);
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
			say_path(&y, ix, h, o->message_id, d->rcpt, o->node,
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
	struct recap_idx ix = { .devmsg_stride = 1 };
	for (int i = 0; i < nhops; i++)
		hmap_add(&ix.hops, hash_str(h[i].mid), i);
	for (int i = 0; i < w->norigins; i++)
		hmap_add(&ix.origins, hash_str(w->origins[i].message_id), i);
	for (int k = 0; k < w->ndlv; k++)
		hmap_add(&ix.dlv, hash_str(w->dlv[k].message_id), k);
	for (int n = 0; n < s->nnodes; n++)
		if (w->devices[n].nmsgs >= ix.devmsg_stride)
			ix.devmsg_stride = w->devices[n].nmsgs + 1;
	for (int n = 0; n < s->nnodes; n++)
		for (int i = 0; i < w->devices[n].nmsgs; i++)
			hmap_add(&ix.devmsgs, hash_str(w->devices[n].msgs[i].
			    message_id), n * ix.devmsg_stride + i);
	for (int i = 0; i < w->norigins; i++) {
		const struct mail_origin *o = &w->origins[i];
		int any = 0;
		/* Its deliveries in order (recap_one uses ix->tmp itself). */
		int nd = recap_hits(&ix, &ix.dlv, o->message_id);
		int *ks = xmalloc(((size_t)nd + 1) * sizeof *ks);

		memcpy(ks, ix.tmp, (size_t)nd * sizeof *ks);
		for (int j = 0; j < nd; j++)
			if (strcmp(w->dlv[ks[j]].message_id, o->message_id) == 0) {
				recap_one(s, &ix, o, &w->dlv[ks[j]], h);
				any = 1;
			}
		free(ks);
		if (!any)
			recap_one(s, &ix, o, NULL, h);
	}
	hmap_free(&ix.hops);
	hmap_free(&ix.origins);
	hmap_free(&ix.dlv);
	hmap_free(&ix.devmsgs);
	free(ix.tmp);
	for (int i = 0; i < nhops; i++) {
		free(h[i].mid);
		free(h[i].to);
	}
	free(h);
}
