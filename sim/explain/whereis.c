/*
 * whereis.c: where each message is at a step of the trace (whereis.h).
 *
 * The places change only at a few records, each named by the layer that
 * acted (trace.h, "Narration at the source"), read back by their
 * narration arguments and never by transcript text:
 *
 *   - a send action of the scenario: the message is composed on the
 *     sender's device (the scenario says when; the first record that
 *     names a new Message-ID at that device or its server says which);
 *   - the message itself crossing (smtp.message, lmtp.message: the
 *     records with a "msgid"): in transit from the client to the server
 *     until the server holds it (its queue or a mailbox: RFC 5321
 *     4.1.1.4, the receiver takes responsibility with the 250 that
 *     follows at once), its reply, a failed connection, or a node going
 *     off;
 *   - ST_QUEUE_ADD, ST_QUEUE_DEL: in a mail server's queue, per
 *     recipient.  A server that queues or stores a message it received
 *     takes it from the sender's queue for that recipient: the sender's
 *     copy is only waiting for the session to end;
 *   - ST_MAILBOX_ADD, ST_MAILBOX_DEL: in an account's mailbox; a
 *     recipient's mail in a mailbox is no longer in any queue;
 *   - ST_CLIENT_STORE: downloaded to a device (with POP3 the server's
 *     copy goes at the DELE's UPDATE, ST_MAILBOX_DEL; with IMAP it stays);
 *   - ST_DELIVERY, bounced or rejected: refused for that recipient.  A
 *     bounce (RFC 5321 4.5.5, the null reverse-path) is a message of its
 *     own, and one that fails is lost (RFC 5321 6.1: no bounce of a bounce).
 *
 * whereis_new() turns those records into a list of operations (struct
 * op), in trace order, and saves the places every WH_CHECK operations,
 * or, once more places than that are known, after as many operations as
 * there are places (a copy costs what a replay of that many does, and
 * the copies of a 100,000-message trace stay linear in its length, not
 * quadratic: issue 16); whereis_at() starts from the saved places
 * nearest below the step and brings in what the operations after them
 * changed.
 *
 * Every operation changes the places of its own message only, so the
 * places are kept per message (struct places, in the order they were
 * put): an operation costs what that message's few places cost, not
 * what every message's do (with 100,000 messages, a list of all of them
 * scanned per operation made whereis_new() quadratic: issue 16).  A
 * saved copy is flat and sorted by message, as whereis_at() answers;
 * the next copy is the one before with the messages touched since in
 * their new places.  whereis_new() also keeps, after each operation, the
 * places of its message (op.after: a message has a few), so whereis_at()
 * needs no replay: the copy, with each message that the operations since
 * it touched as the last of them left it.  It costs the copy's length
 * and one look per operation since, which is at most the copy's length.
 */
#include "whereis.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hash.h"
#include "mail.h"	/* enum delivery_status, the count of an ST_DELIVERY */

/* The places are saved every WH_CHECK operations. */
#define WH_CHECK	64

/*
 * A message's places after each of its operations are kept while they
 * are at most WH_KEEP (a message to very many recipients is replayed
 * instead, so that the copies stay linear in the trace).
 */
#define WH_KEEP		16

enum op_type {
	OP_COMPOSE,		/* node: the device */
	OP_TRANSIT_BEGIN,	/* node -> peer */
	OP_TRANSIT_END,
	OP_QUEUE_ADD,		/* node, addr */
	OP_QUEUE_DEL,		/* node: every recipient */
	OP_MAILBOX_ADD,		/* node, addr */
	OP_MAILBOX_DEL,
	OP_STORE,		/* node: device, peer: server */
	OP_BOUNCED,		/* node, addr */
	OP_REFUSED,
	OP_LOST,
};

struct op {
	size_t		 rec;		/* the record that changes it */
	enum op_type	 type;
	int		 msg;
	int		 node, peer;
	const char	*addr;		/* in w->strs, or "" */
	union {
		size_t	 seq;		/* order among equal rec (the sort) */
		size_t	 after;		/* then its message's places after it: */
	};
	int		 nafter;	/* w->pool[after], nafter of them; -1: not kept */
};

