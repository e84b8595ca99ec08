/*
 * whereis_oracle.c: the judge of sim/explain/whereis.c (issue 16): its
 * algorithm as it was at 41d61c7, kept for the tests only.  The places
 * of every message in one flat list that every operation scans whole,
 * whereis_at() a copy and a replay, then an insertion sort by message:
 * quadratic in messages, and simple enough to be believed.  test_whereis.c
 * asks both at every step and wants the same answer.  Do not make it
 * faster: its worth is that it is the old way.
 */
#include "whereis_oracle.h"


#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hash.h"
#include "mail.h"	/* enum delivery_status, the count of an ST_DELIVERY */

/* The places are saved every WH_CHECK operations. */
#define WH_CHECK	64

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
	size_t		 seq;		/* order among equal rec (the sort) */
};

struct wmsg {
	struct whereis_msg pub;
	size_t		 first_rec;	/* the first record that names it */
	int		 first_node;
	int		 claimed;	/* by a send action */
};

struct places {
	struct whereis_entry *e;
	int		 n, cap;
};

struct oracle {
	const struct trace *tr;
	struct wmsg	*msgs;
	int		 nmsgs, capmsgs;
	struct op	*ops;
	size_t		 nops, capops;
	struct places	*saved;		/* after ops [0, saved_at[k]) */
	size_t		*saved_at;	/* ascending, saved_at[0] == 0 */
	size_t		 nsaved;
	struct places	 now;		/* oracle_at()'s answer */
	char		**strs;		/* every string it keeps, freed at the end */
	size_t		 nstrs, capstrs;
	struct hmap	 msg_by_id;	/* hash_bytes(id) -> msgs[] */
};

static const char *keep(struct oracle *, const char *, size_t);
static int	msg_new(struct oracle *, const char *, size_t, size_t, int);
static int	msg_get(struct oracle *, const char *, size_t, size_t, int);
static void	op_add(struct oracle *, size_t, enum op_type, int, int, int,
		    const char *);
static void	read_trace(struct oracle *);
static void	add_sends(struct oracle *, const struct scenario *);
static void	apply(struct places *, const struct op *);
static void	places_copy(struct places *, const struct places *);

/* ---------------------------------------------------------------- */
/* Reading the trace once */

static const char *
keep(struct oracle *w, const char *s, size_t n)
{
	if (w->nstrs == w->capstrs) {
		w->capstrs = w->capstrs ? w->capstrs * 2 : 32;
		w->strs = xrealloc(w->strs, w->capstrs * sizeof *w->strs);
	}
	return w->strs[w->nstrs++] = xstrndup(s, n);
}

static int
msg_new(struct oracle *w, const char *id, size_t n, size_t rec, int node)
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
msg_get(struct oracle *w, const char *id, size_t n, size_t rec, int node)
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
op_add(struct oracle *w, size_t rec, enum op_type t, int msg, int node,
    int peer, const char *addr)
{
	if (w->nops == w->capops) {
		w->capops = w->capops ? w->capops * 2 : 64;
		w->ops = xrealloc(w->ops, w->capops * sizeof *w->ops);
	}
	w->ops[w->nops] = (struct op){ rec, t, msg, node, peer,
	    addr ? addr : "", w->nops };
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
read_trace(struct oracle *w)
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

/* The first record at or after t (count where none). */
static size_t
rec_at(const struct trace *tr, uint64_t t)
{
	size_t lo = 0, hi = trace_count(tr);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (trace_at(tr, mid).t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Each send of the scenario composes a message on its device.  Which
 * Message-ID it got is the first new one named, from that moment on, at
 * the device or at the server it submits to (its crossing, its queue,
 * a refusal), and not yet taken by an earlier send.
 */
static void
add_sends(struct oracle *w, const struct scenario *sc)
{
	size_t count = trace_count(w->tr);
	int *order = xcalloc((size_t)sc->nactions + 1, sizeof *order);
	int n = 0;

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
		size_t at = rec_at(w->tr, act->at_ns);
		int best = -1;

		if (at >= count)
			break;		/* the run ended before it */
		for (int i = 0; i < w->nmsgs; i++) {
			const struct wmsg *m = &w->msgs[i];

			if (m->claimed || m->pub.bounce || m->first_rec < at ||
			    (m->first_node != act->node &&
			    m->first_node != act->via))
				continue;
			if (best < 0 || m->first_rec < w->msgs[best].first_rec)
				best = i;
		}
		if (best < 0)
			best = msg_new(w, "", 0, at, act->node);	/* not named yet */
		w->msgs[best].claimed = 1;
		if (w->msgs[best].pub.subject[0] == '\0' && act->subject)
			w->msgs[best].pub.subject = act->subject;
		op_add(w, at, OP_COMPOSE, best, act->node, -1, NULL);
	}
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
places_copy(struct places *dst, const struct places *src)
{
	if (dst->cap < src->n) {
		dst->cap = src->n;
		dst->e = xrealloc(dst->e, (size_t)dst->cap * sizeof *dst->e);
	}
	if (src->n > 0)
		memcpy(dst->e, src->e, (size_t)src->n * sizeof *dst->e);
	dst->n = src->n;
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

struct oracle *
oracle_new(const struct trace *tr, const struct scenario *sc)
{
	struct oracle *w = xcalloc(1, sizeof *w);
	struct places p = { 0 };

	w->tr = tr;
	read_trace(w);
	if (sc != NULL)
		add_sends(w, sc);
	if (w->nops > 0)
		qsort(w->ops, w->nops, sizeof *w->ops, op_cmp);
	size_t cap = 0, last = 0;
	for (size_t i = 0; i <= w->nops; i++) {
		size_t every = (size_t)p.n > WH_CHECK ? (size_t)p.n : WH_CHECK;

		if (i == 0 || i - last >= every) {
			if (w->nsaved == cap) {
				cap = cap ? cap * 2 : 64;
				w->saved = xrealloc(w->saved, cap *
				    sizeof *w->saved);
				w->saved_at = xrealloc(w->saved_at, cap *
				    sizeof *w->saved_at);
			}
			memset(&w->saved[w->nsaved], 0, sizeof *w->saved);
			places_copy(&w->saved[w->nsaved], &p);
			w->saved_at[w->nsaved++] = i;
			last = i;
		}
		if (i < w->nops)
			apply(&p, &w->ops[i]);
	}
	free(p.e);
	return w;
}

void
oracle_free(struct oracle *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->nsaved; i++)
		free(w->saved[i].e);
	free(w->saved);
	free(w->saved_at);
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
oracle_nmsgs(const struct oracle *w)
{
	return w->nmsgs;
}

const struct whereis_msg *
oracle_msg(const struct oracle *w, int i)
{
	return i >= 0 && i < w->nmsgs ? &w->msgs[i].pub : NULL;
}

int
oracle_at(struct oracle *w, size_t step, const struct whereis_entry **out)
{
	size_t lo = 0, hi = w->nops;

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
	size_t k = a;
	places_copy(&w->now, &w->saved[k]);
	for (size_t i = w->saved_at[k]; i < lo; i++)
		apply(&w->now, &w->ops[i]);
	/* By message, in the order they appeared; stable within one. */
	for (int i = 1; i < w->now.n; i++) {
		struct whereis_entry e = w->now.e[i];
		int j = i;

		while (j > 0 && w->now.e[j - 1].msg > e.msg) {
			w->now.e[j] = w->now.e[j - 1];
			j--;
		}
		w->now.e[j] = e;
	}
	*out = w->now.e;
	return w->now.n;
}