struct wmsg {
	struct whereis_msg pub;
	size_t		 first_rec;	/* the first record that names it */
	int		 first_node;
	int		 claimed;	/* by a send action */
};

/* Places: of one message, in the order put; or a saved copy, by message. */
struct places {
	struct whereis_entry *e;
	int		 n, cap;
};

/* Messages whose places the operations since a saved copy changed. */
struct touched {
	struct places	*of;		/* [nmsgs]: each touched message's places */
	char		*is;		/* [nmsgs]: touched since the copy */
	int		*msgs;		/* which, in the order first touched */
	int		 n, nmsgs;
};

struct whereis {
	const struct trace *tr;
	struct wmsg	*msgs;
	int		 nmsgs, capmsgs;
	struct op	*ops;
	size_t		 nops, capops;
	struct places	*saved;		/* after ops [0, saved_at[k]), by message */
	size_t		*saved_at;	/* ascending, saved_at[0] == 0 */
	size_t		 nsaved;
	struct whereis_entry *pool;	/* the places after each operation (op.after) */
	size_t		 npool, cappool;
	struct touched	 replay;	/* whereis_at()'s messages since the copy */
	size_t		*last;		/* [nmsgs]: each one's last operation there */
	struct places	*scratch;	/* [nmsgs]: places replayed (op.nafter -1) */
	struct places	 now;		/* whereis_at()'s answer */
	size_t		 now_step;	/* for this step (SIZE_MAX: none yet) */
	char		**strs;		/* every string it keeps, freed at the end */
	size_t		 nstrs, capstrs;
	struct hmap	 msg_by_id;	/* hash_bytes(id) -> msgs[] */
};

static const char *keep(struct whereis *, const char *, size_t);
static int	msg_new(struct whereis *, const char *, size_t, size_t, int);
static int	msg_get(struct whereis *, const char *, size_t, size_t, int);
static void	op_add(struct whereis *, size_t, enum op_type, int, int, int,
		    const char *);
static void	read_trace(struct whereis *);
static void	add_sends(struct whereis *, const struct scenario *);
static void	apply(struct places *, const struct op *);
static void	touched_init(struct touched *, int);
static void	touched_free(struct touched *, int);
static void	from_copy(struct places *, const struct places *, int);
static void	merge(struct places *, const struct places *,
		    struct touched *);

/* ---------------------------------------------------------------- */
/* Reading the trace once */

static const char *
keep(struct whereis *w, const char *s, size_t n)
{
	if (w->nstrs == w->capstrs) {
		w->capstrs = w->capstrs ? w->capstrs * 2 : 32;
		w->strs = xrealloc(w->strs, w->capstrs * sizeof *w->strs);
	}
	return w->strs[w->nstrs++] = xstrndup(s, n);
}

static int
msg_new(struct whereis *w, const char *id, size_t n, size_t rec, int node)
{
	if (w->nmsgs == w->capmsgs) {
		w->capmsgs = w->capmsgs ? w->capmsgs * 2 : 8;
		w->msgs = xrealloc(w->msgs, (size_t)w->capmsgs *
		    sizeof *w->msgs);
	}
	struct wmsg *m = &w->msgs[w->nmsgs];
	memset(m, 0, sizeof *m);
	m->pub.id = keep(w, id, n);
	hmap_add(&w->msg_by_id, hash_bytes(id, n), w->nmsgs);
	m->pub.subject = "";
	m->first_rec = rec;
	m->first_node = node;
	return w->nmsgs++;
}

/* The message called id (n bytes), added where it is new. */
static int
msg_get(struct whereis *w, const char *id, size_t n, size_t rec, int node)
{
	size_t it = 0;
	int best = -1;

	/* By hash, the first with that id: 100,000 messages are not walked. */
	for (int i; (i = hmap_next(&w->msg_by_id, hash_bytes(id, n),
	    &it)) >= 0; )
		if ((best < 0 || i < best) && strlen(w->msgs[i].pub.id) == n &&
		    memcmp(w->msgs[i].pub.id, id, n) == 0)
			best = i;
	return best >= 0 ? best : msg_new(w, id, n, rec, node);
}

static void
op_add(struct whereis *w, size_t rec, enum op_type t, int msg, int node,
    int peer, const char *addr)
{
	if (w->nops == w->capops) {
		w->capops = w->capops ? w->capops * 2 : 64;
		w->ops = xrealloc(w->ops, w->capops * sizeof *w->ops);
	}
	w->ops[w->nops] = (struct op){ rec, t, msg, node, peer,
	    addr ? addr : "", { w->nops }, -1 };
	w->nops++;
}

/* The value of argument name of y, or NULL; *n gets its length. */
static const char *
arg(const struct trace_say *y, const char *name, size_t *n)
{
	const struct trace_say_arg *a = trace_say_arg_named(y, name);

	if (a == NULL)
		return NULL;
	*n = a->value_len;
	return a->value;
}

static int
arg_node(const struct trace_say *y, const char *name)
{
	const struct trace_say_arg *a = trace_say_arg_named(y, name);

	return a != NULL ? a->node : -1;
}

static int
key_is(const struct trace_say *y, const char *key)
{
	return y->key_len == strlen(key) && memcmp(y->key, key, y->key_len) == 0;
}

/* A message crossing: from node a to node b, since record rec. */
struct open_transit {
	int	 msg, a, b;
};

static void
read_trace(struct whereis *w)
{
	const struct trace *tr = w->tr;
	size_t count = trace_count(tr);
	struct open_transit *open = NULL;
	int nopen = 0, capopen = 0;

	for (size_t i = 0; i < count; i++) {
		const struct trace_rec rc = trace_at(tr, i), *r = &rc;
		struct trace_say y;
		const char *id, *v;
		size_t idn, vn;
		int m;

		switch (r->kind) {
		case TR_APP:
			/* The reply to the message ends its crossing. */
			for (int k = 0; k < nopen; k++)
				if (open[k].b == r->node && open[k].a == r->peer) {
					op_add(w, i, OP_TRANSIT_END, open[k].msg,
					    open[k].a, open[k].b, NULL);
					open[k--] = open[--nopen];
				}
			if (!trace_say_read(tr, r->say, &y) ||
			    (id = arg(&y, "msgid", &idn)) == NULL)
				break;
			m = msg_get(w, id, idn, i, r->node);
			if ((v = arg(&y, "subject", &vn)) != NULL &&
			    w->msgs[m].pub.subject[0] == '\0')
				w->msgs[m].pub.subject = keep(w, v, vn);
			op_add(w, i, OP_TRANSIT_BEGIN, m, r->node, r->peer, NULL);
			if (nopen == capopen) {
				capopen = capopen ? capopen * 2 : 8;
				open = xrealloc(open, (size_t)capopen *
				    sizeof *open);
			}
			open[nopen++] = (struct open_transit){ m, r->node,
			    r->peer };
			break;
		case TR_TCP_ERROR:
		case TR_NODE_STATE:
			/* No reply will come: the connection failed, a node went off. */
			if (r->kind == TR_NODE_STATE && r->a != 0)
				break;
			for (int k = 0; k < nopen; k++)
				if (open[k].a == r->node || open[k].b == r->node) {
					op_add(w, i, OP_TRANSIT_END, open[k].msg,
					    open[k].a, open[k].b, NULL);
					open[k--] = open[--nopen];
				}
			break;
		case TR_STATE:
			if (r->a != ST_QUEUE_ADD && r->a != ST_QUEUE_DEL &&
			    r->a != ST_MAILBOX_ADD && r->a != ST_MAILBOX_DEL &&
			    r->a != ST_CLIENT_STORE && r->a != ST_DELIVERY)
				break;
			if (!trace_say_read(tr, r->say, &y) ||
			    (id = arg(&y, "msgid", &idn)) == NULL || idn == 0)
				break;
			m = msg_get(w, id, idn, i, r->node);
			if ((v = arg(&y, "subject", &vn)) != NULL &&
			    w->msgs[m].pub.subject[0] == '\0')
				w->msgs[m].pub.subject = keep(w, v, vn);
			/* A notice with the null reverse-path (RFC 5321 4.5.5). */
			if (key_is(&y, "state.queue_add_bounce") ||
			    key_is(&y, "state.mailbox_add_bounce"))
				w->msgs[m].pub.bounce = 1;
			const char *to = (v = arg(&y, "to", &vn)) != NULL ?
			    keep(w, v, vn) : "";
			switch (r->a) {
			case ST_QUEUE_ADD:
				op_add(w, i, OP_QUEUE_ADD, m, r->node, -1, to);
				break;
			case ST_QUEUE_DEL:
				op_add(w, i, OP_QUEUE_DEL, m, r->node, -1, NULL);
				break;
			case ST_MAILBOX_ADD:
				op_add(w, i, OP_MAILBOX_ADD, m, r->node, -1, to);
				break;
			case ST_MAILBOX_DEL:
				op_add(w, i, OP_MAILBOX_DEL, m, r->node, -1, to);
				break;
			case ST_CLIENT_STORE:
				op_add(w, i, OP_STORE, m, r->node,
				    arg_node(&y, "server"), NULL);
				break;
			case ST_DELIVERY:
				/* Its count is the outcome (mailstore.c, delivery_set). */
				if (r->b == DLV_BOUNCED)
					op_add(w, i, w->msgs[m].pub.bounce ?
					    OP_LOST : OP_BOUNCED, m, r->node, -1,
					    to);
				else if (r->b == DLV_REJECTED)
					op_add(w, i, OP_REFUSED, m, r->node, -1,
					    to);
				break;
			}
			break;
		default:
			break;
		}
	}
	free(open);
}

/*
 * The first message named at node (a list of by_node, whose messages are
 * in the order named, so by first_rec) that a send at record at can
 * claim, or -1.  The sends come in time order: what one cannot claim (an
 * earlier record, claimed, a bounce) no later one can, and *cur skips it
 * for good, so all the sends walk each list once.
 */
static int
first_free(const struct whereis *w, const int *by_node, int *cur, int end,
    size_t at)
{
	while (*cur < end) {
		const struct wmsg *m = &w->msgs[by_node[*cur]];

		if (!m->claimed && !m->pub.bounce && m->first_rec >= at)
			return by_node[*cur];
		(*cur)++;
	}
	return -1;
}

/*
 * Each send of the scenario composes a message on its device.  Which
 * Message-ID it got is the first new one named, from that moment on, at
 * the device or at the server it submits to (its crossing, its queue,
 * a refusal), and not yet taken by an earlier send.
 */
static void
add_sends(struct whereis *w, const struct scenario *sc)
{
	size_t count = trace_count(w->tr);
	int *order = xcalloc((size_t)sc->nactions + 1, sizeof *order);
	int n = 0;
	/* The messages named so far by the node that first named them. */
	int nb = sc->nnodes + 1;	/* slot 0: node -1 */
	int *start = xcalloc((size_t)nb + 1, sizeof *start);
	int *cur = xcalloc((size_t)nb, sizeof *cur);
	int *by_node = xcalloc((size_t)w->nmsgs + 1, sizeof *by_node);

	for (int i = 0; i < w->nmsgs; i++)
		if (w->msgs[i].first_node >= -1 &&
		    w->msgs[i].first_node < sc->nnodes)
			start[w->msgs[i].first_node + 2]++;
	for (int b = 1; b <= nb; b++)
		start[b] += start[b - 1];
	memcpy(cur, start, (size_t)nb * sizeof *cur);
	for (int i = 0; i < w->nmsgs; i++)
		if (w->msgs[i].first_node >= -1 &&
		    w->msgs[i].first_node < sc->nnodes)
			by_node[cur[w->msgs[i].first_node + 1]++] = i;
	memcpy(cur, start, (size_t)nb * sizeof *cur);

	/* In time order (then the scenario's order), as they fire. */
	for (int i = 0; i < sc->nactions; i++) {
		if (sc->actions[i].kind != SC_ACT_SEND)
			continue;
		int k = n++;
		while (k > 0 && sc->actions[order[k - 1]].at_ns >
		    sc->actions[i].at_ns) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	for (int j = 0; j < n; j++) {
		const struct sc_action *act = &sc->actions[order[j]];
		size_t at = trace_first_at(w->tr, act->at_ns);
		int best = -1, b, v;

		if (at >= count)
			break;		/* the run ended before it */
		/* The earliest named at the device or its server; the first on a tie. */
		b = act->node + 1;
		best = first_free(w, by_node, &cur[b], start[b + 1], at);
		if (act->via >= -1 && act->via < sc->nnodes) {
			b = act->via + 1;
			v = first_free(w, by_node, &cur[b], start[b + 1], at);
			if (v >= 0 && (best < 0 ||
			    w->msgs[v].first_rec < w->msgs[best].first_rec ||
			    (w->msgs[v].first_rec == w->msgs[best].first_rec &&
			    v < best)))
				best = v;
		}
		if (best < 0)
			best = msg_new(w, "", 0, at, act->node);	/* not named yet */
		w->msgs[best].claimed = 1;
		if (w->msgs[best].pub.subject[0] == '\0' && act->subject)
			w->msgs[best].pub.subject = act->subject;
		op_add(w, at, OP_COMPOSE, best, act->node, -1, NULL);
	}
	free(by_node);
	free(cur);
	free(start);
	free(order);
}

/* ---------------------------------------------------------------- */
/* The places */

static int
same_addr(const char *a, const char *b)
{
	/* Mail addresses compare without case here (the summary does too). */
	return strcasecmp(a, b) == 0;
}

static int
has(const struct places *p, int msg, enum whereis_kind k, int node, int peer,
    const char *addr)
{
	for (int i = 0; i < p->n; i++) {
		const struct whereis_entry *e = &p->e[i];

		if (e->msg == msg && e->kind == k && e->node == node &&
		    e->peer == peer && same_addr(e->addr, addr))
			return 1;
	}
	return 0;
}

static void
put(struct places *p, int msg, enum whereis_kind k, int node, int peer,
    const char *addr)
{
	if (has(p, msg, k, node, peer, addr))
		return;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->e = xrealloc(p->e, (size_t)p->cap * sizeof *p->e);
	}
	p->e[p->n++] = (struct whereis_entry){ msg, k, node, peer, addr };
}

/*
 * Remove msg's entries of kind k; node, peer: -2 for any; addr: NULL
 * for any.  The order of the others is kept.
 */
static void
drop(struct places *p, int msg, enum whereis_kind k, int node, int peer,
    const char *addr)
{
	int j = 0;

	for (int i = 0; i < p->n; i++) {
		const struct whereis_entry *e = &p->e[i];

		if (e->msg == msg && e->kind == k &&
		    (node == -2 || e->node == node) &&
		    (peer == -2 || e->peer == peer) &&
		    (addr == NULL || same_addr(e->addr, addr)))
			continue;
		p->e[j++] = *e;
	}
	p->n = j;
}

/*
 * A server took the message for addr (into its queue or a mailbox):
 * RFC 5321 4.1.1.4, with its 250 "the receiver takes responsibility";
 * the client that was sending it keeps nothing for that recipient.
 */
static void
taken(struct places *p, int msg, int node, const char *addr)
{
	for (int i = 0; i < p->n; i++) {
		const struct whereis_entry *e = &p->e[i];

		if (e->msg != msg || e->kind != WHERE_TRANSIT || e->peer != node)
			continue;
		int from = e->node;
		drop(p, msg, WHERE_QUEUE, from, -2, addr);
		drop(p, msg, WHERE_COMPOSED, from, -2, NULL);
		/*
		 * The drops keep every crossing but move them: this one (put
		 * once, put() adds no twin) is found again, and the next
		 * crossing is not skipped.
		 */
		for (i = 0; p->e[i].kind != WHERE_TRANSIT ||
		    p->e[i].node != from || p->e[i].peer != node; i++)
			;
	}
	/* A server that sends from its own queue (a send with no "via"). */
	drop(p, msg, WHERE_COMPOSED, node, -2, NULL);
	/* It has crossed: node holds it now (its 250 follows at once). */
	drop(p, msg, WHERE_TRANSIT, -2, node, NULL);
}

static void
apply(struct places *p, const struct op *o)
{
	switch (o->type) {
	case OP_COMPOSE:
		put(p, o->msg, WHERE_COMPOSED, o->node, -1, "");
		break;
	case OP_TRANSIT_BEGIN:
		put(p, o->msg, WHERE_TRANSIT, o->node, o->peer, "");
		break;
	case OP_TRANSIT_END:
		drop(p, o->msg, WHERE_TRANSIT, o->node, o->peer, NULL);
		break;
	case OP_QUEUE_ADD:
		taken(p, o->msg, o->node, o->addr);
		put(p, o->msg, WHERE_QUEUE, o->node, -1, o->addr);
		break;
	case OP_QUEUE_DEL:
		drop(p, o->msg, WHERE_QUEUE, o->node, -2, NULL);
		break;
	case OP_MAILBOX_ADD:
		/* Stored for addr: no queue holds it for addr any more. */
		taken(p, o->msg, o->node, o->addr);
		drop(p, o->msg, WHERE_QUEUE, -2, -2, o->addr);
		put(p, o->msg, WHERE_MAILBOX, o->node, -1, o->addr);
		break;
	case OP_MAILBOX_DEL:
		drop(p, o->msg, WHERE_MAILBOX, o->node, -2, o->addr);
		break;
	case OP_STORE:
		put(p, o->msg, WHERE_DEVICE, o->node, o->peer, "");
		break;
	case OP_BOUNCED:
	case OP_REFUSED:
	case OP_LOST:
		/* Failed for good for addr: no queue keeps it for addr. */
		drop(p, o->msg, WHERE_QUEUE, -2, -2, o->addr);
		drop(p, o->msg, WHERE_COMPOSED, -2, -2, NULL);
		put(p, o->msg, o->type == OP_BOUNCED ? WHERE_BOUNCED :
		    o->type == OP_REFUSED ? WHERE_REFUSED : WHERE_LOST,
		    o->node, -1, o->addr);
		break;
	}
}

static void
places_grow(struct places *p, int n)
{
	if (p->cap < n) {
		p->cap = n > 2 * p->cap ? n : 2 * p->cap;
		p->e = xrealloc(p->e, (size_t)p->cap * sizeof *p->e);
	}
}

static void
touched_init(struct touched *t, int nmsgs)
{
	t->of = xcalloc((size_t)nmsgs + 1, sizeof *t->of);
	t->is = xcalloc((size_t)nmsgs + 1, 1);
	t->msgs = xcalloc((size_t)nmsgs + 1, sizeof *t->msgs);
	t->n = 0;
	t->nmsgs = nmsgs;
}

/* owned: the places of t->of are its own (not slices of a pool). */
static void
touched_free(struct touched *t, int owned)
{
	if (t->of != NULL && owned)
		for (int i = 0; i < t->nmsgs; i++)
			free(t->of[i].e);
	free(t->of);
	free(t->is);
	free(t->msgs);
}

/* p: the places of msg in copy (sorted by message: found by halving). */
static void
from_copy(struct places *p, const struct places *copy, int msg)
{
	int lo = 0, hi = copy->n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (copy->e[mid].msg < msg)
			lo = mid + 1;
		else
			hi = mid;
	}
	int end = lo;
	while (end < copy->n && copy->e[end].msg == msg)
		end++;
	places_grow(p, end - lo);
	if (end > lo)
		memcpy(p->e, copy->e + lo, (size_t)(end - lo) * sizeof *p->e);
	p->n = end - lo;
}

static int
int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/*
 * out: copy (sorted by message) with the places of every message t
 * touched instead of the copy's, still by message; t is emptied.  It
 * costs the copy's length and the sort of the touched few.
 */
static void
merge(struct places *out, const struct places *copy, struct touched *t)
{
	int n = copy->n;

	for (int j = 0; j < t->n; j++)
		n += t->of[t->msgs[j]].n;
	/* In message order: sorted when few, else read off the marks. */
	if (t->n > t->nmsgs / 16) {
		int k = 0;

		for (int m = 0; m < t->nmsgs; m++)
			if (t->is[m])
				t->msgs[k++] = m;
	} else if (t->n > 1)
		qsort(t->msgs, (size_t)t->n, sizeof *t->msgs, int_cmp);
	places_grow(out, n);
	out->n = 0;
	int i = 0;
	for (int j = 0; i < copy->n || j < t->n; ) {
		if (j < t->n && (i == copy->n || copy->e[i].msg >= t->msgs[j])) {
			int m = t->msgs[j++];
			const struct places *p = &t->of[m];

			if (p->n > 0)
				memcpy(out->e + out->n, p->e,
				    (size_t)p->n * sizeof *p->e);
			out->n += p->n;
			while (i < copy->n && copy->e[i].msg == m)
				i++;
			t->is[m] = 0;
			continue;
		}
		/* A run of untouched messages at once. */
		int from = i;
		while (i < copy->n && (j == t->n || copy->e[i].msg < t->msgs[j]))
			i++;
		memcpy(out->e + out->n, copy->e + from,
		    (size_t)(i - from) * sizeof *out->e);
		out->n += i - from;
	}
	t->n = 0;
}

/* ---------------------------------------------------------------- */
/* The API */

static int
op_cmp(const void *a, const void *b)
{
	const struct op *x = a, *y = b;

	if (x->rec != y->rec)
		return x->rec < y->rec ? -1 : 1;
	/* A message is composed before anything else happens to it. */
	if ((x->type == OP_COMPOSE) != (y->type == OP_COMPOSE))
		return x->type == OP_COMPOSE ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct whereis *
whereis_new(const struct trace *tr, const struct scenario *sc)
{
	struct whereis *w = xcalloc(1, sizeof *w);
	struct places empty = { 0 };
	struct touched live;
	int n = 0;		/* places now, all messages */

	w->tr = tr;
	read_trace(w);
	if (sc != NULL)
		add_sends(w, sc);
	if (w->nops > 0)
		qsort(w->ops, w->nops, sizeof *w->ops, op_cmp);
	/*
	 * The places now, per message (live.of, kept whole), and each copy
	 * the one before with the messages touched since.
	 */
	touched_init(&live, w->nmsgs);
	touched_init(&w->replay, w->nmsgs);
	w->now_step = SIZE_MAX;
	w->last = xcalloc((size_t)w->nmsgs + 1, sizeof *w->last);
	w->scratch = xcalloc((size_t)w->nmsgs + 1, sizeof *w->scratch);
	size_t cap = 0, last = 0;
	for (size_t i = 0; i <= w->nops; i++) {
		size_t every = (size_t)n > WH_CHECK ? (size_t)n : WH_CHECK;

		if (i == 0 || i - last >= every) {
			if (w->nsaved == cap) {
				cap = cap ? cap * 2 : 64;
				w->saved = xrealloc(w->saved, cap *
				    sizeof *w->saved);
				w->saved_at = xrealloc(w->saved_at, cap *
				    sizeof *w->saved_at);
			}
			memset(&w->saved[w->nsaved], 0, sizeof *w->saved);
			merge(&w->saved[w->nsaved], w->nsaved > 0 ?
			    &w->saved[w->nsaved - 1] : &empty, &live);
			w->saved_at[w->nsaved++] = i;
			last = i;
		}
		if (i < w->nops) {
			int m = w->ops[i].msg;
			struct places *p = &live.of[m];

			if (!live.is[m]) {
				live.is[m] = 1;
				live.msgs[live.n++] = m;
			}
			n -= p->n;
			apply(p, &w->ops[i]);
			n += p->n;
			w->ops[i].nafter = p->n <= WH_KEEP ? p->n : -1;
			w->ops[i].after = w->npool;
			if (p->n > WH_KEEP || p->n == 0)
				continue;
			if (w->npool + (size_t)p->n > w->cappool) {
				w->cappool = w->cappool ? 2 * w->cappool : 1024;
				w->pool = xrealloc(w->pool, w->cappool *
				    sizeof *w->pool);
			}
			memcpy(w->pool + w->npool, p->e, (size_t)p->n *
			    sizeof *p->e);
			w->npool += (size_t)p->n;
		}
	}
	touched_free(&live, 1);
	if (w->npool > 0)
		w->pool = xrealloc(w->pool, w->npool * sizeof *w->pool);
	return w;
}

void
whereis_free(struct whereis *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->nsaved; i++)
		free(w->saved[i].e);
	free(w->saved);
	free(w->saved_at);
	touched_free(&w->replay, 0);
	for (int i = 0; i < w->nmsgs; i++)
		free(w->scratch[i].e);
	free(w->scratch);
	free(w->last);
	free(w->pool);
	free(w->now.e);
	for (size_t i = 0; i < w->nstrs; i++)
		free(w->strs[i]);
	free(w->strs);
	free(w->ops);
	free(w->msgs);
	hmap_free(&w->msg_by_id);
	free(w);
}

int
whereis_nmsgs(const struct whereis *w)
{
	return w->nmsgs;
}

const struct whereis_msg *
whereis_msg(const struct whereis *w, int i)
{
	return i >= 0 && i < w->nmsgs ? &w->msgs[i].pub : NULL;
}

int
whereis_at(struct whereis *w, size_t step, const struct whereis_entry **out)
{
	size_t lo = 0, hi = w->nops;

	/* A frame asks for its step more than once (the line, the marks). */
	if (w->now_step != SIZE_MAX && step == w->now_step) {
		*out = w->now.e;
		return w->now.n;
	}
	/* The operations of records before step: rec < step. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->ops[mid].rec < step)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* The last copy saved at or before lo. */
	size_t a = 0, b = w->nsaved;
	while (b - a > 1) {
		size_t mid = a + (b - a) / 2;

		if (w->saved_at[mid] <= lo)
			a = mid;
		else
			b = mid;
	}
	const struct places *copy = &w->saved[a];
	struct touched *t = &w->replay;
	int again = 0;

	/* The messages changed since the copy, and the last change of each. */
	for (size_t i = w->saved_at[a]; i < lo; i++) {
		int m = w->ops[i].msg;

		if (!t->is[m]) {
			t->is[m] = 1;
			t->msgs[t->n++] = m;
		}
		w->last[m] = i;
	}
	/* Their places as that change left them (kept by whereis_new()). */
	for (int j = 0; j < t->n; j++) {
		int m = t->msgs[j];
		const struct op *o = &w->ops[w->last[m]];

		if (o->nafter >= 0) {
			t->of[m] = (struct places){ o->nafter > 0 ?
			    w->pool + o->after : NULL, o->nafter, 0 };
			continue;
		}
		/* Too many to have been kept: replayed from the copy. */
		from_copy(&w->scratch[m], copy, m);
		t->is[m] = 2;
		again = 1;
	}
	if (again) {
		for (size_t i = w->saved_at[a]; i < lo; i++)
			if (t->is[w->ops[i].msg] == 2)
				apply(&w->scratch[w->ops[i].msg], &w->ops[i]);
		for (int j = 0; j < t->n; j++)
			if (t->is[t->msgs[j]] == 2)
				t->of[t->msgs[j]] = w->scratch[t->msgs[j]];
	}
	/* By message, in the order they appeared; in the order put within one. */
	merge(&w->now, copy, t);
	w->now_step = step;
	*out = w->now.e;
	return w->now.n;
}

const char *
whereis_kind_name(enum whereis_kind k)
{
	static const char *const names[WHERE_NKINDS] = {
		[WHERE_COMPOSED] = "composed",
		[WHERE_TRANSIT] = "transit",
		[WHERE_QUEUE] = "queue",
		[WHERE_MAILBOX] = "mailbox",
		[WHERE_DEVICE] = "device",
		[WHERE_BOUNCED] = "bounced",
		[WHERE_REFUSED] = "refused",
		[WHERE_LOST] = "lost",
	};

	return (unsigned)k < WHERE_NKINDS ? names[k] : "?";
}
